//! # HyperMesh asset registry
//!
//! HyperMesh providers offer hardware to consumers: CPU, GPU, memory, storage, network and
//! container slots. This pallet is the registry they meet at. Its domains each have a
//! module that adds their calls' logic and their queries to [`Pallet`]:
//!
//! * **Assets** (`registry`): six kinds with typed capacities, an owner and a privacy
//!   level, registered, updated and retired by their owner. Each gets a stable IPv6
//!   address inside the chain's own /64 prefix, derived from the genesis hash (`fd` + its
//!   first 7 bytes), with the asset id as interface identifier: the NAT-like global
//!   address consumers reach it at. [`Pallet::select_proxies`] ranks public network
//!   assets by reputation, then by their owner's bonded stake: the trust-based choice of
//!   remote proxies.
//! * **Allocations** (`allocations`): a consumer reserves an amount of an asset's capacity
//!   for a lease of at most [`Config::MaxLease`] blocks. The sum of live allocations never
//!   exceeds the capacity (checked arithmetic, refused otherwise), an owner cannot shrink
//!   an asset below what is allocated, and an expired lease can be released by anyone.
//! * **Telemetry** (`telemetry`) reported by the owner (the hardware oracle): the capacity
//!   it measured and what is in use, kept per asset ([`Usage`]). A report that contradicts
//!   the registration (less capacity measured than registered, or more in use than
//!   exists) costs the asset [`Config::ReputationPenalty`] of its reputation (out of 1000)
//!   and is an offence (see *Economy*).
//! * **Four-proof validity** ([`proofs`], [`extension`]): registering, updating,
//!   allocating and reporting each carry a [`ConsensusProof`] (space, stake, work, time;
//!   see `hypermesh_primitives::proofs`). The [`CheckConsensusProof`] transaction
//!   extension checks it in the transaction pool, so an invalid proof never enters a
//!   block, each failure with its own `InvalidTransaction::Custom` code
//!   ([`ProofRejection`]); the call checks it again and marks it used, so a runtime
//!   without the extension still refuses unproven calls. PoSpace answers challenges
//!   against a commitment registered with [`Pallet::commit_space`]; PoStake reads the
//!   signer's bonded stake through [`Config::Stake`].
//! * **Economy** (`economy`): the registry talks to the chain's economy (Caesar) only
//!   through the traits of `hypermesh_primitives::economy`, configured as
//!   [`Config::Stake`] (bonded stake: PoStake, proxy ranking, slashing), [`Config::Usage`]
//!   (measured service and offences per reward period) and [`Config::Escrow`] (lease
//!   payments). Bonding and unbonding are Caesar's calls; this pallet only reads and
//!   slashes stake.
//!   - *Prices*: an owner sets its asset's price per unit per block
//!     ([`Pallet::set_price`], kept in [`Prices`]; unset is free). [`Pallet::allocate`]
//!     opens an escrow of `price × amount` per block for the lease
//!     ([`LeaseEscrow::open`]), refused with [`Error::CannotPayLease`] when the consumer
//!     cannot pay and with [`Error::PriceAboveLimit`] above the most per block the
//!     consumer said it accepts, so an owner cannot raise the price in front of an
//!     allocation. Releasing the allocation closes the escrow ([`LeaseEscrow::close`]):
//!     the provider is paid for the blocks served, the consumer refunded the rest.
//!   - *Measured service*: when a report consistent with the registration is accepted at
//!     block `now`, the asset's owner is credited ([`UsageLedger::record_service`]) with
//!
//!     ```text
//!     points = Σ_allocations units × blocks  ×  reputation / MAX_REPUTATION
//!     blocks = min(expires_at, now) − max(start, from)          (0 if negative)
//!     from   = max(previous report's block, now − MaxServiceInterval)
//!              (now − MaxServiceInterval if the asset has no accepted report yet)
//!     ```
//!
//!     over the asset's live allocations (not yet released) made by another account than
//!     the owner, `start` being the block the allocation was made in. When every
//!     allocation spans the interval this is *units allocated × blocks since the previous
//!     report (or since the oldest allocation started), capped by
//!     [`Config::MaxServiceInterval`]*; an allocation counts only for the blocks it was
//!     live in that interval, so one report cannot claim a long silence nor time before a
//!     lease began or after it ended. Service no accepted report confirmed (an allocation
//!     released before the next report, a contradicted report's interval beyond the cap)
//!     earns nothing, and an owner allocating its own asset serves no one.
//!   - *Offences*: a failed or unanswered space challenge and a contradicting report, on
//!     top of the reputation they cost, are recorded ([`UsageLedger::record_offence`]) and
//!     slash [`Config::OffenceSlash`] of the provider's bonded stake
//!     ([`BondedStake::slash`]); [`Event::ProviderSlashed`] says how much.
//!   - *Deposits*: registering an asset holds [`Config::AssetDeposit`] from its owner
//!     ([`HoldReason::AssetDeposit`], returned on retirement) and an allocation holds
//!     [`Config::AllocationDeposit`] from its consumer ([`HoldReason::AllocationDeposit`],
//!     returned to the consumer on release, whoever releases). What was held is recorded
//!     per asset and allocation ([`AssetDeposits`], [`AllocationDeposits`]) and exactly
//!     that is returned (best effort), so a change of the configured deposits never
//!     returns more or less than was taken. Assets and allocations made before deposits
//!     existed have none recorded and get nothing back.
//! * **Space commitments and audits** (`audits`): anyone may challenge a provider's space
//!   commitment ([`Pallet::challenge_space`]), holding [`Config::ChallengeDeposit`]. The
//!   chain draws the challenged chunks from the parent block's hash; the provider must send
//!   those chunks' bytes with their Merkle paths ([`Pallet::answer_challenge`]) within
//!   [`Config::ChallengePeriod`] blocks. A right answer earns the provider the deposit. A
//!   wrong answer, or none by the deadline, costs each of the provider's assets
//!   [`Config::ReputationPenalty`], is an offence (see *Economy*) and returns the deposit:
//!   reputation and stake fall when PoSpace challenges fail. (The PoSpace proofs inside guarded calls cannot cost reputation: a
//!   bad one is refused in the pool and never reaches the chain.)
//!
//! The data types are in [`types`]; this file holds the pallet's declarations
//! (configuration, storage, events, errors, hooks) and the dispatchables, which check the
//! origin and hand over to the domain modules. Every call checks all of its input before
//! it changes anything, and runs in its own storage layer besides, so a failed call
//! leaves no trace but its fee.
//!
//! Storage migrations are in [`migrations`] (version 1: the unbonding queue of the stake
//! this pallet held before Caesar is removed, and live allocations are indexed by asset).

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod extension;
pub mod migrations;
pub mod proofs;
pub mod types;
pub mod weights;

mod allocations;
mod audits;
mod economy;
mod registry;
mod telemetry;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use audits::is_ipv6_location;
pub use extension::{CheckConsensusProof, InnerCalls};
/// The economy's interfaces (the stake trait used to be defined here; its old path still
/// works).
pub use hypermesh_primitives::economy::{
	BondedStake, EscrowError, LeaseEscrow, ProviderOffence, UsageLedger,
};
pub use pallet::*;
pub use proofs::{ProofRejection, OPERATION_DOMAIN};
pub use registry::{asset_address, chain_prefix};
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use codec::Encode;
use frame_support::pallet_prelude::*;
use frame_system::pallet_prelude::BlockNumberFor;
use hypermesh_primitives::ct::Hash;
use sp_runtime::{Perbill, SaturatedConversion};

/// How the benchmarks give an account bonded stake, which this pallet only reads
/// ([`Config::Stake`]): the runtime bonds through its economy.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Makes `who` have at least `amount` bonded stake (funding it as needed).
	fn bond(who: &AccountId, amount: u128);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::traits::fungible::{self, MutateHold};
	use frame_system::pallet_prelude::*;

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// The storage version: 1 since stake moved to Caesar (see [`crate::migrations`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency deposits are held in ([`HoldReason`]).
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, which include this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// Where PoStake and the choice of proxies read an account's bonded stake, and where
		/// proven offences slash it (Caesar's staking in the runtime).
		type Stake: BondedStake<Self::AccountId>;

		/// Where measured service and proven offences are recorded for the reward period
		/// (Caesar in the runtime).
		type Usage: UsageLedger<Self::AccountId>;

		/// Where what consumers pay for leases is escrowed until served (Caesar in the
		/// runtime).
		type Escrow: LeaseEscrow<Self::AccountId, BlockNumberFor<Self>>;

		/// The share of a provider's bonded stake each proven offence (a failed or
		/// unanswered space challenge, a contradicting report) slashes.
		#[pallet::constant]
		type OffenceSlash: Get<Perbill>;

		/// The most blocks of service one accepted report can confirm: a report after a
		/// long silence claims no more than this.
		#[pallet::constant]
		type MaxServiceInterval: Get<BlockNumberFor<Self>>;

		/// The most live allocations one asset may have (bounds the work of a report,
		/// which reads them all).
		#[pallet::constant]
		type MaxAllocationsPerAsset: Get<u32>;

		/// Held from an asset's owner while the asset is registered
		/// ([`HoldReason::AssetDeposit`]).
		#[pallet::constant]
		type AssetDeposit: Get<BalanceOf<Self>>;

		/// Held from a consumer while its allocation lives
		/// ([`HoldReason::AllocationDeposit`]).
		#[pallet::constant]
		type AllocationDeposit: Get<BalanceOf<Self>>;

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

		/// How many blocks a provider has to answer a space challenge.
		#[pallet::constant]
		type ChallengePeriod: Get<BlockNumberFor<Self>>;

		/// The most space challenges that may fall due in one block.
		#[pallet::constant]
		type MaxChallengesPerBlock: Get<u32>;

		/// The most steps of [`UsedProofs`] pruning one block does at its start: each step
		/// removes one stale record or moves past one fully pruned block number. Stale
		/// records beyond it are pruned in the next blocks ([`ProofsPrunedBelow`]). Should
		/// exceed the most guarded calls a block can hold, so pruning keeps up.
		#[pallet::constant]
		type MaxProofPrunesPerBlock: Get<u32>;

		/// The calls a call carries (a batch's calls, `as_derivative`'s call, ...) and the
		/// account each runs as, so that [`CheckConsensusProof`] checks guarded calls inside
		/// them too; `()` for none.
		type InnerCalls: InnerCalls<<Self as frame_system::Config>::RuntimeCall, Self::AccountId>;

		/// Weights of the calls and of the proof check, from the benchmarks.
		type WeightInfo: WeightInfo;

		/// Gives benchmark accounts bonded stake.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId>;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Legacy: stake bonded with this pallet's former `bond` call (PoStake), before
		/// staking moved to Caesar. Nothing is held under it any more; funds held under it
		/// on a chain that predates the move are moved to Caesar by the runtime's migration.
		#[codec(index = 0)]
		ProviderBond,
		/// A challenger's deposit on an open space challenge.
		#[codec(index = 1)]
		ChallengeDeposit,
		/// An owner's deposit on a registered asset ([`Config::AssetDeposit`]).
		#[codec(index = 2)]
		AssetDeposit,
		/// A consumer's deposit on a live allocation ([`Config::AllocationDeposit`]).
		#[codec(index = 3)]
		AllocationDeposit,
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
	/// entry is pruned once its block is outside the window, when the proof is stale anyway,
	/// at most [`Config::MaxProofPrunesPerBlock`] entries a block ([`ProofsPrunedBelow`]).
	#[pallet::storage]
	pub type UsedProofs<T> = StorageDoubleMap<_, Twox64Concat, u32, Identity, Hash, ()>;

	/// The block number below which every [`UsedProofs`] entry has been pruned: where the
	/// next block's pruning resumes. A proof referencing a block below it is refused as
	/// stale whatever the window is now, since its used-proof record may be gone (so a
	/// wider window cannot make a pruned proof replayable).
	///
	/// Added without a migration, as no stored value changes meaning: on a chain that
	/// predates it, it starts at 0 and pruning walks up from there,
	/// [`Config::MaxProofPrunesPerBlock`] steps a block, until it reaches the window. On
	/// the way it removes the records the former pruning left behind (that cleared one
	/// block number per block, so narrowing the window skipped some for good); until it
	/// has caught up, proofs whose records the former pruning removed are refused by the
	/// window check alone, as they were before.
	#[pallet::storage]
	pub type ProofsPrunedBelow<T> = StorageValue<_, u32, ValueQuery>;

	/// Live allocations by asset, with the block each was made in (the start of the
	/// service it can be credited for).
	#[pallet::storage]
	pub type AllocationsByAsset<T: Config> =
		StorageDoubleMap<_, Twox64Concat, AssetId, Twox64Concat, AllocationId, BlockNumberFor<T>>;

	/// How many live allocations each asset has (at most
	/// [`Config::MaxAllocationsPerAsset`]).
	#[pallet::storage]
	pub type AllocationCount<T> = StorageMap<_, Twox64Concat, AssetId, u32, ValueQuery>;

	/// Each asset's price per unit of capacity per block; an asset without one is free.
	/// A map of its own rather than a field of [`Asset`], so that adding prices needed no
	/// translation of the stored assets.
	#[pallet::storage]
	pub type Prices<T: Config> = StorageMap<_, Twox64Concat, AssetId, BalanceOf<T>, ValueQuery>;

	/// The deposit held for each asset ([`HoldReason::AssetDeposit`]), returned on
	/// retirement. Assets registered before deposits existed have none.
	#[pallet::storage]
	pub type AssetDeposits<T: Config> = StorageMap<_, Twox64Concat, AssetId, BalanceOf<T>>;

	/// The deposit held from each live allocation's consumer
	/// ([`HoldReason::AllocationDeposit`]), returned on release. Allocations made before
	/// deposits existed have none.
	#[pallet::storage]
	pub type AllocationDeposits<T: Config> =
		StorageMap<_, Twox64Concat, AllocationId, BalanceOf<T>>;

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
			/// What the consumer pays per block (the asset's price times `amount`), escrowed
			/// for the lease.
			price_per_block: BalanceOf<T>,
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
		/// An asset's owner set its price.
		PriceSet {
			/// The asset.
			asset: AssetId,
			/// Per unit of capacity per block (zero: free).
			price_per_unit_per_block: BalanceOf<T>,
		},
		/// An accepted report confirmed service: the owner was credited points for the
		/// reward period (see the module documentation for the formula).
		ServiceRecorded {
			/// The asset.
			asset: AssetId,
			/// Its owner, who was credited.
			provider: T::AccountId,
			/// Units served times blocks, scaled by reputation.
			points: u128,
		},
		/// A provider's proven offence was recorded and slashed its bonded stake by
		/// [`Config::OffenceSlash`].
		ProviderSlashed {
			/// The provider.
			provider: T::AccountId,
			/// What it did.
			offence: ProviderOffence,
			/// How much stake was taken, in the chain's smallest unit.
			slashed: u128,
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
		/// An identifier counter or a lease's price per block overflowed.
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
		/// The commitment has an open challenge (answer it first).
		ChallengePending,
		/// As many challenges already fall due in that block as allowed; try in a later one.
		TooManyChallenges,
		/// The caller has no open challenge on this commitment.
		NoChallenge,
		/// An answered chunk is longer than [`MAX_CHUNK_LEN`]; the challenge stays open.
		ChunkTooLarge,
		/// The asset has the most live allocations allowed
		/// ([`Config::MaxAllocationsPerAsset`]).
		TooManyAllocations,
		/// The asset's price for the amount is above the most per block the consumer
		/// accepts.
		PriceAboveLimit,
		/// The consumer cannot pay for the lease (escrowed by the economy).
		CannotPayLease,
		/// The economy refused to escrow the lease's payment for another reason than
		/// funds (an escrow for the allocation exists already).
		EscrowRefused,
		/// The caller cannot pay the deposit ([`Config::AssetDeposit`] or
		/// [`Config::AllocationDeposit`]).
		CannotPayDeposit,
		/// An answer to a space challenge does not have exactly one chunk per challenge
		/// (`hypermesh_primitives::proofs::CHALLENGES`); the challenge stays open.
		WrongAnswerCount,
		/// An answered chunk's Merkle path is longer than any commitment needs
		/// (`hypermesh_primitives::proofs::MAX_PATH_LEN`); the challenge stays open.
		PathTooLong,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Fails the space challenges due at the start of this block that are still open,
		/// then forgets the used proofs that have gone stale (at most
		/// [`Config::MaxProofPrunesPerBlock`] of them).
		fn on_initialize(now: BlockNumberFor<T>) -> Weight {
			let now: u32 = now.saturated_into();
			let challenges = Self::expire_challenges(BlockNumberFor::<T>::from(now));
			challenges.saturating_add(Self::prune_used_proofs(now))
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
			assert!(
				T::MaxAllocationsPerAsset::get() >= 1,
				"MaxAllocationsPerAsset must be at least 1, or nothing can be allocated"
			);
			assert!(
				T::MaxProofPrunesPerBlock::get() >= 1,
				"MaxProofPrunesPerBlock must be at least 1, or used proofs are never pruned"
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
			Self::do_register_asset(owner, kind, privacy, proof)
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
			Self::do_update_asset(who, id, kind, privacy, proof)
		}

		/// Retires an asset with no live allocations.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::retire_asset())]
		pub fn retire_asset(origin: OriginFor<T>, id: AssetId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_asset(who, id)
		}

		/// Allocates `amount` of an asset's capacity to the caller for `lease` blocks, holding
		/// [`Config::AllocationDeposit`] and escrowing the asset's price times `amount` per
		/// block for the lease; refused if that is above `max_price_per_block`, the most the
		/// caller accepts to pay per block. Guarded by a consensus proof.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::allocate())]
		pub fn allocate(
			origin: OriginFor<T>,
			asset: AssetId,
			amount: u64,
			lease: BlockNumberFor<T>,
			max_price_per_block: BalanceOf<T>,
			proof: ConsensusProof,
		) -> DispatchResult {
			let consumer = ensure_signed(origin)?;
			Self::do_allocate(consumer, asset, amount, lease, max_price_per_block, proof)
		}

		/// Releases an allocation: by its consumer at any time, by anyone once the lease
		/// has ended. Closes the lease's escrow (the provider is paid for the blocks
		/// served, the consumer refunded the rest) and returns the consumer's deposit.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::release())]
		pub fn release(origin: OriginFor<T>, id: AllocationId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_release(who, id)
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
			Self::do_report_telemetry(who, asset, telemetry, proof)
		}

		/// Registers a space commitment of the caller's: the Merkle root over data it keeps
		/// at an IPv6 location. PoSpace proofs answer challenges against it.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::commit_space())]
		pub fn commit_space(origin: OriginFor<T>, commitment: SpaceCommitment) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_commit_space(who, commitment)
		}

		/// Withdraws one of the caller's space commitments.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::withdraw_space())]
		pub fn withdraw_space(origin: OriginFor<T>, id: Hash) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_space(who, id)
		}

		// Indices 8, 9 and 12 were `bond`, `unbond` and `withdraw_unbonded`, now Caesar's:
		// not reused, so that an old transaction never decodes as another call.

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
			Self::do_challenge_space(challenger, provider, commitment)
		}

		/// Answers the caller's open challenge on its commitment `commitment` with the
		/// challenged chunks' bytes and Merkle paths, in challenge order (see
		/// `hypermesh_primitives::proofs::prove_space_data`). A right answer pays the
		/// provider the challenger's deposit; a wrong one settles the challenge as failed
		/// (the call succeeds, and the reputation loss is kept). A malformed one (not one
		/// chunk per challenge, a chunk or a path too long) is refused before anything is
		/// read or hashed, and the challenge stays open.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::answer_challenge_right()
			.max(T::WeightInfo::answer_challenge_wrong()))]
		pub fn answer_challenge(
			origin: OriginFor<T>,
			commitment: Hash,
			chunks: Vec<ChunkData>,
		) -> DispatchResult {
			let provider = ensure_signed(origin)?;
			Self::do_answer_challenge(provider, commitment, chunks)
		}

		/// Sets the price of the caller's asset per unit of capacity per block (zero: free).
		/// Allocations already made keep the price they were made at.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::set_price())]
		pub fn set_price(
			origin: OriginFor<T>,
			asset: AssetId,
			price_per_unit_per_block: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_price(who, asset, price_per_unit_per_block)
		}
	}
}
