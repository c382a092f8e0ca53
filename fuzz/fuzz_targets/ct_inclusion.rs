#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::primitives::ct_inclusion`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hypermesh_fuzz_targets::primitives::ct_inclusion(data));
