//! A certificate does not outlive its name: each name lists its live certificates
//! ([`NameCertificates`]), which a transfer revokes as `Superseded` and a release or an
//! expired name's take-over as `CessationOfOperation`; issuance re-checks that the
//! requester still holds every name and refuses a name whose list is full; the weights of
//! these calls count the revocations; and the migration to storage version 3 fills the
//! lists from the certificates already issued.

use super::*;
use crate::migrations::v3::MigrateToV3;
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

fn revoked(reason: RevocationReason, at: u64) -> CertificateStatus<u64> {
	CertificateStatus::Revoked { reason, at }
}

fn listed(n: &str) -> Vec<CertificateId> {
	let label = TrustChain::label_of(n.as_bytes()).expect("a name in the zone");
	NameCertificates::<Test>::get(label).into_inner()
}

#[test]
fn transfer_revokes_the_names_certificates_as_superseded() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(1, "api.hypermesh"));
		let (a, _) = certify(1, &["node1.hypermesh"], 1);
		let (b, _) = certify(1, &["node1.hypermesh", "api.hypermesh"], 2);
		let (c, _) = certify(1, &["api.hypermesh"], 3);
		assert_eq!(listed("node1.hypermesh"), vec![a, b]);
		assert_eq!(listed("api.hypermesh"), vec![b, c]);
		run_to(3);

		assert_ok!(TrustChain::transfer_name(
			RuntimeOrigin::signed(1),
			name("node1.hypermesh"),
			2
		));
		// Both certificates naming node1 are revoked, through the path (and with the
		// event) of an explicit revocation; the one for api only stays valid.
		for id in [a, b] {
			assert_eq!(
				TrustChain::certificate_status(id),
				revoked(RevocationReason::Superseded, 3)
			);
			assert!(has_event(Event::CertificateRevoked {
				id,
				reason: RevocationReason::Superseded
			}));
		}
		assert_eq!(TrustChain::certificate_status(c), CertificateStatus::Valid);
		assert!(listed("node1.hypermesh").is_empty());
		// The log keeps them; the holder's list still shows them, revoked.
		assert_eq!(TrustChain::tree_head().size, 3);
		assert_eq!(TrustChain::certificates_of(&1, 10).len(), 3);

		// The new owner gets its own certificate; api's list drops the dead id when it
		// next grows.
		let (d, _) = certify(2, &["node1.hypermesh"], 4);
		assert_eq!(listed("node1.hypermesh"), vec![d]);
		let (e, _) = certify(1, &["api.hypermesh"], 5);
		assert_eq!(listed("api.hypermesh"), vec![c, e]);
	});
}

#[test]
fn release_and_expired_take_over_revoke_as_cessation_of_operation() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(1, "api.hypermesh"));
		assert_ok!(register(1, "www.hypermesh"));
		let (a, _) = certify(1, &["node1.hypermesh"], 1);
		let (b, _) = certify(1, &["api.hypermesh"], 2);
		let (c, _) = certify(1, &["www.hypermesh"], 3);

		// The owner releases a live name.
		run_to(2);
		assert_ok!(TrustChain::release_name(
			RuntimeOrigin::signed(1),
			name("www.hypermesh")
		));
		assert_eq!(
			TrustChain::certificate_status(c),
			revoked(RevocationReason::CessationOfOperation, 2)
		);
		assert!(listed("www.hypermesh").is_empty());

		// The names expire (the certificates, on the wall clock, have not).
		run_to(1 + PERIOD);
		assert_eq!(TrustChain::certificate_status(a), CertificateStatus::Valid);
		// A take-over that fails (account 5 cannot pay the deposit) changes nothing.
		assert_noop!(register(5, "node1.hypermesh"), TokenError::FundsUnavailable);
		assert_ok!(register(2, "node1.hypermesh"));
		assert_eq!(
			TrustChain::certificate_status(a),
			revoked(RevocationReason::CessationOfOperation, 1 + PERIOD)
		);
		assert!(has_event(Event::CertificateRevoked {
			id: a,
			reason: RevocationReason::CessationOfOperation
		}));
		assert!(listed("node1.hypermesh").is_empty());
		// Anyone releases an expired name.
		assert_ok!(TrustChain::release_name(
			RuntimeOrigin::signed(3),
			name("api.hypermesh")
		));
		assert_eq!(
			TrustChain::certificate_status(b),
			revoked(RevocationReason::CessationOfOperation, 1 + PERIOD)
		);
	});
}

#[test]
fn issuance_is_refused_once_the_requester_lost_a_name() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(1, "api.hypermesh"));
		let both = &["node1.hypermesh", "api.hypermesh"][..];
		let cert = |serial| issue(&ca(0), &keys(0), &Leaf::new(both, serial));

		// Transferred after the request.
		assert_ok!(request(1, both, 0, None));
		assert_ok!(TrustChain::transfer_name(
			RuntimeOrigin::signed(1),
			name("api.hypermesh"),
			2
		));
		assert_noop!(issue_der(10, 0, 1, cert(1)), Error::<Test>::NotNameOwner);
		assert_ok!(TrustChain::transfer_name(
			RuntimeOrigin::signed(2),
			name("api.hypermesh"),
			1
		));

		// Released after the request.
		assert_ok!(request(1, both, 0, None));
		assert_ok!(TrustChain::release_name(
			RuntimeOrigin::signed(1),
			name("api.hypermesh")
		));
		assert_noop!(issue_der(10, 1, 1, cert(2)), Error::<Test>::UnknownName);
		assert_ok!(register(1, "api.hypermesh"));

		// Expired after the request (both were registered in block 1).
		run_to(PERIOD - 5);
		assert_ok!(request(1, both, 0, None));
		run_to(1 + PERIOD);
		assert_noop!(issue_der(10, 2, 1, cert(3)), Error::<Test>::NameExpired);

		// Renewed, the request is fulfilled.
		for n in both {
			assert_ok!(TrustChain::renew_name(RuntimeOrigin::signed(1), name(n)));
		}
		assert_ok!(issue_der(10, 2, 1, cert(3)));
	});
}

#[test]
fn a_full_list_refuses_issuance_until_a_certificate_dies() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(register(1, "node1.hypermesh"));
		assert_ok!(register(1, "api.hypermesh"));
		let node1 = &["node1.hypermesh"][..];
		let ids: Vec<_> = (1..=u64::from(MAX_CERTIFICATES_PER_NAME))
			.map(|serial| certify(1, node1, serial).0)
			.collect();
		assert_eq!(listed("node1.hypermesh"), ids);

		// One more for node1 (alone or with another name) is refused.
		let next = NextRequestId::<Test>::get();
		assert_ok!(request(1, &["api.hypermesh", "node1.hypermesh"], 0, None));
		let cert = |list: &[&str], serial| issue(&ca(0), &keys(0), &Leaf::new(list, serial));
		assert_noop!(
			issue_der(10, next, 1, cert(&["api.hypermesh", "node1.hypermesh"], 10)),
			Error::<Test>::TooManyCertificatesForName
		);

		// A renewal replaces a listed certificate: it fits.
		let renewal = NextRequestId::<Test>::get();
		assert_ok!(request(1, node1, 0, Some(ids[0])));
		assert_ok!(issue_der(10, renewal, 1, cert(node1, 11)));
		let renewed = TrustChain::tree_head().size - 1;
		assert_eq!(
			listed("node1.hypermesh"),
			vec![ids[1], ids[2], ids[3], renewed]
		);
		assert_noop!(
			issue_der(10, next, 1, cert(&["api.hypermesh", "node1.hypermesh"], 10)),
			Error::<Test>::TooManyCertificatesForName
		);

		// An explicit revocation frees a place (the dead id is dropped on the way).
		assert_ok!(TrustChain::revoke_certificate(
			RuntimeOrigin::signed(1),
			ids[1],
			RevocationReason::KeyCompromise
		));
		assert_ok!(issue_der(
			10,
			next,
			1,
			cert(&["api.hypermesh", "node1.hypermesh"], 10)
		));
		let both = TrustChain::tree_head().size - 1;
		assert_eq!(
			listed("node1.hypermesh"),
			vec![ids[2], ids[3], renewed, both]
		);

		// So does expiry: a day later all of them are expired.
		let now = <MockTime as frame_support::traits::UnixTime>::now().as_secs();
		set_now(now + VALIDITY);
		let (fresh, _) = certify(1, node1, 12);
		assert_eq!(listed("node1.hypermesh"), vec![fresh]);
		set_now(now);
	});
}

#[test]
fn name_calls_weigh_the_revocations_they_may_do() {
	use frame_support::dispatch::GetDispatchInfo;
	let revocations = <() as WeightInfo>::revoke_certificate()
		.saturating_mul(u64::from(MAX_CERTIFICATES_PER_NAME));
	let weight = |call: crate::Call<Test>| call.get_dispatch_info().call_weight;
	let n = || name("node1.hypermesh");
	assert!(weight(crate::Call::transfer_name {
		name: n(),
		new_owner: 2
	})
	.all_gte(<() as WeightInfo>::transfer_name().saturating_add(revocations)));
	assert!(weight(crate::Call::release_name { name: n() })
		.all_gte(<() as WeightInfo>::release_name().saturating_add(revocations)));
	assert!(weight(crate::Call::register_name { name: n() })
		.all_gte(<() as WeightInfo>::register_name().saturating_add(revocations)));
	// Issuance reads every name and its list, and the listed certificates.
	let names = u64::from(<<Test as Config>::MaxNamesPerCertificate as Get<u32>>::get());
	let reads = names * (2 + u64::from(MAX_CERTIFICATES_PER_NAME));
	assert_eq!(
		weight(crate::Call::issue_certificate {
			request: 0,
			authority: 1,
			der: der(b"x")
		}),
		<() as WeightInfo>::issue_certificate().saturating_add(
			frame_support::weights::constants::RocksDbWeight::get().reads_writes(reads, names)
		)
	);
}

// Migration to storage version 3.

/// Runs the migration as the runtime would, with its try-runtime checks when built with
/// `--features try-runtime`.
fn migrate_to_v3() {
	#[cfg(feature = "try-runtime")]
	let state = if TrustChain::on_chain_storage_version() == StorageVersion::new(2) {
		Some(
			<crate::migrations::v3::UncheckedMigrateToV3<Test> as frame_support::traits::UncheckedOnRuntimeUpgrade>::pre_upgrade()
				.expect("pre-upgrade checks pass on version 2"),
		)
	} else {
		None
	};
	MigrateToV3::<Test>::on_runtime_upgrade();
	#[cfg(feature = "try-runtime")]
	if let Some(state) = state {
		<crate::migrations::v3::UncheckedMigrateToV3<Test> as frame_support::traits::UncheckedOnRuntimeUpgrade>::post_upgrade(state)
			.expect("post-upgrade checks pass");
	}
}

/// Turns the mock's state into a version-2 chain's: no certificate lists.
fn as_version_2() {
	let _ = NameCertificates::<Test>::clear(u32::MAX, None);
	StorageVersion::new(2).put::<TrustChain>();
}

#[test]
fn migration_to_v3_lists_live_certificates_and_revokes_orphans() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		for n in ["node1.hypermesh", "api.hypermesh", "www.hypermesh"] {
			assert_ok!(register(1, n));
		}
		assert_ok!(register(2, "two.hypermesh"));
		let (a, _) = certify(1, &["node1.hypermesh"], 1);
		let (b, _) = certify(1, &["node1.hypermesh", "api.hypermesh"], 2);
		let (c, _) = certify(1, &["www.hypermesh"], 3);
		let (d, _) = certify(2, &["two.hypermesh"], 4);
		let (e, _) = certify(1, &["node1.hypermesh"], 5);
		assert_ok!(TrustChain::revoke_certificate(
			RuntimeOrigin::signed(1),
			e,
			RevocationReason::KeyCompromise
		));
		// node1 ends up with five live certificates (a version-2 chain had no bound).
		let (f, _) = certify(1, &["node1.hypermesh"], 6);
		let _ = NameCertificates::<Test>::clear(u32::MAX, None);
		let (g, _) = certify(1, &["node1.hypermesh"], 7);
		let (h, _) = certify(1, &["node1.hypermesh"], 8);
		let (i, _) = certify(1, &["node1.hypermesh"], 9);
		// What version 2 let happen: api changed hands and www was released without
		// revoking their certificates (written directly: the calls now revoke).
		Names::<Test>::mutate(TrustChain::label_of(b"api.hypermesh").unwrap(), |info| {
			info.as_mut().unwrap().owner = 3
		});
		Names::<Test>::remove(TrustChain::label_of(b"www.hypermesh").unwrap());
		as_version_2();
		System::set_block_number(42);

		migrate_to_v3();

		assert_eq!(
			TrustChain::on_chain_storage_version(),
			StorageVersion::new(3)
		);
		// b names api, now another account's; c names www, now unregistered.
		assert_eq!(
			TrustChain::certificate_status(b),
			revoked(RevocationReason::Superseded, 42)
		);
		assert_eq!(
			TrustChain::certificate_status(c),
			revoked(RevocationReason::CessationOfOperation, 42)
		);
		// node1's five live certificates (a, f, g, h, i): the oldest is superseded, four
		// are listed.
		assert_eq!(
			TrustChain::certificate_status(a),
			revoked(RevocationReason::Superseded, 42)
		);
		assert_eq!(listed("node1.hypermesh"), vec![f, g, h, i]);
		assert_eq!(listed("two.hypermesh"), vec![d]);
		assert!(listed("api.hypermesh").is_empty());
		assert!(listed("www.hypermesh").is_empty());
		for id in [d, f, g, h, i] {
			assert_eq!(TrustChain::certificate_status(id), CertificateStatus::Valid);
		}
		// The explicit revocation stands.
		assert_eq!(
			TrustChain::certificate_status(e),
			revoked(RevocationReason::KeyCompromise, 1)
		);

		// The lists work: a transfer revokes what was listed.
		assert_ok!(TrustChain::transfer_name(
			RuntimeOrigin::signed(2),
			name("two.hypermesh"),
			4
		));
		assert_eq!(
			TrustChain::certificate_status(d),
			revoked(RevocationReason::Superseded, 42)
		);

		// Once at version 3, running it again changes nothing.
		let _ = NameCertificates::<Test>::clear(u32::MAX, None);
		MigrateToV3::<Test>::on_runtime_upgrade();
		assert!(listed("node1.hypermesh").is_empty());
		assert_eq!(TrustChain::certificate_status(f), CertificateStatus::Valid);
	});
}

#[test]
fn migration_to_v3_does_not_run_from_another_version() {
	new_test_ext().execute_with(|| {
		assert_ok!(add_root(1, 10));
		assert_ok!(register(1, "node1.hypermesh"));
		let (a, _) = certify(1, &["node1.hypermesh"], 1);
		Names::<Test>::remove(TrustChain::label_of(b"node1.hypermesh").unwrap());
		as_version_2();
		// A version-1 chain must take the version-2 migration first.
		StorageVersion::new(1).put::<TrustChain>();
		migrate_to_v3();
		assert_eq!(
			TrustChain::on_chain_storage_version(),
			StorageVersion::new(1)
		);
		assert!(listed("node1.hypermesh").is_empty());
		assert_eq!(TrustChain::certificate_status(a), CertificateStatus::Valid);
	});
}
