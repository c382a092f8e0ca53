//! Hybrid X.509 parsing and verification, against certificates built here with rcgen the
//! way STOQ's `HybridCa::issue_for` builds them: an ECDSA P-256 (or Ed25519) CA signs an
//! ordinary v3 certificate carrying subjectAltPublicKeyInfo (2.5.29.72) and
//! altSignatureAlgorithm (2.5.29.73); the CA's padded FALCON-1024 key signs that
//! certificate's TBSCertificate; the certificate is built again with altSignatureValue
//! (2.5.29.74) appended. No OpenSSL involved: rcgen signs with ring, PQClean signs FALCON.
//!
//! The DER helpers below are written independently of the crate (which uses `x509-cert`), so
//! that the pre-TBS comparison checks the crate's reconstruction against the bytes that
//! were really signed.

use std::net::IpAddr;

use hypermesh_primitives::{
	falcon,
	x509::{HybridCertificate, SignatureAlgorithm, SubjectKey, X509Error},
};
use pqcrypto_falcon::falconpadded1024;
use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _};
use rcgen::{
	date_time_ymd, BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
	ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};

// ---------------------------------------------------------------------------------------
// A minimal DER reader/writer (tests only)
// ---------------------------------------------------------------------------------------

/// (tag, whole element, content, rest)
fn tlv(input: &[u8]) -> (u8, &[u8], &[u8], &[u8]) {
	let tag = input[0];
	let (len, hdr) = match input[1] {
		n if n < 0x80 => (n as usize, 2),
		0x81 => (input[2] as usize, 3),
		0x82 => ((input[2] as usize) << 8 | input[3] as usize, 4),
		other => panic!("length form {other:#x}"),
	};
	(
		tag,
		&input[..hdr + len],
		&input[hdr..hdr + len],
		&input[hdr + len..],
	)
}

fn children(mut content: &[u8]) -> Vec<&[u8]> {
	let mut out = Vec::new();
	while !content.is_empty() {
		let (_, raw, _, rest) = tlv(content);
		out.push(raw);
		content = rest;
	}
	out
}

fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
	let mut out = vec![tag];
	match content.len() {
		n if n < 0x80 => out.push(n as u8),
		n if n < 0x100 => out.extend_from_slice(&[0x81, n as u8]),
		n => out.extend_from_slice(&[0x82, (n >> 8) as u8, n as u8]),
	}
	out.extend_from_slice(content);
	out
}

/// The TBSCertificate of a DER certificate, as it appears in it.
fn tbs_of(cert: &[u8]) -> &[u8] {
	let (tag, _, content, rest) = tlv(cert);
	assert_eq!(tag, 0x30);
	assert!(rest.is_empty());
	children(content)[0]
}

/// X.509 (2019) §9.8's preTBSCertificate of a certificate built without altSignatureValue:
/// its TBSCertificate without the `signature` field (the third component of a v3 TBS),
/// written here independently of the code under test.
fn pre_tbs_of(cert: &[u8]) -> Vec<u8> {
	let (tag, _, content, _) = tlv(tbs_of(cert));
	assert_eq!(tag, 0x30);
	let fields = children(content);
	assert_eq!(fields[0][0], 0xa0, "v3 TBSCertificate");
	assert_eq!(fields[2][0], 0x30, "signature AlgorithmIdentifier");
	let kept: Vec<u8> = fields
		.iter()
		.enumerate()
		.filter(|(i, _)| *i != 2)
		.flat_map(|(_, f)| f.iter().copied())
		.collect();
	encode(0x30, &kept)
}

/// Offset of the TBSCertificate inside a certificate, and its length.
fn tbs_range(cert: &[u8]) -> std::ops::Range<usize> {
	let tbs = tbs_of(cert);
	let start = tbs.as_ptr() as usize - cert.as_ptr() as usize;
	start..start + tbs.len()
}

/// OID 1.3.9999.3.14.
const FALCON_OID: [u8; 7] = [0x06, 0x05, 0x2b, 0xce, 0x0f, 0x03, 0x0e];

fn falcon_alg_id() -> Vec<u8> {
	encode(0x30, &FALCON_OID)
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
	encode(0x03, &[&[0u8][..], bytes].concat())
}

fn alt_spki(falcon_pk: &[u8]) -> Vec<u8> {
	encode(0x30, &[falcon_alg_id(), bit_string(falcon_pk)].concat())
}

// ---------------------------------------------------------------------------------------
// Building hybrid certificates with rcgen
// ---------------------------------------------------------------------------------------

struct Ca {
	params: CertificateParams,
	key: KeyPair,
	cert: Vec<u8>,
	falcon_pk: falconpadded1024::PublicKey,
	falcon_sk: falconpadded1024::SecretKey,
}

impl Ca {
	fn new(alg: &'static rcgen::SignatureAlgorithm) -> Self {
		let key = KeyPair::generate_for(alg).unwrap();
		let mut params = CertificateParams::default();
		let mut dn = DistinguishedName::new();
		dn.push(DnType::CommonName, "HyperMesh test CA");
		dn.push(DnType::OrganizationName, "HyperMesh TrustChain (test CA)");
		params.distinguished_name = dn;
		params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
		params.key_usages = vec![
			KeyUsagePurpose::KeyCertSign,
			KeyUsagePurpose::CrlSign,
			KeyUsagePurpose::DigitalSignature,
		];
		params.not_before = date_time_ymd(2024, 1, 1);
		params.not_after = date_time_ymd(2034, 1, 1);
		params.serial_number = Some(SerialNumber::from(1u64));
		let cert = params.self_signed(&key).unwrap().der().to_vec();
		let (falcon_pk, falcon_sk) = falconpadded1024::keypair();
		Self {
			params,
			key,
			cert,
			falcon_pk,
			falcon_sk,
		}
	}

	fn p256() -> Self {
		Self::new(&rcgen::PKCS_ECDSA_P256_SHA256)
	}

	/// The CA's classical key as the crate represents it.
	fn classical_key(&self) -> SubjectKey {
		let raw = self.key.public_key_raw();
		if self.key.algorithm() == &rcgen::PKCS_ED25519 {
			SubjectKey::Ed25519(raw.try_into().unwrap())
		} else {
			SubjectKey::EcdsaP256(raw.to_vec())
		}
	}

	fn falcon_public(&self) -> Vec<u8> {
		self.falcon_pk.as_bytes().to_vec()
	}
}

/// What the test leaf contains.
struct LeafSpec {
	serial: Vec<u8>,
	dns: Vec<&'static str>,
	ips: Vec<IpAddr>,
	not_before: time::OffsetDateTime,
	not_after: time::OffsetDateTime,
}

impl LeafSpec {
	fn standard() -> Self {
		Self {
			// High bit set: DER needs a leading zero byte.
			serial: vec![0x81, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef],
			dns: vec!["node-a.hypermesh.test", "localhost"],
			ips: vec!["2001:db8::1".parse().unwrap(), "::1".parse().unwrap()],
			not_before: date_time_ymd(2025, 3, 4)
				.replace_hour(5)
				.unwrap()
				.replace_second(6)
				.unwrap(),
			// After 2049: GeneralizedTime.
			not_after: date_time_ymd(2051, 7, 8).replace_minute(9).unwrap(),
		}
	}
}

/// A built leaf: the final certificate and the intermediate one (without 2.5.29.74) whose
/// TBS the CA's FALCON key signed.
struct Leaf {
	cert: Vec<u8>,
	pre_cert: Vec<u8>,
	falcon_pk: Vec<u8>,
}

fn leaf_params(spec: &LeafSpec) -> CertificateParams {
	let mut params = CertificateParams::default();
	let mut dn = DistinguishedName::new();
	dn.push(DnType::CommonName, "node-a");
	params.distinguished_name = dn;
	params.subject_alt_names = spec
		.dns
		.iter()
		.map(|d| SanType::DnsName((*d).try_into().unwrap()))
		.chain(spec.ips.iter().map(|ip| SanType::IpAddress(*ip)))
		.collect();
	params.serial_number = Some(SerialNumber::from(spec.serial.clone()));
	params.not_before = spec.not_before;
	params.not_after = spec.not_after;
	params.is_ca = IsCa::ExplicitNoCa;
	params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
	params.extended_key_usages = vec![
		ExtendedKeyUsagePurpose::ServerAuth,
		ExtendedKeyUsagePurpose::ClientAuth,
	];
	params.use_authority_key_identifier_extension = true;
	params
}

/// Builds a hybrid leaf for `subject` (its classical key) and `falcon_pk` (its FALCON key,
/// any bytes), signed by `ca`; `alt_sig_value` decides whether 2.5.29.74 is added.
fn build_leaf(
	ca: &Ca,
	spec: &LeafSpec,
	subject: &KeyPair,
	falcon_pk: &[u8],
	alt_sig_value: bool,
) -> Leaf {
	let mut params = leaf_params(spec);
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 72],
			alt_spki(falcon_pk),
		));
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 73],
			falcon_alg_id(),
		));
	let issuer = Issuer::from_params(&ca.params, &ca.key);
	let pre_cert = params.signed_by(subject, &issuer).unwrap().der().to_vec();
	if !alt_sig_value {
		return Leaf {
			cert: pre_cert.clone(),
			pre_cert,
			falcon_pk: falcon_pk.to_vec(),
		};
	}
	let signature = falconpadded1024::detached_sign(&pre_tbs_of(&pre_cert), &ca.falcon_sk);
	assert_eq!(signature.as_bytes().len(), falcon::SIGNATURE_LEN);
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 74],
			bit_string(signature.as_bytes()),
		));
	let cert = params.signed_by(subject, &issuer).unwrap().der().to_vec();
	Leaf {
		cert,
		pre_cert,
		falcon_pk: falcon_pk.to_vec(),
	}
}

/// A standard leaf with a fresh P-256 subject key and a fresh FALCON key.
fn standard_leaf(ca: &Ca) -> (Leaf, KeyPair) {
	let subject = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
	let (falcon_pk, _) = falconpadded1024::keypair();
	(
		build_leaf(
			ca,
			&LeafSpec::standard(),
			&subject,
			falcon_pk.as_bytes(),
			true,
		),
		subject,
	)
}

// ---------------------------------------------------------------------------------------
// Well-formed certificates
// ---------------------------------------------------------------------------------------

#[test]
fn parses_what_rcgen_wrote() {
	let ca = Ca::p256();
	let spec = LeafSpec::standard();
	let (leaf, subject) = standard_leaf(&ca);
	let cert = HybridCertificate::parse(&leaf.cert).unwrap();

	// The serial's DER content bytes: a leading zero before the high bit.
	assert_eq!(cert.serial, [&[0u8][..], &spec.serial].concat());
	assert_eq!(
		cert.dns_names,
		vec![b"node-a.hypermesh.test".to_vec(), b"localhost".to_vec()]
	);
	let ips: Vec<Vec<u8>> = spec
		.ips
		.iter()
		.map(|ip| match ip {
			IpAddr::V6(v6) => v6.octets().to_vec(),
			IpAddr::V4(v4) => v4.octets().to_vec(),
		})
		.collect();
	assert_eq!(cert.ip_addresses, ips);
	assert_eq!(cert.ip_addresses[0].len(), 16);
	assert_eq!(cert.not_before, spec.not_before.unix_timestamp() as u64);
	assert_eq!(cert.not_after, spec.not_after.unix_timestamp() as u64);
	assert_eq!(cert.not_before, 1_741_064_406); // 2025-03-04T05:00:06Z
	assert_eq!(cert.not_after, 2_572_387_740); // 2051-07-08T00:09:00Z
	assert!(!cert.is_ca);
	assert_eq!(
		cert.subject_key,
		SubjectKey::EcdsaP256(subject.public_key_raw().to_vec())
	);
	assert_eq!(subject.public_key_raw().len(), 65);
	assert_eq!(
		cert.subject_falcon_key.as_deref(),
		Some(&leaf.falcon_pk[..])
	);
	assert_eq!(
		cert.signature_algorithm,
		SignatureAlgorithm::EcdsaWithSha256
	);
	assert_eq!(cert.tbs, tbs_of(&leaf.cert));

	// Issuer and subject names: the DER Names of the certificates.
	let ca_cert = HybridCertificate::parse(&ca.cert);
	// The CA certificate has no FALCON extensions, which is fine for parsing.
	let ca_cert = ca_cert.unwrap();
	assert_eq!(cert.issuer, ca_cert.subject);
	assert_eq!(ca_cert.issuer, ca_cert.subject);
	assert_ne!(cert.subject, cert.issuer);
	assert!(ca_cert.is_ca);
	assert_eq!(ca_cert.subject_falcon_key, None);
	assert_eq!(ca_cert.alt_signature, None);
	assert_eq!(ca_cert.serial, vec![1]);
	assert_eq!(ca_cert.subject_key, ca.classical_key());
	// Self-signed: verifies with its own key.
	assert_eq!(
		ca_cert.verify_classical_signature(&ca.classical_key()),
		Ok(())
	);
	assert_eq!(
		ca_cert.verify_alt_signature(&ca.falcon_public()),
		Err(X509Error::MissingAltSignature)
	);
}

#[test]
fn pre_tbs_is_exactly_what_was_signed() {
	let ca = Ca::p256();
	for _ in 0..3 {
		let (leaf, _) = standard_leaf(&ca);
		let cert = HybridCertificate::parse(&leaf.cert).unwrap();
		let (signature, pre_tbs) = cert.alt_signature.clone().unwrap();
		assert_eq!(
			pre_tbs,
			pre_tbs_of(&leaf.pre_cert),
			"byte-exact pre-TBS reconstruction"
		);
		assert_eq!(
			hypermesh_primitives::x509::pre_tbs_of(&leaf.pre_cert).unwrap(),
			pre_tbs
		);
		// The signature field is not covered: the bytes runtimes before spec 106 signed
		// (the pre-certificate's whole TBS) do not verify.
		assert_eq!(
			falcon::verify(&ca.falcon_public(), tbs_of(&leaf.pre_cert), &signature),
			Err(falcon::FalconError::InvalidSignature)
		);
		assert_eq!(signature.len(), falcon::SIGNATURE_LEN);
		assert_ne!(pre_tbs, cert.tbs);
		// rcgen writes custom extensions last, so the final TBS is the pre-TBS with the
		// extension appended (lengths aside): the pre-TBS is shorter by its encoding.
		assert!(cert.tbs.len() > pre_tbs.len() + falcon::SIGNATURE_LEN);
	}
}

#[test]
fn signatures_verify_with_the_cas_keys_only() {
	let ca = Ca::p256();
	let (leaf, subject) = standard_leaf(&ca);
	let cert = HybridCertificate::parse(&leaf.cert).unwrap();
	assert_eq!(cert.verify_classical_signature(&ca.classical_key()), Ok(()));
	assert_eq!(cert.verify_alt_signature(&ca.falcon_public()), Ok(()));

	// Other classical keys: another P-256 key, the subject's own key, an Ed25519 key.
	let other = Ca::p256();
	assert_eq!(
		cert.verify_classical_signature(&other.classical_key()),
		Err(X509Error::BadClassicalSignature)
	);
	assert_eq!(
		cert.verify_classical_signature(&SubjectKey::EcdsaP256(subject.public_key_raw().to_vec())),
		Err(X509Error::BadClassicalSignature)
	);
	let ed = Ca::new(&rcgen::PKCS_ED25519);
	assert_eq!(
		cert.verify_classical_signature(&ed.classical_key()),
		Err(X509Error::BadClassicalSignature)
	);
	assert_eq!(
		cert.verify_classical_signature(&SubjectKey::EcdsaP256(vec![])),
		Err(X509Error::BadClassicalSignature)
	);

	// Other FALCON keys.
	assert_eq!(
		cert.verify_alt_signature(&other.falcon_public()),
		Err(X509Error::BadAltSignature)
	);
	assert_eq!(
		cert.verify_alt_signature(&leaf.falcon_pk),
		Err(X509Error::BadAltSignature)
	);
	assert_eq!(
		cert.verify_alt_signature(&[]),
		Err(X509Error::BadAltSignature)
	);
	assert_eq!(
		cert.verify_alt_signature(&ca.falcon_public()[..falcon::PUBLIC_KEY_LEN - 1]),
		Err(X509Error::BadAltSignature)
	);
}

#[test]
fn forged_falcon_signature_is_refused() {
	// The same CA classical key, a different FALCON key: the classical signature is
	// genuine, the alternative one is not the CA's.
	let ca = Ca::p256();
	let (forger_pk, forger_sk) = falconpadded1024::keypair();
	let forger = Ca {
		params: ca.params.clone(),
		key: KeyPair::try_from(ca.key.serialize_der().as_slice()).unwrap(),
		cert: ca.cert.clone(),
		falcon_pk: forger_pk,
		falcon_sk: forger_sk,
	};
	let (leaf, _) = standard_leaf(&forger);
	let cert = HybridCertificate::parse(&leaf.cert).unwrap();
	assert_eq!(cert.verify_classical_signature(&ca.classical_key()), Ok(()));
	assert_eq!(cert.verify_alt_signature(&forger.falcon_public()), Ok(()));
	assert_eq!(
		cert.verify_alt_signature(&ca.falcon_public()),
		Err(X509Error::BadAltSignature)
	);
}

#[test]
fn ed25519_subject_and_ed25519_ca() {
	// Ed25519 subject, P-256 CA.
	let ca = Ca::p256();
	let subject = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
	let (falcon_pk, _) = falconpadded1024::keypair();
	let leaf = build_leaf(
		&ca,
		&LeafSpec::standard(),
		&subject,
		falcon_pk.as_bytes(),
		true,
	);
	let cert = HybridCertificate::parse(&leaf.cert).unwrap();
	let raw: [u8; 32] = subject.public_key_raw().try_into().unwrap();
	assert_eq!(cert.subject_key, SubjectKey::Ed25519(raw));
	assert_eq!(
		cert.signature_algorithm,
		SignatureAlgorithm::EcdsaWithSha256
	);
	assert_eq!(cert.verify_classical_signature(&ca.classical_key()), Ok(()));
	assert_eq!(cert.verify_alt_signature(&ca.falcon_public()), Ok(()));
	assert_eq!(
		cert.alt_signature.as_ref().unwrap().1,
		pre_tbs_of(&leaf.pre_cert)
	);

	// Ed25519 CA: the classical signature algorithm is Ed25519.
	let ed_ca = Ca::new(&rcgen::PKCS_ED25519);
	let leaf = build_leaf(
		&ed_ca,
		&LeafSpec::standard(),
		&subject,
		falcon_pk.as_bytes(),
		true,
	);
	let cert = HybridCertificate::parse(&leaf.cert).unwrap();
	assert_eq!(cert.signature_algorithm, SignatureAlgorithm::Ed25519);
	assert_eq!(
		cert.verify_classical_signature(&ed_ca.classical_key()),
		Ok(())
	);
	assert_eq!(cert.verify_alt_signature(&ed_ca.falcon_public()), Ok(()));
	// A P-256 key cannot verify an Ed25519 signature, and another Ed25519 key does not.
	assert_eq!(
		cert.verify_classical_signature(&ca.classical_key()),
		Err(X509Error::BadClassicalSignature)
	);
	assert_eq!(
		cert.verify_classical_signature(&Ca::new(&rcgen::PKCS_ED25519).classical_key()),
		Err(X509Error::BadClassicalSignature)
	);
	let ed_ca_cert = HybridCertificate::parse(&ed_ca.cert).unwrap();
	assert!(ed_ca_cert.is_ca);
	assert_eq!(ed_ca_cert.subject_key, ed_ca.classical_key());
}

#[test]
fn certificate_without_falcon_extensions() {
	// An ordinary certificate: no 2.5.29.72-74. Parses; no FALCON key, no alt signature.
	let ca = Ca::p256();
	let subject = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
	let params = leaf_params(&LeafSpec::standard());
	let cert = params
		.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
		.unwrap();
	let cert = HybridCertificate::parse(cert.der()).unwrap();
	assert_eq!(cert.subject_falcon_key, None);
	assert_eq!(cert.alt_signature, None);
	assert_eq!(cert.verify_classical_signature(&ca.classical_key()), Ok(()));
	assert_eq!(
		cert.verify_alt_signature(&ca.falcon_public()),
		Err(X509Error::MissingAltSignature)
	);
}

// ---------------------------------------------------------------------------------------
// Malformed input
// ---------------------------------------------------------------------------------------

#[test]
fn garbage_is_refused_without_panicking() {
	for bad in [
		&[][..],
		&[0x30][..],
		&[0x30, 0x00][..],
		&[0x30, 0x03, 0x30, 0x01, 0x00][..],
		&[0xff; 64][..],
		&[0x30, 0x84, 0xff, 0xff, 0xff, 0xff][..],
		&[0x30, 0x80, 0x00, 0x00][..], // BER indefinite length
	] {
		assert_eq!(
			HybridCertificate::parse(bad),
			Err(X509Error::MalformedDer),
			"{bad:02x?}"
		);
	}
}

#[test]
fn truncations_and_trailing_bytes_are_refused() {
	let ca = Ca::p256();
	let (leaf, _) = standard_leaf(&ca);
	let der = &leaf.cert;
	for len in (0..der.len()).step_by(97).chain([der.len() - 1]) {
		assert_eq!(
			HybridCertificate::parse(&der[..len]),
			Err(X509Error::MalformedDer),
			"{len}"
		);
	}
	for trailing in [&[0u8][..], &[0x30, 0x00][..], der] {
		let extended = [der.as_slice(), trailing].concat();
		assert_eq!(
			HybridCertificate::parse(&extended),
			Err(X509Error::MalformedDer)
		);
	}
	assert!(HybridCertificate::parse(der).is_ok());
}

#[test]
fn flipped_bytes_never_verify() {
	let ca = Ca::p256();
	let (leaf, _) = standard_leaf(&ca);
	let der = &leaf.cert;
	let tbs = tbs_range(der);
	let mut parsed = 0;
	// Every byte of the certificate, one bit at a time at a stride (the FALCON key and
	// signature are ~3 KB of the ~3.7 KB; each is covered at a stride as well).
	for i in (0..der.len()).step_by(3) {
		let mut bad = der.clone();
		bad[i] ^= 0x01;
		let Ok(cert) = HybridCertificate::parse(&bad) else {
			continue;
		};
		parsed += 1;
		let classical = cert.verify_classical_signature(&ca.classical_key());
		let alt = cert.verify_alt_signature(&ca.falcon_public());
		if tbs.contains(&i) {
			assert_eq!(classical, Err(X509Error::BadClassicalSignature), "byte {i}");
			assert!(
				alt.is_err(),
				"byte {i}: the alternative signature still verifies"
			);
		} else {
			// Outside the TBS: the signature algorithm or the classical signature.
			assert!(classical.is_err(), "byte {i}");
		}
	}
	assert!(
		parsed > der.len() / 6,
		"most flips leave a decodable certificate: {parsed}"
	);
}

#[test]
fn alt_signature_algorithm_without_value_is_refused() {
	let ca = Ca::p256();
	let subject = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
	let (falcon_pk, _) = falconpadded1024::keypair();
	let leaf = build_leaf(
		&ca,
		&LeafSpec::standard(),
		&subject,
		falcon_pk.as_bytes(),
		false,
	);
	assert_eq!(
		HybridCertificate::parse(&leaf.cert),
		Err(X509Error::MissingAltSignature)
	);

	// The value without the algorithm.
	let mut params = leaf_params(&LeafSpec::standard());
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 72],
			alt_spki(falcon_pk.as_bytes()),
		));
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 74],
			bit_string(&[0x3a; falcon::SIGNATURE_LEN]),
		));
	let cert = params
		.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
		.unwrap();
	assert_eq!(
		HybridCertificate::parse(cert.der()),
		Err(X509Error::MissingAltSignature)
	);

	// An algorithm other than FALCON-1024 (here: Ed25519's OID).
	let mut params = leaf_params(&LeafSpec::standard());
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 73],
			encode(0x30, &[0x06, 0x03, 0x2b, 0x65, 0x70]),
		));
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 74],
			bit_string(&[0x3a; falcon::SIGNATURE_LEN]),
		));
	let cert = params
		.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
		.unwrap();
	assert_eq!(
		HybridCertificate::parse(cert.der()),
		Err(X509Error::MissingAltSignature)
	);

	// A value that is not a BIT STRING.
	let mut params = leaf_params(&LeafSpec::standard());
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 73],
			falcon_alg_id(),
		));
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 74],
			encode(0x04, &[0x3a; falcon::SIGNATURE_LEN]),
		));
	let cert = params
		.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
		.unwrap();
	assert_eq!(
		HybridCertificate::parse(cert.der()),
		Err(X509Error::MalformedExtension)
	);
}

#[test]
fn bad_falcon_subject_keys_are_refused() {
	let ca = Ca::p256();
	let subject = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
	let (falcon_pk, _) = falconpadded1024::keypair();
	let pk = falcon_pk.as_bytes();
	let mut wrong_header = pk.to_vec();
	wrong_header[0] = 0x09;
	let (pk512, _) = pqcrypto_falcon::falconpadded512::keypair();
	for bad in [
		&pk[..pk.len() - 1],
		&[pk, &[0]].concat()[..],
		&wrong_header[..],
		pk512.as_bytes(),
		&[][..],
	] {
		let leaf = build_leaf(&ca, &LeafSpec::standard(), &subject, bad, true);
		assert_eq!(
			HybridCertificate::parse(&leaf.cert),
			Err(X509Error::MissingFalconKey),
			"{}",
			bad.len()
		);
	}

	// The right key under another algorithm identifier (Ed25519's OID).
	let mut params = leaf_params(&LeafSpec::standard());
	let wrong_alg = encode(
		0x30,
		&[
			encode(0x30, &[0x06, 0x03, 0x2b, 0x65, 0x70]),
			bit_string(pk),
		]
		.concat(),
	);
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 72],
			wrong_alg,
		));
	let cert = params
		.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
		.unwrap();
	assert_eq!(
		HybridCertificate::parse(cert.der()),
		Err(X509Error::MissingFalconKey)
	);

	// Not a SubjectPublicKeyInfo at all.
	let mut params = leaf_params(&LeafSpec::standard());
	params
		.custom_extensions
		.push(CustomExtension::from_oid_content(
			&[2, 5, 29, 72],
			encode(0x04, pk),
		));
	let cert = params
		.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
		.unwrap();
	assert_eq!(
		HybridCertificate::parse(cert.der()),
		Err(X509Error::MalformedExtension)
	);
}

#[test]
fn duplicate_extension_is_refused() {
	let ca = Ca::p256();
	let subject = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
	let (falcon_pk, _) = falconpadded1024::keypair();
	let mut params = leaf_params(&LeafSpec::standard());
	for _ in 0..2 {
		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				&[2, 5, 29, 72],
				alt_spki(falcon_pk.as_bytes()),
			));
	}
	let cert = params
		.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
		.unwrap();
	assert_eq!(
		HybridCertificate::parse(cert.der()),
		Err(X509Error::MalformedExtension)
	);
}

/// Rebuilds `cert` with its TBSCertificate's children transformed (signature unchanged).
fn rebuild(cert: &[u8], f: impl FnOnce(Vec<Vec<u8>>) -> Vec<Vec<u8>>) -> Vec<u8> {
	let (_, _, content, _) = tlv(cert);
	let parts = children(content);
	let (_, _, tbs_content, _) = tlv(parts[0]);
	let fields = f(children(tbs_content)
		.into_iter()
		.map(<[u8]>::to_vec)
		.collect());
	let tbs = encode(0x30, &fields.concat());
	encode(0x30, &[tbs.as_slice(), parts[1], parts[2]].concat())
}

#[test]
fn rebuild_is_the_identity() {
	let ca = Ca::p256();
	let (leaf, _) = standard_leaf(&ca);
	assert_eq!(rebuild(&leaf.cert, |f| f), leaf.cert);
}

#[test]
fn version_1_certificate_is_refused() {
	let ca = Ca::p256();
	let (leaf, _) = standard_leaf(&ca);
	// No [0] version (v1 is the default) and no [3] extensions.
	let v1 = rebuild(&leaf.cert, |fields| {
		assert_eq!(fields[0][0], 0xa0);
		fields
			.into_iter()
			.filter(|f| f[0] != 0xa0 && f[0] != 0xa3)
			.collect()
	});
	assert_eq!(HybridCertificate::parse(&v1), Err(X509Error::NotVersion3));
	// Version 2 (INTEGER 1).
	let v2 = rebuild(&leaf.cert, |mut fields| {
		fields[0] = vec![0xa0, 0x03, 0x02, 0x01, 0x01];
		fields.into_iter().filter(|f| f[0] != 0xa3).collect()
	});
	assert_eq!(HybridCertificate::parse(&v2), Err(X509Error::NotVersion3));
}

#[test]
fn non_canonical_encodings_are_refused() {
	let ca = Ca::p256();
	let (leaf, _) = standard_leaf(&ca);
	// An explicit `critical FALSE` (DEFAULT FALSE must be omitted in DER) in the
	// altSignatureValue extension. If this parsed, the signatures would be checked over a
	// re-encoding that differs from the certificate's bytes.
	let explicit_false = rebuild(&leaf.cert, |mut fields| {
		let exts = fields.pop().unwrap();
		assert_eq!(exts[0], 0xa3);
		let (_, _, seq, _) = tlv(&exts);
		let (_, _, list, _) = tlv(seq);
		let mut list: Vec<Vec<u8>> = children(list).into_iter().map(<[u8]>::to_vec).collect();
		let last = list.pop().unwrap();
		let (_, _, ext, _) = tlv(&last);
		let parts = children(ext);
		assert_eq!(parts.len(), 2, "no critical flag");
		list.push(encode(
			0x30,
			&[parts[0], &[0x01, 0x01, 0x00], parts[1]].concat(),
		));
		fields.push(encode(0xa3, &encode(0x30, &list.concat())));
		fields
	});
	assert_eq!(
		HybridCertificate::parse(&explicit_false),
		Err(X509Error::MalformedDer)
	);
	// An explicit version v1 ([0] INTEGER 0, the DEFAULT).
	let explicit_v1 = rebuild(&leaf.cert, |mut fields| {
		fields[0] = vec![0xa0, 0x03, 0x02, 0x01, 0x00];
		fields.into_iter().filter(|f| f[0] != 0xa3).collect()
	});
	assert!(HybridCertificate::parse(&explicit_v1).is_err());
	// A multi-valued RDN (SET OF) out of DER order; the same set in order parses.
	let atv = |cn: u8| {
		encode(
			0x30,
			&[&[0x06, 0x03, 0x55, 0x04, 0x03][..], &[0x0c, 0x01, cn]].concat(),
		)
	};
	let name =
		|first: u8, second: u8| encode(0x30, &encode(0x31, &[atv(first), atv(second)].concat()));
	let with_subject = |subject: Vec<u8>| {
		rebuild(&leaf.cert, |mut fields| {
			assert_eq!(fields[5][..2], [0x30, 0x11], "subject CN=node-a");
			fields[5] = subject;
			fields
		})
	};
	let sorted = HybridCertificate::parse(&with_subject(name(b'a', b'b'))).unwrap();
	assert_eq!(sorted.subject, name(b'a', b'b'));
	assert_eq!(
		HybridCertificate::parse(&with_subject(name(b'b', b'a'))),
		Err(X509Error::MalformedDer)
	);
	// A long-form length where the short form fits (serial: 02 09 -> 02 81 09).
	let long_len = rebuild(&leaf.cert, |mut fields| {
		assert_eq!(fields[1][..2], [0x02, 0x09]);
		fields[1] = [&[0x02, 0x81][..], &fields[1][1..]].concat();
		fields
	});
	assert_eq!(
		HybridCertificate::parse(&long_len),
		Err(X509Error::MalformedDer)
	);
}

#[test]
fn unsupported_subject_key_is_refused() {
	let ca = Ca::p256();
	let subject = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).unwrap();
	let (falcon_pk, _) = falconpadded1024::keypair();
	let leaf = build_leaf(
		&ca,
		&LeafSpec::standard(),
		&subject,
		falcon_pk.as_bytes(),
		true,
	);
	assert_eq!(
		HybridCertificate::parse(&leaf.cert),
		Err(X509Error::UnsupportedSubjectKey)
	);
}

#[test]
fn unsupported_signature_algorithm_is_refused() {
	// A CA with a P-384 key signs with ecdsa-with-SHA384.
	let ca = Ca::new(&rcgen::PKCS_ECDSA_P384_SHA384);
	let (leaf, _) = standard_leaf(&ca);
	assert_eq!(
		HybridCertificate::parse(&leaf.cert),
		Err(X509Error::UnsupportedSignatureAlgorithm)
	);
	// The outer signature algorithm differs from the TBS one.
	let p256 = Ca::p256();
	let (leaf, _) = standard_leaf(&p256);
	let (_, _, content, _) = tlv(&leaf.cert);
	let parts = children(content);
	let ed25519_alg = encode(0x30, &[0x06, 0x03, 0x2b, 0x65, 0x70]);
	let mismatched = encode(0x30, &[parts[0], &ed25519_alg, parts[2]].concat());
	assert_eq!(
		HybridCertificate::parse(&mismatched),
		Err(X509Error::SignatureAlgorithmMismatch)
	);
}

#[test]
fn subject_alt_name_ip_addresses_must_be_4_or_16_bytes() {
	let ca = Ca::p256();
	let subject = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
	let san = |ip: &[u8]| {
		let mut params = leaf_params(&LeafSpec::standard());
		params.subject_alt_names.clear();
		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				&[2, 5, 29, 17],
				encode(0x30, &[encode(0x82, b"a.test"), encode(0x87, ip)].concat()),
			));
		let cert = params
			.signed_by(&subject, &Issuer::from_params(&ca.params, &ca.key))
			.unwrap();
		HybridCertificate::parse(cert.der())
	};
	let v4 = san(&[192, 0, 2, 1]).unwrap();
	assert_eq!(v4.ip_addresses, vec![vec![192, 0, 2, 1]]);
	assert_eq!(v4.dns_names, vec![b"a.test".to_vec()]);
	assert_eq!(san(&[0x20; 16]).unwrap().ip_addresses, vec![vec![0x20; 16]]);
	for len in [0, 1, 5, 8, 15, 17, 32] {
		assert_eq!(
			san(&vec![1; len]),
			Err(X509Error::MalformedExtension),
			"{len}"
		);
	}
}
