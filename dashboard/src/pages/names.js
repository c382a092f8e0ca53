// Names: resolves a full name (`node1.hypermesh`) with the node's `trustchain_resolve` RPC:
// owner, expiry block, and the AAAA / SRV / TXT records. `#/names?name=…` resolves at once.
import { errorText } from '../api.js';
import { el, num, setState, stateLine } from '../ui.js';

/** The longest DNS name (RFC 1035), as the chain's own bound. */
const MAX_NAME = 253;

/** Why `name` cannot be a name, or null. */
export function nameProblem(name) {
  if (!name) return 'Enter a full name, e.g. node1.hypermesh';
  if (name.length > MAX_NAME) return `A name has at most ${MAX_NAME} characters (this one has ${name.length})`;
  if (/\s/.test(name)) return 'A name has no spaces';
  return null;
}

function recordRow(record) {
  let value;
  if (record.type === 'AAAA') value = el('span', { class: 'mono' }, record.address);
  else if (record.type === 'SRV') value = el('span', { class: 'mono' }, `${record.priority} ${record.weight} ${record.port} ${record.target}`);
  else if (record.type === 'TXT') value = el('span', { class: 'mono' }, `"${record.text}"`);
  else value = el('span', { class: 'mono' }, JSON.stringify(record));
  return el('tr', { 'data-testid': 'name-record', 'data-type': record.type }, el('td', {}, el('span', { class: 'tag' }, record.type)), el('td', {}, value));
}

/** Renders the page into `container`. */
export async function render(container, { api, isCurrent }) {
  container.append(el('h1', {}, 'Names'), el('p', { class: 'muted' }, 'TrustChain names: who owns a name and the records it publishes (trustchain_resolve).'));
  const input = el('input', { type: 'text', name: 'name', placeholder: 'node1.hypermesh', size: 40, 'data-testid': 'name-input', autocomplete: 'off' });
  const form = el('form', { class: 'inline', 'data-testid': 'name-form' }, input, el('button', { type: 'submit' }, 'Resolve'));
  const state = setState(el('div', { 'data-testid': 'name-state' }), 'empty', 'Enter a name to resolve it.');
  const result = el('div', { 'data-testid': 'name-result' });
  container.append(form, state, result);

  let asked = 0;
  async function resolve(raw) {
    const name = raw.trim();
    const mine = ++asked;
    result.replaceChildren();
    const problem = nameProblem(name);
    if (problem) {
      setState(state, 'error', problem);
      return;
    }
    if (!api.rpc.trustchain || !api.rpc.trustchain.resolve) {
      setState(state, 'error', 'RPC refused: this node has no trustchain_resolve method');
      return;
    }
    setState(state, 'loading', `Resolving ${name}…`);
    let answer;
    let best;
    try {
      [answer, best] = await Promise.all([api.rpc.trustchain.resolve(name), api.rpc.chain.getHeader()]);
    } catch (e) {
      if (mine === asked) setState(state, 'error', `RPC refused: ${errorText(e)}`);
      return;
    }
    if (mine !== asked || !isCurrent()) return;
    const resolution = answer.toJSON();
    if (!resolution) {
      setState(state, 'empty', `Not found: no name "${name}" is registered (or its registration expired).`);
      return;
    }
    setState(state, 'ready', '');
    const left = resolution.expiresAt - best.number.toNumber();
    result.append(
      el('table', { 'data-testid': 'name-summary' }, el('tbody', {},
        el('tr', {}, el('th', {}, 'Name'), el('td', { 'data-testid': 'name-name' }, resolution.name)),
        el('tr', {}, el('th', {}, 'Owner'), el('td', { class: 'mono', 'data-testid': 'name-owner' }, resolution.owner)),
        el('tr', {}, el('th', {}, 'Expires'), el('td', { 'data-testid': 'name-expires' },
          `block ${num(resolution.expiresAt)} (${num(Math.max(left, 0))} blocks from now)`)))),
      el('h2', {}, `Records (${resolution.records.length})`),
      resolution.records.length
        ? el('table', { 'data-testid': 'name-records' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Type'), el('th', {}, 'Value'))),
          el('tbody', {}, resolution.records.map(recordRow)))
        : setState(el('div', { 'data-testid': 'name-records-state' }, ''), 'empty', 'This name publishes no records.'),
    );
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const name = input.value.trim();
    const url = new URL(window.location.href);
    url.hash = name ? `#/names?name=${encodeURIComponent(name)}` : '#/names';
    window.history.replaceState(null, '', url);
    resolve(name);
  });
  const preset = new URLSearchParams(window.location.hash.split('?')[1] || '').get('name');
  if (preset) {
    input.value = preset;
    await resolve(preset);
  }
}
