//! A mock runtime for the tests: `frame_system` and the asset registry.

use crate as pallet_hypermesh_assets;
use frame_support::{derive_impl, traits::ConstU32};
use sp_runtime::BuildStorage;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		AssetRegistry: pallet_hypermesh_assets,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
}

/// The longest lease in the mock.
pub const MAX_LEASE: u64 = 100;
/// The reputation penalty in the mock.
pub const PENALTY: u32 = 150;

impl pallet_hypermesh_assets::Config for Test {
	type MaxLease = frame_support::traits::ConstU64<MAX_LEASE>;
	type MaxAssetsPerOwner = ConstU32<3>;
	type ReputationPenalty = ConstU32<PENALTY>;
}

/// Block 1, with a known genesis hash.
pub fn new_test_ext() -> sp_io::TestExternalities {
	let storage = frame_system::GenesisConfig::<Test>::default()
		.build_storage()
		.unwrap();
	let mut ext = sp_io::TestExternalities::new(storage);
	ext.execute_with(|| {
		frame_system::BlockHash::<Test>::insert(0, sp_core::H256::repeat_byte(0xab));
		System::set_block_number(1);
	});
	ext
}
