"""IAM access keys (usable as credentials), login profiles, instance profiles, MFA devices,
service-linked roles, OIDC/SAML providers, account alias and password policy."""

import json

import boto3
import pytest
from botocore.exceptions import ClientError

TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}
SAML_METADATA = (
    '<?xml version="1.0"?><md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
    'entityID="https://idp.example.com" validUntil="2030-01-01T00:00:00Z">' + "<!-- padding -->" * 80 + "</md:EntityDescriptor>"
)


@pytest.fixture(scope="module")
def iam(client):
    return client("iam")


def code(err):
    return err.value.response["Error"]["Code"]


def test_access_keys(iam, endpoint):
    iam.create_user(UserName="keyed")
    k = iam.create_access_key(UserName="keyed")["AccessKey"]
    assert k["AccessKeyId"].startswith("AKIA") and len(k["AccessKeyId"]) == 20
    assert k["AccessKeyId"].isupper() and k["AccessKeyId"].isalnum()
    assert len(k["SecretAccessKey"]) == 40 and k["Status"] == "Active" and k["UserName"] == "keyed"
    k2 = iam.create_access_key(UserName="keyed")["AccessKey"]
    with pytest.raises(ClientError) as e:
        iam.create_access_key(UserName="keyed")
    assert code(e) == "LimitExceeded"
    listed = iam.list_access_keys(UserName="keyed")["AccessKeyMetadata"]
    assert {m["AccessKeyId"] for m in listed} == {k["AccessKeyId"], k2["AccessKeyId"]}
    assert "SecretAccessKey" not in listed[0]
    iam.update_access_key(UserName="keyed", AccessKeyId=k2["AccessKeyId"], Status="Inactive")
    statuses = {m["AccessKeyId"]: m["Status"] for m in iam.list_access_keys(UserName="keyed")["AccessKeyMetadata"]}
    assert statuses[k2["AccessKeyId"]] == "Inactive"
    last = iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])
    assert last["UserName"] == "keyed"
    assert last["AccessKeyLastUsed"]["ServiceName"] == "N/A"

    # The key signs requests: IAM knows who is calling.
    as_user = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=k["AccessKeyId"],
        aws_secret_access_key=k["SecretAccessKey"],
    )
    assert as_user.get_user()["User"]["UserName"] == "keyed"
    assert {m["AccessKeyId"] for m in as_user.list_access_keys()["AccessKeyMetadata"]} == {k["AccessKeyId"], k2["AccessKeyId"]}
    inactive = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=k2["AccessKeyId"],
        aws_secret_access_key=k2["SecretAccessKey"],
    )
    with pytest.raises(ClientError) as e:
        inactive.get_user()
    assert code(e) == "InvalidClientTokenId"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403

    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="keyed")
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must delete access keys first."
    iam.delete_access_key(UserName="keyed", AccessKeyId=k["AccessKeyId"])
    iam.delete_access_key(UserName="keyed", AccessKeyId=k2["AccessKeyId"])
    with pytest.raises(ClientError) as e:
        iam.delete_access_key(UserName="keyed", AccessKeyId=k2["AccessKeyId"])
    assert code(e) == "NoSuchEntity"
    with pytest.raises(ClientError) as e:
        iam.get_access_key_last_used(AccessKeyId=k["AccessKeyId"])
    assert code(e) == "NoSuchEntity"
    iam.delete_user(UserName="keyed")


def test_login_profiles_and_password_policy(iam):
    iam.create_user(UserName="console")
    lp = iam.create_login_profile(UserName="console", Password="Secret-123", PasswordResetRequired=True)["LoginProfile"]
    assert lp["UserName"] == "console" and lp["PasswordResetRequired"] is True
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="console", Password="Secret-123")
    assert code(e) == "EntityAlreadyExists"
    iam.update_login_profile(UserName="console", PasswordResetRequired=False)
    assert iam.get_login_profile(UserName="console")["LoginProfile"]["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="console")
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must delete login profile first."
    iam.delete_login_profile(UserName="console")
    with pytest.raises(ClientError) as e:
        iam.get_login_profile(UserName="console")
    assert code(e) == "NoSuchEntity"

    with pytest.raises(ClientError) as e:
        iam.get_account_password_policy()
    assert code(e) == "NoSuchEntity"
    iam.update_account_password_policy(MinimumPasswordLength=12, RequireNumbers=True, MaxPasswordAge=90)
    pp = iam.get_account_password_policy()["PasswordPolicy"]
    assert pp["MinimumPasswordLength"] == 12 and pp["RequireNumbers"] is True
    assert pp["ExpirePasswords"] is True and pp["MaxPasswordAge"] == 90
    with pytest.raises(ClientError) as e:
        iam.create_login_profile(UserName="console", Password="short1")
    assert code(e) == "PasswordPolicyViolation"
    iam.create_login_profile(UserName="console", Password="long-enough-1")
    iam.delete_login_profile(UserName="console")
    iam.delete_account_password_policy()
    with pytest.raises(ClientError) as e:
        iam.delete_account_password_policy()
    assert code(e) == "NoSuchEntity"
    iam.delete_user(UserName="console")


def test_instance_profiles(iam):
    iam.create_role(RoleName="ec2-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.create_role(RoleName="other-role", AssumeRolePolicyDocument=json.dumps(TRUST))
    ip = iam.create_instance_profile(InstanceProfileName="web", Path="/app/", Tags=[{"Key": "a", "Value": "b"}])["InstanceProfile"]
    assert ip["InstanceProfileId"].startswith("AIPA") and ip["Arn"].endswith(":instance-profile/app/web")
    assert ip["Roles"] == []
    with pytest.raises(ClientError) as e:
        iam.create_instance_profile(InstanceProfileName="web")
    assert code(e) == "EntityAlreadyExists"
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="ec2-role")
    with pytest.raises(ClientError) as e:
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="other-role")
    assert code(e) == "LimitExceeded"
    got = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == ["ec2-role"]
    assert got["Tags"] == [{"Key": "a", "Value": "b"}]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles_for_role(RoleName="ec2-role")["InstanceProfiles"]] == ["web"]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles(PathPrefix="/app/")["InstanceProfiles"]] == ["web"]
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName="ec2-role")
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must remove roles from instance profile first."
    with pytest.raises(ClientError) as e:
        iam.delete_instance_profile(InstanceProfileName="web")
    assert code(e) == "DeleteConflict"
    iam.tag_instance_profile(InstanceProfileName="web", Tags=[{"Key": "c", "Value": "d"}])
    assert len(iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"]) == 2
    iam.untag_instance_profile(InstanceProfileName="web", TagKeys=["a", "c"])
    iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="ec2-role")
    iam.delete_instance_profile(InstanceProfileName="web")
    with pytest.raises(ClientError) as e:
        iam.get_instance_profile(InstanceProfileName="web")
    assert code(e) == "NoSuchEntity"
    iam.delete_role(RoleName="ec2-role")
    iam.delete_role(RoleName="other-role")


def test_mfa_devices(iam):
    iam.create_user(UserName="mfa-user")
    dev = iam.create_virtual_mfa_device(VirtualMFADeviceName="phone", Tags=[{"Key": "t", "Value": "1"}])["VirtualMFADevice"]
    serial = dev["SerialNumber"]
    assert serial.endswith(":mfa/phone") and len(dev["Base32StringSeed"]) > 0
    with pytest.raises(ClientError) as e:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="phone")
    assert code(e) == "EntityAlreadyExists"
    assert [d["SerialNumber"] for d in iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")["VirtualMFADevices"]] == [serial]
    iam.enable_mfa_device(UserName="mfa-user", SerialNumber=serial, AuthenticationCode1="123456", AuthenticationCode2="654321")
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned[0]["User"]["UserName"] == "mfa-user" and "EnableDate" in assigned[0]
    assert [d["SerialNumber"] for d in iam.list_mfa_devices(UserName="mfa-user")["MFADevices"]] == [serial]
    assert iam.get_mfa_device(SerialNumber=serial)["UserName"] == "mfa-user"
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="mfa-user")
    assert e.value.response["Error"]["Message"] == "Cannot delete entity, must delete MFA device first."
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert code(e) == "DeleteConflict"
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [{"Key": "t", "Value": "1"}]
    iam.deactivate_mfa_device(UserName="mfa-user", SerialNumber=serial)
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    with pytest.raises(ClientError) as e:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert code(e) == "NoSuchEntity"
    iam.delete_user(UserName="mfa-user")


def test_service_linked_roles(iam):
    r = iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com", Description="eb")["Role"]
    assert r["RoleName"] == "AWSServiceRoleForElasticBeanstalk"
    assert r["Path"] == "/aws-service-role/elasticbeanstalk.amazonaws.com/"
    assert r["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {"Service": ["elasticbeanstalk.amazonaws.com"]}
    with pytest.raises(ClientError) as e:
        iam.create_service_linked_role(AWSServiceName="elasticbeanstalk.amazonaws.com")
    assert code(e) == "InvalidInput"
    custom = iam.create_service_linked_role(AWSServiceName="autoscaling.amazonaws.com", CustomSuffix="web")["Role"]
    assert custom["RoleName"] == "AWSServiceRoleForAutoScaling_web"
    with pytest.raises(ClientError) as e:
        iam.delete_role(RoleName="AWSServiceRoleForElasticBeanstalk")
    assert code(e) == "UnmodifiableEntity"
    task = iam.delete_service_linked_role(RoleName="AWSServiceRoleForElasticBeanstalk")["DeletionTaskId"]
    assert iam.get_service_linked_role_deletion_status(DeletionTaskId=task)["Status"] == "SUCCEEDED"
    with pytest.raises(ClientError) as e:
        iam.get_role(RoleName="AWSServiceRoleForElasticBeanstalk")
    assert code(e) == "NoSuchEntity"
    iam.delete_service_linked_role(RoleName="AWSServiceRoleForAutoScaling_web")


def test_oidc_providers(iam):
    arn = iam.create_open_id_connect_provider(
        Url="https://token.actions.githubusercontent.com",
        ClientIDList=["sts.amazonaws.com"],
        ThumbprintList=["a" * 40],
        Tags=[{"Key": "k", "Value": "v"}],
    )["OpenIDConnectProviderArn"]
    assert arn.endswith(":oidc-provider/token.actions.githubusercontent.com")
    with pytest.raises(ClientError) as e:
        iam.create_open_id_connect_provider(Url="https://token.actions.githubusercontent.com", ThumbprintList=["a" * 40])
    assert code(e) == "EntityAlreadyExists"
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["Url"] == "token.actions.githubusercontent.com" and got["ClientIDList"] == ["sts.amazonaws.com"]
    iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="other")
    iam.remove_client_id_from_open_id_connect_provider(OpenIDConnectProviderArn=arn, ClientID="sts.amazonaws.com")
    iam.update_open_id_connect_provider_thumbprint(OpenIDConnectProviderArn=arn, ThumbprintList=["b" * 40])
    got = iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert got["ClientIDList"] == ["other"] and got["ThumbprintList"] == ["b" * 40]
    assert [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]] == [arn]
    iam.tag_open_id_connect_provider(OpenIDConnectProviderArn=arn, Tags=[{"Key": "x", "Value": "y"}])
    assert len(iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=arn)["Tags"]) == 2
    iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_open_id_connect_provider(OpenIDConnectProviderArn=arn)
    assert code(e) == "NoSuchEntity"


def test_saml_providers(iam):
    arn = iam.create_saml_provider(Name="corp", SAMLMetadataDocument=SAML_METADATA)["SAMLProviderArn"]
    assert arn.endswith(":saml-provider/corp")
    got = iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == SAML_METADATA and got["ValidUntil"].year == 2030
    assert [p["Arn"] for p in iam.list_saml_providers()["SAMLProviderList"]] == [arn]
    iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=SAML_METADATA.replace("2030", "2031"))
    assert iam.get_saml_provider(SAMLProviderArn=arn)["ValidUntil"].year == 2031
    iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "x", "Value": "y"}])
    assert iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [{"Key": "x", "Value": "y"}]
    iam.delete_saml_provider(SAMLProviderArn=arn)
    with pytest.raises(ClientError) as e:
        iam.get_saml_provider(SAMLProviderArn=arn)
    assert code(e) == "NoSuchEntity"


def test_account_alias_and_summary(iam):
    assert iam.list_account_aliases()["AccountAliases"] == []
    iam.create_account_alias(AccountAlias="my-company")
    assert iam.list_account_aliases()["AccountAliases"] == ["my-company"]
    with pytest.raises(ClientError) as e:
        iam.create_account_alias(AccountAlias="Bad_Alias")
    assert code(e) == "ValidationError"
    iam.delete_account_alias(AccountAlias="my-company")
    with pytest.raises(ClientError) as e:
        iam.delete_account_alias(AccountAlias="my-company")
    assert code(e) == "NoSuchEntity"
    iam.create_user(UserName="counted")
    summary = iam.get_account_summary()["SummaryMap"]
    assert summary["Users"] == 1 and summary["AccessKeysPerUserQuota"] == 2
    iam.delete_user(UserName="counted")


def test_users_change_their_own_password(iam, endpoint):
    iam.create_user(UserName="changer")
    iam.create_login_profile(UserName="changer", Password="First-pass-1", PasswordResetRequired=True)
    k = iam.create_access_key(UserName="changer")["AccessKey"]
    me = boto3.client(
        "iam",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=k["AccessKeyId"],
        aws_secret_access_key=k["SecretAccessKey"],
    )
    with pytest.raises(ClientError) as e:
        me.change_password(OldPassword="wrong-one", NewPassword="Second-pass-2")
    assert code(e) == "AccessDenied"
    me.change_password(OldPassword="First-pass-1", NewPassword="Second-pass-2")
    assert me.get_login_profile()["LoginProfile"]["PasswordResetRequired"] is False
    with pytest.raises(ClientError) as e:
        iam.change_password(OldPassword="x", NewPassword="y")
    assert code(e) == "InvalidUserType"
