//! The JSON forms and errors the RPC namespaces share: the node-wide encodings (`0x` hex,
//! PEM, SS58, a name's resolution; defined in [`crate::encoding`], which the services use
//! too) and the error of a failed runtime API call.

use jsonrpsee::types::{ErrorObject, ErrorObjectOwned};

pub use crate::encoding::{account, hex, pem, resolution_json};

/// JSON-RPC error code: the runtime API call failed.
pub const RUNTIME_ERROR: i32 = 9100;

/// The error of a failed runtime API call.
pub fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	ErrorObject::owned(
		RUNTIME_ERROR,
		format!("runtime API call failed: {e}"),
		None::<()>,
	)
}
