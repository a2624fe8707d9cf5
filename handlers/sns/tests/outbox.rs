//! Email, SMS and mobile push deliveries are kept in the outbox, with the message each
//! destination would get, and shown through the `/_aws/sns/` developer endpoints.

use ferrostack_runtime as rt;
use ferrostack_store::Peers;
use sns_api::types::*;
use sns_api::Handler as _;

#[tokio::test]
async fn email_sms_and_push_deliveries_are_kept() {
    let sns = sns_handler::Handler::new(Peers::new());
    let ctx = rt::RequestContext::internal("000000000000", "us-east-1");
    let topic = sns
        .create_topic(&ctx, CreateTopicInput { name: "t".into(), ..Default::default() })
        .await
        .unwrap()
        .topic_arn
        .unwrap();
    let mut attributes = rt::IndexMap::new();
    attributes.insert("PlatformCredential".to_owned(), "key".to_owned());
    let app = sns
        .create_platform_application(
            &ctx,
            CreatePlatformApplicationInput { name: "app".into(), platform: "GCM".into(), attributes },
        )
        .await
        .unwrap()
        .platform_application_arn
        .unwrap();
    let endpoint = sns
        .create_platform_endpoint(
            &ctx,
            CreatePlatformEndpointInput { platform_application_arn: app, token: "device".into(), ..Default::default() },
        )
        .await
        .unwrap()
        .endpoint_arn
        .unwrap();
    for (protocol, target) in [("application", endpoint.as_str()), ("sms", "+15555550100"), ("email", "a@example.com")]
    {
        sns.subscribe(
            &ctx,
            SubscribeInput {
                topic_arn: topic.clone(),
                protocol: protocol.into(),
                endpoint: Some(target.into()),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    }
    let email_token = {
        let outbox = sns.outbox("000000000000", "us-east-1");
        let confirmation = outbox.iter().find(|m| m.protocol == "email").expect("a confirmation email");
        let doc: serde_json::Value = serde_json::from_str(&confirmation.message).unwrap();
        doc["Token"].as_str().unwrap().to_owned()
    };
    sns.confirm_subscription(
        &ctx,
        ConfirmSubscriptionInput { topic_arn: topic.clone(), token: email_token, ..Default::default() },
    )
    .await
    .unwrap();
    let message = r#"{"default": "plain", "GCM": "{\"notification\":{\"title\":\"hi\"}}", "sms": "short"}"#;
    sns.publish(
        &ctx,
        PublishInput {
            topic_arn: Some(topic.clone()),
            message: message.into(),
            message_structure: Some("json".into()),
            subject: Some("Hello".into()),
            ..Default::default()
        },
    )
    .await
    .unwrap();

    let outbox = sns.outbox("000000000000", "us-east-1");
    let sent = |protocol: &str| {
        outbox.iter().rfind(|m| m.protocol == protocol && m.topic_arn.is_some() && m.message_id.len() == 36).cloned()
    };
    let push = sent("application").expect("a push message");
    assert_eq!(
        (push.destination.as_str(), push.message.as_str()),
        (endpoint.as_str(), r#"{"notification":{"title":"hi"}}"#)
    );
    let sms = sent("sms").expect("an SMS");
    assert_eq!((sms.destination.as_str(), sms.message.as_str()), ("+15555550100", "short"));
    let email = sent("email").expect("an email");
    assert_eq!((email.message.as_str(), email.subject.as_deref()), ("plain", Some("Hello")));

    let (status, body) = sns.developer_endpoint("/_aws/sns/sms-messages", "region=us-east-1").unwrap();
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(status, 200);
    assert_eq!(body["sms_messages"]["+15555550100"][0]["Message"], "short");
    let (_, body) = sns.developer_endpoint("/_aws/sns/platform-endpoint-messages", "").unwrap();
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["platform_endpoint_messages"][endpoint.as_str()][0]["TargetArn"], endpoint.as_str());
}
