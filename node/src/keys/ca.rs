//! CA directories: `ca.name`, `ca.cert.der`, `ca.key.der`, `ca.falcon.pub`,
//! `ca.falcon.key` and `ca.pem` (the certificate as PEM), as `hypermesh-node trustchain ca-generate` writes them, and the leaf
//! certificates a CA issues for a request. The one place the node uses the certificate
//! library.

use std::path::Path;

pub use hypermesh_pki::HybridCa;
use hypermesh_pki::{key_file, CaParts, LeafSpec, PkiError};
use hypermesh_primitives::x509::SubjectKey;

use super::KeyError;
use crate::files::{self, FileError};

/// An error of the certificate library.
pub type CertError = PkiError;

/// Loads a CA directory.
pub fn load_ca(dir: &Path) -> Result<HybridCa, KeyError> {
	let parts = CaParts {
		common_name: String::from_utf8(files::read(&dir.join("ca.name"))?)
			.map_err(|_| KeyError::CaNameNotUtf8)?
			.trim()
			.to_string(),
		cert_der: files::read(&dir.join("ca.cert.der"))?,
		key_pkcs8: key_file::read(&dir.join("ca.key.der"))?,
		falcon_public: files::read(&dir.join("ca.falcon.pub"))?,
		falcon_secret: key_file::read(&dir.join("ca.falcon.key"))?,
	};
	HybridCa::import(&parts).map_err(|e| KeyError::Ca {
		dir: dir.to_path_buf(),
		source: e,
	})
}

/// Generates a CA named `name` into `dir` (which must not hold one yet; created 0700 if
/// missing). The private keys are written first (0600), `ca.cert.der`, by which a CA
/// directory is recognised, last.
pub fn generate_ca(dir: &Path, name: &str) -> Result<HybridCa, KeyError> {
	key_file::create_dir(dir)?;
	let ca = HybridCa::generate(name).map_err(KeyError::Certificate)?;
	let parts = ca.export();
	let write = |file: &str, bytes: &[u8]| -> Result<(), FileError> {
		files::write_new(&dir.join(file), bytes)
	};
	key_file::write_new(&dir.join("ca.key.der"), &parts.key_pkcs8)?;
	key_file::write_new(&dir.join("ca.falcon.key"), &parts.falcon_secret)?;
	write("ca.falcon.pub", &parts.falcon_public)?;
	write("ca.name", parts.common_name.as_bytes())?;
	// The CA certificate as PEM, for `openssl verify -CAfile ca.pem` and TLS clients.
	let pem = hypermesh_pki::pem::certificate(&parts.cert_der).map_err(KeyError::Certificate)?;
	write("ca.pem", pem.as_bytes())?;
	write("ca.cert.der", &parts.cert_der)?;
	Ok(ca)
}

/// Loads the CA in `dir`, generating one there first if it has none.
pub fn load_or_generate_ca(dir: &Path) -> Result<HybridCa, KeyError> {
	if dir.join("ca.cert.der").exists() {
		load_ca(dir)
	} else {
		let ca = generate_ca(dir, "HyperMesh TrustChain development root CA")?;
		log::info!(target: "trustchain", "generated a TrustChain CA in {}", dir.display());
		Ok(ca)
	}
}

/// Issues a hybrid leaf certificate (DER) for `names` (the first is the common name) and
/// the requester's `classical` and FALCON-1024 keys, valid from a minute ago for
/// `validity` seconds.
pub fn issue_certificate(
	ca: &HybridCa,
	names: Vec<String>,
	classical: &SubjectKey,
	falcon_public_key: &[u8],
	validity: u64,
) -> Result<Vec<u8>, KeyError> {
	let not_before = time::OffsetDateTime::now_utc() - time::Duration::seconds(60);
	let spec = LeafSpec {
		common_name: names.first().cloned().unwrap_or_default(),
		subject_alt_names: names,
		// Random, 63 bits: unique per authority with overwhelming probability (the
		// chain refuses a repeated serial, and the service then retries).
		serial: rand::random::<u64>() >> 1,
		not_before,
		not_after: not_before + time::Duration::seconds(validity as i64),
	};
	let der = ca
		.issue_for(&spec, classical, falcon_public_key)
		.map_err(KeyError::Certificate)?;
	Ok(der.to_vec())
}
