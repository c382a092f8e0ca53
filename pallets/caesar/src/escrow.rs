//! Lease escrow: what a consumer pays for an allocation's lease is held from it (under
//! [`HoldReason::LeaseEscrow`]) when the asset registry makes the allocation, and settled
//! when the allocation is released: the provider is paid `price_per_block` for each block
//! served (`min(now, end) - start`), moved straight from the hold, and the consumer gets
//! the rest back.
//!
//! A consumer's escrows share one hold; each lease's part of it is its record in
//! [`Leases`]. If the provider cannot receive its payment (an account that does not exist,
//! paid less than the existential deposit), the consumer is refunded everything and an
//! error logged: settling never fails, so the registry can always release an allocation.

use crate::*;
use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Precision, Restriction},
};
use hypermesh_primitives::economy::{EscrowError, LeaseEscrow};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// `price_per_block * blocks`, if it fits the balance type.
	fn lease_cost(price_per_block: u128, blocks: BlockNumberFor<T>) -> Option<BalanceOf<T>> {
		let blocks: u128 = blocks.saturated_into();
		let cost = price_per_block.checked_mul(blocks)?;
		let balance: BalanceOf<T> = cost.saturated_into();
		(balance.saturated_into::<u128>() == cost).then_some(balance)
	}
}

impl<T: Config> LeaseEscrow<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn open(
		allocation: u64,
		consumer: &T::AccountId,
		provider: &T::AccountId,
		price_per_block: u128,
		start: BlockNumberFor<T>,
		end: BlockNumberFor<T>,
	) -> Result<(), EscrowError> {
		if Leases::<T>::contains_key(allocation) {
			return Err(EscrowError::AlreadyOpen);
		}
		let price: BalanceOf<T> = price_per_block.saturated_into();
		// A price or total the balance type cannot hold is one nobody can pay.
		let amount = (price.saturated_into::<u128>() == price_per_block)
			.then(|| Self::lease_cost(price_per_block, end.saturating_sub(start)))
			.flatten()
			.ok_or(EscrowError::InsufficientFunds)?;
		if !amount.is_zero() {
			T::Currency::hold(&HoldReason::LeaseEscrow.into(), consumer, amount)
				.map_err(|_| EscrowError::InsufficientFunds)?;
		}
		Leases::<T>::insert(
			allocation,
			Lease {
				consumer: consumer.clone(),
				provider: provider.clone(),
				price_per_block: price,
				start,
				end,
			},
		);
		Self::deposit_event(Event::LeaseOpened {
			allocation,
			consumer: consumer.clone(),
			provider: provider.clone(),
			amount,
		});
		Ok(())
	}

	fn close(allocation: u64, now: BlockNumberFor<T>) -> Result<(u128, u128), EscrowError> {
		let lease = Leases::<T>::take(allocation).ok_or(EscrowError::Unknown)?;
		let price: u128 = lease.price_per_block.saturated_into();
		let length = lease.end.saturating_sub(lease.start);
		let served = now.min(lease.end).saturating_sub(lease.start);
		// Both fit: they were checked at opening, and served <= length.
		let total = Self::lease_cost(price, length).unwrap_or_else(Zero::zero);
		let owed = Self::lease_cost(price, served)
			.unwrap_or_else(Zero::zero)
			.min(total);
		let reason = HoldReason::LeaseEscrow.into();
		let paid = if owed.is_zero() {
			Zero::zero()
		} else {
			frame_support::storage::with_storage_layer(|| {
				T::Currency::transfer_on_hold(
					&reason,
					&lease.consumer,
					&lease.provider,
					owed,
					Precision::BestEffort,
					Restriction::Free,
					Fortitude::Force,
				)
			})
			.unwrap_or_else(|e| {
				log::error!(
					target: LOG_TARGET,
					"allocation {allocation}: the provider cannot receive {owed:?} ({e:?}): \
					 refunded to the consumer",
				);
				Zero::zero()
			})
		};
		let rest = total.saturating_sub(paid);
		let refunded = if rest.is_zero() {
			Zero::zero()
		} else {
			T::Currency::release(&reason, &lease.consumer, rest, Precision::BestEffort)
				.unwrap_or_else(|e| {
					log::error!(
						target: LOG_TARGET,
						"allocation {allocation}: cannot refund {rest:?} ({e:?})",
					);
					Zero::zero()
				})
		};
		Self::deposit_event(Event::LeaseClosed {
			allocation,
			paid,
			refunded,
		});
		Ok((paid.saturated_into(), refunded.saturated_into()))
	}
}
