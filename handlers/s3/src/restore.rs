//! Archived objects: GLACIER and DEEP_ARCHIVE objects cannot be read (GetObject answers
//! `InvalidObjectState`) until RestoreObject makes a temporary copy readable.
//!
//! On S3 a restore takes minutes to hours; here it completes at once: the first
//! RestoreObject answers 202 Accepted with the copy already readable, and HEAD/GET show
//! `x-amz-restore: ongoing-request="false", expiry-date="..."`. Asking again while the copy
//! is readable answers 200 and moves the expiry, as S3 does. (S3's
//! `RestoreAlreadyInProgress`, for a second request while the first is still running, cannot
//! happen when nothing is ever running.) The copy lasts `Days` days, to the midnight UTC
//! after, as S3 counts; then the object is archived again.

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use rt::DateTime;
use s3_api::error::*;
use s3_api::types::*;

use crate::errors;
use crate::state::S3State;
use crate::stored::StoredObject;
use crate::versions;

const DAY: i64 = 86_400;

/// A readable copy of an archived object, until `expiry`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Restored {
    pub expiry: DateTime,
}

/// Whether `class` keeps objects where GET cannot reach them.
pub fn is_archived(class: &StorageClass) -> bool {
    matches!(class, StorageClass::Glacier | StorageClass::DeepArchive)
}

/// The restored copy of `object`, if it has one that has not expired.
fn current(object: &StoredObject, now: DateTime) -> Option<Restored> {
    object.restore.filter(|r| r.expiry.secs() > now.secs())
}

/// GetObject (and CopyObject's source) must find an archived object restored.
pub fn check_readable(object: &StoredObject) -> Result<(), rt::CommonError> {
    if is_archived(&object.storage_class) && current(object, DateTime::now()).is_none() {
        return Err(errors::invalid_object_state(object.storage_class.as_str()));
    }
    Ok(())
}

/// `x-amz-restore` for HEAD and GET: present while a restored copy exists.
pub fn header(object: &StoredObject) -> Option<String> {
    if !is_archived(&object.storage_class) {
        return None;
    }
    let restored = current(object, DateTime::now())?;
    Some(format!("ongoing-request=\"false\", expiry-date=\"{}\"", restored.expiry.to_http_date()))
}

/// A listing's `RestoreStatus` (asked for with `x-amz-optional-object-attributes`): present
/// for archived objects with a restored copy.
pub fn status(object: &StoredObject) -> Option<RestoreStatus> {
    if !is_archived(&object.storage_class) {
        return None;
    }
    let restored = current(object, DateTime::now())?;
    Some(RestoreStatus { is_restore_in_progress: Some(false), restore_expiry_date: Some(restored.expiry) })
}

/// The expiry of a copy restored at `now` for `days`: S3 counts to the next midnight UTC.
fn expiry(now: DateTime, days: i32) -> DateTime {
    let at = now.secs() + i64::from(days) * DAY;
    DateTime::from_secs((at + DAY - 1).div_euclid(DAY) * DAY)
}

/// Whether RestoreObject started a restore (202) or only moved an existing copy's expiry (200).
pub enum Outcome {
    Accepted,
    AlreadyRestored,
}

pub fn restore_object(
    state: &GlobalStore<S3State>,
    input: RestoreObjectRequest,
) -> Result<(RestoreObjectOutput, Outcome), RestoreObjectError> {
    versions::check_version_id(input.version_id.as_deref())?;
    let request = input.restore_request.unwrap_or_default();
    if request.r#type.is_some() || request.select_parameters.is_some() || request.output_location.is_some() {
        // SELECT restores (queries over archived objects) were retired by S3.
        return Err(errors::header_not_implemented("RestoreRequest Type=SELECT").into());
    }
    let days =
        request.days.ok_or_else(|| errors::invalid_argument("Days is required for a restore request", "Days", ""))?;
    if days < 1 {
        return Err(errors::invalid_argument("Days must be a positive integer", "Days", &days.to_string()).into());
    }
    let tier = request.tier.or(request.glacier_job_parameters.map(|p| p.tier));
    state.with(|s| {
        let bucket = s.bucket_mut(&input.bucket, input.expected_bucket_owner.as_deref())?;
        let object = match versions::find_mut(bucket, &input.key, input.version_id.as_deref()) {
            Ok(object) => object,
            Err(rt::CommonError::Service(e)) if e.code == "MethodNotAllowed" => {
                return Err(errors::no_such_key(&input.key).into())
            }
            Err(e) => return Err(e.into()),
        };
        if !is_archived(&object.storage_class) {
            return Err(RestoreObjectError::ObjectAlreadyInActiveTierError(ObjectAlreadyInActiveTierError {}));
        }
        if object.storage_class == StorageClass::DeepArchive && tier == Some(Tier::Expedited) {
            return Err(errors::invalid_argument(
                "Expedited retrieval is not supported for the DEEP_ARCHIVE storage class",
                "Tier",
                "Expedited",
            )
            .into());
        }
        let now = DateTime::now();
        let outcome = if current(object, now).is_some() { Outcome::AlreadyRestored } else { Outcome::Accepted };
        object.restore = Some(Restored { expiry: expiry(now, days) });
        let (size, etag, version_id) = (object.size(), object.etag.clone(), object.version_id.clone());
        if let Outcome::Accepted = outcome {
            for event in ["ObjectRestore:Post", "ObjectRestore:Completed"] {
                crate::notify::object_event(bucket, event, &input.key, size, &etag, Some(&version_id));
            }
        }
        Ok((RestoreObjectOutput::default(), outcome))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copies_last_to_the_midnight_after() {
        let noon = DateTime::from_secs(10 * DAY + DAY / 2);
        assert_eq!(expiry(noon, 1).secs(), 12 * DAY);
        let midnight = DateTime::from_secs(10 * DAY);
        assert_eq!(expiry(midnight, 2).secs(), 12 * DAY);
    }
}
