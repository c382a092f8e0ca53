//! NVIDIA GPU detection through NVML.
//!
//! `nvml-wrapper` loads `libnvidia-ml.so` at run time, so the oracle builds and
//! runs on machines without CUDA or a GPU. This module turns every way NVML can
//! be missing or broken into a [`GpuReport::Unavailable`] with a readable
//! reason, because "this node has no usable GPU" is a fact to report, never a
//! reason to crash the oracle.

use nvml_wrapper::enum_wrappers::device::TemperatureSensor;
use nvml_wrapper::error::NvmlError;
use nvml_wrapper::Nvml;

use crate::report::{GpuDevice, GpuReport};

/// A loaded NVML library, or the reason it could not be loaded.
///
/// Loading NVML is the expensive part of GPU detection, so the
/// [`crate::Detector`] keeps one of these for its whole life.
pub struct GpuProbe {
	nvml: Result<Nvml, String>,
}

impl std::fmt::Debug for GpuProbe {
	fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
		match &self.nvml {
			Ok(_) => f.write_str("GpuProbe(NVML loaded)"),
			Err(reason) => write!(f, "GpuProbe(unavailable: {reason})"),
		}
	}
}

impl GpuProbe {
	/// Tries to load and initialise NVML. Never fails: a missing library or
	/// driver is remembered and reported by [`GpuProbe::report`].
	pub fn new() -> Self {
		Self {
			nvml: Nvml::init().map_err(|e| unavailable_reason(&e)),
		}
	}

	/// Queries every NVIDIA GPU NVML knows about.
	pub fn report(&self) -> GpuReport {
		match &self.nvml {
			Ok(nvml) => report_from(nvml),
			Err(reason) => GpuReport::Unavailable {
				reason: reason.clone(),
			},
		}
	}
}

impl Default for GpuProbe {
	fn default() -> Self {
		Self::new()
	}
}

/// Explains why NVML could not be initialised, in words an operator can act on.
pub fn unavailable_reason(err: &NvmlError) -> String {
	match err {
		NvmlError::LibloadingError(e) => format!("NVML library not found: {e}"),
		NvmlError::DriverNotLoaded => {
			"NVML loaded but the NVIDIA driver is not running".to_string()
		}
		NvmlError::NoPermission => {
			"NVML loaded but has no permission to talk to the NVIDIA driver".to_string()
		}
		NvmlError::LibraryNotFound => "NVML could not find a library it depends on".to_string(),
		other => format!("NVML initialisation failed: {other}"),
	}
}

fn report_from(nvml: &Nvml) -> GpuReport {
	let count = match nvml.device_count() {
		Ok(n) => n,
		Err(e) => {
			return GpuReport::Unavailable {
				reason: format!("NVML loaded but could not count devices: {e}"),
			}
		}
	};
	if count == 0 {
		return GpuReport::Unavailable {
			reason: "NVML loaded but reports no NVIDIA GPUs".to_string(),
		};
	}
	let devices = (0..count).map(|i| device_report(nvml, i)).collect();
	GpuReport::Available {
		driver_version: nvml.sys_driver_version().ok(),
		devices,
	}
}

fn device_report(nvml: &Nvml, index: u32) -> GpuDevice {
	let mut errors = Vec::new();
	let device = keep(&mut errors, "device_by_index", nvml.device_by_index(index));
	let (mut name, mut uuid, mut memory, mut util, mut temp) = (None, None, None, None, None);
	if let Some(device) = device {
		name = keep(&mut errors, "name", device.name());
		uuid = keep(&mut errors, "uuid", device.uuid());
		memory = keep(&mut errors, "memory_info", device.memory_info());
		util = keep(&mut errors, "utilization_rates", device.utilization_rates());
		temp = keep(
			&mut errors,
			"temperature",
			device.temperature(TemperatureSensor::Gpu),
		);
	}
	GpuDevice {
		index,
		name,
		uuid,
		memory_total_bytes: memory.as_ref().map(|m| m.total),
		memory_used_bytes: memory.as_ref().map(|m| m.used),
		utilization_gpu_percent: util.as_ref().map(|u| u.gpu),
		utilization_memory_percent: util.as_ref().map(|u| u.memory),
		temperature_celsius: temp,
		errors,
	}
}

/// Returns the value, or records "query: error" and returns `None`: one
/// unsupported query (common on consumer cards) must not hide the others.
fn keep<T>(errors: &mut Vec<String>, what: &str, r: Result<T, NvmlError>) -> Option<T> {
	match r {
		Ok(v) => Some(v),
		Err(e) => {
			errors.push(format!("{what}: {e}"));
			None
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn every_init_failure_has_a_non_empty_reason() {
		for e in [
			NvmlError::DriverNotLoaded,
			NvmlError::NoPermission,
			NvmlError::LibraryNotFound,
			NvmlError::Unknown,
		] {
			assert!(!unavailable_reason(&e).is_empty());
		}
	}

	#[test]
	fn probe_never_panics_and_reason_is_non_empty() {
		match GpuProbe::new().report() {
			GpuReport::Available { devices, .. } => assert!(!devices.is_empty()),
			GpuReport::Unavailable { reason } => assert!(!reason.is_empty()),
		}
	}
}
