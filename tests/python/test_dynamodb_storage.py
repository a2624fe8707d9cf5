"""DynamoDB storage at a scale that spans many storage pages: one partition of hundreds of
~1 KB items read forwards, backwards and in pages; items near the 400 KB limit beside small
ones; table size and count through overwrites and deletes; parallel scan segments."""

import pytest

from dynamodb_helpers import sorted_table

N = 400


def put_all(c, table, items):
    for i in range(0, len(items), 25):
        c.batch_write_item(RequestItems={table: [{"PutRequest": {"Item": it}} for it in items[i : i + 25]]})


def item(pk, sk, size=900):
    return {"pk": {"S": pk}, "sk": {"N": str(sk)}, "body": {"S": chr(97 + sk % 26) * size}, "n": {"N": str(sk * 3)}}


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    sorted_table(c, "pages")
    # Other partitions interleave with the big one in hash order.
    put_all(c, "pages", [item("big", sk) for sk in range(N)] + [item(f"p{i}", i, 50) for i in range(60)])
    return c


def query_all(c, forward=True, limit=None, **kw):
    got, start = [], None
    while True:
        args = dict(
            TableName="pages",
            KeyConditionExpression="pk = :p" + kw.pop("extra", ""),
            ExpressionAttributeValues={":p": {"S": "big"}, **kw.pop("values", {})},
            ScanIndexForward=forward,
        )
        if limit:
            args["Limit"] = limit
        if start:
            args["ExclusiveStartKey"] = start
        r = c.query(**args)
        got += [int(i["sk"]["N"]) for i in r["Items"]]
        start = r.get("LastEvaluatedKey")
        if not start:
            return got


def test_partition_reads_in_order_both_ways(ddb):
    assert query_all(ddb) == list(range(N))
    assert query_all(ddb, forward=False) == list(range(N))[::-1]


def test_partition_pages_with_limit(ddb):
    assert query_all(ddb, limit=37) == list(range(N))
    assert query_all(ddb, forward=False, limit=41) == list(range(N))[::-1]


def test_sort_key_ranges(ddb):
    between = query_all(ddb, extra=" AND sk BETWEEN :a AND :b", values={":a": {"N": "100"}, ":b": {"N": "250"}})
    assert between == list(range(100, 251))
    below = query_all(ddb, forward=False, limit=9, extra=" AND sk < :a", values={":a": {"N": "30"}})
    assert below == list(range(30))[::-1]


def test_whole_items_come_back(ddb):
    r = ddb.get_item(TableName="pages", Key={"pk": {"S": "big"}, "sk": {"N": "123"}})
    assert r["Item"] == item("big", 123)


def test_large_items_beside_small_ones(ddb):
    sorted_table(ddb, "large")
    big = {"pk": {"S": "a"}, "sk": {"N": "5"}, "blob": {"B": b"\x00" * 390_000}}
    ddb.put_item(TableName="large", Item=big)
    put_all(ddb, "large", [item("a", sk, 10) for sk in range(10) if sk != 5])
    ddb.put_item(TableName="large", Item=item("a", 4, 2000))
    got = ddb.query(
        TableName="large", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "a"}}
    )["Items"]
    assert [int(i["sk"]["N"]) for i in got] == list(range(10))
    assert got[5]["blob"]["B"] == big["blob"]["B"]
    assert got[4]["body"]["S"] == "e" * 2000


def test_size_and_count_follow_overwrites_and_deletes(ddb):
    sorted_table(ddb, "sizes")
    put_all(ddb, "sizes", [item("s", sk, 100) for sk in range(100)])
    put_all(ddb, "sizes", [item("s", sk, 10) for sk in range(0, 100, 2)])
    for sk in range(0, 100, 3):
        ddb.delete_item(TableName="sizes", Key={"pk": {"S": "s"}, "sk": {"N": str(sk)}})
    table = ddb.describe_table(TableName="sizes")["Table"]
    left = [sk for sk in range(100) if sk % 3]
    assert table["ItemCount"] == len(left)

    def nsize(n):
        # DynamoDB counts a number by its significant digits: (digits + 1) / 2 + 1 bytes.
        return (len(n.strip("0") or "0") + 1) // 2 + 1

    def size(it):
        names = len("pk") + len("sk") + len("body") + len("n")
        return names + len(it["pk"]["S"]) + nsize(it["sk"]["N"]) + len(it["body"]["S"]) + nsize(it["n"]["N"])

    want = sum(size(item("s", sk, 10 if sk % 2 == 0 else 100)) for sk in left)
    assert table["TableSizeBytes"] == want


def test_parallel_scan_covers_every_item_once(ddb):
    seen = []
    for segment in range(7):
        start = None
        while True:
            args = dict(TableName="pages", Segment=segment, TotalSegments=7, Limit=50)
            if start:
                args["ExclusiveStartKey"] = start
            r = ddb.scan(**args)
            seen += [(i["pk"]["S"], int(i["sk"]["N"])) for i in r["Items"]]
            start = r.get("LastEvaluatedKey")
            if not start:
                break
    assert sorted(seen) == sorted([("big", sk) for sk in range(N)] + [(f"p{i}", i) for i in range(60)])
