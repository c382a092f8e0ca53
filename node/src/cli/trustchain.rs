//! The `trustchain` subcommands operators and clients use: generate or show a CA (and the
//! `TrustChain::add_authority` arguments it makes), generate a requester key set, and sign
//! the proofs of possession `TrustChain::request_certificate` takes. Each prints JSON on
//! stdout; the key material itself is handled by [`crate::keys`].

use std::path::{Path, PathBuf};

use hypermesh_runtime::AccountId;
use pallet_trustchain::ClassicalPublicKey;

use super::CliError;
use crate::{
	encoding::{hex, pem},
	keys::{self, HybridCa, KeyError},
};

/// The `trustchain` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TrustChainCmd {
	/// Generate a CA (ECDSA P-256 + FALCON-1024, self-signed CA certificate) into a
	/// directory, and print what `TrustChain::add_authority` takes, as JSON.
	CaGenerate {
		/// Where to write the CA's files (created; existing files are not overwritten).
		#[arg(long)]
		out: PathBuf,
		/// The CA's common name.
		#[arg(long, default_value = "HyperMesh TrustChain CA")]
		name: String,
	},
	/// Print the `add_authority` arguments of an existing CA directory, as JSON.
	CaShow {
		/// The CA's directory.
		#[arg(long)]
		dir: PathBuf,
	},
	/// Generate a requester's key pairs (ECDSA P-256 and FALCON-1024) into a directory.
	Keygen {
		/// Where to write the keys (created; existing files are not overwritten).
		#[arg(long)]
		out: PathBuf,
	},
	/// Print the `request_certificate` key and proof arguments for an account, as JSON:
	/// both keys sign the proof-of-possession message for this chain and account.
	Prove {
		/// The requester's key directory (from `keygen`).
		#[arg(long)]
		keys: PathBuf,
		/// The requesting account (SS58 or 0x-prefixed hex).
		#[arg(long)]
		account: String,
		/// The chain's genesis hash (0x-prefixed hex).
		#[arg(long)]
		genesis: String,
	},
}

impl TrustChainCmd {
	/// Runs the subcommand, printing JSON on stdout.
	pub fn run(&self) -> Result<(), CliError> {
		match self {
			Self::CaGenerate { out, name } => {
				let ca = keys::generate_ca(out, name)?;
				println!("{}", authority_json(&ca)?);
			}
			Self::CaShow { dir } => println!("{}", authority_json(&keys::load_ca(dir)?)?),
			Self::Keygen { out } => keys::write_requester_keys(out)?,
			Self::Prove {
				keys,
				account,
				genesis,
			} => {
				println!("{}", prove(keys, account, genesis)?);
			}
		}
		Ok(())
	}
}

fn unhex(s: &str) -> Result<Vec<u8>, CliError> {
	::hex::decode(s.trim_start_matches("0x")).map_err(|source| CliError::BadHex {
		text: s.to_string(),
		source,
	})
}

/// What `TrustChain::add_authority` takes for `ca`.
fn authority_json(ca: &HybridCa) -> Result<serde_json::Value, CliError> {
	Ok(serde_json::json!({
		"caCertificate": hex(ca.cert_der()),
		"caCertificatePem": pem(ca.cert_der()).map_err(KeyError::Certificate)?,
		"classicalPublicKey": { "EcdsaP256": hex(&ca.classical_public_key()) },
		"falconPublicKey": hex(&ca.falcon_public_key()),
	}))
}

/// The `request_certificate` key and proof arguments (see [`TrustChainCmd::Prove`]).
fn prove(key_dir: &Path, account: &str, genesis: &str) -> Result<serde_json::Value, CliError> {
	use sp_core::crypto::Ss58Codec;
	let account = if account.starts_with("0x") {
		AccountId::new(
			unhex(account)?
				.try_into()
				.map_err(|_| CliError::AccountLength)?,
		)
	} else {
		AccountId::from_ss58check(account).map_err(|error| CliError::BadAccount {
			account: account.to_string(),
			error,
		})?
	};
	let genesis = unhex(genesis)?;
	if genesis.len() != 32 {
		return Err(CliError::GenesisLength);
	}
	let proofs = keys::proofs_of_possession(key_dir, &account, &genesis)?;
	let ClassicalPublicKey::EcdsaP256(point) = &proofs.classical_public_key else {
		return Err(CliError::NotP256KeySet);
	};
	Ok(serde_json::json!({
		"classicalPublicKey": { "EcdsaP256": hex(point) },
		"falconPublicKey": hex(&proofs.falcon_public_key),
		"classicalProof": hex(&proofs.classical_proof),
		"falconProof": hex(&proofs.falcon_proof),
	}))
}
