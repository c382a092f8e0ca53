//! The four-proof check: the transaction extension admits a valid proof (providing its
//! id) and refuses each kind of bad proof with its own code, a used proof is refused in
//! the pool and by the call, the calls refuse bad proofs without the extension, and used
//! proofs are pruned once stale, a bounded number a block, and stay stale when the window
//! is widened.

use super::*;

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
		set_stake(5, 50);
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
		let for_two = proof_for(2, Call::<Test>::allocate_operation(id, 2, &10, &u64::MAX));
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), id, 3, 10, u64::MAX, for_two),
			Error::<Test>::InvalidConsensusProof
		);
		// The price limit is part of the operation: a proof for one limit does not prove
		// another.
		let for_limit = proof_for(2, Call::<Test>::allocate_operation(id, 2, &10, &5));
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), id, 2, 10, 6, for_limit),
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
fn more_stale_proofs_than_the_bound_are_pruned_over_several_blocks() {
	ext().execute_with(|| {
		let used = |block: u32| UsedProofs::<Test>::iter_prefix(block).count();
		let weight = |steps: u32| {
			<() as WeightInfo>::expire_challenges(0)
				.saturating_add(<() as WeightInfo>::prune_used_proofs(steps))
		};
		// Written directly: more records under one block number than a block prunes.
		let under_two = 2 * MAX_PRUNES + 1;
		for i in 0..under_two {
			UsedProofs::<Test>::insert(2, [i as u8; 32], ());
		}
		for i in 0..2u8 {
			UsedProofs::<Test>::insert(3, [0xf0 | i; 32], ());
		}
		// Blocks 0 and 1 (empty) go stale at blocks 7 and 8, one step each.
		run_to_block(2 + WINDOW as u64 + 1);
		assert_eq!(ProofsPrunedBelow::<Test>::get(), 2);
		assert_eq!(used(2), under_two as usize);

		// Block 2 is stale from block 9 on: MAX_PRUNES records a block.
		assert_eq!(next_block(), weight(MAX_PRUNES));
		assert_eq!(used(2), (under_two - MAX_PRUNES) as usize);
		assert_eq!(ProofsPrunedBelow::<Test>::get(), 2);
		assert_eq!(next_block(), weight(MAX_PRUNES));
		assert_eq!(used(2), 1);
		assert_eq!(ProofsPrunedBelow::<Test>::get(), 2);
		// The last one of block 2, the step past it, then block 3's two records.
		assert_eq!(next_block(), weight(MAX_PRUNES));
		assert_eq!((used(2), used(3)), (0, 0));
		assert_eq!(ProofsPrunedBelow::<Test>::get(), 3);
		// Past block 3 and the empty blocks 4 and 5: caught up with the window.
		assert_eq!(next_block(), weight(3));
		assert_eq!(ProofsPrunedBelow::<Test>::get(), 6);
		assert_eq!(System::block_number(), 12);
		// From then on one step a block (the block number that goes stale).
		assert_eq!(next_block(), weight(1));
		assert_eq!(ProofsPrunedBelow::<Test>::get(), 7);
		assert_eq!(UsedProofs::<Test>::iter().count(), 0);
	});
}

#[test]
fn a_pruned_proof_stays_stale_when_the_window_is_widened() {
	ext().execute_with(|| {
		run_to_block(3);
		let proof = good_register_proof(1);
		assert_eq!(proof.time.number, 2);
		assert_ok!(AssetRegistry::register_asset(
			RuntimeOrigin::signed(1),
			cpu(4),
			Privacy::P2P,
			proof.clone()
		));
		// Block 2 leaves the window at block 9, and its records are pruned.
		run_to_block(2 + WINDOW as u64 + 2);
		assert_eq!(UsedProofs::<Test>::iter_prefix(2).count(), 0);
		assert_eq!(ProofsPrunedBelow::<Test>::get(), 3);
		// Governance widens the window: block 2 is inside it again, but its used proofs
		// are forgotten, so the replay is refused as stale, in the pool and by the call.
		ProofWindow::set(4 * WINDOW);
		assert_eq!(
			pool_check(1, register_with(proof.clone())),
			refused(ProofRejection::StaleBlock)
		);
		assert_noop!(
			AssetRegistry::register_asset(RuntimeOrigin::signed(1), cpu(4), Privacy::P2P, proof),
			Error::<Test>::InvalidConsensusProof
		);
		assert_eq!(NextAssetId::<Test>::get(), 1);
		// A block the pruning has not reached is inside the widened window as usual.
		let time = TimeProof {
			number: 3,
			hash: System::block_hash(3).to_fixed_bytes(),
		};
		let operation = Call::<Test>::register_operation(&cpu(4), &Privacy::P2P);
		let older = ConsensusProof {
			space: p::prove_space(&time.hash, &1u64.encode(), &leaves(1), ADDR, PORT).unwrap(),
			stake: StakeProof { bonded: MIN_STAKE },
			work: p::solve_work(&operation, &1u64.encode(), &time, DIFFICULTY, 0).unwrap(),
			time,
		};
		assert_eq!(pool_check(1, register_with(older)), Ok(()));
	});
}
