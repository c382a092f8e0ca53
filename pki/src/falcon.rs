//! FALCON-1024 key pairs and signatures in pure Rust, in the form the runtime verifies.
//!
//! Key generation and signing use Thomas Pornin's `fn-dsa` (the signing half of the
//! family whose verifier, `fn-dsa-vrfy`, is [`hypermesh_primitives::falcon::verify`]) in
//! its "original Falcon" mode: FALCON-1024 (`logn` 10), [`HASH_ID_ORIGINAL_FALCON`]
//! (round-3 message hashing) and no domain-separation context. Its signatures are the
//! padded 1280-byte encoding (header `0x3A`, 40-byte nonce, compressed signature
//! zero-padded), the only one the runtime accepts.
//!
//! Keys use the Falcon reference encodings, which PQClean also writes: a 1793-byte public
//! key (header `0x0A`) and a 2305-byte secret key (header `0x5A`). The FALCON secret keys
//! operators already have on disk were written by PQClean (`pqcrypto-falcon`'s
//! `falconpadded1024`) and are read here unchanged.

use fn_dsa::{
	sign_key_size, signature_size, vrfy_key_size, KeyPairGenerator, KeyPairGenerator1024,
	SigningKey, SigningKey1024, DOMAIN_NONE, FN_DSA_LOGN_1024, HASH_ID_ORIGINAL_FALCON,
};
use hypermesh_primitives::falcon as verifier;
use rand_core::OsRng;

use crate::error::{PkiError, Result};

/// Length in bytes of a FALCON-1024 public key.
pub const PUBLIC_KEY_LEN: usize = verifier::PUBLIC_KEY_LEN;

/// Length in bytes of a FALCON-1024 secret key.
pub const SECRET_KEY_LEN: usize = sign_key_size(FN_DSA_LOGN_1024);

/// Length in bytes of a padded FALCON-1024 signature.
pub const SIGNATURE_LEN: usize = verifier::SIGNATURE_LEN;

// The runtime's verifier and this signer agree on the sizes.
const _: () = assert!(PUBLIC_KEY_LEN == vrfy_key_size(FN_DSA_LOGN_1024));
const _: () = assert!(SIGNATURE_LEN == signature_size(FN_DSA_LOGN_1024));

/// A FALCON-1024 key pair, in the reference encodings.
#[derive(Clone, PartialEq, Eq)]
pub struct FalconKeyPair {
	/// The public key (1793 bytes).
	pub public: Vec<u8>,
	/// The secret key (2305 bytes).
	pub secret: Vec<u8>,
}

impl std::fmt::Debug for FalconKeyPair {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("FalconKeyPair")
			.field("public", &format_args!("{} bytes", self.public.len()))
			.finish_non_exhaustive()
	}
}

impl FalconKeyPair {
	/// A fresh key pair from the operating system's random source.
	pub fn generate() -> Self {
		generate()
	}

	/// The key pair of a secret key (its public key is computed from it).
	pub fn from_secret(secret: &[u8]) -> Result<Self> {
		Ok(Self {
			public: public_of(secret)?,
			secret: secret.to_vec(),
		})
	}

	/// Signs `message` with the secret key.
	pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>> {
		sign(&self.secret, message)
	}
}

/// Generates a FALCON-1024 key pair from the operating system's random source.
pub fn generate() -> FalconKeyPair {
	let mut secret = vec![0u8; SECRET_KEY_LEN];
	let mut public = vec![0u8; PUBLIC_KEY_LEN];
	KeyPairGenerator1024::default().keygen(FN_DSA_LOGN_1024, &mut OsRng, &mut secret, &mut public);
	FalconKeyPair { public, secret }
}

/// Decodes a FALCON-1024 secret key.
fn signing_key(secret: &[u8]) -> Result<SigningKey1024> {
	if secret.len() != SECRET_KEY_LEN {
		return Err(PkiError::FalconSecretKey);
	}
	SigningKey1024::decode(secret).ok_or(PkiError::FalconSecretKey)
}

/// Signs `message` with a FALCON-1024 secret key: a padded 1280-byte signature, with
/// round-3 hashing, that [`hypermesh_primitives::falcon::verify`] accepts.
pub fn sign(secret: &[u8], message: &[u8]) -> Result<Vec<u8>> {
	let mut key = signing_key(secret)?;
	let mut signature = vec![0u8; SIGNATURE_LEN];
	key.sign(
		&mut OsRng,
		&DOMAIN_NONE,
		&HASH_ID_ORIGINAL_FALCON,
		message,
		&mut signature,
	);
	Ok(signature)
}

/// The public key of a FALCON-1024 secret key.
pub fn public_of(secret: &[u8]) -> Result<Vec<u8>> {
	let key = signing_key(secret)?;
	let mut public = vec![0u8; PUBLIC_KEY_LEN];
	key.to_verifying_key(&mut public);
	Ok(public)
}

/// Checks that `public` is a well-formed FALCON-1024 public key: 1793 bytes starting with
/// the FALCON-1024 header. (Whether it decodes is checked when a signature is verified.)
pub fn check_public(public: &[u8]) -> Result<()> {
	if public.len() != PUBLIC_KEY_LEN || public[0] != verifier::PUBLIC_KEY_HEADER {
		return Err(PkiError::FalconPublicKey);
	}
	Ok(())
}

/// Checks that the secret key `secret` belongs to the public key `public`.
pub fn check_pair(secret: &[u8], public: &[u8]) -> Result<()> {
	check_public(public)?;
	if public_of(secret)? != public {
		return Err(PkiError::FalconKeyMismatch);
	}
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;
	use pqcrypto_falcon::falconpadded1024;
	use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _, SecretKey as _};

	#[test]
	fn signatures_verify_with_the_runtime_verifier() {
		let pair = generate();
		assert_eq!(pair.public.len(), PUBLIC_KEY_LEN);
		assert_eq!(pair.secret.len(), SECRET_KEY_LEN);
		assert_eq!(pair.secret.len(), falconpadded1024::secret_key_bytes());
		assert_eq!(pair.public[0], verifier::PUBLIC_KEY_HEADER);
		let signature = pair.sign(b"message").unwrap();
		assert_eq!(signature.len(), SIGNATURE_LEN);
		assert_eq!(signature[0], verifier::SIGNATURE_HEADER);
		assert_eq!(
			verifier::verify(&pair.public, b"message", &signature),
			Ok(())
		);
		assert_eq!(
			verifier::verify(&pair.public, b"massage", &signature),
			Err(verifier::FalconError::InvalidSignature)
		);
		assert_eq!(
			verifier::verify(&generate().public, b"message", &signature),
			Err(verifier::FalconError::InvalidSignature)
		);
		// PQClean accepts them too.
		let pk = falconpadded1024::PublicKey::from_bytes(&pair.public).unwrap();
		let sig = falconpadded1024::DetachedSignature::from_bytes(&signature).unwrap();
		assert!(falconpadded1024::verify_detached_signature(&sig, b"message", &pk).is_ok());
	}

	/// The FALCON secret keys on operators' disks were written by PQClean
	/// (`falconpadded1024::SecretKey::as_bytes()`): they decode, give back their public
	/// key, and what this module signs with them verifies.
	#[test]
	fn pqclean_secret_keys_are_read_unchanged() {
		let (public, secret) = falconpadded1024::keypair();
		let pair = FalconKeyPair::from_secret(secret.as_bytes()).unwrap();
		assert_eq!(pair.public, public.as_bytes());
		assert_eq!(
			check_pair(secret.as_bytes(), public.as_bytes()).ok(),
			Some(())
		);
		let signature = sign(secret.as_bytes(), b"proof of possession").unwrap();
		assert_eq!(
			verifier::verify(public.as_bytes(), b"proof of possession", &signature),
			Ok(())
		);
		// And PQClean's signatures with the same key verify with the runtime's verifier.
		let theirs = falconpadded1024::detached_sign(b"proof of possession", &secret);
		assert_eq!(
			verifier::verify(public.as_bytes(), b"proof of possession", theirs.as_bytes()),
			Ok(())
		);
		// PQClean reads the keys this module writes.
		let ours = generate();
		let secret = falconpadded1024::SecretKey::from_bytes(&ours.secret).unwrap();
		let theirs = falconpadded1024::detached_sign(b"m", &secret);
		assert_eq!(
			verifier::verify(&ours.public, b"m", theirs.as_bytes()),
			Ok(())
		);
	}

	#[test]
	fn mismatched_and_malformed_keys_are_refused() {
		let a = generate();
		let b = generate();
		assert_eq!(check_pair(&a.secret, &a.public).ok(), Some(()));
		assert!(matches!(
			check_pair(&a.secret, &b.public),
			Err(PkiError::FalconKeyMismatch)
		));
		assert!(matches!(
			check_pair(&a.secret, &a.public[1..]),
			Err(PkiError::FalconPublicKey)
		));
		let mut wrong_header = a.public.clone();
		wrong_header[0] = 0x09;
		assert!(matches!(
			check_public(&wrong_header),
			Err(PkiError::FalconPublicKey)
		));
		assert!(matches!(check_public(&[]), Err(PkiError::FalconPublicKey)));
		for bad in [
			&[][..],
			&a.secret[..a.secret.len() - 1],
			&[&a.secret[..], &[0]].concat()[..],
			&[0x59; SECRET_KEY_LEN][..],
			&a.public[..],
		] {
			assert!(matches!(sign(bad, b"m"), Err(PkiError::FalconSecretKey)));
			assert!(matches!(public_of(bad), Err(PkiError::FalconSecretKey)));
		}
		assert!(!format!("{a:?}").contains(&format!("{:?}", &a.secret[..8])));
	}
}
