//! `hypermesh-node`: the HyperMesh validator and full node.
//!
//! The crate is split into rooms: [`cli`] (the command line and its subcommands),
//! [`service`] (the node assembled from Substrate's components, as in the solochain
//! template), [`rpc`] (the JSON-RPC extensions), [`services`] (the node's own services,
//! driven by finalized blocks), [`dashboard`] (the web page's server), [`keys`] (TrustChain key material on disk) and
//! [`chain_spec`]; [`encoding`] and [`files`] are the small helpers several rooms share.

#![warn(missing_docs)]

mod chain_spec;
mod cli;
mod dashboard;
mod encoding;
mod files;
mod keys;
mod rpc;
mod service;
mod services;

fn main() -> sc_cli::Result<()> {
	cli::command::run()
}
