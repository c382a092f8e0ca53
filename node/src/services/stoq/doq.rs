//! DNS over QUIC: standard DNS queries (RFC 1035 wire format, carried by STOQ's RFC 9250
//! DoQ support, ALPN `doq`) answered from TrustChain's name service, so that an ordinary
//! DoQ client can look up HyperMesh names. The JSON requests of DNS over STOQ ([`super::dns`])
//! and `trustchain_resolve` are unchanged.
//!
//! The node is authoritative for the chain's zone (`hypermesh`, the runtime's
//! `TrustChainZone`) and for nothing else. For a query (opcode QUERY, exactly one question,
//! class IN) of `<label>.hypermesh`, the name is resolved at the best finalized block:
//!
//! * AAAA, SRV and TXT questions are answered with the name's records of that type (ANY:
//!   all of them), owned by the name as asked, class IN, TTL [`TTL`];
//! * a registered name without records of the type asked, and the zone's apex, get NOERROR
//!   with no answers; a name that is not registered (or expired), NXDOMAIN;
//! * a name outside the zone, or a class other than IN, gets REFUSED; an opcode other than
//!   QUERY, NOTIMP; a message that does not parse, is a response, or does not carry exactly
//!   one question (RFC 9619), FORMERR; a chain read that fails, SERVFAIL.
//!
//! Answers echo the query's id (DoQ clients send 0, RFC 9250 §4.2.1), its RD and CD bits,
//! and an EDNS OPT record if the query had one (BADVERS for an EDNS version above 0).
//! Negative answers carry no SOA (the chain has none), so resolvers do not cache them.

use std::{net::Ipv6Addr, sync::Arc, time::Instant};

use hickory_proto::{
	op::{Edns, Message, OpCode, Query, ResponseCode},
	rr::{
		rdata::{AAAA, SRV, TXT},
		DNSClass, Name, RData, Record, RecordType,
	},
};
use pallet_trustchain::{dns::is_ldh_label, DnsRecord};
use pallet_trustchain_runtime_api::TrustChainApi;
use stoq::DnsHandler;

use super::{
	metrics::{Resolution, ResolutionMetrics},
	StoqServiceError,
};
use crate::services::ServiceClient;

/// The TTL of every answer, in seconds. A name's records can change in any block and its
/// registration can expire; the seconds until its expiry would need the block time, so a
/// short fixed TTL bounds how long a resolver serves outdated records instead.
pub(super) const TTL: u32 = 60;

/// A name's records as the runtime returns them.
type Records = Vec<DnsRecord<Vec<u8>, Vec<u8>>>;

/// Answers DoQ queries from TrustChain state at the best finalized block.
pub(super) struct DnsOverQuic<C> {
	client: Arc<C>,
	/// The chain's zone, as a fully qualified name.
	zone: Name,
	/// Where queries are counted.
	metrics: ResolutionMetrics,
}

impl<C> DnsOverQuic<C> {
	/// Answers from `client`'s state for the native runtime's zone, counting queries in
	/// `metrics`.
	pub(super) fn new(
		client: Arc<C>,
		metrics: ResolutionMetrics,
	) -> Result<Self, StoqServiceError> {
		let zone = hypermesh_runtime::configs::TrustChainZone::get();
		let zone = Name::from_ascii(format!("{zone}."))
			.map_err(|_| StoqServiceError::Zone(zone.to_string()))?;
		Ok(Self {
			client,
			zone,
			metrics,
		})
	}
}

/// How a query answered with `code` counts as a name resolution request.
fn resolution_of(code: ResponseCode) -> Resolution {
	match code {
		ResponseCode::NoError => Resolution::Answered,
		ResponseCode::NXDomain => Resolution::NotFound,
		ResponseCode::Refused => Resolution::Refused,
		ResponseCode::ServFail => Resolution::Failed,
		_ => Resolution::Malformed,
	}
}

impl<C: ServiceClient> DnsHandler for DnsOverQuic<C> {
	fn answer(&self, query: &[u8]) -> Vec<u8> {
		let started = Instant::now();
		let finalized = self.client.info().finalized_hash;
		let (code, response) = respond(query, &self.zone, |name| {
			self.client
				.runtime_api()
				.resolve(finalized, name.as_bytes().to_vec())
				.map(|resolution| resolution.map(|r| r.records))
		});
		self.metrics.answered(started, resolution_of(code));
		response
	}
}

/// A response with a header only: the query's id, opcode and RD bit (as far as there are
/// bytes for them), QR set and `code`. Used where the query cannot be parsed, and as the
/// fallback when a response cannot be encoded.
fn header_only(query: &[u8], code: ResponseCode) -> Vec<u8> {
	let id = [
		query.first().copied().unwrap_or(0),
		query.get(1).copied().unwrap_or(0),
	];
	// QR | opcode (4 bits) | AA | TC | RD: keep the opcode and RD of the query.
	let flags = 0x80 | (query.get(2).copied().unwrap_or(0) & 0x79);
	let mut header = vec![0; 12];
	header[..2].copy_from_slice(&id);
	header[2] = flags;
	header[3] = code.low();
	header
}

/// The DNS message answering `query` in `zone`; `resolve` gives a name's records (`None`
/// when it is not registered).
#[cfg(test)]
pub(super) fn answer<E: std::fmt::Display>(
	query: &[u8],
	zone: &Name,
	resolve: impl FnOnce(&str) -> Result<Option<Records>, E>,
) -> Vec<u8> {
	respond(query, zone, resolve).1
}

/// The response code and the DNS message answering `query` in `zone`; `resolve` gives a
/// name's records (`None` when it is not registered).
fn respond<E: std::fmt::Display>(
	query: &[u8],
	zone: &Name,
	resolve: impl FnOnce(&str) -> Result<Option<Records>, E>,
) -> (ResponseCode, Vec<u8>) {
	let refuse = |code| (code, header_only(query, code));
	let Some(&flags) = query.get(2) else {
		return refuse(ResponseCode::FormErr);
	};
	if flags & 0x80 != 0 {
		// A response, not a query.
		return refuse(ResponseCode::FormErr);
	}
	if (flags >> 3) & 0x0f != u8::from(OpCode::Query) {
		return refuse(ResponseCode::NotImp);
	}
	let Ok(request) = Message::from_vec(query) else {
		return refuse(ResponseCode::FormErr);
	};
	let mut response = Message::response(request.metadata.id, OpCode::Query);
	response.metadata.authoritative = true;
	response.metadata.recursion_desired = request.metadata.recursion_desired;
	response.metadata.checking_disabled = request.metadata.checking_disabled;
	let code = match (&request.edns, request.queries.as_slice()) {
		(Some(edns), _) if edns.version() > 0 => ResponseCode::BADVERS,
		(_, [question]) => {
			response.add_query(question.clone());
			let (code, answers) = lookup(question, zone, resolve);
			response.add_answers(answers);
			code
		}
		_ => ResponseCode::FormErr,
	};
	response.metadata.response_code = code;
	if request.edns.is_some() {
		let mut edns = Edns::new();
		edns.set_max_payload(u16::MAX);
		response.set_edns(edns);
	}
	match response.to_vec() {
		Ok(wire) => (code, wire),
		Err(_) => refuse(ResponseCode::ServFail),
	}
}

/// The response code and answers for one question.
fn lookup<E: std::fmt::Display>(
	question: &Query,
	zone: &Name,
	resolve: impl FnOnce(&str) -> Result<Option<Records>, E>,
) -> (ResponseCode, Vec<Record>) {
	if question.query_class() != DNSClass::IN {
		return (ResponseCode::Refused, Vec::new());
	}
	let name = question.name().to_lowercase();
	if !zone.zone_of(&name) {
		return (ResponseCode::Refused, Vec::new());
	}
	if name.iter().len() == zone.iter().len() {
		// The apex exists and holds no records.
		return (ResponseCode::NoError, Vec::new());
	}
	// Chain names are lowercase LDH labels; anything else is not registered.
	if !name.iter().all(is_ldh_label) {
		return (ResponseCode::NXDomain, Vec::new());
	}
	let text = name
		.iter()
		.map(|label| String::from_utf8_lossy(label))
		.collect::<Vec<_>>()
		.join(".");
	match resolve(&text) {
		Err(e) => {
			log::warn!(target: "stoq", "DNS over QUIC: resolving {text}: {e}");
			(ResponseCode::ServFail, Vec::new())
		}
		Ok(None) => (ResponseCode::NXDomain, Vec::new()),
		Ok(Some(records)) => (
			ResponseCode::NoError,
			records
				.into_iter()
				.filter_map(|record| to_record(question.name(), question.query_type(), record))
				.collect(),
		),
	}
}

/// `record` as a DNS record owned by `owner`, if it answers a question of type `asked`.
fn to_record(
	owner: &Name,
	asked: RecordType,
	record: DnsRecord<Vec<u8>, Vec<u8>>,
) -> Option<Record> {
	let any = asked == RecordType::ANY;
	let data = match record {
		DnsRecord::Aaaa(address) if any || asked == RecordType::AAAA => {
			RData::AAAA(AAAA(Ipv6Addr::from(address)))
		}
		DnsRecord::Srv {
			priority,
			weight,
			port,
			target,
		} if any || asked == RecordType::SRV => {
			RData::SRV(SRV::new(priority, weight, port, srv_target(&target)?))
		}
		DnsRecord::Txt(text) if any || asked == RecordType::TXT => {
			// One character-string holds at most 255 bytes (the chain's bound anyway).
			let strings = if text.is_empty() {
				vec![&text[..]]
			} else {
				text.chunks(255).collect()
			};
			RData::TXT(TXT::from_bytes(strings))
		}
		_ => return None,
	};
	Some(Record::from_rdata(owner.clone(), TTL, data))
}

/// An SRV target (a host name, or `.`) as a fully qualified name.
fn srv_target(target: &[u8]) -> Option<Name> {
	if target == b"." {
		return Some(Name::root());
	}
	Name::from_ascii(format!("{}.", std::str::from_utf8(target).ok()?)).ok()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn zone() -> Name {
		Name::from_ascii("hypermesh.").unwrap()
	}

	fn node_records() -> Records {
		vec![
			DnsRecord::Aaaa("2001:db8::1".parse::<Ipv6Addr>().unwrap().octets()),
			DnsRecord::Srv {
				priority: 0,
				weight: 5,
				port: 4433,
				target: b"node1.hypermesh".to_vec(),
			},
			DnsRecord::Txt(b"hello".to_vec()),
		]
	}

	/// Resolves `node1.hypermesh` only; fails for `broken.hypermesh`.
	fn chain(name: &str) -> Result<Option<Records>, &'static str> {
		match name {
			"node1.hypermesh" => Ok(Some(node_records())),
			"empty.hypermesh" => Ok(Some(Vec::new())),
			"broken.hypermesh" => Err("runtime unavailable"),
			_ => Ok(None),
		}
	}

	fn ask(id: u16, name: &str, kind: RecordType, edns: bool) -> Message {
		let mut query = Message::query();
		query.metadata.id = id;
		query.metadata.recursion_desired = true;
		query.add_query(Query::query(Name::from_ascii(name).unwrap(), kind));
		if edns {
			query.set_edns(Edns::new());
		}
		let wire = query.to_vec().unwrap();
		Message::from_vec(&answer(&wire, &zone(), chain)).unwrap()
	}

	#[test]
	fn records_of_the_type_asked() {
		let r = ask(0, "node1.hypermesh.", RecordType::AAAA, true);
		assert_eq!(r.metadata.response_code, ResponseCode::NoError);
		assert!(r.metadata.authoritative && r.metadata.recursion_desired);
		assert_eq!(r.queries.len(), 1);
		assert!(r.edns.is_some());
		assert_eq!(r.answers.len(), 1);
		assert_eq!(r.answers[0].ttl, TTL);
		assert_eq!(
			r.answers[0].data,
			RData::AAAA(AAAA("2001:db8::1".parse().unwrap()))
		);

		let r = ask(7, "node1.hypermesh.", RecordType::SRV, false);
		assert_eq!(r.metadata.id, 7);
		assert!(r.edns.is_none());
		assert_eq!(
			r.answers[0].data,
			RData::SRV(SRV::new(
				0,
				5,
				4433,
				Name::from_ascii("node1.hypermesh.").unwrap()
			))
		);

		let r = ask(0, "node1.hypermesh.", RecordType::TXT, false);
		assert_eq!(
			r.answers[0].data,
			RData::TXT(TXT::from_bytes(vec![&b"hello"[..]]))
		);
		assert_eq!(
			ask(0, "node1.hypermesh.", RecordType::ANY, false)
				.answers
				.len(),
			3
		);

		// Case-insensitive, answered with the name as asked.
		let r = ask(0, "NODE1.HyperMesh.", RecordType::AAAA, false);
		assert_eq!(r.answers.len(), 1);
		assert_eq!(r.answers[0].name.to_ascii(), "NODE1.HyperMesh.");
	}

	#[test]
	fn negative_answers() {
		let code = |name: &str, kind| ask(0, name, kind, false).metadata.response_code;
		// Registered, but no record of that type: NOERROR, no answers.
		let r = ask(0, "node1.hypermesh.", RecordType::MX, false);
		assert_eq!(r.metadata.response_code, ResponseCode::NoError);
		assert!(r.answers.is_empty());
		assert_eq!(
			code("empty.hypermesh.", RecordType::AAAA),
			ResponseCode::NoError
		);
		assert_eq!(code("hypermesh.", RecordType::AAAA), ResponseCode::NoError);
		assert_eq!(
			code("unknown.hypermesh.", RecordType::AAAA),
			ResponseCode::NXDomain
		);
		assert_eq!(
			code("a.node1.hypermesh.", RecordType::AAAA),
			ResponseCode::NXDomain
		);
		assert_eq!(
			code("under_score.hypermesh.", RecordType::AAAA),
			ResponseCode::NXDomain
		);
		assert_eq!(
			code("example.com.", RecordType::AAAA),
			ResponseCode::Refused
		);
		assert_eq!(
			code("hypermesh.com.", RecordType::AAAA),
			ResponseCode::Refused
		);
		assert_eq!(code(".", RecordType::NS), ResponseCode::Refused);
		assert_eq!(
			code("broken.hypermesh.", RecordType::AAAA),
			ResponseCode::ServFail
		);
	}

	#[test]
	fn malformed_and_unsupported_messages() {
		let decode = |wire: &[u8]| Message::from_vec(&answer(wire, &zone(), chain)).unwrap();
		// Garbage: FORMERR, the id echoed.
		let r = decode(&[0x12, 0x34, 0x01, 0x00, 0xff]);
		assert_eq!(r.metadata.id, 0x1234);
		assert_eq!(r.metadata.response_code, ResponseCode::FormErr);
		assert_eq!(decode(&[]).metadata.response_code, ResponseCode::FormErr);
		assert_eq!(decode(&[9]).metadata.response_code, ResponseCode::FormErr);

		let mut query = Message::query();
		query.metadata.id = 42;
		query.add_query(Query::query(
			Name::from_ascii("node1.hypermesh.").unwrap(),
			RecordType::AAAA,
		));
		// Another opcode: NOTIMP.
		let mut notify = query.clone();
		notify.metadata.op_code = OpCode::Notify;
		let r = decode(&notify.to_vec().unwrap());
		assert_eq!(r.metadata.response_code, ResponseCode::NotImp);
		assert_eq!(r.metadata.id, 42);
		// Two questions, or none: FORMERR (RFC 9619).
		let mut two = query.clone();
		two.add_query(Query::query(
			Name::from_ascii("unknown.hypermesh.").unwrap(),
			RecordType::AAAA,
		));
		assert_eq!(
			decode(&two.to_vec().unwrap()).metadata.response_code,
			ResponseCode::FormErr
		);
		let none = Message::query();
		assert_eq!(
			decode(&none.to_vec().unwrap()).metadata.response_code,
			ResponseCode::FormErr
		);
		// A response sent as a query: FORMERR.
		let mut response = query.clone();
		response.metadata.message_type = hickory_proto::op::MessageType::Response;
		assert_eq!(
			decode(&response.to_vec().unwrap()).metadata.response_code,
			ResponseCode::FormErr
		);
		// Another class: REFUSED.
		let mut chaos = Message::query();
		let mut q = Query::query(
			Name::from_ascii("node1.hypermesh.").unwrap(),
			RecordType::TXT,
		);
		q.set_query_class(DNSClass::CH);
		chaos.add_query(q);
		assert_eq!(
			decode(&chaos.to_vec().unwrap()).metadata.response_code,
			ResponseCode::Refused
		);
		// EDNS version 1: BADVERS (needs the OPT record to carry its high bits).
		let mut edns = Edns::new();
		edns.set_version(1);
		let mut v1 = query.clone();
		v1.set_edns(edns);
		let r = decode(&v1.to_vec().unwrap());
		// RCODE 16 is both BADVERS and BADSIG (RFC 6895); hickory decodes it as the latter.
		assert_eq!(
			u16::from(r.metadata.response_code),
			u16::from(ResponseCode::BADVERS)
		);
		assert_eq!(r.edns.map(|e| e.version()), Some(0));
	}

	/// Each response code counts under one result of the name resolution metrics.
	#[test]
	fn response_codes_count_as_results() {
		let result = |wire: &[u8]| resolution_of(respond(wire, &zone(), chain).0);
		let query = |name: &str| {
			let mut query = Message::query();
			query.add_query(Query::query(
				Name::from_ascii(name).unwrap(),
				RecordType::AAAA,
			));
			query.to_vec().unwrap()
		};
		assert_eq!(result(&query("node1.hypermesh.")), Resolution::Answered);
		assert_eq!(result(&query("empty.hypermesh.")), Resolution::Answered);
		assert_eq!(result(&query("unknown.hypermesh.")), Resolution::NotFound);
		assert_eq!(result(&query("example.com.")), Resolution::Refused);
		assert_eq!(result(&query("broken.hypermesh.")), Resolution::Failed);
		assert_eq!(result(&[0x12, 0x34, 0x01]), Resolution::Malformed);
		assert_eq!(result(&[]), Resolution::Malformed);
	}

	#[test]
	fn srv_targets() {
		assert_eq!(srv_target(b"."), Some(Name::root()));
		assert_eq!(
			srv_target(b"node1.hypermesh"),
			Some(Name::from_ascii("node1.hypermesh.").unwrap())
		);
		assert_eq!(srv_target(&[0xff]), None);
	}
}
