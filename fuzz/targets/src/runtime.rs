//! Targets in the runtime (feature `runtime`): the SCALE types every pallet reads from a
//! caller, decoded the way the runtime decodes them, as the runtime's own `RuntimeCall`
//! and `UncheckedExtrinsic` (so TrustChain's, the asset registry's and Caesar's call
//! arguments are reached through the pallet and call indices, together with every other
//! pallet's).

use codec::{DecodeLimit, Encode};
use frame_support::dispatch::GetDispatchInfo;
use hypermesh_runtime::{RuntimeCall, UncheckedExtrinsic};

/// The nesting depth the runtime decodes extrinsics with (`sp_api::MAX_EXTRINSIC_DEPTH`).
const MAX_EXTRINSIC_DEPTH: u32 = 256;

/// Decodes a `T` from `data` as the runtime does; if it decodes, checks that it encodes to
/// bytes that decode to the same value and encode the same again.
fn round_trip<T: DecodeLimit + Encode + PartialEq + core::fmt::Debug>(data: &[u8]) -> Option<T> {
	let value = T::decode_with_depth_limit(MAX_EXTRINSIC_DEPTH, &mut &data[..]).ok()?;
	let encoded = value.encode();
	let again = T::decode_with_depth_limit(MAX_EXTRINSIC_DEPTH, &mut &encoded[..])
		.expect("an encoded value decodes");
	assert_eq!(again, value);
	assert_eq!(again.encode(), encoded);
	Some(value)
}

/// `RuntimeCall` decoding (a call's arguments as every pallet reads them): a call that
/// decodes re-encodes to bytes that decode to the same call and encode the same again,
/// and its dispatch info (weight and class, which the pool computes from the arguments
/// before anything else) is computed without a panic.
pub fn runtime_call(data: &[u8]) {
	if let Some(call) = round_trip::<RuntimeCall>(data) {
		let _ = call.get_dispatch_info();
	}
}

/// `UncheckedExtrinsic` decoding (what a transaction's bytes become in the pool and in a
/// block: the signer's address, the signature, every transaction extension including the
/// consensus proof check, and the call), with the same round trip as [`runtime_call`].
pub fn runtime_extrinsic(data: &[u8]) {
	if let Some(xt) = round_trip::<UncheckedExtrinsic>(data) {
		let _ = xt.function.get_dispatch_info();
	}
}
