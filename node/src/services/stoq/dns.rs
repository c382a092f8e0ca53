//! Names over STOQ: DNS over STOQ (answering peers' `ping` and `resolve` requests from
//! TrustChain state), publishing the node's own AAAA and SRV records, and finding a peer's
//! address through its SRV and AAAA records.

use std::{
	net::{Ipv6Addr, SocketAddr},
	sync::Arc,
	time::Instant,
};

use bytes::Bytes;
use hypermesh_runtime::{BlockNumber, RuntimeCall};
use pallet_trustchain::DnsRecord;
use pallet_trustchain_runtime_api::TrustChainApi;
use stoq::endpoint::{Handler, PeerInfo};

use super::{
	metrics::{Resolution, ResolutionMetrics},
	StoqService, StoqServiceError,
};
use crate::{
	encoding::resolution_json,
	services::{ServiceClient, ServiceError, ServicePool},
};

/// The error `Handler::handle_request` sends back to the peer: a message (STOQ's
/// choice; ours are typed until this boundary).
type PeerMessage = String;

/// Why a DNS-over-STOQ request is refused.
#[derive(Debug, thiserror::Error)]
enum DnsError {
	/// The request is not JSON.
	#[error("malformed JSON request: {0}")]
	Malformed(serde_json::Error),
	/// A `resolve` request without a name.
	#[error("`resolve` needs a `name` string")]
	NoName,
	/// The runtime cannot resolve.
	#[error("runtime: {0}")]
	Runtime(sp_api::ApiError),
	/// Neither `ping` nor `resolve`.
	#[error("unknown op: expected `ping` or `resolve`")]
	UnknownOp,
}

impl DnsError {
	/// How the refused request counts as a name resolution request.
	fn resolution(&self) -> Resolution {
		match self {
			Self::Runtime(_) => Resolution::Failed,
			Self::Malformed(_) | Self::NoName | Self::UnknownOp => Resolution::Malformed,
		}
	}
}

/// Answers STOQ requests from TrustChain state.
pub(super) struct DnsOverStoq<C> {
	pub(super) client: Arc<C>,
	pub(super) names: Vec<String>,
	/// Where requests other than `ping` are counted.
	pub(super) metrics: ResolutionMetrics,
}

impl<C: ServiceClient> DnsOverStoq<C> {
	/// The answer to `request` (`{"op":"ping"}` or `{"op":"resolve","name":"…"}`), and
	/// how a `resolve` counts (`None` for `ping`).
	fn answer(&self, request: &[u8]) -> Result<(serde_json::Value, Option<Resolution>), DnsError> {
		let request: serde_json::Value =
			serde_json::from_slice(request).map_err(DnsError::Malformed)?;
		Ok(match request["op"].as_str() {
			Some("ping") => (serde_json::json!({ "names": self.names }), None),
			Some("resolve") => {
				let name = request["name"].as_str().ok_or(DnsError::NoName)?;
				let best = self.client.info().best_hash;
				let resolution = self
					.client
					.runtime_api()
					.resolve(best, name.as_bytes().to_vec())
					.map_err(DnsError::Runtime)?;
				match resolution {
					None => (serde_json::Value::Null, Some(Resolution::NotFound)),
					Some(resolution) => (
						resolution_json(name, &resolution),
						Some(Resolution::Answered),
					),
				}
			}
			_ => return Err(DnsError::UnknownOp),
		})
	}
}

impl<C: ServiceClient> Handler for DnsOverStoq<C> {
	fn handle_request(&self, _peer: &PeerInfo, request: Bytes) -> Result<Bytes, PeerMessage> {
		let started = Instant::now();
		let answer = self.answer(&request);
		let counted = match &answer {
			Ok((_, resolution)) => *resolution,
			Err(e) => Some(e.resolution()),
		};
		if let Some(result) = counted {
			self.metrics.answered(started, result);
		}
		answer
			.map(|(answer, _)| Bytes::from(answer.to_string()))
			.map_err(|e| e.to_string())
	}
}

impl<C: ServiceClient, P: ServicePool> StoqService<C, P> {
	/// Publishes AAAA + SRV for the holder's first name, if asked to and not there yet.
	pub(super) async fn publish(&mut self, number: BlockNumber) -> Result<(), ServiceError> {
		let (Some(address), Some(name), Some(port)) = (
			self.params.stoq_advertise,
			self.names.first(),
			self.params.stoq_port,
		) else {
			return Ok(());
		};
		if self
			.last_publish
			.is_some_and(|at| number.saturating_sub(at) < 10)
		{
			return Ok(());
		}
		let best = self.client.info().best_hash;
		let wanted = vec![
			DnsRecord::Aaaa(address.octets()),
			DnsRecord::Srv {
				priority: 0,
				weight: 0,
				port,
				target: name.clone().into_bytes(),
			},
		];
		let resolution = self
			.client
			.runtime_api()
			.resolve(best, name.clone().into_bytes())
			.map_err(StoqServiceError::Runtime)?;
		let Some(resolution) = resolution else {
			return Ok(());
		};
		if resolution.records == wanted {
			return Ok(());
		}
		let records = wanted
			.into_iter()
			.map(|record| match record {
				DnsRecord::Aaaa(a) => Ok(DnsRecord::Aaaa(a)),
				DnsRecord::Srv {
					priority,
					weight,
					port,
					target,
				} => Ok(DnsRecord::Srv {
					priority,
					weight,
					port,
					target: target
						.try_into()
						.map_err(|_| StoqServiceError::SrvTargetTooLong)?,
				}),
				DnsRecord::Txt(_) => Err(StoqServiceError::NoTxt),
			})
			.collect::<Result<Vec<_>, _>>()?;
		let call = RuntimeCall::TrustChain(pallet_trustchain::Call::set_records {
			name: name
				.clone()
				.into_bytes()
				.try_into()
				.map_err(|_| StoqServiceError::NameTooLong)?,
			records: records
				.try_into()
				.map_err(|_| StoqServiceError::TooManyRecords)?,
		});
		self.submitter.submit(call).await?;
		self.last_publish = Some(number);
		log::info!(target: "stoq", "publishing {name}: AAAA {address}, SRV port {port}");
		Ok(())
	}

	/// `peer`'s STOQ address: its lowest-priority SRV record's target and port, and the
	/// target's AAAA record.
	pub(super) fn discover(&self, peer: &str) -> Result<(String, SocketAddr), StoqServiceError> {
		let best = self.client.info().best_hash;
		let api = self.client.runtime_api();
		let resolve = |name: &str| {
			api.resolve(best, name.as_bytes().to_vec())
				.map_err(StoqServiceError::Runtime)?
				.ok_or_else(|| StoqServiceError::NotRegistered(name.to_string()))
		};
		let srv = resolve(peer)?
			.records
			.into_iter()
			.filter_map(|record| match record {
				DnsRecord::Srv {
					priority,
					port,
					target,
					..
				} => Some((priority, port, target)),
				_ => None,
			})
			.min_by_key(|(priority, _, _)| *priority)
			.ok_or_else(|| StoqServiceError::NoSrv(peer.to_string()))?;
		let host = String::from_utf8(srv.2).map_err(|_| StoqServiceError::SrvTargetNotUtf8)?;
		let address = resolve(&host)?
			.records
			.into_iter()
			.find_map(|record| match record {
				DnsRecord::Aaaa(address) => Some(Ipv6Addr::from(address)),
				_ => None,
			})
			.ok_or_else(|| StoqServiceError::NoAaaa(host.clone()))?;
		Ok((host, SocketAddr::from((address, srv.1))))
	}
}
