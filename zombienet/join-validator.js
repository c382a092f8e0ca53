// A new validator joins a running HyperMesh network through staking, the way an operator
// does it (README, "Become a validator"):
//   1. its node generates session keys for the stash account, with a proof that the
//      stash owns them (author_rotateKeysWithOwner, on the node itself: pallet-session
//      refuses keys without that proof);
//   2. its account bonds, declares intent to validate and registers those keys with the
//      proof (staking.bond + staking.validate + session.setKeys, in one utility.batchAll);
//   3. at the next era change the election picks it, it is in session.validators, and
//      then it authors blocks;
//   4. it leaves with staking.chill: from the next era it is out of the set.
// Throughout, finality must keep going: the finalized height may never stand still for
// longer than FINALITY_STALL_MS.
//
// Run by zombienet with the joining node's name, in two steps so that the fault scenarios
// (faults.js) run while four validators are in the set:
// `dave: js-script ./join-validator.js with "join"` does 1-3, `with "leave"` does 4.

const { ApiPromise, WsProvider } = require('@polkadot/api');
const { Keyring } = require('@polkadot/keyring');
const { u8aToHex } = require('@polkadot/util');
const { sleep, submit, watchFinality } = require('./chain-lib');

const UNIT = 10n ** 12n;
const BOND = 20_000n * UNIT; // above the chain's 10,000 CAES minimum validator bond
const FINALITY_STALL_MS = 60_000;
const JOIN_TIMEOUT_MS = 600_000;

async function run(nodeName, networkInfo, args) {
  const [step] = args || [];
  if (step !== 'join' && step !== 'leave') throw new Error(`step ${step}: expected join or leave`);
  const node = networkInfo.nodesByName[nodeName];
  const provider = new WsProvider(node.wsUri);
  const api = await ApiPromise.create({ provider, noInitWarn: true });
  const keyring = new Keyring({ type: 'sr25519' });
  const name = nodeName.charAt(0).toUpperCase() + nodeName.slice(1);
  const stash = keyring.addFromUri(`//${name}`);

  // Finality watch: records the longest time the finalized height stood still.
  const finality = await watchFinality(api);
  try {
    if (step === 'join') return await join(api, provider, stash, name, finality);
    return await leave(api, stash, name, finality);
  } finally {
    finality.unsubscribe();
    await api.disconnect();
  }
}

/** Steps 1-3: session keys, bond and validate, in the set after an era change, authoring. */
async function join(api, provider, stash, name, finality) {
  const { stalled } = finality;
  const before = (await api.query.session.validators()).map((v) => v.toString());
  if (before.includes(stash.address)) throw new Error(`${name} is a validator already`);

  // 1. Session keys from the joining node's own keystore, and the proof that the stash
  // owns them (each key signs the stash's SCALE-encoded account id).
  const { keys, proof } = await provider.send('author_rotateKeysWithOwner', [u8aToHex(stash.publicKey)]);
  if (!proof) throw new Error('the node returned no ownership proof');

  // 2. Bond, validate, set keys.
  const joined = await submit(
    api,
    api.tx.utility.batchAll([
      api.tx.staking.bond(BOND, 'Staked'),
      api.tx.staking.validate({ commission: 0, blocked: false }),
      api.tx.session.setKeys(keys, proof),
    ]),
    stash,
  );
  if (joined.error) throw new Error(`joining failed: ${joined.error}`);
  const ledger = (await api.query.staking.ledger(stash.address)).unwrap();
  if (ledger.active.toBigInt() !== BOND) throw new Error(`bonded ${ledger.active} instead of ${BOND}`);
  const startEra = (await api.query.staking.activeEra()).unwrap().index.toNumber();
  console.log(`${name} bonded and validates from era ${startEra}; waiting for the active set`);

  // 3. In the active set after an era change...
  const deadline = Date.now() + JOIN_TIMEOUT_MS;
  for (;;) {
    const validators = (await api.query.session.validators()).map((v) => v.toString());
    if (validators.includes(stash.address)) {
      const era = (await api.query.staking.activeEra()).unwrap().index.toNumber();
      if (era <= startEra) throw new Error(`in the set at era ${era}, before any era change`);
      console.log(`${name} is one of ${validators.length} validators in era ${era}`);
      break;
    }
    if (Date.now() > deadline) throw new Error(`${name} not in the active set after ${JOIN_TIMEOUT_MS} ms`);
    if (stalled() > FINALITY_STALL_MS) throw new Error(`finality stalled for ${stalled()} ms`);
    await sleep(6_000);
  }

  // ...and authoring blocks: the author of each new block, as polkadot.js derives it
  // from the Aura pre-digest and session.validators.
  const authored = await new Promise((resolve, reject) => {
    let unsubscribe = () => {};
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`${name} authored no block within 120 s of joining`));
    }, 120_000);
    api.derive.chain
      .subscribeNewHeads((header) => {
        if (header.author && header.author.toString() === stash.address) {
          clearTimeout(timer);
          unsubscribe();
          resolve(header.number.toNumber());
        }
      })
      .then((u) => {
        unsubscribe = u;
      }, reject);
  });
  console.log(`${name} authored block ${authored}`);

  // Finality reaches the block the new validator authored.
  await finality.reach(authored, FINALITY_STALL_MS);
  console.log(`finalized ${finality.finalized()}; longest finality stall ${stalled()} ms`);
  return authored;
}

/** Step 4: chill, and out of the set from the next era, with finality going on. */
async function leave(api, stash, name, finality) {
  const { stalled } = finality;
  const current = (await api.query.session.validators()).map((v) => v.toString());
  if (!current.includes(stash.address)) throw new Error(`${name} is not a validator`);

  // 4. And leaves: chill stops its candidacy; from the next era's set on it is out, and the
  // three others finalize alone.
  const chilled = await submit(api, api.tx.staking.chill(), stash);
  if (chilled.error) throw new Error(`chill failed: ${chilled.error}`);
  const chillEra = (await api.query.staking.activeEra()).unwrap().index.toNumber();
  const leaveDeadline = Date.now() + JOIN_TIMEOUT_MS;
  for (;;) {
    const validators = (await api.query.session.validators()).map((v) => v.toString());
    if (!validators.includes(stash.address)) {
      const era = (await api.query.staking.activeEra()).unwrap().index.toNumber();
      console.log(`${name} left the set in era ${era} (chilled in era ${chillEra}); ${validators.length} validators`);
      if (validators.length !== 3) throw new Error(`${validators.length} validators after ${name} left`);
      break;
    }
    if (Date.now() > leaveDeadline) throw new Error(`${name} still a validator ${JOIN_TIMEOUT_MS} ms after chilling`);
    if (stalled() > FINALITY_STALL_MS) throw new Error(`finality stalled for ${stalled()} ms`);
    await sleep(6_000);
  }
  const left = (await api.rpc.chain.getHeader()).number.toNumber();
  await finality.reach(left, FINALITY_STALL_MS);

  if (stalled() > FINALITY_STALL_MS) throw new Error(`finality stalled for ${stalled()} ms`);
  console.log(`finalized ${finality.finalized()}; longest finality stall ${stalled()} ms`);
  return left;
}

module.exports = { run };
