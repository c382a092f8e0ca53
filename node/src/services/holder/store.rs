//! The holder's directory, where a renewed certificate is installed atomically.
//!
//! ```text
//! DIR/
//!   sets/<id>/       a key set with its certificate <id>: p256.key.der, falcon.key
//!                    (0600), falcon.pub, cert.der, cert.pem, chain.pem, cert.id
//!   current -> sets/<id>          the installed key set (a symbolic link)
//!   next/            the key set waiting for its certificate
//!   cert.der -> current/cert.der  (and cert.pem, chain.pem, cert.id: links made once)
//! ```
//!
//! Installing certificate `id` for the key set in `next/` takes four steps
//! ([`INSTALL_STEPS`]): (1) write the certificate files into `next/`, each written and
//! synced through one handle, `cert.id` last; (2) rename `next/` to `sets/<id>/`; (3) make a
//! link to `sets/<id>` under a temporary name and rename it over `current`, the one step
//! that changes what `DIR/current/…` and `DIR/cert.der` (and the other links) resolve to;
//! (4) remove the other key sets. Whatever step a crash interrupts, `current` names one
//! complete key set with its own certificate, and [`HolderStore::open`] finishes the
//! work at the next start: a key set filed in `sets/` with a newer certificate than the
//! current one becomes current (a crash after step 2), and a certificate half-written into
//! `next/` is written again when the holder next sees it on chain (a crash in step 1).
//!
//! A directory of the earlier layout (a `current/` directory and regular `cert.der`,
//! `cert.pem`, `chain.pem`, `cert.id` files, perhaps a `previous/` directory left by a
//! crash) is converted by `open`: the key set whose P-256 key is the certificate's becomes
//! `sets/<id>/` with the certificate files, a `current/` whose keys are not the
//! certificate's (renamed there before its certificate was written) becomes `next/` again,
//! so the holder installs its certificate, and the top-level files become links.
//!
//! Directories this module creates are 0700 ([`hypermesh_pki::key_file::create_dir`]); the
//! keys in them are written 0600 by [`keys::write_requester_keys`].

use std::{
	fs,
	io::Write as _,
	path::{Path, PathBuf},
};

use hypermesh_pki::key_file;
use hypermesh_primitives::x509::{HybridCertificate, SubjectKey};

use crate::{
	encoding::{pem, pem_chain},
	files::{self, FileError},
	keys::{self, KeyError},
};

/// The certificate files of a key set, each also linked from the holder's directory.
pub const CERTIFICATE_FILES: [&str; 4] = ["cert.der", "cert.pem", "chain.pem", "cert.id"];

/// The link to the installed key set.
const CURRENT: &str = "current";
/// The name a new `current` link is made under before it is renamed over `current`.
const CURRENT_NEW: &str = "current.new";
/// The directory of key sets.
const SETS: &str = "sets";
/// The key set waiting for its certificate.
const NEXT: &str = "next";
/// Left by the earlier layout's install after a crash: the key set before `current/`.
const PREVIOUS: &str = "previous";

/// Why the holder's directory cannot be set up or a certificate installed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// A file or directory operation failed (naming the path).
	#[error(transparent)]
	File(#[from] FileError),
	/// A directory for key sets cannot be created.
	#[error(transparent)]
	KeyFile(#[from] key_file::KeyFileError),
	/// A key set's keys cannot be read.
	#[error(transparent)]
	Keys(#[from] KeyError),
}

/// A certificate to install: its id on chain, DER, and CA certificates (issuer first).
pub struct Installing<'a> {
	/// The certificate's id on chain.
	pub id: u64,
	/// The certificate (DER).
	pub der: &'a [u8],
	/// The CA certificates (DER), issuer first.
	pub chain: &'a [Vec<u8>],
}

/// One step of an installation (see the module docs).
pub type InstallStep = fn(&HolderStore, &Installing<'_>) -> Result<(), StoreError>;

/// The steps of an installation, in order.
pub const INSTALL_STEPS: [InstallStep; 4] = [
	HolderStore::write_certificate,
	HolderStore::file_key_set,
	|store, installing| store.switch_current(installing.id),
	|store, _| store.remove_old_sets(),
];

/// The holder's directory (see the module docs).
#[derive(Debug, Clone)]
pub struct HolderStore {
	dir: PathBuf,
}

/// `path`'s entry itself (not what a link points to) is a directory.
fn is_real_dir(path: &Path) -> bool {
	fs::symlink_metadata(path).is_ok_and(|m| m.is_dir())
}

/// `path`'s entry itself is a regular file.
fn is_regular_file(path: &Path) -> bool {
	fs::symlink_metadata(path).is_ok_and(|m| m.is_file())
}

/// `path` exists as an entry (a dangling link counts).
fn entry_exists(path: &Path) -> bool {
	fs::symlink_metadata(path).is_ok()
}

/// Writes `bytes` to `path` (created or truncated) and syncs it, through one handle.
fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
	let mut file = fs::File::create(path).map_err(|e| FileError::new("create", path, e))?;
	file.write_all(bytes)
		.and_then(|()| file.sync_all())
		.map_err(|e| FileError::new("write", path, e))
}

/// Syncs a directory, so the renames and links in it are on disk.
fn sync_dir(dir: &Path) -> Result<(), FileError> {
	fs::File::open(dir)
		.and_then(|d| d.sync_all())
		.map_err(|e| FileError::new("sync", dir, e))
}

fn rename(from: &Path, to: &Path) -> Result<(), FileError> {
	fs::rename(from, to).map_err(|e| FileError::new("rename", from, e))
}

/// Removes a file or link; nothing to do if it is absent.
fn remove_file(path: &Path) -> Result<(), FileError> {
	match fs::remove_file(path) {
		Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
			Err(FileError::new("remove", path, e))
		}
		_ => Ok(()),
	}
}

/// Removes a directory and its contents; nothing to do if it is absent.
fn remove_dir(path: &Path) -> Result<(), FileError> {
	match fs::remove_dir_all(path) {
		Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
			Err(FileError::new("remove", path, e))
		}
		_ => Ok(()),
	}
}

/// Makes `link` point to `target` in one rename: the link is made as `<link>.new` first.
fn replace_link(target: &Path, link: &Path) -> Result<(), FileError> {
	let mut temporary = link.as_os_str().to_owned();
	temporary.push(".new");
	let temporary = PathBuf::from(temporary);
	remove_file(&temporary)?;
	std::os::unix::fs::symlink(target, &temporary)
		.map_err(|e| FileError::new("link", &temporary, e))?;
	rename(&temporary, link)
}

/// The id a key set's `cert.id` records.
fn recorded_id(set: &Path) -> Option<u64> {
	fs::read_to_string(set.join("cert.id"))
		.ok()?
		.trim()
		.parse()
		.ok()
}

impl HolderStore {
	/// Opens the holder's directory `dir`, creating it (0700) if needed, converting a
	/// directory of the earlier layout, and finishing or undoing an installation a crash
	/// interrupted (see the module docs).
	pub fn open(dir: &Path) -> Result<Self, StoreError> {
		let store = Self {
			dir: dir.to_path_buf(),
		};
		key_file::create_dir(dir)?;
		key_file::create_dir(&store.sets())?;
		remove_file(&dir.join(CURRENT_NEW))?;
		store.convert_earlier_layout()?;
		store.recover()?;
		store.link_certificate_files()?;
		Ok(store)
	}

	/// The directory where the next key set is made and waits for its certificate.
	pub fn next_dir(&self) -> PathBuf {
		self.dir.join(NEXT)
	}

	/// Removes what is in [`Self::next_dir`] (an incomplete key set a crash left), so a
	/// new key set can be written there.
	pub fn discard_next(&self) -> Result<(), StoreError> {
		Ok(remove_dir(&self.next_dir())?)
	}

	/// The id of the installed certificate, if there is one.
	pub fn current_id(&self) -> Option<u64> {
		recorded_id(&self.dir.join(CURRENT))
	}

	/// Installs certificate `installing` for the key set waiting in [`Self::next_dir`],
	/// making that key set the current one (see the module docs).
	pub fn install(&self, installing: &Installing<'_>) -> Result<(), StoreError> {
		for step in INSTALL_STEPS {
			step(self, installing)?;
		}
		Ok(())
	}

	fn sets(&self) -> PathBuf {
		self.dir.join(SETS)
	}

	/// Step 1: the certificate files into `next/`, `cert.id` (which marks a key set as
	/// having its certificate) last.
	fn write_certificate(&self, installing: &Installing<'_>) -> Result<(), StoreError> {
		let next = self.next_dir();
		write_synced(&next.join("cert.der"), installing.der)?;
		let cert_pem = pem(installing.der).map_err(KeyError::Certificate)?;
		write_synced(&next.join("cert.pem"), cert_pem.as_bytes())?;
		let chain_pem = pem_chain(installing.chain).map_err(KeyError::Certificate)?;
		write_synced(&next.join("chain.pem"), chain_pem.as_bytes())?;
		write_synced(&next.join("cert.id"), installing.id.to_string().as_bytes())?;
		sync_dir(&next)?;
		Ok(())
	}

	/// Step 2: `next/` becomes `sets/<id>/`.
	fn file_key_set(&self, installing: &Installing<'_>) -> Result<(), StoreError> {
		let filed = self.sets().join(installing.id.to_string());
		remove_dir(&filed)?;
		rename(&self.next_dir(), &filed)?;
		sync_dir(&self.sets())?;
		sync_dir(&self.dir)?;
		Ok(())
	}

	/// Step 3: `current` points to `sets/<id>`, replaced in one rename.
	fn switch_current(&self, id: u64) -> Result<(), StoreError> {
		let target = Path::new(SETS).join(id.to_string());
		replace_link(&target, &self.dir.join(CURRENT))?;
		sync_dir(&self.dir)?;
		Ok(())
	}

	/// Step 4: the key sets other than the current one are removed.
	fn remove_old_sets(&self) -> Result<(), StoreError> {
		let current = fs::read_link(self.dir.join(CURRENT)).ok();
		let sets = self.sets();
		let entries = fs::read_dir(&sets).map_err(|e| FileError::new("read", &sets, e))?;
		for entry in entries {
			let entry = entry.map_err(|e| FileError::new("read", &sets, e))?;
			if current.as_deref() != Some(&Path::new(SETS).join(entry.file_name())) {
				remove_dir(&entry.path())?;
			}
		}
		remove_dir(&self.dir.join(PREVIOUS))?;
		Ok(())
	}

	/// After a crash: the key set in `sets/` with the newest certificate becomes the
	/// current one (it is newer than `current` only if step 3 did not happen), and the
	/// others are removed.
	fn recover(&self) -> Result<(), StoreError> {
		let sets = self.sets();
		let entries = fs::read_dir(&sets).map_err(|e| FileError::new("read", &sets, e))?;
		let mut newest = None;
		for entry in entries {
			let entry = entry.map_err(|e| FileError::new("read", &sets, e))?;
			let named = entry
				.file_name()
				.to_str()
				.and_then(|n| n.parse::<u64>().ok());
			if let (Some(id), true) = (named, recorded_id(&entry.path()).is_some()) {
				newest = newest.max(Some(id));
			}
		}
		if let Some(id) = newest {
			let target = Path::new(SETS).join(id.to_string());
			if fs::read_link(self.dir.join(CURRENT)).ok().as_deref() != Some(&target) {
				log::info!(target: "trustchain", "holder: finishing the installation of certificate {id}");
				self.switch_current(id)?;
			}
		}
		self.remove_old_sets()
	}

	/// `DIR/cert.der` and the other certificate files as links into `current/`, so that
	/// they always belong to the current key set.
	fn link_certificate_files(&self) -> Result<(), StoreError> {
		for file in CERTIFICATE_FILES {
			let link = self.dir.join(file);
			let target = Path::new(CURRENT).join(file);
			if fs::read_link(&link).ok().as_deref() != Some(&target) {
				replace_link(&target, &link)?;
			}
		}
		sync_dir(&self.dir)?;
		Ok(())
	}

	/// Converts a directory of the earlier layout (see the module docs).
	fn convert_earlier_layout(&self) -> Result<(), StoreError> {
		let (current, previous) = (self.dir.join(CURRENT), self.dir.join(PREVIOUS));
		let old_cert = self.dir.join("cert.der");
		let der = if is_regular_file(&old_cert) {
			Some(files::read(&old_cert)?)
		} else {
			None
		};
		if !is_real_dir(&current) && !is_real_dir(&previous) && der.is_none() {
			return Ok(());
		}
		log::info!(target: "trustchain", "holder: converting {} to key-set directories", self.dir.display());
		let cert_key = der
			.as_deref()
			.and_then(|der| HybridCertificate::parse(der).ok())
			.map(|cert| cert.subject_key);
		let mut filed = false;
		for candidate in [&current, &previous] {
			if !is_real_dir(candidate) {
				continue;
			}
			let key = keys::requester_classical_key(candidate)
				.ok()
				.map(SubjectKey::EcdsaP256);
			match (&der, filed) {
				(Some(der), false) if key.is_some() && key == cert_key => {
					self.file_earlier_set(candidate, der)?;
					filed = true;
				}
				_ if *candidate == current && !entry_exists(&self.next_dir()) => {
					// Keys whose certificate was never written: wait for it again.
					rename(candidate, &self.next_dir())?;
				}
				_ => remove_dir(candidate)?,
			}
		}
		for file in CERTIFICATE_FILES {
			let path = self.dir.join(file);
			if is_regular_file(&path) {
				remove_file(&path)?;
			}
		}
		sync_dir(&self.dir)?;
		Ok(())
	}

	/// Files an earlier layout's key set with the top-level certificate files as
	/// `sets/<id>/`.
	fn file_earlier_set(&self, set: &Path, der: &[u8]) -> Result<(), StoreError> {
		let id = recorded_id(&self.dir).unwrap_or(0);
		let copy_or = |file: &str, made: &dyn Fn() -> Result<Vec<u8>, StoreError>| {
			let top = self.dir.join(file);
			let bytes = if is_regular_file(&top) {
				files::read(&top)?
			} else {
				made()?
			};
			write_synced(&set.join(file), &bytes).map_err(StoreError::from)
		};
		write_synced(&set.join("cert.der"), der)?;
		copy_or("cert.pem", &|| {
			Ok(pem(der).map_err(KeyError::Certificate)?.into_bytes())
		})?;
		copy_or("chain.pem", &|| Ok(Vec::new()))?;
		write_synced(&set.join("cert.id"), id.to_string().as_bytes())?;
		sync_dir(set)?;
		let filed = self.sets().join(id.to_string());
		remove_dir(&filed)?;
		rename(set, &filed)?;
		sync_dir(&self.sets())?;
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use std::os::unix::fs::PermissionsExt as _;

	use super::*;

	/// Two key sets (A, B) and a certificate for each (ids 1 and 2), made once.
	struct Fixture {
		root: PathBuf,
		ca: Vec<u8>,
		certificates: [Vec<u8>; 2],
	}

	impl Fixture {
		fn new(test: &str) -> Self {
			let root =
				std::env::temp_dir().join(format!("hm-holder-store-{}-{test}", std::process::id()));
			let _ = fs::remove_dir_all(&root);
			let ca = keys::HybridCa::generate("store test CA").unwrap();
			let certificates = ["a", "b"].map(|set| {
				let dir = root.join("template").join(set);
				keys::write_requester_keys(&dir).unwrap();
				let key = keys::requester_classical_key(&dir).unwrap();
				keys::issue_certificate(
					&ca,
					vec!["node1.hypermesh".into()],
					&SubjectKey::EcdsaP256(key),
					&fs::read(dir.join("falcon.pub")).unwrap(),
					3_600,
				)
				.unwrap()
			});
			Self {
				root,
				ca: ca.cert_der().to_vec(),
				certificates,
			}
		}

		/// A fresh holder directory for one case.
		fn dir(&self, case: &str) -> PathBuf {
			let dir = self.root.join(case);
			let _ = fs::remove_dir_all(&dir);
			dir
		}

		/// Copies key set `set` ("a" or "b") to `to` (modes kept).
		fn keys_to(&self, set: &str, to: &Path) {
			fs::create_dir_all(to).unwrap();
			for file in ["p256.key.der", "falcon.pub", "falcon.key"] {
				fs::copy(
					self.root.join("template").join(set).join(file),
					to.join(file),
				)
				.unwrap();
			}
		}

		/// Certificate `id` (1: key set A, 2: key set B).
		fn installing(&self, id: u64) -> Installing<'_> {
			Installing {
				id,
				der: &self.certificates[id as usize - 1],
				chain: std::slice::from_ref(&self.ca),
			}
		}

		/// The certificate `DIR/cert.der` shows, checked against the keys `DIR/current/`
		/// shows and the other certificate files: its id, or `None` if none is installed.
		fn installed(&self, dir: &Path) -> Option<u64> {
			let Ok(der) = fs::read(dir.join("cert.der")) else {
				assert!(!dir.join("current").exists(), "keys without a certificate");
				return None;
			};
			let id: u64 = fs::read_to_string(dir.join("cert.id"))
				.unwrap()
				.trim()
				.parse()
				.unwrap();
			assert_eq!(der, self.certificates[id as usize - 1], "cert.id {id}");
			let key = keys::requester_classical_key(&dir.join("current")).unwrap();
			assert_eq!(
				HybridCertificate::parse(&der).unwrap().subject_key,
				SubjectKey::EcdsaP256(key),
				"the certificate is for the current keys"
			);
			assert_eq!(
				fs::read_to_string(dir.join("cert.pem")).unwrap(),
				pem(&der).unwrap()
			);
			assert_eq!(
				fs::read_to_string(dir.join("chain.pem")).unwrap(),
				pem_chain(std::slice::from_ref(&self.ca)).unwrap()
			);
			Some(id)
		}

		/// What the holder does on its next block: installs the certificate of a key set
		/// waiting in `next/` (it is on chain: A's is certificate 1, B's 2).
		fn next_block(&self, store: &HolderStore) {
			let Ok(key) = keys::requester_classical_key(&store.next_dir()) else {
				return;
			};
			let id = (1..=2)
				.find(|id| {
					HybridCertificate::parse(&self.certificates[*id as usize - 1])
						.unwrap()
						.subject_key == SubjectKey::EcdsaP256(key.clone())
				})
				.unwrap();
			store.install(&self.installing(id)).unwrap();
		}
	}

	impl Drop for Fixture {
		fn drop(&mut self) {
			let _ = fs::remove_dir_all(&self.root);
		}
	}

	fn mode(path: &Path) -> u32 {
		fs::metadata(path).unwrap().permissions().mode() & 0o7777
	}

	/// The names in `dir`, sorted.
	fn listing(dir: &Path) -> Vec<String> {
		let names: std::collections::BTreeSet<_> = fs::read_dir(dir)
			.unwrap()
			.map(|e| e.unwrap().file_name().into_string().unwrap())
			.collect();
		names.into_iter().collect()
	}

	/// A renewal (certificate 1 with key set A installed, key set B waiting for
	/// certificate 2) with a crash after each step of the installation, and one in the
	/// middle of step 1: at every point the directory shows one key set with its own
	/// certificate, and after a restart and the next block, B with certificate 2. The
	/// earlier install (files written one by one after moving the key sets) showed B's
	/// keys with A's certificate after a crash in the middle.
	#[test]
	fn a_crash_after_any_step_leaves_keys_and_certificate_matched() {
		let fixture = Fixture::new("crash");
		for crash_after in 0..=INSTALL_STEPS.len() + 1 {
			let dir = fixture.dir(&format!("after-{crash_after}"));
			let store = HolderStore::open(&dir).unwrap();
			assert_eq!(fixture.installed(&dir), None);
			fixture.keys_to("a", &store.next_dir());
			store.install(&fixture.installing(1)).unwrap();
			assert_eq!(fixture.installed(&dir), Some(1));
			assert_eq!(store.current_id(), Some(1));
			fixture.keys_to("b", &store.next_dir());

			if crash_after == INSTALL_STEPS.len() + 1 {
				// In the middle of step 1: only cert.der written.
				write_synced(&store.next_dir().join("cert.der"), &fixture.certificates[1]).unwrap();
			} else {
				for step in &INSTALL_STEPS[..crash_after] {
					step(&store, &fixture.installing(2)).unwrap();
				}
			}
			let switched = (3..=INSTALL_STEPS.len()).contains(&crash_after);
			assert_eq!(
				fixture.installed(&dir),
				Some(if switched { 2 } else { 1 }),
				"crash after step {crash_after}"
			);

			// The restart, then the next block.
			let store = HolderStore::open(&dir).unwrap();
			let recovered = if switched || crash_after == 2 { 2 } else { 1 };
			assert_eq!(fixture.installed(&dir), Some(recovered));
			fixture.next_block(&store);
			assert_eq!(
				fixture.installed(&dir),
				Some(2),
				"crash after {crash_after}"
			);
			assert_eq!(store.current_id(), Some(2));
			assert_eq!(
				listing(&dir),
				[
					"cert.der",
					"cert.id",
					"cert.pem",
					"chain.pem",
					"current",
					"sets"
				]
			);
			assert_eq!(listing(&dir.join("sets")), ["2"]);
			assert_eq!(
				fs::read_link(dir.join("current")).unwrap(),
				Path::new("sets/2")
			);
		}
	}

	/// Directories are made 0700, key files stay 0600, the certificate files are links
	/// into `current/`.
	#[test]
	fn the_layout_is_private_and_linked() {
		let fixture = Fixture::new("layout");
		let dir = fixture.dir("fresh");
		let store = HolderStore::open(&dir).unwrap();
		assert_eq!(mode(&dir), 0o700);
		assert_eq!(mode(&dir.join("sets")), 0o700);
		keys::write_requester_keys(&store.next_dir()).unwrap();
		store
			.install(&Installing {
				id: 7,
				der: &fixture.certificates[0],
				chain: &[],
			})
			.unwrap();
		assert_eq!(mode(&dir.join("sets/7")), 0o700);
		for key in ["p256.key.der", "falcon.key"] {
			assert_eq!(mode(&dir.join("current").join(key)), 0o600, "{key}");
		}
		for file in CERTIFICATE_FILES {
			assert_eq!(
				fs::read_link(dir.join(file)).unwrap(),
				Path::new("current").join(file)
			);
		}
		assert_eq!(fs::read_to_string(dir.join("cert.id")).unwrap(), "7");
		assert_eq!(fs::read(dir.join("chain.pem")).unwrap(), b"");
	}

	/// The earlier layout (a `current/` directory, regular certificate files, perhaps a
	/// `previous/` directory), cleanly installed or left by a crash of the earlier
	/// install, is converted at start: the key set matching the certificate becomes
	/// current, keys whose certificate was not yet written wait in `next/` again.
	#[test]
	fn an_earlier_directory_is_converted() {
		let fixture = Fixture::new("earlier");
		type Case = (
			&'static str,
			[Option<&'static str>; 3],
			bool,
			Option<u64>,
			Option<u64>,
		);
		// (case, keys in `current/`, `previous/`, `next/`, certificate files of A
		// present, installed after the start, installed after the next block)
		let cases: [Case; 5] = [
			// Installed and at rest.
			("clean", [Some("a"), None, None], true, Some(1), Some(1)),
			// A renewal pending: B waits in next/.
			(
				"pending",
				[Some("a"), None, Some("b")],
				true,
				Some(1),
				Some(2),
			),
			// Crash after `current/` → `previous/`, before `next/` → `current/`.
			(
				"moved-away",
				[None, Some("a"), Some("b")],
				true,
				Some(1),
				Some(2),
			),
			// Crash after `next/` → `current/`, before the certificate files were written.
			(
				"keys-moved",
				[Some("b"), Some("a"), None],
				true,
				Some(1),
				Some(2),
			),
			// The same at the first installation: no certificate files at all.
			("first", [Some("a"), None, None], false, None, Some(1)),
		];
		for (case, sets, certificate, after_start, after_block) in cases {
			let dir = fixture.dir(case);
			for (set, name) in sets.into_iter().zip(["current", "previous", "next"]) {
				if let Some(set) = set {
					fixture.keys_to(set, &dir.join(name));
				}
			}
			if certificate {
				fs::write(dir.join("cert.der"), &fixture.certificates[0]).unwrap();
				fs::write(dir.join("cert.pem"), pem(&fixture.certificates[0]).unwrap()).unwrap();
				fs::write(
					dir.join("chain.pem"),
					pem_chain(std::slice::from_ref(&fixture.ca)).unwrap(),
				)
				.unwrap();
				fs::write(dir.join("cert.id"), "1").unwrap();
			}
			let store = HolderStore::open(&dir).unwrap();
			assert_eq!(fixture.installed(&dir), after_start, "{case}");
			assert_eq!(store.current_id(), after_start, "{case}");
			assert!(!dir.join("previous").exists(), "{case}");
			// Opening again changes nothing.
			let store = HolderStore::open(&dir).unwrap();
			assert_eq!(fixture.installed(&dir), after_start, "{case}");
			fixture.next_block(&store);
			assert_eq!(fixture.installed(&dir), after_block, "{case}");
			let id = after_block.unwrap().to_string();
			assert_eq!(listing(&dir.join("sets")), [id], "{case}");
			for file in CERTIFICATE_FILES {
				assert!(fs::read_link(dir.join(file)).is_ok(), "{case}: {file}");
			}
		}
	}
}
