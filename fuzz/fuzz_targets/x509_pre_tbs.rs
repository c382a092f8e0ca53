#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::primitives::x509_pre_tbs`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hypermesh_fuzz_targets::primitives::x509_pre_tbs(data));
