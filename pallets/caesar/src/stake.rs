//! Bonds: providers bond funds (held under [`HoldReason::ProviderBond`]) to back their
//! PoStake claims; unbonded stake stops counting at once but stays held for
//! [`Config::UnbondingPeriod`] blocks before it can be withdrawn.
//!
//! [`Pallet`] is the runtime's `BondedStake`: the asset registry reads a provider's bonded
//! stake from it and slashes it for proven offences. A slash takes its share of the
//! *bonded* stake only (the trait's contract: never more than is bonded), so the unbonding
//! chunks stay whole: unbonding stake no longer backs any PoStake claim, so it cannot back
//! the guarded calls an offence is proven against. What is taken goes to
//! [`Config::TreasuryAccount`] (burnt instead, with an error logged, if the treasury could
//! not receive it: a slash never fails).

use crate::*;
use frame_support::traits::{
	fungible::{InspectHold, MutateHold},
	tokens::{Fortitude, Precision, Restriction},
};
use hypermesh_primitives::economy::{BondedStake, ProviderOffence};
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchResult, Perbill,
};

impl<T: Config> Pallet<T> {
	/// The stake `who` has bonded: funds held under [`HoldReason::ProviderBond`], less
	/// what is unbonding (still held until [`Pallet::withdraw_unbonded`], but no longer
	/// stake).
	pub fn bonded_stake(who: &T::AccountId) -> BalanceOf<T> {
		let held = T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), who);
		let unbonding = Unbonding::<T>::get(who)
			.iter()
			.fold(BalanceOf::<T>::zero(), |sum, chunk| {
				sum.saturating_add(chunk.amount)
			});
		held.saturating_sub(unbonding)
	}

	/// [`Pallet::bond`] for the signed `who`.
	pub(crate) fn do_bond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		T::Currency::hold(&HoldReason::ProviderBond.into(), &who, amount)?;
		Self::deposit_event(Event::Bonded { who, amount });
		Ok(())
	}

	/// [`Pallet::unbond`] for the signed `who`.
	pub(crate) fn do_unbond(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(Self::bonded_stake(&who) >= amount, Error::<T>::NotBonded);
		let unlocks_at =
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get());
		Unbonding::<T>::try_mutate(&who, |chunks| {
			chunks.try_push(UnbondingChunk { amount, unlocks_at })
		})
		.map_err(|_| Error::<T>::TooManyUnbondingChunks)?;
		Self::deposit_event(Event::Unbonded {
			who,
			amount,
			unlocks_at,
		});
		Ok(())
	}

	/// [`Pallet::withdraw_unbonded`] for the signed `who`.
	pub(crate) fn do_withdraw_unbonded(who: T::AccountId) -> DispatchResult {
		let now = frame_system::Pallet::<T>::block_number();
		let mut chunks = Unbonding::<T>::get(&who);
		let mut amount = BalanceOf::<T>::zero();
		chunks.retain(|chunk| {
			let unlocked = chunk.unlocks_at <= now;
			if unlocked {
				amount = amount.saturating_add(chunk.amount);
			}
			!unlocked
		});
		ensure!(!amount.is_zero(), Error::<T>::NothingToWithdraw);
		T::Currency::release(
			&HoldReason::ProviderBond.into(),
			&who,
			amount,
			Precision::Exact,
		)?;
		if chunks.is_empty() {
			Unbonding::<T>::remove(&who);
		} else {
			Unbonding::<T>::insert(&who, chunks);
		}
		Self::deposit_event(Event::Withdrawn { who, amount });
		Ok(())
	}

	/// Takes `share` of `who`'s bonded stake to the treasury (burns it if the treasury
	/// cannot receive it). Returns what was taken.
	pub(crate) fn do_slash(
		who: &T::AccountId,
		offence: ProviderOffence,
		share: Perbill,
	) -> BalanceOf<T> {
		let amount = share.mul_floor(Self::bonded_stake(who));
		if amount.is_zero() {
			return Zero::zero();
		}
		let reason = HoldReason::ProviderBond.into();
		let treasury = T::TreasuryAccount::get();
		let moved = frame_support::storage::with_storage_layer(|| {
			T::Currency::transfer_on_hold(
				&reason,
				who,
				&treasury,
				amount,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Force,
			)
		});
		let taken = match moved {
			Ok(taken) => taken,
			Err(e) => {
				log::error!(
					target: LOG_TARGET,
					"the treasury cannot receive a slash of {amount:?} ({e:?}): burnt instead",
				);
				T::Currency::burn_held(
					&reason,
					who,
					amount,
					Precision::BestEffort,
					Fortitude::Force,
				)
				.unwrap_or_else(|e| {
					log::error!(target: LOG_TARGET, "cannot slash {who:?}: {e:?}");
					Zero::zero()
				})
			}
		};
		if !taken.is_zero() {
			Self::deposit_event(Event::Slashed {
				who: who.clone(),
				offence,
				amount: taken,
			});
		}
		taken
	}
}

/// Bonded stake is [`Pallet::bonded_stake`]; a slash takes a share of it to the treasury
/// (see the module documentation).
impl<T: Config> BondedStake<T::AccountId> for Pallet<T> {
	fn bonded(who: &T::AccountId) -> u128 {
		Self::bonded_stake(who).saturated_into()
	}

	fn slash(who: &T::AccountId, offence: ProviderOffence, parts_per_billion: u32) -> u128 {
		Self::do_slash(who, offence, Perbill::from_parts(parts_per_billion)).saturated_into()
	}
}

impl<T: Config> Pallet<T> {
	/// All of `who`'s bond still held, unbonding chunks included.
	pub fn held_bond(who: &T::AccountId) -> BalanceOf<T> {
		T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), who)
	}
}
