//! Runs the real detector on this machine and checks what must hold on any
//! Linux host.

use hardware_oracle::{detect, Detector, GpuReport, HardwareReport, LoadWindow};

fn report() -> HardwareReport {
	detect().expect("detect() must succeed on Linux")
}

#[test]
fn cpu_has_at_least_one_logical_core_and_sane_figures() {
	let r = report();
	assert!(r.cpu.logical_cores >= 1, "{:?}", r.cpu);
	assert_eq!(r.cpu.per_core.len(), r.cpu.logical_cores);
	if let Some(p) = r.cpu.physical_cores {
		assert!(p >= 1 && p <= r.cpu.logical_cores, "{:?}", r.cpu);
	}
	assert!(!r.cpu.architecture.is_empty());
	assert!(
		(0.0..=100.5).contains(&r.cpu.load_percent),
		"{}",
		r.cpu.load_percent
	);
	assert_eq!(r.cpu.load_window, LoadWindow::SinceBoot);
}

#[test]
fn memory_total_is_positive_and_not_below_available_or_used() {
	let m = report().memory;
	assert!(m.total_bytes > 0);
	assert!(m.total_bytes >= m.available_bytes, "{m:?}");
	assert!(m.total_bytes >= m.used_bytes, "{m:?}");
	assert!(m.swap_total_bytes >= m.swap_used_bytes, "{m:?}");
}

#[test]
fn loopback_interface_is_listed_with_ipv4_and_ipv6_separated() {
	let r = report();
	assert!(!r.network.is_empty());
	let lo = r
		.network
		.iter()
		.find(|n| n.name == "lo")
		.expect("Linux always has lo");
	assert!(lo.ipv4.iter().all(|a| !a.contains(':')), "{lo:?}");
	assert!(lo.ipv6.iter().all(|a| a.contains(':')), "{lo:?}");
	let names: Vec<_> = r.network.iter().map(|n| n.name.clone()).collect();
	let mut sorted = names.clone();
	sorted.sort();
	assert_eq!(names, sorted, "interfaces are sorted by name");
}

#[test]
fn storage_available_never_exceeds_total() {
	for d in report().storage {
		assert!(d.available_bytes <= d.total_bytes, "{d:?}");
		assert!(!d.mount_point.is_empty(), "{d:?}");
	}
}

#[test]
fn gpu_report_is_available_with_devices_or_unavailable_with_reason() {
	match report().gpu {
		GpuReport::Available { devices, .. } => assert!(!devices.is_empty()),
		GpuReport::Unavailable { reason } => assert!(!reason.trim().is_empty()),
	}
}

#[test]
fn host_os_timestamp_and_duration_are_filled() {
	let r = report();
	assert!(
		r.os.kernel.as_deref().is_some_and(|k| !k.is_empty()),
		"{:?}",
		r.os
	);
	// After 2020-01-01.
	assert!(r.timestamp_unix_ms > 1_577_836_800_000);
	assert!(r.detection_micros > 0);
}

#[test]
fn report_round_trips_through_json() {
	let r = report();
	let json = serde_json::to_string(&r).unwrap();
	let back: HardwareReport = serde_json::from_str(&json).unwrap();
	assert_eq!(back, r);
	let v: serde_json::Value = serde_json::from_str(&json).unwrap();
	let status = v["gpu"]["status"].as_str().unwrap();
	assert!(status == "available" || status == "unavailable");
}

#[test]
fn detector_second_refresh_measures_load_over_an_interval() {
	let mut d = Detector::new().unwrap();
	assert_eq!(d.refresh().cpu.load_window, LoadWindow::SinceBoot);
	std::thread::sleep(hardware_oracle::MIN_LOAD_SAMPLE_INTERVAL);
	let r = d.refresh();
	match r.cpu.load_window {
		LoadWindow::Interval { millis } => {
			assert!(millis >= hardware_oracle::MIN_LOAD_SAMPLE_INTERVAL.as_millis() as u64)
		}
		other => panic!("expected an interval window, got {other:?}"),
	}
	assert!((0.0..=100.5).contains(&r.cpu.load_percent));
	// Too soon: sysinfo does not re-read the counters, window unchanged.
	assert_eq!(d.refresh().cpu.load_window, r.cpu.load_window);
}
