//! The runtime APIs the node and clients call: block building and execution,
//! transaction validation, consensus (Aura, GRANDPA with equivocation reports), session
//! keys, staking, exchange quotes and reserves, account nonces, fee queries, metadata,
//! view functions and genesis presets.

use alloc::vec::Vec;
use frame_support::{
	genesis_builder_helper::{build_state, get_preset},
	traits::Get,
	weights::Weight,
};
use pallet_grandpa::AuthorityId as GrandpaId;
use sp_api::impl_runtime_apis;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_core::{crypto::KeyTypeId, OpaqueMetadata};
use sp_runtime::{
	traits::{Block as BlockT, NumberFor},
	transaction_validity::{TransactionSource, TransactionValidity},
	ApplyExtrinsicResult,
};
use sp_session::OpaqueGeneratedSessionKeys;
use sp_version::RuntimeVersion;

use frame_support::traits::tokens::fungible::NativeOrWithId;

use super::{
	AccountId, AssetConversion, AssetRegistry, Aura, Balance, Block, BlockNumber, Executive,
	Grandpa, Historical, InherentDataExt, Nonce, Runtime, RuntimeCall, RuntimeGenesisConfig,
	SessionKeys, Staking, System, TransactionPayment, TrustChain, VERSION,
};

/// The first `tree_size` leaf hashes of the TrustChain CT log, for the proof APIs.
fn leaves_for_proof(
	tree_size: u64,
) -> Result<Vec<hypermesh_primitives::ct::Hash>, pallet_trustchain_runtime_api::ProofRequestError> {
	use pallet_trustchain_runtime_api::ProofRequestError;
	if tree_size > TrustChain::tree_head().size {
		return Err(ProofRequestError::BeyondLog);
	}
	TrustChain::leaf_hashes(tree_size).ok_or(ProofRequestError::MissingLeaf)
}

impl_runtime_apis! {
	impl sp_api::Core<Block> for Runtime {
		fn version() -> RuntimeVersion {
			VERSION
		}

		fn execute_block(block: <Block as BlockT>::LazyBlock) {
			Executive::execute_block(block);
		}

		fn initialize_block(header: &<Block as BlockT>::Header) -> sp_runtime::ExtrinsicInclusionMode {
			Executive::initialize_block(header)
		}
	}

	impl sp_api::Metadata<Block> for Runtime {
		fn metadata() -> OpaqueMetadata {
			OpaqueMetadata::new(Runtime::metadata().into())
		}

		fn metadata_at_version(version: u32) -> Option<OpaqueMetadata> {
			Runtime::metadata_at_version(version)
		}

		fn metadata_versions() -> Vec<u32> {
			Runtime::metadata_versions()
		}
	}

	impl frame_support::view_functions::runtime_api::RuntimeViewFunction<Block> for Runtime {
		fn execute_view_function(
			id: frame_support::view_functions::ViewFunctionId,
			input: Vec<u8>,
		) -> Result<Vec<u8>, frame_support::view_functions::ViewFunctionDispatchError> {
			Runtime::execute_view_function(id, input)
		}
	}

	impl sp_block_builder::BlockBuilder<Block> for Runtime {
		fn apply_extrinsic(extrinsic: <Block as BlockT>::Extrinsic) -> ApplyExtrinsicResult {
			Executive::apply_extrinsic(extrinsic)
		}

		fn finalize_block() -> <Block as BlockT>::Header {
			Executive::finalize_block()
		}

		fn inherent_extrinsics(data: sp_inherents::InherentData) -> Vec<<Block as BlockT>::Extrinsic> {
			data.create_extrinsics()
		}

		fn check_inherents(
			block: <Block as BlockT>::LazyBlock,
			data: sp_inherents::InherentData,
		) -> sp_inherents::CheckInherentsResult {
			data.check_extrinsics(&block)
		}
	}

	impl sp_transaction_pool::runtime_api::TaggedTransactionQueue<Block> for Runtime {
		fn validate_transaction(
			source: TransactionSource,
			tx: <Block as BlockT>::Extrinsic,
			block_hash: <Block as BlockT>::Hash,
		) -> TransactionValidity {
			Executive::validate_transaction(source, tx, block_hash)
		}
	}

	impl sp_offchain::OffchainWorkerApi<Block> for Runtime {
		fn offchain_worker(header: &<Block as BlockT>::Header) {
			Executive::offchain_worker(header)
		}
	}

	impl sp_consensus_aura::AuraApi<Block, AuraId> for Runtime {
		fn slot_duration() -> sp_consensus_aura::SlotDuration {
			sp_consensus_aura::SlotDuration::from_millis(Aura::slot_duration())
		}

		fn authorities() -> Vec<AuraId> {
			pallet_aura::Authorities::<Runtime>::get().into_inner()
		}
	}

	impl sp_session::SessionKeys<Block> for Runtime {
		fn generate_session_keys(owner: Vec<u8>, seed: Option<Vec<u8>>) -> OpaqueGeneratedSessionKeys {
			SessionKeys::generate(&owner, seed).into()
		}

		fn decode_session_keys(encoded: Vec<u8>) -> Option<Vec<(Vec<u8>, KeyTypeId)>> {
			SessionKeys::decode_into_raw_public_keys(&encoded)
		}
	}

	impl sp_consensus_grandpa::GrandpaApi<Block> for Runtime {
		fn grandpa_authorities() -> sp_consensus_grandpa::AuthorityList {
			Grandpa::grandpa_authorities()
		}

		fn current_set_id() -> sp_consensus_grandpa::SetId {
			Grandpa::current_set_id()
		}

		fn submit_report_equivocation_unsigned_extrinsic(
			equivocation_proof: sp_consensus_grandpa::EquivocationProof<
				<Block as BlockT>::Hash,
				NumberFor<Block>,
			>,
			key_owner_proof: sp_consensus_grandpa::OpaqueKeyOwnershipProof,
		) -> Option<()> {
			let key_owner_proof = key_owner_proof.decode()?;
			Grandpa::submit_unsigned_equivocation_report(equivocation_proof, key_owner_proof)
		}

		fn generate_key_ownership_proof(
			_set_id: sp_consensus_grandpa::SetId,
			authority_id: GrandpaId,
		) -> Option<sp_consensus_grandpa::OpaqueKeyOwnershipProof> {
			use codec::Encode;
			use frame_support::traits::KeyOwnerProofSystem;
			Historical::prove((sp_consensus_grandpa::KEY_TYPE, authority_id))
				.map(|proof| proof.encode())
				.map(sp_consensus_grandpa::OpaqueKeyOwnershipProof::new)
		}
	}

	impl pallet_staking_runtime_api::StakingApi<Block, Balance, AccountId> for Runtime {
		fn nominations_quota(balance: Balance) -> u32 {
			Staking::api_nominations_quota(balance)
		}

		fn eras_stakers_page_count(era: sp_staking::EraIndex, account: AccountId) -> sp_staking::Page {
			Staking::api_eras_stakers_page_count(era, account)
		}

		fn pending_rewards(era: sp_staking::EraIndex, account: AccountId) -> bool {
			Staking::api_pending_rewards(era, account)
		}
	}

	impl pallet_asset_conversion::AssetConversionApi<
		Block,
		Balance,
		NativeOrWithId<crate::configs::exchange::TokenId>,
	> for Runtime {
		fn quote_price_exact_tokens_for_tokens(
			asset1: NativeOrWithId<crate::configs::exchange::TokenId>,
			asset2: NativeOrWithId<crate::configs::exchange::TokenId>,
			amount: Balance,
			include_fee: bool,
		) -> Option<Balance> {
			AssetConversion::quote_price_exact_tokens_for_tokens(asset1, asset2, amount, include_fee)
		}

		fn quote_price_tokens_for_exact_tokens(
			asset1: NativeOrWithId<crate::configs::exchange::TokenId>,
			asset2: NativeOrWithId<crate::configs::exchange::TokenId>,
			amount: Balance,
			include_fee: bool,
		) -> Option<Balance> {
			AssetConversion::quote_price_tokens_for_exact_tokens(asset1, asset2, amount, include_fee)
		}

		fn get_reserves(
			asset1: NativeOrWithId<crate::configs::exchange::TokenId>,
			asset2: NativeOrWithId<crate::configs::exchange::TokenId>,
		) -> Option<(Balance, Balance)> {
			AssetConversion::get_reserves(asset1, asset2).ok()
		}
	}

	impl pallet_caesar_runtime_api::CaesarApi<Block, AccountId, Balance> for Runtime {
		fn current_period() -> u32 {
			pallet_caesar::CurrentPeriod::<Runtime>::get()
		}

		fn parameters() -> pallet_caesar::EconomicParameters {
			pallet_caesar::Parameters::<Runtime>::get()
		}

		fn reward_history() -> u32 {
			<Runtime as pallet_caesar::Config>::RewardHistory::get()
		}

		fn session_length() -> u32 {
			pallet_caesar::SessionLengthOf::<Runtime>::get()
		}

		fn sessions_per_era() -> u32 {
			pallet_caesar::SessionsPerEraOf::<Runtime>::get()
		}

		fn active_era() -> Option<(u32, Option<u64>)> {
			pallet_staking::ActiveEra::<Runtime>::get().map(|era| (era.index, era.start))
		}

		fn current_era() -> Option<u32> {
			pallet_staking::CurrentEra::<Runtime>::get()
		}

		fn session_index() -> u32 {
			pallet_session::CurrentIndex::<Runtime>::get()
		}

		fn era_payout_split(era_duration_millis: u64) -> (Balance, Balance, Balance) {
			use frame_support::traits::fungible::Inspect;
			let issuance = <crate::Balances as Inspect<AccountId>>::total_issuance();
			let split = crate::Caesar::era_payout_split(issuance, era_duration_millis);
			(split.validators, split.providers, split.treasury)
		}

		fn provider_service(period: u32, who: AccountId) -> Option<pallet_caesar::ServiceRecord> {
			crate::Caesar::provider_service(period, &who)
		}

		fn claimable(period: u32, who: AccountId) -> Balance {
			crate::Caesar::claimable(period, &who)
		}

		fn closed_period(period: u32) -> Option<pallet_caesar::ClosedPeriod<Balance>> {
			pallet_caesar::ClosedPeriods::<Runtime>::get(period)
		}

		fn bonded(who: AccountId) -> (Balance, Balance) {
			(crate::Caesar::bonded_stake(&who), crate::Caesar::held_bond(&who))
		}

		fn validator_era(
			era: u32,
			who: AccountId,
		) -> pallet_caesar_runtime_api::ValidatorEra<Balance> {
			let points = pallet_staking::ErasRewardPoints::<Runtime>::get(era);
			pallet_caesar_runtime_api::ValidatorEra {
				points: points.individual.get(&who).copied().unwrap_or(0),
				total_points: points.total,
				reward: pallet_staking::ErasValidatorReward::<Runtime>::get(era).unwrap_or(0),
			}
		}
	}

	impl pallet_trustchain_runtime_api::TrustChainApi<Block, AccountId, BlockNumber, Balance> for Runtime {
		fn certificate(
			id: u64,
		) -> Option<pallet_trustchain_runtime_api::CertificateDetails<AccountId, BlockNumber>> {
			let record = pallet_trustchain::Certificates::<Runtime>::get(id)?;
			Some(pallet_trustchain_runtime_api::CertificateDetails {
				leaf_hash: hypermesh_primitives::ct::leaf_hash(&record.der),
				chain: TrustChain::authority_chain(record.authority),
				der: record.der.into_inner(),
				authority: record.authority,
				logged_at: record.recorded_at,
				issued: pallet_trustchain::Issued::<Runtime>::get(id),
				status: TrustChain::certificate_status(id),
			})
		}

		fn certificate_by_serial(authority: u32, serial: Vec<u8>) -> Option<u64> {
			let serial: pallet_trustchain::Serial = serial.try_into().ok()?;
			pallet_trustchain::SerialIndex::<Runtime>::get(authority, serial)
		}

		fn status(id: u64) -> pallet_trustchain::CertificateStatus<BlockNumber> {
			TrustChain::certificate_status(id)
		}

		fn tree_head() -> hypermesh_primitives::ct::TreeHead {
			TrustChain::tree_head()
		}

		fn inclusion_proof(
			index: u64,
			tree_size: u64,
		) -> Result<Vec<hypermesh_primitives::ct::Hash>, pallet_trustchain_runtime_api::ProofRequestError> {
			use pallet_trustchain_runtime_api::ProofRequestError;
			if index >= tree_size {
				return Err(ProofRequestError::OutOfRange);
			}
			let leaves = leaves_for_proof(tree_size)?;
			hypermesh_primitives::ct::inclusion_proof(&leaves, index)
				.map_err(|_| ProofRequestError::OutOfRange)
		}

		fn consistency_proof(
			first: u64,
			second: u64,
		) -> Result<
			(hypermesh_primitives::ct::Hash, Vec<hypermesh_primitives::ct::Hash>),
			pallet_trustchain_runtime_api::ProofRequestError,
		> {
			use pallet_trustchain_runtime_api::ProofRequestError;
			if first == 0 || first > second {
				return Err(ProofRequestError::OutOfRange);
			}
			let leaves = leaves_for_proof(second)?;
			let proof = hypermesh_primitives::ct::consistency_proof(&leaves, first, second)
				.map_err(|_| ProofRequestError::OutOfRange)?;
			let first_root = hypermesh_primitives::ct::root(&leaves[..first as usize]);
			Ok((first_root, proof))
		}

		fn root_at(
			tree_size: u64,
		) -> Result<hypermesh_primitives::ct::Hash, pallet_trustchain_runtime_api::ProofRequestError> {
			Ok(hypermesh_primitives::ct::root(&leaves_for_proof(tree_size)?))
		}

		fn resolve(
			name: Vec<u8>,
		) -> Option<pallet_trustchain_runtime_api::Resolution<AccountId, BlockNumber>> {
			let (owner, records, expires_at) = TrustChain::resolve(&name)?;
			let records = records
				.into_iter()
				.map(|record| match record {
					pallet_trustchain::DnsRecord::Aaaa(address) => {
						pallet_trustchain::DnsRecord::Aaaa(address)
					}
					pallet_trustchain::DnsRecord::Srv { priority, weight, port, target } => {
						pallet_trustchain::DnsRecord::Srv {
							priority,
							weight,
							port,
							target: target.into_inner(),
						}
					}
					pallet_trustchain::DnsRecord::Txt(data) => {
						pallet_trustchain::DnsRecord::Txt(data.into_inner())
					}
				})
				.collect();
			Some(pallet_trustchain_runtime_api::Resolution { owner, records, expires_at })
		}

		fn pending_requests(
			limit: u32,
		) -> Vec<pallet_trustchain_runtime_api::PendingRequest<AccountId, BlockNumber, Balance>> {
			TrustChain::pending_requests(limit)
				.into_iter()
				.map(|(id, request)| {
					(
						id,
						pallet_trustchain::CertificateRequest {
							requester: request.requester,
							names: request.names.into_iter().map(|n| n.into_inner()).collect(),
							classical_public_key: request.classical_public_key,
							falcon_public_key: request.falcon_public_key,
							deposit: request.deposit,
							expires_at: request.expires_at,
							renews: request.renews,
						},
					)
				})
				.collect()
		}

		fn certificate_authorities() -> Vec<(u32, Vec<u8>, Vec<u8>)> {
			pallet_trustchain::Authorities::<Runtime>::iter()
				.filter_map(|(id, info)| {
					let der = pallet_trustchain::AuthorityCertificates::<Runtime>::get(id)?;
					Some((id, der.into_inner(), info.falcon_public_key.into_inner()))
				})
				.collect()
		}

		fn certificates_of(
			holder: AccountId,
			limit: u32,
		) -> Vec<(u64, pallet_trustchain::IssuedCertificate<AccountId, BlockNumber>)> {
			TrustChain::certificates_of(&holder, limit)
		}

		fn certificate_validity() -> u64 {
			<Runtime as pallet_trustchain::Config>::CertificateValidity::get()
		}
	}

	impl pallet_hypermesh_assets_runtime_api::HyperMeshAssetsApi<Block, AccountId, BlockNumber> for Runtime {
		fn asset(id: pallet_hypermesh_assets::AssetId) -> Option<pallet_hypermesh_assets::Asset<AccountId>> {
			pallet_hypermesh_assets::Assets::<Runtime>::get(id)
		}

		fn assets_of(
			owner: AccountId,
		) -> Vec<(pallet_hypermesh_assets::AssetId, pallet_hypermesh_assets::Asset<AccountId>)> {
			AssetRegistry::assets_of(&owner)
		}

		fn allocation(
			id: pallet_hypermesh_assets::AllocationId,
		) -> Option<pallet_hypermesh_assets::Allocation<AccountId, BlockNumber>> {
			pallet_hypermesh_assets::Allocations::<Runtime>::get(id)
		}

		fn allocations_of(
			asset: pallet_hypermesh_assets::AssetId,
		) -> Vec<(
			pallet_hypermesh_assets::AllocationId,
			pallet_hypermesh_assets::Allocation<AccountId, BlockNumber>,
		)> {
			AssetRegistry::allocations_of(asset)
		}

		fn usage(
			asset: pallet_hypermesh_assets::AssetId,
		) -> Option<pallet_hypermesh_assets::UsageRecord<BlockNumber>> {
			pallet_hypermesh_assets::Usage::<Runtime>::get(asset)
		}

		fn resolve_address(address: [u8; 16]) -> Option<(pallet_hypermesh_assets::AssetId, AccountId)> {
			AssetRegistry::resolve_address(address)
		}

		fn chain_prefix() -> [u8; 8] {
			pallet_hypermesh_assets::chain_prefix(System::block_hash(0).as_ref())
		}

		fn proof_parameters() -> pallet_hypermesh_assets::ProofParameters {
			AssetRegistry::proof_parameters()
		}

		fn space_commitments(
			who: AccountId,
		) -> Vec<(hypermesh_primitives::ct::Hash, pallet_hypermesh_assets::SpaceCommitment)> {
			pallet_hypermesh_assets::SpaceCommitments::<Runtime>::iter_prefix(&who).collect()
		}

		fn bonded_stake(who: AccountId) -> u128 {
			use hypermesh_primitives::economy::BondedStake;
			<Runtime as pallet_hypermesh_assets::Config>::Stake::bonded(&who)
		}

		fn space_challenges(
			provider: AccountId,
		) -> Vec<(
			hypermesh_primitives::ct::Hash,
			pallet_hypermesh_assets::SpaceChallenge<AccountId, u128, BlockNumber>,
		)> {
			pallet_hypermesh_assets::Pallet::<Runtime>::challenges_of(&provider)
		}

		fn select_proxies(
			count: u32,
		) -> Vec<(pallet_hypermesh_assets::AssetId, pallet_hypermesh_assets::Asset<AccountId>)> {
			AssetRegistry::select_proxies(count)
		}
	}

	impl frame_system_rpc_runtime_api::AccountNonceApi<Block, AccountId, Nonce> for Runtime {
		fn account_nonce(account: AccountId) -> Nonce {
			System::account_nonce(account)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentApi<Block, Balance> for Runtime {
		fn query_info(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment_rpc_runtime_api::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_info(uxt, len)
		}
		fn query_fee_details(
			uxt: <Block as BlockT>::Extrinsic,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_fee_details(uxt, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	impl pallet_transaction_payment_rpc_runtime_api::TransactionPaymentCallApi<Block, Balance, RuntimeCall>
		for Runtime
	{
		fn query_call_info(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::RuntimeDispatchInfo<Balance> {
			TransactionPayment::query_call_info(call, len)
		}
		fn query_call_fee_details(
			call: RuntimeCall,
			len: u32,
		) -> pallet_transaction_payment::FeeDetails<Balance> {
			TransactionPayment::query_call_fee_details(call, len)
		}
		fn query_weight_to_fee(weight: Weight) -> Balance {
			TransactionPayment::weight_to_fee(weight)
		}
		fn query_length_to_fee(length: u32) -> Balance {
			TransactionPayment::length_to_fee(length)
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	impl frame_benchmarking::Benchmark<Block> for Runtime {
		fn benchmark_metadata(extra: bool) -> (
			Vec<frame_benchmarking::BenchmarkList>,
			Vec<frame_support::traits::StorageInfo>,
		) {
			use frame_benchmarking::{baseline, BenchmarkList};
			use frame_support::traits::StorageInfoTrait;
			use frame_system_benchmarking::Pallet as SystemBench;
			use frame_system_benchmarking::extensions::Pallet as SystemExtensionsBench;
			use baseline::Pallet as BaselineBench;
			use crate::era_transition_benchmark::Pallet as EraTransitionBench;
			use super::*;

			let mut list = Vec::<BenchmarkList>::new();
			list_benchmarks!(list, extra);
			let storage_info = AllPalletsWithSystem::storage_info();
			(list, storage_info)
		}

		#[allow(non_local_definitions)]
		fn dispatch_benchmark(
			config: frame_benchmarking::BenchmarkConfig
		) -> Result<Vec<frame_benchmarking::BenchmarkBatch>, alloc::string::String> {
			use frame_benchmarking::{baseline, BenchmarkBatch};
			use sp_storage::TrackedStorageKey;
			use frame_system_benchmarking::Pallet as SystemBench;
			use frame_system_benchmarking::extensions::Pallet as SystemExtensionsBench;
			use baseline::Pallet as BaselineBench;
			use frame_support::traits::WhitelistedStorageKeys;
			use crate::era_transition_benchmark::Pallet as EraTransitionBench;
			use super::*;

			impl frame_system_benchmarking::Config for Runtime {}
			impl baseline::Config for Runtime {}

			let whitelist: Vec<TrackedStorageKey> = AllPalletsWithSystem::whitelisted_storage_keys();
			let mut batches = Vec::<BenchmarkBatch>::new();
			let params = (&config, &whitelist);
			add_benchmarks!(params, batches);
			Ok(batches)
		}
	}

	#[cfg(feature = "try-runtime")]
	impl frame_try_runtime::TryRuntime<Block> for Runtime {
		fn on_runtime_upgrade(checks: frame_try_runtime::UpgradeCheckSelect) -> (Weight, Weight) {
			// A failing pre/post-upgrade check must stop here, with a backtrace.
			let weight = Executive::try_runtime_upgrade(checks).unwrap();
			(weight, super::configs::RuntimeBlockWeights::get().max_block)
		}

		fn execute_block(
			block: <Block as BlockT>::LazyBlock,
			state_root_check: bool,
			signature_check: bool,
			select: frame_try_runtime::TryStateSelect
		) -> Weight {
			Executive::try_execute_block(block, state_root_check, signature_check, select)
				.expect("execute-block failed")
		}
	}

	impl sp_genesis_builder::GenesisBuilder<Block> for Runtime {
		fn build_state(config: Vec<u8>) -> sp_genesis_builder::Result {
			build_state::<RuntimeGenesisConfig>(config)
		}

		fn get_preset(id: &Option<sp_genesis_builder::PresetId>) -> Option<Vec<u8>> {
			get_preset::<RuntimeGenesisConfig>(id, crate::genesis_config_presets::get_preset)
		}

		fn preset_names() -> Vec<sp_genesis_builder::PresetId> {
			crate::genesis_config_presets::preset_names()
		}
	}
}
