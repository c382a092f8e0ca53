//! The STOQ application frame format.
//!
//! Every message on a STOQ stream is a frame:
//!
//! ```text
//! +------+----------------+-----------------+
//! | type | length (u32 BE)| payload         |
//! | 1 B  | 4 B            | `length` bytes  |
//! +------+----------------+-----------------+
//! ```
//!
//! The length is checked against a maximum *before* any buffer is allocated, an
//! unknown type byte is an error, and a stream that ends inside a frame is an
//! error; none of these panic.

use bytes::Bytes;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

/// Length of the frame header (type + length).
pub const HEADER_LEN: usize = 5;
/// Absolute upper bound on a frame payload, whatever the configuration says.
pub const HARD_MAX_FRAME: usize = 64 * 1024 * 1024;

/// The kinds of frames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum FrameType {
	/// A request (payload: application bytes). Answered by `Response` or `Error`.
	Request = 0x01,
	/// A successful response (payload: application bytes).
	Response = 0x02,
	/// An error report (payload: UTF-8 message).
	Error = 0x03,
	/// Liveness/authorisation probe (empty payload). Answered by `Pong`.
	Ping = 0x04,
	/// Answer to `Ping`.
	Pong = 0x05,
	/// A bulk-transfer manifest (see [`crate::bulk`]).
	Manifest = 0x10,
	/// One bulk-transfer chunk (see [`crate::bulk`]).
	Chunk = 0x11,
}

impl FrameType {
	/// Decodes a type byte.
	pub fn from_byte(b: u8) -> Option<Self> {
		Some(match b {
			0x01 => Self::Request,
			0x02 => Self::Response,
			0x03 => Self::Error,
			0x04 => Self::Ping,
			0x05 => Self::Pong,
			0x10 => Self::Manifest,
			0x11 => Self::Chunk,
			_ => return None,
		})
	}
}

/// One decoded frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
	/// Its type.
	pub kind: FrameType,
	/// Its payload.
	pub payload: Bytes,
}

/// Why a frame could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
	/// The type byte is not a known [`FrameType`].
	#[error("unknown frame type 0x{0:02x}")]
	UnknownType(u8),
	/// The announced payload length exceeds the maximum.
	#[error("frame of {len} bytes exceeds the maximum of {max}")]
	TooLarge {
		/// Announced length.
		len: u64,
		/// Allowed maximum.
		max: usize,
	},
	/// The stream ended inside a frame.
	#[error("stream ended inside a frame")]
	Truncated,
	/// A frame arrived that is not valid at this point of the protocol.
	#[error("unexpected frame: {0}")]
	Unexpected(String),
	/// An I/O error while reading or writing.
	#[error("i/o error: {0}")]
	Io(#[from] std::io::Error),
}

/// Reads one frame. Returns `Ok(None)` if the stream ends cleanly before a header.
pub async fn read_frame<R: AsyncRead + Unpin>(
	r: &mut R,
	max: usize,
) -> Result<Option<Frame>, FrameError> {
	let Some((kind, len)) = read_header(r, max).await? else {
		return Ok(None);
	};
	let payload = read_payload(r, len).await?;
	Ok(Some(Frame { kind, payload }))
}

/// Reads a frame header: its type and payload length, checked against `max` (and
/// [`HARD_MAX_FRAME`]). Returns `Ok(None)` if the stream ends cleanly before it. Lets a
/// receiver account for the payload before [`read_payload`] allocates it.
pub async fn read_header<R: AsyncRead + Unpin>(
	r: &mut R,
	max: usize,
) -> Result<Option<(FrameType, usize)>, FrameError> {
	let max = max.min(HARD_MAX_FRAME);
	let mut hdr = [0u8; HEADER_LEN];
	let mut got = 0;
	while got < HEADER_LEN {
		let n = r.read(&mut hdr[got..]).await?;
		if n == 0 {
			return if got == 0 {
				Ok(None)
			} else {
				Err(FrameError::Truncated)
			};
		}
		got += n;
	}
	let kind = FrameType::from_byte(hdr[0]).ok_or(FrameError::UnknownType(hdr[0]))?;
	let len = u32::from_be_bytes([hdr[1], hdr[2], hdr[3], hdr[4]]) as u64;
	if len > max as u64 {
		return Err(FrameError::TooLarge { len, max });
	}
	Ok(Some((kind, len as usize)))
}

/// Reads the `len`-byte payload announced by a header from [`read_header`].
pub async fn read_payload<R: AsyncRead + Unpin>(
	r: &mut R,
	len: usize,
) -> Result<Bytes, FrameError> {
	let mut payload = vec![0u8; len];
	r.read_exact(&mut payload)
		.await
		.map_err(|e| match e.kind() {
			std::io::ErrorKind::UnexpectedEof => FrameError::Truncated,
			_ => FrameError::Io(e),
		})?;
	Ok(Bytes::from(payload))
}

/// Encodes a frame header for a payload of `len` bytes.
pub fn encode_header(
	kind: FrameType,
	len: usize,
	max: usize,
) -> Result<[u8; HEADER_LEN], FrameError> {
	if len > max.min(HARD_MAX_FRAME) {
		return Err(FrameError::TooLarge {
			len: len as u64,
			max: max.min(HARD_MAX_FRAME),
		});
	}
	let l = (len as u32).to_be_bytes();
	Ok([kind as u8, l[0], l[1], l[2], l[3]])
}

/// Writes one frame (header, then payload).
pub async fn write_frame<W: AsyncWrite + Unpin>(
	w: &mut W,
	kind: FrameType,
	payload: &[u8],
	max: usize,
) -> Result<(), FrameError> {
	let hdr = encode_header(kind, payload.len(), max)?;
	w.write_all(&hdr).await?;
	w.write_all(payload).await?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	#[tokio::test]
	async fn roundtrip() {
		let mut buf = Vec::new();
		write_frame(&mut buf, FrameType::Request, b"hello", 1024)
			.await
			.unwrap();
		let mut r = &buf[..];
		let f = read_frame(&mut r, 1024).await.unwrap().unwrap();
		assert_eq!(f.kind, FrameType::Request);
		assert_eq!(&f.payload[..], b"hello");
		assert!(read_frame(&mut r, 1024).await.unwrap().is_none());
	}

	#[tokio::test]
	async fn malformed_frames_are_errors() {
		let mut r: &[u8] = &[0x7f, 0, 0, 0, 0];
		assert!(matches!(
			read_frame(&mut r, 10).await,
			Err(FrameError::UnknownType(0x7f))
		));
		let mut r: &[u8] = &[0x01, 0xff, 0xff, 0xff, 0xff];
		assert!(matches!(
			read_frame(&mut r, 1024).await,
			Err(FrameError::TooLarge { .. })
		));
		let mut r: &[u8] = &[0x01, 0, 0, 0, 9, 1, 2];
		assert!(matches!(
			read_frame(&mut r, 1024).await,
			Err(FrameError::Truncated)
		));
		let mut r: &[u8] = &[0x01, 0];
		assert!(matches!(
			read_frame(&mut r, 1024).await,
			Err(FrameError::Truncated)
		));
		let mut sink = Vec::new();
		assert!(matches!(
			write_frame(&mut sink, FrameType::Request, &[0; 11], 10).await,
			Err(FrameError::TooLarge { .. })
		));
	}
}
