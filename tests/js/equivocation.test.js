// End-to-end: a GRANDPA equivocation becomes an offence and a staking slash. On its own
// `hypermesh-node --dev` (the slash is destructive), Alice, the only validator, is made to
// equivocate: two different prevotes for the same round and set, signed here with her
// well-known dev GRANDPA key (ed25519 `//Alice`) over sp_consensus_grandpa's localized
// payload, encoded by hand from finality-grandpa's `Message` (not by the node). The
// runtime proves her key's ownership (GrandpaApi_generate_key_ownership_proof, a
// session-historical proof); the report becomes an `offences.Offence`, a
// `staking.SlashReported` and an unapplied slash of her own stake times GRANDPA's
// fraction min(1, (3k/n)^2), recomputed here in Perbill arithmetic. Bad reports are
// refused with a clear error and change nothing. If the chain defers slashes at most two
// eras, the test waits for the slash to land: Alice's ledger falls by it and the treasury
// receives it.
//
// Unsigned reports (`grandpa.reportEquivocationUnsigned`) are accepted only from the node
// itself (its GRANDPA voter, TransactionSource::Local): the pool refuses one sent over RPC,
// which the test checks, then checks the pool's verdict for a Local source through the
// TaggedTransactionQueue runtime API. The report that goes on chain is the signed
// `grandpa.reportEquivocation`, from Bob (a non-validator), which dispatches the same
// checks (pallet-grandpa's EquivocationReportSystem::process_evidence) and costs a valid
// report nothing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { blake2AsU8a, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { bnToU8a, hexToU8a, stringToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import { startDevNode } from './node-process.js';
import { included, waitForFinalizedEvent } from './trustchain-lib.js';

const BILLION = 1_000_000_000n;
/** pallet-grandpa's offence kind: `EquivocationOffence::ID`, 16 bytes. */
const GRANDPA_OFFENCE_KIND = 'grandpa:equivoca';
/** GRANDPA rounds the reports use: far from the live voter's, one per report. */
const ROUND = {
  reported: 1_000_001n,
  badSignature: 1_000_002n,
  identical: 1_000_003n,
  wrongSet: 1_000_004n,
  inflatedSet: 1_000_005n,
  notValidator: 1_000_006n,
  notValidatorBorrowed: 1_000_007n,
};
/** A dev era is 2 minutes; a slash deferred ≤ 2 eras lands at most 3 eras after the report. */
const ERA_MS = 120_000;

let node;
let api;
let provider;
let bob;
let aliceStash;
let aliceGrandpa;
let bobGrandpa;
let setId;
let target; // { a: [hash, number], b: [hash, number] }: the two blocks Alice votes for
let report; // the accepted report: { blockHash, slashEra, own, deferral, key, payout }

before(async () => {
  await cryptoWaitReady();
  node = await startDevNode();
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)),
    noInitWarn: true,
    throwOnConnect: true,
  });
  const sr = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const ed = new Keyring({ type: 'ed25519', ss58Format: 42 });
  bob = sr.addFromUri('//Bob');
  // The dev genesis bonds Alice's sr25519 account as its own stash and controller, with
  // the ed25519 `//Alice` key as its GRANDPA session key.
  aliceStash = sr.addFromUri('//Alice').address;
  aliceGrandpa = ed.addFromUri('//Alice');
  bobGrandpa = ed.addFromUri('//Bob');
  // Two competing blocks at the same height: the chain's block 1 and a fork's.
  const header = await waitForHeader(1);
  target = {
    a: [header.hash.toHex(), 1],
    b: [u8aToHex(blake2AsU8a(stringToU8a('a fork of block 1'))), 1],
  };
  setId = (await api.query.grandpa.currentSetId()).toBigInt();
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
});

/** Resolves with the header of block `number` once the chain has it. */
async function waitForHeader(number) {
  for (;;) {
    const best = await api.rpc.chain.getHeader();
    if (best.number.toNumber() >= number) {
      return api.rpc.chain.getHeader(await api.rpc.chain.getBlockHash(number));
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

/**
 * sp_consensus_grandpa::localized_payload for a prevote: the SCALE encoding of
 * `(Message::Prevote { target_hash, target_number }, round: u64, set_id: u64)`, with
 * `Message`'s Prevote variant index 0, H256 as 32 bytes and little-endian integers.
 */
function prevotePayload([hash, number], round, set) {
  return u8aConcat(
    Uint8Array.of(0),
    hash,
    bnToU8a(number, { bitLength: 32 }),
    bnToU8a(round, { bitLength: 64 }),
    bnToU8a(set, { bitLength: 64 }),
  );
}

/**
 * A prevote equivocation proof by `pair` in `round` of set `set`, voting for `first` and
 * `second`; with `corruptSecond`, the second signature has a bit flipped.
 */
function equivocationProof(pair, round, set, first, second, { corruptSecond = false } = {}) {
  const vote = (t, corrupt) => {
    const signature = pair.sign(prevotePayload(t, round, set));
    if (corrupt) signature[17] ^= 0x01;
    return [{ targetHash: t[0], targetNumber: t[1] }, signature];
  };
  return api.createType('SpConsensusGrandpaEquivocationProof', {
    setId: set,
    equivocation: {
      Prevote: {
        roundNumber: round,
        identity: pair.publicKey,
        first: vote(first, false),
        second: vote(second, corruptSecond),
      },
    },
  });
}

/**
 * The runtime's key-ownership proof for `publicKey` in set `set`
 * (GrandpaApi_generate_key_ownership_proof: `Option<OpaqueKeyOwnershipProof>`, the
 * opaque bytes being the SCALE-encoded `MembershipProof`), decoded into the type the report
 * calls take. Called with `state_call` and decoded here: @polkadot/api 16.5.6's
 * `api.call.grandpaApi.generateKeyOwnershipProof` answers `Some(<the whole encoded
 * Option>)` instead of decoding it.
 */
async function keyOwnerProof(set, publicKey) {
  const opaque = await opaqueOwnershipProof(set, publicKey);
  assert.ok(opaque.isSome, 'the runtime proves the GRANDPA key of a validator');
  const bytes = opaque.unwrap().toU8a(true);
  const proof = api.createType(keyOwnerProofType(), bytes);
  assert.equal(proof.toHex(), u8aToHex(bytes), 'the proof decodes exactly');
  return proof;
}

/** GrandpaApi_generate_key_ownership_proof's answer, as `Option<Bytes>`. */
async function opaqueOwnershipProof(set, publicKey) {
  const input = u8aToHex(u8aConcat(bnToU8a(set, { bitLength: 64 }), publicKey));
  return api.createType('Option<Bytes>',
    hexToU8a(await provider.send('state_call', ['GrandpaApi_generate_key_ownership_proof', input])));
}

/** The key-ownership proof type of `grandpa.reportEquivocationUnsigned`, from the metadata. */
const keyOwnerProofType = () => api.tx.grandpa.reportEquivocationUnsigned.meta.args[1].type.toString();

/** GRANDPA's slash fraction in Perbill parts: min(1, (3k/n)^2), as pallet-grandpa computes it. */
function grandpaSlashFraction(offenders, validators) {
  // Perbill::from_rational(3k, n) rounds down and saturates at one ...
  const x = (3n * offenders >= validators) ? BILLION : (3n * offenders * BILLION) / validators;
  // ... and Perbill::square is from_rational(x², 10^18), rounding down.
  return (x * x) / BILLION;
}

/** `Perbill * balance`: rounded to the nearest, ties down (sp-arithmetic's `Mul`). */
function perbillMul(parts, balance) {
  const product = parts * balance;
  const quotient = product / BILLION;
  return 2n * (product % BILLION) > BILLION ? quotient + 1n : quotient;
}

/** The treasury's account: `modl` ++ `treasury.palletId` (`hm/trsry`), zero-padded. */
function treasuryAccount() {
  const id = api.consts.treasury.palletId.toU8a();
  return encodeAddress(u8aConcat(stringToU8a('modl'), id, new Uint8Array(28 - id.length)), 42);
}

/** What an offence can change, at a block: offences, unapplied slashes, Alice's stake. */
async function slashingState(blockHash) {
  const at = await api.at(blockHash);
  const unapplied = await at.query.staking.unappliedSlashes.entries();
  const ledger = (await at.query.staking.ledger(aliceStash)).unwrap();
  return {
    offences: (await at.query.offences.reports.keys()).length,
    unapplied: unapplied.map(([key, value]) => [key.args[0].toNumber(), value.toJSON()]),
    validatorSlashes: (await at.query.staking.validatorSlashInEra.entries()).length,
    disabled: (await at.query.session.disabledValidators()).toJSON(),
    ledger: { active: ledger.active.toBigInt(), total: ledger.total.toBigInt() },
  };
}

/** Bob's signed report; resolves with its block { blockHash, events, error }. */
const reportSigned = (proof, ownerProof) =>
  included(api, api.tx.grandpa.reportEquivocation(proof, ownerProof), bob);

/**
 * TaggedTransactionQueue_validate_transaction for the unsigned report as if the node
 * itself had submitted it: SCALE `(TransactionSource::Local = 1, extrinsic, block hash)`,
 * decoded with the runtime's own TransactionValidity type from the metadata.
 */
async function validateLocally(proof, ownerProof, blockHash) {
  const tx = api.tx.grandpa.reportEquivocationUnsigned(proof, ownerProof);
  const input = u8aToHex(u8aConcat(Uint8Array.of(1), tx.toU8a(), hexToU8a(blockHash)));
  const answer = await provider.send('state_call', ['TaggedTransactionQueue_validate_transaction', input, blockHash]);
  const method = api.runtimeMetadata.asLatest.apis.find((a) => a.name.eq('TaggedTransactionQueue'))
    .methods.find((m) => m.name.eq('validate_transaction'));
  return api.createType(api.registry.createLookupType(method.output), hexToU8a(answer));
}

/** The pool's verdict on the unsigned report from the node itself: `Valid` or `Invalid(Stale)`... */
async function localVerdict(proof, ownerProof) {
  const validity = await validateLocally(proof, ownerProof, (await api.rpc.chain.getBlockHash()).toHex());
  if (validity.isOk) return 'Valid';
  const error = validity.asErr;
  return `${error.type}(${error.isInvalid ? error.asInvalid.type : error.asUnknown.type})`;
}

const eventsOf = (events, section, method) =>
  events.filter(({ event }) => event.section === section && event.method === method).map(({ event }) => event);

test('an unsigned report sent over RPC is refused by the pool; from the node itself it would be valid', async () => {
  const proof = equivocationProof(aliceGrandpa, ROUND.reported, setId, target.a, target.b);
  const ownerProof = await keyOwnerProof(setId, aliceGrandpa.publicKey);
  const best = (await api.rpc.chain.getBlockHash()).toHex();
  const before = await slashingState(best);

  // Only the node's own GRANDPA voter (TransactionSource::Local) may submit it.
  await assert.rejects(
    api.tx.grandpa.reportEquivocationUnsigned(proof, ownerProof).send(),
    /1010.*Transaction call is not expected/,
  );
  assert.equal((await api.rpc.author.pendingExtrinsics()).length, 0, 'nothing waits in the pool');
  const next = await waitForHeader((await api.rpc.chain.getHeader(best)).number.toNumber() + 1);
  assert.deepEqual(await slashingState(next.hash.toHex()), before, 'the next block changed nothing');

  const local = await validateLocally(proof, ownerProof, best);
  assert.ok(local.isOk, `a local report is valid: ${local.toString()}`);
  const valid = local.asOk;
  assert.equal(valid.priority.toBigInt(), 2n ** 64n - 1n, 'equivocation reports have the highest priority');
  assert.equal(valid.propagate.isTrue, false, 'and are not gossiped');
  assert.equal(valid.longevity.toBigInt(), 28n * 6n * 600n, 'ReportLongevity');
});

test('Alice\'s prevote equivocation, reported by Bob, becomes an offence and a deferred slash', async () => {
  const t0 = Date.now();
  const proof = equivocationProof(aliceGrandpa, ROUND.reported, setId, target.a, target.b);
  const ownerProof = await keyOwnerProof(setId, aliceGrandpa.publicKey);
  assert.equal(ownerProof.validatorCount.toNumber(), 1, 'the dev chain has one validator');

  const bobBefore = (await api.query.system.account(bob.address)).data.free.toBigInt();
  const { blockHash, events, error } = await reportSigned(proof, ownerProof);
  assert.equal(error, null, `the report dispatched: ${error}`);
  const at = await api.at(blockHash);
  const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash.toHex();
  const before = await slashingState(parent);
  const after = await slashingState(blockHash);

  // A valid report costs its reporter nothing (Pays::No).
  assert.equal((await at.query.system.account(bob.address)).data.free.toBigInt(), bobBefore);

  // offences.Offence: kind `grandpa:equivoca`, slot: the time slot (set id, round) SCALE-encoded.
  const offences = eventsOf(events, 'offences', 'Offence');
  assert.equal(offences.length, 1, 'one offence');
  assert.equal(Buffer.from(offences[0].data.kind.toU8a()).toString(), GRANDPA_OFFENCE_KIND);
  assert.equal(offences[0].data.slot.toHex(),
    u8aToHex(u8aConcat(bnToU8a(setId, { bitLength: 64 }), bnToU8a(ROUND.reported, { bitLength: 64 }))));
  assert.equal(after.offences, before.offences + 1);

  // staking.SlashReported: Alice, GRANDPA's fraction for 1 offender among n validators.
  const reported = eventsOf(events, 'staking', 'SlashReported');
  assert.equal(reported.length, 1, 'one slash reported');
  const { validator, fraction, slashEra } = reported[0].data;
  assert.equal(validator.toString(), aliceStash);
  const n = BigInt(ownerProof.validatorCount.toNumber());
  const expectedFraction = grandpaSlashFraction(1n, n);
  assert.equal(fraction.toBigInt(), expectedFraction);
  const activeEra = (await at.query.staking.activeEra()).unwrap().index.toNumber();
  assert.equal(slashEra.toNumber(), activeEra, 'the offence is in the active era');

  // The unapplied slash: stored under slash_era + SlashDeferDuration + 1 (pallet-staking's
  // on_offence), Alice's own exposure times the fraction, Bob as reporter.
  const deferral = api.consts.staking.slashDeferDuration.toNumber();
  const key = slashEra.toNumber() + deferral + 1;
  const exposure = await at.query.staking.erasStakersOverview(slashEra, aliceStash);
  const ownStake = exposure.unwrap().own.toBigInt();
  const own = perbillMul(expectedFraction, ownStake);
  const slashes = await at.query.staking.unappliedSlashes(key);
  assert.equal(slashes.length, 1, `one unapplied slash for era ${key}`);
  const [slash] = slashes;
  assert.equal(slash.validator.toString(), aliceStash);
  assert.equal(slash.own.toBigInt(), own);
  assert.deepEqual(slash.others.toJSON(), [], 'Alice has no nominators');
  assert.deepEqual(slash.reporters.map((r) => r.toString()), [bob.address]);
  // Reporters get SlashRewardFraction of the slash, halved (REWARD_F1); zero on dev.
  const rewardFraction = (await at.query.staking.slashRewardFraction()).toBigInt();
  assert.equal(slash.payout.toBigInt(), perbillMul(BILLION / 2n, perbillMul(rewardFraction, own)));
  // Nothing moved yet: the stake is slashed when the slash is applied.
  assert.deepEqual(after.ledger, before.ledger);

  report = {
    blockHash, slashEra: slashEra.toNumber(), own, deferral, key, payout: slash.payout.toBigInt(),
  };
  console.log(`equivocation: reported in block ${(await api.rpc.chain.getHeader(blockHash)).number} `
    + `(era ${activeEra}, session ${ownerProof.session}) after ${Date.now() - t0} ms; n = ${n}, `
    + `fraction ${expectedFraction}/10^9 of own stake ${ownStake} = ${own}, payout ${slash.payout}, `
    + `deferred ${deferral} eras to era ${key}`);
});

test('bad equivocation reports are refused with a clear error and change nothing', async () => {
  assert.ok(report, 'needs the accepted report');
  const ownerProof = await keyOwnerProof(setId, aliceGrandpa.publicKey);
  // For a key no validator holds, the runtime still answers a proof (of its absence from
  // the session's key trie), which proves no ownership.
  const bobsProof = await keyOwnerProof(setId, bobGrandpa.publicKey);
  const inflated = api.createType(keyOwnerProofType(), {
    ...ownerProof.toJSON(), validatorCount: 100,
  });
  const cases = [
    {
      name: 'the same report again',
      proof: equivocationProof(aliceGrandpa, ROUND.reported, setId, target.a, target.b),
      ownerProof,
      error: 'grandpa.DuplicateOffenceReport',
      local: 'Invalid(Stale)',
    },
    {
      name: 'a second signature that does not verify',
      proof: equivocationProof(aliceGrandpa, ROUND.badSignature, setId, target.a, target.b, { corruptSecond: true }),
      ownerProof,
      error: 'grandpa.InvalidEquivocationProof',
      // The pool checks only the key-ownership proof and staleness; the signatures are
      // checked when the report dispatches.
      local: 'Valid',
    },
    {
      name: 'two identical votes (no equivocation)',
      proof: equivocationProof(aliceGrandpa, ROUND.identical, setId, target.a, target.a),
      ownerProof,
      error: 'grandpa.InvalidEquivocationProof',
      local: 'Valid',
    },
    {
      name: 'votes signed for a set id that has no session yet',
      proof: equivocationProof(aliceGrandpa, ROUND.wrongSet, setId + 1n, target.a, target.b),
      ownerProof,
      error: 'grandpa.InvalidEquivocationProof',
      local: 'Valid',
    },
    {
      name: 'a key-ownership proof claiming 100 validators (to shrink the slash to (3/100)^2)',
      proof: equivocationProof(aliceGrandpa, ROUND.inflatedSet, setId, target.a, target.b),
      ownerProof: inflated,
      error: 'grandpa.InvalidKeyOwnershipProof',
      local: 'Invalid(BadProof)',
    },
    {
      name: 'a non-validator\'s equivocation (Bob\'s ed25519 key) with the runtime\'s proof for that key',
      proof: equivocationProof(bobGrandpa, ROUND.notValidator, setId, target.a, target.b),
      ownerProof: bobsProof,
      error: 'grandpa.InvalidKeyOwnershipProof',
      local: 'Invalid(BadProof)',
    },
    {
      name: 'a non-validator\'s equivocation (Bob\'s ed25519 key) with Alice\'s key-ownership proof',
      proof: equivocationProof(bobGrandpa, ROUND.notValidatorBorrowed, setId, target.a, target.b),
      ownerProof,
      error: 'grandpa.InvalidKeyOwnershipProof',
      local: 'Invalid(BadProof)',
    },
  ];
  for (const c of cases) {
    assert.equal(await localVerdict(c.proof, c.ownerProof), c.local, `${c.name}: the pool's verdict`);
    const { blockHash, events, error } = await reportSigned(c.proof, c.ownerProof);
    assert.equal(error, c.error, c.name);
    assert.deepEqual(eventsOf(events, 'offences', 'Offence'), [], `${c.name}: no offence`);
    assert.deepEqual(eventsOf(events, 'staking', 'SlashReported'), [], `${c.name}: no slash`);
    const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash.toHex();
    assert.deepEqual(await slashingState(blockHash), await slashingState(parent), `${c.name}: nothing changed`);
    console.log(`equivocation: ${c.name} -> ${error} (pool, local source: ${c.local})`);
  }
});

test('the deferred slash lands: Alice\'s stake falls by it and the treasury receives it', async (t) => {
  assert.ok(report, 'needs the accepted report');
  if (report.deferral > 2) {
    t.skip(`slashes are deferred ${report.deferral} eras (${report.deferral * 2} min on dev): `
      + `the slash would land in era ${report.key}, too late for this test`);
    return;
  }
  const t0 = Date.now();
  const from = (await api.rpc.chain.getHeader(report.blockHash)).number.toNumber();
  const eras = report.key - report.slashEra;
  const { event, blockHash, blockNumber } = await waitForFinalizedEvent(api, from,
    (e) => api.events.staking.Slashed.is(e) && e.data.staker.toString() === aliceStash,
    (eras + 1) * ERA_MS, 'staking.Slashed for Alice');
  const at = await api.at(blockHash);
  const parent = (await api.rpc.chain.getHeader(blockHash)).parentHash.toHex();
  const before = await slashingState(parent);
  const after = await slashingState(blockHash);

  assert.equal((await at.query.staking.activeEra()).unwrap().index.toNumber(), report.key,
    'applied as the era it was deferred to starts');
  assert.equal(event.data.amount.toBigInt(), report.own);
  assert.equal(after.ledger.active, before.ledger.active - report.own);
  assert.equal(after.ledger.total, before.ledger.total - report.own);
  assert.deepEqual(after.unapplied.filter(([era]) => era === report.key), [], 'the unapplied slash is gone');

  // The treasury receives the slash less the reporters' payout, beside what Caesar pays it
  // in the same block (the era's treasury share and any expired period's unclaimed pot).
  const treasury = treasuryAccount();
  const events = await at.query.system.events();
  const caesarCredits = events.reduce((sum, { event: e }) => {
    if (api.events.caesar.PeriodClosed.is(e)) return sum + e.data.treasury.toBigInt();
    if (api.events.caesar.PeriodExpired.is(e)) return sum + e.data.unclaimed.toBigInt();
    return sum;
  }, 0n);
  const free = async (hash) => (await (await api.at(hash)).query.system.account(treasury)).data.free.toBigInt();
  const toTreasury = report.own - report.payout;
  assert.ok(events.some(({ event: e }) => api.events.balances.Deposit.is(e)
    && e.data.who.toString() === treasury && e.data.amount.toBigInt() === toTreasury),
  `a Deposit of ${toTreasury} to the treasury`);
  assert.equal(await free(blockHash) - await free(parent), toTreasury + caesarCredits);
  console.log(`equivocation: slash of ${event.data.amount} applied in block ${blockNumber} (era ${report.key}) `
    + `after ${Date.now() - t0} ms; treasury +${toTreasury} (+${caesarCredits} from Caesar)`);
});
