"""S3 lifecycle configuration: round trip, S3's validation and not-found error, and the reaper
expiring objects whose Expiration date has passed (versioned buckets get a delete marker)."""

import datetime
import time

import pytest
from botocore.exceptions import ClientError

from s3_helpers import err

PAST = datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc)


@pytest.fixture(scope="module")
def s3(client):
    return client("s3")


def test_round_trip_and_not_found(s3):
    s3.create_bucket(Bucket="lc-round-trip")
    with pytest.raises(ClientError) as e:
        s3.get_bucket_lifecycle_configuration(Bucket="lc-round-trip")
    error, status = err(e)
    assert (error["Code"], status, error["Message"]) == (
        "NoSuchLifecycleConfiguration",
        404,
        "The lifecycle configuration does not exist",
    )
    assert error["BucketName"] == "lc-round-trip"
    rules = [
        {
            "ID": "logs",
            "Filter": {"Prefix": "logs/"},
            "Status": "Enabled",
            "Expiration": {"Days": 30},
            "Transitions": [{"Days": 7, "StorageClass": "GLACIER"}],
            "NoncurrentVersionExpiration": {"NoncurrentDays": 10},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 2},
        },
        {
            "ID": "tagged",
            "Filter": {"And": {"Prefix": "tmp/", "Tags": [{"Key": "temp", "Value": "yes"}]}},
            "Status": "Disabled",
            "Expiration": {"Date": PAST},
        },
    ]
    s3.put_bucket_lifecycle_configuration(Bucket="lc-round-trip", LifecycleConfiguration={"Rules": rules})
    got = s3.get_bucket_lifecycle_configuration(Bucket="lc-round-trip")
    assert got["Rules"] == rules
    assert got["TransitionDefaultMinimumObjectSize"] == "all_storage_classes_128K"

    # A rule without an ID gets one.
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-round-trip",
        LifecycleConfiguration={"Rules": [{"Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}]},
    )
    [rule] = s3.get_bucket_lifecycle_configuration(Bucket="lc-round-trip")["Rules"]
    assert rule["ID"]

    s3.delete_bucket_lifecycle(Bucket="lc-round-trip")
    with pytest.raises(ClientError) as e:
        s3.get_bucket_lifecycle_configuration(Bucket="lc-round-trip")
    assert err(e)[0]["Code"] == "NoSuchLifecycleConfiguration"


@pytest.mark.parametrize(
    "rule,code,message",
    [
        ({"ID": "a", "Filter": {}, "Status": "Enabled"}, "InvalidRequest", "At least one action needs to be specified in a rule"),
        (
            {"ID": "a", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 0}},
            "InvalidArgument",
            "'Days' for Expiration action must be a positive integer",
        ),
        (
            {"ID": "a", "Filter": {}, "Status": "Enabled", "Expiration": {"Date": datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.timezone.utc)}},
            "InvalidArgument",
            "'Date' must be at midnight GMT",
        ),
        (
            {"ID": "a", "Filter": {"Prefix": "x", "ObjectSizeGreaterThan": 5}, "Status": "Enabled", "Expiration": {"Days": 1}},
            "MalformedXML",
            None,
        ),
        (
            {"ID": "a" * 256, "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}},
            "InvalidArgument",
            "ID length should not exceed allowed limit of 255",
        ),
    ],
)
def test_validation(s3, rule, code, message):
    s3.create_bucket(Bucket="lc-validation")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_lifecycle_configuration(Bucket="lc-validation", LifecycleConfiguration={"Rules": [rule]})
    error, status = err(e)
    assert (error["Code"], status) == (code, 400)
    if message:
        assert error["Message"] == message


def test_duplicate_rule_ids(s3):
    s3.create_bucket(Bucket="lc-duplicates")
    rule = {"ID": "same", "Filter": {}, "Status": "Enabled", "Expiration": {"Days": 1}}
    with pytest.raises(ClientError) as e:
        s3.put_bucket_lifecycle_configuration(Bucket="lc-duplicates", LifecycleConfiguration={"Rules": [rule, rule]})
    error, _ = err(e)
    assert (error["Code"], error["Message"]) == (
        "InvalidArgument",
        "Rule ID must be unique. Found same ID for more than one rule",
    )


def keys(s3, bucket):
    return sorted(o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []))


def wait_for(predicate, timeout=5.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return predicate()


def test_reaper_expires_objects_past_their_date(s3):
    s3.create_bucket(Bucket="lc-reaper")
    for key in ["old/a", "old/b", "keep/c"]:
        s3.put_object(Bucket="lc-reaper", Key=key, Body=b"x")
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-reaper",
        LifecycleConfiguration={
            "Rules": [{"ID": "old", "Filter": {"Prefix": "old/"}, "Status": "Enabled", "Expiration": {"Date": PAST}}]
        },
    )
    assert wait_for(lambda: keys(s3, "lc-reaper") == ["keep/c"]), keys(s3, "lc-reaper")


def test_reaper_leaves_delete_markers_in_versioned_buckets(s3):
    s3.create_bucket(Bucket="lc-versioned")
    s3.put_bucket_versioning(Bucket="lc-versioned", VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket="lc-versioned", Key="k", Body=b"x")["VersionId"]
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-versioned",
        LifecycleConfiguration={"Rules": [{"ID": "all", "Filter": {}, "Status": "Enabled", "Expiration": {"Date": PAST}}]},
    )
    assert wait_for(lambda: keys(s3, "lc-versioned") == [])
    listing = s3.list_object_versions(Bucket="lc-versioned")
    assert [v["VersionId"] for v in listing["Versions"]] == [version]
    assert len(listing["DeleteMarkers"]) == 1


def test_disabled_rules_do_nothing(s3):
    s3.create_bucket(Bucket="lc-disabled")
    s3.put_object(Bucket="lc-disabled", Key="k", Body=b"x")
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-disabled",
        LifecycleConfiguration={"Rules": [{"ID": "off", "Filter": {}, "Status": "Disabled", "Expiration": {"Date": PAST}}]},
    )
    time.sleep(0.5)
    assert keys(s3, "lc-disabled") == ["k"]


def test_expired_object_delete_markers_are_removed(s3):
    s3.create_bucket(Bucket="lc-markers")
    s3.put_bucket_versioning(Bucket="lc-markers", VersioningConfiguration={"Status": "Enabled"})
    version = s3.put_object(Bucket="lc-markers", Key="gone", Body=b"x")["VersionId"]
    s3.delete_object(Bucket="lc-markers", Key="gone")
    s3.delete_object(Bucket="lc-markers", Key="gone", VersionId=version)
    assert len(s3.list_object_versions(Bucket="lc-markers").get("DeleteMarkers", [])) == 1
    s3.put_bucket_lifecycle_configuration(
        Bucket="lc-markers",
        LifecycleConfiguration={
            "Rules": [{"ID": "m", "Filter": {}, "Status": "Enabled", "Expiration": {"ExpiredObjectDeleteMarker": True}}]
        },
    )
    assert wait_for(lambda: "DeleteMarkers" not in s3.list_object_versions(Bucket="lc-markers"))


def test_transition_minimum_days(s3):
    s3.create_bucket(Bucket="lc-transition")
    with pytest.raises(ClientError) as e:
        s3.put_bucket_lifecycle_configuration(
            Bucket="lc-transition",
            LifecycleConfiguration={
                "Rules": [
                    {
                        "ID": "ia",
                        "Filter": {},
                        "Status": "Enabled",
                        "Transitions": [{"Days": 10, "StorageClass": "STANDARD_IA"}],
                    }
                ]
            },
        )
    error, status = err(e)
    assert (error["Code"], status) == ("InvalidArgument", 400)
    assert error["Message"] == "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'"
