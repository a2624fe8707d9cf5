"""DynamoDB global tables, version 2017.11.29: same-named tables in several regions, kept in
step through their streams."""

import time

import pytest

from dynamodb_helpers import fails, hash_table

REGIONS = ["us-east-1", "eu-west-1", "ap-south-1"]
STREAM = {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}


@pytest.fixture(scope="module")
def ddb(client):
    return {r: client("dynamodb", region_name=r) for r in REGIONS}


def _eventually(check, timeout=5.0):
    deadline = time.time() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.time() > deadline:
                raise
            time.sleep(0.05)


def test_replication_between_regions(ddb):
    east, west, south = (ddb[r] for r in REGIONS)
    for c in (east, west):
        hash_table(c, "gt_a", key="pk", StreamSpecification=STREAM)
    out = east.create_global_table(
        GlobalTableName="gt_a", ReplicationGroup=[{"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}]
    )["GlobalTableDescription"]
    assert out["GlobalTableStatus"] == "CREATING"
    assert out["GlobalTableArn"] == "arn:aws:dynamodb::000000000000:global-table/gt_a"
    assert {r["RegionName"] for r in out["ReplicationGroup"]} == {"us-east-1", "eu-west-1"}
    d = west.describe_global_table(GlobalTableName="gt_a")["GlobalTableDescription"]
    assert d["GlobalTableStatus"] == "ACTIVE"

    east.put_item(TableName="gt_a", Item={"pk": {"S": "1"}, "v": {"N": "1"}})
    _eventually(lambda: _has(west, "1", "1"))
    west.update_item(TableName="gt_a", Key={"pk": {"S": "1"}}, UpdateExpression="SET v = :v",
                     ExpressionAttributeValues={":v": {"N": "2"}})
    _eventually(lambda: _has(east, "1", "2"))
    east.delete_item(TableName="gt_a", Key={"pk": {"S": "1"}})
    _eventually(lambda: _gone(west, "1"))

    # A new replica gets the items, then the changes.
    east.put_item(TableName="gt_a", Item={"pk": {"S": "2"}, "v": {"N": "5"}})
    _eventually(lambda: _has(west, "2", "5"))
    hash_table(south, "gt_a", key="pk", StreamSpecification=STREAM)
    up = east.update_global_table(GlobalTableName="gt_a", ReplicaUpdates=[{"Create": {"RegionName": "ap-south-1"}}])
    assert up["GlobalTableDescription"]["GlobalTableStatus"] == "UPDATING"
    _has(south, "2", "5")
    south.put_item(TableName="gt_a", Item={"pk": {"S": "3"}, "v": {"N": "7"}})
    _eventually(lambda: _has(east, "3", "7") and _has(west, "3", "7"))
    # Nothing echoes back and forth: each region sees each change once in its stream.
    time.sleep(0.3)
    assert east.scan(TableName="gt_a", Select="COUNT")["Count"] == 2

    settings = east.describe_global_table_settings(GlobalTableName="gt_a")
    assert {s["RegionName"] for s in settings["ReplicaSettings"]} == set(REGIONS)
    assert settings["ReplicaSettings"][0]["ReplicaBillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"

    east.update_global_table(GlobalTableName="gt_a", ReplicaUpdates=[{"Delete": {"RegionName": "ap-south-1"}}])
    east.put_item(TableName="gt_a", Item={"pk": {"S": "4"}})
    _eventually(lambda: _has(west, "4", None))
    time.sleep(0.3)
    assert "Item" not in south.get_item(TableName="gt_a", Key={"pk": {"S": "4"}})


def _has(c, pk, v):
    item = c.get_item(TableName="gt_a", Key={"pk": {"S": pk}}).get("Item")
    assert item is not None
    if v is not None:
        assert item["v"] == {"N": v}
    return True


def _gone(c, pk):
    assert "Item" not in c.get_item(TableName="gt_a", Key={"pk": {"S": pk}})
    return True


def test_global_table_errors(ddb):
    east, west = ddb["us-east-1"], ddb["eu-west-1"]
    hash_table(east, "gt_b", key="pk", StreamSpecification=STREAM)
    code, _ = fails(east.create_global_table, GlobalTableName="gt_b",
                    ReplicationGroup=[{"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}])
    assert code == "TableNotFoundException"
    hash_table(west, "gt_b", key="pk")  # no stream
    code, _ = fails(east.create_global_table, GlobalTableName="gt_b",
                    ReplicationGroup=[{"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}])
    assert code == "ValidationException"
    hash_table(east, "gt_c", key="pk", StreamSpecification=STREAM)
    east.put_item(TableName="gt_c", Item={"pk": {"S": "x"}})
    code, msg = fails(east.create_global_table, GlobalTableName="gt_c", ReplicationGroup=[{"RegionName": "us-east-1"}])
    assert code == "ValidationException" and "empty" in msg
    # Secondary indexes must match across replicas.
    hash_table(east, "gt_idx", key="pk", StreamSpecification=STREAM)
    west.create_table(
        TableName="gt_idx",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{"IndexName": "byg", "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                                 "Projection": {"ProjectionType": "ALL"}}],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification=STREAM,
    )
    code, msg = fails(east.create_global_table, GlobalTableName="gt_idx",
                      ReplicationGroup=[{"RegionName": "us-east-1"}, {"RegionName": "eu-west-1"}])
    assert code == "ValidationException" and "secondary indexes" in msg
    hash_table(east, "gt_d", key="pk", StreamSpecification=STREAM)
    east.create_global_table(GlobalTableName="gt_d", ReplicationGroup=[{"RegionName": "us-east-1"}])
    code, _ = fails(east.create_global_table, GlobalTableName="gt_d", ReplicationGroup=[{"RegionName": "us-east-1"}])
    assert code == "GlobalTableAlreadyExistsException"
    assert fails(east.describe_global_table, GlobalTableName="gt_none")[0] == "GlobalTableNotFoundException"
    assert fails(east.describe_global_table_settings, GlobalTableName="gt_none")[0] == "GlobalTableNotFoundException"
    assert fails(east.update_global_table, GlobalTableName="gt_d",
                 ReplicaUpdates=[{"Create": {"RegionName": "us-east-1"}}])[0] == "ReplicaAlreadyExistsException"
    assert fails(east.update_global_table, GlobalTableName="gt_d",
                 ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])[0] == "ReplicaNotFoundException"

    page = east.list_global_tables(Limit=1)
    assert len(page["GlobalTables"]) == 1 and "LastEvaluatedGlobalTableName" in page
    names = [t["GlobalTableName"] for t in east.list_global_tables()["GlobalTables"]]
    assert "gt_d" in names
    only_west = [t["GlobalTableName"] for t in east.list_global_tables(RegionName="eu-west-1")["GlobalTables"]]
    assert "gt_d" not in only_west


def test_global_table_settings(ddb):
    east, west = ddb["us-east-1"], ddb["eu-west-1"]
    for c in (east, west):
        c.create_table(
            TableName="gt_s",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            GlobalSecondaryIndexes=[{
                "IndexName": "byg",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
                "ProvisionedThroughput": {"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            }],
            ProvisionedThroughput={"ReadCapacityUnits": 1, "WriteCapacityUnits": 1},
            StreamSpecification=STREAM,
        )
    east.create_global_table(GlobalTableName="gt_s", ReplicationGroup=[{"RegionName": r} for r in REGIONS[:2]])
    out = east.update_global_table_settings(
        GlobalTableName="gt_s",
        GlobalTableProvisionedWriteCapacityUnits=7,
        GlobalTableGlobalSecondaryIndexSettingsUpdate=[{"IndexName": "byg", "ProvisionedWriteCapacityUnits": 4}],
        ReplicaSettingsUpdate=[{"RegionName": "eu-west-1", "ReplicaProvisionedReadCapacityUnits": 9}],
    )
    by_region = {s["RegionName"]: s for s in out["ReplicaSettings"]}
    assert by_region["eu-west-1"]["ReplicaProvisionedReadCapacityUnits"] == 9
    assert by_region["us-east-1"]["ReplicaProvisionedReadCapacityUnits"] == 1
    assert all(s["ReplicaProvisionedWriteCapacityUnits"] == 7 for s in out["ReplicaSettings"])
    t = west.describe_table(TableName="gt_s")["Table"]
    assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 9 and t["ProvisionedThroughput"]["WriteCapacityUnits"] == 7
    assert t["GlobalSecondaryIndexes"][0]["ProvisionedThroughput"]["WriteCapacityUnits"] == 4

    code, _ = fails(east.update_global_table_settings, GlobalTableName="gt_s", GlobalTableBillingMode="PAY_PER_REQUEST",
                    GlobalTableProvisionedWriteCapacityUnits=3)
    assert code == "ValidationException"
    east.update_global_table_settings(GlobalTableName="gt_s", GlobalTableBillingMode="PAY_PER_REQUEST")
    assert west.describe_table(TableName="gt_s")["Table"]["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    assert fails(east.update_global_table_settings, GlobalTableName="gt_s",
                 ReplicaSettingsUpdate=[{"RegionName": "ap-south-1"}])[0] == "ReplicaNotFoundException"
    assert fails(east.update_global_table_settings, GlobalTableName="gt_s",
                 GlobalTableGlobalSecondaryIndexSettingsUpdate=[{"IndexName": "nope"}])[0] == "IndexNotFoundException"
    assert fails(east.update_global_table_settings, GlobalTableName="gt_none")[0] == "GlobalTableNotFoundException"


def test_replica_auto_scaling_description(ddb):
    east = ddb["us-east-1"]
    hash_table(east, "gt_as", key="pk")
    d = east.describe_table_replica_auto_scaling(TableName="gt_as")["TableAutoScalingDescription"]
    assert d["TableName"] == "gt_as" and d["TableStatus"] == "ACTIVE" and d["Replicas"] == []
    assert fails(east.describe_table_replica_auto_scaling, TableName="gt_none")[0] == "ResourceNotFoundException"


def test_replicas_2019_through_update_table(ddb):
    east, west = ddb["us-east-1"], ddb["eu-west-1"]
    east.create_table(
        TableName="gt_v2",
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "g", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "byg",
            "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification=STREAM,
    )
    east.put_item(TableName="gt_v2", Item={"pk": {"S": "before"}, "g": {"S": "x"}})
    out = east.update_table(TableName="gt_v2", ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])[
        "TableDescription"
    ]
    assert out["GlobalTableVersion"] == "2019.11.21"
    assert out["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "CREATING"}]
    t = east.describe_table(TableName="gt_v2")["Table"]
    assert t["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]
    r = west.describe_table(TableName="gt_v2")["Table"]
    assert r["TableArn"] == "arn:aws:dynamodb:eu-west-1:000000000000:table/gt_v2"
    assert r["Replicas"] == [{"RegionName": "us-east-1", "ReplicaStatus": "ACTIVE"}]
    assert r["GlobalSecondaryIndexes"][0]["IndexName"] == "byg"
    assert r["StreamSpecification"]["StreamViewType"] == "NEW_AND_OLD_IMAGES"
    assert "Item" in west.get_item(TableName="gt_v2", Key={"pk": {"S": "before"}})
    scaling = east.describe_table_replica_auto_scaling(TableName="gt_v2")["TableAutoScalingDescription"]
    assert scaling["Replicas"] == [{"RegionName": "eu-west-1", "ReplicaStatus": "ACTIVE"}]

    west.put_item(TableName="gt_v2", Item={"pk": {"S": "w"}, "g": {"S": "y"}})
    def replicated():
        assert "Item" in east.get_item(TableName="gt_v2", Key={"pk": {"S": "w"}})

    _eventually(replicated)
    # The legacy operations do not see 2019.11.21 global tables.
    assert fails(east.describe_global_table, GlobalTableName="gt_v2")[0] == "GlobalTableNotFoundException"

    code, _ = fails(east.update_table, TableName="gt_v2", ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
    assert code == "ValidationException"
    hash_table(east, "gt_v2_nostream", key="pk")
    code, msg = fails(east.update_table, TableName="gt_v2_nostream",
                      ReplicaUpdates=[{"Create": {"RegionName": "eu-west-1"}}])
    assert code == "ValidationException" and "NEW_AND_OLD_IMAGES" in msg

    out = east.update_table(TableName="gt_v2", ReplicaUpdates=[{"Delete": {"RegionName": "eu-west-1"}}])
    assert fails(west.describe_table, TableName="gt_v2")[0] == "ResourceNotFoundException"
    t = east.describe_table(TableName="gt_v2")["Table"]
    assert "Replicas" not in t and "GlobalTableVersion" not in t
