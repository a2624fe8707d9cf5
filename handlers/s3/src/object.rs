//! PutObject, GetObject, HeadObject, DeleteObject.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::DateTime;
use s3_api::error::*;
use s3_api::types::*;

use crate::body;
use crate::checksum::{Algorithm, Checksum, Claim};
use crate::conditions::{self, Conditions};
use crate::digest::{etag_of, verify_content_md5};
use crate::errors;
use crate::multipart::ingest_error;
use crate::names::MAX_KEY_BYTES;
use crate::range::{self, Selection};
use crate::sse;
use crate::state::{Bucket, S3State};
use crate::stored::{
    metadata_size, normalise_metadata, now_to_the_second, ContentHeaders, Encryption, StoredObject, MAX_METADATA_BYTES,
};
use crate::tags;
use crate::versions::{self, Found};
use crate::{checksum_fields, checksum_headers, requested_content_headers, requested_customer_key, with_encryption};

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

pub use crate::versions::check_version_id;

/// PutObject; `event` is the notification it sends (`ObjectCreated:Put`, or `:Post` for a
/// browser form upload).
pub async fn put_object(
    state: &GlobalStore<S3State>,
    storage: &body::Storage,
    input: PutObjectRequest,
    event: &str,
) -> Result<PutObjectOutput, PutObjectError> {
    let expected_owner = input.expected_bucket_owner.as_deref();
    check_key(&input.key)?;
    // A missing bucket is reported before the body is taken in.
    state.with(|s| s.bucket(&input.bucket, expected_owner).map(|_| ()))?;
    let write_condition = WriteCondition::from_headers(input.if_match.as_deref(), input.if_none_match.as_deref())?;
    let storage_class = check_storage_class(input.storage_class)?;
    let metadata = normalise_metadata(input.metadata);
    check_metadata(&metadata)?;
    let tags = tags::from_header(input.tagging.as_deref())?;
    let claim = Claim::from_request(input.checksum_algorithm.as_ref(), checksum_headers!(input))?;
    let customer_key = requested_customer_key!(input)?;
    if input.write_offset_bytes.is_some() {
        return Err(errors::header_not_implemented("x-amz-write-offset-bytes").into());
    }

    // S3 checksums every new object; CRC64NVME unless the client chose another algorithm.
    let algorithm = claim.algorithm.unwrap_or(Algorithm::Crc64Nvme);
    let received = body::ingest(storage, input.body, &[algorithm], MAX_SINGLE_PUT_BYTES)
        .await
        .map_err(|e| ingest_error(e, MAX_SINGLE_PUT_BYTES))?;
    if let Some(content_md5) = input.content_md5.as_deref() {
        verify_content_md5(content_md5, &received.md5)?;
    }
    let claim = claim.with_trailers(&received.trailers)?;
    let checksum = match claim.algorithm {
        Some(named) if named != algorithm => Some(Checksum::whole(
            named,
            &body::digest(&received.body, named)
                .await
                .map_err(|e| errors::internal(format!("could not read back: {e}")))?,
        )),
        _ => received.checksum(Some(algorithm)),
    };
    if let Some(c) = &checksum {
        claim.verify(c)?;
    }

    let encryption = Encryption::requested(input.server_side_encryption, input.ssekms_key_id, input.bucket_key_enabled);
    let size = received.body.len();
    let mut object = StoredObject {
        body: received.body,
        etag: etag_of(&received.md5),
        last_modified: now_to_the_second(),
        headers: requested_content_headers!(input),
        metadata,
        storage_class,
        encryption: encryption.clone(),
        website_redirect_location: input.website_redirect_location,
        version_id: versions::NULL.to_owned(),
        checksum: checksum.clone(),
        parts: None,
        tags,
        lock: Default::default(),
        customer_key: customer_key.clone(),
        restore: None,
    };
    let etag = object.etag.clone();

    let version_id = state.with(|s| {
        // Looked up again: the bucket may have gone while the body was arriving.
        let bucket = s.bucket_mut(&input.bucket, expected_owner)?;
        write_condition.check(&input.key, bucket.objects.get(&input.key))?;
        object.lock = versions::lock_for_new_object(
            bucket,
            input.object_lock_mode,
            input.object_lock_retain_until_date,
            input.object_lock_legal_hold_status,
        )?;
        let grants = [&input.grant_full_control, &input.grant_read, &input.grant_read_acp, &input.grant_write_acp];
        keep_written(bucket, input.key, object, input.acl.as_ref(), grants, event)
    })?;

    // The client's checksum, or the CRC64NVME S3 adds by default, is always reported.
    let echoed = checksum;
    let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(echoed.as_ref());
    Ok(with_encryption!(
        PutObjectOutput {
            e_tag: Some(etag),
            checksum_crc32: crc32,
            checksum_crc32c: crc32c,
            checksum_crc64nvme: crc64nvme,
            checksum_sha1: sha1,
            checksum_sha256: sha256,
            checksum_type: echoed.map(|c| c.kind),
            version_id,
            size: Some(size as i64),
        },
        encryption,
        customer_key
    ))
}

/// Keeps a written object (PutObject, CopyObject) as its key's newest version: gives it a
/// version id, applies the request's ACL headers and sends the `event` notification. Returns
/// the version id to report.
pub fn keep_written(
    bucket: &mut Bucket,
    key: String,
    mut object: StoredObject,
    acl: Option<&ObjectCannedACL>,
    grants: [&Option<String>; 4],
    event: &str,
) -> Result<Option<String>, rt::CommonError> {
    object.version_id = versions::next_version_id(bucket);
    let reported = versions::reported(bucket, &object.version_id);
    crate::config::acl::object_written(bucket, &key, &object, acl, grants)?;
    crate::notify::object_event(bucket, event, &key, object.size(), &object.etag, Some(&object.version_id));
    versions::put(bucket, key, object);
    Ok(reported)
}

/// Conditional writes: `If-None-Match: *` creates only, `If-Match: <etag>` replaces only
/// that version.
pub enum WriteCondition<'a> {
    None,
    OnlyIfAbsent,
    OnlyIfEtag(&'a str),
}

impl<'a> WriteCondition<'a> {
    pub fn from_headers(if_match: Option<&'a str>, if_none_match: Option<&'a str>) -> Result<Self, rt::CommonError> {
        match (if_match, if_none_match) {
            (_, Some(tag)) if tag.trim() != "*" => Err(errors::header_not_implemented("If-None-Match")),
            (Some(tag), _) => Ok(WriteCondition::OnlyIfEtag(tag)),
            (None, Some(_)) => Ok(WriteCondition::OnlyIfAbsent),
            (None, None) => Ok(WriteCondition::None),
        }
    }

    pub fn check(&self, key: &str, existing: Option<&StoredObject>) -> Result<(), rt::CommonError> {
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

/// Runs `read` on the object a GET or HEAD names, with the version id to report, inside the
/// store: the answer copies out only the stored fields it sends.
fn with_object<T>(
    state: &GlobalStore<S3State>,
    bucket: &str,
    key: &str,
    version_id: Option<&str>,
    expected_owner: Option<&str>,
    method: &str,
    read: impl FnOnce(&StoredObject, Option<String>) -> Result<T, rt::CommonError>,
) -> Result<T, rt::CommonError> {
    state.with(|s| {
        let bucket = s.bucket(bucket, expected_owner)?;
        match versions::find(bucket, key, version_id)? {
            Found::Object(o) => read(o, versions::reported(bucket, &o.version_id)),
            Found::DeleteMarker => Err(errors::delete_marker_named(method, version_id.unwrap_or_default())),
        }
    })
}

/// What a GET or HEAD will answer with, once conditions and range are settled.
struct Read<'o> {
    object: &'o StoredObject,
    version_id: Option<String>,
    selection: Selection,
    headers: ContentHeaders,
    /// Whether checksums go out: asked for, and the whole object (or a whole part) is read.
    checksum: Option<&'o Checksum>,
    parts_count: Option<i32>,
}

/// The request members GET and HEAD share.
struct ReadRequest<'a> {
    conditions: Conditions<'a>,
    range: Option<&'a str>,
    part_number: Option<i32>,
    checksum_mode: bool,
    customer_key: (Option<&'a str>, Option<&'a str>, Option<&'a str>),
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
    /// The stored headers with these overrides applied, copying each value only once.
    fn apply(&self, stored: &ContentHeaders) -> ContentHeaders {
        let pick = |with: Option<&str>, stored: &Option<String>| with.map(str::to_owned).or_else(|| stored.clone());
        ContentHeaders {
            content_type: self.content_type.unwrap_or(&stored.content_type).to_owned(),
            content_encoding: pick(self.content_encoding, &stored.content_encoding),
            content_disposition: pick(self.content_disposition, &stored.content_disposition),
            content_language: pick(self.content_language, &stored.content_language),
            cache_control: pick(self.cache_control, &stored.cache_control),
            expires: self.expires.or(stored.expires),
        }
    }
}

/// Conditions first (412, then 304), then the range (416): the order S3 answers in.
fn settle_read<'o>(
    object: &'o StoredObject,
    version_id: Option<String>,
    request: &ReadRequest<'_>,
) -> Result<Read<'o>, rt::CommonError> {
    let (algorithm, key, key_md5) = request.customer_key;
    sse::check_read(object.customer_key.as_ref(), sse::requested(algorithm, key, key_md5)?.as_ref())?;
    if let Err(failed) = conditions::evaluate(&request.conditions, &object.etag, object.last_modified, DateTime::now())
    {
        return Err(if failed.is_not_modified() {
            errors::not_modified()
        } else {
            errors::precondition_failed(failed.header())
        });
    }
    let size = object.size();
    let (selection, checksum) = match (request.range, request.part_number) {
        (Some(_), Some(_)) => {
            return Err(errors::invalid_request("Cannot specify both Range header and partNumber query parameter."))
        }
        (Some(header), None) => (range::resolve(header, size), None),
        (None, Some(n)) => {
            let (start, end) = object.part_range(n).ok_or_else(errors::invalid_part_number)?;
            match &object.parts {
                // A one-piece object read as part 1 is the whole object.
                None => (Selection::Whole, object.checksum.as_ref()),
                Some(parts) if size == 0 => (Selection::Whole, parts.first().and_then(|p| p.checksum.as_ref())),
                Some(parts) => {
                    (Selection::Part { start, end }, parts.get(n as usize - 1).and_then(|p| p.checksum.as_ref()))
                }
            }
        }
        (None, None) => (Selection::Whole, object.checksum.as_ref()),
    };
    if selection == Selection::Unsatisfiable {
        return Err(errors::invalid_range(request.range.unwrap_or_default(), size));
    }
    // Checksums describe whole objects or whole parts, never an arbitrary range.
    let checksum = checksum.filter(|_| request.checksum_mode && request.range.is_none());
    let parts_count = request.part_number.and(object.parts_count());
    let headers = request.overrides.apply(&object.headers);
    Ok(Read { object, version_id, selection, headers, checksum, parts_count })
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
            part_number: $input.part_number,
            checksum_mode: $input.checksum_mode == Some(ChecksumMode::Enabled),
            customer_key: (
                $input.sse_customer_algorithm.as_deref(),
                $input.sse_customer_key.as_deref(),
                $input.sse_customer_key_md5.as_deref(),
            ),
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
        let Read { object, version_id, selection, headers, checksum, parts_count } = $read;
        let size = object.size();
        let storage_class = object.reported_storage_class();
        let (crc32, crc32c, crc64nvme, sha1, sha256) = checksum_fields!(checksum);
        with_encryption!($output {
            $($extra)*
            accept_ranges: Some("bytes".to_owned()),
            last_modified: Some(object.last_modified),
            content_length: Some(selection.length(size) as i64),
            content_range: selection.content_range(size),
            e_tag: Some(object.etag.clone()),
            checksum_crc32: crc32,
            checksum_crc32c: crc32c,
            checksum_crc64nvme: crc64nvme,
            checksum_sha1: sha1,
            checksum_sha256: sha256,
            checksum_type: checksum.map(|c| c.kind.clone()),
            version_id,
            content_type: Some(headers.content_type),
            content_encoding: headers.content_encoding,
            content_disposition: headers.content_disposition,
            content_language: headers.content_language,
            cache_control: headers.cache_control,
            expires: headers.expires,
            website_redirect_location: object.website_redirect_location.clone(),
            storage_class,
            metadata: Some(object.metadata.clone()),
            parts_count,
            object_lock_mode: object.lock.mode.as_ref().map(|m| ObjectLockMode::from(m.as_str())),
            object_lock_retain_until_date: object.lock.retain_until,
            object_lock_legal_hold_status: object.lock.legal_hold.then_some(ObjectLockLegalHoldStatus::On),
        }, object.encryption.clone(), object.customer_key.clone())
    }};
}

pub fn get_object(state: &GlobalStore<S3State>, input: GetObjectRequest) -> Result<GetObjectOutput, GetObjectError> {
    check_version_id(input.version_id.as_deref())?;
    let request = read_request!(input);
    let read = |object: &StoredObject, version_id| {
        crate::restore::check_readable(object)?;
        let read = settle_read(object, version_id, &request)?;
        let body = object.body.read(read.selection.bounds());
        let tag_count = (!object.tags.is_empty()).then_some(object.tags.len() as i32);
        let restore = crate::restore::header(object);
        Ok(read_output!(GetObjectOutput, read, { body, tag_count, restore, }))
    };
    let (bucket, key, version_id) = (&input.bucket, &input.key, input.version_id.as_deref());
    Ok(with_object(state, bucket, key, version_id, input.expected_bucket_owner.as_deref(), "GET", read)?)
}

pub fn head_object(
    state: &GlobalStore<S3State>,
    input: HeadObjectRequest,
) -> Result<HeadObjectOutput, HeadObjectError> {
    check_version_id(input.version_id.as_deref())?;
    let request = read_request!(input);
    let read = |object: &StoredObject, version_id| {
        let read = settle_read(object, version_id, &request)?;
        let restore = crate::restore::header(object);
        Ok(read_output!(HeadObjectOutput, read, { restore, }))
    };
    let (bucket, key, version_id) = (&input.bucket, &input.key, input.version_id.as_deref());
    match with_object(state, bucket, key, version_id, input.expected_bucket_owner.as_deref(), "HEAD", read) {
        // A HEAD response has no body: a missing bucket and a missing key are the same bare
        // 404 (keeping the delete-marker headers when that is why the key is missing).
        Err(rt::CommonError::Service(e)) if e.status == 404 => {
            let mut bare = rt::ServiceError::new(404, "NotFound", "Not Found");
            bare.fields = e.fields.into_iter().filter(|(n, _)| n.starts_with("header:")).collect();
            Err(rt::CommonError::from(bare).into())
        }
        other => Ok(other?),
    }
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
        let deleted = match input.version_id.as_deref() {
            None => versions::delete_current(bucket, &input.key),
            Some(v) => {
                versions::delete_version(bucket, &input.key, v, input.bypass_governance_retention == Some(true))?
            }
        };
        crate::notify::object_removed(bucket, &input.key, &deleted, input.version_id.is_some());
        Ok(DeleteObjectOutput {
            delete_marker: deleted.delete_marker.then_some(true),
            version_id: deleted.version_id,
            request_charged: None,
        })
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
