//! A minimal DER writer for the X.509 alternative-signature extensions STOQ puts
//! in the certificates it issues, and a TLV reader the issuer uses to take the
//! TBSCertificate out of the certificate rcgen built (the bytes the CA's FALCON
//! key signs). Parsing and verifying certificates is
//! `hypermesh_primitives::x509`. [`read_tlv`] bounds-checks its input and
//! returns `None` on malformed data.

/// One DER element: its tag, full encoding and content.
#[derive(Debug, Clone, Copy)]
pub struct Tlv<'a> {
	/// The (single-byte) tag.
	pub tag: u8,
	/// The whole element: tag, length and content.
	pub raw: &'a [u8],
	/// The content octets.
	pub content: &'a [u8],
}

/// Reads one element from the start of `input`; returns it and the rest.
pub fn read_tlv(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
	let tag = *input.first()?;
	if tag & 0x1f == 0x1f {
		return None; // multi-byte tags are not used in certificates
	}
	let first = *input.get(1)? as usize;
	let (len, hdr) = if first < 0x80 {
		(first, 2)
	} else {
		let n = first & 0x7f;
		if n == 0 || n > 4 {
			return None;
		}
		let mut len = 0usize;
		for i in 0..n {
			len = (len << 8) | *input.get(2 + i)? as usize;
		}
		(len, 2 + n)
	};
	let end = hdr.checked_add(len)?;
	if end > input.len() {
		return None;
	}
	Some((
		Tlv {
			tag,
			raw: &input[..end],
			content: &input[hdr..end],
		},
		&input[end..],
	))
}

/// Encodes a DER element with the given tag and content.
pub fn encode(tag: u8, content: &[u8]) -> Vec<u8> {
	let mut out = vec![tag];
	let len = content.len();
	if len < 0x80 {
		out.push(len as u8);
	} else {
		let bytes = (len as u64).to_be_bytes();
		let skip = bytes.iter().take_while(|b| **b == 0).count();
		out.push(0x80 | (8 - skip) as u8);
		out.extend_from_slice(&bytes[skip..]);
	}
	out.extend_from_slice(content);
	out
}

/// Encodes an OBJECT IDENTIFIER (tag included) from its arcs.
pub fn encode_oid(arcs: &[u64]) -> Vec<u8> {
	let mut body = Vec::new();
	let mut push = |mut v: u64| {
		let mut tmp = vec![(v & 0x7f) as u8];
		v >>= 7;
		while v > 0 {
			tmp.push(0x80 | (v & 0x7f) as u8);
			v >>= 7;
		}
		tmp.reverse();
		body.extend_from_slice(&tmp);
	};
	if arcs.len() >= 2 {
		push(arcs[0] * 40 + arcs[1]);
		for a in &arcs[2..] {
			push(*a);
		}
	}
	encode(tag::OID, &body)
}

/// DER tags used by this crate.
pub mod tag {
	/// SEQUENCE.
	pub const SEQUENCE: u8 = 0x30;
	/// OBJECT IDENTIFIER.
	pub const OID: u8 = 0x06;
	/// BIT STRING.
	pub const BIT_STRING: u8 = 0x03;
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn roundtrip_long_lengths() {
		let content = vec![7u8; 70_000];
		let enc = encode(0x04, &content);
		let (t, rest) = read_tlv(&enc).unwrap();
		assert!(rest.is_empty());
		assert_eq!(t.content.len(), 70_000);
	}

	#[test]
	fn oid_encoding() {
		assert_eq!(
			encode_oid(&[2, 5, 29, 72]),
			vec![0x06, 0x03, 0x55, 0x1d, 0x48]
		);
		assert_eq!(
			encode_oid(&[1, 3, 9999, 3, 14]),
			vec![0x06, 0x05, 0x2b, 0xce, 0x0f, 0x03, 0x0e]
		);
	}

	#[test]
	fn truncated_input_is_none() {
		assert!(read_tlv(&[0x30, 0x05, 1, 2]).is_none());
		assert!(read_tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_none());
		assert!(read_tlv(&[]).is_none());
	}
}
