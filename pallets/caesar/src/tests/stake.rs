//! Bonds: bonding holds funds, unbonding stops them counting at once, withdrawing releases
//! them after the unbonding period; a slash takes a share of the bonded stake (never of
//! what is unbonding, never more than is bonded) to the treasury.

use super::*;

#[test]
fn bond_and_unbond_hold_and_release_stake() {
	new_test_ext().execute_with(|| {
		assert_noop!(
			Caesar::bond(RuntimeOrigin::signed(1), 0),
			Error::<Test>::ZeroAmount
		);
		assert!(Caesar::bond(RuntimeOrigin::signed(1), ENDOWMENT + 1).is_err());
		assert_eq!(held(HoldReason::ProviderBond, 1), 0);
		assert_ok!(Caesar::bond(RuntimeOrigin::signed(1), 300));
		System::assert_last_event(
			Event::Bonded {
				who: 1,
				amount: 300,
			}
			.into(),
		);
		assert_ok!(Caesar::bond(RuntimeOrigin::signed(1), 200));
		assert_eq!(held(HoldReason::ProviderBond, 1), 500);
		assert_eq!(<Caesar as BondedStake<u64>>::bonded(&1), 500);
		assert_noop!(
			Caesar::unbond(RuntimeOrigin::signed(1), 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Caesar::unbond(RuntimeOrigin::signed(1), 501),
			Error::<Test>::NotBonded
		);
		assert_noop!(
			Caesar::unbond(RuntimeOrigin::signed(2), 1),
			Error::<Test>::NotBonded
		);
		assert_ok!(Caesar::unbond(RuntimeOrigin::signed(1), 400));
		System::assert_last_event(
			Event::Unbonded {
				who: 1,
				amount: 400,
				unlocks_at: 1 + UNBONDING_PERIOD,
			}
			.into(),
		);
		// No longer stake, but still held until the unbonding period is over.
		assert_eq!(<Caesar as BondedStake<u64>>::bonded(&1), 100);
		assert_eq!(Caesar::held_bond(&1), 500);
		assert_eq!(free(1), ENDOWMENT - 500);
		// What is unbonding cannot be unbonded again.
		assert_noop!(
			Caesar::unbond(RuntimeOrigin::signed(1), 101),
			Error::<Test>::NotBonded
		);
		assert_noop!(
			Caesar::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(5);
		assert_ok!(Caesar::unbond(RuntimeOrigin::signed(1), 50));
		// At most two chunks wait in the mock.
		assert_noop!(
			Caesar::unbond(RuntimeOrigin::signed(1), 10),
			Error::<Test>::TooManyUnbondingChunks
		);
		run_to_block(UNBONDING_PERIOD);
		assert_noop!(
			Caesar::withdraw_unbonded(RuntimeOrigin::signed(1)),
			Error::<Test>::NothingToWithdraw
		);
		run_to_block(1 + UNBONDING_PERIOD);
		assert_ok!(Caesar::withdraw_unbonded(RuntimeOrigin::signed(1)));
		System::assert_last_event(
			Event::Withdrawn {
				who: 1,
				amount: 400,
			}
			.into(),
		);
		assert_eq!(free(1), ENDOWMENT - 100);
		assert_eq!(held(HoldReason::ProviderBond, 1), 100);
		assert_eq!(<Caesar as BondedStake<u64>>::bonded(&1), 50);
		run_to_block(5 + UNBONDING_PERIOD);
		assert_ok!(Caesar::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), ENDOWMENT - 50);
		assert!(!Unbonding::<Test>::contains_key(1));
		assert_eq!(<Caesar as BondedStake<u64>>::bonded(&1), 50);
	});
}

#[test]
fn calls_need_a_signed_origin() {
	new_test_ext().execute_with(|| {
		assert_noop!(Caesar::bond(RuntimeOrigin::root(), 1), BadOrigin);
		assert_noop!(Caesar::unbond(RuntimeOrigin::none(), 1), BadOrigin);
		assert_noop!(Caesar::withdraw_unbonded(RuntimeOrigin::root()), BadOrigin);
		assert_noop!(Caesar::claim_reward(RuntimeOrigin::root(), 0), BadOrigin);
	});
}

#[test]
fn slash_takes_a_share_of_the_bond_to_the_treasury() {
	new_test_ext().execute_with(|| {
		assert_ok!(Caesar::bond(RuntimeOrigin::signed(1), 1_000));
		assert_ok!(Caesar::unbond(RuntimeOrigin::signed(1), 400));
		let treasury = free(TREASURY);
		let issued = issuance();
		// 10% of the 600 bonded.
		let taken =
			<Caesar as BondedStake<u64>>::slash(&1, ProviderOffence::FailedChallenge, 100_000_000);
		assert_eq!(taken, 60);
		System::assert_last_event(
			Event::Slashed {
				who: 1,
				offence: ProviderOffence::FailedChallenge,
				amount: 60,
			}
			.into(),
		);
		assert_eq!(<Caesar as BondedStake<u64>>::bonded(&1), 540);
		assert_eq!(Caesar::held_bond(&1), 940);
		assert_eq!(free(TREASURY), treasury + 60);
		// More than 100% is 100%: everything bonded, the unbonding chunk untouched.
		let taken =
			<Caesar as BondedStake<u64>>::slash(&1, ProviderOffence::UnansweredChallenge, u32::MAX);
		assert_eq!(taken, 540);
		assert_eq!(<Caesar as BondedStake<u64>>::bonded(&1), 0);
		assert_eq!(Caesar::held_bond(&1), 400);
		assert_eq!(free(TREASURY), treasury + 600);
		assert_eq!(free(1), ENDOWMENT - 1_000);
		// Nothing bonded: nothing taken, no event.
		let events = System::events().len();
		assert_eq!(
			<Caesar as BondedStake<u64>>::slash(&1, ProviderOffence::FailedChallenge, u32::MAX),
			0
		);
		assert_eq!(
			<Caesar as BondedStake<u64>>::slash(&2, ProviderOffence::FailedChallenge, u32::MAX),
			0
		);
		assert_eq!(System::events().len(), events);
		// The unbonding stake is still withdrawn whole.
		run_to_block(1 + UNBONDING_PERIOD);
		assert_ok!(Caesar::withdraw_unbonded(RuntimeOrigin::signed(1)));
		assert_eq!(free(1), ENDOWMENT - 600);
		// Slashes move funds, they mint or burn nothing.
		assert_eq!(issuance(), issued);
	});
}

#[test]
fn slash_is_burnt_when_the_treasury_cannot_receive_it() {
	new_test_ext().execute_with(|| {
		// The treasury account is reaped, and 5 is below the existential deposit.
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(TREASURY),
			1,
			ED
		));
		assert_eq!(free(TREASURY), 0);
		assert_ok!(Caesar::bond(RuntimeOrigin::signed(2), 50));
		let issued = issuance();
		let taken = <Caesar as BondedStake<u64>>::slash(
			&2,
			ProviderOffence::ContradictingReport,
			100_000_000,
		);
		assert_eq!(taken, 5);
		assert_eq!(<Caesar as BondedStake<u64>>::bonded(&2), 45);
		assert_eq!(free(TREASURY), 0);
		assert_eq!(issuance(), issued - 5);
	});
}
