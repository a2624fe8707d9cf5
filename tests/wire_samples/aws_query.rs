//! awsQuery: form-encoded requests as botocore and the AWS SDKs send them to SQS, STS and
//! CloudWatch, and the XML envelopes they parse back.

use ferrostack_runtime::Protocol::AwsQuery;
use serde_json::json;

use crate::support::*;

const SQS_NS: &str = "http://queue.amazonaws.com/doc/2012-11-05/";
const MONITORING_NS: &str = "http://monitoring.amazonaws.com/doc/2010-08-01/";
const QUEUE_URL: &str = "http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fwire";

async fn sqs_with_queue() -> std::sync::Arc<dyn ferrostack_runtime::Service> {
    let sqs = sqs_handler::service();
    let reply = send(&sqs, AwsQuery, query_form("Action=CreateQueue&QueueName=wire&Version=2012-11-05")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    sqs
}

/// `MessageAttribute.N.Name` / `.Value.<member>`: a flattened map whose key and value are
/// renamed by `@xmlName`, with a structure as the value and a base64 blob inside it.
#[test]
fn send_message_reads_flattened_message_attribute_entries() {
    let sqs = sqs_handler::service();
    let req = query_form(
        "Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Fwire\
         &MessageBody=hello+world\
         &MessageAttribute.1.Name=color&MessageAttribute.1.Value.DataType=String\
         &MessageAttribute.1.Value.StringValue=blue\
         &MessageAttribute.2.Name=raw&MessageAttribute.2.Value.DataType=Binary\
         &MessageAttribute.2.Value.BinaryValue=aGk%3D\
         &DelaySeconds=0",
    );
    let (operation, input) = decode(&sqs, AwsQuery, &req);
    assert_eq!(operation, "SendMessage");
    assert_eq!(
        input,
        json!({
            "QueueUrl": "http://localhost:4566/000000000000/wire",
            "MessageBody": "hello world",
            "DelaySeconds": 0,
            "MessageAttributes": {
                "color": {"StringValue": "blue", "DataType": "String"},
                "raw": {"BinaryValue": {"blob": "hi"}, "DataType": "Binary"},
            },
        })
    );
}

/// The same attributes sent, then received: `<Message>` and `<MessageAttribute>` are
/// flattened in the response as they were in the request.
#[tokio::test]
async fn send_then_receive_message_attributes_round_trip_over_query() {
    let sqs = sqs_with_queue().await;
    let send_body = format!(
        "Action=SendMessage&Version=2012-11-05&QueueUrl={QUEUE_URL}&MessageBody=hello\
         &MessageAttribute.1.Name=color&MessageAttribute.1.Value.DataType=String\
         &MessageAttribute.1.Value.StringValue=blue"
    );
    let sent = send(&sqs, AwsQuery, query_form(&send_body)).await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    assert_eq!(sent.header("content-type"), Some("text/xml"));
    assert!(
        sent.text().starts_with(&format!("<SendMessageResponse xmlns=\"{SQS_NS}\"><SendMessageResult>")),
        "{}",
        sent.text()
    );
    // MD5 of "hello", as every SDK checks it.
    assert_eq!(sent.xml_text("MD5OfMessageBody"), "5d41402abc4b2a76b9719d911017c592");
    assert!(sent.text().contains("<MD5OfMessageAttributes>"), "{}", sent.text());
    assert!(sent.text().ends_with(&format!(
        "<ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></SendMessageResponse>"
    )));

    let receive_body = format!(
        "Action=ReceiveMessage&Version=2012-11-05&QueueUrl={QUEUE_URL}&MessageAttributeName.1=All&AttributeName.1=All"
    );
    let received = send(&sqs, AwsQuery, query_form(&receive_body)).await;
    assert_eq!(received.status, 200, "{}", received.text());
    let text = received.text();
    assert!(text.contains("<ReceiveMessageResult><Message><MessageId>"), "{text}");
    assert!(
        text.contains(
            "<MessageAttribute><Name>color</Name><Value><StringValue>blue</StringValue><DataType>String</DataType></Value></MessageAttribute>"
        ),
        "{text}"
    );
    // System attributes are a flattened `<Attribute><Name>..<Value>..` map.
    assert!(text.contains("<Attribute><Name>SentTimestamp</Name><Value>"), "{text}");
    assert_eq!(received.xml_text("Body"), "hello");
}

/// `Attribute.N.Name/Value` and `Tag.N.Key/Value` (flattened maps renamed by `@xmlName`),
/// read back through GetQueueAttributes and ListQueueTags.
#[tokio::test]
async fn create_queue_reads_attribute_and_tag_entries() {
    let sqs = sqs_handler::service();
    let body = "Action=CreateQueue&QueueName=tagged&Version=2012-11-05\
                &Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40\
                &Attribute.2.Name=DelaySeconds&Attribute.2.Value=5\
                &Tag.1.Key=team&Tag.1.Value=core&Tag.2.Key=env&Tag.2.Value=test";
    let (_, input) = decode(&sqs, AwsQuery, &query_form(body));
    assert_eq!(
        input,
        json!({
            "QueueName": "tagged",
            "Attributes": {"VisibilityTimeout": "40", "DelaySeconds": "5"},
            "tags": {"team": "core", "env": "test"},
        })
    );

    let created = send(&sqs, AwsQuery, query_form(body)).await;
    assert_eq!(created.status, 200, "{}", created.text());
    let url = created.xml_text("QueueUrl");
    assert!(url.ends_with("/000000000000/tagged"), "{url}");

    let attributes = send(
        &sqs,
        AwsQuery,
        query_form(&format!(
            "Action=GetQueueAttributes&Version=2012-11-05&QueueUrl={}&AttributeName.1=VisibilityTimeout&AttributeName.2=DelaySeconds",
            form_value(&url)
        )),
    )
    .await;
    let text = attributes.text();
    assert!(text.contains("<Attribute><Name>VisibilityTimeout</Name><Value>40</Value></Attribute>"), "{text}");
    assert!(text.contains("<Attribute><Name>DelaySeconds</Name><Value>5</Value></Attribute>"), "{text}");

    let tags = send(
        &sqs,
        AwsQuery,
        query_form(&format!("Action=ListQueueTags&Version=2012-11-05&QueueUrl={}", form_value(&url))),
    )
    .await;
    let text = tags.text();
    assert!(text.contains("<Tag><Key>team</Key><Value>core</Value></Tag>"), "{text}");
    assert!(text.contains("<Tag><Key>env</Key><Value>test</Value></Tag>"), "{text}");
}

/// `DeleteMessageBatchRequestEntry.N.Id` (a flattened list of structures renamed by
/// `@xmlName`); the result mixes `<DeleteMessageBatchResultEntry>` and
/// `<BatchResultErrorEntry>` siblings, both flattened.
#[tokio::test]
async fn delete_message_batch_reads_entry_n_and_reports_both_outcomes() {
    let sqs = sqs_with_queue().await;
    let sent = send(
        &sqs,
        AwsQuery,
        query_form(&format!("Action=SendMessage&Version=2012-11-05&QueueUrl={QUEUE_URL}&MessageBody=one")),
    )
    .await;
    assert_eq!(sent.status, 200, "{}", sent.text());
    let received =
        send(&sqs, AwsQuery, query_form(&format!("Action=ReceiveMessage&Version=2012-11-05&QueueUrl={QUEUE_URL}")))
            .await;
    let handle = received.xml_text("ReceiptHandle");

    let body = format!(
        "Action=DeleteMessageBatch&Version=2012-11-05&QueueUrl={QUEUE_URL}\
         &DeleteMessageBatchRequestEntry.1.Id=good&DeleteMessageBatchRequestEntry.1.ReceiptHandle={}\
         &DeleteMessageBatchRequestEntry.2.Id=bad&DeleteMessageBatchRequestEntry.2.ReceiptHandle=not-a-handle",
        form_value(&handle)
    );
    let (_, input) = decode(&sqs, AwsQuery, &query_form(&body));
    assert_eq!(
        input["Entries"],
        json!([{"Id": "good", "ReceiptHandle": handle}, {"Id": "bad", "ReceiptHandle": "not-a-handle"}])
    );

    let deleted = send(&sqs, AwsQuery, query_form(&body)).await;
    assert_eq!(deleted.status, 200, "{}", deleted.text());
    let text = deleted.text();
    assert!(text.contains("<DeleteMessageBatchResultEntry><Id>good</Id></DeleteMessageBatchResultEntry>"), "{text}");
    assert!(text.contains("<BatchResultErrorEntry><Id>bad</Id>"), "{text}");
    assert!(text.contains("<Code>ReceiptHandleIsInvalid</Code>"), "{text}");
    assert!(text.contains("<SenderFault>true</SenderFault>"), "{text}");
}

/// No queues: the result element is there and empty, as AWS sends it.
#[tokio::test]
async fn list_queues_without_queues_is_an_empty_result() {
    let sqs = sqs_handler::service();
    let reply = send(&sqs, AwsQuery, query_form("Action=ListQueues&Version=2012-11-05")).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.text(),
        format!(
            "<ListQueuesResponse xmlns=\"{SQS_NS}\"><ListQueuesResult/><ResponseMetadata><RequestId>{REQUEST_ID}\
             </RequestId></ResponseMetadata></ListQueuesResponse>"
        )
    );
}

/// A missing queue over query: `@awsQueryError` code, `Sender` type, the query wording.
#[tokio::test]
async fn missing_queue_answers_the_query_error_envelope() {
    let sqs = sqs_handler::service();
    let reply = send(&sqs, AwsQuery, query_form("Action=GetQueueUrl&QueueName=nope&Version=2012-11-05")).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.header("content-type"), Some("text/xml"));
    assert_eq!(
        reply.text(),
        format!(
            "<ErrorResponse xmlns=\"{SQS_NS}\"><Error><Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>\
             <Message>The specified queue does not exist for this wsdl version.</Message></Error>\
             <RequestId>{REQUEST_ID}</RequestId></ErrorResponse>"
        )
    );
    assert_eq!(reply.header("x-amzn-requestid"), Some(REQUEST_ID));
}

#[tokio::test]
async fn unknown_action_is_invalid_action() {
    let sqs = sqs_handler::service();
    let reply = send(&sqs, AwsQuery, query_form("Action=FlyToTheMoon&Version=2012-11-05")).await;
    assert_eq!(reply.status, 400);
    assert!(reply.text().starts_with(&format!(
        "<ErrorResponse xmlns=\"{SQS_NS}\"><Error><Type>Sender</Type><Code>InvalidAction</Code>"
    )));
    assert!(reply.text().contains("FlyToTheMoon"), "{}", reply.text());
}

#[tokio::test]
async fn missing_action_is_rejected() {
    let sts = sts_handler::service();
    for body in ["Version=2011-06-15", ""] {
        let reply = send(&sts, AwsQuery, query_form(body)).await;
        assert_eq!(reply.status, 400, "{body:?}");
        assert_eq!(reply.xml_text("Code"), "MissingAction", "{body:?}");
        assert_eq!(reply.xml_text("Type"), "Sender");
    }
}

/// STS's namespace and the `<XResult>` + `<ResponseMetadata>` envelope.
#[tokio::test]
async fn sts_get_caller_identity_envelope() {
    let sts = sts_handler::service();
    let reply = send(&sts, AwsQuery, query_form("Action=GetCallerIdentity&Version=2011-06-15")).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert!(
        text.starts_with(
            "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult>"
        ),
        "{text}"
    );
    assert_eq!(reply.xml_text("Account"), ACCOUNT);
    assert_eq!(reply.xml_text("UserId"), ACCOUNT);
    assert_eq!(reply.xml_text("Arn"), "arn:aws:iam::000000000000:root");
    assert!(text.ends_with(&format!(
        "</GetCallerIdentityResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    )));
}

/// A date-time timestamp in a query response: `Credentials/Expiration`.
#[tokio::test]
async fn sts_assume_role_expiration_is_an_iso8601_timestamp() {
    let sts = sts_handler::service();
    let body = "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fwire\
                &RoleSessionName=s1&DurationSeconds=900";
    let before = ferrostack_runtime::DateTime::now().secs();
    let reply = send(&sts, AwsQuery, query_form(body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let expiration = reply.xml_text("Expiration");
    let parsed = ferrostack_runtime::DateTime::parse_rfc3339(&expiration).unwrap_or_else(|| panic!("{expiration}"));
    assert!(expiration.ends_with('Z'), "{expiration}");
    assert!((parsed.secs() - before - 900).abs() <= 5, "{expiration}");
    assert!(reply.text().contains("<AssumedRoleUser><AssumedRoleId>"), "{}", reply.text());
}

/// `MetricData.member.N.Dimensions.member.N.Name`: lists of structures inside a list of
/// structures, with an ISO 8601 `Timestamp`.
#[test]
fn put_metric_data_reads_nested_member_lists_and_iso_timestamps() {
    let cloudwatch = cloudwatch_handler::service();
    let req = query_form(
        "Action=PutMetricData&Version=2010-08-01&Namespace=Wire%2FSamples\
         &MetricData.member.1.MetricName=Latency&MetricData.member.1.Value=12.5&MetricData.member.1.Unit=Milliseconds\
         &MetricData.member.1.Timestamp=2024-05-01T12%3A30%3A15.250Z\
         &MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=web-1\
         &MetricData.member.1.Dimensions.member.2.Name=Stage&MetricData.member.1.Dimensions.member.2.Value=prod\
         &MetricData.member.2.MetricName=Hits&MetricData.member.2.Values.member.1=1&MetricData.member.2.Values.member.2=2\
         &MetricData.member.2.Counts.member.1=3&MetricData.member.2.Counts.member.2=4",
    );
    let (operation, input) = decode(&cloudwatch, AwsQuery, &req);
    assert_eq!(operation, "PutMetricData");
    assert_eq!(
        input,
        json!({
            "Namespace": "Wire/Samples",
            "MetricData": [
                {
                    "MetricName": "Latency",
                    "Dimensions": [{"Name": "Host", "Value": "web-1"}, {"Name": "Stage", "Value": "prod"}],
                    "Timestamp": {"timestamp": "2024-05-01T12:30:15.25Z"},
                    "Value": 12.5,
                    "Unit": "Milliseconds",
                },
                {"MetricName": "Hits", "Values": [1.0, 2.0], "Counts": [3.0, 4.0]},
            ],
        })
    );
}

/// PutMetricData then ListMetrics: `<Metrics><member>` wrapped lists, nested
/// `<Dimensions><member>`, in the monitoring namespace.
#[tokio::test]
async fn put_metric_data_then_list_metrics_xml() {
    let cloudwatch = cloudwatch_handler::service();
    let put = format!(
        "Action=PutMetricData&Version=2010-08-01&Namespace=Wire%2FSamples\
         &MetricData.member.1.MetricName=Latency&MetricData.member.1.Value=12.5&MetricData.member.1.Unit=Milliseconds\
         &MetricData.member.1.Timestamp={}\
         &MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=web-1",
        form_value(&iso(now_minus(60)))
    );
    let reply = send(&cloudwatch, AwsQuery, query_form(&put)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    // No output members: no `<PutMetricDataResult>`.
    assert_eq!(
        reply.text(),
        format!(
            "<PutMetricDataResponse xmlns=\"{MONITORING_NS}\"><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId>\
             </ResponseMetadata></PutMetricDataResponse>"
        )
    );

    let list =
        send(&cloudwatch, AwsQuery, query_form("Action=ListMetrics&Version=2010-08-01&Namespace=Wire%2FSamples")).await;
    assert_eq!(list.status, 200, "{}", list.text());
    assert_eq!(
        list.text(),
        format!(
            "<ListMetricsResponse xmlns=\"{MONITORING_NS}\"><ListMetricsResult><Metrics><member>\
             <Namespace>Wire/Samples</Namespace><MetricName>Latency</MetricName>\
             <Dimensions><member><Name>Host</Name><Value>web-1</Value></member></Dimensions>\
             </member></Metrics></ListMetricsResult><ResponseMetadata><RequestId>{REQUEST_ID}</RequestId>\
             </ResponseMetadata></ListMetricsResponse>"
        )
    );
}

/// Date-time timestamps both ways: `StartTime`/`EndTime` in, `Datapoints/member/Timestamp`
/// out, on a period boundary.
#[tokio::test]
async fn get_metric_statistics_timestamps_in_and_out() {
    let cloudwatch = cloudwatch_handler::service();
    // A minute boundary well inside the accepted window.
    let minute = ferrostack_runtime::DateTime::from_secs((now_minus(600).secs() / 60) * 60);
    let put = format!(
        "Action=PutMetricData&Version=2010-08-01&Namespace=Wire&MetricData.member.1.MetricName=M\
         &MetricData.member.1.Value=4&MetricData.member.1.Timestamp={}",
        form_value(&iso(ferrostack_runtime::DateTime::from_secs(minute.secs() + 10)))
    );
    assert_eq!(send(&cloudwatch, AwsQuery, query_form(&put)).await.status, 200);

    let get = format!(
        "Action=GetMetricStatistics&Version=2010-08-01&Namespace=Wire&MetricName=M&Period=60\
         &StartTime={}&EndTime={}&Statistics.member.1=Sum&Statistics.member.2=SampleCount",
        form_value(&iso(minute)),
        form_value(&iso(ferrostack_runtime::DateTime::from_secs(minute.secs() + 60)))
    );
    let reply = send(&cloudwatch, AwsQuery, query_form(&get)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let text = reply.text();
    assert!(text.contains("<Datapoints><member>"), "{text}");
    assert_eq!(reply.xml_text("Timestamp"), iso(minute));
    // AWS writes doubles as `4.0`; SDKs read any decimal form.
    assert_eq!(reply.xml_text("Sum").parse::<f64>().ok(), Some(4.0));
    assert_eq!(reply.xml_text("Label"), "M");
}

/// The AWS SDK for Java v1 (`QueueUrlHandler`) moves `QueueUrl` out of the form and into
/// the request path, the form AWS's own query API docs show. The queue must be found from
/// the path.
#[tokio::test]

async fn sqs_queue_url_in_the_path_instead_of_the_form() {
    let sqs = sqs_with_queue().await;
    let req = ferrostack_runtime::http::HttpRequest {
        path: "/000000000000/wire".to_owned(),
        ..query_form("Action=SendMessage&Version=2012-11-05&MessageBody=from-java-v1")
    };
    let reply = send(&sqs, AwsQuery, req).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.xml_text("MD5OfMessageBody"), "db26ff5e222928a00a648b27d6a7ba3d");
}

/// `SendMessageBatchRequestEntry.N.MessageAttribute.M.Value.StringValue`: a flattened map
/// inside a flattened list of structures.
#[test]
fn send_message_batch_reads_maps_inside_list_entries() {
    let sqs = sqs_handler::service();
    let body = format!(
        "Action=SendMessageBatch&Version=2012-11-05&QueueUrl={QUEUE_URL}\
         &SendMessageBatchRequestEntry.1.Id=m1&SendMessageBatchRequestEntry.1.MessageBody=first\
         &SendMessageBatchRequestEntry.1.MessageAttribute.1.Name=a\
         &SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.DataType=Number\
         &SendMessageBatchRequestEntry.1.MessageAttribute.1.Value.StringValue=1\
         &SendMessageBatchRequestEntry.2.Id=m2&SendMessageBatchRequestEntry.2.MessageBody=second\
         &SendMessageBatchRequestEntry.2.DelaySeconds=3"
    );
    let (_, input) = decode(&sqs, AwsQuery, &query_form(&body));
    assert_eq!(
        input["Entries"],
        json!([
            {"Id": "m1", "MessageBody": "first", "MessageAttributes": {"a": {"DataType": "Number", "StringValue": "1"}}},
            {"Id": "m2", "MessageBody": "second", "DelaySeconds": 3},
        ])
    );
}

/// Form encoding (`+` is a space, `%2B` a plus) in, XML escaping out, a carriage return
/// kept as `&#xD;` so XML parsers do not fold it (the SDKs check the body's MD5), and a
/// binary attribute as base64 text.
#[tokio::test]
async fn message_text_and_binary_attributes_survive_form_and_xml_encoding() {
    let sqs = sqs_with_queue().await;
    let body = format!(
        "Action=SendMessage&Version=2012-11-05&QueueUrl={QUEUE_URL}&MessageBody={}\
         &MessageAttribute.1.Name=raw&MessageAttribute.1.Value.DataType=Binary&MessageAttribute.1.Value.BinaryValue=AAEC%2Fw%3D%3D",
        form_value("a+b <c> & 'd'\r\né")
    );
    assert!(body.contains("a%2Bb+%3Cc%3E+%26+%27d%27%0D%0A%C3%A9"), "{body}");
    let sent = send(&sqs, AwsQuery, query_form(&body)).await;
    assert_eq!(sent.status, 200, "{}", sent.text());

    let received = send(
        &sqs,
        AwsQuery,
        query_form(&format!(
            "Action=ReceiveMessage&Version=2012-11-05&QueueUrl={QUEUE_URL}&MessageAttributeName.1=raw"
        )),
    )
    .await;
    let text = received.text();
    assert!(text.contains("<Body>a+b &lt;c&gt; &amp; &apos;d&apos;&#xD;\né</Body>"), "{text}");
    assert!(
        text.contains("<MessageAttribute><Name>raw</Name><Value><BinaryValue>AAEC/w==</BinaryValue><DataType>Binary</DataType></Value></MessageAttribute>"),
        "{text}"
    );
}

/// Query parameters may come in the query string of a GET, as the API reference shows.
#[tokio::test]
async fn parameters_in_the_query_string_of_a_get() {
    let sts = sts_handler::service();
    let req = Req::new(http::Method::GET, "/?Action=GetCallerIdentity&Version=2011-06-15").build();
    let reply = send(&sts, AwsQuery, req).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    assert_eq!(reply.xml_text("Account"), ACCOUNT);
}

/// `Tags.member.N.Key` and `PolicyArns.member.N.arn` (a lower-case member name).
#[test]
fn sts_assume_role_reads_member_lists_of_structures() {
    let sts = sts_handler::service();
    let req = query_form(
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fr&RoleSessionName=s\
         &Tags.member.1.Key=team&Tags.member.1.Value=core&Tags.member.2.Key=env&Tags.member.2.Value=dev\
         &PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&TransitiveTagKeys.member.1=team",
    );
    let (_, input) = decode(&sts, AwsQuery, &req);
    assert_eq!(input["Tags"], json!([{"Key": "team", "Value": "core"}, {"Key": "env", "Value": "dev"}]));
    assert_eq!(input["PolicyArns"], json!([{"arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]));
    assert_eq!(input["TransitiveTagKeys"], json!(["team"]));
}

/// GetMetricData: queries nested four levels deep in, a list of date-time timestamps out
/// (`<Timestamps><member>..Z</member>`) next to its list of values.
#[tokio::test]
async fn get_metric_data_nested_queries_and_timestamp_lists() {
    let cloudwatch = cloudwatch_handler::service();
    let minute = (now_minus(900).secs() / 60) * 60;
    for (offset, value) in [(5, 1.0), (65, 2.5)] {
        let put = format!(
            "Action=PutMetricData&Version=2010-08-01&Namespace=Wire%2FData&MetricData.member.1.MetricName=M\
             &MetricData.member.1.Value={value}&MetricData.member.1.Timestamp={}\
             &MetricData.member.1.Dimensions.member.1.Name=Host&MetricData.member.1.Dimensions.member.1.Value=h1",
            form_value(&iso(ferrostack_runtime::DateTime::from_secs(minute + offset)))
        );
        assert_eq!(send(&cloudwatch, AwsQuery, query_form(&put)).await.status, 200);
    }
    let get = format!(
        "Action=GetMetricData&Version=2010-08-01&StartTime={}&EndTime={}&ScanBy=TimestampAscending\
         &MetricDataQueries.member.1.Id=q1\
         &MetricDataQueries.member.1.MetricStat.Metric.Namespace=Wire%2FData\
         &MetricDataQueries.member.1.MetricStat.Metric.MetricName=M\
         &MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name=Host\
         &MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value=h1\
         &MetricDataQueries.member.1.MetricStat.Period=60&MetricDataQueries.member.1.MetricStat.Stat=Sum",
        form_value(&iso(ferrostack_runtime::DateTime::from_secs(minute))),
        form_value(&iso(ferrostack_runtime::DateTime::from_secs(minute + 120)))
    );
    let (_, input) = decode(&cloudwatch, AwsQuery, &query_form(&get));
    assert_eq!(
        input["MetricDataQueries"][0]["MetricStat"]["Metric"]["Dimensions"],
        json!([{"Name": "Host", "Value": "h1"}])
    );

    let reply = send(&cloudwatch, AwsQuery, query_form(&get)).await;
    assert_eq!(reply.status, 200, "{}", reply.text());
    let first = iso(ferrostack_runtime::DateTime::from_secs(minute));
    let second = iso(ferrostack_runtime::DateTime::from_secs(minute + 60));
    let text = reply.text();
    assert!(
        text.contains(&format!("<Timestamps><member>{first}</member><member>{second}</member></Timestamps>")),
        "{text}"
    );
    assert!(text.contains("<Values><member>1"), "{text}");
    assert!(text.contains("<StatusCode>Complete</StatusCode>"), "{text}");
}
