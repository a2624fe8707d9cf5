//! Queue lifecycle, attributes and tags through the handler's public interface.

mod common;

use std::time::Duration;

use common::*;
use sqs_api::error::*;
use sqs_api::types::*;
use sqs_api::Handler as _;
use sqs_handler::Config;

#[tokio::test]
async fn create_get_list_delete() {
    let h = Handler::default();
    let url = create(&h, "orders", &[]).await;
    assert_eq!(url, "http://localhost:4566/000000000000/orders");

    let got = h
        .get_queue_url(&ctx(), GetQueueUrlRequest { queue_name: "orders".into(), queue_owner_aws_account_id: None })
        .await;
    assert_eq!(got.unwrap().queue_url.as_deref(), Some(url.as_str()));

    let listed = h.list_queues(&ctx(), ListQueuesRequest::default()).await.unwrap();
    assert_eq!(listed.queue_urls, Some(vec![url.clone()]));
    assert_eq!(listed.next_token, None);

    h.delete_queue(&ctx(), DeleteQueueRequest { queue_url: url.clone() }).await.unwrap();
    let err = h
        .get_queue_url(&ctx(), GetQueueUrlRequest { queue_name: "orders".into(), queue_owner_aws_account_id: None })
        .await
        .unwrap_err();
    assert!(
        matches!(err, GetQueueUrlError::QueueDoesNotExist(QueueDoesNotExist { message: Some(ref m) }) if m == "The specified queue does not exist.")
    );
    let err = h.delete_queue(&ctx(), DeleteQueueRequest { queue_url: url }).await.unwrap_err();
    assert!(matches!(err, DeleteQueueError::QueueDoesNotExist(_)));
    assert_eq!(h.list_queues(&ctx(), ListQueuesRequest::default()).await.unwrap().queue_urls, None);
}

#[tokio::test]
async fn queue_urls_from_other_hosts_work_and_missing_queues_are_reported() {
    let h = Handler::default();
    create(&h, "q1", &[]).await;
    let foreign = "https://sqs.us-east-1.localhost.localstack.cloud:4566/000000000000/q1";
    assert!(attribute(&h, foreign, "QueueArn").await.is_some());

    let missing = "http://localhost:4566/000000000000/nope";
    let err = h
        .send_message(
            &ctx(),
            SendMessageRequest { queue_url: missing.into(), message_body: "x".into(), ..Default::default() },
        )
        .await
        .unwrap_err();
    assert!(matches!(err, SendMessageError::QueueDoesNotExist(_)));
    let err = h.purge_queue(&ctx(), PurgeQueueRequest { queue_url: "nope".into() }).await.unwrap_err();
    assert!(matches!(err, PurgeQueueError::InvalidAddress(_)));
}

#[tokio::test]
async fn the_query_protocol_gets_the_wsdl_wording() {
    let h = Handler::default();
    let mut query = ctx();
    query.protocol = ferrostack_runtime::Protocol::AwsQuery;
    let err = h
        .get_queue_url(&query, GetQueueUrlRequest { queue_name: "missing".into(), queue_owner_aws_account_id: None })
        .await
        .unwrap_err();
    let GetQueueUrlError::QueueDoesNotExist(e) = err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("The specified queue does not exist for this wsdl version."));
}

#[tokio::test]
async fn create_is_idempotent_only_for_equal_attributes() {
    let h = Handler::default();
    let url = create(&h, "idem", &[("VisibilityTimeout", "60")]).await;
    assert_eq!(create(&h, "idem", &[("VisibilityTimeout", "60")]).await, url);
    // Attributes left out are not compared.
    assert_eq!(create(&h, "idem", &[]).await, url);
    assert_eq!(create(&h, "idem", &[("DelaySeconds", "0")]).await, url);

    let input = CreateQueueRequest {
        queue_name: "idem".into(),
        attributes: Some(attrs(&[("VisibilityTimeout", "61")])),
        tags: None,
    };
    let err = h.create_queue(&ctx(), input).await.unwrap_err();
    let CreateQueueError::QueueNameExists(e) = err else { panic!("{err:?}") };
    assert_eq!(
        e.message.as_deref(),
        Some("A queue already exists with the same name and a different value for attribute VisibilityTimeout")
    );
}

#[tokio::test]
async fn queue_names_are_validated() {
    let h = Handler::default();
    for (name, attributes) in
        [("has space", vec![]), ("x.fifo", vec![]), ("a.b.fifo", vec![("FifoQueue", "true")]), ("", vec![])]
    {
        let input = CreateQueueRequest { queue_name: name.into(), attributes: Some(attrs(&attributes)), tags: None };
        let err = h.create_queue(&ctx(), input).await.unwrap_err();
        let CreateQueueError::Common(common) = err else { panic!("{name}: {err:?}") };
        assert_eq!(service_error(&common).0, "InvalidParameterValue", "{name}");
    }
    let input = CreateQueueRequest { queue_name: "a".repeat(81), attributes: None, tags: None };
    assert!(h.create_queue(&ctx(), input).await.is_err());
    // FifoQueue is only ever `true`, and only on a `.fifo` name.
    for (name, fifo) in [("no-suffix", "true"), ("plain", "false"), ("x.fifo", "false")] {
        let input =
            CreateQueueRequest { queue_name: name.into(), attributes: Some(attrs(&[("FifoQueue", fifo)])), tags: None };
        let err = h.create_queue(&ctx(), input).await.unwrap_err();
        let CreateQueueError::InvalidAttributeName(e) = err else { panic!("{name}: {err:?}") };
        assert_eq!(e.message.as_deref(), Some("Unknown Attribute FifoQueue."));
    }
    let standard = create(&h, "standard", &[]).await;
    let asked =
        GetQueueAttributesRequest { queue_url: standard, attribute_names: Some(vec![QueueAttributeName::FifoQueue]) };
    assert!(matches!(
        h.get_queue_attributes(&ctx(), asked).await,
        Err(GetQueueAttributesError::InvalidAttributeName(_))
    ));
    let fifo = create(&h, "jobs.fifo", &[("FifoQueue", "true")]).await;
    assert_eq!(attribute(&h, &fifo, "FifoQueue").await.as_deref(), Some("true"));
    assert_eq!(attribute(&h, &fifo, "ContentBasedDeduplication").await.as_deref(), Some("false"));
}

#[tokio::test]
async fn bad_attributes_are_rejected_on_create() {
    let h = Handler::default();
    let create_with = |pairs: &[(&str, &str)]| CreateQueueRequest {
        queue_name: "bad".into(),
        attributes: Some(attrs(pairs)),
        tags: None,
    };
    let err = h.create_queue(&ctx(), create_with(&[("VisibilityTimeout", "43201")])).await.unwrap_err();
    let CreateQueueError::InvalidAttributeValue(e) = err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("Invalid value for the parameter VisibilityTimeout."));
    let err = h.create_queue(&ctx(), create_with(&[("QueueArn", "arn:x")])).await.unwrap_err();
    let CreateQueueError::InvalidAttributeName(e) = err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("Unknown Attribute QueueArn."));
    assert!(h.list_queues(&ctx(), ListQueuesRequest::default()).await.unwrap().queue_urls.is_none());
}

#[tokio::test]
async fn attributes_have_aws_defaults_and_can_be_set() {
    let h = Handler::default();
    let url = create(&h, "attrs", &[]).await;
    let all = h
        .get_queue_attributes(
            &ctx(),
            GetQueueAttributesRequest { queue_url: url.clone(), attribute_names: Some(vec![QueueAttributeName::All]) },
        )
        .await
        .unwrap()
        .attributes
        .unwrap();
    assert_eq!(all["QueueArn"], "arn:aws:sqs:us-east-1:000000000000:attrs");
    assert_eq!(all["VisibilityTimeout"], "30");
    assert_eq!(all["MessageRetentionPeriod"], "345600");
    assert_eq!(all["MaximumMessageSize"], "262144");
    assert_eq!(all["DelaySeconds"], "0");
    assert_eq!(all["ReceiveMessageWaitTimeSeconds"], "0");
    for counter in
        ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
    {
        assert_eq!(all[counter], "0");
    }
    let created: i64 = all["CreatedTimestamp"].parse().unwrap();
    assert!((created - ferrostack_runtime::DateTime::now().secs()).abs() < 5, "epoch seconds: {created}");
    assert!(all.get("FifoQueue").is_none());
    assert!(all.get("Policy").is_none());

    // No names, no attributes.
    let none = h
        .get_queue_attributes(&ctx(), GetQueueAttributesRequest { queue_url: url.clone(), attribute_names: None })
        .await
        .unwrap();
    assert_eq!(none.attributes, None);

    let set = SetQueueAttributesRequest {
        queue_url: url.clone(),
        attributes: attrs(&[("VisibilityTimeout", "5"), ("DelaySeconds", "2")]),
    };
    h.set_queue_attributes(&ctx(), set).await.unwrap();
    assert_eq!(attribute(&h, &url, "VisibilityTimeout").await.as_deref(), Some("5"));
    assert_eq!(attribute(&h, &url, "DelaySeconds").await.as_deref(), Some("2"));

    // A bad value leaves everything as it was.
    let set = SetQueueAttributesRequest {
        queue_url: url.clone(),
        attributes: attrs(&[("VisibilityTimeout", "7"), ("DelaySeconds", "901")]),
    };
    assert!(matches!(
        h.set_queue_attributes(&ctx(), set).await,
        Err(SetQueueAttributesError::InvalidAttributeValue(_))
    ));
    assert_eq!(attribute(&h, &url, "VisibilityTimeout").await.as_deref(), Some("5"));

    let unknown =
        GetQueueAttributesRequest { queue_url: url, attribute_names: Some(vec![QueueAttributeName::from("Bogus")]) };
    let err = h.get_queue_attributes(&ctx(), unknown).await.unwrap_err();
    let GetQueueAttributesError::InvalidAttributeName(e) = err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("Unknown Attribute Bogus."));
}

#[tokio::test]
async fn message_counts_follow_message_states() {
    let h = Handler::default();
    let url = create(&h, "counts", &[]).await;
    send(&h, &url, "visible").await;
    send(&h, &url, "to receive").await;
    let delayed = SendMessageRequest {
        queue_url: url.clone(),
        message_body: "later".into(),
        delay_seconds: Some(60),
        ..Default::default()
    };
    h.send_message(&ctx(), delayed).await.unwrap();
    receive(&h, receive_request(&url, 1)).await;
    assert_eq!(attribute(&h, &url, "ApproximateNumberOfMessages").await.as_deref(), Some("1"));
    assert_eq!(attribute(&h, &url, "ApproximateNumberOfMessagesNotVisible").await.as_deref(), Some("1"));
    assert_eq!(attribute(&h, &url, "ApproximateNumberOfMessagesDelayed").await.as_deref(), Some("1"));
}

#[tokio::test]
async fn list_queues_filters_and_paginates() {
    let h = Handler::default();
    for name in ["alpha-1", "alpha-2", "alpha-3", "beta-1"] {
        create(&h, name, &[]).await;
    }
    let prefixed = h
        .list_queues(&ctx(), ListQueuesRequest { queue_name_prefix: Some("alpha".into()), ..Default::default() })
        .await
        .unwrap();
    assert_eq!(prefixed.queue_urls.unwrap().len(), 3);

    let mut names = Vec::new();
    let mut token = None;
    loop {
        let page = h
            .list_queues(
                &ctx(),
                ListQueuesRequest { queue_name_prefix: None, next_token: token.take(), max_results: Some(3) },
            )
            .await
            .unwrap();
        let urls = page.queue_urls.unwrap_or_default();
        assert!(urls.len() <= 3);
        names.extend(urls.into_iter().map(|u| u.rsplit('/').next().unwrap().to_owned()));
        match page.next_token {
            Some(t) => token = Some(t),
            None => break,
        }
    }
    assert_eq!(names, ["alpha-1", "alpha-2", "alpha-3", "beta-1"]);

    let err =
        h.list_queues(&ctx(), ListQueuesRequest { max_results: Some(0), ..Default::default() }).await.unwrap_err();
    let ListQueuesError::Common(common) = err else { panic!("{err:?}") };
    assert_eq!(service_error(&common).0, "InvalidParameterValue");
    let err = h.list_queues(&ctx(), ListQueuesRequest { next_token: Some("!!".into()), ..Default::default() }).await;
    assert!(err.is_err());
}

#[tokio::test]
async fn queues_are_scoped_to_account_and_region() {
    let h = Handler::default();
    create(&h, "scoped", &[]).await;
    let other_region = ferrostack_runtime::RequestContext::internal(ACCOUNT, "eu-west-1");
    let listed = h.list_queues(&other_region, ListQueuesRequest::default()).await.unwrap();
    assert_eq!(listed.queue_urls, None);
    // Another account reaches the queue through its owner's URL or account id.
    let other_account = ferrostack_runtime::RequestContext::internal("111111111111", REGION);
    let by_owner = GetQueueUrlRequest { queue_name: "scoped".into(), queue_owner_aws_account_id: Some(ACCOUNT.into()) };
    assert!(h.get_queue_url(&other_account, by_owner).await.is_ok());
    let own = GetQueueUrlRequest { queue_name: "scoped".into(), queue_owner_aws_account_id: None };
    assert!(h.get_queue_url(&other_account, own).await.is_err());
}

#[tokio::test]
async fn tags() {
    let h = Handler::default();
    let input =
        CreateQueueRequest { queue_name: "tagged".into(), attributes: None, tags: Some(attrs(&[("team", "a")])) };
    let url = h.create_queue(&ctx(), input).await.unwrap().queue_url.unwrap();
    h.tag_queue(&ctx(), TagQueueRequest { queue_url: url.clone(), tags: attrs(&[("env", "dev"), ("team", "b")]) })
        .await
        .unwrap();
    let tags = h.list_queue_tags(&ctx(), ListQueueTagsRequest { queue_url: url.clone() }).await.unwrap().tags.unwrap();
    assert_eq!(tags, attrs(&[("team", "b"), ("env", "dev")]));
    h.untag_queue(
        &ctx(),
        UntagQueueRequest { queue_url: url.clone(), tag_keys: vec!["team".into(), "env".into(), "absent".into()] },
    )
    .await
    .unwrap();
    assert_eq!(h.list_queue_tags(&ctx(), ListQueueTagsRequest { queue_url: url }).await.unwrap().tags, None);
}

#[tokio::test]
async fn purge_empties_the_queue() {
    let h = Handler::default();
    let url = create(&h, "purge", &[]).await;
    send(&h, &url, "a").await;
    send(&h, &url, "b").await;
    receive(&h, receive_request(&url, 1)).await;
    h.purge_queue(&ctx(), PurgeQueueRequest { queue_url: url.clone() }).await.unwrap();
    assert_eq!(attribute(&h, &url, "ApproximateNumberOfMessages").await.as_deref(), Some("0"));
    assert_eq!(attribute(&h, &url, "ApproximateNumberOfMessagesNotVisible").await.as_deref(), Some("0"));
    // Without the opt-in rate limit, purging again right away is fine.
    h.purge_queue(&ctx(), PurgeQueueRequest { queue_url: url }).await.unwrap();
}

#[tokio::test]
async fn strict_config_enforces_aws_cooldowns() {
    let h = Handler::new(Config::strict());
    let url = create(&h, "strict", &[]).await;
    h.purge_queue(&ctx(), PurgeQueueRequest { queue_url: url.clone() }).await.unwrap();
    let err = h.purge_queue(&ctx(), PurgeQueueRequest { queue_url: url.clone() }).await.unwrap_err();
    let PurgeQueueError::PurgeQueueInProgress(e) = err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("Only one PurgeQueue operation on strict is allowed every 60 seconds."));

    h.delete_queue(&ctx(), DeleteQueueRequest { queue_url: url }).await.unwrap();
    let input = CreateQueueRequest { queue_name: "strict".into(), attributes: None, tags: None };
    let err = h.create_queue(&ctx(), input).await.unwrap_err();
    assert!(matches!(err, CreateQueueError::QueueDeletedRecently(_)));

    let relaxed = Handler::new(Config { purge_interval: Some(Duration::from_millis(1)), recreate_delay: None });
    let url = create(&relaxed, "relaxed", &[]).await;
    relaxed.purge_queue(&ctx(), PurgeQueueRequest { queue_url: url.clone() }).await.unwrap();
    tokio::time::sleep(Duration::from_millis(5)).await;
    relaxed.purge_queue(&ctx(), PurgeQueueRequest { queue_url: url }).await.unwrap();
}

#[tokio::test]
async fn reset_clears_everything() {
    let h = Handler::default();
    let url = create(&h, "gone", &[]).await;
    send(&h, &url, "x").await;
    h.reset();
    assert_eq!(h.list_queues(&ctx(), ListQueuesRequest::default()).await.unwrap().queue_urls, None);
    let url = create(&h, "gone", &[]).await;
    assert!(receive(&h, receive_request(&url, 10)).await.is_empty());
}
