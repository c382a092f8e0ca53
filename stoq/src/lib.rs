//! STOQ: the post-quantum QUIC transport between HyperMesh nodes.
//!
//! * [`kx`]: the hybrid X25519 + ML-KEM-1024 TLS key-exchange group (codepoint
//!   0xFE01) and the rustls `ring`-based providers for [`PqPolicy`].
//! * [`cert`]: hybrid certificates (ECDSA P-256 + FALCON-1024 alternative
//!   signature in the X.509 2.5.29.72-74 extensions), issued with rcgen.
//! * [`verify`]: rustls verifiers wrapping webpki with the FALCON and revocation checks.
//! * [`frame`], [`bulk`]: the wire protocol (typed length-prefixed frames,
//!   content-addressed chunked bulk transfer).
//! * [`endpoint`]: the quinn endpoint (IPv6 only, mutual TLS), [`pool`]: a
//!   connection pool, [`bench`]: the side-by-side benchmark.
//! * `ebpf` (feature `ebpf`): kernel packet counters on the endpoint's socket.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bench;
pub mod bulk;
pub mod cert;
pub mod config;
pub mod der;
#[cfg(feature = "ebpf")]
pub mod ebpf;
pub mod endpoint;
pub mod error;
pub mod frame;
pub mod kx;
pub mod pool;
pub mod verify;

pub use cert::{HybridCa, LeafSpec, NodeIdentity};
pub use config::{Limits, PqPolicy, StoqConfig, Timeouts};
pub use endpoint::{EchoHandler, Handler, PeerInfo, StoqConnection, StoqNode};
pub use error::{Result, StoqError};
pub use verify::{HybridTrust, InMemoryRevocation, RevocationOracle};
