//! The space commitment and the four proofs, built from the space data file the hardware
//! oracle uses (`space.bin`, [`SpaceData`]) and the chain's proof parameters (the
//! `HyperMeshAssetsApi` runtime API, read over `state_call`).
//!
//! * `commit` registers the Merkle root of the data file, bound to an IPv6 location, as
//!   the oracle does (the file is made with the oracle's chunk count if absent).
//! * [`consensus_proof`] proves an operation: PoTime is the best block, PoSpace answers
//!   that block's challenges from the data file against the signer's registered
//!   commitment of it, PoStake claims the chain's minimum stake (checked against what the
//!   signer bonded), and PoWork searches a nonce at the chain's difficulty.

use std::{net::SocketAddrV6, path::Path};

use codec::Encode;
use hypermesh_primitives::{ct, proofs};
use hypermesh_runtime::{AccountId, Hash, RuntimeCall};
use pallet_hypermesh_assets::{
	ConsensusProof, ProofParameters, SpaceCommitment, StakeProof, TimeProof,
};
use serde_json::json;

use super::{chain::Chain, ChainCall, ProviderError};
use crate::{
	encoding::hex,
	services::oracle::{SpaceData, DEFAULT_CHUNKS},
};

/// The chain's proof parameters at `at`.
async fn parameters(chain: &Chain, at: Hash) -> Result<ProofParameters, ProviderError> {
	chain
		.runtime_api("HyperMeshAssetsApi_proof_parameters", (), at)
		.await
}

/// The signer's registered space commitments at `at`.
async fn commitments(
	chain: &Chain,
	at: Hash,
) -> Result<Vec<([u8; 32], SpaceCommitment)>, ProviderError> {
	chain
		.runtime_api("HyperMeshAssetsApi_space_commitments", chain.account(), at)
		.await
}

/// The `commitSpace` call for the data in `dir` (made if absent) at `location`, or, if
/// the signer has registered it already, the JSON line saying so.
pub async fn commit(
	chain: &Chain,
	dir: &Path,
	location: SocketAddrV6,
) -> Result<ChainCall, ProviderError> {
	let (_, best) = chain.best().await?;
	let parameters = parameters(chain, best).await?;
	let space = SpaceData::open_or_create(dir, DEFAULT_CHUNKS.max(parameters.min_space_chunks))?;
	let leaves = space.leaf_hashes()?;
	let commitment = SpaceCommitment {
		root: ct::root(&leaves),
		chunks: leaves.len() as u64,
		address: location.ip().octets(),
		port: location.port(),
	};
	let id = commitment.id();
	let described = json!({
		"id": hex(&id),
		"root": hex(&commitment.root),
		"chunks": commitment.chunks,
		"location": location.to_string(),
	});
	if commitments(chain, best)
		.await?
		.iter()
		.any(|(registered, _)| *registered == id)
	{
		return Ok(ChainCall::Done(json!({
			"block": null,
			"number": null,
			"events": [],
			"error": null,
			"commitment": described,
			"alreadyCommitted": true,
		})));
	}
	Ok(ChainCall::Send(
		RuntimeCall::AssetRegistry(pallet_hypermesh_assets::Call::commit_space { commitment }),
		json!({ "commitment": described }),
	))
}

/// A consensus proof for `operation` signed by the chain's signer, from the space data
/// in `dir` (which the signer must have committed).
pub async fn consensus_proof(
	chain: &Chain,
	dir: &Path,
	operation: &ct::Hash,
) -> Result<ConsensusProof, ProviderError> {
	let (number, best) = chain.best().await?;
	let parameters = parameters(chain, best).await?;
	let bonded: u128 = chain
		.runtime_api("HyperMeshAssetsApi_bonded_stake", chain.account(), best)
		.await?;
	if bonded < parameters.minimum_stake {
		return Err(ProviderError::NotEnoughStake {
			bonded,
			minimum: parameters.minimum_stake,
		});
	}
	let space = SpaceData::existing(dir).ok_or_else(|| ProviderError::NoSpaceData(dir.into()))?;
	let leaves = space.leaf_hashes()?;
	let root = ct::root(&leaves);
	// The location is the registered commitment's: the data says what, the chain where.
	let commitment = commitments(chain, best)
		.await?
		.into_iter()
		.map(|(_, commitment)| commitment)
		.find(|commitment| commitment.root == root && commitment.chunks == leaves.len() as u64)
		.ok_or_else(|| ProviderError::NotCommitted(dir.into()))?;
	build(
		chain.account(),
		TimeProof {
			number,
			hash: best.into(),
		},
		&leaves,
		&commitment,
		&parameters,
		operation,
	)
}

/// The four proofs for `operation` by `signer` at block `time`, from the data's leaf
/// hashes and its registered commitment.
fn build(
	signer: &AccountId,
	time: TimeProof,
	leaves: &[ct::Hash],
	commitment: &SpaceCommitment,
	parameters: &ProofParameters,
	operation: &ct::Hash,
) -> Result<ConsensusProof, ProviderError> {
	let signer = signer.encode();
	let space = proofs::prove_space(
		&time.hash,
		&signer,
		leaves,
		commitment.address,
		commitment.port,
	)
	.map_err(ProviderError::Proof)?;
	let start = rand::random::<u64>() >> 1;
	let work = proofs::solve_work(operation, &signer, &time, parameters.work_difficulty, start)
		.ok_or(ProviderError::NoWork)?;
	Ok(ConsensusProof {
		space,
		stake: StakeProof {
			bonded: parameters.minimum_stake,
		},
		work,
		time,
	})
}

/// Checks a built proof as the chain would (its PoTime and registration aside).
#[cfg(test)]
fn verify(
	signer: &AccountId,
	proof: &ConsensusProof,
	operation: &ct::Hash,
	parameters: &ProofParameters,
) -> Result<(), proofs::ProofError> {
	let signer = signer.encode();
	proofs::verify_space(&proof.time.hash, &signer, &proof.space)?;
	proofs::verify_work(
		operation,
		&signer,
		&proof.time,
		&proof.work,
		parameters.work_difficulty,
	)?;
	proofs::verify_stake(
		&proof.stake,
		parameters.minimum_stake,
		parameters.minimum_stake,
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn built_proofs_verify() {
		let dir = std::env::temp_dir().join(format!("hm-provider-proof-{}", std::process::id()));
		let _ = std::fs::remove_dir_all(&dir);
		let leaves = SpaceData::open_or_create(&dir, 64)
			.unwrap()
			.leaf_hashes()
			.unwrap();
		let commitment = SpaceCommitment {
			root: ct::root(&leaves),
			chunks: 64,
			address: "2001:db8::1"
				.parse::<std::net::Ipv6Addr>()
				.unwrap()
				.octets(),
			port: 30333,
		};
		let parameters = ProofParameters {
			work_difficulty: 8,
			window: 32,
			minimum_stake: 10,
			min_space_chunks: 16,
		};
		let signer = AccountId::from([3u8; 32]);
		let operation = [9u8; 32];
		let time = TimeProof {
			number: 7,
			hash: [5u8; 32],
		};
		let proof = build(&signer, time, &leaves, &commitment, &parameters, &operation).unwrap();
		assert_eq!(proof.space.commitment, commitment);
		verify(&signer, &proof, &operation, &parameters).unwrap();
		// Another signer's challenges are other chunks.
		assert!(verify(&AccountId::from([4u8; 32]), &proof, &operation, &parameters).is_err());
		let _ = std::fs::remove_dir_all(&dir);
	}
}
