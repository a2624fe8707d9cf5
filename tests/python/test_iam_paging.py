"""Every paged IAM list walks through boto3's paginators (Marker/IsTruncated/MaxItems) and
returns each item exactly once."""

import json

import pytest

TRUST = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
)
DOC = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})
N = 5


@pytest.fixture(scope="module")
def iam(client):
    iam = client("iam")
    iam.create_user(UserName="owner")
    iam.create_group(GroupName="crowd")
    iam.create_role(RoleName="holder", AssumeRolePolicyDocument=TRUST)
    for i in range(N):
        iam.create_user(UserName=f"u{i}", Path="/paged/")
        iam.add_user_to_group(GroupName="crowd", UserName=f"u{i}")
        iam.create_group(GroupName=f"g{i}", Path="/paged/")
        iam.add_user_to_group(GroupName=f"g{i}", UserName="owner")
        iam.create_role(RoleName=f"r{i}", Path="/paged/", AssumeRolePolicyDocument=TRUST)
        arn = iam.create_policy(PolicyName=f"p{i}", Path="/paged/", PolicyDocument=DOC)["Policy"]["Arn"]
        iam.attach_role_policy(RoleName="holder", PolicyArn=arn)
        iam.attach_user_policy(UserName=f"u{i}", PolicyArn=arn) if i == 0 else None
        iam.put_role_policy(RoleName="holder", PolicyName=f"inline{i}", PolicyDocument=DOC)
        iam.create_instance_profile(InstanceProfileName=f"ip{i}", Path="/paged/")
    iam.tag_role(RoleName="holder", Tags=[{"Key": f"k{i}", "Value": "v"} for i in range(N)])
    return iam


CASES = [
    ("list_users", {"PathPrefix": "/paged/"}, "Users", "UserName"),
    ("list_groups", {"PathPrefix": "/paged/"}, "Groups", "GroupName"),
    ("list_roles", {"PathPrefix": "/paged/"}, "Roles", "RoleName"),
    ("list_policies", {"Scope": "Local", "PathPrefix": "/paged/"}, "Policies", "PolicyName"),
    ("list_instance_profiles", {"PathPrefix": "/paged/"}, "InstanceProfiles", "InstanceProfileName"),
    ("get_group", {"GroupName": "crowd"}, "Users", "UserName"),
    ("list_groups_for_user", {"UserName": "owner"}, "Groups", "GroupName"),
    ("list_attached_role_policies", {"RoleName": "holder"}, "AttachedPolicies", "PolicyName"),
    ("list_role_policies", {"RoleName": "holder"}, "PolicyNames", None),
    ("list_role_tags", {"RoleName": "holder"}, "Tags", "Key"),
    ("simulate_custom_policy", {"PolicyInputList": [DOC], "ActionNames": [f"s3:A{i}" for i in range(N)]}, "EvaluationResults", "EvalActionName"),
]


@pytest.mark.parametrize("op,kwargs,key,field", CASES, ids=[c[0] for c in CASES])
def test_paginators_return_every_item_once(iam, op, kwargs, key, field):
    pages = list(iam.get_paginator(op).paginate(PaginationConfig={"PageSize": 2}, **kwargs))
    items = [x if field is None else x[field] for p in pages for x in p[key]]
    assert len(pages) == 3, [len(p[key]) for p in pages]
    assert len(items) == N and len(set(items)) == N
    whole = getattr(iam, op)(**kwargs)
    assert not whole["IsTruncated"] and len(whole[key]) == N


def test_entities_for_policy_pages_across_kinds(iam):
    arn = next(p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"] == "p0")
    first = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=1)
    assert first["IsTruncated"] and len(first["PolicyUsers"]) + len(first["PolicyRoles"]) == 1
    rest = iam.list_entities_for_policy(PolicyArn=arn, Marker=first["Marker"])
    assert not rest["IsTruncated"]
    assert [u["UserName"] for u in first["PolicyUsers"] + rest["PolicyUsers"]] == ["u0"]
    assert [r["RoleName"] for r in first["PolicyRoles"] + rest["PolicyRoles"]] == ["holder"]
