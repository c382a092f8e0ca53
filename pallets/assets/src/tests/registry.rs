//! The asset registry: registering (with an address in the chain's prefix), updating and
//! retiring assets against their allocations, and the choice of proxies by reputation,
//! then stake.

use super::*;

/// A well-formed proof no check was run on (for calls that fail before the check).
fn unchecked_proof() -> ConsensusProof {
	proof_for(1, [0; 32])
}

fn update_call(owner: u64, id: AssetId, kind: AssetKind, privacy: Privacy) -> DispatchResult {
	let proof = proof_for(owner, Call::<Test>::update_operation(id, &kind, &privacy));
	AssetRegistry::update_asset(RuntimeOrigin::signed(owner), id, kind, privacy, proof)
}

#[test]
fn register_asset_assigns_an_address_in_the_chain_prefix() {
	ext().execute_with(|| {
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
		assert_eq!(
			AssetRegistry::assets_of(&1)
				.into_iter()
				.map(|(id, _)| id)
				.collect::<Vec<_>>(),
			vec![id, second]
		);
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
	ext().execute_with(|| {
		assert_noop!(
			AssetRegistry::register_asset(
				RuntimeOrigin::none(),
				cpu(4),
				Privacy::P2P,
				unchecked_proof()
			),
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
				register_call(1, zero, Privacy::P2P),
				Error::<Test>::ZeroCapacity
			);
		}
		for _ in 0..3 {
			register(1, cpu(1), Privacy::P2P);
		}
		assert_noop!(
			register_call(1, cpu(1), Privacy::P2P),
			Error::<Test>::TooManyAssets
		);
	});
}

#[test]
fn update_and_retire_respect_allocations() {
	ext().execute_with(|| {
		let id = register(1, AssetKind::Storage { gib: 100 }, Privacy::P2P);
		assert_ok!(allocate_call(2, id, 60, 10));
		assert_noop!(
			update_call(1, id, AssetKind::Storage { gib: 59 }, Privacy::P2P),
			Error::<Test>::BelowAllocated
		);
		assert_noop!(
			update_call(1, id, AssetKind::Memory { mib: 100 }, Privacy::P2P),
			Error::<Test>::KindChanged
		);
		assert_noop!(
			update_call(2, id, AssetKind::Storage { gib: 200 }, Privacy::P2P),
			Error::<Test>::NotOwner
		);
		assert_noop!(
			update_call(1, id, AssetKind::Storage { gib: 0 }, Privacy::P2P),
			Error::<Test>::ZeroCapacity
		);
		assert_ok!(update_call(
			1,
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
fn proxies_are_chosen_by_reputation_then_stake() {
	ext().execute_with(|| {
		let net = |mbps| AssetKind::Network { mbps };
		let a = register(1, net(100), Privacy::PublicNetwork);
		let b = register(2, net(100), Privacy::FullPublic);
		let c = register(3, net(100), Privacy::FullPublic);
		register(4, net(100), Privacy::Private);
		register(4, cpu(4), Privacy::FullPublic);
		// Owner 2 has the most stake; asset c lost reputation.
		set_stake(2, MIN_STAKE + 1000);
		assert_ok!(report_call(3, c, Some(10), 0));
		let chosen: Vec<AssetId> = AssetRegistry::select_proxies(10)
			.into_iter()
			.map(|(id, _)| id)
			.collect();
		assert_eq!(chosen, vec![b, a, c]);
		assert_eq!(AssetRegistry::select_proxies(1).len(), 1);
	});
}
