//! # TrustChain pallet
//!
//! HyperMesh replaces the web's certificate authorities, Certificate Transparency logs and
//! DNS registrars with one public, auditable ledger. This pallet is the on-chain half of
//! that ledger; this first slice holds:
//!
//! * **Certificate authorities.** CA roots and intermediates, each with its X.509 CA
//!   certificate (DER, stored as given), its classical public key (Ed25519 or ECDSA
//!   P-256) and its FALCON-1024 public key, and the account of the node that operates it.
//!   Only [`Config::AuthorityOrigin`] (root until governance lands) adds, re-keys and
//!   removes them, because everyone who trusts the chain trusts what they sign.
//! * **The Certificate Transparency log head.** An authority's operator records each
//!   certificate it issues; the pallet appends `SHA-256(0x00 || der)` to an RFC 9162
//!   Merkle log kept as a [`CompactMerkleLog`] (O(log n) storage), keeps the certificate
//!   by its log index, and at the end of every block in which the log grew commits the
//!   tree head (size, root) under the block number, keeping a bounded history. The node
//!   (a later slice) serves inclusion and consistency proofs against these heads.
//! * **A name service.** Names directly under the chain's zone (`node1.hypermesh`) with
//!   AAAA (IPv6 only), SRV and TXT records. A name is held for [`Config::NamePeriod`]
//!   blocks against a deposit ([`Config::NameDeposit`], held with
//!   [`fungible::MutateHold`] under [`HoldReason::NameDeposit`]) so that names cost
//!   something to squat and are freed when abandoned: an expired name can be taken by
//!   anyone, and the previous owner's deposit is then returned.
//!
//! Registration is open to any signed account in this slice; binding names to
//! certificate holders comes with certificate issuance. X.509 parsing, certificate
//! requests, FALCON signature verification, revocation and the RPC are later slices (see
//! the crate's README).
//!
//! Every call checks all of its input before it changes anything, and runs in its own
//! storage layer besides, so a failed call leaves no trace but its fee.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod dns;
pub mod migrations;
pub mod types;
pub mod weights;

#[cfg(any(test, feature = "runtime-benchmarks"))]
mod benchmark_fixture;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{self, Inspect, MutateHold},
		UnixTime,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use hypermesh_primitives::{
	ct::{self, CompactMerkleLog, TreeHead},
	x509::{HybridCertificate, SubjectKey, X509Error},
};
use sp_runtime::traits::{StaticLookup, Zero};

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
pub type AuthorityInfoOf<T> = AuthorityInfo<<T as frame_system::Config>::AccountId>;

/// A name's record with the runtime's types.
pub type NameInfoOf<T> =
	NameInfo<<T as frame_system::Config>::AccountId, BlockNumberFor<T>, BalanceOf<T>, RecordsOf<T>>;

/// A logged certificate with the runtime's types.
pub type CertificateRecordOf<T> = CertificateRecord<BlockNumberFor<T>, CertificateDerOf<T>>;

/// What [`Pallet::resolve`] returns for a live name: its owner, records and expiry block.
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

/// What the benchmarks need from the runtime.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper {
	/// Sets the chain's clock ([`Config::UnixTime`]) to `secs` since the Unix epoch, so that
	/// the fixture certificate is inside its validity.
	fn set_unix_time(secs: u64);
}

type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::traits::tokens::{Fortitude, Precision, Restriction};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Saturating, ArithmeticError};

	/// The storage version: 1 added [`LeafHashes`] (filled for existing log entries by
	/// [`crate::migrations::v1::MigrateToV1`]) and the certificate request and issuance
	/// maps (new, empty).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The pallet's configuration. Events need no `RuntimeEvent` item: FRAME adds the
	/// `frame_system::Config<RuntimeEvent: From<Event<Self>>>` bound itself.
	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency name deposits are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ fungible::Mutate<Self::AccountId>;

		/// The runtime's hold reasons, which include this pallet's [`HoldReason`].
		type RuntimeHoldReason: From<HoldReason>;

		/// The origin that adds, re-keys and removes certificate authorities (root until
		/// governance lands).
		type AuthorityOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The chain's zone, e.g. `hypermesh`: names are `<label>.<zone>`. Must be a valid
		/// lowercase host name (checked by `integrity_test`).
		#[pallet::constant]
		type Zone: Get<&'static str>;

		/// The longest full name (label, dot and zone) a call accepts; at most 253.
		#[pallet::constant]
		type MaxNameLength: Get<u32>;

		/// How many blocks a registration or renewal keeps a name.
		#[pallet::constant]
		type NamePeriod: Get<BlockNumberFor<Self>>;

		/// The amount held from a name's owner while it holds the name. Flat: it must cover
		/// the storage of a name with the maximum number of maximum-size records.
		#[pallet::constant]
		type NameDeposit: Get<BalanceOf<Self>>;

		/// The most records one name can have.
		#[pallet::constant]
		type MaxRecords: Get<u32>;

		/// The longest SRV target host name; at most 253.
		#[pallet::constant]
		type MaxSrvTargetLength: Get<u32>;

		/// The longest TXT record.
		#[pallet::constant]
		type MaxTxtLength: Get<u32>;

		/// The longest DER certificate (a CA's own or a logged one).
		#[pallet::constant]
		type MaxCertificateLength: Get<u32>;

		/// For how many blocks committed tree heads are kept in [`TreeHeads`].
		#[pallet::constant]
		type TreeHeadHistory: Get<u32>;

		/// The chain's wall-clock time (the timestamp pallet), against which certificate
		/// validity periods are checked.
		type UnixTime: UnixTime;

		/// The amount held from a requester while a certificate request is pending.
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;

		/// For how many blocks a certificate request can be fulfilled.
		#[pallet::constant]
		type RequestLifetime: Get<BlockNumberFor<Self>>;

		/// The most names one certificate can carry.
		#[pallet::constant]
		type MaxNamesPerCertificate: Get<u32>;

		/// The longest validity period (`notAfter - notBefore`, seconds) an issued
		/// certificate may have. Authorities' CA services issue for this long.
		#[pallet::constant]
		type CertificateValidity: Get<u64>;

		/// How far (seconds) an issued certificate's `notBefore` may lie ahead of the
		/// chain's time, to allow for clock differences between the CA and the chain.
		#[pallet::constant]
		type MaxClockSkew: Get<u64>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// What the benchmarks need from the runtime: setting the chain's clock.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit for a registered name.
		#[codec(index = 0)]
		NameDeposit,
		/// The deposit for a pending certificate request.
		#[codec(index = 1)]
		RequestDeposit,
	}

	/// Certificate authorities by id.
	#[pallet::storage]
	pub type Authorities<T: Config> =
		StorageMap<_, Blake2_128Concat, AuthorityId, AuthorityInfoOf<T>>;

	/// Each authority's own X.509 CA certificate (DER), as given by the authority origin.
	#[pallet::storage]
	pub type AuthorityCertificates<T: Config> =
		StorageMap<_, Blake2_128Concat, AuthorityId, CertificateDerOf<T>>;

	/// Registered names by label (`node1` for `node1.hypermesh`). Expired names stay until
	/// they are released or registered again.
	#[pallet::storage]
	pub type Names<T: Config> = StorageMap<_, Blake2_128Concat, Label, NameInfoOf<T>>;

	/// The Certificate Transparency log: its size and the roots of the perfect subtrees on
	/// its right border, enough to append and to compute the root.
	#[pallet::storage]
	pub type CtLog<T> = StorageValue<_, CompactMerkleLog, ValueQuery>;

	/// Every logged certificate by its index in the log (the index is assigned by the
	/// pallet, sequentially from 0).
	#[pallet::storage]
	pub type Certificates<T: Config> = StorageMap<_, Twox64Concat, u64, CertificateRecordOf<T>>;

	/// The log index of each logged certificate, by its leaf hash `SHA-256(0x00 || der)`.
	/// The key is already a cryptographic hash, so it is stored as is.
	#[pallet::storage]
	pub type CertificateIndex<T> = StorageMap<_, Identity, ct::Hash, u64>;

	/// The log's tree head at the end of each block in which it changed, for the last
	/// [`Config::TreeHeadHistory`] blocks.
	#[pallet::storage]
	pub type TreeHeads<T: Config> = StorageMap<_, Twox64Concat, BlockNumberFor<T>, TreeHead>;

	/// The leaf hash of every logged certificate by its log index, from which the node
	/// computes inclusion and consistency proofs.
	#[pallet::storage]
	pub type LeafHashes<T> = StorageMap<_, Twox64Concat, u64, ct::Hash>;

	/// The id the next certificate request gets.
	#[pallet::storage]
	pub type NextRequestId<T> = StorageValue<_, RequestId, ValueQuery>;

	/// Pending certificate requests.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, RequestId, CertificateRequestOf<T>>;

	/// Certificates issued through requests, by log index, with their holder and
	/// revocation state.
	#[pallet::storage]
	pub type Issued<T: Config> = StorageMap<_, Twox64Concat, CertificateId, IssuedCertificateOf<T>>;

	/// The log index of each issued certificate by (authority, serial number): what a
	/// relying party that only has the certificate looks its status up by.
	#[pallet::storage]
	pub type SerialIndex<T> =
		StorageDoubleMap<_, Twox64Concat, AuthorityId, Blake2_128Concat, Serial, CertificateId>;

	/// The certificates issued to each holder, for wallets and for the holder's own node
	/// (which renews them before they expire).
	#[pallet::storage]
	pub type HolderCertificates<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		CertificateId,
		(),
		OptionQuery,
	>;

	/// Whether the log changed in the current block (set by `record_certificate`, taken
	/// by `on_finalize`).
	#[pallet::storage]
	pub type CtLogChanged<T> = StorageValue<_, bool, ValueQuery>;

	/// Root authorities present from genesis, e.g. a development chain's root generated by
	/// `hypermesh-node --trustchain-genesis-ca <DIR> build-spec` (its keys stay in `<DIR>`;
	/// only the certificate and public keys are in the chain spec).
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(id, operator, CA certificate DER, FALCON-1024 public key)` of each root. The
		/// classical key is the CA certificate's own; everything is checked as
		/// [`Pallet::add_authority`] checks it, and a bad entry fails the genesis build.
		pub authorities: Vec<(AuthorityId, T::AccountId, Vec<u8>, Vec<u8>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for (id, operator, der, falcon) in &self.authorities {
				if let Err(e) = Pallet::<T>::add_genesis_root(*id, operator.clone(), der, falcon) {
					panic!("TrustChain genesis authority {id}: {e:?}");
				}
			}
		}
	}

	/// What happened.
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A certificate authority was added.
		AuthorityAdded {
			/// Its id.
			id: AuthorityId,
			/// Root or intermediate.
			kind: AuthorityKind,
			/// The account that records its certificates.
			operator: T::AccountId,
		},
		/// A certificate authority was removed.
		AuthorityRemoved {
			/// Its id.
			id: AuthorityId,
		},
		/// A certificate authority's CA certificate and keys were replaced.
		AuthorityKeysRotated {
			/// Its id.
			id: AuthorityId,
		},
		/// A certificate authority's operator account was changed.
		AuthorityOperatorChanged {
			/// Its id.
			id: AuthorityId,
			/// The new operator.
			operator: T::AccountId,
		},
		/// A name was registered.
		NameRegistered {
			/// The full name.
			name: NameOf<T>,
			/// Its owner.
			owner: T::AccountId,
			/// The first block at which it is expired.
			expires_at: BlockNumberFor<T>,
			/// The amount held from the owner.
			deposit: BalanceOf<T>,
		},
		/// A name's registration was renewed.
		NameRenewed {
			/// The full name.
			name: NameOf<T>,
			/// The first block at which it is expired.
			expires_at: BlockNumberFor<T>,
		},
		/// A name (with its records and its deposit, still held) was given to a new owner.
		NameTransferred {
			/// The full name.
			name: NameOf<T>,
			/// The previous owner.
			from: T::AccountId,
			/// The new owner.
			to: T::AccountId,
		},
		/// A name was released (by its owner, or after expiry) and its deposit returned.
		NameReleased {
			/// The full name.
			name: NameOf<T>,
			/// The owner it was released from.
			owner: T::AccountId,
			/// The deposit returned to that owner.
			deposit: BalanceOf<T>,
		},
		/// A name's records were replaced.
		RecordsSet {
			/// The full name.
			name: NameOf<T>,
			/// How many records it now has.
			count: u32,
		},
		/// A certificate was appended to the Certificate Transparency log.
		CertificateLogged {
			/// The authority that issued it.
			authority: AuthorityId,
			/// Its index in the log.
			index: u64,
			/// Its leaf hash, `SHA-256(0x00 || der)`.
			leaf_hash: ct::Hash,
			/// The log's size after it.
			tree_size: u64,
			/// The log's root after it.
			root: ct::Hash,
		},
		/// A certificate request was made.
		CertificateRequested {
			/// Its id.
			id: RequestId,
			/// The requester.
			requester: T::AccountId,
			/// The first block at which it can no longer be fulfilled.
			expires_at: BlockNumberFor<T>,
		},
		/// A certificate request was cancelled (by its requester, or by anyone after it
		/// expired) and its deposit returned.
		CertificateRequestCancelled {
			/// Its id.
			id: RequestId,
		},
		/// A certificate was issued for a request, and logged.
		CertificateIssued {
			/// Its id: its index in the Certificate Transparency log.
			id: CertificateId,
			/// The request it fulfilled.
			request: RequestId,
			/// The issuing authority.
			authority: AuthorityId,
			/// Its holder (the requester).
			holder: T::AccountId,
			/// End of validity, Unix seconds.
			not_after: u64,
		},
		/// A certificate was revoked.
		CertificateRevoked {
			/// Its id.
			id: CertificateId,
			/// Why.
			reason: RevocationReason,
		},
		/// The log's tree head was committed for a block in which the log changed.
		TreeHeadCommitted {
			/// The block.
			block: BlockNumberFor<T>,
			/// The log's size and root at the end of that block.
			head: TreeHead,
		},
	}

	/// Why a call failed. A failed call changes nothing.
	#[pallet::error]
	pub enum Error<T> {
		/// An authority with this id already exists.
		AuthorityAlreadyExists,
		/// There is no authority with this id.
		UnknownAuthority,
		/// The parent named for an intermediate authority does not exist.
		UnknownParent,
		/// The authority is the parent of intermediates; remove them first.
		AuthorityHasChildren,
		/// The certificate (DER) is empty.
		EmptyCertificate,
		/// The FALCON-1024 public key is not 1793 bytes long.
		BadFalconKeyLength,
		/// The FALCON-1024 public key does not start with the header byte 0x0A.
		BadFalconKeyHeader,
		/// The ECDSA P-256 public key is not a 33-byte compressed or 65-byte uncompressed
		/// SEC1 point.
		BadClassicalKey,
		/// The caller is not the authority's operator account.
		NotAuthorityOperator,
		/// This exact certificate is already in the log.
		CertificateAlreadyLogged,
		/// The log holds `u64::MAX` certificates and cannot grow.
		CtLogFull,
		/// The name does not end with `.` and the chain's zone.
		NameNotInZone,
		/// The label before the zone is not 1–63 lowercase letters, digits or hyphens
		/// (not starting or ending with a hyphen).
		InvalidLabel,
		/// Only names directly under the zone (one label) can be registered.
		NotSingleLabel,
		/// The name is registered and not expired.
		NameTaken,
		/// The name is not registered.
		UnknownName,
		/// The caller does not own the name.
		NotNameOwner,
		/// The name has expired; renew it first.
		NameExpired,
		/// The name already belongs to that account.
		TransferToSelf,
		/// An AAAA record holds an IPv4 address (IPv4-mapped, -compatible, -translated or
		/// NAT64): HyperMesh is IPv6-only.
		Ipv4AddressInAaaa,
		/// An AAAA record holds the unspecified address `::`.
		UnspecifiedAddress,
		/// An AAAA record holds the loopback address `::1`.
		LoopbackAddress,
		/// An SRV record's target is not a lowercase host name or `.`.
		InvalidSrvTarget,
		/// The authority's CA certificate is not a DER X.509 v3 certificate with an
		/// Ed25519 or ECDSA P-256 key.
		BadAuthorityCertificate,
		/// The authority's certificate does not say `cA = TRUE`.
		AuthorityCertificateNotCa,
		/// The authority's certificate holds another classical key than the one given, or
		/// another FALCON-1024 key in subjectAltPublicKeyInfo.
		AuthorityKeyMismatch,
		/// A certificate request names no name.
		NoNames,
		/// A certificate request names the same name twice.
		DuplicateName,
		/// The proof of possession of the classical key does not verify.
		BadClassicalProof,
		/// The proof of possession of the FALCON-1024 key does not verify.
		BadFalconProof,
		/// There is no certificate request with this id.
		UnknownRequest,
		/// The caller did not make this request, and it has not expired.
		NotRequester,
		/// The request has expired.
		RequestExpired,
		/// The certificate is not a DER X.509 v3 certificate.
		MalformedCertificate,
		/// The certificate uses a signature algorithm or key type TrustChain does not
		/// support (ECDSA P-256 with SHA-256 and Ed25519 are).
		UnsupportedCertificate,
		/// The certificate's issuer is not the authority's subject.
		IssuerMismatch,
		/// The certificate's classical signature does not verify with the authority's key.
		BadCertificateSignature,
		/// The certificate has no FALCON-1024 alternative signature, or no FALCON-1024
		/// subject key.
		MissingAltSignature,
		/// The certificate's FALCON-1024 alternative signature does not verify with the
		/// authority's FALCON key.
		BadAltSignature,
		/// The certificate's classical or FALCON-1024 subject key is not the request's.
		CertificateKeyMismatch,
		/// The certificate's DNS names are not exactly the request's names.
		CertificateNamesMismatch,
		/// The certificate says `cA = TRUE`, or carries IP addresses: TrustChain issues
		/// leaf certificates for names only.
		CertificateNotLeaf,
		/// The certificate's validity is longer than [`Config::CertificateValidity`],
		/// starts too far ahead, or has already ended.
		BadValidity,
		/// The authority already issued a certificate with this serial number.
		DuplicateSerial,
		/// No certificate was issued with this id.
		UnknownCertificate,
		/// The caller is neither the certificate's holder, nor its authority's operator,
		/// nor the authority origin.
		NotAllowedToRevoke,
		/// The certificate is already revoked.
		AlreadyRevoked,
		/// The certificate to renew is revoked, not held by the requester, or unknown.
		CannotRenew,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		/// Accounts for `on_finalize`, which always prunes and may commit a tree head.
		fn on_initialize(_n: BlockNumberFor<T>) -> Weight {
			T::WeightInfo::on_finalize()
		}

		/// Commits the tree head if the log changed in this block, and forgets the head
		/// of the block that just left the history window.
		fn on_finalize(n: BlockNumberFor<T>) {
			if CtLogChanged::<T>::take() {
				let head = CtLog::<T>::get().tree_head();
				TreeHeads::<T>::insert(n, head);
				Self::deposit_event(Event::TreeHeadCommitted { block: n, head });
			}
			let history: BlockNumberFor<T> = T::TreeHeadHistory::get().into();
			if n >= history {
				TreeHeads::<T>::remove(n.saturating_sub(history));
			}
		}

		fn integrity_test() {
			let zone = T::Zone::get().as_bytes();
			assert!(
				dns::is_hostname(zone),
				"Zone must be a lowercase LDH host name"
			);
			let max_name = T::MaxNameLength::get() as usize;
			assert!(
				max_name <= dns::MAX_HOSTNAME_LEN,
				"MaxNameLength must be at most 253"
			);
			assert!(
				max_name >= zone.len().saturating_add(2),
				"MaxNameLength must leave room for a label, a dot and the zone"
			);
			assert!(
				T::MaxSrvTargetLength::get() as usize <= dns::MAX_HOSTNAME_LEN,
				"MaxSrvTargetLength must be at most 253"
			);
			assert!(
				T::MaxSrvTargetLength::get() >= 1,
				"MaxSrvTargetLength must allow `.`"
			);
			assert!(
				T::TreeHeadHistory::get() >= 1,
				"TreeHeadHistory must keep at least one block"
			);
			assert!(
				T::NamePeriod::get() > BlockNumberFor::<T>::from(0u32),
				"NamePeriod must be positive"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Adds a certificate authority (origin: [`Config::AuthorityOrigin`]).
		///
		/// An intermediate's parent must exist. The CA certificate must be non-empty (it is
		/// stored as given; parsing it is a later slice), the keys well formed, and
		/// `operator` is the account that will record this authority's certificates.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_authority())]
		pub fn add_authority(
			origin: OriginFor<T>,
			id: AuthorityId,
			kind: AuthorityKind,
			operator: AccountIdLookupOf<T>,
			ca_certificate_der: CertificateDerOf<T>,
			classical_public_key: ClassicalPublicKey,
			falcon_public_key: FalconPublicKey,
		) -> DispatchResult {
			T::AuthorityOrigin::ensure_origin(origin)?;
			let operator = T::Lookup::lookup(operator)?;
			ensure!(
				!Authorities::<T>::contains_key(id),
				Error::<T>::AuthorityAlreadyExists
			);
			if let AuthorityKind::Intermediate { parent } = kind {
				ensure!(
					Authorities::<T>::contains_key(parent),
					Error::<T>::UnknownParent
				);
			}
			Self::check_authority_material(
				&ca_certificate_der,
				&classical_public_key,
				&falcon_public_key,
			)?;
			if let AuthorityKind::Intermediate { parent } = kind {
				Authorities::<T>::try_mutate(parent, |parent| -> DispatchResult {
					let parent = parent.as_mut().ok_or(Error::<T>::UnknownParent)?;
					parent.children = parent
						.children
						.checked_add(1)
						.ok_or(ArithmeticError::Overflow)?;
					Ok(())
				})?;
			}
			Authorities::<T>::insert(
				id,
				AuthorityInfo {
					kind,
					operator: operator.clone(),
					classical_public_key,
					falcon_public_key,
					children: 0,
				},
			);
			AuthorityCertificates::<T>::insert(id, ca_certificate_der);
			Self::deposit_event(Event::AuthorityAdded { id, kind, operator });
			Ok(())
		}

		/// Removes a certificate authority that has no intermediates (origin:
		/// [`Config::AuthorityOrigin`]). The certificates it recorded stay in the log.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_authority())]
		pub fn remove_authority(origin: OriginFor<T>, id: AuthorityId) -> DispatchResult {
			T::AuthorityOrigin::ensure_origin(origin)?;
			let authority = Authorities::<T>::get(id).ok_or(Error::<T>::UnknownAuthority)?;
			ensure!(authority.children == 0, Error::<T>::AuthorityHasChildren);
			if let AuthorityKind::Intermediate { parent } = authority.kind {
				Authorities::<T>::mutate_extant(parent, |parent| {
					parent.children = parent.children.saturating_sub(1)
				});
			}
			Authorities::<T>::remove(id);
			AuthorityCertificates::<T>::remove(id);
			Self::deposit_event(Event::AuthorityRemoved { id });
			Ok(())
		}

		/// Replaces an authority's CA certificate and both its public keys (origin:
		/// [`Config::AuthorityOrigin`]). A new key needs a new CA certificate, so they
		/// change together, under the same checks as [`Pallet::add_authority`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::rotate_authority_keys())]
		pub fn rotate_authority_keys(
			origin: OriginFor<T>,
			id: AuthorityId,
			ca_certificate_der: CertificateDerOf<T>,
			classical_public_key: ClassicalPublicKey,
			falcon_public_key: FalconPublicKey,
		) -> DispatchResult {
			T::AuthorityOrigin::ensure_origin(origin)?;
			ensure!(
				Authorities::<T>::contains_key(id),
				Error::<T>::UnknownAuthority
			);
			Self::check_authority_material(
				&ca_certificate_der,
				&classical_public_key,
				&falcon_public_key,
			)?;
			Authorities::<T>::try_mutate(id, |authority| -> DispatchResult {
				let authority = authority.as_mut().ok_or(Error::<T>::UnknownAuthority)?;
				authority.classical_public_key = classical_public_key;
				authority.falcon_public_key = falcon_public_key;
				Ok(())
			})?;
			AuthorityCertificates::<T>::insert(id, ca_certificate_der);
			Self::deposit_event(Event::AuthorityKeysRotated { id });
			Ok(())
		}

		/// Changes the account that records an authority's certificates (origin:
		/// [`Config::AuthorityOrigin`]).
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::set_authority_operator())]
		pub fn set_authority_operator(
			origin: OriginFor<T>,
			id: AuthorityId,
			operator: AccountIdLookupOf<T>,
		) -> DispatchResult {
			T::AuthorityOrigin::ensure_origin(origin)?;
			let operator = T::Lookup::lookup(operator)?;
			Authorities::<T>::try_mutate(id, |authority| -> DispatchResult {
				let authority = authority.as_mut().ok_or(Error::<T>::UnknownAuthority)?;
				authority.operator = operator.clone();
				Ok(())
			})?;
			Self::deposit_event(Event::AuthorityOperatorChanged { id, operator });
			Ok(())
		}

		/// Registers `name` (`<label>.<zone>`) to the caller for [`Config::NamePeriod`]
		/// blocks, holding [`Config::NameDeposit`] from the caller.
		///
		/// A name that is registered and not expired is refused. An expired name is taken
		/// over: its previous owner's deposit is returned to them first (this also applies
		/// when the previous owner registers it again).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::register_name())]
		pub fn register_name(origin: OriginFor<T>, name: NameOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let label = Self::label_of(&name)?;
			let now = frame_system::Pallet::<T>::block_number();
			if let Some(previous) = Names::<T>::get(&label) {
				ensure!(previous.expires_at <= now, Error::<T>::NameTaken);
				Self::return_deposit(&name, previous)?;
			}
			let deposit = T::NameDeposit::get();
			T::Currency::hold(&HoldReason::NameDeposit.into(), &who, deposit)?;
			let expires_at = now.saturating_add(T::NamePeriod::get());
			Names::<T>::insert(
				&label,
				NameInfo {
					owner: who.clone(),
					expires_at,
					deposit,
					records: Default::default(),
				},
			);
			Self::deposit_event(Event::NameRegistered {
				name,
				owner: who,
				expires_at,
				deposit,
			});
			Ok(())
		}

		/// Renews the caller's name: it then expires [`Config::NamePeriod`] blocks from
		/// now. Renewal does not stack (a name is never held more than one period ahead);
		/// an expired name that nobody has taken over can still be renewed by its owner.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::renew_name())]
		pub fn renew_name(origin: OriginFor<T>, name: NameOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let label = Self::label_of(&name)?;
			let now = frame_system::Pallet::<T>::block_number();
			let expires_at = now.saturating_add(T::NamePeriod::get());
			Names::<T>::try_mutate(&label, |info| -> DispatchResult {
				let info = info.as_mut().ok_or(Error::<T>::UnknownName)?;
				ensure!(info.owner == who, Error::<T>::NotNameOwner);
				info.expires_at = expires_at;
				Ok(())
			})?;
			Self::deposit_event(Event::NameRenewed { name, expires_at });
			Ok(())
		}

		/// Gives the caller's live name, with its records and its expiry, to `new_owner`.
		///
		/// The deposit goes with the name: it is moved, still on hold, from the caller to
		/// `new_owner`, and returned to `new_owner` when the name is released. So the
		/// new owner's account must already exist.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::transfer_name())]
		pub fn transfer_name(
			origin: OriginFor<T>,
			name: NameOf<T>,
			new_owner: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let new_owner = T::Lookup::lookup(new_owner)?;
			let label = Self::label_of(&name)?;
			let mut info = Self::live_name_of(&label, &who)?;
			ensure!(new_owner != who, Error::<T>::TransferToSelf);
			T::Currency::transfer_on_hold(
				&HoldReason::NameDeposit.into(),
				&who,
				&new_owner,
				info.deposit,
				Precision::Exact,
				Restriction::OnHold,
				Fortitude::Polite,
			)?;
			info.owner = new_owner.clone();
			Names::<T>::insert(&label, info);
			Self::deposit_event(Event::NameTransferred {
				name,
				from: who,
				to: new_owner,
			});
			Ok(())
		}

		/// Releases a name and returns its deposit to its owner. The owner can release it
		/// at any time; once it has expired, anyone can (the deposit still goes to the
		/// owner), which clears abandoned names from storage.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::release_name())]
		pub fn release_name(origin: OriginFor<T>, name: NameOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let label = Self::label_of(&name)?;
			let info = Names::<T>::get(&label).ok_or(Error::<T>::UnknownName)?;
			let now = frame_system::Pallet::<T>::block_number();
			ensure!(
				info.owner == who || info.expires_at <= now,
				Error::<T>::NotNameOwner
			);
			Names::<T>::remove(&label);
			Self::return_deposit(&name, info)
		}

		/// Replaces the records of the caller's live name (an empty list clears them).
		///
		/// AAAA records must hold IPv6 addresses: IPv4 embedded in IPv6, `::` and `::1`
		/// are refused (see [`dns::check_aaaa`]). SRV targets must be lowercase host names
		/// or `.`.
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::set_records())]
		pub fn set_records(
			origin: OriginFor<T>,
			name: NameOf<T>,
			records: RecordsOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let label = Self::label_of(&name)?;
			let mut info = Self::live_name_of(&label, &who)?;
			records.iter().try_for_each(Self::check_record)?;
			// A `BoundedVec`'s length is at most its `u32` bound.
			let count = u32::try_from(records.len()).unwrap_or(u32::MAX);
			info.records = records;
			Names::<T>::insert(&label, info);
			Self::deposit_event(Event::RecordsSet { name, count });
			Ok(())
		}

		/// Asks the chain's authorities for a certificate for `names` (origin: signed), held
		/// by the caller, holding [`Config::RequestDeposit`] until it is fulfilled or
		/// cancelled. It can be fulfilled for [`Config::RequestLifetime`] blocks.
		///
		/// Every name must be a live name the caller owns (this is TrustChain's domain
		/// validation). Both keys must be well formed, and the caller proves it holds both
		/// private keys by signing [`hypermesh_primitives::pop::message`] (genesis hash,
		/// caller, SCALE-encoded classical key, FALCON key) with each: `classical_proof`
		/// (Ed25519, or DER ECDSA P-256 over SHA-256) and `falcon_proof` (padded
		/// FALCON-1024). With `renews`, the caller's valid certificate of that id is
		/// revoked as `Superseded` when the new one is issued.
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::request_certificate(names.len() as u32))]
		pub fn request_certificate(
			origin: OriginFor<T>,
			names: CertificateNamesOf<T>,
			classical_public_key: ClassicalPublicKey,
			falcon_public_key: FalconPublicKey,
			classical_proof: ClassicalSignature,
			falcon_proof: FalconSignature,
			renews: Option<CertificateId>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(!names.is_empty(), Error::<T>::NoNames);
			for (i, name) in names.iter().enumerate() {
				ensure!(!names[..i].contains(name), Error::<T>::DuplicateName);
				let label = Self::label_of(name)?;
				Self::live_name_of(&label, &who)?;
			}
			Self::check_keys(&classical_public_key, &falcon_public_key)?;
			if let Some(old) = renews {
				let issued = Issued::<T>::get(old).ok_or(Error::<T>::CannotRenew)?;
				ensure!(
					issued.holder == who && issued.revocation == Revocation::NotRevoked,
					Error::<T>::CannotRenew
				);
			}
			let message =
				Self::proof_of_possession_message(&who, &classical_public_key, &falcon_public_key);
			hypermesh_primitives::classical::verify(
				Self::classical_key_ref(&classical_public_key),
				&message,
				&classical_proof,
			)
			.map_err(|_| Error::<T>::BadClassicalProof)?;
			hypermesh_primitives::falcon::verify(&falcon_public_key, &message, &falcon_proof)
				.map_err(|_| Error::<T>::BadFalconProof)?;

			let deposit = T::RequestDeposit::get();
			T::Currency::hold(&HoldReason::RequestDeposit.into(), &who, deposit)?;
			let id = NextRequestId::<T>::get();
			NextRequestId::<T>::put(id.checked_add(1).ok_or(ArithmeticError::Overflow)?);
			let expires_at =
				frame_system::Pallet::<T>::block_number().saturating_add(T::RequestLifetime::get());
			Requests::<T>::insert(
				id,
				CertificateRequest {
					requester: who.clone(),
					names,
					classical_public_key,
					falcon_public_key,
					deposit,
					expires_at,
					renews,
				},
			);
			Self::deposit_event(Event::CertificateRequested {
				id,
				requester: who,
				expires_at,
			});
			Ok(())
		}

		/// Withdraws a certificate request and returns its deposit. The requester can do
		/// so at any time; once it has expired, anyone can (the deposit still goes to the
		/// requester), which clears stale requests from storage.
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::cancel_request())]
		pub fn cancel_request(origin: OriginFor<T>, id: RequestId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let request = Requests::<T>::get(id).ok_or(Error::<T>::UnknownRequest)?;
			ensure!(
				request.requester == who
					|| request.expires_at <= frame_system::Pallet::<T>::block_number(),
				Error::<T>::NotRequester
			);
			Requests::<T>::remove(id);
			Self::release_request_deposit(&request)?;
			Self::deposit_event(Event::CertificateRequestCancelled { id });
			Ok(())
		}

		/// Fulfils a pending request with a certificate `authority` issued (origin: the
		/// authority's operator account, i.e. its node's CA service).
		///
		/// The certificate is parsed and checked on chain: X.509 v3, issuer = the
		/// authority's subject, classical signature by the authority's key, FALCON-1024
		/// alternative signature by the authority's FALCON key (verified in the runtime),
		/// subject keys = the request's keys, DNS names = the request's names, a leaf (no
		/// `cA`, no IP addresses), validity at most [`Config::CertificateValidity`] long,
		/// not ended, and starting at most [`Config::MaxClockSkew`] ahead of the chain,
		/// and a serial number the authority has not used. It is then appended to the
		/// Certificate Transparency log (its log index is its id), the request's deposit is
		/// returned, and a renewed certificate is revoked as `Superseded`.
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::issue_certificate())]
		pub fn issue_certificate(
			origin: OriginFor<T>,
			request: RequestId,
			authority: AuthorityId,
			der: CertificateDerOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Authorities::<T>::get(authority).ok_or(Error::<T>::UnknownAuthority)?;
			ensure!(info.operator == who, Error::<T>::NotAuthorityOperator);
			let pending = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
			ensure!(
				frame_system::Pallet::<T>::block_number() < pending.expires_at,
				Error::<T>::RequestExpired
			);
			let cert = Self::check_issued(authority, &info, &pending, &der)?;
			let serial: Serial = cert
				.serial
				.clone()
				.try_into()
				.map_err(|_| Error::<T>::MalformedCertificate)?;
			ensure!(
				!SerialIndex::<T>::contains_key(authority, &serial),
				Error::<T>::DuplicateSerial
			);

			let id = Self::append_to_log(authority, der)?;
			SerialIndex::<T>::insert(authority, &serial, id);
			HolderCertificates::<T>::insert(&pending.requester, id, ());
			Issued::<T>::insert(
				id,
				IssuedCertificate {
					holder: pending.requester.clone(),
					authority,
					request,
					serial,
					not_before: cert.not_before,
					not_after: cert.not_after,
					revocation: Revocation::NotRevoked,
				},
			);
			Requests::<T>::remove(request);
			Self::release_request_deposit(&pending)?;
			if let Some(old) = pending.renews {
				// Checked when the request was made; it may have been revoked since.
				Self::revoke(old, RevocationReason::Superseded).or_else(|e| {
					if e == Error::<T>::AlreadyRevoked.into() {
						Ok(())
					} else {
						Err(e)
					}
				})?;
			}
			Self::deposit_event(Event::CertificateIssued {
				id,
				request,
				authority,
				holder: pending.requester,
				not_after: cert.not_after,
			});
			Ok(())
		}

		/// Revokes an issued certificate, finally, with an RFC 5280 reason. Allowed to its
		/// holder, to its issuing authority's operator, and to [`Config::AuthorityOrigin`]
		/// (governance). The certificate stays in the log; its status becomes revoked.
		#[pallet::call_index(24)]
		#[pallet::weight(T::WeightInfo::revoke_certificate())]
		pub fn revoke_certificate(
			origin: OriginFor<T>,
			id: CertificateId,
			reason: RevocationReason,
		) -> DispatchResult {
			let issued = Issued::<T>::get(id).ok_or(Error::<T>::UnknownCertificate)?;
			if T::AuthorityOrigin::try_origin(origin.clone()).is_err() {
				let who = ensure_signed(origin)?;
				let is_operator = Authorities::<T>::get(issued.authority)
					.is_some_and(|authority| authority.operator == who);
				ensure!(
					issued.holder == who || is_operator,
					Error::<T>::NotAllowedToRevoke
				);
			}
			Self::revoke(id, reason)
		}
	}
}

impl<T: Config> Pallet<T> {
	/// Resolves a full name (`node1.hypermesh`) to its owner, records and expiry block, or
	/// `None` if the name is invalid, not registered or expired. For the runtime API.
	pub fn resolve(name: &[u8]) -> Option<Resolved<T>> {
		let label = Self::label_of(name).ok()?;
		let info = Names::<T>::get(&label)?;
		(frame_system::Pallet::<T>::block_number() < info.expires_at).then_some((
			info.owner,
			info.records,
			info.expires_at,
		))
	}

	/// The leaf hashes of the first `tree_size` logged certificates, or `None` if the log
	/// is shorter or a leaf hash is missing. Reads `tree_size` storage entries: for the
	/// runtime API (proofs), not for calls.
	pub fn leaf_hashes(tree_size: u64) -> Option<Vec<ct::Hash>> {
		if tree_size > CtLog::<T>::get().size() {
			return None;
		}
		(0..tree_size).map(LeafHashes::<T>::get).collect()
	}

	/// The CA certificates from `authority` up to its root, DER, `authority`'s first. Stops
	/// at 16 levels (an authority's parent must exist when it is added, so there are no
	/// cycles; the bound only limits the work).
	pub fn authority_chain(authority: AuthorityId) -> Vec<Vec<u8>> {
		let mut chain = Vec::new();
		let mut next = Some(authority);
		while let Some(id) = next {
			if chain.len() >= 16 {
				break;
			}
			let Some(der) = AuthorityCertificates::<T>::get(id) else {
				break;
			};
			chain.push(der.into_inner());
			next = match Authorities::<T>::get(id).map(|a| a.kind) {
				Some(AuthorityKind::Intermediate { parent }) => Some(parent),
				_ => None,
			};
		}
		chain
	}

	/// The certificates issued to `holder`, oldest first, at most `limit`.
	pub fn certificates_of(
		holder: &T::AccountId,
		limit: u32,
	) -> Vec<(CertificateId, IssuedCertificateOf<T>)> {
		let mut ids: Vec<CertificateId> =
			HolderCertificates::<T>::iter_key_prefix(holder).collect();
		ids.sort_unstable();
		ids.into_iter()
			.take(limit as usize)
			.filter_map(|id| Issued::<T>::get(id).map(|issued| (id, issued)))
			.collect()
	}

	/// The pending requests that have not expired, oldest first, at most `limit`.
	pub fn pending_requests(limit: u32) -> Vec<(RequestId, CertificateRequestOf<T>)> {
		let now = frame_system::Pallet::<T>::block_number();
		let mut pending: Vec<_> = Requests::<T>::iter()
			.filter(|(_, request)| now < request.expires_at)
			.collect();
		pending.sort_by_key(|(id, _)| *id);
		pending.truncate(limit as usize);
		pending
	}

	/// The log's current tree head (size and root), whether or not it is committed yet.
	pub fn tree_head() -> TreeHead {
		CtLog::<T>::get().tree_head()
	}

	/// The storage key (label) of a full name in the zone, or why it is not one.
	fn label_of(name: &[u8]) -> Result<Label, Error<T>> {
		let label = dns::label_in_zone(name, T::Zone::get().as_bytes()).map_err(|e| match e {
			dns::NameError::NotInZone => Error::<T>::NameNotInZone,
			dns::NameError::InvalidLabel => Error::<T>::InvalidLabel,
			dns::NameError::NotSingleLabel => Error::<T>::NotSingleLabel,
		})?;
		// `label_in_zone` returns at most `MAX_LABEL_LEN` bytes.
		Label::try_from(label.to_vec()).map_err(|_| Error::<T>::InvalidLabel)
	}

	/// The record of a name `who` owns and that has not expired.
	fn live_name_of(label: &Label, who: &T::AccountId) -> Result<NameInfoOf<T>, DispatchError> {
		let info = Names::<T>::get(label).ok_or(Error::<T>::UnknownName)?;
		ensure!(info.owner == *who, Error::<T>::NotNameOwner);
		ensure!(
			frame_system::Pallet::<T>::block_number() < info.expires_at,
			Error::<T>::NameExpired
		);
		Ok(info)
	}

	/// Returns a (released or taken-over) name's deposit to its owner.
	fn return_deposit(name: &NameOf<T>, info: NameInfoOf<T>) -> DispatchResult {
		let returned = T::Currency::release(
			&HoldReason::NameDeposit.into(),
			&info.owner,
			info.deposit,
			frame_support::traits::tokens::Precision::BestEffort,
		)?;
		Self::deposit_event(Event::NameReleased {
			name: name.clone(),
			owner: info.owner,
			deposit: returned,
		});
		Ok(())
	}

	/// Checks one DNS record.
	fn check_record(record: &DnsRecordOf<T>) -> Result<(), Error<T>> {
		match record {
			DnsRecord::Aaaa(addr) => dns::check_aaaa(addr).map_err(|e| match e {
				dns::AddressError::Ipv4 => Error::<T>::Ipv4AddressInAaaa,
				dns::AddressError::Unspecified => Error::<T>::UnspecifiedAddress,
				dns::AddressError::Loopback => Error::<T>::LoopbackAddress,
			}),
			DnsRecord::Srv { target, .. } => {
				ensure!(dns::is_srv_target(target), Error::<T>::InvalidSrvTarget);
				Ok(())
			}
			DnsRecord::Txt(_) => Ok(()),
		}
	}

	/// Checks what `add_authority` and `rotate_authority_keys` store: well-formed keys,
	/// and a CA certificate (X.509 v3, `cA = TRUE`) for exactly these keys (its
	/// subjectAltPublicKeyInfo, if present, must be the FALCON key).
	fn check_authority_material(
		der: &CertificateDerOf<T>,
		classical: &ClassicalPublicKey,
		falcon: &FalconPublicKey,
	) -> Result<(), Error<T>> {
		ensure!(!der.is_empty(), Error::<T>::EmptyCertificate);
		Self::check_keys(classical, falcon)?;
		let cert =
			HybridCertificate::parse(der).map_err(|_| Error::<T>::BadAuthorityCertificate)?;
		ensure!(cert.is_ca, Error::<T>::AuthorityCertificateNotCa);
		ensure!(
			Self::same_classical_key(&cert.subject_key, classical),
			Error::<T>::AuthorityKeyMismatch
		);
		ensure!(
			cert.subject_falcon_key
				.as_ref()
				.is_none_or(|key| key.as_slice() == falcon.as_slice()),
			Error::<T>::AuthorityKeyMismatch
		);
		Ok(())
	}

	/// Adds a root authority at genesis (see [`GenesisConfig`]).
	fn add_genesis_root(
		id: AuthorityId,
		operator: T::AccountId,
		der: &[u8],
		falcon: &[u8],
	) -> Result<(), Error<T>> {
		ensure!(
			!Authorities::<T>::contains_key(id),
			Error::<T>::AuthorityAlreadyExists
		);
		let der: CertificateDerOf<T> = der
			.to_vec()
			.try_into()
			.map_err(|_| Error::<T>::BadAuthorityCertificate)?;
		let falcon: FalconPublicKey = falcon
			.to_vec()
			.try_into()
			.map_err(|_| Error::<T>::BadFalconKeyLength)?;
		let cert =
			HybridCertificate::parse(&der).map_err(|_| Error::<T>::BadAuthorityCertificate)?;
		let classical = match cert.subject_key {
			SubjectKey::Ed25519(key) => ClassicalPublicKey::Ed25519(key),
			SubjectKey::EcdsaP256(point) => ClassicalPublicKey::EcdsaP256(
				point.try_into().map_err(|_| Error::<T>::BadClassicalKey)?,
			),
		};
		Self::check_authority_material(&der, &classical, &falcon)?;
		Authorities::<T>::insert(
			id,
			AuthorityInfo {
				kind: AuthorityKind::Root,
				operator,
				classical_public_key: classical,
				falcon_public_key: falcon,
				children: 0,
			},
		);
		AuthorityCertificates::<T>::insert(id, der);
		Ok(())
	}

	/// Checks a classical key's encoding and a FALCON-1024 key's length and header.
	fn check_keys(
		classical: &ClassicalPublicKey,
		falcon: &FalconPublicKey,
	) -> Result<(), Error<T>> {
		ensure!(classical.is_well_formed(), Error::<T>::BadClassicalKey);
		ensure!(
			falcon.len() == FALCON_1024_PUBLIC_KEY_LEN as usize,
			Error::<T>::BadFalconKeyLength
		);
		ensure!(
			falcon.first() == Some(&FALCON_1024_PUBLIC_KEY_HEADER),
			Error::<T>::BadFalconKeyHeader
		);
		Ok(())
	}

	/// Whether a certificate's subject key is `key`.
	fn same_classical_key(subject: &SubjectKey, key: &ClassicalPublicKey) -> bool {
		match (subject, key) {
			(SubjectKey::Ed25519(a), ClassicalPublicKey::Ed25519(b)) => a == b,
			(SubjectKey::EcdsaP256(a), ClassicalPublicKey::EcdsaP256(b)) => {
				a.as_slice() == b.as_slice()
			}
			_ => false,
		}
	}

	/// A stored classical key as the verifier takes it.
	fn classical_key_ref(
		key: &ClassicalPublicKey,
	) -> hypermesh_primitives::classical::ClassicalKey<'_> {
		match key {
			ClassicalPublicKey::Ed25519(key) => {
				hypermesh_primitives::classical::ClassicalKey::Ed25519(key)
			}
			ClassicalPublicKey::EcdsaP256(point) => {
				hypermesh_primitives::classical::ClassicalKey::EcdsaP256(point)
			}
		}
	}

	/// What a requester signs with both keys (see [`hypermesh_primitives::pop`]): it binds
	/// this chain's genesis hash, the requester and both keys.
	pub fn proof_of_possession_message(
		who: &T::AccountId,
		classical: &ClassicalPublicKey,
		falcon: &FalconPublicKey,
	) -> Vec<u8> {
		let genesis = frame_system::Pallet::<T>::block_hash(BlockNumberFor::<T>::zero());
		hypermesh_primitives::pop::message(
			genesis.as_ref(),
			&who.encode(),
			&classical.encode(),
			falcon,
		)
	}

	/// Parses `der` and checks it is a certificate `authority` issued for `request`.
	fn check_issued(
		authority: AuthorityId,
		info: &AuthorityInfoOf<T>,
		request: &CertificateRequestOf<T>,
		der: &[u8],
	) -> Result<HybridCertificate, Error<T>> {
		let cert = HybridCertificate::parse(der).map_err(|e| match e {
			X509Error::MalformedDer | X509Error::NotVersion3 | X509Error::MalformedExtension => {
				Error::<T>::MalformedCertificate
			}
			X509Error::MissingFalconKey | X509Error::MissingAltSignature => {
				Error::<T>::MissingAltSignature
			}
			_ => Error::<T>::UnsupportedCertificate,
		})?;
		let ca_der =
			AuthorityCertificates::<T>::get(authority).ok_or(Error::<T>::UnknownAuthority)?;
		let ca =
			HybridCertificate::parse(&ca_der).map_err(|_| Error::<T>::BadAuthorityCertificate)?;
		ensure!(cert.issuer == ca.subject, Error::<T>::IssuerMismatch);
		cert.verify_classical_signature(&ca.subject_key)
			.map_err(|_| Error::<T>::BadCertificateSignature)?;
		ensure!(
			cert.subject_falcon_key.is_some(),
			Error::<T>::MissingAltSignature
		);
		cert.verify_alt_signature(&info.falcon_public_key)
			.map_err(|e| match e {
				X509Error::MissingAltSignature => Error::<T>::MissingAltSignature,
				_ => Error::<T>::BadAltSignature,
			})?;
		ensure!(
			Self::same_classical_key(&cert.subject_key, &request.classical_public_key)
				&& cert.subject_falcon_key.as_deref() == Some(request.falcon_public_key.as_slice()),
			Error::<T>::CertificateKeyMismatch
		);
		ensure!(
			!cert.is_ca && cert.ip_addresses.is_empty(),
			Error::<T>::CertificateNotLeaf
		);
		let names_match = cert.dns_names.len() == request.names.len()
			&& request
				.names
				.iter()
				.all(|name| cert.dns_names.iter().any(|n| n == name.as_slice()))
			&& cert
				.dns_names
				.iter()
				.enumerate()
				.all(|(i, name)| !cert.dns_names[..i].contains(name));
		ensure!(names_match, Error::<T>::CertificateNamesMismatch);
		let now = T::UnixTime::now().as_secs();
		ensure!(
			cert.not_before <= cert.not_after
				&& cert.not_after - cert.not_before <= T::CertificateValidity::get()
				&& cert.not_before <= now.saturating_add(T::MaxClockSkew::get())
				&& now < cert.not_after,
			Error::<T>::BadValidity
		);
		Ok(cert)
	}

	/// Appends a certificate to the CT log and keeps it under its log index.
	fn append_to_log(
		authority: AuthorityId,
		der: CertificateDerOf<T>,
	) -> Result<u64, DispatchError> {
		let leaf_hash = ct::leaf_hash(&der);
		ensure!(
			!CertificateIndex::<T>::contains_key(leaf_hash),
			Error::<T>::CertificateAlreadyLogged
		);
		let mut log = CtLog::<T>::get();
		let index = log.append(leaf_hash).map_err(|_| Error::<T>::CtLogFull)?;
		let head = log.tree_head();
		CtLog::<T>::put(log);
		CtLogChanged::<T>::put(true);
		CertificateIndex::<T>::insert(leaf_hash, index);
		LeafHashes::<T>::insert(index, leaf_hash);
		Certificates::<T>::insert(
			index,
			CertificateRecord {
				authority,
				der,
				recorded_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		Self::deposit_event(Event::CertificateLogged {
			authority,
			index,
			leaf_hash,
			tree_size: head.size,
			root: head.root,
		});
		Ok(index)
	}

	/// Returns a (fulfilled or cancelled) request's deposit to its requester.
	fn release_request_deposit(request: &CertificateRequestOf<T>) -> DispatchResult {
		T::Currency::release(
			&HoldReason::RequestDeposit.into(),
			&request.requester,
			request.deposit,
			frame_support::traits::tokens::Precision::BestEffort,
		)?;
		Ok(())
	}

	/// Marks an issued certificate revoked.
	fn revoke(id: CertificateId, reason: RevocationReason) -> DispatchResult {
		Issued::<T>::try_mutate(id, |issued| -> DispatchResult {
			let issued = issued.as_mut().ok_or(Error::<T>::UnknownCertificate)?;
			ensure!(
				issued.revocation == Revocation::NotRevoked,
				Error::<T>::AlreadyRevoked
			);
			issued.revocation = Revocation::Revoked {
				reason,
				at: frame_system::Pallet::<T>::block_number(),
			};
			Ok(())
		})?;
		Self::deposit_event(Event::CertificateRevoked { id, reason });
		Ok(())
	}

	/// An issued certificate's status at the chain's current time. For the runtime API.
	pub fn certificate_status(id: CertificateId) -> CertificateStatus<BlockNumberFor<T>> {
		let Some(issued) = Issued::<T>::get(id) else {
			return CertificateStatus::Unknown;
		};
		if let Revocation::Revoked { reason, at } = issued.revocation {
			return CertificateStatus::Revoked { reason, at };
		}
		let now = T::UnixTime::now().as_secs();
		if now < issued.not_before {
			CertificateStatus::NotYetValid
		} else if now >= issued.not_after {
			CertificateStatus::Expired
		} else {
			CertificateStatus::Valid
		}
	}
}
