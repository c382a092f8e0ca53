//! Node-level configuration of STOQ: the post-quantum policy, the node's own
//! identity, the trust anchors, the limits/timeouts and the optional DNS-over-QUIC
//! handler.
//!
//! Kept separate from the endpoint so that the node (and the bench) can build a
//! configuration once and share it between the server and client sides.

use std::sync::Arc;
use std::time::Duration;

use hypermesh_pki::NodeIdentity;

use crate::doq::DnsHandler;
use crate::verify::HybridTrust;

/// Which key-exchange groups a STOQ endpoint offers and accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PqPolicy {
	/// Only the hybrid X25519+ML-KEM-1024 group (codepoint 0xFE01) is offered
	/// and accepted: a classical-only peer fails the handshake. Default between nodes.
	#[default]
	Required,
	/// The hybrid group first, then rustls's standard groups (X25519, P-256,
	/// P-384), so that ordinary QUIC stacks can still connect.
	Preferred,
}

impl std::str::FromStr for PqPolicy {
	type Err = String;
	fn from_str(s: &str) -> Result<Self, Self::Err> {
		match s {
			"required" | "pq-required" => Ok(Self::Required),
			"preferred" | "pq-preferred" => Ok(Self::Preferred),
			other => Err(format!(
				"unknown policy {other:?} (use pq-required|pq-preferred)"
			)),
		}
	}
}

/// Size and admission limits enforced on peer input (see [`crate::admission`]).
#[derive(Debug, Clone, Copy)]
pub struct Limits {
	/// Largest accepted frame payload, in bytes.
	pub max_frame: usize,
	/// Largest accepted bulk object (sum of all chunks), in bytes. Received
	/// objects are streamed to a sink, so this is a policy limit, not a memory
	/// bound; the manifest (32 B per chunk) must also fit in `max_frame`.
	pub max_bulk: u64,
	/// Chunk size used when sending bulk data.
	pub chunk_size: usize,
	/// Connections the endpoint holds at once (handshaking or established); more are
	/// refused before the TLS handshake. Default 512.
	pub max_connections: usize,
	/// Connections one IPv6 address may hold at once. Default 8.
	pub max_connections_per_address: usize,
	/// Bytes of received frames the endpoint holds at once (announced payload lengths,
	/// reserved before the payload is read; a bulk transfer reserves three chunks). A
	/// frame that does not fit is refused as `endpoint busy`. Default 256 MiB.
	pub max_in_flight: u64,
	/// The same budget for one IPv6 address. Default 64 MiB.
	pub max_in_flight_per_address: u64,
	/// Bidirectional streams a peer may have open at once on one connection. Default 128.
	pub max_streams: u32,
	/// Validate a client's address with a QUIC retry before any handshake work is done
	/// for it. Default `true`.
	pub address_validation: bool,
}

impl Default for Limits {
	fn default() -> Self {
		Self {
			max_frame: 16 * 1024 * 1024,
			max_bulk: 256 * 1024 * 1024 * 1024,
			chunk_size: 1024 * 1024,
			max_connections: 512,
			max_connections_per_address: 8,
			max_in_flight: 256 * 1024 * 1024,
			max_in_flight_per_address: 64 * 1024 * 1024,
			max_streams: 128,
			address_validation: true,
		}
	}
}

/// Deadlines applied to network operations.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
	/// Connecting, including the TLS handshake.
	pub connect: Duration,
	/// One request/response exchange.
	pub request: Duration,
	/// Progress deadline of a bulk transfer: the longest wait for one chunk to
	/// be sent or received (and for the receiver's verdict), so that large
	/// objects are not cut off by a deadline on the whole transfer.
	pub bulk: Duration,
	/// QUIC idle timeout of a connection.
	pub idle: Duration,
}

impl Default for Timeouts {
	fn default() -> Self {
		Self {
			connect: Duration::from_secs(10),
			request: Duration::from_secs(10),
			bulk: Duration::from_secs(60),
			idle: Duration::from_secs(30),
		}
	}
}

/// Everything a STOQ endpoint needs.
#[derive(Clone)]
pub struct StoqConfig {
	/// Post-quantum key-exchange policy.
	pub policy: PqPolicy,
	/// This node's certificate chain and private key.
	pub identity: NodeIdentity,
	/// CA certificates, their FALCON keys and the revocation oracle.
	pub trust: Arc<HybridTrust>,
	/// Size limits on peer input.
	pub limits: Limits,
	/// Deadlines.
	pub timeouts: Timeouts,
	/// Answers DNS over QUIC (RFC 9250) when set: the endpoint then also offers the ALPN
	/// `doq` to clients without a certificate (see [`crate::doq`]). `None` by default.
	pub dns: Option<Arc<dyn DnsHandler>>,
}

impl StoqConfig {
	/// A configuration with default limits and timeouts.
	pub fn new(policy: PqPolicy, identity: NodeIdentity, trust: Arc<HybridTrust>) -> Self {
		Self {
			policy,
			identity,
			trust,
			limits: Limits::default(),
			timeouts: Timeouts::default(),
			dns: None,
		}
	}

	/// This configuration, answering DNS over QUIC with `handler`. An endpoint keeps the
	/// handler it was bound with: [`crate::StoqNode::reload`] does not change it.
	pub fn with_dns(mut self, handler: Arc<dyn DnsHandler>) -> Self {
		self.dns = Some(handler);
		self
	}
}
