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

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http::{HeaderName, HeaderValue};

use crate::http::HttpRequest;
use crate::protocol::DecodeError;
use crate::stream::{ByteStream, Trailers};

/// The longest chunk header or trailer line accepted; real ones are under 200 bytes.
const MAX_LINE: usize = 8 * 1024;

/// Whether the request's body is `aws-chunked` framed.
pub fn is_chunked(req: &HttpRequest) -> bool {
    req.header(http::header::CONTENT_ENCODING)
        .is_some_and(|v| v.split(',').any(|e| e.trim().eq_ignore_ascii_case("aws-chunked")))
        || has_streaming_hash(req)
}

/// Whether `x-amz-content-sha256` names a streaming payload (`STREAMING-...`), which is
/// framed whatever `Content-Encoding` says.
pub fn has_streaming_hash(req: &HttpRequest) -> bool {
    req.headers.get(&crate::http::names::X_AMZ_CONTENT_SHA256).is_some_and(|v| is_streaming_hash(v.as_bytes()))
}

/// Whether an `x-amz-content-sha256` value names a streaming payload.
pub fn is_streaming_hash(value: &[u8]) -> bool {
    value.starts_with(b"STREAMING-")
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

/// Unframes a streamed `aws-chunked` body as it arrives: payload bytes flow on as soon as
/// they come in (at most one incoming frame is buffered), and the trailers are published
/// through the returned stream's [`Trailers`] once the final chunk has been read. A body
/// whose payload length differs from `x-amz-decoded-content-length` ends in an error.
pub fn unframe_stream(body: ByteStream, req: &HttpRequest) -> ByteStream {
    let declared = req.header("x-amz-decoded-content-length").and_then(|v| v.trim().parse::<u64>().ok());
    let trailers = Trailers::default();
    let decoder = Unframe {
        inner: body,
        buf: BytesMut::new(),
        state: State::Header,
        trailers: Vec::new(),
        published: trailers.clone(),
        declared,
        produced: 0,
        inner_done: false,
    };
    ByteStream::with_trailers(Box::pin(decoder), declared, trailers)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum State {
    Header,
    Data(u64),
    DataEnd,
    Trailers,
    Done,
    Failed,
}

struct Unframe {
    inner: ByteStream,
    buf: BytesMut,
    state: State,
    trailers: Vec<(String, String)>,
    published: Trailers,
    declared: Option<u64>,
    produced: u64,
    inner_done: bool,
}

fn invalid(what: &str) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, format!("malformed aws-chunked body: {what}"))
}

/// One step of the state machine over the buffered bytes: `Ok(Some)` yields payload,
/// `Ok(None)` needs more input (or has finished: see `state`).
fn step(d: &mut Unframe) -> Result<Option<Bytes>, std::io::Error> {
    loop {
        match d.state {
            State::Header => {
                let Some(end) = find_crlf(&d.buf) else {
                    if d.buf.len() > MAX_LINE {
                        return Err(invalid("chunk header too long"));
                    }
                    return Ok(None);
                };
                let line = std::str::from_utf8(&d.buf[..end]).map_err(|_| invalid("chunk header is not text"))?;
                let size_text = line.split(';').next().unwrap_or("").trim();
                let size = u64::from_str_radix(size_text, 16).map_err(|_| invalid("chunk size is not hex"))?;
                d.buf.advance(end + 2);
                d.state = if size == 0 { State::Trailers } else { State::Data(size) };
            }
            State::Data(remaining) => {
                if d.buf.is_empty() {
                    return Ok(None);
                }
                let take = remaining.min(d.buf.len() as u64) as usize;
                let data = d.buf.split_to(take).freeze();
                let left = remaining - take as u64;
                d.state = if left == 0 { State::DataEnd } else { State::Data(left) };
                d.produced += take as u64;
                return Ok(Some(data));
            }
            State::DataEnd => {
                if d.buf.len() < 2 {
                    return Ok(None);
                }
                if &d.buf[..2] != b"\r\n" {
                    return Err(invalid("chunk longer than its size"));
                }
                d.buf.advance(2);
                d.state = State::Header;
            }
            State::Trailers => {
                let Some(end) = find_crlf(&d.buf) else {
                    if d.buf.len() > MAX_LINE {
                        return Err(invalid("trailer too long"));
                    }
                    return Ok(None);
                };
                let line = std::str::from_utf8(&d.buf[..end]).map_err(|_| invalid("trailer is not text"))?.to_owned();
                d.buf.advance(end + 2);
                if line.is_empty() {
                    d.state = State::Done;
                    continue;
                }
                let (name, value) = line.split_once(':').ok_or_else(|| invalid("trailer without ':'"))?;
                if !name.trim().eq_ignore_ascii_case("x-amz-trailer-signature") {
                    d.trailers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                }
            }
            State::Done | State::Failed => return Ok(None),
        }
    }
}

impl futures_core::Stream for Unframe {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let d = self.get_mut();
        loop {
            if d.state == State::Failed {
                return Poll::Ready(None);
            }
            match step(d) {
                Ok(Some(data)) => return Poll::Ready(Some(Ok(data))),
                Err(e) => {
                    d.state = State::Failed;
                    return Poll::Ready(Some(Err(e)));
                }
                Ok(None) => {}
            }
            if d.state == State::Done {
                if let Some(declared) = d.declared {
                    if declared != d.produced {
                        d.state = State::Failed;
                        return Poll::Ready(Some(Err(invalid(&format!(
                            "payload is {} bytes, x-amz-decoded-content-length says {declared}",
                            d.produced
                        )))));
                    }
                }
                d.published.set(std::mem::take(&mut d.trailers));
                d.state = State::Failed; // finished: nothing more to yield
                return Poll::Ready(None);
            }
            if d.inner_done {
                // The body ended: without the final blank line after the trailers is
                // tolerated, anywhere else it is cut short.
                if d.state == State::Trailers && d.buf.is_empty() {
                    d.state = State::Done;
                    continue;
                }
                d.state = State::Failed;
                return Poll::Ready(Some(Err(invalid("body ends inside a chunk"))));
            }
            match d.inner.poll_chunk(cx) {
                Poll::Ready(Some(Ok(bytes))) => d.buf.extend_from_slice(&bytes),
                Poll::Ready(Some(Err(e))) => {
                    d.state = State::Failed;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => d.inner_done = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
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

    /// A decoded body and its trailers.
    type Decoded = (Vec<u8>, Vec<(String, String)>);

    /// Runs the streaming decoder over `body` cut into pieces of the given sizes.
    fn stream_decode(body: &[u8], cuts: &[usize], declared: Option<u64>) -> Result<Decoded, ()> {
        let mut pieces = Vec::new();
        let mut rest = body;
        let mut i = 0;
        while !rest.is_empty() {
            let n = cuts.get(i % cuts.len().max(1)).copied().unwrap_or(rest.len()).clamp(1, rest.len());
            pieces.push(Ok(Bytes::copy_from_slice(&rest[..n])));
            rest = &rest[n..];
            i += 1;
        }
        let inner = ByteStream::from_stream(Box::pin(Iter(pieces.into_iter())), None);
        let mut req = HttpRequest::new(http::Method::PUT, "/b/k");
        if let Some(n) = declared {
            req.headers.insert("x-amz-decoded-content-length", HeaderValue::from(n));
        }
        let mut out = unframe_stream(inner, &req);
        let mut payload = Vec::new();
        let waker = std::task::Waker::noop();
        let mut cx = Context::from_waker(waker);
        loop {
            match out.poll_chunk(&mut cx) {
                Poll::Ready(Some(Ok(b))) => payload.extend_from_slice(&b),
                Poll::Ready(Some(Err(_))) => return Err(()),
                Poll::Ready(None) => break,
                Poll::Pending => unreachable!("the pieces are all ready"),
            }
        }
        Ok((payload, out.trailers()))
    }

    struct Iter(std::vec::IntoIter<Result<Bytes, std::io::Error>>);

    impl futures_core::Stream for Iter {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.get_mut().0.next())
        }
    }

    #[test]
    fn streaming_matches_whole_body_decoding() {
        let body = b"5;chunk-signature=abc\r\nhello\r\n6;chunk-signature=def\r\n world\r\n0;chunk-signature=ghi\r\nx-amz-checksum-crc32:DUoRhQ==\r\nx-amz-trailer-signature:zz\r\n\r\n";
        for cuts in [vec![1], vec![2], vec![3, 7], vec![1000], vec![5, 1, 1, 9]] {
            let (payload, trailers) = stream_decode(body, &cuts, Some(11)).unwrap();
            assert_eq!(payload, b"hello world");
            assert_eq!(trailers, vec![("x-amz-checksum-crc32".to_owned(), "DUoRhQ==".to_owned())]);
        }
        assert!(stream_decode(body, &[4], Some(12)).is_err(), "declared length is checked");
        assert!(stream_decode(b"5\r\nhel", &[2], None).is_err(), "a cut-off body is an error");
        // No final blank line after the last chunk: tolerated.
        assert_eq!(stream_decode(b"2\r\nhi\r\n0\r\n", &[3], None).unwrap().0, b"hi");
    }

    /// Property test: arbitrary bytes, cut arbitrarily, never panic; and valid framings of
    /// random payloads always decode back to the payload, the same as the whole-body decoder.
    #[test]
    fn streaming_decoder_fuzz() {
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let alphabet = b"0123456789abcdefABCDEF;=\r\n:x- ";
        for _ in 0..5_000 {
            let len = (next() % 96) as usize;
            let bytes: Vec<u8> =
                (0..len)
                    .map(|_| {
                        if next() % 3 == 0 {
                            next() as u8
                        } else {
                            alphabet[(next() % alphabet.len() as u64) as usize]
                        }
                    })
                    .collect();
            let cuts: Vec<usize> = (0..4).map(|_| (next() % 17) as usize + 1).collect();
            let streamed = stream_decode(&bytes, &cuts, None);
            if let Ok((payload, _)) = &streamed {
                // Whatever the stream accepts, the whole-body decoder reads the same payload
                // (the stream is lenient only about a missing final blank line).
                if let Ok((whole, _)) = decode(&bytes) {
                    assert_eq!(&whole[..], &payload[..]);
                }
            }
        }
        for _ in 0..2_000 {
            let len = (next() % 300) as usize;
            let payload: Vec<u8> = (0..len).map(|_| next() as u8).collect();
            let mut framed = Vec::new();
            let mut rest = &payload[..];
            while !rest.is_empty() {
                let n = ((next() % 64) as usize + 1).min(rest.len());
                framed.extend_from_slice(format!("{n:x};chunk-signature=ab\r\n").as_bytes());
                framed.extend_from_slice(&rest[..n]);
                framed.extend_from_slice(b"\r\n");
                rest = &rest[n..];
            }
            framed.extend_from_slice(b"0\r\nx-amz-checksum-sha256:abc=\r\n\r\n");
            let cuts: Vec<usize> = (0..5).map(|_| (next() % 40) as usize + 1).collect();
            let (out, trailers) = stream_decode(&framed, &cuts, Some(len as u64)).unwrap();
            assert_eq!(out, payload);
            assert_eq!(trailers.len(), 1);
            assert_eq!(&decode(&framed).unwrap().0[..], &payload[..]);
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
