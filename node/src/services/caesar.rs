//! Caesar's clock and reward periods as Prometheus metrics, read from the runtime
//! (`CaesarApi`) on every finalized block.
//!
//! Caesar is a runtime pallet: the node has nothing of its own to do for it. But an
//! operator watching a validator wants to see eras advance (an election that fails leaves
//! the era open and nobody paid) and the providers' pot each period closes with, beside the
//! node's other metrics. This service runs whenever the node exports metrics; it sends no
//! transaction and holds no key.

use std::sync::Arc;

use hypermesh_runtime::{Balance, BlockNumber};
use pallet_caesar_runtime_api::CaesarApi;
use prometheus_endpoint::{Gauge, PrometheusError, Registry, F64, I64};

use super::{metrics, BlockHash, FinalityService, ServiceClient, ServiceError};

/// The gauges, set from the finalized state.
struct CaesarMetrics {
	active_era: Gauge<I64>,
	active_era_start: Gauge<F64>,
	era_length: Gauge<I64>,
	session: Gauge<I64>,
	period: Gauge<I64>,
	closed_pot: Gauge<F64>,
	closed_unclaimed: Gauge<F64>,
}

impl CaesarMetrics {
	fn register(registry: Option<&Registry>) -> Result<Self, PrometheusError> {
		let float = |name: &str, help: &str| metrics::float_gauge(registry, name, help);
		Ok(Self {
			active_era: metrics::gauge(
				registry,
				"hypermesh_caesar_active_era",
				"The active staking era (Caesar's clock), -1 before the first",
			)?,
			active_era_start: float(
				"hypermesh_caesar_active_era_start_timestamp_seconds",
				"When the active era started (Unix seconds, from the block timestamp); 0 until known",
			)?,
			era_length: metrics::gauge(
				registry,
				"hypermesh_caesar_era_length_blocks",
				"Blocks in an era: session length times sessions per era",
			)?,
			session: metrics::gauge(
				registry,
				"hypermesh_caesar_session",
				"The current session index",
			)?,
			period: metrics::gauge(
				registry,
				"hypermesh_caesar_period",
				"Caesar's open reward period (one closes at every era change)",
			)?,
			closed_pot: float(
				"hypermesh_caesar_closed_period_pot",
				"What the providers' pot received for the last closed period, in the smallest unit (10^-12 CAES)",
			)?,
			closed_unclaimed: float(
				"hypermesh_caesar_closed_period_unclaimed",
				"What of the last closed period's pot is not claimed yet, in the smallest unit (10^-12 CAES)",
			)?,
		})
	}
}

/// The Caesar metrics service (see the module docs).
pub struct CaesarMetricsService<C> {
	client: Arc<C>,
	metrics: CaesarMetrics,
}

impl<C: ServiceClient> CaesarMetricsService<C> {
	/// Registers the metrics with `registry`.
	pub fn new(client: Arc<C>, registry: &Registry) -> Result<Self, ServiceError> {
		Ok(Self {
			client,
			metrics: CaesarMetrics::register(Some(registry))?,
		})
	}
}

/// A balance as a gauge reads it (exact up to 2^53 of the smallest unit, about 9,007 CAES;
/// above that, to 16 significant digits).
fn as_gauge(balance: Balance) -> f64 {
	balance as f64
}

impl<C: ServiceClient> FinalityService for CaesarMetricsService<C> {
	const TASK: &'static str = "caesar-metrics";
	const GROUP: &'static str = "caesar";
	const LOG_TARGET: &'static str = "caesar";
	const NAME: &'static str = "Caesar metrics";

	async fn on_finalized(
		&mut self,
		finalized: BlockHash,
		_number: BlockNumber,
	) -> Result<(), ServiceError> {
		let api = self.client.runtime_api();
		let m = &self.metrics;
		match api.active_era(finalized)? {
			Some((index, start)) => {
				m.active_era.set(i64::from(index));
				m.active_era_start
					.set(start.map_or(0.0, |millis| millis as f64 / 1000.0));
			}
			None => m.active_era.set(-1),
		}
		m.era_length.set(
			i64::from(api.session_length(finalized)?) * i64::from(api.sessions_per_era(finalized)?),
		);
		m.session.set(i64::from(api.session_index(finalized)?));
		let period = api.current_period(finalized)?;
		m.period.set(i64::from(period));
		if let Some(closed) = period
			.checked_sub(1)
			.map(|last| api.closed_period(finalized, last))
			.transpose()?
			.flatten()
		{
			m.closed_pot.set(as_gauge(closed.pot));
			m.closed_unclaimed.set(as_gauge(closed.unclaimed));
		}
		Ok(())
	}
}
