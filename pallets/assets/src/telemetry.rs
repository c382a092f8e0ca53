//! Telemetry: the owner's hardware oracle reports what it measured of an asset.
//!
//! A report consistent with the registration is kept as the asset's latest usage
//! ([`Usage`]) and credits the owner with the service it confirms since the previous one
//! ([`Config::Usage`]; the formula is in the crate documentation). A report that
//! contradicts it (less capacity measured than registered, or more in use than exists) is
//! not kept, costs the asset [`Config::ReputationPenalty`] of its reputation and is an
//! offence: recorded and slashed (`Pallet::punish`).

use crate::*;

impl<T: Config> Pallet<T> {
	/// [`Pallet::report_telemetry`] for the signed `who`.
	pub(crate) fn do_report_telemetry(
		who: T::AccountId,
		asset: AssetId,
		telemetry: Telemetry,
		proof: ConsensusProof,
	) -> DispatchResult {
		let mut entry = Assets::<T>::get(asset).ok_or(Error::<T>::UnknownAsset)?;
		ensure!(entry.owner == who, Error::<T>::NotOwner);
		Self::use_proof(
			&who,
			&Call::<T>::telemetry_operation(asset, &telemetry),
			&proof,
		)?;
		let registered = entry.kind.capacity();
		let short = telemetry
			.measured_capacity
			.is_some_and(|found| found < registered);
		if short || telemetry.used > registered {
			entry.reputation = entry.reputation.saturating_sub(T::ReputationPenalty::get());
			let reputation = entry.reputation;
			Assets::<T>::insert(asset, entry);
			Self::punish(&who, ProviderOffence::ContradictingReport);
			Self::deposit_event(Event::ReportContradicted { asset, reputation });
			return Ok(());
		}
		let now = frame_system::Pallet::<T>::block_number();
		let previous = Usage::<T>::get(asset).map(|record| record.at);
		let points = Self::service_points(asset, &entry, previous, now);
		if points > 0 {
			T::Usage::record_service(&who, points);
			Self::deposit_event(Event::ServiceRecorded {
				asset,
				provider: who,
				points,
			});
		}
		Usage::<T>::insert(asset, UsageRecord { at: now, telemetry });
		Self::deposit_event(Event::TelemetryReported { asset, telemetry });
		Ok(())
	}
}
