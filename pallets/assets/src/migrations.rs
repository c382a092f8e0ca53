//! Storage migrations of the asset registry.
//!
//! Each migration is versioned with FRAME's [`VersionedMigration`], so it runs once, only
//! from the storage version it expects, and sets the new version when done.

use frame_support::migrations::VersionedMigration;

/// Version 0 to 1: staking moved to Caesar and leases got escrows, deposits and measured
/// service.
///
/// * The queue of stake unbonded with the former `unbond` call ([`v1::Unbonding`]) is
///   removed. The funds themselves are still held under
///   [`HoldReason::ProviderBond`](crate::HoldReason::ProviderBond); moving them to the
///   economy is the runtime's migration, which must run *before* this one if it needs to
///   tell unbonding funds from bonded ones (it can read them through [`v1::Unbonding`]).
/// * Live allocations are indexed by asset ([`crate::AllocationsByAsset`],
///   [`crate::AllocationCount`]), new in version 1, with the migration's block as their
///   start: service before the upgrade is not credited.
///
/// [`crate::Prices`], [`crate::AssetDeposits`] and [`crate::AllocationDeposits`] start
/// empty: existing assets are free and hold no deposits, existing allocations have no
/// escrow (closing one is skipped) and no deposit.
pub mod v1 {
	use super::*;
	use crate::{AllocationCount, Allocations, AllocationsByAsset, BalanceOf, Config, Pallet};
	use alloc::vec::Vec;
	use codec::{Decode, Encode, MaxEncodedLen};
	use frame_support::{
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
		Blake2_128Concat,
	};
	use frame_system::pallet_prelude::BlockNumberFor;
	use scale_info::TypeInfo;

	/// A chunk of the former unbonding queue: stake on its way out, held until
	/// `unlocks_at`.
	#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
	pub struct UnbondingChunk<Balance, BlockNumber> {
		/// How much.
		pub amount: Balance,
		/// The first block at which it could be withdrawn.
		pub unlocks_at: BlockNumber,
	}

	pub use alias::Unbonding;

	/// The storage alias (its generated prefix type has no documentation of its own).
	#[allow(missing_docs)]
	mod alias {
		use super::*;

		/// The former unbonding queue: stake unbonded and not yet withdrawn, by account,
		/// oldest first (bounded by the former `MaxUnbondingChunks`; read here without the
		/// bound).
		#[frame_support::storage_alias]
		pub type Unbonding<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			Vec<UnbondingChunk<BalanceOf<T>, BlockNumberFor<T>>>,
		>;
	}

	/// The migration's logic, without the version check; use [`MigrateToV1`].
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let removed = Unbonding::<T>::clear(u32::MAX, None);
			let now = frame_system::Pallet::<T>::block_number();
			let mut allocations = 0u64;
			for (id, allocation) in Allocations::<T>::iter() {
				AllocationsByAsset::<T>::insert(allocation.asset, id, now);
				AllocationCount::<T>::mutate(allocation.asset, |count| {
					*count = count.saturating_add(1)
				});
				allocations = allocations.saturating_add(1);
			}
			// The queue's entries read and removed; each allocation read, its index written
			// and its asset's count read and written.
			T::DbWeight::get()
				.reads_writes(removed.loops.into(), removed.unique.into())
				.saturating_add(T::DbWeight::get().reads_writes(
					allocations.saturating_mul(2).saturating_add(1),
					allocations.saturating_mul(2),
				))
		}

		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let queues = Unbonding::<T>::iter_keys().count() as u64;
			let allocations = Allocations::<T>::iter_keys().count() as u64;
			log::info!(
				target: "runtime::hypermesh::assets",
				"v1: removing {queues} unbonding queues, indexing {allocations} allocations"
			);
			Ok(allocations.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let allocations = u64::decode(&mut &state[..])
				.map_err(|_| "the pre-upgrade state does not decode")?;
			frame_support::ensure!(
				Unbonding::<T>::iter_keys().next().is_none(),
				"unbonding queues left after the migration"
			);
			frame_support::ensure!(
				Allocations::<T>::iter_keys().count() as u64 == allocations,
				"allocations changed during the migration"
			);
			for (id, allocation) in Allocations::<T>::iter() {
				frame_support::ensure!(
					AllocationsByAsset::<T>::contains_key(allocation.asset, id),
					"an allocation is not indexed by its asset"
				);
			}
			let counted = AllocationCount::<T>::iter_values()
				.fold(0u64, |sum, count| sum.saturating_add(count.into()));
			frame_support::ensure!(
				counted == allocations
					&& AllocationsByAsset::<T>::iter_keys().count() as u64 == allocations,
				"the allocation index or counts do not match the allocations"
			);
			Ok(())
		}
	}

	/// Migrates storage version 0 to 1, once.
	pub type MigrateToV1<T> = VersionedMigration<
		0,
		1,
		UncheckedMigrateToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
