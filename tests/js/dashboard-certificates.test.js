// The dashboard's Certificates page in headless Chromium (Debian's, driven by
// playwright-core) against a real dev node running the CA service: a certificate issued
// in this test is found by name, serial, holder and log index, its decoded fields and PEM
// are the node's, and its RFC 9162 inclusion proof is verified in the browser against the
// current tree head; the same proof with one byte changed on the wire (the JSON-RPC
// answer rewritten in a routed WebSocket) shows "not verified"; a revoked certificate shows
// its reason. No console errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { chromium } from 'playwright-core';
import { freePort, startDevNode } from './node-process.js';
import { blockNumberOf, dispatch, submit, trustchainCli } from './trustchain-lib.js';

const here = dirname(fileURLToPath(import.meta.url));
const DIST = join(here, '..', '..', 'dashboard', 'dist');
const ARTIFACTS = join(here, 'artifacts');
const NAME = 'carol.hypermesh';
const ISSUE_TIMEOUT_MS = 120_000;

let work;
let node;
let api;
let provider;
let base; // http://127.0.0.1:<port>/, where the node serves the dashboard
let browser;
let issued; // trustchain_certificate of the last certificate issued here
let head; // the tree head once both are issued
let bob; // the holder

/** A page that fails the test on any console error or uncaught exception. */
async function newPage(context) {
  const page = await context.newPage();
  const errors = [];
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(`console: ${msg.text()}`); });
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  return { page, errors };
}

async function searchFor(page, query) {
  await page.fill('[data-testid=cert-search]', query);
  await page.click('[data-testid=cert-search-form] button[type=submit]');
  const state = page.locator('[data-testid=cert-results-state]');
  await state.and(page.locator('[data-state=ready],[data-state=empty],[data-state=error]')).waitFor({ state: 'attached' });
  return { state: await state.getAttribute('data-state'), text: await state.textContent() };
}

async function openCertificate(page, id) {
  await page.click(`[data-testid=cert-row][data-id="${id}"]`);
  const result = page.locator('[data-testid=proof-result][data-state=ready],[data-testid=proof-result][data-state=error]');
  await result.waitFor({ state: 'attached', timeout: 30_000 });
  return {
    verdict: await result.locator('strong').textContent().catch(() => null),
    text: await result.textContent(),
  };
}

before(async () => {
  const started = Date.now();
  if (!statSync(join(DIST, 'index.html'), { throwIfNoEntry: false })) {
    throw new Error(`${DIST} is not built: cd dashboard && npm ci && npm run build`);
  }
  await cryptoWaitReady();
  work = mkdtempSync(join(tmpdir(), 'hypermesh-dash-certs-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  const ca = await trustchainCli('ca-generate', '--out', join(work, 'ca'), '--name', 'HyperMesh Dashboard CA');
  await trustchainCli('keygen', '--out', join(work, 'keys'));
  const dashboardPort = await freePort();
  node = await startDevNode([
    '--dashboard-port', String(dashboardPort), '--dashboard-dir', DIST,
    '--trustchain-ca-dir', join(work, 'ca'),
    '--trustchain-authority', '0',
    '--trustchain-operator-suri', '//Alice',
  ]);
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)), noInitWarn: true, throwOnConnect: true,
  });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  const nonce = (await api.rpc.system.accountNextIndex(bob.address)).toNumber();
  const addAuthority = submit(api, api.tx.sudo.sudo(api.tx.trustChain.addAuthority(
    0, { Root: null }, alice.address, ca.caCertificate, ca.classicalPublicKey, ca.falconPublicKey)), alice);
  const registered = submit(api, api.tx.trustChain.registerName(NAME), bob, { nonce });
  assert.equal((await addAuthority.finalized).error, null);
  assert.equal((await registered.finalized).error, null);
  // Two certificates, so the log has two leaves and every inclusion proof a non-empty path.
  const proof = await trustchainCli('prove', '--keys', join(work, 'keys'), '--account', bob.address,
    '--genesis', api.genesisHash.toHex());
  const request = (n) => submit(api, api.tx.trustChain.requestCertificate(
    [NAME], proof.classicalPublicKey, proof.falconPublicKey, proof.classicalProof, proof.falconProof, null),
  bob, { nonce: nonce + 1 + n });
  const requests = [request(0), request(1)];
  for (const r of requests) assert.equal((await r.finalized).error, null);
  const deadline = Date.now() + ISSUE_TIMEOUT_MS;
  for (;;) {
    head = await provider.send('trustchain_treeHead', []);
    if (head.size >= 2) break;
    if (Date.now() > deadline) throw new Error(`the CA service issued ${head.size} of 2 certificates in time:\n${node.logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  issued = await provider.send('trustchain_certificate', [head.size - 1]);
  assert.equal(issued.holder, bob.address);

  base = `http://127.0.0.1:${dashboardPort}/`;
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  console.log(`# set-up (node, CA, 2 certificates issued, browser): ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

after(async () => {
  if (browser) await browser.close();
  if (api) await api.disconnect();
  if (node) await node.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('a certificate issued in the test is found by name, its fields and PEM are the node\'s, and its inclusion proof shows verified', { timeout: 120_000 }, async () => {
  const started = Date.now();
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 1100 } });
  const { page, errors } = await newPage(context);
  await page.goto(`${base}#/certificates`);
  // The page opens on the newest certificates.
  const recent = page.locator('[data-testid=cert-results-state]');
  await recent.and(page.locator('[data-state=ready]')).waitFor({ state: 'attached' });
  assert.match(await recent.textContent(), /2 found: the newest 2 of 2 logged certificates/);

  const byName = await searchFor(page, NAME);
  assert.equal(byName.state, 'ready', byName.text);
  assert.match(byName.text, /^2 found: names containing "carol.hypermesh", searched all 2 log entries$/);
  assert.deepEqual(await page.locator('[data-testid=cert-row]').evaluateAll((rows) => rows.map((r) => Number(r.dataset.id))), [1, 0]);
  assert.equal(await page.locator(`[data-testid=cert-row][data-id="${issued.id}"] [data-testid=cert-names]`).textContent(), NAME);
  assert.equal(await page.locator(`[data-testid=cert-row][data-id="${issued.id}"] [data-testid=cert-status]`).textContent(), 'valid');

  const { verdict, text } = await openCertificate(page, issued.id);
  assert.equal(verdict, 'verified', text);
  const field = (name) => page.locator(`[data-testid=cert-fields] [data-field="${name}"]`).textContent();
  assert.equal(await field('names'), NAME);
  assert.equal(await field('subject'), `CN=${NAME}`);
  assert.match(await field('issuer'), /^CN=HyperMesh Dashboard CA, /);
  assert.equal(BigInt(await field('serial')), BigInt(issued.serial));
  assert.equal(await field('status'), 'valid');
  assert.equal(await field('holder'), issued.holder);
  assert.equal(await field('public-key'), 'EC public key P-256');
  assert.equal(await field('alternative-key'), 'FALCON-1024 (1793 bytes)');
  assert.equal(await field('alternative-signature'), 'FALCON-1024 (1280 bytes)');
  assert.equal(await field('leaf-hash'), issued.leafHash);
  assert.match(await page.locator('[data-testid=proof-info]').textContent(), new RegExp(`tree head: size ${head.size}, root ${head.root}`));

  // The PEM download is the node's PEM of the same certificate.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=pem-download]')]);
  assert.equal(download.suggestedFilename(), `certificate-${issued.id}.pem`);
  assert.equal(readFileSync(await download.path(), 'utf8').trim(), issued.pem.trim());

  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-certificates.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
  console.log(`# found by name and verified in ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

test('search by serial, holder account and log index; unknown names and indexes say so', { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const { page, errors } = await newPage(context);
  await page.goto(`${base}#/certificates?q=${issued.id}`);
  await page.locator('[data-testid=cert-results-state][data-state=ready]').waitFor({ state: 'attached' });
  assert.equal(await page.inputValue('[data-testid=cert-search]'), String(issued.id));

  for (const [query, expected] of [
    [issued.serial, new RegExp(`^1 found: serial ${issued.serial.slice(2)}`)],
    [issued.serial.slice(2).match(/../g).join(':').toUpperCase(), /^1 found: serial /],
    [issued.holder, new RegExp(`^2 found: certificates issued to ${issued.holder}`)],
    [String(issued.id), new RegExp(`^1 found: log index ${issued.id}`)],
    ['CAROL', /^2 found: names containing "carol"/],
  ]) {
    const { state, text } = await searchFor(page, query);
    assert.equal(state, 'ready', `${query}: ${text}`);
    assert.match(text, expected, query);
    assert.ok(await page.locator(`[data-testid=cert-row][data-id="${issued.id}"]`).count(), `${query}: row missing`);
  }
  for (const [query, expected] of [
    ['nobody.hypermesh', /^No certificates match "nobody.hypermesh" \(names containing "nobody.hypermesh", searched all 2 log entries\)\.$/],
    ['999', /^No certificates match "999" \(log index 999\)\.$/],
    ['0xdeadbeef', /^No certificates match "0xdeadbeef" \(serial deadbeef\)\.$/],
  ]) {
    const { state, text } = await searchFor(page, query);
    assert.equal(state, 'empty', `${query}: ${text}`);
    assert.match(text, expected);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('the same proof with one byte changed on the wire shows "not verified"', { timeout: 60_000 }, async () => {
  const context = await browser.newContext();
  const { page, errors } = await newPage(context);
  let tampered = 0;
  await page.routeWebSocket(/^ws:\/\/127\.0\.0\.1:\d+/, (ws) => {
    const upstream = ws.connectToServer();
    const proofRequests = new Set();
    ws.onMessage((message) => {
      const request = JSON.parse(message);
      if (request.method === 'trustchain_inclusionProof') proofRequests.add(request.id);
      upstream.send(message);
    });
    upstream.onMessage((message) => {
      const answer = JSON.parse(message);
      if (!proofRequests.has(answer.id) || !answer.result?.auditPath?.length) {
        ws.send(message);
        return;
      }
      // One byte of the audit path's first hash: the last hex digit pair, xor 0x01.
      const hash = answer.result.auditPath[0];
      const last = (parseInt(hash.slice(-2), 16) ^ 0x01).toString(16).padStart(2, '0');
      answer.result.auditPath[0] = hash.slice(0, -2) + last;
      tampered += 1;
      ws.send(JSON.stringify(answer));
    });
  });
  await page.goto(`${base}#/certificates?q=${encodeURIComponent(NAME)}`);
  await page.locator('[data-testid=cert-results-state][data-state=ready]').waitFor({ state: 'attached' });
  const { verdict, text } = await openCertificate(page, issued.id);
  assert.equal(tampered, 1, 'the inclusion proof answer was not rewritten');
  assert.equal(verdict, 'not verified', text);
  assert.match(text, /the audit path does not lead to the tree head root/);
  await page.screenshot({ path: join(ARTIFACTS, 'dashboard-certificates-tampered.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await context.close();
});

test('a revoked certificate shows its status and reason, and its inclusion proof still verifies', { timeout: 90_000 }, async () => {
  const { blockHash, error } = await dispatch(api, api.tx.trustChain.revokeCertificate(0, 'KeyCompromise'), bob);
  assert.equal(error, null);
  const revokedAt = await blockNumberOf(api, blockHash);
  const context = await browser.newContext();
  const { page, errors } = await newPage(context);
  await page.goto(`${base}#/certificates?q=0`);
  await page.locator('[data-testid=cert-results-state][data-state=ready]').waitFor({ state: 'attached' });
  assert.equal(await page.locator('[data-testid=cert-row][data-id="0"] [data-testid=cert-status]').textContent(),
    `revoked (keyCompromise) at block #${revokedAt}`);
  const { verdict, text } = await openCertificate(page, 0);
  assert.equal(verdict, 'verified', text);
  const field = (name) => page.locator(`[data-testid=cert-fields] [data-field="${name}"]`).textContent();
  assert.equal(await field('status'), `revoked (keyCompromise) at block #${revokedAt}`);
  assert.equal(await field('revocation-reason'), 'keyCompromise (code 1)');
  assert.deepEqual(errors, []);
  await context.close();
});
