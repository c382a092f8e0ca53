//! The STOQ endpoint: a quinn QUIC endpoint on IPv6 with the hybrid crypto
//! provider, mutual hybrid-certificate authentication, and the request/response
//! and bulk protocols on bidirectional streams.
//!
//! One [`StoqNode`] both accepts (after [`StoqNode::serve`]) and dials
//! ([`StoqNode::connect`]). Each stream carries exactly one exchange: the
//! initiator sends a `Request`, `Ping` or `Manifest`+`Chunk`s and finishes its
//! side; the acceptor answers with one `Response`/`Pong` or `Error` frame.
//!
//! With a DNS handler in its configuration ([`StoqConfig::with_dns`]) the endpoint also
//! accepts the ALPN `doq` and serves DNS over QUIC on those connections ([`crate::doq`]).
//! DoQ clients present no certificate, so client authentication is then optional in TLS
//! (a certificate that is presented is verified as always), and a `stoq/1` connection
//! that presented none is closed right after the handshake with
//! [`CLOSE_CERTIFICATE_REQUIRED`]: STOQ between nodes stays mutually authenticated.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use quinn::{ConnectionError, IdleTimeout, TransportConfig, TransportErrorCode, VarInt};
use rustls::pki_types::CertificateDer;
use tokio::task::JoinHandle;

use crate::admission::{Admission, AdmissionStats, Reservation, ENDPOINT_BUSY};
use crate::bulk::{self, BulkSink, BulkSource, CountingSink, Hash, Manifest};
use crate::config::StoqConfig;
use crate::doq::{self, ALPN_DOQ};
use crate::error::{Result, StoqError};
use crate::frame::{
	read_frame, read_header, read_payload, write_frame, Frame, FrameError, FrameType,
};
use crate::kx;
use crate::verify::{HybridClientVerifier, HybridServerVerifier};

/// ALPN protocol identifier of STOQ v1.
pub const ALPN: &[u8] = b"stoq/1";

/// Application error code with which an endpoint that serves DNS over QUIC closes a
/// `stoq/1` connection whose client presented no certificate (116 is TLS's
/// `certificate_required` alert). [`map_connection_error`] reports it as
/// [`StoqError::CertificateRejected`].
pub const CLOSE_CERTIFICATE_REQUIRED: u32 = 116;

/// Refuses IPv4 and IPv4-mapped IPv6 addresses.
pub fn ensure_ipv6(addr: SocketAddr) -> Result<()> {
	match addr {
		SocketAddr::V4(_) => Err(StoqError::Ipv4NotAllowed(addr)),
		SocketAddr::V6(a) if a.ip().to_ipv4_mapped().is_some() => {
			Err(StoqError::Ipv4NotAllowed(addr))
		}
		SocketAddr::V6(_) => Ok(()),
	}
}

fn cfg_err(e: impl std::fmt::Display) -> StoqError {
	StoqError::Config(e.to_string())
}

/// The rustls server configuration of a STOQ node (TLS 1.3, hybrid kx per
/// policy, hybrid client certificates). Without a DNS handler: ALPN `stoq/1` and
/// mandatory client certificates. With one: ALPN `stoq/1` and `doq`, and client
/// certificates optional in TLS (the endpoint refuses `stoq/1` without one afterwards).
pub fn server_tls(cfg: &StoqConfig) -> Result<rustls::ServerConfig> {
	let provider = kx::provider(cfg.policy);
	let verifier = if cfg.dns.is_some() {
		HybridClientVerifier::optional(cfg.trust.clone(), provider.clone())?
	} else {
		HybridClientVerifier::new(cfg.trust.clone(), provider.clone())?
	};
	let mut tls = rustls::ServerConfig::builder_with_provider(provider)
		.with_protocol_versions(&[&rustls::version::TLS13])
		.map_err(cfg_err)?
		.with_client_cert_verifier(Arc::new(verifier))
		.with_single_cert(cfg.identity.cert_chain.clone(), cfg.identity.private_key())
		.map_err(cfg_err)?;
	tls.alpn_protocols = vec![ALPN.to_vec()];
	if cfg.dns.is_some() {
		tls.alpn_protocols.push(ALPN_DOQ.to_vec());
	}
	Ok(tls)
}

/// The rustls client configuration of a STOQ node (TLS 1.3, hybrid kx per
/// policy, hybrid server verification, our certificate for client auth).
pub fn client_tls(cfg: &StoqConfig) -> Result<rustls::ClientConfig> {
	let provider = kx::provider(cfg.policy);
	let verifier = HybridServerVerifier::new(cfg.trust.clone(), provider.clone())?;
	let mut tls = rustls::ClientConfig::builder_with_provider(provider)
		.with_protocol_versions(&[&rustls::version::TLS13])
		.map_err(cfg_err)?
		.dangerous()
		.with_custom_certificate_verifier(Arc::new(verifier))
		.with_client_auth_cert(cfg.identity.cert_chain.clone(), cfg.identity.private_key())
		.map_err(cfg_err)?;
	tls.alpn_protocols = vec![ALPN.to_vec()];
	Ok(tls)
}

/// QUIC transport parameters tuned for bulk transfer on fast links, with at most
/// `max_streams` bidirectional streams open at once from the peer.
pub fn transport_config(idle: Duration, max_streams: u32) -> Result<Arc<TransportConfig>> {
	let mut t = TransportConfig::default();
	t.max_idle_timeout(Some(IdleTimeout::try_from(idle).map_err(cfg_err)?));
	t.stream_receive_window(VarInt::from_u32(32 * 1024 * 1024));
	t.receive_window(VarInt::from_u32(128 * 1024 * 1024));
	t.send_window(128 * 1024 * 1024);
	t.max_concurrent_bidi_streams(VarInt::from_u32(max_streams));
	t.keep_alive_interval(Some(idle / 3));
	Ok(Arc::new(t))
}

/// Describes a failed QUIC connection as a [`StoqError`], distinguishing a
/// refused key exchange and rejected certificates from other failures.
pub fn map_connection_error(e: &ConnectionError) -> StoqError {
	const CRYPTO: std::ops::RangeInclusive<u64> = 0x100..=0x1ff;
	match e {
		ConnectionError::TransportError(te) => {
			let reason = te.to_string();
			if reason.contains("NoKxGroupsInCommon") || reason.contains("peer is incompatible") {
				StoqError::KeyExchangeRefused(reason)
			} else if reason.contains("certificate") {
				StoqError::CertificateRejected(reason)
			} else {
				StoqError::Handshake(reason)
			}
		}
		ConnectionError::ConnectionClosed(cc) => {
			let code = u64::from(cc.error_code);
			let reason = String::from_utf8_lossy(&cc.reason).to_string();
			if CRYPTO.contains(&code) {
				let alert = code - 0x100;
				let text = format!("peer sent TLS alert {alert} ({reason})");
				match alert {
                    40 => StoqError::KeyExchangeRefused(format!(
                        "{text}: handshake_failure, no key-exchange group in common (STOQ requires X25519+ML-KEM-1024 \
                         under PqPolicy::Required)"
                    )),
                    47 => StoqError::Handshake(format!(
                        "{text}: illegal_parameter, the peer found a handshake parameter of ours invalid (such as a \
                         key share)"
                    )),
                    42..=49 | 116 => StoqError::CertificateRejected(format!("{text}: the peer rejected our certificate")),
                    _ => StoqError::Handshake(text),
                }
			} else if cc.error_code == TransportErrorCode::CONNECTION_REFUSED {
				StoqError::ConnectionRefused(if reason.is_empty() {
					"CONNECTION_REFUSED before the handshake (a STOQ endpoint does so at its connection \
					 limits, in total or per address)"
						.into()
				} else {
					reason
				})
			} else {
				StoqError::Connection(e.to_string())
			}
		}
		ConnectionError::ApplicationClosed(ac)
			if ac.error_code == VarInt::from_u32(CLOSE_CERTIFICATE_REQUIRED) =>
		{
			StoqError::CertificateRejected(format!(
				"the peer requires a client certificate ({})",
				String::from_utf8_lossy(&ac.reason)
			))
		}
		other => StoqError::Connection(other.to_string()),
	}
}

fn map_frame_error(e: FrameError) -> StoqError {
	if let FrameError::Io(io) = &e {
		if let Some(inner) = io.get_ref() {
			if let Some(quinn::ReadError::ConnectionLost(ce)) =
				inner.downcast_ref::<quinn::ReadError>()
			{
				return map_connection_error(ce);
			}
			if let Some(quinn::WriteError::ConnectionLost(ce)) =
				inner.downcast_ref::<quinn::WriteError>()
			{
				return map_connection_error(ce);
			}
		}
	}
	StoqError::Frame(e)
}

/// Who is on the other end of a connection.
#[derive(Debug, Clone)]
pub struct PeerInfo {
	/// The peer's UDP address.
	pub address: SocketAddr,
	/// The peer's verified leaf certificate.
	pub certificate: Option<CertificateDer<'static>>,
}

fn peer_info(conn: &quinn::Connection) -> PeerInfo {
	let certificate = conn
		.peer_identity()
		.and_then(|id| id.downcast::<Vec<CertificateDer<'static>>>().ok())
		.and_then(|v| v.first().cloned());
	PeerInfo {
		address: conn.remote_address(),
		certificate,
	}
}

/// Application callbacks of a STOQ server.
pub trait Handler: Send + Sync + 'static {
	/// Answers a request; an `Err` is sent to the peer as an `Error` frame.
	fn handle_request(&self, peer: &PeerInfo, request: Bytes)
		-> std::result::Result<Bytes, String>;

	/// Opens the sink for an incoming bulk object, once its manifest has been
	/// parsed and found within the limits. Chunks are verified against the
	/// manifest before they reach the sink, and [`BulkSink::finish`] is called
	/// only when all of them have been; on a corrupted chunk or any other failure
	/// [`BulkSink::abort`] is called instead. An `Err` refuses the object (sent
	/// to the peer as an `Error` frame). The default refuses every object
	/// ([`NO_BULK`]): a service that takes bulk objects says so by overriding this.
	fn bulk_sink(
		&self,
		peer: &PeerInfo,
		manifest: &Manifest,
	) -> std::result::Result<Box<dyn BulkSink>, String> {
		let _ = (peer, manifest);
		Err(NO_BULK.into())
	}
}

/// Why [`Handler::bulk_sink`]'s default refuses an object.
pub const NO_BULK: &str = "this service takes no bulk objects";

/// A handler that echoes requests and verifies, then drops, bulk objects.
#[derive(Debug, Default, Clone, Copy)]
pub struct EchoHandler;

impl Handler for EchoHandler {
	fn handle_request(
		&self,
		_peer: &PeerInfo,
		request: Bytes,
	) -> std::result::Result<Bytes, String> {
		Ok(request)
	}

	/// Takes every object: verifies it and discards it ([`CountingSink`]).
	fn bulk_sink(
		&self,
		_peer: &PeerInfo,
		_manifest: &Manifest,
	) -> std::result::Result<Box<dyn BulkSink>, String> {
		Ok(Box::new(CountingSink::new()))
	}
}

/// A STOQ endpoint bound to an IPv6 UDP socket.
pub struct StoqNode {
	endpoint: quinn::Endpoint,
	config: Arc<StoqConfig>,
	/// The client side's QUIC configuration: replaced by [`StoqNode::reload`].
	client: Mutex<quinn::ClientConfig>,
	failures: Arc<Mutex<Vec<String>>>,
	/// Connection limits and in-flight budgets of the accepting side.
	admission: Arc<Admission>,
	/// The eBPF counters on the endpoint's socket, when bound with them.
	#[cfg(feature = "ebpf")]
	kernel_counters: Option<crate::ebpf::KernelCounters>,
}

/// The QUIC server and client configurations of `config`.
fn quic_configs(config: &StoqConfig) -> Result<(quinn::ServerConfig, quinn::ClientConfig)> {
	let transport = transport_config(config.timeouts.idle, config.limits.max_streams)?;
	let server_crypto = QuicServerConfig::try_from(server_tls(config)?).map_err(cfg_err)?;
	let mut server = quinn::ServerConfig::with_crypto(Arc::new(server_crypto));
	server.transport_config(transport.clone());
	let client_crypto = QuicClientConfig::try_from(client_tls(config)?).map_err(cfg_err)?;
	let mut client = quinn::ClientConfig::new(Arc::new(client_crypto));
	client.transport_config(transport);
	Ok((server, client))
}

impl StoqNode {
	/// Binds to `addr` (IPv6 only; `[::]:0` for an ephemeral client port).
	/// Must be called inside a tokio runtime.
	pub fn bind(addr: SocketAddr, config: StoqConfig) -> Result<Self> {
		ensure_ipv6(addr)?;
		let socket = std::net::UdpSocket::bind(addr)?;
		Self::on_socket(socket, config)
	}

	/// Like [`StoqNode::bind`], with eBPF kernel packet counters attached to the socket
	/// before the first packet can arrive ([`StoqNode::kernel_counters`]). Fails with
	/// [`StoqError::KernelCounters`] when the kernel refuses the program (it needs
	/// `CAP_BPF` or root).
	#[cfg(feature = "ebpf")]
	pub fn bind_with_kernel_counters(addr: SocketAddr, config: StoqConfig) -> Result<Self> {
		ensure_ipv6(addr)?;
		let socket = std::net::UdpSocket::bind(addr)?;
		let counters = crate::ebpf::KernelCounters::attach(&socket)?;
		let mut node = Self::on_socket(socket, config)?;
		node.kernel_counters = Some(counters);
		Ok(node)
	}

	/// What the kernel delivered to this endpoint's socket, if it was bound with
	/// [`StoqNode::bind_with_kernel_counters`].
	#[cfg(feature = "ebpf")]
	pub fn kernel_counters(&self) -> Option<Result<crate::ebpf::RxCounters>> {
		self.kernel_counters.as_ref().map(|k| k.read())
	}

	/// A node on an already bound (IPv6) UDP socket.
	fn on_socket(socket: std::net::UdpSocket, config: StoqConfig) -> Result<Self> {
		let (server, client) = quic_configs(&config)?;
		let endpoint = quinn::Endpoint::new(
			quinn::EndpointConfig::default(),
			Some(server),
			socket,
			Arc::new(quinn::TokioRuntime),
		)?;
		Ok(Self {
			endpoint,
			admission: Admission::new(&config.limits),
			config: Arc::new(config),
			client: Mutex::new(client),
			failures: Arc::new(Mutex::new(Vec::new())),
			#[cfg(feature = "ebpf")]
			kernel_counters: None,
		})
	}

	/// Replaces the identity, trust anchors and policy of `config` for every handshake from
	/// now on, both accepted and initiated: a renewed certificate, a new or removed
	/// certificate authority, without a restart. Established connections keep what they
	/// were authenticated with. Limits, timeouts and the DNS handler stay those the node was
	/// bound with.
	pub fn reload(&self, config: &StoqConfig) -> Result<()> {
		let config = StoqConfig {
			dns: self.config.dns.clone(),
			limits: self.config.limits,
			timeouts: self.config.timeouts,
			..config.clone()
		};
		let (server, client) = quic_configs(&config)?;
		self.endpoint.set_server_config(Some(server));
		*self
			.client
			.lock()
			.map_err(|_| StoqError::Config("client configuration lock poisoned".into()))? = client;
		Ok(())
	}

	/// The bound local address.
	pub fn local_addr(&self) -> Result<SocketAddr> {
		Ok(self.endpoint.local_addr()?)
	}

	/// The configuration this node runs with.
	pub fn config(&self) -> &StoqConfig {
		&self.config
	}

	/// The accepting side's admission counters: connections held, bytes in flight, retries
	/// sent, connections refused, frames refused as busy.
	pub fn admission_stats(&self) -> AdmissionStats {
		self.admission.stats()
	}

	/// Descriptions of incoming handshakes that failed, and of connections refused at the
	/// connection limits (newest last, at most 100 kept).
	pub fn handshake_failures(&self) -> Vec<String> {
		self.failures.lock().map(|v| v.clone()).unwrap_or_default()
	}

	/// Starts accepting connections and serving streams with `handler` (`stoq/1`), and DNS
	/// queries with the configuration's DNS handler (`doq`), if it has one.
	///
	/// Before any handshake work, a client whose address is not validated yet is sent a
	/// QUIC retry ([`crate::config::Limits::address_validation`]), and a connection past the
	/// connection limits is refused (`CONNECTION_REFUSED`, recorded in
	/// [`StoqNode::handshake_failures`]).
	pub fn serve(&self, handler: Arc<dyn Handler>) -> JoinHandle<()> {
		let endpoint = self.endpoint.clone();
		let config = self.config.clone();
		let failures = self.failures.clone();
		let admission = self.admission.clone();
		tokio::spawn(async move {
			while let Some(incoming) = endpoint.accept().await {
				let remote = incoming.remote_address();
				if ensure_ipv6(remote).is_err() {
					incoming.refuse();
					continue;
				}
				if config.limits.address_validation && !incoming.remote_address_validated() {
					// The client must echo the retry token from its address: a spoofed source
					// gets nothing more than this one packet.
					match incoming.retry() {
						Ok(()) => admission.count_retry(),
						Err(e) => e.into_incoming().ignore(),
					}
					continue;
				}
				let slot = match admission.admit(remote.ip()) {
					Ok(slot) => slot,
					Err(e) => {
						incoming.refuse();
						record(&failures, e.to_string());
						continue;
					}
				};
				let (handler, config, failures, admission) = (
					handler.clone(),
					config.clone(),
					failures.clone(),
					admission.clone(),
				);
				tokio::spawn(async move {
					// Given back when the connection ends (this task returns).
					let _slot = slot;
					let conn = match tokio::time::timeout(config.timeouts.connect, incoming).await {
						Ok(Ok(c)) => c,
						Ok(Err(e)) => {
							return record(&failures, map_connection_error(&e).to_string())
						}
						Err(_) => return record(&failures, "handshake timed out".into()),
					};
					if negotiated_alpn(&conn).as_deref() == Some(ALPN_DOQ) {
						match config.dns.clone() {
							Some(dns) => {
								doq::serve_connection(conn, dns, config.timeouts.request, admission)
									.await
							}
							None => conn.close(
								VarInt::from_u32(doq::DOQ_PROTOCOL_ERROR),
								b"DNS over QUIC is not served here",
							),
						}
						return;
					}
					let peer = peer_info(&conn);
					if peer.certificate.is_none() {
						conn.close(
							VarInt::from_u32(CLOSE_CERTIFICATE_REQUIRED),
							b"STOQ requires a client certificate",
						);
						return record(
							&failures,
							format!(
								"{}: STOQ connection without a client certificate refused",
								peer.address
							),
						);
					}
					while let Ok((send, recv)) = conn.accept_bi().await {
						let (handler, config, peer, admission) = (
							handler.clone(),
							config.clone(),
							peer.clone(),
							admission.clone(),
						);
						tokio::spawn(serve_stream(send, recv, handler, config, peer, admission));
					}
				});
			}
		})
	}

	/// Performs only the QUIC/TLS handshake (no application round trip).
	/// Used by the bench to time handshakes; prefer [`StoqNode::connect`].
	pub async fn handshake(
		&self,
		addr: SocketAddr,
		server_name: &str,
	) -> Result<quinn::Connection> {
		ensure_ipv6(addr)?;
		let client = self
			.client
			.lock()
			.map_err(|_| StoqError::Config("client configuration lock poisoned".into()))?
			.clone();
		let connecting = self
			.endpoint
			.connect_with(client, addr, server_name)
			.map_err(|e| StoqError::Connection(e.to_string()))?;
		match tokio::time::timeout(self.config.timeouts.connect, connecting).await {
			Ok(Ok(c)) => Ok(c),
			Ok(Err(e)) => Err(map_connection_error(&e)),
			Err(_) => Err(StoqError::Timeout(
				self.config.timeouts.connect,
				"handshake",
			)),
		}
	}

	/// Connects to a STOQ peer and confirms with a `Ping` that the peer accepted
	/// our certificate (in TLS 1.3 the client finishes its handshake before the
	/// server has checked the client certificate).
	pub async fn connect(&self, addr: SocketAddr, server_name: &str) -> Result<StoqConnection> {
		let conn = self.handshake(addr, server_name).await?;
		let c = StoqConnection {
			conn,
			config: self.config.clone(),
		};
		let f = c
			.exchange(FrameType::Ping, b"", self.config.timeouts.connect)
			.await?;
		if f.kind != FrameType::Pong {
			return Err(StoqError::Frame(FrameError::Unexpected(format!(
				"{:?} in answer to Ping",
				f.kind
			))));
		}
		Ok(c)
	}

	/// Closes all connections and stops accepting.
	pub fn close(&self) {
		self.endpoint.close(VarInt::from_u32(0), b"shutdown");
	}

	/// Waits until all connections are closed.
	pub async fn wait_idle(&self) {
		self.endpoint.wait_idle().await;
	}
}

/// The application protocol the handshake agreed on.
fn negotiated_alpn(conn: &quinn::Connection) -> Option<Vec<u8>> {
	conn.handshake_data()?
		.downcast::<quinn::crypto::rustls::HandshakeData>()
		.ok()?
		.protocol
}

fn record(failures: &Mutex<Vec<String>>, msg: String) {
	if let Ok(mut v) = failures.lock() {
		if v.len() >= 100 {
			v.remove(0);
		}
		v.push(msg);
	}
}

/// Reads the frame that opens a stream, with its payload reserved in the in-flight
/// budgets before it is allocated. `Ok(None)`: the stream ended before a frame.
async fn read_first_frame(
	recv: &mut quinn::RecvStream,
	max: usize,
	admission: &Arc<Admission>,
	peer: &PeerInfo,
) -> std::result::Result<Option<(Frame, Reservation)>, String> {
	let (kind, len) = match read_header(recv, max).await {
		Ok(Some(header)) => header,
		Ok(None) => return Ok(None),
		Err(e) => return Err(format!("malformed frame: {e}")),
	};
	let reservation = admission
		.reserve(peer.address.ip(), len as u64)
		.map_err(|e| e.to_string())?;
	let payload = read_payload(recv, len)
		.await
		.map_err(|e| format!("malformed frame: {e}"))?;
	Ok(Some((Frame { kind, payload }, reservation)))
}

async fn serve_stream(
	mut send: quinn::SendStream,
	mut recv: quinn::RecvStream,
	handler: Arc<dyn Handler>,
	config: Arc<StoqConfig>,
	peer: PeerInfo,
	admission: Arc<Admission>,
) {
	let max = config.limits.max_frame;
	let first = match tokio::time::timeout(
		config.timeouts.request,
		read_first_frame(&mut recv, max, &admission, &peer),
	)
	.await
	{
		Ok(Ok(Some((frame, reservation)))) => Ok((frame, reservation)),
		Ok(Ok(None)) => return,
		Ok(Err(e)) => Err(e),
		Err(_) => Err(format!(
			"malformed frame: {}",
			FrameError::Unexpected("no frame before the request timeout".into())
		)),
	};
	// The first frame's bytes stay reserved until the stream is answered.
	let (first, _reservation) = match first {
		Ok((frame, reservation)) => (Ok(frame), Some(reservation)),
		Err(e) => (Err(e), None),
	};
	let answer: std::result::Result<(FrameType, Bytes), String> = match first {
		Ok(Frame {
			kind: FrameType::Ping,
			..
		}) => Ok((FrameType::Pong, Bytes::new())),
		Ok(Frame {
			kind: FrameType::Request,
			payload,
		}) => handler
			.handle_request(&peer, payload)
			.map(|b| (FrameType::Response, b)),
		Ok(Frame {
			kind: FrameType::Manifest,
			payload,
		}) => match Manifest::decode(&payload) {
			Err(e) => Err(e.to_string()),
			Ok(m) if m.total_len > config.limits.max_bulk => {
				Err(bulk::BulkError::TooLarge(m.total_len, config.limits.max_bulk).to_string())
			}
			Ok(m) => match receive_budget(&m, &admission, &peer) {
				Err(e) => Err(e),
				// The chunks' bytes stay reserved until the object is received.
				Ok(_chunks) => match handler.bulk_sink(&peer, &m) {
					Err(e) => Err(format!("object refused: {e}")),
					Ok(mut sink) => bulk::receive_chunks_into(
						&mut recv,
						&m,
						max,
						config.limits.max_bulk,
						config.timeouts.bulk,
						sink.as_mut(),
					)
					.await
					.map(|_| (FrameType::Response, Bytes::copy_from_slice(&m.content_id())))
					.map_err(|e| e.to_string()),
				},
			},
		},
		Ok(f) => Err(format!("unexpected {:?} frame to open a stream", f.kind)),
		Err(e) => Err(e),
	};
	let (kind, payload) = match answer {
		Ok(x) => x,
		Err(msg) => {
			// Stop reading whatever else the peer sends on this stream.
			let _ = recv.stop(VarInt::from_u32(1));
			let mut m = msg.into_bytes();
			m.truncate(4096);
			(FrameType::Error, Bytes::from(m))
		}
	};
	if write_frame(&mut send, kind, &payload, max).await.is_ok() {
		let _ = send.finish();
		let _ = send.stopped().await;
	}
}

/// Reserves what receiving the object of `m` holds at once: the chunk being read, the
/// one being hashed and the copy made to hash it (three chunks, or the whole object if
/// smaller).
fn receive_budget(
	m: &Manifest,
	admission: &Arc<Admission>,
	peer: &PeerInfo,
) -> std::result::Result<Reservation, String> {
	let held = (3 * u64::from(m.chunk_size)).min(m.total_len);
	admission
		.reserve(peer.address.ip(), held)
		.map_err(|e| e.to_string())
}

/// An established, mutually authenticated STOQ connection.
#[derive(Clone)]
pub struct StoqConnection {
	conn: quinn::Connection,
	config: Arc<StoqConfig>,
}

impl StoqConnection {
	/// The underlying quinn connection (for raw streams).
	pub fn quic(&self) -> &quinn::Connection {
		&self.conn
	}

	/// The peer's address and verified certificate.
	pub fn peer(&self) -> PeerInfo {
		peer_info(&self.conn)
	}

	/// Whether the connection has been closed (for either side's reason).
	pub fn is_closed(&self) -> bool {
		self.conn.close_reason().is_some()
	}

	async fn exchange(&self, kind: FrameType, payload: &[u8], deadline: Duration) -> Result<Frame> {
		let max = self.config.limits.max_frame;
		let work = async {
			let (mut send, mut recv) = self
				.conn
				.open_bi()
				.await
				.map_err(|e| map_connection_error(&e))?;
			let written = write_frame(&mut send, kind, payload, max).await;
			if let Err(FrameError::TooLarge { .. }) = &written {
				return Err(StoqError::Frame(written.unwrap_err()));
			}
			let _ = send.finish();
			self.read_answer(&mut recv, written.err()).await
		};
		match tokio::time::timeout(deadline, work).await {
			Ok(r) => r,
			Err(_) => Err(StoqError::Timeout(deadline, "request")),
		}
	}

	async fn read_answer(
		&self,
		recv: &mut quinn::RecvStream,
		write_err: Option<FrameError>,
	) -> Result<Frame> {
		match read_frame(recv, self.config.limits.max_frame).await {
			Ok(Some(f)) if f.kind == FrameType::Error => {
				let message = String::from_utf8_lossy(&f.payload).into_owned();
				Err(if message.starts_with(ENDPOINT_BUSY) {
					StoqError::Busy(message)
				} else {
					StoqError::Remote(message)
				})
			}
			Ok(Some(f)) => Ok(f),
			Ok(None) => Err(write_err.map(map_frame_error).unwrap_or_else(|| {
				StoqError::Connection("stream closed without an answer".into())
			})),
			Err(e) => Err(map_frame_error(e)),
		}
	}

	/// Sends a request and waits (up to the request timeout) for its response.
	pub async fn request(&self, payload: &[u8]) -> Result<Bytes> {
		let f = self
			.exchange(FrameType::Request, payload, self.config.timeouts.request)
			.await?;
		match f.kind {
			FrameType::Response => Ok(f.payload),
			other => Err(StoqError::Frame(FrameError::Unexpected(format!(
				"{other:?} in answer to a request"
			)))),
		}
	}

	/// Sends `data` as a chunked, hashed bulk object on one stream; returns the
	/// content id the receiver computed after verifying every chunk. The
	/// manifest (BLAKE3 of every chunk) is computed first.
	pub async fn send_bulk(&self, data: &[u8]) -> Result<Hash> {
		let m = Manifest::build(data, self.config.limits.chunk_size);
		self.send_bulk_with_manifest(&m, &mut bulk::SliceSource(data))
			.await
	}

	/// Sends an object read from `src`: a first pass over the source builds the
	/// manifest, a second pass sends the chunks. Memory use is bounded by a
	/// chunk, whatever the object size.
	pub async fn send_bulk_from(&self, src: &mut dyn BulkSource) -> Result<Hash> {
		let m = bulk::manifest_of(src, self.config.limits.chunk_size).await?;
		self.send_bulk_with_manifest(&m, src).await
	}

	/// Sends an object whose manifest is already known (e.g. content-addressed
	/// storage): `src` must hold exactly the bytes the manifest describes,
	/// otherwise the receiver rejects the first chunk that differs.
	pub async fn send_bulk_with_manifest(
		&self,
		m: &Manifest,
		src: &mut dyn BulkSource,
	) -> Result<Hash> {
		let limits = self.config.limits;
		let progress = self.config.timeouts.bulk;
		let (mut send, mut recv) = self
			.conn
			.open_bi()
			.await
			.map_err(|e| map_connection_error(&e))?;
		let sent = async {
			tokio::time::timeout(
				progress,
				bulk::write_manifest(&mut send, m, limits.max_frame),
			)
			.await
			.map_err(|_| bulk::BulkError::Stalled(0))??;
			bulk::send_chunks(&mut send, m, src, limits.max_frame, progress).await
		}
		.await;
		match sent {
			Ok(()) => {}
			Err(bulk::BulkError::Frame(FrameError::TooLarge { len, max })) => {
				return Err(StoqError::Frame(FrameError::TooLarge { len, max }))
			}
			// The peer stopped the stream (it found a bad chunk): read its verdict.
			Err(bulk::BulkError::Frame(FrameError::Io(_))) => {}
			Err(e) => {
				let _ = send.reset(VarInt::from_u32(2));
				return Err(StoqError::Bulk(e));
			}
		}
		let _ = send.finish();
		let f = match tokio::time::timeout(progress, self.read_answer(&mut recv, None)).await {
			Ok(r) => r?,
			Err(_) => return Err(StoqError::Timeout(progress, "bulk transfer verdict")),
		};
		if f.kind != FrameType::Response || f.payload.len() != 32 {
			return Err(StoqError::Frame(FrameError::Unexpected(
				"bad answer to a bulk transfer".into(),
			)));
		}
		let mut id = [0u8; 32];
		id.copy_from_slice(&f.payload);
		if id != m.content_id() {
			return Err(StoqError::Remote(
				"receiver computed a different content id".into(),
			));
		}
		Ok(id)
	}

	/// Writes `bytes` verbatim on a new stream, finishes it, and returns the
	/// peer's answer. For protocol diagnostics and tests of malformed input.
	pub async fn send_raw(&self, bytes: &[u8]) -> Result<Frame> {
		let work = async {
			let (mut send, mut recv) = self
				.conn
				.open_bi()
				.await
				.map_err(|e| map_connection_error(&e))?;
			let w = send.write_all(bytes).await.err();
			let _ = send.finish();
			let werr = w.map(|e| FrameError::Io(std::io::Error::other(e)));
			self.read_answer(&mut recv, werr).await
		};
		match tokio::time::timeout(self.config.timeouts.request, work).await {
			Ok(r) => r,
			Err(_) => Err(StoqError::Timeout(
				self.config.timeouts.request,
				"raw exchange",
			)),
		}
	}

	/// Closes the connection.
	pub fn close(&self) {
		self.conn.close(VarInt::from_u32(0), b"bye");
	}
}
