//! Space commitments and their audits.
//!
//! A provider registers commitments to data it keeps: the Merkle root over the data's
//! chunks and the IPv6 location it is served from ([`is_ipv6_location`]). PoSpace proofs
//! in guarded calls answer challenges drawn from the proof's block against these
//! (`crate::proofs`). Audits check them at any time: anyone may challenge a commitment
//! holding [`Config::ChallengeDeposit`]; the chain draws the challenged chunks from the
//! parent block's hash, and the provider must send those chunks' bytes with their Merkle
//! paths within [`Config::ChallengePeriod`] blocks. A right answer earns the provider the
//! deposit; a wrong answer, or none by the deadline (settled at the start of the deadline
//! block, from `on_initialize`), costs each of the provider's assets
//! [`Config::ReputationPenalty`], is an offence (recorded and slashed by
//! [`Config::OffenceSlash`] of the provider's bonded stake) and returns the deposit to the
//! challenger. An answer that is malformed rather than wrong (not one chunk per challenge,
//! a chunk longer than [`MAX_CHUNK_LEN`], a path longer than a 2^32-chunk tree needs) is
//! refused before any storage read or hashing ([`Error::WrongAnswerCount`],
//! [`Error::ChunkTooLarge`], [`Error::PathTooLong`]), and the challenge stays open.

use crate::*;
use frame_support::traits::{
	fungible::MutateHold,
	tokens::{Fortitude, Precision, Restriction},
};
use sp_runtime::traits::Saturating;

/// Whether `address` can locate a provider: an IPv6 unicast address, not unspecified,
/// not multicast, and not an IPv4 host in IPv6 form (`hypermesh_primitives::ipv6`, the
/// rule TrustChain's AAAA records follow); the loopback `::1` is allowed.
pub fn is_ipv6_location(address: &[u8; 16]) -> bool {
	use hypermesh_primitives::ipv6;
	!(ipv6::is_unspecified(address) || ipv6::is_multicast(address) || ipv6::embeds_ipv4(address))
}

impl<T: Config> Pallet<T> {
	/// [`Pallet::commit_space`] for the signed `who`.
	pub(crate) fn do_commit_space(
		who: T::AccountId,
		commitment: SpaceCommitment,
	) -> DispatchResult {
		ensure!(
			commitment.chunks >= T::MinSpaceChunks::get()
				&& commitment.chunks <= 1u64 << hypermesh_primitives::proofs::MAX_PATH_LEN,
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

	/// [`Pallet::withdraw_space`] for the signed `who`.
	pub(crate) fn do_withdraw_space(who: T::AccountId, id: Hash) -> DispatchResult {
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

	/// [`Pallet::challenge_space`] for the signed `challenger`.
	pub(crate) fn do_challenge_space(
		challenger: T::AccountId,
		provider: T::AccountId,
		commitment: Hash,
	) -> DispatchResult {
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
		let seed =
			<Hash>::try_from(frame_system::Pallet::<T>::parent_hash().as_ref()).unwrap_or_default();
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

	/// [`Pallet::answer_challenge`] for the signed `provider`.
	pub(crate) fn do_answer_challenge(
		provider: T::AccountId,
		commitment: Hash,
		chunks: Vec<ChunkData>,
	) -> DispatchResult {
		// The answer's shape first, before any storage read or hashing: a malformed answer
		// is refused as such and leaves the challenge open.
		ensure!(
			chunks.len() == hypermesh_primitives::proofs::CHALLENGES,
			Error::<T>::WrongAnswerCount
		);
		ensure!(
			chunks.iter().all(|chunk| chunk.data.len() <= MAX_CHUNK_LEN),
			Error::<T>::ChunkTooLarge
		);
		ensure!(
			chunks
				.iter()
				.all(|chunk| chunk.path.len() <= hypermesh_primitives::proofs::MAX_PATH_LEN),
			Error::<T>::PathTooLong
		);
		let challenge =
			SpaceChallenges::<T>::get(&provider, commitment).ok_or(Error::<T>::NoChallenge)?;
		let registered = SpaceCommitments::<T>::get(&provider, commitment)
			.ok_or(Error::<T>::UnknownCommitment)?;
		SpaceChallenges::<T>::remove(&provider, commitment);
		let right = hypermesh_primitives::proofs::verify_space_data(
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

	/// Fails the challenges due at the start of block `now` that are still open.
	pub(crate) fn expire_challenges(now: BlockNumberFor<T>) -> Weight {
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
	/// [`Config::ReputationPenalty`], the offence is recorded and slashed; the challenger
	/// gets its deposit back.
	fn settle_failed(
		provider: T::AccountId,
		commitment: Hash,
		challenge: &SpaceChallenge<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>,
		expired: bool,
	) {
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
		let offence = if expired {
			ProviderOffence::UnansweredChallenge
		} else {
			ProviderOffence::FailedChallenge
		};
		Self::punish(&provider, offence);
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
}
