//! How the node writes bytes and chain data as text: `0x` hex, PEM certificates, SS58
//! accounts and the JSON of a TrustChain name resolution.
//!
//! The RPC methods, the `trustchain` subcommands, the holder's certificate files, the
//! services' logs and DNS over STOQ all write these forms, and must write them the same
//! way; keeping them here (rather than in the RPC room) lets every room use them without
//! depending on another.

use hypermesh_runtime::{AccountId, BlockNumber};
use pallet_trustchain::DnsRecord;
use serde_json::{json, Value};
use sp_core::crypto::Ss58Codec;

/// Bytes as `0x`-prefixed hex.
pub fn hex(bytes: &[u8]) -> String {
	format!("0x{}", ::hex::encode(bytes))
}

/// A DER certificate as PEM (RFC 7468, `CERTIFICATE`, 64-column lines, LF).
pub fn pem(der: &[u8]) -> Result<String, hypermesh_pki::PkiError> {
	hypermesh_pki::pem::certificate(der)
}

/// DER certificates as concatenated PEM blocks, in order.
pub fn pem_chain(ders: &[Vec<u8>]) -> Result<String, hypermesh_pki::PkiError> {
	hypermesh_pki::pem::certificates(ders.iter().map(Vec::as_slice))
}

/// An account as SS58 text.
pub fn account(who: &AccountId) -> String {
	who.to_ss58check()
}

/// A name's resolution as `trustchain_resolve` (and DNS over STOQ) answer it.
pub fn resolution_json(
	name: &str,
	resolution: &pallet_trustchain_runtime_api::Resolution<AccountId, BlockNumber>,
) -> Value {
	let records: Vec<Value> = resolution
		.records
		.iter()
		.map(|record| match record {
			DnsRecord::Aaaa(address) => json!({
				"type": "AAAA",
				"address": std::net::Ipv6Addr::from(*address).to_string(),
			}),
			DnsRecord::Srv {
				priority,
				weight,
				port,
				target,
			} => json!({
				"type": "SRV",
				"priority": priority,
				"weight": weight,
				"port": port,
				"target": String::from_utf8_lossy(target),
			}),
			DnsRecord::Txt(data) => json!({
				"type": "TXT",
				"text": String::from_utf8_lossy(data),
				"data": hex(data),
			}),
		})
		.collect();
	json!({
		"name": name,
		"owner": account(&resolution.owner),
		"expiresAt": resolution.expires_at,
		"records": records,
	})
}
