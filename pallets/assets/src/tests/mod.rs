//! Unit tests on the mock runtime: every call, every error, nothing changed on failure, and
//! the consensus-proof extension refusing each kind of bad proof with its own code. One
//! file per domain, as in the pallet; this file holds what they share: the test
//! providers' stored data and space commitments, and proofs and guarded calls made for
//! them.

mod allocations;
mod audits;
mod economy;
mod migrations;
mod proofs;
mod registry;
mod telemetry;

use crate::{mock::*, *};
use codec::Encode;
use core::cell::Cell;
use frame_support::{assert_noop, assert_ok, dispatch::DispatchInfo};
use hypermesh_primitives::{ct, proofs as p};
use sp_runtime::{
	traits::{BadOrigin, DispatchTransaction, TransactionExtension},
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidityError},
	DispatchResult,
};

/// Where the test providers say their data is.
const ADDR: [u8; 16] = [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7];
const PORT: u16 = 4433;
const CHUNKS: u64 = 16;

fn cpu(cores: u32) -> AssetKind {
	AssetKind::Cpu { cores, mhz: 3000 }
}

/// The chunk leaf hashes of account `who`'s stored data.
fn leaves(who: u64) -> Vec<ct::Hash> {
	(0..CHUNKS)
		.map(|i| ct::leaf_hash(&(who, i).encode()))
		.collect()
}

fn commitment(who: u64) -> SpaceCommitment {
	let leaves = leaves(who);
	SpaceCommitment {
		root: ct::root(&leaves),
		chunks: CHUNKS,
		address: ADDR,
		port: PORT,
	}
}

/// Gives `who` the minimum stake (in the mock economy) and registers its space
/// commitment.
fn make_prover(who: u64) {
	set_stake(who, MIN_STAKE);
	assert_ok!(AssetRegistry::commit_space(
		RuntimeOrigin::signed(who),
		commitment(who)
	));
}

/// A test externality with accounts 1 to 4 ready to prove.
fn ext() -> sp_io::TestExternalities {
	let mut ext = new_test_ext();
	ext.execute_with(|| (1..=4).for_each(make_prover));
	ext
}

thread_local! {
	/// Each proof's work search starts elsewhere, so equal operations get distinct proofs.
	static NONCE: Cell<u64> = const { Cell::new(0) };
}

/// A proof by `who` for `operation`, referencing the parent block.
fn proof_for(who: u64, operation: ct::Hash) -> ConsensusProof {
	let parent = System::block_number() - 1;
	let time = TimeProof {
		number: parent as u32,
		hash: System::block_hash(parent).to_fixed_bytes(),
	};
	let signer = who.encode();
	let start = NONCE.with(|n| {
		let start = n.get();
		n.set(start + 1_000_000);
		start
	});
	ConsensusProof {
		space: p::prove_space(&time.hash, &signer, &leaves(who), ADDR, PORT).unwrap(),
		stake: StakeProof { bonded: MIN_STAKE },
		work: p::solve_work(&operation, &signer, &time, DIFFICULTY, start).unwrap(),
		time,
	}
}

fn register_call(owner: u64, kind: AssetKind, privacy: Privacy) -> DispatchResult {
	let proof = proof_for(owner, Call::<Test>::register_operation(&kind, &privacy));
	AssetRegistry::register_asset(RuntimeOrigin::signed(owner), kind, privacy, proof)
}

/// Allocates accepting any price.
fn allocate_call(who: u64, asset: AssetId, amount: u64, lease: u64) -> DispatchResult {
	allocate_limited(who, asset, amount, lease, u64::MAX)
}

/// Allocates accepting at most `max_price` per block.
fn allocate_limited(
	who: u64,
	asset: AssetId,
	amount: u64,
	lease: u64,
	max_price: u64,
) -> DispatchResult {
	let operation = Call::<Test>::allocate_operation(asset, amount, &lease, &max_price);
	let proof = proof_for(who, operation);
	AssetRegistry::allocate(
		RuntimeOrigin::signed(who),
		asset,
		amount,
		lease,
		max_price,
		proof,
	)
}

fn report_call(who: u64, asset: AssetId, measured: Option<u64>, used: u64) -> DispatchResult {
	let telemetry = Telemetry {
		measured_capacity: measured,
		used,
	};
	let proof = proof_for(who, Call::<Test>::telemetry_operation(asset, &telemetry));
	AssetRegistry::report_telemetry(RuntimeOrigin::signed(who), asset, telemetry, proof)
}

fn register(owner: u64, kind: AssetKind, privacy: Privacy) -> AssetId {
	let id = NextAssetId::<Test>::get();
	assert_ok!(register_call(owner, kind, privacy));
	id
}
