//! What a provider command prints: the block its transaction was finalized in, the
//! transaction's Caesar and asset-registry events, and its dispatch error, named as
//! polkadot.js names them (`caesar.NotBonded`, `assetRegistry.PriceAboveLimit`).
//!
//! Events are the runtime's own types ([`RuntimeEvent`]), decoded from the block's
//! `System.Events`; each is written as `{"event": "pallet.Event", <fields in camelCase>}`,
//! accounts in SS58, balances in plancks as decimal strings (they can exceed what a JSON
//! number holds exactly). A module error is named by decoding its index and error bytes
//! as the runtime's [`RuntimeError`].

use frame_system::Phase;
use hypermesh_runtime::{BlockNumber, Hash, RuntimeError, RuntimeEvent};
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;
use sp_runtime::DispatchError;

use super::chain::EventRecords;
use crate::encoding::hex;

/// What happened to a transaction in a finalized block.
pub struct Outcome {
	/// The block's hash.
	pub block: Hash,
	/// Its number.
	pub number: BlockNumber,
	/// The transaction's Caesar and asset-registry events, as JSON.
	pub events: Vec<Value>,
	/// Its dispatch error (`pallet.Error`), if it failed.
	pub error: Option<String>,
}

impl Outcome {
	/// The outcome of the extrinsic at `index` of block `block` from the block's events.
	pub fn new(block: Hash, number: BlockNumber, index: u32, records: EventRecords) -> Self {
		let mut events = Vec::new();
		let mut error = None;
		for record in records {
			if record.phase != Phase::ApplyExtrinsic(index) {
				continue;
			}
			match record.event {
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error,
					..
				}) => error = Some(error_name(dispatch_error)),
				event => events.extend(event_json(&event)),
			}
		}
		Self {
			block,
			number,
			events,
			error,
		}
	}

	/// The JSON line: `{"block", "number", "events", "error"}`.
	pub fn json(&self) -> Value {
		json!({
			"block": hex(self.block.as_ref()),
			"number": self.number,
			"events": self.events,
			"error": self.error,
		})
	}
}

/// `AssetRegistry` → `assetRegistry`.
fn lower_camel(name: &str) -> String {
	let mut chars = name.chars();
	chars
		.next()
		.map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
		.unwrap_or_default()
}

/// A dispatch error's name: `pallet.Error` for a module error (decoded against the
/// runtime's errors), `token.FundsUnavailable`, `arithmetic.Overflow`, or the error's own
/// name (`BadOrigin`).
pub fn error_name(error: DispatchError) -> String {
	match error {
		DispatchError::Module(module) => RuntimeError::from_dispatch_error(error)
			.and_then(|decoded| {
				// `Caesar(NotBonded)`: the runtime's pallet name, then the pallet's error.
				let debug = format!("{decoded:?}");
				let (pallet, inner) = debug.split_once('(')?;
				let name: String = inner
					.chars()
					.take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
					.collect();
				Some(format!("{}.{name}", lower_camel(pallet)))
			})
			.unwrap_or_else(|| format!("module{}.error{}", module.index, hex(&module.error))),
		DispatchError::Token(token) => format!("token.{token:?}"),
		DispatchError::Arithmetic(arithmetic) => format!("arithmetic.{arithmetic:?}"),
		DispatchError::Transactional(transactional) => format!("transactional.{transactional:?}"),
		other => {
			let debug = format!("{other:?}");
			debug.split(['(', ' ']).next().unwrap_or(&debug).to_string()
		}
	}
}

fn account(who: &hypermesh_runtime::AccountId) -> Value {
	Value::String(who.to_ss58check())
}

fn balance(amount: u128) -> Value {
	Value::String(amount.to_string())
}

/// An event as JSON, if it is Caesar's or the asset registry's (the others, fees and
/// holds, are left out).
pub fn event_json(event: &RuntimeEvent) -> Option<Value> {
	match event {
		RuntimeEvent::Caesar(event) => caesar_json(event),
		RuntimeEvent::AssetRegistry(event) => registry_json(event),
		_ => None,
	}
}

fn caesar_json(event: &pallet_caesar::Event<hypermesh_runtime::Runtime>) -> Option<Value> {
	use pallet_caesar::Event as E;
	Some(match event {
		E::Bonded { who, amount } => {
			json!({ "event": "caesar.Bonded", "who": account(who), "amount": balance(*amount) })
		}
		E::Unbonded {
			who,
			amount,
			unlocks_at,
		} => json!({
			"event": "caesar.Unbonded", "who": account(who), "amount": balance(*amount),
			"unlocksAt": unlocks_at,
		}),
		E::Withdrawn { who, amount } => {
			json!({ "event": "caesar.Withdrawn", "who": account(who), "amount": balance(*amount) })
		}
		E::Slashed {
			who,
			offence,
			amount,
		} => json!({
			"event": "caesar.Slashed", "who": account(who), "offence": format!("{offence:?}"),
			"amount": balance(*amount),
		}),
		E::ProviderDisqualified {
			provider,
			period,
			offence,
		} => json!({
			"event": "caesar.ProviderDisqualified", "provider": account(provider),
			"period": period, "offence": format!("{offence:?}"),
		}),
		E::PeriodClosed {
			period,
			providers,
			treasury,
			total_points,
		} => json!({
			"event": "caesar.PeriodClosed", "period": period, "providers": balance(*providers),
			"treasury": balance(*treasury), "totalPoints": total_points.to_string(),
		}),
		E::PeriodExpired { period, unclaimed } => json!({
			"event": "caesar.PeriodExpired", "period": period, "unclaimed": balance(*unclaimed),
		}),
		E::RewardClaimed {
			who,
			period,
			amount,
		} => json!({
			"event": "caesar.RewardClaimed", "who": account(who), "period": period,
			"amount": balance(*amount),
		}),
		E::ParametersSet { parameters } => json!({
			"event": "caesar.ParametersSet",
			"parameters": serde_json::to_value(parameters).unwrap_or(Value::Null),
		}),
		E::LeaseOpened {
			allocation,
			consumer,
			provider,
			amount,
		} => json!({
			"event": "caesar.LeaseOpened", "allocation": allocation,
			"consumer": account(consumer), "provider": account(provider),
			"amount": balance(*amount),
		}),
		E::LeaseClosed {
			allocation,
			paid,
			refunded,
		} => json!({
			"event": "caesar.LeaseClosed", "allocation": allocation, "paid": balance(*paid),
			"refunded": balance(*refunded),
		}),
		_ => return None,
	})
}

fn registry_json(
	event: &pallet_hypermesh_assets::Event<hypermesh_runtime::Runtime>,
) -> Option<Value> {
	use pallet_hypermesh_assets::Event as E;
	let address = |bytes: &[u8; 16]| std::net::Ipv6Addr::from(*bytes).to_string();
	Some(match event {
		E::AssetRegistered {
			id,
			owner,
			address: at,
		} => json!({
			"event": "assetRegistry.AssetRegistered", "id": id, "owner": account(owner),
			"address": address(at),
		}),
		E::AssetUpdated { id } => json!({ "event": "assetRegistry.AssetUpdated", "id": id }),
		E::AssetRetired { id } => json!({ "event": "assetRegistry.AssetRetired", "id": id }),
		E::Allocated {
			id,
			asset,
			consumer,
			amount,
			expires_at,
			price_per_block,
		} => json!({
			"event": "assetRegistry.Allocated", "id": id, "asset": asset,
			"consumer": account(consumer), "amount": amount, "expiresAt": expires_at,
			"pricePerBlock": balance(*price_per_block),
		}),
		E::Released { id } => json!({ "event": "assetRegistry.Released", "id": id }),
		E::TelemetryReported { asset, telemetry } => json!({
			"event": "assetRegistry.TelemetryReported", "asset": asset,
			"measuredCapacity": telemetry.measured_capacity, "used": telemetry.used,
		}),
		E::ReportContradicted { asset, reputation } => json!({
			"event": "assetRegistry.ReportContradicted", "asset": asset,
			"reputation": reputation,
		}),
		E::SpaceCommitted { who, id } => json!({
			"event": "assetRegistry.SpaceCommitted", "who": account(who), "id": hex(id),
		}),
		E::SpaceWithdrawn { who, id } => json!({
			"event": "assetRegistry.SpaceWithdrawn", "who": account(who), "id": hex(id),
		}),
		E::SpaceChallenged {
			provider,
			commitment,
			challenger,
			deadline,
		} => json!({
			"event": "assetRegistry.SpaceChallenged", "provider": account(provider),
			"commitment": hex(commitment), "challenger": account(challenger),
			"deadline": deadline,
		}),
		E::ChallengeAnswered {
			provider,
			commitment,
		} => json!({
			"event": "assetRegistry.ChallengeAnswered", "provider": account(provider),
			"commitment": hex(commitment),
		}),
		E::ChallengeFailed {
			provider,
			commitment,
			expired,
			assets,
		} => json!({
			"event": "assetRegistry.ChallengeFailed", "provider": account(provider),
			"commitment": hex(commitment), "expired": expired, "assets": assets,
		}),
		E::PriceSet {
			asset,
			price_per_unit_per_block,
		} => json!({
			"event": "assetRegistry.PriceSet", "asset": asset,
			"pricePerUnitPerBlock": balance(*price_per_unit_per_block),
		}),
		E::ServiceRecorded {
			asset,
			provider,
			points,
		} => json!({
			"event": "assetRegistry.ServiceRecorded", "asset": asset,
			"provider": account(provider), "points": points.to_string(),
		}),
		E::ProviderSlashed {
			provider,
			offence,
			slashed,
		} => json!({
			"event": "assetRegistry.ProviderSlashed", "provider": account(provider),
			"offence": format!("{offence:?}"), "slashed": balance(*slashed),
		}),
		_ => return None,
	})
}

#[cfg(test)]
mod tests {
	use super::*;
	use hypermesh_runtime::Runtime;

	#[test]
	fn module_errors_are_named_like_polkadot_js() {
		let error: DispatchError = pallet_caesar::Error::<Runtime>::NotBonded.into();
		assert_eq!(error_name(error), "caesar.NotBonded");
		let error: DispatchError =
			pallet_hypermesh_assets::Error::<Runtime>::PriceAboveLimit.into();
		assert_eq!(error_name(error), "assetRegistry.PriceAboveLimit");
		assert_eq!(error_name(DispatchError::BadOrigin), "BadOrigin");
		assert_eq!(
			error_name(DispatchError::Token(
				sp_runtime::TokenError::FundsUnavailable
			)),
			"token.FundsUnavailable"
		);
		// An index no pallet has.
		let unknown = DispatchError::Module(sp_runtime::ModuleError {
			index: 250,
			error: [1, 0, 0, 0],
			message: None,
		});
		assert_eq!(error_name(unknown), "module250.error0x01000000");
	}

	#[test]
	fn outcomes_keep_the_transactions_own_events() {
		let who = hypermesh_runtime::AccountId::from([7u8; 32]);
		let record = |index, event| frame_system::EventRecord {
			phase: Phase::ApplyExtrinsic(index),
			event,
			topics: vec![],
		};
		let records = vec![
			record(
				0,
				RuntimeEvent::Caesar(pallet_caesar::Event::Bonded {
					who: who.clone(),
					amount: 1,
				}),
			),
			record(
				1,
				RuntimeEvent::Caesar(pallet_caesar::Event::Bonded {
					who: who.clone(),
					amount: 20_000_000_000_000,
				}),
			),
			record(
				1,
				RuntimeEvent::System(frame_system::Event::ExtrinsicFailed {
					dispatch_error: pallet_caesar::Error::<Runtime>::ZeroAmount.into(),
					dispatch_info: Default::default(),
				}),
			),
		];
		let outcome = Outcome::new(Hash::repeat_byte(1), 5, 1, records);
		let line = outcome.json();
		assert_eq!(line["number"], 5);
		assert_eq!(line["error"], "caesar.ZeroAmount");
		assert_eq!(
			line["events"],
			json!([{ "event": "caesar.Bonded", "who": who.to_ss58check(),
				"amount": "20000000000000" }])
		);
		assert!(line["block"].as_str().unwrap().starts_with("0x0101"));
	}
}
