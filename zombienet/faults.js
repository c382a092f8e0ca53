// Faults on a running network of four validators (Alice, Bob, Charlie and Dave, who joined
// through staking): with 3f+1 = 4, GRANDPA must finalize with one validator down, stall
// safely with two down, and resume when they return. The .zndsl file takes nodes down with
// zombienet's own commands (`pause` stops the process with SIGSTOP, which its peers cannot
// tell from a dead node; `restart` kills it with SIGKILL and starts it again on the same
// base path) and runs this script between them, one check a step:
//
//   advances,<down...>  finality goes on without the nodes named: the finalized height rises
//                       by ADVANCE_BLOCKS, and every running node agrees on each finalized hash
//   stalls,<down...>    with the nodes named down, blocks are still authored but the finalized
//                       height stands still for STALL_WATCH_MS, and the running nodes agree on
//                       every finalized hash (no two finalized blocks at one height)
//   catches-up          every node finalizes past the best block any node had when the check
//                       began, and all of them agree on every finalized hash
//   record              remembers this node's finalized height and hash (before a restart)
//   restarted           this node, killed and started again, still has the recorded block as
//                       finalized (its database kept it) and catches up with the others
//
// Run by zombienet: `alice: js-script ./faults.js with "advances,charlie" within 120 seconds`.

const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { ApiPromise, WsProvider } = require('@polkadot/api');
const { sleep } = require('./chain-lib');

const ADVANCE_BLOCKS = 3;
const ADVANCE_TIMEOUT_MS = 90_000;
// A GRANDPA round in flight when the nodes went down may still finalize one block.
const STALL_GRACE_MS = 12_000;
const STALL_WATCH_MS = 36_000;
const CATCH_UP_TIMEOUT_MS = 150_000;
// How many finalized heights below the lowest common one are compared across nodes.
const AGREEMENT_DEPTH = 30;

async function connect(node) {
  const provider = new WsProvider(node.wsUri, 1_000);
  return ApiPromise.create({ provider, noInitWarn: true, throwOnConnect: false });
}

/** The finalized and best heights of a node. */
async function heights(api) {
  const finalizedHash = await api.rpc.chain.getFinalizedHead();
  const finalized = (await api.rpc.chain.getHeader(finalizedHash)).number.toNumber();
  const best = (await api.rpc.chain.getHeader()).number.toNumber();
  return { finalized, finalizedHash: finalizedHash.toHex(), best };
}

/**
 * Every node's hash at each height up to the lowest finalized height among them, for the
 * last AGREEMENT_DEPTH heights: they must be the same block. Returns the height checked to.
 */
async function checkAgreement(apis) {
  const finals = await Promise.all(apis.map(({ api }) => heights(api)));
  const upTo = Math.min(...finals.map((h) => h.finalized));
  for (let height = Math.max(1, upTo - AGREEMENT_DEPTH); height <= upTo; height += 1) {
    const hashes = await Promise.all(
      apis.map(async ({ name, api }) => [name, (await api.rpc.chain.getBlockHash(height)).toHex()]),
    );
    const distinct = new Set(hashes.map(([, hash]) => hash));
    if (distinct.size !== 1) {
      throw new Error(`nodes disagree on finalized block ${height}: ${JSON.stringify(hashes)}`);
    }
  }
  return upTo;
}

async function advances(self, others) {
  const start = await heights(self.api);
  const deadline = Date.now() + ADVANCE_TIMEOUT_MS;
  let now = start;
  while (now.finalized < start.finalized + ADVANCE_BLOCKS) {
    if (Date.now() > deadline) {
      throw new Error(
        `finalized height ${now.finalized} after ${ADVANCE_TIMEOUT_MS} ms (was ${start.finalized}, best ${now.best})`,
      );
    }
    await sleep(2_000);
    now = await heights(self.api);
  }
  const agreed = await checkAgreement([self, ...others]);
  console.log(
    `${self.name}: finalized ${start.finalized} -> ${now.finalized} in ${ADVANCE_TIMEOUT_MS - (deadline - Date.now())} ms; ` +
      `running nodes agree up to ${agreed}`,
  );
}

async function stalls(self, others) {
  await sleep(STALL_GRACE_MS);
  const start = await heights(self.api);
  await sleep(STALL_WATCH_MS);
  const end = await heights(self.api);
  if (end.finalized !== start.finalized) {
    throw new Error(`finality went on from ${start.finalized} to ${end.finalized} with half the validators down`);
  }
  if (end.best <= start.best) {
    throw new Error(`no block authored in ${STALL_WATCH_MS} ms (best ${start.best} -> ${end.best})`);
  }
  const agreed = await checkAgreement([self, ...others]);
  console.log(
    `${self.name}: finalized stood at ${start.finalized} for ${STALL_WATCH_MS} ms while best went ${start.best} -> ${end.best}; ` +
      `running nodes agree up to ${agreed}`,
  );
}

async function catchesUp(all) {
  const started = Date.now();
  const target = Math.max(...(await Promise.all(all.map(({ api }) => heights(api)))).map((h) => h.best));
  for (;;) {
    const now = await Promise.all(all.map(async ({ name, api }) => [name, await heights(api)]));
    if (now.every(([, h]) => h.finalized >= target)) break;
    if (Date.now() - started > CATCH_UP_TIMEOUT_MS) {
      throw new Error(`not all nodes finalized ${target} within ${CATCH_UP_TIMEOUT_MS} ms: ${JSON.stringify(now)}`);
    }
    await sleep(2_000);
  }
  const agreed = await checkAgreement(all);
  console.log(`every node finalized past ${target} in ${Date.now() - started} ms; all agree up to ${agreed}`);
}

function recordPath(networkInfo, name) {
  return join(networkInfo.tmpDir, `faults-${name}.json`);
}

async function record(self, networkInfo) {
  const now = await heights(self.api);
  writeFileSync(recordPath(networkInfo, self.name), JSON.stringify(now));
  console.log(`${self.name}: finalized ${now.finalized} (${now.finalizedHash}) before the restart`);
}

async function restarted(self, others, networkInfo) {
  const path = recordPath(networkInfo, self.name);
  if (!existsSync(path)) throw new Error(`no record of ${self.name} before its restart`);
  const before = JSON.parse(readFileSync(path, 'utf8'));
  const after = await heights(self.api);
  if (after.finalized < before.finalized) {
    throw new Error(`${self.name} came back at finalized ${after.finalized}, below ${before.finalized}`);
  }
  const kept = (await self.api.rpc.chain.getBlockHash(before.finalized)).toHex();
  if (kept !== before.finalizedHash) {
    throw new Error(`${self.name} lost finalized block ${before.finalized}: ${kept} instead of ${before.finalizedHash}`);
  }
  console.log(`${self.name}: back at finalized ${after.finalized} (was ${before.finalized}, same block)`);
  await catchesUp([self, ...others]);
}

async function run(nodeName, networkInfo, args) {
  const [check, ...down] = args || [];
  const names = Object.keys(networkInfo.nodesByName);
  for (const name of down) {
    if (!names.includes(name)) throw new Error(`no node ${name} (nodes: ${names.join(', ')})`);
  }
  const running = names.filter((name) => !down.includes(name));
  const apis = await Promise.all(
    running.map(async (name) => ({ name, api: await connect(networkInfo.nodesByName[name]) })),
  );
  const self = apis.find(({ name }) => name === nodeName);
  const others = apis.filter(({ name }) => name !== nodeName);
  try {
    switch (check) {
      case 'advances':
        await advances(self, others);
        break;
      case 'stalls':
        await stalls(self, others);
        break;
      case 'catches-up':
        await catchesUp(apis);
        break;
      case 'record':
        await record(self, networkInfo);
        break;
      case 'restarted':
        await restarted(self, others, networkInfo);
        break;
      default:
        throw new Error(`unknown check ${check}`);
    }
  } finally {
    await Promise.all(apis.map(({ api }) => api.disconnect()));
  }
}

module.exports = { run };
