//! Admission control on real quinn endpoints on [::1]: the QUIC retry before handshake
//! work, the connection limits (per address and in total), the in-flight budget of
//! frame bytes, and bulk objects refused by a service that takes none.

mod common;

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use common::*;
use stoq::endpoint::{PeerInfo, NO_BULK};
use stoq::frame::{encode_header, FrameType};
use stoq::{Handler, Limits, PqPolicy, StoqConfig, StoqError, StoqNode};

/// A serving node on [::1] with `limits`, answering with `handler`.
fn server_limited(
	pki: &Pki,
	limits: Limits,
	handler: Arc<dyn Handler>,
) -> (StoqNode, std::net::SocketAddr) {
	let mut cfg = StoqConfig::new(
		PqPolicy::Required,
		identity(&pki.ca, "server"),
		pki.trust.clone(),
	);
	cfg.limits = limits;
	let n = StoqNode::bind(local(), cfg).unwrap();
	n.serve(handler);
	let addr = n.local_addr().unwrap();
	(n, addr)
}

/// Polls `f` until it holds (at most 5 s).
async fn eventually(what: &str, mut f: impl FnMut() -> bool) {
	for _ in 0..500 {
		if f() {
			return;
		}
		tokio::time::sleep(Duration::from_millis(10)).await;
	}
	panic!("not reached within 5 s: {what}");
}

#[tokio::test]
async fn unvalidated_address_gets_a_retry_then_connects() {
	let pki = pki();
	let (srv, addr) = server_limited(&pki, Limits::default(), Arc::new(stoq::EchoHandler));
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let conn = client.connect(addr, "localhost").await.unwrap();
	assert_eq!(
		&conn.request(b"after a retry").await.unwrap()[..],
		b"after a retry"
	);
	let stats = srv.admission_stats();
	assert_eq!(stats.retries, 1, "{stats:?}");
	assert_eq!(stats.connections, 1, "{stats:?}");

	// Without address validation the same client connects with no retry.
	let limits = Limits {
		address_validation: false,
		..Limits::default()
	};
	let (plain, addr) = server_limited(&pki, limits, Arc::new(stoq::EchoHandler));
	client.connect(addr, "localhost").await.unwrap();
	assert_eq!(plain.admission_stats().retries, 0);
}

#[tokio::test]
async fn ninth_connection_from_one_address_is_refused() {
	let pki = pki();
	let (srv, addr) = server_limited(&pki, Limits::default(), Arc::new(stoq::EchoHandler));
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let mut conns = Vec::new();
	for _ in 0..8 {
		conns.push(client.connect(addr, "localhost").await.unwrap());
	}
	match client.connect(addr, "localhost").await {
		Err(StoqError::ConnectionRefused(reason)) => {
			assert!(reason.contains("connection limits"), "{reason}")
		}
		Err(other) => panic!("expected ConnectionRefused, got {other}"),
		Ok(_) => panic!("a 9th connection from [::1] was accepted"),
	}
	let failures = srv.handshake_failures();
	assert!(
		failures
			.iter()
			.any(|f| f.contains("from ::1 refused: it already has 8 connections")),
		"{failures:?}"
	);
	assert_eq!(srv.admission_stats().refused_connections, 1);
	// The 8 connections still work, and closing one frees its slot.
	assert_eq!(
		&conns[7].request(b"still here").await.unwrap()[..],
		b"still here"
	);
	conns.pop().unwrap().close();
	eventually("a slot is given back", || {
		srv.admission_stats().connections == 7
	})
	.await;
	let ninth = client.connect(addr, "localhost").await.unwrap();
	assert_eq!(&ninth.request(b"in").await.unwrap()[..], b"in");
}

#[tokio::test]
async fn connections_past_the_endpoint_limit_are_refused() {
	let pki = pki();
	let limits = Limits {
		max_connections: 3,
		..Limits::default()
	};
	let (srv, addr) = server_limited(&pki, limits, Arc::new(stoq::EchoHandler));
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let mut conns = Vec::new();
	for _ in 0..3 {
		conns.push(client.connect(addr, "localhost").await.unwrap());
	}
	let err = client
		.connect(addr, "localhost")
		.await
		.err()
		.expect("4th connection accepted");
	assert!(matches!(err, StoqError::ConnectionRefused(_)), "{err}");
	let failures = srv.handshake_failures();
	assert!(
		failures
			.iter()
			.any(|f| f.contains("the endpoint already has 3 connections")),
		"{failures:?}"
	);
	// A client bound elsewhere (another port, same address) is refused as well: the
	// limit is the endpoint's.
	let other = node(&pki, PqPolicy::Required, identity(&pki.ca, "other"));
	assert!(matches!(
		other.connect(addr, "localhost").await,
		Err(StoqError::ConnectionRefused(_))
	));
	for c in &conns {
		assert_eq!(&c.request(b"ok").await.unwrap()[..], b"ok");
	}
}

#[tokio::test]
async fn frame_over_the_in_flight_budget_is_refused_as_busy() {
	const MIB: usize = 1024 * 1024;
	let pki = pki();
	let limits = Limits {
		max_frame: 4 * MIB,
		max_in_flight: MIB as u64,
		max_in_flight_per_address: MIB as u64,
		..Limits::default()
	};
	let (srv, addr) = server_limited(&pki, limits, Arc::new(stoq::EchoHandler));
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let conn = client.connect(addr, "localhost").await.unwrap();

	// Larger than the whole budget: refused before its payload is allocated.
	match conn.request(&vec![7u8; 2 * MIB]).await {
		Err(StoqError::Busy(msg)) => assert!(msg.starts_with("endpoint busy"), "{msg}"),
		other => panic!("expected Busy, got {other:?}"),
	}

	// A frame that announces 800 KB and sends 10 bytes holds 800 KB of the budget.
	let held = 800_000usize;
	let (mut send, _recv) = conn.quic().open_bi().await.unwrap();
	send.write_all(&encode_header(FrameType::Request, held, 4 * MIB).unwrap())
		.await
		.unwrap();
	send.write_all(&[0u8; 10]).await.unwrap();
	eventually("800 KB in flight", || {
		srv.admission_stats().in_flight == held as u64
	})
	.await;

	// Now 300 KB does not fit, while smaller frames, on this connection and from
	// another client, are still answered.
	match conn.request(&vec![1u8; 300_000]).await {
		Err(StoqError::Busy(msg)) => assert!(msg.contains("300000 bytes"), "{msg}"),
		other => panic!("expected Busy, got {other:?}"),
	}
	assert_eq!(conn.request(&[2u8; 1000]).await.unwrap().len(), 1000);
	let other = node(&pki, PqPolicy::Required, identity(&pki.ca, "other"));
	let oconn = other.connect(addr, "localhost").await.unwrap();
	assert_eq!(&oconn.request(b"served").await.unwrap()[..], b"served");
	assert_eq!(srv.admission_stats().busy, 2);

	// Abandoning the held frame gives its bytes back; 300 KB then fits.
	send.reset(0u32.into()).unwrap();
	eventually("budget given back", || srv.admission_stats().in_flight == 0).await;
	assert_eq!(
		conn.request(&vec![1u8; 300_000]).await.unwrap().len(),
		300_000
	);
}

/// A service with requests only: it takes no bulk objects (like DNS over STOQ).
struct RequestsOnly;

impl Handler for RequestsOnly {
	fn handle_request(&self, _peer: &PeerInfo, request: Bytes) -> Result<Bytes, String> {
		Ok(request)
	}
}

#[tokio::test]
async fn bulk_to_a_service_that_takes_none_is_refused() {
	let pki = pki();
	let (srv, addr) = server_limited(&pki, Limits::default(), Arc::new(RequestsOnly));
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let conn = client.connect(addr, "localhost").await.unwrap();
	match conn.send_bulk(&vec![5u8; 3 * 1024 * 1024 + 17]).await {
		Err(StoqError::Remote(msg)) => assert!(msg.contains(NO_BULK), "{msg}"),
		other => panic!("expected the object to be refused, got {other:?}"),
	}
	// The connection still answers requests, and nothing stays reserved.
	assert_eq!(&conn.request(b"request").await.unwrap()[..], b"request");
	eventually("nothing in flight", || srv.admission_stats().in_flight == 0).await;
}
