//! awsJson 1.0 (SQS, DynamoDB) and 1.1 (SSM): `X-Amz-Target` requests with JSON bodies,
//! JSON responses with epoch-seconds timestamps and base64 blobs, `__type` errors.

use std::sync::Arc;

use ferrostack_runtime::Protocol::{AwsJson1_0, AwsJson1_1};
use ferrostack_runtime::Service;
use serde_json::json;

use crate::support::*;

async fn sqs_queue(name: &str) -> (Arc<dyn Service>, String) {
    let sqs = sqs_handler::service();
    let reply =
        send(&sqs, AwsJson1_0, aws_json("1.0", "AmazonSQS.CreateQueue", &format!(r#"{{"QueueName":"{name}"}}"#))).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let url = reply.json()["QueueUrl"].as_str().expect("QueueUrl").to_owned();
    (sqs, url)
}

/// `MessageAttributes`: a map of structures, one holding a base64 blob.
#[test]
fn sqs_send_message_reads_a_map_of_structures_with_a_base64_blob() {
    let sqs = sqs_handler::service();
    let req = aws_json(
        "1.0",
        "AmazonSQS.SendMessage",
        r#"{"QueueUrl":"http://localhost:4566/000000000000/q","MessageBody":"hi",
            "MessageAttributes":{
              "color":{"DataType":"String","StringValue":"blue"},
              "raw":{"DataType":"Binary","BinaryValue":"AAEC/w=="},
              "n":{"DataType":"Number.int","StringValue":"7"}}}"#,
    );
    let (operation, input) = decode(&sqs, AwsJson1_0, &req);
    assert_eq!(operation, "SendMessage");
    assert_eq!(
        input["MessageAttributes"],
        json!({
            "color": {"DataType": "String", "StringValue": "blue"},
            "raw": {"DataType": "Binary", "BinaryValue": {"blob": String::from_utf8_lossy(&[0, 1, 2, 255])}},
            "n": {"DataType": "Number.int", "StringValue": "7"},
        })
    );
}

/// A blob goes out as the same base64 it came in as, inside the nested map.
#[tokio::test]
async fn sqs_message_attributes_round_trip_with_binary_values() {
    let (sqs, url) = sqs_queue("json-attrs").await;
    let body = json!({
        "QueueUrl": url,
        "MessageBody": "hello",
        "MessageAttributes": {
            "color": {"DataType": "String", "StringValue": "blue"},
            "raw": {"DataType": "Binary", "BinaryValue": "AAEC/w=="},
        },
    });
    let sent = send(&sqs, AwsJson1_0, aws_json("1.0", "AmazonSQS.SendMessage", &body.to_string())).await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert_eq!(sent.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(sent.json()["MD5OfMessageBody"], "5d41402abc4b2a76b9719d911017c592");

    let receive =
        json!({"QueueUrl": url, "MessageAttributeNames": ["All"], "MessageSystemAttributeNames": ["SentTimestamp"]});
    let received = send(&sqs, AwsJson1_0, aws_json("1.0", "AmazonSQS.ReceiveMessage", &receive.to_string())).await;
    assert_eq!(received.status, 200, "{}", received.text());
    let message = &received.json()["Messages"][0];
    assert_eq!(message["Body"], "hello");
    assert_eq!(
        message["MessageAttributes"],
        json!({
            "color": {"DataType": "String", "StringValue": "blue"},
            "raw": {"DataType": "Binary", "BinaryValue": "AAEC/w=="},
        })
    );
    // SentTimestamp is epoch milliseconds as a string attribute, not a timestamp shape.
    assert!(message["Attributes"]["SentTimestamp"].as_str().is_some_and(|t| t.len() == 13), "{message}");
}

/// awsQueryCompatible: the JSON error names the shape, and `x-amzn-query-error` carries
/// the query code and fault so SDKs raise the same code as over query.
#[tokio::test]
async fn sqs_missing_queue_has_type_and_query_error_header() {
    let sqs = sqs_handler::service();
    let reply = send(&sqs, AwsJson1_0, aws_json("1.0", "AmazonSQS.GetQueueUrl", r#"{"QueueName":"nope"}"#)).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("content-type"), Some("application/x-amz-json-1.0"));
    assert_eq!(reply.header("x-amzn-query-error"), Some("AWS.SimpleQueueService.NonExistentQueue;Sender"));
    assert_eq!(reply.header("x-amzn-requestid"), Some(REQUEST_ID));
    assert_eq!(
        reply.json(),
        json!({"__type": "com.amazonaws.sqs#QueueDoesNotExist", "message": "The specified queue does not exist."})
    );
}

#[tokio::test]
async fn malformed_json_is_a_serialization_exception() {
    let sqs = sqs_handler::service();
    for body in [r#"{"QueueName":"#, "not json", r#"["QueueName"]"#, r#"{"QueueName":5}"#] {
        let reply = send(&sqs, AwsJson1_0, aws_json("1.0", "AmazonSQS.CreateQueue", body)).await;
        assert_eq!(reply.status, 400, "{body}: {}", reply.text());
        let error_type = reply.json()["__type"].as_str().unwrap_or_default().to_owned();
        assert!(error_type.ends_with("SerializationException"), "{body}: {error_type}");
    }
}

#[tokio::test]
async fn unknown_target_is_an_unknown_operation() {
    let dynamodb = dynamodb_handler::service();
    for target in ["DynamoDB_20120810.FlyToTheMoon", "SomethingElse.ListTables"] {
        let reply = send(&dynamodb, AwsJson1_0, aws_json("1.0", target, "{}")).await;
        assert_eq!(reply.status, 400, "{target}");
        let error_type = reply.json()["__type"].as_str().unwrap_or_default().to_owned();
        assert!(error_type.ends_with("UnknownOperationException"), "{target}: {error_type}");
    }
    // No target at all.
    let mut req = aws_json("1.0", "x", "{}");
    req.headers.remove("x-amz-target");
    let reply = send(&dynamodb, AwsJson1_0, req).await;
    assert_eq!(reply.status, 400);
    assert!(reply.json()["__type"].as_str().unwrap_or_default().ends_with("UnknownOperationException"));
}

/// Some SDKs send nothing for an input without members set; it reads as `{}`.
#[tokio::test]
async fn empty_body_is_read_as_an_empty_object() {
    let dynamodb = dynamodb_handler::service();
    let reply = send(&dynamodb, AwsJson1_0, aws_json("1.0", "DynamoDB_20120810.ListTables", "")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json(), json!({"TableNames": []}));

    let sqs = sqs_handler::service();
    let reply = send(&sqs, AwsJson1_0, aws_json("1.0", "AmazonSQS.ListQueues", "")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.json(), json!({}));
}

/// Lists of structures and nested structures in, epoch-seconds `CreationDateTime` out.
#[tokio::test]
async fn dynamodb_create_table_nested_structures_and_epoch_timestamps() {
    let dynamodb = dynamodb_handler::service();
    let body = r#"{"TableName":"wire",
        "AttributeDefinitions":[{"AttributeName":"pk","AttributeType":"S"},{"AttributeName":"sk","AttributeType":"N"}],
        "KeySchema":[{"AttributeName":"pk","KeyType":"HASH"},{"AttributeName":"sk","KeyType":"RANGE"}],
        "ProvisionedThroughput":{"ReadCapacityUnits":5,"WriteCapacityUnits":5},
        "Tags":[{"Key":"team","Value":"core"}]}"#;
    let req = aws_json("1.0", "DynamoDB_20120810.CreateTable", body);
    let (_, input) = decode(&dynamodb, AwsJson1_0, &req);
    assert_eq!(input["KeySchema"][1], json!({"AttributeName": "sk", "KeyType": "RANGE"}));
    assert_eq!(input["ProvisionedThroughput"], json!({"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}));

    let before = ferrostack_runtime::DateTime::now().secs() as f64;
    let reply = send(&dynamodb, AwsJson1_0, req).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let table = &reply.json()["TableDescription"];
    assert_eq!(table["TableName"], "wire");
    assert_eq!(
        table["KeySchema"],
        json!([{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
    );
    assert_eq!(table["ProvisionedThroughput"]["ReadCapacityUnits"], 5);
    // A JSON number of seconds since the epoch, not a string.
    let created = table["CreationDateTime"].as_f64().unwrap_or_else(|| panic!("{table}"));
    assert!((created - before).abs() < 5.0, "{created} vs {before}");

    let missing =
        send(&dynamodb, AwsJson1_0, aws_json("1.0", "DynamoDB_20120810.DescribeTable", r#"{"TableName":"gone"}"#))
            .await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["__type"], "com.amazonaws.dynamodb#ResourceNotFoundException");
    assert_eq!(missing.json()["message"], "Requested resource not found: Table: gone not found");
}

/// awsJson 1.1: its own media type, `LastModifiedDate` as epoch seconds, and the bare
/// shape name as `__type`.
#[tokio::test]
async fn ssm_get_parameter_epoch_seconds_and_1_1_errors() {
    let ssm = ssm_handler::service();
    let put = r#"{"Name":"/wire/p","Value":"v1","Type":"String"}"#;
    let reply = send(&ssm, AwsJson1_1, aws_json("1.1", "AmazonSSM.PutParameter", put)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.header("content-type"), Some("application/x-amz-json-1.1"));
    assert_eq!(reply.json()["Version"], 1);

    let before = ferrostack_runtime::DateTime::now().secs() as f64;
    let reply = send(&ssm, AwsJson1_1, aws_json("1.1", "AmazonSSM.GetParameter", r#"{"Name":"/wire/p"}"#)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let parameter = &reply.json()["Parameter"];
    assert_eq!(parameter["Value"], "v1");
    assert_eq!(parameter["Type"], "String");
    assert_eq!(parameter["ARN"], "arn:aws:ssm:us-east-1:000000000000:parameter/wire/p");
    let modified = parameter["LastModifiedDate"].as_f64().unwrap_or_else(|| panic!("{parameter}"));
    assert!((modified - before).abs() < 5.0, "{modified} vs {before}");

    let missing = send(&ssm, AwsJson1_1, aws_json("1.1", "AmazonSSM.GetParameter", r#"{"Name":"/wire/none"}"#)).await;
    assert_eq!(missing.status, 400);
    assert_eq!(missing.json()["__type"], "ParameterNotFound");
}

/// Epoch seconds going in: a fractional JSON number for a timestamp member.
#[test]
fn epoch_seconds_with_a_fraction_decode_exactly() {
    let cloudwatch = cloudwatch_handler::service();
    let req = aws_json(
        "1.0",
        "GraniteServiceVersion20100801.PutMetricData",
        r#"{"Namespace":"Wire","MetricData":[{"MetricName":"M","Value":1,"Timestamp":1714566615.25}]}"#,
    );
    let (_, input) = decode(&cloudwatch, AwsJson1_0, &req);
    assert_eq!(input["MetricData"][0]["Timestamp"], json!({"timestamp": "2024-05-01T12:30:15.25Z"}));
}

/// `null` for a member is the member absent (JavaScript clients send them).
#[tokio::test]
async fn null_members_are_absent() {
    let sqs = sqs_handler::service();
    let req = aws_json("1.0", "AmazonSQS.CreateQueue", r#"{"QueueName":"nulls","Attributes":null,"tags":null}"#);
    let (_, input) = decode(&sqs, AwsJson1_0, &req);
    assert_eq!(input, json!({"QueueName": "nulls"}));
    let reply = send(&sqs, AwsJson1_0, req).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
}

/// `SendMessageBatch`: a list of structures each holding a map of structures; the
/// answer's `Successful` and `Failed` lists of structures.
#[tokio::test]
async fn sqs_send_message_batch_nested_entries() {
    let (sqs, url) = sqs_queue("json-batch").await;
    let body = json!({
        "QueueUrl": url,
        "Entries": [
            {"Id": "m1", "MessageBody": "one", "MessageAttributes": {"a": {"DataType": "String", "StringValue": "x"}}},
            {"Id": "m2", "MessageBody": "two", "DelaySeconds": 1000},
        ],
    });
    let reply = send(&sqs, AwsJson1_0, aws_json("1.0", "AmazonSQS.SendMessageBatch", &body.to_string())).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let answer = reply.json();
    assert_eq!(answer["Successful"][0]["Id"], "m1");
    assert_eq!(answer["Successful"][0]["MD5OfMessageBody"], "f97c5d29941bfb1b2fdab0874906ab82");
    assert_eq!(answer["Failed"][0]["Id"], "m2");
    assert_eq!(answer["Failed"][0]["SenderFault"], true);
    assert!(answer["Failed"][0]["Code"].is_string(), "{answer}");
}

/// JSON string escapes, a surrogate pair among them, read to the characters they stand
/// for and written back as UTF-8 (or escapes) that parse to the same text.
#[tokio::test]
async fn json_escapes_and_non_ascii_text_round_trip() {
    let ssm = ssm_handler::service();
    let put = r#"{"Name":"/wire/u","Value":"\ud83d\ude00 caf\u00e9 \"q\" \\ \n\t","Type":"String"}"#;
    let (_, input) = decode(&ssm, AwsJson1_1, &aws_json("1.1", "AmazonSSM.PutParameter", put));
    assert_eq!(input["Value"], "😀 café \"q\" \\ \n\t");
    assert_eq!(send(&ssm, AwsJson1_1, aws_json("1.1", "AmazonSSM.PutParameter", put)).await.status, 200);
    let got = send(&ssm, AwsJson1_1, aws_json("1.1", "AmazonSSM.GetParameter", r#"{"Name":"/wire/u"}"#)).await;
    assert_eq!(got.json()["Parameter"]["Value"], "😀 café \"q\" \\ \n\t");
}
