// The README's "TrustChain: getting a certificate" section, run as written: its shell
// blocks are taken from README.md and typed into one bash shell (a fresh one: no
// CARGO_TARGET_DIR unless it differs from the default, nothing sourced), in order, in an
// empty directory. The dev node line runs in the background, as a reader runs it in a
// second terminal. The steps the README gives as polkadot.js calls are made with
// @polkadot/api, with the values the shell printed. Every command must succeed, and what
// the README says it prints is checked.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { blockNumberOf, dispatch, waitForFinalizedEvent } from './trustchain-lib.js';

const README = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'README.md');
const SECTION = '## TrustChain: getting a certificate';
const BOB = '5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty';

/** The section's ```sh blocks, each as a list of shell commands (continuations joined). */
function readmeBlocks() {
  const text = readFileSync(README, 'utf8');
  const start = text.indexOf(SECTION);
  assert.ok(start >= 0, `README has no "${SECTION}"`);
  const end = text.indexOf('\n## ', start + SECTION.length);
  const section = text.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.map((block) => {
    const commands = [];
    let current = '';
    for (const line of block.split('\n')) {
      if (!current && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      current += `${line}\n`;
      if (!/\\\s*$/.test(line)) {
        commands.push(current.trimEnd());
        current = '';
      }
    }
    if (current) commands.push(current.trimEnd());
    return commands;
  });
}

/** One bash process; `run` types a command and resolves with its stdout and exit code. */
function shell(cwd, env) {
  const bash = spawn('bash', ['--noprofile', '--norc'], { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let waiting = null;
  bash.stdout.on('data', (d) => {
    out += d;
    if (waiting) waiting();
  });
  bash.stderr.on('data', (d) => { err += d; });
  let n = 0;
  return {
    stderr: () => err,
    run(command, timeoutMs = 120_000) {
      const marker = `__readme_step_${n++}__`;
      out = '';
      err = '';
      bash.stdin.write(`${command}\necho "${marker} $?"\n`);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out: ${command}\nstderr: ${err}`)), timeoutMs);
        waiting = () => {
          const m = new RegExp(`${marker} (\\d+)\\n`).exec(out);
          if (!m) return;
          clearTimeout(timer);
          waiting = null;
          resolve({ stdout: out.slice(0, m.index), code: Number(m[1]), stderr: err });
        };
        waiting();
      });
    },
    close() {
      bash.stdin.end();
      return new Promise((resolve) => bash.on('exit', resolve));
    },
  };
}

let work;
let sh;
let api;
let provider;
let nodeStarted = false;
const printed = {}; // what the README's commands printed, by step

before(async () => {
  await cryptoWaitReady();
  work = mkdtempSync(join(tmpdir(), 'hypermesh-readme-'));
  const env = { ...process.env };
  delete env.HYPERMESH_NODE;
  // A fresh shell has no CARGO_TARGET_DIR; keep it only where it is not the default.
  if (env.CARGO_TARGET_DIR === join(env.HOME, '.cache/hypermesh/target')) delete env.CARGO_TARGET_DIR;
  sh = shell(work, env);
});

after(async () => {
  if (api) await api.disconnect();
  if (sh) {
    if (nodeStarted) await sh.run('kill -INT $README_NODE_PID; wait $README_NODE_PID', 60_000).catch(() => {});
    await sh.close();
  }
  if (work) rmSync(work, { recursive: true, force: true });
});

async function typed(command, timeoutMs) {
  const result = await sh.run(command, timeoutMs);
  assert.equal(result.code, 0, `README command failed (exit ${result.code}):\n${command}\n${result.stderr}`);
  return result.stdout;
}

test('the README walkthrough issues a certificate OpenSSL verifies, and revokes it', { timeout: 600_000 }, async () => {
  const blocks = readmeBlocks();
  assert.equal(blocks.length, 3, 'the section has three shell blocks');
  const [setup, prove, lookup] = blocks;

  // Block 1: the binary, the CA, the dev node with the CA service.
  assert.match(setup[0], /^N=/);
  await typed(setup[0]);
  assert.match(setup[1], /trustchain ca-generate --out ca\//);
  const ca = JSON.parse(await typed(setup[1]));
  for (const file of ['ca.key.der', 'ca.falcon.key']) {
    assert.equal(statSync(join(work, 'ca', file)).mode & 0o777, 0o600, `${file} is not 0600`);
  }
  assert.ok(readFileSync(join(work, 'ca', 'ca.pem'), 'utf8').startsWith('-----BEGIN CERTIFICATE-----'));
  assert.match(setup[2], /--dev --tmp --trustchain-ca-dir ca\//);
  await typed(`${setup[2]} > node.log 2>&1 &\nREADME_NODE_PID=$!`);
  nodeStarted = true;
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const res = await fetch('http://127.0.0.1:9944', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'system_health', params: [] }),
      });
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      throw new Error(`the README's dev node did not answer on 9944:\n${readFileSync(join(work, 'node.log'), 'utf8').slice(-3000)}`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  api = await ApiPromise.create({
    provider: (provider = new WsProvider('ws://127.0.0.1:9944')),
    noInitWarn: true,
    throwOnConnect: true,
  });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  assert.equal(bob.address, BOB, 'the README names Bob\'s SS58 address');

  // Steps 1 and 2 (polkadot.js): the authority, Bob's name.
  const add = await dispatch(api, api.tx.sudo.sudo(api.tx.trustChain.addAuthority(
    0, { Root: null }, alice.address, ca.caCertificate, ca.classicalPublicKey, ca.falconPublicKey)), alice);
  assert.equal(add.error, null);
  assert.ok(add.events.some(({ event }) => api.events.trustChain.AuthorityAdded.is(event)), 'no AuthorityAdded');
  assert.equal((await dispatch(api, api.tx.trustChain.registerName('bob.hypermesh'), bob)).error, null);

  // Block 2: Bob's keys and proofs.
  assert.equal(prove.length, 2);
  await typed(prove[0]);
  for (const file of ['p256.key.der', 'falcon.key']) {
    assert.equal(statSync(join(work, 'bob', file)).mode & 0o777, 0o600, `${file} is not 0600`);
  }
  printed.prove = JSON.parse(await typed(prove[1]));

  // Step 4 (polkadot.js): the request; the CA service issues once it is finalized.
  const p = printed.prove;
  const request = await dispatch(api, api.tx.trustChain.requestCertificate(
    ['bob.hypermesh'], p.classicalPublicKey, p.falconPublicKey, p.classicalProof, p.falconProof, null), bob);
  assert.equal(request.error, null, 'the proofs `prove` printed were refused');
  const issued = await waitForFinalizedEvent(api, await blockNumberOf(api, request.blockHash),
    (event) => api.events.trustChain.CertificateIssued.is(event), 120_000, 'CertificateIssued');
  const id = issued.event.data.id.toNumber();

  // Block 3: the id, leaf.pem, openssl verify, the status.
  assert.equal(lookup.length, 5);
  await typed(lookup[0]); // rpc()
  await typed(lookup[1]); // ID=
  assert.equal((await typed('echo $ID')).trim(), String(id));
  await typed(lookup[2]); // leaf.pem
  assert.equal((await typed(lookup[3])).trim(), 'leaf.pem: OK');
  assert.equal((await typed(lookup[4])).trim(), '{"status":"valid"}');

  // Revocation, as the README describes it, then the status it promises.
  const revoke = await dispatch(api, api.tx.trustChain.revokeCertificate(id, 'KeyCompromise'), bob);
  assert.equal(revoke.error, null);
  const status = JSON.parse(await typed(lookup[4]));
  assert.equal(status.status, 'revoked');
  assert.equal(status.reason, 'keyCompromise');
  assert.equal(status.reasonCode, 1);
  assert.equal(typeof status.revokedAt, 'number');
});

test('`trustchain prove` refuses a key directory whose FALCON keys are not one pair, before any fee', { timeout: 120_000 }, async () => {
  // Two key sets; bob-mixed has bob/'s FALCON public key with another set's private key.
  await typed('$N trustchain keygen --out other/ && mkdir mixed && cp bob/p256.key.der bob/falcon.pub mixed/ && cp other/falcon.key mixed/');
  const result = await sh.run(`$N trustchain prove --keys mixed/ --account ${BOB} --genesis 0x${'00'.repeat(32)}`);
  assert.notEqual(result.code, 0, 'prove accepted mismatched FALCON keys');
  assert.match(result.stderr, /falcon\.key does not belong to falcon\.pub/);
});

test('the trustchain subcommands do not list the node-only options', { timeout: 60_000 }, async () => {
  for (const sub of ['ca-generate', 'keygen', 'prove']) {
    const help = await typed(`$N trustchain ${sub} --help`);
    for (const flag of ['--trustchain-authority', '--trustchain-genesis-ca', '--trustchain-operator-suri']) {
      assert.ok(!help.includes(flag), `trustchain ${sub} --help lists ${flag}`);
    }
  }
  // export-chain-spec still takes the genesis-root options.
  const help = await typed('$N export-chain-spec --help');
  assert.ok(help.includes('--trustchain-genesis-ca'));
});
