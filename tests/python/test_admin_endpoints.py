"""Admin endpoints beside the AWS APIs: LocalStack's SNS developer endpoints."""

import json
import urllib.error
import urllib.request

import pytest


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as answer:
        return answer.status, json.load(answer)


def test_sms_messages_sent_by_publish_are_inspectable(client, endpoint):
    client("sns").publish(PhoneNumber="+15555550100", Message="hello phone")
    status, body = get_json(endpoint + "/_aws/sns/sms-messages")
    assert status == 200
    assert body["region"] == "us-east-1"
    [message] = body["sms_messages"]["+15555550100"]
    assert message["Message"] == "hello phone"


def test_unknown_sns_developer_endpoint_is_404(endpoint):
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(endpoint + "/_aws/sns/no-such-thing", timeout=5)
    assert err.value.code == 404
