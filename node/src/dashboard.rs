//! The dashboard's web server: the node serves the built dashboard (`dashboard/`, a
//! polkadot.js page) on a port of its own, so an operator who starts a node has its page
//! beside it without a second program.
//!
//! What it exposes: the static files of one directory (`--dashboard-dir`, by default the
//! checkout's `dashboard/dist`), read-only, and `GET /config.json`, which tells the page
//! where the node's JSON-RPC server listens. Nothing else: the page reads the chain
//! through the node's ordinary RPC server, with the RPC server's own method policy and
//! CORS rules. It listens on 127.0.0.1 unless `--dashboard-external` asks for every
//! interface. Development chains run it by default (port 9955); other chains only with
//! `--dashboard-port`.

use std::{
	convert::Infallible,
	net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr},
	path::{Path, PathBuf},
	sync::Arc,
};

use bytes::Bytes;
use http_body_util::{combinators::UnsyncBoxBody, BodyExt, Full};
use hyper::{body::Incoming, header, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;

/// The port development chains serve the dashboard on when `--dashboard-port` is not given.
pub const DEV_DASHBOARD_PORT: u16 = 9955;

/// Where the dashboard's built files are by default: `dashboard/dist` in the checkout this
/// node was built from (`npm ci && npm run build` in `dashboard/` puts them there).
pub const DEFAULT_DASHBOARD_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../dashboard/dist");

/// The dashboard's command-line options.
#[derive(Debug, Clone, clap::Args)]
pub struct DashboardParams {
	/// Serve the dashboard web page on this port (development chains: 9955 unless
	/// `--no-dashboard`; other chains: only with this option).
	#[arg(long, value_name = "PORT")]
	pub dashboard_port: Option<u16>,

	/// The directory of the built dashboard (default: the checkout's `dashboard/dist`).
	#[arg(long, value_name = "DIR")]
	pub dashboard_dir: Option<PathBuf>,

	/// Listen on every interface instead of 127.0.0.1. The page itself is read-only, but it
	/// tells whoever opens it where the RPC server is.
	#[arg(long)]
	pub dashboard_external: bool,

	/// Do not serve the dashboard, even on a development chain.
	#[arg(long, conflicts_with = "dashboard_port")]
	pub no_dashboard: bool,
}

impl DashboardParams {
	/// Where to serve, if the dashboard runs: `development` says whether the chain is a
	/// development chain (on by default there).
	pub fn listen_address(&self, development: bool) -> Option<ListenAddress> {
		if self.no_dashboard {
			return None;
		}
		let (port, chosen) = match (self.dashboard_port, development) {
			(Some(port), _) => (port, true),
			(None, true) => (DEV_DASHBOARD_PORT, false),
			(None, false) => return None,
		};
		let ip = if self.dashboard_external {
			IpAddr::V6(Ipv6Addr::UNSPECIFIED)
		} else {
			IpAddr::V4(Ipv4Addr::LOCALHOST)
		};
		Some(ListenAddress {
			address: SocketAddr::new(ip, port),
			chosen,
		})
	}

	/// The directory served.
	pub fn directory(&self) -> PathBuf {
		self.dashboard_dir
			.clone()
			.unwrap_or_else(|| PathBuf::from(DEFAULT_DASHBOARD_DIR))
	}
}

/// Where the dashboard listens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenAddress {
	/// The address.
	pub address: SocketAddr,
	/// Whether the operator chose the port (`--dashboard-port`). A chosen port that is taken
	/// stops the node; the default port, taken (say, by a second dev node on the machine),
	/// gives way to a free one, as Substrate's RPC server does with its default port.
	pub chosen: bool,
}

/// Why the dashboard cannot start.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
	/// The port is taken or not ours to bind.
	#[error("dashboard: cannot listen on {address}: {source}")]
	Bind {
		/// The address asked for.
		address: SocketAddr,
		/// What the system said.
		source: std::io::Error,
	},
}

/// A bound dashboard server, ready to be spawned.
pub struct DashboardServer {
	listener: TcpListener,
	site: Arc<Site>,
}

/// What every request is answered from.
struct Site {
	/// The built dashboard's files.
	files: ServeDir,
	/// Whether the directory holds a built dashboard (`index.html`).
	built: bool,
	/// The directory, for the "not built" answer.
	directory: PathBuf,
	/// The body of `/config.json`.
	config: Bytes,
}

/// The body served for every response.
type Body = UnsyncBoxBody<Bytes, std::io::Error>;

impl DashboardServer {
	/// Binds `listen` (inside the node's tokio runtime); the page's RPC endpoint is
	/// `ws://127.0.0.1:<rpc_port>`.
	pub fn bind(
		listen: ListenAddress,
		directory: &Path,
		rpc_port: u16,
	) -> Result<Self, DashboardError> {
		let address = listen.address;
		let bind_error = |source| DashboardError::Bind { address, source };
		let listener = match std::net::TcpListener::bind(address) {
			Err(error) if !listen.chosen && error.kind() == std::io::ErrorKind::AddrInUse => {
				log::warn!(
					target: "dashboard",
					"port {} is taken: serving the dashboard on a free port instead",
					address.port()
				);
				std::net::TcpListener::bind(SocketAddr::new(address.ip(), 0))
			}
			bound => bound,
		}
		.map_err(bind_error)?;
		listener.set_nonblocking(true).map_err(bind_error)?;
		let listener = TcpListener::from_std(listener).map_err(bind_error)?;
		let built = directory.join("index.html").is_file();
		let config = serde_json::json!({
			"rpc": format!("ws://127.0.0.1:{rpc_port}"),
			"rpcPort": rpc_port,
		});
		Ok(Self {
			listener,
			site: Arc::new(Site {
				files: ServeDir::new(directory).append_index_html_on_directories(true),
				built,
				directory: directory.to_path_buf(),
				config: Bytes::from(config.to_string()),
			}),
		})
	}

	/// The address actually bound.
	pub fn local_address(&self) -> std::io::Result<SocketAddr> {
		self.listener.local_addr()
	}

	/// Whether the directory holds a built dashboard.
	pub fn is_built(&self) -> bool {
		self.site.built
	}

	/// Serves connections until the task is dropped. A connection that fails is logged
	/// and closed; the server goes on.
	pub async fn run(self) {
		loop {
			let (stream, peer) = match self.listener.accept().await {
				Ok(accepted) => accepted,
				Err(error) => {
					log::warn!(target: "dashboard", "accept failed: {error}");
					continue;
				}
			};
			let site = self.site.clone();
			tokio::spawn(async move {
				let service = hyper::service::service_fn(move |request| {
					let site = site.clone();
					async move { Ok::<_, Infallible>(site.answer(request).await) }
				});
				if let Err(error) = hyper::server::conn::http1::Builder::new()
					.serve_connection(TokioIo::new(stream), service)
					.await
				{
					log::debug!(target: "dashboard", "connection from {peer}: {error}");
				}
			});
		}
	}
}

impl Site {
	/// The response to one request.
	async fn answer(&self, request: Request<Incoming>) -> Response<Body> {
		if request.uri().path() == "/config.json" {
			return self.respond(StatusCode::OK, "application/json", self.config.clone());
		}
		if !self.built {
			let text = format!(
				"The dashboard is not built: no index.html in {}.\n\
				 Build it with `npm ci && npm run build` in the checkout's dashboard/ \
				 directory (scripts/dev does this), or point --dashboard-dir at a built copy.\n",
				self.directory.display()
			);
			return self.respond(
				StatusCode::SERVICE_UNAVAILABLE,
				"text/plain; charset=utf-8",
				Bytes::from(text),
			);
		}
		match self.files.clone().try_call(request).await {
			Ok(response) => response.map(|body| body.map_err(std::io::Error::other).boxed_unsync()),
			Err(error) => self.respond(
				StatusCode::INTERNAL_SERVER_ERROR,
				"text/plain; charset=utf-8",
				Bytes::from(format!("cannot read the dashboard's files: {error}\n")),
			),
		}
	}

	/// A complete response with `body`.
	fn respond(&self, status: StatusCode, content_type: &str, body: Bytes) -> Response<Body> {
		let mut response = Response::new(
			Full::new(body)
				.map_err(|never| match never {})
				.boxed_unsync(),
		);
		*response.status_mut() = status;
		if let Ok(value) = header::HeaderValue::from_str(content_type) {
			response.headers_mut().insert(header::CONTENT_TYPE, value);
		}
		response
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use tokio::io::{AsyncReadExt, AsyncWriteExt};

	/// Sends `request` to `address` and returns the status line and the body.
	async fn fetch(address: SocketAddr, request: &str) -> (String, String) {
		let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
		stream.write_all(request.as_bytes()).await.unwrap();
		let mut answer = String::new();
		stream.read_to_string(&mut answer).await.unwrap();
		let status = answer.lines().next().unwrap_or_default().to_string();
		let body = answer
			.split_once("\r\n\r\n")
			.map(|(_, b)| b.to_string())
			.unwrap_or_default();
		(status, body)
	}

	fn get(path: &str) -> String {
		format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
	}

	fn local(chosen: bool, port: u16) -> ListenAddress {
		ListenAddress {
			address: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port),
			chosen,
		}
	}

	/// Starts a server on a free port over `directory`; returns its address.
	fn serve(directory: &Path) -> SocketAddr {
		let server = DashboardServer::bind(local(true, 0), directory, 9944).unwrap();
		let address = server.local_address().unwrap();
		tokio::spawn(server.run());
		address
	}

	#[tokio::test]
	async fn serves_the_files_and_the_rpc_address_and_nothing_outside() {
		let root = tempfile::tempdir().unwrap();
		let site = root.path().join("dist");
		std::fs::create_dir(&site).unwrap();
		std::fs::write(site.join("index.html"), "<h1>HyperMesh</h1>").unwrap();
		std::fs::write(root.path().join("secret.txt"), "not served").unwrap();
		let address = serve(&site);

		assert_eq!(
			fetch(address, &get("/")).await,
			("HTTP/1.1 200 OK".into(), "<h1>HyperMesh</h1>".into())
		);
		let (status, body) = fetch(address, &get("/config.json")).await;
		assert_eq!(status, "HTTP/1.1 200 OK");
		assert_eq!(
			serde_json::from_str::<serde_json::Value>(&body).unwrap(),
			serde_json::json!({ "rpc": "ws://127.0.0.1:9944", "rpcPort": 9944 })
		);
		// Outside the directory, missing files and writes are refused.
		for request in [
			get("/../secret.txt"),
			get("/%2e%2e/secret.txt"),
			get("/missing.js"),
		] {
			let (status, body) = fetch(address, &request).await;
			assert_eq!(status, "HTTP/1.1 404 Not Found", "{request}");
			assert!(!body.contains("not served"));
		}
		let post =
			"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
		assert_eq!(
			fetch(address, post).await.0,
			"HTTP/1.1 405 Method Not Allowed"
		);
		// Not HTTP at all: the connection is closed, the server goes on.
		fetch(address, "\x16\x03\x01 not http\r\n\r\n").await;
		assert_eq!(fetch(address, &get("/")).await.0, "HTTP/1.1 200 OK");
	}

	#[tokio::test]
	async fn an_unbuilt_dashboard_says_how_to_build_it() {
		let empty = tempfile::tempdir().unwrap();
		let address = serve(empty.path());
		let (status, body) = fetch(address, &get("/")).await;
		assert_eq!(status, "HTTP/1.1 503 Service Unavailable");
		assert!(body.contains("npm ci && npm run build"), "{body}");
		// The RPC address is still given.
		assert_eq!(
			fetch(address, &get("/config.json")).await.0,
			"HTTP/1.1 200 OK"
		);
	}

	#[tokio::test]
	async fn a_taken_port_stops_the_node_only_when_the_operator_chose_it() {
		let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
		let port = taken.local_addr().unwrap().port();
		let directory = tempfile::tempdir().unwrap();
		match DashboardServer::bind(local(true, port), directory.path(), 9944) {
			Err(DashboardError::Bind { address, source }) => {
				assert_eq!(address.port(), port);
				assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse);
			}
			Ok(_) => panic!("bound a taken port"),
		}
		let fallback = DashboardServer::bind(local(false, port), directory.path(), 9944).unwrap();
		assert_ne!(fallback.local_address().unwrap().port(), port);
	}

	#[test]
	fn on_by_default_only_on_development_chains_and_on_localhost() {
		use clap::Parser;
		#[derive(clap::Parser)]
		struct Cli {
			#[clap(flatten)]
			dashboard: DashboardParams,
		}
		let parse = |args: &[&str]| {
			Cli::try_parse_from(std::iter::once("node").chain(args.iter().copied()))
				.map(|cli| cli.dashboard)
		};
		let default = parse(&[]).unwrap();
		assert_eq!(default.listen_address(false), None);
		assert_eq!(
			default.listen_address(true),
			Some(local(false, DEV_DASHBOARD_PORT))
		);
		assert_eq!(
			parse(&["--no-dashboard"]).unwrap().listen_address(true),
			None
		);
		assert_eq!(
			parse(&["--dashboard-port", "8080"])
				.unwrap()
				.listen_address(false),
			Some(local(true, 8080))
		);
		let external = parse(&["--dashboard-port", "8080", "--dashboard-external"]).unwrap();
		assert!(external
			.listen_address(false)
			.unwrap()
			.address
			.ip()
			.is_unspecified());
		assert!(parse(&["--no-dashboard", "--dashboard-port", "8080"]).is_err());
	}
}
