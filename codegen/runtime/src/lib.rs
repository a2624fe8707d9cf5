//! Runtime support for ferrostack's generated service crates.
//!
//! The generator emits, per service, static [`schema`] tables, typed shapes with
//! [`convert`] impls, a handler trait and a [`service::Service`] implementation. This
//! crate holds everything protocol-specific that those need, written once: the value
//! tree, the codecs for each wire protocol, REST routing, validation and error envelopes.

pub mod context;
pub mod convert;
pub mod defaults;
pub mod error;
pub mod form;
pub mod http;
pub mod protocol;
pub mod scan;
pub mod schema;
pub mod service;
pub mod stream;
pub mod time;
pub mod validate;
pub mod value;

pub use async_trait::async_trait;
pub use bytes::Bytes;
pub use context::{Endpoint, RequestContext, SuccessStatus};
pub use convert::{BigNumber, ConvertError, FromValue, IntoValue, Unit};
pub use error::{CommonError, ServiceError, WireError};
pub use indexmap::IndexMap;
pub use schema::Protocol;
pub use service::{BoxFuture, Service};
pub use stream::ByteStream;
pub use time::DateTime;
pub use value::{Document, StructBuilder, Value};

use std::sync::atomic::{AtomicU64, Ordering};

/// A fresh request id in the UUID layout AWS uses, unique within the process.
pub fn request_id() -> String {
    uuid_text(random_uuid())
}

/// 128 fresh bits in the layout of a version 4 UUID (version nibble 4, variant 10),
/// unique within the process. Not for secrets: it is a counter run through a mixer.
pub fn random_uuid() -> u128 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let seed = *SEED.get_or_init(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        t.as_nanos() as u64 ^ (std::process::id() as u64) << 32
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let a = splitmix(seed ^ n);
    let b = splitmix(a ^ n.rotate_left(17));
    let high = (a & !0xf000) | 0x4000;
    let low = (b & !(0xc << 60)) | (0x8 << 60);
    (high as u128) << 64 | low as u128
}

/// `uuid` as 32 lowercase hex digits grouped 8-4-4-4-12.
pub fn uuid_text(uuid: u128) -> String {
    let mut out = [0u8; 36];
    write_uuid(uuid, &mut out).to_owned()
}

/// Writes `uuid` as [`uuid_text`] does into `out` and returns it as text; written by hand
/// because `format!` costs more than the rest of a small request's id, and eight digits
/// at a time because every request makes one.
pub fn write_uuid(uuid: u128, out: &mut [u8; 36]) -> &str {
    let high = (uuid >> 64) as u64;
    let low = uuid as u64;
    let [a, b, c, d] = [(high >> 32) as u32, high as u32, (low >> 32) as u32, low as u32].map(hex_digits);
    // Groups of 8-4-4-4-12 digits, dashes at 8, 13, 18 and 23.
    out[0..8].copy_from_slice(&a);
    out[9..13].copy_from_slice(&b[..4]);
    out[14..18].copy_from_slice(&b[4..]);
    out[19..23].copy_from_slice(&c[..4]);
    out[24..28].copy_from_slice(&c[4..]);
    out[28..36].copy_from_slice(&d);
    for dash in [8, 13, 18, 23] {
        out[dash] = b'-';
    }
    debug_assert!(out.iter().all(|b| b.is_ascii_hexdigit() || *b == b'-'));
    // SAFETY: every byte was just written above, as an ASCII hex digit or a dash; checking
    // them again as UTF-8 cost a sixth of the id.
    unsafe { std::str::from_utf8_unchecked(out) }
}

/// `value`'s eight lowercase hex digits, most significant first, computed in one word.
fn hex_digits(value: u32) -> [u8; 8] {
    // Spread the nibbles one to a byte, the most significant into the highest byte.
    let mut x = value as u64;
    x = (x | x << 16) & 0x0000_ffff_0000_ffff;
    x = (x | x << 8) & 0x00ff_00ff_00ff_00ff;
    x = (x | x << 4) & 0x0f0f_0f0f_0f0f_0f0f;
    // Bytes of 10 and more get a 1 here; they take 'a' - '0' - 10 = 39 more than '0'.
    let letters = (x + 0x0606_0606_0606_0606) >> 4 & 0x0101_0101_0101_0101;
    (x + 0x3030_3030_3030_3030 + letters * 39).to_be_bytes()
}

/// The 128 bits of a UUID in [`uuid_text`]'s layout (either case); `None` for anything else.
pub fn parse_uuid(text: &str) -> Option<u128> {
    let bytes = text.as_bytes();
    if bytes.len() != 36 {
        return None;
    }
    let mut value = 0u128;
    for (at, &b) in bytes.iter().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            if b != b'-' {
                return None;
            }
            continue;
        }
        let nibble = (b as char).to_digit(16)?;
        value = value << 4 | nibble as u128;
    }
    Some(value)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `bytes` as lower-case hex digits, two per byte (digests, tokens).
pub fn hex(bytes: &[u8]) -> String {
    // Digits stored into a buffer of the final size, then one check of the (ASCII) result:
    // pushing `char`s encodes each as UTF-8, and pushing bytes checks capacity each time.
    let mut out = vec![0u8; bytes.len() * 2];
    for (digits, b) in out.chunks_exact_mut(2).zip(bytes) {
        digits[0] = HEX[(b >> 4) as usize];
        digits[1] = HEX[(b & 0xf) as usize];
    }
    // SAFETY: every byte is from `HEX`, which is ASCII.
    unsafe { String::from_utf8_unchecked(out) }
}

/// S3's `x-amz-id-2`, derived from the request id: the standard base64 of 48 mixed bytes.
pub fn host_id(request_id: &str) -> String {
    // A word at a time, both to seed and to encode: this runs on every S3 request. Whole
    // words and fixed-size blocks keep it to plain loads and stores, without copy calls.
    let mut seed = 0xcbf2_9ce4_8422_2325u64;
    let mut words = request_id.as_bytes().chunks_exact(8);
    for word in &mut words {
        seed = splitmix(seed ^ u64::from_le_bytes(word.try_into().unwrap_or_default()));
    }
    let tail = words.remainder();
    if !tail.is_empty() {
        seed = splitmix(seed ^ tail.iter().fold(0u64, |w, &b| w << 8 | b as u64));
    }
    // Six mixed bytes (the top 48 bits of a word) are eight base64 digits; 48 bytes in all
    // are 64 digits with no padding.
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut text = [0u8; 64];
    for (i, digits) in text.chunks_exact_mut(8).enumerate() {
        let bits = splitmix(seed ^ i as u64);
        for (k, digit) in digits.iter_mut().enumerate() {
            *digit = ALPHABET[(bits >> (58 - 6 * k) & 0x3f) as usize];
        }
    }
    std::str::from_utf8(&text).unwrap_or_default().to_owned()
}

fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

#[cfg(test)]
mod tests {
    #[test]
    fn request_ids_are_distinct_version_4_uuids() {
        let (a, b) = (super::request_id(), super::request_id());
        assert_ne!(a, b);
        for id in [a, b] {
            let groups: Vec<&str> = id.split('-').collect();
            assert_eq!(groups.iter().map(|g| g.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12], "{id}");
            assert!(id.bytes().all(|c| c == b'-' || c.is_ascii_digit() || (b'a'..=b'f').contains(&c)), "{id}");
            assert!(groups[2].starts_with('4'), "{id}");
            assert!(matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'), "{id}");
            assert_eq!(super::uuid_text(super::parse_uuid(&id).unwrap()), id);
        }
    }

    #[test]
    fn host_ids_are_standard_base64_of_48_bytes() {
        use base64::Engine;
        for id in [super::request_id(), String::new(), "x".repeat(100)] {
            let host_id = super::host_id(&id);
            let bytes = base64::engine::general_purpose::STANDARD.decode(&host_id).unwrap();
            assert_eq!(bytes.len(), 48);
            assert_eq!(base64::engine::general_purpose::STANDARD.encode(&bytes), host_id);
            assert_eq!(super::host_id(&id), host_id, "the same request id gives the same host id");
        }
    }

    #[test]
    fn hex_is_two_lower_case_digits_a_byte() {
        assert_eq!(super::hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(super::hex(&[]), "");
    }

    #[test]
    fn uuid_text_matches_the_formatted_digits() {
        let mut x = 0x0123_4567_89ab_cdefu64;
        for _ in 0..1000 {
            x = super::splitmix(x);
            let uuid = (x as u128) << 64 | super::splitmix(x ^ 1) as u128;
            let plain = format!("{uuid:032x}");
            let expected =
                format!("{}-{}-{}-{}-{}", &plain[..8], &plain[8..12], &plain[12..16], &plain[16..20], &plain[20..]);
            assert_eq!(super::uuid_text(uuid), expected);
        }
        assert_eq!(super::uuid_text(0), "00000000-0000-0000-0000-000000000000");
        assert_eq!(super::uuid_text(u128::MAX), "ffffffff-ffff-ffff-ffff-ffffffffffff");
    }

    #[test]
    fn uuids_parse_only_in_their_layout() {
        let id = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210u128;
        assert_eq!(super::uuid_text(id), "01234567-89ab-cdef-fedc-ba9876543210");
        assert_eq!(super::parse_uuid("01234567-89AB-cdef-fedc-ba9876543210"), Some(id));
        for bad in [
            "",
            "01234567-89ab-cdef-fedc-ba987654321",
            "0123456789ab-cdef-fedc-ba9876543210-",
            "0123456g-89ab-cdef-fedc-ba9876543210",
        ] {
            assert_eq!(super::parse_uuid(bad), None, "{bad}");
        }
    }
}
