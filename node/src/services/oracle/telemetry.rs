//! What the oracle reports for an asset: a machine measurement turned into the
//! [`Telemetry`] of the asset's kind.

use hardware_oracle::{GpuReport, HardwareReport};
use pallet_hypermesh_assets::{AssetKind, Telemetry};

const MIB: u64 = 1024 * 1024;
const GIB: u64 = 1024 * MIB;

/// What the oracle reports for an asset of `kind`, from a measurement. Capacities the
/// machine cannot tell (a link's bandwidth, container slots) are `None`; a GPU asset on a
/// machine without NVML measures zero devices. `network_mbps` is the measured traffic.
pub fn telemetry_for(kind: &AssetKind, report: &HardwareReport, network_mbps: u64) -> Telemetry {
	match kind {
		AssetKind::Cpu { .. } => {
			let cores = report.cpu.logical_cores as u64;
			let busy = (f64::from(report.cpu.load_percent) / 100.0 * cores as f64).round();
			Telemetry {
				measured_capacity: Some(cores),
				used: (busy.max(0.0) as u64).min(cores),
			}
		}
		AssetKind::Memory { .. } => Telemetry {
			measured_capacity: Some(report.memory.total_bytes / MIB),
			used: report.memory.used_bytes / MIB,
		},
		AssetKind::Storage { .. } => {
			let mut seen = std::collections::BTreeSet::new();
			let (mut total, mut available) = (0u64, 0u64);
			for disk in &report.storage {
				if seen.insert(disk.device.clone()) {
					total = total.saturating_add(disk.total_bytes);
					available = available.saturating_add(disk.available_bytes);
				}
			}
			Telemetry {
				measured_capacity: Some(total / GIB),
				used: total.saturating_sub(available) / GIB,
			}
		}
		AssetKind::Gpu { .. } => match &report.gpu {
			GpuReport::Available { devices, .. } => Telemetry {
				measured_capacity: Some(devices.len() as u64),
				used: devices
					.iter()
					.filter(|device| device.utilization_gpu_percent.unwrap_or(0) > 0)
					.count() as u64,
			},
			GpuReport::Unavailable { .. } => Telemetry {
				measured_capacity: Some(0),
				used: 0,
			},
		},
		AssetKind::Network { .. } => Telemetry {
			measured_capacity: None,
			used: network_mbps,
		},
		AssetKind::Container { .. } => Telemetry {
			measured_capacity: None,
			used: 0,
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn telemetry_follows_the_measurement() {
		let report = hardware_oracle::detect().unwrap();
		let cpu = telemetry_for(&AssetKind::Cpu { cores: 1, mhz: 1 }, &report, 0);
		assert_eq!(cpu.measured_capacity, Some(report.cpu.logical_cores as u64));
		assert!(cpu.used <= report.cpu.logical_cores as u64);
		let memory = telemetry_for(&AssetKind::Memory { mib: 1 }, &report, 0);
		assert_eq!(
			memory.measured_capacity,
			Some(report.memory.total_bytes / MIB)
		);
		assert!(memory.used <= memory.measured_capacity.unwrap());
		let storage = telemetry_for(&AssetKind::Storage { gib: 1 }, &report, 0);
		assert!(storage.used <= storage.measured_capacity.unwrap());
		let gpu = telemetry_for(
			&AssetKind::Gpu {
				devices: 1,
				memory_mib: 1,
			},
			&report,
			0,
		);
		match &report.gpu {
			GpuReport::Unavailable { .. } => assert_eq!(gpu.measured_capacity, Some(0)),
			GpuReport::Available { devices, .. } => {
				assert_eq!(gpu.measured_capacity, Some(devices.len() as u64))
			}
		}
		let network = telemetry_for(&AssetKind::Network { mbps: 1 }, &report, 42);
		assert_eq!(
			network,
			Telemetry {
				measured_capacity: None,
				used: 42
			}
		);
	}
}
