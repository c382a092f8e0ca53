//! Real key material and certificates for the unit tests: certificate authorities made by
//! `hypermesh_pki::HybridCa` (ECDSA P-256 + FALCON-1024, the same code the node's CA
//! service issues with), requester keys (ring for ECDSA P-256 and Ed25519,
//! `hypermesh_pki::falcon` for FALCON-1024), proofs of possession and issued certificates.
//!
//! Key generation is slow in debug builds, so authorities and requesters are made once per
//! test thread and shared.

use crate::{mock::*, *};
use codec::Encode;
use hypermesh_pki::{falcon, HybridCa, LeafSpec};
use ring::{
	rand::SystemRandom,
	signature::{EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING},
};
use std::rc::Rc;

/// A certificate authority with its on-chain material.
pub struct TestCa {
	/// The CA, able to issue.
	pub ca: HybridCa,
	/// Its self-signed certificate.
	pub der: CertificateDerOf<Test>,
	/// Its classical key as the pallet stores it.
	pub classical: ClassicalPublicKey,
	/// Its FALCON-1024 key as the pallet stores it.
	pub falcon: FalconPublicKey,
}

/// A requester's key pairs.
pub struct TestKeys {
	/// The classical key pair.
	pub classical: ClassicalPair,
	/// The FALCON-1024 public key.
	pub falcon_public: FalconPublicKey,
	/// The FALCON-1024 secret key.
	pub falcon_secret: Vec<u8>,
}

/// A classical key pair.
pub enum ClassicalPair {
	/// ECDSA P-256.
	P256(EcdsaKeyPair),
	/// Ed25519.
	Ed25519(Ed25519KeyPair),
}

impl TestKeys {
	/// The classical public key as the pallet takes it.
	pub fn classical_public(&self) -> ClassicalPublicKey {
		match &self.classical {
			ClassicalPair::P256(pair) => ClassicalPublicKey::EcdsaP256(
				pair.public_key()
					.as_ref()
					.to_vec()
					.try_into()
					.expect("65 bytes"),
			),
			ClassicalPair::Ed25519(pair) => ClassicalPublicKey::Ed25519(
				pair.public_key().as_ref().try_into().expect("32 bytes"),
			),
		}
	}

	/// The classical public key as primitives' X.509 code names it.
	pub fn subject_key(&self) -> hypermesh_primitives::x509::SubjectKey {
		match self.classical_public() {
			ClassicalPublicKey::Ed25519(key) => {
				hypermesh_primitives::x509::SubjectKey::Ed25519(key)
			}
			ClassicalPublicKey::EcdsaP256(point) => {
				hypermesh_primitives::x509::SubjectKey::EcdsaP256(point.to_vec())
			}
		}
	}

	/// Signs `message` with the classical key.
	pub fn sign_classical(&self, message: &[u8]) -> ClassicalSignature {
		let signature = match &self.classical {
			ClassicalPair::P256(pair) => pair
				.sign(&SystemRandom::new(), message)
				.expect("ECDSA signing")
				.as_ref()
				.to_vec(),
			ClassicalPair::Ed25519(pair) => pair.sign(message).as_ref().to_vec(),
		};
		signature.try_into().expect("at most 72 bytes")
	}

	/// Signs `message` with the FALCON-1024 key (padded encoding).
	pub fn sign_falcon(&self, message: &[u8]) -> FalconSignature {
		falcon::sign(&self.falcon_secret, message)
			.expect("FALCON-1024 signing")
			.try_into()
			.expect("1280 bytes")
	}

	/// Both proofs of possession for `who`.
	pub fn proofs(&self, who: u64) -> (ClassicalSignature, FalconSignature) {
		let message = TrustChain::proof_of_possession_message(
			&who,
			&self.classical_public(),
			&self.falcon_public,
		);
		(self.sign_classical(&message), self.sign_falcon(&message))
	}
}

std::thread_local! {
	static CAS: Vec<Rc<TestCa>> = (0..3).map(|i| Rc::new(make_ca(i))).collect();
	static KEYS: Vec<Rc<TestKeys>> = (0..3).map(|i| Rc::new(make_keys(i % 2 == 1))).collect();
}

fn make_ca(i: usize) -> TestCa {
	let ca = HybridCa::generate(&format!("TrustChain test CA {i}")).expect("CA generation");
	TestCa {
		der: ca
			.cert_der()
			.to_vec()
			.try_into()
			.expect("CA certificate within bound"),
		classical: ClassicalPublicKey::EcdsaP256(
			ca.classical_public_key().try_into().expect("65 bytes"),
		),
		falcon: ca.falcon_public_key().try_into().expect("1793 bytes"),
		ca,
	}
}

fn make_keys(ed25519: bool) -> TestKeys {
	let rng = SystemRandom::new();
	let classical = if ed25519 {
		let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).expect("Ed25519 key generation");
		ClassicalPair::Ed25519(Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).expect("Ed25519 key"))
	} else {
		let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
			.expect("P-256 key generation");
		ClassicalPair::P256(
			EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
				.expect("P-256 key"),
		)
	};
	let falcon = falcon::generate();
	TestKeys {
		classical,
		falcon_public: falcon.public.try_into().expect("1793 bytes"),
		falcon_secret: falcon.secret,
	}
}

/// Test certificate authority `i` (0, 1 or 2; each a different key pair).
pub fn ca(i: usize) -> Rc<TestCa> {
	CAS.with(|cas| cas[i].clone())
}

/// Requester key set `i` (0 and 2: ECDSA P-256; 1: Ed25519).
pub fn keys(i: usize) -> Rc<TestKeys> {
	KEYS.with(|keys| keys[i].clone())
}

/// What an issued certificate says, beyond its keys.
pub struct Leaf {
	/// Its DNS names.
	pub names: Vec<String>,
	/// Its serial number.
	pub serial: u64,
	/// Start of validity, Unix seconds.
	pub not_before: i64,
	/// End of validity, Unix seconds.
	pub not_after: i64,
}

impl Leaf {
	/// A leaf for `names` valid for 24 hours from a minute ago (mock time).
	pub fn new(names: &[&str], serial: u64) -> Self {
		let now = <MockTime as frame_support::traits::UnixTime>::now().as_secs() as i64;
		Self {
			names: names.iter().map(|n| n.to_string()).collect(),
			serial,
			not_before: now - 60,
			not_after: now - 60 + VALIDITY as i64,
		}
	}
}

/// A certificate `ca` issues for `keys` as `leaf` says, DER.
pub fn issue(ca: &TestCa, keys: &TestKeys, leaf: &Leaf) -> CertificateDerOf<Test> {
	let spec = LeafSpec {
		common_name: leaf.names.first().cloned().unwrap_or_default(),
		subject_alt_names: leaf.names.clone(),
		serial: leaf.serial,
		not_before: time::OffsetDateTime::from_unix_timestamp(leaf.not_before).expect("time"),
		not_after: time::OffsetDateTime::from_unix_timestamp(leaf.not_after).expect("time"),
	};
	ca.ca
		.issue_for(&spec, &keys.subject_key(), &keys.falcon_public)
		.expect("issuance")
		.to_vec()
		.try_into()
		.expect("certificate within bound")
}

use crate::benchmark_fixture as bench;

/// Regenerates `src/benchmark_fixtures/` (public keys, certificates and proofs of
/// possession; no private key is written). Run with
/// `cargo test -p pallet-trustchain --lib -- --ignored write_benchmark_fixtures`.
#[test]
#[ignore = "writes the benchmark fixtures; run by hand when they must change"]
fn write_benchmark_fixtures() {
	let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/benchmark_fixtures");
	std::fs::create_dir_all(&dir).unwrap();
	let write = |name: &str, bytes: &[u8]| std::fs::write(dir.join(name), bytes).unwrap();
	let ca_a = make_ca(10);
	let ca_b = make_ca(11);
	let requester = make_keys(false);
	for (prefix, test_ca) in [("ca", &ca_a), ("ca2", &ca_b)] {
		write(&format!("{prefix}.der"), &test_ca.der);
		write(
			&format!("{prefix}_p256.bin"),
			&test_ca.ca.classical_public_key(),
		);
		write(&format!("{prefix}_falcon.bin"), &test_ca.falcon);
	}
	let classical = requester.classical_public();
	let ClassicalPublicKey::EcdsaP256(point) = &classical else {
		unreachable!("key set made with ECDSA P-256")
	};
	write("requester_p256.bin", point);
	write("requester_falcon.bin", &requester.falcon_public);
	// Proofs for the account as an 8-byte (mock `u64`) and a 32-byte (`AccountId32`) id.
	for len in [8usize, 32] {
		let message = hypermesh_primitives::pop::message(
			&bench::GENESIS_HASH,
			&bench::ACCOUNT_BYTES[..len],
			&classical.encode(),
			&requester.falcon_public,
		);
		write(
			&format!("pop_p256_{len}.bin"),
			&requester.sign_classical(&message),
		);
		write(
			&format!("pop_falcon_{len}.bin"),
			&requester.sign_falcon(&message),
		);
	}
	let leaf = Leaf {
		names: bench::NAMES.iter().map(|n| n.to_string()).collect(),
		serial: u64::MAX,
		not_before: bench::NOT_BEFORE as i64,
		not_after: (bench::NOT_BEFORE + VALIDITY) as i64,
	};
	write("leaf.der", &issue(&ca_a, &requester, &leaf));
}
