"""DynamoDB BatchGetItem, BatchWriteItem, TransactWriteItems, TransactGetItems."""

import botocore.exceptions
import pytest

from dynamodb_helpers import error, hash_table


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    for name in ("bt1", "bt2"):
        hash_table(c, name)
    return c


def test_batch_write_and_get(ddb):
    ddb.batch_write_item(
        RequestItems={
            "bt1": [{"PutRequest": {"Item": {"id": {"S": str(i)}, "v": {"N": str(i)}}}} for i in range(20)],
            "bt2": [{"PutRequest": {"Item": {"id": {"S": "x"}}}}],
        }
    )
    out = ddb.batch_get_item(
        RequestItems={
            "bt1": {"Keys": [{"id": {"S": str(i)}} for i in range(0, 20, 2)] + [{"id": {"S": "missing"}}]},
            "bt2": {"Keys": [{"id": {"S": "x"}}], "ProjectionExpression": "id"},
        },
        ReturnConsumedCapacity="TOTAL",
    )
    assert len(out["Responses"]["bt1"]) == 10
    assert out["Responses"]["bt2"] == [{"id": {"S": "x"}}]
    assert out["UnprocessedKeys"] == {}
    assert {c["TableName"] for c in out["ConsumedCapacity"]} == {"bt1", "bt2"}
    res = ddb.batch_write_item(RequestItems={"bt1": [{"DeleteRequest": {"Key": {"id": {"S": "0"}}}}]})
    assert res["UnprocessedItems"] == {}
    assert "Item" not in ddb.get_item(TableName="bt1", Key={"id": {"S": "0"}})


def test_batch_limits(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.batch_write_item(
            RequestItems={
                "bt1": [{"PutRequest": {"Item": {"id": {"S": str(i)}}}} for i in range(20)],
                "bt2": [{"PutRequest": {"Item": {"id": {"S": str(i)}}}} for i in range(6)],
            }
        )
    assert error(e)[0] == "ValidationException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.batch_get_item(RequestItems={"bt1": {"Keys": [{"id": {"S": str(i)}} for i in range(101)]}})
    assert error(e)[0] == "ValidationException"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.batch_write_item(
            RequestItems={"bt1": [{"PutRequest": {"Item": {"id": {"S": "d"}}}}, {"DeleteRequest": {"Key": {"id": {"S": "d"}}}}]}
        )
    assert error(e) == ("ValidationException", "Provided list of item keys contains duplicates")
    with pytest.raises(ddb.exceptions.ResourceNotFoundException):
        ddb.batch_get_item(RequestItems={"nope": {"Keys": [{"id": {"S": "a"}}]}})


def test_batch_write_is_validated_before_writing(ddb):
    with pytest.raises(botocore.exceptions.ClientError):
        ddb.batch_write_item(
            RequestItems={"bt1": [{"PutRequest": {"Item": {"id": {"S": "ok1"}}}}, {"PutRequest": {"Item": {"id": {"N": "1"}}}}]}
        )
    assert "Item" not in ddb.get_item(TableName="bt1", Key={"id": {"S": "ok1"}})


def test_transact_write_commits_all(ddb):
    ddb.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "bt1", "Item": {"id": {"S": "t1"}, "n": {"N": "1"}}}},
            {"Put": {"TableName": "bt2", "Item": {"id": {"S": "t2"}}}},
            {"Update": {
                "TableName": "bt1",
                "Key": {"id": {"S": "t3"}},
                "UpdateExpression": "SET n = :n",
                "ExpressionAttributeValues": {":n": {"N": "3"}},
            }},
        ]
    )
    out = ddb.transact_get_items(
        TransactItems=[
            {"Get": {"TableName": "bt1", "Key": {"id": {"S": "t1"}}}},
            {"Get": {"TableName": "bt1", "Key": {"id": {"S": "nothing"}}}},
            {"Get": {"TableName": "bt1", "Key": {"id": {"S": "t3"}}, "ProjectionExpression": "n"}},
        ]
    )
    r = out["Responses"]
    assert r[0]["Item"]["n"] == {"N": "1"}
    assert r[1] == {}
    assert r[2]["Item"] == {"n": {"N": "3"}}


def test_transaction_cancelled_with_reasons_in_order(ddb):
    ddb.put_item(TableName="bt1", Item={"id": {"S": "c1"}, "state": {"S": "old"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as e:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "bt1", "Item": {"id": {"S": "c2"}}}},
                {"ConditionCheck": {
                    "TableName": "bt1",
                    "Key": {"id": {"S": "c1"}},
                    "ConditionExpression": "#s = :v",
                    "ExpressionAttributeNames": {"#s": "state"},
                    "ExpressionAttributeValues": {":v": {"S": "new"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }},
                {"Delete": {"TableName": "bt1", "Key": {"id": {"S": "c3"}}}},
            ]
        )
    reasons = e.value.response["CancellationReasons"]
    assert [r["Code"] for r in reasons] == ["None", "ConditionalCheckFailed", "None"]
    assert reasons[1]["Message"] == "The conditional request failed"
    assert reasons[1]["Item"]["state"] == {"S": "old"}
    assert "[None, ConditionalCheckFailed, None]" in error(e)[1]
    assert "Item" not in ddb.get_item(TableName="bt1", Key={"id": {"S": "c2"}})
    assert "Item" in ddb.get_item(TableName="bt1", Key={"id": {"S": "c1"}})


def test_transaction_rejects_two_actions_on_one_item(ddb):
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "bt1", "Item": {"id": {"S": "same"}}}},
                {"Delete": {"TableName": "bt1", "Key": {"id": {"S": "same"}}}},
            ]
        )
    assert error(e) == ("ValidationException", "Transaction request cannot include multiple operations on one item")


def test_client_request_token_idempotency(ddb):
    items = [{"Put": {"TableName": "bt1", "Item": {"id": {"S": "idem"}, "n": {"N": "1"}}}}]
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="tok-1")
    ddb.put_item(TableName="bt1", Item={"id": {"S": "idem"}, "n": {"N": "2"}})
    ddb.transact_write_items(TransactItems=items, ClientRequestToken="tok-1")  # not applied again
    assert ddb.get_item(TableName="bt1", Key={"id": {"S": "idem"}})["Item"]["n"] == {"N": "2"}
    other = [{"Put": {"TableName": "bt1", "Item": {"id": {"S": "idem"}, "n": {"N": "3"}}}}]
    with pytest.raises(ddb.exceptions.IdempotentParameterMismatchException):
        ddb.transact_write_items(TransactItems=other, ClientRequestToken="tok-1")


def test_transaction_update_condition_and_validation_reasons(ddb):
    ddb.put_item(TableName="bt1", Item={"id": {"S": "acct"}, "balance": {"N": "10"}})
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as e:
        ddb.transact_write_items(
            TransactItems=[
                {"Update": {
                    "TableName": "bt1",
                    "Key": {"id": {"S": "acct"}},
                    "UpdateExpression": "SET balance = balance - :a",
                    "ConditionExpression": "balance >= :a",
                    "ExpressionAttributeValues": {":a": {"N": "50"}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }},
                {"Update": {
                    "TableName": "bt1",
                    "Key": {"id": {"S": "big"}},
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"S": "x" * 409_600}},
                }},
            ]
        )
    reasons = e.value.response["CancellationReasons"]
    assert reasons[0]["Code"] == "ConditionalCheckFailed"
    assert reasons[0]["Item"]["balance"] == {"N": "10"}
    assert reasons[1]["Code"] == "ValidationError"
    assert ddb.get_item(TableName="bt1", Key={"id": {"S": "acct"}})["Item"]["balance"] == {"N": "10"}
