#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::primitives::ct_consistency`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hypermesh_fuzz_targets::primitives::ct_consistency(data));
