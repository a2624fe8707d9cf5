"""S3 CORS: the stored configuration through boto3 (with S3's validation and not-found error)
and serving it: OPTIONS preflights answered from the rules, and Access-Control-* headers on
real requests that carry an Origin."""

import pytest
from botocore.exceptions import ClientError

from s3_helpers import raw_request

BUCKET = "cors-bucket"
RULES = [
    {
        "ID": "app",
        "AllowedOrigins": ["https://app.example.com"],
        "AllowedMethods": ["GET", "PUT"],
        "AllowedHeaders": ["content-type", "x-amz-*"],
        "ExposeHeaders": ["ETag"],
        "MaxAgeSeconds": 3000,
    },
    {"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]},
]


@pytest.fixture(scope="module")
def s3(client):
    s3 = client("s3")
    s3.create_bucket(Bucket=BUCKET)
    s3.put_object(Bucket=BUCKET, Key="file.txt", Body=b"hello")
    return s3


def preflight(endpoint, headers):
    """A browser's preflight (OPTIONS) of the bucket's file: (status, headers, body)."""
    return raw_request(endpoint, "OPTIONS", f"/{BUCKET}/file.txt", headers)


def test_cors_not_found_then_round_trip(s3):
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=BUCKET)
    error = e.value.response["Error"]
    assert (error["Code"], error["Message"], error["BucketName"]) == (
        "NoSuchCORSConfiguration",
        "The CORS configuration does not exist",
        BUCKET,
    )
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404
    s3.put_bucket_cors(Bucket=BUCKET, CORSConfiguration={"CORSRules": RULES})
    assert s3.get_bucket_cors(Bucket=BUCKET)["CORSRules"] == RULES


def test_cors_validation(s3):
    with pytest.raises(ClientError) as e:
        s3.put_bucket_cors(
            Bucket="cors-bucket", CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*"], "AllowedMethods": ["PATCH"]}]}
        )
    error = e.value.response["Error"]
    assert error["Code"] == "InvalidRequest"
    assert error["Message"] == "Found unsupported HTTP method in CORS config. Unsupported method is PATCH"
    with pytest.raises(ClientError) as e:
        s3.put_bucket_cors(
            Bucket=BUCKET, CORSConfiguration={"CORSRules": [{"AllowedOrigins": ["*.*"], "AllowedMethods": ["GET"]}]}
        )
    assert e.value.response["Error"]["Message"] == 'AllowedOrigin "*.*" can not have more than one wildcard.'


def test_preflight_allowed(s3, endpoint):
    status, headers, _ = preflight(
        endpoint,
        {
            "Origin": "https://app.example.com",
            "Access-Control-Request-Method": "PUT",
            "Access-Control-Request-Headers": "Content-Type, X-Amz-Date",
        },
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-allow-methods"] == "GET, PUT"
    assert headers["access-control-allow-headers"] == "content-type, x-amz-date"
    assert headers["access-control-max-age"] == "3000"
    assert headers["access-control-expose-headers"] == "ETag"
    assert headers["access-control-allow-credentials"] == "true"


def test_preflight_wildcard_rule(s3, endpoint):
    status, headers, _ = preflight(
        endpoint,
        {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"},
    )
    assert status == 200
    assert headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in headers


def test_preflight_refused(s3, endpoint):
    status, _, body = preflight(
        endpoint,
        {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "DELETE"},
    )
    assert status == 403
    assert b"<Code>AccessForbidden</Code>" in body
    assert b"CORSResponse: This CORS request is not allowed." in body

    status, _, body = preflight(endpoint, {"Access-Control-Request-Method": "GET"})
    assert status == 400
    assert b"Insufficient information. Origin request header needed." in body


def test_preflight_without_cors_configuration(s3, endpoint):
    s3.create_bucket(Bucket="no-cors")
    status, _, body = raw_request(
        endpoint, "OPTIONS", "/no-cors/x", {"Origin": "https://a.example", "Access-Control-Request-Method": "GET"}
    )
    assert status == 403
    assert b"CORSResponse: CORS is not enabled for this bucket." in body


def test_real_requests_carry_cors_headers(s3, endpoint):
    status, headers, body = raw_request(endpoint, "GET", f"/{BUCKET}/file.txt", {"Origin": "https://app.example.com"})
    assert (status, body) == (200, b"hello")
    assert headers["access-control-allow-origin"] == "https://app.example.com"
    assert headers["access-control-expose-headers"] == "ETag"
    assert "origin" in headers["vary"].lower()

    # No Origin, no CORS headers; an Origin no rule admits for the method gets none either.
    _, headers, _ = raw_request(endpoint, "GET", f"/{BUCKET}/file.txt", {})
    assert "access-control-allow-origin" not in headers
    _, headers, _ = raw_request(endpoint, "DELETE", f"/{BUCKET}/nothing", {"Origin": "https://elsewhere.example"})
    assert "access-control-allow-origin" not in headers


def test_delete_cors(s3, endpoint):
    s3.delete_bucket_cors(Bucket=BUCKET)
    with pytest.raises(ClientError) as e:
        s3.get_bucket_cors(Bucket=BUCKET)
    assert e.value.response["Error"]["Code"] == "NoSuchCORSConfiguration"
    status, _, _ = preflight(endpoint, {"Origin": "https://a.example", "Access-Control-Request-Method": "GET"})
    assert status == 403
