//! Genesis presets: the initial state of the chains HyperMesh ships.
//!
//! - `development`: one validator (Alice), sudo key Alice, dev accounts endowed.
//! - `local_testnet`: three validators (Alice, Bob, Charlie), sudo key Alice.
//! - `staging`: three validators (Dave, Eve, Ferdie), **no sudo key**: the
//!   shape of a public network, for rehearsals. Its keys derive from the public
//!   development phrase, so a production spec must replace them.
//!
//! `hypermesh-node build-spec --chain <dev|local|staging>` turns these into
//! chain specs; they are also served by the `GenesisBuilder` runtime API.

use crate::{AccountId, BalancesConfig, RuntimeGenesisConfig, SudoConfig, UNIT};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// Name of the staging preset.
pub const STAGING_RUNTIME_PRESET: &str = "staging";

/// Balance given to each endowed account: one million CAES.
pub const ENDOWMENT: crate::Balance = 1_000_000 * UNIT;

/// Builds a genesis patch from validators, endowed accounts and an optional
/// sudo key.
fn genesis(
	validators: &[(Sr25519Keyring, Ed25519Keyring)],
	endowed_accounts: Vec<AccountId>,
	sudo: Option<AccountId>,
) -> Value {
	let aura: Vec<AuraId> = validators
		.iter()
		.map(|(aura, _)| aura.public().into())
		.collect();
	let grandpa: Vec<(GrandpaId, u64)> = validators
		.iter()
		.map(|(_, grandpa)| (grandpa.public().into(), 1))
		.collect();
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts
				.into_iter()
				.map(|a| (a, ENDOWMENT))
				.collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig { authorities: aura },
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: grandpa
		},
		sudo: SudoConfig { key: sudo },
	})
}

/// The `development` preset.
pub fn development_genesis() -> Value {
	genesis(
		&[(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		vec![
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
			Sr25519Keyring::AliceStash.to_account_id(),
			Sr25519Keyring::BobStash.to_account_id(),
		],
		Some(Sr25519Keyring::Alice.to_account_id()),
	)
}

/// The `local_testnet` preset.
pub fn local_testnet_genesis() -> Value {
	genesis(
		&[
			(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
		],
		Sr25519Keyring::iter()
			.filter(|k| *k != Sr25519Keyring::One && *k != Sr25519Keyring::Two)
			.map(|k| k.to_account_id())
			.collect(),
		Some(Sr25519Keyring::Alice.to_account_id()),
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
		None,
	)
}

/// Returns the JSON patch of the preset `id`, if it exists.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_testnet_genesis(),
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
		PresetId::from(STAGING_RUNTIME_PRESET),
	]
}

#[cfg(test)]
mod tests {
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
	fn with_preset(id: &str, check: impl FnOnce()) {
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
	fn staging_has_no_sudo_key() {
		with_preset("staging", || {
			assert_eq!(pallet_sudo::Key::<Runtime>::get(), None);
			assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 3);
		});
	}

	#[test]
	fn unknown_preset_is_none() {
		assert!(get_preset(&PresetId::from("mainnet")).is_none());
	}
}
