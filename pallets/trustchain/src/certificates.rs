//! Certificates: requests, issuance, revocation and the Certificate Transparency log.
//!
//! A certificate's life on chain, in order:
//!
//! * **Request** ([`Pallet::request_certificate`]): the owner of live names asks for a
//!   certificate for them, proving possession of both its private keys by signing
//!   [`Pallet::proof_of_possession_message`] (the classical and FALCON-1024 signatures are
//!   verified in the runtime), against [`Config::RequestDeposit`]. A pending request can
//!   be cancelled ([`Pallet::cancel_request`]).
//! * **Issuance** ([`Pallet::issue_certificate`]): an authority's operator fulfils a
//!   request with a certificate the pallet parses and checks (`check_issued`), appends it
//!   to the log (its log index is its id) and records it as issued to the requester.
//! * **Revocation** ([`Pallet::revoke_certificate`], and renewal, which supersedes the
//!   renewed certificate): final, with an RFC 5280 reason; the certificate stays in the
//!   log. [`Pallet::certificate_status`] reports it against the chain's clock. A name's
//!   live certificates ([`NameCertificates`]) are revoked the same way (same event) when
//!   the name is transferred (`Superseded`), released or taken over after expiry
//!   (`CessationOfOperation`): a certificate does not outlive its holder's name.
//! * **The CT log**: an RFC 9162 Merkle log kept as a compact log in [`CtLog`], with every
//!   certificate and leaf hash by log index; `on_finalize` commits the tree head of every
//!   block in which the log grew ([`TreeHeads`], a bounded history), and the runtime API
//!   serves proofs from [`Pallet::leaf_hashes`].
//!
//! They share one module because each step reads what the one before it stored.

use crate::*;
use frame_support::traits::tokens::Precision;
use frame_system::{ensure_signed, pallet_prelude::OriginFor};
use hypermesh_primitives::x509::{HybridCertificate, X509Error};
use sp_runtime::{
	traits::{Saturating, Zero},
	ArithmeticError,
};

impl<T: Config> Pallet<T> {
	/// [`Pallet::request_certificate`] for the signed `who`.
	pub(crate) fn do_request_certificate(
		who: T::AccountId,
		names: CertificateNamesOf<T>,
		classical_public_key: ClassicalPublicKey,
		falcon_public_key: FalconPublicKey,
		classical_proof: ClassicalSignature,
		falcon_proof: FalconSignature,
		renews: Option<CertificateId>,
	) -> DispatchResult {
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

	/// [`Pallet::cancel_request`] for the signed `who`.
	pub(crate) fn do_cancel_request(who: T::AccountId, id: RequestId) -> DispatchResult {
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

	/// [`Pallet::issue_certificate`] for the signed `who` (who must be the authority's
	/// operator).
	pub(crate) fn do_issue_certificate(
		who: T::AccountId,
		request: RequestId,
		authority: AuthorityId,
		der: CertificateDerOf<T>,
	) -> DispatchResult {
		let info = Authorities::<T>::get(authority).ok_or(Error::<T>::UnknownAuthority)?;
		ensure!(info.operator == who, Error::<T>::NotAuthorityOperator);
		let pending = Requests::<T>::get(request).ok_or(Error::<T>::UnknownRequest)?;
		ensure!(
			frame_system::Pallet::<T>::block_number() < pending.expires_at,
			Error::<T>::RequestExpired
		);
		let lists = Self::name_lists_for_issuance(&pending)?;
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
		for (label, mut list) in lists {
			// `name_lists_for_issuance` left room in every list.
			list.try_push(id)
				.map_err(|_| Error::<T>::TooManyCertificatesForName)?;
			NameCertificates::<T>::insert(label, list);
		}
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

	/// [`Pallet::revoke_certificate`]: the certificate must exist; then the origin must be
	/// [`Config::AuthorityOrigin`], or signed by the holder or the issuing authority's
	/// operator.
	pub(crate) fn do_revoke_certificate(
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

	/// The weight [`Pallet::issue_certificate`] adds to its benchmarked weight for the
	/// names: for each of up to [`Config::MaxNamesPerCertificate`] names, reading the name
	/// (the ownership re-check), reading and writing its list, and reading up to
	/// [`Config::MaxCertificatesPerName`] issued certificates to prune the dead ones.
	/// Composed from the database weights until the benchmark covers full lists.
	pub fn issuance_name_checks_weight() -> Weight {
		let names = u64::from(T::MaxNamesPerCertificate::get());
		let per_name = 2u64.saturating_add(u64::from(T::MaxCertificatesPerName::get()));
		T::DbWeight::get().reads_writes(names.saturating_mul(per_name), names)
	}

	/// The weight a name call (transfer, release, take-over) adds to its benchmarked
	/// weight for revoking the name's certificates: taking the list (one read, one write)
	/// and up to [`Config::MaxCertificatesPerName`] revocations, each costed as a whole
	/// [`Pallet::revoke_certificate`] call (whose benchmark also reads the authority, so
	/// this is an overestimate). Composed from the generated weights until the name
	/// calls' benchmarks cover full lists.
	pub fn revoke_name_certificates_weight() -> Weight {
		T::WeightInfo::revoke_certificate()
			.saturating_mul(u64::from(T::MaxCertificatesPerName::get()))
			.saturating_add(T::DbWeight::get().reads_writes(1, 1))
	}

	/// Revokes the certificates listed for a name (`label`) with `reason`, each as
	/// [`Pallet::revoke_certificate`] does (with its event), and empties the list. Ids
	/// already revoked are skipped.
	pub(crate) fn revoke_name_certificates(
		label: &Label,
		reason: RevocationReason,
	) -> DispatchResult {
		for id in NameCertificates::<T>::take(label) {
			let revocable = Issued::<T>::get(id)
				.is_some_and(|issued| issued.revocation == Revocation::NotRevoked);
			if revocable {
				Self::revoke(id, reason)?;
			}
		}
		Ok(())
	}

	/// Whether issued certificate `id` is live: not revoked, and not expired at `now`
	/// (Unix seconds).
	pub(crate) fn is_live(id: CertificateId, now: u64) -> bool {
		Issued::<T>::get(id).is_some_and(|issued| {
			issued.revocation == Revocation::NotRevoked && now < issued.not_after
		})
	}

	/// For a request about to be fulfilled: checks that the requester still holds every
	/// name, live (it may have transferred, released or lost one since it asked), and
	/// returns each name's certificate list without its dead ids and without the
	/// certificate the request renews (revoked by the issuance), refusing a name whose
	/// list has no room left.
	fn name_lists_for_issuance(
		request: &CertificateRequestOf<T>,
	) -> Result<Vec<(Label, BoundedVec<CertificateId, T::MaxCertificatesPerName>)>, DispatchError>
	{
		let now = T::UnixTime::now().as_secs();
		let mut lists = Vec::with_capacity(request.names.len());
		for name in &request.names {
			let label = Self::label_of(name)?;
			Self::live_name_of(&label, &request.requester)?;
			let mut list = NameCertificates::<T>::get(&label);
			list.retain(|id| Some(*id) != request.renews && Self::is_live(*id, now));
			ensure!(
				list.len() < T::MaxCertificatesPerName::get() as usize,
				Error::<T>::TooManyCertificatesForName
			);
			lists.push((label, list));
		}
		Ok(lists)
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

	/// The leaf hashes of the first `tree_size` logged certificates, or `None` if the log
	/// is shorter or a leaf hash is missing. Reads `tree_size` storage entries: for the
	/// runtime API (proofs), not for calls.
	pub fn leaf_hashes(tree_size: u64) -> Option<Vec<ct::Hash>> {
		if tree_size > CtLog::<T>::get().size() {
			return None;
		}
		(0..tree_size).map(LeafHashes::<T>::get).collect()
	}

	/// The log's current tree head (size and root), whether or not it is committed yet.
	pub fn tree_head() -> TreeHead {
		CtLog::<T>::get().tree_head()
	}

	/// `on_finalize`: commits the tree head if the log changed in block `n`, and forgets
	/// the head of the block that just left the history window.
	pub(crate) fn commit_tree_head(n: BlockNumberFor<T>) {
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
			Precision::BestEffort,
		)?;
		Ok(())
	}

	/// Marks an issued certificate revoked (by [`Pallet::revoke_certificate`], as
	/// superseded by a renewal, or when its name changes hands or is released).
	pub(crate) fn revoke(id: CertificateId, reason: RevocationReason) -> DispatchResult {
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
}
