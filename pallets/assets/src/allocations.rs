//! Allocations: a consumer reserves part of an asset's capacity for a lease of at most
//! [`Config::MaxLease`] blocks.
//!
//! The sum of live allocations never exceeds the asset's capacity (checked arithmetic,
//! refused otherwise), an asset has at most [`Config::MaxAllocationsPerAsset`] of them,
//! the asset's privacy decides who may allocate it, and an expired lease can be released
//! by anyone. An allocation holds [`Config::AllocationDeposit`] from its consumer and
//! escrows the asset's price times the amount per block for the lease
//! ([`Config::Escrow`]); releasing it closes the escrow and returns the deposit. The
//! registry ([`crate::registry`]) refuses to shrink or retire an asset below what is
//! allocated.

use crate::*;
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// [`Pallet::allocate`] for the signed `consumer`.
	pub(crate) fn do_allocate(
		consumer: T::AccountId,
		asset: AssetId,
		amount: u64,
		lease: BlockNumberFor<T>,
		max_price_per_block: BalanceOf<T>,
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
		let count = AllocationCount::<T>::get(asset);
		ensure!(
			count < T::MaxAllocationsPerAsset::get(),
			Error::<T>::TooManyAllocations
		);
		let price_per_block = Self::lease_price(asset, amount)?;
		ensure!(
			price_per_block <= max_price_per_block,
			Error::<T>::PriceAboveLimit
		);
		Self::use_proof(
			&consumer,
			&Call::<T>::allocate_operation(asset, amount, &lease, &max_price_per_block),
			&proof,
		)?;
		let now = frame_system::Pallet::<T>::block_number();
		let expires_at = now.saturating_add(lease);
		// The payments last: if either fails, the call's storage layer undoes the proof's
		// use and the deposit's hold, and an escrow refused has not been opened.
		let deposit = T::AllocationDeposit::get();
		Self::hold_deposit(HoldReason::AllocationDeposit, &consumer, deposit)?;
		T::Escrow::open(
			id,
			&consumer,
			&entry.owner,
			price_per_block.saturated_into(),
			now,
			expires_at,
		)
		.map_err(|error| match error {
			EscrowError::InsufficientFunds => Error::<T>::CannotPayLease,
			EscrowError::AlreadyOpen | EscrowError::Unknown => Error::<T>::EscrowRefused,
		})?;
		entry.allocated = allocated;
		Assets::<T>::insert(asset, entry);
		NextAllocationId::<T>::put(next);
		AllocationsByAsset::<T>::insert(asset, id, now);
		AllocationCount::<T>::insert(asset, count.saturating_add(1));
		if !deposit.is_zero() {
			AllocationDeposits::<T>::insert(id, deposit);
		}
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
			price_per_block,
		});
		Ok(())
	}

	/// [`Pallet::release`] for the signed `who`.
	pub(crate) fn do_release(who: T::AccountId, id: AllocationId) -> DispatchResult {
		let allocation = Allocations::<T>::get(id).ok_or(Error::<T>::UnknownAllocation)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			allocation.consumer == who || allocation.expires_at <= now,
			Error::<T>::NotConsumer
		);
		Allocations::<T>::remove(id);
		AllocationsByAsset::<T>::remove(allocation.asset, id);
		let count = AllocationCount::<T>::get(allocation.asset).saturating_sub(1);
		if count == 0 {
			AllocationCount::<T>::remove(allocation.asset);
		} else {
			AllocationCount::<T>::insert(allocation.asset, count);
		}
		Assets::<T>::mutate_extant(allocation.asset, |asset| {
			asset.allocated = asset.allocated.saturating_sub(allocation.amount)
		});
		// An allocation made before escrows existed has none (`Unknown`); nothing else can
		// go wrong with an escrow this pallet opened, and a lease must always be
		// releasable, so a refusal is logged rather than kept.
		match T::Escrow::close(id, now) {
			Ok(_) | Err(EscrowError::Unknown) => {}
			Err(error) => log::warn!(
				target: "runtime::hypermesh::assets",
				"closing the escrow of allocation {id} failed: {error:?}"
			),
		}
		if let Some(deposit) = AllocationDeposits::<T>::take(id) {
			Self::return_deposit(HoldReason::AllocationDeposit, &allocation.consumer, deposit);
		}
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
