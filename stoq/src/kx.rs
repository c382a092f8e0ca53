//! The hybrid X25519 + ML-KEM-1024 key-exchange group and the rustls crypto
//! providers built on it.
//!
//! rustls's `ring` provider has no post-quantum group, so this module adds one as
//! a custom [`SupportedKxGroup`]. The construction follows
//! draft-ietf-tls-ecdhe-mlkem (the `X25519MLKEM768` layout, with ML-KEM-1024
//! in place of ML-KEM-768):
//!
//! * client key share: `ML-KEM-1024 encapsulation key (1568 B) || X25519 public key (32 B)`
//! * server key share: `ML-KEM-1024 ciphertext (1568 B) || X25519 public key (32 B)`
//! * shared secret:    `ML-KEM-1024 shared secret (32 B) || X25519 shared secret (32 B)`
//!
//! The draft defines no codepoint for X25519+ML-KEM-1024, so the group uses
//! [`X25519_MLKEM1024_CODEPOINT`] = `0xFE01`, from the TLS NamedGroup private-use
//! range (0xFE00-0xFEFF, "ecdhe_private_use"). It is only usable with TLS 1.3.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use kem::{Decapsulate, Encapsulate};
use ml_kem::{EncodedSizeUser, KemCore, MlKem1024};
use rand_core::OsRng;
use rustls::crypto::{
	ActiveKeyExchange, CompletedKeyExchange, CryptoProvider, SharedSecret, SupportedKxGroup,
};
use rustls::{Error, NamedGroup, PeerMisbehaved, ProtocolVersion};

use crate::config::PqPolicy;

/// The private-use TLS NamedGroup codepoint of the hybrid group.
pub const X25519_MLKEM1024_CODEPOINT: u16 = 0xFE01;
/// Length of an ML-KEM-1024 encapsulation key.
pub const MLKEM1024_EK_LEN: usize = 1568;
/// Length of an ML-KEM-1024 ciphertext.
pub const MLKEM1024_CT_LEN: usize = 1568;
/// ML-KEM's modulus q (FIPS 203): every coefficient of an encapsulation key is below it.
pub const MLKEM_Q: u16 = 3329;
/// Length of the encoded polynomial vector t̂ at the start of an ML-KEM-1024
/// encapsulation key (k = 4 polynomials of 256 12-bit coefficients; the last 32 bytes
/// are the seed ρ).
const MLKEM1024_T_LEN: usize = 4 * 384;
const X25519_LEN: usize = 32;

/// Why a peer's hybrid key share is refused. rustls reports every one of these to the
/// handshake as `PeerMisbehaved::InvalidKeyShare` (TLS alert `illegal_parameter`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyShareError {
	/// The share is not `expected` bytes long.
	#[error("key share of {got} bytes, expected {expected}")]
	Length {
		/// Bytes received.
		got: usize,
		/// Bytes required.
		expected: usize,
	},
	/// FIPS 203 §7.2's modulus check failed: a 12-bit coefficient of the encapsulation
	/// key is not below q = 3329, so `ByteEncode12(ByteDecode12(ek)) != ek`.
	#[error(
		"ML-KEM-1024 encapsulation key fails the modulus check: coefficient {index} is {value} (must be < 3329)"
	)]
	Modulus {
		/// Position of the first offending coefficient (0..1024).
		index: usize,
		/// Its value (3329..=4095).
		value: u16,
	},
	/// The X25519 exchange gave the all-zero secret (a small-order public key).
	#[error("X25519 public key of small order (non-contributory shared secret)")]
	X25519NonContributory,
}

impl From<KeyShareError> for Error {
	fn from(_: KeyShareError) -> Self {
		bad_share()
	}
}

/// FIPS 203 §7.2 encapsulation-key check ("modulus check") of an ML-KEM-1024 key:
/// the key is 1568 bytes, and every 12-bit coefficient of its first 1536 bytes (three
/// bytes hold two coefficients, little-endian) is below q = 3329. `ml-kem` 0.2 does not
/// perform this check when it decodes a key, so STOQ does it before encapsulating.
pub fn check_encapsulation_key(ek: &[u8]) -> Result<(), KeyShareError> {
	if ek.len() != MLKEM1024_EK_LEN {
		return Err(KeyShareError::Length {
			got: ek.len(),
			expected: MLKEM1024_EK_LEN,
		});
	}
	for (i, b) in ek[..MLKEM1024_T_LEN].chunks_exact(3).enumerate() {
		let (b0, b1, b2) = (u16::from(b[0]), u16::from(b[1]), u16::from(b[2]));
		let pair = [b0 | ((b1 & 0x0f) << 8), (b1 >> 4) | (b2 << 4)];
		for (j, value) in pair.into_iter().enumerate() {
			if value >= MLKEM_Q {
				return Err(KeyShareError::Modulus {
					index: 2 * i + j,
					value,
				});
			}
		}
	}
	Ok(())
}

/// Checks a client's hybrid key share (`ek || X25519 public key`) and splits it.
fn parse_client_share(share: &[u8]) -> Result<(&[u8], [u8; X25519_LEN]), KeyShareError> {
	let expected = MLKEM1024_EK_LEN + X25519_LEN;
	if share.len() != expected {
		return Err(KeyShareError::Length {
			got: share.len(),
			expected,
		});
	}
	let (ek, x) = share.split_at(MLKEM1024_EK_LEN);
	check_encapsulation_key(ek)?;
	let mut peer_x = [0u8; X25519_LEN];
	peer_x.copy_from_slice(x);
	Ok((ek, peer_x))
}

static HYBRID_COMPLETIONS: AtomicU64 = AtomicU64::new(0);

/// How many hybrid key exchanges this process has completed (client and server
/// sides together). quinn does not expose the negotiated group, so tests and the
/// bench use this counter as proof that the hybrid group was really used.
pub fn hybrid_completions() -> u64 {
	HYBRID_COMPLETIONS.load(Ordering::SeqCst)
}

type DecapKey = <MlKem1024 as KemCore>::DecapsulationKey;
type EncapKey = <MlKem1024 as KemCore>::EncapsulationKey;

/// The hybrid X25519 + ML-KEM-1024 key-exchange group.
#[derive(Debug)]
pub struct X25519MlKem1024;

/// The hybrid group as a rustls `&'static dyn SupportedKxGroup`.
pub static X25519_MLKEM1024: &dyn SupportedKxGroup = &X25519MlKem1024;

fn bad_share() -> Error {
	Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare)
}

impl SupportedKxGroup for X25519MlKem1024 {
	/// Client side: generate an ML-KEM-1024 key pair and an X25519 key pair.
	fn start(&self) -> Result<Box<dyn ActiveKeyExchange>, Error> {
		let (dk, ek) = MlKem1024::generate(&mut OsRng);
		let x_secret = x25519_dalek::EphemeralSecret::random_from_rng(OsRng);
		let x_public = x25519_dalek::PublicKey::from(&x_secret);
		let mut pub_key = Vec::with_capacity(MLKEM1024_EK_LEN + X25519_LEN);
		pub_key.extend_from_slice(&ek.as_bytes());
		pub_key.extend_from_slice(x_public.as_bytes());
		Ok(Box::new(ActiveHybrid {
			dk,
			x_secret,
			pub_key,
		}))
	}

	/// Server side: encapsulate to the client's ML-KEM key and do X25519.
	/// The client's share is refused ([`KeyShareError`], reported by rustls as
	/// `InvalidKeyShare`) when its length is wrong or its ML-KEM key fails FIPS 203's
	/// modulus check ([`check_encapsulation_key`]).
	fn start_and_complete(&self, client_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
		let (ek_bytes, peer_x) = parse_client_share(client_share)?;
		let ek_arr = ml_kem::Encoded::<EncapKey>::try_from(ek_bytes).map_err(|_| bad_share())?;
		let ek = EncapKey::from_bytes(&ek_arr);
		let (ct, kem_ss) = ek
			.encapsulate(&mut OsRng)
			.map_err(|_| Error::General("ML-KEM-1024 encapsulation failed".into()))?;
		let x_secret = x25519_dalek::EphemeralSecret::random_from_rng(OsRng);
		let x_public = x25519_dalek::PublicKey::from(&x_secret);
		let x_ss = x_secret.diffie_hellman(&x25519_dalek::PublicKey::from(peer_x));
		if !x_ss.was_contributory() {
			return Err(KeyShareError::X25519NonContributory.into());
		}
		let mut pub_key = Vec::with_capacity(MLKEM1024_CT_LEN + X25519_LEN);
		pub_key.extend_from_slice(&ct);
		pub_key.extend_from_slice(x_public.as_bytes());
		let mut secret = Vec::with_capacity(64);
		secret.extend_from_slice(&kem_ss);
		secret.extend_from_slice(x_ss.as_bytes());
		HYBRID_COMPLETIONS.fetch_add(1, Ordering::SeqCst);
		Ok(CompletedKeyExchange {
			group: self.name(),
			pub_key,
			secret: SharedSecret::from(secret),
		})
	}

	fn name(&self) -> NamedGroup {
		NamedGroup::Unknown(X25519_MLKEM1024_CODEPOINT)
	}

	fn usable_for_version(&self, version: ProtocolVersion) -> bool {
		version == ProtocolVersion::TLSv1_3
	}
}

struct ActiveHybrid {
	dk: DecapKey,
	x_secret: x25519_dalek::EphemeralSecret,
	pub_key: Vec<u8>,
}

impl ActiveKeyExchange for ActiveHybrid {
	fn complete(self: Box<Self>, server_share: &[u8]) -> Result<SharedSecret, Error> {
		if server_share.len() != MLKEM1024_CT_LEN + X25519_LEN {
			return Err(bad_share());
		}
		let (ct_bytes, x_bytes) = server_share.split_at(MLKEM1024_CT_LEN);
		let ct = ml_kem::Ciphertext::<MlKem1024>::try_from(ct_bytes).map_err(|_| bad_share())?;
		let kem_ss = self
			.dk
			.decapsulate(&ct)
			.map_err(|_| Error::General("ML-KEM-1024 decapsulation failed".into()))?;
		let peer_x: [u8; 32] = x_bytes.try_into().map_err(|_| bad_share())?;
		let x_ss = self
			.x_secret
			.diffie_hellman(&x25519_dalek::PublicKey::from(peer_x));
		if !x_ss.was_contributory() {
			return Err(bad_share());
		}
		let mut secret = Vec::with_capacity(64);
		secret.extend_from_slice(&kem_ss);
		secret.extend_from_slice(x_ss.as_bytes());
		HYBRID_COMPLETIONS.fetch_add(1, Ordering::SeqCst);
		Ok(SharedSecret::from(secret))
	}

	fn pub_key(&self) -> &[u8] {
		&self.pub_key
	}

	fn group(&self) -> NamedGroup {
		NamedGroup::Unknown(X25519_MLKEM1024_CODEPOINT)
	}
}

/// A rustls crypto provider: rustls's `ring` provider with the key-exchange
/// groups chosen by `policy` (see [`PqPolicy`]).
pub fn provider(policy: PqPolicy) -> Arc<CryptoProvider> {
	let mut p = rustls::crypto::ring::default_provider();
	let mut groups: Vec<&'static dyn SupportedKxGroup> = vec![X25519_MLKEM1024];
	if policy == PqPolicy::Preferred {
		groups.extend(p.kx_groups.iter().copied());
	}
	p.kx_groups = groups;
	Arc::new(p)
}

/// rustls's stock `ring` provider (classical groups only), used for the plain
/// quinn / TLS-over-TCP baselines and to play a classical-only peer in tests.
pub fn classical_provider() -> Arc<CryptoProvider> {
	Arc::new(rustls::crypto::ring::default_provider())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn hybrid_shared_secrets_agree() {
		let client = X25519MlKem1024.start().unwrap();
		let share = client.pub_key().to_vec();
		assert_eq!(share.len(), 1600);
		let server = X25519MlKem1024.start_and_complete(&share).unwrap();
		assert_eq!(server.pub_key.len(), 1600);
		let client_secret = client.complete(&server.pub_key).unwrap();
		assert_eq!(client_secret.secret_bytes(), server.secret.secret_bytes());
		assert_eq!(client_secret.secret_bytes().len(), 64);
	}

	#[test]
	fn malformed_shares_are_rejected() {
		assert!(X25519MlKem1024.start_and_complete(&[0u8; 10]).is_err());
		let client = X25519MlKem1024.start().unwrap();
		assert!(client.complete(&[0u8; 1599]).is_err());
	}

	/// A genuine client share with coefficient `index` of its ML-KEM key set to `value`.
	fn share_with_coefficient(index: usize, value: u16) -> Vec<u8> {
		let mut share = X25519MlKem1024.start().unwrap().pub_key().to_vec();
		let (i, b) = (index / 2 * 3, &mut share);
		if index % 2 == 0 {
			b[i] = value as u8;
			b[i + 1] = (b[i + 1] & 0xf0) | (value >> 8) as u8;
		} else {
			b[i + 1] = (b[i + 1] & 0x0f) | ((value & 0x0f) << 4) as u8;
			b[i + 2] = (value >> 4) as u8;
		}
		share
	}

	#[test]
	fn encapsulation_key_modulus_check() {
		// Genuine keys pass; so do keys whose coefficients are at q - 1.
		let good = share_with_coefficient(0, MLKEM_Q - 1);
		assert_eq!(check_encapsulation_key(&good[..MLKEM1024_EK_LEN]), Ok(()));
		assert!(X25519MlKem1024.start_and_complete(&good).is_ok());
		// q itself and the largest 12-bit value, at even, odd and the last positions.
		for (index, value) in [(0, MLKEM_Q), (1, MLKEM_Q), (517, 4095), (1023, MLKEM_Q + 7)] {
			let bad = share_with_coefficient(index, value);
			assert_eq!(
				check_encapsulation_key(&bad[..MLKEM1024_EK_LEN]),
				Err(KeyShareError::Modulus { index, value }),
				"coefficient {index} = {value}"
			);
			// The server refuses the share as an invalid key share, without encapsulating.
			let before = hybrid_completions();
			match X25519MlKem1024.start_and_complete(&bad) {
				Err(Error::PeerMisbehaved(PeerMisbehaved::InvalidKeyShare)) => {}
				Err(other) => panic!("coefficient {index} = {value}: {other:?}"),
				Ok(_) => panic!("coefficient {index} = {value} accepted"),
			}
			assert_eq!(hybrid_completions(), before);
		}
		// The 32-byte seed ρ at the end of the key is not made of coefficients.
		let mut seed = X25519MlKem1024.start().unwrap().pub_key().to_vec();
		seed[MLKEM1024_EK_LEN - 32..MLKEM1024_EK_LEN].fill(0xff);
		assert_eq!(check_encapsulation_key(&seed[..MLKEM1024_EK_LEN]), Ok(()));
		assert_eq!(
			check_encapsulation_key(&[0u8; 10]),
			Err(KeyShareError::Length {
				got: 10,
				expected: MLKEM1024_EK_LEN
			})
		);
	}
}
