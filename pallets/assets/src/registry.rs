//! The asset registry proper: providers register, update and retire their assets, each
//! with a stable IPv6 address in the chain's own prefix; queries for the runtime API
//! (resolving an address, an owner's assets) and the choice of remote proxies.
//!
//! An asset's address is `fd` + the first 7 bytes of the genesis hash (the chain's /64,
//! [`chain_prefix`]) followed by the asset id as interface identifier
//! ([`asset_address`]): the NAT-like global address consumers reach it at.
//!
//! A registered asset holds [`Config::AssetDeposit`] from its owner, returned when it is
//! retired (assets registered before deposits existed have none to return).

use crate::*;
use sp_runtime::traits::Zero;

/// The chain's /64 prefix: `fd` and the first 7 bytes of the genesis hash.
pub fn chain_prefix(genesis_hash: &[u8]) -> [u8; 8] {
	let mut prefix = [0u8; 8];
	prefix[0] = 0xfd;
	for (slot, byte) in prefix[1..].iter_mut().zip(genesis_hash) {
		*slot = *byte;
	}
	prefix
}

/// An asset's address: the chain prefix and the asset id.
pub fn asset_address(prefix: [u8; 8], id: AssetId) -> [u8; 16] {
	let mut address = [0u8; 16];
	address[..8].copy_from_slice(&prefix);
	address[8..].copy_from_slice(&id.to_be_bytes());
	address
}

impl<T: Config> Pallet<T> {
	/// [`Pallet::register_asset`] for the signed `owner`.
	pub(crate) fn do_register_asset(
		owner: T::AccountId,
		kind: AssetKind,
		privacy: Privacy,
		proof: ConsensusProof,
	) -> DispatchResult {
		ensure!(kind.capacity() > 0, Error::<T>::ZeroCapacity);
		let count = OwnerAssetCount::<T>::get(&owner);
		ensure!(
			count < T::MaxAssetsPerOwner::get(),
			Error::<T>::TooManyAssets
		);
		let id = NextAssetId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		Self::use_proof(
			&owner,
			&Call::<T>::register_operation(&kind, &privacy),
			&proof,
		)?;
		let deposit = T::AssetDeposit::get();
		Self::hold_deposit(HoldReason::AssetDeposit, &owner, deposit)?;
		if !deposit.is_zero() {
			AssetDeposits::<T>::insert(id, deposit);
		}
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		let address = asset_address(chain_prefix(genesis.as_ref()), id);
		NextAssetId::<T>::put(next);
		OwnerAssetCount::<T>::insert(&owner, count.saturating_add(1));
		AssetsByOwner::<T>::insert(&owner, id, ());
		AssetByAddress::<T>::insert(address, id);
		Assets::<T>::insert(
			id,
			Asset {
				owner: owner.clone(),
				kind,
				privacy,
				allocated: 0,
				address,
				reputation: MAX_REPUTATION,
			},
		);
		Self::deposit_event(Event::AssetRegistered { id, owner, address });
		Ok(())
	}

	/// [`Pallet::update_asset`] for the signed `who`.
	pub(crate) fn do_update_asset(
		who: T::AccountId,
		id: AssetId,
		kind: AssetKind,
		privacy: Privacy,
		proof: ConsensusProof,
	) -> DispatchResult {
		let mut asset = Assets::<T>::get(id).ok_or(Error::<T>::UnknownAsset)?;
		ensure!(asset.owner == who, Error::<T>::NotOwner);
		ensure!(asset.kind.same_kind(&kind), Error::<T>::KindChanged);
		ensure!(kind.capacity() > 0, Error::<T>::ZeroCapacity);
		ensure!(
			kind.capacity() >= asset.allocated,
			Error::<T>::BelowAllocated
		);
		Self::use_proof(
			&who,
			&Call::<T>::update_operation(id, &kind, &privacy),
			&proof,
		)?;
		asset.kind = kind;
		asset.privacy = privacy;
		Assets::<T>::insert(id, asset);
		Self::deposit_event(Event::AssetUpdated { id });
		Ok(())
	}

	/// [`Pallet::retire_asset`] for the signed `who`.
	pub(crate) fn do_retire_asset(who: T::AccountId, id: AssetId) -> DispatchResult {
		let asset = Assets::<T>::get(id).ok_or(Error::<T>::UnknownAsset)?;
		ensure!(asset.owner == who, Error::<T>::NotOwner);
		ensure!(asset.allocated == 0, Error::<T>::HasAllocations);
		Assets::<T>::remove(id);
		AssetsByOwner::<T>::remove(&who, id);
		AssetByAddress::<T>::remove(asset.address);
		Usage::<T>::remove(id);
		Prices::<T>::remove(id);
		if let Some(deposit) = AssetDeposits::<T>::take(id) {
			Self::return_deposit(HoldReason::AssetDeposit, &who, deposit);
		}
		OwnerAssetCount::<T>::mutate(&who, |count| *count = count.saturating_sub(1));
		Self::deposit_event(Event::AssetRetired { id });
		Ok(())
	}

	/// Resolves an address in the chain's prefix to its asset and owner.
	pub fn resolve_address(address: [u8; 16]) -> Option<(AssetId, T::AccountId)> {
		let id = AssetByAddress::<T>::get(address)?;
		Assets::<T>::get(id).map(|asset| (id, asset.owner))
	}

	/// The assets `owner` has registered, with their ids, in id order.
	pub fn assets_of(owner: &T::AccountId) -> Vec<(AssetId, Asset<T::AccountId>)> {
		let mut assets: Vec<_> = AssetsByOwner::<T>::iter_key_prefix(owner)
			.filter_map(|id| Assets::<T>::get(id).map(|asset| (id, asset)))
			.collect();
		assets.sort_by_key(|(id, _)| *id);
		assets
	}

	/// Up to `count` public network assets to use as remote proxies, the most trusted
	/// first: highest reputation, then the owner's largest bonded stake, then lowest id.
	pub fn select_proxies(count: u32) -> Vec<(AssetId, Asset<T::AccountId>)> {
		let mut candidates: Vec<(u32, u128, AssetId, Asset<T::AccountId>)> = Assets::<T>::iter()
			.filter(|(_, asset)| {
				matches!(asset.kind, AssetKind::Network { .. }) && asset.privacy.is_public()
			})
			.map(|(id, asset)| (asset.reputation, T::Stake::bonded(&asset.owner), id, asset))
			.collect();
		candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
		candidates
			.into_iter()
			.take(count as usize)
			.map(|(_, _, id, asset)| (id, asset))
			.collect()
	}
}
