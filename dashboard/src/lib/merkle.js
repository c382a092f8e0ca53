// RFC 9162 §2.1 Merkle tree hashing and inclusion-proof verification, as the node's
// `primitives/src/ct.rs` defines them: leaf hash = SHA-256(0x00 || entry), node hash =
// SHA-256(0x01 || left || right). SHA-256 is WebCrypto's (`crypto.subtle`), available in
// the browser on 127.0.0.1 (a secure context) and in Node >= 19, so the same module is
// unit-tested under `node --test` and runs in the dashboard.

/** Length of every hash in the log (SHA-256). */
export const HASH_LEN = 32;

/** Why a proof was refused before or while hashing (the verdict is then "not verified"). */
export class ProofError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ProofError';
  }
}

/** `0x`-prefixed (or bare) hex to bytes; throws ProofError on anything else. */
export function hexToBytes(hex) {
  if (typeof hex !== 'string') throw new ProofError(`expected a hex string, got ${typeof hex}`);
  const clean = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (clean.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(clean)) {
    throw new ProofError(`not hex: ${hex.length > 80 ? `${hex.slice(0, 80)}…` : hex}`);
  }
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** Bytes to `0x`-prefixed lower-case hex. */
export function bytesToHex(bytes) {
  return `0x${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A hex string that must be exactly one 32-byte hash. */
function hashFromHex(hex, what) {
  const bytes = hexToBytes(hex);
  if (bytes.length !== HASH_LEN) throw new ProofError(`${what} is ${bytes.length} bytes, not ${HASH_LEN}`);
  return bytes;
}

async function sha256(...parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const buf = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', buf));
}

/** SHA-256(0x00 || entry): the hash of a log entry (a certificate's DER). */
export const leafHash = (entry) => sha256(Uint8Array.of(0x00), entry);

/** SHA-256(0x01 || left || right): the hash of an interior node. */
export const nodeHash = (left, right) => sha256(Uint8Array.of(0x01), left, right);

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}

/** A non-negative safe integer (JSON numbers from the node), as a BigInt. */
function size(value, what) {
  if (typeof value === 'bigint' && value >= 0n) return value;
  if (!Number.isSafeInteger(value) || value < 0) throw new ProofError(`${what} is not a non-negative integer: ${value}`);
  return BigInt(value);
}

/**
 * The number of hashes in the inclusion proof of leaf `index` in a tree of `treeSize`
 * leaves (`inclusion_proof_len` in ct.rs); throws ProofError if `index >= treeSize`.
 */
export function inclusionProofLength(index, treeSize) {
  let m = size(index, 'leaf index');
  let n = size(treeSize, 'tree size');
  if (m >= n) throw new ProofError(`leaf index ${m} is not below the tree size ${n}`);
  let len = 0;
  while (n > 1n) {
    let k = 1n;
    while (k * 2n < n) k *= 2n;
    if (m < k) n = k;
    else {
      m -= k;
      n -= k;
    }
    len += 1;
  }
  return len;
}

/**
 * RFC 9162 §2.1.3.2: does `auditPath` (hashes, bytes) prove that `leaf` (a leaf hash) is
 * leaf `leafIndex` of the tree of `treeSize` leaves whose root is `root`? Resolves to
 * true or false; a proof of the wrong length or an index outside the tree is false.
 */
export async function verifyInclusion(leafIndex, treeSize, leaf, auditPath, root) {
  let fn;
  let sn;
  try {
    if (auditPath.length !== inclusionProofLength(leafIndex, treeSize)) return false;
    fn = size(leafIndex, 'leaf index');
    sn = size(treeSize, 'tree size') - 1n;
  } catch (e) {
    if (e instanceof ProofError) return false;
    throw e;
  }
  let r = leaf;
  for (const p of auditPath) {
    if (sn === 0n) return false;
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return sn === 0n && equalBytes(r, root);
}

/**
 * Checks a `trustchain_inclusionProof` answer for certificate `der` (bytes) against a
 * tree head (`trustchain_treeHead`: `{ size, root }`) obtained separately, recomputing
 * the leaf hash from the DER: nothing the proof says about the leaf or the root is
 * trusted. Resolves to `{ verified, reason, leafHash }`; `reason` says why not.
 */
export async function checkInclusion({ der, proof, head }) {
  const computedLeaf = await leafHash(der);
  const result = (verified, reason) => ({ verified, reason, leafHash: bytesToHex(computedLeaf) });
  try {
    if (!proof || typeof proof !== 'object') return result(false, 'no proof');
    if (!head || typeof head !== 'object') return result(false, 'no tree head');
    if (proof.treeSize !== head.size) {
      return result(false, `the proof is for a tree of ${proof.treeSize} leaves, the head has ${head.size}`);
    }
    if (!Array.isArray(proof.auditPath)) return result(false, 'the audit path is not a list');
    const path = proof.auditPath.map((h, i) => hashFromHex(h, `audit path element ${i}`));
    const root = hashFromHex(head.root, 'the tree head root');
    const expected = inclusionProofLength(proof.leafIndex, head.size);
    if (path.length !== expected) {
      return result(false, `the audit path has ${path.length} hashes, ${expected} expected`);
    }
    if (proof.leafHash != null && proof.leafHash.toLowerCase() !== bytesToHex(computedLeaf)) {
      return result(false, 'the proof\'s leaf hash is not SHA-256(0x00 || DER)');
    }
    const ok = await verifyInclusion(proof.leafIndex, head.size, computedLeaf, path, root);
    return ok ? result(true, null) : result(false, 'the audit path does not lead to the tree head root');
  } catch (e) {
    if (e instanceof ProofError) return result(false, e.message);
    throw e;
  }
}
