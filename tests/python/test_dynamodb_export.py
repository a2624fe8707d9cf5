"""DynamoDB ExportTableToPointInTime / DescribeExport / ListExports writing to S3 in AWS's
layout, and ImportTable / DescribeImport / ListImports reading DynamoDB JSON and CSV from S3."""

import gzip
import json
import re

import pytest

from dynamodb_helpers import fails, sorted_table

ITEMS = [
    {"pk": {"S": "a"}, "sk": {"N": "1"}, "b": {"B": b"\x00\x01"}, "m": {"M": {"x": {"L": [{"BOOL": True}]}}}},
    {"pk": {"S": "a"}, "sk": {"N": "2"}, "ss": {"SS": ["p", "q"]}, "n": {"NULL": True}},
    {"pk": {"S": "b"}, "sk": {"N": "3.5"}, "ns": {"NS": ["1", "2"]}},
]


@pytest.fixture(scope="module")
def ddb(client):
    return client("dynamodb")


@pytest.fixture(scope="module")
def s3(client):
    c = client("s3")
    c.create_bucket(Bucket="ddb-exports")
    return c


def _pitr(ddb, name):
    ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})


def _source(ddb, name):
    arn = sorted_table(ddb, name)["TableDescription"]["TableArn"]
    for item in ITEMS:
        ddb.put_item(TableName=name, Item=item)
    _pitr(ddb, name)
    return arn


def _wire(item):
    """An item as boto3 returns it, in the JSON an export writes (binary as base64)."""
    import base64

    def conv(v):
        (tag, inner), = v.items()
        if tag == "B":
            return {"B": base64.b64encode(inner).decode()}
        if tag == "M":
            return {"M": {k: conv(x) for k, x in inner.items()}}
        if tag == "L":
            return {"L": [conv(x) for x in inner]}
        return v

    return {k: conv(v) for k, v in item.items()}


def test_export_writes_aws_layout(ddb, s3):
    arn = _source(ddb, "ex_src")
    out = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="ddb-exports", S3Prefix="exports/run1")[
        "ExportDescription"
    ]
    assert out["ExportStatus"] == "IN_PROGRESS"
    assert re.fullmatch(re.escape(arn) + r"/export/0\d{13}-[0-9a-f]{8}", out["ExportArn"])
    assert out["ExportFormat"] == "DYNAMODB_JSON" and out["ExportType"] == "FULL_EXPORT"
    d = ddb.describe_export(ExportArn=out["ExportArn"])["ExportDescription"]
    assert d["ExportStatus"] == "COMPLETED", d
    assert d["ItemCount"] == 3
    export_id = out["ExportArn"].rsplit("/", 1)[1]
    folder = f"exports/run1/AWSDynamoDB/{export_id}"
    assert d["ExportManifest"] == f"{folder}/manifest-summary.json"
    summary = json.loads(s3.get_object(Bucket="ddb-exports", Key=d["ExportManifest"])["Body"].read())
    assert summary["exportArn"] == out["ExportArn"] and summary["itemCount"] == 3
    assert summary["outputFormat"] == "DYNAMODB_JSON"
    assert summary["manifestFilesS3Key"] == f"{folder}/manifest-files.json"
    files = s3.get_object(Bucket="ddb-exports", Key=summary["manifestFilesS3Key"])["Body"].read().decode()
    entries = [json.loads(line) for line in files.splitlines()]
    assert sum(e["itemCount"] for e in entries) == 3
    lines = []
    for e in entries:
        assert e["dataFileS3Key"].startswith(f"{folder}/data/") and e["dataFileS3Key"].endswith(".json.gz")
        body = s3.get_object(Bucket="ddb-exports", Key=e["dataFileS3Key"])["Body"].read()
        lines += [json.loads(line)["Item"] for line in gzip.decompress(body).decode().splitlines()]
    expected = [_wire(i) for i in ddb.scan(TableName="ex_src")["Items"]]
    key = lambda i: (i["pk"]["S"], i["sk"]["N"])  # noqa: E731
    assert sorted(lines, key=key) == sorted(expected, key=key)
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket="ddb-exports", Prefix=folder)["Contents"]]
    assert f"{folder}/manifest-summary.md5" in keys and f"{folder}/manifest-files.md5" in keys


def test_export_errors(ddb, s3):
    arn = sorted_table(ddb, "ex_nopitr")["TableDescription"]["TableArn"]
    code, msg = fails(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket="ddb-exports")
    assert code == "PointInTimeRecoveryUnavailableException" and "ex_nopitr" in msg
    missing = arn.replace("ex_nopitr", "ex_missing")
    assert fails(ddb.export_table_to_point_in_time, TableArn=missing, S3Bucket="ddb-exports")[0] == (
        "TableNotFoundException"
    )
    _pitr(ddb, "ex_nopitr")
    assert fails(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket="ddb-exports", ExportTime=4102444800)[
        0
    ] == "InvalidExportTimeException"
    out = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="no-such-bucket-here")["ExportDescription"]
    d = ddb.describe_export(ExportArn=out["ExportArn"])["ExportDescription"]
    assert d["ExportStatus"] == "FAILED" and d["FailureCode"] == "S3NoSuchBucket"
    code, _ = fails(ddb.describe_export, ExportArn=arn + "/export/01700000000000-deadbeef")
    assert code == "ExportNotFoundException"
    # Client tokens make retries idempotent; other parameters with the same token conflict.
    a = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="ddb-exports", ClientToken="tok-1")
    b = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="ddb-exports", ClientToken="tok-1")
    assert a["ExportDescription"]["ExportArn"] == b["ExportDescription"]["ExportArn"]
    code, _ = fails(ddb.export_table_to_point_in_time, TableArn=arn, S3Bucket="ddb-exports", S3Prefix="other",
                    ClientToken="tok-1")
    assert code == "ExportConflictException"
    page = ddb.list_exports(TableArn=arn, MaxResults=1)
    assert len(page["ExportSummaries"]) == 1 and "NextToken" in page
    rest = ddb.list_exports(TableArn=arn, NextToken=page["NextToken"])
    statuses = {s["ExportStatus"] for s in page["ExportSummaries"] + rest["ExportSummaries"]}
    assert statuses == {"FAILED", "COMPLETED"}
    assert len(page["ExportSummaries"] + rest["ExportSummaries"]) == 2


def _params(name, **extra):
    return {
        "TableName": name,
        "AttributeDefinitions": [
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "N"},
        ],
        "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
        "BillingMode": "PAY_PER_REQUEST",
        **extra,
    }


def test_import_round_trips_an_export(ddb, s3):
    arn = _source(ddb, "im_src")
    out = ddb.export_table_to_point_in_time(TableArn=arn, S3Bucket="ddb-exports", S3Prefix="rt")["ExportDescription"]
    export_id = out["ExportArn"].rsplit("/", 1)[1]
    imp = ddb.import_table(
        S3BucketSource={"S3Bucket": "ddb-exports", "S3KeyPrefix": f"rt/AWSDynamoDB/{export_id}/data/"},
        InputFormat="DYNAMODB_JSON",
        InputCompressionType="GZIP",
        TableCreationParameters=_params("im_dst"),
    )["ImportTableDescription"]
    assert imp["ImportStatus"] == "IN_PROGRESS"
    assert imp["TableArn"].endswith(":table/im_dst")
    d = ddb.describe_import(ImportArn=imp["ImportArn"])["ImportTableDescription"]
    assert d["ImportStatus"] == "COMPLETED", d
    assert d["ImportedItemCount"] == 3 and d["ProcessedItemCount"] == 3 and d["ErrorCount"] == 0
    assert d["TableId"] == ddb.describe_table(TableName="im_dst")["Table"]["TableId"]
    key = lambda i: (i["pk"]["S"], i["sk"]["N"])  # noqa: E731
    assert sorted(ddb.scan(TableName="im_dst")["Items"], key=key) == sorted(
        ddb.scan(TableName="im_src")["Items"], key=key
    )


def test_import_csv_and_bad_lines(ddb, s3):
    s3.put_object(Bucket="ddb-exports", Key="csv/one.csv", Body=b'pk,sk,note\nx,1,"hello, world"\ny,2,\nz,notanumber,q\n')
    imp = ddb.import_table(
        S3BucketSource={"S3Bucket": "ddb-exports", "S3KeyPrefix": "csv/"},
        InputFormat="CSV",
        TableCreationParameters=_params("im_csv"),
    )["ImportTableDescription"]
    d = ddb.describe_import(ImportArn=imp["ImportArn"])["ImportTableDescription"]
    assert d["ImportStatus"] == "COMPLETED" and d["ImportedItemCount"] == 2 and d["ErrorCount"] == 1
    item = ddb.get_item(TableName="im_csv", Key={"pk": {"S": "x"}, "sk": {"N": "1"}})["Item"]
    assert item["note"] == {"S": "hello, world"}
    assert "note" not in ddb.get_item(TableName="im_csv", Key={"pk": {"S": "y"}, "sk": {"N": "2"}})["Item"]

    s3.put_object(Bucket="ddb-exports", Key="json/a.json",
                  Body=b'{"Item":{"pk":{"S":"k"},"sk":{"N":"1"}}}\nnot json\n{"Item":{"other":{"S":"x"}}}\n')
    imp = ddb.import_table(
        S3BucketSource={"S3Bucket": "ddb-exports", "S3KeyPrefix": "json/"},
        InputFormat="DYNAMODB_JSON",
        TableCreationParameters=_params("im_json"),
        ClientToken="imp-1",
    )["ImportTableDescription"]
    d = ddb.describe_import(ImportArn=imp["ImportArn"])["ImportTableDescription"]
    assert d["ImportedItemCount"] == 1 and d["ErrorCount"] == 2


def test_import_errors(ddb, s3):
    sorted_table(ddb, "im_exists")
    code, msg = fails(ddb.import_table, S3BucketSource={"S3Bucket": "ddb-exports"}, InputFormat="DYNAMODB_JSON",
                      TableCreationParameters=_params("im_exists"))
    assert code == "ResourceInUseException"
    imp = ddb.import_table(S3BucketSource={"S3Bucket": "no-such-bucket-here"}, InputFormat="DYNAMODB_JSON",
                           TableCreationParameters=_params("im_nobucket"))["ImportTableDescription"]
    d = ddb.describe_import(ImportArn=imp["ImportArn"])["ImportTableDescription"]
    assert d["ImportStatus"] == "FAILED" and d["FailureCode"] == "S3NoSuchBucket"
    assert fails(ddb.describe_table, TableName="im_nobucket")[0] == "ResourceNotFoundException"
    bad = _params("im_bad")
    bad["KeySchema"] = [{"AttributeName": "missing", "KeyType": "HASH"}]
    assert fails(ddb.import_table, S3BucketSource={"S3Bucket": "ddb-exports"}, InputFormat="DYNAMODB_JSON",
                 TableCreationParameters=bad)[0] == "ValidationException"
    code, _ = fails(ddb.describe_import, ImportArn=imp["ImportArn"] + "0")
    assert code == "ImportNotFoundException"
    listed = ddb.list_imports(PageSize=1)
    assert len(listed["ImportSummaryList"]) == 1 and "NextToken" in listed
    only = ddb.list_imports(TableArn=imp["TableArn"])["ImportSummaryList"]
    assert [s["ImportStatus"] for s in only] == ["FAILED"]
