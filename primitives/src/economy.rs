//! The economy's interfaces between pallets.
//!
//! The asset registry knows what providers serve and how they misbehave; the economy
//! (Caesar) holds their bonds, escrows what consumers pay for leases, and pays providers
//! from the era's issuance. Neither pallet reaches into the other: the registry is
//! configured with implementations of these traits (Caesar's in the runtime, simple ones in
//! tests), and Caesar never reads the registry's storage.
//!
//! * [`BondedStake`]: how much a provider has bonded (PoStake, proxy ranking) and how a
//!   proven offence slashes it.
//! * [`UsageLedger`]: service measured by the oracle's reports, and proven offences, for
//!   the current reward period.
//! * [`LeaseEscrow`]: payment for an allocation's lease, held from the consumer when it is
//!   made and settled to the provider for what was served, the rest refunded.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// A provider's proven misbehaviour, as the asset registry establishes it.
#[derive(
	Clone,
	Copy,
	Debug,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
)]
pub enum ProviderOffence {
	/// It answered a space challenge with chunks that do not match its commitment.
	FailedChallenge,
	/// It did not answer a space challenge before the deadline.
	UnansweredChallenge,
	/// Its oracle reported less capacity than it registered, or more in use than exists.
	ContradictingReport,
}

/// Where a provider's bonded stake lives, and how an offence costs part of it.
pub trait BondedStake<AccountId> {
	/// The stake `who` has bonded (not unbonding), in the chain's smallest unit.
	fn bonded(who: &AccountId) -> u128;

	/// Takes `parts_per_billion / 1e9` of `who`'s bonded stake for `offence`, never more than
	/// is bonded. Returns the amount taken.
	fn slash(who: &AccountId, offence: ProviderOffence, parts_per_billion: u32) -> u128;
}

/// Records, per reward period, what each provider served and whether it misbehaved.
pub trait UsageLedger<AccountId> {
	/// `provider` served `points` during the current period: units allocated to consumers,
	/// times the blocks a telemetry report confirmed them over, scaled by reputation.
	fn record_service(provider: &AccountId, points: u128);

	/// `provider` committed `offence` during the current period: it earns nothing for the
	/// period.
	fn record_offence(provider: &AccountId, offence: ProviderOffence);
}

/// A ledger that records nothing, for runtimes and tests without an economy.
impl<AccountId> UsageLedger<AccountId> for () {
	fn record_service(_provider: &AccountId, _points: u128) {}
	fn record_offence(_provider: &AccountId, _offence: ProviderOffence) {}
}

/// Why a lease payment could not be opened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EscrowError {
	/// The consumer cannot pay the lease (or would fall below the existential deposit).
	InsufficientFunds,
	/// An escrow for this allocation exists already.
	AlreadyOpen,
	/// No escrow exists for this allocation.
	Unknown,
}

/// Holds what a consumer pays for a lease until it is served.
///
/// `allocation` is the registry's allocation id; `BlockNumber` spans are the lease's.
pub trait LeaseEscrow<AccountId, BlockNumber> {
	/// Holds `price_per_block * (end - start)` from `consumer` for `provider`.
	fn open(
		allocation: u64,
		consumer: &AccountId,
		provider: &AccountId,
		price_per_block: u128,
		start: BlockNumber,
		end: BlockNumber,
	) -> Result<(), EscrowError>;

	/// Ends the lease at `now` (at most its end): pays the provider for the blocks served
	/// and refunds the consumer the rest, pro rata. Returns `(paid, refunded)`.
	fn close(allocation: u64, now: BlockNumber) -> Result<(u128, u128), EscrowError>;
}

/// Free leases, for runtimes and tests without an economy.
impl<AccountId, BlockNumber> LeaseEscrow<AccountId, BlockNumber> for () {
	fn open(
		_allocation: u64,
		_consumer: &AccountId,
		_provider: &AccountId,
		_price_per_block: u128,
		_start: BlockNumber,
		_end: BlockNumber,
	) -> Result<(), EscrowError> {
		Ok(())
	}

	fn close(_allocation: u64, _now: BlockNumber) -> Result<(u128, u128), EscrowError> {
		Ok((0, 0))
	}
}
