//! The eBPF kernel counters of the STOQ endpoint's socket (`--stoq-kernel-counters`, in
//! nodes built with the `stoq-ebpf` feature): binding with them, reading them, and
//! exporting them as Prometheus counters. Everything feature-dependent is here, so the
//! service itself is the same with and without the feature.

use std::net::SocketAddr;

use prometheus_endpoint::{register, Counter, PrometheusError, Registry, U64};
use stoq::{config::StoqConfig, endpoint::StoqNode};

use super::StoqParams;

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
