//! Our FALCON-1024 alternative signatures, checked with an implementation of X.509 (2019)
//! §9.8 that this project did not write: `structured-pkix` (crates.io), whose own tests
//! compare its preimages with the ones Bouncy Castle captures. It parses an issued
//! certificate, finds altSignatureAlgorithm and altSignatureValue, and builds the
//! preTBSCertificate (the TBSCertificate without the `signature` field and without
//! altSignatureValue); the CA's FALCON key must verify our signature over those bytes.
//!
//! Bouncy Castle itself (1.73 and later has `isAlternativeSignatureValid`) is not used
//! here: Maven Central is not reachable from this machine, and Debian ships 1.72, which has
//! no alternative-signature support.

use std::sync::Arc;

use hypermesh_pki::{HybridCa, LeafSpec};
use hypermesh_primitives::{falcon, x509::HybridCertificate};
use structured_asn1::{
	memory::{Memory, MemoryAccount},
	Oid, Parser,
};
use structured_pkix::{hybrid, Certificate};

/// FALCON-1024, 1.3.9999.3.14, as DER OID content bytes.
const FALCON1024: Oid<'static> = Oid::from_bytes(&[0x2b, 0xce, 0x0f, 0x03, 0x0e]);

fn memory() -> Memory {
	Memory::new(Arc::new(MemoryAccount::new(16_000_000, 100_000_000)))
}

/// What structured-pkix reads as the alternative signature of `der`: the algorithm, the
/// signature bytes and the preimage it covers.
fn independent_view(der: &[u8]) -> (bool, Vec<u8>, Vec<u8>) {
	let work = memory();
	let parser = Parser::der(work.clone());
	let cert = Certificate::read(&parser, der, 0).expect("structured-pkix parses the certificate");
	let prepared = hybrid::prepare_certificate(&cert, &work)
		.expect("structured-pkix finds the alternative signature");
	let mut preimage = Vec::new();
	prepared
		.preimage()
		.visit(&work, |chunk, _, _| {
			preimage.extend_from_slice(chunk);
			Ok::<(), ()>(())
		})
		.expect("the preimage is built");
	assert_eq!(preimage.len() as u64, prepared.preimage().encoded_len());
	let is_falcon = prepared.algorithm().algorithm() == FALCON1024;
	let signature = prepared
		.signature()
		.octets()
		.expect("a whole-byte BIT STRING")
		.to_vec();
	(is_falcon, signature, preimage)
}

#[test]
fn leaf_alt_signature_verifies_over_the_independent_pre_tbs() {
	let ca = HybridCa::generate("interop CA").unwrap();
	let other = HybridCa::generate("another CA").unwrap();
	for serial in 1..=3 {
		let identity = ca
			.issue_leaf(&LeafSpec::node("node-a.hypermesh", serial, 30))
			.unwrap();
		let der = identity.leaf().to_vec();
		let (is_falcon, signature, preimage) = independent_view(&der);
		assert!(is_falcon, "altSignatureAlgorithm is FALCON-1024");
		assert_eq!(signature.len(), falcon::SIGNATURE_LEN);

		// The bytes the independent implementation builds are the ones we sign and verify.
		let ours = HybridCertificate::parse(&der).unwrap();
		let (our_signature, our_pre_tbs) = ours.alt_signature.clone().unwrap();
		assert_eq!(signature, our_signature);
		assert_eq!(preimage, our_pre_tbs, "preTBSCertificate differs");

		assert_eq!(
			falcon::verify(&ca.falcon_public_key(), &preimage, &signature),
			Ok(())
		);
		// Negative controls: another CA's key, a changed preimage, the full TBS.
		assert!(falcon::verify(&other.falcon_public_key(), &preimage, &signature).is_err());
		let mut changed = preimage.clone();
		let middle = changed.len() / 2;
		changed[middle] ^= 1;
		assert!(falcon::verify(&ca.falcon_public_key(), &changed, &signature).is_err());
		assert!(falcon::verify(&ca.falcon_public_key(), &ours.tbs, &signature).is_err());
	}
}

#[test]
fn tampered_certificate_fails_over_the_independent_pre_tbs() {
	let ca = HybridCa::generate("interop CA").unwrap();
	let identity = ca
		.issue_leaf(&LeafSpec::node("node-b.hypermesh", 9, 30))
		.unwrap();
	let mut der = identity.leaf().to_vec();
	// Change one byte of the subject's common name (inside the preimage); the certificate
	// still parses, and the alternative signature must no longer verify.
	let name = b"node-b.hypermesh";
	let at = der.windows(name.len()).position(|w| w == name).unwrap();
	der[at] = b'x';
	let (_, signature, preimage) = independent_view(&der);
	assert!(falcon::verify(&ca.falcon_public_key(), &preimage, &signature).is_err());
}
