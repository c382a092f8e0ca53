//! Allocations: capacity is never over-allocated, every refusal changes nothing, and
//! leases expire and can then be released by anyone.

use super::*;

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
				price_per_block: 0,
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
