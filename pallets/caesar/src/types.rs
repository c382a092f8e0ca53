//! The data Caesar keeps on chain and takes as call arguments: the economic parameters,
//! unbonding chunks, service records, closed reward periods, lease escrows and the era
//! payout split.
//!
//! They are generic over the account, balance and block number types rather than over the
//! pallet's `Config`, so that the runtime API and the node can name them with concrete
//! types. Everything here is re-exported from the crate root.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

/// How the chain's inflation is set and shared: the economy's governable parameters.
///
/// The era's issuance is split between validators, providers and the treasury; the
/// treasury gets what is left after the validators' and providers' shares, so
/// `validators + providers` may not exceed 100%.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
	frame_support::Serialize,
	frame_support::Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct EconomicParameters {
	/// New issuance per year, as a share of the total issuance.
	pub yearly_inflation: Perbill,
	/// The validators' share of each era's issuance.
	pub validators: Perbill,
	/// The providers' share of each era's issuance (paid by measured service).
	pub providers: Perbill,
	/// The share of a provider's bonded stake a proven offence costs, for the asset
	/// registry to pass to [`BondedStake::slash`](hypermesh_primitives::economy::BondedStake).
	pub offence_slash: Perbill,
}

impl EconomicParameters {
	/// Whether the validators' and providers' shares together leave the treasury a
	/// non-negative rest (at most 100%).
	pub fn is_valid(&self) -> bool {
		u64::from(self.validators.deconstruct()) + u64::from(self.providers.deconstruct())
			<= u64::from(Perbill::one().deconstruct())
	}

	/// The treasury's share: what the validators and providers leave.
	pub fn treasury(&self) -> Perbill {
		use sp_runtime::Saturating;
		Perbill::one()
			.saturating_sub(self.validators)
			.saturating_sub(self.providers)
	}
}

impl Default for EconomicParameters {
	/// 5% yearly inflation, 50% of it to validators, 40% to providers, 10% to the treasury;
	/// an offence costs 10% of the bond.
	fn default() -> Self {
		Self {
			yearly_inflation: Perbill::from_percent(5),
			validators: Perbill::from_percent(50),
			providers: Perbill::from_percent(40),
			offence_slash: Perbill::from_percent(10),
		}
	}
}

/// Stake on its way out: held until `unlocks_at`, then released by
/// [`Pallet::withdraw_unbonded`](crate::Pallet::withdraw_unbonded).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct UnbondingChunk<Balance, BlockNumber> {
	/// How much.
	pub amount: Balance,
	/// The first block at which it can be withdrawn.
	pub unlocks_at: BlockNumber,
}

/// What a provider served during a reward period.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct ServiceRecord {
	/// Service points recorded by the asset registry (saturating).
	pub points: u128,
	/// Whether a proven offence disqualified the provider for the period: it earns nothing
	/// and records no more points.
	pub disqualified: bool,
}

/// A closed reward period: what its providers share and how.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct ClosedPeriod<Balance> {
	/// What the providers' pot received for the period.
	pub pot: Balance,
	/// The points recorded in the period (disqualified providers' included: their share
	/// stays unclaimed).
	pub total_points: u128,
	/// What of `pot` has not been claimed yet (moved to the treasury when the period
	/// expires).
	pub unclaimed: Balance,
}

/// A lease's payment, held from the consumer under
/// [`HoldReason::LeaseEscrow`](crate::HoldReason::LeaseEscrow) until it is settled.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct Lease<AccountId, Balance, BlockNumber> {
	/// Who pays.
	pub consumer: AccountId,
	/// Who is paid for the blocks served.
	pub provider: AccountId,
	/// The price of one block of the lease.
	pub price_per_block: Balance,
	/// The lease's first block.
	pub start: BlockNumber,
	/// The block the lease ends at (exclusive: `end - start` blocks are paid).
	pub end: BlockNumber,
}

/// One era's new issuance, split by [`EconomicParameters`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct EraPayoutSplit<Balance> {
	/// The validators' (and their nominators') part, paid by the staking pallet.
	pub validators: Balance,
	/// The providers' part, paid into the reward pot at period close.
	pub providers: Balance,
	/// The treasury's part (what the other two leave).
	pub treasury: Balance,
}
