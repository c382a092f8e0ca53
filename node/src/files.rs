//! File access whose errors name the file.
//!
//! The node reads and writes key sets, certificates and data files in directories the
//! operator chooses; when that fails, the error must say which file and what was being
//! done (`cannot read <path>: <reason>`). Every room that touches such files goes through
//! these helpers, so the messages are the same everywhere.

use std::{
	io::Write as _,
	path::{Path, PathBuf},
};

/// A file operation that failed, with the file it failed on.
#[derive(Debug, thiserror::Error)]
#[error("cannot {action} {}: {source}", path.display())]
pub struct FileError {
	/// What was being done: `read`, `write` or `create`.
	action: &'static str,
	/// The file or directory.
	path: PathBuf,
	/// Why it failed.
	source: std::io::Error,
}

impl FileError {
	/// `action` (`read`, `write`, `create`) on `path` failed with `source`.
	pub fn new(action: &'static str, path: &Path, source: std::io::Error) -> Self {
		Self {
			action,
			path: path.to_path_buf(),
			source,
		}
	}
}

/// Reads a whole file.
pub fn read(path: &Path) -> Result<Vec<u8>, FileError> {
	std::fs::read(path).map_err(|e| FileError::new("read", path, e))
}

/// Replaces a file atomically: the bytes go to `<path>.partial`, are synced to disk, and
/// that file is renamed over `path`, so a reader (or a crash) sees the old file or the new
/// one, never a part.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
	let mut partial = path.as_os_str().to_owned();
	partial.push(".partial");
	let partial = PathBuf::from(partial);
	let mut file =
		std::fs::File::create(&partial).map_err(|e| FileError::new("create", &partial, e))?;
	file.write_all(bytes)
		.and_then(|()| file.sync_all())
		.map_err(|e| FileError::new("write", &partial, e))?;
	std::fs::rename(&partial, path).map_err(|e| FileError::new("write", path, e))
}

/// Writes a new file; an existing file is an error, never overwritten.
pub fn write_new(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
	let mut file = std::fs::OpenOptions::new()
		.write(true)
		.create_new(true)
		.open(path)
		.map_err(|e| FileError::new("create", path, e))?;
	file.write_all(bytes)
		.map_err(|e| FileError::new("write", path, e))
}

/// Creates a directory and its parents (nothing to do if it exists).
pub fn create_dir_all(dir: &Path) -> Result<(), FileError> {
	std::fs::create_dir_all(dir).map_err(|e| FileError::new("create", dir, e))
}
