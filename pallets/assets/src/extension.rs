//! The transaction extension that checks consensus proofs in the transaction pool.
//!
//! Guarded calls carry their [`ConsensusProof`](crate::ConsensusProof) as an argument (so the
//! metadata describes it and clients need no custom extension types); this extension has
//! no data of its own. For a guarded call, and for guarded calls inside calls that carry
//! calls ([`InnerCalls`], e.g. `utility.batch` or `utility.asDerivative`, each checked
//! against the account it will run as; at most [`MAX_GUARDED_CALLS`], [`MAX_CALL_DEPTH`]
//! deep), it runs the four-proof check of [`crate::proofs`] ([`Pallet::check_proof`]) in
//! `validate`, which the pool runs before admitting a transaction and block production
//! runs again before applying it, so an invalid proof never enters a block. Each failure
//! is an `InvalidTransaction::Custom` code of its own ([`ProofRejection`]), logged at debug
//! under the `runtime::hypermesh::proofs` target with its message (`-l
//! runtime::hypermesh::proofs=debug` shows them). A runtime should place it after
//! `ChargeTransactionPayment` (HyperMesh's does), so that a sender that cannot pay the fee
//! is refused before any proof is checked. A valid proof `provides` its id, so the pool
//! refuses a second transaction with the same proof, and its longevity ends when the
//! referenced block leaves the window.
//!
//! This module only finds the guarded calls in a transaction and turns the check's
//! verdict into transaction validity; what a valid proof is lives in [`crate::proofs`].

// Defined with the check it reports on; also named here, where it has always been.
pub use crate::proofs::ProofRejection;
use crate::{Call, Config, ConsensusProof, Pallet, WeightInfo};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode};
use core::marker::PhantomData;
use frame_support::{
	pallet_prelude::TransactionSource,
	traits::{Get, IsSubType},
	DefaultNoBound,
};
use hypermesh_primitives::ct::Hash;
use scale_info::TypeInfo;
use sp_runtime::{
	impl_tx_ext_default,
	traits::{AsSystemOriginSigner, DispatchInfoOf, Dispatchable, TransactionExtension},
	transaction_validity::{InvalidTransaction, ValidTransaction},
	SaturatedConversion, Weight,
};

/// The calls a runtime call carries and dispatches, with the account each is dispatched
/// as, for [`CheckConsensusProof`] to look into: a batch's calls run as the signer, an
/// `as_derivative` call as the signer's derivative account, a `sudo_as` call as its
/// target. A guarded call's proof is checked against the account it will run as.
pub trait InnerCalls<RuntimeCall, AccountId> {
	/// The calls `call` carries when `signer` dispatches it (not recursively; the
	/// extension recurses), each with the account it runs as, or `None` where it does not
	/// run as a signed account (e.g. `sudo`'s root: a guarded call refuses that origin).
	fn inner_calls<'a>(
		call: &'a RuntimeCall,
		signer: &AccountId,
	) -> Vec<(&'a RuntimeCall, Option<AccountId>)>;
}

impl<RuntimeCall, AccountId> InnerCalls<RuntimeCall, AccountId> for () {
	fn inner_calls<'a>(
		_: &'a RuntimeCall,
		_: &AccountId,
	) -> Vec<(&'a RuntimeCall, Option<AccountId>)> {
		Vec::new()
	}
}

/// How deep the extension looks into calls that carry calls.
pub const MAX_CALL_DEPTH: u32 = 4;

/// The most guarded calls one transaction may carry (more is refused as exhausting
/// resources: each costs a proof check in the pool).
pub const MAX_GUARDED_CALLS: usize = 16;

/// A guarded call found in a transaction: the account it runs as, its proof and the hash
/// of the operation the proof is for.
type Guarded<'a, AccountId> = (AccountId, &'a ConsensusProof, Hash);

/// Collects the guarded calls in `call`, dispatched as `signer`, and in the calls it
/// carries ([`InnerCalls`]); `false` if there are too many or they nest too deep.
fn collect_operations<'a, T>(
	call: &'a <T as frame_system::Config>::RuntimeCall,
	signer: &T::AccountId,
	depth: u32,
	found: &mut Vec<Guarded<'a, T::AccountId>>,
) -> bool
where
	T: Config,
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	if let Some((proof, operation)) = call.is_sub_type().and_then(|call| call.operation()) {
		found.push((signer.clone(), proof, operation));
		return found.len() <= MAX_GUARDED_CALLS;
	}
	let inner = T::InnerCalls::inner_calls(call, signer);
	if inner.is_empty() {
		return true;
	}
	if depth >= MAX_CALL_DEPTH {
		return false;
	}
	inner.into_iter().all(|(call, runs_as)| match runs_as {
		Some(account) => collect_operations::<T>(call, &account, depth + 1, found),
		// Not run as a signed account: a guarded call inside fails at dispatch.
		None => true,
	})
}

/// How many guarded calls `call` carries, `None` if too many or too deep (counted as if
/// the all-zero account sent it: the count does not depend on who sends it).
fn guarded_calls<T>(call: &<T as frame_system::Config>::RuntimeCall) -> Option<usize>
where
	T: Config,
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
{
	let anyone = T::AccountId::decode(&mut sp_runtime::traits::TrailingZeroInput::zeroes()).ok()?;
	let mut found = Vec::new();
	collect_operations::<T>(call, &anyone, 0, &mut found).then_some(found.len())
}

/// The tag prefix of a proof id in the pool's `provides`.
pub const PROOF_TAG: &[u8] = b"hypermesh/proof";

/// Checks the consensus proof of guarded asset-registry calls in the pool.
#[derive(Encode, Decode, DecodeWithMemTracking, DefaultNoBound, Clone, Eq, PartialEq, TypeInfo)]
#[scale_info(skip_type_params(T))]
pub struct CheckConsensusProof<T>(PhantomData<T>);

impl<T> CheckConsensusProof<T> {
	/// The extension (it has no data).
	pub fn new() -> Self {
		Self(PhantomData)
	}
}

impl<T> core::fmt::Debug for CheckConsensusProof<T> {
	fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
		write!(f, "CheckConsensusProof")
	}
}

impl<T> TransactionExtension<<T as frame_system::Config>::RuntimeCall> for CheckConsensusProof<T>
where
	T: Config + Send + Sync,
	<T as frame_system::Config>::RuntimeCall: IsSubType<Call<T>>,
	<<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin:
		AsSystemOriginSigner<T::AccountId> + Clone,
{
	const IDENTIFIER: &'static str = "CheckConsensusProof";
	type Implicit = ();
	type Val = ();
	type Pre = ();

	fn weight(&self, call: &<T as frame_system::Config>::RuntimeCall) -> Weight {
		let guarded = guarded_calls::<T>(call).unwrap_or(MAX_GUARDED_CALLS + 1);
		T::WeightInfo::check_consensus_proof().saturating_mul(guarded as u64)
	}

	fn validate(
		&self,
		origin: <<T as frame_system::Config>::RuntimeCall as Dispatchable>::RuntimeOrigin,
		call: &<T as frame_system::Config>::RuntimeCall,
		_info: &DispatchInfoOf<<T as frame_system::Config>::RuntimeCall>,
		_len: usize,
		_self_implicit: Self::Implicit,
		_inherited_implication: &impl Encode,
		_source: TransactionSource,
	) -> sp_runtime::traits::ValidateResult<Self::Val, <T as frame_system::Config>::RuntimeCall> {
		let Some(who) = origin.as_system_origin_signer() else {
			// Guarded calls are signed-only; dispatch refuses other origins.
			return Ok((ValidTransaction::default(), (), origin));
		};
		let mut operations = Vec::new();
		if !collect_operations::<T>(call, who, 0, &mut operations) {
			return Err(InvalidTransaction::ExhaustsResources.into());
		}
		if operations.is_empty() {
			return Ok((ValidTransaction::default(), (), origin));
		}
		let current: u32 = frame_system::Pallet::<T>::block_number().saturated_into();
		let mut valid = ValidTransaction::default();
		let mut ids = Vec::new();
		for (runs_as, proof, operation) in operations {
			let id = Pallet::<T>::check_proof(&runs_as, &operation, proof)
				.and_then(|id| {
					if ids.contains(&id) {
						Err(ProofRejection::Reused)
					} else {
						Ok(id)
					}
				})
				.map_err(|rejection| {
					// A refused transaction is the sender's fault, not the node's, and anyone
					// can send them by the thousand (the pool refuses them for free): debug,
					// so they cannot flood the node's log (a runtime keeps no state between
					// pool checks to rate-limit with). Under FRAME's `runtime::` prefix: a
					// target starting with `hyper` would be matched by sc-tracing's default
					// `hyper=warn`, which compares targets by plain string prefix.
					log::debug!(
						target: "runtime::hypermesh::proofs",
						"consensus proof refused (code {}): {}",
						rejection.code(),
						rejection.message()
					);
					InvalidTransaction::from(rejection)
				})?;
			ids.push(id);
			// The last block that can include it has the referenced block + window as
			// parent.
			let last_block = proof
				.time
				.number
				.saturating_add(T::ProofWindow::get())
				.saturating_add(1);
			let longevity = last_block.saturating_add(1).saturating_sub(current).max(1);
			valid = valid.combine_with(
				ValidTransaction::with_tag_prefix("HyperMeshProof")
					.and_provides((PROOF_TAG, id))
					.longevity(longevity.into())
					.build()?,
			);
		}
		Ok((valid, (), origin))
	}

	impl_tx_ext_default!(<T as frame_system::Config>::RuntimeCall; prepare);
}
