//! Certificate authorities: adding, removing, re-keying them and changing their operator
//! (each by the authority origin only), and the roots a genesis config adds.

use super::*;

fn falcon(fill: u8) -> FalconPublicKey {
	let mut key = vec![fill; FALCON_1024_PUBLIC_KEY_LEN as usize];
	key[0] = FALCON_1024_PUBLIC_KEY_HEADER;
	key.try_into().expect("1793 bytes")
}

fn ed25519(fill: u8) -> ClassicalPublicKey {
	ClassicalPublicKey::Ed25519([fill; 32])
}

// authorities

#[test]
fn add_root_authority_works() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let info = Authorities::<Test>::get(1).expect("added");
		assert_eq!(info.kind, AuthorityKind::Root);
		assert_eq!(info.operator, 10);
		assert_eq!(info.classical_public_key, ca(0).classical);
		assert_eq!(info.falcon_public_key, ca(0).falcon);
		assert_eq!(info.children, 0);
		assert_eq!(info.keys_set_at, 1);
		assert_eq!(
			AuthorityCertificates::<Test>::get(1),
			Some(ca(0).der.clone())
		);
		System::assert_last_event(
			Event::AuthorityAdded {
				id: 1,
				kind: AuthorityKind::Root,
				operator: 10,
			}
			.into(),
		);
	});
}

#[test]
fn add_intermediate_authorities_counts_children() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(add_intermediate(2, 1, 20));
		assert_ok!(add_intermediate(3, 2, 30));
		assert_ok!(add_intermediate(4, 1, 40));
		assert_eq!(Authorities::<Test>::get(1).unwrap().children, 2);
		assert_eq!(Authorities::<Test>::get(2).unwrap().children, 1);
		assert_eq!(Authorities::<Test>::get(3).unwrap().children, 0);
		assert_eq!(
			Authorities::<Test>::get(3).unwrap().kind,
			AuthorityKind::Intermediate { parent: 2 }
		);
		System::assert_last_event(
			Event::AuthorityAdded {
				id: 4,
				kind: AuthorityKind::Intermediate { parent: 1 },
				operator: 40,
			}
			.into(),
		);
	});
}

#[test]
fn add_authority_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let add = |origin: RuntimeOrigin,
		           id: AuthorityId,
		           kind: AuthorityKind,
		           d: &[u8],
		           classical: ClassicalPublicKey,
		           key: FalconPublicKey| {
			TrustChain::add_authority(origin, id, kind, 10, der(d), classical, key)
		};
		let root = AuthorityKind::Root;
		assert_noop!(
			add(
				RuntimeOrigin::signed(1),
				2,
				root,
				b"ca",
				ed25519(1),
				falcon(1)
			),
			BadOrigin
		);
		assert_noop!(
			add(RuntimeOrigin::root(), 1, root, b"ca", ed25519(1), falcon(1)),
			Error::<Test>::AuthorityAlreadyExists
		);
		assert_noop!(
			add(
				RuntimeOrigin::root(),
				2,
				AuthorityKind::Intermediate { parent: 7 },
				b"ca",
				ed25519(1),
				falcon(1)
			),
			Error::<Test>::UnknownParent
		);
		assert_noop!(
			add(RuntimeOrigin::root(), 2, root, b"", ed25519(1), falcon(1)),
			Error::<Test>::EmptyCertificate
		);
		let short: FalconPublicKey = vec![FALCON_1024_PUBLIC_KEY_HEADER; 1792]
			.try_into()
			.unwrap();
		assert_noop!(
			add(RuntimeOrigin::root(), 2, root, b"ca", ed25519(1), short),
			Error::<Test>::BadFalconKeyLength
		);
		let empty: FalconPublicKey = Default::default();
		assert_noop!(
			add(RuntimeOrigin::root(), 2, root, b"ca", ed25519(1), empty),
			Error::<Test>::BadFalconKeyLength
		);
		let mut wrong_header = falcon(1);
		wrong_header[0] = 0x09; // FALCON-512's header
		assert_noop!(
			add(
				RuntimeOrigin::root(),
				2,
				root,
				b"ca",
				ed25519(1),
				wrong_header
			),
			Error::<Test>::BadFalconKeyHeader
		);
		for bad in [
			vec![0x02; 32],
			[&[0x04][..], &[1; 32]].concat(),
			[&[0x02][..], &[1; 64]].concat(),
			[&[0x05][..], &[1; 64]].concat(),
			vec![],
		] {
			assert_noop!(
				add(RuntimeOrigin::root(), 2, root, b"ca", p256(bad), falcon(1)),
				Error::<Test>::BadClassicalKey
			);
		}
		// Well-formed keys, but the certificate is not a DER X.509 certificate.
		let good_key = ca(1).classical.clone();
		for garbage in [&b"ca"[..], &ca(1).der[..ca(1).der.len() - 1], &[0x30, 0x00]] {
			assert_noop!(
				add(
					RuntimeOrigin::root(),
					2,
					root,
					garbage,
					good_key.clone(),
					ca(1).falcon.clone()
				),
				Error::<Test>::BadAuthorityCertificate
			);
		}
		// A real CA certificate for other keys than the ones given.
		assert_noop!(
			add(
				RuntimeOrigin::root(),
				2,
				root,
				&ca(1).der,
				ca(2).classical.clone(),
				ca(1).falcon.clone()
			),
			Error::<Test>::AuthorityKeyMismatch
		);
		// A leaf certificate is not a CA certificate.
		let leaf = issue(&ca(1), &keys(0), &Leaf::new(&["node1.hypermesh"], 1));
		assert_noop!(
			add(
				RuntimeOrigin::root(),
				2,
				root,
				&leaf,
				keys(0).classical_public(),
				ca(1).falcon.clone()
			),
			Error::<Test>::AuthorityCertificateNotCa
		);
		assert_ok!(add(
			RuntimeOrigin::root(),
			2,
			root,
			&ca(1).der,
			ca(1).classical.clone(),
			ca(1).falcon.clone()
		));
	});
}

#[test]
fn oversized_inputs_do_not_decode() {
	// Bounds are enforced when a call is decoded, before it is dispatched.
	let too_long = vec![0u8; MAX_DER as usize + 1].encode();
	assert!(CertificateDerOf::<Test>::decode(&mut &too_long[..]).is_err());
	let max = vec![0u8; MAX_DER as usize].encode();
	assert!(CertificateDerOf::<Test>::decode(&mut &max[..]).is_ok());
	assert!(FalconPublicKey::decode(&mut &vec![0u8; 1794].encode()[..]).is_err());
	assert!(NameOf::<Test>::decode(&mut &vec![b'a'; 254].encode()[..]).is_err());
	let nine = vec![txt(b"x"); 9].encode();
	assert!(RecordsOf::<Test>::decode(&mut &nine[..]).is_err());
	assert!(TxtOf::<Test>::decode(&mut &vec![0u8; 256].encode()[..]).is_err());
	assert!(SrvTargetOf::<Test>::decode(&mut &vec![b'a'; 254].encode()[..]).is_err());
}

#[test]
fn remove_authority_works_and_updates_parent() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(add_intermediate(2, 1, 20));
		assert_noop!(
			TrustChain::remove_authority(RuntimeOrigin::root(), 1),
			Error::<Test>::AuthorityHasChildren
		);
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		let leaf = issue(&ca(1), &keys(0), &Leaf::new(&["node1.hypermesh"], 1));
		assert_ok!(issue_der(20, 0, 2, leaf));
		assert_ok!(TrustChain::remove_authority(RuntimeOrigin::root(), 2));
		System::assert_last_event(Event::AuthorityRemoved { id: 2 }.into());
		assert!(Authorities::<Test>::get(2).is_none());
		assert!(AuthorityCertificates::<Test>::get(2).is_none());
		assert_eq!(Authorities::<Test>::get(1).unwrap().children, 0);
		// What it logged stays logged; it can log no more.
		assert_eq!(Certificates::<Test>::get(0).unwrap().authority, 2);
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		let leaf = issue(&ca(1), &keys(0), &Leaf::new(&["node1.hypermesh"], 2));
		assert_noop!(issue_der(20, 1, 2, leaf), Error::<Test>::UnknownAuthority);
		// Now the root has no children.
		assert_ok!(TrustChain::remove_authority(RuntimeOrigin::root(), 1));
		assert_eq!(Authorities::<Test>::iter().count(), 0);
	});
}

#[test]
fn remove_authority_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_noop!(
			TrustChain::remove_authority(RuntimeOrigin::signed(10), 1),
			BadOrigin
		);
		assert_noop!(
			TrustChain::remove_authority(RuntimeOrigin::root(), 2),
			Error::<Test>::UnknownAuthority
		);
	});
}

#[test]
fn rotate_authority_keys_works() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		System::set_block_number(7);
		assert_ok!(TrustChain::rotate_authority_keys(
			RuntimeOrigin::root(),
			1,
			ca(2).der.clone(),
			ca(2).classical.clone(),
			ca(2).falcon.clone(),
		));
		System::assert_last_event(Event::AuthorityKeysRotated { id: 1 }.into());
		let info = Authorities::<Test>::get(1).unwrap();
		assert_eq!(info.classical_public_key, ca(2).classical);
		assert_eq!(info.falcon_public_key, ca(2).falcon);
		assert_eq!(info.operator, 10);
		assert_eq!(info.keys_set_at, 7, "a rotation records its block");
		assert_eq!(
			AuthorityCertificates::<Test>::get(1),
			Some(ca(2).der.clone())
		);
		// Certificates by the old keys are refused from now on, by the new keys accepted.
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		let old = issue(&ca(0), &keys(0), &Leaf::new(&["node1.hypermesh"], 1));
		assert_noop!(issue_der(10, 0, 1, old), Error::<Test>::IssuerMismatch);
		let new = issue(&ca(2), &keys(0), &Leaf::new(&["node1.hypermesh"], 1));
		assert_ok!(issue_der(10, 0, 1, new));
	});
}

#[test]
fn rotate_authority_keys_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let rotate = |origin, id, d: &[u8], classical, key| {
			TrustChain::rotate_authority_keys(origin, id, der(d), classical, key)
		};
		assert_noop!(
			rotate(RuntimeOrigin::signed(10), 1, b"ca", ed25519(2), falcon(2)),
			BadOrigin
		);
		assert_noop!(
			rotate(RuntimeOrigin::root(), 2, b"ca", ed25519(2), falcon(2)),
			Error::<Test>::UnknownAuthority
		);
		assert_noop!(
			rotate(RuntimeOrigin::root(), 1, b"", ed25519(2), falcon(2)),
			Error::<Test>::EmptyCertificate
		);
		assert_noop!(
			rotate(
				RuntimeOrigin::root(),
				1,
				b"ca",
				ca(2).classical.clone(),
				ca(2).falcon.clone()
			),
			Error::<Test>::BadAuthorityCertificate
		);
		assert_noop!(
			rotate(
				RuntimeOrigin::root(),
				1,
				&ca(2).der,
				ca(1).classical.clone(),
				ca(2).falcon.clone()
			),
			Error::<Test>::AuthorityKeyMismatch
		);
		assert_noop!(
			rotate(
				RuntimeOrigin::root(),
				1,
				b"ca",
				p256(vec![0x02; 33 + 1]),
				falcon(2)
			),
			Error::<Test>::BadClassicalKey
		);
		let mut bad = falcon(2);
		bad[0] = 0;
		assert_noop!(
			rotate(RuntimeOrigin::root(), 1, b"ca", ed25519(2), bad),
			Error::<Test>::BadFalconKeyHeader
		);
		assert_noop!(
			rotate(
				RuntimeOrigin::root(),
				1,
				b"ca",
				ed25519(2),
				vec![0x0A; 100].try_into().unwrap()
			),
			Error::<Test>::BadFalconKeyLength
		);
	});
}

#[test]
fn set_authority_operator_works() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(TrustChain::set_authority_operator(
			RuntimeOrigin::root(),
			1,
			11
		));
		System::assert_last_event(
			Event::AuthorityOperatorChanged {
				id: 1,
				operator: 11,
			}
			.into(),
		);
		assert_eq!(Authorities::<Test>::get(1).unwrap().operator, 11);
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		let cert = issue(&ca(0), &keys(0), &Leaf::new(&["node1.hypermesh"], 1));
		assert_noop!(
			issue_der(10, 0, 1, cert.clone()),
			Error::<Test>::NotAuthorityOperator
		);
		assert_ok!(issue_der(11, 0, 1, cert));
	});
}

#[test]
fn set_authority_operator_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_noop!(
			TrustChain::set_authority_operator(RuntimeOrigin::signed(10), 1, 11),
			BadOrigin
		);
		assert_noop!(
			TrustChain::set_authority_operator(RuntimeOrigin::root(), 2, 11),
			Error::<Test>::UnknownAuthority
		);
	});
}

#[test]
fn genesis_roots_are_checked_and_stored() {
	set_now(1_767_225_600);
	let build = |authorities: Vec<(AuthorityId, u64, Vec<u8>, Vec<u8>)>| {
		let mut storage = frame_system::GenesisConfig::<Test>::default()
			.build_storage()
			.unwrap();
		crate::GenesisConfig::<Test> { authorities }
			.assimilate_storage(&mut storage)
			.map(|_| sp_io::TestExternalities::new(storage))
	};
	let root = ca(0);
	let mut ext = build(vec![(7, 10, root.der.to_vec(), root.falcon.to_vec())]).unwrap();
	ext.execute_with(|| {
		let info = Authorities::<Test>::get(7).expect("genesis root");
		assert_eq!(info.kind, AuthorityKind::Root);
		assert_eq!(info.operator, 10);
		assert_eq!(info.classical_public_key, root.classical);
		assert_eq!(info.falcon_public_key, root.falcon);
		assert_eq!(
			AuthorityCertificates::<Test>::get(7),
			Some(root.der.clone())
		);
	});
	// A bad entry fails the genesis build.
	let panics = |authorities: Vec<(AuthorityId, u64, Vec<u8>, Vec<u8>)>| {
		std::panic::catch_unwind(move || build(authorities)).is_err()
	};
	assert!(panics(vec![(
		1,
		10,
		b"not DER".to_vec(),
		root.falcon.to_vec()
	)]));
	assert!(panics(vec![(
		1,
		10,
		root.der.to_vec(),
		ca(1).falcon.to_vec()[..100].to_vec()
	)]));
	assert!(panics(vec![
		(1, 10, root.der.to_vec(), root.falcon.to_vec()),
		(1, 10, root.der.to_vec(), root.falcon.to_vec())
	]));
	let leaf = issue(&ca(0), &keys(0), &Leaf::new(&["node1.hypermesh"], 1));
	assert!(panics(vec![(1, 10, leaf.to_vec(), root.falcon.to_vec())]));
}

// migration to storage version 2

/// Writes `record` under authority `id` in version 1's encoding (no `keys_set_at`).
fn put_v1(id: AuthorityId, record: &crate::migrations::v2::AuthorityInfoV1<u64>) {
	crate::migrations::v2::v1_storage::Authorities::<Test>::insert(id, record);
}

#[test]
fn migration_to_v2_sets_keys_set_at_and_keeps_every_field() {
	use crate::migrations::v2::{AuthorityInfoV1, MigrateToV2};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		// A version-1 chain with a root and its intermediate, upgraded in block 42.
		StorageVersion::new(1).put::<TrustChain>();
		let root = AuthorityInfoV1 {
			kind: AuthorityKind::Root,
			operator: 10u64,
			classical_public_key: ed25519(3),
			falcon_public_key: falcon(4),
			children: 1,
		};
		let intermediate = AuthorityInfoV1 {
			kind: AuthorityKind::Intermediate { parent: 1 },
			operator: 20u64,
			classical_public_key: ed25519(5),
			falcon_public_key: falcon(6),
			children: 0,
		};
		put_v1(1, &root);
		put_v1(2, &intermediate);
		// Version 1's records do not decode as version 2's: the migration is needed.
		assert_eq!(Authorities::<Test>::get(1), None);
		System::set_block_number(42);

		#[cfg(feature = "try-runtime")]
		let state = <crate::migrations::v2::UncheckedMigrateToV2<Test> as
			frame_support::traits::UncheckedOnRuntimeUpgrade>::pre_upgrade()
		.expect("pre-upgrade checks pass on version-1 records");
		MigrateToV2::<Test>::on_runtime_upgrade();
		#[cfg(feature = "try-runtime")]
		<crate::migrations::v2::UncheckedMigrateToV2<Test> as
			frame_support::traits::UncheckedOnRuntimeUpgrade>::post_upgrade(state)
		.expect("post-upgrade checks pass");

		assert_eq!(
			TrustChain::on_chain_storage_version(),
			StorageVersion::new(2)
		);
		for (id, old) in [(1, &root), (2, &intermediate)] {
			let new = Authorities::<Test>::get(id).expect("decodes as version 2");
			assert_eq!(new.kind, old.kind);
			assert_eq!(new.operator, old.operator);
			assert_eq!(new.classical_public_key, old.classical_public_key);
			assert_eq!(new.falcon_public_key, old.falcon_public_key);
			assert_eq!(new.children, old.children);
			assert_eq!(new.keys_set_at, 42);
		}

		// Once at version 2, running it again changes nothing.
		System::set_block_number(50);
		MigrateToV2::<Test>::on_runtime_upgrade();
		assert_eq!(Authorities::<Test>::get(1).unwrap().keys_set_at, 42);
	});
}

#[test]
fn migration_to_v2_does_not_run_from_another_version() {
	use crate::migrations::v2::MigrateToV2;
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};
	new_test_ext().execute_with(|| {
		// A version-0 chain must take the version-1 migration first.
		StorageVersion::new(0).put::<TrustChain>();
		put_v1(
			1,
			&crate::migrations::v2::AuthorityInfoV1 {
				kind: AuthorityKind::Root,
				operator: 10u64,
				classical_public_key: ed25519(3),
				falcon_public_key: falcon(4),
				children: 0,
			},
		);
		MigrateToV2::<Test>::on_runtime_upgrade();
		assert_eq!(
			TrustChain::on_chain_storage_version(),
			StorageVersion::new(0)
		);
		assert_eq!(
			Authorities::<Test>::get(1),
			None,
			"left in version 1's encoding"
		);
	});
}
