//! Bodies across the hyper boundary: request bodies read into memory up to a limit, and
//! response bodies that are either one buffer or a stream of chunks.

use std::panic::AssertUnwindSafe;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use ferrostack_runtime::ByteStream;
use http_body::{Body, Frame, SizeHint};
use http_body_util::BodyExt;

/// Why a request body could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// Bigger than the limit: by its `Content-Length`, or once that many bytes arrived.
    TooLarge,
    /// The client went away or sent a broken body.
    Broken(String),
}

/// Reads a whole request body, giving up as soon as it is known to exceed `limit`, so an
/// oversized upload is refused without being held in memory or waited for.
pub async fn read_limited<B>(body: B, limit: u64) -> Result<Bytes, ReadError>
where
    B: Body<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    if body.size_hint().lower() > limit {
        return Err(ReadError::TooLarge);
    }
    let mut body = pin!(body);
    // Most bodies come in one frame: keep it as is and only copy when a second one arrives.
    let mut first: Option<Bytes> = None;
    let mut joined: Option<BytesMut> = None;
    let mut total: u64 = 0;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| ReadError::Broken(e.to_string()))?;
        let Ok(data) = frame.into_data() else { continue }; // trailers
        if data.is_empty() {
            continue;
        }
        total += data.len() as u64;
        if total > limit {
            return Err(ReadError::TooLarge);
        }
        match (&mut first, &mut joined) {
            (None, None) => first = Some(data),
            (Some(_), None) => {
                let head = first.take().unwrap_or_default();
                let mut buf = BytesMut::with_capacity(head.len() + data.len());
                buf.extend_from_slice(&head);
                buf.extend_from_slice(&data);
                joined = Some(buf);
            }
            (_, Some(buf)) => buf.extend_from_slice(&data),
        }
    }
    Ok(match joined {
        Some(buf) => buf.freeze(),
        None => first.unwrap_or_default(),
    })
}

/// A request body passed on as it arrives (S3 object uploads), failing once more than
/// `limit` bytes have come in. The caller has already refused bodies whose announced length
/// is over the limit. The flag turns true once the body has been read to its end: a
/// handler that answers without reading it all (an early error) leaves the rest of it on
/// the connection, which then cannot carry another request.
pub fn into_stream<B>(body: B, limit: u64) -> (ByteStream, Arc<AtomicBool>)
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: std::fmt::Display,
{
    let length = body.size_hint().exact();
    let ended = Arc::new(AtomicBool::new(body.is_end_stream()));
    let stream = RequestStream { body: std::sync::Mutex::new(Box::pin(body)), seen: 0, limit, ended: ended.clone() };
    (ByteStream::from_stream(Box::pin(stream), length), ended)
}

struct RequestStream<B> {
    /// Behind a mutex only so the stream is `Sync`, as handler bodies must be; it is polled
    /// from one task at a time, so the lock is never contended.
    body: std::sync::Mutex<Pin<Box<B>>>,
    seen: u64,
    limit: u64,
    ended: Arc<AtomicBool>,
}

impl<B> futures_util::Stream for RequestStream<B>
where
    B: Body<Data = Bytes>,
    B::Error: std::fmt::Display,
{
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let Ok(mut body) = this.body.lock() else {
            return Poll::Ready(Some(Err(std::io::Error::other("request body lock poisoned"))));
        };
        loop {
            match body.as_mut().poll_frame(cx) {
                Poll::Ready(Some(Ok(frame))) => {
                    let Ok(data) = frame.into_data() else { continue }; // trailers
                    if data.is_empty() {
                        continue;
                    }
                    this.seen += data.len() as u64;
                    if this.seen > this.limit {
                        return Poll::Ready(Some(Err(std::io::Error::other("request body over the size limit"))));
                    }
                    return Poll::Ready(Some(Ok(data)));
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(std::io::Error::other(e.to_string())))),
                Poll::Ready(None) => {
                    this.ended.store(true, Ordering::Relaxed);
                    return Poll::Ready(None);
                }
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

/// A response body: a buffer sent at once, or a handler's stream passed through chunk by
/// chunk (S3 objects read from disk).
pub struct ResponseBody {
    inner: Inner,
}

enum Inner {
    Buffered(Option<Bytes>),
    Streaming { stream: ByteStream, length: Option<u64> },
}

impl ResponseBody {
    pub fn empty() -> Self {
        ResponseBody { inner: Inner::Buffered(None) }
    }

    pub fn buffered(bytes: Bytes) -> Self {
        ResponseBody { inner: Inner::Buffered((!bytes.is_empty()).then_some(bytes)) }
    }

    pub fn from_stream(stream: ByteStream) -> Self {
        match stream {
            ByteStream::Buffered(bytes) => ResponseBody::buffered(bytes),
            stream => {
                let length = stream.len();
                ResponseBody { inner: Inner::Streaming { stream, length } }
            }
        }
    }

    /// The whole body, when it is a buffer (for tests and small readers).
    pub fn buffered_bytes(&self) -> Option<Bytes> {
        match &self.inner {
            Inner::Buffered(b) => Some(b.clone().unwrap_or_default()),
            Inner::Streaming { .. } => None,
        }
    }
}

impl Body for ResponseBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        match &mut self.get_mut().inner {
            Inner::Buffered(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Inner::Streaming { stream, .. } => {
                // A handler's stream runs inside hyper's connection task, outside the
                // request's panic guard: a panic here must end this body, not the task.
                match std::panic::catch_unwind(AssertUnwindSafe(|| stream.poll_chunk(cx))) {
                    Ok(poll) => poll.map(|chunk| chunk.map(|c| c.map(Frame::data))),
                    Err(panic) => {
                        let message = crate::gateway::panic_message(&*panic);
                        tracing::error!(panic = %message, "response body stream panicked");
                        *stream = ByteStream::default();
                        Poll::Ready(Some(Err(std::io::Error::other("response stream panicked"))))
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        matches!(self.inner, Inner::Buffered(None))
    }

    fn size_hint(&self) -> SizeHint {
        match &self.inner {
            Inner::Buffered(b) => SizeHint::with_exact(b.as_ref().map_or(0, |b| b.len() as u64)),
            Inner::Streaming { length: Some(n), .. } => SizeHint::with_exact(*n),
            Inner::Streaming { length: None, .. } => SizeHint::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::{Full, StreamBody};

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn reads_within_limit() {
        let body = Full::new(Bytes::from_static(b"hello"));
        assert_eq!(block_on(read_limited(body, 5)).unwrap(), Bytes::from_static(b"hello"));
    }

    #[test]
    fn refuses_by_length_without_reading() {
        let body = Full::new(Bytes::from_static(b"hello"));
        assert!(matches!(block_on(read_limited(body, 4)), Err(ReadError::TooLarge)));
    }

    #[test]
    fn joins_chunks_and_stops_at_the_limit() {
        let chunks = || {
            let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = vec![
                Ok(Frame::data(Bytes::from_static(b"ab"))),
                Ok(Frame::data(Bytes::from_static(b"cd"))),
                Ok(Frame::data(Bytes::from_static(b"ef"))),
            ];
            StreamBody::new(futures_util::stream::iter(frames))
        };
        assert_eq!(block_on(read_limited(chunks(), 6)).unwrap(), Bytes::from_static(b"abcdef"));
        assert!(matches!(block_on(read_limited(chunks(), 5)), Err(ReadError::TooLarge)));
    }
}
