//! On-chain governance: who may do what the chain's privileged calls do.
//!
//! The chain governs itself with FRAME's own OpenGov pallets (preimage, scheduler,
//! referenda, conviction voting, whitelist, a technical committee, treasury, parameters;
//! configured in [`crate::configs::governance`]). This module holds what is this chain's
//! own: the [`origins`] its referendum tracks dispatch with, the [`tracks`] themselves, and
//! [`Timed`], the periods that are production-length on public networks and minutes on
//! the test chains.

pub mod origins;
#[cfg(test)]
mod tests;
pub mod tracks;

use crate::{BlockNumber, Runtime};
use frame_support::traits::Get;

/// A number of blocks that is `Production` on a chain with production tracks and `Fast`
/// on one whose genesis chose fast tracks (see [`origins::FastTracks`]).
pub struct Timed<Production, Fast>(core::marker::PhantomData<(Production, Fast)>);

impl<Production: Get<BlockNumber>, Fast: Get<BlockNumber>> Get<BlockNumber>
	for Timed<Production, Fast>
{
	fn get() -> BlockNumber {
		if origins::Pallet::<Runtime>::fast_tracks() {
			Fast::get()
		} else {
			Production::get()
		}
	}
}
