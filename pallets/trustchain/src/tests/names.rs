//! The name service: registering, renewing, transferring and releasing names, their
//! deposits, and their records.

use super::*;

fn held(who: u64) -> u64 {
	Balances::balance_on_hold(&HoldReason::NameDeposit.into(), &who)
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

fn records(list: Vec<DnsRecordOf<Test>>) -> RecordsOf<Test> {
	list.try_into().expect("records within bound")
}

fn set_records(who: u64, n: &str, list: Vec<DnsRecordOf<Test>>) -> DispatchResult {
	TrustChain::set_records(RuntimeOrigin::signed(who), name(n), records(list))
}

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
