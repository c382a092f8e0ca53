//! `hardware-oracle`: print what this machine has, as JSON.
//!
//! The command-line face of the hardware oracle, for operators checking what
//! their node would report before registering assets, and for scripts.
//!
//! ```text
//! hardware-oracle                 # one pretty JSON report
//! hardware-oracle --compact       # one report on one line
//! hardware-oracle --watch 5       # a report every 5 seconds (Ctrl-C to stop)
//! hardware-oracle --watch 1 --count 3 --compact
//! ```

#![forbid(unsafe_code)]

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use hardware_oracle::{Detector, HardwareReport, OracleError, MIN_LOAD_SAMPLE_INTERVAL};

/// Detects CPU, memory, storage, network interfaces and NVIDIA GPUs and prints
/// them as JSON.
#[derive(Debug, Parser)]
#[command(name = "hardware-oracle", version, about)]
struct Cli {
	/// Print each report on one line instead of pretty-printed.
	#[arg(long)]
	compact: bool,
	/// Print a report every SECS seconds (decimals allowed, minimum 0.2)
	/// until interrupted; CPU load then covers the time between reports.
	#[arg(long, value_name = "SECS", value_parser = parse_interval, allow_hyphen_values = true)]
	watch: Option<Duration>,
	/// With --watch: stop after this many reports.
	#[arg(long, value_name = "N", requires = "watch")]
	count: Option<u64>,
}

/// Parses the `--watch` interval: a positive, finite number of seconds no
/// shorter than the CPU load sampling limit.
fn parse_interval(value: &str) -> Result<Duration, OracleError> {
	let invalid = |reason: String| OracleError::InvalidWatchInterval {
		value: value.to_string(),
		reason,
	};
	let secs: f64 = value
		.trim()
		.parse()
		.map_err(|_| invalid("expected a number of seconds, such as 5 or 0.5".to_string()))?;
	if !secs.is_finite() || secs <= 0.0 {
		return Err(invalid("must be a positive number of seconds".to_string()));
	}
	let interval =
		Duration::try_from_secs_f64(secs).map_err(|_| invalid("too large".to_string()))?;
	if interval < MIN_LOAD_SAMPLE_INTERVAL {
		return Err(invalid(format!(
			"must be at least {} s (CPU load cannot be sampled more often)",
			MIN_LOAD_SAMPLE_INTERVAL.as_secs_f64()
		)));
	}
	Ok(interval)
}

fn print(report: &HardwareReport, compact: bool) -> Result<(), OracleError> {
	let text = if compact {
		serde_json::to_string(report)?
	} else {
		serde_json::to_string_pretty(report)?
	};
	let mut out = std::io::stdout().lock();
	writeln!(out, "{text}")?;
	out.flush()?;
	Ok(())
}

fn run(cli: Cli) -> Result<(), OracleError> {
	let mut detector = Detector::new()?;
	// First sample of the CPU counters; the report printed below then has the
	// load over a real interval rather than the average since boot.
	let _ = detector.refresh();
	std::thread::sleep(MIN_LOAD_SAMPLE_INTERVAL);
	print(&detector.refresh(), cli.compact)?;
	if let Some(interval) = cli.watch {
		let mut printed = 1u64;
		while cli.count.is_none_or(|n| printed < n) {
			std::thread::sleep(interval);
			print(&detector.refresh(), cli.compact)?;
			printed += 1;
		}
	}
	Ok(())
}

fn main() -> ExitCode {
	match run(Cli::parse()) {
		Ok(()) => ExitCode::SUCCESS,
		Err(OracleError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
		Err(e) => {
			eprintln!("hardware-oracle: error: {e}");
			ExitCode::FAILURE
		}
	}
}
