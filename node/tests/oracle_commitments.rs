//! The hardware oracle withdraws the space commitments it no longer keeps, and only those:
//! a real dev node's oracle (//Alice) commits its data file at one location; //Alice also
//! commits other space data from the command line (a commitment the oracle did not make).
//! The node is restarted on the same chain with `--oracle-location` changed: the oracle
//! commits anew and withdraws its old commitment, leaving the other one. Then its data
//! file is deleted while it runs: it makes a new one, commits it and withdraws the
//! commitment of the lost data. Its ledger (`DIR/commitments`) ends naming only its
//! current commitment.

mod common;

use common::{free_port, rpc, run_ok, spawn_node, wait_for, Node};
use serde_json::json;
use std::{
	path::Path,
	process::{Command, Stdio},
	time::{Duration, Instant},
};

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const FIRST: &str = "[::1]:30333";
const SECOND: &str = "[::1]:30444";
const OTHER: &str = "[::1]:30555";

/// Alice's space commitments at the best block (id, endpoint), once the node answers.
fn commitments(port: u16) -> Option<Vec<(String, String)>> {
	let parameters = rpc(port, "assets_proofParameters", json!([ALICE]))?;
	Some(
		parameters["spaceCommitments"]
			.as_array()?
			.iter()
			.map(|c| {
				(
					c["id"].as_str().unwrap_or_default().to_string(),
					c["endpoint"].as_str().unwrap_or_default().to_string(),
				)
			})
			.collect(),
	)
}

/// Waits until Alice's commitments are `expected` and returns them; the oracle's lines
/// of the node's log are shown if that takes more than 90 s.
fn wait_for_commitments(
	port: u16,
	log: &Path,
	what: &str,
	expected: impl Fn(&[(String, String)]) -> bool,
) -> Vec<(String, String)> {
	let mut last = None;
	let start = Instant::now();
	loop {
		if let Some(found) = commitments(port) {
			if expected(&found) {
				return found;
			}
			last = Some(found);
		}
		if start.elapsed() > Duration::from_secs(90) {
			let log = std::fs::read_to_string(log).unwrap_or_default();
			let oracle: Vec<&str> = log
				.lines()
				.filter(|l| l.contains("hardware-oracle") || l.contains("hardware oracle"))
				.collect();
			panic!(
				"timed out waiting for {what}: last {last:?}\n{}",
				oracle.join("\n")
			);
		}
		std::thread::sleep(Duration::from_secs(2));
	}
}

/// The dev node on `base`'s chain, with Alice's oracle at `location` reporting every block.
fn start(base: &Path, oracle_dir: &Path, location: &str, log: &Path) -> (Node, u16) {
	let (port, p2p) = (free_port(), free_port());
	let args: Vec<String> = [
		"--dev",
		"--no-prometheus",
		"--no-telemetry",
		"--base-path",
		base.to_str().unwrap(),
		"--rpc-port",
		&port.to_string(),
		"--port",
		&p2p.to_string(),
		"--oracle-every",
		"1",
		"--oracle-suri",
		"//Alice",
		"--oracle-dir",
		oracle_dir.to_str().unwrap(),
		"--oracle-location",
		location,
	]
	.iter()
	.map(|s| s.to_string())
	.collect();
	let node = spawn_node(&args, log);
	wait_for("the node's RPC", Duration::from_secs(90), || {
		rpc(port, "chain_getHeader", json!([]))
	});
	(node, port)
}

/// The ids the oracle's ledger names.
fn ledger_ids(oracle_dir: &Path) -> Vec<String> {
	std::fs::read_to_string(oracle_dir.join("commitments"))
		.unwrap_or_default()
		.lines()
		.filter(|l| !l.starts_with('#') && !l.trim().is_empty())
		.map(|l| {
			let (who, id) = l.split_once(' ').expect("`<account> <id>`");
			assert_eq!(who, ALICE);
			id.to_string()
		})
		.collect()
}

/// Whether the commitments are at exactly `endpoints`, in any order.
fn at(endpoints: &[&str]) -> impl Fn(&[(String, String)]) -> bool {
	let mut want: Vec<String> = endpoints.iter().map(|e| e.to_string()).collect();
	want.sort();
	move |found| {
		let mut have: Vec<String> = found.iter().map(|(_, e)| e.clone()).collect();
		have.sort();
		have == want
	}
}

fn id_at<'a>(found: &'a [(String, String)], endpoint: &str) -> &'a str {
	&found.iter().find(|(_, e)| e == endpoint).unwrap().0
}

#[test]
fn the_oracle_withdraws_the_commitments_it_no_longer_keeps() {
	let start_time = Instant::now();
	let dir = std::env::temp_dir().join(format!(
		"hypermesh-oracle-commitments-{}",
		std::process::id()
	));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	let (base, oracle_dir) = (dir.join("base"), dir.join("oracle"));

	// 1. The oracle bonds and commits its data at the first location.
	let log = dir.join("node-1.log");
	let (node, port) = start(&base, &oracle_dir, FIRST, &log);
	let found = wait_for_commitments(port, &log, "the first commitment", at(&[FIRST]));
	let first = id_at(&found, FIRST).to_string();
	assert_eq!(ledger_ids(&oracle_dir), vec![first.clone()]);

	// Alice commits other data herself: the oracle did not make this one. (The oracle,
	// set up and owning no asset, sends nothing more, so the nonces do not race.)
	run_ok(
		Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
			.args(["provider", "--rpc-url", &format!("ws://127.0.0.1:{port}")])
			.args(["--suri", "//Alice", "--space-dir"])
			.arg(dir.join("other-space"))
			.args(["commit", "--oracle-location", OTHER])
			.stdin(Stdio::null()),
	);
	let found = wait_for_commitments(port, &log, "the other commitment", at(&[FIRST, OTHER]));
	let other = id_at(&found, OTHER).to_string();
	drop(node);
	let phase_one = start_time.elapsed();

	// 2. Restarted at another location: the old commitment goes, the other one stays.
	let log = dir.join("node-2.log");
	let (_node, port) = start(&base, &oracle_dir, SECOND, &log);
	let found = wait_for_commitments(
		port,
		&log,
		"the old location's commitment withdrawn",
		at(&[SECOND, OTHER]),
	);
	let second = id_at(&found, SECOND).to_string();
	assert_eq!(id_at(&found, OTHER), other);
	assert_ne!(second, first);
	wait_for(
		"the ledger to forget the withdrawn commitment",
		Duration::from_secs(60),
		|| (ledger_ids(&oracle_dir) == vec![second.clone()]).then_some(()),
	);
	let phase_two = start_time.elapsed();

	// 3. The data file is lost: a new one is made and committed, the old commitment goes.
	std::fs::remove_file(oracle_dir.join("space.bin")).unwrap();
	let found = wait_for_commitments(
		port,
		&log,
		"the lost data's commitment withdrawn",
		|found| at(&[SECOND, OTHER])(found) && found.iter().all(|(id, _)| *id != second),
	);
	let third = id_at(&found, SECOND).to_string();
	assert_ne!(third, second);
	assert!(oracle_dir.join("space.bin").exists());
	wait_for(
		"the ledger to name only the new commitment",
		Duration::from_secs(60),
		|| (ledger_ids(&oracle_dir) == vec![third.clone()]).then_some(()),
	);
	let log_text = std::fs::read_to_string(&log).unwrap_or_default();
	assert!(
		log_text.contains(&format!("withdrawing the old space commitment {second}")),
		"no withdrawal of {second} logged"
	);
	eprintln!(
		"restart at a new location: {:.1} s after the first start ({:.1} s set-up); lost data: \
		 {:.1} s more; total {:.1} s",
		phase_two.as_secs_f64(),
		phase_one.as_secs_f64(),
		(start_time.elapsed() - phase_two).as_secs_f64(),
		start_time.elapsed().as_secs_f64()
	);
	let _ = std::fs::remove_dir_all(&dir);
}
