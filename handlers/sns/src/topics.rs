//! Topics: creation (idempotent by name and attributes), attributes, tags, access policy
//! statements and the stored data protection policy.

use ferrostack_runtime as rt;
use rt::IndexMap;
use serde_json::{json, Value};
use sns_api::types::*;

use crate::arn::{self, Arn};
use crate::error::{Kind, Result, SnsError};
use crate::paging;
use crate::state::{RegionState, Topic};
use crate::Handler;

const MAX_TAGS: usize = 50;

/// Attributes SetTopicAttributes accepts (CreateTopic also takes `FifoTopic`).
const SETTABLE: &[&str] = &[
    "DisplayName",
    "Policy",
    "DeliveryPolicy",
    "KmsMasterKeyId",
    "SignatureVersion",
    "TracingConfig",
    "ContentBasedDeduplication",
    "ArchivePolicy",
    "FifoThroughputScope",
    "ApplicationSuccessFeedbackRoleArn",
    "ApplicationSuccessFeedbackSampleRate",
    "ApplicationFailureFeedbackRoleArn",
    "FirehoseSuccessFeedbackRoleArn",
    "FirehoseSuccessFeedbackSampleRate",
    "FirehoseFailureFeedbackRoleArn",
    "HTTPSuccessFeedbackRoleArn",
    "HTTPSuccessFeedbackSampleRate",
    "HTTPFailureFeedbackRoleArn",
    "LambdaSuccessFeedbackRoleArn",
    "LambdaSuccessFeedbackSampleRate",
    "LambdaFailureFeedbackRoleArn",
    "SQSSuccessFeedbackRoleArn",
    "SQSSuccessFeedbackSampleRate",
    "SQSFailureFeedbackRoleArn",
];

const EFFECTIVE_DELIVERY_POLICY: &str = r#"{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}"#;

fn default_policy(topic_arn: &str, account: &str) -> Value {
    json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission",
                "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"
            ],
            "Resource": topic_arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": account}}
        }]
    })
}

fn valid_topic_name(name: &str) -> bool {
    (1..=256).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn parse_json_object(text: &str) -> Option<Value> {
    serde_json::from_str::<Value>(text).ok().filter(Value::is_object)
}

fn is_boolean(value: &str) -> bool {
    value.eq_ignore_ascii_case("true") || value.eq_ignore_ascii_case("false")
}

/// Checks one attribute as Create/SetTopicAttributes receive it.
fn check_attribute(name: &str, value: &str, fifo: bool) -> Result<()> {
    let bad = || SnsError::invalid(format!("Attributes Reason: Invalid value [{value}] for {name}"));
    match name {
        "DisplayName" if value.len() > 100 => Err(SnsError::invalid("DisplayName")),
        "Policy" | "DeliveryPolicy" | "ArchivePolicy" if !value.is_empty() && parse_json_object(value).is_none() => {
            Err(SnsError::invalid(format!("Attributes Reason: {name}: failed to parse JSON")))
        }
        "SignatureVersion" if value != "1" && value != "2" => Err(SnsError::invalid(format!(
            "Attributes Reason: SignatureVersion: Invalid value [{value}]. Valid values are 1 and 2"
        ))),
        "TracingConfig" if value != "PassThrough" && value != "Active" => Err(bad()),
        "FifoTopic" if !is_boolean(value) => Err(bad()),
        "ContentBasedDeduplication" if !is_boolean(value) => Err(bad()),
        "ContentBasedDeduplication" if !fifo => Err(SnsError::invalid(
            "ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics",
        )),
        "FifoThroughputScope" if !fifo => {
            Err(SnsError::invalid("FifoThroughputScope Reason: To set FifoThroughputScope, topic must be FIFO"))
        }
        "FifoThroughputScope" if value != "Topic" && value != "MessageGroup" => Err(bad()),
        _ if SETTABLE.contains(&name) || name == "FifoTopic" => Ok(()),
        _ => Err(SnsError::invalid("AttributeName")),
    }
}

fn canonical(name: &str, value: &str) -> String {
    if matches!(name, "FifoTopic" | "ContentBasedDeduplication") {
        value.to_ascii_lowercase()
    } else {
        value.to_owned()
    }
}

/// The topic `topic_arn` names in `state`, or AWS's NotFound.
pub fn topic<'a>(state: &'a mut RegionState, topic_arn: &str) -> Result<&'a mut Topic> {
    state.topics.get_mut(topic_arn).ok_or_else(SnsError::topic_not_found)
}

fn check_tags(tags: &[Tag]) -> Result<()> {
    for tag in tags {
        if tag.key.is_empty() || tag.key.len() > 128 || tag.key.starts_with("aws:") {
            return Err(SnsError::invalid(format!("Tags Reason: Invalid tag key [{}]", tag.key)));
        }
        if tag.value.len() > 256 {
            return Err(SnsError::invalid(format!("Tags Reason: Invalid tag value for key [{}]", tag.key)));
        }
    }
    Ok(())
}

fn apply_tags(topic: &mut Topic, tags: &[Tag]) -> Result<()> {
    let mut merged = topic.tags.clone();
    for tag in tags {
        merged.insert(tag.key.clone(), tag.value.clone());
    }
    if merged.len() > MAX_TAGS {
        return Err(SnsError::new(
            Kind::TagLimitExceeded,
            "Could not complete request: tag quota of per resource exceeded",
        ));
    }
    topic.tags = merged;
    Ok(())
}

impl Handler {
    pub(crate) fn create_topic_now(
        &self,
        ctx: &rt::RequestContext,
        input: CreateTopicInput,
    ) -> Result<CreateTopicResponse> {
        let attributes = input.attributes.unwrap_or_default();
        let fifo = attributes.get("FifoTopic").is_some_and(|v| v.eq_ignore_ascii_case("true"));
        let name = &input.name;
        if fifo {
            let base = name.strip_suffix(".fifo");
            if !base.is_some_and(|b| valid_topic_name(b) && name.len() <= 256) {
                return Err(SnsError::invalid(
                    "Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.",
                ));
            }
        } else if !valid_topic_name(name) {
            return Err(SnsError::invalid("Topic Name"));
        }
        for (k, v) in &attributes {
            check_attribute(k, v, fifo)?;
        }
        let tags = input.tags.unwrap_or_default();
        check_tags(&tags)?;
        if let Some(policy) = &input.data_protection_policy {
            check_data_protection_policy(policy)?;
        }
        let arn = arn::topic_arn(&ctx.region, &ctx.account_id, name);
        let mut wanted: IndexMap<String, String> = IndexMap::new();
        for (k, v) in &attributes {
            if k != "Policy" {
                wanted.insert(k.clone(), canonical(k, v));
            }
        }
        if fifo {
            wanted.entry("FifoTopic".into()).or_insert_with(|| "true".into());
            wanted.entry("ContentBasedDeduplication".into()).or_insert_with(|| "false".into());
        } else {
            wanted.shift_remove("FifoTopic");
        }
        self.regions.with(ctx, |state| {
            if let Some(existing) = state.topics.get_mut(&arn) {
                // Same name again: the same topic, unless the caller asks for something else.
                let differs = wanted.iter().any(|(k, v)| existing.attributes.get(k) != Some(v));
                if differs {
                    return Err(SnsError::invalid("Attributes Reason: Topic already exists with different attributes"));
                }
                if tags.iter().any(|t| existing.tags.get(&t.key).is_some_and(|v| *v != t.value)) {
                    return Err(SnsError::invalid("Tags Reason: Topic already exists with different tags"));
                }
                apply_tags(existing, &tags)?;
                return Ok(CreateTopicResponse { topic_arn: Some(arn.clone()) });
            }
            let policy = match attributes.get("Policy").filter(|p| !p.is_empty()) {
                Some(p) => parse_json_object(p).expect("checked above"),
                None => default_policy(&arn, &ctx.account_id),
            };
            let mut topic = Topic {
                arn: arn.clone(),
                attributes: wanted,
                policy,
                tags: IndexMap::new(),
                data_protection_policy: input.data_protection_policy.clone(),
                subscriptions_deleted: 0,
                sequence: 10_000_000_000_000_000_000,
            };
            apply_tags(&mut topic, &tags)?;
            state.topics.insert(arn.clone(), topic);
            Ok(CreateTopicResponse { topic_arn: Some(arn.clone()) })
        })
    }

    /// Deleting a topic that is not there succeeds, as on AWS; its subscriptions go with it.
    pub(crate) fn delete_topic_now(&self, input: DeleteTopicInput) -> Result<()> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        self.with_arn_scope(&input.topic_arn, |state| {
            state.topics.shift_remove(&input.topic_arn);
            state.subscriptions.retain(|_, s| s.topic_arn != input.topic_arn);
            state.tokens.retain(|_, sub| !sub.starts_with(&format!("{}:", input.topic_arn)));
            state.restorable.retain(|_, sub| sub.topic_arn != input.topic_arn);
            Ok(())
        })
    }

    pub(crate) fn list_topics_now(
        &self,
        ctx: &rt::RequestContext,
        input: ListTopicsInput,
    ) -> Result<ListTopicsResponse> {
        let arns: Vec<String> = self.regions.with(ctx, |state| state.topics.keys().cloned().collect());
        let (page, next_token) = paging::page(arns, input.next_token.as_deref(), paging::PAGE_SIZE)?;
        Ok(ListTopicsResponse {
            topics: Some(page.into_iter().map(|arn| sns_api::types::Topic { topic_arn: Some(arn) }).collect()),
            next_token,
        })
    }

    pub(crate) fn get_topic_attributes_now(
        &self,
        input: GetTopicAttributesInput,
    ) -> Result<GetTopicAttributesResponse> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        let owner = Arn::parse(&input.topic_arn).map(|a| a.account).unwrap_or_default();
        self.with_arn_scope(&input.topic_arn, |state| {
            let (confirmed, pending) = state
                .subscriptions
                .values()
                .filter(|s| s.topic_arn == input.topic_arn)
                .fold((0, 0), |(c, p), s| if s.pending { (c, p + 1) } else { (c + 1, p) });
            let topic = topic(state, &input.topic_arn)?;
            let mut out = IndexMap::new();
            out.insert("Policy".to_owned(), topic.policy.to_string());
            out.insert("Owner".to_owned(), owner.clone());
            out.insert("SubscriptionsPending".to_owned(), pending.to_string());
            out.insert("TopicArn".to_owned(), topic.arn.clone());
            out.insert("EffectiveDeliveryPolicy".to_owned(), EFFECTIVE_DELIVERY_POLICY.to_owned());
            out.insert("SubscriptionsConfirmed".to_owned(), confirmed.to_string());
            out.insert("DisplayName".to_owned(), String::new());
            out.insert("SubscriptionsDeleted".to_owned(), topic.subscriptions_deleted.to_string());
            for (k, v) in &topic.attributes {
                out.insert(k.clone(), v.clone());
            }
            Ok(GetTopicAttributesResponse { attributes: Some(out) })
        })
    }

    pub(crate) fn set_topic_attributes_now(&self, input: SetTopicAttributesInput) -> Result<()> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        let name = input.attribute_name;
        let value = input.attribute_value.unwrap_or_default();
        if name == "FifoTopic" {
            return Err(SnsError::invalid("AttributeName"));
        }
        self.with_arn_scope(&input.topic_arn, |state| {
            let topic = topic(state, &input.topic_arn)?;
            check_attribute(&name, &value, topic.is_fifo())?;
            if name == "Policy" {
                topic.policy = if value.is_empty() {
                    let account = Arn::parse(&topic.arn).map(|a| a.account).unwrap_or_default();
                    default_policy(&topic.arn, &account)
                } else {
                    parse_json_object(&value).expect("checked above")
                };
            } else if value.is_empty() && name != "DisplayName" {
                topic.attributes.shift_remove(&name);
            } else {
                topic.attributes.insert(name.clone(), canonical(&name, &value));
            }
            Ok(())
        })
    }

    pub(crate) fn tag_resource_now(&self, input: TagResourceRequest) -> Result<()> {
        check_tags(&input.tags)?;
        self.with_resource(&input.resource_arn, |topic| apply_tags(topic, &input.tags))
    }

    pub(crate) fn untag_resource_now(&self, input: UntagResourceRequest) -> Result<()> {
        self.with_resource(&input.resource_arn, |topic| {
            for key in &input.tag_keys {
                topic.tags.shift_remove(key);
            }
            Ok(())
        })
    }

    pub(crate) fn list_tags_for_resource_now(
        &self,
        input: ListTagsForResourceRequest,
    ) -> Result<ListTagsForResourceResponse> {
        self.with_resource(&input.resource_arn, |topic| {
            let tags = topic.tags.iter().map(|(k, v)| Tag { key: k.clone(), value: v.clone() }).collect();
            Ok(ListTagsForResourceResponse { tags: Some(tags) })
        })
    }

    /// Tagging names resources by ARN and answers ResourceNotFound rather than NotFound.
    fn with_resource<R>(&self, resource_arn: &str, f: impl FnOnce(&mut Topic) -> Result<R>) -> Result<R> {
        if Arn::parse(resource_arn).is_none_or(|a| a.service != "sns") {
            return Err(SnsError::invalid("ResourceArn"));
        }
        self.with_arn_scope(resource_arn, |state| match state.topics.get_mut(resource_arn) {
            Some(topic) => f(topic),
            None => Err(SnsError::new(Kind::ResourceNotFound, "Resource does not exist")),
        })
    }

    pub(crate) fn put_data_protection_policy_now(&self, input: PutDataProtectionPolicyInput) -> Result<()> {
        arn::check_topic_arn(&input.resource_arn, "ResourceArn")?;
        check_data_protection_policy(&input.data_protection_policy)?;
        self.with_arn_scope(&input.resource_arn, |state| {
            let topic = topic(state, &input.resource_arn)?;
            topic.data_protection_policy = Some(input.data_protection_policy.clone()).filter(|p| !p.is_empty());
            Ok(())
        })
    }

    pub(crate) fn get_data_protection_policy_now(
        &self,
        input: GetDataProtectionPolicyInput,
    ) -> Result<GetDataProtectionPolicyResponse> {
        arn::check_topic_arn(&input.resource_arn, "ResourceArn")?;
        self.with_arn_scope(&input.resource_arn, |state| {
            let topic = topic(state, &input.resource_arn)?;
            Ok(GetDataProtectionPolicyResponse {
                data_protection_policy: Some(topic.data_protection_policy.clone().unwrap_or_default()),
            })
        })
    }

    pub(crate) fn add_permission_now(&self, input: AddPermissionInput) -> Result<()> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        if input.aws_account_id.is_empty() {
            return Err(SnsError::invalid("AWSAccountId"));
        }
        if input.action_name.is_empty() {
            return Err(SnsError::invalid("ActionName"));
        }
        self.with_arn_scope(&input.topic_arn, |state| {
            let topic = topic(state, &input.topic_arn)?;
            let statements = statements(&mut topic.policy);
            if statements.iter().any(|s| s.get("Sid").and_then(Value::as_str) == Some(input.label.as_str())) {
                return Err(SnsError::invalid("Statement already exists"));
            }
            let one_or_many = |items: Vec<String>| match items.len() {
                1 => Value::from(items.into_iter().next().expect("one")),
                _ => Value::from(items),
            };
            let principals = input.aws_account_id.iter().map(|a| format!("arn:aws:iam::{a}:root")).collect();
            let actions = input.action_name.iter().map(|a| format!("SNS:{a}")).collect();
            statements.push(json!({
                "Sid": input.label,
                "Effect": "Allow",
                "Principal": {"AWS": one_or_many(principals)},
                "Action": one_or_many(actions),
                "Resource": input.topic_arn,
            }));
            Ok(())
        })
    }

    pub(crate) fn remove_permission_now(&self, input: RemovePermissionInput) -> Result<()> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        self.with_arn_scope(&input.topic_arn, |state| {
            let topic = topic(state, &input.topic_arn)?;
            statements(&mut topic.policy)
                .retain(|s| s.get("Sid").and_then(Value::as_str) != Some(input.label.as_str()));
            Ok(())
        })
    }
}

/// The policy's statement list, created when the policy has none.
fn statements(policy: &mut Value) -> &mut Vec<Value> {
    if !policy.is_object() {
        *policy = json!({});
    }
    let map = policy.as_object_mut().expect("object");
    let entry = map.entry("Statement").or_insert_with(|| json!([]));
    if !entry.is_array() {
        *entry = json!([entry.clone()]);
    }
    entry.as_array_mut().expect("array")
}

fn check_data_protection_policy(policy: &str) -> Result<()> {
    if policy.is_empty() {
        return Ok(());
    }
    let parsed = parse_json_object(policy)
        .ok_or_else(|| SnsError::invalid("DataProtectionPolicy Reason: Failed to parse the data protection policy"))?;
    if !parsed.get("Statement").is_some_and(Value::is_array) {
        return Err(SnsError::invalid("DataProtectionPolicy Reason: Statement is required"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attribute_rules() {
        assert!(check_attribute("DisplayName", "x", false).is_ok());
        assert_eq!(check_attribute("Nope", "x", false).unwrap_err().message, "Invalid parameter: AttributeName");
        assert!(check_attribute("ContentBasedDeduplication", "true", false).is_err());
        assert!(check_attribute("ContentBasedDeduplication", "true", true).is_ok());
        assert!(check_attribute("Policy", "not json", false).is_err());
        assert!(valid_topic_name("a-b_C9") && !valid_topic_name("a.b") && !valid_topic_name(""));
    }
}
