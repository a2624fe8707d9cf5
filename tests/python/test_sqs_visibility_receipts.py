"""ChangeMessageVisibility (and its batch form) with receipts that are no longer current, over
both SQS wire protocols.

What AWS does, as observed against real SQS (LocalStack's AWS-validated test in
localstack/localstack#9632, moto's getmoto/moto#3586 where nobody could make AWS raise
MessageNotInflight, aws/aws-sdk-net#1927 for the deleted-message answer):
- a receipt whose visibility timeout has run out: 200, and nothing changes (the message stays
  visible; it is not hidden again);
- an older receipt of a message received again since: 200, and the newer receipt's timeout is
  untouched (a timeout applies only to its own receipt);
- a receipt of a deleted message: InvalidParameterValue "... Message does not exist or is not
  available for visibility timeout change."
MessageNotInflight is in the model but AWS has not been seen to answer it, so neither do we."""

import time
import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture(params=["json", "query"])
def sqs(request, client, sqs_query_client):
    return client("sqs") if request.param == "json" else sqs_query_client


def make_queue(sqs):
    return sqs.create_queue(QueueName=f"vis-{uuid.uuid4().hex[:10]}")["QueueUrl"]


def receive_one(sqs, url, visibility):
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=1, VisibilityTimeout=visibility).get(
        "Messages", []
    )
    assert len(messages) == 1, messages
    return messages[0]["ReceiptHandle"]


def visible_count(sqs, url):
    attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
    return int(attrs["ApproximateNumberOfMessages"])


def test_expired_receipt_succeeds_and_leaves_the_message_visible(sqs):
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handle = receive_one(sqs, url, visibility=1)
    time.sleep(1.1)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=600)
    result = sqs.change_message_visibility_batch(
        QueueUrl=url, Entries=[{"Id": "e", "ReceiptHandle": handle, "VisibilityTimeout": 600}]
    )
    assert [e["Id"] for e in result["Successful"]] == ["e"] and not result.get("Failed")
    assert visible_count(sqs, url) == 1
    receive_one(sqs, url, visibility=30)


def test_older_receipt_of_a_received_again_message_changes_nothing(sqs):
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    old = receive_one(sqs, url, visibility=1)
    time.sleep(1.1)
    new = receive_one(sqs, url, visibility=1)
    assert new != old
    # The old receipt would hide the message for 10 minutes if it still counted.
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=old, VisibilityTimeout=600)
    result = sqs.change_message_visibility_batch(
        QueueUrl=url, Entries=[{"Id": "old", "ReceiptHandle": old, "VisibilityTimeout": 600}]
    )
    assert [e["Id"] for e in result["Successful"]] == ["old"]
    time.sleep(1.1)
    assert visible_count(sqs, url) == 1
    # The newest receipt still works while it is current.
    newest = receive_one(sqs, url, visibility=30)
    sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=newest, VisibilityTimeout=0)
    assert visible_count(sqs, url) == 1


def test_deleted_message_is_invalid_parameter_value(sqs):
    url = make_queue(sqs)
    sqs.send_message(QueueUrl=url, MessageBody="m")
    handle = receive_one(sqs, url, visibility=30)
    sqs.delete_message(QueueUrl=url, ReceiptHandle=handle)
    with pytest.raises(ClientError) as e:
        sqs.change_message_visibility(QueueUrl=url, ReceiptHandle=handle, VisibilityTimeout=10)
    error = e.value.response["Error"]
    assert error["Code"] == "InvalidParameterValue"
    assert error["Message"].endswith("Message does not exist or is not available for visibility timeout change.")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    result = sqs.change_message_visibility_batch(
        QueueUrl=url, Entries=[{"Id": "gone", "ReceiptHandle": handle, "VisibilityTimeout": 10}]
    )
    [failed] = result["Failed"]
    assert (failed["Id"], failed["Code"], failed["SenderFault"]) == ("gone", "InvalidParameterValue", True)
