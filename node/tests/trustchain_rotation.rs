//! A dev node that is both a TrustChain authority (root generated into genesis by
//! `--trustchain-genesis-ca`, CA service operated by //Alice) and a certificate holder
//! (//Bob, for `node1.hypermesh`) keeps its own certificate: it registers the name,
//! requests a certificate with fresh keys, installs it, and renews it with new keys before
//! it expires; the chain revokes the old one as superseded. Checked through the node's
//! JSON-RPC, the files the holder writes, `openssl verify`, and the CA service's and the
//! holder's Prometheus metrics, which must have moved as the flow says.

mod common;

use common::{free_port, rpc, sample, wait_for, Node};
use std::{
	path::{Path, PathBuf},
	process::{Command, Stdio},
	time::Duration,
};

const BOB: &str = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

fn openssl(args: &[&str], dir: &Path) -> (bool, String) {
	let out = Command::new("openssl")
		.args(args)
		.current_dir(dir)
		.output()
		.expect("openssl runs");
	(
		out.status.success(),
		format!(
			"{}{}",
			String::from_utf8_lossy(&out.stdout),
			String::from_utf8_lossy(&out.stderr)
		),
	)
}

/// The holder's directory after installing certificate `id`: `current` is a link to
/// `sets/<id>`, the only key set, whose keys are the certificate's; the certificate files
/// are links into `current/`; the directories are 0700 and the private keys 0600.
fn assert_installed_layout(holder: &Path, id: &str, der: &[u8]) {
	use std::os::unix::fs::PermissionsExt as _;
	let mode = |path: PathBuf| std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
	assert_eq!(
		std::fs::read_link(holder.join("current")).unwrap(),
		Path::new("sets").join(id)
	);
	// The earlier key set is removed right after `current` switched.
	wait_for("one key set", Duration::from_secs(10), || {
		let sets: Vec<_> = std::fs::read_dir(holder.join("sets"))
			.ok()?
			.map(|e| e.unwrap().file_name())
			.collect();
		(sets == [id]).then_some(())
	});
	for file in ["cert.der", "cert.pem", "chain.pem", "cert.id"] {
		assert_eq!(
			std::fs::read_link(holder.join(file)).unwrap(),
			Path::new("current").join(file)
		);
	}
	for dir in [
		holder.to_path_buf(),
		holder.join("sets"),
		holder.join("sets").join(id),
	] {
		assert_eq!(mode(dir.clone()), 0o700, "{}", dir.display());
	}
	for key in ["p256.key.der", "falcon.key"] {
		assert_eq!(mode(holder.join("current").join(key)), 0o600, "{key}");
	}
	let cert = hypermesh_primitives::x509::HybridCertificate::parse(der).unwrap();
	let falcon = std::fs::read(holder.join("current/falcon.pub")).unwrap();
	assert_eq!(
		cert.subject_falcon_key,
		Some(falcon),
		"keys and certificate match"
	);
}

#[test]
fn holder_gets_and_rotates_its_certificate() {
	let dir: PathBuf =
		std::env::temp_dir().join(format!("hypermesh-rotation-{}", std::process::id()));
	let _ = std::fs::remove_dir_all(&dir);
	std::fs::create_dir_all(&dir).unwrap();
	let (rpc_port, p2p_port, prometheus_port) = (free_port(), free_port(), free_port());
	let log = std::fs::File::create(dir.join("node.log")).unwrap();
	let _node = Node(
		Command::new(env!("CARGO_BIN_EXE_hypermesh-node"))
			.args(["--dev", "--tmp", "--no-telemetry"])
			.args([
				"--prometheus-port",
				&prometheus_port.to_string(),
				"--rpc-port",
				&rpc_port.to_string(),
				"--port",
				&p2p_port.to_string(),
			])
			.arg("--trustchain-genesis-ca")
			.arg(dir.join("ca"))
			.arg("--trustchain-ca-dir")
			.arg(dir.join("ca"))
			.args(["--trustchain-operator-suri", "//Alice"])
			.arg("--trustchain-holder-dir")
			.arg(dir.join("holder"))
			.args(["--trustchain-holder-names", "node1.hypermesh"])
			.args(["--trustchain-holder-suri", "//Bob"])
			// Certificates last 24 h from a minute before issuance: renew two minutes
			// into each one's life.
			.args(["--trustchain-renew-before", &(86_400 - 180).to_string()])
			.stdout(Stdio::null())
			.stderr(log)
			.spawn()
			.expect("hypermesh-node starts"),
	);
	let timeout = Duration::from_secs(420);
	let certificates = || {
		rpc(
			rpc_port,
			"trustchain_certificatesOf",
			serde_json::json!([BOB]),
		)
	};

	// The first certificate, installed by the holder.
	let first = wait_for("the first certificate", timeout, || {
		let list = certificates()?;
		let first = list.as_array()?.first()?.clone();
		let installed = std::fs::read_to_string(dir.join("holder/cert.id")).ok()?;
		(installed.trim() == first["id"].to_string()).then_some(first)
	});
	assert_eq!(first["status"]["status"], "valid", "{first}");
	let first_der = std::fs::read(dir.join("holder/cert.der")).unwrap();
	assert_installed_layout(&dir.join("holder"), &first["id"].to_string(), &first_der);
	let (ok, out) = openssl(
		&["verify", "-CAfile", "chain.pem", "cert.pem"],
		&dir.join("holder"),
	);
	assert!(ok && out.contains("cert.pem: OK"), "{out}");
	// The name was registered by the holder, and the certificate names it.
	let resolved = rpc(
		rpc_port,
		"trustchain_resolve",
		serde_json::json!(["node1.hypermesh"]),
	)
	.expect("name registered");
	assert_eq!(resolved["owner"], BOB);
	let (_, text) = openssl(
		&[
			"x509",
			"-in",
			"cert.pem",
			"-noout",
			"-ext",
			"subjectAltName",
		],
		&dir.join("holder"),
	);
	assert!(text.contains("DNS:node1.hypermesh"), "{text}");

	// The renewal: a second certificate with new keys; the first is superseded.
	let second = wait_for("the renewed certificate", timeout, || {
		let list = certificates()?;
		let second = list.as_array()?.get(1)?.clone();
		let installed = std::fs::read_to_string(dir.join("holder/cert.id")).ok()?;
		(installed.trim() == second["id"].to_string()).then_some(second)
	});
	let first_status = rpc(
		rpc_port,
		"trustchain_status",
		serde_json::json!([first["id"]]),
	)
	.unwrap();
	assert_eq!(first_status["status"], "revoked", "{first_status}");
	assert_eq!(first_status["reason"], "superseded");
	assert_eq!(first_status["reasonCode"], 4);
	let second_der = std::fs::read(dir.join("holder/cert.der")).unwrap();
	assert_installed_layout(&dir.join("holder"), &second["id"].to_string(), &second_der);
	assert_ne!(first_der, second_der);
	let spki = |der: &[u8]| {
		let cert = hypermesh_primitives::x509::HybridCertificate::parse(der).unwrap();
		(cert.subject_key, cert.subject_falcon_key)
	};
	assert_ne!(
		spki(&first_der),
		spki(&second_der),
		"the renewal rotated both keys"
	);
	let (ok, out) = openssl(
		&["verify", "-CAfile", "chain.pem", "cert.pem"],
		&dir.join("holder"),
	);
	assert!(ok && out.contains("cert.pem: OK"), "{out}");
	// The chain's copy is the holder's copy; both are in the CT log.
	let on_chain = rpc(
		rpc_port,
		"trustchain_certificate",
		serde_json::json!([second["id"]]),
	)
	.unwrap();
	assert_eq!(
		on_chain["der"].as_str().unwrap(),
		format!("0x{}", hex::encode(&second_der))
	);
	let head = rpc(rpc_port, "trustchain_treeHead", serde_json::json!([])).unwrap();
	assert!(head["size"].as_u64().unwrap() >= 2);

	// The metrics tell the same story: two certificates issued by this CA and installed by
	// this holder, one of them a renewal, the installed one valid for most of a day.
	let page = common::http_get(prometheus_port, "/metrics").expect("the node serves /metrics");
	let value = |name: &str, labels: &[(&str, &str)]| {
		sample(&page, name, labels)
			.unwrap_or_else(|| panic!("{name} {labels:?} is not on /metrics"))
	};
	assert!(value("hypermesh_ca_certificates_issued_total", &[]) >= 2.0);
	assert!(value("hypermesh_ca_submissions_total", &[("result", "submitted")]) >= 2.0);
	assert_eq!(
		value(
			"hypermesh_ca_submissions_total",
			&[("result", "not_issued")]
		),
		0.0
	);
	assert!(value("hypermesh_ca_issuance_duration_seconds_count", &[]) >= 2.0);
	assert!(value("hypermesh_ca_issuance_duration_seconds_sum", &[]) > 0.0);
	assert_eq!(
		value("hypermesh_holder_certificates_installed_total", &[]),
		2.0
	);
	assert_eq!(value("hypermesh_holder_renewals_total", &[]), 1.0);
	assert!(value("hypermesh_holder_requests_total", &[]) >= 2.0);
	assert_eq!(value("hypermesh_holder_has_certificate", &[]), 1.0);
	let expiry = value("hypermesh_holder_certificate_expiry_seconds", &[]);
	assert!(
		(80_000.0..=86_400.0).contains(&expiry),
		"expires in {expiry} s"
	);
	for service in ["trustchain-ca", "trustchain-holder"] {
		assert!(
			value(
				"hypermesh_service_finalized_blocks_total",
				&[("service", service)]
			) > 0.0
		);
		value("hypermesh_service_failures_total", &[("service", service)]);
	}
	let _ = std::fs::remove_dir_all(&dir);
}
