//! The certificate holder service: keeps this node's own TrustChain certificate valid,
//! rotating its keys before the certificate expires.
//!
//! Started with `--trustchain-holder-dir <DIR> --trustchain-holder-names <name,...>`, with
//! the holder account's sr25519 key in the keystore under key type `tchd` (or, on
//! development chains, `--trustchain-holder-suri`). On every finalized block it:
//!
//! 1. installs a newly issued certificate: when a certificate issued to the holder carries
//!    the public key of the key set waiting in `DIR/next/`, it writes `DIR/cert.der`,
//!    `DIR/cert.pem` and `DIR/chain.pem` (CA certificates, issuer first), records its id in
//!    `DIR/cert.id`, and moves `DIR/next/` to `DIR/current/` (the key set of the certificate);
//! 2. waits while a request of the holder is pending;
//! 3. registers the names the holder does not own yet (if nobody else holds them);
//! 4. when there is no valid certificate, or the current one ends within
//!    `--trustchain-renew-before` seconds, makes a new key set in `DIR/next/` (so every
//!    renewal rotates the keys), proves possession of it, and requests a certificate for
//!    the names that renews the current one (which the chain then revokes as `Superseded`).
//!
//! Private keys never leave `DIR`.

use std::{path::PathBuf, sync::Arc};

use futures::StreamExt;
use hypermesh_runtime::{opaque::Block, AccountId, Balance, BlockNumber, Nonce, RuntimeCall};
use pallet_trustchain::Revocation;
use pallet_trustchain_runtime_api::TrustChainApi;
use sc_client_api::BlockchainEvents;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::crypto::KeyTypeId;
use sp_keystore::KeystorePtr;
use sp_runtime::traits::Block as BlockT;

use crate::trustchain_ca::{self as ca, Submitter};
use frame_system_rpc_runtime_api::AccountNonceApi;

/// The keystore key type of the certificate holder's account (sr25519).
pub const HOLDER_KEY_TYPE: KeyTypeId = KeyTypeId(*b"tchd");

/// After how many finalized blocks without effect a submission is repeated.
const RESUBMIT_AFTER_BLOCKS: BlockNumber = 10;

/// The holder service (see the module docs).
pub struct HolderService<C, P> {
	client: Arc<C>,
	submitter: Submitter<C, P>,
	dir: PathBuf,
	names: Vec<String>,
	renew_before: u64,
	last_submission: Option<BlockNumber>,
}

fn write(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
	std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

impl<C, P> HolderService<C, P>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ BlockchainEvents<Block>
		+ Send
		+ Sync
		+ 'static,
	C::Api: TrustChainApi<Block, AccountId, BlockNumber, Balance>
		+ AccountNonceApi<Block, AccountId, Nonce>,
	P: TransactionPool<Block = Block> + 'static,
{
	/// A holder service keeping a certificate for `names` in `dir`.
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		dir: PathBuf,
		names: Vec<String>,
		renew_before: u64,
	) -> Result<Self, String> {
		if names.is_empty() {
			return Err("--trustchain-holder-names names no name".into());
		}
		std::fs::create_dir_all(&dir)
			.map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
		Ok(Self {
			submitter: Submitter::new(client.clone(), pool, keystore, HOLDER_KEY_TYPE),
			client,
			dir,
			names,
			renew_before,
			last_submission: None,
		})
	}

	/// Runs until the node stops.
	pub async fn run(mut self) {
		let mut finality = self.client.finality_notification_stream();
		log::info!(
			target: "trustchain",
			"certificate holder for {} started ({})",
			self.names.join(", "),
			match self.submitter.account() {
				Some(account) => format!("holder {account}"),
				None => "no holder key (`tchd`) in the keystore: nothing will be requested".into(),
			}
		);
		while let Some(notification) = finality.next().await {
			let number = *sp_runtime::traits::Header::number(&notification.header);
			if let Err(e) = self.on_finalized(notification.hash, number).await {
				log::warn!(target: "trustchain", "certificate holder: {e}");
			}
		}
	}

	fn current_id(&self) -> Option<u64> {
		std::fs::read_to_string(self.dir.join("cert.id"))
			.ok()?
			.trim()
			.parse()
			.ok()
	}

	async fn on_finalized(
		&mut self,
		finalized: <Block as BlockT>::Hash,
		number: BlockNumber,
	) -> Result<(), String> {
		let Some(me) = self.submitter.account() else {
			return Ok(());
		};
		let api = self.client.runtime_api();
		let certificates = api
			.certificates_of(finalized, me.clone(), u32::MAX)
			.map_err(|e| e.to_string())?;
		let next_dir = self.dir.join("next");

		// 1. Install a certificate issued for the waiting key set.
		if next_dir.join("p256.key.der").exists() {
			let next_key = ca::requester_classical_key(&next_dir)?;
			for (id, issued) in certificates.iter().rev() {
				if issued.revocation != Revocation::NotRevoked {
					continue;
				}
				let Some(details) = api.certificate(finalized, *id).map_err(|e| e.to_string())?
				else {
					continue;
				};
				let cert = hypermesh_primitives::x509::HybridCertificate::parse(&details.der)
					.map_err(|e| format!("certificate {id}: {e:?}"))?;
				if cert.subject_key
					!= hypermesh_primitives::x509::SubjectKey::EcdsaP256(next_key.clone())
				{
					continue;
				}
				self.install(*id, &details.der, &details.chain)?;
				return Ok(());
			}
		}

		// 2. Wait for a pending request of ours.
		let pending = api
			.pending_requests(finalized, u32::MAX)
			.map_err(|e| e.to_string())?;
		if pending.iter().any(|(_, request)| request.requester == me) {
			return Ok(());
		}
		if self
			.last_submission
			.is_some_and(|at| number.saturating_sub(at) < RESUBMIT_AFTER_BLOCKS)
		{
			return Ok(());
		}

		// 3. Own the names.
		let mut registering = false;
		for name in &self.names {
			match api
				.resolve(finalized, name.clone().into_bytes())
				.map_err(|e| e.to_string())?
			{
				Some(resolution) if resolution.owner == me => {}
				Some(resolution) => {
					return Err(format!("{name} belongs to {}", resolution.owner));
				}
				None => {
					let call = RuntimeCall::TrustChain(pallet_trustchain::Call::register_name {
						name: name
							.clone()
							.into_bytes()
							.try_into()
							.map_err(|_| format!("{name} is too long"))?,
					});
					self.submitter.submit(call).await?;
					log::info!(target: "trustchain", "registering {name}");
					registering = true;
				}
			}
		}
		if registering {
			self.last_submission = Some(number);
			return Ok(());
		}

		// 4. Renew (with new keys) when needed.
		let now = std::time::SystemTime::now()
			.duration_since(std::time::UNIX_EPOCH)
			.map_err(|e| e.to_string())?
			.as_secs();
		let current = self.current_id().and_then(|id| {
			certificates
				.iter()
				.find(|(cid, issued)| *cid == id && issued.revocation == Revocation::NotRevoked)
				.cloned()
		});
		if let Some((_, issued)) = &current {
			if now < issued.not_after.saturating_sub(self.renew_before) {
				return Ok(());
			}
		}
		if !next_dir.join("p256.key.der").exists() {
			ca::write_requester_keys(&next_dir)?;
		}
		let genesis = self.client.info().genesis_hash;
		let proofs = ca::proofs_of_possession(&next_dir, &me, genesis.as_ref())?;
		let call = RuntimeCall::TrustChain(pallet_trustchain::Call::request_certificate {
			names: self
				.names
				.iter()
				.map(|n| {
					n.clone()
						.into_bytes()
						.try_into()
						.map_err(|_| format!("{n} is too long"))
				})
				.collect::<Result<Vec<_>, _>>()?
				.try_into()
				.map_err(|_| "more names than a certificate may have".to_string())?,
			classical_public_key: proofs.classical_public_key,
			falcon_public_key: proofs
				.falcon_public_key
				.try_into()
				.map_err(|_| "bad FALCON key length".to_string())?,
			classical_proof: proofs
				.classical_proof
				.try_into()
				.map_err(|_| "bad classical proof length".to_string())?,
			falcon_proof: proofs
				.falcon_proof
				.try_into()
				.map_err(|_| "bad FALCON proof length".to_string())?,
			renews: current.as_ref().map(|(id, _)| *id),
		});
		self.submitter.submit(call).await?;
		self.last_submission = Some(number);
		log::info!(
			target: "trustchain",
			"requested a certificate for {} with new keys{}",
			self.names.join(", "),
			current.map(|(id, _)| format!(" (renews {id})")).unwrap_or_default()
		);
		Ok(())
	}

	/// Writes certificate `id` and makes the waiting key set the current one.
	fn install(&mut self, id: u64, der: &[u8], chain: &[Vec<u8>]) -> Result<(), String> {
		let current_dir = self.dir.join("current");
		let old_dir = self.dir.join("previous");
		let _ = std::fs::remove_dir_all(&old_dir);
		if current_dir.exists() {
			std::fs::rename(&current_dir, &old_dir).map_err(|e| e.to_string())?;
		}
		std::fs::rename(self.dir.join("next"), &current_dir).map_err(|e| e.to_string())?;
		write(&self.dir.join("cert.der"), der)?;
		write(
			&self.dir.join("cert.pem"),
			crate::trustchain_rpc::pem(der).as_bytes(),
		)?;
		let chain_pem: String = chain
			.iter()
			.map(|ca| crate::trustchain_rpc::pem(ca))
			.collect();
		write(&self.dir.join("chain.pem"), chain_pem.as_bytes())?;
		write(&self.dir.join("cert.id"), id.to_string().as_bytes())?;
		let _ = std::fs::remove_dir_all(&old_dir);
		self.last_submission = None;
		log::info!(target: "trustchain", "installed certificate {id} for {}", self.names.join(", "));
		Ok(())
	}
}

/// Command-line options of the holder service.
#[derive(Debug, Clone, clap::Args)]
pub struct HolderParams {
	/// Keep this node's own TrustChain certificate (and its keys) in this directory,
	/// renewing it with new keys before it expires.
	#[arg(long, value_name = "DIR")]
	pub trustchain_holder_dir: Option<PathBuf>,

	/// The names (`node1.hypermesh`, comma-separated) the holder's certificate is for; the
	/// holder registers those it does not own yet.
	#[arg(long, value_name = "NAMES", value_delimiter = ',')]
	pub trustchain_holder_names: Vec<String>,

	/// Development only: put this secret URI into the keystore as the holder key (`tchd`).
	#[arg(long, value_name = "SURI")]
	pub trustchain_holder_suri: Option<String>,

	/// Renew when the certificate ends within this many seconds.
	#[arg(long, value_name = "SECONDS", default_value_t = 8 * 60 * 60)]
	pub trustchain_renew_before: u64,
}

/// The holder's names from its options, checked as host names.
pub fn checked_names(params: &HolderParams) -> Result<Vec<String>, String> {
	params
		.trustchain_holder_names
		.iter()
		.map(|name| {
			let name = name.trim().to_string();
			if pallet_trustchain::dns::is_hostname(name.as_bytes()) {
				Ok(name)
			} else {
				Err(format!("`{name}` is not a lowercase host name"))
			}
		})
		.collect()
}
