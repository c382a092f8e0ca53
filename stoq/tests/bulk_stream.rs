//! Streaming bulk transfer of multi-GiB objects over a real STOQ connection on
//! [::1]: the sender generates the object chunk by chunk (never held in memory),
//! the receiver verifies every chunk against the manifest and hands it to a sink
//! that only counts and checks it. Peak memory of the process is checked to stay
//! far below the object size.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Instant;

use bytes::Bytes;
use common::*;
use stoq::bulk::{self, BoxFuture, BulkSink, BulkSource, Manifest, VerifiedChunk};
use stoq::{Handler, PeerInfo, PqPolicy, StoqError};

const CHUNK: usize = 1024 * 1024;

/// A deterministic object of `len` bytes generated one chunk at a time: a fixed
/// 1 MiB pseudo-random block with the chunk's offset stamped in its first and
/// last 8 bytes (so every chunk differs). `corrupt` flips one bit in that chunk.
struct Generated {
	len: u64,
	base: Bytes,
	corrupt: Option<u32>,
}

impl Generated {
	fn new(len: u64, corrupt: Option<u32>) -> Self {
		let mut x: u64 = 0x2545_f491_4f6c_dd1d;
		let base: Vec<u8> = (0..CHUNK)
			.map(|_| {
				x ^= x << 13;
				x ^= x >> 7;
				x ^= x << 17;
				(x >> 24) as u8
			})
			.collect();
		Self {
			len,
			base: Bytes::from(base),
			corrupt,
		}
	}
}

impl BulkSource for Generated {
	fn total_len(&self) -> u64 {
		self.len
	}

	fn read_at(&mut self, offset: u64, len: usize) -> BoxFuture<'_, std::io::Result<Bytes>> {
		let res = if offset % CHUNK as u64 != 0 || len > CHUNK || len < 16 {
			Err(std::io::Error::other("unaligned read"))
		} else {
			let mut v = self.base[..len].to_vec();
			v[..8].copy_from_slice(&offset.to_le_bytes());
			v[len - 8..].copy_from_slice(&offset.to_le_bytes());
			if self.corrupt == Some((offset / CHUNK as u64) as u32) {
				v[777] ^= 0x10;
			}
			Ok(Bytes::from(v))
		};
		Box::pin(async move { res })
	}
}

#[derive(Default, Debug)]
struct Seen {
	bytes: u64,
	chunks: u32,
	largest_chunk: usize,
	finished: bool,
	aborted: Option<String>,
	out_of_order: bool,
	bad_stamp: bool,
}

/// Counts and checks chunks without storing them.
struct CheckingSink(Arc<Mutex<Seen>>);

impl BulkSink for CheckingSink {
	fn write_chunk(&mut self, chunk: VerifiedChunk) -> BoxFuture<'_, std::io::Result<()>> {
		let mut s = self.0.lock().unwrap();
		if chunk.index != s.chunks || chunk.offset != s.bytes {
			s.out_of_order = true;
		}
		let mut head = [0u8; 8];
		let mut got = 0;
		for p in &chunk.parts {
			let n = (8 - got).min(p.len());
			head[got..got + n].copy_from_slice(&p[..n]);
			got += n;
			if got == 8 {
				break;
			}
		}
		if u64::from_le_bytes(head) != chunk.offset {
			s.bad_stamp = true;
		}
		let len = chunk.len();
		s.bytes += len as u64;
		s.chunks += 1;
		s.largest_chunk = s.largest_chunk.max(len);
		Box::pin(async { Ok(()) })
	}

	fn finish<'a>(&'a mut self, _m: &'a Manifest) -> BoxFuture<'a, std::io::Result<()>> {
		self.0.lock().unwrap().finished = true;
		Box::pin(async { Ok(()) })
	}

	fn abort<'a>(&'a mut self, reason: &'a str) -> BoxFuture<'a, ()> {
		self.0.lock().unwrap().aborted = Some(reason.to_string());
		Box::pin(async {})
	}
}

#[derive(Default)]
struct Checker {
	seen: Mutex<Vec<Arc<Mutex<Seen>>>>,
}

impl Handler for Checker {
	fn handle_request(&self, _peer: &PeerInfo, request: Bytes) -> Result<Bytes, String> {
		Ok(request)
	}

	fn bulk_sink(&self, _peer: &PeerInfo, _m: &Manifest) -> Result<Box<dyn BulkSink>, String> {
		let s = Arc::new(Mutex::new(Seen::default()));
		self.seen.lock().unwrap().push(s.clone());
		Ok(Box::new(CheckingSink(s)))
	}
}

/// Peak resident memory of this process (VmHWM), in bytes.
fn peak_rss() -> Option<u64> {
	let status = std::fs::read_to_string("/proc/self/status").ok()?;
	let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
	let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
	Some(kb * 1024)
}

const GIB: u64 = 1024 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_stream_2gib_generated_and_verified_with_bounded_memory() {
	let pki = pki();
	let checker = Arc::new(Checker::default());
	let (_srv, addr) = server_with(
		&pki,
		PqPolicy::Required,
		identity(&pki.ca, "s"),
		checker.clone(),
	);
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "c"));
	let conn = client.connect(addr, "localhost").await.unwrap();

	// 2 GiB plus a short last chunk.
	let len = 2 * GIB + 12_345;
	let mut src = Generated::new(len, None);
	let t = Instant::now();
	let m = bulk::manifest_of(&mut src, CHUNK).await.unwrap();
	let hashed = t.elapsed();
	let t = Instant::now();
	let id = conn.send_bulk_with_manifest(&m, &mut src).await.unwrap();
	let sent = t.elapsed();
	eprintln!(
		"2 GiB: manifest {hashed:?}, transfer {sent:?} ({:.3} Gbit/s), peak RSS {:?} MiB",
		len as f64 * 8.0 / sent.as_secs_f64() / 1e9,
		peak_rss().map(|b| b / (1024 * 1024))
	);
	assert_eq!(id, m.content_id());
	let seen = checker.seen.lock().unwrap().clone();
	assert_eq!(seen.len(), 1);
	let s = seen[0].lock().unwrap();
	assert_eq!(s.bytes, len);
	assert_eq!(s.chunks as usize, m.chunk_hashes.len());
	assert_eq!(s.chunks, 2049);
	assert!(s.largest_chunk <= CHUNK);
	assert!(s.finished && s.aborted.is_none(), "{s:?}");
	assert!(!s.out_of_order && !s.bad_stamp, "{s:?}");
	// Nothing held the object: the whole process peaked far below 2 GiB
	// (quinn's windows are 128 MiB per connection and direction).
	if let Some(peak) = peak_rss() {
		assert!(peak < GIB, "peak RSS {} MiB", peak / (1024 * 1024));
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_stream_multi_gib_corrupted_chunk_is_detected_by_index() {
	let pki = pki();
	let checker = Arc::new(Checker::default());
	let (_srv, addr) = server_with(
		&pki,
		PqPolicy::Required,
		identity(&pki.ca, "s"),
		checker.clone(),
	);
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "c"));
	let conn = client.connect(addr, "localhost").await.unwrap();

	// The manifest describes a 2.5 GiB object; the source sent flips one bit in
	// chunk 100 (100 MiB into the stream), so nothing after it may be accepted.
	let len = 5 * GIB / 2;
	let m = bulk::manifest_of(&mut Generated::new(len, None), CHUNK)
		.await
		.unwrap();
	let mut bad = Generated::new(len, Some(100));
	let err = conn
		.send_bulk_with_manifest(&m, &mut bad)
		.await
		.unwrap_err();
	assert!(
		matches!(&err, StoqError::Remote(msg) if msg.contains("chunk 100 is corrupted")),
		"{err}"
	);
	let seen = checker.seen.lock().unwrap().clone();
	let s = seen[0].lock().unwrap();
	assert_eq!(s.chunks, 100, "chunks before the corrupted one only");
	assert_eq!(s.bytes, 100 * CHUNK as u64);
	assert!(!s.finished, "a corrupted object must not be committed");
	assert!(
		s.aborted
			.as_deref()
			.is_some_and(|r| r.contains("chunk 100")),
		"{s:?}"
	);
	// The connection survives and can still move data.
	assert_eq!(&conn.request(b"alive").await.unwrap()[..], b"alive");
}
