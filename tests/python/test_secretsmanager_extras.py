"""Secrets Manager resource policies, rotation schedules, replication and BatchGetSecretValue."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def sm(client):
    return client("secretsmanager")


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def unique(prefix="x"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "secretsmanager:GetSecretValue",
            "Resource": "*",
        }
    ],
}
PUBLIC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def test_resource_policy_lifecycle(sm):
    name = unique()
    arn = sm.create_secret(Name=name, SecretString="a")["ARN"]
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)
    sm.put_resource_policy(SecretId=name, ResourcePolicy=json.dumps(POLICY))
    got = sm.get_resource_policy(SecretId=name)
    assert got["ARN"] == arn and json.loads(got["ResourcePolicy"]) == POLICY
    sm.delete_resource_policy(SecretId=name)
    assert "ResourcePolicy" not in sm.get_resource_policy(SecretId=name)


def test_resource_policy_validation(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a")
    with pytest.raises(ClientError) as e:
        sm.put_resource_policy(SecretId=name, ResourcePolicy="{not json")
    assert error(e)[0] == "MalformedPolicyDocumentException"
    with pytest.raises(ClientError) as e:
        sm.put_resource_policy(SecretId=name, ResourcePolicy=json.dumps(PUBLIC), BlockPublicPolicy=True)
    assert error(e)[0] == "PublicPolicyException"
    sm.put_resource_policy(SecretId=name, ResourcePolicy=json.dumps(PUBLIC))
    ok = sm.validate_resource_policy(ResourcePolicy=json.dumps(POLICY))
    assert ok["PolicyValidationPassed"] is True and ok["ValidationErrors"] == []
    bad = sm.validate_resource_policy(ResourcePolicy="[]")
    assert bad["PolicyValidationPassed"] is False and bad["ValidationErrors"]


def test_rotation_schedule_is_recorded(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a")
    with pytest.raises(ClientError) as e:
        sm.rotate_secret(SecretId=name)
    assert error(e) == ("InvalidRequestException", "No Lambda rotation function ARN is associated with this secret.")
    lam = "arn:aws:lambda:us-east-1:000000000000:function:rotator"
    out = sm.rotate_secret(
        SecretId=name, RotationLambdaARN=lam, RotationRules={"AutomaticallyAfterDays": 30}, RotateImmediately=False
    )
    assert out["VersionId"]
    d = sm.describe_secret(SecretId=name)
    assert d["RotationEnabled"] is True
    assert d["RotationLambdaARN"] == lam
    assert d["RotationRules"]["AutomaticallyAfterDays"] == 30
    assert (d["NextRotationDate"] - d["LastChangedDate"]).days in (29, 30)
    sm.rotate_secret(
        SecretId=name, RotationRules={"ScheduleExpression": "rate(10 days)", "Duration": "2h"}, RotateImmediately=False
    )
    assert sm.describe_secret(SecretId=name)["RotationRules"]["ScheduleExpression"] == "rate(10 days)"
    with pytest.raises(ClientError) as e:
        sm.rotate_secret(SecretId=name, RotationRules={"AutomaticallyAfterDays": 5, "ScheduleExpression": "rate(5 days)"})
    assert error(e)[0] == "InvalidParameterException"
    sm.cancel_rotate_secret(SecretId=name)
    assert sm.describe_secret(SecretId=name)["RotationEnabled"] is False
    with pytest.raises(ClientError) as e:
        sm.cancel_rotate_secret(SecretId=name)
    assert error(e)[0] == "InvalidRequestException"


def test_replication_is_recorded(sm):
    name = unique()
    created = sm.create_secret(Name=name, SecretString="a", AddReplicaRegions=[{"Region": "eu-west-1"}])
    assert created["ReplicationStatus"][0]["Region"] == "eu-west-1"
    assert created["ReplicationStatus"][0]["Status"] == "InSync"
    out = sm.replicate_secret_to_regions(
        SecretId=name, AddReplicaRegions=[{"Region": "us-west-2", "KmsKeyId": "alias/replica"}]
    )
    assert {r["Region"] for r in out["ReplicationStatus"]} == {"eu-west-1", "us-west-2"}
    d = sm.describe_secret(SecretId=name)
    assert d["PrimaryRegion"] == "us-east-1"
    assert {r["Region"] for r in d["ReplicationStatus"]} == {"eu-west-1", "us-west-2"}
    listed = sm.list_secrets(Filters=[{"Key": "primary-region", "Values": ["us-east-1"]}])["SecretList"]
    assert [s["Name"] for s in listed] == [name]
    with pytest.raises(ClientError) as e:
        sm.replicate_secret_to_regions(SecretId=name, AddReplicaRegions=[{"Region": "us-east-1"}])
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId=name)
    assert error(e)[0] == "InvalidRequestException"
    sm.remove_regions_from_replication(SecretId=name, RemoveReplicaRegions=["eu-west-1", "us-west-2"])
    assert "ReplicationStatus" not in sm.describe_secret(SecretId=name)
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)


def test_batch_get_secret_value_by_ids(sm):
    a, b = unique("batch"), unique("batch")
    sm.create_secret(Name=a, SecretString="va")
    arn_b = sm.create_secret(Name=b, SecretBinary=b"vb")["ARN"]
    out = sm.batch_get_secret_value(SecretIdList=[a, arn_b, "missing-one"])
    values = {v["Name"]: v for v in out["SecretValues"]}
    assert values[a]["SecretString"] == "va"
    assert values[b]["SecretBinary"] == b"vb"
    assert values[a]["VersionStages"] == ["AWSCURRENT"]
    assert out["Errors"] == [
        {
            "SecretId": "missing-one",
            "ErrorCode": "ResourceNotFoundException",
            "Message": "Secrets Manager can't find the specified secret.",
        }
    ]


def test_batch_get_secret_value_by_filters_pages(sm):
    prefix = unique("bf")
    for i in range(3):
        sm.create_secret(Name=f"{prefix}/{i}", SecretString=str(i))
    first = sm.batch_get_secret_value(Filters=[{"Key": "name", "Values": [prefix]}], MaxResults=2)
    assert [v["SecretString"] for v in first["SecretValues"]] == ["0", "1"]
    second = sm.batch_get_secret_value(
        Filters=[{"Key": "name", "Values": [prefix]}], MaxResults=2, NextToken=first["NextToken"]
    )
    assert [v["SecretString"] for v in second["SecretValues"]] == ["2"]
    assert "NextToken" not in second
    with pytest.raises(ClientError) as e:
        sm.batch_get_secret_value(SecretIdList=[f"{prefix}/0"], Filters=[{"Key": "name", "Values": [prefix]}])
    assert error(e)[0] == "InvalidParameterException"


def test_cli_round_trip(aws_cli):
    name = unique("cli")
    created = aws_cli("secretsmanager", "create-secret", "--name", name, "--secret-string", '{"k":"v"}')
    assert created["Name"] == name
    got = aws_cli("secretsmanager", "get-secret-value", "--secret-id", name)
    assert json.loads(got["SecretString"]) == {"k": "v"}
    assert got["VersionStages"] == ["AWSCURRENT"]
    password = aws_cli("secretsmanager", "get-random-password", "--password-length", "20", "--exclude-punctuation")
    assert len(password["RandomPassword"]) == 20 and password["RandomPassword"].isalnum()
