//! A basic exchange: fungible tokens (`pallet-assets`) traded against CAES in constant-product
//! pools (`pallet-asset-conversion`), all FRAME's own.
//!
//! * `Assets` (instance 1): anyone creates a token with a deposit, mints, transfers, sets
//!   metadata.
//! * `PoolAssets` (instance 2): the liquidity-provider tokens of the pools, created and
//!   minted by the exchange only.
//! * `AssetConversion`: pools between any two of CAES and the tokens (`NativeOrWithId`);
//!   create a pool (a setup fee of 10 CAES to the treasury), add and remove liquidity, swap
//!   exactly-in or exactly-out with a slippage limit, quote through the
//!   `AssetConversionApi` runtime API. 0.3 % of each swap stays in the pool for its
//!   liquidity providers.

use frame_support::{
	parameter_types,
	traits::{
		tokens::{
			fungible::{NativeFromLeft, NativeOrWithId, UnionOf},
			imbalance::ResolveAssetTo,
		},
		AsEnsureOriginWithArg, ConstU128, ConstU32,
	},
	PalletId,
};
use frame_system::{EnsureRoot, EnsureSigned, EnsureSignedBy};
use pallet_asset_conversion::{AccountIdConverter, Ascending, Chain, WithFirstAsset};
use sp_runtime::Permill;

use crate::{
	AccountId, Assets, Balance, Balances, PoolAssets, Runtime, RuntimeEvent, MILLI_UNIT, UNIT,
};

/// A token's identifier.
pub type TokenId = u32;

parameter_types! {
	/// Creating a token holds 10 CAES (returned when it is destroyed).
	pub const TokenDeposit: Balance = 10 * UNIT;
	/// Holding a token costs its holder 10 milli-CAES of deposit (the account's storage).
	pub const TokenAccountDeposit: Balance = 10 * MILLI_UNIT;
	/// Token metadata: 1 CAES plus 10 milli-CAES per byte.
	pub const TokenMetadataDepositBase: Balance = UNIT;
	/// Per byte of token metadata.
	pub const TokenMetadataDepositPerByte: Balance = 10 * MILLI_UNIT;
	/// An approval holds 10 milli-CAES.
	pub const TokenApprovalDeposit: Balance = 10 * MILLI_UNIT;
}

impl pallet_assets::Config<pallet_assets::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = TokenId;
	type AssetIdParameter = codec::Compact<TokenId>;
	type ReserveData = ();
	type Currency = Balances;
	type CreateOrigin = AsEnsureOriginWithArg<EnsureSigned<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = TokenDeposit;
	type AssetAccountDeposit = TokenAccountDeposit;
	type MetadataDepositBase = TokenMetadataDepositBase;
	type MetadataDepositPerByte = TokenMetadataDepositPerByte;
	type ApprovalDeposit = TokenApprovalDeposit;
	type StringLimit = ConstU32<50>;
	type Holder = ();
	type Freezer = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

parameter_types! {
	/// The exchange's pallet id: its pools' accounts derive from it.
	pub const AssetConversionPalletId: PalletId = PalletId(*b"py/ascon");
	/// CAES, as the exchange names it.
	pub const Native: NativeOrWithId<TokenId> = NativeOrWithId::Native;
	/// 0.3 % of every swap stays in the pool.
	pub LiquidityProviderFee: Permill = Permill::from_rational(3u32, 1_000u32);
	/// No fee to withdraw liquidity.
	pub LiquidityWithdrawalFee: Permill = Permill::zero();
	/// The most a swap fee may be set to.
	pub MaxSwapFee: Permill = Permill::from_percent(10);
	/// The exchange's own account, which may create liquidity tokens.
	pub AssetConversionAccount: AccountId =
		sp_runtime::traits::AccountIdConversion::<AccountId>::into_account_truncating(
			&AssetConversionPalletId::get(),
		);
}

impl pallet_assets::Config<pallet_assets::Instance2> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1000>;
	type AssetId = TokenId;
	type AssetIdParameter = codec::Compact<TokenId>;
	type ReserveData = ();
	type Currency = Balances;
	/// Only the exchange creates liquidity tokens.
	type CreateOrigin =
		AsEnsureOriginWithArg<EnsureSignedBy<AssetConversionAccountList, AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	/// Liquidity tokens cost no deposit: the pool setup fee pays for them.
	type AssetDeposit = ConstU128<0>;
	type AssetAccountDeposit = ConstU128<0>;
	type MetadataDepositBase = ConstU128<0>;
	type MetadataDepositPerByte = ConstU128<0>;
	type ApprovalDeposit = TokenApprovalDeposit;
	type StringLimit = ConstU32<50>;
	type Holder = ();
	type Freezer = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// The one account allowed to create liquidity tokens: the exchange's.
pub struct AssetConversionAccountList;

impl frame_support::traits::SortedMembers<AccountId> for AssetConversionAccountList {
	fn sorted_members() -> alloc::vec::Vec<AccountId> {
		alloc::vec![AssetConversionAccount::get()]
	}
}

/// CAES and the tokens as one `fungibles` implementation, CAES on the left.
pub type NativeAndTokens =
	UnionOf<Balances, Assets, NativeFromLeft, NativeOrWithId<TokenId>, AccountId>;

/// A pool's account, derived from the exchange's pallet id and its pair.
pub type PoolIdToAccountId =
	AccountIdConverter<AssetConversionPalletId, (NativeOrWithId<TokenId>, NativeOrWithId<TokenId>)>;

impl pallet_asset_conversion::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type HigherPrecisionBalance = sp_core::U256;
	type AssetKind = NativeOrWithId<TokenId>;
	type Assets = NativeAndTokens;
	type PoolId = (Self::AssetKind, Self::AssetKind);
	/// Pools pair CAES with a token first; token–token pools sort their pair.
	type PoolLocator = Chain<
		WithFirstAsset<Native, AccountId, NativeOrWithId<TokenId>, PoolIdToAccountId>,
		Ascending<AccountId, NativeOrWithId<TokenId>, PoolIdToAccountId>,
	>;
	type PoolAssetId = TokenId;
	type PoolAssets = PoolAssets;
	/// Creating a pool costs 10 CAES, paid to the treasury account.
	type PoolSetupFee = ConstU128<{ 10 * UNIT }>;
	type PoolSetupFeeAsset = Native;
	type PoolSetupFeeTarget = ResolveAssetTo<super::TreasuryAccount, Self::Assets>;
	type PalletId = AssetConversionPalletId;
	type LPFee = LiquidityProviderFee;
	type AdminOrigin = EnsureRoot<AccountId>;
	type MaxSwapFee = MaxSwapFee;
	type LiquidityWithdrawalFee = LiquidityWithdrawalFee;
	type MaxSwapPathLength = ConstU32<4>;
	/// The first liquidity of a pool locks this much of its liquidity tokens forever.
	type MintMinLiquidity = ConstU128<100>;
	type WeightInfo = pallet_asset_conversion::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}
