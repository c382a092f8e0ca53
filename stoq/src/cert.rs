//! Hybrid (classical + FALCON-1024) X.509 certificates: issuing with rcgen and
//! parsing/verifying the alternative signature.
//!
//! A STOQ node certificate is an ordinary X.509 v3 certificate signed by the CA
//! with ECDSA P-256 (so rustls/webpki and `openssl verify` accept it), plus three
//! non-critical extensions from X.509 (2019) §9.8:
//!
//! | extension | OID | value (DER) |
//! |---|---|---|
//! | subjectAltPublicKeyInfo | 2.5.29.72 | `SubjectPublicKeyInfo { AlgorithmIdentifier { falcon-1024 }, BIT STRING <node FALCON-1024 public key, 1793 B> }` |
//! | altSignatureAlgorithm | 2.5.29.73 | `AlgorithmIdentifier { falcon-1024 }` |
//! | altSignatureValue | 2.5.29.74 | `BIT STRING <CA FALCON-1024 detached signature>` |
//!
//! The FALCON-1024 algorithm identifier is [`OID_FALCON1024`] = 1.3.9999.3.14, an
//! experimental OID from the Open Quantum Safe arc (no standard OID exists yet).
//!
//! **What FALCON signs.** The CA's FALCON-1024 key signs the *pre-TBS*: the DER of
//! the certificate's `TBSCertificate`, byte for byte as it appears in the final
//! certificate, except that the altSignatureValue extension is removed from the
//! `extensions` SEQUENCE (and the lengths of the enclosing `[3]`, SEQUENCE and
//! TBSCertificate are re-encoded). Everything else, including the serial,
//! validity, subject, classical public key, signature algorithm field and the
//! other two alt-sig extensions, is covered. The issuer builds the certificate
//! once without altSignatureValue, FALCON-signs that TBS, appends the extension
//! (rcgen writes custom extensions last) and checks that stripping it from the
//! final TBS gives back exactly the bytes it signed.
//!
//! Limitations: the TLS handshake signature (CertificateVerify) stays classical
//! ECDSA; only the certificate binding is post-quantum. Chains are one level deep
//! (CA -> leaf); intermediates are not supported by the FALCON check.

use pqcrypto_falcon::falcon1024;
use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _, SecretKey as _};
use rcgen::{
	BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
	ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, SanType, SerialNumber,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use crate::der::{self, tag, Tlv};
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
	falcon_pk: falcon1024::PublicKey,
	falcon_sk: falcon1024::SecretKey,
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
		let (falcon_pk, falcon_sk) = falcon1024::keypair();
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
		if ParsedCert::parse(check.der())?.subject != ParsedCert::parse(&cert)?.subject {
			return Err(StoqError::Certificate(
				"CA common name does not match its certificate".into(),
			));
		}
		let falcon_pk =
			falcon1024::PublicKey::from_bytes(&parts.falcon_public).map_err(cert_err)?;
		let falcon_sk =
			falcon1024::SecretKey::from_bytes(&parts.falcon_secret).map_err(cert_err)?;
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

	/// The same CA (same certificate and classical key) with a *different*
	/// FALCON key pair. Leaves it issues pass the classical checks but carry a
	/// FALCON signature that the real CA key does not verify; used by tests.
	pub fn with_new_falcon_key(&self) -> Result<Self> {
		let key = KeyPair::try_from(self.key.serialize_der().as_slice()).map_err(cert_err)?;
		let (falcon_pk, falcon_sk) = falcon1024::keypair();
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
		let (node_fpk, node_fsk) = falcon1024::keypair();

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
			&[falcon_alg_id(), bit_string(node_fpk.as_bytes())].concat(),
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
		let pre = params.signed_by(&leaf_key, &issuer).map_err(cert_err)?;
		let pre_tbs = ParsedCert::parse(pre.der())?.tbs.to_vec();
		let sig = falcon1024::detached_sign(&pre_tbs, &self.falcon_sk);

		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				OID_ALT_SIG_VALUE,
				bit_string(sig.as_bytes()),
			));
		let cert = params
			.signed_by(&leaf_key, &issuer)
			.map_err(cert_err)?
			.der()
			.clone();
		let parsed = ParsedCert::parse(&cert)?;
		if parsed.pre_tbs()? != pre_tbs {
			return Err(StoqError::Certificate(
				"pre-TBS of the final certificate differs from the signed one".into(),
			));
		}
		Ok(NodeIdentity {
			cert_chain: vec![cert],
			key_pkcs8: leaf_key.serialize_der(),
			falcon_public: node_fpk.as_bytes().to_vec(),
			falcon_secret: node_fsk.as_bytes().to_vec(),
		})
	}
}

/// The parts of a certificate that the hybrid checks need.
#[derive(Debug)]
pub struct ParsedCert<'a> {
	/// DER of the TBSCertificate.
	pub tbs: &'a [u8],
	/// DER of the issuer Name.
	pub issuer: &'a [u8],
	/// DER of the subject Name.
	pub subject: &'a [u8],
	/// Content octets of the serial INTEGER.
	pub serial: &'a [u8],
	children: Vec<Tlv<'a>>,
	extensions: Vec<(Vec<u8>, Tlv<'a>)>, // (OID DER, whole Extension element)
}

fn malformed(what: &str) -> StoqError {
	StoqError::Certificate(format!("malformed certificate: {what}"))
}

impl<'a> ParsedCert<'a> {
	/// Parses a DER certificate.
	pub fn parse(cert_der: &'a [u8]) -> Result<Self> {
		let (cert, _) = der::read_tlv(cert_der).ok_or_else(|| malformed("outer"))?;
		let (tbs, _) = der::read_tlv(cert.content).ok_or_else(|| malformed("tbs"))?;
		if tbs.tag != tag::SEQUENCE {
			return Err(malformed("tbs tag"));
		}
		let children = der::children(tbs.content).ok_or_else(|| malformed("tbs fields"))?;
		let v = usize::from(children.first().map(|c| c.tag) == Some(tag::CTX0));
		let field = |i: usize| {
			children
				.get(v + i)
				.ok_or_else(|| malformed("missing field"))
		};
		let serial = field(0)?;
		if serial.tag != tag::INTEGER {
			return Err(malformed("serial"));
		}
		let issuer = field(2)?.raw;
		let subject = field(4)?.raw;
		let mut extensions = Vec::new();
		if let Some(exts) = children.iter().find(|c| c.tag == tag::CTX3) {
			let (seq, _) = der::read_tlv(exts.content).ok_or_else(|| malformed("extensions"))?;
			for ext in der::children(seq.content).ok_or_else(|| malformed("extension list"))? {
				let (oid, _) =
					der::read_tlv(ext.content).ok_or_else(|| malformed("extension oid"))?;
				if oid.tag != tag::OID {
					return Err(malformed("extension oid tag"));
				}
				extensions.push((oid.raw.to_vec(), ext));
			}
		}
		Ok(Self {
			tbs: tbs.raw,
			issuer,
			subject,
			serial: serial.content,
			children,
			extensions,
		})
	}

	/// The extnValue content (inside the OCTET STRING) of the extension `oid`.
	pub fn extension(&self, oid: &[u64]) -> Option<&'a [u8]> {
		let want = der::encode_oid(oid);
		let (_, ext) = self.extensions.iter().find(|(o, _)| *o == want)?;
		let fields = der::children(ext.content)?;
		let value = fields.iter().rev().find(|f| f.tag == tag::OCTET_STRING)?;
		Some(value.content)
	}

	/// The TBSCertificate with the altSignatureValue extension removed: the
	/// exact bytes the CA's FALCON key signs.
	pub fn pre_tbs(&self) -> Result<Vec<u8>> {
		let skip = der::encode_oid(OID_ALT_SIG_VALUE);
		let mut body = Vec::new();
		for c in &self.children {
			if c.tag == tag::CTX3 {
				let kept: Vec<u8> = self
					.extensions
					.iter()
					.filter(|(o, _)| *o != skip)
					.flat_map(|(_, e)| e.raw.iter().copied())
					.collect();
				body.extend(der::encode(tag::CTX3, &der::encode(tag::SEQUENCE, &kept)));
			} else {
				body.extend_from_slice(c.raw);
			}
		}
		Ok(der::encode(tag::SEQUENCE, &body))
	}

	/// Checks the alternative signature against a CA FALCON-1024 public key.
	pub fn verify_alt_signature(&self, ca_falcon_pk: &[u8]) -> Result<(), AltSigError> {
		let alg = self
			.extension(OID_ALT_SIG_ALG)
			.ok_or(AltSigError::Missing("altSignatureAlgorithm"))?;
		if alg != falcon_alg_id().as_slice() {
			return Err(AltSigError::UnsupportedAlgorithm);
		}
		let value = self
			.extension(OID_ALT_SIG_VALUE)
			.ok_or(AltSigError::Missing("altSignatureValue"))?;
		let (bits, _) = der::read_tlv(value).ok_or(AltSigError::Malformed)?;
		if bits.tag != tag::BIT_STRING || bits.content.first() != Some(&0) {
			return Err(AltSigError::Malformed);
		}
		let sig = falcon1024::DetachedSignature::from_bytes(&bits.content[1..])
			.map_err(|_| AltSigError::Malformed)?;
		let pk =
			falcon1024::PublicKey::from_bytes(ca_falcon_pk).map_err(|_| AltSigError::Malformed)?;
		let msg = self.pre_tbs().map_err(|_| AltSigError::Malformed)?;
		falcon1024::verify_detached_signature(&sig, &msg, &pk)
			.map_err(|_| AltSigError::BadSignature)
	}
}

/// Why an alternative (FALCON) signature was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AltSigError {
	/// A required alt-sig extension is absent.
	#[error("certificate has no {0} extension (not a hybrid certificate)")]
	Missing(&'static str),
	/// The altSignatureAlgorithm is not FALCON-1024.
	#[error("unsupported altSignatureAlgorithm (expected FALCON-1024)")]
	UnsupportedAlgorithm,
	/// The extension contents could not be decoded.
	#[error("malformed alternative-signature extension")]
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
		let parsed = ParsedCert::parse(id.leaf()).unwrap();
		assert_eq!(parsed.verify_alt_signature(&ca.falcon_public_key()), Ok(()));
		let other = HybridCa::generate("other").unwrap();
		assert_eq!(
			parsed.verify_alt_signature(&other.falcon_public_key()),
			Err(AltSigError::BadSignature)
		);
		assert_eq!(parsed.serial, &[42]);
		assert!(parsed.extension(OID_ALT_SPKI).is_some());
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
		let parsed = ParsedCert::parse(&der).unwrap();
		assert_eq!(
			parsed.verify_alt_signature(&ca.falcon_public_key()),
			Err(AltSigError::BadSignature)
		);
	}

	#[test]
	fn garbage_is_rejected_without_panic() {
		assert!(ParsedCert::parse(&[]).is_err());
		assert!(ParsedCert::parse(&[0x30, 0x03, 0x30, 0x01, 0x00]).is_err());
		assert!(ParsedCert::parse(&[0xff; 64]).is_err());
	}
}
