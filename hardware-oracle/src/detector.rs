//! Turning `sysinfo` and NVML readings into a [`HardwareReport`].
//!
//! CPU load is a difference between two readings of the kernel's counters, so
//! a one-shot probe can only give the average since boot. The [`Detector`]
//! exists to keep the `sysinfo` collectors (and the loaded NVML library)
//! between reports, so that periodic reports — the CLI's `--watch` and the
//! node's oracle service — measure load over the interval between
//! them and do not pay the set-up cost every time.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use sysinfo::{
	CpuRefreshKind, DiskRefreshKind, Disks, MemoryRefreshKind, Networks, RefreshKind, System,
};

use crate::error::OracleError;
use crate::gpu::GpuProbe;
use crate::report::{
	CoreReport, CpuReport, DiskKind, HardwareReport, LoadWindow, MemoryReport, NetworkReport,
	OsReport, StorageReport,
};

/// Shortest interval over which CPU load can be measured (a `sysinfo` limit on
/// this platform). Refreshing more often than this reuses the previous window.
pub const MIN_LOAD_SAMPLE_INTERVAL: std::time::Duration = sysinfo::MINIMUM_CPU_UPDATE_INTERVAL;

/// Keeps the system collectors alive between reports.
///
/// ```no_run
/// let mut detector = hardware_oracle::Detector::new()?;
/// std::thread::sleep(hardware_oracle::MIN_LOAD_SAMPLE_INTERVAL);
/// let report = detector.refresh(); // load measured over the last ~200 ms
/// println!("{}", report.cpu.load_percent);
/// # Ok::<(), hardware_oracle::OracleError>(())
/// ```
#[derive(Debug)]
pub struct Detector {
	system: System,
	disks: Disks,
	networks: Networks,
	gpu: GpuProbe,
	/// When the CPU counters were last actually re-read (`None` before the
	/// first refresh), and the window the current load figures cover.
	last_cpu_sample: Option<Instant>,
	load_window: LoadWindow,
}

impl Detector {
	/// Creates the collectors and loads NVML (if present). Takes no readings;
	/// the first [`Detector::refresh`] does.
	pub fn new() -> Result<Self, OracleError> {
		Ok(Self {
			system: System::new().map_err(|source| OracleError::Platform {
				what: "CPU and memory",
				source,
			})?,
			disks: Disks::new().map_err(|source| OracleError::Platform {
				what: "storage devices",
				source,
			})?,
			networks: Networks::new().map_err(|source| OracleError::Platform {
				what: "network interfaces",
				source,
			})?,
			gpu: GpuProbe::new(),
			last_cpu_sample: None,
			load_window: LoadWindow::SinceBoot,
		})
	}

	/// Re-reads every source and returns a fresh report.
	///
	/// The first call reports CPU load averaged since boot; later calls report
	/// it over the time since the previous CPU sample (at least
	/// [`MIN_LOAD_SAMPLE_INTERVAL`]; calls closer together than that keep the
	/// previous window, as `sysinfo` does not re-read the counters).
	pub fn refresh(&mut self) -> HardwareReport {
		let started = Instant::now();

		let now = Instant::now();
		match self.last_cpu_sample {
			None => {
				self.load_window = LoadWindow::SinceBoot;
				self.last_cpu_sample = Some(now);
			}
			Some(prev) if now.duration_since(prev) >= MIN_LOAD_SAMPLE_INTERVAL => {
				self.load_window = LoadWindow::Interval {
					millis: saturating_u64(now.duration_since(prev).as_millis()),
				};
				self.last_cpu_sample = Some(now);
			}
			Some(_) => {}
		}
		self.system.refresh_specifics(
			RefreshKind::nothing()
				.with_cpu(CpuRefreshKind::everything())
				.with_memory(MemoryRefreshKind::everything()),
		);
		self.disks
			.refresh_specifics(true, DiskRefreshKind::everything().without_io_usage());
		self.networks.refresh(true);

		let cpu = self.cpu_report();
		let memory = MemoryReport {
			total_bytes: self.system.total_memory(),
			available_bytes: self.system.available_memory(),
			used_bytes: self.system.used_memory(),
			swap_total_bytes: self.system.total_swap(),
			swap_used_bytes: self.system.used_swap(),
		};
		let storage = self.storage_report();
		let network = self.network_report();
		let gpu = self.gpu.report();
		let os = OsReport {
			name: System::name().ok(),
			version: System::os_version().ok(),
			long_version: System::long_os_version().ok(),
			kernel: System::kernel_version().ok(),
		};
		let hostname = System::host_name().ok();

		let timestamp_unix_ms = SystemTime::now()
			.duration_since(UNIX_EPOCH)
			.map(|d| saturating_u64(d.as_millis()))
			.unwrap_or(0);
		HardwareReport {
			hostname,
			os,
			timestamp_unix_ms,
			detection_micros: saturating_u64(started.elapsed().as_micros()),
			cpu,
			memory,
			storage,
			network,
			gpu,
		}
	}

	fn cpu_report(&self) -> CpuReport {
		let cpus = self.system.cpus();
		let first = cpus.first();
		CpuReport {
			brand: first
				.map(|c| c.brand().trim().to_string())
				.unwrap_or_default(),
			vendor: first.map(|c| c.vendor_id().to_string()).unwrap_or_default(),
			architecture: System::cpu_arch(),
			logical_cores: cpus.len(),
			physical_cores: System::physical_core_count().ok(),
			frequency_mhz: cpus.iter().map(|c| c.frequency()).max().unwrap_or(0),
			load_percent: self.system.global_cpu_usage(),
			load_window: self.load_window,
			per_core: cpus
				.iter()
				.map(|c| CoreReport {
					name: c.name().to_string(),
					frequency_mhz: c.frequency(),
					load_percent: c.usage(),
				})
				.collect(),
		}
	}

	fn storage_report(&self) -> Vec<StorageReport> {
		let mut out: Vec<StorageReport> = self
			.disks
			.into_iter()
			.map(|d| StorageReport {
				device: d.name().to_string_lossy().into_owned(),
				mount_point: d.mount_point().to_string_lossy().into_owned(),
				file_system: d.file_system().to_string_lossy().into_owned(),
				kind: match d.kind() {
					sysinfo::DiskKind::SSD => DiskKind::Ssd,
					sysinfo::DiskKind::HDD => DiskKind::Hdd,
					sysinfo::DiskKind::Unknown(_) => DiskKind::Unknown,
				},
				total_bytes: d.total_space(),
				available_bytes: d.available_space(),
				removable: d.is_removable(),
				read_only: d.is_read_only(),
			})
			.collect();
		out.sort_by(|a, b| a.mount_point.cmp(&b.mount_point));
		out
	}

	fn network_report(&self) -> Vec<NetworkReport> {
		let mut out: Vec<NetworkReport> = self
			.networks
			.iter()
			.map(|(name, data)| {
				let (v4, v6): (Vec<&sysinfo::IpNetwork>, Vec<&sysinfo::IpNetwork>) =
					data.ip_networks().iter().partition(|n| n.addr.is_ipv4());
				let mut ipv4: Vec<String> = v4.iter().map(|n| n.to_string()).collect();
				let mut ipv6: Vec<String> = v6.iter().map(|n| n.to_string()).collect();
				ipv4.sort();
				ipv6.sort();
				NetworkReport {
					name: name.to_string_lossy().into_owned(),
					mac: data.mac_address().to_string(),
					ipv4,
					ipv6,
					mtu: data.mtu(),
					received_bytes: data.total_received(),
					transmitted_bytes: data.total_transmitted(),
				}
			})
			.collect();
		out.sort_by(|a, b| a.name.cmp(&b.name));
		out
	}
}

/// One-shot detection: builds a [`Detector`] and takes a single reading.
///
/// CPU load in the result is the average since boot
/// ([`LoadWindow::SinceBoot`]); keep a [`Detector`] and call
/// [`Detector::refresh`] again for load over an interval.
pub fn detect() -> Result<HardwareReport, OracleError> {
	let started = Instant::now();
	let mut detector = Detector::new()?;
	let mut report = detector.refresh();
	// Count the set-up (including loading NVML) in the one-shot figure.
	report.detection_micros = saturating_u64(started.elapsed().as_micros());
	Ok(report)
}

fn saturating_u64(v: u128) -> u64 {
	u64::try_from(v).unwrap_or(u64::MAX)
}
