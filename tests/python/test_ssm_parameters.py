"""SSM Parameter Store as AWS behaves: types, tiers, versions, labels, history, paths,
DescribeParameters filters, policies, name rules and the public /aws/service namespace."""

import json
import uuid

import pytest
from botocore.exceptions import ClientError

ACCOUNT = "000000000000"


@pytest.fixture
def ssm(client):
    return client("ssm")


def error(excinfo):
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"].get("Message", "")


def unique():
    return f"/t{uuid.uuid4().hex[:8]}"


def test_types(ssm):
    base = unique()
    ssm.put_parameter(Name=f"{base}/s", Value="v", Type="String")
    ssm.put_parameter(Name=f"{base}/l", Value="a,b,c", Type="StringList")
    ssm.put_parameter(Name=f"{base}/secure", Value="hunter2", Type="SecureString", KeyId="alias/my-key")
    p = ssm.get_parameter(Name=f"{base}/l")["Parameter"]
    assert p["Type"] == "StringList" and p["Value"] == "a,b,c"
    assert p["ARN"] == f"arn:aws:ssm:us-east-1:{ACCOUNT}:parameter{base}/l"
    hidden = ssm.get_parameter(Name=f"{base}/secure")["Parameter"]["Value"]
    assert hidden != "hunter2" and "hunter2" not in hidden
    assert ssm.get_parameter(Name=f"{base}/secure", WithDecryption=True)["Parameter"]["Value"] == "hunter2"
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [f"{base}/secure"]}])["Parameters"]
    assert meta[0]["KeyId"] == "alias/my-key" and meta[0]["Type"] == "SecureString"
    default_key = f"{base}/default-key"
    ssm.put_parameter(Name=default_key, Value="x", Type="SecureString")
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [default_key]}])["Parameters"]
    assert meta[0]["KeyId"] == "alias/aws/ssm"


def test_tiers_and_limits(ssm):
    base = unique()
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(Name=f"{base}/big", Value="x" * 4097, Type="String")
    assert error(e)[0] == "ValidationException" and "4096" in error(e)[1]
    assert ssm.put_parameter(Name=f"{base}/big", Value="x" * 4097, Type="String", Tier="Advanced")["Tier"] == "Advanced"
    auto = ssm.put_parameter(Name=f"{base}/auto", Value="x" * 5000, Type="String", Tier="Intelligent-Tiering")
    assert auto["Tier"] == "Advanced"
    small = ssm.put_parameter(Name=f"{base}/small", Value="x", Type="String", Tier="Intelligent-Tiering")
    assert small["Tier"] == "Standard"
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(Name=f"{base}/huge", Value="x" * 8193, Type="String", Tier="Advanced")
    assert error(e)[0] == "ValidationException"
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(Name=f"{base}/big", Value="y", Type="String", Tier="Standard", Overwrite=True)
    assert error(e)[0] == "ValidationException"  # no downgrade from advanced


def test_versions_overwrite_and_history(ssm):
    name = unique()
    assert ssm.put_parameter(Name=name, Value="1", Type="String", Description="first")["Version"] == 1
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(Name=name, Value="2", Type="String")
    assert error(e)[0] == "ParameterAlreadyExists"
    assert ssm.put_parameter(Name=name, Value="2", Overwrite=True)["Version"] == 2
    assert ssm.put_parameter(Name=name, Value="3", Overwrite=True)["Version"] == 3
    assert ssm.get_parameter(Name=f"{name}:1")["Parameter"]["Value"] == "1"
    assert ssm.get_parameter(Name=f"{name}:2")["Parameter"]["Selector"] == ":2"
    history = ssm.get_parameter_history(Name=name)["Parameters"]
    assert [h["Value"] for h in history] == ["1", "2", "3"]
    assert all(h["Description"] == "first" for h in history)
    page = ssm.get_parameter_history(Name=name, MaxResults=2)
    assert len(page["Parameters"]) == 2
    rest = ssm.get_parameter_history(Name=name, MaxResults=2, NextToken=page["NextToken"])
    assert [h["Version"] for h in rest["Parameters"]] == [3]
    with pytest.raises(ClientError) as e:
        ssm.get_parameter(Name=f"{name}:9")
    assert error(e)[0] == "ParameterVersionNotFound"


def test_labels(ssm):
    name = unique()
    ssm.put_parameter(Name=name, Value="a", Type="String")
    ssm.put_parameter(Name=name, Value="b", Type="String", Overwrite=True)
    out = ssm.label_parameter_version(Name=name, ParameterVersion=1, Labels=["prod", "1bad", "awsx"])
    assert out["InvalidLabels"] == ["1bad", "awsx"] and out["ParameterVersion"] == 1
    assert ssm.get_parameter(Name=f"{name}:prod")["Parameter"]["Value"] == "a"
    # Moving a label detaches it from the version that had it.
    ssm.label_parameter_version(Name=name, ParameterVersion=2, Labels=["prod"])
    history = {h["Version"]: h["Labels"] for h in ssm.get_parameter_history(Name=name)["Parameters"]}
    assert history == {1: [], 2: ["prod"]}
    assert ssm.get_parameters_by_path(
        Path="/", Recursive=True, ParameterFilters=[{"Key": "Label", "Values": ["prod"]}]
    )["Parameters"][0]["Name"] == name
    out = ssm.unlabel_parameter_version(Name=name, ParameterVersion=2, Labels=["prod", "nope"])
    assert out["RemovedLabels"] == ["prod"] and out["InvalidLabels"] == ["nope"]
    with pytest.raises(ClientError) as e:
        ssm.get_parameter(Name=f"{name}:prod")
    assert error(e)[0] == "ParameterNotFound"
    with pytest.raises(ClientError) as e:
        ssm.unlabel_parameter_version(Name=name, ParameterVersion=7, Labels=["x"])
    assert error(e)[0] == "ParameterVersionNotFound"
    ssm.label_parameter_version(Name=name, ParameterVersion=1, Labels=[f"l{i}" for i in range(10)])
    with pytest.raises(ClientError) as e:
        ssm.label_parameter_version(Name=name, ParameterVersion=1, Labels=["one-more"])
    assert error(e)[0] == "ParameterVersionLabelLimitExceeded"


def test_get_parameters_by_path(ssm):
    base = unique()
    for n in ("a", "b", "c/d", "c/e/f"):
        ssm.put_parameter(Name=f"{base}/{n}", Value=n, Type="String")
    ssm.put_parameter(Name=f"{base}/secret", Value="s", Type="SecureString")
    one_level = ssm.get_parameters_by_path(Path=base)["Parameters"]
    assert [p["Name"] for p in one_level] == [f"{base}/a", f"{base}/b", f"{base}/secret"]
    everything = ssm.get_parameters_by_path(Path=base, Recursive=True)["Parameters"]
    assert len(everything) == 5
    secure = ssm.get_parameters_by_path(
        Path=base, Recursive=True, WithDecryption=True, ParameterFilters=[{"Key": "Type", "Values": ["SecureString"]}]
    )["Parameters"]
    assert [(p["Name"], p["Value"]) for p in secure] == [(f"{base}/secret", "s")]
    names, token = [], None
    while True:
        kwargs = {"Path": base, "Recursive": True, "MaxResults": 2}
        if token:
            kwargs["NextToken"] = token
        page = ssm.get_parameters_by_path(**kwargs)
        assert len(page["Parameters"]) <= 2
        names += [p["Name"] for p in page["Parameters"]]
        token = page.get("NextToken")
        if not token:
            break
    assert names == sorted(p["Name"] for p in everything)
    with pytest.raises(ClientError) as e:
        ssm.get_parameters_by_path(Path=base, ParameterFilters=[{"Key": "Name", "Values": ["x"]}])
    assert error(e)[0] == "InvalidFilterKey"
    with pytest.raises(ClientError) as e:
        ssm.get_parameters_by_path(Path="no-slash")
    assert error(e)[0] == "ValidationException"


def test_describe_parameters_filters(ssm):
    base = unique()
    ssm.put_parameter(Name=f"{base}/app/x", Value="1", Type="String", Tags=[{"Key": "env", "Value": "prod"}])
    ssm.put_parameter(Name=f"{base}/app/y", Value="2", Type="StringList", Tier="Advanced")
    ssm.put_parameter(Name=f"{base}/other", Value="3", Type="SecureString")
    described = lambda filters: [  # noqa: E731
        p["Name"] for p in ssm.describe_parameters(ParameterFilters=filters)["Parameters"]
    ]
    assert described([{"Key": "Path", "Option": "Recursive", "Values": [base]}]) == [
        f"{base}/app/x",
        f"{base}/app/y",
        f"{base}/other",
    ]
    assert described([{"Key": "Path", "Values": [base]}]) == [f"{base}/other"]
    assert described([{"Key": "Name", "Option": "BeginsWith", "Values": [f"{base}/app"]}]) == [
        f"{base}/app/x",
        f"{base}/app/y",
    ]
    assert described([{"Key": "Name", "Option": "Contains", "Values": [base[1:]]}, {"Key": "Tier", "Values": ["Advanced"]}]) == [
        f"{base}/app/y"
    ]
    assert described([{"Key": "tag:env", "Values": ["prod"]}]) == [f"{base}/app/x"]
    assert described([{"Key": "Type", "Values": ["SecureString"]}, {"Key": "Path", "Option": "Recursive", "Values": [base]}]) == [
        f"{base}/other"
    ]
    with pytest.raises(ClientError) as e:
        ssm.describe_parameters(ParameterFilters=[{"Key": "Path", "Option": "Sideways", "Values": [base]}])
    assert error(e)[0] == "InvalidFilterOption"
    paginator = ssm.get_paginator("describe_parameters")
    pages = list(
        paginator.paginate(
            ParameterFilters=[{"Key": "Path", "Option": "Recursive", "Values": [base]}],
            PaginationConfig={"PageSize": 1},
        )
    )
    assert sum(len(p["Parameters"]) for p in pages) == 3


def test_parameter_policies(ssm):
    base = unique()
    policies = json.dumps(
        [
            {"Type": "Expiration", "Version": "1.0", "Attributes": {"Timestamp": "2035-01-01T00:00:00.000Z"}},
            {"Type": "ExpirationNotification", "Version": "1.0", "Attributes": {"Before": "15", "Unit": "Days"}},
        ]
    )
    out = ssm.put_parameter(Name=f"{base}/p", Value="v", Type="String", Tier="Advanced", Policies=policies)
    assert out["Tier"] == "Advanced"
    meta = ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [f"{base}/p"]}])["Parameters"][0]
    assert [p["PolicyType"] for p in meta["Policies"]] == ["Expiration", "ExpirationNotification"]
    assert all(p["PolicyStatus"] == "Pending" for p in meta["Policies"])
    # Intelligent-Tiering picks the advanced tier for a parameter with policies.
    auto = ssm.put_parameter(Name=f"{base}/q", Value="v", Type="String", Tier="Intelligent-Tiering", Policies=policies)
    assert auto["Tier"] == "Advanced"
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(Name=f"{base}/r", Value="v", Type="String", Policies=policies)
    assert error(e)[0] == "ValidationException"
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(
            Name=f"{base}/r", Value="v", Type="String", Tier="Advanced", Policies='[{"Type":"Nope","Attributes":{}}]'
        )
    assert error(e)[0] == "InvalidPolicyTypeException"
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(
            Name=f"{base}/r",
            Value="v",
            Type="String",
            Tier="Advanced",
            Policies='[{"Type":"NoChangeNotification","Version":"1.0","Attributes":{"After":"x","Unit":"Days"}}]',
        )
    assert error(e)[0] == "InvalidPolicyAttributeException"


def test_name_rules(ssm):
    for bad in ("a/b", "/a//b", "has space"):
        with pytest.raises(ClientError) as e:
            ssm.put_parameter(Name=bad, Value="v", Type="String")
        assert error(e)[0] == "ValidationException", bad
    for reserved in ("/aws/mine", "ssm-thing", "/SSM/x"):
        with pytest.raises(ClientError) as e:
            ssm.put_parameter(Name=reserved, Value="v", Type="String")
        assert error(e)[0] == "AccessDeniedException", reserved
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(Name="/l" * 16, Value="v", Type="String")
    assert error(e)[0] == "HierarchyLevelLimitExceededException"
    ssm.put_parameter(Name="/l" * 15, Value="v", Type="String")
    ssm.put_parameter(Name="plain.name-1_x", Value="v", Type="String")


def test_public_aws_service_namespace(ssm):
    name = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    p = ssm.get_parameter(Name=name)["Parameter"]
    assert p["Value"].startswith("ami-") and len(p["Value"]) == 21
    assert p["Type"] == "String" and p["DataType"] == "aws:ec2:image"
    assert p["ARN"] == f"arn:aws:ssm:us-east-1::parameter{name}"
    assert ssm.get_parameter(Name=name)["Parameter"]["Value"] == p["Value"]
    regions = ssm.get_parameters_by_path(Path="/aws/service/global-infrastructure/regions", MaxResults=10)
    assert all(r["Name"].count("/") == 5 for r in regions["Parameters"])
    every = []
    for page in ssm.get_paginator("get_parameters_by_path").paginate(Path="/aws/service/global-infrastructure/regions"):
        every += [r["Value"] for r in page["Parameters"]]
    assert "us-east-1" in every and "eu-west-1" in every
    long_name = ssm.get_parameter(Name="/aws/service/global-infrastructure/regions/us-east-1/longName")
    assert long_name["Parameter"]["Value"] == "US East (N. Virginia)"
    got = ssm.get_parameters(Names=[name, "/aws/service/nope"])
    assert [x["Name"] for x in got["Parameters"]] == [name]
    assert got["InvalidParameters"] == ["/aws/service/nope"]
    with pytest.raises(ClientError) as e:
        ssm.get_parameter(Name="/aws/service/not/a/real/parameter")
    assert error(e)[0] == "ParameterNotFound"
    with pytest.raises(ClientError) as e:
        ssm.put_parameter(Name="/aws/service/mine", Value="v", Type="String")
    assert error(e)[0] == "AccessDeniedException"
    # Public parameters are not this account's: DescribeParameters does not list them.
    assert ssm.describe_parameters(ParameterFilters=[{"Key": "Name", "Values": [name]}])["Parameters"] == []


def test_cli_get_parameter(ssm, aws_cli):
    name = unique()
    ssm.put_parameter(Name=name, Value="from-cli", Type="String")
    out = aws_cli("ssm", "get-parameter", "--name", name)
    assert out["Parameter"]["Value"] == "from-cli"
    assert out["Parameter"]["Version"] == 1
    ami = aws_cli(
        "ssm", "get-parameter", "--name", "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
    )
    assert ami["Parameter"]["Value"].startswith("ami-")


def test_not_implemented_features(ssm):
    with pytest.raises(ClientError) as e:
        ssm.list_documents()
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 501 or error(e)[0] == "NotImplemented"
