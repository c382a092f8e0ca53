//! The referendum tracks: which origin each track dispatches with, what a decision costs
//! and how long each phase lasts.
//!
//! | id | track | origin | decision deposit | production periods (prepare / decide / confirm / enact) |
//! |----|-------|--------|------------------|------------------------------------------|
//! | 0 | `root` | root: runtime upgrades, anything | 10,000 CAES | 2 h / 14 d / 1 d / 1 d |
//! | 1 | `whitelisted_caller` | a call the technical committee whitelisted | 1,000 CAES | 30 min / 14 d / 10 min / 10 min |
//! | 2 | `trustchain_admin` | CA authorities, TrustChain parameters | 1,000 CAES | 2 h / 7 d / 3 h / 10 min |
//! | 3 | `economic_parameters` | Caesar's rates, proof parameters | 1,000 CAES | 2 h / 14 d / 1 d / 1 d |
//! | 4 | `treasurer` | treasury spends up to 100,000 CAES | 100 CAES | 2 h / 14 d / 1 d / 1 d |
//!
//! On a chain whose genesis sets fast tracks (the test chains), every track runs
//! [`FAST`] instead: a referendum is decided in minutes. The approval and support curves
//! are the same on both, because they are fractions of the decision period.

use super::origins;
use crate::{Balance, BlockNumber, OriginCaller, Runtime, DAYS, HOURS, MINUTES, UNIT};
use alloc::borrow::Cow;
use pallet_referenda::{Curve, Track, TrackInfo};
use sp_runtime::{str_array as name, Perbill};

/// A track of this runtime.
type TrackOf = Track<u16, Balance, BlockNumber>;

/// The most a treasurer referendum may spend.
pub const TREASURER_MAX_SPEND: Balance = 100_000 * UNIT;

/// Periods every track runs on a fast (test) chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Periods {
	/// Blocks between submission and the start of the decision.
	pub prepare: BlockNumber,
	/// Blocks the decision may take.
	pub decision: BlockNumber,
	/// Blocks approval must hold before the referendum passes.
	pub confirm: BlockNumber,
	/// Least blocks between approval and enactment.
	pub enactment: BlockNumber,
}

/// The test chains' periods: 2 blocks to prepare, 3 minutes to decide, 3 blocks to
/// confirm, enacted the block after.
pub const FAST: Periods = Periods {
	prepare: 2,
	decision: 3 * MINUTES,
	confirm: 3,
	enactment: 1,
};

/// Production periods of the tracks that change the chain's rules or spend its money:
/// 2 hours to prepare, 14 days to decide, a day to confirm, enacted a day later.
const DELIBERATE: Periods = Periods {
	prepare: 2 * HOURS,
	decision: 14 * DAYS,
	confirm: DAYS,
	enactment: DAYS,
};

/// Approval: all of the conviction-weighted turnout at first, falling linearly to a
/// majority at the end of the decision period.
const APPROVAL: Curve = Curve::LinearDecreasing {
	length: Perbill::from_percent(100),
	floor: Perbill::from_percent(50),
	ceil: Perbill::from_percent(100),
};

/// Support: half of the active issuance at first, falling linearly to 1 % at the end.
const SUPPORT: Curve = Curve::LinearDecreasing {
	length: Perbill::from_percent(100),
	floor: Perbill::from_percent(1),
	ceil: Perbill::from_percent(50),
};

/// Support for whitelisted calls: the technical committee vetted them, so a tenth of the
/// root track's support is enough.
const WHITELISTED_SUPPORT: Curve = Curve::LinearDecreasing {
	length: Perbill::from_percent(100),
	floor: Perbill::from_parts(1_000_000),
	ceil: Perbill::from_percent(5),
};

/// Builds a track with the shared curves.
const fn track(
	id: u16,
	track_name: &str,
	max_deciding: u32,
	decision_deposit: Balance,
	periods: Periods,
	min_support: Curve,
) -> TrackOf {
	Track {
		id,
		info: TrackInfo {
			name: name(track_name),
			max_deciding,
			decision_deposit,
			prepare_period: periods.prepare,
			decision_period: periods.decision,
			confirm_period: periods.confirm,
			min_enactment_period: periods.enactment,
			min_approval: APPROVAL,
			min_support,
		},
	}
}

/// The tracks with production periods, sorted by id.
static TRACKS: [TrackOf; 5] = [
	track(0, "root", 1, 10_000 * UNIT, DELIBERATE, SUPPORT),
	track(
		1,
		"whitelisted_caller",
		10,
		1_000 * UNIT,
		Periods {
			prepare: 30 * MINUTES,
			decision: 14 * DAYS,
			confirm: 10 * MINUTES,
			enactment: 10 * MINUTES,
		},
		WHITELISTED_SUPPORT,
	),
	track(
		2,
		"trustchain_admin",
		10,
		1_000 * UNIT,
		Periods {
			prepare: 2 * HOURS,
			decision: 7 * DAYS,
			confirm: 3 * HOURS,
			enactment: 10 * MINUTES,
		},
		SUPPORT,
	),
	track(
		3,
		"economic_parameters",
		10,
		1_000 * UNIT,
		DELIBERATE,
		SUPPORT,
	),
	track(4, "treasurer", 10, 100 * UNIT, DELIBERATE, SUPPORT),
];

/// The runtime's referendum tracks.
pub struct TracksInfo;

impl pallet_referenda::TracksInfo<Balance, BlockNumber> for TracksInfo {
	type Id = u16;
	type RuntimeOrigin = OriginCaller;

	fn tracks() -> impl Iterator<Item = Cow<'static, TrackOf>> {
		let fast = origins::Pallet::<Runtime>::fast_tracks();
		TRACKS.iter().map(move |track| {
			if !fast {
				return Cow::Borrowed(track);
			}
			let mut track = track.clone();
			track.info.prepare_period = FAST.prepare;
			track.info.decision_period = FAST.decision;
			track.info.confirm_period = FAST.confirm;
			track.info.min_enactment_period = FAST.enactment;
			Cow::Owned(track)
		})
	}

	fn track_for(origin: &Self::RuntimeOrigin) -> Result<Self::Id, ()> {
		match origin {
			OriginCaller::system(frame_system::RawOrigin::Root) => Ok(0),
			OriginCaller::Origins(origin) => Ok(match origin {
				origins::Origin::WhitelistedCaller => 1,
				origins::Origin::TrustChainAdmin => 2,
				origins::Origin::EconomicParameters => 3,
				origins::Origin::Treasurer => 4,
			}),
			_ => Err(()),
		}
	}
}
