//! The canonical user behind an account, as S3 shows owners.

use md5::{Digest, Md5};
use s3_api::types::Owner;

use crate::digest::hex;

/// A stable 64-hex-digit canonical user id for `account`: the same account always gets the
/// same id, different accounts get different ones, and nothing random is involved so ids
/// survive restarts.
pub fn canonical_id(account: &str) -> String {
    let half = |salt: &str| -> String {
        let mut hasher = Md5::new();
        hasher.update(b"ferrostack canonical user ");
        hasher.update(salt.as_bytes());
        hasher.update(b" ");
        hasher.update(account.as_bytes());
        hex(&hasher.finalize())
    };
    format!("{}{}", half("high"), half("low"))
}

/// The display name S3 pairs with the canonical id.
pub fn display_name(account: &str) -> String {
    format!("ferrostack-{account}")
}

pub fn owner(account: &str) -> Owner {
    Owner { id: Some(canonical_id(account)), display_name: Some(display_name(account)) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_ids_are_stable_and_distinct() {
        let a = canonical_id("000000000000");
        assert_eq!(a.len(), 64);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
        assert_eq!(a, canonical_id("000000000000"));
        assert_ne!(a, canonical_id("111111111111"));
    }
}
