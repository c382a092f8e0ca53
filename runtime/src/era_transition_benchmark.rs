//! A FRAME benchmark of the era transition on the real runtime: the staking election and
//! the era's payout bookkeeping, with `v` validators, `n` nominators and `p` providers
//! holding service points in Caesar's open reward period.
//!
//! No single pallet owns this work: session rotation asks staking for the next era's set
//! (sequential Phragmén over every voter), and a later rotation ends the era, which asks
//! Caesar's issuance schedule for the payout and closes its reward period. So the
//! benchmark lives here, beside the runtime that wires those pallets together, shaped like
//! `frame-system-benchmarking` (a pallet-less `Pallet<T>` and `Config`).
//!
//! The timed block runs both rotations back to back: the election (planning the era two
//! sessions ahead) and the era's end and start. A chain runs them in different blocks, so
//! the figure bounds either block's era work from above. Run it with
//! `hypermesh-node benchmark pallet --pallet hypermesh_era_transition` (see BENCHMARKS.md).

use crate::{AccountId, Caesar, Runtime, Session, SessionKeys};
use codec::Encode;
use frame_benchmarking::v2::*;
use frame_support::ensure;
use hypermesh_primitives::economy::UsageLedger;
use pallet_staking::{ActiveEra, CurrentEra, ErasStakersOverview, ForceEra, Forcing};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_core::{ed25519, sr25519};
use sp_runtime::traits::{BlakeTwo256, Hash, StaticLookup};

/// The benchmark's pallet type: there is no pallet, only the runtime.
pub struct Pallet<T: Config>(core::marker::PhantomData<T>);

/// The runtimes the benchmark runs on: this one.
pub trait Config: frame_system::Config {}

impl Config for Runtime {}

/// Session keys unique to `stash` (distinct byte strings; never used to sign).
fn keys_of(stash: &AccountId) -> SessionKeys {
	let seed = BlakeTwo256::hash(&stash.encode()).0;
	SessionKeys {
		aura: AuraId::from(sr25519::Public::from_raw(seed)),
		grandpa: GrandpaId::from(ed25519::Public::from_raw(seed)),
	}
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// `v` validators, `n` nominators of 16 validators each (random stakes), `p` providers
	/// with service points; both rotations of an era change.
	#[benchmark]
	fn era_transition(
		v: Linear<1, 100>,
		n: Linear<0, 1_000>,
		p: Linear<0, 1_000>,
	) -> Result<(), BenchmarkError> {
		// The genesis minimum bonds are above what staking's test stakers bond.
		pallet_staking::MinValidatorBond::<Runtime>::put(0);
		pallet_staking::MinNominatorBond::<Runtime>::put(0);
		let validators = pallet_staking::testing_utils::create_validators_with_nominators_for_era::<
			Runtime,
		>(v, n, 16, true, None)?;
		for validator in validators {
			let stash = <Runtime as frame_system::Config>::Lookup::lookup(validator)
				.map_err(|_| BenchmarkError::Stop("a validator's stash does not resolve"))?;
			pallet_session::NextKeys::<Runtime>::insert(&stash, keys_of(&stash));
		}
		for i in 0..p {
			let provider: AccountId = account("provider", i, 0);
			<Caesar as UsageLedger<AccountId>>::record_service(&provider, 1_000 + u128::from(i));
		}
		// The active era started at the epoch and it is now two hours later, so the era
		// pays out.
		ActiveEra::<Runtime>::mutate(|era| {
			if let Some(era) = era {
				era.start = Some(0);
			}
		});
		pallet_timestamp::Now::<Runtime>::put(2 * 60 * 60 * 1_000);
		ForceEra::<Runtime>::put(Forcing::ForceNew);
		let era = CurrentEra::<Runtime>::get().unwrap_or(0);
		let period = pallet_caesar::CurrentPeriod::<Runtime>::get();

		#[block]
		{
			// Plans the next era: the election.
			Session::rotate_session();
			// Ends the active era (payout, Caesar's period closes) and starts the next.
			Session::rotate_session();
		}

		let next = era + 1;
		ensure!(
			CurrentEra::<Runtime>::get() == Some(next),
			"the election did not plan the next era"
		);
		ensure!(
			ActiveEra::<Runtime>::get().map(|era| era.index) == Some(next),
			"the next era did not start"
		);
		ensure!(
			ErasStakersOverview::<Runtime>::iter_prefix(next).count() == v as usize,
			"not every validator was elected"
		);
		// Every elected validator authors: Aura's bound is as large as staking's set.
		ensure!(
			pallet_aura::Authorities::<Runtime>::get().len() == v as usize,
			"Aura does not have every elected validator"
		);
		ensure!(
			pallet_caesar::CurrentPeriod::<Runtime>::get() == period + 1,
			"Caesar's reward period did not close"
		);
		Ok(())
	}
}
