//! Certificate authorities: the roots and intermediates everyone who trusts the chain
//! trusts, managed by [`Config::AuthorityOrigin`].
//!
//! This module holds what the authority calls do once their origin is checked (adding,
//! removing, re-keying an authority and changing its operator), the genesis roots, the
//! checks an authority's material passes (a parsed X.509 CA certificate for exactly the
//! given, well-formed keys), and [`Pallet::authority_chain`] for the runtime API. The key
//! checks are shared with certificate requests ([`crate::certificates`]).

use crate::*;
use hypermesh_primitives::x509::{HybridCertificate, SubjectKey};
use sp_runtime::ArithmeticError;

impl<T: Config> Pallet<T> {
	/// [`Pallet::add_authority`] after its origin check and operator lookup.
	pub(crate) fn do_add_authority(
		id: AuthorityId,
		kind: AuthorityKind,
		operator: T::AccountId,
		ca_certificate_der: CertificateDerOf<T>,
		classical_public_key: ClassicalPublicKey,
		falcon_public_key: FalconPublicKey,
	) -> DispatchResult {
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
				keys_set_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		AuthorityCertificates::<T>::insert(id, ca_certificate_der);
		Self::deposit_event(Event::AuthorityAdded { id, kind, operator });
		Ok(())
	}

	/// [`Pallet::remove_authority`] after its origin check.
	pub(crate) fn do_remove_authority(id: AuthorityId) -> DispatchResult {
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

	/// [`Pallet::rotate_authority_keys`] after its origin check.
	pub(crate) fn do_rotate_authority_keys(
		id: AuthorityId,
		ca_certificate_der: CertificateDerOf<T>,
		classical_public_key: ClassicalPublicKey,
		falcon_public_key: FalconPublicKey,
	) -> DispatchResult {
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
			authority.keys_set_at = frame_system::Pallet::<T>::block_number();
			Ok(())
		})?;
		AuthorityCertificates::<T>::insert(id, ca_certificate_der);
		Self::deposit_event(Event::AuthorityKeysRotated { id });
		Ok(())
	}

	/// [`Pallet::set_authority_operator`] after its origin check and operator lookup.
	pub(crate) fn do_set_authority_operator(
		id: AuthorityId,
		operator: T::AccountId,
	) -> DispatchResult {
		Authorities::<T>::try_mutate(id, |authority| -> DispatchResult {
			let authority = authority.as_mut().ok_or(Error::<T>::UnknownAuthority)?;
			authority.operator = operator.clone();
			Ok(())
		})?;
		Self::deposit_event(Event::AuthorityOperatorChanged { id, operator });
		Ok(())
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
	pub(crate) fn add_genesis_root(
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
				keys_set_at: frame_system::Pallet::<T>::block_number(),
			},
		);
		AuthorityCertificates::<T>::insert(id, der);
		Ok(())
	}

	/// Checks a classical key's encoding and a FALCON-1024 key's length and header (for
	/// authorities and for certificate requests).
	pub(crate) fn check_keys(
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

	/// Whether a certificate's subject key is `key` (for authorities' CA certificates and
	/// for issued certificates).
	pub(crate) fn same_classical_key(subject: &SubjectKey, key: &ClassicalPublicKey) -> bool {
		match (subject, key) {
			(SubjectKey::Ed25519(a), ClassicalPublicKey::Ed25519(b)) => a == b,
			(SubjectKey::EcdsaP256(a), ClassicalPublicKey::EcdsaP256(b)) => {
				a.as_slice() == b.as_slice()
			}
			_ => false,
		}
	}
}
