//! Space commitments and audits: commitments must be IPv6 locations with enough chunks,
//! a right answer to a challenge earns the deposit, a wrong or missing one costs every
//! asset of the provider reputation and is an offence (recorded and slashed), and every
//! refusal changes nothing.

use super::*;

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

/// Answers for `who`'s own data to a challenge with `seed` (whether or not one is open).
fn answers_for_seed(who: u64, seed: ct::Hash) -> Vec<ChunkData> {
	p::prove_space_data(&seed, &who.encode(), &commitment(who), &space_data(who), 16).unwrap()
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
		// The offence is recorded and slashes 10% of the provider's stake.
		System::assert_has_event(
			Event::ProviderSlashed {
				provider: 1,
				offence: ProviderOffence::FailedChallenge,
				slashed: MIN_STAKE / 10,
			}
			.into(),
		);
		assert_eq!(
			economy(|e| e.offences.clone()),
			vec![(1, ProviderOffence::FailedChallenge)]
		);
		assert_eq!(
			<Test as Config>::Stake::bonded(&1),
			MIN_STAKE - MIN_STAKE / 10
		);
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
		System::assert_has_event(
			Event::ProviderSlashed {
				provider: 1,
				offence: ProviderOffence::UnansweredChallenge,
				slashed: 9,
			}
			.into(),
		);
		assert_eq!(
			economy(|e| e.offences.clone()),
			vec![
				(1, ProviderOffence::FailedChallenge),
				(1, ProviderOffence::UnansweredChallenge)
			]
		);
		assert_eq!(<Test as Config>::Stake::bonded(&1), 81);
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

#[test]
fn malformed_answers_are_refused_before_any_work_and_leave_the_challenge_open() {
	ext().execute_with(|| {
		register(1, cpu(8), Privacy::FullPublic);
		let id = commitment(1).id();
		assert_ok!(AssetRegistry::challenge_space(
			RuntimeOrigin::signed(2),
			1,
			id
		));
		let challenge = SpaceChallenges::<Test>::get(1, id).unwrap();
		let right = answers(1, &space_data(1));
		let mut three = right.clone();
		three.pop();
		let mut five = right.clone();
		five.push(right[0].clone());
		for (bad, error) in [
			(Vec::new(), Error::<Test>::WrongAnswerCount),
			(three, Error::<Test>::WrongAnswerCount),
			(five, Error::<Test>::WrongAnswerCount),
			(
				{
					let mut long = right.clone();
					long[2].path = vec![[7u8; 32]; p::MAX_PATH_LEN + 1];
					long
				},
				Error::<Test>::PathTooLong,
			),
			(
				{
					let mut large = right.clone();
					large[3].data = vec![0; MAX_CHUNK_LEN + 1];
					large
				},
				Error::<Test>::ChunkTooLarge,
			),
		] {
			assert_noop!(
				AssetRegistry::answer_challenge(RuntimeOrigin::signed(1), id, bad),
				error
			);
		}
		// The shape is checked before the challenge is looked up: a provider with no open
		// challenge gets the same refusal for a malformed answer.
		assert_noop!(
			AssetRegistry::answer_challenge(RuntimeOrigin::signed(3), id, Vec::new()),
			Error::<Test>::WrongAnswerCount
		);
		// Nothing was settled: the challenge is open, the deposit held, no reputation lost,
		// no offence recorded.
		assert_eq!(SpaceChallenges::<Test>::get(1, id), Some(challenge));
		assert_eq!(deposit_held(2), CHALLENGE_DEPOSIT);
		assert_eq!(reputations(1), vec![MAX_REPUTATION]);
		assert!(economy(|e| e.offences.is_empty()));
		// The right answer is still accepted.
		assert_ok!(AssetRegistry::answer_challenge(
			RuntimeOrigin::signed(1),
			id,
			right
		));
		System::assert_last_event(
			Event::ChallengeAnswered {
				provider: 1,
				commitment: id,
			}
			.into(),
		);
	});
}
