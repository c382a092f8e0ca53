//! HyperMesh certificate issuing: hybrid (classical + FALCON-1024) X.509 certificates.
//!
//! **Why this crate exists.** Issuing certificates is needed by the node's TrustChain CA
//! service, by the `stoq` command's development CA, and by the tests of the TrustChain
//! pallet and of STOQ; it used to live in the STOQ transport, so all of them depended on
//! the transport to make a certificate. This crate is the one home for it. Parsing and
//! verifying stay in `hypermesh_primitives::x509` and `hypermesh_primitives::falcon`
//! (no_std, the code the runtime runs), and every certificate issued here is checked with
//! them before it is handed out, so what is issued is what TrustChain accepts.
//!
//! * [`ca`]: [`HybridCa`] (generate, export/import as [`CaParts`]), `issue_leaf` for a
//!   fresh [`NodeIdentity`] and `issue_for` for keys a requester holds, per a [`LeafSpec`].
//! * [`falcon`]: FALCON-1024 key pairs and padded signatures in pure Rust (`fn-dsa`).
//! * [`alt_sig`]: the DER of the alternative-signature extensions (`der`, `spki`).
//! * [`pem`]: PEM encoding of certificates (`pem-rfc7468`).
//! * [`identity`]: a node's TLS identity; [`error`]: [`PkiError`].
//! * [`key_file`]: private keys on disk, written 0600 in 0700 directories and refused
//!   when group or others can access them (the node and the `stoq` command use it).
//!
//! A HyperMesh certificate is an ordinary X.509 v3 certificate signed by the CA with
//! ECDSA P-256 (so rustls/webpki and `openssl verify` accept it), built with rcgen, plus
//! three non-critical extensions from X.509 (2019) §9.8:
//!
//! | extension | OID | value (DER) |
//! |---|---|---|
//! | subjectAltPublicKeyInfo | 2.5.29.72 | `SubjectPublicKeyInfo { AlgorithmIdentifier { falcon-1024 }, BIT STRING <subject's FALCON-1024 public key, 1793 B> }` |
//! | altSignatureAlgorithm | 2.5.29.73 | `AlgorithmIdentifier { falcon-1024 }` |
//! | altSignatureValue | 2.5.29.74 | `BIT STRING <CA's padded FALCON-1024 signature, 1280 B>` |
//!
//! The FALCON-1024 algorithm identifier is [`alt_sig::OID_FALCON1024`] = 1.3.9999.3.14, an
//! experimental OID from the Open Quantum Safe arc (no standard OID exists yet), without
//! parameters. Signatures use the *padded* FALCON-1024 encoding (PQClean's
//! `falconpadded1024`: header, nonce, compressed signature zero-padded to a fixed 1280
//! bytes) with round-3 message hashing, the only form the runtime's verifier accepts; keys
//! are the standard 1793-byte (public) and 2305-byte (secret) encodings, so the keys
//! PQClean wrote before this crate existed are used unchanged.
//!
//! **What FALCON signs.** The CA's FALCON-1024 key signs the *pre-TBS*: the DER of the
//! certificate's `TBSCertificate`, byte for byte as it appears in the final certificate,
//! except that the altSignatureValue extension is removed from the `extensions` SEQUENCE
//! (and the lengths of the enclosing `[3]`, SEQUENCE and TBSCertificate are re-encoded).
//! Everything else, including the serial, validity, subject, classical public key,
//! signature algorithm field and the other two alt-sig extensions, is covered. The issuer
//! builds the certificate once without altSignatureValue, FALCON-signs that TBS (the rule
//! is in one function, `ca::falcon_signed_bytes`), appends the extension (rcgen writes
//! custom extensions last) and checks with `hypermesh_primitives::x509::HybridCertificate`
//! that the pre-TBS of the final certificate is exactly the bytes it signed and that the
//! alternative signature verifies.
//!
//! Limitations: the TLS handshake signature (CertificateVerify) stays classical ECDSA;
//! only the certificate binding is post-quantum. Chains are one level deep (CA -> leaf);
//! intermediates are not supported by the FALCON check.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod alt_sig;
pub mod ca;
pub mod error;
pub mod falcon;
pub mod identity;
#[cfg(unix)]
pub mod key_file;
pub mod pem;

pub use ca::{CaParts, HybridCa, LeafSpec};
pub use error::{PkiError, Result};
pub use falcon::FalconKeyPair;
pub use identity::NodeIdentity;
