// Certificates: crt.sh for the chain. Searches TrustChain's Certificate Transparency log
// by name, serial, holder account or log index; shows a certificate's decoded fields, its
// status (and revocation reason), a PEM download, and its RFC 9162 inclusion proof,
// verified here in the browser (lib/merkle.js) against the log's current tree head.
import { el, setState, short } from '../ui.js';
import { errorText } from '../api.js';
import { decodeCertificate, toPem } from '../lib/cert.js';
import { checkInclusion, hexToBytes } from '../lib/merkle.js';

/** How many of the newest log entries a name search decodes. */
export const NAME_SCAN_LIMIT = 5000;
/** How many log entries one storage query reads during a name search. */
const SCAN_CHUNK = 250;
/** How many certificates the recent list and a result page show. */
const SHOWN = 50;

const SS58 = /^[1-9A-HJ-NP-Za-km-z]{46,48}$/;
const SERIAL = /^(0x)?[0-9a-fA-F]{2}([0-9a-fA-F]{2}|:[0-9a-fA-F]{2})*$/;

/** What a search string asks for: { kind: 'recent'|'index'|'account'|'serial'|'name', value }. */
export function classifyQuery(raw) {
  const q = raw.trim();
  if (q === '') return { kind: 'recent' };
  if (/^\d+$/.test(q)) return { kind: 'index', value: Number(q) };
  if (SS58.test(q)) return { kind: 'account', value: q };
  if (SERIAL.test(q) && (q.startsWith('0x') || q.includes(':'))) {
    return { kind: 'serial', value: q.replace(/^0x/, '').replaceAll(':', '').toLowerCase() };
  }
  return { kind: 'name', value: q.toLowerCase().replace(/^[*%]\.?/, '') };
}

const unix = (seconds) => (seconds == null ? '—' : new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z'));

/** A status JSON (`trustchain_status`) as text. */
export function statusText(status) {
  if (!status) return 'unknown';
  if (status.status === 'revoked') return `revoked (${status.reason}) at block #${status.revokedAt}`;
  return status.status;
}

const rpcJson = async (call) => {
  const value = await call;
  return value && typeof value.toJSON === 'function' ? value.toJSON() : value;
};

/** Renders the page into `container`. */
export async function render(container, { api, isCurrent }) {
  const input = el('input', {
    type: 'search', name: 'q', size: 48, 'data-testid': 'cert-search',
    placeholder: 'name (bob.hypermesh), serial (0x…), holder account (SS58) or log index',
  });
  const form = el('form', { class: 'inline', 'data-testid': 'cert-search-form' },
    input, el('button', { type: 'submit' }, 'Search'));
  const headLine = el('div', { class: 'muted mono', 'data-testid': 'tree-head' }, 'Reading the tree head…');
  const resultsState = setState(el('div', { 'data-testid': 'cert-results-state' }), 'loading', 'Loading…');
  const results = el('div', { 'data-testid': 'cert-results' });
  const detail = el('div', { 'data-testid': 'cert-detail' });
  container.append(
    el('h1', {}, 'Certificates'),
    el('p', { class: 'muted' },
      'Every certificate TrustChain issues is appended to its Certificate Transparency log (RFC 9162). ',
      'Inclusion proofs are verified in this browser against the log\'s current tree head.'),
    headLine, form, resultsState, results, detail,
  );

  let stale = false;
  const live = () => !stale && isCurrent();

  async function showHead() {
    try {
      const head = await rpcJson(api.rpc.trustchain.treeHead());
      if (live()) {
        headLine.textContent = `Tree head: ${head.size} certificates, root ${head.root} (block ${short(head.at)})`;
      }
      return head;
    } catch (e) {
      if (live()) headLine.textContent = `RPC refused: trustchain_treeHead: ${errorText(e)}`;
      throw e;
    }
  }

  /** Log ids matching the query, newest first, and a note on how they were found. */
  async function find(query) {
    const { kind, value } = query;
    if (kind === 'index') {
      const cert = await rpcJson(api.rpc.trustchain.certificate(value));
      return { ids: cert ? [value] : [], note: `log index ${value}` };
    }
    if (kind === 'account') {
      const list = await rpcJson(api.rpc.trustchain.certificatesOf(value));
      return { ids: list.map((c) => c.id).reverse(), note: `certificates issued to ${value}` };
    }
    if (kind === 'serial') {
      const authorities = (await api.query.trustChain.authorities.keys()).map((k) => k.args[0]);
      const variants = [value, `00${value}`, value.replace(/^(00)+/, '')].filter((v, i, a) => v && a.indexOf(v) === i);
      const keys = authorities.flatMap((a) => variants.map((v) => [a, `0x${v}`]));
      const found = keys.length ? await api.query.trustChain.serialIndex.multi(keys) : [];
      const ids = [...new Set(found.filter((o) => o.isSome).map((o) => o.unwrap().toNumber()))];
      return { ids: ids.sort((a, b) => b - a), note: `serial ${value}` };
    }
    const head = await rpcJson(api.rpc.trustchain.treeHead());
    const size = Number(head.size);
    const from = Math.max(0, size - (kind === 'name' ? NAME_SCAN_LIMIT : SHOWN));
    const ids = [];
    for (let id = size - 1; id >= from; id--) ids.push(id);
    if (kind === 'recent') return { ids, note: `the newest ${ids.length} of ${size} logged certificates` };
    // In chunks: each record carries its DER (about 4 kB with the FALCON-1024 extensions),
    // and one answer must stay well under the RPC server's response size limit.
    const records = [];
    for (let i = 0; i < ids.length; i += SCAN_CHUNK) {
      records.push(...await api.query.trustChain.certificates.multi(ids.slice(i, i + SCAN_CHUNK)));
      if (!live()) return { ids: [], note: '' };
    }
    const matches = [];
    records.forEach((record, i) => {
      if (record.isNone) return;
      let fields;
      try {
        fields = decodeCertificate(record.unwrap().der.toU8a(true));
      } catch {
        return; // a log entry that is not a certificate we can decode never matches a name
      }
      const names = [...fields.dnsNames, fields.subject].map((n) => n.toLowerCase());
      if (names.some((n) => n.includes(value))) matches.push(ids[i]);
    });
    const scanned = ids.length < size ? `the newest ${ids.length} of ${size}` : `all ${size}`;
    return { ids: matches, note: `names containing "${value}", searched ${scanned} log entries` };
  }

  async function search(raw) {
    const query = classifyQuery(raw);
    setState(resultsState, 'loading', query.kind === 'recent' ? 'Loading the newest certificates…' : `Searching for "${raw.trim()}"…`);
    results.replaceChildren();
    let found;
    try {
      found = await find(query);
    } catch (e) {
      if (live()) setState(resultsState, 'error', `RPC refused: ${errorText(e)}`);
      return;
    }
    if (!live()) return;
    if (found.ids.length === 0) {
      setState(resultsState, 'empty', query.kind === 'recent'
        ? 'The log is empty: no certificate has been issued yet.'
        : `No certificates match "${raw.trim()}" (${found.note}).`);
      return;
    }
    const shown = found.ids.slice(0, SHOWN);
    let certs;
    try {
      certs = await Promise.all(shown.map((id) => rpcJson(api.rpc.trustchain.certificate(id))));
    } catch (e) {
      if (live()) setState(resultsState, 'error', `RPC refused: trustchain_certificate: ${errorText(e)}`);
      return;
    }
    if (!live()) return;
    const body = el('tbody');
    certs.forEach((cert) => {
      if (!cert) return;
      let names = '';
      try {
        const fields = decodeCertificate(hexToBytes(cert.der));
        names = fields.dnsNames.length ? fields.dnsNames.join(', ') : fields.subject;
      } catch (e) {
        names = `undecodable: ${e.message}`;
      }
      const row = el('tr', { class: 'clickable', 'data-testid': 'cert-row', 'data-id': cert.id, onclick: () => showDetail(cert.id) },
        el('td', { class: 'num' }, cert.id),
        el('td', { 'data-testid': 'cert-names' }, names),
        el('td', { class: 'mono' }, cert.holder ? short(cert.holder) : '—'),
        el('td', { class: 'mono' }, cert.serial ?? '—'),
        el('td', {}, unix(cert.notAfter)),
        el('td', { 'data-testid': 'cert-status' }, statusText(cert.status)));
      body.append(row);
    });
    results.append(el('table', {},
      el('thead', {}, el('tr', {}, ...['Index', 'Names', 'Holder', 'Serial', 'Not after', 'Status'].map((h) => el('th', {}, h)))),
      body));
    const more = found.ids.length > shown.length ? ` (showing ${shown.length} of ${found.ids.length})` : '';
    setState(resultsState, 'ready', `${found.ids.length} found: ${found.note}${more}`);
    resultsState.className = 'muted'; // the summary stays visible (state-ready lines are hidden)
  }

  let objectUrls = [];
  const download = (text, filename, testid, label) => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/x-pem-file' }));
    objectUrls.push(url);
    return el('a', { href: url, download: filename, 'data-testid': testid }, label);
  };

  async function showDetail(id) {
    for (const row of results.querySelectorAll('tr[data-id]')) row.classList.toggle('selected', row.dataset.id === String(id));
    const state = setState(el('div', { 'data-testid': 'cert-detail-state' }), 'loading', `Loading certificate ${id}…`);
    detail.replaceChildren(el('h2', {}, `Certificate ${id}`), state);
    let cert;
    try {
      cert = await rpcJson(api.rpc.trustchain.certificate(id));
    } catch (e) {
      if (live()) setState(state, 'error', `RPC refused: trustchain_certificate: ${errorText(e)}`);
      return;
    }
    if (!live()) return;
    if (!cert) {
      setState(state, 'empty', `No certificate has log index ${id}.`);
      return;
    }
    const der = hexToBytes(cert.der);
    let fields;
    try {
      fields = decodeCertificate(der);
    } catch (e) {
      setState(state, 'error', `The logged entry is not a decodable certificate: ${e.message}`);
      return;
    }
    const alt = fields.alternative;
    const rows = [
      ['Subject', fields.subject],
      ['Issuer', fields.issuer],
      ['Names', [...fields.dnsNames, ...fields.otherNames].join(', ') || '—'],
      ['Serial', `0x${fields.serial}`],
      ['Valid', `${fields.notBefore.toISOString()} to ${fields.notAfter.toISOString()}`],
      ['Status', statusText(cert.status)],
      ['Revocation reason', cert.status?.status === 'revoked' ? `${cert.status.reason} (code ${cert.status.reasonCode})` : '—'],
      ['Holder', cert.holder ?? '— (recorded by an authority, not through a request)'],
      ['Authority', cert.authority],
      ['Logged at block', cert.loggedAt],
      ['Public key', `${fields.publicKey.name}${fields.publicKey.curve ? ` ${fields.publicKey.curve}` : ''}`],
      ['Signature', fields.signatureAlgorithm.name],
      ['Alternative key', alt?.publicKey ? `${alt.publicKey.name} (${alt.publicKey.length} bytes)` : '—'],
      ['Alternative signature', alt?.signatureAlgorithm
        ? `${alt.signatureAlgorithm.name}${alt.signatureLength != null ? ` (${alt.signatureLength} bytes)` : ''}` : '—'],
      ['Extensions', fields.extensions.map((e) => `${e.name}${e.critical ? ' (critical)' : ''}`).join(', ')],
      ['Leaf hash', cert.leafHash],
    ];
    const table = el('table', { 'data-testid': 'cert-fields' }, el('tbody', {}, ...rows.map(([k, v]) => el('tr', {},
      el('th', {}, k), el('td', { 'data-field': k.toLowerCase().replaceAll(' ', '-') }, String(v))))));
    const links = el('p', {},
      download(toPem(der), `certificate-${id}.pem`, 'pem-download', 'Download PEM'),
      cert.chain?.length ? ' · ' : null,
      cert.chain?.length ? download(cert.chain.join(''), `certificate-${id}-chain.pem`, 'chain-download', 'Download CA chain (PEM)') : null);
    const proofResult = setState(el('div', { 'data-testid': 'proof-result' }), 'loading', 'Verifying the inclusion proof…');
    const proofInfo = el('div', { class: 'muted mono', 'data-testid': 'proof-info' });
    setState(state, 'ready', '');
    detail.append(table, links, el('h2', {}, 'Inclusion in the CT log (RFC 9162)'), proofResult, proofInfo);

    let head;
    let proof;
    try {
      head = await showHead();
      proof = await rpcJson(api.rpc.trustchain.inclusionProof(id, head.size, head.at));
    } catch (e) {
      if (live()) setState(proofResult, 'error', `not verified: RPC refused: ${errorText(e)}`);
      return;
    }
    const { verified, reason, leafHash } = await checkInclusion({ der, proof, head });
    if (!live()) return;
    proofResult.dataset.state = 'ready';
    proofResult.dataset.verified = String(verified);
    proofResult.className = verified ? 'ok' : 'bad';
    proofResult.replaceChildren(el('strong', {}, verified ? 'verified' : 'not verified'),
      verified ? `: leaf ${id} of ${head.size} leads to the tree head's root` : `: ${reason}`);
    proofInfo.replaceChildren(
      el('div', {}, `leaf hash (computed here) ${leafHash}`),
      el('div', {}, `tree head: size ${head.size}, root ${head.root}`),
      el('div', {}, `audit path: ${proof.auditPath?.length ?? 0} hashes`),
      ...(proof.auditPath ?? []).map((h) => el('div', {}, `  ${h}`)));
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = input.value;
    window.history.replaceState(null, '', `#/certificates${q.trim() ? `?q=${encodeURIComponent(q.trim())}` : ''}`);
    search(q);
  });

  const initial = new URLSearchParams(window.location.hash.split('?')[1] ?? '').get('q') ?? '';
  input.value = initial;
  showHead().catch(() => {});
  await search(initial);

  return () => {
    stale = true;
    for (const url of objectUrls) URL.revokeObjectURL(url);
    objectUrls = [];
  };
}
