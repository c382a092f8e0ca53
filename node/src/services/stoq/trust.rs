//! Whom the STOQ endpoint trusts, from the chain: the chain's certificate authorities as
//! trust anchors, the chain as revocation oracle, and the holder's installed certificate
//! and keys as the endpoint's identity. The service rebuilds this configuration when its
//! sources change.

use std::{path::PathBuf, sync::Arc};

use hypermesh_pki::NodeIdentity;
use hypermesh_primitives::x509::HybridCertificate;
use pallet_trustchain::CertificateStatus;
use pallet_trustchain_runtime_api::TrustChainApi;
use stoq::{
	config::StoqConfig,
	verify::{Anchor, HybridTrust, RevocationOracle},
};

use super::{StoqService, StoqServiceError};
use crate::{
	files::{self, FileError},
	keys,
	services::{ServiceClient, ServiceError, ServicePool},
};

/// The chain as a revocation oracle: revoked, unknown to the chain, or not valid ⇒ refused.
///
/// The verifier names the trust anchor whose keys verified the leaf, so the chain is asked
/// about the authority that issued it, even when two authorities' CA certificates have one
/// subject name.
struct ChainRevocation<C> {
	client: Arc<C>,
	/// Authority ids, in the order of the trust anchors ([`Anchor::index`]).
	authorities: Vec<u32>,
}

impl<C> std::fmt::Debug for ChainRevocation<C> {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("ChainRevocation")
			.field("authorities", &self.authorities.len())
			.finish()
	}
}

impl<C: ServiceClient> RevocationOracle for ChainRevocation<C> {
	fn is_revoked(&self, anchor: Anchor<'_>, serial: &[u8]) -> bool {
		let Some(authority) = self.authorities.get(anchor.index) else {
			return true;
		};
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		// The chain keys serials by their DER content octets; the verifier strips leading
		// zeros, so try both forms.
		let lookup = |serial: Vec<u8>| {
			api.certificate_by_serial(best, *authority, serial)
				.ok()
				.flatten()
		};
		let id = lookup(serial.to_vec()).or_else(|| lookup([&[0u8][..], serial].concat()));
		match id.and_then(|id| api.status(best, id).ok()) {
			Some(CertificateStatus::Valid) => false,
			_ => true,
		}
	}
}

/// What the endpoint's configuration was made from: the holder's key set (the directory
/// `current` named when it was read) and certificate, and the chain's certificate
/// authorities (id, CA certificate, FALCON key).
#[derive(PartialEq, Eq)]
pub(super) struct LoadedFrom {
	pub(super) key_set: PathBuf,
	pub(super) certificate: Vec<u8>,
	pub(super) authorities: Vec<(u32, Vec<u8>, Vec<u8>)>,
}

impl<C: ServiceClient, P: ServicePool> StoqService<C, P> {
	/// What the endpoint's configuration is made from now: the holder's installed
	/// certificate and the chain's certificate authorities (cheap to compare). The key set
	/// is resolved once, and its certificate and keys are read from it, so a renewal
	/// installed meanwhile cannot pair one key set's keys with another's certificate.
	pub(super) fn current_sources(&self) -> Result<LoadedFrom, ServiceError> {
		let current = self.holder_dir.join("current");
		let key_set =
			std::fs::canonicalize(&current).map_err(|e| FileError::new("read", &current, e))?;
		let certificate = files::read(&key_set.join("cert.der"))?;
		let best = self.client.info().best_hash;
		let authorities = self
			.client
			.runtime_api()
			.certificate_authorities(best)
			.map_err(StoqServiceError::Runtime)?;
		Ok(LoadedFrom {
			key_set,
			certificate,
			authorities,
		})
	}

	/// The endpoint's configuration from `sources` and the holder's current keys.
	pub(super) fn config_from(&self, sources: &LoadedFrom) -> Result<StoqConfig, ServiceError> {
		let read = |path: PathBuf| files::read(&path);
		let identity = NodeIdentity {
			cert_chain: vec![sources.certificate.clone().into()],
			key_pkcs8: keys::read_private_key(&sources.key_set.join("p256.key.der"))?,
			falcon_public: read(sources.key_set.join("falcon.pub"))?,
			falcon_secret: keys::read_private_key(&sources.key_set.join("falcon.key"))?,
		};
		let mut anchors = Vec::new();
		let mut authorities = Vec::new();
		for (id, der, falcon) in &sources.authorities {
			HybridCertificate::parse(der)
				.map_err(|error| StoqServiceError::Authority { id: *id, error })?;
			authorities.push(*id);
			anchors.push((der.clone().into(), falcon.clone()));
		}
		let revocation = Arc::new(ChainRevocation {
			client: self.client.clone(),
			authorities,
		});
		let trust = HybridTrust::new(&anchors, revocation).map_err(StoqServiceError::Endpoint)?;
		Ok(StoqConfig::new(
			self.params.stoq_policy,
			identity,
			Arc::new(trust),
		))
	}
}
