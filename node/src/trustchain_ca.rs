//! TrustChain on the node side: the CA service an authority's node runs, and the
//! `trustchain` subcommands operators and clients use to make CA and requester keys and
//! proofs of possession.
//!
//! **The CA service.** Started with `--trustchain-ca-dir <DIR> --trustchain-authority <ID>`,
//! it loads the authority's CA (ECDSA P-256 key, FALCON-1024 key pair and CA certificate,
//! from files that never go on chain), and on every finalized block asks the runtime for
//! pending certificate requests. For each, it issues a hybrid X.509 certificate with rcgen
//! (STOQ's `HybridCa`: the requested names as DNS subjectAltNames, the requester's
//! classical key, its FALCON key in subjectAltPublicKeyInfo, a FALCON-1024 signature by
//! the CA in altSignatureValue, valid for the runtime's `CertificateValidity`) and submits
//! `TrustChain::issue_certificate`, signed by the authority's operator account, whose sr25519
//! key is in the node's keystore under key type `tcop` (put there with `key insert`, or by
//! `--trustchain-operator-suri` for development chains). The runtime checks everything again.
//!
//! Proofs of possession are checked by the runtime when a request is made; the service
//! trusts the chain for that, and only issues for finalized requests.

use std::{collections::HashMap, path::PathBuf, sync::Arc};

use codec::Encode;
use frame_system_rpc_runtime_api::AccountNonceApi;
use futures::StreamExt;
use hypermesh_runtime::{
	opaque::Block, AccountId, Balance, BlockNumber, Nonce, RuntimeCall, SignedPayload, TxExtension,
	UncheckedExtrinsic, VERSION,
};
use pallet_trustchain::ClassicalPublicKey;
use pallet_trustchain_runtime_api::TrustChainApi;
use sc_client_api::BlockchainEvents;
use sc_transaction_pool_api::{TransactionPool, TransactionSource};
use sp_api::ProvideRuntimeApi;
use sp_blockchain::HeaderBackend;
use sp_core::{crypto::KeyTypeId, sr25519, Pair as _};
use sp_keystore::KeystorePtr;
use sp_runtime::{generic::Era, traits::Block as BlockT, MultiAddress, MultiSignature};
use stoq::cert::{CaParts, HybridCa, LeafSpec};

/// The keystore key type of TrustChain operator accounts (sr25519).
pub const OPERATOR_KEY_TYPE: KeyTypeId = KeyTypeId(*b"tcop");

/// How many pending requests the service takes per finalized block.
const REQUESTS_PER_BLOCK: u32 = 64;

/// After how many finalized blocks a submitted request that is still pending is retried.
const RETRY_AFTER_BLOCKS: BlockNumber = 10;

/// Command-line options of the CA service.
#[derive(Debug, Clone, clap::Args)]
pub struct CaServiceParams {
	/// Run the TrustChain CA service with the CA in this directory (`ca.name`,
	/// `ca.cert.der`, `ca.key.der`, `ca.falcon.pub`, `ca.falcon.key`, as written by
	/// `hypermesh-node trustchain ca-generate`).
	#[arg(long, value_name = "DIR")]
	pub trustchain_ca_dir: Option<PathBuf>,

	/// The on-chain id of the authority the CA service issues for (default 0).
	#[arg(long, value_name = "ID", global = true)]
	pub trustchain_authority: Option<u32>,

	/// Dev and local chains only: put a TrustChain root authority into genesis, with the CA
	/// in this directory (generated there if it has none). Its id is
	/// `--trustchain-authority` (default 0) and its operator the account of
	/// `--trustchain-operator-suri` (default `//Alice`). Works with `build-spec` and when
	/// starting a node (`--dev`), so the CA service can issue from the first block.
	#[arg(long, value_name = "DIR", global = true)]
	pub trustchain_genesis_ca: Option<PathBuf>,

	/// Development only: put this secret URI (e.g. `//Alice`) into the keystore as the
	/// operator key (`tcop`) before starting. On a real chain, use `key insert`.
	#[arg(long, value_name = "SURI", global = true)]
	pub trustchain_operator_suri: Option<String>,
}

/// The `trustchain` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum TrustChainCmd {
	/// Generate a CA (ECDSA P-256 + FALCON-1024, self-signed CA certificate) into a
	/// directory, and print what `TrustChain::add_authority` takes, as JSON.
	CaGenerate {
		/// Where to write the CA's files (created; existing files are not overwritten).
		#[arg(long)]
		out: PathBuf,
		/// The CA's common name.
		#[arg(long, default_value = "HyperMesh TrustChain CA")]
		name: String,
	},
	/// Print the `add_authority` arguments of an existing CA directory, as JSON.
	CaShow {
		/// The CA's directory.
		#[arg(long)]
		dir: PathBuf,
	},
	/// Generate a requester's key pairs (ECDSA P-256 and FALCON-1024) into a directory.
	Keygen {
		/// Where to write the keys (created; existing files are not overwritten).
		#[arg(long)]
		out: PathBuf,
	},
	/// Print the `request_certificate` key and proof arguments for an account, as JSON:
	/// both keys sign the proof-of-possession message for this chain and account.
	Prove {
		/// The requester's key directory (from `keygen`).
		#[arg(long)]
		keys: PathBuf,
		/// The requesting account (SS58 or 0x-prefixed hex).
		#[arg(long)]
		account: String,
		/// The chain's genesis hash (0x-prefixed hex).
		#[arg(long)]
		genesis: String,
	},
}

type CmdResult = Result<(), String>;

fn hex(bytes: &[u8]) -> String {
	format!("0x{}", ::hex::encode(bytes))
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
	::hex::decode(s.trim_start_matches("0x")).map_err(|e| format!("bad hex `{s}`: {e}"))
}

fn write_new(path: &std::path::Path, bytes: &[u8]) -> CmdResult {
	use std::io::Write;
	let mut file = std::fs::OpenOptions::new()
		.write(true)
		.create_new(true)
		.open(path)
		.map_err(|e| format!("cannot create {}: {e}", path.display()))?;
	file.write_all(bytes)
		.map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn read(path: &std::path::Path) -> Result<Vec<u8>, String> {
	std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

/// Loads a CA directory.
pub fn load_ca(dir: &std::path::Path) -> Result<HybridCa, String> {
	let parts = CaParts {
		common_name: String::from_utf8(read(&dir.join("ca.name"))?)
			.map_err(|_| "ca.name is not UTF-8".to_string())?
			.trim()
			.to_string(),
		cert_der: read(&dir.join("ca.cert.der"))?,
		key_pkcs8: read(&dir.join("ca.key.der"))?,
		falcon_public: read(&dir.join("ca.falcon.pub"))?,
		falcon_secret: read(&dir.join("ca.falcon.key"))?,
	};
	HybridCa::import(&parts).map_err(|e| format!("CA in {}: {e}", dir.display()))
}

fn authority_json(ca: &HybridCa) -> serde_json::Value {
	serde_json::json!({
		"caCertificate": hex(ca.cert_der()),
		"caCertificatePem": crate::trustchain_rpc::pem(ca.cert_der()),
		"classicalPublicKey": { "EcdsaP256": hex(&ca.classical_public_key()) },
		"falconPublicKey": hex(&ca.falcon_public_key()),
	})
}

/// Generates a CA into `dir` (which must not hold one yet).
fn generate_ca(dir: &std::path::Path, name: &str) -> Result<HybridCa, String> {
	std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
	let ca = HybridCa::generate(name).map_err(|e| e.to_string())?;
	let parts = ca.export();
	write_new(&dir.join("ca.name"), parts.common_name.as_bytes())?;
	write_new(&dir.join("ca.cert.der"), &parts.cert_der)?;
	write_new(&dir.join("ca.key.der"), &parts.key_pkcs8)?;
	write_new(&dir.join("ca.falcon.pub"), &parts.falcon_public)?;
	write_new(&dir.join("ca.falcon.key"), &parts.falcon_secret)?;
	Ok(ca)
}

/// Loads the CA in `dir`, generating one there first if it has none.
pub fn load_or_generate_ca(dir: &std::path::Path) -> Result<HybridCa, String> {
	if dir.join("ca.cert.der").exists() {
		load_ca(dir)
	} else {
		let ca = generate_ca(dir, "HyperMesh TrustChain development root CA")?;
		log::info!(target: "trustchain", "generated a TrustChain CA in {}", dir.display());
		Ok(ca)
	}
}

/// The account of an sr25519 secret URI.
pub fn operator_account(suri: &str) -> Result<AccountId, String> {
	let pair = sr25519::Pair::from_string(suri, None)
		.map_err(|e| format!("bad operator secret URI: {e:?}"))?;
	Ok(AccountId::from(pair.public()))
}

impl TrustChainCmd {
	/// Runs the subcommand, printing JSON on stdout.
	pub fn run(&self) -> CmdResult {
		match self {
			Self::CaGenerate { out, name } => {
				let ca = generate_ca(out, name)?;
				println!("{}", authority_json(&ca));
			}
			Self::CaShow { dir } => println!("{}", authority_json(&load_ca(dir)?)),
			Self::Keygen { out } => write_requester_keys(out)?,
			Self::Prove {
				keys,
				account,
				genesis,
			} => {
				println!("{}", prove(keys, account, genesis)?);
			}
		}
		Ok(())
	}
}

/// A requester's keys and proofs of possession, as `request_certificate` takes them.
pub struct RequestProofs {
	/// The classical (ECDSA P-256) public key.
	pub classical_public_key: ClassicalPublicKey,
	/// The FALCON-1024 public key.
	pub falcon_public_key: Vec<u8>,
	/// The DER ECDSA signature of the proof-of-possession message.
	pub classical_proof: Vec<u8>,
	/// The padded FALCON-1024 signature of the proof-of-possession message.
	pub falcon_proof: Vec<u8>,
}

/// Writes a new requester key set (ECDSA P-256 PKCS#8, FALCON-1024 public and secret
/// keys) into `dir`.
pub fn write_requester_keys(dir: &std::path::Path) -> CmdResult {
	use pqcrypto_traits::sign::{PublicKey as _, SecretKey as _};
	std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
	let rng = ring::rand::SystemRandom::new();
	let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
		&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
		&rng,
	)
	.map_err(|_| "P-256 key generation failed".to_string())?;
	let (falcon_public, falcon_secret) = pqcrypto_falcon::falconpadded1024::keypair();
	write_new(&dir.join("p256.key.der"), pkcs8.as_ref())?;
	write_new(&dir.join("falcon.pub"), falcon_public.as_bytes())?;
	write_new(&dir.join("falcon.key"), falcon_secret.as_bytes())
}

/// The ECDSA P-256 public key (SEC1, uncompressed) of the key set in `dir`.
pub fn requester_classical_key(dir: &std::path::Path) -> Result<Vec<u8>, String> {
	use ring::signature::KeyPair as _;
	let pair = ring::signature::EcdsaKeyPair::from_pkcs8(
		&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
		&read(&dir.join("p256.key.der"))?,
		&ring::rand::SystemRandom::new(),
	)
	.map_err(|_| "p256.key.der is not a P-256 PKCS#8 key".to_string())?;
	Ok(pair.public_key().as_ref().to_vec())
}

/// Signs the proof-of-possession message for `account` on the chain with `genesis` with
/// both keys of the key set in `dir`.
pub fn proofs_of_possession(
	dir: &std::path::Path,
	account: &AccountId,
	genesis: &[u8],
) -> Result<RequestProofs, String> {
	use pqcrypto_traits::sign::{DetachedSignature as _, SecretKey as _};
	use ring::signature::KeyPair as _;
	let rng = ring::rand::SystemRandom::new();
	let pair = ring::signature::EcdsaKeyPair::from_pkcs8(
		&ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
		&read(&dir.join("p256.key.der"))?,
		&rng,
	)
	.map_err(|_| "p256.key.der is not a P-256 PKCS#8 key".to_string())?;
	let falcon_public_key = read(&dir.join("falcon.pub"))?;
	let falcon_secret =
		pqcrypto_falcon::falconpadded1024::SecretKey::from_bytes(&read(&dir.join("falcon.key"))?)
			.map_err(|_| "falcon.key is not a FALCON-1024 secret key".to_string())?;
	let classical_public_key = ClassicalPublicKey::EcdsaP256(
		pair.public_key()
			.as_ref()
			.to_vec()
			.try_into()
			.map_err(|_| "P-256 point too long".to_string())?,
	);
	let message = hypermesh_primitives::pop::message(
		genesis,
		&account.encode(),
		&classical_public_key.encode(),
		&falcon_public_key,
	);
	let classical_proof = pair
		.sign(&rng, &message)
		.map_err(|_| "P-256 signing failed".to_string())?
		.as_ref()
		.to_vec();
	let falcon_proof = pqcrypto_falcon::falconpadded1024::detached_sign(&message, &falcon_secret)
		.as_bytes()
		.to_vec();
	Ok(RequestProofs {
		classical_public_key,
		falcon_public_key,
		classical_proof,
		falcon_proof,
	})
}

/// The `request_certificate` key and proof arguments (see [`TrustChainCmd::Prove`]).
fn prove(
	keys: &std::path::Path,
	account: &str,
	genesis: &str,
) -> Result<serde_json::Value, String> {
	use sp_core::crypto::Ss58Codec;
	let account = if account.starts_with("0x") {
		AccountId::new(
			unhex(account)?
				.try_into()
				.map_err(|_| "an account id is 32 bytes".to_string())?,
		)
	} else {
		AccountId::from_ss58check(account).map_err(|e| format!("bad account `{account}`: {e:?}"))?
	};
	let genesis = unhex(genesis)?;
	if genesis.len() != 32 {
		return Err("the genesis hash is 32 bytes".into());
	}
	let proofs = proofs_of_possession(keys, &account, &genesis)?;
	let ClassicalPublicKey::EcdsaP256(point) = &proofs.classical_public_key else {
		return Err("key sets are ECDSA P-256".into());
	};
	Ok(serde_json::json!({
		"classicalPublicKey": { "EcdsaP256": hex(point) },
		"falconPublicKey": hex(&proofs.falcon_public_key),
		"classicalProof": hex(&proofs.classical_proof),
		"falconProof": hex(&proofs.falcon_proof),
	}))
}

/// Signs calls with an sr25519 key from the keystore and submits them to the pool,
/// counting nonces across submissions that are not yet in a block.
pub struct Submitter<C, P> {
	client: Arc<C>,
	pool: Arc<P>,
	keystore: KeystorePtr,
	key_type: KeyTypeId,
	next_nonce: Option<Nonce>,
}

impl<C, P> Submitter<C, P>
where
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: AccountNonceApi<Block, AccountId, Nonce>,
	P: TransactionPool<Block = Block> + 'static,
{
	/// Submits as the first `key_type` sr25519 key of `keystore`.
	pub fn new(client: Arc<C>, pool: Arc<P>, keystore: KeystorePtr, key_type: KeyTypeId) -> Self {
		Self {
			client,
			pool,
			keystore,
			key_type,
			next_nonce: None,
		}
	}

	/// The signing key, if the keystore has one.
	pub fn public(&self) -> Option<sr25519::Public> {
		self.keystore
			.sr25519_public_keys(self.key_type)
			.into_iter()
			.next()
	}

	/// The signing account, if the keystore has its key.
	pub fn account(&self) -> Option<AccountId> {
		self.public().map(AccountId::from)
	}

	/// Signs `call` (immortal, no tip) and submits it at the best block.
	pub async fn submit(&mut self, call: RuntimeCall) -> Result<(), String> {
		let public = self
			.public()
			.ok_or_else(|| format!("no `{}` key in the keystore", key_type_name(self.key_type)))?;
		let best = self.client.info().best_hash;
		let chain_nonce = self
			.client
			.runtime_api()
			.account_nonce(best, AccountId::from(public))
			.map_err(|e| e.to_string())?;
		let nonce = self.next_nonce.map_or(chain_nonce, |n| n.max(chain_nonce));
		let xt = self.sign(call, &public, nonce)?;
		match self
			.pool
			.submit_one(best, TransactionSource::Local, xt)
			.await
		{
			Ok(_) => {
				self.next_nonce = Some(nonce + 1);
				Ok(())
			}
			Err(e) => {
				self.next_nonce = None;
				Err(format!("the pool refused the transaction: {e}"))
			}
		}
	}

	fn sign(
		&self,
		call: RuntimeCall,
		public: &sr25519::Public,
		nonce: Nonce,
	) -> Result<<Block as BlockT>::Extrinsic, String> {
		let genesis = self.client.info().genesis_hash;
		let tx_ext: TxExtension = (
			frame_system::AuthorizeCall::new(),
			frame_system::CheckNonZeroSender::new(),
			frame_system::CheckSpecVersion::new(),
			frame_system::CheckTxVersion::new(),
			frame_system::CheckGenesis::new(),
			frame_system::CheckEra::from(Era::Immortal),
			frame_system::CheckNonce::from(nonce),
			frame_system::CheckWeight::new(),
			pallet_hypermesh_assets::CheckConsensusProof::new(),
			pallet_transaction_payment::ChargeTransactionPayment::from(0),
			frame_metadata_hash_extension::CheckMetadataHash::new(false),
			frame_system::WeightReclaim::new(),
		);
		let payload = SignedPayload::from_raw(
			call.clone(),
			tx_ext.clone(),
			(
				(),
				(),
				VERSION.spec_version,
				VERSION.transaction_version,
				genesis,
				genesis,
				(),
				(),
				(),
				(),
				None,
				(),
			),
		);
		let signature = payload
			.using_encoded(|bytes| self.keystore.sr25519_sign(self.key_type, public, bytes))
			.map_err(|e| format!("keystore: {e}"))?
			.ok_or("the signing key is not in the keystore")?;
		let xt = UncheckedExtrinsic::new_signed(
			call,
			MultiAddress::Id(AccountId::from(*public)),
			MultiSignature::Sr25519(signature),
			tx_ext,
		);
		sp_runtime::OpaqueExtrinsic::try_from_encoded_extrinsic(&xt.encode())
			.map_err(|e| format!("extrinsic encoding: {e}"))
	}
}

fn key_type_name(key_type: KeyTypeId) -> String {
	String::from_utf8_lossy(&key_type.0).into_owned()
}

/// Puts a development key (`suri`) into the keystore under `key_type`.
pub fn insert_dev_key(
	keystore: &KeystorePtr,
	key_type: KeyTypeId,
	suri: &str,
) -> Result<(), String> {
	let pair =
		sr25519::Pair::from_string(suri, None).map_err(|e| format!("bad secret URI: {e:?}"))?;
	keystore
		.insert(key_type, suri, pair.public().as_ref())
		.map_err(|_| "cannot insert the key into the keystore".to_string())
}

/// The CA service (see the module docs).
pub struct CaService<C, P> {
	client: Arc<C>,
	submitter: Submitter<C, P>,
	ca: HybridCa,
	authority: u32,
}

impl<C, P> CaService<C, P>
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
	/// A CA service for `authority` with the CA in `ca_dir`.
	pub fn new(
		client: Arc<C>,
		pool: Arc<P>,
		keystore: KeystorePtr,
		ca_dir: &std::path::Path,
		authority: u32,
	) -> Result<Self, String> {
		Ok(Self {
			submitter: Submitter::new(client.clone(), pool, keystore, OPERATOR_KEY_TYPE),
			client,
			ca: load_ca(ca_dir)?,
			authority,
		})
	}

	/// Runs until the node stops.
	pub async fn run(mut self) {
		let mut finality = self.client.finality_notification_stream();
		// Request id -> the finalized block number it was last submitted at.
		let mut submitted: HashMap<u64, BlockNumber> = HashMap::new();
		log::info!(
			target: "trustchain",
			"CA service for authority {} started ({})",
			self.authority,
			match self.submitter.account() {
				Some(account) => format!("operator {account}"),
				None => "no operator key (`tcop`) in the keystore: nothing will be issued".into(),
			}
		);
		while let Some(notification) = finality.next().await {
			let number = *sp_runtime::traits::Header::number(&notification.header);
			if let Err(e) = self
				.on_finalized(notification.hash, number, &mut submitted)
				.await
			{
				log::warn!(target: "trustchain", "CA service: {e}");
			}
		}
	}

	async fn on_finalized(
		&mut self,
		finalized: <Block as BlockT>::Hash,
		number: BlockNumber,
		submitted: &mut HashMap<u64, BlockNumber>,
	) -> Result<(), String> {
		if self.submitter.public().is_none() {
			return Ok(());
		}
		let api = self.client.runtime_api();
		let pending = api
			.pending_requests(finalized, REQUESTS_PER_BLOCK)
			.map_err(|e| format!("pending_requests: {e}"))?;
		submitted.retain(|id, _| pending.iter().any(|(pending_id, _)| pending_id == id));
		let validity = api
			.certificate_validity(finalized)
			.map_err(|e| e.to_string())?;
		for (id, request) in pending {
			if submitted
				.get(&id)
				.is_some_and(|at| number.saturating_sub(*at) < RETRY_AFTER_BLOCKS)
			{
				continue;
			}
			submitted.insert(id, number);
			let der = match self.issue(&request, validity) {
				Ok(der) => der,
				Err(e) => {
					log::warn!(target: "trustchain", "request {id}: cannot issue: {e}");
					continue;
				}
			};
			let call = RuntimeCall::TrustChain(pallet_trustchain::Call::issue_certificate {
				request: id,
				authority: self.authority,
				der: der
					.try_into()
					.map_err(|_| "certificate longer than the chain allows")?,
			});
			match self.submitter.submit(call).await {
				Ok(()) => log::info!(target: "trustchain", "request {id}: certificate submitted"),
				Err(e) => log::warn!(target: "trustchain", "request {id}: {e}"),
			}
		}
		Ok(())
	}

	/// Issues the certificate for a request.
	fn issue(
		&self,
		request: &pallet_trustchain::CertificateRequest<
			AccountId,
			BlockNumber,
			Balance,
			Vec<Vec<u8>>,
		>,
		validity: u64,
	) -> Result<Vec<u8>, String> {
		let names = request
			.names
			.iter()
			.map(|n| String::from_utf8(n.clone()).map_err(|_| "a name is not UTF-8".to_string()))
			.collect::<Result<Vec<_>, _>>()?;
		let classical = match &request.classical_public_key {
			ClassicalPublicKey::Ed25519(key) => {
				hypermesh_primitives::x509::SubjectKey::Ed25519(*key)
			}
			ClassicalPublicKey::EcdsaP256(point) => {
				hypermesh_primitives::x509::SubjectKey::EcdsaP256(point.to_vec())
			}
		};
		let not_before = time::OffsetDateTime::now_utc() - time::Duration::seconds(60);
		let spec = LeafSpec {
			common_name: names.first().cloned().unwrap_or_default(),
			subject_alt_names: names,
			// Random, 63 bits: unique per authority with overwhelming probability (the
			// chain refuses a repeated serial, and the service then retries).
			serial: rand::random::<u64>() >> 1,
			not_before,
			not_after: not_before + time::Duration::seconds(validity as i64),
		};
		let der = self
			.ca
			.issue_for(&spec, &classical, &request.falcon_public_key)
			.map_err(|e| e.to_string())?;
		Ok(der.to_vec())
	}
}
