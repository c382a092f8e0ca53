//! The real `stoq` command's development PKI directory: the CA's private keys it writes
//! are readable by their owner only (0600, in a directory it creates 0700), and it refuses
//! to use a key that group or others can read, naming the file, without changing anything.

use std::{
	io::{BufRead as _, BufReader, Read as _},
	os::unix::fs::PermissionsExt as _,
	path::{Path, PathBuf},
	process::{Command, Stdio},
};

const PRIVATE: [&str; 2] = ["ca.key.der", "ca.falcon.key"];

fn scratch(test: &str) -> PathBuf {
	let dir = std::env::temp_dir().join(format!("stoq-cli-{}-{test}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	dir
}

fn mode(path: &Path) -> u32 {
	std::fs::metadata(path).unwrap().permissions().mode() & 0o7777
}

fn set_mode(path: &Path, mode: u32) {
	std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Runs `stoq server --listen [::1]:0 --pki <pki>` until it says it is serving (then
/// stops it: `Ok`), or until it exits (`Err` with its stderr).
fn serve(pki: &Path) -> Result<(), String> {
	let mut child = Command::new(env!("CARGO_BIN_EXE_stoq"))
		.args(["server", "--listen", "[::1]:0", "--pki"])
		.arg(pki)
		.stdin(Stdio::null())
		.stdout(Stdio::piped())
		.stderr(Stdio::piped())
		.spawn()
		.expect("the stoq command runs");
	let mut line = String::new();
	BufReader::new(child.stdout.take().unwrap())
		.read_line(&mut line)
		.unwrap();
	let serving = line.starts_with("STOQ server on ");
	if serving {
		child.kill().unwrap();
	}
	let status = child.wait().unwrap();
	let mut stderr = String::new();
	child
		.stderr
		.take()
		.unwrap()
		.read_to_string(&mut stderr)
		.unwrap();
	if serving {
		Ok(())
	} else {
		Err(format!("{status}: {stderr}"))
	}
}

#[test]
fn the_stoq_command_writes_its_ca_keys_0600_in_a_0700_directory() {
	let dir = scratch("write");
	let pki = dir.join("pki");
	serve(&pki).unwrap();
	assert_eq!(mode(&pki), 0o700, "the PKI directory");
	for file in PRIVATE {
		assert_eq!(mode(&pki.join(file)), 0o600, "{file}");
	}
	for file in ["ca.name", "ca.cert.der", "ca.falcon.pub"] {
		assert!(pki.join(file).is_file(), "{file} missing");
	}
	// Only the CA's files: no temporary file is left behind.
	let mut names: Vec<_> = std::fs::read_dir(&pki)
		.unwrap()
		.map(|e| e.unwrap().file_name().into_string().unwrap())
		.collect();
	names.sort();
	assert_eq!(
		names,
		[
			"ca.cert.der",
			"ca.falcon.key",
			"ca.falcon.pub",
			"ca.key.der",
			"ca.name"
		]
	);
	// The second run uses the CA it wrote.
	let cert = std::fs::read(pki.join("ca.cert.der")).unwrap();
	serve(&pki).unwrap();
	assert_eq!(std::fs::read(pki.join("ca.cert.der")).unwrap(), cert);
	std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_stoq_command_refuses_a_ca_key_others_can_read_and_changes_nothing() {
	let dir = scratch("refuse");
	let pki = dir.join("pki");
	serve(&pki).unwrap();
	for file in PRIVATE {
		let key = pki.join(file);
		let before: Vec<_> = ["ca.cert.der", "ca.key.der", "ca.falcon.key"]
			.iter()
			.map(|f| std::fs::read(pki.join(f)).unwrap())
			.collect();
		set_mode(&key, 0o644);
		let err = serve(&pki).expect_err("a 0644 key was used");
		assert!(
			err.contains(&format!(
				"error: cannot use {}: this private key has mode 0644",
				key.display()
			)),
			"{err}"
		);
		assert!(err.contains("run chmod 600 on it"), "{err}");
		// Nothing changed: the key keeps its mode and bytes, no new CA was made.
		assert_eq!(mode(&key), 0o644);
		let after: Vec<_> = ["ca.cert.der", "ca.key.der", "ca.falcon.key"]
			.iter()
			.map(|f| std::fs::read(pki.join(f)).unwrap())
			.collect();
		assert_eq!(before, after);
		// Group-readable is refused too; after the advised chmod the CA works again.
		set_mode(&key, 0o640);
		assert!(serve(&pki).unwrap_err().contains("has mode 0640"));
		set_mode(&key, 0o600);
		serve(&pki).unwrap();
	}
	std::fs::remove_dir_all(&dir).unwrap();
}
