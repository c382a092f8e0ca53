//! Peer-certificate verification for STOQ: rustls/webpki's classical chain check
//! wrapped with the FALCON-1024 alternative-signature check and a revocation hook.
//!
//! Both directions of mutual TLS use the same [`HybridTrust`]: the server wraps
//! `WebPkiClientVerifier` in [`HybridClientVerifier`], the client wraps
//! `WebPkiServerVerifier` in [`HybridServerVerifier`]. The classical check runs
//! first (chain to a configured CA, validity period, key usage, server name);
//! then the leaf's altSignatureValue is checked against the FALCON-1024 key of
//! the CA that issued it; then the [`RevocationOracle`] is asked.

use std::collections::HashSet;
use std::sync::{Arc, RwLock};

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::server::WebPkiClientVerifier;
use rustls::{
	CertificateError, DigitallySignedStruct, DistinguishedName, OtherError, RootCertStore,
	SignatureScheme,
};

use hypermesh_pki::HybridCa;
use hypermesh_primitives::x509::{HybridCertificate, X509Error};

use crate::error::{Result, StoqError};

/// Parses a certificate with `hypermesh_primitives` (the runtime's parser).
fn parse(cert_der: &[u8]) -> Result<HybridCertificate> {
	HybridCertificate::parse(cert_der)
		.map_err(|e| StoqError::Certificate(format!("unusable certificate: {e:?}")))
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

/// Answers whether a certificate has been revoked. TrustChain's on-chain
/// revocation list will implement this; [`InMemoryRevocation`] is the local one.
pub trait RevocationOracle: Send + Sync + std::fmt::Debug {
	/// `issuer` is the DER of the issuer Name, `serial` the serial number's
	/// big-endian bytes without leading zero bytes.
	fn is_revoked(&self, issuer: &[u8], serial: &[u8]) -> bool;
}

fn strip_zeros(serial: &[u8]) -> &[u8] {
	let n = serial.iter().take_while(|b| **b == 0).count();
	&serial[n..]
}

/// An in-memory revocation list keyed by (issuer Name DER, serial).
#[derive(Debug, Default)]
pub struct InMemoryRevocation {
	revoked: RwLock<HashSet<(Vec<u8>, Vec<u8>)>>,
}

impl InMemoryRevocation {
	/// An empty list.
	pub fn new() -> Self {
		Self::default()
	}

	/// Revokes the given certificate (by its issuer and serial).
	pub fn revoke(&self, cert_der: &[u8]) -> Result<()> {
		let p = parse(cert_der)?;
		let key = (p.issuer, strip_zeros(&p.serial).to_vec());
		self.revoked
			.write()
			.map_err(|_| StoqError::Config("revocation list lock poisoned".into()))?
			.insert(key);
		Ok(())
	}
}

impl RevocationOracle for InMemoryRevocation {
	fn is_revoked(&self, issuer: &[u8], serial: &[u8]) -> bool {
		// A poisoned lock fails closed: everything counts as revoked.
		self.revoked
			.read()
			.map(|set| set.contains(&(issuer.to_vec(), strip_zeros(serial).to_vec())))
			.unwrap_or(true)
	}
}

/// Trust anchors for hybrid certificates: CA certificates with their FALCON
/// keys, plus the revocation oracle.
#[derive(Debug)]
pub struct HybridTrust {
	roots: Arc<RootCertStore>,
	falcon: Vec<(Vec<u8>, Vec<u8>)>, // (CA subject Name DER, FALCON-1024 public key)
	revocation: Arc<dyn RevocationOracle>,
}

impl HybridTrust {
	/// Trust anchors from CA certificates and their FALCON-1024 public keys.
	pub fn new(
		cas: &[(CertificateDer<'static>, Vec<u8>)],
		revocation: Arc<dyn RevocationOracle>,
	) -> Result<Self> {
		let mut roots = RootCertStore::empty();
		let mut falcon = Vec::new();
		for (cert, fpk) in cas {
			roots
				.add(cert.clone())
				.map_err(|e| StoqError::Config(format!("bad CA certificate: {e}")))?;
			let subject = parse(cert)?.subject;
			falcon.push((subject, fpk.clone()));
		}
		Ok(Self {
			roots: Arc::new(roots),
			falcon,
			revocation,
		})
	}

	/// Trust in a single CA.
	pub fn from_ca(ca: &HybridCa, revocation: Arc<dyn RevocationOracle>) -> Result<Self> {
		Self::new(
			&[(ca.cert_der().clone(), ca.falcon_public_key())],
			revocation,
		)
	}

	/// The classical root store (for building plain webpki verifiers).
	pub fn roots(&self) -> Arc<RootCertStore> {
		self.roots.clone()
	}

	/// The post-quantum and revocation checks on a leaf whose classical chain
	/// has already been verified.
	pub fn check_leaf(&self, leaf: &[u8]) -> Result<(), AltSigError> {
		let parsed = HybridCertificate::parse(leaf).map_err(|e| match e {
			X509Error::MissingAltSignature => {
				AltSigError::Missing("FALCON-1024 altSignatureAlgorithm/altSignatureValue")
			}
			_ => AltSigError::Malformed,
		})?;
		let (_, fpk) = self
			.falcon
			.iter()
			.find(|(s, _)| *s == parsed.issuer)
			.ok_or(AltSigError::UnknownIssuer)?;
		parsed.verify_alt_signature(fpk).map_err(|e| match e {
			X509Error::MissingAltSignature => AltSigError::Missing("altSignatureAlgorithm"),
			_ => AltSigError::BadSignature,
		})?;
		if self.revocation.is_revoked(&parsed.issuer, &parsed.serial) {
			return Err(AltSigError::Revoked);
		}
		Ok(())
	}

	fn check_leaf_rustls(&self, leaf: &[u8]) -> Result<(), rustls::Error> {
		self.check_leaf(leaf).map_err(|e| match e {
			AltSigError::Revoked => rustls::Error::InvalidCertificate(CertificateError::Revoked),
			other => rustls::Error::InvalidCertificate(CertificateError::Other(OtherError(
				Arc::new(other),
			))),
		})
	}
}

/// Server-certificate verifier used by STOQ clients: webpki + FALCON + revocation.
#[derive(Debug)]
pub struct HybridServerVerifier {
	inner: Arc<WebPkiServerVerifier>,
	trust: Arc<HybridTrust>,
}

impl HybridServerVerifier {
	/// Builds the verifier for `trust`, using `provider`'s signature algorithms.
	pub fn new(
		trust: Arc<HybridTrust>,
		provider: Arc<rustls::crypto::CryptoProvider>,
	) -> Result<Self> {
		let inner = WebPkiServerVerifier::builder_with_provider(trust.roots(), provider)
			.build()
			.map_err(|e| StoqError::Config(e.to_string()))?;
		Ok(Self { inner, trust })
	}
}

impl ServerCertVerifier for HybridServerVerifier {
	fn verify_server_cert(
		&self,
		end_entity: &CertificateDer<'_>,
		intermediates: &[CertificateDer<'_>],
		server_name: &ServerName<'_>,
		ocsp_response: &[u8],
		now: UnixTime,
	) -> Result<ServerCertVerified, rustls::Error> {
		self.inner.verify_server_cert(
			end_entity,
			intermediates,
			server_name,
			ocsp_response,
			now,
		)?;
		self.trust.check_leaf_rustls(end_entity)?;
		Ok(ServerCertVerified::assertion())
	}

	fn verify_tls12_signature(
		&self,
		message: &[u8],
		cert: &CertificateDer<'_>,
		dss: &DigitallySignedStruct,
	) -> Result<HandshakeSignatureValid, rustls::Error> {
		self.inner.verify_tls12_signature(message, cert, dss)
	}

	fn verify_tls13_signature(
		&self,
		message: &[u8],
		cert: &CertificateDer<'_>,
		dss: &DigitallySignedStruct,
	) -> Result<HandshakeSignatureValid, rustls::Error> {
		self.inner.verify_tls13_signature(message, cert, dss)
	}

	fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
		self.inner.supported_verify_schemes()
	}
}

/// Client-certificate verifier used by STOQ servers: webpki + FALCON + revocation.
///
/// Client authentication is mandatory ([`HybridClientVerifier::new`]) unless the endpoint
/// also serves DNS over QUIC, whose clients present no certificate
/// ([`HybridClientVerifier::optional`]): then a client may present none, a certificate that
/// is presented is verified exactly as before, and the endpoint refuses a STOQ (`stoq/1`)
/// connection without one after the handshake.
#[derive(Debug)]
pub struct HybridClientVerifier {
	inner: Arc<dyn ClientCertVerifier>,
	trust: Arc<HybridTrust>,
	mandatory: bool,
}

impl HybridClientVerifier {
	/// Builds the verifier for `trust`, using `provider`'s signature algorithms; a client
	/// without a certificate fails the handshake.
	pub fn new(
		trust: Arc<HybridTrust>,
		provider: Arc<rustls::crypto::CryptoProvider>,
	) -> Result<Self> {
		let inner = WebPkiClientVerifier::builder_with_provider(trust.roots(), provider)
			.build()
			.map_err(|e| StoqError::Config(e.to_string()))?;
		Ok(Self {
			inner,
			trust,
			mandatory: true,
		})
	}

	/// Like [`HybridClientVerifier::new`], but a client may present no certificate (it is
	/// still asked for one, and one that is presented must verify).
	pub fn optional(
		trust: Arc<HybridTrust>,
		provider: Arc<rustls::crypto::CryptoProvider>,
	) -> Result<Self> {
		Ok(Self {
			mandatory: false,
			..Self::new(trust, provider)?
		})
	}
}

impl ClientCertVerifier for HybridClientVerifier {
	fn client_auth_mandatory(&self) -> bool {
		self.mandatory
	}

	fn root_hint_subjects(&self) -> &[DistinguishedName] {
		self.inner.root_hint_subjects()
	}

	fn verify_client_cert(
		&self,
		end_entity: &CertificateDer<'_>,
		intermediates: &[CertificateDer<'_>],
		now: UnixTime,
	) -> Result<ClientCertVerified, rustls::Error> {
		self.inner
			.verify_client_cert(end_entity, intermediates, now)?;
		self.trust.check_leaf_rustls(end_entity)?;
		Ok(ClientCertVerified::assertion())
	}

	fn verify_tls12_signature(
		&self,
		message: &[u8],
		cert: &CertificateDer<'_>,
		dss: &DigitallySignedStruct,
	) -> Result<HandshakeSignatureValid, rustls::Error> {
		self.inner.verify_tls12_signature(message, cert, dss)
	}

	fn verify_tls13_signature(
		&self,
		message: &[u8],
		cert: &CertificateDer<'_>,
		dss: &DigitallySignedStruct,
	) -> Result<HandshakeSignatureValid, rustls::Error> {
		self.inner.verify_tls13_signature(message, cert, dss)
	}

	fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
		self.inner.supported_verify_schemes()
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use hypermesh_pki::LeafSpec;

	fn trust(ca: &HybridCa) -> (HybridTrust, Arc<InMemoryRevocation>) {
		let revocation = Arc::new(InMemoryRevocation::new());
		(
			HybridTrust::from_ca(ca, revocation.clone()).unwrap(),
			revocation,
		)
	}

	#[test]
	fn check_leaf_outcomes() {
		let ca = HybridCa::generate("test ca").unwrap();
		let (trust, revocation) = trust(&ca);
		let leaf = ca.issue_leaf(&LeafSpec::node("node", 5, 1)).unwrap();
		assert_eq!(trust.check_leaf(leaf.leaf()), Ok(()));

		// Another FALCON key signed it.
		let forged = ca
			.with_new_falcon_key()
			.unwrap()
			.issue_leaf(&LeafSpec::node("node", 6, 1))
			.unwrap();
		assert_eq!(
			trust.check_leaf(forged.leaf()),
			Err(AltSigError::BadSignature)
		);

		// Another CA issued it.
		let other = HybridCa::generate("other ca")
			.unwrap()
			.issue_leaf(&LeafSpec::node("node", 7, 1))
			.unwrap();
		assert_eq!(
			trust.check_leaf(other.leaf()),
			Err(AltSigError::UnknownIssuer)
		);

		// Not a hybrid certificate: the CA's own (self-signed, no alt signature).
		assert_eq!(
			trust.check_leaf(ca.cert_der()),
			Err(AltSigError::Missing("altSignatureAlgorithm"))
		);

		// Not a certificate.
		assert_eq!(trust.check_leaf(&[]), Err(AltSigError::Malformed));
		let mut trailing = leaf.leaf().to_vec();
		trailing.push(0);
		assert_eq!(trust.check_leaf(&trailing), Err(AltSigError::Malformed));

		// Revoked (by issuer and serial).
		revocation.revoke(leaf.leaf()).unwrap();
		assert_eq!(trust.check_leaf(leaf.leaf()), Err(AltSigError::Revoked));
		assert!(revocation.revoke(&[0x30, 0x00]).is_err());
	}
}
