//! # HyperMesh asset registry
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
//! * **Telemetry** reported by the owner (the hardware oracle): the capacity it measured and
//!   what is in use, kept per asset for payment (Caesar, later). A report that contradicts
//!   the registration (less capacity measured than registered, or more in use than exists)
//!   costs the asset [`Config::ReputationPenalty`] of its reputation (out of 1000).
//! * **Four-proof validity**: registering, updating, allocating and reporting each carry a
//!   [`ConsensusProof`] (space, stake, work, time; see `hypermesh_primitives::proofs`). The
//!   [`CheckConsensusProof`] transaction extension checks it in the transaction pool, so an
//!   invalid proof never enters a block, each failure with its own
//!   `InvalidTransaction::Custom` code ([`ProofRejection`]); the call checks it again and
//!   marks it used, so a runtime without the extension still refuses unproven calls.
//!   PoSpace answers challenges against a commitment registered with
//!   [`Pallet::commit_space`]; PoStake reads the signer's bonded stake through
//!   [`Config::Stake`] (funds held by [`Pallet::bond`] until Caesar provides staking).
//! * **Space audits**: anyone may challenge a provider's space commitment
//!   ([`Pallet::challenge_space`]), holding [`Config::ChallengeDeposit`]. The chain draws the
//!   challenged chunks from the parent block's hash; the provider must send those chunks'
//!   bytes with their Merkle paths ([`Pallet::answer_challenge`]) within
//!   [`Config::ChallengePeriod`] blocks. A right answer earns the provider the deposit. A
//!   wrong answer, or none by the deadline, costs each of the provider's assets
//!   [`Config::ReputationPenalty`] and returns the deposit: reputation falls when PoSpace
//!   challenges fail. (The PoSpace proofs inside guarded calls cannot cost reputation: a bad
//!   one is refused in the pool and never reaches the chain.)
//! * **Proxies**: [`Pallet::select_proxies`] ranks public network assets by reputation, then
//!   by their owner's bonded stake: the trust-based choice of remote proxies.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod extension;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;
pub mod weights;

pub use extension::{CheckConsensusProof, ProofRejection};
pub use hypermesh_primitives::proofs::{
	ChunkData, ConsensusProof, SpaceCommitment, SpaceProof, StakeProof, TimeProof, WorkProof,
	MAX_CHUNK_LEN,
};
pub use pallet::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use hypermesh_primitives::{ct::Hash, proofs};
use scale_info::TypeInfo;
use sp_runtime::SaturatedConversion;

/// An asset's identifier, assigned sequentially.
pub type AssetId = u64;

/// An allocation's identifier, assigned sequentially.
pub type AllocationId = u64;

/// The highest reputation (and every asset's starting reputation).
pub const MAX_REPUTATION: u32 = 1000;

/// The domain tag in front of every operation hash (see [`Call::operation`]).
pub const OPERATION_DOMAIN: &[u8] = b"HyperMesh assets operation v1\0";

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
	/// Only its owner's network (for now: only its owner).
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

	/// Whether the asset may serve as a remote proxy for anyone.
	pub fn is_public(&self) -> bool {
		matches!(self, Self::PublicNetwork | Self::FullPublic)
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

/// What the owner's hardware oracle measured for an asset.
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
pub struct Telemetry {
	/// The capacity found on the machine, in the asset's unit (`None` where the oracle
	/// cannot measure it, e.g. a link's bandwidth or container slots).
	pub measured_capacity: Option<u64>,
	/// Capacity in use, in the asset's unit.
	pub used: u64,
}

/// An accepted telemetry report.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct UsageRecord<BlockNumber> {
	/// When it was reported.
	pub at: BlockNumber,
	/// What was measured.
	pub telemetry: Telemetry,
}

/// The parameters a client needs to build a [`ConsensusProof`] the chain accepts.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct ProofParameters {
	/// PoWork: leading zero bits required.
	pub work_difficulty: u32,
	/// PoTime: how many blocks old the referenced block may be.
	pub window: u32,
	/// PoStake: the least bonded stake, in the chain's smallest unit.
	pub minimum_stake: u128,
	/// PoSpace: the fewest chunks a commitment may have.
	pub min_space_chunks: u64,
}

/// An open challenge to a provider's space commitment (an audit).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct SpaceChallenge<AccountId, Balance, BlockNumber> {
	/// Who asked, and holds [`SpaceChallenge::deposit`] until it is settled.
	pub challenger: AccountId,
	/// The deposit held from the challenger.
	pub deposit: Balance,
	/// The randomness the challenged chunks are drawn from (the hash of the block before
	/// the one that issued the challenge).
	pub seed: Hash,
	/// The block at whose start an unanswered challenge fails.
	pub deadline: BlockNumber,
}

/// Where a signer's bonded stake comes from (Caesar's staking, later; [`HeldStake`], funds
/// held by [`Pallet::bond`], until then).
pub trait BondedStake<AccountId> {
	/// The stake `who` has bonded, in the chain's smallest unit.
	fn bonded(who: &AccountId) -> u128;
}

/// The calls a runtime call carries and dispatches, with the account each is dispatched
/// as, for [`CheckConsensusProof`] to look into: a batch's calls run as the signer, an
/// `as_derivative` call as the signer's derivative account, a `sudo_as` call as its
/// target. A guarded call's proof is checked against the account it will run as.
pub trait InnerCalls<RuntimeCall, AccountId> {
	/// The calls `call` carries when `signer` dispatches it (not recursively; the
	/// extension recurses), each with the account it runs as, or `None` where it does not
	/// run as a signed account (e.g. `sudo`'s root: a guarded call refuses that origin).
	fn inner_calls<'a>(
		call: &'a RuntimeCall,
		signer: &AccountId,
	) -> Vec<(&'a RuntimeCall, Option<AccountId>)>;
}

impl<RuntimeCall, AccountId> InnerCalls<RuntimeCall, AccountId> for () {
	fn inner_calls<'a>(
		_: &'a RuntimeCall,
		_: &AccountId,
	) -> Vec<(&'a RuntimeCall, Option<AccountId>)> {
		Vec::new()
	}
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

/// Stake on its way out: held until `unlocks_at`, then released by
/// [`Pallet::withdraw_unbonded`].
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct UnbondingChunk<Balance, BlockNumber> {
	/// How much.
	pub amount: Balance,
	/// The first block at which it can be withdrawn.
	pub unlocks_at: BlockNumber,
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

/// Whether `address` can locate a provider: an IPv6 unicast address, not unspecified,
/// not multicast, and not an IPv4 host in IPv6 form (`hypermesh_primitives::ipv6`, the
/// rule TrustChain's AAAA records follow); the loopback `::1` is allowed.
pub fn is_ipv6_location(address: &[u8; 16]) -> bool {
	use hypermesh_primitives::ipv6;
	!(ipv6::is_unspecified(address) || ipv6::is_multicast(address) || ipv6::embeds_ipv4(address))
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::traits::fungible::{self, MutateHold};
	use frame_system::pallet_prelude::*;
	use sp_runtime::traits::{Saturating, Zero};

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency stake is bonded in (held under [`HoldReason::ProviderBond`]).
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, which include this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Where PoStake reads the signer's bonded stake ([`HeldStake`] until Caesar).
		type Stake: BondedStake<Self::AccountId>;

		/// PoStake: the least bonded stake a guarded call needs.
		#[pallet::constant]
		type MinimumStake: Get<u128>;

		/// PoWork: the leading zero bits a work hash needs.
		#[pallet::constant]
		type WorkDifficulty: Get<u32>;

		/// PoTime: how many blocks old a proof's referenced block may be. Must be below
		/// `frame_system::Config::BlockHashCount` (checked by `integrity_test`).
		#[pallet::constant]
		type ProofWindow: Get<u32>;

		/// PoSpace: the fewest chunks a commitment may have.
		#[pallet::constant]
		type MinSpaceChunks: Get<u64>;

		/// The most space commitments one account may keep.
		#[pallet::constant]
		type MaxCommitmentsPerAccount: Get<u32>;

		/// The longest lease, in blocks.
		#[pallet::constant]
		type MaxLease: Get<BlockNumberFor<Self>>;

		/// The most assets one owner may register.
		#[pallet::constant]
		type MaxAssetsPerOwner: Get<u32>;

		/// Reputation lost per contradicting report, and by each of a provider's assets per
		/// failed space challenge.
		#[pallet::constant]
		type ReputationPenalty: Get<u32>;

		/// What a challenger holds while its space challenge is open: paid to the provider
		/// if it answers right, returned otherwise.
		#[pallet::constant]
		type ChallengeDeposit: Get<BalanceOf<Self>>;

		/// How many blocks unbonded stake stays held (no longer counted as stake) before
		/// it can be withdrawn.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The most unbonding chunks an account may have waiting at once.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// How many blocks a provider has to answer a space challenge.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;

		/// The most space challenges that may fall due in one block.
		#[pallet::constant]
		type MaxChallengesPerBlock: Get<u32>;

		/// The calls a call carries (a batch's calls, `as_derivative`'s call, ...) and the
		/// account each runs as, so that [`CheckConsensusProof`] checks guarded calls inside
		/// them too; `()` for none.
		type InnerCalls: InnerCalls<<Self as frame_system::Config>::RuntimeCall, Self::AccountId>;

		/// Weights of the calls and of the proof check, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Stake bonded by a provider or consumer (PoStake).
		#[codec(index = 0)]
		ProviderBond,
		/// A challenger's deposit on an open space challenge.
		#[codec(index = 1)]
		ChallengeDeposit,
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

	/// Each asset's latest accepted telemetry.
	#[pallet::storage]
	pub type Usage<T: Config> =
		StorageMap<_, Twox64Concat, AssetId, UsageRecord<BlockNumberFor<T>>>;

	/// Space commitments by account and commitment id (PoSpace answers against these).
	#[pallet::storage]
	pub type SpaceCommitments<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Identity, Hash, SpaceCommitment>;

	/// How many space commitments each account keeps.
	#[pallet::storage]
	pub type CommitmentCount<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Proofs already used, by the number of the block they reference and their id. An
	/// entry is pruned once its block is outside the window, when the proof is stale anyway.
	#[pallet::storage]
	pub type UsedProofs<T> = StorageDoubleMap<_, Twox64Concat, u32, Identity, Hash, ()>;

	/// Stake unbonded and not yet withdrawn, by account, oldest first.
	#[pallet::storage]
	pub type Unbonding<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<UnbondingChunk<BalanceOf<T>, BlockNumberFor<T>>, T::MaxUnbondingChunks>,
		ValueQuery,
	>;

	/// Open space challenges, by provider and commitment id (at most one per commitment).
	#[pallet::storage]
	pub type SpaceChallenges<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Identity,
		Hash,
		SpaceChallenge<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
	>;

	/// The challenges falling due at the start of each block (answered ones stay listed and
	/// are skipped then).
	#[pallet::storage]
	pub type ChallengeDeadlines<T: Config> = StorageMap<
		_,
		Twox64Concat,
		BlockNumberFor<T>,
		BoundedVec<(T::AccountId, Hash), T::MaxChallengesPerBlock>,
		ValueQuery,
	>;

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
		/// Telemetry was accepted.
		TelemetryReported {
			/// The asset.
			asset: AssetId,
			/// What was measured.
			telemetry: Telemetry,
		},
		/// A report contradicted the registration; the asset's reputation fell.
		ReportContradicted {
			/// The asset.
			asset: AssetId,
			/// Its reputation now.
			reputation: u32,
		},
		/// A space commitment was registered.
		SpaceCommitted {
			/// Whose.
			who: T::AccountId,
			/// Its id.
			id: Hash,
		},
		/// A space commitment was withdrawn.
		SpaceWithdrawn {
			/// Whose.
			who: T::AccountId,
			/// Its id.
			id: Hash,
		},
		/// A provider's space commitment was challenged.
		SpaceChallenged {
			/// The provider.
			provider: T::AccountId,
			/// The commitment's id.
			commitment: Hash,
			/// Who challenged.
			challenger: T::AccountId,
			/// The block at whose start an unanswered challenge fails.
			deadline: BlockNumberFor<T>,
		},
		/// A provider answered a space challenge with the right chunks and earned the
		/// deposit.
		ChallengeAnswered {
			/// The provider.
			provider: T::AccountId,
			/// The commitment's id.
			commitment: Hash,
		},
		/// A space challenge failed: answered wrong, or not by the deadline. Each of the
		/// provider's assets lost [`Config::ReputationPenalty`].
		ChallengeFailed {
			/// The provider.
			provider: T::AccountId,
			/// The commitment's id.
			commitment: Hash,
			/// Whether the deadline passed without an answer (`false`: a wrong answer).
			expired: bool,
			/// How many of the provider's assets lost reputation.
			assets: u32,
		},
		/// Stake was bonded.
		Bonded {
			/// Whose.
			who: T::AccountId,
			/// How much more.
			amount: BalanceOf<T>,
		},
		/// Stake was unbonded: no longer counted as stake, held until `unlocks_at`.
		Unbonded {
			/// Whose.
			who: T::AccountId,
			/// How much.
			amount: BalanceOf<T>,
			/// The first block at which it can be withdrawn.
			unlocks_at: BlockNumberFor<T>,
		},
		/// Unbonded stake was released to its owner.
		Withdrawn {
			/// Whose.
			who: T::AccountId,
			/// How much.
			amount: BalanceOf<T>,
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
		/// The consensus proof is invalid (the transaction pool says which part, see
		/// [`ProofRejection`]; a call only sees this without the extension).
		InvalidConsensusProof,
		/// The consensus proof was already used.
		ProofReused,
		/// The commitment has fewer than [`Config::MinSpaceChunks`] chunks, or more than a
		/// proof path can address.
		BadChunkCount,
		/// The commitment's location is not an IPv6 unicast address (IPv4-mapped,
		/// IPv4-compatible, unspecified and multicast addresses are refused), or its port
		/// is zero.
		NotIpv6Location,
		/// The account keeps the most commitments allowed.
		TooManyCommitments,
		/// This commitment is already registered.
		CommitmentExists,
		/// No commitment of the caller's has this id.
		UnknownCommitment,
		/// Less is bonded than the amount to unbond.
		NotBonded,
		/// The account has the most unbonding chunks allowed waiting; withdraw first.
		TooManyUnbondingChunks,
		/// No unbonded stake of the account's has unlocked yet.
		NothingToWithdraw,
		/// The commitment has an open challenge (answer it first).
		ChallengePending,
		/// As many challenges already fall due in that block as allowed; try in a later one.
		TooManyChallenges,
		/// The caller has no open challenge on this commitment.
		NoChallenge,
		/// An answered chunk is longer than [`MAX_CHUNK_LEN`].
		ChunkTooLarge,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			// A proof referencing block `now - 1 - window - 1` is stale from this block on.
			let now: u32 = now.saturated_into();
			let challenges = Self::expire_challenges(BlockNumberFor::<T>::from(now));
			let Some(expired) = now.checked_sub(T::ProofWindow::get().saturating_add(2)) else {
				return challenges;
			};
			let removed = UsedProofs::<T>::clear_prefix(expired, u32::MAX, None).unique;
			challenges
				.saturating_add(T::DbWeight::get().reads_writes(removed.into(), removed.into()))
		}

		fn integrity_test() {
			let hash_count: u64 =
				<T as frame_system::Config>::BlockHashCount::get().saturated_into();
			assert!(
				u64::from(T::ProofWindow::get()) < hash_count,
				"ProofWindow must be below BlockHashCount, or referenced blocks are forgotten"
			);
			assert!(
				T::MinSpaceChunks::get() >= 1,
				"MinSpaceChunks must be at least 1"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Registers an asset owned by the caller. Guarded by a consensus proof.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_asset())]
		pub fn register_asset(
			origin: OriginFor<T>,
			kind: AssetKind,
			privacy: Privacy,
			proof: ConsensusProof,
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
			Self::use_proof(
				&owner,
				&Call::<T>::register_operation(&kind, &privacy),
				&proof,
			)?;
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
		/// Guarded by a consensus proof.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_asset())]
		pub fn update_asset(
			origin: OriginFor<T>,
			id: AssetId,
			kind: AssetKind,
			privacy: Privacy,
			proof: ConsensusProof,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut asset = Assets::<T>::get(id).ok_or(Error::<T>::UnknownAsset)?;
			ensure!(asset.owner == who, Error::<T>::NotOwner);
			ensure!(asset.kind.same_kind(&kind), Error::<T>::KindChanged);
			ensure!(kind.capacity() > 0, Error::<T>::ZeroCapacity);
			ensure!(
				kind.capacity() >= asset.allocated,
				Error::<T>::BelowAllocated
			);
			Self::use_proof(
				&who,
				&Call::<T>::update_operation(id, &kind, &privacy),
				&proof,
			)?;
			asset.kind = kind;
			asset.privacy = privacy;
			Assets::<T>::insert(id, asset);
			Self::deposit_event(Event::AssetUpdated { id });
			Ok(())
		}

		/// Retires an asset with no live allocations.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::retire_asset())]
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
		/// Guarded by a consensus proof.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::allocate())]
		pub fn allocate(
			origin: OriginFor<T>,
			asset: AssetId,
			amount: u64,
			lease: BlockNumberFor<T>,
			proof: ConsensusProof,
		) -> DispatchResult {
			let consumer = ensure_signed(origin)?;
			ensure!(amount > 0, Error::<T>::ZeroAmount);
			ensure!(
				lease > BlockNumberFor::<T>::zero() && lease <= T::MaxLease::get(),
				Error::<T>::BadLease
			);
			let id = NextAllocationId::<T>::get();
			let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
			let mut entry = Assets::<T>::get(asset).ok_or(Error::<T>::UnknownAsset)?;
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
			Self::use_proof(
				&consumer,
				&Call::<T>::allocate_operation(asset, amount, &lease),
				&proof,
			)?;
			entry.allocated = allocated;
			Assets::<T>::insert(asset, entry);
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
		#[pallet::weight(T::WeightInfo::release())]
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

		/// The owner's hardware oracle reports an asset's measured capacity and use. A report
		/// that contradicts the registration (less capacity measured than registered, or more
		/// in use than registered) costs reputation and is not kept. Guarded by a consensus
		/// proof.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::report_telemetry())]
		pub fn report_telemetry(
			origin: OriginFor<T>,
			asset: AssetId,
			telemetry: Telemetry,
			proof: ConsensusProof,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut entry = Assets::<T>::get(asset).ok_or(Error::<T>::UnknownAsset)?;
			ensure!(entry.owner == who, Error::<T>::NotOwner);
			Self::use_proof(
				&who,
				&Call::<T>::telemetry_operation(asset, &telemetry),
				&proof,
			)?;
			let registered = entry.kind.capacity();
			let short = telemetry
				.measured_capacity
				.is_some_and(|found| found < registered);
			if short || telemetry.used > registered {
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
					telemetry,
				},
			);
			Self::deposit_event(Event::TelemetryReported { asset, telemetry });
			Ok(())
		}

		/// Registers a space commitment of the caller's: the Merkle root over data it keeps
		/// at an IPv6 location. PoSpace proofs answer challenges against it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::commit_space())]
		pub fn commit_space(origin: OriginFor<T>, commitment: SpaceCommitment) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				commitment.chunks >= T::MinSpaceChunks::get()
					&& commitment.chunks <= 1u64 << proofs::MAX_PATH_LEN,
				Error::<T>::BadChunkCount
			);
			ensure!(
				is_ipv6_location(&commitment.address) && commitment.port != 0,
				Error::<T>::NotIpv6Location
			);
			let id = commitment.id();
			ensure!(
				!SpaceCommitments::<T>::contains_key(&who, id),
				Error::<T>::CommitmentExists
			);
			let count = CommitmentCount::<T>::get(&who);
			ensure!(
				count < T::MaxCommitmentsPerAccount::get(),
				Error::<T>::TooManyCommitments
			);
			CommitmentCount::<T>::insert(&who, count.saturating_add(1));
			SpaceCommitments::<T>::insert(&who, id, commitment);
			Self::deposit_event(Event::SpaceCommitted { who, id });
			Ok(())
		}

		/// Withdraws one of the caller's space commitments.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::withdraw_space())]
		pub fn withdraw_space(origin: OriginFor<T>, id: Hash) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(
				SpaceCommitments::<T>::contains_key(&who, id),
				Error::<T>::UnknownCommitment
			);
			ensure!(
				!SpaceChallenges::<T>::contains_key(&who, id),
				Error::<T>::ChallengePending
			);
			SpaceCommitments::<T>::remove(&who, id);
			CommitmentCount::<T>::mutate(&who, |count| *count = count.saturating_sub(1));
			Self::deposit_event(Event::SpaceWithdrawn { who, id });
			Ok(())
		}

		/// Bonds `amount` more of the caller's funds as stake (held, not transferred).
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::bond())]
		pub fn bond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			T::Currency::hold(&HoldReason::ProviderBond.into(), &who, amount)?;
			Self::deposit_event(Event::Bonded { who, amount });
			Ok(())
		}

		/// Unbonds `amount` of the caller's stake: it stops counting as stake at once (for
		/// PoStake and proxy choice) but stays held for [`Config::UnbondingPeriod`] blocks,
		/// then [`Pallet::withdraw_unbonded`] releases it.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
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

		/// Releases the caller's unbonded stake whose unbonding period is over.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			use frame_support::traits::tokens::Precision;
			let who = ensure_signed(origin)?;
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

		/// Challenges `provider`'s space commitment `commitment`: the chunks asked for are
		/// drawn from the parent block's hash, the provider and the commitment, and must be
		/// answered within [`Config::ChallengePeriod`] blocks. Holds
		/// [`Config::ChallengeDeposit`] from the caller until then.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::challenge_space())]
		pub fn challenge_space(
			origin: OriginFor<T>,
			provider: T::AccountId,
			commitment: Hash,
		) -> DispatchResult {
			let challenger = ensure_signed(origin)?;
			ensure!(
				SpaceCommitments::<T>::contains_key(&provider, commitment),
				Error::<T>::UnknownCommitment
			);
			ensure!(
				!SpaceChallenges::<T>::contains_key(&provider, commitment),
				Error::<T>::ChallengePending
			);
			let deadline =
				frame_system::Pallet::<T>::block_number().saturating_add(T::ChallengePeriod::get());
			ChallengeDeadlines::<T>::try_mutate(deadline, |due| {
				due.try_push((provider.clone(), commitment))
			})
			.map_err(|_| Error::<T>::TooManyChallenges)?;
			let deposit = T::ChallengeDeposit::get();
			T::Currency::hold(&HoldReason::ChallengeDeposit.into(), &challenger, deposit)?;
			let seed = <Hash>::try_from(frame_system::Pallet::<T>::parent_hash().as_ref())
				.unwrap_or_default();
			SpaceChallenges::<T>::insert(
				&provider,
				commitment,
				SpaceChallenge {
					challenger: challenger.clone(),
					deposit,
					seed,
					deadline,
				},
			);
			Self::deposit_event(Event::SpaceChallenged {
				provider,
				commitment,
				challenger,
				deadline,
			});
			Ok(())
		}

		/// Answers the caller's open challenge on its commitment `commitment` with the
		/// challenged chunks' bytes and Merkle paths, in challenge order (see
		/// `hypermesh_primitives::proofs::prove_space_data`). A right answer pays the
		/// provider the challenger's deposit; a wrong one settles the challenge as failed
		/// (the call succeeds, and the reputation loss is kept).
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::answer_challenge_right()
			.max(T::WeightInfo::answer_challenge_wrong()))]
		pub fn answer_challenge(
			origin: OriginFor<T>,
			commitment: Hash,
			chunks: Vec<ChunkData>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			let challenge =
				SpaceChallenges::<T>::get(&provider, commitment).ok_or(Error::<T>::NoChallenge)?;
			ensure!(
				chunks.iter().all(|chunk| chunk.data.len() <= MAX_CHUNK_LEN),
				Error::<T>::ChunkTooLarge
			);
			let registered = SpaceCommitments::<T>::get(&provider, commitment)
				.ok_or(Error::<T>::UnknownCommitment)?;
			SpaceChallenges::<T>::remove(&provider, commitment);
			let right = proofs::verify_space_data(
				&challenge.seed,
				&provider.encode(),
				&registered,
				&chunks,
			)
			.is_ok();
			if right {
				Self::settle_answered(&provider, commitment, &challenge);
			} else {
				Self::settle_failed(provider, commitment, &challenge, false);
			}
			Ok(())
		}
	}
}

/// The operations the guarded calls prove, and the hash PoWork binds to:
/// `blake2_256(OPERATION_DOMAIN ‖ call_index ‖ SCALE(arguments except the proof))`.
impl<T: Config> Call<T> {
	fn operation_hash(call_index: u8, arguments: &impl Encode) -> Hash {
		let mut preimage = Vec::from(OPERATION_DOMAIN);
		preimage.push(call_index);
		arguments.encode_to(&mut preimage);
		sp_io::hashing::blake2_256(&preimage)
	}

	/// The operation hash of `register_asset(kind, privacy, _)`.
	pub fn register_operation(kind: &AssetKind, privacy: &Privacy) -> Hash {
		Self::operation_hash(0, &(kind, privacy))
	}

	/// The operation hash of `update_asset(id, kind, privacy, _)`.
	pub fn update_operation(id: AssetId, kind: &AssetKind, privacy: &Privacy) -> Hash {
		Self::operation_hash(1, &(id, kind, privacy))
	}

	/// The operation hash of `allocate(asset, amount, lease, _)`.
	pub fn allocate_operation(asset: AssetId, amount: u64, lease: &BlockNumberFor<T>) -> Hash {
		Self::operation_hash(3, &(asset, amount, lease))
	}

	/// The operation hash of `report_telemetry(asset, telemetry, _)`.
	pub fn telemetry_operation(asset: AssetId, telemetry: &Telemetry) -> Hash {
		Self::operation_hash(5, &(asset, telemetry))
	}

	/// For a guarded call: its consensus proof and the hash of the operation it proves.
	pub fn operation(&self) -> Option<(&ConsensusProof, Hash)> {
		match self {
			Self::register_asset {
				kind,
				privacy,
				proof,
			} => Some((proof, Self::register_operation(kind, privacy))),
			Self::update_asset {
				id,
				kind,
				privacy,
				proof,
			} => Some((proof, Self::update_operation(*id, kind, privacy))),
			Self::allocate {
				asset,
				amount,
				lease,
				proof,
			} => Some((proof, Self::allocate_operation(*asset, *amount, lease))),
			Self::report_telemetry {
				asset,
				telemetry,
				proof,
			} => Some((proof, Self::telemetry_operation(*asset, telemetry))),
			_ => None,
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Fails the challenges due at the start of block `now` that are still open.
	fn expire_challenges(now: BlockNumberFor<T>) -> Weight {
		let due = ChallengeDeadlines::<T>::take(now);
		let count = due.len() as u32;
		for (provider, commitment) in due {
			let Some(challenge) = SpaceChallenges::<T>::get(&provider, commitment) else {
				continue;
			};
			if challenge.deadline != now {
				continue;
			}
			SpaceChallenges::<T>::remove(&provider, commitment);
			Self::settle_failed(provider, commitment, &challenge, true);
		}
		T::WeightInfo::expire_challenges(count)
	}

	/// A right answer: the challenger's deposit goes to the provider.
	fn settle_answered(
		provider: &T::AccountId,
		commitment: Hash,
		challenge: &SpaceChallenge<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
	) {
		use frame_support::traits::{
			fungible::MutateHold,
			tokens::{Fortitude, Precision, Restriction},
		};
		let reason = HoldReason::ChallengeDeposit.into();
		// Cannot fail for a deposit this pallet holds; best effort all the same, so a
		// settled challenge never stays open.
		let _ = if challenge.challenger == *provider {
			T::Currency::release(&reason, provider, challenge.deposit, Precision::BestEffort)
		} else {
			T::Currency::transfer_on_hold(
				&reason,
				&challenge.challenger,
				provider,
				challenge.deposit,
				Precision::BestEffort,
				Restriction::Free,
				Fortitude::Polite,
			)
		};
		Self::deposit_event(Event::ChallengeAnswered {
			provider: provider.clone(),
			commitment,
		});
	}

	/// A wrong answer or none: every asset of the provider loses
	/// [`Config::ReputationPenalty`]; the challenger gets its deposit back.
	fn settle_failed(
		provider: T::AccountId,
		commitment: Hash,
		challenge: &SpaceChallenge<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
		expired: bool,
	) {
		use frame_support::traits::{fungible::MutateHold, tokens::Precision};
		let _ = T::Currency::release(
			&HoldReason::ChallengeDeposit.into(),
			&challenge.challenger,
			challenge.deposit,
			Precision::BestEffort,
		);
		let mut assets = 0u32;
		for id in AssetsByOwner::<T>::iter_key_prefix(&provider) {
			Assets::<T>::mutate_extant(id, |asset| {
				asset.reputation = asset.reputation.saturating_sub(T::ReputationPenalty::get());
			});
			assets = assets.saturating_add(1);
		}
		Self::deposit_event(Event::ChallengeFailed {
			provider,
			commitment,
			expired,
			assets,
		});
	}

	/// The open challenges on `provider`'s commitments, by commitment id.
	pub fn challenges_of(
		provider: &T::AccountId,
	) -> Vec<(
		Hash,
		SpaceChallenge<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
	)> {
		SpaceChallenges::<T>::iter_prefix(provider).collect()
	}

	/// The parameters a client needs to build proofs the chain accepts.
	pub fn proof_parameters() -> ProofParameters {
		ProofParameters {
			work_difficulty: T::WorkDifficulty::get(),
			window: T::ProofWindow::get(),
			minimum_stake: T::MinimumStake::get(),
			min_space_chunks: T::MinSpaceChunks::get(),
		}
	}

	/// Checks `proof` for `operation` signed by `who`, against the chain as of the block
	/// being built (the referenced block must be one of its ancestors, at most
	/// [`Config::ProofWindow`] blocks before the parent). Cheapest checks first. Returns the
	/// proof's id.
	pub fn check_proof(
		who: &T::AccountId,
		operation: &Hash,
		proof: &ConsensusProof,
	) -> Result<Hash, ProofRejection> {
		let signer = who.encode();
		let current: u32 = frame_system::Pallet::<T>::block_number().saturated_into();
		let parent = current.saturating_sub(1);
		let chain_hash = (proof.time.number <= parent)
			.then(|| {
				frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::from(proof.time.number))
			})
			.and_then(|hash| <Hash>::try_from(hash.as_ref()).ok())
			.filter(|hash| *hash != [0u8; 32]);
		proofs::verify_time(&proof.time, parent, T::ProofWindow::get(), chain_hash)?;
		let id = proof.id(&signer, operation);
		if UsedProofs::<T>::contains_key(proof.time.number, id) {
			return Err(ProofRejection::Reused);
		}
		proofs::verify_stake(&proof.stake, T::Stake::bonded(who), T::MinimumStake::get())?;
		proofs::verify_work(
			operation,
			&signer,
			&proof.time,
			&proof.work,
			T::WorkDifficulty::get(),
		)?;
		if !SpaceCommitments::<T>::get(who, proof.space.commitment.id())
			.is_some_and(|registered| registered == proof.space.commitment)
		{
			return Err(ProofRejection::UnknownCommitment);
		}
		proofs::verify_space(&proof.time.hash, &signer, &proof.space)?;
		Ok(id)
	}

	/// Checks `proof` and marks it used (the calls' own check, behind the extension's).
	fn use_proof(
		who: &T::AccountId,
		operation: &Hash,
		proof: &ConsensusProof,
	) -> Result<(), Error<T>> {
		let id = Self::check_proof(who, operation, proof).map_err(|rejection| match rejection {
			ProofRejection::Reused => Error::<T>::ProofReused,
			_ => Error::<T>::InvalidConsensusProof,
		})?;
		UsedProofs::<T>::insert(proof.time.number, id, ());
		Ok(())
	}

	/// Resolves an address in the chain's prefix to its asset and owner.
	pub fn resolve_address(address: [u8; 16]) -> Option<(AssetId, T::AccountId)> {
		let id = AssetByAddress::<T>::get(address)?;
		Assets::<T>::get(id).map(|asset| (id, asset.owner))
	}

	/// The assets `owner` has registered, with their ids, in id order.
	pub fn assets_of(owner: &T::AccountId) -> Vec<(AssetId, Asset<T::AccountId>)> {
		let mut assets: Vec<_> = AssetsByOwner::<T>::iter_key_prefix(owner)
			.filter_map(|id| Assets::<T>::get(id).map(|asset| (id, asset)))
			.collect();
		assets.sort_by_key(|(id, _)| *id);
		assets
	}

	/// The live allocations of an asset, with their ids, in id order (reads every
	/// allocation: for RPC, not for calls).
	pub fn allocations_of(
		asset: AssetId,
	) -> Vec<(AllocationId, Allocation<T::AccountId, BlockNumberFor<T>>)> {
		let mut allocations: Vec<_> = Allocations::<T>::iter()
			.filter(|(_, allocation)| allocation.asset == asset)
			.collect();
		allocations.sort_by_key(|(id, _)| *id);
		allocations
	}

	/// Up to `count` public network assets to use as remote proxies, the most trusted
	/// first: highest reputation, then the owner's largest bonded stake, then lowest id.
	pub fn select_proxies(count: u32) -> Vec<(AssetId, Asset<T::AccountId>)> {
		let mut candidates: Vec<(u32, u128, AssetId, Asset<T::AccountId>)> = Assets::<T>::iter()
			.filter(|(_, asset)| {
				matches!(asset.kind, AssetKind::Network { .. }) && asset.privacy.is_public()
			})
			.map(|(id, asset)| (asset.reputation, T::Stake::bonded(&asset.owner), id, asset))
			.collect();
		candidates.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
		candidates
			.into_iter()
			.take(count as usize)
			.map(|(_, _, id, asset)| (id, asset))
			.collect()
	}
}
