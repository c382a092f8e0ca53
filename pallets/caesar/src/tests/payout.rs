//! The era payout: `total_issuance * yearly_inflation * era / year`, rounded down once, and
//! its split between validators, providers and the treasury.

use super::*;
use sp_staking::EraPayout;

/// Six hours in milliseconds.
const SIX_HOURS: u64 = 6 * 60 * 60 * 1000;

#[test]
fn a_year_is_365_and_a_quarter_days() {
	assert_eq!(MILLISECONDS_PER_YEAR, 31_557_600_000);
}

#[test]
fn the_payout_is_inflation_pro_rata_of_the_era() {
	new_test_ext().execute_with(|| {
		// 10^15 * 5% * 21_600_000 / 31_557_600_000 = 34_223_134_839.1...
		let split = Caesar::era_payout_split(1_000_000_000_000_000, SIX_HOURS);
		assert_eq!(
			split,
			EraPayoutSplit {
				validators: 17_111_567_419,
				providers: 13_689_253_935,
				treasury: 3_422_313_485,
			}
		);
		assert_eq!(
			<CaesarEraPayout<Test> as EraPayout<u64>>::era_payout(
				0,
				1_000_000_000_000_000,
				SIX_HOURS
			),
			(17_111_567_419, 17_111_567_420)
		);
		// A whole year pays exactly the yearly inflation.
		let year = Caesar::era_payout_split(1_000_000_000_000_000, MILLISECONDS_PER_YEAR);
		assert_eq!(
			year.validators + year.providers + year.treasury,
			50_000_000_000_000
		);
		// Nothing for an empty era or supply.
		assert_eq!(
			Caesar::era_payout_split(1_000_000, 0),
			EraPayoutSplit::default()
		);
		assert_eq!(
			Caesar::era_payout_split(0, SIX_HOURS),
			EraPayoutSplit::default()
		);
	});
}

#[test]
fn the_payout_follows_the_parameters() {
	new_test_ext().execute_with(|| {
		assert_ok!(Caesar::set_parameters(
			RuntimeOrigin::root(),
			EconomicParameters {
				yearly_inflation: Perbill::from_percent(75),
				validators: Perbill::from_percent(20),
				providers: Perbill::from_percent(80),
				offence_slash: Perbill::zero(),
			}
		));
		// 123_456_789 * 75% * 3_600_000 / 31_557_600_000 = 10_562.69...
		let split = Caesar::era_payout_split(123_456_789, 3_600_000);
		assert_eq!(
			split,
			EraPayoutSplit {
				validators: 2_112,
				providers: 8_449,
				treasury: 1,
			}
		);
	});
}

#[test]
fn huge_figures_saturate_without_overflow() {
	new_test_ext().execute_with(|| {
		assert_ok!(Caesar::set_parameters(
			RuntimeOrigin::root(),
			EconomicParameters {
				yearly_inflation: Perbill::one(),
				..Default::default()
			}
		));
		let split = Caesar::era_payout_split(u64::MAX, u64::MAX);
		// u64 balances: each part saturates at the type's maximum, nothing panics.
		assert_eq!(split.validators, u64::MAX);
		assert_eq!(split.providers, u64::MAX);
		let (validators, rest) =
			<CaesarEraPayout<Test> as EraPayout<u64>>::era_payout(0, u64::MAX, u64::MAX);
		assert_eq!((validators, rest), (u64::MAX, u64::MAX));
	});
}

#[test]
fn payout_and_close_mint_exactly_the_era_issuance() {
	new_test_ext().execute_with(|| {
		serve(1, 1);
		let issued = issuance();
		let (validators, rest) = <CaesarEraPayout<Test> as EraPayout<u64>>::era_payout(
			0,
			1_000_000_000_000_000,
			SIX_HOURS,
		);
		end_era(rest);
		assert_eq!(issuance(), issued + rest);
		// The providers' and treasury's parts land where the split says.
		let closed = ClosedPeriods::<Test>::get(0).unwrap();
		assert_eq!(closed.pot, 13_689_253_936);
		assert_eq!(free(TREASURY), ED + 3_422_313_484);
		assert_eq!(validators + closed.pot + 3_422_313_484, 34_223_134_839);
	});
}
