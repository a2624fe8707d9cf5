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
pub mod http;
pub mod protocol;
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
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    static SEED: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    let seed = *SEED.get_or_init(|| {
        let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        t.as_nanos() as u64 ^ (std::process::id() as u64) << 32
    });
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let a = splitmix(seed ^ n);
    let b = splitmix(a ^ n.rotate_left(17));
    // 32 hex digits as 8-4-4-4-12 with the version (4) and variant (8..b) nibbles fixed;
    // written by hand because `format!` costs more than the rest of a small request's id.
    let high = (a & !0xf000) | 0x4000;
    let low = (b & !(0xc << 60)) | (0x8 << 60);
    let mut out = String::with_capacity(36);
    for (i, shift) in (0..16).rev().map(|i| i * 4).enumerate() {
        if i == 8 || i == 12 {
            out.push('-');
        }
        out.push(HEX[(high >> shift) as usize & 0xf] as char);
    }
    for (i, shift) in (0..16).rev().map(|i| i * 4).enumerate() {
        if i == 0 || i == 4 {
            out.push('-');
        }
        out.push(HEX[(low >> shift) as usize & 0xf] as char);
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// S3's `x-amz-id-2`, derived from the request id.
pub fn host_id(request_id: &str) -> String {
    use base64::Engine;
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in request_id.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    let mut bytes = Vec::with_capacity(48);
    for i in 0..6u64 {
        bytes.extend_from_slice(&splitmix(h ^ i).to_le_bytes());
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
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
        }
    }
}
