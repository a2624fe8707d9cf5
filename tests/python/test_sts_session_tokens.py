"""Temporary credentials are honoured only with the session token they were issued with, as on
AWS: a request signed with an ASIA key we issued but carrying no token, or another token, is
refused in every service with that service's own error (S3: InvalidAccessKeyId / InvalidToken;
awsQuery services: InvalidClientTokenId; JSON services: UnrecognizedClientException).
ASIA keys no one here issued (made-up credentials) keep working, in the default account.
Expiry is covered by the STS crate's unit tests (the shortest session lasts 15 minutes)."""

import urllib.request
import uuid
from urllib.error import HTTPError

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

import harness

ROLE = "arn:aws:iam::123456789012:role/token-test"
INVALID = "The security token included in the request is invalid."


@pytest.fixture(scope="module")
def creds(endpoint):
    sts = harness.make_client(endpoint, "sts")
    out = sts.assume_role(RoleArn=ROLE, RoleSessionName="tok")["Credentials"]
    assert out["AccessKeyId"].startswith("ASIA")
    return out


def signed(endpoint, service, creds, token="issued", session=None):
    token = creds["SessionToken"] if token == "issued" else token
    return harness.make_client(
        endpoint,
        service,
        session=session,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=token,
    )


def refused(call):
    with pytest.raises(ClientError) as e:
        call()
    r = e.value.response
    return r["Error"]["Code"], r["Error"]["Message"], r["ResponseMetadata"]["HTTPStatusCode"]


def wrong(creds):
    return creds["SessionToken"][:-8] + "AAAAAAA="


def test_sts_with_the_issued_token_is_the_assumed_role(endpoint, creds):
    identity = signed(endpoint, "sts", creds).get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:sts::123456789012:assumed-role/token-test/tok"


def test_sts_with_a_wrong_or_no_token_is_invalid_client_token_id(endpoint, creds):
    for token in [wrong(creds), None]:
        sts = signed(endpoint, "sts", creds, token=token)
        assert refused(sts.get_caller_identity) == ("InvalidClientTokenId", INVALID, 403)


def test_s3_with_the_issued_token_acts_in_the_roles_account(endpoint, creds):
    s3 = signed(endpoint, "s3", creds)
    bucket = f"tok-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"v")
    assert s3.get_object(Bucket=bucket, Key="k")["Body"].read() == b"v"


def test_s3_refuses_wrong_and_missing_tokens_as_s3_does(endpoint, creds):
    s3 = signed(endpoint, "s3", creds, token=wrong(creds))
    assert refused(s3.list_buckets) == (
        "InvalidToken",
        "The provided token is malformed or otherwise invalid.",
        400,
    )
    s3 = signed(endpoint, "s3", creds, token=None)
    assert refused(s3.list_buckets) == (
        "InvalidAccessKeyId",
        "The AWS Access Key Id you provided does not exist in our records.",
        403,
    )


def test_s3_presigned_urls_carry_the_token(endpoint, creds):
    s3 = signed(endpoint, "s3", creds)
    bucket = f"tok-{uuid.uuid4().hex[:10]}"
    s3.create_bucket(Bucket=bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"presigned")
    url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    assert "security-token=" in url.lower()
    with urllib.request.urlopen(url) as answer:
        assert answer.read() == b"presigned"
    tampered = signed(endpoint, "s3", creds, token=wrong(creds)).generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60
    )
    with pytest.raises(HTTPError) as e:
        urllib.request.urlopen(tampered)
    assert e.value.code == 400 and b"<Code>InvalidToken</Code>" in e.value.read()
    # SigV4 presigned URLs carry it as X-Amz-Security-Token.
    v4 = harness.make_client(
        endpoint,
        "s3",
        config=Config(signature_version="s3v4"),
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )
    url = v4.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "k"}, ExpiresIn=60)
    assert "X-Amz-Security-Token=" in url
    with urllib.request.urlopen(url) as answer:
        assert answer.read() == b"presigned"
    with pytest.raises(HTTPError) as e:
        urllib.request.urlopen(url.replace("X-Amz-Security-Token=", "X-Amz-Security-Token=x"))
    assert e.value.code == 400 and b"<Code>InvalidToken</Code>" in e.value.read()


def test_each_protocol_refuses_a_wrong_token_in_its_own_envelope(endpoint, creds):
    token = wrong(creds)
    # SQS over JSON is awsQueryCompatible: clients see the query code.
    sqs = signed(endpoint, "sqs", creds, token=token)
    assert refused(sqs.list_queues) == ("InvalidClientTokenId", INVALID, 403)
    legacy = signed(
        endpoint, "sqs", creds, token=token, session=harness.session_with_model("sqs", harness.legacy_sqs_query_model)
    )
    assert refused(legacy.list_queues) == ("InvalidClientTokenId", INVALID, 403)
    dynamodb = signed(endpoint, "dynamodb", creds, token=token)
    assert refused(dynamodb.list_tables) == ("UnrecognizedClientException", INVALID, 400)
    awslambda = signed(endpoint, "lambda", creds, token=token)
    assert refused(awslambda.list_functions) == ("UnrecognizedClientException", INVALID, 403)
    iam = signed(endpoint, "iam", creds, token=None)
    assert refused(iam.list_users) == ("InvalidClientTokenId", INVALID, 403)


def test_every_kind_of_temporary_credentials_needs_its_token(endpoint):
    sts = harness.make_client(endpoint, "sts")
    issued = [
        sts.get_session_token()["Credentials"],
        sts.get_federation_token(Name="fed")["Credentials"],
    ]
    for creds in issued:
        assert signed(endpoint, "sts", creds).get_caller_identity()["Account"] == "000000000000"
        code, _, status = refused(signed(endpoint, "sts", creds, token=wrong(creds)).get_caller_identity)
        assert (code, status) == ("InvalidClientTokenId", 403)


def test_made_up_temporary_keys_are_still_accepted(endpoint):
    fake = {"AccessKeyId": "ASIA" + "Z" * 16, "SecretAccessKey": "x" * 40, "SessionToken": "anything"}
    for token in ["anything", None]:
        identity = signed(endpoint, "sts", fake, token=token).get_caller_identity()
        assert identity["Account"] == "000000000000"
        signed(endpoint, "sqs", fake, token=token).list_queues()
