"""DynamoDB Streams: records of every StreamViewType, every shard iterator type, in order,
through boto3's dynamodbstreams client (its own X-Amz-Target prefix, same signing name)."""

import time

import botocore.exceptions
import pytest

from dynamodb_helpers import hash_table


def make_table(ddb, name, view):
    stream = {"StreamEnabled": True, "StreamViewType": view}
    return hash_table(ddb, name, StreamSpecification=stream)["TableDescription"]


def all_records(streams, arn, iterator_type="TRIM_HORIZON", **kw):
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType=iterator_type, **kw)["ShardIterator"]
    return streams.get_records(ShardIterator=it)


@pytest.fixture(scope="module")
def ddb(client):
    return client("dynamodb")


@pytest.fixture(scope="module")
def streams(client):
    return client("dynamodbstreams")


def write_three(ddb, table):
    ddb.put_item(TableName=table, Item={"id": {"S": "a"}, "v": {"N": "1"}})
    ddb.update_item(
        TableName=table, Key={"id": {"S": "a"}}, UpdateExpression="SET v = :v", ExpressionAttributeValues={":v": {"N": "2"}}
    )
    ddb.delete_item(TableName=table, Key={"id": {"S": "a"}})


@pytest.mark.parametrize(
    "view,images",
    [
        ("KEYS_ONLY", [set(), set(), set()]),
        ("NEW_IMAGE", [{"NewImage"}, {"NewImage"}, set()]),
        ("OLD_IMAGE", [set(), {"OldImage"}, {"OldImage"}]),
        ("NEW_AND_OLD_IMAGES", [{"NewImage"}, {"NewImage", "OldImage"}, {"OldImage"}]),
    ],
)
def test_view_types(ddb, streams, view, images):
    table = "st-" + view.lower().replace("_", "-")
    desc = make_table(ddb, table, view)
    assert desc["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": view}
    arn = desc["LatestStreamArn"]
    assert arn.endswith("/stream/" + desc["LatestStreamLabel"])
    write_three(ddb, table)
    records = all_records(streams, arn)["Records"]
    assert [r["eventName"] for r in records] == ["INSERT", "MODIFY", "REMOVE"]
    for r, want in zip(records, images):
        assert r["eventSource"] == "aws:dynamodb" and r["eventVersion"] == "1.1"
        d = r["dynamodb"]
        assert d["Keys"] == {"id": {"S": "a"}}
        assert d["StreamViewType"] == view
        assert {"NewImage", "OldImage"} & set(d) == want
    seqs = [int(r["dynamodb"]["SequenceNumber"]) for r in records]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3
    if view == "NEW_AND_OLD_IMAGES":
        assert records[1]["dynamodb"]["OldImage"]["v"] == {"N": "1"}
        assert records[1]["dynamodb"]["NewImage"]["v"] == {"N": "2"}


def test_iterator_types(ddb, streams):
    arn = make_table(ddb, "st-iter", "NEW_IMAGE")["LatestStreamArn"]
    for i in range(5):
        ddb.put_item(TableName="st-iter", Item={"id": {"S": str(i)}})
    records = all_records(streams, arn)["Records"]
    seqs = [r["dynamodb"]["SequenceNumber"] for r in records]
    assert len(seqs) == 5
    at = all_records(streams, arn, "AT_SEQUENCE_NUMBER", SequenceNumber=seqs[2])["Records"]
    assert [r["dynamodb"]["SequenceNumber"] for r in at] == seqs[2:]
    after = all_records(streams, arn, "AFTER_SEQUENCE_NUMBER", SequenceNumber=seqs[2])["Records"]
    assert [r["dynamodb"]["SequenceNumber"] for r in after] == seqs[3:]
    latest = all_records(streams, arn, "LATEST")
    assert latest["Records"] == []
    ddb.put_item(TableName="st-iter", Item={"id": {"S": "late"}})
    more = streams.get_records(ShardIterator=latest["NextShardIterator"])["Records"]
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in more] == ["late"]


def test_paging_with_limit(ddb, streams):
    arn = make_table(ddb, "st-page", "KEYS_ONLY")["LatestStreamArn"]
    for i in range(7):
        ddb.put_item(TableName="st-page", Item={"id": {"S": f"k{i}"}})
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")["ShardIterator"]
    seen = []
    for _ in range(4):
        out = streams.get_records(ShardIterator=it, Limit=3)
        seen += [r["dynamodb"]["Keys"]["id"]["S"] for r in out["Records"]]
        it = out["NextShardIterator"]
    assert seen == [f"k{i}" for i in range(7)]


def test_describe_and_list(ddb, streams):
    desc = make_table(ddb, "st-desc", "NEW_AND_OLD_IMAGES")
    arn = desc["LatestStreamArn"]
    d = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert d["StreamStatus"] == "ENABLED"
    assert d["TableName"] == "st-desc"
    assert d["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert d["StreamLabel"] == desc["LatestStreamLabel"]
    assert "EndingSequenceNumber" not in d["Shards"][0]["SequenceNumberRange"]
    listed = streams.list_streams(TableName="st-desc")["Streams"]
    assert listed == [{"StreamArn": arn, "TableName": "st-desc", "StreamLabel": desc["LatestStreamLabel"]}]
    assert len(streams.list_streams()["Streams"]) >= 1


def test_disable_closes_the_shard(ddb, streams):
    arn = make_table(ddb, "st-off", "KEYS_ONLY")["LatestStreamArn"]
    ddb.put_item(TableName="st-off", Item={"id": {"S": "x"}})
    ddb.update_table(TableName="st-off", StreamSpecification={"StreamEnabled": False})
    desc = ddb.describe_table(TableName="st-off")["Table"]
    assert desc["LatestStreamArn"] == arn and "StreamSpecification" not in desc
    ddb.put_item(TableName="st-off", Item={"id": {"S": "y"}})
    d = streams.describe_stream(StreamArn=arn)["StreamDescription"]
    assert d["StreamStatus"] == "DISABLED"
    assert "EndingSequenceNumber" in d["Shards"][0]["SequenceNumberRange"]
    out = all_records(streams, arn)
    assert [r["dynamodb"]["Keys"]["id"]["S"] for r in out["Records"]] == ["x"]
    assert "NextShardIterator" not in out
    # Enabling again makes a new stream with a new label.
    ddb.update_table(TableName="st-off", StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"})
    assert ddb.describe_table(TableName="st-off")["Table"]["LatestStreamArn"] != arn


def test_batch_and_transaction_writes_are_streamed(ddb, streams):
    arn = make_table(ddb, "st-batch", "NEW_IMAGE")["LatestStreamArn"]
    ddb.batch_write_item(RequestItems={"st-batch": [{"PutRequest": {"Item": {"id": {"S": str(i)}}}} for i in range(3)]})
    ddb.transact_write_items(TransactItems=[{"Put": {"TableName": "st-batch", "Item": {"id": {"S": "t"}}}}])
    assert len(all_records(streams, arn)["Records"]) == 4


def test_ttl_deletions_carry_the_service_identity(ddb, streams):
    arn = make_table(ddb, "st-ttl", "OLD_IMAGE")["LatestStreamArn"]
    ddb.update_time_to_live(TableName="st-ttl", TimeToLiveSpecification={"Enabled": True, "AttributeName": "exp"})
    ddb.put_item(TableName="st-ttl", Item={"id": {"S": "gone"}, "exp": {"N": str(int(time.time()) - 5)}})
    deadline = time.time() + 8
    records = []
    while time.time() < deadline:
        records = all_records(streams, arn)["Records"]
        if len(records) == 2:
            break
        time.sleep(0.25)
    assert [r["eventName"] for r in records] == ["INSERT", "REMOVE"]
    assert records[1]["userIdentity"] == {"PrincipalId": "dynamodb.amazonaws.com", "Type": "Service"}


def test_errors(ddb, streams):
    arn = make_table(ddb, "st-err", "KEYS_ONLY")["LatestStreamArn"]
    with pytest.raises(streams.exceptions.ResourceNotFoundException):
        streams.describe_stream(StreamArn=arn + "x")
    with pytest.raises(streams.exceptions.ResourceNotFoundException):
        streams.get_shard_iterator(StreamArn=arn, ShardId="shardId-00000000000000000000-deadbeef", ShardIteratorType="LATEST")
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="AT_SEQUENCE_NUMBER")
    assert e.value.response["Error"]["Code"] == "ValidationException"


def test_unchanged_writes_leave_no_record(ddb, streams):
    arn = make_table(ddb, "st-same", "NEW_AND_OLD_IMAGES")["LatestStreamArn"]
    item = {"id": {"S": "s"}, "v": {"N": "1"}}
    ddb.put_item(TableName="st-same", Item=item)
    ddb.put_item(TableName="st-same", Item=item)
    ddb.update_item(TableName="st-same", Key={"id": {"S": "s"}}, UpdateExpression="SET v = :v",
                    ExpressionAttributeValues={":v": {"N": "1.0"}})
    ddb.delete_item(TableName="st-same", Key={"id": {"S": "nothing-here"}})
    assert [r["eventName"] for r in all_records(streams, arn)["Records"]] == ["INSERT"]


def test_list_streams_paging(ddb, streams):
    for i in range(3):
        make_table(ddb, f"st-list-{i}", "KEYS_ONLY")
    seen, start = [], None
    while True:
        kw = {"ExclusiveStartStreamArn": start} if start else {}
        out = streams.list_streams(Limit=2, **kw)
        seen += [s["StreamArn"] for s in out["Streams"]]
        start = out.get("LastEvaluatedStreamArn")
        if not start:
            break
    assert len(seen) == len(set(seen)) >= 3


def test_aws_cli_streams(ddb, aws_cli):
    arn = make_table(ddb, "st-cli", "NEW_IMAGE")["LatestStreamArn"]
    ddb.put_item(TableName="st-cli", Item={"id": {"S": "c"}})
    listed = aws_cli("dynamodbstreams", "list-streams", "--table-name", "st-cli")
    assert listed["Streams"][0]["StreamArn"] == arn
    shard = aws_cli("dynamodbstreams", "describe-stream", "--stream-arn", arn)["StreamDescription"]["Shards"][0]["ShardId"]
    it = aws_cli(
        "dynamodbstreams", "get-shard-iterator", "--stream-arn", arn, "--shard-id", shard,
        "--shard-iterator-type", "TRIM_HORIZON",
    )["ShardIterator"]
    records = aws_cli("dynamodbstreams", "get-records", "--shard-iterator", it)["Records"]
    assert records[0]["dynamodb"]["NewImage"] == {"id": {"S": "c"}}
