"""The AWS CLI against S3: `aws s3 cp/sync/ls/rm --recursive` (multipart included) and
`aws s3api` calls."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

import harness

MiB = 1024 * 1024


def run_s3(endpoint, *args):
    """`aws s3 ...` (high-level commands print text, not JSON): returns stdout."""
    aws = Path(sys.executable).parent / "aws"
    env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION=harness.REGION,
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_MAX_ATTEMPTS="1")
    done = subprocess.run([str(aws), "--endpoint-url", endpoint, "s3", *args], env=env, capture_output=True,
                          text=True, timeout=120, stdin=subprocess.DEVNULL)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def bucket(aws_cli):
    aws_cli("s3api", "create-bucket", "--bucket", "cli-bucket")
    return "cli-bucket"


def test_cp_large_file_uses_multipart(endpoint, aws_cli, bucket, tmp_path):
    data = os.urandom(9 * MiB + 7)  # over the CLI's 8 MiB multipart threshold
    src = tmp_path / "big.bin"
    src.write_bytes(data)
    run_s3(endpoint, "cp", str(src), f"s3://{bucket}/dir/big.bin")
    head = aws_cli("s3api", "head-object", "--bucket", bucket, "--key", "dir/big.bin")
    assert head["ContentLength"] == len(data)
    assert head["ETag"].endswith('-2"')
    dst = tmp_path / "back.bin"
    run_s3(endpoint, "cp", f"s3://{bucket}/dir/big.bin", str(dst))
    assert dst.read_bytes() == data


def test_sync_ls_and_recursive_rm(endpoint, aws_cli, bucket, tmp_path):
    tree = tmp_path / "tree"
    for name in ["a.txt", "sub/b.txt", "sub/deeper/c.txt", "ünï code.txt"]:
        path = tree / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"contents of {name}")
        # Older than any upload: sync compares sizes and modification times (to the second).
        os.utime(path, (1_600_000_000, 1_600_000_000))
    run_s3(endpoint, "sync", str(tree), f"s3://{bucket}/tree")
    listed = run_s3(endpoint, "ls", "--recursive", f"s3://{bucket}/tree/")
    for name in ["a.txt", "sub/b.txt", "sub/deeper/c.txt", "ünï code.txt"]:
        assert f"tree/{name}" in listed
    top = run_s3(endpoint, "ls", f"s3://{bucket}/tree/")
    assert "PRE sub/" in top
    # A second sync has nothing to do.
    assert run_s3(endpoint, "sync", str(tree), f"s3://{bucket}/tree").strip() == ""
    back = tmp_path / "back"
    run_s3(endpoint, "sync", f"s3://{bucket}/tree", str(back))
    assert (back / "sub/deeper/c.txt").read_text() == "contents of sub/deeper/c.txt"
    run_s3(endpoint, "rm", "--recursive", f"s3://{bucket}/tree")
    out = aws_cli("s3api", "list-objects-v2", "--bucket", bucket, "--prefix", "tree/")
    assert "Contents" not in out


def test_s3api_calls(aws_cli, bucket, tmp_path):
    body = tmp_path / "body.txt"
    body.write_text("hello from s3api")
    put = aws_cli("s3api", "put-object", "--bucket", bucket, "--key", "api.txt", "--body", str(body),
                  "--tagging", "k=v", "--metadata", "owner=me")
    assert put["ETag"]
    tags = aws_cli("s3api", "get-object-tagging", "--bucket", bucket, "--key", "api.txt")
    assert tags["TagSet"] == [{"Key": "k", "Value": "v"}]
    out = tmp_path / "out.txt"
    got = aws_cli("s3api", "get-object", "--bucket", bucket, "--key", "api.txt", "--range", "bytes=0-4", str(out))
    assert out.read_text() == "hello" and got["ContentRange"] == "bytes 0-4/16"
    aws_cli("s3api", "put-bucket-versioning", "--bucket", bucket, "--versioning-configuration", "Status=Enabled")
    aws_cli("s3api", "put-object", "--bucket", bucket, "--key", "api.txt", "--body", str(body))
    versions = aws_cli("s3api", "list-object-versions", "--bucket", bucket, "--prefix", "api.txt")
    assert len(versions["Versions"]) == 2
    up = aws_cli("s3api", "create-multipart-upload", "--bucket", bucket, "--key", "mp")
    aws_cli("s3api", "abort-multipart-upload", "--bucket", bucket, "--key", "mp", "--upload-id", up["UploadId"])
    assert "Uploads" not in aws_cli("s3api", "list-multipart-uploads", "--bucket", bucket)
