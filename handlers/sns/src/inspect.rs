//! What SNS sent where nothing else can show it, in the shape of LocalStack's developer
//! endpoints, so tools written for those work unchanged:
//!
//! - `GET /_aws/sns/sms-messages?accountId=&region=` → `{"sms_messages": {phone: [...]}}`
//! - `GET /_aws/sns/platform-endpoint-messages?accountId=&region=` →
//!   `{"platform_endpoint_messages": {endpoint ARN: [...]}}`
//! - `GET /_aws/sns/email-messages?accountId=&region=` → `{"email_messages": {address: [...]}}`
//! - `GET /_aws/sns/subscription-tokens/<subscription ARN>` → the confirmation token, so
//!   HTTP and email subscriptions can be confirmed by a test.
//!
//! The gateway routes `/_aws/sns/` here through [`crate::Handler::developer_endpoint`].

use serde_json::{json, Map, Value};

use ferrostack_store::lock;

use crate::state::OutboxMessage;
use crate::Handler;

const DEFAULT_ACCOUNT: &str = "000000000000";
const DEFAULT_REGION: &str = "us-east-1";

fn query_param<'a>(query: &'a str, name: &str) -> Option<&'a str> {
    query.split('&').filter_map(|pair| pair.split_once('=')).find(|(k, _)| *k == name).map(|(_, v)| v)
}

fn message_json(m: &OutboxMessage, destination_key: &str) -> Value {
    json!({
        destination_key: m.destination,
        "TopicArn": m.topic_arn,
        "SubscriptionArn": m.subscription_arn,
        "MessageId": m.message_id,
        "Message": m.message,
        "Subject": m.subject,
    })
}

impl Handler {
    /// Answers a `/_aws/sns/...` GET: `Some((status, JSON body))`, or `None` when `path` is
    /// not one of these endpoints.
    pub fn developer_endpoint(&self, path: &str, query: &str) -> Option<(u16, String)> {
        let rest = path.strip_prefix("/_aws/sns/")?;
        let account = query_param(query, "accountId").unwrap_or(DEFAULT_ACCOUNT);
        let region = query_param(query, "region").unwrap_or(DEFAULT_REGION);
        if let Some(arn) = rest.strip_prefix("subscription-tokens/") {
            let arn = percent_decode(arn);
            let parsed = crate::arn::Arn::parse(&arn)?;
            let scope = self.regions.scope_of(&parsed.account, &parsed.region);
            let token = lock(&scope).tokens.iter().find(|(_, sub)| **sub == arn).map(|(token, _)| token.clone());
            return Some(match token {
                Some(token) => (200, json!({"subscription_arn": arn, "subscription_token": token}).to_string()),
                None => (
                    404,
                    json!({"error": "subscription not found or has no token", "subscription_arn": arn}).to_string(),
                ),
            });
        }
        let (key, protocols, destination_key): (&str, &[&str], &str) = match rest.trim_end_matches('/') {
            "sms-messages" => ("sms_messages", &["sms"], "PhoneNumber"),
            "platform-endpoint-messages" => ("platform_endpoint_messages", &["application"], "TargetArn"),
            "email-messages" => ("email_messages", &["email", "email-json"], "Email"),
            _ => return Some((404, json!({"error": "not found"}).to_string())),
        };
        let mut grouped: Map<String, Value> = Map::new();
        for m in self.outbox(account, region).iter().filter(|m| protocols.contains(&m.protocol.as_str())) {
            let list = grouped.entry(m.destination.clone()).or_insert_with(|| json!([]));
            list.as_array_mut().expect("array").push(message_json(m, destination_key));
        }
        Some((200, json!({"region": region, key: grouped}).to_string()))
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::OutboxMessage;
    use ferrostack_runtime as rt;

    #[test]
    fn groups_sms_by_number_and_finds_tokens() {
        let handler = Handler::new(ferrostack_store::Peers::new());
        let ctx = rt::RequestContext::internal(DEFAULT_ACCOUNT, DEFAULT_REGION);
        handler.regions.with(&ctx, |state| {
            state.record(OutboxMessage {
                protocol: "sms".into(),
                destination: "+15555550100".into(),
                message_id: "m".into(),
                subject: None,
                message: "hi".into(),
                subscription_arn: None,
                topic_arn: None,
            });
            state.tokens.insert("tok".into(), "arn:aws:sns:us-east-1:000000000000:t:s".into());
        });
        let (status, body) = handler.developer_endpoint("/_aws/sns/sms-messages", "").unwrap();
        let body: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(status, 200);
        assert_eq!(body["sms_messages"]["+15555550100"][0]["Message"], "hi");
        let (status, body) = handler
            .developer_endpoint("/_aws/sns/subscription-tokens/arn%3Aaws%3Asns%3Aus-east-1%3A000000000000%3At%3As", "")
            .unwrap();
        assert_eq!(
            (status, serde_json::from_str::<Value>(&body).unwrap()["subscription_token"].as_str()),
            (200, Some("tok"))
        );
        assert!(handler.developer_endpoint("/elsewhere", "").is_none());
    }
}
