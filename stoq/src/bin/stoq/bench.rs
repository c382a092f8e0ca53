//! The side-by-side benchmark behind `stoq bench`.
//!
//! Everything runs in one process on loopback (`[::1]`, and `[::1]` TCP for the
//! TCP baselines) so the figures are comparable with each other on the same
//! machine; they are not network figures. Measured:
//!
//! * STOQ bulk throughput: 1 MiB chunks, BLAKE3 per chunk on both sides, the
//!   receiver streams verified chunks into a counting sink ([`EchoHandler`]):
//!   `send_bulk` (the sender hashes the object to build the manifest, then
//!   sends), `send_bulk_with_manifest` (manifest computed beforehand, as for
//!   stored content-addressed objects) on 1 stream, and `send_bulk` on N streams
//!   of one connection; hybrid kx, mutual hybrid-certificate auth.
//! * plain quinn: stock rustls `ring` provider (X25519), server auth only, raw
//!   bytes on one stream, written with `write_all` and read into a 1 MiB buffer;
//!   once with the same `TransportConfig` as STOQ ([`transport_config`]) and once
//!   with quinn's default `TransportConfig`.
//! * TLS over TCP (tokio-rustls, stock `ring` provider) and plain TCP: raw bytes.
//! * Handshake latency: STOQ (X25519+ML-KEM-1024, mutual auth with FALCON checks
//!   on both sides) vs plain quinn (X25519, server auth only).
//! * Request/response latency over one STOQ connection (64-byte echo, new stream each).
//!
//! The throughput measurements are repeated in rounds (see [`run`]) and reported as
//! medians, because on a shared VM one run of each says little: the spread between
//! runs of the same transfer was larger than the gap being measured.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use hypermesh_pki::{HybridCa, LeafSpec, NodeIdentity};
use stoq::bulk::{Manifest, SliceSource};
use stoq::config::{PqPolicy, StoqConfig};
use stoq::endpoint::{transport_config, EchoHandler, StoqConnection, StoqNode, ALPN};
use stoq::error::{Result, StoqError};
use stoq::kx;
use stoq::verify::{HybridTrust, InMemoryRevocation};

/// What to measure and how much.
#[derive(Debug, Clone, Copy)]
pub struct BenchOptions {
	/// Bytes moved by each throughput measurement.
	pub bytes: usize,
	/// Number of parallel streams for the multi-stream STOQ measurement.
	pub streams: usize,
	/// Number of handshakes timed per kind.
	pub handshakes: usize,
	/// Number of request/response round trips timed.
	pub requests: usize,
	/// Rounds of the throughput measurements (each row reports their median).
	pub rounds: usize,
}

impl Default for BenchOptions {
	fn default() -> Self {
		Self {
			bytes: 256 * 1024 * 1024,
			streams: 4,
			handshakes: 20,
			requests: 1000,
			rounds: 5,
		}
	}
}

/// One measured figure.
#[derive(Debug, Clone)]
pub struct BenchRow {
	/// What was measured.
	pub name: String,
	/// The figure: the median of `samples` when there are several.
	pub value: f64,
	/// Its unit.
	pub unit: &'static str,
	/// One value per round, in round order (empty for single measurements).
	pub samples: Vec<f64>,
}

impl BenchRow {
	fn single(name: String, value: f64, unit: &'static str) -> Self {
		Self {
			name,
			value,
			unit,
			samples: Vec::new(),
		}
	}

	fn of_samples(name: String, samples: Vec<f64>, unit: &'static str) -> Self {
		Self {
			name,
			value: median(&samples),
			unit,
			samples,
		}
	}
}

fn gbps(bytes: usize, d: Duration) -> f64 {
	bytes as f64 * 8.0 / d.as_secs_f64() / 1e9
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
	if sorted.is_empty() {
		return Duration::ZERO;
	}
	let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
	sorted[idx.min(sorted.len() - 1)]
}

fn io_err(e: impl std::fmt::Display) -> StoqError {
	StoqError::Connection(e.to_string())
}

fn local() -> SocketAddr {
	SocketAddr::from((std::net::Ipv6Addr::LOCALHOST, 0))
}

fn pattern(len: usize) -> Vec<u8> {
	(0..len)
		.map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
		.collect()
}

/// Plain quinn endpoints with rustls's stock ring provider (classical).
/// With `transport` = `None`, quinn's default `TransportConfig` is used.
fn plain_quinn(
	ca: &HybridCa,
	id: &NodeIdentity,
	transport: Option<Arc<quinn::TransportConfig>>,
) -> Result<(quinn::Endpoint, quinn::Endpoint)> {
	let provider = kx::classical_provider();
	let mut stls = rustls::ServerConfig::builder_with_provider(provider.clone())
		.with_protocol_versions(&[&rustls::version::TLS13])
		.map_err(io_err)?
		.with_no_client_auth()
		.with_single_cert(id.cert_chain.clone(), id.private_key())
		.map_err(io_err)?;
	stls.alpn_protocols = vec![ALPN.to_vec()];
	let mut scfg = quinn::ServerConfig::with_crypto(Arc::new(
		QuicServerConfig::try_from(stls).map_err(io_err)?,
	));
	if let Some(t) = &transport {
		scfg.transport_config(t.clone());
	}
	let server = quinn::Endpoint::server(scfg, local())?;
	let mut roots = rustls::RootCertStore::empty();
	roots.add(ca.cert_der().clone()).map_err(io_err)?;
	let mut ctls = rustls::ClientConfig::builder_with_provider(provider)
		.with_protocol_versions(&[&rustls::version::TLS13])
		.map_err(io_err)?
		.with_root_certificates(roots)
		.with_no_client_auth();
	ctls.alpn_protocols = vec![ALPN.to_vec()];
	let mut ccfg =
		quinn::ClientConfig::new(Arc::new(QuicClientConfig::try_from(ctls).map_err(io_err)?));
	if let Some(t) = transport {
		ccfg.transport_config(t);
	}
	let mut client = quinn::Endpoint::client(local())?;
	client.set_default_client_config(ccfg);
	Ok((server, client))
}

/// Server side of the raw-byte baselines: read to EOF, then answer one byte.
async fn sink<R, W>(mut r: R, mut w: W) -> std::io::Result<u64>
where
	R: tokio::io::AsyncRead + Unpin,
	W: tokio::io::AsyncWrite + Unpin,
{
	let mut buf = vec![0u8; 1 << 20];
	let mut total = 0u64;
	loop {
		let n = r.read(&mut buf).await?;
		if n == 0 {
			break;
		}
		total += n as u64;
	}
	w.write_all(&[1]).await?;
	w.shutdown().await?;
	Ok(total)
}

/// Client side of the raw-byte baselines: write everything, close, await the byte.
async fn source<R, W>(mut r: R, mut w: W, data: &[u8]) -> std::io::Result<()>
where
	R: tokio::io::AsyncRead + Unpin,
	W: tokio::io::AsyncWrite + Unpin,
{
	for c in data.chunks(1 << 20) {
		w.write_all(c).await?;
	}
	w.shutdown().await?;
	let mut b = [0u8; 1];
	r.read_exact(&mut b).await?;
	Ok(())
}

/// One throughput measurement, repeated once per round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Throughput {
	/// `send_bulk`: the sender hashes the object (manifest), then sends.
	StoqSendBulk,
	/// `send_bulk_with_manifest`: the manifest was built beforehand.
	StoqPrecomputed,
	/// `send_bulk` of equal parts on N streams of one connection.
	StoqStreams,
	/// Plain quinn with STOQ's `TransportConfig`.
	QuinnStoqWindows,
	/// Plain quinn with quinn's default `TransportConfig`.
	QuinnDefault,
	/// TLS 1.3 over TCP.
	TlsTcp,
	/// Plain TCP.
	Tcp,
	/// `send_bulk_with_manifest` to a receiver whose socket carries the eBPF kernel
	/// counters (what the counters cost).
	#[cfg(feature = "ebpf")]
	StoqPrecomputedCounted,
}

impl Throughput {
	/// Every measurement, in display order.
	fn all() -> Vec<Self> {
		let all = vec![
			Self::StoqSendBulk,
			Self::StoqPrecomputed,
			Self::StoqStreams,
			Self::QuinnStoqWindows,
			Self::QuinnDefault,
			Self::TlsTcp,
			Self::Tcp,
		];
		#[cfg(feature = "ebpf")]
		let all = {
			let mut all = all;
			all.insert(2, Self::StoqPrecomputedCounted);
			all
		};
		all
	}

	/// The row name, for `mib` MiB moved and `streams` parallel streams.
	fn name(self, mib: usize, streams: usize) -> String {
		match self {
			Self::StoqSendBulk => {
				format!("STOQ bulk, 1 stream ({mib} MiB, incl. sender manifest hashing)")
			}
			Self::StoqPrecomputed => {
				format!("STOQ bulk, 1 stream ({mib} MiB, manifest precomputed)")
			}
			Self::StoqStreams => format!("STOQ bulk, {streams} streams ({mib} MiB total)"),
			Self::QuinnStoqWindows => {
				format!("plain quinn (ring, X25519), 1 stream ({mib} MiB), STOQ windows")
			}
			Self::QuinnDefault => {
				format!("plain quinn (ring, X25519), 1 stream ({mib} MiB), quinn default windows")
			}
			Self::TlsTcp => format!("TLS 1.3 over TCP (tokio-rustls, ring) ({mib} MiB)"),
			Self::Tcp => format!("plain TCP ({mib} MiB)"),
			#[cfg(feature = "ebpf")]
			Self::StoqPrecomputedCounted => {
				format!("STOQ bulk, 1 stream ({mib} MiB, precomputed), receiver with eBPF counters")
			}
		}
	}
}

/// Everything the throughput measurements need, set up once.
struct Peers {
	data: Arc<Vec<u8>>,
	manifest: Manifest,
	streams: usize,
	stoq: StoqConnection,
	quinn_stoq_windows: quinn::Connection,
	quinn_default: quinn::Connection,
	tls: tokio_rustls::TlsConnector,
	tls_addr: SocketAddr,
	tcp_addr: SocketAddr,
	/// A connection to a second STOQ server whose socket has the eBPF counters.
	#[cfg(feature = "ebpf")]
	stoq_counted: StoqConnection,
}

impl Peers {
	/// Sends `data` with its precomputed manifest over `conn`; returns how long it took.
	async fn send_precomputed(&self, conn: &StoqConnection) -> Result<Duration> {
		let t = Instant::now();
		conn.send_bulk_with_manifest(&self.manifest, &mut SliceSource(&self.data))
			.await?;
		Ok(t.elapsed())
	}

	/// Moves `data` once the way `kind` says and returns how long it took.
	async fn measure(&self, kind: Throughput) -> Result<Duration> {
		let data = &self.data;
		Ok(match kind {
			Throughput::StoqSendBulk => {
				let t = Instant::now();
				self.stoq.send_bulk(data).await?;
				t.elapsed()
			}
			Throughput::StoqPrecomputed => self.send_precomputed(&self.stoq).await?,
			#[cfg(feature = "ebpf")]
			Throughput::StoqPrecomputedCounted => self.send_precomputed(&self.stoq_counted).await?,
			Throughput::StoqStreams => {
				let part = data.len().div_ceil(self.streams);
				let t = Instant::now();
				let mut tasks = Vec::new();
				for i in 0..self.streams {
					let (conn, data) = (self.stoq.clone(), data.clone());
					tasks.push(tokio::spawn(async move {
						let end = ((i + 1) * part).min(data.len());
						conn.send_bulk(&data[(i * part).min(end)..end]).await
					}));
				}
				for task in tasks {
					task.await.map_err(io_err)??;
				}
				t.elapsed()
			}
			Throughput::QuinnStoqWindows | Throughput::QuinnDefault => {
				let conn = if kind == Throughput::QuinnDefault {
					&self.quinn_default
				} else {
					&self.quinn_stoq_windows
				};
				let t = Instant::now();
				let (s, r) = conn.open_bi().await.map_err(io_err)?;
				source(r, s, data).await?;
				t.elapsed()
			}
			Throughput::TlsTcp => {
				let sock = TcpStream::connect(self.tls_addr).await?;
				sock.set_nodelay(true)?;
				let name = ServerName::try_from("localhost").map_err(io_err)?;
				let tls = self.tls.connect(name, sock).await?;
				let t = Instant::now();
				let (r, w) = tokio::io::split(tls);
				source(r, w, data).await?;
				t.elapsed()
			}
			Throughput::Tcp => {
				let sock = TcpStream::connect(self.tcp_addr).await?;
				let t = Instant::now();
				let (r, w) = sock.into_split();
				source(r, w, data).await?;
				t.elapsed()
			}
		})
	}
}

/// Accepts plain quinn connections and sinks every stream.
fn serve_plain_quinn(server: quinn::Endpoint) {
	tokio::spawn(async move {
		while let Some(inc) = server.accept().await {
			tokio::spawn(async move {
				if let Ok(c) = inc.await {
					while let Ok((s, r)) = c.accept_bi().await {
						tokio::spawn(sink(r, s));
					}
				}
			});
		}
	});
}

/// The median of `values` (sorted here); 0 for none.
fn median(values: &[f64]) -> f64 {
	let mut v = values.to_vec();
	v.sort_by(f64::total_cmp);
	match v.len() {
		0 => 0.0,
		n if n % 2 == 1 => v[n / 2],
		n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
	}
}

/// Runs every measurement and returns the rows in display order.
///
/// The throughput measurements run in `rounds` rounds; each round runs every one of
/// them once, in the opposite order from the round before, so that a slow spell of
/// the machine falls on STOQ and on its baselines alike. A row's value is the median
/// of its rounds and its samples are kept; the ratio rows take STOQ and plain quinn
/// from the same round.
pub async fn run(opts: BenchOptions) -> Result<Vec<BenchRow>> {
	let mut rows = Vec::new();
	let ca = HybridCa::generate("bench CA")?;
	let trust = Arc::new(HybridTrust::from_ca(
		&ca,
		Arc::new(InMemoryRevocation::new()),
	)?);
	let server_id = ca.issue_leaf(&LeafSpec::node("bench-server", 2, 1))?;
	let client_id = ca.issue_leaf(&LeafSpec::node("bench-client", 3, 1))?;
	let data = Arc::new(pattern(opts.bytes));
	let mib = opts.bytes / (1024 * 1024);

	// --- STOQ ---
	let server = StoqNode::bind(
		local(),
		StoqConfig::new(PqPolicy::Required, server_id.clone(), trust.clone()),
	)?;
	server.serve(Arc::new(EchoHandler));
	let saddr = server.local_addr()?;
	let client = StoqNode::bind(
		local(),
		StoqConfig::new(PqPolicy::Required, client_id.clone(), trust.clone()),
	)?;
	let conn = client.connect(saddr, "localhost").await?;
	let t = Instant::now();
	let manifest = Manifest::build(&data, client.config().limits.chunk_size);
	let hashing = t.elapsed();

	// --- plain quinn, with STOQ's and with quinn's default TransportConfig ---
	let (qserver, qclient) = plain_quinn(
		&ca,
		&server_id,
		Some(transport_config(
			Duration::from_secs(30),
			stoq::Limits::default().max_streams,
		)?),
	)?;
	let qaddr = qserver.local_addr()?;
	serve_plain_quinn(qserver.clone());
	let qconn = qclient
		.connect(qaddr, "localhost")
		.map_err(io_err)?
		.await
		.map_err(io_err)?;
	let (dserver, dclient) = plain_quinn(&ca, &server_id, None)?;
	let daddr = dserver.local_addr()?;
	serve_plain_quinn(dserver.clone());
	let dconn = dclient
		.connect(daddr, "localhost")
		.map_err(io_err)?
		.await
		.map_err(io_err)?;

	// --- TLS over TCP ---
	let provider = kx::classical_provider();
	let stls = rustls::ServerConfig::builder_with_provider(provider.clone())
		.with_protocol_versions(&[&rustls::version::TLS13])
		.map_err(io_err)?
		.with_no_client_auth()
		.with_single_cert(server_id.cert_chain.clone(), server_id.private_key())
		.map_err(io_err)?;
	let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(stls));
	let listener = TcpListener::bind(local()).await?;
	let tls_addr = listener.local_addr()?;
	tokio::spawn(async move {
		while let Ok((sock, _)) = listener.accept().await {
			let acceptor = acceptor.clone();
			tokio::spawn(async move {
				if let Ok(tls) = acceptor.accept(sock).await {
					let (r, w) = tokio::io::split(tls);
					let _ = sink(r, w).await;
				}
			});
		}
	});
	let mut roots = rustls::RootCertStore::empty();
	roots.add(ca.cert_der().clone()).map_err(io_err)?;
	let ctls = rustls::ClientConfig::builder_with_provider(provider)
		.with_protocol_versions(&[&rustls::version::TLS13])
		.map_err(io_err)?
		.with_root_certificates(roots)
		.with_no_client_auth();

	// --- plain TCP ---
	let listener = TcpListener::bind(local()).await?;
	let tcp_addr = listener.local_addr()?;
	tokio::spawn(async move {
		while let Ok((sock, _)) = listener.accept().await {
			tokio::spawn(async move {
				let (r, w) = sock.into_split();
				let _ = sink(r, w).await;
			});
		}
	});

	// --- STOQ to a receiver with the eBPF kernel counters ---
	#[cfg(feature = "ebpf")]
	let counted_server = StoqNode::bind_with_kernel_counters(
		local(),
		StoqConfig::new(PqPolicy::Required, server_id.clone(), trust.clone()),
	)?;
	#[cfg(feature = "ebpf")]
	let stoq_counted = {
		counted_server.serve(Arc::new(EchoHandler));
		client
			.connect(counted_server.local_addr()?, "localhost")
			.await?
	};

	let peers = Peers {
		#[cfg(feature = "ebpf")]
		stoq_counted,
		data: data.clone(),
		manifest,
		streams: opts.streams.max(1),
		stoq: conn.clone(),
		quinn_stoq_windows: qconn,
		quinn_default: dconn.clone(),
		tls: tokio_rustls::TlsConnector::from(Arc::new(ctls)),
		tls_addr,
		tcp_addr,
	};
	let rounds = opts.rounds.max(1);
	let kinds = Throughput::all();
	let mut samples: Vec<Vec<f64>> = vec![Vec::with_capacity(rounds); kinds.len()];
	for round in 0..rounds {
		let mut order: Vec<usize> = (0..kinds.len()).collect();
		if round % 2 == 1 {
			order.reverse();
		}
		for i in order {
			let took = peers.measure(kinds[i]).await?;
			samples[i].push(gbps(data.len(), took));
		}
	}
	for (i, kind) in kinds.iter().enumerate() {
		rows.push(BenchRow::of_samples(
			kind.name(mib, peers.streams),
			samples[i].clone(),
			"Gbit/s",
		));
		if *kind == Throughput::StoqPrecomputed {
			rows.push(BenchRow::single(
				format!("  sender manifest build alone (BLAKE3 of {mib} MiB)"),
				gbps(data.len(), hashing),
				"Gbit/s",
			));
		}
	}
	let ratio = |numerator: Throughput, denominator: Throughput| -> Vec<f64> {
		let at = |k| kinds.iter().position(|&t| t == k).unwrap_or(0);
		samples[at(numerator)]
			.iter()
			.zip(&samples[at(denominator)])
			.map(|(n, d)| if *d > 0.0 { n / d * 100.0 } else { 0.0 })
			.collect()
	};
	#[cfg(feature = "ebpf")]
	{
		rows.push(BenchRow::of_samples(
			"STOQ precomputed, receiver with eBPF counters / without, same round".into(),
			ratio(
				Throughput::StoqPrecomputedCounted,
				Throughput::StoqPrecomputed,
			),
			"%",
		));
		let counted = counted_server
			.kernel_counters()
			.ok_or_else(|| io_err("the counted server has no kernel counters"))??;
		rows.push(BenchRow::single(
			format!("  payload bytes its eBPF filter counted / {rounds} x {mib} MiB sent"),
			counted.bytes as f64 / (rounds * data.len()) as f64 * 100.0,
			"%",
		));
	}
	rows.push(BenchRow::of_samples(
		"STOQ precomputed / plain quinn STOQ windows, same round".into(),
		ratio(Throughput::StoqPrecomputed, Throughput::QuinnStoqWindows),
		"%",
	));
	rows.push(BenchRow::of_samples(
		"STOQ precomputed / plain quinn default windows, same round".into(),
		ratio(Throughput::StoqPrecomputed, Throughput::QuinnDefault),
		"%",
	));
	rows.push(BenchRow::of_samples(
		"STOQ send_bulk / plain quinn STOQ windows, same round".into(),
		ratio(Throughput::StoqSendBulk, Throughput::QuinnStoqWindows),
		"%",
	));
	dconn.close(0u32.into(), b"");
	let mut row = |name: String, value: f64, unit: &'static str| {
		rows.push(BenchRow::single(name, value, unit))
	};

	// --- handshakes ---
	let mut pq = Vec::new();
	for _ in 0..opts.handshakes {
		let t = Instant::now();
		let c = client.handshake(saddr, "localhost").await?;
		pq.push(t.elapsed());
		c.close(0u32.into(), b"");
	}
	let mut classic = Vec::new();
	for _ in 0..opts.handshakes {
		let t = Instant::now();
		let c = qclient
			.connect(qaddr, "localhost")
			.map_err(io_err)?
			.await
			.map_err(io_err)?;
		classic.push(t.elapsed());
		c.close(0u32.into(), b"");
	}
	pq.sort();
	classic.sort();
	let ms = |d: Duration| d.as_secs_f64() * 1e3;
	row(
		"handshake STOQ (X25519+ML-KEM-1024, mutual, FALCON) p50".into(),
		ms(percentile(&pq, 0.5)),
		"ms",
	);
	row("handshake STOQ p99".into(), ms(percentile(&pq, 0.99)), "ms");
	row(
		"handshake plain quinn (X25519, server auth) p50".into(),
		ms(percentile(&classic, 0.5)),
		"ms",
	);
	row(
		"handshake plain quinn p99".into(),
		ms(percentile(&classic, 0.99)),
		"ms",
	);

	// --- request/response ---
	let msg = [7u8; 64];
	let mut lat = Vec::with_capacity(opts.requests);
	for _ in 0..opts.requests {
		let t = Instant::now();
		conn.request(&msg).await?;
		lat.push(t.elapsed());
	}
	lat.sort();
	let us = |d: Duration| d.as_secs_f64() * 1e6;
	row(
		"STOQ request/response (64 B echo) p50".into(),
		us(percentile(&lat, 0.5)),
		"us",
	);
	row(
		"STOQ request/response p99".into(),
		us(percentile(&lat, 0.99)),
		"us",
	);

	conn.close();
	client.close();
	server.close();
	#[cfg(feature = "ebpf")]
	counted_server.close();
	qclient.close(0u32.into(), b"");
	qserver.close(0u32.into(), b"");
	dclient.close(0u32.into(), b"");
	dserver.close(0u32.into(), b"");
	Ok(rows)
}

/// Formats rows as an aligned text table: the value (a median where there are
/// rounds), then the lowest and highest round.
pub fn table(rows: &[BenchRow]) -> String {
	let w = rows.iter().map(|r| r.name.len()).max().unwrap_or(10);
	let mut out = format!(
		"{:<w$}  {:>10}  {:>10}  {:>10}  unit\n",
		"measurement", "median", "min", "max"
	);
	for r in rows {
		let (lo, hi) = match r.samples.len() {
			0 => ("-".to_string(), "-".to_string()),
			_ => (
				format!(
					"{:.3}",
					r.samples.iter().copied().fold(f64::INFINITY, f64::min)
				),
				format!(
					"{:.3}",
					r.samples.iter().copied().fold(f64::NEG_INFINITY, f64::max)
				),
			),
		};
		out.push_str(&format!(
			"{:<w$}  {:>10.3}  {:>10}  {:>10}  {}\n",
			r.name, r.value, lo, hi, r.unit
		));
	}
	out
}

/// Formats rows as a JSON array of `{name, value, unit}` objects.
pub fn json(rows: &[BenchRow]) -> String {
	let v: Vec<serde_json::Value> = rows
		.iter()
		.map(|r| {
			serde_json::json!({ "name": r.name, "value": r.value, "unit": r.unit, "samples": r.samples })
		})
		.collect();
	serde_json::Value::Array(v).to_string()
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rows_report_the_median_and_the_range_of_their_rounds() {
		assert_eq!(median(&[]), 0.0);
		assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
		assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
		let row = BenchRow::of_samples("x".into(), vec![5.0, 1.0, 4.0], "Gbit/s");
		assert_eq!(row.value, 4.0);
		assert_eq!(row.samples, vec![5.0, 1.0, 4.0]);
		let text = table(&[row, BenchRow::single("y".into(), 2.0, "ms")]);
		let lines: Vec<&str> = text.lines().collect();
		assert_eq!(
			lines[1].split_whitespace().collect::<Vec<_>>(),
			["x", "4.000", "1.000", "5.000", "Gbit/s"]
		);
		assert_eq!(
			lines[2].split_whitespace().collect::<Vec<_>>(),
			["y", "2.000", "-", "-", "ms"]
		);
	}
}
