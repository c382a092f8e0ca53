//! Private keys on disk: written readable by their owner only, and refused when they are
//! not.
//!
//! Every private key HyperMesh keeps in a file (a CA's ECDSA P-256 and FALCON-1024 keys, a
//! requester's or a certificate holder's key set, the `stoq` command's development CA) is
//! written and read through this module:
//!
//! * [`create_dir`] creates the key's directory (and missing parents) with mode 0700; an
//!   existing directory is left as it is.
//! * [`write_new`] writes a new key with mode 0600 from the moment it exists: the bytes go
//!   to a temporary file in the same directory, created 0600 (`O_CREAT|O_EXCL`), synced,
//!   then linked to its name, which never replaces an existing file. The key is therefore
//!   either absent or complete, and at no moment readable by another user.
//! * [`read`] refuses a key whose mode gives group or others any access (any bit of 0077),
//!   naming the file and the fix: `cannot use <path>: this private key has mode 0644 ...;
//!   run chmod 600 on it`. The mode is taken from the opened file, so what is checked is
//!   what is read. Refusing changes nothing on disk.
//!
//! Unix only: the modes are POSIX permission bits.

use std::{
	fs,
	io::{self, Read as _, Write as _},
	os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _, PermissionsExt as _},
	path::{Path, PathBuf},
};

use rand_core::RngCore as _;

/// The mode of a private key file: read and write by its owner only.
pub const KEY_MODE: u32 = 0o600;

/// The mode of a directory created for private keys: its owner only.
pub const DIR_MODE: u32 = 0o700;

/// The permission bits that make a private key unusable: any access by group or others.
pub const EXPOSING_BITS: u32 = 0o077;

/// Why a private key file cannot be written or used. Every variant names the file.
#[derive(Debug, thiserror::Error)]
pub enum KeyFileError {
	/// A directory for private keys cannot be created.
	#[error("cannot create {}: {source}", path.display())]
	CreateDir {
		/// The directory.
		path: PathBuf,
		/// Why it cannot be created.
		source: io::Error,
	},
	/// A private key cannot be written (an existing file is never replaced: that is
	/// reported as `File exists`).
	#[error("cannot write {}: {source}", path.display())]
	Write {
		/// The key file.
		path: PathBuf,
		/// Why it cannot be written.
		source: io::Error,
	},
	/// A private key cannot be opened or read.
	#[error("cannot read {}: {source}", path.display())]
	Read {
		/// The key file.
		path: PathBuf,
		/// Why it cannot be read.
		source: io::Error,
	},
	/// The path is not a regular file (a directory, a device, a FIFO).
	#[error("cannot use {}: a private key must be a regular file", path.display())]
	NotAFile {
		/// The path.
		path: PathBuf,
	},
	/// Group or others have access to the key: whoever could read it may hold a copy.
	#[error(
		"cannot use {}: this private key has mode {mode:04o}, which lets other users read or \
		 change it (it must be readable by its owner only); run chmod 600 on it",
		path.display()
	)]
	Exposed {
		/// The key file.
		path: PathBuf,
		/// Its permission bits (e.g. `0o644`).
		mode: u32,
	},
}

impl KeyFileError {
	/// The file or directory the error is about.
	pub fn path(&self) -> &Path {
		match self {
			Self::CreateDir { path, .. }
			| Self::Write { path, .. }
			| Self::Read { path, .. }
			| Self::NotAFile { path }
			| Self::Exposed { path, .. } => path,
		}
	}
}

/// Creates `dir` and its missing parents with mode 0700 (less any bits the umask removes);
/// nothing to do if it exists.
pub fn create_dir(dir: &Path) -> Result<(), KeyFileError> {
	fs::DirBuilder::new()
		.recursive(true)
		.mode(DIR_MODE)
		.create(dir)
		.map_err(|source| KeyFileError::CreateDir {
			path: dir.to_path_buf(),
			source,
		})
}

/// Writes a new private key file at `path` with mode 0600, atomically: the file is never
/// readable by another user, never partly written, and an existing file at `path` is an
/// error (`File exists`) and stays as it was. The directory must exist (see
/// [`create_dir`]).
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), KeyFileError> {
	let error = |source| KeyFileError::Write {
		path: path.to_path_buf(),
		source,
	};
	let name = path
		.file_name()
		.ok_or_else(|| error(io::Error::new(io::ErrorKind::InvalidInput, "no file name")))?;
	// Refuse before creating anything when the name is taken (a symbolic link included).
	if fs::symlink_metadata(path).is_ok() {
		return Err(error(io::ErrorKind::AlreadyExists.into()));
	}
	let temporary = path.with_file_name(format!(
		".{}.{:016x}.tmp",
		name.to_string_lossy(),
		rand_core::OsRng.next_u64()
	));
	let written = (|| {
		let mut file = fs::OpenOptions::new()
			.write(true)
			.create_new(true)
			.mode(KEY_MODE)
			.open(&temporary)?;
		file.write_all(bytes)?;
		file.sync_all()?;
		// link(2) fails with EEXIST instead of replacing: `path` appears complete or not
		// at all, and a file someone created meanwhile is kept.
		fs::hard_link(&temporary, path)
	})();
	let _ = fs::remove_file(&temporary);
	written.map_err(error)
}

/// Reads the private key at `path`, refusing it when it is not a regular file or when its
/// mode gives group or others any access ([`KeyFileError::Exposed`]).
pub fn read(path: &Path) -> Result<Vec<u8>, KeyFileError> {
	let read_error = |source| KeyFileError::Read {
		path: path.to_path_buf(),
		source,
	};
	let mut file = fs::File::open(path).map_err(read_error)?;
	let metadata = file.metadata().map_err(read_error)?;
	if !metadata.is_file() {
		return Err(KeyFileError::NotAFile {
			path: path.to_path_buf(),
		});
	}
	let mode = metadata.permissions().mode() & 0o7777;
	if mode & EXPOSING_BITS != 0 {
		return Err(KeyFileError::Exposed {
			path: path.to_path_buf(),
			mode,
		});
	}
	let mut bytes = Vec::with_capacity(metadata.len() as usize);
	file.read_to_end(&mut bytes).map_err(read_error)?;
	Ok(bytes)
}

#[cfg(test)]
mod tests {
	use super::*;

	/// A fresh, empty scratch directory for one test.
	fn scratch(test: &str) -> PathBuf {
		let dir = std::env::temp_dir().join(format!(
			"hypermesh-pki-key-file-{}-{test}",
			std::process::id()
		));
		let _ = fs::remove_dir_all(&dir);
		fs::create_dir_all(&dir).unwrap();
		dir
	}

	fn mode(path: &Path) -> u32 {
		fs::metadata(path).unwrap().permissions().mode() & 0o7777
	}

	fn set_mode(path: &Path, mode: u32) {
		fs::set_permissions(path, fs::Permissions::from_mode(mode)).unwrap();
	}

	/// The names in `dir`, sorted.
	fn listing(dir: &Path) -> Vec<String> {
		let mut names: Vec<String> = fs::read_dir(dir)
			.unwrap()
			.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
			.collect();
		names.sort();
		names
	}

	#[test]
	fn keys_are_written_0600_in_directories_created_0700() {
		let root = scratch("write");
		let dir = root.join("a").join("b");
		create_dir(&dir).unwrap();
		assert_eq!(mode(&root.join("a")), 0o700);
		assert_eq!(mode(&dir), 0o700);
		let key = dir.join("ca.key.der");
		write_new(&key, b"secret bytes").unwrap();
		assert_eq!(mode(&key), 0o600);
		assert_eq!(read(&key).unwrap(), b"secret bytes");
		// No temporary file is left behind.
		assert_eq!(listing(&dir), ["ca.key.der"]);
		// An existing directory is left as it is.
		set_mode(&dir, 0o750);
		create_dir(&dir).unwrap();
		assert_eq!(mode(&dir), 0o750);
		fs::remove_dir_all(&root).unwrap();
	}

	#[test]
	fn an_existing_file_is_never_replaced() {
		let dir = scratch("existing");
		let key = dir.join("falcon.key");
		fs::write(&key, b"the operator's key").unwrap();
		set_mode(&key, 0o600);
		let err = write_new(&key, b"another key").unwrap_err();
		assert!(
			matches!(&err, KeyFileError::Write { source, .. } if source.kind() == io::ErrorKind::AlreadyExists),
			"{err}"
		);
		assert!(err
			.to_string()
			.starts_with(&format!("cannot write {}:", key.display())));
		assert_eq!(fs::read(&key).unwrap(), b"the operator's key");
		assert_eq!(listing(&dir), ["falcon.key"]);
		// Nor is a dangling symbolic link followed.
		let link = dir.join("link.key");
		std::os::unix::fs::symlink(dir.join("elsewhere"), &link).unwrap();
		assert!(write_new(&link, b"key").is_err());
		assert!(!dir.join("elsewhere").exists());
		fs::remove_dir_all(&dir).unwrap();
	}

	#[test]
	fn a_key_others_can_access_is_refused_and_left_unchanged() {
		let dir = scratch("exposed");
		let key = dir.join("ca.key.der");
		write_new(&key, b"secret").unwrap();
		set_mode(&key, 0o644);
		let err = read(&key).unwrap_err();
		assert!(
			matches!(err, KeyFileError::Exposed { mode: 0o644, .. }),
			"{err:?}"
		);
		let message = err.to_string();
		assert!(
			message.starts_with(&format!(
				"cannot use {}: this private key has mode 0644",
				key.display()
			)),
			"{message}"
		);
		assert!(message.ends_with("run chmod 600 on it"), "{message}");
		assert_eq!(err.path(), key);
		// The refusal changes nothing.
		assert_eq!(mode(&key), 0o644);
		assert_eq!(fs::read(&key).unwrap(), b"secret");
		// Any access by group or others is refused; owner-only modes are accepted.
		for refused in [
			0o640,
			0o604,
			0o620,
			0o602,
			0o610,
			0o601,
			0o666,
			0o700 | 0o004,
		] {
			set_mode(&key, refused);
			assert!(
				matches!(read(&key), Err(KeyFileError::Exposed { mode, .. }) if mode == refused),
				"mode {refused:o} accepted"
			);
		}
		for accepted in [0o600, 0o400, 0o700] {
			set_mode(&key, accepted);
			assert_eq!(read(&key).unwrap(), b"secret", "mode {accepted:o} refused");
		}
		fs::remove_dir_all(&dir).unwrap();
	}

	#[test]
	fn a_directory_or_a_missing_file_is_not_a_key() {
		let dir = scratch("not-a-file");
		let sub = dir.join("p256.key.der");
		create_dir(&sub).unwrap();
		assert!(matches!(read(&sub), Err(KeyFileError::NotAFile { .. })));
		let missing = dir.join("missing.key");
		let err = read(&missing).unwrap_err();
		assert!(
			err.to_string()
				.starts_with(&format!("cannot read {}:", missing.display())),
			"{err}"
		);
		fs::remove_dir_all(&dir).unwrap();
	}
}
