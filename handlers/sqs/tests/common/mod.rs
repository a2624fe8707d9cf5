//! Helpers shared by the integration tests: a handler, a request context and shorthand
//! for the requests the tests repeat.

#![allow(dead_code)]

use ferrostack_runtime as rt;
use sqs_api::types::*;
use sqs_api::Handler as _;
pub use sqs_handler::Handler;

pub const ACCOUNT: &str = "000000000000";
pub const REGION: &str = "us-east-1";

pub fn ctx() -> rt::RequestContext {
    rt::RequestContext::internal(ACCOUNT, REGION)
}

pub fn attrs(pairs: &[(&str, &str)]) -> rt::IndexMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

pub async fn create(handler: &Handler, name: &str, attributes: &[(&str, &str)]) -> String {
    let input = CreateQueueRequest {
        queue_name: name.into(),
        attributes: (!attributes.is_empty()).then(|| attrs(attributes)),
        tags: None,
    };
    handler.create_queue(&ctx(), input).await.expect("create queue").queue_url.expect("queue url")
}

pub async fn send(handler: &Handler, queue_url: &str, body: &str) -> SendMessageResult {
    let input = SendMessageRequest { queue_url: queue_url.into(), message_body: body.into(), ..Default::default() };
    handler.send_message(&ctx(), input).await.expect("send message")
}

pub fn receive_request(queue_url: &str, max: i32) -> ReceiveMessageRequest {
    ReceiveMessageRequest { queue_url: queue_url.into(), max_number_of_messages: Some(max), ..Default::default() }
}

pub async fn receive(handler: &Handler, input: ReceiveMessageRequest) -> Vec<Message> {
    handler.receive_message(&ctx(), input).await.expect("receive message").messages.unwrap_or_default()
}

pub async fn attribute(handler: &Handler, queue_url: &str, name: &str) -> Option<String> {
    let input = GetQueueAttributesRequest {
        queue_url: queue_url.into(),
        attribute_names: Some(vec![QueueAttributeName::from(name)]),
    };
    let result = handler.get_queue_attributes(&ctx(), input).await.expect("get queue attributes");
    result.attributes.and_then(|mut a| a.shift_remove(name))
}

/// The code and message of an operation error that is an unmodelled AWS error.
pub fn service_error(e: &rt::CommonError) -> (String, String) {
    match e {
        rt::CommonError::Service(s) => (s.code.to_string(), s.message.clone()),
        other => panic!("expected a service error, got {other:?}"),
    }
}
