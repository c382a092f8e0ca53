//! The chain specifications the node knows by name (`dev`, `local`, their sudo-less
//! twins `dev-governed` and `local-governed`, and `staging`), built from the runtime's
//! genesis presets, with the token properties wallets need (symbol, decimals, SS58
//! prefix).
//!
//! Failures are [`ChainSpecError`]s; the CLI turns them into the message
//! `SubstrateCli::load_spec` reports.

use hypermesh_runtime::{
	genesis_config_presets::{
		DEV_GOVERNED_RUNTIME_PRESET, LOCAL_GOVERNED_RUNTIME_PRESET, STAGING_RUNTIME_PRESET,
	},
	SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL, WASM_BINARY,
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

/// Why a named chain spec cannot be built.
#[derive(Debug, thiserror::Error)]
pub enum ChainSpecError {
	/// The node was built without the runtime's WASM.
	#[error("the runtime's WASM was not built (SKIP_WASM_BUILD was set?); rebuild without it")]
	NoWasm,
	/// The runtime has no genesis preset of this name.
	#[error("the runtime has no genesis preset `{0}`")]
	NoPreset(String),
	/// The runtime's genesis preset is not JSON.
	#[error("preset `{preset}`: {source}")]
	BadPreset {
		/// The preset's name.
		preset: String,
		/// Why it does not parse.
		source: serde_json::Error,
	},
}

/// The runtime code a spec carries: the runtime's WASM, zstd-compressed behind
/// `sp-maybe-compressed-blob`'s prefix (the executor decompresses it, as it does any
/// `:code`). A dev-profile build's WASM is neither compacted nor compressed (5.2 MiB);
/// compressed, each committed spec is about a quarter of the size, and so is the diff a
/// runtime change makes to them.
fn wasm() -> Result<Vec<u8>, ChainSpecError> {
	let code = WASM_BINARY.ok_or(ChainSpecError::NoWasm)?;
	Ok(sp_maybe_compressed_blob::compress_weakly(
		code,
		sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT,
	)
	.unwrap_or_else(|| code.to_vec()))
}

/// A TrustChain root authority to put into a dev or local chain's genesis (see
/// `--trustchain-genesis-ca`): only its certificate and public keys; its private keys stay
/// in the CA directory.
pub struct GenesisRoot {
	/// The authority id.
	pub id: u32,
	/// The operator account (the CA service signs with it).
	pub operator: hypermesh_runtime::AccountId,
	/// The CA certificate, DER.
	pub ca_certificate: Vec<u8>,
	/// The CA's FALCON-1024 public key.
	pub falcon_public_key: Vec<u8>,
}

/// Applies `preset`, plus a TrustChain genesis root if there is one.
fn with_genesis(
	builder: sc_chain_spec::ChainSpecBuilder,
	preset: &str,
	root: Option<&GenesisRoot>,
) -> Result<sc_chain_spec::ChainSpecBuilder, ChainSpecError> {
	let Some(root) = root else {
		return Ok(builder.with_genesis_config_preset_name(preset));
	};
	let preset_json = hypermesh_runtime::genesis_config_presets::get_preset(&preset.into())
		.ok_or_else(|| ChainSpecError::NoPreset(preset.into()))?;
	let mut patch: serde_json::Value =
		serde_json::from_slice(&preset_json).map_err(|source| ChainSpecError::BadPreset {
			preset: preset.into(),
			source,
		})?;
	use sp_core::crypto::Ss58Codec;
	patch["trustChain"] = serde_json::json!({
		"authorities": [[
			root.id,
			root.operator.to_ss58check(),
			root.ca_certificate,
			root.falcon_public_key,
		]],
	});
	Ok(builder.with_genesis_config_patch(patch))
}

/// Whether a test chain keeps Alice as sudo key or is governed by referenda alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sudo {
	/// Alice holds the sudo key (`dev`, `local`).
	Alice,
	/// No sudo key: every privileged call goes through a referendum (`dev-governed`,
	/// `local-governed`).
	None,
}

/// `dev`: one validator (Alice), instant start; `dev-governed` without sudo. With a
/// TrustChain root if `root` is given.
pub fn development(root: Option<&GenesisRoot>, sudo: Sudo) -> Result<ChainSpec, ChainSpecError> {
	let (name, id, preset) = match sudo {
		Sudo::Alice => (
			"HyperMesh Development",
			"hypermesh_dev",
			sp_genesis_builder::DEV_RUNTIME_PRESET,
		),
		Sudo::None => (
			"HyperMesh Development (governed)",
			"hypermesh_dev_governed",
			DEV_GOVERNED_RUNTIME_PRESET,
		),
	};
	let builder = ChainSpec::builder(&wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(ChainType::Development)
		.with_protocol_id("hypermesh-dev")
		.with_properties(properties());
	Ok(with_genesis(builder, preset, root)?.build())
}

/// `local`: three validators (Alice, Bob, Charlie) on one machine; `local-governed`
/// without sudo. With a TrustChain root if `root` is given.
pub fn local_testnet(root: Option<&GenesisRoot>, sudo: Sudo) -> Result<ChainSpec, ChainSpecError> {
	let (name, id, preset) = match sudo {
		Sudo::Alice => (
			"HyperMesh Local Testnet",
			"hypermesh_local",
			sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET,
		),
		Sudo::None => (
			"HyperMesh Local Testnet (governed)",
			"hypermesh_local_governed",
			LOCAL_GOVERNED_RUNTIME_PRESET,
		),
	};
	let builder = ChainSpec::builder(&wasm()?, None)
		.with_name(name)
		.with_id(id)
		.with_chain_type(ChainType::Local)
		.with_protocol_id("hypermesh-local")
		.with_properties(properties());
	Ok(with_genesis(builder, preset, root)?.build())
}

/// `staging`: three validators, no sudo key.
pub fn staging() -> Result<ChainSpec, ChainSpecError> {
	Ok(ChainSpec::builder(&wasm()?, None)
		.with_name("HyperMesh Staging")
		.with_id("hypermesh_staging")
		.with_chain_type(ChainType::Live)
		.with_genesis_config_preset_name(STAGING_RUNTIME_PRESET)
		.with_protocol_id("hypermesh-staging")
		.with_properties(properties())
		.build())
}
