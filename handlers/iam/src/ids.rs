//! Unique ids, access keys and secrets.
//!
//! IAM ids are a four-letter prefix naming the entity type (AIDA users, AROA roles, ...)
//! and 17 characters of `[A-Z0-9]`, 21 in all; access key ids are `AKIA` + 16.
//! A SplitMix64 stream seeded from the clock and a counter is unguessable enough for a
//! local emulator and keeps a random-number crate out of the build.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn next_u64() -> u64 {
    static STATE: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or_default();
    let s = STATE.fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed) ^ nanos.rotate_left(17);
    let mut x = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

fn pick(alphabet: &[u8], len: usize) -> String {
    (0..len).map(|_| alphabet[(next_u64() % alphabet.len() as u64) as usize] as char).collect()
}

/// A unique id with its type prefix (`AIDA`, `AROA`, `AGPA`, `ANPA`, `AIPA`).
pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", pick(UPPER_ALNUM, 17))
}

/// `len` characters of `[A-Z0-9]`.
pub fn upper_alnum(len: usize) -> String {
    pick(UPPER_ALNUM, len)
}

pub fn access_key_id() -> String {
    format!("AKIA{}", pick(UPPER_ALNUM, 16))
}

pub fn secret() -> String {
    pick(SECRET_ALPHABET, 40)
}

pub fn bytes(len: usize) -> Vec<u8> {
    (0..len).map(|_| next_u64() as u8).collect()
}

/// A lowercase hex string, for UUID-shaped ids.
pub fn uuid() -> String {
    let h = format!("{:016x}{:016x}", next_u64(), next_u64());
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}
