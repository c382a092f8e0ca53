//! Which IPv6 addresses are really IPv4 hosts. TrustChain refuses them in AAAA records and
//! the asset registry refuses them as provider locations: HyperMesh is IPv6-only, and both
//! must draw the line in the same place.

/// Whether `addr` (network byte order) is an IPv4 host in IPv6 form: IPv4-compatible
/// `::a.b.c.d` (`::/96`, deprecated by RFC 4291 §2.5.5.1; not `::` or `::1`), IPv4-mapped
/// `::ffff:a.b.c.d` (RFC 4291 §2.5.5.2), IPv4-translated `::ffff:0:a.b.c.d` (RFC 6145) or
/// the NAT64 well-known prefix `64:ff9b::a.b.c.d` (RFC 6052).
pub fn embeds_ipv4(addr: &[u8; 16]) -> bool {
	let (prefix, ipv4) = addr.split_at(12);
	match prefix {
		[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] => !matches!(ipv4, [0, 0, 0, 0] | [0, 0, 0, 1]),
		[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]
		| [0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0]
		| [0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0] => true,
		_ => false,
	}
}

/// `::`.
pub fn is_unspecified(addr: &[u8; 16]) -> bool {
	*addr == [0; 16]
}

/// `::1`.
pub fn is_loopback(addr: &[u8; 16]) -> bool {
	addr[..15].iter().all(|b| *b == 0) && addr[15] == 1
}

/// `ff00::/8`.
pub fn is_multicast(addr: &[u8; 16]) -> bool {
	addr[0] == 0xff
}
