"""Versioning through boto3: version ids, delete markers, ListObjectVersions, suspended
buckets, and object lock (retention, legal hold, governance bypass)."""

import datetime

import pytest
from botocore.exceptions import ClientError

from s3_helpers import code


@pytest.fixture(scope="module")
def s3(client):
    return client("s3")


def test_versions_and_delete_markers(s3):
    s3.create_bucket(Bucket="versioned")
    assert "Status" not in s3.get_bucket_versioning(Bucket="versioned")
    s3.put_bucket_versioning(Bucket="versioned", VersioningConfiguration={"Status": "Enabled"})
    assert s3.get_bucket_versioning(Bucket="versioned")["Status"] == "Enabled"
    v1 = s3.put_object(Bucket="versioned", Key="k", Body=b"one")["VersionId"]
    v2 = s3.put_object(Bucket="versioned", Key="k", Body=b"two")["VersionId"]
    assert v1 != v2 and v1 != "null"
    assert s3.get_object(Bucket="versioned", Key="k")["Body"].read() == b"two"
    got = s3.get_object(Bucket="versioned", Key="k", VersionId=v1)
    assert got["Body"].read() == b"one" and got["VersionId"] == v1

    deleted = s3.delete_object(Bucket="versioned", Key="k")
    assert deleted["DeleteMarker"] is True
    marker = deleted["VersionId"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="versioned", Key="k")
    assert code(e) == "NoSuchKey"
    headers = e.value.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["x-amz-delete-marker"] == "true" and headers["x-amz-version-id"] == marker
    with pytest.raises(ClientError) as e:
        s3.head_object(Bucket="versioned", Key="k")
    assert e.value.response["ResponseMetadata"]["HTTPHeaders"]["x-amz-delete-marker"] == "true"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="versioned", Key="k", VersionId=marker)
    assert code(e) == "MethodNotAllowed"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 405
    assert "Contents" not in s3.list_objects_v2(Bucket="versioned")

    listing = s3.list_object_versions(Bucket="versioned")
    assert [(v["VersionId"], v["IsLatest"]) for v in listing["Versions"]] == [(v2, False), (v1, False)]
    assert [(m["VersionId"], m["IsLatest"]) for m in listing["DeleteMarkers"]] == [(marker, True)]

    # Removing the marker brings the object back.
    s3.delete_object(Bucket="versioned", Key="k", VersionId=marker)
    assert s3.get_object(Bucket="versioned", Key="k")["Body"].read() == b"two"
    # Removing the current version makes the previous one current.
    s3.delete_object(Bucket="versioned", Key="k", VersionId=v2)
    assert s3.get_object(Bucket="versioned", Key="k")["Body"].read() == b"one"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="versioned", Key="k", VersionId=v2)
    assert code(e) == "NoSuchVersion"
    with pytest.raises(ClientError) as e:
        s3.delete_bucket(Bucket="versioned")
    assert code(e) == "BucketNotEmpty"


def test_pagination_of_versions(s3):
    s3.create_bucket(Bucket="pages")
    s3.put_bucket_versioning(Bucket="pages", VersioningConfiguration={"Status": "Enabled"})
    for key in ["a", "b"]:
        for i in range(3):
            s3.put_object(Bucket="pages", Key=key, Body=str(i).encode())
    seen = []
    kwargs = {"Bucket": "pages", "MaxKeys": 2}
    while True:
        page = s3.list_object_versions(**kwargs)
        seen += [(v["Key"], v["VersionId"]) for v in page.get("Versions", [])]
        if not page["IsTruncated"]:
            break
        kwargs.update(KeyMarker=page["NextKeyMarker"], VersionIdMarker=page["NextVersionIdMarker"])
    assert len(seen) == 6 and len(set(seen)) == 6
    paginator = s3.get_paginator("list_object_versions")
    assert sum(len(p.get("Versions", [])) for p in paginator.paginate(Bucket="pages", PaginationConfig={"PageSize": 4})) == 6


def test_suspended_uses_null_versions(s3):
    s3.create_bucket(Bucket="suspended")
    s3.put_bucket_versioning(Bucket="suspended", VersioningConfiguration={"Status": "Enabled"})
    kept = s3.put_object(Bucket="suspended", Key="k", Body=b"kept")["VersionId"]
    s3.put_bucket_versioning(Bucket="suspended", VersioningConfiguration={"Status": "Suspended"})
    s3.put_object(Bucket="suspended", Key="k", Body=b"null 1")
    s3.put_object(Bucket="suspended", Key="k", Body=b"null 2")
    ids = [v["VersionId"] for v in s3.list_object_versions(Bucket="suspended")["Versions"]]
    assert ids == ["null", kept]
    assert s3.get_object(Bucket="suspended", Key="k", VersionId="null")["Body"].read() == b"null 2"


def test_delete_objects_with_versions(s3):
    s3.create_bucket(Bucket="bulkversions")
    s3.put_bucket_versioning(Bucket="bulkversions", VersioningConfiguration={"Status": "Enabled"})
    v = s3.put_object(Bucket="bulkversions", Key="x", Body=b"1")["VersionId"]
    out = s3.delete_objects(Bucket="bulkversions", Delete={"Objects": [{"Key": "x"}]})
    assert out["Deleted"][0]["DeleteMarker"] is True
    out = s3.delete_objects(Bucket="bulkversions", Delete={"Objects": [{"Key": "x", "VersionId": v}]})
    assert out["Deleted"][0]["VersionId"] == v


def test_object_lock(s3):
    s3.create_bucket(Bucket="locked", ObjectLockEnabledForBucket=True)
    assert s3.get_bucket_versioning(Bucket="locked")["Status"] == "Enabled"
    config = s3.get_object_lock_configuration(Bucket="locked")["ObjectLockConfiguration"]
    assert config["ObjectLockEnabled"] == "Enabled"
    until = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(days=1)
    v = s3.put_object(Bucket="locked", Key="gov", Body=b"x", ObjectLockMode="GOVERNANCE",
                      ObjectLockRetainUntilDate=until)["VersionId"]
    retention = s3.get_object_retention(Bucket="locked", Key="gov")["Retention"]
    assert retention["Mode"] == "GOVERNANCE"
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket="locked", Key="gov", VersionId=v)
    assert code(e) == "AccessDenied"
    s3.delete_object(Bucket="locked", Key="gov", VersionId=v, BypassGovernanceRetention=True)

    v = s3.put_object(Bucket="locked", Key="held", Body=b"x")["VersionId"]
    s3.put_object_legal_hold(Bucket="locked", Key="held", LegalHold={"Status": "ON"})
    assert s3.get_object_legal_hold(Bucket="locked", Key="held")["LegalHold"]["Status"] == "ON"
    assert s3.head_object(Bucket="locked", Key="held")["ObjectLockLegalHoldStatus"] == "ON"
    with pytest.raises(ClientError) as e:
        s3.delete_object(Bucket="locked", Key="held", VersionId=v, BypassGovernanceRetention=True)
    assert code(e) == "AccessDenied"
    s3.put_object_legal_hold(Bucket="locked", Key="held", LegalHold={"Status": "OFF"})
    s3.delete_object(Bucket="locked", Key="held", VersionId=v)

    s3.put_object_lock_configuration(Bucket="locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}})
    s3.put_object(Bucket="locked", Key="default", Body=b"x")
    assert s3.get_object_retention(Bucket="locked", Key="default")["Retention"]["Mode"] == "COMPLIANCE"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_versioning(Bucket="locked", VersioningConfiguration={"Status": "Suspended"})
    assert code(e) == "InvalidBucketState"

    s3.create_bucket(Bucket="unlocked")
    with pytest.raises(ClientError) as e:
        s3.get_object_lock_configuration(Bucket="unlocked")
    assert code(e) == "ObjectLockConfigurationNotFoundError"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket="unlocked", Key="k", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=until)
    assert code(e) == "InvalidRequest"
