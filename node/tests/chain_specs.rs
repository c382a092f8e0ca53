//! The chain specs committed in `chain-specs/` must be exactly what this
//! node generates. A runtime change that alters genesis (or the WASM) makes
//! this test fail until the specs are regenerated with
//! `UPDATE_CHAIN_SPECS=1 cargo test -p hypermesh-node --test chain_specs`.

use std::{path::PathBuf, process::Command};

fn specs_dir() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("chain-specs")
}

/// Runs `hypermesh-node build-spec` for `chain` and returns its JSON output.
fn generate(chain: &str, raw: bool) -> String {
	let mut cmd = Command::new(env!("CARGO_BIN_EXE_hypermesh-node"));
	cmd.args(["build-spec", "--chain", chain, "--disable-default-bootnode", "--log", "error"]);
	if raw {
		cmd.arg("--raw");
	}
	let out = cmd.output().expect("hypermesh-node runs");
	assert!(
		out.status.success(),
		"build-spec --chain {chain} failed: {}",
		String::from_utf8_lossy(&out.stderr)
	);
	String::from_utf8(out.stdout).expect("chain spec is UTF-8")
}

/// Describes the first place where two JSON values differ.
fn first_difference(path: &str, a: &serde_json::Value, b: &serde_json::Value) -> Option<String> {
	use serde_json::Value::*;
	match (a, b) {
		(Object(x), Object(y)) => {
			for key in x.keys().chain(y.keys()) {
				let sub = format!("{path}.{key}");
				match (x.get(key), y.get(key)) {
					(Some(p), Some(q)) =>
						if let Some(d) = first_difference(&sub, p, q) {
							return Some(d);
						},
					(p, q) => return Some(format!("{sub}: committed {p:?}, generated {q:?}")),
				}
			}
			None
		},
		(p, q) if p == q => None,
		(String(p), String(q)) if p.len() > 200 || q.len() > 200 => Some(format!(
			"{path}: long strings differ (committed {} chars, generated {} chars)",
			p.len(),
			q.len()
		)),
		(p, q) => Some(format!("{path}: committed {p}, generated {q}")),
	}
}

fn check(chain: &str, file: &str, raw: bool) {
	let generated = generate(chain, raw);
	let path = specs_dir().join(file);
	if std::env::var_os("UPDATE_CHAIN_SPECS").is_some() {
		std::fs::write(&path, &generated).expect("write chain spec");
		return;
	}
	let committed = std::fs::read_to_string(&path)
		.unwrap_or_else(|e| panic!("{} is missing ({e}); run with UPDATE_CHAIN_SPECS=1", path.display()));
	let committed_json: serde_json::Value =
		serde_json::from_str(&committed).expect("committed chain spec is JSON");
	let generated_json: serde_json::Value =
		serde_json::from_str(&generated).expect("generated chain spec is JSON");
	if let Some(difference) = first_difference("", &committed_json, &generated_json) {
		panic!(
			"chain-specs/{file} has drifted from what the node generates: {difference}\n\
			 regenerate with UPDATE_CHAIN_SPECS=1 cargo test -p hypermesh-node --test chain_specs"
		);
	}
}

#[test]
fn dev_spec_matches() {
	check("dev", "dev.json", false);
	check("dev", "dev-raw.json", true);
}

#[test]
fn local_spec_matches() {
	check("local", "local.json", false);
	check("local", "local-raw.json", true);
}

#[test]
fn staging_spec_matches() {
	check("staging", "staging.json", false);
}

#[test]
fn specs_carry_token_properties() {
	if std::env::var_os("UPDATE_CHAIN_SPECS").is_some() {
		return; // the files are being rewritten by the other tests
	}
	for file in ["dev.json", "local.json", "staging.json"] {
		let spec: serde_json::Value =
			serde_json::from_str(&std::fs::read_to_string(specs_dir().join(file)).unwrap()).unwrap();
		assert_eq!(spec["properties"]["tokenSymbol"], "CAES", "{file}");
		assert_eq!(spec["properties"]["tokenDecimals"], 12, "{file}");
		assert_eq!(spec["properties"]["ss58Format"], 42, "{file}");
	}
}

#[test]
fn unknown_chain_is_a_clear_error() {
	let out = Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
		.args(["build-spec", "--chain", "/nonexistent/spec.json"])
		.output()
		.unwrap();
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(stderr.contains("/nonexistent/spec.json"), "stderr: {stderr}");
}
