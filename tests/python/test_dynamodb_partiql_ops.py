"""PartiQL through ExecuteStatement, BatchExecuteStatement and ExecuteTransaction: paging,
batch error codes and transaction cancellation reasons (written with the handler wiring)."""

import pytest

from dynamodb_helpers import sorted_table


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    sorted_table(c, "pqt")
    return c


def test_insert_select_update_delete(ddb):
    for i in range(5):
        ddb.execute_statement(Statement="INSERT INTO pqt VALUE {'pk': ?, 'sk': ?, 'v': ?}",
                              Parameters=[{"S": "a"}, {"N": str(i)}, {"S": f"v{i}"}])
    with pytest.raises(ddb.exceptions.DuplicateItemException):
        ddb.execute_statement(Statement="INSERT INTO pqt VALUE {'pk': 'a', 'sk': 1}")
    out = ddb.execute_statement(Statement="SELECT * FROM pqt WHERE pk = ?", Parameters=[{"S": "a"}])
    assert [i["sk"]["N"] for i in out["Items"]] == ["0", "1", "2", "3", "4"]
    ddb.execute_statement(Statement="UPDATE pqt SET v = 'new' WHERE pk = 'a' AND sk = 2")
    got = ddb.get_item(TableName="pqt", Key={"pk": {"S": "a"}, "sk": {"N": "2"}})["Item"]
    assert got["v"] == {"S": "new"}
    with pytest.raises(ddb.exceptions.ConditionalCheckFailedException):
        ddb.execute_statement(Statement="UPDATE pqt SET v = 'x' WHERE pk = 'a' AND sk = 99")
    ddb.execute_statement(Statement="DELETE FROM pqt WHERE pk = 'a' AND sk = 4")
    assert "Item" not in ddb.get_item(TableName="pqt", Key={"pk": {"S": "a"}, "sk": {"N": "4"}})


def test_select_paging(ddb):
    for i in range(6):
        ddb.put_item(TableName="pqt", Item={"pk": {"S": "page"}, "sk": {"N": str(i)}})
    seen, token = [], None
    while True:
        kw = {"NextToken": token} if token else {}
        out = ddb.execute_statement(Statement="SELECT sk FROM pqt WHERE pk = 'page'", Limit=4, **kw)
        seen += [i["sk"]["N"] for i in out["Items"]]
        token = out.get("NextToken")
        if not token:
            break
    assert seen == [str(i) for i in range(6)]


def test_batch_execute(ddb):
    out = ddb.batch_execute_statement(Statements=[
        {"Statement": "INSERT INTO pqt VALUE {'pk': 'b', 'sk': 1}"},
        {"Statement": "INSERT INTO pqt VALUE {'pk': 'b', 'sk': 1}"},
        {"Statement": "INSERT INTO missing VALUE {'pk': 'b', 'sk': 1}"},
    ])["Responses"]
    assert "Error" not in out[0]
    assert out[1]["Error"]["Code"] == "DuplicateItem"
    assert out[2]["Error"]["Code"] == "ResourceNotFound"
    got = ddb.batch_execute_statement(Statements=[
        {"Statement": "SELECT * FROM pqt WHERE pk = 'b' AND sk = 1"},
    ])["Responses"]
    assert got[0]["Item"] == {"pk": {"S": "b"}, "sk": {"N": "1"}}


def test_execute_transaction(ddb):
    ddb.execute_transaction(TransactStatements=[
        {"Statement": "INSERT INTO pqt VALUE {'pk': 't', 'sk': 1}"},
        {"Statement": "INSERT INTO pqt VALUE {'pk': 't', 'sk': 2}"},
    ])
    with pytest.raises(ddb.exceptions.TransactionCanceledException) as e:
        ddb.execute_transaction(TransactStatements=[
            {"Statement": "INSERT INTO pqt VALUE {'pk': 't', 'sk': 3}"},
            {"Statement": "INSERT INTO pqt VALUE {'pk': 't', 'sk': 1}"},
        ])
    assert [r["Code"] for r in e.value.response["CancellationReasons"]] == ["None", "DuplicateItem"]
    assert "Item" not in ddb.get_item(TableName="pqt", Key={"pk": {"S": "t"}, "sk": {"N": "3"}})
    out = ddb.execute_transaction(TransactStatements=[
        {"Statement": "SELECT * FROM pqt WHERE pk = 't' AND sk = 2"},
    ])
    assert out["Responses"][0]["Item"]["sk"] == {"N": "2"}
