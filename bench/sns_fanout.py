"""SNS -> SQS fan-out latency: the time from sending Publish to each subscribed queue's
long-polling ReceiveMessage returning that message, measured by real boto3 clients against a
running ferrostack (the release binary by default).

Usage (from the repo root, with the test venv):
    .venv/bin/python bench/sns_fanout.py [--bin target/release/ferrostack] [--messages 500] [--queues 4]
                                         [--raw] [--endpoint http://127.0.0.1:4566]

Closed loop: one Publish at a time; the next goes out once every queue has received the
previous one, so each figure is one message's latency, not queueing behind a backlog. One
receiver thread per queue holds a 20 s long poll open, so arrival is seen as soon as SQS
wakes it. Prints p50/p90/p99/max per delivery (publish -> one queue) and per fan-out
(publish -> last queue), plus Publish's own round trip.
"""

import argparse
import datetime
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import boto3
from botocore.config import Config

CONFIG = Config(region_name="us-east-1", retries={"total_max_attempts": 1}, read_timeout=30, max_pool_connections=4)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(binary):
    port = free_port()
    env = dict(os.environ, GATEWAY_LISTEN=f"127.0.0.1:{port}", RUST_LOG="warn")
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{endpoint}/_localstack/health", timeout=1):
                return proc, endpoint
        except OSError:
            if proc.poll() is not None:
                sys.exit(f"{binary} exited with {proc.returncode}")
            time.sleep(0.01)
    proc.terminate()
    sys.exit(f"{binary} did not become healthy within 10 s")


def client(endpoint, service):
    # One session per client: boto3 sessions are not thread-safe, clients are.
    return boto3.session.Session().client(
        service, endpoint_url=endpoint, aws_access_key_id="test", aws_secret_access_key="test", config=CONFIG
    )


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def summary(name, values_ms):
    return (
        f"| {name} | {len(values_ms)} | {statistics.median(values_ms):.2f} | {percentile(values_ms, 90):.2f} "
        f"| {percentile(values_ms, 99):.2f} | {max(values_ms):.2f} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=os.environ.get("FERROSTACK_BIN", "target/release/ferrostack"))
    parser.add_argument("--endpoint", help="use a server that is already running")
    parser.add_argument("--messages", type=int, default=500)
    parser.add_argument("--queues", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--raw", action="store_true", help="RawMessageDelivery on the subscriptions")
    args = parser.parse_args()

    proc = None
    endpoint = args.endpoint
    if not endpoint:
        proc, endpoint = start_server(args.bin)
    try:
        run(endpoint, args)
    finally:
        if proc:
            proc.terminate()
            proc.wait(timeout=5)


def run(endpoint, args):
    sns, sqs = client(endpoint, "sns"), client(endpoint, "sqs")
    topic = sns.create_topic(Name="bench-fanout")["TopicArn"]
    urls = []
    for i in range(args.queues):
        url = sqs.create_queue(QueueName=f"bench-fanout-{i}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sqs.purge_queue(QueueUrl=url)
        sns.subscribe(
            TopicArn=topic, Protocol="sqs", Endpoint=arn, Attributes={"RawMessageDelivery": str(args.raw).lower()}
        )
        urls.append(url)

    total = args.warmup + args.messages
    sent_at = {}  # message number -> perf_counter at Publish
    arrivals = [dict() for _ in urls]  # per queue: message number -> perf_counter at receipt
    in_server = []  # ms from Publish accepted to SQS enqueue, millisecond resolution
    cond = threading.Condition()
    stop = threading.Event()

    def receiver(index, url):
        local = client(endpoint, "sqs")
        while not stop.is_set():
            try:
                out = local.receive_message(
                    QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=20, MessageSystemAttributeNames=["SentTimestamp"]
                )
            except Exception:  # noqa: BLE001 - the server going away at the end cuts the long poll
                if stop.is_set():
                    return
                raise
            now = time.perf_counter()
            messages = out.get("Messages", [])
            for m in messages:
                body = m["Body"]
                # Raw bodies are the number; envelopes carry it in "Message".
                number = int(body) if args.raw else int(body.split('"Message":"', 1)[1].split('"', 1)[0])
                if not args.raw:
                    # Inside the server: the envelope's Timestamp (taken when Publish was
                    # accepted) to SQS's SentTimestamp (when the queue took the message).
                    stamp = body.split('"Timestamp":"', 1)[1].split('"', 1)[0]
                    published_ms = datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() * 1000
                    in_server.append(int(m["Attributes"]["SentTimestamp"]) - published_ms)
                with cond:
                    arrivals[index][number] = now
                    cond.notify_all()
            if messages:
                local.delete_message_batch(
                    QueueUrl=url,
                    Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
                )

    threads = [threading.Thread(target=receiver, args=(i, u), daemon=True) for i, u in enumerate(urls)]
    for t in threads:
        t.start()
    time.sleep(0.2)  # let every receiver open its long poll

    publish_ms = []
    for n in range(total):
        start = time.perf_counter()
        sent_at[n] = start
        sns.publish(TopicArn=topic, Message=str(n))
        publish_ms.append((time.perf_counter() - start) * 1000)
        with cond:
            if not cond.wait_for(lambda: all(n in a for a in arrivals), timeout=10):
                sys.exit(f"message {n} did not reach every queue within 10 s")
    stop.set()

    measured = range(args.warmup, total)
    per_delivery = [(a[n] - sent_at[n]) * 1000 for a in arrivals for n in measured]
    per_fanout = [(max(a[n] for a in arrivals) - sent_at[n]) * 1000 for n in measured]
    mode = "raw" if args.raw else "envelope"
    print(f"SNS -> SQS fan-out, {args.messages} messages to {args.queues} queues ({mode}), {endpoint}")
    print()
    print("| what | samples | p50 ms | p90 ms | p99 ms | max ms |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(summary("publish -> receive (each queue)", per_delivery))
    print(summary("publish -> last queue received", per_fanout))
    print(summary("Publish round trip", publish_ms[args.warmup :]))
    if in_server:
        print(summary("in server: Publish accepted -> SQS enqueue (1 ms resolution)", in_server[args.warmup * len(urls) :]))


if __name__ == "__main__":
    main()
