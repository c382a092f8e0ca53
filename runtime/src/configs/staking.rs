//! Validators chosen by stake: FRAME's session, staking, offences and election pallets.
//!
//! The validator set is no longer fixed at genesis. Anyone bonds CAES (`staking.bond`),
//! declares intent (`staking.validate`) and registers session keys (`session.setKeys`, with
//! keys from `author_rotateKeys`); at the next era the on-chain sequential Phragmén election
//! picks the set, and two sessions later it authors (Aura) and votes (GRANDPA).
//!
//! * Sessions last `Caesar::SessionLength` blocks and eras `Caesar::SessionsPerEra` sessions,
//!   both set at genesis: a minute and two minutes on `dev`/`local`, an hour and six hours on
//!   `staging`, with one WASM.
//! * Era rewards come from Caesar's issuance schedule ([`pallet_caesar::CaesarEraPayout`]):
//!   staking pays the validators' share by era points (20 per authored block, through
//!   `pallet-authorship`), and hands the rest to [`pallet_caesar::CloseRewardPeriod`], which
//!   closes the providers' reward period and pays the treasury share.
//! * GRANDPA equivocations are reported with session-historical key-ownership proofs,
//!   become offences (`pallet-offences`) and are slashed by staking after
//!   [`SlashDeferDuration`] eras (a genesis value: 27 on `staging`, 1 on the test chains);
//!   slashed funds go to the treasury account.

use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	onchain, SequentialPhragmen,
};
use frame_support::{
	parameter_types,
	traits::{tokens::imbalance::ResolveTo, ConstU32, ConstU64},
};
use sp_runtime::{traits::ConvertInto, transaction_validity::TransactionPriority, Perbill};
use sp_staking::EraIndex;

use super::TreasuryAccount;
use crate::{
	AccountId, Aura, Balance, Balances, Historical, Offences, Runtime, RuntimeEvent,
	RuntimeHoldReason, Session, SessionKeys, Staking, Timestamp, VoterList,
};

/// Session length, read from Caesar's genesis-set storage.
type SessionPeriod = pallet_caesar::SessionLengthOf<Runtime>;
/// Sessions start at block 0.
type SessionOffset = frame_support::traits::ConstU32<0>;

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	/// A validator is identified by its stash account.
	type ValidatorIdOf = ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<SessionPeriod, SessionOffset>;
	/// Staking picks each era's validators; historical keeps the roots that prove key
	/// ownership for equivocation reports.
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Runtime, Staking>;
	type SessionHandler = <SessionKeys as sp_runtime::traits::OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	/// A third of the set may be disabled for misbehaving; disabled validators are
	/// re-enabled when a worse offender is disabled in their place.
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy<3>;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	/// Setting keys costs nothing but the fee.
	type KeyDeposit = ();
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = pallet_staking::UnitIdentificationOf<Runtime>;
}

impl pallet_authorship::Config for Runtime {
	/// The author is the Aura authority of the block's slot, mapped to its stash.
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Runtime, Aura>;
	/// Staking gives the author an era point per block.
	type EventHandler = Staking;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Runtime>;
	type OnOffenceHandler = Staking;
}

/// Vote-weight thresholds of the nominator bags: powers of two CAES-planck units, from
/// one CAES to ten million; voters are kept sorted by weight within 26 bags.
const VOTER_BAG_THRESHOLDS: [u64; 26] = {
	let mut bags = [0u64; 26];
	let mut i = 0;
	// 1 CAES = 10^12 plancks; `CurrencyToVote` scales balances down to u64.
	let mut threshold: u64 = 1_000_000_000_000;
	while i < 26 {
		bags[i] = threshold;
		threshold = threshold.saturating_mul(2);
		i += 1;
	}
	bags
};

parameter_types! {
	/// The bag thresholds of the voter list.
	pub const BagThresholds: &'static [u64] = &VOTER_BAG_THRESHOLDS;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ScoreProvider = Staking;
	type WeightInfo = pallet_bags_list::weights::SubstrateWeight<Runtime>;
	type BagThresholds = BagThresholds;
	type MaxAutoRebagPerBlock = ConstU32<0>;
	type Score = frame_election_provider_support::VoteWeight;
}

parameter_types! {
	/// At most 100 validators.
	pub const MaxActiveValidators: u32 = 100;
	/// The election reads at most 10,000 voters (the largest stakes first, from the bags
	/// list) and 1,000 targets. Measured (BENCHMARKS.md, "The era transition"): each voter
	/// costs the on-chain election about 86 µs and 4 reads, so 10,000 stay within about
	/// 1.3 s of the block's 2 s with 100 validators; the 22,500 this was would not fit.
	pub ElectionBoundsOnChain: ElectionBounds = ElectionBoundsBuilder::default()
		.voters_count(10_000.into())
		.targets_count(1_000.into())
		.build();
	/// A validator's exposure counts at most 512 nominators.
	pub const MaxBackersPerWinner: u32 = 512;
}

/// How many eras a validator slash waits, read from Caesar's genesis-set storage and capped
/// below the bonding duration.
pub type SlashDeferDuration = pallet_caesar::SlashDeferErasOf<Runtime, MaxSlashDeferDuration>;

/// The on-chain election: sequential Phragmén over staking's voters and targets.
pub struct OnChainSeqPhragmen;

impl onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxWinnersPerPage = MaxActiveValidators;
	type MaxBackersPerWinner = MaxBackersPerWinner;
	type Bounds = ElectionBoundsOnChain;
	type Sort = frame_support::traits::ConstBool<true>;
}

parameter_types! {
	/// Unbonded stake stays slashable for 28 eras (a week on `staging`).
	pub const BondingDuration: EraIndex = 28;
	/// The longest slash deferral: a slash must land while the stake is still bonded.
	pub const MaxSlashDeferDuration: EraIndex = BondingDuration::get() - 1;
	/// Rewards stay claimable for 84 eras.
	pub const HistoryDepth: u32 = 84;
	/// At most 512 nominators per page of a validator's exposure.
	pub const MaxExposurePageSize: u32 = 512;
}

impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CurrencyBalance = Balance;
	type UnixTime = Timestamp;
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	type ElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type GenesisElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	type HistoryDepth = HistoryDepth;
	/// What the schedule mints beyond the validators' share: providers' pot and treasury.
	type RewardRemainder = pallet_caesar::CloseRewardPeriod<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	/// Slashed stake goes to the treasury account.
	type Slash = ResolveTo<TreasuryAccount, Balances>;
	type Reward = ();
	type SessionsPerEra = pallet_caesar::SessionsPerEraOf<Runtime>;
	type BondingDuration = BondingDuration;
	/// Set at genesis: 27 eras on `staging` (governance can cancel an unjust slash), one on
	/// the test chains.
	type SlashDeferDuration = SlashDeferDuration;
	/// Root: a root-track referendum (validator count, forced eras, cancelling a deferred
	/// slash).
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	type SessionInterface = Self;
	type EraPayout = pallet_caesar::CaesarEraPayout<Runtime>;
	type NextNewSession = Session;
	type MaxExposurePageSize = MaxExposurePageSize;
	type MaxValidatorSet = MaxActiveValidators;
	type VoterList = VoterList;
	type TargetList = pallet_staking::UseValidatorsMap<Runtime>;
	type MaxUnlockingChunks = ConstU32<32>;
	type MaxControllersInDeprecationBatch = ConstU32<100>;
	type EventListeners = ();
	type Filter = frame_support::traits::Nothing;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = pallet_staking::weights::SubstrateWeight<Runtime>;
}

/// The largest sets staking's benchmarks use: the era-transition target (100 validators,
/// 1,000 nominators) and beyond.
pub struct StakingBenchmarkingConfig;

impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxValidators = ConstU32<1000>;
	type MaxNominators = ConstU32<1000>;
}

parameter_types! {
	/// An equivocation report stays valid in the pool for at most the bonding duration in
	/// blocks on `staging` (28 eras of 6 one-hour sessions of 600 blocks): past that, the
	/// offender's stake may already be unbonded.
	pub const ReportLongevity: u64 = 28 * 6 * 600;
	/// Equivocation reports are as urgent as anything.
	pub const EquivocationReportPriority: TransactionPriority = TransactionPriority::MAX;
}

/// GRANDPA's equivocation reports: key-ownership proven against session history,
/// reported as offences, slashed by staking.
pub type GrandpaEquivocationReports =
	pallet_grandpa::EquivocationReportSystem<Runtime, Offences, Historical, ReportLongevity>;

/// Session indices GRANDPA keeps set ids for: the bonding duration's worth of sessions at
/// `staging`'s six sessions per era (a constant, so the test chains' two sessions per era keep
/// more than they need: the bound only limits storage).
pub type GrandpaSetIdSessionEntries = ConstU64<{ 28 * 6 }>;
