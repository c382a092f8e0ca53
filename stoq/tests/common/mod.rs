//! Shared fixtures for the STOQ integration tests: a test CA, node identities,
//! STOQ nodes on [::1] and a classical-only quinn peer.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use hypermesh_pki::{HybridCa, LeafSpec, NodeIdentity};
use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use stoq::endpoint::ALPN;
use stoq::{EchoHandler, Handler, HybridTrust, InMemoryRevocation, PqPolicy, StoqConfig, StoqNode};

pub struct Pki {
	pub ca: HybridCa,
	pub revocation: Arc<InMemoryRevocation>,
	pub trust: Arc<HybridTrust>,
}

pub fn pki() -> Pki {
	let ca = HybridCa::generate("HyperMesh test CA").unwrap();
	let revocation = Arc::new(InMemoryRevocation::new());
	let trust = Arc::new(HybridTrust::from_ca(&ca, revocation.clone()).unwrap());
	Pki {
		ca,
		revocation,
		trust,
	}
}

static SERIAL: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(100);

pub fn identity(ca: &HybridCa, name: &str) -> NodeIdentity {
	let serial = SERIAL.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
	ca.issue_leaf(&LeafSpec::node(name, serial, 1)).unwrap()
}

pub fn local() -> SocketAddr {
	"[::1]:0".parse().unwrap()
}

pub fn node(pki: &Pki, policy: PqPolicy, id: NodeIdentity) -> StoqNode {
	StoqNode::bind(local(), StoqConfig::new(policy, id, pki.trust.clone())).unwrap()
}

/// A serving STOQ node on [::1] with its address.
pub fn server(pki: &Pki, policy: PqPolicy) -> (StoqNode, SocketAddr) {
	server_with(
		pki,
		policy,
		identity(&pki.ca, "server"),
		Arc::new(EchoHandler),
	)
}

pub fn server_with(
	pki: &Pki,
	policy: PqPolicy,
	id: NodeIdentity,
	h: Arc<dyn Handler>,
) -> (StoqNode, SocketAddr) {
	let n = node(pki, policy, id);
	n.serve(h);
	let addr = n.local_addr().unwrap();
	(n, addr)
}

/// A quinn client endpoint using rustls's stock ring provider (classical key
/// exchange only), presenting `id` and trusting `pki`'s CA classically.
pub fn classical_client(pki: &Pki, id: &NodeIdentity) -> quinn::Endpoint {
	client_with_provider(pki, id, stoq::kx::classical_provider())
}

/// A quinn client endpoint using `provider` (its key-exchange groups), presenting `id`
/// and trusting `pki`'s CA classically.
pub fn client_with_provider(
	pki: &Pki,
	id: &NodeIdentity,
	provider: Arc<rustls::crypto::CryptoProvider>,
) -> quinn::Endpoint {
	let mut tls = rustls::ClientConfig::builder_with_provider(provider)
		.with_protocol_versions(&[&rustls::version::TLS13])
		.unwrap()
		.with_root_certificates(pki.trust.roots())
		.with_client_auth_cert(id.cert_chain.clone(), id.private_key())
		.unwrap();
	tls.alpn_protocols = vec![ALPN.to_vec()];
	let mut ep = quinn::Endpoint::client(local()).unwrap();
	ep.set_default_client_config(quinn::ClientConfig::new(Arc::new(
		QuicClientConfig::try_from(tls).unwrap(),
	)));
	ep
}

/// A quinn server endpoint using the stock ring provider (classical only),
/// accepting connections in the background.
pub fn classical_server(_pki: &Pki, id: &NodeIdentity) -> (quinn::Endpoint, SocketAddr) {
	let provider = stoq::kx::classical_provider();
	let mut tls = rustls::ServerConfig::builder_with_provider(provider)
		.with_protocol_versions(&[&rustls::version::TLS13])
		.unwrap()
		.with_no_client_auth()
		.with_single_cert(id.cert_chain.clone(), id.private_key())
		.unwrap();
	tls.alpn_protocols = vec![ALPN.to_vec()];
	let cfg = quinn::ServerConfig::with_crypto(Arc::new(QuicServerConfig::try_from(tls).unwrap()));
	let ep = quinn::Endpoint::server(cfg, local()).unwrap();
	let addr = ep.local_addr().unwrap();
	let acc = ep.clone();
	tokio::spawn(async move {
		while let Some(inc) = acc.accept().await {
			tokio::spawn(async move {
				let _ = inc.await;
			});
		}
	});
	(ep, addr)
}
