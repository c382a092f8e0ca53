//! Bulk transfer of large objects as content-addressed chunks.
//!
//! The sender splits the object into fixed-size chunks, hashes each with
//! BLAKE3 ([`content_hash`]) and first sends a `Manifest` frame:
//!
//! ```text
//! chunk_size: u32 BE | total_len: u64 BE | chunk_count: u32 BE | chunk_count x BLAKE3 (32 B)
//! ```
//!
//! followed by one `Chunk` frame per chunk, in order:
//!
//! ```text
//! index: u32 BE | chunk bytes
//! ```
//!
//! The object's content address is BLAKE3 of the manifest payload. The receiver
//! checks the manifest's consistency and limits before allocating, then checks
//! every chunk's index, length and hash against the manifest as it arrives
//! ([`receive_chunks_into`]); a mismatch is reported as
//! [`BulkError::ChunkHashMismatch`] naming the chunk, and nothing from that chunk
//! on reaches the [`BulkSink`]. Verified chunks are streamed into the sink, so the
//! receiver holds at most two chunks whatever the object size. The sender reads
//! the object from a [`BulkSource`] chunk by chunk.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::frame::{read_frame, write_frame, FrameError, FrameType, HEADER_LEN};

/// A BLAKE3 digest (32 bytes).
pub type Hash = [u8; 32];

/// BLAKE3 of `data`: the hash of chunks, manifests and whole objects. BLAKE3 rather than
/// SHA-256 because the receiver hashes every byte it gets: on this project's 2-core test
/// machine BLAKE3 (AVX-512) hashes about 5.1 GB/s per core and SHA-256 (SHA-NI) about
/// 1.2 GB/s, which was most of the gap to plain quinn (see `BENCHMARKS.md`).
pub fn content_hash(data: &[u8]) -> Hash {
	*blake3::hash(data).as_bytes()
}

/// Lower-case hex of a byte string.
pub fn hex(bytes: &[u8]) -> String {
	bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The description of an object: sizes and per-chunk hashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Manifest {
	/// Size of every chunk except possibly the last.
	pub chunk_size: u32,
	/// Total object length.
	pub total_len: u64,
	/// BLAKE3 of each chunk.
	pub chunk_hashes: Vec<Hash>,
}

/// Why a bulk transfer was rejected.
#[derive(Debug, thiserror::Error)]
pub enum BulkError {
	/// The manifest is malformed or inconsistent.
	#[error("bad manifest: {0}")]
	BadManifest(String),
	/// The object is larger than allowed.
	#[error("object of {0} bytes exceeds the limit of {1}")]
	TooLarge(u64, u64),
	/// A chunk arrived out of order or with the wrong length.
	#[error("bad chunk {index}: {reason}")]
	BadChunk {
		/// The chunk index expected.
		index: u32,
		/// What was wrong.
		reason: String,
	},
	/// A chunk's BLAKE3 hash does not match the manifest: the data is corrupted.
	#[error("chunk {index} is corrupted: BLAKE3 {actual} != manifest {expected}")]
	ChunkHashMismatch {
		/// The chunk index.
		index: u32,
		/// Hash from the manifest (hex).
		expected: String,
		/// Hash of the received bytes (hex).
		actual: String,
	},
	/// No progress (one whole chunk) within the bulk progress deadline.
	#[error("bulk transfer stalled at chunk {0}")]
	Stalled(u32),
	/// The sink refused a chunk or could not commit the object.
	#[error("sink error: {0}")]
	Sink(String),
	/// A frame-level error.
	#[error(transparent)]
	Frame(#[from] FrameError),
}

impl Manifest {
	/// Builds the manifest of `data` split into `chunk_size` chunks. Objects of
	/// 16 MiB or more are hashed on up to 4 threads (the cores available), since
	/// the manifest must be complete before the first chunk can be sent.
	pub fn build(data: &[u8], chunk_size: usize) -> Self {
		let chunk_size = chunk_size.clamp(1, u32::MAX as usize);
		let count = data.len().div_ceil(chunk_size);
		let threads = std::thread::available_parallelism()
			.map(|n| n.get())
			.unwrap_or(1)
			.min(4)
			.min(count);
		let chunk_hashes = if data.len() < 16 * 1024 * 1024 || threads < 2 {
			data.chunks(chunk_size).map(content_hash).collect()
		} else {
			// Contiguous runs of whole chunks, one per thread, in order.
			let per = count.div_ceil(threads) * chunk_size;
			std::thread::scope(|scope| {
				let handles: Vec<_> = data
					.chunks(per)
					.map(|run| {
						scope.spawn(move || {
							run.chunks(chunk_size).map(content_hash).collect::<Vec<_>>()
						})
					})
					.collect();
				let mut all = Vec::with_capacity(count);
				for (h, run) in handles.into_iter().zip(data.chunks(per)) {
					// A hashing thread cannot panic; if one did, hash its run here.
					match h.join() {
						Ok(v) => all.extend(v),
						Err(_) => all.extend(run.chunks(chunk_size).map(content_hash)),
					}
				}
				all
			})
		};
		Self {
			chunk_size: chunk_size as u32,
			total_len: data.len() as u64,
			chunk_hashes,
		}
	}

	/// Serialises the manifest payload.
	pub fn encode(&self) -> Vec<u8> {
		let mut out = Vec::with_capacity(16 + 32 * self.chunk_hashes.len());
		out.extend_from_slice(&self.chunk_size.to_be_bytes());
		out.extend_from_slice(&self.total_len.to_be_bytes());
		out.extend_from_slice(&(self.chunk_hashes.len() as u32).to_be_bytes());
		for h in &self.chunk_hashes {
			out.extend_from_slice(h);
		}
		out
	}

	/// Parses and checks a manifest payload.
	pub fn decode(p: &[u8]) -> Result<Self, BulkError> {
		let bad = |m: &str| BulkError::BadManifest(m.to_string());
		if p.len() < 16 {
			return Err(bad("too short"));
		}
		let chunk_size = u32::from_be_bytes([p[0], p[1], p[2], p[3]]);
		let mut tl = [0u8; 8];
		tl.copy_from_slice(&p[4..12]);
		let total_len = u64::from_be_bytes(tl);
		let count = u32::from_be_bytes([p[12], p[13], p[14], p[15]]) as u64;
		if chunk_size == 0 {
			return Err(bad("zero chunk size"));
		}
		if count != total_len.div_ceil(chunk_size as u64) {
			return Err(bad("chunk count does not match length"));
		}
		if (p.len() - 16) as u64 != count * 32 {
			return Err(bad("hash list length does not match chunk count"));
		}
		let chunk_hashes = p[16..]
			.chunks_exact(32)
			.map(|c| {
				let mut h = [0u8; 32];
				h.copy_from_slice(c);
				h
			})
			.collect();
		Ok(Self {
			chunk_size,
			total_len,
			chunk_hashes,
		})
	}

	/// The object's content address: BLAKE3 of the encoded manifest.
	pub fn content_id(&self) -> Hash {
		content_hash(&self.encode())
	}

	/// Expected length of chunk `index`.
	pub fn chunk_len(&self, index: u32) -> u64 {
		let start = index as u64 * self.chunk_size as u64;
		(self.total_len - start.min(self.total_len)).min(self.chunk_size as u64)
	}
}

/// A boxed, `Send` future returned by the object-safe [`BulkSink`] and
/// [`BulkSource`] methods.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One chunk whose index, length and hash have been checked against the
/// manifest. The bytes are the pieces in which they came off the stream
/// (zero-copy slices of the QUIC receive buffers), in order.
#[derive(Debug, Clone)]
pub struct VerifiedChunk {
	/// Index of the chunk in the manifest.
	pub index: u32,
	/// Offset of the chunk's first byte in the object.
	pub offset: u64,
	/// The chunk's bytes, as consecutive pieces.
	pub parts: Vec<Bytes>,
}

impl VerifiedChunk {
	/// Length of the chunk in bytes.
	pub fn len(&self) -> usize {
		self.parts.iter().map(Bytes::len).sum()
	}

	/// Whether the chunk is empty.
	pub fn is_empty(&self) -> bool {
		self.len() == 0
	}

	/// The chunk as one contiguous buffer (copies unless it came in one piece).
	pub fn to_bytes(&self) -> Bytes {
		match self.parts.as_slice() {
			[one] => one.clone(),
			parts => {
				let mut v = Vec::with_capacity(self.len());
				for p in parts {
					v.extend_from_slice(p);
				}
				Bytes::from(v)
			}
		}
	}
}

/// Where the receiver of a bulk transfer puts verified chunks.
///
/// Chunks are handed over in order, one at a time, and only after their hash
/// has matched the manifest; a chunk that fails verification is never given to
/// the sink, the transfer stops there and [`BulkSink::abort`] is called. The
/// receiver therefore holds at most one chunk of its own, whatever the object size.
pub trait BulkSink: Send {
	/// Accepts the next verified chunk.
	fn write_chunk(&mut self, chunk: VerifiedChunk) -> BoxFuture<'_, std::io::Result<()>>;

	/// Called once after every chunk was verified and written: commit the object.
	fn finish<'a>(&'a mut self, manifest: &'a Manifest) -> BoxFuture<'a, std::io::Result<()>>;

	/// Called when the transfer failed (corrupted chunk, stream error, timeout):
	/// discard what was written. The default does nothing.
	fn abort<'a>(&'a mut self, reason: &'a str) -> BoxFuture<'a, ()> {
		let _ = reason;
		Box::pin(async {})
	}
}

/// A sink that keeps only counts (and optionally the BLAKE3 hash of the whole
/// object): verification without storage. [`crate::EchoHandler`] uses it.
#[derive(Clone)]
pub struct CountingSink {
	/// Bytes accepted so far.
	pub bytes: u64,
	/// Chunks accepted so far.
	pub chunks: u32,
	/// Whether `finish` was called.
	pub finished: bool,
	digest: Option<blake3::Hasher>,
}

impl CountingSink {
	/// Counts bytes and chunks only.
	pub fn new() -> Self {
		Self {
			bytes: 0,
			chunks: 0,
			finished: false,
			digest: None,
		}
	}

	/// Also computes the BLAKE3 hash of the whole object (see [`CountingSink::object_hash`]).
	pub fn with_object_hash() -> Self {
		Self {
			digest: Some(blake3::Hasher::new()),
			..Self::new()
		}
	}

	/// BLAKE3 of all bytes accepted so far, if enabled.
	pub fn object_hash(&self) -> Option<Hash> {
		self.digest.as_ref().map(|d| *d.finalize().as_bytes())
	}
}

impl Default for CountingSink {
	fn default() -> Self {
		Self::new()
	}
}

impl std::fmt::Debug for CountingSink {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("CountingSink")
			.field("bytes", &self.bytes)
			.field("chunks", &self.chunks)
			.field("finished", &self.finished)
			.finish()
	}
}

impl BulkSink for CountingSink {
	fn write_chunk(&mut self, chunk: VerifiedChunk) -> BoxFuture<'_, std::io::Result<()>> {
		self.bytes += chunk.len() as u64;
		self.chunks += 1;
		if let Some(d) = self.digest.as_mut() {
			for p in &chunk.parts {
				d.update(p);
			}
		}
		Box::pin(async { Ok(()) })
	}

	fn finish<'a>(&'a mut self, _manifest: &'a Manifest) -> BoxFuture<'a, std::io::Result<()>> {
		self.finished = true;
		Box::pin(async { Ok(()) })
	}
}

/// A sink that assembles the object in memory, refusing objects larger than a
/// limit. For small objects; use [`FileSink`] or your own sink for large ones.
#[derive(Debug, Default)]
pub struct MemorySink {
	data: Vec<u8>,
	limit: u64,
	finished: bool,
}

impl MemorySink {
	/// A sink accepting at most `limit` bytes.
	pub fn new(limit: u64) -> Self {
		Self {
			data: Vec::new(),
			limit,
			finished: false,
		}
	}

	/// Whether the object was completely received and verified.
	pub fn is_finished(&self) -> bool {
		self.finished
	}

	/// The bytes received so far.
	pub fn into_inner(self) -> Vec<u8> {
		self.data
	}
}

impl BulkSink for MemorySink {
	fn write_chunk(&mut self, chunk: VerifiedChunk) -> BoxFuture<'_, std::io::Result<()>> {
		let res = if self.data.len() as u64 + chunk.len() as u64 > self.limit {
			Err(std::io::Error::other(format!(
				"object exceeds the in-memory limit of {} bytes",
				self.limit
			)))
		} else {
			for p in &chunk.parts {
				self.data.extend_from_slice(p);
			}
			Ok(())
		};
		Box::pin(async move { res })
	}

	fn finish<'a>(&'a mut self, _manifest: &'a Manifest) -> BoxFuture<'a, std::io::Result<()>> {
		self.finished = true;
		Box::pin(async { Ok(()) })
	}

	fn abort<'a>(&'a mut self, _reason: &'a str) -> BoxFuture<'a, ()> {
		self.data = Vec::new();
		Box::pin(async {})
	}
}

/// A sink that streams the object to `<path>.part` and renames it to `path`
/// once every chunk has been verified; on failure the partial file is removed.
#[derive(Debug)]
pub struct FileSink {
	path: std::path::PathBuf,
	part: std::path::PathBuf,
	file: Option<tokio::io::BufWriter<tokio::fs::File>>,
}

impl FileSink {
	/// Creates (truncates) `<path>.part`.
	pub async fn create(path: impl Into<std::path::PathBuf>) -> std::io::Result<Self> {
		let path = path.into();
		let mut part = path.clone().into_os_string();
		part.push(".part");
		let part = std::path::PathBuf::from(part);
		let file = tokio::fs::File::create(&part).await?;
		Ok(Self {
			path,
			part,
			file: Some(tokio::io::BufWriter::with_capacity(1 << 20, file)),
		})
	}

	/// The final path of the object.
	pub fn path(&self) -> &std::path::Path {
		&self.path
	}
}

impl BulkSink for FileSink {
	fn write_chunk(&mut self, chunk: VerifiedChunk) -> BoxFuture<'_, std::io::Result<()>> {
		Box::pin(async move {
			let f = self
				.file
				.as_mut()
				.ok_or_else(|| std::io::Error::other("file sink already closed"))?;
			for p in &chunk.parts {
				f.write_all(p).await?;
			}
			Ok(())
		})
	}

	fn finish<'a>(&'a mut self, _manifest: &'a Manifest) -> BoxFuture<'a, std::io::Result<()>> {
		Box::pin(async move {
			let mut f = self
				.file
				.take()
				.ok_or_else(|| std::io::Error::other("file sink already closed"))?;
			f.flush().await?;
			f.get_mut().sync_all().await?;
			drop(f);
			tokio::fs::rename(&self.part, &self.path).await
		})
	}

	fn abort<'a>(&'a mut self, _reason: &'a str) -> BoxFuture<'a, ()> {
		Box::pin(async move {
			self.file = None;
			let _ = tokio::fs::remove_file(&self.part).await;
		})
	}
}

/// Where the sender of a bulk transfer reads the object from, chunk by chunk.
/// Read twice by [`crate::StoqConnection::send_bulk_from`] (once to build the
/// manifest, once to send), so it must return the same bytes each time.
pub trait BulkSource: Send {
	/// Total length of the object.
	fn total_len(&self) -> u64;

	/// Reads `len` bytes at `offset` (always within the object).
	fn read_at(&mut self, offset: u64, len: usize) -> BoxFuture<'_, std::io::Result<Bytes>>;
}

/// A [`BulkSource`] over bytes in memory (each chunk is a zero-copy slice).
#[derive(Debug, Clone)]
pub struct BytesSource(pub Bytes);

impl BulkSource for BytesSource {
	fn total_len(&self) -> u64 {
		self.0.len() as u64
	}

	fn read_at(&mut self, offset: u64, len: usize) -> BoxFuture<'_, std::io::Result<Bytes>> {
		let start = offset as usize;
		let res = if start.checked_add(len).is_some_and(|e| e <= self.0.len()) {
			Ok(self.0.slice(start..start + len))
		} else {
			Err(std::io::Error::other("read beyond the end of the object"))
		};
		Box::pin(async move { res })
	}
}

/// A [`BulkSource`] over a borrowed slice: each chunk is copied once into a
/// `Bytes` (as quinn's `write_all` does) and handed to quinn without another copy.
#[derive(Debug, Clone, Copy)]
pub struct SliceSource<'a>(pub &'a [u8]);

impl BulkSource for SliceSource<'_> {
	fn total_len(&self) -> u64 {
		self.0.len() as u64
	}

	fn read_at(&mut self, offset: u64, len: usize) -> BoxFuture<'_, std::io::Result<Bytes>> {
		let res = usize::try_from(offset)
			.ok()
			.and_then(|start| Some((start, start.checked_add(len)?)))
			.and_then(|(start, end)| self.0.get(start..end))
			.map(Bytes::copy_from_slice)
			.ok_or_else(|| std::io::Error::other("read beyond the end of the object"));
		Box::pin(async move { res })
	}
}

/// A [`BulkSource`] reading a file.
#[derive(Debug)]
pub struct FileSource {
	file: tokio::fs::File,
	len: u64,
}

impl FileSource {
	/// Opens `path`; its length is taken once, at opening.
	pub async fn open(path: impl AsRef<std::path::Path>) -> std::io::Result<Self> {
		let file = tokio::fs::File::open(path).await?;
		let len = file.metadata().await?.len();
		Ok(Self { file, len })
	}
}

impl BulkSource for FileSource {
	fn total_len(&self) -> u64 {
		self.len
	}

	fn read_at(&mut self, offset: u64, len: usize) -> BoxFuture<'_, std::io::Result<Bytes>> {
		Box::pin(async move {
			use tokio::io::{AsyncReadExt, AsyncSeekExt};
			self.file.seek(std::io::SeekFrom::Start(offset)).await?;
			let mut buf = vec![0u8; len];
			self.file.read_exact(&mut buf).await?;
			Ok(Bytes::from(buf))
		})
	}
}

/// Builds the manifest of a source by reading and hashing every chunk.
pub async fn manifest_of(
	src: &mut dyn BulkSource,
	chunk_size: usize,
) -> Result<Manifest, BulkError> {
	let chunk_size = chunk_size.clamp(1, u32::MAX as usize);
	let total_len = src.total_len();
	let count = total_len.div_ceil(chunk_size as u64);
	if count > u32::MAX as u64 {
		return Err(BulkError::BadManifest("too many chunks".into()));
	}
	let mut m = Manifest {
		chunk_size: chunk_size as u32,
		total_len,
		chunk_hashes: Vec::with_capacity(count as usize),
	};
	for i in 0..count as u32 {
		let len = m.chunk_len(i) as usize;
		let b = src
			.read_at(i as u64 * chunk_size as u64, len)
			.await
			.map_err(FrameError::from)?;
		if b.len() != len {
			return Err(BulkError::BadChunk {
				index: i,
				reason: format!("source returned {} bytes, expected {len}", b.len()),
			});
		}
		m.chunk_hashes.push(content_hash(&b));
	}
	Ok(m)
}

/// Writes a manifest frame.
pub async fn write_manifest<W: AsyncWrite + Unpin>(
	w: &mut W,
	m: &Manifest,
	max_frame: usize,
) -> Result<(), BulkError> {
	write_frame(w, FrameType::Manifest, &m.encode(), max_frame).await?;
	Ok(())
}

/// Writes one chunk frame (index, then the bytes).
pub async fn write_chunk<W: AsyncWrite + Unpin>(
	w: &mut W,
	index: u32,
	chunk: &[u8],
	max_frame: usize,
) -> Result<(), BulkError> {
	let hdr = crate::frame::encode_header(FrameType::Chunk, chunk.len() + 4, max_frame)?;
	let mut head = [0u8; HEADER_LEN + 4];
	head[..HEADER_LEN].copy_from_slice(&hdr);
	head[HEADER_LEN..].copy_from_slice(&index.to_be_bytes());
	w.write_all(&head).await.map_err(FrameError::from)?;
	w.write_all(chunk).await.map_err(FrameError::from)?;
	Ok(())
}

/// A byte sink that takes owned pieces, so the sender does not copy:
/// implemented for quinn's [`quinn::SendStream`] (its `write_all_chunks`) and,
/// via [`AsyncWritePieces`], for any [`AsyncWrite`].
pub trait PieceWrite: Send {
	/// Writes all `pieces`, in order.
	fn write_pieces(
		&mut self,
		pieces: &mut [Bytes],
	) -> impl Future<Output = std::io::Result<()>> + Send;
}

impl PieceWrite for quinn::SendStream {
	async fn write_pieces(&mut self, pieces: &mut [Bytes]) -> std::io::Result<()> {
		Ok(self.write_all_chunks(pieces).await?)
	}
}

/// Adapts an [`AsyncWrite`] to [`PieceWrite`].
#[derive(Debug)]
pub struct AsyncWritePieces<W>(pub W);

impl<W: AsyncWrite + Unpin + Send> PieceWrite for AsyncWritePieces<W> {
	async fn write_pieces(&mut self, pieces: &mut [Bytes]) -> std::io::Result<()> {
		for p in pieces.iter() {
			self.0.write_all(p).await?;
		}
		Ok(())
	}
}

/// Sends the chunks of `src` described by `m` (the manifest frame already
/// written). Each chunk must be read and written within `progress` (a per-chunk
/// deadline, so that it does not depend on the object size).
pub async fn send_chunks<W: PieceWrite>(
	w: &mut W,
	m: &Manifest,
	src: &mut dyn BulkSource,
	max_frame: usize,
	progress: Duration,
) -> Result<(), BulkError> {
	if src.total_len() != m.total_len {
		return Err(BulkError::BadManifest(
			"source length differs from the manifest".into(),
		));
	}
	for index in 0..m.chunk_hashes.len() as u32 {
		let len = m.chunk_len(index) as usize;
		let step = async {
			let b = src
				.read_at(index as u64 * m.chunk_size as u64, len)
				.await
				.map_err(FrameError::from)?;
			if b.len() != len {
				return Err(BulkError::BadChunk {
					index,
					reason: format!("source returned {} bytes, expected {len}", b.len()),
				});
			}
			let hdr = crate::frame::encode_header(FrameType::Chunk, len + 4, max_frame)?;
			let mut head = [0u8; HEADER_LEN + 4];
			head[..HEADER_LEN].copy_from_slice(&hdr);
			head[HEADER_LEN..].copy_from_slice(&index.to_be_bytes());
			w.write_pieces(&mut [Bytes::copy_from_slice(&head), b])
				.await
				.map_err(FrameError::from)?;
			Ok(())
		};
		tokio::time::timeout(progress, step)
			.await
			.map_err(|_| BulkError::Stalled(index))??;
	}
	Ok(())
}

/// Sends `data` as a manifest followed by its chunks. Returns the manifest.
pub async fn send_object<W: AsyncWrite + Unpin>(
	w: &mut W,
	data: &[u8],
	chunk_size: usize,
	max_frame: usize,
) -> Result<Manifest, BulkError> {
	let m = Manifest::build(data, chunk_size);
	write_manifest(w, &m, max_frame).await?;
	for (i, c) in data.chunks(chunk_size.max(1)).enumerate() {
		write_chunk(w, i as u32, c, max_frame).await?;
	}
	Ok(m)
}

/// A byte stream that yields owned pieces, so the receiver does not copy:
/// implemented for quinn's [`quinn::RecvStream`] (its `read_chunk`) and, via
/// [`AsyncReadPieces`], for any [`AsyncRead`].
pub trait PieceRead: Send {
	/// The next piece of at most `max` bytes, or `None` at the end of the stream.
	fn read_piece(
		&mut self,
		max: usize,
	) -> impl Future<Output = std::io::Result<Option<Bytes>>> + Send;
}

impl PieceRead for quinn::RecvStream {
	async fn read_piece(&mut self, max: usize) -> std::io::Result<Option<Bytes>> {
		Ok(self.read_chunk(max, true).await?.map(|c| c.bytes))
	}
}

/// Adapts an [`AsyncRead`] to [`PieceRead`] (copies into 64 KiB pieces).
#[derive(Debug)]
pub struct AsyncReadPieces<R>(pub R);

impl<R: AsyncRead + Unpin + Send> PieceRead for AsyncReadPieces<R> {
	async fn read_piece(&mut self, max: usize) -> std::io::Result<Option<Bytes>> {
		let mut buf = vec![0u8; max.clamp(1, 64 * 1024)];
		let n = self.0.read(&mut buf).await?;
		if n == 0 {
			return Ok(None);
		}
		buf.truncate(n);
		Ok(Some(Bytes::from(buf)))
	}
}

/// Reads exactly-sized runs of bytes out of a [`PieceRead`] without copying
/// (except for the 9-byte chunk headers).
struct Pieces<'r, R> {
	inner: &'r mut R,
	pending: Bytes,
}

impl<R: PieceRead> Pieces<'_, R> {
	/// Fills `buf` completely; `Ok(false)` if the stream ended first.
	async fn fill(&mut self, buf: &mut [u8]) -> std::io::Result<bool> {
		let mut got = 0;
		while got < buf.len() {
			if self.pending.is_empty() {
				match self.inner.read_piece(usize::MAX).await? {
					Some(b) => self.pending = b,
					None => return Ok(false),
				}
				continue;
			}
			let n = (buf.len() - got).min(self.pending.len());
			buf[got..got + n].copy_from_slice(&self.pending.split_to(n));
			got += n;
		}
		Ok(true)
	}

	/// Takes the next `len` bytes as zero-copy pieces.
	async fn take(&mut self, mut len: usize) -> std::io::Result<Option<Vec<Bytes>>> {
		let mut parts = Vec::new();
		while len > 0 {
			if self.pending.is_empty() {
				match self.inner.read_piece(len).await? {
					Some(b) => self.pending = b,
					None => return Ok(None),
				}
				continue;
			}
			let n = len.min(self.pending.len());
			parts.push(self.pending.split_to(n));
			len -= n;
		}
		Ok(Some(parts))
	}
}

/// Receives the chunks described by `m` (the manifest frame already read) and
/// streams them into `sink`: each chunk's index, length and hash are checked
/// as it arrives, and only a verified chunk is handed to the sink. On the first
/// bad chunk the sink is aborted and the error names the chunk; nothing after it
/// is read. Each chunk must arrive within `progress`. Memory held here is at
/// most one chunk. Returns the number of bytes delivered.
pub async fn receive_chunks_into<R: PieceRead>(
	r: &mut R,
	m: &Manifest,
	max_frame: usize,
	max_total: u64,
	progress: Duration,
	sink: &mut dyn BulkSink,
) -> Result<u64, BulkError> {
	let res = receive_verified(r, m, max_frame, max_total, progress, sink).await;
	match &res {
		Ok(_) => {
			if let Err(e) = sink.finish(m).await {
				let msg = format!("sink failed to commit the object: {e}");
				sink.abort(&msg).await;
				return Err(BulkError::Sink(msg));
			}
		}
		Err(e) => sink.abort(&e.to_string()).await,
	}
	res
}

async fn receive_verified<R: PieceRead>(
	r: &mut R,
	m: &Manifest,
	max_frame: usize,
	max_total: u64,
	progress: Duration,
	sink: &mut dyn BulkSink,
) -> Result<u64, BulkError> {
	if m.total_len > max_total {
		return Err(BulkError::TooLarge(m.total_len, max_total));
	}
	if m.chunk_size as usize + 4 > max_frame.min(crate::frame::HARD_MAX_FRAME) {
		return Err(BulkError::BadManifest(
			"chunk size exceeds the frame limit".into(),
		));
	}
	let mut pieces = Pieces {
		inner: r,
		pending: Bytes::new(),
	};
	// Pipeline: chunk i is hashed on the blocking pool while chunk i+1 is read
	// off the stream; a chunk reaches the sink only after its hash matched.
	// At most two chunks are held here.
	let mut pending: Option<PendingChunk> = None;
	let mut offset = 0u64;
	for index in 0..m.chunk_hashes.len() as u32 {
		let want = m.chunk_len(index);
		let step = async {
			let parts = match read_chunk_frame(&mut pieces, index, want).await {
				Ok(p) => p,
				Err(e) => {
					// A corruption of the previous chunk is the first fault.
					if let Some(prev) = pending.take() {
						deliver(prev, m, sink).await?;
					}
					return Err(e);
				}
			};
			// QUIC hands the chunk over in packet-sized pieces (about 1.2 KB), and BLAKE3
			// is only fast (SIMD over many 1 KiB blocks at once) on long inputs: fed piece
			// by piece it ran at about a fifth of its speed here. One copy into a
			// contiguous buffer costs less than that, and the sink then gets one piece.
			let hashing = tokio::task::spawn_blocking(move || {
				let parts = match parts.len() {
					0 | 1 => parts,
					_ => {
						let mut joined = Vec::with_capacity(parts.iter().map(Bytes::len).sum());
						for p in &parts {
							joined.extend_from_slice(p);
						}
						vec![Bytes::from(joined)]
					}
				};
				let hash = parts
					.first()
					.map_or_else(|| content_hash(&[]), |p| content_hash(p));
				(parts, hash)
			});
			if let Some(prev) = pending.take() {
				deliver(prev, m, sink).await?;
			}
			pending = Some(PendingChunk {
				index,
				offset,
				hashing,
			});
			Ok::<(), BulkError>(())
		};
		tokio::time::timeout(progress, step)
			.await
			.map_err(|_| BulkError::Stalled(index))??;
		offset += want;
	}
	if let Some(prev) = pending.take() {
		let index = prev.index;
		tokio::time::timeout(progress, deliver(prev, m, sink))
			.await
			.map_err(|_| BulkError::Stalled(index))??;
	}
	Ok(offset)
}

struct PendingChunk {
	index: u32,
	offset: u64,
	hashing: tokio::task::JoinHandle<(Vec<Bytes>, Hash)>,
}

/// Waits for a chunk's hash, checks it against the manifest and, if it
/// matches, hands the chunk to the sink.
async fn deliver(c: PendingChunk, m: &Manifest, sink: &mut dyn BulkSink) -> Result<(), BulkError> {
	let index = c.index;
	let (parts, actual) = c.hashing.await.map_err(|e| BulkError::BadChunk {
		index,
		reason: format!("hashing task failed: {e}"),
	})?;
	let expected = m
		.chunk_hashes
		.get(index as usize)
		.ok_or_else(|| BulkError::BadChunk {
			index,
			reason: "not in the manifest".into(),
		})?;
	if &actual != expected {
		return Err(BulkError::ChunkHashMismatch {
			index,
			expected: hex(expected),
			actual: hex(&actual),
		});
	}
	sink.write_chunk(VerifiedChunk {
		index,
		offset: c.offset,
		parts,
	})
	.await
	.map_err(|e| BulkError::Sink(format!("chunk {index}: {e}")))
}

/// Reads one chunk frame (header, index, `want` bytes as zero-copy pieces).
async fn read_chunk_frame<R: PieceRead>(
	pieces: &mut Pieces<'_, R>,
	index: u32,
	want: u64,
) -> Result<Vec<Bytes>, BulkError> {
	let mut head = [0u8; HEADER_LEN + 4];
	let bad = |reason: String| BulkError::BadChunk { index, reason };
	let io = |e: std::io::Error| BulkError::Frame(FrameError::Io(e));
	if !pieces.fill(&mut head[..HEADER_LEN]).await.map_err(io)? {
		return Err(bad("stream ended".into()));
	}
	if head[0] != FrameType::Chunk as u8 {
		return Err(bad(format!(
			"expected a chunk frame, got {:?}",
			FrameType::from_byte(head[0])
		)));
	}
	let len = u32::from_be_bytes([head[1], head[2], head[3], head[4]]) as u64;
	if len != want + 4 {
		return Err(bad(format!("length {}", len.saturating_sub(4))));
	}
	if !pieces.fill(&mut head[HEADER_LEN..]).await.map_err(io)? {
		return Err(bad("stream ended".into()));
	}
	let got_index = u32::from_be_bytes([head[5], head[6], head[7], head[8]]);
	if got_index != index {
		return Err(bad(format!("out of order (got {got_index})")));
	}
	pieces
		.take(want as usize)
		.await
		.map_err(io)?
		.ok_or_else(|| bad("stream ended inside the chunk".into()))
}

/// Receives the chunks described by `m` into memory (at most `max_total` bytes).
pub async fn receive_chunks<R: AsyncRead + Unpin + Send>(
	r: &mut R,
	m: &Manifest,
	max_frame: usize,
	max_total: u64,
) -> Result<Vec<u8>, BulkError> {
	let mut sink = MemorySink::new(max_total);
	receive_chunks_into(
		&mut AsyncReadPieces(r),
		m,
		max_frame,
		max_total,
		Duration::from_secs(3600),
		&mut sink,
	)
	.await?;
	Ok(sink.into_inner())
}

/// Reads a manifest frame then its chunks, into memory.
pub async fn receive_object<R: AsyncRead + Unpin + Send>(
	r: &mut R,
	max_frame: usize,
	max_total: u64,
) -> Result<(Manifest, Vec<u8>), BulkError> {
	let f = read_frame(r, max_frame)
		.await?
		.ok_or(BulkError::BadManifest("stream ended".into()))?;
	if f.kind != FrameType::Manifest {
		return Err(BulkError::BadManifest(format!(
			"expected a manifest frame, got {:?}",
			f.kind
		)));
	}
	let m = Manifest::decode(&f.payload)?;
	let data = receive_chunks(r, &m, max_frame, max_total).await?;
	Ok((m, data))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[tokio::test]
	async fn roundtrip_and_corruption() {
		let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
		let mut wire = Vec::new();
		let m = send_object(&mut wire, &data, 4096, 1 << 20).await.unwrap();
		assert_eq!(m.chunk_hashes.len(), 25);
		let (m2, got) = receive_object(&mut &wire[..], 1 << 20, 1 << 30)
			.await
			.unwrap();
		assert_eq!(m, m2);
		assert_eq!(got, data);
		// corrupt one byte inside chunk 3's payload
		let pos = 5 + m.encode().len() + 3 * (5 + 4 + 4096) + 5 + 4 + 10;
		wire[pos] ^= 0xff;
		match receive_object(&mut &wire[..], 1 << 20, 1 << 30).await {
			Err(BulkError::ChunkHashMismatch { index: 3, .. }) => {}
			other => panic!("unexpected {other:?}"),
		}
	}

	#[tokio::test]
	async fn streaming_stops_at_the_corrupted_chunk() {
		let data: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
		let mut wire = Vec::new();
		let m = send_object(&mut wire, &data, 4096, 1 << 20).await.unwrap();
		let mut r = &wire[..];
		let f = read_frame(&mut r, 1 << 20).await.unwrap().unwrap();
		assert_eq!(f.kind, FrameType::Manifest);
		let body = r;
		// intact: every chunk delivered, in order, finished
		let mut sink = CountingSink::with_object_hash();
		let n = receive_chunks_into(
			&mut AsyncReadPieces(body),
			&m,
			1 << 20,
			1 << 30,
			Duration::from_secs(5),
			&mut sink,
		)
		.await
		.unwrap();
		assert_eq!(n, data.len() as u64);
		assert_eq!(
			(sink.bytes, sink.chunks, sink.finished),
			(100_000, 25, true)
		);
		assert_eq!(sink.object_hash(), Some(content_hash(&data)));
		// chunk 7 corrupted: chunks 0..7 delivered, nothing after, not finished
		let mut bad = body.to_vec();
		bad[7 * (9 + 4096) + 9 + 100] ^= 0x80;
		let mut sink = CountingSink::new();
		let err = receive_chunks_into(
			&mut AsyncReadPieces(&bad[..]),
			&m,
			1 << 20,
			1 << 30,
			Duration::from_secs(5),
			&mut sink,
		)
		.await
		.unwrap_err();
		assert!(
			matches!(err, BulkError::ChunkHashMismatch { index: 7, .. }),
			"{err}"
		);
		assert_eq!((sink.chunks, sink.finished), (7, false));
	}

	#[tokio::test]
	async fn file_sink_commits_or_removes() {
		let dir = std::env::temp_dir().join(format!("stoq-filesink-{}", std::process::id()));
		tokio::fs::create_dir_all(&dir).await.unwrap();
		let data = Bytes::from((0..50_000u32).map(|i| (i % 241) as u8).collect::<Vec<u8>>());
		let mut src = BytesSource(data.clone());
		let m = manifest_of(&mut src, 4096).await.unwrap();
		assert_eq!(m, Manifest::build(&data, 4096));
		let mut wire = AsyncWritePieces(Vec::new());
		send_chunks(&mut wire, &m, &mut src, 1 << 20, Duration::from_secs(5))
			.await
			.unwrap();
		let wire = wire.0;
		let good = dir.join("good.bin");
		let mut sink = FileSink::create(&good).await.unwrap();
		receive_chunks_into(
			&mut AsyncReadPieces(&wire[..]),
			&m,
			1 << 20,
			1 << 30,
			Duration::from_secs(5),
			&mut sink,
		)
		.await
		.unwrap();
		assert_eq!(tokio::fs::read(&good).await.unwrap(), data);
		let mut bad = wire.clone();
		bad[3 * (9 + 4096) + 20] ^= 1;
		let badp = dir.join("bad.bin");
		let mut sink = FileSink::create(&badp).await.unwrap();
		let err = receive_chunks_into(
			&mut AsyncReadPieces(&bad[..]),
			&m,
			1 << 20,
			1 << 30,
			Duration::from_secs(5),
			&mut sink,
		)
		.await
		.unwrap_err();
		assert!(matches!(err, BulkError::ChunkHashMismatch { index: 3, .. }));
		assert!(!badp.exists());
		assert!(!dir.join("bad.bin.part").exists());
		// a FileSource reads back the same object
		let mut fsrc = FileSource::open(&good).await.unwrap();
		assert_eq!(manifest_of(&mut fsrc, 4096).await.unwrap(), m);
		let _ = tokio::fs::remove_dir_all(&dir).await;
	}

	#[test]
	fn content_hash_is_blake3() {
		// The BLAKE3 test vectors' hash of the empty input, and of one zero byte.
		assert_eq!(
			hex(&content_hash(b"")),
			"af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
		);
		assert_eq!(
			hex(&content_hash(&[0])),
			"2d3adedff11b61f14c886e35afa036736dcd87a74d27b5c1510225d0f592e213"
		);
	}

	#[test]
	fn parallel_manifest_equals_serial() {
		let data: Vec<u8> = (0..(40 * 1024 * 1024 + 777u32))
			.map(|i| (i % 249) as u8)
			.collect();
		let m = Manifest::build(&data, 1 << 20);
		let serial: Vec<Hash> = data.chunks(1 << 20).map(content_hash).collect();
		assert_eq!(m.chunk_hashes, serial);
		assert_eq!(m.total_len, data.len() as u64);
	}

	#[test]
	fn inconsistent_manifests_are_rejected() {
		let mut m = Manifest::build(&[1u8; 10], 4).encode();
		m[15] = 9; // chunk count
		assert!(Manifest::decode(&m).is_err());
		assert!(Manifest::decode(&[0u8; 3]).is_err());
		let zero = Manifest {
			chunk_size: 0,
			total_len: 0,
			chunk_hashes: vec![],
		}
		.encode();
		assert!(Manifest::decode(&zero).is_err());
	}
}
