//! PEM (RFC 7468) encoding of certificates, for the files and RPC answers that hand them
//! to tools expecting PEM (`openssl`, rustls' PEM readers, browsers).
//!
//! Encoded with RustCrypto's `pem-rfc7468`: the strict grammar, 64-column base64 lines,
//! `\n` line endings, a newline after the END line.

use pem_rfc7468::LineEnding;

use crate::error::Result;

/// The PEM label of an X.509 certificate.
pub const CERTIFICATE_LABEL: &str = "CERTIFICATE";

/// A DER certificate as PEM (`-----BEGIN CERTIFICATE-----` ... ).
pub fn certificate(der: &[u8]) -> Result<String> {
	Ok(pem_rfc7468::encode_string(
		CERTIFICATE_LABEL,
		LineEnding::LF,
		der,
	)?)
}

/// Several DER certificates as consecutive PEM blocks, in the order given (a chain
/// file: issuer first, or leaf first, as the caller lists them).
pub fn certificates<'a>(ders: impl IntoIterator<Item = &'a [u8]>) -> Result<String> {
	ders.into_iter().map(certificate).collect()
}

/// The DER of a single PEM certificate; refuses other labels and anything that is not
/// strict RFC 7468 PEM.
pub fn decode_certificate(pem: &str) -> Result<Vec<u8>> {
	let (label, der) = pem_rfc7468::decode_vec(pem.as_bytes())?;
	if label != CERTIFICATE_LABEL {
		return Err(pem_rfc7468::Error::UnexpectedTypeLabel {
			expected: CERTIFICATE_LABEL,
		}
		.into());
	}
	Ok(der)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn certificate_pem_has_the_usual_layout() {
		let der: Vec<u8> = (0..=255u8).cycle().take(100).collect();
		let pem = certificate(&der).unwrap();
		let lines: Vec<&str> = pem.split('\n').collect();
		assert_eq!(lines[0], "-----BEGIN CERTIFICATE-----");
		// 100 bytes: 136 base64 characters, on lines of 64.
		assert_eq!(lines[1].len(), 64);
		assert_eq!(lines[2].len(), 64);
		assert_eq!(lines[3].len(), 8);
		assert!(lines[3].ends_with("=="));
		assert_eq!(lines[4], "-----END CERTIFICATE-----");
		assert_eq!(lines[5], "");
		assert_eq!(lines.len(), 6);
		assert!(lines[1].starts_with("AAECAwQFBgcICQoL"));
		assert_eq!(decode_certificate(&pem).unwrap(), der);
	}

	#[test]
	fn chains_and_refusals() {
		let chain = certificates([&[1u8, 2, 3][..], &[4, 5][..]]).unwrap();
		assert_eq!(
			chain,
			"-----BEGIN CERTIFICATE-----\nAQID\n-----END CERTIFICATE-----\n\
			 -----BEGIN CERTIFICATE-----\nBAU=\n-----END CERTIFICATE-----\n"
		);
		assert!(decode_certificate(
			"-----BEGIN PRIVATE KEY-----\nAQID\n-----END PRIVATE KEY-----\n"
		)
		.is_err());
		assert!(decode_certificate("AQID").is_err());
		assert!(decode_certificate("").is_err());
	}
}
