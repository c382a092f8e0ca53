// Unit test of the dashboard's in-browser RFC 9162 verifier (dashboard/src/lib/merkle.js,
// WebCrypto SHA-256) against proofs served by the real node, and against this suite's
// independent verifier (trustchain-lib.js, node:crypto) on trees of 1 to 33 leaves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  checkInclusion, hexToBytes, inclusionProofLength, leafHash, verifyInclusion,
} from '../../dashboard/src/lib/merkle.js';
import {
  auditPath, leafHash as libLeafHash, merkleRoot, verifyInclusion as libVerifyInclusion,
} from './trustchain-lib.js';

// Produced by hypermesh-node --dev with its CA service: four certificates issued to Bob,
// then `trustchain_inclusionProof(m, n)` for every 0 <= m < n <= 4 (each proof's `root`
// equal to roots[n - 1], the root `trustchain_inclusionProof(0, n)` reported) and
// `trustchain_certificate(m).leafHash`.
const NODE = {
  leafHashes: [
    '0x6d30c742a3aa967f470a6e42ce35fee86b1db0892d69a8dc6efe3bc91af8ff8b',
    '0x773ecf5742758622cb2edb02a15d6e1bde0c2b08d363479e6677c1fed0294a6a',
    '0x3c519e22d2c45c6f0b42e93d4da8cdd502a44ec6568a1aec934a2e0e26db0650',
    '0xabf82841626d455acec48eb264ca261f9e408e1014d4d92cf1056e6ba95effb7',
  ],
  roots: [
    '0x6d30c742a3aa967f470a6e42ce35fee86b1db0892d69a8dc6efe3bc91af8ff8b',
    '0x7563332aa78a1d3d99ce168dd57fbfad2147234247dc22a126bf8ac800c417c7',
    '0x57c79c4d5cb5904ee6f62b06cc3186b9063e9b3261a53f4fd089648c927d6d71',
    '0x59d0bcace64051e3b94f89053e05565d2914c8a4595dd3fc634c14b72ce06d6b',
  ],
  // [leafIndex, treeSize, auditPath]
  proofs: [
    [0, 1, []],
    [0, 2, ['0x773ecf5742758622cb2edb02a15d6e1bde0c2b08d363479e6677c1fed0294a6a']],
    [1, 2, ['0x6d30c742a3aa967f470a6e42ce35fee86b1db0892d69a8dc6efe3bc91af8ff8b']],
    [0, 3, ['0x773ecf5742758622cb2edb02a15d6e1bde0c2b08d363479e6677c1fed0294a6a', '0x3c519e22d2c45c6f0b42e93d4da8cdd502a44ec6568a1aec934a2e0e26db0650']],
    [1, 3, ['0x6d30c742a3aa967f470a6e42ce35fee86b1db0892d69a8dc6efe3bc91af8ff8b', '0x3c519e22d2c45c6f0b42e93d4da8cdd502a44ec6568a1aec934a2e0e26db0650']],
    [2, 3, ['0x7563332aa78a1d3d99ce168dd57fbfad2147234247dc22a126bf8ac800c417c7']],
    [0, 4, ['0x773ecf5742758622cb2edb02a15d6e1bde0c2b08d363479e6677c1fed0294a6a', '0x01d8fc028aaf3928810a7293b7b3e434282323d49039b110446074125bf17b50']],
    [1, 4, ['0x6d30c742a3aa967f470a6e42ce35fee86b1db0892d69a8dc6efe3bc91af8ff8b', '0x01d8fc028aaf3928810a7293b7b3e434282323d49039b110446074125bf17b50']],
    [2, 4, ['0xabf82841626d455acec48eb264ca261f9e408e1014d4d92cf1056e6ba95effb7', '0x7563332aa78a1d3d99ce168dd57fbfad2147234247dc22a126bf8ac800c417c7']],
    [3, 4, ['0x3c519e22d2c45c6f0b42e93d4da8cdd502a44ec6568a1aec934a2e0e26db0650', '0x7563332aa78a1d3d99ce168dd57fbfad2147234247dc22a126bf8ac800c417c7']],
  ],
};

const flip = (hex, byte = 31) => {
  const b = hexToBytes(hex);
  b[byte] ^= 0x01;
  return b;
};

test('every inclusion proof the node served verifies against its root; one flipped bit does not', async () => {
  assert.equal(NODE.proofs.length, 10);
  for (const [m, n, path] of NODE.proofs) {
    const leaf = hexToBytes(NODE.leafHashes[m]);
    const root = hexToBytes(NODE.roots[n - 1]);
    const hashes = path.map(hexToBytes);
    assert.equal(hashes.length, inclusionProofLength(m, n), `proof length (${m}, ${n})`);
    assert.equal(await verifyInclusion(m, n, leaf, hashes, root), true, `proof (${m}, ${n})`);
    // The independent verifier agrees.
    assert.equal(libVerifyInclusion(m, n, leaf, hashes, root), true);
    assert.equal(await verifyInclusion(m, n, leaf, hashes, flip(NODE.roots[n - 1], 0)), false, `root flipped (${m}, ${n})`);
    assert.equal(await verifyInclusion(m, n, flip(NODE.leafHashes[m]), hashes, root), false, `leaf flipped (${m}, ${n})`);
    for (let i = 0; i < hashes.length; i++) {
      const bad = hashes.map((h, j) => (j === i ? flip(path[i], 7) : h));
      assert.equal(await verifyInclusion(m, n, leaf, bad, root), false, `path[${i}] flipped (${m}, ${n})`);
    }
    if (n > 1) {
      // Another leaf's proof, or this one at another index, does not verify.
      const other = (m + 1) % n;
      assert.equal(await verifyInclusion(other, n, leaf, hashes, root), false, `index ${other} for leaf ${m} of ${n}`);
    }
  }
});

test('wrong lengths, indexes outside the tree and garbage sizes are "not verified", never a throw', async () => {
  const [m, n, path] = NODE.proofs.find(([, size, p]) => size === 4 && p.length === 2);
  const leaf = hexToBytes(NODE.leafHashes[m]);
  const root = hexToBytes(NODE.roots[3]);
  const hashes = path.map(hexToBytes);
  assert.equal(await verifyInclusion(m, n, leaf, hashes.slice(1), root), false, 'short proof');
  assert.equal(await verifyInclusion(m, n, leaf, [...hashes, hashes[0]], root), false, 'long proof');
  assert.equal(await verifyInclusion(4, 4, leaf, hashes, root), false, 'index == size');
  assert.equal(await verifyInclusion(0, 0, leaf, [], root), false, 'empty tree');
  assert.equal(await verifyInclusion(-1, 4, leaf, hashes, root), false, 'negative index');
  assert.equal(await verifyInclusion(0.5, 4, leaf, hashes, root), false, 'fractional index');
  assert.equal(await verifyInclusion(m, '4', leaf, hashes, root), false, 'size as a string');
  // A one-leaf tree: the root is the leaf hash; any path element breaks it.
  const only = hexToBytes(NODE.leafHashes[0]);
  assert.equal(await verifyInclusion(0, 1, only, [], hexToBytes(NODE.roots[0])), true);
  assert.equal(await verifyInclusion(0, 1, only, [only], hexToBytes(NODE.roots[0])), false);
});

test('agrees with the independent verifier on every leaf of trees of 1 to 33 leaves', async () => {
  const leaves = Array.from({ length: 33 }, () => libLeafHash(randomBytes(40)));
  for (let n = 1; n <= leaves.length; n++) {
    const tree = leaves.slice(0, n);
    const root = merkleRoot(tree);
    for (let m = 0; m < n; m++) {
      const path = auditPath(m, tree);
      assert.equal(path.length, inclusionProofLength(m, n));
      assert.equal(await verifyInclusion(m, n, tree[m], path, root), true, `(${m}, ${n})`);
      if (n > 1) assert.equal(await verifyInclusion(m, n, tree[(m + 1) % n], path, root), false);
    }
  }
  // The leaf hash is the same SHA-256(0x00 || entry).
  const entry = randomBytes(100);
  assert.deepEqual(await leafHash(entry), new Uint8Array(libLeafHash(entry)));
});

test('checkInclusion refuses malformed proofs and heads with a reason, recomputing the leaf from the DER', async () => {
  const der = randomBytes(64);
  const leaf = await leafHash(der);
  const other = libLeafHash(randomBytes(8));
  const tree = [other, leaf, libLeafHash(randomBytes(8))];
  const hex = (b) => `0x${Buffer.from(b).toString('hex')}`;
  const head = { size: 3, root: hex(merkleRoot(tree)) };
  const proof = { leafIndex: 1, treeSize: 3, leafHash: hex(leaf), auditPath: auditPath(1, tree).map(hex) };
  assert.deepEqual(await checkInclusion({ der, proof, head }), { verified: true, reason: null, leafHash: hex(leaf) });

  const cases = [
    [{ der, proof: null, head }, /no proof/],
    [{ der, proof, head: null }, /no tree head/],
    [{ der, proof: { ...proof, treeSize: 2 }, head }, /tree of 2 leaves, the head has 3/],
    [{ der, proof: { ...proof, auditPath: 'x' }, head }, /not a list/],
    [{ der, proof: { ...proof, auditPath: ['0xzz', proof.auditPath[1]] }, head }, /not hex/],
    [{ der, proof: { ...proof, auditPath: [proof.auditPath[0].slice(0, 64), proof.auditPath[1]] }, head }, /31 bytes, not 32/],
    [{ der, proof: { ...proof, auditPath: proof.auditPath.slice(1) }, head }, /has 1 hashes, 2 expected/],
    [{ der, proof: { ...proof, leafIndex: 3 }, head }, /leaf index 3 is not below the tree size 3/],
    [{ der, proof: { ...proof, leafHash: hex(other) }, head }, /leaf hash is not SHA-256/],
    [{ der: der.subarray(1), proof: { ...proof, leafHash: null }, head }, /does not lead to the tree head root/],
    [{ der, proof, head: { ...head, root: hex(flip(head.root)) } }, /does not lead to the tree head root/],
    [{ der, proof, head: { ...head, root: '0x1234' } }, /2 bytes, not 32/],
  ];
  for (const [input, reason] of cases) {
    const result = await checkInclusion(input);
    assert.equal(result.verified, false, String(reason));
    assert.match(result.reason, reason);
  }
});
