// Helpers for the TrustChain end-to-end test, written from the specifications
// (X.690 DER, X.509 (2019) §9.8 pre-TBS, RFC 9162 Merkle proofs) and independent
// of the node's Rust code: the test checks the node against them.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { nodeBinary } from './node-process.js';

const execFileAsync = promisify(execFile);

// ---------------------------------------------------------------------------
// Processes

/** Runs `hypermesh-node trustchain <args>` and returns its stdout parsed as JSON (or null if empty). */
export async function trustchainCli(...args) {
  const { stdout } = await execFileAsync(nodeBinary(), ['trustchain', ...args], {
    timeout: 120_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const text = stdout.trim();
  return text ? JSON.parse(text) : null;
}

/**
 * Runs a command (e.g. `openssl`) and returns { code, stdout, stderr } without
 * throwing on a non-zero exit, so a test can assert on failures too.
 */
export async function run(command, args, options = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(command, args, { timeout: 60_000, ...options });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (typeof err.code !== 'number') throw err; // could not start, or killed
    return { code: err.code, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

// ---------------------------------------------------------------------------
// Bytes

export const hexToBytes = (hex) => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ''), 'hex'));
export const bytesToHex = (bytes) => `0x${Buffer.from(bytes).toString('hex')}`;
export const sha256 = (...parts) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** A PEM CERTIFICATE block as DER bytes. */
export function pemToDer(pem) {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(pem);
  if (!m) throw new Error('no PEM certificate');
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

// ---------------------------------------------------------------------------
// DER (X.690), just enough for X.509

/**
 * Reads the TLV at `offset` of `buf`: { tag, constructed, start, contentStart, end }
 * (`end` is exclusive). Only single-byte tags (all X.509 needs) and definite lengths
 * (DER has no others) are accepted.
 */
export function readTlv(buf, offset = 0) {
  if (offset + 2 > buf.length) throw new Error(`DER: truncated header at ${offset}`);
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) throw new Error(`DER: multi-byte tag at ${offset}`);
  let pos = offset + 1;
  let len = buf[pos++];
  if (len & 0x80) {
    const count = len & 0x7f;
    if (count === 0 || count > 4) throw new Error(`DER: bad length form at ${offset}`);
    len = 0;
    for (let i = 0; i < count; i++) len = len * 256 + buf[pos++];
    if (len < 0x80 || buf[offset + 2] === 0) throw new Error(`DER: non-minimal length at ${offset}`);
  }
  const end = pos + len;
  if (end > buf.length) throw new Error(`DER: length ${len} at ${offset} overruns the buffer`);
  return { tag, constructed: (tag & 0x20) !== 0, start: offset, contentStart: pos, end };
}

/** The TLVs directly inside a constructed TLV. */
export function children(buf, tlv) {
  const out = [];
  for (let pos = tlv.contentStart; pos < tlv.end;) {
    const child = readTlv(buf, pos);
    out.push(child);
    pos = child.end;
  }
  if (out.length && out[out.length - 1].end !== tlv.end) throw new Error('DER: children overrun');
  return out;
}

const raw = (buf, tlv) => buf.subarray(tlv.start, tlv.end);
const content = (buf, tlv) => buf.subarray(tlv.contentStart, tlv.end);

/** DER length octets for `n`. */
export function encodeLength(n) {
  if (n < 0x80) return Uint8Array.of(n);
  const bytes = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** A TLV with `tag` around the concatenation of `parts`. */
export function encodeTlv(tag, ...parts) {
  const body = Buffer.concat(parts.map((p) => Buffer.from(p)));
  return new Uint8Array(Buffer.concat([Buffer.of(tag), Buffer.from(encodeLength(body.length)), body]));
}

/** An OBJECT IDENTIFIER's content octets as dotted text. */
export function decodeOid(bytes) {
  const arcs = [];
  let value = 0n;
  for (const b of bytes) {
    value = (value << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      if (arcs.length === 0) {
        const first = value < 80n ? value / 40n : 2n;
        arcs.push(first, value - first * 40n);
      } else {
        arcs.push(value);
      }
      value = 0n;
    }
  }
  return arcs.join('.');
}

/** A BIT STRING's bits as bytes; the unused-bits count must be 0. */
function bitStringBytes(buf, tlv) {
  if (tlv.tag !== 0x03) throw new Error(`expected a BIT STRING, got tag 0x${tlv.tag.toString(16)}`);
  const c = content(buf, tlv);
  if (c[0] !== 0) throw new Error('BIT STRING with unused bits');
  return c.subarray(1);
}

export const OID_ALT_SPKI = '2.5.29.72';
export const OID_ALT_SIG_ALG = '2.5.29.73';
export const OID_ALT_SIG_VALUE = '2.5.29.74';
export const OID_FALCON1024 = '1.3.9999.3.14';
export const OID_SUBJECT_ALT_NAME = '2.5.29.17';

/**
 * Takes an X.509 certificate apart:
 * { tbs, preTbs, extensions: [{ oid, critical, value }], altSignature,
 *   altSignatureAlgorithm, subjectAltPublicKey, subjectAltPublicKeyAlgorithm, dnsNames }.
 *
 * `preTbs` is X.509 (2019) §9.8's preTBSCertificate: the DER TBSCertificate without its
 * `signature` field (the AlgorithmIdentifier after the serial number) and with the
 * altSignatureValue extension removed from the extensions SEQUENCE, every enclosing
 * length (extensions SEQUENCE, [3] EXPLICIT wrapper, TBSCertificate) re-encoded.
 */
export function parseCertificate(der) {
  const cert = readTlv(der, 0);
  if (cert.tag !== 0x30 || cert.end !== der.length) throw new Error('not a DER SEQUENCE certificate');
  const [tbs, sigAlg, sigValue, ...rest] = children(der, cert);
  if (!tbs || !sigAlg || !sigValue || rest.length) throw new Error('Certificate is not 3 elements');
  if (tbs.tag !== 0x30) throw new Error('TBSCertificate is not a SEQUENCE');

  const tbsFields = children(der, tbs);
  const extsWrapper = tbsFields.find((f) => f.tag === 0xa3);
  if (!extsWrapper) throw new Error('no extensions ([3])');
  if (tbsFields[tbsFields.length - 1] !== extsWrapper) throw new Error('[3] is not the last TBS field');
  const [extsSeq, ...extra] = children(der, extsWrapper);
  if (!extsSeq || extsSeq.tag !== 0x30 || extra.length) throw new Error('[3] does not hold one SEQUENCE');

  const extensions = children(der, extsSeq).map((ext) => {
    const parts = children(der, ext);
    if (parts[0].tag !== 0x06) throw new Error('extension without an OID');
    const oid = decodeOid(content(der, parts[0]));
    let critical = false;
    let valueTlv = parts[1];
    if (parts.length === 3) {
      if (parts[1].tag !== 0x01) throw new Error('extension critical flag is not a BOOLEAN');
      critical = der[parts[1].contentStart] !== 0;
      valueTlv = parts[2];
    }
    if (!valueTlv || valueTlv.tag !== 0x04) throw new Error(`extension ${oid}: no OCTET STRING`);
    return { oid, critical, tlv: ext, value: new Uint8Array(content(der, valueTlv)) };
  });

  const kept = extensions.filter((e) => e.oid !== OID_ALT_SIG_VALUE).map((e) => raw(der, e.tlv));
  const newExtsSeq = encodeTlv(0x30, ...kept);
  const newWrapper = encodeTlv(0xa3, newExtsSeq);
  // v3: [0] version, serialNumber, signature, issuer, ...: the signature field is the third.
  if (tbsFields[0].tag !== 0xa0) throw new Error('not a v3 TBSCertificate');
  const signatureField = tbsFields[2];
  if (!signatureField || signatureField.tag !== 0x30) throw new Error('no signature AlgorithmIdentifier');
  const otherFields = tbsFields
    .filter((f) => f !== extsWrapper && f !== signatureField)
    .map((f) => raw(der, f));
  const preTbs = encodeTlv(0x30, ...otherFields, newWrapper);

  const byOid = (oid) => extensions.find((e) => e.oid === oid);
  const result = {
    tbs: new Uint8Array(raw(der, tbs)),
    preTbs,
    extensions: extensions.map(({ oid, critical, value }) => ({ oid, critical, value })),
    altSignature: null,
    altSignatureAlgorithm: null,
    subjectAltPublicKey: null,
    subjectAltPublicKeyAlgorithm: null,
    dnsNames: [],
  };

  const altValue = byOid(OID_ALT_SIG_VALUE);
  if (altValue) {
    result.altSignature = new Uint8Array(bitStringBytes(altValue.value, readTlv(altValue.value)));
  }
  const altAlg = byOid(OID_ALT_SIG_ALG);
  if (altAlg) {
    const alg = readTlv(altAlg.value);
    result.altSignatureAlgorithm = decodeOid(content(altAlg.value, children(altAlg.value, alg)[0]));
  }
  const altSpki = byOid(OID_ALT_SPKI);
  if (altSpki) {
    const v = altSpki.value;
    const [alg, key] = children(v, readTlv(v));
    result.subjectAltPublicKeyAlgorithm = decodeOid(content(v, children(v, alg)[0]));
    result.subjectAltPublicKey = new Uint8Array(bitStringBytes(v, key));
  }
  const san = byOid(OID_SUBJECT_ALT_NAME);
  if (san) {
    const v = san.value;
    for (const name of children(v, readTlv(v))) {
      if (name.tag === 0x82) result.dnsNames.push(Buffer.from(content(v, name)).toString('ascii'));
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// RFC 9162 Merkle tree proofs (SHA-256)

export const leafHash = (entry) => sha256(Uint8Array.of(0x00), entry);
const nodeHash = (left, right) => sha256(Uint8Array.of(0x01), left, right);

/** RFC 9162 §2.1.3.2: does `auditPath` prove `leaf` at `leafIndex` in the tree of `treeSize` with `root`? */
export function verifyInclusion(leafIndex, treeSize, leaf, auditPath, root) {
  if (!(leafIndex < treeSize)) return false;
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize) - 1n;
  let r = leaf;
  for (const p of auditPath) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while (!((fn & 1n) === 1n || fn === 0n)) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree of `second` leaves (`secondRoot`) extends that of `first` (`firstRoot`)? */
export function verifyConsistency(first, second, proof, firstRoot, secondRoot) {
  const m = BigInt(first);
  const n = BigInt(second);
  if (m === n) return proof.length === 0 && equalBytes(firstRoot, secondRoot);
  if (m === 0n || m > n || proof.length === 0) return false;
  const path = (m & (m - 1n)) === 0n ? [firstRoot, ...proof] : [...proof];
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if ((fn & 1n) === 0n) {
        while (!((fn & 1n) === 1n || fn === 0n)) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(fr, firstRoot) && equalBytes(sr, secondRoot);
}

/** RFC 9162 §2.1.1 MTH over leaf entries (for self-checks of the verifiers). */
export function merkleRoot(leafHashes) {
  if (leafHashes.length === 0) return sha256();
  if (leafHashes.length === 1) return leafHashes[0];
  let k = 1;
  while (k * 2 < leafHashes.length) k *= 2;
  return nodeHash(merkleRoot(leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k)));
}

/** RFC 9162 §2.1.3.1 PATH(m, D[n]) (for self-checks). */
export function auditPath(m, leafHashes) {
  if (leafHashes.length <= 1) return [];
  let k = 1;
  while (k * 2 < leafHashes.length) k *= 2;
  return m < k
    ? [...auditPath(m, leafHashes.slice(0, k)), merkleRoot(leafHashes.slice(k))]
    : [...auditPath(m - k, leafHashes.slice(k)), merkleRoot(leafHashes.slice(0, k))];
}

/** RFC 9162 §2.1.4.1 PROOF(m, D[n]) (for self-checks). */
export function consistencyPath(m, leafHashes, complete = true) {
  const n = leafHashes.length;
  if (m === n) return complete ? [] : [merkleRoot(leafHashes)];
  let k = 1;
  while (k * 2 < n) k *= 2;
  return m <= k
    ? [...consistencyPath(m, leafHashes.slice(0, k), complete), merkleRoot(leafHashes.slice(k))]
    : [...consistencyPath(m - k, leafHashes.slice(k), false), merkleRoot(leafHashes.slice(0, k))];
}

// ---------------------------------------------------------------------------
// Chain interaction (@polkadot/api)

/** `module.Error` (or the dispatch error's text) of a failed extrinsic's events, else null. */
export function dispatchErrorOf(api, events) {
  const failed = events.find(({ event }) => api.events.system.ExtrinsicFailed.is(event));
  if (!failed) return null;
  const dispatchError = failed.event.data.dispatchError;
  if (!dispatchError.isModule) return dispatchError.toString();
  const meta = api.registry.findMetaError(dispatchError.asModule);
  return `${meta.section}.${meta.name}`;
}

/**
 * Signs and sends `tx`. Returns { inPool, inBlock, finalized }: promises that resolve
 * when the pool accepted it, and with { blockHash, events, error } once in a block and
 * once finalized (`error` as in dispatchErrorOf).
 */
export function submit(api, tx, signer, options = {}) {
  let resolvePool;
  let resolveBlock;
  let resolveFinal;
  let reject;
  const inPool = new Promise((res, rej) => { resolvePool = res; reject = rej; });
  const inBlock = new Promise((res) => { resolveBlock = res; });
  const finalized = new Promise((res, rej) => {
    resolveFinal = res;
    const prev = reject;
    reject = (e) => { prev(e); rej(e); };
  });
  // Unhandled rejections of the promises a caller did not await are still reported by
  // the one it awaits.
  inPool.catch(() => {});
  inBlock.catch(() => {});
  finalized.catch(() => {});
  tx.signAndSend(signer, options, (result) => {
    const { status } = result;
    if (status.isReady || status.isBroadcast || status.isInBlock || status.isFinalized) resolvePool();
    if (status.isInBlock) {
      resolveBlock({
        blockHash: status.asInBlock.toHex(), events: result.events, error: dispatchErrorOf(api, result.events),
      });
    }
    if (status.isFinalized) {
      const blockHash = status.asFinalized.toHex();
      resolveBlock({ blockHash, events: result.events, error: dispatchErrorOf(api, result.events) });
      resolveFinal({ blockHash, events: result.events, error: dispatchErrorOf(api, result.events) });
    }
    // Invalid, Dropped, Usurped or FinalityTimeout.
    if (result.isError) reject(new Error(`transaction ${status.type}`));
  }).catch(reject);
  return { inPool, inBlock, finalized };
}

/** Signs, sends, waits for finality: { blockHash, events, error }. */
export const dispatch = (api, tx, signer, options) => submit(api, tx, signer, options).finalized;

/**
 * Signs, sends, waits until it is in a block: { blockHash, events, error }. Only where a
 * fork cannot drop the block (a single-authority dev chain) and finality does not matter.
 */
export const included = (api, tx, signer, options) => submit(api, tx, signer, options).inBlock;

/**
 * Scans finalized blocks from `fromNumber` on (polling, so no block is skipped) for
 * an event matching `predicate`; resolves with { event, blockHash, blockNumber }.
 */
export async function waitForFinalizedEvent(api, fromNumber, predicate, timeoutMs, what = 'event') {
  const deadline = Date.now() + timeoutMs;
  let next = fromNumber;
  for (;;) {
    const head = await api.rpc.chain.getFinalizedHead();
    const finalizedNumber = (await api.rpc.chain.getHeader(head)).number.toNumber();
    for (; next <= finalizedNumber; next++) {
      const blockHash = (await api.rpc.chain.getBlockHash(next)).toHex();
      const events = await (await api.at(blockHash)).query.system.events();
      const found = events.find(({ event }) => predicate(event));
      if (found) return { event: found.event, blockHash, blockNumber: next };
    }
    if (Date.now() > deadline) {
      throw new Error(`no finalized ${what} within ${timeoutMs / 1000} s (scanned to block ${next - 1})`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** The block number of a block hash. */
export async function blockNumberOf(api, blockHash) {
  return (await api.rpc.chain.getHeader(blockHash)).number.toNumber();
}
