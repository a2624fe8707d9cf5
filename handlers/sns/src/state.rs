//! What SNS keeps per account and region.

use std::collections::{HashMap, VecDeque};
use std::time::Instant;

use ferrostack_runtime as rt;
use rt::IndexMap;

use crate::filter_policy::{FilterPolicy, Scope};

#[derive(Default)]
pub struct RegionState {
    /// By topic ARN, in creation order (ListTopics pages through them in that order).
    pub topics: IndexMap<String, Topic>,
    /// By subscription ARN, pending ones included.
    pub subscriptions: IndexMap<String, Subscription>,
    /// Confirmation token -> subscription ARN, for ConfirmSubscription.
    pub tokens: HashMap<String, String>,
    /// HTTP/S subscriptions removed by Unsubscribe, by the token of their
    /// UnsubscribeConfirmation: ConfirmSubscription with it restores them.
    pub restorable: HashMap<String, Subscription>,
    pub platform_applications: IndexMap<String, PlatformApplication>,
    pub endpoints: IndexMap<String, PlatformEndpoint>,
    pub sms_attributes: IndexMap<String, String>,
    pub sandbox_numbers: IndexMap<String, SandboxNumber>,
    /// Deliveries that leave no trace anywhere else (email, SMS, mobile push), kept so
    /// they can be inspected: the latest [`OUTBOX_LIMIT`], so a long-running emulator
    /// does not grow without bound.
    pub outbox: VecDeque<OutboxMessage>,
    /// FIFO deduplication: (topic ARN, deduplication id) -> when, message id, sequence.
    pub deduplication: HashMap<(String, String), (Instant, String, String)>,
}

pub const OUTBOX_LIMIT: usize = 10_000;

impl RegionState {
    pub fn record(&mut self, message: OutboxMessage) {
        if self.outbox.len() == OUTBOX_LIMIT {
            self.outbox.pop_front();
        }
        self.outbox.push_back(message);
    }
}

pub struct Topic {
    pub arn: String,
    /// The attributes callers set (DisplayName, DeliveryPolicy, FifoTopic, ...).
    pub attributes: IndexMap<String, String>,
    /// The access policy: the default one until SetTopicAttributes/AddPermission change it.
    pub policy: serde_json::Value,
    pub tags: IndexMap<String, String>,
    pub data_protection_policy: Option<String>,
    pub subscriptions_deleted: u64,
    /// The last sequence number a FIFO publish got.
    pub sequence: u128,
}

impl Topic {
    pub fn is_fifo(&self) -> bool {
        self.attributes.get("FifoTopic").is_some_and(|v| v == "true")
    }

    pub fn content_based_deduplication(&self) -> bool {
        self.attributes.get("ContentBasedDeduplication").is_some_and(|v| v == "true")
    }
}

pub struct Subscription {
    pub arn: String,
    pub topic_arn: String,
    pub owner: String,
    pub protocol: String,
    pub endpoint: String,
    /// The attributes callers set (RawMessageDelivery, FilterPolicy, RedrivePolicy, ...).
    pub attributes: IndexMap<String, String>,
    pub filter_policy: Option<(FilterPolicy, Scope)>,
    pub pending: bool,
    pub confirmation_was_authenticated: bool,
}

impl Subscription {
    pub fn raw(&self) -> bool {
        self.attributes.get("RawMessageDelivery").is_some_and(|v| v.eq_ignore_ascii_case("true"))
    }

    /// The SQS queue ARN failed deliveries go to.
    pub fn dead_letter_target(&self) -> Option<String> {
        let policy: serde_json::Value = serde_json::from_str(self.attributes.get("RedrivePolicy")?).ok()?;
        policy.get("deadLetterTargetArn")?.as_str().map(str::to_owned)
    }

    /// How often a failed HTTP delivery is retried: the subscription's or topic's delivery
    /// policy `healthyRetryPolicy.numRetries`, else AWS's default of 3.
    pub fn http_retries(&self, topic: &Topic) -> u32 {
        let from = |text: Option<&String>, path: &[&str]| -> Option<u32> {
            let mut v: serde_json::Value = serde_json::from_str(text?).ok()?;
            for key in path {
                v = v.get(key)?.clone();
            }
            v.get("numRetries")?.as_u64().map(|n| n.min(100) as u32)
        };
        from(self.attributes.get("DeliveryPolicy"), &["healthyRetryPolicy"])
            .or_else(|| from(topic.attributes.get("DeliveryPolicy"), &["http", "defaultHealthyRetryPolicy"]))
            .unwrap_or(3)
    }
}

pub struct PlatformApplication {
    pub arn: String,
    pub attributes: IndexMap<String, String>,
}

pub struct PlatformEndpoint {
    pub arn: String,
    pub application_arn: String,
    pub attributes: IndexMap<String, String>,
}

pub struct SandboxNumber {
    pub verified: bool,
    pub one_time_password: String,
}

/// One message sent where nothing else can show it.
#[derive(Debug, Clone)]
pub struct OutboxMessage {
    /// `email`, `email-json`, `sms`, `application`.
    pub protocol: String,
    /// Address, phone number or endpoint ARN.
    pub destination: String,
    pub message_id: String,
    pub subject: Option<String>,
    pub message: String,
    pub subscription_arn: Option<String>,
    pub topic_arn: Option<String>,
}
