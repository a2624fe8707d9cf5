"""SimulatePrincipalPolicy / SimulateCustomPolicy evaluate policies for real, and
GetAccountAuthorizationDetails reports everything with its policies."""

import json

import pytest
from botocore.exceptions import ClientError

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action, resource="*", **extra):
    return dict({"Effect": "Allow", "Action": action, "Resource": resource}, **extra)


def deny(action, resource="*", **extra):
    return dict({"Effect": "Deny", "Action": action, "Resource": resource}, **extra)


@pytest.fixture(scope="module")
def iam(client):
    return client("iam")


def decisions(response):
    return [(r["EvalActionName"], r.get("EvalResourceName"), r["EvalDecision"]) for r in response["EvaluationResults"]]


def test_custom_allow_deny_and_wildcards(iam):
    policy = doc(allow(["s3:Get*", "s3:List?ucket"], "arn:aws:s3:::data/*"), deny("s3:GetObject", "arn:aws:s3:::data/secret/*"))
    r = iam.simulate_custom_policy(
        PolicyInputList=[policy],
        ActionNames=["s3:GetObject", "S3:LISTBUCKET", "s3:PutObject"],
        ResourceArns=["arn:aws:s3:::data/public/a", "arn:aws:s3:::data/secret/b", "arn:aws:s3:::DATA/public/a"],
    )
    got = {(a, res): d for a, res, d in decisions(r)}
    assert got[("s3:GetObject", "arn:aws:s3:::data/public/a")] == "allowed"
    assert got[("s3:GetObject", "arn:aws:s3:::data/secret/b")] == "explicitDeny"
    assert got[("S3:LISTBUCKET", "arn:aws:s3:::data/public/a")] == "allowed"
    assert got[("s3:GetObject", "arn:aws:s3:::DATA/public/a")] == "implicitDeny", "resources are case-sensitive"
    assert got[("s3:PutObject", "arn:aws:s3:::data/public/a")] == "implicitDeny"
    allowed = next(x for x in r["EvaluationResults"] if x["EvalDecision"] == "allowed")
    stmt = allowed["MatchedStatements"][0]
    assert stmt["SourcePolicyId"] == "PolicyInputList.1"
    assert stmt["StartPosition"]["Line"] == 1
    denied = next(x for x in r["EvaluationResults"] if x["EvalDecision"] == "explicitDeny")
    assert len(denied["MatchedStatements"]) == 1
    implicit = next(x for x in r["EvaluationResults"] if x["EvalDecision"] == "implicitDeny")
    assert implicit["MatchedStatements"] == []


def test_custom_conditions(iam):
    policy = doc(
        allow("ec2:*", Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}, "Bool": {"aws:SecureTransport": "true"}}),
        allow("s3:*", Condition={"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}),
        deny("iam:*", Condition={"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}}),
        allow("iam:*", Condition={"DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"}}),
    )

    def run(action, **ctx):
        entries = [
            {"ContextKeyName": k.replace("__", ":"), "ContextKeyValues": [v], "ContextKeyType": "string"} for k, v in ctx.items()
        ]
        return iam.simulate_custom_policy(PolicyInputList=[policy], ActionNames=[action], ContextEntries=entries)["EvaluationResults"][0]

    assert run("ec2:RunInstances", aws__SourceIp="10.1.2.3", aws__SecureTransport="true")["EvalDecision"] == "allowed"
    assert run("ec2:RunInstances", aws__SourceIp="192.168.1.1", aws__SecureTransport="true")["EvalDecision"] == "implicitDeny"
    missing = run("ec2:RunInstances")
    assert missing["EvalDecision"] == "implicitDeny"
    assert sorted(missing["MissingContextValues"]) == ["aws:SecureTransport", "aws:SourceIp"]
    assert run("iam:ListUsers", aws__MultiFactorAuthAge="7200", aws__CurrentTime="2025-01-01T00:00:00Z")["EvalDecision"] == "explicitDeny"
    assert run("iam:ListUsers", aws__MultiFactorAuthAge="60", aws__CurrentTime="2025-01-01T00:00:00Z")["EvalDecision"] == "allowed"
    assert run("iam:ListUsers", aws__MultiFactorAuthAge="60", aws__CurrentTime="2031-01-01T00:00:00Z")["EvalDecision"] == "implicitDeny"
    assert run("s3:ListBucket", aws__username="bob", s3__prefix="home/bob/docs")["EvalDecision"] == "allowed"
    assert run("s3:ListBucket", aws__username="bob", s3__prefix="home/eve/docs")["EvalDecision"] == "implicitDeny"


def test_principal_policy_gathers_user_group_and_managed_policies(iam):
    iam.create_user(UserName="sim")
    iam.create_group(GroupName="sim-group")
    iam.add_user_to_group(GroupName="sim-group", UserName="sim")
    iam.put_user_policy(UserName="sim", PolicyName="own", PolicyDocument=doc(allow("sqs:SendMessage")))
    iam.put_group_policy(GroupName="sim-group", PolicyName="group-deny", PolicyDocument=doc(deny("sqs:DeleteQueue")))
    iam.attach_user_policy(UserName="sim", PolicyArn="arn:aws:iam::aws:policy/AmazonSQSFullAccess")
    arn = iam.get_user(UserName="sim")["User"]["Arn"]
    r = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["sqs:SendMessage", "sqs:DeleteQueue", "sqs:ListQueues", "s3:ListBucket"])
    got = {a: d for a, _, d in decisions(r)}
    assert got == {
        "sqs:SendMessage": "allowed",
        "sqs:DeleteQueue": "explicitDeny",
        "sqs:ListQueues": "allowed",
        "s3:ListBucket": "implicitDeny",
    }
    send = r["EvaluationResults"][0]
    assert {(s["SourcePolicyId"], s["SourcePolicyType"]) for s in send["MatchedStatements"]} == {
        ("own", "user"),
        ("AmazonSQSFullAccess", "aws-managed"),
    }
    delete = r["EvaluationResults"][1]
    assert [(s["SourcePolicyId"], s["SourcePolicyType"]) for s in delete["MatchedStatements"]] == [("group-deny", "group")]
    # Extra policies passed in take part too.
    r = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:ListBucket"], PolicyInputList=[doc(allow("s3:*"))])
    assert r["EvaluationResults"][0]["EvalDecision"] == "allowed"
    with pytest.raises(ClientError) as e:
        iam.simulate_principal_policy(PolicySourceArn=arn.replace("user/sim", "user/ghost"), ActionNames=["s3:ListBucket"])
    assert e.value.response["Error"]["Code"] == "NoSuchEntity"


def test_principal_policy_for_role_with_permissions_boundary(iam):
    boundary = iam.create_policy(PolicyName="only-s3", PolicyDocument=doc(allow("s3:*")))["Policy"]["Arn"]
    role = iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=json.dumps(TRUST), PermissionsBoundary=boundary)["Role"]
    iam.attach_role_policy(RoleName="bounded", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    r = iam.simulate_principal_policy(PolicySourceArn=role["Arn"], ActionNames=["s3:GetObject", "ec2:RunInstances"])
    s3, ec2 = r["EvaluationResults"]
    assert s3["EvalDecision"] == "allowed"
    assert s3["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] is True
    assert ec2["EvalDecision"] == "implicitDeny"
    assert ec2["PermissionsBoundaryDecisionDetail"]["AllowedByPermissionsBoundary"] is False


def test_resource_policy_and_paging(iam):
    bucket_policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::000000000000:user/reader"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::b/*",
                }
            ],
        }
    )
    r = iam.simulate_custom_policy(
        PolicyInputList=[doc(allow("sqs:*"))],
        ActionNames=["s3:GetObject"],
        ResourceArns=["arn:aws:s3:::b/k"],
        ResourcePolicy=bucket_policy,
        CallerArn="arn:aws:iam::000000000000:user/reader",
    )
    assert r["EvaluationResults"][0]["EvalDecision"] == "allowed"
    assert r["EvaluationResults"][0]["MatchedStatements"][0]["SourcePolicyType"] == "resource"
    actions = [f"sqs:Action{i}" for i in range(5)]
    first = iam.simulate_custom_policy(PolicyInputList=[doc(allow("sqs:*"))], ActionNames=actions, MaxItems=2)
    assert first["IsTruncated"] and len(first["EvaluationResults"]) == 2
    rest = iam.simulate_custom_policy(PolicyInputList=[doc(allow("sqs:*"))], ActionNames=actions, Marker=first["Marker"])
    assert [x["EvalActionName"] for x in rest["EvaluationResults"]] == actions[2:]


def test_simulate_rejects_malformed_policy(iam):
    with pytest.raises(ClientError) as e:
        iam.simulate_custom_policy(PolicyInputList=["{nope"], ActionNames=["s3:GetObject"])
    assert e.value.response["Error"]["Code"] == "InvalidInput"


def test_context_keys(iam):
    policy = doc(allow("s3:*", Condition={"StringEquals": {"aws:username": "x"}, "IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}))
    keys = iam.get_context_keys_for_custom_policy(PolicyInputList=[policy])["ContextKeyNames"]
    assert sorted(keys) == ["aws:SourceIp", "aws:username"]


def test_account_authorization_details(iam):
    iam.create_user(UserName="detail-user")
    iam.create_group(GroupName="detail-group")
    iam.add_user_to_group(GroupName="detail-group", UserName="detail-user")
    iam.put_user_policy(UserName="detail-user", PolicyName="inline", PolicyDocument=doc(allow("s3:*")))
    arn = iam.create_policy(PolicyName="detail-policy", PolicyDocument=doc(allow("sqs:*")))["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=doc(allow("sns:*")), SetAsDefault=True)
    iam.attach_group_policy(GroupName="detail-group", PolicyArn=arn)
    iam.create_role(RoleName="detail-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_instance_profile(InstanceProfileName="detail-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="detail-profile", RoleName="detail-role")
    iam.attach_role_policy(RoleName="detail-role", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")

    d = iam.get_account_authorization_details()
    user = next(u for u in d["UserDetailList"] if u["UserName"] == "detail-user")
    assert user["GroupList"] == ["detail-group"]
    assert user["UserPolicyList"] == [{"PolicyName": "inline", "PolicyDocument": json.loads(doc(allow("s3:*")))}]
    group = next(g for g in d["GroupDetailList"] if g["GroupName"] == "detail-group")
    assert group["AttachedManagedPolicies"] == [{"PolicyName": "detail-policy", "PolicyArn": arn}]
    role = next(r for r in d["RoleDetailList"] if r["RoleName"] == "detail-role")
    assert role["AssumeRolePolicyDocument"] == TRUST
    assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["detail-profile"]
    local = next(p for p in d["Policies"] if p["Arn"] == arn)
    assert local["DefaultVersionId"] == "v2" and local["AttachmentCount"] == 1
    assert [v["VersionId"] for v in local["PolicyVersionList"]] == ["v1", "v2"]
    assert any(p["PolicyName"] == "AdministratorAccess" for p in d["Policies"])

    only_roles = iam.get_account_authorization_details(Filter=["Role"])
    assert only_roles["UserDetailList"] == [] and "detail-role" in [r["RoleName"] for r in only_roles["RoleDetailList"]]
    seen = []
    kwargs = {"MaxItems": 2}
    while True:
        page = iam.get_account_authorization_details(**kwargs)
        seen += [x.get("UserName") or x.get("GroupName") or x.get("RoleName") or x.get("PolicyName") for k in ("UserDetailList", "GroupDetailList", "RoleDetailList", "Policies") for x in page[k]]
        if not page["IsTruncated"]:
            break
        kwargs["Marker"] = page["Marker"]
    assert len(seen) == len(set(seen))
    for name in ["detail-user", "detail-group", "detail-role", "detail-policy", "AdministratorAccess"]:
        assert name in seen


def test_power_user_access_keeps_iam_out(iam):
    iam.create_role(RoleName="power", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.attach_role_policy(RoleName="power", PolicyArn="arn:aws:iam::aws:policy/PowerUserAccess")
    arn = iam.get_role(RoleName="power")["Role"]["Arn"]
    r = iam.simulate_principal_policy(PolicySourceArn=arn, ActionNames=["s3:PutObject", "iam:CreateUser", "iam:ListRoles"])
    assert {a: d for a, _, d in decisions(r)} == {
        "s3:PutObject": "allowed",
        "iam:CreateUser": "implicitDeny",
        "iam:ListRoles": "allowed",
    }
