//! Certificates: requests (domain validation, proofs of possession, deposits), issuance
//! (every on-chain check of an issued certificate), revocation, status and renewal.

use super::*;

// Requests.

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

// Issuance.

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
		let impostor = hypermesh_pki::HybridCa::generate("TrustChain test CA 0").unwrap();
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

// Revocation, status and renewal.

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
