"""S3 object data-path benchmark: PutObject / GetObject of 1 KiB objects in requests per second
under a fixed loopback load, then one large object (default 1 GiB) uploaded and downloaded in a
single PUT / GET, in MB/s, with the server's peak RSS (VmHWM) before and after.

Usage (from the repo root):
    .venv/bin/python bench/s3_bench.py [--bin target/release/ferrostack] [--size-mib 1024]
        [--duration 5] [--connections 8] [--memory]

By default objects go to a temporary S3_DATA_DIR (bodies stream to and from disk); --memory
keeps them in memory, where the large object necessarily sits whole in the server's RSS.
"""

import argparse
import http.client
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

AUTH = (
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/s3/aws4_request, "
    "SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=" + "0" * 64
)
HEADERS = {"Authorization": AUTH, "x-amz-date": "20260101T000000Z", "x-amz-content-sha256": "UNSIGNED-PAYLOAD"}
BUCKET = "bench"
MiB = 1024 * 1024


def status_kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def request(conn, method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers={**HEADERS, **(headers or {})})
    resp = conn.getresponse()
    data = resp.read()
    if resp.status >= 300:
        raise RuntimeError(f"{method} {path}: {resp.status} {data[:300]!r}")
    return data


def worker(args):
    port, op, duration, index = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    body = os.urandom(1024)
    count = 0
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline:
        key = f"/{BUCKET}/small-{index}-{count % 100}"
        if op == "PutObject":
            request(conn, "PUT", key, body)
        else:
            request(conn, "GET", f"/{BUCKET}/small-{index}-0")
        count += 1
    return count


def rate(port, op, duration, connections):
    with multiprocessing.Pool(connections) as pool:
        counts = pool.map(worker, [(port, op, duration, i) for i in range(connections)])
    return sum(counts) / duration


def upload_large(port, size):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.putrequest("PUT", f"/{BUCKET}/large")
    for k, v in {**HEADERS, "Content-Length": str(size)}.items():
        conn.putheader(k, v)
    conn.endheaders()
    chunk = os.urandom(MiB)
    sent = 0
    started = time.monotonic()
    while sent < size:
        n = min(MiB, size - sent)
        conn.send(chunk[:n])
        sent += n
    resp = conn.getresponse()
    resp.read()
    elapsed = time.monotonic() - started
    if resp.status != 200:
        raise RuntimeError(f"large PUT: {resp.status}")
    return size / MiB / elapsed


def download_large(port, size):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("GET", f"/{BUCKET}/large", headers=HEADERS)
    resp = conn.getresponse()
    started = time.monotonic()
    got = 0
    while True:
        data = resp.read(4 * MiB)
        if not data:
            break
        got += len(data)
    elapsed = time.monotonic() - started
    if got != size:
        raise RuntimeError(f"large GET returned {got} of {size} bytes")
    return size / MiB / elapsed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default="target/release/ferrostack")
    p.add_argument("--size-mib", type=int, default=1024)
    p.add_argument("--duration", type=float, default=5)
    p.add_argument("--connections", type=int, default=8)
    p.add_argument("--memory", action="store_true", help="keep objects in memory (no S3_DATA_DIR)")
    a = p.parse_args()

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    data_dir = None if a.memory else tempfile.mkdtemp(prefix="s3bench-")
    env = dict(os.environ, GATEWAY_LISTEN=f"127.0.0.1:{port}")
    if data_dir:
        env["S3_DATA_DIR"] = data_dir
    log = open(os.path.join(tempfile.gettempdir(), "s3bench-server.log"), "w")
    server = subprocess.Popen([a.bin], env=env, stdout=log, stderr=log)
    try:
        for _ in range(100):
            try:
                http.client.HTTPConnection("127.0.0.1", port).request("GET", "/_localstack/health")
                break
            except OSError:
                time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        request(conn, "PUT", f"/{BUCKET}")
        for i in range(a.connections):
            request(conn, "PUT", f"/{BUCKET}/small-{i}-0", os.urandom(1024))
        idle = status_kb(server.pid, "VmRSS")
        put_rate = rate(port, "PutObject", a.duration, a.connections)
        get_rate = rate(port, "GetObject", a.duration, a.connections)
        before_large = status_kb(server.pid, "VmHWM")
        size = a.size_mib * MiB
        up = upload_large(port, size)
        after_upload = status_kb(server.pid, "VmHWM")
        down = download_large(port, size)
        after_download = status_kb(server.pid, "VmHWM")
        storage = f"S3_DATA_DIR ({data_dir})" if data_dir else "memory"
        print(f"## S3 objects ({storage}, {a.connections} connections, {a.duration:.0f} s each)")
        print(f"- PutObject 1 KiB: {put_rate:,.0f} req/s")
        print(f"- GetObject 1 KiB: {get_rate:,.0f} req/s")
        print(f"- {a.size_mib} MiB object: upload {up:,.0f} MB/s, download {down:,.0f} MB/s")
        print(f"- server RSS idle {idle / 1024:.1f} MB; peak RSS {before_large / 1024:.1f} MB before the large "
              f"object, {after_upload / 1024:.1f} MB after its upload, {after_download / 1024:.1f} MB after its download")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if data_dir:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
