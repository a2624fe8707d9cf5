"""DynamoDB table settings: UpdateTable (GSIs, billing, streams, protection), TTL and its
reaper, tags, point-in-time recovery, DescribeLimits, DescribeEndpoints; and the AWS CLI."""

import time

import botocore.exceptions
import pytest

from dynamodb_helpers import error, hash_table


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    hash_table(c, "settings")
    return c


def test_gsi_added_later_is_backfilled(ddb):
    for i in range(5):
        ddb.put_item(TableName="settings", Item={"id": {"S": str(i)}, "color": {"S": "red" if i % 2 else "blue"}})
    out = ddb.update_table(
        TableName="settings",
        AttributeDefinitions=[{"AttributeName": "color", "AttributeType": "S"}],
        GlobalSecondaryIndexUpdates=[
            {"Create": {
                "IndexName": "byColor",
                "KeySchema": [{"AttributeName": "color", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }}
        ],
    )["TableDescription"]
    assert out["TableStatus"] == "UPDATING"
    assert out["GlobalSecondaryIndexes"][0]["IndexStatus"] == "CREATING"
    desc = ddb.describe_table(TableName="settings")["Table"]
    assert desc["TableStatus"] == "ACTIVE"
    gsi = desc["GlobalSecondaryIndexes"][0]
    assert gsi["IndexStatus"] == "ACTIVE" and gsi["ItemCount"] == 5
    got = ddb.scan(TableName="settings", IndexName="byColor")
    assert got["Count"] == 5
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="settings", Item={"id": {"S": "x"}, "color": {"N": "1"}})
    assert error(e)[1] == (
        "One or more parameter values were invalid: Type mismatch for Index Key color Expected: S Actual: N IndexName: byColor"
    )
    ddb.update_table(TableName="settings", GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "byColor"}}])
    desc = ddb.describe_table(TableName="settings")["Table"]
    assert "GlobalSecondaryIndexes" not in desc
    assert [a["AttributeName"] for a in desc["AttributeDefinitions"]] == ["id"]


def test_update_table_requires_something(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.update_table(TableName="settings")
    assert error(e)[0] == "ValidationException"


def test_billing_and_protection(ddb):
    out = ddb.update_table(
        TableName="settings",
        BillingMode="PROVISIONED",
        ProvisionedThroughput={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        DeletionProtectionEnabled=True,
        TableClass="STANDARD_INFREQUENT_ACCESS",
    )["TableDescription"]
    assert out["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    assert out["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert out["DeletionProtectionEnabled"] is True
    assert out["TableClassSummary"]["TableClass"] == "STANDARD_INFREQUENT_ACCESS"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.delete_table(TableName="settings")
    assert error(e)[0] == "ValidationException"
    ddb.update_table(TableName="settings", DeletionProtectionEnabled=False, BillingMode="PAY_PER_REQUEST")


def test_ttl_settings(ddb):
    d = ddb.describe_time_to_live(TableName="settings")["TimeToLiveDescription"]
    assert d["TimeToLiveStatus"] == "DISABLED"
    out = ddb.update_time_to_live(
        TableName="settings", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"}
    )
    assert out["TimeToLiveSpecification"] == {"Enabled": True, "AttributeName": "expires"}
    d = ddb.describe_time_to_live(TableName="settings")["TimeToLiveDescription"]
    assert d == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.update_time_to_live(TableName="settings", TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires"})
    assert error(e) == ("ValidationException", "TimeToLive is already enabled")


def test_ttl_reaper_deletes_expired_items(ddb):
    now = int(time.time())
    ddb.put_item(TableName="settings", Item={"id": {"S": "old"}, "expires": {"N": str(now - 10)}})
    ddb.put_item(TableName="settings", Item={"id": {"S": "future"}, "expires": {"N": str(now + 3600)}})
    ddb.put_item(TableName="settings", Item={"id": {"S": "ancient"}, "expires": {"N": "1000"}})
    ddb.put_item(TableName="settings", Item={"id": {"S": "text"}, "expires": {"S": "0"}})
    deadline = time.time() + 8
    while time.time() < deadline:
        if "Item" not in ddb.get_item(TableName="settings", Key={"id": {"S": "old"}}):
            break
        time.sleep(0.25)
    assert "Item" not in ddb.get_item(TableName="settings", Key={"id": {"S": "old"}})
    for keep in ("future", "ancient", "text"):
        assert "Item" in ddb.get_item(TableName="settings", Key={"id": {"S": keep}})


def test_tags(ddb):
    arn = ddb.describe_table(TableName="settings")["Table"]["TableArn"]
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}])
    ddb.tag_resource(ResourceArn=arn, Tags=[{"Key": "a", "Value": "3"}])
    ddb.untag_resource(ResourceArn=arn, TagKeys=["b"])
    assert ddb.list_tags_of_resource(ResourceArn=arn)["Tags"] == [{"Key": "a", "Value": "3"}]
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.list_tags_of_resource(ResourceArn=arn.replace("settings", "missing"))


def test_point_in_time_recovery(ddb):
    d = ddb.describe_continuous_backups(TableName="settings")["ContinuousBackupsDescription"]
    assert d["ContinuousBackupsStatus"] == "ENABLED"
    assert d["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    d = ddb.update_continuous_backups(
        TableName="settings", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )["ContinuousBackupsDescription"]
    p = d["PointInTimeRecoveryDescription"]
    assert p["PointInTimeRecoveryStatus"] == "ENABLED"
    assert "EarliestRestorableDateTime" in p and "LatestRestorableDateTime" in p
    with pytest.raises(ddb.exceptions.TableNotFoundException):
        ddb.describe_continuous_backups(TableName="missing")


def test_limits_and_endpoints(ddb):
    limits = ddb.describe_limits()
    assert limits["AccountMaxReadCapacityUnits"] == 80000
    assert limits["TableMaxWriteCapacityUnits"] == 40000
    endpoints = ddb.describe_endpoints()["Endpoints"]
    assert endpoints[0]["CachePeriodInMinutes"] == 1440
    assert endpoints[0]["Address"]


def test_aws_cli_round_trip(aws_cli):
    aws_cli(
        "dynamodb", "create-table", "--table-name", "cli-table",
        "--attribute-definitions", "AttributeName=pk,AttributeType=S", "AttributeName=sk,AttributeType=N",
        "--key-schema", "AttributeName=pk,KeyType=HASH", "AttributeName=sk,KeyType=RANGE",
        "--billing-mode", "PAY_PER_REQUEST",
    )
    for sk in ("3", "1", "2"):
        aws_cli("dynamodb", "put-item", "--table-name", "cli-table", "--item", f'{{"pk":{{"S":"a"}},"sk":{{"N":"{sk}"}}}}')
    got = aws_cli("dynamodb", "get-item", "--table-name", "cli-table", "--key", '{"pk":{"S":"a"},"sk":{"N":"2"}}')
    assert got["Item"] == {"pk": {"S": "a"}, "sk": {"N": "2"}}
    q = aws_cli(
        "dynamodb", "query", "--table-name", "cli-table", "--key-condition-expression", "pk = :p",
        "--expression-attribute-values", '{":p":{"S":"a"}}',
    )
    assert [i["sk"]["N"] for i in q["Items"]] == ["1", "2", "3"]
    s = aws_cli("dynamodb", "scan", "--table-name", "cli-table")
    assert s["Count"] == 3
