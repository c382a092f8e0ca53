// The dashboard's Caesar and Governance pages in headless Chromium (Debian's, driven by
// playwright-core) against a real dev node serving the dashboard (--dashboard-port): the
// era clock, parameters and projected payout on screen equal `caesar_era` at the block the
// page read; Alice's validator points equal `caesar_validatorEra`; a pool created here shows
// its reserves; a referendum submitted here shows its track, status and decoded proposal,
// and a vote moves its tally on screen; the era advances on screen without a reload. Bad
// pool and account input is refused in the page. No console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { chromium } from 'playwright-core';
import { freePort, startDevNode } from './node-process.js';
import { dispatch } from './trustchain-lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', '..', 'dashboard', 'dist');
const ARTIFACTS = join(here, 'artifacts');
const UNIT = 10n ** 12n;
/** How long the page may take to show something finalized (a block or two, then finality). */
const SHOW_MS = 45_000;
/** Dev eras last 2 minutes (2 sessions of 10 blocks of 6 s); the first ends ~120 s after genesis. */
const ERA_MS = 180_000;
const TOKEN = 1;
const NATIVE_LIQUIDITY = 100n * UNIT;
const TOKEN_LIQUIDITY = 1_000_000n;

let node;
let api;
let provider;
let browser;
let context;
let alice;
let bob;
let caesarPage; // kept open from the first test to the last: it must advance by itself
const consoleErrors = [];

const rpc = (method, ...params) => provider.send(method, params);
const assertNoConsoleErrors = () => assert.deepEqual(consoleErrors, [], 'console errors in the dashboard');

before(async () => {
  const started = Date.now();
  await cryptoWaitReady();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dashboardPort = await freePort();
  node = await startDevNode(['--dashboard-port', String(dashboardPort), '--dashboard-dir', DIST]);
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)), noInitWarn: true, throwOnConnect: true,
  });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  context = await browser.newContext({ viewport: { width: 1280, height: 800 }, baseURL: `http://127.0.0.1:${dashboardPort}/` });
  console.log(`# set-up (node, browser): ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

after(async () => {
  if (browser) await browser.close();
  if (api) await api.disconnect();
  if (node) await node.stop();
});

/** A page at `hash` whose console errors and page errors are recorded. */
async function openPage(hash) {
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(`${hash}: ${message.text()}`);
  });
  page.on('pageerror', (error) => consoleErrors.push(`${hash}: page error: ${error.message}`));
  await page.goto(hash);
  await page.waitForSelector('#connection[data-state="ready"]', { state: 'attached', timeout: SHOW_MS });
  return page;
}

/** The page's `data-value`s of `testids` and the `data-hash` of `scope`, read in one go. */
const readValues = (page, scope, testids) => page.evaluate(([scopeSelector, ids]) => {
  const values = Object.fromEntries(ids.map((id) => [id, document.querySelector(`[data-testid="${id}"]`)?.dataset.value]));
  return { hash: document.querySelector(scopeSelector).dataset.hash, values };
}, [scope, testids]);

const stateOf = (page, testid) => page.locator(`[data-testid=${testid}]`);

test('Caesar: the era clock and payout equal caesar_era, Alice\'s era points, a new pool\'s reserves, bad input refused', { timeout: 120_000 }, async () => {
  const started = Date.now();
  caesarPage = await openPage('#/caesar');
  const page = caesarPage;
  await page.waitForSelector('[data-testid=era-state][data-state=ready]', { state: 'attached', timeout: SHOW_MS });

  // The clock, parameters and payout, drawn in one go with the block they were read at.
  const { hash, values } = await readValues(page, '[data-testid=era-clock]', [
    'active-era', 'current-era', 'session', 'period', 'era-duration', 'param-inflation', 'param-validators',
    'param-providers', 'param-treasury', 'payout-validators', 'payout-providers', 'payout-treasury']);
  assert.ok(hash, 'the clock says which block it was read at');
  const era = await rpc('caesar_era', hash);
  assert.deepEqual(values, {
    'active-era': String(era.activeEra),
    'current-era': String(era.currentEra),
    session: String(era.sessionIndex),
    period: String(era.period),
    'era-duration': String(era.eraDuration),
    'param-inflation': String(era.parameters.yearlyInflation),
    'param-validators': String(era.parameters.validators),
    'param-providers': String(era.parameters.providers),
    'param-treasury': String(era.parameters.treasury),
    'payout-validators': era.projectedPayout.validators,
    'payout-providers': era.projectedPayout.providers,
    'payout-treasury': era.projectedPayout.treasury,
  });
  assert.equal(era.eraDuration, 120_000);
  assert.equal(await page.locator('[data-testid=era-duration]').innerText(), '2 min');
  assert.equal(await page.locator('[data-testid=param-inflation]').innerText(), '5%');

  // Alice (the dev validator) is chosen first: her points in era 0 equal caesar_validatorEra
  // at the block the table was read at; she has no provider earnings.
  await page.waitForSelector(`[data-testid=validator-eras][data-address="${alice.address}"]`, { state: 'attached', timeout: SHOW_MS });
  const points = await page.evaluate(() => {
    const table = document.querySelector('[data-testid=validator-eras]');
    const row = table.querySelector('[data-testid=validator-era-0]');
    return { hash: table.dataset.hash, points: row.querySelector('[data-testid=points]').dataset.value };
  });
  const part = await rpc('caesar_validatorEra', alice.address, 0, points.hash);
  assert.equal(points.points, String(part.points));
  await page.waitForSelector('[data-testid=earnings-state][data-state=empty]', { state: 'attached' });
  assert.match(await stateOf(page, 'earnings-state').innerText(), /^No earnings for 5Grwva…GKutQY in periods 0–\d+\.$/);

  // The treasury's balance is its account's, at the block read.
  const treasury = await page.evaluate(() => {
    const panel = document.querySelector('[data-testid=treasury]');
    return { hash: panel.dataset.hash, free: panel.querySelector('[data-testid=treasury-balance]').dataset.value };
  });
  const treasuryAccount = await page.locator('[data-testid=treasury] .mono').innerText();
  const atTreasury = await api.at(treasury.hash);
  assert.equal(treasury.free, (await atTreasury.query.system.account(treasuryAccount)).data.free.toString());
  assert.equal(treasuryAccount, '5EYCAe5h8CWdoHF74nNy2aaHhmEgCFt78ehi35WHD8jUyQZ7');

  // No pools yet, said as such; a lookup says there is no such pool; bad input is refused.
  await page.waitForSelector('[data-testid=pools-state][data-state=empty]', { state: 'attached' });
  assert.equal(await stateOf(page, 'pools-state').innerText(), 'No exchange pools yet.');
  const lookup = async (a, b) => {
    await page.fill('[data-testid=pool-asset1]', a);
    await page.fill('[data-testid=pool-asset2]', b);
    await page.click('[data-testid=pool-lookup] button');
    await page.waitForSelector('[data-testid=pool-lookup-result]:not([data-state=loading])', { state: 'attached' });
    return page.locator('[data-testid=pool-lookup-result]').innerText();
  };
  assert.equal(await lookup('native', '2'), 'No pool for native/2.');
  assert.equal(await lookup('foo', '1'), '"foo" is not an asset: "native" or a token id (0 to 4294967295)');
  assert.equal(await lookup('native', '4294967296'), '"4294967296" is not an asset: "native" or a token id (0 to 4294967295)');
  assert.equal(await lookup('native', 'caes'), 'a pool pairs two different assets');
  await page.fill('[data-testid=account-input]', '5Foo');
  await page.click('[data-testid=account-input] ~ button');
  await page.waitForSelector('[data-testid=account-state][data-state=error]', { state: 'attached' });
  assert.equal(await stateOf(page, 'account-state').innerText(), '"5Foo" is not an account (SS58)');
  assert.equal(await page.locator('[data-testid=validator-eras]').getAttribute('data-address'), alice.address, 'the refused account replaced Alice');

  // Alice creates token 1, opens a CAES pool for it and adds liquidity (as caesar-rpc.test.js).
  const native = { Native: null };
  const token = { WithId: TOKEN };
  const setup = await dispatch(api, api.tx.utility.batchAll([
    api.tx.assets.create(TOKEN, alice.address, 1),
    api.tx.assets.mint(TOKEN, alice.address, 10n * TOKEN_LIQUIDITY),
    api.tx.assetConversion.createPool(native, token),
    api.tx.assetConversion.addLiquidity(native, token, NATIVE_LIQUIDITY, TOKEN_LIQUIDITY, NATIVE_LIQUIDITY, TOKEN_LIQUIDITY, alice.address),
  ]), alice);
  assert.equal(setup.error, null);
  await page.waitForSelector('[data-testid=pool-native-1]', { timeout: SHOW_MS });
  const shown = await page.evaluate(() => {
    const row = document.querySelector('[data-testid=pool-native-1]');
    const value = (id) => row.querySelector(`[data-testid=${id}]`).dataset.value;
    return { hash: document.querySelector('[data-testid=pools]').dataset.hash, reserves: [value('reserve-1'), value('reserve-2')], quote: value('quote') };
  });
  assert.deepEqual(shown.reserves, [NATIVE_LIQUIDITY.toString(), TOKEN_LIQUIDITY.toString()]);
  assert.deepEqual(await rpc('caesar_pool', 'native', TOKEN, shown.hash), { reserves: shown.reserves });
  assert.equal(shown.quote, await rpc('caesar_quote', 'native', TOKEN, UNIT.toString(), true, shown.hash));
  assert.equal(await stateOf(page, 'pools-state').getAttribute('data-state'), 'ready');
  assert.equal(await lookup('1', 'native'), `token 1 / native: reserves ${TOKEN_LIQUIDITY.toLocaleString('en-US')} and ${NATIVE_LIQUIDITY.toLocaleString('en-US')}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-caesar.png') });
  assertNoConsoleErrors();
  console.log(`# Caesar page: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('Governance: a submitted referendum shows its track, status and proposal; a vote moves its tally', { timeout: 120_000 }, async () => {
  const started = Date.now();
  const page = await openPage('#/governance');
  await page.waitForSelector('[data-testid=referenda-state][data-state=empty]', { state: 'attached', timeout: SHOW_MS });
  assert.equal(await stateOf(page, 'referenda-state').innerText(), 'No referenda.');
  assert.equal(await page.locator('[data-testid=track-0] td').nth(1).innerText(), 'root');
  assert.equal(await page.locator('[data-testid=tracks] tbody tr').count(), api.consts.referenda.tracks.length);

  // Alice notes a preimage and submits it as a referendum on the root track.
  const remark = api.tx.system.remark('0x68797065726d657368');
  const index = (await api.query.referenda.referendumCount()).toNumber();
  const submitted = await dispatch(api, api.tx.utility.batchAll([
    api.tx.preimage.notePreimage(remark.method.toHex()),
    api.tx.referenda.submit({ system: 'Root' },
      { Lookup: { hash: remark.method.hash.toHex(), len: remark.method.encodedLength } }, { After: 1 }),
  ]), alice);
  assert.equal(submitted.error, null);
  const row = page.locator(`[data-testid=referendum-${index}]`);
  await row.waitFor({ timeout: SHOW_MS });
  assert.equal(await row.locator('[data-testid=ref-track]').innerText(), 'root (0)');
  assert.equal(await row.locator('[data-testid=ref-status]').getAttribute('data-value'), 'ongoing');
  assert.match(await row.locator('[data-testid=ref-status]').innerText(), /^ongoing: waiting for a decision deposit \(submitted at #\d+\)$/);
  assert.equal(await row.locator('[data-testid=ref-proposal]').innerText(), 'system.remark({"remark":"hypermesh"})');
  assert.equal(await row.locator('[data-testid=ref-ayes]').getAttribute('data-value'), '0');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-governance-submitted.png') });

  // Bob votes aye with 100 CAES at 2x conviction: 200 CAES of ayes, 100 CAES of support.
  const vote = await dispatch(api, api.tx.convictionVoting.vote(index, {
    Standard: { vote: { aye: true, conviction: 'Locked2x' }, balance: 100n * UNIT },
  }), bob);
  assert.equal(vote.error, null);
  const { tally } = (await (await api.at(vote.blockHash)).query.referenda.referendumInfoFor(index)).unwrap().asOngoing;
  assert.equal(tally.ayes.toBigInt(), 200n * UNIT);
  assert.equal(tally.support.toBigInt(), 100n * UNIT);
  await row.locator(`[data-testid=ref-ayes][data-value="${tally.ayes.toString()}"]`).waitFor({ state: 'attached', timeout: SHOW_MS });
  assert.equal(await row.locator('[data-testid=ref-ayes]').innerText(), '200 CAES');
  assert.equal(await row.locator('[data-testid=ref-support]').getAttribute('data-value'), tally.support.toString());
  assert.equal(await row.locator('[data-testid=ref-nays]').getAttribute('data-value'), '0');
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-governance.png') });
  await page.close();
  assertNoConsoleErrors();
  console.log(`# Governance page: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('Caesar: the era advances on screen, as caesar_era says', { timeout: ERA_MS }, async () => {
  const started = Date.now();
  const page = caesarPage;
  const before = Number(await page.locator('[data-testid=active-era]').getAttribute('data-value'));
  const next = before + 1;
  await page.waitForSelector(`[data-testid=active-era][data-value="${next}"]`, { state: 'attached', timeout: ERA_MS - 10_000 });
  const { hash, values } = await readValues(page, '[data-testid=era-clock]', ['active-era', 'session', 'period']);
  const era = await rpc('caesar_era', hash);
  assert.deepEqual(values, { 'active-era': String(era.activeEra), session: String(era.sessionIndex), period: String(era.period) });
  assert.equal(era.activeEra, next);
  assert.ok(era.sessionIndex >= 2 * next, `session ${era.sessionIndex}`);
  // Alice's row for the new era appears beside the old one's, whose points are hers.
  await page.waitForSelector(`[data-testid=validator-era-${next}]`, { state: 'attached', timeout: SHOW_MS });
  const points = await page.evaluate((old) => {
    const table = document.querySelector('[data-testid=validator-eras]');
    const row = table.querySelector(`[data-testid=validator-era-${old}]`);
    return { hash: table.dataset.hash, points: row.querySelector('[data-testid=points]').dataset.value };
  }, before);
  const part = await rpc('caesar_validatorEra', alice.address, before, points.hash);
  assert.equal(points.points, String(part.points));
  assert.ok(part.points > 0, `Alice authored blocks in era ${before}`);
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-caesar-next-era.png') });
  assertNoConsoleErrors();
  console.log(`# the next era on screen after another ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
