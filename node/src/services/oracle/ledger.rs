//! The oracle's ledger of the space commitments it made (`DIR/commitments`), so that it
//! can withdraw the ones it no longer keeps and never touches one it did not make.
//!
//! A commitment is bound to the data file's root and to `--oracle-location`: a lost data
//! file (made anew) or a new location makes a new commitment, and the old one would stay
//! on chain, drawing challenges nobody answers and counting towards the account's
//! `MaxCommitmentsPerAccount`. The oracle records each commitment here before it submits
//! it, and withdraws the recorded ones that are on chain, are not its current commitment
//! and have no open challenge ([`stale_commitments`], then [`unchallenged`]); a challenged
//! one waits until its challenge is settled.
//!
//! The file is text, one commitment a line: the account's SS58 address and the id as
//! `0x` hex. It is replaced atomically (a temporary file renamed over it).

use std::path::{Path, PathBuf};

use hypermesh_primitives::ct;
use hypermesh_runtime::AccountId;
use pallet_hypermesh_assets::SpaceCommitment;
use sp_core::crypto::Ss58Codec;

use super::OracleServiceError;
use crate::{
	encoding::{account, hex},
	files,
	services::ServiceError,
};

/// The ledger's file name in the oracle's directory.
pub const LEDGER_FILE: &str = "commitments";

/// A recorded commitment: the account that made it and its id.
pub type Entry = (AccountId, ct::Hash);

/// The ledger file of the commitments the oracle made.
pub struct Ledger {
	path: PathBuf,
}

impl Ledger {
	/// The ledger in the oracle's directory `dir` (the file is made on the first write).
	pub fn new(dir: &Path) -> Self {
		Self {
			path: dir.join(LEDGER_FILE),
		}
	}

	/// The recorded commitments (none if there is no file yet). A malformed line is an
	/// error naming it: the oracle then withdraws and records nothing.
	pub fn read(&self) -> Result<Vec<Entry>, ServiceError> {
		if !self.path.exists() {
			return Ok(Vec::new());
		}
		let bytes = files::read(&self.path)?;
		let bad = |line: usize| OracleServiceError::BadLedger {
			path: self.path.clone(),
			line,
		};
		let text = String::from_utf8(bytes).map_err(|_| bad(0))?;
		text.lines()
			.enumerate()
			.filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
			.map(|(index, line)| parse_entry(line).ok_or_else(|| bad(index + 1).into()))
			.collect()
	}

	/// Replaces the ledger with `entries`, atomically.
	pub fn write(&self, entries: &[Entry]) -> Result<(), ServiceError> {
		let mut text = String::from("# space commitments made by this hardware oracle\n");
		for (who, id) in entries {
			text.push_str(&format!("{} {}\n", account(who), hex(id)));
		}
		Ok(files::write_atomic(&self.path, text.as_bytes())?)
	}
}

/// One line: `<SS58 account> 0x<id>`.
fn parse_entry(line: &str) -> Option<Entry> {
	let mut fields = line.split_whitespace();
	let (who, id, None) = (fields.next()?, fields.next()?, fields.next()) else {
		return None;
	};
	let who = AccountId::from_ss58check(who).ok()?;
	let mut bytes = ct::Hash::default();
	::hex::decode_to_slice(id.strip_prefix("0x")?, &mut bytes).ok()?;
	Some((who, bytes))
}

/// The commitments `me` recorded in `ledger` that are still on chain (`on_chain`, its
/// commitments as the chain has them) and are not `current`: the ones to withdraw.
/// Commitments on chain that the ledger does not name are never among them.
pub fn stale_commitments(
	ledger: &[Entry],
	me: &AccountId,
	on_chain: &[(ct::Hash, SpaceCommitment)],
	current: &ct::Hash,
) -> Vec<ct::Hash> {
	ledger
		.iter()
		.filter(|(who, id)| {
			who == me && id != current && on_chain.iter().any(|(registered, _)| registered == id)
		})
		.map(|(_, id)| *id)
		.collect()
}

/// The commitments of `stale` without an open challenge (`challenged`): the chain refuses
/// to withdraw a challenged one until the challenge is settled.
pub fn unchallenged(stale: Vec<ct::Hash>, challenged: &[ct::Hash]) -> Vec<ct::Hash> {
	stale
		.into_iter()
		.filter(|id| !challenged.contains(id))
		.collect()
}

/// The ledger to keep: every other account's entries as they are; `me`'s that are still
/// on chain or are `current`; and `current` added if it is missing.
pub fn kept_entries(
	ledger: &[Entry],
	me: &AccountId,
	on_chain: &[(ct::Hash, SpaceCommitment)],
	current: &ct::Hash,
) -> Vec<Entry> {
	let mut kept: Vec<Entry> = ledger
		.iter()
		.filter(|(who, id)| {
			who != me || id == current || on_chain.iter().any(|(registered, _)| registered == id)
		})
		.cloned()
		.collect();
	if !kept.iter().any(|(who, id)| who == me && id == current) {
		kept.push((me.clone(), *current));
	}
	kept
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_keyring::Sr25519Keyring;

	fn commitment(port: u16) -> (ct::Hash, SpaceCommitment) {
		let commitment = SpaceCommitment {
			root: [7; 32],
			chunks: 64,
			address: std::net::Ipv6Addr::LOCALHOST.octets(),
			port,
		};
		(commitment.id(), commitment)
	}

	#[test]
	fn only_recorded_unchallenged_old_commitments_are_withdrawn() {
		let (alice, bob) = (
			Sr25519Keyring::Alice.to_account_id(),
			Sr25519Keyring::Bob.to_account_id(),
		);
		let (old, challenged, current, foreign, gone) = (
			commitment(1),
			commitment(2),
			commitment(3),
			commitment(4),
			commitment(5),
		);
		// On chain: two old ones of ours, the current one, and one we did not make.
		let on_chain = vec![old.clone(), challenged.clone(), current.clone(), foreign];
		let ledger = vec![
			(alice.clone(), old.0),
			(alice.clone(), challenged.0),
			(alice.clone(), current.0),
			(alice.clone(), gone.0),
			// Bob's record of the same id is not Alice's.
			(bob.clone(), old.0),
		];
		let stale = stale_commitments(&ledger, &alice, &on_chain, &current.0);
		assert_eq!(stale, vec![old.0, challenged.0]);
		assert_eq!(unchallenged(stale, &[challenged.0]), vec![old.0]);
		// Nothing recorded: nothing withdrawn, whatever is on chain.
		assert!(stale_commitments(&[], &alice, &on_chain, &current.0).is_empty());

		// The withdrawn-or-never-included entry is dropped; Bob's is kept.
		let kept = kept_entries(&ledger, &alice, &on_chain, &current.0);
		assert_eq!(
			kept,
			vec![
				(alice.clone(), old.0),
				(alice.clone(), challenged.0),
				(alice.clone(), current.0),
				(bob.clone(), old.0),
			]
		);
		// A new current commitment is recorded.
		let new = commitment(6);
		let kept = kept_entries(&kept, &alice, &on_chain, &new.0);
		assert_eq!(kept.last(), Some(&(alice, new.0)));
		assert_eq!(kept.len(), 5);
	}

	#[test]
	fn the_ledger_round_trips_and_a_malformed_one_is_refused() {
		let dir = std::env::temp_dir().join(format!("hm-oracle-ledger-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		std::fs::create_dir_all(&dir).unwrap();
		let ledger = Ledger::new(&dir);
		assert!(
			ledger.read().unwrap().is_empty(),
			"no file: nothing recorded"
		);
		let entries = vec![
			(Sr25519Keyring::Alice.to_account_id(), commitment(1).0),
			(Sr25519Keyring::Bob.to_account_id(), commitment(2).0),
		];
		ledger.write(&entries).unwrap();
		assert_eq!(ledger.read().unwrap(), entries);
		let path = dir.join(LEDGER_FILE);
		let good = std::fs::read_to_string(&path).unwrap();
		assert!(!dir.join(format!("{LEDGER_FILE}.partial")).exists());

		for bad in [
			format!("{good}5GrwvaEF 0x00\n"),
			format!("{good}{} 0x1234\n", account(&entries[0].0)),
			format!(
				"{good}{} {}\n",
				account(&entries[0].0),
				hex(&[0; 32])[2..].to_string()
			),
			format!("{good}{} {} extra\n", account(&entries[0].0), hex(&[0; 32])),
		] {
			std::fs::write(&path, &bad).unwrap();
			let line = bad.lines().count();
			let error = ledger.read().unwrap_err().to_string();
			assert!(
				error.contains(&format!("{}: line {line}", path.display())),
				"{error}"
			);
		}
		std::fs::write(&path, [0xff, 0xfe]).unwrap();
		assert!(ledger.read().is_err());
		let _ = std::fs::remove_dir_all(&dir);
	}
}
