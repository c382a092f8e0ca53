//! Hybrid certificate costs: what a CA pays to issue (rcgen + ECDSA P-256 + FALCON-1024
//! signing, then the self-check) and what a client pays to validate (parse, ECDSA P-256
//! and FALCON-1024 verification with `hypermesh_primitives`, the code the runtime runs),
//! with PQClean's own FALCON verifier measured in the same run as the reference; and
//! FALCON-1024 signing with `fn-dsa` (what the CA signs with) next to PQClean's
//! `falconpadded1024` (what it signed with before), same key, same message.
//!
//! Run with:
//! `cargo bench -p hypermesh-pki --bench certificates -- --warm-up-time 1 --measurement-time 5`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hypermesh_pki::{falcon as pki_falcon, HybridCa, LeafSpec};
use hypermesh_primitives::{
	falcon,
	x509::{HybridCertificate, SubjectKey},
};
use pqcrypto_falcon::falconpadded1024;
use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _, SecretKey as _};

fn bench_certificates(c: &mut Criterion) {
	let ca = HybridCa::generate("bench CA").unwrap();
	let ca_key = SubjectKey::EcdsaP256(ca.classical_public_key());
	let ca_falcon = ca.falcon_public_key();
	let requester_falcon = pki_falcon::generate().public;
	let requester = ring::signature::EcdsaKeyPair::generate_pkcs8(
		&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
		&ring::rand::SystemRandom::new(),
	)
	.unwrap();
	let requester = ring::signature::EcdsaKeyPair::from_pkcs8(
		&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
		requester.as_ref(),
		&ring::rand::SystemRandom::new(),
	)
	.unwrap();
	use ring::signature::KeyPair as _;
	let requester_key = SubjectKey::EcdsaP256(requester.public_key().as_ref().to_vec());
	let mut serial = 1u64;
	let mut spec = move || {
		serial += 1;
		LeafSpec::node("node1.hypermesh", serial, 1)
	};
	let der = ca
		.issue_for(&spec(), &requester_key, &requester_falcon)
		.unwrap();
	let cert = HybridCertificate::parse(&der).unwrap();
	let (alt_signature, pre_tbs) = cert.alt_signature.clone().unwrap();

	let mut group = c.benchmark_group("hybrid_certificate");
	group.bench_function(
		"issue (rcgen + ECDSA P-256 + FALCON-1024 sign + self-check)",
		|b| {
			b.iter(|| {
				ca.issue_for(&spec(), black_box(&requester_key), &requester_falcon)
					.unwrap()
			})
		},
	);
	group.bench_function(
		"client validation (parse + ECDSA P-256 + FALCON-1024 verify)",
		|b| {
			b.iter(|| {
				let cert = HybridCertificate::parse(black_box(&der)).unwrap();
				cert.verify_classical_signature(&ca_key).unwrap();
				cert.verify_alt_signature(&ca_falcon).unwrap();
			})
		},
	);
	group.bench_function("parse only", |b| {
		b.iter(|| HybridCertificate::parse(black_box(&der)).unwrap())
	});
	group.bench_function("ECDSA P-256 verify (p256, pure Rust)", |b| {
		b.iter(|| cert.verify_classical_signature(black_box(&ca_key)).unwrap())
	});
	group.bench_function(
		"FALCON-1024 verify (fn-dsa-vrfy, pure Rust, as in the runtime)",
		|b| {
			b.iter(|| {
				falcon::verify(black_box(&ca_falcon), black_box(&pre_tbs), &alt_signature).unwrap()
			})
		},
	);
	let pqclean_key = falconpadded1024::PublicKey::from_bytes(&ca_falcon).unwrap();
	let pqclean_sig = falconpadded1024::DetachedSignature::from_bytes(&alt_signature).unwrap();
	group.bench_function("FALCON-1024 verify (PQClean C, reference)", |b| {
		b.iter(|| {
			falconpadded1024::verify_detached_signature(
				black_box(&pqclean_sig),
				black_box(&pre_tbs),
				&pqclean_key,
			)
			.unwrap()
		})
	});
	group.finish();
}

/// FALCON-1024 signing of a certificate's pre-TBS: `hypermesh_pki::falcon::sign` (fn-dsa,
/// pure Rust; decodes the secret key, then signs) against PQClean's `detached_sign` (C;
/// also decodes and expands the secret key at each call), with the same key pair (made by
/// PQClean, as the keys on operators' disks were) and the same message. Each signature is
/// checked once with the runtime's verifier before timing.
fn bench_falcon_signing(c: &mut Criterion) {
	let (public, secret) = falconpadded1024::keypair();
	let secret_bytes = secret.as_bytes().to_vec();
	let ca = HybridCa::generate("bench CA").unwrap();
	let leaf = ca
		.issue_leaf(&LeafSpec::node("node1.hypermesh", 2, 1))
		.unwrap();
	let (_, message) = HybridCertificate::parse(leaf.leaf())
		.unwrap()
		.alt_signature
		.unwrap();
	let ours = pki_falcon::sign(&secret_bytes, &message).unwrap();
	falcon::verify(public.as_bytes(), &message, &ours).unwrap();
	let theirs = falconpadded1024::detached_sign(&message, &secret);
	falcon::verify(public.as_bytes(), &message, theirs.as_bytes()).unwrap();

	let mut group = c.benchmark_group("falcon1024_sign");
	group.bench_function("fn-dsa (pure Rust, hypermesh_pki::falcon::sign)", |b| {
		b.iter(|| pki_falcon::sign(black_box(&secret_bytes), black_box(&message)).unwrap())
	});
	group.bench_function("PQClean C (pqcrypto-falcon, reference)", |b| {
		b.iter(|| falconpadded1024::detached_sign(black_box(&message), black_box(&secret)))
	});
	group.bench_function("key generation, fn-dsa (pure Rust)", |b| {
		b.iter(pki_falcon::generate)
	});
	group.bench_function("key generation, PQClean C (reference)", |b| {
		b.iter(falconpadded1024::keypair)
	});
	group.finish();
}

criterion_group!(benches, bench_certificates, bench_falcon_signing);
criterion_main!(benches);
