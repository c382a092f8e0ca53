//! `hypermesh-node`: the HyperMesh validator and full node.

#![warn(missing_docs)]

mod assets_rpc;
mod chain_spec;
mod cli;
mod command;
mod hardware_oracle;
mod rpc;
mod service;
mod stoq_service;
mod trustchain_ca;
mod trustchain_holder;
mod trustchain_rpc;

fn main() -> sc_cli::Result<()> {
	command::run()
}
