//! # HyperMesh runtime
//!
//! The state transition function of the HyperMesh chain: FRAME pallets composed
//! into one runtime that is compiled to WASM (executed by every node and
//! upgradable on chain) and natively (for tests and the node's tooling).
//!
//! - Block production: Aura (slot-based, one author per 6 s slot).
//! - Finality: GRANDPA (BFT, finalizes with up to f of 3f+1 validators faulty).
//! - Validators: elected by stake each era (session, staking with session-historical,
//!   offences, bags-list, on-chain Phragmén, authorship); GRANDPA equivocations are
//!   slashed. See [`configs::staking`].
//! - Native token: CAES (12 decimals), balances + transaction payment (fees burned).
//! - Economy (Caesar): provider bonds and slashing, the era payout split between
//!   validators, providers (paid from measured usage) and the treasury, lease escrow.
//! - Exchange: tokens (`pallet-assets`) and CAES pools (`pallet-asset-conversion`).
//! - TrustChain (first slice): CA authorities set by root, the name service
//!   under the `hypermesh` zone (AAAA/SRV/TXT) and the certificate-transparency
//!   log with a tree head per block.
//! - Asset registry: hardware assets of six kinds with chain-prefix IPv6
//!   addresses, allocations, telemetry and reputation; registering, updating,
//!   allocating and reporting are guarded by four proofs (space, stake, work,
//!   time) that `CheckConsensusProof` checks in the transaction pool.
//! - Governance (OpenGov): preimages, scheduler, referenda with conviction voting on
//!   five tracks (root, whitelisted caller, TrustChain admin, economic parameters,
//!   treasurer), a technical committee that whitelists calls, the treasury, and on-chain
//!   parameters. See [`governance`].
//! - Batching: utility. Sudo: its key exists only in the `development` and
//!   `local_testnet` presets; `staging` and the `*_governed` presets have none, so every
//!   privileged call there goes through a referendum.
//! - Wallet safety: `CheckMetadataHash`, so a signer can verify the metadata it
//!   decodes a transaction with (enable the `metadata-hash` feature to embed it).

#![cfg_attr(not(feature = "std"), no_std)]
// `frame_support::runtime` expands recursively once per pallet; thirty pallets need more
// than the default limit.
#![recursion_limit = "256"]
// `frame_support::runtime` expands to code that uses deprecated pallet items.
#![allow(deprecated)]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;
use alloc::vec::Vec;

pub mod apis;
pub use apis::RuntimeApi;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
#[cfg(feature = "runtime-benchmarks")]
pub mod era_transition_benchmark;
pub mod genesis_config_presets;
pub mod governance;
pub mod migrations;
#[cfg(test)]
mod tests;

#[allow(unused_imports)]
use frame_support::instances::{Instance1, Instance2};
use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Types the node uses without knowing the runtime's concrete extrinsic format.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The session keys a validator holds: Aura for authoring, GRANDPA for finality.
	pub struct SessionKeys {
		/// Block authoring key (sr25519).
		pub aura: Aura,
		/// Finality voting key (ed25519).
		pub grandpa: Grandpa,
	}
}

/// The runtime's version. `spec_name` identifies the chain's runtime to clients
/// (polkadot.js shows it); bump `spec_version` on every runtime upgrade.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("hypermesh"),
	impl_name: alloc::borrow::Cow::Borrowed("hypermesh-node"),
	authoring_version: 1,
	spec_version: 111,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	// 3: `ChargeTransactionPayment` runs before `CheckConsensusProof`.
	transaction_version: 3,
	system_version: 1,
};

/// Target block time, in milliseconds. Aura's slot duration is derived from it
/// (through the timestamp pallet's minimum period) and cannot change once the
/// chain has started.
pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
/// Aura slot duration, in milliseconds.
pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

/// Blocks per minute.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
/// Blocks per hour.
pub const HOURS: BlockNumber = MINUTES * 60;
/// Blocks per day.
pub const DAYS: BlockNumber = HOURS * 24;

/// Number of decimals of the native token.
pub const TOKEN_DECIMALS: u8 = 12;
/// Symbol of the native token (Caesar).
pub const TOKEN_SYMBOL: &str = "CAES";
/// SS58 address prefix (42: the generic Substrate prefix).
pub const SS58_PREFIX: u16 = 42;

/// One CAES in plancks (the indivisible unit).
pub const UNIT: Balance = 1_000_000_000_000;
/// One thousandth of a CAES.
pub const MILLI_UNIT: Balance = UNIT / 1_000;
/// One millionth of a CAES.
pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
/// Minimum balance an account must hold to exist.
pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;

/// Transaction signature: sr25519, ed25519 or ECDSA.
pub type Signature = MultiSignature;
/// An account is identified by the public key that signs for it.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;
/// Balance of an account, in plancks.
pub type Balance = u128;
/// Transaction counter of an account.
pub type Nonce = u32;
/// Block and state hash.
pub type Hash = sp_core::H256;
/// Block number.
pub type BlockNumber = u32;
/// How an extrinsic names an account.
pub type Address = MultiAddress<AccountId, ()>;
/// Block header.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
/// Block.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;
/// Block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// The checks every signed transaction passes, in order. The fee comes before the
/// consensus proofs: a sender that cannot pay is refused (`Payment`) before the pool does
/// the proof check's work (up to 16 worst-case checks a transaction).
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	pallet_hypermesh_assets::CheckConsensusProof<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// The [`TxExtension`] an off-chain signer (the node's services) attaches to a transaction:
/// `nonce` is the signer's next account nonce, `era` the transaction's mortality
/// (`Era::Immortal`, or `Era::mortal(period, current_block)`), `tip` what it pays on top of
/// the fee. The metadata hash is not checked (`CheckMetadataHash` mode off). Defined here,
/// beside the tuple's type, so that the tuple is built in one place only.
#[cfg(feature = "std")]
pub fn tx_extension(nonce: Nonce, era: generic::Era, tip: Balance) -> TxExtension {
	(
		frame_system::AuthorizeCall::new(),
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(era),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(tip),
		pallet_hypermesh_assets::CheckConsensusProof::new(),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	)
}

/// Extrinsic as the runtime decodes it.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload a signer signs.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations run on the next runtime upgrade, besides the pallets' own.
#[allow(unused_parens)]
type Migrations = (
	pallet_trustchain::migrations::v1::MigrateToV1<Runtime>,
	// Before the registry's own migration: it clears the registry's unbonding records.
	migrations::MoveProviderBondsToCaesar,
	pallet_hypermesh_assets::migrations::v1::MigrateToV1<Runtime>,
	// Runtime 109: authorities record the block their keys were set in.
	pallet_trustchain::migrations::v2::MigrateToV2<Runtime>,
	// Runtime 110: TrustChain storage version 3: each name lists its live certificates, which a
	// transfer, release or take-over of the name revokes.
	pallet_trustchain::migrations::v3::MigrateToV3<Runtime>,
);

/// Dispatches extrinsics to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	/// The HyperMesh runtime.
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	// Declaration order is hook and genesis order: balances before staking (stakers bond at
	// genesis), staking before session (session asks staking for the first validators),
	// session before Aura and GRANDPA (their authorities follow the session).
	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(10)]
	pub type Caesar = pallet_caesar;

	#[runtime::pallet_index(11)]
	pub type Authorship = pallet_authorship;

	#[runtime::pallet_index(12)]
	pub type Staking = pallet_staking;

	#[runtime::pallet_index(13)]
	pub type Offences = pallet_offences;

	#[runtime::pallet_index(14)]
	pub type Historical = pallet_session::historical;

	#[runtime::pallet_index(15)]
	pub type Session = pallet_session;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(16)]
	pub type VoterList = pallet_bags_list<Instance1>;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Utility = pallet_utility;

	#[runtime::pallet_index(8)]
	pub type TrustChain = pallet_trustchain;

	#[runtime::pallet_index(9)]
	pub type AssetRegistry = pallet_hypermesh_assets;

	#[runtime::pallet_index(17)]
	pub type Assets = pallet_assets<Instance1>;

	#[runtime::pallet_index(18)]
	pub type PoolAssets = pallet_assets<Instance2>;

	#[runtime::pallet_index(19)]
	pub type AssetConversion = pallet_asset_conversion;

	#[runtime::pallet_index(20)]
	pub type Preimage = pallet_preimage;

	#[runtime::pallet_index(21)]
	pub type Scheduler = pallet_scheduler;

	#[runtime::pallet_index(22)]
	pub type Referenda = pallet_referenda;

	#[runtime::pallet_index(23)]
	pub type ConvictionVoting = pallet_conviction_voting;

	#[runtime::pallet_index(24)]
	pub type Origins = crate::governance::origins;

	#[runtime::pallet_index(25)]
	pub type Whitelist = pallet_whitelist;

	#[runtime::pallet_index(26)]
	pub type TechnicalCommittee = pallet_collective<Instance1>;

	#[runtime::pallet_index(27)]
	pub type Treasury = pallet_treasury;

	#[runtime::pallet_index(28)]
	pub type Parameters = pallet_parameters;
}
