//! Bulk transfer of large objects as content-addressed chunks.
//!
//! The sender splits the object into fixed-size chunks, hashes each with
//! SHA-256 and first sends a `Manifest` frame:
//!
//! ```text
//! chunk_size: u32 BE | total_len: u64 BE | chunk_count: u32 BE | chunk_count x SHA-256 (32 B)
//! ```
//!
//! followed by one `Chunk` frame per chunk, in order:
//!
//! ```text
//! index: u32 BE | chunk bytes
//! ```
//!
//! The object's content address is SHA-256 of the manifest payload. The receiver
//! checks the manifest's consistency and limits before allocating, then checks
//! every chunk's index, length and SHA-256 against the manifest; a mismatch is
//! reported as [`BulkError::ChunkHashMismatch`] naming the chunk.

use ring::digest::{digest, SHA256};
use tokio::io::{AsyncRead, AsyncWrite};

use crate::frame::{read_frame, write_frame, FrameError, FrameType};

/// A SHA-256 digest.
pub type Hash = [u8; 32];

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Hash {
    let mut out = [0u8; 32];
    out.copy_from_slice(digest(&SHA256, data).as_ref());
    out
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
    /// SHA-256 of each chunk.
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
    /// A chunk's SHA-256 does not match the manifest: the data is corrupted.
    #[error("chunk {index} is corrupted: SHA-256 {actual} != manifest {expected}")]
    ChunkHashMismatch {
        /// The chunk index.
        index: u32,
        /// Hash from the manifest (hex).
        expected: String,
        /// Hash of the received bytes (hex).
        actual: String,
    },
    /// A frame-level error.
    #[error(transparent)]
    Frame(#[from] FrameError),
}

impl Manifest {
    /// Builds the manifest of `data` split into `chunk_size` chunks.
    pub fn build(data: &[u8], chunk_size: usize) -> Self {
        let chunk_size = chunk_size.max(1);
        Self {
            chunk_size: chunk_size as u32,
            total_len: data.len() as u64,
            chunk_hashes: data.chunks(chunk_size).map(sha256).collect(),
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

    /// The object's content address: SHA-256 of the encoded manifest.
    pub fn content_id(&self) -> Hash {
        sha256(&self.encode())
    }

    /// Expected length of chunk `index`.
    pub fn chunk_len(&self, index: u32) -> u64 {
        let start = index as u64 * self.chunk_size as u64;
        (self.total_len - start.min(self.total_len)).min(self.chunk_size as u64)
    }
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
    use tokio::io::AsyncWriteExt;
    w.write_all(&hdr).await.map_err(FrameError::from)?;
    w.write_all(&index.to_be_bytes())
        .await
        .map_err(FrameError::from)?;
    w.write_all(chunk).await.map_err(FrameError::from)?;
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

/// Receives the chunks described by `m` (the manifest frame already read),
/// verifying each chunk's index, length and SHA-256.
pub async fn receive_chunks<R: AsyncRead + Unpin>(
    r: &mut R,
    m: &Manifest,
    max_frame: usize,
    max_total: u64,
) -> Result<Vec<u8>, BulkError> {
    if m.total_len > max_total {
        return Err(BulkError::TooLarge(m.total_len, max_total));
    }
    if m.chunk_size as usize + 4 > max_frame {
        return Err(BulkError::BadManifest(
            "chunk size exceeds the frame limit".into(),
        ));
    }
    let mut out = Vec::with_capacity(m.total_len as usize);
    for (index, expected) in m.chunk_hashes.iter().enumerate() {
        let index = index as u32;
        let f = read_frame(r, max_frame).await?.ok_or(BulkError::BadChunk {
            index,
            reason: "stream ended".into(),
        })?;
        if f.kind != FrameType::Chunk || f.payload.len() < 4 {
            return Err(BulkError::BadChunk {
                index,
                reason: format!("expected a chunk frame, got {:?}", f.kind),
            });
        }
        let got_index =
            u32::from_be_bytes([f.payload[0], f.payload[1], f.payload[2], f.payload[3]]);
        let body = &f.payload[4..];
        if got_index != index {
            return Err(BulkError::BadChunk {
                index,
                reason: format!("out of order (got {got_index})"),
            });
        }
        if body.len() as u64 != m.chunk_len(index) {
            return Err(BulkError::BadChunk {
                index,
                reason: format!("length {}", body.len()),
            });
        }
        let actual = sha256(body);
        if &actual != expected {
            return Err(BulkError::ChunkHashMismatch {
                index,
                expected: hex(expected),
                actual: hex(&actual),
            });
        }
        out.extend_from_slice(body);
    }
    Ok(out)
}

/// Reads a manifest frame then its chunks.
pub async fn receive_object<R: AsyncRead + Unpin>(
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
