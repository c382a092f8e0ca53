//! The data model of a hardware report.
//!
//! These plain, serialisable structs are the contract between the detector,
//! the `hardware-oracle` CLI (which prints them as JSON) and the node service
//! that turns them into signed on-chain telemetry. They
//! hold no `sysinfo` or NVML types so the shape stays stable when those crates
//! change.

use serde::{Deserialize, Serialize};

/// Everything the oracle detected about the machine at one instant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HardwareReport {
	/// Host name of the machine, if the platform reports one.
	pub hostname: Option<String>,
	/// Operating system and kernel.
	pub os: OsReport,
	/// When detection finished, in milliseconds since the Unix epoch.
	pub timestamp_unix_ms: u64,
	/// How long detection took, in microseconds.
	pub detection_micros: u64,
	/// Processors.
	pub cpu: CpuReport,
	/// RAM and swap.
	pub memory: MemoryReport,
	/// Mounted storage devices, sorted by mount point.
	pub storage: Vec<StorageReport>,
	/// Network interfaces, sorted by name.
	pub network: Vec<NetworkReport>,
	/// NVIDIA GPUs, or why none could be queried.
	pub gpu: GpuReport,
}

/// Operating system identification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsReport {
	/// OS name (for example "Ubuntu"), if known.
	pub name: Option<String>,
	/// OS version (for example "24.04"), if known.
	pub version: Option<String>,
	/// Long human-readable OS description, if known.
	pub long_version: Option<String>,
	/// Kernel version (for example "6.8.0-45-generic"), if known.
	pub kernel: Option<String>,
}

/// Over which window the CPU load figures were measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LoadWindow {
	/// Only one sample of the CPU counters exists, so the load is the average
	/// since boot (what a one-shot [`crate::detect`] gives).
	SinceBoot,
	/// Load measured between two samples this many milliseconds apart.
	Interval {
		/// Length of the sampling window in milliseconds.
		millis: u64,
	},
}

/// Processor information.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CpuReport {
	/// Model / brand string of the first CPU (for example "AMD EPYC 7B13").
	pub brand: String,
	/// Vendor identifier (for example "GenuineIntel", "AuthenticAMD").
	pub vendor: String,
	/// Architecture (for example "x86_64", "aarch64").
	pub architecture: String,
	/// Number of logical CPUs (hardware threads).
	pub logical_cores: usize,
	/// Number of physical cores, if the platform reports it.
	pub physical_cores: Option<usize>,
	/// Highest current frequency across the logical CPUs, in MHz (0 if unknown).
	pub frequency_mhz: u64,
	/// Global load across all logical CPUs, in percent (0–100).
	pub load_percent: f32,
	/// Window the load figures cover.
	pub load_window: LoadWindow,
	/// Per logical CPU: name, frequency and load.
	pub per_core: Vec<CoreReport>,
}

/// One logical CPU.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoreReport {
	/// Kernel name of the logical CPU (for example "cpu0").
	pub name: String,
	/// Current frequency in MHz (0 if unknown).
	pub frequency_mhz: u64,
	/// Load in percent (0–100).
	pub load_percent: f32,
}

/// RAM and swap, in bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryReport {
	/// Installed RAM visible to the OS.
	pub total_bytes: u64,
	/// RAM available for new allocations without swapping.
	pub available_bytes: u64,
	/// RAM in use.
	pub used_bytes: u64,
	/// Total swap space.
	pub swap_total_bytes: u64,
	/// Swap space in use.
	pub swap_used_bytes: u64,
}

/// Kind of storage device.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DiskKind {
	/// Solid-state (non-rotational) device.
	Ssd,
	/// Rotational hard disk.
	Hdd,
	/// The platform could not tell.
	Unknown,
}

/// One mounted storage device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageReport {
	/// Device name (for example "/dev/nvme0n1p1", "overlay").
	pub device: String,
	/// Where it is mounted.
	pub mount_point: String,
	/// File system (for example "ext4").
	pub file_system: String,
	/// SSD, HDD or unknown.
	pub kind: DiskKind,
	/// Capacity in bytes.
	pub total_bytes: u64,
	/// Free space available to unprivileged users, in bytes.
	pub available_bytes: u64,
	/// Whether the device is removable.
	pub removable: bool,
	/// Whether it is mounted read-only.
	pub read_only: bool,
}

/// One network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkReport {
	/// Interface name (for example "lo", "eth0").
	pub name: String,
	/// MAC address as `aa:bb:cc:dd:ee:ff` (all zeros for loopback).
	pub mac: String,
	/// IPv4 addresses in CIDR notation.
	pub ipv4: Vec<String>,
	/// IPv6 addresses in CIDR notation.
	pub ipv6: Vec<String>,
	/// Maximum transmission unit in bytes.
	pub mtu: u64,
	/// Bytes received since the interface came up.
	pub received_bytes: u64,
	/// Bytes transmitted since the interface came up.
	pub transmitted_bytes: u64,
}

/// NVIDIA GPU detection result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum GpuReport {
	/// NVML answered and reported at least one device.
	Available {
		/// NVIDIA driver version, if NVML reported it.
		driver_version: Option<String>,
		/// The devices, in NVML index order.
		devices: Vec<GpuDevice>,
	},
	/// No GPU could be queried; `reason` says why (never empty).
	Unavailable {
		/// Human-readable cause, for example "NVML library not found: ...".
		reason: String,
	},
}

/// One NVIDIA GPU. Fields are `None` when the device does not support the query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GpuDevice {
	/// NVML device index.
	pub index: u32,
	/// Product name (for example "NVIDIA A100-SXM4-40GB").
	pub name: Option<String>,
	/// Stable device UUID.
	pub uuid: Option<String>,
	/// Framebuffer memory installed, in bytes.
	pub memory_total_bytes: Option<u64>,
	/// Framebuffer memory in use, in bytes.
	pub memory_used_bytes: Option<u64>,
	/// GPU core utilisation over the last sample period, in percent.
	pub utilization_gpu_percent: Option<u32>,
	/// Memory controller utilisation over the last sample period, in percent.
	pub utilization_memory_percent: Option<u32>,
	/// Core temperature in degrees Celsius.
	pub temperature_celsius: Option<u32>,
	/// Queries that failed for this device, as "query: error".
	pub errors: Vec<String>,
}
