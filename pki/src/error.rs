//! The error type of certificate issuing.
//!
//! One enum, [`PkiError`], for every fallible operation of the crate, so that the CA
//! service, the `stoq` command and the tests can tell a requester's malformed key from a
//! CA whose files do not belong together or a certificate that failed its own check.

use hypermesh_primitives::x509::X509Error;

/// Every way issuing a certificate, or handling the keys behind it, can fail.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
	/// rcgen refused to build or sign a certificate, or to generate or load a classical key
	/// (for instance a subjectAltName that is not a valid DNS name).
	#[error("certificate generation: {0}")]
	Rcgen(#[from] rcgen::Error),
	/// A DER structure could not be encoded, or a certificate could not be split.
	#[error("DER: {0}")]
	Der(#[from] der::Error),
	/// PEM encoding failed.
	#[error("PEM: {0}")]
	Pem(#[from] pem_rfc7468::Error),
	/// `hypermesh_primitives::x509` refused a certificate.
	#[error("unusable certificate: {0:?}")]
	Unparsable(X509Error),
	/// A FALCON public key is not a 1793-byte FALCON-1024 public key.
	#[error("the FALCON key is not a 1793-byte FALCON-1024 public key")]
	FalconPublicKey,
	/// A FALCON secret key is not a 2305-byte FALCON-1024 secret key that decodes.
	#[error("the FALCON key is not a 2305-byte FALCON-1024 secret key")]
	FalconSecretKey,
	/// A FALCON secret key does not belong to the public key it was given with.
	#[error("the FALCON secret key does not match the FALCON public key")]
	FalconKeyMismatch,
	/// A requester's classical key is not a well-formed SEC1 P-256 point.
	#[error("the classical key is not a SEC1-encoded P-256 point")]
	ClassicalKey,
	/// The CA's name, key and certificate do not belong together.
	#[error("CA common name does not match its certificate")]
	CaMismatch,
	/// A certificate the CA just issued failed the check it makes before handing it out.
	#[error("issued certificate failed its check: {0}")]
	SelfCheck(&'static str),
}

impl From<X509Error> for PkiError {
	fn from(e: X509Error) -> Self {
		Self::Unparsable(e)
	}
}

/// Shorthand result type of this crate.
pub type Result<T, E = PkiError> = std::result::Result<T, E>;
