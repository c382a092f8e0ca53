//! Storage migrations of this runtime that span pallets.
//!
//! Each pallet migrates its own storage (see its `migrations` module); what needs two
//! pallets at once lives here, so that neither pallet reaches into the other.

use frame_support::{
	traits::{fungible::MutateHold, tokens::Precision, OnRuntimeUpgrade},
	weights::Weight,
};

use crate::{AccountId, Balance, Balances, Runtime, RuntimeHoldReason};

/// Moves provider bonds held by the asset registry (before Caesar existed) to Caesar's
/// bond, so PoStake keeps counting them and Caesar can slash them.
///
/// Funds that were unbonding under the registry become bonded again under Caesar (the
/// registry's unbonding chunks are gone): their owner unbonds them with `caesar.unbond`.
/// Idempotent: once moved, nothing is held under the registry's reason any more. It walks
/// every account that has a hold (`pallet_balances::Holds`), which on a young chain is the
/// registry's providers, the TrustChain requesters and the validators.
pub struct MoveProviderBondsToCaesar;

impl MoveProviderBondsToCaesar {
	/// The registry's (legacy) bond reason.
	fn legacy() -> RuntimeHoldReason {
		pallet_hypermesh_assets::HoldReason::ProviderBond.into()
	}

	/// Caesar's bond reason.
	fn caesar() -> RuntimeHoldReason {
		pallet_caesar::HoldReason::ProviderBond.into()
	}

	/// Accounts with funds still held under the registry's bond reason, and how much.
	fn legacy_bonds() -> alloc::vec::Vec<(AccountId, Balance)> {
		let legacy = Self::legacy();
		pallet_balances::Holds::<Runtime>::iter()
			.filter_map(|(who, holds)| {
				holds
					.iter()
					.find(|hold| hold.id == legacy && hold.amount > 0)
					.map(|hold| (who, hold.amount))
			})
			.collect()
	}
}

impl OnRuntimeUpgrade for MoveProviderBondsToCaesar {
	fn on_runtime_upgrade() -> Weight {
		let (legacy, caesar) = (Self::legacy(), Self::caesar());
		let holders = pallet_balances::Holds::<Runtime>::iter_keys().count() as u64;
		let bonds = Self::legacy_bonds();
		for (who, amount) in &bonds {
			// Releasing and holding the same amount again cannot fail: the funds are the
			// account's, and a hold needs no free balance beyond what was just released.
			let released =
				Balances::release(&legacy, who, *amount, Precision::BestEffort).unwrap_or_default();
			if let Err(error) = Balances::hold(&caesar, who, released) {
				log::error!(
					target: "runtime::migrations",
					"could not move {released} of provider bond to Caesar: {error:?}"
				);
			}
		}
		log::info!(
			target: "runtime::migrations",
			"moved {} provider bonds from the asset registry to Caesar",
			bonds.len()
		);
		<Runtime as frame_system::Config>::DbWeight::get().reads_writes(
			holders.saturating_add(1),
			(bonds.len() as u64).saturating_mul(2),
		)
	}

	#[cfg(feature = "try-runtime")]
	fn pre_upgrade() -> Result<alloc::vec::Vec<u8>, sp_runtime::TryRuntimeError> {
		use codec::Encode;
		let total: Balance = Self::legacy_bonds().iter().map(|(_, amount)| amount).sum();
		Ok(total.encode())
	}

	#[cfg(feature = "try-runtime")]
	fn post_upgrade(state: alloc::vec::Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
		use codec::Decode;
		let before = Balance::decode(&mut &state[..])
			.map_err(|_| sp_runtime::TryRuntimeError::Other("undecodable pre-upgrade state"))?;
		frame_support::ensure!(
			Self::legacy_bonds().is_empty(),
			"provider bonds are still held by the asset registry"
		);
		use frame_support::traits::fungible::InspectHold;
		let caesar = Self::caesar();
		let moved: Balance = pallet_balances::Holds::<Runtime>::iter_keys()
			.map(|who| Balances::balance_on_hold(&caesar, &who))
			.sum();
		frame_support::ensure!(moved >= before, "provider bonds were lost in the move");
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use frame_support::traits::fungible::InspectHold;
	use sp_keyring::Sr25519Keyring;
	use sp_runtime::BuildStorage;

	#[test]
	fn legacy_provider_bonds_move_to_caesar() {
		let alice = Sr25519Keyring::Alice.to_account_id();
		let bob = Sr25519Keyring::Bob.to_account_id();
		// Only the pallets the migration touches: a whole runtime genesis needs validators.
		let mut storage = frame_system::GenesisConfig::<Runtime>::default()
			.build_storage()
			.expect("system genesis builds");
		pallet_balances::GenesisConfig::<Runtime> {
			balances: alloc::vec![
				(alice.clone(), 1_000 * crate::UNIT),
				(bob.clone(), 1_000 * crate::UNIT)
			],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.expect("balances genesis builds");
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			let legacy = MoveProviderBondsToCaesar::legacy();
			let caesar = MoveProviderBondsToCaesar::caesar();
			Balances::hold(&legacy, &alice, 25 * crate::UNIT).unwrap();
			MoveProviderBondsToCaesar::on_runtime_upgrade();
			assert_eq!(Balances::balance_on_hold(&legacy, &alice), 0);
			assert_eq!(Balances::balance_on_hold(&caesar, &alice), 25 * crate::UNIT);
			assert_eq!(Balances::balance_on_hold(&caesar, &bob), 0);
			// Running it again changes nothing.
			MoveProviderBondsToCaesar::on_runtime_upgrade();
			assert_eq!(Balances::balance_on_hold(&caesar, &alice), 25 * crate::UNIT);
		});
	}
}
