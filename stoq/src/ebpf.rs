//! Kernel packet counters for a STOQ endpoint (the optional `ebpf` feature).
//!
//! quinn's statistics count what quinn read; they cannot show what the kernel
//! delivered to the socket, so datagrams lost to a full receive buffer, or a peer
//! flooding the port, stay invisible to the node. [`KernelCounters`] attaches a small
//! eBPF socket filter (`ebpf/udp_counters.bpf.c`, built by `build.rs` with clang)
//! to the endpoint's UDP socket with aya; the filter counts every buffer, datagram
//! and payload byte the kernel queues for the socket, and accepts it unchanged.
//! Comparing [`RxCounters`] with quinn's `udp_rx` shows the difference.
//!
//! Loading needs `CAP_BPF` (or root). Only received traffic is counted: a socket
//! filter runs on the receive path only.

use std::os::fd::AsFd;

use aya::maps::{MapData, PerCpuArray};
use aya::programs::SocketFilter;
use aya::Ebpf;

use crate::error::{Result, StoqError};

/// The compiled filter (clang `-target bpf` output of `ebpf/udp_counters.bpf.c`).
const PROGRAM: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/udp_counters.bpf.o"));
/// The filter's function name in the object.
const PROGRAM_NAME: &str = "stoq_rx";
/// The per-CPU counter array in the object.
const MAP_NAME: &str = "STOQ_RX";
/// Indices into the counter array; they match the C source.
const RX_BUFFERS: u32 = 0;
const RX_DATAGRAMS: u32 = 1;
const RX_BYTES: u32 = 2;

/// What the kernel delivered to a STOQ endpoint's socket since the counters were attached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RxCounters {
	/// Socket buffers: one per received packet, or one per GRO batch of packets.
	pub buffers: u64,
	/// UDP datagrams (a GRO batch counts as its segments); comparable to quinn's
	/// `udp_rx.datagrams`.
	pub datagrams: u64,
	/// UDP payload bytes (without UDP headers); comparable to quinn's `udp_rx.bytes`.
	pub bytes: u64,
}

/// An eBPF socket filter attached to one UDP socket, and its counters.
pub struct KernelCounters {
	counters: PerCpuArray<MapData, u64>,
	/// Keeps the loaded program (and its maps) alive with the endpoint.
	_ebpf: Ebpf,
}

impl std::fmt::Debug for KernelCounters {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		f.debug_struct("KernelCounters").finish_non_exhaustive()
	}
}

fn ebpf_err(what: &str, e: impl std::fmt::Display) -> StoqError {
	StoqError::KernelCounters(format!(
		"{what}: {e} (loading eBPF programs needs CAP_BPF or root)"
	))
}

impl KernelCounters {
	/// Loads the counter program and attaches it to `socket`. Fails with
	/// [`StoqError::KernelCounters`] if the kernel refuses the program (for example
	/// without `CAP_BPF`); the socket is then unchanged.
	pub fn attach(socket: impl AsFd) -> Result<Self> {
		let mut ebpf = Ebpf::load(PROGRAM).map_err(|e| ebpf_err("loading the eBPF object", e))?;
		let program: &mut SocketFilter = ebpf
			.program_mut(PROGRAM_NAME)
			.ok_or_else(|| ebpf_err("the eBPF object", "no stoq_rx program"))?
			.try_into()
			.map_err(|e| ebpf_err("stoq_rx is not a socket filter", e))?;
		program
			.load()
			.map_err(|e| ebpf_err("the kernel refused the stoq_rx program", e))?;
		program
			.attach(socket)
			.map_err(|e| ebpf_err("attaching stoq_rx to the UDP socket", e))?;
		let counters = PerCpuArray::try_from(
			ebpf.take_map(MAP_NAME)
				.ok_or_else(|| ebpf_err("the eBPF object", "no STOQ_RX map"))?,
		)
		.map_err(|e| ebpf_err("the STOQ_RX map", e))?;
		Ok(Self {
			counters,
			_ebpf: ebpf,
		})
	}

	/// The counters now, summed over all CPUs.
	pub fn read(&self) -> Result<RxCounters> {
		let sum = |index: u32| -> Result<u64> {
			let per_cpu = self
				.counters
				.get(&index, 0)
				.map_err(|e| ebpf_err("reading STOQ_RX", e))?;
			Ok(per_cpu.iter().copied().fold(0u64, u64::wrapping_add))
		};
		Ok(RxCounters {
			buffers: sum(RX_BUFFERS)?,
			datagrams: sum(RX_DATAGRAMS)?,
			bytes: sum(RX_BYTES)?,
		})
	}
}
