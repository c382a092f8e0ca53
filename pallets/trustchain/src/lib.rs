//! # TrustChain pallet
//!
//! HyperMesh replaces the web's certificate authorities, Certificate Transparency logs and
//! DNS registrars with one public, auditable ledger. This pallet is the on-chain half of
//! that ledger. It has three domains, each in a module of its own that adds its calls'
//! logic and its queries to [`Pallet`]:
//!
//! * **Certificate authorities** (`authorities`): CA roots and intermediates, each with
//!   its X.509 CA certificate (DER, parsed and checked to be a CA certificate for the
//!   given keys), its classical public key (Ed25519 or ECDSA P-256), its FALCON-1024
//!   public key, and the account of the node that operates it (its CA service). Only
//!   [`Config::AuthorityOrigin`] (root until governance lands) adds, re-keys and removes
//!   them, because everyone who trusts the chain trusts what they sign. Roots can also be
//!   present from genesis ([`GenesisConfig`]).
//! * **Names** (`names`, with the byte-level rules in [`dns`]): names directly under the
//!   chain's zone (`node1.hypermesh`) with AAAA (IPv6 only), SRV and TXT records, held for
//!   [`Config::NamePeriod`] blocks against a deposit ([`Config::NameDeposit`], held under
//!   [`HoldReason::NameDeposit`]) so that names cost something to squat and are freed
//!   when abandoned: an expired name can be taken by anyone, and the previous owner's
//!   deposit is then returned. Registration is open to any signed account.
//! * **Certificates** (`certificates`): a name's owner requests a certificate for its
//!   names, proving possession of both its keys (classical and FALCON-1024 signatures,
//!   verified in the runtime) against [`Config::RequestDeposit`]; an authority's operator
//!   fulfils the request with a certificate the pallet parses and checks on chain
//!   (issuer, both signatures, keys, names, validity, serial); the certificate is appended
//!   to an RFC 9162 Certificate Transparency log kept as a
//!   [`CompactMerkleLog`](hypermesh_primitives::ct::CompactMerkleLog) (O(log n) storage),
//!   and its log index is its id. Holders, operators and governance revoke certificates
//!   with RFC 5280 reasons; a renewal revokes the certificate it replaces. A certificate
//!   does not outlive its name: each name lists its live certificates
//!   ([`NameCertificates`], at most [`Config::MaxCertificatesPerName`]), which are revoked
//!   as `Superseded` when the name is transferred and as `CessationOfOperation` when it is
//!   released or taken over after expiry, and issuance re-checks that the requester still
//!   holds every name. At the end of
//!   every block in which the log grew, the tree head (size, root) is committed under the
//!   block number, keeping a bounded history; the runtime API serves inclusion and
//!   consistency proofs against these heads from the leaf hashes kept by log index.
//!
//! The shared data types are in [`types`]; this file holds the pallet's declarations
//! (configuration, storage, events, errors, hooks, genesis) and the dispatchables, which
//! check the origin and hand over to the domain modules. Every call checks all of its
//! input before it changes anything, and runs in its own storage layer besides, so a
//! failed call leaves no trace but its fee.

#![cfg_attr(not(feature = "std"), no_std)]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

extern crate alloc;

pub mod dns;
pub mod migrations;
pub mod types;
pub mod weights;

mod authorities;
mod certificates;
mod names;

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
		fungible::{self, MutateHold},
		UnixTime,
	},
};
use frame_system::pallet_prelude::BlockNumberFor;
use hypermesh_primitives::ct::{self, CompactMerkleLog, TreeHead};
use sp_runtime::traits::StaticLookup;

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
	use frame_system::pallet_prelude::*;

	/// The storage version: 1 added [`LeafHashes`] (filled for existing log entries by
	/// [`crate::migrations::v1::MigrateToV1`]) and the certificate request and issuance
	/// maps (new, empty); 2 added [`types::AuthorityInfo::keys_set_at`] (filled by
	/// [`crate::migrations::v2::MigrateToV2`]); 3 added [`NameCertificates`] (filled by
	/// [`crate::migrations::v3::MigrateToV3`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(3);

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

		/// The most live certificates one name can have at once (see [`NameCertificates`]):
		/// issuing one more for the name is refused until one is revoked or expires. It
		/// bounds the revocations a transfer, release or take-over of the name does.
		#[pallet::constant]
		type MaxCertificatesPerName: Get<u32>;

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

	/// The certificates issued for each name (by label) that were live (not revoked, not
	/// expired) when the last one was added: what a transfer, release or take-over of the
	/// name revokes. Ids that died since (revoked or expired) are dropped when the next
	/// certificate for the name is added, so they never fill the list.
	#[pallet::storage]
	pub type NameCertificates<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		Label,
		BoundedVec<CertificateId, T::MaxCertificatesPerName>,
		ValueQuery,
	>;

	/// Whether the log changed in the current block (set when a certificate is appended,
	/// taken by `on_finalize`).
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
		/// A name of the request already has [`Config::MaxCertificatesPerName`] live
		/// certificates: revoke one (or let one expire) first.
		TooManyCertificatesForName,
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
			Self::commit_tree_head(n);
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
			assert!(
				T::MaxCertificatesPerName::get() >= 1,
				"MaxCertificatesPerName must allow a certificate"
			);
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Adds a certificate authority (origin: [`Config::AuthorityOrigin`]).
		///
		/// An intermediate's parent must exist. The CA certificate must be a DER X.509 v3
		/// certificate with `cA = TRUE` for exactly the given keys (its
		/// subjectAltPublicKeyInfo, if present, must be the FALCON key), the keys well
		/// formed, and `operator` is the account that will issue this authority's
		/// certificates.
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
			Self::do_add_authority(
				id,
				kind,
				operator,
				ca_certificate_der,
				classical_public_key,
				falcon_public_key,
			)
		}

		/// Removes a certificate authority that has no intermediates (origin:
		/// [`Config::AuthorityOrigin`]). The certificates it recorded stay in the log.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_authority())]
		pub fn remove_authority(origin: OriginFor<T>, id: AuthorityId) -> DispatchResult {
			T::AuthorityOrigin::ensure_origin(origin)?;
			Self::do_remove_authority(id)
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
			Self::do_rotate_authority_keys(
				id,
				ca_certificate_der,
				classical_public_key,
				falcon_public_key,
			)
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
			Self::do_set_authority_operator(id, operator)
		}

		/// Registers `name` (`<label>.<zone>`) to the caller for [`Config::NamePeriod`]
		/// blocks, holding [`Config::NameDeposit`] from the caller.
		///
		/// A name that is registered and not expired is refused. An expired name is taken
		/// over: its previous owner's deposit is returned to them first and its live
		/// certificates are revoked as `CessationOfOperation` (this also applies when the
		/// previous owner registers it again).
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::register_name()
			.saturating_add(Pallet::<T>::revoke_name_certificates_weight()))]
		pub fn register_name(origin: OriginFor<T>, name: NameOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_name(who, name)
		}

		/// Renews the caller's name: it then expires [`Config::NamePeriod`] blocks from
		/// now. Renewal does not stack (a name is never held more than one period ahead);
		/// an expired name that nobody has taken over can still be renewed by its owner.
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::renew_name())]
		pub fn renew_name(origin: OriginFor<T>, name: NameOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_renew_name(who, name)
		}

		/// Gives the caller's live name, with its records and its expiry, to `new_owner`.
		///
		/// The deposit goes with the name: it is moved, still on hold, from the caller to
		/// `new_owner`, and returned to `new_owner` when the name is released. So the
		/// new owner's account must already exist. The certificates issued for the name to
		/// the caller are revoked as `Superseded`.
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::transfer_name()
			.saturating_add(Pallet::<T>::revoke_name_certificates_weight()))]
		pub fn transfer_name(
			origin: OriginFor<T>,
			name: NameOf<T>,
			new_owner: AccountIdLookupOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let new_owner = T::Lookup::lookup(new_owner)?;
			Self::do_transfer_name(who, name, new_owner)
		}

		/// Releases a name and returns its deposit to its owner. The owner can release it
		/// at any time; once it has expired, anyone can (the deposit still goes to the
		/// owner), which clears abandoned names from storage. The name's live certificates
		/// are revoked as `CessationOfOperation`.
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::release_name()
			.saturating_add(Pallet::<T>::revoke_name_certificates_weight()))]
		pub fn release_name(origin: OriginFor<T>, name: NameOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_release_name(who, name)
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
			Self::do_set_records(who, name, records)
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
			Self::do_request_certificate(
				who,
				names,
				classical_public_key,
				falcon_public_key,
				classical_proof,
				falcon_proof,
				renews,
			)
		}

		/// Withdraws a certificate request and returns its deposit. The requester can do
		/// so at any time; once it has expired, anyone can (the deposit still goes to the
		/// requester), which clears stale requests from storage.
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::cancel_request())]
		pub fn cancel_request(origin: OriginFor<T>, id: RequestId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_request(who, id)
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
		/// and a serial number the authority has not used. The requester must still hold
		/// every name, live, and no name may already have
		/// [`Config::MaxCertificatesPerName`] live certificates. It is then appended to the
		/// Certificate Transparency log (its log index is its id) and to each name's
		/// [`NameCertificates`], the request's deposit is returned, and a renewed
		/// certificate is revoked as `Superseded`.
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::issue_certificate()
			.saturating_add(Pallet::<T>::issuance_name_checks_weight()))]
		pub fn issue_certificate(
			origin: OriginFor<T>,
			request: RequestId,
			authority: AuthorityId,
			der: CertificateDerOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_issue_certificate(who, request, authority, der)
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
			// The certificate is looked up before the origin is checked: the domain module
			// takes the origin.
			Self::do_revoke_certificate(origin, id, reason)
		}
	}
}
