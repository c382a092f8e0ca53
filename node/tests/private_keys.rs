//! Private keys on disk, through the real `hypermesh-node` command: `trustchain ca-generate`
//! and `trustchain keygen` write them 0600 in directories they create 0700, and every
//! command that uses one (`export-chain-spec --trustchain-genesis-ca`, `trustchain
//! ca-show`, `trustchain prove`) refuses a key that group or others can access, naming
//! the file, and changes nothing. (No node is started: each command takes a second.)

use std::{
	os::unix::fs::PermissionsExt as _,
	path::{Path, PathBuf},
	process::{Command, Output},
};

fn scratch(test: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!(
		"hypermesh-private-keys-{}-{test}",
		std::process::id()
	));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

fn node(args: &[&str], path: &Path) -> Output {
	Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
		.args(args)
		.arg(path)
		.output()
		.expect("hypermesh-node runs")
}

fn succeeds(out: Output) -> String {
	assert!(
		out.status.success(),
		"{}",
		String::from_utf8_lossy(&out.stderr)
	);
	String::from_utf8(out.stdout).unwrap()
}

/// The command failed, saying the key at `key` has `mode` and how to fix it.
fn refused(out: Output, key: &Path, mode: &str) {
	let stderr = String::from_utf8_lossy(&out.stderr);
	assert!(!out.status.success(), "a {mode} key was used");
	assert!(
		stderr.contains(&format!(
			"cannot use {}: this private key has mode {mode}",
			key.display()
		)),
		"{stderr}"
	);
	assert!(stderr.contains("run chmod 600 on it"), "{stderr}");
}

fn mode(path: &Path) -> u32 {
	std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Every file of `dir` with its mode and bytes.
fn snapshot(dir: &Path) -> Vec<(String, u32, Vec<u8>)> {
	let mut files: Vec<_> = std::fs::read_dir(dir)
		.unwrap()
		.map(|e| {
			let path = e.unwrap().path();
			(
				path.file_name().unwrap().to_string_lossy().into_owned(),
				mode(&path),
				std::fs::read(&path).unwrap(),
			)
		})
		.collect();
	files.sort();
	files
}

/// `dir` was created 0700 and its private `keys` 0600.
fn written_private(dir: &Path, keys: [&str; 2]) {
	assert_eq!(mode(dir), 0o700, "{}", dir.display());
	for key in keys {
		assert_eq!(mode(&dir.join(key)), 0o600, "{key}");
	}
}

/// With each of `keys` in turn given `mode`, each of `commands` (taking `dir` last) is
/// refused naming that key, and nothing in `dir` changes; then the key is made 0600 again.
fn each_key_refused(dir: &Path, keys: [&str; 2], mode: u32, commands: &[&[&str]]) {
	for key in keys {
		let key = dir.join(key);
		set_mode(&key, mode);
		let before = snapshot(dir);
		for command in commands {
			refused(node(command, dir), &key, &format!("{mode:04o}"));
		}
		// Nothing changed: no new key or CA, the key keeps its mode and bytes.
		assert_eq!(snapshot(dir), before);
		set_mode(&key, 0o600);
	}
}

#[test]
fn a_genesis_ca_whose_key_others_can_read_is_refused() {
	let dir = scratch("genesis-ca");
	let ca = dir.join("ca");
	succeeds(node(&["trustchain", "ca-generate", "--out"], &ca));
	let private = ["ca.key.der", "ca.falcon.key"];
	written_private(&ca, private);
	let export: &[&str] = &[
		"export-chain-spec",
		"--chain",
		"dev",
		"--trustchain-genesis-ca",
	];
	succeeds(node(export, &ca));
	each_key_refused(
		&ca,
		private,
		0o644,
		&[export, &["trustchain", "ca-show", "--dir"]],
	);
	succeeds(node(export, &ca));
	std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_requester_key_others_can_read_is_refused_by_prove() {
	let dir = scratch("requester");
	let keys = dir.join("bob");
	succeeds(node(&["trustchain", "keygen", "--out"], &keys));
	let private = ["p256.key.der", "falcon.key"];
	written_private(&keys, private);
	let genesis = format!("0x{}", "00".repeat(32));
	let prove: &[&str] = &[
		"trustchain",
		"prove",
		"--account",
		"5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty",
		"--genesis",
		&genesis,
		"--keys",
	];
	succeeds(node(prove, &keys));
	each_key_refused(&keys, private, 0o640, &[prove]);
	succeeds(node(prove, &keys));
	// keygen never replaces an existing key set.
	let before = snapshot(&keys);
	assert!(!node(&["trustchain", "keygen", "--out"], &keys)
		.status
		.success());
	assert_eq!(snapshot(&keys), before);
	std::fs::remove_dir_all(&dir).unwrap();
}
