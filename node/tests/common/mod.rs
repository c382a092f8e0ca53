//! Helpers the node's integration tests share: a node process that is killed when the
//! test ends, free ports, JSON-RPC over plain HTTP and polling; for the STOQ tests, this
//! machine's IPv6 address, a dev chain whose TrustChain root is generated into genesis,
//! and that root CA.

#![allow(dead_code)]

use std::{
	io::{Read, Write},
	net::{Ipv6Addr, TcpStream},
	path::{Path, PathBuf},
	process::{Child, Command, Stdio},
	time::{Duration, Instant},
};

use hypermesh_pki::{CaParts, HybridCa};

/// A node process, killed (and reaped) when dropped.
pub struct Node(pub Child);

impl Drop for Node {
	fn drop(&mut self) {
		let _ = self.0.kill();
		let _ = self.0.wait();
	}
}

/// A TCP port free on 127.0.0.1 at the time of the call.
pub fn free_port() -> u16 {
	std::net::TcpListener::bind("127.0.0.1:0")
		.unwrap()
		.local_addr()
		.unwrap()
		.port()
}

/// A UDP port free on `[::]` at the time of the call.
pub fn free_udp_port() -> u16 {
	std::net::UdpSocket::bind("[::]:0")
		.unwrap()
		.local_addr()
		.unwrap()
		.port()
}

/// Sends one HTTP/1.1 request (`head` without its final blank line, then `body`) to a
/// local port and returns the response's status line and headers, and its body; `None`
/// if the port does not answer.
fn http(port: u16, head: &str, body: &str) -> Option<(String, String)> {
	let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
	stream
		.set_read_timeout(Some(Duration::from_secs(30)))
		.ok()?;
	// The Host header must name the port: nodes refuse other hosts.
	write!(
		stream,
		"{head}\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n\r\n{body}"
	)
	.ok()?;
	let mut response = String::new();
	stream.read_to_string(&mut response).ok()?;
	let (head, body) = response.split_once("\r\n\r\n")?;
	Some((head.to_string(), body.to_string()))
}

/// One JSON-RPC call over HTTP/1.1 without a client library: the result, or `None` if
/// the node is not reachable yet or answered with an error.
pub fn rpc(port: u16, method: &str, params: serde_json::Value) -> Option<serde_json::Value> {
	let body = serde_json::json!({ "jsonrpc": "2.0", "id": 1, "method": method, "params": params })
		.to_string();
	let head = format!(
		"POST / HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: {}",
		body.len()
	);
	let (_, response) = http(port, &head, &body)?;
	let value: serde_json::Value = serde_json::from_str(&response).ok()?;
	value.get("result").cloned()
}

/// The body of `GET path` on a local HTTP port (e.g. Prometheus), or `None` if the
/// port does not answer with 200 yet.
pub fn http_get(port: u16, path: &str) -> Option<String> {
	let (head, body) = http(port, &format!("GET {path} HTTP/1.1"), "")?;
	head.starts_with("HTTP/1.1 200").then_some(body)
}

/// The value of the sample of `name` whose labels include each of `labels`, in a
/// Prometheus text page (`name{label="value",...} value`; the node's registry adds a
/// `chain` label to every sample).
pub fn sample(page: &str, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
	page.lines()
		.filter(|line| !line.starts_with('#'))
		.find_map(|line| {
			let (series, value) = line.rsplit_once(' ')?;
			let rest = series.strip_prefix(name)?;
			let set = match rest {
				"" => "",
				labelled => labelled.strip_prefix('{')?.strip_suffix('}')?,
			};
			let matches = labels.iter().all(|(label, wanted)| {
				set.split(',')
					.any(|pair| pair == format!("{label}=\"{wanted}\""))
			});
			matches.then(|| value.parse().ok()).flatten()
		})
}

/// Polls `f` every 2 s until it returns `Some`, failing the test after `timeout`.
pub fn wait_for<T>(what: &str, timeout: Duration, mut f: impl FnMut() -> Option<T>) -> T {
	let start = Instant::now();
	loop {
		if let Some(value) = f() {
			return value;
		}
		assert!(start.elapsed() < timeout, "timed out waiting for {what}");
		std::thread::sleep(Duration::from_secs(2));
	}
}

/// Runs `command` to its end; fails the test with its stderr if it did not succeed.
pub fn run_ok(command: &mut Command) -> std::process::Output {
	let out = command.output().expect("the command runs");
	assert!(
		out.status.success(),
		"{}",
		String::from_utf8_lossy(&out.stderr)
	);
	out
}

/// Starts the node binary with `args`, its stderr written to `log`.
pub fn spawn_node(args: &[String], log: &Path) -> Node {
	Node(
		Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
			.args(args)
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(log).unwrap())
			.spawn()
			.expect("hypermesh-node starts"),
	)
}

/// A global or unique-local IPv6 address of this machine (AAAA records refuse `::1`).
pub fn own_ipv6() -> Ipv6Addr {
	let table = std::fs::read_to_string("/proc/net/if_inet6").unwrap_or_default();
	table
		.lines()
		.filter_map(|line| {
			let mut fields = line.split_whitespace();
			let hex = fields.next()?;
			let scope = fields.nth(2)?;
			let bytes: Vec<u8> = (0..16)
				.map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16))
				.collect::<Result<_, _>>()
				.ok()?;
			let address = Ipv6Addr::from(<[u8; 16]>::try_from(bytes).ok()?);
			(scope == "00").then_some(address)
		})
		.find(|a| !a.is_loopback())
		.expect("this test needs an IPv6 address other than ::1 (none in /proc/net/if_inet6)")
}

/// Writes `dir/spec.json`, a raw dev chain spec whose TrustChain root is generated into
/// genesis, with the root CA's files in `dir/ca`; returns the spec's path.
pub fn dev_spec_with_genesis_ca(dir: &Path) -> PathBuf {
	let spec = run_ok(
		Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
			.args([
				"export-chain-spec",
				"--chain",
				"dev",
				"--raw",
				"--trustchain-genesis-ca",
			])
			.arg(dir.join("ca")),
	);
	let path = dir.join("spec.json");
	std::fs::write(&path, &spec.stdout).unwrap();
	path
}

/// The CA whose files `export-chain-spec --trustchain-genesis-ca` wrote to `dir`.
pub fn load_ca(dir: &Path) -> HybridCa {
	let read = |name: &str| std::fs::read(dir.join(name)).unwrap();
	HybridCa::import(&CaParts {
		common_name: String::from_utf8(read("ca.name"))
			.unwrap()
			.trim()
			.to_string(),
		cert_der: read("ca.cert.der"),
		key_pkcs8: read("ca.key.der"),
		falcon_public: read("ca.falcon.pub"),
		falcon_secret: read("ca.falcon.key"),
	})
	.unwrap()
}
