//! Benchmarks for every call and for the consensus-proof check, each in its worst case.
//!
//! The costliest PoSpace answer is the longest Merkle path: a commitment of 2^32 chunks
//! ([`proofs::MAX_PATH_LEN`] levels). Building such a tree is out of the question, but a
//! tree whose leaves are all equal has one root per level, so every index's audit path is
//! the list of those roots: [`worst_case_space`] builds that in 33 hashes, and the chain
//! checks it exactly as it checks any other proof. The work is solved at the runtime's
//! difficulty during setup (not measured). They run as tests on the mock runtime with
//! `cargo test -p pallet-hypermesh-assets --features runtime-benchmarks`.

use super::*;
use crate::Pallet as AssetRegistry;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::fungible::Mutate;
use frame_system::RawOrigin;
use hypermesh_primitives::ct;
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
	let stake: BalanceOf<T> = T::MinimumStake::get().saturated_into();
	T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
	AssetRegistry::<T>::bond(
		RawOrigin::Signed(who.clone()).into(),
		stake.max(1u32.into()),
	)
	.expect("the account is funded");
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

	#[benchmark]
	fn allocate() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let consumer = prover::<T>("consumer");
		let id = registered::<T>(&owner);
		let lease = T::MaxLease::get();
		let proof = proof_for::<T>(&consumer, &Call::<T>::allocate_operation(id, 16, &lease));
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), id, 16, lease, proof);
		assert_eq!(Assets::<T>::get(id).map(|asset| asset.allocated), Some(16));
	}

	#[benchmark]
	fn release() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let consumer = prover::<T>("consumer");
		let id = registered::<T>(&owner);
		let lease = T::MaxLease::get();
		let proof = proof_for::<T>(&consumer, &Call::<T>::allocate_operation(id, 16, &lease));
		AssetRegistry::<T>::allocate(
			RawOrigin::Signed(consumer.clone()).into(),
			id,
			16,
			lease,
			proof,
		)
		.expect("valid allocation");
		let allocation = NextAllocationId::<T>::get() - 1;
		#[extrinsic_call]
		_(RawOrigin::Signed(consumer), allocation);
		assert_eq!(Assets::<T>::get(id).map(|asset| asset.allocated), Some(0));
	}

	#[benchmark]
	fn report_telemetry() {
		at_block_ten::<T>();
		let owner = prover::<T>("owner");
		let id = registered::<T>(&owner);
		let telemetry = Telemetry {
			measured_capacity: Some(16),
			used: 8,
		};
		let proof = proof_for::<T>(&owner, &Call::<T>::telemetry_operation(id, &telemetry));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), id, telemetry, proof);
		assert!(Usage::<T>::get(id).is_some());
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

	#[benchmark]
	fn bond() {
		let who: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&who, BalanceOf::<T>::max_value() / 4u32.into());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), 1_000u32.into());
		assert_eq!(T::Stake::bonded(&who) >= 1_000, true);
	}

	#[benchmark]
	fn unbond() {
		let who = prover::<T>("prover");
		let stake: BalanceOf<T> = T::MinimumStake::get().max(1).saturated_into();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), stake);
		assert_eq!(T::Stake::bonded(&who), 0);
	}

	impl_benchmark_test_suite!(
		AssetRegistry,
		crate::mock::new_test_ext(),
		crate::mock::Test
	);
}
