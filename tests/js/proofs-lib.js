// Client side of HyperMesh's four-proof validity (PoSpace, PoStake, PoWork, PoTime) for
// the asset registry, written from the specification, independent of the node's Rust
// code: the end-to-end test checks the node against it.
//
// Everything here works on plain bytes (Uint8Array) and BigInt; `toCallArg` turns a proof
// or commitment into the shape @polkadot/api encodes from the metadata.
import { randomBytes } from 'node:crypto';
import { blake2AsU8a } from '@polkadot/util-crypto';
import { auditPath, bytesToHex, leafHash, merkleRoot, sha256, verifyInclusion } from './trustchain-lib.js';

export { bytesToHex, sha256 };

const ascii = (text) => new TextEncoder().encode(text);
export const OPERATION_DOMAIN = ascii('HyperMesh assets operation v1\0');
export const WORK_DOMAIN = ascii('HyperMesh PoWork v1\0');
export const SPACE_DOMAIN = ascii('HyperMesh PoSpace commitment v1\0');
export const CHALLENGE_DOMAIN = ascii('HyperMesh PoSpace challenge v1\0');
/** How many chunks a PoSpace challenge asks for. */
export const CHALLENGES = 4;
/** Call indices of the guarded calls (the byte after the domain in the operation hash). */
export const CALL = { registerAsset: 0, updateAsset: 1, allocate: 3, reportTelemetry: 5 };

// ---------------------------------------------------------------------------
// SCALE, by hand (little-endian fixed-width integers, enums as a variant byte)

const le = (value, bytes) => {
  let v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(8 * bytes)) throw new RangeError(`${value} does not fit ${bytes} bytes`);
  const out = new Uint8Array(bytes);
  for (let i = 0; i < bytes; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
};
export const u16 = (v) => le(v, 2);
export const u32 = (v) => le(v, 4);
export const u64 = (v) => le(v, 8);
export const u128 = (v) => le(v, 16);
export const concat = (...parts) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
};
const u64FromLe = (bytes) => bytes.slice(0, 8).reduceRight((acc, b) => (acc << 8n) | BigInt(b), 0n);
export const equalBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

/** SCALE of an AssetKind given as { Cpu: { cores, mhz } } etc. (the polkadot.js enum shape). */
export function encodeAssetKind(kind) {
  const [[name, f]] = Object.entries(kind);
  switch (name) {
    case 'Cpu': return concat([0], u32(f.cores), u32(f.mhz));
    case 'Gpu': return concat([1], u32(f.devices), u64(f.memoryMib));
    case 'Memory': return concat([2], u64(f.mib));
    case 'Storage': return concat([3], u64(f.gib));
    case 'Network': return concat([4], u64(f.mbps));
    case 'Container': return concat([5], u32(f.slots));
    default: throw new Error(`unknown asset kind ${name}`);
  }
}

export const PRIVACY = ['Private', 'PrivateNetwork', 'P2P', 'PublicNetwork', 'FullPublic'];
/** SCALE of a Privacy variant name. */
export function encodePrivacy(privacy) {
  const index = PRIVACY.indexOf(privacy);
  if (index < 0) throw new Error(`unknown privacy ${privacy}`);
  return Uint8Array.of(index);
}

/** SCALE of Telemetry { measuredCapacity: Option<u64>, used: u64 }. */
export function encodeTelemetry({ measuredCapacity, used }) {
  const option = measuredCapacity === null || measuredCapacity === undefined
    ? Uint8Array.of(0) : concat([1], u64(measuredCapacity));
  return concat(option, u64(used));
}

/** SCALE of TimeProof: u32 number ‖ 32-byte hash. */
export const encodeTime = ({ number, hash }) => concat(u32(number), hash);

// ---------------------------------------------------------------------------
// Operation hashes: blake2_256(domain ‖ call index ‖ SCALE(arguments except the proof))

export const operationHash = (callIndex, ...encodedArgs) =>
  blake2AsU8a(concat(OPERATION_DOMAIN, [callIndex], ...encodedArgs), 256);

export const registerOperation = (kind, privacy) =>
  operationHash(CALL.registerAsset, encodeAssetKind(kind), encodePrivacy(privacy));
export const updateOperation = (id, kind, privacy) =>
  operationHash(CALL.updateAsset, u64(id), encodeAssetKind(kind), encodePrivacy(privacy));
/** `maxPricePerBlock`: the most the consumer accepts to pay per block (CAES plancks). */
export const allocateOperation = (asset, amount, lease, maxPricePerBlock) =>
  operationHash(CALL.allocate, u64(asset), u64(amount), u32(lease), u128(maxPricePerBlock));
export const telemetryOperation = (asset, telemetry) =>
  operationHash(CALL.reportTelemetry, u64(asset), encodeTelemetry(telemetry));

// ---------------------------------------------------------------------------
// PoWork

/** SHA-256(domain ‖ op ‖ signer ‖ SCALE(time) ‖ nonce u64 LE). */
export const workHash = (op, signer, time, nonce) => sha256(WORK_DOMAIN, op, signer, encodeTime(time), u64(nonce));

/** Leading zero bits of a hash, from the first byte's most significant bit. */
export function leadingZeroBits(hash) {
  let bits = 0;
  for (const byte of hash) {
    if (byte === 0) {
      bits += 8;
    } else {
      return bits + Math.clz32(byte) - 24;
    }
  }
  return bits;
}

/** The first nonce from `start` whose work hash has at least `difficulty` leading zero bits. */
export function solveWork(op, signer, time, difficulty, start = 0n) {
  for (let nonce = BigInt(start); ; nonce++) {
    if (leadingZeroBits(workHash(op, signer, time, nonce)) >= difficulty) return nonce;
  }
}

/** The first nonce from `start` whose work hash has fewer than `difficulty` leading zero bits. */
export function easyNonce(op, signer, time, difficulty, start = 0n) {
  for (let nonce = BigInt(start); ; nonce++) {
    if (leadingZeroBits(workHash(op, signer, time, nonce)) < difficulty) return nonce;
  }
}

// ---------------------------------------------------------------------------
// IPv6 text

/** An IPv6 address in text form (RFC 4291 §2.2, incl. `::` and a trailing dotted quad) as 16 bytes. */
export function ipv6ToBytes(text) {
  let s = text.replace(/^\[|\]$/g, '');
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    if ([a, b, c, d].some((x) => x > 255)) throw new Error(`bad IPv4 part in ${text}`);
    s = `${s.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = s.split('::');
  if (halves.length > 2) throw new Error(`${text} has more than one ::`);
  const groups = (h) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) throw new Error(`${text} is not 8 groups`);
  const all = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    if (!/^[0-9a-f]{1,4}$/i.test(g)) throw new Error(`bad group ${g} in ${text}`);
    const v = parseInt(g, 16);
    out[2 * i] = v >> 8;
    out[2 * i + 1] = v & 0xff;
  });
  return out;
}

// ---------------------------------------------------------------------------
// PoSpace

/**
 * A provider's space data: `chunks` chunks of `chunkSize` random bytes, their leaf hashes
 * SHA-256(0x00 ‖ chunk), and the commitment { root, chunks, address, port } binding the
 * RFC 9162 root to an IPv6 location (`address` text, e.g. "2001:db8::a").
 */
export function makeSpace({ chunks = 32, chunkSize = 4096, address, port }) {
  const data = Array.from({ length: chunks }, () => new Uint8Array(randomBytes(chunkSize)));
  const leaves = data.map(leafHash);
  const commitment = {
    root: merkleRoot(leaves),
    chunks: BigInt(chunks),
    address: ipv6ToBytes(address),
    port,
  };
  return { data, leaves, commitment, id: commitmentId(commitment) };
}

/** SHA-256(domain ‖ root ‖ chunks u64 LE ‖ address ‖ port u16 LE). */
export const commitmentId = ({ root, chunks, address, port }) =>
  sha256(SPACE_DOMAIN, root, u64(chunks), address, u16(port));

/** The challenged chunk indices for `seed` (the referenced block's hash), the signer and a commitment. */
export function challengeIndices(seed, signer, commitment) {
  const id = commitmentId(commitment);
  const chunks = BigInt(commitment.chunks);
  return Array.from({ length: CHALLENGES }, (_, i) =>
    u64FromLe(sha256(CHALLENGE_DOMAIN, seed, signer, id, u32(i))) % chunks);
}

/** Answers the challenges: { commitment, chunks: [{ leafHash, path }] }, each self-checked (RFC 9162 §2.1.3.2). */
export function proveSpace(seed, signer, space) {
  const indices = challengeIndices(seed, signer, space.commitment);
  const chunks = indices.map((index) => {
    const i = Number(index);
    const answer = { leafHash: space.leaves[i], path: auditPath(i, space.leaves) };
    if (!verifyInclusion(i, space.leaves.length, answer.leafHash, answer.path, space.commitment.root)) {
      throw new Error(`self-check: inclusion proof of chunk ${i} does not verify`);
    }
    return answer;
  });
  return { commitment: space.commitment, chunks, indices };
}

// ---------------------------------------------------------------------------
// The whole proof

/**
 * A ConsensusProof for operation `op` signed by `signer` (32-byte public key): PoTime
 * `time` ({ number, hash: Uint8Array }), PoStake claim `stake`, PoSpace from `space`
 * (see makeSpace), PoWork solved at `difficulty` from a random start.
 */
export function buildProof({ op, signer, time, stake, space, difficulty }) {
  const start = u64FromLe(randomBytes(8)) >> 2n;
  const nonce = solveWork(op, signer, time, difficulty, start);
  const { commitment, chunks } = proveSpace(time.hash, signer, space);
  return {
    space: { commitment, chunks },
    stake: { bonded: BigInt(stake) },
    work: { nonce },
    time: { number: time.number, hash: time.hash },
  };
}

/**
 * Checks a proof against the specification (everything but chain state: the time
 * reference, the commitment's registration and the bonded stake are the caller's to
 * check). Returns the list of what is wrong, empty if nothing.
 */
export function checkProof(proof, { op, signer, difficulty }) {
  const problems = [];
  const bits = leadingZeroBits(workHash(op, signer, proof.time, proof.work.nonce));
  if (bits < difficulty) problems.push(`PoWork: ${bits} leading zero bits < ${difficulty}`);
  const { commitment, chunks } = proof.space;
  if (chunks.length !== CHALLENGES) {
    problems.push(`PoSpace: ${chunks.length} answers`);
    return problems;
  }
  challengeIndices(proof.time.hash, signer, commitment).forEach((index, i) => {
    if (!verifyInclusion(Number(index), Number(commitment.chunks), chunks[i].leafHash, chunks[i].path, commitment.root)) {
      problems.push(`PoSpace: answer ${i} (chunk ${index}) does not lead to the root`);
    }
  });
  return problems;
}

/** A deep copy of a proof (byte arrays copied), to forge variants of it. */
export function cloneProof(proof) {
  const copy = (v) => {
    if (v instanceof Uint8Array) return new Uint8Array(v);
    if (Array.isArray(v)) return v.map(copy);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, copy(x)]));
    return v;
  };
  return copy(proof);
}

/** A commitment or proof with its byte arrays as 0x-hex, BigInts kept: what @polkadot/api encodes. */
export function toCallArg(value) {
  if (value instanceof Uint8Array) return bytesToHex(value);
  if (Array.isArray(value)) return value.map(toCallArg);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toCallArg(v)]));
  }
  return value;
}
