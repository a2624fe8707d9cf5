//! The JSON documents SNS delivers: the notification envelope (SQS, HTTP/S, email-json),
//! the subscription confirmation, and the Lambda `Records[].Sns` event. Field order and
//! names follow AWS exactly, since consumers parse them.

use std::fmt::Write;

use base64::Engine;
use ferrostack_runtime as rt;
use md5::{Digest, Md5};
use rt::IndexMap;
use serde_json::{json, Map, Value};
use sns_api::types::MessageAttributeValue;

/// One published message, as every subscription of the topic sees it.
#[derive(Debug, Clone)]
pub struct Notification {
    pub topic_arn: String,
    pub region: String,
    pub message_id: String,
    pub subject: Option<String>,
    pub timestamp: String,
    pub attributes: IndexMap<String, MessageAttributeValue>,
    /// FIFO topics only.
    pub sequence_number: Option<String>,
    pub group_id: Option<String>,
    pub deduplication_id: Option<String>,
    pub signature_version: String,
}

/// `2024-01-31T12:34:56.789Z`: always milliseconds, as SNS writes its timestamps.
pub fn timestamp(now: rt::DateTime) -> String {
    let days = now.secs().div_euclid(86_400);
    let rem = now.secs().rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let mut out = String::with_capacity(24);
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60,
        now.subsec_nanos() / 1_000_000
    );
    out
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// A signature-shaped value (base64 of 256 bytes, as an RSA-2048 signature is). Nothing
/// here holds AWS's signing key, so it cannot verify; it is derived from the content so
/// equal documents carry equal signatures.
fn signature(content: &str) -> String {
    let mut bytes = Vec::with_capacity(256);
    let mut digest = Md5::digest(content.as_bytes()).to_vec();
    while bytes.len() < 256 {
        bytes.extend_from_slice(&digest);
        digest = Md5::digest(&digest).to_vec();
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn signing_cert_url(region: &str) -> String {
    format!("https://sns.{region}.amazonaws.com/SimpleNotificationService-9c6465fa7f48f5cacd23014631ec1136.pem")
}

pub fn unsubscribe_url(endpoint: &rt::Endpoint, subscription_arn: &str) -> String {
    format!("{}/?Action=Unsubscribe&SubscriptionArn={}", endpoint.url(), subscription_arn)
}

/// Message attributes as envelopes carry them: `{"Type": ..., "Value": ...}`, binary
/// values base64-encoded.
fn attributes_json(attributes: &IndexMap<String, MessageAttributeValue>) -> Map<String, Value> {
    attributes
        .iter()
        .map(|(name, a)| {
            let value = match (&a.string_value, &a.binary_value) {
                (Some(s), _) => s.clone(),
                (None, Some(b)) => base64::engine::general_purpose::STANDARD.encode(b),
                (None, None) => String::new(),
            };
            (name.clone(), json!({"Type": a.data_type, "Value": value}))
        })
        .collect()
}

/// The `Notification` document for SQS, HTTP/S and email-json subscribers.
pub fn notification(n: &Notification, message: &str, subscription_arn: &str, endpoint: &rt::Endpoint) -> String {
    let mut doc = Map::new();
    doc.insert("Type".into(), "Notification".into());
    doc.insert("MessageId".into(), n.message_id.clone().into());
    if let Some(seq) = &n.sequence_number {
        doc.insert("SequenceNumber".into(), seq.clone().into());
    }
    doc.insert("TopicArn".into(), n.topic_arn.clone().into());
    if let Some(subject) = &n.subject {
        doc.insert("Subject".into(), subject.clone().into());
    }
    doc.insert("Message".into(), message.into());
    doc.insert("Timestamp".into(), n.timestamp.clone().into());
    // FIFO topics deliver unsigned notifications.
    if n.sequence_number.is_none() {
        doc.insert("SignatureVersion".into(), n.signature_version.clone().into());
        let to_sign = format!("{}{}{}{}", n.message_id, message, n.timestamp, n.topic_arn);
        doc.insert("Signature".into(), signature(&to_sign).into());
        doc.insert("SigningCertURL".into(), signing_cert_url(&n.region).into());
    }
    doc.insert("UnsubscribeURL".into(), unsubscribe_url(endpoint, subscription_arn).into());
    if !n.attributes.is_empty() {
        doc.insert("MessageAttributes".into(), Value::Object(attributes_json(&n.attributes)));
    }
    Value::Object(doc).to_string()
}

/// The two handshake documents an HTTP/S subscriber gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Handshake {
    /// On Subscribe: visiting SubscribeURL (or ConfirmSubscription) confirms.
    SubscriptionConfirmation,
    /// On Unsubscribe: visiting SubscribeURL restores the subscription.
    UnsubscribeConfirmation,
}

impl Handshake {
    pub fn as_str(self) -> &'static str {
        match self {
            Handshake::SubscriptionConfirmation => "SubscriptionConfirmation",
            Handshake::UnsubscribeConfirmation => "UnsubscribeConfirmation",
        }
    }
}

pub struct HandshakeMessage<'a> {
    pub kind: Handshake,
    pub topic_arn: &'a str,
    pub subscription_arn: &'a str,
    pub region: &'a str,
    pub message_id: &'a str,
    pub token: &'a str,
    pub timestamp: &'a str,
}

/// The handshake document POSTed to an HTTP/S subscriber.
pub fn handshake(h: &HandshakeMessage<'_>, endpoint: &rt::Endpoint) -> String {
    let message = match h.kind {
        Handshake::SubscriptionConfirmation => format!(
            "You have chosen to subscribe to the topic {}.\nTo confirm the subscription, visit the SubscribeURL included in this message.",
            h.topic_arn
        ),
        Handshake::UnsubscribeConfirmation => format!(
            "You have chosen to deactivate subscription {}.\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message.",
            h.subscription_arn
        ),
    };
    let subscribe_url =
        format!("{}/?Action=ConfirmSubscription&TopicArn={}&Token={}", endpoint.url(), h.topic_arn, h.token);
    json!({
        "Type": h.kind.as_str(),
        "MessageId": h.message_id,
        "Token": h.token,
        "TopicArn": h.topic_arn,
        "Message": message,
        "SubscribeURL": subscribe_url,
        "Timestamp": h.timestamp,
        "SignatureVersion": "1",
        "Signature": signature(&format!("{}{}{}", h.message_id, h.token, h.timestamp)),
        "SigningCertURL": signing_cert_url(h.region),
    })
    .to_string()
}

/// The event a Lambda subscriber is invoked with.
pub fn lambda_event(n: &Notification, message: &str, subscription_arn: &str, endpoint: &rt::Endpoint) -> String {
    let to_sign = format!("{}{}{}{}", n.message_id, message, n.timestamp, n.topic_arn);
    json!({
        "Records": [{
            "EventSource": "aws:sns",
            "EventVersion": "1.0",
            "EventSubscriptionArn": subscription_arn,
            "Sns": {
                "Type": "Notification",
                "MessageId": n.message_id,
                "TopicArn": n.topic_arn,
                "Subject": n.subject,
                "Message": message,
                "Timestamp": n.timestamp,
                "SignatureVersion": n.signature_version,
                "Signature": signature(&to_sign),
                "SigningCertUrl": signing_cert_url(&n.region),
                "UnsubscribeUrl": unsubscribe_url(endpoint, subscription_arn),
                "MessageAttributes": attributes_json(&n.attributes),
            }
        }]
    })
    .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Notification {
        let mut attributes = IndexMap::new();
        attributes.insert(
            "color".to_owned(),
            MessageAttributeValue { data_type: "String".into(), string_value: Some("red".into()), binary_value: None },
        );
        Notification {
            topic_arn: "arn:aws:sns:us-east-1:000000000000:t".into(),
            region: "us-east-1".into(),
            message_id: "m-1".into(),
            subject: None,
            timestamp: "2024-01-01T00:00:00.000Z".into(),
            attributes,
            sequence_number: None,
            group_id: None,
            deduplication_id: None,
            signature_version: "1".into(),
        }
    }

    #[test]
    fn timestamps_always_carry_milliseconds() {
        assert_eq!(timestamp(rt::DateTime::from_millis(0)), "1970-01-01T00:00:00.000Z");
        assert_eq!(timestamp(rt::DateTime::from_millis(1_706_704_496_789)), "2024-01-31T12:34:56.789Z");
    }

    #[test]
    fn notification_fields_in_aws_order() {
        let doc = notification(&sample(), "hi", "arn:aws:sns:us-east-1:000000000000:t:s", &rt::Endpoint::default());
        let v: Value = serde_json::from_str(&doc).unwrap();
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "Type",
                "MessageId",
                "TopicArn",
                "Message",
                "Timestamp",
                "SignatureVersion",
                "Signature",
                "SigningCertURL",
                "UnsubscribeURL",
                "MessageAttributes"
            ]
        );
        assert_eq!(v["MessageAttributes"]["color"], json!({"Type": "String", "Value": "red"}));
    }

    #[test]
    fn lambda_event_has_null_subject() {
        let v: Value = serde_json::from_str(&lambda_event(&sample(), "hi", "s", &rt::Endpoint::default())).unwrap();
        assert_eq!(v["Records"][0]["Sns"]["Subject"], Value::Null);
        assert_eq!(v["Records"][0]["EventSource"], "aws:sns");
    }
}
