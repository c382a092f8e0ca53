//! Primitives shared by the HyperMesh runtime and node.
//!
//! The runtime (FRAME pallets compiled to WASM, `no_std`) and the node (native, `std`)
//! must agree bit for bit on some data structures and algorithms — most importantly the
//! TrustChain Certificate Transparency log, whose tree head the pallet keeps in storage
//! and whose inclusion and consistency proofs the node serves over RPC. Keeping them in
//! one small crate with no Substrate dependencies means both sides (and external
//! verifiers) run exactly the same code.
//!
//! Build without the default `std` feature for the runtime.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

extern crate alloc;

pub mod ct;
