//! A pool of STOQ connections keyed by peer address.
//!
//! Nodes talk to the same peers repeatedly (name lookups, telemetry, Catalog
//! transfers); the pool reuses a live connection instead of paying a hybrid
//! handshake each time, and redials when the pooled one has closed.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::sync::Mutex;

use crate::endpoint::{StoqConnection, StoqNode};
use crate::error::Result;

/// Connections of one [`StoqNode`], one per peer address.
pub struct ConnectionPool {
	node: Arc<StoqNode>,
	conns: Mutex<HashMap<SocketAddr, StoqConnection>>,
}

impl ConnectionPool {
	/// An empty pool dialing through `node`.
	pub fn new(node: Arc<StoqNode>) -> Self {
		Self {
			node,
			conns: Mutex::new(HashMap::new()),
		}
	}

	/// A live connection to `addr`, dialing (with `server_name`) if there is none.
	pub async fn get(&self, addr: SocketAddr, server_name: &str) -> Result<StoqConnection> {
		let mut map = self.conns.lock().await;
		if let Some(c) = map.get(&addr) {
			if !c.is_closed() {
				return Ok(c.clone());
			}
			map.remove(&addr);
		}
		let c = self.node.connect(addr, server_name).await?;
		map.insert(addr, c.clone());
		Ok(c)
	}

	/// Number of pooled connections (live or not yet noticed closed).
	pub async fn len(&self) -> usize {
		self.conns.lock().await.len()
	}

	/// Whether the pool is empty.
	pub async fn is_empty(&self) -> bool {
		self.conns.lock().await.is_empty()
	}

	/// Drops and closes the connection to `addr`, if any.
	pub async fn evict(&self, addr: SocketAddr) {
		if let Some(c) = self.conns.lock().await.remove(&addr) {
			c.close();
		}
	}
}
