"""SNS delivery through boto3 and the AWS CLI: the SQS notification envelope, raw delivery,
MessageStructure=json, Publish validation, filter policies on attributes and bodies,
PublishBatch, FIFO topics into FIFO queues, and redrive of failed deliveries to a DLQ."""

import base64
import json
import re
import time

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"
REGION = "us-east-1"
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


@pytest.fixture(scope="module")
def sns(client):
    return client("sns")


@pytest.fixture(scope="module")
def sqs(client):
    return client("sqs")


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def make_queue(sqs, name, **attributes):
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def subscribed_queue(sns, sqs, topic, name, **attributes):
    url, arn = make_queue(sqs, name, **({"FifoQueue": "true"} if name.endswith(".fifo") else {}))
    sub = sns.subscribe(
        TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes=attributes, ReturnSubscriptionArn=True
    )["SubscriptionArn"]
    return url, sub


def receive(sqs, url, count=1, wait=3.0, settle=0.0):
    """Messages from `url` until `count` arrived or `wait` passed; then `settle` more seconds
    to catch any that should not have come."""
    got = []
    deadline = time.monotonic() + wait
    while len(got) < count and time.monotonic() < deadline:
        out = sqs.receive_message(
            QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1, MessageAttributeNames=["All"]
        )
        for m in out.get("Messages", []):
            got.append(m)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    if settle:
        time.sleep(settle)
        out = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, MessageAttributeNames=["All"])
        got.extend(out.get("Messages", []))
    return got


def test_sqs_gets_the_notification_envelope(sns, sqs):
    topic = sns.create_topic(Name="envelope")["TopicArn"]
    url, sub = subscribed_queue(sns, sqs, topic, "envelope-q")
    published = sns.publish(
        TopicArn=topic,
        Message="hello",
        Subject="greeting",
        MessageAttributes={
            "color": {"DataType": "String", "StringValue": "red"},
            "size": {"DataType": "Number", "StringValue": "5"},
            "blob": {"DataType": "Binary", "BinaryValue": b"\x00\x01"},
        },
    )
    [msg] = receive(sqs, url)
    body = json.loads(msg["Body"])
    assert list(body) == [
        "Type",
        "MessageId",
        "TopicArn",
        "Subject",
        "Message",
        "Timestamp",
        "SignatureVersion",
        "Signature",
        "SigningCertURL",
        "UnsubscribeURL",
        "MessageAttributes",
    ]
    assert body["Type"] == "Notification"
    assert body["MessageId"] == published["MessageId"]
    assert body["TopicArn"] == topic
    assert body["Subject"] == "greeting"
    assert body["Message"] == "hello"
    assert TIMESTAMP.match(body["Timestamp"]), body["Timestamp"]
    assert body["SignatureVersion"] == "1"
    assert base64.b64decode(body["Signature"])
    assert body["SigningCertURL"].startswith("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-")
    assert body["UnsubscribeURL"].endswith(f"?Action=Unsubscribe&SubscriptionArn={sub}")
    assert body["MessageAttributes"] == {
        "color": {"Type": "String", "Value": "red"},
        "size": {"Type": "Number", "Value": "5"},
        "blob": {"Type": "Binary", "Value": base64.b64encode(b"\x00\x01").decode()},
    }
    assert "MessageAttributes" not in msg  # the envelope carries them, not SQS


def test_no_subject_no_attributes_means_no_such_keys(sns, sqs):
    topic = sns.create_topic(Name="bare")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "bare-q")
    sns.publish(TopicArn=topic, Message="x")
    body = json.loads(receive(sqs, url)[0]["Body"])
    assert "Subject" not in body and "MessageAttributes" not in body


def test_raw_message_delivery(sns, sqs):
    topic = sns.create_topic(Name="raw")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "raw-q", RawMessageDelivery="true")
    sns.publish(
        TopicArn=topic,
        Message='{"order": 1}',
        MessageAttributes={"color": {"DataType": "String", "StringValue": "red"}},
    )
    [msg] = receive(sqs, url)
    assert msg["Body"] == '{"order": 1}'
    assert msg["MessageAttributes"] == {"color": {"StringValue": "red", "DataType": "String"}}


def test_message_structure_json_picks_the_sqs_entry(sns, sqs):
    topic = sns.create_topic(Name="structured")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "structured-q")
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "d", "sqs": "for sqs"}))
    sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"default": "only default"}))
    bodies = [json.loads(m["Body"])["Message"] for m in receive(sqs, url, 2)]
    assert sorted(bodies) == ["for sqs", "only default"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, MessageStructure="json", Message=json.dumps({"sqs": "x"}))
    assert error_of(e) == (
        "InvalidParameter",
        "Invalid parameter: Message Structure - No default entry in JSON message body",
        400,
    )
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, MessageStructure="json", Message="not json")
    assert error_of(e)[1] == "Invalid parameter: Message Structure - JSON message body failed to parse"


def test_publish_validation(sns):
    topic = sns.create_topic(Name="validation")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: Empty message", 400)
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x" * (256 * 1024 + 1))
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: Message too long", 400)
    assert sns.publish(TopicArn=topic, Message="x" * (256 * 1024))["MessageId"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:gone", Message="x")
    assert error_of(e) == ("NotFound", "Topic does not exist", 404)
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageAttributes={"n": {"DataType": "Number", "StringValue": "abc"}})
    assert error_of(e) == ("ParameterValueInvalid", "Could not cast message attribute 'n' value to number.", 400)
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageAttributes={"n": {"DataType": "Float", "StringValue": "1"}})
    assert error_of(e)[0] == "ParameterValueInvalid"
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", Subject="")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: Subject", 400)
    with pytest.raises(ClientError) as e:
        sns.publish(Message="x")
    assert error_of(e)[0] == "InvalidParameter"


# Filter policies on message attributes: (policy, messages that must get through).
ATTRIBUTE_POLICIES = {
    "exact": ({"color": ["red", "blue"]}, {"red", "blue"}),
    "prefix": ({"color": [{"prefix": "gr"}]}, {"green", "grey"}),
    "suffix": ({"color": [{"suffix": "ue"}]}, {"blue"}),
    "anything-but": ({"color": [{"anything-but": ["red", "blue"]}]}, {"green", "grey", "RED", "n7", "n50", "n200"}),
    "numeric": ({"size": [{"numeric": [">", 5, "<=", 50]}]}, {"n7", "n50"}),
    "exists": ({"size": [{"exists": True}]}, {"n7", "n50", "n200"}),
    "not-exists": ({"size": [{"exists": False}]}, {"red", "blue", "green", "grey", "RED", "none", "arr"}),
    "ignore-case": ({"color": [{"equals-ignore-case": "red"}]}, {"red", "RED"}),
    "or": ({"$or": [{"color": ["green"]}, {"size": [{"numeric": [">=", 200]}]}]}, {"green", "n200"}),
    "array": ({"tags": ["b"]}, {"arr"}),
}


def attributes_for(label):
    if label[0] == "n" and label[1:].isdigit():
        return {
            "color": {"DataType": "String", "StringValue": "black"},
            "size": {"DataType": "Number", "StringValue": label[1:]},
        }
    if label == "none":
        return {}
    if label == "arr":
        return {"tags": {"DataType": "String.Array", "StringValue": '["a", "b"]'}}
    return {"color": {"DataType": "String", "StringValue": label}}


def test_filter_policies_on_attributes(sns, sqs):
    topic = sns.create_topic(Name="filtered")["TopicArn"]
    queues = {}
    for name, (policy, _) in ATTRIBUTE_POLICIES.items():
        queues[name], _ = subscribed_queue(sns, sqs, topic, f"filter-{name}", FilterPolicy=json.dumps(policy))
    labels = ["red", "blue", "green", "grey", "RED", "n7", "n50", "n200", "none", "arr"]
    for label in labels:
        sns.publish(TopicArn=topic, Message=label, MessageAttributes=attributes_for(label))
    for name, (_, expected) in ATTRIBUTE_POLICIES.items():
        got = {json.loads(m["Body"])["Message"] for m in receive(sqs, queues[name], len(expected), settle=0.2)}
        assert got == expected, name


def test_filter_policy_on_the_message_body(sns, sqs):
    topic = sns.create_topic(Name="bodyfilter")["TopicArn"]
    policy = {"order": {"status": ["paid"], "total": [{"numeric": [">", 100]}]}, "region": [{"prefix": "eu-"}]}
    url, _ = subscribed_queue(
        sns, sqs, topic, "bodyfilter-q", FilterPolicy=json.dumps(policy), FilterPolicyScope="MessageBody"
    )
    messages = {
        "yes": {"order": {"status": "paid", "total": 150}, "region": "eu-west-1"},
        "cheap": {"order": {"status": "paid", "total": 50}, "region": "eu-west-1"},
        "open": {"order": {"status": "open", "total": 150}, "region": "eu-west-1"},
        "us": {"order": {"status": "paid", "total": 150}, "region": "us-east-1"},
    }
    for label, body in messages.items():
        sns.publish(TopicArn=topic, Message=json.dumps({**body, "label": label}))
    sns.publish(TopicArn=topic, Message="not json at all")
    got = [json.loads(json.loads(m["Body"])["Message"])["label"] for m in receive(sqs, url, 1, settle=0.2)]
    assert got == ["yes"]


def test_publish_batch(sns, sqs):
    topic = sns.create_topic(Name="batch")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "batch-q", RawMessageDelivery="true")
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[
            {"Id": "a", "Message": "one", "MessageAttributes": {"k": {"DataType": "String", "StringValue": "v"}}},
            {"Id": "b", "Message": "two", "Subject": "s"},
            {"Id": "c", "Message": ""},
        ],
    )
    assert sorted(e["Id"] for e in out["Successful"]) == ["a", "b"]
    assert all(e["MessageId"] for e in out["Successful"])
    assert out["Failed"] == [
        {"Id": "c", "Code": "InvalidParameter", "Message": "Invalid parameter: Empty message", "SenderFault": True}
    ]
    got = receive(sqs, url, 2)
    assert sorted(m["Body"] for m in got) == ["one", "two"]
    with pytest.raises(ClientError) as e:
        sns.publish_batch(
            TopicArn=topic,
            PublishBatchRequestEntries=[{"Id": "x", "Message": "1"}, {"Id": "x", "Message": "2"}],
        )
    assert error_of(e)[0] == "BatchEntryIdsNotDistinct"
    with pytest.raises(ClientError) as e:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": f"i{i}", "Message": "m"} for i in range(11)])
    assert error_of(e)[0] == "TooManyEntriesInBatchRequest"
    with pytest.raises(ClientError) as e:
        sns.publish_batch(TopicArn=topic, PublishBatchRequestEntries=[{"Id": "bad id!", "Message": "m"}])
    assert error_of(e)[0] == "InvalidBatchEntryId"
    with pytest.raises(ClientError) as e:
        sns.publish_batch(
            TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:gone", PublishBatchRequestEntries=[{"Id": "a", "Message": "m"}]
        )
    assert error_of(e)[0] == "NotFound"


def test_fifo_topic_to_fifo_queue_in_order_and_deduplicated(sns, sqs):
    topic = sns.create_topic(Name="orders.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "orders.fifo", RawMessageDelivery="true")
    sequences = []
    for i in range(5):
        out = sns.publish(TopicArn=topic, Message=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
        sequences.append(int(out["SequenceNumber"]))
    assert sequences == sorted(sequences) and len(set(sequences)) == 5
    again = sns.publish(TopicArn=topic, Message="m0 again", MessageGroupId="g", MessageDeduplicationId="d0")
    got = receive(sqs, url, 5, settle=0.2)
    assert [m["Body"] for m in got] == [f"m{i}" for i in range(5)]
    assert again["SequenceNumber"] == str(sequences[0]).zfill(20)
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="z")
    assert error_of(e) == (
        "InvalidParameter",
        "Invalid parameter: The MessageGroupId parameter is required for FIFO topics",
        400,
    )
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageGroupId="g")
    assert "ContentBasedDeduplication" in error_of(e)[1]


def test_fifo_content_based_deduplication_and_envelope(sns, sqs):
    topic = sns.create_topic(
        Name="cbd.fifo", Attributes={"FifoTopic": "true", "ContentBasedDeduplication": "true"}
    )["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "cbd.fifo")
    first = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    second = sns.publish(TopicArn=topic, Message="same", MessageGroupId="g")
    assert first["MessageId"] == second["MessageId"]
    got = receive(sqs, url, 1, settle=0.2)
    assert len(got) == 1
    body = json.loads(got[0]["Body"])
    assert body["SequenceNumber"] == first["SequenceNumber"]
    assert body["Message"] == "same"
    out = sns.publish_batch(
        TopicArn=topic,
        PublishBatchRequestEntries=[{"Id": "1", "Message": "b1", "MessageGroupId": "g"}],
    )
    assert out["Successful"][0]["SequenceNumber"]


def test_standard_topic_refuses_deduplication_id(sns):
    topic = sns.create_topic(Name="nodedup")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageDeduplicationId="d")
    assert error_of(e)[0] == "InvalidParameter"


def test_failed_sqs_delivery_goes_to_the_dead_letter_queue(sns, sqs):
    topic = sns.create_topic(Name="redrive")["TopicArn"]
    dlq_url, dlq_arn = make_queue(sqs, "redrive-dlq")
    gone_url, gone_arn = make_queue(sqs, "redrive-gone")
    sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=gone_arn,
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
    )
    sqs.delete_queue(QueueUrl=gone_url)
    published = sns.publish(TopicArn=topic, Message="lost?")
    [msg] = receive(sqs, dlq_url)
    body = json.loads(msg["Body"])
    assert body["Message"] == "lost?" and body["MessageId"] == published["MessageId"]


def test_lambda_delivery_failure_is_redriven_and_publish_still_succeeds(sns, sqs):
    topic = sns.create_topic(Name="to-lambda")["TopicArn"]
    dlq_url, dlq_arn = make_queue(sqs, "lambda-dlq")
    sns.subscribe(
        TopicArn=topic,
        Protocol="lambda",
        Endpoint=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:does-not-exist",
        Attributes={"RedrivePolicy": json.dumps({"deadLetterTargetArn": dlq_arn})},
    )
    assert sns.publish(TopicArn=topic, Message="to a function")["MessageId"]
    [msg] = receive(sqs, dlq_url)
    assert json.loads(msg["Body"])["Message"] == "to a function"


def test_aws_cli_publish(aws_cli, sns, sqs):
    topic = aws_cli("sns", "create-topic", "--name", "cli-topic")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "cli-q")
    out = aws_cli(
        "sns",
        "publish",
        "--topic-arn",
        topic,
        "--message",
        "from the cli",
        "--subject",
        "cli",
        "--message-attributes",
        '{"kind": {"DataType": "String", "StringValue": "cli"}}',
    )
    assert re.match(r"^[0-9a-f-]{36}$", out["MessageId"])
    body = json.loads(receive(sqs, url)[0]["Body"])
    assert (body["Message"], body["Subject"], body["MessageId"]) == ("from the cli", "cli", out["MessageId"])
    assert body["MessageAttributes"] == {"kind": {"Type": "String", "Value": "cli"}}


def test_fifo_topic_delivers_to_a_standard_queue(sns, sqs):
    topic = sns.create_topic(Name="mixed.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "mixed-standard", RawMessageDelivery="true")
    sns.publish(TopicArn=topic, Message="to standard", MessageGroupId="g", MessageDeduplicationId="1")
    assert [m["Body"] for m in receive(sqs, url)] == ["to standard"]


def test_target_arn_names_a_topic_too(sns, sqs):
    topic = sns.create_topic(Name="by-target")["TopicArn"]
    url, _ = subscribed_queue(sns, sqs, topic, "by-target-q", RawMessageDelivery="true")
    sns.publish(TargetArn=topic, Message="via TargetArn")
    assert [m["Body"] for m in receive(sqs, url)] == ["via TargetArn"]


def test_more_publish_checks(sns):
    topic = sns.create_topic(Name="checks2")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", Subject="two\nlines")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: Subject", 400)
    with pytest.raises(ClientError) as e:
        sns.publish(
            TopicArn=topic,
            Message="x",
            MessageAttributes={"l": {"DataType": "String.Array", "StringValue": "not an array"}},
        )
    assert error_of(e)[0] == "ParameterValueInvalid"
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageAttributes={"s": {"DataType": "String", "StringValue": ""}})
    assert error_of(e) == (
        "ParameterValueInvalid",
        "The message attribute 's' must contain non-empty message attribute value for message attribute type 'String'.",
        400,
    )
    many = {f"a{i}": {"DataType": "String", "StringValue": "v"} for i in range(11)}
    with pytest.raises(ClientError) as e:
        sns.publish(TopicArn=topic, Message="x", MessageAttributes=many)
    assert error_of(e)[0] == "ParameterValueInvalid"
    with pytest.raises(ClientError) as e:
        sns.unsubscribe(SubscriptionArn="not-an-arn")
    assert error_of(e)[0] == "InvalidParameter"
