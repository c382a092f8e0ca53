//! The application protocol over real STOQ connections on [::1]: request/
//! response, bulk transfer with chunk verification, malformed and oversized
//! frames, and the connection pool.

mod common;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use common::*;
use stoq::bulk::{self, BoxFuture, BulkSink, CountingSink, Manifest, VerifiedChunk};
use stoq::frame::{FrameType, HEADER_LEN};
use stoq::pool::ConnectionPool;
use stoq::{Handler, PeerInfo, PqPolicy, StoqConfig, StoqError, StoqNode};

#[derive(Default)]
struct Recorder {
	objects: Arc<Mutex<Vec<(usize, [u8; 32])>>>,
}

/// Hashes the whole object and records it on `finish` only.
struct RecordingSink {
	inner: CountingSink,
	objects: Arc<Mutex<Vec<(usize, [u8; 32])>>>,
}

impl BulkSink for RecordingSink {
	fn write_chunk(&mut self, chunk: VerifiedChunk) -> BoxFuture<'_, std::io::Result<()>> {
		self.inner.write_chunk(chunk)
	}

	fn finish<'a>(&'a mut self, _m: &'a Manifest) -> BoxFuture<'a, std::io::Result<()>> {
		let len = self.inner.bytes as usize;
		let hash = self.inner.object_hash().unwrap();
		self.objects.lock().unwrap().push((len, hash));
		Box::pin(async { Ok(()) })
	}
}

impl Handler for Recorder {
	fn handle_request(&self, _peer: &PeerInfo, request: Bytes) -> Result<Bytes, String> {
		if &request[..] == b"fail" {
			return Err("asked to fail".into());
		}
		Ok(request)
	}

	fn bulk_sink(&self, _peer: &PeerInfo, _m: &Manifest) -> Result<Box<dyn BulkSink>, String> {
		Ok(Box::new(RecordingSink {
			inner: CountingSink::with_object_hash(),
			objects: self.objects.clone(),
		}))
	}
}

fn pattern(len: usize) -> Vec<u8> {
	let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
	(0..len)
		.map(|_| {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			x as u8
		})
		.collect()
}

#[tokio::test]
async fn request_response_and_remote_errors() {
	let pki = pki();
	let (_srv, addr) = server_with(
		&pki,
		PqPolicy::Required,
		identity(&pki.ca, "s"),
		Arc::new(Recorder::default()),
	);
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "c"));
	let conn = client.connect(addr, "localhost").await.unwrap();
	for i in 0..50u32 {
		let msg = format!("request {i}");
		assert_eq!(
			conn.request(msg.as_bytes()).await.unwrap(),
			Bytes::from(msg)
		);
	}
	let err = conn.request(b"fail").await.unwrap_err();
	assert!(
		matches!(&err, StoqError::Remote(m) if m == "asked to fail"),
		"{err}"
	);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_transfer_64mib_with_verified_chunks() {
	let pki = pki();
	let rec = Arc::new(Recorder::default());
	let (_srv, addr) = server_with(
		&pki,
		PqPolicy::Required,
		identity(&pki.ca, "s"),
		rec.clone(),
	);
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "c"));
	let conn = client.connect(addr, "localhost").await.unwrap();
	let data = pattern(64 * 1024 * 1024);
	let started = std::time::Instant::now();
	let id = conn.send_bulk(&data).await.unwrap();
	eprintln!("64 MiB bulk transfer took {:?}", started.elapsed());
	assert_eq!(id, Manifest::build(&data, 1024 * 1024).content_id());
	let objects = rec.objects.lock().unwrap().clone();
	assert_eq!(objects, vec![(data.len(), bulk::content_hash(&data))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn corrupted_chunk_is_detected_and_reported() {
	let pki = pki();
	let rec = Arc::new(Recorder::default());
	let (_srv, addr) = server_with(
		&pki,
		PqPolicy::Required,
		identity(&pki.ca, "s"),
		rec.clone(),
	);
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "c"));
	let conn = client.connect(addr, "localhost").await.unwrap();
	let data = pattern(16 * 1024 * 1024);
	let chunk = 1024 * 1024;
	let m = Manifest::build(&data, chunk);
	let (mut send, mut recv) = conn.quic().open_bi().await.unwrap();
	bulk::write_manifest(&mut send, &m, 1 << 24).await.unwrap();
	for (i, c) in data.chunks(chunk).enumerate() {
		let mut c = c.to_vec();
		if i == 5 {
			c[1234] ^= 0x01; // one flipped bit in chunk 5
		}
		if bulk::write_chunk(&mut send, i as u32, &c, 1 << 24)
			.await
			.is_err()
		{
			break; // the receiver stopped the stream after detecting the corruption
		}
	}
	let _ = send.finish();
	let answer = stoq::frame::read_frame(&mut recv, 1 << 20)
		.await
		.unwrap()
		.unwrap();
	assert_eq!(answer.kind, FrameType::Error);
	let msg = String::from_utf8_lossy(&answer.payload).to_string();
	assert!(msg.contains("chunk 5 is corrupted"), "{msg}");
	assert!(
		rec.objects.lock().unwrap().is_empty(),
		"corrupted object must not be delivered"
	);
	// The connection is still usable.
	assert_eq!(
		&conn.request(b"still alive").await.unwrap()[..],
		b"still alive"
	);
}

#[tokio::test]
async fn malformed_and_oversized_frames_are_rejected_without_crashing() {
	let pki = pki();
	let mut cfg = StoqConfig::new(
		PqPolicy::Required,
		identity(&pki.ca, "s"),
		pki.trust.clone(),
	);
	cfg.limits.max_frame = 4096;
	let srv = StoqNode::bind(local(), cfg).unwrap();
	srv.serve(Arc::new(stoq::EchoHandler));
	let addr = srv.local_addr().unwrap();
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "c"));
	let conn = client.connect(addr, "localhost").await.unwrap();

	let cases: Vec<(Vec<u8>, &str)> = vec![
		(vec![0x7f, 0, 0, 0, 1, 0], "unknown frame type 0x7f"),
		(vec![0x01, 0xff, 0xff, 0xff, 0xff], "exceeds the maximum"),
		(vec![0x01, 0, 0, 0x10, 0x01], "exceeds the maximum"), // 4097 > 4096
		(
			vec![0x01, 0, 0, 0, 10, 1, 2, 3],
			"stream ended inside a frame",
		),
		(vec![0x01, 0], "stream ended inside a frame"),
		(vec![0x11, 0, 0, 0, 4, 0, 0, 0, 0], "unexpected Chunk frame"),
		(vec![0x10, 0, 0, 0, 3, 1, 2, 3], "bad manifest"),
	];
	for (bytes, want) in cases {
		let err = conn.send_raw(&bytes).await.unwrap_err();
		assert!(
			matches!(&err, StoqError::Remote(m) if m.contains(want)),
			"{bytes:?}: {err}"
		);
	}
	// An oversized request with a body actually sent.
	let mut big = vec![0x01];
	big.extend_from_slice(&(100_000u32).to_be_bytes());
	big.extend(vec![0u8; 100_000]);
	let err = conn.send_raw(&big).await.unwrap_err();
	assert!(
		matches!(&err, StoqError::Remote(m) if m.contains("exceeds the maximum")),
		"{err}"
	);
	// The server is still serving, on this connection and on new ones.
	assert_eq!(&conn.request(b"ok").await.unwrap()[..], b"ok");
	let conn2 = client.connect(addr, "localhost").await.unwrap();
	assert_eq!(&conn2.request(b"ok2").await.unwrap()[..], b"ok2");
	let _ = HEADER_LEN;
}

#[tokio::test]
async fn oversized_outgoing_request_is_refused_locally() {
	let pki = pki();
	let (_srv, addr) = server(&pki, PqPolicy::Required);
	let mut cfg = StoqConfig::new(
		PqPolicy::Required,
		identity(&pki.ca, "c"),
		pki.trust.clone(),
	);
	cfg.limits.max_frame = 1024;
	let client = StoqNode::bind(local(), cfg).unwrap();
	let conn = client.connect(addr, "localhost").await.unwrap();
	let err = conn.request(&[0u8; 2048]).await.unwrap_err();
	assert!(
		matches!(
			err,
			StoqError::Frame(stoq::frame::FrameError::TooLarge { .. })
		),
		"{err}"
	);
}

#[tokio::test]
async fn pool_reuses_and_redials() {
	let pki = pki();
	let (_srv, addr) = server(&pki, PqPolicy::Required);
	let client = Arc::new(node(&pki, PqPolicy::Required, identity(&pki.ca, "c")));
	let pool = ConnectionPool::new(client);
	let a = pool.get(addr, "localhost").await.unwrap();
	let b = pool.get(addr, "localhost").await.unwrap();
	assert_eq!(a.quic().stable_id(), b.quic().stable_id());
	assert_eq!(pool.len().await, 1);
	a.close();
	let c = pool.get(addr, "localhost").await.unwrap();
	assert_ne!(a.quic().stable_id(), c.quic().stable_id());
	assert_eq!(&c.request(b"pooled").await.unwrap()[..], b"pooled");
	let err = pool
		.get("127.0.0.1:1".parse().unwrap(), "localhost")
		.await
		.err()
		.unwrap();
	assert!(matches!(err, StoqError::Ipv4NotAllowed(_)));
}
