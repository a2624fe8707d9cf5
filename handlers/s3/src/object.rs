//! PutObject, GetObject, HeadObject, DeleteObject.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::DateTime;
use s3_api::error::*;
use s3_api::types::*;

use crate::body;
use crate::conditions::{self, Conditions};
use crate::digest::{etag_of, verify_content_md5};
use crate::errors;
use crate::names::MAX_KEY_BYTES;
use crate::range::{self, Selection};
use crate::state::S3State;
use crate::stored::{
    metadata_size, normalise_metadata, now_to_the_second, stored_content_encoding, ContentHeaders, Encryption,
    StoredObject, DEFAULT_CONTENT_TYPE, MAX_METADATA_BYTES,
};

/// The largest object a single PUT may create: 5 GiB.
pub const MAX_SINGLE_PUT_BYTES: u64 = 5 * 1024 * 1024 * 1024;

pub fn check_key(key: &str) -> Result<(), rt::CommonError> {
    if key.len() > MAX_KEY_BYTES {
        return Err(errors::key_too_long(key.len()));
    }
    Ok(())
}

/// Storage classes a general purpose bucket accepts on write.
pub fn check_storage_class(class: Option<StorageClass>) -> Result<StorageClass, rt::CommonError> {
    match class {
        None => Ok(StorageClass::Standard),
        Some(rejected @ (StorageClass::Unknown(_) | StorageClass::Outposts | StorageClass::ExpressOnezone)) => {
            Err(errors::invalid_storage_class(rejected.as_str()))
        }
        Some(known) => Ok(known),
    }
}

pub fn check_metadata(metadata: &rt::IndexMap<String, String>) -> Result<(), rt::CommonError> {
    let size = metadata_size(metadata);
    if size > MAX_METADATA_BYTES {
        return Err(errors::metadata_too_large(size, MAX_METADATA_BYTES));
    }
    Ok(())
}

/// Objects are unversioned for now: the only version id that names anything is `null`.
pub fn check_version_id(version_id: Option<&str>) -> Result<(), rt::CommonError> {
    match version_id {
        Some(v) if v != "null" => Err(errors::invalid_argument("Invalid version id specified", "versionId", v)),
        _ => Ok(()),
    }
}

pub async fn put_object(
    state: &GlobalStore<S3State>,
    input: PutObjectRequest,
) -> Result<PutObjectOutput, PutObjectError> {
    let expected_owner = input.expected_bucket_owner.as_deref();
    check_key(&input.key)?;
    // A missing bucket is reported before the body is taken in.
    state.with(|s| s.bucket(&input.bucket, expected_owner).map(|_| ()))?;
    let write_condition = WriteCondition::from_headers(input.if_match.as_deref(), input.if_none_match.as_deref())?;
    let storage_class = check_storage_class(input.storage_class)?;
    let metadata = normalise_metadata(input.metadata);
    check_metadata(&metadata)?;

    let received = body::ingest(input.body).await.map_err(|_| errors::incomplete_body())?;
    if received.body.len() > MAX_SINGLE_PUT_BYTES {
        return Err(errors::entity_too_large(received.body.len(), MAX_SINGLE_PUT_BYTES).into());
    }
    if let Some(content_md5) = input.content_md5.as_deref() {
        verify_content_md5(content_md5, &received.md5)?;
    }

    let encryption = Encryption::requested(input.server_side_encryption, input.ssekms_key_id, input.bucket_key_enabled);
    let object = StoredObject {
        body: received.body,
        etag: etag_of(&received.md5),
        last_modified: now_to_the_second(),
        headers: ContentHeaders {
            content_type: input.content_type.unwrap_or_else(|| DEFAULT_CONTENT_TYPE.to_owned()),
            content_encoding: stored_content_encoding(input.content_encoding),
            content_disposition: input.content_disposition,
            content_language: input.content_language,
            cache_control: input.cache_control,
            expires: input.expires,
        },
        metadata,
        storage_class,
        encryption: encryption.clone(),
        website_redirect_location: input.website_redirect_location,
    };
    let etag = object.etag.clone();

    state.with(|s| {
        // Looked up again: the bucket may have gone while the body was arriving.
        let bucket = s.bucket_mut(&input.bucket, expected_owner)?;
        write_condition.check(&input.key, bucket.objects.get(&input.key))?;
        bucket.objects.insert(input.key, object);
        Ok::<_, rt::CommonError>(())
    })?;

    Ok(PutObjectOutput {
        e_tag: Some(etag),
        server_side_encryption: Some(encryption.algorithm),
        ssekms_key_id: encryption.kms_key_id,
        bucket_key_enabled: encryption.bucket_key_enabled,
        ..Default::default()
    })
}

/// Conditional writes: `If-None-Match: *` creates only, `If-Match: <etag>` replaces only
/// that version.
enum WriteCondition<'a> {
    None,
    OnlyIfAbsent,
    OnlyIfEtag(&'a str),
}

impl<'a> WriteCondition<'a> {
    fn from_headers(if_match: Option<&'a str>, if_none_match: Option<&'a str>) -> Result<Self, rt::CommonError> {
        match (if_match, if_none_match) {
            (_, Some(tag)) if tag.trim() != "*" => Err(errors::header_not_implemented("If-None-Match")),
            (Some(tag), _) => Ok(WriteCondition::OnlyIfEtag(tag)),
            (None, Some(_)) => Ok(WriteCondition::OnlyIfAbsent),
            (None, None) => Ok(WriteCondition::None),
        }
    }

    fn check(&self, key: &str, existing: Option<&StoredObject>) -> Result<(), rt::CommonError> {
        match (self, existing) {
            (WriteCondition::None, _) => Ok(()),
            (WriteCondition::OnlyIfAbsent, Some(_)) => Err(errors::precondition_failed("If-None-Match")),
            (WriteCondition::OnlyIfAbsent, None) => Ok(()),
            (WriteCondition::OnlyIfEtag(_), None) => Err(errors::no_such_key(key)),
            (WriteCondition::OnlyIfEtag(tags), Some(object)) => {
                if conditions::etag_listed(tags, &object.etag) {
                    Ok(())
                } else {
                    Err(errors::precondition_failed("If-Match"))
                }
            }
        }
    }
}

/// The object at `bucket`/`key`, cloned out of the store (its body is shared, not copied).
fn find_object(
    state: &GlobalStore<S3State>,
    bucket: &str,
    key: &str,
    expected_owner: Option<&str>,
) -> Result<StoredObject, rt::CommonError> {
    state.with(|s| {
        let bucket = s.bucket(bucket, expected_owner)?;
        bucket.objects.get(key).cloned().ok_or_else(|| errors::no_such_key(key))
    })
}

/// What a GET or HEAD will answer with, once conditions and range are settled.
struct Read {
    object: StoredObject,
    selection: Selection,
    headers: ContentHeaders,
}

/// The request members GET and HEAD share.
struct ReadRequest<'a> {
    conditions: Conditions<'a>,
    range: Option<&'a str>,
    overrides: Overrides<'a>,
}

/// `response-*` query parameters, which replace the stored header in this response only.
struct Overrides<'a> {
    content_type: Option<&'a str>,
    content_language: Option<&'a str>,
    expires: Option<DateTime>,
    cache_control: Option<&'a str>,
    content_disposition: Option<&'a str>,
    content_encoding: Option<&'a str>,
}

impl Overrides<'_> {
    fn apply(&self, mut headers: ContentHeaders) -> ContentHeaders {
        let replace = |slot: &mut Option<String>, with: Option<&str>| {
            if let Some(v) = with {
                *slot = Some(v.to_owned());
            }
        };
        if let Some(v) = self.content_type {
            headers.content_type = v.to_owned();
        }
        replace(&mut headers.content_language, self.content_language);
        replace(&mut headers.cache_control, self.cache_control);
        replace(&mut headers.content_disposition, self.content_disposition);
        replace(&mut headers.content_encoding, self.content_encoding);
        if self.expires.is_some() {
            headers.expires = self.expires;
        }
        headers
    }
}

/// Conditions first (412, then 304), then the range (416): the order S3 answers in.
fn settle_read(object: StoredObject, request: &ReadRequest<'_>) -> Result<Read, rt::CommonError> {
    if let Err(failed) = conditions::evaluate(&request.conditions, &object.etag, object.last_modified, DateTime::now())
    {
        return Err(if failed.is_not_modified() {
            errors::not_modified()
        } else {
            errors::precondition_failed(failed.header())
        });
    }
    let size = object.size();
    let selection = match request.range {
        None => Selection::Whole,
        Some(header) => range::resolve(header, size),
    };
    if selection == Selection::Unsatisfiable {
        return Err(errors::invalid_range(request.range.unwrap_or_default(), size));
    }
    let headers = request.overrides.apply(object.headers.clone());
    Ok(Read { object, selection, headers })
}

/// GetObjectRequest and HeadObjectRequest name these members identically.
macro_rules! read_request {
    ($input:expr) => {
        ReadRequest {
            conditions: Conditions {
                if_match: $input.if_match.as_deref(),
                if_none_match: $input.if_none_match.as_deref(),
                if_modified_since: $input.if_modified_since,
                if_unmodified_since: $input.if_unmodified_since,
            },
            range: $input.range.as_deref(),
            overrides: Overrides {
                content_type: $input.response_content_type.as_deref(),
                content_language: $input.response_content_language.as_deref(),
                expires: $input.response_expires,
                cache_control: $input.response_cache_control.as_deref(),
                content_disposition: $input.response_content_disposition.as_deref(),
                content_encoding: $input.response_content_encoding.as_deref(),
            },
        }
    };
}

/// GetObjectOutput and HeadObjectOutput share these members; `$extra` adds the rest.
macro_rules! read_output {
    ($output:ident, $read:expr, { $($extra:tt)* }) => {{
        let Read { object, selection, headers } = $read;
        let size = object.size();
        let storage_class = object.reported_storage_class();
        $output {
            $($extra)*
            accept_ranges: Some("bytes".to_owned()),
            last_modified: Some(object.last_modified),
            content_length: Some(selection.length(size) as i64),
            content_range: selection.content_range(size),
            e_tag: Some(object.etag),
            content_type: Some(headers.content_type),
            content_encoding: headers.content_encoding,
            content_disposition: headers.content_disposition,
            content_language: headers.content_language,
            cache_control: headers.cache_control,
            expires: headers.expires,
            website_redirect_location: object.website_redirect_location,
            storage_class,
            server_side_encryption: Some(object.encryption.algorithm),
            ssekms_key_id: object.encryption.kms_key_id,
            bucket_key_enabled: object.encryption.bucket_key_enabled,
            metadata: Some(object.metadata),
            ..Default::default()
        }
    }};
}

pub fn get_object(state: &GlobalStore<S3State>, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
    check_version_id(input.version_id.as_deref())?;
    let object = find_object(state, &input.bucket, &input.key, input.expected_bucket_owner.as_deref())?;
    let read = settle_read(object, &read_request!(input))?;
    let body = read.object.body.read(read.selection.bounds());
    Ok(read_output!(GetObjectOutput, read, { body, }))
}

pub fn head_object(
    state: &GlobalStore<S3State>,
    input: HeadObjectRequest,
) -> Result<HeadObjectOutput, HeadObjectError> {
    check_version_id(input.version_id.as_deref())?;
    // A HEAD response has no body: a missing bucket and a missing key are the same bare 404.
    let object = match find_object(state, &input.bucket, &input.key, input.expected_bucket_owner.as_deref()) {
        Err(rt::CommonError::Service(e)) if e.status == 404 => return Err(errors::not_found().into()),
        other => other?,
    };
    let read = settle_read(object, &read_request!(input))?;
    Ok(read_output!(HeadObjectOutput, read, {}))
}

pub fn delete_object(
    state: &GlobalStore<S3State>,
    input: DeleteObjectRequest,
) -> Result<DeleteObjectOutput, DeleteObjectError> {
    check_version_id(input.version_id.as_deref())?;
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let guard = DeleteGuard {
            etag: input.if_match.as_deref(),
            last_modified: input.if_match_last_modified_time,
            size: input.if_match_size,
        };
        if guard.is_set() {
            // A conditional delete names a specific object, so that object must exist.
            let object = bucket.objects.get(&input.key).ok_or_else(|| errors::no_such_key(&input.key))?;
            if !guard.holds(object) {
                return Err(errors::precondition_failed("If-Match").into());
            }
        }
        // Deleting a key that is not there succeeds all the same.
        bucket.objects.remove(&input.key);
        Ok(DeleteObjectOutput::default())
    })
}

/// Conditions a delete may carry (`If-Match`, and for DeleteObjects the ETag, modification
/// time and size of each entry): the object is deleted only if it is still that object.
pub struct DeleteGuard<'a> {
    pub etag: Option<&'a str>,
    pub last_modified: Option<DateTime>,
    pub size: Option<i64>,
}

impl DeleteGuard<'_> {
    pub fn is_set(&self) -> bool {
        self.etag.is_some() || self.last_modified.is_some() || self.size.is_some()
    }

    pub fn holds(&self, object: &StoredObject) -> bool {
        self.etag.is_none_or(|tags| conditions::etag_listed(tags, &object.etag))
            && self.last_modified.is_none_or(|t| t == object.last_modified)
            && self.size.is_none_or(|n| u64::try_from(n).ok() == Some(object.size()))
    }
}
