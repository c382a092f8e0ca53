//! A mock runtime for the tests and benchmarks: `frame_system`, `pallet_balances` (stake is
//! held there) and the asset registry, with a low work difficulty so tests solve quickly.

use crate as pallet_hypermesh_assets;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
};
use sp_runtime::BuildStorage;

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
/// The proof window in the mock (blocks).
pub const WINDOW: u32 = 5;
/// The fewest chunks of a commitment in the mock.
pub const MIN_CHUNKS: u64 = 4;
/// Blocks unbonded stake stays held in the mock.
pub const UNBONDING_PERIOD: u64 = 20;
/// A challenger's deposit in the mock.
pub const CHALLENGE_DEPOSIT: u64 = 50;
/// Blocks to answer a space challenge in the mock.
pub const CHALLENGE_PERIOD: u64 = 10;
/// Every account's starting balance.
pub const ENDOWMENT: u64 = 10_000;

/// A constant `u128` for the config.
pub struct MinimumStake;
impl frame_support::traits::Get<u128> for MinimumStake {
	fn get() -> u128 {
		MIN_STAKE
	}
}

impl pallet_hypermesh_assets::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Stake = pallet_hypermesh_assets::HeldStake<Test>;
	type MinimumStake = MinimumStake;
	type WorkDifficulty = ConstU32<DIFFICULTY>;
	type ProofWindow = ConstU32<WINDOW>;
	type MinSpaceChunks = ConstU64<MIN_CHUNKS>;
	type MaxCommitmentsPerAccount = ConstU32<2>;
	type MaxLease = ConstU64<MAX_LEASE>;
	type MaxAssetsPerOwner = ConstU32<3>;
	type ReputationPenalty = ConstU32<PENALTY>;
	type UnbondingPeriod = ConstU64<UNBONDING_PERIOD>;
	type MaxUnbondingChunks = ConstU32<2>;
	type ChallengeDeposit = ConstU64<CHALLENGE_DEPOSIT>;
	type ChallengePeriod = ConstU64<CHALLENGE_PERIOD>;
	type MaxChallengesPerBlock = ConstU32<2>;
	type InnerCalls = ();
	type WeightInfo = ();
}

/// Accounts 1 to 5 funded, block 1, with a known genesis hash.
pub fn new_test_ext() -> sp_io::TestExternalities {
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

/// Moves to block `n`, giving each block before it a distinct hash (as the chain would).
pub fn run_to_block(n: u64) {
	let mut now = System::block_number();
	while now < n {
		let hash = sp_core::H256::repeat_byte(now as u8 ^ 0x5a);
		frame_system::BlockHash::<Test>::insert(now, hash);
		System::set_parent_hash(hash);
		now += 1;
		System::set_block_number(now);
		<AssetRegistry as frame_support::traits::Hooks<u64>>::on_initialize(now);
	}
}
