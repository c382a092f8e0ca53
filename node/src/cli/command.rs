//! Dispatches the command line: runs the node or one of its subcommands.
//!
//! Also the node's [`SubstrateCli`] identity and chain spec loading, with the TrustChain
//! root a dev or local genesis gets from `--trustchain-genesis-ca`.

use hypermesh_runtime::{opaque::Block as OpaqueBlock, AccountId, Block};
use sc_cli::SubstrateCli;
use sc_service::PartialComponents;
use sp_core::{sr25519, Pair as _};

use frame_benchmarking_cli::{BenchmarkCmd, SUBSTRATE_REFERENCE_HARDWARE};

use super::{Cli, CliError, GenesisRootParams, Subcommand};
use crate::{chain_spec, service};

/// The error `SubstrateCli::load_spec` reports a chain spec failure with: a message
/// (upstream's choice; ours are typed until this boundary).
type LoadSpecMessage = String;

impl SubstrateCli for Cli {
	fn impl_name() -> String {
		"HyperMesh Node".into()
	}

	fn impl_version() -> String {
		env!("SUBSTRATE_CLI_IMPL_VERSION").into()
	}

	fn description() -> String {
		env!("CARGO_PKG_DESCRIPTION").into()
	}

	fn author() -> String {
		env!("CARGO_PKG_AUTHORS").into()
	}

	fn support_url() -> String {
		"https://github.com/hypermesh/hypermesh/issues".into()
	}

	fn copyright_start_year() -> i32 {
		2026
	}

	fn load_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, LoadSpecMessage> {
		self.chain_spec(id).map_err(|e| e.to_string())
	}
}

impl Cli {
	/// The chain spec `--chain <id>` names: `dev`, `local` (the default), `dev-governed`,
	/// `local-governed` (the same without sudo), `staging`, or a JSON file.
	fn chain_spec(&self, id: &str) -> Result<Box<dyn sc_service::ChainSpec>, CliError> {
		use chain_spec::Sudo;
		let root = || self.genesis_root();
		Ok(match id {
			"dev" => Box::new(chain_spec::development(root()?.as_ref(), Sudo::Alice)?),
			"dev-governed" => Box::new(chain_spec::development(root()?.as_ref(), Sudo::None)?),
			"" | "local" => Box::new(chain_spec::local_testnet(root()?.as_ref(), Sudo::Alice)?),
			"local-governed" => Box::new(chain_spec::local_testnet(root()?.as_ref(), Sudo::None)?),
			"staging" => Box::new(chain_spec::staging()?),
			path => Box::new(
				chain_spec::ChainSpec::from_json_file(std::path::PathBuf::from(path))
					.map_err(CliError::SpecFile)?,
			),
		})
	}

	/// The TrustChain root for a dev/local genesis, from `--trustchain-genesis-ca` (the CA is
	/// generated into that directory if it has none yet).
	/// The options are the chain-spec subcommand's, or, for a running node, the top-level
	/// ones.
	fn genesis_root(&self) -> Result<Option<chain_spec::GenesisRoot>, CliError> {
		let params = match &self.subcommand {
			Some(Subcommand::ExportChainSpec(cmd)) => cmd.genesis.clone(),
			Some(Subcommand::BuildSpec(cmd)) => cmd.genesis.clone(),
			_ => GenesisRootParams {
				trustchain_genesis_ca: self.services.ca.trustchain_genesis_ca.clone(),
				trustchain_authority: self.services.ca.trustchain_authority,
				trustchain_operator_suri: self.services.ca.trustchain_operator_suri.clone(),
			},
		};
		let Some(dir) = &params.trustchain_genesis_ca else {
			return Ok(None);
		};
		let ca = crate::keys::load_or_generate_ca(dir)?;
		let operator = operator_account(
			params
				.trustchain_operator_suri
				.as_deref()
				.unwrap_or("//Alice"),
		)?;
		Ok(Some(chain_spec::GenesisRoot {
			id: params.trustchain_authority.unwrap_or(0),
			operator,
			ca_certificate: ca.cert_der().to_vec(),
			falcon_public_key: ca.falcon_public_key(),
		}))
	}
}

/// The account of an sr25519 secret URI.
fn operator_account(suri: &str) -> Result<AccountId, CliError> {
	let pair = sr25519::Pair::from_string(suri, None).map_err(CliError::BadOperatorSuri)?;
	Ok(AccountId::from(pair.public()))
}

/// Parses the command line and runs what it asks for.
pub fn run() -> sc_cli::Result<()> {
	let cli = Cli::from_args();

	match &cli.subcommand {
		Some(Subcommand::Key(cmd)) => cmd.run(&cli),
		Some(Subcommand::BuildSpec(cmd)) => {
			let cmd = &cmd.build;
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.chain_spec, config.network))
		}
		Some(Subcommand::ExportChainSpec(cmd)) => {
			let chain_spec = cli.load_spec(&cmd.export.chain)?;
			cmd.export.run(chain_spec)
		}
		Some(Subcommand::CheckBlock(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					import_queue,
					..
				} = service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::ExportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					..
				} = service::new_partial(&config)?;
				Ok((cmd.run(client, config.database), task_manager))
			})
		}
		Some(Subcommand::ExportState(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					..
				} = service::new_partial(&config)?;
				Ok((cmd.run(client, config.chain_spec), task_manager))
			})
		}
		Some(Subcommand::ImportBlocks(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					import_queue,
					..
				} = service::new_partial(&config)?;
				Ok((cmd.run(client, import_queue), task_manager))
			})
		}
		Some(Subcommand::PurgeChain(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run(config.database))
		}
		Some(Subcommand::Revert(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.async_run(|config| {
				let PartialComponents {
					client,
					task_manager,
					backend,
					..
				} = service::new_partial(&config)?;
				let aux_revert = Box::new(|client, _, blocks| {
					sc_consensus_grandpa::revert(client, blocks)?;
					Ok(())
				});
				Ok((cmd.run(client, backend, Some(aux_revert)), task_manager))
			})
		}
		// With `--runtime <WASM>` the pallet benchmarks need no chain spec (and none can be
		// given): run them without a runner, so that a node built without the runtime's
		// WASM (e.g. `SKIP_WASM_BUILD=1`, see scripts/weights) can run them.
		Some(Subcommand::Benchmark(BenchmarkCmd::Pallet(cmd))) if cmd.runtime.is_some() => {
			cmd.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(None)
		}
		Some(Subcommand::Benchmark(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| match cmd {
				BenchmarkCmd::Pallet(cmd) => {
					// The benchmarks run in a runtime built with `runtime-benchmarks`:
					// this node's own (if built with the feature) or `--runtime <WASM>`.
					if !cfg!(feature = "runtime-benchmarks") && cmd.runtime.is_none() {
						return Err("FRAME benchmarks need a runtime built with \
							`--features runtime-benchmarks`: build the node with it, or pass \
							`--runtime <WASM>` of such a runtime"
							.into());
					}
					cmd.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(Some(
						config.chain_spec,
					))
				}
				BenchmarkCmd::Block(cmd) => {
					let PartialComponents { client, .. } = service::new_partial(&config)?;
					cmd.run(client)
				}
				BenchmarkCmd::Machine(cmd) => {
					cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone())
				}
				BenchmarkCmd::Storage(_)
				| BenchmarkCmd::Overhead(_)
				| BenchmarkCmd::Extrinsic(_) => Err("this benchmark is not wired into hypermesh-node yet; \
						use `benchmark pallet`, `benchmark block` or `benchmark machine`"
					.into()),
			})
		}
		Some(Subcommand::ChainInfo(cmd)) => {
			let runner = cli.create_runner(cmd)?;
			runner.sync_run(|config| cmd.run::<Block>(&config))
		}
		Some(Subcommand::Trustchain(cmd)) => Ok(cmd.run()?),
		Some(Subcommand::Provider(cmd)) => {
			Ok(cmd.run(|id| cli.load_spec(id)).map_err(CliError::from)?)
		}
		None => {
			let runner = cli.create_runner(&cli.run)?;
			let services = cli.services.clone();
			runner.run_node_until_exit(|config| async move {
				match config.network.network_backend {
					sc_network::config::NetworkBackendType::Libp2p => service::new_full::<
						sc_network::NetworkWorker<
							OpaqueBlock,
							<OpaqueBlock as sp_runtime::traits::Block>::Hash,
						>,
					>(config, services)
					.map_err(sc_cli::Error::Service),
					sc_network::config::NetworkBackendType::Litep2p => {
						service::new_full::<sc_network::Litep2pNetworkBackend>(config, services)
							.map_err(sc_cli::Error::Service)
					}
				}
			})
		}
	}
}
