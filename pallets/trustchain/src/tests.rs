//! Unit tests on the mock runtime: every call, every error, and that a failed call
//! changes nothing (`assert_noop!` compares the whole storage root).

use crate::{mock::*, *};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
};
use hypermesh_primitives::ct;
use sp_runtime::{traits::BadOrigin, DispatchError, DispatchResult, TokenError};

// ---------------------------------------------------------------------------------------
// helpers

fn name(s: &str) -> NameOf<Test> {
	s.as_bytes()
		.to_vec()
		.try_into()
		.expect("test name within bound")
}

fn der(bytes: &[u8]) -> CertificateDerOf<Test> {
	bytes.to_vec().try_into().expect("test DER within bound")
}

fn falcon(fill: u8) -> FalconPublicKey {
	let mut key = vec![fill; FALCON_1024_PUBLIC_KEY_LEN as usize];
	key[0] = FALCON_1024_PUBLIC_KEY_HEADER;
	key.try_into().expect("1793 bytes")
}

fn p256(bytes: Vec<u8>) -> ClassicalPublicKey {
	ClassicalPublicKey::EcdsaP256(bytes.try_into().expect("at most 65 bytes"))
}

fn ed25519(fill: u8) -> ClassicalPublicKey {
	ClassicalPublicKey::Ed25519([fill; 32])
}

fn add_root(id: AuthorityId, operator: u64) -> DispatchResult {
	TrustChain::add_authority(
		RuntimeOrigin::root(),
		id,
		AuthorityKind::Root,
		operator,
		der(b"root CA certificate"),
		ed25519(1),
		falcon(1),
	)
}

fn add_intermediate(id: AuthorityId, parent: AuthorityId, operator: u64) -> DispatchResult {
	TrustChain::add_authority(
		RuntimeOrigin::root(),
		id,
		AuthorityKind::Intermediate { parent },
		operator,
		der(b"intermediate CA certificate"),
		p256([&[0x02][..], &[9; 32]].concat()),
		falcon(2),
	)
}

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::NameDeposit.into(), &who)
}

fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}

fn register(who: u64, n: &str) -> DispatchResult {
	TrustChain::register_name(RuntimeOrigin::signed(who), name(n))
}

fn aaaa(s: &str) -> DnsRecordOf<Test> {
	DnsRecord::Aaaa(
		s.parse::<std::net::Ipv6Addr>()
			.expect("test address")
			.octets(),
	)
}

fn srv(target: &str) -> DnsRecordOf<Test> {
	DnsRecord::Srv {
		priority: 10,
		weight: 5,
		port: 443,
		target: target
			.as_bytes()
			.to_vec()
			.try_into()
			.expect("target within bound"),
	}
}

fn txt(s: &[u8]) -> DnsRecordOf<Test> {
	DnsRecord::Txt(s.to_vec().try_into().expect("txt within bound"))
}

fn records(list: Vec<DnsRecordOf<Test>>) -> RecordsOf<Test> {
	list.try_into().expect("records within bound")
}

fn set_records(who: u64, n: &str, list: Vec<DnsRecordOf<Test>>) -> DispatchResult {
	TrustChain::set_records(RuntimeOrigin::signed(who), name(n), records(list))
}

fn record(operator: u64, authority: AuthorityId, bytes: &[u8]) -> DispatchResult {
	TrustChain::record_certificate(RuntimeOrigin::signed(operator), authority, der(bytes))
}

fn run_to(n: u64) {
	System::run_to_block::<AllPalletsWithSystem>(n);
}

fn has_event(event: Event<Test>) -> bool {
	let event: RuntimeEvent = event.into();
	System::events().iter().any(|r| r.event == event)
}

/// The leaf hash computed independently of `hypermesh_primitives` (with `sp_io`'s SHA-256).
fn reference_leaf_hash(entry: &[u8]) -> [u8; 32] {
	sp_io::hashing::sha2_256(&[&[0u8][..], entry].concat())
}

// ---------------------------------------------------------------------------------------
// authorities

#[test]
fn add_root_authority_works() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let info = Authorities::<Test>::get(1).expect("added");
		assert_eq!(info.kind, AuthorityKind::Root);
		assert_eq!(info.operator, 10);
		assert_eq!(info.classical_public_key, ed25519(1));
		assert_eq!(info.falcon_public_key, falcon(1));
		assert_eq!(info.children, 0);
		assert_eq!(
			AuthorityCertificates::<Test>::get(1),
			Some(der(b"root CA certificate"))
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
		// The good P-256 encodings are accepted.
		assert_ok!(add(
			RuntimeOrigin::root(),
			2,
			root,
			b"ca",
			p256([&[0x03][..], &[1; 32]].concat()),
			falcon(1)
		));
		assert_ok!(add(
			RuntimeOrigin::root(),
			3,
			root,
			b"ca",
			p256([&[0x04][..], &[1; 64]].concat()),
			falcon(1)
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
		assert_ok!(record(20, 2, b"leaf certificate"));
		assert_ok!(TrustChain::remove_authority(RuntimeOrigin::root(), 2));
		System::assert_last_event(Event::AuthorityRemoved { id: 2 }.into());
		assert!(Authorities::<Test>::get(2).is_none());
		assert!(AuthorityCertificates::<Test>::get(2).is_none());
		assert_eq!(Authorities::<Test>::get(1).unwrap().children, 0);
		// What it logged stays logged; it can log no more.
		assert_eq!(Certificates::<Test>::get(0).unwrap().authority, 2);
		assert_noop!(record(20, 2, b"another"), Error::<Test>::UnknownAuthority);
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
		let new_classical = p256([&[0x04][..], &[5; 64]].concat());
		assert_ok!(TrustChain::rotate_authority_keys(
			RuntimeOrigin::root(),
			1,
			der(b"re-keyed root"),
			new_classical.clone(),
			falcon(5),
		));
		System::assert_last_event(Event::AuthorityKeysRotated { id: 1 }.into());
		let info = Authorities::<Test>::get(1).unwrap();
		assert_eq!(info.classical_public_key, new_classical);
		assert_eq!(info.falcon_public_key, falcon(5));
		assert_eq!(info.operator, 10);
		assert_eq!(
			AuthorityCertificates::<Test>::get(1),
			Some(der(b"re-keyed root"))
		);
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
		assert_noop!(record(10, 1, b"cert"), Error::<Test>::NotAuthorityOperator);
		assert_ok!(record(11, 1, b"cert"));
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

// ---------------------------------------------------------------------------------------
// names

#[test]
fn register_name_holds_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_eq!(held(1), DEPOSIT);
		assert_eq!(free(1), 100 - DEPOSIT);
		let label: Label = b"node1".to_vec().try_into().unwrap();
		let info = Names::<Test>::get(&label).expect("stored under its label");
		assert_eq!(
			(info.owner, info.expires_at, info.deposit),
			(1, 1 + PERIOD, DEPOSIT)
		);
		assert!(info.records.is_empty());
		System::assert_last_event(
			Event::NameRegistered {
				name: name("node1.hypermesh"),
				owner: 1,
				expires_at: 1 + PERIOD,
				deposit: DEPOSIT,
			}
			.into(),
		);
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh"),
			Some((1, records(vec![]), 1 + PERIOD))
		);
		// A second name holds a second deposit.
		assert_ok!(register(1, &format!("{}.hypermesh", "a".repeat(63))));
		assert_eq!(held(1), 2 * DEPOSIT);
		assert_eq!(free(1), 100 - 2 * DEPOSIT);
	});
}

#[test]
fn register_name_refuses_a_live_name() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_noop!(register(2, "node1.hypermesh"), Error::<Test>::NameTaken);
		assert_noop!(register(1, "node1.hypermesh"), Error::<Test>::NameTaken);
		run_to(PERIOD); // the last block it is live
		assert_noop!(register(2, "node1.hypermesh"), Error::<Test>::NameTaken);
		assert_eq!(held(2), 0);
	});
}

#[test]
fn register_name_refuses_invalid_names() {
	new_test_ext().execute_with(|| {
		let long = format!("{}.hypermesh", "a".repeat(64));
		for (bad, error) in [
			("NODE1.hypermesh", Error::<Test>::InvalidLabel),
			("Node1.hypermesh", Error::<Test>::InvalidLabel),
			("-node.hypermesh", Error::<Test>::InvalidLabel),
			("node-.hypermesh", Error::<Test>::InvalidLabel),
			("no_de.hypermesh", Error::<Test>::InvalidLabel),
			("no de.hypermesh", Error::<Test>::InvalidLabel),
			(".hypermesh", Error::<Test>::InvalidLabel),
			("a..hypermesh", Error::<Test>::InvalidLabel),
			(long.as_str(), Error::<Test>::InvalidLabel),
			("api.node1.hypermesh", Error::<Test>::NotSingleLabel),
			("node1.example", Error::<Test>::NameNotInZone),
			("node1.hypermesh.", Error::<Test>::NameNotInZone),
			("node1hypermesh", Error::<Test>::NameNotInZone),
			("hypermesh", Error::<Test>::NameNotInZone),
			("", Error::<Test>::NameNotInZone),
		] {
			assert_noop!(register(1, bad), error);
			assert_eq!(TrustChain::resolve(bad.as_bytes()), None);
		}
		assert_noop!(
			TrustChain::register_name(RuntimeOrigin::root(), name("node1.hypermesh")),
			BadOrigin
		);
	});
}

#[test]
fn register_name_needs_the_deposit() {
	new_test_ext().execute_with(|| {
		// Account 5 has 5 units; account 99 does not exist.
		assert_noop!(register(5, "node1.hypermesh"), TokenError::FundsUnavailable);
		assert_noop!(
			register(99, "node1.hypermesh"),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn expired_name_can_be_taken_over_and_returns_the_old_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(set_records(1, "node1.hypermesh", vec![aaaa("2001:db8::1")]));
		run_to(1 + PERIOD); // expires_at: no longer live
		assert_eq!(TrustChain::resolve(b"node1.hypermesh"), None);
		assert_ok!(register(2, "node1.hypermesh"));
		assert!(has_event(Event::NameReleased {
			name: name("node1.hypermesh"),
			owner: 1,
			deposit: DEPOSIT
		}));
		System::assert_last_event(
			Event::NameRegistered {
				name: name("node1.hypermesh"),
				owner: 2,
				expires_at: 1 + 2 * PERIOD,
				deposit: DEPOSIT,
			}
			.into(),
		);
		assert_eq!((held(1), free(1)), (0, 100));
		assert_eq!((held(2), free(2)), (DEPOSIT, 100 - DEPOSIT));
		// The new owner starts with no records.
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh"),
			Some((2, records(vec![]), 1 + 2 * PERIOD))
		);
	});
}

#[test]
fn expired_name_taken_over_by_a_poor_account_changes_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		run_to(1 + PERIOD);
		// The old deposit would be released first, but the new hold fails: all rolled back.
		assert_noop!(register(5, "node1.hypermesh"), TokenError::FundsUnavailable);
		assert_eq!(held(1), DEPOSIT);
	});
}

#[test]
fn owner_can_register_own_expired_name_again() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		run_to(1 + PERIOD + 5);
		assert_ok!(register(1, "node1.hypermesh"));
		assert_eq!((held(1), free(1)), (DEPOSIT, 100 - DEPOSIT));
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh").unwrap().2,
			1 + PERIOD + 5 + PERIOD
		);
	});
}

#[test]
fn renew_name_works_and_does_not_stack() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		run_to(50);
		assert_ok!(TrustChain::renew_name(
			RuntimeOrigin::signed(1),
			name("node1.hypermesh")
		));
		System::assert_last_event(
			Event::NameRenewed {
				name: name("node1.hypermesh"),
				expires_at: 50 + PERIOD,
			}
			.into(),
		);
		assert_ok!(TrustChain::renew_name(
			RuntimeOrigin::signed(1),
			name("node1.hypermesh")
		));
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh").unwrap().2,
			50 + PERIOD
		);
		// Expired but not taken over: the owner can still renew.
		run_to(50 + PERIOD + 10);
		assert_eq!(TrustChain::resolve(b"node1.hypermesh"), None);
		assert_ok!(TrustChain::renew_name(
			RuntimeOrigin::signed(1),
			name("node1.hypermesh")
		));
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh").unwrap().2,
			60 + 2 * PERIOD
		);
		assert_eq!(held(1), DEPOSIT);
	});
}

#[test]
fn renew_name_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		let renew = |who, n| TrustChain::renew_name(RuntimeOrigin::signed(who), name(n));
		assert_noop!(renew(2, "node1.hypermesh"), Error::<Test>::NotNameOwner);
		assert_noop!(renew(1, "node2.hypermesh"), Error::<Test>::UnknownName);
		assert_noop!(renew(1, "Node1.hypermesh"), Error::<Test>::InvalidLabel);
		assert_noop!(renew(1, "node1.example"), Error::<Test>::NameNotInZone);
	});
}

#[test]
fn transfer_name_moves_name_records_and_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(set_records(1, "node1.hypermesh", vec![txt(b"hello")]));
		assert_ok!(TrustChain::transfer_name(
			RuntimeOrigin::signed(1),
			name("node1.hypermesh"),
			2
		));
		System::assert_last_event(
			Event::NameTransferred {
				name: name("node1.hypermesh"),
				from: 1,
				to: 2,
			}
			.into(),
		);
		// The deposit went with the name, still on hold.
		assert_eq!((held(1), free(1)), (0, 100 - DEPOSIT));
		assert_eq!((held(2), free(2)), (DEPOSIT, 100));
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh"),
			Some((2, records(vec![txt(b"hello")]), 1 + PERIOD))
		);
		assert_noop!(
			set_records(1, "node1.hypermesh", vec![]),
			Error::<Test>::NotNameOwner
		);
		assert_ok!(set_records(2, "node1.hypermesh", vec![]));
		// Releasing returns the deposit to the new owner.
		assert_ok!(TrustChain::release_name(
			RuntimeOrigin::signed(2),
			name("node1.hypermesh")
		));
		assert_eq!((held(2), free(2)), (0, 100 + DEPOSIT));
	});
}

#[test]
fn transfer_name_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		let transfer =
			|who, n, to| TrustChain::transfer_name(RuntimeOrigin::signed(who), name(n), to);
		assert_noop!(
			transfer(3, "node1.hypermesh", 2),
			Error::<Test>::NotNameOwner
		);
		assert_noop!(
			transfer(1, "node2.hypermesh", 2),
			Error::<Test>::UnknownName
		);
		assert_noop!(
			transfer(1, "node1.hypermesh", 1),
			Error::<Test>::TransferToSelf
		);
		assert_noop!(
			transfer(1, "a.b.hypermesh", 2),
			Error::<Test>::NotSingleLabel
		);
		// The new owner's account must exist to hold the deposit.
		assert_noop!(
			transfer(1, "node1.hypermesh", 99),
			TokenError::CannotCreateHold
		);
		run_to(1 + PERIOD);
		assert_noop!(
			transfer(1, "node1.hypermesh", 2),
			Error::<Test>::NameExpired
		);
	});
}

#[test]
fn release_name_by_owner_returns_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_noop!(
			TrustChain::release_name(RuntimeOrigin::signed(2), name("node1.hypermesh")),
			Error::<Test>::NotNameOwner
		);
		assert_ok!(TrustChain::release_name(
			RuntimeOrigin::signed(1),
			name("node1.hypermesh")
		));
		System::assert_last_event(
			Event::NameReleased {
				name: name("node1.hypermesh"),
				owner: 1,
				deposit: DEPOSIT,
			}
			.into(),
		);
		assert_eq!((held(1), free(1)), (0, 100));
		assert_eq!(Names::<Test>::iter().count(), 0);
		assert_eq!(TrustChain::resolve(b"node1.hypermesh"), None);
		assert_noop!(
			TrustChain::release_name(RuntimeOrigin::signed(1), name("node1.hypermesh")),
			Error::<Test>::UnknownName
		);
		// Free for anyone again.
		assert_ok!(register(2, "node1.hypermesh"));
	});
}

#[test]
fn anyone_can_release_an_expired_name_and_the_owner_gets_the_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		run_to(1 + PERIOD);
		assert_ok!(TrustChain::release_name(
			RuntimeOrigin::signed(3),
			name("node1.hypermesh")
		));
		assert_eq!((held(1), free(1)), (0, 100));
		assert_eq!(free(3), 100);
		assert_eq!(Names::<Test>::iter().count(), 0);
	});
}

#[test]
fn set_records_works_and_resolves() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		let list = vec![
			aaaa("2001:db8::1"),
			aaaa("fd00::42"),
			srv("node1.hypermesh"),
			srv("."),
			txt(b"v=hypermesh1"),
			txt(b""),
		];
		assert_ok!(set_records(1, "node1.hypermesh", list.clone()));
		System::assert_last_event(
			Event::RecordsSet {
				name: name("node1.hypermesh"),
				count: 6,
			}
			.into(),
		);
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh"),
			Some((1, records(list), 1 + PERIOD))
		);
		// The maximum number of records.
		assert_ok!(set_records(
			1,
			"node1.hypermesh",
			vec![aaaa("2001:db8::2"); 8]
		));
		// An empty list clears them.
		assert_ok!(set_records(1, "node1.hypermesh", vec![]));
		System::assert_last_event(
			Event::RecordsSet {
				name: name("node1.hypermesh"),
				count: 0,
			}
			.into(),
		);
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh"),
			Some((1, records(vec![]), 1 + PERIOD))
		);
	});
}

#[test]
fn set_records_refuses_ipv4_in_aaaa() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(set_records(1, "node1.hypermesh", vec![aaaa("2001:db8::1")]));
		for (bad, error) in [
			("::ffff:192.0.2.1", Error::<Test>::Ipv4AddressInAaaa), // IPv4-mapped
			("::ffff:127.0.0.1", Error::<Test>::Ipv4AddressInAaaa),
			("::192.0.2.1", Error::<Test>::Ipv4AddressInAaaa), // IPv4-compatible
			("::ffff:0:192.0.2.1", Error::<Test>::Ipv4AddressInAaaa), // IPv4-translated
			("64:ff9b::192.0.2.1", Error::<Test>::Ipv4AddressInAaaa), // NAT64
			("::", Error::<Test>::UnspecifiedAddress),
			("::1", Error::<Test>::LoopbackAddress),
		] {
			let error = DispatchError::from(error);
			assert_noop!(set_records(1, "node1.hypermesh", vec![aaaa(bad)]), error);
			// A bad record among good ones refuses the whole list.
			assert_noop!(
				set_records(
					1,
					"node1.hypermesh",
					vec![aaaa("2001:db8::9"), txt(b"x"), aaaa(bad)]
				),
				error
			);
		}
		assert_eq!(
			TrustChain::resolve(b"node1.hypermesh").unwrap().1,
			records(vec![aaaa("2001:db8::1")])
		);
	});
}

#[test]
fn set_records_refuses_bad_srv_targets() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		for bad in [
			"",
			"..",
			"Node1.hypermesh",
			"node1.hypermesh.",
			"a..b",
			"-a.b",
			"_sip._tcp.example",
		] {
			assert_noop!(
				set_records(1, "node1.hypermesh", vec![srv(bad)]),
				Error::<Test>::InvalidSrvTarget
			);
		}
	});
}

#[test]
fn set_records_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_noop!(
			set_records(2, "node1.hypermesh", vec![]),
			Error::<Test>::NotNameOwner
		);
		assert_noop!(
			set_records(1, "node2.hypermesh", vec![]),
			Error::<Test>::UnknownName
		);
		assert_noop!(
			set_records(1, "node1.hypermesh.", vec![]),
			Error::<Test>::NameNotInZone
		);
		run_to(1 + PERIOD);
		assert_noop!(
			set_records(1, "node1.hypermesh", vec![]),
			Error::<Test>::NameExpired
		);
	});
}

// ---------------------------------------------------------------------------------------
// certificate transparency log

#[test]
fn record_certificate_matches_the_reference_root() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_eq!(TrustChain::tree_head(), ct::TreeHead::empty());
		let mut leaves = Vec::new();
		for i in 0..17u64 {
			// Distinct certificates of varied sizes, up to the maximum.
			let len = if i == 16 {
				MAX_DER as usize
			} else {
				1 + (i as usize) * 97
			};
			let mut cert = vec![i as u8; len];
			cert[0] = 0x30; // DER SEQUENCE, as a real certificate starts
			assert_ok!(record(10, 1, &cert));
			let leaf = reference_leaf_hash(&cert);
			leaves.push(leaf);
			let root = ct::root(&leaves);
			System::assert_last_event(
				Event::CertificateLogged {
					authority: 1,
					index: i,
					leaf_hash: leaf,
					tree_size: i + 1,
					root,
				}
				.into(),
			);
			let stored = Certificates::<Test>::get(i).expect("stored by index");
			assert_eq!(
				(stored.authority, stored.der.to_vec(), stored.recorded_at),
				(1, cert, 1)
			);
			assert_eq!(CertificateIndex::<Test>::get(leaf), Some(i));
			assert_eq!(TrustChain::tree_head(), ct::TreeHead { size: i + 1, root });
		}
		// Every certificate's inclusion proof against the on-chain root verifies.
		let head = TrustChain::tree_head();
		for (i, leaf) in leaves.iter().enumerate() {
			let proof = ct::inclusion_proof(&leaves, i as u64).unwrap();
			assert_eq!(
				ct::verify_inclusion(leaf, i as u64, head.size, &proof, &head.root),
				Ok(())
			);
		}
	});
}

#[test]
fn record_certificate_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(add_intermediate(2, 1, 20));
		assert_ok!(record(10, 1, b"cert"));
		assert_noop!(record(11, 1, b"other"), Error::<Test>::NotAuthorityOperator);
		// An intermediate's operator cannot record for its parent (nor the reverse).
		assert_noop!(record(20, 1, b"other"), Error::<Test>::NotAuthorityOperator);
		assert_noop!(record(10, 2, b"other"), Error::<Test>::NotAuthorityOperator);
		assert_noop!(record(10, 3, b"other"), Error::<Test>::UnknownAuthority);
		assert_noop!(record(10, 1, b""), Error::<Test>::EmptyCertificate);
		assert_noop!(
			record(10, 1, b"cert"),
			Error::<Test>::CertificateAlreadyLogged
		);
		assert_noop!(
			TrustChain::record_certificate(RuntimeOrigin::root(), 1, der(b"other")),
			BadOrigin
		);
		assert_ok!(record(20, 2, b"other"));
		assert_eq!(TrustChain::tree_head().size, 2);
	});
}

#[test]
fn record_certificate_refuses_when_the_log_is_full() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let mut bytes = u64::MAX.encode();
		bytes.extend(vec![[7u8; 32]; 64].encode());
		CtLog::<Test>::put(ct::CompactMerkleLog::decode(&mut &bytes[..]).unwrap());
		assert_noop!(record(10, 1, b"cert"), Error::<Test>::CtLogFull);
	});
}

#[test]
fn tree_heads_are_committed_per_block_when_the_log_changed() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(record(10, 1, b"a"));
		assert_ok!(record(10, 1, b"b"));
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
		assert_ok!(record(10, 1, b"c"));
		run_to(4);
		let head3 = TreeHeads::<Test>::get(3).expect("committed");
		assert_eq!(head3.size, 3);
		assert_eq!(
			head3.root,
			ct::root(&[b"a", b"b", b"c"].map(|e| ct::leaf_hash(e)))
		);
		// The later head extends the earlier one: a consistency proof verifies.
		let leaves = [b"a", b"b", b"c"].map(|e| ct::leaf_hash(e));
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
			assert_ok!(record(10, 1, &block.to_le_bytes()));
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
fn integrity_test_passes() {
	new_test_ext().execute_with(|| <TrustChain as Hooks<u64>>::integrity_test());
}
