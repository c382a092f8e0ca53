//! Benchmarks for every call and for `on_finalize`, each in its worst case: the longest
//! name, the most records with the longest SRV targets, real certificates and proofs whose
//! signatures all verify (fixtures, see the `fixture` module), a
//! Certificate Transparency log whose append and root cost the most hashing, and the
//! paths that touch the most storage (an intermediate authority's parent, an expired
//! name's previous owner). They run as tests on the mock runtime with
//! `cargo test -p pallet-trustchain --features runtime-benchmarks`.

use super::*;
use crate::Pallet as TrustChain;
use alloc::{vec, vec::Vec};
use codec::{Decode, Encode};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, InspectHold, Mutate, MutateHold},
	Hooks,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{Saturating, Zero};

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(event.into());
}

/// An account with enough funds for several name deposits.
fn funded<T: Config>(name: &'static str) -> T::AccountId {
	let who: T::AccountId = account(name, 0, 0);
	let amount = T::NameDeposit::get()
		.saturating_mul(10u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(10u32.into()));
	T::Currency::set_balance(&who, amount);
	who
}

/// The longest name the runtime accepts: one label of up to 63 bytes, a dot, the zone.
fn max_name<T: Config>() -> NameOf<T> {
	let zone = T::Zone::get().as_bytes();
	let room = (T::MaxNameLength::get() as usize)
		.saturating_sub(zone.len().saturating_add(1))
		.clamp(1, dns::MAX_LABEL_LEN);
	let mut name = vec![b'a'; room];
	name.push(b'.');
	name.extend_from_slice(zone);
	name.try_into()
		.expect("integrity_test: MaxNameLength leaves room for a label")
}

/// A valid host name of exactly `len` bytes: 31-byte labels separated by dots.
fn hostname(len: usize) -> Vec<u8> {
	let mut host: Vec<u8> = (0..len)
		.map(|i| if i % 32 == 31 { b'.' } else { b'a' })
		.collect();
	if let Some(last) = host.last_mut() {
		*last = b'a';
	}
	host
}

/// The most records, each an SRV record with the longest target (the costliest to check).
fn max_records<T: Config>() -> RecordsOf<T> {
	let target: SrvTargetOf<T> = hostname(T::MaxSrvTargetLength::get() as usize)
		.try_into()
		.expect("exactly the bound");
	let record = DnsRecord::Srv {
		priority: u16::MAX,
		weight: u16::MAX,
		port: u16::MAX,
		target,
	};
	vec![record; T::MaxRecords::get() as usize]
		.try_into()
		.expect("exactly the bound")
}

use crate::benchmark_fixture as fixture;

fn bounded<B: TryFrom<Vec<u8>>>(bytes: &[u8]) -> Result<B, BenchmarkError> {
	B::try_from(bytes.to_vec()).map_err(|_| BenchmarkError::Stop("fixture exceeds a bound"))
}

fn p256(point: &[u8]) -> Result<ClassicalPublicKey, BenchmarkError> {
	Ok(ClassicalPublicKey::EcdsaP256(bounded(point)?))
}

/// The benchmark requester: the account the fixture's proofs were made for, funded.
fn requester<T: Config>() -> Result<T::AccountId, BenchmarkError> {
	let who = T::AccountId::decode(&mut &fixture::ACCOUNT_BYTES[..])
		.map_err(|_| BenchmarkError::Stop("account id does not decode from 32 bytes"))?;
	let amount = T::NameDeposit::get()
		.saturating_add(T::RequestDeposit::get())
		.saturating_mul(20u32.into())
		.saturating_add(T::Currency::minimum_balance().saturating_mul(10u32.into()));
	T::Currency::set_balance(&who, amount);
	Ok(who)
}

/// Sets the genesis hash the fixture's proofs are bound to.
fn set_genesis_hash<T: Config>() -> Result<(), BenchmarkError> {
	let hash = T::Hash::decode(&mut &fixture::GENESIS_HASH[..])
		.map_err(|_| BenchmarkError::Stop("hash does not decode from 32 bytes"))?;
	frame_system::BlockHash::<T>::insert(BlockNumberFor::<T>::zero(), hash);
	Ok(())
}

/// The fixture's first `n` names, registered to `owner`.
fn register_names<T: Config>(
	owner: &T::AccountId,
	n: u32,
) -> Result<CertificateNamesOf<T>, BenchmarkError> {
	let mut names = Vec::new();
	for i in 0..n as usize {
		// Beyond the fixture's four names (if the runtime allows more), more names.
		let name: NameOf<T> = if i < fixture::NAMES.len() {
			bounded(fixture::NAMES[i].as_bytes())?
		} else {
			let zone = T::Zone::get();
			bounded(alloc::format!("bench{i}.{zone}").as_bytes())?
		};
		TrustChain::<T>::register_name(RawOrigin::Signed(owner.clone()).into(), name.clone())?;
		names.push(name);
	}
	names
		.try_into()
		.map_err(|_| BenchmarkError::Stop("more names than the bound"))
}

/// A log of `u64::MAX - 1` leaves: 63 frontier hashes (the most storage), and after one
/// more append 64, whose root takes 63 hashes (the most hashing).
fn largest_log() -> Result<hypermesh_primitives::ct::CompactMerkleLog, BenchmarkError> {
	let mut bytes = (u64::MAX - 1).encode();
	bytes.extend(vec![[7u8; 32]; 63].encode());
	hypermesh_primitives::ct::CompactMerkleLog::decode(&mut &bytes[..])
		.map_err(|_| BenchmarkError::Stop("cannot build the largest log"))
}

/// Adds root authority 0 (the fixture CA), operated by `operator`.
fn add_root<T: Config>(operator: &T::AccountId) -> Result<T::RuntimeOrigin, BenchmarkError> {
	let origin =
		T::AuthorityOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
	TrustChain::<T>::add_authority(
		origin.clone(),
		0,
		AuthorityKind::Root,
		T::Lookup::unlookup(operator.clone()),
		bounded(fixture::CA_DER)?,
		p256(fixture::CA_P256)?,
		bounded(fixture::CA_FALCON)?,
	)?;
	Ok(origin)
}

/// Stores a pending request 0 from `who` for the fixture's names and keys, with its
/// deposit held (as `request_certificate` leaves it).
fn pending_request<T: Config>(
	who: &T::AccountId,
) -> Result<CertificateRequestOf<T>, BenchmarkError> {
	let mut names = Vec::new();
	for name in fixture::NAMES {
		names.push(bounded::<NameOf<T>>(name.as_bytes())?);
	}
	let deposit = T::RequestDeposit::get();
	T::Currency::hold(&HoldReason::RequestDeposit.into(), who, deposit)?;
	let request = CertificateRequest {
		requester: who.clone(),
		names: names
			.try_into()
			.map_err(|_| BenchmarkError::Stop("more names than the bound"))?,
		classical_public_key: p256(fixture::REQUESTER_P256)?,
		falcon_public_key: bounded(fixture::REQUESTER_FALCON)?,
		deposit,
		expires_at: frame_system::Pallet::<T>::block_number()
			.saturating_add(T::RequestLifetime::get()),
		renews: None,
	};
	Requests::<T>::insert(0, request.clone());
	NextRequestId::<T>::put(1);
	Ok(request)
}

/// Registers the longest name to `owner` with the most records.
fn register_full_name<T: Config>(owner: &T::AccountId) -> Result<NameOf<T>, BenchmarkError> {
	let name = max_name::<T>();
	TrustChain::<T>::register_name(RawOrigin::Signed(owner.clone()).into(), name.clone())?;
	TrustChain::<T>::set_records(
		RawOrigin::Signed(owner.clone()).into(),
		name.clone(),
		max_records::<T>(),
	)?;
	Ok(name)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Adding an intermediate also reads and writes its parent.
	#[benchmark]
	fn add_authority() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let operator: T::AccountId = account("operator", 1, 0);
		let origin = add_root::<T>(&operator)?;
		let kind = AuthorityKind::Intermediate { parent: 0 };

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			1,
			kind,
			T::Lookup::unlookup(operator.clone()),
			bounded(fixture::CA2_DER)?,
			p256(fixture::CA2_P256)?,
			bounded(fixture::CA2_FALCON)?,
		);

		assert_eq!(Authorities::<T>::get(0).map(|a| a.children), Some(1));
		assert_last_event::<T>(Event::AuthorityAdded {
			id: 1,
			kind,
			operator,
		});
		Ok(())
	}

	/// Removing an intermediate also updates its parent.
	#[benchmark]
	fn remove_authority() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let operator: T::AccountId = account("operator", 1, 0);
		let origin = add_root::<T>(&operator)?;
		TrustChain::<T>::add_authority(
			origin.clone(),
			1,
			AuthorityKind::Intermediate { parent: 0 },
			T::Lookup::unlookup(operator),
			bounded(fixture::CA2_DER)?,
			p256(fixture::CA2_P256)?,
			bounded(fixture::CA2_FALCON)?,
		)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, 1);

		assert_eq!(Authorities::<T>::get(0).map(|a| a.children), Some(0));
		assert_last_event::<T>(Event::AuthorityRemoved { id: 1 });
		Ok(())
	}

	#[benchmark]
	fn rotate_authority_keys() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let operator: T::AccountId = account("operator", 1, 0);
		let origin = add_root::<T>(&operator)?;

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			0,
			bounded(fixture::CA2_DER)?,
			p256(fixture::CA2_P256)?,
			bounded(fixture::CA2_FALCON)?,
		);

		assert_eq!(
			Authorities::<T>::get(0).map(|a| a.falcon_public_key.to_vec()),
			Some(fixture::CA2_FALCON.to_vec())
		);
		assert_last_event::<T>(Event::AuthorityKeysRotated { id: 0 });
		Ok(())
	}

	#[benchmark]
	fn set_authority_operator() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let operator: T::AccountId = account("operator", 1, 0);
		let origin = add_root::<T>(&operator)?;
		let new_operator: T::AccountId = account("operator", 2, 0);

		#[extrinsic_call]
		_(
			origin as T::RuntimeOrigin,
			0,
			T::Lookup::unlookup(new_operator.clone()),
		);

		assert_last_event::<T>(Event::AuthorityOperatorChanged {
			id: 0,
			operator: new_operator,
		});
		Ok(())
	}

	/// Taking over an expired name: the previous owner's deposit is released, the
	/// caller's held, and the largest record is replaced.
	#[benchmark]
	fn register_name() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let previous = funded::<T>("previous");
		let caller = funded::<T>("caller");
		let name = register_full_name::<T>(&previous)?;
		let expiry = frame_system::Pallet::<T>::block_number().saturating_add(T::NamePeriod::get());
		frame_system::Pallet::<T>::set_block_number(expiry);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller.clone()), name.clone());

		let reason = HoldReason::NameDeposit.into();
		assert!(T::Currency::balance_on_hold(&reason, &previous).is_zero());
		assert_eq!(
			T::Currency::balance_on_hold(&reason, &caller),
			T::NameDeposit::get()
		);
		assert_last_event::<T>(Event::NameRegistered {
			name,
			owner: caller,
			expires_at: expiry.saturating_add(T::NamePeriod::get()),
			deposit: T::NameDeposit::get(),
		});
		Ok(())
	}

	#[benchmark]
	fn renew_name() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let owner = funded::<T>("owner");
		let name = register_full_name::<T>(&owner)?;
		frame_system::Pallet::<T>::set_block_number(2u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), name.clone());

		let expires_at = BlockNumberFor::<T>::from(2u32).saturating_add(T::NamePeriod::get());
		assert_last_event::<T>(Event::NameRenewed { name, expires_at });
		Ok(())
	}

	/// The deposit moves, on hold, to the new owner.
	#[benchmark]
	fn transfer_name() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let owner = funded::<T>("owner");
		let new_owner = funded::<T>("new_owner");
		let name = register_full_name::<T>(&owner)?;

		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner.clone()),
			name.clone(),
			T::Lookup::unlookup(new_owner.clone()),
		);

		let reason = HoldReason::NameDeposit.into();
		assert_eq!(
			T::Currency::balance_on_hold(&reason, &new_owner),
			T::NameDeposit::get()
		);
		assert_last_event::<T>(Event::NameTransferred {
			name,
			from: owner,
			to: new_owner,
		});
		Ok(())
	}

	/// Releasing someone else's expired name (the deposit goes back to its owner).
	#[benchmark]
	fn release_name() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let owner = funded::<T>("owner");
		let caller = funded::<T>("caller");
		let name = register_full_name::<T>(&owner)?;
		let expiry = frame_system::Pallet::<T>::block_number().saturating_add(T::NamePeriod::get());
		frame_system::Pallet::<T>::set_block_number(expiry);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), name.clone());

		let reason = HoldReason::NameDeposit.into();
		assert!(T::Currency::balance_on_hold(&reason, &owner).is_zero());
		assert_last_event::<T>(Event::NameReleased {
			name,
			owner,
			deposit: T::NameDeposit::get(),
		});
		Ok(())
	}

	/// Replacing the most, longest records with as many, all checked.
	#[benchmark]
	fn set_records() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let owner = funded::<T>("owner");
		let name = register_full_name::<T>(&owner)?;
		let records = max_records::<T>();
		let count = T::MaxRecords::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(owner), name.clone(), records);

		assert_last_event::<T>(Event::RecordsSet { name, count });
		Ok(())
	}

	/// A request for `n` names (each read), with both proofs of possession verified
	/// (ECDSA P-256 and FALCON-1024) and the deposit held.
	#[benchmark]
	fn request_certificate(
		n: Linear<1, { T::MaxNamesPerCertificate::get() }>,
	) -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		set_genesis_hash::<T>()?;
		let who = requester::<T>()?;
		let names = register_names::<T>(&who, n)?;
		let (classical_proof, falcon_proof) = if who.encode().len() == 8 {
			(fixture::POP_P256_8, fixture::POP_FALCON_8)
		} else {
			(fixture::POP_P256_32, fixture::POP_FALCON_32)
		};

		#[extrinsic_call]
		_(
			RawOrigin::Signed(who.clone()),
			names,
			p256(fixture::REQUESTER_P256)?,
			bounded(fixture::REQUESTER_FALCON)?,
			bounded(classical_proof)?,
			bounded(falcon_proof)?,
			None,
		);

		assert!(Requests::<T>::get(0).is_some());
		Ok(())
	}

	/// Anyone clearing an expired request (the deposit goes back to the requester).
	#[benchmark]
	fn cancel_request() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let who = requester::<T>()?;
		let request = pending_request::<T>(&who)?;
		let caller = funded::<T>("caller");
		frame_system::Pallet::<T>::set_block_number(request.expires_at);

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), 0);

		assert!(Requests::<T>::get(0).is_none());
		let reason = HoldReason::RequestDeposit.into();
		assert!(T::Currency::balance_on_hold(&reason, &who).is_zero());
		Ok(())
	}

	/// Issuing the fixture certificate (four names, each still the requester's) for a
	/// pending request into the log whose new root costs the most hashing: two X.509
	/// parses, an ECDSA P-256 and a FALCON-1024 verification. (The names' certificate
	/// lists are empty here; the call's weight adds their worst case, see
	/// `Pallet::issuance_name_checks_weight`.)
	#[benchmark]
	fn issue_certificate() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let operator: T::AccountId = account("operator", 1, 0);
		add_root::<T>(&operator)?;
		let who = requester::<T>()?;
		register_names::<T>(&who, fixture::NAMES.len() as u32)?;
		pending_request::<T>(&who)?;
		CtLog::<T>::put(largest_log()?);
		T::BenchmarkHelper::set_unix_time(fixture::NOT_BEFORE.saturating_add(60));
		let der: CertificateDerOf<T> = bounded(fixture::LEAF_DER)?;

		#[extrinsic_call]
		_(RawOrigin::Signed(operator), 0, 0, der);

		assert!(Issued::<T>::get(u64::MAX - 1).is_some());
		assert_eq!(TrustChain::<T>::tree_head().size, u64::MAX);
		Ok(())
	}

	/// The issuing authority's operator revoking (reads the authority too).
	#[benchmark]
	fn revoke_certificate() -> Result<(), BenchmarkError> {
		frame_system::Pallet::<T>::set_block_number(1u32.into());
		let operator: T::AccountId = account("operator", 1, 0);
		add_root::<T>(&operator)?;
		let holder = requester::<T>()?;
		Issued::<T>::insert(
			0,
			IssuedCertificate {
				holder,
				authority: 0,
				request: 0,
				serial: bounded(&[0xff; MAX_SERIAL_LEN as usize])?,
				not_before: fixture::NOT_BEFORE,
				not_after: fixture::NOT_BEFORE.saturating_add(86_400),
				revocation: Revocation::NotRevoked,
			},
		);

		#[extrinsic_call]
		_(
			RawOrigin::Signed(operator),
			0,
			RevocationReason::KeyCompromise,
		);

		assert_last_event::<T>(Event::CertificateRevoked {
			id: 0,
			reason: RevocationReason::KeyCompromise,
		});
		Ok(())
	}

	/// The log changed (the largest frontier to fold into a root) and a head is pruned.
	#[benchmark]
	fn on_finalize() -> Result<(), BenchmarkError> {
		let history: BlockNumberFor<T> = T::TreeHeadHistory::get().into();
		let n = history.saturating_add(5u32.into());
		let pruned = n.saturating_sub(history);
		frame_system::Pallet::<T>::set_block_number(n);
		TreeHeads::<T>::insert(pruned, hypermesh_primitives::ct::TreeHead::empty());
		CtLog::<T>::put(largest_log()?);
		CtLogChanged::<T>::put(true);

		#[block]
		{
			<TrustChain<T> as Hooks<BlockNumberFor<T>>>::on_finalize(n);
		}

		assert!(TreeHeads::<T>::get(pruned).is_none());
		assert_eq!(TreeHeads::<T>::get(n), Some(TrustChain::<T>::tree_head()));
		assert!(!CtLogChanged::<T>::get());
		Ok(())
	}

	impl_benchmark_test_suite!(TrustChain, crate::mock::new_test_ext(), crate::mock::Test);
}
