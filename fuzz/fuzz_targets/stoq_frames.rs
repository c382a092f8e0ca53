#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::transport::stoq_frames`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| hypermesh_fuzz_targets::transport::stoq_frames(data));
