"""SQS FIFO queues and dead-letter redrive through boto3, over both SQS wire protocols:
ordering per message group with the in-flight group lock, deduplication by id and by
content, sequence numbers, ReceiveRequestAttemptId, FIFO validation, and redrive to a
dead-letter queue after maxReceiveCount (with RedriveAllowPolicy and
ListDeadLetterSourceQueues)."""

import hashlib
import json
import uuid

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


@pytest.fixture(params=["json", "query"])
def sqs(request, client, sqs_query_client):
    return client("sqs") if request.param == "json" else sqs_query_client


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def fifo_queue(sqs, content_based=False, **attributes):
    attrs = {"FifoQueue": "true", **attributes}
    if content_based:
        attrs["ContentBasedDeduplication"] = "true"
    return sqs.create_queue(QueueName=unique("fifo") + ".fifo", Attributes=attrs)["QueueUrl"]


def arn_of(sqs, url):
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def receive(sqs, url, n=10, **kwargs):
    return sqs.receive_message(
        QueueUrl=url, MaxNumberOfMessages=n, AttributeNames=["All"], **kwargs
    ).get("Messages", [])


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


# --- FIFO ordering and group lock ---------------------------------------------------------------


def test_fifo_orders_within_a_group_and_locks_groups_in_flight(sqs):
    url = fifo_queue(sqs, content_based=True)
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=f"a{i}", MessageGroupId="A")
        sqs.send_message(QueueUrl=url, MessageBody=f"b{i}", MessageGroupId="B")
    first = receive(sqs, url, n=1, VisibilityTimeout=30)
    assert [m["Body"] for m in first] == ["a0"]
    # Group A is locked while a0 is in flight; only B is served, in order.
    rest = receive(sqs, url, VisibilityTimeout=30)
    assert [m["Body"] for m in rest] == ["b0", "b1", "b2"]
    assert receive(sqs, url) == []
    sqs.delete_message(QueueUrl=url, ReceiptHandle=first[0]["ReceiptHandle"])
    assert [m["Body"] for m in receive(sqs, url)] == ["a1", "a2"]


def test_fifo_message_returns_first_after_visibility_expires(sqs):
    url = fifo_queue(sqs, content_based=True)
    for body in ["one", "two"]:
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    got = receive(sqs, url, n=1)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"], VisibilityTimeout=0)
    again = receive(sqs, url)
    assert [m["Body"] for m in again] == ["one", "two"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"


def test_fifo_sequence_numbers_and_system_attributes(sqs):
    url = fifo_queue(sqs)
    sent = [
        sqs.send_message(QueueUrl=url, MessageBody=f"m{i}", MessageGroupId="g", MessageDeduplicationId=f"d{i}")
        for i in range(3)
    ]
    numbers = [int(s["SequenceNumber"]) for s in sent]
    assert numbers == sorted(numbers) and len(set(numbers)) == 3
    got = receive(sqs, url)
    assert [m["Attributes"]["SequenceNumber"] for m in got] == [s["SequenceNumber"] for s in sent]
    assert got[0]["Attributes"]["MessageGroupId"] == "g"
    assert got[0]["Attributes"]["MessageDeduplicationId"] == "d0"
    assert "SentTimestamp" in got[0]["Attributes"]


def test_fifo_deduplication_by_id(sqs):
    url = fifo_queue(sqs)
    first = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="same")
    second = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="same")
    assert second["MessageId"] == first["MessageId"]
    assert second["SequenceNumber"] == first["SequenceNumber"]
    got = receive(sqs, url)
    assert len(got) == 1
    # Deleting the message does not reopen the five-minute window.
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="same")
    assert receive(sqs, url) == []


def test_fifo_deduplication_by_content(sqs):
    url = fifo_queue(sqs, content_based=True)
    a = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g1")
    b = sqs.send_message(QueueUrl=url, MessageBody="same body", MessageGroupId="g2")
    c = sqs.send_message(QueueUrl=url, MessageBody="other body", MessageGroupId="g1")
    assert a["MessageId"] == b["MessageId"] != c["MessageId"]
    got = receive(sqs, url)
    assert [m["Body"] for m in got] == ["same body", "other body"]
    assert got[0]["Attributes"]["MessageDeduplicationId"] == hashlib.sha256(b"same body").hexdigest()


def test_fifo_deduplication_scope_message_group(sqs):
    url = fifo_queue(sqs, DeduplicationScope="messageGroup", FifoThroughputLimit="perMessageGroupId")
    a = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g1", MessageDeduplicationId="d")
    b = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g2", MessageDeduplicationId="d")
    assert a["MessageId"] != b["MessageId"]
    assert len(receive(sqs, url)) == 2


def test_fifo_batch_send_dedups_and_numbers(sqs):
    url = fifo_queue(sqs, content_based=True)
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "a", "MessageBody": "1", "MessageGroupId": "g"},
            {"Id": "b", "MessageBody": "1", "MessageGroupId": "g"},
            {"Id": "c", "MessageBody": "2", "MessageGroupId": "g"},
            {"Id": "d", "MessageBody": "3"},
        ],
    )
    ok = {e["Id"]: e for e in result["Successful"]}
    assert set(ok) == {"a", "b", "c"}
    assert ok["a"]["MessageId"] == ok["b"]["MessageId"]
    assert "SequenceNumber" in ok["c"]
    [failed] = result["Failed"]
    assert failed["Id"] == "d" and failed["Code"] == "MissingParameter" and failed["SenderFault"]


def test_receive_request_attempt_id_replays_the_same_receive(sqs):
    url = fifo_queue(sqs, content_based=True)
    for body in ["a", "b"]:
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId=body)
    first = receive(sqs, url, ReceiveRequestAttemptId="attempt-1")
    assert len(first) == 2
    retry = receive(sqs, url, ReceiveRequestAttemptId="attempt-1")
    assert [m["ReceiptHandle"] for m in retry] == [m["ReceiptHandle"] for m in first]
    assert [m["Attributes"]["ApproximateReceiveCount"] for m in retry] == ["1", "1"]
    # A new attempt id is a new receive: everything is in flight.
    assert receive(sqs, url, ReceiveRequestAttemptId="attempt-2") == []
    for m in first:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert receive(sqs, url, ReceiveRequestAttemptId="attempt-1") == []


def test_fifo_validation_errors(sqs):
    url = fifo_queue(sqs)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageDeduplicationId="d")
    assert error_code(e) == "MissingParameter"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    assert error_code(e) == "InvalidParameterValue"
    assert "ContentBasedDeduplication" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="d", DelaySeconds=5)
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g" * 129, MessageDeduplicationId="d")
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g", MessageDeduplicationId="has space")
    assert error_code(e) == "InvalidParameterValue"
    standard = sqs.create_queue(QueueName=unique("std"))["QueueUrl"]
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=standard, MessageBody="x", MessageDeduplicationId="d")
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=unique("nofifo"), Attributes={"FifoQueue": "true"})
    assert error_code(e) in ("InvalidParameterValue", "InvalidAttributeName")
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"FifoQueue": "false"})
    assert error_code(e) == "InvalidAttributeValue"


def test_fifo_queue_level_delay(sqs):
    url = fifo_queue(sqs, content_based=True, DelaySeconds="1")
    sqs.send_message(QueueUrl=url, MessageBody="later", MessageGroupId="g")
    assert receive(sqs, url) == []
    got = receive(sqs, url, WaitTimeSeconds=3)
    assert [m["Body"] for m in got] == ["later"]


# --- Dead-letter queues ---------------------------------------------------------------------------


def redrive_policy(dlq_arn, count):
    return json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": count})


def test_redrive_moves_message_after_max_receive_count(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = arn_of(sqs, dlq)
    src = sqs.create_queue(
        QueueName=unique("src"), Attributes={"RedrivePolicy": redrive_policy(dlq_arn, "2")}
    )["QueueUrl"]
    src_arn = arn_of(sqs, src)
    policy = json.loads(sqs.get_queue_attributes(QueueUrl=src, AttributeNames=["RedrivePolicy"])["Attributes"]["RedrivePolicy"])
    assert policy == {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 2}
    sent = sqs.send_message(QueueUrl=src, MessageBody="poison")
    for _ in range(2):
        assert len(receive(sqs, src, VisibilityTimeout=0)) == 1
    assert receive(sqs, src) == []
    moved = receive(sqs, dlq)
    assert [m["MessageId"] for m in moved] == [sent["MessageId"]]
    assert moved[0]["Body"] == "poison"
    assert moved[0]["Attributes"]["DeadLetterQueueSourceArn"] == src_arn
    assert sqs.list_dead_letter_source_queues(QueueUrl=dlq)["queueUrls"] == [src]


def test_fifo_redrive_needs_a_fifo_dead_letter_queue(sqs):
    std_dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    with pytest.raises(ClientError) as e:
        fifo_queue(sqs, RedrivePolicy=redrive_policy(arn_of(sqs, std_dlq), 1))
    assert error_code(e) == "InvalidParameterValue"
    fifo_dlq = fifo_queue(sqs)
    src = fifo_queue(sqs, content_based=True, RedrivePolicy=redrive_policy(arn_of(sqs, fifo_dlq), 1))
    sqs.send_message(QueueUrl=src, MessageBody="x", MessageGroupId="g")
    sqs.send_message(QueueUrl=src, MessageBody="y", MessageGroupId="g")
    assert [m["Body"] for m in receive(sqs, src, n=1, VisibilityTimeout=0)] == ["x"]
    # x is past its one receive: it moves, and y (same group) is served next.
    assert [m["Body"] for m in receive(sqs, src, n=1)] == ["y"]
    moved = receive(sqs, fifo_dlq)
    assert [m["Body"] for m in moved] == ["x"]
    assert moved[0]["Attributes"]["MessageGroupId"] == "g"


@pytest.mark.parametrize(
    "policy",
    [
        "not json",
        json.dumps({"maxReceiveCount": 1}),
        json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:missing-dlq"}),
        json.dumps({"deadLetterTargetArn": f"arn:aws:sqs:us-east-1:{ACCOUNT}:missing-dlq", "maxReceiveCount": 1}),
        json.dumps({"deadLetterTargetArn": "DLQ", "maxReceiveCount": 0}),
        json.dumps({"deadLetterTargetArn": "DLQ", "maxReceiveCount": 1001}),
    ],
)
def test_invalid_redrive_policies(sqs, policy):
    dlq_arn = arn_of(sqs, sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"])
    src = sqs.create_queue(QueueName=unique("src"))["QueueUrl"]
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=src, Attributes={"RedrivePolicy": policy.replace('"DLQ"', json.dumps(dlq_arn))})
    assert error_code(e) == "InvalidParameterValue"
    assert "RedrivePolicy" in e.value.response["Error"]["Message"]


def test_redrive_allow_policy(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = arn_of(sqs, dlq)
    allowed = sqs.create_queue(QueueName=unique("allowed"))["QueueUrl"]
    other = sqs.create_queue(QueueName=unique("other"))["QueueUrl"]
    allow = {"redrivePermission": "byQueue", "sourceQueueArns": [arn_of(sqs, allowed)]}
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps(allow)})
    got = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["RedriveAllowPolicy"])["Attributes"]
    assert json.loads(got["RedriveAllowPolicy"]) == allow
    sqs.set_queue_attributes(QueueUrl=allowed, Attributes={"RedrivePolicy": redrive_policy(dlq_arn, 3)})
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=other, Attributes={"RedrivePolicy": redrive_policy(dlq_arn, 3)})
    assert error_code(e) == "InvalidParameterValue"
    sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "denyAll"})})
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=other, Attributes={"RedrivePolicy": redrive_policy(dlq_arn, 3)})
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=dlq, Attributes={"RedriveAllowPolicy": json.dumps({"redrivePermission": "byQueue"})})
    assert error_code(e) == "InvalidParameterValue"
    # An empty value removes a policy.
    sqs.set_queue_attributes(QueueUrl=allowed, Attributes={"RedrivePolicy": ""})
    assert "RedrivePolicy" not in sqs.get_queue_attributes(QueueUrl=allowed, AttributeNames=["All"])["Attributes"]


def test_list_dead_letter_source_queues_pages(sqs):
    dlq = sqs.create_queue(QueueName=unique("dlq"))["QueueUrl"]
    dlq_arn = arn_of(sqs, dlq)
    prefix = unique("srcs")
    sources = [
        sqs.create_queue(QueueName=f"{prefix}-{i}", Attributes={"RedrivePolicy": redrive_policy(dlq_arn, 5)})["QueueUrl"]
        for i in range(3)
    ]
    first = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2)
    assert first["queueUrls"] == sources[:2] and "NextToken" in first
    second = sqs.list_dead_letter_source_queues(QueueUrl=dlq, MaxResults=2, NextToken=first["NextToken"])
    assert second["queueUrls"] == sources[2:] and "NextToken" not in second
    with pytest.raises(ClientError) as e:
        sqs.list_dead_letter_source_queues(QueueUrl=dlq.rsplit("/", 1)[0] + "/nope")
    assert error_code(e) in ("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue")


def test_long_poll_wakes_when_a_delete_releases_the_group(sqs, client):
    import threading
    import time

    url = fifo_queue(sqs, content_based=True)
    for body in ["first", "second"]:
        sqs.send_message(QueueUrl=url, MessageBody=body, MessageGroupId="g")
    [first] = receive(sqs, url, n=1)
    other = client("sqs")
    timer = threading.Timer(0.3, lambda: other.delete_message(QueueUrl=url, ReceiptHandle=first["ReceiptHandle"]))
    start = time.monotonic()
    timer.start()
    try:
        got = receive(sqs, url, WaitTimeSeconds=10)
    finally:
        timer.join()
    assert [m["Body"] for m in got] == ["second"]
    assert time.monotonic() - start < 3


def test_message_system_attribute_names_select_attributes(client):
    """The JSON protocol's MessageSystemAttributeNames picks system attributes one by one."""
    sqs = client("sqs")
    url = fifo_queue(sqs, content_based=True)
    sent = sqs.send_message(QueueUrl=url, MessageBody="x", MessageGroupId="g")
    [m] = sqs.receive_message(
        QueueUrl=url, MessageSystemAttributeNames=["SequenceNumber", "MessageGroupId", "SentTimestamp"]
    )["Messages"]
    assert set(m["Attributes"]) == {"SequenceNumber", "MessageGroupId", "SentTimestamp"}
    assert m["Attributes"]["SequenceNumber"] == sent["SequenceNumber"]
