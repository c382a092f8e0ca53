//! FALCON-1024 signature verification that runs inside the WASM runtime.
//!
//! TrustChain binds every certificate to a post-quantum signature. The runtime must check
//! those signatures itself, so this module verifies them in pure Rust with Thomas Pornin's
//! `fn-dsa-vrfy` (no_std, no host function needed, no C), in its "original Falcon" mode
//! (`HASH_ID_ORIGINAL_FALCON`): the message is hashed as in the round-3 Falcon submission,
//! which is what `fn-dsa` (the signing half of the same family, used by `hypermesh-pki` to
//! sign) and PQClean implement.
//!
//! Signatures use the **padded** encoding (PQClean's `falcon-padded-1024`): a header byte
//! `0x3A`, a 40-byte nonce and the compressed signature zero-padded to a fixed 1280 bytes.
//! The variable-length compressed encoding is refused, so that every signature has the
//! same size on chain. Public keys are the reference 1793-byte encoding (header `0x0A`).

use fn_dsa_vrfy::{VerifyingKey, VerifyingKeyStandard, DOMAIN_NONE, HASH_ID_ORIGINAL_FALCON};

/// Length in bytes of a FALCON-1024 public key.
pub const PUBLIC_KEY_LEN: usize = 1793;

/// The first byte of a FALCON-1024 public key: `0x00 + log2(1024)`.
pub const PUBLIC_KEY_HEADER: u8 = 0x0A;

/// Length in bytes of a padded FALCON-1024 signature.
pub const SIGNATURE_LEN: usize = 1280;

/// The first byte of a FALCON-1024 signature: `0x30 + log2(1024)`.
pub const SIGNATURE_HEADER: u8 = 0x3A;

/// Why a FALCON-1024 signature was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FalconError {
	/// The public key is not 1793 bytes starting with `0x0A`, or does not decode.
	BadPublicKey,
	/// The signature is not 1280 bytes starting with `0x3A`.
	BadSignatureEncoding,
	/// The signature does not verify against this key and message.
	InvalidSignature,
}

/// Verifies a padded FALCON-1024 signature (round-3 hashing) over `message`.
pub fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> Result<(), FalconError> {
	if public_key.len() != PUBLIC_KEY_LEN || public_key[0] != PUBLIC_KEY_HEADER {
		return Err(FalconError::BadPublicKey);
	}
	if signature.len() != SIGNATURE_LEN || signature[0] != SIGNATURE_HEADER {
		return Err(FalconError::BadSignatureEncoding);
	}
	let key = VerifyingKeyStandard::decode(public_key).ok_or(FalconError::BadPublicKey)?;
	if key.verify(signature, &DOMAIN_NONE, &HASH_ID_ORIGINAL_FALCON, message) {
		Ok(())
	} else {
		Err(FalconError::InvalidSignature)
	}
}
