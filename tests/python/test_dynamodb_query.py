"""DynamoDB Query and Scan: key ranges and ordering, paging, Select, indexes, segments."""

import botocore.exceptions
import pytest

from dynamodb_helpers import sorted_table


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    c.create_table(
        TableName="qtab",
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
            {"AttributeName": "g", "AttributeType": "S"},
            {"AttributeName": "l", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "byG",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            },
            {
                "IndexName": "byGinc",
                "KeySchema": [{"AttributeName": "g", "KeyType": "HASH"}],
                "Projection": {"ProjectionType": "INCLUDE", "NonKeyAttributes": ["extra"]},
            },
        ],
        LocalSecondaryIndexes=[
            {
                "IndexName": "byL",
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "l", "KeyType": "RANGE"}],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    numbers = ["-10", "-1.5", "0", "0.25", "1", "2", "10", "100", "1e3", "12345678901234567890123"]
    for n in numbers:
        item = {"pk": {"S": "p"}, "sk": {"N": n}, "extra": {"S": "e" + n}, "other": {"S": "o"}}
        if n not in ("0", "1"):
            item["g"] = {"S": "G"}
        item["l"] = {"S": "l" + n}
        c.put_item(TableName="qtab", Item=item)
    for i in range(30):
        c.put_item(TableName="qtab", Item={"pk": {"S": f"other{i}"}, "sk": {"N": str(i)}})
    return c


def sks(items):
    return [i["sk"]["N"] for i in items]


# `:g` for the one byG / byGinc partition: every item with a g attribute has g = "G".
G_PARTITION = {":g": {"S": "G"}}

ORDER = ["-10", "-1.5", "0", "0.25", "1", "2", "10", "100", "1000", "12345678901234567890123"]


def q(ddb, cond, values, **kw):
    return ddb.query(TableName="qtab", KeyConditionExpression=cond, ExpressionAttributeValues=values, **kw)


def pages(call, **kw):
    """Every page `call` (a query or scan) answers, each asked from the LastEvaluatedKey before."""
    out = [call(**kw)]
    while "LastEvaluatedKey" in out[-1]:
        out.append(call(**kw, ExclusiveStartKey=out[-1]["LastEvaluatedKey"]))
    return out


def test_number_order(ddb):
    out = q(ddb, "pk = :p", {":p": {"S": "p"}})
    assert sks(out["Items"]) == ORDER
    assert out["Count"] == out["ScannedCount"] == 10
    back = q(ddb, "pk = :p", {":p": {"S": "p"}}, ScanIndexForward=False)
    assert sks(back["Items"]) == ORDER[::-1]


@pytest.mark.parametrize(
    "cond,values,want",
    [
        ("sk < :v", {":v": {"N": "0.25"}}, ["-10", "-1.5", "0"]),
        ("sk <= :v", {":v": {"N": "0.25"}}, ["-10", "-1.5", "0", "0.25"]),
        ("sk > :v", {":v": {"N": "100"}}, ["1000", "12345678901234567890123"]),
        ("sk >= :v", {":v": {"N": "100"}}, ["100", "1000", "12345678901234567890123"]),
        ("sk = :v", {":v": {"N": "1.0"}}, ["1"]),
        ("sk BETWEEN :a AND :b", {":a": {"N": "-1.5"}, ":b": {"N": "2"}}, ["-1.5", "0", "0.25", "1", "2"]),
    ],
)
def test_range_conditions(ddb, cond, values, want):
    out = q(ddb, "pk = :p AND " + cond, {":p": {"S": "p"}, **values})
    assert sks(out["Items"]) == want
    assert out["ScannedCount"] == len(want)


def test_paging_with_limit(ddb):
    got = pages(q, ddb=ddb, cond="pk = :p", values={":p": {"S": "p"}}, Limit=3)
    assert all(set(page["LastEvaluatedKey"]) == {"pk", "sk"} for page in got[:-1])
    assert [sk for page in got for sk in sks(page["Items"])] == ORDER


def test_paging_backwards(ddb):
    out = q(ddb, "pk = :p", {":p": {"S": "p"}}, Limit=4, ScanIndexForward=False)
    assert sks(out["Items"]) == ORDER[::-1][:4]
    out = q(ddb, "pk = :p", {":p": {"S": "p"}}, ScanIndexForward=False, ExclusiveStartKey=out["LastEvaluatedKey"])
    assert sks(out["Items"]) == ORDER[::-1][4:]


def test_select_count_and_filter(ddb):
    out = q(ddb, "pk = :p", {":p": {"S": "p"}, ":e": {"S": "e1"}}, Select="COUNT",
            FilterExpression="begins_with(extra, :e)")
    assert "Items" not in out
    assert out["Count"] == 5 and out["ScannedCount"] == 10


def test_gsi_keys_only_and_sparse(ddb):
    out = q(ddb, "g = :g", G_PARTITION, IndexName="byG")
    assert out["Count"] == 8  # items without g are not in the index
    assert set(out["Items"][0]) == {"pk", "sk", "g"}
    assert sks(out["Items"]) == [s for s in ORDER if s not in ("0", "1")]
    assert set(out["LastEvaluatedKey"] if "LastEvaluatedKey" in out else {}) <= {"pk", "sk", "g"}


def test_gsi_include(ddb):
    out = q(ddb, "g = :g", G_PARTITION, IndexName="byGinc")
    assert set(out["Items"][0]) == {"pk", "sk", "g", "extra"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        q(ddb, "g = :g", G_PARTITION, IndexName="byGinc", Select="ALL_ATTRIBUTES")
    assert "projection type is not ALL" in e.value.response["Error"]["Message"]


def test_gsi_paging_key(ddb):
    out = q(ddb, "g = :g", G_PARTITION, IndexName="byG", Limit=2)
    assert set(out["LastEvaluatedKey"]) == {"pk", "sk", "g"}
    rest = q(ddb, "g = :g", G_PARTITION, IndexName="byG", ExclusiveStartKey=out["LastEvaluatedKey"])
    assert len(rest["Items"]) == 6


def test_lsi_order(ddb):
    out = q(ddb, "pk = :p AND begins_with(l, :b)", {":p": {"S": "p"}, ":b": {"S": "l1"}}, IndexName="byL")
    assert [i["l"]["S"] for i in out["Items"]] == ["l1", "l10", "l100", "l12345678901234567890123", "l1e3"]
    assert "other" in out["Items"][0]


def test_gsi_consistent_read_rejected(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        q(ddb, "g = :g", G_PARTITION, IndexName="byG", ConsistentRead=True)
    assert e.value.response["Error"]["Message"] == "Consistent reads are not supported on global secondary indexes"


def test_unknown_index(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.scan(TableName="qtab", IndexName="nope")
    assert e.value.response["Error"]["Message"] == "The table does not have the specified index: nope"


def test_scan_pages_everything(ddb):
    got = pages(ddb.scan, TableName="qtab", Limit=7)
    seen = [(i["pk"]["S"], i["sk"]["N"]) for page in got for i in page["Items"]]
    assert len(seen) == len(set(seen)) == 40


def test_parallel_scan_segments(ddb):
    total = 4
    seen = []
    for s in range(total):
        out = ddb.scan(TableName="qtab", Segment=s, TotalSegments=total)
        seen += [(i["pk"]["S"], i["sk"]["N"]) for i in out["Items"]]
    assert len(seen) == len(set(seen)) == 40
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.scan(TableName="qtab", Segment=4, TotalSegments=4)
    assert "must be less than parameter TotalSegments" in e.value.response["Error"]["Message"]


def test_scan_index(ddb):
    out = ddb.scan(TableName="qtab", IndexName="byG")
    assert out["Count"] == 8


def test_scan_count(ddb):
    out = ddb.scan(TableName="qtab", Select="COUNT")
    assert out["Count"] == 40 and "Items" not in out


def test_one_megabyte_pages(client):
    c = client("dynamodb")
    sorted_table(c, "big")
    blob = "x" * 100_000
    for i in range(25):
        c.put_item(TableName="big", Item={"pk": {"S": "a"}, "sk": {"N": str(i)}, "v": {"S": blob}})
    first = c.query(TableName="big", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}})
    assert 9 <= first["Count"] <= 11 and "LastEvaluatedKey" in first
    first_scan = c.scan(TableName="big")
    assert first_scan["Count"] == first["Count"]


def test_filter_on_key_attribute_rejected(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        q(ddb, "pk = :p", {":p": {"S": "p"}, ":z": {"N": "0"}}, FilterExpression="sk > :z")
    assert e.value.response["Error"]["Message"] == (
        "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"
    )


def test_gsi_follows_updates_and_deletes(client):
    c = client("dynamodb")
    c.create_table(
        TableName="moves",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "st", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[{
            "IndexName": "byStatus",
            "KeySchema": [{"AttributeName": "st", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
        }],
        BillingMode="PAY_PER_REQUEST",
    )

    def in_status(s):
        out = c.query(TableName="moves", IndexName="byStatus", KeyConditionExpression="st = :s",
                      ExpressionAttributeValues={":s": {"S": s}})
        return sorted(i["id"]["S"] for i in out["Items"])

    for i in range(3):
        c.put_item(TableName="moves", Item={"id": {"S": str(i)}, "st": {"S": "new"}})
    c.update_item(TableName="moves", Key={"id": {"S": "1"}}, UpdateExpression="SET st = :d",
                  ExpressionAttributeValues={":d": {"S": "done"}})
    c.update_item(TableName="moves", Key={"id": {"S": "2"}}, UpdateExpression="REMOVE st")
    c.delete_item(TableName="moves", Key={"id": {"S": "0"}})
    c.put_item(TableName="moves", Item={"id": {"S": "3"}, "st": {"S": "done"}, "x": {"S": "y"}})
    assert in_status("new") == []
    assert in_status("done") == ["1", "3"]
    gsi = c.describe_table(TableName="moves")["Table"]["GlobalSecondaryIndexes"][0]
    assert gsi["ItemCount"] == 2
