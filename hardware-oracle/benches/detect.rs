//! Cost of detection: a one-shot `detect()` (collector set-up, NVML load
//! attempt and one reading) against `Detector::refresh()` on a kept detector
//! (what periodic telemetry pays).

use criterion::{criterion_group, criterion_main, Criterion};
use hardware_oracle::{detect, Detector};
use std::hint::black_box;

fn bench(c: &mut Criterion) {
	c.bench_function("detect", |b| b.iter(|| black_box(detect().unwrap())));
	let mut detector = Detector::new().unwrap();
	c.bench_function("detector_refresh", |b| {
		b.iter(|| black_box(detector.refresh()))
	});
}

criterion_group!(benches, bench);
criterion_main!(benches);
