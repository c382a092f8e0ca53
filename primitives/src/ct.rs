//! The Certificate Transparency Merkle log of RFC 9162 §2.1 (the same tree as RFC 6962).
//!
//! TrustChain records every certificate it issues in an append-only, publicly auditable
//! log. Auditors and TLS clients must be able to check, with nothing but SHA-256 and the
//! RFC, that a certificate is in the log (an *inclusion proof*) and that a later version
//! of the log extends an earlier one without rewriting history (a *consistency proof*).
//! This module is that shared definition:
//!
//! * hashing: [`leaf_hash`] `= SHA-256(0x00 || entry)`, [`node_hash`]
//!   `= SHA-256(0x01 || left || right)`, [`empty_root`] `= SHA-256("")`;
//! * the Merkle Tree Hash [`root`] (MTH), inclusion proofs ([`inclusion_proof`] = PATH,
//!   [`verify_inclusion`] = §2.1.3.2) and consistency proofs ([`consistency_proof`] =
//!   PROOF/SUBPROOF, [`verify_consistency`] = §2.1.4.2);
//! * [`CompactMerkleLog`], an append-only accumulator that keeps only the O(log n)
//!   roots of the perfect subtrees on the log's right border, so the runtime can keep
//!   the log's tree head in storage and extend it per certificate in O(log n) time and
//!   space, while the node (which keeps every leaf hash) serves proofs;
//! * [`TreeHead`], the (size, root) pair a signed tree head commits to.
//!
//! Nothing here panics on any input: every size, index and proof is checked and a bad
//! one gives a [`ProofError`].

use alloc::vec::Vec;
use codec::{Compact, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sha2::{Digest, Sha256};

/// Length in bytes of every hash in the log (SHA-256).
pub const HASH_LEN: usize = 32;

/// A SHA-256 hash: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; HASH_LEN];

/// Domain-separation prefix of a leaf hash (RFC 9162 §2.1.1).
pub const LEAF_PREFIX: u8 = 0x00;

/// Domain-separation prefix of an interior node hash (RFC 9162 §2.1.1).
pub const NODE_PREFIX: u8 = 0x01;

/// Why a proof could not be generated or did not verify, or a log could not grow.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub enum ProofError {
	/// The leaf index is not smaller than the tree size.
	IndexOutOfRange {
		/// The index asked for.
		index: u64,
		/// The size of the tree.
		tree_size: u64,
	},
	/// A tree size was asked for that is larger than the number of leaf hashes supplied.
	TreeSizeOutOfRange {
		/// The tree size asked for.
		requested: u64,
		/// The number of leaf hashes available.
		available: u64,
	},
	/// A consistency proof was asked for, or checked, from a larger tree to a smaller one.
	OldSizeExceedsNewSize {
		/// The size of the earlier tree.
		old_size: u64,
		/// The size of the later tree.
		new_size: u64,
	},
	/// The proof does not have the number of hashes the tree sizes (and index) require.
	WrongProofLength {
		/// The number of hashes a valid proof has.
		expected: u64,
		/// The number of hashes supplied.
		actual: u64,
	},
	/// The root computed from the proof is not the (new) root supplied.
	RootMismatch,
	/// The old root computed from a consistency proof is not the old root supplied.
	OldRootMismatch,
	/// The log already holds `u64::MAX` leaves and cannot grow.
	LogFull,
}

impl core::fmt::Display for ProofError {
	fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
		match self {
			Self::IndexOutOfRange { index, tree_size } => {
				write!(
					f,
					"leaf index {index} is out of range for a tree of size {tree_size}"
				)
			}
			Self::TreeSizeOutOfRange {
				requested,
				available,
			} => write!(
				f,
				"tree size {requested} requested but only {available} leaf hashes available"
			),
			Self::OldSizeExceedsNewSize { old_size, new_size } => {
				write!(
					f,
					"old tree size {old_size} exceeds new tree size {new_size}"
				)
			}
			Self::WrongProofLength { expected, actual } => {
				write!(f, "proof has {actual} hashes, {expected} expected")
			}
			Self::RootMismatch => f.write_str("computed root does not match the tree root"),
			Self::OldRootMismatch => {
				f.write_str("computed old root does not match the old tree root")
			}
			Self::LogFull => f.write_str("the log is full (u64::MAX leaves)"),
		}
	}
}

impl core::error::Error for ProofError {}

/// The hash of a log entry: `SHA-256(0x00 || entry)`.
pub fn leaf_hash(entry: &[u8]) -> Hash {
	Sha256::new()
		.chain_update([LEAF_PREFIX])
		.chain_update(entry)
		.finalize()
		.into()
}

/// The hash of an interior node: `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
	Sha256::new()
		.chain_update([NODE_PREFIX])
		.chain_update(left)
		.chain_update(right)
		.finalize()
		.into()
}

/// The root of the empty tree: `SHA-256("")`.
pub fn empty_root() -> Hash {
	Sha256::digest([]).into()
}

/// The largest power of two strictly smaller than `n`; `n` must be at least 2.
fn split_u64(n: u64) -> u64 {
	debug_assert!(n >= 2);
	1u64 << (u64::BITS - 1 - (n - 1).leading_zeros())
}

/// [`split_u64`] for slice lengths; `n` must be at least 2.
fn split_usize(n: usize) -> usize {
	debug_assert!(n >= 2);
	1usize << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// A slice length as a tree size (lossless: `usize` is at most 64 bits wide).
fn len_u64(leaf_hashes: &[Hash]) -> u64 {
	leaf_hashes.len() as u64
}

/// MTH of a non-empty list of leaf hashes.
fn mth(leaf_hashes: &[Hash]) -> Hash {
	match leaf_hashes {
		[] => empty_root(),
		[only] => *only,
		_ => {
			let (left, right) = leaf_hashes.split_at(split_usize(leaf_hashes.len()));
			node_hash(&mth(left), &mth(right))
		}
	}
}

/// The Merkle Tree Hash (RFC 9162 §2.1.1) of a list of leaf hashes: [`empty_root`] for
/// no leaves, the leaf hash itself for one, and otherwise
/// `node_hash(MTH(D[0:k]), MTH(D[k:n]))` with `k` the largest power of two below `n`.
pub fn root(leaf_hashes: &[Hash]) -> Hash {
	mth(leaf_hashes)
}

/// The number of hashes in the inclusion proof of leaf `index` in a tree of `tree_size`
/// leaves, or [`ProofError::IndexOutOfRange`].
pub fn inclusion_proof_len(index: u64, tree_size: u64) -> Result<u64, ProofError> {
	if index >= tree_size {
		return Err(ProofError::IndexOutOfRange { index, tree_size });
	}
	let (mut m, mut n, mut len) = (index, tree_size, 0u64);
	while n > 1 {
		let k = split_u64(n);
		if m < k {
			n = k;
		} else {
			m -= k;
			n -= k;
		}
		len += 1;
	}
	Ok(len)
}

/// The inclusion proof (audit path, `PATH(m, D[n])` of RFC 9162 §2.1.3.1) of leaf
/// `index` in the tree made of all of `leaf_hashes`, ordered from the leaf's sibling up
/// to the root's child. Costs O(n) hashes: the sibling subtrees' roots are recomputed.
pub fn inclusion_proof(leaf_hashes: &[Hash], index: u64) -> Result<Vec<Hash>, ProofError> {
	let tree_size = len_u64(leaf_hashes);
	let out_of_range = ProofError::IndexOutOfRange { index, tree_size };
	if index >= tree_size {
		return Err(out_of_range);
	}
	let mut m = usize::try_from(index).map_err(|_| out_of_range)?;
	let mut sub = leaf_hashes;
	let mut path = Vec::with_capacity(64);
	// Walk from the root down to the leaf; PATH lists the siblings bottom-up.
	while sub.len() > 1 {
		let k = split_usize(sub.len());
		let (left, right) = sub.split_at(k);
		if m < k {
			path.push(mth(right));
			sub = left;
		} else {
			path.push(mth(left));
			sub = right;
			m -= k;
		}
	}
	path.reverse();
	Ok(path)
}

/// Verifies that `leaf_hash` is leaf `index` of the tree of `tree_size` leaves whose root
/// is `root`, given its inclusion proof: the algorithm of RFC 9162 §2.1.3.2, step by step.
///
/// A proof of the wrong length is reported as [`ProofError::WrongProofLength`] before
/// any hashing. The RFC algorithm accepts exactly one length for given (index, size)
/// (its `sn` bookkeeping does not depend on the hashes), so this changes only the error
/// reported, never the verdict.
pub fn verify_inclusion(
	leaf_hash: &Hash,
	index: u64,
	tree_size: u64,
	proof: &[Hash],
	root: &Hash,
) -> Result<(), ProofError> {
	// 1. Compare leaf_index against tree_size; if leaf_index >= tree_size, fail.
	let expected = inclusion_proof_len(index, tree_size)?;
	let actual = len_u64(proof);
	let wrong_length = ProofError::WrongProofLength { expected, actual };
	if actual != expected {
		return Err(wrong_length);
	}
	// 2. Set fn to leaf_index and sn to tree_size - 1.
	let mut fn_ = index;
	let mut sn = tree_size - 1;
	// 3. Set r to hash.
	let mut r = *leaf_hash;
	// 4. For each value p in the inclusion_path array:
	for p in proof {
		// a. If sn is 0, then stop the iteration and fail the proof verification.
		if sn == 0 {
			return Err(wrong_length);
		}
		// b. If LSB(fn) is set, or if fn is equal to sn, then:
		if fn_ & 1 == 1 || fn_ == sn {
			// 1. Set r to HASH(0x01 || p || r).
			r = node_hash(p, &r);
			// 2. If LSB(fn) is not set, then right-shift both fn and sn equally until
			//    either LSB(fn) is set or fn is 0.
			while fn_ & 1 == 0 && fn_ != 0 {
				fn_ >>= 1;
				sn >>= 1;
			}
		} else {
			// Otherwise: set r to HASH(0x01 || r || p).
			r = node_hash(&r, p);
		}
		// c. Finally, right-shift both fn and sn one time.
		fn_ >>= 1;
		sn >>= 1;
	}
	// 5. Compare sn to 0. Compare r against the root hash.
	if sn != 0 {
		return Err(wrong_length);
	}
	if r != *root {
		return Err(ProofError::RootMismatch);
	}
	Ok(())
}

/// The number of hashes in the consistency proof from a tree of `old_size` leaves to one
/// of `new_size` leaves (0 when `old_size` is 0 or equal to `new_size`).
pub fn consistency_proof_len(old_size: u64, new_size: u64) -> Result<u64, ProofError> {
	if old_size > new_size {
		return Err(ProofError::OldSizeExceedsNewSize { old_size, new_size });
	}
	if old_size == 0 {
		return Ok(0);
	}
	let (mut m, mut n, mut complete, mut len) = (old_size, new_size, true, 0u64);
	while m != n {
		let k = split_u64(n);
		if m <= k {
			n = k;
		} else {
			m -= k;
			n -= k;
			complete = false;
		}
		len += 1;
	}
	Ok(if complete { len } else { len + 1 })
}

/// The consistency proof (`PROOF(m, D[n]) = SUBPROOF(m, D[n], true)` of RFC 9162
/// §2.1.4.1) between the tree of the first `old_size` leaf hashes and the tree of the
/// first `new_size` leaf hashes. Costs O(n) hashes.
///
/// The RFC defines the proof for `0 < old_size < new_size`; for `old_size == new_size`
/// SUBPROOF gives the empty proof, and for `old_size == 0` (every tree extends the empty
/// tree) the proof is empty too.
pub fn consistency_proof(
	leaf_hashes: &[Hash],
	old_size: u64,
	new_size: u64,
) -> Result<Vec<Hash>, ProofError> {
	let available = len_u64(leaf_hashes);
	let too_big = ProofError::TreeSizeOutOfRange {
		requested: new_size,
		available,
	};
	if new_size > available {
		return Err(too_big);
	}
	if old_size > new_size {
		return Err(ProofError::OldSizeExceedsNewSize { old_size, new_size });
	}
	if old_size == 0 {
		return Ok(Vec::new());
	}
	let n = usize::try_from(new_size).map_err(|_| too_big)?;
	let mut m = usize::try_from(old_size).map_err(|_| too_big)?;
	let mut sub = leaf_hashes.get(..n).ok_or(too_big)?;
	let mut complete = true;
	let mut proof = Vec::with_capacity(65);
	// Walk down from the root; SUBPROOF lists its hashes bottom-up.
	loop {
		if m == sub.len() {
			// SUBPROOF(m, D[m], true) = {}, SUBPROOF(m, D[m], false) = {MTH(D[m])}.
			if !complete {
				proof.push(mth(sub));
			}
			break;
		}
		// Here 0 < m < sub.len(), so sub.len() >= 2.
		let k = split_usize(sub.len());
		let (left, right) = sub.split_at(k);
		if m <= k {
			// SUBPROOF(m, D[0:k], b) : MTH(D[k:n])
			proof.push(mth(right));
			sub = left;
		} else {
			// SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])
			proof.push(mth(left));
			sub = right;
			m -= k;
			complete = false;
		}
	}
	proof.reverse();
	Ok(proof)
}

/// Verifies that the tree of `new_size` leaves with root `new_root` extends the tree of
/// `old_size` leaves with root `old_root`, given a consistency proof: for
/// `0 < old_size < new_size` the algorithm of RFC 9162 §2.1.4.2, step by step.
///
/// Outside that range (where the RFC defines no algorithm): `old_size == new_size`
/// requires an empty proof and equal roots; `old_size == 0` requires an empty proof and
/// `old_root == empty_root()`. As in [`verify_inclusion`], a proof of the wrong length is
/// reported as [`ProofError::WrongProofLength`] before any hashing, which changes only
/// the error reported, never the verdict.
pub fn verify_consistency(
	old_size: u64,
	new_size: u64,
	old_root: &Hash,
	new_root: &Hash,
	proof: &[Hash],
) -> Result<(), ProofError> {
	let expected = consistency_proof_len(old_size, new_size)?;
	let actual = len_u64(proof);
	let wrong_length = ProofError::WrongProofLength { expected, actual };
	if actual != expected {
		return Err(wrong_length);
	}
	if old_size == new_size {
		return if old_root == new_root {
			Ok(())
		} else {
			Err(ProofError::RootMismatch)
		};
	}
	if old_size == 0 {
		return if *old_root == empty_root() {
			Ok(())
		} else {
			Err(ProofError::OldRootMismatch)
		};
	}
	// 0 < old_size < new_size from here on.
	// 1. If consistency_path is an empty array, stop and fail the proof verification.
	let Some((first_in_path, rest_of_path)) = proof.split_first() else {
		return Err(wrong_length);
	};
	// 2. If first is an exact power of 2, then prepend first_hash to the
	//    consistency_path array.
	// 5. (below) Set both fr and sr to the first value in the consistency_path array;
	//    6. iterates over the values after it.
	let (start, path) = if old_size.is_power_of_two() {
		(*old_root, proof)
	} else {
		(*first_in_path, rest_of_path)
	};
	// 3. Set fn to first - 1 and sn to second - 1.
	let mut fn_ = old_size - 1;
	let mut sn = new_size - 1;
	// 4. If LSB(fn) is set, then right-shift both fn and sn equally until LSB(fn) is
	//    not set.
	while fn_ & 1 == 1 {
		fn_ >>= 1;
		sn >>= 1;
	}
	// 5. Set both fr and sr to the first value in the consistency_path array.
	let mut fr = start;
	let mut sr = start;
	// 6. For each subsequent value c in the consistency_path array:
	for c in path {
		// a. If sn is 0, then stop the iteration and fail the proof verification.
		if sn == 0 {
			return Err(wrong_length);
		}
		// b. If LSB(fn) is set, or if fn is equal to sn, then:
		if fn_ & 1 == 1 || fn_ == sn {
			// 1. Set fr to HASH(0x01 || c || fr).
			fr = node_hash(c, &fr);
			// 2. Set sr to HASH(0x01 || c || sr).
			sr = node_hash(c, &sr);
			// 3. If LSB(fn) is not set, then right-shift both fn and sn equally until
			//    either LSB(fn) is set or fn is 0.
			while fn_ & 1 == 0 && fn_ != 0 {
				fn_ >>= 1;
				sn >>= 1;
			}
		} else {
			// Otherwise: set sr to HASH(0x01 || sr || c).
			sr = node_hash(&sr, c);
		}
		// c. Finally, right-shift both fn and sn one time.
		fn_ >>= 1;
		sn >>= 1;
	}
	// 7. Verify that fr is first_hash, sr is second_hash, and sn is 0.
	if sn != 0 {
		return Err(wrong_length);
	}
	if fr != *old_root {
		return Err(ProofError::OldRootMismatch);
	}
	if sr != *new_root {
		return Err(ProofError::RootMismatch);
	}
	Ok(())
}

/// A tree head: the size of the log and its Merkle Tree Hash, what a signed tree head
/// commits to.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Debug,
	Encode,
	Decode,
	DecodeWithMemTracking,
	TypeInfo,
	MaxEncodedLen,
)]
pub struct TreeHead {
	/// The number of leaves in the log.
	pub size: u64,
	/// The Merkle Tree Hash of those leaves.
	pub root: Hash,
}

impl TreeHead {
	/// The head of the empty log: size 0, root [`empty_root`].
	pub fn empty() -> Self {
		Self {
			size: 0,
			root: empty_root(),
		}
	}
}

impl Default for TreeHead {
	fn default() -> Self {
		Self::empty()
	}
}

/// An append-only Merkle log that keeps only its *frontier*: the roots of the perfect
/// subtrees along the right border of the tree, largest (leftmost) first — one per set
/// bit of `size`, so at most 64 hashes. Appending costs amortised O(1) and at most 64
/// hashes; [`CompactMerkleLog::root`] costs at most 63.
///
/// It cannot produce proofs (that needs every leaf hash; see [`inclusion_proof`]), but
/// it is all a runtime needs to keep the log's tree head in storage.
///
/// **Encoding and `MaxEncodedLen`.** The frontier is a `Vec` holding exactly
/// `size.count_ones()` hashes (SCALE: `size` as 8 bytes, then a compact length and the
/// hashes), so a log of size `n` encodes in `9 + 32 * popcount(n)` bytes rather than the
/// 2,120 bytes of a fixed `[Option<Hash>; 64]`. The fields are private, the only ways to
/// build a value keep the invariant, and [`Decode`] rejects input that breaks it, so the
/// `Vec` never holds more than 64 hashes and the hand-written [`MaxEncodedLen`] bound is
/// sound without a `BoundedVec`.
#[derive(Clone, PartialEq, Eq, Debug, Default, Encode, TypeInfo)]
pub struct CompactMerkleLog {
	/// The number of leaves appended.
	size: u64,
	/// Roots of the perfect subtrees on the right border, largest first; exactly one
	/// per set bit of `size`.
	frontier: Vec<Hash>,
}

impl CompactMerkleLog {
	/// The empty log.
	pub fn new() -> Self {
		Self::default()
	}

	/// A log holding `leaf_hashes`, in order.
	pub fn from_leaf_hashes(leaf_hashes: &[Hash]) -> Self {
		let mut log = Self::new();
		for leaf in leaf_hashes {
			// A slice never has u64::MAX + 1 elements, so this never fails.
			if log.append(*leaf).is_err() {
				break;
			}
		}
		log
	}

	/// The number of leaves in the log.
	pub fn size(&self) -> u64 {
		self.size
	}

	/// The roots of the perfect subtrees on the log's right border, largest first.
	pub fn frontier(&self) -> &[Hash] {
		&self.frontier
	}

	/// Appends a leaf hash (see [`leaf_hash`]) and returns its index, or
	/// [`ProofError::LogFull`] if the log already holds `u64::MAX` leaves.
	pub fn append(&mut self, leaf_hash: Hash) -> Result<u64, ProofError> {
		let index = self.size;
		let new_size = index.checked_add(1).ok_or(ProofError::LogFull)?;
		// Each trailing one bit of the old size is a perfect subtree the same size as
		// the one being completed: merge them, smallest first.
		let merges = index.trailing_ones() as usize;
		let keep = self.frontier.len().saturating_sub(merges);
		let mut carry = leaf_hash;
		for left in self.frontier.drain(keep..).rev() {
			carry = node_hash(&left, &carry);
		}
		self.frontier.push(carry);
		self.size = new_size;
		Ok(index)
	}

	/// Hashes `entry` with [`leaf_hash`] and appends it; returns its index.
	pub fn append_entry(&mut self, entry: &[u8]) -> Result<u64, ProofError> {
		self.append(leaf_hash(entry))
	}

	/// The Merkle Tree Hash of the log, equal to [`root`] over all leaves appended.
	pub fn root(&self) -> Hash {
		let mut from_right = self.frontier.iter().rev();
		match from_right.next() {
			None => empty_root(),
			Some(last) => from_right.fold(*last, |acc, left| node_hash(left, &acc)),
		}
	}

	/// The log's current [`TreeHead`].
	pub fn tree_head(&self) -> TreeHead {
		TreeHead {
			size: self.size,
			root: self.root(),
		}
	}
}

impl Decode for CompactMerkleLog {
	fn decode<I: codec::Input>(input: &mut I) -> Result<Self, codec::Error> {
		let size = u64::decode(input)?;
		let len = Compact::<u32>::decode(input)?.0;
		if len != size.count_ones() {
			return Err("CompactMerkleLog: frontier length is not popcount(size)".into());
		}
		let mut frontier = Vec::with_capacity(len as usize);
		for _ in 0..len {
			frontier.push(Hash::decode(input)?);
		}
		Ok(Self { size, frontier })
	}
}

impl DecodeWithMemTracking for CompactMerkleLog {}

impl MaxEncodedLen for CompactMerkleLog {
	fn max_encoded_len() -> usize {
		// size, the compact length of the frontier (at most 64), 64 hashes.
		u64::max_encoded_len()
			.saturating_add(Compact::<u32>::max_encoded_len())
			.saturating_add(Hash::max_encoded_len().saturating_mul(u64::BITS as usize))
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use alloc::vec;

	fn leaves(n: u64) -> Vec<Hash> {
		(0..n).map(|i| leaf_hash(&i.to_le_bytes())).collect()
	}

	/// A small deterministic PRNG (splitmix64) for the fuzz-style tests.
	struct SplitMix(u64);
	impl SplitMix {
		fn next(&mut self) -> u64 {
			self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
			let mut z = self.0;
			z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
			z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
			z ^ (z >> 31)
		}
		/// Sizes biased towards edge cases: small, near powers of two, near u64::MAX.
		fn size(&mut self) -> u64 {
			match self.next() % 6 {
				0 => self.next() % 40,
				1 => 1u64 << (self.next() % 64),
				2 => (1u64 << (self.next() % 64))
					.wrapping_add(self.next() % 3)
					.wrapping_sub(1),
				3 => u64::MAX - self.next() % 3,
				_ => self.next() >> (self.next() % 64),
			}
		}
		fn hash(&mut self) -> Hash {
			let mut h = [0u8; 32];
			for chunk in h.chunks_mut(8) {
				chunk.copy_from_slice(&self.next().to_le_bytes());
			}
			h
		}
	}

	#[test]
	fn hashes_are_domain_separated_sha256() {
		assert_eq!(
			empty_root(),
			Sha256::digest(b"").as_slice(),
			"empty root is SHA-256 of the empty string"
		);
		let mut buf = vec![0u8];
		buf.extend_from_slice(b"abc");
		assert_eq!(leaf_hash(b"abc"), Sha256::digest(&buf).as_slice());
		let (l, r) = ([1u8; 32], [2u8; 32]);
		let mut buf = vec![1u8];
		buf.extend_from_slice(&l);
		buf.extend_from_slice(&r);
		assert_eq!(node_hash(&l, &r), Sha256::digest(&buf).as_slice());
	}

	#[test]
	fn split_is_largest_power_of_two_below() {
		for n in 2u64..2000 {
			let k = split_u64(n);
			assert!(k.is_power_of_two() && k < n && 2 * k >= n, "n={n} k={k}");
			assert_eq!(split_usize(n as usize) as u64, k);
		}
		assert_eq!(split_u64(u64::MAX), 1 << 63);
		assert_eq!(split_u64((1 << 63) + 1), 1 << 63);
		assert_eq!(split_u64(1 << 63), 1 << 62);
	}

	#[test]
	fn small_roots_by_hand() {
		let l = leaves(3);
		assert_eq!(root(&[]), empty_root());
		assert_eq!(root(&l[..1]), l[0]);
		assert_eq!(root(&l[..2]), node_hash(&l[0], &l[1]));
		assert_eq!(root(&l), node_hash(&node_hash(&l[0], &l[1]), &l[2]));
	}

	#[test]
	fn proof_lengths_match_generated_proofs() {
		let l = leaves(70);
		for n in 1..=70u64 {
			for m in 0..n {
				let p = inclusion_proof(&l[..n as usize], m).unwrap();
				assert_eq!(
					inclusion_proof_len(m, n),
					Ok(p.len() as u64),
					"incl m={m} n={n}"
				);
			}
			for m in 0..=n {
				let p = consistency_proof(&l, m, n).unwrap();
				assert_eq!(
					consistency_proof_len(m, n),
					Ok(p.len() as u64),
					"cons m={m} n={n}"
				);
			}
		}
	}

	#[test]
	fn all_proofs_round_trip_up_to_70() {
		let l = leaves(70);
		let roots: Vec<Hash> = (0..=70).map(|n| root(&l[..n])).collect();
		for n in 1..=70usize {
			for m in 0..n {
				let p = inclusion_proof(&l[..n], m as u64).unwrap();
				assert_eq!(
					verify_inclusion(&l[m], m as u64, n as u64, &p, &roots[n]),
					Ok(())
				);
			}
			for m in 0..=n {
				let p = consistency_proof(&l, m as u64, n as u64).unwrap();
				assert_eq!(
					verify_consistency(m as u64, n as u64, &roots[m], &roots[n], &p),
					Ok(()),
					"m={m} n={n}"
				);
			}
		}
	}

	#[test]
	fn generation_errors() {
		let l = leaves(5);
		assert_eq!(
			inclusion_proof(&l, 5),
			Err(ProofError::IndexOutOfRange {
				index: 5,
				tree_size: 5
			})
		);
		assert_eq!(
			inclusion_proof(&[], 0),
			Err(ProofError::IndexOutOfRange {
				index: 0,
				tree_size: 0
			})
		);
		assert_eq!(
			inclusion_proof(&l, u64::MAX),
			Err(ProofError::IndexOutOfRange {
				index: u64::MAX,
				tree_size: 5
			})
		);
		assert_eq!(
			consistency_proof(&l, 2, 6),
			Err(ProofError::TreeSizeOutOfRange {
				requested: 6,
				available: 5
			})
		);
		assert_eq!(
			consistency_proof(&l, 4, 3),
			Err(ProofError::OldSizeExceedsNewSize {
				old_size: 4,
				new_size: 3
			})
		);
		assert_eq!(consistency_proof(&l, 0, 5), Ok(vec![]));
		assert_eq!(consistency_proof(&l, 5, 5), Ok(vec![]));
		assert_eq!(consistency_proof(&[], 0, 0), Ok(vec![]));
	}

	#[test]
	fn verification_edge_cases() {
		let l = leaves(4);
		let r = root(&l);
		assert_eq!(
			verify_inclusion(&l[0], 4, 4, &[], &r),
			Err(ProofError::IndexOutOfRange {
				index: 4,
				tree_size: 4
			})
		);
		assert_eq!(
			verify_inclusion(&l[0], 0, 0, &[], &empty_root()),
			Err(ProofError::IndexOutOfRange {
				index: 0,
				tree_size: 0
			})
		);
		// A one-leaf tree: empty proof, root is the leaf hash.
		assert_eq!(verify_inclusion(&l[0], 0, 1, &[], &l[0]), Ok(()));
		assert_eq!(
			verify_inclusion(&l[0], 0, 1, &[], &l[1]),
			Err(ProofError::RootMismatch)
		);
		// Consistency outside 0 < m < n.
		assert_eq!(verify_consistency(4, 4, &r, &r, &[]), Ok(()));
		assert_eq!(
			verify_consistency(4, 4, &r, &l[0], &[]),
			Err(ProofError::RootMismatch)
		);
		assert_eq!(
			verify_consistency(4, 4, &r, &r, &[r]),
			Err(ProofError::WrongProofLength {
				expected: 0,
				actual: 1
			})
		);
		assert_eq!(verify_consistency(0, 4, &empty_root(), &r, &[]), Ok(()));
		assert_eq!(
			verify_consistency(0, 0, &empty_root(), &empty_root(), &[]),
			Ok(())
		);
		assert_eq!(
			verify_consistency(0, 4, &r, &r, &[]),
			Err(ProofError::OldRootMismatch)
		);
		assert_eq!(
			verify_consistency(0, 4, &empty_root(), &r, &[r]),
			Err(ProofError::WrongProofLength {
				expected: 0,
				actual: 1
			})
		);
		assert_eq!(
			verify_consistency(5, 4, &r, &r, &[]),
			Err(ProofError::OldSizeExceedsNewSize {
				old_size: 5,
				new_size: 4
			})
		);
		assert_eq!(
			verify_consistency(1, 4, &l[0], &r, &[]),
			Err(ProofError::WrongProofLength {
				expected: 2,
				actual: 0
			})
		);
	}

	/// Random sizes, indices and proofs, including sizes near `u64::MAX`: verification
	/// returns a result (never panics) and random proofs are rejected.
	#[test]
	fn fuzz_verification_never_panics_and_rejects_noise() {
		let mut rng = SplitMix(0x5EED);
		for _ in 0..20_000 {
			let n = rng.size();
			let m = if rng.next() % 4 == 0 {
				rng.size()
			} else {
				rng.next() % n.max(1)
			};
			let len = match rng.next() % 3 {
				0 => rng.next() % 70,
				1 => inclusion_proof_len(m, n).unwrap_or(0),
				_ => consistency_proof_len(m, n).unwrap_or(0),
			} as usize;
			let proof: Vec<Hash> = (0..len).map(|_| rng.hash()).collect();
			let (a, b) = (rng.hash(), rng.hash());
			assert!(verify_inclusion(&a, m, n, &proof, &b).is_err());
			let res = verify_consistency(m, n, &a, &b, &proof);
			// Only trivially consistent claims with an empty proof could pass, and
			// those need equal roots or an empty old root, which random hashes are not.
			assert!(res.is_err(), "m={m} n={n} len={len}: {res:?}");
			let _ = inclusion_proof_len(m, n);
			let _ = consistency_proof_len(m, n);
		}
	}

	/// Random generation requests against small trees: never panic, and succeed exactly
	/// when the sizes and index are in range.
	#[test]
	fn fuzz_generation_never_panics() {
		let l = leaves(40);
		let mut rng = SplitMix(7);
		for _ in 0..5_000 {
			let have = (rng.next() % 41) as usize;
			let a = rng.size();
			let b = rng.size();
			let incl = inclusion_proof(&l[..have], a);
			assert_eq!(incl.is_ok(), a < have as u64);
			let cons = consistency_proof(&l[..have], a, b);
			assert_eq!(
				cons.is_ok(),
				a <= b && b <= have as u64,
				"a={a} b={b} have={have}"
			);
		}
	}

	#[test]
	fn compact_log_basics_and_codec() {
		let mut log = CompactMerkleLog::new();
		assert_eq!(log.root(), empty_root());
		assert_eq!(log.tree_head(), TreeHead::empty());
		let l = leaves(100);
		for (i, h) in l.iter().enumerate() {
			assert_eq!(log.append(*h), Ok(i as u64));
			assert_eq!(log.frontier().len() as u32, log.size().count_ones());
			let bytes = log.encode();
			assert!(bytes.len() <= CompactMerkleLog::max_encoded_len());
			assert_eq!(bytes.len(), 9 + 32 * log.frontier().len());
			assert_eq!(CompactMerkleLog::decode(&mut &bytes[..]), Ok(log.clone()));
		}
		assert_eq!(CompactMerkleLog::from_leaf_hashes(&l), log);
		let mut other = CompactMerkleLog::new();
		assert_eq!(other.append_entry(&0u64.to_le_bytes()), Ok(0));
		assert_eq!(other.root(), l[0]);

		let head = log.tree_head();
		assert_eq!(TreeHead::decode(&mut &head.encode()[..]), Ok(head));
		assert_eq!(head.encode().len(), TreeHead::max_encoded_len());
	}

	#[test]
	fn compact_log_decode_rejects_broken_invariant() {
		// size 3 needs two frontier hashes.
		let mut bytes = 3u64.encode();
		bytes.extend(vec![[0u8; 32]].encode());
		assert!(CompactMerkleLog::decode(&mut &bytes[..]).is_err());
		// A huge claimed length is rejected before allocating.
		let mut bytes = 3u64.encode();
		bytes.extend(Compact(u32::MAX).encode());
		assert!(CompactMerkleLog::decode(&mut &bytes[..]).is_err());
		// Truncated input.
		let mut bytes = 3u64.encode();
		bytes.extend(Compact(2u32).encode());
		bytes.extend([0u8; 40]);
		assert!(CompactMerkleLog::decode(&mut &bytes[..]).is_err());
	}

	#[test]
	fn compact_log_full_at_u64_max() {
		// The largest possible log: 64 frontier hashes; its encoding is the maximum.
		let mut bytes = u64::MAX.encode();
		bytes.extend(vec![[7u8; 32]; 64].encode());
		let mut log = CompactMerkleLog::decode(&mut &bytes[..]).unwrap();
		assert!(log.encode().len() <= CompactMerkleLog::max_encoded_len());
		let _ = log.root();
		assert_eq!(log.append([0u8; 32]), Err(ProofError::LogFull));
		assert_eq!(log.size(), u64::MAX);
		// u64::MAX - 1 leaves (lowest bit clear): the append just pushes a 64th hash.
		let mut bytes = (u64::MAX - 1).encode();
		bytes.extend(vec![[7u8; 32]; 63].encode());
		let mut log = CompactMerkleLog::decode(&mut &bytes[..]).unwrap();
		assert_eq!(log.append([0u8; 32]), Ok(u64::MAX - 1));
		assert_eq!(log.frontier().len(), 64);
		// 2^63 - 1 leaves: the next append merges 63 subtrees into one.
		let mut bytes = (u64::MAX >> 1).encode();
		bytes.extend(vec![[7u8; 32]; 63].encode());
		let mut log = CompactMerkleLog::decode(&mut &bytes[..]).unwrap();
		assert_eq!(log.append([0u8; 32]), Ok(u64::MAX >> 1));
		assert_eq!(log.frontier().len(), 1);
		assert_eq!(log.size(), 1 << 63);
	}

	#[test]
	fn errors_display() {
		let e = ProofError::WrongProofLength {
			expected: 3,
			actual: 2,
		};
		assert_eq!(alloc::format!("{e}"), "proof has 2 hashes, 3 expected");
		assert_eq!(ProofError::decode(&mut &e.encode()[..]), Ok(e));
	}
}
