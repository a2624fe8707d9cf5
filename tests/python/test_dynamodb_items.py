"""DynamoDB single-item operations: PutItem, GetItem, DeleteItem, UpdateItem."""

import botocore.exceptions
import pytest

from dynamodb_helpers import error, hash_table, sorted_table


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    hash_table(c, "items")
    sorted_table(c, "sorted")
    return c


def test_put_get_delete(ddb):
    item = {
        "id": {"S": "a"},
        "n": {"N": "1.50"},
        "b": {"B": b"\x00\x01"},
        "ss": {"SS": ["x", "y"]},
        "m": {"M": {"k": {"L": [{"BOOL": True}, {"NULL": True}]}}},
    }
    assert "Attributes" not in ddb.put_item(TableName="items", Item=item)
    got = ddb.get_item(TableName="items", Key={"id": {"S": "a"}})["Item"]
    assert got["n"] == {"N": "1.5"}  # stored in canonical form
    assert got["b"] == {"B": b"\x00\x01"}
    assert got["m"] == item["m"]
    old = ddb.put_item(TableName="items", Item={"id": {"S": "a"}, "v": {"S": "2"}}, ReturnValues="ALL_OLD")
    assert old["Attributes"]["ss"] == {"SS": ["x", "y"]}
    out = ddb.delete_item(TableName="items", Key={"id": {"S": "a"}}, ReturnValues="ALL_OLD")
    assert out["Attributes"] == {"id": {"S": "a"}, "v": {"S": "2"}}
    assert "Item" not in ddb.get_item(TableName="items", Key={"id": {"S": "a"}})
    assert "Attributes" not in ddb.delete_item(TableName="items", Key={"id": {"S": "a"}}, ReturnValues="ALL_OLD")


def test_attributes_to_get(ddb):
    ddb.put_item(TableName="items", Item={"id": {"S": "p"}, "a": {"S": "1"}, "b": {"S": "2"}})
    got = ddb.get_item(TableName="items", Key={"id": {"S": "p"}}, AttributesToGet=["a"])
    assert got["Item"] == {"a": {"S": "1"}}


def test_key_validation(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"x": {"S": "a"}})
    assert error(e) == ("ValidationException", "One or more parameter values were invalid: Missing the key id in the item")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"id": {"N": "1"}})
    assert error(e) == (
        "ValidationException",
        "One or more parameter values were invalid: Type mismatch for key id expected: S actual: N",
    )
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.get_item(TableName="items", Key={"id": {"S": "a"}, "other": {"S": "b"}})
    assert error(e) == ("ValidationException", "The provided key element does not match the schema")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.get_item(TableName="sorted", Key={"pk": {"S": "a"}})
    assert error(e) == ("ValidationException", "The provided key element does not match the schema")
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"id": {"S": ""}})
    assert error(e)[1] == (
        "One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: id"
    )


def test_value_validation(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"id": {"S": "v"}, "s": {"SS": ["a", "a"]}})
    assert error(e)[0] == "ValidationException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"id": {"S": "v"}, "n": {"N": "abc"}})
    assert error(e)[0] == "ValidationException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"id": {"S": "v"}, "s": {"SS": []}})
    assert error(e)[0] == "ValidationException"


def test_missing_table(ddb):
    with pytest.raises(ddb.exceptions.ResourceNotFoundException) as e:
        ddb.get_item(TableName="nope", Key={"id": {"S": "a"}})
    assert error(e)[1] == "Requested resource not found"
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.put_item(TableName="nope", Item={"id": {"S": "a"}})


def test_item_size_limit(ddb):
    # 400 KB counts names and values: "id"(2) + "a"(1) + "big"(3) + value
    ok = 400 * 1024 - 2 - 1 - 3
    ddb.put_item(TableName="items", Item={"id": {"S": "a"}, "big": {"S": "x" * ok}})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"id": {"S": "a"}, "big": {"S": "x" * (ok + 1)}})
    assert error(e) == ("ValidationException", "Item size has exceeded the maximum allowed size")


def test_consumed_capacity(ddb):
    out = ddb.put_item(TableName="items", Item={"id": {"S": "c"}}, ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"]["TableName"] == "items"
    assert out["ConsumedCapacity"]["CapacityUnits"] == 1.0
    out = ddb.get_item(TableName="items", Key={"id": {"S": "c"}}, ReturnConsumedCapacity="TOTAL")
    assert out["ConsumedCapacity"]["CapacityUnits"] == 0.5
    out = ddb.get_item(TableName="items", Key={"id": {"S": "c"}}, ReturnConsumedCapacity="TOTAL", ConsistentRead=True)
    assert out["ConsumedCapacity"]["CapacityUnits"] == 1.0


def test_invalid_return_values(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.put_item(TableName="items", Item={"id": {"S": "r"}}, ReturnValues="ALL_NEW")
    assert error(e) == ("ValidationException", "Return values set to invalid value")


def test_table_counts(ddb):
    ddb.put_item(TableName="sorted", Item={"pk": {"S": "a"}, "sk": {"N": "1"}})
    ddb.put_item(TableName="sorted", Item={"pk": {"S": "a"}, "sk": {"N": "2"}})
    ddb.put_item(TableName="sorted", Item={"pk": {"S": "a"}, "sk": {"N": "2.0"}})  # same key as 2
    t = ddb.describe_table(TableName="sorted")["Table"]
    assert t["ItemCount"] == 2
    assert t["TableSizeBytes"] > 0


def test_number_keys_are_validated_and_canonical(ddb):
    ddb.put_item(TableName="sorted", Item={"pk": {"S": "n"}, "sk": {"N": "1.50"}})
    got = ddb.get_item(TableName="sorted", Key={"pk": {"S": "n"}, "sk": {"N": "001.5"}})
    assert got["Item"]["sk"] == {"N": "1.5"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.get_item(TableName="sorted", Key={"pk": {"S": "n"}, "sk": {"N": "abc"}})
    assert error(e)[0] == "ValidationException"


def test_partiql_bad_next_token(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.execute_statement(Statement='SELECT * FROM "items"', NextToken="ffffffffffff")
    assert error(e)[0] == "ValidationException"
