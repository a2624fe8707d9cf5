//! MD5 digests as S3 uses them: the ETag of a simple upload and the `Content-MD5` check.

use base64::Engine;
use md5::{Digest, Md5};

use crate::errors;
use ferrostack_runtime as rt;

pub type Md5Digest = [u8; 16];

pub fn md5(data: &[u8]) -> Md5Digest {
    Md5::digest(data).into()
}

pub use rt::hex;

pub fn base64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// The ETag of an object stored in one piece: its MD5 in hex, in double quotes.
pub fn etag_of(digest: &Md5Digest) -> String {
    format!("\"{}\"", hex(digest))
}

/// Checks a `Content-MD5` header (base64 of the 16-byte digest) against what was received:
/// `InvalidDigest` when the header is not a digest at all, `BadDigest` when it differs.
pub fn verify_content_md5(header: &str, received: &Md5Digest) -> Result<(), rt::CommonError> {
    let decoded =
        base64::engine::general_purpose::STANDARD.decode(header.trim()).map_err(|_| errors::invalid_digest(header))?;
    let expected: Md5Digest = decoded.as_slice().try_into().map_err(|_| errors::invalid_digest(header))?;
    if &expected != received {
        return Err(errors::bad_digest(&hex(&expected), &base64(received)));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etag_is_quoted_hex_md5() {
        assert_eq!(etag_of(&md5(b"")), "\"d41d8cd98f00b204e9800998ecf8427e\"");
        assert_eq!(etag_of(&md5(b"hello")), "\"5d41402abc4b2a76b9719d911017c592\"");
    }

    #[test]
    fn content_md5_is_checked() {
        let digest = md5(b"hello");
        assert!(verify_content_md5(&base64(&digest), &digest).is_ok());
        let code = |r: Result<(), rt::CommonError>| match r {
            Err(rt::CommonError::Service(e)) => e.code.into_owned(),
            other => panic!("unexpected {other:?}"),
        };
        assert_eq!(code(verify_content_md5(&base64(&md5(b"other")), &digest)), "BadDigest");
        assert_eq!(code(verify_content_md5("not base64!", &digest)), "InvalidDigest");
        assert_eq!(code(verify_content_md5(&base64(b"short"), &digest)), "InvalidDigest");
        assert_eq!(code(verify_content_md5("", &digest)), "InvalidDigest");
    }
}
