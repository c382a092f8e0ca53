//! Whom the STOQ endpoint trusts, from the chain: the chain's certificate authorities as
//! trust anchors, the chain as revocation oracle, and the holder's installed certificate
//! and keys as the endpoint's identity. The service rebuilds this configuration when its
//! sources change.

use std::{path::PathBuf, sync::Arc};

use hypermesh_pki::NodeIdentity;
use hypermesh_primitives::{ct, x509::HybridCertificate};
use pallet_trustchain::CertificateStatus;
use pallet_trustchain_runtime_api::{CertificateDetails, TrustChainApi};
use stoq::{
	config::StoqConfig,
	verify::{Anchor, HybridTrust, Leaf, LeafStatus, RevocationOracle},
};

use super::{
	metrics::{HandshakeOutcome, Refusal, StoqMetrics},
	StoqService, StoqServiceError,
};
use crate::{
	encoding::hex,
	files::{self, FileError},
	keys,
	services::{ServiceClient, ServiceError, ServicePool},
};

/// The chain as a revocation oracle. A leaf is good only if its issuing authority logged
/// exactly these bytes (the RFC 9162 leaf hash of the presented DER equals the logged
/// certificate's) under its serial, and that certificate is valid now: a leaf with a serial
/// the authority never used is not logged, one reusing a logged serial with other content
/// (names, keys) is not the logged certificate, and a revoked, expired or not yet valid one
/// is revoked. Without the byte comparison, anyone holding a CA key could sign certificates
/// that skip the CT log by reusing the serial of a live logged one.
///
/// The verifier names the trust anchor whose keys verified the leaf, so the chain is asked
/// about the authority that issued it, even when two authorities' CA certificates have one
/// subject name.
///
/// Every refusal is counted in `hypermesh_stoq_handshakes_total{result="refused"}` with its
/// reason; a failed chain lookup refuses (fail closed) as `chain_unavailable`.
struct ChainRevocation<C> {
	client: Arc<C>,
	/// Authority ids, in the order of the trust anchors ([`Anchor::index`]).
	authorities: Vec<u32>,
	/// Where refusals are counted.
	metrics: StoqMetrics,
}

impl<C> std::fmt::Debug for ChainRevocation<C> {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("ChainRevocation")
			.field("authorities", &self.authorities.len())
			.finish()
	}
}

/// The big-endian value of a DER INTEGER's content octets (the chain keys serials by
/// their content octets, the certificate may carry a leading zero).
fn serial_value(serial: &[u8]) -> &[u8] {
	let zeros = serial.iter().take_while(|b| **b == 0).count();
	&serial[zeros..]
}

/// What the chain's record of the certificate logged under a leaf's serial says about the
/// presented leaf: `authority` is the authority whose anchor verified the leaf.
fn logged_status<A, B>(
	leaf: &Leaf<'_>,
	authority: u32,
	logged: &CertificateDetails<A, B>,
) -> LeafStatus {
	let same_record = logged.issued.as_ref().is_none_or(|issued| {
		issued.authority == authority && serial_value(&issued.serial) == serial_value(leaf.serial)
	});
	if logged.authority != authority
		|| !same_record
		|| logged.leaf_hash != ct::leaf_hash(leaf.der)
		|| logged.der != leaf.der
	{
		return LeafStatus::NotTheLoggedCertificate;
	}
	match logged.status {
		CertificateStatus::Valid => LeafStatus::Good,
		_ => LeafStatus::Revoked,
	}
}

impl<C: ServiceClient> RevocationOracle for ChainRevocation<C> {
	fn status(&self, anchor: Anchor<'_>, leaf: Leaf<'_>) -> LeafStatus {
		let (status, refusal) = match self.verdict(anchor, leaf) {
			Ok(status) => (status, HandshakeOutcome::of_leaf_status(status)),
			Err(e) => {
				// Fail closed: the chain's answer is unknown.
				log::warn!(target: "stoq", "peer certificate refused: chain lookup failed: {e}");
				(
					LeafStatus::Revoked,
					Some(HandshakeOutcome::Refused(Refusal::ChainUnavailable)),
				)
			}
		};
		if let Some(refusal) = refusal {
			self.metrics.handshake(refusal);
		}
		status
	}
}

impl<C: ServiceClient> ChainRevocation<C> {
	/// What the chain says about `leaf`, or why it could not be asked.
	fn verdict(&self, anchor: Anchor<'_>, leaf: Leaf<'_>) -> Result<LeafStatus, sp_api::ApiError> {
		// An anchor that is no chain authority has logged nothing.
		let Some(&authority) = self.authorities.get(anchor.index) else {
			return Ok(LeafStatus::NotLogged);
		};
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		// The chain keys serials by their DER content octets; the verifier hands over the
		// certificate's, so try them and the form without (or with) a leading zero.
		let value = serial_value(leaf.serial);
		let lookup = |serial: Vec<u8>| api.certificate_by_serial(best, authority, serial);
		let id = match lookup(value.to_vec()).and_then(|id| match id {
			Some(id) => Ok(Some(id)),
			None => lookup([&[0u8][..], value].concat()),
		})? {
			Some(id) => id,
			None => {
				log::debug!(
					target: "stoq",
					"peer certificate refused: NotLogged (authority {authority} logged no certificate with serial {})",
					hex(value)
				);
				return Ok(LeafStatus::NotLogged);
			}
		};
		let Some(logged) = api.certificate(best, id)? else {
			return Ok(LeafStatus::NotLogged);
		};
		let status = logged_status(&leaf, authority, &logged);
		if status != LeafStatus::Good {
			log::debug!(
				target: "stoq",
				"peer certificate refused: {status:?} (authority {authority}, serial {}, logged certificate {id}, leaf hash {} presented, {} logged)",
				hex(value),
				hex(&ct::leaf_hash(leaf.der)),
				hex(&logged.leaf_hash),
			);
		}
		Ok(status)
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
			metrics: self.metrics.clone(),
		});
		let trust = HybridTrust::new(&anchors, revocation).map_err(StoqServiceError::Endpoint)?;
		Ok(StoqConfig::new(
			self.params.stoq_policy,
			identity,
			Arc::new(trust),
		))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use hypermesh_pki::{HybridCa, LeafSpec};

	/// The chain's record of `der`, logged by authority 0 and valid.
	fn logged(der: &[u8]) -> CertificateDetails<u64, u32> {
		CertificateDetails {
			der: der.to_vec(),
			authority: 0,
			chain: Vec::new(),
			logged_at: 1,
			leaf_hash: ct::leaf_hash(der),
			issued: None,
			status: CertificateStatus::Valid,
		}
	}

	fn leaf<'a>(der: &'a [u8], serial: &'a [u8]) -> Leaf<'a> {
		Leaf { der, serial }
	}

	/// Only the logged bytes pass: a certificate signed by the same CA key with the
	/// logged serial but another name or key is not the logged certificate, whatever the
	/// logged one's status; the logged one passes while valid and is refused once expired.
	#[test]
	fn only_the_logged_bytes_pass() {
		let ca = HybridCa::generate("chain ca").unwrap();
		let issue = |name: &str| {
			let identity = ca.issue_leaf(&LeafSpec::node(name, 0x80_01, 1)).unwrap();
			identity.leaf().to_vec()
		};
		let (original, impostor) = (issue("node-b.hypermesh"), issue("node-b.hypermesh"));
		let renamed = issue("impostor.hypermesh");
		let serial = HybridCertificate::parse(&original).unwrap().serial;
		assert_eq!(HybridCertificate::parse(&renamed).unwrap().serial, serial);
		let record = logged(&original);
		assert_eq!(
			logged_status(&leaf(&original, &serial), 0, &record),
			LeafStatus::Good
		);
		// Same serial, same name, other keys; and same serial, other name.
		for other in [&impostor, &renamed] {
			assert_eq!(
				logged_status(&leaf(other, &serial), 0, &record),
				LeafStatus::NotTheLoggedCertificate
			);
		}
		// The record of another authority.
		assert_eq!(
			logged_status(&leaf(&original, &serial), 1, &record),
			LeafStatus::NotTheLoggedCertificate
		);
		let expired = CertificateDetails {
			status: CertificateStatus::Expired,
			..record.clone()
		};
		assert_eq!(
			logged_status(&leaf(&original, &serial), 0, &expired),
			LeafStatus::Revoked
		);
		assert_eq!(
			logged_status(&leaf(&renamed, &serial), 0, &expired),
			LeafStatus::NotTheLoggedCertificate
		);
	}

	#[test]
	fn serial_values_ignore_leading_zeros() {
		assert_eq!(serial_value(&[0, 0x80, 1]), [0x80, 1]);
		assert_eq!(serial_value(&[5]), [5]);
		assert_eq!(serial_value(&[]), [] as [u8; 0]);
	}
}
