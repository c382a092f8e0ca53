//! Unit tests on the mock runtime: every call, every error, nothing changed on failure,
//! and the traits the runtime wires (stake, usage ledger, escrow, era payout, period
//! close) with exact figures. One file per domain; this file holds what they share.

mod escrow;
mod parameters;
mod payout;
mod rewards;
mod stake;

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{Balanced, Inspect, InspectHold},
		OnUnbalanced,
	},
};
use hypermesh_primitives::economy::{
	BondedStake, EscrowError, LeaseEscrow, ProviderOffence, UsageLedger,
};
use sp_runtime::{traits::BadOrigin, Perbill, TokenError};

/// The reward pot's account.
fn pot() -> u64 {
	Caesar::pot_account()
}

/// `who`'s spendable (not held) balance.
fn free(who: u64) -> u64 {
	Balances::free_balance(who)
}

/// What `who` has held for `reason`.
fn held(reason: HoldReason, who: u64) -> u64 {
	Balances::balance_on_hold(&RuntimeHoldReason::Caesar(reason), &who)
}

/// The registry records `points` of service by `who`.
fn serve(who: u64, points: u128) {
	<Caesar as UsageLedger<u64>>::record_service(&who, points);
}

/// The registry records an offence by `who`.
fn offend(who: u64) {
	<Caesar as UsageLedger<u64>>::record_offence(&who, ProviderOffence::FailedChallenge);
}

/// The staking pallet ends an era, minting `rest` (the providers' and treasury's parts).
fn end_era(rest: u64) {
	CloseRewardPeriod::<Test>::on_unbalanced(<Balances as Balanced<u64>>::issue(rest));
}

/// Claims `period`'s reward for `who`.
fn claim(who: u64, period: u32) -> sp_runtime::DispatchResult {
	Caesar::claim_reward(RuntimeOrigin::signed(who), period)
}

/// The total issuance.
fn issuance() -> u64 {
	<Balances as Inspect<u64>>::total_issuance()
}
