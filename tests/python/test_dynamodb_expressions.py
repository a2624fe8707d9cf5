"""DynamoDB expression languages through the real server: ConditionExpression,
FilterExpression, KeyConditionExpression, ProjectionExpression, UpdateExpression, the
legacy parameters, and AWS's exact ValidationException messages."""

import botocore.exceptions
import pytest

from dynamodb_helpers import fails, hash_table, sorted_table


@pytest.fixture(scope="module")
def ddb(client):
    c = client("dynamodb")
    hash_table(c, "expr")
    sorted_table(c, "expr_sorted")
    for sk in ["-10", "-1.5", "0", "2", "10", "100", "1e3"]:
        c.put_item(TableName="expr_sorted", Item={"pk": {"S": "p"}, "sk": {"N": sk}, "tag": {"S": f"t{sk}"}})
    return c


SAMPLE = {
    "id": {"S": "s"},
    "str": {"S": "hello world"},
    "num": {"N": "42"},
    "bin": {"B": b"\x01\x02\x03"},
    "ss": {"SS": ["a", "b"]},
    "ns": {"NS": ["1", "2", "3"]},
    "lst": {"L": [{"S": "x"}, {"N": "1"}, {"M": {"deep": {"S": "v"}}}]},
    "mp": {"M": {"a": {"N": "1"}, "b": {"M": {"c": {"S": "d"}}}}},
    "flag": {"BOOL": True},
    "nothing": {"NULL": True},
}


def put_sample(ddb, key="s"):
    ddb.put_item(TableName="expr", Item={**SAMPLE, "id": {"S": key}})


def cond_ok(ddb, expr, values=None, names=None):
    """Whether a conditional no-op update (SET of the same value) passes the condition."""
    kw = {"TableName": "expr", "Key": {"id": {"S": "s"}}, "UpdateExpression": "SET touched = :t"}
    kw["ConditionExpression"] = expr
    kw["ExpressionAttributeValues"] = {":t": {"BOOL": True}, **(values or {})}
    if names:
        kw["ExpressionAttributeNames"] = names
    try:
        ddb.update_item(**kw)
        return True
    except botocore.exceptions.ClientError as e:
        if e.response["Error"]["Code"] == "ConditionalCheckFailedException":
            return False
        raise


def test_condition_functions_and_comparators(ddb):
    put_sample(ddb)
    n = lambda x: {"N": x}  # noqa: E731
    s = lambda x: {"S": x}  # noqa: E731
    assert cond_ok(ddb, "num = :v", {":v": n("42.0")})
    assert cond_ok(ddb, "num < :v", {":v": n("100")})
    assert not cond_ok(ddb, "num > :v", {":v": n("100")})
    assert cond_ok(ddb, "num BETWEEN :a AND :b", {":a": n("1"), ":b": n("42")})
    assert cond_ok(ddb, "num IN (:a, :b)", {":a": n("7"), ":b": n("42")})
    assert cond_ok(ddb, "attribute_exists(mp.b.c) AND attribute_not_exists(mp.zz)")
    assert cond_ok(ddb, "attribute_type(ss, :t)", {":t": s("SS")})
    assert cond_ok(ddb, "begins_with(str, :p)", {":p": s("hell")})
    assert cond_ok(ddb, "contains(str, :p) AND contains(ss, :q)", {":p": s("o w"), ":q": s("a")})
    assert cond_ok(ddb, "contains(lst, :e)", {":e": n("1")})
    assert cond_ok(ddb, "size(str) = :n AND size(lst) = :three", {":n": n("11"), ":three": n("3")})
    assert cond_ok(ddb, "lst[2].deep = :v", {":v": s("v")})
    # Comparisons across types are false, never errors.
    assert not cond_ok(ddb, "num = :v", {":v": s("42")})
    assert not cond_ok(ddb, "num < :v", {":v": s("zzz")})
    assert cond_ok(ddb, "num <> :v", {":v": s("42")})
    assert not cond_ok(ddb, "size(num) > :z", {":z": n("0")})
    # Precedence: NOT > AND > OR.
    t, f = s("hello world"), s("nope")
    assert cond_ok(ddb, "str = :t OR str = :f AND str = :f", {":t": t, ":f": f})
    assert not cond_ok(ddb, "(str = :t OR str = :f) AND str = :f", {":t": t, ":f": f})
    assert not cond_ok(ddb, "NOT str = :t AND str = :t", {":t": t})
    # Placeholders for reserved words.
    assert cond_ok(ddb, "#s = :v", {":v": t}, {"#s": "str"})


def test_condition_failure_on_put_and_delete(ddb):
    put_sample(ddb, "c")
    code, _ = fails(
        ddb.put_item, TableName="expr", Item={"id": {"S": "c"}}, ConditionExpression="attribute_not_exists(id)"
    )
    assert code == "ConditionalCheckFailedException"
    code, _ = fails(
        ddb.delete_item,
        TableName="expr",
        Key={"id": {"S": "c"}},
        ConditionExpression="num > :v",
        ExpressionAttributeValues={":v": {"N": "100"}},
    )
    assert code == "ConditionalCheckFailedException"
    ddb.delete_item(
        TableName="expr",
        Key={"id": {"S": "c"}},
        ConditionExpression="num < :v",
        ExpressionAttributeValues={":v": {"N": "100"}},
    )


@pytest.mark.parametrize(
    "kw, message",
    [
        (
            {"ConditionExpression": "status = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}},
            "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword: status",
        ),
        (
            {"ConditionExpression": "a = :v"},
            "Invalid ConditionExpression: An expression attribute value used in expression is not defined; "
            "attribute value: :v",
        ),
        (
            {"ConditionExpression": "#n = :v", "ExpressionAttributeValues": {":v": {"S": "x"}}},
            "Invalid ConditionExpression: An expression attribute name used in the document path is not defined; "
            "attribute name: #n",
        ),
        (
            {"ConditionExpression": "a = :v", "ExpressionAttributeValues": {":v": {"S": "x"}, ":w": {"S": "y"}}},
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {:w}",
        ),
        (
            {
                "ConditionExpression": "a = :v",
                "ExpressionAttributeValues": {":v": {"S": "x"}},
                "ExpressionAttributeNames": {"#n": "a"},
            },
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {#n}",
        ),
        (
            {"ConditionExpression": "a x :v", "ExpressionAttributeValues": {":v": {"S": "x"}}},
            'Invalid ConditionExpression: Syntax error; token: "x", near: "a x :v"',
        ),
        (
            {"ConditionExpression": "((attribute_not_exists(id)))"},
            "Invalid ConditionExpression: The expression has redundant parentheses;",
        ),
        (
            {"ConditionExpression": "contains(#a, #a)", "ExpressionAttributeNames": {"#a": "data"}},
            "Invalid ConditionExpression: The first operand must be distinct from the remaining operands for this "
            "operator or function; operator: contains, first operand: [data]",
        ),
        (
            {"ConditionExpression": "foo(a)"},
            "Invalid ConditionExpression: Invalid function name; function: foo",
        ),
        (
            {"ConditionExpression": "begins_with(a, :n)", "ExpressionAttributeValues": {":n": {"N": "5"}}},
            "Invalid ConditionExpression: Incorrect operand type for operator or function; "
            "operator or function: begins_with, operand type: N",
        ),
        (
            {"ExpressionAttributeValues": {":v": {"S": "x"}}},
            "ExpressionAttributeValues can only be specified when using expressions",
        ),
    ],
)
def test_condition_validation_messages(ddb, kw, message):
    code, msg = fails(ddb.put_item, TableName="expr", Item={"id": {"S": "v"}}, **kw)
    assert (code, msg) == ("ValidationException", message)


def test_update_expression_forms(ddb):
    ddb.put_item(
        TableName="expr",
        Item={
            "id": {"S": "u"},
            "cnt": {"N": "1"},
            "lst": {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}]},
            "mp": {"M": {"a": {"S": "x"}}},
            "tags": {"SS": ["a", "b"]},
            "old_tags": {"SS": ["a", "b"]},
            "x": {"N": "1"},
            "y": {"N": "2"},
        },
    )
    out = ddb.update_item(
        TableName="expr",
        Key={"id": {"S": "u"}},
        UpdateExpression="SET cnt = cnt + :one, neu = if_not_exists(neu, :zero) - :one, mp.b = :v, "
        "lst = list_append(lst, :more), x = y, y = x REMOVE mp.a ADD tags :t, acc :five DELETE old_tags :a",
        ExpressionAttributeValues={
            ":one": {"N": "1"},
            ":zero": {"N": "0"},
            ":v": {"S": "new"},
            ":more": {"L": [{"N": "4"}]},
            ":t": {"SS": ["c"]},
            ":five": {"N": "5.50"},
            ":a": {"SS": ["a"]},
        },
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert out["cnt"] == {"N": "2"}
    assert out["neu"] == {"N": "-1"}
    assert out["mp"] == {"M": {"b": {"S": "new"}}}
    assert out["lst"] == {"L": [{"N": "1"}, {"N": "2"}, {"N": "3"}, {"N": "4"}]}
    assert (out["x"], out["y"]) == ({"N": "2"}, {"N": "1"})  # right-hand sides read the old item
    assert sorted(out["tags"]["SS"]) == ["a", "b", "c"]
    assert out["old_tags"] == {"SS": ["b"]}
    assert out["acc"] == {"N": "5.5"}
    out = ddb.update_item(
        TableName="expr",
        Key={"id": {"S": "u"}},
        UpdateExpression="REMOVE lst[0], lst[2]",
        ReturnValues="UPDATED_NEW",
    )["Attributes"]
    assert out == {"lst": {"L": [{"N": "2"}, {"N": "4"}]}}
    # Deleting the last members of a set removes the attribute.
    out = ddb.update_item(
        TableName="expr",
        Key={"id": {"S": "u"}},
        UpdateExpression="DELETE tags :all",
        ExpressionAttributeValues={":all": {"SS": ["a", "b", "c"]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert "tags" not in out


@pytest.mark.parametrize(
    "expr, values, message",
    [
        (
            "SET a = :v, a.b = :v",
            {":v": {"N": "1"}},
            "Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of "
            "these paths; path one: [a], path two: [a, b]",
        ),
        ("INVALID SYNTAX HERE", None, 'Invalid UpdateExpression: Syntax error; token: "INVALID", near: "INVALID SYNTAX"'),
        ("ADD hits : incr", {":incr": {"N": "1"}}, 'Invalid UpdateExpression: Syntax error; token: ":", near: "hits : incr"'),
        (
            "ADD a :v",
            {":v": {"S": "x"}},
            "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD, "
            "operand type: STRING",
        ),
        ("SET a = :v SET b = :v", {":v": {"N": "1"}}, 'Invalid UpdateExpression: The "SET" section can only be used once in an update expression;'),
        ("SET s = s + :v", {":v": {"N": "1"}}, "An operand in the update expression has an incorrect data type"),
        ("SET a = absent + :v", {":v": {"N": "1"}}, "The provided expression refers to an attribute that does not exist in the item"),
        ("SET nope.deeper = :v", {":v": {"N": "1"}}, "The document path provided in the update expression is invalid for update"),
        ("SET id = :v", {":v": {"S": "other"}}, "One or more parameter values were invalid: Cannot update attribute id. This attribute is part of the key"),
        (
            "SET n = :a + :a",
            {":a": {"N": "9.9e125"}},
            "Number overflow. Attempting to store a number with magnitude larger than supported range",
        ),
    ],
)
def test_update_validation_messages(ddb, expr, values, message):
    ddb.put_item(TableName="expr", Item={"id": {"S": "uv"}, "s": {"S": "text"}})
    kw = {"TableName": "expr", "Key": {"id": {"S": "uv"}}, "UpdateExpression": expr}
    if values:
        kw["ExpressionAttributeValues"] = values
    code, msg = fails(ddb.update_item, **kw)
    assert (code, msg) == ("ValidationException", message)
    # Nothing was written.
    assert ddb.get_item(TableName="expr", Key={"id": {"S": "uv"}})["Item"] == {"id": {"S": "uv"}, "s": {"S": "text"}}


def test_projection_nested_paths_and_indexes(ddb):
    put_sample(ddb, "p")
    got = ddb.get_item(
        TableName="expr",
        Key={"id": {"S": "p"}},
        ProjectionExpression="mp.b.c, lst[2].deep, lst[0], #n",
        ExpressionAttributeNames={"#n": "num"},
    )["Item"]
    assert got == {
        "mp": {"M": {"b": {"M": {"c": {"S": "d"}}}}},
        "lst": {"L": [{"S": "x"}, {"M": {"deep": {"S": "v"}}}]},
        "num": {"N": "42"},
    }
    code, msg = fails(ddb.get_item, TableName="expr", Key={"id": {"S": "p"}}, ProjectionExpression="mp, mp.a")
    assert msg == (
        "Invalid ProjectionExpression: Two document paths overlap with each other; must remove or rewrite one of "
        "these paths; path one: [mp], path two: [mp, a]"
    )


def test_key_conditions_numeric_order_and_filters(ddb):
    q = lambda **kw: ddb.query(TableName="expr_sorted", **kw)["Items"]  # noqa: E731
    items = q(KeyConditionExpression="pk = :p", ExpressionAttributeValues={":p": {"S": "p"}})
    assert [i["sk"]["N"] for i in items] == ["-10", "-1.5", "0", "2", "10", "100", "1000"]
    items = q(
        KeyConditionExpression="pk = :p AND sk BETWEEN :a AND :b",
        ExpressionAttributeValues={":p": {"S": "p"}, ":a": {"N": "-2"}, ":b": {"N": "10"}},
    )
    assert [i["sk"]["N"] for i in items] == ["-1.5", "0", "2", "10"]
    items = q(
        KeyConditionExpression=":lo <= sk AND pk = :p",
        ExpressionAttributeValues={":p": {"S": "p"}, ":lo": {"N": "100"}},
    )
    assert [i["sk"]["N"] for i in items] == ["100", "1000"]
    items = q(
        KeyConditionExpression="pk = :p",
        FilterExpression="begins_with(tag, :t) OR tag = :z",
        ExpressionAttributeValues={":p": {"S": "p"}, ":t": {"S": "t1"}, ":z": {"S": "t-10"}},
    )
    assert [i["sk"]["N"] for i in items] == ["-10", "10", "100", "1000"]
    items = q(
        KeyConditions={
            "pk": {"ComparisonOperator": "EQ", "AttributeValueList": [{"S": "p"}]},
            "sk": {"ComparisonOperator": "GT", "AttributeValueList": [{"N": "10"}]},
        }
    )
    assert [i["sk"]["N"] for i in items] == ["100", "1000"]
    # Query filters may not name key attributes.
    code, msg = fails(
        ddb.query,
        TableName="expr_sorted",
        KeyConditionExpression="pk = :p",
        FilterExpression="sk < :z",
        ExpressionAttributeValues={":p": {"S": "p"}, ":z": {"N": "1"}},
    )
    assert msg == "Filter Expression can only contain non-primary key attributes: Primary key attribute: sk"


@pytest.mark.parametrize(
    "kce, values, message",
    [
        ("sk = :n", {":n": {"N": "1"}}, "Query condition missed key schema element: pk"),
        ("pk = :p OR sk = :n", {":p": {"S": "p"}, ":n": {"N": "1"}}, "Invalid operator used in KeyConditionExpression: OR"),
        ("pk = :p AND oth = :n", {":p": {"S": "p"}, ":n": {"N": "1"}}, "Query key condition not supported"),
        ("pk = :p AND sk.x = :n", {":p": {"S": "p"}, ":n": {"N": "1"}}, "KeyConditionExpressions cannot have conditions on nested attributes"),
        ("", {":p": {"S": "p"}}, "Invalid KeyConditionExpression: The expression can not be empty;"),
        (
            "pk = :p AND sk = :n",
            {":p": {"S": "p"}, ":n": {"S": "1"}},
            "One or more parameter values were invalid: Condition parameter type does not match schema type",
        ),
    ],
)
def test_key_condition_messages(ddb, kce, values, message):
    code, msg = fails(ddb.query, TableName="expr_sorted", KeyConditionExpression=kce, ExpressionAttributeValues=values)
    assert (code, msg) == ("ValidationException", message)


def test_scan_filter_and_legacy_filters(ddb):
    put_sample(ddb, "f1")
    ddb.put_item(TableName="expr", Item={"id": {"S": "f2"}, "num": {"N": "7"}, "str": {"S": "bye"}})
    ids = lambda r: sorted(i["id"]["S"] for i in r["Items"])  # noqa: E731
    r = ddb.scan(
        TableName="expr",
        FilterExpression="num >= :a AND attribute_type(str, :s) AND NOT contains(str, :bye)",
        ExpressionAttributeValues={":a": {"N": "7"}, ":s": {"S": "S"}, ":bye": {"S": "bye"}},
    )
    assert "f1" in ids(r) and "f2" not in ids(r)
    r = ddb.scan(
        TableName="expr",
        ScanFilter={
            "num": {"ComparisonOperator": "EQ", "AttributeValueList": [{"N": "7"}]},
            "str": {"ComparisonOperator": "BEGINS_WITH", "AttributeValueList": [{"S": "hell"}]},
        },
        ConditionalOperator="OR",
    )
    assert {"f1", "f2"} <= set(ids(r))
    r = ddb.scan(TableName="expr", ScanFilter={"num": {"ComparisonOperator": "NULL"}})
    assert "f1" not in ids(r) and "f2" not in ids(r)


def test_legacy_expected_and_attribute_updates(ddb):
    ddb.put_item(TableName="expr", Item={"id": {"S": "lg"}, "n": {"N": "1"}, "l": {"L": [{"S": "a"}]}})
    code, _ = fails(
        ddb.put_item,
        TableName="expr",
        Item={"id": {"S": "lg"}},
        Expected={"n": {"Value": {"N": "2"}}},
    )
    assert code == "ConditionalCheckFailedException"
    out = ddb.update_item(
        TableName="expr",
        Key={"id": {"S": "lg"}},
        AttributeUpdates={
            "n": {"Action": "ADD", "Value": {"N": "5"}},
            "l": {"Action": "ADD", "Value": {"L": [{"S": "b"}]}},
            "new": {"Action": "PUT", "Value": {"S": "v"}},
        },
        Expected={"n": {"ComparisonOperator": "LT", "AttributeValueList": [{"N": "10"}]}},
        ReturnValues="ALL_NEW",
    )["Attributes"]
    assert out["n"] == {"N": "6"}
    assert out["l"] == {"L": [{"S": "a"}, {"S": "b"}]}
    assert out["new"] == {"S": "v"}
    code, msg = fails(
        ddb.update_item,
        TableName="expr",
        Key={"id": {"S": "lg"}},
        AttributeUpdates={"n": {"Action": "PUT"}},
    )
    assert msg == "One or more parameter values were invalid: Only DELETE action is allowed when no attribute value is specified"
