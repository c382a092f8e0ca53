//! A mock runtime for the tests and benchmarks: `frame_system`, `pallet_balances` (which
//! holds the name deposits) and TrustChain, with small bounds where the tests exercise
//! them (tree-head history) and the production-like ones elsewhere.

use crate as pallet_trustchain;
use frame_support::{derive_impl, parameter_types, traits::ConstU32};
use frame_system::EnsureRoot;
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		TrustChain: pallet_trustchain,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<u64>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type AccountStore = System;
}

/// The name deposit in the mock.
pub const DEPOSIT: u64 = 10;
/// The registration period in the mock, in blocks.
pub const PERIOD: u64 = 100;
/// The tree-head history in the mock, in blocks.
pub const HISTORY: u32 = 4;
/// The longest certificate in the mock.
pub const MAX_DER: u32 = 8192;

parameter_types! {
	pub const Zone: &'static str = "hypermesh";
	pub const NamePeriod: u64 = PERIOD;
	pub const NameDeposit: u64 = DEPOSIT;
}

impl pallet_trustchain::Config for Test {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type AuthorityOrigin = EnsureRoot<u64>;
	type Zone = Zone;
	type MaxNameLength = ConstU32<253>;
	type NamePeriod = NamePeriod;
	type NameDeposit = NameDeposit;
	type MaxRecords = ConstU32<8>;
	type MaxSrvTargetLength = ConstU32<253>;
	type MaxTxtLength = ConstU32<255>;
	type MaxCertificateLength = ConstU32<MAX_DER>;
	type TreeHeadHistory = ConstU32<HISTORY>;
	type WeightInfo = ();
}

/// Accounts 1 to 4 have 100 units each; account 5 has 5 (less than a deposit plus the
/// existential deposit); account 99 does not exist. Block 1.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let mut storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.unwrap();
	pallet_balances::GenesisConfig::<Test> {
		balances: vec![(1, 100), (2, 100), (3, 100), (4, 100), (5, 5)],
		..Default::default()
	}
	.assimilate_storage(&mut storage)
	.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| System::set_block_number(1));
	ext
}
