//! Builds STOQ's eBPF packet counter (`ebpf/udp_counters.bpf.c`) when the `ebpf`
//! feature is on; does nothing otherwise, so the default build needs no clang.
//!
//! The compiler is `$BPF_CLANG` if set, else the first of `clang-22`, `clang-19`,
//! `clang` that runs. libbpf's headers (`bpf/bpf_helpers.h`, Debian's `libbpf-dev`)
//! and the kernel's UAPI headers (`linux/bpf.h`) must be installed; `scripts/setup`
//! installs both.

use std::path::PathBuf;
use std::process::Command;

fn main() {
	println!("cargo:rerun-if-changed=build.rs");
	println!("cargo:rerun-if-env-changed=BPF_CLANG");
	if std::env::var_os("CARGO_FEATURE_EBPF").is_none() {
		return;
	}
	let source = "ebpf/udp_counters.bpf.c";
	println!("cargo:rerun-if-changed={source}");
	let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR"))
		.join("udp_counters.bpf.o");

	let candidates: Vec<String> = match std::env::var("BPF_CLANG") {
		Ok(c) => vec![c],
		Err(_) => ["clang-22", "clang-19", "clang"].map(String::from).to_vec(),
	};
	let clang = candidates
		.iter()
		.find(|c| {
			Command::new(c)
				.arg("--version")
				.output()
				.is_ok_and(|o| o.status.success())
		})
		.unwrap_or_else(|| {
			panic!(
				"the `ebpf` feature compiles {source} with clang's BPF target, and none of {candidates:?} \
				 runs: install clang and libbpf's headers (Debian: apt-get install clang-22 libbpf-dev, \
				 or run scripts/setup), or set BPF_CLANG"
			)
		});

	// linux/bpf.h includes <asm/types.h>, which Debian keeps under the multiarch directory.
	let arch = std::env::var("CARGO_CFG_TARGET_ARCH").unwrap_or_default();
	let multiarch = PathBuf::from(format!("/usr/include/{arch}-linux-gnu"));
	let mut cmd = Command::new(clang);
	cmd.args([
		"-O2", "-g", "-Wall", "-Werror", "-target", "bpf", "-c", source, "-o",
	])
	.arg(&out);
	if multiarch.is_dir() {
		cmd.arg("-I").arg(&multiarch);
	}
	let result = cmd
		.output()
		.unwrap_or_else(|e| panic!("running {clang} on {source}: {e}"));
	if !result.status.success() {
		panic!(
			"{clang} could not build {source} (is libbpf-dev installed?):\n{}",
			String::from_utf8_lossy(&result.stderr)
		);
	}
}
