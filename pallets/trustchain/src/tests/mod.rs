//! Unit tests on the mock runtime: every call, every error, and that a failed call
//! changes nothing (`assert_noop!` compares the whole storage root). One file per domain,
//! as in the pallet: authorities (and genesis roots), names, certificates (requests,
//! issuance, revocation), the certificates that follow their names (revoked with them,
//! and the migration that listed them) and the Certificate Transparency log (tree heads,
//! the hook's weight, the migration). This file holds the helpers they share.

mod authorities;
mod certificates;
mod ct_log;
mod name_certificates;
mod names;

use crate::{fixtures::*, mock::*, *};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	traits::{fungible::InspectHold, Hooks},
};
use hypermesh_primitives::ct;
use sp_runtime::{traits::BadOrigin, BuildStorage, DispatchError, DispatchResult, TokenError};

fn name(s: &str) -> NameOf<Test> {
	s.as_bytes()
		.to_vec()
		.try_into()
		.expect("test name within bound")
}

fn der(bytes: &[u8]) -> CertificateDerOf<Test> {
	bytes.to_vec().try_into().expect("test DER within bound")
}

fn p256(bytes: Vec<u8>) -> ClassicalPublicKey {
	ClassicalPublicKey::EcdsaP256(bytes.try_into().expect("at most 65 bytes"))
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

fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}

fn register(who: u64, n: &str) -> DispatchResult {
	TrustChain::register_name(RuntimeOrigin::signed(who), name(n))
}

fn txt(s: &[u8]) -> DnsRecordOf<Test> {
	DnsRecord::Txt(s.to_vec().try_into().expect("txt within bound"))
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

/// `who`, who owns the names in `list`, requests a certificate for them with key set 0,
/// and authority 1 (test CA 0, operator 10) issues it with `serial`. Returns the
/// certificate's id and DER.
fn certify(who: u64, list: &[&str], serial: u64) -> (CertificateId, CertificateDerOf<Test>) {
	let request_id = NextRequestId::<Test>::get();
	assert_ok!(request(who, list, 0, None));
	let cert = issue(&ca(0), &keys(0), &Leaf::new(list, serial));
	let id = TrustChain::tree_head().size;
	assert_ok!(issue_der(10, request_id, 1, cert.clone()));
	(id, cert)
}

/// Holder 1 owns `node<serial>.hypermesh` (registered if needed; so `issue_new(1)` is for
/// `node1.hypermesh`), and gets a certificate for it with `serial` (see [`certify`]). A
/// name per serial keeps each name below its live-certificate bound.
fn issue_new(serial: u64) -> (CertificateId, CertificateDerOf<Test>) {
	let full = format!("node{serial}.hypermesh");
	if TrustChain::resolve(full.as_bytes()).is_none() {
		assert_ok!(register(1, &full));
	}
	certify(1, &[full.as_str()], serial)
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

/// The mock's configuration passes the pallet's `integrity_test` (all domains).
#[test]
fn integrity_test_passes() {
	new_test_ext().execute_with(|| <TrustChain as Hooks<u64>>::integrity_test());
}
