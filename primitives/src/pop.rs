//! Proof of possession for TrustChain certificate requests.
//!
//! A certificate request names two public keys, a classical one and a FALCON-1024 one.
//! The requester proves it holds both private keys by signing [`message`] with each. The
//! message binds the chain (its genesis hash), the requesting account and both keys, so a
//! proof cannot be replayed on another chain, by another account, or for another key pair.

use alloc::vec::Vec;

/// The domain-separation prefix of every proof-of-possession message.
pub const DOMAIN: &[u8] = b"HyperMesh TrustChain proof of possession v1\0";

/// The bytes both keys sign: [`DOMAIN`] || `genesis_hash` || `account` ||
/// `classical_key_scale` || `falcon_key`.
///
/// `account` is the requester's account id as SCALE-encoded (32 bytes for an
/// `AccountId32`), `classical_key_scale` the SCALE encoding of the request's
/// `ClassicalPublicKey` (variant byte, then the key), `falcon_key` the 1793-byte
/// FALCON-1024 public key.
pub fn message(
	genesis_hash: &[u8],
	account: &[u8],
	classical_key_scale: &[u8],
	falcon_key: &[u8],
) -> Vec<u8> {
	let mut out = Vec::with_capacity(
		DOMAIN.len()
			+ genesis_hash.len()
			+ account.len()
			+ classical_key_scale.len()
			+ falcon_key.len(),
	);
	out.extend_from_slice(DOMAIN);
	out.extend_from_slice(genesis_hash);
	out.extend_from_slice(account);
	out.extend_from_slice(classical_key_scale);
	out.extend_from_slice(falcon_key);
	out
}
