//! The four-proof check: what makes a guarded call valid, in one place for the calls and
//! for the transaction extension.
//!
//! Registering, updating, allocating and reporting telemetry each carry a
//! [`ConsensusProof`] (space, stake, work, time; see `hypermesh_primitives::proofs`) for
//! the operation the call performs: the hash of the call's index and arguments except the
//! proof ([`Call::operation`], under [`OPERATION_DOMAIN`]). [`Pallet::check_proof`] checks
//! a proof against the chain (the referenced block, the signer's bonded stake through
//! [`Config::Stake`], the work, the signer's registered space commitment) and says what is
//! wrong as a [`ProofRejection`], whose code the transaction extension
//! ([`crate::extension`]) refuses a transaction with. The calls run the same check again
//! and mark the proof used ([`UsedProofs`], pruned once the referenced block leaves the
//! window, at most [`Config::MaxProofPrunesPerBlock`] records a block), so a runtime
//! without the extension still refuses unproven calls. A proof referencing a block whose
//! records were pruned ([`ProofsPrunedBelow`]) is stale even if the window has since been
//! widened.

use crate::*;
use hypermesh_primitives::proofs::{
	verify_space, verify_stake, verify_time, verify_work, ProofError,
};
use sp_runtime::transaction_validity::InvalidTransaction;

/// The domain tag in front of every operation hash (see [`Call::operation`]).
pub const OPERATION_DOMAIN: &[u8] = b"HyperMesh assets operation v1\0";

/// Why a consensus proof was refused; [`ProofRejection::code`] is its
/// `InvalidTransaction::Custom` code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum ProofRejection {
	/// PoTime: the referenced block is more than the window before the best block.
	StaleBlock = 1,
	/// PoTime: the referenced block is not yet on the chain.
	FutureBlock = 2,
	/// PoTime: the hash is not the chain's hash of that block.
	UnknownBlock = 3,
	/// The same proof was already used.
	Reused = 4,
	/// PoStake: the claim is below the minimum or above what the signer has bonded.
	InsufficientStake = 5,
	/// PoWork: too few leading zero bits.
	InsufficientWork = 6,
	/// PoSpace: the commitment is not one the signer registered.
	UnknownCommitment = 7,
	/// PoSpace: the commitment has no chunks.
	EmptyCommitment = 8,
	/// PoSpace: not one answer per challenge.
	WrongAnswerCount = 9,
	/// PoSpace: an answer's Merkle path does not lead to the committed root.
	BadMerklePath = 10,
}

impl ProofRejection {
	/// The `InvalidTransaction::Custom` code.
	pub fn code(self) -> u8 {
		self as u8
	}

	/// A sentence saying what is wrong.
	pub fn message(self) -> &'static str {
		match self {
			Self::StaleBlock => "PoTime: the referenced block is older than the proof window",
			Self::FutureBlock => "PoTime: the referenced block is not on the chain yet",
			Self::UnknownBlock => "PoTime: the block hash is not the chain's",
			Self::Reused => "the consensus proof was already used",
			Self::InsufficientStake => {
				"PoStake: the claim is below the minimum or above the signer's bonded stake"
			}
			Self::InsufficientWork => "PoWork: the work hash has too few leading zero bits",
			Self::UnknownCommitment => "PoSpace: the commitment is not registered by the signer",
			Self::EmptyCommitment => "PoSpace: the commitment has no chunks",
			Self::WrongAnswerCount => "PoSpace: not one answer per challenge",
			Self::BadMerklePath => "PoSpace: a Merkle path does not lead to the committed root",
		}
	}

	/// Every rejection, in code order.
	pub const ALL: [Self; 10] = [
		Self::StaleBlock,
		Self::FutureBlock,
		Self::UnknownBlock,
		Self::Reused,
		Self::InsufficientStake,
		Self::InsufficientWork,
		Self::UnknownCommitment,
		Self::EmptyCommitment,
		Self::WrongAnswerCount,
		Self::BadMerklePath,
	];

	/// The rejection with this code.
	pub fn from_code(code: u8) -> Option<Self> {
		Self::ALL
			.into_iter()
			.find(|rejection| rejection.code() == code)
	}
}

impl From<ProofError> for ProofRejection {
	fn from(error: ProofError) -> Self {
		match error {
			ProofError::EmptyCommitment => Self::EmptyCommitment,
			ProofError::WrongAnswerCount => Self::WrongAnswerCount,
			ProofError::BadMerklePath => Self::BadMerklePath,
			ProofError::InsufficientStake => Self::InsufficientStake,
			ProofError::InsufficientWork => Self::InsufficientWork,
			ProofError::StaleBlock => Self::StaleBlock,
			ProofError::FutureBlock => Self::FutureBlock,
			ProofError::UnknownBlock => Self::UnknownBlock,
		}
	}
}

impl From<ProofRejection> for InvalidTransaction {
	fn from(rejection: ProofRejection) -> Self {
		InvalidTransaction::Custom(rejection.code())
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

	/// The operation hash of `allocate(asset, amount, lease, max_price_per_block, _)`.
	pub fn allocate_operation(
		asset: AssetId,
		amount: u64,
		lease: &BlockNumberFor<T>,
		max_price_per_block: &BalanceOf<T>,
	) -> Hash {
		Self::operation_hash(3, &(asset, amount, lease, max_price_per_block))
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
				max_price_per_block,
				proof,
			} => Some((
				proof,
				Self::allocate_operation(*asset, *amount, lease, max_price_per_block),
			)),
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
		verify_time(&proof.time, parent, T::ProofWindow::get(), chain_hash)?;
		// Its used-proof record may have been pruned: stale, even if the window has been
		// widened since.
		if proof.time.number < ProofsPrunedBelow::<T>::get() {
			return Err(ProofRejection::StaleBlock);
		}
		let id = proof.id(&signer, operation);
		if UsedProofs::<T>::contains_key(proof.time.number, id) {
			return Err(ProofRejection::Reused);
		}
		verify_stake(&proof.stake, T::Stake::bonded(who), T::MinimumStake::get())?;
		verify_work(
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
		verify_space(&proof.time.hash, &signer, &proof.space)?;
		Ok(id)
	}
	/// Checks `proof` and marks it used (the calls' own check, behind the extension's).
	pub(crate) fn use_proof(
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
	/// Forgets used proofs that have gone stale at the start of block `now`: those
	/// referencing a block up to `now - 1 - window - 1` (stale from `now` on), resuming at
	/// [`ProofsPrunedBelow`] and doing at most [`Config::MaxProofPrunesPerBlock`] steps (a
	/// step removes one record, or moves past a block number with none left). Returns the
	/// weight used.
	pub(crate) fn prune_used_proofs(now: u32) -> Weight {
		let mut next = ProofsPrunedBelow::<T>::get();
		let Some(expired) = now.checked_sub(T::ProofWindow::get().saturating_add(2)) else {
			return T::DbWeight::get().reads(1);
		};
		if next > expired {
			return T::DbWeight::get().reads(1);
		}
		let bound = T::MaxProofPrunesPerBlock::get();
		let mut steps = 0u32;
		while next <= expired && steps < bound {
			let budget = bound - steps;
			let removed = UsedProofs::<T>::drain_prefix(next)
				.take(budget as usize)
				.count() as u32;
			steps = steps.saturating_add(removed);
			if removed == budget {
				// There may be more under this block number: the next block goes on.
				break;
			}
			// The iterator found the end of this block number's records: one more step.
			steps = steps.saturating_add(1);
			next = next.saturating_add(1);
		}
		ProofsPrunedBelow::<T>::put(next);
		T::WeightInfo::prune_used_proofs(steps)
	}
}
