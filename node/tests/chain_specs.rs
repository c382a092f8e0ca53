//! The chain specs committed in `chain-specs/` must be what this node
//! generates. A change of genesis, of the chain's name/id/properties, or of the
//! runtime's version or APIs makes this test fail until the specs are
//! regenerated with `UPDATE_CHAIN_SPECS=1 cargo test -p hypermesh-node --test chain_specs`.
//!
//! The runtime WASM (`code`, and `:code` in raw specs) is compared by its
//! `runtime_version` and `runtime_apis` custom sections rather than byte for
//! byte: rustc's symbol hashes include the crate's path, and the linker orders
//! data by symbol, so the same source built in two checkouts at different paths
//! gives different bytes. Everything else must be identical.

use std::{path::PathBuf, process::Command};

fn specs_dir() -> PathBuf {
	PathBuf::from(env!("CARGO_MANIFEST_DIR"))
		.join("..")
		.join("chain-specs")
}

/// Runs `hypermesh-node export-chain-spec` for `chain` and returns its JSON output.
fn generate(chain: &str, raw: bool) -> String {
	let mut cmd = Command::new(env!("CARGO_BIN_EXE_hypermesh-node"));
	cmd.args(["export-chain-spec", "--chain", chain]);
	if raw {
		cmd.arg("--raw");
	}
	let out = cmd.output().expect("hypermesh-node runs");
	assert!(
		out.status.success(),
		"export-chain-spec --chain {chain} failed: {}",
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
					(Some(p), Some(q)) => {
						if let Some(d) = first_difference(&sub, p, q) {
							return Some(d);
						}
					}
					(p, q) => return Some(format!("{sub}: committed {p:?}, generated {q:?}")),
				}
			}
			None
		}
		(p, q) if p == q => None,
		(String(p), String(q)) if p.len() > 200 || q.len() > 200 => Some(format!(
			"{path}: long strings differ (committed {} chars, generated {} chars)",
			p.len(),
			q.len()
		)),
		(p, q) => Some(format!("{path}: committed {p}, generated {q}")),
	}
}

/// Storage key of the runtime code (`:code`), hex-encoded as raw specs store it.
const CODE_KEY: &str = "0x3a636f6465";

/// The custom sections that identify a runtime: its version and its APIs.
fn runtime_identity(code_hex: &str) -> Vec<(String, Vec<u8>)> {
	let compressed = decode_hex(code_hex);
	assert!(
		compressed.starts_with(&[0x52, 0xbc, 0x53, 0x76, 0x46, 0xdb, 0x8e, 0x05]),
		"runtime code is zstd-compressed behind sp-maybe-compressed-blob's prefix"
	);
	let code = sp_maybe_compressed_blob::decompress(
		&compressed,
		sp_maybe_compressed_blob::CODE_BLOB_BOMB_LIMIT,
	)
	.expect("runtime code decompresses");
	let mut sections = custom_sections(&code);
	sections.retain(|(name, _)| name == "runtime_version" || name == "runtime_apis");
	sections.sort();
	assert_eq!(
		sections.len(),
		2,
		"runtime blob lacks runtime_version/runtime_apis sections"
	);
	// `runtime_apis` is a sequence of (8-byte API id, u32 version) entries, one
	// static per API, whose order the linker decides: compare them as a set.
	for (name, bytes) in sections.iter_mut() {
		if name == "runtime_apis" {
			assert_eq!(bytes.len() % 12, 0, "runtime_apis entries are 12 bytes");
			let mut entries: Vec<Vec<u8>> = bytes.chunks(12).map(<[u8]>::to_vec).collect();
			entries.sort();
			*bytes = entries.concat();
		}
	}
	sections
}

fn decode_hex(hex: &str) -> Vec<u8> {
	let hex = hex.strip_prefix("0x").expect("code is 0x-prefixed hex");
	(0..hex.len())
		.step_by(2)
		.map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("code is hex"))
		.collect()
}

/// Reads an unsigned LEB128 number at `pos`.
fn leb128(bytes: &[u8], pos: &mut usize) -> usize {
	let (mut value, mut shift) = (0usize, 0);
	loop {
		let byte = bytes[*pos];
		*pos += 1;
		value |= ((byte & 0x7f) as usize) << shift;
		if byte & 0x80 == 0 {
			return value;
		}
		shift += 7;
	}
}

/// The custom sections (id 0) of a WASM module, in order.
fn custom_sections(wasm: &[u8]) -> Vec<(String, Vec<u8>)> {
	assert_eq!(
		&wasm[..4],
		b"\0asm",
		"runtime code is an uncompressed WASM module"
	);
	let mut pos = 8;
	let mut sections = Vec::new();
	while pos < wasm.len() {
		let id = wasm[pos];
		pos += 1;
		let size = leb128(wasm, &mut pos);
		let end = pos + size;
		if id == 0 {
			let mut p = pos;
			let name_len = leb128(wasm, &mut p);
			let name = String::from_utf8_lossy(&wasm[p..p + name_len]).into_owned();
			sections.push((name, wasm[p + name_len..end].to_vec()));
		}
		pos = end;
	}
	sections
}

/// Takes the runtime code out of a spec (plain or raw) and returns it.
fn take_code(spec: &mut serde_json::Value) -> String {
	let genesis = &mut spec["genesis"];
	let code = if let Some(raw) = genesis.get_mut("raw") {
		raw["top"].as_object_mut().unwrap().remove(CODE_KEY)
	} else {
		genesis["runtimeGenesis"]
			.as_object_mut()
			.unwrap()
			.remove("code")
	};
	code.and_then(|c| c.as_str().map(str::to_owned))
		.expect("spec carries the runtime code")
}

fn check(chain: &str, file: &str, raw: bool) {
	let generated = generate(chain, raw);
	let path = specs_dir().join(file);
	if std::env::var_os("UPDATE_CHAIN_SPECS").is_some() {
		std::fs::write(&path, &generated).expect("write chain spec");
		return;
	}
	let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
		panic!(
			"{} is missing ({e}); run with UPDATE_CHAIN_SPECS=1",
			path.display()
		)
	});
	let mut committed_json: serde_json::Value =
		serde_json::from_str(&committed).expect("committed chain spec is JSON");
	let mut generated_json: serde_json::Value =
		serde_json::from_str(&generated).expect("generated chain spec is JSON");
	let committed_runtime = runtime_identity(&take_code(&mut committed_json));
	let generated_runtime = runtime_identity(&take_code(&mut generated_json));
	assert!(
		committed_runtime == generated_runtime,
		"chain-specs/{file} carries a runtime of another version or API set than the node's;\n\
		 regenerate with UPDATE_CHAIN_SPECS=1 cargo test -p hypermesh-node --test chain_specs"
	);
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
			serde_json::from_str(&std::fs::read_to_string(specs_dir().join(file)).unwrap())
				.unwrap();
		assert_eq!(spec["properties"]["tokenSymbol"], "CAES", "{file}");
		assert_eq!(spec["properties"]["tokenDecimals"], 12, "{file}");
		assert_eq!(spec["properties"]["ss58Format"], 42, "{file}");
	}
}

#[test]
fn unknown_chain_is_a_clear_error() {
	let out = Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
		.args(["export-chain-spec", "--chain", "/nonexistent/spec.json"])
		.output()
		.unwrap();
	assert!(!out.status.success());
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(
		stderr.contains("/nonexistent/spec.json"),
		"stderr: {stderr}"
	);
}

#[test]
fn committed_runtime_identifies_as_hypermesh() {
	let mut spec: serde_json::Value =
		serde_json::from_str(&std::fs::read_to_string(specs_dir().join("dev.json")).unwrap())
			.unwrap();
	let identity = runtime_identity(&take_code(&mut spec));
	let (name, version) = &identity[1];
	assert_eq!(name, "runtime_version");
	assert_eq!(identity[0].0, "runtime_apis");
	// SCALE: spec_name is a compact-length-prefixed string (9 bytes: 9 << 2 = 0x24).
	assert_eq!(&version[..10], b"\x24hypermesh");
}

/// `--trustchain-genesis-ca` puts a generated root authority into a dev or local genesis:
/// its certificate and FALCON key are those of the CA written to the directory (whose
/// private keys never enter the spec), the same CA is reused on the next run, the raw
/// genesis builds (the pallet checks the authority there), and a bad CA directory is a
/// clear error.
#[test]
fn genesis_ca_is_generated_once_and_embedded() {
	let dir = std::env::temp_dir().join(format!("hypermesh-genesis-ca-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	let ca_dir = dir.join("ca");
	let build = |raw: bool| {
		let mut cmd = Command::new(env!("CARGO_BIN_EXE_hypermesh-node"));
		cmd.args([
			"export-chain-spec",
			"--chain",
			"local",
			"--trustchain-genesis-ca",
		])
		.arg(&ca_dir)
		.args(["--trustchain-authority", "3"]);
		if raw {
			cmd.arg("--raw");
		}
		let out = cmd.output().expect("hypermesh-node runs");
		assert!(
			out.status.success(),
			"{}",
			String::from_utf8_lossy(&out.stderr)
		);
		String::from_utf8(out.stdout).expect("UTF-8 spec")
	};
	let first = build(false);
	let spec: serde_json::Value = serde_json::from_str(&first).unwrap();
	let authorities = &spec["genesis"]["runtimeGenesis"]["patch"]["trustChain"]["authorities"];
	let root = &authorities[0];
	assert_eq!(root[0], 3);
	// //Alice is the default operator.
	assert_eq!(root[1], "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
	let bytes = |v: &serde_json::Value| -> Vec<u8> {
		v.as_array()
			.unwrap()
			.iter()
			.map(|b| b.as_u64().unwrap() as u8)
			.collect()
	};
	assert_eq!(
		bytes(&root[2]),
		std::fs::read(ca_dir.join("ca.cert.der")).unwrap()
	);
	assert_eq!(
		bytes(&root[3]),
		std::fs::read(ca_dir.join("ca.falcon.pub")).unwrap()
	);
	// The private keys are readable by their owner only; the CA certificate is also
	// written as PEM (what `openssl verify -CAfile` takes).
	use std::os::unix::fs::PermissionsExt;
	for private in ["ca.key.der", "ca.falcon.key"] {
		let mode = std::fs::metadata(ca_dir.join(private))
			.unwrap()
			.permissions()
			.mode();
		assert_eq!(mode & 0o777, 0o600, "{private} mode {mode:o}");
	}
	let pem = std::fs::read_to_string(ca_dir.join("ca.pem")).unwrap();
	assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
	// The secret keys are in the directory and nowhere in the spec.
	let secret = std::fs::read(ca_dir.join("ca.falcon.key")).unwrap();
	let secret_run = secret[1..17]
		.iter()
		.map(|b| b.to_string())
		.collect::<Vec<_>>()
		.join(",");
	assert!(!first.contains(&secret_run));
	let ca_key = std::fs::read(ca_dir.join("ca.key.der")).unwrap();
	let key_run = ca_key[40..56]
		.iter()
		.map(|b| b.to_string())
		.collect::<Vec<_>>()
		.join(",");
	assert!(!first.contains(&key_run));
	// Same CA the second time; the raw genesis (built through the pallet's checks) works.
	assert_eq!(build(false), first);
	assert!(build(true).contains("\"raw\""));
	// A damaged CA directory is a clear error, not a silent new CA.
	std::fs::write(ca_dir.join("ca.key.der"), b"garbage").unwrap();
	let out = Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
		.args([
			"export-chain-spec",
			"--chain",
			"dev",
			"--trustchain-genesis-ca",
		])
		.arg(&ca_dir)
		.output()
		.unwrap();
	assert!(!out.status.success());
	assert!(
		String::from_utf8_lossy(&out.stderr).contains("CA in"),
		"{}",
		String::from_utf8_lossy(&out.stderr)
	);
	let _ = std::fs::remove_dir_all(&dir);
}
