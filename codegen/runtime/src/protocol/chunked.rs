//! `aws-chunked` request bodies: the framing SDKs use for streaming uploads
//! (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, `STREAMING-UNSIGNED-PAYLOAD-TRAILER`, ...):
//!
//! ```text
//! <hex size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;chunk-signature=<sig>]\r\n
//! [<trailer name>:<value>\r\n ...]\r\n
//! ```
//!
//! The payload is unframed before the protocol layer reads it, and trailing headers
//! (flexible checksums) join the request's headers. Chunk signatures are not checked.

use bytes::{Bytes, BytesMut};
use http::{HeaderName, HeaderValue};

use crate::http::HttpRequest;
use crate::protocol::DecodeError;

/// Whether the request's body is `aws-chunked` framed.
pub fn is_chunked(req: &HttpRequest) -> bool {
    req.header("content-encoding").is_some_and(|v| v.split(',').any(|e| e.trim().eq_ignore_ascii_case("aws-chunked")))
        || req.header("x-amz-content-sha256").is_some_and(|v| v.starts_with("STREAMING-"))
}

/// Replaces the framed body with its payload and adds the trailers as headers.
pub fn unframe(req: &mut HttpRequest) -> Result<(), DecodeError> {
    let (payload, trailers) = decode(&req.body)?;
    if let Some(declared) = req.header("x-amz-decoded-content-length").and_then(|v| v.trim().parse::<usize>().ok()) {
        if declared != payload.len() {
            return Err(DecodeError::Serialization(format!(
                "aws-chunked payload is {} bytes, x-amz-decoded-content-length says {declared}",
                payload.len()
            )));
        }
    }
    for (name, value) in trailers {
        if let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(&value)) {
            req.headers.insert(name, value);
        }
    }
    req.body = payload;
    Ok(())
}

fn malformed(what: &str) -> DecodeError {
    DecodeError::Serialization(format!("malformed aws-chunked body: {what}"))
}

/// The payload and the trailing headers of a framed body.
pub fn decode(body: &[u8]) -> Result<(Bytes, Vec<(String, String)>), DecodeError> {
    let mut payload = BytesMut::with_capacity(body.len());
    let mut rest = body;
    loop {
        let line_end = find_crlf(rest).ok_or_else(|| malformed("chunk header without CRLF"))?;
        let header = std::str::from_utf8(&rest[..line_end]).map_err(|_| malformed("chunk header is not text"))?;
        let size_text = header.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| malformed("chunk size is not hex"))?;
        rest = &rest[line_end + 2..];
        if size == 0 {
            break;
        }
        if rest.len() < size + 2 || &rest[size..size + 2] != b"\r\n" {
            return Err(malformed("chunk shorter than its size"));
        }
        payload.extend_from_slice(&rest[..size]);
        rest = &rest[size + 2..];
    }
    let mut trailers = Vec::new();
    while let Some(line_end) = find_crlf(rest) {
        let line = std::str::from_utf8(&rest[..line_end]).map_err(|_| malformed("trailer is not text"))?;
        rest = &rest[line_end + 2..];
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| malformed("trailer without ':'"))?;
        // The trailer signature authenticates the trailers; it is not a header.
        if !name.trim().eq_ignore_ascii_case("x-amz-trailer-signature") {
            trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
    }
    Ok((payload.freeze(), trailers))
}

fn find_crlf(bytes: &[u8]) -> Option<usize> {
    bytes.windows(2).position(|w| w == b"\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_chunks() {
        let body =
            b"5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=ghi\r\n\r\n";
        let (payload, trailers) = decode(body).unwrap();
        assert_eq!(&payload[..], b"hello world");
        assert!(trailers.is_empty());
    }

    #[test]
    fn unsigned_with_trailer() {
        let body = b"b\r\nhello world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n";
        let (payload, trailers) = decode(body).unwrap();
        assert_eq!(&payload[..], b"hello world");
        assert_eq!(trailers, vec![("x-amz-checksum-crc32".to_owned(), "DUoRhQ==".to_owned())]);
    }

    #[test]
    fn malformed_framing_is_an_error() {
        for bad in [&b"zz\r\nhello"[..], b"5\r\nhel", b"5\r\nhello", b"", b"5\r\nhelloXX0\r\n\r\n"] {
            assert!(decode(bad).is_err(), "{:?}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn random_bytes_never_panic() {
        let mut x = 0x1234_5678_9abc_def0u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 64) as usize;
            let alphabet = b"0123456789abcdef;\r\n:x";
            let bytes: Vec<u8> = (0..len).map(|i| alphabet[((x >> (i % 60)) as usize) % alphabet.len()]).collect();
            let _ = decode(&bytes);
        }
    }
}
