//! The node's JSON-RPC extensions, on top of the standard Substrate methods
//! that `sc_service` serves (system, chain, state, author, chainHead, ...):
//! account nonces (`system_accountNextIndex`, `system_dryRun`), fee queries
//! (`payment_queryInfo`, `payment_queryFeeDetails`) and GRANDPA
//! (`grandpa_roundState`, `grandpa_proveFinality`, `grandpa_subscribeJustifications`),
//! TrustChain (`trustchain_*`, see [`trustchain`]), the asset registry (`assets_*`, see
//! [`assets`]), the economy and exchange (`caesar_*`, see [`caesar`]) and the STOQ endpoint
//! (`stoq_*`, see [`stoq`]).
//!
//! One module per namespace; [`json`] holds the JSON forms they share.

mod assets;
mod caesar;
mod json;
mod stoq;
mod trustchain;

use std::sync::Arc;

use hypermesh_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce};
use jsonrpsee::RpcModule;
use sc_client_api::AuxStore;
use sc_consensus_grandpa::{
	FinalityProofProvider, GrandpaJustificationStream, SharedAuthoritySet, SharedVoterState,
};
use sc_rpc::SubscriptionTaskExecutor;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};

/// What the GRANDPA RPC methods read.
pub struct GrandpaDeps<B> {
	/// Voting round state.
	pub shared_voter_state: SharedVoterState,
	/// Authority set.
	pub shared_authority_set: SharedAuthoritySet<<Block as sp_runtime::traits::Block>::Hash, u32>,
	/// Stream of new justifications.
	pub justification_stream: GrandpaJustificationStream<Block>,
	/// Executor for subscriptions.
	pub subscription_executor: SubscriptionTaskExecutor,
	/// Builds finality proofs.
	pub finality_provider: Arc<FinalityProofProvider<B, Block>>,
}

/// Everything the RPC extensions need.
pub struct FullDeps<C, P, B> {
	/// The client.
	pub client: Arc<C>,
	/// The transaction pool.
	pub pool: Arc<P>,
	/// The STOQ service's status, when it runs (`stoq_status`).
	pub stoq_status: Option<crate::services::stoq::SharedStatus>,
	/// GRANDPA.
	pub grandpa: GrandpaDeps<B>,
}

/// Builds the RPC extensions.
pub fn create_full<C, P, B>(
	deps: FullDeps<C, P, B>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ AuxStore
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: pallet_trustchain_runtime_api::TrustChainApi<Block, AccountId, BlockNumber, Balance>,
	C::Api: pallet_hypermesh_assets_runtime_api::HyperMeshAssetsApi<Block, AccountId, BlockNumber>,
	C::Api: pallet_caesar_runtime_api::CaesarApi<Block, AccountId, Balance>,
	C::Api: pallet_caesar_runtime_api::AssetConversionApi<
		Block,
		Balance,
		pallet_caesar_runtime_api::NativeOrWithId<hypermesh_runtime::configs::exchange::TokenId>,
	>,
	P: TransactionPool + 'static,
	B: sc_client_api::Backend<Block> + Send + Sync + 'static,
	B::State: sc_client_api::StateBackend<sp_runtime::traits::HashingFor<Block>>,
{
	use self::{
		assets::AssetsRpcServer, caesar::CaesarRpcServer, stoq::StoqRpcServer,
		trustchain::TrustChainRpcServer,
	};
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use sc_consensus_grandpa_rpc::{Grandpa, GrandpaApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};

	let mut module = RpcModule::new(());
	let FullDeps {
		client,
		pool,
		stoq_status,
		grandpa,
	} = deps;
	if let Some(status) = stoq_status {
		module.merge(self::stoq::Stoq(status).into_rpc())?;
	}

	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(trustchain::TrustChain::new(client.clone()).into_rpc())?;
	module.merge(assets::Assets::new(client.clone()).into_rpc())?;
	module.merge(caesar::Caesar::new(client).into_rpc())?;
	module.merge(
		Grandpa::new(
			grandpa.subscription_executor,
			grandpa.shared_authority_set,
			grandpa.shared_voter_state,
			grandpa.justification_stream,
			grandpa.finality_provider,
		)
		.into_rpc(),
	)?;
	Ok(module)
}
