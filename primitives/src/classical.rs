//! Classical (pre-quantum) signature verification: Ed25519 and ECDSA P-256 with SHA-256.
//!
//! These are the algorithms TrustChain certificates carry for standard TLS stacks and
//! `openssl verify`. The runtime checks them itself (certificate signatures and proofs of
//! possession), in pure Rust (`ed25519-dalek`, `p256`) so that the same code runs in the
//! node, in clients and in WASM.

use ed25519_dalek::Verifier as _;

/// A classical public key, borrowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassicalKey<'a> {
	/// An Ed25519 public key (RFC 8032).
	Ed25519(&'a [u8; 32]),
	/// An ECDSA P-256 public key as a SEC1 point (compressed or uncompressed).
	EcdsaP256(&'a [u8]),
}

/// Why a classical signature was not accepted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClassicalError {
	/// The public key does not decode (not a point on the curve, or a weak Ed25519 key).
	BadPublicKey,
	/// The signature does not decode: Ed25519 signatures are 64 bytes, ECDSA signatures
	/// the DER `ECDSA-Sig-Value` X.509 and TLS use, with r and s in [1, n - 1].
	BadSignatureEncoding,
	/// The signature does not verify against this key and message.
	InvalidSignature,
}

/// Verifies `signature` over `message` (Ed25519: RFC 8032 strict verification; ECDSA
/// P-256: SHA-256 of the message, DER signature, low-S not required as in X.509).
pub fn verify(
	key: ClassicalKey<'_>,
	message: &[u8],
	signature: &[u8],
) -> Result<(), ClassicalError> {
	match key {
		ClassicalKey::Ed25519(key) => {
			let key = ed25519_dalek::VerifyingKey::from_bytes(key)
				.map_err(|_| ClassicalError::BadPublicKey)?;
			// `verify_strict` refuses small-order keys too, but as a bad signature; report
			// them as the bad keys they are (as documented on `BadPublicKey`).
			if key.is_weak() {
				return Err(ClassicalError::BadPublicKey);
			}
			let signature = ed25519_dalek::Signature::from_slice(signature)
				.map_err(|_| ClassicalError::BadSignatureEncoding)?;
			key.verify_strict(message, &signature)
				.map_err(|_| ClassicalError::InvalidSignature)
		}
		ClassicalKey::EcdsaP256(point) => {
			let key = p256::ecdsa::VerifyingKey::from_sec1_bytes(point)
				.map_err(|_| ClassicalError::BadPublicKey)?;
			// `from_der` also refuses r or s outside [1, n - 1], which no signing key can
			// produce: an encoding error rather than a signature that fails to verify.
			let signature = p256::ecdsa::Signature::from_der(signature)
				.map_err(|_| ClassicalError::BadSignatureEncoding)?;
			key.verify(message, &signature)
				.map_err(|_| ClassicalError::InvalidSignature)
		}
	}
}
