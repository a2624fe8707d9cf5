//! Dead-letter queues: the RedrivePolicy a source queue names its dead-letter queue with,
//! the RedriveAllowPolicy a dead-letter queue restricts its sources with, and the checks
//! that tie the two together when either is set.
//!
//! Both policies are parsed when set and rendered back in AWS's normalised JSON, so a
//! `maxReceiveCount` given as the string `"5"` reads back as the number `5`.

use serde_json::{json, Map, Value};

use crate::error::SqsError;
use crate::queue::Queue;
use crate::state::RegionState;

pub const MAX_RECEIVE_COUNT_RANGE: std::ops::RangeInclusive<i64> = 1..=1_000;
/// A `byQueue` RedriveAllowPolicy lists at most this many source queues.
const MAX_SOURCE_QUEUE_ARNS: usize = 10;

#[derive(Debug, Clone, PartialEq)]
pub struct RedrivePolicy {
    pub dead_letter_target_arn: String,
    pub max_receive_count: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RedriveAllowPolicy {
    AllowAll,
    DenyAll,
    ByQueue(Vec<String>),
}

fn invalid(attribute: &str, value: &str, reason: &str) -> SqsError {
    SqsError::invalid_parameter_value(format!("Value {value} for parameter {attribute} is invalid. Reason: {reason}"))
}

impl RedrivePolicy {
    pub fn parse(value: &str) -> Result<RedrivePolicy, SqsError> {
        let fail = |reason: &str| invalid("RedrivePolicy", value, reason);
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(value) else {
            return Err(fail("Redrive policy is not a valid JSON map."));
        };
        if let Some(key) = map.keys().find(|k| !matches!(k.as_str(), "deadLetterTargetArn" | "maxReceiveCount")) {
            let _ = key;
            return Err(fail("Only following attributes are supported: [deadLetterTargetArn, maxReceiveCount]."));
        }
        let arn = match map.get("deadLetterTargetArn") {
            Some(Value::String(arn)) => arn.clone(),
            Some(_) => return Err(fail("Invalid value for deadLetterTargetArn.")),
            None => return Err(fail("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")),
        };
        let count = match map.get("maxReceiveCount") {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
            None => return Err(fail("Redrive policy does not contain mandatory attribute: maxReceiveCount.")),
        };
        let max_receive_count = match count.parse::<i64>() {
            Ok(n) if MAX_RECEIVE_COUNT_RANGE.contains(&n) => n as u32,
            _ => {
                return Err(fail(&format!(
                    "Invalid value for maxReceiveCount: {count}, valid values are from 1 to 1000 both inclusive."
                )))
            }
        };
        if !arn.starts_with("arn:") || arn.split(':').count() != 6 {
            return Err(fail("Invalid value for deadLetterTargetArn."));
        }
        Ok(RedrivePolicy { dead_letter_target_arn: arn, max_receive_count })
    }

    pub fn render(&self) -> String {
        json!({"deadLetterTargetArn": self.dead_letter_target_arn, "maxReceiveCount": self.max_receive_count})
            .to_string()
    }

    /// The queue name the target ARN ends with.
    pub fn target_name(&self) -> &str {
        self.dead_letter_target_arn.rsplit(':').next().unwrap_or_default()
    }
}

impl RedriveAllowPolicy {
    pub fn parse(value: &str) -> Result<RedriveAllowPolicy, SqsError> {
        let fail = |reason: &str| invalid("RedriveAllowPolicy", value, reason);
        let Ok(Value::Object(map)) = serde_json::from_str::<Value>(value) else {
            return Err(fail("Redrive allow policy is not a valid JSON map."));
        };
        let arns = match map.get("sourceQueueArns") {
            None => None,
            Some(Value::Array(items)) => {
                let arns: Option<Vec<String>> = items.iter().map(|v| v.as_str().map(str::to_owned)).collect();
                Some(arns.ok_or_else(|| fail("Invalid value for sourceQueueArns."))?)
            }
            Some(_) => return Err(fail("Invalid value for sourceQueueArns.")),
        };
        match map.get("redrivePermission").and_then(Value::as_str) {
            Some("allowAll") if arns.is_none() => Ok(RedriveAllowPolicy::AllowAll),
            Some("denyAll") if arns.is_none() => Ok(RedriveAllowPolicy::DenyAll),
            Some("allowAll" | "denyAll") => {
                Err(fail("Only when redrivePermission is byQueue can sourceQueueArns be specified."))
            }
            Some("byQueue") => match arns {
                Some(arns) if !arns.is_empty() && arns.len() <= MAX_SOURCE_QUEUE_ARNS => {
                    Ok(RedriveAllowPolicy::ByQueue(arns))
                }
                Some(arns) if arns.len() > MAX_SOURCE_QUEUE_ARNS => {
                    Err(fail("Maximum number of source queue ARNs you can specify is 10."))
                }
                _ => Err(fail("Source queue ARN(s) must be specified when redrivePermission is byQueue.")),
            },
            None => Err(fail("Redrive allow policy does not contain mandatory attribute: redrivePermission.")),
            Some(_) => Err(fail("Invalid value for redrivePermission.")),
        }
    }

    pub fn render(&self) -> String {
        let mut map = Map::new();
        let permission = match self {
            RedriveAllowPolicy::AllowAll => "allowAll",
            RedriveAllowPolicy::DenyAll => "denyAll",
            RedriveAllowPolicy::ByQueue(arns) => {
                map.insert("sourceQueueArns".into(), json!(arns));
                "byQueue"
            }
        };
        map.insert("redrivePermission".into(), json!(permission));
        Value::Object(map).to_string()
    }

    pub fn allows(&self, source_arn: &str) -> bool {
        match self {
            RedriveAllowPolicy::AllowAll => true,
            RedriveAllowPolicy::DenyAll => false,
            RedriveAllowPolicy::ByQueue(arns) => arns.iter().any(|a| a == source_arn),
        }
    }
}

/// Checks that the dead-letter queue a RedrivePolicy names exists in this account and
/// region, is of the source's type, and accepts the source. `source_arn` and `fifo`
/// describe the queue the policy is being set on.
pub fn check_target(state: &RegionState, source_arn: &str, fifo: bool, policy: &RedrivePolicy) -> Result<(), SqsError> {
    let value = policy.render();
    let fail = |reason: &str| invalid("RedrivePolicy", &value, reason);
    let target = state
        .queues
        .get(policy.target_name())
        .filter(|q| q.arn == policy.dead_letter_target_arn)
        .ok_or_else(|| fail("Dead letter target does not exist."))?;
    if target.settings.is_fifo() != fifo {
        return Err(fail("Dead-letter queue must be same type of queue as the source."));
    }
    if let Some(allow) = &target.settings.redrive_allow_policy {
        if !allow.allows(source_arn) {
            return Err(fail(&format!(
                "Queue {source_arn} does not have permission to redrive messages to {}.",
                target.arn
            )));
        }
    }
    Ok(())
}

/// The dead-letter queue `queue` redrives to and after how many receives, when the policy
/// names a queue that (still) exists.
pub fn target(state: &RegionState, queue: &Queue) -> Option<(String, u32)> {
    let policy = queue.settings.redrive_policy.as_ref()?;
    let target = state.queues.get(policy.target_name()).filter(|q| q.arn == policy.dead_letter_target_arn)?;
    Some((target.name.clone(), policy.max_receive_count))
}

/// The queues whose RedrivePolicy names `arn`, in name order.
pub fn sources_of<'a>(state: &'a RegionState, arn: &'a str) -> impl Iterator<Item = &'a Queue> + 'a {
    state
        .queues
        .values()
        .filter(move |q| q.settings.redrive_policy.as_ref().is_some_and(|p| p.dead_letter_target_arn == arn))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redrive_policy_normalises() {
        let p = RedrivePolicy::parse(
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":"5"}"#,
        )
        .unwrap();
        assert_eq!(p.max_receive_count, 5);
        assert_eq!(p.target_name(), "dlq");
        assert_eq!(
            p.render(),
            r#"{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":5}"#
        );
    }

    #[test]
    fn redrive_policy_errors() {
        for (bad, reason) in [
            ("nope", "Redrive policy is not a valid JSON map."),
            (r#"{"maxReceiveCount":1}"#, "Redrive policy does not contain mandatory attribute: deadLetterTargetArn."),
            (
                r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:q"}"#,
                "Redrive policy does not contain mandatory attribute: maxReceiveCount.",
            ),
            (
                r#"{"deadLetterTargetArn":"arn:aws:sqs:r:1:q","maxReceiveCount":0}"#,
                "Invalid value for maxReceiveCount: 0, valid values are from 1 to 1000 both inclusive.",
            ),
        ] {
            let err = RedrivePolicy::parse(bad).unwrap_err();
            assert!(err.message().ends_with(reason), "{bad}: {err}");
            assert_eq!(err.code(), "InvalidParameterValue");
        }
    }

    #[test]
    fn allow_policies() {
        let by = RedriveAllowPolicy::parse(r#"{"redrivePermission":"byQueue","sourceQueueArns":["arn:a"]}"#).unwrap();
        assert!(by.allows("arn:a") && !by.allows("arn:b"));
        assert_eq!(RedriveAllowPolicy::parse(r#"{"redrivePermission":"denyAll"}"#), Ok(RedriveAllowPolicy::DenyAll));
        assert!(RedriveAllowPolicy::parse(r#"{"redrivePermission":"byQueue"}"#).is_err());
        assert!(RedriveAllowPolicy::parse(r#"{"redrivePermission":"allowAll","sourceQueueArns":["x"]}"#).is_err());
        assert!(RedriveAllowPolicy::parse(r#"{"redrivePermission":"some"}"#).is_err());
    }
}
