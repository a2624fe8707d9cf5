"""Multipart uploads through boto3: the low-level calls, S3's part rules and errors, and
boto3's managed transfers (upload_file/download_file) with small part sizes."""

import base64
import hashlib
import os
import zlib

import pytest
from boto3.s3.transfer import TransferConfig
from botocore.exceptions import ClientError

from s3_helpers import code, crc32_b64

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def s3(client):
    return client("s3")


@pytest.fixture(scope="module")
def bucket(s3):
    s3.create_bucket(Bucket="multipart")
    return "multipart"


def test_low_level_round_trip_and_etag(s3, bucket):
    up = s3.create_multipart_upload(Bucket=bucket, Key="big", ContentType="text/plain", Metadata={"m": "1"})
    uid = up["UploadId"]
    p1 = os.urandom(5 * MiB)
    p2 = b"tail"
    e1 = s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=1, Body=p1)["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="big", UploadId=uid, PartNumber=2, Body=p2)["ETag"]
    parts = s3.list_parts(Bucket=bucket, Key="big", UploadId=uid)["Parts"]
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, 5 * MiB), (2, 4)]
    listed = s3.list_multipart_uploads(Bucket=bucket)["Uploads"]
    assert [u["UploadId"] for u in listed] == [uid]
    done = s3.complete_multipart_upload(
        Bucket=bucket, Key="big", UploadId=uid,
        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]},
    )
    expected = hashlib.md5(hashlib.md5(p1).digest() + hashlib.md5(p2).digest()).hexdigest() + "-2"
    assert done["ETag"] == f'"{expected}"'
    # No checksum asked for: S3's default full-object CRC64NVME.
    assert done["ChecksumType"] == "FULL_OBJECT" and "ChecksumCRC64NVME" in done
    got = s3.get_object(Bucket=bucket, Key="big")
    assert got["Body"].read() == p1 + p2
    assert got["ContentType"] == "text/plain" and got["Metadata"] == {"m": "1"}
    part2 = s3.get_object(Bucket=bucket, Key="big", PartNumber=2)
    assert part2["Body"].read() == p2 and part2["PartsCount"] == 2
    # Ranges across the part boundary.
    assert s3.get_object(Bucket=bucket, Key="big", Range=f"bytes={5 * MiB - 2}-{5 * MiB + 1}")["Body"].read() == p1[-2:] + b"ta"
    attrs = s3.get_object_attributes(Bucket=bucket, Key="big", ObjectAttributes=["ObjectParts", "ObjectSize"])
    assert attrs["ObjectSize"] == 5 * MiB + 4
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket)

    # CopyObject writes the copy in one piece: its ETag is the MD5 of the bytes, no `-2`,
    # and it has no parts of its own.
    copied = s3.copy_object(Bucket=bucket, Key="big-copy", CopySource={"Bucket": bucket, "Key": "big"})
    assert copied["CopyObjectResult"]["ETag"] == f'"{hashlib.md5(p1 + p2).hexdigest()}"'
    head = s3.head_object(Bucket=bucket, Key="big-copy", PartNumber=1)
    assert head["ETag"] == copied["CopyObjectResult"]["ETag"] and "PartsCount" not in head
    assert head["ContentLength"] == 5 * MiB + 4


def test_part_rules(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="small")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="small", UploadId=uid, PartNumber=1, Body=b"a")["ETag"]
    e2 = s3.upload_part(Bucket=bucket, Key="small", UploadId=uid, PartNumber=2, Body=b"b")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": e1}, {"PartNumber": 2, "ETag": e2}]})
    assert code(e) == "EntityTooSmall"
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 2, "ETag": e2}, {"PartNumber": 1, "ETag": e1}]})
    assert code(e) == "InvalidPartOrder"
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid, MultipartUpload={
            "Parts": [{"PartNumber": 1, "ETag": '"0000"'}]})
    assert code(e) == "InvalidPart"
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="small", UploadId=uid, PartNumber=10001, Body=b"x")
    assert code(e) == "InvalidArgument"
    # A single small part is fine: the last part may be any size.
    done = s3.complete_multipart_upload(Bucket=bucket, Key="small", UploadId=uid, MultipartUpload={
        "Parts": [{"PartNumber": 1, "ETag": e1}]})
    assert done["ETag"].endswith('-1"')
    with pytest.raises(ClientError) as e:
        s3.upload_part(Bucket=bucket, Key="small", UploadId=uid, PartNumber=1, Body=b"x")
    assert code(e) == "NoSuchUpload"


def test_abort(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="gone")["UploadId"]
    s3.upload_part(Bucket=bucket, Key="gone", UploadId=uid, PartNumber=1, Body=b"x")
    s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=uid)
    with pytest.raises(ClientError) as e:
        s3.list_parts(Bucket=bucket, Key="gone", UploadId=uid)
    assert code(e) == "NoSuchUpload"
    with pytest.raises(ClientError) as e:
        s3.abort_multipart_upload(Bucket=bucket, Key="gone", UploadId=uid)
    assert code(e) == "NoSuchUpload"


def test_upload_part_copy_with_range(s3, bucket):
    source = bytes(range(256)) * 40000  # ~10 MB
    s3.put_object(Bucket=bucket, Key="source", Body=source)
    uid = s3.create_multipart_upload(Bucket=bucket, Key="copied")["UploadId"]
    r1 = s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=uid, PartNumber=1,
                             CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange=f"bytes=0-{5 * MiB - 1}")
    r2 = s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=uid, PartNumber=2,
                             CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange=f"bytes={5 * MiB}-{len(source) - 1}")
    with pytest.raises(ClientError) as e:
        s3.upload_part_copy(Bucket=bucket, Key="copied", UploadId=uid, PartNumber=3,
                            CopySource={"Bucket": bucket, "Key": "source"}, CopySourceRange=f"bytes=0-{len(source)}")
    assert code(e) == "InvalidArgument"
    s3.complete_multipart_upload(Bucket=bucket, Key="copied", UploadId=uid, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": r1["CopyPartResult"]["ETag"]},
        {"PartNumber": 2, "ETag": r2["CopyPartResult"]["ETag"]}]})
    assert s3.get_object(Bucket=bucket, Key="copied")["Body"].read() == source


def test_checksummed_multipart(s3, bucket):
    uid = s3.create_multipart_upload(Bucket=bucket, Key="crc", ChecksumAlgorithm="CRC32")["UploadId"]
    p1, p2 = os.urandom(5 * MiB), os.urandom(1000)
    r1 = s3.upload_part(Bucket=bucket, Key="crc", UploadId=uid, PartNumber=1, Body=p1, ChecksumAlgorithm="CRC32")
    r2 = s3.upload_part(Bucket=bucket, Key="crc", UploadId=uid, PartNumber=2, Body=p2, ChecksumAlgorithm="CRC32")
    assert r1["ChecksumCRC32"] == crc32_b64(p1)
    done = s3.complete_multipart_upload(Bucket=bucket, Key="crc", UploadId=uid, MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": r1["ETag"], "ChecksumCRC32": r1["ChecksumCRC32"]},
        {"PartNumber": 2, "ETag": r2["ETag"], "ChecksumCRC32": r2["ChecksumCRC32"]}]})
    composite = zlib.crc32(zlib.crc32(p1).to_bytes(4, "big") + zlib.crc32(p2).to_bytes(4, "big"))
    assert done["ChecksumCRC32"] == base64.b64encode(composite.to_bytes(4, "big")).decode() + "-2"
    assert done["ChecksumType"] == "COMPOSITE"
    # FULL_OBJECT: the parts' CRCs combined into the CRC of the whole.
    uid = s3.create_multipart_upload(Bucket=bucket, Key="full", ChecksumAlgorithm="CRC32", ChecksumType="FULL_OBJECT")["UploadId"]
    r1 = s3.upload_part(Bucket=bucket, Key="full", UploadId=uid, PartNumber=1, Body=p1, ChecksumAlgorithm="CRC32")
    r2 = s3.upload_part(Bucket=bucket, Key="full", UploadId=uid, PartNumber=2, Body=p2, ChecksumAlgorithm="CRC32")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="full", UploadId=uid, ChecksumType="FULL_OBJECT",
                                        ChecksumCRC32=crc32_b64(p1 + p2), MultipartUpload={"Parts": [
        {"PartNumber": 1, "ETag": r1["ETag"]}, {"PartNumber": 2, "ETag": r2["ETag"]}]})
    assert done["ChecksumCRC32"] == crc32_b64(p1 + p2)
    got = s3.get_object(Bucket=bucket, Key="full", ChecksumMode="ENABLED")
    assert got["Body"].read() == p1 + p2


def test_conditional_complete(s3, bucket):
    s3.put_object(Bucket=bucket, Key="exists", Body=b"x")
    uid = s3.create_multipart_upload(Bucket=bucket, Key="exists")["UploadId"]
    e1 = s3.upload_part(Bucket=bucket, Key="exists", UploadId=uid, PartNumber=1, Body=b"y")["ETag"]
    with pytest.raises(ClientError) as e:
        s3.complete_multipart_upload(Bucket=bucket, Key="exists", UploadId=uid, IfNoneMatch="*",
                                     MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}]})
    assert code(e) == "PreconditionFailed"


def test_boto3_managed_transfer(s3, bucket, tmp_path):
    data = os.urandom(12 * MiB + 123)
    src = tmp_path / "up.bin"
    src.write_bytes(data)
    config = TransferConfig(multipart_threshold=5 * MiB, multipart_chunksize=5 * MiB, max_concurrency=4)
    s3.upload_file(str(src), bucket, "managed/file.bin", Config=config)
    head = s3.head_object(Bucket=bucket, Key="managed/file.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-3"')
    dst = tmp_path / "down.bin"
    s3.download_file(bucket, "managed/file.bin", str(dst), Config=config)
    assert dst.read_bytes() == data


def test_virtual_hosted_multipart_and_versions(client, server):
    from urllib.parse import urlsplit, urlunsplit
    from botocore.config import Config

    def to_loopback(request, **_):
        parts = urlsplit(request.url)
        if parts.hostname and parts.hostname.endswith(".localhost"):
            request.headers["Host"] = parts.netloc
            request.url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{parts.port}"))

    port = urlsplit(server.endpoint).port
    s3 = client("s3", endpoint_url=f"http://localhost:{port}", config=Config(s3={"addressing_style": "virtual"}))
    s3.meta.events.register("before-send.s3", to_loopback)
    s3.create_bucket(Bucket="vhost-mp")
    uid = s3.create_multipart_upload(Bucket="vhost-mp", Key="a/b c.txt")["UploadId"]
    e1 = s3.upload_part(Bucket="vhost-mp", Key="a/b c.txt", UploadId=uid, PartNumber=1, Body=b"virtual")["ETag"]
    done = s3.complete_multipart_upload(Bucket="vhost-mp", Key="a/b c.txt", UploadId=uid,
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": e1}]})
    assert done["Location"].endswith("/a/b%20c.txt")
    assert s3.get_object(Bucket="vhost-mp", Key="a/b c.txt")["Body"].read() == b"virtual"
    s3.put_bucket_versioning(Bucket="vhost-mp", VersioningConfiguration={"Status": "Enabled"})
    s3.put_object(Bucket="vhost-mp", Key="v", Body=b"1")
    s3.put_object(Bucket="vhost-mp", Key="v", Body=b"2")
    assert len(s3.list_object_versions(Bucket="vhost-mp", Prefix="v")["Versions"]) == 2


ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"


def test_upload_acl_headers_reach_the_completed_object(s3):
    s3.create_bucket(Bucket="multipart-acl")
    s3.delete_public_access_block(Bucket="multipart-acl")
    s3.put_bucket_ownership_controls(
        Bucket="multipart-acl", OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerPreferred"}]}
    )

    def complete(key, **acl):
        uid = s3.create_multipart_upload(Bucket="multipart-acl", Key=key, **acl)["UploadId"]
        etag = s3.upload_part(Bucket="multipart-acl", Key=key, UploadId=uid, PartNumber=1, Body=b"x")["ETag"]
        s3.complete_multipart_upload(
            Bucket="multipart-acl", Key=key, UploadId=uid,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )
        grants = s3.get_object_acl(Bucket="multipart-acl", Key=key)["Grants"]
        return sorted((g["Grantee"].get("URI", "owner"), g["Permission"]) for g in grants)

    assert complete("canned", ACL="public-read") == [(ALL_USERS, "READ"), ("owner", "FULL_CONTROL")]
    assert complete("granted", GrantRead=f'uri="{AUTHENTICATED}"') == [(AUTHENTICATED, "READ")]
    assert complete("plain") == [("owner", "FULL_CONTROL")]


def test_upload_acl_refused_where_acls_are_disabled(s3, bucket):
    # New buckets are BucketOwnerEnforced: S3 refuses the ACL when the upload is created.
    with pytest.raises(ClientError) as e:
        s3.create_multipart_upload(Bucket=bucket, Key="acl", ACL="public-read")
    assert code(e) == "AccessControlListNotSupported"
    assert "Uploads" not in s3.list_multipart_uploads(Bucket=bucket, Prefix="acl")
