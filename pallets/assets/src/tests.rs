//! Unit tests on the mock runtime: every call, every error, nothing changed on failure, and
//! the consensus-proof extension refusing each kind of bad proof with its own code.

use crate::{mock::*, *};
use codec::Encode;
use core::cell::Cell;
use frame_support::{assert_noop, assert_ok, dispatch::DispatchInfo};
use hypermesh_primitives::{ct, proofs as p};
use sp_runtime::{
	traits::{BadOrigin, DispatchTransaction, TransactionExtension},
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchResult,
};

/// Where the test providers say their data is.
const ADDR: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
const PORT: u16 = 4433;
const CHUNKS: u64 = 16;

fn cpu(cores: u32) -> AssetKind {
	AssetKind::Cpu { cores, mhz: 3000 }
}

/// The chunk leaf hashes of account `who`'s stored data.
fn leaves(who: u64) -> Vec<ct::Hash> {
	(0..CHUNKS)
		.map(|i| ct::leaf_hash(&(who, i).encode()))
		.collect()
}

fn commitment(who: u64) -> SpaceCommitment {
	let leaves = leaves(who);
	SpaceCommitment {
		root: ct::root(&leaves),
		chunks: CHUNKS,
		address: ADDR,
		port: PORT,
	}
}

/// Bonds the minimum stake and registers `who`'s space commitment.
fn make_prover(who: u64) {
	assert_ok!(AssetRegistry::bond(
		RuntimeOrigin::signed(who),
		MIN_STAKE as u64
	));
	assert_ok!(AssetRegistry::commit_space(
		RuntimeOrigin::signed(who),
		commitment(who)
	));
}

/// A test externality with accounts 1 to 4 ready to prove.
fn ext() -> sp_io::TestExternalities {
	let mut ext = new_test_ext();
	ext.execute_with(|| (1..=4).for_each(make_prover));
	ext
}

thread_local! {
	/// Each proof's work search starts elsewhere, so equal operations get distinct proofs.
	static NONCE: Cell<u64> = const { Cell::new(0) };
}

/// A proof by `who` for `operation`, referencing the parent block.
fn proof_for(who: u64, operation: ct::Hash) -> ConsensusProof {
	let parent = System::block_number() - 1;
	let time = TimeProof {
		number: parent as u32,
		hash: System::block_hash(parent).to_fixed_bytes(),
	};
	let signer = who.encode();
	let start = NONCE.with(|n| {
		let start = n.get();
		n.set(start + 1_000_000);
		start
	});
	ConsensusProof {
		space: p::prove_space(&time.hash, &signer, &leaves(who), ADDR, PORT).unwrap(),
		stake: StakeProof { bonded: MIN_STAKE },
		work: p::solve_work(&operation, &signer, &time, DIFFICULTY, start).unwrap(),
		time,
	}
}

/// A well-formed proof no check was run on (for calls that fail before the check).
fn unchecked_proof() -> ConsensusProof {
	proof_for(1, [0; 32])
}

fn register_call(owner: u64, kind: AssetKind, privacy: Privacy) -> DispatchResult {
	let proof = proof_for(owner, Call::<Test>::register_operation(&kind, &privacy));
	AssetRegistry::register_asset(RuntimeOrigin::signed(owner), kind, privacy, proof)
}

fn update_call(owner: u64, id: AssetId, kind: AssetKind, privacy: Privacy) -> DispatchResult {
	let proof = proof_for(owner, Call::<Test>::update_operation(id, &kind, &privacy));
	AssetRegistry::update_asset(RuntimeOrigin::signed(owner), id, kind, privacy, proof)
}

fn allocate_call(who: u64, asset: AssetId, amount: u64, lease: u64) -> DispatchResult {
	let proof = proof_for(who, Call::<Test>::allocate_operation(asset, amount, &lease));
	AssetRegistry::allocate(RuntimeOrigin::signed(who), asset, amount, lease, proof)
}

fn report_call(who: u64, asset: AssetId, measured: Option<u64>, used: u64) -> DispatchResult {
	let telemetry = Telemetry {
		measured_capacity: measured,
		used,
	};
	let proof = proof_for(who, Call::<Test>::telemetry_operation(asset, &telemetry));
	AssetRegistry::report_telemetry(RuntimeOrigin::signed(who), asset, telemetry, proof)
}

fn register(owner: u64, kind: AssetKind, privacy: Privacy) -> AssetId {
	let id = NextAssetId::<Test>::get();
	assert_ok!(register_call(owner, kind, privacy));
	id
}

/// Runs the extension's pool check on `call` signed by `who`.
fn pool_check(who: u64, call: Call<Test>) -> Result<(), TransactionValidityError> {
	let call: RuntimeCall = call.into();
	CheckConsensusProof::<Test>::new()
		.validate_only(
			RuntimeOrigin::signed(who),
			&call,
			&DispatchInfo::default(),
			0,
			TransactionSource::External,
			0,
		)
		.map(|_| ())
}

fn refused(rejection: ProofRejection) -> Result<(), TransactionValidityError> {
	Err(InvalidTransaction::Custom(rejection.code()).into())
}

fn register_with(proof: ConsensusProof) -> Call<Test> {
	Call::register_asset {
		kind: cpu(4),
		privacy: Privacy::P2P,
		proof,
	}
}

fn good_register_proof(who: u64) -> ConsensusProof {
	proof_for(
		who,
		Call::<Test>::register_operation(&cpu(4), &Privacy::P2P),
	)
}

#[test]
fn register_asset_assigns_an_address_in_the_chain_prefix() {
	ext().execute_with(|| {
		let id = register(
			1,
			AssetKind::Gpu {
				devices: 2,
				memory_mib: 24576,
			},
			Privacy::FullPublic,
		);
		let asset = Assets::<Test>::get(id).unwrap();
		assert_eq!(asset.owner, 1);
		assert_eq!(asset.allocated, 0);
		assert_eq!(asset.reputation, MAX_REPUTATION);
		// fd + the genesis hash's first 7 bytes, then the asset id.
		let mut expected = [
			0xfd, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0, 0, 0, 0, 0, 0, 0, 0,
		];
		expected[15] = id as u8;
		assert_eq!(asset.address, expected);
		assert_eq!(AssetRegistry::resolve_address(expected), Some((id, 1)));
		let second = register(1, AssetKind::Storage { gib: 100 }, Privacy::P2P);
		assert_ne!(Assets::<Test>::get(second).unwrap().address, expected);
		assert_eq!(OwnerAssetCount::<Test>::get(1), 2);
		assert_eq!(
			AssetRegistry::assets_of(&1)
				.into_iter()
				.map(|(id, _)| id)
				.collect::<Vec<_>>(),
			vec![id, second]
		);
		System::assert_last_event(
			Event::AssetRegistered {
				id: second,
				owner: 1,
				address: Assets::<Test>::get(second).unwrap().address,
			}
			.into(),
		);
	});
}

#[test]
fn register_asset_errors_change_nothing() {
	ext().execute_with(|| {
		assert_noop!(
			AssetRegistry::register_asset(
				RuntimeOrigin::none(),
				cpu(4),
				Privacy::P2P,
				unchecked_proof()
			),
			BadOrigin
		);
		for zero in [
			cpu(0),
			AssetKind::Gpu {
				devices: 0,
				memory_mib: 1,
			},
			AssetKind::Memory { mib: 0 },
			AssetKind::Storage { gib: 0 },
			AssetKind::Network { mbps: 0 },
			AssetKind::Container { slots: 0 },
		] {
			assert_noop!(
				register_call(1, zero, Privacy::P2P),
				Error::<Test>::ZeroCapacity
			);
		}
		for _ in 0..3 {
			register(1, cpu(1), Privacy::P2P);
		}
		assert_noop!(
			register_call(1, cpu(1), Privacy::P2P),
			Error::<Test>::TooManyAssets
		);
	});
}

#[test]
fn allocations_never_exceed_capacity() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::PublicNetwork);
		assert_ok!(allocate_call(2, id, 5, 10));
		assert_ok!(allocate_call(3, id, 3, 10));
		assert_eq!(Assets::<Test>::get(id).unwrap().allocated, 8);
		// One more core is an over-allocation; so is u64::MAX (no wrap-around).
		assert_noop!(allocate_call(4, id, 1, 10), Error::<Test>::OverAllocation);
		assert_noop!(
			allocate_call(4, id, u64::MAX, 10),
			Error::<Test>::OverAllocation
		);
		// Releasing frees the capacity.
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(3), 1));
		assert_eq!(Assets::<Test>::get(id).unwrap().allocated, 5);
		assert_ok!(allocate_call(4, id, 3, 10));
		System::assert_last_event(
			Event::Allocated {
				id: 2,
				asset: id,
				consumer: 4,
				amount: 3,
				expires_at: 11,
			}
			.into(),
		);
	});
}

#[test]
fn allocate_errors_change_nothing() {
	ext().execute_with(|| {
		let public = register(1, cpu(8), Privacy::FullPublic);
		let private = register(1, cpu(8), Privacy::Private);
		let network = register(1, cpu(8), Privacy::PrivateNetwork);
		assert_noop!(allocate_call(2, 9, 1, 10), Error::<Test>::UnknownAsset);
		assert_noop!(allocate_call(2, public, 0, 10), Error::<Test>::ZeroAmount);
		assert_noop!(allocate_call(2, public, 1, 0), Error::<Test>::BadLease);
		assert_noop!(
			allocate_call(2, public, 1, MAX_LEASE + 1),
			Error::<Test>::BadLease
		);
		assert_noop!(allocate_call(2, private, 1, 10), Error::<Test>::NotAllowed);
		assert_noop!(allocate_call(2, network, 1, 10), Error::<Test>::NotAllowed);
		// The owner may use its private assets.
		assert_ok!(allocate_call(1, private, 1, MAX_LEASE));
	});
}

#[test]
fn leases_expire_and_anyone_can_release_them() {
	ext().execute_with(|| {
		let id = register(1, AssetKind::Memory { mib: 1024 }, Privacy::P2P);
		assert_ok!(allocate_call(2, id, 1024, 5));
		assert_noop!(
			AssetRegistry::release(RuntimeOrigin::signed(3), 0),
			Error::<Test>::NotConsumer
		);
		assert_noop!(
			AssetRegistry::release(RuntimeOrigin::signed(3), 7),
			Error::<Test>::UnknownAllocation
		);
		System::set_block_number(6);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(3), 0));
		System::assert_last_event(Event::Released { id: 0 }.into());
		assert_eq!(Assets::<Test>::get(id).unwrap().allocated, 0);
		assert!(Allocations::<Test>::get(0).is_none());
	});
}

#[test]
fn update_and_retire_respect_allocations() {
	ext().execute_with(|| {
		let id = register(1, AssetKind::Storage { gib: 100 }, Privacy::P2P);
		assert_ok!(allocate_call(2, id, 60, 10));
		assert_noop!(
			update_call(1, id, AssetKind::Storage { gib: 59 }, Privacy::P2P),
			Error::<Test>::BelowAllocated
		);
		assert_noop!(
			update_call(1, id, AssetKind::Memory { mib: 100 }, Privacy::P2P),
			Error::<Test>::KindChanged
		);
		assert_noop!(
			update_call(2, id, AssetKind::Storage { gib: 200 }, Privacy::P2P),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			update_call(1, id, AssetKind::Storage { gib: 0 }, Privacy::P2P),
			Error::<Test>::ZeroCapacity
		);
		assert_ok!(update_call(
			1,
			id,
			AssetKind::Storage { gib: 60 },
			Privacy::Private
		));
		assert_eq!(Assets::<Test>::get(id).unwrap().kind.capacity(), 60);
		assert_noop!(
			AssetRegistry::retire_asset(RuntimeOrigin::signed(1), id),
			Error::<Test>::HasAllocations
		);
		assert_noop!(
			AssetRegistry::retire_asset(RuntimeOrigin::signed(2), id),
			Error::<Test>::NotOwner
		);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(2), 0));
		let address = Assets::<Test>::get(id).unwrap().address;
		assert_ok!(AssetRegistry::retire_asset(RuntimeOrigin::signed(1), id));
		assert!(Assets::<Test>::get(id).is_none());
		assert_eq!(AssetRegistry::resolve_address(address), None);
		assert_eq!(OwnerAssetCount::<Test>::get(1), 0);
		assert_noop!(
			AssetRegistry::retire_asset(RuntimeOrigin::signed(1), id),
			Error::<Test>::UnknownAsset
		);
	});
}

#[test]
fn contradicting_reports_cost_reputation() {
	ext().execute_with(|| {
		let id = register(1, AssetKind::Network { mbps: 1000 }, Privacy::FullPublic);
		assert_ok!(report_call(1, id, None, 1000));
		assert_eq!(Usage::<Test>::get(id).unwrap().telemetry.used, 1000);
		assert_ok!(report_call(1, id, Some(1000), 10));
		System::assert_last_event(
			Event::TelemetryReported {
				asset: id,
				telemetry: Telemetry {
					measured_capacity: Some(1000),
					used: 10,
				},
			}
			.into(),
		);
		// More in use than registered.
		assert_ok!(report_call(1, id, None, 1001));
		System::assert_last_event(
			Event::ReportContradicted {
				asset: id,
				reputation: MAX_REPUTATION - PENALTY,
			}
			.into(),
		);
		// Less capacity found than registered.
		assert_ok!(report_call(1, id, Some(999), 1));
		System::assert_last_event(
			Event::ReportContradicted {
				asset: id,
				reputation: MAX_REPUTATION - 2 * PENALTY,
			}
			.into(),
		);
		// The contradicting reports are not recorded.
		assert_eq!(Usage::<Test>::get(id).unwrap().telemetry.used, 10);
		for _ in 0..10 {
			assert_ok!(report_call(1, id, None, u64::MAX));
		}
		assert_eq!(Assets::<Test>::get(id).unwrap().reputation, 0);
		assert_noop!(report_call(2, id, None, 1), Error::<Test>::NotOwner);
		assert_noop!(report_call(1, 9, None, 1), Error::<Test>::UnknownAsset);
	});
}

#[test]
fn a_valid_proof_passes_the_pool_and_provides_its_id() {
	ext().execute_with(|| {
		run_to_block(4);
		let proof = good_register_proof(1);
		let call: RuntimeCall = register_with(proof.clone()).into();
		let (valid, _, _) = CheckConsensusProof::<Test>::new()
			.validate_only(
				RuntimeOrigin::signed(1),
				&call,
				&DispatchInfo::default(),
				0,
				TransactionSource::External,
				0,
			)
			.unwrap();
		let id = proof.id(
			&1u64.encode(),
			&Call::<Test>::register_operation(&cpu(4), &Privacy::P2P),
		);
		assert_eq!(
			valid.provides,
			vec![("HyperMeshProof", (extension::PROOF_TAG, id)).encode()]
		);
		// Referencing block 3 at block 4 with a window of 5: valid through block 9.
		assert_eq!(valid.longevity, 6);
		// Calls without proofs pass untouched, as does an unsigned origin.
		assert_eq!(pool_check(1, Call::release { id: 0 }), Ok(()));
		let unsigned = CheckConsensusProof::<Test>::new().validate(
			RuntimeOrigin::none(),
			&call,
			&DispatchInfo::default(),
			0,
			(),
			&sp_runtime::traits::TxBaseImplication(&call),
			TransactionSource::External,
		);
		assert!(unsigned.is_ok());
	});
}

#[test]
fn each_bad_proof_is_refused_in_the_pool_with_its_own_code() {
	ext().execute_with(|| {
		run_to_block(10);
		assert_eq!(pool_check(1, register_with(good_register_proof(1))), Ok(()));

		// PoTime: a stale block, a block not yet built, a hash that is not the chain's.
		let mut stale = good_register_proof(1);
		stale.time = TimeProof {
			number: 10 - 1 - WINDOW - 1,
			hash: System::block_hash(10 - 1 - WINDOW as u64 - 1).to_fixed_bytes(),
		};
		assert_eq!(
			pool_check(1, register_with(stale)),
			refused(ProofRejection::StaleBlock)
		);
		let mut future = good_register_proof(1);
		future.time.number = 10;
		assert_eq!(
			pool_check(1, register_with(future)),
			refused(ProofRejection::FutureBlock)
		);
		let mut forked = good_register_proof(1);
		forked.time.hash[0] ^= 1;
		assert_eq!(
			pool_check(1, register_with(forked)),
			refused(ProofRejection::UnknownBlock)
		);

		// PoStake: a claim above what is bonded, and a bond below the minimum.
		let mut greedy = good_register_proof(1);
		greedy.stake.bonded = MIN_STAKE + 1;
		assert_eq!(
			pool_check(1, register_with(greedy)),
			refused(ProofRejection::InsufficientStake)
		);
		let mut small = good_register_proof(1);
		small.stake.bonded = MIN_STAKE - 1;
		assert_eq!(
			pool_check(1, register_with(small)),
			refused(ProofRejection::InsufficientStake)
		);
		// Account 5 bonded less than the minimum and proves what it has.
		assert_ok!(AssetRegistry::bond(RuntimeOrigin::signed(5), 50));
		assert_ok!(AssetRegistry::commit_space(
			RuntimeOrigin::signed(5),
			commitment(5)
		));
		let mut poor = good_register_proof(5);
		poor.stake.bonded = 50;
		assert_eq!(
			pool_check(5, register_with(poor)),
			refused(ProofRejection::InsufficientStake)
		);

		// PoWork: a nonce that misses the difficulty, and work done for another call.
		let mut easy = good_register_proof(1);
		let operation = Call::<Test>::register_operation(&cpu(4), &Privacy::P2P);
		easy.work.nonce = (0..)
			.find(|&n| {
				p::leading_zero_bits(&p::work_hash(&operation, &1u64.encode(), &easy.time, n))
					< DIFFICULTY
			})
			.unwrap();
		assert_eq!(
			pool_check(1, register_with(easy)),
			refused(ProofRejection::InsufficientWork)
		);
		let other_call = proof_for(1, Call::<Test>::register_operation(&cpu(5), &Privacy::P2P));
		let other_work = register_with(ConsensusProof {
			work: other_call.work.clone(),
			..good_register_proof(1)
		});
		// (The other call's nonce meets the difficulty for this call only by chance: 1 in 256.)
		let other_nonce_fits = p::verify_work(
			&operation,
			&1u64.encode(),
			&other_call.time,
			&other_call.work,
			DIFFICULTY,
		)
		.is_ok();
		if !other_nonce_fits {
			assert_eq!(
				pool_check(1, other_work),
				refused(ProofRejection::InsufficientWork)
			);
		}

		// PoSpace: someone else's commitment, answers missing, a forged path, a forged leaf.
		let borrowed = good_register_proof(1);
		assert_eq!(
			pool_check(2, register_with(borrowed)),
			refused(ProofRejection::InsufficientWork)
		);
		let mut borrowed = good_register_proof(2);
		borrowed.space = good_register_proof(1).space;
		assert_eq!(
			pool_check(2, register_with(borrowed)),
			refused(ProofRejection::UnknownCommitment)
		);
		let mut short = good_register_proof(1);
		short.space.chunks.pop();
		assert_eq!(
			pool_check(1, register_with(short)),
			refused(ProofRejection::WrongAnswerCount)
		);
		let mut forged_path = good_register_proof(1);
		forged_path.space.chunks[2].path[0][5] ^= 0x80;
		assert_eq!(
			pool_check(1, register_with(forged_path)),
			refused(ProofRejection::BadMerklePath)
		);
		let mut forged_leaf = good_register_proof(1);
		forged_leaf.space.chunks[0].leaf_hash = ct::leaf_hash(b"data I do not keep");
		assert_eq!(
			pool_check(1, register_with(forged_leaf)),
			refused(ProofRejection::BadMerklePath)
		);
		// Answers computed for another block's challenges.
		let mut replayed_space = good_register_proof(1);
		replayed_space.space = p::prove_space(
			&System::block_hash(5).to_fixed_bytes(),
			&1u64.encode(),
			&leaves(1),
			ADDR,
			PORT,
		)
		.unwrap();
		assert_eq!(
			pool_check(1, register_with(replayed_space)),
			refused(ProofRejection::BadMerklePath)
		);

		// Every code is distinct and has a message.
		for (i, rejection) in ProofRejection::ALL.into_iter().enumerate() {
			assert_eq!(rejection.code() as usize, i + 1);
			assert_eq!(ProofRejection::from_code(rejection.code()), Some(rejection));
			assert!(!rejection.message().is_empty());
		}
		// Nothing was registered by any of it.
		assert_eq!(NextAssetId::<Test>::get(), 0);
	});
}

#[test]
fn a_used_proof_is_refused_in_the_pool_and_by_the_call() {
	ext().execute_with(|| {
		run_to_block(3);
		let proof = good_register_proof(1);
		assert_ok!(AssetRegistry::register_asset(
			RuntimeOrigin::signed(1),
			cpu(4),
			Privacy::P2P,
			proof.clone()
		));
		assert_eq!(
			pool_check(1, register_with(proof.clone())),
			refused(ProofRejection::Reused)
		);
		assert_noop!(
			AssetRegistry::register_asset(RuntimeOrigin::signed(1), cpu(4), Privacy::P2P, proof),
			Error::<Test>::ProofReused
		);
		assert_eq!(NextAssetId::<Test>::get(), 1);
	});
}

#[test]
fn calls_refuse_bad_proofs_without_the_extension_and_change_nothing() {
	ext().execute_with(|| {
		run_to_block(3);
		let mut forged = good_register_proof(1);
		forged.space.chunks[1].leaf_hash[0] ^= 1;
		assert_noop!(
			AssetRegistry::register_asset(RuntimeOrigin::signed(1), cpu(4), Privacy::P2P, forged),
			Error::<Test>::InvalidConsensusProof
		);
		let id = register(1, cpu(4), Privacy::P2P);
		// A proof made for another operation does not carry over.
		let for_two = proof_for(2, Call::<Test>::allocate_operation(id, 2, &10));
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), id, 3, 10, for_two),
			Error::<Test>::InvalidConsensusProof
		);
		let for_update = proof_for(
			1,
			Call::<Test>::update_operation(id, &cpu(8), &Privacy::P2P),
		);
		assert_noop!(
			AssetRegistry::update_asset(
				RuntimeOrigin::signed(1),
				id,
				cpu(9),
				Privacy::P2P,
				for_update
			),
			Error::<Test>::InvalidConsensusProof
		);
		let telemetry = Telemetry {
			measured_capacity: Some(4),
			used: 1,
		};
		let for_report = proof_for(1, Call::<Test>::telemetry_operation(id, &telemetry));
		assert_noop!(
			AssetRegistry::report_telemetry(
				RuntimeOrigin::signed(1),
				id,
				Telemetry {
					measured_capacity: Some(4),
					used: 2
				},
				for_report
			),
			Error::<Test>::InvalidConsensusProof
		);
	});
}

#[test]
fn used_proofs_are_pruned_once_stale() {
	ext().execute_with(|| {
		run_to_block(3);
		register(1, cpu(4), Privacy::P2P);
		assert_eq!(UsedProofs::<Test>::iter_prefix(2).count(), 1);
		// Referencing block 2, the proof is valid while the parent is at most 2 + WINDOW.
		run_to_block(2 + WINDOW as u64 + 1);
		assert_eq!(UsedProofs::<Test>::iter_prefix(2).count(), 1);
		run_to_block(2 + WINDOW as u64 + 2);
		assert_eq!(UsedProofs::<Test>::iter_prefix(2).count(), 0);
	});
}

#[test]
fn space_commitments_must_be_ipv6_locations_with_enough_chunks() {
	new_test_ext().execute_with(|| {
		let good = commitment(1);
		let with_address = |address: [u8; 16]| SpaceCommitment {
			address,
			..good.clone()
		};
		let mapped = with_address([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]);
		let compatible = with_address([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 1]);
		let unspecified = with_address([0; 16]);
		let mut multicast_bytes = [0u8; 16];
		multicast_bytes[0] = 0xff;
		multicast_bytes[15] = 1;
		let multicast = with_address(multicast_bytes);
		let no_port = SpaceCommitment {
			port: 0,
			..good.clone()
		};
		for bad in [mapped, compatible, unspecified, multicast, no_port] {
			assert_noop!(
				AssetRegistry::commit_space(RuntimeOrigin::signed(1), bad),
				Error::<Test>::NotIpv6Location
			);
		}
		let few = SpaceCommitment {
			chunks: MIN_CHUNKS - 1,
			..good.clone()
		};
		let many = SpaceCommitment {
			chunks: (1 << 32) + 1,
			..good.clone()
		};
		for bad in [few, many] {
			assert_noop!(
				AssetRegistry::commit_space(RuntimeOrigin::signed(1), bad),
				Error::<Test>::BadChunkCount
			);
		}
		let mut loopback_bytes = [0u8; 16];
		loopback_bytes[15] = 1;
		assert_ok!(AssetRegistry::commit_space(
			RuntimeOrigin::signed(1),
			with_address(loopback_bytes)
		));
		assert_ok!(AssetRegistry::commit_space(
			RuntimeOrigin::signed(1),
			good.clone()
		));
		System::assert_last_event(
			Event::SpaceCommitted {
				who: 1,
				id: good.id(),
			}
			.into(),
		);
		assert_noop!(
			AssetRegistry::commit_space(RuntimeOrigin::signed(1), good.clone()),
			Error::<Test>::CommitmentExists
		);
		let third = SpaceCommitment {
			port: 9,
			..good.clone()
		};
		assert_noop!(
			AssetRegistry::commit_space(RuntimeOrigin::signed(1), third),
			Error::<Test>::TooManyCommitments
		);
		assert_noop!(
			AssetRegistry::withdraw_space(RuntimeOrigin::signed(2), good.id()),
			Error::<Test>::UnknownCommitment
		);
		assert_ok!(AssetRegistry::withdraw_space(
			RuntimeOrigin::signed(1),
			good.id()
		));
		assert_eq!(CommitmentCount::<Test>::get(1), 1);
		assert!(SpaceCommitments::<Test>::get(1, good.id()).is_none());
	});
}

#[test]
fn bond_and_unbond_hold_and_release_stake() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::fungible::{Inspect, InspectHold};
		let reason = RuntimeHoldReason::AssetRegistry(HoldReason::ProviderBond);
		assert_noop!(
			AssetRegistry::bond(RuntimeOrigin::signed(1), 0),
			Error::<Test>::ZeroAmount
		);
		assert!(AssetRegistry::bond(RuntimeOrigin::signed(1), ENDOWMENT + 1).is_err());
		assert_ok!(AssetRegistry::bond(RuntimeOrigin::signed(1), 300));
		assert_ok!(AssetRegistry::bond(RuntimeOrigin::signed(1), 200));
		assert_eq!(Balances::balance_on_hold(&reason, &1), 500);
		assert_eq!(<HeldStake<Test> as BondedStake<u64>>::bonded(&1), 500);
		assert_noop!(
			AssetRegistry::unbond(RuntimeOrigin::signed(1), 501),
			Error::<Test>::NotBonded
		);
		assert_noop!(
			AssetRegistry::unbond(RuntimeOrigin::signed(2), 1),
			Error::<Test>::NotBonded
		);
		assert_ok!(AssetRegistry::unbond(RuntimeOrigin::signed(1), 400));
		System::assert_last_event(
			Event::Unbonded {
				who: 1,
				amount: 400,
				unlocks_at: 1 + UNBONDING_PERIOD,
			}
			.into(),
		);
		// No longer stake, but still held until the unbonding period is over.
		assert_eq!(<HeldStake<Test> as BondedStake<u64>>::bonded(&1), 100);
		assert_eq!(Balances::balance_on_hold(&reason, &1), 500);
		assert_eq!(Balances::balance(&1), ENDOWMENT - 500);
		// What is unbonding cannot be unbonded again.
		assert_noop!(
			AssetRegistry::unbond(RuntimeOrigin::signed(1), 101),
			Error::<Test>::NotBonded
		);
		assert_noop!(
			AssetRegistry::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(5);
		assert_ok!(AssetRegistry::unbond(RuntimeOrigin::signed(1), 50));
		// At most two chunks wait in the mock.
		assert_noop!(
			AssetRegistry::unbond(RuntimeOrigin::signed(1), 10),
			Error::<Test>::TooManyUnbondingChunks
		);
		run_to_block(UNBONDING_PERIOD);
		assert_noop!(
			AssetRegistry::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(1 + UNBONDING_PERIOD);
		assert_ok!(AssetRegistry::withdraw_unbonded(RuntimeOrigin::signed(1)));
		System::assert_last_event(
			Event::Withdrawn {
				who: 1,
				amount: 400,
			}
			.into(),
		);
		assert_eq!(Balances::balance(&1), ENDOWMENT - 100);
		assert_eq!(Balances::balance_on_hold(&reason, &1), 100);
		assert_eq!(<HeldStake<Test> as BondedStake<u64>>::bonded(&1), 50);
		run_to_block(5 + UNBONDING_PERIOD);
		assert_ok!(AssetRegistry::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(Balances::balance(&1), ENDOWMENT - 50);
		assert!(Unbonding::<Test>::get(1).is_empty());
		assert_eq!(<HeldStake<Test> as BondedStake<u64>>::bonded(&1), 50);
	});
}

#[test]
fn proxies_are_chosen_by_reputation_then_stake() {
	ext().execute_with(|| {
		let net = |mbps| AssetKind::Network { mbps };
		let a = register(1, net(100), Privacy::PublicNetwork);
		let b = register(2, net(100), Privacy::FullPublic);
		let c = register(3, net(100), Privacy::FullPublic);
		register(4, net(100), Privacy::Private);
		register(4, cpu(4), Privacy::FullPublic);
		// Owner 2 has the most stake; asset c lost reputation.
		assert_ok!(AssetRegistry::bond(RuntimeOrigin::signed(2), 1000));
		assert_ok!(report_call(3, c, Some(10), 0));
		let chosen: Vec<AssetId> = AssetRegistry::select_proxies(10)
			.into_iter()
			.map(|(id, _)| id)
			.collect();
		assert_eq!(chosen, vec![b, a, c]);
		assert_eq!(AssetRegistry::select_proxies(1).len(), 1);
	});
}

#[test]
fn ipv6_location_rule() {
	let mut v6 = [0u8; 16];
	v6[0] = 0x20;
	v6[1] = 0x01;
	assert!(is_ipv6_location(&v6));
	let mut ula = [0u8; 16];
	ula[0] = 0xfd;
	ula[15] = 2;
	assert!(is_ipv6_location(&ula));
}

/// The bytes of account `who`'s stored data: chunk `i` is `(who, i)` SCALE-encoded
/// (16 bytes), so its leaf hash is the one [`leaves`] gives.
fn space_data(who: u64) -> Vec<u8> {
	(0..CHUNKS).flat_map(|i| (who, i).encode()).collect()
}

/// `who`'s answers to its open challenge, from its data as `data` is now.
fn answers(who: u64, data: &[u8]) -> Vec<ChunkData> {
	let challenge = SpaceChallenges::<Test>::get(who, commitment(who).id()).unwrap();
	p::prove_space_data(&challenge.seed, &who.encode(), &commitment(who), data, 16).unwrap()
}

fn deposit_held(who: u64) -> u64 {
	use frame_support::traits::fungible::InspectHold;
	Balances::balance_on_hold(
		&RuntimeHoldReason::AssetRegistry(HoldReason::ChallengeDeposit),
		&who,
	)
}

fn reputations(owner: u64) -> Vec<u32> {
	AssetRegistry::assets_of(&owner)
		.into_iter()
		.map(|(_, asset)| asset.reputation)
		.collect()
}

#[test]
fn a_right_answer_to_a_space_challenge_earns_the_deposit() {
	ext().execute_with(|| {
		use frame_support::traits::fungible::Inspect;
		register(1, cpu(8), Privacy::FullPublic);
		run_to_block(3);
		let id = commitment(1).id();
		assert_ok!(AssetRegistry::challenge_space(
			RuntimeOrigin::signed(2),
			1,
			id
		));
		System::assert_last_event(
			Event::SpaceChallenged {
				provider: 1,
				commitment: id,
				challenger: 2,
				deadline: 3 + CHALLENGE_PERIOD,
			}
			.into(),
		);
		let challenge = SpaceChallenges::<Test>::get(1, id).unwrap();
		// The seed is the parent block's hash, unknown before that block was made.
		assert_eq!(challenge.seed, [2u8 ^ 0x5a; 32]);
		assert_eq!(deposit_held(2), CHALLENGE_DEPOSIT);
		assert_eq!(AssetRegistry::challenges_of(&1), vec![(id, challenge)]);
		let (before_1, before_2) = (Balances::balance(&1), Balances::balance(&2));

		run_to_block(5);
		assert_ok!(AssetRegistry::answer_challenge(
			RuntimeOrigin::signed(1),
			id,
			answers(1, &space_data(1))
		));
		System::assert_last_event(
			Event::ChallengeAnswered {
				provider: 1,
				commitment: id,
			}
			.into(),
		);
		assert!(SpaceChallenges::<Test>::get(1, id).is_none());
		assert_eq!(deposit_held(2), 0);
		assert_eq!(Balances::balance(&1), before_1 + CHALLENGE_DEPOSIT);
		assert_eq!(Balances::balance(&2), before_2);
		assert_eq!(reputations(1), vec![MAX_REPUTATION]);
		// The deadline passes with nothing left to settle.
		run_to_block(3 + CHALLENGE_PERIOD + 1);
		assert_eq!(reputations(1), vec![MAX_REPUTATION]);
		assert!(ChallengeDeadlines::<Test>::get(3 + CHALLENGE_PERIOD).is_empty());
	});
}

#[test]
fn wrong_or_missing_answers_cost_every_asset_reputation() {
	ext().execute_with(|| {
		register(1, cpu(8), Privacy::FullPublic);
		register(1, AssetKind::Network { mbps: 100 }, Privacy::FullPublic);
		register(3, cpu(2), Privacy::FullPublic);
		let id = commitment(1).id();

		// A wrong answer: one byte of one challenged chunk changed on disk.
		assert_ok!(AssetRegistry::challenge_space(
			RuntimeOrigin::signed(2),
			1,
			id
		));
		let mut corrupted = answers(1, &space_data(1));
		corrupted[1].data[0] ^= 1;
		assert_ok!(AssetRegistry::answer_challenge(
			RuntimeOrigin::signed(1),
			id,
			corrupted
		));
		System::assert_last_event(
			Event::ChallengeFailed {
				provider: 1,
				commitment: id,
				expired: false,
				assets: 2,
			}
			.into(),
		);
		assert_eq!(reputations(1), vec![MAX_REPUTATION - PENALTY; 2]);
		assert_eq!(reputations(3), vec![MAX_REPUTATION]);
		assert_eq!(deposit_held(2), 0);
		assert!(SpaceChallenges::<Test>::get(1, id).is_none());

		// No answer by the deadline.
		run_to_block(2);
		assert_ok!(AssetRegistry::challenge_space(
			RuntimeOrigin::signed(2),
			1,
			id
		));
		run_to_block(2 + CHALLENGE_PERIOD - 1);
		assert_eq!(reputations(1), vec![MAX_REPUTATION - PENALTY; 2]);
		run_to_block(2 + CHALLENGE_PERIOD);
		System::assert_last_event(
			Event::ChallengeFailed {
				provider: 1,
				commitment: id,
				expired: true,
				assets: 2,
			}
			.into(),
		);
		assert_eq!(reputations(1), vec![MAX_REPUTATION - 2 * PENALTY; 2]);
		assert_eq!(deposit_held(2), 0);
		assert!(SpaceChallenges::<Test>::get(1, id).is_none());
		assert!(ChallengeDeadlines::<Test>::get(2 + CHALLENGE_PERIOD).is_empty());
		// Too late to answer now.
		assert_noop!(
			AssetRegistry::answer_challenge(
				RuntimeOrigin::signed(1),
				id,
				answers_for_seed(1, [0; 32])
			),
			Error::<Test>::NoChallenge
		);
	});
}

/// Answers for `who`'s own data to a challenge with `seed` (whether or not one is open).
fn answers_for_seed(who: u64, seed: ct::Hash) -> Vec<ChunkData> {
	p::prove_space_data(&seed, &who.encode(), &commitment(who), &space_data(who), 16).unwrap()
}

#[test]
fn space_challenge_errors_change_nothing() {
	ext().execute_with(|| {
		let id = |who| commitment(who).id();
		// Not a commitment of that provider's.
		assert_noop!(
			AssetRegistry::challenge_space(RuntimeOrigin::signed(2), 1, id(3)),
			Error::<Test>::UnknownCommitment
		);
		// A challenger who cannot pay the deposit.
		assert!(AssetRegistry::challenge_space(RuntimeOrigin::signed(9), 1, id(1)).is_err());
		assert!(SpaceChallenges::<Test>::get(1, id(1)).is_none());
		assert!(ChallengeDeadlines::<Test>::get(1 + CHALLENGE_PERIOD).is_empty());

		assert_ok!(AssetRegistry::challenge_space(
			RuntimeOrigin::signed(4),
			1,
			id(1)
		));
		// One open challenge per commitment.
		assert_noop!(
			AssetRegistry::challenge_space(RuntimeOrigin::signed(2), 1, id(1)),
			Error::<Test>::ChallengePending
		);
		// At most two fall due in one block in the mock.
		assert_ok!(AssetRegistry::challenge_space(
			RuntimeOrigin::signed(4),
			2,
			id(2)
		));
		assert_noop!(
			AssetRegistry::challenge_space(RuntimeOrigin::signed(4), 3, id(3)),
			Error::<Test>::TooManyChallenges
		);
		// A provider cannot escape by withdrawing the commitment.
		assert_noop!(
			AssetRegistry::withdraw_space(RuntimeOrigin::signed(1), id(1)),
			Error::<Test>::ChallengePending
		);
		// Only the challenged provider can answer, and only for its open challenge.
		assert_noop!(
			AssetRegistry::answer_challenge(
				RuntimeOrigin::signed(3),
				id(1),
				answers(1, &space_data(1))
			),
			Error::<Test>::NoChallenge
		);
		assert_noop!(
			AssetRegistry::answer_challenge(
				RuntimeOrigin::signed(3),
				id(3),
				answers_for_seed(3, [0; 32])
			),
			Error::<Test>::NoChallenge
		);
		// Chunks longer than a chunk can be.
		let mut oversized = answers(1, &space_data(1));
		oversized[0].data = vec![0; MAX_CHUNK_LEN + 1];
		assert_noop!(
			AssetRegistry::answer_challenge(RuntimeOrigin::signed(1), id(1), oversized),
			Error::<Test>::ChunkTooLarge
		);
		assert_eq!(deposit_held(4), 2 * CHALLENGE_DEPOSIT);
		// Answered, the commitment can be withdrawn again.
		assert_ok!(AssetRegistry::answer_challenge(
			RuntimeOrigin::signed(1),
			id(1),
			answers(1, &space_data(1))
		));
		assert_ok!(AssetRegistry::withdraw_space(
			RuntimeOrigin::signed(1),
			id(1)
		));
	});
}
