//! Object contents, kept behind one type so that where bytes live can change without the
//! operations noticing.
//!
//! Today every body is held in memory. Large objects will later live in files and be
//! streamed: that adds a variant here, and [`ingest`] / [`ObjectBody::read`] keep their
//! signatures (a stream in, a stream out), so the operations stay as they are.

use ferrostack_runtime as rt;
use rt::{ByteStream, Bytes};

use crate::digest::{md5, Md5Digest};

#[derive(Debug, Clone)]
pub enum ObjectBody {
    Memory(Bytes),
}

impl ObjectBody {
    pub fn len(&self) -> u64 {
        match self {
            ObjectBody::Memory(bytes) => bytes.len() as u64,
        }
    }

    /// The bytes `start..=end`, or the whole body when `range` is `None`. The range must lie
    /// within the body; callers resolve it against [`len`](Self::len) first.
    pub fn read(&self, range: Option<(u64, u64)>) -> ByteStream {
        match self {
            ObjectBody::Memory(bytes) => match range {
                None => ByteStream::from(bytes.clone()),
                Some((start, end)) => {
                    let len = bytes.len();
                    let start = usize::try_from(start).unwrap_or(len).min(len);
                    let end = usize::try_from(end).unwrap_or(len).saturating_add(1).clamp(start, len);
                    ByteStream::from(bytes.slice(start..end))
                }
            },
        }
    }
}

/// A request body once received, with the digest S3 derives its ETag from.
pub struct Ingested {
    pub body: ObjectBody,
    pub md5: Md5Digest,
}

/// Receives a request body. Fails only when the client's body cannot be read to the end.
pub async fn ingest(stream: ByteStream) -> Result<Ingested, std::io::Error> {
    let bytes = stream.collect().await?;
    let md5 = md5(&bytes);
    Ok(Ingested { body: ObjectBody::Memory(bytes), md5 })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(stream: ByteStream) -> Vec<u8> {
        stream.buffered().map(|b| b.to_vec()).unwrap_or_default()
    }

    #[test]
    fn reads_whole_and_partial() {
        let body = ObjectBody::Memory(Bytes::from_static(b"0123456789"));
        assert_eq!(body.len(), 10);
        assert_eq!(text(body.read(None)), b"0123456789");
        assert_eq!(text(body.read(Some((2, 4)))), b"234");
        assert_eq!(text(body.read(Some((9, 9)))), b"9");
        // Out-of-bounds ranges are clamped, never a panic.
        assert_eq!(text(body.read(Some((8, 100)))), b"89");
        assert_eq!(text(body.read(Some((50, 60)))), b"");
        assert_eq!(text(body.read(Some((5, 2)))), b"");
        assert_eq!(text(body.read(Some((0, u64::MAX)))), b"0123456789");
    }
}
