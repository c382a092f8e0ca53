// Caesar: HyperMesh's economy read from the node's `caesar_*` RPCs (node/src/rpc/caesar.rs),
// refreshed on every new finalized head and read at that head: the staking clock (eras,
// sessions, Caesar's reward period), the payout parameters and what an era mints, the
// treasury's balance, the exchange's pools (pallet-asset-conversion) with their reserves and
// a quote, and, for a chosen account, its part of recent eras as a validator and its
// earnings per period as a provider.
import { Keyring } from '@polkadot/api';
import { cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { errorText, rawRpc } from '../api.js';
import { el, followFinalized, num, setState, short, stateLine } from '../ui.js';
import { DEV_ACCOUNTS, chainToken, isDevChain } from './wallet.js';

/** How many eras, up to the active one, the validator table shows. */
const ERAS_SHOWN = 6;

/** Parts per billion as a percentage: `50000000` -> `5%`. */
export function ppb(parts) {
  return `${(Number(parts) / 1e7).toLocaleString('en-US', { maximumFractionDigits: 4 })}%`;
}

/** An exchange asset as `caesar_pool` takes it (`"native"` or a token id) from its chain value. */
export function rpcAsset(asset) {
  const json = asset.toJSON();
  if (json === 'Native' || json === 'native' || (json && typeof json === 'object' && 'native' in json)) return 'native';
  const id = json && typeof json === 'object' ? (json.withId ?? json.WithId) : undefined;
  if (id === undefined) throw new Error(`unknown exchange asset ${JSON.stringify(json)}`);
  return Number(id);
}

/** A pool lookup's asset from what the user typed: `native` (or CAES) or a token id. */
export function parseAsset(text) {
  const s = String(text).trim();
  if (/^(native|caes)$/i.test(s)) return 'native';
  if (/^\d{1,10}$/.test(s) && Number(s) <= 0xffffffff) return Number(s);
  throw new Error(`"${s}" is not an asset: "native" or a token id (0 to 4294967295)`);
}

const assetName = (a) => (a === 'native' ? 'native' : `token ${a}`);

/** A value cell: the shown text, and the raw value in `data-value` for tests. */
const cell = (testid, value, text = value, cls = 'num') => el('td', { class: cls, 'data-testid': testid, 'data-value': value }, text);
const card = (label, testid, value, text = value) => el('div', { class: 'card' },
  el('div', { class: 'label' }, label), el('div', { class: 'value', 'data-testid': testid, 'data-value': value }, text));

/** Renders the page into `container`; returns the unsubscriber. */
export async function render(container, { api, isCurrent }) {
  let stale = false;
  const live = () => !stale && isCurrent();
  const { decimals, symbol, fmt } = chainToken(api);
  const chain = (await api.rpc.system.chain()).toString();

  const eraState = stateLine('era-state', 'Reading the era clock…');
  const clock = el('div', { class: 'cards', 'data-testid': 'era-clock' });
  const economy = el('div', { class: 'grid2' });
  const treasury = el('div', { class: 'panel', 'data-testid': 'treasury' });
  const poolState = stateLine('pools-state', 'Reading the exchange\'s pools…');
  const poolBody = el('tbody');
  const pools = el('table', { 'data-testid': 'pools' }, el('thead', {}, el('tr', {},
    el('th', {}, 'Pool'), el('th', { class: 'num' }, 'Reserve 1'), el('th', { class: 'num' }, 'Reserve 2'),
    el('th', { class: 'num' }, `1 ${symbol} buys`))), poolBody);
  const lookup1 = el('input', { size: 10, value: 'native', 'data-testid': 'pool-asset1' });
  const lookup2 = el('input', { size: 10, placeholder: 'token id', 'data-testid': 'pool-asset2' });
  const lookupResult = el('div', { 'data-testid': 'pool-lookup-result' });
  const lookupForm = el('form', { class: 'inline', 'data-testid': 'pool-lookup' },
    lookup1, lookup2, el('button', { type: 'submit' }, 'Look up pool'));

  const select = el('select', { 'data-testid': 'account-select' });
  const other = el('input', { size: 50, placeholder: 'or another account (SS58)', 'data-testid': 'account-input' });
  const accountForm = el('form', { class: 'inline' }, el('label', {}, 'Account ', select), other,
    el('button', { type: 'submit' }, 'Show'));
  const accountState = el('div', { 'data-testid': 'account-state' });
  const validatorState = stateLine('validator-state', 'Choose an account.');
  const validatorBody = el('tbody');
  const validatorTable = el('table', { 'data-testid': 'validator-eras' }, el('thead', {}, el('tr', {},
    el('th', { class: 'num' }, 'Era'), el('th', { class: 'num' }, 'Points'), el('th', { class: 'num' }, 'All validators\' points'),
    el('th', { class: 'num' }, 'Era reward (validators)'), el('th', { class: 'num' }, 'Share'))), validatorBody);
  const earningsState = stateLine('earnings-state', 'Choose an account.');
  const earningsBody = el('tbody');
  const earningsTable = el('table', { 'data-testid': 'provider-earnings' }, el('thead', {}, el('tr', {},
    el('th', { class: 'num' }, 'Period'), el('th', { class: 'num' }, 'Points'), el('th', {}, 'State'),
    el('th', { class: 'num' }, 'Claimable'))), earningsBody);

  container.append(
    el('h1', {}, 'Caesar'),
    el('p', { class: 'muted' }, 'The staking clock and the economy: what each era mints and who earns it, the treasury and the exchange. Read at each finalized block.'),
    eraState, clock, economy,
    el('h2', {}, 'Treasury'), treasury,
    el('h2', {}, 'Exchange pools'), poolState, pools, lookupForm, lookupResult,
    el('h2', {}, 'An account\'s rewards'), accountForm, accountState,
    el('h2', {}, 'As a validator: recent eras'), validatorState, validatorTable,
    el('h2', {}, 'As a provider: earnings per period'), earningsState, earningsTable,
  );

  // Accounts: the session's validators, and the dev accounts on a development chain.
  const accounts = [];
  try {
    for (const v of await api.query.session.validators()) accounts.push({ address: v.toString(), name: 'validator' });
  } catch (e) {
    console.warn('session.validators', e);
  }
  if (isDevChain(chain)) {
    await cryptoWaitReady();
    const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
    for (const name of DEV_ACCOUNTS) {
      const address = keyring.addFromUri(`//${name}`).address;
      const known = accounts.find((a) => a.address === address);
      if (known) known.name = `${name}, validator`;
      else accounts.push({ address, name });
    }
  }
  select.replaceChildren(...accounts.map((a) => el('option', { value: a.address }, `${a.name} ${short(a.address)}`)));
  let account = accounts[0]?.address || null;

  // The treasury's account: `modl` ++ its pallet id, zero-padded to 32 bytes.
  let treasuryAccount = null;
  if (api.consts.treasury?.palletId) {
    treasuryAccount = encodeAddress(u8aConcat(stringToU8a('modl'), api.consts.treasury.palletId.toU8a(), new Uint8Array(20)).slice(0, 32),
      api.registry.chainSS58);
  }

  let era = null;
  let head = null; // { hash, number } the page was last read at

  function showEra(e, number) {
    const sessionInEra = e.activeEraStart === null && e.activeEra === null ? '—' : `${(e.sessionIndex % e.sessionsPerEra) + 1} of ${e.sessionsPerEra}`;
    clock.replaceChildren(
      card('Finalized block', 'caesar-block', number, `#${num(number)}`),
      card('Active era', 'active-era', e.activeEra ?? 'none'),
      card('Current (planned) era', 'current-era', e.currentEra ?? 'none'),
      card('Session', 'session', e.sessionIndex, `${e.sessionIndex} (${sessionInEra} in the era)`),
      card('Caesar reward period', 'period', e.period),
      card('Era duration', 'era-duration', e.eraDuration,
        `${(e.eraDuration / 60000).toLocaleString('en-US', { maximumFractionDigits: 2 })} min`),
      card('Active era started', 'era-start', e.activeEraStart ?? '',
        e.activeEraStart ? new Date(e.activeEraStart).toLocaleTimeString() : 'not yet'),
    );
    const p = e.parameters;
    const payout = e.projectedPayout;
    const total = BigInt(payout.validators) + BigInt(payout.providers) + BigInt(payout.treasury);
    economy.replaceChildren(
      el('div', { class: 'panel' }, el('h2', {}, 'Parameters'), el('table', { 'data-testid': 'parameters' }, el('tbody', {},
        el('tr', {}, el('td', {}, 'Yearly inflation'), cell('param-inflation', p.yearlyInflation, ppb(p.yearlyInflation))),
        el('tr', {}, el('td', {}, 'To validators'), cell('param-validators', p.validators, ppb(p.validators))),
        el('tr', {}, el('td', {}, 'To providers'), cell('param-providers', p.providers, ppb(p.providers))),
        el('tr', {}, el('td', {}, 'To the treasury'), cell('param-treasury', p.treasury, ppb(p.treasury))),
        el('tr', {}, el('td', {}, 'Offence slash'), cell('param-slash', p.offenceSlash, ppb(p.offenceSlash)))))),
      el('div', { class: 'panel' }, el('h2', {}, 'What one era mints now'), el('table', { 'data-testid': 'projected-payout' }, el('tbody', {},
        el('tr', {}, el('td', {}, 'Validators'), cell('payout-validators', payout.validators, fmt(payout.validators))),
        el('tr', {}, el('td', {}, 'Providers'), cell('payout-providers', payout.providers, fmt(payout.providers))),
        el('tr', {}, el('td', {}, 'Treasury'), cell('payout-treasury', payout.treasury, fmt(payout.treasury))),
        el('tr', {}, el('th', {}, 'Total'), cell('payout-total', total.toString(), fmt(total)))))),
    );
  }

  async function showTreasury(at, hash) {
    if (!treasuryAccount) {
      setState(treasury, 'empty', 'This runtime has no treasury pallet.');
      return;
    }
    const { data } = await at.query.system.account(treasuryAccount);
    treasury.className = 'panel';
    treasury.dataset.state = 'ready';
    treasury.dataset.hash = hash;
    treasury.replaceChildren(el('table', {}, el('tbody', {},
      el('tr', {}, el('td', {}, 'Account'), el('td', { class: 'mono' }, treasuryAccount)),
      el('tr', {}, el('td', {}, 'Free balance'), cell('treasury-balance', data.free.toString(), fmt(data.free))))));
  }

  async function showPools(at, hash) {
    const entries = await at.query.assetConversion.pools.entries();
    const rows = [];
    for (const [key] of entries) {
      const [a, b] = key.args[0];
      const pair = [rpcAsset(a), rpcAsset(b)];
      const [pool, quote] = await Promise.all([
        rawRpc('caesar_pool', pair[0], pair[1], hash),
        pair[0] === 'native' ? rawRpc('caesar_quote', 'native', pair[1], (10n ** BigInt(decimals)).toString(), true, hash) : null,
      ]);
      if (!pool) continue;
      rows.push(el('tr', { 'data-testid': `pool-${pair[0]}-${pair[1]}` },
        el('td', {}, `${assetName(pair[0])} / ${assetName(pair[1])}`),
        cell('reserve-1', pool.reserves[0], pair[0] === 'native' ? fmt(pool.reserves[0]) : num(pool.reserves[0])),
        cell('reserve-2', pool.reserves[1], num(pool.reserves[1])),
        cell('quote', quote ?? '', quote === null ? '—' : `${num(quote)} of ${assetName(pair[1])}`)));
    }
    poolBody.replaceChildren(...rows);
    pools.dataset.hash = hash;
    pools.hidden = rows.length === 0;
    if (rows.length) setState(poolState, 'ready', `${rows.length} pools`);
    else setState(poolState, 'empty', 'No exchange pools yet.');
  }

  async function showAccount(hash) {
    if (!account) {
      setState(validatorState, 'empty', 'Choose an account.');
      setState(earningsState, 'empty', 'Choose an account.');
      return;
    }
    const who = account;
    setState(accountState, 'ready', '');
    const last = era.activeEra ?? 0;
    const eras = [];
    for (let e = last; e >= 0 && e > last - ERAS_SHOWN; e -= 1) eras.push(e);
    const [parts, earnings] = await Promise.all([
      Promise.all(eras.map((e) => api.rpc.caesar.validatorEra(who, e, hash).then((r) => r.toJSON()))),
      api.rpc.caesar.providerEarnings(who, null, null, hash).then((r) => r.toJSON()),
    ]);
    if (!live() || who !== account) return;
    validatorBody.replaceChildren(...parts.map((p) => el('tr', { 'data-testid': `validator-era-${p.era}` },
      el('td', { class: 'num' }, p.era), cell('points', p.points), cell('total-points', p.totalPoints),
      cell('era-reward', p.eraReward, fmt(p.eraReward)), cell('share', p.share, fmt(p.share)))));
    validatorTable.dataset.address = who;
    validatorTable.dataset.hash = hash;
    if (parts.every((p) => p.points === 0)) setState(validatorState, 'empty', `No validator points for ${short(who)} in eras ${eras.at(-1)}–${last}.`);
    else setState(validatorState, 'ready', '');
    const earned = earnings.filter((e) => e.points !== '0' || e.claimable !== '0' || e.disqualified);
    earningsBody.replaceChildren(...earned.reverse().map((e) => el('tr', { 'data-testid': `earnings-${e.period}` },
      el('td', { class: 'num' }, e.period), cell('points', e.points, num(e.points)),
      el('td', {}, `${e.closed ? 'closed' : 'open'}${e.disqualified ? ', disqualified' : ''}`),
      cell('claimable', e.claimable, fmt(e.claimable)))));
    earningsTable.dataset.address = who;
    earningsTable.hidden = earned.length === 0;
    if (earned.length === 0) {
      const range = earnings.length ? `periods ${earnings[0].period}–${earnings.at(-1).period}` : 'any period';
      setState(earningsState, 'empty', `No earnings for ${short(who)} in ${range}.`);
    } else {
      setState(earningsState, 'ready', '');
    }
  }

  async function refresh(header) {
    const hash = header.hash.toHex();
    const number = header.number.toNumber();
    const [eraJson, at] = await Promise.all([api.rpc.caesar.era(hash), api.at(hash)]);
    if (!live()) return;
    era = eraJson.toJSON();
    head = { hash, number };
    showEra(era, number);
    clock.dataset.block = String(number);
    clock.dataset.hash = hash;
    setState(eraState, 'ready', '');
    await Promise.all([
      showTreasury(at, hash).catch((e) => setState(treasury, 'error', `Treasury: ${errorText(e)}`)),
      showPools(at, hash).catch((e) => setState(poolState, 'error', `RPC refused: ${errorText(e)}`)),
      showAccount(hash).catch((e) => setState(validatorState, 'error', `RPC refused: ${errorText(e)}`)),
    ]);
  }

  function choose(address) {
    account = address;
    validatorBody.replaceChildren();
    earningsBody.replaceChildren();
    delete validatorTable.dataset.address;
    delete earningsTable.dataset.address;
    setState(validatorState, 'loading', `Reading ${short(address)}…`);
    setState(earningsState, 'loading', `Reading ${short(address)}…`);
    if (head) showAccount(head.hash).catch((e) => setState(validatorState, 'error', `RPC refused: ${errorText(e)}`));
  }
  select.addEventListener('change', () => { other.value = ''; choose(select.value); });
  accountForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = other.value.trim();
    if (!text) {
      choose(select.value);
      return;
    }
    try {
      api.createType('AccountId', text);
    } catch {
      setState(accountState, 'error', `"${text}" is not an account (SS58)`);
      return;
    }
    choose(text);
  });

  lookupForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    let pair;
    try {
      pair = [parseAsset(lookup1.value), parseAsset(lookup2.value)];
      if (pair[0] === pair[1]) throw new Error('a pool pairs two different assets');
    } catch (e) {
      setState(lookupResult, 'error', e.message);
      return;
    }
    setState(lookupResult, 'loading', 'Looking up…');
    try {
      const pool = await rawRpc('caesar_pool', pair[0], pair[1], head?.hash ?? null);
      if (!pool) setState(lookupResult, 'empty', `No pool for ${pair[0]}/${pair[1]}.`);
      else {
        setState(lookupResult, 'ready', '');
        lookupResult.className = 'panel';
        lookupResult.textContent = `${assetName(pair[0])} / ${assetName(pair[1])}: reserves ${num(pool.reserves[0])} and ${num(pool.reserves[1])}`;
      }
    } catch (e) {
      setState(lookupResult, 'error', `RPC refused: ${errorText(e)}`);
    }
  });

  const unsub = await followFinalized(api, live, refresh, (e) => setState(eraState, 'error', `RPC refused: ${errorText(e)}`));
  return () => {
    stale = true;
    unsub();
  };
}
