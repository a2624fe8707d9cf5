//! The aws-chunked decoders on arbitrary input: the whole-body decoder, and the streaming
//! one fed the same bytes in pieces whose sizes the input's first bytes choose. Neither may
//! panic or hang, and whatever the stream accepts, the whole-body decoder must read alike.

#![no_main]

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use ferrostack_runtime::http::HttpRequest;
use ferrostack_runtime::protocol::chunked;
use ferrostack_runtime::ByteStream;
use libfuzzer_sys::fuzz_target;

/// Pieces that are all ready at once, so one noop-waker poll loop drains the decoder.
struct Pieces(std::vec::IntoIter<Result<Bytes, std::io::Error>>);

impl futures_core::Stream for Pieces {
    type Item = Result<Bytes, std::io::Error>;
    fn poll_next(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        Poll::Ready(self.get_mut().0.next())
    }
}

fuzz_target!(|data: &[u8]| {
    // First byte: whether to declare the decoded length; next four: piece sizes.
    let (header, body) = data.split_at(data.len().min(5));
    let declare = header.first().is_some_and(|b| b & 1 == 1);
    let cuts: Vec<usize> = header.iter().skip(1).map(|&b| usize::from(b % 32) + 1).collect();

    let whole = chunked::decode(body);

    let mut pieces = Vec::new();
    let mut rest = body;
    let mut i = 0;
    while !rest.is_empty() {
        let n = cuts.get(i % cuts.len().max(1)).copied().unwrap_or(rest.len()).min(rest.len());
        pieces.push(Ok(Bytes::copy_from_slice(&rest[..n])));
        rest = &rest[n..];
        i += 1;
    }
    let mut req = HttpRequest::new(http::Method::PUT, "/bucket/key");
    if declare {
        if let Ok((payload, _)) = &whole {
            req.headers.insert("x-amz-decoded-content-length", http::HeaderValue::from(payload.len()));
        }
    }
    let inner = ByteStream::from_stream(Box::pin(Pieces(pieces.into_iter())), None);
    let mut stream = chunked::unframe_stream(inner, &req);
    let mut cx = Context::from_waker(std::task::Waker::noop());
    let mut streamed = Vec::new();
    let accepted = loop {
        match stream.poll_chunk(&mut cx) {
            Poll::Ready(Some(Ok(b))) => streamed.extend_from_slice(&b),
            Poll::Ready(Some(Err(_))) => break false,
            Poll::Ready(None) => break true,
            Poll::Pending => panic!("every piece is ready: the decoder must not wait"),
        }
    };
    if let (true, Ok((payload, _))) = (accepted, &whole) {
        assert_eq!(&payload[..], &streamed[..], "stream and whole-body decoders disagree");
    }
});
