"""DynamoDB on-demand backups, restores (from a backup and to a point in time), resource
policies and contributor insights."""

import json
import re

import pytest

from dynamodb_helpers import fails, hash_table, sorted_table


@pytest.fixture(scope="module")
def ddb(client):
    return client("dynamodb")


def _fill(ddb, name, n):
    for i in range(n):
        ddb.put_item(TableName=name, Item={"pk": {"S": f"p{i % 3}"}, "sk": {"N": str(i)}, "g": {"S": f"g{i % 2}"}})


def _gsi_table(ddb, name):
    ddb.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byg",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
        Tags=[{"Key": "k", "Value": "v"}],
    )


def test_backup_is_a_snapshot_and_restores(ddb):
    _gsi_table(ddb, "bk_src")
    _fill(ddb, "bk_src", 10)
    created = ddb.create_backup(TableName="bk_src", BackupName="snap-1")["BackupDetails"]
    arn = created["BackupArn"]
    table_arn = ddb.describe_table(TableName="bk_src")["Table"]["TableArn"]
    assert re.fullmatch(re.escape(table_arn) + r"/backup/0\d{13}-[0-9a-f]{8}", arn)
    assert created["BackupStatus"] == "CREATING"
    assert created["BackupType"] == "USER"
    assert created["BackupName"] == "snap-1"
    # Writes after the backup are not in it.
    ddb.put_item(TableName="bk_src", Item={"pk": {"S": "late"}, "sk": {"N": "99"}, "g": {"S": "g0"}})
    ddb.delete_item(TableName="bk_src", Key={"pk": {"S": "p0"}, "sk": {"N": "0"}})

    desc = ddb.describe_backup(BackupArn=arn)["BackupDescription"]
    assert desc["BackupDetails"]["BackupStatus"] == "AVAILABLE"
    src = desc["SourceTableDetails"]
    assert src["TableName"] == "bk_src" and src["ItemCount"] == 10 and src["BillingMode"] == "PAY_PER_REQUEST"
    assert src["KeySchema"][0]["AttributeName"] == "pk"
    assert desc["SourceTableFeatureDetails"]["GlobalSecondaryIndexes"][0]["IndexName"] == "byg"

    out = ddb.restore_table_from_backup(TargetTableName="bk_restored", BackupArn=arn)["TableDescription"]
    assert out["TableStatus"] == "CREATING"
    assert out["RestoreSummary"]["SourceBackupArn"] == arn
    assert out["RestoreSummary"]["SourceTableArn"] == table_arn
    assert out["RestoreSummary"]["RestoreInProgress"] is True
    ddb.get_waiter("table_exists").wait(TableName="bk_restored", WaiterConfig={"Delay": 1})
    t = ddb.describe_table(TableName="bk_restored")["Table"]
    assert t["TableStatus"] == "ACTIVE"
    assert t["RestoreSummary"]["RestoreInProgress"] is False
    assert t["ItemCount"] == 10
    assert t["GlobalSecondaryIndexes"][0]["IndexName"] == "byg"
    items = ddb.scan(TableName="bk_restored")["Items"]
    assert len(items) == 10 and not any(i["pk"]["S"] == "late" for i in items)
    assert any(i["pk"]["S"] == "p0" and i["sk"]["N"] == "0" for i in items)
    # The index is built too.
    q = ddb.query(
        TableName="bk_restored",
        IndexName="byg",
        KeyConditionExpression="g = :g",
        ExpressionAttributeValues={":g": {"S": "g1"}},
    )
    assert q["Count"] == 5
    # Tags are not restored.
    assert ddb.list_tags_of_resource(ResourceArn=t["TableArn"])["Tags"] == []


def test_restore_overrides(ddb):
    _gsi_table(ddb, "bk_ovr")
    _fill(ddb, "bk_ovr", 4)
    arn = ddb.create_backup(TableName="bk_ovr", BackupName="ovr")["BackupDetails"]["BackupArn"]
    t = ddb.restore_table_from_backup(
        TargetTableName="bk_ovr2",
        BackupArn=arn,
        BillingModeOverride="PROVISIONED",
        ProvisionedThroughputOverride={"ReadCapacityUnits": 3, "WriteCapacityUnits": 4},
        GlobalSecondaryIndexOverride=[],
    )["TableDescription"]
    assert "GlobalSecondaryIndexes" not in t
    assert t["ProvisionedThroughput"]["ReadCapacityUnits"] == 3
    assert t["BillingModeSummary"]["BillingMode"] == "PROVISIONED"
    # The unused attribute definition goes with the index.
    assert {d["AttributeName"] for d in t["AttributeDefinitions"]} == {"pk", "sk"}
    assert ddb.scan(TableName="bk_ovr2", Select="COUNT")["Count"] == 4


def test_backup_errors(ddb):
    code, msg = fails(ddb.create_backup, TableName="bk_none", BackupName="xx1")
    assert code == "TableNotFoundException" and msg == "Table not found: bk_none"
    missing = "arn:aws:dynamodb:us-east-1:000000000000:table/t/backup/01700000000000-abcdef12"
    code, msg = fails(ddb.describe_backup, BackupArn=missing)
    assert code == "BackupNotFoundException" and msg == f"Backup not found: {missing}"
    assert fails(ddb.delete_backup, BackupArn=missing)[0] == "BackupNotFoundException"
    assert fails(ddb.restore_table_from_backup, TargetTableName="xyz", BackupArn=missing)[0] == "BackupNotFoundException"
    hash_table(ddb, "bk_err", key="pk")
    arn = ddb.create_backup(TableName="bk_err", BackupName="eee")["BackupDetails"]["BackupArn"]
    code, msg = fails(ddb.restore_table_from_backup, TargetTableName="bk_err", BackupArn=arn)
    assert code == "TableAlreadyExistsException" and msg == "Table already exists: bk_err"


def test_list_and_delete_backups(ddb):
    sorted_table(ddb, "bk_list")
    arns = [ddb.create_backup(TableName="bk_list", BackupName=f"bk{i}")["BackupDetails"]["BackupArn"] for i in range(5)]
    page = ddb.list_backups(TableName="bk_list", Limit=2)
    assert [b["BackupArn"] for b in page["BackupSummaries"]] == arns[:2]
    assert page["LastEvaluatedBackupArn"] == arns[1]
    rest = ddb.list_backups(TableName="bk_list", ExclusiveStartBackupArn=arns[1])
    assert [b["BackupArn"] for b in rest["BackupSummaries"]] == arns[2:]
    assert "LastEvaluatedBackupArn" not in rest
    s = rest["BackupSummaries"][0]
    assert s["TableName"] == "bk_list" and s["BackupStatus"] == "AVAILABLE" and s["BackupType"] == "USER"
    assert ddb.list_backups(TableName="bk_list", BackupType="SYSTEM")["BackupSummaries"] == []
    # The paginator follows LastEvaluatedBackupArn.
    pages = ddb.get_paginator("list_backups").paginate(TableName="bk_list", PaginationConfig={"PageSize": 2})
    assert sum(len(p["BackupSummaries"]) for p in pages) == 5

    gone = ddb.delete_backup(BackupArn=arns[0])["BackupDescription"]
    assert gone["BackupDetails"]["BackupStatus"] == "DELETED"
    assert fails(ddb.describe_backup, BackupArn=arns[0])[0] == "BackupNotFoundException"
    # Backups outlive their table.
    ddb.delete_table(TableName="bk_list")
    assert len(ddb.list_backups(TableName="bk_list")["BackupSummaries"]) == 4
    assert ddb.describe_backup(BackupArn=arns[1])["BackupDescription"]["SourceTableDetails"]["TableName"] == "bk_list"


def test_restore_to_point_in_time(ddb):
    sorted_table(ddb, "pitr_src")
    _fill(ddb, "pitr_src", 6)
    code, msg = fails(ddb.restore_table_to_point_in_time, SourceTableName="pitr_src", TargetTableName="pitr_t",
                      UseLatestRestorableTime=True)
    assert code == "PointInTimeRecoveryUnavailableException"
    assert "pitr_src" in msg
    code, _ = fails(ddb.restore_table_to_point_in_time, SourceTableName="pitr_none", TargetTableName="pitr_t",
                    UseLatestRestorableTime=True)
    assert code == "TableNotFoundException"
    ddb.update_continuous_backups(
        TableName="pitr_src", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    out = ddb.restore_table_to_point_in_time(
        SourceTableName="pitr_src", TargetTableName="pitr_t", UseLatestRestorableTime=True
    )["TableDescription"]
    assert out["TableStatus"] == "CREATING"
    assert out["RestoreSummary"]["SourceTableArn"].endswith(":table/pitr_src")
    assert "SourceBackupArn" not in out["RestoreSummary"]
    assert ddb.scan(TableName="pitr_t", Select="COUNT")["Count"] == 6
    # The restored table does not inherit PITR.
    cb = ddb.describe_continuous_backups(TableName="pitr_t")["ContinuousBackupsDescription"]
    assert cb["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"] == "DISABLED"
    src_arn = ddb.describe_table(TableName="pitr_src")["Table"]["TableArn"]
    code, _ = fails(ddb.restore_table_to_point_in_time, SourceTableArn=src_arn, TargetTableName="pitr_t2",
                    RestoreDateTime=1000)
    assert code == "InvalidRestoreTimeException"
    code, _ = fails(ddb.restore_table_to_point_in_time, SourceTableArn=src_arn, TargetTableName="pitr_t")
    assert code == "ValidationException"
    code, _ = fails(ddb.restore_table_to_point_in_time, SourceTableArn=src_arn, TargetTableName="pitr_t",
                    UseLatestRestorableTime=True)
    assert code == "TableAlreadyExistsException"


def test_backup_through_the_cli(ddb, aws_cli):
    hash_table(ddb, "bk_cli", key="pk")
    out = aws_cli("dynamodb", "create-backup", "--table-name", "bk_cli", "--backup-name", "cli-backup")
    assert out["BackupDetails"]["BackupName"] == "cli-backup"
    listed = aws_cli("dynamodb", "list-backups", "--table-name", "bk_cli")
    assert [b["BackupArn"] for b in listed["BackupSummaries"]] == [out["BackupDetails"]["BackupArn"]]


POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "dynamodb:GetItem",
            "Resource": "*",
        }
    ],
}


def test_resource_policies(ddb):
    arn = hash_table(ddb, "rp_t", key="pk")["TableDescription"]["TableArn"]
    code, msg = fails(ddb.get_resource_policy, ResourceArn=arn)
    assert code == "PolicyNotFoundException" and arn in msg
    doc = json.dumps(POLICY)
    rev = ddb.put_resource_policy(ResourceArn=arn, Policy=doc)["RevisionId"]
    got = ddb.get_resource_policy(ResourceArn=arn)
    assert got["Policy"] == doc and got["RevisionId"] == rev
    # Same document: same revision.
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=doc)["RevisionId"] == rev
    other = json.dumps({**POLICY, "Statement": [{**POLICY["Statement"][0], "Action": "dynamodb:PutItem"}]})
    assert fails(ddb.put_resource_policy, ResourceArn=arn, Policy=other, ExpectedRevisionId="1")[0] == (
        "PolicyNotFoundException"
    )
    assert fails(ddb.put_resource_policy, ResourceArn=arn, Policy=other, ExpectedRevisionId="NO_POLICY")[0] == (
        "PolicyNotFoundException"
    )
    rev2 = ddb.put_resource_policy(ResourceArn=arn, Policy=other, ExpectedRevisionId=rev)["RevisionId"]
    assert rev2 != rev
    assert fails(ddb.delete_resource_policy, ResourceArn=arn, ExpectedRevisionId=rev)[0] == "PolicyNotFoundException"
    assert ddb.delete_resource_policy(ResourceArn=arn, ExpectedRevisionId=rev2)["RevisionId"] == rev2
    assert fails(ddb.delete_resource_policy, ResourceArn=arn)[0] == "PolicyNotFoundException"
    assert ddb.put_resource_policy(ResourceArn=arn, Policy=doc, ExpectedRevisionId="NO_POLICY")["RevisionId"]

    assert fails(ddb.put_resource_policy, ResourceArn=arn, Policy="{not json")[0] == "ValidationException"
    assert fails(ddb.put_resource_policy, ResourceArn=arn, Policy=json.dumps({"Version": "2012-10-17"}))[0] == (
        "ValidationException"
    )
    big = json.dumps({**POLICY, "Id": "x" * 21000})
    assert fails(ddb.put_resource_policy, ResourceArn=arn, Policy=big)[0] == "ValidationException"
    missing = arn.replace("rp_t", "rp_missing")
    assert fails(ddb.get_resource_policy, ResourceArn=missing)[0] == "ResourceNotFoundException"
    assert fails(ddb.put_resource_policy, ResourceArn=missing, Policy=doc)[0] == "ResourceNotFoundException"


def test_policy_at_create_table_and_streams(ddb):
    doc = json.dumps(POLICY)
    t = hash_table(ddb, "rp_c", key="pk", ResourcePolicy=doc,
                   StreamSpecification={"StreamEnabled": True, "StreamViewType": "KEYS_ONLY"})["TableDescription"]
    assert ddb.get_resource_policy(ResourceArn=t["TableArn"])["Policy"] == doc
    stream = t["LatestStreamArn"]
    assert fails(ddb.get_resource_policy, ResourceArn=stream)[0] == "PolicyNotFoundException"
    ddb.put_resource_policy(ResourceArn=stream, Policy=doc)
    assert ddb.get_resource_policy(ResourceArn=stream)["Policy"] == doc
    # Deleting the table drops its policies.
    ddb.delete_table(TableName="rp_c")
    hash_table(ddb, "rp_c", key="pk")
    assert fails(ddb.get_resource_policy, ResourceArn=t["TableArn"])[0] == "PolicyNotFoundException"
    code, _ = fails(ddb.create_table, TableName="rp_bad", AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
                    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}], BillingMode="PAY_PER_REQUEST",
                    ResourcePolicy="nope")
    assert code == "ValidationException"
    assert fails(ddb.describe_table, TableName="rp_bad")[0] == "ResourceNotFoundException"


def test_contributor_insights(ddb):
    _gsi_table(ddb, "ci_t")
    d = ddb.describe_contributor_insights(TableName="ci_t")
    assert d["ContributorInsightsStatus"] == "DISABLED" and "ContributorInsightsRuleList" not in d
    up = ddb.update_contributor_insights(TableName="ci_t", ContributorInsightsAction="ENABLE")
    assert up["ContributorInsightsStatus"] == "ENABLING" and up["TableName"] == "ci_t"
    d = ddb.describe_contributor_insights(TableName="ci_t")
    assert d["ContributorInsightsStatus"] == "ENABLED"
    assert len(d["ContributorInsightsRuleList"]) == 4  # partition and sort key, accessed and throttled
    assert "LastUpdateDateTime" in d
    up = ddb.update_contributor_insights(TableName="ci_t", IndexName="byg", ContributorInsightsAction="ENABLE")
    assert up["IndexName"] == "byg"
    d = ddb.describe_contributor_insights(TableName="ci_t", IndexName="byg")
    assert d["ContributorInsightsStatus"] == "ENABLED" and len(d["ContributorInsightsRuleList"]) == 2
    assert ddb.update_contributor_insights(TableName="ci_t", ContributorInsightsAction="DISABLE")[
        "ContributorInsightsStatus"
    ] == "DISABLING"
    assert ddb.describe_contributor_insights(TableName="ci_t")["ContributorInsightsStatus"] == "DISABLED"

    assert fails(ddb.describe_contributor_insights, TableName="ci_none")[0] == "ResourceNotFoundException"
    assert fails(ddb.update_contributor_insights, TableName="ci_t", IndexName="nope",
                 ContributorInsightsAction="ENABLE")[0] == "ResourceNotFoundException"

    for i in range(3):
        hash_table(ddb, f"ci_l{i}", key="pk")
        ddb.update_contributor_insights(TableName=f"ci_l{i}", ContributorInsightsAction="ENABLE")
    first = ddb.list_contributor_insights(MaxResults=2)
    assert len(first["ContributorInsightsSummaries"]) == 2 and "NextToken" in first
    allof = []
    token = None
    while True:
        kw = {"MaxResults": 2}
        if token:
            kw["NextToken"] = token
        page = ddb.list_contributor_insights(**kw)
        allof += page["ContributorInsightsSummaries"]
        token = page.get("NextToken")
        if not token:
            break
    assert {(s["TableName"], s.get("IndexName")) for s in allof} >= {("ci_t", None), ("ci_t", "byg"), ("ci_l0", None)}
    only = ddb.list_contributor_insights(TableName="ci_t")["ContributorInsightsSummaries"]
    assert {(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in only} == {(None, "DISABLED"), ("byg", "ENABLED")}
    # A table's listing holds the table and all its indexes, configured or not.
    _gsi_table(ddb, "ci_fresh")
    fresh = ddb.list_contributor_insights(TableName="ci_fresh")["ContributorInsightsSummaries"]
    assert [(s.get("IndexName"), s["ContributorInsightsStatus"]) for s in fresh] == [(None, "DISABLED"), ("byg", "DISABLED")]
    assert fails(ddb.list_contributor_insights, TableName="ci_none")[0] == "ResourceNotFoundException"


def test_deleting_a_pitr_table_keeps_a_system_backup(ddb):
    sorted_table(ddb, "pitr_del")
    _fill(ddb, "pitr_del", 4)
    ddb.update_continuous_backups(
        TableName="pitr_del", PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True}
    )
    arn = ddb.describe_table(TableName="pitr_del")["Table"]["TableArn"]
    ddb.delete_table(TableName="pitr_del")
    assert ddb.list_backups(TableName="pitr_del")["BackupSummaries"] == []
    system = ddb.list_backups(TableName="pitr_del", BackupType="SYSTEM")["BackupSummaries"]
    assert len(system) == 1
    assert system[0]["BackupName"] == "pitr_del$DeletedTableBackup" and system[0]["BackupType"] == "SYSTEM"
    assert "BackupExpiryDateTime" in system[0]
    assert len(ddb.list_backups(TableName="pitr_del", BackupType="ALL")["BackupSummaries"]) == 1
    out = ddb.restore_table_to_point_in_time(SourceTableArn=arn, TargetTableName="pitr_del_back",
                                             UseLatestRestorableTime=True)["TableDescription"]
    assert out["RestoreSummary"]["SourceTableArn"] == arn
    assert ddb.scan(TableName="pitr_del_back", Select="COUNT")["Count"] == 4
    # Without point-in-time recovery, a deleted table is gone.
    sorted_table(ddb, "nopitr_del")
    ddb.delete_table(TableName="nopitr_del")
    code, _ = fails(ddb.restore_table_to_point_in_time, SourceTableName="nopitr_del", TargetTableName="nopitr_back",
                    UseLatestRestorableTime=True)
    assert code == "TableNotFoundException"
