//! Hybrid certificate costs: what a CA pays to issue (rcgen + ECDSA P-256 + FALCON-1024
//! signing, then the self-check) and what a client pays to validate (parse, ECDSA P-256
//! and FALCON-1024 verification with `hypermesh_primitives`, the code the runtime runs),
//! with PQClean's own FALCON verifier measured in the same run as the reference.
//!
//! Run with:
//! `cargo bench -p stoq --bench certificates -- --warm-up-time 1 --measurement-time 5`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hypermesh_primitives::{
	falcon,
	x509::{HybridCertificate, SubjectKey},
};
use pqcrypto_falcon::falconpadded1024;
use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _};
use stoq::cert::{HybridCa, LeafSpec};

fn bench_certificates(c: &mut Criterion) {
	let ca = HybridCa::generate("bench CA").unwrap();
	let ca_key = SubjectKey::EcdsaP256(ca.classical_public_key());
	let ca_falcon = ca.falcon_public_key();
	let (requester_falcon, _) = falconpadded1024::keypair();
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
		.issue_for(&spec(), &requester_key, requester_falcon.as_bytes())
		.unwrap();
	let cert = HybridCertificate::parse(&der).unwrap();
	let (alt_signature, pre_tbs) = cert.alt_signature.clone().unwrap();

	let mut group = c.benchmark_group("hybrid_certificate");
	group.bench_function(
		"issue (rcgen + ECDSA P-256 + FALCON-1024 sign + self-check)",
		|b| {
			b.iter(|| {
				ca.issue_for(
					&spec(),
					black_box(&requester_key),
					requester_falcon.as_bytes(),
				)
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

criterion_group!(benches, bench_certificates);
criterion_main!(benches);
