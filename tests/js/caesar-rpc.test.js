// End-to-end: the `caesar_*` JSON-RPC methods (the read side of HyperMesh's economy and
// exchange) against a real `hypermesh-node --dev`, each answer checked against what the
// chain's storage says, read with @polkadot/api, and against the payout formula of
// pallets/caesar/src/rewards.rs recomputed here in BigInt arithmetic. The exchange part
// creates a real pool and swaps through it, so the quote is checked against what the
// chain actually pays.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { scrapeMetrics, startDevNode } from './node-process.js';
import { dispatch } from './trustchain-lib.js';

const UNIT = 10n ** 12n;
/** Milliseconds in a year of 365.25 days (rewards.rs `MILLISECONDS_PER_YEAR`). */
const MILLISECONDS_PER_YEAR = 31_557_600_000n;
const BILLION = 1_000_000_000n;
/** The node's error code for a malformed argument. */
const INVALID_ARGUMENT = 9110;
/** Dev eras last 2 minutes; the first ends about 120 s after genesis. */
const ERA_TIMEOUT_MS = 180_000;
/** The test token and the liquidity Alice gives its pool. */
const TOKEN = 1;
const NATIVE_LIQUIDITY = 100n * UNIT;
const TOKEN_LIQUIDITY = 1_000_000n;

let node;
let api;
let provider;
let alice;

const rpc = (method, ...params) => provider.send(method, params);
const native = { Native: null };
const token = { WithId: TOKEN };

before(async () => {
  await cryptoWaitReady();
  node = await startDevNode();
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)),
    noInitWarn: true,
    throwOnConnect: true,
  });
  alice = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Alice');
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
});

/** A JSON-RPC call that must fail with the node's malformed-argument error. */
async function assertInvalid(method, params, message) {
  await assert.rejects(provider.send(method, params), (error) => {
    assert.match(error.message, new RegExp(`^${INVALID_ARGUMENT}:`), `${method}: ${error.message}`);
    if (message) assert.match(error.message, message);
    return true;
  });
}

/** What an era of `eraMs` mints at `issuance`, split as rewards.rs `era_payout_split` does. */
function payoutSplit(issuance, parameters, eraMs) {
  // One rounding down of issuance × inflation × era / year (exact intermediate).
  const total = (issuance * BigInt(parameters.yearlyInflation) * eraMs) / (MILLISECONDS_PER_YEAR * BILLION);
  // Perbill::mul_floor: floor(total × parts / 10^9).
  const validators = (total * BigInt(parameters.validators)) / BILLION;
  const providers = (total * BigInt(parameters.providers)) / BILLION;
  return { validators, providers, treasury: total - validators - providers };
}

/** `who`'s free CAES and balance of the test token at a block. */
async function balancesAt(who, blockHash) {
  const at = await api.at(blockHash);
  const free = (await at.query.system.account(who)).data.free.toBigInt();
  const account = await at.query.assets.account(TOKEN, who);
  return { free, token: account.isSome ? account.unwrap().balance.toBigInt() : 0n };
}

/** The fee `who` paid in a block's events. */
function feePaid(events, who) {
  const paid = events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event)
    && event.data.who.toString() === who)?.event;
  assert.ok(paid, `no TransactionFeePaid for ${who}`);
  return paid.data.actualFee.toBigInt() + paid.data.tip.toBigInt();
}

const parentOf = async (blockHash) => (await api.rpc.chain.getHeader(blockHash)).parentHash.toHex();

test('caesar_era is the staking clock, the parameters and the payout formula', async () => {
  const at = (await api.rpc.chain.getFinalizedHead()).toHex();
  const era = await rpc('caesar_era', at);
  const state = await api.at(at);

  const active = await state.query.staking.activeEra();
  assert.ok(active.isSome, 'staking has an active era from genesis');
  assert.equal(era.activeEra, active.unwrap().index.toNumber());
  const start = active.unwrap().start;
  assert.equal(era.activeEraStart, start.isSome ? start.unwrap().toNumber() : null);
  assert.equal(era.currentEra, (await state.query.staking.currentEra()).unwrap().toNumber());
  assert.equal(era.sessionIndex, (await state.query.session.currentIndex()).toNumber());
  assert.equal(era.period, (await state.query.caesar.currentPeriod()).toNumber());

  // Dev timing: 10-block sessions, 2 sessions per era, 6 s blocks.
  assert.equal(era.sessionLength, (await state.query.caesar.sessionLength()).toNumber());
  assert.equal(era.sessionsPerEra, (await state.query.caesar.sessionsPerEra()).toNumber());
  assert.deepEqual([era.sessionLength, era.sessionsPerEra], [10, 2]);
  assert.equal(era.eraDuration, era.sessionLength * era.sessionsPerEra * 6000);

  const parameters = (await state.query.caesar.parameters()).toJSON();
  assert.deepEqual(era.parameters, {
    yearlyInflation: parameters.yearlyInflation,
    validators: parameters.validators,
    providers: parameters.providers,
    treasury: 1_000_000_000 - parameters.validators - parameters.providers,
    offenceSlash: parameters.offenceSlash,
  });
  assert.deepEqual(era.parameters, {
    yearlyInflation: 50_000_000, validators: 500_000_000, providers: 400_000_000, treasury: 100_000_000, offenceSlash: 100_000_000,
  });

  const issuance = (await state.query.balances.totalIssuance()).toBigInt();
  const expected = payoutSplit(issuance, era.parameters, BigInt(era.eraDuration));
  assert.deepEqual(era.projectedPayout, {
    validators: expected.validators.toString(),
    providers: expected.providers.toString(),
    treasury: expected.treasury.toString(),
  });
  assert.ok(expected.validators > 0n);

  // Without `at`, the best block is read: the same clock fields, a positive payout.
  const best = await rpc('caesar_era');
  assert.equal(best.activeEra, era.activeEra);
  assert.ok(BigInt(best.projectedPayout.validators) > 0n);
});

test('caesar_providerEarnings: zeros for an account without service, bounded ranges', async () => {
  const stranger = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri(mnemonicGenerate()).address;
  const at = (await api.rpc.chain.getFinalizedHead()).toHex();
  const current = (await (await api.at(at)).query.caesar.currentPeriod()).toNumber();

  // By default: the open period and up to 83 before it.
  const earnings = await rpc('caesar_providerEarnings', stranger, null, null, at);
  assert.equal(earnings.length, Math.min(current + 1, 84));
  assert.deepEqual(earnings.at(-1), { period: current, points: '0', disqualified: false, claimable: '0', closed: false });
  for (const entry of earnings) {
    assert.deepEqual(entry, {
      period: entry.period, points: '0', disqualified: false, claimable: '0', closed: entry.period < current,
    });
  }

  // 84 periods are allowed, 85 are not; an empty range is refused.
  const wide = await rpc('caesar_providerEarnings', stranger, 0, 83, at);
  assert.equal(wide.length, 84);
  assert.deepEqual(wide.map((e) => e.period), [...Array(84).keys()]);
  assert.ok(wide.every((e) => e.points === '0' && e.claimable === '0' && !e.disqualified));
  await assertInvalid('caesar_providerEarnings', [stranger, 0, 84, at], /at most 84/);
  await assertInvalid('caesar_providerEarnings', [stranger, 5, 4, at], /after/);
});

test('bad parameters are JSON-RPC errors', async () => {
  await assertInvalid('caesar_providerEarnings', ['not-an-account'], /SS58/);
  await assertInvalid('caesar_validatorEra', ['5Foo', 0], /SS58/);
  await assertInvalid('caesar_pool', ['foo', 'native'], /"foo" is not an asset/);
  await assertInvalid('caesar_pool', ['native', -1], /not a token id/);
  await assertInvalid('caesar_pool', ['native', 2 ** 32], /not a token id/);
  await assertInvalid('caesar_pool', ['native', 'native'], /two different assets/);
  await assertInvalid('caesar_quote', ['native', 1, '-5', true], /not an amount/);
  await assertInvalid('caesar_quote', ['native', 1, '1e6', true], /not an amount/);
  await assertInvalid('caesar_quote', [{ WithId: 1 }, 'native', '5', true], /not an asset/);
  // A missing required parameter is jsonrpsee's invalid-params error.
  await assert.rejects(rpc('caesar_validatorEra', alice.address), /-32602/);
});

test('the exchange: a pool\'s reserves, quotes equal to the runtime API and to what a swap pays', async () => {
  // No pool yet: null, not an error.
  assert.equal(await rpc('caesar_pool', 'native', TOKEN), null);
  assert.equal(await rpc('caesar_quote', 'native', TOKEN, (UNIT).toString(), true), null);

  // Alice creates a token, mints it, opens a CAES pool for it and adds liquidity: one block.
  const setup = await dispatch(api, api.tx.utility.batchAll([
    api.tx.assets.create(TOKEN, alice.address, 1),
    api.tx.assets.mint(TOKEN, alice.address, 10n * TOKEN_LIQUIDITY),
    api.tx.assetConversion.createPool(native, token),
    api.tx.assetConversion.addLiquidity(native, token, NATIVE_LIQUIDITY, TOKEN_LIQUIDITY, NATIVE_LIQUIDITY, TOKEN_LIQUIDITY, alice.address),
  ]), alice);
  assert.equal(setup.error, null);
  const added = setup.events.find(({ event }) => api.events.assetConversion.LiquidityAdded.is(event))?.event;
  assert.ok(added, 'no LiquidityAdded');
  assert.equal(added.data.amount1Provided.toBigInt(), NATIVE_LIQUIDITY);
  assert.equal(added.data.amount2Provided.toBigInt(), TOKEN_LIQUIDITY);

  // The reserves are what was added, in the order asked; the runtime API agrees.
  const pool = await rpc('caesar_pool', 'native', TOKEN, setup.blockHash);
  assert.deepEqual(pool, { reserves: [NATIVE_LIQUIDITY.toString(), TOKEN_LIQUIDITY.toString()] });
  const reserves = (await (await api.at(setup.blockHash)).call.assetConversionApi.getReserves(native, token)).unwrap();
  assert.deepEqual(reserves.map((r) => r.toString()), pool.reserves);
  assert.deepEqual(await rpc('caesar_pool', TOKEN, 'native', setup.blockHash),
    { reserves: [TOKEN_LIQUIDITY.toString(), NATIVE_LIQUIDITY.toString()] });
  // Before the pool's block there was none.
  assert.equal(await rpc('caesar_pool', 'native', TOKEN, await parentOf(setup.blockHash)), null);

  // Quotes, both ways, equal AssetConversionApi's (fee included).
  const amountIn = 10n * UNIT;
  const state = await api.at(setup.blockHash);
  const quote = await rpc('caesar_quote', 'native', TOKEN, amountIn.toString(), true, setup.blockHash);
  const apiQuote = (await state.call.assetConversionApi.quotePriceExactTokensForTokens(native, token, amountIn, true)).unwrap();
  assert.equal(quote, apiQuote.toString());
  assert.ok(BigInt(quote) > 0n && BigInt(quote) < TOKEN_LIQUIDITY);
  // A number is accepted as the amount too.
  assert.equal(await rpc('caesar_quote', 'native', TOKEN, Number(amountIn), true, setup.blockHash), quote);
  const exactOut = await rpc('caesar_quote', 'native', TOKEN, '1000', false, setup.blockHash);
  const apiExactOut = (await state.call.assetConversionApi.quotePriceTokensForExactTokens(native, token, 1000, true)).unwrap();
  assert.equal(exactOut, apiExactOut.toString());
  // More than the pool holds cannot be bought: null.
  assert.equal(await rpc('caesar_quote', 'native', TOKEN, TOKEN_LIQUIDITY.toString(), false, setup.blockHash), null);
  // No pool for token 2.
  assert.equal(await rpc('caesar_pool', 'native', 2), null);
  assert.equal(await rpc('caesar_quote', 'native', 2, '1000', true), null);
  assert.equal(await rpc('caesar_quote', 2, TOKEN, '1000', true), null);

  // A swap of exactly `amountIn` pays exactly the quote (asked of the state it runs on).
  const head = (await api.rpc.chain.getFinalizedHead()).toHex();
  const swapQuote = BigInt(await rpc('caesar_quote', 'native', TOKEN, amountIn.toString(), true, head));
  const swap = await dispatch(api, api.tx.assetConversion.swapExactTokensForTokens(
    [native, token], amountIn, swapQuote, alice.address, false,
  ), alice);
  assert.equal(swap.error, null);
  // Nothing else traded between the quote's state and the swap's.
  assert.deepEqual(await rpc('caesar_pool', 'native', TOKEN, await parentOf(swap.blockHash)),
    await rpc('caesar_pool', 'native', TOKEN, head));
  const executed = swap.events.find(({ event }) => api.events.assetConversion.SwapExecuted.is(event))?.event;
  assert.ok(executed, 'no SwapExecuted');
  assert.equal(executed.data.amountIn.toBigInt(), amountIn);
  assert.equal(executed.data.amountOut.toBigInt(), swapQuote);
  const before = await balancesAt(alice.address, await parentOf(swap.blockHash));
  const after = await balancesAt(alice.address, swap.blockHash);
  assert.equal(after.token - before.token, swapQuote);
  assert.equal(before.free - after.free, amountIn + feePaid(swap.events, alice.address));
  const poolAfter = await rpc('caesar_pool', 'native', TOKEN, swap.blockHash);
  assert.deepEqual(poolAfter, {
    reserves: [(NATIVE_LIQUIDITY + amountIn).toString(), (TOKEN_LIQUIDITY - swapQuote).toString()],
  });

  // Asking one more than the quote fails with a module error and moves nothing but the fee.
  const nextQuote = BigInt(await rpc('caesar_quote', 'native', TOKEN, amountIn.toString(), true, swap.blockHash));
  assert.ok(nextQuote < swapQuote, 'the price moved against CAES');
  const greedy = await dispatch(api, api.tx.assetConversion.swapExactTokensForTokens(
    [native, token], amountIn, nextQuote + 1n, alice.address, false,
  ), alice);
  assert.equal(greedy.error, 'assetConversion.ProvidedMinimumNotSufficientForSwap');
  const beforeGreedy = await balancesAt(alice.address, await parentOf(greedy.blockHash));
  const afterGreedy = await balancesAt(alice.address, greedy.blockHash);
  assert.equal(afterGreedy.token, beforeGreedy.token);
  assert.equal(beforeGreedy.free - afterGreedy.free, feePaid(greedy.events, alice.address));
  assert.deepEqual(await rpc('caesar_pool', 'native', TOKEN, greedy.blockHash), poolAfter);
});

test('after the first era: caesar_validatorEra is staking\'s era points and reward', async () => {
  // Wait for era 1 (dev: 2 sessions of 10 blocks).
  const deadline = Date.now() + ERA_TIMEOUT_MS;
  let at;
  for (;;) {
    at = (await api.rpc.chain.getFinalizedHead()).toHex();
    const active = await (await api.at(at)).query.staking.activeEra();
    if (active.isSome && active.unwrap().index.toNumber() >= 1) break;
    assert.ok(Date.now() < deadline, `era 1 did not start within ${ERA_TIMEOUT_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
  const state = await api.at(at);
  const points = await state.query.staking.erasRewardPoints(0);
  const reward = (await state.query.staking.erasValidatorReward(0)).unwrap().toBigInt();
  const alicePoints = points.individual.toJSON()[alice.address] ?? 0;

  // Alice is the only validator: she authored every block of era 0, 20 points each.
  assert.deepEqual((await state.query.session.validators()).map(String), [alice.address]);
  const eraStart = await state.query.staking.erasStartSessionIndex(1);
  assert.ok(eraStart.isSome);
  // Era 0 is sessions 0..start-1, whose blocks are numbered 1..start × session length.
  const eraZeroBlocks = eraStart.unwrap().toNumber() * (await state.query.caesar.sessionLength()).toNumber();
  assert.equal(alicePoints, 20 * eraZeroBlocks, `era 0 points ${JSON.stringify(points.toJSON())}`);
  assert.equal(points.total.toNumber(), alicePoints);

  const part = await rpc('caesar_validatorEra', alice.address, 0, at);
  assert.deepEqual(part, {
    era: 0,
    points: alicePoints,
    totalPoints: points.total.toNumber(),
    eraReward: reward.toString(),
    share: reward.toString(),
  });
  assert.ok(reward > 0n);

  // Someone who did not validate has no points and no share.
  const bob = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Bob').address;
  assert.deepEqual(await rpc('caesar_validatorEra', bob, 0, at), {
    era: 0, points: 0, totalPoints: alicePoints, eraReward: reward.toString(), share: '0',
  });
  // The active era is not paid yet.
  const open = await rpc('caesar_validatorEra', alice.address, 1, at);
  assert.equal(open.eraReward, '0');
  assert.equal(open.share, '0');

  // The era change closed Caesar's period 0; the clock and the earnings follow.
  const era = await rpc('caesar_era', at);
  assert.equal(era.activeEra, (await state.query.staking.activeEra()).unwrap().index.toNumber());
  assert.equal(era.period, (await state.query.caesar.currentPeriod()).toNumber());
  assert.ok(era.period >= 1);
  const issuance = (await state.query.balances.totalIssuance()).toBigInt();
  const expected = payoutSplit(issuance, era.parameters, BigInt(era.eraDuration));
  assert.equal(era.projectedPayout.validators, expected.validators.toString());
  const earnings = await rpc('caesar_providerEarnings', alice.address, null, null, at);
  assert.deepEqual(earnings.map((e) => [e.period, e.closed, e.points, e.claimable]),
    [...Array(era.period + 1).keys()].map((p) => [p, p < era.period, '0', '0']));

  // The node's Caesar metrics show the same clock once its service has seen a finalized
  // block of this era: the era, its start, its length, the period, the pot period 0 closed with.
  let metrics;
  for (const until = Date.now() + 60_000; ;) {
    metrics = await scrapeMetrics(node.prometheusPort);
    if (metrics.get('hypermesh_caesar_active_era') >= era.activeEra) break;
    assert.ok(Date.now() < until, `hypermesh_caesar_active_era stayed at ${metrics.get('hypermesh_caesar_active_era')}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  const seen = await api.at((await api.rpc.chain.getFinalizedHead()).toHex());
  const activeEra = (await seen.query.staking.activeEra()).unwrap();
  if (metrics.get('hypermesh_caesar_active_era') === activeEra.index.toNumber()) {
    assert.equal(metrics.get('hypermesh_caesar_active_era_start_timestamp_seconds'), activeEra.start.unwrap().toNumber() / 1000);
  }
  assert.equal(metrics.get('hypermesh_caesar_era_length_blocks'), era.sessionLength * era.sessionsPerEra);
  assert.ok(metrics.get('hypermesh_caesar_period') >= 1);
  assert.ok(metrics.get('hypermesh_caesar_session') >= era.sessionIndex);
  const closed = (await seen.query.caesar.closedPeriods(metrics.get('hypermesh_caesar_period') - 1)).unwrap();
  assert.equal(metrics.get('hypermesh_caesar_closed_period_pot'), Number(closed.pot.toBigInt()));
  assert.equal(metrics.get('hypermesh_service_failures_total{service="caesar-metrics"}'), 0);
});

test('staking.payoutStakers pays Alice era 0\'s validator reward into her bond, once', async () => {
  const reward = (await api.query.staking.erasValidatorReward(0)).unwrap().toBigInt();
  const bob = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Bob');
  const activeBefore = (await api.query.staking.ledger(alice.address)).unwrap().active.toBigInt();
  // Anyone may trigger the payout; the reward goes where the stash's payee says (genesis
  // validators: `Staked`, added to the bond).
  const paid = await dispatch(api, api.tx.staking.payoutStakers(alice.address, 0), bob);
  assert.equal(paid.error, null);
  const rewarded = paid.events.filter(({ event }) => api.events.staking.Rewarded.is(event));
  assert.equal(rewarded.length, 1, 'one Rewarded event: Alice has no nominators');
  const { stash, amount } = rewarded[0].event.data;
  assert.equal(stash.toString(), alice.address);
  // Alice is the only validator and backs herself alone: the whole era reward is hers, to
  // the plank or within the rounding of the exposure's Perbill share.
  assert.ok(amount.toBigInt() <= reward && reward - amount.toBigInt() <= 1n, `${amount} of ${reward}`);
  const at = await api.at(paid.blockHash);
  const activeAfter = (await at.query.staking.ledger(alice.address)).unwrap().active.toBigInt();
  assert.equal(activeAfter - activeBefore, amount.toBigInt());

  const again = await dispatch(api, api.tx.staking.payoutStakers(alice.address, 0), bob);
  assert.equal(again.error, 'staking.AlreadyClaimed');
});
