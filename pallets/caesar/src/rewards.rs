//! Issuance and provider rewards: a reward period is a staking era.
//!
//! * At an era's end the staking pallet asks [`CaesarEraPayout`] what to mint: the era's
//!   issuance is `total_issuance * yearly_inflation * era_length / year` (a year of 365.25
//!   days, [`MILLISECONDS_PER_YEAR`]), computed with one rounding down
//!   ([`Pallet::era_payout_split`]). The validators' part is what the staking pallet pays
//!   its stakers; the providers' and treasury's parts together are "the rest", which it
//!   mints and hands to [`CloseRewardPeriod`]. (If the staking pallet caps the validators'
//!   part, `MaxStakedRewards`, the difference joins the rest and is shared like it.)
//! * [`CloseRewardPeriod`] splits the rest in the ratio providers : treasury, pays the
//!   providers' part into the reward pot ([`Pallet::pot_account`]) and the treasury's to
//!   [`Config::TreasuryAccount`]. A period with no service points pays everything to the
//!   treasury. It records the closed period (pot, total points), opens the next period,
//!   and expires the period that fell out of [`Config::RewardHistory`]: what was left
//!   unclaimed (rounding dust, disqualified providers' shares, unclaimed rewards) moves
//!   from the pot to the treasury. That is bounded work (one record); the expired period's
//!   service records (one per provider) are swept by `on_idle` as block space allows,
//!   and until then claims on it fail with [`Error::PeriodExpired`] anyway.
//! * During a period the asset registry records each provider's service points and
//!   proven offences ([`UsageLedger`]). A disqualified provider records no more points and
//!   cannot claim; its earlier points still count in the period's total, so its share stays
//!   in the pot and reaches the treasury when the period expires.
//! * [`Pallet::claim_reward`] pays a provider `pot * its_points / total_points`, rounded
//!   down, from the pot, once (its record is removed).
//!
//! The pot is made to exist at genesis (the existential deposit is minted into it), so
//! claims may drain it to that deposit and every share, however small, can be paid in. If
//! it could not receive a period's share, the share goes to the treasury instead; if the
//! treasury cannot receive a payment either, the payment is burnt and an error logged
//! (closing a period never fails).

use crate::*;
use frame_support::traits::{
	fungible::{self, Balanced, Credit, Mutate},
	tokens::{imbalance::Imbalance, Preservation},
	OnUnbalanced,
};
use hypermesh_primitives::economy::{ProviderOffence, UsageLedger};
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{Saturating, Zero},
	DispatchResult, Perbill, Rounding,
};

/// Milliseconds in a year of 365.25 days: what `yearly_inflation` is per.
pub const MILLISECONDS_PER_YEAR: u64 = 36_525 * 24 * 60 * 60 * 10;

/// The compute and proof size sweeping one service record costs, besides its database
/// read and write.
const SWEEP_ITEM: Weight = Weight::from_parts(5_000_000, 256);

/// The most service records `on_idle` sweeps in one block.
const MAX_SWEEP_PER_BLOCK: u32 = 1024;

impl<T: Config> Pallet<T> {
	/// One era's issuance for `total_issuance` and an era of `era_duration_millis`, split
	/// by the current [`EconomicParameters`]: `total_issuance * yearly_inflation *
	/// era_duration_millis / MILLISECONDS_PER_YEAR`, rounded down once (exact 256-bit
	/// intermediate), then the validators' and providers' shares rounded down and the
	/// treasury given the rest.
	pub fn era_payout_split(
		total_issuance: BalanceOf<T>,
		era_duration_millis: u64,
	) -> EraPayoutSplit<BalanceOf<T>> {
		let parameters = Parameters::<T>::get();
		let issuance: u128 = total_issuance.saturated_into();
		let numerator = u128::from(era_duration_millis)
			.saturating_mul(u128::from(parameters.yearly_inflation.deconstruct()));
		let denominator = u128::from(MILLISECONDS_PER_YEAR)
			.saturating_mul(u128::from(Perbill::one().deconstruct()));
		let total =
			multiply_by_rational_with_rounding(issuance, numerator, denominator, Rounding::Down)
				.unwrap_or(u128::MAX);
		let validators = parameters.validators.mul_floor(total);
		let providers = parameters.providers.mul_floor(total);
		let treasury = total.saturating_sub(validators).saturating_sub(providers);
		EraPayoutSplit {
			validators: validators.saturated_into(),
			providers: providers.saturated_into(),
			treasury: treasury.saturated_into(),
		}
	}

	/// What `who` could claim now for `period`: zero if the period is open or expired, if
	/// `who` has no points, was disqualified or has claimed already.
	pub fn claimable(period: u32, who: &T::AccountId) -> BalanceOf<T> {
		Self::reward_of(period, who).unwrap_or_else(|_| Zero::zero())
	}

	/// What `who` served in `period`, and whether it was disqualified (`None`: nothing
	/// recorded, already claimed, or swept after the period expired).
	pub fn provider_service(period: u32, who: &T::AccountId) -> Option<ServiceRecord> {
		Service::<T>::get(period, who)
	}

	/// `who`'s reward for `period`, or why it has none.
	fn reward_of(period: u32, who: &T::AccountId) -> Result<BalanceOf<T>, Error<T>> {
		let current = CurrentPeriod::<T>::get();
		ensure!(period < current, Error::<T>::PeriodNotClosed);
		ensure!(
			period >= current.saturating_sub(T::RewardHistory::get()),
			Error::<T>::PeriodExpired
		);
		let record = Service::<T>::get(period, who).ok_or(Error::<T>::NothingToClaim)?;
		ensure!(!record.disqualified, Error::<T>::Disqualified);
		let closed = ClosedPeriods::<T>::get(period).ok_or(Error::<T>::NothingToClaim)?;
		let amount: BalanceOf<T> = multiply_by_rational_with_rounding(
			closed.pot.saturated_into(),
			record.points,
			closed.total_points,
			Rounding::Down,
		)
		.unwrap_or(0)
		.saturated_into();
		let amount = amount.min(closed.unclaimed);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		Ok(amount)
	}

	/// [`Pallet::claim_reward`] for the signed `who`.
	pub(crate) fn do_claim_reward(who: T::AccountId, period: u32) -> DispatchResult {
		let amount = Self::reward_of(period, &who)?;
		T::Currency::transfer(&Self::pot_account(), &who, amount, Preservation::Expendable)?;
		Service::<T>::remove(period, &who);
		ClosedPeriods::<T>::mutate(period, |closed| {
			if let Some(closed) = closed {
				closed.unclaimed = closed.unclaimed.saturating_sub(amount);
			}
		});
		Self::deposit_event(Event::RewardClaimed {
			who,
			period,
			amount,
		});
		Ok(())
	}

	/// Closes the open period with `credit` (the era's minted rest): see the module
	/// documentation.
	pub(crate) fn close_period(credit: Credit<T::AccountId, T::Currency>) {
		let parameters = Parameters::<T>::get();
		let period = CurrentPeriod::<T>::get();
		let total_points = CurrentPeriodPoints::<T>::take();
		let total: u128 = credit.peek().saturated_into();
		let providers_parts = u128::from(parameters.providers.deconstruct());
		let shared_parts =
			providers_parts.saturating_add(u128::from(parameters.treasury().deconstruct()));
		let providers_amount = if total_points == 0 || shared_parts == 0 {
			0
		} else {
			multiply_by_rational_with_rounding(total, providers_parts, shared_parts, Rounding::Down)
				.unwrap_or(0)
		};
		let (providers_credit, mut treasury_credit) =
			credit.split(providers_amount.saturated_into());
		let pot = Self::pot_account();
		let providers = providers_credit.peek();
		let providers = match Self::resolve_nonzero(&pot, providers_credit) {
			Ok(()) => providers,
			Err(unpaid) => {
				log::error!(
					target: LOG_TARGET,
					"the reward pot cannot receive {providers:?}: paid to the treasury",
				);
				treasury_credit.subsume(unpaid);
				Zero::zero()
			}
		};
		let treasury = treasury_credit.peek();
		let treasury = match Self::resolve_nonzero(&T::TreasuryAccount::get(), treasury_credit) {
			Ok(()) => treasury,
			Err(unpaid) => {
				log::error!(
					target: LOG_TARGET,
					"the treasury cannot receive {treasury:?}: burnt",
				);
				drop(unpaid);
				Zero::zero()
			}
		};
		ClosedPeriods::<T>::insert(
			period,
			ClosedPeriod {
				pot: providers,
				total_points,
				unclaimed: providers,
			},
		);
		let next = period.saturating_add(1);
		CurrentPeriod::<T>::put(next);
		Self::deposit_event(Event::PeriodClosed {
			period,
			providers,
			treasury,
			total_points,
		});
		if let Some(expired) = next.checked_sub(T::RewardHistory::get().saturating_add(1)) {
			Self::expire_period(expired);
		}
	}

	/// Pays `credit` to `who`, doing nothing for a zero credit.
	fn resolve_nonzero(
		who: &T::AccountId,
		credit: Credit<T::AccountId, T::Currency>,
	) -> Result<(), Credit<T::AccountId, T::Currency>> {
		if credit.peek().is_zero() {
			drop(credit);
			return Ok(());
		}
		T::Currency::resolve(who, credit)
	}

	/// Ends `period`'s claims: what was left unclaimed moves from the pot to the treasury
	/// (left in the pot, with an error logged, if it cannot).
	fn expire_period(period: u32) {
		let Some(closed) = ClosedPeriods::<T>::take(period) else {
			return;
		};
		let mut unclaimed = closed.unclaimed;
		if !unclaimed.is_zero() {
			if let Err(e) = T::Currency::transfer(
				&Self::pot_account(),
				&T::TreasuryAccount::get(),
				unclaimed,
				Preservation::Preserve,
			) {
				log::error!(
					target: LOG_TARGET,
					"cannot move period {period}'s unclaimed {unclaimed:?} to the treasury: {e:?}",
				);
				unclaimed = Zero::zero();
			}
		}
		Self::deposit_event(Event::PeriodExpired { period, unclaimed });
	}

	/// Removes expired periods' service records, oldest period first, within `remaining`
	/// weight (at most [`MAX_SWEEP_PER_BLOCK`] records), and expires any of those periods
	/// still recorded as closed (possible only if [`Config::RewardHistory`] was lowered).
	/// Returns the weight used.
	pub(crate) fn sweep_expired(remaining: Weight) -> Weight {
		let db = T::DbWeight::get();
		let mut used = db.reads(2);
		if remaining.any_lt(used) {
			return Weight::zero();
		}
		let expired_below = CurrentPeriod::<T>::get().saturating_sub(T::RewardHistory::get());
		let mut next = NextToSweep::<T>::get();
		if next >= expired_below {
			return used;
		}
		// NextToSweep's write.
		used.saturating_accrue(db.writes(1));
		let per_item = SWEEP_ITEM.saturating_add(db.reads_writes(1, 1));
		// Expiring a period: its record, the pot's and the treasury's accounts.
		let per_period = db.reads_writes(3, 3);
		let mut budget = MAX_SWEEP_PER_BLOCK;
		while next < expired_below && budget > 0 {
			let left = remaining.saturating_sub(used);
			if left.any_lt(per_period) {
				break;
			}
			let left = left.saturating_sub(per_period);
			let by_time = left
				.ref_time()
				.checked_div(per_item.ref_time())
				.unwrap_or(u64::MAX);
			let by_proof = left
				.proof_size()
				.checked_div(per_item.proof_size())
				.unwrap_or(u64::MAX);
			let limit = budget.min(by_time.min(by_proof).saturated_into());
			if limit == 0 {
				break;
			}
			// A period still recorded as closed expired without a close to expire it
			// (RewardHistory was lowered): settle it first.
			used.saturating_accrue(per_period);
			Self::expire_period(next);
			// One call per prefix per block: a second call in the same block would
			// count the keys removed by the first again.
			let result = Service::<T>::clear_prefix(next, limit, None);
			used.saturating_accrue(per_item.saturating_mul(u64::from(result.loops.max(1))));
			budget = budget.saturating_sub(result.loops.max(1));
			if result.maybe_cursor.is_some() {
				break;
			}
			next = next.saturating_add(1);
		}
		NextToSweep::<T>::put(next);
		used
	}
}

/// The registry's service and offence records for the open period (see the module
/// documentation).
impl<T: Config> UsageLedger<T::AccountId> for Pallet<T> {
	fn record_service(provider: &T::AccountId, points: u128) {
		if points == 0 {
			return;
		}
		let period = CurrentPeriod::<T>::get();
		Service::<T>::mutate(period, provider, |record| {
			let record = record.get_or_insert_with(Default::default);
			if record.disqualified {
				return;
			}
			let before = record.points;
			record.points = before.saturating_add(points);
			let added = record.points.saturating_sub(before);
			CurrentPeriodPoints::<T>::mutate(|total| *total = total.saturating_add(added));
		});
	}

	fn record_offence(provider: &T::AccountId, offence: ProviderOffence) {
		let period = CurrentPeriod::<T>::get();
		Service::<T>::mutate(period, provider, |record| {
			record.get_or_insert_with(Default::default).disqualified = true;
		});
		Pallet::<T>::deposit_event(Event::ProviderDisqualified {
			provider: provider.clone(),
			period,
			offence,
		});
	}
}

/// The staking pallet's `EraPayout`: the validators' part of [`Pallet::era_payout_split`],
/// and the providers' and treasury's parts together as "the rest" (which the staking
/// pallet mints and hands to [`CloseRewardPeriod`]). The total staked does not matter.
pub struct CaesarEraPayout<T>(PhantomData<T>);

impl<T: Config> sp_staking::EraPayout<BalanceOf<T>> for CaesarEraPayout<T> {
	fn era_payout(
		_total_staked: BalanceOf<T>,
		total_issuance: BalanceOf<T>,
		era_duration_millis: u64,
	) -> (BalanceOf<T>, BalanceOf<T>) {
		let split = Pallet::<T>::era_payout_split(total_issuance, era_duration_millis);
		(
			split.validators,
			split.providers.saturating_add(split.treasury),
		)
	}
}

/// The staking pallet's `RewardRemainder`: receives each era's minted rest and closes the
/// reward period with it, even when it is zero (see the module documentation).
pub struct CloseRewardPeriod<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<fungible::Credit<T::AccountId, T::Currency>> for CloseRewardPeriod<T> {
	fn on_unbalanced(amount: fungible::Credit<T::AccountId, T::Currency>) {
		Pallet::<T>::close_period(amount);
	}
}

/// The session length stored at genesis, for the runtime's `pallet_session`
/// (`PeriodicSessions`); [`DEFAULT_SESSION_LENGTH`] if none was stored.
pub struct SessionLengthOf<T>(PhantomData<T>);

impl<T: Config> Get<BlockNumberFor<T>> for SessionLengthOf<T> {
	fn get() -> BlockNumberFor<T> {
		let length = SessionLength::<T>::get();
		if length.is_zero() {
			DEFAULT_SESSION_LENGTH.into()
		} else {
			length
		}
	}
}

/// The sessions per era stored at genesis, for the runtime's `pallet_staking`
/// (`SessionsPerEra`); [`DEFAULT_SESSIONS_PER_ERA`] if none was stored.
pub struct SessionsPerEraOf<T>(PhantomData<T>);

impl<T: Config> Get<u32> for SessionsPerEraOf<T> {
	fn get() -> u32 {
		match SessionsPerEra::<T>::get() {
			0 => DEFAULT_SESSIONS_PER_ERA,
			sessions => sessions,
		}
	}
}

/// The slash deferral stored at genesis, for the runtime's `pallet_staking`
/// (`SlashDeferDuration`), at most `Max` (the runtime passes one less than its bonding
/// duration, so a slash always lands before the slashed stake can be withdrawn);
/// [`DEFAULT_SLASH_DEFER_ERAS`] (also capped) if genesis stored none.
pub struct SlashDeferErasOf<T, Max>(PhantomData<(T, Max)>);

impl<T: Config, Max: Get<u32>> Get<u32> for SlashDeferErasOf<T, Max> {
	fn get() -> u32 {
		SlashDeferEras::<T>::get()
			.unwrap_or(DEFAULT_SLASH_DEFER_ERAS)
			.min(Max::get())
	}
}

/// The offence slash of the current [`EconomicParameters`], for the asset registry's
/// `OffenceSlash` (so governance changes it with [`Pallet::set_parameters`]).
pub struct OffenceSlashOf<T>(PhantomData<T>);

impl<T: Config> Get<Perbill> for OffenceSlashOf<T> {
	fn get() -> Perbill {
		Parameters::<T>::get().offence_slash
	}
}
