//! TrustChain key material on disk: CA directories ([`ca`]) and requester key sets with
//! their proofs of possession ([`requester`]).
//!
//! The `trustchain` subcommands make and show these, a dev or local genesis embeds a CA
//! from them, the CA service issues with a CA directory, and the holder service rotates
//! requester key sets. They all share this room, so that the cryptography (certificate
//! building, FALCON-1024, ECDSA P-256) is reached from these two files only: `ca.rs` is the
//! one place that uses the certificate library (`hypermesh-pki`), `requester.rs` the one
//! that signs with FALCON (`hypermesh_pki::falcon`) and ECDSA directly.
//!
//! Private keys are written and read through [`hypermesh_pki::key_file`] only: written
//! 0600 in directories created 0700, and refused (naming the file) when group or others
//! can access them.

mod ca;
mod requester;

use std::path::{Path, PathBuf};

pub use ca::{generate_ca, issue_certificate, load_ca, load_or_generate_ca, CertError, HybridCa};
pub use requester::{proofs_of_possession, requester_classical_key, write_requester_keys};

use hypermesh_pki::key_file::{self, KeyFileError};

use crate::files::FileError;

/// Reads a private key file, refusing one that group or others can access (see
/// [`hypermesh_pki::key_file::read`]).
pub fn read_private_key(path: &Path) -> Result<Vec<u8>, KeyError> {
	Ok(key_file::read(path)?)
}

/// Why key material cannot be made, read or used.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
	/// A key or certificate file cannot be read or written.
	#[error(transparent)]
	File(#[from] FileError),
	/// A private key file cannot be written or read, or others can access it.
	#[error(transparent)]
	KeyFile(#[from] KeyFileError),
	/// `ca.name` is not UTF-8.
	#[error("ca.name is not UTF-8")]
	CaNameNotUtf8,
	/// The files of a CA directory do not make a CA.
	#[error("CA in {}: {source}", dir.display())]
	Ca {
		/// The CA directory.
		dir: PathBuf,
		/// Why its files do not make a CA.
		source: CertError,
	},
	/// A CA cannot be generated, or cannot issue a certificate.
	#[error("{0}")]
	Certificate(CertError),
	/// The system cannot make a P-256 key.
	#[error("P-256 key generation failed")]
	P256Generation,
	/// `p256.key.der` is not a P-256 key.
	#[error("p256.key.der is not a P-256 PKCS#8 key")]
	NotP256,
	/// `falcon.key` is not a FALCON-1024 secret key.
	#[error("falcon.key is not a FALCON-1024 secret key")]
	NotFalcon,
	/// `falcon.pub` is not a FALCON-1024 public key.
	#[error("falcon.pub is not a FALCON-1024 public key")]
	NotFalconPublic,
	/// `falcon.key` and `falcon.pub` are not one key pair.
	#[error("falcon.key does not belong to falcon.pub (not one FALCON-1024 key pair)")]
	FalconKeyMismatch,
	/// The P-256 public key does not fit the chain's key type.
	#[error("P-256 point too long")]
	PointTooLong,
	/// Signing with the P-256 key failed.
	#[error("P-256 signing failed")]
	P256Signing,
}
