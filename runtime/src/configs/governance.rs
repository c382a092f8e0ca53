//! Configuration of the governance pallets: preimages, the scheduler, referenda with
//! conviction voting on this chain's [tracks](crate::governance::tracks), the whitelist
//! and its technical committee, the treasury, and the parameters referenda may change.
//!
//! Periods are [`Timed`]: production-length on public networks, minutes on test chains.
//! Runtime upgrades go through the root track as `system.authorize_upgrade(code_hash)`;
//! once enacted, anyone submits `system.apply_authorized_upgrade(code)` (see README).

use frame_support::{
	dynamic_params::{dynamic_pallet_params, dynamic_params},
	parameter_types,
	traits::{
		fungible::HoldConsideration,
		tokens::{pay::PayFromAccount, UnityAssetBalanceConversion},
		AsEnsureOriginWithArg, ConstU32, EitherOf, EitherOfDiverse, EnsureOrigin,
		EnsureOriginWithArg, EqualPrivilegeOnly, Get, LinearStoragePrice,
	},
	weights::Weight,
};
use frame_system::{EnsureRoot, EnsureRootWithSuccess, EnsureSigned};
use sp_runtime::{traits::IdentityLookup, Perbill};

use super::RuntimeBlockWeights;
use crate::{
	governance::{
		origins,
		tracks::{TracksInfo, TREASURER_MAX_SPEND},
		Timed,
	},
	AccountId, Balance, Balances, BlockNumber, OriginCaller, Preimage, Referenda, Runtime,
	RuntimeCall, RuntimeEvent, RuntimeHoldReason, RuntimeOrigin, Scheduler, System, Treasury, DAYS,
	MICRO_UNIT, UNIT,
};

parameter_types! {
	/// Held for every noted preimage, plus [`PreimageByteDeposit`] per byte.
	pub const PreimageBaseDeposit: Balance = UNIT;
	/// Held per byte of a noted preimage.
	pub const PreimageByteDeposit: Balance = 10 * MICRO_UNIT;
	/// The hold a preimage's deposit is kept under.
	pub const PreimageHoldReason: RuntimeHoldReason =
		RuntimeHoldReason::Preimage(pallet_preimage::HoldReason::Preimage);
}

impl pallet_preimage::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_preimage::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type ManagerOrigin = EnsureRoot<AccountId>;
	type Consideration = HoldConsideration<
		AccountId,
		Balances,
		PreimageHoldReason,
		LinearStoragePrice<PreimageBaseDeposit, PreimageByteDeposit, Balance>,
	>;
}

parameter_types! {
	/// Scheduled calls (enactments) may use 80 % of a block.
	pub MaximumSchedulerWeight: Weight =
		Perbill::from_percent(80) * RuntimeBlockWeights::get().max_block;
}

impl pallet_scheduler::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeOrigin = RuntimeOrigin;
	type PalletsOrigin = OriginCaller;
	type RuntimeCall = RuntimeCall;
	type MaximumWeight = MaximumSchedulerWeight;
	type ScheduleOrigin = EnsureRoot<AccountId>;
	type OriginPrivilegeCmp = EqualPrivilegeOnly;
	type MaxScheduledPerBlock = ConstU32<50>;
	type WeightInfo = pallet_scheduler::weights::SubstrateWeight<Runtime>;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

parameter_types! {
	/// Held from whoever submits a referendum, returned when it is decided.
	pub const SubmissionDeposit: Balance = 10 * UNIT;
	/// A referendum that never gets its decision deposit times out after 14 days.
	pub const UndecidingTimeoutProduction: BlockNumber = 14 * DAYS;
	/// ... or 5 minutes on a test chain.
	pub const UndecidingTimeoutFast: BlockNumber = 50;
	/// Conviction locks last multiples of 7 days ...
	pub const VoteLockingPeriodProduction: BlockNumber = 7 * DAYS;
	/// ... or of 10 blocks on a test chain.
	pub const VoteLockingPeriodFast: BlockNumber = 10;
}

impl pallet_referenda::Config for Runtime {
	type WeightInfo = pallet_referenda::weights::SubstrateWeight<Runtime>;
	type RuntimeCall = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type Scheduler = Scheduler;
	type Currency = Balances;
	/// Any account may submit a referendum on any track.
	type SubmitOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type CancelOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	/// Deposits of killed referenda go to the treasury.
	type Slash = Treasury;
	type Votes = pallet_conviction_voting::VotesOf<Runtime>;
	type Tally = pallet_conviction_voting::TallyOf<Runtime>;
	type SubmissionDeposit = SubmissionDeposit;
	type MaxQueued = ConstU32<100>;
	type UndecidingTimeout = Timed<UndecidingTimeoutProduction, UndecidingTimeoutFast>;
	type AlarmInterval = ConstU32<1>;
	type Tracks = TracksInfo;
	type Preimages = Preimage;
	type BlockNumberProvider = System;
}

impl pallet_conviction_voting::Config for Runtime {
	type WeightInfo = pallet_conviction_voting::weights::SubstrateWeight<Runtime>;
	type RuntimeEvent = RuntimeEvent;
	type Currency = Balances;
	type VoteLockingPeriod = Timed<VoteLockingPeriodProduction, VoteLockingPeriodFast>;
	type MaxVotes = ConstU32<512>;
	/// Support is measured against the active issuance.
	type MaxTurnout =
		frame_support::traits::tokens::currency::ActiveIssuanceOf<Balances, AccountId>;
	type Polls = Referenda;
	type BlockNumberProvider = System;
	type VotingHooks = ();
}

/// The technical committee: a small collective that can whitelist a call, so that its
/// referendum runs on the whitelisted-caller track (low support, short confirmation).
pub type TechnicalCollective = pallet_collective::Instance1;

parameter_types! {
	/// A committee motion stays open 3 days ...
	pub const MotionDurationProduction: BlockNumber = 3 * DAYS;
	/// ... or 10 blocks on a test chain.
	pub const MotionDurationFast: BlockNumber = 10;
	/// A committee motion may carry half a block's weight.
	pub MaxCollectiveProposalWeight: Weight =
		Perbill::from_percent(50) * RuntimeBlockWeights::get().max_block;
}

impl pallet_collective::Config<TechnicalCollective> for Runtime {
	type RuntimeOrigin = RuntimeOrigin;
	type Proposal = RuntimeCall;
	type RuntimeEvent = RuntimeEvent;
	type MotionDuration = Timed<MotionDurationProduction, MotionDurationFast>;
	type MaxProposals = ConstU32<100>;
	type MaxMembers = ConstU32<16>;
	type DefaultVote = pallet_collective::PrimeDefaultVote;
	type WeightInfo = pallet_collective::weights::SubstrateWeight<Runtime>;
	/// Members change by a root referendum.
	type SetMembersOrigin = EnsureRoot<AccountId>;
	type MaxProposalWeight = MaxCollectiveProposalWeight;
	type DisapproveOrigin = EnsureRoot<AccountId>;
	type KillOrigin = EnsureRoot<AccountId>;
	type Consideration = ();
}

/// Two thirds of the technical committee.
pub type TechnicalTwoThirds =
	pallet_collective::EnsureProportionAtLeast<AccountId, TechnicalCollective, 2, 3>;

parameter_types! {
	/// A deferred whitelisted dispatch expires after a day.
	pub const WhitelistDeferredExpiration: BlockNumber = DAYS;
}

impl pallet_whitelist::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	/// Two thirds of the technical committee (or root) whitelist a call hash.
	type WhitelistOrigin = EitherOfDiverse<EnsureRoot<AccountId>, TechnicalTwoThirds>;
	/// The whitelisted-caller track (or root) dispatches it.
	type DispatchWhitelistedOrigin = EitherOf<EnsureRoot<AccountId>, origins::WhitelistedCaller>;
	type Preimages = Preimage;
	type DeferredDispatchExpiration = WhitelistDeferredExpiration;
	type BlockNumberProvider = System;
	type WeightInfo = pallet_whitelist::weights::SubstrateWeight<Runtime>;
}

impl origins::Config for Runtime {}

parameter_types! {
	/// The treasury's pallet id; its account is [`super::TreasuryAccount`].
	pub const TreasuryPalletId: frame_support::PalletId = frame_support::PalletId(*b"hm/trsry");
	/// Approved proposals are paid every 6 days ...
	pub const SpendPeriodProduction: BlockNumber = 6 * DAYS;
	/// ... or 10 blocks on a test chain.
	pub const SpendPeriodFast: BlockNumber = 10;
	/// An approved spend may be claimed for 30 days ...
	pub const PayoutPeriodProduction: BlockNumber = 30 * DAYS;
	/// ... or 5 minutes on a test chain.
	pub const PayoutPeriodFast: BlockNumber = 50;
	/// The treasurer track's ceiling per spend.
	pub const TreasurerMaxSpend: Balance = TREASURER_MAX_SPEND;
	/// Root's ceiling: anything.
	pub const RootMaxSpend: Balance = Balance::MAX;
}

impl pallet_treasury::Config for Runtime {
	type Currency = Balances;
	type RejectOrigin = EnsureRoot<AccountId>;
	type RuntimeEvent = RuntimeEvent;
	type SpendPeriod = Timed<SpendPeriodProduction, SpendPeriodFast>;
	/// Nothing is burned: unspent funds stay for later spends.
	type Burn = ();
	type PalletId = TreasuryPalletId;
	type BurnDestination = ();
	type WeightInfo = pallet_treasury::weights::SubstrateWeight<Runtime>;
	type SpendFunds = ();
	type MaxApprovals = ConstU32<100>;
	/// A treasurer referendum spends up to [`TreasurerMaxSpend`]; root, anything.
	type SpendOrigin = EitherOf<
		EnsureRootWithSuccess<AccountId, RootMaxSpend>,
		origins::Treasurer<Balance, TreasurerMaxSpend>,
	>;
	/// Spends are paid in CAES.
	type AssetKind = ();
	type Beneficiary = AccountId;
	type BeneficiaryLookup = IdentityLookup<AccountId>;
	type Paymaster = PayFromAccount<Balances, super::TreasuryAccount>;
	type BalanceConverter = UnityAssetBalanceConversion;
	type PayoutPeriod = Timed<PayoutPeriodProduction, PayoutPeriodFast>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
	type BlockNumberProvider = System;
}

/// The figures referenda may change without a runtime upgrade, each with the track that
/// changes it (see [`ParameterOrigin`]). Values are clamped where they are read
/// ([`Clamped`]), so no referendum can set one that breaks the chain.
#[dynamic_params(RuntimeParameters, pallet_parameters::Parameters::<Runtime>)]
pub mod dynamic_params {
	use super::*;

	/// TrustChain's figures, changed by the TrustChain admin track.
	#[dynamic_pallet_params]
	#[codec(index = 0)]
	pub mod trust_chain {
		/// Longest validity, in seconds, of an issued certificate (the CA service issues
		/// for this long): 24 hours.
		#[codec(index = 0)]
		pub static CertificateValidity: u64 = 24 * 60 * 60;
		/// Held while a name is registered.
		#[codec(index = 1)]
		pub static NameDeposit: Balance = 10 * UNIT;
		/// Held while a certificate request is pending.
		#[codec(index = 2)]
		pub static CertificateRequestDeposit: Balance = UNIT;
	}

	/// The asset registry's proof figures, changed by the economic-parameters track.
	#[dynamic_pallet_params]
	#[codec(index = 1)]
	pub mod asset_registry {
		/// PoStake: CAES (in plancks) a guarded call needs bonded.
		#[codec(index = 0)]
		pub static MinimumStake: u128 = 10 * UNIT;
		/// PoWork: leading zero bits a proof's hash needs (12: about 4096 hashes).
		#[codec(index = 1)]
		pub static WorkDifficulty: u32 = 12;
		/// PoTime: how many recent blocks a proof may reference.
		#[codec(index = 2)]
		pub static ProofWindow: u32 = 32;
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl Default for RuntimeParameters {
	fn default() -> Self {
		RuntimeParameters::TrustChain(
			dynamic_params::trust_chain::Parameters::CertificateValidity(
				dynamic_params::trust_chain::CertificateValidity,
				Some(24 * 60 * 60),
			),
		)
	}
}

/// A parameter's value, kept within `[Min, Max]` where it is read.
pub struct Clamped<Parameter, Min, Max>(core::marker::PhantomData<(Parameter, Min, Max)>);

impl<T: Ord, Parameter: Get<T>, Min: Get<T>, Max: Get<T>> Get<T> for Clamped<Parameter, Min, Max> {
	fn get() -> T {
		Parameter::get().clamp(Min::get(), Max::get())
	}
}

/// Who may set a parameter: TrustChain's by the TrustChain admin track, the asset
/// registry's by the economic-parameters track, any by root.
pub struct ParameterOrigin;

impl EnsureOriginWithArg<RuntimeOrigin, RuntimeParametersKey> for ParameterOrigin {
	type Success = ();

	fn try_origin(
		origin: RuntimeOrigin,
		key: &RuntimeParametersKey,
	) -> Result<Self::Success, RuntimeOrigin> {
		match key {
			RuntimeParametersKey::TrustChain(_) => TrustChainAdminOrigin::try_origin(origin),
			RuntimeParametersKey::AssetRegistry(_) => EconomicParametersOrigin::try_origin(origin),
		}
	}

	#[cfg(feature = "runtime-benchmarks")]
	fn try_successful_origin(_key: &RuntimeParametersKey) -> Result<RuntimeOrigin, ()> {
		Ok(RuntimeOrigin::root())
	}
}

impl pallet_parameters::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeParameters = RuntimeParameters;
	type AdminOrigin = ParameterOrigin;
	/// FRAME's reference weights (not generated here).
	type WeightInfo = ();
}

/// Root, or the TrustChain admin track: adds, rotates and removes CA authorities.
pub type TrustChainAdminOrigin = EitherOf<EnsureRoot<AccountId>, origins::TrustChainAdmin>;

/// Root, or the economic-parameters track: sets Caesar's rates.
pub type EconomicParametersOrigin = EitherOf<EnsureRoot<AccountId>, origins::EconomicParameters>;
