//! A standard DNS-over-QUIC client queries a node's STOQ endpoint for TrustChain names.
//!
//! A dev node (TrustChain root generated into genesis, CA service, certificate holder for
//! `node-a.hypermesh`) runs its STOQ endpoint under `--stoq-policy pq-preferred` and
//! publishes AAAA + SRV records for it. Then hickory's DoQ client (RFC 9250; a client this
//! project did not write), with a stock rustls configuration that trusts the chain's CA
//! certificate classically and presents no client certificate, asks the node: the AAAA and
//! SRV answers are the records `trustchain_resolve` returns over JSON-RPC, an unknown name
//! is NXDOMAIN and a name outside the zone is REFUSED; the node's Prometheus metrics count
//! each query by its result.

mod common;

use std::{collections::BTreeSet, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use common::{
	dev_spec_with_genesis_ca, free_port, free_udp_port, load_ca, own_ipv6, rpc, spawn_node,
	wait_for,
};
use hickory_net::{
	client::{Client, ClientHandle},
	proto::{
		op::{DnsResponse, ResponseCode},
		rr::{rdata::AAAA, DNSClass, Name, RData, RecordType},
	},
	quic::QuicClientStream,
	runtime::TokioRuntimeProvider,
};

/// The node's records of `kind` as `trustchain_resolve` gives them, in a comparable form.
fn json_records(resolution: &serde_json::Value, kind: &str) -> BTreeSet<String> {
	// `null` (not registered yet) has none.
	resolution["records"]
		.as_array()
		.into_iter()
		.flatten()
		.filter(|r| r["type"] == kind)
		.map(|r| match kind {
			"AAAA" => r["address"].as_str().unwrap().to_string(),
			_ => format!(
				"{} {} {} {}",
				r["priority"],
				r["weight"],
				r["port"],
				r["target"].as_str().unwrap()
			),
		})
		.collect()
}

/// The answers of a DNS response, in the same form.
fn dns_records(response: &DnsResponse) -> BTreeSet<String> {
	response
		.answers
		.iter()
		.map(|record| match &record.data {
			RData::AAAA(address) => address.0.to_string(),
			RData::SRV(srv) => {
				let target = srv.target.to_ascii();
				format!(
					"{} {} {} {}",
					srv.priority,
					srv.weight,
					srv.port,
					target.strip_suffix('.').unwrap_or(&target)
				)
			}
			other => panic!("unexpected answer {other:?}"),
		})
		.collect()
}

#[test]
fn standard_doq_client_resolves_trustchain_names() {
	let dir: PathBuf = std::env::temp_dir().join(format!("hypermesh-doq-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	let address = own_ipv6();
	let spec = dev_spec_with_genesis_ca(&dir);
	let (rpc_port, p2p, stoq_port) = (free_port(), free_port(), free_udp_port());
	let prometheus = free_port();
	let s = |p: PathBuf| p.display().to_string();
	let args: Vec<String> = [
		"--chain",
		&s(spec),
		"--tmp",
		"--prometheus-port",
		&prometheus.to_string(),
		"--no-telemetry",
		"--no-mdns",
		"--rpc-port",
		&rpc_port.to_string(),
		"--port",
		&p2p.to_string(),
		"--alice",
		"--validator",
		"--force-authoring",
		"--node-key",
		"0000000000000000000000000000000000000000000000000000000000000001",
		"--trustchain-ca-dir",
		&s(dir.join("ca")),
		"--trustchain-operator-suri",
		"//Alice",
		"--trustchain-holder-dir",
		&s(dir.join("a")),
		"--trustchain-holder-names",
		"node-a.hypermesh",
		"--trustchain-holder-suri",
		"//Bob",
		"--stoq-port",
		&stoq_port.to_string(),
		"--stoq-advertise",
		&address.to_string(),
		"--stoq-policy",
		"pq-preferred",
	]
	.map(String::from)
	.to_vec();
	let _node = spawn_node(&args, &dir.join("node.log"));

	// The node has its certificate, its endpoint is up and its records are finalized.
	let timeout = Duration::from_secs(600);
	let resolution = wait_for("node-a's AAAA and SRV records, finalized", timeout, || {
		let head = rpc(rpc_port, "chain_getFinalizedHead", serde_json::json!([]))?;
		let resolution = rpc(
			rpc_port,
			"trustchain_resolve",
			serde_json::json!(["node-a.hypermesh", head]),
		)?;
		let published = !json_records(&resolution, "AAAA").is_empty()
			&& !json_records(&resolution, "SRV").is_empty();
		published.then_some(resolution)
	});
	let status = rpc(rpc_port, "stoq_status", serde_json::json!([])).unwrap();
	assert!(status["listening"].is_string(), "{status}");
	assert_eq!(
		json_records(&resolution, "AAAA"),
		BTreeSet::from([address.to_string()])
	);

	// A stock rustls client: ring's classical key exchanges, the chain's CA as the only
	// root (a standard client ignores the FALCON part of the certificates), no client
	// certificate.
	let chain_ca = load_ca(&dir.join("ca"));
	let mut roots = rustls::RootCertStore::empty();
	roots.add(chain_ca.cert_der().clone()).unwrap();
	let mut tls = rustls::ClientConfig::builder_with_provider(Arc::new(
		rustls::crypto::ring::default_provider(),
	))
	.with_protocol_versions(&[&rustls::version::TLS13])
	.unwrap()
	.with_root_certificates(roots)
	.with_no_client_auth();
	tls.alpn_protocols = vec![b"doq".to_vec()];

	let runtime = tokio::runtime::Runtime::new().unwrap();
	runtime.block_on(async {
		let limit = Duration::from_secs(60);
		let stream = tokio::time::timeout(
			limit,
			QuicClientStream::builder().crypto_config(tls).build(
				SocketAddr::from((address, stoq_port)),
				Arc::from("node-a.hypermesh"),
			),
		)
		.await
		.expect("DoQ handshake in time")
		.expect("the node accepts a DoQ client without a certificate under pq-preferred");
		let (mut client, background) = Client::<TokioRuntimeProvider>::from_sender(stream);
		tokio::spawn(background);
		let mut ask = |name: &str, kind: RecordType| {
			let query = client.query(Name::from_ascii(name).unwrap(), DNSClass::IN, kind);
			async move {
				tokio::time::timeout(limit, query)
					.await
					.expect("DoQ answer in time")
					.expect("a DNS response")
			}
		};

		let aaaa = ask("node-a.hypermesh.", RecordType::AAAA).await;
		assert_eq!(aaaa.response_code, ResponseCode::NoError);
		assert!(aaaa.authoritative);
		assert_eq!(dns_records(&aaaa), json_records(&resolution, "AAAA"));
		assert_eq!(aaaa.answers[0].data, RData::AAAA(AAAA(address)));

		let srv = ask("node-a.hypermesh.", RecordType::SRV).await;
		assert_eq!(srv.response_code, ResponseCode::NoError);
		assert_eq!(dns_records(&srv), json_records(&resolution, "SRV"));
		assert_eq!(
			dns_records(&srv),
			BTreeSet::from([format!("0 0 {stoq_port} node-a.hypermesh")])
		);

		// Registered, but without TXT records: NOERROR and no answers.
		let txt = ask("node-a.hypermesh.", RecordType::TXT).await;
		assert_eq!(txt.response_code, ResponseCode::NoError);
		assert!(txt.answers.is_empty());

		let unknown = ask("nobody.hypermesh.", RecordType::AAAA).await;
		assert_eq!(unknown.response_code, ResponseCode::NXDomain);
		assert!(unknown.answers.is_empty());

		let outside = ask("example.com.", RecordType::AAAA).await;
		assert_eq!(outside.response_code, ResponseCode::Refused);
		assert!(outside.answers.is_empty());
	});
	// Each query counted by its result: AAAA, SRV and TXT answered, one not found, one
	// refused; nothing malformed or failed.
	let page = common::http_get(prometheus, "/metrics").expect("the node's /metrics");
	let count = |result: &str| {
		common::sample(
			&page,
			"hypermesh_name_resolution_requests_total",
			&[("result", result)],
		)
		.unwrap_or_else(|| panic!("{result} in {page}"))
	};
	assert_eq!(count("answered"), 3.0, "{page}");
	assert_eq!(count("not_found"), 1.0, "{page}");
	assert_eq!(count("refused"), 1.0, "{page}");
	assert_eq!(count("malformed"), 0.0, "{page}");
	assert_eq!(count("failed"), 0.0, "{page}");
	let _ = std::fs::remove_dir_all(&dir);
}
