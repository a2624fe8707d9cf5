"""DynamoDB PartiQL through the real server: ExecuteStatement, BatchExecuteStatement and
ExecuteTransaction with the SELECT / INSERT / UPDATE / DELETE forms users write."""

import botocore.exceptions
import pytest

from dynamodb_helpers import fails, hash_table, sorted_table


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    hash_table(c, "pql", key="pk")
    sorted_table(c, "pql_sorted")
    return c


def run(ddb, statement, *params):
    kw = {"Statement": statement}
    if params:
        kw["Parameters"] = list(params)
    return ddb.execute_statement(**kw)


def test_insert_select_update_delete(ddb):
    run(ddb, "INSERT INTO \"pql\" VALUE {'pk': 'a', 'n': 1, 'tags': <<'x'>>, 'm': {'color': 'red'}, 'l': [1, 2]}")
    got = ddb.get_item(TableName="pql", Key={"pk": {"S": "a"}})["Item"]
    assert got["n"] == {"N": "1"} and got["tags"] == {"SS": ["x"]} and got["m"] == {"M": {"color": {"S": "red"}}}

    items = run(ddb, "SELECT * FROM \"pql\" WHERE pk = 'a'")["Items"]
    assert items == [got]
    # PartiQL names selected values after the last name of their path.
    items = run(ddb, "SELECT pk, m.color FROM pql WHERE pk = ?", {"S": "a"})["Items"]
    assert items == [{"pk": {"S": "a"}, "color": {"S": "red"}}]

    run(ddb, "UPDATE \"pql\" SET n = n + 5 SET tags = set_add(tags, <<'y'>>) REMOVE l WHERE pk = 'a'")
    got = ddb.get_item(TableName="pql", Key={"pk": {"S": "a"}})["Item"]
    assert got["n"] == {"N": "6"} and sorted(got["tags"]["SS"]) == ["x", "y"] and "l" not in got

    out = run(ddb, "UPDATE pql SET n = 7 WHERE pk = 'a' RETURNING ALL NEW *")
    assert out["Items"][0]["n"] == {"N": "7"}

    run(ddb, "DELETE FROM \"pql\" WHERE pk = 'a'")
    assert "Item" not in ddb.get_item(TableName="pql", Key={"pk": {"S": "a"}})
    # Deleting an absent item is not an error.
    run(ddb, "DELETE FROM \"pql\" WHERE pk = 'a'")


def test_select_where_forms_and_numeric_order(ddb):
    for sk in ["10", "9", "-1", "0.5", "100"]:
        run(ddb, "INSERT INTO pql_sorted VALUE {'pk': 'p', 'sk': ?, 'even': ?}", {"N": sk}, {"BOOL": sk in ("10", "100")})
    sks = lambda r: [i["sk"]["N"] for i in r["Items"]]  # noqa: E731
    assert sks(run(ddb, "SELECT * FROM pql_sorted WHERE pk = 'p'")) == ["-1", "0.5", "9", "10", "100"]
    assert sks(run(ddb, "SELECT * FROM pql_sorted WHERE pk = 'p' AND sk BETWEEN 0 AND 10")) == ["0.5", "9", "10"]
    assert sks(run(ddb, "SELECT * FROM pql_sorted WHERE pk = 'p' AND sk IN [9, 100]")) == ["9", "100"]
    assert sks(run(ddb, "SELECT * FROM pql_sorted WHERE pk = 'p' AND even = true")) == ["10", "100"]
    assert sks(run(ddb, "SELECT * FROM pql_sorted WHERE pk = 'p' AND NOT sk > 0")) == ["-1"]
    assert sks(run(ddb, "SELECT * FROM pql_sorted WHERE pk = 'p' AND missing_attr IS MISSING AND sk >= 100")) == ["100"]
    # A scan with a non-key filter.
    assert sorted(sks(run(ddb, "SELECT sk FROM pql_sorted WHERE sk < 1"))) == ["-1", "0.5"]
    # Comparisons across types are false, not errors.
    assert sks(run(ddb, "SELECT * FROM pql_sorted WHERE pk = 'p' AND sk = '9'")) == []


def test_write_errors(ddb):
    run(ddb, "INSERT INTO pql VALUE {'pk': 'dup'}")
    code, _ = fails(ddb.execute_statement, Statement="INSERT INTO pql VALUE {'pk': 'dup'}")
    assert code == "DuplicateItemException"
    code, _ = fails(ddb.execute_statement, Statement="UPDATE pql SET a = 1 WHERE pk = 'nobody'")
    assert code == "ConditionalCheckFailedException"
    code, _ = fails(ddb.execute_statement, Statement="UPDATE pql SET a = 1 WHERE pk = 'dup' AND a = 5")
    assert code == "ConditionalCheckFailedException"
    code, msg = fails(ddb.execute_statement, Statement="UPDATE pql SET a = 1 WHERE a = 5")
    assert (code, msg) == ("ValidationException", "Where clause does not contain a mandatory equality on all key attributes")


@pytest.mark.parametrize(
    "statement, params, code, message",
    [
        ("SELECT * FROM pql WHERE pk = ?", [], "ValidationException", "Number of parameters in request and statement don't match."),
        (
            "DELETE FROM pql WHERE pk = 'x' RETURNING ALL NEW *",
            [],
            "ValidationException",
            "Invalid returning clause: RETURNING ALL NEW *. Only RETURNING ALL OLD * is allowed in DELETE statements.",
        ),
        (
            "SELECT pk FROM pql WHERE pk = 'x' AND val < ?",
            [{"BOOL": True}],
            "ValidationException",
            "Incorrect operand type for operator or function; operator or function: <, operand type: BOOL",
        ),
        ('SELECT * FROM "pql"."i"."x"', [], "ValidationException", "A path may contain at most 2 components in the FROM clause"),
        ('SELECT * FROM "" WHERE pk = \'x\'', [], "ValidationException", "Path component cannot be an empty string"),
    ],
)
def test_statement_messages(ddb, statement, params, code, message):
    kw = {"Statement": statement}
    if params:
        kw["Parameters"] = params
    assert fails(ddb.execute_statement, **kw) == (code, message)


def test_malformed_and_missing_table(ddb):
    code, msg = fails(ddb.execute_statement, Statement='SELECTT * FROMM "pql"')
    assert code == "ValidationException" and msg.startswith("Statement wasn't well formed, can't be processed")
    code, _ = fails(ddb.execute_statement, Statement="SELECT * FROM \"no_such_table\" WHERE pk = 'x'")
    assert code == "ResourceNotFoundException"


def test_batch_execute_statement(ddb):
    out = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "INSERT INTO pql VALUE {'pk': 'b1', 'v': 1}"},
            {"Statement": "INSERT INTO pql VALUE {'pk': ?, 'v': 2}", "Parameters": [{"S": "b2"}]},
            {"Statement": "UPDATE pql SET v = 3 WHERE pk = 'nobody'"},
        ]
    )["Responses"]
    assert len(out) == 3
    assert "Error" not in out[0] and "Error" not in out[1]
    assert out[2]["Error"]["Code"] == "ConditionalCheckFailed"
    reads = ddb.batch_execute_statement(
        Statements=[
            {"Statement": "SELECT * FROM pql WHERE pk = 'b1'"},
            {"Statement": "SELECT * FROM pql WHERE pk = 'b2'"},
        ]
    )["Responses"]
    assert [r["Item"]["v"]["N"] for r in reads] == ["1", "2"]


def test_execute_transaction(ddb):
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "INSERT INTO pql VALUE {'pk': 't1', 'v': 1}"},
            {"Statement": "INSERT INTO pql VALUE {'pk': 't2', 'v': 2}"},
        ]
    )
    assert ddb.get_item(TableName="pql", Key={"pk": {"S": "t2"}})["Item"]["v"] == {"N": "2"}
    # All or nothing: the duplicate cancels the whole transaction.
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "UPDATE pql SET v = 10 WHERE pk = 't1'"},
                {"Statement": "INSERT INTO pql VALUE {'pk': 't2'}"},
            ]
        )
    assert e.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert ddb.get_item(TableName="pql", Key={"pk": {"S": "t1"}})["Item"]["v"] == {"N": "1"}
    out = ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "SELECT * FROM pql WHERE pk = 't1'"},
            {"Statement": "SELECT * FROM pql WHERE pk = 't2'"},
        ]
    )["Responses"]
    assert [r["Item"]["v"]["N"] for r in out] == ["1", "2"]


def test_transaction_condition_checks(ddb):
    run(ddb, "INSERT INTO pql VALUE {'pk': 'acct', 'balance': 10}")
    # EXISTS(SELECT ...) is a condition check: the write happens only if it holds.
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "EXISTS(SELECT * FROM pql WHERE pk = 'acct' AND balance >= 5)"},
            {"Statement": "INSERT INTO pql VALUE {'pk': 'order1'}"},
        ]
    )
    assert "Item" in ddb.get_item(TableName="pql", Key={"pk": {"S": "order1"}})
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ddb.execute_transaction(
            TransactStatements=[
                {"Statement": "EXISTS(SELECT * FROM pql WHERE pk = 'acct' AND balance >= 50)"},
                {"Statement": "INSERT INTO pql VALUE {'pk': 'order2'}"},
            ]
        )
    assert e.value.response["Error"]["Code"] == "TransactionCanceledException"
    assert [r["Code"] for r in e.value.response["CancellationReasons"]] == ["ConditionalCheckFailed", "None"]
    assert "Item" not in ddb.get_item(TableName="pql", Key={"pk": {"S": "order2"}})
    ddb.execute_transaction(
        TransactStatements=[
            {"Statement": "NOT EXISTS(SELECT * FROM pql WHERE pk = 'frozen')"},
            {"Statement": "INSERT INTO pql VALUE {'pk': 'order3'}"},
        ]
    )
    assert "Item" in ddb.get_item(TableName="pql", Key={"pk": {"S": "order3"}})
    # A check and a write on the same item is refused, as with TransactWriteItems.
    code, msg = fails(
        ddb.execute_transaction,
        TransactStatements=[
            {"Statement": "EXISTS(SELECT * FROM pql WHERE pk = 'acct')"},
            {"Statement": "UPDATE pql SET balance = 0 WHERE pk = 'acct'"},
        ],
    )
    assert (code, msg) == ("ValidationException", "Transaction request cannot include multiple operations on one item")

