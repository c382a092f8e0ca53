// End-to-end: a real `hypermesh-node --dev` driven by @polkadot/api, the way a
// wallet or dApp developer drives it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { startDevNode } from './node-process.js';

const UNIT = 10n ** 12n;
let node;
let api;
let provider;
let keyring;

before(async () => {
  await cryptoWaitReady();
  node = await startDevNode();
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)),
    noInitWarn: true,
    throwOnConnect: true,
  });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
});

/** Signs and sends `tx`, resolves with the result once its block is finalized. */
function sendAndFinalize(tx, signer) {
  return new Promise((resolve, reject) => {
    tx.signAndSend(signer, (result) => {
      if (result.isError) reject(new Error(`transaction ${result.status.type}`));
      if (result.status.isFinalized) resolve(result);
    }).catch(reject);
  });
}

const freeBalance = async (address) => (await api.query.system.account(address)).data.free.toBigInt();

test('the runtime is hypermesh and its metadata decodes without custom types', async () => {
  const version = api.runtimeVersion;
  assert.equal(version.specName.toString(), 'hypermesh');
  assert.equal(version.implName.toString(), 'hypermesh-node');
  assert.ok(version.specVersion.toNumber() >= 100);
  // Metadata V14+ decodes; the pallets we ship are all present.
  const pallets = api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
  for (const name of ['System', 'Timestamp', 'Aura', 'Grandpa', 'Balances', 'TransactionPayment', 'Sudo', 'Utility', 'TrustChain']) {
    assert.ok(pallets.includes(name), `pallet ${name} missing from ${pallets}`);
  }
  // The metadata-hash transaction extension is declared, so wallets can check what they sign.
  const extensions = api.registry.signedExtensions;
  assert.ok(extensions.includes('CheckMetadataHash'), `extensions: ${extensions}`);
  assert.equal((await api.rpc.system.chain()).toString(), 'HyperMesh Development');
});

test('chain properties carry the token symbol and decimals', async () => {
  const props = await api.rpc.system.properties();
  assert.equal(props.tokenSymbol.unwrap()[0].toString(), 'CAES');
  assert.equal(props.tokenDecimals.unwrap()[0].toNumber(), 12);
  assert.equal(props.ss58Format.unwrap().toNumber(), 42);
  assert.equal(api.registry.chainTokens[0], 'CAES');
});

test('blocks are produced and finalized', async () => {
  const start = (await api.rpc.chain.getHeader()).number.toNumber();
  const finalized = await new Promise((resolve) => {
    let unsub;
    api.rpc.chain.subscribeFinalizedHeads((header) => {
      if (header.number.toNumber() >= start + 1) {
        unsub.then((u) => u());
        resolve(header.number.toNumber());
      }
    }).then((u) => { unsub = Promise.resolve(u); });
  });
  assert.ok(finalized > start);

  // The GRANDPA RPC streams the justifications that prove finality.
  const justification = await new Promise((resolve) => {
    let unsub;
    api.rpc.grandpa.subscribeJustifications((bytes) => {
      unsub.then((u) => u());
      resolve(api.createType('GrandpaJustification', bytes.toU8a(true)));
    }).then((u) => { unsub = Promise.resolve(u); });
  });
  assert.ok(justification.commit.targetNumber.toNumber() > 0);
  assert.equal(justification.commit.precommits.length, 1, 'one validator (Alice) signs on dev');
  const round = await api.rpc.grandpa.roundState();
  assert.equal(round.setId.toNumber(), 0);
  assert.equal(round.best.totalWeight.toNumber(), 1);
});

test('a transfer signed by //Alice is finalized and moves exactly the amount', async () => {
  const alice = keyring.addFromUri('//Alice');
  const recipient = keyring.addFromUri(mnemonicGenerate());
  const amount = 5n * UNIT;
  const aliceBefore = await freeBalance(alice.address);

  const result = await sendAndFinalize(
    api.tx.balances.transferKeepAlive(recipient.address, amount), alice);

  const failed = result.events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
  assert.equal(failed, undefined, 'transfer failed');
  const transfer = result.events.find(({ event }) => api.events.balances.Transfer.is(event));
  assert.ok(transfer, 'no Balances.Transfer event');
  assert.equal(transfer.event.data.amount.toBigInt(), amount);
  const feeEvent = result.events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
  const fee = feeEvent.event.data.actualFee.toBigInt() - feeEvent.event.data.tip.toBigInt();
  assert.ok(fee > 0n);

  // Read the balances at the finalized block that holds the transfer.
  const at = await api.at(result.status.asFinalized);
  assert.equal((await at.query.system.account(recipient.address)).data.free.toBigInt(), amount);
  assert.equal((await at.query.system.account(alice.address)).data.free.toBigInt(), aliceBefore - amount - fee);
});

test('a malformed extrinsic is refused with a clear decode error', async () => {
  // Raw JSON-RPC, so the bytes reach the node exactly as sent (polkadot.js
  // would refuse to encode them client-side).
  const submitRaw = (hex) => provider.send('author_submitExtrinsic', [hex]);
  const countPending = async () => (await api.rpc.author.pendingExtrinsics()).length;
  const pendingBefore = await countPending();

  await assert.rejects(submitRaw('0xdeadbeef'), (err) => {
    // An author_* error (10xx) naming what could not be decoded.
    assert.match(err.message, /^10\d\d: .*Could not decode `OpaqueExtrinsic/s, err.message);
    return true;
  });
  // A real signed transfer with its tail cut off is refused the same way.
  const alice = keyring.addFromUri('//Alice');
  const signed = await api.tx.balances.transferKeepAlive(alice.address, 1n).signAsync(alice);
  const hex = signed.toHex();
  await assert.rejects(submitRaw(hex.slice(0, hex.length - 20)), (err) => {
    assert.match(err.message, /^10\d\d: .*decode/is, err.message);
    return true;
  });
  // A well-formed transfer whose call was altered after signing (amount 1 -> 0).
  const corrupted = hex.slice(0, hex.length - 2) + (hex.endsWith('00') ? '01' : '00');
  await assert.rejects(submitRaw(corrupted), (err) => {
    assert.match(err.message, /^1010: Invalid Transaction: Transaction has a bad signature/, err.message);
    return true;
  });
  assert.equal(await countPending(), pendingBefore, 'a refused extrinsic entered the pool');
});

test('an account without funds cannot pay fees: clear 1010 error, nothing changes', async () => {
  const pauper = keyring.addFromUri(mnemonicGenerate());
  const bob = keyring.addFromUri('//Bob');
  const bobBefore = await freeBalance(bob.address);
  await assert.rejects(
    api.tx.balances.transferKeepAlive(bob.address, UNIT).signAndSend(pauper),
    (err) => {
      assert.match(err.message, /1010/);
      assert.match(err.message, /Inability to pay some fees/);
      return true;
    },
  );
  assert.equal(await freeBalance(pauper.address), 0n);
  assert.equal(await freeBalance(bob.address), bobBefore);
});

test('a transfer larger than the balance fails with FundsUnavailable and moves nothing', async () => {
  const alice = keyring.addFromUri('//Alice');
  const sender = keyring.addFromUri(mnemonicGenerate());
  const recipient = keyring.addFromUri(mnemonicGenerate());
  await sendAndFinalize(api.tx.balances.transferKeepAlive(sender.address, 2n * UNIT), alice);

  const senderBefore = await freeBalance(sender.address);
  const result = await sendAndFinalize(
    api.tx.balances.transferAllowDeath(recipient.address, 1000n * UNIT), sender);

  const failed = result.events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
  assert.ok(failed, 'the over-spending transfer did not fail');
  const dispatchError = failed.event.data.dispatchError;
  let reason;
  if (dispatchError.isModule) {
    const meta = api.registry.findMetaError(dispatchError.asModule);
    reason = `${meta.section}.${meta.name}`;
  } else {
    reason = dispatchError.toString();
  }
  assert.match(reason, /FundsUnavailable|InsufficientBalance/, reason);

  const feeEvent = result.events.find(({ event }) => api.events.transactionPayment.TransactionFeePaid.is(event));
  const fee = feeEvent.event.data.actualFee.toBigInt();
  const at = await api.at(result.status.asFinalized);
  assert.equal((await at.query.system.account(recipient.address)).data.free.toBigInt(), 0n);
  assert.equal((await at.query.system.account(sender.address)).data.free.toBigInt(), senderBefore - fee);
});

test('Prometheus metrics are served', async () => {
  const res = await fetch(`http://127.0.0.1:${node.prometheusPort}/metrics`);
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.match(body, /substrate_block_height\{status="finalized"/);
  assert.match(body, /substrate_block_height\{status="best"/);
});

/** Signs, sends and waits for finality; returns the `module.Error` name if the call failed. */
async function dispatch(tx, signer) {
  const result = await sendAndFinalize(tx, signer);
  const failed = result.events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
  if (!failed) return { result, error: null };
  const dispatchError = failed.event.data.dispatchError;
  if (!dispatchError.isModule) return { result, error: dispatchError.toString() };
  const meta = api.registry.findMetaError(dispatchError.asModule);
  return { result, error: `${meta.section}.${meta.name}` };
}

test('TrustChain names: register with a deposit, AAAA records, IPv4 refused, duplicates refused', async () => {
  const alice = keyring.addFromUri('//Alice');
  const bob = keyring.addFromUri('//Bob');
  const name = 'node1.hypermesh';
  const deposit = api.consts.trustChain.nameDeposit.toBigInt();
  assert.equal(deposit, 10n * UNIT);
  const reservedBefore = (await api.query.system.account(alice.address)).data.reserved.toBigInt();

  let { error } = await dispatch(api.tx.trustChain.registerName(name), alice);
  assert.equal(error, null);
  assert.equal((await api.query.system.account(alice.address)).data.reserved.toBigInt(), reservedBefore + deposit);
  const info = (await api.query.trustChain.names('node1')).unwrap();
  assert.equal(info.owner.toString(), alice.address);

  const v6 = '0x20010db8000000000000000000000001'; // 2001:db8::1
  ({ error } = await dispatch(api.tx.trustChain.setRecords(name, [
    { Aaaa: v6 },
    { Srv: { priority: 10, weight: 5, port: 4433, target: 'node1.hypermesh' } },
    { Txt: 'stoq=pq-required' },
  ]), alice));
  assert.equal(error, null);
  let records = (await api.query.trustChain.names('node1')).unwrap().records;
  assert.equal(records.length, 3);
  assert.equal(records[0].asAaaa.toHex(), v6);

  // IPv4 hidden in an AAAA record (::ffff:192.0.2.1) is refused, records unchanged.
  ({ error } = await dispatch(api.tx.trustChain.setRecords(name, [
    { Aaaa: '0x00000000000000000000ffffc0000201' },
  ]), alice));
  assert.equal(error, 'trustChain.Ipv4AddressInAaaa');
  records = (await api.query.trustChain.names('node1')).unwrap().records;
  assert.equal(records.length, 3);

  // The name is taken; a malformed label is refused; Bob is not the owner.
  ({ error } = await dispatch(api.tx.trustChain.registerName(name), bob));
  assert.equal(error, 'trustChain.NameTaken');
  ({ error } = await dispatch(api.tx.trustChain.registerName('Bad_Name.hypermesh'), bob));
  assert.equal(error, 'trustChain.InvalidLabel');
  ({ error } = await dispatch(api.tx.trustChain.setRecords(name, []), bob));
  assert.equal(error, 'trustChain.NotNameOwner');
  assert.equal((await api.query.trustChain.names('node1')).unwrap().owner.toString(), alice.address);
});
