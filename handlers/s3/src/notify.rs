//! Event notifications: the bucket's NotificationConfiguration (Put/Get) and the delivery
//! of S3's event records to SQS queues, SNS topics, Lambda functions and EventBridge.
//!
//! ## For the object path
//!
//! After a successful write or delete, with the bucket at hand (inside the state lock is
//! fine: nothing here takes it), call
//!
//! ```ignore
//! crate::notify::object_event(bucket, "ObjectCreated:Put", &key, size, &etag, Some(&version_id));
//! ```
//!
//! `event_name` is S3's without the `s3:` prefix: `ObjectCreated:Put`, `ObjectCreated:Copy`,
//! `ObjectCreated:CompleteMultipartUpload`, `ObjectRemoved:Delete`,
//! `ObjectRemoved:DeleteMarkerCreated`, `LifecycleExpiration:Delete`, ... `etag` may be
//! quoted (as stored); `version_id` `"null"` or `None` leaves `versionId` out. Matching
//! configurations (event type, prefix/suffix filter) get one record each; delivery runs on
//! its own task, so the caller never waits for a queue or topic.
//!
//! PutBucketNotificationConfiguration checks that SQS queues and SNS topics exist (unless
//! `x-amz-skip-destination-validation`) and sends them S3's `s3:TestEvent`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use ferrostack_runtime as rt;
use ferrostack_store::{GlobalStore, Peers};
use s3_api::types::*;
use serde_json::json;

use crate::config::errors;
use crate::state::{Bucket, S3State};

// ---- configuration -------------------------------------------------------------------------

pub async fn put_bucket_notification_configuration(
    state: &GlobalStore<S3State>,
    peers: &Arc<Peers>,
    ctx: &rt::RequestContext,
    input: PutBucketNotificationConfigurationRequest,
) -> Result<rt::Unit, rt::CommonError> {
    let mut config = input.notification_configuration;
    validate(&mut config)?;
    // The bucket must exist before destinations are checked (and S3 says so first).
    let region =
        state.with(|s| s.bucket(&input.bucket, input.expected_bucket_owner.as_deref()).map(|b| b.region.clone()))?;
    if input.skip_destination_validation != Some(true) {
        let problems = check_destinations(peers, &config).await;
        if !problems.is_empty() {
            let mut error = rt::ServiceError::new(
                400,
                "InvalidArgument",
                "Unable to validate the following destination configurations",
            );
            for (i, (arn, why)) in problems.iter().enumerate() {
                error = error
                    .with_field(format!("ArgumentName{}", i + 1), arn.clone())
                    .with_field(format!("ArgumentValue{}", i + 1), why.clone());
            }
            return Err(error.into());
        }
        send_test_events(peers, &config, &input.bucket, &region, &ctx.request_id);
    }
    crate::config::with_bucket(state, &input.bucket, None, |bucket| {
        bucket.config.notification = config;
        bucket.config.notify_through = Arc::downgrade(peers);
        Ok(rt::Unit)
    })
}

pub fn get_bucket_notification_configuration(
    state: &GlobalStore<S3State>,
    input: GetBucketNotificationConfigurationRequest,
) -> Result<NotificationConfiguration, rt::CommonError> {
    crate::config::with_bucket(state, &input.bucket, input.expected_bucket_owner.as_deref(), |bucket| {
        Ok(bucket.config.notification.clone())
    })
}

/// One destination's part of the configuration, whatever its kind.
struct Target<'c> {
    arn: &'c str,
    events: &'c [Event],
    filter: Option<&'c NotificationConfigurationFilter>,
    id: Option<&'c str>,
    kind: Kind,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Queue,
    Topic,
    Lambda,
}

fn targets(config: &NotificationConfiguration) -> Vec<Target<'_>> {
    let mut out = Vec::new();
    for q in config.queue_configurations.iter().flatten() {
        out.push(Target {
            arn: &q.queue_arn,
            events: &q.events,
            filter: q.filter.as_ref(),
            id: q.id.as_deref(),
            kind: Kind::Queue,
        });
    }
    for t in config.topic_configurations.iter().flatten() {
        out.push(Target {
            arn: &t.topic_arn,
            events: &t.events,
            filter: t.filter.as_ref(),
            id: t.id.as_deref(),
            kind: Kind::Topic,
        });
    }
    for l in config.lambda_function_configurations.iter().flatten() {
        out.push(Target {
            arn: &l.lambda_function_arn,
            events: &l.events,
            filter: l.filter.as_ref(),
            id: l.id.as_deref(),
            kind: Kind::Lambda,
        });
    }
    out
}

/// `(prefix, suffix)` of a filter, each `""` when absent.
fn prefix_suffix(filter: Option<&NotificationConfigurationFilter>) -> (String, String) {
    let mut prefix = String::new();
    let mut suffix = String::new();
    for rule in filter.and_then(|f| f.key.as_ref()).and_then(|k| k.filter_rules.as_ref()).into_iter().flatten() {
        let value = rule.value.clone().unwrap_or_default();
        match rule_kind(rule) {
            Some(FilterRuleName::Prefix) => prefix = value,
            Some(FilterRuleName::Suffix) => suffix = value,
            _ => {}
        }
    }
    (prefix, suffix)
}

/// A filter rule's name, whatever its case (S3 takes `prefix` and `Prefix` alike).
fn rule_kind(rule: &FilterRule) -> Option<FilterRuleName> {
    match rule.name.as_ref()?.as_str().to_ascii_lowercase().as_str() {
        "prefix" => Some(FilterRuleName::Prefix),
        "suffix" => Some(FilterRuleName::Suffix),
        _ => None,
    }
}

/// S3 hands filter rule names back capitalised (`Prefix`, `Suffix`), however they were sent.
fn capitalise_rule_names(config: &mut NotificationConfiguration) {
    let filters = config
        .queue_configurations
        .iter_mut()
        .flatten()
        .map(|q| &mut q.filter)
        .chain(config.topic_configurations.iter_mut().flatten().map(|t| &mut t.filter))
        .chain(config.lambda_function_configurations.iter_mut().flatten().map(|l| &mut l.filter));
    for filter in filters {
        let rules = filter.as_mut().and_then(|f| f.key.as_mut()).and_then(|k| k.filter_rules.as_mut());
        for rule in rules.into_iter().flatten() {
            let shown = match rule_kind(rule) {
                Some(FilterRuleName::Prefix) => "Prefix",
                Some(FilterRuleName::Suffix) => "Suffix",
                _ => continue,
            };
            rule.name = Some(FilterRuleName::Unknown(shown.to_owned()));
        }
    }
}

fn validate(config: &mut NotificationConfiguration) -> Result<(), rt::CommonError> {
    // Every configuration gets an id; S3 makes one up when none is given.
    for q in config.queue_configurations.iter_mut().flatten() {
        q.id.get_or_insert_with(generated_id);
    }
    for t in config.topic_configurations.iter_mut().flatten() {
        t.id.get_or_insert_with(generated_id);
    }
    for l in config.lambda_function_configurations.iter_mut().flatten() {
        l.id.get_or_insert_with(generated_id);
    }
    let all = targets(config);
    for target in &all {
        if target.events.is_empty() {
            return Err(errors::malformed_xml());
        }
        if let Some(Event::Unknown(e)) = target.events.iter().find(|e| matches!(e, Event::Unknown(_))) {
            return Err(errors::invalid_argument("The event is not supported for notifications", "Event", e));
        }
        let expected_service = match target.kind {
            Kind::Queue => "sqs",
            Kind::Topic => "sns",
            Kind::Lambda => "lambda",
        };
        let parts: Vec<&str> = target.arn.splitn(6, ':').collect();
        if parts.len() < 6 || parts[0] != "arn" || parts[2] != expected_service {
            return Err(errors::invalid_argument(
                "The ARN is not well formed",
                target.arn,
                "The ARN is not well formed",
            ));
        }
        let rules = target.filter.and_then(|f| f.key.as_ref()).and_then(|k| k.filter_rules.as_ref());
        let mut prefixes = 0;
        let mut suffixes = 0;
        for rule in rules.into_iter().flatten() {
            match rule_kind(rule) {
                Some(FilterRuleName::Prefix) => prefixes += 1,
                Some(FilterRuleName::Suffix) => suffixes += 1,
                _ => {
                    let name = rule.name.as_ref().map(|n| n.as_str().to_owned()).unwrap_or_default();
                    return Err(errors::invalid_argument(
                        "filter rule name must be either prefix or suffix",
                        "FilterRule",
                        &name,
                    ));
                }
            }
        }
        if prefixes > 1 {
            return Err(errors::invalid_argument(
                "Cannot specify more than one prefix rule in a filter.",
                "FilterRule",
                "prefix",
            ));
        }
        if suffixes > 1 {
            return Err(errors::invalid_argument(
                "Cannot specify more than one suffix rule in a filter.",
                "FilterRule",
                "suffix",
            ));
        }
    }
    for (i, a) in all.iter().enumerate() {
        for b in &all[i + 1..] {
            if overlap(a, b) {
                return Err(errors::invalid_argument(
                    "Configurations overlap. Configurations on the same bucket cannot share a common event type.",
                    "Event",
                    "",
                ));
            }
        }
    }
    capitalise_rule_names(config);
    Ok(())
}

/// Whether two configurations could both fire for one event (a shared event type and
/// filters that both match some key).
fn overlap(a: &Target<'_>, b: &Target<'_>) -> bool {
    let shares_event = a
        .events
        .iter()
        .any(|x| b.events.iter().any(|y| event_covers(x.as_str(), y.as_str()) || event_covers(y.as_str(), x.as_str())));
    if !shares_event {
        return false;
    }
    let (pa, sa) = prefix_suffix(a.filter);
    let (pb, sb) = prefix_suffix(b.filter);
    let prefixes_meet = pa.starts_with(&pb) || pb.starts_with(&pa);
    let suffixes_meet = sa.ends_with(&sb) || sb.ends_with(&sa);
    prefixes_meet && suffixes_meet
}

/// Whether the configured event type `pattern` (`s3:ObjectCreated:*`) covers `event`.
fn event_covers(pattern: &str, event: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(head) => event.starts_with(head),
        None => pattern == event,
    }
}

fn generated_id() -> String {
    static N: AtomicU64 = AtomicU64::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let seed = rt::DateTime::now().as_millis() as u64;
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!(
        "{:016x}{:08x}",
        seed.wrapping_mul(0x9E37_79B9_7F4A_7C15),
        n
    ))
}

// ---- destinations --------------------------------------------------------------------------

/// `arn:aws:<svc>:<region>:<account>:<name>` → `(region, account, name)`.
fn arn_parts(arn: &str) -> Option<(String, String, String)> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6).then(|| (parts[3].to_owned(), parts[4].to_owned(), parts[5].to_owned()))
}

/// The queue URL SQS answers to for a queue ARN (only the path counts there).
fn queue_url(arn: &str) -> Option<(rt::RequestContext, String)> {
    let (region, account, name) = arn_parts(arn)?;
    let ctx = rt::RequestContext::internal(&account, &region);
    let url = format!("{}/{account}/{name}", ctx.endpoint.url());
    Some((ctx, url))
}

/// The queues and topics that do not exist, with S3's words for each.
async fn check_destinations(peers: &Arc<Peers>, config: &NotificationConfiguration) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    for target in targets(config) {
        match target.kind {
            Kind::Queue => {
                let exists = match (peers.get::<dyn sqs_api::Handler>(), arn_parts(target.arn)) {
                    (Some(sqs), Some((region, account, name))) => {
                        let ctx = rt::RequestContext::internal(&account, &region);
                        let input = sqs_api::types::GetQueueUrlRequest {
                            queue_name: name,
                            queue_owner_aws_account_id: Some(account),
                        };
                        sqs.get_queue_url(&ctx, input).await.is_ok()
                    }
                    _ => false,
                };
                if !exists {
                    problems.push((target.arn.to_owned(), "The destination queue does not exist".to_owned()));
                }
            }
            Kind::Topic => {
                let exists = match (peers.get::<dyn sns_api::Handler>(), arn_parts(target.arn)) {
                    (Some(sns), Some((region, account, _))) => {
                        let ctx = rt::RequestContext::internal(&account, &region);
                        let input = sns_api::types::GetTopicAttributesInput { topic_arn: target.arn.to_owned() };
                        sns.get_topic_attributes(&ctx, input).await.is_ok()
                    }
                    _ => false,
                };
                if !exists {
                    problems.push((target.arn.to_owned(), "The destination topic does not exist".to_owned()));
                }
            }
            // S3 asks Lambda whether it may invoke the function; with no resource policies
            // enforced, that is whether the function exists.
            Kind::Lambda => {
                let exists = match (peers.get::<dyn lambda_api::Handler>(), arn_parts(target.arn)) {
                    (Some(lambda), Some((region, account, _))) => {
                        let ctx = rt::RequestContext::internal(&account, &region);
                        let input = lambda_api::types::GetFunctionRequest {
                            function_name: target.arn.to_owned(),
                            qualifier: None,
                        };
                        lambda.get_function(&ctx, input).await.is_ok()
                    }
                    _ => false,
                };
                if !exists {
                    problems
                        .push((target.arn.to_owned(), format!("Not authorized to invoke function [{}]", target.arn)));
                }
            }
        }
    }
    problems
}

fn send_test_events(
    peers: &Arc<Peers>,
    config: &NotificationConfiguration,
    bucket: &str,
    _region: &str,
    request_id: &str,
) {
    let message = json!({
        "Service": "Amazon S3",
        "Event": "s3:TestEvent",
        "Time": event_time(rt::DateTime::now()),
        "Bucket": bucket,
        "RequestId": request_id,
        "HostId": request_id,
    })
    .to_string();
    // One test event per destination, however many configurations name it.
    let mut sent = std::collections::HashSet::new();
    for target in targets(config) {
        if target.kind != Kind::Lambda && sent.insert(target.arn) {
            deliver(peers.clone(), target.kind, target.arn.to_owned(), message.clone());
        }
    }
}

/// Sends `message` to one destination on its own task; failures are logged, as S3 drops
/// events it cannot deliver.
fn deliver(peers: Arc<Peers>, kind: Kind, arn: String, message: String) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        let outcome: Result<(), String> = match kind {
            Kind::Queue => match (peers.get::<dyn sqs_api::Handler>(), queue_url(&arn)) {
                (Some(sqs), Some((ctx, queue_url))) => {
                    let input =
                        sqs_api::types::SendMessageRequest { queue_url, message_body: message, ..Default::default() };
                    sqs.send_message(&ctx, input).await.map(|_| ()).map_err(|e| format!("{e:?}"))
                }
                _ => Err("SQS is not served or the ARN is malformed".to_owned()),
            },
            Kind::Topic => match (peers.get::<dyn sns_api::Handler>(), arn_parts(&arn)) {
                (Some(sns), Some((region, account, _))) => {
                    let ctx = rt::RequestContext::internal(&account, &region);
                    let input = sns_api::types::PublishInput {
                        topic_arn: Some(arn.clone()),
                        message,
                        subject: Some("Amazon S3 Notification".to_owned()),
                        ..Default::default()
                    };
                    sns.publish(&ctx, input).await.map(|_| ()).map_err(|e| format!("{e:?}"))
                }
                _ => Err("SNS is not served or the ARN is malformed".to_owned()),
            },
            Kind::Lambda => match (peers.get::<dyn lambda_api::Handler>(), arn_parts(&arn)) {
                (Some(lambda), Some((region, account, _))) => {
                    let ctx = rt::RequestContext::internal(&account, &region);
                    let input = lambda_api::types::InvocationRequest {
                        function_name: arn.clone(),
                        invocation_type: Some(lambda_api::types::InvocationType::Event),
                        payload: Some(rt::Bytes::from(message)),
                        ..Default::default()
                    };
                    lambda.invoke(&ctx, input).await.map(|_| ()).map_err(|e| format!("{e:?}"))
                }
                _ => Err("Lambda is not served or the ARN is malformed".to_owned()),
            },
        };
        if let Err(error) = outcome {
            tracing::warn!(destination = arn, error, "S3 event notification not delivered");
        }
    });
}

// ---- events --------------------------------------------------------------------------------

/// `2014-04-29T18:30:38.123Z`: S3 always writes the milliseconds.
fn event_time(t: rt::DateTime) -> String {
    let base = rt::DateTime::from_secs(t.secs()).to_rfc3339();
    format!("{}.{:03}Z", base.trim_end_matches('Z'), t.subsec_nanos() / 1_000_000)
}

/// A key as event records carry it: form-encoded (a space is `+`), slashes kept.
fn encoded_key(key: &str) -> String {
    form_urlencoded::byte_serialize(key.as_bytes()).collect::<String>().replace("%2F", "/")
}

/// An always-increasing hex token per event, as S3 gives to order events of one key.
fn sequencer() -> String {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = rt::DateTime::now();
    let candidate = ((now.secs() as u64) << 24) | u64::from(now.subsec_nanos() >> 8);
    let previous = LAST.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| Some(candidate.max(last + 1)));
    let value = candidate.max(previous.unwrap_or(0) + 1);
    format!("{value:018X}")
}

/// Reports a delete of `key` (DeleteObject, DeleteObjects) as `ObjectRemoved:Delete`, or
/// `ObjectRemoved:DeleteMarkerCreated` when a delete without a version id left a marker.
/// Deleting a delete marker by its version id is an `ObjectRemoved:Delete`.
///
/// A delete of a key that does not exist is reported too: S3 does not look before it
/// deletes (DeleteObject answers 204 either way), and its notifications follow the
/// request, so consumers see `ObjectRemoved:Delete` for it on AWS as well (and, in a
/// versioned bucket, the marker the delete created).
pub fn object_removed(bucket: &Bucket, key: &str, deleted: &crate::versions::Deleted, by_version: bool) {
    let event =
        if deleted.delete_marker && !by_version { "ObjectRemoved:DeleteMarkerCreated" } else { "ObjectRemoved:Delete" };
    object_event(bucket, event, key, 0, "", deleted.version_id.as_deref());
}

/// Reports a change to `key` in `bucket` to every matching destination (see the module
/// documentation). Does nothing when the bucket has no notification configuration.
pub fn object_event(bucket: &Bucket, event_name: &str, key: &str, size: u64, etag: &str, version_id: Option<&str>) {
    let config = &bucket.config.notification;
    let to_eventbridge = config.event_bridge_configuration.is_some();
    // The common case, a bucket nobody listens to, costs nothing more.
    if !to_eventbridge
        && config.queue_configurations.as_ref().is_none_or(Vec::is_empty)
        && config.topic_configurations.as_ref().is_none_or(Vec::is_empty)
        && config.lambda_function_configurations.as_ref().is_none_or(Vec::is_empty)
    {
        return;
    }
    let full_name = format!("s3:{event_name}");
    let matching: Vec<Target<'_>> = targets(config)
        .into_iter()
        .filter(|t| t.events.iter().any(|e| event_covers(e.as_str(), &full_name)))
        .filter(|t| {
            let (prefix, suffix) = prefix_suffix(t.filter);
            key.starts_with(&prefix) && key.ends_with(&suffix)
        })
        .collect();
    if matching.is_empty() && !to_eventbridge {
        return;
    }
    let Some(peers) = bucket.config.notify_through.upgrade() else { return };

    let now = rt::DateTime::now();
    let request_id = rt::request_id();
    let sequencer = sequencer();
    let etag = etag.trim_matches('"');
    let version_id = version_id.filter(|v| *v != crate::versions::NULL);
    let created = event_name.starts_with("ObjectCreated");
    let owner = crate::owner::canonical_id(&bucket.owner_account);

    for target in matching {
        let mut object = json!({ "key": encoded_key(key) });
        if created {
            object["size"] = json!(size);
            object["eTag"] = json!(etag);
        }
        if let Some(v) = version_id {
            object["versionId"] = json!(v);
        }
        object["sequencer"] = json!(sequencer);
        let record = json!({
            "eventVersion": "2.1",
            "eventSource": "aws:s3",
            "awsRegion": bucket.region,
            "eventTime": event_time(now),
            "eventName": event_name,
            "userIdentity": { "principalId": format!("AWS:{}", bucket.owner_account) },
            "requestParameters": { "sourceIPAddress": "127.0.0.1" },
            "responseElements": { "x-amz-request-id": request_id, "x-amz-id-2": request_id },
            "s3": {
                "s3SchemaVersion": "1.0",
                "configurationId": target.id.unwrap_or_default(),
                "bucket": {
                    "name": bucket.name,
                    "ownerIdentity": { "principalId": owner },
                    "arn": format!("arn:aws:s3:::{}", bucket.name),
                },
                "object": object,
            },
        });
        let message = json!({ "Records": [record] }).to_string();
        deliver(peers.clone(), target.kind, target.arn.to_owned(), message);
    }

    if to_eventbridge {
        send_to_eventbridge(peers, bucket, event_name, key, size, etag, version_id, &sequencer, &request_id, now);
    }
}

#[allow(clippy::too_many_arguments)]
fn send_to_eventbridge(
    peers: Arc<Peers>,
    bucket: &Bucket,
    event_name: &str,
    key: &str,
    size: u64,
    etag: &str,
    version_id: Option<&str>,
    sequencer: &str,
    request_id: &str,
    now: rt::DateTime,
) {
    let (detail_type, reason) = match event_name {
        "ObjectCreated:Put" => ("Object Created", "PutObject"),
        "ObjectCreated:Copy" => ("Object Created", "CopyObject"),
        "ObjectCreated:CompleteMultipartUpload" => ("Object Created", "CompleteMultipartUpload"),
        "ObjectCreated:Post" => ("Object Created", "PostObject"),
        e if e.starts_with("ObjectCreated") => ("Object Created", "PutObject"),
        e if e.starts_with("LifecycleExpiration") => ("Object Deleted", "Lifecycle Expiration"),
        _ => ("Object Deleted", "DeleteObject"),
    };
    let mut object = json!({ "key": key, "sequencer": sequencer });
    if detail_type == "Object Created" {
        object["size"] = json!(size);
        object["etag"] = json!(etag);
    }
    if let Some(v) = version_id {
        object["version-id"] = json!(v);
    }
    let mut detail = json!({
        "version": "0",
        "bucket": { "name": bucket.name },
        "object": object,
        "request-id": request_id,
        "requester": bucket.owner_account,
        "source-ip-address": "127.0.0.1",
        "reason": reason,
    });
    if event_name == "ObjectRemoved:DeleteMarkerCreated" {
        detail["deletion-type"] = json!("Delete Marker Created");
    } else if detail_type == "Object Deleted" {
        detail["deletion-type"] = json!("Permanently Deleted");
    }
    let entry = events_api::types::PutEventsRequestEntry {
        time: Some(now),
        source: Some("aws.s3".to_owned()),
        resources: Some(vec![format!("arn:aws:s3:::{}", bucket.name)]),
        detail_type: Some(detail_type.to_owned()),
        detail: Some(detail.to_string()),
        ..Default::default()
    };
    let ctx = rt::RequestContext::internal(&bucket.owner_account, &bucket.region);
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
    runtime.spawn(async move {
        let outcome = match peers.get::<dyn events_api::Handler>() {
            Some(events) => {
                let input = events_api::types::PutEventsRequest { entries: vec![entry], endpoint_id: None };
                events.put_events(&ctx, input).await.map(|_| ()).map_err(|e| format!("{e:?}"))
            }
            None => Err("EventBridge is not served".to_owned()),
        };
        if let Err(error) = outcome {
            tracing::warn!(error, "S3 event not delivered to EventBridge");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_form_encoded_with_slashes_kept() {
        assert_eq!(encoded_key("dir/my file+1.txt"), "dir/my+file%2B1.txt");
    }

    #[test]
    fn wildcard_event_types_cover_their_family() {
        assert!(event_covers("s3:ObjectCreated:*", "s3:ObjectCreated:Put"));
        assert!(!event_covers("s3:ObjectCreated:*", "s3:ObjectRemoved:Delete"));
        assert!(event_covers("s3:ObjectRemoved:Delete", "s3:ObjectRemoved:Delete"));
    }

    #[test]
    fn sequencers_increase() {
        let a = sequencer();
        let b = sequencer();
        assert!(b > a, "{a} {b}");
    }
}
