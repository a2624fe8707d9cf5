"""DynamoDB Kinesis streaming destinations as far as they can be seen without Kinesis streams:
the stream is checked with Kinesis, and one Kinesis does not know is refused (the accepting
path is covered by the crate's tests against a stand-in Kinesis)."""

from dynamodb_helpers import fails, hash_table

STREAM = "arn:aws:kinesis:us-east-1:000000000000:stream/not-there"


def test_destinations_need_a_known_stream(client):
    ddb = client("dynamodb")
    hash_table(ddb, "kin_t", key="pk")
    code, msg = fails(ddb.enable_kinesis_streaming_destination, TableName="kin_t", StreamArn=STREAM)
    assert code == "ResourceNotFoundException" and STREAM in msg
    code, _ = fails(ddb.enable_kinesis_streaming_destination, TableName="kin_none", StreamArn=STREAM)
    assert code == "ResourceNotFoundException"
    out = ddb.describe_kinesis_streaming_destination(TableName="kin_t")
    assert out["TableName"] == "kin_t" and out["KinesisDataStreamDestinations"] == []
    assert fails(ddb.describe_kinesis_streaming_destination, TableName="kin_none")[0] == "ResourceNotFoundException"
    assert fails(ddb.disable_kinesis_streaming_destination, TableName="kin_t", StreamArn=STREAM)[0] == (
        "ValidationException"
    )
    code, _ = fails(
        ddb.update_kinesis_streaming_destination,
        TableName="kin_t",
        StreamArn=STREAM,
        UpdateKinesisStreamingConfiguration={"ApproximateCreationDateTimePrecision": "MICROSECOND"},
    )
    assert code == "ResourceNotFoundException"
