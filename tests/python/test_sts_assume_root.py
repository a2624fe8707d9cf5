"""STS AssumeRoot: short-term root credentials of a member account, scoped to one of the five
AWS-managed root-task policies, lasting at most 15 minutes; they act in the target account
and, like every temporary credential, only with their session token."""

import re
import time

import pytest
from botocore.exceptions import ClientError

import harness

TARGET = "111122223333"
TASKS = [
    "IAMAuditRootUserCredentials",
    "IAMCreateRootUserPassword",
    "IAMDeleteRootUserCredentials",
    "S3UnlockBucketPolicy",
    "SQSUnlockQueuePolicy",
]


def task(name):
    return {"arn": f"arn:aws:iam::aws:policy/root-task/{name}"}


@pytest.fixture
def sts(client):
    return client("sts")


def as_creds(endpoint, service, creds, token="issued"):
    return harness.make_client(
        endpoint,
        service,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"] if token == "issued" else token,
    )


def error(excinfo):
    r = excinfo.value.response
    return r["Error"]["Code"], r["ResponseMetadata"]["HTTPStatusCode"]


def test_every_root_task_policy_issues_root_credentials(sts, endpoint):
    for name in TASKS:
        out = sts.assume_root(TargetPrincipal=TARGET, TaskPolicyArn=task(name))
        creds = out["Credentials"]
        assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["AccessKeyId"])
        assert len(creds["SecretAccessKey"]) == 40 and creds["SessionToken"]
        # 900 seconds by default.
        remaining = creds["Expiration"].timestamp() - time.time()
        assert 880 < remaining <= 901, remaining
        assert "SourceIdentity" not in out
    identity = as_creds(endpoint, "sts", creds).get_caller_identity()
    assert identity["Account"] == TARGET
    assert identity["UserId"] == TARGET
    assert identity["Arn"] == f"arn:aws:iam::{TARGET}:root"


def test_root_credentials_act_in_the_target_account(sts, endpoint):
    creds = sts.assume_root(
        TargetPrincipal=f"arn:aws:iam::{TARGET}:root", TaskPolicyArn=task("SQSUnlockQueuePolicy"), DurationSeconds=300
    )["Credentials"]
    remaining = creds["Expiration"].timestamp() - time.time()
    assert 280 < remaining <= 301, remaining
    url = as_creds(endpoint, "sqs", creds).create_queue(QueueName="unlock-me")["QueueUrl"]
    assert f"/{TARGET}/unlock-me" in url
    with pytest.raises(ClientError) as e:
        as_creds(endpoint, "sqs", creds, token=None).list_queues()
    assert error(e) == ("InvalidClientTokenId", 403)
    # Root sessions are session credentials: they cannot mint more.
    with pytest.raises(ClientError) as e:
        as_creds(endpoint, "sts", creds).get_session_token()
    assert error(e)[0] == "AccessDenied"


def test_source_identity_of_the_calling_role_session_carries_over(sts, endpoint):
    role = sts.assume_role(
        RoleArn="arn:aws:iam::000000000000:role/admin", RoleSessionName="ops", SourceIdentity="Alice"
    )["Credentials"]
    out = as_creds(endpoint, "sts", role).assume_root(TargetPrincipal=TARGET, TaskPolicyArn=task("S3UnlockBucketPolicy"))
    assert out["SourceIdentity"] == "Alice"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"TaskPolicyArn": task("NotATask")},
        {"TaskPolicyArn": {"arn": "arn:aws:iam::aws:policy/AdministratorAccess"}},
        {"TaskPolicyArn": {"arn": f"arn:aws:iam::{TARGET}:policy/root-task/S3UnlockBucketPolicy"}},
        {"TaskPolicyArn": task("S3UnlockBucketPolicy"), "DurationSeconds": 901},
        {"TaskPolicyArn": task("S3UnlockBucketPolicy"), "TargetPrincipal": "111122223333x"},
        {"TaskPolicyArn": task("S3UnlockBucketPolicy"), "TargetPrincipal": f"arn:aws:iam::{TARGET}:user/bob"},
    ],
)
def test_invalid_input_is_a_validation_error(sts, kwargs):
    kwargs = {"TargetPrincipal": TARGET, **kwargs}
    with pytest.raises(ClientError) as e:
        sts.assume_root(**kwargs)
    assert error(e) == ("ValidationError", 400)
