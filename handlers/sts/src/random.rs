//! Random identifiers for credentials.
//!
//! Credentials only need to be unique and unguessable enough for a local emulator, so a
//! small SplitMix64 stream seeded from the clock and a process-wide counter is enough;
//! it avoids pulling a random-number crate into the handler.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const UPPER_ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
/// The alphabet AWS secret access keys are drawn from.
const SECRET_ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

pub(crate) struct Random {
    state: u64,
}

impl Random {
    pub(crate) fn new() -> Random {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or_default();
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Random { state: nanos ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (std::process::id() as u64) << 40 }
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut x = self.state;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    fn pick(&mut self, alphabet: &[u8], len: usize) -> String {
        (0..len).map(|_| alphabet[(self.next_u64() % alphabet.len() as u64) as usize] as char).collect()
    }

    /// `len` characters of `[A-Z0-9]`, the alphabet of access key and unique ids.
    pub(crate) fn upper_alnum(&mut self, len: usize) -> String {
        self.pick(UPPER_ALNUM, len)
    }

    pub(crate) fn secret(&mut self, len: usize) -> String {
        self.pick(SECRET_ALPHABET, len)
    }

    pub(crate) fn bytes(&mut self, len: usize) -> Vec<u8> {
        (0..len).map(|_| self.next_u64() as u8).collect()
    }
}

/// A stable `[A-Z0-9]` string derived from `seed`: the same role always gets the same
/// unique id, as it does on AWS, without a role registry.
pub(crate) fn stable_upper_alnum(seed: &str, len: usize) -> String {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for b in seed.bytes() {
        h = (h ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    let mut r = Random { state: h };
    r.upper_alnum(len)
}
