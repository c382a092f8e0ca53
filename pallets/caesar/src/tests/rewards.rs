//! Provider rewards: service recorded per period, the period closed with the era's rest
//! (split providers : treasury), claims paying `pot * points / total` rounded down once,
//! disqualification, expiry to the treasury and the sweep of expired records.

use super::*;

/// Providers 1, 2 and 3 served 100, 200 and 33 points in period 0, closed with a rest of
/// 1000: 800 to the pot, 200 to the treasury (40% : 10%).
fn closed_period_zero() {
	serve(1, 100);
	serve(2, 200);
	serve(3, 33);
	serve(3, 0);
	assert_eq!(CurrentPeriodPoints::<Test>::get(), 333);
	end_era(1_000);
}

#[test]
fn closing_a_period_splits_the_rest_and_opens_the_next() {
	new_test_ext().execute_with(|| {
		assert_eq!(free(pot()), ED);
		assert_eq!(free(TREASURY), ED);
		let issued = issuance();
		closed_period_zero();
		System::assert_last_event(
			Event::PeriodClosed {
				period: 0,
				providers: 800,
				treasury: 200,
				total_points: 333,
			}
			.into(),
		);
		assert_eq!(CurrentPeriod::<Test>::get(), 1);
		assert_eq!(CurrentPeriodPoints::<Test>::get(), 0);
		assert_eq!(free(pot()), ED + 800);
		assert_eq!(free(TREASURY), ED + 200);
		assert_eq!(issuance(), issued + 1_000);
		assert_eq!(
			ClosedPeriods::<Test>::get(0),
			Some(ClosedPeriod {
				pot: 800,
				total_points: 333,
				unclaimed: 800
			})
		);
		// Points now count for period 1.
		serve(1, 7);
		assert_eq!(Caesar::provider_service(1, &1).unwrap().points, 7);
		assert_eq!(Caesar::provider_service(0, &1).unwrap().points, 100);
	});
}

#[test]
fn claims_pay_shares_rounded_down_and_dust_stays_in_the_pot() {
	new_test_ext().execute_with(|| {
		closed_period_zero();
		assert_eq!(Caesar::claimable(0, &1), 240);
		assert_eq!(Caesar::claimable(0, &2), 480);
		assert_eq!(Caesar::claimable(0, &3), 79);
		assert_ok!(claim(1, 0));
		System::assert_last_event(
			Event::RewardClaimed {
				who: 1,
				period: 0,
				amount: 240,
			}
			.into(),
		);
		assert_ok!(claim(2, 0));
		assert_ok!(claim(3, 0));
		assert_eq!(free(1), ENDOWMENT + 240);
		assert_eq!(free(2), ENDOWMENT + 480);
		assert_eq!(free(3), ENDOWMENT + 79);
		// 800 - 799: one unit of dust stays in the pot.
		assert_eq!(free(pot()), ED + 1);
		assert_eq!(ClosedPeriods::<Test>::get(0).unwrap().unclaimed, 1);
		assert_eq!(Caesar::claimable(0, &1), 0);
		assert_eq!(Caesar::provider_service(0, &1), None);
	});
}

#[test]
fn claim_twice_or_without_points_fails() {
	new_test_ext().execute_with(|| {
		closed_period_zero();
		assert_ok!(claim(1, 0));
		assert_noop!(claim(1, 0), Error::<Test>::NothingToClaim);
		// Account 4 served nothing: it cannot take another provider's share.
		assert_noop!(claim(4, 0), Error::<Test>::NothingToClaim);
		assert_eq!(free(4), ENDOWMENT);
		assert_eq!(Caesar::claimable(0, &2), 480);
	});
}

#[test]
fn claims_on_open_or_future_periods_fail() {
	new_test_ext().execute_with(|| {
		serve(1, 100);
		assert_noop!(claim(1, 0), Error::<Test>::PeriodNotClosed);
		end_era(1_000);
		assert_noop!(claim(1, 1), Error::<Test>::PeriodNotClosed);
		assert_noop!(claim(1, u32::MAX), Error::<Test>::PeriodNotClosed);
		assert_eq!(Caesar::claimable(1, &1), 0);
	});
}

#[test]
fn a_share_that_rounds_to_zero_is_nothing_to_claim() {
	new_test_ext().execute_with(|| {
		serve(1, 1);
		serve(2, 999_999);
		end_era(500);
		// 400 * 1 / 1_000_000 rounds to 0.
		assert_eq!(Caesar::claimable(0, &1), 0);
		assert_noop!(claim(1, 0), Error::<Test>::NothingToClaim);
		assert_ok!(claim(2, 0));
		assert_eq!(free(2), ENDOWMENT + 399);
	});
}

#[test]
fn a_disqualified_provider_earns_nothing_and_its_share_stays_in_the_pot() {
	new_test_ext().execute_with(|| {
		serve(1, 100);
		serve(2, 100);
		offend(1);
		System::assert_last_event(
			Event::ProviderDisqualified {
				provider: 1,
				period: 0,
				offence: ProviderOffence::FailedChallenge,
			}
			.into(),
		);
		// No more points once disqualified; earlier points still count in the total.
		serve(1, 50);
		assert_eq!(
			Caesar::provider_service(0, &1),
			Some(ServiceRecord {
				points: 100,
				disqualified: true
			})
		);
		// An offence without service disqualifies too.
		offend(3);
		assert_eq!(CurrentPeriodPoints::<Test>::get(), 200);
		end_era(1_000);
		assert_noop!(claim(1, 0), Error::<Test>::Disqualified);
		assert_noop!(claim(3, 0), Error::<Test>::Disqualified);
		assert_eq!(Caesar::claimable(0, &1), 0);
		assert_ok!(claim(2, 0));
		assert_eq!(free(2), ENDOWMENT + 400);
		// Provider 1's 400 stays in the pot until the period expires.
		assert_eq!(free(pot()), ED + 400);
		assert_eq!(ClosedPeriods::<Test>::get(0).unwrap().unclaimed, 400);
		// The next period starts clean.
		serve(1, 10);
		assert_eq!(Caesar::provider_service(1, &1).unwrap().points, 10);
	});
}

#[test]
fn expired_periods_go_to_the_treasury() {
	new_test_ext().execute_with(|| {
		closed_period_zero();
		assert_ok!(claim(2, 0));
		// Periods 1 and 2 close: period 0 is still one of the last three.
		end_era(0);
		end_era(0);
		assert_eq!(CurrentPeriod::<Test>::get(), 3);
		assert_ok!(claim(3, 0));
		let treasury = free(TREASURY);
		// Period 3 closes: period 0 expires, its unclaimed 800 - 480 - 79 go to the treasury.
		end_era(0);
		System::assert_has_event(
			Event::PeriodExpired {
				period: 0,
				unclaimed: 241,
			}
			.into(),
		);
		assert_eq!(free(TREASURY), treasury + 241);
		assert_eq!(free(pot()), ED);
		assert_eq!(ClosedPeriods::<Test>::get(0), None);
		assert_noop!(claim(1, 0), Error::<Test>::PeriodExpired);
		assert_eq!(Caesar::claimable(0, &1), 0);
		// Its service records wait for on_idle.
		assert!(Caesar::provider_service(0, &1).is_some());
		run_to_block(2);
		assert_eq!(Caesar::provider_service(0, &1), None);
		assert_eq!(NextToSweep::<Test>::get(), 1);
		assert_noop!(claim(1, 0), Error::<Test>::PeriodExpired);
	});
}

#[test]
fn the_sweep_respects_the_weight_left() {
	use frame_support::{traits::Hooks, weights::Weight};
	let mut ext = new_test_ext();
	ext.execute_with(|| {
		for who in 1..=5 {
			serve(who, 10);
		}
		for _ in 0..=HISTORY {
			end_era(0);
		}
		assert_eq!(CurrentPeriod::<Test>::get(), HISTORY + 1);
	});
	// The records are in the database, as they would be blocks later (the removal limit
	// counts database keys only).
	ext.commit_all().unwrap();
	ext.execute_with(|| {
		// Too little weight: nothing done.
		assert_eq!(Caesar::on_idle(1, Weight::zero()), Weight::zero());
		assert_eq!(Service::<Test>::iter_prefix(0).count(), 5);
		// Room for two records (the mock's database weights are zero).
		Caesar::on_idle(1, Weight::from_parts(10_000_000, 512));
		assert_eq!(NextToSweep::<Test>::get(), 0);
	});
	ext.commit_all().unwrap();
	ext.execute_with(|| {
		assert_eq!(Service::<Test>::iter_prefix(0).count(), 3);
		run_to_block(2);
		assert_eq!(Service::<Test>::iter_prefix(0).count(), 0);
		assert_eq!(NextToSweep::<Test>::get(), 1);
		// Nothing else has expired.
		assert_eq!(Caesar::on_idle(2, Weight::MAX), Weight::zero());
		assert_eq!(NextToSweep::<Test>::get(), 1);
	});
}

#[test]
fn the_sweep_expires_periods_left_closed() {
	use frame_support::traits::fungible::Mutate;
	new_test_ext().execute_with(|| {
		for _ in 0..=HISTORY {
			end_era(0);
		}
		// As if RewardHistory had been lowered: period 0 expired but is still recorded.
		assert_ok!(Balances::mint_into(&pot(), 5));
		ClosedPeriods::<Test>::insert(
			0,
			ClosedPeriod {
				pot: 5,
				total_points: 1,
				unclaimed: 5,
			},
		);
		let treasury = free(TREASURY);
		run_to_block(2);
		System::assert_has_event(
			Event::PeriodExpired {
				period: 0,
				unclaimed: 5,
			}
			.into(),
		);
		assert_eq!(ClosedPeriods::<Test>::get(0), None);
		assert_eq!(free(TREASURY), treasury + 5);
		assert_eq!(free(pot()), ED);
	});
}

#[test]
fn a_period_without_service_pays_everything_to_the_treasury() {
	new_test_ext().execute_with(|| {
		end_era(1_000);
		System::assert_last_event(
			Event::PeriodClosed {
				period: 0,
				providers: 0,
				treasury: 1_000,
				total_points: 0,
			}
			.into(),
		);
		assert_eq!(free(TREASURY), ED + 1_000);
		assert_eq!(free(pot()), ED);
		// Offences alone are no service either.
		offend(1);
		end_era(100);
		assert_eq!(free(TREASURY), ED + 1_100);
	});
}

#[test]
fn a_zero_rest_still_closes_the_period() {
	new_test_ext().execute_with(|| {
		serve(1, 10);
		end_era(0);
		assert_eq!(CurrentPeriod::<Test>::get(), 1);
		assert_eq!(ClosedPeriods::<Test>::get(0).unwrap().pot, 0);
		assert_noop!(claim(1, 0), Error::<Test>::NothingToClaim);
	});
}

#[test]
fn the_split_follows_the_parameters() {
	new_test_ext().execute_with(|| {
		// Providers 30%, treasury 0%: the whole rest goes to the pot.
		assert_ok!(Caesar::set_parameters(
			RuntimeOrigin::root(),
			EconomicParameters {
				validators: Perbill::from_percent(70),
				providers: Perbill::from_percent(30),
				..Default::default()
			}
		));
		serve(1, 10);
		end_era(999);
		assert_eq!(ClosedPeriods::<Test>::get(0).unwrap().pot, 999);
		assert_eq!(free(TREASURY), ED);
		// Validators 100%: anything left goes to the treasury.
		assert_ok!(Caesar::set_parameters(
			RuntimeOrigin::root(),
			EconomicParameters {
				validators: Perbill::one(),
				providers: Perbill::zero(),
				..Default::default()
			}
		));
		serve(1, 10);
		end_era(50);
		assert_eq!(ClosedPeriods::<Test>::get(1).unwrap().pot, 0);
		assert_eq!(free(TREASURY), ED + 50);
	});
}

#[test]
fn points_saturate() {
	new_test_ext().execute_with(|| {
		serve(1, u128::MAX - 1);
		serve(1, 5);
		serve(2, 5);
		assert_eq!(Caesar::provider_service(0, &1).unwrap().points, u128::MAX);
		assert_eq!(CurrentPeriodPoints::<Test>::get(), u128::MAX);
		end_era(1_000);
		// The pot is 800; provider 1 holds all but a vanishing share.
		assert_eq!(Caesar::claimable(0, &1), 800);
		assert_eq!(Caesar::claimable(0, &2), 0);
	});
}

#[test]
fn a_reward_below_the_existential_deposit_to_a_new_account_fails() {
	new_test_ext().execute_with(|| {
		serve(7, 1);
		serve(1, 99);
		end_era(1_000);
		// 800 / 100 = 8 < ED, and account 7 does not exist.
		assert_eq!(Caesar::claimable(0, &7), 8);
		assert_noop!(claim(7, 0), TokenError::BelowMinimum);
	});
}
