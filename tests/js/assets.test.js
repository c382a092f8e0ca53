// End-to-end: the HyperMesh asset registry (pallet AssetRegistry) with four-proof
// validity, driven the way providers and consumers drive it: @polkadot/api for the
// calls, consensus proofs (PoSpace, PoStake, PoWork, PoTime) built in JS from the
// specification (proofs-lib.js, independent of the node's Rust code), the `assets_*`
// RPC, and the node's hardware oracle reporting telemetry for Ferdie's assets.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { createKeyDerived, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { scrapeMetrics, startDevNode } from './node-process.js';
import { hexToBytes, leafHash, merkleRoot, submit, waitForFinalizedEvent } from './trustchain-lib.js';
import {
  allocateOperation, buildProof, bytesToHex, challengeIndices, cloneProof, commitmentId, easyNonce,
  checkProof, encodeAssetKind, encodePrivacy, encodeTelemetry, ipv6ToBytes, leadingZeroBits, makeSpace,
  registerOperation, sha256, telemetryOperation, toCallArg, workHash,
} from './proofs-lib.js';

const UNIT = 10n ** 12n;
const MIB = 2 ** 20;
/** How long the oracle may take to set itself up or to report (debug build, 6 s blocks). */
const ORACLE_TIMEOUT_MS = 120_000;

let oracleDir;
let node;
let api;
let provider;
let params; // assets_proofParameters()
let alice;
let bob;
let ferdie;
const nonces = new Map(); // address -> next nonce, for accounts only this test signs for
let aliceSpace;
let bobSpace;
let storage; // Alice's asset: { id, address, kind, privacy }
let aliceRegistration; // { kind, privacy, proof } of Alice's registration
let bobAllocation; // { id, args: [asset, amount, lease, maxPricePerBlock], proof, blockHash }

const rpc = (method, ...args) => provider.send(method, args);
const nodeLog = (re = /hardware-oracle|hypermesh::proofs|proof refused|error|panic/i) =>
  node.logs().split('\n').filter((l) => re.test(l)).slice(-40).join('\n');

/** The next nonce of an account only this test signs for, counted locally (see dev-node tests). */
const takeNonce = (pair) => {
  const n = nonces.get(pair.address);
  nonces.set(pair.address, n + 1);
  return n;
};

/** Signs with an explicit nonce (and optional tip); { inPool, inBlock, finalized }. */
const send = (tx, pair, options = {}) => submit(api, tx, pair, { nonce: takeNonce(pair), ...options });

/** The best block as a PoTime reference { number, hash }. */
async function bestTime() {
  const header = await api.rpc.chain.getHeader();
  return { number: header.number.toNumber(), hash: header.hash.toU8a() };
}

/** A proof for `op` by `pair` from its `space`, claiming `stake`, at the best block (unless `time`). */
async function proofFor(pair, op, space, stake, time) {
  return buildProof({
    op,
    signer: pair.publicKey,
    time: time ?? await bestTime(),
    stake,
    space,
    difficulty: params.workDifficulty,
  });
}

const eventOf = (events, is) => events.find(({ event }) => is(event))?.event;
/** An event's fields as { name: JSON } (names as in the metadata, camelCased by polkadot.js). */
const eventFields = (event) => Object.fromEntries(event.data.names.map((name, i) => [name, event.data[i].toJSON()]));
const parentOf = async (blockHash) => (await api.rpc.chain.getHeader(blockHash)).parentHash.toHex();
const blockNumberOf = async (blockHash) => (await api.rpc.chain.getHeader(blockHash)).number.toNumber();

/**
 * The registry state Alice's and Bob's calls could touch, at a block (the oracle's own
 * set-up excluded). Used proofs referencing blocks before `keepFrom` are left out (the
 * chain prunes them once they leave the window).
 */
async function registryState(blockHash, keepFrom = 0) {
  const at = await api.at(blockHash);
  const q = at.query.assetRegistry;
  const mine = [alice.address, bob.address];
  return {
    nextAssetId: (await q.nextAssetId()).toNumber(),
    nextAllocationId: (await q.nextAllocationId()).toNumber(),
    assets: (await q.assets.entries()).map(([k, v]) => [k.args[0].toNumber(), v.toJSON()]).sort((a, b) => a[0] - b[0]),
    allocations: (await q.allocations.entries()).map(([k, v]) => [k.args[0].toNumber(), v.toJSON()]).sort((a, b) => a[0] - b[0]),
    usedProofs: (await q.usedProofs.keys()).filter((k) => k.args[0].toNumber() >= keepFrom).map((k) => k.toHex()).sort(),
    commitments: await Promise.all(mine.map(async (who) => (await q.spaceCommitments.keys(who)).map((k) => k.toHex()).sort())),
    commitmentCounts: await Promise.all(mine.map(async (who) => (await q.commitmentCount(who)).toNumber())),
    held: await Promise.all(mine.map(async (who) => (await at.query.system.account(who)).data.reserved.toBigInt())),
  };
}

/** `who`'s bonded provider stake (Caesar's bond hold less what is unbonding) at a block. */
async function bondedAt(who, blockHash) {
  const at = await api.at(blockHash);
  const hold = (await at.query.balances.holds(who)).find((h) => h.id.isCaesar && h.id.asCaesar.isProviderBond);
  const unbonding = (await at.query.caesar.unbonding(who)).reduce((sum, chunk) => sum + chunk.amount.toBigInt(), 0n);
  return (hold ? hold.amount.toBigInt() : 0n) - unbonding;
}

/**
 * Checks that the offence in block `blockHash` slashed `who`'s bond, Caesar moving the same
 * amount to the treasury. With `exact` (the block's only change to `who`'s bond), also that
 * it took exactly the configured share and the bond fell by as much. Returns the amount.
 */
async function expectSlash(who, blockHash, offence, exact = true) {
  const events = await (await api.at(blockHash)).query.system.events();
  const slashed = events.find(({ event }) => api.events.assetRegistry.ProviderSlashed.is(event)
    && event.data.provider.toString() === who && event.data.offence.toString() === offence)?.event;
  assert.ok(slashed, `no ProviderSlashed (${offence}) for ${who}`);
  const amount = slashed.data.slashed.toBigInt();
  const taken = events.filter(({ event }) => api.events.caesar.Slashed.is(event)
    && event.data.who.toString() === who && event.data.offence.toString() === offence);
  assert.ok(taken.some(({ event }) => event.data.amount.toBigInt() === amount), 'Caesar did not take the slash');
  if (exact) {
    const before = await bondedAt(who, await parentOf(blockHash));
    const share = (await api.query.caesar.parameters()).offenceSlash.toBigInt();
    assert.equal(amount, before * share / 1_000_000_000n);
    assert.equal(await bondedAt(who, blockHash), before - amount);
  }
  return amount;
}

before(async () => {
  await cryptoWaitReady();
  oracleDir = mkdtempSync(join(tmpdir(), 'hypermesh-oracle-'));
  node = await startDevNode([
    // The pool's "consensus proof refused (code N)" lines are debug-level (refusals cost
    // their sender nothing, so at info they could flood the log); the pool test below
    // looks for them.
    '-lruntime::hypermesh::proofs=debug',
    '--oracle-every', '2', '--oracle-suri', '//Ferdie', '--oracle-dir', oracleDir,
  ]);
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)),
    noInitWarn: true,
    throwOnConnect: true,
  });
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  ferdie = keyring.addFromUri('//Ferdie');
  for (const pair of [alice, bob]) {
    nonces.set(pair.address, (await api.rpc.system.accountNextIndex(pair.address)).toNumber());
  }

  // The development chain endows only Alice, Bob and their stashes: the oracle's
  // operator funds the oracle account (Ferdie) so it can pay for its own transactions.
  const { error } = await send(api.tx.balances.transferKeepAlive(ferdie.address, 1000n * UNIT), alice).finalized;
  assert.equal(error, null, 'funding Ferdie failed');
  params = await rpc('assets_proofParameters');
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
  if (oracleDir) rmSync(oracleDir, { recursive: true, force: true });
});

test('proof parameters, and the JS encodings agree with the metadata', async () => {
  assert.equal(params.workDifficulty, 12);
  assert.equal(params.window, 32);
  assert.equal(params.minimumStake, (10n * UNIT).toString());
  assert.equal(params.minSpaceChunks, 16);
  // The chain's /64: fd and the first 7 bytes of the genesis hash.
  const expected = Uint8Array.of(0xfd, ...api.genesisHash.toU8a().slice(0, 7));
  assert.match(params.prefix, /^[0-9a-f:]+::\/64$/, params.prefix);
  const prefix = ipv6ToBytes(params.prefix.replace('/64', ''));
  assert.deepEqual(prefix.slice(0, 8), expected, `prefix ${params.prefix} is not fd ‖ genesis[0..7]`);
  assert.deepEqual([...prefix.slice(8)], Array(8).fill(0));
  // The same prefix when asked at the genesis block itself.
  const atGenesis = await rpc('assets_proofParameters', null, api.genesisHash.toHex());
  assert.equal(atGenesis.prefix, params.prefix);

  // Hand-written SCALE (proofs-lib.js) = what polkadot.js encodes from the metadata.
  const [kindType, privacyType] = api.tx.assetRegistry.registerAsset.meta.args.map((a) => a.type.toString());
  const telemetryType = api.tx.assetRegistry.reportTelemetry.meta.args[1].type.toString();
  for (const kind of [
    { Cpu: { cores: 8, mhz: 3000 } }, { Gpu: { devices: 2, memoryMib: 24576 } }, { Memory: { mib: 65536 } },
    { Storage: { gib: 100 } }, { Network: { mbps: 10000 } }, { Container: { slots: 4 } },
  ]) {
    assert.deepEqual(encodeAssetKind(kind), api.createType(kindType, kind).toU8a(), JSON.stringify(kind));
  }
  for (const privacy of ['Private', 'PrivateNetwork', 'P2P', 'PublicNetwork', 'FullPublic']) {
    assert.deepEqual(encodePrivacy(privacy), api.createType(privacyType, privacy).toU8a(), privacy);
  }
  for (const telemetry of [{ measuredCapacity: 16, used: 3 }, { measuredCapacity: null, used: 7 }]) {
    assert.deepEqual(encodeTelemetry(telemetry), api.createType(telemetryType, telemetry).toU8a());
  }
  // Call indices of the guarded calls, as the operation hashes use them.
  const index = (name) => api.tx.assetRegistry[name].callIndex;
  assert.deepEqual([...index('registerAsset')], [9, 0]);
  assert.deepEqual([...index('allocate')], [9, 3]);
  assert.deepEqual([...index('reportTelemetry')], [9, 5]);
});

test('Alice bonds, commits space and registers a FullPublic storage asset with a proof; the RPC resolves its address', { timeout: 180_000 }, async () => {
  aliceSpace = makeSpace({ chunks: 32, address: '2001:db8::a', port: 4433 });
  const bonded = 20n * UNIT;
  const bond = send(api.tx.caesar.bond(bonded), alice);
  const commit = send(api.tx.assetRegistry.commitSpace(toCallArg(aliceSpace.commitment)), alice);
  const bondResult = await bond.finalized;
  const commitResult = await commit.finalized;
  assert.equal(bondResult.error, null);
  assert.equal(commitResult.error, null);
  const committed = eventOf(commitResult.events, (e) => api.events.assetRegistry.SpaceCommitted.is(e));
  assert.ok(committed, 'no SpaceCommitted event');
  assert.equal(committed.data.id.toHex(), bytesToHex(aliceSpace.id), 'commitment id differs from the JS one');

  const mine = await rpc('assets_proofParameters', alice.address);
  assert.equal(mine.bondedStake, bonded.toString());
  assert.deepEqual(mine.spaceCommitments, [{
    id: bytesToHex(aliceSpace.id),
    root: bytesToHex(aliceSpace.commitment.root),
    chunks: 32,
    endpoint: '[2001:db8::a]:4433',
  }]);

  const kind = { Storage: { gib: 100 } };
  const privacy = 'FullPublic';
  const proof = await proofFor(alice, registerOperation(kind, privacy), aliceSpace, bonded);
  const nextId = (await api.query.assetRegistry.nextAssetId()).toNumber();
  const { events, error, blockHash } = await send(api.tx.assetRegistry.registerAsset(kind, privacy, toCallArg(proof)), alice).finalized;
  assert.equal(error, null);
  const registered = eventOf(events, (e) => api.events.assetRegistry.AssetRegistered.is(e));
  assert.ok(registered, 'no AssetRegistered event');
  const id = registered.data.id.toNumber();
  assert.equal(id, nextId);
  assert.equal(registered.data.owner.toString(), alice.address);
  const address = registered.data.address.toU8a();
  const prefix = ipv6ToBytes(params.prefix.replace('/64', '')).slice(0, 8);
  assert.deepEqual(address.slice(0, 8), prefix, 'the address is not in the chain prefix');
  assert.equal(Buffer.from(address.slice(8)).readBigUInt64BE(), BigInt(id), 'interface id is not the asset id');

  const expected = {
    id,
    owner: alice.address,
    kind: { kind: 'storage', unit: 'GiB', capacity: 100, details: { gib: 100 } },
    privacy: 'fullPublic',
    allocated: 0,
    free: 100,
    reputation: 1000,
  };
  const json = await rpc('assets_asset', id, blockHash);
  assert.ok(json, `assets_asset(${id}) is null`);
  assert.deepEqual(ipv6ToBytes(json.address), address, `address text ${json.address}`);
  const { address: text, usage, ...rest } = json;
  assert.deepEqual(rest, expected);
  assert.equal(usage, null);
  const list = await rpc('assets_assetsOf', alice.address);
  assert.deepEqual(list, [{ ...expected, address: text }]);
  assert.deepEqual(await rpc('assets_assetsOf', bob.address), []);

  const resolved = await rpc('assets_resolveAddress', text);
  assert.deepEqual(resolved, { address: text, asset: id, owner: alice.address, endpoints: ['[2001:db8::a]:4433'] });
  // Fully written out, it resolves the same; an address in the prefix that nobody has is null.
  const long = [...Array(8).keys()].map((i) => Buffer.from(address.slice(2 * i, 2 * i + 2)).toString('hex')).join(':');
  assert.equal((await rpc('assets_resolveAddress', long))?.asset, id);
  const unused = bytesToHex(address).slice(2, 18).match(/..../g).join(':') + '::ffff:ffff';
  assert.equal(await rpc('assets_resolveAddress', unused), null);
  storage = { id, address: text, kind, privacy };
  aliceRegistration = { kind, privacy, proof };
});

test('Bob allocates part of the asset; an over-allocation fails with OverAllocation and changes nothing', { timeout: 240_000 }, async () => {
  bobSpace = makeSpace({ chunks: 24, address: '2001:db8::b', port: 4433 });
  const bonded = 15n * UNIT;
  const bond = send(api.tx.caesar.bond(bonded), bob);
  const commit = send(api.tx.assetRegistry.commitSpace(toCallArg(bobSpace.commitment)), bob);
  assert.equal((await bond.finalized).error, null);
  assert.equal((await commit.finalized).error, null);

  // A consumer claims only the minimum stake: enough.
  const args = [storage.id, 30, 100, 0];
  const proof = await proofFor(bob, allocateOperation(...args), bobSpace, BigInt(params.minimumStake));
  const nextAllocation = (await api.query.assetRegistry.nextAllocationId()).toNumber();
  const { events, error, blockHash } = await send(api.tx.assetRegistry.allocate(...args, toCallArg(proof)), bob).finalized;
  assert.equal(error, null);
  const allocated = eventOf(events, (e) => api.events.assetRegistry.Allocated.is(e));
  assert.ok(allocated, 'no Allocated event');
  const block = await blockNumberOf(blockHash);
  assert.deepEqual(eventFields(allocated), {
    id: nextAllocation, asset: storage.id, consumer: bob.address, amount: 30, expiresAt: block + 100, pricePerBlock: 0,
  });
  const allocation = { id: nextAllocation, asset: storage.id, consumer: bob.address, amount: 30, expiresAt: block + 100 };
  assert.deepEqual(await rpc('assets_allocations', storage.id, blockHash), [allocation]);
  let asset = await rpc('assets_asset', storage.id, blockHash);
  assert.equal(asset.allocated, 30);
  assert.equal(asset.free, 70);
  bobAllocation = { id: nextAllocation, args, proof, blockHash };

  // 71 > 70 free: the proof is valid, so the pool admits it; the call fails.
  const overArgs = [storage.id, 71, 100, 0];
  const overProof = await proofFor(bob, allocateOperation(...overArgs), bobSpace, BigInt(params.minimumStake));
  const over = await send(api.tx.assetRegistry.allocate(...overArgs, toCallArg(overProof)), bob).finalized;
  assert.equal(over.error, 'assetRegistry.OverAllocation');
  assert.equal(eventOf(over.events, (e) => api.events.assetRegistry.Allocated.is(e)), undefined);
  const keepFrom = (await blockNumberOf(over.blockHash)) - params.window - 1;
  assert.deepEqual(await registryState(over.blockHash, keepFrom), await registryState(await parentOf(over.blockHash), keepFrom),
    'the failed over-allocation changed registry state');
  asset = await rpc('assets_asset', storage.id, over.blockHash);
  assert.equal(asset.allocated, 30);
  assert.equal(asset.free, 70);
  assert.deepEqual(await rpc('assets_allocations', storage.id, over.blockHash), [allocation]);
  assert.equal((await api.query.assetRegistry.nextAllocationId()).toNumber(), nextAllocation + 1);
});

test('the pool refuses bad proofs, each with its own code, and nothing changes', { timeout: 180_000 }, async () => {
  const stake = BigInt(params.minimumStake);
  const bondedBob = 15n * UNIT;
  const args = [storage.id, 1, 10, 0];
  const op = allocateOperation(...args);
  const time = await bestTime();
  const valid = await proofFor(bob, op, bobSpace, stake, time);
  const indices = challengeIndices(time.hash, bob.publicKey, bobSpace.commitment);

  const forge = (change) => {
    const proof = cloneProof(valid);
    change(proof);
    return proof;
  };
  const otherHash = sha256(Uint8Array.of(42), time.hash);
  const uncommitted = makeSpace({ chunks: 32, address: '2001:db8::b', port: 4434 });
  const cases = [
    ['forged Merkle path', 10, forge((p) => { p.space.chunks[1].path[0][31] ^= 1; })],
    ['wrong leaf', 10, forge((p) => {
      p.space.chunks[0].leafHash = bobSpace.leaves[(Number(indices[0]) + 1) % bobSpace.leaves.length];
    })],
    ['leaf of a chunk that is not stored', 10, forge((p) => { p.space.chunks[2].leafHash = leafHash(new Uint8Array(4096)); })],
    ['claim above the bonded stake', 5, forge((p) => { p.stake.bonded = bondedBob + 1n; })],
    ['claim below the minimum stake', 5, forge((p) => { p.stake.bonded = stake - 1n; })],
    ['easy work', 6, forge((p) => {
      p.work.nonce = easyNonce(op, bob.publicKey, time, params.workDifficulty);
      assert.ok(leadingZeroBits(workHash(op, bob.publicKey, time, p.work.nonce)) < params.workDifficulty);
    })],
    // PoTime faults: whole proofs built for the fake reference, so only the reference is wrong.
    ['unknown block hash', 3, await proofFor(bob, op, bobSpace, stake, { number: time.number, hash: otherHash })],
    ['future block number', 2, await proofFor(bob, op, bobSpace, stake, { number: time.number + 5, hash: otherHash })],
    ['uncommitted commitment', 7, await proofFor(bob, op, uncommitted, stake, time)],
    ['three answers', 9, forge((p) => { p.space.chunks.pop(); })],
    ['five answers', 9, forge((p) => { p.space.chunks.push(p.space.chunks[0]); })],
  ];
  // The replay: Bob's allocation proof from the previous test, in a new transaction.
  assert.ok(time.number - bobAllocation.proof.time.number <= params.window, 'the used proof left the window');

  const keepFrom = time.number - params.window;
  const before = await registryState((await api.rpc.chain.getHeader()).hash.toHex(), keepFrom);
  const bobBefore = (await api.query.system.account(bob.address)).toJSON();
  const nonce = nonces.get(bob.address);
  const refusals = [
    ...cases.map(([name, code, proof]) => [name, code, api.tx.assetRegistry.allocate(...args, toCallArg(proof))]),
    ['replayed proof', 4, api.tx.assetRegistry.allocate(...bobAllocation.args, toCallArg(bobAllocation.proof))],
  ];
  for (const [name, code, tx] of refusals) {
    await assert.rejects(submit(api, tx, bob, { nonce }).inPool, (err) => {
      assert.equal(err.message, `1010: Invalid Transaction: Custom error: ${code}`, `${name}: ${err.message}`);
      return true;
    }, `${name} was not refused`);
  }
  const names = {
    2: 'FutureBlock', 3: 'UnknownBlock', 4: 'Reused', 5: 'InsufficientStake', 6: 'InsufficientWork',
    7: 'UnknownCommitment', 9: 'WrongAnswerCount', 10: 'BadMerklePath',
  };
  for (const [code, name] of Object.entries(names)) {
    const rejection = await rpc('assets_proofRejection', Number(code));
    assert.equal(rejection.code, Number(code));
    assert.equal(rejection.name, name);
    assert.ok(rejection.message.length > 10, rejection.message);
    // The node's log is read from its output stream: give the last lines a moment to arrive.
    const line = new RegExp(`consensus proof refused \\(code ${code}\\): ${rejection.message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
    for (let i = 0; i < 50 && !line.test(node.logs()); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(node.logs(), line, `no log line for code ${code}:\n${nodeLog(/consensus proof refused/)}`);
  }
  await assert.rejects(rpc('assets_proofRejection', 11), (err) => err.code === 9110);

  // Nothing entered the pool or the chain, no fee was taken, the nonce is unchanged.
  const pending = await api.rpc.author.pendingExtrinsics();
  assert.deepEqual(pending.filter((xt) => xt.signer.toString() === bob.address).map((xt) => xt.method.method), []);
  const after = await registryState((await api.rpc.chain.getHeader()).hash.toHex(), keepFrom);
  assert.deepEqual(after, before);
  assert.ok(after.usedProofs.length >= 2, 'Alice\'s and Bob\'s used proofs are not recorded');
  assert.deepEqual((await api.query.system.account(bob.address)).toJSON(), bobBefore);

  // The unmodified proof still works (the forgeries did not use it up).
  const ok = await send(api.tx.assetRegistry.allocate(...args, toCallArg(valid)), bob).finalized;
  assert.equal(ok.error, null);
  assert.equal((await rpc('assets_asset', storage.id, ok.blockHash)).allocated, 31);
});

test('IPv4 is refused: commitments at IPv4 addresses, resolving IPv4 or foreign addresses', { timeout: 120_000 }, async () => {
  const before = (await api.query.assetRegistry.commitmentCount(bob.address)).toNumber();
  const mapped = makeSpace({ chunks: 16, address: '::ffff:192.0.2.1', port: 4433 });
  const compatible = makeSpace({ chunks: 16, address: '::192.0.2.1', port: 4433 });
  assert.deepEqual([...mapped.commitment.address], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]);
  const a = send(api.tx.assetRegistry.commitSpace(toCallArg(mapped.commitment)), bob);
  const b = send(api.tx.assetRegistry.commitSpace(toCallArg(compatible.commitment)), bob);
  for (const [name, pending] of [['IPv4-mapped', a], ['IPv4-compatible', b]]) {
    const { error, blockHash } = await pending.finalized;
    assert.equal(error, 'assetRegistry.NotIpv6Location', name);
    assert.equal((await (await api.at(blockHash)).query.assetRegistry.commitmentCount(bob.address)).toNumber(), before, name);
  }
  const mine = await rpc('assets_proofParameters', bob.address);
  assert.deepEqual(mine.spaceCommitments.map((c) => c.endpoint), ['[2001:db8::b]:4433']);

  await assert.rejects(rpc('assets_resolveAddress', '192.0.2.1'), (err) => {
    assert.equal(err.code, 9110, err.message);
    assert.match(err.message, /IPv4/, err.message);
    return true;
  });
  await assert.rejects(rpc('assets_resolveAddress', '2001:db8::1'), (err) => {
    assert.equal(err.code, 9110, err.message);
    assert.match(err.message, /outside this chain's prefix/, err.message);
    assert.ok(err.message.includes(params.prefix), err.message);
    return true;
  });
  await assert.rejects(rpc('assets_resolveAddress', 'not an address'), (err) => err.code === 9110);
});

test('inside utility batches the pool checks every proof too; a proof used twice in one batch is refused', { timeout: 180_000 }, async () => {
  // The extension looks into utility.batch/batchAll/forceBatch: a forged proof inside a
  // batch never reaches a block, and neither does a batch that uses one proof twice.
  const stake = BigInt(params.minimumStake);
  const args = [storage.id, 1, 10, 0];
  const time = await bestTime();
  const forged = cloneProof(await proofFor(bob, allocateOperation(...args), bobSpace, stake, time));
  forged.space.chunks[0].path[0][0] ^= 1;
  const valid = await proofFor(bob, allocateOperation(...args), bobSpace, stake, time);
  const allocate = (proof) => api.tx.assetRegistry.allocate(...args, toCallArg(proof));

  const before = (await rpc('assets_asset', storage.id)).allocated;
  const nextAllocation = (await api.query.assetRegistry.nextAllocationId()).toNumber();
  const bobBefore = (await api.query.system.account(bob.address)).toJSON();
  const nonce = nonces.get(bob.address);
  const refusals = [
    ['forged proof in batchAll', 10, api.tx.utility.batchAll([allocate(forged)])],
    ['forged proof after a valid one in batch', 10, api.tx.utility.batch([allocate(valid), allocate(forged)])],
    ['one proof twice in batch', 4, api.tx.utility.batch([allocate(valid), allocate(valid)])],
  ];
  for (const [name, code, tx] of refusals) {
    await assert.rejects(submit(api, tx, bob, { nonce }).inPool, (err) => {
      assert.equal(err.message, `1010: Invalid Transaction: Custom error: ${code}`, `${name}: ${err.message}`);
      return true;
    }, `${name} was not refused`);
  }
  assert.deepEqual((await api.query.system.account(bob.address)).toJSON(), bobBefore, 'Bob paid for a refused batch');
  assert.equal((await rpc('assets_asset', storage.id)).allocated, before);

  // A batch with a valid proof goes through.
  const ok = await send(api.tx.utility.batchAll([allocate(valid)]), bob).finalized;
  assert.equal(ok.error, null);
  const allocated = ok.events.filter(({ event }) => api.events.assetRegistry.Allocated.is(event));
  assert.equal(allocated.length, 1);
  assert.equal(allocated[0].event.data.id.toNumber(), nextAllocation);
  assert.equal((await rpc('assets_asset', storage.id, ok.blockHash)).allocated, before + 1);
});

test('wrappers that change the origin: the pool checks proofs inside utility.asDerivative against the derivative account, and inside sudo.sudoAs against its target', { timeout: 240_000 }, async () => {
  // Bob's derivative account 0 (utility's "modlpy/utilisuba" derivation) gets funds from
  // Alice, then bonds and commits its own space through asDerivative.
  const derivative = { publicKey: createKeyDerived(bob.publicKey, 0) };
  derivative.address = encodeAddress(derivative.publicKey, 42);
  const derivativeSpace = makeSpace({ chunks: 16, address: '2001:db8::d', port: 4433 });
  const funded = await send(api.tx.balances.transferKeepAlive(derivative.address, 100n * UNIT), alice).finalized;
  assert.equal(funded.error, null);
  const stake = BigInt(params.minimumStake);
  const setup = await send(api.tx.utility.batchAll([
    api.tx.utility.asDerivative(0, api.tx.caesar.bond(stake)),
    api.tx.utility.asDerivative(0, api.tx.assetRegistry.commitSpace(toCallArg(derivativeSpace.commitment))),
  ]), bob).finalized;
  assert.equal(setup.error, null);
  assert.equal(BigInt((await rpc('assets_proofParameters', derivative.address)).bondedStake), stake);

  const args = [storage.id, 1, 10, 0];
  const time = await bestTime();
  const allocate = (proof) => api.tx.assetRegistry.allocate(...args, toCallArg(proof));
  const bobsProof = await proofFor(bob, allocateOperation(...args), bobSpace, stake, time);
  const derivativeProof = await proofFor(derivative, allocateOperation(...args), derivativeSpace, stake, time);
  const forged = cloneProof(derivativeProof);
  forged.space.chunks[1].path[0][0] ^= 1;
  const bobForged = cloneProof(bobsProof);
  bobForged.space.chunks[0].leafHash[0] ^= 1;

  const before = (await rpc('assets_asset', storage.id)).allocated;
  const refusals = [
    // Bob's own (valid) proof does not prove for his derivative account: its work is bound
    // to Bob, and the derivative's answers would be for another commitment.
    ['Bob\'s proof inside asDerivative', bob, 6, api.tx.utility.asDerivative(0, allocate(bobsProof))],
    ['forged derivative proof inside asDerivative', bob, 10, api.tx.utility.asDerivative(0, allocate(forged))],
    ['forged proof inside a batch inside asDerivative', bob, 10,
      api.tx.utility.asDerivative(0, api.tx.utility.batchAll([allocate(forged)]))],
    // Alice is the dev chain's sudo key: sudoAs(Bob, ...) runs as Bob.
    ['forged Bob proof inside sudo.sudoAs', alice, 10, api.tx.sudo.sudoAs(bob.address, allocate(bobForged))],
  ];
  for (const [name, signer, code, tx] of refusals) {
    const nonce = nonces.get(signer.address);
    await assert.rejects(submit(api, tx, signer, { nonce }).inPool, (err) => {
      assert.equal(err.message, `1010: Invalid Transaction: Custom error: ${code}`, `${name}: ${err.message}`);
      return true;
    }, `${name} was not refused`);
  }
  assert.equal((await rpc('assets_asset', storage.id)).allocated, before);

  // The derivative's own proof goes through, and the allocation is the derivative's.
  const ok = await send(api.tx.utility.asDerivative(0, allocate(derivativeProof)), bob).finalized;
  assert.equal(ok.error, null);
  const allocated = eventOf(ok.events, (e) => api.events.assetRegistry.Allocated.is(e));
  assert.ok(allocated, 'no Allocated event');
  assert.equal(allocated.data.consumer.toString(), derivative.address);
  assert.equal((await rpc('assets_asset', storage.id, ok.blockHash)).allocated, before + 1);
});

test('the hardware oracle reports telemetry for Ferdie\'s CPU and memory, and contradicts the GPU he does not have', { timeout: 360_000 }, async () => {
  // The oracle set itself up: stake bonded, its data file committed.
  const deadline = Date.now() + ORACLE_TIMEOUT_MS;
  let oracle;
  for (;;) {
    oracle = await rpc('assets_proofParameters', ferdie.address);
    if (BigInt(oracle.bondedStake) >= BigInt(params.minimumStake) && oracle.spaceCommitments.length >= 1) break;
    if (Date.now() > deadline) assert.fail(`the oracle did not bond and commit: ${JSON.stringify(oracle)}\n${nodeLog()}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  assert.equal(oracle.spaceCommitments.length, 1);
  const [committed] = oracle.spaceCommitments;
  assert.equal(committed.endpoint, '[::1]:30333');
  // Its commitment is the RFC 9162 root of the data file it keeps.
  const file = new Uint8Array(readFileSync(join(oracleDir, 'space.bin')));
  assert.equal(file.length % 4096, 0);
  const leaves = [];
  for (let i = 0; i < file.length; i += 4096) leaves.push(leafHash(file.subarray(i, i + 4096)));
  assert.equal(committed.chunks, leaves.length);
  assert.equal(committed.root, bytesToHex(merkleRoot(leaves)));
  assert.equal(committed.id, bytesToHex(commitmentId({
    root: merkleRoot(leaves), chunks: leaves.length, address: ipv6ToBytes('::1'), port: 30333,
  })));

  // Ferdie (JS) commits his own space data and registers three assets. The oracle is idle
  // while Ferdie owns no asset; nonces are read from the chain, and a tip keeps the
  // registrations ahead of the oracle's reports in the pool.
  const ferdieSpace = makeSpace({ chunks: 16, address: '2001:db8::f', port: 4433 });
  const chainNonce = async () => (await api.query.system.account(ferdie.address)).nonce.toNumber();
  const commit = await submit(api, api.tx.assetRegistry.commitSpace(toCallArg(ferdieSpace.commitment)), ferdie,
    { nonce: await chainNonce() }).finalized;
  assert.equal(commit.error, null);

  const cores = cpus().length;
  const mib = Math.floor((0.9 * totalmem()) / MIB);
  const kinds = {
    cpu: { Cpu: { cores, mhz: cpus()[0]?.speed || 1000 } },
    memory: { Memory: { mib } },
    gpu: { Gpu: { devices: 1, memoryMib: 1024 } },
  };
  const stake = BigInt(oracle.bondedStake);
  let nonce = await chainNonce();
  const time = await bestTime();
  const pending = {};
  for (const [name, kind] of Object.entries(kinds)) {
    const proof = await proofFor(ferdie, registerOperation(kind, 'FullPublic'), ferdieSpace, stake, time);
    pending[name] = submit(api, api.tx.assetRegistry.registerAsset(kind, 'FullPublic', toCallArg(proof)), ferdie,
      { nonce: nonce++, tip: UNIT });
  }
  const ids = {};
  let fromBlock = Infinity;
  for (const [name, p] of Object.entries(pending)) {
    const { events, error, blockHash } = await p.finalized;
    assert.equal(error, null, `registering ${name}`);
    const registered = eventOf(events, (e) => api.events.assetRegistry.AssetRegistered.is(e));
    ids[name] = registered.data.id.toNumber();
    fromBlock = Math.min(fromBlock, await blockNumberOf(blockHash));
  }
  const owned = await rpc('assets_assetsOf', ferdie.address);
  assert.deepEqual(owned.map((a) => a.id), [ids.cpu, ids.memory, ids.gpu]);

  // The first report of each asset, accepted or not (so a wrong verdict fails at once).
  const assetIs = (id) => (event) => event.data.asset.toNumber() === id;
  const reported = (id) => (event) => api.events.assetRegistry.TelemetryReported.is(event) && assetIs(id)(event);
  const contradicted = (id) => (event) => api.events.assetRegistry.ReportContradicted.is(event) && assetIs(id)(event);
  const firstReport = (name) => waitForFinalizedEvent(api, fromBlock,
    (event) => reported(ids[name])(event) || contradicted(ids[name])(event), ORACLE_TIMEOUT_MS, `a report for the ${name} asset`);
  let found;
  try {
    found = await Promise.all(['cpu', 'memory', 'gpu'].map(firstReport));
  } catch (err) {
    err.message += `\nnode log:\n${nodeLog()}`;
    throw err;
  }
  const verdict = ({ event }) => `${event.method} ${JSON.stringify(event.data.toJSON())}`;
  assert.ok(api.events.assetRegistry.TelemetryReported.is(found[0].event), `CPU (${cores} cores): ${verdict(found[0])}`);
  assert.ok(api.events.assetRegistry.TelemetryReported.is(found[1].event),
    `memory (${mib} MiB registered, ${Math.round(totalmem() / MIB)} total, ${Math.round(freemem() / MIB)} free): ${verdict(found[1])}`);
  assert.ok(api.events.assetRegistry.ReportContradicted.is(found[2].event), `GPU: ${verdict(found[2])}`);
  const [cpuReport, memoryReport, gpuReport] = found;

  // CPU: all logical cores measured, what is busy within them; kept as usage.
  const cpuTelemetry = cpuReport.event.data.telemetry.toJSON();
  assert.equal(cpuTelemetry.measuredCapacity, cores, `CPU measured ${cpuTelemetry.measuredCapacity}, os.cpus() says ${cores}`);
  assert.ok(cpuTelemetry.used <= cores);
  const cpuAsset = await rpc('assets_asset', ids.cpu, cpuReport.blockHash);
  assert.deepEqual(cpuAsset.usage, { at: cpuReport.blockNumber, ...cpuTelemetry });
  assert.equal(cpuAsset.reputation, 1000);

  // The oracle's proof, read from the block, meets the specification as proofs-lib.js reads it.
  const block = await api.rpc.chain.getBlock(cpuReport.blockHash);
  const xt = block.block.extrinsics.find((x) => api.tx.assetRegistry.reportTelemetry.is(x.method)
    && x.method.args[0].toNumber() === ids.cpu);
  assert.ok(xt, 'no reportTelemetry extrinsic for the CPU asset in its block');
  assert.equal(xt.signer.toString(), ferdie.address);
  const p = xt.method.args[2];
  const oracleProof = {
    space: {
      commitment: {
        root: p.space.commitment.root.toU8a(),
        chunks: p.space.commitment.chunks.toBigInt(),
        address: p.space.commitment.address.toU8a(),
        port: p.space.commitment.port.toNumber(),
      },
      chunks: p.space.chunks.map((c) => ({ leafHash: c.leafHash.toU8a(), path: c.path.map((h) => h.toU8a()) })),
    },
    stake: { bonded: p.stake.bonded.toBigInt() },
    work: { nonce: p.work.nonce.toBigInt() },
    // polkadot.js names the field `hash_`: every codec's own `.hash` is the blake2 hash of its encoding.
    time: { number: p.time.number.toNumber(), hash: p.time.hash_.toU8a() },
  };
  assert.deepEqual(checkProof(oracleProof, {
    op: telemetryOperation(ids.cpu, cpuTelemetry), signer: ferdie.publicKey, difficulty: params.workDifficulty,
  }), []);
  assert.equal(bytesToHex(commitmentId(oracleProof.space.commitment)), committed.id, 'the oracle answered for another commitment');
  challengeIndices(oracleProof.time.hash, ferdie.publicKey, oracleProof.space.commitment).forEach((index, i) => {
    assert.deepEqual(oracleProof.space.chunks[i].leafHash, leaves[Number(index)], `answer ${i} is not chunk ${index} of space.bin`);
  });
  assert.equal(oracleProof.stake.bonded.toString(), params.minimumStake);
  assert.equal(bytesToHex(oracleProof.time.hash), (await api.rpc.chain.getBlockHash(oracleProof.time.number)).toHex());
  assert.ok(oracleProof.time.number < cpuReport.blockNumber && cpuReport.blockNumber - oracleProof.time.number <= params.window + 1);

  // Memory: at least the 90% Ferdie registered.
  const memoryTelemetry = memoryReport.event.data.telemetry.toJSON();
  assert.ok(memoryTelemetry.measuredCapacity >= mib, `memory measured ${memoryTelemetry.measuredCapacity} MiB < ${mib}`);
  assert.ok(memoryTelemetry.measuredCapacity <= Math.ceil(totalmem() / MIB));
  const memoryAsset = await rpc('assets_asset', ids.memory, memoryReport.blockHash);
  assert.deepEqual(memoryAsset.usage, { at: memoryReport.blockNumber, ...memoryTelemetry });
  assert.equal(memoryAsset.reputation, 1000);

  // GPU: no NVIDIA device here, 0 measured < 1 registered: reputation 1000 -> 900, not kept as usage.
  assert.equal(gpuReport.event.data.reputation.toNumber(), 900);
  const gpuAsset = await rpc('assets_asset', ids.gpu, gpuReport.blockHash);
  assert.equal(gpuAsset.reputation, 900);
  assert.equal(gpuAsset.usage, null);
  const gpuEvents = await (await api.at(gpuReport.blockHash)).query.system.events();
  assert.ok(!gpuEvents.some(({ event }) => reported(ids.gpu)(event)), 'the contradicting report was also accepted');

  // The oracle's reports carried valid, single-use proofs: each is recorded as used.
  const usedAt = await (await api.at(cpuReport.blockHash)).query.assetRegistry.usedProofs.keys();
  assert.ok(usedAt.length >= 1);
});

test('space challenges: the oracle answers with its data and earns the deposit; corrupted data or no answer costs every asset reputation', { timeout: 420_000 }, async () => {
  const q = api.query.assetRegistry;
  const isEvent = (kind, provider, commitment) => (event) => kind.is(event)
    && event.data.provider.toString() === provider && event.data.commitment.toHex() === commitment;
  const aliceCommitment = bytesToHex(aliceSpace.id);
  const { spaceCommitments } = await rpc('assets_proofParameters', ferdie.address);
  const oracleCommitment = spaceCommitments.find((c) => c.endpoint === '[::1]:30333');
  assert.ok(oracleCommitment, `the oracle's commitment is gone: ${JSON.stringify(spaceCommitments)}`);
  const reputationsAt = async (owner, blockHash) => Object.fromEntries(
    (await rpc('assets_assetsOf', owner, blockHash)).map((a) => [a.id, a.reputation]));
  // The oracle keeps reporting: the GPU asset may also lose 100 per contradicting report
  // in the same block. `penalties` more 100s than those reports explain, per asset.
  const expectReputations = async (owner, blockHash, penalties, what) => {
    const before = await reputationsAt(owner, await parentOf(blockHash));
    const after = await reputationsAt(owner, blockHash);
    const events = await (await api.at(blockHash)).query.system.events();
    const expected = Object.fromEntries(Object.entries(before).map(([id, reputation]) => {
      const reports = events.filter(({ event }) => api.events.assetRegistry.ReportContradicted.is(event)
        && event.data.asset.toNumber() === Number(id)).length;
      return [id, Math.max(0, reputation - 100 * (reports + penalties))];
    }));
    assert.deepEqual(after, expected, `${what}: ${JSON.stringify(before)} -> ${JSON.stringify(after)}`);
  };

  // 1. Bob challenges Alice's commitment; nobody answers for Alice (she runs no oracle).
  const held = async (who) => (await api.query.system.account(who)).data.reserved.toBigInt();
  const bobHeldBefore = await held(bob.address);
  const unanswered = await send(api.tx.assetRegistry.challengeSpace(alice.address, aliceCommitment), bob).finalized;
  assert.equal(unanswered.error, null);
  const issued = eventOf(unanswered.events, (e) => api.events.assetRegistry.SpaceChallenged.is(e));
  const aliceDeadline = issued.data.deadline.toNumber();
  assert.equal(aliceDeadline, await blockNumberOf(unanswered.blockHash) + 20);
  assert.equal(await held(bob.address), bobHeldBefore + UNIT, 'the deposit is not held from Bob');
  // The chain drew the challenge from the parent block's hash.
  const open = await q.spaceChallenges(alice.address, aliceCommitment);
  assert.equal(open.unwrap().seed.toHex(), await parentOf(unanswered.blockHash));
  // Alice cannot escape it by withdrawing the commitment.
  const escape = await send(api.tx.assetRegistry.withdrawSpace(aliceCommitment), alice).finalized;
  assert.equal(escape.error, 'assetRegistry.ChallengePending');

  // 2. Alice challenges the oracle's commitment: the oracle answers with the challenged
  // chunks of its data file, and Ferdie gets Alice's deposit.
  const right = await send(api.tx.assetRegistry.challengeSpace(ferdie.address, oracleCommitment.id), alice).finalized;
  assert.equal(right.error, null);
  const rightSeed = hexToBytes(await parentOf(right.blockHash));
  let answered;
  try {
    answered = await waitForFinalizedEvent(api, await blockNumberOf(right.blockHash),
      isEvent(api.events.assetRegistry.ChallengeAnswered, ferdie.address, oracleCommitment.id), ORACLE_TIMEOUT_MS, 'ChallengeAnswered');
  } catch (err) {
    err.message += `\nnode log:\n${nodeLog()}`;
    throw err;
  }
  const answerEvents = await (await api.at(answered.blockHash)).query.system.events();
  const paid = answerEvents.find(({ event }) => api.events.balances.TransferOnHold.is(event))?.event;
  assert.ok(paid, 'no TransferOnHold in the answer\'s block');
  assert.equal(paid.data.source.toString(), alice.address);
  assert.equal(paid.data.dest.toString(), ferdie.address);
  assert.equal(paid.data.amount.toBigInt(), UNIT);
  // What the oracle sent: the bytes of the challenged chunks of space.bin, with paths.
  const block = await api.rpc.chain.getBlock(answered.blockHash);
  const xt = block.block.extrinsics.find((x) => api.tx.assetRegistry.answerChallenge.is(x.method));
  assert.equal(xt.signer.toString(), ferdie.address);
  const file = new Uint8Array(readFileSync(join(oracleDir, 'space.bin')));
  const commitment = {
    root: hexToBytes(oracleCommitment.root), chunks: oracleCommitment.chunks, address: ipv6ToBytes('::1'), port: 30333,
  };
  const sent = xt.method.args[1];
  assert.equal(sent.length, 4);
  challengeIndices(rightSeed, ferdie.publicKey, commitment).forEach((index, i) => {
    const chunk = file.subarray(Number(index) * 4096, (Number(index) + 1) * 4096);
    assert.deepEqual(sent[i].data.toU8a(true), chunk, `answer ${i} is not chunk ${index} of space.bin`);
  });
  await expectReputations(ferdie.address, answered.blockHash, 0, 'a right answer changed reputation');

  // 3. The oracle's data file is damaged (one byte in every chunk): its answer is wrong,
  // and every one of Ferdie's assets loses 100 reputation.
  const path = join(oracleDir, 'space.bin');
  const damaged = new Uint8Array(file);
  for (let i = 0; i < damaged.length; i += 4096) damaged[i] ^= 0xff;
  writeFileSync(path, damaged);
  let failed;
  try {
    const wrong = await send(api.tx.assetRegistry.challengeSpace(ferdie.address, oracleCommitment.id), alice).finalized;
    assert.equal(wrong.error, null);
    failed = await waitForFinalizedEvent(api, await blockNumberOf(wrong.blockHash),
      isEvent(api.events.assetRegistry.ChallengeFailed, ferdie.address, oracleCommitment.id), ORACLE_TIMEOUT_MS, 'ChallengeFailed');
  } catch (err) {
    err.message += `\nnode log:\n${nodeLog()}`;
    throw err;
  } finally {
    writeFileSync(path, file);
  }
  assert.equal(failed.event.data.expired.toJSON(), false, 'the oracle did not answer');
  const owned = await rpc('assets_assetsOf', ferdie.address, failed.blockHash);
  assert.equal(failed.event.data.assets.toNumber(), owned.length);
  const failEvents = await (await api.at(failed.blockHash)).query.system.events();
  const released = failEvents.find(({ event }) => api.events.balances.Released.is(event)
    && event.data.who.toString() === alice.address)?.event;
  assert.equal(released?.data.amount.toBigInt(), UNIT, 'Alice\'s deposit was not returned');
  await expectReputations(ferdie.address, failed.blockHash, 1, 'a wrong answer should cost every asset 100');
  // The oracle's contradicted GPU reports slash Ferdie too, so only the event is exact here.
  await expectSlash(ferdie.address, failed.blockHash, 'FailedChallenge', false);

  // 4. Alice's challenge was never answered: at its deadline it fails, her storage asset
  // loses 100 reputation, and Bob gets his deposit back.
  const expired = await waitForFinalizedEvent(api, aliceDeadline,
    isEvent(api.events.assetRegistry.ChallengeFailed, alice.address, aliceCommitment), 120_000, 'the expiry of Alice\'s challenge');
  assert.equal(expired.blockNumber, aliceDeadline);
  assert.equal(expired.event.data.expired.toJSON(), true);
  assert.equal(expired.event.data.assets.toNumber(), 1);
  await expectReputations(alice.address, expired.blockHash, 1, 'an unanswered challenge should cost Alice\'s asset 100');
  // ... and 10 % of her 20 CAES bond, to the treasury.
  assert.equal(await expectSlash(alice.address, expired.blockHash, 'UnansweredChallenge'), 2n * UNIT);
  assert.deepEqual(Object.keys(await reputationsAt(alice.address, expired.blockHash)), [String(storage.id)]);
  assert.equal(await held(bob.address), bobHeldBefore);
  assert.ok((await q.spaceChallenges(alice.address, aliceCommitment)).isNone);

  // The oracle's metrics moved as this flow and the telemetry test say: reports for each
  // of Ferdie's assets, and both challenges on its commitment answered (the second with
  // the corrupted data), none failed or missed.
  const metrics = await scrapeMetrics(node.prometheusPort);
  const sample = (series) => {
    assert.ok(metrics.has(series), `${series} is not on /metrics`);
    return metrics.get(series);
  };
  assert.ok(sample('hypermesh_oracle_reports_total') >= 3);
  assert.ok(sample('hypermesh_oracle_challenges_total{result="answered"}') >= 2);
  assert.equal(sample('hypermesh_oracle_challenges_total{result="missed"}'), 0);
  assert.equal(sample('hypermesh_oracle_challenges_total{result="failed"}'), 0);
  assert.equal(sample('hypermesh_oracle_challenges_open'), 0);
  assert.ok(sample('hypermesh_service_finalized_blocks_total{service="hardware-oracle"}') > 0);
});

test('a proof whose block left the window is refused as stale (1), and its replay record is pruned', { timeout: 240_000 }, async () => {
  // Alice's registration proof is used: replayed while its block was in the window it
  // would be refused as Reused (4, see above). Once the block is more than `window` blocks
  // before the best one, the replay is refused as StaleBlock (1), and the chain no longer
  // keeps the used-proof record.
  const { kind, privacy, proof } = aliceRegistration;
  const { number } = proof.time;
  const deadline = Date.now() + 240_000;
  let best;
  while ((best = (await api.rpc.chain.getHeader()).number.toNumber()) <= number + params.window + 2) {
    if (Date.now() > deadline) assert.fail(`the chain did not reach block ${number + params.window + 3} (best ${best})`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  assert.equal((await api.query.assetRegistry.usedProofs.keys(number)).length, 0,
    `used proofs of block ${number} were not pruned at block ${best}`);
  const before = await registryState((await api.rpc.chain.getHeader()).hash.toHex(), best - params.window);
  const aliceBefore = (await api.query.system.account(alice.address)).toJSON();
  const replay = api.tx.assetRegistry.registerAsset(kind, privacy, toCallArg(proof));
  await assert.rejects(submit(api, replay, alice, { nonce: nonces.get(alice.address) }).inPool, (err) => {
    assert.equal(err.message, '1010: Invalid Transaction: Custom error: 1', err.message);
    return true;
  });
  assert.equal((await rpc('assets_proofRejection', 1)).name, 'StaleBlock');
  assert.deepEqual((await api.query.system.account(alice.address)).toJSON(), aliceBefore);
  const after = await registryState((await api.rpc.chain.getHeader()).hash.toHex(), best - params.window);
  assert.deepEqual({ ...after, usedProofs: [] }, { ...before, usedProofs: [] });
  assert.deepEqual((await rpc('assets_assetsOf', alice.address)).map((a) => a.id), [storage.id]);
});

test('unbonded stake stops counting at once but stays held until the unbonding period is over', { timeout: 180_000 }, async () => {
  const bonded = async (who) => BigInt((await rpc('assets_proofParameters', who)).bondedStake);
  const held = async (who) => (await api.query.system.account(who)).data.reserved.toBigInt();
  const [stakeBefore, heldBefore] = [await bonded(bob.address), await held(bob.address)];
  const bond = await send(api.tx.caesar.bond(5n * UNIT), bob).finalized;
  assert.equal(bond.error, null);
  assert.equal(await bonded(bob.address), stakeBefore + 5n * UNIT);

  const unbond = await send(api.tx.caesar.unbond(5n * UNIT), bob).finalized;
  assert.equal(unbond.error, null);
  const unbonded = eventOf(unbond.events, (e) => api.events.caesar.Unbonded.is(e));
  const day = 24 * 60 * 60 / 6; // blocks of 6 s
  assert.equal(unbonded.data.unlocksAt.toNumber(), await blockNumberOf(unbond.blockHash) + day);
  // No longer stake for PoStake, still held.
  assert.equal(await bonded(bob.address), stakeBefore);
  assert.equal(await held(bob.address), heldBefore + 5n * UNIT);
  const chunks = (await api.query.caesar.unbonding(bob.address)).toJSON();
  assert.deepEqual(chunks, [{ amount: Number(5n * UNIT), unlocksAt: await blockNumberOf(unbond.blockHash) + day }]);
  // Too early to withdraw: a clear error, nothing released.
  const early = await send(api.tx.caesar.withdrawUnbonded(), bob).finalized;
  assert.equal(early.error, 'caesar.NothingToWithdraw');
  assert.equal(await held(bob.address), heldBefore + 5n * UNIT);
});

test('Caesar: a priced lease is paid into escrow, telemetry confirms the service, the era closes the period and the provider claims exactly its share', { timeout: 480_000 }, async () => {
  const UNIT_PRICE = 1_000_000n; // plancks per unit per block
  const units = 10;
  const lease = 80;
  const perBlock = UNIT_PRICE * BigInt(units);
  const stake = BigInt(params.minimumStake);
  const account = async (who, at) => (await (at ? await api.at(at) : api).query.system.account(who)).data;
  const feeOf = (events) => eventOf(events, (e) => api.events.transactionPayment.TransactionFeePaid.is(e)).data.actualFee.toBigInt();

  // An offence disqualifies a provider for the period it happened in (Alice's unanswered
  // challenge above): service is measured from the next one.
  const offended = (await api.query.caesar.currentPeriod()).toNumber();
  if ((await api.query.caesar.service(offended, alice.address)).unwrapOr(null)?.disqualified.isTrue) {
    while ((await api.query.caesar.currentPeriod()).toNumber() === offended) {
      await new Promise((resolve) => setTimeout(resolve, 3_000));
    }
  }

  const priced = await send(api.tx.assetRegistry.setPrice(storage.id, UNIT_PRICE), alice).finalized;
  assert.equal(priced.error, null);

  // A consumer limit one planck below the lease's price per block: refused, nothing held.
  const bobBefore = await account(bob.address);
  const lowArgs = [storage.id, units, lease, perBlock - 1n];
  const low = await send(api.tx.assetRegistry.allocate(...lowArgs,
    toCallArg(await proofFor(bob, allocateOperation(...lowArgs), bobSpace, stake))), bob).finalized;
  assert.equal(low.error, 'assetRegistry.PriceAboveLimit');
  assert.equal((await account(bob.address, low.blockHash)).reserved.toBigInt(), bobBefore.reserved.toBigInt());

  // At the price: the whole lease is escrowed from Bob, with the allocation deposit.
  const args = [storage.id, units, lease, perBlock];
  const heldBefore = (await account(bob.address)).reserved.toBigInt();
  const allocated = await send(api.tx.assetRegistry.allocate(...args,
    toCallArg(await proofFor(bob, allocateOperation(...args), bobSpace, stake))), bob).finalized;
  assert.equal(allocated.error, null);
  const opened = eventOf(allocated.events, (e) => api.events.caesar.LeaseOpened.is(e));
  assert.ok(opened, 'no LeaseOpened event');
  assert.equal(opened.data.amount.toBigInt(), perBlock * BigInt(lease));
  assert.equal(opened.data.provider.toString(), alice.address);
  const allocationId = opened.data.allocation.toNumber();
  const start = await blockNumberOf(allocated.blockHash);
  const deposit = api.consts.assetRegistry.allocationDeposit.toBigInt();
  assert.equal((await account(bob.address, allocated.blockHash)).reserved.toBigInt(),
    heldBefore + perBlock * BigInt(lease) + deposit);

  // The provider reports the asset's use; each accepted report credits service points,
  // computed here from the chain's state by the documented formula.
  const maxInterval = api.consts.assetRegistry.maxServiceInterval.toNumber();
  const expectedPoints = async (reportHash) => {
    const parent = await api.at(await parentOf(reportHash));
    const now = await blockNumberOf(reportHash);
    const previous = (await parent.query.assetRegistry.usage(storage.id)).unwrapOr(null)?.at.toNumber();
    const from = Math.max(previous ?? 0, now - maxInterval);
    const asset = (await parent.query.assetRegistry.assets(storage.id)).unwrap();
    let served = 0n;
    for (const [key, startOf] of await parent.query.assetRegistry.allocationsByAsset.entries(storage.id)) {
      const allocation = (await parent.query.assetRegistry.allocations(key.args[1])).unwrapOr(null);
      if (!allocation || allocation.consumer.toString() === alice.address) continue;
      const blocks = Math.min(allocation.expiresAt.toNumber(), now) - Math.max(startOf.unwrap().toNumber(), from);
      if (blocks > 0) served += BigInt(allocation.amount.toNumber()) * BigInt(blocks);
    }
    return served * BigInt(Math.min(asset.reputation.toNumber(), 1000)) / 1000n;
  };
  const report = async () => {
    const telemetry = { measuredCapacity: null, used: units };
    const proof = await proofFor(alice, telemetryOperation(storage.id, telemetry), aliceSpace, stake);
    const reported = await send(api.tx.assetRegistry.reportTelemetry(storage.id, telemetry, toCallArg(proof)), alice).finalized;
    assert.equal(reported.error, null);
    const recorded = eventOf(reported.events, (e) => api.events.assetRegistry.ServiceRecorded.is(e));
    assert.ok(recorded, 'no ServiceRecorded event');
    const points = recorded.data.points.toBigInt();
    assert.equal(points, await expectedPoints(reported.blockHash));
    assert.ok(points > 0n);
    const period = (await (await api.at(reported.blockHash)).query.caesar.currentPeriod()).toNumber();
    return { points, period };
  };
  const reports = [await report()];
  await new Promise((resolve) => setTimeout(resolve, 12_000));
  reports.push(await report());
  const period = reports[1].period;
  const alicePoints = reports.filter((r) => r.period === period).reduce((sum, r) => sum + r.points, 0n);
  const service = (await api.query.caesar.service(period, alice.address)).unwrap();
  assert.equal(service.points.toBigInt(), alicePoints);
  assert.equal(service.disqualified.isTrue, false);

  // The era ends (2 minutes on dev): staking's remainder closes Caesar's period.
  let closed;
  for (let i = 0; i < 100 && !(closed = (await api.query.caesar.closedPeriods(period)).unwrapOr(null)); i++) {
    await new Promise((resolve) => setTimeout(resolve, 3_000));
  }
  assert.ok(closed, `period ${period} did not close`);
  const pot = closed.pot.toBigInt();
  const total = closed.totalPoints.toBigInt();
  assert.ok(pot > 0n && total >= alicePoints);
  const expected = pot * alicePoints / total;

  // Alice claims exactly pot × her points / all points.
  const aliceBefore = await account(alice.address);
  const claim = await send(api.tx.caesar.claimReward(period), alice).finalized;
  assert.equal(claim.error, null);
  const claimed = eventOf(claim.events, (e) => api.events.caesar.RewardClaimed.is(e));
  assert.equal(claimed.data.amount.toBigInt(), expected);
  const aliceAfter = await account(alice.address, claim.blockHash);
  assert.equal(aliceAfter.free.toBigInt(), aliceBefore.free.toBigInt() + expected - feeOf(claim.events));

  // Claiming twice, or with no service: NothingToClaim, balances unchanged but the fee.
  const twice = await send(api.tx.caesar.claimReward(period), alice).finalized;
  assert.equal(twice.error, 'caesar.NothingToClaim');
  const bobFree = (await account(bob.address)).free.toBigInt();
  const bobs = await send(api.tx.caesar.claimReward(period), bob).finalized;
  assert.equal(bobs.error, 'caesar.NothingToClaim');
  assert.equal((await account(bob.address, bobs.blockHash)).free.toBigInt(), bobFree - feeOf(bobs.events));

  // Bob ends the lease early: Alice is paid for the blocks served, Bob refunded the rest.
  const aliceFree = (await account(alice.address)).free.toBigInt();
  const bobHeld = (await account(bob.address)).reserved.toBigInt();
  const released = await send(api.tx.assetRegistry.release(allocationId), bob).finalized;
  assert.equal(released.error, null);
  const settled = eventOf(released.events, (e) => api.events.caesar.LeaseClosed.is(e));
  const served = BigInt(await blockNumberOf(released.blockHash) - start);
  assert.ok(served < BigInt(lease));
  assert.equal(settled.data.paid.toBigInt(), perBlock * served);
  assert.equal(settled.data.refunded.toBigInt(), perBlock * (BigInt(lease) - served));
  assert.equal((await account(alice.address, released.blockHash)).free.toBigInt(), aliceFree + perBlock * served);
  assert.equal((await account(bob.address, released.blockHash)).reserved.toBigInt(),
    bobHeld - perBlock * BigInt(lease) - deposit);
});
