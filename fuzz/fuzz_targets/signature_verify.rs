#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::primitives::signature_verify`.
libfuzzer_sys::fuzz_target!(
	|data: &[u8]| hypermesh_fuzz_targets::primitives::signature_verify(data)
);
