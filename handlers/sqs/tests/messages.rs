//! Sending, receiving and settling messages through the handler's public interface.

mod common;

use std::collections::HashSet;
use std::time::Duration;

use common::*;
use ferrostack_runtime as rt;
use md5::{Digest, Md5};
use sqs_api::error::*;
use sqs_api::types::*;
use sqs_api::Handler as _;

fn string_attr(value: &str) -> MessageAttributeValue {
    MessageAttributeValue { data_type: "String".into(), string_value: Some(value.into()), ..Default::default() }
}

fn number_attr(value: &str) -> MessageAttributeValue {
    MessageAttributeValue { data_type: "Number".into(), string_value: Some(value.into()), ..Default::default() }
}

fn binary_attr(value: &'static [u8]) -> MessageAttributeValue {
    MessageAttributeValue {
        data_type: "Binary".into(),
        binary_value: Some(rt::Bytes::from_static(value)),
        ..Default::default()
    }
}

/// MD5OfMessageAttributes written out from AWS's description, independently of the
/// handler: names sorted; per attribute the name, the type, a transport byte (1 string
/// and number, 2 binary) and the value, every string and value prefixed by its length as
/// a 4-byte big-endian integer.
fn expected_attributes_md5(attributes: &[(&str, &MessageAttributeValue)]) -> String {
    let mut sorted = attributes.to_vec();
    sorted.sort_by_key(|(name, _)| name.to_string());
    let mut bytes = Vec::new();
    let field = |bytes: &mut Vec<u8>, data: &[u8]| {
        bytes.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        bytes.extend_from_slice(data);
    };
    for (name, value) in sorted {
        field(&mut bytes, name.as_bytes());
        field(&mut bytes, value.data_type.as_bytes());
        match (&value.string_value, &value.binary_value) {
            (Some(s), _) => {
                bytes.push(1);
                field(&mut bytes, s.as_bytes());
            }
            (None, Some(b)) => {
                bytes.push(2);
                field(&mut bytes, b);
            }
            (None, None) => unreachable!("test attributes always carry a value"),
        }
    }
    format!("{:x}", Md5::digest(&bytes))
}

#[tokio::test]
async fn send_receive_delete() {
    let h = Handler::default();
    let url = create(&h, "basic", &[]).await;
    let sent = send(&h, &url, "hello world").await;
    assert_eq!(sent.md5_of_message_body.as_deref(), Some("5eb63bbbe01eeed093cb22bb8f5acdc3"));
    assert_eq!(sent.md5_of_message_attributes, None);
    let message_id = sent.message_id.unwrap();
    assert_eq!(message_id.len(), 36, "UUID layout: {message_id}");

    let got = receive(&h, receive_request(&url, 10)).await;
    assert_eq!(got.len(), 1);
    let m = &got[0];
    assert_eq!(m.message_id.as_deref(), Some(message_id.as_str()));
    assert_eq!(m.body.as_deref(), Some("hello world"));
    assert_eq!(m.md5_of_body.as_deref(), Some("5eb63bbbe01eeed093cb22bb8f5acdc3"));
    assert_eq!(m.attributes, None);

    // Hidden while in flight.
    assert!(receive(&h, receive_request(&url, 10)).await.is_empty());
    let handle = m.receipt_handle.clone().unwrap();
    h.delete_message(&ctx(), DeleteMessageRequest { queue_url: url.clone(), receipt_handle: handle.clone() })
        .await
        .unwrap();
    // Deleting again is not an error.
    h.delete_message(&ctx(), DeleteMessageRequest { queue_url: url.clone(), receipt_handle: handle }).await.unwrap();
    assert_eq!(attribute(&h, &url, "ApproximateNumberOfMessagesNotVisible").await.as_deref(), Some("0"));
}

#[tokio::test]
async fn invalid_receipt_handles_are_rejected() {
    let h = Handler::default();
    let url = create(&h, "handles", &[]).await;
    let err = h
        .delete_message(&ctx(), DeleteMessageRequest { queue_url: url.clone(), receipt_handle: "garbage".into() })
        .await
        .unwrap_err();
    let DeleteMessageError::ReceiptHandleIsInvalid(e) = err else { panic!("{err:?}") };
    assert_eq!(e.message.as_deref(), Some("The input receipt handle \"garbage\" is not a valid receipt handle."));

    // A real handle of another queue is just as invalid here.
    let other = create(&h, "other", &[]).await;
    send(&h, &other, "x").await;
    let handle = receive(&h, receive_request(&other, 1)).await[0].receipt_handle.clone().unwrap();
    let err =
        h.delete_message(&ctx(), DeleteMessageRequest { queue_url: url, receipt_handle: handle }).await.unwrap_err();
    assert!(matches!(err, DeleteMessageError::ReceiptHandleIsInvalid(_)));
}

#[tokio::test]
async fn receive_parameters_are_validated() {
    let h = Handler::default();
    let url = create(&h, "params", &[]).await;
    for (input, expected) in [
        (
            ReceiveMessageRequest { max_number_of_messages: Some(11), ..receive_request(&url, 1) },
            "Value 11 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
        ),
        (
            ReceiveMessageRequest { max_number_of_messages: Some(0), ..receive_request(&url, 1) },
            "Value 0 for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.",
        ),
        (
            ReceiveMessageRequest { wait_time_seconds: Some(21), ..receive_request(&url, 1) },
            "Value 21 for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.",
        ),
        (
            ReceiveMessageRequest { visibility_timeout: Some(43_201), ..receive_request(&url, 1) },
            "Value 43201 for parameter VisibilityTimeout is invalid. Reason: Must be >= 0 and <= 43200, if provided.",
        ),
    ] {
        let err = h.receive_message(&ctx(), input).await.unwrap_err();
        let ReceiveMessageError::Common(common) = err else { panic!("{err:?}") };
        assert_eq!(service_error(&common), ("InvalidParameterValue".to_owned(), expected.to_owned()));
    }
}

#[tokio::test]
async fn visibility_timeout_expires_and_the_message_returns() {
    let h = Handler::default();
    let url = create(&h, "vis", &[("VisibilityTimeout", "1")]).await;
    send(&h, &url, "again").await;
    let first = receive(&h, receive_request(&url, 1)).await;
    assert_eq!(first.len(), 1);
    assert!(receive(&h, receive_request(&url, 1)).await.is_empty());
    tokio::time::sleep(Duration::from_millis(1_100)).await;

    let mut input = receive_request(&url, 1);
    input.message_system_attribute_names = Some(vec![MessageSystemAttributeName::All]);
    let second = receive(&h, input).await;
    assert_eq!(second.len(), 1);
    assert_eq!(second[0].message_id, first[0].message_id);
    assert_ne!(second[0].receipt_handle, first[0].receipt_handle);
    let attributes = second[0].attributes.clone().unwrap();
    assert_eq!(attributes["ApproximateReceiveCount"], "2");
}

#[tokio::test]
async fn per_call_visibility_timeout_overrides_the_queue() {
    let h = Handler::default();
    let url = create(&h, "per-call", &[]).await;
    send(&h, &url, "quick").await;
    let input = ReceiveMessageRequest { visibility_timeout: Some(1), ..receive_request(&url, 1) };
    assert_eq!(receive(&h, input).await.len(), 1);
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    // Visibility 0 leaves the message receivable straight away.
    let input = ReceiveMessageRequest { visibility_timeout: Some(0), ..receive_request(&url, 1) };
    assert_eq!(receive(&h, input).await.len(), 1);
    // The queue's 30 seconds apply when the call names none.
    assert_eq!(receive(&h, receive_request(&url, 1)).await.len(), 1);
    assert!(receive(&h, receive_request(&url, 1)).await.is_empty());
}

#[tokio::test]
async fn change_message_visibility() {
    let h = Handler::default();
    let url = create(&h, "change", &[]).await;
    send(&h, &url, "m").await;
    let handle = receive(&h, receive_request(&url, 1)).await[0].receipt_handle.clone().unwrap();
    let change = |timeout| ChangeMessageVisibilityRequest {
        queue_url: url.clone(),
        receipt_handle: handle.clone(),
        visibility_timeout: timeout,
    };
    h.change_message_visibility(&ctx(), change(0)).await.unwrap();
    let again = receive(&h, receive_request(&url, 1)).await;
    assert_eq!(again.len(), 1);

    // The first handle is stale now: accepted, changes nothing.
    h.change_message_visibility(&ctx(), change(0)).await.unwrap();
    assert!(receive(&h, receive_request(&url, 1)).await.is_empty());

    let err = h.change_message_visibility(&ctx(), change(43_201)).await.unwrap_err();
    let ChangeMessageVisibilityError::Common(common) = err else { panic!("{err:?}") };
    assert_eq!(service_error(&common).0, "InvalidParameterValue");

    let latest = again[0].receipt_handle.clone().unwrap();
    h.delete_message(&ctx(), DeleteMessageRequest { queue_url: url.clone(), receipt_handle: latest.clone() })
        .await
        .unwrap();
    let gone = ChangeMessageVisibilityRequest { queue_url: url, receipt_handle: latest, visibility_timeout: 10 };
    let err = h.change_message_visibility(&ctx(), gone).await.unwrap_err();
    let ChangeMessageVisibilityError::Common(common) = err else { panic!("{err:?}") };
    assert!(service_error(&common)
        .1
        .ends_with("Reason: Message does not exist or is not available for visibility timeout change."));
}

#[tokio::test]
async fn delay_seconds_per_message_and_per_queue() {
    let h = Handler::default();
    let url = create(&h, "delays", &[]).await;
    let delayed = SendMessageRequest {
        queue_url: url.clone(),
        message_body: "later".into(),
        delay_seconds: Some(1),
        ..Default::default()
    };
    h.send_message(&ctx(), delayed).await.unwrap();
    assert!(receive(&h, receive_request(&url, 1)).await.is_empty());
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    assert_eq!(receive(&h, receive_request(&url, 1)).await.len(), 1);

    let queue_delayed = create(&h, "queue-delay", &[("DelaySeconds", "1")]).await;
    send(&h, &queue_delayed, "later").await;
    assert_eq!(attribute(&h, &queue_delayed, "ApproximateNumberOfMessagesDelayed").await.as_deref(), Some("1"));
    assert!(receive(&h, receive_request(&queue_delayed, 1)).await.is_empty());

    let too_long =
        SendMessageRequest { queue_url: url, message_body: "x".into(), delay_seconds: Some(901), ..Default::default() };
    let err = h.send_message(&ctx(), too_long).await.unwrap_err();
    let SendMessageError::Common(common) = err else { panic!("{err:?}") };
    assert_eq!(
        service_error(&common).1,
        "Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900."
    );
}

#[tokio::test]
async fn message_attribute_digests_match_the_documented_algorithm() {
    let h = Handler::default();
    let url = create(&h, "digests", &[]).await;
    let color = string_attr("blue");
    let count = number_attr("3");
    let blob = binary_attr(b"\x00\x01\xff");
    let mut attributes = rt::IndexMap::new();
    attributes.insert("color".to_owned(), color.clone());
    attributes.insert("count".to_owned(), count.clone());
    attributes.insert("blob".to_owned(), blob.clone());
    let input = SendMessageRequest {
        queue_url: url.clone(),
        message_body: "hello world".into(),
        message_attributes: Some(attributes),
        ..Default::default()
    };
    let sent = h.send_message(&ctx(), input).await.unwrap();
    let expected = expected_attributes_md5(&[("color", &color), ("count", &count), ("blob", &blob)]);
    // Also computed once with Python's hashlib from the same description.
    assert_eq!(expected, "732274c7d247ce5a1091b0878d9a6e2e");
    assert_eq!(sent.md5_of_message_attributes.as_deref(), Some(expected.as_str()));
    assert_eq!(sent.md5_of_message_body.as_deref(), Some("5eb63bbbe01eeed093cb22bb8f5acdc3"));

    // Receiving a subset digests that subset, which is what SDKs check.
    let input =
        ReceiveMessageRequest { message_attribute_names: Some(vec!["color".into()]), ..receive_request(&url, 1) };
    let got = receive(&h, input).await;
    let m = &got[0];
    assert_eq!(m.message_attributes.as_ref().unwrap().keys().collect::<Vec<_>>(), ["color"]);
    assert_eq!(m.md5_of_message_attributes.as_deref(), Some("da1b33cc3cbfe8b1630921e78e6b9880"));
    assert_eq!(m.md5_of_message_attributes, Some(expected_attributes_md5(&[("color", &color)])));
}

#[tokio::test]
async fn message_attribute_names_select_attributes() {
    let h = Handler::default();
    let url = create(&h, "select", &[]).await;
    let mut attributes = rt::IndexMap::new();
    for name in ["trace.id", "trace.parent", "tenant"] {
        attributes.insert(name.to_owned(), string_attr(name));
    }
    let input = SendMessageRequest {
        queue_url: url.clone(),
        message_body: "x".into(),
        message_attributes: Some(attributes),
        ..Default::default()
    };
    h.send_message(&ctx(), input).await.unwrap();

    for (names, expected) in [
        (vec!["All"], vec!["trace.id", "trace.parent", "tenant"]),
        (vec![".*"], vec!["trace.id", "trace.parent", "tenant"]),
        (vec!["trace.*"], vec!["trace.id", "trace.parent"]),
        (vec!["tenant", "absent"], vec!["tenant"]),
    ] {
        let input = ReceiveMessageRequest {
            message_attribute_names: Some(names.iter().map(|s| s.to_string()).collect()),
            visibility_timeout: Some(0),
            ..receive_request(&url, 1)
        };
        let m = receive(&h, input).await.remove(0);
        let got: Vec<String> = m.message_attributes.unwrap().keys().cloned().collect();
        assert_eq!(got, expected, "{names:?}");
    }
    let m =
        receive(&h, ReceiveMessageRequest { visibility_timeout: Some(0), ..receive_request(&url, 1) }).await.remove(0);
    assert_eq!((m.message_attributes, m.md5_of_message_attributes), (None, None));
}

#[tokio::test]
async fn system_attributes_on_receive() {
    let h = Handler::default();
    let url = create(&h, "system", &[]).await;
    let before = rt::DateTime::now().as_millis();
    send(&h, &url, "x").await;
    let input = ReceiveMessageRequest {
        attribute_names: Some(vec![QueueAttributeName::from("SentTimestamp")]),
        message_system_attribute_names: Some(vec![
            MessageSystemAttributeName::ApproximateReceiveCount,
            MessageSystemAttributeName::ApproximateFirstReceiveTimestamp,
            MessageSystemAttributeName::SenderId,
        ]),
        ..receive_request(&url, 1)
    };
    let attributes = receive(&h, input).await.remove(0).attributes.unwrap();
    let sent: i64 = attributes["SentTimestamp"].parse().unwrap();
    let first: i64 = attributes["ApproximateFirstReceiveTimestamp"].parse().unwrap();
    assert!(sent >= before && first >= sent, "epoch millis: {sent} {first}");
    assert_eq!(attributes["ApproximateReceiveCount"], "1");
    assert_eq!(attributes["SenderId"], ACCOUNT);
    assert_eq!(attributes.len(), 4);
}

#[tokio::test]
async fn trace_header_is_a_system_attribute() {
    let h = Handler::default();
    let url = create(&h, "trace", &[]).await;
    let header = MessageSystemAttributeValue {
        data_type: "String".into(),
        string_value: Some("Root=1-5759e988-bd862e3fe1be46a994272793".into()),
        ..Default::default()
    };
    let mut system = rt::IndexMap::new();
    system.insert("AWSTraceHeader".to_owned(), header.clone());
    let input = SendMessageRequest {
        queue_url: url.clone(),
        message_body: "x".into(),
        message_system_attributes: Some(system),
        ..Default::default()
    };
    let sent = h.send_message(&ctx(), input).await.unwrap();
    let as_user = MessageAttributeValue {
        data_type: header.data_type.clone(),
        string_value: header.string_value.clone(),
        ..Default::default()
    };
    assert_eq!(sent.md5_of_message_system_attributes, Some(expected_attributes_md5(&[("AWSTraceHeader", &as_user)])));
    let input = ReceiveMessageRequest {
        message_system_attribute_names: Some(vec![MessageSystemAttributeName::AwsTraceHeader]),
        ..receive_request(&url, 1)
    };
    let attributes = receive(&h, input).await.remove(0).attributes.unwrap();
    assert_eq!(attributes["AWSTraceHeader"], "Root=1-5759e988-bd862e3fe1be46a994272793");
}

#[tokio::test]
async fn bodies_and_attributes_are_validated() {
    let h = Handler::default();
    let url = create(&h, "validate", &[("MaximumMessageSize", "1024")]).await;
    let send_body =
        |body: String| SendMessageRequest { queue_url: url.clone(), message_body: body, ..Default::default() };

    let err = h.send_message(&ctx(), send_body(String::new())).await.unwrap_err();
    let SendMessageError::Common(common) = err else { panic!("{err:?}") };
    assert_eq!(
        service_error(&common),
        ("MissingParameter".to_owned(), "The request must contain the parameter MessageBody.".to_owned())
    );

    let err = h.send_message(&ctx(), send_body("bad \u{1} char".into())).await.unwrap_err();
    assert!(matches!(err, SendMessageError::InvalidMessageContents(_)), "{err:?}");

    assert!(h.send_message(&ctx(), send_body("x".repeat(1024))).await.is_ok());
    let err = h.send_message(&ctx(), send_body("x".repeat(1025))).await.unwrap_err();
    let SendMessageError::Common(common) = err else { panic!("{err:?}") };
    assert_eq!(
        service_error(&common).1,
        "One or more parameters are invalid. Reason: Message must be shorter than 1024 bytes."
    );

    // Attributes count towards the size.
    let mut attributes = rt::IndexMap::new();
    attributes.insert("a".to_owned(), string_attr("b"));
    let input = SendMessageRequest {
        queue_url: url.clone(),
        message_body: "x".repeat(1020),
        message_attributes: Some(attributes),
        ..Default::default()
    };
    assert!(h.send_message(&ctx(), input).await.is_err());

    let mut attributes = rt::IndexMap::new();
    attributes.insert("n".to_owned(), number_attr("not a number"));
    let input = SendMessageRequest {
        queue_url: url,
        message_body: "x".into(),
        message_attributes: Some(attributes),
        ..Default::default()
    };
    let err = h.send_message(&ctx(), input).await.unwrap_err();
    let SendMessageError::Common(common) = err else { panic!("{err:?}") };
    assert_eq!(service_error(&common).1, "Can't cast the value of message (user) attribute 'n' to a number.");
}

#[tokio::test]
async fn fifo_queues_need_group_and_deduplication_ids() {
    let h = Handler::default();
    let url = create(&h, "jobs.fifo", &[("FifoQueue", "true")]).await;
    let plain = SendMessageRequest { queue_url: url.clone(), message_body: "x".into(), ..Default::default() };
    let err = h.send_message(&ctx(), plain.clone()).await.unwrap_err();
    let SendMessageError::Common(common) = err else { panic!("{err:?}") };
    assert_eq!(service_error(&common).1, "The request must contain the parameter MessageGroupId.");

    let grouped = SendMessageRequest { message_group_id: Some("g".into()), ..plain.clone() };
    assert!(h.send_message(&ctx(), grouped.clone()).await.is_err());
    let complete = SendMessageRequest { message_deduplication_id: Some("d1".into()), ..grouped };
    assert!(h.send_message(&ctx(), complete).await.is_ok());

    let standard = create(&h, "standard", &[]).await;
    let input = SendMessageRequest { queue_url: standard, message_deduplication_id: Some("d".into()), ..plain };
    assert!(h.send_message(&ctx(), input).await.is_err());
}

#[tokio::test]
async fn send_batch_reports_failures_per_entry() {
    let h = Handler::default();
    let url = create(&h, "batch", &[]).await;
    let entry = |id: &str, body: &str| SendMessageBatchRequestEntry {
        id: id.into(),
        message_body: body.into(),
        ..Default::default()
    };
    let input = SendMessageBatchRequest {
        queue_url: url.clone(),
        entries: vec![
            entry("ok-1", "first"),
            entry("empty", ""),
            SendMessageBatchRequestEntry { delay_seconds: Some(1_000), ..entry("late", "x") },
            entry("ok-2", "second"),
        ],
    };
    let result = h.send_message_batch(&ctx(), input).await.unwrap();
    let ok: Vec<&str> = result.successful.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ok, ["ok-1", "ok-2"]);
    assert_eq!(result.successful[0].md5_of_message_body, "8b04d5e3775d298e78455efc5ca404d5");
    let failed: Vec<(&str, &str, bool)> =
        result.failed.iter().map(|f| (f.id.as_str(), f.code.as_str(), f.sender_fault)).collect();
    assert_eq!(failed, [("empty", "MissingParameter", true), ("late", "InvalidParameterValue", true)]);

    let bodies: HashSet<String> =
        receive(&h, receive_request(&url, 10)).await.into_iter().filter_map(|m| m.body).collect();
    assert_eq!(bodies, HashSet::from(["first".to_owned(), "second".to_owned()]));
}

#[tokio::test]
async fn batch_shape_errors_fail_the_whole_request() {
    let h = Handler::default();
    let url = create(&h, "shape", &[]).await;
    let entry =
        |id: &str| SendMessageBatchRequestEntry { id: id.into(), message_body: "x".into(), ..Default::default() };
    let batch = |entries| SendMessageBatchRequest { queue_url: url.clone(), entries };

    let err = h.send_message_batch(&ctx(), batch(vec![])).await.unwrap_err();
    assert!(matches!(err, SendMessageBatchError::EmptyBatchRequest(_)), "{err:?}");
    let err = h.send_message_batch(&ctx(), batch((0..11).map(|i| entry(&i.to_string())).collect())).await.unwrap_err();
    assert!(matches!(err, SendMessageBatchError::TooManyEntriesInBatchRequest(_)), "{err:?}");
    let err = h.send_message_batch(&ctx(), batch(vec![entry("a"), entry("a")])).await.unwrap_err();
    assert!(matches!(err, SendMessageBatchError::BatchEntryIdsNotDistinct(_)), "{err:?}");
    let err = h.send_message_batch(&ctx(), batch(vec![entry("no spaces")])).await.unwrap_err();
    assert!(matches!(err, SendMessageBatchError::InvalidBatchEntryId(_)), "{err:?}");
    let big = |id: &str| SendMessageBatchRequestEntry {
        id: id.into(),
        message_body: "x".repeat(100_000),
        ..Default::default()
    };
    let err = h.send_message_batch(&ctx(), batch(vec![big("a"), big("b"), big("c")])).await.unwrap_err();
    let SendMessageBatchError::BatchRequestTooLong(e) = err else { panic!("{err:?}") };
    assert_eq!(
        e.message.as_deref(),
        Some("Batch requests cannot be longer than 262144 bytes. You have sent 300000 bytes.")
    );
    assert_eq!(attribute(&h, &url, "ApproximateNumberOfMessages").await.as_deref(), Some("0"));
}

#[tokio::test]
async fn delete_and_change_visibility_batches() {
    let h = Handler::default();
    let url = create(&h, "settle", &[]).await;
    for body in ["a", "b", "c"] {
        send(&h, &url, body).await;
    }
    let got = receive(&h, receive_request(&url, 10)).await;
    assert_eq!(got.len(), 3);
    let handle = |i: usize| got[i].receipt_handle.clone().unwrap();

    let input = ChangeMessageVisibilityBatchRequest {
        queue_url: url.clone(),
        entries: vec![
            ChangeMessageVisibilityBatchRequestEntry {
                id: "zero".into(),
                receipt_handle: handle(0),
                visibility_timeout: Some(0),
            },
            ChangeMessageVisibilityBatchRequestEntry {
                id: "bogus".into(),
                receipt_handle: "bogus".into(),
                visibility_timeout: Some(0),
            },
        ],
    };
    let result = h.change_message_visibility_batch(&ctx(), input).await.unwrap();
    assert_eq!(result.successful.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["zero"]);
    assert_eq!(result.failed[0].code, "ReceiptHandleIsInvalid");

    let input = DeleteMessageBatchRequest {
        queue_url: url.clone(),
        entries: vec![
            DeleteMessageBatchRequestEntry { id: "b".into(), receipt_handle: handle(1) },
            DeleteMessageBatchRequestEntry { id: "bad".into(), receipt_handle: "fake-receipt-handle".into() },
            DeleteMessageBatchRequestEntry { id: "c".into(), receipt_handle: handle(2) },
        ],
    };
    let result = h.delete_message_batch(&ctx(), input).await.unwrap();
    assert_eq!(result.successful.iter().map(|e| e.id.as_str()).collect::<Vec<_>>(), ["b", "c"]);
    let failed = &result.failed[0];
    assert_eq!(
        (failed.id.as_str(), failed.code.as_str(), failed.sender_fault),
        ("bad", "ReceiptHandleIsInvalid", true)
    );
    assert_eq!(
        failed.message.as_deref(),
        Some("The input receipt handle \"fake-receipt-handle\" is not a valid receipt handle.")
    );
    // Only "a" is left, visible again after its visibility was reset.
    let left = receive(&h, receive_request(&url, 10)).await;
    assert_eq!(left.iter().filter_map(|m| m.body.as_deref()).collect::<Vec<_>>(), ["a"]);
}
