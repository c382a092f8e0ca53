// Helpers the zombienet scripts share: submitting a transaction and reading its outcome,
// and watching finality for stalls.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `section.name` of a dispatch error, or its text when it is not a module error. */
function errorName(api, dispatchError) {
  if (!dispatchError) return null;
  if (!dispatchError.isModule) return dispatchError.toString();
  const { section, name } = api.registry.findMetaError(dispatchError.asModule);
  return `${section}.${name}`;
}

/**
 * Submits `tx` signed by `signer` (or unsigned when `signer` is null); resolves at
 * finalization with the dispatch error (a failed batch counts as one), the finalized block's
 * hash and the transaction's events.
 */
function submit(api, tx, signer) {
  return new Promise((resolve, reject) => {
    const onStatus = ({ status, dispatchError, events }) => {
      if (status.isInvalid || status.isDropped || status.isUsurped) {
        reject(new Error(`transaction ${status.type}`));
        return;
      }
      if (!status.isFinalized) return;
      let error = errorName(api, dispatchError);
      const failed = events.find(({ event }) => api.events.utility.BatchInterrupted.is(event));
      if (!error && failed) error = `batch interrupted: ${failed.event.data.toString()}`;
      resolve({ error, blockHash: status.asFinalized.toHex(), events });
    };
    (signer ? tx.signAndSend(signer, onStatus) : tx.send(onStatus)).catch(reject);
  });
}

/**
 * Watches the finalized head: `stalled()` is the longest time (ms) the finalized height
 * stood still so far, including the current wait; `finalized()` the latest height.
 */
async function watchFinality(api) {
  let lastFinalized = 0;
  let lastChange = Date.now();
  let longestStall = 0;
  const unsubscribe = await api.rpc.chain.subscribeFinalizedHeads((header) => {
    const number = header.number.toNumber();
    if (number > lastFinalized) {
      longestStall = Math.max(longestStall, Date.now() - lastChange);
      lastFinalized = number;
      lastChange = Date.now();
    }
  });
  return {
    stalled: () => Math.max(longestStall, Date.now() - lastChange),
    finalized: () => lastFinalized,
    /** Waits until the finalized height reaches `number`, failing on a stall over `limitMs`. */
    async reach(number, limitMs) {
      while (lastFinalized < number) {
        const stall = Math.max(longestStall, Date.now() - lastChange);
        if (stall > limitMs) throw new Error(`finality stalled for ${stall} ms (at ${lastFinalized})`);
        await sleep(1_000);
      }
    },
    unsubscribe,
  };
}

module.exports = { sleep, errorName, submit, watchFinality };
