"""What the DynamoDB test modules share: on-demand tables in the key shapes they use, and the
(code, message) of the error a call is expected to fail with."""

import botocore.exceptions
import pytest


def hash_table(c, name, key="id", key_type="S", **extra):
    """Creates an on-demand table keyed by `key` alone; `extra` adds what a test needs
    (StreamSpecification, ...). Returns CreateTable's answer."""
    return c.create_table(
        TableName=name,
        AttributeDefinitions=[{"AttributeName": key, "AttributeType": key_type}],
        KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


def sorted_table(c, name, sort_type="N", **extra):
    """Creates an on-demand table keyed by string `pk` and sort key `sk` of `sort_type`."""
    return c.create_table(
        TableName=name,
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": sort_type},
        ],
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        BillingMode="PAY_PER_REQUEST",
        **extra,
    )


def error(excinfo):
    """(code, message) of the ClientError caught by `pytest.raises`."""
    return excinfo.value.response["Error"]["Code"], excinfo.value.response["Error"]["Message"]


def fails(fn, **kw):
    """(code, message) of the ClientError that `fn(**kw)` must raise."""
    with pytest.raises(botocore.exceptions.ClientError) as e:
        fn(**kw)
    return error(e)
