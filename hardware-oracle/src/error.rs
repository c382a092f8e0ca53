//! Errors of the hardware oracle.
//!
//! The oracle's job is to report on the machine, so most probe failures are
//! recorded *inside* the report (a missing GPU driver is a fact about the host,
//! not an error). This module exists for the failures that prevent a report
//! from being produced or delivered at all: the platform refusing to be
//! queried, an invalid CLI argument, or output that cannot be written.

use thiserror::Error;

/// Everything that can stop the oracle from producing or delivering a report.
#[derive(Debug, Error)]
pub enum OracleError {
	/// `sysinfo` could not initialise one of its collectors on this platform.
	#[error("cannot query {what} on this platform: {source}")]
	Platform {
		/// Which collector failed ("CPU and memory", "storage devices", "network interfaces").
		what: &'static str,
		/// The underlying `sysinfo` error.
		#[source]
		source: sysinfo::Error,
	},
	/// The `--watch` interval given on the command line is not usable.
	#[error("invalid --watch interval {value:?}: {reason}")]
	InvalidWatchInterval {
		/// The text the user passed.
		value: String,
		/// Why it was rejected.
		reason: String,
	},
	/// The report could not be encoded as JSON.
	#[error("cannot encode the report as JSON: {0}")]
	Json(#[from] serde_json::Error),
	/// The report could not be written (for example a closed pipe).
	#[error("cannot write the report: {0}")]
	Io(#[from] std::io::Error),
}
