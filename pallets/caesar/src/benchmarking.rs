//! Benchmarks for every call, each in its worst case: unbonding with all but one chunk
//! already waiting, withdrawing the most chunks at once, claiming from a closed period with
//! another provider's points beside the caller's. Amounts are multiples of the existential
//! deposit, so they hold for any runtime. They run as tests on the mock runtime with
//! `cargo test -p pallet-caesar --features runtime-benchmarks`.

use super::*;
use crate::Pallet as Caesar;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Balanced, Inspect, Mutate},
	OnUnbalanced,
};
use frame_system::RawOrigin;
use hypermesh_primitives::economy::UsageLedger;
use sp_runtime::{traits::Saturating, Perbill};

/// The existential deposit times `n`.
fn units<T: Config>(n: u32) -> BalanceOf<T> {
	T::Currency::minimum_balance()
		.max(1u32.into())
		.saturating_mul(n.into())
}

/// An account with plenty of funds.
fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	T::Currency::set_balance(&who, units::<T>(1_000_000));
	who
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn bond() {
		let who: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&who, units::<T>(1_000_000));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), units::<T>(1_000));
		assert_eq!(Caesar::<T>::bonded_stake(&who), units::<T>(1_000));
	}

	/// All but one unbonding chunk already waiting.
	#[benchmark]
	fn unbond() {
		let who = funded::<T>("provider");
		let chunks = T::MaxUnbondingChunks::get();
		Caesar::<T>::bond(RawOrigin::Signed(who.clone()).into(), units::<T>(chunks))
			.expect("the account is funded");
		for _ in 1..chunks {
			Caesar::<T>::unbond(RawOrigin::Signed(who.clone()).into(), units::<T>(1))
				.expect("bonded");
		}
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), units::<T>(1));
		assert!(Caesar::<T>::bonded_stake(&who).is_zero());
		assert_eq!(Unbonding::<T>::get(&who).len() as u32, chunks);
	}

	/// The most unbonding chunks, all unlocked.
	#[benchmark]
	fn withdraw_unbonded() {
		let who = funded::<T>("provider");
		let chunks = T::MaxUnbondingChunks::get();
		Caesar::<T>::bond(RawOrigin::Signed(who.clone()).into(), units::<T>(chunks))
			.expect("the account is funded");
		for _ in 0..chunks {
			Caesar::<T>::unbond(RawOrigin::Signed(who.clone()).into(), units::<T>(1))
				.expect("bonded");
		}
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number().saturating_add(T::UnbondingPeriod::get()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Unbonding::<T>::get(&who).is_empty());
		assert!(Caesar::<T>::held_bond(&who).is_zero());
	}

	/// A closed period shared with another provider.
	#[benchmark]
	fn claim_reward() {
		Parameters::<T>::put(EconomicParameters::default());
		let who: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&who, units::<T>(1_000));
		let other = funded::<T>("other");
		<Caesar<T> as UsageLedger<T::AccountId>>::record_service(&who, 1_000);
		<Caesar<T> as UsageLedger<T::AccountId>>::record_service(&other, 3_000);
		CloseRewardPeriod::<T>::on_unbalanced(T::Currency::issue(units::<T>(1_000)));
		let reward = Caesar::<T>::claimable(0, &who);
		assert!(!reward.is_zero());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 0);
		assert_eq!(Caesar::<T>::provider_service(0, &who), None);
		assert_eq!(
			T::Currency::balance(&who),
			units::<T>(1_000).saturating_add(reward)
		);
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::ParameterOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let parameters = EconomicParameters {
			yearly_inflation: Perbill::from_percent(7),
			validators: Perbill::from_percent(45),
			providers: Perbill::from_percent(45),
			offence_slash: Perbill::from_percent(20),
		};
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, parameters);
		assert_eq!(Parameters::<T>::get(), parameters);
		Ok(())
	}

	impl_benchmark_test_suite!(Caesar, crate::mock::new_test_ext(), crate::mock::Test);
}
