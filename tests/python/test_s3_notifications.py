"""S3 event notifications: the configuration round trip and its validation (destinations must
exist, overlapping configurations are refused), the s3:TestEvent, and S3's event records
delivered to SQS (directly and through SNS) with prefix/suffix filters."""

import json
import time

import pytest
from botocore.exceptions import ClientError

BUCKET = "notified"
ACCOUNT = "000000000000"


@pytest.fixture(scope="module")
def s3(client):
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


@pytest.fixture(scope="module")
def sqs(client):
    return client("sqs")


def make_queue(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def receive(sqs, url, count, timeout=5.0):
    """Message bodies (parsed) until `count` arrived or the timeout passed."""
    bodies = []
    deadline = time.time() + timeout
    while len(bodies) < count and time.time() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for m in got:
            bodies.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return bodies


def queue_notified_of(s3, sqs, bucket, queue, events):
    """Sends `bucket`'s `events` to a new SQS queue; returns its URL, the test event taken off."""
    url, arn = make_queue(sqs, queue)
    s3.put_bucket_notification_configuration(
        Bucket=bucket,
        NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": events}]},
    )
    receive(sqs, url, 1)  # the test event
    return url


def test_empty_configuration(s3):
    config = s3.get_bucket_notification_configuration(Bucket=BUCKET)
    config.pop("ResponseMetadata")
    assert config == {}


def test_missing_queue_is_refused(s3):
    arn = f"arn:aws:sqs:us-east-1:{ACCOUNT}:does-not-exist"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]},
        )
    error = e.value.response["Error"]
    assert error["Code"] == "InvalidArgument"
    assert error["Message"] == "Unable to validate the following destination configurations"
    # Skipping validation stores it all the same.
    s3.put_bucket_notification_configuration(
        Bucket=BUCKET,
        NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]},
        SkipDestinationValidation=True,
    )
    assert s3.get_bucket_notification_configuration(Bucket=BUCKET)["QueueConfigurations"][0]["QueueArn"] == arn


def test_overlapping_configurations_are_refused(s3, sqs):
    _, arn = make_queue(sqs, "overlap")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "QueueConfigurations": [
                    {"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]},
                    {"QueueArn": arn, "Events": ["s3:ObjectCreated:Put"]},
                ]
            },
        )
    assert e.value.response["Error"]["Code"] == "InvalidArgument"


def test_sqs_records_with_filters(s3, sqs):
    url, arn = make_queue(sqs, "s3-events")
    config = {
        "QueueConfigurations": [
            {
                "Id": "created-txt",
                "QueueArn": arn,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {
                    "Key": {"FilterRules": [{"Name": "prefix", "Value": "in/"}, {"Name": "suffix", "Value": ".txt"}]}
                },
            },
            {"Id": "removed", "QueueArn": arn, "Events": ["s3:ObjectRemoved:*"]},
        ]
    }
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration=config)
    got = s3.get_bucket_notification_configuration(Bucket=BUCKET)
    got.pop("ResponseMetadata")
    # S3 hands the filter rule names back capitalised.
    for rule in config["QueueConfigurations"][0]["Filter"]["Key"]["FilterRules"]:
        rule["Name"] = rule["Name"].capitalize()
    assert got == config

    [test_event] = receive(sqs, url, 1)
    assert test_event["Service"] == "Amazon S3"
    assert test_event["Event"] == "s3:TestEvent"
    assert test_event["Bucket"] == BUCKET

    s3.put_object(Bucket=BUCKET, Key="in/skip.bin", Body=b"no")
    s3.put_object(Bucket=BUCKET, Key="other/skip.txt", Body=b"no")
    etag = s3.put_object(Bucket=BUCKET, Key="in/my file.txt", Body=b"hello")["ETag"].strip('"')
    s3.copy_object(Bucket=BUCKET, Key="in/copy.txt", CopySource={"Bucket": BUCKET, "Key": "in/my file.txt"})
    s3.delete_object(Bucket=BUCKET, Key="in/copy.txt")

    bodies = receive(sqs, url, 3)
    records = [b["Records"][0] for b in bodies]
    assert [r["eventName"] for r in records] == ["ObjectCreated:Put", "ObjectCreated:Copy", "ObjectRemoved:Delete"]
    put = records[0]
    assert put["eventVersion"] == "2.1"
    assert put["eventSource"] == "aws:s3"
    assert put["awsRegion"] == "us-east-1"
    assert put["eventTime"].endswith("Z") and "." in put["eventTime"]
    assert put["s3"]["s3SchemaVersion"] == "1.0"
    assert put["s3"]["configurationId"] == "created-txt"
    assert put["s3"]["bucket"]["name"] == BUCKET
    assert put["s3"]["bucket"]["arn"] == f"arn:aws:s3:::{BUCKET}"
    assert put["s3"]["object"]["key"] == "in/my+file.txt"
    assert put["s3"]["object"]["size"] == 5
    assert put["s3"]["object"]["eTag"] == etag
    assert len(put["s3"]["object"]["sequencer"]) >= 16
    assert records[2]["s3"]["configurationId"] == "removed"
    assert "size" not in records[2]["s3"]["object"]
    assert records[0]["s3"]["object"]["sequencer"] < records[1]["s3"]["object"]["sequencer"]
    # Nothing else was sent: the filtered-out writes stayed quiet.
    assert receive(sqs, url, 1, timeout=1.5) == []


def test_versioned_delete_marker_event(s3, sqs):
    s3.create_bucket(Bucket="notified-versioned")
    s3.put_bucket_versioning(Bucket="notified-versioned", VersioningConfiguration={"Status": "Enabled"})
    events = ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"]
    url = queue_notified_of(s3, sqs, "notified-versioned", "s3-versioned-events", events)
    version = s3.put_object(Bucket="notified-versioned", Key="k", Body=b"v1")["VersionId"]
    s3.delete_object(Bucket="notified-versioned", Key="k")
    records = [b["Records"][0] for b in receive(sqs, url, 2)]
    assert [r["eventName"] for r in records] == ["ObjectCreated:Put", "ObjectRemoved:DeleteMarkerCreated"]
    assert records[0]["s3"]["object"]["versionId"] == version
    assert records[1]["s3"]["object"]["versionId"] != version


def test_sns_destination(s3, sqs, client):
    sns = client("sns")
    topic = sns.create_topic(Name="s3-topic")["TopicArn"]
    url, queue_arn = make_queue(sqs, "via-sns")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn, Attributes={"RawMessageDelivery": "true"})
    s3.create_bucket(Bucket="notified-sns")
    s3.put_bucket_notification_configuration(
        Bucket="notified-sns",
        NotificationConfiguration={"TopicConfigurations": [{"TopicArn": topic, "Events": ["s3:ObjectCreated:*"]}]},
    )
    s3.put_object(Bucket="notified-sns", Key="a.txt", Body=b"x")
    bodies = receive(sqs, url, 2)
    assert bodies[0]["Event"] == "s3:TestEvent"
    assert bodies[1]["Records"][0]["eventName"] == "ObjectCreated:Put"
    assert bodies[1]["Records"][0]["s3"]["object"]["key"] == "a.txt"

    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(
            Bucket="notified-sns",
            NotificationConfiguration={
                "TopicConfigurations": [
                    {"TopicArn": f"arn:aws:sns:us-east-1:{ACCOUNT}:missing", "Events": ["s3:ObjectCreated:*"]}
                ]
            },
        )
    assert e.value.response["Error"]["Code"] == "InvalidArgument"


def test_eventbridge_configuration_round_trip(s3):
    s3.create_bucket(Bucket="notified-eb")
    s3.put_bucket_notification_configuration(
        Bucket="notified-eb", NotificationConfiguration={"EventBridgeConfiguration": {}}
    )
    config = s3.get_bucket_notification_configuration(Bucket="notified-eb")
    assert config["EventBridgeConfiguration"] == {}
    # Writes still succeed while EventBridge cannot take the events.
    s3.put_object(Bucket="notified-eb", Key="k", Body=b"x")
    s3.put_bucket_notification_configuration(Bucket="notified-eb", NotificationConfiguration={})
    config = s3.get_bucket_notification_configuration(Bucket="notified-eb")
    assert "EventBridgeConfiguration" not in config


def test_missing_lambda_function_is_refused(s3):
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:nope"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={
                "LambdaFunctionConfigurations": [{"LambdaFunctionArn": arn, "Events": ["s3:ObjectCreated:*"]}]
            },
        )
    assert e.value.response["Error"]["Code"] == "InvalidArgument"
    assert e.value.response["Error"]["Message"] == "Unable to validate the following destination configurations"


def test_object_acl_event(s3, sqs):
    s3.create_bucket(Bucket="notified-acl")
    s3.put_object(Bucket="notified-acl", Key="k", Body=b"x")
    url = queue_notified_of(s3, sqs, "notified-acl", "acl-events", ["s3:ObjectAcl:Put"])
    s3.put_object_acl(Bucket="notified-acl", Key="k", ACL="private")
    [body] = receive(sqs, url, 1)
    assert body["Records"][0]["eventName"] == "ObjectAcl:Put"


def test_object_tagging_events(s3, sqs):
    s3.create_bucket(Bucket="notified-tags")
    s3.put_object(Bucket="notified-tags", Key="k", Body=b"x")
    url = queue_notified_of(s3, sqs, "notified-tags", "tagging-events", ["s3:ObjectTagging:*"])
    s3.put_object_tagging(Bucket="notified-tags", Key="k", Tagging={"TagSet": [{"Key": "a", "Value": "1"}]})
    s3.delete_object_tagging(Bucket="notified-tags", Key="k")
    names = [b["Records"][0]["eventName"] for b in receive(sqs, url, 2)]
    assert names == ["ObjectTagging:Put", "ObjectTagging:Delete"]
