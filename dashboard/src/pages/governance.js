// Governance: the chain's referenda (pallet-referenda with conviction voting), read at every
// new finalized head: each referendum's track (names from `api.consts.referenda.tracks`),
// status, tally (ayes, nays, support), deposits and its proposal, decoded by polkadot.js when
// the preimage is on chain (`api.query.preimage`) or inline; and the tracks themselves.
import { errorText } from '../api.js';
import { el, followFinalized, num, setState, short, stateLine } from '../ui.js';
import { chainToken } from './wallet.js';

/** A track's name without the zero padding of its fixed-size byte string. */
export function trackName(name) {
  const text = typeof name.toU8a === 'function' && name.toRawType?.() !== 'Text'
    ? new TextDecoder().decode(name.toU8a(true))
    : name.toString();
  return text.replace(/\0+$/, '');
}

/**
 * A referendum's status and what the page shows of it, from its `ReferendumInfo`:
 * `{ status, phase, since, track, tally, submissionDeposit, decisionDeposit, proposal, submitted }`.
 */
export function describeReferendum(info) {
  if (info.isOngoing) {
    const o = info.asOngoing;
    let phase = 'preparing';
    if (o.deciding.isSome) phase = o.deciding.unwrap().confirming.isSome ? 'confirming' : 'deciding';
    else if (o.decisionDeposit.isSome) phase = 'waiting for a decision slot';
    else phase = 'waiting for a decision deposit';
    return {
      status: 'ongoing',
      phase,
      track: o.track.toNumber(),
      tally: o.tally,
      submitted: o.submitted.toNumber(),
      submissionDeposit: o.submissionDeposit,
      decisionDeposit: o.decisionDeposit.isSome ? o.decisionDeposit.unwrap() : null,
      proposal: o.proposal,
      origin: o.origin,
    };
  }
  const kinds = [['isApproved', 'asApproved', 'approved'], ['isRejected', 'asRejected', 'rejected'],
    ['isCancelled', 'asCancelled', 'cancelled'], ['isTimedOut', 'asTimedOut', 'timed out'], ['isKilled', 'asKilled', 'killed']];
  for (const [is, as, status] of kinds) {
    if (!info[is]) continue;
    const value = info[as];
    // Killed(since); the others (since, submission deposit, decision deposit).
    const [since, submission, decision] = Array.isArray(value) ? [...value] : [value];
    return {
      status,
      phase: '',
      since: since.toNumber(),
      submissionDeposit: submission && submission.isSome ? submission.unwrap() : null,
      decisionDeposit: decision && decision.isSome ? decision.unwrap() : null,
    };
  }
  return { status: info.type.toLowerCase(), phase: '' };
}

/** Renders the page into `container`; returns the unsubscriber. */
export async function render(container, { api, isCurrent }) {
  let stale = false;
  const live = () => !stale && isCurrent();
  const { fmt } = chainToken(api);

  container.append(el('h1', {}, 'Governance'), el('p', { class: 'muted' },
    'Referenda on their tracks, voted with conviction; proposals decoded from their preimages. Read at each finalized block.'));
  if (!api.query.referenda) {
    container.append(setState(el('div', { 'data-testid': 'referenda-state' }), 'error', 'This runtime has no referenda (pallet-referenda).'));
    return undefined;
  }
  const tracks = new Map(api.consts.referenda.tracks.map(([id, info]) => [id.toNumber(), { name: trackName(info.name), info }]));
  const state = stateLine('referenda-state', 'Reading the referenda…');
  const body = el('tbody');
  const table = el('table', { 'data-testid': 'referenda' }, el('thead', {}, el('tr', {},
    el('th', { class: 'num' }, '#'), el('th', {}, 'Track'), el('th', {}, 'Status'), el('th', { class: 'num' }, 'Ayes'),
    el('th', { class: 'num' }, 'Nays'), el('th', { class: 'num' }, 'Support'), el('th', {}, 'Deposits'),
    el('th', {}, 'Proposal'))), body);
  const trackTable = el('table', { 'data-testid': 'tracks' }, el('thead', {}, el('tr', {},
    el('th', { class: 'num' }, 'Id'), el('th', {}, 'Track'), el('th', { class: 'num' }, 'Max deciding'),
    el('th', { class: 'num' }, 'Decision deposit'), el('th', { class: 'num' }, 'Prepare'), el('th', { class: 'num' }, 'Decision'),
    el('th', { class: 'num' }, 'Confirm'), el('th', { class: 'num' }, 'Min. enactment'))),
  el('tbody', {}, ...[...tracks].map(([id, { name, info }]) => el('tr', { 'data-testid': `track-${id}` },
    el('td', { class: 'num' }, id), el('td', {}, name), el('td', { class: 'num' }, info.maxDeciding.toString()),
    el('td', { class: 'num' }, fmt(info.decisionDeposit)),
    ...[info.preparePeriod, info.decisionPeriod, info.confirmPeriod, info.minEnactmentPeriod]
      .map((blocks) => el('td', { class: 'num' }, `${num(blocks)} ${blocks.toNumber() === 1 ? 'block' : 'blocks'}`))))));
  const headLine = el('p', { class: 'muted', 'data-testid': 'governance-block' });
  container.append(headLine, state, table, el('h2', {}, 'Tracks'), trackTable);

  /** Decoded proposals by preimage hash (a preimage never changes). */
  const calls = new Map();
  async function proposalText(at, proposal) {
    let bytes;
    let key;
    if (proposal.isInline) {
      bytes = proposal.asInline.toU8a(true);
      key = proposal.asInline.toHex();
    } else if (proposal.isLookup) {
      // `hash_`: polkadot.js renames a field called `hash` (every codec has a `.hash`).
      const { hash_: hash, len } = proposal.asLookup;
      key = hash.toHex();
      if (calls.has(key)) return calls.get(key);
      const stored = await at.query.preimage.preimageFor([hash, len]);
      if (stored.isNone) return `preimage ${short(key)} (${len.toNumber()} bytes) not available`;
      bytes = stored.unwrap().toU8a(true);
    } else {
      return `legacy proposal ${short(proposal.asLegacy.hash_.toHex())}`;
    }
    if (calls.has(key)) return calls.get(key);
    let text;
    try {
      const call = api.registry.createType('Call', bytes);
      const args = JSON.stringify(call.toHuman().args ?? {});
      text = `${call.section}.${call.method}(${args.length > 160 ? `${args.slice(0, 160)}…` : args})`;
    } catch {
      text = `undecodable call (${bytes.length} bytes)`;
    }
    calls.set(key, text);
    return text;
  }

  const deposit = (label, d) => (d ? `${label} ${fmt(d.amount)} (${short(d.who.toString())})` : `${label}: none`);

  async function show(header) {
    const hash = header.hash.toHex();
    const number = header.number.toNumber();
    const at = await api.at(hash);
    const entries = await at.query.referenda.referendumInfoFor.entries();
    const referenda = [];
    for (const [key, value] of entries) {
      if (value.isNone) continue;
      const index = key.args[0].toNumber();
      const r = describeReferendum(value.unwrap());
      r.index = index;
      r.proposalText = r.proposal ? await proposalText(at, r.proposal) : '—';
      referenda.push(r);
    }
    if (!live()) return;
    referenda.sort((a, b) => b.index - a.index);
    headLine.textContent = `At finalized block #${num(number)}; ${referenda.length} referenda.`;
    headLine.dataset.block = String(number);
    body.replaceChildren(...referenda.map((r) => {
      const tally = r.tally;
      const amount = (testid, v) => el('td', { class: 'num', 'data-testid': testid, 'data-value': v ? v.toString() : '' }, v ? fmt(v) : '—');
      return el('tr', { 'data-testid': `referendum-${r.index}`, 'data-status': r.status },
        el('td', { class: 'num' }, r.index),
        el('td', { 'data-testid': 'ref-track', 'data-value': r.track ?? '' },
          r.track === undefined ? '—' : `${tracks.get(r.track)?.name ?? 'unknown'} (${r.track})`),
        el('td', { 'data-testid': 'ref-status', 'data-value': r.status },
          r.status === 'ongoing' ? `ongoing: ${r.phase} (submitted at #${num(r.submitted)})` : `${r.status} at #${num(r.since)}`),
        amount('ref-ayes', tally?.ayes), amount('ref-nays', tally?.nays), amount('ref-support', tally?.support),
        el('td', {}, deposit('submission', r.submissionDeposit), el('br'), deposit('decision', r.decisionDeposit)),
        el('td', { class: 'mono', 'data-testid': 'ref-proposal' }, r.proposalText));
    }));
    table.hidden = referenda.length === 0;
    if (referenda.length) setState(state, 'ready', '');
    else setState(state, 'empty', 'No referenda.');
  }

  const unsub = await followFinalized(api, live, show,
    (e) => setState(state, 'error', `Could not read the referenda: ${errorText(e)}`));
  return () => {
    stale = true;
    unsub();
  };
}
