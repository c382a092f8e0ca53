// A runtime upgrade with a storage migration, decided by referendum on a network without
// sudo, the way a governed network upgrades:
//   1. the network runs the previous runtime (spec 108, zombienet/prepare-upgrade started it
//      from that runtime's genesis); a TrustChain authority is on chain in its version-1
//      encoding;
//   2. one root-track referendum: its preimage noted, submitted with its deposits, voted
//      with conviction by the dev accounts, confirmed and enacted by the scheduler: it adds
//      the authority and authorizes the hash of this checkout's runtime (spec 111);
//   3. before the upgrade is applied, the try-runtime checks run the new runtime's
//      migrations on the network's live state (runtime/tests/live_upgrade.rs);
//   4. anyone applies the authorized code (an unsigned system.applyAuthorizedUpgrade);
//   5. the next block runs spec 111: TrustChain's storage is at version 3 (both migrations,
//      v1 -> v2 and v2 -> v3, ran in it) and the authority
//      record carries keys_set_at (the block of the upgrade), with every old field intact;
//   6. finality never stalls for over 5 blocks (30 s), and every node reports the same finalized
//      blocks across the upgrade.
//
// Run by zombienet (`alice: js-script ./upgrade-runtime.js`). HYPERMESH_NODE is the node
// binary; the new runtime is the WASM the node's build left beside it, compressed here
// (HYPERMESH_UPGRADE_WASM overrides). The try-runtime step runs cargo in the checkout, with
// scripts/env.sh's environment (scripts/test has built it already).

const { execFile } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { dirname, join, resolve } = require('node:path');
const { promisify } = require('node:util');
const { ApiPromise, WsProvider } = require('@polkadot/api');
const { Keyring } = require('@polkadot/keyring');
const { u8aConcat, u8aToHex } = require('@polkadot/util');
const { blake2AsHex, xxhashAsU8a } = require('@polkadot/util-crypto');
const { init: zstdInit, compress: zstdCompress } = require('@bokuweb/zstd-wasm');
const { sleep, submit, watchFinality } = require('./chain-lib');

const execFileAsync = promisify(execFile);
const UNIT = 10n ** 12n;
const AUTHORITY = 7;
// "Never stalls more than a few blocks": 5 blocks of 6 s. Measured across the upgrade: 15.4 s to
// 15.9 s in four runs (each debug node compiles the new WASM when it first imports a block on it).
const FINALITY_STALL_MS = 30_000;
const REFERENDUM_TIMEOUT_MS = 300_000;
const BASE_SPEC_VERSION = 108;
/** This checkout's runtime. */
const NEW_SPEC_VERSION = 111;
/** TrustChain's storage version in this checkout's runtime (SCALE u16, hex). */
const NEW_TRUSTCHAIN_STORAGE_VERSION = '0x0300';
const DEV_ACCOUNTS = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];

/** The raw key of a pallet's on-chain storage version. */
const storageVersionKey = (pallet) =>
  u8aToHex(u8aConcat(xxhashAsU8a(pallet, 128), xxhashAsU8a(':__STORAGE_VERSION__:', 128)));

/** sp-maybe-compressed-blob's prefix of a zstd-compressed WASM. */
const ZSTD_BLOB_PREFIX = Uint8Array.from([82, 188, 83, 118, 70, 219, 142, 5]);

/**
 * The new runtime, compressed as an upgrade carries it (prefix, then zstd: a debug build's
 * WASM is over 5 MB, more than a block takes): the WASM the node's build wrote beside the
 * binary, or HYPERMESH_UPGRADE_WASM (a release build's `.compact.compressed.wasm` is used
 * as it is).
 */
async function newRuntimeCode() {
  const path = process.env.HYPERMESH_UPGRADE_WASM ||
    join(dirname(process.env.HYPERMESH_NODE), 'wbuild/hypermesh-runtime/hypermesh_runtime.wasm');
  const wasm = readFileSync(path);
  if (ZSTD_BLOB_PREFIX.every((byte, i) => wasm[i] === byte)) return u8aToHex(wasm);
  await zstdInit();
  return u8aToHex(u8aConcat(ZSTD_BLOB_PREFIX, zstdCompress(wasm, 3)));
}

/** Resolves with the first event in a finalized block that `predicate` accepts. */
function finalizedEvent(api, predicate, what) {
  return new Promise((resolveEvent, reject) => {
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`no ${what} within ${REFERENDUM_TIMEOUT_MS} ms`));
    }, REFERENDUM_TIMEOUT_MS);
    api.rpc.chain.subscribeFinalizedHeads(async (header) => {
      const at = await api.at(header.hash);
      const events = await at.query.system.events();
      const found = events.find(({ event }) => predicate(event));
      if (found) {
        clearTimeout(timer);
        unsubscribe();
        resolveEvent({ event: found.event, number: header.number.toNumber(), hash: header.hash.toHex() });
      }
    }).then((u) => { unsubscribe = u; }, reject);
  });
}

/** Runs the try-runtime checks of the new runtime's migrations on `rpc`'s state at `at`. */
async function tryRuntimeOnLiveState(rpc, at) {
  const repo = resolve(__dirname, '..');
  const { stdout } = await execFileAsync('cargo', [
    'test', '--locked', '--quiet', '-p', 'hypermesh-runtime', '--features', 'try-runtime',
    '--test', 'live_upgrade', '--', '--nocapture',
  ], {
    cwd: repo,
    // No WASM build: the check runs natively, and a WASM built with `try-runtime` would
    // replace the runtime the node embeds in the shared target directory.
    env: { ...process.env, SKIP_WASM_BUILD: '1', HYPERMESH_LIVE_RPC: rpc, HYPERMESH_LIVE_AT: at },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 1_200_000,
  });
  return stdout.split('\n').filter((line) => line.includes('authorities migrated')).join('\n');
}

async function run(nodeName, networkInfo) {
  const node = networkInfo.nodesByName[nodeName];
  const api = await ApiPromise.create({ provider: new WsProvider(node.wsUri), noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519' });
  const alice = keyring.addFromUri('//Alice');
  const finality = await watchFinality(api);
  const work = mkdtempSync(join(tmpdir(), 'hypermesh-upgrade-'));
  try {
    // 1. The previous runtime, without sudo, TrustChain at storage version 1.
    const before = await api.rpc.state.getRuntimeVersion();
    if (before.specVersion.toNumber() !== BASE_SPEC_VERSION) {
      throw new Error(`the network runs spec ${before.specVersion}, not the base ${BASE_SPEC_VERSION}`);
    }
    if (!(await api.query.sudo.key()).isNone) throw new Error('the network has a sudo key');
    const versionKey = storageVersionKey('TrustChain');
    const versionBefore = (await api.rpc.state.getStorage(versionKey)).unwrap().toHex();
    if (versionBefore !== '0x0100') throw new Error(`TrustChain storage version ${versionBefore}, not 1`);

    // A CA's certificate and keys, from the node's own CLI.
    const { stdout } = await execFileAsync(process.env.HYPERMESH_NODE, [
      'trustchain', 'ca-generate', '--out', join(work, 'ca'), '--name', 'HyperMesh Upgrade CA',
    ]);
    const ca = JSON.parse(stdout);

    // 2. One root referendum: add the authority (in the old runtime's encoding), then
    // authorize the new runtime's hash.
    const code = await newRuntimeCode();
    const codeHash = blake2AsHex(code, 256);
    const call = api.tx.utility.batchAll([
      api.tx.trustChain.addAuthority(AUTHORITY, { Root: null }, alice.address,
        ca.caCertificate, ca.classicalPublicKey, ca.falconPublicKey),
      api.tx.system.authorizeUpgrade(codeHash),
    ]);
    const referendum = (await api.query.referenda.referendumCount()).toNumber();
    const proposed = await submit(api, api.tx.utility.batchAll([
      api.tx.preimage.notePreimage(call.method.toHex()),
      api.tx.referenda.submit({ system: 'Root' },
        { Lookup: { hash: call.method.hash.toHex(), len: call.method.encodedLength } }, { After: 1 }),
      api.tx.referenda.placeDecisionDeposit(referendum),
    ]), alice);
    if (proposed.error) throw new Error(`proposing: ${proposed.error}`);
    console.log(`referendum ${referendum} proposed: code ${codeHash} (${(code.length - 2) / 2} bytes)`);

    // Every dev account and its stash votes aye with 1x conviction, 90 % of its free
    // balance: more than the root track's initial 50 % support.
    const voters = DEV_ACCOUNTS.flatMap((name) => [`//${name}`, `//${name}//stash`])
      .map((uri) => keyring.addFromUri(uri));
    const enacted = finalizedEvent(api, (e) => api.events.system.UpgradeAuthorized.is(e), 'system.UpgradeAuthorized');
    await Promise.all(voters.map(async (voter) => {
      const { data } = await api.query.system.account(voter.address);
      const balance = data.free.toBigInt() * 9n / 10n;
      const { error } = await submit(api, api.tx.convictionVoting.vote(referendum, {
        Standard: { vote: { aye: true, conviction: 'Locked1x' }, balance },
      }), voter);
      if (error) throw new Error(`${voter.address} voting: ${error}`);
    }));
    const authorized = await enacted;
    console.log(`upgrade authorized by referendum ${referendum} in block ${authorized.number}`);
    // The record as runtime 108 stores it, read now: after the upgrade, polkadot.js decodes
    // older blocks' storage with the new type of the same name.
    const atAuthorized = await api.at(authorized.hash);
    const stored = await atAuthorized.query.trustChain.authorities(AUTHORITY);
    if (stored.isNone) throw new Error('the referendum did not add the authority');
    const oldFields = Object.fromEntries(['kind', 'operator', 'classicalPublicKey', 'falconPublicKey', 'children']
      .map((field) => [field, stored.unwrap()[field].toHex()]));
    if ('keysSetAt' in stored.unwrap().toJSON()) throw new Error('runtime 108 already has keysSetAt');

    // 3. try-runtime on the live state, before the upgrade is applied.
    console.log(await tryRuntimeOnLiveState(node.wsUri, authorized.hash));

    // 4. Anyone applies the authorized code, unsigned.
    const applied = await submit(api, api.tx.system.applyAuthorizedUpgrade(code), null);
    if (applied.error) throw new Error(`applying: ${applied.error}`);
    const updated = applied.events.find(({ event }) => api.events.system.CodeUpdated.is(event));
    if (!updated) {
      const rejected = applied.events.map(({ event }) => `${event.section}.${event.method}`).join(', ');
      throw new Error(`no system.CodeUpdated; events: ${rejected}`);
    }
    const upgradeBlock = (await api.rpc.chain.getHeader(applied.blockHash)).number.toNumber();
    console.log(`new code set in block ${upgradeBlock}`);

    // 5. The next block runs the new runtime, whose migration ran in it.
    await finality.reach(upgradeBlock + 1, FINALITY_STALL_MS);
    const firstNew = (await api.rpc.chain.getBlockHash(upgradeBlock + 1)).toHex();
    const after = await api.rpc.state.getRuntimeVersion(firstNew);
    if (after.specVersion.toNumber() !== NEW_SPEC_VERSION) {
      throw new Error(`block ${upgradeBlock + 1} runs spec ${after.specVersion}`);
    }
    const versionAfter = (await api.rpc.state.getStorage(versionKey, firstNew)).unwrap().toHex();
    if (versionAfter !== NEW_TRUSTCHAIN_STORAGE_VERSION) throw new Error(`TrustChain storage version ${versionAfter} after the upgrade`);
    const atNew = await api.at(firstNew);
    const record = (await atNew.query.trustChain.authorities(AUTHORITY)).unwrap();
    // The migration ran while block upgradeBlock + 1 was initialized, when the chain's
    // block number was still that of the block that set the code.
    if (record.keysSetAt.toNumber() !== upgradeBlock) {
      throw new Error(`keys_set_at ${record.keysSetAt}, expected ${upgradeBlock}`);
    }
    for (const [field, hex] of Object.entries(oldFields)) {
      if (record[field].toHex() !== hex) throw new Error(`${field} changed by the migration`);
    }
    console.log(`block ${upgradeBlock + 1} runs spec ${after.specVersion}; authority ${AUTHORITY} keysSetAt ${record.keysSetAt}`);

    // 6. Finality goes on, and every node agrees on the blocks around the upgrade.
    const target = upgradeBlock + 10;
    await finality.reach(target, FINALITY_STALL_MS);
    const expected = (await api.rpc.chain.getBlockHash(target)).toHex();
    for (const [name, other] of Object.entries(networkInfo.nodesByName)) {
      const otherApi = await ApiPromise.create({ provider: new WsProvider(other.wsUri), noInitWarn: true });
      try {
        const deadline = Date.now() + 120_000;
        const finalizedOf = async () =>
          (await otherApi.rpc.chain.getHeader(await otherApi.rpc.chain.getFinalizedHead())).number.toNumber();
        while (await finalizedOf() < target) {
          if (Date.now() > deadline) throw new Error(`${name} did not finalize ${target}`);
          await sleep(2_000);
        }
        const hash = (await otherApi.rpc.chain.getBlockHash(target)).toHex();
        if (hash !== expected) throw new Error(`${name} finalized ${hash} at ${target}, alice ${expected}`);
        const version = (await otherApi.rpc.state.getRuntimeVersion()).specVersion.toNumber();
        if (version !== NEW_SPEC_VERSION) throw new Error(`${name} runs spec ${version}`);
      } finally {
        await otherApi.disconnect();
      }
    }
    if (finality.stalled() > FINALITY_STALL_MS) throw new Error(`finality stalled for ${finality.stalled()} ms`);
    console.log(`all ${Object.keys(networkInfo.nodesByName).length} nodes finalized ${target} on spec ${NEW_SPEC_VERSION}; longest finality stall ${finality.stalled()} ms`);
    return upgradeBlock;
  } finally {
    finality.unsubscribe();
    rmSync(work, { recursive: true, force: true });
    await api.disconnect();
  }
}

module.exports = { run };
