//! The `stoq` command: run a STOQ server or client on IPv6, or the side-by-side
//! benchmark.
//!
//! `server` and `client` use a development PKI directory (`--pki`): the first run
//! creates a hybrid test CA there (ECDSA P-256 + FALCON-1024, secret keys stored
//! unencrypted, mode 0600 in a directory created 0700; a key group or others can access
//! is refused) and each process issues itself a fresh leaf from it. This is for
//! trying STOQ out; production nodes get certificates from TrustChain.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use bench::BenchOptions;
use clap::{Parser, Subcommand};
use hypermesh_pki::{key_file, CaParts, HybridCa, LeafSpec};
use stoq::{EchoHandler, HybridTrust, InMemoryRevocation, PqPolicy, StoqConfig, StoqNode};

mod bench;

#[derive(Parser)]
#[command(name = "stoq", about = "STOQ: post-quantum QUIC transport (IPv6 only)")]
struct Cli {
	#[command(subcommand)]
	cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
	/// Serve the echo handler (requests echoed, bulk objects verified and dropped).
	Server {
		/// Address to listen on (IPv6).
		#[arg(long, default_value = "[::]:4433")]
		listen: SocketAddr,
		/// Development PKI directory (created if missing).
		#[arg(long, default_value = "stoq-pki")]
		pki: PathBuf,
		/// required | preferred
		#[arg(long, default_value = "required")]
		policy: PqPolicy,
		/// Attach the eBPF kernel packet counters to the socket and print them every
		/// this many seconds (needs CAP_BPF or root).
		#[cfg(feature = "ebpf")]
		#[arg(long, value_name = "SECONDS")]
		kernel_counters: Option<u64>,
	},
	/// Connect, send one request and optionally a bulk object.
	Client {
		/// Server address (IPv6).
		#[arg(long, default_value = "[::1]:4433")]
		connect: SocketAddr,
		/// Name to check in the server certificate.
		#[arg(long, default_value = "localhost")]
		server_name: String,
		/// Development PKI directory shared with the server.
		#[arg(long, default_value = "stoq-pki")]
		pki: PathBuf,
		/// required | preferred
		#[arg(long, default_value = "required")]
		policy: PqPolicy,
		/// Request payload.
		#[arg(long, default_value = "hello over STOQ")]
		message: String,
		/// Also send a bulk object of this many MiB.
		#[arg(long)]
		bulk_mib: Option<usize>,
	},
	/// Measure STOQ against plain quinn, TLS over TCP and TCP on loopback.
	Bench {
		/// MiB moved by each throughput measurement.
		#[arg(long, default_value_t = 256)]
		mib: usize,
		/// Parallel streams for the multi-stream measurement.
		#[arg(long, default_value_t = 4)]
		streams: usize,
		/// Handshakes timed per kind.
		#[arg(long, default_value_t = 20)]
		handshakes: usize,
		/// Request/response round trips timed.
		#[arg(long, default_value_t = 1000)]
		requests: usize,
		/// Rounds of the throughput measurements (rows report the median).
		#[arg(long, default_value_t = 5)]
		rounds: usize,
		/// Print JSON instead of a table.
		#[arg(long)]
		json: bool,
	},
}

/// Loads the development CA in `dir`, creating it there first if it has none. The
/// private keys go through `hypermesh_pki::key_file`: written 0600 in a directory created
/// 0700, and refused when group or others can access them.
fn load_or_create_ca(dir: &Path) -> Result<HybridCa, Box<dyn std::error::Error>> {
	let f = |n: &str| dir.join(n);
	let read =
		|n: &str| std::fs::read(f(n)).map_err(|e| format!("cannot read {}: {e}", f(n).display()));
	if f("ca.cert.der").exists() {
		let parts = CaParts {
			common_name: String::from_utf8(read("ca.name")?)?.trim().to_string(),
			cert_der: read("ca.cert.der")?,
			key_pkcs8: key_file::read(&f("ca.key.der"))?,
			falcon_public: read("ca.falcon.pub")?,
			falcon_secret: key_file::read(&f("ca.falcon.key"))?,
		};
		return Ok(HybridCa::import(&parts)?);
	}
	key_file::create_dir(dir)?;
	let ca = HybridCa::generate("STOQ development CA")?;
	let p = ca.export();
	let write = |n: &str, bytes: &[u8]| {
		std::fs::write(f(n), bytes).map_err(|e| format!("cannot write {}: {e}", f(n).display()))
	};
	key_file::write_new(&f("ca.key.der"), &p.key_pkcs8)?;
	key_file::write_new(&f("ca.falcon.key"), &p.falcon_secret)?;
	write("ca.name", p.common_name.as_bytes())?;
	write("ca.falcon.pub", &p.falcon_public)?;
	// Last: a directory with `ca.cert.der` holds a whole CA.
	write("ca.cert.der", &p.cert_der)?;
	eprintln!("created development CA in {}", dir.display());
	Ok(ca)
}

fn node_config(
	dir: &Path,
	name: &str,
	policy: PqPolicy,
) -> Result<StoqConfig, Box<dyn std::error::Error>> {
	let ca = load_or_create_ca(dir)?;
	let serial = std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)?
		.as_nanos() as u64;
	let id = ca.issue_leaf(&LeafSpec::node(name, serial, 1))?;
	let trust = Arc::new(HybridTrust::from_ca(
		&ca,
		Arc::new(InMemoryRevocation::new()),
	)?);
	Ok(StoqConfig::new(policy, id, trust))
}

#[tokio::main]
async fn main() {
	if let Err(e) = run(Cli::parse()).await {
		eprintln!("error: {e}");
		std::process::exit(1);
	}
}

async fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
	match cli.cmd {
		Cmd::Server {
			listen,
			pki,
			policy,
			#[cfg(feature = "ebpf")]
			kernel_counters,
		} => {
			let config = node_config(&pki, "stoq-server", policy)?;
			#[cfg(feature = "ebpf")]
			let node = match kernel_counters {
				Some(_) => StoqNode::bind_with_kernel_counters(listen, config)?,
				None => StoqNode::bind(listen, config)?,
			};
			#[cfg(not(feature = "ebpf"))]
			let node = StoqNode::bind(listen, config)?;
			println!("STOQ server on {} (policy {policy:?})", node.local_addr()?);
			let serving = node.serve(Arc::new(EchoHandler));
			#[cfg(feature = "ebpf")]
			if let Some(every) = kernel_counters {
				let mut tick = tokio::time::interval(std::time::Duration::from_secs(every.max(1)));
				loop {
					tick.tick().await;
					match node.kernel_counters() {
						Some(Ok(c)) => println!(
							"kernel rx: {} datagrams, {} payload bytes, {} socket buffers",
							c.datagrams, c.bytes, c.buffers
						),
						Some(Err(e)) => eprintln!("kernel counters: {e}"),
						None => {}
					}
				}
			}
			serving.await?;
		}
		Cmd::Client {
			connect,
			server_name,
			pki,
			policy,
			message,
			bulk_mib,
		} => {
			let node = StoqNode::bind(
				SocketAddr::from((std::net::Ipv6Addr::UNSPECIFIED, 0)),
				node_config(&pki, "stoq-client", policy)?,
			)?;
			let conn = node.connect(connect, &server_name).await?;
			let resp = conn.request(message.as_bytes()).await?;
			println!("response: {}", String::from_utf8_lossy(&resp));
			if let Some(mib) = bulk_mib {
				let data = vec![0x5au8; mib * 1024 * 1024];
				let t = std::time::Instant::now();
				let id = conn.send_bulk(&data).await?;
				let s = t.elapsed().as_secs_f64();
				println!(
					"bulk {mib} MiB in {s:.3} s ({:.3} Gbit/s), content id {}",
					data.len() as f64 * 8.0 / s / 1e9,
					stoq::bulk::hex(&id)
				);
			}
			conn.close();
			node.wait_idle().await;
		}
		Cmd::Bench {
			mib,
			streams,
			handshakes,
			requests,
			rounds,
			json,
		} => {
			let rows = bench::run(BenchOptions {
				bytes: mib * 1024 * 1024,
				streams,
				handshakes,
				requests,
				rounds,
			})
			.await?;
			if json {
				println!("{}", bench::json(&rows));
			} else {
				print!("{}", bench::table(&rows));
			}
		}
	}
	Ok(())
}
