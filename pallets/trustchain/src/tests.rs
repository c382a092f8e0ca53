//! Unit tests on the mock runtime: every call, every error, and that a failed call
//! changes nothing (`assert_noop!` compares the whole storage root).

use crate::{fixtures::*, mock::*, *};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
};
use hypermesh_primitives::ct;
use sp_runtime::{traits::BadOrigin, BuildStorage, DispatchError, DispatchResult, TokenError};

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

fn add_ca(id: AuthorityId, kind: AuthorityKind, operator: u64, test_ca: &TestCa) -> DispatchResult {
	TrustChain::add_authority(
		RuntimeOrigin::root(),
		id,
		kind,
		operator,
		test_ca.der.clone(),
		test_ca.classical.clone(),
		test_ca.falcon.clone(),
	)
}

/// Adds authority `id` as a root with test CA 0.
fn add_root(id: AuthorityId, operator: u64) -> DispatchResult {
	add_ca(id, AuthorityKind::Root, operator, &ca(0))
}

/// Adds authority `id` as an intermediate under `parent` with test CA 1.
fn add_intermediate(id: AuthorityId, parent: AuthorityId, operator: u64) -> DispatchResult {
	add_ca(id, AuthorityKind::Intermediate { parent }, operator, &ca(1))
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

fn names(list: &[&str]) -> CertificateNamesOf<Test> {
	list.iter()
		.map(|n| name(n))
		.collect::<Vec<_>>()
		.try_into()
		.expect("names within bound")
}

/// `who` requests a certificate for `list` with key set `k` (proofs made for `who`).
fn request(who: u64, list: &[&str], k: usize, renews: Option<CertificateId>) -> DispatchResult {
	let keys = keys(k);
	let (classical_proof, falcon_proof) = keys.proofs(who);
	TrustChain::request_certificate(
		RuntimeOrigin::signed(who),
		names(list),
		keys.classical_public(),
		keys.falcon_public.clone(),
		classical_proof,
		falcon_proof,
		renews,
	)
}

fn issue_der(
	operator: u64,
	request: RequestId,
	authority: AuthorityId,
	d: CertificateDerOf<Test>,
) -> DispatchResult {
	TrustChain::issue_certificate(RuntimeOrigin::signed(operator), request, authority, d)
}

/// Holder 1 owns `node1.hypermesh` (registered if needed), requests a certificate for it
/// with key set 0, and authority 1 (test CA 0, operator 10) issues it with `serial`.
/// Returns the certificate's id and DER.
fn issue_new(serial: u64) -> (CertificateId, CertificateDerOf<Test>) {
	if TrustChain::resolve(b"node1.hypermesh").is_none() {
		assert_ok!(register(1, "node1.hypermesh"));
	}
	let request_id = NextRequestId::<Test>::get();
	assert_ok!(request(1, &["node1.hypermesh"], 0, None));
	let cert = issue(&ca(0), &keys(0), &Leaf::new(&["node1.hypermesh"], serial));
	let id = TrustChain::tree_head().size;
	assert_ok!(issue_der(10, request_id, 1, cert.clone()));
	(id, cert)
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
		assert_eq!(info.classical_public_key, ca(0).classical);
		assert_eq!(info.falcon_public_key, ca(0).falcon);
		assert_eq!(info.children, 0);
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
// certificate requests

#[test]
fn request_certificate_holds_the_deposit_and_stores_the_request() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(1, "api.hypermesh"));
		// Ed25519 key set 1 this time.
		assert_ok!(request(1, &["node1.hypermesh", "api.hypermesh"], 1, None));
		let stored = Requests::<Test>::get(0).expect("stored");
		assert_eq!(stored.requester, 1);
		assert_eq!(stored.names, names(&["node1.hypermesh", "api.hypermesh"]));
		assert_eq!(stored.classical_public_key, keys(1).classical_public());
		assert_eq!(stored.falcon_public_key, keys(1).falcon_public);
		assert_eq!(stored.deposit, REQUEST_DEPOSIT);
		assert_eq!(stored.expires_at, 1 + REQUEST_LIFETIME);
		assert_eq!(stored.renews, None);
		assert_eq!(NextRequestId::<Test>::get(), 1);
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &1),
			REQUEST_DEPOSIT
		);
		System::assert_last_event(
			Event::CertificateRequested {
				id: 0,
				requester: 1,
				expires_at: 1 + REQUEST_LIFETIME,
			}
			.into(),
		);
	});
}

#[test]
fn request_certificate_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(2, "other.hypermesh"));
		let k = keys(0);
		let (classical_proof, falcon_proof) = k.proofs(1);
		let call = |who: u64,
		            list: &[&str],
		            classical: ClassicalPublicKey,
		            falcon_key: FalconPublicKey,
		            cp: ClassicalSignature,
		            fp: FalconSignature,
		            renews: Option<CertificateId>| {
			TrustChain::request_certificate(
				RuntimeOrigin::signed(who),
				names(list),
				classical,
				falcon_key,
				cp,
				fp,
				renews,
			)
		};
		let node1 = &["node1.hypermesh"][..];
		let good = |who, list| {
			call(
				who,
				list,
				k.classical_public(),
				k.falcon_public.clone(),
				classical_proof.clone(),
				falcon_proof.clone(),
				None,
			)
		};
		assert_noop!(good(1, &[]), Error::<Test>::NoNames);
		assert_noop!(
			good(1, &["node1.hypermesh", "node1.hypermesh"]),
			Error::<Test>::DuplicateName
		);
		// Names the caller does not own, that do not exist, or are not in the zone.
		assert_noop!(good(1, &["other.hypermesh"]), Error::<Test>::NotNameOwner);
		assert_noop!(
			good(1, &["node1.hypermesh", "nobody.hypermesh"]),
			Error::<Test>::UnknownName
		);
		assert_noop!(good(1, &["node1.example"]), Error::<Test>::NameNotInZone);
		// A proof made for account 1 does not work for account 2 (who owns its name).
		assert_noop!(
			good(2, &["other.hypermesh"]),
			Error::<Test>::BadClassicalProof
		);
		// Each proof must be by its own key over the right message.
		let other = keys(2);
		let (other_classical, other_falcon) = other.proofs(1);
		assert_noop!(
			call(
				1,
				node1,
				k.classical_public(),
				k.falcon_public.clone(),
				other_classical,
				falcon_proof.clone(),
				None
			),
			Error::<Test>::BadClassicalProof
		);
		assert_noop!(
			call(
				1,
				node1,
				k.classical_public(),
				k.falcon_public.clone(),
				classical_proof.clone(),
				other_falcon,
				None
			),
			Error::<Test>::BadFalconProof
		);
		// A FALCON proof of the wrong length (the unpadded encoding is refused).
		let short: FalconSignature = falcon_proof[..1000].to_vec().try_into().unwrap();
		assert_noop!(
			call(
				1,
				node1,
				k.classical_public(),
				k.falcon_public.clone(),
				classical_proof.clone(),
				short,
				None
			),
			Error::<Test>::BadFalconProof
		);
		// Garbage classical proofs of every length decode but do not verify.
		for len in [0usize, 1, 64, 72] {
			assert_noop!(
				call(
					1,
					node1,
					k.classical_public(),
					k.falcon_public.clone(),
					vec![0x30; len].try_into().unwrap(),
					falcon_proof.clone(),
					None
				),
				Error::<Test>::BadClassicalProof
			);
		}
		// Malformed keys.
		assert_noop!(
			call(
				1,
				node1,
				p256(vec![0x02; 10]),
				k.falcon_public.clone(),
				classical_proof.clone(),
				falcon_proof.clone(),
				None
			),
			Error::<Test>::BadClassicalKey
		);
		let mut bad_falcon = k.falcon_public.clone();
		bad_falcon[0] = 0x09;
		assert_noop!(
			call(
				1,
				node1,
				k.classical_public(),
				bad_falcon,
				classical_proof.clone(),
				falcon_proof.clone(),
				None
			),
			Error::<Test>::BadFalconKeyHeader
		);
		// A well-formed P-256 encoding that is not a point on the curve.
		assert_noop!(
			call(
				1,
				node1,
				p256([&[0x04][..], &[1; 64]].concat()),
				k.falcon_public.clone(),
				classical_proof.clone(),
				falcon_proof.clone(),
				None
			),
			Error::<Test>::BadClassicalProof
		);
		// Renewing a certificate that does not exist.
		assert_noop!(
			call(
				1,
				node1,
				k.classical_public(),
				k.falcon_public.clone(),
				classical_proof.clone(),
				falcon_proof.clone(),
				Some(7)
			),
			Error::<Test>::CannotRenew
		);
		// An expired name.
		run_to(1 + PERIOD);
		assert_noop!(good(1, node1), Error::<Test>::NameExpired);
	});
}

#[test]
fn request_certificate_needs_the_deposit() {
	new_test_ext().execute_with(|| {
		// Account 3 spends down to less than a request deposit after its name deposit.
		assert_ok!(register(3, "poor.hypermesh"));
		assert_ok!(Balances::transfer_allow_death(
			RuntimeOrigin::signed(3),
			4,
			88
		));
		assert_noop!(
			request(3, &["poor.hypermesh"], 0, None),
			TokenError::FundsUnavailable
		);
	});
}

#[test]
fn cancel_request_returns_the_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		assert_noop!(
			TrustChain::cancel_request(RuntimeOrigin::signed(2), 0),
			Error::<Test>::NotRequester
		);
		assert_noop!(
			TrustChain::cancel_request(RuntimeOrigin::signed(1), 9),
			Error::<Test>::UnknownRequest
		);
		assert_ok!(TrustChain::cancel_request(RuntimeOrigin::signed(1), 0));
		System::assert_last_event(Event::CertificateRequestCancelled { id: 0 }.into());
		assert!(Requests::<Test>::get(0).is_none());
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &1),
			REQUEST_DEPOSIT
		);
		// Once expired, anyone can clear it; the deposit goes back to the requester.
		run_to(1 + REQUEST_LIFETIME);
		assert_ok!(TrustChain::cancel_request(RuntimeOrigin::signed(2), 1));
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &1),
			0
		);
		assert_eq!(free(1), 100 - DEPOSIT);
	});
}

// ---------------------------------------------------------------------------------------
// issuance

#[test]
fn issue_certificate_logs_it_and_returns_the_deposit() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(1, "api.hypermesh"));
		assert_ok!(request(1, &["node1.hypermesh", "api.hypermesh"], 1, None));
		// The CA may order the names differently.
		let leaf = Leaf::new(&["api.hypermesh", "node1.hypermesh"], 0x1234_5678);
		let cert = issue(&ca(0), &keys(1), &leaf);
		assert_ok!(issue_der(10, 0, 1, cert.clone()));
		let leaf_hash = reference_leaf_hash(&cert);
		System::assert_has_event(
			Event::CertificateLogged {
				authority: 1,
				index: 0,
				leaf_hash,
				tree_size: 1,
				root: leaf_hash,
			}
			.into(),
		);
		System::assert_last_event(
			Event::CertificateIssued {
				id: 0,
				request: 0,
				authority: 1,
				holder: 1,
				not_after: leaf.not_after as u64,
			}
			.into(),
		);
		let issued = Issued::<Test>::get(0).expect("issued");
		assert_eq!(issued.holder, 1);
		assert_eq!(issued.authority, 1);
		assert_eq!(issued.request, 0);
		assert_eq!(issued.serial.to_vec(), vec![0x12, 0x34, 0x56, 0x78]);
		assert_eq!(
			(issued.not_before, issued.not_after),
			(leaf.not_before as u64, leaf.not_after as u64)
		);
		assert_eq!(issued.revocation, Revocation::NotRevoked);
		let serial: Serial = vec![0x12, 0x34, 0x56, 0x78].try_into().unwrap();
		assert_eq!(SerialIndex::<Test>::get(1, serial), Some(0));
		assert_eq!(Certificates::<Test>::get(0).unwrap().der, cert);
		assert_eq!(LeafHashes::<Test>::get(0), Some(leaf_hash));
		assert_eq!(CertificateIndex::<Test>::get(leaf_hash), Some(0));
		assert!(Requests::<Test>::get(0).is_none());
		assert_eq!(
			Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &1),
			0
		);
		assert_eq!(TrustChain::certificate_status(0), CertificateStatus::Valid);
		assert_eq!(
			TrustChain::certificate_status(1),
			CertificateStatus::Unknown
		);
		assert_eq!(HolderCertificates::<Test>::get(1, 0), Some(()));
		assert_eq!(
			TrustChain::certificates_of(&1, 10)
				.into_iter()
				.map(|(id, _)| id)
				.collect::<Vec<_>>(),
			vec![0]
		);
		assert!(TrustChain::certificates_of(&2, 10).is_empty());
	});
}

#[test]
fn issued_certificates_match_the_reference_root() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_eq!(TrustChain::tree_head(), ct::TreeHead::empty());
		let mut leaves = Vec::new();
		for serial in 1..=6u64 {
			let (id, cert) = issue_new(serial);
			assert_eq!(id, serial - 1);
			leaves.push(reference_leaf_hash(&cert));
			assert_eq!(
				TrustChain::tree_head(),
				ct::TreeHead {
					size: serial,
					root: ct::root(&leaves)
				}
			);
		}
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
fn issue_certificate_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(add_intermediate(2, 1, 20));
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(1, "api.hypermesh"));
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		let node1 = &["node1.hypermesh"][..];
		let good = issue(&ca(0), &keys(0), &Leaf::new(node1, 1));

		// Who may issue, for which request.
		assert_noop!(
			issue_der(11, 0, 1, good.clone()),
			Error::<Test>::NotAuthorityOperator
		);
		assert_noop!(
			issue_der(20, 0, 1, good.clone()),
			Error::<Test>::NotAuthorityOperator
		);
		assert_noop!(
			issue_der(10, 0, 9, good.clone()),
			Error::<Test>::UnknownAuthority
		);
		assert_noop!(
			issue_der(10, 5, 1, good.clone()),
			Error::<Test>::UnknownRequest
		);
		assert_noop!(
			TrustChain::issue_certificate(RuntimeOrigin::root(), 0, 1, good.clone()),
			BadOrigin
		);

		// Malformed DER: garbage, truncated, trailing bytes.
		assert_noop!(
			issue_der(10, 0, 1, der(b"not a certificate")),
			Error::<Test>::MalformedCertificate
		);
		for cut in [1usize, 100, good.len() / 2, good.len() - 1] {
			assert_noop!(
				issue_der(10, 0, 1, der(&good[..cut])),
				Error::<Test>::MalformedCertificate
			);
		}
		assert_noop!(
			issue_der(10, 0, 1, der(&[&good[..], &[0u8][..]].concat())),
			Error::<Test>::MalformedCertificate
		);
		// Issued by another CA (test CA 1 is authority 2's) for authority 1.
		let by_other = issue(&ca(1), &keys(0), &Leaf::new(node1, 1));
		assert_noop!(issue_der(10, 0, 1, by_other), Error::<Test>::IssuerMismatch);
		// Same issuer name, different classical key: the classical signature fails.
		let impostor = stoq::cert::HybridCa::generate("TrustChain test CA 0").unwrap();
		let impostor = TestCa {
			der: impostor.cert_der().to_vec().try_into().unwrap(),
			classical: ca(0).classical.clone(),
			falcon: ca(0).falcon.clone(),
			ca: impostor,
		};
		let forged = issue(&impostor, &keys(0), &Leaf::new(node1, 1));
		assert_noop!(
			issue_der(10, 0, 1, forged),
			Error::<Test>::BadCertificateSignature
		);
		// The right classical key, the wrong FALCON key.
		let wrong_falcon = TestCa {
			ca: ca(0).ca.with_new_falcon_key().unwrap(),
			der: ca(0).der.clone(),
			classical: ca(0).classical.clone(),
			falcon: ca(0).falcon.clone(),
		};
		let forged = issue(&wrong_falcon, &keys(0), &Leaf::new(node1, 1));
		assert_noop!(issue_der(10, 0, 1, forged), Error::<Test>::BadAltSignature);
		// A byte of the FALCON signature flipped: the extension is inside the TBS, so the
		// classical signature no longer verifies.
		let mut flipped = good.to_vec();
		let at = flipped.len() - 200;
		flipped[at] ^= 1;
		assert_noop!(
			issue_der(10, 0, 1, der(&flipped)),
			Error::<Test>::BadCertificateSignature
		);
		// Not the request's keys.
		let other_keys = issue(&ca(0), &keys(2), &Leaf::new(node1, 1));
		assert_noop!(
			issue_der(10, 0, 1, other_keys),
			Error::<Test>::CertificateKeyMismatch
		);
		// Not the request's names: one more, one other, none.
		for list in [
			&["node1.hypermesh", "api.hypermesh"][..],
			&["api.hypermesh"],
			&[],
		] {
			let cert = issue(&ca(0), &keys(0), &Leaf::new(list, 1));
			assert_noop!(
				issue_der(10, 0, 1, cert),
				Error::<Test>::CertificateNamesMismatch
			);
		}
		// A name repeated still has to match the request exactly.
		let cert = issue(
			&ca(0),
			&keys(0),
			&Leaf::new(&["node1.hypermesh", "node1.hypermesh"], 1),
		);
		assert_noop!(
			issue_der(10, 0, 1, cert),
			Error::<Test>::CertificateNamesMismatch
		);
		// An IP address in subjectAltName.
		let cert = issue(
			&ca(0),
			&keys(0),
			&Leaf::new(&["node1.hypermesh", "2001:db8::1"], 1),
		);
		assert_noop!(issue_der(10, 0, 1, cert), Error::<Test>::CertificateNotLeaf);
		// Validity: too long, already over, starting too far ahead.
		let now = <MockTime as frame_support::traits::UnixTime>::now().as_secs() as i64;
		for (from, to) in [
			(now - 60, now - 60 + VALIDITY as i64 + 1),
			(now - 7200, now - 1),
			(now + SKEW as i64 + 60, now + SKEW as i64 + 3600),
			(now + 3600, now - 3600),
		] {
			let leaf = Leaf {
				names: vec!["node1.hypermesh".into()],
				serial: 1,
				not_before: from,
				not_after: to,
			};
			let cert = issue(&ca(0), &keys(0), &leaf);
			assert_noop!(issue_der(10, 0, 1, cert), Error::<Test>::BadValidity);
		}
		// Exactly the longest validity, starting within the allowed skew, is accepted.
		let leaf = Leaf {
			names: vec!["node1.hypermesh".into()],
			serial: 1,
			not_before: now + SKEW as i64,
			not_after: now + (SKEW + VALIDITY) as i64,
		};
		assert_ok!(issue_der(10, 0, 1, issue(&ca(0), &keys(0), &leaf)));
		// The request is fulfilled: it cannot be fulfilled again.
		assert_noop!(
			issue_der(10, 0, 1, good.clone()),
			Error::<Test>::UnknownRequest
		);
		// A serial number the authority used before is refused.
		assert_ok!(request(1, node1, 0, None));
		assert_noop!(
			issue_der(10, 1, 1, good.clone()),
			Error::<Test>::DuplicateSerial
		);
		// An expired request.
		run_to(2 + REQUEST_LIFETIME);
		let cert = issue(&ca(0), &keys(0), &Leaf::new(node1, 2));
		assert_noop!(issue_der(10, 1, 1, cert), Error::<Test>::RequestExpired);
	});
}

#[test]
fn issue_certificate_refuses_when_the_log_is_full() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(request(1, &["node1.hypermesh"], 0, None));
		let mut bytes = u64::MAX.encode();
		bytes.extend(vec![[7u8; 32]; 64].encode());
		CtLog::<Test>::put(ct::CompactMerkleLog::decode(&mut &bytes[..]).unwrap());
		let cert = issue(&ca(0), &keys(0), &Leaf::new(&["node1.hypermesh"], 1));
		assert_noop!(issue_der(10, 0, 1, cert), Error::<Test>::CtLogFull);
	});
}

// ---------------------------------------------------------------------------------------
// revocation, status and renewal

#[test]
fn holder_operator_and_governance_can_revoke() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let (a, _) = issue_new(1);
		let (b, _) = issue_new(2);
		let (c, _) = issue_new(3);
		run_to(3);
		assert_ok!(TrustChain::revoke_certificate(
			RuntimeOrigin::signed(1),
			a,
			RevocationReason::KeyCompromise
		));
		System::assert_last_event(
			Event::CertificateRevoked {
				id: a,
				reason: RevocationReason::KeyCompromise,
			}
			.into(),
		);
		assert_ok!(TrustChain::revoke_certificate(
			RuntimeOrigin::signed(10),
			b,
			RevocationReason::PrivilegeWithdrawn
		));
		assert_ok!(TrustChain::revoke_certificate(
			RuntimeOrigin::root(),
			c,
			RevocationReason::CaCompromise
		));
		assert_eq!(
			TrustChain::certificate_status(a),
			CertificateStatus::Revoked {
				reason: RevocationReason::KeyCompromise,
				at: 3
			}
		);
		assert_eq!(
			Issued::<Test>::get(b).unwrap().revocation,
			Revocation::Revoked {
				reason: RevocationReason::PrivilegeWithdrawn,
				at: 3
			}
		);
		// Revoked certificates stay in the log.
		assert_eq!(TrustChain::tree_head().size, 3);
		assert!(Certificates::<Test>::get(c).is_some());
	});
}

#[test]
fn revoke_certificate_errors_change_nothing() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let (a, _) = issue_new(1);
		assert_noop!(
			TrustChain::revoke_certificate(
				RuntimeOrigin::signed(2),
				a,
				RevocationReason::Unspecified
			),
			Error::<Test>::NotAllowedToRevoke
		);
		assert_noop!(
			TrustChain::revoke_certificate(
				RuntimeOrigin::signed(1),
				9,
				RevocationReason::Unspecified
			),
			Error::<Test>::UnknownCertificate
		);
		assert_ok!(TrustChain::revoke_certificate(
			RuntimeOrigin::signed(1),
			a,
			RevocationReason::Unspecified
		));
		assert_noop!(
			TrustChain::revoke_certificate(
				RuntimeOrigin::root(),
				a,
				RevocationReason::KeyCompromise
			),
			Error::<Test>::AlreadyRevoked
		);
	});
}

#[test]
fn revocation_reasons_encode_as_their_rfc_5280_codes() {
	use RevocationReason::*;
	for (reason, code) in [
		(Unspecified, 0u8),
		(KeyCompromise, 1),
		(CaCompromise, 2),
		(AffiliationChanged, 3),
		(Superseded, 4),
		(CessationOfOperation, 5),
		(PrivilegeWithdrawn, 9),
		(AaCompromise, 10),
	] {
		assert_eq!(reason.encode(), vec![code]);
		assert_eq!(RevocationReason::decode(&mut &[code][..]), Ok(reason));
	}
	// certificateHold (6), value 7 (unused) and removeFromCRL (8) do not decode.
	for code in [6u8, 7, 8, 11] {
		assert!(RevocationReason::decode(&mut &[code][..]).is_err());
	}
}

#[test]
fn status_follows_the_chain_clock() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let now = <MockTime as frame_support::traits::UnixTime>::now().as_secs();
		let (a, _) = issue_new(1);
		assert_eq!(TrustChain::certificate_status(a), CertificateStatus::Valid);
		set_now(now - 3600);
		assert_eq!(
			TrustChain::certificate_status(a),
			CertificateStatus::NotYetValid
		);
		set_now(now - 60 + VALIDITY);
		assert_eq!(
			TrustChain::certificate_status(a),
			CertificateStatus::Expired
		);
		set_now(now);
	});
}

#[test]
fn renewal_supersedes_the_old_certificate() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		let (old, _) = issue_new(1);
		// Only the holder can renew, and only a certificate that is not revoked.
		assert_noop!(
			request(2, &["node1.hypermesh"], 0, Some(old)),
			Error::<Test>::NotNameOwner
		);
		assert_ok!(register(2, "two.hypermesh"));
		assert_noop!(
			request(2, &["two.hypermesh"], 0, Some(old)),
			Error::<Test>::CannotRenew
		);
		// A new key pair (rotation) for the same name.
		assert_ok!(request(1, &["node1.hypermesh"], 2, Some(old)));
		let cert = issue(&ca(0), &keys(2), &Leaf::new(&["node1.hypermesh"], 2));
		assert_ok!(issue_der(10, 1, 1, cert));
		assert_eq!(
			TrustChain::certificate_status(old),
			CertificateStatus::Revoked {
				reason: RevocationReason::Superseded,
				at: 1
			}
		);
		assert_eq!(
			TrustChain::certificate_status(old + 1),
			CertificateStatus::Valid
		);
		assert_noop!(
			request(1, &["node1.hypermesh"], 0, Some(old)),
			Error::<Test>::CannotRenew
		);
	});
}

// ---------------------------------------------------------------------------------------
// certificate transparency log

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

// ---------------------------------------------------------------------------------------
// migrations

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

#[test]
fn integrity_test_passes() {
	new_test_ext().execute_with(|| <TrustChain as Hooks<u64>>::integrity_test());
}
