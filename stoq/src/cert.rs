//! Hybrid (classical + FALCON-1024) X.509 certificates: issuing with rcgen.
//! Parsing and verifying them is `hypermesh_primitives::x509` (the same code the
//! runtime runs), so what STOQ issues and checks is what TrustChain accepts.
//!
//! A STOQ node certificate is an ordinary X.509 v3 certificate signed by the CA
//! with ECDSA P-256 (so rustls/webpki and `openssl verify` accept it), plus three
//! non-critical extensions from X.509 (2019) §9.8:
//!
//! | extension | OID | value (DER) |
//! |---|---|---|
//! | subjectAltPublicKeyInfo | 2.5.29.72 | `SubjectPublicKeyInfo { AlgorithmIdentifier { falcon-1024 }, BIT STRING <subject's FALCON-1024 public key, 1793 B> }` |
//! | altSignatureAlgorithm | 2.5.29.73 | `AlgorithmIdentifier { falcon-1024 }` |
//! | altSignatureValue | 2.5.29.74 | `BIT STRING <CA's padded FALCON-1024 signature, 1280 B>` |
//!
//! The FALCON-1024 algorithm identifier is [`OID_FALCON1024`] = 1.3.9999.3.14, an
//! experimental OID from the Open Quantum Safe arc (no standard OID exists yet).
//! Signatures use PQClean's *padded* FALCON-1024 encoding (`falconpadded1024`:
//! header, nonce, compressed signature zero-padded to a fixed 1280 bytes), the
//! only one the runtime's verifier accepts; keys are the standard 1793-byte
//! encoding (the same for the padded and the compressed variants).
//!
//! **What FALCON signs.** The CA's FALCON-1024 key signs the *pre-TBS*: the DER of
//! the certificate's `TBSCertificate`, byte for byte as it appears in the final
//! certificate, except that the altSignatureValue extension is removed from the
//! `extensions` SEQUENCE (and the lengths of the enclosing `[3]`, SEQUENCE and
//! TBSCertificate are re-encoded). Everything else, including the serial,
//! validity, subject, classical public key, signature algorithm field and the
//! other two alt-sig extensions, is covered. The issuer builds the certificate
//! once without altSignatureValue, FALCON-signs that TBS, appends the extension
//! (rcgen writes custom extensions last) and checks with
//! [`HybridCertificate`] that the pre-TBS of the final certificate is exactly
//! the bytes it signed and that the alternative signature verifies.
//!
//! Limitations: the TLS handshake signature (CertificateVerify) stays classical
//! ECDSA; only the certificate binding is post-quantum. Chains are one level deep
//! (CA -> leaf); intermediates are not supported by the FALCON check.

use hypermesh_primitives::{
	falcon,
	x509::{HybridCertificate, SubjectKey, X509Error},
};
use pqcrypto_falcon::falconpadded1024;
use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _, SecretKey as _};
use rcgen::{
	BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
	ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SanType,
	SerialNumber,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use crate::der::{self, tag};
use crate::error::{Result, StoqError};

/// OID arcs of subjectAltPublicKeyInfo.
pub const OID_ALT_SPKI: &[u64] = &[2, 5, 29, 72];
/// OID arcs of altSignatureAlgorithm.
pub const OID_ALT_SIG_ALG: &[u64] = &[2, 5, 29, 73];
/// OID arcs of altSignatureValue.
pub const OID_ALT_SIG_VALUE: &[u64] = &[2, 5, 29, 74];
/// Experimental OID used for FALCON-1024 (Open Quantum Safe arc).
pub const OID_FALCON1024: &[u64] = &[1, 3, 9999, 3, 14];

fn cert_err(e: impl std::fmt::Display) -> StoqError {
	StoqError::Certificate(e.to_string())
}

/// A certificate `hypermesh_primitives` refuses to parse.
pub(crate) fn x509_err(e: X509Error) -> StoqError {
	StoqError::Certificate(format!("unusable certificate: {e:?}"))
}

/// Parses a certificate with `hypermesh_primitives`.
pub(crate) fn parse(cert_der: &[u8]) -> Result<HybridCertificate> {
	HybridCertificate::parse(cert_der).map_err(x509_err)
}

/// A subject's classical public key for rcgen: the raw key (SEC1 point or
/// 32-byte Ed25519 key) and its algorithm. rcgen writes the SubjectPublicKeyInfo.
struct RequesterKey {
	raw: Vec<u8>,
	algorithm: &'static rcgen::SignatureAlgorithm,
}

impl RequesterKey {
	fn new(key: &SubjectKey) -> Result<Self> {
		match key {
			SubjectKey::Ed25519(key) => Ok(Self {
				raw: key.to_vec(),
				algorithm: &rcgen::PKCS_ED25519,
			}),
			SubjectKey::EcdsaP256(point) => {
				// Only the form is checked here (uncompressed or compressed SEC1);
				// whether it is a point of the curve is for the proof of possession.
				let well_formed = match point.first() {
					Some(0x04) => point.len() == 65,
					Some(0x02 | 0x03) => point.len() == 33,
					_ => false,
				};
				if !well_formed {
					return Err(StoqError::Certificate(
						"the classical key is not a SEC1-encoded P-256 point".into(),
					));
				}
				Ok(Self {
					raw: point.clone(),
					algorithm: &rcgen::PKCS_ECDSA_P256_SHA256,
				})
			}
		}
	}
}

impl PublicKeyData for RequesterKey {
	fn der_bytes(&self) -> &[u8] {
		&self.raw
	}

	fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
		self.algorithm
	}
}

/// The TBSCertificate of a DER certificate, as it appears in it (first element
/// of the outer SEQUENCE).
fn tbs_of(cert_der: &[u8]) -> Result<&[u8]> {
	let malformed = || StoqError::Certificate("malformed certificate".into());
	let (cert, rest) = der::read_tlv(cert_der).ok_or_else(malformed)?;
	let (tbs, _) = der::read_tlv(cert.content).ok_or_else(malformed)?;
	if cert.tag != tag::SEQUENCE || tbs.tag != tag::SEQUENCE || !rest.is_empty() {
		return Err(malformed());
	}
	Ok(tbs.raw)
}

fn falcon_alg_id() -> Vec<u8> {
	der::encode(tag::SEQUENCE, &der::encode_oid(OID_FALCON1024))
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
	let mut c = Vec::with_capacity(bytes.len() + 1);
	c.push(0); // no unused bits
	c.extend_from_slice(bytes);
	der::encode(tag::BIT_STRING, &c)
}

/// A node's TLS identity: its certificate chain (leaf first) and PKCS#8 key,
/// plus the node's own FALCON-1024 key pair named in subjectAltPublicKeyInfo.
#[derive(Clone)]
pub struct NodeIdentity {
	/// Certificate chain, leaf first.
	pub cert_chain: Vec<CertificateDer<'static>>,
	/// PKCS#8 DER of the leaf's ECDSA P-256 private key.
	pub key_pkcs8: Vec<u8>,
	/// The node's FALCON-1024 public key (also in the certificate).
	pub falcon_public: Vec<u8>,
	/// The node's FALCON-1024 secret key (not used by the handshake; available
	/// for application-level signatures).
	pub falcon_secret: Vec<u8>,
}

impl std::fmt::Debug for NodeIdentity {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("NodeIdentity")
			.field("certs", &self.cert_chain.len())
			.finish_non_exhaustive()
	}
}

impl NodeIdentity {
	/// The private key in the form rustls wants.
	pub fn private_key(&self) -> PrivateKeyDer<'static> {
		PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_pkcs8.clone()))
	}

	/// The leaf certificate.
	pub fn leaf(&self) -> &CertificateDer<'static> {
		&self.cert_chain[0]
	}
}

/// What to put in a leaf certificate.
#[derive(Debug, Clone)]
pub struct LeafSpec {
	/// Subject common name.
	pub common_name: String,
	/// DNS names and/or IP addresses for the subjectAltName extension.
	pub subject_alt_names: Vec<String>,
	/// Serial number (must be unique per CA; the revocation oracle keys on it).
	pub serial: u64,
	/// Start of validity.
	pub not_before: OffsetDateTime,
	/// End of validity.
	pub not_after: OffsetDateTime,
}

impl LeafSpec {
	/// A leaf valid from one hour ago for `days` days, for `localhost` and `::1`.
	pub fn node(common_name: &str, serial: u64, days: i64) -> Self {
		let now = OffsetDateTime::now_utc();
		Self {
			common_name: common_name.to_string(),
			subject_alt_names: vec!["localhost".into(), "::1".into()],
			serial,
			not_before: now - Duration::hours(1),
			not_after: now + Duration::days(days),
		}
	}
}

/// The exported parts of a [`HybridCa`].
#[derive(Clone)]
pub struct CaParts {
	/// The CA's common name.
	pub common_name: String,
	/// The CA certificate, DER.
	pub cert_der: Vec<u8>,
	/// The CA's ECDSA P-256 key, PKCS#8 DER.
	pub key_pkcs8: Vec<u8>,
	/// The CA's FALCON-1024 public key.
	pub falcon_public: Vec<u8>,
	/// The CA's FALCON-1024 secret key.
	pub falcon_secret: Vec<u8>,
}

/// A certificate authority holding an ECDSA P-256 key (classical signatures) and
/// a FALCON-1024 key pair (alternative signatures).
pub struct HybridCa {
	common_name: String,
	params: CertificateParams,
	key: KeyPair,
	cert: CertificateDer<'static>,
	falcon_pk: falconpadded1024::PublicKey,
	falcon_sk: falconpadded1024::SecretKey,
}

impl HybridCa {
	fn ca_params(common_name: &str) -> CertificateParams {
		let mut params = CertificateParams::default();
		let mut dn = DistinguishedName::new();
		dn.push(DnType::CommonName, common_name);
		dn.push(DnType::OrganizationName, "HyperMesh TrustChain (test CA)");
		params.distinguished_name = dn;
		params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
		params.key_usages = vec![
			KeyUsagePurpose::KeyCertSign,
			KeyUsagePurpose::CrlSign,
			KeyUsagePurpose::DigitalSignature,
		];
		params
	}

	/// Generates a fresh self-signed CA valid for ten years.
	pub fn generate(common_name: &str) -> Result<Self> {
		let key = KeyPair::generate().map_err(cert_err)?;
		let mut params = Self::ca_params(common_name);
		let now = OffsetDateTime::now_utc();
		params.not_before = now - Duration::days(1);
		params.not_after = now + Duration::days(3650);
		params.serial_number = Some(SerialNumber::from(1u64));
		let cert = params.self_signed(&key).map_err(cert_err)?.der().clone();
		let (falcon_pk, falcon_sk) = falconpadded1024::keypair();
		Ok(Self {
			common_name: common_name.to_string(),
			params,
			key,
			cert,
			falcon_pk,
			falcon_sk,
		})
	}

	/// Loads a CA generated by [`HybridCa::generate`] from its exported parts.
	pub fn import(parts: &CaParts) -> Result<Self> {
		let key = KeyPair::try_from(parts.key_pkcs8.as_slice()).map_err(cert_err)?;
		let cert = CertificateDer::from(parts.cert_der.clone());
		let params = Self::ca_params(&parts.common_name);
		let check = params.self_signed(&key).map_err(cert_err)?;
		if parse(check.der())?.subject != parse(&cert)?.subject {
			return Err(StoqError::Certificate(
				"CA common name does not match its certificate".into(),
			));
		}
		let falcon_pk =
			falconpadded1024::PublicKey::from_bytes(&parts.falcon_public).map_err(cert_err)?;
		let falcon_sk =
			falconpadded1024::SecretKey::from_bytes(&parts.falcon_secret).map_err(cert_err)?;
		Ok(Self {
			common_name: parts.common_name.clone(),
			params,
			key,
			cert,
			falcon_pk,
			falcon_sk,
		})
	}

	/// The CA's parts, for saving it (they include the secret keys).
	pub fn export(&self) -> CaParts {
		CaParts {
			common_name: self.common_name.clone(),
			cert_der: self.cert.to_vec(),
			key_pkcs8: self.key.serialize_der(),
			falcon_public: self.falcon_pk.as_bytes().to_vec(),
			falcon_secret: self.falcon_sk.as_bytes().to_vec(),
		}
	}

	/// The CA certificate (trust anchor for the classical chain).
	pub fn cert_der(&self) -> &CertificateDer<'static> {
		&self.cert
	}

	/// The CA's FALCON-1024 public key bytes (trust anchor for the alt signature).
	pub fn falcon_public_key(&self) -> Vec<u8> {
		self.falcon_pk.as_bytes().to_vec()
	}

	/// The CA's classical public key: the uncompressed SEC1 P-256 point (65 bytes),
	/// as `hypermesh_primitives::x509::SubjectKey::EcdsaP256` takes it.
	pub fn classical_public_key(&self) -> Vec<u8> {
		self.key.public_key_raw().to_vec()
	}

	/// The same CA (same certificate and classical key) with a *different*
	/// FALCON key pair. Leaves it issues pass the classical checks but carry a
	/// FALCON signature that the real CA key does not verify; used by tests.
	pub fn with_new_falcon_key(&self) -> Result<Self> {
		let key = KeyPair::try_from(self.key.serialize_der().as_slice()).map_err(cert_err)?;
		let (falcon_pk, falcon_sk) = falconpadded1024::keypair();
		Ok(Self {
			common_name: self.common_name.clone(),
			params: self.params.clone(),
			key,
			cert: self.cert.clone(),
			falcon_pk,
			falcon_sk,
		})
	}

	/// Issues a hybrid leaf certificate (usable for both TLS server and client
	/// authentication) with a fresh ECDSA P-256 key and FALCON-1024 key pair.
	pub fn issue_leaf(&self, spec: &LeafSpec) -> Result<NodeIdentity> {
		let leaf_key = KeyPair::generate().map_err(cert_err)?;
		let (node_fpk, node_fsk) = falconpadded1024::keypair();
		let cert = self.issue_for(
			spec,
			&SubjectKey::EcdsaP256(leaf_key.public_key_raw().to_vec()),
			node_fpk.as_bytes(),
		)?;
		Ok(NodeIdentity {
			cert_chain: vec![cert],
			key_pkcs8: leaf_key.serialize_der(),
			falcon_public: node_fpk.as_bytes().to_vec(),
			falcon_secret: node_fsk.as_bytes().to_vec(),
		})
	}

	/// Issues a hybrid certificate (usable for both TLS server and client
	/// authentication) for keys someone else holds: `classical` (ECDSA P-256 or
	/// Ed25519) is the subject's key, `falcon_public` its FALCON-1024 public key
	/// (1793 bytes), put in subjectAltPublicKeyInfo. The caller is responsible for
	/// the requester's proof of possession of both keys.
	///
	/// The certificate is checked with `hypermesh_primitives` before it is
	/// returned: it parses, names the requested keys, its pre-TBS is exactly what
	/// the CA's FALCON key signed, and both CA signatures verify.
	pub fn issue_for(
		&self,
		spec: &LeafSpec,
		classical: &SubjectKey,
		falcon_public: &[u8],
	) -> Result<CertificateDer<'static>> {
		if falcon_public.len() != falcon::PUBLIC_KEY_LEN
			|| falcon_public[0] != falcon::PUBLIC_KEY_HEADER
		{
			return Err(StoqError::Certificate(
				"the FALCON key is not a 1793-byte FALCON-1024 public key".into(),
			));
		}
		let subject_key = RequesterKey::new(classical)?;

		let mut params = CertificateParams::default();
		let mut dn = DistinguishedName::new();
		dn.push(DnType::CommonName, spec.common_name.as_str());
		params.distinguished_name = dn;
		params.subject_alt_names = spec
			.subject_alt_names
			.iter()
			.map(|s| match s.parse::<std::net::IpAddr>() {
				Ok(ip) => Ok(SanType::IpAddress(ip)),
				Err(_) => Ok(SanType::DnsName(s.clone().try_into().map_err(cert_err)?)),
			})
			.collect::<Result<Vec<_>>>()?;
		params.serial_number = Some(SerialNumber::from(spec.serial));
		params.not_before = spec.not_before;
		params.not_after = spec.not_after;
		params.is_ca = IsCa::ExplicitNoCa;
		params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
		params.extended_key_usages = vec![
			ExtendedKeyUsagePurpose::ServerAuth,
			ExtendedKeyUsagePurpose::ClientAuth,
		];
		params.use_authority_key_identifier_extension = true;

		let alt_spki = der::encode(
			tag::SEQUENCE,
			&[falcon_alg_id(), bit_string(falcon_public)].concat(),
		);
		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(OID_ALT_SPKI, alt_spki));
		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				OID_ALT_SIG_ALG,
				falcon_alg_id(),
			));

		let issuer = Issuer::from_params(&self.params, &self.key);
		let pre = params.signed_by(&subject_key, &issuer).map_err(cert_err)?;
		let pre_tbs = tbs_of(pre.der())?.to_vec();
		let sig = falconpadded1024::detached_sign(&pre_tbs, &self.falcon_sk);

		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				OID_ALT_SIG_VALUE,
				bit_string(sig.as_bytes()),
			));
		let cert = params
			.signed_by(&subject_key, &issuer)
			.map_err(cert_err)?
			.der()
			.clone();

		let parsed = parse(&cert)?;
		let check = |ok: bool, what: &str| {
			if ok {
				Ok(())
			} else {
				Err(StoqError::Certificate(format!(
					"issued certificate failed its check: {what}"
				)))
			}
		};
		check(
			parsed.alt_signature.as_ref().map(|(_, p)| p) == Some(&pre_tbs),
			"pre-TBS of the final certificate differs from the signed one",
		)?;
		check(
			parsed
				.verify_alt_signature(&self.falcon_public_key())
				.is_ok(),
			"FALCON-1024 signature",
		)?;
		check(
			parsed
				.verify_classical_signature(&SubjectKey::EcdsaP256(self.classical_public_key()))
				.is_ok(),
			"classical signature",
		)?;
		check(&parsed.subject_key == classical, "subject key")?;
		check(
			parsed.subject_falcon_key.as_deref() == Some(falcon_public),
			"subject FALCON key",
		)?;
		Ok(cert)
	}
}

/// Why an alternative (FALCON) signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AltSigError {
	/// A required alt-sig extension is absent (or names another algorithm than
	/// FALCON-1024).
	#[error("certificate has no {0} extension (not a hybrid certificate)")]
	Missing(&'static str),
	/// The certificate or its alternative-signature extensions could not be
	/// decoded (`hypermesh_primitives::x509::HybridCertificate::parse` refused it).
	#[error("malformed certificate or alternative-signature extension")]
	Malformed,
	/// The FALCON-1024 signature does not verify against the CA's FALCON key.
	#[error("FALCON-1024 alternative signature does not verify")]
	BadSignature,
	/// No FALCON key is configured for the certificate's issuer.
	#[error("no FALCON-1024 key known for the certificate's issuer")]
	UnknownIssuer,
	/// The certificate is revoked according to the revocation oracle.
	#[error("certificate is revoked")]
	Revoked,
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn issued_leaf_has_valid_alt_signature() {
		let ca = HybridCa::generate("test ca").unwrap();
		let id = ca.issue_leaf(&LeafSpec::node("node-a", 42, 1)).unwrap();
		let parsed = HybridCertificate::parse(id.leaf()).unwrap();
		assert_eq!(parsed.verify_alt_signature(&ca.falcon_public_key()), Ok(()));
		let other = HybridCa::generate("other").unwrap();
		assert_eq!(
			parsed.verify_alt_signature(&other.falcon_public_key()),
			Err(X509Error::BadAltSignature)
		);
		assert_eq!(parsed.serial, [42]);
		assert_eq!(
			parsed.subject_falcon_key.as_deref(),
			Some(&id.falcon_public[..])
		);
		// Padded FALCON-1024: a fixed 1280-byte signature.
		let (sig, _) = parsed.alt_signature.as_ref().unwrap();
		assert_eq!(sig.len(), falcon::SIGNATURE_LEN);
		assert_eq!(sig.len(), falconpadded1024::signature_bytes());
		assert_eq!(
			parsed.verify_classical_signature(&SubjectKey::EcdsaP256(ca.classical_public_key())),
			Ok(())
		);
		assert_eq!(parsed.issuer, parse(ca.cert_der()).unwrap().subject);
		assert_eq!(parsed.dns_names, vec![b"localhost".to_vec()]);
		assert_eq!(
			parsed.ip_addresses,
			vec![std::net::Ipv6Addr::LOCALHOST.octets().to_vec()]
		);
		assert!(!parsed.is_ca);
	}

	#[test]
	fn tampered_tbs_fails_alt_signature() {
		let ca = HybridCa::generate("test ca").unwrap();
		let id = ca.issue_leaf(&LeafSpec::node("node-a", 7, 1)).unwrap();
		let mut der = id.leaf().to_vec();
		// flip a byte of the serial (7 -> 8): the pre-TBS changes
		let pos = der
			.windows(3)
			.position(|w| w == [0x02, 0x01, 0x07])
			.unwrap();
		der[pos + 2] = 8;
		let parsed = HybridCertificate::parse(&der).unwrap();
		assert_eq!(
			parsed.verify_alt_signature(&ca.falcon_public_key()),
			Err(X509Error::BadAltSignature)
		);
		assert_eq!(
			parsed.verify_classical_signature(&SubjectKey::EcdsaP256(ca.classical_public_key())),
			Err(X509Error::BadClassicalSignature)
		);
	}

	#[test]
	fn garbage_is_rejected_without_panic() {
		assert!(parse(&[]).is_err());
		assert!(parse(&[0x30, 0x03, 0x30, 0x01, 0x00]).is_err());
		assert!(parse(&[0xff; 64]).is_err());
		assert!(tbs_of(&[]).is_err());
		assert!(tbs_of(&[0x30, 0x03, 0x30, 0x01]).is_err());
		assert!(tbs_of(&[0x30, 0x02, 0x04, 0x00]).is_err());
		assert!(tbs_of(&[0x30, 0x02, 0x30, 0x00, 0x00]).is_err());
	}

	fn spec() -> LeafSpec {
		LeafSpec {
			common_name: "requester".into(),
			subject_alt_names: vec!["node-b.hypermesh.test".into(), "2001:db8::2".into()],
			serial: 0x1234_5678_9abc,
			not_before: OffsetDateTime::from_unix_timestamp(1_750_000_000).unwrap(),
			not_after: OffsetDateTime::from_unix_timestamp(1_790_000_000).unwrap(),
		}
	}

	/// Checks a certificate issued by `ca` for `subject` and `falcon_pk` with primitives.
	fn check_issued(ca: &HybridCa, cert: &[u8], subject: &SubjectKey, falcon_pk: &[u8]) {
		let parsed = HybridCertificate::parse(cert).unwrap();
		assert_eq!(&parsed.subject_key, subject);
		assert_eq!(parsed.subject_falcon_key.as_deref(), Some(falcon_pk));
		assert_eq!(
			parsed.verify_classical_signature(&SubjectKey::EcdsaP256(ca.classical_public_key())),
			Ok(())
		);
		assert_eq!(parsed.verify_alt_signature(&ca.falcon_public_key()), Ok(()));
		let other = HybridCa::generate("other").unwrap();
		assert_eq!(
			parsed.verify_classical_signature(&SubjectKey::EcdsaP256(other.classical_public_key())),
			Err(X509Error::BadClassicalSignature)
		);
		assert_eq!(
			parsed.verify_alt_signature(&other.falcon_public_key()),
			Err(X509Error::BadAltSignature)
		);
		assert_eq!(parsed.serial, [0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc]);
		assert_eq!(parsed.not_before, 1_750_000_000);
		assert_eq!(parsed.not_after, 1_790_000_000);
		assert_eq!(parsed.dns_names, vec![b"node-b.hypermesh.test".to_vec()]);
		assert_eq!(
			parsed.ip_addresses,
			vec!["2001:db8::2"
				.parse::<std::net::Ipv6Addr>()
				.unwrap()
				.octets()
				.to_vec()]
		);
		assert_eq!(parsed.issuer, parse(ca.cert_der()).unwrap().subject);
		assert!(!parsed.is_ca);
	}

	#[test]
	fn issue_for_ecdsa_p256_requester() {
		let ca = HybridCa::generate("test ca").unwrap();
		// The requester's keys; the CA never sees the private halves.
		let requester = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
		let (falcon_pk, _falcon_sk) = falconpadded1024::keypair();
		let subject = SubjectKey::EcdsaP256(requester.public_key_raw().to_vec());
		assert_eq!(requester.public_key_raw().len(), 65);
		let cert = ca
			.issue_for(&spec(), &subject, falcon_pk.as_bytes())
			.unwrap();
		check_issued(&ca, &cert, &subject, falcon_pk.as_bytes());
	}

	#[test]
	fn issue_for_ed25519_requester() {
		let ca = HybridCa::generate("test ca").unwrap();
		let requester = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
		let (falcon_pk, _falcon_sk) = falconpadded1024::keypair();
		let subject = SubjectKey::Ed25519(requester.public_key_raw().try_into().unwrap());
		let cert = ca
			.issue_for(&spec(), &subject, falcon_pk.as_bytes())
			.unwrap();
		check_issued(&ca, &cert, &subject, falcon_pk.as_bytes());
	}

	#[test]
	fn issue_for_compressed_p256_point() {
		let ca = HybridCa::generate("test ca").unwrap();
		let requester = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
		let raw = requester.public_key_raw();
		let mut compressed = vec![0x02 | (raw[64] & 1)];
		compressed.extend_from_slice(&raw[1..33]);
		let (falcon_pk, _) = falconpadded1024::keypair();
		let subject = SubjectKey::EcdsaP256(compressed);
		let cert = ca
			.issue_for(&spec(), &subject, falcon_pk.as_bytes())
			.unwrap();
		check_issued(&ca, &cert, &subject, falcon_pk.as_bytes());
	}

	#[test]
	fn issue_for_refuses_malformed_keys() {
		let ca = HybridCa::generate("test ca").unwrap();
		let requester = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
		let subject = SubjectKey::EcdsaP256(requester.public_key_raw().to_vec());
		let (falcon_pk, _) = falconpadded1024::keypair();
		let pk = falcon_pk.as_bytes();
		let mut wrong_header = pk.to_vec();
		wrong_header[0] = 0x09;
		for bad in [
			&[][..],
			&pk[..pk.len() - 1],
			&[pk, &[0]].concat()[..],
			&wrong_header[..],
		] {
			assert!(matches!(
				ca.issue_for(&spec(), &subject, bad),
				Err(StoqError::Certificate(_))
			));
		}
		for bad in [vec![], vec![0x04; 64], vec![0x05; 65], vec![0x02; 65]] {
			assert!(matches!(
				ca.issue_for(&spec(), &SubjectKey::EcdsaP256(bad), pk),
				Err(StoqError::Certificate(_))
			));
		}
	}

	#[test]
	fn export_import_roundtrip_keeps_issuing() {
		let ca = HybridCa::generate("test ca").unwrap();
		let imported = HybridCa::import(&ca.export()).unwrap();
		assert_eq!(imported.falcon_public_key(), ca.falcon_public_key());
		assert_eq!(imported.classical_public_key(), ca.classical_public_key());
		let id = imported
			.issue_leaf(&LeafSpec::node("node-c", 9, 1))
			.unwrap();
		let parsed = HybridCertificate::parse(id.leaf()).unwrap();
		assert_eq!(parsed.verify_alt_signature(&ca.falcon_public_key()), Ok(()));
		assert_eq!(
			parsed.verify_classical_signature(&SubjectKey::EcdsaP256(ca.classical_public_key())),
			Ok(())
		);
	}
}
