//! A mock runtime for the tests and benchmarks: `frame_system`, `pallet_balances` (bonds
//! and escrows are held there, rewards minted there) and Caesar, with an existential
//! deposit above one so that the pot and treasury accounts' existence matters.

use crate as pallet_caesar;
use frame_support::{
	derive_impl,
	traits::{ConstU32, ConstU64},
	PalletId,
};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Caesar: pallet_caesar,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
	type BlockHashCount = ConstU64<250>;
}

/// The existential deposit in the mock.
pub const ED: u64 = 10;

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
	type ExistentialDeposit = ConstU64<ED>;
}

/// Blocks unbonded stake stays held in the mock.
pub const UNBONDING_PERIOD: u64 = 20;
/// Closed periods that stay claimable in the mock.
pub const HISTORY: u32 = 3;
/// Every account's starting balance.
pub const ENDOWMENT: u64 = 10_000;
/// The treasury account in the mock.
pub const TREASURY: u64 = 99;
/// The reward pot's pallet id in the mock.
pub const POT_ID: PalletId = PalletId(*b"hm/caesr");

frame_support::parameter_types! {
	/// The reward pot's pallet id.
	pub const CaesarPalletId: PalletId = POT_ID;
	/// The treasury account.
	pub const Treasury: u64 = TREASURY;
}

impl pallet_caesar::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type PalletId = CaesarPalletId;
	type TreasuryAccount = Treasury;
	type UnbondingPeriod = ConstU64<UNBONDING_PERIOD>;
	type MaxUnbondingChunks = ConstU32<2>;
	type RewardHistory = ConstU32<HISTORY>;
	type ParameterOrigin = EnsureRoot<u64>;
	type WeightInfo = ();
}

/// Accounts 1 to 5 funded, Caesar's default genesis (the pot and the treasury endowed
/// with the existential deposit), block 1.
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
	pallet_caesar::GenesisConfig::<Test>::default()
		.assimilate_storage(&mut storage)
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}

/// Moves to block `n`, giving each block's leftover weight to `on_idle`.
pub fn run_to_block(n: u64) {
	use frame_support::traits::Hooks;
	let mut now = System::block_number();
	while now < n {
		Caesar::on_idle(now, frame_support::weights::Weight::MAX);
		now += 1;
		System::set_block_number(now);
	}
}
