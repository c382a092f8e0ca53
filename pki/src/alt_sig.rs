//! The DER of the three X.509 (2019) §9.8 alternative-signature extensions HyperMesh puts
//! in its certificates, and the TBSCertificate of a certificate (the bytes the CA's FALCON
//! key signs are taken from it).
//!
//! Encoded with RustCrypto's `der` and `spki`, the crates `hypermesh_primitives::x509`
//! decodes them with; the OIDs are primitives' own constants.

use der::{asn1::BitStringRef, oid::ObjectIdentifier, Encode as _, Reader as _, SliceReader, Tag};
use spki::{AlgorithmIdentifierRef, SubjectPublicKeyInfoRef};

pub use hypermesh_primitives::x509::{
	OID_ALT_SIG_ALG, OID_ALT_SIG_VALUE, OID_ALT_SPKI, OID_FALCON1024,
};

use crate::error::Result;

/// The arcs of `oid`, as rcgen's custom extensions take them.
pub fn arcs(oid: &ObjectIdentifier) -> Vec<u64> {
	oid.arcs().map(u64::from).collect()
}

/// `AlgorithmIdentifier { falcon-1024 }` (no parameters).
fn falcon_algorithm() -> AlgorithmIdentifierRef<'static> {
	AlgorithmIdentifierRef {
		oid: OID_FALCON1024,
		parameters: None,
	}
}

/// The value of altSignatureAlgorithm (2.5.29.73): `AlgorithmIdentifier { falcon-1024 }`.
pub fn alt_signature_algorithm() -> Result<Vec<u8>> {
	Ok(falcon_algorithm().to_der()?)
}

/// The value of subjectAltPublicKeyInfo (2.5.29.72): `SubjectPublicKeyInfo {
/// AlgorithmIdentifier { falcon-1024 }, BIT STRING <falcon_public> }`.
pub fn subject_alt_public_key_info(falcon_public: &[u8]) -> Result<Vec<u8>> {
	Ok(SubjectPublicKeyInfoRef {
		algorithm: falcon_algorithm(),
		subject_public_key: BitStringRef::new(0, falcon_public)?,
	}
	.to_der()?)
}

/// The value of altSignatureValue (2.5.29.74): `BIT STRING <signature>`.
pub fn alt_signature_value(signature: &[u8]) -> Result<Vec<u8>> {
	Ok(BitStringRef::new(0, signature)?.to_der()?)
}

/// The TBSCertificate of a DER certificate, byte for byte as it appears in it (the first
/// element of the outer SEQUENCE). Refuses anything that is not a SEQUENCE holding a
/// SEQUENCE, and trailing bytes.
pub fn tbs_of(certificate: &[u8]) -> Result<&[u8]> {
	let mut reader = SliceReader::new(certificate)?;
	let tbs = reader.sequence(|certificate| {
		certificate.peek_header()?.tag.assert_eq(Tag::Sequence)?;
		let tbs = certificate.tlv_bytes()?;
		// The signature algorithm and value follow; they are not looked at here.
		let rest = certificate.remaining_len();
		certificate.read_slice(rest)?;
		Ok(tbs)
	})?;
	Ok(reader.finish(tbs)?)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn extensions_have_the_documented_encoding() {
		assert_eq!(arcs(&OID_ALT_SPKI), [2, 5, 29, 72]);
		assert_eq!(arcs(&OID_ALT_SIG_ALG), [2, 5, 29, 73]);
		assert_eq!(arcs(&OID_ALT_SIG_VALUE), [2, 5, 29, 74]);
		assert_eq!(arcs(&OID_FALCON1024), [1, 3, 9999, 3, 14]);
		// SEQUENCE { OID 1.3.9999.3.14 }
		let algorithm = [0x30, 0x07, 0x06, 0x05, 0x2b, 0xce, 0x0f, 0x03, 0x0e];
		assert_eq!(alt_signature_algorithm().unwrap(), algorithm);
		// BIT STRING, long form length (1 + 1280 = 0x0501), no unused bits.
		let signature = vec![0x3a; 1280];
		let value = alt_signature_value(&signature).unwrap();
		assert_eq!(value[..5], [0x03, 0x82, 0x05, 0x01, 0x00]);
		assert_eq!(value[5..], signature[..]);
		// SEQUENCE { algorithm, BIT STRING <1793 bytes> }: 9 + 4 + 1794 = 1807 = 0x070f.
		let key = vec![0x0a; 1793];
		let spki = subject_alt_public_key_info(&key).unwrap();
		assert_eq!(spki[..4], [0x30, 0x82, 0x07, 0x0f]);
		assert_eq!(spki[4..13], algorithm);
		assert_eq!(spki[13..18], [0x03, 0x82, 0x07, 0x02, 0x00]);
		assert_eq!(spki[18..], key[..]);
		assert_eq!(spki.len(), 4 + 1807);
	}

	#[test]
	fn tbs_of_takes_the_first_element_and_refuses_garbage() {
		// SEQUENCE { SEQUENCE { INTEGER 5 }, NULL }
		let certificate = [0x30, 0x07, 0x30, 0x03, 0x02, 0x01, 0x05, 0x05, 0x00];
		assert_eq!(
			tbs_of(&certificate).unwrap(),
			[0x30, 0x03, 0x02, 0x01, 0x05]
		);
		assert!(tbs_of(&[]).is_err());
		assert!(tbs_of(&[0x30, 0x03, 0x30, 0x01]).is_err());
		assert!(tbs_of(&[0x30, 0x02, 0x04, 0x00]).is_err());
		assert!(tbs_of(&[0x30, 0x02, 0x30, 0x00, 0x00]).is_err());
		assert!(tbs_of(&[0x31, 0x02, 0x30, 0x00]).is_err());
		assert!(tbs_of(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_err());
		assert!(tbs_of(&[0xff; 64]).is_err());
	}
}
