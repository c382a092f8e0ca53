//! The STOQ endpoint: a quinn QUIC endpoint on IPv6 with the hybrid crypto
//! provider, mutual hybrid-certificate authentication, and the request/response
//! and bulk protocols on bidirectional streams.
//!
//! One [`StoqNode`] both accepts (after [`StoqNode::serve`]) and dials
//! ([`StoqNode::connect`]). Each stream carries exactly one exchange: the
//! initiator sends a `Request`, `Ping` or `Manifest`+`Chunk`s and finishes its
//! side; the acceptor answers with one `Response`/`Pong` or `Error` frame.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use quinn::crypto::rustls::{QuicClientConfig, QuicServerConfig};
use quinn::{ConnectionError, IdleTimeout, TransportConfig, TransportErrorCode, VarInt};
use rustls::pki_types::CertificateDer;
use tokio::task::JoinHandle;

use crate::bulk::{self, Hash, Manifest};
use crate::config::StoqConfig;
use crate::error::{Result, StoqError};
use crate::frame::{read_frame, write_frame, Frame, FrameError, FrameType};
use crate::kx;
use crate::verify::{HybridClientVerifier, HybridServerVerifier};

/// ALPN protocol identifier of STOQ v1.
pub const ALPN: &[u8] = b"stoq/1";

/// Refuses IPv4 and IPv4-mapped IPv6 addresses.
pub fn ensure_ipv6(addr: SocketAddr) -> Result<()> {
    match addr {
        SocketAddr::V4(_) => Err(StoqError::Ipv4NotAllowed(addr)),
        SocketAddr::V6(a) if a.ip().to_ipv4_mapped().is_some() => {
            Err(StoqError::Ipv4NotAllowed(addr))
        }
        SocketAddr::V6(_) => Ok(()),
    }
}

fn cfg_err(e: impl std::fmt::Display) -> StoqError {
    StoqError::Config(e.to_string())
}

/// The rustls server configuration of a STOQ node (TLS 1.3, hybrid kx per
/// policy, mandatory hybrid client certificates).
pub fn server_tls(cfg: &StoqConfig) -> Result<rustls::ServerConfig> {
    let provider = kx::provider(cfg.policy);
    let verifier = HybridClientVerifier::new(cfg.trust.clone(), provider.clone())?;
    let mut tls = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(cfg_err)?
        .with_client_cert_verifier(Arc::new(verifier))
        .with_single_cert(cfg.identity.cert_chain.clone(), cfg.identity.private_key())
        .map_err(cfg_err)?;
    tls.alpn_protocols = vec![ALPN.to_vec()];
    Ok(tls)
}

/// The rustls client configuration of a STOQ node (TLS 1.3, hybrid kx per
/// policy, hybrid server verification, our certificate for client auth).
pub fn client_tls(cfg: &StoqConfig) -> Result<rustls::ClientConfig> {
    let provider = kx::provider(cfg.policy);
    let verifier = HybridServerVerifier::new(cfg.trust.clone(), provider.clone())?;
    let mut tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(cfg_err)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_client_auth_cert(cfg.identity.cert_chain.clone(), cfg.identity.private_key())
        .map_err(cfg_err)?;
    tls.alpn_protocols = vec![ALPN.to_vec()];
    Ok(tls)
}

/// QUIC transport parameters tuned for bulk transfer on fast links.
pub fn transport_config(idle: Duration) -> Result<Arc<TransportConfig>> {
    let mut t = TransportConfig::default();
    t.max_idle_timeout(Some(IdleTimeout::try_from(idle).map_err(cfg_err)?));
    t.stream_receive_window(VarInt::from_u32(32 * 1024 * 1024));
    t.receive_window(VarInt::from_u32(128 * 1024 * 1024));
    t.send_window(128 * 1024 * 1024);
    t.max_concurrent_bidi_streams(VarInt::from_u32(1024));
    t.keep_alive_interval(Some(idle / 3));
    Ok(Arc::new(t))
}

/// Describes a failed QUIC connection as a [`StoqError`], distinguishing a
/// refused key exchange and rejected certificates from other failures.
pub fn map_connection_error(e: &ConnectionError) -> StoqError {
    const CRYPTO: std::ops::RangeInclusive<u64> = 0x100..=0x1ff;
    match e {
        ConnectionError::TransportError(te) => {
            let reason = te.to_string();
            if reason.contains("NoKxGroupsInCommon") || reason.contains("peer is incompatible") {
                StoqError::KeyExchangeRefused(reason)
            } else if reason.contains("certificate") {
                StoqError::CertificateRejected(reason)
            } else {
                StoqError::Handshake(reason)
            }
        }
        ConnectionError::ConnectionClosed(cc) => {
            let code = u64::from(cc.error_code);
            let reason = String::from_utf8_lossy(&cc.reason).to_string();
            if CRYPTO.contains(&code) {
                let alert = code - 0x100;
                let text = format!("peer sent TLS alert {alert} ({reason})");
                match alert {
                    40 => StoqError::KeyExchangeRefused(format!(
                        "{text}: handshake_failure, no key-exchange group in common (STOQ requires X25519+ML-KEM-1024 \
                         under PqPolicy::Required)"
                    )),
                    42..=49 | 116 => StoqError::CertificateRejected(format!("{text}: the peer rejected our certificate")),
                    _ => StoqError::Handshake(text),
                }
            } else if cc.error_code == TransportErrorCode::CONNECTION_REFUSED {
                StoqError::Connection(format!("connection refused by peer ({reason})"))
            } else {
                StoqError::Connection(e.to_string())
            }
        }
        other => StoqError::Connection(other.to_string()),
    }
}

fn map_frame_error(e: FrameError) -> StoqError {
    if let FrameError::Io(io) = &e {
        if let Some(inner) = io.get_ref() {
            if let Some(quinn::ReadError::ConnectionLost(ce)) =
                inner.downcast_ref::<quinn::ReadError>()
            {
                return map_connection_error(ce);
            }
            if let Some(quinn::WriteError::ConnectionLost(ce)) =
                inner.downcast_ref::<quinn::WriteError>()
            {
                return map_connection_error(ce);
            }
        }
    }
    StoqError::Frame(e)
}

/// Who is on the other end of a connection.
#[derive(Debug, Clone)]
pub struct PeerInfo {
    /// The peer's UDP address.
    pub address: SocketAddr,
    /// The peer's verified leaf certificate.
    pub certificate: Option<CertificateDer<'static>>,
}

fn peer_info(conn: &quinn::Connection) -> PeerInfo {
    let certificate = conn
        .peer_identity()
        .and_then(|id| id.downcast::<Vec<CertificateDer<'static>>>().ok())
        .and_then(|v| v.first().cloned());
    PeerInfo {
        address: conn.remote_address(),
        certificate,
    }
}

/// Application callbacks of a STOQ server.
pub trait Handler: Send + Sync + 'static {
    /// Answers a request; an `Err` is sent to the peer as an `Error` frame.
    fn handle_request(&self, peer: &PeerInfo, request: Bytes)
        -> std::result::Result<Bytes, String>;

    /// Receives a verified bulk object (all chunk hashes already checked).
    fn handle_bulk(
        &self,
        peer: &PeerInfo,
        manifest: &Manifest,
        data: Vec<u8>,
    ) -> std::result::Result<(), String> {
        let _ = (peer, manifest, data);
        Ok(())
    }
}

/// A handler that echoes requests and accepts (then drops) bulk objects.
#[derive(Debug, Default, Clone, Copy)]
pub struct EchoHandler;

impl Handler for EchoHandler {
    fn handle_request(
        &self,
        _peer: &PeerInfo,
        request: Bytes,
    ) -> std::result::Result<Bytes, String> {
        Ok(request)
    }
}

/// A STOQ endpoint bound to an IPv6 UDP socket.
pub struct StoqNode {
    endpoint: quinn::Endpoint,
    config: Arc<StoqConfig>,
    failures: Arc<Mutex<Vec<String>>>,
}

impl StoqNode {
    /// Binds to `addr` (IPv6 only; `[::]:0` for an ephemeral client port).
    /// Must be called inside a tokio runtime.
    pub fn bind(addr: SocketAddr, config: StoqConfig) -> Result<Self> {
        ensure_ipv6(addr)?;
        let transport = transport_config(config.timeouts.idle)?;
        let server_crypto = QuicServerConfig::try_from(server_tls(&config)?).map_err(cfg_err)?;
        let mut server = quinn::ServerConfig::with_crypto(Arc::new(server_crypto));
        server.transport_config(transport.clone());
        let client_crypto = QuicClientConfig::try_from(client_tls(&config)?).map_err(cfg_err)?;
        let mut client = quinn::ClientConfig::new(Arc::new(client_crypto));
        client.transport_config(transport);
        let mut endpoint = quinn::Endpoint::server(server, addr)?;
        endpoint.set_default_client_config(client);
        Ok(Self {
            endpoint,
            config: Arc::new(config),
            failures: Arc::new(Mutex::new(Vec::new())),
        })
    }

    /// The bound local address.
    pub fn local_addr(&self) -> Result<SocketAddr> {
        Ok(self.endpoint.local_addr()?)
    }

    /// The configuration this node runs with.
    pub fn config(&self) -> &StoqConfig {
        &self.config
    }

    /// Descriptions of incoming handshakes that failed (newest last, at most 100 kept).
    pub fn handshake_failures(&self) -> Vec<String> {
        self.failures.lock().map(|v| v.clone()).unwrap_or_default()
    }

    /// Starts accepting connections and serving streams with `handler`.
    pub fn serve(&self, handler: Arc<dyn Handler>) -> JoinHandle<()> {
        let endpoint = self.endpoint.clone();
        let config = self.config.clone();
        let failures = self.failures.clone();
        tokio::spawn(async move {
            while let Some(incoming) = endpoint.accept().await {
                if ensure_ipv6(incoming.remote_address()).is_err() {
                    incoming.refuse();
                    continue;
                }
                let (handler, config, failures) =
                    (handler.clone(), config.clone(), failures.clone());
                tokio::spawn(async move {
                    let conn = match tokio::time::timeout(config.timeouts.connect, incoming).await {
                        Ok(Ok(c)) => c,
                        Ok(Err(e)) => {
                            return record(&failures, map_connection_error(&e).to_string())
                        }
                        Err(_) => return record(&failures, "handshake timed out".into()),
                    };
                    let peer = peer_info(&conn);
                    while let Ok((send, recv)) = conn.accept_bi().await {
                        let (handler, config, peer) =
                            (handler.clone(), config.clone(), peer.clone());
                        tokio::spawn(serve_stream(send, recv, handler, config, peer));
                    }
                });
            }
        })
    }

    /// Performs only the QUIC/TLS handshake (no application round trip).
    /// Used by the bench to time handshakes; prefer [`StoqNode::connect`].
    pub async fn handshake(
        &self,
        addr: SocketAddr,
        server_name: &str,
    ) -> Result<quinn::Connection> {
        ensure_ipv6(addr)?;
        let connecting = self
            .endpoint
            .connect(addr, server_name)
            .map_err(|e| StoqError::Connection(e.to_string()))?;
        match tokio::time::timeout(self.config.timeouts.connect, connecting).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(map_connection_error(&e)),
            Err(_) => Err(StoqError::Timeout(
                self.config.timeouts.connect,
                "handshake",
            )),
        }
    }

    /// Connects to a STOQ peer and confirms with a `Ping` that the peer accepted
    /// our certificate (in TLS 1.3 the client finishes its handshake before the
    /// server has checked the client certificate).
    pub async fn connect(&self, addr: SocketAddr, server_name: &str) -> Result<StoqConnection> {
        let conn = self.handshake(addr, server_name).await?;
        let c = StoqConnection {
            conn,
            config: self.config.clone(),
        };
        let f = c
            .exchange(FrameType::Ping, b"", self.config.timeouts.connect)
            .await?;
        if f.kind != FrameType::Pong {
            return Err(StoqError::Frame(FrameError::Unexpected(format!(
                "{:?} in answer to Ping",
                f.kind
            ))));
        }
        Ok(c)
    }

    /// Closes all connections and stops accepting.
    pub fn close(&self) {
        self.endpoint.close(VarInt::from_u32(0), b"shutdown");
    }

    /// Waits until all connections are closed.
    pub async fn wait_idle(&self) {
        self.endpoint.wait_idle().await;
    }
}

fn record(failures: &Mutex<Vec<String>>, msg: String) {
    if let Ok(mut v) = failures.lock() {
        if v.len() >= 100 {
            v.remove(0);
        }
        v.push(msg);
    }
}

async fn serve_stream(
    mut send: quinn::SendStream,
    mut recv: quinn::RecvStream,
    handler: Arc<dyn Handler>,
    config: Arc<StoqConfig>,
    peer: PeerInfo,
) {
    let max = config.limits.max_frame;
    let first =
        match tokio::time::timeout(config.timeouts.request, read_frame(&mut recv, max)).await {
            Ok(r) => r,
            Err(_) => Err(FrameError::Unexpected(
                "no frame before the request timeout".into(),
            )),
        };
    let answer: std::result::Result<(FrameType, Bytes), String> = match first {
        Ok(None) => return,
        Ok(Some(Frame {
            kind: FrameType::Ping,
            ..
        })) => Ok((FrameType::Pong, Bytes::new())),
        Ok(Some(Frame {
            kind: FrameType::Request,
            payload,
        })) => handler
            .handle_request(&peer, payload)
            .map(|b| (FrameType::Response, b)),
        Ok(Some(Frame {
            kind: FrameType::Manifest,
            payload,
        })) => match Manifest::decode(&payload) {
            Err(e) => Err(e.to_string()),
            Ok(m) => {
                let limit = config.limits.max_bulk;
                let got = tokio::time::timeout(
                    config.timeouts.bulk,
                    bulk::receive_chunks(&mut recv, &m, max, limit),
                )
                .await;
                match got {
                    Err(_) => Err("bulk transfer timed out".into()),
                    Ok(Err(e)) => Err(e.to_string()),
                    Ok(Ok(data)) => handler
                        .handle_bulk(&peer, &m, data)
                        .map(|()| (FrameType::Response, Bytes::copy_from_slice(&m.content_id()))),
                }
            }
        },
        Ok(Some(f)) => Err(format!("unexpected {:?} frame to open a stream", f.kind)),
        Err(e) => Err(format!("malformed frame: {e}")),
    };
    let (kind, payload) = match answer {
        Ok(x) => x,
        Err(msg) => {
            // Stop reading whatever else the peer sends on this stream.
            let _ = recv.stop(VarInt::from_u32(1));
            let mut m = msg.into_bytes();
            m.truncate(4096);
            (FrameType::Error, Bytes::from(m))
        }
    };
    if write_frame(&mut send, kind, &payload, max).await.is_ok() {
        let _ = send.finish();
        let _ = send.stopped().await;
    }
}

/// An established, mutually authenticated STOQ connection.
#[derive(Clone)]
pub struct StoqConnection {
    conn: quinn::Connection,
    config: Arc<StoqConfig>,
}

impl StoqConnection {
    /// The underlying quinn connection (for raw streams).
    pub fn quic(&self) -> &quinn::Connection {
        &self.conn
    }

    /// The peer's address and verified certificate.
    pub fn peer(&self) -> PeerInfo {
        peer_info(&self.conn)
    }

    /// Whether the connection has been closed (for either side's reason).
    pub fn is_closed(&self) -> bool {
        self.conn.close_reason().is_some()
    }

    async fn exchange(&self, kind: FrameType, payload: &[u8], deadline: Duration) -> Result<Frame> {
        let max = self.config.limits.max_frame;
        let work = async {
            let (mut send, mut recv) = self
                .conn
                .open_bi()
                .await
                .map_err(|e| map_connection_error(&e))?;
            let written = write_frame(&mut send, kind, payload, max).await;
            if let Err(FrameError::TooLarge { .. }) = &written {
                return Err(StoqError::Frame(written.unwrap_err()));
            }
            let _ = send.finish();
            self.read_answer(&mut recv, written.err()).await
        };
        match tokio::time::timeout(deadline, work).await {
            Ok(r) => r,
            Err(_) => Err(StoqError::Timeout(deadline, "request")),
        }
    }

    async fn read_answer(
        &self,
        recv: &mut quinn::RecvStream,
        write_err: Option<FrameError>,
    ) -> Result<Frame> {
        match read_frame(recv, self.config.limits.max_frame).await {
            Ok(Some(f)) if f.kind == FrameType::Error => Err(StoqError::Remote(
                String::from_utf8_lossy(&f.payload).into_owned(),
            )),
            Ok(Some(f)) => Ok(f),
            Ok(None) => Err(write_err.map(map_frame_error).unwrap_or_else(|| {
                StoqError::Connection("stream closed without an answer".into())
            })),
            Err(e) => Err(map_frame_error(e)),
        }
    }

    /// Sends a request and waits (up to the request timeout) for its response.
    pub async fn request(&self, payload: &[u8]) -> Result<Bytes> {
        let f = self
            .exchange(FrameType::Request, payload, self.config.timeouts.request)
            .await?;
        match f.kind {
            FrameType::Response => Ok(f.payload),
            other => Err(StoqError::Frame(FrameError::Unexpected(format!(
                "{other:?} in answer to a request"
            )))),
        }
    }

    /// Sends `data` as a chunked, hashed bulk object on one stream; returns the
    /// content id the receiver computed after verifying every chunk.
    pub async fn send_bulk(&self, data: &[u8]) -> Result<Hash> {
        let limits = self.config.limits;
        let work = async {
            let (mut send, mut recv) = self
                .conn
                .open_bi()
                .await
                .map_err(|e| map_connection_error(&e))?;
            let sent =
                bulk::send_object(&mut send, data, limits.chunk_size, limits.max_frame).await;
            let manifest = match sent {
                Ok(m) => Some(m),
                Err(bulk::BulkError::Frame(FrameError::TooLarge { len, max })) => {
                    return Err(StoqError::Frame(FrameError::TooLarge { len, max }))
                }
                Err(_) => None, // the peer may have stopped the stream; read its verdict
            };
            let _ = send.finish();
            let f = self.read_answer(&mut recv, None).await?;
            let expected = manifest.map(|m| m.content_id());
            if f.kind != FrameType::Response || f.payload.len() != 32 {
                return Err(StoqError::Frame(FrameError::Unexpected(
                    "bad answer to a bulk transfer".into(),
                )));
            }
            let mut id = [0u8; 32];
            id.copy_from_slice(&f.payload);
            if expected.is_some_and(|e| e != id) {
                return Err(StoqError::Remote(
                    "receiver computed a different content id".into(),
                ));
            }
            Ok(id)
        };
        match tokio::time::timeout(self.config.timeouts.bulk, work).await {
            Ok(r) => r,
            Err(_) => Err(StoqError::Timeout(
                self.config.timeouts.bulk,
                "bulk transfer",
            )),
        }
    }

    /// Writes `bytes` verbatim on a new stream, finishes it, and returns the
    /// peer's answer. For protocol diagnostics and tests of malformed input.
    pub async fn send_raw(&self, bytes: &[u8]) -> Result<Frame> {
        let work = async {
            let (mut send, mut recv) = self
                .conn
                .open_bi()
                .await
                .map_err(|e| map_connection_error(&e))?;
            let w = send.write_all(bytes).await.err();
            let _ = send.finish();
            let werr = w.map(|e| FrameError::Io(std::io::Error::other(e)));
            self.read_answer(&mut recv, werr).await
        };
        match tokio::time::timeout(self.config.timeouts.request, work).await {
            Ok(r) => r,
            Err(_) => Err(StoqError::Timeout(
                self.config.timeouts.request,
                "raw exchange",
            )),
        }
    }

    /// Closes the connection.
    pub fn close(&self) {
        self.conn.close(VarInt::from_u32(0), b"bye");
    }
}
