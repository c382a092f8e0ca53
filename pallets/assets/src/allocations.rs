//! Allocations: a consumer reserves part of an asset's capacity for a lease of at most
//! [`Config::MaxLease`] blocks.
//!
//! The sum of live allocations never exceeds the asset's capacity (checked arithmetic,
//! refused otherwise), the asset's privacy decides who may allocate it, and an expired
//! lease can be released by anyone. The registry ([`crate::registry`]) refuses to shrink
//! or retire an asset below what is allocated.

use crate::*;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// [`Pallet::allocate`] for the signed `consumer`.
	pub(crate) fn do_allocate(
		consumer: T::AccountId,
		asset: AssetId,
		amount: u64,
		lease: BlockNumberFor<T>,
		proof: ConsensusProof,
	) -> DispatchResult {
		ensure!(amount > 0, Error::<T>::ZeroAmount);
		ensure!(
			lease > BlockNumberFor::<T>::zero() && lease <= T::MaxLease::get(),
			Error::<T>::BadLease
		);
		let id = NextAllocationId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let mut entry = Assets::<T>::get(asset).ok_or(Error::<T>::UnknownAsset)?;
		ensure!(
			entry.privacy.allows(&entry.owner, &consumer),
			Error::<T>::NotAllowed
		);
		let allocated = entry
			.allocated
			.checked_add(amount)
			.ok_or(Error::<T>::OverAllocation)?;
		ensure!(
			allocated <= entry.kind.capacity(),
			Error::<T>::OverAllocation
		);
		Self::use_proof(
			&consumer,
			&Call::<T>::allocate_operation(asset, amount, &lease),
			&proof,
		)?;
		entry.allocated = allocated;
		Assets::<T>::insert(asset, entry);
		let expires_at = frame_system::Pallet::<T>::block_number().saturating_add(lease);
		NextAllocationId::<T>::put(next);
		Allocations::<T>::insert(
			id,
			Allocation {
				asset,
				consumer: consumer.clone(),
				amount,
				expires_at,
			},
		);
		Self::deposit_event(Event::Allocated {
			id,
			asset,
			consumer,
			amount,
			expires_at,
		});
		Ok(())
	}

	/// [`Pallet::release`] for the signed `who`.
	pub(crate) fn do_release(who: T::AccountId, id: AllocationId) -> DispatchResult {
		let allocation = Allocations::<T>::get(id).ok_or(Error::<T>::UnknownAllocation)?;
		ensure!(
			allocation.consumer == who
				|| allocation.expires_at <= frame_system::Pallet::<T>::block_number(),
			Error::<T>::NotConsumer
		);
		Allocations::<T>::remove(id);
		Assets::<T>::mutate_extant(allocation.asset, |asset| {
			asset.allocated = asset.allocated.saturating_sub(allocation.amount)
		});
		Self::deposit_event(Event::Released { id });
		Ok(())
	}

	/// The live allocations of an asset, with their ids, in id order (reads every
	/// allocation: for RPC, not for calls).
	pub fn allocations_of(
		asset: AssetId,
	) -> Vec<(AllocationId, Allocation<T::AccountId, BlockNumberFor<T>>)> {
		let mut allocations: Vec<_> = Allocations::<T>::iter()
			.filter(|(_, allocation)| allocation.asset == asset)
			.collect();
		allocations.sort_by_key(|(id, _)| *id);
		allocations
	}
}
