//! Targets in STOQ: what a peer's bytes meet first (frames, bulk manifests and chunks,
//! the hybrid key shares of the TLS handshake). Only STOQ's public API is called.

use std::future::Future;

use ml_kem::{EncodedSizeUser, KemCore, MlKem1024};
use stoq::{
	bulk::{self, Manifest},
	frame::{self, HEADER_LEN},
	kx::{self, KeyShareError, MLKEM1024_CT_LEN, MLKEM1024_EK_LEN, X25519_MLKEM1024},
};

use crate::Bytes;

thread_local! {
	/// The runtime the async decoders run on: one per thread (libFuzzer uses one; the
	/// replay test may use several), with the timer the bulk receiver's deadline needs.
	static RUNTIME: tokio::runtime::Runtime = tokio::runtime::Builder::new_current_thread()
		.enable_time()
		.build()
		.expect("a current-thread tokio runtime");
}

/// Runs `future` to completion on this thread's runtime.
fn block_on<F: Future>(future: F) -> F::Output {
	RUNTIME.with(|runtime| runtime.block_on(future))
}

/// STOQ's frame reader (`frame::read_frame`, every message on every STOQ stream): the first
/// two bytes are the receiver's maximum payload, the rest is the stream. Frames are read
/// until the stream ends or a frame is refused; every frame read is at most the maximum and
/// is exactly the bytes it was read from (its header as `encode_header` writes it, then
/// its payload); a clean end leaves nothing unread.
pub fn stoq_frames(data: &[u8]) {
	let mut input = Bytes(data);
	let max = usize::from(input.u16());
	let stream = input.rest();
	block_on(async {
		let mut rest = stream;
		loop {
			let start = stream.len() - rest.len();
			match frame::read_frame(&mut rest, max).await {
				Ok(Some(f)) => {
					assert!(f.payload.len() <= max);
					let used = &stream[start..stream.len() - rest.len()];
					let header = frame::encode_header(f.kind, f.payload.len(), max)
						.expect("a frame that was read fits the maximum");
					assert_eq!(&used[..HEADER_LEN], &header[..]);
					assert_eq!(&used[HEADER_LEN..], &f.payload[..]);
				}
				Ok(None) => {
					assert!(rest.is_empty());
					break;
				}
				Err(_) => break,
			}
		}
	});
}

/// `Manifest::decode` (the first frame of every bulk transfer) on any bytes: a manifest
/// that decodes encodes back to the same bytes, its chunk count matches its length, and
/// its chunks' lengths (each 1 to `chunk_size` bytes) add up to the object's length.
pub fn stoq_manifest(data: &[u8]) {
	let Ok(m) = Manifest::decode(data) else {
		return;
	};
	assert_eq!(m.encode(), data);
	assert_eq!(m.content_id(), bulk::content_hash(data));
	let mut total = 0u64;
	for index in 0..m.chunk_hashes.len() as u32 {
		let len = m.chunk_len(index);
		assert!(len >= 1 && len <= u64::from(m.chunk_size));
		total += len;
	}
	assert_eq!(total, m.total_len);
	assert_eq!(m.chunk_len(m.chunk_hashes.len() as u32), 0);
}

/// STOQ's bulk receiver (`bulk::receive_object`: a manifest frame, then the chunk frames,
/// each checked against the manifest). First byte even: the stream is any bytes, under
/// limits from the next four bytes; an object that is received is exactly what its
/// manifest describes (`Manifest::build` of the received bytes gives the manifest back).
/// First byte odd: a real object (up to 4 KiB, chunks of 1 to 256 bytes) is sent with
/// `send_object` and received whole; with any one bit of the wire flipped (every byte of
/// it is a frame header, a manifest field, a hash, a chunk index or data), it is refused,
/// or received as another object its manifest describes.
pub fn stoq_bulk_receive(data: &[u8]) {
	let mut input = Bytes(data);
	if input.u8() & 1 == 0 {
		let max_frame = 4 + usize::from(input.u16());
		let max_total = u64::from(input.u16()) * 16;
		let mut stream = input.rest();
		let received = block_on(bulk::receive_object(&mut stream, max_frame, max_total));
		if let Ok((m, object)) = received {
			assert_eq!(object.len() as u64, m.total_len);
			assert!(m.total_len <= max_total);
			assert_eq!(Manifest::build(&object, m.chunk_size as usize), m);
		}
		return;
	}
	let chunk_size = 1 + usize::from(input.u8());
	let (position, bit) = (input.u16(), input.u8());
	let rest = input.rest();
	let object = rest[..rest.len().min(4096)].to_vec();
	// The manifest frame of the largest object (4096 one-byte chunks) fits, and so does
	// the largest chunk frame.
	let max_frame = 16 + 32 * 4096;
	let max_total = 4096;
	let mut wire = Vec::new();
	let sent = block_on(bulk::send_object(&mut wire, &object, chunk_size, max_frame))
		.expect("an object within the limits is sent");
	let (m, received) = block_on(bulk::receive_object(&mut &wire[..], max_frame, max_total))
		.expect("what send_object wrote is received");
	assert_eq!((&m, &received), (&sent, &object));
	let at = usize::from(position) % wire.len();
	wire[at] ^= 1 << (bit % 8);
	if let Ok((m, received)) = block_on(bulk::receive_object(&mut &wire[..], max_frame, max_total))
	{
		// Only a manifest field that describes no byte can change unnoticed (the chunk size
		// of an empty object): then it is another object, with another content address.
		assert_ne!(
			m, sent,
			"bit {bit} of byte {at} flipped, the transfer was received"
		);
		assert_eq!(Manifest::build(&received, m.chunk_size as usize), m);
	}
}

/// The hybrid X25519 + ML-KEM-1024 key shares of STOQ's TLS handshake. First byte even:
/// the rest is a client's share, as the server side (`start_and_complete`) receives it:
/// a share of the wrong length, or whose ML-KEM key fails FIPS 203's modulus check, is
/// refused; `check_encapsulation_key` accepts exactly the keys that re-encode to
/// themselves (ByteEncode12(ByteDecode12(ek)) = ek, checked with ml-kem's own codec); an
/// accepted share gives a server share of the right length. First byte odd: the rest is a
/// server's share, as a client that started a key exchange receives it: the wrong length
/// is refused, and nothing panics.
pub fn stoq_key_share(data: &[u8]) {
	type EncapKey = <MlKem1024 as KemCore>::EncapsulationKey;
	let mut input = Bytes(data);
	let mode = input.u8();
	let share = input.rest();
	if mode & 1 == 1 {
		let client = X25519_MLKEM1024.start().expect("a client key share");
		let completed = client.complete(share);
		if share.len() != MLKEM1024_CT_LEN + 32 {
			assert!(completed.is_err());
		}
		return;
	}
	let completed = X25519_MLKEM1024.start_and_complete(share);
	if let Some(ek) = share.get(..MLKEM1024_EK_LEN) {
		let check = kx::check_encapsulation_key(ek);
		let encoded = ml_kem::Encoded::<EncapKey>::try_from(ek).expect("an encapsulation key");
		let reencoded = EncapKey::from_bytes(&encoded).as_bytes();
		assert_eq!(
			check.is_ok(),
			reencoded.as_slice() == ek,
			"the modulus check disagrees with ml-kem's codec: {check:?}"
		);
		if let Err(KeyShareError::Modulus { value, .. }) = check {
			assert!(value >= kx::MLKEM_Q);
		}
		if check.is_err() {
			assert!(completed.is_err());
		}
	}
	match completed {
		Ok(done) => {
			assert_eq!(share.len(), MLKEM1024_EK_LEN + 32);
			assert_eq!(done.pub_key.len(), MLKEM1024_CT_LEN + 32);
		}
		Err(_) => {}
	}
}
