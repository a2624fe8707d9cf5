"""Which event S3 reports: deletes of keys that are not there (S3 does not look before it
deletes, and notifies all the same), delete markers versus deleting a marker by version id,
and browser POST uploads (`ObjectCreated:Post`)."""

import json
import time
import urllib.error
import urllib.request

import pytest


@pytest.fixture(scope="module")
def s3(client):
    return client("s3")


@pytest.fixture(scope="module")
def sqs(client):
    return client("sqs")


def receive(sqs, url, count, timeout=4.0):
    records = []
    deadline = time.time() + timeout
    while len(records) < count and time.time() < deadline:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        for m in got:
            body = json.loads(m["Body"])
            records.extend(body.get("Records", []))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return records


def notified_bucket(s3, sqs, bucket, events, versioned=False):
    s3.create_bucket(Bucket=bucket)
    if versioned:
        s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    url = sqs.create_queue(QueueName=f"{bucket}-events")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    s3.put_bucket_notification_configuration(
        Bucket=bucket, NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": events}]}
    )
    # The s3:TestEvent the configuration sends first.
    for m in sqs.receive_message(QueueUrl=url, WaitTimeSeconds=2).get("Messages", []):
        assert "Records" not in json.loads(m["Body"])
        sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    return url


def test_delete_of_a_missing_key_is_reported(s3, sqs):
    url = notified_bucket(s3, sqs, "events-plain", ["s3:ObjectRemoved:*"])
    s3.delete_object(Bucket="events-plain", Key="never-written")
    s3.delete_objects(Bucket="events-plain", Delete={"Objects": [{"Key": "also-missing"}]})
    records = receive(sqs, url, 2)
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in records] == [
        ("ObjectRemoved:Delete", "never-written"),
        ("ObjectRemoved:Delete", "also-missing"),
    ]


def test_versioned_deletes(s3, sqs):
    url = notified_bucket(s3, sqs, "events-versioned", ["s3:ObjectRemoved:*"], versioned=True)
    # A missing key still gets a delete marker, and so a DeleteMarkerCreated.
    marker = s3.delete_object(Bucket="events-versioned", Key="missing")
    assert marker["DeleteMarker"] is True
    # Deleting that marker by its version id removes it: a Delete, not another marker.
    s3.delete_object(Bucket="events-versioned", Key="missing", VersionId=marker["VersionId"])
    records = receive(sqs, url, 2)
    assert [r["eventName"] for r in records] == ["ObjectRemoved:DeleteMarkerCreated", "ObjectRemoved:Delete"]
    assert all(r["s3"]["object"]["versionId"] == marker["VersionId"] for r in records)


def post_form(url, fields, content):
    boundary = "----ferrostackEventBoundary"
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n'
             "Content-Type: text/plain\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        return urllib.request.urlopen(req).status
    except urllib.error.HTTPError as e:
        return e.code


def test_browser_post_upload_is_a_post(s3, sqs):
    url = notified_bucket(s3, sqs, "events-post", ["s3:ObjectCreated:*"])
    post = s3.generate_presigned_post(Bucket="events-post", Key="posted")
    assert post_form(post["url"], post["fields"], b"form data") == 204
    s3.put_object(Bucket="events-post", Key="put", Body=b"x")
    records = receive(sqs, url, 2)
    assert [(r["eventName"], r["s3"]["object"]["key"]) for r in records] == [
        ("ObjectCreated:Post", "posted"),
        ("ObjectCreated:Put", "put"),
    ]
    assert records[0]["s3"]["object"]["size"] == len(b"form data")
