//! Signing and submitting transactions with a keystore key.
//!
//! The CA, holder, STOQ and oracle services all submit extrinsics as an account whose
//! sr25519 key is in the node's keystore (each under its own key type); they share this
//! [`Submitter`]. The transaction extensions come from the runtime
//! ([`hypermesh_runtime::tx_extension`]), so the node never builds that tuple itself.

use std::sync::Arc;

use codec::Encode;
use hypermesh_runtime::{
	opaque::Block, AccountId, Hash, Nonce, RuntimeCall, SignedPayload, UncheckedExtrinsic, VERSION,
};
use sc_transaction_pool_api::TransactionSource;
use sp_core::{crypto::KeyTypeId, sr25519, Pair as _};
use sp_keystore::KeystorePtr;
use sp_runtime::{generic::Era, traits::Block as BlockT, MultiAddress, MultiSignature};

use super::{ServiceClient, ServicePool};

/// Why a transaction cannot be signed or submitted, or a development key inserted.
#[derive(Debug, thiserror::Error)]
pub enum SignerError {
	/// The keystore has no key of the type.
	#[error("no `{0}` key in the keystore")]
	NoKey(String),
	/// The account's nonce cannot be read.
	#[error("{0}")]
	Nonce(sp_api::ApiError),
	/// The pool refused the transaction.
	#[error("the pool refused the transaction: {0}")]
	Refused(String),
	/// The keystore cannot sign.
	#[error("keystore: {0}")]
	Keystore(sp_keystore::Error),
	/// The key left the keystore before it signed.
	#[error("the signing key is not in the keystore")]
	KeyGone,
	/// The signed extrinsic does not encode as an opaque one.
	#[error("extrinsic encoding: {0}")]
	Encoding(codec::Error),
	/// A development key's secret URI is malformed.
	#[error("bad secret URI: {0:?}")]
	BadSuri(sp_core::crypto::SecretStringError),
	/// The keystore refused a development key.
	#[error("cannot insert the key into the keystore")]
	Insert,
}

/// Signs calls with an sr25519 key from the keystore and submits them to the pool,
/// counting nonces across submissions that are not yet in a block.
pub struct Submitter<C, P> {
	client: Arc<C>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	key_type: KeyTypeId,
	next_nonce: Option<Nonce>,
}

impl<C: ServiceClient, P: ServicePool> Submitter<C, P> {
	/// Submits as the first `key_type` sr25519 key of `keystore`.
	pub fn new(client: Arc<C>, pool: Arc<P>, keystore: KeystorePtr, key_type: KeyTypeId) -> Self {
		Self {
			client,
			pool,
			keystore,
			key_type,
			next_nonce: None,
		}
	}

	/// The signing key, if the keystore has one.
	pub fn public(&self) -> Option<sr25519::Public> {
		self.keystore
			.sr25519_public_keys(self.key_type)
			.into_iter()
			.next()
	}

	/// The signing account, if the keystore has its key.
	pub fn account(&self) -> Option<AccountId> {
		self.public().map(AccountId::from)
	}

	/// Signs `call` (immortal, no tip) and submits it at the best block.
	pub async fn submit(&mut self, call: RuntimeCall) -> Result<(), SignerError> {
		use frame_system_rpc_runtime_api::AccountNonceApi;
		let public = self
			.public()
			.ok_or_else(|| SignerError::NoKey(key_type_name(self.key_type)))?;
		let best = self.client.info().best_hash;
		let chain_nonce = self
			.client
			.runtime_api()
			.account_nonce(best, AccountId::from(public))
			.map_err(SignerError::Nonce)?;
		let nonce = self.next_nonce.map_or(chain_nonce, |n| n.max(chain_nonce));
		let xt = self.sign(call, &public, nonce)?;
		match self
			.pool
			.submit_one(best, TransactionSource::Local, xt)
			.await
		{
			Ok(_) => {
				self.next_nonce = Some(nonce + 1);
				Ok(())
			}
			Err(e) => {
				self.next_nonce = None;
				Err(SignerError::Refused(e.to_string()))
			}
		}
	}

	fn sign(
		&self,
		call: RuntimeCall,
		public: &sr25519::Public,
		nonce: Nonce,
	) -> Result<<Block as BlockT>::Extrinsic, SignerError> {
		let genesis = self.client.info().genesis_hash;
		let xt = signed_extrinsic(
			call,
			AccountId::from(*public),
			nonce,
			Era::Immortal,
			VERSION.spec_version,
			genesis,
			genesis,
			|bytes| {
				self.keystore
					.sr25519_sign(self.key_type, public, bytes)
					.map_err(SignerError::Keystore)?
					.ok_or(SignerError::KeyGone)
			},
		)?;
		sp_runtime::OpaqueExtrinsic::try_from_encoded_extrinsic(&xt.encode())
			.map_err(SignerError::Encoding)
	}
}

/// `call`, signed by `account` for the runtime's transaction extensions
/// ([`hypermesh_runtime::tx_extension`], no tip): `nonce` and `era` as given, the payload
/// bound to `spec_version`, the runtime's transaction version, the chain's `genesis` hash and
/// the hash of the era's `birth` block (the genesis hash for an immortal era). `sign` signs
/// the payload's bytes. The node's services and the `provider` commands both sign here.
#[allow(clippy::too_many_arguments)]
pub fn signed_extrinsic<E>(
	call: RuntimeCall,
	account: AccountId,
	nonce: Nonce,
	era: Era,
	spec_version: u32,
	genesis: Hash,
	birth: Hash,
	sign: impl FnOnce(&[u8]) -> Result<sr25519::Signature, E>,
) -> Result<UncheckedExtrinsic, E> {
	let tx_ext = hypermesh_runtime::tx_extension(nonce, era, 0);
	let payload = SignedPayload::from_raw(
		call.clone(),
		tx_ext.clone(),
		(
			(),
			(),
			spec_version,
			VERSION.transaction_version,
			genesis,
			birth,
			(),
			(),
			(),
			(),
			None,
			(),
		),
	);
	let signature = payload.using_encoded(sign)?;
	Ok(UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(account),
		MultiSignature::Sr25519(signature),
		tx_ext,
	))
}

fn key_type_name(key_type: KeyTypeId) -> String {
	String::from_utf8_lossy(&key_type.0).into_owned()
}

/// Puts a development key (`suri`) into the keystore under `key_type`.
pub fn insert_dev_key(
	keystore: &KeystorePtr,
	key_type: KeyTypeId,
	suri: &str,
) -> Result<(), SignerError> {
	let pair = sr25519::Pair::from_string(suri, None).map_err(SignerError::BadSuri)?;
	keystore
		.insert(key_type, suri, pair.public().as_ref())
		.map_err(|_| SignerError::Insert)
}
