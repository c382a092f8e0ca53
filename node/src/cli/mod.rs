//! Command-line interface: `hypermesh-node [run options]` starts a node; the
//! subcommands manage keys, chain specs, the database and benchmarks.
//!
//! This module holds the clap definitions; [`command`] dispatches them,
//! [`trustchain`] implements the `trustchain` subcommands (CA and requester keys, proofs
//! of possession) and [`provider`] the `provider` subcommands (a hardware provider's
//! transactions, with their consensus proofs, sent to a running node over JSON-RPC). The node services' own options are defined with each service and
//! flattened in here, through [`crate::services::ServiceParams`].

pub mod command;
mod provider;
mod trustchain;

use sc_cli::RunCmd;

use crate::{chain_spec::ChainSpecError, keys::KeyError};

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A maintenance subcommand; without one, the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of a running node.
	#[clap(flatten)]
	pub run: RunCmd,

	/// Options of the node's services (TrustChain CA and holder, STOQ, hardware oracle).
	#[clap(flatten)]
	pub services: crate::services::ServiceParams,
}

/// Maintenance subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert into the keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (deprecated by Substrate: use `export-chain-spec`).
	BuildSpec(BuildSpecWithGenesis),

	/// Export the chain specification of a `--chain` (plain or `--raw`).
	ExportChainSpec(ExportChainSpecWithGenesis),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a block as a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Runtime and machine benchmarks (FRAME `pallet` benchmarks need the
	/// `runtime-benchmarks` feature).
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database metadata.
	ChainInfo(sc_cli::ChainInfoCmd),

	/// TrustChain keys and proofs: CA generation, requester keys, proofs of possession.
	#[command(subcommand)]
	Trustchain(trustchain::TrustChainCmd),

	/// A hardware provider's (or consumer's) transactions, sent to a running node over
	/// JSON-RPC with their consensus proofs: bond, commit space, register, price,
	/// allocate, release, retire, claim rewards.
	Provider(provider::ProviderCmd),
}

/// The options that put a TrustChain root authority into a dev or local genesis, taken by
/// the chain-spec subcommands (a running node takes the same options at the top level).
#[derive(Debug, Clone, clap::Args)]
pub struct GenesisRootParams {
	/// Dev and local chains only: put a TrustChain root authority into genesis, with the CA
	/// in this directory (generated there if it has none; its keys stay there).
	#[arg(long, value_name = "DIR")]
	pub trustchain_genesis_ca: Option<std::path::PathBuf>,

	/// The on-chain id of that authority (default 0).
	#[arg(long, value_name = "ID", requires = "trustchain_genesis_ca")]
	pub trustchain_authority: Option<u32>,

	/// The secret URI of that authority's operator account (default `//Alice`).
	#[arg(long, value_name = "SURI", requires = "trustchain_genesis_ca")]
	pub trustchain_operator_suri: Option<String>,
}

/// `export-chain-spec`, with the genesis-root options.
#[derive(Debug, clap::Args)]
pub struct ExportChainSpecWithGenesis {
	/// Substrate's `export-chain-spec`.
	#[clap(flatten)]
	pub export: sc_cli::ExportChainSpecCmd,
	/// A TrustChain root in the genesis of a dev or local chain.
	#[clap(flatten)]
	pub genesis: GenesisRootParams,
}

/// `build-spec`, with the genesis-root options.
#[derive(Debug, clap::Args)]
pub struct BuildSpecWithGenesis {
	/// Substrate's `build-spec`.
	#[clap(flatten)]
	pub build: sc_cli::BuildSpecCmd,
	/// A TrustChain root in the genesis of a dev or local chain.
	#[clap(flatten)]
	pub genesis: GenesisRootParams,
}

/// Why a command of ours (the `trustchain` subcommands, a dev/local genesis root) failed.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
	/// Key material cannot be made, read or used.
	#[error(transparent)]
	Keys(#[from] KeyError),
	/// A named chain spec cannot be built.
	#[error(transparent)]
	ChainSpec(#[from] ChainSpecError),
	/// A chain spec file cannot be loaded (the message is `sc_service`'s).
	#[error("{0}")]
	SpecFile(String),
	/// An argument is not hex.
	#[error("bad hex `{text}`: {source}")]
	BadHex {
		/// The argument.
		text: String,
		/// Why it is not hex.
		source: hex::FromHexError,
	},
	/// A hex account id is not 32 bytes.
	#[error("an account id is 32 bytes")]
	AccountLength,
	/// An account is neither SS58 nor hex.
	#[error("bad account `{account}`: {error:?}")]
	BadAccount {
		/// The argument.
		account: String,
		/// Why it is not SS58.
		error: sp_core::crypto::PublicError,
	},
	/// The genesis hash is not 32 bytes.
	#[error("the genesis hash is 32 bytes")]
	GenesisLength,
	/// The key set's classical key is not ECDSA P-256.
	#[error("key sets are ECDSA P-256")]
	NotP256KeySet,
	/// `--trustchain-operator-suri` is not a secret URI.
	#[error("bad operator secret URI: {0:?}")]
	BadOperatorSuri(sp_core::crypto::SecretStringError),
	/// A `provider` command failed.
	#[error(transparent)]
	Provider(#[from] provider::ProviderError),
}

impl From<CliError> for sc_cli::Error {
	fn from(e: CliError) -> Self {
		sc_cli::Error::Input(e.to_string())
	}
}
