//! Primitives shared by the HyperMesh runtime and node.
//!
//! The runtime (FRAME pallets compiled to WASM, `no_std`) and the node (native, `std`)
//! must agree bit for bit on some data structures and algorithms — most importantly the
//! TrustChain Certificate Transparency log, whose tree head the pallet keeps in storage
//! and whose inclusion and consistency proofs the node serves over RPC. Keeping them in
//! one small crate with no Substrate dependencies means both sides (and external
//! verifiers) run exactly the same code.
//!
//! * [`economy`]: the interfaces between the asset registry and the economy (bonds,
//!   measured service, offences, lease escrow).
//! * [`ct`]: the RFC 9162 Certificate Transparency Merkle log (hashing, proofs, compact log).
//! * [`x509`]: hybrid X.509 certificates (classical signature + FALCON-1024 alternative
//!   signature extensions): parsing, the X.509 (2019) preTBSCertificate and verification.
//! * [`falcon`]: FALCON-1024 verification in pure Rust, so the runtime checks it in WASM.
//! * [`classical`]: Ed25519 and ECDSA P-256 verification.
//! * [`ipv6`]: which IPv6 addresses are IPv4 hosts in disguise (refused everywhere).
//! * [`pop`]: the message a certificate requester signs to prove possession of its keys.
//! * [`proofs`]: the four proofs (PoSpace, PoStake, PoWork, PoTime) guarded transactions
//!   carry, with their checks and builders.
//!
//! Build without the default `std` feature for the runtime.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod classical;
pub mod ct;
pub mod economy;
pub mod falcon;
pub mod ipv6;
pub mod pop;
pub mod proofs;
pub mod x509;
