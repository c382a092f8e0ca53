//! Each privileged call is refused from a signed origin and from every other track's
//! origin, and accepted from its own; the tracks map origins to ids and run fast periods
//! only where genesis chose them. Run on the real runtime, in a preset's genesis state.

use super::{
	origins::Origin,
	tracks::{TracksInfo, FAST, TREASURER_MAX_SPEND},
};
use crate::{
	configs::governance::dynamic_params::{asset_registry, trust_chain},
	configs::governance::RuntimeParameters,
	genesis_config_presets::tests::with_preset,
	OriginCaller, Runtime, RuntimeCall, RuntimeOrigin, DAYS, UNIT,
};
use frame_support::traits::Get;
use pallet_referenda::TracksInfo as _;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{traits::Dispatchable, DispatchError};

/// Every track origin besides root.
const TRACK_ORIGINS: [Origin; 4] = [
	Origin::TrustChainAdmin,
	Origin::EconomicParameters,
	Origin::Treasurer,
	Origin::WhitelistedCaller,
];

fn signed() -> RuntimeOrigin {
	RuntimeOrigin::signed(Sr25519Keyring::Alice.to_account_id())
}

/// Dispatches `call` from `origin`; `Ok` or the error, without its post-dispatch info.
fn dispatch(call: &RuntimeCall, origin: RuntimeOrigin) -> Result<(), DispatchError> {
	call.clone()
		.dispatch(origin)
		.map(|_| ())
		.map_err(|e| e.error)
}

/// `call` is refused as `BadOrigin` from a signed account and from every track origin
/// except `own`, and gets past the origin check from `own` (`check` then judges the
/// result).
fn only_from(
	call: RuntimeCall,
	own: Option<Origin>,
	check: impl FnOnce(Result<(), DispatchError>),
) {
	assert_eq!(
		dispatch(&call, signed()),
		Err(DispatchError::BadOrigin),
		"{call:?} signed"
	);
	for origin in TRACK_ORIGINS
		.into_iter()
		.filter(|o| Some(o) != own.as_ref())
	{
		assert_eq!(
			dispatch(&call, origin.clone().into()),
			Err(DispatchError::BadOrigin),
			"{call:?} from {origin:?}"
		);
	}
	let result = match own {
		Some(origin) => dispatch(&call, origin.into()),
		None => dispatch(&call, RuntimeOrigin::root()),
	};
	assert_ne!(
		result,
		Err(DispatchError::BadOrigin),
		"{call:?} from its own origin"
	);
	check(result);
}

#[test]
fn certificate_authorities_are_the_trustchain_admin_tracks() {
	with_preset("development_governed", || {
		let call = RuntimeCall::TrustChain(pallet_trustchain::Call::remove_authority { id: 7 });
		only_from(call.clone(), Some(Origin::TrustChainAdmin), |result| {
			// Past the origin check, the call fails on its own terms: no authority 7.
			assert!(result.is_err());
		});
		// Root (the root track) may do it too.
		assert_ne!(
			dispatch(&call, RuntimeOrigin::root()),
			Err(DispatchError::BadOrigin)
		);
	});
}

#[test]
fn caesar_rates_are_the_economic_tracks() {
	with_preset("development_governed", || {
		let mut parameters = pallet_caesar::Parameters::<Runtime>::get();
		parameters.validators = sp_runtime::Perbill::from_percent(60);
		parameters.providers = sp_runtime::Perbill::from_percent(30);
		let call = RuntimeCall::Caesar(pallet_caesar::Call::set_parameters {
			parameters: parameters.clone(),
		});
		only_from(call, Some(Origin::EconomicParameters), |result| {
			assert_eq!(result, Ok(()));
		});
		assert_eq!(pallet_caesar::Parameters::<Runtime>::get(), parameters);
	});
}

#[test]
fn each_parameter_belongs_to_its_track_and_is_clamped() {
	with_preset("development_governed", || {
		type Validity = <Runtime as pallet_trustchain::Config>::CertificateValidity;
		type Difficulty = <Runtime as pallet_hypermesh_assets::Config>::WorkDifficulty;
		assert_eq!(Validity::get(), 24 * 60 * 60);
		assert_eq!(Difficulty::get(), 12);

		let set = |value: RuntimeParameters| {
			RuntimeCall::Parameters(pallet_parameters::Call::set_parameter { key_value: value })
		};
		let validity = |secs| {
			set(RuntimeParameters::TrustChain(
				trust_chain::Parameters::CertificateValidity(
					trust_chain::CertificateValidity,
					Some(secs),
				),
			))
		};
		only_from(validity(3600), Some(Origin::TrustChainAdmin), |result| {
			assert_eq!(result, Ok(()));
		});
		assert_eq!(Validity::get(), 3600);
		// Below the floor: read back as five minutes.
		assert_eq!(
			dispatch(&validity(1), Origin::TrustChainAdmin.into()),
			Ok(())
		);
		assert_eq!(Validity::get(), 5 * 60);

		let difficulty = |bits| {
			set(RuntimeParameters::AssetRegistry(
				asset_registry::Parameters::WorkDifficulty(
					asset_registry::WorkDifficulty,
					Some(bits),
				),
			))
		};
		only_from(difficulty(16), Some(Origin::EconomicParameters), |result| {
			assert_eq!(result, Ok(()));
		});
		assert_eq!(Difficulty::get(), 16);
		// Above the ceiling: read back as 24 bits.
		assert_eq!(
			dispatch(&difficulty(200), Origin::EconomicParameters.into()),
			Ok(())
		);
		assert_eq!(Difficulty::get(), 24);
	});
}

#[test]
fn treasury_spends_are_the_treasurers_up_to_its_ceiling() {
	with_preset("development_governed", || {
		let bob = Sr25519Keyring::Bob.to_account_id();
		let spend = |amount| {
			RuntimeCall::Treasury(pallet_treasury::Call::spend {
				asset_kind: Box::new(()),
				amount,
				beneficiary: Box::new(bob.clone()),
				valid_from: None,
			})
		};
		only_from(spend(1_000 * UNIT), Some(Origin::Treasurer), |result| {
			assert_eq!(result, Ok(()));
		});
		assert_eq!(
			dispatch(&spend(TREASURER_MAX_SPEND + 1), Origin::Treasurer.into()),
			Err(pallet_treasury::Error::<Runtime>::InsufficientPermission.into())
		);
		// Root spends past the treasurer's ceiling.
		assert_eq!(
			dispatch(&spend(TREASURER_MAX_SPEND + 1), RuntimeOrigin::root()),
			Ok(())
		);
	});
}

#[test]
fn runtime_upgrades_are_roots_alone() {
	with_preset("development_governed", || {
		let call = RuntimeCall::System(frame_system::Call::authorize_upgrade {
			code_hash: sp_core::H256::repeat_byte(7),
		});
		only_from(call, None, |result| assert_eq!(result, Ok(())));
	});
}

#[test]
fn whitelisted_calls_are_dispatched_by_the_whitelisted_caller_track() {
	with_preset("development_governed", || {
		let inner = RuntimeCall::System(frame_system::Call::remark { remark: vec![1] });
		let call = RuntimeCall::Whitelist(
			pallet_whitelist::Call::dispatch_whitelisted_call_with_preimage {
				call: Box::new(inner),
			},
		);
		for origin in [
			Origin::TrustChainAdmin,
			Origin::EconomicParameters,
			Origin::Treasurer,
		] {
			assert_eq!(
				dispatch(&call, origin.into()),
				Err(DispatchError::BadOrigin)
			);
		}
		// A signed account may only relay a dispatch the track already deferred.
		assert_eq!(
			dispatch(&call, signed()),
			Err(pallet_whitelist::Error::<Runtime>::DeferredDispatchNotFound.into())
		);
		// The track's origin: the committee has not whitelisted it yet, so it is deferred
		// until it does ...
		assert_eq!(dispatch(&call, Origin::WhitelistedCaller.into()), Ok(()));
		// ... and then a signed account may relay it, once the committee whitelists it.
		assert_eq!(
			dispatch(&call, signed()),
			Err(pallet_whitelist::Error::<Runtime>::CallIsNotWhitelisted.into())
		);
	});
}

#[test]
fn each_origin_has_its_own_track_and_signed_none() {
	with_preset("staging", || {
		assert_eq!(TracksInfo::check_integrity(), Ok(()));
		let root = OriginCaller::system(frame_system::RawOrigin::Root);
		assert_eq!(TracksInfo::track_for(&root), Ok(0));
		let ids: Vec<u16> = TRACK_ORIGINS
			.into_iter()
			.map(|o| TracksInfo::track_for(&OriginCaller::Origins(o)).unwrap())
			.collect();
		assert_eq!(ids, vec![2, 3, 4, 1]);
		let signed = OriginCaller::system(frame_system::RawOrigin::Signed(
			Sr25519Keyring::Alice.to_account_id(),
		));
		assert_eq!(TracksInfo::track_for(&signed), Err(()));
		assert_eq!(
			TracksInfo::track_for(&OriginCaller::system(frame_system::RawOrigin::None)),
			Err(())
		);
	});
}

#[test]
fn staging_decides_in_days_and_test_chains_in_minutes() {
	with_preset("staging", || {
		let root = TracksInfo::info(0).unwrap();
		assert_eq!(root.decision_period, 14 * DAYS);
		assert_eq!(root.confirm_period, DAYS);
		assert_eq!(
			<Runtime as pallet_conviction_voting::Config>::VoteLockingPeriod::get(),
			7 * DAYS
		);
	});
	with_preset("local_testnet_governed", || {
		for id in TracksInfo::track_ids() {
			let info = TracksInfo::info(id).unwrap();
			assert_eq!(info.prepare_period, FAST.prepare);
			assert_eq!(info.decision_period, FAST.decision);
			assert_eq!(info.confirm_period, FAST.confirm);
			assert_eq!(info.min_enactment_period, FAST.enactment);
		}
		assert_eq!(TracksInfo::check_integrity(), Ok(()));
	});
}
