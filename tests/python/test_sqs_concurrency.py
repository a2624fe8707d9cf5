"""SQS under concurrent clients, and the everyday AWS CLI commands.

N consumers receiving from one queue must never be handed the same message while its
visibility timeout runs; FIFO order must hold per message group with parallel senders and
parallel consumers."""

import threading
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor

import pytest

ACCOUNT = "000000000000"


@pytest.fixture(params=["json", "query"])
def make_sqs(request, client, endpoint):
    """A factory of fresh clients (one per thread) for the protocol under test."""
    import harness

    def make():
        if request.param == "json":
            return client("sqs")
        session = harness.session_with_model("sqs", harness.legacy_sqs_query_model)
        return harness.make_client(endpoint, "sqs", session=session)

    return make


def test_consumers_never_share_a_message_within_its_visibility_timeout(make_sqs):
    sqs = make_sqs()
    url = sqs.create_queue(QueueName=f"conc-{uuid.uuid4().hex[:8]}", Attributes={"VisibilityTimeout": "60"})["QueueUrl"]
    total = 200
    for start in range(0, total, 10):
        sqs.send_message_batch(
            QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(start, start + 10)]
        )
    seen = []
    lock = threading.Lock()

    def consume():
        me = make_sqs()
        empty = 0
        while empty < 2:
            got = me.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            empty = empty + 1 if not got else 0
            with lock:
                seen.extend(m["MessageId"] for m in got)

    with ThreadPoolExecutor(8) as pool:
        for future in [pool.submit(consume) for _ in range(8)]:
            future.result()
    assert len(seen) == total, "every message is delivered"
    assert len(set(seen)) == total, "no message is delivered twice within its visibility timeout"


def test_fifo_order_per_group_with_parallel_senders_and_consumers(make_sqs):
    sqs = make_sqs()
    url = sqs.create_queue(
        QueueName=f"conc-{uuid.uuid4().hex[:8]}.fifo",
        Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"},
    )["QueueUrl"]
    groups, per_group = 4, 30

    def send(group):
        me = make_sqs()
        for i in range(per_group):
            me.send_message(QueueUrl=url, MessageBody=f"{group}:{i}", MessageGroupId=f"g{group}")

    with ThreadPoolExecutor(groups) as pool:
        for future in [pool.submit(send, g) for g in range(groups)]:
            future.result()

    order = defaultdict(list)
    lock = threading.Lock()
    done = threading.Event()

    def consume():
        me = make_sqs()
        while not done.is_set():
            got = me.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
            # Recorded before deleting: the group stays locked until the delete, so no other
            # consumer can record a later message of the group first.
            with lock:
                for m in got:
                    group, index = m["Body"].split(":")
                    order[group].append(int(index))
                if sum(len(v) for v in order.values()) >= groups * per_group:
                    done.set()
            for m in got:
                me.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])

    with ThreadPoolExecutor(4) as pool:
        for future in [pool.submit(consume) for _ in range(4)]:
            future.result(timeout=60)
    assert set(order) == {str(g) for g in range(groups)}
    for group, indexes in order.items():
        assert indexes == list(range(per_group)), f"group {group} out of order"


# --- AWS CLI --------------------------------------------------------------------------------------


def test_cli_everyday_commands(aws_cli):
    name = f"cli-{uuid.uuid4().hex[:8]}"
    url = aws_cli("sqs", "create-queue", "--queue-name", name, "--attributes", "VisibilityTimeout=45")["QueueUrl"]
    assert url.endswith(f"/{ACCOUNT}/{name}")
    sent = aws_cli(
        "sqs", "send-message", "--queue-url", url, "--message-body", "from the cli",
        "--message-attributes", '{"kind":{"DataType":"String","StringValue":"test"}}',
    )
    assert sent["MessageId"] and sent["MD5OfMessageBody"]
    attrs = aws_cli("sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All")["Attributes"]
    assert attrs["VisibilityTimeout"] == "45"
    assert attrs["ApproximateNumberOfMessages"] == "1"
    received = aws_cli(
        "sqs", "receive-message", "--queue-url", url, "--message-attribute-names", "All",
        "--attribute-names", "All", "--wait-time-seconds", "1",
    )["Messages"]
    assert len(received) == 1
    message = received[0]
    assert message["Body"] == "from the cli"
    assert message["MessageAttributes"]["kind"]["StringValue"] == "test"
    assert message["Attributes"]["ApproximateReceiveCount"] == "1"
    assert aws_cli("sqs", "delete-message", "--queue-url", url, "--receipt-handle", message["ReceiptHandle"]) == {}
    attrs = aws_cli(
        "sqs", "get-queue-attributes", "--queue-url", url,
        "--attribute-names", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
    )["Attributes"]
    assert attrs == {"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0"}
    assert url in aws_cli("sqs", "list-queues", "--queue-name-prefix", name)["QueueUrls"]


def test_cli_fifo_send_and_receive(aws_cli):
    name = f"cli-{uuid.uuid4().hex[:8]}.fifo"
    url = aws_cli(
        "sqs", "create-queue", "--queue-name", name,
        "--attributes", "FifoQueue=true,ContentBasedDeduplication=true",
    )["QueueUrl"]
    first = aws_cli("sqs", "send-message", "--queue-url", url, "--message-body", "one", "--message-group-id", "g")
    again = aws_cli("sqs", "send-message", "--queue-url", url, "--message-body", "one", "--message-group-id", "g")
    assert first["MessageId"] == again["MessageId"] and first["SequenceNumber"]
    [message] = aws_cli("sqs", "receive-message", "--queue-url", url, "--max-number-of-messages", "10")["Messages"]
    assert message["Body"] == "one"
