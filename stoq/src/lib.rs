//! STOQ: the post-quantum QUIC transport between HyperMesh nodes.
//!
//! * [`kx`]: the hybrid X25519 + ML-KEM-1024 TLS key-exchange group (codepoint
//!   0xFE01) and the rustls `ring`-based providers for [`PqPolicy`].
//! * [`verify`]: rustls verifiers wrapping webpki with the FALCON and revocation checks
//!   (certificates are parsed with `hypermesh_primitives::x509`; they are issued by
//!   `hypermesh_pki`).
//! * [`config`]: a node's identity, trust anchors, policy, limits and timeouts.
//! * [`frame`], [`bulk`]: the wire protocol (typed length-prefixed frames,
//!   content-addressed chunked bulk transfer).
//! * [`endpoint`]: the quinn endpoint (IPv6 only, mutual TLS), [`pool`]: a
//!   connection pool.
//! * [`admission`]: the endpoint's connection limits (in total and per IPv6 address)
//!   and budgets of frame bytes in flight; addresses are validated with a QUIC retry
//!   before any handshake work.
//! * [`doq`]: DNS over QUIC (RFC 9250) on the same endpoint, for standard DoQ clients
//!   (ALPN `doq`, no client certificate), answered by a [`DnsHandler`].
//! * [`error`]: [`StoqError`].
//! * `ebpf` (feature `ebpf`): kernel packet counters on the endpoint's socket.
//!
//! The `stoq` command (`src/bin/stoq`) runs a server, a client or the side-by-side
//! benchmark.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod admission;
pub mod bulk;
pub mod config;
pub mod doq;
#[cfg(feature = "ebpf")]
pub mod ebpf;
pub mod endpoint;
pub mod error;
pub mod frame;
pub mod kx;
pub mod pool;
pub mod verify;

pub use admission::{AdmissionError, AdmissionStats};
pub use config::{Limits, PqPolicy, StoqConfig, Timeouts};
pub use doq::DnsHandler;
pub use endpoint::{EchoHandler, Handler, PeerInfo, StoqConnection, StoqNode};
pub use error::{Result, StoqError};
pub use verify::{
	AltSigError, HybridTrust, InMemoryRevocation, Leaf, LeafStatus, RevocationOracle,
};
