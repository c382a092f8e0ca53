//! Targets in `hypermesh-primitives`: what the runtime and the node decode and verify
//! from callers and peers (hybrid X.509 certificates, signatures, the RFC 9162 CT proofs,
//! the four consensus proofs).

use codec::{Decode, Encode};
use hypermesh_primitives::{
	classical::{self, ClassicalKey},
	ct::{self, CompactMerkleLog, Hash, ProofError},
	falcon,
	proofs::{
		self, ChunkData, ConsensusProof, SpaceCommitment, TimeProof, CHALLENGES, MAX_PATH_LEN,
	},
	x509::{self, HybridCertificate},
};

use crate::{contains, Bytes};

/// `HybridCertificate::parse` on any bytes (what TrustChain's extrinsics, the CA service and
/// STOQ's verifiers parse). A certificate that parses is canonical DER, so its TBS,
/// names and signature are runs of its own bytes; a certificate with an alternative
/// signature carries the preTBSCertificate `pre_tbs_of` computes from the bytes alone;
/// checking either signature with any key refuses or accepts, never panics.
pub fn x509_parse(data: &[u8]) {
	let Ok(cert) = HybridCertificate::parse(data) else {
		return;
	};
	assert!(
		contains(data, &cert.tbs),
		"the TBS is not the certificate's own bytes"
	);
	assert!(contains(&cert.tbs, &cert.issuer) && contains(&cert.tbs, &cert.subject));
	assert!(contains(data, &cert.signature));
	assert!(cert
		.ip_addresses
		.iter()
		.all(|ip| matches!(ip.len(), 4 | 16)));
	if let Some(key) = &cert.subject_falcon_key {
		assert_eq!(key.len(), falcon::PUBLIC_KEY_LEN);
		let _ = cert.verify_alt_signature(key);
	}
	if let Some((_, signed)) = &cert.alt_signature {
		assert_eq!(
			x509::pre_tbs_of(data).as_ref(),
			Ok(signed),
			"parse and pre_tbs_of disagree on the preTBSCertificate"
		);
	}
	let _ = cert.verify_classical_signature(&cert.subject_key);
	assert_eq!(HybridCertificate::parse(data), Ok(cert));
}

/// `pre_tbs_of` (the X.509 (2019) §9.8 preTBSCertificate an issuer FALCON-signs) on any
/// bytes, canonical DER or not: when it gives bytes they are exactly one DER SEQUENCE.
pub fn x509_pre_tbs(data: &[u8]) {
	use der::Decode as _;
	let Ok(pre_tbs) = x509::pre_tbs_of(data) else {
		return;
	};
	let any = der::asn1::AnyRef::from_der(&pre_tbs).expect("the preTBSCertificate is DER");
	assert_eq!(der::Tagged::tag(&any), der::Tag::Sequence);
}

/// The three signature verifiers TrustChain runs on keys and signatures a caller supplies
/// (FALCON-1024, Ed25519, ECDSA P-256): the first byte picks one, then the key, the
/// signature and the message follow. Nothing panics, and a signature that verifies stops
/// verifying when one bit of the message changes.
pub fn signature_verify(data: &[u8]) {
	let mut input = Bytes(data);
	let kind = input.u8() % 3;
	let (key, signature, message): (Vec<u8>, Vec<u8>, Vec<u8>) = match kind {
		0 => (
			input.array::<{ falcon::PUBLIC_KEY_LEN }>().to_vec(),
			input.array::<{ falcon::SIGNATURE_LEN }>().to_vec(),
			input.rest().to_vec(),
		),
		1 => (
			input.array::<32>().to_vec(),
			input.array::<64>().to_vec(),
			input.rest().to_vec(),
		),
		_ => {
			let key_len = usize::from(input.u8());
			let sig_len = usize::from(input.u8());
			let rest = input.rest();
			let key_len = key_len.min(rest.len());
			let (key, rest) = rest.split_at(key_len);
			let (signature, message) = rest.split_at(sig_len.min(rest.len()));
			(key.to_vec(), signature.to_vec(), message.to_vec())
		}
	};
	let verify = |message: &[u8]| match kind {
		0 => falcon::verify(&key, message, &signature).is_ok(),
		1 => {
			let key: [u8; 32] = key.as_slice().try_into().expect("32 bytes");
			classical::verify(ClassicalKey::Ed25519(&key), message, &signature).is_ok()
		}
		_ => classical::verify(ClassicalKey::EcdsaP256(&key), message, &signature).is_ok(),
	};
	if verify(&message) {
		let mut changed = message.clone();
		match changed.first_mut() {
			Some(byte) => *byte ^= 1,
			None => changed.push(0),
		}
		assert!(!verify(&changed), "a signature verified for two messages");
	}
}

/// The leaf hashes of a tree of `n` leaves, distinct for distinct `salt`s and positions.
fn leaves(n: u64, salt: &[u8]) -> Vec<Hash> {
	(0..n)
		.map(|i| ct::leaf_hash(&[salt, &i.to_le_bytes()].concat()))
		.collect()
}

/// `hash` with bit `bit` (mod 256) flipped.
fn flipped(hash: &Hash, bit: u8) -> Hash {
	let mut out = *hash;
	out[usize::from(bit / 8)] ^= 1 << (bit % 8);
	out
}

/// The hashes in `bytes`, 32 at a time (at most 80; a trailing partial hash is dropped).
fn hashes(bytes: &[u8]) -> Vec<Hash> {
	bytes
		.chunks_exact(32)
		.take(80)
		.map(|c| c.try_into().expect("32 bytes"))
		.collect()
}

/// A verifier's `result` against the proof length its sizes require (`expected`): refused
/// with the sizes' own error when they are invalid, as `WrongProofLength` when the proof
/// has another length.
fn check_length(result: Result<(), ProofError>, expected: Result<u64, ProofError>, proof: &[Hash]) {
	let actual = proof.len() as u64;
	match expected {
		Err(e) => assert_eq!(result, Err(e)),
		Ok(expected) if expected != actual => {
			assert_eq!(
				result,
				Err(ProofError::WrongProofLength { expected, actual })
			)
		}
		Ok(_) => {}
	}
}

/// RFC 9162 inclusion proof verification (`ct::verify_inclusion`, what auditors and the
/// node's proof RPCs rely on). Even first byte: any leaf, index, size, root and proof, with
/// sizes and indices up to `u64::MAX`: never panics, a proof of the wrong length is
/// refused as such, and an accepted proof is refused once the root or the leaf changes.
/// Odd first byte: a real tree (up to 128 leaves) and a real proof, which verifies, and
/// stops verifying when any proof hash, the leaf, the index or the root is altered, or the
/// proof is shortened or lengthened.
pub fn ct_inclusion(data: &[u8]) {
	let mut input = Bytes(data);
	if input.u8() & 1 == 0 {
		let (leaf, index, size, root) = (input.array(), input.u64(), input.u64(), input.array());
		let proof = hashes(input.rest());
		let result = ct::verify_inclusion(&leaf, index, size, &proof, &root);
		check_length(result, ct::inclusion_proof_len(index, size), &proof);
		if result.is_ok() {
			assert_eq!(
				ct::verify_inclusion(&leaf, index, size, &proof, &flipped(&root, 0)),
				Err(ProofError::RootMismatch)
			);
			assert!(ct::verify_inclusion(&flipped(&leaf, 0), index, size, &proof, &root).is_err());
		}
		return;
	}
	let n = 1 + u64::from(input.u16()) % 128;
	let index = u64::from(input.u16()) % n;
	let (tamper, which, bit) = (input.u8(), input.u16(), input.u8());
	let all = leaves(n, input.rest());
	let root = ct::root(&all);
	let leaf = all[index as usize];
	let mut proof = ct::inclusion_proof(&all, index).expect("index < n");
	assert_eq!(Ok(proof.len() as u64), ct::inclusion_proof_len(index, n));
	assert_eq!(ct::verify_inclusion(&leaf, index, n, &proof, &root), Ok(()));
	let refused = match tamper % 5 {
		0 if !proof.is_empty() => {
			let at = usize::from(which) % proof.len();
			proof[at] = flipped(&proof[at], bit);
			ct::verify_inclusion(&leaf, index, n, &proof, &root)
		}
		1 if n > 1 => {
			let other = (index + 1 + u64::from(which) % (n - 1)) % n;
			ct::verify_inclusion(&leaf, other, n, &proof, &root)
		}
		2 => ct::verify_inclusion(&flipped(&leaf, bit), index, n, &proof, &root),
		3 => {
			if which & 1 == 0 || proof.is_empty() {
				proof.push(leaf);
			} else {
				proof.pop();
			}
			ct::verify_inclusion(&leaf, index, n, &proof, &root)
		}
		_ => ct::verify_inclusion(&leaf, index, n, &proof, &flipped(&root, bit)),
	};
	assert!(refused.is_err(), "an altered inclusion proof verified");
}

/// RFC 9162 consistency proof verification (`ct::verify_consistency`, how a monitor checks
/// the log only grew). Even first byte: any sizes (up to `u64::MAX`), roots and proof:
/// never panics, the wrong length is refused as such, and an accepted proof is refused
/// once the old root (or, from a non-empty tree, the new root) changes. Odd first byte: a
/// real tree of up to 128 leaves, any earlier size and the real proof, which verifies and
/// stops verifying when a proof hash or either root is altered.
pub fn ct_consistency(data: &[u8]) {
	let mut input = Bytes(data);
	if input.u8() & 1 == 0 {
		let (old_size, new_size, old_root, new_root) =
			(input.u64(), input.u64(), input.array(), input.array());
		let proof = hashes(input.rest());
		let result = ct::verify_consistency(old_size, new_size, &old_root, &new_root, &proof);
		check_length(
			result,
			ct::consistency_proof_len(old_size, new_size),
			&proof,
		);
		if result.is_ok() {
			let old = flipped(&old_root, 0);
			assert!(ct::verify_consistency(old_size, new_size, &old, &new_root, &proof).is_err());
			if old_size > 0 {
				let new = flipped(&new_root, 0);
				assert!(
					ct::verify_consistency(old_size, new_size, &old_root, &new, &proof).is_err()
				);
			}
		}
		return;
	}
	let n = 1 + u64::from(input.u16()) % 128;
	let old = u64::from(input.u16()) % (n + 1);
	let (tamper, which, bit) = (input.u8(), input.u16(), input.u8());
	let all = leaves(n, input.rest());
	let (old_root, new_root) = (ct::root(&all[..old as usize]), ct::root(&all));
	let mut proof = ct::consistency_proof(&all, old, n).expect("old <= n = available");
	assert_eq!(Ok(proof.len() as u64), ct::consistency_proof_len(old, n));
	assert_eq!(
		ct::verify_consistency(old, n, &old_root, &new_root, &proof),
		Ok(())
	);
	let refused = match tamper % 3 {
		0 if !proof.is_empty() => {
			let at = usize::from(which) % proof.len();
			proof[at] = flipped(&proof[at], bit);
			ct::verify_consistency(old, n, &old_root, &new_root, &proof)
		}
		1 if old > 0 => ct::verify_consistency(old, n, &old_root, &flipped(&new_root, bit), &proof),
		_ => ct::verify_consistency(old, n, &flipped(&old_root, bit), &new_root, &proof),
	};
	assert!(refused.is_err(), "an altered consistency proof verified");
}

/// The runtime's compact CT log (`CompactMerkleLog`, kept in TrustChain's storage). Even
/// first byte: SCALE decoding of any bytes; a log that decodes re-encodes to the bytes it
/// was read from, has a root, and grows by one leaf at the next index (or is full). Odd first byte: a log
/// built from up to 64 leaves agrees with `ct::root` after every append, and survives a
/// SCALE round trip.
pub fn ct_compact_log(data: &[u8]) {
	let mut input = Bytes(data);
	if input.u8() & 1 == 0 {
		let bytes = input.rest();
		let mut rest = bytes;
		let Ok(mut log) = CompactMerkleLog::decode(&mut rest) else {
			return;
		};
		assert_eq!(log.encode(), &bytes[..bytes.len() - rest.len()]);
		assert_eq!(log.frontier().len() as u32, log.size().count_ones());
		let head = log.tree_head();
		assert_eq!((head.size, head.root), (log.size(), log.root()));
		let size = log.size();
		match log.append(ct::leaf_hash(rest)) {
			Ok(index) => assert_eq!((index, log.size()), (size, size + 1)),
			Err(e) => assert_eq!((e, size), (ProofError::LogFull, u64::MAX)),
		}
		return;
	}
	let n = u64::from(input.u8()) % 65;
	let all = leaves(n, input.rest());
	let mut log = CompactMerkleLog::new();
	assert_eq!(log.root(), ct::empty_root());
	for (i, leaf) in all.iter().enumerate() {
		assert_eq!(log.append(*leaf), Ok(i as u64));
		assert_eq!(log.root(), ct::root(&all[..=i]));
	}
	assert_eq!(log, CompactMerkleLog::from_leaf_hashes(&all));
	assert_eq!(CompactMerkleLog::decode(&mut &log.encode()[..]), Ok(log));
}

/// The four consensus proofs a guarded transaction carries, and the full-data answers to a
/// storage challenge (`answer_challenge`), as the asset registry reads them from a caller:
/// SCALE-decoded, then checked. First byte 0: a `ConsensusProof`; 1: a `SpaceCommitment`
/// and `Vec<ChunkData>`; 2: a real PoSpace proof over up to 128 chunks. Decoded values
/// re-encode to their bytes; checks refuse or accept and never panic; an accepted PoSpace
/// proof is refused when one answer's leaf changes; the stake, time and work checks accept
/// exactly what their rules say.
pub fn consensus_proof(data: &[u8]) {
	let mut input = Bytes(data);
	match input.u8() % 3 {
		0 => {
			let bytes = input.rest();
			let mut rest = bytes;
			let Ok(proof) = ConsensusProof::decode(&mut rest) else {
				return;
			};
			assert_eq!(proof.encode(), &bytes[..bytes.len() - rest.len()]);
			let mut context = Bytes(rest);
			let (call_hash, seed, signer) = (
				context.array::<32>(),
				context.array::<8>(),
				context.array::<32>(),
			);
			check_space(&seed, &signer, &proof.space);
			let (bonded, minimum) = (u128::from(context.u64()), u128::from(context.u64()));
			assert_eq!(
				proofs::verify_stake(&proof.stake, bonded, minimum).is_ok(),
				minimum <= proof.stake.bonded && proof.stake.bonded <= bonded
			);
			check_time(&proof.time, &mut context);
			let difficulty = u32::from(context.u8() % 12);
			let work =
				proofs::verify_work(&call_hash, &signer, &proof.time, &proof.work, difficulty);
			let bits = proofs::leading_zero_bits(&proofs::work_hash(
				&call_hash,
				&signer,
				&proof.time,
				proof.work.nonce,
			));
			assert_eq!(work.is_ok(), bits >= difficulty);
			let _ = proof.id(&signer, &call_hash);
		}
		1 => {
			let bytes = input.rest();
			let mut rest = bytes;
			let Ok((commitment, answers)) = <(SpaceCommitment, Vec<ChunkData>)>::decode(&mut rest)
			else {
				return;
			};
			assert_eq!(
				(&commitment, &answers).encode(),
				&bytes[..bytes.len() - rest.len()]
			);
			let mut context = Bytes(rest);
			let (seed, signer) = (context.array::<8>(), context.array::<32>());
			let _ = proofs::verify_space_data(&seed, &signer, &commitment, &answers);
		}
		_ => {
			let n = 1 + u64::from(input.u8()) % 128;
			let (seed, signer, address, port) = (
				input.array::<8>(),
				input.array::<32>(),
				input.array::<16>(),
				input.u16(),
			);
			let all = leaves(n, input.rest());
			let proof = proofs::prove_space(&seed, &signer, &all, address, port)
				.expect("a non-empty tree answers its challenges");
			assert_eq!(proofs::verify_space(&seed, &signer, &proof), Ok(()));
			check_space(&seed, &signer, &proof);
		}
	}
}

/// `verify_space` on `proof`, and if it accepts, the same proof with one leaf changed.
fn check_space(seed: &[u8], signer: &[u8], proof: &proofs::SpaceProof) {
	if let Ok(indices) = proofs::challenge_indices(seed, signer, &proof.commitment) {
		assert!(indices.iter().all(|i| *i < proof.commitment.chunks));
	}
	if proofs::verify_space(seed, signer, proof).is_ok() {
		assert_eq!(proof.chunks.len(), CHALLENGES);
		assert!(proof.chunks.iter().all(|c| c.path.len() <= MAX_PATH_LEN));
		let mut forged = proof.clone();
		forged.chunks[0].leaf_hash = flipped(&forged.chunks[0].leaf_hash, 0);
		assert!(proofs::verify_space(seed, signer, &forged).is_err());
	}
}

/// `verify_time` against a chain state drawn from `context`: it accepts exactly a known
/// block at most `window` blocks old and not in the future.
fn check_time(time: &TimeProof, context: &mut Bytes<'_>) {
	let now = u32::from_le_bytes(context.array());
	let window = u32::from(context.u16());
	let known = context.u8() & 1 == 1;
	let chain_hash = known.then_some(time.hash);
	let accepted = proofs::verify_time(time, now, window, chain_hash).is_ok();
	assert_eq!(
		accepted,
		known && time.number <= now && now - time.number <= window
	);
}
