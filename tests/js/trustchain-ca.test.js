// End-to-end: TrustChain as an on-chain certificate authority, used the way an
// operator and a user would: `hypermesh-node trustchain ca-generate/keygen/prove`,
// a dev node running the CA service, @polkadot/api for the calls, the real
// OpenSSL CLI for the X.509 checks, an independent FALCON-1024 verifier
// (@noble/post-quantum, pure JS) for the post-quantum signature, and an
// independent RFC 9162 verifier (trustchain-lib.js) for the CT log proofs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, verify as cryptoVerify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiPromise, WsProvider, Keyring } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { falcon1024padded } from '@noble/post-quantum/falcon.js';
import { scrapeMetrics, startDevNode } from './node-process.js';
import {
  OID_ALT_SIG_ALG, OID_ALT_SIG_VALUE, OID_ALT_SPKI, OID_FALCON1024,
  blockNumberOf, bytesToHex, dispatch, hexToBytes, leafHash, parseCertificate, pemToDer, run,
  submit, trustchainCli, verifyConsistency, verifyInclusion, waitForFinalizedEvent,
} from './trustchain-lib.js';

const UNIT = 10n ** 12n;
const AUTHORITY = 0;
const BOB_NAME = 'bob.hypermesh';
/** How long the CA service may take to issue once a request is finalized (debug build). */
const ISSUE_TIMEOUT_MS = 90_000;

let work; // temp dir: CA, keys, PEM files
let ca; // ca-generate's JSON for the node's CA
let otherCa; // a second CA that never issues anything
let node;
let api;
let provider;
let keyring;
let alice;
let bob;
let charlie;
let bobProof; // `prove` output for Bob's keys and Bob's account
let requestId; // Bob's first request
let certId; // the certificate issued for it
let certJson; // trustchain_certificate(certId)
let certDer;
let pendingRequest; // { id, blockNumber } of the request the failing issue calls met

const rpc = (method, ...params) => provider.send(method, params);
const reservedOf = async (at, who) => (await at.query.system.account(who)).data.reserved.toBigInt();
/** The last lines the node logged about TrustChain, for failure messages. */
const nodeLog = () => node.logs().split('\n').filter((l) => /trustchain|error|panic/i.test(l)).slice(-30).join('\n');

before(async () => {
  await cryptoWaitReady();
  work = mkdtempSync(join(tmpdir(), 'hypermesh-trustchain-'));
  ca = await trustchainCli('ca-generate', '--out', join(work, 'ca'), '--name', 'HyperMesh E2E CA');
  otherCa = await trustchainCli('ca-generate', '--out', join(work, 'other-ca'), '--name', 'HyperMesh E2E CA');
  await trustchainCli('keygen', '--out', join(work, 'bob-keys'));
  node = await startDevNode([
    '--trustchain-ca-dir', join(work, 'ca'),
    '--trustchain-authority', String(AUTHORITY),
    '--trustchain-operator-suri', '//Alice',
  ]);
  api = await ApiPromise.create({
    provider: (provider = new WsProvider(`ws://127.0.0.1:${node.rpcPort}`)),
    noInitWarn: true,
    throwOnConnect: true,
  });
  keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  alice = keyring.addFromUri('//Alice');
  bob = keyring.addFromUri('//Bob');
  charlie = keyring.addFromUri('//Charlie');
});

after(async () => {
  if (api) await api.disconnect();
  if (node) await node.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test('ca-generate prints add_authority material; Alice (sudo) adds authority 0; names are registered', { timeout: 180_000 }, async () => {
  // What ca-generate printed is coherent: a P-256 point, a FALCON-1024 key, the CA cert as DER and PEM.
  assert.match(ca.classicalPublicKey.EcdsaP256, /^0x04[0-9a-f]{128}$/);
  assert.equal(hexToBytes(ca.falconPublicKey).length, 1793);
  assert.equal(hexToBytes(ca.falconPublicKey)[0], 0x0a, 'FALCON-1024 public key header');
  assert.deepEqual(pemToDer(ca.caCertificatePem), hexToBytes(ca.caCertificate));
  const caX509 = new X509Certificate(hexToBytes(ca.caCertificate));
  assert.equal(caX509.ca, true);
  assert.match(caX509.subject, /CN=HyperMesh E2E CA/);
  assert.equal(caX509.publicKey.export({ format: 'jwk' }).crv, 'P-256');

  const add = api.tx.trustChain.addAuthority(
    AUTHORITY, { Root: null }, alice.address,
    ca.caCertificate, ca.classicalPublicKey, ca.falconPublicKey);
  const { events, error } = await dispatch(api, api.tx.sudo.sudo(add), alice);
  assert.equal(error, null);
  const sudid = events.find(({ event }) => api.events.sudo.Sudid.is(event));
  assert.ok(sudid, 'no Sudo.Sudid event');
  const sudoResult = sudid.event.data.sudoResult;
  const sudoError = sudoResult.isErr && sudoResult.asErr.isModule
    ? api.registry.findMetaError(sudoResult.asErr.asModule).name : sudoResult.toString();
  assert.ok(sudoResult.isOk, `sudo(addAuthority) failed: ${sudoError}`);
  assert.ok(events.some(({ event }) => api.events.trustChain.AuthorityAdded.is(event)), 'no AuthorityAdded');
  const authority = (await api.query.trustChain.authorities(AUTHORITY)).unwrap();
  assert.equal(authority.operator.toString(), alice.address);
  assert.equal(authority.falconPublicKey.toHex(), ca.falconPublicKey);

  // Bob registers his name; Alice registers one Bob will try to use without owning it.
  const bobReg = await dispatch(api, api.tx.trustChain.registerName(BOB_NAME), bob);
  assert.equal(bobReg.error, null);
  const aliceReg = await dispatch(api, api.tx.trustChain.registerName('alice.hypermesh'), alice);
  assert.equal(aliceReg.error, null);
  assert.equal((await api.query.trustChain.names('bob')).unwrap().owner.toString(), bob.address);
});

test('Bob proves possession of his keys, requests a certificate, and the CA service issues it', { timeout: 240_000 }, async () => {
  const genesis = api.genesisHash.toHex();
  bobProof = await trustchainCli('prove', '--keys', join(work, 'bob-keys'), '--account', bob.address, '--genesis', genesis);
  assert.equal(hexToBytes(bobProof.falconProof).length, 1280);
  assert.deepEqual(hexToBytes(bobProof.falconPublicKey), new Uint8Array(readFileSync(join(work, 'bob-keys', 'falcon.pub'))));

  // The proofs verify independently of the node: P-256 with node:crypto, FALCON with
  // @noble/post-quantum, over the documented message (domain || genesis || account ||
  // SCALE(classical key) || FALCON key), the key's SCALE encoding taken from the metadata.
  const keyType = api.tx.trustChain.requestCertificate.meta.args[1].type.toString();
  const message = Buffer.concat([
    Buffer.from('HyperMesh TrustChain proof of possession v1\0'),
    hexToBytes(genesis),
    bob.publicKey,
    api.createType(keyType, bobProof.classicalPublicKey).toU8a(),
    hexToBytes(bobProof.falconPublicKey),
  ]);
  const point = hexToBytes(bobProof.classicalPublicKey.EcdsaP256);
  const bobP256 = createPublicKey({
    key: {
      kty: 'EC', crv: 'P-256',
      x: Buffer.from(point.subarray(1, 33)).toString('base64url'),
      y: Buffer.from(point.subarray(33, 65)).toString('base64url'),
    },
    format: 'jwk',
  });
  assert.ok(cryptoVerify('sha256', message, { key: bobP256, dsaEncoding: 'der' }, hexToBytes(bobProof.classicalProof)),
    'classical proof of possession does not verify');
  assert.ok(falcon1024padded.verify(hexToBytes(bobProof.falconProof), message, hexToBytes(bobProof.falconPublicKey)),
    'FALCON proof of possession does not verify');

  const deposit = api.consts.trustChain.requestDeposit.toBigInt();
  const reservedBefore = await reservedOf(api, bob.address);
  const { blockHash, events, error } = await dispatch(api, api.tx.trustChain.requestCertificate(
    [BOB_NAME], bobProof.classicalPublicKey, bobProof.falconPublicKey,
    bobProof.classicalProof, bobProof.falconProof, null), bob);
  assert.equal(error, null);
  const requested = events.find(({ event }) => api.events.trustChain.CertificateRequested.is(event));
  assert.ok(requested, 'no CertificateRequested event');
  requestId = requested.event.data.id.toNumber();
  assert.equal(requested.event.data.requester.toString(), bob.address);
  assert.equal(await reservedOf(await api.at(blockHash), bob.address), reservedBefore + deposit);

  let issued;
  try {
    issued = await waitForFinalizedEvent(api, await blockNumberOf(api, blockHash),
      (event) => api.events.trustChain.CertificateIssued.is(event) && event.data.request.toNumber() === requestId,
      ISSUE_TIMEOUT_MS, `CertificateIssued for request ${requestId}`);
  } catch (err) {
    err.message += `\nnode log:\n${nodeLog()}`;
    throw err;
  }
  certId = issued.event.data.id.toNumber();
  assert.equal(issued.event.data.authority.toNumber(), AUTHORITY);
  assert.equal(issued.event.data.holder.toString(), bob.address);
  const at = await api.at(issued.blockHash);
  assert.ok((await at.query.trustChain.requests(requestId)).isNone, 'the request is still pending');
  assert.equal(await reservedOf(at, bob.address), reservedBefore, 'the request deposit was not returned');

  certJson = await rpc('trustchain_certificate', certId);
  assert.ok(certJson, `trustchain_certificate(${certId}) is null`);
  certDer = hexToBytes(certJson.der);
  assert.equal(certJson.id, certId);
  assert.equal(certJson.authority, AUTHORITY);
  assert.equal(certJson.holder, bob.address);
  assert.equal(certJson.request, requestId);
  assert.equal(certJson.notAfter, issued.event.data.notAfter.toNumber());
  assert.deepEqual(certJson.status, { status: 'valid' });
  assert.deepEqual(pemToDer(certJson.pem), certDer);
  assert.equal(certJson.chain.length, 1);
  assert.deepEqual(pemToDer(certJson.chain[0]), hexToBytes(ca.caCertificate));
});

test('OpenSSL verifies the leaf against the CA, sees bob.hypermesh and Bob\'s key; another CA does not verify it', { timeout: 120_000 }, async () => {
  const leafPem = join(work, 'leaf.pem');
  const caPem = join(work, 'ca.pem');
  const otherCaPem = join(work, 'other-ca.pem');
  writeFileSync(leafPem, certJson.pem);
  writeFileSync(caPem, certJson.chain.join(''));
  writeFileSync(otherCaPem, otherCa.caCertificatePem);

  const ok = await run('openssl', ['verify', '-CAfile', caPem, leafPem], { cwd: work });
  assert.equal(ok.code, 0, `openssl verify failed:\n${ok.stdout}${ok.stderr}`);
  assert.equal(ok.stdout.trim(), `${leafPem}: OK`);

  const san = await run('openssl', ['x509', '-in', leafPem, '-noout', '-ext', 'subjectAltName']);
  assert.equal(san.code, 0, san.stderr);
  assert.match(san.stdout, /X509v3 Subject Alternative Name:\s*\n\s*DNS:bob\.hypermesh\s*$/, san.stdout);

  const leafKey = await run('openssl', ['x509', '-in', leafPem, '-noout', '-pubkey']);
  const bobKey = await run('openssl', ['pkey', '-inform', 'DER', '-in', join(work, 'bob-keys', 'p256.key.der'), '-pubout']);
  assert.equal(leafKey.code, 0, leafKey.stderr);
  assert.equal(bobKey.code, 0, bobKey.stderr);
  assert.match(leafKey.stdout, /BEGIN PUBLIC KEY/);
  assert.equal(leafKey.stdout, bobKey.stdout, 'the leaf does not certify Bob\'s P-256 key');
  // ... which is also the point Bob put in his request.
  const spki = createPublicKey(certJson.pem).export({ type: 'spki', format: 'der' });
  assert.equal(bytesToHex(spki.subarray(spki.length - 65)), bobProof.classicalPublicKey.EcdsaP256);

  // The validity OpenSSL reads is the one the chain recorded.
  const leaf = new X509Certificate(certJson.pem);
  assert.equal(Math.floor(Date.parse(leaf.validTo) / 1000), certJson.notAfter);
  assert.equal(Math.floor(Date.parse(leaf.validFrom) / 1000), certJson.notBefore);
  assert.equal(BigInt(`0x${leaf.serialNumber}`), BigInt(certJson.serial));

  // A different CA (same name, other keys) must not verify it.
  const bad = await run('openssl', ['verify', '-CAfile', otherCaPem, leafPem], { cwd: work });
  assert.notEqual(bad.code, 0, 'openssl verified the leaf against an unrelated CA');
  assert.doesNotMatch(bad.stdout, /: OK/);
  assert.match(bad.stdout + bad.stderr, /signature failure|unable to get local issuer|certificate signature failure/i);
});

test('the FALCON-1024 altSignatureValue verifies over the pre-TBS with an independent verifier', { timeout: 120_000 }, async () => {
  const parsed = parseCertificate(certDer);
  const byOid = Object.fromEntries(parsed.extensions.map((e) => [e.oid, e]));
  for (const oid of [OID_ALT_SPKI, OID_ALT_SIG_ALG, OID_ALT_SIG_VALUE]) {
    assert.ok(byOid[oid], `extension ${oid} missing`);
    assert.equal(byOid[oid].critical, false, `extension ${oid} is critical`);
  }
  assert.equal(parsed.altSignatureAlgorithm, OID_FALCON1024);
  assert.equal(parsed.subjectAltPublicKeyAlgorithm, OID_FALCON1024);
  assert.deepEqual(parsed.dnsNames, [BOB_NAME]);
  // The subject's FALCON key is the one Bob requested.
  assert.equal(bytesToHex(parsed.subjectAltPublicKey), bobProof.falconPublicKey);
  assert.equal(parsed.altSignature.length, 1280);
  assert.equal(parsed.altSignature[0], 0x3a, 'FALCON-1024 signature header');
  // The pre-TBS (X.509 (2019) §9.8) is the TBS minus the signature field (ecdsa-with-SHA256's
  // AlgorithmIdentifier, 12 bytes) and the altSignatureValue extension (and re-encoded lengths).
  assert.ok(parsed.preTbs.length < parsed.tbs.length);
  assert.ok(parsed.tbs.length - parsed.preTbs.length >= 1280 + 5 + 12);

  const caFalcon = hexToBytes(ca.falconPublicKey);
  assert.equal(falcon1024padded.verify(parsed.altSignature, parsed.preTbs, caFalcon), true,
    'the CA\'s FALCON signature does not verify over the pre-TBS');

  // Negative controls, each must fail.
  const flipped = parsed.preTbs.slice();
  flipped[Math.floor(flipped.length / 2)] ^= 0x01;
  assert.equal(falcon1024padded.verify(parsed.altSignature, flipped, caFalcon), false, 'verified a modified pre-TBS');
  assert.equal(falcon1024padded.verify(parsed.altSignature, parsed.tbs, caFalcon), false, 'verified over the full TBS');
  assert.equal(falcon1024padded.verify(parsed.altSignature, parsed.preTbs, hexToBytes(otherCa.falconPublicKey)), false,
    'verified with another CA\'s FALCON key');
  const badSig = parsed.altSignature.slice();
  badSig[100] ^= 0x04;
  assert.equal(falcon1024padded.verify(badSig, parsed.preTbs, caFalcon), false, 'verified a modified signature');
});

test('the CT log: RFC 9162 inclusion proof verifies against the tree head; tampering and out-of-range fail', { timeout: 120_000 }, async () => {
  const head = await rpc('trustchain_treeHead');
  assert.ok(head.size > certId, `tree size ${head.size} does not include ${certId}`);
  const proof = await rpc('trustchain_inclusionProof', certId, head.size, head.at);
  assert.equal(proof.leafIndex, certId);
  assert.equal(proof.treeSize, head.size);
  assert.equal(proof.root, head.root);

  const expectedLeaf = leafHash(certDer);
  assert.equal(proof.leafHash, bytesToHex(expectedLeaf), 'leafHash is not SHA-256(0x00 || der)');
  assert.equal(certJson.leafHash, bytesToHex(expectedLeaf));
  const path = proof.auditPath.map(hexToBytes);
  const root = hexToBytes(head.root);
  assert.equal(verifyInclusion(certId, head.size, expectedLeaf, path, root), true, 'the audit path does not verify');

  // Tampering must be caught by the verifier.
  assert.equal(verifyInclusion(certId, head.size, leafHash(certDer.subarray(1)), path, root), false);
  const badRoot = root.slice();
  badRoot[0] ^= 1;
  assert.equal(verifyInclusion(certId, head.size, expectedLeaf, path, badRoot), false);
  if (path.length) {
    const badPath = path.map((p) => p.slice());
    badPath[0][31] ^= 0x80;
    assert.equal(verifyInclusion(certId, head.size, expectedLeaf, badPath, root), false);
    assert.equal(verifyInclusion(certId, head.size, expectedLeaf, path.slice(1), root), false);
  } else {
    // A one-leaf tree: its root is the leaf hash, and any extra path element breaks it.
    assert.equal(head.size, 1);
    assert.equal(head.root, bytesToHex(expectedLeaf));
    assert.equal(verifyInclusion(certId, head.size, expectedLeaf, [expectedLeaf], root), false);
  }

  // The log at the block the certificate was logged in has it as its last leaf.
  // (toJSON: `size` on the codec is Map's own property.)
  const loggedHead = (await api.query.trustChain.treeHeads(certJson.loggedAt)).unwrap().toJSON();
  assert.equal(loggedHead.size, certId + 1);
  const atLogged = await rpc('trustchain_inclusionProof', certId, loggedHead.size);
  assert.equal(atLogged.root, loggedHead.root);
  assert.ok(verifyInclusion(certId, loggedHead.size, expectedLeaf, atLogged.auditPath.map(hexToBytes), hexToBytes(loggedHead.root)),
    'the audit path for the tree head of the logging block does not verify');

  // Out of range: leaf index beyond the tree, and a tree larger than the log.
  for (const params of [[head.size + 5], [certId, certId], [certId, head.size + 100]]) {
    await assert.rejects(rpc('trustchain_inclusionProof', ...params), (err) => {
      assert.match(err.message, /^9101: /, err.message);
      return true;
    }, `inclusionProof(${params}) did not fail with 9101`);
  }
  assert.equal(await rpc('trustchain_certificate', head.size + 5), null);
});

test('Bob revokes his certificate (keyCompromise): status revoked, still logged, event seen', { timeout: 120_000 }, async () => {
  const headBefore = await rpc('trustchain_treeHead');
  const { blockHash, events, error } = await dispatch(api, api.tx.trustChain.revokeCertificate(certId, 'KeyCompromise'), bob);
  assert.equal(error, null);
  const revoked = events.find(({ event }) => api.events.trustChain.CertificateRevoked.is(event));
  assert.ok(revoked, 'no CertificateRevoked event');
  assert.equal(revoked.event.data.id.toNumber(), certId);
  assert.equal(revoked.event.data.reason.toString(), 'KeyCompromise');
  const revokedAt = await blockNumberOf(api, blockHash);

  const status = await rpc('trustchain_status', certId, blockHash);
  assert.deepEqual(status, { status: 'revoked', reason: 'keyCompromise', reasonCode: 1, revokedAt });
  assert.deepEqual(await rpc('trustchain_status', certId), status);

  // Revocation does not touch the log.
  const headAfter = await rpc('trustchain_treeHead', blockHash);
  assert.equal(headAfter.size, headBefore.size);
  assert.equal(headAfter.root, headBefore.root);
  const after = await rpc('trustchain_certificate', certId);
  assert.equal(after.der, certJson.der);
  assert.equal(after.leafHash, certJson.leafHash);
  assert.deepEqual(after.status, status);
  const proof = await rpc('trustchain_inclusionProof', certId, headAfter.size, headAfter.at);
  assert.ok(verifyInclusion(certId, headAfter.size, leafHash(certDer), proof.auditPath.map(hexToBytes), hexToBytes(headAfter.root)));

  // Revocation is final.
  const again = await dispatch(api, api.tx.trustChain.revokeCertificate(certId, 'Superseded'), bob);
  assert.equal(again.error, 'trustChain.AlreadyRevoked');
  assert.equal((await rpc('trustchain_status', certId)).reason, 'keyCompromise');
  // An unknown id has status unknown.
  assert.deepEqual(await rpc('trustchain_status', certId + 1000), { status: 'unknown' });
});

/** The TrustChain state the failing calls below must leave alone, at a block. */
async function snapshot(blockHash) {
  const at = await api.at(blockHash);
  return {
    nextRequestId: (await at.query.trustChain.nextRequestId()).toNumber(),
    requests: (await at.query.trustChain.requests.keys()).map((k) => k.args[0].toNumber()).sort(),
    issued: (await at.query.trustChain.issued.keys()).map((k) => k.args[0].toNumber()).sort(),
    ctLog: (await at.query.trustChain.ctLog()).toHex(),
    bobReserved: await reservedOf(at, bob.address),
    bobNames: (await at.query.trustChain.names('bob')).toHex(),
  };
}

/** Parent of a block. */
const parentOf = async (blockHash) => (await api.rpc.chain.getHeader(blockHash)).parentHash.toHex();

test('requests with bad proofs or foreign names fail with clear module errors and change nothing', { timeout: 300_000 }, async () => {
  const genesis = api.genesisHash.toHex();
  const keys = join(work, 'bob-keys');
  // Proofs made for Charlie's account, submitted by Bob.
  const charlieProof = await trustchainCli('prove', '--keys', keys, '--account', charlie.address, '--genesis', genesis);
  assert.equal(charlieProof.falconPublicKey, bobProof.falconPublicKey);

  const cases = [
    // Both proofs bind the wrong account; the classical proof is checked first.
    ['BadClassicalProof', [BOB_NAME], charlieProof.classicalProof, charlieProof.falconProof],
    // Bob's own classical proof, but the FALCON proof for Charlie.
    ['BadFalconProof', [BOB_NAME], bobProof.classicalProof, charlieProof.falconProof],
    // Valid proofs, but Alice owns the name.
    ['NotNameOwner', ['alice.hypermesh'], bobProof.classicalProof, bobProof.falconProof],
    ['NotNameOwner', [BOB_NAME, 'alice.hypermesh'], bobProof.classicalProof, bobProof.falconProof],
  ];
  for (const [expected, names, classicalProof, falconProof] of cases) {
    const { blockHash, error } = await dispatch(api, api.tx.trustChain.requestCertificate(
      names, bobProof.classicalPublicKey, bobProof.falconPublicKey, classicalProof, falconProof, null), bob);
    assert.equal(error, `trustChain.${expected}`, `request for ${names} (${expected})`);
    assert.deepEqual(await snapshot(blockHash), await snapshot(await parentOf(blockHash)),
      `a failed request (${expected}) changed TrustChain state`);
  }
});

test('issuing with malformed DER, for an unknown authority, or by a non-operator fails and changes nothing', { timeout: 300_000 }, async () => {
  const before = await snapshot((await api.rpc.chain.getFinalizedHead()).toHex());
  assert.deepEqual(before.requests, [], 'a request is already pending');
  const nextId = before.nextRequestId;
  const deposit = api.consts.trustChain.requestDeposit.toBigInt();

  // A fresh request from Bob. The CA service fulfils requests only once they are
  // finalized, so the failing calls below, queued right behind it (Bob's tip puts his
  // request first in its block), meet it while it is pending. Nonces are set here: the
  // node's accountNextIndex does not always count transactions just put in the pool.
  const nonceOf = async (who) => (await api.rpc.system.accountNextIndex(who.address)).toNumber();
  const bobNonce = await nonceOf(bob);
  const aliceNonce = await nonceOf(alice);
  const request = submit(api, api.tx.trustChain.requestCertificate(
    [BOB_NAME], bobProof.classicalPublicKey, bobProof.falconPublicKey,
    bobProof.classicalProof, bobProof.falconProof, null), bob, { tip: UNIT, nonce: bobNonce });
  await request.inPool;
  // Malformed: a real certificate cut short (its outer SEQUENCE overruns the bytes).
  const truncated = certJson.der.slice(0, -20);
  const malformed = submit(api, api.tx.trustChain.issueCertificate(nextId, AUTHORITY, truncated),
    alice, { nonce: aliceNonce });
  await malformed.inPool;
  const unknownAuthority = submit(api, api.tx.trustChain.issueCertificate(nextId, 7, certJson.der),
    alice, { nonce: aliceNonce + 1 });
  await unknownAuthority.inPool;
  const notOperator = submit(api, api.tx.trustChain.issueCertificate(nextId, AUTHORITY, certJson.der),
    bob, { nonce: bobNonce + 1 });

  const requested = await request.finalized;
  assert.equal(requested.error, null);
  const event = requested.events.find(({ event: e }) => api.events.trustChain.CertificateRequested.is(e));
  assert.equal(event.event.data.id.toNumber(), nextId);
  pendingRequest = { id: nextId, blockNumber: await blockNumberOf(api, requested.blockHash) };

  for (const [name, pending, expected] of [
    ['malformed DER', malformed, 'trustChain.MalformedCertificate'],
    ['unknown authority', unknownAuthority, 'trustChain.UnknownAuthority'],
    ['issue by Bob', notOperator, 'trustChain.NotAuthorityOperator'],
  ]) {
    const { blockHash, error } = await pending.finalized;
    assert.equal(error, expected, name);
    const state = await snapshot(blockHash);
    // The request is still pending with Bob's deposit held, and nothing was logged or issued.
    assert.deepEqual(state.requests, [nextId], `${name}: the request is no longer pending`);
    assert.equal(state.nextRequestId, nextId + 1);
    assert.equal(state.bobReserved, before.bobReserved + deposit, name);
    assert.equal(state.ctLog, before.ctLog, `${name}: the CT log changed`);
    assert.deepEqual(state.issued, before.issued, `${name}: a certificate was issued`);
  }
});

test('the CA service still fulfils that request: the log grows, a consistency proof links both heads', { timeout: 240_000 }, async () => {
  assert.ok(pendingRequest, 'the previous test made no request');
  const pendingId = pendingRequest.id;
  let issued;
  try {
    // If its first submission was refused (the operator's nonce was taken by the calls
    // above), the service retries after 10 finalized blocks.
    issued = await waitForFinalizedEvent(api, pendingRequest.blockNumber,
      (event) => api.events.trustChain.CertificateIssued.is(event) && event.data.request.toNumber() === pendingId,
      180_000, `CertificateIssued for request ${pendingId}`);
  } catch (err) {
    err.message += `\nnode log:\n${nodeLog()}`;
    throw err;
  }
  const secondId = issued.event.data.id.toNumber();
  assert.equal(secondId, certId + 1);
  const second = await rpc('trustchain_certificate', secondId);
  assert.deepEqual(second.status, { status: 'valid' });
  assert.notEqual(second.serial, certJson.serial);

  const head = await rpc('trustchain_treeHead');
  assert.equal(head.size, secondId + 1);
  const first = certId + 1; // the log right after Bob's first certificate
  const cons = await rpc('trustchain_consistencyProof', first, head.size, head.at);
  assert.equal(cons.secondRoot, head.root);
  const firstHead = (await api.query.trustChain.treeHeads(certJson.loggedAt)).unwrap().toJSON();
  assert.equal(firstHead.size, first);
  assert.equal(cons.firstRoot, firstHead.root);
  assert.equal(verifyConsistency(first, head.size, cons.proof.map(hexToBytes), hexToBytes(cons.firstRoot), hexToBytes(cons.secondRoot)), true);
  const wrongFirst = hexToBytes(cons.firstRoot);
  wrongFirst[3] ^= 1;
  assert.equal(verifyConsistency(first, head.size, cons.proof.map(hexToBytes), wrongFirst, hexToBytes(cons.secondRoot)), false);
  await assert.rejects(rpc('trustchain_consistencyProof', head.size + 1, head.size + 2), (err) => {
    assert.match(err.message, /^9101: /, err.message);
    return true;
  });

  // The second certificate is also verifiable by OpenSSL against the same CA.
  const leafPem = join(work, 'leaf2.pem');
  writeFileSync(leafPem, second.pem);
  const ok = await run('openssl', ['verify', '-CAfile', join(work, 'ca.pem'), leafPem]);
  assert.equal(ok.stdout.trim(), `${leafPem}: OK`, ok.stderr);
});

test('name resolution: Bob\'s AAAA and SRV records resolve; an unregistered name resolves to null', { timeout: 120_000 }, async () => {
  const { error } = await dispatch(api, api.tx.trustChain.setRecords(BOB_NAME, [
    { Aaaa: '0x20010db8000000000000000000000001' },
    { Srv: { priority: 10, weight: 5, port: 4433, target: BOB_NAME } },
    { Txt: 'stoq=pq-required' },
  ]), bob);
  assert.equal(error, null);

  const resolved = await rpc('trustchain_resolve', BOB_NAME);
  assert.ok(resolved, `${BOB_NAME} does not resolve`);
  assert.equal(resolved.name, BOB_NAME);
  assert.equal(resolved.owner, bob.address);
  assert.equal(typeof resolved.expiresAt, 'number');
  assert.deepEqual(resolved.records, [
    { type: 'AAAA', address: '2001:db8::1' },
    { type: 'SRV', priority: 10, weight: 5, port: 4433, target: BOB_NAME },
    { type: 'TXT', text: 'stoq=pq-required', data: bytesToHex(Buffer.from('stoq=pq-required')) },
  ]);

  assert.equal(await rpc('trustchain_resolve', 'nobody.hypermesh'), null);
  assert.equal(await rpc('trustchain_resolve', 'not a name'), null);
});

test('a request whose name was released before the CA acts is not issued, and the operator pays nothing for it', { timeout: 240_000 }, async () => {
  // Bob registers a name, requests a certificate for it and releases it in the same
  // batch: the request is pending, but the chain would refuse to issue (UnknownName).
  const name = 'leaving.hypermesh';
  assert.equal((await dispatch(api, api.tx.trustChain.registerName(name), bob)).error, null);
  const notIssuedBefore = (await scrapeMetrics(node.prometheusPort)).get('hypermesh_ca_submissions_total{result="not_issued"}');
  const operatorNonce = (await api.rpc.system.accountNextIndex(alice.address)).toNumber();
  const { blockHash, events, error } = await dispatch(api, api.tx.utility.batchAll([
    api.tx.trustChain.requestCertificate([name], bobProof.classicalPublicKey, bobProof.falconPublicKey,
      bobProof.classicalProof, bobProof.falconProof, null),
    api.tx.trustChain.releaseName(name),
  ]), bob);
  assert.equal(error, null);
  const id = events.find(({ event }) => api.events.trustChain.CertificateRequested.is(event)).event.data.id.toNumber();
  const requestedAt = await blockNumberOf(api, blockHash);

  // 12 finalized blocks later (past the service's 10-block retry) the request is still
  // pending, never issued, and the operator (Alice) sent no transaction for it.
  for (;;) {
    const finalized = (await api.rpc.chain.getHeader(await api.rpc.chain.getFinalizedHead())).number.toNumber();
    if (finalized >= requestedAt + 12) break;
    await new Promise((r) => setTimeout(r, 2000));
  }
  assert.ok((await api.query.trustChain.requests(id)).isSome, 'the request is no longer pending');
  assert.equal((await api.rpc.system.accountNextIndex(alice.address)).toNumber(), operatorNonce,
    `the operator submitted something:\n${nodeLog()}`);
  const said = node.logs().split('\n').filter((l) => l.includes(`request ${id}: not issued, the chain would refuse it: ${name} is no longer registered`));
  assert.equal(said.length, 1, `said ${said.length} times:\n${nodeLog()}`);
  const metrics = await scrapeMetrics(node.prometheusPort);
  assert.equal(metrics.get('hypermesh_ca_submissions_total{result="not_issued"}'), notIssuedBefore + 1);

  // Bob gets his deposit back by cancelling; nothing else changed.
  assert.equal((await dispatch(api, api.tx.trustChain.cancelRequest(id), bob)).error, null);
});
