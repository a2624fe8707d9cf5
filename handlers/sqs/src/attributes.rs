//! Queue attributes: the names SQS knows, the configurable ones with their ranges and
//! defaults, and how they read back as strings.
//!
//! Configurable values are held typed in [`QueueSettings`]; the derived ones (ARN,
//! timestamps, message counts) are computed by the queue when asked for.

use crate::error::SqsError;
use crate::redrive::{RedriveAllowPolicy, RedrivePolicy};

pub const ALL: &str = "All";
pub const QUEUE_ARN: &str = "QueueArn";
pub const APPROXIMATE_NUMBER_OF_MESSAGES: &str = "ApproximateNumberOfMessages";
pub const APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE: &str = "ApproximateNumberOfMessagesNotVisible";
pub const APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED: &str = "ApproximateNumberOfMessagesDelayed";
pub const CREATED_TIMESTAMP: &str = "CreatedTimestamp";
pub const LAST_MODIFIED_TIMESTAMP: &str = "LastModifiedTimestamp";
pub const VISIBILITY_TIMEOUT: &str = "VisibilityTimeout";
pub const MAXIMUM_MESSAGE_SIZE: &str = "MaximumMessageSize";
pub const MESSAGE_RETENTION_PERIOD: &str = "MessageRetentionPeriod";
pub const DELAY_SECONDS: &str = "DelaySeconds";
pub const RECEIVE_MESSAGE_WAIT_TIME_SECONDS: &str = "ReceiveMessageWaitTimeSeconds";
pub const POLICY: &str = "Policy";
pub const REDRIVE_POLICY: &str = "RedrivePolicy";
pub const REDRIVE_ALLOW_POLICY: &str = "RedriveAllowPolicy";
pub const KMS_MASTER_KEY_ID: &str = "KmsMasterKeyId";
pub const KMS_DATA_KEY_REUSE_PERIOD_SECONDS: &str = "KmsDataKeyReusePeriodSeconds";
pub const SQS_MANAGED_SSE_ENABLED: &str = "SqsManagedSseEnabled";
pub const FIFO_QUEUE: &str = "FifoQueue";
pub const CONTENT_BASED_DEDUPLICATION: &str = "ContentBasedDeduplication";
pub const DEDUPLICATION_SCOPE: &str = "DeduplicationScope";
pub const FIFO_THROUGHPUT_LIMIT: &str = "FifoThroughputLimit";

/// Every attribute `All` expands to, in the order responses list them. Attributes that
/// do not apply to a queue (FIFO settings on a standard queue, an unset policy) are
/// skipped when rendering.
pub const ALL_IN_ORDER: &[&str] = &[
    QUEUE_ARN,
    APPROXIMATE_NUMBER_OF_MESSAGES,
    APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE,
    APPROXIMATE_NUMBER_OF_MESSAGES_DELAYED,
    CREATED_TIMESTAMP,
    LAST_MODIFIED_TIMESTAMP,
    VISIBILITY_TIMEOUT,
    MAXIMUM_MESSAGE_SIZE,
    MESSAGE_RETENTION_PERIOD,
    DELAY_SECONDS,
    RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
    POLICY,
    REDRIVE_POLICY,
    REDRIVE_ALLOW_POLICY,
    KMS_MASTER_KEY_ID,
    KMS_DATA_KEY_REUSE_PERIOD_SECONDS,
    SQS_MANAGED_SSE_ENABLED,
    FIFO_QUEUE,
    CONTENT_BASED_DEDUPLICATION,
    DEDUPLICATION_SCOPE,
    FIFO_THROUGHPUT_LIMIT,
];

pub const DEFAULT_VISIBILITY_TIMEOUT: u32 = 30;
pub const DEFAULT_MESSAGE_RETENTION_PERIOD: u32 = 345_600;
pub const DEFAULT_MAXIMUM_MESSAGE_SIZE: u32 = 262_144;
pub const DEFAULT_DELAY_SECONDS: u32 = 0;
pub const DEFAULT_RECEIVE_MESSAGE_WAIT_TIME_SECONDS: u32 = 0;
pub const DEFAULT_KMS_DATA_KEY_REUSE_PERIOD_SECONDS: u32 = 300;

pub const MAX_VISIBILITY_TIMEOUT: u32 = 43_200;
pub const MAX_DELAY_SECONDS: u32 = 900;
pub const MAX_WAIT_TIME_SECONDS: u32 = 20;
/// AWS raised the message size ceiling to 1 MiB; queues may be configured up to it.
pub const MAX_MAXIMUM_MESSAGE_SIZE: u32 = 1_048_576;

/// Whether `name` is an attribute GetQueueAttributes can return.
pub fn is_known(name: &str) -> bool {
    ALL_IN_ORDER.contains(&name)
}

/// The settings only FIFO queues have.
#[derive(Debug, Clone, PartialEq)]
pub struct FifoSettings {
    pub content_based_deduplication: bool,
    /// `queue` or `messageGroup`.
    pub deduplication_scope: String,
    /// `perQueue` or `perMessageGroupId`.
    pub throughput_limit: String,
}

impl Default for FifoSettings {
    fn default() -> Self {
        FifoSettings {
            content_based_deduplication: false,
            deduplication_scope: "queue".to_owned(),
            throughput_limit: "perQueue".to_owned(),
        }
    }
}

/// A queue's configurable attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSettings {
    pub visibility_timeout: u32,
    pub maximum_message_size: u32,
    pub message_retention_period: u32,
    pub delay_seconds: u32,
    pub receive_message_wait_time_seconds: u32,
    /// JSON documents, kept as the caller wrote them.
    pub policy: Option<String>,
    pub redrive_policy: Option<RedrivePolicy>,
    pub redrive_allow_policy: Option<RedriveAllowPolicy>,
    pub kms_master_key_id: Option<String>,
    pub kms_data_key_reuse_period_seconds: Option<u32>,
    /// New queues get SSE-SQS unless a KMS key is chosen.
    pub sqs_managed_sse_enabled: bool,
    /// `Some` exactly for FIFO queues: the type is fixed at creation.
    pub fifo: Option<FifoSettings>,
}

impl QueueSettings {
    pub fn defaults(fifo: bool) -> QueueSettings {
        QueueSettings {
            visibility_timeout: DEFAULT_VISIBILITY_TIMEOUT,
            maximum_message_size: DEFAULT_MAXIMUM_MESSAGE_SIZE,
            message_retention_period: DEFAULT_MESSAGE_RETENTION_PERIOD,
            delay_seconds: DEFAULT_DELAY_SECONDS,
            receive_message_wait_time_seconds: DEFAULT_RECEIVE_MESSAGE_WAIT_TIME_SECONDS,
            policy: None,
            redrive_policy: None,
            redrive_allow_policy: None,
            kms_master_key_id: None,
            kms_data_key_reuse_period_seconds: None,
            sqs_managed_sse_enabled: true,
            fifo: fifo.then(FifoSettings::default),
        }
    }

    pub fn is_fifo(&self) -> bool {
        self.fifo.is_some()
    }

    /// Sets attribute `name` from its string form, validating it as CreateQueue and
    /// SetQueueAttributes do. Read-only and unknown names are `InvalidAttributeName`.
    pub fn apply(&mut self, name: &str, value: &str) -> Result<(), SqsError> {
        match name {
            VISIBILITY_TIMEOUT => self.visibility_timeout = bounded(name, value, 0, MAX_VISIBILITY_TIMEOUT)?,
            MAXIMUM_MESSAGE_SIZE => self.maximum_message_size = bounded(name, value, 1_024, MAX_MAXIMUM_MESSAGE_SIZE)?,
            MESSAGE_RETENTION_PERIOD => self.message_retention_period = bounded(name, value, 60, 1_209_600)?,
            DELAY_SECONDS => self.delay_seconds = bounded(name, value, 0, MAX_DELAY_SECONDS)?,
            RECEIVE_MESSAGE_WAIT_TIME_SECONDS => {
                self.receive_message_wait_time_seconds = bounded(name, value, 0, MAX_WAIT_TIME_SECONDS)?
            }
            POLICY => self.policy = policy_document(name, value)?,
            // An empty document removes the attribute. Whether the dead-letter queue exists
            // is checked by the caller, which sees the other queues.
            REDRIVE_POLICY => self.redrive_policy = non_empty(value).map(|v| RedrivePolicy::parse(&v)).transpose()?,
            REDRIVE_ALLOW_POLICY => {
                self.redrive_allow_policy = non_empty(value).map(|v| RedriveAllowPolicy::parse(&v)).transpose()?
            }
            KMS_MASTER_KEY_ID => {
                self.kms_master_key_id = non_empty(value);
                // The two kinds of server-side encryption exclude each other.
                if self.kms_master_key_id.is_some() {
                    self.sqs_managed_sse_enabled = false;
                }
            }
            KMS_DATA_KEY_REUSE_PERIOD_SECONDS => {
                self.kms_data_key_reuse_period_seconds = Some(bounded(name, value, 60, 86_400)?)
            }
            SQS_MANAGED_SSE_ENABLED => {
                self.sqs_managed_sse_enabled = boolean(name, value)?;
                if self.sqs_managed_sse_enabled {
                    self.kms_master_key_id = None;
                }
            }
            FIFO_QUEUE => {
                // Standard queues reject the attribute outright, even as `false`.
                if !self.is_fifo() {
                    return Err(unknown(name));
                }
                if !boolean(name, value)? {
                    return Err(SqsError::InvalidAttributeValue(format!(
                        "Invalid value for the parameter {name}. Reason: Modifying queue type is not supported."
                    )));
                }
            }
            CONTENT_BASED_DEDUPLICATION => {
                let fifo = self.fifo.as_mut().ok_or_else(|| unknown(name))?;
                fifo.content_based_deduplication = boolean(name, value)?;
            }
            DEDUPLICATION_SCOPE | FIFO_THROUGHPUT_LIMIT => {
                let Some(fifo) = self.fifo.as_mut() else {
                    return Err(SqsError::InvalidAttributeName(format!(
                        "You can specify the {name} only when FifoQueue is set to true."
                    )));
                };
                let (field, allowed) = if name == DEDUPLICATION_SCOPE {
                    (&mut fifo.deduplication_scope, ["messageGroup", "queue"])
                } else {
                    (&mut fifo.throughput_limit, ["perQueue", "perMessageGroupId"])
                };
                if !allowed.contains(&value) {
                    return Err(invalid_value(name));
                }
                *field = value.to_owned();
            }
            _ => return Err(unknown(name)),
        }
        Ok(())
    }

    /// The configured value of `name` as GetQueueAttributes shows it; `None` for
    /// attributes that are unset, do not apply to this queue type, or are derived.
    pub fn render(&self, name: &str) -> Option<String> {
        let text = match name {
            VISIBILITY_TIMEOUT => self.visibility_timeout.to_string(),
            MAXIMUM_MESSAGE_SIZE => self.maximum_message_size.to_string(),
            MESSAGE_RETENTION_PERIOD => self.message_retention_period.to_string(),
            DELAY_SECONDS => self.delay_seconds.to_string(),
            RECEIVE_MESSAGE_WAIT_TIME_SECONDS => self.receive_message_wait_time_seconds.to_string(),
            POLICY => self.policy.clone()?,
            REDRIVE_POLICY => self.redrive_policy.as_ref()?.render(),
            REDRIVE_ALLOW_POLICY => self.redrive_allow_policy.as_ref()?.render(),
            KMS_MASTER_KEY_ID => self.kms_master_key_id.clone()?,
            KMS_DATA_KEY_REUSE_PERIOD_SECONDS => {
                match (self.kms_data_key_reuse_period_seconds, &self.kms_master_key_id) {
                    (Some(seconds), _) => seconds.to_string(),
                    (None, Some(_)) => DEFAULT_KMS_DATA_KEY_REUSE_PERIOD_SECONDS.to_string(),
                    (None, None) => return None,
                }
            }
            SQS_MANAGED_SSE_ENABLED => self.sqs_managed_sse_enabled.to_string(),
            FIFO_QUEUE => self.fifo.as_ref().map(|_| "true".to_owned())?,
            CONTENT_BASED_DEDUPLICATION => self.fifo.as_ref()?.content_based_deduplication.to_string(),
            DEDUPLICATION_SCOPE => self.fifo.as_ref()?.deduplication_scope.clone(),
            FIFO_THROUGHPUT_LIMIT => self.fifo.as_ref()?.throughput_limit.clone(),
            _ => return None,
        };
        Some(text)
    }
}

/// The queue type a CreateQueue request asks for. `FifoQueue` may only be given as `true`,
/// and only for a name with the `.fifo` suffix; anything else is an unknown attribute to
/// AWS (even `false` on a standard queue).
pub fn requested_fifo(queue_name: &str, value: Option<&str>) -> Result<bool, SqsError> {
    match value {
        None => Ok(false),
        Some(v) if boolean(FIFO_QUEUE, v)? && queue_name.ends_with(".fifo") => Ok(true),
        Some(_) => Err(unknown(FIFO_QUEUE)),
    }
}

/// Attributes a standard queue does not know at all, even to read.
pub fn unknown_to_standard_queues(name: &str) -> bool {
    name == FIFO_QUEUE || name == CONTENT_BASED_DEDUPLICATION
}

fn unknown(name: &str) -> SqsError {
    SqsError::InvalidAttributeName(format!("Unknown Attribute {name}."))
}

fn invalid_value(name: &str) -> SqsError {
    SqsError::InvalidAttributeValue(format!("Invalid value for the parameter {name}."))
}

/// A whole number in `min..=max`, written plainly: no spaces, sign only for negatives.
fn bounded(name: &str, value: &str, min: u32, max: u32) -> Result<u32, SqsError> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    let plain = !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit());
    match value.parse::<i64>() {
        Ok(n) if plain && n >= min as i64 && n <= max as i64 => Ok(n as u32),
        _ => Err(invalid_value(name)),
    }
}

/// Policies are JSON objects; an empty string removes the policy.
fn policy_document(name: &str, value: &str) -> Result<Option<String>, SqsError> {
    if value.is_empty() {
        return Ok(None);
    }
    match serde_json::from_str::<serde_json::Value>(value) {
        Ok(serde_json::Value::Object(_)) => Ok(Some(value.to_owned())),
        _ => Err(invalid_value(name)),
    }
}

/// SDKs send booleans as `true`/`false`; Python callers often send `True`/`False`.
fn boolean(name: &str, value: &str) -> Result<bool, SqsError> {
    if value.eq_ignore_ascii_case("true") {
        Ok(true)
    } else if value.eq_ignore_ascii_case("false") {
        Ok(false)
    } else {
        Err(invalid_value(name))
    }
}

fn non_empty(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_render_like_aws() {
        let s = QueueSettings::defaults(false);
        assert_eq!(s.render(VISIBILITY_TIMEOUT).as_deref(), Some("30"));
        assert_eq!(s.render(MESSAGE_RETENTION_PERIOD).as_deref(), Some("345600"));
        assert_eq!(s.render(MAXIMUM_MESSAGE_SIZE).as_deref(), Some("262144"));
        assert_eq!(s.render(DELAY_SECONDS).as_deref(), Some("0"));
        assert_eq!(s.render(RECEIVE_MESSAGE_WAIT_TIME_SECONDS).as_deref(), Some("0"));
        assert_eq!(s.render(SQS_MANAGED_SSE_ENABLED).as_deref(), Some("true"));
        assert_eq!(s.render(FIFO_QUEUE), None);
        assert_eq!(s.render(POLICY), None);
        let f = QueueSettings::defaults(true);
        assert_eq!(f.render(FIFO_QUEUE).as_deref(), Some("true"));
        assert_eq!(f.render(DEDUPLICATION_SCOPE).as_deref(), Some("queue"));
    }

    #[test]
    fn ranges_are_enforced() {
        let mut s = QueueSettings::defaults(false);
        assert!(s.apply(VISIBILITY_TIMEOUT, "43200").is_ok());
        for bad in ["43201", "-1", "", "abc", "1.5", " 2", "2 ", "+2"] {
            assert_eq!(
                s.apply(VISIBILITY_TIMEOUT, bad),
                Err(SqsError::InvalidAttributeValue("Invalid value for the parameter VisibilityTimeout.".into()))
            );
        }
        assert!(s.apply(MESSAGE_RETENTION_PERIOD, "59").is_err());
        assert!(s.apply(MAXIMUM_MESSAGE_SIZE, "1023").is_err());
        assert!(s.apply(DELAY_SECONDS, "901").is_err());
        assert!(s.apply(RECEIVE_MESSAGE_WAIT_TIME_SECONDS, "21").is_err());
        assert_eq!(s.visibility_timeout, 43_200);
    }

    #[test]
    fn names_that_cannot_be_set() {
        let mut s = QueueSettings::defaults(false);
        for name in [
            QUEUE_ARN,
            APPROXIMATE_NUMBER_OF_MESSAGES,
            CREATED_TIMESTAMP,
            "Bogus",
            FIFO_QUEUE,
            CONTENT_BASED_DEDUPLICATION,
        ] {
            assert_eq!(s.apply(name, "1"), Err(SqsError::InvalidAttributeName(format!("Unknown Attribute {name}."))));
        }
        assert_eq!(
            s.apply(DEDUPLICATION_SCOPE, "queue"),
            Err(SqsError::InvalidAttributeName(
                "You can specify the DeduplicationScope only when FifoQueue is set to true.".into()
            ))
        );
    }

    #[test]
    fn fifo_queue_attribute_on_create() {
        assert_eq!(requested_fifo("q", None), Ok(false));
        assert_eq!(requested_fifo("q.fifo", Some("true")), Ok(true));
        let unknown = Err(SqsError::InvalidAttributeName("Unknown Attribute FifoQueue.".into()));
        assert_eq!(requested_fifo("q", Some("true")), unknown);
        assert_eq!(requested_fifo("q", Some("false")), unknown);
        assert_eq!(requested_fifo("q.fifo", Some("false")), unknown);
        assert!(matches!(requested_fifo("q.fifo", Some("yes")), Err(SqsError::InvalidAttributeValue(_))));
    }

    #[test]
    fn policies_must_be_json_objects() {
        let mut s = QueueSettings::defaults(false);
        let policy = r#"{"Version":"2012-10-17","Statement":[]}"#;
        s.apply(POLICY, policy).unwrap();
        assert_eq!(s.render(POLICY).as_deref(), Some(policy));
        for bad in ["badjson", "[]", "\"string\"", "533", "null"] {
            assert!(matches!(s.apply(POLICY, bad), Err(SqsError::InvalidAttributeValue(_))), "{bad}");
        }
        s.apply(POLICY, "").unwrap();
        assert_eq!(s.render(POLICY), None);
    }

    #[test]
    fn fifo_type_is_fixed() {
        let mut f = QueueSettings::defaults(true);
        assert!(f.apply(FIFO_QUEUE, "true").is_ok());
        assert!(matches!(f.apply(FIFO_QUEUE, "false"), Err(SqsError::InvalidAttributeValue(_))));
        assert!(f.apply(CONTENT_BASED_DEDUPLICATION, "True").is_ok());
        assert_eq!(f.render(CONTENT_BASED_DEDUPLICATION).as_deref(), Some("true"));
        assert!(f.apply(DEDUPLICATION_SCOPE, "messageGroup").is_ok());
        assert!(f.apply(FIFO_THROUGHPUT_LIMIT, "perGroup").is_err());
    }

    #[test]
    fn encryption_choices_exclude_each_other() {
        let mut s = QueueSettings::defaults(false);
        s.apply(KMS_MASTER_KEY_ID, "alias/aws/sqs").unwrap();
        assert_eq!(s.render(SQS_MANAGED_SSE_ENABLED).as_deref(), Some("false"));
        assert_eq!(s.render(KMS_DATA_KEY_REUSE_PERIOD_SECONDS).as_deref(), Some("300"));
        s.apply(SQS_MANAGED_SSE_ENABLED, "true").unwrap();
        assert_eq!(s.render(KMS_MASTER_KEY_ID), None);
    }
}
