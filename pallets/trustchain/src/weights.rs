//! Weights for `pallet_trustchain`.
//!
//! **THESE NUMBERS ARE NOT YET GENERATED.** They are hand-written estimates (the storage
//! reads and writes are counted from the code; the execution times and proof sizes are
//! guesses on the high side), written before the pallet is part of the runtime. They have
//! NOT been produced by `benchmark pallet` on this machine and must not be quoted as
//! measurements. The benchmarks in `src/benchmarking.rs` already run (as tests, on the
//! mock runtime); once the pallet is in the runtime (`runtime/src/configs.rs`, and
//! `[pallet_trustchain, TrustChain]` in `runtime/src/benchmarks.rs`), regenerate this file
//! with:
//!
//! ```text
//! source scripts/env.sh
//! cargo build --release -p hypermesh-node --features runtime-benchmarks
//! "$CARGO_TARGET_DIR/release/hypermesh-node" benchmark pallet \
//!     --chain dev --pallet pallet_trustchain --extrinsic '*' \
//!     --steps 50 --repeat 20 --wasm-execution compiled \
//!     --output pallets/trustchain/src/weights.rs
//! ```
//!
//! and keep this header's place for the generator's own (hardware, date, command).

#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]

use core::marker::PhantomData;
use frame_support::{
	traits::Get,
	weights::{constants::RocksDbWeight, Weight},
};

/// Weight functions needed for `pallet_trustchain`.
pub trait WeightInfo {
	fn add_authority() -> Weight;
	fn remove_authority() -> Weight;
	fn rotate_authority_keys() -> Weight;
	fn set_authority_operator() -> Weight;
	fn register_name() -> Weight;
	fn renew_name() -> Weight;
	fn transfer_name() -> Weight;
	fn release_name() -> Weight;
	fn set_records() -> Weight;
	fn request_certificate(n: u32) -> Weight;
	fn cancel_request() -> Weight;
	fn issue_certificate() -> Weight;
	fn revoke_certificate() -> Weight;
	fn on_finalize() -> Weight;
}

/// Weights for `pallet_trustchain` using the runtime's database weights (ESTIMATES, see
/// the module docs).
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `TrustChain::Authorities` (r:2 w:2)
	/// Storage: `TrustChain::AuthorityCertificates` (r:0 w:1)
	fn add_authority() -> Weight {
		Weight::from_parts(60_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `TrustChain::Authorities` (r:2 w:2)
	/// Storage: `TrustChain::AuthorityCertificates` (r:0 w:1)
	fn remove_authority() -> Weight {
		Weight::from_parts(40_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `TrustChain::Authorities` (r:1 w:1)
	/// Storage: `TrustChain::AuthorityCertificates` (r:0 w:1)
	fn rotate_authority_keys() -> Weight {
		Weight::from_parts(60_000_000, 3_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `TrustChain::Authorities` (r:1 w:1)
	fn set_authority_operator() -> Weight {
		Weight::from_parts(30_000_000, 3_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `TrustChain::Names` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:2 w:2), `System::Account` (r:2 w:2)
	fn register_name() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `TrustChain::Names` (r:1 w:1)
	fn renew_name() -> Weight {
		Weight::from_parts(40_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `TrustChain::Names` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:2 w:2), `System::Account` (r:2 w:2)
	fn transfer_name() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(T::DbWeight::get().reads(5_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `TrustChain::Names` (r:1 w:1)
	/// Storage: `Balances::Holds` (r:1 w:1), `System::Account` (r:1 w:1)
	fn release_name() -> Weight {
		Weight::from_parts(80_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `TrustChain::Names` (r:1 w:1)
	fn set_records() -> Weight {
		Weight::from_parts(80_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `TrustChain::Authorities` (r:1 w:0), `TrustChain::CertificateIndex` (r:1 w:1)
	/// Storage: `TrustChain::CtLog` (r:1 w:1), `TrustChain::CtLogChanged` (r:0 w:1)
	/// Storage: `TrustChain::Certificates` (r:0 w:1)
	/// Storage: `TrustChain::Names` (r:n), `System::BlockHash` (r:1), `TrustChain::Issued`
	/// (r:1), `Balances::Holds` (r:1 w:1), `TrustChain::NextRequestId` (r:1 w:1),
	/// `TrustChain::Requests` (r:0 w:1). Execution: one FALCON-1024 and one ECDSA P-256
	/// verification in WASM.
	fn request_certificate(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 600).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().reads((n as u64).into()))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `TrustChain::Requests` (r:1 w:1), `Balances::Holds` (r:1 w:1)
	fn cancel_request() -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `TrustChain::Authorities` (r:1), `TrustChain::Requests` (r:1 w:1),
	/// `TrustChain::AuthorityCertificates` (r:1), `TrustChain::SerialIndex` (r:1 w:1),
	/// `TrustChain::CertificateIndex` (r:1 w:1), `TrustChain::CtLog` (r:1 w:1),
	/// `TrustChain::CtLogChanged` (w:1), `TrustChain::LeafHashes` (w:1),
	/// `TrustChain::Certificates` (w:1), `TrustChain::Issued` (r:1 w:2),
	/// `TrustChain::HolderCertificates` (w:1), `Balances::Holds` (r:1 w:1). Execution: two X.509 parses, one ECDSA P-256 and one FALCON-1024
	/// verification in WASM; charged for the longest certificate.
	fn issue_certificate() -> Weight {
		Weight::from_parts(250_000_000, 30_000)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(12_u64))
	}
	/// Storage: `TrustChain::Issued` (r:1 w:1), `TrustChain::Authorities` (r:1)
	fn revoke_certificate() -> Weight {
		Weight::from_parts(30_000_000, 5_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `TrustChain::CtLogChanged` (r:1 w:1), `TrustChain::CtLog` (r:1 w:0)
	/// Storage: `TrustChain::TreeHeads` (r:0 w:2)
	fn on_finalize() -> Weight {
		Weight::from_parts(60_000_000, 3_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
}

// For backwards compatibility and tests (ESTIMATES, see the module docs).
impl WeightInfo for () {
	fn add_authority() -> Weight {
		Weight::from_parts(60_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn remove_authority() -> Weight {
		Weight::from_parts(40_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn rotate_authority_keys() -> Weight {
		Weight::from_parts(60_000_000, 3_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn set_authority_operator() -> Weight {
		Weight::from_parts(30_000_000, 3_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn register_name() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn renew_name() -> Weight {
		Weight::from_parts(40_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn transfer_name() -> Weight {
		Weight::from_parts(120_000_000, 8_000)
			.saturating_add(RocksDbWeight::get().reads(5_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn release_name() -> Weight {
		Weight::from_parts(80_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn set_records() -> Weight {
		Weight::from_parts(80_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	/// Storage: `TrustChain::Names` (r:n), `System::BlockHash` (r:1), `TrustChain::Issued`
	/// (r:1), `Balances::Holds` (r:1 w:1), `TrustChain::NextRequestId` (r:1 w:1),
	/// `TrustChain::Requests` (r:0 w:1). Execution: one FALCON-1024 and one ECDSA P-256
	/// verification in WASM.
	fn request_certificate(n: u32) -> Weight {
		Weight::from_parts(40_000_000, 8_000)
			.saturating_add(Weight::from_parts(5_000_000, 600).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().reads((n as u64).into()))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	/// Storage: `TrustChain::Requests` (r:1 w:1), `Balances::Holds` (r:1 w:1)
	fn cancel_request() -> Weight {
		Weight::from_parts(50_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	/// Storage: `TrustChain::Authorities` (r:1), `TrustChain::Requests` (r:1 w:1),
	/// `TrustChain::AuthorityCertificates` (r:1), `TrustChain::SerialIndex` (r:1 w:1),
	/// `TrustChain::CertificateIndex` (r:1 w:1), `TrustChain::CtLog` (r:1 w:1),
	/// `TrustChain::CtLogChanged` (w:1), `TrustChain::LeafHashes` (w:1),
	/// `TrustChain::Certificates` (w:1), `TrustChain::Issued` (r:1 w:2),
	/// `TrustChain::HolderCertificates` (w:1), `Balances::Holds` (r:1 w:1). Execution: two X.509 parses, one ECDSA P-256 and one FALCON-1024
	/// verification in WASM; charged for the longest certificate.
	fn issue_certificate() -> Weight {
		Weight::from_parts(250_000_000, 30_000)
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().writes(12_u64))
	}
	/// Storage: `TrustChain::Issued` (r:1 w:1), `TrustChain::Authorities` (r:1)
	fn revoke_certificate() -> Weight {
		Weight::from_parts(30_000_000, 5_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn on_finalize() -> Weight {
		Weight::from_parts(60_000_000, 3_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
}
