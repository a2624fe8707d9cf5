"""IAM users, groups, roles, managed and inline policies, attachments, tags and paging."""

import json
from urllib.parse import quote

import boto3
import pytest
from botocore.exceptions import ClientError

DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


@pytest.fixture(scope="module")
def iam(client):
    return client("iam")


def code(err):
    return err.value.response["Error"]["Code"]


def test_user_lifecycle(iam):
    u = iam.create_user(UserName="alice", Path="/eng/", Tags=[{"Key": "team", "Value": "a"}])["User"]
    assert u["UserId"].startswith("AIDA") and len(u["UserId"]) == 21
    assert u["Arn"].endswith(":user/eng/alice") and u["Path"] == "/eng/"
    assert u["Tags"] == [{"Key": "team", "Value": "a"}]
    got = iam.get_user(UserName="alice")["User"]
    assert got["UserId"] == u["UserId"] and "CreateDate" in got
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="ALICE")
    assert code(e) == "EntityAlreadyExists"
    assert e.value.response["Error"]["Message"] == "User with name ALICE already exists."
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
    with pytest.raises(ClientError) as e:
        iam.get_user(UserName="nobody")
    assert code(e) == "NoSuchEntity"
    assert e.value.response["Error"]["Message"] == "The user with name nobody cannot be found."
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    iam.update_user(UserName="alice", NewUserName="alice2", NewPath="/ops/")
    assert iam.get_user(UserName="alice2")["User"]["Arn"].endswith(":user/ops/alice2")
    iam.delete_user(UserName="alice2")
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="alice2")
    assert code(e) == "NoSuchEntity"


def test_bad_names_are_validation_errors(iam):
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="bad name!")
    assert code(e) == "ValidationError"
    with pytest.raises(ClientError) as e:
        iam.create_user(UserName="x" * 65)
    assert code(e) == "ValidationError"


def test_users_paginate(iam):
    for i in range(7):
        iam.create_user(UserName=f"page-{i}", Path="/paging/")
    first = iam.list_users(PathPrefix="/paging/", MaxItems=3)
    assert first["IsTruncated"] and len(first["Users"]) == 3
    names = [u["UserName"] for u in first["Users"]]
    marker = first["Marker"]
    while marker:
        page = iam.list_users(PathPrefix="/paging/", MaxItems=3, Marker=marker)
        names += [u["UserName"] for u in page["Users"]]
        marker = page.get("Marker")
        assert page["IsTruncated"] == bool(marker)
    assert names == [f"page-{i}" for i in range(7)]
    paginated = [u["UserName"] for p in iam.get_paginator("list_users").paginate(PathPrefix="/paging/", PaginationConfig={"PageSize": 2}) for u in p["Users"]]
    assert paginated == names


def test_groups_and_membership(iam):
    iam.create_user(UserName="gm")
    g = iam.create_group(GroupName="devs")["Group"]
    assert g["GroupId"].startswith("AGPA") and g["Arn"].endswith(":group/devs")
    iam.add_user_to_group(GroupName="devs", UserName="gm")
    got = iam.get_group(GroupName="devs")
    assert [u["UserName"] for u in got["Users"]] == ["gm"]
    assert [x["GroupName"] for x in iam.list_groups_for_user(UserName="gm")["Groups"]] == ["devs"]
    with pytest.raises(ClientError) as e:
        iam.delete_group(GroupName="devs")
    assert code(e) == "DeleteConflict"
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="gm")
    assert code(e) == "DeleteConflict"
    iam.update_group(GroupName="devs", NewGroupName="developers")
    assert [x["GroupName"] for x in iam.list_groups_for_user(UserName="gm")["Groups"]] == ["developers"]
    iam.remove_user_from_group(GroupName="developers", UserName="gm")
    iam.delete_group(GroupName="developers")
    iam.delete_user(UserName="gm")
    with pytest.raises(ClientError) as e:
        iam.get_group(GroupName="developers")
    assert code(e) == "NoSuchEntity"


def test_role_trust_session_and_boundary(iam, client):
    from botocore.config import Config

    unchecked = client("iam", config=Config(parameter_validation=False))
    boundary = iam.create_policy(PolicyName="boundary", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    r = iam.create_role(
        RoleName="fn",
        AssumeRolePolicyDocument=json.dumps(TRUST),
        Description="lambda role",
        MaxSessionDuration=7200,
        PermissionsBoundary=boundary,
        Tags=[{"Key": "k", "Value": "v"}],
    )["Role"]
    assert r["RoleId"].startswith("AROA") and r["Arn"].endswith(":role/fn")
    assert r["AssumeRolePolicyDocument"] == TRUST
    got = iam.get_role(RoleName="fn")["Role"]
    assert got["MaxSessionDuration"] == 7200 and got["Description"] == "lambda role"
    assert got["PermissionsBoundary"] == {"PermissionsBoundaryType": "PermissionsBoundaryPolicy", "PermissionsBoundaryArn": boundary}
    assert got["Tags"] == [{"Key": "k", "Value": "v"}]
    with pytest.raises(ClientError) as e:
        unchecked.update_role(RoleName="fn", MaxSessionDuration=100)
    assert code(e) == "ValidationError"
    iam.update_role_description(RoleName="fn", Description="changed")
    assert iam.get_role(RoleName="fn")["Role"]["Description"] == "changed"
    new_trust = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Principal={"Service": "ec2.amazonaws.com"})])
    iam.update_assume_role_policy(RoleName="fn", PolicyDocument=json.dumps(new_trust))
    assert iam.get_role(RoleName="fn")["Role"]["AssumeRolePolicyDocument"] == new_trust
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=boundary)
    assert code(e) == "DeleteConflict"
    iam.delete_role_permissions_boundary(RoleName="fn")
    assert "PermissionsBoundary" not in iam.get_role(RoleName="fn")["Role"]
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="bad", AssumeRolePolicyDocument="{not json")
    assert code(e) == "MalformedPolicyDocument"
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="fn", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert e.value.response["Error"]["Message"] == "Role with name fn already exists."
    bad_principal = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Principal={"AWS": "nobody"})])
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="bad", AssumeRolePolicyDocument=json.dumps(bad_principal))
    assert code(e) == "MalformedPolicyDocument"
    assert e.value.response["Error"]["Message"] == 'Invalid principal in policy: "AWS":"nobody"'
    with_resource = dict(TRUST, Statement=[dict(TRUST["Statement"][0], Resource="*")])
    with pytest.raises(ClientError) as e:
        iam.create_role(RoleName="bad", AssumeRolePolicyDocument=json.dumps(with_resource))
    assert e.value.response["Error"]["Message"] == "Has prohibited field Resource"
    iam.delete_role(RoleName="fn")
    iam.delete_policy(PolicyArn=boundary)


def test_trust_policy_comes_back_url_encoded_on_the_wire(iam, endpoint):
    import urllib.request

    iam.create_role(RoleName="raw", AssumeRolePolicyDocument=json.dumps(TRUST))
    import botocore.session
    from botocore.awsrequest import AWSRequest
    from botocore.auth import SigV4Auth

    body = "Action=GetRole&Version=2010-05-08&RoleName=raw"
    req = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    creds = botocore.session.get_session().get_credentials() or None
    from botocore.credentials import Credentials

    SigV4Auth(Credentials("test", "test"), "iam", "us-east-1").add_auth(req)
    raw = urllib.request.urlopen(urllib.request.Request(endpoint + "/", data=body.encode(), headers=dict(req.headers))).read().decode()
    assert quote(json.dumps(TRUST), safe="-._~") in raw
    iam.delete_role(RoleName="raw")


def test_managed_policy_versions(iam):
    p = iam.create_policy(PolicyName="versions", Path="/app/", PolicyDocument=json.dumps(DOC), Description="d")["Policy"]
    arn = p["Arn"]
    assert p["PolicyId"].startswith("ANPA") and arn.endswith(":policy/app/versions")
    assert p["DefaultVersionId"] == "v1" and p["AttachmentCount"] == 0
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName="versions", PolicyDocument=json.dumps(DOC))
    assert code(e) == "EntityAlreadyExists"
    for i in range(2, 6):
        v = iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC), SetAsDefault=(i == 3))["PolicyVersion"]
        assert v["VersionId"] == f"v{i}"
    with pytest.raises(ClientError) as e:
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC))
    assert code(e) == "LimitExceeded"
    assert iam.get_policy(PolicyArn=arn)["Policy"]["DefaultVersionId"] == "v3"
    versions = iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [v["VersionId"] for v in versions] == ["v5", "v4", "v3", "v2", "v1"]
    assert [v["IsDefaultVersion"] for v in versions] == [False, False, True, False, False]
    assert iam.get_policy_version(PolicyArn=arn, VersionId="v3")["PolicyVersion"]["Document"] == DOC
    with pytest.raises(ClientError) as e:
        iam.delete_policy_version(PolicyArn=arn, VersionId="v3")
    assert code(e) == "DeleteConflict"
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert code(e) == "DeleteConflict"
    iam.set_default_policy_version(PolicyArn=arn, VersionId="v5")
    for v in ["v1", "v2", "v3", "v4"]:
        iam.delete_policy_version(PolicyArn=arn, VersionId=v)
    assert iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(DOC))["PolicyVersion"]["VersionId"] == "v6"
    iam.delete_policy_version(PolicyArn=arn, VersionId="v6")
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_policy(PolicyArn=arn)
    assert code(e) == "NoSuchEntity"


def test_malformed_policy_documents(iam):
    for bad in ["{", "[]", json.dumps({"Statement": []}), json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*"}]})]:
        with pytest.raises(ClientError) as e:
            iam.create_policy(PolicyName="bad", PolicyDocument=bad)
        assert code(e) == "MalformedPolicyDocument", bad
    iam.create_user(UserName="mal")
    with pytest.raises(ClientError) as e:
        iam.put_user_policy(UserName="mal", PolicyName="p", PolicyDocument="nope")
    assert code(e) == "MalformedPolicyDocument"
    iam.delete_user(UserName="mal")


def test_inline_policies_and_attachments(iam):
    iam.create_user(UserName="holder")
    iam.create_group(GroupName="holders")
    iam.create_role(RoleName="holder-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    arn = iam.create_policy(PolicyName="attach-me", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    iam.put_user_policy(UserName="holder", PolicyName="inline", PolicyDocument=json.dumps(DOC))
    iam.put_group_policy(GroupName="holders", PolicyName="inline", PolicyDocument=json.dumps(DOC))
    iam.put_role_policy(RoleName="holder-role", PolicyName="inline", PolicyDocument=json.dumps(DOC))
    got = iam.get_user_policy(UserName="holder", PolicyName="inline")
    assert got["PolicyDocument"] == DOC and got["UserName"] == "holder"
    assert iam.get_role_policy(RoleName="holder-role", PolicyName="inline")["PolicyDocument"] == DOC
    assert iam.get_group_policy(GroupName="holders", PolicyName="inline")["PolicyDocument"] == DOC
    assert iam.list_user_policies(UserName="holder")["PolicyNames"] == ["inline"]
    with pytest.raises(ClientError) as e:
        iam.get_user_policy(UserName="holder", PolicyName="other")
    assert code(e) == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="holder")
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must delete policies first."
    iam.delete_user_policy(UserName="holder", PolicyName="inline")
    iam.delete_group_policy(GroupName="holders", PolicyName="inline")
    iam.delete_role_policy(RoleName="holder-role", PolicyName="inline")

    iam.attach_user_policy(UserName="holder", PolicyArn=arn)
    iam.attach_group_policy(GroupName="holders", PolicyArn=arn)
    iam.attach_role_policy(RoleName="holder-role", PolicyArn=arn)
    iam.attach_role_policy(RoleName="holder-role", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    assert iam.get_policy(PolicyArn=arn)["Policy"]["AttachmentCount"] == 3
    attached = iam.list_attached_role_policies(RoleName="holder-role")["AttachedPolicies"]
    assert {a["PolicyName"] for a in attached} == {"attach-me", "AWSLambdaBasicExecutionRole"}
    ents = iam.list_entities_for_policy(PolicyArn=arn)
    assert [x["UserName"] for x in ents["PolicyUsers"]] == ["holder"]
    assert [x["GroupName"] for x in ents["PolicyGroups"]] == ["holders"]
    assert [x["RoleName"] for x in ents["PolicyRoles"]] == ["holder-role"]
    assert [p["PolicyName"] for p in iam.list_policies(Scope="Local", OnlyAttached=True)["Policies"]] == ["attach-me"]
    with pytest.raises(ClientError) as e:
        iam.attach_user_policy(UserName="holder", PolicyArn="arn:aws:iam::000000000000:policy/missing")
    assert code(e) == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        iam.delete_policy(PolicyArn=arn)
    assert code(e) == "DeleteConflict"
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName="holder-role")
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must detach all policies first."
    iam.detach_user_policy(UserName="holder", PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        iam.detach_user_policy(UserName="holder", PolicyArn=arn)
    assert code(e) == "NoSuchEntity"
    iam.detach_group_policy(GroupName="holders", PolicyArn=arn)
    iam.detach_role_policy(RoleName="holder-role", PolicyArn=arn)
    iam.detach_role_policy(RoleName="holder-role", PolicyArn="arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    iam.delete_policy(PolicyArn=arn)
    iam.delete_role(RoleName="holder-role")
    iam.delete_group(GroupName="holders")
    iam.delete_user(UserName="holder")


def test_attachment_quota(iam):
    iam.create_user(UserName="quota")
    arns = [iam.create_policy(PolicyName=f"q{i}", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"] for i in range(11)]
    for arn in arns[:10]:
        iam.attach_user_policy(UserName="quota", PolicyArn=arn)
    with pytest.raises(ClientError) as e:
        iam.attach_user_policy(UserName="quota", PolicyArn=arns[10])
    assert code(e) == "LimitExceeded"


def test_tags_everywhere(iam):
    iam.create_user(UserName="tagged")
    iam.tag_user(UserName="tagged", Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    iam.tag_user(UserName="tagged", Tags=[{"Key": "a", "Value": "3"}])
    assert iam.list_user_tags(UserName="tagged")["Tags"] == [{"Key": "a", "Value": "3"}, {"Key": "b", "Value": "2"}]
    iam.untag_user(UserName="tagged", TagKeys=["a"])
    assert iam.list_user_tags(UserName="tagged")["Tags"] == [{"Key": "b", "Value": "2"}]
    with pytest.raises(ClientError) as e:
        iam.tag_user(UserName="tagged", Tags=[{"Key": "x", "Value": "1"}, {"Key": "X", "Value": "2"}])
    assert code(e) == "InvalidInput"
    with pytest.raises(ClientError) as e:
        iam.tag_user(UserName="tagged", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(50)])
    assert code(e) == "LimitExceeded"
    iam.create_role(RoleName="tagged", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.tag_role(RoleName="tagged", Tags=[{"Key": "r", "Value": "1"}])
    assert iam.list_role_tags(RoleName="tagged")["Tags"] == [{"Key": "r", "Value": "1"}]
    iam.untag_role(RoleName="tagged", TagKeys=["r"])
    assert iam.list_role_tags(RoleName="tagged")["Tags"] == []
    arn = iam.create_policy(PolicyName="tagged", PolicyDocument=json.dumps(DOC), Tags=[{"Key": "p", "Value": "1"}])["Policy"]["Arn"]
    assert iam.get_policy(PolicyArn=arn)["Policy"]["Tags"] == [{"Key": "p", "Value": "1"}]
    iam.tag_policy(PolicyArn=arn, Tags=[{"Key": "q", "Value": "2"}])
    page = iam.list_policy_tags(PolicyArn=arn, MaxItems=1)
    assert page["IsTruncated"] and page["Tags"] == [{"Key": "p", "Value": "1"}]
    assert iam.list_policy_tags(PolicyArn=arn, Marker=page["Marker"])["Tags"] == [{"Key": "q", "Value": "2"}]
    iam.untag_policy(PolicyArn=arn, TagKeys=["p", "q"])


def test_aws_managed_policies_are_listed_and_readable(iam):
    arn = "arn:aws:iam::aws:policy/AdministratorAccess"
    p = iam.get_policy(PolicyArn=arn)["Policy"]
    assert p["PolicyName"] == "AdministratorAccess" and p["DefaultVersionId"] == "v1"
    doc = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]["Document"]
    assert doc["Statement"][0]["Action"] == "*"
    pages = iam.get_paginator("list_policies").paginate(Scope="AWS")
    names = [p["PolicyName"] for page in pages for p in page["Policies"]]
    assert "AdministratorAccess" in names
    # AWS's whole catalogue, not a handful: every page but the last is full.
    assert len(names) > 1000 and len(names) == len(set(names))


def test_any_aws_managed_policy_attaches(iam):
    """Templates attach whatever AWS managed policy they need; each exists, with its own
    default version and document, and unknown ones are NoSuchEntity as on AWS."""
    iam.create_role(RoleName="ecs-exec", AssumeRolePolicyDocument=json.dumps(TRUST))
    arns = [
        "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy",
        "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly",
        "arn:aws:iam::aws:policy/CloudWatchLogsFullAccess",
    ]
    for arn in arns:
        iam.attach_role_policy(RoleName="ecs-exec", PolicyArn=arn)
        p = iam.get_policy(PolicyArn=arn)["Policy"]
        assert p["Arn"] == arn and p["AttachmentCount"] == 1
        version = iam.get_policy_version(PolicyArn=arn, VersionId=p["DefaultVersionId"])["PolicyVersion"]
        assert version["IsDefaultVersion"] and version["Document"]["Statement"]
    attached = iam.list_attached_role_policies(RoleName="ecs-exec")["AttachedPolicies"]
    assert sorted(a["PolicyArn"] for a in attached) == sorted(arns)
    ecs = iam.get_policy_version(PolicyArn=arns[0], VersionId="v1")["PolicyVersion"]["Document"]
    assert "ecr:GetAuthorizationToken" in json.dumps(ecs)
    with pytest.raises(ClientError) as e:
        iam.attach_role_policy(RoleName="ecs-exec", PolicyArn="arn:aws:iam::aws:policy/NoSuchPolicyAnywhere")
    assert code(e) == "NoSuchEntity"
    for arn in arns:
        iam.detach_role_policy(RoleName="ecs-exec", PolicyArn=arn)
    iam.delete_role(RoleName="ecs-exec")


def test_resource_layer_round_trip(endpoint):
    iam = boto3.resource("iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test")
    user = iam.create_user(UserName="resource-user")
    assert user.arn.endswith(":user/resource-user") and user.user_id.startswith("AIDA")
    user.load()
    assert user.path == "/"
    role = iam.create_role(RoleName="resource-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    assert role.assume_role_policy_document == TRUST
    role.attach_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert [p.policy_name for p in role.attached_policies.all()] == ["AmazonS3ReadOnlyAccess"]
    role.detach_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    assert "resource-user" in [u.name for u in iam.users.all()]
    role.delete()
    user.delete()
    assert "resource-user" not in [u.name for u in iam.users.all()]


def test_update_role_answer_parses(iam):
    iam.create_role(RoleName="upd", AssumeRolePolicyDocument=json.dumps(TRUST))
    try:
        iam.update_role(RoleName="upd", MaxSessionDuration=43200, Description="x")
    finally:
        got = iam.get_role(RoleName="upd")["Role"]
        iam.delete_role(RoleName="upd")
    assert got["MaxSessionDuration"] == 43200 and got["Description"] == "x"
