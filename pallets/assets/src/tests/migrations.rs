//! The migration to storage version 1: the former unbonding queue is removed and live
//! allocations are indexed by asset, once.

use super::*;
use crate::migrations::v1;
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

#[test]
fn v1_removes_the_unbonding_queue_and_indexes_allocations() {
	ext().execute_with(|| {
		let id = register(1, cpu(8), Privacy::FullPublic);
		let other = register(2, cpu(8), Privacy::FullPublic);
		// A version-0 chain: unbonding queues, allocations without index, deposit or escrow.
		StorageVersion::new(0).put::<AssetRegistry>();
		let chunk = v1::UnbondingChunk {
			amount: 40u64,
			unlocks_at: 21u64,
		};
		let queue: Vec<v1::UnbondingChunk<u64, u64>> = vec![chunk.clone(), chunk];
		v1::Unbonding::<Test>::insert(1, queue);
		v1::Unbonding::<Test>::insert(3, Vec::<v1::UnbondingChunk<u64, u64>>::new());
		for (allocation, asset, consumer) in [(0, id, 2), (1, id, 3), (2, other, 4)] {
			Allocations::<Test>::insert(
				allocation,
				Allocation {
					asset,
					consumer,
					amount: 1,
					expires_at: 50,
				},
			);
			Assets::<Test>::mutate_extant(asset, |asset| asset.allocated += 1);
		}
		NextAllocationId::<Test>::put(3);
		System::set_block_number(7);

		v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(
			AssetRegistry::on_chain_storage_version(),
			StorageVersion::new(1)
		);
		assert_eq!(v1::Unbonding::<Test>::iter_keys().count(), 0);
		assert_eq!(AllocationsByAsset::<Test>::get(id, 0), Some(7));
		assert_eq!(AllocationsByAsset::<Test>::get(id, 1), Some(7));
		assert_eq!(AllocationsByAsset::<Test>::get(other, 2), Some(7));
		assert_eq!(AllocationCount::<Test>::get(id), 2);
		assert_eq!(AllocationCount::<Test>::get(other), 1);

		// Running it again (already at version 1) changes nothing.
		AllocationsByAsset::<Test>::remove(id, 0);
		v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(AllocationsByAsset::<Test>::get(id, 0), None);
		assert_eq!(AllocationCount::<Test>::get(id), 2);
		AllocationsByAsset::<Test>::insert(id, 0, 7);

		// Service is credited from the upgrade on, and an old allocation (no escrow, no
		// deposit) is released as any other.
		System::set_block_number(10);
		frame_system::BlockHash::<Test>::insert(9, sp_core::H256::repeat_byte(9));
		assert_ok!(report_call(1, id, Some(8), 2));
		assert_eq!(economy(|e| e.service.clone()), vec![(1, 6)]);
		assert_ok!(AssetRegistry::release(RuntimeOrigin::signed(2), 0));
		assert!(economy(|e| e.closed.is_empty()));
		assert_eq!(AllocationCount::<Test>::get(id), 1);
		assert_eq!(Assets::<Test>::get(id).unwrap().allocated, 1);
	});
}

#[test]
fn a_new_chain_starts_at_version_1() {
	new_test_ext().execute_with(|| {
		use frame_support::traits::OnGenesis;
		<AssetRegistry as OnGenesis>::on_genesis();
		assert_eq!(
			AssetRegistry::on_chain_storage_version(),
			StorageVersion::new(1)
		);
		// Nothing to migrate: the migration leaves a new chain alone.
		v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(
			AssetRegistry::on_chain_storage_version(),
			StorageVersion::new(1)
		);
	});
}
