//! The data the asset registry keeps on chain and takes as call arguments: asset kinds and
//! privacy levels, assets, allocations, telemetry and usage records, the proof parameters
//! clients read, space challenges, and (re-exported from
//! `hypermesh_primitives::proofs`) the consensus proof and space commitment types.
//!
//! They are generic over the account, balance and block number types rather than over the
//! pallet's `Config`, so that the runtime API and the node can name them with concrete
//! types. Everything here is re-exported from the crate root.

pub use hypermesh_primitives::proofs::{
	ChunkData, ConsensusProof, SpaceCommitment, SpaceProof, StakeProof, TimeProof, WorkProof,
	MAX_CHUNK_LEN,
};

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use hypermesh_primitives::ct::Hash;
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

	/// Whether `other` is the same kind of asset (whatever its capacity): an update cannot
	/// change an asset's kind.
	pub(crate) fn same_kind(&self, other: &Self) -> bool {
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
	/// Whether `who` may allocate an asset `owner` owns.
	pub(crate) fn allows<AccountId: PartialEq>(&self, owner: &AccountId, who: &AccountId) -> bool {
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
