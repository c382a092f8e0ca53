//! Peer-certificate verification for STOQ: rustls/webpki's classical chain check
//! wrapped with the FALCON-1024 alternative-signature check and a revocation hook.
//!
//! Both directions of mutual TLS use the same [`HybridTrust`]: the server wraps
//! `WebPkiClientVerifier` in [`HybridClientVerifier`], the client wraps
//! `WebPkiServerVerifier` in [`HybridServerVerifier`]. The classical check runs
//! first (chain to a configured CA, validity period, key usage, server name);
//! then the leaf's altSignatureValue is checked against the FALCON-1024 key of
//! the CA that issued it; then the [`RevocationOracle`] is asked about the leaf
//! and that CA.
//!
//! The issuing CA is found by its keys, not by its name: every trust anchor whose
//! subject is the leaf's issuer Name is tried, and the one whose classical key
//! verifies the leaf's signature and whose FALCON-1024 key verifies its alternative
//! signature is the issuer. Two authorities with one subject name (or one authority's
//! CA certificates before and after a key rotation) each verify their own leaves,
//! and revocation is asked about the anchor that actually issued the leaf.

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
use hypermesh_primitives::x509::{HybridCertificate, SubjectKey, X509Error};

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
	/// No configured CA has the certificate's issuer Name and the classical key that
	/// signed it.
	#[error("no configured CA has the certificate's issuer name and signing key")]
	UnknownIssuer,
	/// The certificate is revoked (or otherwise not valid) according to the revocation
	/// oracle.
	#[error("certificate is revoked")]
	Revoked,
	/// The issuing authority's log has no certificate with these exact bytes (nor any
	/// certificate with its serial): it was never logged.
	#[error("certificate is not in the issuing authority's log")]
	NotLogged,
	/// The issuing authority logged another certificate under this serial: the presented
	/// one (other names, keys or holder) is not the logged one.
	#[error("certificate differs from the one its authority logged with this serial (not logged)")]
	NotTheLoggedCertificate,
}

/// A leaf whose classical and FALCON-1024 signatures verified, as the
/// [`RevocationOracle`] is asked about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Leaf<'a> {
	/// The certificate exactly as presented (DER).
	pub der: &'a [u8],
	/// Its serial (DER INTEGER content octets, as encoded in the certificate).
	pub serial: &'a [u8],
}

/// What a [`RevocationOracle`] says about a leaf.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafStatus {
	/// Logged as presented (where the oracle keeps a log), not revoked, valid.
	Good,
	/// Revoked, or not valid (expired, not yet valid) by the oracle's account.
	Revoked,
	/// Not logged: no certificate of the anchor has the leaf's bytes or its serial.
	NotLogged,
	/// The anchor logged a different certificate under the leaf's serial.
	NotTheLoggedCertificate,
}

/// The trust anchor that issued a leaf, as the [`RevocationOracle`] is told it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor<'a> {
	/// The anchor's position in the CA list given to [`HybridTrust::new`].
	pub index: usize,
	/// Its subject Name (DER), which is the leaf's issuer Name.
	pub subject: &'a [u8],
	/// Its FALCON-1024 public key, which verified the leaf's alternative signature.
	pub falcon_key: &'a [u8],
}

/// Answers whether a certificate is good: logged exactly as presented, not revoked,
/// valid. TrustChain implements this in the node (from its CT log and revocations);
/// [`InMemoryRevocation`] is a local revocation list without a log.
pub trait RevocationOracle: Send + Sync + std::fmt::Debug {
	/// The status of `leaf`, which `anchor` issued. `anchor` is the CA whose keys
	/// verified the leaf, so two CAs with one subject Name are told apart. An oracle
	/// backed by a log must compare the presented bytes ([`Leaf::der`]) with the logged
	/// certificate, not only the serial: a CA key can sign any content under a logged
	/// serial.
	fn status(&self, anchor: Anchor<'_>, leaf: Leaf<'_>) -> LeafStatus;
}

fn strip_zeros(serial: &[u8]) -> &[u8] {
	let n = serial.iter().take_while(|b| **b == 0).count();
	&serial[n..]
}

/// An in-memory revocation list keyed by (issuer Name DER, serial): a certificate
/// revoked here counts as revoked whichever CA of that Name issued it (fail closed).
/// It keeps no log: every leaf not revoked here is [`LeafStatus::Good`].
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
	fn status(&self, anchor: Anchor<'_>, leaf: Leaf<'_>) -> LeafStatus {
		// A poisoned lock fails closed: everything counts as revoked.
		let key = (anchor.subject.to_vec(), strip_zeros(leaf.serial).to_vec());
		match self.revoked.read().map(|set| set.contains(&key)) {
			Ok(false) => LeafStatus::Good,
			_ => LeafStatus::Revoked,
		}
	}
}

/// One trust anchor's keys, as the FALCON and revocation checks use them.
#[derive(Debug)]
struct AnchorKeys {
	/// The CA certificate's subject Name (DER).
	subject: Vec<u8>,
	/// The CA certificate's classical public key.
	classical: SubjectKey,
	/// The CA's FALCON-1024 public key.
	falcon: Vec<u8>,
}

/// Trust anchors for hybrid certificates: CA certificates with their FALCON
/// keys, plus the revocation oracle.
#[derive(Debug)]
pub struct HybridTrust {
	roots: Arc<RootCertStore>,
	/// In the order given to [`HybridTrust::new`] ([`Anchor::index`]).
	anchors: Vec<AnchorKeys>,
	revocation: Arc<dyn RevocationOracle>,
}

impl HybridTrust {
	/// Trust anchors from CA certificates and their FALCON-1024 public keys.
	pub fn new(
		cas: &[(CertificateDer<'static>, Vec<u8>)],
		revocation: Arc<dyn RevocationOracle>,
	) -> Result<Self> {
		let mut roots = RootCertStore::empty();
		let mut anchors = Vec::new();
		for (cert, fpk) in cas {
			roots
				.add(cert.clone())
				.map_err(|e| StoqError::Config(format!("bad CA certificate: {e}")))?;
			let parsed = parse(cert)?;
			anchors.push(AnchorKeys {
				subject: parsed.subject,
				classical: parsed.subject_key,
				falcon: fpk.clone(),
			});
		}
		Ok(Self {
			roots: Arc::new(roots),
			anchors,
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
		let anchor = self.issuer_of(&parsed)?;
		let leaf = Leaf {
			der: leaf,
			serial: &parsed.serial,
		};
		match self.revocation.status(anchor, leaf) {
			LeafStatus::Good => Ok(()),
			LeafStatus::Revoked => Err(AltSigError::Revoked),
			LeafStatus::NotLogged => Err(AltSigError::NotLogged),
			LeafStatus::NotTheLoggedCertificate => Err(AltSigError::NotTheLoggedCertificate),
		}
	}

	/// The anchor that issued `leaf`: of the anchors whose subject is the leaf's issuer
	/// Name, the first whose classical key verifies the leaf's signature and whose
	/// FALCON-1024 key verifies its alternative signature. No anchor of that Name and
	/// classical key is [`AltSigError::UnknownIssuer`]; one whose FALCON key does not
	/// verify is [`AltSigError::BadSignature`].
	fn issuer_of(&self, leaf: &HybridCertificate) -> Result<Anchor<'_>, AltSigError> {
		let mut outcome = Err(AltSigError::UnknownIssuer);
		for (index, anchor) in self.anchors.iter().enumerate() {
			if anchor.subject != leaf.issuer
				|| leaf.verify_classical_signature(&anchor.classical).is_err()
			{
				continue;
			}
			match leaf.verify_alt_signature(&anchor.falcon) {
				Ok(()) => {
					return Ok(Anchor {
						index,
						subject: &anchor.subject,
						falcon_key: &anchor.falcon,
					})
				}
				Err(X509Error::MissingAltSignature) => {
					outcome = Err(AltSigError::Missing("altSignatureAlgorithm"))
				}
				Err(_) => outcome = Err(AltSigError::BadSignature),
			}
		}
		outcome
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

	/// A revocation oracle that records which anchor it was asked about and answers
	/// from a list of (anchor index, serial).
	#[derive(Debug, Default)]
	struct ByAnchor {
		revoked: Vec<(usize, Vec<u8>)>,
		asked: RwLock<Vec<(usize, Vec<u8>)>>,
	}

	impl RevocationOracle for ByAnchor {
		fn status(&self, anchor: Anchor<'_>, leaf: Leaf<'_>) -> LeafStatus {
			let key = (anchor.index, strip_zeros(leaf.serial).to_vec());
			let revoked = self.revoked.contains(&key);
			self.asked.write().unwrap().push(key);
			if revoked {
				LeafStatus::Revoked
			} else {
				LeafStatus::Good
			}
		}
	}

	/// An oracle that gives one answer and records the leaf bytes it was shown.
	#[derive(Debug)]
	struct Fixed(LeafStatus, RwLock<Vec<Vec<u8>>>);

	impl RevocationOracle for Fixed {
		fn status(&self, _: Anchor<'_>, leaf: Leaf<'_>) -> LeafStatus {
			self.1.write().unwrap().push(leaf.der.to_vec());
			self.0
		}
	}

	/// The oracle is shown the leaf exactly as presented, and each of its answers is
	/// its own refusal.
	#[test]
	fn oracle_answers_map_to_refusals() {
		let ca = HybridCa::generate("test ca").unwrap();
		let leaf = ca.issue_leaf(&LeafSpec::node("node", 5, 1)).unwrap();
		for (status, expected) in [
			(LeafStatus::Good, Ok(())),
			(LeafStatus::Revoked, Err(AltSigError::Revoked)),
			(LeafStatus::NotLogged, Err(AltSigError::NotLogged)),
			(
				LeafStatus::NotTheLoggedCertificate,
				Err(AltSigError::NotTheLoggedCertificate),
			),
		] {
			let oracle = Arc::new(Fixed(status, RwLock::default()));
			let trust = HybridTrust::from_ca(&ca, oracle.clone()).unwrap();
			assert_eq!(trust.check_leaf(leaf.leaf()), expected);
			assert_eq!(*oracle.1.read().unwrap(), [leaf.leaf().to_vec()]);
		}
	}

	/// Two CAs with one subject Name: each one's leaves verify with its own keys, the
	/// revocation oracle is asked about the anchor that issued the leaf, and a leaf of a
	/// third CA of that Name (signed by neither) fails. Before issuers were matched by
	/// key, the second CA's leaves failed with `BadSignature` (the first CA of that Name
	/// was the only one tried).
	#[test]
	fn same_named_authorities_each_verify_their_own_leaves() {
		let first = HybridCa::generate("one name").unwrap();
		let second = HybridCa::generate("one name").unwrap();
		let neither = HybridCa::generate("one name").unwrap();
		assert_eq!(
			parse(first.cert_der()).unwrap().subject,
			parse(second.cert_der()).unwrap().subject
		);
		let leaf_of = |ca: &HybridCa, serial| ca.issue_leaf(&LeafSpec::node("node", serial, 1));
		let (a, b) = (leaf_of(&first, 9).unwrap(), leaf_of(&second, 9).unwrap());
		// The same serial from both: only the second CA revoked it.
		let oracle = Arc::new(ByAnchor {
			revoked: vec![(1, vec![9])],
			..ByAnchor::default()
		});
		let anchors = [
			(first.cert_der().clone(), first.falcon_public_key()),
			(second.cert_der().clone(), second.falcon_public_key()),
		];
		let trust = HybridTrust::new(&anchors, oracle.clone()).unwrap();
		assert_eq!(trust.check_leaf(a.leaf()), Ok(()));
		assert_eq!(trust.check_leaf(b.leaf()), Err(AltSigError::Revoked));
		let c = leaf_of(&second, 10).unwrap();
		assert_eq!(trust.check_leaf(c.leaf()), Ok(()));
		assert_eq!(
			*oracle.asked.read().unwrap(),
			[(0, vec![9]), (1, vec![9]), (1, vec![10])]
		);

		// In the other order the anchors' positions follow.
		let reversed = HybridTrust::new(
			&[anchors[1].clone(), anchors[0].clone()],
			Arc::new(ByAnchor::default()),
		)
		.unwrap();
		assert_eq!(reversed.check_leaf(a.leaf()), Ok(()));
		assert_eq!(reversed.check_leaf(b.leaf()), Ok(()));

		// Signed by neither (a third CA of the same Name): refused, nobody asked.
		let stranger = leaf_of(&neither, 11).unwrap();
		assert_eq!(
			trust.check_leaf(stranger.leaf()),
			Err(AltSigError::UnknownIssuer)
		);
		// The second CA's classical key with a FALCON key that is neither CA's.
		let forged = leaf_of(&second.with_new_falcon_key().unwrap(), 12).unwrap();
		assert_eq!(
			trust.check_leaf(forged.leaf()),
			Err(AltSigError::BadSignature)
		);
		assert_eq!(oracle.asked.read().unwrap().len(), 3);
	}
}
