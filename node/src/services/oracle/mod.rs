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
//! 3. for every asset the account owns, turns the measurement into
//!    [`Telemetry`](pallet_hypermesh_assets::Telemetry) for the asset's kind
//!    ([`telemetry_for`]) and submits `report_telemetry` with a consensus proof built
//!    here: the finalized block as PoTime, the answers to that block's PoSpace challenges
//!    read back from the data file, the bonded stake, and PoWork solved at the chain's
//!    difficulty.
//!
//! The data file (`DIR/space.bin`, `--oracle-dir`, default `<base-path>/hardware-oracle`)
//! is random bytes in 4 KiB chunks made once ([`space`]); its Merkle root is the
//! commitment, bound to `--oracle-location` (an IPv6 address and port). Every answer is
//! hashed from the file as it is on disk at that moment, so a provider that deletes the
//! data cannot answer.
//!
//! On every finalized block, it also answers the open space challenges (audits) on its
//! commitments (`answer_challenge`) with the challenged chunks' bytes read from the data
//! file: a wrong or missing answer costs every asset of the account reputation.
//!
//! It records every commitment it makes in `DIR/commitments` ([`ledger`]) before
//! submitting it, and in each round withdraws (`withdraw_space`) the recorded ones that
//! are no longer its current commitment (its data file was lost and made anew, or
//! `--oracle-location` changed) once they have no open challenge. Commitments it did not
//! make are never touched.

pub mod ledger;
mod space;
mod telemetry;

use std::{net::SocketAddrV6, path::PathBuf, sync::Arc, time::Instant};

use codec::Encode;
use hardware_oracle::{Detector, HardwareReport};
use hypermesh_primitives::{ct, proofs};
use hypermesh_runtime::{AccountId, BlockNumber, Runtime, RuntimeCall};
use pallet_hypermesh_assets::{ConsensusProof, SpaceCommitment, StakeProof, TimeProof};
use pallet_hypermesh_assets_runtime_api::HyperMeshAssetsApi;
use sp_core::crypto::KeyTypeId;
use sp_keystore::KeystorePtr;

pub use space::{SpaceData, CHUNK_SIZE};
pub use telemetry::telemetry_for;

use prometheus_endpoint::{Counter, CounterVec, Gauge, PrometheusError, Registry, I64, U64};

use super::{
	metrics, BlockHash, FinalityService, ServiceClient, ServiceError, ServicePool, Submitter,
};
use crate::encoding::hex;
use ledger::Ledger;

/// The keystore key type of the oracle's account (sr25519).
pub const ORACLE_KEY_TYPE: KeyTypeId = KeyTypeId(*b"orcl");

/// The fewest chunks the data file is made with (more if the chain asks for more).
pub const DEFAULT_CHUNKS: u64 = 64;

/// After how many finalized blocks a set-up transaction (bond, commitment) is repeated.
const RESUBMIT_AFTER_BLOCKS: BlockNumber = 10;

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

/// The hardware oracle's own failures.
#[derive(Debug, thiserror::Error)]
pub enum OracleServiceError {
	/// `--oracle-location` has port 0.
	#[error("--oracle-location {0}: port 0")]
	PortZero(String),
	/// `--oracle-location` is IPv4.
	#[error(
		"--oracle-location {0} is IPv4: HyperMesh locations are IPv6, e.g. [2001:db8::1]:30333"
	)]
	Ipv4Location(String),
	/// `--oracle-location` is not a socket address.
	#[error("--oracle-location {0:?} is not [IPv6]:port")]
	NotLocation(String),
	/// The machine cannot be measured.
	#[error("hardware detection: {0}")]
	Detection(hardware_oracle::OracleError),
	/// The ledger of the oracle's commitments has a malformed line (0: not UTF-8).
	#[error("{}: line {line} is not `<SS58 account> 0x<commitment id>`", path.display())]
	BadLedger {
		/// The ledger file.
		path: PathBuf,
		/// The malformed line, from 1.
		line: usize,
	},
	/// The data file is not a whole number of chunks.
	#[error("{} is not a whole number of {}-byte chunks", .0.display(), CHUNK_SIZE)]
	NotChunks(PathBuf),
	/// There is no data file to answer a challenge from.
	#[error("no data file in {} to answer from", .0.display())]
	NoDataFile(PathBuf),
	/// A challenge names a commitment the account does not have.
	#[error("challenged commitment {} is not ours", hex(.0))]
	NotOurs(ct::Hash),
	/// A challenge cannot be answered from the data file.
	#[error("cannot answer the challenge on {}: {error:?}", hex(.commitment))]
	Answer {
		/// The challenged commitment.
		commitment: ct::Hash,
		/// Why.
		error: proofs::ProofError,
	},
	/// The round's PoSpace proof cannot be built.
	#[error("PoSpace: {0:?}")]
	Space(proofs::ProofError),
	/// No PoWork nonce meets the difficulty.
	#[error("PoWork: no nonce found")]
	NoWork,
}

/// Parses `--oracle-location`: an IPv6 socket address; IPv4 gets a clear error.
pub fn parse_location(text: &str) -> Result<SocketAddrV6, OracleServiceError> {
	match text.parse::<std::net::SocketAddr>() {
		Ok(std::net::SocketAddr::V6(address)) if address.port() != 0 => Ok(address),
		Ok(std::net::SocketAddr::V6(_)) => Err(OracleServiceError::PortZero(text.into())),
		Ok(std::net::SocketAddr::V4(_)) => Err(OracleServiceError::Ipv4Location(text.into())),
		Err(_) => Err(OracleServiceError::NotLocation(text.into())),
	}
}

/// The oracle service (see the module docs).
pub struct OracleService<C, P> {
	metrics: OracleMetrics,
	/// The challenges open on the account's commitments at the last finalized block.
	open_challenges: Vec<(ct::Hash, ct::Hash)>,
	client: Arc<C>,
	submitter: Submitter<C, P>,
	every: u32,
	dir: PathBuf,
	location: SocketAddrV6,
	space: Option<SpaceData>,
	detector: Detector,
	/// When set-up transactions were last sent, and for which commitment: a new
	/// commitment (data made anew, another location) is sent without waiting.
	last_setup: Option<(BlockNumber, ct::Hash)>,
	last_traffic: Option<(u64, Instant)>,
	/// Challenges answered (commitment id, seed), with the block the answer was sent at.
	answered: Vec<((ct::Hash, ct::Hash), BlockNumber)>,
	/// Old commitments whose withdrawal was sent, with the block it was sent at.
	withdrawn: Vec<(ct::Hash, BlockNumber)>,
}

/// The oracle's Prometheus metrics.
struct OracleMetrics {
	/// Telemetry reports (`report_telemetry`, each with its four proofs) submitted.
	reports: Counter<U64>,
	/// Space challenges, by result: `answered` (the answer was submitted), `failed` (a
	/// block's answering failed; the log says why), `missed` (a challenge closed without an
	/// answer from this node).
	challenges: CounterVec<U64>,
	/// Challenges open on the account's commitments at the last finalized block.
	open: Gauge<I64>,
}

impl OracleMetrics {
	fn register(registry: Option<&Registry>) -> Result<Self, PrometheusError> {
		Ok(Self {
			reports: metrics::counter(
				registry,
				"hypermesh_oracle_reports_total",
				"Telemetry reports the hardware oracle submitted, each with its four proofs",
			)?,
			challenges: metrics::counter_vec(
				registry,
				"hypermesh_oracle_challenges_total",
				"Space challenges on the oracle's commitments, by result (answered, failed, missed)",
				&["result"],
				&[&["answered"], &["failed"], &["missed"]],
			)?,
			open: metrics::gauge(
				registry,
				"hypermesh_oracle_challenges_open",
				"Space challenges open on the oracle's commitments at the last finalized block",
			)?,
		})
	}
}

impl<C: ServiceClient, P: ServicePool> OracleService<C, P> {
	/// An oracle reporting every `every` finalized blocks.
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		every: u32,
		dir: PathBuf,
		location: SocketAddrV6,
		registry: Option<&Registry>,
	) -> Result<Self, ServiceError> {
		Ok(Self {
			metrics: OracleMetrics::register(registry)?,
			open_challenges: Vec::new(),
			submitter: Submitter::new(client.clone(), pool, keystore, ORACLE_KEY_TYPE),
			client,
			every,
			dir,
			location,
			space: None,
			detector: Detector::new().map_err(OracleServiceError::Detection)?,
			last_setup: None,
			last_traffic: None,
			answered: Vec::new(),
			withdrawn: Vec::new(),
		})
	}

	/// Answers the open challenges on the account's commitments that it has not answered
	/// (or answered more than [`RESUBMIT_AFTER_BLOCKS`] ago, in case that answer was lost),
	/// with the challenged chunks as the data file holds them now.
	async fn answer_challenges(
		&mut self,
		me: &AccountId,
		finalized: BlockHash,
		number: BlockNumber,
	) -> Result<(), ServiceError> {
		let api = self.client.runtime_api();
		let open = api.space_challenges(finalized, me.clone())?;
		// A challenge open at the last block and closed now, never answered, was missed.
		for closed in self.open_challenges.iter().filter(|key| {
			!open
				.iter()
				.any(|(id, challenge)| **key == (*id, challenge.seed))
		}) {
			if !self.answered.iter().any(|(answered, _)| answered == closed) {
				self.metrics.challenges.with_label_values(&["missed"]).inc();
			}
		}
		self.open_challenges = open
			.iter()
			.map(|(id, challenge)| (*id, challenge.seed))
			.collect();
		self.metrics.open.set(open.len() as i64);
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
		let commitments = api.space_commitments(finalized, me.clone())?;
		if self.space.is_none() {
			self.space = SpaceData::existing(&self.dir);
		}
		let data = self
			.space
			.as_ref()
			.ok_or_else(|| OracleServiceError::NoDataFile(self.dir.clone()))?
			.read()?;
		for (id, challenge) in due {
			let key = (id, challenge.seed);
			let commitment = commitments
				.iter()
				.find_map(|(registered, commitment)| (*registered == id).then_some(commitment))
				.ok_or(OracleServiceError::NotOurs(id))?;
			let chunks = proofs::prove_space_data(
				&challenge.seed,
				&me.encode(),
				commitment,
				&data,
				CHUNK_SIZE,
			)
			.map_err(|error| OracleServiceError::Answer {
				commitment: id,
				error,
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
			self.metrics
				.challenges
				.with_label_values(&["answered"])
				.inc();
			log::info!(
				target: "hardware-oracle",
				"answered the space challenge on {} (deadline block {})",
				hex(&id),
				challenge.deadline
			);
		}
		Ok(())
	}

	/// Records `current` in the ledger (before it is ever submitted), forgets the recorded
	/// commitments of `me` the chain no longer has, and withdraws the recorded ones that are
	/// on chain, are not `current` and have no open challenge (a withdrawal is sent again
	/// if it is still on chain [`RESUBMIT_AFTER_BLOCKS`] later).
	async fn withdraw_stale(
		&mut self,
		me: &AccountId,
		finalized: BlockHash,
		number: BlockNumber,
		current: &ct::Hash,
		on_chain: &[(ct::Hash, SpaceCommitment)],
	) -> Result<(), ServiceError> {
		let records = Ledger::new(&self.dir);
		let entries = records.read()?;
		let kept = ledger::kept_entries(&entries, me, on_chain, current);
		if kept != entries {
			records.write(&kept)?;
		}
		let stale = ledger::stale_commitments(&entries, me, on_chain, current);
		self.withdrawn.retain(|(id, _)| stale.contains(id));
		if stale.is_empty() {
			return Ok(());
		}
		let challenged: Vec<ct::Hash> = self
			.client
			.runtime_api()
			.space_challenges(finalized, me.clone())?
			.into_iter()
			.map(|(id, _)| id)
			.collect();
		for id in ledger::unchallenged(stale, &challenged) {
			if self.withdrawn.iter().any(|(withdrawn, at)| {
				*withdrawn == id && number.saturating_sub(*at) < RESUBMIT_AFTER_BLOCKS
			}) {
				continue;
			}
			self.submitter
				.submit(RuntimeCall::AssetRegistry(
					pallet_hypermesh_assets::Call::withdraw_space { id },
				))
				.await?;
			self.withdrawn.retain(|(withdrawn, _)| *withdrawn != id);
			self.withdrawn.push((id, number));
			log::info!(
				target: "hardware-oracle",
				"withdrawing the old space commitment {} (no longer this node's)",
				hex(&id)
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
		finalized: BlockHash,
		number: BlockNumber,
	) -> Result<(), ServiceError> {
		let client = self.client.clone();
		let api = client.runtime_api();
		let parameters = api.proof_parameters(finalized)?;
		// The data file is made anew if it was lost (its old commitment is then withdrawn).
		if !self.space.as_ref().is_some_and(SpaceData::exists) {
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

		// 1. Be able to prove: old commitments withdrawn, stake bonded, commitment
		// registered.
		let id = commitment.id();
		let on_chain = api.space_commitments(finalized, me.clone())?;
		self.withdraw_stale(me, finalized, number, &id, &on_chain)
			.await?;
		let bonded = api.bonded_stake(finalized, me.clone())?;
		let committed = on_chain
			.iter()
			.any(|(registered_id, registered)| *registered_id == id && *registered == commitment);
		if bonded < parameters.minimum_stake || !committed {
			if self.last_setup.is_some_and(|(at, sent)| {
				sent == id && number.saturating_sub(at) < RESUBMIT_AFTER_BLOCKS
			}) {
				return Ok(());
			}
			if bonded < parameters.minimum_stake {
				let amount = parameters.minimum_stake - bonded;
				self.submitter
					.submit(RuntimeCall::Caesar(pallet_caesar::Call::bond { amount }))
					.await?;
				self.last_setup = Some((number, id));
				log::info!(target: "hardware-oracle", "bonding {amount} for PoStake");
			}
			if !committed {
				self.submitter
					.submit(RuntimeCall::AssetRegistry(
						pallet_hypermesh_assets::Call::commit_space { commitment },
					))
					.await?;
				log::info!(
					target: "hardware-oracle",
					"committing {} chunks of space data ({})",
					leaves.len(),
					hex(&id)
				);
			}
			self.last_setup = Some((number, id));
			return Ok(());
		}

		// 2. Measure.
		let assets = api.assets_of(finalized, me.clone())?;
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
		.map_err(OracleServiceError::Space)?;
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
			.ok_or(OracleServiceError::NoWork)?;
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
			self.metrics.reports.inc();
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

impl<C: ServiceClient, P: ServicePool> FinalityService for OracleService<C, P> {
	const TASK: &'static str = "hardware-oracle";
	const GROUP: &'static str = "hardware-oracle";
	const LOG_TARGET: &'static str = "hardware-oracle";
	const NAME: &'static str = "hardware oracle";

	fn started(&mut self) {
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
	}

	/// Answers the space challenges (a failure is logged here, as a space challenge's),
	/// then, every `every` blocks, runs a reporting round (whose failure the driver logs).
	async fn on_finalized(
		&mut self,
		finalized: BlockHash,
		number: BlockNumber,
	) -> Result<(), ServiceError> {
		let Some(me) = self.submitter.account() else {
			return Ok(());
		};
		if let Err(e) = self.answer_challenges(&me, finalized, number).await {
			log::warn!(target: "hardware-oracle", "space challenge: {e}");
			self.metrics.challenges.with_label_values(&["failed"]).inc();
		}
		if number % self.every != 0 {
			return Ok(());
		}
		self.round(&me, finalized, number).await
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn locations_must_be_ipv6() {
		assert!(parse_location("[2001:db8::1]:30333").is_ok());
		assert!(parse_location("[::1]:1").is_ok());
		let v4 = parse_location("192.0.2.1:30333").unwrap_err().to_string();
		assert!(v4.contains("IPv4"), "{v4}");
		assert!(parse_location("[::1]:0").is_err());
		assert!(parse_location("node.hypermesh:30333").is_err());
	}
}
