"""Secrets Manager secrets, versions, staging labels, deletion and listing, as AWS behaves."""

import json
import re
import string
import uuid

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


@pytest.fixture
def sm(client):
    return client("secretsmanager")


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def unique(prefix="s"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def test_create_get_string_secret_and_arn_suffix(sm):
    name = unique("db/password")
    created = sm.create_secret(Name=name, SecretString="hunter2", Description="db")
    assert re.fullmatch(
        rf"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:{re.escape(name)}-[A-Za-z0-9]{{6}}", created["ARN"]
    )
    assert created["Name"] == name
    version = created["VersionId"]
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretString"] == "hunter2"
    assert got["VersionId"] == version
    assert got["VersionStages"] == ["AWSCURRENT"]
    assert "SecretBinary" not in got
    # By full ARN and by partial ARN (without the random suffix).
    assert sm.get_secret_value(SecretId=created["ARN"])["SecretString"] == "hunter2"
    assert sm.get_secret_value(SecretId=created["ARN"][:-7])["SecretString"] == "hunter2"


def test_binary_secret_round_trips(sm):
    name = unique()
    sm.create_secret(Name=name, SecretBinary=b"\x00\x01binary\xff")
    got = sm.get_secret_value(SecretId=name)
    assert got["SecretBinary"] == b"\x00\x01binary\xff"
    assert "SecretString" not in got


def test_both_values_rejected(sm):
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=unique(), SecretString="a", SecretBinary=b"b")
    assert error(e)[0] == "InvalidParameterException"


def test_missing_secret(sm):
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId="nope")
    assert error(e) == ("ResourceNotFoundException", "Secrets Manager can't find the specified secret.")
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_duplicate_name(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="x")
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=name, SecretString="y")
    assert error(e) == ("ResourceExistsException", f"The operation failed because the secret {name} already exists.")


def test_invalid_name(sm):
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name="bad name!", SecretString="x")
    assert error(e)[0] == "ValidationException"


def test_secret_without_value_has_no_current_version(sm):
    name = unique()
    created = sm.create_secret(Name=name)
    assert "VersionId" not in created
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId=name)
    assert error(e) == (
        "ResourceNotFoundException",
        "Secrets Manager can't find the specified secret value for staging label: AWSCURRENT",
    )
    sm.put_secret_value(SecretId=name, SecretString="now")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "now"


def test_put_moves_current_and_previous(sm):
    name = unique()
    v1 = sm.create_secret(Name=name, SecretString="one")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="two")
    assert v2["VersionStages"] == ["AWSCURRENT"]
    v2 = v2["VersionId"]
    v3 = sm.put_secret_value(SecretId=name, SecretString="three")["VersionId"]
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages == {v2: ["AWSPREVIOUS"], v3: ["AWSCURRENT"]}
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPREVIOUS")["SecretString"] == "two"
    assert sm.get_secret_value(SecretId=name, VersionId=v1)["SecretString"] == "one"
    # v1 lost every label: it is deprecated and only listed on request.
    listed = sm.list_secret_version_ids(SecretId=name)["Versions"]
    assert {v["VersionId"] for v in listed} == {v2, v3}
    listed = sm.list_secret_version_ids(SecretId=name, IncludeDeprecated=True)["Versions"]
    assert {v["VersionId"] for v in listed} == {v1, v2, v3}
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId=name, VersionId=str(uuid.uuid4()))
    assert error(e)[0] == "ResourceNotFoundException"


def test_client_request_token_is_idempotent(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a")
    token = str(uuid.uuid4())
    first = sm.put_secret_value(SecretId=name, SecretString="b", ClientRequestToken=token)
    again = sm.put_secret_value(SecretId=name, SecretString="b", ClientRequestToken=token)
    assert first["VersionId"] == again["VersionId"] == token
    with pytest.raises(ClientError) as e:
        sm.put_secret_value(SecretId=name, SecretString="c", ClientRequestToken=token)
    assert error(e) == (
        "ResourceExistsException",
        "You can't modify an existing version, you can only create a new version.",
    )


def test_custom_stage_labels(sm):
    name = unique()
    v1 = sm.create_secret(Name=name, SecretString="a")["VersionId"]
    pending = sm.put_secret_value(SecretId=name, SecretString="p", VersionStages=["AWSPENDING"])
    assert pending["VersionStages"] == ["AWSPENDING"]
    assert sm.get_secret_value(SecretId=name)["VersionId"] == v1
    assert sm.get_secret_value(SecretId=name, VersionStage="AWSPENDING")["SecretString"] == "p"


def test_update_secret_version_stage(sm):
    name = unique()
    v1 = sm.create_secret(Name=name, SecretString="a")["VersionId"]
    v2 = sm.put_secret_value(SecretId=name, SecretString="b", VersionStages=["AWSPENDING"])["VersionId"]
    with pytest.raises(ClientError) as e:
        sm.update_secret_version_stage(SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2)
    code, message = error(e)
    assert code == "InvalidParameterException" and v1 in message
    sm.update_secret_version_stage(
        SecretId=name, VersionStage="AWSCURRENT", MoveToVersionId=v2, RemoveFromVersionId=v1
    )
    stages = sm.describe_secret(SecretId=name)["VersionIdsToStages"]
    assert stages[v2] == ["AWSPENDING", "AWSCURRENT"]
    assert stages[v1] == ["AWSPREVIOUS"]
    sm.update_secret_version_stage(SecretId=name, VersionStage="AWSPENDING", RemoveFromVersionId=v2)
    assert sm.describe_secret(SecretId=name)["VersionIdsToStages"][v2] == ["AWSCURRENT"]
    # A custom label moves freely.
    sm.update_secret_version_stage(SecretId=name, VersionStage="blue", MoveToVersionId=v1)
    assert sm.get_secret_value(SecretId=name, VersionStage="blue")["SecretString"] == "a"


def test_update_secret(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a", Description="old")
    out = sm.update_secret(SecretId=name, Description="new")
    assert "VersionId" not in out
    out = sm.update_secret(SecretId=name, SecretString="b", KmsKeyId="alias/custom")
    assert out["VersionId"]
    d = sm.describe_secret(SecretId=name)
    assert d["Description"] == "new"
    assert d["KmsKeyId"] == "alias/custom"
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "b"


def test_describe_fields(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a", Tags=[{"Key": "team", "Value": "core"}])
    d = sm.describe_secret(SecretId=name)
    assert d["Name"] == name
    assert d["Tags"] == [{"Key": "team", "Value": "core"}]
    assert "CreatedDate" in d and "LastChangedDate" in d
    assert "KmsKeyId" not in d  # the default key is not reported
    assert "DeletedDate" not in d
    sm.get_secret_value(SecretId=name)
    accessed = sm.describe_secret(SecretId=name)["LastAccessedDate"]
    assert accessed.hour == 0 and accessed.minute == 0  # kept to the day


def test_delete_with_recovery_window_and_restore(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a")
    out = sm.delete_secret(SecretId=name, RecoveryWindowInDays=7)
    created = sm.describe_secret(SecretId=name)
    assert "DeletedDate" in created
    assert (out["DeletionDate"] - created["DeletedDate"]).days == 7
    with pytest.raises(ClientError) as e:
        sm.get_secret_value(SecretId=name)
    assert error(e) == (
        "InvalidRequestException",
        "You can't perform this operation on the secret because it was marked for deletion.",
    )
    with pytest.raises(ClientError) as e:
        sm.put_secret_value(SecretId=name, SecretString="b")
    assert error(e)[0] == "InvalidRequestException"
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=name, SecretString="again")
    assert error(e) == (
        "InvalidRequestException",
        "You can't create this secret because a secret with this name is already scheduled for deletion.",
    )
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId=name)
    assert error(e)[0] == "InvalidRequestException"
    names = [s["Name"] for s in sm.list_secrets()["SecretList"]]
    assert name not in names
    names = [s["Name"] for s in sm.list_secrets(IncludePlannedDeletion=True)["SecretList"]]
    assert name in names
    sm.restore_secret(SecretId=name)
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "a"
    assert "DeletedDate" not in sm.describe_secret(SecretId=name)


def test_delete_validation(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a")
    for days in (6, 31):
        with pytest.raises(ClientError) as e:
            sm.delete_secret(SecretId=name, RecoveryWindowInDays=days)
        assert error(e) == (
            "InvalidParameterException",
            "The RecoveryWindowInDays value must be between 7 and 30 days (inclusive).",
        )
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId=name, RecoveryWindowInDays=7, ForceDeleteWithoutRecovery=True)
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        sm.delete_secret(SecretId="does-not-exist")
    assert error(e)[0] == "ResourceNotFoundException"


def test_force_delete_frees_the_name(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a")
    sm.delete_secret(SecretId=name)  # scheduled, 30 days
    sm.delete_secret(SecretId=name, ForceDeleteWithoutRecovery=True)
    with pytest.raises(ClientError) as e:
        sm.describe_secret(SecretId=name)
    assert error(e)[0] == "ResourceNotFoundException"
    sm.create_secret(Name=name, SecretString="fresh")
    assert sm.get_secret_value(SecretId=name)["SecretString"] == "fresh"


def test_tags(sm):
    name = unique()
    sm.create_secret(Name=name, SecretString="a", Tags=[{"Key": "a", "Value": "1"}])
    sm.tag_resource(SecretId=name, Tags=[{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}])
    assert sm.describe_secret(SecretId=name)["Tags"] == [{"Key": "a", "Value": "2"}, {"Key": "b", "Value": "3"}]
    sm.untag_resource(SecretId=name, TagKeys=["a"])
    assert sm.describe_secret(SecretId=name)["Tags"] == [{"Key": "b", "Value": "3"}]
    with pytest.raises(ClientError) as e:
        sm.tag_resource(SecretId="missing", Tags=[{"Key": "x", "Value": "y"}])
    assert error(e)[0] == "ResourceNotFoundException"


def test_list_secrets_filters_and_pages(sm):
    prefix = unique("list")
    for i in range(5):
        sm.create_secret(
            Name=f"{prefix}/app{i}",
            SecretString="x",
            Description="Database credentials" if i % 2 == 0 else "API key",
            Tags=[{"Key": "env", "Value": "prod" if i < 2 else "dev"}],
        )
    by_name = sm.list_secrets(Filters=[{"Key": "name", "Values": [f"{prefix}/app"]}])["SecretList"]
    assert [s["Name"] for s in by_name] == [f"{prefix}/app{i}" for i in range(5)]
    desc = sm.list_secrets(Filters=[{"Key": "name", "Values": [prefix]}, {"Key": "description", "Values": ["database"]}])
    assert [s["Name"] for s in desc["SecretList"]] == [f"{prefix}/app{i}" for i in (0, 2, 4)]
    prod = sm.list_secrets(Filters=[{"Key": "name", "Values": [prefix]}, {"Key": "tag-value", "Values": ["prod"]}])
    assert len(prod["SecretList"]) == 2
    not_prod = sm.list_secrets(Filters=[{"Key": "name", "Values": [prefix]}, {"Key": "tag-value", "Values": ["!prod"]}])
    assert len(not_prod["SecretList"]) == 3
    keyed = sm.list_secrets(Filters=[{"Key": "tag-key", "Values": ["env"]}, {"Key": "name", "Values": [prefix]}])
    assert len(keyed["SecretList"]) == 5
    words = sm.list_secrets(Filters=[{"Key": "all", "Values": ["api"]}, {"Key": "name", "Values": [prefix]}])
    assert len(words["SecretList"]) == 2
    # Pages of two, in creation order; descending reverses it.
    seen, token = [], None
    while True:
        kwargs = {"MaxResults": 2, "Filters": [{"Key": "name", "Values": [prefix]}]}
        if token:
            kwargs["NextToken"] = token
        page = sm.list_secrets(**kwargs)
        assert len(page["SecretList"]) <= 2
        seen += [s["Name"] for s in page["SecretList"]]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == [f"{prefix}/app{i}" for i in range(5)]
    desc_order = sm.list_secrets(Filters=[{"Key": "name", "Values": [prefix]}], SortOrder="desc")["SecretList"]
    assert [s["Name"] for s in desc_order] == [f"{prefix}/app{i}" for i in reversed(range(5))]
    entry = by_name[0]
    assert entry["SecretVersionsToStages"] and list(entry["SecretVersionsToStages"].values()) == [["AWSCURRENT"]]
    with pytest.raises(ClientError) as e:
        sm.list_secrets(NextToken="garbage")
    assert error(e)[0] == "InvalidNextTokenException"


def test_paginator(sm):
    prefix = unique("pg")
    for i in range(3):
        sm.create_secret(Name=f"{prefix}-{i}", SecretString="x")
    pages = sm.get_paginator("list_secrets").paginate(
        Filters=[{"Key": "name", "Values": [prefix]}], PaginationConfig={"PageSize": 1}
    )
    assert [s["Name"] for p in pages for s in p["SecretList"]] == [f"{prefix}-{i}" for i in range(3)]


def test_random_password_default(sm):
    pw = sm.get_random_password()["RandomPassword"]
    assert len(pw) == 32
    assert any(c in string.ascii_lowercase for c in pw)
    assert any(c in string.ascii_uppercase for c in pw)
    assert any(c in string.digits for c in pw)
    assert any(c in string.punctuation for c in pw)
    assert " " not in pw


def test_random_password_options(sm):
    pw = sm.get_random_password(
        PasswordLength=64, ExcludePunctuation=True, ExcludeUppercase=True, ExcludeCharacters="abc0"
    )["RandomPassword"]
    assert len(pw) == 64
    assert all(c in string.ascii_lowercase + string.digits for c in pw)
    assert not set("abc0") & set(pw)
    assert any(c.isdigit() for c in pw)
    only_digits = sm.get_random_password(
        PasswordLength=10, ExcludeLowercase=True, ExcludeUppercase=True, ExcludePunctuation=True
    )["RandomPassword"]
    assert only_digits.isdigit() and len(only_digits) == 10
    spaced = sm.get_random_password(PasswordLength=200, IncludeSpace=True)["RandomPassword"]
    assert len(spaced) == 200
    loose = sm.get_random_password(PasswordLength=1, RequireEachIncludedType=False)["RandomPassword"]
    assert len(loose) == 1
    with pytest.raises(ClientError) as e:
        sm.get_random_password(PasswordLength=3)  # four types cannot fit
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        sm.get_random_password(
            ExcludeLowercase=True, ExcludeUppercase=True, ExcludeNumbers=True, ExcludePunctuation=True
        )
    assert error(e)[0] == "InvalidParameterException"
    with pytest.raises(ClientError) as e:
        sm.get_random_password(PasswordLength=4097)
    assert error(e)[0] in ("InvalidParameterException", "ValidationException")


def test_json_secret_string_stays_verbatim(sm):
    name = unique()
    value = json.dumps({"username": "admin", "password": "p@ss\"word"})
    sm.create_secret(Name=name, SecretString=value)
    assert json.loads(sm.get_secret_value(SecretId=name)["SecretString"])["password"] == 'p@ss"word'


def test_create_secret_retry_with_same_token_is_idempotent(sm):
    name = unique()
    token = str(uuid.uuid4())
    first = sm.create_secret(Name=name, SecretString="v", ClientRequestToken=token)
    again = sm.create_secret(Name=name, SecretString="v", ClientRequestToken=token)
    assert again["ARN"] == first["ARN"] and again["VersionId"] == token
    with pytest.raises(ClientError) as e:
        sm.create_secret(Name=name, SecretString="other", ClientRequestToken=token)
    assert error(e)[0] == "ResourceExistsException"
