// Network: the chain and node at a glance, live. Best and finalized block (new-head
// subscriptions), peers (system_health, system_peers), the validator set (session, with
// staking's commission and bond where the runtime has staking), and live charts of block
// time and finality lag over the last blocks.
import { errorText } from '../api.js';
import { el, num, setState, short, stateLine } from '../ui.js';
import { lineChart } from '../chart.js';

/** How many recent blocks the charts show. */
const WINDOW = 40;

function card(label, testid) {
  const value = el('div', { class: 'value', 'data-testid': testid }, '…');
  return { node: el('div', { class: 'card' }, el('div', { class: 'label' }, label), value), value };
}

/** Renders the page into `container`; returns the unsubscriber. */
export async function render(container, { api }) {
  const [chain, nodeName, nodeVersion] = await Promise.all([
    api.rpc.system.chain(), api.rpc.system.name(), api.rpc.system.version(),
  ]);
  const spec = api.runtimeVersion;
  container.append(
    el('h1', {}, 'Network'),
    el('p', { class: 'muted' }, `${chain} · ${nodeName} ${nodeVersion} · runtime ${spec.specName} ${spec.specVersion}`),
  );
  const best = card('Best block', 'best-block');
  const finalized = card('Finalized block', 'finalized-block');
  const lag = card('Finality lag (blocks)', 'finality-lag');
  const blockTime = card('Last block time (s)', 'block-time');
  const peers = card('Peers', 'peer-count');
  const validatorCount = card('Validators', 'validator-count');
  container.append(el('div', { class: 'cards' }, best.node, finalized.node, lag.node, blockTime.node, peers.node, validatorCount.node));

  const timeChartBox = el('div', { class: 'panel chart', 'data-testid': 'block-time-chart' });
  const lagChartBox = el('div', { class: 'panel chart', 'data-testid': 'finality-lag-chart' });
  container.append(el('div', { class: 'grid2' }, timeChartBox, lagChartBox));
  const timeChart = lineChart(timeChartBox, { title: `Block time (s), last ${WINDOW} blocks`, xLabel: 'block', series: ['seconds'], keep: WINDOW });
  const lagChart = lineChart(lagChartBox, { title: 'Finality lag (blocks), since the page opened', xLabel: 'block', series: ['blocks behind'], keep: WINDOW });

  const validatorsState = stateLine('validators-state', 'Loading the validator set…');
  const validatorsBody = el('tbody');
  const peersState = stateLine('peers-state', 'Loading peers…');
  const peersBody = el('tbody');
  container.append(
    el('div', { class: 'grid2' },
      el('div', {},
        el('h2', {}, 'Validators (this session)'),
        validatorsState,
        el('table', { 'data-testid': 'validators' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Account'), el('th', { class: 'num' }, 'Bonded'), el('th', { class: 'num' }, 'Commission'))),
          validatorsBody)),
      el('div', {},
        el('h2', {}, 'Peers'),
        peersState,
        el('table', { 'data-testid': 'peers' },
          el('thead', {}, el('tr', {}, el('th', {}, 'Peer id'), el('th', {}, 'Role'), el('th', { class: 'num' }, 'Best'))),
          peersBody))),
  );

  const decimals = api.registry.chainDecimals[0] ?? 12;
  const token = api.registry.chainTokens[0] ?? 'UNIT';
  const units = (value) => `${(Number(BigInt(value.toString()) / 10n ** BigInt(Math.max(decimals - 3, 0))) / 1000).toLocaleString('en-US')} ${token}`;

  async function loadValidators() {
    try {
      const validators = await api.query.session.validators();
      validatorCount.value.textContent = String(validators.length);
      const rows = await Promise.all(validators.map(async (v) => {
        let bonded = '—';
        let commission = '—';
        if (api.query.staking) {
          const [prefs, controller] = await Promise.all([api.query.staking.validators(v), api.query.staking.bonded(v)]);
          commission = `${(prefs.commission.toNumber() / 1e7).toFixed(2)} %`;
          if (controller.isSome) {
            const ledger = await api.query.staking.ledger(controller.unwrap());
            if (ledger.isSome) bonded = units(ledger.unwrap().active.unwrap());
          }
        }
        return el('tr', { 'data-testid': 'validator' },
          el('td', { class: 'mono', title: v.toString() }, v.toString()),
          el('td', { class: 'num' }, bonded),
          el('td', { class: 'num' }, commission));
      }));
      validatorsBody.replaceChildren(...rows);
      if (rows.length) setState(validatorsState, 'ready', '');
      else setState(validatorsState, 'empty', 'No validators in this session');
    } catch (e) {
      setState(validatorsState, 'error', `RPC refused: ${errorText(e)}`);
    }
  }

  let peersBusy = false;
  async function loadPeers() {
    if (peersBusy) return;
    peersBusy = true;
    try {
      const health = await api.rpc.system.health();
      peers.value.textContent = `${health.peers.toNumber()}${health.isSyncing.isTrue ? ' (syncing)' : ''}`;
      let list;
      try {
        list = await api.rpc.system.peers();
      } catch (e) {
        setState(peersState, 'error', `RPC refused: system_peers: ${errorText(e)} (${health.peers.toNumber()} peers by system_health)`);
        return;
      }
      peersBody.replaceChildren(...list.map((p) => el('tr', { 'data-testid': 'peer' },
        el('td', { class: 'mono', title: p.peerId.toString() }, short(p.peerId.toString(), 10)),
        el('td', {}, p.roles.toString()),
        el('td', { class: 'num' }, num(p.bestNumber)))));
      if (list.length) setState(peersState, 'ready', '');
      else setState(peersState, 'empty', 'No peers connected (a single dev node has none)');
    } catch (e) {
      setState(peersState, 'error', `RPC refused: ${errorText(e)}`);
    } finally {
      peersBusy = false;
    }
  }

  // Block times: the timestamp pallet's `now` of each block, so the chart starts full.
  const timestamps = new Map();
  const timestampAt = async (hash) => (await api.query.timestamp.now.at(hash)).toNumber();
  async function recordBlockTime(number, hash, parentHash) {
    if (number < 1) return;
    const [now, before] = await Promise.all([
      timestamps.get(number) ?? timestampAt(hash),
      timestamps.get(number - 1) ?? timestampAt(parentHash),
    ]);
    timestamps.set(number, now);
    timestamps.set(number - 1, before);
    if (timestamps.size > WINDOW * 2) timestamps.delete(Math.min(...timestamps.keys()));
    if (before === 0) return undefined; // genesis has no timestamp
    const seconds = (now - before) / 1000;
    timeChart.push(number, seconds);
    return seconds;
  }

  let bestNumber = 0;
  let finalizedNumber = 0;
  let latestBlockTime = 0;
  const showLag = () => { lag.value.textContent = String(Math.max(bestNumber - finalizedNumber, 0)); };

  const head = await api.rpc.chain.getHeader();
  bestNumber = head.number.toNumber();
  best.value.textContent = num(bestNumber);
  const history = [];
  for (let n = Math.max(bestNumber - WINDOW + 1, 1); n <= bestNumber; n += 1) history.push(n);
  const hashes = await Promise.all(history.map((n) => api.rpc.chain.getBlockHash(n)));
  const parents = await Promise.all(history.map((n) => api.rpc.chain.getBlockHash(n - 1)));
  for (let i = 0; i < history.length; i += 1) {
    latestBlockTime = await recordBlockTime(history[i], hashes[i], parents[i]) ?? latestBlockTime;
  }
  if (history.length) blockTime.value.textContent = latestBlockTime.toFixed(1);

  const unsubscribers = [];
  unsubscribers.push(await api.rpc.chain.subscribeNewHeads(async (header) => {
    const number = header.number.toNumber();
    bestNumber = Math.max(bestNumber, number);
    best.value.textContent = num(bestNumber);
    best.value.dataset.number = String(bestNumber);
    showLag();
    if (finalizedNumber > 0) lagChart.push(number, Math.max(number - finalizedNumber, 0));
    loadPeers();
    try {
      const seconds = await recordBlockTime(number, header.hash, header.parentHash);
      if (seconds !== undefined) blockTime.value.textContent = seconds.toFixed(1);
    } catch (e) {
      console.warn('block time', e);
    }
  }));
  unsubscribers.push(await api.rpc.chain.subscribeFinalizedHeads((header) => {
    finalizedNumber = header.number.toNumber();
    finalized.value.textContent = num(finalizedNumber);
    finalized.value.dataset.number = String(finalizedNumber);
    showLag();
    // The chart's first point: the lag when the page opened.
    if (!lagChart.data[0].length) lagChart.push(bestNumber, Math.max(bestNumber - finalizedNumber, 0));
  }));
  // Validators change at session boundaries: reread them when the session index moves.
  if (api.query.session.currentIndex) {
    unsubscribers.push(await api.query.session.currentIndex(() => loadValidators()));
  } else {
    loadValidators();
  }
  loadPeers();

  return () => {
    for (const unsubscribe of unsubscribers) unsubscribe();
    timeChart.destroy();
    lagChart.destroy();
  };
}
