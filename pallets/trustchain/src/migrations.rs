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

/// Version 1 to 2: [`crate::types::AuthorityInfo`] gained `keys_set_at`, the block in which
/// an authority's current keys were set. Existing records are re-encoded with the block of
/// the upgrade: their keys were set at or before it, and the chain kept no earlier record.
pub mod v2 {
	use super::*;
	use crate::{
		types::{AuthorityKind, ClassicalPublicKey, FalconPublicKey},
		Authorities, AuthorityInfoOf, Config, Pallet,
	};
	use codec::{Decode, Encode};
	use frame_support::{
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use scale_info::TypeInfo;

	/// An authority's record as storage version 1 encoded it (no `keys_set_at`).
	#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
	pub struct AuthorityInfoV1<AccountId> {
		/// Root or intermediate (and then its parent).
		pub kind: AuthorityKind,
		/// The account that runs the authority's CA service.
		pub operator: AccountId,
		/// The authority's classical public key.
		pub classical_public_key: ClassicalPublicKey,
		/// The authority's FALCON-1024 public key.
		pub falcon_public_key: FalconPublicKey,
		/// How many intermediates name this authority as their parent.
		pub children: u32,
	}

	/// Storage as version 1 typed it.
	// `storage_alias` adds an undocumented prefix struct.
	#[allow(missing_docs)]
	pub mod v1_storage {
		use super::*;

		/// [`crate::Authorities`] with version 1's value type: the same storage (a storage
		/// alias is named after its type, so this one is `Authorities`).
		#[frame_support::storage_alias]
		pub type Authorities<T: Config> = StorageMap<
			Pallet<T>,
			frame_support::Blake2_128Concat,
			crate::types::AuthorityId,
			AuthorityInfoV1<<T as frame_system::Config>::AccountId>,
		>;
	}

	/// The migration's logic, without the version check; use [`MigrateToV2`].
	pub struct UncheckedMigrateToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let now = frame_system::Pallet::<T>::block_number();
			let mut count = 0u64;
			Authorities::<T>::translate::<AuthorityInfoV1<T::AccountId>, _>(|_, old| {
				count = count.saturating_add(1);
				Some(AuthorityInfoOf::<T> {
					kind: old.kind,
					operator: old.operator,
					classical_public_key: old.classical_public_key,
					falcon_public_key: old.falcon_public_key,
					children: old.children,
					keys_set_at: now,
				})
			});
			// One read and one write of each authority.
			T::DbWeight::get().reads_writes(count, count)
		}

		/// Keeps every version-1 record, to check each one survives the translation.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
			let old: alloc::vec::Vec<_> = v1_storage::Authorities::<T>::iter().collect();
			frame_support::ensure!(
				old.len() == Authorities::<T>::iter_keys().count(),
				"an authority record does not decode as version 1"
			);
			Ok(old.encode())
		}

		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let old = alloc::vec::Vec::<(crate::types::AuthorityId, AuthorityInfoV1<T::AccountId>)>::decode(
				&mut &state[..],
			)
			.map_err(|_| "pre-upgrade state does not decode")?;
			frame_support::ensure!(
				Authorities::<T>::iter_keys().count() == old.len(),
				"the number of authorities changed"
			);
			let now = frame_system::Pallet::<T>::block_number();
			for (id, before) in old {
				let after = Authorities::<T>::get(id).ok_or("an authority was lost")?;
				frame_support::ensure!(
					after.kind == before.kind
						&& after.operator == before.operator
						&& after.classical_public_key == before.classical_public_key
						&& after.falcon_public_key == before.falcon_public_key
						&& after.children == before.children,
					"an authority's fields changed"
				);
				frame_support::ensure!(after.keys_set_at == now, "keys_set_at not set");
			}
			Ok(())
		}
	}

	/// Migrates storage version 1 to 2, once.
	pub type MigrateToV2<T> = VersionedMigration<
		1,
		2,
		UncheckedMigrateToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
