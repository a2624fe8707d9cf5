"""Startup time (spawn to first answered health request) and idle RSS of the ferrostack binary.

Usage: startup.py BINARY TRIES  ->  prints "median_ms min_ms max_ms idle_rss_kib" (medians over tries).
"""

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time

HEALTH = "/_localstack/health"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def healthy(port):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
    try:
        conn.request("GET", HEALTH)
        response = conn.getresponse()
        response.read()
        return response.status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def one_start(binary):
    port = free_port()
    env = dict(os.environ, GATEWAY_LISTEN=f"127.0.0.1:{port}")
    start = time.perf_counter()
    proc = subprocess.Popen([binary], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while not healthy(port):
            if proc.poll() is not None:
                sys.exit(f"{binary} exited with {proc.returncode} before answering {HEALTH}")
            if time.perf_counter() - start > 10:
                sys.exit(f"{binary} did not answer {HEALTH} within 10 s")
            time.sleep(0.001)
        elapsed_ms = (time.perf_counter() - start) * 1000
        time.sleep(0.5)  # let startup allocations settle before calling it idle
        return elapsed_ms, rss_kib(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=5)


def main():
    binary, tries = sys.argv[1], int(sys.argv[2])
    runs = [one_start(binary) for _ in range(tries)]
    times = [ms for ms, _ in runs]
    rss = statistics.median(kib for _, kib in runs)
    print(f"{statistics.median(times):.1f} {min(times):.1f} {max(times):.1f} {rss:.0f}")


if __name__ == "__main__":
    main()
