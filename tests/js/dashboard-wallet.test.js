// The dashboard's Wallet page in headless Chromium (Debian's, driven by playwright-core)
// against a real dev node serving the dashboard (--dashboard-port): a transfer signed
// through an injected extension-protocol signer (window.injectedWeb3['test-signer'] in
// @polkadot/extension-inject's shape, its signPayload backed by @polkadot/keyring in this
// process) is finalized and the balance updates on screen; bad input is refused before
// anything is signed; Caesar bond / unbond and a staking bond from dev accounts. No console
// errors.
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
const FINALITY_MS = 90_000;

let node;
let api;
let base;
let browser;
let keyring;
let alice;
let bob;
let signer; // the injected extension's only account
const signed = []; // payloads the injected signer signed

const freeOf = async (address) => (await api.query.system.account(address)).data.free.toBigInt();

before(async () => {
  const started = Date.now();
  await cryptoWaitReady();
  mkdirSync(ARTIFACTS, { recursive: true });
  const dashboardPort = await freePort();
  node = await startDevNode(['--dashboard-port', String(dashboardPort), '--dashboard-dir', DIST]);
  base = `http://127.0.0.1:${dashboardPort}/`;
  api = await ApiPromise.create({
    provider: new WsProvider(`ws://127.0.0.1:${node.rpcPort}`), noInitWarn: true, throwOnConnect: true,
  });
  keyring = new Keyring({ type: 'sr25519', ss58Format: api.registry.chainSS58 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  // An account only the injected extension holds (not one of the page's dev accounts).
  signer = keyring.addFromUri('//DashboardExtensionSigner', { name: 'Extension account' });
  assert.equal((await dispatch(api, api.tx.balances.transferKeepAlive(signer.address, 100n * UNIT), alice)).error, null);
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  console.log(`# set-up (node, funded extension account, browser): ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

after(async () => {
  if (browser) await browser.close();
  if (api) await api.disconnect();
  if (node) await node.stop();
});

/** A wallet page with the test extension injected; fails the test on console errors. */
async function walletPage() {
  const context = await browser.newContext({ viewport: { width: 1300, height: 1000 } });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  await page.exposeFunction('hypermeshTestSign', (payload) => {
    signed.push(payload);
    const pair = keyring.getPair(payload.address);
    return api.registry.createType('ExtrinsicPayload', payload, { version: payload.version }).sign(pair).signature;
  });
  await page.addInitScript(({ address, name }) => {
    const account = { address, name, type: 'sr25519' };
    let id = 0;
    window.injectedWeb3 = window.injectedWeb3 || {};
    window.injectedWeb3['test-signer'] = {
      version: '0.63.1',
      enable: async () => ({
        accounts: {
          get: async () => [account],
          subscribe: (cb) => { cb([account]); return () => {}; },
        },
        signer: {
          signPayload: async (payload) => ({ id: ++id, signature: await window.hypermeshTestSign(payload) }),
        },
      }),
    };
  }, { address: signer.address, name: signer.meta.name });
  await page.goto(`${base}#/wallet`);
  await page.locator('[data-testid=accounts-state][data-state=ready]').waitFor({ state: 'attached' });
  return { context, page, errors };
}

const onScreen = (page, testid) => page.locator(`[data-testid=${testid}]`).getAttribute('data-value').then(BigInt);

/** Selects `address` and waits until the balances shown are its own. */
async function selectAccount(page, address) {
  await page.selectOption('[data-testid=account-select]', address);
  await page.locator(`[data-testid=balances][data-address="${address}"]`).waitFor({ state: 'attached' });
}

/** Waits until the on-screen value of `testid` is `expected`. */
async function waitForValue(page, testid, expected) {
  await page.locator(`[data-testid=${testid}][data-value="${expected}"]`).waitFor({ state: 'attached', timeout: 30_000 });
}

test('a transfer signed by an injected extension is finalized and the balance updates on screen', { timeout: 180_000 }, async () => {
  const started = Date.now();
  const { context, page, errors } = await walletPage();
  await page.click('[data-testid=connect-extension]');
  await page.locator('[data-testid=extension-state]', { hasText: 'test-signer: 1 accounts' }).waitFor();
  assert.equal(await page.inputValue('[data-testid=account-select]'), signer.address);
  assert.match(await page.locator('[data-testid=accounts-state]').textContent(), /^7 accounts \(1 from extensions\)$/);
  const before = await freeOf(signer.address);
  await waitForValue(page, 'balance-free', before);
  const bobBefore = await freeOf(bob.address);

  await page.fill('[data-testid=transfer-dest]', bob.address);
  await page.fill('[data-testid=transfer-amount]', '12.5');
  await page.click('[data-testid=transfer-submit]');
  const status = page.locator('[data-testid=tx-status][data-result]');
  await status.waitFor({ state: 'attached', timeout: FINALITY_MS });
  assert.equal(await status.getAttribute('data-result'), 'finalized', await status.textContent());
  assert.equal(signed.length, 1, 'the injected signer was not asked exactly once');
  assert.equal(signed[0].address, signer.address);
  const finalizedIn = (await status.textContent()).match(/finalized in block (0x[0-9a-f]{64})$/)[1];

  // The chain at that block: Bob got exactly 12.5; the sender paid 12.5 and a fee.
  const at = await api.at(finalizedIn);
  const amount = 12n * UNIT + UNIT / 2n;
  assert.equal((await at.query.system.account(bob.address)).data.free.toBigInt(), bobBefore + amount);
  const after = (await at.query.system.account(signer.address)).data.free.toBigInt();
  assert.ok(after < before - amount, `sender paid no fee: ${before} -> ${after}`);
  await waitForValue(page, 'balance-free', await freeOf(signer.address));
  assert.ok(await onScreen(page, 'balance-free') < before - amount);

  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-wallet.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
  console.log(`# extension transfer finalized and shown in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('bad recipients and amounts are refused before anything is signed', { timeout: 60_000 }, async () => {
  const { context, page, errors } = await walletPage();
  await page.click('[data-testid=connect-extension]');
  await page.locator('[data-testid=extension-state]', { hasText: 'test-signer: 1 accounts' }).waitFor();
  const signedBefore = signed.length;
  const nonce = (await api.rpc.system.accountNextIndex(signer.address)).toNumber();
  for (const [dest, amount, expected] of [
    ['', '1', /^Refused: no recipient: enter an SS58 account$/],
    ['not-an-account', '1', /^Refused: "not-an-account" is not an SS58 account$/],
    [bob.address, 'abc', /^Refused: "abc" is not an amount: use digits and at most one decimal point$/],
    [bob.address, '-1', /^Refused: "-1" is not an amount/],
    [bob.address, '0', /^Refused: the amount must be more than zero$/],
    [bob.address, '1.0000000000001', /^Refused: "1.0000000000001" has more than 12 decimals$/],
  ]) {
    await page.fill('[data-testid=transfer-dest]', dest);
    await page.fill('[data-testid=transfer-amount]', amount);
    await page.click('[data-testid=transfer-submit]');
    const status = page.locator('[data-testid=tx-status][data-state=error]');
    await status.waitFor({ state: 'attached' });
    assert.match(await status.textContent(), expected, `${dest} / ${amount}`);
  }
  assert.equal(signed.length, signedBefore, 'a refused transfer was signed');
  assert.equal((await api.rpc.system.accountNextIndex(signer.address)).toNumber(), nonce);
  assert.deepEqual(errors, []);
  await context.close();
});

test('Caesar bond and unbond, and a staking bond, from dev accounts show on screen once finalized', { timeout: 180_000 }, async () => {
  const { context, page, errors } = await walletPage();
  await selectAccount(page, alice.address);
  const bonded = await onScreen(page, 'balance-bonded');
  for (const [button, amount, bondedAfter, unbonding] of [
    ['bond-submit', '10', bonded + 10n * UNIT, 0n],
    ['unbond-submit', '4', bonded + 6n * UNIT, 4n * UNIT],
  ]) {
    await page.fill('[data-testid=bond-amount]', amount);
    await page.click(`[data-testid=${button}]`);
    const status = page.locator('[data-testid=tx-status][data-result]');
    await status.waitFor({ state: 'attached', timeout: FINALITY_MS });
    assert.equal(await status.getAttribute('data-result'), 'finalized', await status.textContent());
    await waitForValue(page, 'balance-bonded', bondedAfter);
    await waitForValue(page, 'balance-unbonding', unbonding);
  }
  // pallet-staking: Bob bonds (or adds) 10 as a stash.
  await selectAccount(page, bob.address);
  const active = await onScreen(page, 'staking-active');
  await page.fill('[data-testid=stake-amount]', '10');
  await page.click('[data-testid=stake-bond-submit]');
  const status = page.locator('[data-testid=tx-status][data-result]');
  await status.waitFor({ state: 'attached', timeout: FINALITY_MS });
  assert.equal(await status.getAttribute('data-result'), 'finalized', await status.textContent());
  assert.match(await status.textContent(), /^staking\.bond(Extra)?: finalized in block 0x/);
  await waitForValue(page, 'staking-active', active + 10n * UNIT);
  const ledger = (await api.query.staking.ledger(bob.address)).unwrap();
  assert.equal(ledger.active.toBigInt(), active + 10n * UNIT);
  assert.deepEqual(errors, []);
  await context.close();
});
