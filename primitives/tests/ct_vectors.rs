//! Checks the `ct` module against vectors produced by an independent implementation
//! (`tests/vectors/gen_ct_vectors.py`, plain Python + hashlib, written from RFC 9162's
//! recursive definitions) and against the published RFC 6962 test vectors.

use hypermesh_primitives::ct::{
	consistency_proof, empty_root, inclusion_proof, leaf_hash, root, verify_consistency,
	verify_inclusion, CompactMerkleLog, Hash, ProofError,
};
use serde_json::Value;

const VECTORS: &str = include_str!("vectors/ct.json");

fn vectors() -> Value {
	serde_json::from_str(VECTORS).expect("ct.json parses")
}

fn unhex(s: &str) -> Vec<u8> {
	assert!(s.len() % 2 == 0, "odd hex length: {s}");
	(0..s.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex digit"))
		.collect()
}

fn hash(v: &Value) -> Hash {
	unhex(v.as_str().expect("hex string"))
		.try_into()
		.expect("32 bytes")
}

fn hashes(v: &Value) -> Vec<Hash> {
	v.as_array().expect("array").iter().map(hash).collect()
}

fn num(v: &Value) -> u64 {
	v.as_u64().expect("number")
}

fn hex(h: &Hash) -> String {
	h.iter().map(|b| format!("{b:02x}")).collect()
}

/// The leaf hashes of the vector file, after checking they are `leaf_hash(entry)` and
/// that the entries follow the documented rule (entry i = bytes i, i+1, ..., 2i-1).
fn leaf_hashes(v: &Value) -> Vec<Hash> {
	let entries: Vec<Vec<u8>> = v["entries"]
		.as_array()
		.unwrap()
		.iter()
		.map(|e| unhex(e.as_str().unwrap()))
		.collect();
	let leaves = hashes(&v["leaf_hashes"]);
	assert_eq!(entries.len(), 64);
	assert_eq!(entries.len(), leaves.len());
	for (i, (entry, leaf)) in entries.iter().zip(&leaves).enumerate() {
		let rule: Vec<u8> = (i..2 * i).map(|j| (j & 0xff) as u8).collect();
		assert_eq!(*entry, rule, "entry {i}");
		assert_eq!(leaf_hash(entry), *leaf, "leaf hash {i}");
	}
	leaves
}

fn flip_each_byte(proof: &[Hash]) -> impl Iterator<Item = Vec<Hash>> + '_ {
	(0..proof.len()).flat_map(move |i| {
		[0usize, 17, 31].into_iter().map(move |byte| {
			let mut p = proof.to_vec();
			p[i][byte] ^= 0x01;
			p
		})
	})
}

#[test]
fn leaf_hashes_match_python_vectors() {
	leaf_hashes(&vectors());
}

#[test]
fn roots_match_python_vectors_for_sizes_0_to_64() {
	let v = vectors();
	let leaves = leaf_hashes(&v);
	let roots = v["roots"].as_array().unwrap();
	assert_eq!(roots.len(), 65);
	for (n, r) in roots.iter().enumerate() {
		assert_eq!(num(&r["size"]), n as u64);
		assert_eq!(
			hex(&root(&leaves[..n])),
			r["root"].as_str().unwrap(),
			"size {n}"
		);
	}
	assert_eq!(hash(&roots[0]["root"]), empty_root());
}

#[test]
fn compact_log_matches_python_roots() {
	let v = vectors();
	let leaves = leaf_hashes(&v);
	let roots: Vec<Hash> = v["roots"]
		.as_array()
		.unwrap()
		.iter()
		.map(|r| hash(&r["root"]))
		.collect();
	let mut log = CompactMerkleLog::new();
	assert_eq!(log.root(), roots[0]);
	for (i, leaf) in leaves.iter().enumerate() {
		log.append(*leaf).unwrap();
		assert_eq!(log.root(), roots[i + 1], "size {}", i + 1);
		assert_eq!(log.tree_head().size, i as u64 + 1);
	}
}

#[test]
fn inclusion_proofs_match_python_vectors_and_verify() {
	let v = vectors();
	let leaves = leaf_hashes(&v);
	let cases = v["inclusion"].as_array().unwrap();
	assert_eq!(cases.len(), 210, "every (index, size) for sizes 1..=20");
	for case in cases {
		let (m, n) = (num(&case["index"]), num(&case["size"]));
		let expected = hashes(&case["path"]);
		let tree = &leaves[..n as usize];
		assert_eq!(
			inclusion_proof(tree, m).unwrap(),
			expected,
			"index {m} size {n}"
		);
		assert_eq!(
			verify_inclusion(&leaves[m as usize], m, n, &expected, &root(tree)),
			Ok(()),
			"index {m} size {n}"
		);
	}
}

#[test]
fn tampered_inclusion_proofs_are_rejected() {
	let v = vectors();
	let leaves = leaf_hashes(&v);
	let roots: Vec<Hash> = (0..=64).map(|n| root(&leaves[..n])).collect();
	for case in v["inclusion"].as_array().unwrap() {
		let (m, n) = (num(&case["index"]), num(&case["size"]));
		let proof = hashes(&case["path"]);
		let leaf = leaves[m as usize];
		let r = roots[n as usize];
		let ctx = format!("index {m} size {n}");

		// A flipped bit anywhere in the proof.
		for bad in flip_each_byte(&proof) {
			assert_eq!(
				verify_inclusion(&leaf, m, n, &bad, &r),
				Err(ProofError::RootMismatch),
				"{ctx}"
			);
		}
		// Wrong leaf, wrong root.
		let other_leaf = leaves[(m as usize + 1) % 64];
		assert!(
			verify_inclusion(&other_leaf, m, n, &proof, &r).is_err(),
			"{ctx}"
		);
		let mut bad_root = r;
		bad_root[0] ^= 0x80;
		assert_eq!(
			verify_inclusion(&leaf, m, n, &proof, &bad_root),
			Err(ProofError::RootMismatch)
		);
		// Every other index (in and out of range).
		for j in (0..n + 2).chain([u64::MAX]) {
			if j != m {
				assert!(
					verify_inclusion(&leaf, j, n, &proof, &r).is_err(),
					"{ctx}: index {j}"
				);
			}
		}
		// Every other tree size, checked against that size's real root (a tree head is
		// a (size, root) pair). Against the root of the right size a wrong size can
		// still pass when it gives the same path shape — the root binds the size.
		for s in (1..=64u64).chain([u64::MAX]) {
			if s != n && s > m {
				let claimed_root = roots.get(s as usize).copied().unwrap_or(r);
				assert!(
					verify_inclusion(&leaf, m, s, &proof, &claimed_root).is_err(),
					"{ctx}: size {s}"
				);
			}
		}
		// Truncated, extended, reordered.
		if let Some((_, shorter)) = proof.split_last() {
			assert!(matches!(
				verify_inclusion(&leaf, m, n, shorter, &r),
				Err(ProofError::WrongProofLength { .. })
			));
		}
		let mut longer = proof.clone();
		longer.push(leaf);
		assert!(matches!(
			verify_inclusion(&leaf, m, n, &longer, &r),
			Err(ProofError::WrongProofLength { .. })
		));
		if proof.len() >= 2 {
			let mut swapped = proof.clone();
			swapped.swap(0, 1);
			assert!(
				verify_inclusion(&leaf, m, n, &swapped, &r).is_err(),
				"{ctx}"
			);
		}
	}
}

#[test]
fn consistency_proofs_match_python_vectors_and_verify() {
	let v = vectors();
	let leaves = leaf_hashes(&v);
	let cases = v["consistency"].as_array().unwrap();
	assert_eq!(cases.len(), 210, "every (m, n) with 1 <= m <= n <= 20");
	for case in cases {
		let (m, n) = (num(&case["old_size"]), num(&case["new_size"]));
		let expected = hashes(&case["proof"]);
		assert_eq!(
			consistency_proof(&leaves, m, n).unwrap(),
			expected,
			"{m} -> {n}"
		);
		// Generation only looks at the first new_size leaves.
		assert_eq!(
			consistency_proof(&leaves[..n as usize], m, n).unwrap(),
			expected
		);
		assert_eq!(
			verify_consistency(
				m,
				n,
				&root(&leaves[..m as usize]),
				&root(&leaves[..n as usize]),
				&expected
			),
			Ok(()),
			"{m} -> {n}"
		);
	}
}

#[test]
fn tampered_consistency_proofs_are_rejected() {
	let v = vectors();
	let leaves = leaf_hashes(&v);
	let roots: Vec<Hash> = (0..=64).map(|n| root(&leaves[..n])).collect();
	for case in v["consistency"].as_array().unwrap() {
		let (m, n) = (num(&case["old_size"]), num(&case["new_size"]));
		let proof = hashes(&case["proof"]);
		let (r1, r2) = (roots[m as usize], roots[n as usize]);
		let ctx = format!("{m} -> {n}");

		// A flipped bit anywhere in the proof.
		for bad in flip_each_byte(&proof) {
			assert!(verify_consistency(m, n, &r1, &r2, &bad).is_err(), "{ctx}");
		}
		// Wrong roots.
		let (mut bad1, mut bad2) = (r1, r2);
		bad1[5] ^= 0x04;
		bad2[5] ^= 0x04;
		assert!(
			verify_consistency(m, n, &bad1, &r2, &proof).is_err(),
			"{ctx}"
		);
		assert!(
			verify_consistency(m, n, &r1, &bad2, &proof).is_err(),
			"{ctx}"
		);
		if m != n {
			assert!(
				verify_consistency(m, n, &r2, &r1, &proof).is_err(),
				"{ctx}: swapped roots"
			);
		}
		// Every other old size, with that size's real root.
		for s in 0..=64u64 {
			if s != m {
				let res = verify_consistency(s, n, &roots[s as usize], &r2, &proof);
				// From the empty tree or to the same size the proof is empty by
				// definition: those claims are true and pass with an empty proof only.
				if (s == 0 || s == n) && proof.is_empty() {
					assert_eq!(res, Ok(()), "{ctx}: old size {s}");
				} else {
					assert!(res.is_err(), "{ctx}: old size {s}");
				}
			}
		}
		// Every other new size, with that size's real root.
		for s in 1..=64u64 {
			if s != n {
				assert!(
					verify_consistency(m, s, &r1, &roots[s as usize], &proof).is_err(),
					"{ctx}: new size {s}"
				);
			}
		}
		assert!(verify_consistency(m, u64::MAX, &r1, &r2, &proof).is_err());
		// Truncated, extended.
		if let Some((_, shorter)) = proof.split_last() {
			assert!(matches!(
				verify_consistency(m, n, &r1, &r2, shorter),
				Err(ProofError::WrongProofLength { .. })
			));
			assert!(verify_consistency(m, n, &r1, &r2, &proof[1..]).is_err());
		}
		let mut longer = proof.clone();
		longer.push(r2);
		assert!(matches!(
			verify_consistency(m, n, &r1, &r2, &longer),
			Err(ProofError::WrongProofLength { .. })
		));
	}
}

/// The published RFC 6962 test vectors (transparency-dev/merkle, the C++/Go CT logs).
/// `gen_ct_vectors.py` refuses to write `ct.json` unless its own computation agrees with
/// these values; here the Rust implementation must agree too.
const RFC6962_ENTRIES: [&str; 8] = [
	"",
	"00",
	"10",
	"2021",
	"3031",
	"40414243",
	"5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
];
const RFC6962_ROOTS: [&str; 8] = [
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
];
const RFC6962_INCLUSION_0_OF_8: [&str; 3] = [
	"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
	"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
	"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
];

#[test]
fn rfc6962_published_roots() {
	let v = vectors();
	let leaves: Vec<Hash> = RFC6962_ENTRIES
		.iter()
		.map(|e| leaf_hash(&unhex(e)))
		.collect();
	let python_roots: Vec<&str> = v["rfc6962"]["roots"]
		.as_array()
		.unwrap()
		.iter()
		.map(|r| r.as_str().unwrap())
		.collect();
	assert_eq!(
		python_roots, RFC6962_ROOTS,
		"the Python implementation agreed with these"
	);
	let mut log = CompactMerkleLog::new();
	for n in 1..=8 {
		assert_eq!(hex(&root(&leaves[..n])), RFC6962_ROOTS[n - 1], "size {n}");
		log.append(leaves[n - 1]).unwrap();
		assert_eq!(
			hex(&log.root()),
			RFC6962_ROOTS[n - 1],
			"compact log, size {n}"
		);
	}
	assert_eq!(
		hex(&empty_root()),
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	);
}

#[test]
fn rfc6962_published_inclusion_proof() {
	let leaves: Vec<Hash> = RFC6962_ENTRIES
		.iter()
		.map(|e| leaf_hash(&unhex(e)))
		.collect();
	let proof = inclusion_proof(&leaves, 0).unwrap();
	let proof_hex: Vec<String> = proof.iter().map(hex).collect();
	assert_eq!(proof_hex, RFC6962_INCLUSION_0_OF_8);
	let r = hash(&Value::from(RFC6962_ROOTS[7]));
	assert_eq!(verify_inclusion(&leaves[0], 0, 8, &proof, &r), Ok(()));
}

#[test]
fn compact_log_root_equals_root_for_sizes_0_to_1000() {
	let leaves: Vec<Hash> = (0u32..1000).map(|i| leaf_hash(&i.to_be_bytes())).collect();
	let mut log = CompactMerkleLog::new();
	assert_eq!(log.root(), root(&[]));
	for (i, leaf) in leaves.iter().enumerate() {
		assert_eq!(log.append(*leaf), Ok(i as u64));
		assert_eq!(log.root(), root(&leaves[..=i]), "size {}", i + 1);
		assert_eq!(log.frontier().len() as u32, log.size().count_ones());
	}
}
