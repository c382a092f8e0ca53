//! Writes the seed corpora of the fuzz targets: a handful of real inputs per target in
//! `fuzz/corpus/<target>/seed-*` (real hybrid certificates issued by `hypermesh-pki`, real
//! signatures, proofs, STOQ streams and key shares, real runtime calls and extrinsics).
//!
//! `cargo run -p hypermesh-fuzz-targets --example seeds` (certificates, keys and
//! signatures are fresh each run, so the files change; the committed ones were written
//! once, then minimised together with what fuzzing found, `cargo fuzz cmin`).

use std::{fs, path::PathBuf};

use codec::Encode;
use hypermesh_pki::{FalconKeyPair, HybridCa, LeafSpec};
use hypermesh_primitives::{
	ct,
	proofs::{self, ConsensusProof, StakeProof, TimeProof},
};
use hypermesh_runtime::{Runtime, RuntimeCall, UncheckedExtrinsic};
use ring::signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{generic::Era, MultiAddress, MultiSignature};
use stoq::{
	bulk::{self, Manifest},
	frame::{self, FrameType},
	kx::X25519_MLKEM1024,
};

/// `fuzz/corpus/`.
fn corpus() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../corpus")
}

/// Writes `bytes` as `fuzz/corpus/<target>/seed-<name>`.
fn seed(target: &str, name: &str, bytes: &[u8]) {
	let dir = corpus().join(target);
	fs::create_dir_all(&dir).expect("corpus directory");
	fs::write(dir.join(format!("seed-{name}")), bytes).expect("seed file");
}

/// `prefix` followed by `rest`.
fn with(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
	[prefix, rest].concat()
}

fn certificates() {
	let ca = HybridCa::generate("HyperMesh seed CA").expect("a CA");
	let leaf = ca
		.issue_leaf(&LeafSpec::node("node1", 7, 30))
		.expect("a leaf");
	let mut spec = LeafSpec::node("node2", 8, 30);
	spec.subject_alt_names = vec!["node2.hypermesh".into(), "2001:db8::2".into()];
	let named = ca.issue_leaf(&spec).expect("a leaf");
	for target in ["x509_parse", "x509_pre_tbs"] {
		seed(target, "ca", ca.cert_der());
		seed(target, "leaf", leaf.leaf());
		seed(target, "leaf-names", named.leaf());
	}
}

fn signatures() {
	let message = b"HyperMesh proof of possession";
	let falcon = FalconKeyPair::generate();
	let signature = falcon.sign(message).expect("a FALCON signature");
	seed(
		"signature_verify",
		"falcon",
		&[&[0u8][..], &falcon.public, &signature, message].concat(),
	);
	let rng = ring::rand::SystemRandom::new();
	let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("an Ed25519 key");
	let ed = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("an Ed25519 key");
	seed(
		"signature_verify",
		"ed25519",
		&[
			&[1u8][..],
			ed.public_key().as_ref(),
			ed.sign(message).as_ref(),
			message,
		]
		.concat(),
	);
	let pkcs8 =
		EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).expect("a P-256 key");
	let ec = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
		.expect("a P-256 key");
	let sig = ec.sign(&rng, message).expect("an ECDSA signature");
	let (key, sig) = (ec.public_key().as_ref(), sig.as_ref());
	seed(
		"signature_verify",
		"ecdsa-p256",
		&[
			&[2u8, key.len() as u8, sig.len() as u8][..],
			key,
			sig,
			message,
		]
		.concat(),
	);
}

fn ct_proofs() {
	let leaf = ct::leaf_hash(b"certificate");
	// Raw: leaf 0 of a one-leaf tree (root = leaf, empty proof), which verifies.
	let raw = [
		&[0u8][..],
		&leaf,
		&0u64.to_le_bytes(),
		&1u64.to_le_bytes(),
		&leaf,
	]
	.concat();
	seed("ct_inclusion", "raw-one-leaf", &raw);
	// Structured: (n - 1, index, tamper, which, bit, salt) little-endian.
	seed(
		"ct_inclusion",
		"tree-100",
		&[1, 99, 0, 37, 0, 0, 5, 0, 9, b's'],
	);
	seed(
		"ct_inclusion",
		"tree-7-root",
		&[1, 6, 0, 6, 0, 4, 0, 0, 200],
	);
	let empty = ct::empty_root();
	let raw = [
		&[0u8][..],
		&0u64.to_le_bytes(),
		&0u64.to_le_bytes(),
		&empty,
		&empty,
	]
	.concat();
	seed("ct_consistency", "raw-empty", &raw);
	seed(
		"ct_consistency",
		"tree-100-from-37",
		&[1, 99, 0, 37, 0, 0, 3, 0, 17],
	);
	seed(
		"ct_consistency",
		"tree-64-from-32",
		&[1, 63, 0, 32, 0, 1, 0, 0, 1],
	);
	for n in [0u64, 1, 5, 13] {
		let leaves: Vec<_> = (0..n).map(|i| ct::leaf_hash(&i.to_le_bytes())).collect();
		let log = ct::CompactMerkleLog::from_leaf_hashes(&leaves);
		seed(
			"ct_compact_log",
			&format!("log-{n}"),
			&with(&[0], &log.encode()),
		);
	}
	seed("ct_compact_log", "appends-40", &[1, 40, b'x']);
}

fn consensus_proofs() {
	let leaves: Vec<_> = (0..40u32)
		.map(|i| ct::leaf_hash(&i.to_le_bytes()))
		.collect();
	let (seed_bytes, signer, call_hash) = ([7u8; 8], [1u8; 32], [2u8; 32]);
	let address = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
	let space = proofs::prove_space(&seed_bytes, &signer, &leaves, address, 4433).expect("a proof");
	let time = TimeProof {
		number: 90,
		hash: [3; 32],
	};
	let work = proofs::solve_work(&call_hash, &signer, &time, 8, 0).expect("work");
	let proof = ConsensusProof {
		space,
		stake: StakeProof { bonded: 1_000 },
		work,
		time,
	};
	// The context the target reads after the proof: call hash, seed, signer, bonded,
	// minimum, now, window, known, difficulty.
	let context = [
		&call_hash[..],
		&seed_bytes,
		&signer,
		&5_000u64.to_le_bytes(),
		&100u64.to_le_bytes(),
		&100u32.to_le_bytes(),
		&20u16.to_le_bytes(),
		&[1, 8],
	]
	.concat();
	seed(
		"consensus_proof",
		"proof",
		&[&[0u8][..], &proof.encode(), &context].concat(),
	);
	let data: Vec<u8> = (0..64 * 100u32).map(|i| (i % 251) as u8).collect();
	let chunk_leaves: Vec<_> = data.chunks(100).map(ct::leaf_hash).collect();
	let commitment = proofs::SpaceCommitment {
		root: ct::root(&chunk_leaves),
		chunks: 64,
		address,
		port: 4433,
	};
	let answers =
		proofs::prove_space_data(&seed_bytes, &signer, &commitment, &data, 100).expect("answers");
	seed(
		"consensus_proof",
		"chunk-answers",
		&[
			&[1u8][..],
			&(commitment, answers).encode(),
			&seed_bytes,
			&signer,
		]
		.concat(),
	);
	seed("consensus_proof", "prove-space", &[2, 200, 1, 2, 3]);
}

fn stoq_streams() {
	let header = |kind, len| frame::encode_header(kind, len, 1 << 20).expect("a header");
	let mut stream = vec![0x00, 0x04];
	for (kind, payload) in [
		(
			FrameType::Request,
			&b"{\"op\":\"resolve\",\"name\":\"node1\"}"[..],
		),
		(FrameType::Ping, &b""[..]),
		(FrameType::Response, &b"null"[..]),
		(FrameType::Error, &b"unknown op"[..]),
	] {
		stream.extend_from_slice(&header(kind, payload.len()));
		stream.extend_from_slice(payload);
	}
	seed("stoq_frames", "four-frames", &stream);
	seed(
		"stoq_frames",
		"truncated",
		&[0x00, 0x01, 0x01, 0, 0, 0, 9, 1, 2],
	);

	let object: Vec<u8> = (0..1000u32).map(|i| (i % 253) as u8).collect();
	seed(
		"stoq_manifest",
		"object",
		&Manifest::build(&object, 256).encode(),
	);
	seed("stoq_manifest", "empty", &Manifest::build(&[], 4).encode());
	let runtime = tokio::runtime::Builder::new_current_thread()
		.build()
		.expect("a runtime");
	let mut wire = Vec::new();
	runtime
		.block_on(bulk::send_object(&mut wire, &object[..300], 100, 4 + 256))
		.expect("sent");
	// max_frame - 4 = 256, max_total / 16 = 64.
	seed(
		"stoq_bulk_receive",
		"transfer",
		&[&[0u8, 0, 1, 64, 0][..], &wire].concat(),
	);
	seed(
		"stoq_bulk_receive",
		"send-corrupt",
		&[&[1u8, 99, 40, 0, 3][..], &object[..500]].concat(),
	);

	let client = X25519_MLKEM1024.start().expect("a client share");
	let client_share = client.pub_key().to_vec();
	seed("stoq_key_share", "client-share", &with(&[0], &client_share));
	let server = X25519_MLKEM1024
		.start_and_complete(&client_share)
		.expect("a server share");
	seed(
		"stoq_key_share",
		"server-share",
		&with(&[1], &server.pub_key),
	);
	let mut bad = client_share.clone();
	bad[0] = 0xff;
	bad[1] |= 0x0f;
	seed("stoq_key_share", "client-share-modulus", &with(&[0], &bad));
}

fn runtime_calls() {
	let name =
		|| pallet_trustchain::NameOf::<Runtime>::try_from(b"node1".to_vec()).expect("a short name");
	let data: Vec<u8> = (0..64 * 100u32).map(|i| (i % 251) as u8).collect();
	let chunk_leaves: Vec<_> = data.chunks(100).map(ct::leaf_hash).collect();
	let commitment = proofs::SpaceCommitment {
		root: ct::root(&chunk_leaves),
		chunks: 64,
		address: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
		port: 4433,
	};
	let answers =
		proofs::prove_space_data(&[9; 32], &[1; 32], &commitment, &data, 100).expect("answers");
	let calls: Vec<(&str, RuntimeCall)> = vec![
		(
			"register-name",
			RuntimeCall::TrustChain(pallet_trustchain::Call::<Runtime>::register_name {
				name: name(),
			}),
		),
		(
			"commit-space",
			RuntimeCall::AssetRegistry(pallet_hypermesh_assets::Call::<Runtime>::commit_space {
				commitment: commitment.clone(),
			}),
		),
		(
			"answer-challenge",
			RuntimeCall::AssetRegistry(
				pallet_hypermesh_assets::Call::<Runtime>::answer_challenge {
					commitment: commitment.id(),
					chunks: answers,
				},
			),
		),
		(
			"bond",
			RuntimeCall::Caesar(pallet_caesar::Call::<Runtime>::bond { amount: 1_000 }),
		),
		(
			"batch",
			RuntimeCall::Utility(pallet_utility::Call::<Runtime>::batch {
				calls: vec![
					RuntimeCall::Caesar(pallet_caesar::Call::<Runtime>::claim_reward { period: 3 }),
					RuntimeCall::TrustChain(pallet_trustchain::Call::<Runtime>::renew_name {
						name: name(),
					}),
				],
			}),
		),
	];
	for (label, call) in &calls {
		seed("runtime_call", label, &call.encode());
	}
	let (_, call) = &calls[0];
	seed(
		"runtime_extrinsic",
		"bare",
		&UncheckedExtrinsic::new_bare(call.clone()).encode(),
	);
	let alice = Sr25519Keyring::Alice;
	let signed = UncheckedExtrinsic::new_signed(
		calls[1].1.clone(),
		MultiAddress::Id(alice.to_account_id()),
		MultiSignature::Sr25519(alice.sign(b"not the payload: decoding only")),
		hypermesh_runtime::tx_extension(4, Era::mortal(64, 100), 0),
	);
	seed("runtime_extrinsic", "signed", &signed.encode());
}

fn main() {
	certificates();
	signatures();
	ct_proofs();
	consensus_proofs();
	stoq_streams();
	runtime_calls();
	println!("seeds written under {}", corpus().display());
}
