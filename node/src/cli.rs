//! Command-line interface: `hypermesh-node [run options]` starts a node; the
//! subcommands manage keys, chain specs, the database and benchmarks.

use sc_cli::RunCmd;

/// The node's command line.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A maintenance subcommand; without one, the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of a running node.
	#[clap(flatten)]
	pub run: RunCmd,

	/// Options of the TrustChain CA service.
	#[clap(flatten)]
	pub trustchain_ca: crate::trustchain_ca::CaServiceParams,

	/// Options of the TrustChain certificate holder service.
	#[clap(flatten)]
	pub trustchain_holder: crate::trustchain_holder::HolderParams,

	/// Options of the STOQ endpoint.
	#[clap(flatten)]
	pub stoq: crate::stoq_service::StoqParams,

	/// Options of the hardware oracle service.
	#[clap(flatten)]
	pub oracle: crate::hardware_oracle::OracleParams,
}

/// Maintenance subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect, insert into the keystore.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (`--raw` for the storage form nodes start from).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export the chain specification of a `--chain` (plain or `--raw`).
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

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
	Trustchain(crate::trustchain_ca::TrustChainCmd),
}
