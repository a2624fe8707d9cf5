"""S3 bucket configuration through boto3: tagging, policy, ACLs (bucket and object), public
access block, ownership controls, default encryption, acceleration, request payment, logging,
replication, website, with S3's exact "not found" errors that Terraform reads after each Put."""

import json

import pytest
from botocore.exceptions import ClientError

from s3_helpers import err

ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"


@pytest.fixture(scope="module")
def s3(client):
    return client("s3")


_counter = iter(range(10_000))


@pytest.fixture
def bucket(s3):
    name = f"cfg-{next(_counter)}"
    s3.create_bucket(Bucket=name)
    return name


def open_bucket(s3, name):
    """A bucket that allows ACLs and public policies, as pre-2023 buckets did."""
    s3.delete_public_access_block(Bucket=name)
    s3.put_bucket_ownership_controls(
        Bucket=name, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )


# ---- tagging ---------------------------------------------------------------------------


def test_tagging_round_trip_and_not_found(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_tagging(Bucket=bucket)
    error, status = err(e)
    assert (error["Code"], status, error["Message"]) == ("NoSuchTagSet", 404, "The TagSet does not exist")
    assert error["BucketName"] == bucket

    tags = [{"Key": "env", "Value": "dev"}, {"Key": "team", "Value": ""}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    assert s3.get_bucket_tagging(Bucket=bucket)["TagSet"] == tags
    s3.delete_bucket_tagging(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_tagging(Bucket=bucket)
    assert err(e)[0]["Code"] == "NoSuchTagSet"


def test_tagging_validation(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]})
    error, status = err(e)
    assert (error["Code"], status) == ("InvalidTag", 400)
    assert error["Message"] == "Cannot provide multiple Tags with the same key"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "aws:x", "Value": "1"}]})
    assert err(e)[0]["Code"] == "InvalidTag"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(51)]})
    assert err(e)[0]["Code"] == "InvalidTag"


def test_config_of_missing_bucket_is_no_such_bucket(s3):
    for call in (s3.get_bucket_tagging, s3.get_bucket_policy, s3.get_bucket_cors, s3.get_bucket_acl):
        with pytest.raises(ClientError) as e:
            call(Bucket="no-such-bucket-here")
        error, status = err(e)
        assert (error["Code"], status) == ("NoSuchBucket", 404)


# ---- policy ------------------------------------------------------------------------------


def policy_doc(bucket, principal):
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": principal,
                    "Action": "s3:GetObject",
                    "Resource": f"arn:aws:s3:::{bucket}/*",
                }
            ],
        }
    )


def test_policy_round_trip_and_not_found(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=bucket)
    error, status = err(e)
    assert (error["Code"], status, error["Message"]) == ("NoSuchBucketPolicy", 404, "The bucket policy does not exist")
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy_status(Bucket=bucket)
    assert err(e)[0]["Code"] == "NoSuchBucketPolicy"

    doc = policy_doc(bucket, {"AWS": "arn:aws:iam::000000000000:root"})
    s3.put_bucket_policy(Bucket=bucket, Policy=doc)
    assert s3.get_bucket_policy(Bucket=bucket)["Policy"] == doc
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": False}
    s3.delete_bucket_policy(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_policy(Bucket=bucket)
    assert err(e)[0]["Code"] == "NoSuchBucketPolicy"


def test_malformed_policies(s3, bucket):
    for bad, message in [
        ("not json", "Policies must be valid JSON and the first byte must be '{'"),
        ("{\"Version\": \"2012-10-17\"}", "Missing required field Statement"),
    ]:
        with pytest.raises(ClientError) as e:
            s3.put_bucket_policy(Bucket=bucket, Policy=bad)
        error, status = err(e)
        assert (error["Code"], status, error["Message"]) == ("MalformedPolicy", 400, message)


def test_policy_must_name_this_bucket_and_s3_actions(s3, bucket):
    other = json.loads(policy_doc("some-other-bucket", {"AWS": "arn:aws:iam::000000000000:root"}))
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(other))
    assert err(e)[0]["Message"] == "Policy has invalid resource"
    wrong_action = json.loads(policy_doc(bucket, {"AWS": "arn:aws:iam::000000000000:root"}))
    wrong_action["Statement"][0]["Action"] = ["sqs:SendMessage"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(wrong_action))
    assert err(e)[0]["Message"] == "Policy has invalid action"


def test_public_policy_needs_public_access_block_off(s3, bucket):
    public = policy_doc(bucket, "*")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert err(e) [1] == 403
    s3.delete_public_access_block(Bucket=bucket)
    s3.put_bucket_policy(Bucket=bucket, Policy=public)
    assert s3.get_bucket_policy_status(Bucket=bucket)["PolicyStatus"] == {"IsPublic": True}


# ---- ACLs --------------------------------------------------------------------------------


def test_default_acl_is_owner_full_control(s3, bucket):
    acl = s3.get_bucket_acl(Bucket=bucket)
    owner = acl["Owner"]
    assert len(owner["ID"]) == 64
    assert acl["Grants"] == [
        {
            "Grantee": {"ID": owner["ID"], "DisplayName": owner["DisplayName"], "Type": "CanonicalUser"},
            "Permission": "FULL_CONTROL",
        }
    ]
    # ACLs that only say "the owner has full control" are accepted even with ACLs disabled.
    s3.put_bucket_acl(Bucket=bucket, ACL="private")


def test_acls_disabled_by_default(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    error, status = err(e)
    assert (error["Code"], status, error["Message"]) == (
        "AccessControlListNotSupported",
        400,
        "The bucket does not allow ACLs",
    )
    with pytest.raises(ClientError) as e:
        s3.create_bucket(Bucket="acl-at-creation", ACL="public-read")
    assert err(e)[0]["Code"] == "InvalidBucketAclWithObjectOwnership"


def test_canned_and_granted_bucket_acls(s3, bucket):
    open_bucket(s3, bucket)
    s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants
    assert len(grants) == 2

    owner_id = s3.get_bucket_acl(Bucket=bucket)["Owner"]["ID"]
    s3.put_bucket_acl(Bucket=bucket, GrantFullControl=f'id="{owner_id}"', GrantRead=f'uri="{ALL_USERS}"')
    permissions = sorted(g["Permission"] for g in s3.get_bucket_acl(Bucket=bucket)["Grants"])
    assert permissions == ["FULL_CONTROL", "READ"]

    # With ACLs on, switching back to BucketOwnerEnforced is refused while the ACL is public.
    with pytest.raises(ClientError) as e:
        s3.put_bucket_ownership_controls(
            Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
        )
    assert err(e)[0]["Code"] == "InvalidBucketAclWithObjectOwnership"

    policy = s3.get_bucket_acl(Bucket=bucket)
    policy.pop("ResponseMetadata")
    policy["Grants"] = policy["Grants"][:1]
    s3.put_bucket_acl(Bucket=bucket, AccessControlPolicy=policy)
    assert len(s3.get_bucket_acl(Bucket=bucket)["Grants"]) == 1


def test_bad_grants(s3, bucket):
    open_bucket(s3, bucket)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, GrantRead='uri="http://acs.amazonaws.com/groups/global/Nobody"')
    error, _ = err(e)
    assert (error["Code"], error["Message"]) == ("InvalidArgument", "Invalid group uri")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, GrantRead='id="not-an-id"')
    assert err(e)[0]["Message"] == "Invalid id"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, ACL="private", GrantRead=f'uri="{ALL_USERS}"')
    assert err(e)[0]["Code"] == "InvalidRequest"


def test_public_acl_blocked_by_public_access_block(s3, bucket):
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    with pytest.raises(ClientError) as e:
        s3.put_bucket_acl(Bucket=bucket, ACL="public-read")
    assert err(e) == ({"Code": "AccessDenied", "Message": "Access Denied"}, 403) or err(e)[0]["Code"] == "AccessDenied"


def test_object_acl(s3, bucket):
    open_bucket(s3, bucket)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert [g["Permission"] for g in s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]] == ["FULL_CONTROL"]
    s3.put_object_acl(Bucket=bucket, Key="k", ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants
    # An overwrite starts again from the default ACL.
    s3.put_object(Bucket=bucket, Key="k", Body=b"y")
    assert len(s3.get_object_acl(Bucket=bucket, Key="k")["Grants"]) == 1
    with pytest.raises(ClientError) as e:
        s3.get_object_acl(Bucket=bucket, Key="missing")
    assert err(e)[0]["Code"] == "NoSuchKey"


# ---- public access block, ownership --------------------------------------------------------


def test_public_access_block(s3, bucket):
    config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert config == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True,
    }
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration={"BlockPublicAcls": True, "BlockPublicPolicy": False}
    )
    config = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert config == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": False,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    s3.delete_public_access_block(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_public_access_block(Bucket=bucket)
    error, status = err(e)
    assert (error["Code"], status, error["Message"]) == (
        "NoSuchPublicAccessBlockConfiguration",
        404,
        "The public access block configuration was not found",
    )


def test_ownership_controls(s3, bucket):
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "ObjectWriter"}]})
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_ownership_controls(Bucket=bucket)
    error, status = err(e)
    assert (error["Code"], status, error["Message"]) == (
        "OwnershipControlsNotFoundError",
        404,
        "The bucket ownership controls were not found",
    )
    s3.create_bucket(Bucket="owned-by-writer", ObjectOwnership="ObjectWriter")
    rules = s3.get_bucket_ownership_controls(Bucket="owned-by-writer")["OwnershipControls"]["Rules"]
    assert rules == [{"ObjectOwnership": "ObjectWriter"}]


# ---- encryption, acceleration, request payment ----------------------------------------------


def test_default_encryption(s3, bucket):
    sse_s3 = {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}, "BucketKeyEnabled": False}]}
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == sse_s3
    kms = {
        "Rules": [
            {
                "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/mine"},
                "BucketKeyEnabled": True,
            }
        ]
    }
    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration=kms)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == kms
    s3.delete_bucket_encryption(Bucket=bucket)
    assert s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"] == sse_s3
    with pytest.raises(ClientError) as e:
        s3.put_bucket_encryption(
            Bucket=bucket,
            ServerSideEncryptionConfiguration={
                "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256", "KMSMasterKeyID": "k"}}]
            },
        )
    assert err(e)[0]["Code"] == "InvalidArgument"


def test_accelerate_and_request_payment(s3, bucket):
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket=bucket)
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Enabled"
    s3.put_bucket_accelerate_configuration(Bucket=bucket, AccelerateConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_accelerate_configuration(Bucket=bucket)["Status"] == "Suspended"

    s3.create_bucket(Bucket="dotted.bucket")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_accelerate_configuration(Bucket="dotted.bucket", AccelerateConfiguration={"Status": "Enabled"})
    assert err(e)[0]["Code"] == "InvalidRequest"

    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "BucketOwner"
    s3.put_bucket_request_payment(Bucket=bucket, RequestPaymentConfiguration={"Payer": "Requester"})
    assert s3.get_bucket_request_payment(Bucket=bucket)["Payer"] == "Requester"


# ---- logging, replication, website ----------------------------------------------------------


def test_logging(s3, bucket):
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    s3.create_bucket(Bucket="log-target")
    enabled = {"TargetBucket": "log-target", "TargetPrefix": "logs/"}
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": enabled})
    assert s3.get_bucket_logging(Bucket=bucket)["LoggingEnabled"] == enabled
    s3.put_bucket_logging(Bucket=bucket, BucketLoggingStatus={})
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.put_bucket_logging(
            Bucket=bucket, BucketLoggingStatus={"LoggingEnabled": {"TargetBucket": "nope-nope", "TargetPrefix": ""}}
        )
    error, status = err(e)
    assert (error["Code"], status) == ("InvalidTargetBucketForLogging", 400)


def test_replication(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_replication(Bucket=bucket)
    error, status = err(e)
    assert (error["Code"], status) == ("ReplicationConfigurationNotFoundError", 404)
    config = {
        "Role": "arn:aws:iam::000000000000:role/replication",
        "Rules": [
            {
                "ID": "all",
                "Priority": 1,
                "Status": "Enabled",
                "Filter": {"Prefix": ""},
                "DeleteMarkerReplication": {"Status": "Disabled"},
                "Destination": {"Bucket": "arn:aws:s3:::replica-target"},
            }
        ],
    }
    with pytest.raises(ClientError) as e:
        s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=config)
    assert err(e)[0]["Code"] == "InvalidRequest"
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.create_bucket(Bucket="replica-target")
    s3.put_bucket_versioning(Bucket="replica-target", VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_replication(Bucket=bucket, ReplicationConfiguration=config)
    assert s3.get_bucket_replication(Bucket=bucket)["ReplicationConfiguration"] == config
    s3.delete_bucket_replication(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_replication(Bucket=bucket)
    assert err(e)[0]["Code"] == "ReplicationConfigurationNotFoundError"


def test_website(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_website(Bucket=bucket)
    error, status = err(e)
    assert (error["Code"], status, error["Message"]) == (
        "NoSuchWebsiteConfiguration",
        404,
        "The specified bucket does not have a website configuration",
    )
    config = {
        "IndexDocument": {"Suffix": "index.html"},
        "ErrorDocument": {"Key": "error.html"},
        "RoutingRules": [
            {"Condition": {"KeyPrefixEquals": "docs/"}, "Redirect": {"ReplaceKeyPrefixWith": "documents/"}}
        ],
    }
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration=config)
    got = s3.get_bucket_website(Bucket=bucket)
    got.pop("ResponseMetadata")
    assert got == config
    with pytest.raises(ClientError) as e:
        s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"ErrorDocument": {"Key": "e.html"}})
    assert err(e)[0]["Code"] == "InvalidArgument"
    s3.put_bucket_website(Bucket=bucket, WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": "example.com"}})
    assert s3.get_bucket_website(Bucket=bucket)["RedirectAllRequestsTo"] == {"HostName": "example.com"}
    s3.delete_bucket_website(Bucket=bucket)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_website(Bucket=bucket)
    assert err(e)[0]["Code"] == "NoSuchWebsiteConfiguration"


def test_object_acl_at_put(s3, bucket):
    # ACLs are disabled on new buckets: only "owner has full control" ACLs get through.
    s3.put_object(Bucket=bucket, Key="owner-only", Body=b"x", ACL="bucket-owner-full-control")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="public", Body=b"x", ACL="public-read")
    error, status = err(e)
    assert (error["Code"], status) == ("AccessControlListNotSupported", 400)
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket=bucket, Key="public")
    open_bucket(s3, bucket)
    s3.put_object(Bucket=bucket, Key="public", Body=b"x", ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="public")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants


def test_terraform_reads_after_create(s3):
    """What the AWS provider's aws_s3_bucket reads right after CreateBucket, and what it expects."""
    s3.create_bucket(Bucket="tf-bucket")
    not_found = {
        s3.get_bucket_policy: "NoSuchBucketPolicy",
        s3.get_bucket_cors: "NoSuchCORSConfiguration",
        s3.get_bucket_website: "NoSuchWebsiteConfiguration",
        s3.get_bucket_lifecycle_configuration: "NoSuchLifecycleConfiguration",
        s3.get_bucket_replication: "ReplicationConfigurationNotFoundError",
        s3.get_bucket_tagging: "NoSuchTagSet",
    }
    for call, code in not_found.items():
        with pytest.raises(ClientError) as e:
            call(Bucket="tf-bucket")
        error, status = err(e)
        assert (error["Code"], status) == (code, 404), call
    assert s3.get_bucket_acl(Bucket="tf-bucket")["Grants"][0]["Permission"] == "FULL_CONTROL"
    assert "Status" not in s3.get_bucket_accelerate_configuration(Bucket="tf-bucket")
    assert s3.get_bucket_request_payment(Bucket="tf-bucket")["Payer"] == "BucketOwner"
    assert "LoggingEnabled" not in s3.get_bucket_logging(Bucket="tf-bucket")
    rules = s3.get_bucket_encryption(Bucket="tf-bucket")["ServerSideEncryptionConfiguration"]["Rules"]
    assert rules[0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s3.get_public_access_block(Bucket="tf-bucket")["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    notification = s3.get_bucket_notification_configuration(Bucket="tf-bucket")
    notification.pop("ResponseMetadata")
    assert notification == {}


def test_object_acl_at_copy(s3, bucket):
    s3.put_object(Bucket=bucket, Key="src", Body=b"x")
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"}, ACL="public-read")
    assert err(e)[0]["Code"] == "AccessControlListNotSupported"
    open_bucket(s3, bucket)
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"}, ACL="public-read")
    grants = s3.get_object_acl(Bucket=bucket, Key="dst")["Grants"]
    assert {"Grantee": {"Type": "Group", "URI": ALL_USERS}, "Permission": "READ"} in grants
