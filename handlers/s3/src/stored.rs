//! An object as the store keeps it: contents plus everything S3 hands back about it.

use ferrostack_runtime as rt;
use rt::{DateTime, IndexMap};
use s3_api::types::{ObjectStorageClass, ServerSideEncryption, StorageClass};

use crate::body::ObjectBody;
use crate::checksum::Checksum;
use crate::versions::Lock;

/// The `Content-Type` S3 gives objects uploaded without one.
pub const DEFAULT_CONTENT_TYPE: &str = "binary/octet-stream";

#[derive(Debug, Clone)]
pub struct StoredObject {
    pub body: ObjectBody,
    /// Quoted, as S3 returns it: `"<hex md5>"`.
    pub etag: String,
    /// Whole seconds: S3 keeps no finer precision (listings show `.000Z`).
    pub last_modified: DateTime,
    pub headers: ContentHeaders,
    /// `x-amz-meta-*` entries, names lower-cased as S3 returns them.
    pub metadata: IndexMap<String, String>,
    pub storage_class: StorageClass,
    pub encryption: Encryption,
    pub website_redirect_location: Option<String>,
    /// `null` for objects written while versioning was off or suspended.
    pub version_id: String,
    pub checksum: Option<Checksum>,
    /// The parts of a multipart object, in order (GetObject `partNumber`, GetObjectAttributes).
    pub parts: Option<Vec<PartSummary>>,
    /// The object's tag set, in the order given.
    pub tags: Vec<(String, String)>,
    pub lock: Lock,
    /// SSE-C: reads must present this key.
    pub customer_key: Option<crate::sse::CustomerKey>,
    /// The readable copy RestoreObject made of an archived (GLACIER, DEEP_ARCHIVE) object.
    pub restore: Option<crate::restore::Restored>,
}

/// One part of a completed multipart object.
#[derive(Debug, Clone)]
pub struct PartSummary {
    pub size: u64,
    pub checksum: Option<Checksum>,
}

impl StoredObject {
    /// The bytes of part `n` (1-based) as `(start, end)` inclusive, for `partNumber` reads.
    /// A one-piece object has exactly one part, itself.
    pub fn part_range(&self, n: i32) -> Option<(u64, u64)> {
        let size = self.size();
        match &self.parts {
            None => (n == 1).then_some((0, size.saturating_sub(1))),
            Some(parts) => {
                let index = usize::try_from(n).ok()?.checked_sub(1)?;
                let start: u64 = parts.iter().take(index).map(|p| p.size).sum();
                let part = parts.get(index)?;
                Some((start, (start + part.size).saturating_sub(1)))
            }
        }
    }

    pub fn parts_count(&self) -> Option<i32> {
        self.parts.as_ref().map(|p| p.len() as i32)
    }

    pub fn size(&self) -> u64 {
        self.body.len()
    }

    /// The storage class as listings show it.
    pub fn listed_storage_class(&self) -> ObjectStorageClass {
        ObjectStorageClass::from(self.storage_class.as_str())
    }

    /// The storage class as GET/HEAD show it: S3 sends `x-amz-storage-class` only for classes
    /// other than STANDARD.
    pub fn reported_storage_class(&self) -> Option<StorageClass> {
        (self.storage_class != StorageClass::Standard).then(|| self.storage_class.clone())
    }
}

/// Representation headers stored with the object and returned on GET and HEAD.
#[derive(Debug, Clone, PartialEq)]
pub struct ContentHeaders {
    pub content_type: String,
    pub content_encoding: Option<String>,
    pub content_disposition: Option<String>,
    pub content_language: Option<String>,
    pub cache_control: Option<String>,
    pub expires: Option<DateTime>,
}

impl Default for ContentHeaders {
    fn default() -> Self {
        ContentHeaders {
            content_type: DEFAULT_CONTENT_TYPE.to_owned(),
            content_encoding: None,
            content_disposition: None,
            content_language: None,
            cache_control: None,
            expires: None,
        }
    }
}

/// The `ContentHeaders` a write request sets (PutObject, CreateMultipartUpload, CopyObject
/// with REPLACE): their request shapes name these members identically. A missing
/// Content-Type is S3's default.
#[macro_export]
macro_rules! requested_content_headers {
    ($input:ident) => {
        $crate::stored::ContentHeaders {
            content_type: $input.content_type.unwrap_or_else(|| $crate::stored::DEFAULT_CONTENT_TYPE.to_owned()),
            content_encoding: $crate::stored::stored_content_encoding($input.content_encoding),
            content_disposition: $input.content_disposition,
            content_language: $input.content_language,
            cache_control: $input.cache_control,
            expires: $input.expires,
        }
    };
}

/// Server-side encryption as reported back. Every new object is encrypted (SSE-S3 unless
/// the request asks otherwise), and S3 says so on every write and read.
#[derive(Debug, Clone, PartialEq)]
pub struct Encryption {
    pub algorithm: ServerSideEncryption,
    pub kms_key_id: Option<String>,
    pub bucket_key_enabled: Option<bool>,
}

impl Encryption {
    pub fn requested(
        algorithm: Option<ServerSideEncryption>,
        kms_key_id: Option<String>,
        bucket_key_enabled: Option<bool>,
    ) -> Encryption {
        Encryption { algorithm: algorithm.unwrap_or(ServerSideEncryption::Aes256), kms_key_id, bucket_key_enabled }
    }
}

/// The `Content-Encoding` S3 keeps: `aws-chunked` describes how the request body was
/// framed in transit (SigV4 streaming), not the object, so S3 drops it and keeps the rest.
pub fn stored_content_encoding(requested: Option<String>) -> Option<String> {
    let requested = requested?;
    let kept: Vec<&str> = requested
        .split(',')
        .map(str::trim)
        .filter(|c| !c.is_empty() && !c.eq_ignore_ascii_case("aws-chunked"))
        .collect();
    (!kept.is_empty()).then(|| kept.join(","))
}

/// Metadata, with names lower-cased: HTTP header names are case-insensitive and S3 hands
/// them back in lower case.
pub fn normalise_metadata(metadata: Option<IndexMap<String, String>>) -> IndexMap<String, String> {
    metadata.unwrap_or_default().into_iter().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect()
}

/// S3 caps user metadata at 2 KB, counted as the UTF-8 bytes of every name and value.
pub const MAX_METADATA_BYTES: usize = 2048;

pub fn metadata_size(metadata: &IndexMap<String, String>) -> usize {
    metadata.iter().map(|(k, v)| k.len() + v.len()).sum()
}

/// Now, to the second, as S3 timestamps objects and buckets.
pub fn now_to_the_second() -> DateTime {
    DateTime::from_secs(DateTime::now().secs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_chunked_is_not_stored() {
        assert_eq!(stored_content_encoding(None), None);
        assert_eq!(stored_content_encoding(Some("aws-chunked".into())), None);
        assert_eq!(stored_content_encoding(Some("aws-chunked,gzip".into())).as_deref(), Some("gzip"));
        assert_eq!(stored_content_encoding(Some("gzip, aws-chunked".into())).as_deref(), Some("gzip"));
        assert_eq!(stored_content_encoding(Some("gzip".into())).as_deref(), Some("gzip"));
    }
}
