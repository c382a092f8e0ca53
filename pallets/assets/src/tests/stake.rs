//! Stake: bonding holds funds, unbonding stops them counting at once, and withdrawing
//! releases them after the unbonding period.

use super::*;

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
