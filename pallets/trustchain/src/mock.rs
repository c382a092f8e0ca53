//! A mock runtime for the tests and benchmarks: `frame_system`, `pallet_balances` (which
//! holds the name and request deposits) and TrustChain, with small bounds where the tests
//! exercise them (tree-head history) and the production-like ones elsewhere.

use crate as pallet_trustchain;
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
};
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
	/// The runtime's database weights, so that weights composed from them are not zero.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
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

/// The request deposit in the mock.
pub const REQUEST_DEPOSIT: u64 = 3;
/// The request lifetime in the mock, in blocks.
pub const REQUEST_LIFETIME: u64 = 20;
/// The longest validity in the mock: 24 hours, as in the runtime.
pub const VALIDITY: u64 = 24 * 60 * 60;
/// The allowed clock skew in the mock: 5 minutes.
pub const SKEW: u64 = 5 * 60;
/// The most live certificates per name in the mock: 4, as in the runtime.
pub const MAX_CERTIFICATES_PER_NAME: u32 = 4;

std::thread_local! {
	static NOW: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// The mock's wall clock: set by the tests ([`set_now`]), in Unix seconds.
pub struct MockTime;

impl frame_support::traits::UnixTime for MockTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_secs(NOW.with(|now| now.get()))
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl pallet_trustchain::BenchmarkHelper for MockTime {
	fn set_unix_time(secs: u64) {
		set_now(secs);
	}
}

/// Sets the mock's wall clock (Unix seconds).
pub fn set_now(secs: u64) {
	NOW.with(|now| now.set(secs));
}

parameter_types! {
	pub const Zone: &'static str = "hypermesh";
	pub const RequestDeposit: u64 = REQUEST_DEPOSIT;
	pub const RequestLifetime: u64 = REQUEST_LIFETIME;
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
	type UnixTime = MockTime;
	type RequestDeposit = RequestDeposit;
	type RequestLifetime = RequestLifetime;
	type MaxNamesPerCertificate = ConstU32<4>;
	type MaxCertificatesPerName = ConstU32<MAX_CERTIFICATES_PER_NAME>;
	type CertificateValidity = ConstU64<VALIDITY>;
	type MaxClockSkew = ConstU64<SKEW>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockTime;
	type WeightInfo = ();
}

/// Accounts 1 to 4 have 100 units each; account 5 has 5 (less than a deposit plus the
/// existential deposit); account 99 does not exist. Block 1; the wall clock is the real
/// time (certificates are issued for the real time by the fixtures).
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
	set_now(
		std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.expect("clock after 1970")
			.as_secs(),
	);
	ext
}
