#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::runtime::runtime_call`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hypermesh_fuzz_targets::runtime::runtime_call(data));
