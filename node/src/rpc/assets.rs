//! `assets_*` JSON-RPC methods: the HyperMesh asset registry as JSON.
//!
//! Everything is read through the runtime's `HyperMeshAssetsApi` at a block (the best
//! block unless `at` is given). Accounts are SS58, addresses are IPv6 text, hashes are
//! `0x`-prefixed hex. Besides reads, `assets_proofRejection` turns the
//! `InvalidTransaction::Custom` code of a refused consensus proof (what the pool returns
//! as "Custom error: N") into its name and message.

use std::{net::Ipv6Addr, sync::Arc};

use hypermesh_runtime::{opaque::Block, AccountId, BlockNumber};
use jsonrpsee::{core::RpcResult, proc_macros::rpc};
use pallet_hypermesh_assets::{
	Allocation, Asset, AssetId, AssetKind, Privacy, ProofRejection, SpaceCommitment,
};
use pallet_hypermesh_assets_runtime_api::HyperMeshAssetsApi;
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::Ss58Codec;
use sp_runtime::traits::Block as BlockT;

use super::json::{hex, invalid, parse_account as account, runtime_error};

type BlockHash = <Block as BlockT>::Hash;

/// The `assets_*` methods.
#[rpc(server, namespace = "assets")]
pub trait AssetsRpc {
	/// An asset: owner, kind with its capacity and unit, privacy, allocated and free
	/// capacity, IPv6 address, reputation and latest telemetry; `null` if unknown.
	#[method(name = "asset")]
	fn asset(&self, id: AssetId, at: Option<BlockHash>) -> RpcResult<Option<Value>>;

	/// The assets an account (SS58) registered, in id order.
	#[method(name = "assetsOf")]
	fn assets_of(&self, owner: String, at: Option<BlockHash>) -> RpcResult<Vec<Value>>;

	/// The live allocations of an asset: id, consumer, amount, lease end.
	#[method(name = "allocations")]
	fn allocations(&self, asset: AssetId, at: Option<BlockHash>) -> RpcResult<Vec<Value>>;

	/// Resolves an IPv6 address in the chain's prefix to its asset, its owner and the
	/// owner's endpoints (the locations of its space commitments); `null` if no asset has
	/// it. An IPv4 address, or one outside the chain's prefix, is an error.
	#[method(name = "resolveAddress")]
	fn resolve_address(&self, address: String, at: Option<BlockHash>) -> RpcResult<Option<Value>>;

	/// What a consensus proof must meet (difficulty, window, minimum stake, minimum
	/// chunks), the chain's IPv6 prefix, and an account's bonded stake and space
	/// commitments if `who` is given.
	#[method(name = "proofParameters")]
	fn proof_parameters(&self, who: Option<String>, at: Option<BlockHash>) -> RpcResult<Value>;

	/// Up to `count` public network assets to use as remote proxies, the most trusted
	/// first (reputation, then the owner's bonded stake).
	#[method(name = "proxies")]
	fn proxies(&self, count: u32, at: Option<BlockHash>) -> RpcResult<Vec<Value>>;

	/// The name and message of a consensus-proof rejection code.
	#[method(name = "proofRejection")]
	fn proof_rejection(&self, code: u8) -> RpcResult<Value>;
}

/// The `assets_*` methods over a client.
pub struct Assets<C> {
	client: Arc<C>,
}

impl<C> Assets<C> {
	/// Serves the methods from `client`'s state.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// The kind's name, unit and details.
fn kind_json(kind: &AssetKind) -> Value {
	let (name, unit, details) = match *kind {
		AssetKind::Cpu { cores, mhz } => ("cpu", "cores", json!({ "cores": cores, "mhz": mhz })),
		AssetKind::Gpu {
			devices,
			memory_mib,
		} => (
			"gpu",
			"devices",
			json!({ "devices": devices, "memoryMib": memory_mib }),
		),
		AssetKind::Memory { mib } => ("memory", "MiB", json!({ "mib": mib })),
		AssetKind::Storage { gib } => ("storage", "GiB", json!({ "gib": gib })),
		AssetKind::Network { mbps } => ("network", "Mbit/s", json!({ "mbps": mbps })),
		AssetKind::Container { slots } => ("container", "slots", json!({ "slots": slots })),
	};
	json!({ "kind": name, "unit": unit, "capacity": kind.capacity(), "details": details })
}

fn privacy_name(privacy: Privacy) -> &'static str {
	match privacy {
		Privacy::Private => "private",
		Privacy::PrivateNetwork => "privateNetwork",
		Privacy::P2P => "p2p",
		Privacy::PublicNetwork => "publicNetwork",
		Privacy::FullPublic => "fullPublic",
	}
}

fn asset_json(id: AssetId, asset: &Asset<AccountId>) -> Value {
	json!({
		"id": id,
		"owner": asset.owner.to_ss58check(),
		"kind": kind_json(&asset.kind),
		"privacy": privacy_name(asset.privacy),
		"allocated": asset.allocated,
		"free": asset.kind.capacity().saturating_sub(asset.allocated),
		"address": Ipv6Addr::from(asset.address).to_string(),
		"reputation": asset.reputation,
	})
}

fn allocation_json(id: u64, allocation: &Allocation<AccountId, BlockNumber>) -> Value {
	json!({
		"id": id,
		"asset": allocation.asset,
		"consumer": allocation.consumer.to_ss58check(),
		"amount": allocation.amount,
		"expiresAt": allocation.expires_at,
	})
}

fn endpoint(commitment: &SpaceCommitment) -> String {
	format!(
		"[{}]:{}",
		Ipv6Addr::from(commitment.address),
		commitment.port
	)
}

impl<C> Assets<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: HyperMeshAssetsApi<Block, AccountId, BlockNumber>,
{
	fn at(&self, at: Option<BlockHash>) -> BlockHash {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}

	/// The chain's /64 prefix, from the genesis hash the node knows (the runtime's own
	/// record of it, `System::block_hash(0)`, is a placeholder in the genesis state).
	fn prefix(&self) -> [u8; 8] {
		pallet_hypermesh_assets::chain_prefix(self.client.info().genesis_hash.as_ref())
	}

	fn commitments_json(&self, at: BlockHash, who: &AccountId) -> RpcResult<Vec<Value>> {
		Ok(self
			.client
			.runtime_api()
			.space_commitments(at, who.clone())
			.map_err(runtime_error)?
			.into_iter()
			.map(|(id, commitment)| {
				json!({
					"id": hex(&id),
					"root": hex(&commitment.root),
					"chunks": commitment.chunks,
					"endpoint": endpoint(&commitment),
				})
			})
			.collect())
	}
}

impl<C> AssetsRpcServer for Assets<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: HyperMeshAssetsApi<Block, AccountId, BlockNumber>,
{
	fn asset(&self, id: AssetId, at: Option<BlockHash>) -> RpcResult<Option<Value>> {
		let at = self.at(at);
		let api = self.client.runtime_api();
		let Some(asset) = api.asset(at, id).map_err(runtime_error)? else {
			return Ok(None);
		};
		let mut value = asset_json(id, &asset);
		value["usage"] = match api.usage(at, id).map_err(runtime_error)? {
			Some(record) => json!({
				"at": record.at,
				"measuredCapacity": record.telemetry.measured_capacity,
				"used": record.telemetry.used,
			}),
			None => Value::Null,
		};
		Ok(Some(value))
	}

	fn assets_of(&self, owner: String, at: Option<BlockHash>) -> RpcResult<Vec<Value>> {
		let owner = account(&owner)?;
		let assets = self
			.client
			.runtime_api()
			.assets_of(self.at(at), owner)
			.map_err(runtime_error)?;
		Ok(assets
			.iter()
			.map(|(id, asset)| asset_json(*id, asset))
			.collect())
	}

	fn allocations(&self, asset: AssetId, at: Option<BlockHash>) -> RpcResult<Vec<Value>> {
		let allocations = self
			.client
			.runtime_api()
			.allocations_of(self.at(at), asset)
			.map_err(runtime_error)?;
		Ok(allocations
			.iter()
			.map(|(id, allocation)| allocation_json(*id, allocation))
			.collect())
	}

	fn resolve_address(&self, address: String, at: Option<BlockHash>) -> RpcResult<Option<Value>> {
		let parsed: std::net::IpAddr = address
			.parse()
			.map_err(|_| invalid(format!("{address:?} is not an IP address")))?;
		let std::net::IpAddr::V6(v6) = parsed else {
			return Err(invalid(format!(
				"{address} is an IPv4 address: asset addresses are IPv6, in the chain's prefix"
			)));
		};
		let at = self.at(at);
		let api = self.client.runtime_api();
		let prefix = self.prefix();
		let octets = v6.octets();
		if octets[..8] != prefix {
			let mut network = [0u8; 16];
			network[..8].copy_from_slice(&prefix);
			return Err(invalid(format!(
				"{v6} is outside this chain's prefix {}/64",
				Ipv6Addr::from(network)
			)));
		}
		let Some((id, owner)) = api.resolve_address(at, octets).map_err(runtime_error)? else {
			return Ok(None);
		};
		let endpoints: Vec<Value> = self
			.commitments_json(at, &owner)?
			.into_iter()
			.map(|commitment| commitment["endpoint"].clone())
			.collect();
		Ok(Some(json!({
			"address": v6.to_string(),
			"asset": id,
			"owner": owner.to_ss58check(),
			"endpoints": endpoints,
		})))
	}

	fn proof_parameters(&self, who: Option<String>, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = self.at(at);
		let api = self.client.runtime_api();
		let parameters = api.proof_parameters(at).map_err(runtime_error)?;
		let prefix = self.prefix();
		let mut network = [0u8; 16];
		network[..8].copy_from_slice(&prefix);
		let mut value = json!({
			"workDifficulty": parameters.work_difficulty,
			"window": parameters.window,
			"minimumStake": parameters.minimum_stake.to_string(),
			"minSpaceChunks": parameters.min_space_chunks,
			"prefix": format!("{}/64", Ipv6Addr::from(network)),
		});
		if let Some(who) = who {
			let who = account(&who)?;
			value["bondedStake"] = json!(api
				.bonded_stake(at, who.clone())
				.map_err(runtime_error)?
				.to_string());
			value["spaceCommitments"] = json!(self.commitments_json(at, &who)?);
		}
		Ok(value)
	}

	fn proxies(&self, count: u32, at: Option<BlockHash>) -> RpcResult<Vec<Value>> {
		let proxies = self
			.client
			.runtime_api()
			.select_proxies(self.at(at), count)
			.map_err(runtime_error)?;
		Ok(proxies
			.iter()
			.map(|(id, asset)| asset_json(*id, asset))
			.collect())
	}

	fn proof_rejection(&self, code: u8) -> RpcResult<Value> {
		let rejection = ProofRejection::from_code(code)
			.ok_or_else(|| invalid(format!("{code} is not a consensus-proof rejection code")))?;
		Ok(json!({
			"code": code,
			"name": format!("{rejection:?}"),
			"message": rejection.message(),
		}))
	}
}
