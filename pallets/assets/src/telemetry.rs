//! Telemetry: the owner's hardware oracle reports what it measured of an asset.
//!
//! A report consistent with the registration is kept as the asset's latest usage
//! ([`Usage`], for payment later). A report that contradicts it (less capacity measured
//! than registered, or more in use than exists) is not kept and costs the asset
//! [`Config::ReputationPenalty`] of its reputation.

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
			Self::deposit_event(Event::ReportContradicted { asset, reputation });
			return Ok(());
		}
		Usage::<T>::insert(
			asset,
			UsageRecord {
				at: frame_system::Pallet::<T>::block_number(),
				telemetry,
			},
		);
		Self::deposit_event(Event::TelemetryReported { asset, telemetry });
		Ok(())
	}
}
