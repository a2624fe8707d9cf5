"""S3 uploads as SDKs frame them on the wire, sent by hand: aws-chunked bodies (signed
chunks, unsigned with a trailing checksum), Expect: 100-continue, and presigned URLs."""

import hashlib
import http.client
import urllib.error
import urllib.request
import re
from urllib.parse import urlparse

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from s3_helpers import crc32_b64

AUTH = ("AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, "
        "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + "0" * 64)


@pytest.fixture(scope="module")
def s3(client):
    s3 = client("s3")
    s3.create_bucket(Bucket="wire")
    return s3


def frame(data, chunk, signed=False, trailer=None):
    out = b""
    for i in range(0, len(data), chunk):
        piece = data[i:i + chunk]
        ext = ";chunk-signature=" + "a" * 64 if signed else ""
        out += f"{len(piece):x}{ext}\r\n".encode() + piece + b"\r\n"
    out += ("0;chunk-signature=" + "a" * 64 if signed else "0").encode() + b"\r\n"
    if trailer:
        out += trailer.encode() + b"\r\n"
    return out + b"\r\n"


def put_raw(endpoint, path, body, headers, pieces=7):
    url = urlparse(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.putrequest("PUT", path)
    base = {"Authorization": AUTH, "x-amz-date": "20260101T000000Z", "Content-Length": str(len(body))}
    for k, v in {**base, **headers}.items():
        conn.putheader(k, v)
    conn.endheaders()
    step = max(1, len(body) // pieces) if len(body) > 1000 else len(body)
    for i in range(0, len(body), step):
        conn.send(body[i:i + step])
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp.status, dict(resp.getheaders()), data


def trailer_headers(data, **extra):
    """Headers of an unsigned aws-chunked upload of `data` with a trailing CRC32, as SDKs send it."""
    return {
        "Content-Encoding": "aws-chunked",
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER",
        "x-amz-decoded-content-length": str(len(data)),
        "x-amz-trailer": "x-amz-checksum-crc32",
        **extra,
    }


def test_unsigned_payload_with_trailing_checksum(s3, endpoint):
    data = bytes(range(256)) * 1000
    body = frame(data, 65536, trailer=f"x-amz-checksum-crc32:{crc32_b64(data)}")
    headers = trailer_headers(data, **{"x-amz-sdk-checksum-algorithm": "CRC32"})
    status, headers, _ = put_raw(endpoint, "/wire/trailer", body, headers)
    assert status == 200
    assert headers.get("x-amz-checksum-crc32") == crc32_b64(data)
    got = s3.get_object(Bucket="wire", Key="trailer", ChecksumMode="ENABLED")
    assert got["Body"].read() == data
    assert got["ChecksumCRC32"] == crc32_b64(data)
    assert got.get("ContentEncoding") is None, "aws-chunked is not stored"


def test_wrong_trailing_checksum_is_bad_digest(s3, endpoint):
    data = b"x" * 5000
    body = frame(data, 1000, trailer=f"x-amz-checksum-crc32:{crc32_b64(b'other')}")
    status, _, text = put_raw(endpoint, "/wire/badtrailer", body, trailer_headers(data))
    assert status == 400 and b"<Code>BadDigest</Code>" in text
    with pytest.raises(ClientError):
        s3.head_object(Bucket="wire", Key="badtrailer")


def test_signed_chunks_and_expect_continue(s3, endpoint):
    data = b"signed payload " * 5000
    body = frame(data, 8192, signed=True)
    status, _, _ = put_raw(endpoint, "/wire/signed", body, {
        "x-amz-content-sha256": "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
        "x-amz-decoded-content-length": str(len(data)),
        "Content-Encoding": "aws-chunked",
        "Expect": "100-continue",
    })
    assert status == 200
    assert s3.get_object(Bucket="wire", Key="signed")["Body"].read() == data


def test_broken_framing_and_length_mismatch(s3, endpoint):
    status, _, text = put_raw(endpoint, "/wire/broken", b"zz\r\nhello\r\n0\r\n\r\n", {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked"})
    assert status == 400
    data = b"abc"
    status, _, _ = put_raw(endpoint, "/wire/short", frame(data, 2), {
        "x-amz-content-sha256": "STREAMING-UNSIGNED-PAYLOAD-TRAILER", "Content-Encoding": "aws-chunked",
        "x-amz-decoded-content-length": "4"})
    assert status == 400
    with pytest.raises(ClientError):
        s3.head_object(Bucket="wire", Key="short")


def test_presigned_urls(s3):
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": "wire", "Key": "presigned"}, ExpiresIn=300)
    req = urllib.request.Request(put_url, data=b"via presigned put", method="PUT")
    assert urllib.request.urlopen(req).status == 200
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": "wire", "Key": "presigned"}, ExpiresIn=300)
    assert urllib.request.urlopen(get_url).read() == b"via presigned put"
    head_url = s3.generate_presigned_url("head_object", Params={"Bucket": "wire", "Key": "presigned"}, ExpiresIn=300)
    resp = urllib.request.urlopen(urllib.request.Request(head_url, method="HEAD"))
    assert resp.headers["Content-Length"] == str(len(b"via presigned put"))


def test_expired_presigned_url_is_refused(s3, client):
    # boto3's default for S3 is the SigV2 form (Expires=<epoch>); with s3v4 it is SigV4
    # (X-Amz-Date + X-Amz-Expires). Both are checked; here both are made long expired.
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "wire", "Key": "presigned"}, ExpiresIn=1)
    url = re.sub(r"Expires=\d+", "Expires=1577836800", url)
    v4 = client("s3", config=Config(signature_version="s3v4"))
    url4 = v4.generate_presigned_url("get_object", Params={"Bucket": "wire", "Key": "presigned"}, ExpiresIn=60)
    url4 = re.sub(r"X-Amz-Date=\d{8}T\d{6}Z", "X-Amz-Date=20200101T000000Z", url4)
    assert urllib.request.urlopen(v4.generate_presigned_url(
        "get_object", Params={"Bucket": "wire", "Key": "presigned"}, ExpiresIn=60)).status == 200
    for expired in [url, url4]:
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(expired)
        assert e.value.code == 403
        body = e.value.read()
        assert b"<Code>AccessDenied</Code>" in body and b"Request has expired" in body


def post_form(url, fields, filename, content):
    boundary = "----ferrostackBoundary7MA4YWxkTrZu0gW"
    body = b""
    for name, value in fields.items():
        body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
    body += (f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
             "Content-Type: text/plain\r\n\r\n").encode() + content + f"\r\n--{boundary}--\r\n".encode()
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    try:
        resp = urllib.request.urlopen(req)
        return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def test_browser_post_upload_with_policy(s3):
    post = s3.generate_presigned_post(
        "wire", "uploads/${filename}",
        Fields={"x-amz-meta-origin": "browser", "success_action_status": "201"},
        Conditions=[{"x-amz-meta-origin": "browser"}, {"success_action_status": "201"},
                    ["starts-with", "$key", "uploads/"], ["content-length-range", 1, 1000]],
        ExpiresIn=300,
    )
    status, body = post_form(post["url"], post["fields"], "hello.txt", b"posted content")
    assert status == 201, body
    assert b"<Key>uploads/hello.txt</Key>" in body
    got = s3.get_object(Bucket="wire", Key="uploads/hello.txt")
    assert got["Body"].read() == b"posted content"
    assert got["Metadata"] == {"origin": "browser"}
    # Over the policy's size bound.
    status, body = post_form(post["url"], post["fields"], "big.txt", b"x" * 2000)
    assert status == 403 and b"Invalid according to Policy" in body
    # A field the policy does not name.
    status, body = post_form(post["url"], {**post["fields"], "x-amz-meta-other": "1"}, "a.txt", b"x")
    assert status == 403 and b"Extra input fields" in body
    # Without a policy, a plain form upload answers 204.
    status, _ = post_form(post["url"], {"key": "plain-post"}, "p.txt", b"p")
    assert status == 204
    assert s3.get_object(Bucket="wire", Key="plain-post")["Body"].read() == b"p"


def test_browser_post_upload_acl_and_tagging_fields(s3):
    s3.create_bucket(Bucket="wire-acl", ObjectOwnership="ObjectWriter")
    s3.delete_public_access_block(Bucket="wire-acl")
    url = s3.generate_presigned_post("wire-acl", "x")["url"]
    tagging = "<Tagging><TagSet><Tag><Key>team</Key><Value>a&amp;b</Value></Tag><Tag><Key>k2</Key><Value></Value></Tag></TagSet></Tagging>"
    fields = {"key": "tagged", "acl": "public-read", "tagging": tagging}
    status, body = post_form(url, fields, "t.txt", b"t")
    assert status == 204, body
    tags = s3.get_object_tagging(Bucket="wire-acl", Key="tagged")["TagSet"]
    assert sorted((t["Key"], t["Value"]) for t in tags) == [("k2", ""), ("team", "a&b")]
    grants = s3.get_object_acl(Bucket="wire-acl", Key="tagged")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") and g["Permission"] == "READ" for g in grants)
    status, body = post_form(url, {"key": "bad", "tagging": "<Tagging>"}, "t.txt", b"t")
    assert status == 400 and b"MalformedXML" in body
