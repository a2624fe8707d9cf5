//! Streaming blob bodies (S3 objects, Lambda payloads).
//!
//! A body is either already in memory or a stream of chunks; handlers that can stream
//! (S3 GetObject from disk) hand back a stream, everything else stays a plain buffer.

use std::fmt;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;

pub type ChunkStream = Pin<Box<dyn Stream<Item = Result<Bytes, std::io::Error>> + Send + Sync>>;

pub enum ByteStream {
    Buffered(Bytes),
    /// Boxed so that a body, and the value trees holding one, stay the size of a buffer.
    Streaming(Box<StreamingBody>),
}

/// A body still arriving (or still to be read from disk) as a stream of chunks.
pub struct StreamingBody {
    pub stream: ChunkStream,
    pub length: Option<u64>,
    /// Fills in once the stream has ended, for bodies whose framing carries trailing
    /// headers (aws-chunked uploads with a trailing checksum).
    pub trailers: Trailers,
}

/// Trailing headers of a streamed request body, known only once it has been read to the end.
#[derive(Clone, Default, Debug)]
pub struct Trailers(Arc<Mutex<Vec<(String, String)>>>);

impl Trailers {
    pub fn set(&self, trailers: Vec<(String, String)>) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = trailers;
        }
    }

    /// The trailers (names lower-cased); empty until the stream has ended, or when it had none.
    pub fn get(&self) -> Vec<(String, String)> {
        self.0.lock().map(|t| t.clone()).unwrap_or_default()
    }
}

impl Default for ByteStream {
    fn default() -> Self {
        ByteStream::Buffered(Bytes::new())
    }
}

impl ByteStream {
    pub fn from_stream(stream: ChunkStream, length: Option<u64>) -> Self {
        ByteStream::Streaming(Box::new(StreamingBody { stream, length, trailers: Trailers::default() }))
    }

    /// A stream whose trailing headers arrive through `trailers` once it has ended.
    pub fn with_trailers(stream: ChunkStream, length: Option<u64>, trailers: Trailers) -> Self {
        ByteStream::Streaming(Box::new(StreamingBody { stream, length, trailers }))
    }

    /// The trailing headers of a streamed body (empty for buffered ones, whose trailers the
    /// protocol layer has already turned into headers).
    pub fn trailers(&self) -> Vec<(String, String)> {
        match self {
            ByteStream::Buffered(_) => Vec::new(),
            ByteStream::Streaming(body) => body.trailers.get(),
        }
    }

    /// The bytes, when the body is held in memory.
    pub fn buffered(&self) -> Option<&Bytes> {
        match self {
            ByteStream::Buffered(b) => Some(b),
            ByteStream::Streaming(_) => None,
        }
    }

    /// Known length in bytes, if any.
    pub fn len(&self) -> Option<u64> {
        match self {
            ByteStream::Buffered(b) => Some(b.len() as u64),
            ByteStream::Streaming(body) => body.length,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// Reads the whole body into memory.
    pub async fn collect(self) -> Result<Bytes, std::io::Error> {
        match self {
            ByteStream::Buffered(b) => Ok(b),
            ByteStream::Streaming(mut body) => {
                let mut out = Vec::new();
                while let Some(chunk) = std::future::poll_fn(|cx| body.stream.as_mut().poll_next(cx)).await {
                    out.extend_from_slice(&chunk?);
                }
                Ok(Bytes::from(out))
            }
        }
    }

    /// Polls the next chunk; a buffered body yields itself once.
    pub fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, std::io::Error>>> {
        match self {
            ByteStream::Buffered(b) => {
                if b.is_empty() {
                    Poll::Ready(None)
                } else {
                    Poll::Ready(Some(Ok(std::mem::take(b))))
                }
            }
            ByteStream::Streaming(body) => body.stream.as_mut().poll_next(cx),
        }
    }
}

impl From<Bytes> for ByteStream {
    fn from(b: Bytes) -> Self {
        ByteStream::Buffered(b)
    }
}

impl From<Vec<u8>> for ByteStream {
    fn from(b: Vec<u8>) -> Self {
        ByteStream::Buffered(Bytes::from(b))
    }
}

impl fmt::Debug for ByteStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ByteStream::Buffered(b) => write!(f, "ByteStream({} bytes)", b.len()),
            ByteStream::Streaming(body) => write!(f, "ByteStream(stream, {:?} bytes)", body.length),
        }
    }
}

/// Streams never compare equal unless both are buffered with equal bytes.
impl PartialEq for ByteStream {
    fn eq(&self, other: &Self) -> bool {
        match (self.buffered(), other.buffered()) {
            (Some(a), Some(b)) => a == b,
            _ => false,
        }
    }
}

/// Streams are moved, not copied: cloning a live stream yields an empty body.
impl Clone for ByteStream {
    fn clone(&self) -> Self {
        match self {
            ByteStream::Buffered(b) => ByteStream::Buffered(b.clone()),
            ByteStream::Streaming(_) => ByteStream::default(),
        }
    }
}
