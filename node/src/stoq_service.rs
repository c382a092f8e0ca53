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
//!   (fail closed);
//! * answers requests `{"op":"resolve","name":"…"}` with the name's TrustChain records
//!   (the same JSON as `trustchain_resolve`) and `{"op":"ping"}` with the node's names;
//! * with `--stoq-advertise <IPv6>`, publishes the holder's first name as `AAAA <IPv6>`
//!   and `SRV 0 0 <PORT> <name>`, signed by the holder account;
//! * connects to each `--stoq-peers` name: its SRV record gives a host name and port, the
//!   host name's AAAA record the address; no address is configured by hand.
//!
//! `stoq_status` (RPC) shows the endpoint and each peer's state. A node built with the
//! `stoq-ebpf` feature and started with `--stoq-kernel-counters` also counts, with an
//! eBPF socket filter, what the kernel delivers to the endpoint's socket (`kernel_rx` in
//! `stoq_status`, and Prometheus counters): traffic quinn never saw shows up there.

use std::{
	collections::HashMap,
	net::{Ipv6Addr, SocketAddr},
	path::PathBuf,
	sync::{Arc, Mutex},
};

use bytes::Bytes;
use futures::StreamExt;
use hypermesh_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce, RuntimeCall};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_trustchain::{CertificateStatus, DnsRecord};
use pallet_trustchain_runtime_api::TrustChainApi;
use prometheus_endpoint::{register, Counter, PrometheusError, Registry, U64};
use sc_client_api::BlockchainEvents;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_keystore::KeystorePtr;
use stoq::{
	cert::NodeIdentity,
	config::{PqPolicy, StoqConfig},
	endpoint::{Handler, PeerInfo, StoqConnection, StoqNode},
	verify::{HybridTrust, RevocationOracle},
};

use crate::{trustchain_ca::Submitter, trustchain_holder::HOLDER_KEY_TYPE};
use frame_system_rpc_runtime_api::AccountNonceApi;

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

/// What the kernel delivered to the STOQ endpoint's socket (`--stoq-kernel-counters`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct KernelRx {
	/// Socket buffers (one per packet, or one per GRO batch).
	pub buffers: u64,
	/// UDP datagrams.
	pub datagrams: u64,
	/// UDP payload bytes.
	pub bytes: u64,
}

/// The kernel counters as Prometheus counters, advanced to the latest reading.
struct KernelRxMetrics {
	buffers: Counter<U64>,
	datagrams: Counter<U64>,
	bytes: Counter<U64>,
	/// The reading the counters were last advanced to.
	last: KernelRx,
}

impl KernelRxMetrics {
	fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, registry);
		Ok(Self {
			buffers: counter(
				"hypermesh_stoq_kernel_rx_buffers_total",
				"Socket buffers the kernel delivered to the STOQ endpoint (one per packet or GRO batch)",
			)?,
			datagrams: counter(
				"hypermesh_stoq_kernel_rx_datagrams_total",
				"UDP datagrams the kernel delivered to the STOQ endpoint",
			)?,
			bytes: counter(
				"hypermesh_stoq_kernel_rx_bytes_total",
				"UDP payload bytes the kernel delivered to the STOQ endpoint",
			)?,
			last: KernelRx::default(),
		})
	}

	fn advance(&mut self, now: KernelRx) {
		self.buffers
			.inc_by(now.buffers.saturating_sub(self.last.buffers));
		self.datagrams
			.inc_by(now.datagrams.saturating_sub(self.last.datagrams));
		self.bytes.inc_by(now.bytes.saturating_sub(self.last.bytes));
		self.last = now;
	}
}

/// What `stoq_status` reports.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct StoqStatus {
	/// The listening address, once the endpoint is up.
	pub listening: Option<String>,
	/// Why the endpoint is not up yet, if it is not.
	pub waiting_for: Option<String>,
	/// Each peer name's state.
	pub peers: HashMap<String, PeerStatus>,
	/// The kernel's counts for the endpoint's socket, with `--stoq-kernel-counters`.
	pub kernel_rx: Option<KernelRx>,
}

/// One peer's state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PeerStatus {
	/// The address found through SRV and AAAA records, if any.
	pub address: Option<String>,
	/// Whether a STOQ connection is up and answered.
	pub connected: bool,
	/// The peer's answer to `ping`, or the last error.
	pub detail: String,
}

/// Shared status, read by the RPC.
pub type SharedStatus = Arc<Mutex<StoqStatus>>;

/// The `stoq_*` RPC methods.
#[rpc(server, namespace = "stoq")]
pub trait StoqRpc {
	/// The STOQ endpoint's address and its peers' states.
	#[method(name = "status")]
	fn status(&self) -> RpcResult<StoqStatus>;
}

/// Serves [`StoqRpcServer`] from the service's shared status.
pub struct StoqRpcImpl(pub SharedStatus);

impl StoqRpcServer for StoqRpcImpl {
	fn status(&self) -> RpcResult<StoqStatus> {
		Ok(self.0.lock().map(|s| s.clone()).unwrap_or_default())
	}
}

/// The chain as a revocation oracle: revoked, unknown to the chain, or not valid ⇒ refused.
struct ChainRevocation<C> {
	client: Arc<C>,
	/// Authority ids by their CA certificate's subject (DER).
	authorities: Vec<(Vec<u8>, u32)>,
}

impl<C> std::fmt::Debug for ChainRevocation<C> {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("ChainRevocation")
			.field("authorities", &self.authorities.len())
			.finish()
	}
}

impl<C> RevocationOracle for ChainRevocation<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>,
{
	fn is_revoked(&self, issuer: &[u8], serial: &[u8]) -> bool {
		let Some((_, authority)) = self
			.authorities
			.iter()
			.find(|(subject, _)| subject == issuer)
		else {
			return true;
		};
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		// The chain keys serials by their DER content octets; the verifier strips leading
		// zeros, so try both forms.
		let lookup = |serial: Vec<u8>| {
			api.certificate_by_serial(best, *authority, serial)
				.ok()
				.flatten()
		};
		let id = lookup(serial.to_vec()).or_else(|| lookup([&[0u8][..], serial].concat()));
		match id.and_then(|id| api.status(best, id).ok()) {
			Some(CertificateStatus::Valid) => false,
			_ => true,
		}
	}
}

/// Answers STOQ requests from TrustChain state.
struct DnsOverStoq<C> {
	client: Arc<C>,
	names: Vec<String>,
}

impl<C> Handler for DnsOverStoq<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>,
{
	fn handle_request(&self, _peer: &PeerInfo, request: Bytes) -> Result<Bytes, String> {
		let request: serde_json::Value =
			serde_json::from_slice(&request).map_err(|e| format!("malformed JSON request: {e}"))?;
		let answer = match request["op"].as_str() {
			Some("ping") => serde_json::json!({ "names": self.names }),
			Some("resolve") => {
				let name = request["name"]
					.as_str()
					.ok_or("`resolve` needs a `name` string")?;
				let best = self.client.info().best_hash;
				let resolution = self
					.client
					.runtime_api()
					.resolve(best, name.as_bytes().to_vec())
					.map_err(|e| format!("runtime: {e}"))?;
				match resolution {
					None => serde_json::Value::Null,
					Some(resolution) => crate::trustchain_rpc::resolution_json(name, &resolution),
				}
			}
			_ => return Err("unknown op: expected `ping` or `resolve`".into()),
		};
		Ok(Bytes::from(answer.to_string()))
	}
}

/// What the endpoint's configuration was made from: the holder's certificate and the
/// chain's certificate authorities (id, CA certificate, FALCON key).
#[derive(PartialEq, Eq)]
struct LoadedFrom {
	certificate: Vec<u8>,
	authorities: Vec<(u32, Vec<u8>, Vec<u8>)>,
}

/// Whether `--stoq-kernel-counters` was given (never, in a node built without `stoq-ebpf`).
fn kernel_counters_on(params: &StoqParams) -> bool {
	#[cfg(feature = "stoq-ebpf")]
	return params.stoq_kernel_counters;
	#[cfg(not(feature = "stoq-ebpf"))]
	{
		let _ = params;
		false
	}
}

/// Binds the endpoint, with the eBPF kernel counters when they were asked for.
fn bind(params: &StoqParams, address: SocketAddr, config: StoqConfig) -> stoq::Result<StoqNode> {
	#[cfg(feature = "stoq-ebpf")]
	if params.stoq_kernel_counters {
		return StoqNode::bind_with_kernel_counters(address, config);
	}
	let _ = params;
	StoqNode::bind(address, config)
}

/// The kernel counters of `node`, if it was bound with them.
fn kernel_counters_of(node: &StoqNode) -> Option<Result<KernelRx, String>> {
	#[cfg(feature = "stoq-ebpf")]
	return node.kernel_counters().map(|r| {
		r.map(|c| KernelRx {
			buffers: c.buffers,
			datagrams: c.datagrams,
			bytes: c.bytes,
		})
		.map_err(|e| e.to_string())
	});
	#[cfg(not(feature = "stoq-ebpf"))]
	{
		let _ = node;
		None
	}
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
}

impl<C, P> StoqService<C, P>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>
		+ AccountNonceApi<Block, AccountId, Nonce>,
	P: TransactionPool<Block = Block> + 'static,
{
	/// A STOQ service using the holder's certificate in `holder_dir` for `names`;
	/// the kernel counters, when on, are registered with `registry`.
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		params: StoqParams,
		holder_dir: PathBuf,
		names: Vec<String>,
		status: SharedStatus,
		registry: Option<&Registry>,
	) -> Self {
		let kernel_metrics = registry
			.filter(|_| kernel_counters_on(&params))
			.and_then(|r| {
				KernelRxMetrics::register(r)
					.map_err(|e| log::warn!(target: "stoq", "STOQ kernel counter metrics: {e}"))
					.ok()
			});
		Self {
			kernel_metrics,
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
		}
	}

	/// Reads the kernel counters (if on) into the status and the Prometheus counters.
	fn read_kernel_counters(&mut self) {
		let Some(node) = &self.node else { return };
		let Some(reading) = kernel_counters_of(node) else {
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

	/// Runs until the node stops.
	pub async fn run(mut self) {
		let mut finality = self.client.finality_notification_stream();
		self.set_status(|s| s.waiting_for = Some("the holder's certificate".into()));
		while let Some(notification) = finality.next().await {
			let number = *sp_runtime::traits::Header::number(&notification.header);
			if let Err(e) = self.on_finalized(number).await {
				log::warn!(target: "stoq", "STOQ service: {e}");
				self.set_status(|s| s.waiting_for = Some(e.clone()));
			}
		}
	}

	async fn on_finalized(&mut self, number: BlockNumber) -> Result<(), String> {
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

	/// What the endpoint's configuration is made from now: the holder's installed
	/// certificate and the chain's certificate authorities (cheap to compare).
	fn current_sources(&self) -> Result<LoadedFrom, String> {
		let path = self.holder_dir.join("cert.der");
		let certificate =
			std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
		let best = self.client.info().best_hash;
		let authorities = self
			.client
			.runtime_api()
			.certificate_authorities(best)
			.map_err(|e| format!("runtime: {e}"))?;
		Ok(LoadedFrom {
			certificate,
			authorities,
		})
	}

	/// The endpoint's configuration from `sources` and the holder's current keys.
	fn config_from(&self, sources: &LoadedFrom) -> Result<StoqConfig, String> {
		let read = |path: PathBuf| {
			std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
		};
		let identity = NodeIdentity {
			cert_chain: vec![sources.certificate.clone().into()],
			key_pkcs8: read(self.holder_dir.join("current/p256.key.der"))?,
			falcon_public: read(self.holder_dir.join("current/falcon.pub"))?,
			falcon_secret: read(self.holder_dir.join("current/falcon.key"))?,
		};
		let mut anchors = Vec::new();
		let mut authorities = Vec::new();
		for (id, der, falcon) in &sources.authorities {
			let subject = hypermesh_primitives::x509::HybridCertificate::parse(der)
				.map_err(|e| format!("authority {id}: {e:?}"))?
				.subject;
			authorities.push((subject, *id));
			anchors.push((der.clone().into(), falcon.clone()));
		}
		let revocation = Arc::new(ChainRevocation {
			client: self.client.clone(),
			authorities,
		});
		let trust = HybridTrust::new(&anchors, revocation).map_err(|e| e.to_string())?;
		Ok(StoqConfig::new(
			self.params.stoq_policy,
			identity,
			Arc::new(trust),
		))
	}

	/// Binds the endpoint with the holder's identity and the chain's trust anchors.
	fn start(&mut self) -> Result<(), String> {
		let loaded = self.current_sources()?;
		let config = self.config_from(&loaded)?;
		let port = self.params.stoq_port.unwrap_or_default();
		let node = bind(
			&self.params,
			SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
			config,
		)
		.map_err(|e| format!("cannot bind [::]:{port}: {e}"))?;
		let address = node.local_addr().map_err(|e| e.to_string())?;
		node.serve(Arc::new(DnsOverStoq {
			client: self.client.clone(),
			names: self.names.clone(),
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
	fn reload_if_changed(&mut self) -> Result<(), String> {
		let Some(node) = self.node.clone() else {
			return Ok(());
		};
		let loaded = self.current_sources()?;
		if self.loaded.as_ref() == Some(&loaded) {
			return Ok(());
		}
		let config = self.config_from(&loaded)?;
		node.reload(&config).map_err(|e| format!("reload: {e}"))?;
		log::info!(
			target: "stoq",
			"STOQ endpoint reloaded: {} certificate authorities, holder certificate of {} bytes",
			loaded.authorities.len(),
			loaded.certificate.len()
		);
		self.loaded = Some(loaded);
		Ok(())
	}

	/// Publishes AAAA + SRV for the holder's first name, if asked to and not there yet.
	async fn publish(&mut self, number: BlockNumber) -> Result<(), String> {
		let (Some(address), Some(name), Some(port)) = (
			self.params.stoq_advertise,
			self.names.first(),
			self.params.stoq_port,
		) else {
			return Ok(());
		};
		if self
			.last_publish
			.is_some_and(|at| number.saturating_sub(at) < 10)
		{
			return Ok(());
		}
		let best = self.client.info().best_hash;
		let wanted = vec![
			DnsRecord::Aaaa(address.octets()),
			DnsRecord::Srv {
				priority: 0,
				weight: 0,
				port,
				target: name.clone().into_bytes(),
			},
		];
		let resolution = self
			.client
			.runtime_api()
			.resolve(best, name.clone().into_bytes())
			.map_err(|e| format!("runtime: {e}"))?;
		let Some(resolution) = resolution else {
			return Ok(());
		};
		if resolution.records == wanted {
			return Ok(());
		}
		let records = wanted
			.into_iter()
			.map(|record| match record {
				DnsRecord::Aaaa(a) => Ok(DnsRecord::Aaaa(a)),
				DnsRecord::Srv {
					priority,
					weight,
					port,
					target,
				} => Ok(DnsRecord::Srv {
					priority,
					weight,
					port,
					target: target
						.try_into()
						.map_err(|_| "SRV target too long".to_string())?,
				}),
				DnsRecord::Txt(_) => Err("no TXT published".to_string()),
			})
			.collect::<Result<Vec<_>, String>>()?;
		let call = RuntimeCall::TrustChain(pallet_trustchain::Call::set_records {
			name: name
				.clone()
				.into_bytes()
				.try_into()
				.map_err(|_| "name too long".to_string())?,
			records: records
				.try_into()
				.map_err(|_| "too many records".to_string())?,
		});
		self.submitter.submit(call).await?;
		self.last_publish = Some(number);
		log::info!(target: "stoq", "publishing {name}: AAAA {address}, SRV port {port}");
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
				Ok((address, connection, answer)) => {
					log::info!(target: "stoq", "STOQ peer {peer} at {address}: {answer}");
					self.connections.insert(peer.clone(), connection);
					PeerStatus {
						address: Some(address.to_string()),
						connected: true,
						detail: answer,
					}
				}
				Err((address, e)) => PeerStatus {
					address: address.map(|a| a.to_string()),
					connected: false,
					detail: e,
				},
			};
			self.set_status(|s| {
				s.peers.insert(peer.clone(), status);
			});
		}
	}

	async fn connect_peer(
		&self,
		node: &StoqNode,
		peer: &str,
	) -> Result<(SocketAddr, StoqConnection, String), (Option<SocketAddr>, String)> {
		let (host, address) = self.discover(peer).map_err(|e| (None, e))?;
		let connection = node
			.connect(address, &host)
			.await
			.map_err(|e| (Some(address), format!("connect: {e}")))?;
		let answer = connection
			.request(br#"{"op":"ping"}"#)
			.await
			.map_err(|e| (Some(address), format!("ping: {e}")))?;
		Ok((
			address,
			connection,
			String::from_utf8_lossy(&answer).into_owned(),
		))
	}

	/// `peer`'s STOQ address: its lowest-priority SRV record's target and port, and the
	/// target's AAAA record.
	fn discover(&self, peer: &str) -> Result<(String, SocketAddr), String> {
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let resolve = |name: &str| {
			api.resolve(best, name.as_bytes().to_vec())
				.map_err(|e| format!("runtime: {e}"))?
				.ok_or_else(|| format!("{name} is not registered"))
		};
		let srv = resolve(peer)?
			.records
			.into_iter()
			.filter_map(|record| match record {
				DnsRecord::Srv {
					priority,
					port,
					target,
					..
				} => Some((priority, port, target)),
				_ => None,
			})
			.min_by_key(|(priority, _, _)| *priority)
			.ok_or_else(|| format!("{peer} has no SRV record"))?;
		let host = String::from_utf8(srv.2).map_err(|_| "SRV target is not UTF-8".to_string())?;
		let address = resolve(&host)?
			.records
			.into_iter()
			.find_map(|record| match record {
				DnsRecord::Aaaa(address) => Some(Ipv6Addr::from(address)),
				_ => None,
			})
			.ok_or_else(|| format!("{host} has no AAAA record"))?;
		Ok((host, SocketAddr::from((address, srv.1))))
	}
}
