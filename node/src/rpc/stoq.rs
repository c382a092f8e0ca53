//! `stoq_*` JSON-RPC methods: the node's STOQ endpoint and its peers, as the STOQ service
//! (see [`crate::services::stoq`]) last recorded them. Served only when the service runs
//! (`--stoq-port`).

use jsonrpsee::{core::RpcResult, proc_macros::rpc};

use crate::services::stoq::{SharedStatus, StoqStatus};

/// The `stoq_*` methods.
#[rpc(server, namespace = "stoq")]
pub trait StoqRpc {
	/// The STOQ endpoint's address and its peers' states.
	#[method(name = "status")]
	fn status(&self) -> RpcResult<StoqStatus>;
}

/// Serves [`StoqRpcServer`] from the service's shared status.
pub struct Stoq(pub SharedStatus);

impl StoqRpcServer for Stoq {
	fn status(&self) -> RpcResult<StoqStatus> {
		Ok(self.0.lock().map(|s| s.clone()).unwrap_or_default())
	}
}
