#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::primitives::x509_parse`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hypermesh_fuzz_targets::primitives::x509_parse(data));
