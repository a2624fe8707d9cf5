"""SQS throughput benchmark: SendMessage, SendMessageBatch, ReceiveMessage and
DeleteMessage(Batch) in messages per second against the release binary over HTTP (the
JSON protocol, keep-alive connections, several client processes), plus the server's
memory per queued message.

Usage (from the repo root):
    .venv/bin/python bench/sqs.py [--bin target/release/ferrostack] [--duration 5]
        [--workers 4] [--connections 4] [--preload 100000]

Each worker process runs `--connections` threads, each with its own keep-alive connection.
Phases, each `--duration` seconds:
  1. SendMessage        one message per request
  2. SendMessageBatch   ten messages per request
  3. Receive + Delete   ReceiveMessage (1 message) then DeleteMessage, per message
  4. Receive + Batch    ReceiveMessage (10 messages) then DeleteMessageBatch
Before them, `--preload` messages are queued (in batches) to measure RSS per queued message.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

AUTH = (
    "AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/sqs/aws4_request, "
    "SignedHeaders=host;x-amz-date, Signature=" + "0" * 64
)
BODY = "x" * 200


def call(conn, op, body):
    conn.request(
        "POST",
        "/",
        json.dumps(body),
        {
            "Content-Type": "application/x-amz-json-1.0",
            "X-Amz-Target": "AmazonSQS." + op,
            "X-Amz-Date": "20260101T000000Z",
            "Authorization": AUTH,
        },
    )
    resp = conn.getresponse()
    data = resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{op}: {resp.status} {data[:300]!r}")
    return json.loads(data) if data else {}


def send_one(conn, url):
    call(conn, "SendMessage", {"QueueUrl": url, "MessageBody": BODY})
    return 1


def send_batch(conn, url):
    entries = [{"Id": str(i), "MessageBody": BODY} for i in range(10)]
    call(conn, "SendMessageBatch", {"QueueUrl": url, "Entries": entries})
    return 10


def receive_delete(conn, url):
    messages = call(conn, "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 1}).get("Messages", [])
    for m in messages:
        call(conn, "DeleteMessage", {"QueueUrl": url, "ReceiptHandle": m["ReceiptHandle"]})
    return len(messages)


def receive_delete_batch(conn, url):
    messages = call(conn, "ReceiveMessage", {"QueueUrl": url, "MaxNumberOfMessages": 10}).get("Messages", [])
    if messages:
        entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
        call(conn, "DeleteMessageBatch", {"QueueUrl": url, "Entries": entries})
    return len(messages)


PHASES = {
    "SendMessage": send_one,
    "SendMessageBatch (10/request)": send_batch,
    "ReceiveMessage + DeleteMessage": receive_delete,
    "ReceiveMessage(10) + DeleteMessageBatch": receive_delete_batch,
}


def worker(args):
    """One client process: `connections` threads looping `phase` until the deadline."""
    port, url, phase, deadline, connections = args
    action = PHASES[phase]
    counts = [0] * connections
    requests = [0] * connections

    def run(i):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.time() < deadline:
            counts[i] += action(conn, url)
            requests[i] += 1
        conn.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts), sum(requests)


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port, timeout=10):
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            call(conn, "ListQueues", {})
            return
        except (OSError, RuntimeError):
            time.sleep(0.05)
    raise RuntimeError("server did not start")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--bin", default="target/release/ferrostack")
    p.add_argument("--duration", type=float, default=5)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--connections", type=int, default=4)
    p.add_argument("--preload", type=int, default=100_000)
    a = p.parse_args()

    port = free_port()
    log = tempfile.TemporaryFile()
    server = subprocess.Popen(
        [a.bin], env=dict(os.environ, GATEWAY_LISTEN=f"127.0.0.1:{port}", GATEWAY_PORT=str(port)), stdout=log, stderr=log
    )
    try:
        wait_ready(port)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        url = call(conn, "CreateQueue", {"QueueName": "bench"})["QueueUrl"]
        # Memory first, on a fresh server, so freed throughput-phase memory does not hide it.
        idle = rss_kb(server.pid)
        memory_url = call(conn, "CreateQueue", {"QueueName": "bench-memory"})["QueueUrl"]
        entries = [{"Id": str(i), "MessageBody": BODY} for i in range(10)]
        for _ in range(a.preload // 10):
            call(conn, "SendMessageBatch", {"QueueUrl": memory_url, "Entries": entries})
        loaded = rss_kb(server.pid)
        per_message = (loaded - idle) * 1024 / max(a.preload, 1)
        call(conn, "DeleteQueue", {"QueueUrl": memory_url})
        print(f"## SQS throughput ({a.workers} processes x {a.connections} connections, {a.duration:g} s per phase, "
              f"{len(BODY)}-byte bodies)\n")
        print("| phase | messages/s | requests/s |")
        print("|---|---:|---:|")
        with multiprocessing.Pool(a.workers) as pool:
            for phase in PHASES:
                deadline = time.time() + a.duration
                start = time.time()
                results = pool.map(worker, [(port, url, phase, deadline, a.connections)] * a.workers)
                elapsed = time.time() - start
                messages = sum(r[0] for r in results)
                requests = sum(r[1] for r in results)
                print(f"| {phase} | {messages / elapsed:,.0f} | {requests / elapsed:,.0f} |")
                sys.stdout.flush()

        print(f"\n- server RSS: {idle / 1024:.1f} MB idle; {loaded / 1024:.1f} MB with {a.preload:,} queued "
              f"{len(BODY)}-byte messages (about {per_message:.0f} bytes per message, body included)")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
