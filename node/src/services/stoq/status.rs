//! What the STOQ service reports: its endpoint, each peer's state and the kernel's counts,
//! shared with the `stoq_status` RPC (see [`crate::rpc`]), which serves it as JSON.

use std::{
	collections::HashMap,
	sync::{Arc, Mutex},
};

use super::metrics::KernelRx;

/// What `stoq_status` reports.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct StoqStatus {
	/// The listening address, once the endpoint is up.
	pub listening: Option<String>,
	/// Why the endpoint is not up yet, if it is not.
	pub waiting_for: Option<String>,
	/// Each peer name's state.
	pub peers: HashMap<String, PeerStatus>,
	/// The kernel's counts for the endpoint's socket, with `--stoq-kernel-counters`.
	pub kernel_rx: Option<KernelRx>,
}

/// One peer's state.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PeerStatus {
	/// The address found through SRV and AAAA records, if any.
	pub address: Option<String>,
	/// Whether a STOQ connection is up and answered.
	pub connected: bool,
	/// The peer's answer to `ping`, or the last error.
	pub detail: String,
}

/// Shared status, read by the RPC.
pub type SharedStatus = Arc<Mutex<StoqStatus>>;
