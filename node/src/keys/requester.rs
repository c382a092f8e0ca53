//! Requester key sets: an ECDSA P-256 key (`p256.key.der`, PKCS#8) and a FALCON-1024 key
//! pair (`falcon.pub`, `falcon.key`) in a directory, and the proofs of possession of both
//! that `TrustChain::request_certificate` takes. The one place the node uses FALCON and
//! ECDSA directly.

use std::path::Path;

use codec::Encode;
use hypermesh_pki::key_file;
use hypermesh_runtime::AccountId;
use pallet_trustchain::ClassicalPublicKey;
use ring::signature::{EcdsaKeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING};

use super::KeyError;
use crate::files;

/// A requester's keys and proofs of possession, as `request_certificate` takes them.
pub struct RequestProofs {
	/// The classical (ECDSA P-256) public key.
	pub classical_public_key: ClassicalPublicKey,
	/// The FALCON-1024 public key.
	pub falcon_public_key: Vec<u8>,
	/// The DER ECDSA signature of the proof-of-possession message.
	pub classical_proof: Vec<u8>,
	/// The padded FALCON-1024 signature of the proof-of-possession message.
	pub falcon_proof: Vec<u8>,
}

/// Writes a new requester key set (ECDSA P-256 PKCS#8, FALCON-1024 public and secret
/// keys) into `dir` (created 0700 if missing; the private keys 0600).
pub fn write_requester_keys(dir: &Path) -> Result<(), KeyError> {
	key_file::create_dir(dir)?;
	let rng = ring::rand::SystemRandom::new();
	let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
		.map_err(|_| KeyError::P256Generation)?;
	let falcon = hypermesh_pki::falcon::generate();
	// `p256.key.der` last: the holder takes a directory with it for a complete key set.
	key_file::write_new(&dir.join("falcon.key"), &falcon.secret)?;
	files::write_new(&dir.join("falcon.pub"), &falcon.public)?;
	key_file::write_new(&dir.join("p256.key.der"), pkcs8.as_ref())?;
	Ok(())
}

/// The P-256 key pair of the key set in `dir`.
fn p256_pair(dir: &Path, rng: &ring::rand::SystemRandom) -> Result<EcdsaKeyPair, KeyError> {
	EcdsaKeyPair::from_pkcs8(
		&ECDSA_P256_SHA256_ASN1_SIGNING,
		&key_file::read(&dir.join("p256.key.der"))?,
		rng,
	)
	.map_err(|_| KeyError::NotP256)
}

/// The ECDSA P-256 public key (SEC1, uncompressed) of the key set in `dir`.
pub fn requester_classical_key(dir: &Path) -> Result<Vec<u8>, KeyError> {
	let pair = p256_pair(dir, &ring::rand::SystemRandom::new())?;
	Ok(pair.public_key().as_ref().to_vec())
}

/// Signs the proof-of-possession message for `account` on the chain with `genesis` with
/// both keys of the key set in `dir`.
pub fn proofs_of_possession(
	dir: &Path,
	account: &AccountId,
	genesis: &[u8],
) -> Result<RequestProofs, KeyError> {
	let rng = ring::rand::SystemRandom::new();
	let pair = p256_pair(dir, &rng)?;
	let falcon_public_key = files::read(&dir.join("falcon.pub"))?;
	let falcon_secret = key_file::read(&dir.join("falcon.key"))?;
	// A key set whose secret key does not belong to its public key would make proofs the
	// chain refuses (after taking the fee): say so here instead.
	hypermesh_pki::falcon::check_pair(&falcon_secret, &falcon_public_key).map_err(|e| match e {
		hypermesh_pki::PkiError::FalconKeyMismatch => KeyError::FalconKeyMismatch,
		hypermesh_pki::PkiError::FalconPublicKey => KeyError::NotFalconPublic,
		_ => KeyError::NotFalcon,
	})?;
	let classical_public_key = ClassicalPublicKey::EcdsaP256(
		pair.public_key()
			.as_ref()
			.to_vec()
			.try_into()
			.map_err(|_| KeyError::PointTooLong)?,
	);
	let message = hypermesh_primitives::pop::message(
		genesis,
		&account.encode(),
		&classical_public_key.encode(),
		&falcon_public_key,
	);
	let classical_proof = pair
		.sign(&rng, &message)
		.map_err(|_| KeyError::P256Signing)?
		.as_ref()
		.to_vec();
	let falcon_proof =
		hypermesh_pki::falcon::sign(&falcon_secret, &message).map_err(|_| KeyError::NotFalcon)?;
	Ok(RequestProofs {
		classical_public_key,
		falcon_public_key,
		classical_proof,
		falcon_proof,
	})
}
