"""What the S3 test modules share: the error a call failed with, checksums as S3 spells them,
and plain HTTP requests sent by hand (as browsers and website visitors send them)."""

import base64
import http.client
import zlib
from urllib.parse import urlparse


def code(excinfo):
    """The error code of the ClientError caught by `pytest.raises`."""
    return excinfo.value.response["Error"]["Code"]


def err(excinfo):
    """(Error, HTTP status) of the ClientError caught by `pytest.raises`."""
    response = excinfo.value.response
    return response["Error"], response["ResponseMetadata"]["HTTPStatusCode"]


def crc32_b64(data):
    """CRC32 of `data`, base64 of its big-endian bytes: the x-amz-checksum-crc32 form."""
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def raw_request(endpoint, method, path, headers):
    """(status, headers with lower-case names, body) of a plain unsigned request."""
    url = urlparse(endpoint)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=10)
    conn.request(method, path, headers=headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, body
