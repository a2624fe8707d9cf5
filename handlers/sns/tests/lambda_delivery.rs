//! SNS invokes a Lambda subscriber through the Lambda handler trait, asynchronously
//! (`InvocationType=Event`) with the `Records[].Sns` event. A stand-in Lambda handler
//! records what it was called with, so this holds whatever the Lambda service does.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrostack_runtime as rt;
use ferrostack_store::Peers;
use lambda_api::types::{InvocationRequest, InvocationResponse, InvocationType};
use sns_api::types::*;
use sns_api::Handler as _;

#[derive(Default)]
struct RecordingLambda {
    calls: Mutex<Vec<(String, InvocationRequest)>>,
}

#[rt::async_trait]
impl lambda_api::Handler for RecordingLambda {
    async fn invoke(
        &self,
        ctx: &rt::RequestContext,
        input: InvocationRequest,
    ) -> Result<InvocationResponse, lambda_api::error::InvokeError> {
        self.calls.lock().unwrap().push((ctx.account_id.clone(), input));
        Ok(InvocationResponse { status_code: 202, ..Default::default() })
    }
}

#[tokio::test]
async fn lambda_subscribers_get_the_records_sns_event() {
    let peers = Peers::new();
    let lambda = Arc::new(RecordingLambda::default());
    peers.register::<dyn lambda_api::Handler>(lambda.clone());
    let sns = sns_handler::Handler::new(peers.clone());
    let ctx = rt::RequestContext::internal("000000000000", "us-east-1");

    let topic = sns
        .create_topic(&ctx, CreateTopicInput { name: "t".into(), ..Default::default() })
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    let function = "arn:aws:lambda:us-east-1:000000000000:function:f";
    let sub = sns
        .subscribe(
            &ctx,
            SubscribeInput {
                topic_arn: topic.clone(),
                protocol: "lambda".into(),
                endpoint: Some(function.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .subscription_arn
        .unwrap();
    let mut attributes = rt::IndexMap::new();
    attributes.insert(
        "k".to_owned(),
        MessageAttributeValue { data_type: "String".into(), string_value: Some("v".into()), binary_value: None },
    );
    let published = sns
        .publish(
            &ctx,
            PublishInput {
                topic_arn: Some(topic.clone()),
                message: "to lambda".into(),
                message_attributes: Some(attributes),
                ..Default::default()
            },
        )
        .await
        .unwrap();

    let mut waited = 0;
    while lambda.calls.lock().unwrap().is_empty() && waited < 200 {
        tokio::time::sleep(Duration::from_millis(10)).await;
        waited += 1;
    }
    let calls = lambda.calls.lock().unwrap();
    assert_eq!(calls.len(), 1);
    let (account, request) = &calls[0];
    assert_eq!(account, "000000000000");
    assert_eq!(request.function_name, function);
    assert_eq!(request.invocation_type, Some(InvocationType::Event));
    let event: serde_json::Value = serde_json::from_slice(request.payload.as_ref().unwrap()).unwrap();
    let record = &event["Records"][0];
    assert_eq!(record["EventSource"], "aws:sns");
    assert_eq!(record["EventVersion"], "1.0");
    assert_eq!(record["EventSubscriptionArn"], sub.as_str());
    let sns_part = &record["Sns"];
    assert_eq!(sns_part["Type"], "Notification");
    assert_eq!(sns_part["MessageId"], published.message_id.unwrap().as_str());
    assert_eq!(sns_part["TopicArn"], topic.as_str());
    assert_eq!(sns_part["Subject"], serde_json::Value::Null);
    assert_eq!(sns_part["Message"], "to lambda");
    assert_eq!(sns_part["MessageAttributes"]["k"], serde_json::json!({"Type": "String", "Value": "v"}));
    assert!(sns_part["SigningCertUrl"].as_str().unwrap().starts_with("https://sns.us-east-1.amazonaws.com/"));
    assert!(sns_part["UnsubscribeUrl"].as_str().unwrap().contains(&sub));
}
