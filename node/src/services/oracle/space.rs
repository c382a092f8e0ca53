//! The oracle's PoSpace data: a file of random 4 KiB chunks (`DIR/space.bin`), made once,
//! whose Merkle root is the account's space commitment. Every read goes to the disk, so
//! that answers prove the data is still there.

use std::path::{Path, PathBuf};

use hypermesh_primitives::{ct, proofs};

use super::OracleServiceError;
use crate::{files, services::ServiceError};

/// The size of a PoSpace chunk of the data file (the most a chunk answered in full may
/// have).
pub const CHUNK_SIZE: usize = proofs::MAX_CHUNK_LEN;

/// The oracle's PoSpace data: a file of random chunks.
pub struct SpaceData {
	path: PathBuf,
}

impl SpaceData {
	/// The data file in `dir`, made with `chunks` random chunks if it does not exist.
	pub fn open_or_create(dir: &Path, chunks: u64) -> Result<Self, ServiceError> {
		files::create_dir_all(dir)?;
		let path = dir.join("space.bin");
		if !path.exists() {
			use rand::RngCore;
			let mut bytes = vec![0u8; chunks as usize * CHUNK_SIZE];
			rand::rngs::OsRng.fill_bytes(&mut bytes);
			files::write_atomic(&path, &bytes)?;
		}
		Ok(Self { path })
	}

	/// The data file in `dir` if it exists (it is never made here: data made after the
	/// commitment could not answer for it).
	pub fn existing(dir: &Path) -> Option<Self> {
		let path = dir.join("space.bin");
		path.exists().then_some(Self { path })
	}

	/// Whether the data file is (still) on disk.
	pub fn exists(&self) -> bool {
		self.path.exists()
	}

	/// The data, read from disk now: a whole number of chunks.
	pub fn read(&self) -> Result<Vec<u8>, ServiceError> {
		let bytes = files::read(&self.path)?;
		if bytes.is_empty() || bytes.len() % CHUNK_SIZE != 0 {
			return Err(OracleServiceError::NotChunks(self.path.clone()).into());
		}
		Ok(bytes)
	}

	/// The chunks' leaf hashes, read from disk now.
	pub fn leaf_hashes(&self) -> Result<Vec<ct::Hash>, ServiceError> {
		Ok(self.read()?.chunks(CHUNK_SIZE).map(ct::leaf_hash).collect())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn space_data_is_made_once_and_read_from_disk() {
		let dir = std::env::temp_dir().join(format!("hm-oracle-space-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		assert!(SpaceData::existing(&dir).is_none());
		let space = SpaceData::open_or_create(&dir, 16).unwrap();
		let leaves = space.leaf_hashes().unwrap();
		assert_eq!(leaves.len(), 16);
		assert_eq!(
			SpaceData::existing(&dir).unwrap().read().unwrap(),
			space.read().unwrap()
		);
		// Opening again keeps the data.
		assert_eq!(
			SpaceData::open_or_create(&dir, 64)
				.unwrap()
				.leaf_hashes()
				.unwrap(),
			leaves
		);
		// Changed data changes the answers; truncated data is refused.
		let path = dir.join("space.bin");
		let mut bytes = std::fs::read(&path).unwrap();
		bytes[5 * CHUNK_SIZE] ^= 1;
		std::fs::write(&path, &bytes).unwrap();
		let changed = space.leaf_hashes().unwrap();
		assert_ne!(changed[5], leaves[5]);
		assert_eq!(changed[4], leaves[4]);
		std::fs::write(&path, &bytes[..CHUNK_SIZE + 1]).unwrap();
		assert!(space.leaf_hashes().is_err());
		let _ = std::fs::remove_dir_all(&dir);
	}
}
