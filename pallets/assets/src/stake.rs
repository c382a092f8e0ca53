//! Stake: providers and consumers bond funds (held under [`HoldReason::ProviderBond`]) to
//! back their PoStake claims; unbonded stake stops counting at once but stays held for
//! [`Config::UnbondingPeriod`] blocks before it can be withdrawn.
//!
//! [`Config::Stake`] is where PoStake and the choice of proxies read an account's bonded
//! stake: [`HeldStake`], the funds held here, until Caesar provides staking.

use crate::*;
use frame_support::traits::{fungible::MutateHold, tokens::Precision};
use sp_runtime::traits::{Saturating, Zero};

/// Where a signer's bonded stake comes from (Caesar's staking, later; [`HeldStake`], funds
/// held by [`Pallet::bond`], until then).
pub trait BondedStake<AccountId> {
	/// The stake `who` has bonded, in the chain's smallest unit.
	fn bonded(who: &AccountId) -> u128;
}

/// Bonded stake = funds held under [`HoldReason::ProviderBond`], less what is unbonding
/// (still held until [`Pallet::withdraw_unbonded`], but no longer stake).
pub struct HeldStake<T>(PhantomData<T>);

impl<T: Config> BondedStake<T::AccountId> for HeldStake<T> {
	fn bonded(who: &T::AccountId) -> u128 {
		use frame_support::traits::fungible::InspectHold;
		let held: u128 =
			T::Currency::balance_on_hold(&HoldReason::ProviderBond.into(), who).saturated_into();
		let unbonding = Unbonding::<T>::get(who).iter().fold(0u128, |sum, chunk| {
			sum.saturating_add(chunk.amount.saturated_into())
		});
		held.saturating_sub(unbonding)
	}
}

impl<T: Config> Pallet<T> {
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
		ensure!(
			HeldStake::<T>::bonded(&who) >= amount.saturated_into::<u128>(),
			Error::<T>::NotBonded
		);
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
}
