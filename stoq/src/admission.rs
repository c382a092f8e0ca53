//! Admission control of a STOQ endpoint: how many connections it holds and how many
//! bytes of peer frames it keeps in memory at once.
//!
//! The endpoint asks [`Admission`] before it does work for a peer:
//!
//! * for every new connection, after QUIC address validation (a retry) and before the
//!   TLS handshake: [`Admission::admit`] refuses it past
//!   [`Limits::max_connections`] in total or [`Limits::max_connections_per_address`] from
//!   one IPv6 address; the [`ConnectionSlot`] it returns is given back when the connection
//!   ends;
//! * for every frame, once its header has announced the length and before the payload is
//!   allocated: [`Admission::reserve`] refuses it as [`ENDPOINT_BUSY`] when it does not fit
//!   in the endpoint's budget of bytes in flight ([`Limits::max_in_flight`]) or in the
//!   budget of its address ([`Limits::max_in_flight_per_address`]). The [`Reservation`] is
//!   given back when the stream has been answered.
//!
//! Nothing waits for room: a refused connection or frame is refused at once, so a peer that
//! fills the budget cannot queue work behind it, and the other peers keep being served.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::config::Limits;

/// How a refusal for lack of room starts, on the wire (`Error` frames) and in
/// [`AdmissionError`]'s text; the client side reports it as [`crate::StoqError::Busy`].
pub const ENDPOINT_BUSY: &str = "endpoint busy";

/// Why the endpoint refused a connection or a frame.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdmissionError {
	/// The address already holds [`Limits::max_connections_per_address`] connections.
	#[error("connection from {address} refused: it already has {max} connections, the limit per address")]
	TooManyFromAddress {
		/// The peer's address.
		address: IpAddr,
		/// The limit.
		max: usize,
	},
	/// The endpoint already holds [`Limits::max_connections`] connections.
	#[error(
		"connection from {address} refused: the endpoint already has {max} connections, its limit"
	)]
	TooManyConnections {
		/// The peer's address.
		address: IpAddr,
		/// The limit.
		max: usize,
	},
	/// The frame does not fit in the endpoint's budget of bytes in flight.
	#[error("endpoint busy: a frame of {len} bytes does not fit in the budget of {max} bytes in flight ({in_flight} in use)")]
	Busy {
		/// Bytes asked for.
		len: u64,
		/// Bytes in flight when asked.
		in_flight: u64,
		/// The budget.
		max: u64,
	},
	/// The frame does not fit in its address's budget of bytes in flight.
	#[error("endpoint busy: a frame of {len} bytes from {address} does not fit in its budget of {max} bytes in flight ({in_flight} in use)")]
	AddressBusy {
		/// The peer's address.
		address: IpAddr,
		/// Bytes asked for.
		len: u64,
		/// Bytes in flight for this address when asked.
		in_flight: u64,
		/// The budget per address.
		max: u64,
	},
}

/// Counters of an endpoint's admission control (see [`crate::StoqNode::admission_stats`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdmissionStats {
	/// Connections held now (handshaking or established).
	pub connections: usize,
	/// Bytes of frames in flight now.
	pub in_flight: u64,
	/// QUIC retries sent to unvalidated addresses so far.
	pub retries: u64,
	/// Connections refused for the connection limits so far.
	pub refused_connections: u64,
	/// Frames refused as [`ENDPOINT_BUSY`] so far.
	pub busy: u64,
}

#[derive(Debug, Default)]
struct Usage {
	connections: usize,
	in_flight: u64,
}

#[derive(Debug, Default)]
struct State {
	total: Usage,
	/// Per address; an entry is removed when both counts are back to zero.
	peers: HashMap<IpAddr, Usage>,
}

/// The connection and memory limits of one endpoint, shared by its tasks.
#[derive(Debug)]
pub struct Admission {
	limits: Limits,
	state: Mutex<State>,
	retries: AtomicU64,
	refused_connections: AtomicU64,
	busy: AtomicU64,
}

impl Admission {
	/// Admission control with the connection and in-flight limits of `limits`.
	pub fn new(limits: &Limits) -> Arc<Self> {
		Arc::new(Self {
			limits: *limits,
			state: Mutex::new(State::default()),
			retries: AtomicU64::new(0),
			refused_connections: AtomicU64::new(0),
			busy: AtomicU64::new(0),
		})
	}

	/// The state, even if a task panicked while holding the lock (the counts stay
	/// consistent: every update is a single step).
	fn state(&self) -> MutexGuard<'_, State> {
		self.state
			.lock()
			.unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// Takes a connection slot for `address`, or says which limit is reached.
	pub fn admit(self: &Arc<Self>, address: IpAddr) -> Result<ConnectionSlot, AdmissionError> {
		let mut state = self.state();
		let refused = if state.total.connections >= self.limits.max_connections {
			Some(AdmissionError::TooManyConnections {
				address,
				max: self.limits.max_connections,
			})
		} else if state.peers.get(&address).map_or(0, |p| p.connections)
			>= self.limits.max_connections_per_address
		{
			Some(AdmissionError::TooManyFromAddress {
				address,
				max: self.limits.max_connections_per_address,
			})
		} else {
			None
		};
		if let Some(e) = refused {
			self.refused_connections.fetch_add(1, Ordering::Relaxed);
			return Err(e);
		}
		state.total.connections += 1;
		state.peers.entry(address).or_default().connections += 1;
		Ok(ConnectionSlot {
			admission: self.clone(),
			address,
		})
	}

	/// Reserves `len` bytes of the in-flight budgets for a frame from `address`, or
	/// refuses it as [`ENDPOINT_BUSY`].
	pub fn reserve(
		self: &Arc<Self>,
		address: IpAddr,
		len: u64,
	) -> Result<Reservation, AdmissionError> {
		let mut state = self.state();
		let total = state.total.in_flight;
		let own = state.peers.get(&address).map_or(0, |p| p.in_flight);
		let refused = if total.saturating_add(len) > self.limits.max_in_flight {
			Some(AdmissionError::Busy {
				len,
				in_flight: total,
				max: self.limits.max_in_flight,
			})
		} else if own.saturating_add(len) > self.limits.max_in_flight_per_address {
			Some(AdmissionError::AddressBusy {
				address,
				len,
				in_flight: own,
				max: self.limits.max_in_flight_per_address,
			})
		} else {
			None
		};
		if let Some(e) = refused {
			self.busy.fetch_add(1, Ordering::Relaxed);
			return Err(e);
		}
		state.total.in_flight += len;
		state.peers.entry(address).or_default().in_flight += len;
		Ok(Reservation {
			admission: self.clone(),
			address,
			len,
		})
	}

	/// Counts a QUIC retry sent to an unvalidated address.
	pub(crate) fn count_retry(&self) {
		self.retries.fetch_add(1, Ordering::Relaxed);
	}

	/// The current counts.
	pub fn stats(&self) -> AdmissionStats {
		let state = self.state();
		AdmissionStats {
			connections: state.total.connections,
			in_flight: state.total.in_flight,
			retries: self.retries.load(Ordering::Relaxed),
			refused_connections: self.refused_connections.load(Ordering::Relaxed),
			busy: self.busy.load(Ordering::Relaxed),
		}
	}

	fn release(&self, address: IpAddr, connections: usize, in_flight: u64) {
		let mut state = self.state();
		state.total.connections = state.total.connections.saturating_sub(connections);
		state.total.in_flight = state.total.in_flight.saturating_sub(in_flight);
		if let Some(peer) = state.peers.get_mut(&address) {
			peer.connections = peer.connections.saturating_sub(connections);
			peer.in_flight = peer.in_flight.saturating_sub(in_flight);
			if peer.connections == 0 && peer.in_flight == 0 {
				state.peers.remove(&address);
			}
		}
	}
}

/// One admitted connection; its slot is given back when this is dropped.
#[derive(Debug)]
pub struct ConnectionSlot {
	admission: Arc<Admission>,
	address: IpAddr,
}

impl Drop for ConnectionSlot {
	fn drop(&mut self) {
		self.admission.release(self.address, 1, 0);
	}
}

/// Bytes reserved in the in-flight budgets; given back when this is dropped.
#[derive(Debug)]
pub struct Reservation {
	admission: Arc<Admission>,
	address: IpAddr,
	len: u64,
}

impl Drop for Reservation {
	fn drop(&mut self) {
		self.admission.release(self.address, 0, self.len);
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn limits() -> Limits {
		Limits {
			max_connections: 3,
			max_connections_per_address: 2,
			max_in_flight: 100,
			max_in_flight_per_address: 60,
			..Limits::default()
		}
	}

	#[test]
	fn connection_limits_and_release() {
		let a = Admission::new(&limits());
		let (x, y): (IpAddr, IpAddr) = (
			"2001:db8::1".parse().unwrap(),
			"2001:db8::2".parse().unwrap(),
		);
		let x1 = a.admit(x).unwrap();
		let _x2 = a.admit(x).unwrap();
		assert_eq!(
			a.admit(x).unwrap_err(),
			AdmissionError::TooManyFromAddress { address: x, max: 2 }
		);
		let _y1 = a.admit(y).unwrap();
		assert_eq!(
			a.admit(y).unwrap_err(),
			AdmissionError::TooManyConnections { address: y, max: 3 }
		);
		drop(x1);
		let _y2 = a.admit(y).unwrap();
		let s = a.stats();
		assert_eq!((s.connections, s.refused_connections), (3, 2));
	}

	#[test]
	fn in_flight_budgets_and_release() {
		let a = Admission::new(&limits());
		let (x, y): (IpAddr, IpAddr) = (
			"2001:db8::1".parse().unwrap(),
			"2001:db8::2".parse().unwrap(),
		);
		let big = a.reserve(x, 50).unwrap();
		assert!(matches!(
			a.reserve(x, 11),
			Err(AdmissionError::AddressBusy { in_flight: 50, .. })
		));
		let _small = a.reserve(x, 10).unwrap();
		let _other = a.reserve(y, 40).unwrap();
		let e = a.reserve(y, 1).unwrap_err();
		assert_eq!(
			e,
			AdmissionError::Busy {
				len: 1,
				in_flight: 100,
				max: 100
			}
		);
		assert!(e.to_string().starts_with(ENDPOINT_BUSY));
		drop(big);
		assert_eq!(a.stats().in_flight, 50);
		let _again = a.reserve(y, 20).unwrap();
		assert_eq!(a.stats().busy, 2);
	}
}
