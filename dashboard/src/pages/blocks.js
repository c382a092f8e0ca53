// Blocks: the last blocks, live, each with its extrinsics (section.method, signer, result)
// and events, decoded by polkadot.js from the block's own metadata. Click a block to expand.
import { errorText } from '../api.js';
import { el, num, setState, short, stateLine } from '../ui.js';

/** How many recent blocks the table keeps. */
const KEEP = 20;

/** A value's JSON, cut to `max` characters for a table cell. */
function brief(value, max = 160) {
  const text = JSON.stringify(value.toHuman ? value.toHuman() : value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Reads a block: its extrinsics and events at its own runtime version. */
async function loadBlock(api, hash) {
  const [signed, apiAt] = await Promise.all([api.rpc.chain.getBlock(hash), api.at(hash)]);
  const events = await apiAt.query.system.events();
  const { block } = signed;
  const extrinsics = block.extrinsics.map((xt, index) => {
    const own = events.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.eq(index));
    const failed = own.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
    let result = own.some(({ event }) => api.events.system.ExtrinsicSuccess.is(event)) ? 'ok' : '—';
    if (failed) {
      const [error] = failed.event.data;
      if (error.isModule) {
        const { section, name } = api.registry.findMetaError(error.asModule);
        result = `failed: ${section}.${name}`;
      } else {
        result = `failed: ${error.toString()}`;
      }
    }
    return {
      index,
      call: `${xt.method.section}.${xt.method.method}`,
      signer: xt.isSigned ? xt.signer.toString() : null,
      args: xt.method.args.map((a) => a.toHuman()),
      result,
    };
  });
  const timestampCall = block.extrinsics.find((xt) => xt.method.section === 'timestamp' && xt.method.method === 'set');
  return {
    number: block.header.number.toNumber(),
    hash: hash.toString(),
    time: timestampCall ? new Date(Number(timestampCall.method.args[0].toString())) : null,
    extrinsics,
    events: events.map(({ phase, event }) => ({
      phase: phase.isApplyExtrinsic ? `extrinsic ${phase.asApplyExtrinsic.toNumber()}` : phase.type,
      name: `${event.section}.${event.method}`,
      data: event.data,
    })),
  };
}

function detailsOf(block) {
  return el('div', { class: 'details', 'data-testid': 'block-details' },
    el('div', { class: 'mono muted' }, `hash ${block.hash}`),
    el('h2', {}, `Extrinsics (${block.extrinsics.length})`),
    el('table', { class: 'extrinsics' },
      el('thead', {}, el('tr', {}, el('th', {}, '#'), el('th', {}, 'Call'), el('th', {}, 'Signer'), el('th', {}, 'Result'), el('th', {}, 'Arguments'))),
      el('tbody', {}, block.extrinsics.map((x) => el('tr', { 'data-testid': 'extrinsic' },
        el('td', {}, String(x.index)),
        el('td', { 'data-testid': 'extrinsic-call' }, x.call),
        el('td', { class: 'mono', title: x.signer || '' }, x.signer ? short(x.signer, 8) : el('span', { class: 'muted' }, 'unsigned')),
        el('td', { class: x.result.startsWith('failed') ? 'bad' : 'ok' }, x.result),
        el('td', { class: 'mono' }, brief(x.args)))))),
    el('h2', {}, `Events (${block.events.length})`),
    el('table', { class: 'events' },
      el('thead', {}, el('tr', {}, el('th', {}, 'Phase'), el('th', {}, 'Event'), el('th', {}, 'Data'))),
      el('tbody', {}, block.events.map((e) => el('tr', { 'data-testid': 'event' },
        el('td', {}, e.phase),
        el('td', { 'data-testid': 'event-name' }, e.name),
        el('td', { class: 'mono' }, brief(e.data)))))));
}

/** Renders the page into `container`; returns the unsubscriber. */
export async function render(container, { api }) {
  container.append(el('h1', {}, 'Blocks'), el('p', { class: 'muted' }, `The last ${KEEP} blocks, live. Click a block for its extrinsics and events.`));
  const state = stateLine('blocks-state', 'Loading the last blocks…');
  const body = el('tbody');
  container.append(state, el('table', { 'data-testid': 'blocks' },
    el('thead', {}, el('tr', {},
      el('th', { class: 'num' }, 'Block'), el('th', {}, 'Hash'), el('th', {}, 'Time'),
      el('th', { class: 'num' }, 'Extrinsics'), el('th', { class: 'num' }, 'Events'), el('th', {}, 'Calls'))),
    body));

  const rows = new Map(); // number -> { row, details }
  const expanded = new Set();

  function show(block) {
    if (rows.has(block.number)) return;
    const signedCalls = block.extrinsics.filter((x) => x.signer).map((x) => x.call);
    const row = el('tr', { class: 'clickable', 'data-testid': 'block-row', 'data-number': block.number },
      el('td', { class: 'num' }, num(block.number)),
      el('td', { class: 'mono', title: block.hash }, short(block.hash, 8)),
      el('td', {}, block.time ? block.time.toLocaleTimeString() : '—'),
      el('td', { class: 'num' }, String(block.extrinsics.length)),
      el('td', { class: 'num' }, String(block.events.length)),
      el('td', {}, signedCalls.length ? signedCalls.join(', ') : el('span', { class: 'muted' }, 'inherents only')));
    const detailsRow = el('tr', { hidden: true }, el('td', { colspan: 6 }, detailsOf(block)));
    row.addEventListener('click', () => {
      const open = detailsRow.hidden;
      detailsRow.hidden = !open;
      row.classList.toggle('selected', open);
      if (open) expanded.add(block.number); else expanded.delete(block.number);
    });
    // Keep the table ordered, newest first.
    const after = [...rows.keys()].filter((n) => n < block.number).sort((a, b) => b - a)[0];
    if (after === undefined) body.append(row, detailsRow);
    else body.insertBefore(row, rows.get(after).row), body.insertBefore(detailsRow, rows.get(after).row);
    rows.set(block.number, { row, detailsRow });
    for (const n of [...rows.keys()].sort((a, b) => b - a).slice(KEEP)) {
      if (expanded.has(n)) continue;
      rows.get(n).row.remove();
      rows.get(n).detailsRow.remove();
      rows.delete(n);
    }
    setState(state, 'ready', '');
  }

  try {
    const head = await api.rpc.chain.getHeader();
    const best = head.number.toNumber();
    const numbers = [];
    for (let n = best; n >= 0 && n > best - KEEP; n -= 1) numbers.push(n);
    const hashes = await Promise.all(numbers.map((n) => api.rpc.chain.getBlockHash(n)));
    const blocks = await Promise.all(hashes.map((hash) => loadBlock(api, hash)));
    blocks.forEach(show);
  } catch (e) {
    setState(state, 'error', `RPC refused: ${errorText(e)}`);
  }

  const unsubscribe = await api.rpc.chain.subscribeNewHeads(async (header) => {
    try {
      show(await loadBlock(api, header.hash));
    } catch (e) {
      setState(state, 'error', `RPC refused: ${errorText(e)}`);
    }
  });
  return unsubscribe;
}
