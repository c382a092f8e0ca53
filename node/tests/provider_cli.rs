//! `hypermesh-node provider …` against a real dev node, run as a user would: a provider
//! (//Bob, signing with the `orcl` key put into a keystore by `key insert`) bonds, commits
//! its space data, registers a storage asset and prices it; a consumer (//Alice, with
//! `--suri` and its own space data) commits, bonds, allocates with a price limit and
//! releases. The JSON lines' events are checked, and the lease's amounts against
//! `price × amount × blocks`. Bad input fails cleanly and changes nothing: a malformed
//! amount, an IPv4 location, a price limit below the price (`assetRegistry.PriceAboveLimit`),
//! unbonding more than bonded (`caesar.NotBonded`), claiming an open period
//! (`caesar.PeriodNotClosed`).

mod common;

use common::{free_port, rpc, run_ok, wait_for, Node};
use serde_json::{json, Value};
use std::{
	path::{Path, PathBuf},
	process::{Command, Stdio},
	time::Duration,
};

const ALICE: &str = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
const UNIT: u128 = 1_000_000_000_000;

/// What a `provider` command did: its exit status, its JSON line (if it printed one) and
/// its stderr.
struct Run {
	success: bool,
	line: Option<Value>,
	stderr: String,
}

impl Run {
	/// The line of a command that must have succeeded.
	fn ok(self, what: &str) -> Value {
		assert!(
			self.success,
			"{what} failed: {}\n{:?}",
			self.stderr, self.line
		);
		let line = self.line.expect("a JSON line");
		assert_eq!(line["error"], Value::Null, "{what}: {line}");
		line
	}

	/// The line of a command whose transaction must have failed with `error`.
	fn failed_with(self, what: &str, error: &str) -> Value {
		assert!(!self.success, "{what} succeeded: {:?}", self.line);
		let line = self
			.line
			.unwrap_or_else(|| panic!("{what}: no JSON line: {}", self.stderr));
		assert_eq!(line["error"], error, "{what}: {line}");
		assert!(line["block"].as_str().is_some_and(|b| b.starts_with("0x")));
		assert!(self.stderr.contains(error), "{what}: {}", self.stderr);
		line
	}
}

/// Runs `hypermesh-node provider --rpc-url ws://127.0.0.1:<port> <args>`.
fn provider(port: u16, args: &[&str]) -> Run {
	let out = Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
		.arg("provider")
		.args(["--rpc-url", &format!("ws://127.0.0.1:{port}")])
		.args(args)
		.stdin(Stdio::null())
		.output()
		.expect("hypermesh-node runs");
	let stdout = String::from_utf8_lossy(&out.stdout);
	let lines: Vec<&str> = stdout.lines().collect();
	assert!(lines.len() <= 1, "one JSON line at most: {stdout}");
	Run {
		success: out.status.success(),
		line: lines
			.first()
			.map(|line| serde_json::from_str(line).expect("stdout is JSON")),
		stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
	}
}

/// The events of a line named `name`.
fn events<'a>(line: &'a Value, name: &str) -> Vec<&'a Value> {
	line["events"]
		.as_array()
		.expect("events")
		.iter()
		.filter(|event| event["event"] == name)
		.collect()
}

/// The one event `name` of a line.
fn event<'a>(line: &'a Value, name: &str) -> &'a Value {
	let found = events(line, name);
	assert_eq!(found.len(), 1, "one {name} in {line}");
	found[0]
}

fn next_nonce(port: u16, who: &str) -> u64 {
	rpc(port, "system_accountNextIndex", json!([who]))
		.and_then(|nonce| nonce.as_u64())
		.expect("a nonce")
}

fn bonded(port: u16, who: &str) -> String {
	rpc(port, "assets_proofParameters", json!([who]))
		.and_then(|parameters| parameters["bondedStake"].as_str().map(str::to_string))
		.expect("bonded stake")
}

fn allocated(port: u16, asset: u64) -> u64 {
	rpc(port, "assets_asset", json!([asset]))
		.and_then(|asset| asset["allocated"].as_u64())
		.expect("the asset")
}

fn owned(args: &[&str]) -> Vec<String> {
	args.iter().map(|s| s.to_string()).collect()
}

/// `who`'s options, then the command's arguments.
fn with(who: &[String], args: &[&str]) -> Vec<String> {
	who.iter().cloned().chain(owned(args)).collect()
}

fn key_insert(base: &Path) {
	run_ok(
		Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
			.args(["key", "insert", "--chain", "dev", "--key-type", "orcl"])
			.args(["--scheme", "sr25519", "--suri", "//Bob", "--base-path"])
			.arg(base),
	);
}

#[test]
fn a_provider_and_a_consumer_trade_storage_from_the_command_line() {
	let dir: PathBuf =
		std::env::temp_dir().join(format!("hypermesh-provider-cli-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	let (port, p2p) = (free_port(), free_port());
	let _node = Node(
		Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
			.args(["--dev", "--tmp", "--no-prometheus", "--no-telemetry"])
			.args(["--rpc-port", &port.to_string(), "--port", &p2p.to_string()])
			.stdout(Stdio::null())
			.stderr(std::fs::File::create(dir.join("node.log")).unwrap())
			.spawn()
			.expect("hypermesh-node starts"),
	);
	// The provider's node keeps its key in its keystore; its space data defaults to
	// `<base-path>/hardware-oracle`.
	let bob_base = dir.join("bob");
	key_insert(&bob_base);
	let bob_base = bob_base.to_str().unwrap().to_string();
	let bob = owned(&["--base-path", &bob_base, "--chain", "dev"]);
	let alice_space = dir.join("alice-space");
	let alice_space = alice_space.to_str().unwrap().to_string();
	let alice = owned(&["--suri", "//Alice", "--space-dir", &alice_space]);
	let run = move |args: Vec<String>| {
		provider(port, &args.iter().map(String::as_str).collect::<Vec<_>>())
	};

	wait_for("the node's RPC", Duration::from_secs(90), || {
		rpc(port, "chain_getHeader", json!([]))
	});

	// Bad input is refused before anything is sent.
	let malformed = run(with(&alice, &["bond", "1.2.3"]));
	assert!(!malformed.success && malformed.line.is_none());
	assert!(
		malformed.stderr.contains("bad amount \"1.2.3\""),
		"{}",
		malformed.stderr
	);
	let ipv4 = run(with(
		&alice,
		&["commit", "--oracle-location", "192.0.2.1:30333"],
	));
	assert!(!ipv4.success && ipv4.line.is_none());
	assert!(ipv4.stderr.contains("IPv4"), "{}", ipv4.stderr);
	assert!(!Path::new(&alice_space).exists(), "no space data made");
	let no_signer = provider(port, &["withdraw"]);
	assert!(!no_signer.success && no_signer.stderr.contains("--suri"));
	assert_eq!(next_nonce(port, ALICE), 0, "nothing was sent");

	// The provider sets up while the consumer does, and is refused what it should be.
	let consumer = std::thread::spawn({
		let (alice, run) = (alice.clone(), run.clone());
		move || {
			let line = run(with(&alice, &["commit"])).ok("alice commit");
			event(&line, "assetRegistry.SpaceCommitted");
			assert_eq!(line["commitment"]["location"], "[::1]:30333");
			let line = run(with(&alice, &["bond", "10"])).ok("alice bond");
			assert_eq!(event(&line, "caesar.Bonded")["amount"], "10000000000000");
			run(with(&alice, &["unbond", "1000"]))
				.failed_with("alice unbond 1000", "caesar.NotBonded");
			assert_eq!(bonded(port, ALICE), (10 * UNIT).to_string());
			run(with(&alice, &["claim", "1000000"]))
				.failed_with("alice claim", "caesar.PeriodNotClosed");
		}
	});
	let line = run(with(&bob, &["bond", "20"])).ok("bob bond 20");
	let bonded_event = event(&line, "caesar.Bonded");
	assert_eq!(bonded_event["who"], BOB);
	assert_eq!(bonded_event["amount"], (20 * UNIT).to_string());
	assert!(line["number"].as_u64().is_some());

	let line = run(with(&bob, &["commit"])).ok("bob commit");
	assert_eq!(
		event(&line, "assetRegistry.SpaceCommitted")["id"],
		line["commitment"]["id"]
	);
	assert_eq!(line["commitment"]["chunks"], 64);
	assert!(Path::new(&bob_base)
		.join("hardware-oracle/space.bin")
		.exists());
	// Committing the same data again sends nothing.
	let again = run(with(&bob, &["commit"])).ok("bob commit again");
	assert_eq!(again["alreadyCommitted"], true);
	assert_eq!(again["block"], Value::Null);

	let line = run(with(
		&bob,
		&["register", "--kind", "storage", "--capacity", "100"],
	))
	.ok("bob register");
	let registered = event(&line, "assetRegistry.AssetRegistered");
	assert_eq!(registered["owner"], BOB);
	let asset = registered["id"].as_u64().expect("an asset id");
	let asset_arg = asset.to_string();

	let line = run(with(&bob, &["price", &asset_arg, "1000"])).ok("bob price");
	let price = event(&line, "assetRegistry.PriceSet");
	assert_eq!(price["asset"], asset);
	assert_eq!(price["pricePerUnitPerBlock"], "1000");
	consumer.join().expect("the consumer set up");

	// 5 GiB for 20 blocks at 1000 per GiB per block: 5000 per block, 100000 for the lease.
	// The provider itself, with a limit below that, is refused while the consumer trades.
	let refused = std::thread::spawn({
		let (bob, run, asset_arg) = (bob.clone(), run.clone(), asset_arg.clone());
		move || {
			let line = run(with(
				&bob,
				&["allocate", &asset_arg, "5", "20", "--max-price", "4999"],
			))
			.failed_with(
				"an allocation above its limit",
				"assetRegistry.PriceAboveLimit",
			);
			assert!(events(&line, "assetRegistry.Allocated").is_empty());
		}
	});

	let line = run(with(
		&alice,
		&["allocate", &asset_arg, "5", "20", "--max-price", "5000"],
	))
	.ok("alice allocate");
	let allocation = event(&line, "assetRegistry.Allocated");
	assert_eq!(allocation["asset"], asset);
	assert_eq!(allocation["consumer"], ALICE);
	assert_eq!(allocation["amount"], 5);
	assert_eq!(allocation["pricePerBlock"], "5000");
	let opened = event(&line, "caesar.LeaseOpened");
	assert_eq!(opened["amount"], (1000 * 5 * 20).to_string());
	assert_eq!(opened["provider"], BOB);
	let allocated_at = line["number"].as_u64().unwrap();
	let id = allocation["id"].as_u64().unwrap();
	// The refused allocation took no id, whichever came first.
	assert_eq!(id, 0);
	assert_eq!(opened["allocation"], id);
	assert_eq!(allocated(port, asset), 5);

	let line = run(with(&alice, &["release", &id.to_string()])).ok("alice release");
	assert_eq!(event(&line, "assetRegistry.Released")["id"], id);
	let closed = event(&line, "caesar.LeaseClosed");
	let served = (line["number"].as_u64().unwrap() - allocated_at).min(20) as u128;
	let paid: u128 = closed["paid"].as_str().unwrap().parse().unwrap();
	let refunded: u128 = closed["refunded"].as_str().unwrap().parse().unwrap();
	assert_eq!(paid, 1000 * 5 * served);
	assert_eq!(paid + refunded, 1000 * 5 * 20);
	assert_eq!(allocated(port, asset), 0);

	refused.join().expect("the refused allocation");
	assert_eq!(allocated(port, asset), 0);
	let _ = std::fs::remove_dir_all(&dir);
}
