//! `trustchain_*` JSON-RPC methods: certificates (DER and PEM, with their CA chain),
//! their status, the Certificate Transparency log's tree head and proofs, and name
//! resolution.
//!
//! Everything is read through the runtime's `TrustChainApi` at a block (the best block
//! unless `at` is given), so answers always match the chain's state at that block.
//! Byte strings are `0x`-prefixed hex; times are Unix seconds; accounts are SS58.

use std::sync::Arc;

use hypermesh_runtime::{opaque::Block, AccountId, Balance, BlockNumber};
use jsonrpsee::{
	core::RpcResult,
	proc_macros::rpc,
	types::{ErrorObject, ErrorObjectOwned},
};
use pallet_trustchain::{CertificateStatus, RevocationReason};
use pallet_trustchain_runtime_api::{ProofRequestError, TrustChainApi};
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::Ss58Codec;
use sp_runtime::traits::Block as BlockT;

use super::json::{account, hex, pem, resolution_json, runtime_error};

type BlockHash = <Block as BlockT>::Hash;

/// JSON-RPC error code: a proof was asked for sizes or an index the log does not have.
pub const PROOF_ERROR: i32 = 9101;

/// The `trustchain_*` methods.
#[rpc(server, namespace = "trustchain")]
pub trait TrustChainRpc {
	/// A logged certificate: DER, PEM, its CA chain as PEM (issuer first), its leaf hash,
	/// holder, serial, validity and status; `null` if no certificate has this id.
	#[method(name = "certificate")]
	fn certificate(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Option<Value>>;

	/// A certificate's status: `valid`, `notYetValid`, `expired`, `revoked` (with the
	/// RFC 5280 reason and the block) or `unknown`.
	#[method(name = "status")]
	fn status(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The log's tree head: size and root, and the block it was read at.
	#[method(name = "treeHead")]
	fn tree_head(&self, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The RFC 9162 audit path of certificate `id` in the tree of `tree_size` leaves
	/// (default: the whole log), with the leaf hash and the root it verifies against.
	#[method(name = "inclusionProof")]
	fn inclusion_proof(
		&self,
		id: u64,
		tree_size: Option<u64>,
		at: Option<BlockHash>,
	) -> RpcResult<Value>;

	/// The RFC 9162 proof that the tree of `second` leaves (default: the whole log)
	/// extends the tree of `first` leaves, with both roots.
	#[method(name = "consistencyProof")]
	fn consistency_proof(
		&self,
		first: u64,
		second: Option<u64>,
		at: Option<BlockHash>,
	) -> RpcResult<Value>;

	/// The certificates issued to an account (SS58), oldest first: id, authority, request,
	/// serial, validity and status.
	#[method(name = "certificatesOf")]
	fn certificates_of(&self, account: String, at: Option<BlockHash>) -> RpcResult<Vec<Value>>;

	/// Resolves a full name (`node1.hypermesh`): owner, expiry block and records; `null`
	/// if the name is not registered or has expired.
	#[method(name = "resolve")]
	fn resolve(&self, name: String, at: Option<BlockHash>) -> RpcResult<Option<Value>>;
}

/// The `trustchain_*` methods over a client.
pub struct TrustChain<C> {
	client: Arc<C>,
}

impl<C> TrustChain<C> {
	/// Serves the methods from `client`'s state.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

fn proof_error(e: ProofRequestError) -> ErrorObjectOwned {
	let message = match e {
		ProofRequestError::OutOfRange => {
			"out of range: the leaf index must be below the tree size, and sizes must satisfy 0 < first <= second"
		}
		ProofRequestError::BeyondLog => "the tree size is larger than the log",
		ProofRequestError::MissingLeaf => "a leaf hash is missing from state",
	};
	ErrorObject::owned(PROOF_ERROR, message, None::<()>)
}

/// The RFC 5280 name of a revocation reason.
fn reason_name(reason: RevocationReason) -> &'static str {
	match reason {
		RevocationReason::Unspecified => "unspecified",
		RevocationReason::KeyCompromise => "keyCompromise",
		RevocationReason::CaCompromise => "cACompromise",
		RevocationReason::AffiliationChanged => "affiliationChanged",
		RevocationReason::Superseded => "superseded",
		RevocationReason::CessationOfOperation => "cessationOfOperation",
		RevocationReason::PrivilegeWithdrawn => "privilegeWithdrawn",
		RevocationReason::AaCompromise => "aACompromise",
	}
}

fn status_json(status: CertificateStatus<BlockNumber>) -> Value {
	match status {
		CertificateStatus::Unknown => json!({ "status": "unknown" }),
		CertificateStatus::Valid => json!({ "status": "valid" }),
		CertificateStatus::NotYetValid => json!({ "status": "notYetValid" }),
		CertificateStatus::Expired => json!({ "status": "expired" }),
		CertificateStatus::Revoked { reason, at } => json!({
			"status": "revoked",
			"reason": reason_name(reason),
			"reasonCode": codec::Encode::encode(&reason)[0],
			"revokedAt": at,
		}),
	}
}

impl<C> TrustChain<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>,
{
	fn at(&self, at: Option<BlockHash>) -> BlockHash {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}
}

impl<C> TrustChainRpcServer for TrustChain<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>,
{
	fn certificate(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Option<Value>> {
		let at = self.at(at);
		let Some(details) = self
			.client
			.runtime_api()
			.certificate(at, id)
			.map_err(runtime_error)?
		else {
			return Ok(None);
		};
		let issued = details.issued.as_ref();
		let chain = details
			.chain
			.iter()
			.map(|ca| pem(ca))
			.collect::<Result<Vec<_>, _>>()
			.map_err(runtime_error)?;
		Ok(Some(json!({
			"id": id,
			"authority": details.authority,
			"der": hex(&details.der),
			"pem": pem(&details.der).map_err(runtime_error)?,
			"chain": chain,
			"loggedAt": details.logged_at,
			"leafHash": hex(&details.leaf_hash),
			"holder": issued.map(|i| account(&i.holder)),
			"request": issued.map(|i| i.request),
			"serial": issued.map(|i| hex(&i.serial)),
			"notBefore": issued.map(|i| i.not_before),
			"notAfter": issued.map(|i| i.not_after),
			"status": status_json(details.status),
		})))
	}

	fn status(&self, id: u64, at: Option<BlockHash>) -> RpcResult<Value> {
		let status = self
			.client
			.runtime_api()
			.status(self.at(at), id)
			.map_err(runtime_error)?;
		Ok(status_json(status))
	}

	fn tree_head(&self, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = self.at(at);
		let head = self
			.client
			.runtime_api()
			.tree_head(at)
			.map_err(runtime_error)?;
		Ok(json!({ "size": head.size, "root": hex(&head.root), "at": at }))
	}

	fn inclusion_proof(
		&self,
		id: u64,
		tree_size: Option<u64>,
		at: Option<BlockHash>,
	) -> RpcResult<Value> {
		let at = self.at(at);
		let api = self.client.runtime_api();
		let tree_size = match tree_size {
			Some(size) => size,
			None => api.tree_head(at).map_err(runtime_error)?.size,
		};
		let path = api
			.inclusion_proof(at, id, tree_size)
			.map_err(runtime_error)?
			.map_err(proof_error)?;
		let root = api
			.root_at(at, tree_size)
			.map_err(runtime_error)?
			.map_err(proof_error)?;
		let leaf_hash = api
			.certificate(at, id)
			.map_err(runtime_error)?
			.map(|details| hex(&details.leaf_hash));
		Ok(json!({
			"leafIndex": id,
			"treeSize": tree_size,
			"leafHash": leaf_hash,
			"auditPath": path.iter().map(|h| hex(h)).collect::<Vec<_>>(),
			"root": hex(&root),
			"at": at,
		}))
	}

	fn consistency_proof(
		&self,
		first: u64,
		second: Option<u64>,
		at: Option<BlockHash>,
	) -> RpcResult<Value> {
		let at = self.at(at);
		let api = self.client.runtime_api();
		let second = match second {
			Some(size) => size,
			None => api.tree_head(at).map_err(runtime_error)?.size,
		};
		let (first_root, proof) = api
			.consistency_proof(at, first, second)
			.map_err(runtime_error)?
			.map_err(proof_error)?;
		let second_root = api
			.root_at(at, second)
			.map_err(runtime_error)?
			.map_err(proof_error)?;
		Ok(json!({
			"first": first,
			"second": second,
			"firstRoot": hex(&first_root),
			"secondRoot": hex(&second_root),
			"proof": proof.iter().map(|h| hex(h)).collect::<Vec<_>>(),
			"at": at,
		}))
	}

	fn certificates_of(&self, account: String, at: Option<BlockHash>) -> RpcResult<Vec<Value>> {
		let holder = AccountId::from_ss58check(&account).map_err(|e| {
			ErrorObject::owned(
				jsonrpsee::types::error::INVALID_PARAMS_CODE,
				format!("`{account}` is not an SS58 account: {e:?}"),
				None::<()>,
			)
		})?;
		let at = self.at(at);
		let api = self.client.runtime_api();
		let certificates = api
			.certificates_of(at, holder, u32::MAX)
			.map_err(runtime_error)?;
		certificates
			.into_iter()
			.map(|(id, issued)| {
				let status = api.status(at, id).map_err(runtime_error)?;
				Ok(json!({
					"id": id,
					"authority": issued.authority,
					"request": issued.request,
					"serial": hex(&issued.serial),
					"notBefore": issued.not_before,
					"notAfter": issued.not_after,
					"status": status_json(status),
				}))
			})
			.collect()
	}

	fn resolve(&self, name: String, at: Option<BlockHash>) -> RpcResult<Option<Value>> {
		let at = self.at(at);
		let Some(resolution) = self
			.client
			.runtime_api()
			.resolve(at, name.clone().into_bytes())
			.map_err(runtime_error)?
		else {
			return Ok(None);
		};
		Ok(Some(resolution_json(&name, &resolution)))
	}
}
