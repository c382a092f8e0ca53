//! The `ebpf` feature's kernel packet counters, on real STOQ endpoints on [::1]:
//! what the eBPF socket filter counted must agree exactly with what quinn itself
//! received once the connection is at rest, and the receiving side of a bulk
//! transfer must have seen at least the object's bytes. Run with
//! `cargo test -p stoq --features ebpf --test kernel_counters` (needs CAP_BPF or root).
#![cfg(feature = "ebpf")]

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use stoq::ebpf::RxCounters;
use stoq::{EchoHandler, PqPolicy, StoqConfig, StoqError, StoqNode};

fn counted_node(pki: &Pki, name: &str) -> StoqNode {
	StoqNode::bind_with_kernel_counters(
		local(),
		StoqConfig::new(
			PqPolicy::Required,
			identity(&pki.ca, name),
			pki.trust.clone(),
		),
	)
	.expect("the eBPF counter loads and attaches (this needs CAP_BPF or root)")
}

fn counters(node: &StoqNode) -> RxCounters {
	node.kernel_counters()
		.expect("bound with kernel counters")
		.expect("the counters can be read")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kernel_counters_agree_with_what_quinn_received() {
	let pki = pki();
	let server = counted_node(&pki, "server");
	server.serve(Arc::new(EchoHandler));
	let addr = server.local_addr().unwrap();
	let client = counted_node(&pki, "client");
	assert_eq!(counters(&client), RxCounters::default());
	assert_eq!(counters(&server), RxCounters::default());

	let conn = client.connect(addr, "localhost").await.unwrap();
	const OBJECT: usize = 32 * 1024 * 1024;
	let object: Vec<u8> = (0..OBJECT).map(|i| (i * 31 % 251) as u8).collect();
	conn.send_bulk(&object).await.unwrap();
	const ECHOES: usize = 100;
	const ECHO_LEN: usize = 8192;
	for i in 0..ECHOES {
		let reply = conn.request(&[i as u8; ECHO_LEN]).await.unwrap();
		assert_eq!(&reply[..], &[i as u8; ECHO_LEN][..]);
	}
	// Let the last acknowledgements land; keep-alives come only every 10 s.
	tokio::time::sleep(Duration::from_millis(500)).await;

	// The kernel counts a datagram before quinn reads it, so quinn's figure lies
	// between two readings of the kernel's taken around it; at rest they are equal.
	let before = counters(&client);
	let quinn = conn.quic().stats().udp_rx;
	let after = counters(&client);
	eprintln!("client: kernel {after:?}, quinn {quinn:?}");
	assert!(
		before.datagrams <= quinn.datagrams && quinn.datagrams <= after.datagrams,
		"datagrams: kernel {before:?} .. {after:?}, quinn {quinn:?}"
	);
	assert!(
		before.bytes <= quinn.bytes && quinn.bytes <= after.bytes,
		"bytes: kernel {before:?} .. {after:?}, quinn {quinn:?}"
	);
	assert!(
		after.buffers >= 1 && after.buffers <= after.datagrams,
		"{after:?}"
	);
	// The client received at least the echoed payloads.
	assert!(after.bytes >= (ECHOES * ECHO_LEN) as u64, "{after:?}");

	// The server received the whole object and the requests, with their framing.
	let server_rx = counters(&server);
	eprintln!("server: kernel {server_rx:?}");
	assert!(
		server_rx.bytes >= (OBJECT + ECHOES * ECHO_LEN) as u64,
		"server {server_rx:?}"
	);
	assert!(
		server_rx.datagrams >= (OBJECT / 1500) as u64,
		"server {server_rx:?}"
	);
	assert!(
		server_rx.buffers <= server_rx.datagrams,
		"server {server_rx:?}"
	);
	conn.close();
	client.close();
	server.close();
}

#[tokio::test]
async fn counted_endpoints_are_ipv6_only_too() {
	let pki = pki();
	let Err(err) = StoqNode::bind_with_kernel_counters(
		"127.0.0.1:0".parse().unwrap(),
		StoqConfig::new(
			PqPolicy::Required,
			identity(&pki.ca, "v4"),
			pki.trust.clone(),
		),
	) else {
		panic!("an IPv4 address was accepted");
	};
	assert!(matches!(err, StoqError::Ipv4NotAllowed(_)), "{err}");
}
