//! The certificate holder service: keeps this node's own TrustChain certificate valid,
//! rotating its keys before the certificate expires.
//!
//! Started with `--trustchain-holder-dir <DIR> --trustchain-holder-names <name,...>`, with
//! the holder account's sr25519 key in the keystore under key type `tchd` (or, on
//! development chains, `--trustchain-holder-suri`). On every finalized block it:
//!
//! 1. installs a newly issued certificate: when a certificate issued to the holder carries
//!    the public key of the key set waiting in `DIR/next/`, it writes the certificate
//!    (`cert.der`, `cert.pem`, `chain.pem` with the CA certificates, issuer first, and its
//!    id in `cert.id`) into that key set's directory and makes it the current one by
//!    replacing the `DIR/current` link in one rename; `DIR/cert.der` and the other
//!    certificate files are links into `DIR/current/`, so keys and certificate always
//!    change together, even across a crash (see [`store`]);
//! 2. waits while a request of the holder is pending;
//! 3. registers the names the holder does not own yet (if nobody else holds them);
//! 4. when there is no valid certificate, the current one ends within
//!    `--trustchain-renew-before` seconds, or its FALCON alternative signature does not
//!    verify under the X.509 (2019) preTBSCertificate rule (a certificate issued before
//!    runtime 106, which STOQ peers now refuse), makes a new key set in `DIR/next/` (so every
//!    renewal rotates the keys), proves possession of it, and requests a certificate for
//!    the names that renews the current one (which the chain then revokes as `Superseded`).
//!
//! Private keys never leave `DIR`; its directories are 0700 and the keys 0600.

mod store;

use std::{path::PathBuf, sync::Arc};

use hypermesh_primitives::x509::{HybridCertificate, SubjectKey, X509Error};
use hypermesh_runtime::{AccountId, BlockNumber, RuntimeCall};
use pallet_trustchain::Revocation;
use pallet_trustchain_runtime_api::TrustChainApi;
use sp_core::crypto::KeyTypeId;
use sp_keystore::KeystorePtr;

use self::store::{HolderStore, Installing, StoreError};
use prometheus_endpoint::{Counter, Gauge, PrometheusError, Registry, I64, U64};

use super::{
	metrics, BlockHash, FinalityService, ServiceClient, ServiceError, ServicePool, Submitter,
};
use crate::keys;

/// The keystore key type of the certificate holder's account (sr25519).
pub const HOLDER_KEY_TYPE: KeyTypeId = KeyTypeId(*b"tchd");

/// After how many finalized blocks without effect a submission is repeated.
const RESUBMIT_AFTER_BLOCKS: BlockNumber = 10;

/// Command-line options of the holder service.
#[derive(Debug, Clone, clap::Args)]
pub struct HolderParams {
	/// Keep this node's own TrustChain certificate (and its keys) in this directory,
	/// renewing it with new keys before it expires.
	#[arg(long, value_name = "DIR")]
	pub trustchain_holder_dir: Option<PathBuf>,

	/// The names (`node1.hypermesh`, comma-separated) the holder's certificate is for; the
	/// holder registers those it does not own yet.
	#[arg(long, value_name = "NAMES", value_delimiter = ',')]
	pub trustchain_holder_names: Vec<String>,

	/// Development only: put this secret URI into the keystore as the holder key (`tchd`).
	#[arg(long, value_name = "SURI")]
	pub trustchain_holder_suri: Option<String>,

	/// Renew when the certificate ends within this many seconds.
	#[arg(long, value_name = "SECONDS", default_value_t = 8 * 60 * 60)]
	pub trustchain_renew_before: u64,
}

/// The holder service's own failures.
#[derive(Debug, thiserror::Error)]
pub enum HolderError {
	/// `--trustchain-holder-names` is empty.
	#[error("--trustchain-holder-names names no name")]
	NoNames,
	/// A holder name is not a host name.
	#[error("`{0}` is not a lowercase host name")]
	NotHostName(String),
	/// A certificate on chain does not parse.
	#[error("certificate {id}: {error:?}")]
	Certificate {
		/// The certificate's id.
		id: u64,
		/// Why it does not parse.
		error: X509Error,
	},
	/// Someone else owns one of the names.
	#[error("{name} belongs to {owner}")]
	NameTaken {
		/// The name.
		name: String,
		/// Its owner.
		owner: AccountId,
	},
	/// A name is longer than the chain accepts.
	#[error("{0} is too long")]
	NameTooLong(String),
	/// More names than a certificate may have.
	#[error("more names than a certificate may have")]
	TooManyNames,
	/// The FALCON public key has the wrong length for the chain.
	#[error("bad FALCON key length")]
	FalconKeyLength,
	/// The classical proof has the wrong length for the chain.
	#[error("bad classical proof length")]
	ClassicalProofLength,
	/// The FALCON proof has the wrong length for the chain.
	#[error("bad FALCON proof length")]
	FalconProofLength,
	/// The system clock is before 1970.
	#[error("{0}")]
	Clock(std::time::SystemTimeError),
	/// The holder's directory cannot be set up, or a certificate cannot be installed.
	#[error(transparent)]
	Store(#[from] StoreError),
}

/// The host names a holder's certificate is for.
pub type HostNames = Vec<String>;

/// The holder's names from its options, checked as host names.
pub fn checked_names(params: &HolderParams) -> Result<HostNames, HolderError> {
	params
		.trustchain_holder_names
		.iter()
		.map(|name| {
			let name = name.trim().to_string();
			if pallet_trustchain::dns::is_hostname(name.as_bytes()) {
				Ok(name)
			} else {
				Err(HolderError::NotHostName(name))
			}
		})
		.collect()
}

/// A name as the chain stores it.
fn bounded_name<T: TryFrom<Vec<u8>>>(name: &str) -> Result<T, HolderError> {
	name.as_bytes()
		.to_vec()
		.try_into()
		.map_err(|_| HolderError::NameTooLong(name.to_string()))
}

/// The holder service's Prometheus metrics.
struct HolderMetrics {
	/// 1 while the holder has an installed, unrevoked certificate on chain, else 0.
	has_certificate: Gauge<I64>,
	/// Seconds until that certificate's notAfter (negative once past).
	expiry: Gauge<I64>,
	/// Certificate requests submitted (first ones and renewals).
	requests: Counter<U64>,
	/// Certificates installed.
	installed: Counter<U64>,
	/// Certificates installed in place of an earlier one.
	renewals: Counter<U64>,
}

impl HolderMetrics {
	fn register(registry: Option<&Registry>) -> Result<Self, PrometheusError> {
		Ok(Self {
			has_certificate: metrics::gauge(
				registry,
				"hypermesh_holder_has_certificate",
				"1 while the certificate holder has an installed, unrevoked certificate on chain",
			)?,
			expiry: metrics::gauge(
				registry,
				"hypermesh_holder_certificate_expiry_seconds",
				"Seconds until the holder's installed certificate expires (notAfter; negative once past)",
			)?,
			requests: metrics::counter(
				registry,
				"hypermesh_holder_requests_total",
				"Certificate requests the holder submitted (first certificates and renewals)",
			)?,
			installed: metrics::counter(
				registry,
				"hypermesh_holder_certificates_installed_total",
				"Certificates the holder installed",
			)?,
			renewals: metrics::counter(
				registry,
				"hypermesh_holder_renewals_total",
				"Certificates the holder installed in place of an earlier one",
			)?,
		})
	}
}

/// The holder service (see the module docs).
pub struct HolderService<C, P> {
	client: Arc<C>,
	submitter: Submitter<C, P>,
	store: HolderStore,
	names: Vec<String>,
	renew_before: u64,
	last_submission: Option<BlockNumber>,
	metrics: HolderMetrics,
}

impl<C: ServiceClient, P: ServicePool> HolderService<C, P> {
	/// A holder service keeping a certificate for `names` in `dir` (created, or converted
	/// from the earlier layout, and recovered from an interrupted installation).
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		dir: PathBuf,
		names: HostNames,
		renew_before: u64,
		registry: Option<&Registry>,
	) -> Result<Self, ServiceError> {
		if names.is_empty() {
			return Err(HolderError::NoNames.into());
		}
		let store = HolderStore::open(&dir).map_err(HolderError::Store)?;
		Ok(Self {
			submitter: Submitter::new(client.clone(), pool, keystore, HOLDER_KEY_TYPE),
			client,
			store,
			names,
			renew_before,
			last_submission: None,
			metrics: HolderMetrics::register(registry)?,
		})
	}

	/// Whether certificate `id`'s FALCON alternative signature verifies, with its
	/// authority's key, under the preTBSCertificate rule this node and STOQ apply. A
	/// certificate issued before runtime 106 (whose signed bytes kept the `signature`
	/// field) does not, and STOQ peers would refuse it: the holder renews it at once.
	fn alt_signature_verifies(
		&self,
		at: BlockHash,
		id: u64,
		authority: pallet_trustchain::AuthorityId,
	) -> Result<bool, ServiceError> {
		let api = self.client.runtime_api();
		let Some(details) = api.certificate(at, id)? else {
			return Ok(false);
		};
		let Some((_, _, falcon_key)) = api
			.certificate_authorities(at)?
			.into_iter()
			.find(|(authority_id, _, _)| *authority_id == authority)
		else {
			return Ok(false);
		};
		let cert = HybridCertificate::parse(&details.der)
			.map_err(|error| HolderError::Certificate { id, error })?;
		Ok(cert.verify_alt_signature(&falcon_key).is_ok())
	}

	/// Sets the expiry metrics from the installed certificate among `certificates` (ours,
	/// as the chain lists them).
	fn observe_expiry(
		&self,
		certificates: &[(
			u64,
			pallet_trustchain::IssuedCertificate<AccountId, BlockNumber>,
		)],
	) {
		let current = self.store.current_id().and_then(|id| {
			certificates
				.iter()
				.find(|(cid, issued)| *cid == id && issued.revocation == Revocation::NotRevoked)
		});
		match (current, metrics::unix_now()) {
			(Some((_, issued)), Some(now)) => {
				self.metrics.has_certificate.set(1);
				self.metrics
					.expiry
					.set(metrics::seconds_until(issued.not_after, now));
			}
			_ => self.metrics.has_certificate.set(0),
		}
	}

	/// Installs certificate `id` with the waiting key set (see [`store`]).
	fn install(&mut self, id: u64, der: &[u8], chain: &[Vec<u8>]) -> Result<(), ServiceError> {
		let renews = self.store.current_id().is_some();
		self.store
			.install(&Installing { id, der, chain })
			.map_err(HolderError::Store)?;
		self.last_submission = None;
		self.metrics.installed.inc();
		if renews {
			self.metrics.renewals.inc();
		}
		log::info!(target: "trustchain", "installed certificate {id} for {}", self.names.join(", "));
		Ok(())
	}
}

impl<C: ServiceClient, P: ServicePool> FinalityService for HolderService<C, P> {
	const TASK: &'static str = "trustchain-holder";
	const GROUP: &'static str = "trustchain";
	const LOG_TARGET: &'static str = "trustchain";
	const NAME: &'static str = "certificate holder";

	fn started(&mut self) {
		log::info!(
			target: "trustchain",
			"certificate holder for {} started ({})",
			self.names.join(", "),
			match self.submitter.account() {
				Some(account) => format!("holder {account}"),
				None => "no holder key (`tchd`) in the keystore: nothing will be requested".into(),
			}
		);
	}

	async fn on_finalized(
		&mut self,
		finalized: BlockHash,
		number: BlockNumber,
	) -> Result<(), ServiceError> {
		let Some(me) = self.submitter.account() else {
			return Ok(());
		};
		let api = self.client.runtime_api();
		let certificates = api.certificates_of(finalized, me.clone(), u32::MAX)?;
		let next_dir = self.store.next_dir();
		self.observe_expiry(&certificates);

		// 1. Install a certificate issued for the waiting key set.
		if next_dir.join("p256.key.der").exists() {
			let next_key = keys::requester_classical_key(&next_dir)?;
			for (id, issued) in certificates.iter().rev() {
				if issued.revocation != Revocation::NotRevoked {
					continue;
				}
				let Some(details) = api.certificate(finalized, *id)? else {
					continue;
				};
				let cert = HybridCertificate::parse(&details.der)
					.map_err(|error| HolderError::Certificate { id: *id, error })?;
				if cert.subject_key != SubjectKey::EcdsaP256(next_key.clone()) {
					continue;
				}
				self.install(*id, &details.der, &details.chain)?;
				self.observe_expiry(&certificates);
				return Ok(());
			}
		}

		// 2. Wait for a pending request of ours.
		let pending = api.pending_requests(finalized, u32::MAX)?;
		if pending.iter().any(|(_, request)| request.requester == me) {
			return Ok(());
		}
		if self
			.last_submission
			.is_some_and(|at| number.saturating_sub(at) < RESUBMIT_AFTER_BLOCKS)
		{
			return Ok(());
		}

		// 3. Own the names.
		let mut registering = false;
		for name in &self.names {
			match api.resolve(finalized, name.clone().into_bytes())? {
				Some(resolution) if resolution.owner == me => {}
				Some(resolution) => {
					return Err(HolderError::NameTaken {
						name: name.clone(),
						owner: resolution.owner,
					}
					.into());
				}
				None => {
					let call = RuntimeCall::TrustChain(pallet_trustchain::Call::register_name {
						name: bounded_name(name)?,
					});
					self.submitter.submit(call).await?;
					log::info!(target: "trustchain", "registering {name}");
					registering = true;
				}
			}
		}
		if registering {
			self.last_submission = Some(number);
			return Ok(());
		}

		// 4. Renew (with new keys) when needed.
		let now = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map_err(HolderError::Clock)?
			.as_secs();
		let current = self.store.current_id().and_then(|id| {
			certificates
				.iter()
				.find(|(cid, issued)| *cid == id && issued.revocation == Revocation::NotRevoked)
				.cloned()
		});
		if let Some((id, issued)) = &current {
			let signed_as_now = self.alt_signature_verifies(finalized, *id, issued.authority)?;
			if !signed_as_now {
				log::info!(
					target: "trustchain",
					"certificate {id}'s FALCON alternative signature does not verify under the \
					 X.509 (2019) preTBSCertificate rule (issued before runtime 106): renewing"
				);
			} else if now < issued.not_after.saturating_sub(self.renew_before) {
				return Ok(());
			}
		}
		if !next_dir.join("p256.key.der").exists() {
			// A key set is complete once `p256.key.der` (written last) exists: remove what a
			// crash in the middle of writing one left.
			self.store.discard_next().map_err(HolderError::Store)?;
			keys::write_requester_keys(&next_dir)?;
		}
		let genesis = self.client.info().genesis_hash;
		let proofs = keys::proofs_of_possession(&next_dir, &me, genesis.as_ref())?;
		let call = RuntimeCall::TrustChain(pallet_trustchain::Call::request_certificate {
			names: self
				.names
				.iter()
				.map(|n| bounded_name(n))
				.collect::<Result<Vec<_>, _>>()?
				.try_into()
				.map_err(|_| HolderError::TooManyNames)?,
			classical_public_key: proofs.classical_public_key,
			falcon_public_key: proofs
				.falcon_public_key
				.try_into()
				.map_err(|_| HolderError::FalconKeyLength)?,
			classical_proof: proofs
				.classical_proof
				.try_into()
				.map_err(|_| HolderError::ClassicalProofLength)?,
			falcon_proof: proofs
				.falcon_proof
				.try_into()
				.map_err(|_| HolderError::FalconProofLength)?,
			renews: current.as_ref().map(|(id, _)| *id),
		});
		self.submitter.submit(call).await?;
		self.last_submission = Some(number);
		self.metrics.requests.inc();
		log::info!(
			target: "trustchain",
			"requested a certificate for {} with new keys{}",
			self.names.join(", "),
			current.map(|(id, _)| format!(" (renews {id})")).unwrap_or_default()
		);
		Ok(())
	}
}
