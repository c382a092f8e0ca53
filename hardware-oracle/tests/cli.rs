//! Runs the `hardware-oracle` binary as an operator would.

use std::process::{Command, Output};

fn oracle(args: &[&str]) -> Output {
	Command::new(env!("CARGO_BIN_EXE_hardware-oracle"))
		.args(args)
		.output()
		.expect("run hardware-oracle")
}

fn check_report(v: &serde_json::Value) {
	assert!(v["cpu"]["logical_cores"].as_u64().unwrap() >= 1, "{v}");
	let total = v["memory"]["total_bytes"].as_u64().unwrap();
	assert!(total > 0 && total >= v["memory"]["available_bytes"].as_u64().unwrap());
	let nets = v["network"].as_array().unwrap();
	assert!(nets.iter().any(|n| n["name"] == "lo"), "{v}");
	assert!(v["storage"].is_array());
	match v["gpu"]["status"].as_str().unwrap() {
		"available" => assert!(!v["gpu"]["devices"].as_array().unwrap().is_empty()),
		"unavailable" => assert!(!v["gpu"]["reason"].as_str().unwrap().is_empty()),
		other => panic!("unknown gpu status {other}"),
	}
	assert!(v["hostname"].is_string() || v["hostname"].is_null());
	assert!(v["os"]["kernel"].is_string());
	assert!(v["timestamp_unix_ms"].as_u64().unwrap() > 0);
	assert!(v["detection_micros"].is_u64());
	// The CLI samples CPU load over an interval, not since boot.
	assert_eq!(v["cpu"]["load_window"]["kind"], "interval");
}

#[test]
fn cli_prints_pretty_json_report_and_exits_zero() {
	let out = oracle(&[]);
	assert!(out.status.success(), "{out:?}");
	let text = String::from_utf8(out.stdout).unwrap();
	assert!(text.lines().count() > 10, "pretty-printed: {text}");
	check_report(&serde_json::from_str(&text).unwrap());
}

#[test]
fn cli_compact_prints_one_line() {
	let out = oracle(&["--compact"]);
	assert!(out.status.success(), "{out:?}");
	let text = String::from_utf8(out.stdout).unwrap();
	assert_eq!(text.lines().count(), 1, "{text}");
	check_report(&serde_json::from_str(text.trim()).unwrap());
}

#[test]
fn cli_watch_prints_a_report_per_interval() {
	let out = oracle(&["--watch", "0.3", "--count", "3", "--compact"]);
	assert!(out.status.success(), "{out:?}");
	let text = String::from_utf8(out.stdout).unwrap();
	let reports: Vec<serde_json::Value> = text
		.lines()
		.map(|l| serde_json::from_str(l).unwrap())
		.collect();
	assert_eq!(reports.len(), 3, "{text}");
	for r in &reports {
		check_report(r);
	}
	let ts: Vec<u64> = reports
		.iter()
		.map(|r| r["timestamp_unix_ms"].as_u64().unwrap())
		.collect();
	assert!(ts.windows(2).all(|w| w[1] >= w[0] + 250), "{ts:?}");
}

#[test]
fn cli_watch_rejects_bad_intervals_with_clear_error() {
	for bad in ["abc", "0", "-1", "0.05", "inf", ""] {
		let out = oracle(&["--watch", bad]);
		assert!(!out.status.success(), "--watch {bad:?} must fail");
		assert!(out.stdout.is_empty(), "--watch {bad:?} printed a report");
		let err = String::from_utf8(out.stderr).unwrap();
		assert!(
			err.contains("invalid --watch interval"),
			"--watch {bad:?}: {err}"
		);
	}
}

#[test]
fn cli_count_without_watch_is_rejected() {
	let out = oracle(&["--count", "2"]);
	assert!(!out.status.success());
	assert!(String::from_utf8(out.stderr).unwrap().contains("--watch"));
}
