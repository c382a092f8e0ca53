//! The fuzzing entry points of HyperMesh.
//!
//! Each target is one `pub fn <target>(data: &[u8])` that feeds the bytes to the real
//! decoder or verifier (the code the runtime, the node or STOQ run on peer input) and
//! asserts what must hold: nothing panics, and where it is a real property, a value that
//! decodes encodes back to the same bytes, and a proof that verifies stops verifying when
//! any part of it changes. A failed assertion is a panic, which libFuzzer reports as a
//! crash.
//!
//! The same functions are run two ways:
//!
//! * under libFuzzer, by the cargo-fuzz project in `fuzz/` (one `fuzz_targets/<target>.rs`
//!   per entry of [`TARGETS`]), with `scripts/fuzz`;
//! * in an ordinary `cargo test` (`tests/replay.rs`), which replays every committed seed in
//!   `fuzz/corpus/<target>/` and every past crash in `fuzz/artifacts/<target>/`, without
//!   instrumentation, so CI stays cheap.
//!
//! The targets by area: [`primitives`] (hybrid X.509 certificates, the RFC 9162 CT proofs,
//! the four consensus proofs), [`transport`] (STOQ frames, bulk manifests and transfers, the
//! hybrid key shares) and, with the `runtime` feature, [`runtime`] (the runtime's calls and
//! extrinsics as a caller sends them).

#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod primitives;
#[cfg(feature = "runtime")]
pub mod runtime;
pub mod transport;

/// A fuzzing entry point.
pub type Target = fn(&[u8]);

/// Every target: its name (the name of its `fuzz_targets/` file, corpus and artifacts
/// directories) and its entry point.
pub const TARGETS: &[(&str, Target)] = &[
	("x509_parse", primitives::x509_parse),
	("x509_pre_tbs", primitives::x509_pre_tbs),
	("signature_verify", primitives::signature_verify),
	("ct_inclusion", primitives::ct_inclusion),
	("ct_consistency", primitives::ct_consistency),
	("ct_compact_log", primitives::ct_compact_log),
	("consensus_proof", primitives::consensus_proof),
	("stoq_frames", transport::stoq_frames),
	("stoq_manifest", transport::stoq_manifest),
	("stoq_bulk_receive", transport::stoq_bulk_receive),
	("stoq_key_share", transport::stoq_key_share),
	#[cfg(feature = "runtime")]
	("runtime_call", runtime::runtime_call),
	#[cfg(feature = "runtime")]
	("runtime_extrinsic", runtime::runtime_extrinsic),
];

/// Reads fixed-size values off the front of fuzzer input; past the end it yields zeros,
/// so every input maps to some structured value.
pub(crate) struct Bytes<'a>(pub(crate) &'a [u8]);

impl<'a> Bytes<'a> {
	/// The next `N` bytes (zero-padded at the end of the input).
	pub(crate) fn array<const N: usize>(&mut self) -> [u8; N] {
		let mut out = [0u8; N];
		let n = N.min(self.0.len());
		out[..n].copy_from_slice(&self.0[..n]);
		self.0 = &self.0[n..];
		out
	}

	/// The next byte.
	pub(crate) fn u8(&mut self) -> u8 {
		self.array::<1>()[0]
	}

	/// The next two bytes, little-endian.
	pub(crate) fn u16(&mut self) -> u16 {
		u16::from_le_bytes(self.array())
	}

	/// The next eight bytes, little-endian.
	pub(crate) fn u64(&mut self) -> u64 {
		u64::from_le_bytes(self.array())
	}

	/// The rest of the input.
	pub(crate) fn rest(&mut self) -> &'a [u8] {
		core::mem::take(&mut self.0)
	}
}

/// Whether `needle` occurs in `haystack` as a contiguous run.
pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
	needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}
