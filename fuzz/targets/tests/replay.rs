//! Replays every fuzz target's committed inputs through its entry point in an ordinary
//! (uninstrumented) test, so that CI checks them without a libFuzzer build:
//!
//! * `fuzz/corpus/<target>/`: the seed corpus (real inputs, then what fuzzing added,
//!   minimised); it must exist and be non-empty for every target;
//! * `fuzz/artifacts/<target>/`: every input that once crashed the target (the regression
//!   tests of the bugs fuzzing found).
//!
//! Each target's inputs run to the end even when one fails; the test then fails naming
//! every failing file.

use std::{
	fs,
	panic::{self, AssertUnwindSafe},
	path::{Path, PathBuf},
};

use hypermesh_fuzz_targets::TARGETS;

/// `fuzz/`.
fn fuzz_dir() -> PathBuf {
	Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The files directly in `dir`, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
	let Ok(entries) = fs::read_dir(dir) else {
		return Vec::new();
	};
	let mut files: Vec<PathBuf> = entries
		.filter_map(|entry| entry.ok().map(|e| e.path()))
		.filter(|path| path.is_file())
		.collect();
	files.sort();
	files
}

#[test]
fn every_target_replays_its_corpus_and_past_crashes() {
	let mut failures = Vec::new();
	for (name, target) in TARGETS {
		let corpus = files(&fuzz_dir().join("corpus").join(name));
		if corpus.is_empty() {
			failures.push(format!("fuzz/corpus/{name}/ is missing or empty"));
		}
		let artifacts = files(&fuzz_dir().join("artifacts").join(name));
		for file in corpus.iter().chain(&artifacts) {
			let data = fs::read(file).expect("a readable corpus file");
			if panic::catch_unwind(AssertUnwindSafe(|| target(&data))).is_err() {
				failures.push(format!("{name}: {} failed", file.display()));
			}
		}
		println!(
			"{name}: {} corpus inputs, {} past crashes replayed",
			corpus.len(),
			artifacts.len()
		);
	}
	assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The libFuzzer project has one `fuzz_targets/<target>.rs` per entry point and no other,
/// so that what `scripts/fuzz` runs is what this test replays.
#[test]
fn the_fuzz_project_has_one_binary_per_target() {
	let mut binaries: Vec<String> = files(&fuzz_dir().join("fuzz_targets"))
		.iter()
		.filter_map(|p| p.file_stem()?.to_str().map(str::to_string))
		.collect();
	binaries.sort();
	let mut names: Vec<String> = TARGETS.iter().map(|(name, _)| name.to_string()).collect();
	names.sort();
	assert_eq!(binaries, names);
	let manifest = fs::read_to_string(fuzz_dir().join("Cargo.toml")).expect("fuzz/Cargo.toml");
	for name in &names {
		assert!(
			manifest.contains(&format!("name = \"{name}\"")),
			"fuzz/Cargo.toml has no [[bin]] {name}"
		);
	}
}
