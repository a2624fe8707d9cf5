//! The S3 errors this crate raises, with S3's exact codes, statuses, messages and the extra
//! elements S3 puts next to `<Code>`/`<Message>`.
//!
//! The model's error shapes for S3 (`NoSuchKey`, `NoSuchBucket`, `BucketAlreadyExists`, ...)
//! have no members, so a modelled error would reach the wire without its message, `<Key>`
//! or `<BucketName>`. They are therefore raised as service errors carrying those fields.
//! The modelled `NotFound` (HEAD's 404) is not used either: the model gives it no
//! `@httpError`, so it would be rendered as a 400.

use ferrostack_runtime as rt;
use rt::{CommonError, ServiceError};

fn error(status: u16, code: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::new(status, code, message)
}

pub fn no_such_bucket(bucket: &str) -> CommonError {
    error(404, "NoSuchBucket", "The specified bucket does not exist").with_field("BucketName", bucket).into()
}

pub fn no_such_key(key: &str) -> CommonError {
    error(404, "NoSuchKey", "The specified key does not exist.").with_field("Key", key).into()
}

/// HEAD's answer for a missing bucket or key; the response has no body, only the status.
pub fn not_found() -> CommonError {
    error(404, "NotFound", "Not Found").into()
}

pub fn invalid_bucket_name(bucket: &str) -> CommonError {
    error(400, "InvalidBucketName", "The specified bucket is not valid.").with_field("BucketName", bucket).into()
}

pub fn bucket_already_exists(bucket: &str) -> CommonError {
    error(
        409,
        "BucketAlreadyExists",
        "The requested bucket name is not available. The bucket namespace is shared by all users of the system. \
         Please select a different name and try again.",
    )
    .with_field("BucketName", bucket)
    .into()
}

pub fn bucket_already_owned_by_you(bucket: &str) -> CommonError {
    error(
        409,
        "BucketAlreadyOwnedByYou",
        "Your previous request to create the named bucket succeeded and you already own it.",
    )
    .with_field("BucketName", bucket)
    .into()
}

pub fn bucket_not_empty(bucket: &str) -> CommonError {
    error(409, "BucketNotEmpty", "The bucket you tried to delete is not empty").with_field("BucketName", bucket).into()
}

pub fn invalid_location_constraint(constraint: &str) -> CommonError {
    error(400, "InvalidLocationConstraint", "The specified location-constraint is not valid")
        .with_field("LocationConstraint", constraint)
        .into()
}

/// A location constraint that does not match the regional endpoint the request went to;
/// `None` when the request gave no constraint at all.
pub fn illegal_location_constraint(constraint: Option<&str>) -> CommonError {
    let message = match constraint {
        None => "The unspecified location constraint is incompatible for the region specific endpoint this request was sent to.".to_owned(),
        Some(c) => format!("The {c} location constraint is incompatible for the region specific endpoint this request was sent to."),
    };
    error(400, "IllegalLocationConstraintException", message).into()
}

pub fn invalid_argument(message: impl Into<String>, name: &str, value: &str) -> CommonError {
    error(400, "InvalidArgument", message).with_field("ArgumentName", name).with_field("ArgumentValue", value).into()
}

pub fn invalid_request(message: impl Into<String>) -> CommonError {
    error(400, "InvalidRequest", message).into()
}

pub fn invalid_storage_class(requested: &str) -> CommonError {
    error(400, "InvalidStorageClass", "The storage class you specified is not valid")
        .with_field("StorageClassRequested", requested)
        .into()
}

pub fn invalid_digest(content_md5: &str) -> CommonError {
    error(400, "InvalidDigest", "The Content-MD5 you specified was invalid.")
        .with_field("Content-MD5", content_md5)
        .into()
}

/// S3 reports the digest it was given in hex and the one it computed in base64.
pub fn bad_digest(expected_hex: &str, calculated_base64: &str) -> CommonError {
    error(400, "BadDigest", "The Content-MD5 you specified did not match what we received.")
        .with_field("CalculatedDigest", calculated_base64)
        .with_field("ExpectedDigest", expected_hex)
        .into()
}

pub fn invalid_range(requested: &str, object_size: u64) -> CommonError {
    error(416, "InvalidRange", "The requested range is not satisfiable")
        .with_field("RangeRequested", requested)
        .with_field("ActualObjectSize", object_size.to_string())
        .into()
}

/// `condition` names the header that failed, as S3 echoes it (`If-Match`, ...).
pub fn precondition_failed(condition: &str) -> CommonError {
    error(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold")
        .with_field("Condition", condition)
        .into()
}

/// `304 Not Modified`; the wire layer sends it without a body.
pub fn not_modified() -> CommonError {
    error(304, "NotModified", "Not Modified").into()
}

pub fn access_denied() -> CommonError {
    CommonError::AccessDenied("Access Denied".to_owned())
}

pub fn malformed_xml() -> CommonError {
    error(
        400,
        "MalformedXML",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
    .into()
}

pub fn key_too_long(size: usize) -> CommonError {
    error(400, "KeyTooLongError", "Your key is too long")
        .with_field("Size", size.to_string())
        .with_field("MaxSizeAllowed", crate::names::MAX_KEY_BYTES.to_string())
        .into()
}

pub fn metadata_too_large(size: usize, max: usize) -> CommonError {
    error(400, "MetadataTooLarge", "Your metadata headers exceed the maximum allowed metadata size")
        .with_field("Size", size.to_string())
        .with_field("MaxSizeAllowed", max.to_string())
        .into()
}

pub fn entity_too_large(size: u64, max: u64) -> CommonError {
    error(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
        .with_field("ProposedSize", size.to_string())
        .with_field("MaxSizeAllowed", max.to_string())
        .into()
}

/// The request body ended early or could not be read.
pub fn incomplete_body() -> CommonError {
    error(400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP header")
        .into()
}

/// A header whose value asks for something S3 does not do (e.g. `If-None-Match` other than `*`
/// on a write).
/// GetObject of an archived object that has not been restored.
pub fn invalid_object_state(storage_class: &str) -> CommonError {
    error(403, "InvalidObjectState", "The operation is not valid for the object's storage class")
        .with_field("StorageClass", storage_class)
        .into()
}

pub fn header_not_implemented(header: &str) -> CommonError {
    error(501, "NotImplemented", "A header you provided implies functionality that is not implemented")
        .with_field("Header", header)
        .into()
}

/// A checksum header (or trailer) that is not a digest of its algorithm's size.
pub fn invalid_checksum_header(algorithm: crate::checksum::Algorithm) -> CommonError {
    invalid_request(format!("Value for {} header is invalid.", algorithm.header()))
}

/// The body's checksum differs from the one the client sent.
pub fn bad_checksum(algorithm: crate::checksum::Algorithm) -> CommonError {
    error(400, "BadDigest", format!("The {} you specified did not match the calculated checksum.", algorithm.name()))
        .into()
}

pub fn no_such_upload(upload_id: &str) -> CommonError {
    error(
        404,
        "NoSuchUpload",
        "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or \
         completed.",
    )
    .with_field("UploadId", upload_id)
    .into()
}

pub fn invalid_part(upload_id: &str, part_number: i32, etag: &str) -> CommonError {
    error(
        400,
        "InvalidPart",
        "One or more of the specified parts could not be found.  The part may not have been uploaded, or the \
         specified entity tag may not match the part's entity tag.",
    )
    .with_field("UploadId", upload_id)
    .with_field("PartNumber", part_number.to_string())
    .with_field("ETag", etag)
    .into()
}

pub fn invalid_part_order() -> CommonError {
    error(
        400,
        "InvalidPartOrder",
        "The list of parts was not in ascending order. The parts list must be specified in order by part number.",
    )
    .into()
}

pub fn entity_too_small(size: u64, min: u64, part_number: i32, etag: &str) -> CommonError {
    error(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.")
        .with_field("ProposedSize", size.to_string())
        .with_field("MinSizeAllowed", min.to_string())
        .with_field("PartNumber", part_number.to_string())
        .with_field("ETag", etag)
        .into()
}

pub fn no_such_version(key: &str, version_id: &str) -> CommonError {
    error(404, "NoSuchVersion", "The specified version does not exist.")
        .with_field("Key", key)
        .with_field("VersionId", version_id)
        .into()
}

/// A GET of a delete marker named by its version id.
pub fn method_not_allowed(method: &str, resource: &str) -> CommonError {
    error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        .with_field("Method", method)
        .with_field("ResourceType", resource)
        .into()
}

pub fn invalid_tag(message: impl Into<String>) -> CommonError {
    error(400, "InvalidTag", message).into()
}

pub fn invalid_bucket_state(message: impl Into<String>) -> CommonError {
    error(409, "InvalidBucketState", message).into()
}

pub fn no_object_lock_configuration() -> CommonError {
    error(404, "ObjectLockConfigurationNotFoundError", "Object Lock configuration does not exist for this bucket")
        .into()
}

pub fn no_such_object_lock_configuration() -> CommonError {
    error(404, "NoSuchObjectLockConfiguration", "The specified object does not have a ObjectLock configuration").into()
}

/// A locked version that a delete or overwrite of its retention may not touch.
pub fn access_denied_locked() -> CommonError {
    CommonError::AccessDenied("Access Denied because object protected by object lock.".to_owned())
}

pub fn invalid_part_number() -> CommonError {
    error(416, "InvalidPartNumber", "The requested partnumber is not satisfiable").into()
}

pub fn internal(message: impl Into<String>) -> CommonError {
    CommonError::Internal(message.into())
}

/// A key whose newest version is a delete marker: S3's 404 says so in headers.
pub fn deleted_key(key: &str, marker_version: &str) -> CommonError {
    error(404, "NoSuchKey", "The specified key does not exist.")
        .with_field("Key", key)
        .with_field("header:x-amz-delete-marker", "true")
        .with_field("header:x-amz-version-id", marker_version)
        .into()
}

/// A GET or HEAD naming a delete marker by its version id.
pub fn delete_marker_named(method: &str, version_id: &str) -> CommonError {
    error(405, "MethodNotAllowed", "The specified method is not allowed against this resource.")
        .with_field("Method", method)
        .with_field("ResourceType", "DeleteMarker")
        .with_field("header:x-amz-delete-marker", "true")
        .with_field("header:x-amz-version-id", version_id)
        .with_field("header:allow", "DELETE")
        .into()
}
