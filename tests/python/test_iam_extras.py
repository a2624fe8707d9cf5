"""IAM server and signing certificates, SSH public keys, service-specific credentials,
the credential report, ARN validation, and access keys acting in their own account."""

import json

import boto3
import pytest
from botocore.exceptions import ClientError

# A self-signed P-256 certificate (CN=ferrostack.test) valid until 2036-11-24 20:34:08 UTC.
CERT = """-----BEGIN CERTIFICATE-----
MIIBiTCCAS+gAwIBAgIURKahkbgbXTcAcss0/x+8FA+Y3uIwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPZmVycm9zdGFjay50ZXN0MB4XDTI2MTEyNzIwMzQwOFoXDTM2
MTEyNDIwMzQwOFowGjEYMBYGA1UEAwwPZmVycm9zdGFjay50ZXN0MFkwEwYHKoZI
zj0CAQYIKoZIzj0DAQcDQgAErI/STKoP/b0y3dadHtAvB5Lf6E++Usb1hCWkmauC
w1v2lF8HCGbl51AEhhqNKR6+i29dFTDCrTJzHRXMgVSPwqNTMFEwHQYDVR0OBBYE
FFV3iXKVxrtRBLpmC1QvEkBnYzxVMB8GA1UdIwQYMBaAFFV3iXKVxrtRBLpmC1Qv
EkBnYzxVMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSAAwRQIhAJ7ISfeT
7/+zcHdEKj6PwzJH7OTEvi7YKLhygk95cF5MAiBXEZ4jquwFo4svUSyWUwIVF53V
1rg5KuYE0o9/K1HdMg==
-----END CERTIFICATE-----
"""
KEY = """-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQggR6XakSmOZBMYcPW
J+j5O+RWJCCdPQsq5Cx9jgHqSU6hRANCAASsj9JMqg/9vTLd1p0e0C8Hkt/oT75S
xvWEJaSZq4LDW/aUXwcIZuXnUASGGo0pHr6Lb10VMMKtMnMdFcyBVI/C
-----END PRIVATE KEY-----
"""
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII23KKoCBcWBln6lPuWnH4jrMTMnjobZrsljWQJ0RX49 someone@example"
SSH_MD5 = "19:5d:cc:d8:8e:16:ea:84:43:40:e7:a1:ae:48:80:c1"
DOC = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]})


@pytest.fixture(scope="module")
def iam(client):
    return client("iam")


def code(err):
    return err.value.response["Error"]["Code"]


def test_server_certificates(iam):
    meta = iam.upload_server_certificate(
        ServerCertificateName="site", Path="/cloudfront/", CertificateBody=CERT, PrivateKey=KEY, Tags=[{"Key": "a", "Value": "b"}]
    )["ServerCertificateMetadata"]
    assert meta["ServerCertificateId"].startswith("ASCA") and meta["Arn"].endswith(":server-certificate/cloudfront/site")
    assert meta["Expiration"].year == 2036 and meta["Expiration"].month == 11 and meta["Expiration"].day == 24
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName="site", CertificateBody=CERT, PrivateKey=KEY)
    assert code(e) == "EntityAlreadyExists"
    with pytest.raises(ClientError) as e:
        iam.upload_server_certificate(ServerCertificateName="junk", CertificateBody="not a certificate", PrivateKey=KEY)
    assert code(e) == "MalformedCertificate"
    got = iam.get_server_certificate(ServerCertificateName="site")["ServerCertificate"]
    assert got["CertificateBody"] == CERT and got["Tags"] == [{"Key": "a", "Value": "b"}]
    iam.update_server_certificate(ServerCertificateName="site", NewServerCertificateName="site2")
    assert [c["ServerCertificateName"] for c in iam.list_server_certificates()["ServerCertificateMetadataList"]] == ["site2"]
    iam.tag_server_certificate(ServerCertificateName="site2", Tags=[{"Key": "c", "Value": "d"}])
    assert len(iam.list_server_certificate_tags(ServerCertificateName="site2")["Tags"]) == 2
    iam.delete_server_certificate(ServerCertificateName="site2")
    with pytest.raises(ClientError) as e:
        iam.get_server_certificate(ServerCertificateName="site2")
    assert code(e) == "NoSuchEntity"


def test_signing_certificates_ssh_keys_and_service_credentials(iam):
    iam.create_user(UserName="dev")
    cert = iam.upload_signing_certificate(UserName="dev", CertificateBody=CERT)["Certificate"]
    assert cert["Status"] == "Active" and len(cert["CertificateId"]) == 32
    iam.update_signing_certificate(UserName="dev", CertificateId=cert["CertificateId"], Status="Inactive")
    assert iam.list_signing_certificates(UserName="dev")["Certificates"][0]["Status"] == "Inactive"
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="dev")
    assert code(e) == "DeleteConflict"
    iam.delete_signing_certificate(UserName="dev", CertificateId=cert["CertificateId"])

    key = iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody=SSH_KEY)["SSHPublicKey"]
    assert key["SSHPublicKeyId"].startswith("APKA") and key["Fingerprint"] == SSH_MD5
    with pytest.raises(ClientError) as e:
        iam.upload_ssh_public_key(UserName="dev", SSHPublicKeyBody="garbage")
    assert code(e) == "InvalidPublicKey"
    assert iam.get_ssh_public_key(UserName="dev", SSHPublicKeyId=key["SSHPublicKeyId"], Encoding="SSH")["SSHPublicKey"]["SSHPublicKeyBody"] == SSH_KEY
    iam.update_ssh_public_key(UserName="dev", SSHPublicKeyId=key["SSHPublicKeyId"], Status="Inactive")
    assert iam.list_ssh_public_keys(UserName="dev")["SSHPublicKeys"][0]["Status"] == "Inactive"
    with pytest.raises(ClientError) as e:
        iam.delete_user(UserName="dev")
    assert code(e) == "DeleteConflict"
    iam.delete_ssh_public_key(UserName="dev", SSHPublicKeyId=key["SSHPublicKeyId"])

    cred = iam.create_service_specific_credential(UserName="dev", ServiceName="codecommit.amazonaws.com")["ServiceSpecificCredential"]
    assert cred["ServiceUserName"].startswith("dev-at-") and cred["ServicePassword"]
    reset = iam.reset_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"])
    assert reset["ServiceSpecificCredential"]["ServicePassword"] != cred["ServicePassword"]
    listed = iam.list_service_specific_credentials(UserName="dev")["ServiceSpecificCredentials"]
    assert [c["ServiceSpecificCredentialId"] for c in listed] == [cred["ServiceSpecificCredentialId"]]
    iam.update_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"], Status="Inactive")
    iam.delete_service_specific_credential(UserName="dev", ServiceSpecificCredentialId=cred["ServiceSpecificCredentialId"])
    iam.delete_user(UserName="dev")


def test_credential_report(iam):
    with pytest.raises(ClientError) as e:
        iam.get_credential_report()
    assert code(e) == "ReportNotPresent"
    iam.create_user(UserName="reported")
    iam.create_access_key(UserName="reported")
    assert iam.generate_credential_report()["State"] == "STARTED"
    assert iam.generate_credential_report()["State"] == "COMPLETE"
    report = iam.get_credential_report()
    lines = report["Content"].decode().splitlines()
    assert lines[0].startswith("user,arn,user_creation_time,password_enabled")
    assert lines[1].startswith("<root_account>,")
    row = next(line for line in lines if line.startswith("reported,"))
    assert row.split(",")[8] == "true"  # access_key_1_active


def test_policy_arns_are_validated(iam):
    iam.create_user(UserName="arns")
    for bad in ["not-an-arn-at-all-really", "arn:aws:s3:::bucket/policy/x", "arn:aws:iam::12345:policy/x"]:
        with pytest.raises(ClientError) as e:
            iam.attach_user_policy(UserName="arns", PolicyArn=bad)
        assert code(e) == "InvalidInput", bad
        assert e.value.response["Error"]["Message"] == f"ARN {bad} is not valid."
    with pytest.raises(ClientError) as e:
        iam.get_policy(PolicyArn="arn:aws:iam::000000000000:role/x")
    assert code(e) == "InvalidInput"


def test_keys_act_in_the_account_that_issued_them(client, endpoint):
    other = boto3.client(
        "iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="111122223333", aws_secret_access_key="x"
    )
    other.create_user(UserName="elsewhere")
    k = other.create_access_key(UserName="elsewhere")["AccessKey"]
    as_user = boto3.client(
        "iam", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=k["AccessKeyId"], aws_secret_access_key=k["SecretAccessKey"]
    )
    me = as_user.get_user()["User"]
    assert me["Arn"] == "arn:aws:iam::111122223333:user/elsewhere"
    # GetAccessKeyLastUsed answers for a key of any account.
    assert client("iam").get_access_key_last_used(AccessKeyId=k["AccessKeyId"])["UserName"] == "elsewhere"
    with pytest.raises(ClientError) as e:
        client("iam").get_user(UserName="elsewhere")
    assert code(e) == "NoSuchEntity", "accounts do not share users"


def test_document_and_membership_quotas(iam):
    big = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [f"s3:Get{i:05d}" for i in range(500)], "Resource": "*"}]}
    )
    with pytest.raises(ClientError) as e:
        iam.create_policy(PolicyName="too-big", PolicyDocument=big)
    assert code(e) == "LimitExceeded"
    assert e.value.response["Error"]["Message"] == "Cannot exceed quota for PolicySize: 6144"
    iam.create_user(UserName="joiner")
    for i in range(11):
        iam.create_group(GroupName=f"g{i}")
    for i in range(10):
        iam.add_user_to_group(GroupName=f"g{i}", UserName="joiner")
    with pytest.raises(ClientError) as e:
        iam.add_user_to_group(GroupName="g10", UserName="joiner")
    assert code(e) == "LimitExceeded"


def test_policies_granting_service_access(iam):
    iam.create_role(
        RoleName="granted",
        AssumeRolePolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
        ),
    )
    iam.put_role_policy(RoleName="granted", PolicyName="s3-inline", PolicyDocument=DOC)
    iam.attach_role_policy(RoleName="granted", PolicyArn="arn:aws:iam::aws:policy/AmazonSQSFullAccess")
    arn = iam.get_role(RoleName="granted")["Role"]["Arn"]
    out = iam.list_policies_granting_service_access(Arn=arn, ServiceNamespaces=["s3", "sqs", "ec2"])["PoliciesGrantingServiceAccess"]
    by_ns = {e["ServiceNamespace"]: e["Policies"] for e in out}
    assert [(p["PolicyName"], p["PolicyType"], p.get("EntityName")) for p in by_ns["s3"]] == [("s3-inline", "INLINE", "granted")]
    assert [(p["PolicyName"], p["PolicyType"]) for p in by_ns["sqs"]] == [("AmazonSQSFullAccess", "MANAGED")]
    assert by_ns["ec2"] == []


def test_standalone_account_has_no_organization(iam):
    with pytest.raises(ClientError) as e:
        iam.list_organizations_features()
    assert code(e) == "OrganizationNotFoundException"


def test_aws_cli_role_with_inline_policy(aws_cli):
    trust = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    )
    role = aws_cli("iam", "create-role", "--role-name", "cli-role", "--assume-role-policy-document", trust)["Role"]
    assert role["Arn"].endswith(":role/cli-role")
    aws_cli("iam", "put-role-policy", "--role-name", "cli-role", "--policy-name", "p", "--policy-document", DOC)
    got = aws_cli("iam", "get-role-policy", "--role-name", "cli-role", "--policy-name", "p")
    assert got["PolicyDocument"] == json.loads(DOC)
    assert aws_cli("iam", "list-role-policies", "--role-name", "cli-role")["PolicyNames"] == ["p"]


def test_service_last_accessed_reports(iam):
    iam.create_user(UserName="advised")
    iam.attach_user_policy(UserName="advised", PolicyArn="arn:aws:iam::aws:policy/AmazonSQSFullAccess")
    iam.put_user_policy(UserName="advised", PolicyName="s3", PolicyDocument=DOC)
    arn = iam.get_user(UserName="advised")["User"]["Arn"]
    job = iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
    report = iam.get_service_last_accessed_details(JobId=job)
    assert report["JobStatus"] == "COMPLETED" and report["JobType"] == "SERVICE_LEVEL"
    assert {s["ServiceNamespace"] for s in report["ServicesLastAccessed"]} == {"s3", "sqs"}
    assert all("LastAuthenticated" not in s for s in report["ServicesLastAccessed"])
    detail = iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="sqs")
    assert [e["EntityInfo"]["Name"] for e in detail["EntityDetailsList"]] == ["advised"]
    with pytest.raises(ClientError) as e:
        iam.get_service_last_accessed_details(JobId="00000000-0000-0000-0000-000000000000")
    assert code(e) == "NoSuchEntity"
