"""The bucket configurations kept by Id (analytics, Intelligent-Tiering, inventory, metrics),
archived objects and RestoreObject, and ListDirectoryBuckets for an account without any."""

import pytest
from botocore.exceptions import ClientError

from s3_helpers import code, err

BUCKET = "id-configs"


@pytest.fixture(scope="module")
def s3(client):
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    return s3


def metrics(id_, prefix=None):
    config = {"Id": id_}
    if prefix:
        config["Filter"] = {"Prefix": prefix}
    return config


def test_metrics_round_trip_and_errors(s3):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_metrics_configuration(Bucket=BUCKET, Id="EntireBucket")
    error, status = err(e)
    assert (error["Code"], status) == ("NoSuchConfiguration", 404)
    assert "Contents" not in s3.list_bucket_metrics_configurations(Bucket=BUCKET)
    assert "MetricsConfigurationList" not in s3.list_bucket_metrics_configurations(Bucket=BUCKET)

    s3.put_bucket_metrics_configuration(Bucket=BUCKET, Id="EntireBucket", MetricsConfiguration=metrics("EntireBucket"))
    s3.put_bucket_metrics_configuration(Bucket=BUCKET, Id="docs", MetricsConfiguration=metrics("docs", "docs/"))
    got = s3.get_bucket_metrics_configuration(Bucket=BUCKET, Id="docs")["MetricsConfiguration"]
    assert got == {"Id": "docs", "Filter": {"Prefix": "docs/"}}
    listed = s3.list_bucket_metrics_configurations(Bucket=BUCKET)
    assert [c["Id"] for c in listed["MetricsConfigurationList"]] == ["EntireBucket", "docs"]
    assert listed["IsTruncated"] is False

    # The query's id must be the body's.
    with pytest.raises(ClientError) as e:
        s3.put_bucket_metrics_configuration(Bucket=BUCKET, Id="one", MetricsConfiguration=metrics("other"))
    assert code(e) == "MalformedXML"

    s3.delete_bucket_metrics_configuration(Bucket=BUCKET, Id="docs")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket_metrics_configuration(Bucket=BUCKET, Id="docs")
    assert code(e) == "NoSuchConfiguration"
    with pytest.raises(ClientError) as e:
        s3.get_bucket_metrics_configuration(Bucket="no-such-bucket-here", Id="x")
    assert code(e) == "NoSuchBucket"


def test_lists_page_by_100_and_the_limit_is_1000(s3):
    s3.create_bucket(Bucket="id-configs-many")
    for n in range(1000):
        s3.put_bucket_metrics_configuration(
            Bucket="id-configs-many", Id=f"m{n:04}", MetricsConfiguration=metrics(f"m{n:04}")
        )
    with pytest.raises(ClientError) as e:
        s3.put_bucket_metrics_configuration(Bucket="id-configs-many", Id="extra", MetricsConfiguration=metrics("extra"))
    error, status = err(e)
    assert (error["Code"], status) == ("TooManyConfigurations", 400)
    # Replacing one is not adding one.
    s3.put_bucket_metrics_configuration(Bucket="id-configs-many", Id="m0005", MetricsConfiguration=metrics("m0005", "p/"))

    ids, token, pages = [], None, 0
    while True:
        kwargs = {"ContinuationToken": token} if token else {}
        page = s3.list_bucket_metrics_configurations(Bucket="id-configs-many", **kwargs)
        pages += 1
        assert len(page["MetricsConfigurationList"]) <= 100
        ids += [c["Id"] for c in page["MetricsConfigurationList"]]
        if token:
            assert page["ContinuationToken"] == token
        if not page["IsTruncated"]:
            assert "NextContinuationToken" not in page
            break
        token = page["NextContinuationToken"]
    assert pages == 10
    assert ids == [f"m{n:04}" for n in range(1000)]

    with pytest.raises(ClientError) as e:
        s3.list_bucket_metrics_configurations(Bucket="id-configs-many", ContinuationToken="not-a-token!")
    assert code(e) == "InvalidArgument"


def test_analytics(s3):
    config = {
        "Id": "report",
        "Filter": {"Prefix": "logs/"},
        "StorageClassAnalysis": {
            "DataExport": {
                "OutputSchemaVersion": "V_1",
                "Destination": {"S3BucketDestination": {"Format": "CSV", "Bucket": "arn:aws:s3:::dest", "Prefix": "a"}},
            }
        },
    }
    s3.put_bucket_analytics_configuration(Bucket=BUCKET, Id="report", AnalyticsConfiguration=config)
    assert s3.get_bucket_analytics_configuration(Bucket=BUCKET, Id="report")["AnalyticsConfiguration"] == config
    listed = s3.list_bucket_analytics_configurations(Bucket=BUCKET)["AnalyticsConfigurationList"]
    assert [c["Id"] for c in listed] == ["report"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_analytics_configuration(
            Bucket=BUCKET, Id="other", AnalyticsConfiguration={**config, "Id": "different"}
        )
    assert code(e) == "MalformedXML"
    s3.delete_bucket_analytics_configuration(Bucket=BUCKET, Id="report")
    with pytest.raises(ClientError) as e:
        s3.get_bucket_analytics_configuration(Bucket=BUCKET, Id="report")
    assert code(e) == "NoSuchConfiguration"


def test_intelligent_tiering(s3):
    config = {
        "Id": "archive",
        "Status": "Enabled",
        "Filter": {"Prefix": "cold/"},
        "Tierings": [{"Days": 90, "AccessTier": "ARCHIVE_ACCESS"}, {"Days": 180, "AccessTier": "DEEP_ARCHIVE_ACCESS"}],
    }
    s3.put_bucket_intelligent_tiering_configuration(Bucket=BUCKET, Id="archive", IntelligentTieringConfiguration=config)
    got = s3.get_bucket_intelligent_tiering_configuration(Bucket=BUCKET, Id="archive")
    assert got["IntelligentTieringConfiguration"] == config
    listed = s3.list_bucket_intelligent_tiering_configurations(Bucket=BUCKET)
    assert [c["Id"] for c in listed["IntelligentTieringConfigurationList"]] == ["archive"]
    with pytest.raises(ClientError) as e:
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=BUCKET, Id="short",
            IntelligentTieringConfiguration={**config, "Id": "short", "Tierings": [{"Days": 30, "AccessTier": "ARCHIVE_ACCESS"}]},
        )
    assert code(e) == "InvalidArgument"
    s3.delete_bucket_intelligent_tiering_configuration(Bucket=BUCKET, Id="archive")
    with pytest.raises(ClientError) as e:
        s3.delete_bucket_intelligent_tiering_configuration(Bucket=BUCKET, Id="archive")
    assert code(e) == "NoSuchConfiguration"


def test_inventory(s3):
    config = {
        "Id": "weekly",
        "IsEnabled": True,
        "Destination": {"S3BucketDestination": {"Bucket": "arn:aws:s3:::inventory-dest", "Format": "CSV", "Prefix": "inv"}},
        "IncludedObjectVersions": "Current",
        "OptionalFields": ["Size", "LastModifiedDate"],
        "Schedule": {"Frequency": "Weekly"},
    }
    s3.put_bucket_inventory_configuration(Bucket=BUCKET, Id="weekly", InventoryConfiguration=config)
    assert s3.get_bucket_inventory_configuration(Bucket=BUCKET, Id="weekly")["InventoryConfiguration"] == config
    listed = s3.list_bucket_inventory_configurations(Bucket=BUCKET)
    assert [c["Id"] for c in listed["InventoryConfigurationList"]] == ["weekly"]
    assert listed["IsTruncated"] is False
    s3.delete_bucket_inventory_configuration(Bucket=BUCKET, Id="weekly")
    assert "InventoryConfigurationList" not in s3.list_bucket_inventory_configurations(Bucket=BUCKET)


def test_restore_object(s3):
    s3.put_object(Bucket=BUCKET, Key="cold", Body=b"frozen", StorageClass="GLACIER")
    s3.put_object(Bucket=BUCKET, Key="warm", Body=b"here")
    head = s3.head_object(Bucket=BUCKET, Key="cold")
    assert head["StorageClass"] == "GLACIER" and "Restore" not in head
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=BUCKET, Key="cold")
    error, status = err(e)
    assert (error["Code"], status) == ("InvalidObjectState", 403)
    assert error["StorageClass"] == "GLACIER"
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=BUCKET, Key="thawed", CopySource={"Bucket": BUCKET, "Key": "cold"})
    assert code(e) == "InvalidObjectState"

    with pytest.raises(ClientError) as e:
        s3.restore_object(Bucket=BUCKET, Key="warm", RestoreRequest={"Days": 1})
    error, status = err(e)
    assert (error["Code"], status) == ("ObjectAlreadyInActiveTierError", 403)
    with pytest.raises(ClientError) as e:
        s3.restore_object(Bucket=BUCKET, Key="missing", RestoreRequest={"Days": 1})
    assert code(e) == "NoSuchKey"

    first = s3.restore_object(Bucket=BUCKET, Key="cold", RestoreRequest={"Days": 2, "GlacierJobParameters": {"Tier": "Standard"}})
    assert first["ResponseMetadata"]["HTTPStatusCode"] == 202
    restore = s3.head_object(Bucket=BUCKET, Key="cold")["Restore"]
    assert restore.startswith('ongoing-request="false", expiry-date="') and restore.endswith(' 00:00:00 GMT"')
    got = s3.get_object(Bucket=BUCKET, Key="cold")
    assert got["Body"].read() == b"frozen" and got["Restore"] == restore
    again = s3.restore_object(Bucket=BUCKET, Key="cold", RestoreRequest={"Days": 5})
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert s3.head_object(Bucket=BUCKET, Key="cold")["Restore"] != restore
    # Restored, it can be copied out of the archive.
    s3.copy_object(Bucket=BUCKET, Key="thawed", CopySource={"Bucket": BUCKET, "Key": "cold"}, StorageClass="STANDARD")
    assert s3.get_object(Bucket=BUCKET, Key="thawed")["Body"].read() == b"frozen"
    listed = s3.list_objects_v2(Bucket=BUCKET, OptionalObjectAttributes=["RestoreStatus"])["Contents"]
    status = {o["Key"]: o.get("RestoreStatus") for o in listed}
    assert status["cold"]["IsRestoreInProgress"] is False and "RestoreExpiryDate" in status["cold"]
    assert status["warm"] is None
    assert all("RestoreStatus" not in o for o in s3.list_objects_v2(Bucket=BUCKET)["Contents"])


def test_deep_archive_has_no_expedited_tier(s3):
    s3.put_object(Bucket=BUCKET, Key="deep", Body=b"d", StorageClass="DEEP_ARCHIVE")
    with pytest.raises(ClientError) as e:
        s3.restore_object(Bucket=BUCKET, Key="deep", RestoreRequest={"Days": 1, "GlacierJobParameters": {"Tier": "Expedited"}})
    assert code(e) == "InvalidArgument"
    assert s3.restore_object(Bucket=BUCKET, Key="deep", RestoreRequest={"Days": 1})["ResponseMetadata"]["HTTPStatusCode"] == 202


def test_list_directory_buckets_is_empty(s3):
    answer = s3.list_directory_buckets()
    assert answer.get("Buckets", []) == []
    assert "ContinuationToken" not in answer
