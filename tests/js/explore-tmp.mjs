import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { startDevNode } from './node-process.js';
import { makeSpace, buildProof, allocateOperation, toCallArg } from './proofs-lib.js';
await cryptoWaitReady();
const node = await startDevNode(process.argv.slice(2));
const provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`);
const api = await ApiPromise.create({ provider, noInitWarn: true });
const alice = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
await new Promise(r => setTimeout(r, 7000));
const h = await api.rpc.chain.getHeader();
const space = makeSpace({ chunks: 16, address: '2001:db8::1', port: 1 });
const proof = buildProof({ op: allocateOperation(0, 1, 1), signer: alice.publicKey, time: { number: h.number.toNumber(), hash: h.hash.toU8a() }, stake: 10n ** 13n, space, difficulty: 12 });
try { await api.tx.assetRegistry.allocate(0, 1, 1, toCallArg(proof)).signAndSend(alice); } catch (e) { console.log('err', e.message); }
await new Promise(r => setTimeout(r, 1000));
console.log(node.logs().split('\n').filter(l => /proof refused/i.test(l)).join('\n') || '(no log line)');
await api.disconnect(); await node.stop();
