//! The provider commands' side of a running node: its JSON-RPC over WebSocket.
//!
//! [`Chain`] reads what signing needs (genesis hash, runtime version, the account's next
//! nonce, the best block), calls the runtime's APIs through `state_call`, signs a call as
//! the node's own services do ([`hypermesh_runtime::tx_extension`], here with a mortal era
//! of [`ERA_PERIOD`] blocks), submits it with `author_submitAndWatchExtrinsic`, waits until
//! its block is finalized, and reads that block's `System.Events`.

use std::{path::Path, sync::Arc, time::Duration};

use codec::{Decode, Encode};
use hypermesh_runtime::{
	AccountId, BlockNumber, Hash, Header, Nonce, RuntimeCall, RuntimeEvent, VERSION,
};
use jsonrpsee::{
	core::{
		client::{ClientT, SubscriptionClientT},
		ClientError,
	},
	rpc_params,
	ws_client::{WsClient, WsClientBuilder},
};
use serde_json::Value;
use sp_core::{crypto::Ss58Codec, sr25519, Bytes, Pair as _};
use sp_keystore::{Keystore, KeystorePtr};
use sp_runtime::generic::Era;

use super::{report::Outcome, ProviderError};
use crate::services::oracle::ORACLE_KEY_TYPE;

/// The mortality of the transactions sent: valid for this many blocks after the best one.
pub const ERA_PERIOD: u64 = 64;

/// How long one JSON-RPC request may take.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// The system events of a block, as the runtime stores them.
pub type EventRecords = Vec<frame_system::EventRecord<RuntimeEvent, Hash>>;

/// Who signs: a secret URI's key, or the `orcl` key of a node's keystore (which signs
/// without the key leaving it).
pub enum Signer {
	/// A key from `--suri`.
	Pair(sr25519::Pair),
	/// A keystore and its `orcl` key.
	Keystore(KeystorePtr, sr25519::Public),
}

impl Signer {
	/// The key of a secret URI (the URI itself goes nowhere).
	pub fn from_suri(suri: &str) -> Result<Self, ProviderError> {
		sr25519::Pair::from_string(suri, None)
			.map(Self::Pair)
			.map_err(ProviderError::Suri)
	}

	/// The first sr25519 `orcl` key of the keystore in `path` (which must exist: opening a
	/// keystore would otherwise create it).
	pub fn from_keystore(path: &Path) -> Result<Self, ProviderError> {
		if !path.is_dir() {
			return Err(ProviderError::NoKeystore(path.to_path_buf()));
		}
		let keystore: KeystorePtr =
			Arc::new(sc_keystore::LocalKeystore::open(path, None).map_err(|e| {
				ProviderError::Keystore {
					path: path.to_path_buf(),
					error: e.to_string(),
				}
			})?);
		let public = keystore
			.sr25519_public_keys(ORACLE_KEY_TYPE)
			.into_iter()
			.next()
			.ok_or_else(|| ProviderError::NoKey(path.to_path_buf()))?;
		Ok(Self::Keystore(keystore, public))
	}

	/// The signing account.
	pub fn account(&self) -> AccountId {
		AccountId::from(match self {
			Self::Pair(pair) => pair.public(),
			Self::Keystore(_, public) => *public,
		})
	}

	fn sign(&self, message: &[u8]) -> Result<sr25519::Signature, ProviderError> {
		match self {
			Self::Pair(pair) => Ok(pair.sign(message)),
			Self::Keystore(keystore, public) => keystore
				.sr25519_sign(ORACLE_KEY_TYPE, public, message)
				.map_err(|e| ProviderError::Sign(e.to_string()))?
				.ok_or_else(|| ProviderError::Sign("the key left the keystore".into())),
		}
	}
}

/// The runtime version fields signing needs (`state_getRuntimeVersion`).
#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct RuntimeVersion {
	spec_name: String,
	spec_version: u32,
	transaction_version: u32,
}

/// A connection to a node, for one signer.
pub struct Chain {
	client: WsClient,
	signer: Signer,
	account: AccountId,
	genesis: Hash,
	spec_version: u32,
}

impl Chain {
	/// Connects to `url` (an `http://` URL is taken as `ws://`) and checks that the node
	/// runs a runtime whose calls this binary encodes.
	pub async fn connect(url: &str, signer: Signer) -> Result<Self, ProviderError> {
		let url = match url.split_once("://") {
			Some(("http", rest)) => format!("ws://{rest}"),
			Some(("https", rest)) => format!("wss://{rest}"),
			_ => url.to_string(),
		};
		let client = WsClientBuilder::default()
			.request_timeout(REQUEST_TIMEOUT)
			.build(&url)
			.await
			.map_err(|source| ProviderError::Connect {
				url: url.clone(),
				source,
			})?;
		let genesis: Option<Hash> = rpc(&client, "chain_getBlockHash", rpc_params![0]).await?;
		let genesis = genesis.ok_or(ProviderError::UnknownBlock(0))?;
		let version: RuntimeVersion =
			rpc(&client, "state_getRuntimeVersion", rpc_params![]).await?;
		if version.spec_name != VERSION.spec_name.as_ref()
			|| version.transaction_version != VERSION.transaction_version
		{
			return Err(ProviderError::WrongRuntime {
				ours: format!(
					"{} (transaction version {})",
					VERSION.spec_name, VERSION.transaction_version
				),
				theirs: format!(
					"{} (transaction version {})",
					version.spec_name, version.transaction_version
				),
			});
		}
		Ok(Self {
			client,
			account: signer.account(),
			signer,
			genesis,
			spec_version: version.spec_version,
		})
	}

	/// The signing account.
	pub fn account(&self) -> &AccountId {
		&self.account
	}

	/// The best block's header and hash.
	pub async fn best(&self) -> Result<(BlockNumber, Hash), ProviderError> {
		let header: Header = rpc(&self.client, "chain_getHeader", rpc_params![]).await?;
		Ok((header.number, header.hash()))
	}

	/// Calls runtime API `method` (e.g. `HyperMeshAssetsApi_proof_parameters`) with SCALE
	/// `arguments` at block `at`, and decodes its answer.
	pub async fn runtime_api<T: Decode>(
		&self,
		method: &'static str,
		arguments: impl Encode,
		at: Hash,
	) -> Result<T, ProviderError> {
		let answer: Bytes = rpc(
			&self.client,
			"state_call",
			rpc_params![method, Bytes(arguments.encode()), at],
		)
		.await?;
		T::decode(&mut &answer[..]).map_err(|e| ProviderError::Decode {
			what: method,
			error: e.to_string(),
		})
	}

	/// Signs `call` (mortal for [`ERA_PERIOD`] blocks from the best one, no tip), submits
	/// it, waits until the block that holds it is finalized (at most `timeout`) and reads
	/// what happened to it.
	pub async fn submit(
		&self,
		call: RuntimeCall,
		timeout: Duration,
	) -> Result<Outcome, ProviderError> {
		let extrinsic = self.sign(call).await?;
		let mut subscription = self
			.client
			.subscribe::<Value, _>(
				"author_submitAndWatchExtrinsic",
				rpc_params![Bytes(extrinsic.clone())],
				"author_unwatchExtrinsic",
			)
			.await
			.map_err(|e| match e {
				ClientError::Call(error) => ProviderError::Refused(pool_message(&error)),
				source => ProviderError::Rpc {
					method: "author_submitAndWatchExtrinsic",
					source,
				},
			})?;
		let finalized = async {
			while let Some(status) = subscription.next().await {
				let status = status.map_err(|e| ProviderError::Decode {
					what: "a transaction status",
					error: e.to_string(),
				})?;
				match &status {
					// Waiting in the pool, in a block not yet final.
					Value::String(s) if s == "future" || s == "ready" => {}
					Value::Object(o)
						if o.contains_key("broadcast")
							|| o.contains_key("inBlock")
							|| o.contains_key("retracted") => {}
					Value::Object(o) if o.contains_key("finalized") => {
						return serde_json::from_value::<Hash>(o["finalized"].clone()).map_err(
							|e| ProviderError::Decode {
								what: "a finalized block hash",
								error: e.to_string(),
							},
						);
					}
					other => return Err(ProviderError::NotFinalized(other.to_string())),
				}
			}
			Err(ProviderError::SubscriptionEnded)
		};
		let block = jsonrpsee::tokio::time::timeout(timeout, finalized)
			.await
			.map_err(|_| ProviderError::Timeout(timeout.as_secs()))??;
		self.outcome(block, &extrinsic).await
	}

	async fn sign(&self, call: RuntimeCall) -> Result<Vec<u8>, ProviderError> {
		let nonce: Nonce = rpc(
			&self.client,
			"system_accountNextIndex",
			rpc_params![self.account.to_ss58check()],
		)
		.await?;
		let (best, _) = self.best().await?;
		let era = Era::mortal(ERA_PERIOD, best.into());
		let birth = era.birth(best.into()) as BlockNumber;
		let birth_hash: Option<Hash> =
			rpc(&self.client, "chain_getBlockHash", rpc_params![birth]).await?;
		let birth_hash = birth_hash.ok_or(ProviderError::UnknownBlock(birth))?;
		let xt = crate::services::signed_extrinsic(
			call,
			self.account.clone(),
			nonce,
			era,
			self.spec_version,
			self.genesis,
			birth_hash,
			|bytes| self.signer.sign(bytes),
		)?;
		Ok(xt.encode())
	}

	/// What happened to `extrinsic` in finalized block `block`: its index in the block,
	/// then its events.
	async fn outcome(&self, block: Hash, extrinsic: &[u8]) -> Result<Outcome, ProviderError> {
		#[derive(serde::Deserialize)]
		struct Body {
			header: Header,
			extrinsics: Vec<Bytes>,
		}
		#[derive(serde::Deserialize)]
		struct Signed {
			block: Body,
		}
		let signed: Signed = rpc(&self.client, "chain_getBlock", rpc_params![block]).await?;
		let index = signed
			.block
			.extrinsics
			.iter()
			.position(|xt| xt.0 == extrinsic)
			.ok_or_else(|| ProviderError::NotInBlock(format!("{block:?}")))?;
		let key = [
			sp_io::hashing::twox_128(b"System"),
			sp_io::hashing::twox_128(b"Events"),
		]
		.concat();
		let events: Option<Bytes> = rpc(
			&self.client,
			"state_getStorage",
			rpc_params![Bytes(key), block],
		)
		.await?;
		let records = match events {
			Some(bytes) => {
				EventRecords::decode(&mut &bytes[..]).map_err(|e| ProviderError::Decode {
					what: "System.Events",
					error: e.to_string(),
				})?
			}
			None => Vec::new(),
		};
		Ok(Outcome::new(
			block,
			signed.block.header.number,
			index as u32,
			records,
		))
	}
}

/// One JSON-RPC request, its error named by its method.
async fn rpc<T: serde::de::DeserializeOwned>(
	client: &WsClient,
	method: &'static str,
	params: jsonrpsee::core::params::ArrayParams,
) -> Result<T, ProviderError> {
	client
		.request(method, params)
		.await
		.map_err(|source| ProviderError::Rpc { method, source })
}

/// The pool's refusal as it said it (`1010: Invalid Transaction: Custom error: 7`), with
/// the consensus-proof rejection a custom code stands for.
fn pool_message(error: &jsonrpsee::types::ErrorObjectOwned) -> String {
	let data = error
		.data()
		.map(|data| {
			serde_json::from_str::<String>(data.get()).unwrap_or_else(|_| data.get().to_string())
		})
		.unwrap_or_default();
	let mut message = format!("{}: {}", error.code(), error.message());
	if !data.is_empty() {
		message.push_str(": ");
		message.push_str(&data);
	}
	let rejection = data
		.strip_prefix("Custom error: ")
		.and_then(|code| code.trim().parse::<u8>().ok())
		.and_then(pallet_hypermesh_assets::ProofRejection::from_code);
	if let Some(rejection) = rejection {
		message.push_str(&format!(" ({:?}: {})", rejection, rejection.message()));
	}
	message
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn pool_messages_name_proof_rejections() {
		let error = jsonrpsee::types::ErrorObject::owned(
			1010,
			"Invalid Transaction",
			Some("Custom error: 7"),
		);
		assert_eq!(
			pool_message(&error),
			"1010: Invalid Transaction: Custom error: 7 (UnknownCommitment: PoSpace: the \
			 commitment is not registered by the signer)"
		);
		let error = jsonrpsee::types::ErrorObject::owned(
			1010,
			"Invalid Transaction",
			Some("Inability to pay some fees (e.g. account balance too low)"),
		);
		assert_eq!(
			pool_message(&error),
			"1010: Invalid Transaction: Inability to pay some fees (e.g. account balance too \
			 low)"
		);
	}

	#[test]
	fn suri_signers_sign_for_their_account() {
		let signer = Signer::from_suri("//Alice").unwrap();
		assert_eq!(
			signer.account(),
			AccountId::from(sp_keyring::Sr25519Keyring::Alice.public())
		);
		let signature = signer.sign(b"payload").unwrap();
		assert!(sr25519::Pair::verify(
			&signature,
			b"payload",
			&sp_keyring::Sr25519Keyring::Alice.public()
		));
		let error = Signer::from_suri("not a uri //x")
			.err()
			.unwrap()
			.to_string();
		assert!(!error.contains("not a uri"), "{error}");
	}
}
