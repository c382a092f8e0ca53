//! Benchmarks of the Certificate Transparency log primitives at 1,000,000 leaves.
//!
//! Run with:
//! `cargo bench -p hypermesh-primitives --bench ct -- --warm-up-time 1 --measurement-time 3`

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use hypermesh_primitives::ct::{
	consistency_proof, inclusion_proof, leaf_hash, root, verify_consistency, verify_inclusion,
	CompactMerkleLog, Hash,
};

const N: u64 = 1_000_000;
const INDEX: u64 = 765_432;
const OLD_SIZE: u64 = 654_321;

fn leaves() -> Vec<Hash> {
	(0..N).map(|i| leaf_hash(&i.to_le_bytes())).collect()
}

fn bench_ct(c: &mut Criterion) {
	// Built once, outside every timed loop.
	let leaves = leaves();
	let new_root = root(&leaves);
	let old_root = root(&leaves[..OLD_SIZE as usize]);
	let incl = inclusion_proof(&leaves, INDEX).unwrap();
	let cons = consistency_proof(&leaves, OLD_SIZE, N).unwrap();
	assert_eq!(
		verify_inclusion(&leaves[INDEX as usize], INDEX, N, &incl, &new_root),
		Ok(())
	);
	assert_eq!(
		verify_consistency(OLD_SIZE, N, &old_root, &new_root, &cons),
		Ok(())
	);

	// O(n) in hashes: few samples.
	let mut slow = c.benchmark_group("ct_1m_leaves_O(n)");
	slow.sample_size(10);
	slow.bench_function("inclusion_proof (index 765432 of 1000000)", |b| {
		b.iter(|| inclusion_proof(black_box(&leaves), black_box(INDEX)).unwrap())
	});
	slow.bench_function("consistency_proof (654321 -> 1000000)", |b| {
		b.iter(|| consistency_proof(black_box(&leaves), black_box(OLD_SIZE), black_box(N)).unwrap())
	});
	slow.finish();

	let mut fast = c.benchmark_group("ct_1m_leaves");
	fast.bench_function(
		format!(
			"verify_inclusion (index 765432 of 1000000, {} hashes)",
			incl.len()
		),
		|b| {
			b.iter(|| {
				verify_inclusion(
					black_box(&leaves[INDEX as usize]),
					black_box(INDEX),
					black_box(N),
					black_box(&incl),
					black_box(&new_root),
				)
				.unwrap()
			})
		},
	);
	fast.bench_function(
		format!(
			"verify_consistency (654321 -> 1000000, {} hashes)",
			cons.len()
		),
		|b| {
			b.iter(|| {
				verify_consistency(
					black_box(OLD_SIZE),
					black_box(N),
					black_box(&old_root),
					black_box(&new_root),
					black_box(&cons),
				)
				.unwrap()
			})
		},
	);
	let mut log = CompactMerkleLog::from_leaf_hashes(&leaves);
	assert_eq!(log.root(), new_root);
	let extra = leaf_hash(b"bench");
	fast.bench_function("CompactMerkleLog::append (log of >= 1000000 leaves)", |b| {
		b.iter(|| log.append(black_box(extra)).unwrap())
	});
	let log = CompactMerkleLog::from_leaf_hashes(&leaves);
	fast.bench_function("CompactMerkleLog::root (1000000 leaves)", |b| {
		b.iter(|| black_box(&log).root())
	});
	fast.finish();
}

criterion_group!(benches, bench_ct);
criterion_main!(benches);
