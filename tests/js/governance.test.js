// End-to-end: a chain without sudo governs itself by referendum, driven the way an
// operator would with @polkadot/api: preimages noted, referenda submitted with their
// deposits on their tracks, votes with conviction, decision, confirmation and enactment
// by the scheduler. On `dev-governed` (no sudo key, fast tracks) a TrustChain authority
// is added and the certificate validity changed (the CA service's next certificate
// follows it) on the TrustChain admin track, a treasury spend is approved on the
// treasurer track and paid, and an upgrade to a runtime that is not newer is authorized
// on the root track and then refused; the technical committee whitelists a root-only call
// and the whitelisted-caller track enacts it. Bad input is refused with a clear error and
// changes nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { blake2AsHex, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { stringToU8a, u8aConcat } from '@polkadot/util';
import { init as zstdInit, compress as zstdCompress } from '@bokuweb/zstd-wasm';
import { startDevNode } from './node-process.js';
import {
  blockNumberOf, hexToBytes, included, trustchainCli, waitForFinalizedEvent,
} from './trustchain-lib.js';

const UNIT = 10n ** 12n;
const AUTHORITY = 0;
const BOB_NAME = 'bob.hypermesh';
const NEW_VALIDITY = 3600;
const SPEND = 1_000n * UNIT;
/** A referendum on fast tracks: 2 blocks to prepare, 3 to confirm, 1 to enact, plus finality. */
const REFERENDUM_TIMEOUT_MS = 240_000;

let work;
let ca;
let node;
let api;
let provider;
let keyring;
let alice;
let bob;
let charlie;
let voters;
let startBlock;
let referenda; // { authority, validity, undecodable, spend, upgrade }: referendum indices
let spendIndex;

/** The treasury's account: `modl` ++ its pallet id `hm/trsry`, zero-padded. */
const treasuryAccount = () => encodeAddress(
  u8aConcat(stringToU8a('modlhm/trsry'), new Uint8Array(20)), 42);
const freeOf = async (who) => (await api.query.system.account(who)).data.free.toBigInt();
const finalizedNumber = async () =>
  (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
const nodeLog = () => node.logs().split('\n').filter((l) => /trustchain|error|panic/i.test(l)).slice(-30).join('\n');

/**
 * The chain's runtime as an upgrade would carry it: zstd-compressed behind
 * sp-maybe-compressed-blob's prefix, as a release build's WASM is (a debug build's WASM is
 * over 4 MB uncompressed, more than a block may carry). The node's chain specs already store
 * it that way; code stored uncompressed is compressed here.
 */
let upgradeCode;
const ZSTD_BLOB_PREFIX = Uint8Array.from([82, 188, 83, 118, 70, 219, 142, 5]);
async function compressedCode() {
  if (upgradeCode) return upgradeCode;
  const raw = hexToBytes((await api.rpc.state.getStorage(':code')).unwrap().toHex());
  if (ZSTD_BLOB_PREFIX.every((byte, i) => raw[i] === byte)) {
    upgradeCode = `0x${Buffer.from(raw).toString('hex')}`;
    return upgradeCode;
  }
  await zstdInit();
  upgradeCode = `0x${Buffer.concat([ZSTD_BLOB_PREFIX, zstdCompress(raw, 3)]).toString('hex')}`;
  return upgradeCode;
}

/** A referendum's proposal: the call's preimage, by hash and length. */
const lookup = (call) => ({ Lookup: { hash: call.method.hash.toHex(), len: call.method.encodedLength } });

before(async () => {
  await cryptoWaitReady();
  work = mkdtempSync(join(tmpdir(), 'hypermesh-governance-'));
  ca = await trustchainCli('ca-generate', '--out', join(work, 'ca'), '--name', 'HyperMesh Governed CA');
  await trustchainCli('keygen', '--out', join(work, 'bob-keys'));
  node = await startDevNode([
    '--trustchain-ca-dir', join(work, 'ca'),
    '--trustchain-authority', String(AUTHORITY),
    '--trustchain-operator-suri', '//Alice',
  ], { chain: 'dev-governed' });
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)),
    noInitWarn: true,
    throwOnConnect: true,
  });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  charlie = keyring.addFromUri('//Charlie');
  voters = [alice, bob, keyring.addFromUri('//Alice//stash'), keyring.addFromUri('//Bob//stash')];
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('dev-governed has no sudo key: sudo is refused', { timeout: 60_000 }, async () => {
  assert.ok((await api.query.sudo.key()).isNone, 'a sudo key exists');
  const { error } = await included(api, api.tx.sudo.sudo(api.tx.system.remark('0x01')), alice);
  assert.equal(error, 'sudo.RequireSudo');
  // The tracks the runtime reports are the fast ones.
  const tracks = new Map(api.consts.referenda.tracks.map(([id, info]) => [id.toNumber(), info]));
  assert.deepEqual([...tracks.keys()], [0, 1, 2, 3, 4]);
  assert.equal(tracks.get(2).confirmPeriod.toNumber(), 3);
});

test('bad input: no deposit, a vote beyond the balance: refused, nothing changed', { timeout: 120_000 }, async () => {
  // Charlie holds 5 CAES: enough for fees, not for the 10 CAES submission deposit.
  assert.equal((await included(api, api.tx.balances.transferKeepAlive(charlie.address, 5n * UNIT), bob)).error, null);
  const count = (await api.query.referenda.referendumCount()).toNumber();
  const remark = api.tx.system.remark('0x02');
  const noDeposit = await included(api, api.tx.referenda.submit(
    { system: 'Root' }, { Inline: remark.method.toHex() }, { After: 1 }), charlie);
  assert.equal(noDeposit.error, 'balances.InsufficientBalance');
  assert.equal((await api.query.referenda.referendumCount()).toNumber(), count, 'a referendum was created');

  // A real referendum to vote on, then a vote of more than Bob has.
  const submitted = await included(api, api.tx.referenda.submit(
    { system: 'Root' }, { Inline: remark.method.toHex() }, { After: 1 }), bob);
  assert.equal(submitted.error, null);
  // Conviction voting lets held funds vote too (a lock overlaps holds), so the limit is
  // the account's total balance, free and held.
  const { free, reserved } = (await api.query.system.account(bob.address)).data;
  const overVote = await included(api, api.tx.convictionVoting.vote(count, {
    Standard: {
      vote: { aye: true, conviction: 'Locked1x' },
      balance: free.toBigInt() + reserved.toBigInt() + UNIT,
    },
  }), bob);
  assert.equal(overVote.error, 'convictionVoting.InsufficientFunds');
  const voting = await api.query.convictionVoting.votingFor(bob.address, 0);
  assert.equal(voting.asCasting.votes.length, 0, 'the refused vote was recorded');
  const ongoing = (await api.query.referenda.referendumInfoFor(count)).unwrap().asOngoing;
  assert.equal(ongoing.tally.ayes.toBigInt(), 0n);
  assert.equal((await api.query.balances.locks(bob.address)).length, 0, 'Bob\'s funds were locked');
  // It stays undecided (no decision deposit) and times out.
});

test('five referenda on three tracks: noted, submitted with deposits, voted with conviction, confirmed, enacted', { timeout: REFERENDUM_TIMEOUT_MS + 120_000 }, async () => {
  // The treasury is funded by a transfer (Caesar's era share is small on a fresh chain).
  assert.equal((await included(api, api.tx.balances.transferKeepAlive(treasuryAccount(), 10_000n * UNIT), bob)).error, null);

  const code = await compressedCode();
  const specVersion = api.runtimeVersion.specVersion.toNumber();
  const calls = {
    authority: [{ Origins: 'TrustChainAdmin' }, api.tx.trustChain.addAuthority(
      AUTHORITY, { Root: null }, alice.address, ca.caCertificate, ca.classicalPublicKey, ca.falconPublicKey)],
    validity: [{ Origins: 'TrustChainAdmin' }, api.tx.parameters.setParameter(
      { TrustChain: { CertificateValidity: [null, NEW_VALIDITY] } })],
    spend: [{ Origins: 'Treasurer' }, api.tx.treasury.spend(null, SPEND, charlie.address, null)],
    upgrade: [{ system: 'Root' }, api.tx.system.authorizeUpgrade(blake2AsHex(code, 256))],
  };
  // A preimage whose bytes are no call: noted like any other, it cannot be enacted.
  const garbage = '0xffffffff00';
  const first = (await api.query.referenda.referendumCount()).toNumber();
  const names = [...Object.keys(calls), 'undecodable'];
  referenda = Object.fromEntries(names.map((name, i) => [name, first + i]));

  // Alice notes the preimages, submits the referenda and places their decision deposits.
  const freeBefore = await freeOf(alice.address);
  const proposals = [
    ...Object.values(calls).map(([origin, call]) => [origin, lookup(call)]),
    [{ Origins: 'TrustChainAdmin' }, { Lookup: { hash: blake2AsHex(garbage, 256), len: 5 } }],
  ];
  const proposed = await included(api, api.tx.utility.batchAll([
    ...Object.values(calls).map(([, call]) => api.tx.preimage.notePreimage(call.method.toHex())),
    api.tx.preimage.notePreimage(garbage),
    ...proposals.map(([origin, proposal]) => api.tx.referenda.submit(origin, proposal, { After: 1 })),
    ...names.map((name) => api.tx.referenda.placeDecisionDeposit(referenda[name])),
  ]), alice);
  assert.equal(proposed.error, null);
  startBlock = await blockNumberOf(api, proposed.blockHash);
  const at = await api.at(proposed.blockHash);
  const tracksOf = {};
  for (const name of names) {
    const ongoing = (await at.query.referenda.referendumInfoFor(referenda[name])).unwrap().asOngoing;
    tracksOf[name] = ongoing.track.toNumber();
    assert.ok(ongoing.decisionDeposit.isSome, `${name}: no decision deposit`);
  }
  assert.deepEqual(tracksOf, { authority: 2, validity: 2, spend: 4, upgrade: 0, undecodable: 2 });
  // Deposits are held: 10 CAES per submission, 10,000 (root) + 3 x 1,000 + 100 to decide.
  const held = freeBefore - await freeOf(alice.address);
  assert.ok(held > 13_150n * UNIT, `Alice holds only ${held / UNIT} CAES`);

  // Four accounts vote aye on all five with conviction (1x: locked one period), 80 % of
  // their free balance each.
  await Promise.all(voters.map(async (voter) => {
    const balance = (await freeOf(voter.address)) * 8n / 10n;
    const votes = names.map((name) => api.tx.convictionVoting.vote(referenda[name], {
      Standard: { vote: { aye: true, conviction: 'Locked1x' }, balance },
    }));
    const { error } = await included(api, api.tx.utility.batchAll(votes), voter);
    assert.equal(error, null, `${voter.address} voting`);
  }));
  const locks = await api.query.balances.locks(bob.address);
  assert.ok(locks.some((l) => l.id.toUtf8() === 'pyconvot'), 'no conviction lock on Bob');

  // Each referendum is confirmed, then enacted by the scheduler.
  const confirmed = {};
  for (const name of names) {
    confirmed[name] = await waitForFinalizedEvent(api, startBlock,
      (e) => api.events.referenda.Confirmed.is(e) && e.data.index.toNumber() === referenda[name],
      REFERENDUM_TIMEOUT_MS, `referenda.Confirmed(${name})`);
  }
  const added = await waitForFinalizedEvent(api, startBlock,
    (e) => api.events.trustChain.AuthorityAdded.is(e), REFERENDUM_TIMEOUT_MS, 'trustChain.AuthorityAdded');
  assert.ok(added.blockNumber > confirmed.authority.blockNumber);
  const updated = await waitForFinalizedEvent(api, startBlock,
    (e) => api.events.parameters.Updated.is(e), REFERENDUM_TIMEOUT_MS, 'parameters.Updated');
  assert.ok(updated.blockNumber > confirmed.validity.blockNumber);
  const approved = await waitForFinalizedEvent(api, startBlock,
    (e) => api.events.treasury.AssetSpendApproved.is(e), REFERENDUM_TIMEOUT_MS, 'treasury.AssetSpendApproved');
  spendIndex = approved.event.data.index.toNumber();
  assert.equal(approved.event.data.amount.toBigInt(), SPEND);
  const authorized = await waitForFinalizedEvent(api, startBlock,
    (e) => api.events.system.UpgradeAuthorized.is(e), REFERENDUM_TIMEOUT_MS, 'system.UpgradeAuthorized');
  assert.equal(authorized.event.data.codeHash.toHex(), blake2AsHex(code, 256));
  // The undecodable preimage: approved, but the scheduler cannot enact it.
  await waitForFinalizedEvent(api, confirmed.undecodable.blockNumber,
    (e) => api.events.scheduler.CallUnavailable.is(e), REFERENDUM_TIMEOUT_MS, 'scheduler.CallUnavailable');

  for (const name of names) {
    const info = await api.query.referenda.referendumInfoFor(referenda[name]);
    assert.ok(info.unwrap().isApproved, `${name}: ${info.toString()}`);
  }
  const authority = (await api.query.trustChain.authorities(AUTHORITY)).unwrap();
  assert.equal(authority.operator.toString(), alice.address);
  assert.equal(
    (await api.query.parameters.parameters({ TrustChain: 'CertificateValidity' })).unwrap().toJSON().trustChain.certificateValidity,
    NEW_VALIDITY);
  assert.equal(api.runtimeVersion.specVersion.toNumber(), specVersion);
});

test('the CA service\'s next certificate follows the new validity (1 h)', { timeout: 240_000 }, async () => {
  assert.equal((await included(api, api.tx.trustChain.registerName(BOB_NAME), bob)).error, null);
  const proof = await trustchainCli('prove', '--keys', join(work, 'bob-keys'), '--account', bob.address,
    '--genesis', api.genesisHash.toHex());
  const { blockHash, events, error } = await included(api, api.tx.trustChain.requestCertificate(
    [BOB_NAME], proof.classicalPublicKey, proof.falconPublicKey, proof.classicalProof, proof.falconProof, null), bob);
  assert.equal(error, null);
  const id = events.find(({ event }) => api.events.trustChain.CertificateRequested.is(event)).event.data.id.toNumber();
  let issued;
  try {
    issued = await waitForFinalizedEvent(api, await blockNumberOf(api, blockHash),
      (e) => api.events.trustChain.CertificateIssued.is(e) && e.data.request.toNumber() === id,
      120_000, `CertificateIssued for request ${id}`);
  } catch (err) {
    err.message += `\nnode log:\n${nodeLog()}`;
    throw err;
  }
  const cert = await provider.send('trustchain_certificate', [issued.event.data.id.toNumber()]);
  const x509 = new X509Certificate(hexToBytes(cert.der));
  const lifetime = (Date.parse(x509.validTo) - Date.parse(x509.validFrom)) / 1000;
  assert.equal(lifetime, NEW_VALIDITY, `certificate valid ${x509.validFrom} .. ${x509.validTo}`);
});

test('the approved spend is paid from the treasury', { timeout: 120_000 }, async () => {
  const before = await freeOf(charlie.address);
  const treasuryBefore = await freeOf(treasuryAccount());
  const paid = await included(api, api.tx.treasury.payout(spendIndex), bob);
  assert.equal(paid.error, null);
  assert.ok(paid.events.some(({ event }) => api.events.treasury.Paid.is(event)), 'no treasury.Paid');
  assert.equal(await freeOf(charlie.address), before + SPEND);
  assert.equal(treasuryBefore - await freeOf(treasuryAccount()), SPEND);
  // Paid once: a second payout is refused.
  const again = await included(api, api.tx.treasury.payout(spendIndex), bob);
  assert.ok(again.error, 'a second payout went through');
});

test('the authorized upgrade is refused: its spec_version is not higher; nothing changes', { timeout: 120_000 }, async () => {
  const code = await compressedCode();
  assert.ok(code.length / 2 < 2_000_000, `the compressed runtime is ${code.length / 2} bytes`);
  const before = await api.rpc.state.getRuntimeVersion();
  // Unsigned: the pool admits it because its hash is authorized; the block rejects it and
  // uses the authorization up, so it cannot be retried.
  const events = await new Promise((resolve, reject) => {
    api.tx.system.applyAuthorizedUpgrade(code).send((result) => {
      if (result.status.isInBlock) resolve(result.events);
      if (result.isError) reject(new Error(`transaction ${result.status.type}`));
    }).catch(reject);
  });
  const rejected = events.find(({ event }) => api.events.system.RejectedInvalidAuthorizedUpgrade.is(event));
  assert.ok(rejected, `no RejectedInvalidAuthorizedUpgrade: ${events.map(({ event }) => event.method)}`);
  const meta = api.registry.findMetaError(rejected.event.data.error.asModule);
  assert.equal(`${meta.section}.${meta.name}`, 'system.SpecVersionNeedsToIncrease');
  assert.ok(!events.some(({ event }) => api.events.system.CodeUpdated.is(event)), 'the code was updated');
  assert.ok((await api.query.system.authorizedUpgrade()).isNone, 'the authorization is still there');
  const after = await api.rpc.state.getRuntimeVersion();
  assert.equal(after.specVersion.toNumber(), before.specVersion.toNumber());
  assert.ok(await finalizedNumber() > startBlock);
});

test('the technical committee whitelists a call; the whitelisted-caller track enacts it as root', { timeout: REFERENDUM_TIMEOUT_MS + 180_000 }, async () => {
  // A root-only call: Dave (not endowed on dev-governed) is given exactly 77 CAES.
  const dave = keyring.addFromUri('//Dave');
  const call = api.tx.balances.forceSetBalance(dave.address, 77n * UNIT);
  assert.equal(await freeOf(dave.address), 0n);

  // A signed account cannot dispatch through the whitelist: from a signed origin the pallet
  // only relays a dispatch deferred earlier by the whitelisted-caller origin, and there is none.
  const signed = await included(api, api.tx.whitelist.dispatchWhitelistedCallWithPreimage(call), alice);
  assert.equal(signed.error, 'whitelist.DeferredDispatchNotFound');
  assert.equal(await freeOf(dave.address), 0n);

  // Two thirds of the committee (Alice proposes, Alice and Bob vote aye: a proposal is not
  // a vote) whitelist the call's hash; anyone closes the motion.
  const motion = api.tx.whitelist.whitelistCall(call.method.hash);
  const proposed = await included(api, api.tx.technicalCommittee.propose(2, motion, motion.method.encodedLength), alice);
  assert.equal(proposed.error, null);
  const { proposalIndex, proposalHash } = proposed.events
    .find(({ event }) => api.events.technicalCommittee.Proposed.is(event)).event.data;
  for (const member of [alice, bob]) {
    const voted = await included(api, api.tx.technicalCommittee.vote(proposalHash, proposalIndex, true), member);
    assert.equal(voted.error, null);
  }
  const closed = await included(api, api.tx.technicalCommittee.close(proposalHash, proposalIndex,
    { refTime: 1_000_000_000n, proofSize: 100_000n }, motion.method.encodedLength), charlie);
  assert.equal(closed.error, null);
  assert.ok(closed.events.some(({ event }) => api.events.whitelist.CallWhitelisted.is(event)), 'no whitelist.CallWhitelisted');
  assert.ok((await api.query.whitelist.whitelistedCall(call.method.hash)).isSome);

  // A referendum on the whitelisted-caller track dispatches it (inline: it is short).
  const proposal = api.tx.whitelist.dispatchWhitelistedCallWithPreimage(call);
  const index = (await api.query.referenda.referendumCount()).toNumber();
  const submitted = await included(api, api.tx.utility.batchAll([
    api.tx.referenda.submit({ Origins: 'WhitelistedCaller' }, { Inline: proposal.method.toHex() }, { After: 1 }),
    api.tx.referenda.placeDecisionDeposit(index),
  ]), alice);
  assert.equal(submitted.error, null);
  const from = await blockNumberOf(api, submitted.blockHash);
  const track = (await api.query.referenda.referendumInfoFor(index)).unwrap().asOngoing.track.toNumber();
  assert.equal(track, 1);
  await Promise.all(voters.map(async (voter) => {
    const balance = (await freeOf(voter.address)) * 8n / 10n;
    const { error } = await included(api, api.tx.convictionVoting.vote(index, {
      Standard: { vote: { aye: true, conviction: 'Locked1x' }, balance },
    }), voter);
    assert.equal(error, null, `${voter.address} voting`);
  }));
  await waitForFinalizedEvent(api, from, (e) => api.events.whitelist.WhitelistedCallDispatched.is(e),
    REFERENDUM_TIMEOUT_MS, 'whitelist.WhitelistedCallDispatched');
  assert.equal(await freeOf(dave.address), 77n * UNIT);
  // Used once: the whitelist entry is gone.
  assert.ok((await api.query.whitelist.whitelistedCall(call.method.hash)).isNone);
});
