//! Fixed key material and certificates for the benchmarks, made by
//! `fixtures::write_benchmark_fixtures` (public keys, certificates, proofs of possession; no
//! private key): the benchmarks run in the WASM runtime, where nothing can be generated,
//! and every signature in them must verify. The generator and the benchmarks share these
//! constants.

#![allow(missing_docs, dead_code)]

pub const CA_DER: &[u8] = include_bytes!("benchmark_fixtures/ca.der");
pub const CA_P256: &[u8] = include_bytes!("benchmark_fixtures/ca_p256.bin");
pub const CA_FALCON: &[u8] = include_bytes!("benchmark_fixtures/ca_falcon.bin");
pub const CA2_DER: &[u8] = include_bytes!("benchmark_fixtures/ca2.der");
pub const CA2_P256: &[u8] = include_bytes!("benchmark_fixtures/ca2_p256.bin");
pub const CA2_FALCON: &[u8] = include_bytes!("benchmark_fixtures/ca2_falcon.bin");
pub const REQUESTER_P256: &[u8] = include_bytes!("benchmark_fixtures/requester_p256.bin");
pub const REQUESTER_FALCON: &[u8] = include_bytes!("benchmark_fixtures/requester_falcon.bin");
pub const POP_P256_8: &[u8] = include_bytes!("benchmark_fixtures/pop_p256_8.bin");
pub const POP_FALCON_8: &[u8] = include_bytes!("benchmark_fixtures/pop_falcon_8.bin");
pub const POP_P256_32: &[u8] = include_bytes!("benchmark_fixtures/pop_p256_32.bin");
pub const POP_FALCON_32: &[u8] = include_bytes!("benchmark_fixtures/pop_falcon_32.bin");
/// Issued by `ca.der` for the requester's keys and [`NAMES`], serial `u64::MAX`,
/// valid for 24 hours from [`NOT_BEFORE`].
pub const LEAF_DER: &[u8] = include_bytes!("benchmark_fixtures/leaf.der");
/// The bytes the requester's account id decodes from.
pub const ACCOUNT_BYTES: [u8; 32] = [0x42; 32];
/// The genesis hash the proofs are bound to.
pub const GENESIS_HASH: [u8; 32] = [0x47; 32];
/// The leaf's notBefore: 2026-01-01T00:00:00Z.
pub const NOT_BEFORE: u64 = 1_767_225_600;
/// The leaf's names.
pub const NAMES: [&str; 4] = [
	"bench0.hypermesh",
	"bench1.hypermesh",
	"bench2.hypermesh",
	"bench3.hypermesh",
];
