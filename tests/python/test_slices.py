"""The first vertical slices, checked with boto3 and the AWS CLI as real AWS documents them."""

import hashlib
import http.client
import json
import xml.etree.ElementTree as ET
from contextlib import contextmanager, suppress
from urllib.parse import urlsplit, urlunsplit

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


def md5(data):
    return hashlib.md5(data if isinstance(data, bytes) else data.encode()).hexdigest()


@contextmanager
def sent_requests(client):
    """Collects the requests a client puts on the wire (after signing) while the block runs."""
    seen = []

    def record(request, **_):
        seen.append(request)

    event = f"before-send.{client.meta.service_model.service_id.hyphenize()}"
    client.meta.events.register(event, record)
    try:
        yield seen
    finally:
        client.meta.events.unregister(event, record)


def as_bytes(value):
    return value.encode() if isinstance(value, str) else (value or b"")


def wire_protocol(request):
    """Which AWS protocol a prepared request is written in."""
    headers = request.headers
    if as_bytes(headers.get("smithy-protocol")) == b"rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    if "X-Amz-Target" in headers:
        return "json"
    content_type = as_bytes(headers.get("Content-Type"))
    if content_type.startswith(b"application/x-www-form-urlencoded") and as_bytes(request.body).startswith(b"Action="):
        return "query"
    return "other"


def wire_host(request):
    """The Host the server will see: an explicit header, else the URL's."""
    return as_bytes(request.headers.get("Host")).decode() or urlsplit(request.url).netloc


def error_of(excinfo):
    response = excinfo.value.response
    return response["Error"]["Code"], response["ResponseMetadata"]["HTTPStatusCode"]


# --- STS --------------------------------------------------------------------------------------


def test_sts_get_caller_identity(client):
    identity = client("sts").get_caller_identity()
    assert identity["Account"] == ACCOUNT
    assert identity["Arn"] == f"arn:aws:iam::{ACCOUNT}:root"
    assert identity["UserId"]


# --- SQS, over today's JSON protocol and the legacy query protocol ------------------------------


@pytest.fixture(params=["json", "query"])
def sqs(request, client, sqs_query_client):
    return client("sqs") if request.param == "json" else sqs_query_client


def test_sqs_clients_speak_their_protocol(client, sqs_query_client):
    """A check of the harness itself: whatever the server answers, the request format is right."""
    for sqs, protocol in ((client("sqs"), "json"), (sqs_query_client, "query")):
        with sent_requests(sqs) as seen, suppress(ClientError):
            sqs.list_queues()
        assert [wire_protocol(r) for r in seen] == [protocol]
        if protocol == "query":
            assert b"Action=ListQueues" in as_bytes(seen[0].body)


def test_sqs_message_round_trip(sqs, request):
    name = f"slice-{request.node.callspec.id}"
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    assert url.endswith(f"/{ACCOUNT}/{name}")
    assert sqs.get_queue_url(QueueName=name)["QueueUrl"] == url
    assert sqs.list_queues(QueueNamePrefix=name)["QueueUrls"] == [url]

    body = "hello from ferrostack"
    sent = sqs.send_message(QueueUrl=url, MessageBody=body)
    assert sent["MD5OfMessageBody"] == md5(body)
    assert sent["MessageId"]

    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, WaitTimeSeconds=0)["Messages"]
    assert len(messages) == 1
    message = messages[0]
    assert message["Body"] == body
    assert message["MessageId"] == sent["MessageId"]
    assert message["MD5OfBody"] == md5(body)
    assert message["ReceiptHandle"]

    sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    assert sqs.receive_message(QueueUrl=url, WaitTimeSeconds=0).get("Messages", []) == []


def test_sqs_missing_queue(sqs):
    with pytest.raises(ClientError) as excinfo:
        sqs.get_queue_url(QueueName="slice-no-such-queue")
    # Over JSON, botocore surfaces the query-era code from the x-amzn-query-error header.
    assert error_of(excinfo) == ("AWS.SimpleQueueService.NonExistentQueue", 400)
    assert isinstance(excinfo.value, sqs.exceptions.QueueDoesNotExist)


# --- S3, path-style and virtual-hosted-style ------------------------------------------------------


def route_virtual_hosts_to_loopback(request, **_):
    """`<bucket>.localhost` does not resolve here (glibc has no *.localhost rule), so connect to
    127.0.0.1 while keeping the Host header, which is also the host that SigV4 signed."""
    parts = urlsplit(request.url)
    if parts.hostname and parts.hostname.endswith(".localhost"):
        request.headers["Host"] = parts.netloc
        request.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{parts.port}"))


@pytest.fixture(params=["path", "virtual"])
def s3(request, client, server):
    if request.param == "path":
        return client("s3")
    port = urlsplit(server.endpoint).port
    s3 = client("s3", endpoint_url=f"http://localhost:{port}", config=Config(s3={"addressing_style": "virtual"}))
    s3.meta.events.register("before-send.s3", route_virtual_hosts_to_loopback)
    return s3


def test_s3_object_round_trip(s3, request):
    style = request.node.callspec.id
    bucket = f"ferrostack-slice-{style}"
    with sent_requests(s3) as seen:
        s3.create_bucket(Bucket=bucket)
    expected_host = f"{bucket}.localhost:" if style == "virtual" else "127.0.0.1:"
    assert wire_host(seen[0]).startswith(expected_host)

    assert bucket in [b["Name"] for b in s3.list_buckets()["Buckets"]]

    body = b"hello from ferrostack\n"
    etag = f'"{md5(body)}"'
    assert s3.put_object(Bucket=bucket, Key="dir/a.txt", Body=body)["ETag"] == etag
    s3.put_object(Bucket=bucket, Key="dir/b.txt", Body=b"b")
    s3.put_object(Bucket=bucket, Key="top.txt", Body=b"t")

    got = s3.get_object(Bucket=bucket, Key="dir/a.txt")
    assert got["Body"].read() == body
    assert got["ETag"] == etag

    head = s3.head_object(Bucket=bucket, Key="dir/a.txt")
    assert head["ContentLength"] == len(body)
    assert head["ETag"] == etag

    by_prefix = s3.list_objects_v2(Bucket=bucket, Prefix="dir/")
    assert [o["Key"] for o in by_prefix["Contents"]] == ["dir/a.txt", "dir/b.txt"]
    assert by_prefix["KeyCount"] == 2

    by_delimiter = s3.list_objects_v2(Bucket=bucket, Delimiter="/")
    assert by_delimiter["CommonPrefixes"] == [{"Prefix": "dir/"}]
    assert [o["Key"] for o in by_delimiter["Contents"]] == ["top.txt"]
    assert by_delimiter["KeyCount"] == 2  # S3 counts common prefixes as keys

    assert s3.delete_object(Bucket=bucket, Key="dir/a.txt")["ResponseMetadata"]["HTTPStatusCode"] == 204
    with pytest.raises(ClientError) as excinfo:
        s3.get_object(Bucket=bucket, Key="dir/a.txt")
    assert error_of(excinfo) == ("NoSuchKey", 404)


# --- Lambda, DynamoDB: empty lists on a fresh emulator --------------------------------------------


def test_lambda_list_functions_empty(client):
    assert client("lambda").list_functions()["Functions"] == []


def test_dynamodb_list_tables_empty(client):
    assert client("dynamodb").list_tables()["TableNames"] == []


# --- SSM ------------------------------------------------------------------------------------------


def test_ssm_parameter_round_trip(client):
    ssm = client("ssm")
    assert ssm.put_parameter(Name="/slice/greeting", Value="hello", Type="String")["Version"] == 1
    parameter = ssm.get_parameter(Name="/slice/greeting")["Parameter"]
    assert parameter["Name"] == "/slice/greeting"
    assert parameter["Value"] == "hello"
    assert parameter["Version"] == 1
    assert parameter["Type"] == "String"

    with pytest.raises(ClientError) as excinfo:
        ssm.get_parameter(Name="/slice/missing")
    assert error_of(excinfo) == ("ParameterNotFound", 400)


# --- CloudWatch, over each protocol botocore 1.44 knows for it -------------------------------------


@pytest.mark.parametrize("protocol", ["smithy-rpc-v2-cbor", "json", "query"])
def test_cloudwatch_metrics(protocol_client, protocol):
    cloudwatch = protocol_client("cloudwatch", protocol)
    namespace = f"Ferrostack/{protocol}"
    dimensions = [{"Name": "Service", "Value": "api"}]
    with sent_requests(cloudwatch) as seen:
        cloudwatch.put_metric_data(
            Namespace=namespace,
            MetricData=[{"MetricName": "Requests", "Dimensions": dimensions, "Value": 1.0, "Unit": "Count"}],
        )
        metrics = cloudwatch.list_metrics(Namespace=namespace)["Metrics"]
    assert [wire_protocol(r) for r in seen] == [protocol, protocol]
    assert metrics == [{"Namespace": namespace, "MetricName": "Requests", "Dimensions": dimensions}]


# --- Malformed input over raw HTTP: clean 4xx answers, connection kept -----------------------------


def authorization(service):
    return (
        f"AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/{service}/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
    )


def test_malformed_requests(server):
    # One keep-alive connection for all: an error answer must not cost the client its connection.
    conn = http.client.HTTPConnection(urlsplit(server.endpoint).netloc, timeout=10)

    def send(method, path, body=b"", headers=None):
        conn.request(method, path, body=body, headers={"X-Amz-Date": "20260101T000000Z", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()

    json_headers = {"Content-Type": "application/x-amz-json-1.0", "Authorization": authorization("dynamodb")}

    status, body = send("POST", "/", b"{bad", {**json_headers, "X-Amz-Target": "DynamoDB_20120810.ListTables"})
    assert status == 400
    assert "SerializationException" in json.loads(body)["__type"]

    status, body = send("POST", "/", b"{}", {**json_headers, "X-Amz-Target": "DynamoDB_20120810.NoSuchOperation"})
    assert status == 400
    assert "UnknownOperationException" in json.loads(body)["__type"]

    form = {"Content-Type": "application/x-www-form-urlencoded", "Authorization": authorization("sts")}
    status, body = send("POST", "/", b"Action=NoSuchAction&Version=2011-06-15", form)
    assert status == 400
    codes = [el.text for el in ET.fromstring(body).iter() if el.tag.rsplit("}", 1)[-1] == "Code"]
    assert codes == ["InvalidAction"]

    status, _ = send("GET", "/_ferrostack_no_such_route/x/y?z=1")
    assert 400 <= status < 500

    conn.close()
    assert server.alive()


# --- AWS CLI v1 -----------------------------------------------------------------------------------


def test_aws_cli(aws_cli):
    assert aws_cli("sts", "get-caller-identity")["Account"] == ACCOUNT
    assert aws_cli("sqs", "create-queue", "--queue-name", "cli-q")["QueueUrl"].endswith(f"/{ACCOUNT}/cli-q")
    assert isinstance(aws_cli("s3api", "list-buckets")["Buckets"], list)
