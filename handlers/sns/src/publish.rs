//! Publish and PublishBatch: validation as AWS does it, FIFO sequencing and deduplication,
//! the choice of subscriptions (confirmed, passing their filter policy) and the hand-off
//! to delivery. Deliveries with nowhere else to show (email, SMS, mobile push) land in the
//! outbox.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ferrostack_runtime as rt;
use md5::{Digest, Md5};
use rt::IndexMap;
use serde_json::Value;
use sns_api::types::*;

use crate::arn::{self, Arn};
use crate::delivery::{Job, Target};
use crate::envelope::{self, Notification};
use crate::error::{Kind, Result, SnsError};
use crate::filter_policy::{JsonBody, Lookup, Scalar, Scope};
use crate::state::{OutboxMessage, RegionState, Subscription, Topic};
use crate::Handler;

pub const MAX_MESSAGE_BYTES: usize = 262_144;
const MAX_ATTRIBUTES: usize = 10;
const MAX_BATCH_ENTRIES: usize = 10;
const DEDUPLICATION_WINDOW: Duration = Duration::from_secs(300);

/// One message to publish, from Publish or a PublishBatch entry.
struct Outgoing {
    message: String,
    subject: Option<String>,
    structure: Option<String>,
    attributes: IndexMap<String, MessageAttributeValue>,
    group_id: Option<String>,
    deduplication_id: Option<String>,
}

/// The message as one protocol receives it: with MessageStructure=json, the entry for
/// that protocol, else `default`.
struct Texts {
    default: String,
    per_protocol: Option<serde_json::Map<String, Value>>,
}

impl Texts {
    fn for_protocol(&self, protocol: &str) -> String {
        self.per_protocol
            .as_ref()
            .and_then(|m| m.get(protocol))
            .and_then(Value::as_str)
            .map_or_else(|| self.default.clone(), str::to_owned)
    }
}

fn check_message(m: &Outgoing) -> Result<Texts> {
    if m.message.is_empty() {
        return Err(SnsError::invalid("Empty message"));
    }
    if let Some(subject) = &m.subject {
        let printable = subject.chars().all(|c| !c.is_control());
        if subject.is_empty() || subject.chars().count() > 100 || !printable {
            return Err(SnsError::invalid("Subject"));
        }
    }
    check_attributes(&m.attributes)?;
    let attribute_bytes: usize = m
        .attributes
        .iter()
        .map(|(k, v)| {
            k.len()
                + v.data_type.len()
                + v.string_value.as_ref().map_or(0, String::len)
                + v.binary_value.as_ref().map_or(0, |b| b.len())
        })
        .sum();
    if m.message.len() + attribute_bytes > MAX_MESSAGE_BYTES {
        return Err(SnsError::invalid("Message too long"));
    }
    match m.structure.as_deref() {
        None | Some("") => Ok(Texts { default: m.message.clone(), per_protocol: None }),
        Some("json") => {
            let parsed: serde_json::Map<String, Value> = serde_json::from_str(&m.message)
                .map_err(|_| SnsError::invalid("Message Structure - JSON message body failed to parse"))?;
            let default = parsed
                .get("default")
                .and_then(Value::as_str)
                .ok_or_else(|| SnsError::invalid("Message Structure - No default entry in JSON message body"))?
                .to_owned();
            Ok(Texts { default, per_protocol: Some(parsed) })
        }
        Some(_) => Err(SnsError::invalid("MessageStructure")),
    }
}

fn check_attributes(attributes: &IndexMap<String, MessageAttributeValue>) -> Result<()> {
    if attributes.len() > MAX_ATTRIBUTES {
        return Err(SnsError::invalid_value(format!(
            "Number of message attributes [{}] exceeds the allowed maximum [{MAX_ATTRIBUTES}].",
            attributes.len()
        )));
    }
    for (name, a) in attributes {
        let name_ok = !name.is_empty()
            && name.len() <= 256
            && name.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            && !name.starts_with('.')
            && !name.ends_with('.')
            && !name.contains("..")
            && !name.to_ascii_lowercase().starts_with("aws.")
            && !name.to_ascii_lowercase().starts_with("amazon.");
        if !name_ok {
            return Err(SnsError::invalid_value(format!(
                "The message attribute name '{name}' is invalid. Attribute name can contain A-Z, a-z, 0-9, underscore (_), hyphen (-), and period (.) characters."
            )));
        }
        let kind = a.data_type.split('.').next().unwrap_or_default();
        let array = a.data_type == "String.Array";
        match kind {
            "String" | "Number" => {
                let Some(value) = a.string_value.as_deref().filter(|v| !v.is_empty()) else {
                    return Err(SnsError::invalid_value(format!(
                        "The message attribute '{name}' must contain non-empty message attribute value for message attribute type '{kind}'."
                    )));
                };
                if kind == "Number" && value.trim().parse::<f64>().is_err() {
                    return Err(SnsError::invalid_value(format!("Could not cast message attribute '{name}' value to number.")));
                }
                if array && !serde_json::from_str::<Value>(value).is_ok_and(|v| v.is_array()) {
                    return Err(SnsError::invalid_value(format!(
                        "The message attribute '{name}' with type 'String.Array' has an invalid value, it must be a JSON array."
                    )));
                }
            }
            "Binary" => {
                if a.binary_value.as_ref().is_none_or(|b| b.is_empty()) {
                    return Err(SnsError::invalid_value(format!(
                        "The message attribute '{name}' must contain non-empty message attribute value for message attribute type 'Binary'."
                    )));
                }
            }
            _ => {
                return Err(SnsError::invalid_value(format!(
                    "The message attribute '{name}' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String."
                )))
            }
        }
    }
    Ok(())
}

/// Message attributes as a filter policy sees them.
struct AttributeValues<'a>(&'a IndexMap<String, MessageAttributeValue>);

impl Lookup for AttributeValues<'_> {
    fn lookup(&self, path: &[String]) -> Option<Vec<Scalar>> {
        let a = self.0.get(path.first()?)?;
        let text = a.string_value.as_deref().unwrap_or_default();
        Some(match a.data_type.split('.').next().unwrap_or_default() {
            "Number" => text.trim().parse::<f64>().map(Scalar::Num).into_iter().collect(),
            "String" if a.data_type == "String.Array" => match serde_json::from_str::<Value>(text) {
                Ok(Value::Array(items)) => items
                    .iter()
                    .filter_map(|v| match v {
                        Value::String(s) => Some(Scalar::Str(s.clone())),
                        Value::Number(n) => n.as_f64().map(Scalar::Num),
                        Value::Bool(b) => Some(Scalar::Bool(*b)),
                        Value::Null => Some(Scalar::Null),
                        _ => None,
                    })
                    .collect(),
                _ => vec![Scalar::Str(text.to_owned())],
            },
            "String" => vec![Scalar::Str(text.to_owned())],
            _ => Vec::new(),
        })
    }
}

fn passes_filter(sub: &Subscription, message: &str, attributes: &IndexMap<String, MessageAttributeValue>) -> bool {
    let Some((policy, scope)) = &sub.filter_policy else { return true };
    match scope {
        Scope::MessageAttributes => policy.matches(&AttributeValues(attributes)),
        Scope::MessageBody => match serde_json::from_str::<Value>(message) {
            Ok(body) => policy.matches(&JsonBody(&body)),
            Err(_) => false,
        },
    }
}

fn check_fifo_fields(topic: &Topic, m: &Outgoing) -> Result<()> {
    if topic.is_fifo() {
        if m.group_id.as_deref().is_none_or(str::is_empty) {
            return Err(SnsError::invalid("The MessageGroupId parameter is required for FIFO topics"));
        }
        if m.deduplication_id.is_none() && !topic.content_based_deduplication() {
            return Err(SnsError::invalid(
                "The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly",
            ));
        }
    } else if m.deduplication_id.is_some() {
        return Err(SnsError::invalid(
            "MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type",
        ));
    }
    Ok(())
}

/// The platform of a mobile push endpoint ARN (`...:endpoint/GCM/app/id` -> `GCM`).
fn platform_of(endpoint_arn: &str) -> &str {
    endpoint_arn.split_once(":endpoint/").and_then(|(_, rest)| rest.split('/').next()).unwrap_or_default()
}

/// `+` and 7 to 15 digits.
fn is_e164(number: &str) -> bool {
    number.strip_prefix('+').is_some_and(|d| (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
}

impl Handler {
    pub(crate) fn publish_now(&self, ctx: &rt::RequestContext, input: PublishInput) -> Result<PublishResponse> {
        let targets = [&input.topic_arn, &input.target_arn, &input.phone_number].iter().filter(|t| t.is_some()).count();
        if targets == 0 {
            return Err(SnsError::invalid("TopicArn or TargetArn Reason: no value for required parameter"));
        }
        if targets > 1 {
            return Err(SnsError::invalid(
                "TopicArn Reason: Only one of TopicArn, TargetArn or PhoneNumber may be given",
            ));
        }
        let outgoing = Outgoing {
            message: input.message,
            subject: input.subject,
            structure: input.message_structure,
            attributes: input.message_attributes.unwrap_or_default(),
            group_id: input.message_group_id,
            deduplication_id: input.message_deduplication_id,
        };
        let texts = check_message(&outgoing)?;
        if let Some(number) = input.phone_number {
            if !is_e164(&number) {
                return Err(SnsError::invalid(format!("PhoneNumber Reason: {number} is not valid to publish to")));
            }
            let message_id = rt::request_id();
            self.regions.with(ctx, |state| {
                state.record(OutboxMessage {
                    protocol: "sms".into(),
                    destination: number,
                    message_id: message_id.clone(),
                    subject: None,
                    message: texts.for_protocol("sms"),
                    subscription_arn: None,
                    topic_arn: None,
                })
            });
            return Ok(PublishResponse { message_id: Some(message_id), sequence_number: None });
        }
        let (topic_arn, parameter) = match (input.topic_arn, input.target_arn) {
            (Some(arn), _) => (arn, "TopicArn"),
            (None, Some(arn)) => (arn, "TargetArn"),
            (None, None) => unreachable!("counted above"),
        };
        if Arn::parse(&topic_arn).is_some_and(|a| a.service == "sns" && a.resource.starts_with("endpoint/")) {
            return self.publish_to_endpoint(&topic_arn, outgoing, &texts);
        }
        arn::check_topic_arn(&topic_arn, parameter)?;
        let (message_id, sequence_number) = self.publish_to_topic(ctx, &topic_arn, outgoing, texts)?;
        Ok(PublishResponse { message_id: Some(message_id), sequence_number })
    }

    /// A direct publish to a mobile push endpoint: kept in the outbox.
    fn publish_to_endpoint(&self, endpoint_arn: &str, m: Outgoing, texts: &Texts) -> Result<PublishResponse> {
        self.with_arn_scope(endpoint_arn, |state| {
            let endpoint = state
                .endpoints
                .get(endpoint_arn)
                .ok_or_else(|| SnsError::invalid("TargetArn Reason: No endpoint found for the target arn specified"))?;
            if endpoint.attributes.get("Enabled").is_some_and(|v| v == "false") {
                return Err(SnsError::new(Kind::EndpointDisabled, "Endpoint is disabled"));
            }
            let platform = platform_of(endpoint_arn).to_owned();
            let message_id = rt::request_id();
            state.record(OutboxMessage {
                protocol: "application".into(),
                destination: endpoint_arn.to_owned(),
                message_id: message_id.clone(),
                subject: m.subject,
                message: texts.for_protocol(&platform),
                subscription_arn: None,
                topic_arn: None,
            });
            Ok(PublishResponse { message_id: Some(message_id), sequence_number: None })
        })
    }

    /// Publishes one checked message to a topic; its message id and FIFO sequence number.
    fn publish_to_topic(
        &self,
        ctx: &rt::RequestContext,
        topic_arn: &str,
        m: Outgoing,
        texts: Texts,
    ) -> Result<(String, Option<String>)> {
        let region = Arn::parse(topic_arn).map(|a| a.region).unwrap_or_default();
        let (result, jobs) = self.with_arn_scope(topic_arn, |state| {
            let topic = state.topics.get(topic_arn).ok_or_else(SnsError::topic_not_found)?;
            check_fifo_fields(topic, &m)?;
            Ok(plan(state, ctx, topic_arn, &region, m, texts))
        })?;
        for job in jobs {
            self.dispatcher.send(job);
        }
        Ok(result)
    }

    pub(crate) fn publish_batch_now(
        &self,
        ctx: &rt::RequestContext,
        input: PublishBatchInput,
    ) -> Result<PublishBatchResponse> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        let entries = input.publish_batch_request_entries;
        if entries.is_empty() {
            return Err(SnsError::new(Kind::EmptyBatchRequest, "The batch request doesn't contain any entries"));
        }
        if entries.len() > MAX_BATCH_ENTRIES {
            return Err(SnsError::new(
                Kind::TooManyEntriesInBatchRequest,
                "The batch request contains more entries than permissible.",
            ));
        }
        let mut seen = HashSet::new();
        for entry in &entries {
            let valid_id = (1..=80).contains(&entry.id.len())
                && entry.id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
            if !valid_id {
                return Err(SnsError::new(
                    Kind::InvalidBatchEntryId,
                    "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
                ));
            }
            if !seen.insert(entry.id.as_str()) {
                return Err(SnsError::new(
                    Kind::BatchEntryIdsNotDistinct,
                    "Two or more batch entries in the request have the same Id.",
                ));
            }
        }
        let total: usize = entries.iter().map(|e| e.message.len()).sum();
        if total > MAX_MESSAGE_BYTES {
            return Err(SnsError::new(
                Kind::BatchRequestTooLong,
                "The length of all the messages put together is more than the limit.",
            ));
        }
        let outgoing: Vec<(String, Outgoing)> = entries
            .into_iter()
            .map(|e| {
                let m = Outgoing {
                    message: e.message,
                    subject: e.subject,
                    structure: e.message_structure,
                    attributes: e.message_attributes.unwrap_or_default(),
                    group_id: e.message_group_id,
                    deduplication_id: e.message_deduplication_id,
                };
                (e.id, m)
            })
            .collect();
        // The topic, and FIFO rules, apply to the request as a whole.
        self.with_arn_scope(&input.topic_arn, |state| {
            let topic = state.topics.get(&input.topic_arn).ok_or_else(SnsError::topic_not_found)?;
            outgoing.iter().try_for_each(|(_, m)| check_fifo_fields(topic, m))
        })?;
        let mut successful = Vec::new();
        let mut failed = Vec::new();
        for (id, m) in outgoing {
            let published = check_message(&m).and_then(|texts| self.publish_to_topic(ctx, &input.topic_arn, m, texts));
            match published {
                Ok((message_id, sequence_number)) => successful.push(PublishBatchResultEntry {
                    id: Some(id),
                    message_id: Some(message_id),
                    sequence_number,
                }),
                Err(e) => failed.push(e.batch_entry(&id)),
            }
        }
        Ok(PublishBatchResponse { successful: Some(successful), failed: Some(failed) })
    }
}

/// Under the topic's lock: numbers and deduplicates a FIFO message, picks the subscribers,
/// records outbox deliveries and returns the jobs for the rest.
fn plan(
    state: &mut RegionState,
    ctx: &rt::RequestContext,
    topic_arn: &str,
    region: &str,
    m: Outgoing,
    texts: Texts,
) -> ((String, Option<String>), Vec<Job>) {
    let topic = state.topics.get_mut(topic_arn).expect("checked by the caller");
    let fifo = topic.is_fifo();
    let signature_version = topic.attributes.get("SignatureVersion").cloned().unwrap_or_else(|| "1".into());
    let mut deduplication_id = m.deduplication_id.clone();
    let mut sequence_number = None;
    if fifo {
        let id = deduplication_id.get_or_insert_with(|| format!("{:x}", Md5::digest(m.message.as_bytes()))).clone();
        let now = Instant::now();
        state.deduplication.retain(|_, (at, _, _)| now.duration_since(*at) < DEDUPLICATION_WINDOW);
        if let Some((_, message_id, sequence)) = state.deduplication.get(&(topic_arn.to_owned(), id.clone())) {
            // A duplicate within five minutes: accepted, answered alike, not delivered again.
            return ((message_id.clone(), Some(sequence.clone())), Vec::new());
        }
        let topic = state.topics.get_mut(topic_arn).expect("checked by the caller");
        topic.sequence += 1;
        let sequence = format!("{:020}", topic.sequence);
        sequence_number = Some(sequence.clone());
        let message_id = rt::request_id();
        state.deduplication.insert((topic_arn.to_owned(), id), (now, message_id.clone(), sequence));
        return deliveries(
            state,
            ctx,
            topic_arn,
            region,
            m,
            texts,
            message_id,
            sequence_number,
            deduplication_id,
            signature_version,
        );
    }
    let message_id = rt::request_id();
    deliveries(
        state,
        ctx,
        topic_arn,
        region,
        m,
        texts,
        message_id,
        sequence_number,
        deduplication_id,
        signature_version,
    )
}

#[allow(clippy::too_many_arguments)]
fn deliveries(
    state: &mut RegionState,
    ctx: &rt::RequestContext,
    topic_arn: &str,
    region: &str,
    m: Outgoing,
    texts: Texts,
    message_id: String,
    sequence_number: Option<String>,
    deduplication_id: Option<String>,
    signature_version: String,
) -> ((String, Option<String>), Vec<Job>) {
    let notification = Arc::new(Notification {
        topic_arn: topic_arn.to_owned(),
        region: region.to_owned(),
        message_id: message_id.clone(),
        subject: m.subject.clone(),
        timestamp: envelope::timestamp(rt::DateTime::now()),
        attributes: m.attributes.clone(),
        sequence_number: sequence_number.clone(),
        group_id: m.group_id.clone(),
        deduplication_id,
        signature_version,
    });
    let topic = state.topics.get(topic_arn).expect("checked by the caller");
    let mut jobs = Vec::new();
    let mut outbox = Vec::new();
    for sub in state.subscriptions.values().filter(|s| s.topic_arn == topic_arn && !s.pending) {
        // Mobile push endpoints take the entry of their platform (`GCM`, `APNS`, ...).
        let key = match sub.protocol.as_str() {
            "application" => platform_of(&sub.endpoint),
            protocol => protocol,
        };
        let message = texts.for_protocol(key);
        if !passes_filter(sub, &message, &m.attributes) {
            continue;
        }
        match sub.protocol.as_str() {
            "email" | "email-json" | "sms" | "application" => {
                let endpoint_disabled = sub.protocol == "application"
                    && state
                        .endpoints
                        .get(&sub.endpoint)
                        .is_none_or(|e| e.attributes.get("Enabled").is_some_and(|v| v == "false"));
                if endpoint_disabled {
                    continue;
                }
                let body = if sub.protocol == "email-json" {
                    envelope::notification(&notification, &message, &sub.arn, &ctx.endpoint)
                } else {
                    message
                };
                outbox.push(OutboxMessage {
                    protocol: sub.protocol.clone(),
                    destination: sub.endpoint.clone(),
                    message_id: message_id.clone(),
                    subject: m.subject.clone(),
                    message: body,
                    subscription_arn: Some(sub.arn.clone()),
                    topic_arn: Some(topic_arn.to_owned()),
                });
            }
            _ => jobs.push(Job::Deliver {
                notification: notification.clone(),
                target: Target {
                    subscription_arn: sub.arn.clone(),
                    protocol: sub.protocol.clone(),
                    endpoint: sub.endpoint.clone(),
                    raw: sub.raw(),
                    message,
                    dead_letter_arn: sub.dead_letter_target(),
                    http_retries: sub.http_retries(topic),
                },
                endpoint: ctx.endpoint.clone(),
            }),
        }
    }
    for message in outbox {
        state.record(message);
    }
    ((message_id, sequence_number), jobs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outgoing(message: &str) -> Outgoing {
        Outgoing {
            message: message.into(),
            subject: None,
            structure: None,
            attributes: IndexMap::new(),
            group_id: None,
            deduplication_id: None,
        }
    }

    fn attribute(data_type: &str, value: &str) -> MessageAttributeValue {
        MessageAttributeValue { data_type: data_type.into(), string_value: Some(value.into()), binary_value: None }
    }

    #[test]
    fn message_rules() {
        assert_eq!(check_message(&outgoing("")).err().unwrap().message, "Invalid parameter: Empty message");
        let big = "x".repeat(MAX_MESSAGE_BYTES + 1);
        assert_eq!(check_message(&outgoing(&big)).err().unwrap().message, "Invalid parameter: Message too long");
        assert!(check_message(&outgoing(&"x".repeat(MAX_MESSAGE_BYTES))).is_ok());
        let mut m = outgoing("{\"sqs\":\"q\"}");
        m.structure = Some("json".into());
        assert_eq!(
            check_message(&m).err().unwrap().message,
            "Invalid parameter: Message Structure - No default entry in JSON message body"
        );
        let mut m = outgoing("{\"default\":\"d\",\"sqs\":\"q\"}");
        m.structure = Some("json".into());
        let texts = check_message(&m).unwrap();
        assert_eq!((texts.for_protocol("sqs"), texts.for_protocol("http")), ("q".into(), "d".into()));
    }

    #[test]
    fn platform_of_endpoint() {
        assert_eq!(platform_of("arn:aws:sns:us-east-1:000000000000:endpoint/GCM/app/1"), "GCM");
        assert_eq!(platform_of("arn:aws:sns:us-east-1:000000000000:t"), "");
    }

    #[test]
    fn attribute_rules() {
        let mut m = outgoing("x");
        m.attributes.insert("n".into(), attribute("Number", "abc"));
        assert_eq!(check_message(&m).err().unwrap().message, "Could not cast message attribute 'n' value to number.");
        let mut m = outgoing("x");
        m.attributes.insert("t".into(), attribute("Float", "1"));
        assert_eq!(check_message(&m).err().unwrap().kind, Kind::InvalidParameterValue);
        let mut m = outgoing("x");
        m.attributes.insert("list".into(), attribute("String.Array", "[\"a\", 1]"));
        let values = AttributeValues(&m.attributes).lookup(&["list".into()]).unwrap();
        assert_eq!(values, vec![Scalar::Str("a".into()), Scalar::Num(1.0)]);
    }
}
