//! Weights for `pallet_caesar`: NOT YET GENERATED.
//!
//! These are conservative placeholder figures, written by hand before the benchmarks were
//! run on reference hardware (each well above what its storage accesses and transfers
//! cost in comparable pallets). They MUST be regenerated with `scripts/weights` (see
//! `docs/weights.md`), which overwrites this file from `src/benchmarking.rs`; do not tune
//! them by hand.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// The weight of each call of `pallet_caesar`.
pub trait WeightInfo {
	fn bond() -> Weight;
	fn unbond() -> Weight;
	fn withdraw_unbonded() -> Weight;
	fn claim_reward() -> Weight;
	fn set_parameters() -> Weight;
}

/// Placeholder weights, with the runtime's database weights.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Balances::Holds` (r:1 w:1)
	fn bond() -> Weight {
		Weight::from_parts(150_000_000, 4000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Balances::Holds` (r:1 w:0)
	/// Storage: `Caesar::Unbonding` (r:1 w:1)
	fn unbond() -> Weight {
		Weight::from_parts(100_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Caesar::Unbonding` (r:1 w:1)
	/// Storage: `System::Account` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1)
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(150_000_000, 4500)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Caesar::CurrentPeriod` (r:1 w:0)
	/// Storage: `Caesar::Service` (r:1 w:1)
	/// Storage: `Caesar::ClosedPeriods` (r:1 w:1)
	/// Storage: `System::Account` (r:2 w:2)
	fn claim_reward() -> Weight {
		Weight::from_parts(200_000_000, 7000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Caesar::Parameters` (r:0 w:1)
	fn set_parameters() -> Weight {
		Weight::from_parts(50_000_000, 0)
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
}

/// The same placeholder weights with RocksDB's database weights, for tests and mocks.
impl WeightInfo for () {
	fn bond() -> Weight {
		Weight::from_parts(150_000_000, 4000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn unbond() -> Weight {
		Weight::from_parts(100_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn withdraw_unbonded() -> Weight {
		Weight::from_parts(150_000_000, 4500)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn claim_reward() -> Weight {
		Weight::from_parts(200_000_000, 7000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn set_parameters() -> Weight {
		Weight::from_parts(50_000_000, 0)
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
}
