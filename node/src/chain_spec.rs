//! The chain specifications the node knows by name (`dev`, `local`,
//! `staging`), built from the runtime's genesis presets, with the token
//! properties wallets need (symbol, decimals, SS58 prefix).

use hypermesh_runtime::{
	genesis_config_presets::STAGING_RUNTIME_PRESET, SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL,
	WASM_BINARY,
};
use sc_service::{ChainType, Properties};

/// A chain spec of the HyperMesh runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

/// Chain properties clients read (polkadot.js shows balances with them).
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"the runtime's WASM was not built (SKIP_WASM_BUILD was set?); rebuild without it".into()
	})
}

/// `dev`: one validator (Alice), instant start.
pub fn development() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("HyperMesh Development")
		.with_id("hypermesh_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_protocol_id("hypermesh-dev")
		.with_properties(properties())
		.build())
}

/// `local`: three validators (Alice, Bob, Charlie) on one machine.
pub fn local_testnet() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("HyperMesh Local Testnet")
		.with_id("hypermesh_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_protocol_id("hypermesh-local")
		.with_properties(properties())
		.build())
}

/// `staging`: three validators, no sudo key.
pub fn staging() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm()?, None)
		.with_name("HyperMesh Staging")
		.with_id("hypermesh_staging")
		.with_chain_type(ChainType::Live)
		.with_genesis_config_preset_name(STAGING_RUNTIME_PRESET)
		.with_protocol_id("hypermesh-staging")
		.with_properties(properties())
		.build())
}
