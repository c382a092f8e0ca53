//! The TrustChain CA service an authority's node runs.
//!
//! Started with `--trustchain-ca-dir <DIR> --trustchain-authority <ID>`, it loads the
//! authority's CA (ECDSA P-256 key, FALCON-1024 key pair and CA certificate, from files
//! that never go on chain, see [`crate::keys`]), and on every finalized block asks the
//! runtime for pending certificate requests. For each, it issues a hybrid X.509
//! certificate (the requested names as DNS subjectAltNames, the requester's classical key,
//! its FALCON key in subjectAltPublicKeyInfo, a FALCON-1024 signature by the CA in
//! altSignatureValue, valid for the runtime's `CertificateValidity`) and submits
//! `TrustChain::issue_certificate`, signed by the authority's operator account, whose
//! sr25519 key is in the node's keystore under key type `tcop` (put there with
//! `key insert`, or by `--trustchain-operator-suri` for development chains). The runtime
//! checks everything again.
//!
//! Proofs of possession are checked by the runtime when a request is made; the service
//! trusts the chain for that, and only issues for finalized requests.

use std::{
	collections::{HashMap, HashSet},
	path::PathBuf,
	sync::Arc,
	time::Instant,
};

use hypermesh_primitives::x509::SubjectKey;
use hypermesh_runtime::{AccountId, Balance, BlockNumber, RuntimeCall};
use pallet_trustchain::ClassicalPublicKey;
use pallet_trustchain_runtime_api::TrustChainApi;
use sp_core::crypto::KeyTypeId;
use sp_keystore::KeystorePtr;

use prometheus_endpoint::{
	Counter, CounterVec, Gauge, Histogram, PrometheusError, Registry, I64, U64,
};

use super::{
	metrics, BlockHash, FinalityService, ServiceClient, ServiceError, ServicePool, Submitter,
};
use crate::keys::{self, HybridCa};

/// The keystore key type of TrustChain operator accounts (sr25519).
pub const OPERATOR_KEY_TYPE: KeyTypeId = KeyTypeId(*b"tcop");

/// How many pending requests the service takes per finalized block.
const REQUESTS_PER_BLOCK: u32 = 64;

/// After how many finalized blocks a submitted request that is still pending is retried.
const RETRY_AFTER_BLOCKS: BlockNumber = 10;

/// Command-line options of the CA service (and of a dev/local genesis root).
#[derive(Debug, Clone, clap::Args)]
pub struct CaServiceParams {
	/// Run the TrustChain CA service with the CA in this directory (`ca.name`,
	/// `ca.cert.der`, `ca.key.der`, `ca.falcon.pub`, `ca.falcon.key`, as written by
	/// `hypermesh-node trustchain ca-generate`).
	#[arg(long, value_name = "DIR")]
	pub trustchain_ca_dir: Option<PathBuf>,

	/// The on-chain id of the authority the CA service issues for (default 0).
	#[arg(long, value_name = "ID")]
	pub trustchain_authority: Option<u32>,

	/// Dev and local chains only: put a TrustChain root authority into genesis, with the CA
	/// in this directory (generated there if it has none). Its id is
	/// `--trustchain-authority` (default 0) and its operator the account of
	/// `--trustchain-operator-suri` (default `//Alice`). When starting a node (`--dev`),
	/// so the CA service can issue from the first block; `export-chain-spec` takes the
	/// same options.
	#[arg(long, value_name = "DIR")]
	pub trustchain_genesis_ca: Option<PathBuf>,

	/// Development only: put this secret URI (e.g. `//Alice`) into the keystore as the
	/// operator key (`tcop`) before starting. On a real chain, use `key insert`.
	#[arg(long, value_name = "SURI")]
	pub trustchain_operator_suri: Option<String>,
}

/// The CA service's own failures.
#[derive(Debug, thiserror::Error)]
pub enum CaError {
	/// The pending requests cannot be read.
	#[error("pending_requests: {0}")]
	PendingRequests(sp_api::ApiError),
	/// The issued certificate is longer than the chain accepts.
	#[error("certificate longer than the chain allows")]
	CertificateTooLong,
	/// A requested name is not UTF-8.
	#[error("a name is not UTF-8")]
	NameNotUtf8,
}

/// The CA service's Prometheus metrics.
struct CaMetrics {
	/// Pending requests the service read on the last finalized block (at most
	/// [`REQUESTS_PER_BLOCK`]).
	pending: Gauge<I64>,
	/// `issue_certificate` transactions, by result: `submitted`; `refused` by the pool or
	/// the signer; `not_issued`, not submitted because the certificate could not be made or
	/// the chain would refuse it (a name no longer the requester's; counted once per
	/// request).
	submissions: CounterVec<U64>,
	/// Requests this service submitted a certificate for that then left the pending list
	/// of a finalized block: issued.
	issued: Counter<U64>,
	/// Seconds from first seeing a request pending in a finalized block to seeing it
	/// issued in one.
	issuance: Histogram,
}

impl CaMetrics {
	fn register(registry: Option<&Registry>) -> Result<Self, PrometheusError> {
		Ok(Self {
			pending: metrics::gauge(
				registry,
				"hypermesh_ca_requests_pending",
				"Pending certificate requests the CA service read on the last finalized block (at most 64)",
			)?,
			submissions: metrics::counter_vec(
				registry,
				"hypermesh_ca_submissions_total",
				"issue_certificate transactions of the CA service, by result (not_issued: not submitted, the chain would refuse it or the certificate could not be made)",
				&["result"],
				&[&["submitted"], &["refused"], &["not_issued"]],
			)?,
			issued: metrics::counter(
				registry,
				"hypermesh_ca_certificates_issued_total",
				"Certificates this CA service submitted that left the pending requests of a finalized block",
			)?,
			issuance: metrics::seconds_histogram(
				registry,
				"hypermesh_ca_issuance_duration_seconds",
				"Seconds from a request first pending in a finalized block to its certificate issued in one",
				vec![2.0, 4.0, 6.0, 8.0, 10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0],
			)?,
		})
	}
}

/// The CA service (see the module docs).
pub struct CaService<C, P> {
	client: Arc<C>,
	submitter: Submitter<C, P>,
	ca: HybridCa,
	authority: u32,
	/// Request id -> the finalized block number it was last submitted at.
	submitted: HashMap<u64, BlockNumber>,
	/// Request id -> when it was first seen pending.
	first_seen: HashMap<u64, Instant>,
	/// Pending requests the chain would refuse now (a name no longer the requester's):
	/// not submitted, said once.
	unissuable: HashSet<u64>,
	metrics: CaMetrics,
}

impl<C: ServiceClient, P: ServicePool> CaService<C, P> {
	/// A CA service for `authority` with the CA in `ca_dir`.
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		ca_dir: &std::path::Path,
		authority: u32,
		registry: Option<&Registry>,
	) -> Result<Self, ServiceError> {
		Ok(Self {
			submitter: Submitter::new(client.clone(), pool, keystore, OPERATOR_KEY_TYPE),
			client,
			ca: keys::load_ca(ca_dir)?,
			authority,
			submitted: HashMap::new(),
			first_seen: HashMap::new(),
			unissuable: HashSet::new(),
			metrics: CaMetrics::register(registry)?,
		})
	}

	/// Why the chain would refuse to issue for `request` now, if it would: a name that is
	/// no longer registered to the requester (released, transferred or expired since the
	/// request). The pallet checks this again; checking here first keeps the operator from
	/// paying, every [`RETRY_AFTER_BLOCKS`], for a transaction that must fail.
	fn refusal(
		&self,
		at: BlockHash,
		request: &pallet_trustchain::CertificateRequest<
			AccountId,
			BlockNumber,
			Balance,
			Vec<Vec<u8>>,
		>,
	) -> Result<Option<String>, ServiceError> {
		let api = self.client.runtime_api();
		for name in &request.names {
			match api.resolve(at, name.clone())? {
				Some(resolution) if resolution.owner == request.requester => {}
				Some(_) => {
					return Ok(Some(format!(
						"{} now belongs to another account",
						String::from_utf8_lossy(name)
					)))
				}
				None => {
					return Ok(Some(format!(
						"{} is no longer registered (released or expired)",
						String::from_utf8_lossy(name)
					)))
				}
			}
		}
		Ok(None)
	}

	/// Issues the certificate for a request.
	fn issue(
		&self,
		request: &pallet_trustchain::CertificateRequest<
			AccountId,
			BlockNumber,
			Balance,
			Vec<Vec<u8>>,
		>,
		validity: u64,
	) -> Result<Vec<u8>, ServiceError> {
		let names = request
			.names
			.iter()
			.map(|n| String::from_utf8(n.clone()).map_err(|_| CaError::NameNotUtf8))
			.collect::<Result<Vec<_>, _>>()?;
		let classical = match &request.classical_public_key {
			ClassicalPublicKey::Ed25519(key) => SubjectKey::Ed25519(*key),
			ClassicalPublicKey::EcdsaP256(point) => SubjectKey::EcdsaP256(point.to_vec()),
		};
		Ok(keys::issue_certificate(
			&self.ca,
			names,
			&classical,
			&request.falcon_public_key,
			validity,
		)?)
	}
}

impl<C: ServiceClient, P: ServicePool> FinalityService for CaService<C, P> {
	const TASK: &'static str = "trustchain-ca";
	const GROUP: &'static str = "trustchain";
	const LOG_TARGET: &'static str = "trustchain";
	const NAME: &'static str = "CA service";

	fn started(&mut self) {
		log::info!(
			target: "trustchain",
			"CA service for authority {} started ({})",
			self.authority,
			match self.submitter.account() {
				Some(account) => format!("operator {account}"),
				None => "no operator key (`tcop`) in the keystore: nothing will be issued".into(),
			}
		);
	}

	async fn on_finalized(
		&mut self,
		finalized: BlockHash,
		number: BlockNumber,
	) -> Result<(), ServiceError> {
		if self.submitter.public().is_none() {
			return Ok(());
		}
		let api = self.client.runtime_api();
		let pending = api
			.pending_requests(finalized, REQUESTS_PER_BLOCK)
			.map_err(CaError::PendingRequests)?;
		self.metrics.pending.set(pending.len() as i64);
		// A request we submitted for that is no longer pending was issued.
		let still_pending = |id: &u64| pending.iter().any(|(pending_id, _)| pending_id == id);
		for id in self.submitted.keys().filter(|id| !still_pending(id)) {
			self.metrics.issued.inc();
			if let Some(seen) = self.first_seen.get(id) {
				self.metrics.issuance.observe(seen.elapsed().as_secs_f64());
			}
		}
		self.submitted.retain(|id, _| still_pending(id));
		self.first_seen.retain(|id, _| still_pending(id));
		self.unissuable.retain(|id| still_pending(id));
		let now = Instant::now();
		for (id, _) in &pending {
			self.first_seen.entry(*id).or_insert(now);
		}
		let validity = api.certificate_validity(finalized)?;
		for (id, request) in pending {
			if self
				.submitted
				.get(&id)
				.is_some_and(|at| number.saturating_sub(*at) < RETRY_AFTER_BLOCKS)
			{
				continue;
			}
			match self.refusal(finalized, &request)? {
				Some(reason) => {
					if self.unissuable.insert(id) {
						log::warn!(
							target: "trustchain",
							"request {id}: not issued, the chain would refuse it: {reason}"
						);
						self.metrics
							.submissions
							.with_label_values(&["not_issued"])
							.inc();
					}
					continue;
				}
				None => {
					self.unissuable.remove(&id);
				}
			}
			self.submitted.insert(id, number);
			let der = match self.issue(&request, validity) {
				Ok(der) => der,
				Err(e) => {
					log::warn!(target: "trustchain", "request {id}: cannot issue: {e}");
					self.metrics
						.submissions
						.with_label_values(&["not_issued"])
						.inc();
					continue;
				}
			};
			let call = RuntimeCall::TrustChain(pallet_trustchain::Call::issue_certificate {
				request: id,
				authority: self.authority,
				der: der.try_into().map_err(|_| CaError::CertificateTooLong)?,
			});
			match self.submitter.submit(call).await {
				Ok(()) => {
					self.metrics
						.submissions
						.with_label_values(&["submitted"])
						.inc();
					log::info!(target: "trustchain", "request {id}: certificate submitted")
				}
				Err(e) => {
					self.metrics
						.submissions
						.with_label_values(&["refused"])
						.inc();
					log::warn!(target: "trustchain", "request {id}: {e}")
				}
			}
		}
		Ok(())
	}
}
