// Assets: the HyperMesh asset registry (pallet AssetRegistry, read with api.query): each
// asset's kind and capacity, privacy, allocations, price, reputation and its hardware
// oracle's latest telemetry; a selected asset's telemetry over time as a live chart (the
// `usage` record, read at each recent block and then followed by subscription).
import { errorText } from '../api.js';
import { el, num, setState, short, stateLine } from '../ui.js';
import { lineChart } from '../chart.js';

/** Reputation is out of this (pallet's MAX_REPUTATION). */
const MAX_REPUTATION = 1000;
/** How many recent blocks the telemetry history is read from. */
const HISTORY = 60;

/** An asset kind's name, capacity and unit, from its `AssetKind` value. */
export function describeKind(kind) {
  const json = kind.toJSON();
  const [name] = Object.keys(json);
  const f = json[name];
  switch (name) {
    case 'cpu': return { name: 'CPU', capacity: f.cores, unit: 'cores', detail: `${f.mhz} MHz` };
    case 'gpu': return { name: 'GPU', capacity: f.devices, unit: 'devices', detail: `${f.memoryMib} MiB each` };
    case 'memory': return { name: 'Memory', capacity: f.mib, unit: 'MiB', detail: '' };
    case 'storage': return { name: 'Storage', capacity: f.gib, unit: 'GiB', detail: '' };
    case 'network': return { name: 'Network', capacity: f.mbps, unit: 'Mbit/s', detail: '' };
    case 'container': return { name: 'Container', capacity: f.slots, unit: 'slots', detail: '' };
    default: return { name, capacity: 0, unit: '', detail: JSON.stringify(f) };
  }
}

/** An IPv6 address from its 16 bytes, in the usual short form. */
function ipv6(bytes) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  let text = groups.join(':');
  const run = text.match(/(^|:)0(:0)+(:|$)/g);
  if (run) {
    const longest = run.reduce((a, b) => (b.length > a.length ? b : a));
    text = text.replace(longest, '::');
  }
  return text;
}

/** Renders the page into `container`; returns the unsubscriber. */
export async function render(container, { api, isCurrent }) {
  container.append(el('h1', {}, 'Assets'), el('p', { class: 'muted' },
    'The asset registry: hardware providers offer, consumers allocate; the hardware oracle reports telemetry. Click an asset for its telemetry over time.'));
  if (!api.query.assetRegistry) {
    container.append(setState(el('div', { 'data-testid': 'assets-state' }), 'error', 'This runtime has no asset registry (AssetRegistry pallet)'));
    return undefined;
  }
  const state = stateLine('assets-state', 'Reading the registry…');
  const body = el('tbody');
  const table = el('table', { 'data-testid': 'assets' },
    el('thead', {}, el('tr', {},
      el('th', { class: 'num' }, 'Id'), el('th', {}, 'Kind'), el('th', { class: 'num' }, 'Capacity'),
      el('th', { class: 'num' }, 'Allocated'), el('th', { class: 'num' }, 'Allocations'),
      el('th', { class: 'num' }, 'Price / unit / block'), el('th', { class: 'num' }, 'Reputation'),
      el('th', {}, 'Privacy'), el('th', {}, 'Telemetry (used / measured)'), el('th', {}, 'Owner'), el('th', {}, 'Address'))),
    body);
  const telemetry = el('div', { class: 'panel', 'data-testid': 'telemetry' });
  container.append(state, table, el('h2', {}, 'Telemetry over time'), telemetry);
  setState(telemetry.appendChild(el('div', { 'data-testid': 'telemetry-state' })), 'empty', 'Select an asset to see its telemetry.');

  const decimals = api.registry.chainDecimals[0] ?? 12;
  const token = api.registry.chainTokens[0] ?? 'UNIT';
  const price = (value) => {
    const v = BigInt(value.toString());
    if (v === 0n) return 'free';
    const whole = Number(v) / 10 ** decimals;
    return `${whole.toLocaleString('en-US', { maximumSignificantDigits: 6 })} ${token}`;
  };

  const preset = new URLSearchParams(window.location.hash.split('?')[1] || '').get('asset');
  let selected = preset === null ? null : Number(preset);
  let stopTelemetry = null;
  let chart = null;

  async function showTelemetry(id, kind) {
    if (stopTelemetry) stopTelemetry();
    if (chart) chart.destroy();
    stopTelemetry = null;
    chart = null;
    const info = describeKind(kind);
    const status = setState(el('div', { 'data-testid': 'telemetry-state' }), 'loading', `Reading asset ${id}'s telemetry over the last ${HISTORY} blocks…`);
    const box = el('div', { class: 'chart', 'data-testid': 'telemetry-chart', 'data-asset': id });
    telemetry.replaceChildren(el('div', {}, `Asset ${id}: ${info.name}, registered capacity ${num(info.capacity)} ${info.unit}`), status, box);
    chart = lineChart(box, { title: `Asset ${id} telemetry (${info.unit})`, xLabel: 'block', series: ['used', 'measured capacity', 'registered capacity'], keep: 200 });
    const mine = chart;
    let points = 0;
    const add = (record) => {
      if (record.isNone || mine !== chart) return;
      const { at, telemetry: t } = record.unwrap();
      chart.push(at.toNumber(), t.used.toNumber(), t.measuredCapacity.isSome ? t.measuredCapacity.unwrap().toNumber() : null, info.capacity);
      points = chart.data[0].length;
      setState(status, 'ready', '');
    };
    try {
      const head = await api.rpc.chain.getHeader();
      const best = head.number.toNumber();
      const numbers = [];
      for (let n = Math.max(best - HISTORY + 1, 1); n <= best; n += 1) numbers.push(n);
      const hashes = await Promise.all(numbers.map((n) => api.rpc.chain.getBlockHash(n)));
      const records = await Promise.all(hashes.map((hash) => api.query.assetRegistry.usage.at(hash, id).catch(() => null)));
      records.filter(Boolean).forEach(add);
      if (mine !== chart) return;
      if (!points) setState(status, 'empty', `No telemetry reported for asset ${id} yet (its owner's hardware oracle reports every few finalized blocks).`);
      stopTelemetry = await api.query.assetRegistry.usage(id, add);
      if (mine !== chart) stopTelemetry();
    } catch (e) {
      setState(status, 'error', `RPC refused: ${errorText(e)}`);
    }
  }

  let busy = false;
  async function load() {
    if (busy) return;
    busy = true;
    try {
      const [entries, allocations] = await Promise.all([
        api.query.assetRegistry.assets.entries(),
        api.query.assetRegistry.allocations.entries(),
      ]);
      if (!isCurrent()) return;
      const byAsset = new Map();
      for (const [, allocation] of allocations) {
        if (allocation.isNone) continue;
        const a = allocation.unwrap();
        const entry = byAsset.get(a.asset.toNumber()) || { count: 0, amount: 0n };
        entry.count += 1;
        entry.amount += a.amount.toBigInt();
        byAsset.set(a.asset.toNumber(), entry);
      }
      const assets = entries
        .filter(([, value]) => value.isSome)
        .map(([key, value]) => ({ id: key.args[0].toNumber(), asset: value.unwrap() }))
        .sort((a, b) => a.id - b.id);
      const ids = assets.map(({ id }) => id);
      const [prices, usages] = await Promise.all([
        api.query.assetRegistry.prices.multi(ids),
        api.query.assetRegistry.usage.multi(ids),
      ]);
      if (!isCurrent()) return;
      const rows = assets.map(({ id, asset }, i) => {
        const info = describeKind(asset.kind);
        const allocs = byAsset.get(id) || { count: 0, amount: 0n };
        const usage = usages[i];
        let telemetryText = el('span', { class: 'muted' }, 'none yet');
        if (usage.isSome) {
          const { at, telemetry: t } = usage.unwrap();
          const measured = t.measuredCapacity.isSome ? num(t.measuredCapacity.unwrap()) : 'n/a';
          telemetryText = `${num(t.used)} / ${measured} ${info.unit} (block ${num(at)})`;
        }
        const reputation = asset.reputation.toNumber();
        const row = el('tr', { class: `clickable${id === selected ? ' selected' : ''}`, 'data-testid': 'asset-row', 'data-id': id },
          el('td', { class: 'num' }, String(id)),
          el('td', { 'data-testid': 'asset-kind' }, info.name, info.detail ? el('span', { class: 'muted' }, ` (${info.detail})`) : null),
          el('td', { class: 'num', 'data-testid': 'asset-capacity' }, `${num(info.capacity)} ${info.unit}`),
          el('td', { class: 'num' }, `${num(asset.allocated)} ${info.unit}`),
          el('td', { class: 'num' }, allocs.count ? `${allocs.count} (${num(allocs.amount)} ${info.unit})` : '0'),
          el('td', { class: 'num' }, price(prices[i])),
          el('td', { class: `num ${reputation < MAX_REPUTATION ? 'bad' : 'ok'}`, 'data-testid': 'asset-reputation' }, `${reputation} / ${MAX_REPUTATION}`),
          el('td', {}, asset.privacy.toString()),
          el('td', { 'data-testid': 'asset-telemetry' }, telemetryText),
          el('td', { class: 'mono', title: asset.owner.toString() }, short(asset.owner.toString(), 6)),
          el('td', { class: 'mono' }, ipv6(asset.address.toU8a())));
        row.addEventListener('click', () => {
          selected = id;
          for (const r of body.querySelectorAll('tr')) r.classList.toggle('selected', r === row);
          showTelemetry(id, asset.kind);
        });
        return row;
      });
      body.replaceChildren(...rows);
      if (rows.length) setState(state, 'ready', '');
      else setState(state, 'empty', 'No assets registered');
      if (stopTelemetry === null && chart === null && ids.includes(selected)) {
        showTelemetry(selected, assets[ids.indexOf(selected)].asset.kind);
      }
    } catch (e) {
      setState(state, 'error', `RPC refused: ${errorText(e)}`);
    } finally {
      busy = false;
    }
  }

  await load();
  const unsubscribe = await api.rpc.chain.subscribeNewHeads(() => load());
  return () => {
    unsubscribe();
    if (stopTelemetry) stopTelemetry();
    if (chart) chart.destroy();
  };
}
