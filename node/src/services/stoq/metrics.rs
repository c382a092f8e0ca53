//! The STOQ service's Prometheus metrics, and the eBPF kernel counters of the STOQ
//! endpoint's socket (`--stoq-kernel-counters`, in nodes built with the `stoq-ebpf`
//! feature): binding with them, reading them, and exporting them as Prometheus counters.
//! Everything feature-dependent is here, so the service itself is the same with and
//! without the feature.
//!
//! The service's metrics ([`StoqMetrics`], [`ResolutionMetrics`]) are registered when the
//! service starts, every label combination at zero, so dashboards and alerts see them
//! before the first event. Labels come from small fixed sets ([`HANDSHAKE_OUTCOMES`],
//! [`Resolution`]); peer addresses and names never label a metric.

use std::{collections::HashMap, net::SocketAddr, time::Instant};

use prometheus_endpoint::{
	exponential_buckets, register, Counter, CounterVec, Gauge, Histogram, PrometheusError,
	Registry, I64, U64,
};
use stoq::{
	config::StoqConfig,
	endpoint::{StoqConnection, StoqNode},
	verify::LeafStatus,
	StoqError,
};

use super::StoqParams;
use crate::services::metrics as services;

/// What the kernel delivered to the STOQ endpoint's socket (`--stoq-kernel-counters`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct KernelRx {
	/// Socket buffers (one per packet, or one per GRO batch).
	pub buffers: u64,
	/// UDP datagrams.
	pub datagrams: u64,
	/// UDP payload bytes.
	pub bytes: u64,
}

/// The kernel counters as Prometheus counters, advanced to the latest reading.
pub struct KernelRxMetrics {
	buffers: Counter<U64>,
	datagrams: Counter<U64>,
	bytes: Counter<U64>,
	/// The reading the counters were last advanced to.
	last: KernelRx,
}

impl KernelRxMetrics {
	/// Registers the counters with `registry`.
	pub fn register(registry: &Registry) -> Result<Self, PrometheusError> {
		let counter = |name: &str, help: &str| register(Counter::new(name, help)?, registry);
		Ok(Self {
			buffers: counter(
				"hypermesh_stoq_kernel_rx_buffers_total",
				"Socket buffers the kernel delivered to the STOQ endpoint (one per packet or GRO batch)",
			)?,
			datagrams: counter(
				"hypermesh_stoq_kernel_rx_datagrams_total",
				"UDP datagrams the kernel delivered to the STOQ endpoint",
			)?,
			bytes: counter(
				"hypermesh_stoq_kernel_rx_bytes_total",
				"UDP payload bytes the kernel delivered to the STOQ endpoint",
			)?,
			last: KernelRx::default(),
		})
	}

	/// Advances the counters to the reading `now`.
	pub fn advance(&mut self, now: KernelRx) {
		self.buffers
			.inc_by(now.buffers.saturating_sub(self.last.buffers));
		self.datagrams
			.inc_by(now.datagrams.saturating_sub(self.last.datagrams));
		self.bytes.inc_by(now.bytes.saturating_sub(self.last.bytes));
		self.last = now;
	}
}

/// Whether `--stoq-kernel-counters` was given (never, in a node built without `stoq-ebpf`).
pub fn kernel_counters_on(params: &StoqParams) -> bool {
	#[cfg(feature = "stoq-ebpf")]
	return params.stoq_kernel_counters;
	#[cfg(not(feature = "stoq-ebpf"))]
	{
		let _ = params;
		false
	}
}

/// Binds the endpoint, with the eBPF kernel counters when they were asked for.
pub fn bind(
	params: &StoqParams,
	address: SocketAddr,
	config: StoqConfig,
) -> stoq::Result<StoqNode> {
	#[cfg(feature = "stoq-ebpf")]
	if params.stoq_kernel_counters {
		return StoqNode::bind_with_kernel_counters(address, config);
	}
	let _ = params;
	StoqNode::bind(address, config)
}

/// The kernel counters of `node`, if it was bound with them.
pub fn kernel_counters_of(node: &StoqNode) -> Option<stoq::Result<KernelRx>> {
	#[cfg(feature = "stoq-ebpf")]
	return node.kernel_counters().map(|r| {
		r.map(|c| KernelRx {
			buffers: c.buffers,
			datagrams: c.datagrams,
			bytes: c.bytes,
		})
	});
	#[cfg(not(feature = "stoq-ebpf"))]
	{
		let _ = node;
		None
	}
}

/// How a STOQ handshake ended, as the `result` and `reason` labels of
/// `hypermesh_stoq_handshakes_total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HandshakeOutcome {
	/// A handshake this node initiated to a `--stoq-peers` peer completed and the peer
	/// answered `ping`.
	Accepted,
	/// Refused: by this node's check of a peer's certificate against the chain (in either
	/// direction), or by the peer.
	Refused(Refusal),
	/// A handshake this node initiated failed for another reason.
	Failed(Failure),
}

/// Why a handshake was refused (`reason` of `result="refused"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
	/// The chain logged no certificate of the issuing authority with the peer's serial.
	NotLogged,
	/// The chain logged other bytes under the peer certificate's serial.
	NotTheLoggedCertificate,
	/// The chain's record of the peer's certificate is revoked, expired or not yet valid.
	Revoked,
	/// The chain could not be asked (fail closed).
	ChainUnavailable,
	/// A certificate was rejected in a handshake this node initiated: the peer rejected
	/// this node's, or this node rejected the peer's.
	CertificateRejected,
	/// No key-exchange group in common (the policy's post-quantum group refused).
	KeyExchange,
	/// The peer refused the connection at its connection limits.
	ConnectionLimit,
}

/// Why an initiated handshake failed (`reason` of `result="failed"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
	/// No answer within the connect timeout.
	Timeout,
	/// The TLS/QUIC handshake failed otherwise.
	Handshake,
	/// The peer answered with an error or a malformed frame.
	Protocol,
	/// The connection or socket failed.
	Connection,
}

/// Every outcome, so each label combination is exported (at zero) from the start.
pub const HANDSHAKE_OUTCOMES: [HandshakeOutcome; 12] = [
	HandshakeOutcome::Accepted,
	HandshakeOutcome::Refused(Refusal::NotLogged),
	HandshakeOutcome::Refused(Refusal::NotTheLoggedCertificate),
	HandshakeOutcome::Refused(Refusal::Revoked),
	HandshakeOutcome::Refused(Refusal::ChainUnavailable),
	HandshakeOutcome::Refused(Refusal::CertificateRejected),
	HandshakeOutcome::Refused(Refusal::KeyExchange),
	HandshakeOutcome::Refused(Refusal::ConnectionLimit),
	HandshakeOutcome::Failed(Failure::Timeout),
	HandshakeOutcome::Failed(Failure::Handshake),
	HandshakeOutcome::Failed(Failure::Protocol),
	HandshakeOutcome::Failed(Failure::Connection),
];

impl HandshakeOutcome {
	/// The `result` and `reason` labels.
	pub fn labels(self) -> [&'static str; 2] {
		match self {
			Self::Accepted => ["accepted", "none"],
			Self::Refused(reason) => [
				"refused",
				match reason {
					Refusal::NotLogged => "not_logged",
					Refusal::NotTheLoggedCertificate => "not_the_logged_certificate",
					Refusal::Revoked => "revoked",
					Refusal::ChainUnavailable => "chain_unavailable",
					Refusal::CertificateRejected => "certificate_rejected",
					Refusal::KeyExchange => "key_exchange",
					Refusal::ConnectionLimit => "connection_limit",
				},
			],
			Self::Failed(reason) => [
				"failed",
				match reason {
					Failure::Timeout => "timeout",
					Failure::Handshake => "handshake",
					Failure::Protocol => "protocol",
					Failure::Connection => "connection",
				},
			],
		}
	}

	/// The outcome of an initiated handshake that ended in `error`.
	pub fn of_error(error: &StoqError) -> Self {
		match error {
			StoqError::CertificateRejected(_) | StoqError::Certificate(_) => {
				Self::Refused(Refusal::CertificateRejected)
			}
			StoqError::KeyExchangeRefused(_) => Self::Refused(Refusal::KeyExchange),
			StoqError::ConnectionRefused(_) => Self::Refused(Refusal::ConnectionLimit),
			StoqError::Timeout(..) => Self::Failed(Failure::Timeout),
			StoqError::Handshake(_) => Self::Failed(Failure::Handshake),
			StoqError::Remote(_) | StoqError::Frame(_) | StoqError::Busy(_) => {
				Self::Failed(Failure::Protocol)
			}
			_ => Self::Failed(Failure::Connection),
		}
	}

	/// The refusal of a peer certificate the chain's oracle did not find good, if any.
	pub fn of_leaf_status(status: LeafStatus) -> Option<Self> {
		match status {
			LeafStatus::Good => None,
			LeafStatus::NotLogged => Some(Self::Refused(Refusal::NotLogged)),
			LeafStatus::NotTheLoggedCertificate => {
				Some(Self::Refused(Refusal::NotTheLoggedCertificate))
			}
			LeafStatus::Revoked => Some(Self::Refused(Refusal::Revoked)),
		}
	}
}

/// Buckets of handshake and lookup durations, in seconds: 1 ms to about 33 s.
fn duration_buckets() -> Result<Vec<f64>, PrometheusError> {
	exponential_buckets(0.001, 2.0, 16)
}

/// The STOQ service's connection metrics (cheap to clone: handles to shared counters).
#[derive(Clone)]
pub struct StoqMetrics {
	peers: Gauge<I64>,
	handshakes: CounterVec<U64>,
	handshake_duration: Histogram,
	sent: Counter<U64>,
	received: Counter<U64>,
}

impl StoqMetrics {
	/// The metrics, every label combination at zero, registered with `registry` if there
	/// is one.
	pub fn register(registry: Option<&Registry>) -> Result<Self, PrometheusError> {
		let outcomes = HANDSHAKE_OUTCOMES.map(HandshakeOutcome::labels);
		let outcomes: Vec<&[&str]> = outcomes.iter().map(|labels| &labels[..]).collect();
		Ok(Self {
			peers: services::gauge(
				registry,
				"hypermesh_stoq_peers",
				"STOQ peers (--stoq-peers) this node is connected to",
			)?,
			handshakes: services::counter_vec(
				registry,
				"hypermesh_stoq_handshakes_total",
				"STOQ handshakes by result and reason: accepted and failed count the handshakes \
				 this node initiates to its peers; refused also counts peer certificates (of \
				 either direction) the chain refused",
				&["result", "reason"],
				&outcomes,
			)?,
			handshake_duration: services::seconds_histogram(
				registry,
				"hypermesh_stoq_handshake_duration_seconds",
				"Time from dialling a STOQ peer to its answer to ping, or to the failure",
				duration_buckets()?,
			)?,
			sent: services::counter(
				registry,
				"hypermesh_stoq_sent_bytes_total",
				"UDP payload bytes sent on this node's connections to its STOQ peers",
			)?,
			received: services::counter(
				registry,
				"hypermesh_stoq_received_bytes_total",
				"UDP payload bytes received on this node's connections to its STOQ peers",
			)?,
		})
	}

	/// Counts one handshake's outcome.
	pub fn handshake(&self, outcome: HandshakeOutcome) {
		self.handshakes.with_label_values(&outcome.labels()).inc();
	}

	/// Counts an initiated handshake's outcome and its duration since `started`.
	pub fn initiated(&self, started: Instant, outcome: HandshakeOutcome) {
		self.handshake_duration
			.observe(started.elapsed().as_secs_f64());
		self.handshake(outcome);
	}

	/// Sets the number of connected peers.
	pub fn set_peers(&self, peers: usize) {
		self.peers.set(i64::try_from(peers).unwrap_or(i64::MAX));
	}
}

/// Bytes sent and received on the connections to each peer, as quinn counts them: the
/// counters are advanced by the difference to the last reading of that peer's connection.
#[derive(Default)]
pub struct Traffic {
	/// Per peer name: (sent, received) at the last reading of its current connection.
	last: HashMap<String, (u64, u64)>,
}

impl Traffic {
	/// Advances the byte counters to the reading of `peer`'s `connection`.
	pub fn advance(&mut self, metrics: &StoqMetrics, peer: &str, connection: &StoqConnection) {
		let stats = connection.quic().stats();
		let now = (stats.udp_tx.bytes, stats.udp_rx.bytes);
		let last = self.last.entry(peer.to_string()).or_default();
		metrics.sent.inc_by(now.0.saturating_sub(last.0));
		metrics.received.inc_by(now.1.saturating_sub(last.1));
		*last = now;
	}

	/// Forgets `peer`'s connection (replaced by a new one, whose counts start at zero).
	pub fn forget(&mut self, peer: &str) {
		self.last.remove(peer);
	}
}

/// The result of a name resolution request (`result` of
/// `hypermesh_name_resolution_requests_total`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
	/// Answered: the name's records (possibly none of the type asked).
	Answered,
	/// The name is not registered (NXDOMAIN, or `null` over STOQ).
	NotFound,
	/// Not the chain's zone, or not class IN (REFUSED).
	Refused,
	/// The request does not parse or is not a supported query (FORMERR, NOTIMP, BADVERS,
	/// an unknown op or a `resolve` without a name over STOQ).
	Malformed,
	/// The chain could not be read (SERVFAIL, or a runtime error over STOQ).
	Failed,
}

impl Resolution {
	/// Every result, so each is exported (at zero) from the start.
	pub const ALL: [Self; 5] = [
		Self::Answered,
		Self::NotFound,
		Self::Refused,
		Self::Malformed,
		Self::Failed,
	];

	/// The `result` label.
	pub fn label(self) -> &'static str {
		match self {
			Self::Answered => "answered",
			Self::NotFound => "not_found",
			Self::Refused => "refused",
			Self::Malformed => "malformed",
			Self::Failed => "failed",
		}
	}
}

/// Name resolution metrics of DNS over STOQ and DNS over QUIC (cheap to clone).
#[derive(Clone)]
pub struct ResolutionMetrics {
	requests: CounterVec<U64>,
	duration: Histogram,
}

impl ResolutionMetrics {
	/// The metrics, every result at zero, registered with `registry` if there is one.
	pub fn register(registry: Option<&Registry>) -> Result<Self, PrometheusError> {
		let results = Resolution::ALL.map(|result| [result.label()]);
		let results: Vec<&[&str]> = results.iter().map(|label| &label[..]).collect();
		Ok(Self {
			requests: services::counter_vec(
				registry,
				"hypermesh_name_resolution_requests_total",
				"Name resolution requests (DNS over STOQ `resolve`, DNS over QUIC queries) by result",
				&["result"],
				&results,
			)?,
			duration: services::seconds_histogram(
				registry,
				"hypermesh_name_resolution_duration_seconds",
				"Time to answer a name resolution request",
				duration_buckets()?,
			)?,
		})
	}

	/// Counts a request answered with `result`, received at `started`.
	pub fn answered(&self, started: Instant, result: Resolution) {
		self.duration.observe(started.elapsed().as_secs_f64());
		self.requests.with_label_values(&[result.label()]).inc();
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	/// Every series is exported, at zero, as soon as the metrics are registered.
	#[test]
	fn registered_at_zero_with_every_label() {
		let registry = Registry::new();
		StoqMetrics::register(Some(&registry)).unwrap();
		ResolutionMetrics::register(Some(&registry)).unwrap();
		let families = registry.gather();
		let family = |name: &str| {
			families
				.iter()
				.find(|f| f.get_name() == name)
				.unwrap_or_else(|| panic!("{name} registered"))
		};
		let handshakes = family("hypermesh_stoq_handshakes_total").get_metric();
		assert_eq!(handshakes.len(), HANDSHAKE_OUTCOMES.len());
		assert!(handshakes
			.iter()
			.all(|m| m.get_counter().get_value() == 0.0));
		let requests = family("hypermesh_name_resolution_requests_total").get_metric();
		assert_eq!(requests.len(), Resolution::ALL.len());
		for name in [
			"hypermesh_stoq_peers",
			"hypermesh_stoq_handshake_duration_seconds",
			"hypermesh_stoq_sent_bytes_total",
			"hypermesh_stoq_received_bytes_total",
			"hypermesh_name_resolution_duration_seconds",
		] {
			assert_eq!(family(name).get_metric().len(), 1, "{name}");
		}
		// A second registration of the same names is refused.
		assert!(StoqMetrics::register(Some(&registry)).is_err());
	}

	/// Each outcome has its own label pair, and errors map to the outcomes documented.
	#[test]
	fn outcome_labels() {
		let labels: std::collections::HashSet<_> =
			HANDSHAKE_OUTCOMES.iter().map(|o| o.labels()).collect();
		assert_eq!(labels.len(), HANDSHAKE_OUTCOMES.len());
		let of = |e: StoqError| HandshakeOutcome::of_error(&e).labels();
		assert_eq!(
			of(StoqError::CertificateRejected("x".into())),
			["refused", "certificate_rejected"]
		);
		assert_eq!(
			of(StoqError::KeyExchangeRefused("x".into())),
			["refused", "key_exchange"]
		);
		assert_eq!(
			of(StoqError::ConnectionRefused("x".into())),
			["refused", "connection_limit"]
		);
		assert_eq!(
			of(StoqError::Timeout(
				std::time::Duration::from_secs(1),
				"handshake"
			)),
			["failed", "timeout"]
		);
		assert_eq!(of(StoqError::Remote("x".into())), ["failed", "protocol"]);
		assert_eq!(
			of(StoqError::Connection("x".into())),
			["failed", "connection"]
		);
		assert_eq!(HandshakeOutcome::of_leaf_status(LeafStatus::Good), None);
		assert_eq!(
			HandshakeOutcome::of_leaf_status(LeafStatus::NotTheLoggedCertificate)
				.map(HandshakeOutcome::labels),
			Some(["refused", "not_the_logged_certificate"])
		);
	}
}
