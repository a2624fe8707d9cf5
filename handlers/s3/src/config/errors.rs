//! The errors of bucket configuration, with S3's codes, statuses, messages and extra
//! elements (`<BucketName>` on every "not found").

use ferrostack_runtime as rt;
use rt::{CommonError, ServiceError};

fn error(status: u16, code: &'static str, message: impl Into<String>) -> ServiceError {
    ServiceError::new(status, code, message)
}

fn missing(code: &'static str, message: &str, bucket: &str) -> CommonError {
    error(404, code, message).with_field("BucketName", bucket).into()
}

pub fn no_such_tag_set(bucket: &str) -> CommonError {
    missing("NoSuchTagSet", "The TagSet does not exist", bucket)
}

pub fn no_such_policy(bucket: &str) -> CommonError {
    missing("NoSuchBucketPolicy", "The bucket policy does not exist", bucket)
}

pub fn no_such_cors(bucket: &str) -> CommonError {
    missing("NoSuchCORSConfiguration", "The CORS configuration does not exist", bucket)
}

pub fn no_such_lifecycle(bucket: &str) -> CommonError {
    missing("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", bucket)
}

pub fn no_such_website(bucket: &str) -> CommonError {
    missing("NoSuchWebsiteConfiguration", "The specified bucket does not have a website configuration", bucket)
}

pub fn no_such_public_access_block(bucket: &str) -> CommonError {
    missing("NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found", bucket)
}

pub fn no_ownership_controls(bucket: &str) -> CommonError {
    missing("OwnershipControlsNotFoundError", "The bucket ownership controls were not found", bucket)
}

pub fn no_replication(bucket: &str) -> CommonError {
    missing("ReplicationConfigurationNotFoundError", "The replication configuration was not found", bucket)
}

/// An analytics, Intelligent-Tiering, inventory or metrics configuration Id the bucket
/// does not have.
pub fn no_such_configuration() -> CommonError {
    error(404, "NoSuchConfiguration", "The specified configuration does not exist.").into()
}

pub fn too_many_configurations() -> CommonError {
    error(
        400,
        "TooManyConfigurations",
        "You are attempting to create a new configuration but have already reached the 1,000-configuration limit.",
    )
    .into()
}

pub fn invalid_continuation_token() -> CommonError {
    crate::errors::invalid_argument("The continuation token provided is incorrect", "continuation-token", "")
}

pub fn malformed_xml() -> CommonError {
    crate::errors::malformed_xml()
}

pub fn malformed_policy(message: &str) -> CommonError {
    error(400, "MalformedPolicy", message).into()
}

pub fn malformed_acl() -> CommonError {
    error(
        400,
        "MalformedACLError",
        "The XML you provided was not well-formed or did not validate against our published schema",
    )
    .into()
}

pub fn invalid_argument(message: impl Into<String>, name: &str, value: &str) -> CommonError {
    crate::errors::invalid_argument(message, name, value)
}

/// InvalidArgument without the argument elements (S3 leaves them out for some checks).
pub fn invalid_argument_bare(message: impl Into<String>) -> CommonError {
    error(400, "InvalidArgument", message).into()
}

pub fn invalid_request(message: impl Into<String>) -> CommonError {
    crate::errors::invalid_request(message)
}

pub fn invalid_tag(message: impl Into<String>) -> CommonError {
    error(400, "InvalidTag", message).into()
}

pub fn access_denied() -> CommonError {
    crate::errors::access_denied()
}

/// An ACL other than "owner has full control" on a bucket whose ownership is enforced.
pub fn acl_not_supported() -> CommonError {
    error(400, "AccessControlListNotSupported", "The bucket does not allow ACLs").into()
}

pub fn acl_with_enforced_ownership() -> CommonError {
    error(
        400,
        "InvalidBucketAclWithObjectOwnership",
        "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting",
    )
    .into()
}

pub fn missing_security_header(header: &str) -> CommonError {
    error(400, "MissingSecurityHeader", "Your request was missing a required header")
        .with_field("MissingHeaderName", header)
        .into()
}

pub fn unresolvable_email(email: &str) -> CommonError {
    error(
        400,
        "UnresolvableGrantByEmailAddress",
        "The e-mail address you provided does not match any account on record.",
    )
    .with_field("EmailAddress", email)
    .into()
}

pub fn invalid_target_bucket_for_logging(target: &str, message: &str) -> CommonError {
    error(400, "InvalidTargetBucketForLogging", message).with_field("TargetBucket", target).into()
}
