//! The registry's side of the economy: service points credited by accepted reports,
//! offences recorded and slashed, prices escrowed for leases, deposits held and returned.

use super::*;
use frame_support::traits::fungible::{Inspect, InspectHold};

fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::AssetRegistry(reason), &who)
}

fn service_event(asset: AssetId, points: u128) -> RuntimeEvent {
	Event::ServiceRecorded {
		asset,
		provider: 1,
		points,
	}
	.into()
}

#[test]
fn reports_credit_units_times_blocks_scaled_by_reputation() {
	ext().execute_with(|| {
		// Enough stake to keep proving after the contradicting report's slash.
		set_stake(1, 10 * MIN_STAKE);
		let id = register(1, cpu(8), Privacy::FullPublic);
		let fresh = register(1, cpu(8), Privacy::FullPublic);
		// No allocations: nothing served.
		assert_ok!(report_call(1, id, Some(8), 0));
		assert!(economy(|e| e.service.is_empty()));

		run_to_block(3);
		assert_ok!(allocate_call(2, id, 3, MAX_LEASE));
		assert_ok!(allocate_call(3, id, 2, MAX_LEASE));
		// The owner's own allocation serves no one and earns nothing.
		assert_ok!(allocate_call(1, id, 1, MAX_LEASE));
		assert_ok!(allocate_call(2, fresh, 4, MAX_LEASE));
		run_to_block(8);
		assert_ok!(allocate_call(4, id, 1, MAX_LEASE));
		assert_eq!(AllocationsByAsset::<Test>::get(id, 4), Some(8));

		run_to_block(13);
		assert_ok!(report_call(1, id, Some(8), 7));
		// Since the previous report (block 1), each allocation from its start:
		// 3 × 10 + 2 × 10 + 1 × 5 at full reputation.
		System::assert_has_event(service_event(id, 55));
		assert_eq!(Usage::<Test>::get(id).unwrap().at, 13);
		// No report before: since the allocation started (block 3).
		assert_ok!(report_call(1, fresh, None, 4));
		System::assert_has_event(service_event(fresh, 40));
		assert_eq!(economy(|e| e.service.clone()), vec![(1, 55), (1, 40)]);

		// A contradicting report costs reputation and is not kept.
		assert_ok!(report_call(1, id, Some(7), 0));
		assert_eq!(Usage::<Test>::get(id).unwrap().at, 13);
		run_to_block(23);
		assert_ok!(report_call(1, id, Some(8), 7));
		// (3 + 2 + 1) × 10 blocks × 850 / 1000.
		System::assert_has_event(service_event(id, 51));

		// A long silence claims at most MaxServiceInterval blocks: 23 to 93 counts 50.
		run_to_block(93);
		assert_ok!(report_call(1, id, Some(8), 7));
		// 6 × 50 × 850 / 1000.
		System::assert_has_event(service_event(id, 255));

		// Leases count up to their end: 3 + 2 units to block 103, 1 unit to block 108.
		run_to_block(113);
		assert_ok!(report_call(1, id, Some(8), 7));
		// (5 × 10 + 1 × 15) × 850 / 1000, rounded down.
		System::assert_has_event(service_event(id, 55));
		assert_eq!(
			economy(|e| e.service.clone()),
			vec![(1, 55), (1, 40), (1, 51), (1, 255), (1, 55)]
		);

		// Every lease over: a consistent report confirms nothing more.
		run_to_block(120);
		assert_ok!(report_call(1, id, Some(8), 0));
		System::assert_last_event(
			Event::TelemetryReported {
				asset: id,
				telemetry: Telemetry {
					measured_capacity: Some(8),
					used: 0,
				},
			}
			.into(),
		);
		assert_eq!(economy(|e| e.service.len()), 5);
	});
}

#[test]
fn released_allocations_earn_nothing_unconfirmed() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::FullPublic);
		assert_ok!(allocate_call(2, id, 4, MAX_LEASE));
		run_to_block(10);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(2), 0));
		assert_eq!(AllocationsByAsset::<Test>::iter_prefix(id).count(), 0);
		assert_eq!(AllocationCount::<Test>::get(id), 0);
		run_to_block(12);
		assert_ok!(report_call(1, id, Some(8), 0));
		assert!(economy(|e| e.service.is_empty()));
	});
}

#[test]
fn a_contradicting_report_is_recorded_and_slashed() {
	ext().execute_with(|| {
		set_stake(1, 1_000);
		let id = register(1, AssetKind::Network { mbps: 1000 }, Privacy::FullPublic);
		assert_ok!(report_call(1, id, None, 1001));
		assert_eq!(
			economy(|e| e.offences.clone()),
			vec![(1, ProviderOffence::ContradictingReport)]
		);
		assert_eq!(
			economy(|e| e.slashes.clone()),
			vec![Slash {
				who: 1,
				offence: ProviderOffence::ContradictingReport,
				parts_per_billion: Perbill::from_percent(SLASH_PERCENT).deconstruct(),
				amount: 100,
			}]
		);
		System::assert_has_event(
			Event::ProviderSlashed {
				provider: 1,
				offence: ProviderOffence::ContradictingReport,
				slashed: 100,
			}
			.into(),
		);
		assert_eq!(<Test as Config>::Stake::bonded(&1), 900);
		// A consistent report is no offence.
		assert_ok!(report_call(1, id, Some(1000), 10));
		assert_eq!(economy(|e| e.offences.len()), 1);
		assert_eq!(<Test as Config>::Stake::bonded(&1), 900);
	});
}

#[test]
fn only_the_owner_sets_a_price() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::FullPublic);
		assert_noop!(
			AssetRegistry::set_price(RuntimeOrigin::none(), id, 5),
			BadOrigin
		);
		assert_noop!(
			AssetRegistry::set_price(RuntimeOrigin::signed(2), id, 5),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			AssetRegistry::set_price(RuntimeOrigin::signed(1), 9, 5),
			Error::<Test>::UnknownAsset
		);
		assert_ok!(AssetRegistry::set_price(RuntimeOrigin::signed(1), id, 5));
		System::assert_last_event(
			Event::PriceSet {
				asset: id,
				price_per_unit_per_block: 5,
			}
			.into(),
		);
		assert_eq!(Prices::<Test>::get(id), 5);
		// Free again: nothing stored.
		assert_ok!(AssetRegistry::set_price(RuntimeOrigin::signed(1), id, 0));
		assert!(!Prices::<Test>::contains_key(id));
		// Retiring forgets the price.
		assert_ok!(AssetRegistry::set_price(RuntimeOrigin::signed(1), id, 7));
		assert_ok!(AssetRegistry::retire_asset(RuntimeOrigin::signed(1), id));
		assert!(!Prices::<Test>::contains_key(id));
	});
}

#[test]
fn allocating_escrows_the_price_and_releasing_closes_the_escrow() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::FullPublic);
		assert_ok!(AssetRegistry::set_price(RuntimeOrigin::signed(1), id, 5));
		run_to_block(3);
		assert_ok!(allocate_call(2, id, 3, 10));
		System::assert_last_event(
			Event::Allocated {
				id: 0,
				asset: id,
				consumer: 2,
				amount: 3,
				expires_at: 13,
				price_per_block: 15,
			}
			.into(),
		);
		assert_eq!(
			economy(|e| e.opened.clone()),
			vec![Escrow {
				allocation: 0,
				consumer: 2,
				provider: 1,
				price_per_block: 15,
				start: 3,
				end: 13,
			}]
		);
		// A new price does not change the leases made.
		assert_ok!(AssetRegistry::set_price(RuntimeOrigin::signed(1), id, 10));
		assert_ok!(allocate_call(3, id, 2, 5));
		assert_eq!(economy(|e| e.opened[1].price_per_block), 20);

		// The consumer ends its lease early: paid for 4 blocks, refunded 6.
		run_to_block(7);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(2), 0));
		assert_eq!(economy(|e| e.closed.clone()), vec![(0, 7, 60, 90)]);
		// An expired lease released by anyone is paid in full.
		run_to_block(20);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(4), 1));
		assert_eq!(economy(|e| e.closed[1]), (1, 20, 100, 0));
		// A free asset still opens (and closes) an escrow, at no price.
		let free = register(4, cpu(2), Privacy::FullPublic);
		assert_ok!(allocate_call(2, free, 2, 5));
		assert_eq!(economy(|e| e.opened[2].price_per_block), 0);
	});
}

#[test]
fn a_price_above_the_consumers_limit_is_refused() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::FullPublic);
		assert_ok!(AssetRegistry::set_price(RuntimeOrigin::signed(1), id, 5));
		// The owner raised the price to 5 before the consumer's allocation, made for 4.
		assert_noop!(
			allocate_limited(2, id, 3, 10, 14),
			Error::<Test>::PriceAboveLimit
		);
		assert!(economy(|e| e.opened.is_empty()));
		assert_ok!(allocate_limited(2, id, 3, 10, 15));
		// A price times amount beyond the balance type.
		assert_ok!(AssetRegistry::set_price(
			RuntimeOrigin::signed(1),
			id,
			u64::MAX
		));
		assert_noop!(allocate_call(3, id, 2, 10), Error::<Test>::Overflow);
	});
}

#[test]
fn a_consumer_who_cannot_pay_is_refused_and_nothing_changes() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::FullPublic);
		assert_ok!(AssetRegistry::set_price(RuntimeOrigin::signed(1), id, 5));
		fail_escrows(Some(EscrowError::InsufficientFunds));
		assert_noop!(allocate_call(2, id, 3, 10), Error::<Test>::CannotPayLease);
		fail_escrows(Some(EscrowError::AlreadyOpen));
		assert_noop!(allocate_call(2, id, 3, 10), Error::<Test>::EscrowRefused);
		assert!(economy(|e| e.opened.is_empty()));
		assert_eq!(held(HoldReason::AllocationDeposit, 2), 0);
		assert_eq!(Assets::<Test>::get(id).unwrap().allocated, 0);
		fail_escrows(None);
		assert_ok!(allocate_call(2, id, 3, 10));
		// An account that cannot pay the deposit.
		make_prover(9);
		assert_noop!(allocate_call(9, id, 1, 10), Error::<Test>::CannotPayDeposit);
		assert_noop!(
			register_call(9, cpu(1), Privacy::P2P),
			Error::<Test>::CannotPayDeposit
		);
		assert_eq!(economy(|e| e.opened.len()), 1);
	});
}

#[test]
fn an_asset_has_at_most_max_allocations() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::FullPublic);
		for _ in 0..MAX_ALLOCATIONS {
			assert_ok!(allocate_call(2, id, 1, 10));
		}
		assert_eq!(AllocationCount::<Test>::get(id), MAX_ALLOCATIONS);
		assert_noop!(
			allocate_call(3, id, 1, 10),
			Error::<Test>::TooManyAllocations
		);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(2), 0));
		assert_eq!(AllocationCount::<Test>::get(id), MAX_ALLOCATIONS - 1);
		assert_ok!(allocate_call(3, id, 1, 10));
	});
}

#[test]
fn deposits_are_held_and_returned() {
	ext().execute_with(|| {
		let free_1 = Balances::balance(&1);
		let id = register(1, cpu(8), Privacy::FullPublic);
		let other = register(1, cpu(8), Privacy::FullPublic);
		assert_eq!(held(HoldReason::AssetDeposit, 1), 2 * ASSET_DEPOSIT);
		assert_eq!(AssetDeposits::<Test>::get(id), Some(ASSET_DEPOSIT));
		assert_eq!(Balances::balance(&1), free_1 - 2 * ASSET_DEPOSIT);

		let free_2 = Balances::balance(&2);
		assert_ok!(allocate_call(2, id, 2, 5));
		assert_eq!(held(HoldReason::AllocationDeposit, 2), ALLOCATION_DEPOSIT);
		assert_eq!(AllocationDeposits::<Test>::get(0), Some(ALLOCATION_DEPOSIT));
		// Released by someone else once expired: the deposit goes back to the consumer.
		run_to_block(6);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(3), 0));
		assert_eq!(held(HoldReason::AllocationDeposit, 2), 0);
		assert_eq!(Balances::balance(&2), free_2);
		assert!(AllocationDeposits::<Test>::get(0).is_none());

		assert_ok!(AssetRegistry::retire_asset(RuntimeOrigin::signed(1), id));
		assert_eq!(held(HoldReason::AssetDeposit, 1), ASSET_DEPOSIT);
		assert!(AssetDeposits::<Test>::get(id).is_none());

		// An asset registered before deposits existed returns nothing, and the other
		// asset's deposit stays held.
		let legacy = NextAssetId::<Test>::get();
		NextAssetId::<Test>::put(legacy + 1);
		let mut asset = Assets::<Test>::get(other).unwrap();
		asset.address = asset_address([0xfd; 8], legacy);
		Assets::<Test>::insert(legacy, asset);
		AssetsByOwner::<Test>::insert(1, legacy, ());
		OwnerAssetCount::<Test>::mutate(1, |count| *count += 1);
		assert_ok!(AssetRegistry::retire_asset(
			RuntimeOrigin::signed(1),
			legacy
		));
		assert_eq!(held(HoldReason::AssetDeposit, 1), ASSET_DEPOSIT);
		assert_ok!(AssetRegistry::retire_asset(RuntimeOrigin::signed(1), other));
		assert_eq!(held(HoldReason::AssetDeposit, 1), 0);
		assert_eq!(Balances::balance(&1), free_1);
	});
}
