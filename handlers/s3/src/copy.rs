//! CopyObject: a new object from an existing one, in the same or another bucket.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::DateTime;
use s3_api::error::*;
use s3_api::types::*;

use crate::checksum::{Algorithm, Checksum, Hasher};
use crate::conditions::{self, Conditions, Failed};
use crate::errors;
use crate::object::{
    check_key, check_metadata, check_storage_class, check_version_id, keep_written, MAX_SINGLE_PUT_BYTES,
};
use crate::state::S3State;
use crate::stored::{normalise_metadata, now_to_the_second, Encryption, StoredObject};
use crate::tags;
use crate::url_encoding::percent_decode;
use crate::versions::{self, Found};
use crate::{checksum_fields, requested_content_headers, requested_customer_key, with_encryption};

/// The object `x-amz-copy-source` names: `bucket/key` or `/bucket/key`, URL-encoded, with an
/// optional `?versionId=`.
#[derive(Debug, PartialEq)]
pub struct CopySource {
    pub bucket: String,
    pub key: String,
    pub version_id: Option<String>,
}

impl CopySource {
    pub fn parse(raw: &str) -> Result<CopySource, rt::CommonError> {
        const HEADER: &str = "x-amz-copy-source";
        let malformed = || {
            errors::invalid_argument(
                "Copy Source must mention the source bucket and key: sourcebucket/sourcekey",
                HEADER,
                raw,
            )
        };
        // A literal `?` starts the query: one inside a key arrives encoded as %3F.
        let (path, query) = raw.split_once('?').unwrap_or((raw, ""));
        let path = percent_decode(path).ok_or_else(malformed)?;
        let path = path.strip_prefix('/').unwrap_or(&path);
        let (bucket, key) = path.split_once('/').ok_or_else(malformed)?;
        if bucket.is_empty() || key.is_empty() {
            return Err(malformed());
        }
        let mut version_id = None;
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            if let Some(value) = pair.strip_prefix("versionId=") {
                version_id = Some(percent_decode(value).ok_or_else(malformed)?);
            }
        }
        Ok(CopySource { bucket: bucket.to_owned(), key: key.to_owned(), version_id })
    }

    /// The object this names, cloned out of the store (its body is shared, not copied), with
    /// the version id to report. A delete marker cannot be copied.
    pub fn find(
        &self,
        s: &S3State,
        expected_owner: Option<&str>,
    ) -> Result<(StoredObject, Option<String>), rt::CommonError> {
        let bucket = s.bucket(&self.bucket, expected_owner)?;
        match versions::find(bucket, &self.key, self.version_id.as_deref())? {
            Found::Object(o) => Ok((o.clone(), versions::reported(bucket, &o.version_id))),
            Found::DeleteMarker => Err(errors::invalid_request(
                "The source of a copy request may not specifically refer to a delete marker by version id.",
            )),
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Directive {
    Copy,
    Replace,
}

fn directive(requested: Option<&MetadataDirective>) -> Result<Directive, rt::CommonError> {
    match requested {
        None | Some(MetadataDirective::Copy) => Ok(Directive::Copy),
        Some(MetadataDirective::Replace) => Ok(Directive::Replace),
        Some(other) => {
            Err(errors::invalid_argument("Unknown metadata directive.", "x-amz-metadata-directive", other.as_str()))
        }
    }
}

/// Copy-source conditions fail with 412 whichever one fails, naming the copy-source header.
pub fn copy_condition_header(failed: Failed) -> &'static str {
    match failed {
        Failed::IfMatch => "x-amz-copy-source-If-Match",
        Failed::IfUnmodifiedSince => "x-amz-copy-source-If-Unmodified-Since",
        Failed::IfNoneMatch => "x-amz-copy-source-If-None-Match",
        Failed::IfModifiedSince => "x-amz-copy-source-If-Modified-Since",
    }
}

pub async fn copy_object(
    state: &GlobalStore<S3State>,
    input: CopyObjectRequest,
) -> Result<CopyObjectOutput, CopyObjectError> {
    let source = CopySource::parse(&input.copy_source)?;
    check_version_id(source.version_id.as_deref())?;
    check_key(&input.key)?;
    let directive = directive(input.metadata_directive.as_ref())?;
    let replace_tags = match &input.tagging_directive {
        None | Some(TaggingDirective::Copy) => false,
        Some(TaggingDirective::Replace) => true,
        Some(other) => {
            return Err(errors::invalid_argument(
                "Unknown tagging directive.",
                "x-amz-tagging-directive",
                other.as_str(),
            )
            .into())
        }
    };
    let new_tags = tags::from_header(input.tagging.as_deref())?;
    let changes_storage_class = input.storage_class.is_some();
    let storage_class = check_storage_class(input.storage_class)?;
    let replaced_metadata = normalise_metadata(input.metadata);
    if directive == Directive::Replace {
        check_metadata(&replaced_metadata)?;
    }
    let wanted_checksum = match &input.checksum_algorithm {
        None => None,
        Some(a) => Some(Algorithm::from_model(a).ok_or_else(|| {
            errors::invalid_request("Checksum algorithm provided is unsupported. Please try again with any of the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]")
        })?),
    };
    let source_key = requested_customer_key!(input, copy_source)?;
    let customer_key = requested_customer_key!(input)?;
    let changes_encryption =
        input.server_side_encryption.is_some() || input.ssekms_key_id.is_some() || customer_key.is_some();
    let encryption = Encryption::requested(input.server_side_encryption, input.ssekms_key_id, input.bucket_key_enabled);
    let conditions = Conditions {
        if_match: input.copy_source_if_match.as_deref(),
        if_none_match: input.copy_source_if_none_match.as_deref(),
        if_modified_since: input.copy_source_if_modified_since,
        if_unmodified_since: input.copy_source_if_unmodified_since,
    };

    let (original, source_version) = state.with(|s| {
        s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        source.find(s, input.expected_source_bucket_owner.as_deref())
    })?;
    crate::sse::check_read(original.customer_key.as_ref(), source_key.as_ref())?;
    crate::restore::check_readable(&original)?;
    conditions::evaluate(&conditions, &original.etag, original.last_modified, DateTime::now())
        .map_err(|failed| errors::precondition_failed(copy_condition_header(failed)))?;
    if original.size() > MAX_SINGLE_PUT_BYTES {
        return Err(errors::invalid_request(format!(
            "The specified copy source is larger than the maximum allowable size for a copy source: {MAX_SINGLE_PUT_BYTES}"
        ))
        .into());
    }
    let onto_itself = source.bucket == input.bucket && source.key == input.key && source.version_id.is_none();
    if onto_itself
        && directive == Directive::Copy
        && !changes_storage_class
        && !changes_encryption
        && input.website_redirect_location.is_none()
        && wanted_checksum.is_none()
    {
        return Err(errors::invalid_request(
            "This copy request is illegal because it is trying to copy an object to itself without changing the \
             object's metadata, storage class, website redirect location or encryption attributes.",
        )
        .into());
    }
    // A checksum of another algorithm than the source's is computed from the bytes.
    let checksum = match wanted_checksum {
        Some(a)
            if original.checksum.as_ref().is_none_or(|c| c.algorithm != a || c.kind != ChecksumType::FullObject) =>
        {
            let mut hasher = Hasher::new(a);
            let mut stream = original.body.read(None);
            while let Some(chunk) = std::future::poll_fn(|cx| stream.poll_chunk(cx)).await {
                hasher.update(&chunk.map_err(|e| errors::internal(format!("could not read the source: {e}")))?);
            }
            Some(Checksum::whole(a, &hasher.finish()))
        }
        _ => original.checksum.clone(),
    };
    // CopyObject writes its copy in one piece: a multipart source's `-N` ETag and part
    // layout do not carry over, and the copy's ETag is the MD5 of its bytes, as after a PUT.
    let (etag, parts) = match &original.parts {
        Some(_) => {
            let mut md5 = <md5::Md5 as md5::Digest>::new();
            let mut stream = original.body.read(None);
            while let Some(chunk) = std::future::poll_fn(|cx| stream.poll_chunk(cx)).await {
                let chunk = chunk.map_err(|e| errors::internal(format!("could not read the source: {e}")))?;
                md5::Digest::update(&mut md5, &chunk);
            }
            (crate::digest::etag_of(&md5::Digest::finalize(md5).into()), None)
        }
        None => (original.etag.clone(), None),
    };
    let (headers, metadata) = match directive {
        Directive::Copy => (original.headers.clone(), original.metadata.clone()),
        Directive::Replace => (requested_content_headers!(input), replaced_metadata),
    };
    let mut copy = StoredObject {
        // The bytes are shared, not duplicated.
        body: original.body.clone(),
        etag,
        last_modified: now_to_the_second(),
        headers,
        metadata,
        storage_class,
        encryption: encryption.clone(),
        // Unique to each object: copied only when the request names it.
        website_redirect_location: input.website_redirect_location,
        version_id: versions::NULL.to_owned(),
        checksum: checksum.clone(),
        parts,
        tags: if replace_tags { new_tags } else { original.tags.clone() },
        lock: Default::default(),
        customer_key: customer_key.clone(),
        restore: None,
    };
    let result = CopyObjectResult {
        e_tag: Some(copy.etag.clone()),
        last_modified: Some(copy.last_modified),
        checksum_type: checksum.as_ref().map(|c| c.kind.clone()),
        ..Default::default()
    };
    let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(checksum.as_ref());
    let result = CopyObjectResult {
        checksum_crc32: crc32,
        checksum_crc32c: crc32c,
        checksum_crc64nvme: crc64nvme,
        checksum_sha1: sha1,
        checksum_sha256: sha256,
        ..result
    };
    let version_id = state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, None)?;
        copy.lock = versions::lock_for_new_object(
            bucket,
            input.object_lock_mode,
            input.object_lock_retain_until_date,
            input.object_lock_legal_hold_status,
        )?;
        let grants = [&input.grant_full_control, &input.grant_read, &input.grant_read_acp, &input.grant_write_acp];
        keep_written(bucket, input.key, copy, input.acl.as_ref(), grants, "ObjectCreated:Copy")
    })?;

    Ok(with_encryption!(
        CopyObjectOutput { copy_object_result: Some(result), copy_source_version_id: source_version, version_id },
        encryption,
        customer_key
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(raw: &str) -> Option<(String, String, Option<String>)> {
        CopySource::parse(raw).ok().map(|s| (s.bucket, s.key, s.version_id))
    }

    #[test]
    fn copy_source_forms() {
        let plain = Some(("src".to_string(), "dir/file.txt".to_string(), None));
        assert_eq!(parsed("src/dir/file.txt"), plain);
        assert_eq!(parsed("/src/dir/file.txt"), plain);
        assert_eq!(parsed("src/dir%2Ffile.txt"), plain);
        assert_eq!(parsed("src/a%20b%3Fc+d"), Some(("src".into(), "a b?c+d".into(), None)));
        assert_eq!(parsed("src/k?versionId=null"), Some(("src".into(), "k".into(), Some("null".into()))));
        assert_eq!(parsed("src/%E6%97%A5"), Some(("src".into(), "日".into(), None)));
        for bad in ["", "src", "src/", "/src", "/", "%zz/key", "src/%FF"] {
            assert_eq!(parsed(bad), None, "{bad}");
        }
    }
}
