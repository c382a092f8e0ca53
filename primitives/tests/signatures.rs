//! FALCON-1024 (padded, round-3 hashing) and classical (Ed25519, ECDSA P-256) verification,
//! checked against signatures made by independent implementations: PQClean through
//! `pqcrypto-falcon` for FALCON, `ring` for Ed25519 and ECDSA. Also the proof-of-possession
//! message layout.

use hypermesh_primitives::{
	classical::{self, ClassicalError, ClassicalKey},
	falcon::{self, FalconError},
	pop,
};
use pqcrypto_falcon::{falcon1024, falconpadded1024};
use pqcrypto_traits::sign::{DetachedSignature as _, PublicKey as _};
use ring::{
	rand::SystemRandom,
	signature::{
		EcdsaKeyPair, Ed25519KeyPair, KeyPair as _, ECDSA_P256_SHA256_ASN1_SIGNING,
		ECDSA_P256_SHA256_FIXED_SIGNING,
	},
};

const MESSAGE: &[u8] = b"HyperMesh: the message every test signs";

// ---------------------------------------------------------------------------------------
// FALCON-1024
// ---------------------------------------------------------------------------------------

fn falcon_sign(message: &[u8]) -> (Vec<u8>, Vec<u8>) {
	let (pk, sk) = falconpadded1024::keypair();
	let sig = falconpadded1024::detached_sign(message, &sk);
	(pk.as_bytes().to_vec(), sig.as_bytes().to_vec())
}

#[test]
fn falcon_constants_match_pqclean() {
	assert_eq!(falcon::PUBLIC_KEY_LEN, falconpadded1024::public_key_bytes());
	assert_eq!(falcon::SIGNATURE_LEN, falconpadded1024::signature_bytes());
	assert_eq!(
		falcon1024::public_key_bytes(),
		falconpadded1024::public_key_bytes()
	);
}

#[test]
fn falcon_accepts_pqclean_padded_signatures() {
	for i in 0..8u8 {
		let message = [MESSAGE, &[i][..]].concat();
		let (pk, sig) = falcon_sign(&message);
		assert_eq!(pk.len(), falcon::PUBLIC_KEY_LEN);
		assert_eq!(pk[0], falcon::PUBLIC_KEY_HEADER);
		assert_eq!(sig.len(), falcon::SIGNATURE_LEN);
		assert_eq!(sig[0], falcon::SIGNATURE_HEADER);
		assert_eq!(falcon::verify(&pk, &message, &sig), Ok(()));
	}
	// The empty message is a message like any other.
	let (pk, sig) = falcon_sign(b"");
	assert_eq!(falcon::verify(&pk, b"", &sig), Ok(()));
	// A long one.
	let long = vec![0xA5u8; 100_000];
	let (pk, sig) = falcon_sign(&long);
	assert_eq!(falcon::verify(&pk, &long, &sig), Ok(()));
}

#[test]
fn falcon_rejects_wrong_message_and_wrong_key() {
	let (pk, sig) = falcon_sign(MESSAGE);
	assert_eq!(
		falcon::verify(&pk, b"another message", &sig),
		Err(FalconError::InvalidSignature)
	);
	assert_eq!(
		falcon::verify(&pk, b"", &sig),
		Err(FalconError::InvalidSignature)
	);
	let mut truncated_message = MESSAGE.to_vec();
	truncated_message.pop();
	assert_eq!(
		falcon::verify(&pk, &truncated_message, &sig),
		Err(FalconError::InvalidSignature)
	);
	let (other_pk, _) = falconpadded1024::keypair();
	assert_eq!(
		falcon::verify(other_pk.as_bytes(), MESSAGE, &sig),
		Err(FalconError::InvalidSignature)
	);
	// The same message signed by another key does not verify with the first key.
	let (_, other_sig) = falcon_sign(MESSAGE);
	assert_eq!(
		falcon::verify(&pk, MESSAGE, &other_sig),
		Err(FalconError::InvalidSignature)
	);
}

#[test]
fn falcon_rejects_every_flipped_signature_byte() {
	let (pk, sig) = falcon_sign(MESSAGE);
	// Every byte after the header: the nonce, the compressed signature and the zero padding.
	for i in 1..sig.len() {
		for bit in [0x01u8, 0x80] {
			let mut bad = sig.clone();
			bad[i] ^= bit;
			assert_eq!(
				falcon::verify(&pk, MESSAGE, &bad),
				Err(FalconError::InvalidSignature),
				"byte {i} bit {bit:#x}"
			);
		}
	}
	// The header byte.
	let mut bad = sig.clone();
	bad[0] ^= 0x01;
	assert_eq!(
		falcon::verify(&pk, MESSAGE, &bad),
		Err(FalconError::BadSignatureEncoding)
	);
}

#[test]
fn falcon_rejects_flipped_public_key_bytes() {
	let (pk, sig) = falcon_sign(MESSAGE);
	for i in (1..pk.len()).step_by(37) {
		let mut bad = pk.clone();
		bad[i] ^= 0x01;
		let result = falcon::verify(&bad, MESSAGE, &sig);
		// A flipped coefficient bit may take the coefficient out of range (the key no
		// longer decodes) or give another valid key; either way, no acceptance.
		assert!(
			matches!(
				result,
				Err(FalconError::InvalidSignature) | Err(FalconError::BadPublicKey)
			),
			"byte {i}: {result:?}"
		);
	}
	// Coefficients are 14-bit values below q = 12289; all ones is out of range.
	let mut bad = pk.clone();
	bad[1..3].copy_from_slice(&[0xFF, 0xFF]);
	assert_eq!(
		falcon::verify(&bad, MESSAGE, &sig),
		Err(FalconError::BadPublicKey)
	);
}

#[test]
fn falcon_rejects_compressed_signatures() {
	let (pk, sk) = falcon1024::keypair();
	let mut seen_short = false;
	for i in 0..4u8 {
		let message = [MESSAGE, &[i][..]].concat();
		let sig = falcon1024::detached_sign(&message, &sk);
		let sig = sig.as_bytes();
		// PQClean's compressed falcon-1024 format: header 0x3A as well, variable length.
		assert_eq!(sig[0], falcon::SIGNATURE_HEADER);
		seen_short |= sig.len() < falcon::SIGNATURE_LEN;
		// Sanity: the signature is genuine for PQClean.
		assert!(falcon1024::verify_detached_signature(
			&falcon1024::DetachedSignature::from_bytes(sig).unwrap(),
			&message,
			&pk
		)
		.is_ok());
		assert_eq!(
			falcon::verify(pk.as_bytes(), &message, sig),
			Err(FalconError::BadSignatureEncoding)
		);
		// Zero-padding it to 1280 bytes does not make it a padded signature either: in
		// the padded format the header of a compressed signature is followed by the
		// nonce and the compressed body directly (the same layout), so this *is* a
		// padded encoding of the same signature; PQClean accepts it, and so do we.
		if sig.len() < falcon::SIGNATURE_LEN {
			let mut padded = sig.to_vec();
			padded.resize(falcon::SIGNATURE_LEN, 0);
			assert!(falconpadded1024::verify_detached_signature(
				&falconpadded1024::DetachedSignature::from_bytes(&padded).unwrap(),
				&message,
				&falconpadded1024::PublicKey::from_bytes(pk.as_bytes()).unwrap(),
			)
			.is_ok());
			assert_eq!(falcon::verify(pk.as_bytes(), &message, &padded), Ok(()));
		}
	}
	assert!(
		seen_short,
		"compressed signatures are shorter than 1280 bytes"
	);
}

#[test]
fn falcon_rejects_malformed_keys_and_signatures_without_panicking() {
	let (pk, sig) = falcon_sign(MESSAGE);
	// Wrong lengths and headers of the key.
	for bad in [
		&[][..],
		&pk[..1],
		&pk[..falcon::PUBLIC_KEY_LEN - 1],
		&[pk.as_slice(), &[0]].concat()[..],
	] {
		assert_eq!(
			falcon::verify(bad, MESSAGE, &sig),
			Err(FalconError::BadPublicKey)
		);
	}
	let (pk512, _) = pqcrypto_falcon::falconpadded512::keypair();
	assert_eq!(
		falcon::verify(pk512.as_bytes(), MESSAGE, &sig),
		Err(FalconError::BadPublicKey)
	);
	for header in [0x00u8, 0x09, 0x0B, 0x8A, 0xFF] {
		let mut bad = pk.clone();
		bad[0] = header;
		assert_eq!(
			falcon::verify(&bad, MESSAGE, &sig),
			Err(FalconError::BadPublicKey)
		);
	}
	assert_eq!(
		falcon::verify(&vec![0u8; falcon::PUBLIC_KEY_LEN], MESSAGE, &sig),
		Err(FalconError::BadPublicKey)
	);
	// Wrong lengths and headers of the signature.
	for bad in [
		&[][..],
		&sig[..1],
		&sig[..falcon::SIGNATURE_LEN - 1],
		&[sig.as_slice(), &[0]].concat()[..],
	] {
		assert_eq!(
			falcon::verify(&pk, MESSAGE, bad),
			Err(FalconError::BadSignatureEncoding)
		);
	}
	for header in [0x00u8, 0x39, 0x3B, 0x5A, 0xBA, 0xFF] {
		let mut bad = sig.clone();
		bad[0] = header;
		assert_eq!(
			falcon::verify(&pk, MESSAGE, &bad),
			Err(FalconError::BadSignatureEncoding)
		);
	}
	// A key error is reported before a signature error.
	assert_eq!(
		falcon::verify(&[], MESSAGE, &[]),
		Err(FalconError::BadPublicKey)
	);
	// All-zero and all-ones signatures of the right length, with the right header.
	for fill in [0x00u8, 0xFF] {
		let mut bad = vec![fill; falcon::SIGNATURE_LEN];
		bad[0] = falcon::SIGNATURE_HEADER;
		assert_eq!(
			falcon::verify(&pk, MESSAGE, &bad),
			Err(FalconError::InvalidSignature)
		);
	}
}

// ---------------------------------------------------------------------------------------
// Classical
// ---------------------------------------------------------------------------------------

struct Ed25519 {
	key: Ed25519KeyPair,
}

impl Ed25519 {
	fn new() -> Self {
		let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).unwrap();
		Self {
			key: Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap(),
		}
	}

	fn public(&self) -> [u8; 32] {
		self.key.public_key().as_ref().try_into().unwrap()
	}

	fn sign(&self, message: &[u8]) -> Vec<u8> {
		self.key.sign(message).as_ref().to_vec()
	}
}

struct P256 {
	key: EcdsaKeyPair,
}

impl P256 {
	fn new() -> Self {
		let rng = SystemRandom::new();
		let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng).unwrap();
		Self {
			key: EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
				.unwrap(),
		}
	}

	/// The uncompressed SEC1 point (65 bytes, 0x04 || x || y).
	fn public(&self) -> Vec<u8> {
		self.key.public_key().as_ref().to_vec()
	}

	/// A DER `ECDSA-Sig-Value`.
	fn sign(&self, message: &[u8]) -> Vec<u8> {
		self.key
			.sign(&SystemRandom::new(), message)
			.unwrap()
			.as_ref()
			.to_vec()
	}
}

#[test]
fn ed25519_accepts_ring_signatures() {
	for i in 0..8u8 {
		let key = Ed25519::new();
		let message = [MESSAGE, &[i][..]].concat();
		let sig = key.sign(&message);
		assert_eq!(sig.len(), 64);
		let public = key.public();
		assert_eq!(
			classical::verify(ClassicalKey::Ed25519(&public), &message, &sig),
			Ok(())
		);
	}
	let key = Ed25519::new();
	assert_eq!(
		classical::verify(ClassicalKey::Ed25519(&key.public()), b"", &key.sign(b"")),
		Ok(())
	);
}

#[test]
fn ed25519_rejects_tampering_and_other_keys() {
	let key = Ed25519::new();
	let public = key.public();
	let sig = key.sign(MESSAGE);
	let verify = |public: &[u8; 32], message: &[u8], sig: &[u8]| {
		classical::verify(ClassicalKey::Ed25519(public), message, sig)
	};
	assert_eq!(
		verify(&public, b"another message", &sig),
		Err(ClassicalError::InvalidSignature)
	);
	assert_eq!(
		verify(&Ed25519::new().public(), MESSAGE, &sig),
		Err(ClassicalError::InvalidSignature)
	);
	for i in 0..64 {
		let mut bad = sig.clone();
		bad[i] ^= 0x01;
		let result = verify(&public, MESSAGE, &bad);
		// R not on the curve or S not reduced counts as invalid, not as an encoding error:
		// the encoding of an Ed25519 signature is just 64 bytes.
		assert_eq!(result, Err(ClassicalError::InvalidSignature), "byte {i}");
	}
	// S + L (the group order) is the same scalar mod L, but RFC 8032 verification
	// refuses a non-canonical S.
	const L: [u8; 32] = [
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde,
		0x14, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
	];
	let mut malleated = sig.clone();
	let mut carry = 0u16;
	for i in 0..32 {
		let sum = u16::from(malleated[32 + i]) + u16::from(L[i]) + carry;
		malleated[32 + i] = sum as u8;
		carry = sum >> 8;
	}
	assert_eq!(carry, 0);
	assert_eq!(
		verify(&public, MESSAGE, &malleated),
		Err(ClassicalError::InvalidSignature)
	);
}

#[test]
fn ed25519_rejects_malformed_input_without_panicking() {
	let key = Ed25519::new();
	let public = key.public();
	let sig = key.sign(MESSAGE);
	let verify = |public: &[u8; 32], sig: &[u8]| {
		classical::verify(ClassicalKey::Ed25519(public), MESSAGE, sig)
	};
	for bad in [
		&[][..],
		&sig[..63],
		&[sig.as_slice(), &[0]].concat()[..],
		&[0u8; 72][..],
	] {
		assert_eq!(
			verify(&public, bad),
			Err(ClassicalError::BadSignatureEncoding)
		);
	}
	// About half of all 32-byte strings are not the encoding of a curve point.
	let mut not_points = 0;
	for y in 2..40u8 {
		let mut candidate = [0u8; 32];
		candidate[0] = y;
		match verify(&candidate, &sig) {
			Err(ClassicalError::BadPublicKey) => not_points += 1,
			Err(ClassicalError::InvalidSignature) => {}
			other => panic!("y = {y}: {other:?}"),
		}
	}
	assert!(not_points > 5, "{not_points}");
	// Small-order ("weak") keys: the identity (y = 1) and the point of order 2 (y = -1).
	let identity = {
		let mut k = [0u8; 32];
		k[0] = 1;
		k
	};
	let minus_one = {
		let mut k = [0xffu8; 32];
		k[0] = 0xec;
		k[31] = 0x7f;
		k
	};
	for weak in [identity, minus_one, [0u8; 32]] {
		assert_eq!(
			verify(&weak, &sig),
			Err(ClassicalError::BadPublicKey),
			"{weak:02x?}"
		);
	}
	// The identity key with the signature (R = identity, S = 0) that verifies for every
	// message under cofactorless verification; strict verification must refuse it.
	let mut trivial = [0u8; 64];
	trivial[0] = 1;
	assert!(verify(&identity, &trivial).is_err());
}

#[test]
fn ecdsa_p256_accepts_ring_der_signatures() {
	for i in 0..8u8 {
		let key = P256::new();
		let message = [MESSAGE, &[i][..]].concat();
		let sig = key.sign(&message);
		assert_eq!(sig[0], 0x30, "DER SEQUENCE");
		let public = key.public();
		assert_eq!(public.len(), 65);
		assert_eq!(
			classical::verify(ClassicalKey::EcdsaP256(&public), &message, &sig),
			Ok(())
		);
		// The compressed form of the same point.
		let mut compressed = vec![0x02 | (public[64] & 1)];
		compressed.extend_from_slice(&public[1..33]);
		assert_eq!(
			classical::verify(ClassicalKey::EcdsaP256(&compressed), &message, &sig),
			Ok(())
		);
	}
}

/// n - s for a 32-byte big-endian s (P-256 group order n).
fn negate_mod_n(s: &[u8; 32]) -> [u8; 32] {
	const N: [u8; 32] = [
		0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63,
		0x25, 0x51,
	];
	let mut out = [0u8; 32];
	let mut borrow = 0i16;
	for i in (0..32).rev() {
		let mut d = i16::from(N[i]) - i16::from(s[i]) - borrow;
		borrow = 0;
		if d < 0 {
			d += 256;
			borrow = 1;
		}
		out[i] = d as u8;
	}
	assert_eq!(borrow, 0);
	out
}

/// DER INTEGER of a non-negative 32-byte big-endian value.
fn der_uint(v: &[u8; 32]) -> Vec<u8> {
	let mut content: Vec<u8> = v.iter().copied().skip_while(|b| *b == 0).collect();
	if content.first().map_or(true, |b| b & 0x80 != 0) {
		content.insert(0, 0);
	}
	[vec![0x02, content.len() as u8], content].concat()
}

#[test]
fn ecdsa_p256_accepts_high_s() {
	// X.509 does not require low-S, so neither do we (as documented): n - s verifies.
	let rng = SystemRandom::new();
	let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
	let key =
		EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, pkcs8.as_ref(), &rng).unwrap();
	let public = key.public_key().as_ref().to_vec();
	let fixed = key.sign(&rng, MESSAGE).unwrap().as_ref().to_vec();
	let r: [u8; 32] = fixed[..32].try_into().unwrap();
	let s: [u8; 32] = fixed[32..].try_into().unwrap();
	for s in [s, negate_mod_n(&s)] {
		let body = [der_uint(&r), der_uint(&s)].concat();
		let der = [vec![0x30, body.len() as u8], body].concat();
		assert_eq!(
			classical::verify(ClassicalKey::EcdsaP256(&public), MESSAGE, &der),
			Ok(())
		);
	}
	// The fixed-length r || s encoding is not the DER one.
	assert_eq!(
		classical::verify(ClassicalKey::EcdsaP256(&public), MESSAGE, &fixed),
		Err(ClassicalError::BadSignatureEncoding)
	);
}

#[test]
fn ecdsa_p256_rejects_tampering_and_other_keys() {
	let key = P256::new();
	let public = key.public();
	let sig = key.sign(MESSAGE);
	let verify = |public: &[u8], message: &[u8], sig: &[u8]| {
		classical::verify(ClassicalKey::EcdsaP256(public), message, sig)
	};
	assert_eq!(
		verify(&public, b"another message", &sig),
		Err(ClassicalError::InvalidSignature)
	);
	assert_eq!(
		verify(&P256::new().public(), MESSAGE, &sig),
		Err(ClassicalError::InvalidSignature)
	);
	// Flipping the last bit of r or s keeps a valid DER structure.
	let (r_len, s_len) = (sig[3] as usize, sig[5 + sig[3] as usize] as usize);
	let r_last = 3 + r_len;
	let s_last = r_last + 2 + s_len;
	assert_eq!(s_last + 1, sig.len());
	for i in [r_last, s_last] {
		let mut bad = sig.clone();
		bad[i] ^= 0x01;
		assert_eq!(
			verify(&public, MESSAGE, &bad),
			Err(ClassicalError::InvalidSignature),
			"{i}"
		);
	}
	// Every other single-bit change is refused one way or the other.
	for i in 0..sig.len() {
		let mut bad = sig.clone();
		bad[i] ^= 0x01;
		assert!(verify(&public, MESSAGE, &bad).is_err(), "byte {i}");
	}
	// A signature made with ring's other key type does not verify with this key.
	let ed = Ed25519::new();
	assert!(verify(&public, MESSAGE, &ed.sign(MESSAGE)).is_err());
}

#[test]
fn ecdsa_p256_rejects_malformed_input_without_panicking() {
	let key = P256::new();
	let public = key.public();
	let sig = key.sign(MESSAGE);
	let verify = |public: &[u8], sig: &[u8]| {
		classical::verify(ClassicalKey::EcdsaP256(public), MESSAGE, sig)
	};
	// Keys that are not points of P-256.
	let mut off_curve = public.clone();
	off_curve[64] ^= 0x01;
	let mut bad_tag = public.clone();
	bad_tag[0] = 0x05;
	for bad in [
		&[][..],
		&[0x00][..],
		&public[..64],
		&[public.as_slice(), &[0]].concat()[..],
		&off_curve[..],
		&bad_tag[..],
		&[0x04; 65][..],
		// x = 2^256 - 1 is not a field element.
		&[&[0x02u8][..], &[0xff; 32]].concat()[..],
		&[0x03; 3][..],
	] {
		assert_eq!(
			verify(bad, &sig),
			Err(ClassicalError::BadPublicKey),
			"{bad:02x?}"
		);
	}
	// Signatures that are not a DER ECDSA-Sig-Value.
	let trailing = [sig.as_slice(), &[0]].concat();
	let mut wrong_tag = sig.clone();
	wrong_tag[0] = 0x31;
	let mut wrong_len = sig.clone();
	wrong_len[1] += 1;
	// r = s = 0, and r = n (the group order): DER, but not an ECDSA signature.
	let zero_r_s = [0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00];
	let n_body = [der_uint(&negate_mod_n(&[0u8; 32])), vec![0x02, 0x01, 0x01]].concat();
	let r_is_n = [vec![0x30, n_body.len() as u8], n_body].concat();
	for bad in [
		&[][..],
		&[0x30][..],
		&[0x30, 0x00][..],
		&sig[..sig.len() - 1],
		&trailing[..],
		&wrong_tag[..],
		&wrong_len[..],
		&[0u8; 64][..],
		&zero_r_s[..],
		&r_is_n[..],
	] {
		assert_eq!(
			verify(&public, bad),
			Err(ClassicalError::BadSignatureEncoding),
			"{bad:02x?}"
		);
	}
}

// ---------------------------------------------------------------------------------------
// Proof of possession
// ---------------------------------------------------------------------------------------

#[test]
fn pop_message_layout() {
	assert_eq!(
		pop::DOMAIN,
		b"HyperMesh TrustChain proof of possession v1\0"
	);
	assert_eq!(pop::DOMAIN.len(), 44);
	let genesis = [0x11u8; 32];
	let account = [0x22u8; 32];
	let classical_key = [&[0x01u8][..], &[0x33u8; 32]].concat();
	let falcon_key = [0x44u8; falcon::PUBLIC_KEY_LEN];
	let message = pop::message(&genesis, &account, &classical_key, &falcon_key);
	assert_eq!(message.len(), 44 + 32 + 32 + 33 + 1793);
	let mut expected = b"HyperMesh TrustChain proof of possession v1\0".to_vec();
	expected.extend_from_slice(&genesis);
	expected.extend_from_slice(&account);
	expected.extend_from_slice(&classical_key);
	expected.extend_from_slice(&falcon_key);
	assert_eq!(message, expected);
	// Field boundaries.
	assert_eq!(&message[..44], pop::DOMAIN);
	assert_eq!(&message[44..76], &genesis);
	assert_eq!(&message[76..108], &account);
	assert_eq!(&message[108..141], &classical_key[..]);
	assert_eq!(&message[141..], &falcon_key);
	// Empty parts: just the prefix.
	assert_eq!(pop::message(&[], &[], &[], &[]), pop::DOMAIN);
	// Order matters.
	assert_ne!(
		pop::message(&genesis, &account, &classical_key, &falcon_key),
		pop::message(&account, &genesis, &classical_key, &falcon_key)
	);
}

#[test]
fn pop_message_signed_by_both_keys() {
	// The way a requester proves possession: both keys sign the same message.
	let ed = Ed25519::new();
	let (falcon_pk, falcon_sk) = falconpadded1024::keypair();
	let classical_scale = [&[0x00u8][..], &ed.public()].concat();
	let message = pop::message(
		&[7u8; 32],
		&[9u8; 32],
		&classical_scale,
		falcon_pk.as_bytes(),
	);
	let ed_sig = ed.sign(&message);
	let falcon_sig = falconpadded1024::detached_sign(&message, &falcon_sk);
	assert_eq!(
		classical::verify(ClassicalKey::Ed25519(&ed.public()), &message, &ed_sig),
		Ok(())
	);
	assert_eq!(
		falcon::verify(falcon_pk.as_bytes(), &message, falcon_sig.as_bytes()),
		Ok(())
	);
	let other_chain = pop::message(
		&[8u8; 32],
		&[9u8; 32],
		&classical_scale,
		falcon_pk.as_bytes(),
	);
	assert_eq!(
		falcon::verify(falcon_pk.as_bytes(), &other_chain, falcon_sig.as_bytes()),
		Err(FalconError::InvalidSignature)
	);
}
