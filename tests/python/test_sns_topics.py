"""SNS topics, their attributes, tags, access policy and data protection policy, and
subscriptions (subscribe, confirm, attributes, listing and paging) through boto3."""

import json

import pytest
from botocore.exceptions import ClientError


ACCOUNT = "000000000000"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def sns(client):
    # A plain client: botocore's own model, result wrappers and all.
    return client("sns")


@pytest.fixture(scope="module")
def sqs(client):
    return client("sqs")


def error_of(excinfo):
    err = excinfo.value.response["Error"]
    return err["Code"], err["Message"], excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]


def queue_arn(sqs, name):
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def test_create_topic_is_idempotent_and_lists(sns):
    arn = sns.create_topic(Name="orders")["TopicArn"]
    assert arn == f"arn:aws:sns:{REGION}:{ACCOUNT}:orders"
    assert sns.create_topic(Name="orders")["TopicArn"] == arn
    assert {"TopicArn": arn} in sns.list_topics()["Topics"]


def test_topic_names_are_checked(sns):
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="bad name!")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: Topic Name", 400)
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="nofifo", Attributes={"FifoTopic": "true"})
    assert error_of(e)[1].startswith("Invalid parameter: Fifo Topic names must end with .fifo")


def test_same_name_with_other_attributes_is_refused(sns):
    sns.create_topic(Name="attrs", Attributes={"DisplayName": "one"})
    with pytest.raises(ClientError) as e:
        sns.create_topic(Name="attrs", Attributes={"DisplayName": "two"})
    assert error_of(e) == (
        "InvalidParameter",
        "Invalid parameter: Attributes Reason: Topic already exists with different attributes",
        400,
    )


def test_topic_attributes(sns):
    arn = sns.create_topic(Name="attributes")["TopicArn"]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["TopicArn"] == arn
    assert attrs["Owner"] == ACCOUNT
    assert attrs["DisplayName"] == ""
    assert attrs["SubscriptionsConfirmed"] == "0"
    assert json.loads(attrs["Policy"])["Statement"][0]["Resource"] == arn
    assert json.loads(attrs["EffectiveDeliveryPolicy"])["http"]["defaultHealthyRetryPolicy"]["numRetries"] == 3
    assert "FifoTopic" not in attrs
    sns.set_topic_attributes(TopicArn=arn, AttributeName="DisplayName", AttributeValue="Shop")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["DisplayName"] == "Shop"
    with pytest.raises(ClientError) as e:
        sns.set_topic_attributes(TopicArn=arn, AttributeName="Bogus", AttributeValue="x")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: AttributeName", 400)


def test_fifo_topic_attributes(sns):
    arn = sns.create_topic(Name="t.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    attrs = sns.get_topic_attributes(TopicArn=arn)["Attributes"]
    assert attrs["FifoTopic"] == "true"
    assert attrs["ContentBasedDeduplication"] == "false"
    sns.set_topic_attributes(TopicArn=arn, AttributeName="ContentBasedDeduplication", AttributeValue="true")
    assert sns.get_topic_attributes(TopicArn=arn)["Attributes"]["ContentBasedDeduplication"] == "true"


def test_missing_topic(sns):
    arn = f"arn:aws:sns:{REGION}:{ACCOUNT}:nope"
    with pytest.raises(ClientError) as e:
        sns.get_topic_attributes(TopicArn=arn)
    assert error_of(e) == ("NotFound", "Topic does not exist", 404)
    with pytest.raises(ClientError) as e:
        sns.get_topic_attributes(TopicArn="nope")
    assert error_of(e)[0] == "InvalidParameter"
    sns.delete_topic(TopicArn=arn)  # deleting what is not there succeeds, as on AWS


def test_delete_topic_takes_its_subscriptions(sns, sqs):
    arn = sns.create_topic(Name="doomed")["TopicArn"]
    sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn(sqs, "doomed-q"))
    sns.delete_topic(TopicArn=arn)
    assert {"TopicArn": arn} not in sns.list_topics()["Topics"]
    assert all(s["TopicArn"] != arn for s in sns.list_subscriptions()["Subscriptions"])


def test_tags(sns):
    arn = sns.create_topic(Name="tagged", Tags=[{"Key": "team", "Value": "a"}])["TopicArn"]
    sns.tag_resource(ResourceArn=arn, Tags=[{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": "b"}])
    tags = sns.list_tags_for_resource(ResourceArn=arn)["Tags"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("env", "dev"), ("team", "b")]
    sns.untag_resource(ResourceArn=arn, TagKeys=["team"])
    assert sns.list_tags_for_resource(ResourceArn=arn)["Tags"] == [{"Key": "env", "Value": "dev"}]
    with pytest.raises(ClientError) as e:
        sns.tag_resource(ResourceArn=arn, Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert error_of(e)[0] == "TagLimitExceeded"
    with pytest.raises(ClientError) as e:
        sns.list_tags_for_resource(ResourceArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:gone")
    assert error_of(e) == ("ResourceNotFound", "Resource does not exist", 404)


def test_data_protection_policy_is_stored(sns):
    arn = sns.create_topic(Name="dpp")["TopicArn"]
    assert sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"] == ""
    policy = json.dumps(
        {
            "Name": "p",
            "Version": "2021-06-01",
            "Statement": [
                {
                    "Sid": "deny",
                    "DataDirection": "Inbound",
                    "Principal": ["*"],
                    "DataIdentifier": ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"],
                    "Operation": {"Deny": {}},
                }
            ],
        }
    )
    sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy=policy)
    assert sns.get_data_protection_policy(ResourceArn=arn)["DataProtectionPolicy"] == policy
    with pytest.raises(ClientError) as e:
        sns.put_data_protection_policy(ResourceArn=arn, DataProtectionPolicy="not json")
    assert error_of(e)[0] == "InvalidParameter"
    with pytest.raises(ClientError) as e:
        sns.get_data_protection_policy(ResourceArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:gone")
    assert error_of(e)[0] == "NotFound"


def test_add_and_remove_permission(sns):
    arn = sns.create_topic(Name="perm")["TopicArn"]
    sns.add_permission(TopicArn=arn, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    added = [s for s in statements if s["Sid"] == "pub"][0]
    assert added["Principal"] == {"AWS": "arn:aws:iam::111122223333:root"}
    assert added["Action"] == "SNS:Publish"
    with pytest.raises(ClientError) as e:
        sns.add_permission(TopicArn=arn, Label="pub", AWSAccountId=["111122223333"], ActionName=["Publish"])
    assert error_of(e)[0] == "InvalidParameter"
    sns.remove_permission(TopicArn=arn, Label="pub")
    statements = json.loads(sns.get_topic_attributes(TopicArn=arn)["Attributes"]["Policy"])["Statement"]
    assert [s["Sid"] for s in statements] == ["__default_statement_ID"]


def test_list_topics_pages_by_100(sns):
    for i in range(105):
        sns.create_topic(Name=f"page-{i:03d}")
    first = sns.list_topics()
    assert len(first["Topics"]) == 100 and "NextToken" in first
    second = sns.list_topics(NextToken=first["NextToken"])
    assert "NextToken" not in second
    seen = [t["TopicArn"] for t in first["Topics"] + second["Topics"]]
    assert len(seen) == len(set(seen))
    assert sum(1 for a in seen if ":page-" in a) == 105
    paginated = [t for page in sns.get_paginator("list_topics").paginate() for t in page["Topics"]]
    assert len(paginated) == len(seen)
    for i in range(105):
        sns.delete_topic(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:page-{i:03d}")


def test_subscribe_sqs_is_confirmed_at_once(sns, sqs):
    topic = sns.create_topic(Name="subs")["TopicArn"]
    q = queue_arn(sqs, "subs-q")
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=q)["SubscriptionArn"]
    assert sub.startswith(topic + ":")
    assert sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=q)["SubscriptionArn"] == sub
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["PendingConfirmation"] == "false"
    assert attrs["RawMessageDelivery"] == "false"
    assert attrs["Protocol"] == "sqs" and attrs["Endpoint"] == q and attrs["TopicArn"] == topic
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsConfirmed"] == "1"
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed == [{"SubscriptionArn": sub, "Owner": ACCOUNT, "Protocol": "sqs", "Endpoint": q, "TopicArn": topic}]
    sns.unsubscribe(SubscriptionArn=sub)
    sns.unsubscribe(SubscriptionArn=sub)
    assert sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"] == []
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsDeleted"] == "1"
    with pytest.raises(ClientError) as e:
        sns.get_subscription_attributes(SubscriptionArn=sub)
    assert error_of(e) == ("NotFound", "Subscription does not exist", 404)


def test_subscribe_checks(sns, sqs):
    topic = sns.create_topic(Name="checks")["TopicArn"]
    cases = [
        ("carrier-pigeon", "x", "Invalid parameter: Amazon SNS does not support this protocol string: carrier-pigeon"),
        ("sqs", "not-an-arn", "Invalid parameter: SQS endpoint ARN"),
        ("lambda", "arn:aws:sqs:us-east-1:000000000000:q", "Invalid parameter: Lambda endpoint ARN"),
        ("email", "nobody", "Invalid parameter: Email address"),
    ]
    for protocol, endpoint, message in cases:
        with pytest.raises(ClientError) as e:
            sns.subscribe(TopicArn=topic, Protocol=protocol, Endpoint=endpoint)
        assert error_of(e) == ("InvalidParameter", message, 400)
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:gone", Protocol="sqs", Endpoint=queue_arn(sqs, "c"))
    assert error_of(e) == ("NotFound", "Topic does not exist", 404)


def test_fifo_topics_take_queues_standard_topics_refuse_fifo_queues(sns, sqs):
    fifo = sns.create_topic(Name="only.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    standard = sns.create_topic(Name="std")["TopicArn"]
    fifo_q = sqs.create_queue(QueueName="only.fifo", Attributes={"FifoQueue": "true"})["QueueUrl"]
    fifo_q_arn = sqs.get_queue_attributes(QueueUrl=fifo_q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # Since 2023-09 FIFO topics deliver to standard queues as well.
    assert sns.subscribe(TopicArn=fifo, Protocol="sqs", Endpoint=queue_arn(sqs, "plain"))["SubscriptionArn"]
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=standard, Protocol="sqs", Endpoint=fifo_q_arn)
    assert error_of(e) == (
        "InvalidParameter",
        "Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
        400,
    )
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=fifo, Protocol="email", Endpoint="a@example.com")
    assert error_of(e)[0] == "InvalidParameter"
    assert sns.subscribe(TopicArn=fifo, Protocol="sqs", Endpoint=fifo_q_arn)["SubscriptionArn"].startswith(fifo)


def test_subscription_attributes(sns, sqs):
    topic = sns.create_topic(Name="subattrs")["TopicArn"]
    sub = sns.subscribe(
        TopicArn=topic,
        Protocol="sqs",
        Endpoint=queue_arn(sqs, "subattrs-q"),
        Attributes={"RawMessageDelivery": "true", "FilterPolicy": json.dumps({"color": ["red"]})},
        ReturnSubscriptionArn=True,
    )["SubscriptionArn"]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    assert attrs["RawMessageDelivery"] == "true"
    assert json.loads(attrs["FilterPolicy"]) == {"color": ["red"]}
    assert attrs["FilterPolicyScope"] == "MessageAttributes"
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicyScope", AttributeValue="MessageBody")
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["FilterPolicyScope"] == "MessageBody"
    dlq = queue_arn(sqs, "subattrs-dlq")
    sns.set_subscription_attributes(
        SubscriptionArn=sub, AttributeName="RedrivePolicy", AttributeValue=json.dumps({"deadLetterTargetArn": dlq})
    )
    assert json.loads(sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["RedrivePolicy"]) == {
        "deadLetterTargetArn": dlq
    }
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue="")
    assert "FilterPolicy" not in sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]
    with pytest.raises(ClientError) as e:
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="Nope", AttributeValue="x")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: AttributeName", 400)


def test_bad_filter_policies_are_refused_in_aws_words(sns, sqs):
    topic = sns.create_topic(Name="badfilters")["TopicArn"]
    sub = sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn(sqs, "badfilters-q"))["SubscriptionArn"]
    cases = {
        json.dumps({"a": {"b": ["c"]}}): "Invalid parameter: Filter policy scope MessageAttributes does not support nested filter policy",
        json.dumps({"a": [{"foo": 1}]}): "Invalid parameter: FilterPolicy: Unrecognized match type foo",
        json.dumps({"a": [{"numeric": [">", "x"]}]}): "Invalid parameter: FilterPolicy: Value of > must be numeric",
        json.dumps({"a": "b"}): 'Invalid parameter: FilterPolicy: "a" must be an object or an array',
        json.dumps({"a": [{"exists": "yes"}]}): "Invalid parameter: FilterPolicy: exists match pattern must be either true or false.",
    }
    for policy, message in cases.items():
        with pytest.raises(ClientError) as e:
            sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="FilterPolicy", AttributeValue=policy)
        assert error_of(e) == ("InvalidParameter", message, 400)
    with pytest.raises(ClientError) as e:
        sns.subscribe(
            TopicArn=topic,
            Protocol="sqs",
            Endpoint=queue_arn(sqs, "badfilters-q2"),
            Attributes={"FilterPolicy": json.dumps({"a": [{"foo": 1}]})},
        )
    assert error_of(e)[1] == "Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type foo"
    with pytest.raises(ClientError) as e:
        sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="maybe")
    assert error_of(e)[0] == "InvalidParameter"


def test_raw_delivery_refused_for_lambda(sns):
    topic = sns.create_topic(Name="rawlambda")["TopicArn"]
    with pytest.raises(ClientError) as e:
        sns.subscribe(
            TopicArn=topic,
            Protocol="lambda",
            Endpoint=f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:f",
            Attributes={"RawMessageDelivery": "true"},
        )
    assert error_of(e) == (
        "InvalidParameter",
        "Invalid parameter: Delivery protocol [lambda] does not support raw message delivery.",
        400,
    )


def test_email_subscription_is_pending_until_confirmed(sns):
    topic = sns.create_topic(Name="mail")["TopicArn"]
    assert sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com")["SubscriptionArn"] == (
        "pending confirmation"
    )
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert listed[0]["SubscriptionArn"] == "PendingConfirmation"
    assert sns.get_topic_attributes(TopicArn=topic)["Attributes"]["SubscriptionsPending"] == "1"
    arn = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="a@example.com", ReturnSubscriptionArn=True)[
        "SubscriptionArn"
    ]
    assert sns.get_subscription_attributes(SubscriptionArn=arn)["Attributes"]["PendingConfirmation"] == "true"
    with pytest.raises(ClientError) as e:
        sns.confirm_subscription(TopicArn=topic, Token="not-a-token")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: Token", 400)


def test_list_subscriptions_pages_by_100(sns, sqs):
    topic = sns.create_topic(Name="many")["TopicArn"]
    q = queue_arn(sqs, "many-q")
    for i in range(101):
        sns.subscribe(TopicArn=topic, Protocol="sms", Endpoint=f"+1555000{i:04d}")
    first = sns.list_subscriptions_by_topic(TopicArn=topic)
    assert len(first["Subscriptions"]) == 100
    second = sns.list_subscriptions_by_topic(TopicArn=topic, NextToken=first["NextToken"])
    assert len(second["Subscriptions"]) == 1 and "NextToken" not in second
    with pytest.raises(ClientError) as e:
        sns.list_subscriptions(NextToken="garbage")
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: NextToken", 400)
    assert q


def test_topics_belong_to_their_region(client, sns, sqs):
    from botocore.config import Config

    eu = client("sns", config=Config(region_name="eu-west-1"))
    arn = eu.create_topic(Name="regional")["TopicArn"]
    assert arn == f"arn:aws:sns:eu-west-1:{ACCOUNT}:regional"
    assert {"TopicArn": arn} in eu.list_topics()["Topics"]
    assert {"TopicArn": arn} not in sns.list_topics()["Topics"]
    with pytest.raises(ClientError) as e:
        sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=queue_arn(sqs, "regional-q"))
    assert error_of(e) == ("InvalidParameter", "Invalid parameter: TopicArn", 400)
