"""boto3.resource('dynamodb') Table API with boto3.dynamodb.conditions Key/Attr, and the write
options that go with expressions: conditions, ReturnValues, ReturnValuesOnConditionCheckFailure,
ReturnItemCollectionMetrics, binary key order."""

from decimal import Decimal

import boto3
import botocore.exceptions
import pytest
from boto3.dynamodb.conditions import Attr, Key

from dynamodb_helpers import sorted_table


@pytest.fixture(scope="module")
def table(endpoint):
    ddb = boto3.resource(
        "dynamodb", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="test", aws_secret_access_key="test"
    )
    t = ddb.create_table(
        TableName="music",
        AttributeDefinitions=[
            {"AttributeName": "artist", "AttributeType": "S"},
            {"AttributeName": "song", "AttributeType": "S"},
            {"AttributeName": "year", "AttributeType": "N"},
        ],
        KeySchema=[{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "song", "KeyType": "RANGE"}],
        LocalSecondaryIndexes=[{
            "IndexName": "byYear",
            "KeySchema": [{"AttributeName": "artist", "KeyType": "HASH"}, {"AttributeName": "year", "KeyType": "RANGE"}],
            "Projection": {"ProjectionType": "KEYS_ONLY"},
        }],
        BillingMode="PAY_PER_REQUEST",
    )
    t.wait_until_exists()
    songs = [("Abba", "Dancing Queen", 1976), ("Abba", "Waterloo", 1974), ("Abba", "Mamma Mia", 1975),
             ("Queen", "Bohemian Rhapsody", 1975)]
    with t.batch_writer() as batch:
        for artist, song, year in songs:
            batch.put_item(Item={"artist": artist, "song": song, "year": year, "plays": 0})
    return t


def test_get_and_query_with_key_conditions(table):
    assert table.get_item(Key={"artist": "Abba", "song": "Waterloo"})["Item"]["year"] == Decimal(1974)
    out = table.query(KeyConditionExpression=Key("artist").eq("Abba"))
    assert [i["song"] for i in out["Items"]] == ["Dancing Queen", "Mamma Mia", "Waterloo"]
    out = table.query(KeyConditionExpression=Key("artist").eq("Abba") & Key("song").begins_with("Ma"))
    assert [i["song"] for i in out["Items"]] == ["Mamma Mia"]
    out = table.query(IndexName="byYear", KeyConditionExpression=Key("artist").eq("Abba") & Key("year").between(1974, 1975))
    assert [int(i["year"]) for i in out["Items"]] == [1974, 1975]


def test_filters_with_attr(table):
    out = table.scan(FilterExpression=Attr("year").lt(1976) & Attr("artist").ne("Queen"))
    assert sorted(i["song"] for i in out["Items"]) == ["Mamma Mia", "Waterloo"]
    out = table.query(KeyConditionExpression=Key("artist").eq("Abba"), FilterExpression=Attr("year").gte(1975))
    assert out["Count"] == 2 and out["ScannedCount"] == 3


def test_conditional_put(table):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        table.put_item(Item={"artist": "Abba", "song": "Waterloo"}, ConditionExpression=Attr("song").not_exists())
    assert e.value.response["Error"]["Code"] == "ConditionalCheckFailedException"
    assert e.value.response["Error"]["Message"] == "The conditional request failed"
    table.put_item(Item={"artist": "Abba", "song": "SOS", "year": 1975}, ConditionExpression=Attr("song").not_exists())


def test_condition_failure_returns_old_item(table):
    client = table.meta.client
    with pytest.raises(client.exceptions.ConditionalCheckFailedException) as e:
        client.delete_item(
            TableName="music",
            Key={"artist": "Abba", "song": "Waterloo"},
            ConditionExpression="plays > :n",
            ExpressionAttributeValues={":n": 5},
            ReturnValuesOnConditionCheckFailure="ALL_OLD",
        )
    assert e.value.response["Item"]["song"] == {"S": "Waterloo"}


def test_update_return_values(table):
    key = {"artist": "Queen", "song": "Bohemian Rhapsody"}
    out = table.update_item(Key=key, UpdateExpression="ADD plays :one", ExpressionAttributeValues={":one": 1},
                            ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"plays": Decimal(1)}
    out = table.update_item(Key=key, UpdateExpression="SET plays = plays + :one", ExpressionAttributeValues={":one": 1},
                            ReturnValues="UPDATED_OLD")
    assert out["Attributes"] == {"plays": Decimal(1)}
    out = table.update_item(Key=key, UpdateExpression="REMOVE plays", ReturnValues="ALL_OLD")
    assert out["Attributes"]["plays"] == Decimal(2)
    out = table.update_item(Key=key, UpdateExpression="SET rating = :r", ExpressionAttributeValues={":r": 5},
                            ReturnValues="ALL_NEW")
    assert out["Attributes"]["rating"] == Decimal(5) and "plays" not in out["Attributes"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        table.update_item(Key=key, UpdateExpression="SET song = :s", ExpressionAttributeValues={":s": "x"})
    assert e.value.response["Error"]["Message"] == (
        "One or more parameter values were invalid: Cannot update attribute song. This attribute is part of the key"
    )


def test_update_creates_item(table):
    table.update_item(Key={"artist": "New", "song": "One"}, UpdateExpression="SET plays = :z",
                      ExpressionAttributeValues={":z": 0})
    assert table.get_item(Key={"artist": "New", "song": "One"})["Item"] == {"artist": "New", "song": "One", "plays": 0}


def test_item_collection_metrics(table):
    out = table.put_item(Item={"artist": "Abba", "song": "Fernando", "year": 1976}, ReturnItemCollectionMetrics="SIZE")
    m = out["ItemCollectionMetrics"]
    assert m["ItemCollectionKey"] == {"artist": "Abba"}
    assert len(m["SizeEstimateRangeGB"]) == 2


def test_consumed_capacity_indexes(table):
    out = table.put_item(Item={"artist": "Abba", "song": "Chiquitita", "year": 1979}, ReturnConsumedCapacity="INDEXES")
    c = out["ConsumedCapacity"]
    assert c["Table"]["CapacityUnits"] == 1.0
    assert "byYear" in c["LocalSecondaryIndexes"]
    assert c["CapacityUnits"] == 2.0


def test_unused_expression_values_rejected(table):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        table.meta.client.get_item(TableName="music", Key={"artist": "Abba", "song": "SOS"},
                                   ProjectionExpression="song", ExpressionAttributeNames={"#x": "y"})
    assert e.value.response["Error"]["Code"] == "ValidationException"
    assert "unused" in e.value.response["Error"]["Message"]


def test_binary_keys_sort_bytewise(client):
    c = client("dynamodb")
    sorted_table(c, "bins", "B")
    values = [b"\xff", b"\x00", b"\x00\x00", b"a", b"\x80", b"\x7f\xff"]
    for v in values:
        c.put_item(TableName="bins", Item={"pk": {"S": "p"}, "sk": {"B": v}})
    out = c.query(TableName="bins", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["sk"]["B"] for i in out["Items"]] == sorted(values)


def test_string_keys_sort_by_utf8_bytes(client):
    c = client("dynamodb")
    sorted_table(c, "strs", "S")
    values = ["b", "a", "B", "ä", "aa", "\u20ac", "\U0001F600", "Z"]
    for v in values:
        c.put_item(TableName="strs", Item={"pk": {"S": "p"}, "sk": {"S": v}})
    out = c.query(TableName="strs", KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["sk"]["S"] for i in out["Items"]] == sorted(values, key=lambda s: s.encode())


def test_updated_new_returns_nested_fragment(table):
    key = {"artist": "Nested", "song": "Doc"}
    table.put_item(Item={**key, "meta": {"a": 1, "b": 2}})
    out = table.update_item(Key=key, UpdateExpression="SET meta.a = :v", ExpressionAttributeValues={":v": 5},
                            ReturnValues="UPDATED_NEW")
    assert out["Attributes"] == {"meta": {"a": Decimal(5)}}
    out = table.update_item(Key=key, UpdateExpression="REMOVE meta.b", ReturnValues="UPDATED_NEW")
    assert "Attributes" not in out
