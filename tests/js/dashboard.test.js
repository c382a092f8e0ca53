// The dashboard (dashboard/, built into dashboard/dist) in a real headless browser
// (Debian's chromium driven by playwright-core), served by a real dev node
// (--dashboard-port) with the hardware oracle running: the shell and its connection state,
// and the Network, Blocks, Names and Assets pages rendering live chain data. Fails on any
// console error or page error.
// Screenshots go to tests/js/artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { chromium } from 'playwright-core';
import { freePort, startDevNode } from './node-process.js';
import { dispatch, submit, waitForFinalizedEvent } from './trustchain-lib.js';
import { buildProof, makeSpace, registerOperation, toCallArg } from './proofs-lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', '..', 'dashboard', 'dist');
const ARTIFACTS = join(here, 'artifacts');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const UNIT = 10n ** 12n;
/** How long a page may take to show what the chain has (debug build, 6 s blocks). */
const SHOW_MS = 60_000;
/** How long the oracle may take to bond, commit and report (debug build). */
const ORACLE_TIMEOUT_MS = 150_000;
const NAME = 'dashboard.hypermesh';

let oracleDir;
let node;
let baseUrl; // where the node serves the dashboard
let api;
let provider;
let alice;
let ferdie;
let browser;
let context;
let assetReady; // Promise<{ id }>: Ferdie's CPU asset, registered while other pages are tested
const consoleErrors = [];

/** A new page of the shared context whose console errors and page errors are recorded. */
async function openPage(hash) {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${hash}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${hash}: page error: ${error.message}`));
  await page.goto(`${baseUrl}/${hash}`);
  await page.waitForSelector('#connection[data-state="ready"]', { state: 'attached', timeout: SHOW_MS });
  return page;
}

async function screenshot(page, name) {
  await page.screenshot({ path: join(ARTIFACTS, `dashboard-${name}.png`) });
}

const text = (page, selector) => page.locator(selector).first().innerText();
const assertNoConsoleErrors = () => assert.deepEqual(consoleErrors, [], 'console errors in the dashboard');

/**
 * Registers a CPU asset for Ferdie once his node's oracle has bonded and committed, as
 * assets.test.js does (a space commitment of Ferdie's own and a consensus proof built in
 * JS); resolves with its id once the oracle's first telemetry report for it is finalized.
 */
async function registerFerdieAsset() {
  const params = await provider.send('assets_proofParameters', []);
  const deadline = Date.now() + ORACLE_TIMEOUT_MS;
  let oracle;
  for (;;) {
    oracle = await provider.send('assets_proofParameters', [ferdie.address]);
    if (BigInt(oracle.bondedStake) >= BigInt(params.minimumStake) && oracle.spaceCommitments.length >= 1) break;
    if (Date.now() > deadline) throw new Error(`the oracle did not bond and commit: ${JSON.stringify(oracle)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const space = makeSpace({ chunks: 16, address: '2001:db8::d', port: 4433 });
  const chainNonce = async () => (await api.query.system.account(ferdie.address)).nonce.toNumber();
  const commit = await dispatch(api, api.tx.assetRegistry.commitSpace(toCallArg(space.commitment)), ferdie, { nonce: await chainNonce() });
  assert.equal(commit.error, null, 'committing Ferdie\'s space');
  const kind = { Cpu: { cores: cpus().length, mhz: cpus()[0]?.speed || 1000 } };
  const header = await api.rpc.chain.getHeader();
  const proof = buildProof({
    op: registerOperation(kind, 'FullPublic'),
    signer: ferdie.publicKey,
    time: { number: header.number.toNumber(), hash: header.hash.toU8a() },
    stake: BigInt(oracle.bondedStake),
    space,
    difficulty: params.workDifficulty,
  });
  const registered = await submit(api, api.tx.assetRegistry.registerAsset(kind, 'FullPublic', toCallArg(proof)), ferdie,
    { nonce: await chainNonce(), tip: UNIT }).finalized;
  assert.equal(registered.error, null, 'registering Ferdie\'s CPU asset');
  const event = registered.events.find(({ event: e }) => api.events.assetRegistry.AssetRegistered.is(e));
  const id = event.event.data.id.toNumber();
  const from = (await api.rpc.chain.getHeader(registered.blockHash)).number.toNumber();
  await waitForFinalizedEvent(api, from,
    (e) => api.events.assetRegistry.TelemetryReported.is(e) && e.data.asset.toNumber() === id,
    ORACLE_TIMEOUT_MS, `a telemetry report for asset ${id}`);
  return { id };
}

before(async () => {
  await cryptoWaitReady();
  assert.ok(existsSync(join(DIST, 'index.html')), 'dashboard/dist is not built: cd dashboard && npm ci && npm run build');
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: scripts/setup --js installs Debian's chromium`);
  mkdirSync(ARTIFACTS, { recursive: true });
  oracleDir = mkdtempSync(join(tmpdir(), 'hypermesh-dashboard-oracle-'));
  const oracleArgs = ['--oracle-every', '2', '--oracle-suri', '//Ferdie', '--oracle-dir', oracleDir];
  // The node serves the page (dashboard/dist) and its /config.json on a port of its own.
  const dashboardPort = await freePort();
  node = await startDevNode([...oracleArgs, '--dashboard-port', String(dashboardPort), '--dashboard-dir', DIST]);
  baseUrl = `http://127.0.0.1:${dashboardPort}`;
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)),
    noInitWarn: true,
    throwOnConnect: true,
  });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  ferdie = keyring.addFromUri('//Ferdie');
  // The oracle's account pays for its own transactions: Alice funds Ferdie first.
  const funded = await dispatch(api, api.tx.balances.transferKeepAlive(ferdie.address, 1000n * UNIT), alice);
  assert.equal(funded.error, null, 'funding Ferdie failed');
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
});

after(async () => {
  if (browser) await browser.close();
  if (api) await api.disconnect();
  if (node) await node.stop();
  if (oracleDir) rmSync(oracleDir, { recursive: true, force: true });
});

test('a node that cannot be reached is shown as such, in the header and the page', { timeout: 60_000 }, async () => {
  // A context of its own: the browser itself logs the refused WebSocket as a console error.
  const closed = await freePort();
  const own = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await own.newPage();
    await page.goto(`${baseUrl}/?rpc=ws://127.0.0.1:${closed}#/network`);
    await page.waitForSelector('#connection[data-state="error"]', { state: 'attached', timeout: 20_000 });
    assert.match(await text(page, '#connection'), new RegExp(`^Node unreachable: ws://127\\.0\\.0\\.1:${closed}: `));
    await page.waitForSelector('[data-testid="page-connection"][data-state="error"]', { state: 'attached', timeout: 20_000 });
    assert.match(await text(page, '[data-testid="page-connection"]'), /Node unreachable/);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-unreachable.png') });
    // A ?rpc= that is not a WebSocket URL is refused before anything is tried.
    await page.goto(`${baseUrl}/?rpc=http://127.0.0.1:${closed}#/network`);
    await page.waitForSelector('#connection[data-state="error"]', { state: 'attached', timeout: 20_000 });
    assert.match(await text(page, '#connection'), /\?rpc= must be a ws:\/\/ or wss:\/\/ URL/);
  } finally {
    await own.close();
  }
});

test('the registry starts empty and says so', { timeout: 90_000 }, async () => {
  const page = await openPage('#/assets');
  await page.waitForSelector('[data-testid="assets-state"][data-state="empty"]', { state: 'attached', timeout: SHOW_MS });
  assert.equal(await text(page, '[data-testid="assets-state"]'), 'No assets registered');
  await page.close();
  // Ferdie's asset is registered while the other pages are tested.
  assetReady = registerFerdieAsset();
  assetReady.catch(() => {});
  assertNoConsoleErrors();
});

test('Network: the config.json endpoint, best block advancing on screen, finalized block, validators, charts', { timeout: 120_000 }, async () => {
  const page = await openPage('#/network');
  assert.equal(await text(page, '#connection'), `Connected to ws://127.0.0.1:${node.rpcPort}`);
  await page.waitForSelector('[data-testid="best-block"][data-number]', { state: 'attached', timeout: SHOW_MS });
  const first = Number(await page.getAttribute('[data-testid="best-block"]', 'data-number'));
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="best-block"]').dataset.number) > n, first, { timeout: SHOW_MS });
  const second = Number(await page.getAttribute('[data-testid="best-block"]', 'data-number'));
  assert.ok(second > first, `best block did not advance on screen: ${first} then ${second}`);
  const chainBest = (await api.rpc.chain.getHeader()).number.toNumber();
  assert.ok(Math.abs(chainBest - second) <= 1, `page shows ${second}, the node ${chainBest}`);
  await page.waitForSelector('[data-testid="finalized-block"][data-number]', { state: 'attached', timeout: SHOW_MS });
  const finalized = Number(await page.getAttribute('[data-testid="finalized-block"]', 'data-number'));
  assert.ok(finalized > 0 && finalized <= second, `finalized ${finalized}, best ${second}`);
  // The dev chain's one validator, Alice (her stash), with her bond from staking.
  await page.waitForSelector('[data-testid="validators-state"][data-state="ready"]', { state: 'attached', timeout: SHOW_MS });
  const validators = (await api.query.session.validators()).map((v) => v.toString());
  const shown = await page.locator('[data-testid="validator"] td:first-child').allInnerTexts();
  assert.deepEqual(shown, validators);
  assert.match(await text(page, '[data-testid="validator"] td:nth-child(2)'), /^[\d,.]+ \w+$/);
  assert.equal(await text(page, '[data-testid="validator-count"]'), String(validators.length));
  // A lone dev node has no peers, and says so.
  await page.waitForSelector('[data-testid="peers-state"][data-state="empty"]', { state: 'attached', timeout: SHOW_MS });
  assert.equal(await text(page, '[data-testid="peer-count"]'), '0');
  // The charts are drawn (uPlot's canvases), and the block time is about the chain's 6 s.
  assert.equal(await page.locator('[data-testid="block-time-chart"] canvas').count(), 1);
  assert.equal(await page.locator('[data-testid="finality-lag-chart"] canvas').count(), 1);
  const blockTime = Number(await text(page, '[data-testid="block-time"]'));
  assert.ok(blockTime > 3 && blockTime < 12, `block time ${blockTime} s on a 6 s chain`);
  await screenshot(page, 'network');
  await page.close();
  assertNoConsoleErrors();
});

test('Blocks: a transfer shows in its block, with signer, call and events decoded', { timeout: 120_000 }, async () => {
  const page = await openPage('#/blocks');
  await page.waitForSelector('[data-testid="blocks-state"][data-state="ready"]', { state: 'attached', timeout: SHOW_MS });
  assert.ok(await page.locator('[data-testid="block-row"]').count() >= 2);
  // A transfer sent now appears live, in the block it landed in.
  const sent = await submit(api, api.tx.balances.transferKeepAlive(ferdie.address, 7n * UNIT), alice).inBlock;
  assert.equal(sent.error, null);
  const number = (await api.rpc.chain.getHeader(sent.blockHash)).number.toNumber();
  const row = page.locator(`[data-testid="block-row"][data-number="${number}"]`);
  await row.waitFor({ timeout: SHOW_MS });
  assert.match(await row.innerText(), /balances\.transferKeepAlive/);
  await row.click();
  const details = page.locator(`[data-testid="block-row"][data-number="${number}"] + tr [data-testid="block-details"]`);
  await details.waitFor({ state: 'visible', timeout: 10_000 });
  const calls = await details.locator('[data-testid="extrinsic-call"]').allInnerTexts();
  assert.equal(calls[0], 'timestamp.set');
  const index = calls.indexOf('balances.transferKeepAlive');
  assert.ok(index > 0, `no transfer among ${calls.join(', ')}`);
  const transferRow = details.locator('[data-testid="extrinsic"]').nth(index);
  assert.equal(await transferRow.locator('td').nth(2).getAttribute('title'), alice.address);
  assert.equal(await transferRow.locator('td').nth(3).innerText(), 'ok');
  const events = await details.locator('[data-testid="event-name"]').allInnerTexts();
  for (const name of ['balances.Transfer', 'system.ExtrinsicSuccess']) {
    assert.ok(events.includes(name), `${name} not among ${events.join(', ')}`);
  }
  await screenshot(page, 'blocks');
  await page.close();
  assertNoConsoleErrors();
});

test('Names: a registered name with its AAAA, SRV and TXT records and owner; a missing one is not found', { timeout: 120_000 }, async () => {
  assert.equal((await dispatch(api, api.tx.trustChain.registerName(NAME), alice)).error, null);
  assert.equal((await dispatch(api, api.tx.trustChain.setRecords(NAME, [
    { Aaaa: '0x20010db8000000000000000000000042' },
    { Srv: { priority: 10, weight: 5, port: 4433, target: NAME } },
    { Txt: 'stoq=pq-required' },
  ]), alice)).error, null);
  const page = await openPage(`#/names?name=${NAME}`);
  await page.waitForSelector('[data-testid="name-state"][data-state="ready"]', { state: 'attached', timeout: SHOW_MS });
  assert.equal(await text(page, '[data-testid="name-owner"]'), alice.address);
  const records = await page.locator('[data-testid="name-record"]').evaluateAll((rows) => rows.map((r) => [r.dataset.type, r.cells[1].innerText]));
  assert.deepEqual(records, [
    ['AAAA', '2001:db8::42'],
    ['SRV', `10 5 4433 ${NAME}`],
    ['TXT', '"stoq=pq-required"'],
  ]);
  await screenshot(page, 'names');
  // Typed into the form: a name nobody registered.
  await page.fill('[data-testid="name-input"]', 'nobody.hypermesh');
  await page.click('[data-testid="name-form"] button');
  await page.waitForSelector('[data-testid="name-state"][data-state="empty"]', { state: 'attached', timeout: SHOW_MS });
  assert.match(await text(page, '[data-testid="name-state"]'), /^Not found: no name "nobody\.hypermesh" is registered/);
  assert.equal(await page.locator('[data-testid="name-record"]').count(), 0);
  // Bad input is refused in the page, without asking the node.
  await page.fill('[data-testid="name-input"]', 'a'.repeat(254));
  await page.click('[data-testid="name-form"] button');
  await page.waitForSelector('[data-testid="name-state"][data-state="error"]', { state: 'attached', timeout: 5_000 });
  assert.match(await text(page, '[data-testid="name-state"]'), /at most 253 characters/);
  await page.close();
  assertNoConsoleErrors();
});

test('Assets: Ferdie\'s CPU asset with capacity, reputation and price, and its oracle telemetry as a chart', { timeout: 300_000 }, async () => {
  assert.ok(assetReady, 'the empty-registry test did not run');
  const { id } = await assetReady;
  const page = await openPage(`#/assets?asset=${id}`);
  const row = page.locator(`[data-testid="asset-row"][data-id="${id}"]`);
  await row.waitFor({ timeout: SHOW_MS });
  assert.equal(await row.locator('[data-testid="asset-kind"]').innerText(), `CPU (${cpus()[0]?.speed || 1000} MHz)`);
  assert.equal(await row.locator('[data-testid="asset-capacity"]').innerText(), `${cpus().length} cores`);
  assert.equal(await row.locator('[data-testid="asset-reputation"]').innerText(), '1000 / 1000');
  assert.match(await row.innerText(), /free/);
  const usage = (await api.query.assetRegistry.usage(id)).unwrap();
  assert.ok(usage.telemetry.measuredCapacity.isSome);
  await page.waitForSelector(`[data-testid="asset-row"][data-id="${id}"] [data-testid="asset-telemetry"]:not(:has(.muted))`, { state: 'attached', timeout: SHOW_MS });
  assert.match(await row.locator('[data-testid="asset-telemetry"]').innerText(), new RegExp(`^\\d+ / ${cpus().length} cores \\(block [\\d,]+\\)$`));
  // The chart: at least one report read back, then a later one arriving live.
  await page.waitForSelector('[data-testid="telemetry-chart"][data-points]', { state: 'attached', timeout: SHOW_MS });
  const points = Number(await page.getAttribute('[data-testid="telemetry-chart"]', 'data-points'));
  assert.ok(points >= 1);
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="telemetry-chart"]').dataset.points) > n, points, { timeout: ORACLE_TIMEOUT_MS });
  assert.equal(await page.locator('[data-testid="telemetry-chart"] canvas').count(), 1);
  await screenshot(page, 'assets');
  await page.close();
  assertNoConsoleErrors();
});

test('Network again, later in the run: the charts fill as blocks come', { timeout: 60_000 }, async () => {
  const page = await openPage('#/network');
  await page.waitForSelector('[data-testid="finalized-block"][data-number]', { state: 'attached', timeout: SHOW_MS });
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  // The block-time chart is read back from the chain: one point per block from block 2 on
  // (block 1's time is its distance from genesis, which has no timestamp).
  await page.waitForFunction((n) => Number(document.querySelector('[data-testid="block-time-chart"]').dataset.points) >= Math.min(n - 1, 40),
    best, { timeout: SHOW_MS });
  // The finality-lag chart starts when the page opens, and grows with each new block.
  await page.waitForFunction(() => Number(document.querySelector('[data-testid="finality-lag-chart"]').dataset.points) >= 2,
    null, { timeout: SHOW_MS });
  await screenshot(page, 'network-late');
  await page.close();
  assertNoConsoleErrors();
});
