//! # HyperMesh asset registry (first slice)
//!
//! HyperMesh providers offer hardware to consumers: CPU, GPU, memory, storage, network and
//! container slots. This pallet is the registry they meet at:
//!
//! * **Assets** of six kinds with typed capacities, an owner and a privacy level, registered,
//!   updated and retired by their owner. Each gets a stable IPv6 address inside the chain's
//!   own /64 prefix, derived from the genesis hash (`fd` + its first 7 bytes), with the asset
//!   id as interface identifier: the NAT-like global address consumers reach it at.
//! * **Allocations**: a consumer reserves an amount of an asset's capacity for a lease of at
//!   most [`Config::MaxLease`] blocks. The sum of live allocations never exceeds the capacity
//!   (checked arithmetic, refused otherwise), an owner cannot shrink an asset below what is
//!   allocated, and an expired lease can be released by anyone.
//! * **Usage reports** by the owner, kept per asset for payment (Caesar, later). A report
//!   that contradicts the registered capacity (more used than exists) costs the asset
//!   [`Config::ReputationPenalty`] of its reputation (out of 1000).
//!
//! Not in this slice: the four-proof transaction extension guarding these calls (its
//! primitives are in `hypermesh_primitives::proofs`), proxies chosen by stake and
//! reputation, the runtime API/RPC, FRAME benchmarks and generated weights (the weights
//! below are hand estimates), and the pallet is not in the runtime yet.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// An asset's identifier, assigned sequentially.
pub type AssetId = u64;

/// An allocation's identifier, assigned sequentially.
pub type AllocationId = u64;

/// The highest reputation (and every asset's starting reputation).
pub const MAX_REPUTATION: u32 = 1000;

/// What an asset is, with its capacity in the unit allocations are counted in.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum AssetKind {
	/// Processor cores (allocated by core).
	Cpu {
		/// Cores.
		cores: u32,
		/// Base frequency, MHz.
		mhz: u32,
	},
	/// GPUs (allocated by device).
	Gpu {
		/// Devices.
		devices: u32,
		/// Memory per device, MiB.
		memory_mib: u64,
	},
	/// Memory (allocated by MiB).
	Memory {
		/// MiB.
		mib: u64,
	},
	/// Storage (allocated by GiB).
	Storage {
		/// GiB.
		gib: u64,
	},
	/// Network bandwidth (allocated by Mbit/s).
	Network {
		/// Mbit/s.
		mbps: u64,
	},
	/// Container slots (allocated by slot).
	Container {
		/// Slots.
		slots: u32,
	},
}

impl AssetKind {
	/// The allocatable capacity: cores, devices, MiB, GiB, Mbit/s or slots.
	pub fn capacity(&self) -> u64 {
		match *self {
			Self::Cpu { cores, .. } => cores.into(),
			Self::Gpu { devices, .. } => devices.into(),
			Self::Memory { mib } => mib,
			Self::Storage { gib } => gib,
			Self::Network { mbps } => mbps,
			Self::Container { slots } => slots.into(),
		}
	}

	fn same_kind(&self, other: &Self) -> bool {
		core::mem::discriminant(self) == core::mem::discriminant(other)
	}
}

/// Who may allocate an asset.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum Privacy {
	/// Only its owner.
	Private,
	/// Only its owner's network (in this slice: only its owner).
	PrivateNetwork,
	/// Peers, directly.
	P2P,
	/// Anyone on the HyperMesh network.
	PublicNetwork,
	/// Anyone.
	FullPublic,
}

impl Privacy {
	fn allows<AccountId: PartialEq>(&self, owner: &AccountId, who: &AccountId) -> bool {
		match self {
			Self::Private | Self::PrivateNetwork => owner == who,
			Self::P2P | Self::PublicNetwork | Self::FullPublic => true,
		}
	}
}

/// A registered asset.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Asset<AccountId> {
	/// Its owner.
	pub owner: AccountId,
	/// What it is and how much of it there is.
	pub kind: AssetKind,
	/// Who may allocate it.
	pub privacy: Privacy,
	/// The capacity held by live allocations.
	pub allocated: u64,
	/// Its IPv6 address in the chain's prefix.
	pub address: [u8; 16],
	/// Out of [`MAX_REPUTATION`].
	pub reputation: u32,
}

/// A consumer's allocation of part of an asset.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Allocation<AccountId, BlockNumber> {
	/// The asset.
	pub asset: AssetId,
	/// The consumer.
	pub consumer: AccountId,
	/// How much capacity.
	pub amount: u64,
	/// The first block at which the lease is over.
	pub expires_at: BlockNumber,
}

/// An owner's usage report.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct UsageRecord<BlockNumber> {
	/// When it was reported.
	pub at: BlockNumber,
	/// Capacity in use, in the asset's unit.
	pub used: u64,
}

/// The chain's /64 prefix: `fd` and the first 7 bytes of the genesis hash.
pub fn chain_prefix(genesis_hash: &[u8]) -> [u8; 8] {
	let mut prefix = [0u8; 8];
	prefix[0] = 0xfd;
	for (slot, byte) in prefix[1..].iter_mut().zip(genesis_hash) {
		*slot = *byte;
	}
	prefix
}

/// An asset's address: the chain prefix and the asset id.
pub fn asset_address(prefix: [u8; 8], id: AssetId) -> [u8; 16] {
	let mut address = [0u8; 16];
	address[..8].copy_from_slice(&prefix);
	address[8..].copy_from_slice(&id.to_be_bytes());
	address
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::Saturating;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The longest lease, in blocks.
		#[pallet::constant]
		type MaxLease: Get<BlockNumberFor<Self>>;

		/// The most assets one owner may register.
		#[pallet::constant]
		type MaxAssetsPerOwner: Get<u32>;

		/// Reputation lost per contradicting report.
		#[pallet::constant]
		type ReputationPenalty: Get<u32>;
	}

	/// The id the next asset gets.
	#[pallet::storage]
	pub type NextAssetId<T> = StorageValue<_, AssetId, ValueQuery>;

	/// Registered assets.
	#[pallet::storage]
	pub type Assets<T: Config> = StorageMap<_, Twox64Concat, AssetId, Asset<T::AccountId>>;

	/// How many assets each owner has.
	#[pallet::storage]
	pub type OwnerAssetCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Assets by owner.
	#[pallet::storage]
	pub type AssetsByOwner<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, AssetId, ()>;

	/// Assets by address.
	#[pallet::storage]
	pub type AssetByAddress<T> = StorageMap<_, Identity, [u8; 16], AssetId>;

	/// The id the next allocation gets.
	#[pallet::storage]
	pub type NextAllocationId<T> = StorageValue<_, AllocationId, ValueQuery>;

	/// Live allocations.
	#[pallet::storage]
	pub type Allocations<T: Config> =
		StorageMap<_, Twox64Concat, AllocationId, Allocation<T::AccountId, BlockNumberFor<T>>>;

	/// Each asset's latest usage report.
	#[pallet::storage]
	pub type Usage<T: Config> =
		StorageMap<_, Twox64Concat, AssetId, UsageRecord<BlockNumberFor<T>>>;

	/// What happened.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An asset was registered.
		AssetRegistered {
			/// Its id.
			id: AssetId,
			/// Its owner.
			owner: T::AccountId,
			/// Its address.
			address: [u8; 16],
		},
		/// An asset's capacity or privacy changed.
		AssetUpdated {
			/// Its id.
			id: AssetId,
		},
		/// An asset was retired.
		AssetRetired {
			/// Its id.
			id: AssetId,
		},
		/// Capacity was allocated.
		Allocated {
			/// The allocation.
			id: AllocationId,
			/// The asset.
			asset: AssetId,
			/// The consumer.
			consumer: T::AccountId,
			/// How much.
			amount: u64,
			/// When the lease ends.
			expires_at: BlockNumberFor<T>,
		},
		/// An allocation was released.
		Released {
			/// The allocation.
			id: AllocationId,
		},
		/// Usage was reported.
		UsageReported {
			/// The asset.
			asset: AssetId,
			/// How much was in use.
			used: u64,
		},
		/// A report claimed more use than the asset's capacity; its reputation fell.
		ReportContradicted {
			/// The asset.
			asset: AssetId,
			/// Its reputation now.
			reputation: u32,
		},
	}

	/// Why a call failed. A failed call changes nothing.
	#[pallet::error]
	pub enum Error<T> {
		/// The capacity is zero.
		ZeroCapacity,
		/// The owner has the most assets allowed.
		TooManyAssets,
		/// No asset has this id.
		UnknownAsset,
		/// The caller does not own the asset.
		NotOwner,
		/// An update cannot change an asset's kind.
		KindChanged,
		/// The new capacity is below what is allocated.
		BelowAllocated,
		/// The asset has live allocations.
		HasAllocations,
		/// The asset's privacy does not allow the caller.
		NotAllowed,
		/// The amount is zero.
		ZeroAmount,
		/// The lease is zero or longer than [`Config::MaxLease`].
		BadLease,
		/// Not enough free capacity.
		OverAllocation,
		/// No allocation has this id.
		UnknownAllocation,
		/// Only the consumer may release a lease before it ends.
		NotConsumer,
		/// An identifier counter overflowed.
		Overflow,
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers an asset owned by the caller.
		#[pallet::call_index(0)]
		#[pallet::weight(Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(3, 6)))]
		pub fn register_asset(
			origin: OriginFor<T>,
			kind: AssetKind,
			privacy: Privacy,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			ensure!(kind.capacity() > 0, Error::<T>::ZeroCapacity);
			let count = OwnerAssetCount::<T>::get(&owner);
			ensure!(
				count < T::MaxAssetsPerOwner::get(),
				Error::<T>::TooManyAssets
			);
			let id = NextAssetId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
			let address = asset_address(chain_prefix(genesis.as_ref()), id);
			NextAssetId::<T>::put(next);
			OwnerAssetCount::<T>::insert(&owner, count.saturating_add(1));
			AssetsByOwner::<T>::insert(&owner, id, ());
			AssetByAddress::<T>::insert(address, id);
			Assets::<T>::insert(
				id,
				Asset {
					owner: owner.clone(),
					kind,
					privacy,
					allocated: 0,
					address,
					reputation: MAX_REPUTATION,
				},
			);
			Self::deposit_event(Event::AssetRegistered { id, owner, address });
			Ok(())
		}

		/// Changes an asset's capacity (same kind, not below what is allocated) and privacy.
		#[pallet::call_index(1)]
		#[pallet::weight(Weight::from_parts(30_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(1, 1)))]
		pub fn update_asset(
			origin: OriginFor<T>,
			id: AssetId,
			kind: AssetKind,
			privacy: Privacy,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Assets::<T>::try_mutate(id, |asset| -> DispatchResult {
				let asset = asset.as_mut().ok_or(Error::<T>::UnknownAsset)?;
				ensure!(asset.owner == who, Error::<T>::NotOwner);
				ensure!(asset.kind.same_kind(&kind), Error::<T>::KindChanged);
				ensure!(kind.capacity() > 0, Error::<T>::ZeroCapacity);
				ensure!(
					kind.capacity() >= asset.allocated,
					Error::<T>::BelowAllocated
				);
				asset.kind = kind;
				asset.privacy = privacy;
				Ok(())
			})?;
			Self::deposit_event(Event::AssetUpdated { id });
			Ok(())
		}

		/// Retires an asset with no live allocations.
		#[pallet::call_index(2)]
		#[pallet::weight(Weight::from_parts(30_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 5)))]
		pub fn retire_asset(origin: OriginFor<T>, id: AssetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let asset = Assets::<T>::get(id).ok_or(Error::<T>::UnknownAsset)?;
			ensure!(asset.owner == who, Error::<T>::NotOwner);
			ensure!(asset.allocated == 0, Error::<T>::HasAllocations);
			Assets::<T>::remove(id);
			AssetsByOwner::<T>::remove(&who, id);
			AssetByAddress::<T>::remove(asset.address);
			Usage::<T>::remove(id);
			OwnerAssetCount::<T>::mutate(&who, |count| *count = count.saturating_sub(1));
			Self::deposit_event(Event::AssetRetired { id });
			Ok(())
		}

		/// Allocates `amount` of an asset's capacity to the caller for `lease` blocks.
		#[pallet::call_index(3)]
		#[pallet::weight(Weight::from_parts(40_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 3)))]
		pub fn allocate(
			origin: OriginFor<T>,
			asset: AssetId,
			amount: u64,
			lease: BlockNumberFor<T>,
		) -> DispatchResult {
			let consumer = ensure_signed(origin)?;
			ensure!(amount > 0, Error::<T>::ZeroAmount);
			ensure!(
				lease > BlockNumberFor::<T>::zero() && lease <= T::MaxLease::get(),
				Error::<T>::BadLease
			);
			let id = NextAllocationId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			Assets::<T>::try_mutate(asset, |entry| -> DispatchResult {
				let entry = entry.as_mut().ok_or(Error::<T>::UnknownAsset)?;
				ensure!(
					entry.privacy.allows(&entry.owner, &consumer),
					Error::<T>::NotAllowed
				);
				let allocated = entry
					.allocated
					.checked_add(amount)
					.ok_or(Error::<T>::OverAllocation)?;
				ensure!(
					allocated <= entry.kind.capacity(),
					Error::<T>::OverAllocation
				);
				entry.allocated = allocated;
				Ok(())
			})?;
			let expires_at = frame_system::Pallet::<T>::block_number().saturating_add(lease);
			NextAllocationId::<T>::put(next);
			Allocations::<T>::insert(
				id,
				Allocation {
					asset,
					consumer: consumer.clone(),
					amount,
					expires_at,
				},
			);
			Self::deposit_event(Event::Allocated {
				id,
				asset,
				consumer,
				amount,
				expires_at,
			});
			Ok(())
		}

		/// Releases an allocation: by its consumer at any time, by anyone once the lease
		/// has ended.
		#[pallet::call_index(4)]
		#[pallet::weight(Weight::from_parts(30_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(2, 2)))]
		pub fn release(origin: OriginFor<T>, id: AllocationId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let allocation = Allocations::<T>::get(id).ok_or(Error::<T>::UnknownAllocation)?;
			ensure!(
				allocation.consumer == who
					|| allocation.expires_at <= frame_system::Pallet::<T>::block_number(),
				Error::<T>::NotConsumer
			);
			Allocations::<T>::remove(id);
			Assets::<T>::mutate_extant(allocation.asset, |asset| {
				asset.allocated = asset.allocated.saturating_sub(allocation.amount)
			});
			Self::deposit_event(Event::Released { id });
			Ok(())
		}

		/// The owner reports how much of an asset is in use. More than its capacity
		/// contradicts the registration and costs reputation; the report is not kept.
		#[pallet::call_index(5)]
		#[pallet::weight(Weight::from_parts(30_000_000, 4_000).saturating_add(T::DbWeight::get().reads_writes(1, 2)))]
		pub fn report_usage(origin: OriginFor<T>, asset: AssetId, used: u64) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut entry = Assets::<T>::get(asset).ok_or(Error::<T>::UnknownAsset)?;
			ensure!(entry.owner == who, Error::<T>::NotOwner);
			if used > entry.kind.capacity() {
				entry.reputation = entry.reputation.saturating_sub(T::ReputationPenalty::get());
				let reputation = entry.reputation;
				Assets::<T>::insert(asset, entry);
				Self::deposit_event(Event::ReportContradicted { asset, reputation });
				return Ok(());
			}
			Usage::<T>::insert(
				asset,
				UsageRecord {
					at: frame_system::Pallet::<T>::block_number(),
					used,
				},
			);
			Self::deposit_event(Event::UsageReported { asset, used });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Resolves an address in the chain's prefix to its asset and owner.
	pub fn resolve_address(address: [u8; 16]) -> Option<(AssetId, T::AccountId)> {
		let id = AssetByAddress::<T>::get(address)?;
		Assets::<T>::get(id).map(|asset| (id, asset.owner))
	}
}
