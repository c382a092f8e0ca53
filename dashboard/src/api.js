// The dashboard's one connection to the node: where it is (/config.json, or ?rpc=ws://…),
// one shared ApiPromise with the node's own RPC namespaces, and the connection state as
// events for the header and the pages.
import { ApiPromise, WsProvider } from '@polkadot/api';

const at = { name: 'at', type: 'Hash', isOptional: true };
const json = (description, params, type = 'Json') => ({ description, params, type });
const maybe = (description, params) => json(description, params, 'Option<Json>');
const list = (description, params) => json(description, params, 'Vec<Json>');

/**
 * The node's own JSON-RPC methods (node/src/rpc/*.rs). They answer JSON documents, so they
 * are declared as `Json`, `Option<Json>` (null: not found) or `Vec<Json>`; `.toJSON()` of
 * the answer is the document: `(await api.rpc.trustchain.resolve(name)).toJSON()` is the
 * resolution or null, `(await api.rpc.trustchain.certificatesOf(a)).toJSON()` an array.
 */
export const RPC_DEFINITIONS = {
  trustchain: {
    certificate: maybe('A logged certificate, or null', [{ name: 'id', type: 'u64' }, at]),
    status: json('A certificate status', [{ name: 'id', type: 'u64' }, at]),
    treeHead: json('The CT log tree head', [at]),
    inclusionProof: json('RFC 9162 inclusion proof', [
      { name: 'id', type: 'u64' }, { name: 'treeSize', type: 'u64', isOptional: true }, at]),
    consistencyProof: json('RFC 9162 consistency proof', [
      { name: 'first', type: 'u64' }, { name: 'second', type: 'u64', isOptional: true }, at]),
    certificatesOf: list('Certificates issued to an account', [{ name: 'account', type: 'Text' }, at]),
    resolve: maybe('Resolves a name, or null', [{ name: 'name', type: 'Text' }, at]),
  },
  assets: {
    asset: maybe('An asset, or null', [{ name: 'id', type: 'u64' }, at]),
    assetsOf: list('Assets of an account', [{ name: 'owner', type: 'Text' }, at]),
    allocations: list('Live allocations of an asset', [{ name: 'asset', type: 'u64' }, at]),
    resolveAddress: maybe('Asset of an IPv6 address', [{ name: 'address', type: 'Text' }, at]),
    proofParameters: json('Consensus-proof parameters', [{ name: 'who', type: 'Text', isOptional: true }, at]),
    proxies: list('Public assets to use as proxies', [{ name: 'count', type: 'u32' }, at]),
    proofRejection: json('A proof rejection code', [{ name: 'code', type: 'u8' }]),
  },
  caesar: {
    era: json('The era clock and payout', [at]),
    providerEarnings: list('A provider\'s earnings per period', [
      { name: 'who', type: 'Text' }, { name: 'fromPeriod', type: 'u32', isOptional: true },
      { name: 'toPeriod', type: 'u32', isOptional: true }, at]),
    validatorEra: json('A validator\'s part of an era', [
      { name: 'who', type: 'Text' }, { name: 'era', type: 'u32' }, at]),
  },
  stoq: {
    status: json('The STOQ endpoint and its peers', []),
  },
};

/** Connection states, also the header's `data-state`. */
export const STATES = { connecting: 'loading', connected: 'ready', unreachable: 'error' };

/**
 * The connection's state: `{ status: 'connecting'|'connected'|'unreachable', endpoint, error }`;
 * listen for `change` events.
 */
export const connection = new EventTarget();
connection.state = { status: 'connecting', endpoint: null, error: null };

function setState(patch) {
  connection.state = { ...connection.state, ...patch };
  connection.dispatchEvent(new Event('change'));
}

/** The node's WebSocket endpoint: `?rpc=` if given, else `rpc` of the node's /config.json. */
export async function rpcEndpoint(location = window.location) {
  const override = new URLSearchParams(location.search).get('rpc');
  if (override) {
    if (!/^wss?:\/\//.test(override)) throw new Error(`?rpc= must be a ws:// or wss:// URL, got "${override}"`);
    return override;
  }
  let res;
  try {
    res = await fetch(new URL('config.json', location.href), { cache: 'no-store' });
  } catch (e) {
    throw new Error(`cannot read config.json: ${e.message}`);
  }
  if (!res.ok) throw new Error(`cannot read config.json: HTTP ${res.status}`);
  const config = await res.json();
  if (typeof config.rpc !== 'string' || !/^wss?:\/\//.test(config.rpc)) {
    throw new Error('config.json has no ws:// "rpc" endpoint');
  }
  // The node names its RPC server as seen from its own machine (127.0.0.1). A page opened
  // from elsewhere (`--dashboard-external`) reaches it at the host it was served from,
  // on the same port (the node then also needs `--rpc-external`).
  const local = ['127.0.0.1', 'localhost', '[::1]'].includes(location.hostname);
  if (!local && Number.isInteger(config.rpcPort)) {
    return `ws://${location.hostname}:${config.rpcPort}`;
  }
  return config.rpc;
}

let apiPromise;
let sharedProvider;

/**
 * A raw JSON-RPC call over the shared connection, for the node's methods whose
 * parameters polkadot.js cannot type (`caesar_pool` and `caesar_quote` take `"native"`
 * or a token id number); resolves to the answer's JSON.
 */
export async function rawRpc(method, ...params) {
  await getApi();
  return sharedProvider.send(method, params);
}

/**
 * The shared ApiPromise, created once. Resolves when the node is connected and its
 * metadata is loaded; while the node is unreachable the provider keeps retrying and
 * `connection` says so.
 */
export function getApi() {
  if (!apiPromise) apiPromise = connect();
  return apiPromise;
}

async function connect() {
  let endpoint;
  try {
    endpoint = await rpcEndpoint();
  } catch (e) {
    setState({ status: 'unreachable', error: e.message });
    throw e;
  }
  setState({ status: 'connecting', endpoint, error: null });
  const provider = new WsProvider(endpoint, 2_500);
  sharedProvider = provider;
  provider.on('connected', () => setState({ status: 'connected', error: null }));
  provider.on('disconnected', () => {
    if (connection.state.status !== 'unreachable') {
      setState({ status: 'unreachable', error: 'connection closed; retrying' });
    }
  });
  provider.on('error', (e) => {
    const detail = e && e.message ? e.message : 'connection refused or closed';
    setState({ status: 'unreachable', error: `${detail}; retrying every 2.5 s` });
  });
  const api = await ApiPromise.create({ provider, rpc: RPC_DEFINITIONS, noInitWarn: true });
  await api.isReady;
  setState({ status: 'connected', error: null });
  return api;
}

/** A one-line message for an error an RPC call or query threw. */
export function errorText(e) {
  if (!e) return 'unknown error';
  return e.message || String(e);
}
