"""Plain helpers shared by conftest.py and the tests (no pytest fixtures here).

Everything talks to a real ferrostack process over loopback: no AWS mocks.
"""

import copy
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import boto3
import botocore.session
from botocore.config import Config

REPO = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("FERROSTACK_BIN", REPO / "target" / "release" / "ferrostack"))
DATA = Path(__file__).resolve().parent / "data"

REGION = "us-east-1"
ACCOUNT = "000000000000"
CREDENTIALS = {"aws_access_key_id": "test", "aws_secret_access_key": "test"}
HEALTH_PATH = "/_localstack/health"
RESET_PATH = "/_ministack/reset"

# (title, text) blocks that conftest prints in pytest's terminal summary, e.g. the coverage table.
REPORTS = []

# No retries: a retry would hide a server error or double the time of a hang.
# (In botocore, retries={'max_attempts': 1} means *one retry*; total_max_attempts counts the first try.)
BASE_CONFIG = Config(
    region_name=REGION,
    retries={"total_max_attempts": 1, "mode": "standard"},
    connect_timeout=5,
    read_timeout=15,
    # The emulator listens on an IP: host prefixes ("sync-", "stream-") would make unresolvable names.
    inject_host_prefix=False,
    s3={"addressing_style": "path"},
)


def hermetic_aws_environment():
    """Drop the developer's AWS settings (profiles, endpoint overrides, config files) for this process."""
    for key in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[key]
    os.environ.update(
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_EC2_METADATA_DISABLED="true",
    )


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_request(method, url, body=None, headers=None, timeout=10):
    """Raw HTTP call; returns (status, headers, body bytes) for any status code."""
    if isinstance(body, str):
        body = body.encode()
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.headers, resp.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


class Server:
    """A ferrostack process on a free loopback port, logging to a file."""

    def __init__(self, log_path, binary=BINARY, startup_timeout=10.0):
        if not Path(binary).is_file():
            raise RuntimeError(f"{binary} not found: run `cargo build --release` first")
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = Path(log_path)
        env = dict(os.environ, GATEWAY_LISTEN=f"127.0.0.1:{self.port}", GATEWAY_PORT=str(self.port))
        with open(self.log_path, "wb") as log:
            self.proc = subprocess.Popen(
                [str(binary)], stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
            )
        self._wait_healthy(startup_timeout)

    def _wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        last = "no answer"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"ferrostack exited with {self.proc.returncode} during startup")
            try:
                status, _, body = http_request("GET", self.endpoint + HEALTH_PATH, timeout=1)
                if status == 200:
                    return
                last = f"HTTP {status}: {body[:200]!r}"
            except (OSError, http.client.HTTPException) as err:
                last = repr(err)
            time.sleep(0.05)
        self.proc.kill()
        self.proc.wait()
        raise RuntimeError(f"ferrostack not healthy after {timeout:.0f} s (last: {last})")

    def alive(self):
        return self.proc.poll() is None

    def log_tail(self, lines=60):
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def reset(self):
        status, _, body = http_request("POST", self.endpoint + RESET_PATH, body=b"")
        if status != 200:
            raise RuntimeError(f"POST {RESET_PATH} answered {status}: {body[:200]!r}")

    def stop(self, grace=5.0):
        """SIGTERM, then insist on an exit within `grace` seconds. Returns an error text or None."""
        if not self.alive():
            return f"ferrostack had already exited with {self.proc.returncode}"
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            return f"ferrostack did not exit within {grace:.0f} s of SIGTERM"
        return None


def make_client(endpoint, service, session=None, config=None, **kwargs):
    """A boto3 client aimed at the emulator; `config` is merged over BASE_CONFIG."""
    merged = BASE_CONFIG.merge(config) if config else BASE_CONFIG
    session = session or boto3.Session()
    kwargs.setdefault("endpoint_url", endpoint)
    kwargs = {**CREDENTIALS, **kwargs}  # a test may sign with other credentials
    return session.client(service, config=merged, **kwargs)


def session_with_model(service, transform):
    """A boto3 Session whose loader passes `service`'s service-2 model through `transform(model) -> model`.

    botocore reads the whole wire format (protocol, shapes, traits) from that model, so this is how
    a test speaks a protocol the installed botocore would not pick by itself. The session has its
    own loader, so other clients are untouched.
    """
    core = botocore.session.Session()
    loader = core.get_component("data_loader")
    original = loader.load_service_model

    def load_service_model(service_name, type_name, api_version=None):
        model = original(service_name, type_name, api_version)
        if service_name == service and type_name == "service-2":
            model = transform(copy.deepcopy(model))
        return model

    loader.load_service_model = load_service_model
    return boto3.Session(botocore_session=core)


def force_protocol(protocol):
    """Model transform: botocore picks the first of metadata['protocols'] it supports, in its own
    priority order (json > rest-json > rest-xml > smithy-rpc-v2-cbor > query), so leave only one."""

    def transform(model):
        model["metadata"]["protocol"] = protocol
        model["metadata"]["protocols"] = [protocol]
        return model

    return transform


def legacy_sqs_query_model(_current_model):
    """The awsQuery SQS model (botocore 1.31.60, documentation stripped; Apache-2.0).

    Today's SQS model is JSON-only: forcing 'query' on it would lose the query wire names
    (resultWrapper, flattened 'QueueUrl'/'Message' members, 'Attribute.N.Name' maps), so old
    SDKs' exact requests and responses come from the model they actually shipped.
    """
    return json.loads((DATA / "sqs-2012-11-05-query.json").read_text())


def aws_cli(endpoint, *args, timeout=60):
    """Run the AWS CLI v1 from this venv against the emulator; returns parsed JSON output."""
    aws = Path(sys.executable).parent / "aws"
    env = dict(
        os.environ,
        AWS_ACCESS_KEY_ID="test",
        AWS_SECRET_ACCESS_KEY="test",
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_MAX_ATTEMPTS="1",
    )
    cmd = [str(aws), "--endpoint-url", endpoint, *args, "--output", "json"]
    done = subprocess.run(
        cmd, check=False, env=env, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    return json.loads(done.stdout) if done.stdout.strip() else {}
