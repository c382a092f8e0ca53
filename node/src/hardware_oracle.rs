//! The hardware oracle's node service: measures this machine and reports it on chain as
//! signed telemetry for the node's registered assets.
//!
//! Started with `--oracle-every <N>`, with the oracle account's sr25519 key in the keystore
//! under key type `orcl` (or, on development chains, `--oracle-suri`). Every `N` finalized
//! blocks it:
//!
//! 1. makes sure the account can prove: it bonds the minimum stake if less is bonded
//!    (PoStake), and registers the space commitment of its data file (PoSpace) if the
//!    chain does not have it;
//! 2. measures the machine with the `hardware-oracle` crate (sysinfo, NVML);
//! 3. for every asset the account owns, turns the measurement into [`Telemetry`] for the
//!    asset's kind ([`telemetry_for`]) and submits `report_telemetry` with a consensus
//!    proof built here: the finalized block as PoTime, the answers to that block's
//!    PoSpace challenges read back from the data file, the bonded stake, and PoWork solved
//!    at the chain's difficulty.
//!
//! The data file (`DIR/space.bin`, `--oracle-dir`, default `<base-path>/hardware-oracle`)
//! is random bytes in 4 KiB chunks made once; its Merkle root is the commitment, bound to
//! `--oracle-location` (an IPv6 address and port). Every answer is hashed from the file as
//! it is on disk at that moment, so a provider that deletes the data cannot answer.
//!
//! On every finalized block, it also answers the open space challenges (audits) on its
//! commitments (`answer_challenge`) with the challenged chunks' bytes read from the data
//! file: a wrong or missing answer costs every asset of the account reputation.

use std::{
	net::SocketAddrV6,
	path::{Path, PathBuf},
	sync::Arc,
	time::Instant,
};

use codec::Encode;
use futures::StreamExt;
use hardware_oracle::{Detector, GpuReport, HardwareReport};
use hypermesh_primitives::{ct, proofs};
use hypermesh_runtime::{opaque::Block, AccountId, BlockNumber, Nonce, Runtime, RuntimeCall};
use pallet_hypermesh_assets::{
	AssetKind, ConsensusProof, SpaceCommitment, StakeProof, Telemetry, TimeProof,
};
use pallet_hypermesh_assets_runtime_api::HyperMeshAssetsApi;
use sc_client_api::BlockchainEvents;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::KeyTypeId;
use sp_keystore::KeystorePtr;
use sp_runtime::traits::Block as BlockT;

use crate::trustchain_ca::Submitter;
use frame_system_rpc_runtime_api::AccountNonceApi;

/// The keystore key type of the oracle's account (sr25519).
pub const ORACLE_KEY_TYPE: KeyTypeId = KeyTypeId(*b"orcl");

/// The size of a PoSpace chunk of the data file (the most a chunk answered in full may
/// have).
pub const CHUNK_SIZE: usize = proofs::MAX_CHUNK_LEN;

/// The fewest chunks the data file is made with (more if the chain asks for more).
pub const DEFAULT_CHUNKS: u64 = 64;

/// After how many finalized blocks a set-up transaction (bond, commitment) is repeated.
const RESUBMIT_AFTER_BLOCKS: BlockNumber = 10;

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// Command-line options of the hardware oracle service.
#[derive(Debug, Clone, clap::Args)]
pub struct OracleParams {
	/// Report telemetry for this node's registered assets every N finalized blocks
	/// (starts the hardware oracle service).
	#[arg(long, value_name = "BLOCKS", value_parser = clap::value_parser!(u32).range(1..))]
	pub oracle_every: Option<u32>,

	/// The oracle's data directory, holding its PoSpace data file (default:
	/// `<base-path>/hardware-oracle`).
	#[arg(long, value_name = "DIR")]
	pub oracle_dir: Option<PathBuf>,

	/// The location its space commitment is bound to, `[IPv6]:port` (IPv4 is refused).
	#[arg(long, value_name = "[IPv6]:PORT", default_value = "[::1]:30333")]
	pub oracle_location: String,

	/// Development only: the oracle account's secret URI (e.g. `//Alice`), put in the
	/// keystore under `orcl`. Production nodes insert the key with `key insert`.
	#[arg(long, value_name = "SURI")]
	pub oracle_suri: Option<String>,
}

/// Parses `--oracle-location`: an IPv6 socket address; IPv4 gets a clear error.
pub fn parse_location(text: &str) -> Result<SocketAddrV6, String> {
	match text.parse::<std::net::SocketAddr>() {
		Ok(std::net::SocketAddr::V6(address)) if address.port() != 0 => Ok(address),
		Ok(std::net::SocketAddr::V6(_)) => Err(format!("--oracle-location {text}: port 0")),
		Ok(std::net::SocketAddr::V4(_)) => Err(format!(
			"--oracle-location {text} is IPv4: HyperMesh locations are IPv6, e.g. [2001:db8::1]:30333"
		)),
		Err(_) => Err(format!("--oracle-location {text:?} is not [IPv6]:port")),
	}
}

/// The oracle's PoSpace data: a file of random chunks.
pub struct SpaceData {
	path: PathBuf,
}

impl SpaceData {
	/// The data file in `dir`, made with `chunks` random chunks if it does not exist.
	pub fn open_or_create(dir: &Path, chunks: u64) -> Result<Self, String> {
		std::fs::create_dir_all(dir)
			.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
		let path = dir.join("space.bin");
		if !path.exists() {
			use rand::RngCore;
			let mut bytes = vec![0u8; chunks as usize * CHUNK_SIZE];
			rand::rngs::OsRng.fill_bytes(&mut bytes);
			let partial = dir.join("space.bin.partial");
			std::fs::write(&partial, &bytes)
				.and_then(|()| std::fs::rename(&partial, &path))
				.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
		}
		Ok(Self { path })
	}

	/// The data file in `dir` if it exists (it is never made here: data made after the
	/// commitment could not answer for it).
	pub fn existing(dir: &Path) -> Option<Self> {
		let path = dir.join("space.bin");
		path.exists().then_some(Self { path })
	}

	/// The data, read from disk now: a whole number of chunks.
	pub fn read(&self) -> Result<Vec<u8>, String> {
		let bytes = std::fs::read(&self.path)
			.map_err(|e| format!("cannot read {}: {e}", self.path.display()))?;
		if bytes.is_empty() || bytes.len() % CHUNK_SIZE != 0 {
			return Err(format!(
				"{} is not a whole number of {CHUNK_SIZE}-byte chunks",
				self.path.display()
			));
		}
		Ok(bytes)
	}

	/// The chunks' leaf hashes, read from disk now.
	pub fn leaf_hashes(&self) -> Result<Vec<ct::Hash>, String> {
		Ok(self.read()?.chunks(CHUNK_SIZE).map(ct::leaf_hash).collect())
	}
}

/// What the oracle reports for an asset of `kind`, from a measurement. Capacities the
/// machine cannot tell (a link's bandwidth, container slots) are `None`; a GPU asset on a
/// machine without NVML measures zero devices. `network_mbps` is the measured traffic.
pub fn telemetry_for(kind: &AssetKind, report: &HardwareReport, network_mbps: u64) -> Telemetry {
	match kind {
		AssetKind::Cpu { .. } => {
			let cores = report.cpu.logical_cores as u64;
			let busy = (f64::from(report.cpu.load_percent) / 100.0 * cores as f64).round();
			Telemetry {
				measured_capacity: Some(cores),
				used: (busy.max(0.0) as u64).min(cores),
			}
		}
		AssetKind::Memory { .. } => Telemetry {
			measured_capacity: Some(report.memory.total_bytes / MIB),
			used: report.memory.used_bytes / MIB,
		},
		AssetKind::Storage { .. } => {
			let mut seen = std::collections::BTreeSet::new();
			let (mut total, mut available) = (0u64, 0u64);
			for disk in &report.storage {
				if seen.insert(disk.device.clone()) {
					total = total.saturating_add(disk.total_bytes);
					available = available.saturating_add(disk.available_bytes);
				}
			}
			Telemetry {
				measured_capacity: Some(total / GIB),
				used: total.saturating_sub(available) / GIB,
			}
		}
		AssetKind::Gpu { .. } => match &report.gpu {
			GpuReport::Available { devices, .. } => Telemetry {
				measured_capacity: Some(devices.len() as u64),
				used: devices
					.iter()
					.filter(|device| device.utilization_gpu_percent.unwrap_or(0) > 0)
					.count() as u64,
			},
			GpuReport::Unavailable { .. } => Telemetry {
				measured_capacity: Some(0),
				used: 0,
			},
		},
		AssetKind::Network { .. } => Telemetry {
			measured_capacity: None,
			used: network_mbps,
		},
		AssetKind::Container { .. } => Telemetry {
			measured_capacity: None,
			used: 0,
		},
	}
}

/// The oracle service (see the module docs).
pub struct OracleService<C, P> {
	client: Arc<C>,
	submitter: Submitter<C, P>,
	every: u32,
	dir: PathBuf,
	location: SocketAddrV6,
	space: Option<SpaceData>,
	detector: Detector,
	last_setup: Option<BlockNumber>,
	last_traffic: Option<(u64, Instant)>,
	/// Challenges answered (commitment id, seed), with the block the answer was sent at.
	answered: Vec<((ct::Hash, ct::Hash), BlockNumber)>,
}

impl<C, P> OracleService<C, P>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: HyperMeshAssetsApi<Block, AccountId, BlockNumber>
		+ AccountNonceApi<Block, AccountId, Nonce>,
	P: TransactionPool<Block = Block> + 'static,
{
	/// An oracle reporting every `every` finalized blocks.
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		every: u32,
		dir: PathBuf,
		location: SocketAddrV6,
	) -> Result<Self, String> {
		Ok(Self {
			submitter: Submitter::new(client.clone(), pool, keystore, ORACLE_KEY_TYPE),
			client,
			every,
			dir,
			location,
			space: None,
			detector: Detector::new().map_err(|e| format!("hardware detection: {e}"))?,
			last_setup: None,
			last_traffic: None,
			answered: Vec::new(),
		})
	}

	/// Runs until the node stops.
	pub async fn run(mut self) {
		let mut finality = self.client.finality_notification_stream();
		log::info!(
			target: "hardware-oracle",
			"hardware oracle started: every {} finalized blocks, location {} ({})",
			self.every,
			self.location,
			match self.submitter.account() {
				Some(account) => format!("account {account}"),
				None => "no oracle key (`orcl`) in the keystore: nothing will be reported".into(),
			}
		);
		while let Some(notification) = finality.next().await {
			let number = *sp_runtime::traits::Header::number(&notification.header);
			let Some(me) = self.submitter.account() else {
				continue;
			};
			if let Err(e) = self.answer_challenges(&me, notification.hash, number).await {
				log::warn!(target: "hardware-oracle", "space challenge: {e}");
			}
			if number % self.every != 0 {
				continue;
			}
			if let Err(e) = self.round(&me, notification.hash, number).await {
				log::warn!(target: "hardware-oracle", "hardware oracle: {e}");
			}
		}
	}

	/// Answers the open challenges on the account's commitments that it has not answered
	/// (or answered more than [`RESUBMIT_AFTER_BLOCKS`] ago, in case that answer was lost),
	/// with the challenged chunks as the data file holds them now.
	async fn answer_challenges(
		&mut self,
		me: &AccountId,
		finalized: <Block as BlockT>::Hash,
		number: BlockNumber,
	) -> Result<(), String> {
		let api = self.client.runtime_api();
		let open = api
			.space_challenges(finalized, me.clone())
			.map_err(|e| e.to_string())?;
		self.answered.retain(|((id, seed), _)| {
			open.iter()
				.any(|(open_id, challenge)| open_id == id && challenge.seed == *seed)
		});
		let due: Vec<_> = open
			.into_iter()
			.filter(|(id, challenge)| {
				!self.answered.iter().any(|(answered, at)| {
					*answered == (*id, challenge.seed)
						&& number.saturating_sub(*at) < RESUBMIT_AFTER_BLOCKS
				})
			})
			.collect();
		if due.is_empty() {
			return Ok(());
		}
		// Once per block, not per challenge: the commitments and the data file as it is now.
		let commitments = api
			.space_commitments(finalized, me.clone())
			.map_err(|e| e.to_string())?;
		if self.space.is_none() {
			self.space = SpaceData::existing(&self.dir);
		}
		let data = self
			.space
			.as_ref()
			.ok_or_else(|| format!("no data file in {} to answer from", self.dir.display()))?
			.read()?;
		for (id, challenge) in due {
			let key = (id, challenge.seed);
			let commitment = commitments
				.iter()
				.find_map(|(registered, commitment)| (*registered == id).then_some(commitment))
				.ok_or_else(|| {
					format!("challenged commitment 0x{} is not ours", hex::encode(id))
				})?;
			let chunks = proofs::prove_space_data(
				&challenge.seed,
				&me.encode(),
				commitment,
				&data,
				CHUNK_SIZE,
			)
			.map_err(|e| {
				format!(
					"cannot answer the challenge on 0x{}: {e:?}",
					hex::encode(id)
				)
			})?;
			self.submitter
				.submit(RuntimeCall::AssetRegistry(
					pallet_hypermesh_assets::Call::answer_challenge {
						commitment: id,
						chunks,
					},
				))
				.await?;
			self.answered.retain(|(answered, _)| *answered != key);
			self.answered.push((key, number));
			log::info!(
				target: "hardware-oracle",
				"answered the space challenge on 0x{} (deadline block {})",
				hex::encode(id),
				challenge.deadline
			);
		}
		Ok(())
	}

	/// Network traffic since the last call, in Mbit/s (0 the first time).
	fn traffic_mbps(&mut self, report: &HardwareReport) -> u64 {
		let bytes = report
			.network
			.iter()
			.filter(|interface| interface.name != "lo")
			.map(|interface| {
				interface
					.received_bytes
					.saturating_add(interface.transmitted_bytes)
			})
			.fold(0u64, u64::saturating_add);
		let now = Instant::now();
		let mbps = match self.last_traffic {
			Some((before, at)) if now > at => {
				let seconds = now.duration_since(at).as_secs_f64();
				(bytes.saturating_sub(before) as f64 * 8.0 / 1_000_000.0 / seconds) as u64
			}
			_ => 0,
		};
		self.last_traffic = Some((bytes, now));
		mbps
	}

	async fn round(
		&mut self,
		me: &AccountId,
		finalized: <Block as BlockT>::Hash,
		number: BlockNumber,
	) -> Result<(), String> {
		let api = self.client.runtime_api();
		let parameters = api.proof_parameters(finalized).map_err(|e| e.to_string())?;
		if self.space.is_none() {
			let chunks = DEFAULT_CHUNKS.max(parameters.min_space_chunks);
			self.space = Some(SpaceData::open_or_create(&self.dir, chunks)?);
		}
		let leaves = self
			.space
			.as_ref()
			.map(SpaceData::leaf_hashes)
			.transpose()?
			.unwrap_or_default();
		let commitment = SpaceCommitment {
			root: ct::root(&leaves),
			chunks: leaves.len() as u64,
			address: self.location.ip().octets(),
			port: self.location.port(),
		};

		// 1. Be able to prove: stake bonded, commitment registered.
		let bonded = api
			.bonded_stake(finalized, me.clone())
			.map_err(|e| e.to_string())?;
		let committed = api
			.space_commitments(finalized, me.clone())
			.map_err(|e| e.to_string())?
			.iter()
			.any(|(id, registered)| *id == commitment.id() && *registered == commitment);
		if bonded < parameters.minimum_stake || !committed {
			if self
				.last_setup
				.is_some_and(|at| number.saturating_sub(at) < RESUBMIT_AFTER_BLOCKS)
			{
				return Ok(());
			}
			if bonded < parameters.minimum_stake {
				let amount = parameters.minimum_stake - bonded;
				self.submitter
					.submit(RuntimeCall::AssetRegistry(
						pallet_hypermesh_assets::Call::bond { amount },
					))
					.await?;
				self.last_setup = Some(number);
				log::info!(target: "hardware-oracle", "bonding {amount} for PoStake");
			}
			if !committed {
				let id = commitment.id();
				self.submitter
					.submit(RuntimeCall::AssetRegistry(
						pallet_hypermesh_assets::Call::commit_space { commitment },
					))
					.await?;
				log::info!(
					target: "hardware-oracle",
					"committing {} chunks of space data (0x{})",
					leaves.len(),
					hex::encode(id)
				);
			}
			self.last_setup = Some(number);
			return Ok(());
		}

		// 2. Measure.
		let assets = api
			.assets_of(finalized, me.clone())
			.map_err(|e| e.to_string())?;
		if assets.is_empty() {
			return Ok(());
		}
		let report = self.detector.refresh();
		let network_mbps = self.traffic_mbps(&report);

		// 3. Report each asset with a proof.
		let signer = me.encode();
		let time = TimeProof {
			number,
			hash: finalized.into(),
		};
		// The challenges depend on the block, the signer and the commitment, not on the
		// asset: one answer serves every report of this round.
		let space = proofs::prove_space(
			&time.hash,
			&signer,
			&leaves,
			commitment.address,
			commitment.port,
		)
		.map_err(|e| format!("PoSpace: {e:?}"))?;
		for (id, asset) in assets {
			let telemetry = telemetry_for(&asset.kind, &report, network_mbps);
			let operation =
				pallet_hypermesh_assets::Call::<Runtime>::telemetry_operation(id, &telemetry);
			let start = rand::random::<u64>() >> 1;
			let work = proofs::solve_work(
				&operation,
				&signer,
				&time,
				parameters.work_difficulty,
				start,
			)
			.ok_or("PoWork: no nonce found")?;
			let proof = ConsensusProof {
				space: space.clone(),
				stake: StakeProof {
					bonded: parameters.minimum_stake,
				},
				work,
				time: time.clone(),
			};
			self.submitter
				.submit(RuntimeCall::AssetRegistry(
					pallet_hypermesh_assets::Call::report_telemetry {
						asset: id,
						telemetry,
						proof,
					},
				))
				.await?;
			log::info!(
				target: "hardware-oracle",
				"reported asset {id}: measured {:?}, used {} (detection {} µs)",
				telemetry.measured_capacity,
				telemetry.used,
				report.detection_micros
			);
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn locations_must_be_ipv6() {
		assert!(parse_location("[2001:db8::1]:30333").is_ok());
		assert!(parse_location("[::1]:1").is_ok());
		let v4 = parse_location("192.0.2.1:30333").unwrap_err();
		assert!(v4.contains("IPv4"), "{v4}");
		assert!(parse_location("[::1]:0").is_err());
		assert!(parse_location("node.hypermesh:30333").is_err());
	}

	#[test]
	fn space_data_is_made_once_and_read_from_disk() {
		let dir = std::env::temp_dir().join(format!("hm-oracle-space-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		assert!(SpaceData::existing(&dir).is_none());
		let space = SpaceData::open_or_create(&dir, 16).unwrap();
		let leaves = space.leaf_hashes().unwrap();
		assert_eq!(leaves.len(), 16);
		assert_eq!(
			SpaceData::existing(&dir).unwrap().read().unwrap(),
			space.read().unwrap()
		);
		// Opening again keeps the data.
		assert_eq!(
			SpaceData::open_or_create(&dir, 64)
				.unwrap()
				.leaf_hashes()
				.unwrap(),
			leaves
		);
		// Changed data changes the answers; truncated data is refused.
		let path = dir.join("space.bin");
		let mut bytes = std::fs::read(&path).unwrap();
		bytes[5 * CHUNK_SIZE] ^= 1;
		std::fs::write(&path, &bytes).unwrap();
		let changed = space.leaf_hashes().unwrap();
		assert_ne!(changed[5], leaves[5]);
		assert_eq!(changed[4], leaves[4]);
		std::fs::write(&path, &bytes[..CHUNK_SIZE + 1]).unwrap();
		assert!(space.leaf_hashes().is_err());
		let _ = std::fs::remove_dir_all(&dir);
	}

	#[test]
	fn telemetry_follows_the_measurement() {
		let report = hardware_oracle::detect().unwrap();
		let cpu = telemetry_for(&AssetKind::Cpu { cores: 1, mhz: 1 }, &report, 0);
		assert_eq!(cpu.measured_capacity, Some(report.cpu.logical_cores as u64));
		assert!(cpu.used <= report.cpu.logical_cores as u64);
		let memory = telemetry_for(&AssetKind::Memory { mib: 1 }, &report, 0);
		assert_eq!(
			memory.measured_capacity,
			Some(report.memory.total_bytes / MIB)
		);
		assert!(memory.used <= memory.measured_capacity.unwrap());
		let storage = telemetry_for(&AssetKind::Storage { gib: 1 }, &report, 0);
		assert!(storage.used <= storage.measured_capacity.unwrap());
		let gpu = telemetry_for(
			&AssetKind::Gpu {
				devices: 1,
				memory_mib: 1,
			},
			&report,
			0,
		);
		match &report.gpu {
			GpuReport::Unavailable { .. } => assert_eq!(gpu.measured_capacity, Some(0)),
			GpuReport::Available { devices, .. } => {
				assert_eq!(gpu.measured_capacity, Some(devices.len() as u64))
			}
		}
		let network = telemetry_for(&AssetKind::Network { mbps: 1 }, &report, 42);
		assert_eq!(
			network,
			Telemetry {
				measured_capacity: None,
				used: 42
			}
		);
	}
}
