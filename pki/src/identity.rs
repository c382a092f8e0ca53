//! A node's TLS identity: what a STOQ endpoint presents in mutual TLS.
//!
//! Kept apart from the CA ([`crate::HybridCa`] issues one with `issue_leaf`) because a
//! node also builds one from the certificate TrustChain issued it and its own key files.

use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// A node's TLS identity: its certificate chain (leaf first) and PKCS#8 key, plus the
/// node's own FALCON-1024 key pair named in subjectAltPublicKeyInfo.
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
	///
	/// # Panics
	///
	/// If the chain is empty (an identity always has its leaf).
	pub fn leaf(&self) -> &CertificateDer<'static> {
		&self.cert_chain[0]
	}
}
