//! What a SecureString looks like without decryption.
//!
//! AWS returns the KMS ciphertext, base64-encoded, when `WithDecryption` is false. We have
//! no KMS here, so we produce a stand-in with the same outward form: a base64 blob that
//! starts like KMS ciphertext (`AQICAH…`), is stable for a given key and value, and does
//! not show the plaintext.

use base64::Engine;

/// The default key SecureStrings are encrypted with.
pub const DEFAULT_KEY_ID: &str = "alias/aws/ssm";

pub fn ciphertext(key_id: &str, plaintext: &str) -> String {
    // The envelope header KMS ciphertext blobs begin with.
    let mut blob = vec![0x01, 0x02, 0x02, 0x00, 0x78];
    let mut state = 0xcbf2_9ce4_8422_2325u64;
    for b in key_id.bytes() {
        state = (state ^ b as u64).wrapping_mul(0x100_0000_01b3);
    }
    blob.extend(state.to_be_bytes());
    for b in plaintext.bytes() {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        blob.push(b ^ (state >> 56) as u8);
    }
    base64::engine::general_purpose::STANDARD.encode(blob)
}

#[cfg(test)]
mod tests {
    #[test]
    fn hides_plaintext() {
        let c = super::ciphertext("alias/aws/ssm", "hunter2");
        assert!(c.starts_with("AQICAH"), "{c}");
        assert!(!c.contains("hunter2"));
        assert_eq!(c, super::ciphertext("alias/aws/ssm", "hunter2"));
    }
}
