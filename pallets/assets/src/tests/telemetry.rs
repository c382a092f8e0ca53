//! Telemetry: a report that contradicts the registration costs reputation, is not kept,
//! and is an offence (recorded and slashed).

use super::*;

#[test]
fn contradicting_reports_cost_reputation() {
	ext().execute_with(|| {
		// Enough stake to keep proving through twelve slashes of 10%.
		set_stake(1, 100 * MIN_STAKE);
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
		assert_eq!(
			economy(|e| e.offences.clone()),
			vec![(1, ProviderOffence::ContradictingReport); 12]
		);
		assert_eq!(economy(|e| e.slashes.len()), 12);
		assert_noop!(report_call(2, id, None, 1), Error::<Test>::NotOwner);
		assert_noop!(report_call(1, 9, None, 1), Error::<Test>::UnknownAsset);
	});
}
