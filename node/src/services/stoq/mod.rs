//! The node's STOQ endpoint: post-quantum QUIC between HyperMesh nodes, authenticated by
//! TrustChain certificates, serving name lookups from TrustChain state ("DNS over STOQ"),
//! and finding its peers through TrustChain SRV records.
//!
//! Started with `--stoq-port <PORT>` next to the certificate holder service
//! (`--trustchain-holder-dir`, whose certificate and keys are the node's STOQ identity).
//! Once the holder has a certificate, the service:
//!
//! * listens on `[::]:<PORT>` (IPv6 only) with the `--stoq-policy` (default `pq-required`:
//!   only the hybrid X25519 + ML-KEM-1024 key exchange);
//! * trusts the chain's certificate authorities (CA certificate + FALCON-1024 key), and
//!   reloads them, and the holder's certificate after a renewal, on the next finalized
//!   block after they change (no restart); it asks the chain whether a peer's
//!   certificate is revoked, and a certificate the chain has not logged counts as revoked
//!   (fail closed) — see [`trust`];
//! * answers requests `{"op":"resolve","name":"…"}` with the name's TrustChain records
//!   (the same JSON as `trustchain_resolve`) and `{"op":"ping"}` with the node's names;
//! * answers DNS over QUIC (RFC 9250, ALPN `doq`) on the same port: standard DNS queries
//!   for AAAA, SRV and TXT records of names in the chain's zone, from the best finalized
//!   block (see [`doq`]). DoQ clients present no certificate, so a client certificate is
//!   optional in TLS, and a STOQ (`stoq/1`) connection without one is closed right after
//!   the handshake. Ordinary DoQ clients speak only classical key exchanges: they can
//!   connect under `--stoq-policy pq-preferred`, not under `pq-required`;
//! * with `--stoq-advertise <IPv6>`, publishes the holder's first name as `AAAA <IPv6>`
//!   and `SRV 0 0 <PORT> <name>`, signed by the holder account;
//! * connects to each `--stoq-peers` name: its SRV record gives a host name and port, the
//!   host name's AAAA record the address; no address is configured by hand (see [`dns`]).
//!
//! `stoq_status` (RPC) shows the endpoint and each peer's state ([`status`]). A node built
//! with the `stoq-ebpf` feature and started with `--stoq-kernel-counters` also counts, with
//! an eBPF socket filter, what the kernel delivers to the endpoint's socket (`kernel_rx` in
//! `stoq_status`, and Prometheus counters; see [`metrics`]): traffic quinn never saw shows
//! up there.
//!
//! The service's Prometheus metrics (see [`metrics`]): `hypermesh_stoq_peers`,
//! `hypermesh_stoq_handshakes_total{result,reason}`,
//! `hypermesh_stoq_handshake_duration_seconds`, `hypermesh_stoq_sent_bytes_total`,
//! `hypermesh_stoq_received_bytes_total` (the connections to `--stoq-peers`, as quinn counts
//! them), `hypermesh_name_resolution_requests_total{result}` and
//! `hypermesh_name_resolution_duration_seconds` (DNS over STOQ and DNS over QUIC).

mod dns;
mod doq;
mod metrics;
mod status;
mod trust;

use std::{
	collections::HashMap,
	net::{Ipv6Addr, SocketAddr},
	path::PathBuf,
	sync::Arc,
	time::Instant,
};

use hypermesh_runtime::BlockNumber;
use prometheus_endpoint::Registry;
use sp_keystore::KeystorePtr;
use stoq::{
	config::PqPolicy,
	endpoint::{StoqConnection, StoqNode},
};

pub use status::{SharedStatus, StoqStatus};

use self::{
	dns::DnsOverStoq,
	doq::DnsOverQuic,
	metrics::{HandshakeOutcome, KernelRxMetrics, ResolutionMetrics, StoqMetrics, Traffic},
	status::PeerStatus,
	trust::LoadedFrom,
};
use super::{
	holder::HOLDER_KEY_TYPE, BlockHash, FinalityService, ServiceClient, ServiceError, ServicePool,
	Submitter,
};

/// Command-line options of the STOQ service.
#[derive(Debug, Clone, clap::Args)]
pub struct StoqParams {
	/// Run a STOQ endpoint on `[::]:<PORT>` (needs `--trustchain-holder-dir`).
	#[arg(long, value_name = "PORT")]
	pub stoq_port: Option<u16>,

	/// `pq-required` (only the hybrid post-quantum key exchange) or `pq-preferred`.
	#[arg(long, value_name = "POLICY", default_value = "pq-required")]
	pub stoq_policy: PqPolicy,

	/// Publish the holder's first name as AAAA (this address) and SRV (the STOQ port).
	#[arg(long, value_name = "IPV6")]
	pub stoq_advertise: Option<Ipv6Addr>,

	/// TrustChain names of peers to connect to (comma-separated), found by their SRV
	/// and AAAA records.
	#[arg(long, value_name = "NAMES", value_delimiter = ',')]
	pub stoq_peers: Vec<String>,

	/// Count the datagrams and bytes the kernel delivers to the STOQ socket with an eBPF
	/// socket filter (needs CAP_BPF or root): reported by `stoq_status` (`kernel_rx`) and
	/// as Prometheus counters `hypermesh_stoq_kernel_rx_*_total`, updated every finalized
	/// block. Only in nodes built with the `stoq-ebpf` feature.
	#[cfg(feature = "stoq-ebpf")]
	#[arg(long)]
	pub stoq_kernel_counters: bool,
}

/// The STOQ service's own failures (shown in `stoq_status` as `waiting_for` until the
/// endpoint is up, and as peers' `detail`).
#[derive(Debug, thiserror::Error)]
pub enum StoqServiceError {
	/// `--stoq-port` without `--trustchain-holder-dir`.
	#[error(
		"--stoq-port needs --trustchain-holder-dir: the holder's TrustChain certificate \
		 is the node's STOQ identity"
	)]
	NoHolder,
	/// A runtime API call failed.
	#[error("runtime: {0}")]
	Runtime(sp_api::ApiError),
	/// An authority's CA certificate on chain does not parse.
	#[error("authority {id}: {error:?}")]
	Authority {
		/// The authority's id.
		id: u32,
		/// Why its certificate does not parse.
		error: hypermesh_primitives::x509::X509Error,
	},
	/// The runtime's DNS zone is not a domain name.
	#[error("the chain's zone {0:?} is not a domain name")]
	Zone(String),
	/// The trust anchors or the endpoint cannot be set up.
	#[error("{0}")]
	Endpoint(stoq::StoqError),
	/// The endpoint cannot bind its port.
	#[error("cannot bind [::]:{port}: {source}")]
	Bind {
		/// The port.
		port: u16,
		/// Why.
		source: stoq::StoqError,
	},
	/// The endpoint cannot take a new configuration.
	#[error("reload: {0}")]
	Reload(stoq::StoqError),
	/// The SRV target is longer than the chain accepts.
	#[error("SRV target too long")]
	SrvTargetTooLong,
	/// TXT records are not published.
	#[error("no TXT published")]
	NoTxt,
	/// The name is longer than the chain accepts.
	#[error("name too long")]
	NameTooLong,
	/// More records than the chain accepts.
	#[error("too many records")]
	TooManyRecords,
	/// A peer's (or its SRV target's) name is not registered.
	#[error("{0} is not registered")]
	NotRegistered(String),
	/// A peer has no SRV record.
	#[error("{0} has no SRV record")]
	NoSrv(String),
	/// A peer's SRV target is not UTF-8.
	#[error("SRV target is not UTF-8")]
	SrvTargetNotUtf8,
	/// A peer's SRV target has no AAAA record.
	#[error("{0} has no AAAA record")]
	NoAaaa(String),
	/// The connection to a peer failed.
	#[error("connect: {0}")]
	Connect(stoq::StoqError),
	/// A peer did not answer `ping`.
	#[error("ping: {0}")]
	Ping(stoq::StoqError),
}

/// A connected peer.
struct Connected {
	address: SocketAddr,
	connection: StoqConnection,
	/// Its answer to `ping`.
	answer: String,
}

/// A peer that could not be connected to.
struct PeerFailure {
	/// Its address, if discovery got that far.
	address: Option<SocketAddr>,
	error: StoqServiceError,
}

/// The STOQ service (see the module docs).
pub struct StoqService<C, P> {
	client: Arc<C>,
	submitter: Submitter<C, P>,
	params: StoqParams,
	holder_dir: PathBuf,
	names: Vec<String>,
	status: SharedStatus,
	node: Option<Arc<StoqNode>>,
	loaded: Option<LoadedFrom>,
	connections: HashMap<String, StoqConnection>,
	last_publish: Option<BlockNumber>,
	/// Prometheus counters of the kernel counters, when they are on and Prometheus is.
	kernel_metrics: Option<KernelRxMetrics>,
	/// Peers, handshakes and bytes.
	metrics: StoqMetrics,
	/// Name resolution requests.
	resolution: ResolutionMetrics,
	/// The last byte counts read from each peer's connection.
	traffic: Traffic,
}

impl<C: ServiceClient, P: ServicePool> StoqService<C, P> {
	/// A STOQ service using the holder's certificate in `holder_dir` for `names`; its
	/// metrics, and the kernel counters when on, are registered with `registry`.
	#[allow(clippy::too_many_arguments)]
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		params: StoqParams,
		holder_dir: PathBuf,
		names: Vec<String>,
		status: SharedStatus,
		registry: Option<&Registry>,
	) -> Result<Self, ServiceError> {
		let kernel_metrics = registry
			.filter(|_| metrics::kernel_counters_on(&params))
			.and_then(|r| {
				KernelRxMetrics::register(r)
					.map_err(|e| log::warn!(target: "stoq", "STOQ kernel counter metrics: {e}"))
					.ok()
			});
		Ok(Self {
			kernel_metrics,
			metrics: StoqMetrics::register(registry)?,
			resolution: ResolutionMetrics::register(registry)?,
			traffic: Traffic::default(),
			submitter: Submitter::new(client.clone(), pool, keystore, HOLDER_KEY_TYPE),
			client,
			params,
			holder_dir,
			names,
			status,
			node: None,
			loaded: None,
			connections: HashMap::new(),
			last_publish: None,
		})
	}

	/// Reads the kernel counters (if on) into the status and the Prometheus counters.
	fn read_kernel_counters(&mut self) {
		let Some(node) = &self.node else { return };
		let Some(reading) = metrics::kernel_counters_of(node) else {
			return;
		};
		match reading {
			Ok(now) => {
				if let Some(metrics) = self.kernel_metrics.as_mut() {
					metrics.advance(now);
				}
				self.set_status(|s| s.kernel_rx = Some(now));
			}
			Err(e) => log::warn!(target: "stoq", "STOQ kernel counters: {e}"),
		}
	}

	fn set_status(&self, f: impl FnOnce(&mut StoqStatus)) {
		if let Ok(mut status) = self.status.lock() {
			f(&mut status);
		}
	}

	/// Binds the endpoint with the holder's identity and the chain's trust anchors.
	fn start(&mut self) -> Result<(), ServiceError> {
		let loaded = self.current_sources()?;
		let config = self
			.config_from(&loaded)?
			.with_dns(Arc::new(DnsOverQuic::new(
				self.client.clone(),
				self.resolution.clone(),
			)?));
		let port = self.params.stoq_port.unwrap_or_default();
		let node = metrics::bind(
			&self.params,
			SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
			config,
		)
		.map_err(|source| StoqServiceError::Bind { port, source })?;
		let address = node.local_addr().map_err(StoqServiceError::Endpoint)?;
		node.serve(Arc::new(DnsOverStoq {
			client: self.client.clone(),
			names: self.names.clone(),
			metrics: self.resolution.clone(),
		}));
		log::info!(target: "stoq", "STOQ endpoint on {address} ({:?})", self.params.stoq_policy);
		self.set_status(|s| {
			s.listening = Some(address.to_string());
			s.waiting_for = None;
		});
		self.node = Some(Arc::new(node));
		self.loaded = Some(loaded);
		Ok(())
	}

	/// Reloads the endpoint when the holder installed a new certificate (renewal rotates
	/// the keys) or the chain's certificate authorities changed, so new handshakes use
	/// them without a restart.
	fn reload_if_changed(&mut self) -> Result<(), ServiceError> {
		let Some(node) = self.node.clone() else {
			return Ok(());
		};
		let loaded = self.current_sources()?;
		if self.loaded.as_ref() == Some(&loaded) {
			return Ok(());
		}
		let config = self.config_from(&loaded)?;
		node.reload(&config).map_err(StoqServiceError::Reload)?;
		log::info!(
			target: "stoq",
			"STOQ endpoint reloaded: {} certificate authorities, holder certificate of {} bytes",
			loaded.authorities.len(),
			loaded.certificate.len()
		);
		self.loaded = Some(loaded);
		Ok(())
	}

	/// Finds each peer through SRV and AAAA records and connects to it.
	async fn connect_peers(&mut self) {
		let Some(node) = self.node.clone() else {
			return;
		};
		for peer in self.params.stoq_peers.clone() {
			if self.connections.get(&peer).is_some_and(|c| !c.is_closed()) {
				continue;
			}
			let outcome = self.connect_peer(&node, &peer).await;
			let status = match outcome {
				Ok(Connected {
					address,
					connection,
					answer,
				}) => {
					log::info!(target: "stoq", "STOQ peer {peer} at {address}: {answer}");
					if let Some(old) = self.connections.insert(peer.clone(), connection) {
						// The replaced connection's last bytes, then the new one's from zero.
						self.traffic.advance(&self.metrics, &peer, &old);
						self.traffic.forget(&peer);
					}
					PeerStatus {
						address: Some(address.to_string()),
						connected: true,
						detail: answer,
					}
				}
				Err(PeerFailure { address, error }) => PeerStatus {
					address: address.map(|a| a.to_string()),
					connected: false,
					detail: error.to_string(),
				},
			};
			self.set_status(|s| {
				s.peers.insert(peer.clone(), status);
			});
		}
		self.read_traffic();
	}

	/// Advances the byte counters to each peer connection's reading and sets the number of
	/// connected peers.
	fn read_traffic(&mut self) {
		for (peer, connection) in &self.connections {
			self.traffic.advance(&self.metrics, peer, connection);
		}
		self.metrics
			.set_peers(self.connections.values().filter(|c| !c.is_closed()).count());
	}

	async fn connect_peer(&self, node: &StoqNode, peer: &str) -> Result<Connected, PeerFailure> {
		let (host, address) = self.discover(peer).map_err(|error| PeerFailure {
			address: None,
			error,
		})?;
		let started = Instant::now();
		let failure = |error: stoq::StoqError,
		               as_error: fn(stoq::StoqError) -> StoqServiceError| {
			self.metrics
				.initiated(started, HandshakeOutcome::of_error(&error));
			PeerFailure {
				address: Some(address),
				error: as_error(error),
			}
		};
		let connection = node
			.connect(address, &host)
			.await
			.map_err(|e| failure(e, StoqServiceError::Connect))?;
		let answer = connection
			.request(br#"{"op":"ping"}"#)
			.await
			.map_err(|e| failure(e, StoqServiceError::Ping))?;
		self.metrics.initiated(started, HandshakeOutcome::Accepted);
		Ok(Connected {
			address,
			connection,
			answer: String::from_utf8_lossy(&answer).into_owned(),
		})
	}
}

impl<C: ServiceClient, P: ServicePool> FinalityService for StoqService<C, P> {
	const TASK: &'static str = "stoq";
	const GROUP: &'static str = "stoq";
	const LOG_TARGET: &'static str = "stoq";
	const NAME: &'static str = "STOQ service";

	fn started(&mut self) {
		self.set_status(|s| s.waiting_for = Some("the holder's certificate".into()));
	}

	async fn on_finalized(
		&mut self,
		_finalized: BlockHash,
		number: BlockNumber,
	) -> Result<(), ServiceError> {
		if self.node.is_none() {
			if !self.holder_dir.join("cert.der").exists() {
				return Ok(());
			}
			self.start()?;
		} else {
			self.reload_if_changed()?;
		}
		self.read_kernel_counters();
		self.publish(number).await?;
		self.connect_peers().await;
		Ok(())
	}

	fn failed(&mut self, error: &ServiceError) {
		self.set_status(|s| s.waiting_for = Some(error.to_string()));
	}
}
