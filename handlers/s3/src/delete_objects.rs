//! DeleteObjects: up to 1000 keys in one request, each succeeding or failing on its own.

use ferrostack_store::GlobalStore;
use s3_api::error::*;
use s3_api::types::*;

use crate::errors;
use crate::object::DeleteGuard;
use crate::state::{Bucket, S3State};
use crate::versions;

const MAX_KEYS_PER_REQUEST: usize = 1000;

pub fn delete_objects(
    state: &GlobalStore<S3State>,
    input: DeleteObjectsRequest,
) -> Result<DeleteObjectsOutput, DeleteObjectsError> {
    let Delete { objects, quiet } = input.delete;
    // An empty list or an oversized one fails schema validation of the request document.
    if objects.is_empty() || objects.len() > MAX_KEYS_PER_REQUEST {
        return Err(errors::malformed_xml().into());
    }
    // Quiet mode reports failures only.
    let quiet = quiet.unwrap_or(false);
    let bypass = input.bypass_governance_retention == Some(true);

    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let mut deleted = Vec::new();
        let mut failed = Vec::new();
        for target in objects {
            match delete_one(bucket, &target, bypass)
                .inspect(|d| crate::notify::object_removed(bucket, &target.key, d, target.version_id.is_some()))
            {
                Ok(_) if quiet => {}
                Ok(outcome) => deleted.push(DeletedObject {
                    key: Some(target.key),
                    version_id: target.version_id.clone(),
                    delete_marker: outcome.delete_marker.then_some(true),
                    // A new delete marker is reported by its own id; deleting a marker by
                    // version id names it in both places.
                    delete_marker_version_id: if outcome.delete_marker { outcome.version_id } else { None },
                }),
                Err(KeyError { code, message }) => failed.push(Error {
                    key: Some(target.key),
                    version_id: target.version_id,
                    code: Some(code.to_owned()),
                    message: Some(message.to_owned()),
                }),
            }
        }
        Ok(DeleteObjectsOutput {
            deleted: (!deleted.is_empty()).then_some(deleted),
            errors: (!failed.is_empty()).then_some(failed),
            request_charged: None,
        })
    })
}

/// A per-key failure, reported in the response's `<Error>` list rather than failing the
/// request.
struct KeyError {
    code: &'static str,
    message: &'static str,
}

fn delete_one(bucket: &mut Bucket, target: &ObjectIdentifier, bypass: bool) -> Result<versions::Deleted, KeyError> {
    // An unversioned bucket has no version but `null`.
    let unversioned = bucket.versioning == versions::Versioning::Unversioned;
    if versions::check_version_id(target.version_id.as_deref()).is_err()
        || (unversioned && target.version_id.as_deref().is_some_and(|v| v != versions::NULL))
    {
        return Err(KeyError { code: "NoSuchVersion", message: "The specified version does not exist." });
    }
    let guard =
        DeleteGuard { etag: target.e_tag.as_deref(), last_modified: target.last_modified_time, size: target.size };
    if guard.is_set() {
        let Some(object) = bucket.objects.get(&target.key) else {
            return Err(KeyError { code: "NoSuchKey", message: "The specified key does not exist." });
        };
        if !guard.holds(object) {
            return Err(KeyError {
                code: "PreconditionFailed",
                message: "At least one of the pre-conditions you specified did not hold",
            });
        }
    }
    // A key that is not there counts as deleted.
    match target.version_id.as_deref() {
        None => Ok(versions::delete_current(bucket, &target.key)),
        Some(v) => versions::delete_version(bucket, &target.key, v, bypass).map_err(|_| KeyError {
            code: "AccessDenied",
            message: "Access Denied because object protected by object lock.",
        }),
    }
}
