//! The provider commands' arguments that need more than clap's parsing: amounts of CAES
//! with decimals, and asset kinds and privacy levels as the pallet takes them.

use pallet_hypermesh_assets::{AssetKind, Privacy};

use super::ProviderError;

/// The decimals of CAES: one CAES is `10^DECIMALS` plancks ([`hypermesh_runtime::UNIT`]).
pub const DECIMALS: usize = 12;

/// Parses an amount of CAES ("10", "0.5", "1_000" is refused) into plancks.
pub fn parse_caes(text: &str) -> Result<u128, ProviderError> {
	let bad = |reason| ProviderError::Amount {
		text: text.to_string(),
		reason,
	};
	let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
	if whole.is_empty() && fraction.is_empty() {
		return Err(bad("empty"));
	}
	let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
	if !digits(whole) || !digits(fraction) {
		return Err(bad("not a decimal number"));
	}
	if text.ends_with('.') {
		return Err(bad("no digits after the point"));
	}
	if fraction.len() > DECIMALS {
		return Err(bad("too many decimals"));
	}
	let whole: u128 = if whole.is_empty() {
		0
	} else {
		whole.parse().map_err(|_| bad("too large"))?
	};
	let mut padded = fraction.to_string();
	padded.extend(std::iter::repeat('0').take(DECIMALS - fraction.len()));
	let fraction: u128 = padded.parse().map_err(|_| bad("not a decimal number"))?;
	whole
		.checked_mul(hypermesh_runtime::UNIT)
		.and_then(|plancks| plancks.checked_add(fraction))
		.ok_or_else(|| bad("too large"))
}

/// `--kind`: the asset kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KindArg {
	/// Processor cores (`--capacity` cores, `--mhz`).
	Cpu,
	/// GPUs (`--capacity` devices, `--memory-mib` per device).
	Gpu,
	/// Memory (`--capacity` MiB).
	Memory,
	/// Storage (`--capacity` GiB).
	Storage,
	/// Network bandwidth (`--capacity` Mbit/s).
	Network,
	/// Container slots (`--capacity` slots).
	Container,
}

/// `--privacy`: who may allocate an asset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PrivacyArg {
	/// Only its owner.
	Private,
	/// Only its owner's network (for now: only its owner).
	PrivateNetwork,
	/// Peers, directly.
	P2p,
	/// Anyone on the HyperMesh network.
	PublicNetwork,
	/// Anyone.
	FullPublic,
}

impl From<PrivacyArg> for Privacy {
	fn from(privacy: PrivacyArg) -> Self {
		match privacy {
			PrivacyArg::Private => Privacy::Private,
			PrivacyArg::PrivateNetwork => Privacy::PrivateNetwork,
			PrivacyArg::P2p => Privacy::P2P,
			PrivacyArg::PublicNetwork => Privacy::PublicNetwork,
			PrivacyArg::FullPublic => Privacy::FullPublic,
		}
	}
}

/// The pallet's [`AssetKind`] for `--kind`, `--capacity` and the kind's own fields (clap
/// requires `--mhz` for CPUs and `--memory-mib` for GPUs).
pub fn asset_kind(
	kind: KindArg,
	capacity: u64,
	mhz: Option<u32>,
	memory_mib: Option<u64>,
) -> Result<AssetKind, ProviderError> {
	let small = |kind: &'static str| {
		u32::try_from(capacity).map_err(|_| ProviderError::Capacity {
			kind,
			capacity,
			max: u32::MAX.into(),
		})
	};
	Ok(match kind {
		KindArg::Cpu => AssetKind::Cpu {
			cores: small("cpu")?,
			mhz: mhz.unwrap_or_default(),
		},
		KindArg::Gpu => AssetKind::Gpu {
			devices: small("gpu")?,
			memory_mib: memory_mib.unwrap_or_default(),
		},
		KindArg::Memory => AssetKind::Memory { mib: capacity },
		KindArg::Storage => AssetKind::Storage { gib: capacity },
		KindArg::Network => AssetKind::Network { mbps: capacity },
		KindArg::Container => AssetKind::Container {
			slots: small("container")?,
		},
	})
}

#[cfg(test)]
mod tests {
	use super::*;

	const UNIT: u128 = hypermesh_runtime::UNIT;

	#[test]
	fn decimals_match_the_runtime() {
		assert_eq!(10u128.pow(DECIMALS as u32), UNIT);
	}

	#[test]
	fn amounts_accept_decimals() {
		assert_eq!(parse_caes("10").unwrap(), 10 * UNIT);
		assert_eq!(parse_caes("0.5").unwrap(), UNIT / 2);
		assert_eq!(parse_caes(".5").unwrap(), UNIT / 2);
		assert_eq!(parse_caes("0.000000000001").unwrap(), 1);
		assert_eq!(parse_caes("0").unwrap(), 0);
		assert_eq!(parse_caes("007.250").unwrap(), 7 * UNIT + UNIT / 4);
	}

	#[test]
	fn malformed_amounts_are_refused() {
		for text in [
			"",
			".",
			"1.2.3",
			"1.",
			"-1",
			"+1",
			"1e3",
			"1_000",
			" 1",
			"1,5",
			"0.0000000000001",
			"abc",
			"340282366920938463463374607431768211455",
		] {
			let error = parse_caes(text).unwrap_err().to_string();
			assert!(error.contains("bad amount"), "{text:?}: {error}");
		}
	}

	#[test]
	fn kinds_take_their_fields() {
		assert_eq!(
			asset_kind(KindArg::Storage, 100, None, None).unwrap(),
			AssetKind::Storage { gib: 100 }
		);
		assert_eq!(
			asset_kind(KindArg::Cpu, 8, Some(3000), None).unwrap(),
			AssetKind::Cpu {
				cores: 8,
				mhz: 3000
			}
		);
		assert_eq!(
			asset_kind(KindArg::Gpu, 2, None, Some(24_576)).unwrap(),
			AssetKind::Gpu {
				devices: 2,
				memory_mib: 24_576
			}
		);
		assert!(asset_kind(KindArg::Container, u64::from(u32::MAX) + 1, None, None).is_err());
		assert_eq!(Privacy::from(PrivacyArg::P2p), Privacy::P2P);
	}
}
