//! Validation of names and record data, as pure functions of bytes.
//!
//! Kept apart from the pallet so the rules can be read (and tested) on their own, and so
//! that off-chain code applies exactly the same rules (the node's certificate holder checks
//! its names with [`is_hostname`]). The pallet's name service (the `names` module) maps
//! these errors to its own.
//!
//! * **Names** are host names in the chain's zone: exactly one label followed by `.` and
//!   the zone, e.g. `node1.hypermesh`. A label follows the LDH rule of RFC 1035 §2.3.1 as
//!   relaxed by RFC 1123 §2.1 (a leading digit is allowed): 1 to 63 characters from
//!   `a-z`, `0-9` and `-`, not starting or ending with `-`. Only lowercase is accepted, so
//!   every name has one canonical byte form and `Node1` cannot shadow `node1`. No trailing
//!   dot. Names below a registered name (`api.node1.hypermesh`) are refused: they would
//!   belong to the parent name's owner, which needs hierarchical ownership (not built).
//! * **AAAA** addresses must be real IPv6 endpoints; see [`check_aaaa`].
//! * **SRV targets** are host names anywhere in the DNS (lowercase LDH labels separated by
//!   dots, at most 253 bytes), or `.` alone (RFC 2782: "service decidedly not available").

/// The longest label RFC 1035 allows.
pub const MAX_LABEL_LEN: usize = 63;

/// The longest host name (in text form, without a trailing dot) RFC 1035 allows.
pub const MAX_HOSTNAME_LEN: usize = 253;

/// Why a name is not a registrable name in the zone.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NameError {
	/// The name does not end with `.` followed by the zone.
	NotInZone,
	/// The part before the zone is not a valid lowercase LDH label.
	InvalidLabel,
	/// The part before the zone is several valid labels: only names directly under the
	/// zone can be registered.
	NotSingleLabel,
}

/// Why an address may not be published in an AAAA record.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AddressError {
	/// An IPv4 address in IPv6 clothing.
	Ipv4,
	/// The unspecified address `::`.
	Unspecified,
	/// The loopback address `::1`.
	Loopback,
}

/// Whether `label` is a lowercase LDH label: 1–63 bytes of `a-z`, `0-9`, `-`, neither
/// starting nor ending with `-`.
pub fn is_ldh_label(label: &[u8]) -> bool {
	!label.is_empty()
		&& label.len() <= MAX_LABEL_LEN
		&& label.first() != Some(&b'-')
		&& label.last() != Some(&b'-')
		&& label
			.iter()
			.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
}

/// Whether `name` is a host name: one or more lowercase LDH labels separated by single
/// dots, at most [`MAX_HOSTNAME_LEN`] bytes, no trailing dot.
pub fn is_hostname(name: &[u8]) -> bool {
	!name.is_empty()
		&& name.len() <= MAX_HOSTNAME_LEN
		&& name.split(|c| *c == b'.').all(is_ldh_label)
}

/// Whether `target` is a valid SRV target: a host name, or `.` alone.
pub fn is_srv_target(target: &[u8]) -> bool {
	target == b"." || is_hostname(target)
}

/// The label of `name` if `name` is `<label>.<zone>` with a valid label.
pub fn label_in_zone<'a>(name: &'a [u8], zone: &[u8]) -> Result<&'a [u8], NameError> {
	let label = name
		.strip_suffix(zone)
		.and_then(|rest| rest.strip_suffix(b"."))
		.ok_or(NameError::NotInZone)?;
	if is_ldh_label(label) {
		Ok(label)
	} else if label.contains(&b'.') && is_hostname(label) {
		Err(NameError::NotSingleLabel)
	} else {
		Err(NameError::InvalidLabel)
	}
}

/// Checks that `addr` (network byte order) may be published in an AAAA record.
///
/// Refused:
/// * `::` (unspecified) and `::1` (loopback): they name no remote host;
/// * `::a.b.c.d` (IPv4-compatible, `::/96`, deprecated by RFC 4291 §2.5.5.1),
///   `::ffff:a.b.c.d` (IPv4-mapped, RFC 4291 §2.5.5.2), `::ffff:0:a.b.c.d`
///   (IPv4-translated, RFC 6145) and `64:ff9b::a.b.c.d` (the NAT64 well-known prefix,
///   RFC 6052): each is an IPv4 host, which an IPv6-only network must not be pointed at.
///
/// Everything else is accepted, including tunnelled forms with their own IPv6 routing
/// (6to4 `2002::/16`, Teredo `2001::/32`), link-local, unique-local and multicast
/// addresses: whether those are useful is the publisher's business, not a safety matter.
pub fn check_aaaa(addr: &[u8; 16]) -> Result<(), AddressError> {
	use hypermesh_primitives::ipv6;
	if ipv6::is_unspecified(addr) {
		Err(AddressError::Unspecified)
	} else if ipv6::is_loopback(addr) {
		Err(AddressError::Loopback)
	} else if ipv6::embeds_ipv4(addr) {
		Err(AddressError::Ipv4)
	} else {
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn ip(s: &str) -> [u8; 16] {
		s.parse::<std::net::Ipv6Addr>()
			.expect("test address parses")
			.octets()
	}

	#[test]
	fn labels() {
		let (max, over) = ("a".repeat(63), "a".repeat(64));
		for ok in [
			"a",
			"node1",
			"1node",
			"0",
			"a-b",
			"a--b",
			"xn--bcher-kva",
			max.as_str(),
		] {
			assert!(is_ldh_label(ok.as_bytes()), "{ok}");
		}
		for bad in [
			"",
			"-a",
			"a-",
			"-",
			"Node1",
			"a_b",
			"a.b",
			"a b",
			"ä",
			over.as_str(),
		] {
			assert!(!is_ldh_label(bad.as_bytes()), "{bad}");
		}
	}

	#[test]
	fn names_in_zone() {
		let z = b"hypermesh";
		assert_eq!(label_in_zone(b"node1.hypermesh", z), Ok(&b"node1"[..]));
		assert_eq!(label_in_zone(b"hypermesh", z), Err(NameError::NotInZone));
		assert_eq!(
			label_in_zone(b".hypermesh", z),
			Err(NameError::InvalidLabel)
		);
		assert_eq!(label_in_zone(b"xhypermesh", z), Err(NameError::NotInZone));
		assert_eq!(
			label_in_zone(b"node1.hypermesh.", z),
			Err(NameError::NotInZone)
		);
		assert_eq!(
			label_in_zone(b"node1.example", z),
			Err(NameError::NotInZone)
		);
		assert_eq!(
			label_in_zone(b"node1.HYPERMESH", z),
			Err(NameError::NotInZone)
		);
		assert_eq!(
			label_in_zone(b"Node1.hypermesh", z),
			Err(NameError::InvalidLabel)
		);
		assert_eq!(
			label_in_zone(b"-n.hypermesh", z),
			Err(NameError::InvalidLabel)
		);
		assert_eq!(
			label_in_zone(b"a..hypermesh", z),
			Err(NameError::InvalidLabel)
		);
		assert_eq!(
			label_in_zone(b"api.node1.hypermesh", z),
			Err(NameError::NotSingleLabel)
		);
		let long = [&[b'a'; 64][..], b".hypermesh"].concat();
		assert_eq!(label_in_zone(&long, z), Err(NameError::InvalidLabel));
	}

	#[test]
	fn hostnames_and_srv_targets() {
		assert!(is_srv_target(b"."));
		assert!(is_srv_target(b"node1.hypermesh"));
		assert!(is_srv_target(b"localhost"));
		assert!(!is_srv_target(b""));
		assert!(!is_srv_target(b".."));
		assert!(!is_srv_target(b"node1.hypermesh."));
		assert!(!is_srv_target(b"_sip._tcp.example"));
		assert!(!is_srv_target(b"a..b"));
		let max = [
			[b'a'; 63].as_slice(),
			b".",
			&[b'b'; 63],
			b".",
			&[b'c'; 63],
			b".",
			&[b'd'; 61],
		]
		.concat();
		assert_eq!(max.len(), MAX_HOSTNAME_LEN);
		assert!(is_hostname(&max));
		assert!(!is_hostname(&[max.as_slice(), b"e"].concat()));
	}

	#[test]
	fn aaaa() {
		for ok in [
			"2001:db8::1",
			"fe80::1",
			"fd00::1",
			"ff02::1",
			"2002:c000:0204::1",
			"::2:0:0:1",
			"::1:0:0:0:1",
		] {
			assert_eq!(check_aaaa(&ip(ok)), Ok(()), "{ok}");
		}
		assert_eq!(check_aaaa(&ip("::")), Err(AddressError::Unspecified));
		assert_eq!(check_aaaa(&ip("::1")), Err(AddressError::Loopback));
		for v4 in [
			"::ffff:192.0.2.1",
			"::ffff:0.0.0.0",
			"::192.0.2.1",
			"::0.0.0.2",
			"::ffff:0:192.0.2.1",
			"64:ff9b::192.0.2.1",
		] {
			assert_eq!(check_aaaa(&ip(v4)), Err(AddressError::Ipv4), "{v4}");
		}
	}
}
