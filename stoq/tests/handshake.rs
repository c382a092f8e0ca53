//! Handshakes between real quinn endpoints on [::1]: post-quantum policies,
//! classical peers, IPv4 refusal and hybrid-certificate rejection.

mod common;

use std::sync::Arc;

use common::*;
use hypermesh_pki::LeafSpec;
use stoq::frame::{read_frame, write_frame, FrameType};
use stoq::{HybridTrust, PqPolicy, StoqConfig, StoqError, StoqNode};

#[tokio::test]
async fn pq_handshake_under_required_policy() {
	let pki = pki();
	let (_srv, addr) = server(&pki, PqPolicy::Required);
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let before = stoq::kx::hybrid_completions();
	let conn = client.connect(addr, "localhost").await.unwrap();
	// Both sides (in this process) completed the hybrid X25519+ML-KEM-1024 exchange.
	assert!(stoq::kx::hybrid_completions() >= before + 2);
	assert_eq!(
		&conn.request(b"ping over pq").await.unwrap()[..],
		b"ping over pq"
	);
	assert!(conn.peer().certificate.is_some());
}

#[tokio::test]
async fn pq_handshake_under_preferred_policy() {
	let pki = pki();
	let (_srv, addr) = server(&pki, PqPolicy::Preferred);
	let client = node(&pki, PqPolicy::Preferred, identity(&pki.ca, "client"));
	let before = stoq::kx::hybrid_completions();
	let conn = client.connect(addr, "localhost").await.unwrap();
	assert!(stoq::kx::hybrid_completions() >= before + 2);
	assert_eq!(&conn.request(b"x").await.unwrap()[..], b"x");
}

#[tokio::test]
async fn preferred_server_accepts_classical_client() {
	let pki = pki();
	let (_srv, addr) = server(&pki, PqPolicy::Preferred);
	let id = identity(&pki.ca, "classic");
	let ep = classical_client(&pki, &id);
	let conn = ep.connect(addr, "localhost").unwrap().await.unwrap();
	let (mut s, mut r) = conn.open_bi().await.unwrap();
	write_frame(&mut s, FrameType::Request, b"hello", 1024)
		.await
		.unwrap();
	s.finish().unwrap();
	let f = read_frame(&mut r, 1024).await.unwrap().unwrap();
	assert_eq!(f.kind, FrameType::Response);
	assert_eq!(&f.payload[..], b"hello");
}

#[tokio::test]
async fn classical_client_refused_under_required() {
	let pki = pki();
	let (srv, addr) = server(&pki, PqPolicy::Required);
	let id = identity(&pki.ca, "classic");
	let ep = classical_client(&pki, &id);
	let err = ep.connect(addr, "localhost").unwrap().await.unwrap_err();
	let mapped = stoq::endpoint::map_connection_error(&err);
	assert!(
		matches!(mapped, StoqError::KeyExchangeRefused(_)),
		"{mapped}"
	);
	tokio::time::sleep(std::time::Duration::from_millis(100)).await;
	let failures = srv.handshake_failures();
	assert!(
		failures.iter().any(|f| f.contains("NoKxGroupsInCommon")),
		"{failures:?}"
	);
}

#[tokio::test]
async fn required_client_refuses_classical_server() {
	let pki = pki();
	let (_ep, addr) = classical_server(&pki, &identity(&pki.ca, "classic-server"));
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let err = client.connect(addr, "localhost").await.err().unwrap();
	assert!(matches!(err, StoqError::KeyExchangeRefused(_)), "{err}");
}

#[tokio::test]
async fn ipv4_is_refused() {
	let pki = pki();
	let cfg = StoqConfig::new(
		PqPolicy::Required,
		identity(&pki.ca, "n"),
		pki.trust.clone(),
	);
	let err = StoqNode::bind("127.0.0.1:0".parse().unwrap(), cfg.clone())
		.err()
		.unwrap();
	assert!(matches!(err, StoqError::Ipv4NotAllowed(_)), "{err}");
	let err = StoqNode::bind("[::ffff:127.0.0.1]:0".parse().unwrap(), cfg)
		.err()
		.unwrap();
	assert!(matches!(err, StoqError::Ipv4NotAllowed(_)), "{err}");
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let err = client
		.connect("127.0.0.1:4433".parse().unwrap(), "localhost")
		.await
		.err()
		.unwrap();
	assert!(matches!(err, StoqError::Ipv4NotAllowed(_)), "{err}");
}

/// The server rejects the client's certificate: the client gets a
/// `CertificateRejected` error and the server records why.
async fn client_cert_refused(pki: &Pki, bad: hypermesh_pki::NodeIdentity, reason: &str) {
	let (srv, addr) = server(pki, PqPolicy::Required);
	let client = node(pki, PqPolicy::Required, bad);
	let err = client
		.connect(addr, "localhost")
		.await
		.err()
		.expect("connection must fail");
	assert!(matches!(err, StoqError::CertificateRejected(_)), "{err}");
	tokio::time::sleep(std::time::Duration::from_millis(100)).await;
	let failures = srv.handshake_failures();
	assert!(
		failures.iter().any(|f| f.contains(reason)),
		"{failures:?} lacks {reason:?}"
	);
}

/// The client rejects the server's certificate.
async fn server_cert_refused(pki: &Pki, bad: hypermesh_pki::NodeIdentity, reason: &str) {
	let (_srv, addr) = server_with(pki, PqPolicy::Required, bad, Arc::new(stoq::EchoHandler));
	let client = node(pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let err = client
		.connect(addr, "localhost")
		.await
		.err()
		.expect("connection must fail");
	assert!(matches!(err, StoqError::CertificateRejected(_)), "{err}");
	assert!(err.to_string().contains(reason), "{err} lacks {reason:?}");
}

#[tokio::test]
async fn wrong_ca_refused() {
	let pki = pki();
	let other = hypermesh_pki::HybridCa::generate("rogue CA").unwrap();
	client_cert_refused(&pki, identity(&other, "rogue"), "UnknownIssuer").await;
	server_cert_refused(&pki, identity(&other, "rogue"), "UnknownIssuer").await;
}

#[tokio::test]
async fn expired_certificate_refused() {
	let pki = pki();
	let now = time::OffsetDateTime::now_utc();
	let mut spec = LeafSpec::node("old", 9001, 1);
	spec.not_before = now - time::Duration::days(30);
	spec.not_after = now - time::Duration::days(1);
	client_cert_refused(&pki, pki.ca.issue_leaf(&spec).unwrap(), "expired").await;
	spec.serial = 9002;
	server_cert_refused(&pki, pki.ca.issue_leaf(&spec).unwrap(), "expired").await;
}

#[tokio::test]
async fn revoked_certificate_refused() {
	let pki = pki();
	let bad = identity(&pki.ca, "revoked-client");
	pki.revocation.revoke(bad.leaf()).unwrap();
	client_cert_refused(&pki, bad, "Revoked").await;
	let bad = identity(&pki.ca, "revoked-server");
	pki.revocation.revoke(bad.leaf()).unwrap();
	server_cert_refused(&pki, bad, "Revoked").await;
}

#[tokio::test]
async fn bad_falcon_signature_refused() {
	let pki = pki();
	// Same CA certificate and ECDSA key (the classical chain verifies), but the
	// alternative signature is made with a FALCON key the trust store does not hold.
	let forger = pki.ca.with_new_falcon_key().unwrap();
	client_cert_refused(&pki, identity(&forger, "forged"), "BadSignature").await;
	server_cert_refused(&pki, identity(&forger, "forged"), "BadSignature").await;
}

#[tokio::test]
async fn trust_without_matching_falcon_key_refuses() {
	// A trust store whose FALCON key for the CA is wrong rejects everything from it.
	let pki = pki();
	let wrong = hypermesh_pki::HybridCa::generate("x").unwrap();
	let trust = Arc::new(
		HybridTrust::new(
			&[(pki.ca.cert_der().clone(), wrong.falcon_public_key())],
			pki.revocation.clone(),
		)
		.unwrap(),
	);
	let (_srv, addr) = server(&pki, PqPolicy::Required);
	let client = StoqNode::bind(
		local(),
		StoqConfig::new(PqPolicy::Required, identity(&pki.ca, "c"), trust),
	)
	.unwrap();
	let err = client.connect(addr, "localhost").await.err().unwrap();
	assert!(matches!(err, StoqError::CertificateRejected(_)), "{err}");
}

/// Trust in `cas` (in this order), with `pki`'s revocation list.
fn trust_in(cas: &[&hypermesh_pki::HybridCa], pki: &Pki) -> Arc<HybridTrust> {
	let anchors: Vec<_> = cas
		.iter()
		.map(|ca| (ca.cert_der().clone(), ca.falcon_public_key()))
		.collect();
	Arc::new(HybridTrust::new(&anchors, pki.revocation.clone()).unwrap())
}

/// A running node takes a new trust anchor and a renewed identity without a restart:
/// a client from a CA it did not trust is refused, then accepted after `reload`; the
/// server's renewed certificate is what the next client sees.
#[tokio::test]
async fn reload_changes_trust_and_identity_without_restart() {
	let pki = pki();
	let other = hypermesh_pki::HybridCa::generate("second CA").unwrap();
	let server_id = identity(&pki.ca, "server");
	let (srv, addr) = server_with(
		&pki,
		PqPolicy::Required,
		server_id.clone(),
		Arc::new(stoq::EchoHandler),
	);
	// A client whose certificate comes from the second CA, trusting both CAs.
	let both = trust_in(&[&pki.ca, &other], &pki);
	let client = StoqNode::bind(
		local(),
		StoqConfig::new(PqPolicy::Required, identity(&other, "client"), both.clone()),
	)
	.unwrap();
	let err = client
		.connect(addr, "localhost")
		.await
		.err()
		.expect("unknown CA");
	assert!(matches!(err, StoqError::CertificateRejected(_)), "{err}");

	// The server learns the second CA and renews its own certificate.
	let renewed = identity(&pki.ca, "server");
	assert_ne!(renewed.cert_chain, server_id.cert_chain);
	srv.reload(&StoqConfig::new(PqPolicy::Required, renewed.clone(), both))
		.unwrap();
	let conn = client
		.connect(addr, "localhost")
		.await
		.expect("trusted after reload");
	assert_eq!(conn.request(b"hello").await.unwrap().as_ref(), b"hello");
	let presented = conn.quic().peer_identity().unwrap();
	let presented = presented
		.downcast_ref::<Vec<rustls::pki_types::CertificateDer<'static>>>()
		.unwrap();
	assert_eq!(presented[0], renewed.cert_chain[0]);

	// And forgets the second CA again.
	srv.reload(&StoqConfig::new(
		PqPolicy::Required,
		renewed,
		pki.trust.clone(),
	))
	.unwrap();
	let again = StoqNode::bind(
		local(),
		StoqConfig::new(
			PqPolicy::Required,
			identity(&other, "client 2"),
			pki.trust.clone(),
		),
	)
	.unwrap();
	let err = again
		.connect(addr, "localhost")
		.await
		.err()
		.expect("CA removed");
	assert!(matches!(err, StoqError::CertificateRejected(_)), "{err}");
}

/// Two authorities with one subject name, both trusted: a peer with a certificate of the
/// second is accepted in both directions (before issuers were matched by key it failed
/// with `BadSignature`, only the first authority of that name being tried), and a peer
/// whose certificate comes from a third CA of that name is refused.
#[tokio::test]
async fn same_named_authorities_both_accepted() {
	let pki = pki();
	let twin = hypermesh_pki::HybridCa::generate("HyperMesh test CA").unwrap();
	let both = trust_in(&[&pki.ca, &twin], &pki);
	let serve = |id| {
		let n = StoqNode::bind(
			local(),
			StoqConfig::new(PqPolicy::Required, id, both.clone()),
		)
		.unwrap();
		n.serve(Arc::new(stoq::EchoHandler));
		let addr = n.local_addr().unwrap();
		(n, addr)
	};
	let client_of = |id| {
		StoqNode::bind(
			local(),
			StoqConfig::new(PqPolicy::Required, id, both.clone()),
		)
		.unwrap()
	};
	// The server's certificate is from the first, the client's from the second.
	let (_srv, addr) = serve(identity(&pki.ca, "server"));
	let conn = client_of(identity(&twin, "client"))
		.connect(addr, "localhost")
		.await
		.expect("the second authority's leaf is accepted by the server");
	assert_eq!(conn.request(b"twin").await.unwrap().as_ref(), b"twin");
	// And the other way round.
	let (_srv2, addr2) = serve(identity(&twin, "server"));
	let conn = client_of(identity(&pki.ca, "client"))
		.connect(addr2, "localhost")
		.await
		.expect("the second authority's leaf is accepted by the client");
	assert_eq!(conn.request(b"twin").await.unwrap().as_ref(), b"twin");

	// A third CA of the same name, trusted by nobody.
	let stranger = hypermesh_pki::HybridCa::generate("HyperMesh test CA").unwrap();
	let err = client_of(identity(&stranger, "client"))
		.connect(addr, "localhost")
		.await
		.err()
		.expect("a leaf signed by neither authority is refused");
	// webpki tried both anchors of that name; neither key verifies the signature (the
	// server answers with a decrypt_error alert).
	assert!(err.to_string().contains("BadSignature"), "{err}");
}

/// A client kx group on the hybrid codepoint whose ML-KEM-1024 key has coefficient 0
/// set to 4095 (>= q = 3329): a key FIPS 203's modulus check refuses.
#[derive(Debug)]
struct OutOfRangeMlKemKey;

struct OutOfRangeShare {
	inner: Box<dyn rustls::crypto::ActiveKeyExchange>,
	share: Vec<u8>,
}

impl rustls::crypto::SupportedKxGroup for OutOfRangeMlKemKey {
	fn start(&self) -> Result<Box<dyn rustls::crypto::ActiveKeyExchange>, rustls::Error> {
		let inner = stoq::kx::X25519_MLKEM1024.start()?;
		let mut share = inner.pub_key().to_vec();
		share[0] = 0xff;
		share[1] |= 0x0f;
		Ok(Box::new(OutOfRangeShare { inner, share }))
	}

	fn name(&self) -> rustls::NamedGroup {
		rustls::NamedGroup::Unknown(stoq::kx::X25519_MLKEM1024_CODEPOINT)
	}
}

impl rustls::crypto::ActiveKeyExchange for OutOfRangeShare {
	fn complete(
		self: Box<Self>,
		peer: &[u8],
	) -> Result<rustls::crypto::SharedSecret, rustls::Error> {
		self.inner.complete(peer)
	}

	fn pub_key(&self) -> &[u8] {
		&self.share
	}

	fn group(&self) -> rustls::NamedGroup {
		rustls::NamedGroup::Unknown(stoq::kx::X25519_MLKEM1024_CODEPOINT)
	}
}

static OUT_OF_RANGE: OutOfRangeMlKemKey = OutOfRangeMlKemKey;

#[tokio::test]
async fn mlkem_key_failing_the_modulus_check_fails_the_handshake() {
	let pki = pki();
	let (srv, addr) = server(&pki, PqPolicy::Required);
	let mut provider = rustls::crypto::ring::default_provider();
	provider.kx_groups = vec![&OUT_OF_RANGE];
	let ep = client_with_provider(&pki, &identity(&pki.ca, "bad-share"), Arc::new(provider));
	let err = ep.connect(addr, "localhost").unwrap().await.unwrap_err();
	// TLS alert 47 (illegal_parameter), reported as such, not as a certificate problem.
	let mapped = stoq::endpoint::map_connection_error(&err);
	assert!(
		matches!(&mapped, StoqError::Handshake(m) if m.contains("alert 47") && m.contains("key share")),
		"{mapped}"
	);
	tokio::time::sleep(std::time::Duration::from_millis(100)).await;
	let failures = srv.handshake_failures();
	assert!(
		failures.iter().any(|f| f.contains("InvalidKeyShare")),
		"{failures:?}"
	);
	// The server keeps serving well-formed clients.
	let client = node(&pki, PqPolicy::Required, identity(&pki.ca, "client"));
	let conn = client.connect(addr, "localhost").await.unwrap();
	assert_eq!(&conn.request(b"fine").await.unwrap()[..], b"fine");
}
