//! Versioning: version ids, delete markers, what a write or a delete does to a key's history
//! in each versioning state, and object lock on versions.
//!
//! A key's current version (when it is an object) sits in `Bucket::objects`; everything older,
//! and delete markers, sit in `Bucket::history`, oldest first. A key whose newest version is a
//! delete marker is absent from `objects`, so listings need not know about versioning.
//!
//! - Unversioned: a write replaces the object; a delete removes it.
//! - Enabled: every write gets a new version id and keeps the previous version; a delete adds
//!   a delete marker.
//! - Suspended: writes and deletes use the version id `null`, replacing any earlier `null`
//!   version and keeping the others.

use std::sync::atomic::{AtomicU64, Ordering};

use ferrostack_runtime as rt;
use rt::DateTime;
use s3_api::types::*;

use crate::errors;
use crate::state::Bucket;
use crate::stored::{now_to_the_second, StoredObject};

pub const NULL: &str = "null";

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Versioning {
    #[default]
    Unversioned,
    Enabled,
    Suspended,
}

// Nearly every version is an object; boxing it to shrink the rare delete marker would
// cost an allocation per stored version.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum Version {
    Object(StoredObject),
    DeleteMarker { version_id: String, last_modified: DateTime },
}

impl Version {
    pub fn version_id(&self) -> &str {
        match self {
            Version::Object(o) => &o.version_id,
            Version::DeleteMarker { version_id, .. } => version_id,
        }
    }
}

/// Object lock state of one version.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Lock {
    pub mode: Option<ObjectLockRetentionMode>,
    pub retain_until: Option<DateTime>,
    pub legal_hold: bool,
}

impl Lock {
    /// Whether deleting this version (or shortening its retention) is refused.
    pub fn protects(&self, bypass_governance: bool) -> bool {
        if self.legal_hold {
            return true;
        }
        let retained = self.retain_until.is_some_and(|until| until > DateTime::now());
        match &self.mode {
            Some(ObjectLockRetentionMode::Governance) => retained && !bypass_governance,
            Some(_) => retained,
            None => false,
        }
    }
}

pub type ObjectLockConfig = ObjectLockConfiguration;

/// A new version id: 32 URL-safe characters like S3's, unique within the process.
pub fn new_version_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64);
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._";
    let mut out = String::with_capacity(32);
    let mut x = nanos ^ n.rotate_left(40);
    let mut y = n.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ nanos.rotate_left(17);
    for i in 0..32 {
        let v = if i < 16 { &mut x } else { &mut y };
        *v ^= *v << 13;
        *v ^= *v >> 7;
        *v ^= *v << 17;
        out.push(ALPHABET[(*v % 64) as usize] as char);
    }
    out
}

/// Whether `version_id` could name a version at all (`null` or one of ours).
pub fn check_version_id(version_id: Option<&str>) -> Result<(), rt::CommonError> {
    match version_id {
        Some(v) if v != NULL && (v.is_empty() || v.len() > 1024) => {
            Err(errors::invalid_argument("Invalid version id specified", "versionId", v))
        }
        _ => Ok(()),
    }
}

pub fn enable_lock_at_creation(bucket: &mut Bucket) {
    bucket.versioning = Versioning::Enabled;
    bucket.object_lock =
        Some(ObjectLockConfiguration { object_lock_enabled: Some(ObjectLockEnabled::Enabled), rule: None });
}

/// The version id a write in this bucket gets now.
pub fn next_version_id(bucket: &Bucket) -> String {
    match bucket.versioning {
        Versioning::Enabled => new_version_id(),
        _ => NULL.to_owned(),
    }
}

/// The version id to report in responses: none for buckets that were never versioned.
pub fn reported(bucket: &Bucket, version_id: &str) -> Option<String> {
    (bucket.versioning != Versioning::Unversioned).then(|| version_id.to_owned())
}

/// Stores `object` (its `version_id` already set by [`next_version_id`]) as the key's newest
/// version.
pub fn put(bucket: &mut Bucket, key: String, object: StoredObject) {
    let replaces_null = object.version_id == NULL;
    if replaces_null {
        drop_null_from_history(bucket, &key);
    }
    if let Some(previous) = bucket.objects.remove(&key) {
        if !(replaces_null && previous.version_id == NULL) {
            bucket.history.entry(key.clone()).or_default().push(Version::Object(previous));
        }
    }
    bucket.objects.insert(key, object);
}

fn drop_null_from_history(bucket: &mut Bucket, key: &str) {
    if let Some(versions) = bucket.history.get_mut(key) {
        versions.retain(|v| v.version_id() != NULL);
        if versions.is_empty() {
            bucket.history.remove(key);
        }
    }
}

/// What a delete did, for the response headers.
#[derive(Debug, Default, PartialEq)]
pub struct Deleted {
    pub delete_marker: bool,
    pub version_id: Option<String>,
}

/// A delete without a version id.
pub fn delete_current(bucket: &mut Bucket, key: &str) -> Deleted {
    match bucket.versioning {
        Versioning::Unversioned => {
            bucket.objects.remove(key);
            Deleted::default()
        }
        Versioning::Enabled => {
            let marker = new_version_id();
            if let Some(previous) = bucket.objects.remove(key) {
                bucket.history.entry(key.to_owned()).or_default().push(Version::Object(previous));
            }
            bucket
                .history
                .entry(key.to_owned())
                .or_default()
                .push(Version::DeleteMarker { version_id: marker.clone(), last_modified: now_to_the_second() });
            Deleted { delete_marker: true, version_id: Some(marker) }
        }
        Versioning::Suspended => {
            drop_null_from_history(bucket, key);
            if let Some(previous) = bucket.objects.remove(key) {
                if previous.version_id != NULL {
                    bucket.history.entry(key.to_owned()).or_default().push(Version::Object(previous));
                }
            }
            bucket
                .history
                .entry(key.to_owned())
                .or_default()
                .push(Version::DeleteMarker { version_id: NULL.to_owned(), last_modified: now_to_the_second() });
            Deleted { delete_marker: true, version_id: Some(NULL.to_owned()) }
        }
    }
}

/// A delete of one version, which removes it for good. Locked versions stay.
pub fn delete_version(
    bucket: &mut Bucket,
    key: &str,
    version_id: &str,
    bypass_governance: bool,
) -> Result<Deleted, rt::CommonError> {
    if bucket.versioning == Versioning::Unversioned && version_id != NULL {
        return Err(errors::invalid_argument("Invalid version id specified", "versionId", version_id));
    }
    if bucket.objects.get(key).is_some_and(|o| o.version_id == version_id) {
        if bucket.objects.get(key).is_some_and(|o| o.lock.protects(bypass_governance)) {
            return Err(errors::access_denied_locked());
        }
        bucket.objects.remove(key);
        promote(bucket, key);
        return Ok(Deleted { delete_marker: false, version_id: Some(version_id.to_owned()) });
    }
    let Some(versions) = bucket.history.get_mut(key) else {
        return Ok(Deleted { delete_marker: false, version_id: Some(version_id.to_owned()) });
    };
    let Some(at) = versions.iter().position(|v| v.version_id() == version_id) else {
        return Ok(Deleted { delete_marker: false, version_id: Some(version_id.to_owned()) });
    };
    if let Version::Object(o) = &versions[at] {
        if o.lock.protects(bypass_governance) {
            return Err(errors::access_denied_locked());
        }
    }
    let removed = versions.remove(at);
    let was_marker = matches!(removed, Version::DeleteMarker { .. });
    if versions.is_empty() {
        bucket.history.remove(key);
    } else if !bucket.objects.contains_key(key) {
        promote(bucket, key);
    }
    Ok(Deleted { delete_marker: was_marker, version_id: Some(version_id.to_owned()) })
}

/// After the current version went, the newest remaining one becomes current when it is an
/// object (a delete marker stays in the history as the latest).
fn promote(bucket: &mut Bucket, key: &str) {
    let Some(versions) = bucket.history.get_mut(key) else { return };
    if matches!(versions.last(), Some(Version::Object(_))) {
        if let Some(Version::Object(o)) = versions.pop() {
            bucket.objects.insert(key.to_owned(), o);
        }
    }
    if versions.is_empty() {
        bucket.history.remove(key);
    }
}

/// What a version id names.
pub enum Found<'a> {
    Object(&'a StoredObject),
    DeleteMarker,
}

pub fn find<'a>(bucket: &'a Bucket, key: &str, version_id: Option<&str>) -> Result<Found<'a>, rt::CommonError> {
    let Some(wanted) = version_id else {
        if let Some(current) = bucket.objects.get(key) {
            return Ok(Found::Object(current));
        }
        return match bucket.history.get(key).and_then(|vs| vs.last()) {
            Some(Version::DeleteMarker { version_id, .. }) => Err(errors::deleted_key(key, version_id)),
            _ => Err(errors::no_such_key(key)),
        };
    };
    if let Some(current) = bucket.objects.get(key).filter(|o| o.version_id == wanted) {
        return Ok(Found::Object(current));
    }
    let found = bucket.history.get(key).and_then(|vs| vs.iter().find(|v| v.version_id() == wanted));
    match found {
        Some(Version::Object(o)) => Ok(Found::Object(o)),
        Some(Version::DeleteMarker { .. }) => Ok(Found::DeleteMarker),
        None if wanted != NULL && bucket.versioning == Versioning::Unversioned => {
            Err(errors::invalid_argument("Invalid version id specified", "versionId", wanted))
        }
        None => Err(errors::no_such_version(key, wanted)),
    }
}

/// The object a version id names, for a `method` on something only objects have (tags,
/// retention, legal hold, ACL): a delete marker answers 405 MethodNotAllowed.
pub fn find_object<'a>(
    bucket: &'a Bucket,
    key: &str,
    version_id: Option<&str>,
    method: &str,
) -> Result<&'a StoredObject, rt::CommonError> {
    match find(bucket, key, version_id)? {
        Found::Object(o) => Ok(o),
        Found::DeleteMarker => Err(errors::method_not_allowed(method, "DeleteMarker")),
    }
}

/// The object a version id names, mutably (tagging, retention, legal hold).
pub fn find_mut<'a>(
    bucket: &'a mut Bucket,
    key: &str,
    version_id: Option<&str>,
) -> Result<&'a mut StoredObject, rt::CommonError> {
    let Some(wanted) = version_id else {
        return bucket.objects.get_mut(key).ok_or_else(|| errors::no_such_key(key));
    };
    if bucket.objects.get(key).is_some_and(|o| o.version_id == wanted) {
        return bucket.objects.get_mut(key).ok_or_else(|| errors::no_such_key(key));
    }
    let found = bucket.history.get_mut(key).and_then(|vs| vs.iter_mut().find(|v| v.version_id() == wanted));
    match found {
        Some(Version::Object(o)) => Ok(o),
        Some(Version::DeleteMarker { .. }) => Err(errors::method_not_allowed("PUT", "DeleteMarker")),
        None => Err(errors::no_such_version(key, wanted)),
    }
}

/// Object lock settings for a new object: the request's own, else the bucket's default
/// retention. Lock headers on a bucket without object lock are refused.
pub fn lock_for_new_object(
    bucket: &Bucket,
    mode: Option<ObjectLockMode>,
    until: Option<DateTime>,
    legal_hold: Option<ObjectLockLegalHoldStatus>,
) -> Result<Lock, rt::CommonError> {
    let requested = mode.is_some() || until.is_some() || legal_hold.is_some();
    let Some(config) = &bucket.object_lock else {
        if requested {
            return Err(errors::invalid_request("Bucket is missing Object Lock Configuration"));
        }
        return Ok(Lock::default());
    };
    if mode.is_some() != until.is_some() {
        return Err(errors::invalid_argument(
            "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied",
            "x-amz-object-lock-mode",
            mode.as_ref().map(|m| m.as_str()).unwrap_or(""),
        ));
    }
    let mut lock = Lock { legal_hold: legal_hold == Some(ObjectLockLegalHoldStatus::On), ..Default::default() };
    if let (Some(mode), Some(until)) = (mode, until) {
        if until <= DateTime::now() {
            return Err(errors::invalid_argument(
                "The retain until date must be in the future!",
                "x-amz-object-lock-retain-until-date",
                &until.to_rfc3339(),
            ));
        }
        lock.mode = Some(ObjectLockRetentionMode::from(mode.as_str()));
        lock.retain_until = Some(until);
    } else if let Some(default) = config.rule.as_ref().and_then(|r| r.default_retention.as_ref()) {
        let days = default.days.map(i64::from).or(default.years.map(|y| i64::from(y) * 365)).unwrap_or(0);
        lock.mode = default.mode.clone();
        lock.retain_until = Some(DateTime::from_secs(DateTime::now().secs() + days * 86_400));
    }
    Ok(lock)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_ids_are_unique_and_url_safe() {
        let a = new_version_id();
        let b = new_version_id();
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'.' || c == b'_'));
    }
}
