//! The node's own services, beside Substrate's: the TrustChain CA ([`ca`]), the
//! certificate holder ([`holder`]), the STOQ endpoint ([`stoq`]), the hardware oracle
//! ([`oracle`]) and Caesar's metrics ([`caesar`]); [`metrics`] holds what their
//! Prometheus metrics share.
//!
//! Each reacts to finalized blocks: it implements [`FinalityService`], and one driver owns
//! the finality-notification loop for all of them, logging what fails. They read the chain
//! through one client bound ([`ServiceClient`]) and submit transactions through the shared
//! [`Submitter`]. `service.rs` starts them all in one place, with [`start_services`], from
//! their command-line options ([`ServiceParams`]).

pub mod ca;
pub mod caesar;
pub mod holder;
pub mod metrics;
pub mod oracle;
pub mod stoq;
mod submitter;

use std::{future::Future, path::PathBuf, sync::Arc};

use frame_system_rpc_runtime_api::AccountNonceApi;
use futures::StreamExt;
use hypermesh_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use pallet_caesar_runtime_api::CaesarApi;
use pallet_hypermesh_assets_runtime_api::HyperMeshAssetsApi;
use pallet_trustchain_runtime_api::TrustChainApi;
use prometheus_endpoint::Registry;
use sc_client_api::BlockchainEvents;
use sc_service::SpawnTaskHandle;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_keystore::KeystorePtr;
use sp_runtime::traits::{Block as BlockT, Header as _};

pub use submitter::{insert_dev_key, signed_extrinsic, SignerError, Submitter};

use crate::{files::FileError, keys::KeyError};

/// A block hash.
pub type BlockHash = <Block as BlockT>::Hash;

/// The client the services read the chain through and follow finality with: the bounds
/// are written once here, and every service (and the driver) names this trait.
pub trait ServiceClient:
	ProvideRuntimeApi<
		Block,
		Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>
		         + HyperMeshAssetsApi<Block, AccountId, BlockNumber>
		         + AccountNonceApi<Block, AccountId, Nonce>
		         + CaesarApi<Block, AccountId, Balance>
		         + Send,
	> + HeaderBackend<Block>
	+ BlockchainEvents<Block>
	+ Send
	+ Sync
	+ 'static
{
}

impl<T> ServiceClient for T where
	T: ProvideRuntimeApi<
			Block,
			Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>
			         + HyperMeshAssetsApi<Block, AccountId, BlockNumber>
			         + AccountNonceApi<Block, AccountId, Nonce>
			         + CaesarApi<Block, AccountId, Balance>
			         + Send,
		> + HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static
{
}

/// The transaction pool the services submit to.
pub trait ServicePool: TransactionPool<Block = Block> + 'static {}

impl<T> ServicePool for T where T: TransactionPool<Block = Block> + 'static {}

/// Why a service cannot start, or what went wrong on a finalized block.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
	/// A runtime API call failed.
	#[error(transparent)]
	Runtime(#[from] sp_api::ApiError),
	/// A transaction cannot be signed or submitted, or a development key inserted.
	#[error(transparent)]
	Signer(#[from] SignerError),
	/// A file cannot be read or written.
	#[error(transparent)]
	File(#[from] FileError),
	/// Key material cannot be read or used.
	#[error(transparent)]
	Keys(#[from] KeyError),
	/// The CA service's own failures.
	#[error(transparent)]
	Ca(#[from] ca::CaError),
	/// The holder service's own failures.
	#[error(transparent)]
	Holder(#[from] holder::HolderError),
	/// The STOQ service's own failures.
	#[error(transparent)]
	Stoq(#[from] stoq::StoqServiceError),
	/// The hardware oracle's own failures.
	#[error(transparent)]
	Oracle(#[from] oracle::OracleServiceError),
	/// A service's metrics cannot be registered (a name registered twice).
	#[error("metrics: {0}")]
	Metrics(#[from] prometheus_endpoint::PrometheusError),
}

impl From<ServiceError> for sc_service::Error {
	fn from(e: ServiceError) -> Self {
		sc_service::Error::Other(e.to_string())
	}
}

/// A service driven by finalized blocks.
pub trait FinalityService: Send + 'static {
	/// The name of its task.
	const TASK: &'static str;
	/// The group of its task.
	const GROUP: &'static str;
	/// The log target of its messages.
	const LOG_TARGET: &'static str;
	/// How its warnings start (`<NAME>: <error>`).
	const NAME: &'static str;

	/// Called once, before the first finalized block.
	fn started(&mut self) {}

	/// Does the service's work for a newly finalized block.
	fn on_finalized(
		&mut self,
		hash: BlockHash,
		number: BlockNumber,
	) -> impl Future<Output = Result<(), ServiceError>> + Send;

	/// Called when [`Self::on_finalized`] failed, after the warning is logged.
	fn failed(&mut self, _error: &ServiceError) {}
}

/// Runs `service` until the node stops: the finality-notification loop of every service.
async fn drive<C, S>(client: Arc<C>, mut service: S, metrics: metrics::DriverMetrics)
where
	C: ServiceClient,
	S: FinalityService,
{
	let mut finality = client.finality_notification_stream();
	let blocks = metrics.blocks.with_label_values(&[S::TASK]);
	let failures = metrics.failures.with_label_values(&[S::TASK]);
	service.started();
	while let Some(notification) = finality.next().await {
		let number = *notification.header.number();
		blocks.inc();
		if let Err(e) = service.on_finalized(notification.hash, number).await {
			log::warn!(target: S::LOG_TARGET, "{}: {e}", S::NAME);
			failures.inc();
			service.failed(&e);
		}
	}
}

/// Spawns the driver of `service`.
fn spawn<C: ServiceClient, S: FinalityService>(
	spawner: &SpawnTaskHandle,
	client: Arc<C>,
	service: S,
	metrics: &metrics::DriverMetrics,
) {
	spawner.spawn(
		S::TASK,
		Some(S::GROUP),
		drive(client, service, metrics.clone()),
	);
}

/// Command-line options of the node's services.
#[derive(Debug, Clone, clap::Args)]
pub struct ServiceParams {
	/// Options of the TrustChain CA service.
	#[clap(flatten)]
	pub ca: ca::CaServiceParams,

	/// Options of the TrustChain certificate holder service.
	#[clap(flatten)]
	pub holder: holder::HolderParams,

	/// Options of the STOQ endpoint.
	#[clap(flatten)]
	pub stoq: stoq::StoqParams,

	/// Options of the hardware oracle service.
	#[clap(flatten)]
	pub oracle: oracle::OracleParams,

	/// The dashboard web page.
	#[clap(flatten)]
	pub dashboard: crate::dashboard::DashboardParams,
}

impl ServiceParams {
	/// The STOQ service's status, shared with the `stoq_status` RPC, if the service is to
	/// run (`--stoq-port`).
	pub fn stoq_status(&self) -> Option<stoq::SharedStatus> {
		self.stoq.stoq_port.map(|_| stoq::SharedStatus::default())
	}
}

/// What the services run with, from the assembled node.
pub struct ServiceDeps<C, P> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The keystore, holding the services' signing keys.
	pub keystore: KeystorePtr,
	/// The chain's data directory: where services keep their files by default.
	pub data_path: PathBuf,
	/// Prometheus, if enabled.
	pub prometheus_registry: Option<Registry>,
	/// The STOQ service's status ([`ServiceParams::stoq_status`]), also given to the RPC.
	pub stoq_status: Option<stoq::SharedStatus>,
}

/// Starts the services the options ask for, each driven by finalized blocks.
pub fn start_services<C: ServiceClient, P: ServicePool>(
	params: ServiceParams,
	deps: ServiceDeps<C, P>,
	spawner: &SpawnTaskHandle,
) -> Result<(), ServiceError> {
	let ServiceDeps {
		client,
		pool,
		keystore,
		data_path,
		prometheus_registry,
		stoq_status,
	} = deps;

	let registry = prometheus_registry.as_ref();
	let running: Vec<&str> = [
		(
			params.ca.trustchain_ca_dir.is_some(),
			<ca::CaService<C, P> as FinalityService>::TASK,
		),
		(
			params.holder.trustchain_holder_dir.is_some(),
			<holder::HolderService<C, P> as FinalityService>::TASK,
		),
		(
			stoq_status.is_some(),
			<stoq::StoqService<C, P> as FinalityService>::TASK,
		),
		(
			params.oracle.oracle_every.is_some(),
			<oracle::OracleService<C, P> as FinalityService>::TASK,
		),
		(
			registry.is_some(),
			<caesar::CaesarMetricsService<C> as FinalityService>::TASK,
		),
	]
	.into_iter()
	.filter_map(|(runs, task)| runs.then_some(task))
	.collect();
	let driver = metrics::DriverMetrics::register(registry, &running)?;

	if let Some(registry) = registry {
		let service = caesar::CaesarMetricsService::new(client.clone(), registry)?;
		spawn(spawner, client.clone(), service, &driver);
	}

	if let Some(ca_dir) = &params.ca.trustchain_ca_dir {
		if let Some(suri) = &params.ca.trustchain_operator_suri {
			insert_dev_key(&keystore, ca::OPERATOR_KEY_TYPE, suri)?;
		}
		let service = ca::CaService::new(
			client.clone(),
			pool.clone(),
			keystore.clone(),
			ca_dir,
			params.ca.trustchain_authority.unwrap_or(0),
			registry,
		)?;
		spawn(spawner, client.clone(), service, &driver);
	}

	if let Some(holder_dir) = &params.holder.trustchain_holder_dir {
		if let Some(suri) = &params.holder.trustchain_holder_suri {
			insert_dev_key(&keystore, holder::HOLDER_KEY_TYPE, suri)?;
		}
		let service = holder::HolderService::new(
			client.clone(),
			pool.clone(),
			keystore.clone(),
			holder_dir.clone(),
			holder::checked_names(&params.holder)?,
			params.holder.trustchain_renew_before,
			registry,
		)?;
		spawn(spawner, client.clone(), service, &driver);
	}

	if let Some(status) = stoq_status {
		let holder_dir = params
			.holder
			.trustchain_holder_dir
			.clone()
			.ok_or(stoq::StoqServiceError::NoHolder)?;
		let service = stoq::StoqService::new(
			client.clone(),
			pool.clone(),
			keystore.clone(),
			params.stoq,
			holder_dir,
			holder::checked_names(&params.holder)?,
			status,
			registry,
		)?;
		spawn(spawner, client.clone(), service, &driver);
	}

	if let Some(every) = params.oracle.oracle_every {
		if let Some(suri) = &params.oracle.oracle_suri {
			insert_dev_key(&keystore, oracle::ORACLE_KEY_TYPE, suri)?;
		}
		let location = oracle::parse_location(&params.oracle.oracle_location)?;
		let dir = params
			.oracle
			.oracle_dir
			.clone()
			.unwrap_or_else(|| data_path.join("hardware-oracle"));
		let service = oracle::OracleService::new(
			client.clone(),
			pool,
			keystore,
			every,
			dir,
			location,
			registry,
		)?;
		spawn(spawner, client, service, &driver);
	}

	Ok(())
}
