//! HyperMesh hardware oracle: what is this machine, measured rather than declared.
//!
//! Providers register CPU, GPU, memory, storage and network assets on chain
//! with a claimed capacity. This crate exists to measure the real machine so
//! that the claims can be checked: it detects processors, memory, storage
//! devices and network interfaces with `sysinfo`, and NVIDIA GPUs with NVML
//! (loaded at run time; a machine without one gets a clear
//! [`GpuReport::Unavailable`] instead of a crash), and returns everything as a
//! serialisable [`HardwareReport`].
//!
//! * [`detect`] takes one reading.
//! * [`Detector`] keeps the collectors for periodic reports (CPU load needs
//!   two samples).
//! * The `hardware-oracle` binary prints reports as JSON.
//!
//! The node's hardware oracle service (`hypermesh-node --oracle-every N`,
//! `node/src/services/oracle/`) turns these reports into signed, proved
//! telemetry for the node's registered assets; the asset registry counts
//! reports that contradict registered capacity against the asset.

#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod detector;
mod error;
pub mod gpu;
mod report;

pub use detector::{detect, Detector, MIN_LOAD_SAMPLE_INTERVAL};
pub use error::OracleError;
pub use report::{
	CoreReport, CpuReport, DiskKind, GpuDevice, GpuReport, HardwareReport, LoadWindow,
	MemoryReport, NetworkReport, OsReport, StorageReport,
};
