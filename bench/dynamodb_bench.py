"""DynamoDB data-plane benchmark: load N items (default 1,000,000) with BatchWriteItem, report
the server's RSS before and after, then PutItem / GetItem / Query requests per second under
a fixed loopback load (wrk when installed, else Python keep-alive clients).

Usage (from the repo root):
    .venv/bin/python bench/dynamodb_bench.py [--bin target/release/ferrostack] [--items 1000000]
        [--duration 5] [--connections 16] [--workers 4]

Items look like a typical record: {"pk": S "user#<n // 10>", "sk": N <n % 10>, "name": S 20 chars,
"age": N, "tags": SS of 2}: ten items per partition, so Query reads one partition of ten.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

AUTH = (
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/dynamodb/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)
TABLE = "bench"


def headers(op):
    return {
        "Content-Type": "application/x-amz-json-1.0",
        "X-Amz-Target": "DynamoDB_20120810." + op,
        "X-Amz-Date": "20260101T000000Z",
        "Authorization": AUTH,
    }


def call(conn, op, body):
    conn.request("POST", "/", json.dumps(body), headers(op))
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{op}: {resp.status} {data[:300]!r}")
    return json.loads(data)


def item(n):
    return {
        "pk": {"S": f"user#{n // 10}"},
        "sk": {"N": str(n % 10)},
        "name": {"S": f"name-{n:015d}"},
        "age": {"N": str(n % 97)},
        "tags": {"SS": ["a", "b"]},
    }


def load_range(args):
    port, start, stop = args
    conn = http.client.HTTPConnection("127.0.0.1", port)
    for base in range(start, stop, 25):
        batch = [{"PutRequest": {"Item": item(n)}} for n in range(base, min(base + 25, stop))]
        call(conn, "BatchWriteItem", {"RequestItems": {TABLE: batch}})
    return stop - start


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def python_load(port, op, body, duration, connections):
    count = [0] * connections
    stop = time.time() + duration

    def worker(i):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.time() < stop:
            call(conn, op, body)
            count[i] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(count) / duration


def wrk_load(port, op, body, duration, connections):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "request.lua")
    env = dict(os.environ, BENCH_METHOD="POST", BENCH_PATH="/", BENCH_BODY=json.dumps(body))
    env["BENCH_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in headers(op).items())
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{int(duration)}s", "-s", script, f"http://127.0.0.1:{port}"],
        env=env, capture_output=True, text=True, check=True,
    ).stdout
    line = next(l for l in out.splitlines() if l.startswith("RESULT"))
    fields = dict(kv.split("=") for kv in line.split()[1:])
    if int(fields["non2xx"]):
        raise RuntimeError(f"{op}: non-2xx answers under load")
    return int(fields["requests"]) / (int(fields["duration_us"]) / 1e6)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--bin", default=os.environ.get("FERROSTACK_BIN", "target/release/ferrostack"))
    p.add_argument("--items", type=int, default=1_000_000)
    p.add_argument("--duration", type=int, default=5)
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--workers", type=int, default=4)
    a = p.parse_args()

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    log = tempfile.TemporaryFile()
    server = subprocess.Popen([a.bin], env=dict(os.environ, GATEWAY_LISTEN=f"127.0.0.1:{port}"), stdout=log, stderr=log)
    try:
        for _ in range(200):
            try:
                http.client.HTTPConnection("127.0.0.1", port).request("GET", "/_localstack/health")
                break
            except OSError:
                time.sleep(0.05)
        conn = http.client.HTTPConnection("127.0.0.1", port)
        call(conn, "CreateTable", {
            "TableName": TABLE,
            "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "N"}],
            "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            "BillingMode": "PAY_PER_REQUEST",
        })
        idle = rss_kb(server.pid)
        t0 = time.time()
        chunk = -(-a.items // (a.workers * 8) // 25) * 25
        ranges = [(port, i, min(i + chunk, a.items)) for i in range(0, a.items, chunk)]
        with multiprocessing.Pool(a.workers) as pool:
            loaded = sum(pool.map(load_range, ranges))
        load_secs = time.time() - t0
        desc = call(conn, "DescribeTable", {"TableName": TABLE})["Table"]
        loaded_rss = rss_kb(server.pid)
        item_bytes = desc["TableSizeBytes"]

        load = wrk_load if shutil.which("wrk") else python_load
        mid = a.items // 2
        results = {
            "PutItem": load(port, "PutItem", {"TableName": TABLE, "Item": item(mid)}, a.duration, a.connections),
            "GetItem": load(port, "GetItem", {"TableName": TABLE, "Key": {"pk": item(mid)["pk"], "sk": item(mid)["sk"]}},
                            a.duration, a.connections),
            "Query (10 items)": load(port, "Query", {
                "TableName": TABLE, "KeyConditionExpression": "pk = :p",
                "ExpressionAttributeValues": {":p": item(mid)["pk"]},
            }, a.duration, a.connections),
        }
        print(f"## DynamoDB ({'wrk' if load is wrk_load else 'python clients'}, {a.connections} connections, {a.duration}s each)\n")
        print(f"- items loaded: {loaded:,} (ItemCount {desc['ItemCount']:,}) in {load_secs:.1f}s "
              f"({loaded / load_secs:,.0f} items/s via BatchWriteItem)")
        print(f"- item data (TableSizeBytes): {item_bytes / 1e6:.1f} MB")
        grown = (loaded_rss - idle) * 1024
        print(f"- server RSS: {idle / 1024:.1f} MB with an empty table, {loaded_rss / 1024:.1f} MB after loading "
              f"({grown / max(loaded, 1):.0f} bytes per item against {item_bytes / max(loaded, 1):.0f} bytes of item "
              f"data: {grown / max(item_bytes, 1):.2f}x)")
        print()
        print("| call | req/s |")
        print("|---|---:|")
        for name, rate in results.items():
            print(f"| {name} | {rate:,.0f} |")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
