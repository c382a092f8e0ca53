//! `caesar_*` JSON-RPC methods: the read side of HyperMesh's economy as JSON.
//!
//! A wallet or dashboard wants to know what the chain mints and who earns it without
//! re-implementing the payout arithmetic or decoding staking's storage: the era clock and
//! the projected payout of an era, a provider's earnings period by period, a validator's
//! part of an era, and the exchange's pools and quotes. Everything is read at a block (the
//! best block unless `at` is given) through the runtime's `CaesarApi`, so the sums are
//! those the runtime itself pays, and through `pallet-asset-conversion`'s
//! `AssetConversionApi` for the exchange.
//!
//! Balances (and service points, also 128-bit) are decimal strings: they do not fit JSON
//! numbers. Accounts are SS58; an exchange asset is `"native"` (CAES) or a token id.
//! Malformed arguments are error 9110 (as for `assets_*`), failed runtime calls 9100.

use std::sync::Arc;

use hypermesh_runtime::{configs::exchange::TokenId, opaque::Block, AccountId, Balance};
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use pallet_caesar_runtime_api::{
	AssetConversionApi, CaesarApi, NativeOrWithId, MAX_PERIODS_PER_QUERY,
};
use serde_json::{json, Value};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::Block as BlockT;

use super::json::{invalid, parse_account as account, runtime_error};

type BlockHash = <Block as BlockT>::Hash;

/// An exchange asset: CAES or a token.
type Asset = NativeOrWithId<TokenId>;

/// The `caesar_*` methods.
#[rpc(server, namespace = "caesar")]
pub trait CaesarRpc {
	/// The era clock and what an era mints: `activeEra`, `activeEraStart` (ms since the
	/// Unix epoch), `currentEra`, `sessionIndex`, `sessionLength` (blocks),
	/// `sessionsPerEra`, `eraDuration` (ms), `period` (Caesar's open reward period),
	/// `parameters` (parts per billion) and `projectedPayout`: what an era of
	/// `eraDuration` would mint at the block's total issuance, split between validators,
	/// providers and the treasury exactly as the era payout splits it.
	#[method(name = "era")]
	fn era(&self, at: Option<BlockHash>) -> RpcResult<Value>;

	/// A provider's earnings per reward period, `fromPeriod` to `toPeriod` inclusive (by
	/// default the open period and the 83 before it; at most 84 periods): `period`,
	/// `points`, `disqualified`, `claimable` (what a claim would pay now), `closed`.
	#[method(name = "providerEarnings")]
	fn provider_earnings(
		&self,
		who: String,
		from_period: Option<u32>,
		to_period: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Value>>;

	/// A validator's part of a staking era: its `points`, all validators' `totalPoints`,
	/// the era's `eraReward` to all validators (zero until the era has ended) and the
	/// validator's `share` of it, as staking computes it at payout.
	#[method(name = "validatorEra")]
	fn validator_era(&self, who: String, era: u32, at: Option<BlockHash>) -> RpcResult<Value>;

	/// The reserves of the exchange pool between two assets, in the order asked:
	/// `{"reserves": [asset1, asset2]}`; `null` if there is no such pool.
	#[method(name = "pool")]
	fn pool(&self, asset1: Value, asset2: Value, at: Option<BlockHash>)
		-> RpcResult<Option<Value>>;

	/// A swap quote, the pool fee included: with `exactIn`, what `amount` of `assetIn`
	/// buys of `assetOut`; otherwise what of `assetIn` buys exactly `amount` of
	/// `assetOut`. `null` if there is no pool or it cannot serve the amount.
	#[method(name = "quote")]
	fn quote(
		&self,
		asset_in: Value,
		asset_out: Value,
		amount: Value,
		exact_in: bool,
		at: Option<BlockHash>,
	) -> RpcResult<Option<String>>;
}

/// The `caesar_*` methods over a client.
pub struct Caesar<C> {
	client: Arc<C>,
}

impl<C> Caesar<C> {
	/// Serves the methods from `client`'s state.
	pub fn new(client: Arc<C>) -> Self {
		Self { client }
	}
}

/// `"native"` or a token id.
fn asset(value: &Value) -> Result<Asset, ErrorObjectOwned> {
	match value {
		Value::String(name) if name == "native" => Ok(Asset::Native),
		Value::Number(number) => number
			.as_u64()
			.and_then(|id| TokenId::try_from(id).ok())
			.map(Asset::WithId)
			.ok_or_else(|| {
				invalid(format!(
					"{number} is not a token id (0 to {})",
					TokenId::MAX
				))
			}),
		other => Err(invalid(format!(
			"{other} is not an asset: \"native\" or a token id number"
		))),
	}
}

/// A balance: a decimal string or a JSON integer.
fn amount(value: &Value) -> Result<Balance, ErrorObjectOwned> {
	let parsed = match value {
		Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
			text.parse::<Balance>().ok()
		}
		Value::Number(number) => number.as_u64().map(Balance::from),
		_ => None,
	};
	parsed.ok_or_else(|| {
		invalid(format!(
			"{value} is not an amount: a non-negative integer, as a decimal string beyond 2^53"
		))
	})
}

/// The periods `from..=to` a provider-earnings call covers: by default the `MAX` periods
/// ending at `to`, which is the open period by default; an error for an empty or too
/// long range.
fn period_range(
	current: u32,
	from: Option<u32>,
	to: Option<u32>,
) -> Result<(u32, u32), ErrorObjectOwned> {
	let to = to.unwrap_or(current);
	let from = from.unwrap_or_else(|| to.saturating_sub(MAX_PERIODS_PER_QUERY - 1));
	if from > to {
		return Err(invalid(format!("fromPeriod {from} is after toPeriod {to}")));
	}
	if u64::from(to) - u64::from(from) >= u64::from(MAX_PERIODS_PER_QUERY) {
		return Err(invalid(format!(
			"periods {from} to {to} are {} periods: at most {MAX_PERIODS_PER_QUERY} per call",
			u64::from(to) - u64::from(from) + 1
		)));
	}
	Ok((from, to))
}

impl<C> Caesar<C>
where
	C: HeaderBackend<Block>,
{
	fn at(&self, at: Option<BlockHash>) -> BlockHash {
		at.unwrap_or_else(|| self.client.info().best_hash)
	}
}

impl<C> CaesarRpcServer for Caesar<C>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: CaesarApi<Block, AccountId, Balance>,
	C::Api: AssetConversionApi<Block, Balance, Asset>,
{
	fn era(&self, at: Option<BlockHash>) -> RpcResult<Value> {
		let at = self.at(at);
		let api = self.client.runtime_api();
		let active = api.active_era(at).map_err(runtime_error)?;
		let current_era = api.current_era(at).map_err(runtime_error)?;
		let session_index = api.session_index(at).map_err(runtime_error)?;
		let session_length = api.session_length(at).map_err(runtime_error)?;
		let sessions_per_era = api.sessions_per_era(at).map_err(runtime_error)?;
		let period = api.current_period(at).map_err(runtime_error)?;
		let parameters = api.parameters(at).map_err(runtime_error)?;
		let era_duration = u64::from(session_length)
			.saturating_mul(u64::from(sessions_per_era))
			.saturating_mul(hypermesh_runtime::MILLI_SECS_PER_BLOCK);
		let (validators, providers, treasury) = api
			.era_payout_split(at, era_duration)
			.map_err(runtime_error)?;
		Ok(json!({
			"activeEra": active.map(|(index, _)| index),
			"activeEraStart": active.and_then(|(_, start)| start),
			"currentEra": current_era,
			"sessionIndex": session_index,
			"sessionLength": session_length,
			"sessionsPerEra": sessions_per_era,
			"eraDuration": era_duration,
			"period": period,
			"parameters": {
				"yearlyInflation": parameters.yearly_inflation.deconstruct(),
				"validators": parameters.validators.deconstruct(),
				"providers": parameters.providers.deconstruct(),
				"treasury": parameters.treasury().deconstruct(),
				"offenceSlash": parameters.offence_slash.deconstruct(),
			},
			"projectedPayout": {
				"validators": validators.to_string(),
				"providers": providers.to_string(),
				"treasury": treasury.to_string(),
			},
		}))
	}

	fn provider_earnings(
		&self,
		who: String,
		from_period: Option<u32>,
		to_period: Option<u32>,
		at: Option<BlockHash>,
	) -> RpcResult<Vec<Value>> {
		let who = account(&who)?;
		let at = self.at(at);
		let api = self.client.runtime_api();
		let current = api.current_period(at).map_err(runtime_error)?;
		let (from, to) = period_range(current, from_period, to_period)?;
		let mut earnings = Vec::with_capacity((to - from) as usize + 1);
		for period in from..=to {
			let record = api
				.provider_service(at, period, who.clone())
				.map_err(runtime_error)?
				.unwrap_or_default();
			let closed = period < current;
			let claimable = if closed {
				api.claimable(at, period, who.clone())
					.map_err(runtime_error)?
			} else {
				0
			};
			earnings.push(json!({
				"period": period,
				"points": record.points.to_string(),
				"disqualified": record.disqualified,
				"claimable": claimable.to_string(),
				"closed": closed,
			}));
		}
		Ok(earnings)
	}

	fn validator_era(&self, who: String, era: u32, at: Option<BlockHash>) -> RpcResult<Value> {
		let who = account(&who)?;
		let part = self
			.client
			.runtime_api()
			.validator_era(self.at(at), era, who)
			.map_err(runtime_error)?;
		Ok(json!({
			"era": era,
			"points": part.points,
			"totalPoints": part.total_points,
			"eraReward": part.reward.to_string(),
			"share": part.share().to_string(),
		}))
	}

	fn pool(
		&self,
		asset1: Value,
		asset2: Value,
		at: Option<BlockHash>,
	) -> RpcResult<Option<Value>> {
		let (asset1, asset2) = (asset(&asset1)?, asset(&asset2)?);
		if asset1 == asset2 {
			return Err(invalid("a pool pairs two different assets".into()));
		}
		let reserves = self
			.client
			.runtime_api()
			.get_reserves(self.at(at), asset1, asset2)
			.map_err(runtime_error)?;
		Ok(reserves.map(
			|(reserve1, reserve2)| json!({ "reserves": [reserve1.to_string(), reserve2.to_string()] }),
		))
	}

	fn quote(
		&self,
		asset_in: Value,
		asset_out: Value,
		amount: Value,
		exact_in: bool,
		at: Option<BlockHash>,
	) -> RpcResult<Option<String>> {
		let (asset_in, asset_out) = (asset(&asset_in)?, asset(&asset_out)?);
		let amount = self::amount(&amount)?;
		if asset_in == asset_out {
			return Err(invalid("a swap trades two different assets".into()));
		}
		let at = self.at(at);
		let api = self.client.runtime_api();
		let quote = if exact_in {
			api.quote_price_exact_tokens_for_tokens(at, asset_in, asset_out, amount, true)
		} else {
			api.quote_price_tokens_for_exact_tokens(at, asset_in, asset_out, amount, true)
		}
		.map_err(runtime_error)?;
		Ok(quote.map(|amount| amount.to_string()))
	}
}
