//! The Certificate Transparency log: tree heads committed per block and pruned after the
//! history window, the hook's weight, and the migration that filled the leaf hashes.
//! (The migration of authority records to version 2 is tested in `authorities.rs`.)

use super::*;

#[test]
fn tree_heads_are_committed_per_block_when_the_log_changed() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let (_, a) = issue_new(1);
		let (_, b) = issue_new(2);
		assert!(CtLogChanged::<Test>::get());
		let head1 = TrustChain::tree_head();
		run_to(2); // finalizes block 1
		assert!(!CtLogChanged::<Test>::get());
		assert_eq!(TreeHeads::<Test>::get(1), Some(head1));
		assert_eq!(head1.size, 2);
		assert!(has_event(Event::TreeHeadCommitted {
			block: 1,
			head: head1
		}));
		run_to(3); // block 2: no certificates, no head
		assert_eq!(TreeHeads::<Test>::get(2), None);
		let (_, c) = issue_new(3);
		run_to(4);
		let head3 = TreeHeads::<Test>::get(3).expect("committed");
		let leaves = [a, b, c].map(|e| reference_leaf_hash(&e));
		assert_eq!(head3.size, 3);
		assert_eq!(head3.root, ct::root(&leaves));
		// The later head extends the earlier one: a consistency proof verifies.
		let proof = ct::consistency_proof(&leaves, 2, 3).unwrap();
		assert_eq!(
			ct::verify_consistency(2, 3, &head1.root, &head3.root, &proof),
			Ok(())
		);
	});
}

#[test]
fn tree_heads_are_pruned_after_the_history_window() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		for block in 1..=8u64 {
			issue_new(block);
			run_to(block + 1);
			// Heads are kept for the last HISTORY blocks finalized.
			let oldest_kept = (block + 1).saturating_sub(u64::from(HISTORY)).max(1);
			let kept: Vec<u64> = (1..=8)
				.filter(|b| TreeHeads::<Test>::get(b).is_some())
				.collect();
			assert_eq!(
				kept,
				(oldest_kept..=block).collect::<Vec<_>>(),
				"after block {block}"
			);
		}
		assert_eq!(TreeHeads::<Test>::iter().count(), HISTORY as usize);
		assert_eq!(TreeHeads::<Test>::get(8).unwrap().size, 8);
	});
}

#[test]
fn on_initialize_accounts_for_on_finalize() {
	new_test_ext().execute_with(|| {
		assert_eq!(
			<TrustChain as Hooks<u64>>::on_initialize(2),
			<() as WeightInfo>::on_finalize()
		);
	});
}

#[test]
fn migration_to_v1_fills_leaf_hashes_once() {
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		// A version-0 chain: certificates logged, no leaf hashes.
		StorageVersion::new(0).put::<TrustChain>();
		for (i, bytes) in [&b"first"[..], b"second", b"third"].iter().enumerate() {
			Certificates::<Test>::insert(
				i as u64,
				CertificateRecord {
					authority: 1,
					der: der(bytes),
					recorded_at: 1,
				},
			);
		}
		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(
			TrustChain::on_chain_storage_version(),
			StorageVersion::new(1)
		);
		for (i, bytes) in [&b"first"[..], b"second", b"third"].iter().enumerate() {
			assert_eq!(
				LeafHashes::<Test>::get(i as u64),
				Some(reference_leaf_hash(bytes))
			);
		}
		// Running it again (already at version 1) changes nothing.
		LeafHashes::<Test>::remove(0);
		crate::migrations::v1::MigrateToV1::<Test>::on_runtime_upgrade();
		assert_eq!(LeafHashes::<Test>::get(0), None);
	});
}
