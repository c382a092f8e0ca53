//! The origins a referendum's track dispatches with, besides root, and the chain's choice
//! of track timing.
//!
//! Each privileged area of the chain has its own origin, so that a referendum that passed
//! on one track cannot do another track's work: the TrustChain admin track manages
//! certificate authorities and TrustChain's parameters, the economic-parameters track
//! Caesar's rates and the asset registry's proof parameters, the treasurer spends from
//! the treasury (up to a ceiling), and the whitelisted caller dispatches a call the
//! technical committee has whitelisted. Root (runtime upgrades, everything else) stays
//! FRAME's own `EnsureRoot`.
//!
//! Track timing is set at genesis and never changes afterwards: `Production` periods
//! (days) on public networks, `Fast` periods (blocks) on the test chains, so that one WASM
//! serves both and a test sees a referendum decided in minutes.

pub use pallet_custom_origins::*;

#[frame_support::pallet]
pub mod pallet_custom_origins {
	use frame_support::pallet_prelude::*;

	/// The origins pallet needs nothing from the runtime beyond `frame_system`.
	#[pallet::config]
	pub trait Config: frame_system::Config {}

	/// The custom origins and the chain's track timing.
	#[pallet::pallet]
	pub struct Pallet<T>(_);

	/// An origin a referendum track dispatches with.
	#[derive(
		PartialEq, Eq, Clone, MaxEncodedLen, Encode, Decode, DecodeWithMemTracking, TypeInfo, Debug,
	)]
	#[pallet::origin]
	pub enum Origin {
		/// Adds, rotates and removes TrustChain certificate authorities and sets
		/// TrustChain's parameters (certificate validity, name deposits).
		TrustChainAdmin,
		/// Sets Caesar's rates and the asset registry's proof parameters.
		EconomicParameters,
		/// Spends from the treasury, up to the track's ceiling.
		Treasurer,
		/// Dispatches a call the technical committee whitelisted.
		WhitelistedCaller,
	}

	/// Whether referendum tracks, vote locks, motions and treasury payouts run on
	/// production periods (`false`) or on the test chains' fast periods (`true`).
	#[pallet::storage]
	pub type FastTracks<T> = StorageValue<_, bool, ValueQuery>;

	/// Genesis: the chain's track timing, fixed for its life.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `true` on test chains: referenda decide in minutes.
		pub fast_tracks: bool,
		#[serde(skip)]
		#[doc(hidden)]
		pub _config: core::marker::PhantomData<T>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			FastTracks::<T>::put(self.fast_tracks);
		}
	}

	impl<T: Config> Pallet<T> {
		/// Whether this chain runs the fast (test) periods.
		pub fn fast_tracks() -> bool {
			FastTracks::<T>::get()
		}
	}

	/// Declares an `EnsureOrigin` that accepts exactly one [`Origin`] variant.
	macro_rules! ensure_variant {
		($(#[$doc:meta])* $name:ident) => {
			$(#[$doc])*
			pub struct $name;
			impl<O: OriginTrait + From<Origin>> EnsureOrigin<O> for $name
			where
				for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
			{
				type Success = ();
				fn try_origin(o: O) -> Result<Self::Success, O> {
					let ours = matches!(o.caller().try_into(), Ok(&Origin::$name));
					if ours {
						Ok(())
					} else {
						Err(o)
					}
				}
				#[cfg(feature = "runtime-benchmarks")]
				fn try_successful_origin() -> Result<O, ()> {
					Ok(O::from(Origin::$name))
				}
			}
		};
	}

	ensure_variant!(
		/// Accepts the TrustChain admin track's origin.
		TrustChainAdmin
	);
	ensure_variant!(
		/// Accepts the economic-parameters track's origin.
		EconomicParameters
	);
	ensure_variant!(
		/// Accepts the whitelisted-caller track's origin.
		WhitelistedCaller
	);

	/// Accepts the treasurer track's origin, allowing a spend of up to `MaxSpend`.
	pub struct Treasurer<Balance, MaxSpend>(core::marker::PhantomData<(Balance, MaxSpend)>);
	impl<O, Balance, MaxSpend> EnsureOrigin<O> for Treasurer<Balance, MaxSpend>
	where
		O: OriginTrait + From<Origin>,
		for<'a> &'a O::PalletsOrigin: TryInto<&'a Origin>,
		MaxSpend: Get<Balance>,
	{
		type Success = Balance;
		fn try_origin(o: O) -> Result<Self::Success, O> {
			let ours = matches!(o.caller().try_into(), Ok(&Origin::Treasurer));
			if ours {
				Ok(MaxSpend::get())
			} else {
				Err(o)
			}
		}
		#[cfg(feature = "runtime-benchmarks")]
		fn try_successful_origin() -> Result<O, ()> {
			Ok(O::from(Origin::Treasurer))
		}
	}
}
