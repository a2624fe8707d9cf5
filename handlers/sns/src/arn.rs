//! ARNs SNS hands out and reads back: topics, subscriptions, platform applications and
//! endpoints, and the SQS queues and Lambda functions it delivers to.

use crate::error::{Result, SnsError};

/// The parts of `arn:partition:service:region:account:resource`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Arn {
    pub service: String,
    pub region: String,
    pub account: String,
    pub resource: String,
}

impl Arn {
    pub fn parse(text: &str) -> Option<Arn> {
        let mut parts = text.splitn(6, ':');
        let (Some("arn"), Some(_partition), Some(service), Some(region), Some(account), Some(resource)) =
            (parts.next(), parts.next(), parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return None;
        };
        if service.is_empty() || resource.is_empty() {
            return None;
        }
        Some(Arn { service: service.into(), region: region.into(), account: account.into(), resource: resource.into() })
    }
}

pub fn topic_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:sns:{region}:{account}:{name}")
}

/// Checks that `text` is an SNS topic ARN; AWS names the parameter in its complaint.
pub fn check_topic_arn(text: &str, parameter: &str) -> Result<()> {
    match Arn::parse(text) {
        Some(arn) if arn.service == "sns" && !arn.resource.contains(':') && !arn.resource.contains('/') => Ok(()),
        Some(_) => Err(SnsError::invalid(parameter)),
        None => {
            let elements = text.split(':').count();
            Err(SnsError::invalid(format!("{parameter} Reason: An ARN must have at least 6 elements, not {elements}")))
        }
    }
}

/// The topic a subscription ARN (`<topic arn>:<id>`) belongs to.
pub fn check_subscription_arn(text: &str) -> Result<()> {
    match Arn::parse(text) {
        Some(arn) if arn.service == "sns" && arn.resource.contains(':') => Ok(()),
        Some(_) => Err(SnsError::invalid("SubscriptionArn")),
        None => {
            let elements = text.split(':').count();
            Err(SnsError::invalid(format!(
                "SubscriptionArn Reason: An ARN must have at least 6 elements, not {elements}"
            )))
        }
    }
}

/// An SQS queue ARN's account, region and queue name.
pub fn sqs_queue(text: &str) -> Option<Arn> {
    Arn::parse(text).filter(|a| a.service == "sqs" && !a.resource.contains(':') && !a.resource.contains('/'))
}

pub fn is_lambda_arn(text: &str) -> bool {
    Arn::parse(text).is_some_and(|a| a.service == "lambda" && a.resource.starts_with("function:"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_checks_arns() {
        let a = Arn::parse("arn:aws:sqs:eu-west-1:123456789012:q").unwrap();
        assert_eq!((a.region.as_str(), a.account.as_str(), a.resource.as_str()), ("eu-west-1", "123456789012", "q"));
        assert!(check_topic_arn("arn:aws:sns:us-east-1:000000000000:t", "TopicArn").is_ok());
        assert_eq!(
            check_topic_arn("nope", "TopicArn").unwrap_err().message,
            "Invalid parameter: TopicArn Reason: An ARN must have at least 6 elements, not 1"
        );
        assert!(check_subscription_arn("arn:aws:sns:us-east-1:000000000000:t:abc").is_ok());
        assert!(sqs_queue("arn:aws:sqs:us-east-1:000000000000:q.fifo").is_some());
        assert!(sqs_queue("arn:aws:sns:us-east-1:000000000000:q").is_none());
        assert!(is_lambda_arn("arn:aws:lambda:us-east-1:000000000000:function:f"));
    }
}
