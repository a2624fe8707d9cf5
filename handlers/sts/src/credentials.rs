//! The shape of the temporary credentials STS hands out.

use base64::Engine;

use crate::random::Random;

/// Temporary access key ids start with `ASIA` (long-term ones with `AKIA`) followed by 16
/// characters of `[A-Z0-9]`, 20 in all.
pub fn access_key_id(rng: &mut Random) -> String {
    format!("ASIA{}", rng.upper_alnum(16))
}

/// 40 characters, like every AWS secret access key.
pub fn secret_access_key(rng: &mut Random) -> String {
    rng.secret(40)
}

/// An opaque base64 token. Real tokens are base64 blobs beginning with the encoding of
/// their `origin` header (`IQoJb3JpZ2luX2Vj…`); SDKs only pass them back, so we keep
/// that familiar prefix and fill the rest with random bytes.
pub fn session_token(rng: &mut Random) -> String {
    let mut blob = b"!\n\torigin_ec".to_vec();
    blob.extend(rng.bytes(240));
    base64::engine::general_purpose::STANDARD.encode(blob)
}
