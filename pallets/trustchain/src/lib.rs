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
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::{
	pallet_prelude::*,
	traits::fungible::{self, Inspect, MutateHold},
};
use frame_system::pallet_prelude::BlockNumberFor;
use hypermesh_primitives::ct::{self, CompactMerkleLog, TreeHead};
use sp_runtime::traits::StaticLookup;

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

type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::traits::tokens::{Fortitude, Precision, Restriction};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{traits::Saturating, ArithmeticError};

	#[pallet::pallet]
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

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;
	}

	/// Why this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// The deposit for a registered name.
		#[codec(index = 0)]
		NameDeposit,
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

	/// Whether the log changed in the current block (set by `record_certificate`, taken
	/// by `on_finalize`).
	#[pallet::storage]
	pub type CtLogChanged<T> = StorageValue<_, bool, ValueQuery>;

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
			/// The authority that recorded it.
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

		/// Appends a certificate issued by `authority` to the Certificate Transparency log
		/// (origin: the authority's operator account). The leaf is `SHA-256(0x00 || der)`;
		/// the certificate is kept under its log index. The same certificate cannot be
		/// logged twice. The DER is not parsed in this slice.
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::record_certificate())]
		pub fn record_certificate(
			origin: OriginFor<T>,
			authority: AuthorityId,
			der: CertificateDerOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let info = Authorities::<T>::get(authority).ok_or(Error::<T>::UnknownAuthority)?;
			ensure!(info.operator == who, Error::<T>::NotAuthorityOperator);
			ensure!(!der.is_empty(), Error::<T>::EmptyCertificate);
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
			Ok(())
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

	/// Checks what `add_authority` and `rotate_authority_keys` store.
	fn check_authority_material(
		der: &CertificateDerOf<T>,
		classical: &ClassicalPublicKey,
		falcon: &FalconPublicKey,
	) -> Result<(), Error<T>> {
		ensure!(!der.is_empty(), Error::<T>::EmptyCertificate);
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
}
