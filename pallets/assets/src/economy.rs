//! The registry's side of the economy: prices, deposits, measured service and offences.
//!
//! The registry reaches the economy (Caesar) only through [`Config::Stake`],
//! [`Config::Usage`] and [`Config::Escrow`], the traits of `hypermesh_primitives::economy`.
//! This module holds what the other domains call: the price a lease is escrowed at, the
//! deposits held and returned, the points an accepted report credits (the formula is in the
//! crate documentation) and what a proven offence costs.

use crate::*;
use frame_support::traits::{fungible::MutateHold, tokens::Precision};
use sp_runtime::traits::{Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// [`Pallet::set_price`] for the signed `who`.
	pub(crate) fn do_set_price(
		who: T::AccountId,
		asset: AssetId,
		price_per_unit_per_block: BalanceOf<T>,
	) -> DispatchResult {
		let entry = Assets::<T>::get(asset).ok_or(Error::<T>::UnknownAsset)?;
		ensure!(entry.owner == who, Error::<T>::NotOwner);
		if price_per_unit_per_block.is_zero() {
			Prices::<T>::remove(asset);
		} else {
			Prices::<T>::insert(asset, price_per_unit_per_block);
		}
		Self::deposit_event(Event::PriceSet {
			asset,
			price_per_unit_per_block,
		});
		Ok(())
	}

	/// What a lease of `amount` units of `asset` costs per block at the asset's price.
	pub(crate) fn lease_price(asset: AssetId, amount: u64) -> Result<BalanceOf<T>, Error<T>> {
		let units = BalanceOf::<T>::try_from(amount).map_err(|_| Error::<T>::Overflow)?;
		Prices::<T>::get(asset)
			.checked_mul(&units)
			.ok_or(Error::<T>::Overflow)
	}

	/// Holds `deposit` from `who` under `reason`; nothing for a zero deposit.
	pub(crate) fn hold_deposit(
		reason: HoldReason,
		who: &T::AccountId,
		deposit: BalanceOf<T>,
	) -> Result<(), Error<T>> {
		if deposit.is_zero() {
			return Ok(());
		}
		T::Currency::hold(&reason.into(), who, deposit).map_err(|_| Error::<T>::CannotPayDeposit)
	}

	/// Returns a deposit held from `who` under `reason`: what is still held of it, if less.
	pub(crate) fn return_deposit(reason: HoldReason, who: &T::AccountId, deposit: BalanceOf<T>) {
		if deposit.is_zero() {
			return;
		}
		// Best effort: cannot fail for funds this pallet holds, and a release never blocks
		// retiring an asset or releasing an allocation.
		let _ = T::Currency::release(&reason.into(), who, deposit, Precision::BestEffort);
	}

	/// The service points an accepted report of `asset` at block `now` confirms, its
	/// previous accepted report having been at `previous` (see the crate documentation):
	/// each live allocation by another account than the owner counts its units times the
	/// blocks it was live since `from = max(previous, now - MaxServiceInterval)`, and the sum
	/// is scaled by the asset's reputation.
	pub(crate) fn service_points(
		asset: AssetId,
		entry: &Asset<T::AccountId>,
		previous: Option<BlockNumberFor<T>>,
		now: BlockNumberFor<T>,
	) -> u128 {
		let floor = now.saturating_sub(T::MaxServiceInterval::get());
		let from = previous.map_or(floor, |previous| previous.max(floor));
		let served =
			AllocationsByAsset::<T>::iter_prefix(asset).fold(0u128, |served, (id, start)| {
				let Some(allocation) = Allocations::<T>::get(id) else {
					return served;
				};
				if allocation.consumer == entry.owner {
					return served;
				}
				let begin = start.max(from);
				let end = allocation.expires_at.min(now);
				if end <= begin {
					return served;
				}
				let blocks: u128 = end.saturating_sub(begin).saturated_into();
				served.saturating_add(u128::from(allocation.amount).saturating_mul(blocks))
			});
		served.saturating_mul(u128::from(entry.reputation.min(MAX_REPUTATION)))
			/ u128::from(MAX_REPUTATION)
	}

	/// A proven offence of `provider`'s: recorded for the reward period and slashed by
	/// [`Config::OffenceSlash`] of its bonded stake.
	pub(crate) fn punish(provider: &T::AccountId, offence: ProviderOffence) {
		T::Usage::record_offence(provider, offence);
		let slashed = T::Stake::slash(provider, offence, T::OffenceSlash::get().deconstruct());
		Self::deposit_event(Event::ProviderSlashed {
			provider: provider.clone(),
			offence,
			slashed,
		});
	}
}
