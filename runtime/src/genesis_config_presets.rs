//! Genesis presets: the initial state of the chains HyperMesh ships.
//!
//! - `development`: one validator (Alice), sudo key Alice, dev accounts endowed;
//!   one-minute sessions, two-minute eras.
//! - `local_testnet`: three validators (Alice, Bob, Charlie), sudo key Alice; one-minute
//!   sessions, two-minute eras, so tests see validators join and leave in minutes.
//! - `development_governed`, `local_testnet_governed`: the same chains **without a sudo
//!   key**: every privileged call goes through a referendum, on fast tracks.
//! - `staging`: three validators (Dave, Eve, Ferdie), **no sudo key**, one-hour
//!   sessions and six-hour eras, production referendum tracks: the shape of a public
//!   network, for rehearsals. Its keys derive from the public development phrase, so a
//!   production spec must replace them.
//!
//! The test chains (all but `staging`) run fast referendum tracks (decided in minutes;
//! see [`crate::governance::tracks::FAST`]). The genesis validators form the technical
//! committee (on `development`, Alice and Bob).
//!
//! Every genesis validator bonds [`VALIDATOR_BOND`] of its endowment as a staking
//! validator (its account is its own stash and controller), and its session keys are
//! the same development keys (`//Alice` sr25519 for Aura, ed25519 for GRANDPA) the node's
//! `--alice` flags put in its keystore.
//!
//! `hypermesh-node build-spec --chain <dev|local|staging>` turns these into
//! chain specs; they are also served by the `GenesisBuilder` runtime API.

use crate::{
	AccountId, BalancesConfig, CaesarConfig, OriginsConfig, RuntimeGenesisConfig, SessionConfig,
	SessionKeys, StakingConfig, SudoConfig, TechnicalCommitteeConfig, UNIT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Name of the staging preset.
pub const STAGING_RUNTIME_PRESET: &str = "staging";
/// Name of the development preset without sudo.
pub const DEV_GOVERNED_RUNTIME_PRESET: &str = "development_governed";
/// Name of the local-testnet preset without sudo.
pub const LOCAL_GOVERNED_RUNTIME_PRESET: &str = "local_testnet_governed";

/// Balance given to each endowed account: one million CAES.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// What each genesis validator bonds: a tenth of its endowment.
pub const VALIDATOR_BOND: crate::Balance = ENDOWMENT / 10;

/// The least a validator candidate must bond.
pub const MIN_VALIDATOR_BOND: crate::Balance = 10_000 * UNIT;

/// How long sessions and eras last on a chain.
struct Periods {
	/// Blocks per session.
	session_length: crate::BlockNumber,
	/// Sessions per era.
	sessions_per_era: u32,
	/// Eras a validator slash waits before it is applied.
	slash_defer_eras: u32,
	/// Referendum tracks, vote locks and treasury periods in minutes, not days.
	fast_tracks: bool,
}

/// Test chains: one-minute sessions, two-minute eras (the shortest era that still has a
/// session between era changes, for the election to run in), slashes applied an era after
/// the offence (so a test sees one land, and governance still has an era to cancel it).
const FAST: Periods = Periods {
	session_length: crate::MINUTES,
	sessions_per_era: 2,
	slash_defer_eras: 1,
	fast_tracks: true,
};
/// Public networks: one-hour sessions, six-hour eras, slashes deferred 27 eras (a week
/// less an era).
const PRODUCTION: Periods = Periods {
	session_length: crate::HOURS,
	sessions_per_era: 6,
	slash_defer_eras: pallet_caesar::DEFAULT_SLASH_DEFER_ERAS,
	fast_tracks: false,
};

/// Builds a genesis patch from validators, endowed accounts, the technical committee, an
/// optional sudo key and the chain's periods.
fn genesis(
	validators: &[(Sr25519Keyring, Ed25519Keyring)],
	endowed_accounts: Vec<AccountId>,
	committee: Vec<AccountId>,
	sudo: Option<AccountId>,
	periods: Periods,
) -> Value {
	let keys: Vec<(AccountId, AccountId, SessionKeys)> = validators
		.iter()
		.map(|(aura, grandpa)| {
			let account = aura.to_account_id();
			let aura: AuraId = aura.public().into();
			let grandpa: GrandpaId = grandpa.public().into();
			(account.clone(), account, SessionKeys { aura, grandpa })
		})
		.collect();
	let stakers: Vec<_> = validators
		.iter()
		.map(|(aura, _)| {
			let stash = aura.to_account_id();
			(
				stash.clone(),
				stash,
				VALIDATOR_BOND,
				pallet_staking::StakerStatus::<AccountId>::Validator,
			)
		})
		.collect();
	// Every validator candidate with enough stake is elected, up to the runtime's maximum:
	// joining needs no privileged call to raise the count.
	let validator_count = crate::configs::staking::MaxActiveValidators::get();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.into_iter()
				.map(|a| (a, ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		session: SessionConfig { keys },
		staking: StakingConfig {
			validator_count,
			minimum_validator_count: 1,
			stakers,
			min_validator_bond: MIN_VALIDATOR_BOND,
			min_nominator_bond: 10 * UNIT,
		},
		caesar: CaesarConfig {
			session_length: periods.session_length,
			sessions_per_era: periods.sessions_per_era,
			slash_defer_eras: periods.slash_defer_eras,
		},
		sudo: SudoConfig { key: sudo },
		origins: OriginsConfig {
			fast_tracks: periods.fast_tracks,
		},
		technical_committee: TechnicalCommitteeConfig { members: committee },
	})
}

/// The `development` preset, with Alice as sudo key when `sudo` is set.
pub fn development_genesis(sudo: bool) -> Value {
	genesis(
		&[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		vec![
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
			Sr25519Keyring::AliceStash.to_account_id(),
			Sr25519Keyring::BobStash.to_account_id(),
		],
		vec![
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
		],
		sudo.then(|| Sr25519Keyring::Alice.to_account_id()),
		FAST,
	)
}

/// The `local_testnet` preset, with Alice as sudo key when `sudo` is set.
pub fn local_testnet_genesis(sudo: bool) -> Value {
	let validators = [
		(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
		(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
	];
	genesis(
		&validators,
		Sr25519Keyring::iter()
			.filter(|k| *k != Sr25519Keyring::One && *k != Sr25519Keyring::Two)
			.map(|k| k.to_account_id())
			.collect(),
		validators.iter().map(|(v, _)| v.to_account_id()).collect(),
		sudo.then(|| Sr25519Keyring::Alice.to_account_id()),
		FAST,
	)
}

/// The `staging` preset.
pub fn staging_genesis() -> Value {
	let validators = [
		(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
		(Sr25519Keyring::Eve, Ed25519Keyring::Eve),
		(Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie),
	];
	genesis(
		&validators,
		validators.iter().map(|(v, _)| v.to_account_id()).collect(),
		validators.iter().map(|(v, _)| v.to_account_id()).collect(),
		None,
		PRODUCTION,
	)
}

/// Returns the JSON patch of the preset `id`, if it exists.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_genesis(true),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(true),
		DEV_GOVERNED_RUNTIME_PRESET => development_genesis(false),
		LOCAL_GOVERNED_RUNTIME_PRESET => local_testnet_genesis(false),
		STAGING_RUNTIME_PRESET => staging_genesis(),
		_ => return None,
	};
	Some(
		serde_json::to_string(&patch)
			.expect("a serde_json::Value always serializes; qed")
			.into_bytes(),
	)
}

/// Names of the presets this runtime provides.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
		PresetId::from(DEV_GOVERNED_RUNTIME_PRESET),
		PresetId::from(LOCAL_GOVERNED_RUNTIME_PRESET),
		PresetId::from(STAGING_RUNTIME_PRESET),
	]
}

#[cfg(test)]
pub(crate) mod tests {
	use super::*;
	use crate::Runtime;
	use frame_support::genesis_builder_helper::build_state;

	/// Merges a JSON patch into `base` the way chain specs apply presets.
	fn merge(base: &mut Value, patch: Value) {
		match (base, patch) {
			(Value::Object(base), Value::Object(patch)) => {
				for (key, value) in patch {
					merge(base.entry(key).or_insert(Value::Null), value);
				}
			}
			(base, patch) => *base = patch,
		}
	}

	/// Builds the genesis state of preset `id` the way the node does (the
	/// preset patch merged over the default config) and runs `check` in it.
	pub(crate) fn with_preset(id: &str, check: impl FnOnce()) {
		let patch: Value =
			serde_json::from_slice(&get_preset(&PresetId::from(id)).expect("preset exists"))
				.expect("preset is JSON");
		let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
		merge(&mut config, patch);
		let json = serde_json::to_vec(&config).unwrap();
		sp_io::TestExternalities::default().execute_with(|| {
			build_state::<RuntimeGenesisConfig>(json).expect("preset builds a genesis state");
			check();
		});
	}

	#[test]
	fn every_preset_builds_a_genesis_state() {
		for id in preset_names() {
			let id: &str = id.as_ref();
			with_preset(id, || {
				assert!(
					!pallet_aura::Authorities::<Runtime>::get().is_empty(),
					"{id}"
				);
			});
		}
	}

	#[test]
	fn local_testnet_has_three_validators_and_sudo() {
		with_preset("local_testnet", || {
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 3);
			assert_eq!(
				pallet_grandpa::Pallet::<Runtime>::grandpa_authorities().len(),
				3
			);
			assert_eq!(
				pallet_sudo::Key::<Runtime>::get(),
				Some(Sr25519Keyring::Alice.to_account_id())
			);
		});
	}

	#[test]
	fn staging_and_governed_chains_have_no_sudo_key() {
		for (id, validators) in [
			("staging", 3),
			("development_governed", 1),
			("local_testnet_governed", 3),
		] {
			with_preset(id, || {
				assert_eq!(pallet_sudo::Key::<Runtime>::get(), None, "{id}");
				assert_eq!(
					pallet_aura::Authorities::<Runtime>::get().len(),
					validators,
					"{id}"
				);
				assert!(
					!pallet_collective::Members::<Runtime, pallet_collective::Instance1>::get()
						.is_empty(),
					"{id}: a technical committee"
				);
			});
		}
	}

	#[test]
	fn test_chains_have_fast_tracks_and_staging_production_ones() {
		for id in preset_names() {
			let id: &str = id.as_ref();
			with_preset(id, || {
				assert_eq!(
					crate::governance::origins::FastTracks::<Runtime>::get(),
					id != "staging",
					"{id}"
				);
			});
		}
	}

	#[test]
	fn genesis_validators_are_staked_and_hold_their_session_keys() {
		for (id, validators) in [("development", 1), ("local_testnet", 3), ("staging", 3)] {
			with_preset(id, || {
				let elected = pallet_session::Validators::<Runtime>::get();
				assert_eq!(elected.len(), validators, "{id}");
				for stash in &elected {
					let ledger = pallet_staking::Ledger::<Runtime>::get(stash).expect("bonded");
					assert_eq!(ledger.active, VALIDATOR_BOND, "{id}");
					assert!(pallet_staking::Validators::<Runtime>::contains_key(stash));
					let keys = pallet_session::NextKeys::<Runtime>::get(stash).expect("keys");
					assert!(pallet_aura::Authorities::<Runtime>::get().contains(&keys.aura));
				}
				assert_eq!(
					pallet_staking::MinValidatorBond::<Runtime>::get(),
					MIN_VALIDATOR_BOND
				);
			});
		}
	}

	#[test]
	fn test_chains_have_fast_sessions_and_staging_production_ones() {
		use frame_support::traits::Get;
		for (id, session, eras, slash_defer) in [
			("development", crate::MINUTES, 2, 1),
			("development_governed", crate::MINUTES, 2, 1),
			("local_testnet", crate::MINUTES, 2, 1),
			("local_testnet_governed", crate::MINUTES, 2, 1),
			("staging", crate::HOURS, 6, 27),
		] {
			with_preset(id, || {
				assert_eq!(
					pallet_caesar::SessionLength::<Runtime>::get(),
					session,
					"{id}"
				);
				assert_eq!(
					pallet_caesar::SessionsPerEra::<Runtime>::get(),
					eras,
					"{id}"
				);
				// What staking itself reads.
				assert_eq!(
					<Runtime as pallet_staking::Config>::SlashDeferDuration::get(),
					slash_defer,
					"{id}"
				);
			});
		}
	}

	#[test]
	fn unknown_preset_is_none() {
		assert!(get_preset(&PresetId::from("mainnet")).is_none());
	}
}
