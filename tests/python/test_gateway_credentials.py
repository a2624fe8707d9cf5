"""Temporary credentials act in their session's account in every service, as on AWS."""

import harness


def test_role_assumed_into_another_account_acts_there(client, endpoint):
    sts = client("sts")
    creds = sts.assume_role(RoleArn="arn:aws:iam::111111111111:role/deployer", RoleSessionName="ci")["Credentials"]
    assert creds["AccessKeyId"].startswith("ASIA")
    kwargs = dict(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )

    assumed_sts = harness.make_client(endpoint, "sts", **kwargs)
    assert assumed_sts.get_caller_identity()["Account"] == "111111111111"

    assumed_sqs = harness.make_client(endpoint, "sqs", **kwargs)
    url = assumed_sqs.create_queue(QueueName="in-other-account")["QueueUrl"]
    assert "/111111111111/in-other-account" in url

    # The default account does not see the other account's queue in its listing.
    own = client("sqs").list_queues().get("QueueUrls", [])
    assert url not in own


def test_iam_user_key_acts_in_the_users_account(endpoint):
    # A 12-digit access key id addresses that account (how tests reach other accounts).
    iam = harness.make_client(endpoint, "iam", aws_access_key_id="222222222222", aws_secret_access_key="test")
    iam.create_user(UserName="builder")
    key = iam.create_access_key(UserName="builder")["AccessKey"]
    assert key["AccessKeyId"].startswith("AKIA")
    kwargs = dict(aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"])

    url = harness.make_client(endpoint, "sqs", **kwargs).create_queue(QueueName="built")["QueueUrl"]
    assert "/222222222222/built" in url
    identity = harness.make_client(endpoint, "sts", **kwargs).get_caller_identity()
    assert identity["Account"] == "222222222222"
    assert identity["Arn"] == "arn:aws:iam::222222222222:user/builder"
