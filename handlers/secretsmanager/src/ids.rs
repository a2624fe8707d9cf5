//! Random identifiers: ARN suffixes, version ids, passwords.
//!
//! Seeds come from the standard library's OS-seeded `RandomState`, mixed with a counter and
//! the clock, so no random-number crate is needed.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use ferrostack_runtime as rt;

pub struct Random {
    state: u64,
}

impl Random {
    pub fn new() -> Random {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let mut h = RandomState::new().build_hasher();
        h.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        h.write_i64(rt::DateTime::now().as_millis());
        Random { state: h.finish() }
    }

    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut x = self.state;
        x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        x ^ (x >> 31)
    }

    /// Uniform in `0..n` (n > 0), without modulo bias.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        let zone = u64::MAX - (u64::MAX % n);
        loop {
            let x = self.next_u64();
            if x < zone {
                return (x % n) as usize;
            }
        }
    }

    pub fn pick(&mut self, alphabet: &[char]) -> char {
        alphabet[self.below(alphabet.len())]
    }
}

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `arn:aws:secretsmanager:<region>:<account>:secret:<name>-<6 random characters>`
pub fn secret_arn(ctx: &rt::RequestContext, name: &str) -> String {
    let mut rng = Random::new();
    let suffix: String = (0..6).map(|_| ALNUM[rng.below(ALNUM.len())] as char).collect();
    format!("arn:aws:secretsmanager:{}:{}:secret:{name}-{suffix}", ctx.region, ctx.account_id)
}

/// A random (version 4) UUID, the form of version ids SDKs generate.
pub fn uuid() -> String {
    let mut rng = Random::new();
    let hi = rng.next_u64();
    let lo = rng.next_u64();
    let hi = (hi & !0xf000) | 0x4000;
    let lo = (lo & !(0xc << 60)) | (0x8 << 60);
    format!(
        "{:08x}-{:04x}-{:04x}-{:04x}-{:012x}",
        hi >> 32,
        (hi >> 16) & 0xffff,
        hi & 0xffff,
        lo >> 48,
        lo & 0xffff_ffff_ffff
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn shapes() {
        let u = super::uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert_ne!(u, super::uuid());
        let ctx = super::rt::RequestContext::internal("000000000000", "us-east-1");
        let arn = super::secret_arn(&ctx, "db/pass");
        assert!(arn.starts_with("arn:aws:secretsmanager:us-east-1:000000000000:secret:db/pass-"));
        assert_eq!(arn.len(), "arn:aws:secretsmanager:us-east-1:000000000000:secret:db/pass-".len() + 6);
    }
}
