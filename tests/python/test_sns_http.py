"""SNS delivery to HTTP endpoints: a real POST to a server this test runs, the
SubscriptionConfirmation handshake, notifications with SNS's headers, raw delivery, retries
of failed POSTs and redrive to a dead-letter queue once they are used up."""

import http.server
import json
import threading
import time

import pytest

import harness


class Recorder(http.server.BaseHTTPRequestHandler):
    """Records each POST; answers with the next status of the server's `statuses` list."""

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with self.server.lock:
            self.server.requests.append((self.path, dict(self.headers), body))
            status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def endpoint_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", harness.free_port()), Recorder)
    server.requests, server.statuses, server.lock = [], [], threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def wait_for(server, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with server.lock:
            if len(server.requests) >= count:
                return list(server.requests)
        time.sleep(0.02)
    with server.lock:
        return list(server.requests)


@pytest.fixture(scope="module")
def sns(client):
    return client("sns")


@pytest.fixture(scope="module")
def sqs(client):
    return client("sqs")


def subscribe_and_confirm(sns, server, topic, **attributes):
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    assert sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url, Attributes=attributes)["SubscriptionArn"] == (
        "pending confirmation"
    )
    [(path, headers, body)] = wait_for(server, 1)
    confirmation = json.loads(body)
    assert path == "/hook"
    assert headers["x-amz-sns-message-type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == topic
    assert confirmation["Type"] == "SubscriptionConfirmation"
    assert confirmation["TopicArn"] == topic
    assert "Action=ConfirmSubscription" in confirmation["SubscribeURL"]
    assert confirmation["Token"] in confirmation["SubscribeURL"]
    sub = sns.confirm_subscription(TopicArn=topic, Token=confirmation["Token"])["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"] == "false"
    with server.lock:
        server.requests.clear()
    return sub


def test_confirmation_handshake_then_notifications(sns, endpoint_server):
    topic = sns.create_topic(Name="web")["TopicArn"]
    sns.publish(TopicArn=topic, Message="before confirmation")  # a pending subscription gets nothing
    sub = subscribe_and_confirm(sns, endpoint_server, topic)
    published = sns.publish(
        TopicArn=topic,
        Message="hello web",
        Subject="s",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    [(_, headers, body)] = wait_for(endpoint_server, 1)
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-message-id"] == published["MessageId"]
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-subscription-arn"] == sub
    assert headers["Content-Type"] == "text/plain; charset=UTF-8"
    doc = json.loads(body)
    assert (doc["Type"], doc["Message"], doc["Subject"]) == ("Notification", "hello web", "s")
    assert doc["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
    assert "x-amz-sns-rawdelivery" not in headers


def test_raw_http_delivery(sns, endpoint_server):
    topic = sns.create_topic(Name="web-raw")["TopicArn"]
    sub = subscribe_and_confirm(sns, endpoint_server, topic)
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="true")
    sns.publish(TopicArn=topic, Message="just this")
    [(_, headers, body)] = wait_for(endpoint_server, 1)
    assert body == "just this"
    assert headers["x-amz-sns-rawdelivery"] == "true"


def test_failed_posts_are_retried(sns, endpoint_server):
    topic = sns.create_topic(Name="web-retry")["TopicArn"]
    subscribe_and_confirm(sns, endpoint_server, topic)
    endpoint_server.statuses.extend([500, 503])
    sns.publish(TopicArn=topic, Message="eventually")
    requests = wait_for(endpoint_server, 3)
    assert len(requests) == 3
    assert all(json.loads(body)["Message"] == "eventually" for _, _, body in requests)
    time.sleep(0.3)
    assert len(endpoint_server.requests) == 3  # delivered on the third try: no more


def test_exhausted_retries_go_to_the_dead_letter_queue(sns, sqs, endpoint_server):
    topic = sns.create_topic(Name="web-dlq")["TopicArn"]
    dlq_url = sqs.create_queue(QueueName="web-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = subscribe_and_confirm(
        sns,
        endpoint_server,
        topic,
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}),
        DeliveryPolicy=json.dumps({"healthyRetryPolicy": {"numRetries": 1}}),
    )
    endpoint_server.statuses.extend([500] * 10)
    published = sns.publish(TopicArn=topic, Message="undeliverable")
    assert len(wait_for(endpoint_server, 2)) == 2  # first try and one retry
    messages = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=5).get("Messages", [])
    assert len(messages) == 1
    body = json.loads(messages[0]["Body"])
    assert body["MessageId"] == published["MessageId"] and body["Message"] == "undeliverable"
    assert sub in body["UnsubscribeURL"]


def test_https_endpoints_subscribe_but_cannot_be_reached(sns, sqs):
    topic = sns.create_topic(Name="web-tls")["TopicArn"]
    out = sns.subscribe(TopicArn=topic, Protocol="https", Endpoint="https://127.0.0.1:1/x", ReturnSubscriptionArn=True)
    attrs = sns.get_subscription_attributes(SubscriptionArn=out["SubscriptionArn"])["Attributes"]
    assert attrs["PendingConfirmation"] == "true" and attrs["Protocol"] == "https"


def test_visiting_subscribe_url_confirms_and_unsubscribe_url_unsubscribes(sns, endpoint_server):
    """What HTTP subscribers usually do: GET the SubscribeURL from the confirmation, and
    later the UnsubscribeURL from a notification, without signing anything."""
    topic = sns.create_topic(Name="web-visit")["TopicArn"]
    url = f"http://127.0.0.1:{endpoint_server.server_address[1]}/visit"
    sns.subscribe(TopicArn=topic, Protocol="http", Endpoint=url)
    [(_, _, body)] = wait_for(endpoint_server, 1)
    status, _, answer = harness.http_request("GET", json.loads(body)["SubscribeURL"])
    assert status == 200 and b"<SubscriptionArn>" in answer
    [sub] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert sub["SubscriptionArn"].startswith(topic + ":")
    sns.publish(TopicArn=topic, Message="x")
    notification = json.loads(wait_for(endpoint_server, 2)[1][2])
    status, _, _ = harness.http_request("GET", notification["UnsubscribeURL"])
    assert status == 200
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    # The subscriber is told, and the SubscribeURL of that message restores the subscription.
    path, headers, body = wait_for(endpoint_server, 3)[2]
    goodbye = json.loads(body)
    assert headers["x-amz-sns-message-type"] == goodbye["Type"] == "UnsubscribeConfirmation"
    assert goodbye["Message"].startswith(f"You have chosen to deactivate subscription {sub['SubscriptionArn']}.")
    status, _, _ = harness.http_request("GET", goodbye["SubscribeURL"])
    assert status == 200
    assert [s["SubscriptionArn"] for s in sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]] == [
        sub["SubscriptionArn"]
    ]
