#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::primitives::consensus_proof`.
libfuzzer_sys::fuzz_target!(
	|data: &[u8]| hypermesh_fuzz_targets::primitives::consensus_proof(data)
);
