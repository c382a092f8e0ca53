//! The try-runtime check of this runtime's migrations on a running chain's live state,
//! before the upgrade is enacted there.
//!
//! It downloads the whole state of a node's block (FRAME's `frame-remote-externalities`,
//! the library `try-runtime-cli` is built on) and runs this runtime's
//! `Executive::try_runtime_upgrade` on it with every check: each migration's
//! `pre_upgrade`/`post_upgrade` and every pallet's `try_state`. It fails if any check
//! fails, or if the migrations would not move every pallet to the storage version its code
//! declares.
//!
//! It needs a node and is built only with the `try-runtime` feature, so an ordinary
//! `cargo test` does not run it. zombienet/upgrade-runtime.js runs it against the test
//! network before it applies the authorized upgrade:
//!
//! ```text
//! HYPERMESH_LIVE_RPC=ws://127.0.0.1:9944 [HYPERMESH_LIVE_AT=0x<block hash>] \
//!   SKIP_WASM_BUILD=1 cargo test -p hypermesh-runtime --features try-runtime --test live_upgrade
//! ```
#![cfg(feature = "try-runtime")]

use frame_remote_externalities::{Builder, Mode, OnlineConfig};
use frame_support::traits::{GetStorageVersion, PalletInfoAccess};
use frame_try_runtime::UpgradeCheckSelect;
use hypermesh_runtime::{Block, Executive, Runtime, TrustChain, VERSION};
use sp_runtime::traits::Block as BlockT;

type Hash = <Block as BlockT>::Hash;

#[tokio::test(flavor = "multi_thread")]
async fn migrations_pass_try_runtime_checks_on_live_state() {
	let uri = std::env::var("HYPERMESH_LIVE_RPC")
		.expect("HYPERMESH_LIVE_RPC: the ws:// address of a node of the chain to check");
	let at: Option<Hash> = std::env::var("HYPERMESH_LIVE_AT").ok().map(|hex| {
		let bytes = hex::decode(hex.trim_start_matches("0x")).expect("HYPERMESH_LIVE_AT is hex");
		Hash::from_slice(&bytes)
	});
	let mut ext = Builder::<Block>::new()
		.mode(Mode::Online(OnlineConfig {
			transport_uris: vec![uri.clone()],
			at,
			// Every pallet's storage, and the well-known keys (:code, ...); the download is
			// checked against the block header's state root.
			pallets: vec![],
			child_trie: true,
			..Default::default()
		}))
		.build()
		.await
		.unwrap_or_else(|e| panic!("downloading the state of {uri}: {e:?}"));

	ext.execute_with(|| {
		let live_version = frame_system::LastRuntimeUpgrade::<Runtime>::get()
			.expect("the chain records its runtime version");
		assert!(
			VERSION.spec_version > live_version.spec_version.0,
			"this runtime ({}) is not newer than the chain's ({})",
			VERSION.spec_version,
			live_version.spec_version.0
		);
		let on_chain_before = TrustChain::on_chain_storage_version();

		let weight = Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.unwrap_or_else(|e| panic!("try-runtime checks failed: {e:?}"));

		// After the migrations, TrustChain is at the version its code declares.
		assert_eq!(
			TrustChain::on_chain_storage_version(),
			TrustChain::in_code_storage_version()
		);
		println!(
			"{}: {} authorities migrated from storage version {:?} to {:?} \
			 (runtime {} -> {}); migration weight {weight}",
			TrustChain::name(),
			pallet_trustchain::Authorities::<Runtime>::iter().count(),
			on_chain_before,
			TrustChain::on_chain_storage_version(),
			live_version.spec_version.0,
			VERSION.spec_version,
		);
	});
}
