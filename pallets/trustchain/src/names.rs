//! The name service: names directly under the chain's zone, with their records, held for
//! a period against a deposit.
//!
//! This module holds what the name calls do once the caller is known (registering,
//! renewing, transferring and releasing a name, and setting its records; a name that
//! changes hands or is released takes its certificates with it: they are revoked), the
//! lookups the other domains share (a name's label, the caller's live name), and
//! [`Pallet::resolve`] for the runtime API. The byte-level rules (what a name, an AAAA
//! address or an SRV target may be) are pure functions in [`crate::dns`], so that the
//! node can apply the same rules; here they are mapped to the pallet's errors.

use crate::*;
use frame_support::traits::tokens::{Fortitude, Precision, Restriction};
use sp_runtime::traits::Saturating;

impl<T: Config> Pallet<T> {
	/// [`Pallet::register_name`] for the signed `who`.
	pub(crate) fn do_register_name(who: T::AccountId, name: NameOf<T>) -> DispatchResult {
		let label = Self::label_of(&name)?;
		let now = frame_system::Pallet::<T>::block_number();
		if let Some(previous) = Names::<T>::get(&label) {
			ensure!(previous.expires_at <= now, Error::<T>::NameTaken);
			Self::return_deposit(&name, previous)?;
			Self::revoke_name_certificates(&label, RevocationReason::CessationOfOperation)?;
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

	/// [`Pallet::renew_name`] for the signed `who`.
	pub(crate) fn do_renew_name(who: T::AccountId, name: NameOf<T>) -> DispatchResult {
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

	/// [`Pallet::transfer_name`] for the signed `who`, after the new owner's lookup.
	pub(crate) fn do_transfer_name(
		who: T::AccountId,
		name: NameOf<T>,
		new_owner: T::AccountId,
	) -> DispatchResult {
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
		Self::revoke_name_certificates(&label, RevocationReason::Superseded)?;
		Self::deposit_event(Event::NameTransferred {
			name,
			from: who,
			to: new_owner,
		});
		Ok(())
	}

	/// [`Pallet::release_name`] for the signed `who`.
	pub(crate) fn do_release_name(who: T::AccountId, name: NameOf<T>) -> DispatchResult {
		let label = Self::label_of(&name)?;
		let info = Names::<T>::get(&label).ok_or(Error::<T>::UnknownName)?;
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			info.owner == who || info.expires_at <= now,
			Error::<T>::NotNameOwner
		);
		Names::<T>::remove(&label);
		Self::revoke_name_certificates(&label, RevocationReason::CessationOfOperation)?;
		Self::return_deposit(&name, info)
	}

	/// [`Pallet::set_records`] for the signed `who`.
	pub(crate) fn do_set_records(
		who: T::AccountId,
		name: NameOf<T>,
		records: RecordsOf<T>,
	) -> DispatchResult {
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

	/// The storage key (label) of a full name in the zone, or why it is not one.
	pub(crate) fn label_of(name: &[u8]) -> Result<Label, Error<T>> {
		let label = dns::label_in_zone(name, T::Zone::get().as_bytes()).map_err(|e| match e {
			dns::NameError::NotInZone => Error::<T>::NameNotInZone,
			dns::NameError::InvalidLabel => Error::<T>::InvalidLabel,
			dns::NameError::NotSingleLabel => Error::<T>::NotSingleLabel,
		})?;
		// `label_in_zone` returns at most `MAX_LABEL_LEN` bytes.
		Label::try_from(label.to_vec()).map_err(|_| Error::<T>::InvalidLabel)
	}

	/// The record of a name `who` owns and that has not expired (for the name calls, and
	/// for certificate requests: a certificate is only requested for the caller's live
	/// names).
	pub(crate) fn live_name_of(
		label: &Label,
		who: &T::AccountId,
	) -> Result<NameInfoOf<T>, DispatchError> {
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
			Precision::BestEffort,
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
}
