//! The runtime's transaction extensions ([`crate::TxExtension`]) on real signed
//! transactions, validated as the transaction pool validates them
//! (`Executive::validate_transaction`), in the development preset's genesis state.

use crate::{
	genesis_config_presets::tests::with_preset, tx_extension, Balance, Balances, Executive,
	Runtime, RuntimeCall, RuntimeOrigin, SignedPayload, UncheckedExtrinsic, EXISTENTIAL_DEPOSIT,
	UNIT,
};
use codec::Encode;
use frame_support::{
	dispatch::DispatchInfo,
	traits::{fungible::Mutate, Get},
};
use pallet_hypermesh_assets::{
	AssetKind, CheckConsensusProof, ConsensusProof, Privacy, ProofRejection, SpaceCommitment,
	SpaceProof, StakeProof, TimeProof, WorkProof,
};
use sp_core::{sr25519, Pair};
use sp_runtime::{
	generic::Era,
	traits::{DispatchTransaction, IdentifyAccount},
	transaction_validity::{InvalidTransaction, TransactionSource, TransactionValidity},
	MultiAddress, MultiSignature, MultiSigner,
};

/// A guarded call (`register_asset`) whose proof references the genesis block and claims
/// the minimum stake, signed by an account that has bonded none: the proof check refuses
/// it with `InsufficientStake`.
fn guarded_call() -> RuntimeCall {
	let proof = ConsensusProof {
		space: SpaceProof {
			commitment: SpaceCommitment {
				root: [1; 32],
				chunks: 16,
				address: [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
				port: 4433,
			},
			chunks: Vec::new(),
		},
		stake: StakeProof {
			bonded: <Runtime as pallet_hypermesh_assets::Config>::MinimumStake::get(),
		},
		work: WorkProof { nonce: 0 },
		time: TimeProof {
			number: 0,
			hash: frame_system::BlockHash::<Runtime>::get(0).to_fixed_bytes(),
		},
	};
	RuntimeCall::AssetRegistry(pallet_hypermesh_assets::Call::register_asset {
		kind: AssetKind::Cpu {
			cores: 4,
			mhz: 3000,
		},
		privacy: Privacy::P2P,
		proof,
	})
}

/// A new account (from `seed`) holding `balance`, and its key.
fn account_with(seed: &str, balance: Balance) -> sr25519::Pair {
	let pair = sr25519::Pair::from_string(seed, None).expect("a valid derivation");
	let who = MultiSigner::from(pair.public()).into_account();
	Balances::mint_into(&who, balance).expect("minting into a new account");
	pair
}

/// `call` signed by `pair` with the extensions the node's services attach (first nonce,
/// immortal, no tip), validated as the pool does it.
fn validate_signed(pair: &sr25519::Pair, call: RuntimeCall) -> TransactionValidity {
	let extension = tx_extension(0, Era::Immortal, 0);
	let payload = SignedPayload::new(call.clone(), extension.clone())
		.expect("the extensions' implicit data is in the state");
	let signature = payload.using_encoded(|bytes| pair.sign(bytes));
	let xt = UncheckedExtrinsic::new_signed(
		call,
		MultiAddress::Id(MultiSigner::from(pair.public()).into_account()),
		MultiSignature::Sr25519(signature),
		extension,
	);
	Executive::validate_transaction(
		TransactionSource::External,
		xt,
		frame_system::BlockHash::<Runtime>::get(0),
	)
}

#[test]
fn the_fee_is_checked_before_the_consensus_proof() {
	with_preset("development", || {
		// Only the existential deposit: the fee cannot be paid, and that is the refusal,
		// before the pool does any work on the proof (with the proof check first, this
		// transaction was refused with the proof's code instead).
		let poor = account_with("//OnlyTheExistentialDeposit", EXISTENTIAL_DEPOSIT);
		assert_eq!(
			validate_signed(&poor, guarded_call()),
			Err(InvalidTransaction::Payment.into())
		);
		// What the proof check says about it, which was the pool's answer when it ran
		// before the fee (transaction version 2).
		let proof_check = CheckConsensusProof::<Runtime>::new().validate_only(
			RuntimeOrigin::signed(MultiSigner::from(poor.public()).into_account()),
			&guarded_call(),
			&DispatchInfo::default(),
			0,
			TransactionSource::External,
			0,
		);
		assert_eq!(
			proof_check.map(|_| ()),
			Err(InvalidTransaction::Custom(ProofRejection::InsufficientStake.code()).into())
		);
		// A sender that can pay gets the proof check's verdict.
		let payer = account_with("//CanPayTheFee", 10 * UNIT);
		assert_eq!(
			validate_signed(&payer, guarded_call()),
			Err(InvalidTransaction::Custom(ProofRejection::InsufficientStake.code()).into())
		);
	});
}
