//! Parameters and genesis: `set_parameters` from the parameter origin only and never above
//! 100%, the session timing adapters, and genesis refusing invalid values.

use super::*;
use frame_support::traits::Get;
use sp_runtime::BuildStorage;

#[test]
fn genesis_sets_the_defaults_and_endows_the_pot_and_treasury() {
	new_test_ext().execute_with(|| {
		assert_eq!(Parameters::<Test>::get(), EconomicParameters::default());
		assert_eq!(
			Parameters::<Test>::get().treasury(),
			Perbill::from_percent(10)
		);
		assert_eq!(SessionLengthOf::<Test>::get(), 600);
		assert_eq!(SessionsPerEraOf::<Test>::get(), 6);
		assert_eq!(OffenceSlashOf::<Test>::get(), Perbill::from_percent(10));
		assert_eq!(free(pot()), ED);
		assert_eq!(free(TREASURY), ED);
		assert_eq!(CurrentPeriod::<Test>::get(), 0);
		assert_eq!(
			StorageVersion::get::<Caesar>(),
			Caesar::in_code_storage_version()
		);
	});
}

#[test]
fn timing_adapters_read_genesis_and_fall_back_to_defaults() {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.unwrap();
	crate::GenesisConfig::<Test> {
		session_length: 10,
		sessions_per_era: 2,
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(SessionLengthOf::<Test>::get(), 10);
		assert_eq!(SessionsPerEraOf::<Test>::get(), 2);
		SessionLength::<Test>::kill();
		SessionsPerEra::<Test>::kill();
		assert_eq!(SessionLengthOf::<Test>::get(), 600);
		assert_eq!(SessionsPerEraOf::<Test>::get(), 6);
	});
}

frame_support::parameter_types! {
	/// A bonding duration of 28 eras leaves at most 27 of slash deferral.
	pub const MaxDefer: u32 = 27;
}

#[test]
fn slash_deferral_reads_genesis_is_capped_and_defaults_on_old_chains() {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.unwrap();
	crate::GenesisConfig::<Test> {
		slash_defer_eras: 1,
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	sp_io::TestExternalities::new(storage).execute_with(|| {
		assert_eq!(SlashDeferEras::<Test>::get(), Some(1));
		assert_eq!(SlashDeferErasOf::<Test, MaxDefer>::get(), 1);
		// A chain started before the value existed stored none: the production default.
		SlashDeferEras::<Test>::kill();
		assert_eq!(
			SlashDeferErasOf::<Test, MaxDefer>::get(),
			DEFAULT_SLASH_DEFER_ERAS
		);
		// Never as long as the bonding duration, whatever genesis said.
		SlashDeferEras::<Test>::put(40);
		assert_eq!(SlashDeferErasOf::<Test, MaxDefer>::get(), 27);
		// No deferral at all is a valid choice (slashes land at once).
		SlashDeferEras::<Test>::put(0);
		assert_eq!(SlashDeferErasOf::<Test, MaxDefer>::get(), 0);
	});
	// The default genesis defers 27 eras.
	new_test_ext().execute_with(|| {
		assert_eq!(
			SlashDeferEras::<Test>::get(),
			Some(DEFAULT_SLASH_DEFER_ERAS)
		);
	});
}

#[test]
#[should_panic(expected = "session length is zero")]
fn genesis_refuses_a_zero_session_length() {
	let _ = crate::GenesisConfig::<Test> {
		session_length: 0,
		..Default::default()
	}
	.build_storage();
}

#[test]
#[should_panic(expected = "sessions per era are zero")]
fn genesis_refuses_zero_sessions_per_era() {
	let _ = crate::GenesisConfig::<Test> {
		sessions_per_era: 0,
		..Default::default()
	}
	.build_storage();
}

#[test]
#[should_panic(expected = "exceed 100%")]
fn genesis_refuses_shares_above_100_percent() {
	let _ = crate::GenesisConfig::<Test> {
		parameters: EconomicParameters {
			validators: Perbill::from_percent(61),
			..Default::default()
		},
		..Default::default()
	}
	.build_storage();
}

#[test]
fn set_parameters_needs_the_parameter_origin_and_valid_shares() {
	new_test_ext().execute_with(|| {
		let parameters = EconomicParameters {
			yearly_inflation: Perbill::from_percent(8),
			validators: Perbill::from_percent(60),
			providers: Perbill::from_percent(40),
			offence_slash: Perbill::from_percent(25),
		};
		assert_noop!(
			Caesar::set_parameters(RuntimeOrigin::signed(1), parameters),
			BadOrigin
		);
		assert_noop!(
			Caesar::set_parameters(
				RuntimeOrigin::root(),
				EconomicParameters {
					providers: Perbill::from_parts(400_000_001),
					..parameters
				}
			),
			Error::<Test>::InvalidParameters
		);
		assert_eq!(Parameters::<Test>::get(), EconomicParameters::default());
		assert_ok!(Caesar::set_parameters(RuntimeOrigin::root(), parameters));
		System::assert_last_event(Event::ParametersSet { parameters }.into());
		assert_eq!(Parameters::<Test>::get(), parameters);
		assert_eq!(parameters.treasury(), Perbill::zero());
		assert_eq!(OffenceSlashOf::<Test>::get(), Perbill::from_percent(25));
	});
}
