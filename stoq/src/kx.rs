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
const X25519_LEN: usize = 32;

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
	fn start_and_complete(&self, client_share: &[u8]) -> Result<CompletedKeyExchange, Error> {
		if client_share.len() != MLKEM1024_EK_LEN + X25519_LEN {
			return Err(bad_share());
		}
		let (ek_bytes, x_bytes) = client_share.split_at(MLKEM1024_EK_LEN);
		let ek_arr = ml_kem::Encoded::<EncapKey>::try_from(ek_bytes).map_err(|_| bad_share())?;
		let ek = EncapKey::from_bytes(&ek_arr);
		let (ct, kem_ss) = ek
			.encapsulate(&mut OsRng)
			.map_err(|_| Error::General("ML-KEM-1024 encapsulation failed".into()))?;
		let peer_x: [u8; 32] = x_bytes.try_into().map_err(|_| bad_share())?;
		let x_secret = x25519_dalek::EphemeralSecret::random_from_rng(OsRng);
		let x_public = x25519_dalek::PublicKey::from(&x_secret);
		let x_ss = x_secret.diffie_hellman(&x25519_dalek::PublicKey::from(peer_x));
		if !x_ss.was_contributory() {
			return Err(bad_share());
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
}
