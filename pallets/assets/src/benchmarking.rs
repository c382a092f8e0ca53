//! Benchmarks for every call and for the consensus-proof check, each in its worst case.
//!
//! The costliest PoSpace answer is the longest Merkle path: a commitment of 2^32 chunks
//! ([`proofs::MAX_PATH_LEN`] levels). Building such a tree is out of the question, but a
//! tree whose leaves are all equal has one root per level, so every index's audit path is
//! the list of those roots: [`worst_case_space`] builds that in 33 hashes, and the chain
//! checks it exactly as it checks any other proof. The work is solved at the runtime's
//! difficulty during setup (not measured). Stake comes from the runtime's economy through
//! [`Config::BenchmarkHelper`]; leases are priced, so allocating and releasing open and
//! close a paying escrow. Pruning used proofs is benchmarked at up to its bound of
//! deletions. They run as tests on the mock runtime with
//! `cargo test -p pallet-hypermesh-assets --features runtime-benchmarks`.

use super::*;
use crate::Pallet as AssetRegistry;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use hypermesh_primitives::{ct, proofs};
use sp_runtime::traits::{Bounded, Hash as _};

const ADDRESS: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
const PORT: u16 = 4433;

/// The leaf every chunk of the benchmark commitment has.
fn chunk_leaf() -> Hash {
	ct::leaf_hash(b"HyperMesh benchmark chunk")
}

/// The roots of the equal-leaf subtrees of sizes 2^0 .. 2^MAX_PATH_LEN.
fn level_roots() -> Vec<Hash> {
	let mut roots = vec![chunk_leaf()];
	for level in 0..proofs::MAX_PATH_LEN {
		let below = roots[level];
		roots.push(ct::node_hash(&below, &below));
	}
	roots
}

/// The largest commitment a proof path can address: 2^32 equal chunks.
fn worst_case_commitment() -> SpaceCommitment {
	SpaceCommitment {
		root: level_roots()[proofs::MAX_PATH_LEN],
		chunks: 1u64 << proofs::MAX_PATH_LEN,
		address: ADDRESS,
		port: PORT,
	}
}

/// Answers to any challenge against [`worst_case_commitment`]: 32-hash paths.
fn worst_case_space() -> SpaceProof {
	let roots = level_roots();
	let path = roots[..proofs::MAX_PATH_LEN].to_vec();
	SpaceProof {
		commitment: worst_case_commitment(),
		chunks: (0..proofs::CHALLENGES)
			.map(|_| proofs::ChunkProof {
				leaf_hash: chunk_leaf(),
				path: path.clone(),
			})
			.collect(),
	}
}

/// An account with funds, the minimum stake bonded and the worst-case commitment.
fn prover<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	T::BenchmarkHelper::bond(&who, T::MinimumStake::get().max(1));
	AssetRegistry::<T>::commit_space(
		RawOrigin::Signed(who.clone()).into(),
		worst_case_commitment(),
	)
	.expect("the commitment is valid");
	who
}

/// Moves to block 10 with a known parent hash, for proofs to reference.
fn at_block_ten<T: Config>() {
	let parent = BlockNumberFor::<T>::from(9u32);
	let hash = T::Hashing::hash(b"HyperMesh benchmark parent block");
	frame_system::BlockHash::<T>::insert(parent, hash);
	frame_system::Pallet::<T>::set_block_number(parent + 1u32.into());
}

/// A proof by `who` for `operation` that passes every check, at its most expensive.
fn proof_for<T: Config>(who: &T::AccountId, operation: &Hash) -> ConsensusProof {
	let parent = frame_system::Pallet::<T>::block_number() - 1u32.into();
	let hash = frame_system::Pallet::<T>::block_hash(parent);
	let time = TimeProof {
		number: parent.saturated_into(),
		hash: hash.as_ref().try_into().expect("32-byte block hashes"),
	};
	let signer = who.encode();
	let work = proofs::solve_work(operation, &signer, &time, T::WorkDifficulty::get(), 0)
		.expect("a nonce exists");
	ConsensusProof {
		space: worst_case_space(),
		stake: StakeProof {
			bonded: T::MinimumStake::get().max(1),
		},
		work,
		time,
	}
}

fn cpu(cores: u32) -> AssetKind {
	AssetKind::Cpu { cores, mhz: 3000 }
}

/// Registers a public 16-core CPU asset of `owner`'s.
fn registered<T: Config>(owner: &T::AccountId) -> AssetId {
	let id = NextAssetId::<T>::get();
	let proof = proof_for::<T>(
		owner,
		&Call::<T>::register_operation(&cpu(16), &Privacy::FullPublic),
	);
	AssetRegistry::<T>::register_asset(
		RawOrigin::Signed(owner.clone()).into(),
		cpu(16),
		Privacy::FullPublic,
		proof,
	)
	.expect("valid registration");
	id
}

/// Allocates `amount` of `asset` to `consumer` for the longest lease, at any price.
fn allocated<T: Config>(consumer: &T::AccountId, asset: AssetId, amount: u64) -> AllocationId {
	let id = NextAllocationId::<T>::get();
	let lease = T::MaxLease::get();
	let limit = BalanceOf::<T>::max_value();
	let proof = proof_for::<T>(
		consumer,
		&Call::<T>::allocate_operation(asset, amount, &lease, &limit),
	);
	AssetRegistry::<T>::allocate(
		RawOrigin::Signed(consumer.clone()).into(),
		asset,
		amount,
		lease,
		limit,
		proof,
	)
	.expect("valid allocation");
	id
}

/// Sets `asset`'s price to one unit of the balance per unit per block.
fn priced<T: Config>(owner: &T::AccountId, asset: AssetId) {
	AssetRegistry::<T>::set_price(RawOrigin::Signed(owner.clone()).into(), asset, 1u32.into())
		.expect("the owner sets the price");
}

/// The chunk every chunk of the audit commitment holds: as long as a chunk may be.
fn audit_chunk() -> Vec<u8> {
	vec![0x5a; MAX_CHUNK_LEN]
}

/// The largest commitment a full-data audit answer can address: 2^32 chunks, each
/// [`audit_chunk`], at another port than [`worst_case_commitment`] (so another id).
fn audit_commitment() -> SpaceCommitment {
	let mut roots = vec![ct::leaf_hash(&audit_chunk())];
	for level in 0..proofs::MAX_PATH_LEN {
		let below = roots[level];
		roots.push(ct::node_hash(&below, &below));
	}
	SpaceCommitment {
		root: roots[proofs::MAX_PATH_LEN],
		chunks: 1u64 << proofs::MAX_PATH_LEN,
		address: ADDRESS,
		port: PORT + 1,
	}
}

/// Full-data answers to any challenge against [`audit_commitment`]: the longest chunks
/// with 32-hash paths.
fn audit_answers() -> Vec<ChunkData> {
	let mut path = vec![ct::leaf_hash(&audit_chunk())];
	for level in 1..proofs::MAX_PATH_LEN {
		let below = path[level - 1];
		path.push(ct::node_hash(&below, &below));
	}
	(0..proofs::CHALLENGES)
		.map(|_| ChunkData {
			data: audit_chunk(),
			path: path.clone(),
		})
		.collect()
}

/// `owner` with [`Config::MaxAssetsPerOwner`] assets (written directly: registering them
/// is benchmarked elsewhere), all of which a failed challenge penalises.
fn with_most_assets<T: Config>(owner: &T::AccountId) {
	for _ in 0..T::MaxAssetsPerOwner::get() {
		let id = NextAssetId::<T>::get();
		NextAssetId::<T>::put(id + 1);
		Assets::<T>::insert(
			id,
			Asset {
				owner: owner.clone(),
				kind: cpu(16),
				privacy: Privacy::FullPublic,
				allocated: 0,
				address: asset_address([0xfd; 8], id),
				reputation: MAX_REPUTATION,
			},
		);
		AssetsByOwner::<T>::insert(owner, id, ());
	}
	OwnerAssetCount::<T>::insert(owner, T::MaxAssetsPerOwner::get());
}

/// A funded provider that committed [`audit_commitment`], challenged by a funded
/// challenger (not the provider, so the deposit moves on a right answer).
fn challenged<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	// Enough for the deposit, and little enough for many accounts' total to stay within
	// the balance type.
	let funds = BalanceOf::<T>::max_value() / 1024u32.into();
	let provider: T::AccountId = account(name, index, 0);
	T::Currency::set_balance(&provider, funds);
	// Stake for the failed challenge's offence to slash.
	T::BenchmarkHelper::bond(&provider, T::MinimumStake::get().max(1));
	AssetRegistry::<T>::commit_space(
		RawOrigin::Signed(provider.clone()).into(),
		audit_commitment(),
	)
	.expect("the commitment is valid");
	let challenger: T::AccountId = account("challenger", index, 0);
	T::Currency::set_balance(&challenger, funds);
	AssetRegistry::<T>::challenge_space(
		RawOrigin::Signed(challenger).into(),
		provider.clone(),
		audit_commitment().id(),
	)
	.expect("the challenger can pay the deposit");
	provider
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn check_consensus_proof() {
		at_block_ten::<T>();
		let who = prover::<T>("prover");
		let operation = Call::<T>::register_operation(&cpu(16), &Privacy::FullPublic);
		let proof = proof_for::<T>(&who, &operation);
		let result;
		#[block]
		{
			result = AssetRegistry::<T>::check_proof(&who, &operation, &proof);
		}
		assert!(result.is_ok());
	}

	#[benchmark]
	fn register_asset() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let proof = proof_for::<T>(
			&owner,
			&Call::<T>::register_operation(&cpu(16), &Privacy::FullPublic),
		);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			cpu(16),
			Privacy::FullPublic,
			proof,
		);
		assert_eq!(OwnerAssetCount::<T>::get(&owner), 1);
	}

	#[benchmark]
	fn update_asset() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let id = registered::<T>(&owner);
		let proof = proof_for::<T>(
			&owner,
			&Call::<T>::update_operation(id, &cpu(32), &Privacy::P2P),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, cpu(32), Privacy::P2P, proof);
		assert_eq!(Assets::<T>::get(id).map(|asset| asset.kind), Some(cpu(32)));
	}

	#[benchmark]
	fn retire_asset() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let id = registered::<T>(&owner);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id);
		assert!(Assets::<T>::get(id).is_none());
	}

	/// A priced asset: the deposit is held and a paying escrow opened.
	#[benchmark]
	fn allocate() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let consumer = prover::<T>("consumer");
		let id = registered::<T>(&owner);
		priced::<T>(&owner, id);
		let lease = T::MaxLease::get();
		let limit = BalanceOf::<T>::max_value();
		let proof = proof_for::<T>(
			&consumer,
			&Call::<T>::allocate_operation(id, 16, &lease, &limit),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), id, 16, lease, limit, proof);
		assert_eq!(Assets::<T>::get(id).map(|asset| asset.allocated), Some(16));
	}

	/// A priced lease ended early: the escrow is settled and the deposit returned.
	#[benchmark]
	fn release() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let consumer = prover::<T>("consumer");
		let id = registered::<T>(&owner);
		priced::<T>(&owner, id);
		let allocation = allocated::<T>(&consumer, id, 16);
		frame_system::Pallet::<T>::set_block_number(
			frame_system::Pallet::<T>::block_number() + 1u32.into(),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), allocation);
		assert_eq!(Assets::<T>::get(id).map(|asset| asset.allocated), Some(0));
		assert!(AllocationDeposits::<T>::get(allocation).is_none());
	}

	/// The asset has the most live allocations, all by another account and live since
	/// the previous report: each is read and credited.
	#[benchmark]
	fn report_telemetry() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let id = registered::<T>(&owner);
		let now = frame_system::Pallet::<T>::block_number();
		let most = T::MaxAllocationsPerAsset::get();
		let capacity = u64::from(most.max(16));
		let consumer: T::AccountId = account("consumer", 0, 0);
		let expires_at = now + T::MaxLease::get();
		// Written directly: allocating is benchmarked on its own.
		for _ in 0..most {
			let allocation = NextAllocationId::<T>::get();
			NextAllocationId::<T>::put(allocation + 1);
			Allocations::<T>::insert(
				allocation,
				Allocation {
					asset: id,
					consumer: consumer.clone(),
					amount: 1,
					expires_at,
				},
			);
			AllocationsByAsset::<T>::insert(id, allocation, BlockNumberFor::<T>::from(1u32));
		}
		AllocationCount::<T>::insert(id, most);
		Assets::<T>::mutate_extant(id, |asset| {
			asset.kind = AssetKind::Memory { mib: capacity };
			asset.allocated = u64::from(most);
		});
		let telemetry = Telemetry {
			measured_capacity: Some(capacity),
			used: 8,
		};
		Usage::<T>::insert(
			id,
			UsageRecord {
				at: BlockNumberFor::<T>::from(2u32),
				telemetry,
			},
		);
		let proof = proof_for::<T>(&owner, &Call::<T>::telemetry_operation(id, &telemetry));
		// Each allocation is live over the whole interval since the report at block 2.
		let interval: u128 = (now - BlockNumberFor::<T>::from(2u32))
			.min(T::MaxServiceInterval::get())
			.saturated_into();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), id, telemetry, proof);
		assert_eq!(Usage::<T>::get(id).map(|record| record.at), Some(now));
		frame_system::Pallet::<T>::assert_has_event(
			Event::<T>::ServiceRecorded {
				asset: id,
				provider: owner,
				points: u128::from(most) * interval,
			}
			.into(),
		);
	}

	#[benchmark]
	fn set_price() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let id = registered::<T>(&owner);
		let price: BalanceOf<T> = 1_000u32.into();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, price);
		assert_eq!(Prices::<T>::get(id), price);
	}

	#[benchmark]
	fn commit_space() {
		let who: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), worst_case_commitment());
		assert_eq!(CommitmentCount::<T>::get(&who), 1);
	}

	#[benchmark]
	fn withdraw_space() {
		let who = prover::<T>("prover");
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), worst_case_commitment().id());
		assert_eq!(CommitmentCount::<T>::get(&who), 0);
	}

	/// The deadline's list holds all but one of the challenges allowed.
	#[benchmark]
	fn challenge_space() {
		at_block_ten::<T>();
		let provider: T::AccountId = account("provider", 0, 0);
		AssetRegistry::<T>::commit_space(
			RawOrigin::Signed(provider.clone()).into(),
			audit_commitment(),
		)
		.expect("the commitment is valid");
		let deadline = frame_system::Pallet::<T>::block_number() + T::ChallengePeriod::get();
		let others = (1..T::MaxChallengesPerBlock::get())
			.map(|i| (account::<T::AccountId>("other", i, 0), [i as u8; 32]))
			.collect::<Vec<_>>();
		ChallengeDeadlines::<T>::insert(
			deadline,
			BoundedVec::try_from(others).expect("below the bound"),
		);
		let challenger: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&challenger, BalanceOf::<T>::max_value() / 4u32.into());
		#[extrinsic_call]
		_(
			RawOrigin::Signed(challenger),
			provider.clone(),
			audit_commitment().id(),
		);
		assert!(SpaceChallenges::<T>::contains_key(
			&provider,
			audit_commitment().id()
		));
	}

	/// Four longest chunks with 32-hash paths, all checked.
	#[benchmark]
	fn answer_challenge_right() {
		at_block_ten::<T>();
		let provider = challenged::<T>("provider", 0);
		// The challenged indices do not matter: every chunk and path is the same.
		#[extrinsic_call]
		answer_challenge(
			RawOrigin::Signed(provider.clone()),
			audit_commitment().id(),
			audit_answers(),
		);
		assert!(!SpaceChallenges::<T>::contains_key(
			&provider,
			audit_commitment().id()
		));
		frame_system::Pallet::<T>::assert_last_event(
			Event::<T>::ChallengeAnswered {
				provider,
				commitment: audit_commitment().id(),
			}
			.into(),
		);
	}

	/// The last chunk is wrong (three checked in full first), and the provider has the
	/// most assets.
	#[benchmark]
	fn answer_challenge_wrong() {
		at_block_ten::<T>();
		let provider = challenged::<T>("provider", 0);
		with_most_assets::<T>(&provider);
		let mut answers = audit_answers();
		answers[proofs::CHALLENGES - 1].data[0] ^= 1;
		#[extrinsic_call]
		answer_challenge(
			RawOrigin::Signed(provider.clone()),
			audit_commitment().id(),
			answers,
		);
		frame_system::Pallet::<T>::assert_last_event(
			Event::<T>::ChallengeFailed {
				provider,
				commitment: audit_commitment().id(),
				expired: false,
				assets: T::MaxAssetsPerOwner::get(),
			}
			.into(),
		);
	}

	/// `c` challenges fall due unanswered, each provider with the most assets.
	#[benchmark]
	fn expire_challenges(c: Linear<0, { T::MaxChallengesPerBlock::get() }>) {
		at_block_ten::<T>();
		let providers: Vec<T::AccountId> = (0..c)
			.map(|i| {
				let provider = challenged::<T>("provider", i);
				with_most_assets::<T>(&provider);
				provider
			})
			.collect();
		let deadline = frame_system::Pallet::<T>::block_number() + T::ChallengePeriod::get();
		#[block]
		{
			AssetRegistry::<T>::expire_challenges(deadline);
		}
		for provider in providers {
			assert!(!SpaceChallenges::<T>::contains_key(
				&provider,
				audit_commitment().id()
			));
		}
	}

	/// `n` stale used-proof records under the block number pruning resumes at, all
	/// removed: at the bound ([`Config::MaxProofPrunesPerBlock`]) the block's whole budget
	/// goes to deletions, the costliest step (moving past an emptied block number is one
	/// read).
	#[benchmark]
	fn prune_used_proofs(n: Linear<0, { T::MaxProofPrunesPerBlock::get() }>) {
		let stale = 10u32;
		let now = stale
			.saturating_add(T::ProofWindow::get())
			.saturating_add(2);
		ProofsPrunedBelow::<T>::put(stale);
		for i in 0..n {
			UsedProofs::<T>::insert(stale, sp_io::hashing::blake2_256(&i.encode()), ());
		}
		#[block]
		{
			AssetRegistry::<T>::prune_used_proofs(now);
		}
		assert_eq!(UsedProofs::<T>::iter_prefix(stale).count(), 0);
		let resumes_at = if n < T::MaxProofPrunesPerBlock::get() {
			stale + 1
		} else {
			stale
		};
		assert_eq!(ProofsPrunedBelow::<T>::get(), resumes_at);
	}

	impl_benchmark_test_suite!(
		AssetRegistry,
		crate::mock::new_test_ext(),
		crate::mock::Test
	);
}
