//! Prometheus metrics of the node's services: the constructors every service uses, and
//! the driver's own metrics ([`DriverMetrics`]).
//!
//! A service's metrics exist whether or not Prometheus is enabled (`--no-prometheus`):
//! they are registered with the node's registry when there is one, and otherwise count
//! for nobody. So a service holds plain metrics, never `Option`s, and a registered metric
//! reads zero from the moment the service starts, before its first event, which is what
//! dashboards and alert rules need to tell "nothing happened" from "not running".

use prometheus_endpoint::{
	register, Counter, CounterVec, Gauge, Histogram, HistogramOpts, Opts, PrometheusError,
	Registry, F64, I64, U64,
};

/// Registers `metric` with `registry`, if there is one.
fn registered<T: Clone + prometheus_endpoint::prometheus::core::Collector + 'static>(
	metric: T,
	registry: Option<&Registry>,
) -> Result<T, PrometheusError> {
	match registry {
		Some(registry) => register(metric, registry),
		None => Ok(metric),
	}
}

/// A counter (`name` ends in `_total`).
pub fn counter(
	registry: Option<&Registry>,
	name: &str,
	help: &str,
) -> Result<Counter<U64>, PrometheusError> {
	registered(Counter::new(name, help)?, registry)
}

/// A counter with labels: each of `values` (label values, in `labels` order) is created at
/// once, so every series reads zero from the start.
pub fn counter_vec(
	registry: Option<&Registry>,
	name: &str,
	help: &str,
	labels: &[&str],
	values: &[&[&str]],
) -> Result<CounterVec<U64>, PrometheusError> {
	let metric = registered(CounterVec::new(Opts::new(name, help), labels)?, registry)?;
	for series in values {
		metric.get_metric_with_label_values(series)?;
	}
	Ok(metric)
}

/// A gauge that can go below zero.
pub fn gauge(
	registry: Option<&Registry>,
	name: &str,
	help: &str,
) -> Result<Gauge<I64>, PrometheusError> {
	registered(Gauge::new(name, help)?, registry)
}

/// A gauge of a value that is not a whole number (seconds with a fraction, balances beyond
/// `i64`).
pub fn float_gauge(
	registry: Option<&Registry>,
	name: &str,
	help: &str,
) -> Result<Gauge<F64>, PrometheusError> {
	registered(Gauge::new(name, help)?, registry)
}

/// A histogram of durations in seconds (`name` ends in `_seconds`), with `buckets`.
pub fn seconds_histogram(
	registry: Option<&Registry>,
	name: &str,
	help: &str,
	buckets: Vec<f64>,
) -> Result<Histogram, PrometheusError> {
	registered(
		Histogram::with_opts(HistogramOpts::new(name, help).buckets(buckets))?,
		registry,
	)
}

/// What the driver of every finality service counts, labelled by the service's task name.
#[derive(Clone)]
pub struct DriverMetrics {
	/// Finalized blocks a service handled.
	pub blocks: CounterVec<U64>,
	/// Finalized blocks on which a service failed (the warning in the log says why).
	pub failures: CounterVec<U64>,
}

impl DriverMetrics {
	/// Registers the driver's metrics, with a zero series for each of `services` (task
	/// names).
	pub fn register(
		registry: Option<&Registry>,
		services: &[&str],
	) -> Result<Self, PrometheusError> {
		let series: Vec<[&str; 1]> = services.iter().map(|service| [*service]).collect();
		let series: Vec<&[&str]> = series.iter().map(|s| &s[..]).collect();
		Ok(Self {
			blocks: counter_vec(
				registry,
				"hypermesh_service_finalized_blocks_total",
				"Finalized blocks a node service (CA, holder, STOQ, oracle) handled",
				&["service"],
				&series,
			)?,
			failures: counter_vec(
				registry,
				"hypermesh_service_failures_total",
				"Finalized blocks on which a node service failed (its warning in the log says why)",
				&["service"],
				&series,
			)?,
		})
	}
}

/// Seconds since the Unix epoch, as the chain's certificate times count them.
pub fn unix_now() -> Option<u64> {
	std::time::SystemTime::now()
		.duration_since(std::time::UNIX_EPOCH)
		.ok()
		.map(|elapsed| elapsed.as_secs())
}

/// Whole seconds from `now` to `until`, negative once past, saturating at `i64`'s range.
pub fn seconds_until(until: u64, now: u64) -> i64 {
	if until >= now {
		i64::try_from(until - now).unwrap_or(i64::MAX)
	} else {
		i64::try_from(now - until).map_or(i64::MIN, |past| -past)
	}
}
