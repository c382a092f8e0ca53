//! Two nodes of one chain talk STOQ, found through TrustChain and authenticated by it.
//!
//! Node A authors the chain (whose TrustChain root was generated into genesis) and runs the
//! CA service; A and B each hold a certificate for their own name (`node-a.hypermesh`,
//! `node-b.hypermesh`), publish AAAA + SRV records for their STOQ endpoint, and connect to
//! each other by name only. Then a STOQ client in this test, speaking the post-quantum
//! handshake, checks what the endpoints accept: B's certificate is accepted and A answers
//! a DNS-over-STOQ lookup from chain state; a certificate from a CA the chain does not know,
//! one from the chain's own CA that was never logged on chain, and one signed by the
//! chain's CA key with the serial of B's logged, live certificate but other content (a
//! certificate that skipped the CT log) are all refused, while B's logged one is accepted.
//! A's Prometheus metrics then show the flow: B connected, handshakes accepted and refused
//! by the chain with their reasons, bytes both ways, and name resolution requests answered,
//! not found and malformed.

mod common;

use common::{
	dev_spec_with_genesis_ca, free_port, free_udp_port, load_ca, own_ipv6, rpc, sample, spawn_node,
	wait_for,
};
use std::{
	net::{Ipv6Addr, SocketAddr},
	path::{Path, PathBuf},
	sync::Arc,
	time::Duration,
};

use hypermesh_pki::{HybridCa, LeafSpec, NodeIdentity};
use hypermesh_primitives::x509::HybridCertificate;
use stoq::{
	config::{PqPolicy, StoqConfig},
	endpoint::StoqNode,
	verify::{HybridTrust, InMemoryRevocation},
};

/// A STOQ client with `identity`, trusting the chain's CA (read from its directory).
fn client(identity: NodeIdentity, chain_ca: &HybridCa) -> StoqNode {
	let trust = HybridTrust::from_ca(chain_ca, Arc::new(InMemoryRevocation::new())).unwrap();
	StoqNode::bind(
		SocketAddr::from((Ipv6Addr::UNSPECIFIED, 0)),
		StoqConfig::new(PqPolicy::Required, identity, Arc::new(trust)),
	)
	.unwrap()
}

#[test]
fn nodes_find_and_authenticate_each_other_through_trustchain() {
	let dir: PathBuf = std::env::temp_dir().join(format!("hypermesh-stoq-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	let address = own_ipv6();

	// The chain: a dev spec with a TrustChain root generated into genesis.
	let spec = dev_spec_with_genesis_ca(&dir);

	let s = |p: &Path| p.display().to_string();
	let (rpc_a, rpc_b) = (free_port(), free_port());
	let (p2p_a, p2p_b) = (free_port(), free_port());
	let (stoq_a, stoq_b) = (free_udp_port(), free_udp_port());
	let common =
		|rpc: u16, p2p: u16, holder: &str, name: &str, suri: &str, stoq: u16, peer: &str| {
			vec![
				"--chain".into(),
				s(&spec),
				"--tmp".into(),
				"--no-prometheus".into(),
				"--no-telemetry".into(),
				"--no-mdns".into(),
				"--rpc-port".into(),
				rpc.to_string(),
				"--port".into(),
				p2p.to_string(),
				"--trustchain-holder-dir".into(),
				s(&dir.join(holder)),
				"--trustchain-holder-names".into(),
				name.into(),
				"--trustchain-holder-suri".into(),
				suri.into(),
				"--stoq-port".into(),
				stoq.to_string(),
				"--stoq-advertise".into(),
				address.to_string(),
				"--stoq-peers".into(),
				peer.into(),
			]
		};
	let mut args_a = common(
		rpc_a,
		p2p_a,
		"a",
		"node-a.hypermesh",
		"//Bob",
		stoq_a,
		"node-b.hypermesh",
	);
	args_a.extend(
		[
			"--alice",
			"--validator",
			"--force-authoring",
			"--node-key",
			"0000000000000000000000000000000000000000000000000000000000000001",
			"--trustchain-ca-dir",
			&s(&dir.join("ca")),
			"--trustchain-operator-suri",
			"//Alice",
			// The STOQ oracle's refusal reasons, checked below.
			"-lstoq=debug",
		]
		.map(String::from),
	);
	// A's metrics are checked below.
	let prometheus_a = free_port();
	args_a.retain(|a| a != "--no-prometheus");
	args_a.extend(["--prometheus-port".into(), prometheus_a.to_string()]);
	// Before anything happened, every STOQ metric is there, at zero.
	let at_start = |page: &str| {
		let zero = |name: &str, labels: &[(&str, &str)]| sample(page, name, labels) == Some(0.0);
		(zero("hypermesh_stoq_peers", &[])
			&& zero(
				"hypermesh_stoq_handshakes_total",
				&[("result", "accepted"), ("reason", "none")],
			) && zero(
			"hypermesh_stoq_handshakes_total",
			&[("result", "refused"), ("reason", "not_logged")],
		) && zero("hypermesh_stoq_handshake_duration_seconds_count", &[])
			&& zero("hypermesh_stoq_sent_bytes_total", &[])
			&& zero("hypermesh_stoq_received_bytes_total", &[])
			&& zero(
				"hypermesh_name_resolution_requests_total",
				&[("result", "answered")],
			) && zero("hypermesh_name_resolution_duration_seconds_count", &[]))
		.then_some(())
	};
	// A node built with `stoq-ebpf` also counts its STOQ socket's traffic in the kernel.
	#[cfg(feature = "stoq-ebpf")]
	args_a.push("--stoq-kernel-counters".into());
	let _a = spawn_node(&args_a, &dir.join("a.log"));
	wait_for(
		"A's STOQ metrics, at zero",
		Duration::from_secs(300),
		|| at_start(&common::http_get(prometheus_a, "/metrics")?),
	);
	// The peer id of node key 0x…01.
	let bootnode = format!(
		"/ip4/127.0.0.1/tcp/{p2p_a}/p2p/12D3KooWEyoppNCUx8Yx66oV9fJnriXwCcXwDDUA2kj6vnc6iDEp"
	);
	let mut args_b = common(
		rpc_b,
		p2p_b,
		"b",
		"node-b.hypermesh",
		"//Alice//stash",
		stoq_b,
		"node-a.hypermesh",
	);
	args_b.extend(["--bootnodes".to_string(), bootnode]);
	let _b = spawn_node(&args_b, &dir.join("b.log"));

	let timeout = Duration::from_secs(600);
	let connected = |port: u16, peer: &str| {
		let status = rpc(port, "stoq_status", serde_json::json!([]))?;
		let state = &status["peers"][peer];
		(state["connected"] == true).then(|| state.clone())
	};
	let b_to_a = wait_for("B connected to A", timeout, || {
		connected(rpc_b, "node-a.hypermesh")
	});
	assert_eq!(
		b_to_a["address"],
		format!("[{address}]:{stoq_a}"),
		"{b_to_a}"
	);
	assert!(
		b_to_a["detail"]
			.as_str()
			.unwrap()
			.contains("node-a.hypermesh"),
		"{b_to_a}"
	);
	let a_to_b = wait_for("A connected to B", timeout, || {
		connected(rpc_a, "node-b.hypermesh")
	});
	assert!(
		a_to_b["detail"]
			.as_str()
			.unwrap()
			.contains("node-b.hypermesh"),
		"{a_to_b}"
	);
	let status_a = rpc(rpc_a, "stoq_status", serde_json::json!([])).unwrap();
	#[cfg(not(feature = "stoq-ebpf"))]
	assert!(status_a["kernel_rx"].is_null(), "{status_a}");
	#[cfg(feature = "stoq-ebpf")]
	{
		// B's handshake and pings reached A's socket: counted by the eBPF filter,
		// reported by stoq_status and by Prometheus.
		let _ = status_a;
		let rx = wait_for("A's kernel counters in stoq_status", timeout, || {
			let status = rpc(rpc_a, "stoq_status", serde_json::json!([]))?;
			let rx = status["kernel_rx"].clone();
			(rx["datagrams"].as_u64()? > 0).then_some(rx)
		});
		// A QUIC datagram carries at least a 1-byte header and a 16-byte AEAD tag.
		assert!(
			rx["bytes"].as_u64().unwrap() >= 17 * rx["datagrams"].as_u64().unwrap(),
			"{rx}"
		);
		assert!(
			rx["buffers"].as_u64().unwrap() <= rx["datagrams"].as_u64().unwrap(),
			"{rx}"
		);
		let scraped = wait_for("A's kernel counters in Prometheus", timeout, || {
			let text = common::http_get(prometheus_a, "/metrics")?;
			(sample(&text, "hypermesh_stoq_kernel_rx_datagrams_total", &[])? > 0.0).then_some(text)
		});
		for name in [
			"hypermesh_stoq_kernel_rx_buffers_total",
			"hypermesh_stoq_kernel_rx_bytes_total",
		] {
			assert!(
				sample(&scraped, name, &[]).is_some_and(|v| v > 0.0),
				"{name} in {scraped}"
			);
		}
	}

	// A STOQ client with B's own identity: accepted, and A answers from chain state.
	let chain_ca = load_ca(&dir.join("ca"));
	let read = |p: &str| std::fs::read(dir.join(p)).unwrap();
	let b_identity = NodeIdentity {
		cert_chain: vec![read("b/cert.der").into()],
		key_pkcs8: read("b/current/p256.key.der"),
		falcon_public: read("b/current/falcon.pub"),
		falcon_secret: read("b/current/falcon.key"),
	};
	let a_address = SocketAddr::from((address, stoq_a));
	let runtime = tokio::runtime::Runtime::new().unwrap();
	let limit = Duration::from_secs(60);
	runtime.block_on(async {
		let as_b = client(b_identity.clone(), &chain_ca);
		let connection = tokio::time::timeout(limit, as_b.connect(a_address, "node-a.hypermesh"))
			.await
			.expect("connect in time")
			.expect("B is accepted");
		let answer = tokio::time::timeout(
			limit,
			connection.request(br#"{"op":"resolve","name":"node-b.hypermesh"}"#),
		)
		.await
		.expect("answer in time")
		.unwrap();
		let answer: serde_json::Value = serde_json::from_slice(&answer).unwrap();
		let records = answer["records"].as_array().unwrap();
		assert!(records
			.iter()
			.any(|r| r["type"] == "AAAA" && r["address"] == address.to_string()));
		assert!(records
			.iter()
			.any(|r| r["type"] == "SRV" && r["port"] == stoq_b));
		let unknown = tokio::time::timeout(
			limit,
			connection.request(br#"{"op":"resolve","name":"nobody.hypermesh"}"#),
		)
		.await
		.expect("answer in time")
		.unwrap();
		assert_eq!(unknown, &b"null"[..]);
		let malformed = tokio::time::timeout(limit, connection.request(b"not json"))
			.await
			.expect("answer in time");
		assert!(
			malformed.is_err(),
			"a malformed request gets an error frame"
		);

		// With TLS 1.3 the server checks the client's certificate after the client has
		// finished its side of the handshake, so a refusal shows on the first request.
		async fn ping(node: &StoqNode, to: SocketAddr) -> Result<(), String> {
			let limit = Duration::from_secs(60);
			let connection = tokio::time::timeout(limit, node.connect(to, "node-a.hypermesh"))
				.await
				.map_err(|_| "connect timed out".to_string())?
				.map_err(|e| e.to_string())?;
			tokio::time::timeout(limit, connection.request(br#"{"op":"ping"}"#))
				.await
				.map_err(|_| "request timed out".to_string())?
				.map_err(|e| e.to_string())?;
			Ok(())
		}

		// A certificate from a CA the chain does not know: refused by A.
		let stranger_ca = HybridCa::generate("not on the chain").unwrap();
		let stranger = stranger_ca
			.issue_leaf(&LeafSpec::node("stranger", 7, 1))
			.unwrap();
		let refused = ping(&client(stranger, &chain_ca), a_address).await;
		assert!(
			refused.is_err(),
			"a certificate from an unknown CA is refused"
		);

		// A certificate from the chain's own CA that the chain never logged: refused too.
		let unlogged = chain_ca
			.issue_leaf(&LeafSpec::node("unlogged", 8, 1))
			.unwrap();
		let refused = ping(&client(unlogged, &chain_ca), a_address).await;
		assert!(
			refused.is_err(),
			"a certificate the chain has not logged is refused: {refused:?}"
		);

		// Signed by the chain's real CA key with the serial of B's logged, live
		// certificate, but with another name and other keys: it skipped the CT log, so
		// A refuses it (before, the oracle saw only the issuer and the serial).
		let value = |serial: &[u8]| serial.iter().fold(0u64, |v, b| v << 8 | u64::from(*b));
		let logged_serial = HybridCertificate::parse(&read("b/cert.der"))
			.unwrap()
			.serial;
		assert!(
			logged_serial.len() <= 9,
			"a 63-bit serial from the CA service"
		);
		let serial = value(&logged_serial);
		let reused = chain_ca
			.issue_leaf(&LeafSpec::node("impostor.hypermesh", serial, 1))
			.unwrap();
		assert_eq!(
			value(&HybridCertificate::parse(reused.leaf()).unwrap().serial),
			serial
		);
		let refused = ping(&client(reused, &chain_ca), a_address).await;
		assert!(
			refused.is_err(),
			"a certificate reusing a logged serial with other content is refused"
		);
		// B's logged certificate is still accepted.
		ping(&client(b_identity, &chain_ca), a_address)
			.await
			.expect("B's logged certificate is accepted");
	});
	// A says why: the serial-8 leaf is not logged, the impostor is not the logged one. The
	// node's logger writes after the refusal reaches the client (a rehearsal read the log
	// 0.6 s too early), so the log is read again for up to 30 s.
	let reasons = ["refused: NotLogged", "refused: NotTheLoggedCertificate"];
	let deadline = std::time::Instant::now() + Duration::from_secs(30);
	let log = loop {
		let log = std::fs::read_to_string(dir.join("a.log")).unwrap();
		if reasons.iter().all(|reason| log.contains(reason)) || std::time::Instant::now() > deadline
		{
			break log;
		}
		std::thread::sleep(Duration::from_millis(500));
	};
	for reason in reasons {
		assert!(log.contains(reason), "A's log names the refusal {reason:?}");
	}

	// A's metrics moved as the flow says. Byte counts are read every finalized block.
	let page = wait_for("A's STOQ byte counters", timeout, || {
		let page = common::http_get(prometheus_a, "/metrics")?;
		let moved = |name| sample(&page, name, &[]).is_some_and(|v| v > 0.0);
		(moved("hypermesh_stoq_sent_bytes_total") && moved("hypermesh_stoq_received_bytes_total"))
			.then_some(page)
	});
	let value = |name: &str, labels: &[(&str, &str)]| {
		sample(&page, name, labels).unwrap_or_else(|| panic!("{name} {labels:?} in {page}"))
	};
	let handshakes = |result, reason| {
		value(
			"hypermesh_stoq_handshakes_total",
			&[("result", result), ("reason", reason)],
		)
	};
	let resolutions = |result| {
		value(
			"hypermesh_name_resolution_requests_total",
			&[("result", result)],
		)
	};
	// A connected to B, by a handshake it initiated and timed.
	assert!(value("hypermesh_stoq_peers", &[]) >= 1.0, "{page}");
	assert!(handshakes("accepted", "none") >= 1.0, "{page}");
	assert!(
		value("hypermesh_stoq_handshake_duration_seconds_count", &[])
			>= handshakes("accepted", "none"),
		"{page}"
	);
	// The serial-8 leaf and the impostor, refused by the chain with their reasons; nothing
	// in this flow is revoked or makes the chain unreachable.
	assert!(handshakes("refused", "not_logged") >= 1.0, "{page}");
	assert!(
		handshakes("refused", "not_the_logged_certificate") >= 1.0,
		"{page}"
	);
	assert_eq!(handshakes("refused", "revoked"), 0.0, "{page}");
	assert_eq!(handshakes("refused", "chain_unavailable"), 0.0, "{page}");
	// This client's resolve of node-b, of nobody, and its malformed request.
	assert!(resolutions("answered") >= 1.0, "{page}");
	assert!(resolutions("not_found") >= 1.0, "{page}");
	assert!(resolutions("malformed") >= 1.0, "{page}");
	assert_eq!(resolutions("failed"), 0.0, "{page}");
	assert!(
		value("hypermesh_name_resolution_duration_seconds_count", &[]) >= 3.0,
		"{page}"
	);
	let _ = std::fs::remove_dir_all(&dir);
}
