"""IAM users' access keys in every service: a key acts in its user's account from the moment
CreateAccessKey returns it, is refused everywhere while its user has it deactivated, and is
no longer ours once deleted (it then acts like any made-up key)."""

import pytest
from botocore.exceptions import ClientError

import harness

OTHER = "333333333333"


def as_key(endpoint, service, key):
    return harness.make_client(
        endpoint, service, aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )


def test_key_lifecycle_across_services(endpoint):
    iam = harness.make_client(endpoint, "iam", aws_access_key_id=OTHER, aws_secret_access_key="test")
    iam.create_user(UserName="keyholder")
    key = iam.create_access_key(UserName="keyholder")["AccessKey"]

    identity = as_key(endpoint, "sts", key).get_caller_identity()
    assert identity["Account"] == OTHER and identity["Arn"].endswith(":user/keyholder")
    url = as_key(endpoint, "sqs", key).create_queue(QueueName="held")["QueueUrl"]
    assert f"/{OTHER}/held" in url

    iam.update_access_key(UserName="keyholder", AccessKeyId=key["AccessKeyId"], Status="Inactive")
    for call in [as_key(endpoint, "sqs", key).list_queues, as_key(endpoint, "sts", key).get_caller_identity]:
        with pytest.raises(ClientError) as e:
            call()
        assert e.value.response["Error"]["Code"] == "InvalidClientTokenId"
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        as_key(endpoint, "s3", key).list_buckets()
    assert e.value.response["Error"]["Code"] == "InvalidAccessKeyId"

    iam.update_access_key(UserName="keyholder", AccessKeyId=key["AccessKeyId"], Status="Active")
    assert as_key(endpoint, "sts", key).get_caller_identity()["Account"] == OTHER

    iam.delete_access_key(UserName="keyholder", AccessKeyId=key["AccessKeyId"])
    with pytest.raises(ClientError) as e:
        iam.get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"
    # A key nobody here holds is a made-up key: accepted, in the default account.
    assert as_key(endpoint, "sts", key).get_caller_identity()["Account"] == "000000000000"
    iam.delete_user(UserName="keyholder")


def test_keys_of_several_accounts_resolve_to_their_own(endpoint):
    keys = {}
    for account in ["444444444444", "555555555555"]:
        iam = harness.make_client(endpoint, "iam", aws_access_key_id=account, aws_secret_access_key="test")
        iam.create_user(UserName="u")
        keys[account] = iam.create_access_key(UserName="u")["AccessKey"]
    for account, key in keys.items():
        last = harness.make_client(endpoint, "iam").get_access_key_last_used(AccessKeyId=key["AccessKeyId"])
        assert last["UserName"] == "u"
        assert as_key(endpoint, "sts", key).get_caller_identity()["Arn"] == f"arn:aws:iam::{account}:user/u"
