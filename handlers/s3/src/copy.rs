//! CopyObject: a new object from an existing one, in the same or another bucket.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::DateTime;
use s3_api::error::*;
use s3_api::types::*;

use crate::conditions::{self, Conditions, Failed};
use crate::errors;
use crate::object::{check_key, check_metadata, check_storage_class, check_version_id, MAX_SINGLE_PUT_BYTES};
use crate::state::S3State;
use crate::stored::{
    normalise_metadata, now_to_the_second, stored_content_encoding, ContentHeaders, Encryption, StoredObject,
    DEFAULT_CONTENT_TYPE,
};
use crate::url_encoding::percent_decode;

/// The object `x-amz-copy-source` names: `bucket/key` or `/bucket/key`, URL-encoded, with an
/// optional `?versionId=`.
#[derive(Debug, PartialEq)]
struct CopySource {
    bucket: String,
    key: String,
    version_id: Option<String>,
}

impl CopySource {
    fn parse(raw: &str) -> Result<CopySource, rt::CommonError> {
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
fn copy_condition_header(failed: Failed) -> &'static str {
    match failed {
        Failed::IfMatch => "x-amz-copy-source-If-Match",
        Failed::IfUnmodifiedSince => "x-amz-copy-source-If-Unmodified-Since",
        Failed::IfNoneMatch => "x-amz-copy-source-If-None-Match",
        Failed::IfModifiedSince => "x-amz-copy-source-If-Modified-Since",
    }
}

pub fn copy_object(
    state: &GlobalStore<S3State>,
    input: CopyObjectRequest,
) -> Result<CopyObjectOutput, CopyObjectError> {
    let source = CopySource::parse(&input.copy_source)?;
    check_version_id(source.version_id.as_deref())?;
    check_key(&input.key)?;
    let directive = directive(input.metadata_directive.as_ref())?;
    let changes_storage_class = input.storage_class.is_some();
    let storage_class = check_storage_class(input.storage_class)?;
    let replaced_metadata = normalise_metadata(input.metadata);
    if directive == Directive::Replace {
        check_metadata(&replaced_metadata)?;
    }
    let changes_encryption = input.server_side_encryption.is_some() || input.ssekms_key_id.is_some();
    let encryption = Encryption::requested(input.server_side_encryption, input.ssekms_key_id, input.bucket_key_enabled);
    let conditions = Conditions {
        if_match: input.copy_source_if_match.as_deref(),
        if_none_match: input.copy_source_if_none_match.as_deref(),
        if_modified_since: input.copy_source_if_modified_since,
        if_unmodified_since: input.copy_source_if_unmodified_since,
    };

    let copied = state.with(|s| {
        s.bucket(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let source_bucket = s.bucket(&source.bucket, input.expected_source_bucket_owner.as_deref())?;
        let original = source_bucket.objects.get(&source.key).ok_or_else(|| errors::no_such_key(&source.key))?;
        conditions::evaluate(&conditions, &original.etag, original.last_modified, DateTime::now())
            .map_err(|failed| errors::precondition_failed(copy_condition_header(failed)))?;
        if original.size() > MAX_SINGLE_PUT_BYTES {
            return Err(errors::invalid_request(format!(
                "The specified copy source is larger than the maximum allowable size for a copy source: {MAX_SINGLE_PUT_BYTES}"
            )));
        }
        let onto_itself = source.bucket == input.bucket && source.key == input.key;
        if onto_itself
            && directive == Directive::Copy
            && !changes_storage_class
            && !changes_encryption
            && input.website_redirect_location.is_none()
        {
            return Err(errors::invalid_request(
                "This copy request is illegal because it is trying to copy an object to itself without changing the \
                 object's metadata, storage class, website redirect location or encryption attributes.",
            ));
        }
        let (headers, metadata) = match directive {
            Directive::Copy => (original.headers.clone(), original.metadata.clone()),
            Directive::Replace => (
                ContentHeaders {
                    content_type: input.content_type.unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned()),
                    content_encoding: stored_content_encoding(input.content_encoding),
                    content_disposition: input.content_disposition,
                    content_language: input.content_language,
                    cache_control: input.cache_control,
                    expires: input.expires,
                },
                replaced_metadata,
            ),
        };
        let copy = StoredObject {
            // The bytes are shared, not duplicated; the ETag of a one-piece object is its
            // MD5, which the copy keeps.
            body: original.body.clone(),
            etag: original.etag.clone(),
            last_modified: now_to_the_second(),
            headers,
            metadata,
            storage_class,
            encryption: encryption.clone(),
            // Unique to each object: copied only when the request names it.
            website_redirect_location: input.website_redirect_location,
        };
        let result = CopyObjectResult {
            e_tag: Some(copy.etag.clone()),
            last_modified: Some(copy.last_modified),
            ..Default::default()
        };
        s.bucket_mut(&input.bucket, None)?.objects.insert(input.key, copy);
        Ok(result)
    })?;

    Ok(CopyObjectOutput {
        copy_object_result: Some(copied),
        server_side_encryption: Some(encryption.algorithm),
        ssekms_key_id: encryption.kms_key_id,
        bucket_key_enabled: encryption.bucket_key_enabled,
        ..Default::default()
    })
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
