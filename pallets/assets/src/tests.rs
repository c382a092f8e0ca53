//! Unit tests on the mock runtime: every call, every error, nothing changed on failure.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::traits::BadOrigin;

fn cpu(cores: u32) -> AssetKind {
	AssetKind::Cpu { cores, mhz: 3000 }
}

fn register(owner: u64, kind: AssetKind, privacy: Privacy) -> AssetId {
	let id = NextAssetId::<Test>::get();
	assert_ok!(AssetRegistry::register_asset(
		RuntimeOrigin::signed(owner),
		kind,
		privacy
	));
	id
}

#[test]
fn register_asset_assigns_an_address_in_the_chain_prefix() {
	new_test_ext().execute_with(|| {
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
	new_test_ext().execute_with(|| {
		assert_noop!(
			AssetRegistry::register_asset(RuntimeOrigin::none(), cpu(4), Privacy::P2P),
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
				AssetRegistry::register_asset(RuntimeOrigin::signed(1), zero, Privacy::P2P),
				Error::<Test>::ZeroCapacity
			);
		}
		for _ in 0..3 {
			register(1, cpu(1), Privacy::P2P);
		}
		assert_noop!(
			AssetRegistry::register_asset(RuntimeOrigin::signed(1), cpu(1), Privacy::P2P),
			Error::<Test>::TooManyAssets
		);
	});
}

#[test]
fn allocations_never_exceed_capacity() {
	new_test_ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::PublicNetwork);
		assert_ok!(AssetRegistry::allocate(RuntimeOrigin::signed(2), id, 5, 10));
		assert_ok!(AssetRegistry::allocate(RuntimeOrigin::signed(3), id, 3, 10));
		assert_eq!(Assets::<Test>::get(id).unwrap().allocated, 8);
		// One more core is an over-allocation; so is u64::MAX (no wrap-around).
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(4), id, 1, 10),
			Error::<Test>::OverAllocation
		);
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(4), id, u64::MAX, 10),
			Error::<Test>::OverAllocation
		);
		// Releasing frees the capacity.
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(3), 1));
		assert_eq!(Assets::<Test>::get(id).unwrap().allocated, 5);
		assert_ok!(AssetRegistry::allocate(RuntimeOrigin::signed(4), id, 3, 10));
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
	new_test_ext().execute_with(|| {
		let public = register(1, cpu(8), Privacy::FullPublic);
		let private = register(1, cpu(8), Privacy::Private);
		let network = register(1, cpu(8), Privacy::PrivateNetwork);
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), 9, 1, 10),
			Error::<Test>::UnknownAsset
		);
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), public, 0, 10),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), public, 1, 0),
			Error::<Test>::BadLease
		);
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), public, 1, MAX_LEASE + 1),
			Error::<Test>::BadLease
		);
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), private, 1, 10),
			Error::<Test>::NotAllowed
		);
		assert_noop!(
			AssetRegistry::allocate(RuntimeOrigin::signed(2), network, 1, 10),
			Error::<Test>::NotAllowed
		);
		// The owner may use its private assets.
		assert_ok!(AssetRegistry::allocate(
			RuntimeOrigin::signed(1),
			private,
			1,
			MAX_LEASE
		));
	});
}

#[test]
fn leases_expire_and_anyone_can_release_them() {
	new_test_ext().execute_with(|| {
		let id = register(1, AssetKind::Memory { mib: 1024 }, Privacy::P2P);
		assert_ok!(AssetRegistry::allocate(
			RuntimeOrigin::signed(2),
			id,
			1024,
			5
		));
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
	new_test_ext().execute_with(|| {
		let id = register(1, AssetKind::Storage { gib: 100 }, Privacy::P2P);
		assert_ok!(AssetRegistry::allocate(
			RuntimeOrigin::signed(2),
			id,
			60,
			10
		));
		assert_noop!(
			AssetRegistry::update_asset(
				RuntimeOrigin::signed(1),
				id,
				AssetKind::Storage { gib: 59 },
				Privacy::P2P
			),
			Error::<Test>::BelowAllocated
		);
		assert_noop!(
			AssetRegistry::update_asset(
				RuntimeOrigin::signed(1),
				id,
				AssetKind::Memory { mib: 100 },
				Privacy::P2P
			),
			Error::<Test>::KindChanged
		);
		assert_noop!(
			AssetRegistry::update_asset(
				RuntimeOrigin::signed(2),
				id,
				AssetKind::Storage { gib: 200 },
				Privacy::P2P
			),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			AssetRegistry::update_asset(
				RuntimeOrigin::signed(1),
				id,
				AssetKind::Storage { gib: 0 },
				Privacy::P2P
			),
			Error::<Test>::ZeroCapacity
		);
		assert_ok!(AssetRegistry::update_asset(
			RuntimeOrigin::signed(1),
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
	new_test_ext().execute_with(|| {
		let id = register(1, AssetKind::Network { mbps: 1000 }, Privacy::FullPublic);
		assert_ok!(AssetRegistry::report_usage(
			RuntimeOrigin::signed(1),
			id,
			1000
		));
		assert_eq!(Usage::<Test>::get(id).unwrap().used, 1000);
		assert_ok!(AssetRegistry::report_usage(
			RuntimeOrigin::signed(1),
			id,
			1001
		));
		System::assert_last_event(
			Event::ReportContradicted {
				asset: id,
				reputation: MAX_REPUTATION - PENALTY,
			}
			.into(),
		);
		// The contradicting report is not recorded.
		assert_eq!(Usage::<Test>::get(id).unwrap().used, 1000);
		for _ in 0..10 {
			assert_ok!(AssetRegistry::report_usage(
				RuntimeOrigin::signed(1),
				id,
				u64::MAX
			));
		}
		assert_eq!(Assets::<Test>::get(id).unwrap().reputation, 0);
		assert_noop!(
			AssetRegistry::report_usage(RuntimeOrigin::signed(2), id, 1),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			AssetRegistry::report_usage(RuntimeOrigin::signed(1), 9, 1),
			Error::<Test>::UnknownAsset
		);
	});
}
