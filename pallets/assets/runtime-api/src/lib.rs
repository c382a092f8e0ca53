//! The runtime API of the HyperMesh asset registry.
//!
//! The node's `assets_*` RPC methods and its hardware oracle read the registry through this
//! API rather than through raw storage keys, so they keep working when the pallet's storage
//! layout changes.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::Codec;
use hypermesh_primitives::ct::Hash;
use pallet_hypermesh_assets::{
	Allocation, AllocationId, Asset, AssetId, ProofParameters, SpaceChallenge, SpaceCommitment,
	UsageRecord,
};

sp_api::decl_runtime_apis! {
	/// Reads of the asset registry.
	pub trait HyperMeshAssetsApi<AccountId, BlockNumber>
	where
		AccountId: Codec,
		BlockNumber: Codec,
	{
		/// An asset.
		fn asset(id: AssetId) -> Option<Asset<AccountId>>;
		/// The assets `owner` registered, in id order.
		fn assets_of(owner: AccountId) -> Vec<(AssetId, Asset<AccountId>)>;
		/// An allocation.
		fn allocation(id: AllocationId) -> Option<Allocation<AccountId, BlockNumber>>;
		/// The live allocations of an asset, in id order.
		fn allocations_of(asset: AssetId) -> Vec<(AllocationId, Allocation<AccountId, BlockNumber>)>;
		/// The asset's latest accepted telemetry.
		fn usage(asset: AssetId) -> Option<UsageRecord<BlockNumber>>;
		/// The asset at an address in the chain's prefix, and its owner.
		fn resolve_address(address: [u8; 16]) -> Option<(AssetId, AccountId)>;
		/// The chain's /64 prefix (its first 8 bytes). Read at block 1 or later: in the
		/// genesis state the genesis hash is not recorded yet.
		fn chain_prefix() -> [u8; 8];
		/// What a consensus proof must meet.
		fn proof_parameters() -> ProofParameters;
		/// The space commitments `who` registered, with their ids.
		fn space_commitments(who: AccountId) -> Vec<(Hash, SpaceCommitment)>;
		/// The stake `who` has bonded, as PoStake reads it.
		fn bonded_stake(who: AccountId) -> u128;
		/// Up to `count` public network assets to use as proxies, most trusted first.
		fn select_proxies(count: u32) -> Vec<(AssetId, Asset<AccountId>)>;
		/// The open challenges on `provider`'s space commitments, by commitment id (the
		/// deposit in the chain's smallest unit).
		fn space_challenges(
			provider: AccountId,
		) -> Vec<(Hash, SpaceChallenge<AccountId, u128, BlockNumber>)>;
	}
}
