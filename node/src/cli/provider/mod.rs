//! The `provider` subcommands: a HyperMesh hardware provider (or consumer) bonds, commits
//! its space data, registers, prices, allocates and releases assets from the command line,
//! with no code of its own.
//!
//! The guarded calls (`registerAsset`, `allocate`) need the four proofs of
//! `hypermesh_primitives::proofs`, which a client would otherwise have to build itself:
//! [`proof`] builds them from the node's space data file (the hardware oracle's
//! `space.bin`) and the chain's proof parameters. [`chain`] talks to a running node over
//! its JSON-RPC (WebSocket): it signs the call with the runtime's own transaction
//! extensions, submits it, waits until its block is finalized and reads that block's
//! events. [`report`] turns those events and the dispatch result into the one JSON line
//! each command prints. [`input`] parses what clap cannot (amounts of CAES with decimals,
//! asset kinds) and [`error`] holds the room's one error type. Everything that can be
//! checked before a transaction is sent (amounts, locations, the space data, the bonded
//! stake, the registered commitment) is checked first, so bad input changes nothing on
//! chain.
//!
//! The signing key is a secret URI (`--suri`, for development accounts) or the sr25519
//! `orcl` key in a node's keystore (`--base-path`, the hardware oracle's account). Secret
//! URIs are never printed or logged, and no key material is written.

mod chain;
mod error;
mod input;
mod proof;
mod report;

use std::{path::PathBuf, time::Duration};

use hypermesh_runtime::RuntimeCall;
use pallet_hypermesh_assets::{AssetKind, Privacy};

use chain::{Chain, Signer};
pub use error::ProviderError;
pub use input::parse_caes;
use input::{KindArg, PrivacyArg};

/// The `provider` subcommand: options shared by every command, then the command.
#[derive(Debug, clap::Args)]
pub struct ProviderCmd {
	/// The node's JSON-RPC endpoint (WebSocket; `http://` is taken as `ws://`).
	#[arg(
		long,
		global = true,
		value_name = "URL",
		default_value = "ws://127.0.0.1:9944"
	)]
	pub rpc_url: String,

	/// The signing account's secret URI, e.g. `//Alice` on a development chain. A secret
	/// URI on the command line is visible to other users of the machine: production
	/// providers use `--base-path` and the node's keystore instead.
	#[arg(
		long,
		global = true,
		value_name = "SECRET_URI",
		conflicts_with = "base_path"
	)]
	pub suri: Option<String>,

	/// The node's base path: sign with the sr25519 key of type `orcl` (the hardware
	/// oracle's account) in its keystore, `<DIR>/chains/<chain id>/keystore`; the space
	/// data defaults to `<DIR>/hardware-oracle`.
	#[arg(long, global = true, value_name = "DIR")]
	pub base_path: Option<PathBuf>,

	/// The chain whose keystore `--base-path` holds: `dev`, `local`, `staging` or a chain
	/// spec file (default `local`, as for the node).
	#[arg(long, global = true, value_name = "CHAIN_SPEC", requires = "base_path")]
	pub chain: Option<String>,

	/// The directory of the PoSpace data file `space.bin` (default
	/// `<base-path>/hardware-oracle`, the hardware oracle's). `commit` makes the file if
	/// it is absent, as the oracle does.
	#[arg(long, global = true, value_name = "DIR")]
	pub space_dir: Option<PathBuf>,

	/// How many seconds to wait for the transaction to be in a finalized block.
	#[arg(long, global = true, value_name = "SECONDS", default_value_t = 120)]
	pub timeout: u64,

	/// What to do.
	#[command(subcommand)]
	pub command: ProviderCommand,
}

/// The provider commands. Each submits one signed transaction, waits until its block is
/// finalized, and prints one JSON line: `{"block", "number", "events", "error"}` (amounts
/// in plancks, as strings); it exits non-zero if the transaction failed or was refused.
#[derive(Debug, clap::Subcommand)]
pub enum ProviderCommand {
	/// Bond stake with Caesar (`caesar.bond`); PoStake needs at least the chain's minimum
	/// stake (10 CAES).
	Bond {
		/// How much, in CAES; decimals allowed ("10", "0.5").
		#[arg(value_name = "CAES", value_parser = parse_caes)]
		amount: u128,
	},
	/// Unbond stake (`caesar.unbond`): it stops counting at once and is withdrawable after
	/// the unbonding period.
	Unbond {
		/// How much, in CAES; decimals allowed ("10", "0.5").
		#[arg(value_name = "CAES", value_parser = parse_caes)]
		amount: u128,
	},
	/// Withdraw unbonded stake whose unbonding period is over (`caesar.withdrawUnbonded`).
	Withdraw,
	/// Claim the reward of a closed reward period (`caesar.claimReward`).
	Claim {
		/// The period (a staking era).
		period: u32,
	},
	/// Register the space commitment of the space data (`assetRegistry.commitSpace`),
	/// making the data file if it is absent. Nothing is sent if the chain has it already.
	Commit {
		/// Where the data is served from, `[IPv6]:port` (IPv4 is refused): the same as
		/// the node's `--oracle-location` if its hardware oracle runs.
		#[arg(
			long = "oracle-location",
			value_name = "[IPv6]:PORT",
			default_value = "[::1]:30333"
		)]
		location: String,
	},
	/// Register an asset (`assetRegistry.registerAsset`, with a consensus proof built from
	/// the committed space data; holds the asset deposit).
	Register {
		/// What the asset is.
		#[arg(long, value_enum)]
		kind: KindArg,
		/// Its capacity, in the unit it is allocated in: cores, devices, MiB, GiB, Mbit/s
		/// or slots.
		#[arg(long)]
		capacity: u64,
		/// CPU only: the base frequency, MHz.
		#[arg(long, required_if_eq("kind", "cpu"))]
		mhz: Option<u32>,
		/// GPU only: the memory per device, MiB.
		#[arg(long, required_if_eq("kind", "gpu"))]
		memory_mib: Option<u64>,
		/// Who may allocate it.
		#[arg(long, value_enum, default_value = "public-network")]
		privacy: PrivacyArg,
	},
	/// Set an asset's price (`assetRegistry.setPrice`).
	Price {
		/// The asset's id.
		asset: u64,
		/// Plancks per unit of capacity per block (0: free).
		#[arg(value_name = "PLANCKS")]
		price: u128,
	},
	/// Allocate capacity of an asset (`assetRegistry.allocate`, with a consensus proof built
	/// from the signer's own committed space data): `price × amount × lease` is escrowed.
	Allocate {
		/// The asset's id.
		asset: u64,
		/// How many units of its capacity.
		amount: u64,
		/// The lease, in blocks.
		#[arg(value_name = "LEASE_BLOCKS")]
		lease: u32,
		/// The most the allocation may cost per block (price × amount), in plancks.
		#[arg(long, value_name = "PLANCKS")]
		max_price: u128,
	},
	/// Release an allocation (`assetRegistry.release`): the provider is paid for the blocks
	/// served, the consumer refunded the rest.
	Release {
		/// The allocation's id.
		allocation: u64,
	},
	/// Retire an asset with no live allocations (`assetRegistry.retireAsset`).
	Retire {
		/// The asset's id.
		asset: u64,
	},
}

/// What a command that needs the chain does: send a call (its JSON line extended with
/// the value's fields), or nothing but print a line.
pub enum ChainCall {
	/// Send the call.
	Send(RuntimeCall, serde_json::Value),
	/// Send nothing: print this line.
	Done(serde_json::Value),
}

impl ProviderCmd {
	/// Runs the command against the node at `--rpc-url`, printing its JSON line.
	/// `load_spec` loads `--chain` (for the keystore's path).
	pub fn run(
		&self,
		load_spec: impl Fn(&str) -> Result<Box<dyn sc_service::ChainSpec>, String>,
	) -> Result<(), ProviderError> {
		// Everything local is checked before the node is contacted: bad input sends nothing.
		let signer = self.signer(load_spec)?;
		self.check()?;
		let runtime = sc_cli::build_runtime().map_err(ProviderError::AsyncRuntime)?;
		runtime.block_on(self.run_with(signer))
	}

	async fn run_with(&self, signer: Signer) -> Result<(), ProviderError> {
		let chain = Chain::connect(&self.rpc_url, signer).await?;
		let (call, extra) = match self.call(&chain).await? {
			ChainCall::Send(call, extra) => (call, extra),
			ChainCall::Done(line) => {
				println!("{line}");
				return Ok(());
			}
		};
		let outcome = chain
			.submit(call, Duration::from_secs(self.timeout))
			.await?;
		let mut line = outcome.json();
		if let (Some(fields), serde_json::Value::Object(extra)) = (line.as_object_mut(), extra) {
			fields.extend(extra);
		}
		println!("{line}");
		match outcome.error {
			Some(error) => Err(ProviderError::Dispatch(error)),
			None => Ok(()),
		}
	}

	fn signer(
		&self,
		load_spec: impl Fn(&str) -> Result<Box<dyn sc_service::ChainSpec>, String>,
	) -> Result<Signer, ProviderError> {
		match (&self.suri, &self.base_path) {
			(Some(suri), _) => Signer::from_suri(suri),
			(None, Some(base)) => {
				let spec = load_spec(self.chain.as_deref().unwrap_or("local"))
					.map_err(ProviderError::ChainSpec)?;
				Signer::from_keystore(&base.join("chains").join(spec.id()).join("keystore"))
			}
			(None, None) => Err(ProviderError::NoSigner),
		}
	}

	/// The space data directory: `--space-dir`, else `<base-path>/hardware-oracle`.
	fn space_dir(&self) -> Result<PathBuf, ProviderError> {
		self.space_dir
			.clone()
			.or_else(|| {
				self.base_path
					.as_ref()
					.map(|base| base.join("hardware-oracle"))
			})
			.ok_or(ProviderError::NoSpaceDir)
	}

	/// Checks the input clap cannot: the location, the kind's capacity, where the space
	/// data is.
	fn check(&self) -> Result<(), ProviderError> {
		match &self.command {
			ProviderCommand::Commit { location } => {
				crate::services::oracle::parse_location(location)?;
				self.space_dir()?;
			}
			ProviderCommand::Register {
				kind,
				capacity,
				mhz,
				memory_mib,
				..
			} => {
				input::asset_kind(*kind, *capacity, *mhz, *memory_mib)?;
				self.space_dir()?;
			}
			ProviderCommand::Allocate { .. } => {
				self.space_dir()?;
			}
			_ => {}
		}
		Ok(())
	}

	/// The command's call, with what its JSON line adds (the guarded calls' proofs and the
	/// commitment are built from the chain's state); or the line to print if there is
	/// nothing to send.
	async fn call(&self, chain: &Chain) -> Result<ChainCall, ProviderError> {
		use pallet_caesar::Call as Caesar;
		use pallet_hypermesh_assets::Call as Assets;
		type Registry = Assets<hypermesh_runtime::Runtime>;
		let call = match &self.command {
			ProviderCommand::Bond { amount } => {
				RuntimeCall::Caesar(Caesar::bond { amount: *amount })
			}
			ProviderCommand::Unbond { amount } => {
				RuntimeCall::Caesar(Caesar::unbond { amount: *amount })
			}
			ProviderCommand::Withdraw => RuntimeCall::Caesar(Caesar::withdraw_unbonded {}),
			ProviderCommand::Claim { period } => {
				RuntimeCall::Caesar(Caesar::claim_reward { period: *period })
			}
			ProviderCommand::Commit { location } => {
				let location = crate::services::oracle::parse_location(location)?;
				return proof::commit(chain, &self.space_dir()?, location).await;
			}
			ProviderCommand::Register {
				kind,
				capacity,
				mhz,
				memory_mib,
				privacy,
			} => {
				let kind: AssetKind = input::asset_kind(*kind, *capacity, *mhz, *memory_mib)?;
				let privacy: Privacy = (*privacy).into();
				let operation = Registry::register_operation(&kind, &privacy);
				let proof = proof::consensus_proof(chain, &self.space_dir()?, &operation).await?;
				RuntimeCall::AssetRegistry(Assets::register_asset {
					kind,
					privacy,
					proof,
				})
			}
			ProviderCommand::Price { asset, price } => {
				RuntimeCall::AssetRegistry(Assets::set_price {
					asset: *asset,
					price_per_unit_per_block: *price,
				})
			}
			ProviderCommand::Allocate {
				asset,
				amount,
				lease,
				max_price,
			} => {
				let operation = Registry::allocate_operation(*asset, *amount, lease, max_price);
				let proof = proof::consensus_proof(chain, &self.space_dir()?, &operation).await?;
				RuntimeCall::AssetRegistry(Assets::allocate {
					asset: *asset,
					amount: *amount,
					lease: *lease,
					max_price_per_block: *max_price,
					proof,
				})
			}
			ProviderCommand::Release { allocation } => {
				RuntimeCall::AssetRegistry(Assets::release { id: *allocation })
			}
			ProviderCommand::Retire { asset } => {
				RuntimeCall::AssetRegistry(Assets::retire_asset { id: *asset })
			}
		};
		Ok(ChainCall::Send(call, serde_json::Value::Null))
	}
}
