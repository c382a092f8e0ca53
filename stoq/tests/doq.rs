//! DNS over QUIC (RFC 9250) on real STOQ endpoints on [::1]: a stock quinn/rustls client
//! without a client certificate queries a DoQ-enabled endpoint; STOQ (`stoq/1`) without a
//! certificate is refused after the handshake; bad framing closes only the offending
//! connection, and the endpoint keeps answering.

mod common;

use std::sync::Arc;
use std::time::Duration;

use common::*;
use quinn::crypto::rustls::QuicClientConfig;
use quinn::{ConnectionError, VarInt};
use stoq::doq::{ALPN_DOQ, DOQ_INTERNAL_ERROR, DOQ_PROTOCOL_ERROR};
use stoq::endpoint::{map_connection_error, ALPN, CLOSE_CERTIFICATE_REQUIRED};
use stoq::{DnsHandler, PqPolicy, StoqConfig, StoqError, StoqNode};

/// Answers `answer:` followed by the query; an empty answer to `empty`.
struct Prefixer;

impl DnsHandler for Prefixer {
	fn answer(&self, query: &[u8]) -> Vec<u8> {
		if query == b"empty" {
			return Vec::new();
		}
		[&b"answer:"[..], query].concat()
	}
}

/// A serving STOQ node on [::1] that also answers DoQ with [`Prefixer`].
fn doq_server(
	pki: &Pki,
	policy: PqPolicy,
	request_timeout: Duration,
) -> (StoqNode, std::net::SocketAddr) {
	let mut cfg = StoqConfig::new(policy, identity(&pki.ca, "server"), pki.trust.clone())
		.with_dns(Arc::new(Prefixer));
	cfg.timeouts.request = request_timeout;
	let n = StoqNode::bind(local(), cfg).unwrap();
	n.serve(Arc::new(stoq::EchoHandler));
	let addr = n.local_addr().unwrap();
	(n, addr)
}

/// A stock quinn client (rustls's ring provider, classical groups only) offering `alpn`,
/// trusting `pki`'s CA, presenting `id` if given: what a standard DoQ client looks like.
fn plain_client(
	pki: &Pki,
	alpn: &[u8],
	id: Option<&hypermesh_pki::NodeIdentity>,
) -> quinn::Endpoint {
	let builder = rustls::ClientConfig::builder_with_provider(stoq::kx::classical_provider())
		.with_protocol_versions(&[&rustls::version::TLS13])
		.unwrap()
		.with_root_certificates(pki.trust.roots());
	let mut tls = match id {
		Some(id) => builder
			.with_client_auth_cert(id.cert_chain.clone(), id.private_key())
			.unwrap(),
		None => builder.with_no_client_auth(),
	};
	tls.alpn_protocols = vec![alpn.to_vec()];
	let mut ep = quinn::Endpoint::client(local()).unwrap();
	ep.set_default_client_config(quinn::ClientConfig::new(Arc::new(
		QuicClientConfig::try_from(tls).unwrap(),
	)));
	ep
}

fn framed(message: &[u8]) -> Vec<u8> {
	let len = u16::try_from(message.len()).unwrap();
	[&len.to_be_bytes()[..], message].concat()
}

/// Sends `bytes` on a new stream, finishes it and reads the whole answer.
async fn exchange(
	conn: &quinn::Connection,
	bytes: &[u8],
) -> Result<Vec<u8>, quinn::ReadToEndError> {
	let (mut send, mut recv) = conn.open_bi().await.unwrap();
	send.write_all(bytes).await.unwrap();
	send.finish().unwrap();
	recv.read_to_end(1 << 20).await
}

/// One well-formed query on a fresh DoQ connection is answered.
async fn answers(pki: &Pki, addr: std::net::SocketAddr) {
	let ep = plain_client(pki, ALPN_DOQ, None);
	let conn = ep.connect(addr, "localhost").unwrap().await.unwrap();
	let answer = exchange(&conn, &framed(b"q")).await.unwrap();
	assert_eq!(answer, framed(b"answer:q"));
	conn.close(VarInt::from_u32(0), b"done");
}

/// Waits for the server to close `conn` and returns its application error code.
async fn closed_with(conn: &quinn::Connection) -> u64 {
	match tokio::time::timeout(Duration::from_secs(10), conn.closed())
		.await
		.expect("the server closes the connection")
	{
		ConnectionError::ApplicationClosed(ac) => ac.error_code.into_inner(),
		other => panic!("closed by something else: {other}"),
	}
}

#[tokio::test]
async fn doq_client_without_certificate_is_answered_and_stoq_still_works() {
	let pki = pki();
	let (_srv, addr) = doq_server(&pki, PqPolicy::Preferred, Duration::from_secs(10));
	let ep = plain_client(&pki, ALPN_DOQ, None);
	let conn = ep.connect(addr, "localhost").unwrap().await.unwrap();
	// Several queries in flight, each on its own stream (RFC 9250 §4.2).
	let queries = (0..8u8).map(|i| {
		let conn = conn.clone();
		async move { (i, exchange(&conn, &framed(&[b'q', i])).await.unwrap()) }
	});
	for (i, answer) in futures_join(queries).await {
		assert_eq!(answer, framed(&[&b"answer:q"[..], &[i]].concat()));
	}
	// A DoQ client that does present a (valid) certificate is served too.
	let id = identity(&pki.ca, "doq-with-cert");
	let with_cert = plain_client(&pki, ALPN_DOQ, Some(&id));
	let conn = with_cert.connect(addr, "localhost").unwrap().await.unwrap();
	assert_eq!(
		exchange(&conn, &framed(b"x")).await.unwrap(),
		framed(b"answer:x")
	);

	// STOQ between nodes on the same endpoint is unchanged: mutual TLS, frames.
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let stoq = client.connect(addr, "localhost").await.unwrap();
	assert_eq!(&stoq.request(b"over stoq").await.unwrap()[..], b"over stoq");
	assert!(stoq.peer().certificate.is_some());
}

/// Runs the futures concurrently (no `futures` crate in stoq's dependencies).
async fn futures_join<F, T>(futures: impl Iterator<Item = F>) -> Vec<T>
where
	F: std::future::Future<Output = T> + Send + 'static,
	T: Send + 'static,
{
	let handles: Vec<_> = futures.map(tokio::spawn).collect();
	let mut out = Vec::new();
	for h in handles {
		out.push(h.await.unwrap());
	}
	out
}

#[tokio::test]
async fn stoq_without_certificate_is_refused_after_the_handshake() {
	let pki = pki();
	let (srv, addr) = doq_server(&pki, PqPolicy::Preferred, Duration::from_secs(10));
	let ep = plain_client(&pki, ALPN, None);
	// TLS lets the client in (client certificates are optional for DoQ's sake)...
	let conn = ep.connect(addr, "localhost").unwrap().await.unwrap();
	// ... and the endpoint closes the STOQ connection at once.
	assert_eq!(
		closed_with(&conn).await,
		u64::from(CLOSE_CERTIFICATE_REQUIRED)
	);
	let mapped = map_connection_error(&conn.close_reason().unwrap());
	assert!(
		matches!(mapped, StoqError::CertificateRejected(_)),
		"{mapped}"
	);
	let failures = srv.handshake_failures();
	assert!(
		failures
			.iter()
			.any(|f| f.contains("without a client certificate")),
		"{failures:?}"
	);
	// A certificate that is presented is still verified: one from an unknown CA fails the
	// handshake on either ALPN.
	let stranger = hypermesh_pki::HybridCa::generate("stranger").unwrap();
	let bad = identity(&stranger, "stranger");
	for alpn in [ALPN, ALPN_DOQ] {
		let ep = plain_client(&pki, alpn, Some(&bad));
		let outcome = async {
			let conn = ep.connect(addr, "localhost").unwrap().await?;
			// TLS 1.3: the client may finish before the server checked its certificate.
			Err::<(), _>(conn.closed().await)
		}
		.await;
		let err = outcome.unwrap_err();
		assert!(
			matches!(
				map_connection_error(&err),
				StoqError::CertificateRejected(_)
			),
			"{err}"
		);
	}
	// A node still connects with its certificate.
	let client = node(&pki, PqPolicy::Preferred, identity(&pki.ca, "client"));
	client.connect(addr, "localhost").await.unwrap();
}

#[tokio::test]
async fn without_dns_handler_no_doq_and_certificates_stay_mandatory() {
	let pki = pki();
	let (_srv, addr) = server(&pki, PqPolicy::Preferred);
	// No `doq` ALPN offered: the handshake fails.
	let ep = plain_client(&pki, ALPN_DOQ, None);
	assert!(ep.connect(addr, "localhost").unwrap().await.is_err());
	// No certificate on `stoq/1`: refused by TLS itself.
	let ep = plain_client(&pki, ALPN, None);
	let err = match ep.connect(addr, "localhost").unwrap().await {
		Err(e) => e,
		Ok(conn) => conn.closed().await,
	};
	assert!(
		!matches!(err, ConnectionError::ApplicationClosed(_)),
		"{err}"
	);
}

#[tokio::test]
async fn classical_doq_client_cannot_connect_under_required() {
	let pki = pki();
	let (_srv, addr) = doq_server(&pki, PqPolicy::Required, Duration::from_secs(10));
	let ep = plain_client(&pki, ALPN_DOQ, None);
	let err = ep.connect(addr, "localhost").unwrap().await.unwrap_err();
	assert!(
		matches!(map_connection_error(&err), StoqError::KeyExchangeRefused(_)),
		"{err}"
	);
}

#[tokio::test]
async fn bad_framing_closes_the_connection_and_the_endpoint_survives() {
	let pki = pki();
	let (_srv, addr) = doq_server(&pki, PqPolicy::Preferred, Duration::from_millis(500));
	let oversized = vec![0u8; 2 + 65535 + 1];
	let cases: [(&str, Vec<u8>); 5] = [
		(
			"length larger than the message",
			[&[0, 100][..], b"short"].concat(),
		),
		("one byte of length", vec![0]),
		("nothing at all", vec![]),
		(
			"two messages on a stream",
			[framed(b"one"), framed(b"two")].concat(),
		),
		("more than a length prefix can describe", oversized),
	];
	for (case, bytes) in cases {
		let ep = plain_client(&pki, ALPN_DOQ, None);
		let conn = ep.connect(addr, "localhost").unwrap().await.unwrap();
		let (mut send, mut recv) = conn.open_bi().await.unwrap();
		let _ = send.write_all(&bytes).await;
		let _ = send.finish();
		assert!(
			recv.read_to_end(1 << 20).await.is_err(),
			"{case}: no answer"
		);
		assert_eq!(
			closed_with(&conn).await,
			u64::from(DOQ_PROTOCOL_ERROR),
			"{case}"
		);
		answers(&pki, addr).await;
	}

	// A unidirectional stream is a protocol error too.
	let ep = plain_client(&pki, ALPN_DOQ, None);
	let conn = ep.connect(addr, "localhost").unwrap().await.unwrap();
	let mut uni = conn.open_uni().await.unwrap();
	uni.write_all(&framed(b"q")).await.unwrap();
	uni.finish().unwrap();
	assert_eq!(closed_with(&conn).await, u64::from(DOQ_PROTOCOL_ERROR));
	answers(&pki, addr).await;

	// A query without its FIN is abandoned after the request timeout; the connection
	// stays up and answers the next query.
	let ep = plain_client(&pki, ALPN_DOQ, None);
	let conn = ep.connect(addr, "localhost").unwrap().await.unwrap();
	let (mut send, mut recv) = conn.open_bi().await.unwrap();
	send.write_all(&framed(b"no fin")).await.unwrap();
	let abandoned = tokio::time::timeout(Duration::from_secs(10), recv.read_to_end(1 << 20))
		.await
		.expect("the server gives up on the stream");
	assert!(
		matches!(
			abandoned,
			Err(quinn::ReadToEndError::Read(quinn::ReadError::Reset(code))) if code == VarInt::from_u32(DOQ_PROTOCOL_ERROR)
		),
		"{abandoned:?}"
	);
	assert_eq!(
		exchange(&conn, &framed(b"q")).await.unwrap(),
		framed(b"answer:q")
	);

	// A handler answer that cannot be framed resets that stream only.
	let reset = exchange(&conn, &framed(b"empty")).await;
	assert!(
		matches!(
			reset,
			Err(quinn::ReadToEndError::Read(quinn::ReadError::Reset(code))) if code == VarInt::from_u32(DOQ_INTERNAL_ERROR)
		),
		"{reset:?}"
	);
	assert_eq!(
		exchange(&conn, &framed(b"q")).await.unwrap(),
		framed(b"answer:q")
	);
	assert!(conn.close_reason().is_none());
}
