//! The hybrid certificate authority: a self-signed CA with an ECDSA P-256 key and a
//! FALCON-1024 key pair, issuing leaves with rcgen plus the FALCON alternative signature.
//!
//! What the CA's FALCON key signs is decided in one place, [`falcon_signed_bytes`]; every
//! certificate is checked with `hypermesh_primitives::x509` (the code the runtime runs)
//! before it is handed out.

use hypermesh_primitives::x509::{HybridCertificate, SubjectKey};
use rcgen::{
	BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType,
	ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair, KeyUsagePurpose, PublicKeyData, SanType,
	SerialNumber,
};
use rustls_pki_types::CertificateDer;
use time::{Duration, OffsetDateTime};

use crate::alt_sig::{self, arcs, OID_ALT_SIG_ALG, OID_ALT_SIG_VALUE, OID_ALT_SPKI};
use crate::error::{PkiError, Result};
use crate::falcon::{self, FalconKeyPair};
use crate::identity::NodeIdentity;

/// Parses a certificate with `hypermesh_primitives`.
fn parse(cert_der: &[u8]) -> Result<HybridCertificate> {
	Ok(HybridCertificate::parse(cert_der)?)
}

/// A subject's classical public key for rcgen: the raw key (SEC1 point or 32-byte
/// Ed25519 key) and its algorithm. rcgen writes the SubjectPublicKeyInfo.
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
					return Err(PkiError::ClassicalKey);
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

/// **What the CA's FALCON key signs** for a certificate built from `params` (which carry
/// every extension except altSignatureValue) for `subject_key`, issued by `issuer`.
///
/// The *preTBSCertificate* of X.509 (2019) §9.8: the certificate is built without
/// altSignatureValue, and its TBSCertificate without the `signature` field
/// ([`hypermesh_primitives::x509::pre_tbs_of`]) is signed. Since rcgen writes custom
/// extensions last and the certificate is then rebuilt with altSignatureValue appended,
/// these are exactly the bytes a verifier gets from the final certificate by leaving out
/// the `signature` field and that extension (and re-encoding the enclosing lengths),
/// which is what `hypermesh_primitives::x509::HybridCertificate` recomputes and verifies,
/// and what Bouncy Castle and other implementations of the clause compute.
/// [`HybridCa::issue_for`] checks that the two agree before handing a certificate out.
fn falcon_signed_bytes(
	params: &CertificateParams,
	subject_key: &RequesterKey,
	issuer: &Issuer<'_, &KeyPair>,
) -> Result<Vec<u8>> {
	let without_alt_signature = params.signed_by(subject_key, issuer)?;
	hypermesh_primitives::x509::pre_tbs_of(without_alt_signature.der())
		.map_err(PkiError::Unparsable)
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

	/// The rcgen parameters of a leaf (usable for both TLS server and client
	/// authentication), without the alternative-signature extensions.
	fn params(&self) -> Result<CertificateParams> {
		let mut params = CertificateParams::default();
		let mut dn = DistinguishedName::new();
		dn.push(DnType::CommonName, self.common_name.as_str());
		params.distinguished_name = dn;
		params.subject_alt_names = self
			.subject_alt_names
			.iter()
			.map(|s| match s.parse::<std::net::IpAddr>() {
				Ok(ip) => Ok(SanType::IpAddress(ip)),
				Err(_) => Ok(SanType::DnsName(s.clone().try_into()?)),
			})
			.collect::<Result<Vec<_>>>()?;
		params.serial_number = Some(SerialNumber::from(self.serial));
		params.not_before = self.not_before;
		params.not_after = self.not_after;
		params.is_ca = IsCa::ExplicitNoCa;
		params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
		params.extended_key_usages = vec![
			ExtendedKeyUsagePurpose::ServerAuth,
			ExtendedKeyUsagePurpose::ClientAuth,
		];
		params.use_authority_key_identifier_extension = true;
		Ok(params)
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

impl std::fmt::Debug for CaParts {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("CaParts")
			.field("common_name", &self.common_name)
			.finish_non_exhaustive()
	}
}

/// A certificate authority holding an ECDSA P-256 key (classical signatures) and
/// a FALCON-1024 key pair (alternative signatures).
pub struct HybridCa {
	common_name: String,
	params: CertificateParams,
	key: KeyPair,
	cert: CertificateDer<'static>,
	falcon: FalconKeyPair,
}

impl std::fmt::Debug for HybridCa {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("HybridCa")
			.field("common_name", &self.common_name)
			.finish_non_exhaustive()
	}
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
		let key = KeyPair::generate()?;
		let mut params = Self::ca_params(common_name);
		let now = OffsetDateTime::now_utc();
		params.not_before = now - Duration::days(1);
		params.not_after = now + Duration::days(3650);
		params.serial_number = Some(SerialNumber::from(1u64));
		let cert = params.self_signed(&key)?.der().clone();
		Ok(Self {
			common_name: common_name.to_string(),
			params,
			key,
			cert,
			falcon: falcon::generate(),
		})
	}

	/// Loads a CA generated by [`HybridCa::generate`] from its exported parts. The
	/// FALCON secret key must belong to the FALCON public key.
	pub fn import(parts: &CaParts) -> Result<Self> {
		let key = KeyPair::try_from(parts.key_pkcs8.as_slice())?;
		let cert = CertificateDer::from(parts.cert_der.clone());
		let params = Self::ca_params(&parts.common_name);
		let check = params.self_signed(&key)?;
		if parse(check.der())?.subject != parse(&cert)?.subject {
			return Err(PkiError::CaMismatch);
		}
		falcon::check_pair(&parts.falcon_secret, &parts.falcon_public)?;
		Ok(Self {
			common_name: parts.common_name.clone(),
			params,
			key,
			cert,
			falcon: FalconKeyPair {
				public: parts.falcon_public.clone(),
				secret: parts.falcon_secret.clone(),
			},
		})
	}

	/// The CA's parts, for saving it (they include the secret keys).
	pub fn export(&self) -> CaParts {
		CaParts {
			common_name: self.common_name.clone(),
			cert_der: self.cert.to_vec(),
			key_pkcs8: self.key.serialize_der(),
			falcon_public: self.falcon.public.clone(),
			falcon_secret: self.falcon.secret.clone(),
		}
	}

	/// The CA certificate (trust anchor for the classical chain).
	pub fn cert_der(&self) -> &CertificateDer<'static> {
		&self.cert
	}

	/// The CA's FALCON-1024 public key bytes (trust anchor for the alt signature).
	pub fn falcon_public_key(&self) -> Vec<u8> {
		self.falcon.public.clone()
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
		let key = KeyPair::try_from(self.key.serialize_der().as_slice())?;
		Ok(Self {
			common_name: self.common_name.clone(),
			params: self.params.clone(),
			key,
			cert: self.cert.clone(),
			falcon: falcon::generate(),
		})
	}

	/// Issues a hybrid leaf certificate (usable for both TLS server and client
	/// authentication) with a fresh ECDSA P-256 key and FALCON-1024 key pair.
	pub fn issue_leaf(&self, spec: &LeafSpec) -> Result<NodeIdentity> {
		let leaf_key = KeyPair::generate()?;
		let node_falcon = falcon::generate();
		let cert = self.issue_for(
			spec,
			&SubjectKey::EcdsaP256(leaf_key.public_key_raw().to_vec()),
			&node_falcon.public,
		)?;
		Ok(NodeIdentity {
			cert_chain: vec![cert],
			key_pkcs8: leaf_key.serialize_der(),
			falcon_public: node_falcon.public,
			falcon_secret: node_falcon.secret,
		})
	}

	/// Issues a hybrid certificate (usable for both TLS server and client
	/// authentication) for keys someone else holds: `classical` (ECDSA P-256 or
	/// Ed25519) is the subject's key, `falcon_public` its FALCON-1024 public key
	/// (1793 bytes), put in subjectAltPublicKeyInfo. The caller is responsible for
	/// the requester's proof of possession of both keys.
	///
	/// The certificate is checked with `hypermesh_primitives` before it is
	/// returned: it parses, names the requested keys, the bytes the CA's FALCON key
	/// signed are what a verifier recomputes from it, and both CA signatures verify.
	pub fn issue_for(
		&self,
		spec: &LeafSpec,
		classical: &SubjectKey,
		falcon_public: &[u8],
	) -> Result<CertificateDer<'static>> {
		falcon::check_public(falcon_public)?;
		let subject_key = RequesterKey::new(classical)?;

		let mut params = spec.params()?;
		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				&arcs(&OID_ALT_SPKI),
				alt_sig::subject_alt_public_key_info(falcon_public)?,
			));
		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				&arcs(&OID_ALT_SIG_ALG),
				alt_sig::alt_signature_algorithm()?,
			));

		let issuer = Issuer::from_params(&self.params, &self.key);
		let signed = falcon_signed_bytes(&params, &subject_key, &issuer)?;
		let signature = falcon::sign(&self.falcon.secret, &signed)?;

		params
			.custom_extensions
			.push(CustomExtension::from_oid_content(
				&arcs(&OID_ALT_SIG_VALUE),
				alt_sig::alt_signature_value(&signature)?,
			));
		let cert = params.signed_by(&subject_key, &issuer)?.der().clone();

		let parsed = parse(&cert)?;
		let check = |ok: bool, what: &'static str| {
			if ok {
				Ok(())
			} else {
				Err(PkiError::SelfCheck(what))
			}
		};
		check(
			parsed.alt_signature.as_ref().map(|(_, p)| p) == Some(&signed),
			"pre-TBS of the final certificate differs from the signed one",
		)?;
		check(
			parsed.verify_alt_signature(&self.falcon.public).is_ok(),
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

#[cfg(test)]
mod tests {
	use super::*;
	use hypermesh_primitives::x509::X509Error;

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
		assert_eq!(sig.len(), hypermesh_primitives::falcon::SIGNATURE_LEN);
		assert_eq!(
			sig.len(),
			pqcrypto_falcon::falconpadded1024::signature_bytes()
		);
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
		// The node's FALCON key pair belongs together.
		assert_eq!(
			falcon::check_pair(&id.falcon_secret, &id.falcon_public).ok(),
			Some(())
		);
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
	}

	/// The certificate contents did not change with the move from stoq: the alternative
	/// signature extensions are the last three, in order, with the documented values, and
	/// the FALCON signature covers the final TBSCertificate without altSignatureValue.
	#[test]
	fn alt_signature_extensions_are_last_and_cover_the_pre_tbs() {
		let ca = HybridCa::generate("test ca").unwrap();
		let id = ca.issue_leaf(&LeafSpec::node("node-a", 11, 1)).unwrap();
		let der = id.leaf().to_vec();
		let parsed = HybridCertificate::parse(&der).unwrap();
		let (signature, pre_tbs) = parsed.alt_signature.clone().unwrap();
		let tbs = alt_sig::tbs_of(&der).unwrap();
		assert_eq!(tbs, &parsed.tbs[..]);
		// The final TBS ends with altSignatureValue: SEQUENCE { OID 2.5.29.74, OCTET STRING
		// { BIT STRING <signature> } }.
		let value = alt_sig::alt_signature_value(&signature).unwrap();
		assert!(tbs.ends_with(&value));
		let oid = [0x06, 0x03, 0x55, 0x1d, 0x4a];
		let extension_start = tbs.len() - value.len() - 4 - oid.len() - 4;
		assert_eq!(
			tbs[extension_start..extension_start + 4],
			[0x30, 0x82, 0x05, 0x0e]
		);
		assert_eq!(tbs[extension_start + 4..extension_start + 9], oid);
		// Before it, altSignatureAlgorithm and subjectAltPublicKeyInfo, with their values.
		let before = &tbs[..extension_start];
		let algorithm = alt_sig::alt_signature_algorithm().unwrap();
		assert!(before.ends_with(&[&[0x04, algorithm.len() as u8][..], &algorithm].concat()));
		let spki = alt_sig::subject_alt_public_key_info(&id.falcon_public).unwrap();
		let spki_at = before.windows(spki.len()).position(|w| w == spki).unwrap();
		assert_eq!(
			before[spki_at - 9..spki_at - 4],
			[0x06, 0x03, 0x55, 0x1d, 0x48]
		);
		assert!(
			before[spki_at + spki.len()..].starts_with(&[0x30, 0x10, 0x06, 0x03, 0x55, 0x1d, 0x49])
		);
		// Everything but the signature field and altSignatureValue is covered.
		assert_eq!(
			hypermesh_primitives::falcon::verify(&ca.falcon_public_key(), &pre_tbs, &signature),
			Ok(())
		);
		// ecdsa-with-SHA256's AlgorithmIdentifier, the TBS's `signature` field.
		let signature_field = [
			0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02,
		];
		let field_at = tbs.windows(12).position(|w| w == signature_field).unwrap();
		assert!(!pre_tbs[..field_at + 12]
			.windows(12)
			.any(|w| w == signature_field));
		assert_eq!(
			pre_tbs.len(),
			tbs.len() - (4 + oid.len() + 4 + value.len()) - signature_field.len()
		);
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
		let falcon_pk = falcon::generate().public;
		let subject = SubjectKey::EcdsaP256(requester.public_key_raw().to_vec());
		assert_eq!(requester.public_key_raw().len(), 65);
		let cert = ca.issue_for(&spec(), &subject, &falcon_pk).unwrap();
		check_issued(&ca, &cert, &subject, &falcon_pk);
	}

	#[test]
	fn issue_for_ed25519_requester() {
		let ca = HybridCa::generate("test ca").unwrap();
		let requester = KeyPair::generate_for(&rcgen::PKCS_ED25519).unwrap();
		let falcon_pk = falcon::generate().public;
		let subject = SubjectKey::Ed25519(requester.public_key_raw().try_into().unwrap());
		let cert = ca.issue_for(&spec(), &subject, &falcon_pk).unwrap();
		check_issued(&ca, &cert, &subject, &falcon_pk);
	}

	#[test]
	fn issue_for_compressed_p256_point() {
		let ca = HybridCa::generate("test ca").unwrap();
		let requester = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
		let raw = requester.public_key_raw();
		let mut compressed = vec![0x02 | (raw[64] & 1)];
		compressed.extend_from_slice(&raw[1..33]);
		let falcon_pk = falcon::generate().public;
		let subject = SubjectKey::EcdsaP256(compressed);
		let cert = ca.issue_for(&spec(), &subject, &falcon_pk).unwrap();
		check_issued(&ca, &cert, &subject, &falcon_pk);
	}

	/// A requester whose FALCON key PQClean generated (as `pqcrypto-falcon` did for every
	/// key before this crate) gets the same certificate.
	#[test]
	fn issue_for_pqclean_falcon_key() {
		use pqcrypto_traits::sign::PublicKey as _;
		let ca = HybridCa::generate("test ca").unwrap();
		let requester = KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
		let (falcon_pk, _) = pqcrypto_falcon::falconpadded1024::keypair();
		let subject = SubjectKey::EcdsaP256(requester.public_key_raw().to_vec());
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
		let pk = falcon::generate().public;
		let mut wrong_header = pk.clone();
		wrong_header[0] = 0x09;
		for bad in [
			&[][..],
			&pk[..pk.len() - 1],
			&[&pk[..], &[0]].concat()[..],
			&wrong_header[..],
		] {
			assert!(matches!(
				ca.issue_for(&spec(), &subject, bad),
				Err(PkiError::FalconPublicKey)
			));
		}
		for bad in [vec![], vec![0x04; 64], vec![0x05; 65], vec![0x02; 65]] {
			assert!(matches!(
				ca.issue_for(&spec(), &SubjectKey::EcdsaP256(bad), &pk),
				Err(PkiError::ClassicalKey)
			));
		}
		let mut bad_name = spec();
		bad_name.subject_alt_names = vec!["nœud.hypermesh.test".into()];
		assert!(matches!(
			ca.issue_for(&bad_name, &subject, &pk),
			Err(PkiError::Rcgen(_))
		));
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

	#[test]
	fn import_refuses_parts_that_do_not_belong_together() {
		let ca = HybridCa::generate("test ca").unwrap();
		let mut renamed = ca.export();
		renamed.common_name = "another name".into();
		assert!(matches!(
			HybridCa::import(&renamed),
			Err(PkiError::CaMismatch)
		));
		let mut other_falcon = ca.export();
		other_falcon.falcon_secret = falcon::generate().secret;
		assert!(matches!(
			HybridCa::import(&other_falcon),
			Err(PkiError::FalconKeyMismatch)
		));
		let mut truncated = ca.export();
		truncated.falcon_secret.pop();
		assert!(matches!(
			HybridCa::import(&truncated),
			Err(PkiError::FalconSecretKey)
		));
		let mut bad_key = ca.export();
		bad_key.key_pkcs8 = vec![0x30, 0x00];
		assert!(matches!(
			HybridCa::import(&bad_key),
			Err(PkiError::Rcgen(_))
		));
	}

	/// A CA written by the previous issuer (FALCON keys from PQClean) still loads and
	/// issues certificates its FALCON public key verifies.
	#[test]
	fn import_of_a_ca_with_pqclean_falcon_keys() {
		use pqcrypto_traits::sign::{PublicKey as _, SecretKey as _};
		let ca = HybridCa::generate("test ca").unwrap();
		let (public, secret) = pqcrypto_falcon::falconpadded1024::keypair();
		let mut parts = ca.export();
		parts.falcon_public = public.as_bytes().to_vec();
		parts.falcon_secret = secret.as_bytes().to_vec();
		let imported = HybridCa::import(&parts).unwrap();
		let id = imported
			.issue_leaf(&LeafSpec::node("node-d", 10, 1))
			.unwrap();
		let parsed = HybridCertificate::parse(id.leaf()).unwrap();
		assert_eq!(parsed.verify_alt_signature(public.as_bytes()), Ok(()));
	}
}
