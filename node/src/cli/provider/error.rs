//! The `provider` commands' one error type: what went wrong locally (input, keys, space
//! data), with the node (connection, answers), or with the transaction (refused by the
//! pool, not finalized, failed on chain).

use std::path::PathBuf;

use super::input;

/// Why a provider command failed. (A transaction that failed on chain is
/// [`ProviderError::Dispatch`], after its JSON line is printed.)
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
	/// An amount of CAES is malformed.
	#[error(
		"bad amount {text:?}: {reason} (CAES, e.g. 10 or 0.5, at most {decimals} decimals)",
		decimals = input::DECIMALS
	)]
	Amount {
		/// The argument.
		text: String,
		/// What is wrong with it.
		reason: &'static str,
	},
	/// A capacity does not fit the kind's field.
	#[error("capacity {capacity} is too large for a {kind} asset (at most {max})")]
	Capacity {
		/// The kind.
		kind: &'static str,
		/// The capacity asked for.
		capacity: u64,
		/// The largest it may be.
		max: u64,
	},
	/// `--suri` is not a secret URI (the URI itself is not repeated).
	#[error("--suri is not a valid secret URI: {0:?}")]
	Suri(sp_core::crypto::SecretStringError),
	/// Neither `--suri` nor `--base-path` says who signs.
	#[error("who signs? give --suri <SECRET_URI> or --base-path <DIR> (the node's keystore)")]
	NoSigner,
	/// The keystore directory does not exist.
	#[error("no keystore at {}: check --base-path and --chain", .0.display())]
	NoKeystore(PathBuf),
	/// The keystore cannot be opened.
	#[error("keystore {}: {error}", path.display())]
	Keystore {
		/// Its directory.
		path: PathBuf,
		/// Why.
		error: String,
	},
	/// The keystore has no `orcl` key.
	#[error(
		"the keystore {} has no sr25519 `orcl` key (insert one with `key insert --key-type \
		 orcl`)",
		.0.display()
	)]
	NoKey(PathBuf),
	/// The keystore cannot sign.
	#[error("keystore signing: {0}")]
	Sign(String),
	/// The chain spec of `--chain` cannot be loaded.
	#[error("--chain: {0}")]
	ChainSpec(String),
	/// Neither `--space-dir` nor `--base-path` says where the space data is.
	#[error("this command needs the space data: give --space-dir (or --base-path)")]
	NoSpaceDir,
	/// The space data file cannot be made or read.
	#[error("space data: {0}")]
	Space(#[from] crate::services::ServiceError),
	/// `--oracle-location` is not an IPv6 socket address.
	#[error(transparent)]
	Location(#[from] crate::services::oracle::OracleServiceError),
	/// The async runtime the JSON-RPC client runs on cannot be started.
	#[error("cannot start the async runtime: {0}")]
	AsyncRuntime(std::io::Error),
	/// The node cannot be reached.
	#[error("cannot connect to {url}: {source}")]
	Connect {
		/// The endpoint.
		url: String,
		/// Why.
		source: jsonrpsee::core::ClientError,
	},
	/// A JSON-RPC call failed.
	#[error("{method}: {source}")]
	Rpc {
		/// The method.
		method: &'static str,
		/// Why.
		source: jsonrpsee::core::ClientError,
	},
	/// The node's answer does not decode.
	#[error("cannot decode {what} from the node: {error}")]
	Decode {
		/// What was read.
		what: &'static str,
		/// Why.
		error: String,
	},
	/// The node runs a runtime whose calls this binary cannot encode.
	#[error(
		"the node runs {theirs}, this binary encodes calls for {ours}: use the node's own \
		 hypermesh-node"
	)]
	WrongRuntime {
		/// This binary's runtime.
		ours: String,
		/// The node's.
		theirs: String,
	},
	/// A block the command needs is not known to the node.
	#[error("the node does not know block {0}")]
	UnknownBlock(u32),
	/// The account has bonded less than a proof's PoStake needs.
	#[error(
		"bonded stake {bonded} is below the minimum {minimum} plancks: run `provider bond` first"
	)]
	NotEnoughStake {
		/// What is bonded.
		bonded: u128,
		/// The chain's minimum.
		minimum: u128,
	},
	/// The space data is not committed on chain by the signer.
	#[error(
		"the space data in {} is not committed by this account: run `provider commit` first",
		.0.display()
	)]
	NotCommitted(PathBuf),
	/// No PoSpace file exists to prove with.
	#[error("no space data in {}: run `provider commit` first", .0.display())]
	NoSpaceData(PathBuf),
	/// A proof cannot be built.
	#[error("cannot build the consensus proof: {0:?}")]
	Proof(hypermesh_primitives::proofs::ProofError),
	/// No PoWork nonce was found.
	#[error("PoWork: no nonce found")]
	NoWork,
	/// The transaction pool refused the transaction.
	#[error("the pool refused the transaction: {0}")]
	Refused(String),
	/// The transaction left the pool without being finalized.
	#[error("the transaction was not finalized: {0}")]
	NotFinalized(String),
	/// The node stopped reporting on the transaction.
	#[error("the node ended the transaction's status subscription before it was finalized")]
	SubscriptionEnded,
	/// The transaction was not finalized in time.
	#[error("the transaction was not in a finalized block after {0} s (see --timeout)")]
	Timeout(u64),
	/// The finalized block does not hold the transaction.
	#[error("block {0} does not hold the transaction")]
	NotInBlock(String),
	/// The transaction was dispatched and failed (its JSON line has the events).
	#[error("the transaction failed: {0}")]
	Dispatch(String),
}
