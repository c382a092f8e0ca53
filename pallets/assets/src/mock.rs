//! A mock runtime for the tests and benchmarks: `frame_system`, `pallet_balances` (deposits
//! are held there) and the asset registry, with a low work difficulty so tests solve
//! quickly.
//!
//! The economy is simple and real, kept per test thread: [`MockStake`] (bonded stake in a
//! map, slashed pro rata), [`MockUsage`] (records the service points and offences it is
//! told of) and [`MockEscrow`] (records the escrows opened and closed, settles them pro
//! rata, and can be told to refuse the next ones with [`fail_escrows`]).

use crate as pallet_hypermesh_assets;
use core::cell::RefCell;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use hypermesh_primitives::economy::{
	BondedStake, EscrowError, LeaseEscrow, ProviderOffence, UsageLedger,
};
use sp_runtime::{BuildStorage, Perbill};
use std::collections::BTreeMap;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		AssetRegistry: pallet_hypermesh_assets,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	type BlockHashCount = ConstU64<250>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

/// The longest lease in the mock.
pub const MAX_LEASE: u64 = 100;
/// The reputation penalty in the mock.
pub const PENALTY: u32 = 150;
/// The least bonded stake in the mock.
pub const MIN_STAKE: u128 = 100;
/// The work difficulty in the mock (bits).
pub const DIFFICULTY: u32 = 8;
/// The proof window in the mock (blocks) at the start of each test ([`ProofWindow`]).
pub const WINDOW: u32 = 5;
/// The most used-proof pruning steps a block does in the mock.
pub const MAX_PRUNES: u32 = 4;
/// The fewest chunks of a commitment in the mock.
pub const MIN_CHUNKS: u64 = 4;
/// An asset's deposit in the mock.
pub const ASSET_DEPOSIT: u64 = 30;
/// An allocation's deposit in the mock.
pub const ALLOCATION_DEPOSIT: u64 = 7;
/// The share of bonded stake an offence slashes in the mock, in percent.
pub const SLASH_PERCENT: u32 = 10;
/// The most blocks one report confirms in the mock.
pub const MAX_SERVICE_INTERVAL: u64 = 50;
/// The most live allocations of an asset in the mock.
pub const MAX_ALLOCATIONS: u32 = 4;
/// A challenger's deposit in the mock.
pub const CHALLENGE_DEPOSIT: u64 = 50;
/// Blocks to answer a space challenge in the mock.
pub const CHALLENGE_PERIOD: u64 = 10;
/// Every account's starting balance.
pub const ENDOWMENT: u64 = 10_000;

frame_support::parameter_types! {
	/// The proof window, which a test may change as governance would (reset to [`WINDOW`] by
	/// [`new_test_ext`]).
	pub static ProofWindow: u32 = WINDOW;
}

/// A constant `u128` for the config.
pub struct MinimumStake;
impl frame_support::traits::Get<u128> for MinimumStake {
	fn get() -> u128 {
		MIN_STAKE
	}
}

/// A slash the mock stake took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slash {
	/// Whose stake.
	pub who: u64,
	/// For what.
	pub offence: ProviderOffence,
	/// The share asked for, in parts per billion.
	pub parts_per_billion: u32,
	/// What was taken.
	pub amount: u128,
}

/// An escrow the mock economy opened.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Escrow {
	/// The allocation.
	pub allocation: u64,
	/// Who pays.
	pub consumer: u64,
	/// Who is paid.
	pub provider: u64,
	/// Per block.
	pub price_per_block: u128,
	/// The lease's first block.
	pub start: u64,
	/// The lease's end.
	pub end: u64,
}

/// The mock economy's state on this test thread.
#[derive(Default)]
pub struct Economy {
	/// Bonded stake by account.
	pub stake: BTreeMap<u64, u128>,
	/// Every slash, in order.
	pub slashes: Vec<Slash>,
	/// Every service record `(provider, points)`, in order.
	pub service: Vec<(u64, u128)>,
	/// Every offence record, in order.
	pub offences: Vec<(u64, ProviderOffence)>,
	/// Every escrow opened, in order.
	pub opened: Vec<Escrow>,
	/// Every escrow closed `(allocation, at, paid, refunded)`, in order.
	pub closed: Vec<(u64, u64, u128, u128)>,
	/// The error the next escrows are refused with, if any.
	pub escrow_fails: Option<EscrowError>,
}

thread_local! {
	static ECONOMY: RefCell<Economy> = RefCell::new(Economy::default());
}

/// Reads the mock economy's state.
pub fn economy<R>(f: impl FnOnce(&Economy) -> R) -> R {
	ECONOMY.with(|economy| f(&economy.borrow()))
}

fn economy_mut<R>(f: impl FnOnce(&mut Economy) -> R) -> R {
	ECONOMY.with(|economy| f(&mut economy.borrow_mut()))
}

/// Sets `who`'s bonded stake.
pub fn set_stake(who: u64, amount: u128) {
	economy_mut(|economy| economy.stake.insert(who, amount));
}

/// Makes the mock escrow refuse to open escrows with `error` (or open them again, `None`).
pub fn fail_escrows(error: Option<EscrowError>) {
	economy_mut(|economy| economy.escrow_fails = error);
}

/// Bonded stake in a map; a slash takes its share of it, rounded down.
pub struct MockStake;
impl BondedStake<u64> for MockStake {
	fn bonded(who: &u64) -> u128 {
		economy(|economy| economy.stake.get(who).copied().unwrap_or(0))
	}

	fn slash(who: &u64, offence: ProviderOffence, parts_per_billion: u32) -> u128 {
		economy_mut(|economy| {
			let bonded = economy.stake.entry(*who).or_insert(0);
			let amount = Perbill::from_parts(parts_per_billion).mul_floor(*bonded);
			*bonded -= amount;
			economy.slashes.push(Slash {
				who: *who,
				offence,
				parts_per_billion,
				amount,
			});
			amount
		})
	}
}

/// Records the service and offences it is told of.
pub struct MockUsage;
impl UsageLedger<u64> for MockUsage {
	fn record_service(provider: &u64, points: u128) {
		economy_mut(|economy| economy.service.push((*provider, points)));
	}

	fn record_offence(provider: &u64, offence: ProviderOffence) {
		economy_mut(|economy| economy.offences.push((*provider, offence)));
	}
}

/// Records the escrows opened and closed; closing pays the provider for the blocks served
/// and refunds the rest.
pub struct MockEscrow;
impl LeaseEscrow<u64, u64> for MockEscrow {
	fn open(
		allocation: u64,
		consumer: &u64,
		provider: &u64,
		price_per_block: u128,
		start: u64,
		end: u64,
	) -> Result<(), EscrowError> {
		economy_mut(|economy| {
			if let Some(error) = economy.escrow_fails {
				return Err(error);
			}
			if economy
				.opened
				.iter()
				.any(|escrow| escrow.allocation == allocation)
				&& !economy.closed.iter().any(|closed| closed.0 == allocation)
			{
				return Err(EscrowError::AlreadyOpen);
			}
			economy.opened.push(Escrow {
				allocation,
				consumer: *consumer,
				provider: *provider,
				price_per_block,
				start,
				end,
			});
			Ok(())
		})
	}

	fn close(allocation: u64, now: u64) -> Result<(u128, u128), EscrowError> {
		economy_mut(|economy| {
			if economy.closed.iter().any(|closed| closed.0 == allocation) {
				return Err(EscrowError::Unknown);
			}
			let escrow = economy
				.opened
				.iter()
				.find(|escrow| escrow.allocation == allocation)
				.cloned()
				.ok_or(EscrowError::Unknown)?;
			let served = now.clamp(escrow.start, escrow.end) - escrow.start;
			let paid = escrow.price_per_block * u128::from(served);
			let refunded = escrow.price_per_block * u128::from(escrow.end - escrow.start) - paid;
			economy.closed.push((allocation, now, paid, refunded));
			Ok((paid, refunded))
		})
	}
}

/// Benchmark accounts get their stake from the mock economy.
#[cfg(feature = "runtime-benchmarks")]
pub struct MockBenchmarkHelper;
#[cfg(feature = "runtime-benchmarks")]
impl pallet_hypermesh_assets::BenchmarkHelper<u64> for MockBenchmarkHelper {
	fn bond(who: &u64, amount: u128) {
		let bonded = MockStake::bonded(who);
		set_stake(*who, bonded.max(amount));
	}
}

/// The share of bonded stake an offence slashes.
pub struct OffenceSlash;
impl frame_support::traits::Get<Perbill> for OffenceSlash {
	fn get() -> Perbill {
		Perbill::from_percent(SLASH_PERCENT)
	}
}

impl pallet_hypermesh_assets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Stake = MockStake;
	type Usage = MockUsage;
	type Escrow = MockEscrow;
	type OffenceSlash = OffenceSlash;
	type MaxServiceInterval = ConstU64<MAX_SERVICE_INTERVAL>;
	type MaxAllocationsPerAsset = ConstU32<MAX_ALLOCATIONS>;
	type AssetDeposit = ConstU64<ASSET_DEPOSIT>;
	type AllocationDeposit = ConstU64<ALLOCATION_DEPOSIT>;
	type MinimumStake = MinimumStake;
	type WorkDifficulty = ConstU32<DIFFICULTY>;
	type ProofWindow = ProofWindow;
	type MinSpaceChunks = ConstU64<MIN_CHUNKS>;
	type MaxCommitmentsPerAccount = ConstU32<2>;
	type MaxLease = ConstU64<MAX_LEASE>;
	type MaxAssetsPerOwner = ConstU32<3>;
	type ReputationPenalty = ConstU32<PENALTY>;
	type ChallengeDeposit = ConstU64<CHALLENGE_DEPOSIT>;
	type ChallengePeriod = ConstU64<CHALLENGE_PERIOD>;
	type MaxChallengesPerBlock = ConstU32<2>;
	type MaxProofPrunesPerBlock = ConstU32<MAX_PRUNES>;
	type InnerCalls = ();
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockBenchmarkHelper;
}

/// Accounts 1 to 5 funded, block 1, with a known genesis hash, and an empty economy.
pub fn new_test_ext() -> sp_io::TestExternalities {
	economy_mut(|economy| *economy = Economy::default());
	ProofWindow::set(WINDOW);
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: (1..=5).map(|who| (who, ENDOWMENT)).collect(),
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(0xab));
		System::set_block_number(1);
	});
	ext
}

/// Moves to the next block, giving the current one a distinct hash (as the chain would),
/// and returns the weight the registry's `on_initialize` used.
pub fn next_block() -> frame_support::weights::Weight {
	let now = System::block_number();
	let hash = sp_core::H256::repeat_byte(now as u8 ^ 0x5a);
	frame_system::BlockHash::<Test>::insert(now, hash);
	System::set_parent_hash(hash);
	System::set_block_number(now + 1);
	<AssetRegistry as frame_support::traits::Hooks<u64>>::on_initialize(now + 1)
}

/// Moves to block `n`, giving each block before it a distinct hash (as the chain would).
pub fn run_to_block(n: u64) {
	while System::block_number() < n {
		next_block();
	}
}
