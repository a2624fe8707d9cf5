"""S3 object data path through boto3: checksums (header and aws-chunked trailer), Content-MD5,
conditional reads and writes, ranges, tagging, metadata, response overrides and S3's errors."""

import base64
import hashlib
from urllib.parse import unquote_plus

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from s3_helpers import crc32_b64


@pytest.fixture(scope="module")
def s3(client):
    return client("s3")


@pytest.fixture(scope="module")
def bucket(s3):
    s3.create_bucket(Bucket="objects")
    return "objects"


def error(excinfo):
    return excinfo.value.response["Error"], excinfo.value.response["ResponseMetadata"]


@pytest.fixture(scope="module")
def client_without_checksums(client):
    return client("s3", config=Config(request_checksum_calculation="when_required"))


def crc64nvme_b64(data):
    crc = 0xFFFFFFFFFFFFFFFF
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ (0x9A6C9329AC4BC9B5 if crc & 1 else 0)
    return base64.b64encode((crc ^ 0xFFFFFFFFFFFFFFFF).to_bytes(8, "big")).decode()


def test_default_put_sends_crc32_and_gets_it_back(s3, bucket):
    data = b"hello world" * 100
    out = s3.put_object(Bucket=bucket, Key="plain", Body=data)
    assert out["ETag"] == '"%s"' % hashlib.md5(data).hexdigest()
    # boto3 1.44 computes CRC32 by default; S3 echoes it.
    assert out["ChecksumCRC32"] == crc32_b64(data)
    got = s3.get_object(Bucket=bucket, Key="plain", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == crc32_b64(data)
    assert got["ResponseMetadata"]["HTTPHeaders"]["x-amz-request-id"]
    assert got["ResponseMetadata"]["HTTPHeaders"]["x-amz-id-2"]


@pytest.mark.parametrize("algorithm", ["CRC32", "CRC32C", "SHA1", "SHA256", "CRC64NVME"])
def test_each_algorithm_round_trips(s3, bucket, algorithm):
    data = b"checksum me " + algorithm.encode()
    try:
        out = s3.put_object(Bucket=bucket, Key=f"algo-{algorithm}", Body=data, ChecksumAlgorithm=algorithm)
    except Exception as e:  # botocore needs awscrt for CRC32C/CRC64NVME
        if "awscrt" in str(e) or "MissingDependency" in type(e).__name__:
            pytest.skip("botocore cannot compute this algorithm without awscrt")
        raise
    value = out[f"Checksum{algorithm}"]
    if algorithm == "SHA256":
        assert value == base64.b64encode(hashlib.sha256(data).digest()).decode()
    if algorithm == "SHA1":
        assert value == base64.b64encode(hashlib.sha1(data).digest()).decode()
    attrs = s3.get_object_attributes(Bucket=bucket, Key=f"algo-{algorithm}", ObjectAttributes=["Checksum", "ETag", "ObjectSize"])
    assert attrs["Checksum"][f"Checksum{algorithm}"] == value
    assert attrs["ObjectSize"] == len(data)
    assert attrs["ETag"] == hashlib.md5(data).hexdigest()


def test_wrong_checksum_header_is_bad_digest(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"data", ChecksumCRC32=crc32_b64(b"other"))
    err, meta = error(e)
    assert err["Code"] == "BadDigest"
    assert meta["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="bad", Body=b"data", ChecksumSHA256="not-a-digest")
    assert error(e)[0]["Code"] == "InvalidRequest"


def test_content_md5(s3, bucket, client_without_checksums):
    data = b"md5 checked"
    good = base64.b64encode(hashlib.md5(data).digest()).decode()
    s3.put_object(Bucket=bucket, Key="md5", Body=data, ContentMD5=good)
    # Without a checksum of the client's, S3 adds and reports CRC64NVME.
    raw = client_without_checksums.put_object(Bucket=bucket, Key="md5-only", Body=data, ContentMD5=good)
    assert raw["ChecksumCRC64NVME"] == crc64nvme_b64(data) and raw["ChecksumType"] == "FULL_OBJECT"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="md5", Body=data, ContentMD5=base64.b64encode(hashlib.md5(b"x").digest()).decode())
    assert error(e)[0]["Code"] == "BadDigest"
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="md5", Body=data, ContentMD5="zzz")
    assert error(e)[0]["Code"] == "InvalidDigest"


def test_unsigned_payload_trailer_over_plain_http(client, bucket):
    # Force the aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER framing with a trailing checksum.
    s3 = client("s3", config=Config(request_checksum_calculation="when_supported", s3={"payload_signing_enabled": False}))
    data = bytes(range(256)) * 300
    out = s3.put_object(Bucket=bucket, Key="trailer", Body=data, ChecksumAlgorithm="SHA256")
    assert out["ChecksumSHA256"] == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert s3.get_object(Bucket=bucket, Key="trailer")["Body"].read() == data


def test_conditional_reads(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="cond", Body=b"v1")["ETag"]
    assert s3.get_object(Bucket=bucket, Key="cond", IfMatch=etag)["Body"].read() == b"v1"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="cond", IfMatch='"nope"')
    err, meta = error(e)
    assert (err["Code"], meta["HTTPStatusCode"]) == ("PreconditionFailed", 412)
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="cond", IfNoneMatch=etag)
    assert error(e)[1]["HTTPStatusCode"] == 304
    head = s3.head_object(Bucket=bucket, Key="cond")
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="cond", IfModifiedSince=head["LastModified"])
    assert error(e)[1]["HTTPStatusCode"] == 304


def test_conditional_writes(s3, bucket):
    s3.put_object(Bucket=bucket, Key="once", Body=b"1", IfNoneMatch="*")
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="once", Body=b"2", IfNoneMatch="*")
    assert error(e)[0]["Code"] == "PreconditionFailed"
    etag = s3.head_object(Bucket=bucket, Key="once")["ETag"]
    s3.put_object(Bucket=bucket, Key="once", Body=b"3", IfMatch=etag)
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="once", Body=b"4", IfMatch=etag)
    assert error(e)[0]["Code"] == "PreconditionFailed"
    assert s3.get_object(Bucket=bucket, Key="once")["Body"].read() == b"3"


def test_ranges(s3, bucket):
    s3.put_object(Bucket=bucket, Key="range", Body=b"0123456789")
    got = s3.get_object(Bucket=bucket, Key="range", Range="bytes=2-5")
    assert got["ResponseMetadata"]["HTTPStatusCode"] == 206
    assert got["ContentRange"] == "bytes 2-5/10"
    assert got["Body"].read() == b"2345"
    assert s3.get_object(Bucket=bucket, Key="range", Range="bytes=-3")["Body"].read() == b"789"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="range", Range="bytes=10-")
    err, meta = error(e)
    assert (err["Code"], meta["HTTPStatusCode"]) == ("InvalidRange", 416)
    assert err["ActualObjectSize"] == "10"


def test_metadata_headers_and_overrides(s3, bucket):
    s3.put_object(
        Bucket=bucket, Key="meta", Body=b"x", Metadata={"Color": "blue"}, ContentType="text/plain",
        CacheControl="no-cache", ContentDisposition="inline", StorageClass="STANDARD_IA",
        ServerSideEncryption="AES256",
    )
    head = s3.head_object(Bucket=bucket, Key="meta")
    assert head["Metadata"] == {"color": "blue"}
    assert head["ContentType"] == "text/plain"
    assert head["CacheControl"] == "no-cache"
    assert head["StorageClass"] == "STANDARD_IA"
    assert head["ServerSideEncryption"] == "AES256"
    got = s3.get_object(Bucket=bucket, Key="meta", ResponseContentType="application/json", ResponseContentDisposition="attachment")
    assert got["ContentType"] == "application/json"
    assert got["ContentDisposition"] == "attachment"


def test_tagging(s3, bucket):
    s3.put_object(Bucket=bucket, Key="tagged", Body=b"x", Tagging="a=1&b=two%20words")
    assert s3.get_object(Bucket=bucket, Key="tagged")["TagCount"] == 2
    tags = s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"]
    assert tags == [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "two words"}]
    s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == [{"Key": "k", "Value": "v"}]
    s3.delete_object_tagging(Bucket=bucket, Key="tagged")
    assert s3.get_object_tagging(Bucket=bucket, Key="tagged")["TagSet"] == []
    with pytest.raises(ClientError) as e:
        s3.put_object_tagging(Bucket=bucket, Key="tagged", Tagging={"TagSet": [{"Key": "aws:x", "Value": "v"}]})
    assert error(e)[0]["Code"] == "InvalidTag"
    with pytest.raises(ClientError) as e:
        s3.get_object_tagging(Bucket=bucket, Key="missing")
    assert error(e)[0]["Code"] == "NoSuchKey"


def test_copy_with_directives_and_conditions(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="src", Body=b"copy me", Metadata={"a": "1"}, Tagging="t=1")["ETag"]
    s3.copy_object(Bucket=bucket, Key="dst", CopySource={"Bucket": bucket, "Key": "src"})
    head = s3.head_object(Bucket=bucket, Key="dst")
    assert head["Metadata"] == {"a": "1"} and head["ETag"] == etag
    assert s3.get_object_tagging(Bucket=bucket, Key="dst")["TagSet"] == [{"Key": "t", "Value": "1"}]
    s3.copy_object(
        Bucket=bucket, Key="dst2", CopySource=f"{bucket}/src", MetadataDirective="REPLACE", Metadata={"b": "2"},
        TaggingDirective="REPLACE", Tagging="u=2",
    )
    assert s3.head_object(Bucket=bucket, Key="dst2")["Metadata"] == {"b": "2"}
    assert s3.get_object_tagging(Bucket=bucket, Key="dst2")["TagSet"] == [{"Key": "u", "Value": "2"}]
    with pytest.raises(ClientError) as e:
        s3.copy_object(Bucket=bucket, Key="dst3", CopySource=f"{bucket}/src", CopySourceIfMatch='"other"')
    assert error(e)[0]["Code"] == "PreconditionFailed"


def test_errors_carry_s3_fields(s3, bucket):
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="no/such key")
    err, meta = error(e)
    assert (err["Code"], meta["HTTPStatusCode"], err["Key"]) == ("NoSuchKey", 404, "no/such key")
    assert meta["HTTPHeaders"]["x-amz-request-id"]
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket="no-such-bucket-here", Key="k")
    assert error(e)[0]["Code"] == "NoSuchBucket"


def test_delete_objects_quiet_and_verbose(s3, bucket):
    for k in ["d1", "d2", "d3"]:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "d1"}, {"Key": "d2"}]})
    assert sorted(d["Key"] for d in out["Deleted"]) == ["d1", "d2"]
    out = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "d3"}], "Quiet": True})
    assert "Deleted" not in out


def test_unicode_and_special_keys_list_with_url_encoding(s3, bucket):
    keys = ["ünïcødé/ключ", "spaces and+plus", "percent%20", "emoji-😀", "a&b<c>"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=k.encode())
        assert s3.get_object(Bucket=bucket, Key=k)["Body"].read() == k.encode()
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    for k in keys:
        assert k in listed
    listed = [unquote_plus(o["Key"]) for o in s3.list_objects_v2(Bucket=bucket, EncodingType="url")["Contents"]]
    for k in keys:
        assert k in listed


def test_sse_customer_keys(s3, bucket):
    key = bytes(range(32))
    sse = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    out = s3.put_object(Bucket=bucket, Key="ssec", Body=b"secret", **sse)
    key_md5 = base64.b64encode(hashlib.md5(key).digest()).decode()
    assert out["SSECustomerKeyMD5"] == key_md5 and "ServerSideEncryption" not in out
    got = s3.get_object(Bucket=bucket, Key="ssec", **sse)
    assert got["Body"].read() == b"secret" and got["SSECustomerAlgorithm"] == "AES256"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="ssec")
    assert error(e)[0]["Code"] == "InvalidRequest"
    with pytest.raises(ClientError) as e:
        s3.get_object(Bucket=bucket, Key="ssec", SSECustomerAlgorithm="AES256", SSECustomerKey=bytes(32))
    assert error(e)[1]["HTTPStatusCode"] == 403
    with pytest.raises(ClientError) as e:
        s3.put_object(Bucket=bucket, Key="ssec2", Body=b"x", SSECustomerAlgorithm="AES256", SSECustomerKey=b"short")
    assert error(e)[0]["Code"] == "InvalidArgument"
    s3.copy_object(Bucket=bucket, Key="ssec-copy", CopySource=f"{bucket}/ssec",
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key)
    assert s3.get_object(Bucket=bucket, Key="ssec-copy")["Body"].read() == b"secret"
