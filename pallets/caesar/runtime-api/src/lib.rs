//! The runtime API of Caesar, HyperMesh's economy: the read side of issuance, provider
//! rewards, bonds and validators' era rewards.
//!
//! The node's `caesar_*` RPC methods read the economy through this API rather than through
//! raw storage keys, so they keep working when a pallet's storage layout changes, and so the
//! sums they show (an era's payout split, a provider's claimable reward) are computed by the
//! same runtime code that pays them, not re-implemented beside it. Validators are paid by the
//! staking pallet, so [`CaesarApi::validator_era`] and the era clock
//! ([`CaesarApi::active_era`], [`CaesarApi::current_era`], [`CaesarApi::session_index`]) are
//! answered by the runtime from staking's and session's storage; Caesar's own pallet never
//! reads them.
//!
//! The exchange is read through `pallet-asset-conversion`'s own runtime API, re-exported here
//! (`AssetConversionApi`, with the asset kind [`NativeOrWithId`]; with `std`) so the node
//! needs no dependency on the exchange pallet to quote it.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;
use sp_runtime::{traits::AtLeast32BitUnsigned, Perbill};

pub use frame_support::traits::tokens::fungible::NativeOrWithId;
/// The exchange's runtime API (client side only, like every declared runtime API).
#[cfg(feature = "std")]
pub use pallet_asset_conversion::AssetConversionApi;
pub use pallet_caesar::{ClosedPeriod, EconomicParameters, ServiceRecord};

/// The most reward periods a client should ask about in one sweep: as many as stay
/// claimable in the runtime (its `RewardHistory`) on HyperMesh's chains.
pub const MAX_PERIODS_PER_QUERY: u32 = 84;

/// A validator's part of a staking era: its era points, all validators' points together,
/// and what the era paid validators (with their nominators) in total.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo)]
pub struct ValidatorEra<Balance> {
	/// The validator's era points (staking gives the author of a block 20).
	pub points: u32,
	/// All validators' era points.
	pub total_points: u32,
	/// What the era paid all validators and their nominators; zero until the era has
	/// ended (or once it fell out of staking's history).
	pub reward: Balance,
}

impl<Balance: AtLeast32BitUnsigned + Copy> ValidatorEra<Balance> {
	/// The validator's (and its nominators') part of the era's reward, computed as the
	/// staking pallet computes it when the era is paid out:
	/// `Perbill::from_rational(points, total_points) * reward`. Zero when no points were
	/// given in the era.
	pub fn share(&self) -> Balance {
		if self.total_points == 0 {
			return Balance::zero();
		}
		Perbill::from_rational(self.points, self.total_points) * self.reward
	}
}

sp_api::decl_runtime_apis! {
	/// Reads of Caesar, HyperMesh's economy, and of the staking era it pays by.
	pub trait CaesarApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// The open reward period (the number of periods closed so far). A reward period
		/// is a staking era.
		fn current_period() -> u32;
		/// The economic parameters: yearly inflation, its split, the offence slash.
		fn parameters() -> EconomicParameters;
		/// How many closed periods stay claimable.
		fn reward_history() -> u32;
		/// Blocks per session.
		fn session_length() -> u32;
		/// Sessions per staking era.
		fn sessions_per_era() -> u32;
		/// The active staking era and its start (milliseconds since the Unix epoch; `None`
		/// until its first block is finalized); `None` before the first era.
		fn active_era() -> Option<(u32, Option<u64>)>;
		/// The latest planned staking era; `None` before the first.
		fn current_era() -> Option<u32>;
		/// The current session's index.
		fn session_index() -> u32;
		/// What an era of `era_duration_millis` would mint at the current total issuance,
		/// split as `(validators, providers, treasury)` exactly as the era payout does.
		fn era_payout_split(era_duration_millis: u64) -> (Balance, Balance, Balance);
		/// What `who` served in `period` and whether it was disqualified (`None`: nothing
		/// recorded, already claimed, or swept after the period expired).
		fn provider_service(period: u32, who: AccountId) -> Option<ServiceRecord>;
		/// What `who` could claim now for `period` (zero if the period is open or expired,
		/// or `who` has nothing to claim).
		fn claimable(period: u32, who: AccountId) -> Balance;
		/// A closed period still claimable: its pot, total points and what is unclaimed.
		fn closed_period(period: u32) -> Option<ClosedPeriod<Balance>>;
		/// `who`'s provider bond: `(bonded, held)`, the stake that counts and everything
		/// still held (the bonded stake plus what is unbonding).
		fn bonded(who: AccountId) -> (Balance, Balance);
		/// `who`'s part of staking era `era`, from staking's reward points and era rewards.
		fn validator_era(era: u32, who: AccountId) -> ValidatorEra<Balance>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn share_is_staking_payout_part() {
		let era = ValidatorEra::<u128> {
			points: 20,
			total_points: 20,
			reward: 1_234_567_890_123,
		};
		assert_eq!(era.share(), era.reward);
		let half = ValidatorEra::<u128> {
			points: 10,
			total_points: 20,
			reward: 1_001,
		};
		// Perbill multiplication rounds to the nearest, preferring down on a tie.
		assert_eq!(half.share(), 500);
		let third = ValidatorEra::<u128> {
			points: 1,
			total_points: 3,
			reward: 3_000_000_000_000,
		};
		assert_eq!(
			third.share(),
			Perbill::from_rational(1u32, 3u32) * 3_000_000_000_000u128
		);
	}

	#[test]
	fn share_without_points_is_zero() {
		let era = ValidatorEra::<u128> {
			points: 0,
			total_points: 0,
			reward: 1_000,
		};
		assert_eq!(era.share(), 0);
		let absent = ValidatorEra::<u128> {
			points: 0,
			total_points: 40,
			reward: 1_000,
		};
		assert_eq!(absent.share(), 0);
	}

	#[test]
	fn validator_era_round_trips() {
		let era = ValidatorEra::<u128> {
			points: 600,
			total_points: 1_200,
			reward: u128::MAX,
		};
		let encoded = era.encode();
		assert_eq!(encoded.len(), 4 + 4 + 16);
		assert_eq!(ValidatorEra::<u128>::decode(&mut &encoded[..]), Ok(era));
	}
}
