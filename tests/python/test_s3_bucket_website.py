"""S3's website endpoint (<bucket>.s3-website.<domain>): index and error documents, directory
redirects, RedirectAllRequestsTo, routing rules, and S3's HTML error pages."""

from urllib.parse import urlparse

import pytest

from s3_helpers import raw_request

SITE = "my-site"


@pytest.fixture(scope="module")
def s3(client):
    s3 = client("s3")
    s3.create_bucket(Bucket=SITE)
    s3.put_object(Bucket=SITE, Key="index.html", Body=b"<h1>home</h1>", ContentType="text/html")
    s3.put_object(Bucket=SITE, Key="docs/index.html", Body=b"docs", ContentType="text/html")
    s3.put_object(Bucket=SITE, Key="404.html", Body=b"not here", ContentType="text/html")
    s3.put_object(Bucket=SITE, Key="style.css", Body=b"body{}", ContentType="text/css")
    s3.put_bucket_website(
        Bucket=SITE,
        WebsiteConfiguration={
            "IndexDocument": {"Suffix": "index.html"},
            "ErrorDocument": {"Key": "404.html"},
            "RoutingRules": [
                {"Condition": {"KeyPrefixEquals": "old/"}, "Redirect": {"ReplaceKeyPrefixWith": "docs/"}},
            ],
        },
    )
    return s3


def get(endpoint, bucket, path, method="GET"):
    """A request to `bucket`'s website endpoint, named by the Host header."""
    port = urlparse(endpoint).port
    return raw_request(endpoint, method, path, {"Host": f"{bucket}.s3-website.localhost:{port}"})


def test_index_documents(s3, endpoint):
    status, headers, body = get(endpoint, SITE, "/")
    assert (status, body) == (200, b"<h1>home</h1>")
    assert headers["content-type"] == "text/html"
    assert get(endpoint, SITE, "/docs/")[2] == b"docs"
    status, headers, _ = get(endpoint, SITE, "/docs")
    assert status == 302
    assert headers["location"] == "/docs/"
    status, headers, body = get(endpoint, SITE, "/style.css")
    assert (status, headers["content-type"], body) == (200, "text/css", b"body{}")


def test_error_document(s3, endpoint):
    status, _, body = get(endpoint, SITE, "/missing.html")
    assert (status, body) == (404, b"not here")


def test_routing_rule(s3, endpoint):
    status, headers, _ = get(endpoint, SITE, "/old/page.html")
    assert status == 301
    assert headers["location"].endswith("/docs/page.html")


def test_html_errors(s3, endpoint):
    s3.create_bucket(Bucket="not-a-site")
    status, headers, body = get(endpoint, "not-a-site", "/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert b"NoSuchWebsiteConfiguration" in body
    status, _, body = get(endpoint, "no-such-site-bucket", "/")
    assert status == 404
    assert b"NoSuchBucket" in body
    status, _, _ = get(endpoint, SITE, "/", method="POST")
    assert status == 405


def test_redirect_all_requests(s3, endpoint):
    s3.create_bucket(Bucket="redirecting")
    s3.put_bucket_website(
        Bucket="redirecting",
        WebsiteConfiguration={"RedirectAllRequestsTo": {"HostName": "example.com", "Protocol": "https"}},
    )
    status, headers, _ = get(endpoint, "redirecting", "/a/b")
    assert status == 301
    assert headers["location"] == "https://example.com/a/b"
