//! Configuration of each pallet in the runtime.
//!
//! This file configures the chain's base (system, consensus, balances, fees), TrustChain,
//! the asset registry and Caesar; [`staking`] the validator election and its rewards and
//! slashes; [`exchange`] the tokens and the CAES exchange; [`governance`] referenda, the
//! treasury and the parameters referenda change.

pub mod exchange;
pub mod governance;
pub mod staking;

use governance::{dynamic_params, Clamped, EconomicParametersOrigin, TrustChainAdminOrigin};

use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, VariantCountOf},
	weights::{
		constants::{ParityDbWeight, WEIGHT_REF_TIME_PER_SECOND},
		IdentityFee, Weight,
	},
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Caesar, Hash, Nonce, OriginCaller,
	PalletInfo, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
	RuntimeOrigin, RuntimeTask, Session, System, Timestamp, UncheckedExtrinsic, DAYS,
	EXISTENTIAL_DEPOSIT, HOURS, SLOT_DURATION, SS58_PREFIX, UNIT, VERSION,
};

/// Share of the block weight and length available to normal (user) extrinsics;
/// the rest is reserved for operational ones.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

parameter_types! {
	/// Number of recent block hashes kept (for mortal transactions).
	pub const BlockHashCount: BlockNumber = 2400;
	/// The runtime version, as frame-system reports it.
	pub const Version: RuntimeVersion = VERSION;
	/// Up to 2 s of compute per 6 s block.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// Up to 5 MiB per block.
	pub RuntimeBlockLength: BlockLength =
		BlockLength::max_with_normal_ratio(5 * 1024 * 1024, NORMAL_DISPATCH_RATIO);
	/// SS58 address prefix.
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB by default.
	type DbWeight = ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	/// Validators disabled for an offence author no blocks.
	type DisabledValidators = Session;
	/// As many as staking elects: a smaller bound would cut the elected set short and
	/// leave validators that vote in GRANDPA and are paid, but never author.
	type MaxAuthorities = staking::MaxActiveValidators;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	/// As many as staking elects.
	type MaxAuthorities = staking::MaxActiveValidators;
	type MaxNominators = staking::MaxBackersPerWinner;
	type MaxSetIdSessionEntries = staking::GrandpaSetIdSessionEntries;
	/// Key ownership is proven against session history.
	type KeyOwnerProof = sp_session::MembershipProof;
	/// Equivocations become offences, slashed by staking.
	type EquivocationReportSystem = staking::GrandpaEquivocationReports;
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = pallet_timestamp::weights::SubstrateWeight<Runtime>;
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ConstU32<50>;
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	type DustRemoval = ();
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	/// Fee multiplier: constant (no congestion pricing yet).
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees are burned: they offset issuance instead of paying whoever fills blocks, so no
	/// validator gains by stuffing its own blocks with transactions; validators, providers
	/// and the treasury are paid from Caesar's issuance schedule instead.
	type OnChargeTransaction = FungibleAdapter<Balances, ()>;
	type OperationalFeeMultiplier = ConstU8<5>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_utility::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type PalletsOrigin = OriginCaller;
	type WeightInfo = pallet_utility::weights::SubstrateWeight<Runtime>;
}

/// GRANDPA submits equivocation reports as bare (unsigned) transactions.
impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = UncheckedExtrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateBare<LocalCall> for Runtime
where
	RuntimeCall: From<LocalCall>,
{
	fn create_bare(call: RuntimeCall) -> UncheckedExtrinsic {
		UncheckedExtrinsic::new_bare(call)
	}
}

parameter_types! {
	/// The treasury's account (`pallet-treasury`'s): Caesar's treasury share, slashes and
	/// pool setup fees land here, and referenda spend from it.
	pub TreasuryAccount: AccountId =
		sp_runtime::traits::AccountIdConversion::<AccountId>::into_account_truncating(
			&governance::TreasuryPalletId::get(),
		);
	/// Caesar's pallet id: the providers' reward pot derives from it.
	pub const CaesarPalletId: frame_support::PalletId = frame_support::PalletId(*b"hm/caesr");
}

impl pallet_caesar::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PalletId = CaesarPalletId;
	type TreasuryAccount = TreasuryAccount;
	/// Unbonded provider stake stays held (and slashable) for a day.
	type UnbondingPeriod = ConstU32<DAYS>;
	type MaxUnbondingChunks = ConstU32<16>;
	/// Provider rewards stay claimable for 84 periods (eras), as validators' do.
	type RewardHistory = ConstU32<84>;
	/// The economic-parameters track (or root) sets Caesar's rates.
	type ParameterOrigin = EconomicParametersOrigin;
	type WeightInfo = pallet_caesar::weights::SubstrateWeight<Runtime>;
}

parameter_types! {
	/// The DNS zone TrustChain names live under: `<label>.hypermesh`.
	pub const TrustChainZone: &'static str = "hypermesh";
	/// A name is registered for 90 days, then must be renewed.
	pub const NamePeriod: BlockNumber = 90 * DAYS;
	/// The least a name deposit may be set to: the existential deposit.
	pub const MinNameDeposit: Balance = EXISTENTIAL_DEPOSIT;
	/// The most a deposit parameter may be set to: 10,000 CAES.
	pub const MaxTrustChainDeposit: Balance = 10_000 * UNIT;
	/// Certificates live at least five minutes ...
	pub const MinCertificateValidity: u64 = 5 * 60;
	/// ... and at most 90 days, whatever a referendum sets.
	pub const MaxCertificateValidity: u64 = 90 * 24 * 60 * 60;
	/// A certificate request can be fulfilled for an hour of blocks.
	pub const CertificateRequestLifetime: BlockNumber = HOURS;
}

impl pallet_trustchain::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// The TrustChain admin track (or root) adds, rotates and removes authorities.
	type AuthorityOrigin = TrustChainAdminOrigin;
	type Zone = TrustChainZone;
	type MaxNameLength = ConstU32<253>;
	type NamePeriod = NamePeriod;
	/// Deposit held while a name is registered (returned on release): a parameter.
	type NameDeposit =
		Clamped<dynamic_params::trust_chain::NameDeposit, MinNameDeposit, MaxTrustChainDeposit>;
	type MaxRecords = ConstU32<16>;
	type MaxSrvTargetLength = ConstU32<253>;
	type MaxTxtLength = ConstU32<255>;
	type MaxCertificateLength = ConstU32<8192>;
	/// Tree heads of the last day of blocks are kept in state.
	type TreeHeadHistory = ConstU32<DAYS>;
	type UnixTime = Timestamp;
	/// Deposit held while a certificate request is pending (returned when it is fulfilled
	/// or cancelled): a parameter.
	type RequestDeposit = Clamped<
		dynamic_params::trust_chain::CertificateRequestDeposit,
		MinNameDeposit,
		MaxTrustChainDeposit,
	>;
	type RequestLifetime = CertificateRequestLifetime;
	type MaxNamesPerCertificate = ConstU32<8>;
	/// A name has at most four live certificates at once (a transfer, release or take-over
	/// revokes them all).
	type MaxCertificatesPerName = ConstU32<4>;
	/// Issued certificates are valid for at most this long (24 hours at genesis, a
	/// parameter the TrustChain admin track changes); holders renew before expiry.
	type CertificateValidity = Clamped<
		dynamic_params::trust_chain::CertificateValidity,
		MinCertificateValidity,
		MaxCertificateValidity,
	>;
	/// A CA's clock may run five minutes ahead of the chain's.
	type MaxClockSkew = ConstU64<{ 5 * 60 }>;
	type WeightInfo = pallet_trustchain::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = TrustChainBenchmarkHelper;
}

parameter_types! {
	/// PoStake floor: at least 1 CAES bonded, whatever a referendum sets ...
	pub const MinAssetStake: u128 = UNIT;
	/// ... and at most a million.
	pub const MaxAssetStake: u128 = 1_000_000 * UNIT;
	/// PoWork: at most 24 leading zero bits (16 million hashes).
	pub const MaxWorkDifficulty: u32 = 24;
	/// PoTime: a proof references at least one of the last 4 blocks ...
	pub const MinProofWindow: u32 = 4;
	/// ... and at most the last 600 (an hour; well below `BlockHashCount`).
	pub const MaxProofWindow: u32 = 600;
	/// What a space challenger holds until the challenge is settled.
	pub const AssetChallengeDeposit: Balance = UNIT;
	/// Held while an asset is registered.
	pub const AssetRegistrationDeposit: Balance = UNIT;
	/// Held from the consumer while an allocation lives.
	pub const AssetAllocationDeposit: Balance = UNIT / 10;
}

impl pallet_hypermesh_assets::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	/// Provider bonds are Caesar's.
	type Stake = Caesar;
	/// Service confirmed by telemetry earns a share of each era's providers' pot.
	type Usage = Caesar;
	/// Leases are paid into Caesar's escrow.
	type Escrow = Caesar;
	/// A proven offence costs Caesar's `offence_slash` share of the provider's bond.
	type OffenceSlash = pallet_caesar::OffenceSlashOf<Runtime>;
	/// One report credits at most an hour of service.
	type MaxServiceInterval = ConstU32<HOURS>;
	type AssetDeposit = AssetRegistrationDeposit;
	type AllocationDeposit = AssetAllocationDeposit;
	/// PoStake: 10 CAES bonded at genesis; a parameter.
	type MinimumStake =
		Clamped<dynamic_params::asset_registry::MinimumStake, MinAssetStake, MaxAssetStake>;
	/// PoWork: 12 bits at genesis (about 4096 hashes, milliseconds for a client); a
	/// parameter.
	type WorkDifficulty =
		Clamped<dynamic_params::asset_registry::WorkDifficulty, ConstU32<0>, MaxWorkDifficulty>;
	/// PoTime: one of the last 32 blocks (about 3 minutes) at genesis; a parameter.
	type ProofWindow =
		Clamped<dynamic_params::asset_registry::ProofWindow, MinProofWindow, MaxProofWindow>;
	type MinSpaceChunks = ConstU64<16>;
	type MaxCommitmentsPerAccount = ConstU32<4>;
	/// Leases of up to a week.
	type MaxLease = ConstU32<{ 7 * DAYS }>;
	type MaxAssetsPerOwner = ConstU32<64>;
	type ReputationPenalty = ConstU32<100>;
	/// At most 64 live allocations per asset (a telemetry report reads them all).
	type MaxAllocationsPerAsset = ConstU32<64>;
	/// A space challenge holds 1 CAES from the challenger: the provider's fee for
	/// answering, paid only if it answers right.
	type ChallengeDeposit = AssetChallengeDeposit;
	/// Two minutes to answer a space challenge.
	type ChallengePeriod = ConstU32<20>;
	type MaxChallengesPerBlock = ConstU32<8>;
	/// Used proofs pruned at the start of a block: at most 8,192 (a quarter of the block's
	/// weight at worst), more than the guarded calls a block can hold, so pruning keeps up.
	type MaxProofPrunesPerBlock = ConstU32<8192>;
	type InnerCalls = WrappedCalls;
	type WeightInfo = pallet_hypermesh_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = AssetRegistryBenchmarkHelper;
}

/// Bonds stake through Caesar for the asset registry's benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct AssetRegistryBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_hypermesh_assets::BenchmarkHelper<AccountId> for AssetRegistryBenchmarkHelper {
	fn bond(who: &AccountId, amount: u128) {
		use frame_support::traits::fungible::Mutate;
		let _ = Balances::mint_into(who, amount.saturating_add(EXISTENTIAL_DEPOSIT));
		pallet_caesar::Pallet::<Runtime>::bond(RuntimeOrigin::signed(who.clone()), amount)
			.expect("benchmark account was funded to bond");
	}
}

/// The calls `utility` and `sudo` carry, and the account each runs as, for the
/// consensus-proof extension to check in the pool: the batches and `with_weight` run as the
/// signer, `as_derivative` as the signer's derivative account, `sudo_as` as its target.
/// `sudo` and `dispatch_as` (root, or any origin root picks) run guarded calls as no
/// signed account, so those fail at dispatch whatever their proof.
pub struct WrappedCalls;

impl pallet_hypermesh_assets::InnerCalls<RuntimeCall, AccountId> for WrappedCalls {
	fn inner_calls<'a>(
		call: &'a RuntimeCall,
		signer: &AccountId,
	) -> alloc::vec::Vec<(&'a RuntimeCall, Option<AccountId>)> {
		use sp_runtime::traits::StaticLookup;
		match call {
			RuntimeCall::Utility(
				pallet_utility::Call::batch { calls }
				| pallet_utility::Call::batch_all { calls }
				| pallet_utility::Call::force_batch { calls },
			) => calls
				.iter()
				.map(|call| (call, Some(signer.clone())))
				.collect(),
			RuntimeCall::Utility(pallet_utility::Call::with_weight { call, .. }) => {
				alloc::vec![(&**call, Some(signer.clone()))]
			}
			RuntimeCall::Utility(pallet_utility::Call::as_derivative { index, call }) => {
				let derivative = pallet_utility::derivative_account_id(signer.clone(), *index);
				alloc::vec![(&**call, Some(derivative))]
			}
			RuntimeCall::Sudo(pallet_sudo::Call::sudo_as { who, call }) => {
				let target = <Runtime as frame_system::Config>::Lookup::lookup(who.clone()).ok();
				alloc::vec![(&**call, target)]
			}
			RuntimeCall::Sudo(
				pallet_sudo::Call::sudo { call }
				| pallet_sudo::Call::sudo_unchecked_weight { call, .. },
			) => alloc::vec![(&**call, None)],
			_ => alloc::vec::Vec::new(),
		}
	}
}

/// Sets the timestamp pallet's clock for the TrustChain benchmarks.
#[cfg(feature = "runtime-benchmarks")]
pub struct TrustChainBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_trustchain::BenchmarkHelper for TrustChainBenchmarkHelper {
	fn set_unix_time(secs: u64) {
		pallet_timestamp::Now::<Runtime>::put(secs.saturating_mul(1000));
	}
}
