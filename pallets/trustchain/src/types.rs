//! The data TrustChain keeps on chain and takes as call arguments.
//!
//! The types are generic over their bounded byte strings (and account, block number and
//! balance types) rather than over the pallet's `Config`, so that a runtime API or an
//! off-chain client can name them with concrete bounds. The aliases at the end of this
//! module ([`AuthorityInfoOf`], [`DnsRecordOf`], [`CertificateRequestOf`], ...) fill the
//! bounds in from `Config`; the pallet's storage, calls and events are written with them.
//! Everything here is re-exported from the crate root.

use crate::{dns, Config};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::{fungible::Inspect, ConstU32},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use scale_info::TypeInfo;

/// Identifier of a certificate authority, chosen by the authority origin when it adds it.
pub type AuthorityId = u32;

/// Length in bytes of a FALCON-1024 public key (the reference encoding: one header byte,
/// then 1024 coefficients of 14 bits).
pub const FALCON_1024_PUBLIC_KEY_LEN: u32 = hypermesh_primitives::falcon::PUBLIC_KEY_LEN as u32;

/// The header byte of a FALCON-1024 public key: `0x00 + log2(n)`, with n = 1024.
pub const FALCON_1024_PUBLIC_KEY_HEADER: u8 = hypermesh_primitives::falcon::PUBLIC_KEY_HEADER;

/// A FALCON-1024 public key. Bounded at [`FALCON_1024_PUBLIC_KEY_LEN`]; the pallet refuses
/// any other length, and a first byte other than [`FALCON_1024_PUBLIC_KEY_HEADER`].
pub type FalconPublicKey = BoundedVec<u8, ConstU32<FALCON_1024_PUBLIC_KEY_LEN>>;

/// Length of an uncompressed SEC1 P-256 point (`0x04 || x || y`).
pub const P256_UNCOMPRESSED_LEN: usize = 65;

/// Length of a compressed SEC1 P-256 point (`0x02`/`0x03 || x`).
pub const P256_COMPRESSED_LEN: usize = 33;

/// An authority's classical (pre-quantum) public key: the key standard TLS stacks and
/// `openssl verify` check certificate signatures with.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub enum ClassicalPublicKey {
	/// An Ed25519 public key (RFC 8032), 32 bytes.
	Ed25519([u8; 32]),
	/// An ECDSA P-256 public key as a SEC1 point: 33 bytes compressed (first byte 0x02 or
	/// 0x03) or 65 bytes uncompressed (first byte 0x04). Other lengths and prefixes are
	/// refused. Storing a key does not check that the point is on the curve; verifying a
	/// signature with it does (a certificate request's proof of possession with a point off
	/// the curve is refused).
	EcdsaP256(BoundedVec<u8, ConstU32<{ P256_UNCOMPRESSED_LEN as u32 }>>),
}

impl ClassicalPublicKey {
	/// Whether the key has a length and SEC1 prefix its algorithm allows.
	pub fn is_well_formed(&self) -> bool {
		match self {
			// Every 32-byte string is an Ed25519 public key encoding candidate; the type
			// already fixes the length.
			Self::Ed25519(_) => true,
			Self::EcdsaP256(point) => matches!(
				(point.len(), point.first()),
				(P256_COMPRESSED_LEN, Some(0x02 | 0x03)) | (P256_UNCOMPRESSED_LEN, Some(0x04))
			),
		}
	}
}

/// Where an authority sits in the hierarchy.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum AuthorityKind {
	/// A root CA: trusted because governance added it.
	Root,
	/// An intermediate CA, whose certificate its parent (a root or another intermediate)
	/// issued.
	Intermediate {
		/// The issuing authority. It must exist when the intermediate is added, and cannot
		/// be removed while it has intermediates.
		parent: AuthorityId,
	},
}

/// A certificate authority's on-chain record (its CA certificate is stored beside it, in
/// [`crate::AuthorityCertificates`], so that calls that only need the operator or the keys
/// do not read the certificate).
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct AuthorityInfo<AccountId, BlockNumber> {
	/// Root or intermediate (and then its parent).
	pub kind: AuthorityKind,
	/// The account of the node that runs this authority's CA service: the only account
	/// that may record certificates in the CT log on this authority's behalf.
	pub operator: AccountId,
	/// The authority's classical public key.
	pub classical_public_key: ClassicalPublicKey,
	/// The authority's FALCON-1024 public key.
	pub falcon_public_key: FalconPublicKey,
	/// How many intermediates name this authority as their parent.
	pub children: u32,
	/// The block in which the authority's current keys and CA certificate were set: the
	/// block that added it, or that of its last key rotation. Authorities older than
	/// storage version 2 (runtime 109) carry the block of that upgrade: their keys were
	/// set at or before it.
	pub keys_set_at: BlockNumber,
}

/// A DNS resource record attached to a name. `Target` and `Txt` are bounded byte strings.
#[derive(
	Clone, PartialEq, Eq, Debug, Encode, Decode, DecodeWithMemTracking, TypeInfo, MaxEncodedLen,
)]
pub enum DnsRecord<Target, Txt> {
	/// An IPv6 address (RFC 3596), network byte order. HyperMesh is IPv6-only: IPv4
	/// addresses embedded in IPv6 (IPv4-mapped `::ffff:a.b.c.d`, IPv4-compatible
	/// `::a.b.c.d`, IPv4-translated `::ffff:0:a.b.c.d` and the NAT64 well-known prefix
	/// `64:ff9b::/96`), the unspecified address `::` and the loopback `::1` are refused.
	Aaaa([u8; 16]),
	/// A service location (RFC 2782).
	Srv {
		/// Lower is tried first.
		priority: u16,
		/// Relative weight among records of the same priority.
		weight: u16,
		/// The service's port.
		port: u16,
		/// The host name: lowercase LDH labels separated by dots (no trailing dot), or
		/// `.` alone meaning "the service is not available at this name".
		target: Target,
	},
	/// Free-form text (RFC 1035 §3.3.14): any bytes, up to the configured bound.
	Txt(Txt),
}

/// A registered name.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct NameInfo<AccountId, BlockNumber, Balance, Records> {
	/// The account that controls the name and its records.
	pub owner: AccountId,
	/// The first block at which the name is expired (it is live while
	/// `block_number < expires_at`).
	pub expires_at: BlockNumber,
	/// The amount held from `owner` for the name, returned when the name is released or
	/// taken over after expiry.
	pub deposit: Balance,
	/// The name's records.
	pub records: Records,
}

/// A certificate recorded in the Certificate Transparency log.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct CertificateRecord<BlockNumber, Der> {
	/// The authority whose operator recorded it.
	pub authority: AuthorityId,
	/// The certificate, DER-encoded, exactly as logged (its leaf hash is
	/// `SHA-256(0x00 || der)`).
	pub der: Der,
	/// The block in which it was recorded.
	pub recorded_at: BlockNumber,
}

/// Identifier of a certificate request, assigned sequentially by the pallet.
pub type RequestId = u64;

/// Identifier of an issued certificate: its index in the Certificate Transparency log.
pub type CertificateId = u64;

/// The longest X.509 serial number (RFC 5280 §4.1.2.2: at most 20 octets).
pub const MAX_SERIAL_LEN: u32 = 20;

/// An X.509 serial number's content octets, as encoded in the certificate.
pub type Serial = BoundedVec<u8, ConstU32<MAX_SERIAL_LEN>>;

/// The longest classical proof-of-possession signature: a DER ECDSA P-256 signature is at
/// most 72 bytes; an Ed25519 signature is 64.
pub const MAX_CLASSICAL_SIGNATURE_LEN: u32 = 72;

/// A classical signature (Ed25519: 64 bytes; ECDSA P-256: DER `ECDSA-Sig-Value`).
pub type ClassicalSignature = BoundedVec<u8, ConstU32<MAX_CLASSICAL_SIGNATURE_LEN>>;

/// A padded FALCON-1024 signature (1280 bytes; other lengths are refused).
pub type FalconSignature =
	BoundedVec<u8, ConstU32<{ hypermesh_primitives::falcon::SIGNATURE_LEN as u32 }>>;

/// Why a certificate was revoked: the CRLReason codes of RFC 5280 §5.3.1, with the same
/// numbers (the SCALE index of each variant is its RFC code). `certificateHold` (6) and
/// `removeFromCRL` (8) are not offered: TrustChain revocation is final.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum RevocationReason {
	/// unspecified (0).
	#[codec(index = 0)]
	Unspecified,
	/// keyCompromise (1): the holder's private key is known or suspected to be exposed.
	#[codec(index = 1)]
	KeyCompromise,
	/// cACompromise (2): the issuing authority's key is compromised.
	#[codec(index = 2)]
	CaCompromise,
	/// affiliationChanged (3).
	#[codec(index = 3)]
	AffiliationChanged,
	/// superseded (4): replaced by a newer certificate (set by renewal).
	#[codec(index = 4)]
	Superseded,
	/// cessationOfOperation (5).
	#[codec(index = 5)]
	CessationOfOperation,
	/// privilegeWithdrawn (9).
	#[codec(index = 9)]
	PrivilegeWithdrawn,
	/// aACompromise (10).
	#[codec(index = 10)]
	AaCompromise,
}

/// A pending certificate request.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct CertificateRequest<AccountId, BlockNumber, Balance, Names> {
	/// Who asked, and will hold the certificate.
	pub requester: AccountId,
	/// The full names (`node1.hypermesh`) the certificate is for, each owned by the
	/// requester when the request was made. They become the certificate's DNS
	/// subjectAltNames, in any order.
	pub names: Names,
	/// The subject's classical public key.
	pub classical_public_key: ClassicalPublicKey,
	/// The subject's FALCON-1024 public key.
	pub falcon_public_key: FalconPublicKey,
	/// The amount held from the requester until the request is fulfilled or cancelled.
	pub deposit: Balance,
	/// The first block at which the request can no longer be fulfilled.
	pub expires_at: BlockNumber,
	/// The certificate this request renews: when the new one is issued, the old one is
	/// revoked as `Superseded`.
	pub renews: Option<CertificateId>,
}

/// The revocation state of an issued certificate.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub enum Revocation<BlockNumber> {
	/// Not revoked.
	NotRevoked,
	/// Revoked, finally.
	Revoked {
		/// Why.
		reason: RevocationReason,
		/// In which block.
		at: BlockNumber,
	},
}

/// What the chain knows about a certificate issued through a request.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo, MaxEncodedLen)]
pub struct IssuedCertificate<AccountId, BlockNumber> {
	/// The requester, who may revoke it and renew it.
	pub holder: AccountId,
	/// The issuing authority.
	pub authority: AuthorityId,
	/// The request it fulfilled.
	pub request: RequestId,
	/// Its serial number.
	pub serial: Serial,
	/// Start of validity, Unix seconds.
	pub not_before: u64,
	/// End of validity, Unix seconds.
	pub not_after: u64,
	/// Whether it was revoked.
	pub revocation: Revocation<BlockNumber>,
}

/// A certificate's status as the runtime API reports it.
#[derive(Clone, PartialEq, Eq, Debug, Encode, Decode, TypeInfo)]
pub enum CertificateStatus<BlockNumber> {
	/// No certificate has this id.
	Unknown,
	/// Issued, not revoked, and the chain's time is inside its validity.
	Valid,
	/// Not yet valid (the chain's time is before `notBefore`).
	NotYetValid,
	/// Expired (the chain's time is past `notAfter`).
	Expired,
	/// Revoked.
	Revoked {
		/// Why.
		reason: RevocationReason,
		/// In which block.
		at: BlockNumber,
	},
}

// ---------------------------------------------------------------------------------------
// The types above with the runtime's bounds, from `Config`.

/// The balance type of [`Config::Currency`].
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A full name as given to calls and events, e.g. `node1.hypermesh`.
pub type NameOf<T> = BoundedVec<u8, <T as Config>::MaxNameLength>;

/// A name's label, the key names are stored under (`node1` for `node1.hypermesh`).
pub type Label = BoundedVec<u8, ConstU32<{ dns::MAX_LABEL_LEN as u32 }>>;

/// An SRV record's target host name.
pub type SrvTargetOf<T> = BoundedVec<u8, <T as Config>::MaxSrvTargetLength>;

/// A TXT record's data.
pub type TxtOf<T> = BoundedVec<u8, <T as Config>::MaxTxtLength>;

/// A DNS record with the runtime's bounds.
pub type DnsRecordOf<T> = DnsRecord<SrvTargetOf<T>, TxtOf<T>>;

/// The records of one name.
pub type RecordsOf<T> = BoundedVec<DnsRecordOf<T>, <T as Config>::MaxRecords>;

/// A DER-encoded certificate (a CA's own, or one recorded in the CT log).
pub type CertificateDerOf<T> = BoundedVec<u8, <T as Config>::MaxCertificateLength>;

/// An authority's record with the runtime's account type.
pub type AuthorityInfoOf<T> =
	AuthorityInfo<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// A name's record with the runtime's types.
pub type NameInfoOf<T> =
	NameInfo<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>, RecordsOf<T>>;

/// A logged certificate with the runtime's types.
pub type CertificateRecordOf<T> = CertificateRecord<BlockNumberFor<T>, CertificateDerOf<T>>;

/// What [`Pallet::resolve`](crate::Pallet::resolve) returns for a live name: its owner,
/// records and expiry block.
pub type Resolved<T> = (
	<T as frame_system::Config>::AccountId,
	RecordsOf<T>,
	BlockNumberFor<T>,
);

/// The names of a certificate request.
pub type CertificateNamesOf<T> = BoundedVec<NameOf<T>, <T as Config>::MaxNamesPerCertificate>;

/// A certificate request with the runtime's types.
pub type CertificateRequestOf<T> = CertificateRequest<
	<T as frame_system::Config>::AccountId,
	BlockNumberFor<T>,
	BalanceOf<T>,
	CertificateNamesOf<T>,
>;

/// An issued certificate's record with the runtime's types.
pub type IssuedCertificateOf<T> =
	IssuedCertificate<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;
