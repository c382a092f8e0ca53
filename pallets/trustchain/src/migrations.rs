//! Storage migrations of the TrustChain pallet.
//!
//! Each migration is versioned with FRAME's [`VersionedMigration`], so it runs once, only
//! from the storage version it expects, and sets the new version when done.

use frame_support::migrations::VersionedMigration;

/// Version 0 to 1: fills [`crate::LeafHashes`] (new in version 1) from the certificates
/// already in the log, so that proofs can be served for them. The request and issuance
/// maps added in version 1 start empty and need nothing.
pub mod v1 {
	use super::*;
	use crate::{Certificates, Config, LeafHashes, Pallet};
	use frame_support::{
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use hypermesh_primitives::ct;

	/// The migration's logic, without the version check; use [`MigrateToV1`].
	pub struct UncheckedMigrateToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut count = 0u64;
			for (index, record) in Certificates::<T>::iter() {
				LeafHashes::<T>::insert(index, ct::leaf_hash(&record.der));
				count = count.saturating_add(1);
			}
			// One read of each certificate and one write of its leaf hash.
			T::DbWeight::get().reads_writes(count, count)
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			for (index, record) in Certificates::<T>::iter() {
				frame_support::ensure!(
					LeafHashes::<T>::get(index) == Some(ct::leaf_hash(&record.der)),
					"leaf hash missing or wrong after migration"
				);
			}
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
