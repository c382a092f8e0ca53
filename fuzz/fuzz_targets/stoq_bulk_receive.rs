#![no_main]
//! libFuzzer entry: `hypermesh_fuzz_targets::transport::stoq_bulk_receive`.
libfuzzer_sys::fuzz_target!(
	|data: &[u8]| hypermesh_fuzz_targets::transport::stoq_bulk_receive(data)
);
