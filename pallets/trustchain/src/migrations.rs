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

/// Version 2 to 3: [`crate::NameCertificates`] (new) lists each name's live certificates,
/// which the name's transfer, release or take-over revokes. It is filled from the
/// certificates already issued (their names are read from their DER in the log). A live
/// certificate whose name is no longer its holder's (transferred, released or taken over
/// before version 3 revoked certificates with their names) is revoked now, as
/// `Superseded` if the name has another owner and as `CessationOfOperation` if it is
/// unregistered; where a name has more live certificates than
/// [`crate::Config::MaxCertificatesPerName`], the oldest are revoked as `Superseded`, so
/// that every live certificate is listed under each of its names.
pub mod v3 {
	use super::*;
	use crate::{
		types::{CertificateId, Label, Revocation, RevocationReason},
		Certificates, Config, Issued, NameCertificates, Names, Pallet,
	};
	use alloc::{
		collections::{BTreeMap, BTreeSet},
		vec::Vec,
	};
	use frame_support::{
		traits::{Get, UncheckedOnRuntimeUpgrade, UnixTime},
		weights::Weight,
	};
	use hypermesh_primitives::x509::HybridCertificate;

	/// The live (not revoked, not expired) issued certificates, each with its holder and
	/// the labels of its names, oldest first, and how many storage entries were read.
	#[allow(clippy::type_complexity)]
	pub(crate) fn live_certificates<T: Config>(
	) -> (Vec<(CertificateId, T::AccountId, Vec<Label>)>, u64) {
		let now = T::UnixTime::now().as_secs();
		let mut reads = 0u64;
		let mut live = Vec::new();
		for (id, issued) in Issued::<T>::iter() {
			reads = reads.saturating_add(1);
			if issued.revocation != Revocation::NotRevoked || now >= issued.not_after {
				continue;
			}
			reads = reads.saturating_add(1);
			// Every issued certificate was parsed at issuance; one that no longer parses
			// names nothing.
			let labels = Certificates::<T>::get(id)
				.and_then(|record| HybridCertificate::parse(&record.der).ok())
				.map(|cert| {
					cert.dns_names
						.iter()
						.filter_map(|name| Pallet::<T>::label_of(name).ok())
						.collect()
				})
				.unwrap_or_default();
			live.push((id, issued.holder, labels));
		}
		live.sort_by_key(|(id, _, _)| *id);
		(live, reads)
	}

	/// The migration's logic, without the version check; use [`MigrateToV3`].
	pub struct UncheckedMigrateToV3<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for UncheckedMigrateToV3<T> {
		fn on_runtime_upgrade() -> Weight {
			let (live, mut reads) = live_certificates::<T>();
			let mut writes = 0u64;

			// Revoke the certificates whose names left their holder.
			let mut owners = BTreeMap::new();
			let mut kept: BTreeMap<Label, Vec<CertificateId>> = BTreeMap::new();
			for (id, holder, labels) in live {
				let mut reason = None;
				for label in &labels {
					let owner = owners.entry(label.clone()).or_insert_with(|| {
						reads = reads.saturating_add(1);
						Names::<T>::get(label).map(|info| info.owner)
					});
					match owner {
						None => reason = Some(RevocationReason::CessationOfOperation),
						Some(owner) if *owner != holder && reason.is_none() => {
							reason = Some(RevocationReason::Superseded)
						}
						_ => {}
					}
				}
				if let Some(reason) = reason {
					// Live, so it exists and is not revoked: this cannot fail.
					let _ = Pallet::<T>::revoke(id, reason);
					writes = writes.saturating_add(1);
					continue;
				}
				for label in labels {
					kept.entry(label).or_default().push(id);
				}
			}

			// List each name's certificates: the newest, as many as the bound allows.
			// A certificate with several names may have been superseded under another.
			let bound = T::MaxCertificatesPerName::get() as usize;
			let mut superseded = BTreeSet::new();
			for (label, mut ids) in kept {
				ids.retain(|id| !superseded.contains(id));
				let surplus = ids.len().saturating_sub(bound);
				for id in ids.drain(..surplus) {
					// Live, and not revoked yet (see above): this cannot fail.
					let _ = Pallet::<T>::revoke(id, RevocationReason::Superseded);
					superseded.insert(id);
					writes = writes.saturating_add(1);
				}
				// At most `bound` ids are left.
				let list: frame_support::BoundedVec<CertificateId, T::MaxCertificatesPerName> =
					frame_support::BoundedVec::truncate_from(ids);
				NameCertificates::<T>::insert(label, list);
				writes = writes.saturating_add(1);
			}
			// Issued certificates, the log entries of the live ones, their names; the
			// revocations and the lists.
			T::DbWeight::get().reads_writes(reads, writes)
		}

		/// Checks that no list exists yet, and keeps the number of live certificates.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			use codec::Encode;
			frame_support::ensure!(
				NameCertificates::<T>::iter_keys().next().is_none(),
				"version 2 has no certificate lists"
			);
			let (live, _) = live_certificates::<T>();
			Ok((live.len() as u64).encode())
		}

		/// Checks that every certificate still live is listed under each of its names,
		/// which its holder owns, and that no certificate came back to life.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use codec::Decode;
			let before =
				u64::decode(&mut &state[..]).map_err(|_| "pre-upgrade state does not decode")?;
			let (live, _) = live_certificates::<T>();
			frame_support::ensure!(
				live.len() as u64 <= before,
				"more live certificates after the migration"
			);
			for (id, holder, labels) in live {
				for label in labels {
					frame_support::ensure!(
						NameCertificates::<T>::get(&label).contains(&id),
						"a live certificate is not listed under its name"
					);
					frame_support::ensure!(
						Names::<T>::get(&label).is_some_and(|info| info.owner == holder),
						"a live certificate's name is not its holder's"
					);
				}
			}
			Ok(())
		}
	}

	/// Migrates storage version 2 to 3, once.
	pub type MigrateToV3<T> = VersionedMigration<
		2,
		3,
		UncheckedMigrateToV3<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
