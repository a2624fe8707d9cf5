//! Lifecycle configuration (Put/Get/DeleteBucketLifecycleConfiguration) and the reaper that
//! applies its expiration rules.
//!
//! The reaper is one background task, started by the first PutBucketLifecycleConfiguration.
//! It sweeps right after every Put and then every `FERROSTACK_S3_LIFECYCLE_INTERVAL` seconds
//! (default 10; see [`crate::Settings`]), expiring current versions whose `Expiration` (Days, counted to the next
//! midnight UTC as S3 does, or Date) has come, and noncurrent versions past
//! `NoncurrentVersionExpiration`, and aborting multipart uploads older than
//! `AbortIncompleteMultipartUpload`. Transitions are stored only: there is one storage tier.

use std::sync::{Arc, OnceLock, Weak};
use std::time::Duration;

use ferrostack_runtime as rt;
use ferrostack_store::GlobalStore;
use s3_api::types::*;

use super::{errors, with_bucket};
use crate::state::{Bucket, S3State};
use crate::versions::{self, Version};

const MAX_RULES: usize = 1000;
const DAY: i64 = 86_400;
const DEFAULT_MINIMUM_SIZE: TransitionDefaultMinimumObjectSize =
    TransitionDefaultMinimumObjectSize::AllStorageClasses128k;

#[derive(Debug, Clone)]
pub struct Lifecycle {
    pub rules: Vec<LifecycleRule>,
    pub minimum_size: TransitionDefaultMinimumObjectSize,
}

pub fn put_bucket_lifecycle_configuration(
    state: &GlobalStore<S3State>,
    reaper: &Reaper,
    input: PutBucketLifecycleConfigurationRequest,
) -> Result<PutBucketLifecycleConfigurationOutput, rt::CommonError> {
    let mut rules = input.lifecycle_configuration.map(|c| c.rules).unwrap_or_default();
    validate(&mut rules)?;
    let minimum_size = input.transition_default_minimum_object_size.unwrap_or(DEFAULT_MINIMUM_SIZE);
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.lifecycle = Some(Lifecycle { rules, minimum_size: minimum_size.clone() });
        Ok(())
    })?;
    reaper.wake();
    Ok(PutBucketLifecycleConfigurationOutput { transition_default_minimum_object_size: Some(minimum_size) })
}

fn validate(rules: &mut [LifecycleRule]) -> Result<(), rt::CommonError> {
    if rules.is_empty() {
        return Err(errors::malformed_xml());
    }
    if rules.len() > MAX_RULES {
        return Err(errors::invalid_request(
            "The number of lifecycle rules should not exceed allowed limit of 1000 rules",
        ));
    }
    let mut ids = std::collections::HashSet::new();
    for rule in rules.iter_mut() {
        if let ExpirationStatus::Unknown(_) = rule.status {
            return Err(errors::malformed_xml());
        }
        if rule.prefix.is_some() && rule.filter.is_some() {
            return Err(errors::malformed_xml());
        }
        if let Some(filter) = &rule.filter {
            let set = [
                filter.prefix.is_some(),
                filter.tag.is_some(),
                filter.object_size_greater_than.is_some(),
                filter.object_size_less_than.is_some(),
                filter.and.is_some(),
            ];
            if set.iter().filter(|s| **s).count() > 1 {
                return Err(errors::malformed_xml());
            }
        }
        let id = rule.id.get_or_insert_with(generated_id);
        if id.chars().count() > 255 {
            return Err(errors::invalid_argument("ID length should not exceed allowed limit of 255", "ID", id));
        }
        if !ids.insert(id.clone()) {
            return Err(errors::invalid_argument(
                "Rule ID must be unique. Found same ID for more than one rule",
                "ID",
                id,
            ));
        }
        let has_action = rule.expiration.is_some()
            || rule.transitions.as_ref().is_some_and(|t| !t.is_empty())
            || rule.noncurrent_version_transitions.as_ref().is_some_and(|t| !t.is_empty())
            || rule.noncurrent_version_expiration.is_some()
            || rule.abort_incomplete_multipart_upload.is_some();
        if !has_action {
            return Err(errors::invalid_request("At least one action needs to be specified in a rule"));
        }
        if let Some(expiration) = &rule.expiration {
            let given = [
                expiration.days.is_some(),
                expiration.date.is_some(),
                expiration.expired_object_delete_marker.is_some(),
            ];
            if given.iter().filter(|g| **g).count() != 1 {
                return Err(errors::malformed_xml());
            }
            if expiration.days.is_some_and(|d| d <= 0) {
                return Err(errors::invalid_argument(
                    "'Days' for Expiration action must be a positive integer",
                    "Days",
                    &expiration.days.unwrap_or_default().to_string(),
                ));
            }
            if expiration.date.is_some_and(|d| d.secs().rem_euclid(DAY) != 0 || d.subsec_nanos() != 0) {
                return Err(errors::invalid_argument_bare("'Date' must be at midnight GMT"));
            }
        }
        for transition in rule.transitions.iter().flatten() {
            let class = transition.storage_class.as_ref().map(|c| c.as_str()).unwrap_or("");
            let minimum = if matches!(class, "STANDARD_IA" | "ONEZONE_IA") { 30 } else { 0 };
            if let Some(days) = transition.days {
                if days < minimum {
                    return Err(errors::invalid_argument(
                        format!("'Days' in Transition action must be greater than or equal to 30 for storageClass '{class}'"),
                        "Days",
                        &days.to_string(),
                    ));
                }
            }
        }
        if let Some(noncurrent) = &rule.noncurrent_version_expiration {
            if noncurrent.noncurrent_days.is_some_and(|d| d <= 0) {
                return Err(errors::invalid_argument_bare(
                    "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer",
                ));
            }
        }
        if let Some(abort) = &rule.abort_incomplete_multipart_upload {
            if abort.days_after_initiation.is_none_or(|d| d <= 0) {
                return Err(errors::invalid_argument_bare(
                    "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer",
                ));
            }
        }
    }
    Ok(())
}

/// S3 names rules it was given without an ID with a random 48-character token.
fn generated_id() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut seed = rt::DateTime::now().as_millis() as u64 ^ (std::process::id() as u64).rotate_left(32);
    let counter = {
        use std::sync::atomic::{AtomicU64, Ordering};
        static N: AtomicU64 = AtomicU64::new(0);
        N.fetch_add(1, Ordering::Relaxed)
    };
    seed = seed.wrapping_add(counter.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    (0..48)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            ALPHABET[(seed % 32) as usize] as char
        })
        .collect()
}

pub fn get_bucket_lifecycle_configuration(
    state: &GlobalStore<S3State>,
    input: GetBucketLifecycleConfigurationRequest,
) -> Result<GetBucketLifecycleConfigurationOutput, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        let lifecycle = bucket.config.lifecycle.clone().ok_or_else(|| errors::no_such_lifecycle(&input.bucket))?;
        Ok(GetBucketLifecycleConfigurationOutput {
            rules: Some(lifecycle.rules),
            transition_default_minimum_object_size: Some(lifecycle.minimum_size),
        })
    })
}

pub fn delete_bucket_lifecycle(
    state: &GlobalStore<S3State>,
    input: DeleteBucketLifecycleRequest,
) -> Result<rt::Unit, rt::CommonError> {
    with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        bucket.config.lifecycle = None;
        Ok(rt::Unit)
    })
}

// ---- the reaper ----------------------------------------------------------------------------

/// The background task that applies expiration rules. It starts with the first
/// PutBucketLifecycleConfiguration (a handler that never sees one costs no task) and holds
/// its handler weakly, ending when the handler is gone.
pub struct Reaper {
    handler: Weak<crate::Handler>,
    every: Duration,
    signal: OnceLock<Arc<tokio::sync::Notify>>,
}

impl Reaper {
    pub fn new(handler: Weak<crate::Handler>, every: Duration) -> Reaper {
        Reaper { handler, every: every.max(Duration::from_secs(1)), signal: OnceLock::new() }
    }

    /// Starts the reaper if it is not running, and makes it sweep now.
    pub fn wake(&self) {
        let signal = self.signal.get_or_init(|| {
            let signal = Arc::new(tokio::sync::Notify::new());
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(reap_forever(self.handler.clone(), self.every, signal.clone()));
            }
            signal
        });
        signal.notify_one();
    }
}

async fn reap_forever(handler: Weak<crate::Handler>, every: Duration, signal: Arc<tokio::sync::Notify>) {
    loop {
        let _ = tokio::time::timeout(every, signal.notified()).await;
        let Some(handler) = handler.upgrade() else { return };
        let now = rt::DateTime::now();
        handler.state.with(|s| {
            for bucket in s.buckets.values_mut() {
                sweep(bucket, now);
            }
        });
    }
}

/// Whether `rule`'s filter selects the object `key` of `size` bytes with `tags`.
fn selects(rule: &LifecycleRule, key: &str, size: u64, tags: &[(String, String)]) -> bool {
    let has_tag = |t: &Tag| tags.iter().any(|(k, v)| *k == t.key && *v == t.value);
    let size = size as i64;
    if let Some(prefix) = &rule.prefix {
        return key.starts_with(prefix.as_str());
    }
    let Some(filter) = &rule.filter else { return true };
    if let Some(and) = &filter.and {
        return and.prefix.as_deref().is_none_or(|p| key.starts_with(p))
            && and.tags.iter().flatten().all(has_tag)
            && and.object_size_greater_than.is_none_or(|n| size > n)
            && and.object_size_less_than.is_none_or(|n| size < n);
    }
    filter.prefix.as_deref().is_none_or(|p| key.starts_with(p))
        && filter.tag.as_ref().is_none_or(has_tag)
        && filter.object_size_greater_than.is_none_or(|n| size > n)
        && filter.object_size_less_than.is_none_or(|n| size < n)
}

/// When something written at `written` expires `days` later: S3 rounds up to the next
/// midnight UTC.
fn due(written: rt::DateTime, days: i32) -> i64 {
    let at = written.secs() + i64::from(days) * DAY;
    (at + DAY - 1).div_euclid(DAY) * DAY
}

/// Applies the bucket's expiration rules as of `now`.
pub fn sweep(bucket: &mut Bucket, now: rt::DateTime) {
    let Some(lifecycle) = bucket.config.lifecycle.clone() else { return };
    let rules: Vec<&LifecycleRule> = lifecycle.rules.iter().filter(|r| r.status == ExpirationStatus::Enabled).collect();
    if rules.is_empty() {
        return;
    }
    let expired: Vec<String> = bucket
        .objects
        .iter()
        .filter(|(key, object)| {
            rules.iter().any(|rule| {
                let Some(expiration) = &rule.expiration else { return false };
                if !selects(rule, key, object.size(), &object.tags) {
                    return false;
                }
                match (expiration.days, expiration.date) {
                    (Some(days), _) => now.secs() >= due(object.last_modified, days),
                    (None, Some(date)) => now.secs() >= date.secs(),
                    _ => false,
                }
            })
        })
        .map(|(key, _)| key.clone())
        .collect();
    for key in expired {
        let (size, etag) = bucket.objects.get(&key).map(|o| (o.size(), o.etag.clone())).unwrap_or_default();
        let deleted = versions::delete_current(bucket, &key);
        let event = if deleted.delete_marker {
            "LifecycleExpiration:DeleteMarkerCreated"
        } else {
            "LifecycleExpiration:Delete"
        };
        crate::notify::object_event(bucket, event, &key, size, &etag, deleted.version_id.as_deref());
    }

    // A delete marker with no versions left behind it is removed when a rule says so.
    let markers_go =
        rules.iter().filter(|r| r.expiration.as_ref().and_then(|e| e.expired_object_delete_marker) == Some(true));
    for rule in markers_go.collect::<Vec<_>>() {
        let lone_markers: Vec<String> = bucket
            .history
            .iter()
            .filter(|(key, history)| {
                !bucket.objects.contains_key(*key)
                    && matches!(history.as_slice(), [Version::DeleteMarker { .. }])
                    && selects(rule, key, 0, &[])
            })
            .map(|(key, _)| key.clone())
            .collect();
        for key in lone_markers {
            bucket.history.remove(&key);
        }
    }

    // Multipart uploads left incomplete for too long are aborted.
    for rule in &rules {
        let Some(days) = rule.abort_incomplete_multipart_upload.as_ref().and_then(|a| a.days_after_initiation) else {
            continue;
        };
        bucket
            .uploads
            .retain(|_, upload| !(selects(rule, &upload.key, 0, &[]) && now.secs() >= due(upload.initiated, days)));
    }

    // Noncurrent versions: a version became noncurrent when the next one was written.
    for rule in &rules {
        let Some(days) = rule.noncurrent_version_expiration.as_ref().and_then(|n| n.noncurrent_days) else { continue };
        let keep_newest =
            rule.noncurrent_version_expiration.as_ref().and_then(|n| n.newer_noncurrent_versions).unwrap_or(0).max(0)
                as usize;
        let current_times: std::collections::HashMap<String, rt::DateTime> =
            bucket.objects.iter().map(|(k, o)| (k.clone(), o.last_modified)).collect();
        for (key, history) in bucket.history.iter_mut() {
            let succeeded_at: Vec<Option<rt::DateTime>> = (0..history.len())
                .map(|i| match history.get(i + 1) {
                    Some(Version::Object(o)) => Some(o.last_modified),
                    Some(Version::DeleteMarker { last_modified, .. }) => Some(*last_modified),
                    None => current_times.get(key).copied(),
                })
                .collect();
            let mut newer_kept = 0usize;
            let mut drop = vec![false; history.len()];
            for i in (0..history.len()).rev() {
                let Version::Object(object) = &history[i] else { continue };
                if newer_kept < keep_newest {
                    newer_kept += 1;
                    continue;
                }
                if !selects(rule, key, object.size(), &object.tags) {
                    continue;
                }
                if let Some(since) = succeeded_at[i] {
                    if now.secs() >= due(since, days) {
                        drop[i] = true;
                    }
                }
            }
            let mut i = 0;
            history.retain(|_| {
                let keep = !drop[i];
                i += 1;
                keep
            });
        }
        bucket.history.retain(|_, h| !h.is_empty());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_up_to_midnight() {
        let written = rt::DateTime::from_secs(10 * DAY + 3600);
        assert_eq!(due(written, 1), 12 * DAY);
        assert_eq!(due(rt::DateTime::from_secs(10 * DAY), 1), 11 * DAY);
    }

    #[test]
    fn generated_ids_differ() {
        let a = generated_id();
        assert_eq!(a.len(), 48);
        assert_ne!(a, generated_id());
    }

    #[test]
    fn filters_select_by_prefix_tag_and_size() {
        let rule = LifecycleRule {
            filter: Some(LifecycleRuleFilter {
                and: Some(LifecycleRuleAndOperator {
                    prefix: Some("logs/".into()),
                    tags: Some(vec![Tag { key: "t".into(), value: "1".into() }]),
                    object_size_greater_than: Some(10),
                    object_size_less_than: None,
                }),
                ..Default::default()
            }),
            ..Default::default()
        };
        let tags = vec![("t".to_owned(), "1".to_owned())];
        assert!(selects(&rule, "logs/a", 11, &tags));
        assert!(!selects(&rule, "logs/a", 10, &tags));
        assert!(!selects(&rule, "other", 11, &tags));
        assert!(!selects(&rule, "logs/a", 11, &[]));
    }
}
