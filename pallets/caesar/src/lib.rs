//! # Caesar: HyperMesh's economy
//!
//! HyperMesh pays for three things: validators securing the chain, providers serving
//! hardware to consumers, and the treasury funding what neither pays for. Caesar is where
//! that money comes from and goes to. The asset registry knows what providers serve and
//! how they misbehave; it reaches Caesar only through the traits of
//! `hypermesh_primitives::economy`, which [`Pallet`] implements, and Caesar never reads the
//! registry's storage. Its domains each have a module adding logic and queries to
//! [`Pallet`]:
//!
//! * **Bonds** (`stake`): providers bond funds (held under [`HoldReason::ProviderBond`]) to
//!   back their PoStake claims. Unbonded stake stops counting at once but stays held for
//!   [`Config::UnbondingPeriod`] blocks before [`Pallet::withdraw_unbonded`] releases it.
//!   A proven offence slashes a share of the bonded stake (`BondedStake::slash`) to
//!   [`Config::TreasuryAccount`]; the registry's share comes from
//!   [`EconomicParameters::offence_slash`] through [`OffenceSlashOf`].
//! * **Issuance** (`rewards`): each staking era mints `total_issuance * yearly_inflation *
//!   era_length / year` ([`Pallet::era_payout_split`]), split by [`EconomicParameters`]
//!   between validators, providers and the treasury. [`CaesarEraPayout`] gives the staking
//!   pallet the validators' part and "the rest"; the staking pallet hands the rest, minted,
//!   to [`CloseRewardPeriod`], which pays the providers' part into the reward pot
//!   ([`Config::PalletId`]'s account) and the treasury's to [`Config::TreasuryAccount`],
//!   and closes the reward period. So a Caesar reward period is a staking era.
//! * **Provider rewards** (`rewards`): during a period the registry records each
//!   provider's service points (`UsageLedger::record_service`) and proven offences
//!   (`UsageLedger::record_offence`, which disqualifies the provider for the period). Once
//!   the period is closed, each provider claims `pot * its_points / total_points`
//!   ([`Pallet::claim_reward`]) within [`Config::RewardHistory`] periods. Rounding dust,
//!   disqualified providers' shares and unclaimed rewards stay in the pot until the period
//!   expires, then go to the treasury.
//! * **Lease escrow** (`escrow`): what a consumer pays for an allocation's lease is held
//!   from it (under [`HoldReason::LeaseEscrow`]) when the lease is made, and settled when
//!   it ends: the provider is paid for the blocks served, the consumer refunded the rest
//!   (`LeaseEscrow`).
//! * **Session timing**: the session length and sessions per era are genesis values
//!   ([`SessionLength`], [`SessionsPerEra`]) that the runtime's session and staking pallets
//!   read through [`SessionLengthOf`] and [`SessionsPerEraOf`], so one WASM runs fast dev
//!   chains and production-length staging chains.
//!
//! Transaction fees are not Caesar's concern: the runtime burns them.
//!
//! The data types are in [`types`]; this file holds the pallet's declarations
//! (configuration, storage, events, errors, hooks, genesis) and the dispatchables, which
//! check the origin and hand over to the domain modules. Every call checks all of its
//! input before it changes anything, and runs in its own storage layer besides, so a
//! failed call leaves no trace but its fee.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod types;
pub mod weights;

mod escrow;
mod rewards;
mod stake;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use rewards::{
	CaesarEraPayout, CloseRewardPeriod, OffenceSlashOf, SessionLengthOf, SessionsPerEraOf,
	SlashDeferErasOf, MILLISECONDS_PER_YEAR,
};
pub use types::*;
pub use weights::WeightInfo;

use frame_support::{pallet_prelude::*, PalletId};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::SaturatedConversion;

/// The default session length: 600 blocks, one hour at 6 s blocks (also what
/// [`SessionLengthOf`] answers if genesis stored none).
pub const DEFAULT_SESSION_LENGTH: u32 = 600;

/// The default sessions per era (also what [`SessionsPerEraOf`] answers if genesis stored
/// none).
pub const DEFAULT_SESSIONS_PER_ERA: u32 = 6;

/// The default slash deferral in eras: 27, a week less one era at six-hour eras, for
/// governance to cancel an unjust slash (also what [`SlashDeferErasOf`] answers if genesis
/// stored none, as on chains started before the value existed).
pub const DEFAULT_SLASH_DEFER_ERAS: u32 = 27;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::traits::fungible::{self, MutateHold};
	use frame_system::pallet_prelude::*;

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> = <<T as Config>::Currency as fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

	/// The storage layout's version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The pallet's configuration.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency bonds, escrows and rewards are in.
		type Currency: fungible::Inspect<Self::AccountId>
			+ fungible::Mutate<Self::AccountId>
			+ MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Balanced<Self::AccountId>;

		/// The runtime's hold reasons, which include this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The providers' reward pot is this id's account.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Receives the treasury's share of issuance, slashes and expired rewards (until a
		/// treasury pallet exists, any account the runtime chooses).
		#[pallet::constant]
		type TreasuryAccount: Get<Self::AccountId>;

		/// How many blocks unbonded stake stays held (no longer counted as stake) before
		/// it can be withdrawn.
		#[pallet::constant]
		type UnbondingPeriod: Get<BlockNumberFor<Self>>;

		/// The most unbonding chunks an account may have waiting at once.
		#[pallet::constant]
		type MaxUnbondingChunks: Get<u32>;

		/// How many closed reward periods stay claimable (at least 1).
		#[pallet::constant]
		type RewardHistory: Get<u32>;

		/// Who may change the [`EconomicParameters`] (root now, governance later).
		type ParameterOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Weights of the calls, from the benchmarks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// Stake bonded by a provider (PoStake), slashable for proven offences.
		#[codec(index = 0)]
		ProviderBond,
		/// A consumer's payment for a lease, until the lease is settled.
		#[codec(index = 1)]
		LeaseEscrow,
	}

	/// The economy's parameters: inflation, its split, and the offence slash.
	#[pallet::storage]
	pub type Parameters<T> = StorageValue<_, EconomicParameters, ValueQuery>;

	/// Blocks per session (set at genesis; read through [`SessionLengthOf`]).
	#[pallet::storage]
	pub type SessionLength<T> = StorageValue<_, BlockNumberFor<T>, ValueQuery>;

	/// Sessions per staking era (set at genesis; read through [`SessionsPerEraOf`]).
	#[pallet::storage]
	pub type SessionsPerEra<T> = StorageValue<_, u32, ValueQuery>;

	/// Eras a validator slash waits before it is applied (set at genesis; read through
	/// [`SlashDeferErasOf`]). `None` on chains started before it existed: the default.
	#[pallet::storage]
	pub type SlashDeferEras<T> = StorageValue<_, u32, OptionQuery>;

	/// Stake unbonded and not yet withdrawn, by account, oldest first.
	#[pallet::storage]
	pub type Unbonding<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<UnbondingChunk<BalanceOf<T>, BlockNumberFor<T>>, T::MaxUnbondingChunks>,
		ValueQuery,
	>;

	/// The open reward period (the number of periods closed so far).
	#[pallet::storage]
	pub type CurrentPeriod<T> = StorageValue<_, u32, ValueQuery>;

	/// The service points recorded so far in the open period, all providers together.
	#[pallet::storage]
	pub type CurrentPeriodPoints<T> = StorageValue<_, u128, ValueQuery>;

	/// What each provider served in each period, and whether it was disqualified. A claimed
	/// record is removed; records of expired periods are swept by `on_idle`.
	#[pallet::storage]
	pub type Service<T: Config> =
		StorageDoubleMap<_, Twox64Concat, u32, Blake2_128Concat, T::AccountId, ServiceRecord>;

	/// The closed periods still claimable: their pot and total points.
	#[pallet::storage]
	pub type ClosedPeriods<T: Config> =
		StorageMap<_, Twox64Concat, u32, ClosedPeriod<BalanceOf<T>>>;

	/// The oldest period whose service records may still be stored: expired periods from
	/// here up are swept by `on_idle`.
	#[pallet::storage]
	pub type NextToSweep<T> = StorageValue<_, u32, ValueQuery>;

	/// Open lease escrows, by the registry's allocation id.
	#[pallet::storage]
	pub type Leases<T: Config> =
		StorageMap<_, Twox64Concat, u64, Lease<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>>;

	/// What happened.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// Stake was bonded.
		Bonded {
			/// Whose.
			who: T::AccountId,
			/// How much more.
			amount: BalanceOf<T>,
		},
		/// Stake was unbonded: no longer counted as stake, held until `unlocks_at`.
		Unbonded {
			/// Whose.
			who: T::AccountId,
			/// How much.
			amount: BalanceOf<T>,
			/// The first block at which it can be withdrawn.
			unlocks_at: BlockNumberFor<T>,
		},
		/// Unbonded stake was released to its owner.
		Withdrawn {
			/// Whose.
			who: T::AccountId,
			/// How much.
			amount: BalanceOf<T>,
		},
		/// A proven offence cost a provider part of its bond, moved to the treasury.
		Slashed {
			/// The provider.
			who: T::AccountId,
			/// What it did.
			offence: hypermesh_primitives::economy::ProviderOffence,
			/// How much was taken.
			amount: BalanceOf<T>,
		},
		/// A proven offence disqualified a provider from the open period's rewards.
		ProviderDisqualified {
			/// The provider.
			provider: T::AccountId,
			/// The period.
			period: u32,
			/// What it did.
			offence: hypermesh_primitives::economy::ProviderOffence,
		},
		/// A reward period closed: its providers may claim their shares of `providers`.
		PeriodClosed {
			/// The period closed.
			period: u32,
			/// What the providers' pot received.
			providers: BalanceOf<T>,
			/// What the treasury received.
			treasury: BalanceOf<T>,
			/// The service points recorded in the period.
			total_points: u128,
		},
		/// A period's claims ended; what was left unclaimed went to the treasury.
		PeriodExpired {
			/// The period.
			period: u32,
			/// What went to the treasury.
			unclaimed: BalanceOf<T>,
		},
		/// A provider claimed its reward for a period.
		RewardClaimed {
			/// The provider.
			who: T::AccountId,
			/// The period.
			period: u32,
			/// How much it was paid.
			amount: BalanceOf<T>,
		},
		/// The economic parameters changed.
		ParametersSet {
			/// The new parameters.
			parameters: EconomicParameters,
		},
		/// A lease's payment was escrowed from its consumer.
		LeaseOpened {
			/// The registry's allocation id.
			allocation: u64,
			/// Who pays.
			consumer: T::AccountId,
			/// Who is paid.
			provider: T::AccountId,
			/// What was held.
			amount: BalanceOf<T>,
		},
		/// A lease was settled.
		LeaseClosed {
			/// The registry's allocation id.
			allocation: u64,
			/// What the provider was paid for the blocks served.
			paid: BalanceOf<T>,
			/// What the consumer got back.
			refunded: BalanceOf<T>,
		},
	}

	/// Why a call failed. A failed call changes nothing.
	#[pallet::error]
	pub enum Error<T> {
		/// The amount is zero.
		ZeroAmount,
		/// Less is bonded than the amount to unbond.
		NotBonded,
		/// The account has the most unbonding chunks allowed waiting; withdraw first.
		TooManyUnbondingChunks,
		/// No unbonded stake of the account's has unlocked yet.
		NothingToWithdraw,
		/// The period is still open (or has not begun).
		PeriodNotClosed,
		/// The period is older than [`Config::RewardHistory`] closed periods: its rewards
		/// went to the treasury.
		PeriodExpired,
		/// The caller has no reward for the period: no points, a share that rounds to
		/// zero, or already claimed.
		NothingToClaim,
		/// The caller committed an offence during the period and earns nothing for it.
		Disqualified,
		/// The validators' and providers' shares add up to more than 100%.
		InvalidParameters,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Sweeps the service records of expired periods, as far as `remaining` allows.
		fn on_idle(_now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::sweep_expired(remaining)
		}

		fn integrity_test() {
			assert!(
				T::RewardHistory::get() >= 1,
				"RewardHistory must be at least 1"
			);
			assert!(
				T::MaxUnbondingChunks::get() >= 1,
				"MaxUnbondingChunks must be at least 1"
			);
		}
	}

	/// Caesar's genesis: the economic parameters and session timing.
	#[pallet::genesis_config]
	pub struct GenesisConfig<T: Config> {
		/// The economic parameters (validators + providers at most 100%).
		pub parameters: EconomicParameters,
		/// Blocks per session (not zero).
		pub session_length: BlockNumberFor<T>,
		/// Sessions per era (not zero).
		pub sessions_per_era: u32,
		/// Eras a validator slash waits before it is applied (the runtime caps it below
		/// its bonding duration).
		pub slash_defer_eras: u32,
	}

	impl<T: Config> Default for GenesisConfig<T> {
		/// The default parameters, 600-block sessions (an hour at 6 s), 6 sessions per era,
		/// slashes deferred 27 eras.
		fn default() -> Self {
			Self {
				parameters: EconomicParameters::default(),
				session_length: DEFAULT_SESSION_LENGTH.into(),
				sessions_per_era: DEFAULT_SESSIONS_PER_ERA,
				slash_defer_eras: DEFAULT_SLASH_DEFER_ERAS,
			}
		}
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		/// Stores the parameters and timing (refusing invalid ones: a chain spec error),
		/// and makes the reward pot and the treasury account exist by minting the
		/// existential deposit into each that holds less, so that any reward, slash or
		/// share, however small, can be paid into them.
		fn build(&self) {
			assert!(
				self.parameters.is_valid(),
				"Caesar genesis: validators + providers exceed 100%"
			);
			assert!(
				self.session_length != Zero::zero(),
				"Caesar genesis: the session length is zero"
			);
			assert!(
				self.sessions_per_era != 0,
				"Caesar genesis: the sessions per era are zero"
			);
			Parameters::<T>::put(self.parameters);
			SessionLength::<T>::put(self.session_length);
			SessionsPerEra::<T>::put(self.sessions_per_era);
			SlashDeferEras::<T>::put(self.slash_defer_eras);
			for account in [Pallet::<T>::pot_account(), T::TreasuryAccount::get()] {
				Pallet::<T>::ensure_exists(&account);
			}
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Bonds `amount` more of the caller's funds as stake (held, not transferred).
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::bond())]
		pub fn bond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond(who, amount)
		}

		/// Unbonds `amount` of the caller's stake: it stops counting as stake at once (for
		/// PoStake, proxy choice and slashing) but stays held for
		/// [`Config::UnbondingPeriod`] blocks, then [`Pallet::withdraw_unbonded`] releases it.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::unbond())]
		pub fn unbond(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_unbond(who, amount)
		}

		/// Releases the caller's unbonded stake whose unbonding period is over.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who)
		}

		/// Pays the caller its share of closed period `period`'s providers' pot:
		/// `pot * its_points / total_points`, rounded down. Once per period, within
		/// [`Config::RewardHistory`] periods of its close.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::claim_reward())]
		pub fn claim_reward(origin: OriginFor<T>, period: u32) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_reward(who, period)
		}

		/// Sets the economic parameters (from the next era's payout on).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(
			origin: OriginFor<T>,
			parameters: EconomicParameters,
		) -> DispatchResult {
			T::ParameterOrigin::ensure_origin(origin)?;
			ensure!(parameters.is_valid(), Error::<T>::InvalidParameters);
			Parameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}
	}
}

impl<T: Config> Pallet<T> {
	/// The providers' reward pot: [`Config::PalletId`]'s account.
	pub fn pot_account() -> T::AccountId {
		use sp_runtime::traits::AccountIdConversion;
		T::PalletId::get().into_account_truncating()
	}

	/// Mints what `who` lacks of the existential deposit (genesis only).
	fn ensure_exists(who: &T::AccountId) {
		use frame_support::traits::fungible::{Inspect, Mutate};
		use sp_runtime::Saturating;
		let minimum = T::Currency::minimum_balance();
		let balance = T::Currency::balance(who);
		if balance < minimum {
			let _ = T::Currency::mint_into(who, minimum.saturating_sub(balance))
				.inspect_err(|e| log::error!(target: LOG_TARGET, "cannot endow {who:?}: {e:?}"));
		}
	}
}

/// The target of this pallet's log messages.
pub(crate) const LOG_TARGET: &str = "runtime::caesar";
