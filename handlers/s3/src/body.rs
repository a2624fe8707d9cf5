//! Object contents, kept behind one type so that where bytes live does not concern the
//! operations.
//!
//! A body lives in memory, or — when `S3_DATA_DIR` names a directory — in a file under it
//! (see [`Storage`]).
//! Uploads are written to a temporary file as they arrive and renamed into place only once
//! complete and verified, so a crash never leaves half an object behind under its final
//! name. Reads stream from the file a chunk at a time; a 5 GiB object never sits in memory.
//! Files are shared between the versions, copies and readers that use them and removed
//! when the last one lets go.
//!
//! A multipart object is its parts laid end to end ([`ObjectBody::Parts`]): completing an
//! upload moves no data.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::task::{Context, Poll};

use ferrostack_runtime as rt;
use md5::{Digest, Md5};
use rt::{ByteStream, Bytes};

use crate::checksum::{Algorithm, Hasher};
use crate::digest::Md5Digest;

/// The chunk size of reads from disk.
const READ_CHUNK: usize = 256 * 1024;

/// The block size of large bodies held in memory.
const MEMORY_BLOCK: usize = 1024 * 1024;

#[derive(Debug, Clone)]
pub enum ObjectBody {
    Memory(Bytes),
    File(Arc<FileBlob>),
    /// Several bodies end to end (a completed multipart upload), with the total length.
    Parts(Arc<[ObjectBody]>, u64),
}

/// A file under the data directory, deleted when dropped (i.e. when no object, version or
/// reader refers to it any more; an open reader keeps its data on Unix).
#[derive(Debug)]
pub struct FileBlob {
    path: PathBuf,
    len: u64,
}

impl Drop for FileBlob {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

impl ObjectBody {
    pub fn len(&self) -> u64 {
        match self {
            ObjectBody::Memory(bytes) => bytes.len() as u64,
            ObjectBody::File(blob) => blob.len,
            ObjectBody::Parts(_, len) => *len,
        }
    }

    pub fn concat(parts: Vec<ObjectBody>) -> ObjectBody {
        let len = parts.iter().map(ObjectBody::len).sum();
        ObjectBody::Parts(parts.into(), len)
    }

    /// The bytes `start..=end`, or the whole body when `range` is `None`. Out-of-bounds
    /// ranges are clamped; callers resolve them against [`len`](Self::len) first.
    pub fn read(&self, range: Option<(u64, u64)>) -> ByteStream {
        let len = self.len();
        let (start, end) = match range {
            None => (0, len),
            Some((start, end)) => {
                let start = start.min(len);
                (start, end.saturating_add(1).clamp(start, len))
            }
        };
        if let ObjectBody::Memory(bytes) = self {
            return ByteStream::from(bytes.slice(start as usize..end as usize));
        }
        let mut pieces = VecDeque::new();
        self.collect_pieces(start, end, &mut pieces);
        ByteStream::from_stream(Box::pin(PieceStream { pieces, current: None }), Some(end - start))
    }

    /// The leaf bodies (memory or file) covering `start..end`, with their own offsets.
    fn collect_pieces(&self, start: u64, end: u64, out: &mut VecDeque<Piece>) {
        if start >= end {
            return;
        }
        match self {
            ObjectBody::Memory(bytes) => out.push_back(Piece::Memory(bytes.slice(start as usize..end as usize))),
            ObjectBody::File(blob) => out.push_back(Piece::File { blob: blob.clone(), start, end }),
            ObjectBody::Parts(parts, _) => {
                let mut offset = 0;
                for part in parts.iter() {
                    let len = part.len();
                    let (lo, hi) = (start.max(offset), end.min(offset + len));
                    if lo < hi {
                        part.collect_pieces(lo - offset, hi - offset, out);
                    }
                    offset += len;
                    if offset >= end {
                        break;
                    }
                }
            }
        }
    }
}

enum Piece {
    Memory(Bytes),
    File { blob: Arc<FileBlob>, start: u64, end: u64 },
}

struct OpenFile {
    /// Kept so the file outlives the object being replaced mid-read.
    _blob: Arc<FileBlob>,
    file: std::fs::File,
    remaining: u64,
}

/// Streams the pieces one after another. File reads are small (256 KiB) positioned reads:
/// short enough not to stall the runtime noticeably, and the page cache serves most.
struct PieceStream {
    pieces: VecDeque<Piece>,
    current: Option<OpenFile>,
}

impl futures_core::Stream for PieceStream {
    type Item = Result<Bytes, std::io::Error>;

    fn poll_next(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(open) = &mut this.current {
                if open.remaining == 0 {
                    this.current = None;
                    continue;
                }
                let want = open.remaining.min(READ_CHUNK as u64) as usize;
                let mut buf = vec![0u8; want];
                let read = std::io::Read::read(&mut open.file, &mut buf);
                return Poll::Ready(Some(match read {
                    Ok(0) => {
                        this.current = None;
                        Err(std::io::Error::new(
                            std::io::ErrorKind::UnexpectedEof,
                            "object file is shorter than recorded",
                        ))
                    }
                    Ok(n) => {
                        open.remaining -= n as u64;
                        buf.truncate(n);
                        Ok(Bytes::from(buf))
                    }
                    Err(e) => {
                        this.current = None;
                        Err(e)
                    }
                }));
            }
            match this.pieces.pop_front() {
                None => return Poll::Ready(None),
                Some(Piece::Memory(bytes)) => return Poll::Ready(Some(Ok(bytes))),
                Some(Piece::File { blob, start, end }) => {
                    let opened = std::fs::File::open(&blob.path).and_then(|mut file| {
                        std::io::Seek::seek(&mut file, std::io::SeekFrom::Start(start))?;
                        Ok(file)
                    });
                    match opened {
                        Ok(file) => this.current = Some(OpenFile { _blob: blob, file, remaining: end - start }),
                        Err(e) => return Poll::Ready(Some(Err(e))),
                    }
                }
            }
        }
    }
}

/// Where new bodies go: memory, or files under the data directory (`S3_DATA_DIR`).
///
/// Files live in ferrostack's own subdirectory of it, [`SUBDIRECTORY`], so the directory
/// may be shared with anything else. Nothing persists across runs yet, so bodies an earlier
/// run left there are unreachable: they are removed when the directory is first used, and only
/// they — files named as this module names them, in that subdirectory. Anything else is never
/// touched. Two servers must not share one data directory (each would remove the other's files).
#[derive(Debug, Default)]
pub struct Storage {
    /// The data directory asked for; `None` keeps bodies in memory.
    requested: Option<PathBuf>,
    /// `<data dir>/ferrostack-s3`, prepared on first use (constructors do no I/O); `None`
    /// when bodies stay in memory.
    dir: OnceLock<Option<PathBuf>>,
}

/// The subdirectory of the data directory that ferrostack owns.
pub const SUBDIRECTORY: &str = "ferrostack-s3";

impl Storage {
    /// Bodies as files under `data_dir`, or in memory when it is `None` or cannot be used
    /// (said in the log: the server still serves).
    pub fn open(data_dir: Option<&Path>) -> Storage {
        Storage { requested: data_dir.map(Path::to_path_buf), dir: OnceLock::new() }
    }

    fn dir(&self) -> Option<&Path> {
        self.dir.get_or_init(|| prepare(self.requested.as_deref()?)).as_deref()
    }
}

/// Makes ferrostack's subdirectory of `data_dir` ready, with an earlier run's bodies removed.
fn prepare(data_dir: &Path) -> Option<PathBuf> {
    let dir = data_dir.join(SUBDIRECTORY);
    let prepared = std::fs::create_dir_all(dir.join("tmp")).and_then(|_| std::fs::create_dir_all(dir.join("objects")));
    match prepared {
        Ok(()) => {
            for sub in ["tmp", "objects"] {
                remove_leftovers(&dir.join(sub));
            }
            Some(dir)
        }
        Err(e) => {
            tracing::warn!(dir = %dir.display(), error = %e, "S3_DATA_DIR is not usable; keeping objects in memory");
            None
        }
    }
}

/// Removes the body files an earlier run left in `dir`: regular files named `<pid>-<n>`.
fn remove_leftovers(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if is_file && entry.file_name().to_str().is_some_and(is_body_file_name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `name` is one [`unique_name`] makes.
fn is_body_file_name(name: &str) -> bool {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    name.split_once('-').is_some_and(|(pid, n)| digits(pid) && digits(n))
}

fn unique_name() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    format!("{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// Why a body could not be taken in.
#[derive(Debug)]
pub enum IngestError {
    /// The client's body broke off or was malformed.
    Incomplete,
    /// More bytes than allowed arrived.
    TooLarge(u64),
    /// The data directory could not be written.
    Storage(std::io::Error),
}

/// A request body once received, with the digests S3 derives its ETag and checksum from.
pub struct Ingested {
    pub body: ObjectBody,
    pub md5: Md5Digest,
    /// The checksums asked for, in the order asked.
    pub checksums: Vec<(Algorithm, Vec<u8>)>,
    /// aws-chunked trailers (a trailing `x-amz-checksum-*`), known once the body has ended.
    pub trailers: Vec<(String, String)>,
}

/// The checksum of a stored body, read back (for a trailing checksum whose algorithm was not
/// announced up front, so it was not computed on the way in).
pub async fn digest(body: &ObjectBody, algorithm: Algorithm) -> Result<Vec<u8>, std::io::Error> {
    let mut hasher = Hasher::new(algorithm);
    let mut stream = body.read(None);
    while let Some(chunk) = std::future::poll_fn(|cx| stream.poll_chunk(cx)).await {
        hasher.update(&chunk?);
    }
    Ok(hasher.finish())
}

impl Ingested {
    /// The computed checksum of `algorithm`, when it was asked for.
    pub fn checksum(&self, algorithm: Option<Algorithm>) -> Option<crate::checksum::Checksum> {
        let algorithm = algorithm?;
        self.checksums.iter().find(|(a, _)| *a == algorithm).map(|(a, d)| crate::checksum::Checksum::whole(*a, d))
    }
}

/// Where incoming bytes go until the body is complete.
enum Sink {
    Memory(Vec<Bytes>),
    File { file: tokio::fs::File, tmp: PathBuf },
}

/// Receives a request body, computing its MD5 and the requested checksum on the way. With a
/// data directory the bytes go straight to a temporary file, renamed into place at the end.
pub async fn ingest(
    storage: &Storage,
    stream: ByteStream,
    checksums: &[Algorithm],
    limit: u64,
) -> Result<Ingested, IngestError> {
    let trailers = match &stream {
        ByteStream::Streaming(body) => Some(body.trailers.clone()),
        ByteStream::Buffered(_) => None,
    };
    // A buffered body is already in memory: keep it as it is.
    if let (ByteStream::Buffered(bytes), None) = (&stream, storage.dir()) {
        if bytes.len() as u64 > limit {
            return Err(IngestError::TooLarge(bytes.len() as u64));
        }
        let md5: Md5Digest = Md5::digest(bytes).into();
        let checksums = checksums.iter().map(|a| (*a, a.digest(bytes))).collect();
        return Ok(Ingested { body: ObjectBody::Memory(bytes.clone()), md5, checksums, trailers: Vec::new() });
    }

    let mut sink = match storage.dir() {
        None => Sink::Memory(Vec::new()),
        Some(dir) => {
            let tmp = dir.join("tmp").join(unique_name());
            let file = tokio::fs::File::create(&tmp).await.map_err(IngestError::Storage)?;
            Sink::File { file, tmp }
        }
    };
    let outcome = receive(stream, checksums, limit, &mut sink).await;
    let (md5, hashers, total) = match outcome {
        Ok(v) => v,
        Err(e) => {
            if let Sink::File { tmp, .. } = &sink {
                let _ = tokio::fs::remove_file(tmp).await;
            }
            return Err(e);
        }
    };
    let body = match sink {
        Sink::Memory(chunks) => in_memory(chunks, total),
        Sink::File { file, tmp } => {
            use tokio::io::AsyncWriteExt;
            let mut file = file;
            let finished = async {
                file.flush().await?;
                drop(file);
                let dir = storage.dir().ok_or_else(|| std::io::Error::other("data directory vanished"))?;
                let path = dir.join("objects").join(unique_name());
                tokio::fs::rename(&tmp, &path).await?;
                Ok::<_, std::io::Error>(path)
            };
            match finished.await {
                Ok(path) => ObjectBody::File(Arc::new(FileBlob { path, len: total })),
                Err(e) => {
                    let _ = tokio::fs::remove_file(&tmp).await;
                    return Err(IngestError::Storage(e));
                }
            }
        }
    };
    Ok(Ingested {
        body,
        md5: md5.finalize().into(),
        checksums: hashers.into_iter().map(|h| (h.algorithm(), h.finish())).collect(),
        trailers: trailers.map(|t| t.get()).unwrap_or_default(),
    })
}

async fn receive(
    mut stream: ByteStream,
    checksums: &[Algorithm],
    limit: u64,
    sink: &mut Sink,
) -> Result<(Md5, Vec<Hasher>, u64), IngestError> {
    let mut md5 = Md5::new();
    let mut hashers: Vec<Hasher> = checksums.iter().map(|a| Hasher::new(*a)).collect();
    let mut total: u64 = 0;
    while let Some(chunk) = std::future::poll_fn(|cx| stream.poll_chunk(cx)).await {
        let chunk = chunk.map_err(|_| IngestError::Incomplete)?;
        total += chunk.len() as u64;
        if total > limit {
            return Err(IngestError::TooLarge(total));
        }
        md5.update(&chunk);
        for h in &mut hashers {
            h.update(&chunk);
        }
        match sink {
            Sink::Memory(blocks) => blocks.push(chunk),
            Sink::File { file, .. } => {
                use tokio::io::AsyncWriteExt;
                file.write_all(&chunk).await.map_err(IngestError::Storage)?;
            }
        }
    }
    Ok((md5, hashers, total))
}

/// A body received in pieces, held in memory: small ones as one buffer, large ones as
/// blocks of about [`MEMORY_BLOCK`] laid end to end, so a large upload is never copied into
/// one allocation (which would need twice its size at the moment of copying).
fn in_memory(chunks: Vec<Bytes>, total: u64) -> ObjectBody {
    if chunks.len() == 1 {
        return ObjectBody::Memory(chunks.into_iter().next().unwrap_or_default());
    }
    if total <= MEMORY_BLOCK as u64 {
        let mut out = Vec::with_capacity(total as usize);
        for c in chunks {
            out.extend_from_slice(&c);
        }
        return ObjectBody::Memory(Bytes::from(out));
    }
    let mut blocks = Vec::new();
    let mut current: Vec<u8> = Vec::with_capacity(MEMORY_BLOCK);
    for c in chunks {
        let mut rest = &c[..];
        while !rest.is_empty() {
            let room = MEMORY_BLOCK - current.len();
            let take = room.min(rest.len());
            current.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if current.len() == MEMORY_BLOCK {
                blocks.push(ObjectBody::Memory(Bytes::from(std::mem::replace(
                    &mut current,
                    Vec::with_capacity(MEMORY_BLOCK),
                ))));
            }
        }
    }
    if !current.is_empty() {
        blocks.push(ObjectBody::Memory(Bytes::from(current)));
    }
    ObjectBody::concat(blocks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(stream: ByteStream) -> Vec<u8> {
        futures_executor_lite(stream.collect()).unwrap().to_vec()
    }

    /// Drives a future that never waits (all reads here are memory or blocking file reads).
    fn futures_executor_lite<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
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

    #[test]
    fn large_memory_bodies_are_blocks() {
        let data: Vec<u8> = (0..(MEMORY_BLOCK * 2 + 77)).map(|i| (i % 253) as u8).collect();
        let chunks: Vec<Bytes> = data.chunks(10_000).map(Bytes::copy_from_slice).collect();
        let body = in_memory(chunks, data.len() as u64);
        assert!(matches!(&body, ObjectBody::Parts(parts, _) if parts.len() == 3));
        assert_eq!(text(body.read(None)), data);
        let small = in_memory(vec![Bytes::from_static(b"ab"), Bytes::from_static(b"c")], 3);
        assert!(matches!(&small, ObjectBody::Memory(b) if &b[..] == b"abc"));
    }

    #[test]
    fn parts_read_across_boundaries() {
        let parts = ObjectBody::concat(vec![
            ObjectBody::Memory(Bytes::from_static(b"abc")),
            ObjectBody::Memory(Bytes::from_static(b"")),
            ObjectBody::Memory(Bytes::from_static(b"defg")),
            ObjectBody::Memory(Bytes::from_static(b"hi")),
        ]);
        assert_eq!(parts.len(), 9);
        assert_eq!(text(parts.read(None)), b"abcdefghi");
        assert_eq!(text(parts.read(Some((2, 7)))), b"cdefgh");
        assert_eq!(text(parts.read(Some((3, 3)))), b"d");
        assert_eq!(text(parts.read(Some((8, 100)))), b"i");
        assert_eq!(text(parts.read(Some((9, 100)))), b"");
    }

    #[test]
    fn start_removes_only_its_own_leftovers() {
        let data = std::env::temp_dir().join(format!("s3-storage-test-{}", unique_name()));
        let own = data.join(SUBDIRECTORY);
        std::fs::create_dir_all(own.join("objects")).unwrap();
        std::fs::write(data.join("users-file"), b"keep").unwrap();
        std::fs::create_dir_all(data.join("objects")).unwrap();
        std::fs::write(data.join("objects").join("1-1"), b"keep: not in our subdirectory").unwrap();
        std::fs::write(own.join("objects").join("123-4"), b"stale").unwrap();
        std::fs::write(own.join("objects").join("notes.txt"), b"keep: not a name we make").unwrap();
        let storage = Storage::open(Some(&data));
        assert_eq!(storage.dir(), Some(own.as_path()));
        assert!(!own.join("objects").join("123-4").exists());
        assert!(own.join("objects").join("notes.txt").exists());
        assert!(data.join("users-file").exists());
        assert!(data.join("objects").join("1-1").exists());
        let _ = std::fs::remove_dir_all(&data);
    }

    #[test]
    fn files_stream_ranges() {
        let dir = std::env::temp_dir().join(format!("s3-body-test-{}", unique_name()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("blob");
        let data: Vec<u8> = (0..700_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &data).unwrap();
        let body = ObjectBody::File(Arc::new(FileBlob { path: path.clone(), len: data.len() as u64 }));
        assert_eq!(text(body.read(None)), data);
        assert_eq!(text(body.read(Some((300_000, 600_000)))), &data[300_000..=600_000]);
        let mixed = ObjectBody::concat(vec![body.clone(), ObjectBody::Memory(Bytes::from_static(b"tail"))]);
        assert_eq!(&text(mixed.read(Some((699_998, 700_001))))[..], &[data[699_998], data[699_999], b't', b'a']);
        drop((body, mixed));
        assert!(!path.exists(), "the file goes with its last user");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
