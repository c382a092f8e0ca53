//! The JSON forms and errors the RPC namespaces share: the node-wide encodings (`0x` hex,
//! PEM, SS58, a name's resolution; defined in [`crate::encoding`], which the services use
//! too), parsing an account argument, and the errors of a malformed argument and of a
//! failed runtime API call.

use hypermesh_runtime::AccountId;
use jsonrpsee::types::{ErrorObject, ErrorObjectOwned};
use sp_core::crypto::Ss58Codec;

pub use crate::encoding::{account, hex, pem, resolution_json};

/// JSON-RPC error code: an argument is malformed (not SS58, not IPv6, unknown code).
pub const INVALID_ARGUMENT: i32 = 9110;

/// The error of a malformed argument.
pub fn invalid(message: String) -> ErrorObjectOwned {
	ErrorObject::owned(INVALID_ARGUMENT, message, None::<()>)
}

/// An SS58 account argument, or the error saying why it is not one.
pub fn parse_account(text: &str) -> Result<AccountId, ErrorObjectOwned> {
	AccountId::from_ss58check(text)
		.map_err(|e| invalid(format!("{text:?} is not an SS58 account: {e:?}")))
}

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
