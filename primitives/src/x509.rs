//! Hybrid (classical + FALCON-1024) X.509 v3 certificates: the parts TrustChain checks.
//!
//! A TrustChain certificate is an ordinary X.509 v3 certificate signed by its CA with a
//! classical algorithm (so rustls/webpki and `openssl verify` accept it), plus three
//! non-critical extensions from X.509 (2019) §9.8 that make it post-quantum:
//!
//! | extension | OID | value (DER) |
//! |---|---|---|
//! | subjectAltPublicKeyInfo | 2.5.29.72 | `SubjectPublicKeyInfo { AlgorithmIdentifier { falcon-1024 }, BIT STRING <subject's FALCON-1024 public key, 1793 B> }` |
//! | altSignatureAlgorithm | 2.5.29.73 | `AlgorithmIdentifier { falcon-1024 }` |
//! | altSignatureValue | 2.5.29.74 | `BIT STRING <issuer's padded FALCON-1024 signature, 1280 B>` |
//!
//! The FALCON-1024 algorithm identifier is [`OID_FALCON1024`] (1.3.9999.3.14, the Open
//! Quantum Safe arc; no standard OID exists yet). The issuer's FALCON key signs the
//! *preTBSCertificate* of X.509 (2019) §9.8 ([`pre_tbs_certificate`]): the DER
//! `TBSCertificate` without its `signature` field and without the altSignatureValue
//! extension, every enclosing length re-encoded (DER is canonical, so decoding the final
//! certificate and re-encoding it without those two components gives back exactly the
//! signed bytes). This is the clause as Bouncy Castle and other implementations read it,
//! so they can check our alternative signatures. (Runtimes before spec 106 kept the
//! `signature` field in the signed bytes; see the TrustChain pallet's README for the
//! cut-over.)
//!
//! [`HybridCertificate::parse`] decodes a certificate with RustCrypto's `x509-cert` (no_std)
//! and extracts what the runtime, the node and clients compare and verify; it never panics
//! on input, and refuses trailing bytes and any encoding that is not canonical DER.

use alloc::vec::Vec;
use const_oid::{
	db::{rfc5280, rfc5912, rfc8410},
	ObjectIdentifier,
};
use der::{asn1::AnyRef, Decode, Encode, Reader, SliceReader, Tag};
use x509_cert::{
	certificate::TbsCertificate,
	ext::pkix::{name::GeneralName, BasicConstraints, SubjectAltName},
	spki::SubjectPublicKeyInfoOwned,
	Certificate,
};

use crate::{classical, falcon};

/// subjectAltPublicKeyInfo (X.509 (2019) §9.8.2).
pub const OID_ALT_SPKI: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.72");
/// altSignatureAlgorithm (X.509 (2019) §9.8.3).
pub const OID_ALT_SIG_ALG: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.73");
/// altSignatureValue (X.509 (2019) §9.8.4).
pub const OID_ALT_SIG_VALUE: ObjectIdentifier = ObjectIdentifier::new_unwrap("2.5.29.74");
/// FALCON-1024 (experimental, Open Quantum Safe arc).
pub const OID_FALCON1024: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.9999.3.14");

/// Why a certificate was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum X509Error {
	/// Not a DER X.509 certificate: not decodable, not canonical DER, or followed by
	/// trailing bytes.
	MalformedDer,
	/// Not an X.509 v3 certificate.
	NotVersion3,
	/// The outer signature algorithm differs from the one inside the TBSCertificate.
	SignatureAlgorithmMismatch,
	/// The classical signature algorithm is neither ECDSA with SHA-256 nor Ed25519.
	UnsupportedSignatureAlgorithm,
	/// The subject's classical key is neither Ed25519 nor ECDSA on P-256.
	UnsupportedSubjectKey,
	/// An extension this module reads (subjectAltName, basicConstraints or one of the
	/// alternative-signature extensions) does not decode, or appears twice.
	MalformedExtension,
	/// subjectAltPublicKeyInfo is missing, or is not a FALCON-1024 key.
	MissingFalconKey,
	/// altSignatureAlgorithm or altSignatureValue is missing, or not FALCON-1024.
	MissingAltSignature,
	/// The classical signature does not verify with the issuer's key.
	BadClassicalSignature,
	/// The FALCON-1024 alternative signature does not verify with the issuer's key.
	BadAltSignature,
}

/// The subject's classical public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SubjectKey {
	/// Ed25519, 32 bytes.
	Ed25519([u8; 32]),
	/// ECDSA P-256, the SEC1 point as in the certificate.
	EcdsaP256(Vec<u8>),
}

impl SubjectKey {
	/// The key in the form [`classical::verify`] takes.
	pub fn as_classical(&self) -> classical::ClassicalKey<'_> {
		match self {
			Self::Ed25519(key) => classical::ClassicalKey::Ed25519(key),
			Self::EcdsaP256(point) => classical::ClassicalKey::EcdsaP256(point),
		}
	}
}

/// The certificate's classical signature algorithm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureAlgorithm {
	/// ecdsa-with-SHA256 (1.2.840.10045.4.3.2).
	EcdsaWithSha256,
	/// Ed25519 (1.3.101.112).
	Ed25519,
}

/// What TrustChain reads from a hybrid certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HybridCertificate {
	/// The serial number's DER content bytes (big-endian, as encoded).
	pub serial: Vec<u8>,
	/// The issuer's distinguished name, DER.
	pub issuer: Vec<u8>,
	/// The subject's distinguished name, DER.
	pub subject: Vec<u8>,
	/// Start of validity, seconds since the Unix epoch.
	pub not_before: u64,
	/// End of validity, seconds since the Unix epoch.
	pub not_after: u64,
	/// The DNS names of the subjectAltName extension, in order.
	pub dns_names: Vec<Vec<u8>>,
	/// The IP addresses of the subjectAltName extension (4 or 16 bytes each).
	pub ip_addresses: Vec<Vec<u8>>,
	/// Whether basicConstraints says `cA = TRUE`.
	pub is_ca: bool,
	/// The subject's classical public key.
	pub subject_key: SubjectKey,
	/// The subject's FALCON-1024 public key (subjectAltPublicKeyInfo), if present.
	pub subject_falcon_key: Option<Vec<u8>>,
	/// The classical signature algorithm.
	pub signature_algorithm: SignatureAlgorithm,
	/// The TBSCertificate as encoded in the certificate (what the classical signature
	/// covers).
	pub tbs: Vec<u8>,
	/// The classical signature.
	pub signature: Vec<u8>,
	/// The FALCON-1024 alternative signature and the preTBSCertificate it covers
	/// ([`pre_tbs_certificate`]), if present.
	pub alt_signature: Option<(Vec<u8>, Vec<u8>)>,
}

impl HybridCertificate {
	/// Decodes and inspects a DER certificate. Does not verify any signature.
	pub fn parse(der: &[u8]) -> Result<Self, X509Error> {
		let cert = Certificate::from_der(der).map_err(|_| X509Error::MalformedDer)?;
		// The decoder accepts some encodings DER forbids (a DEFAULT value written out, such
		// as `critical FALSE`; a SET OF out of order, which it sorts), and `tbs` and the
		// pre-TBS below are re-encodings. Only canonical DER, which re-encodes to itself,
		// guarantees that they are the certificate's bytes, and that a certificate has a
		// single encoding (so a signed certificate cannot be resubmitted under another
		// hash).
		if cert.to_der().map_err(|_| X509Error::MalformedDer)? != der {
			return Err(X509Error::MalformedDer);
		}
		let tbs_cert = &cert.tbs_certificate;
		if tbs_cert.version != x509_cert::Version::V3 {
			return Err(X509Error::NotVersion3);
		}
		if tbs_cert.signature != cert.signature_algorithm {
			return Err(X509Error::SignatureAlgorithmMismatch);
		}
		let signature_algorithm = match cert.signature_algorithm.oid {
			rfc5912::ECDSA_WITH_SHA_256 => SignatureAlgorithm::EcdsaWithSha256,
			rfc8410::ID_ED_25519 => SignatureAlgorithm::Ed25519,
			_ => return Err(X509Error::UnsupportedSignatureAlgorithm),
		};
		let subject_key = subject_key(&tbs_cert.subject_public_key_info)?;

		let mut dns_names = Vec::new();
		let mut ip_addresses = Vec::new();
		let mut is_ca = false;
		let mut alt_spki = None;
		let mut alt_alg = None;
		let mut alt_value = None;
		let mut seen: Vec<ObjectIdentifier> = Vec::new();
		for ext in tbs_cert.extensions.iter().flatten() {
			if seen.contains(&ext.extn_id) {
				return Err(X509Error::MalformedExtension);
			}
			seen.push(ext.extn_id);
			let value = ext.extn_value.as_bytes();
			match ext.extn_id {
				rfc5280::ID_CE_SUBJECT_ALT_NAME => {
					let names = SubjectAltName::from_der(value)
						.map_err(|_| X509Error::MalformedExtension)?;
					for name in names.0 {
						match name {
							GeneralName::DnsName(dns) => dns_names.push(dns.as_bytes().to_vec()),
							GeneralName::IpAddress(ip) => {
								// RFC 5280 §4.2.1.6: 4 bytes (IPv4) or 16 bytes (IPv6).
								if !matches!(ip.as_bytes().len(), 4 | 16) {
									return Err(X509Error::MalformedExtension);
								}
								ip_addresses.push(ip.as_bytes().to_vec())
							}
							_ => {}
						}
					}
				}
				rfc5280::ID_CE_BASIC_CONSTRAINTS => {
					is_ca = BasicConstraints::from_der(value)
						.map_err(|_| X509Error::MalformedExtension)?
						.ca;
				}
				OID_ALT_SPKI => alt_spki = Some(value),
				OID_ALT_SIG_ALG => alt_alg = Some(value),
				OID_ALT_SIG_VALUE => alt_value = Some(value),
				_ => {}
			}
		}

		let subject_falcon_key = match alt_spki {
			None => None,
			Some(value) => {
				let spki = SubjectPublicKeyInfoOwned::from_der(value)
					.map_err(|_| X509Error::MalformedExtension)?;
				let key = spki
					.subject_public_key
					.as_bytes()
					.ok_or(X509Error::MissingFalconKey)?;
				if spki.algorithm.oid != OID_FALCON1024
					|| key.len() != falcon::PUBLIC_KEY_LEN
					|| key[0] != falcon::PUBLIC_KEY_HEADER
				{
					return Err(X509Error::MissingFalconKey);
				}
				Some(key.to_vec())
			}
		};

		let alt_signature = match (alt_alg, alt_value) {
			(None, None) => None,
			(Some(alg), Some(value)) => {
				let alg = spki::AlgorithmIdentifierOwned::from_der(alg)
					.map_err(|_| X509Error::MalformedExtension)?;
				if alg.oid != OID_FALCON1024 {
					return Err(X509Error::MissingAltSignature);
				}
				let value = der::asn1::BitString::from_der(value)
					.map_err(|_| X509Error::MalformedExtension)?;
				let signature = value
					.as_bytes()
					.ok_or(X509Error::MalformedExtension)?
					.to_vec();
				Some((signature, pre_tbs_certificate(tbs_cert)?))
			}
			_ => return Err(X509Error::MissingAltSignature),
		};

		Ok(Self {
			serial: tbs_cert.serial_number.as_bytes().to_vec(),
			issuer: tbs_cert
				.issuer
				.to_der()
				.map_err(|_| X509Error::MalformedDer)?,
			subject: tbs_cert
				.subject
				.to_der()
				.map_err(|_| X509Error::MalformedDer)?,
			not_before: tbs_cert.validity.not_before.to_unix_duration().as_secs(),
			not_after: tbs_cert.validity.not_after.to_unix_duration().as_secs(),
			dns_names,
			ip_addresses,
			is_ca,
			subject_key,
			subject_falcon_key,
			signature_algorithm,
			tbs: tbs_cert.to_der().map_err(|_| X509Error::MalformedDer)?,
			signature: cert
				.signature
				.as_bytes()
				.ok_or(X509Error::MalformedDer)?
				.to_vec(),
			alt_signature,
		})
	}

	/// Verifies the classical signature with the issuer's classical key. The key's
	/// algorithm must match the signature algorithm.
	pub fn verify_classical_signature(&self, issuer_key: &SubjectKey) -> Result<(), X509Error> {
		match (self.signature_algorithm, issuer_key) {
			(SignatureAlgorithm::EcdsaWithSha256, SubjectKey::EcdsaP256(_))
			| (SignatureAlgorithm::Ed25519, SubjectKey::Ed25519(_)) => {}
			_ => return Err(X509Error::BadClassicalSignature),
		}
		classical::verify(issuer_key.as_classical(), &self.tbs, &self.signature)
			.map_err(|_| X509Error::BadClassicalSignature)
	}

	/// Verifies the FALCON-1024 alternative signature with the issuer's FALCON key.
	pub fn verify_alt_signature(&self, issuer_falcon_key: &[u8]) -> Result<(), X509Error> {
		let (signature, pre_tbs) = self
			.alt_signature
			.as_ref()
			.ok_or(X509Error::MissingAltSignature)?;
		falcon::verify(issuer_falcon_key, pre_tbs, signature)
			.map_err(|_| X509Error::BadAltSignature)
	}
}

/// The *preTBSCertificate* of X.509 (2019) §9.8: what an issuer's alternative signature
/// covers. It is the certificate's `TBSCertificate` with two components left out: the
/// `signature` field (the classical AlgorithmIdentifier, the third component of a v3
/// TBSCertificate) and the altSignatureValue extension. Every other component is kept
/// exactly as encoded, and the enclosing lengths are re-encoded (DER is canonical, so the
/// result is a single byte string that the issuer and every verifier compute alike).
///
/// Bouncy Castle's `X509CertificateHolder.isAlternativeSignatureValid` and other
/// implementations of the clause build the same bytes.
pub fn pre_tbs_certificate(tbs: &TbsCertificate) -> Result<Vec<u8>, X509Error> {
	if tbs.version != x509_cert::Version::V3 {
		return Err(X509Error::NotVersion3);
	}
	let mut tbs = tbs.clone();
	if let Some(exts) = tbs.extensions.as_mut() {
		exts.retain(|ext| ext.extn_id != OID_ALT_SIG_VALUE);
	}
	let encoded = tbs.to_der().map_err(|_| X509Error::MalformedDer)?;
	let signature_field = tbs
		.signature
		.to_der()
		.map_err(|_| X509Error::MalformedDer)?;
	let outer = AnyRef::from_der(&encoded).map_err(|_| X509Error::MalformedDer)?;
	let mut reader = SliceReader::new(outer.value()).map_err(|_| X509Error::MalformedDer)?;
	let mut body = Vec::with_capacity(encoded.len());
	// A v3 TBSCertificate: [0] version, serialNumber, signature, issuer, validity, ...
	let mut index = 0usize;
	while !reader.is_finished() {
		let component = AnyRef::decode(&mut reader).map_err(|_| X509Error::MalformedDer)?;
		let bytes = component.to_der().map_err(|_| X509Error::MalformedDer)?;
		if index == 2 {
			if bytes != signature_field {
				return Err(X509Error::MalformedDer);
			}
		} else {
			body.extend_from_slice(&bytes);
		}
		index += 1;
	}
	AnyRef::new(Tag::Sequence, &body)
		.and_then(|sequence| sequence.to_der())
		.map_err(|_| X509Error::MalformedDer)
}

/// The preTBSCertificate ([`pre_tbs_certificate`]) of a DER certificate, as an issuer
/// computes it before appending the altSignatureValue extension (which, if present, is
/// left out anyway).
pub fn pre_tbs_of(certificate_der: &[u8]) -> Result<Vec<u8>, X509Error> {
	let cert = Certificate::from_der(certificate_der).map_err(|_| X509Error::MalformedDer)?;
	pre_tbs_certificate(&cert.tbs_certificate)
}

/// The subject's classical key, if it is Ed25519 or ECDSA P-256.
fn subject_key(spki: &SubjectPublicKeyInfoOwned) -> Result<SubjectKey, X509Error> {
	let bits = spki
		.subject_public_key
		.as_bytes()
		.ok_or(X509Error::UnsupportedSubjectKey)?;
	match spki.algorithm.oid {
		rfc8410::ID_ED_25519 => Ok(SubjectKey::Ed25519(
			bits.try_into()
				.map_err(|_| X509Error::UnsupportedSubjectKey)?,
		)),
		rfc5912::ID_EC_PUBLIC_KEY => {
			let curve = spki
				.algorithm
				.parameters
				.as_ref()
				.and_then(|p| p.decode_as::<ObjectIdentifier>().ok());
			if curve != Some(rfc5912::SECP_256_R_1) {
				return Err(X509Error::UnsupportedSubjectKey);
			}
			Ok(SubjectKey::EcdsaP256(bits.to_vec()))
		}
		_ => Err(X509Error::UnsupportedSubjectKey),
	}
}
