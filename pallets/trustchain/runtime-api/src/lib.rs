//! The runtime API of the TrustChain pallet.
//!
//! The node's `trustchain_*` RPC methods and its CA service read TrustChain through this
//! API rather than through raw storage keys, so that they keep working when the pallet's
//! storage layout changes (the runtime answers for its own layout). Byte strings are plain
//! `Vec<u8>` here: they encode exactly like the pallet's bounded vectors.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

use alloc::vec::Vec;
use codec::{Decode, Encode};
use hypermesh_primitives::ct::{self, TreeHead};
use pallet_trustchain::{
	AuthorityId, CertificateId, CertificateRequest, CertificateStatus, DnsRecord,
	IssuedCertificate, RequestId,
};
use scale_info::TypeInfo;

/// A logged certificate with what the chain knows about it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct CertificateDetails<AccountId, BlockNumber> {
	/// The certificate, DER.
	pub der: Vec<u8>,
	/// The issuing authority.
	pub authority: AuthorityId,
	/// The CA certificates from the issuing authority up to its root, DER, issuer first.
	pub chain: Vec<Vec<u8>>,
	/// The block it was logged in.
	pub logged_at: BlockNumber,
	/// Its leaf hash in the CT log, `SHA-256(0x00 || der)`.
	pub leaf_hash: ct::Hash,
	/// Holder, serial, validity and revocation, for certificates issued through requests.
	pub issued: Option<IssuedCertificate<AccountId, BlockNumber>>,
	/// Its status at the chain's current time.
	pub status: CertificateStatus<BlockNumber>,
}

/// A name's resolution.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub struct Resolution<AccountId, BlockNumber> {
	/// The name's owner.
	pub owner: AccountId,
	/// Its records.
	pub records: Vec<DnsRecord<Vec<u8>, Vec<u8>>>,
	/// The first block at which it is expired.
	pub expires_at: BlockNumber,
}

/// Why a proof could not be produced.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum ProofRequestError {
	/// The leaf index is not below the tree size, or the first size is larger than the
	/// second, or a size is zero where the proof needs one.
	OutOfRange,
	/// The tree size is larger than the log.
	BeyondLog,
	/// A leaf hash is missing from storage (only possible before the v1 migration ran).
	MissingLeaf,
}

/// A pending request, with its id.
pub type PendingRequest<AccountId, BlockNumber, Balance> = (
	RequestId,
	CertificateRequest<AccountId, BlockNumber, Balance, Vec<Vec<u8>>>,
);

sp_api::decl_runtime_apis! {
	/// TrustChain's certificates, Certificate Transparency log and names.
	pub trait TrustChainApi<AccountId, BlockNumber, Balance>
	where
		AccountId: codec::Codec,
		BlockNumber: codec::Codec,
		Balance: codec::Codec,
	{
		/// A logged certificate, its chain and status.
		fn certificate(id: CertificateId) -> Option<CertificateDetails<AccountId, BlockNumber>>;
		/// The id of the certificate `authority` issued with `serial` (content octets).
		fn certificate_by_serial(authority: AuthorityId, serial: Vec<u8>) -> Option<CertificateId>;
		/// A certificate's status at the chain's current time.
		fn status(id: CertificateId) -> CertificateStatus<BlockNumber>;
		/// The log's current tree head.
		fn tree_head() -> TreeHead;
		/// The audit path of leaf `index` in the tree of the first `tree_size` leaves.
		fn inclusion_proof(index: u64, tree_size: u64) -> Result<Vec<ct::Hash>, ProofRequestError>;
		/// The proof that the tree of `second` leaves extends the tree of `first` leaves,
		/// with the root of the first tree.
		fn consistency_proof(first: u64, second: u64) -> Result<(ct::Hash, Vec<ct::Hash>), ProofRequestError>;
		/// The root of the tree of the first `tree_size` leaves.
		fn root_at(tree_size: u64) -> Result<ct::Hash, ProofRequestError>;
		/// Resolves a full name (`node1.hypermesh`), if registered and not expired.
		fn resolve(name: Vec<u8>) -> Option<Resolution<AccountId, BlockNumber>>;
		/// The pending, unexpired requests, oldest first, at most `limit`.
		fn pending_requests(limit: u32) -> Vec<PendingRequest<AccountId, BlockNumber, Balance>>;
		/// Every certificate authority: id, CA certificate (DER) and FALCON-1024 public key.
		/// Relying parties (STOQ peers) trust these.
		fn certificate_authorities() -> Vec<(AuthorityId, Vec<u8>, Vec<u8>)>;
		/// The certificates issued to `holder`, oldest first, at most `limit`.
		fn certificates_of(holder: AccountId, limit: u32) -> Vec<(CertificateId, IssuedCertificate<AccountId, BlockNumber>)>;
		/// The longest validity (seconds) the chain accepts for an issued certificate.
		fn certificate_validity() -> u64;
	}
}
