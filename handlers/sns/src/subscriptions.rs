//! Subscriptions: Subscribe (with the endpoint checks AWS makes per protocol), the
//! confirmation handshake of HTTP/S and email endpoints, attributes, filter policies,
//! listing and Unsubscribe.

use ferrostack_runtime as rt;
use rt::IndexMap;
use sns_api::types::*;

use crate::arn::{self, Arn};
use crate::delivery::Job;
use crate::envelope::{self, Handshake, HandshakeMessage};
use crate::error::{Result, SnsError};
use crate::filter_policy::{FilterPolicy, Scope};
use crate::paging;
use crate::state::{OutboxMessage, RegionState, Subscription};
use crate::topics::topic;
use crate::Handler;

const PROTOCOLS: &[&str] = &["http", "https", "email", "email-json", "sms", "sqs", "application", "lambda", "firehose"];
const SETTABLE: &[&str] = &[
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "SubscriptionRoleArn",
    "ReplayPolicy",
];
/// Protocols whose subscribers can take the bare message.
const RAW_CAPABLE: &[&str] = &["sqs", "http", "https", "firehose"];

fn check_endpoint(protocol: &str, endpoint: &str) -> Result<()> {
    let ok = match protocol {
        "http" => endpoint.starts_with("http://"),
        "https" => endpoint.starts_with("https://"),
        "email" | "email-json" => {
            endpoint.split_once('@').is_some_and(|(user, domain)| !user.is_empty() && domain.contains('.'))
        }
        "sms" => {
            let digits = endpoint.strip_prefix('+').unwrap_or(endpoint);
            (7..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit() || b == b'-')
        }
        "sqs" => arn::sqs_queue(endpoint).is_some(),
        "lambda" => arn::is_lambda_arn(endpoint),
        "firehose" => Arn::parse(endpoint).is_some_and(|a| a.service == "firehose"),
        "application" => {
            Arn::parse(endpoint).is_some_and(|a| a.service == "sns" && a.resource.starts_with("endpoint/"))
        }
        _ => false,
    };
    if ok {
        return Ok(());
    }
    Err(match protocol {
        "http" | "https" => SnsError::invalid("Endpoint must match the specified protocol"),
        "email" | "email-json" => SnsError::invalid("Email address"),
        "sms" => SnsError::new(crate::error::Kind::InvalidParameter, format!("Invalid SMS endpoint: {endpoint}")),
        "sqs" => SnsError::invalid("SQS endpoint ARN"),
        "lambda" => SnsError::invalid("Lambda endpoint ARN"),
        "firehose" => SnsError::invalid("Firehose endpoint ARN"),
        _ => SnsError::invalid("Application endpoint ARN"),
    })
}

/// Sets one attribute on `sub`, with the checks Subscribe and SetSubscriptionAttributes make.
/// `reason` prefixes filter policy complaints: Subscribe words them `Invalid parameter:
/// Attributes Reason: FilterPolicy: ...`, SetSubscriptionAttributes without `Attributes Reason: `.
fn set_attribute(sub: &mut Subscription, name: &str, value: &str, reason: &str) -> Result<()> {
    let policy_error = |m: String| SnsError::invalid(format!("{reason}{m}"));
    if !SETTABLE.contains(&name) {
        return Err(SnsError::invalid("AttributeName"));
    }
    match name {
        "RawMessageDelivery" => {
            if !value.eq_ignore_ascii_case("true") && !value.eq_ignore_ascii_case("false") {
                return Err(SnsError::invalid(
                    "RawMessageDelivery: Invalid value [".to_owned() + value + "]. Must be true or false.",
                ));
            }
            if !RAW_CAPABLE.contains(&sub.protocol.as_str()) && value.eq_ignore_ascii_case("true") {
                return Err(SnsError::invalid(format!(
                    "Delivery protocol [{}] does not support raw message delivery.",
                    sub.protocol
                )));
            }
            sub.attributes.insert(name.into(), value.to_ascii_lowercase());
        }
        "FilterPolicy" => {
            if value.is_empty() {
                sub.attributes.shift_remove("FilterPolicy");
                sub.attributes.shift_remove("FilterPolicyScope");
                sub.filter_policy = None;
                return Ok(());
            }
            let scope = sub.filter_policy.as_ref().map_or(Scope::MessageAttributes, |(_, s)| *s);
            let scope = sub.attributes.get("FilterPolicyScope").and_then(|s| Scope::parse(s)).unwrap_or(scope);
            let policy = FilterPolicy::parse(value, scope).map_err(policy_error)?;
            sub.filter_policy = Some((policy, scope));
            sub.attributes.insert(name.into(), value.to_owned());
            sub.attributes.entry("FilterPolicyScope".into()).or_insert_with(|| scope.as_str().to_owned());
        }
        "FilterPolicyScope" => {
            let scope = Scope::parse(value).ok_or_else(|| {
                SnsError::invalid(
                    "FilterPolicyScope: Invalid filter policy scope, please use MessageAttributes or MessageBody",
                )
            })?;
            if let Some(text) = sub.attributes.get("FilterPolicy") {
                let policy = FilterPolicy::parse(text, scope).map_err(policy_error)?;
                sub.filter_policy = Some((policy, scope));
            }
            sub.attributes.insert(name.into(), value.to_owned());
        }
        "RedrivePolicy" => {
            if value.is_empty() {
                sub.attributes.shift_remove(name);
                return Ok(());
            }
            let policy: serde_json::Value =
                serde_json::from_str(value).map_err(|_| SnsError::invalid("RedrivePolicy: failed to parse JSON."))?;
            let target = policy.get("deadLetterTargetArn").and_then(|v| v.as_str());
            if target.is_none_or(|t| arn::sqs_queue(t).is_none()) {
                return Err(SnsError::invalid("RedrivePolicy: deadLetterTargetArn is an invalid arn"));
            }
            sub.attributes.insert(name.into(), value.to_owned());
        }
        "DeliveryPolicy" | "ReplayPolicy" if !value.is_empty() => {
            if serde_json::from_str::<serde_json::Value>(value).ok().is_none_or(|v| !v.is_object()) {
                return Err(SnsError::invalid(format!("{name}: failed to parse JSON.")));
            }
            sub.attributes.insert(name.into(), value.to_owned());
        }
        _ if value.is_empty() => {
            sub.attributes.shift_remove(name);
        }
        _ => {
            sub.attributes.insert(name.into(), value.to_owned());
        }
    }
    Ok(())
}

fn listing(sub: &Subscription) -> sns_api::types::Subscription {
    sns_api::types::Subscription {
        subscription_arn: Some(if sub.pending { "PendingConfirmation".to_owned() } else { sub.arn.clone() }),
        owner: Some(sub.owner.clone()),
        protocol: Some(sub.protocol.clone()),
        endpoint: Some(sub.endpoint.clone()),
        topic_arn: Some(sub.topic_arn.clone()),
    }
}

/// A confirmation token as AWS hands them out: 288 hexadecimal characters.
fn new_token() -> String {
    let mut token = String::with_capacity(320);
    while token.len() < 288 {
        token.extend(rt::request_id().chars().filter(|c| *c != '-'));
    }
    token.truncate(288);
    token
}

fn subscription<'a>(state: &'a mut RegionState, subscription_arn: &str) -> Result<&'a mut Subscription> {
    state.subscriptions.get_mut(subscription_arn).ok_or_else(SnsError::subscription_not_found)
}

impl Handler {
    pub(crate) fn subscribe_now(&self, ctx: &rt::RequestContext, input: SubscribeInput) -> Result<SubscribeResponse> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        // A topic is subscribed to through its own region's endpoint.
        if Arn::parse(&input.topic_arn).is_some_and(|a| a.region != ctx.region) {
            return Err(SnsError::invalid("TopicArn"));
        }
        let protocol = input.protocol.to_ascii_lowercase();
        if !PROTOCOLS.contains(&protocol.as_str()) {
            return Err(SnsError::invalid(format!(
                "Amazon SNS does not support this protocol string: {}",
                input.protocol
            )));
        }
        let endpoint = input.endpoint.clone().filter(|e| !e.is_empty()).ok_or_else(|| SnsError::invalid("Endpoint"))?;
        check_endpoint(&protocol, &endpoint)?;
        let attributes = input.attributes.unwrap_or_default();
        let mut confirmation = None;
        let response = self.with_arn_scope(&input.topic_arn, |state| {
            let topic = topic(state, &input.topic_arn)?;
            let fifo_topic = topic.is_fifo();
            if fifo_topic && protocol != "sqs" && protocol != "firehose" {
                return Err(SnsError::invalid(format!("Invalid protocol type: {protocol}")));
            }
            if protocol == "sqs" {
                // FIFO topics deliver to standard queues too (since 2023-09), not the reverse.
                let fifo_queue = endpoint.ends_with(".fifo");
                if !fifo_topic && fifo_queue {
                    return Err(SnsError::invalid(
                        "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
                    ));
                }
            }
            // Subscribing the same endpoint again gives the same subscription.
            if let Some(existing) = state
                .subscriptions
                .values()
                .find(|s| s.topic_arn == input.topic_arn && s.protocol == protocol && s.endpoint == endpoint)
            {
                if attributes.iter().any(|(k, v)| existing.attributes.get(k) != Some(v)) {
                    return Err(SnsError::invalid("Attributes Reason: Subscription already exists with different attributes"));
                }
                let arn = if existing.pending && !input.return_subscription_arn {
                    "pending confirmation".to_owned()
                } else {
                    existing.arn.clone()
                };
                return Ok(SubscribeResponse { subscription_arn: Some(arn) });
            }
            // Endpoints that prove they want the messages: HTTP/S and email confirm first.
            let pending = matches!(protocol.as_str(), "http" | "https" | "email" | "email-json");
            let mut sub = Subscription {
                arn: format!("{}:{}", input.topic_arn, rt::request_id()),
                topic_arn: input.topic_arn.clone(),
                owner: ctx.account_id.clone(),
                protocol: protocol.clone(),
                endpoint: endpoint.clone(),
                attributes: IndexMap::new(),
                filter_policy: None,
                pending,
                confirmation_was_authenticated: !pending,
            };
            // The scope first, so the policy is parsed for the scope it will be matched in.
            let mut ordered: Vec<(&String, &String)> = attributes.iter().collect();
            ordered.sort_by_key(|(k, _)| *k != "FilterPolicyScope");
            for (k, v) in ordered {
                set_attribute(&mut sub, k, v, "Attributes Reason: ")?;
            }
            if pending {
                let token = new_token();
                state.tokens.insert(token.clone(), sub.arn.clone());
                let message_id = rt::request_id();
                let timestamp = envelope::timestamp(rt::DateTime::now());
                let handshake = HandshakeMessage {
                    kind: Handshake::SubscriptionConfirmation,
                    topic_arn: &input.topic_arn,
                    subscription_arn: &sub.arn,
                    region: &ctx.region,
                    message_id: &message_id,
                    token: &token,
                    timestamp: &timestamp,
                };
                let body = envelope::handshake(&handshake, &ctx.endpoint);
                if protocol.starts_with("http") {
                    confirmation = Some(Job::Handshake {
                        kind: Handshake::SubscriptionConfirmation,
                        url: endpoint.clone(),
                        topic_arn: input.topic_arn.clone(),
                        subscription_arn: sub.arn.clone(),
                        message_id: message_id.clone(),
                        body: body.clone(),
                    });
                }
                if protocol.starts_with("email") {
                    state.record(OutboxMessage {
                        protocol: protocol.clone(),
                        destination: endpoint.clone(),
                        message_id,
                        subject: Some("AWS Notification - Subscription Confirmation".into()),
                        message: body,
                        subscription_arn: Some(sub.arn.clone()),
                        topic_arn: Some(input.topic_arn.clone()),
                    });
                }
            }
            let arn = if pending && !input.return_subscription_arn { "pending confirmation".to_owned() } else { sub.arn.clone() };
            state.subscriptions.insert(sub.arn.clone(), sub);
            Ok(SubscribeResponse { subscription_arn: Some(arn) })
        })?;
        if let Some(job) = confirmation {
            self.dispatcher.send(job);
        }
        Ok(response)
    }

    pub(crate) fn confirm_subscription_now(
        &self,
        input: ConfirmSubscriptionInput,
    ) -> Result<ConfirmSubscriptionResponse> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        self.with_arn_scope(&input.topic_arn, |state| {
            topic(state, &input.topic_arn)?;
            if let Some(mut sub) = state.restorable.remove(&input.token).filter(|s| s.topic_arn == input.topic_arn) {
                // The token of an UnsubscribeConfirmation: the subscription comes back.
                let arn = sub.arn.clone();
                sub.pending = false;
                state.subscriptions.insert(arn.clone(), sub);
                return Ok(ConfirmSubscriptionResponse { subscription_arn: Some(arn) });
            }
            let arn = state
                .tokens
                .get(&input.token)
                .filter(|arn| arn.starts_with(&format!("{}:", input.topic_arn)))
                .cloned()
                .ok_or_else(|| SnsError::invalid("Token"))?;
            let sub = subscription(state, &arn)?;
            sub.pending = false;
            if input.authenticate_on_unsubscribe.as_deref().is_some_and(|v| v.eq_ignore_ascii_case("true")) {
                sub.confirmation_was_authenticated = true;
            }
            Ok(ConfirmSubscriptionResponse { subscription_arn: Some(arn) })
        })
    }

    /// Unsubscribing twice succeeds, as on AWS. A confirmed HTTP/S subscriber is told with
    /// an UnsubscribeConfirmation, whose SubscribeURL restores the subscription.
    pub(crate) fn unsubscribe_now(&self, ctx: &rt::RequestContext, input: UnsubscribeInput) -> Result<()> {
        arn::check_subscription_arn(&input.subscription_arn)?;
        let handshake = self.with_arn_scope(&input.subscription_arn, |state| {
            let Some(sub) = state.subscriptions.shift_remove(&input.subscription_arn) else { return Ok(None) };
            state.tokens.retain(|_, arn| *arn != sub.arn);
            if let Some(topic) = state.topics.get_mut(&sub.topic_arn) {
                topic.subscriptions_deleted += 1;
            }
            if !sub.protocol.starts_with("http") || sub.pending {
                return Ok(None);
            }
            let token = new_token();
            let message_id = rt::request_id();
            let region = Arn::parse(&sub.arn).map(|a| a.region).unwrap_or_default();
            let body = envelope::handshake(
                &HandshakeMessage {
                    kind: Handshake::UnsubscribeConfirmation,
                    topic_arn: &sub.topic_arn,
                    subscription_arn: &sub.arn,
                    region: &region,
                    message_id: &message_id,
                    token: &token,
                    timestamp: &envelope::timestamp(rt::DateTime::now()),
                },
                &ctx.endpoint,
            );
            let job = Job::Handshake {
                kind: Handshake::UnsubscribeConfirmation,
                url: sub.endpoint.clone(),
                topic_arn: sub.topic_arn.clone(),
                subscription_arn: sub.arn.clone(),
                message_id,
                body,
            };
            state.restorable.insert(token, sub);
            Ok(Some(job))
        })?;
        if let Some(job) = handshake {
            self.dispatcher.send(job);
        }
        Ok(())
    }

    pub(crate) fn get_subscription_attributes_now(
        &self,
        input: GetSubscriptionAttributesInput,
    ) -> Result<GetSubscriptionAttributesResponse> {
        arn::check_subscription_arn(&input.subscription_arn)?;
        self.with_arn_scope(&input.subscription_arn, |state| {
            let sub = subscription(state, &input.subscription_arn)?;
            let mut out = IndexMap::new();
            out.insert("ConfirmationWasAuthenticated".to_owned(), sub.confirmation_was_authenticated.to_string());
            out.insert("PendingConfirmation".to_owned(), sub.pending.to_string());
            out.insert("Owner".to_owned(), sub.owner.clone());
            out.insert("RawMessageDelivery".to_owned(), sub.raw().to_string());
            out.insert("SubscriptionArn".to_owned(), sub.arn.clone());
            out.insert("TopicArn".to_owned(), sub.topic_arn.clone());
            out.insert("Endpoint".to_owned(), sub.endpoint.clone());
            out.insert("Protocol".to_owned(), sub.protocol.clone());
            for (k, v) in &sub.attributes {
                out.insert(k.clone(), v.clone());
            }
            if sub.protocol.starts_with("http") {
                out.insert(
                    "EffectiveDeliveryPolicy".to_owned(),
                    sub.attributes.get("DeliveryPolicy").cloned().unwrap_or_else(|| {
                        r#"{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},"sicklyRetryPolicy":null,"throttlePolicy":null,"guaranteed":false}"#.to_owned()
                    }),
                );
            }
            Ok(GetSubscriptionAttributesResponse { attributes: Some(out) })
        })
    }

    pub(crate) fn set_subscription_attributes_now(&self, input: SetSubscriptionAttributesInput) -> Result<()> {
        arn::check_subscription_arn(&input.subscription_arn)?;
        self.with_arn_scope(&input.subscription_arn, |state| {
            let sub = subscription(state, &input.subscription_arn)?;
            set_attribute(sub, &input.attribute_name, input.attribute_value.as_deref().unwrap_or_default(), "")
        })
    }

    pub(crate) fn list_subscriptions_now(
        &self,
        ctx: &rt::RequestContext,
        input: ListSubscriptionsInput,
    ) -> Result<ListSubscriptionsResponse> {
        let all: Vec<_> = self.regions.with(ctx, |state| state.subscriptions.values().map(listing).collect());
        let (page, next_token) = paging::page(all, input.next_token.as_deref(), paging::PAGE_SIZE)?;
        Ok(ListSubscriptionsResponse { subscriptions: Some(page), next_token })
    }

    pub(crate) fn list_subscriptions_by_topic_now(
        &self,
        input: ListSubscriptionsByTopicInput,
    ) -> Result<ListSubscriptionsByTopicResponse> {
        arn::check_topic_arn(&input.topic_arn, "TopicArn")?;
        let all: Vec<_> = self.with_arn_scope(&input.topic_arn, |state| {
            topic(state, &input.topic_arn)?;
            Ok(state.subscriptions.values().filter(|s| s.topic_arn == input.topic_arn).map(listing).collect())
        })?;
        let (page, next_token) = paging::page(all, input.next_token.as_deref(), paging::PAGE_SIZE)?;
        Ok(ListSubscriptionsByTopicResponse { subscriptions: Some(page), next_token })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sub(protocol: &str) -> Subscription {
        Subscription {
            arn: "arn:aws:sns:us-east-1:000000000000:t:1".into(),
            topic_arn: "arn:aws:sns:us-east-1:000000000000:t".into(),
            owner: "000000000000".into(),
            protocol: protocol.into(),
            endpoint: "e".into(),
            attributes: IndexMap::new(),
            filter_policy: None,
            pending: false,
            confirmation_was_authenticated: true,
        }
    }

    #[test]
    fn raw_delivery_only_where_aws_allows_it() {
        assert!(set_attribute(&mut sub("sqs"), "RawMessageDelivery", "true", "").is_ok());
        assert_eq!(
            set_attribute(&mut sub("lambda"), "RawMessageDelivery", "true", "").unwrap_err().message,
            "Invalid parameter: Delivery protocol [lambda] does not support raw message delivery."
        );
    }

    #[test]
    fn filter_policy_scope_reparses_the_policy() {
        let mut s = sub("sqs");
        set_attribute(&mut s, "FilterPolicy", r#"{"a":{"b":["c"]}}"#, "").unwrap_err();
        set_attribute(&mut s, "FilterPolicyScope", "MessageBody", "").unwrap();
        set_attribute(&mut s, "FilterPolicy", r#"{"a":{"b":["c"]}}"#, "").unwrap();
        assert_eq!(
            set_attribute(&mut s, "FilterPolicyScope", "MessageAttributes", "").unwrap_err().message,
            "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy"
        );
    }

    #[test]
    fn endpoints_are_checked_per_protocol() {
        assert!(check_endpoint("sqs", "arn:aws:sqs:us-east-1:000000000000:q").is_ok());
        assert_eq!(check_endpoint("sqs", "q").unwrap_err().message, "Invalid parameter: SQS endpoint ARN");
        assert!(check_endpoint("http", "https://x").is_err());
        assert!(check_endpoint("email", "a@b.io").is_ok());
        assert!(check_endpoint("sms", "+15551234567").is_ok());
    }
}
