//! Error types of the STOQ transport.
//!
//! One enum, [`StoqError`], is returned by every public fallible operation so that
//! callers (the node, the CLI, the tests) can match on the precise reason a
//! connection or a transfer failed: an IPv4 address, a refused post-quantum
//! key exchange, a rejected certificate, a malformed frame or a corrupted chunk.

use std::net::SocketAddr;

/// Every way a STOQ operation can fail.
#[derive(Debug, thiserror::Error)]
pub enum StoqError {
	/// STOQ is IPv6 only; an IPv4 (or IPv4-mapped IPv6) address was given.
	#[error("IPv4 address {0} refused: STOQ only runs over IPv6")]
	Ipv4NotAllowed(SocketAddr),
	/// The peers found no key-exchange group in common; under `PqPolicy::Required`
	/// this means the peer does not speak the hybrid X25519+ML-KEM-1024 group.
	#[error("post-quantum key exchange refused by the peer or unsupported: {0}")]
	KeyExchangeRefused(String),
	/// The peer's certificate was rejected (by us or by the peer, for ours).
	#[error("certificate rejected: {0}")]
	CertificateRejected(String),
	/// Any other TLS/QUIC handshake failure.
	#[error("handshake failed: {0}")]
	Handshake(String),
	/// The peer refused the connection before the handshake (QUIC `CONNECTION_REFUSED`):
	/// a STOQ endpoint does so at its connection limits (in total or per address).
	#[error("connection refused by the peer: {0}")]
	ConnectionRefused(String),
	/// The peer had no room for a frame we sent (its in-flight budget is full, see
	/// [`crate::admission`]); the connection stays usable, a later attempt may succeed.
	#[error("peer busy: {0}")]
	Busy(String),
	/// The connection failed or was closed after the handshake.
	#[error("connection error: {0}")]
	Connection(String),
	/// A certificate could not be parsed.
	#[error("certificate error: {0}")]
	Certificate(String),
	/// A certificate or key could not be issued or loaded (`hypermesh_pki`).
	#[error("certificate issuing: {0}")]
	Pki(#[from] hypermesh_pki::PkiError),
	/// Invalid configuration (bad key, unusable TLS settings, ...).
	#[error("configuration error: {0}")]
	Config(String),
	/// A frame on the wire was malformed or too large.
	#[error("frame error: {0}")]
	Frame(#[from] crate::frame::FrameError),
	/// A bulk transfer failed validation (manifest or chunk hash).
	#[error("bulk transfer error: {0}")]
	Bulk(#[from] crate::bulk::BulkError),
	/// The peer answered a request with an error frame.
	#[error("peer reported an error: {0}")]
	Remote(String),
	/// An operation exceeded its deadline.
	#[error("timed out after {0:?} during {1}")]
	Timeout(std::time::Duration, &'static str),
	/// The eBPF kernel counters could not be loaded, attached or read (`ebpf` feature).
	#[cfg(feature = "ebpf")]
	#[error("kernel counters: {0}")]
	KernelCounters(String),
	/// An I/O error on a socket or stream.
	#[error("i/o error: {0}")]
	Io(#[from] std::io::Error),
}

/// Shorthand result type of this crate.
pub type Result<T, E = StoqError> = std::result::Result<T, E>;
