//! DNS over dedicated QUIC connections (RFC 9250, "DoQ") on a STOQ endpoint.
//!
//! A STOQ endpoint configured with a [`DnsHandler`] ([`crate::StoqConfig::with_dns`]) also
//! offers the ALPN [`ALPN_DOQ`] (`doq`), so that a standard DoQ client (one that presents no
//! client certificate and speaks no STOQ framing) can send DNS queries to it. This module
//! keeps the transport side only: DNS wire format in, DNS wire format out; what the
//! answers say is the handler's business (the node answers from TrustChain).
//!
//! Per RFC 9250 §4.2, every query travels on its own client-initiated bidirectional stream
//! as a 2-byte big-endian length followed by that many bytes of DNS message, then the
//! client's STREAM FIN; the answer goes back on the same stream, framed the same way, then
//! the server's FIN. Peer input is bounded ([`MAX_DNS_MESSAGE`], the request timeout) and
//! never panics the server:
//!
//! * a stream that ends before the length or the whole message, or carries more than one
//!   message, and any unidirectional stream, close the connection with
//!   [`DOQ_PROTOCOL_ERROR`] (RFC 9250 §4.3.3); other connections are unaffected;
//! * a stream whose query (with its FIN) does not arrive within the request timeout is
//!   abandoned (stopped and reset with [`DOQ_PROTOCOL_ERROR`]), the connection stays up;
//! * a handler answer that cannot be framed (empty, or over 65535 bytes) resets the stream
//!   with [`DOQ_INTERNAL_ERROR`]; a peer that cancels its query (resets the stream) gets
//!   nothing.
//!
//! DoQ clients are ordinary QUIC stacks: the key exchange must be one they offer. Under
//! [`crate::PqPolicy::Required`] only the hybrid X25519+ML-KEM-1024 group is accepted, so a
//! classical-only DoQ client fails the handshake there; run the endpoint under
//! [`crate::PqPolicy::Preferred`] to serve them (the hybrid group is still chosen for clients
//! that offer it).

use std::sync::Arc;
use std::time::Duration;

use quinn::{ReadToEndError, VarInt};

use crate::admission::Admission;

/// The ALPN identifier of DNS over QUIC (RFC 9250 §4.1.1).
pub const ALPN_DOQ: &[u8] = b"doq";

/// DoQ error code: no error, used when closing a connection or stream normally.
pub const DOQ_NO_ERROR: u32 = 0x0;
/// DoQ error code: the implementation could not pursue the transaction.
pub const DOQ_INTERNAL_ERROR: u32 = 0x1;
/// DoQ error code: the peer violated the protocol (bad framing, a unidirectional stream).
pub const DOQ_PROTOCOL_ERROR: u32 = 0x2;

/// The largest DNS message the 2-byte length prefix can describe (RFC 9250 §4.2).
pub const MAX_DNS_MESSAGE: usize = u16::MAX as usize;

/// Answers DNS queries received over DoQ.
pub trait DnsHandler: Send + Sync + 'static {
	/// The DNS message (wire format, RFC 1035) answering `query`, itself one DNS message
	/// in wire format exactly as the client sent it (possibly malformed: answer FORMERR
	/// rather than nothing). The answer must be 1 to [`MAX_DNS_MESSAGE`] bytes; anything
	/// else is treated as an internal error and the client's stream is reset.
	///
	/// Called on tokio's blocking thread pool, so it may do blocking work (the node
	/// reads chain state).
	fn answer(&self, query: &[u8]) -> Vec<u8>;
}

/// Why one DoQ stream could not be answered.
#[derive(Debug, thiserror::Error)]
enum StreamFailure {
	/// The client broke RFC 9250's framing: the connection is closed.
	#[error("{0}")]
	Protocol(&'static str),
	/// The query (or its FIN) did not arrive in time: the stream is abandoned.
	#[error("no complete query within {0:?}")]
	TimedOut(Duration),
	/// The client reset the stream, or the connection is gone: nothing to answer.
	#[error("stream or connection closed by the peer")]
	Gone,
}

/// One DNS message from a stream's bytes: the 2-byte length, exactly that many bytes, and
/// nothing after them.
fn unframe(bytes: &[u8]) -> Result<&[u8], StreamFailure> {
	let (len, message) = match bytes {
		[hi, lo, message @ ..] => (usize::from(u16::from_be_bytes([*hi, *lo])), message),
		_ => {
			return Err(StreamFailure::Protocol(
				"stream finished before the 2-byte length",
			))
		}
	};
	match message.len() {
		n if n < len => Err(StreamFailure::Protocol(
			"stream finished before the whole DNS message",
		)),
		n if n > len => Err(StreamFailure::Protocol(
			"more than one DNS message on a stream",
		)),
		_ => Ok(message),
	}
}

/// Reads one framed query and the client's FIN from `recv`, within `deadline`.
async fn read_query(
	recv: &mut quinn::RecvStream,
	deadline: Duration,
) -> Result<Vec<u8>, StreamFailure> {
	// The length prefix and the largest message it describes; anything longer is a second
	// message (or garbage after the first).
	let bytes = match tokio::time::timeout(deadline, recv.read_to_end(2 + MAX_DNS_MESSAGE)).await {
		Err(_) => return Err(StreamFailure::TimedOut(deadline)),
		Ok(Ok(bytes)) => bytes,
		Ok(Err(ReadToEndError::TooLong)) => {
			return Err(StreamFailure::Protocol(
				"more than one DNS message on a stream",
			))
		}
		// Reset by the client (a cancelled query) or the connection is gone.
		Ok(Err(ReadToEndError::Read(_))) => return Err(StreamFailure::Gone),
	};
	unframe(&bytes).map(<[u8]>::to_vec)
}

/// Answers one stream: reads the query, asks `dns`, writes the framed answer and finishes.
/// The largest query is reserved in the endpoint's in-flight budgets first; when it does
/// not fit, the stream is refused (stopped and reset with [`DOQ_INTERNAL_ERROR`]) and the
/// connection stays up.
async fn serve_stream(
	conn: quinn::Connection,
	mut send: quinn::SendStream,
	mut recv: quinn::RecvStream,
	dns: Arc<dyn DnsHandler>,
	deadline: Duration,
	admission: Arc<Admission>,
) {
	let Ok(_reservation) =
		admission.reserve(conn.remote_address().ip(), (2 + MAX_DNS_MESSAGE) as u64)
	else {
		let _ = recv.stop(VarInt::from_u32(DOQ_INTERNAL_ERROR));
		let _ = send.reset(VarInt::from_u32(DOQ_INTERNAL_ERROR));
		return;
	};
	let query = match read_query(&mut recv, deadline).await {
		Ok(query) => query,
		Err(StreamFailure::Protocol(reason)) => {
			conn.close(VarInt::from_u32(DOQ_PROTOCOL_ERROR), reason.as_bytes());
			return;
		}
		Err(StreamFailure::TimedOut(_)) => {
			let _ = recv.stop(VarInt::from_u32(DOQ_PROTOCOL_ERROR));
			let _ = send.reset(VarInt::from_u32(DOQ_PROTOCOL_ERROR));
			return;
		}
		Err(StreamFailure::Gone) => return,
	};
	let answer = tokio::task::spawn_blocking(move || dns.answer(&query)).await;
	let answer = match answer {
		Ok(answer) if !answer.is_empty() => answer,
		// A panicking handler or an empty answer: nothing sensible to send.
		_ => {
			let _ = send.reset(VarInt::from_u32(DOQ_INTERNAL_ERROR));
			return;
		}
	};
	let Ok(len) = u16::try_from(answer.len()) else {
		let _ = send.reset(VarInt::from_u32(DOQ_INTERNAL_ERROR));
		return;
	};
	let mut framed = Vec::with_capacity(2 + answer.len());
	framed.extend_from_slice(&len.to_be_bytes());
	framed.extend_from_slice(&answer);
	if send.write_all(&framed).await.is_ok() {
		let _ = send.finish();
	}
}

/// Serves DNS queries on an established `doq` connection until it closes: each
/// client-initiated bidirectional stream is one query, answered by `dns` within
/// `deadline`, holding the bytes of its queries in `admission`'s budgets; a unidirectional
/// stream closes the connection with [`DOQ_PROTOCOL_ERROR`].
pub(crate) async fn serve_connection(
	conn: quinn::Connection,
	dns: Arc<dyn DnsHandler>,
	deadline: Duration,
	admission: Arc<Admission>,
) {
	loop {
		tokio::select! {
			bi = conn.accept_bi() => match bi {
				Ok((send, recv)) => {
					tokio::spawn(serve_stream(
						conn.clone(),
						send,
						recv,
						dns.clone(),
						deadline,
						admission.clone(),
					));
				}
				Err(_) => return,
			},
			uni = conn.accept_uni() => {
				if uni.is_ok() {
					conn.close(
						VarInt::from_u32(DOQ_PROTOCOL_ERROR),
						b"unidirectional streams are not allowed in DoQ",
					);
				}
				return;
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn protocol(r: Result<&[u8], StreamFailure>) -> &'static str {
		match r {
			Err(StreamFailure::Protocol(reason)) => reason,
			other => panic!("expected a protocol error, got {other:?}"),
		}
	}

	#[test]
	fn unframing() {
		assert_eq!(unframe(&[0, 3, 1, 2, 3]).unwrap(), &[1, 2, 3]);
		assert_eq!(unframe(&[0, 0]).unwrap(), &[] as &[u8]);
		assert!(protocol(unframe(&[])).contains("length"));
		assert!(protocol(unframe(&[7])).contains("length"));
		assert!(protocol(unframe(&[0, 4, 1, 2, 3])).contains("whole"));
		assert!(protocol(unframe(&[0, 1, 1, 0, 1, 2])).contains("more than one"));
		let max = [&[0xff, 0xff][..], &[0u8; MAX_DNS_MESSAGE]].concat();
		assert_eq!(unframe(&max).unwrap().len(), MAX_DNS_MESSAGE);
	}
}
