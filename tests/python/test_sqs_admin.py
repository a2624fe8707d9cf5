"""SQS queue administration through boto3, over both SQS wire protocols: AddPermission /
RemovePermission and stored queue policies, message move tasks out of a dead-letter queue,
and PurgeQueue with AWS's once-a-minute rule."""

import json
import time
import uuid

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


@pytest.fixture(params=["json", "query"])
def sqs(request, client, sqs_query_client):
    return client("sqs") if request.param == "json" else sqs_query_client


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def policy_of(sqs, url):
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"]).get("Attributes", {})
    return json.loads(attributes["Policy"]) if "Policy" in attributes else None


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


# --- permissions and policies -------------------------------------------------------------------


def test_add_and_remove_permission(sqs):
    url = sqs.create_queue(QueueName=unique("perm"))["QueueUrl"]
    arn = arn_of(sqs, url)
    sqs.add_permission(QueueUrl=url, Label="send", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    sqs.add_permission(
        QueueUrl=url, Label="read", AWSAccountIds=["111111111111", "222222222222"], Actions=["ReceiveMessage", "DeleteMessage"]
    )
    policy = policy_of(sqs, url)
    assert policy["Version"] == "2012-10-17"
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["send"] == {
        "Sid": "send",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::111111111111:root"},
        "Action": "SQS:SendMessage",
        "Resource": arn,
    }
    assert by_sid["read"]["Action"] == ["SQS:ReceiveMessage", "SQS:DeleteMessage"]
    assert len(by_sid["read"]["Principal"]["AWS"]) == 2

    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=url, Label="send", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    assert error_code(e) == "InvalidParameterValue"

    sqs.remove_permission(QueueUrl=url, Label="send")
    assert [s["Sid"] for s in policy_of(sqs, url)["Statement"]] == ["read"]
    with pytest.raises(ClientError) as e:
        sqs.remove_permission(QueueUrl=url, Label="send")
    assert error_code(e) == "InvalidParameterValue"
    sqs.remove_permission(QueueUrl=url, Label="read")
    assert policy_of(sqs, url) is None


def test_add_permission_limits(sqs):
    url = sqs.create_queue(QueueName=unique("perm"))["QueueUrl"]
    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=url, Label="many", AWSAccountIds=["111111111111"], Actions=["SendMessage"] * 8)
    assert error_code(e) == "OverLimit"
    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=url, Label="bad", AWSAccountIds=["111111111111"], Actions=["Fly"])
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=url, Label="bad label!", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    assert error_code(e) == "InvalidParameterValue"
    missing = url.rsplit("/", 1)[0] + "/no-such-queue"
    with pytest.raises(ClientError) as e:
        sqs.add_permission(QueueUrl=missing, Label="x", AWSAccountIds=["111111111111"], Actions=["SendMessage"])
    assert error_code(e) in ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")


def test_policy_set_as_attribute_is_stored_and_extended(sqs):
    url = sqs.create_queue(QueueName=unique("pol"))["QueueUrl"]
    arn = arn_of(sqs, url)
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "sns", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": arn}],
    }
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(document)})
    assert policy_of(sqs, url) == document
    sqs.add_permission(QueueUrl=url, Label="extra", AWSAccountIds=["111111111111"], Actions=["*"])
    assert [s["Sid"] for s in policy_of(sqs, url)["Statement"]] == ["sns", "extra"]
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": "{not json"})
    assert error_code(e) == "InvalidAttributeValue"
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": ""})
    assert policy_of(sqs, url) is None


# --- message move tasks ---------------------------------------------------------------------------


def dead_lettered(sqs, count):
    """A source queue with `count` messages redriven into its dead-letter queue."""
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = arn_of(sqs, dlq)
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 1})
    src = sqs.create_queue(QueueName=unique("src"), Attributes={"RedrivePolicy": policy})["QueueUrl"]
    for i in range(count):
        sqs.send_message(QueueUrl=src, MessageBody=f"m{i}")
    received = 0
    while received < count:
        received += len(sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10, VisibilityTimeout=0).get("Messages", []))
    # The next receive finds every message past maxReceiveCount and moves it.
    assert sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10).get("Messages", []) == []
    counts = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert counts["ApproximateNumberOfMessages"] == str(count)
    return src, dlq, dlq_arn


def wait_for_task(sqs, source_arn, status, timeout=5.0):
    deadline = time.time() + timeout
    while True:
        [task] = sqs.list_message_move_tasks(SourceArn=source_arn, MaxResults=1)["Results"]
        if task["Status"] == status or time.time() > deadline:
            return task
        time.sleep(0.05)


def test_message_move_task_returns_messages_to_their_source(sqs):
    src, dlq, dlq_arn = dead_lettered(sqs, 3)
    handle = sqs.start_message_move_task(SourceArn=dlq_arn)["TaskHandle"]
    assert handle
    task = wait_for_task(sqs, dlq_arn, "COMPLETED")
    assert task["Status"] == "COMPLETED"
    assert task["ApproximateNumberOfMessagesMoved"] == 3
    assert task["ApproximateNumberOfMessagesToMove"] == 3
    assert task["SourceArn"] == dlq_arn
    assert "TaskHandle" not in task
    bodies = sorted(m["Body"] for m in sqs.receive_message(QueueUrl=src, MaxNumberOfMessages=10)["Messages"])
    assert bodies == ["m0", "m1", "m2"]
    with pytest.raises(ClientError) as e:
        sqs.cancel_message_move_task(TaskHandle=handle)
    assert error_code(e) == "InvalidParameterValue"


def test_message_move_task_to_a_destination_at_a_rate_and_cancel(sqs):
    src, dlq, dlq_arn = dead_lettered(sqs, 3)
    dest = sqs.create_queue(QueueName=unique("dest"))["QueueUrl"]
    handle = sqs.start_message_move_task(
        SourceArn=dlq_arn, DestinationArn=arn_of(sqs, dest), MaxNumberOfMessagesPerSecond=1
    )["TaskHandle"]
    with pytest.raises(ClientError) as e:
        sqs.start_message_move_task(SourceArn=dlq_arn)
    assert error_code(e) == "InvalidParameterValue"
    [running] = sqs.list_message_move_tasks(SourceArn=dlq_arn)["Results"]
    assert running["Status"] == "RUNNING" and running["TaskHandle"] == handle
    assert running["MaxNumberOfMessagesPerSecond"] == 1
    moved = sqs.cancel_message_move_task(TaskHandle=handle)["ApproximateNumberOfMessagesMoved"]
    assert moved < 3
    assert wait_for_task(sqs, dlq_arn, "CANCELLED")["Status"] == "CANCELLED"
    counts = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    assert int(counts["ApproximateNumberOfMessages"]) == 3 - moved


def test_message_move_task_errors(sqs):
    plain = sqs.create_queue(QueueName=unique("plain"))["QueueUrl"]
    with pytest.raises(ClientError) as e:
        sqs.start_message_move_task(SourceArn=arn_of(sqs, plain))
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.start_message_move_task(SourceArn=f"arn:aws:sqs:us-east-1:{ACCOUNT}:no-such-queue")
    assert error_code(e) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        sqs.list_message_move_tasks(SourceArn=f"arn:aws:sqs:us-east-1:{ACCOUNT}:no-such-queue")
    assert error_code(e) == "ResourceNotFoundException"
    with pytest.raises(ClientError) as e:
        sqs.cancel_message_move_task(TaskHandle="bm90IGEgaGFuZGxl")
    assert error_code(e) == "ResourceNotFoundException"
    assert sqs.list_message_move_tasks(SourceArn=arn_of(sqs, plain)).get("Results", []) == []


# --- PurgeQueue ---------------------------------------------------------------------------------


def test_purge_queue_once_a_minute(sqs):
    url = sqs.create_queue(QueueName=unique("purge"))["QueueUrl"]
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.receive_message(QueueUrl=url)
    sqs.purge_queue(QueueUrl=url)
    counts = sqs.get_queue_attributes(
        QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"]
    )["Attributes"]
    assert counts == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}
    with pytest.raises(ClientError) as e:
        sqs.purge_queue(QueueUrl=url)
    assert error_code(e) in ("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert "Only one PurgeQueue operation on" in e.value.response["Error"]["Message"]
    assert isinstance(e.value, sqs.exceptions.PurgeQueueInProgress)
    # Sending still works after a purge.
    sqs.send_message(QueueUrl=url, MessageBody="after")
    assert [m["Body"] for m in sqs.receive_message(QueueUrl=url)["Messages"]] == ["after"]
