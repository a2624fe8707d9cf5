"""SQS standard-queue behaviour through boto3, over both SQS wire protocols (JSON and the
legacy query protocol): visibility timeouts, delays, long polling, message size, batches with
per-entry failures and AWS's batch limits, message/system attributes with the MD5 digests
SDKs verify, queue attributes and counters, tags, queue URL forms, and errors as AWS words them."""

import hashlib
import http.client
import json
import struct
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


@pytest.fixture(params=["json", "query"])
def sqs(request, client, sqs_query_client):
    return client("sqs") if request.param == "json" else sqs_query_client


def unique(prefix="q"):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def make_queue(sqs, **attributes):
    return sqs.create_queue(QueueName=unique(), Attributes={k: str(v) for k, v in attributes.items()})["QueueUrl"]


def receive(sqs, url, n=10, **kwargs):
    return sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=n, AttributeNames=["All"], **kwargs).get(
        "Messages", []
    )


def counts(sqs, url):
    names = ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed"]
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=names)["Attributes"]
    return tuple(int(attrs[n]) for n in names)


def code_of(excinfo):
    return excinfo.value.response["Error"]["Code"]


def assert_code(excinfo, code):
    """JSON clients see the short code or the query-compatible one; query clients the latter."""
    got = code_of(excinfo)
    assert got == code or got == f"AWS.SimpleQueueService.{code}", got


def md5_of_attributes(attributes):
    """AWS's documented MD5OfMessageAttributes encoding, computed independently."""
    buf = b""
    for name in sorted(attributes):
        value = attributes[name]
        data_type = value["DataType"]
        buf += struct.pack(">I", len(name.encode())) + name.encode()
        buf += struct.pack(">I", len(data_type.encode())) + data_type.encode()
        if "StringValue" in value:
            data = value["StringValue"].encode()
            buf += b"\x01" + struct.pack(">I", len(data)) + data
        else:
            data = value["BinaryValue"]
            buf += b"\x02" + struct.pack(">I", len(data)) + data
    return hashlib.md5(buf).hexdigest()


# --- visibility timeout ------------------------------------------------------------------------


def test_queue_default_visibility_timeout(sqs):
    url = make_queue(sqs, VisibilityTimeout=1)
    sqs.send_message(QueueUrl=url, MessageBody="hello")
    first = receive(sqs, url)
    assert len(first) == 1 and first[0]["Attributes"]["ApproximateReceiveCount"] == "1"
    assert receive(sqs, url) == []
    assert counts(sqs, url) == (0, 1, 0)
    time.sleep(1.1)
    again = receive(sqs, url)
    assert again[0]["MessageId"] == first[0]["MessageId"]
    assert again[0]["Attributes"]["ApproximateReceiveCount"] == "2"
    assert again[0]["Attributes"]["ApproximateFirstReceiveTimestamp"] == first[0]["Attributes"]["ApproximateFirstReceiveTimestamp"]
    assert again[0]["ReceiptHandle"] != first[0]["ReceiptHandle"]


def test_visibility_timeout_per_receive(sqs):
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="x")
    assert len(receive(sqs, url, VisibilityTimeout=0)) == 1
    assert len(receive(sqs, url, VisibilityTimeout=30)) == 1
    assert receive(sqs, url) == []


def test_change_message_visibility_and_batch(sqs):
    url = make_queue(sqs)
    for body in ["a", "b"]:
        sqs.send_message(QueueUrl=url, MessageBody=body)
    got = receive(sqs, url)
    assert len(got) == 2
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"], VisibilityTimeout=0)
    assert [m["Body"] for m in receive(sqs, url, VisibilityTimeout=60)] == [got[0]["Body"]]
    result = sqs.change_message_visibility_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "ok", "ReceiptHandle": got[1]["ReceiptHandle"], "VisibilityTimeout": 0},
            {"Id": "bad", "ReceiptHandle": "garbage", "VisibilityTimeout": 0},
        ],
    )
    assert [e["Id"] for e in result["Successful"]] == ["ok"]
    [failed] = result["Failed"]
    assert failed["Id"] == "bad" and failed["Code"] == "ReceiptHandleIsInvalid" and failed["SenderFault"]
    assert [m["Body"] for m in receive(sqs, url)] == [got[1]["Body"]]
    with pytest.raises(ClientError) as e:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=got[1]["ReceiptHandle"], VisibilityTimeout=43201)
    assert_code(e, "InvalidParameterValue")


# --- delays -------------------------------------------------------------------------------------


def test_delay_per_queue_and_per_message(sqs):
    url = make_queue(sqs, DelaySeconds=1)
    sqs.send_message(QueueUrl=url, MessageBody="queue-delayed")
    sqs.send_message(QueueUrl=url, MessageBody="immediate", DelaySeconds=0)
    assert counts(sqs, url) == (1, 0, 1)
    assert [m["Body"] for m in receive(sqs, url)] == ["immediate"]
    time.sleep(1.1)
    assert [m["Body"] for m in receive(sqs, url)] == ["queue-delayed"]

    plain = make_queue(sqs)
    sqs.send_message(QueueUrl=plain, MessageBody="later", DelaySeconds=1)
    assert receive(sqs, plain) == []
    assert counts(sqs, plain) == (0, 0, 1)
    assert [m["Body"] for m in receive(sqs, plain, WaitTimeSeconds=3)] == ["later"]
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=plain, MessageBody="x", DelaySeconds=901)
    assert_code(e, "InvalidParameterValue")


# --- long polling -------------------------------------------------------------------------------


def test_long_poll_waits_then_returns_empty(sqs):
    url = make_queue(sqs)
    start = time.monotonic()
    assert receive(sqs, url, WaitTimeSeconds=1) == []
    assert 0.9 <= time.monotonic() - start < 3


def test_long_poll_wakes_on_arrival(sqs, client):
    url = make_queue(sqs)
    sender = client("sqs")
    timer = threading.Timer(0.3, lambda: sender.send_message(QueueUrl=url, MessageBody="arrived"))
    start = time.monotonic()
    timer.start()
    try:
        got = receive(sqs, url, WaitTimeSeconds=10)
    finally:
        timer.join()
    assert [m["Body"] for m in got] == ["arrived"]
    assert time.monotonic() - start < 3


def test_queue_receive_wait_time_applies_by_default(sqs):
    url = make_queue(sqs, ReceiveMessageWaitTimeSeconds=1)
    start = time.monotonic()
    assert receive(sqs, url) == []
    assert time.monotonic() - start >= 0.9
    start = time.monotonic()
    assert receive(sqs, url, WaitTimeSeconds=0) == []
    assert time.monotonic() - start < 0.9
    with pytest.raises(ClientError) as e:
        receive(sqs, url, WaitTimeSeconds=21)
    assert_code(e, "InvalidParameterValue")


# --- size ---------------------------------------------------------------------------------------


def test_maximum_message_size(sqs):
    url = make_queue(sqs, MaximumMessageSize=1024)
    sqs.send_message(QueueUrl=url, MessageBody="x" * 1024)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x" * 1025)
    assert_code(e, "InvalidParameterValue")
    # Attributes count toward the size: name, type and value.
    with pytest.raises(ClientError):
        sqs.send_message(
            QueueUrl=url,
            MessageBody="x" * 1000,
            MessageAttributes={"attr": {"DataType": "String", "StringValue": "y" * 30}},
        )
    with pytest.raises(ClientError) as e:
        sqs.set_queue_attributes(QueueUrl=url, Attributes={"MaximumMessageSize": "1023"})
    assert_code(e, "InvalidAttributeValue")


# --- batches ------------------------------------------------------------------------------------


def test_send_batch_with_per_entry_failures(sqs):
    url = make_queue(sqs)
    result = sqs.send_message_batch(
        QueueUrl=url,
        Entries=[
            {"Id": "good", "MessageBody": "fine"},
            {"Id": "bad-chars", "MessageBody": "nul \u0000 inside"},
            {"Id": "bad-delay", "MessageBody": "x", "DelaySeconds": 1000},
        ],
    )
    [ok] = result["Successful"]
    assert ok["Id"] == "good" and ok["MD5OfMessageBody"] == hashlib.md5(b"fine").hexdigest()
    failed = {f["Id"]: f for f in result["Failed"]}
    assert set(failed) == {"bad-chars", "bad-delay"}
    assert failed["bad-chars"]["Code"] == "InvalidMessageContents"
    assert failed["bad-delay"]["Code"] == "InvalidParameterValue"
    assert all(f["SenderFault"] for f in failed.values())


def test_batch_limits(sqs):
    url = make_queue(sqs)
    with pytest.raises(ClientError) as e:
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x"} for i in range(11)])
    assert_code(e, "TooManyEntriesInBatchRequest")
    with pytest.raises(ClientError) as e:
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "a", "MessageBody": "x"}, {"Id": "a", "MessageBody": "y"}])
    assert_code(e, "BatchEntryIdsNotDistinct")
    with pytest.raises(ClientError) as e:
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": "bad id!", "MessageBody": "x"}])
    assert_code(e, "InvalidBatchEntryId")
    with pytest.raises(ClientError) as e:
        sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": "x" * 100_000} for i in range(3)])
    assert_code(e, "BatchRequestTooLong")


def test_delete_batch(sqs):
    url = make_queue(sqs)
    sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(3)])
    got = receive(sqs, url)
    assert len(got) == 3
    entries = [{"Id": f"e{i}", "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)]
    entries.append({"Id": "bogus", "ReceiptHandle": "not-a-handle"})
    result = sqs.delete_message_batch(QueueUrl=url, Entries=entries)
    assert sorted(e["Id"] for e in result["Successful"]) == ["e0", "e1", "e2"]
    assert [(f["Id"], f["Code"]) for f in result["Failed"]] == [("bogus", "ReceiptHandleIsInvalid")]
    assert counts(sqs, url) == (0, 0, 0)


# --- attributes and digests ---------------------------------------------------------------------


def test_message_attributes_and_md5s(sqs):
    url = make_queue(sqs)
    attributes = {
        "str": {"DataType": "String", "StringValue": "välue"},
        "num": {"DataType": "Number", "StringValue": "42.5"},
        "bin": {"DataType": "Binary", "BinaryValue": b"\x00\x01\xff"},
        "custom": {"DataType": "String.custom", "StringValue": "c"},
    }
    body = "body with ünïcode ✓"
    sent = sqs.send_message(
        QueueUrl=url,
        MessageBody=body,
        MessageAttributes=attributes,
        MessageSystemAttributes={"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}},
    )
    assert sent["MD5OfMessageBody"] == hashlib.md5(body.encode()).hexdigest()
    assert sent["MD5OfMessageAttributes"] == md5_of_attributes(attributes)
    trace = {"AWSTraceHeader": {"DataType": "String", "StringValue": "Root=1-5759e988-bd862e3fe1be46a994272793"}}
    assert sent["MD5OfMessageSystemAttributes"] == md5_of_attributes(trace)

    [m] = receive(sqs, url, MessageAttributeNames=["All"])
    assert m["Body"] == body
    assert m["MD5OfBody"] == sent["MD5OfMessageBody"]
    assert m["MessageAttributes"]["bin"]["BinaryValue"] == b"\x00\x01\xff"
    assert m["MD5OfMessageAttributes"] == sent["MD5OfMessageAttributes"]
    system = m["Attributes"]
    assert system["SenderId"]
    assert abs(int(system["SentTimestamp"]) - time.time() * 1000) < 60_000
    assert system["ApproximateReceiveCount"] == "1"
    assert int(system["ApproximateFirstReceiveTimestamp"]) >= int(system["SentTimestamp"])
    assert system["AWSTraceHeader"].startswith("Root=")


def test_attribute_name_filters(sqs):
    url = make_queue(sqs)
    attributes = {
        "order.id": {"DataType": "String", "StringValue": "1"},
        "order.kind": {"DataType": "String", "StringValue": "2"},
        "other": {"DataType": "String", "StringValue": "3"},
    }
    sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes=attributes)
    [m] = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["order.*"], VisibilityTimeout=0)["Messages"]
    assert sorted(m["MessageAttributes"]) == ["order.id", "order.kind"]
    assert m["MD5OfMessageAttributes"] == md5_of_attributes({k: attributes[k] for k in ["order.id", "order.kind"]})
    [bare] = sqs.receive_message(QueueUrl=url)["Messages"]
    assert "MessageAttributes" not in bare and "Attributes" not in bare


def test_invalid_message_attributes(sqs):
    url = make_queue(sqs)
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={"n": {"DataType": "Number", "StringValue": "abc"}})
    assert_code(e, "InvalidParameterValue")
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="x", MessageAttributes={"aws.reserved": {"DataType": "String", "StringValue": "v"}})
    assert_code(e, "InvalidParameterValue")


# --- queue attributes, tags, URLs ---------------------------------------------------------------


def test_queue_attributes(sqs):
    url = make_queue(sqs, VisibilityTimeout=45, MessageRetentionPeriod=120)
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attrs["QueueArn"] == f"arn:aws:sqs:us-east-1:{ACCOUNT}:{url.rsplit('/', 1)[1]}"
    assert attrs["VisibilityTimeout"] == "45"
    assert attrs["MessageRetentionPeriod"] == "120"
    assert attrs["MaximumMessageSize"] == "262144"
    assert attrs["DelaySeconds"] == "0"
    assert attrs["ReceiveMessageWaitTimeSeconds"] == "0"
    assert attrs["ApproximateNumberOfMessages"] == "0"
    assert int(attrs["CreatedTimestamp"]) <= int(attrs["LastModifiedTimestamp"]) <= time.time() + 1
    assert "FifoQueue" not in attrs
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"DelaySeconds": "5"})
    assert sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["DelaySeconds"])["Attributes"] == {"DelaySeconds": "5"}
    for name, value in [("VisibilityTimeout", "43201"), ("MessageRetentionPeriod", "59"), ("DelaySeconds", "-1")]:
        with pytest.raises(ClientError) as e:
            sqs.set_queue_attributes(QueueUrl=url, Attributes={name: value})
        assert_code(e, "InvalidAttributeValue")


def test_counters_follow_message_states(sqs):
    url = make_queue(sqs)
    for i in range(3):
        sqs.send_message(QueueUrl=url, MessageBody=str(i))
    sqs.send_message(QueueUrl=url, MessageBody="delayed", DelaySeconds=60)
    assert counts(sqs, url) == (3, 0, 1)
    got = receive(sqs, url, n=2)
    assert counts(sqs, url) == (1, 2, 1)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=got[0]["ReceiptHandle"])
    assert counts(sqs, url) == (1, 1, 1)


def test_tags(sqs):
    url = sqs.create_queue(QueueName=unique("tags"), tags={"team": "a"})["QueueUrl"]
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "a"}
    sqs.tag_queue(QueueUrl=url, Tags={"env": "dev", "team": "b"})
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"team": "b", "env": "dev"}
    sqs.untag_queue(QueueUrl=url, TagKeys=["team"])
    assert sqs.list_queue_tags(QueueUrl=url)["Tags"] == {"env": "dev"}


def test_queue_url_forms(sqs, endpoint):
    name = unique("urls")
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    port = urlsplit(endpoint).port
    # URLs use the configured host name (localhost by default), not the address dialled.
    assert url == f"http://localhost:{port}/{ACCOUNT}/{name}"
    # The older path form and other hosts name the same queue: only the path counts.
    for other in [
        f"{endpoint}/queue/us-east-1/{ACCOUNT}/{name}",
        f"http://sqs.us-east-1.localhost.localstack.cloud:{port}/{ACCOUNT}/{name}",
    ]:
        sqs.send_message(QueueUrl=other, MessageBody=other)
    assert counts(sqs, url)[0] == 2
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl="not-a-url", MessageBody="x")
    assert_code(e, "InvalidAddress")


def test_queue_url_follows_sqs_host(endpoint):
    """A client that calls `sqs.<region>.<host>` gets queue URLs on that host, as on AWS."""
    parts = urlsplit(endpoint)
    host = f"sqs.us-east-1.localhost:{parts.port}"
    name = unique("hosted")
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    conn.request(
        "POST",
        "/",
        body=json.dumps({"QueueName": name}),
        headers={
            "Host": host,
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AmazonSQS.CreateQueue",
            "Authorization": "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x",
        },
    )
    response = conn.getresponse()
    payload = json.loads(response.read())
    assert response.status == 200, payload
    assert payload["QueueUrl"] == f"http://{host}/{ACCOUNT}/{name}"


# --- errors -------------------------------------------------------------------------------------


def test_errors_as_aws_sends_them(sqs):
    url = make_queue(sqs)
    missing = url.rsplit("/", 1)[0] + "/" + unique("missing")
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=missing, MessageBody="x")
    assert code_of(e) == "AWS.SimpleQueueService.NonExistentQueue"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert isinstance(e.value, sqs.exceptions.QueueDoesNotExist)
    with pytest.raises(ClientError) as e:
        sqs.delete_message(QueueUrl=url, ReceiptHandle="garbage")
    assert code_of(e) == "ReceiptHandleIsInvalid"
    assert isinstance(e.value, sqs.exceptions.ReceiptHandleIsInvalid)
    with pytest.raises(ClientError) as e:
        sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=11)
    assert code_of(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.send_message(QueueUrl=url, MessageBody="")
    assert code_of(e) == "MissingParameter"
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName="bad name!")
    assert code_of(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        sqs.create_queue(QueueName=url.rsplit("/", 1)[1], Attributes={"VisibilityTimeout": "99"})
    assert code_of(e) == "QueueAlreadyExists"


def test_receive_accepts_system_attribute_names_beyond_the_modelled_enum(sqs):
    # AWS's own examples ask for `SentTimestamp` in AttributeNames, outside the model's enum.
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    [message] = sqs.receive_message(QueueUrl=url, AttributeNames=["SentTimestamp"])["Messages"]
    assert set(message["Attributes"]) == {"SentTimestamp"}


def test_unknown_queue_attribute_name_is_sqs_own_error(sqs):
    url = make_queue(sqs)
    with pytest.raises(ClientError) as err:
        sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["NoSuchAttribute"])
    assert err.value.response["Error"]["Code"] in ("InvalidAttributeName", "AWS.SimpleQueueService.InvalidAttributeName")


def test_empty_batch_is_empty_batch_request_in_both_protocols(sqs):
    url = make_queue(sqs)
    with pytest.raises(ClientError) as err:
        sqs.send_message_batch(QueueUrl=url, Entries=[])
    assert err.value.response["Error"]["Code"] == "AWS.SimpleQueueService.EmptyBatchRequest"
