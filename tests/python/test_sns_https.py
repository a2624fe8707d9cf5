"""SNS delivery to HTTPS endpoints: a TLS server this test runs, with certificates from a CA
made here, and ferrostack processes of the test's own that trust that CA (SSL_CERT_FILE) or
skip verification (SNS_HTTPS_VERIFY=0). Shows the SubscriptionConfirmation handshake,
notifications and raw delivery over TLS, SNI, and that a certificate AWS would reject
(unknown CA, wrong host name) or a vanished endpoint fails the delivery, which then goes to
the subscription's dead-letter queue."""

import contextlib
import datetime
import functools
import http.server
import ipaddress
import json
import socket
import ssl
import threading
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

import harness


class CA:
    """A certificate authority: its certificate, and leaf certificates it signs."""

    def __init__(self, name):
        self.name = name
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.cert = (
            _builder(name, name, self.key.public_key())
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=False,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=True,
                    crl_sign=True,
                    encipher_only=False,
                    decipher_only=False,
                ),
                critical=True,
            )
            .sign(self.key, hashes.SHA256())
        )

    def pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    def server_context(self, directory, *names):
        """An SSL server context presenting a certificate for `names` (DNS names or IPs)."""
        key = ec.generate_private_key(ec.SECP256R1())
        alt_names = [_alt_name(n) for n in names]
        cert = (
            _builder(names[0], self.name, key.public_key())
            .add_extension(x509.SubjectAlternativeName(alt_names), critical=False)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(self.key, hashes.SHA256())
        )
        stem = directory / f"{names[0]}-{cert.serial_number:x}"
        cert_file, key_file = stem.with_suffix(".crt"), stem.with_suffix(".key")
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        return context


def _builder(subject, issuer, public_key):
    now = datetime.datetime.now(datetime.timezone.utc)
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)]))
        .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer)]))
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
    )


def _alt_name(name):
    try:
        return x509.IPAddress(ipaddress.ip_address(name))
    except ValueError:
        return x509.DNSName(name)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    """The trusted CA (written to ca.pem), an untrusted one, and server contexts they sign."""
    directory = tmp_path_factory.mktemp("pki")
    trusted, untrusted = CA("ferrostack test CA"), CA("nobody trusts this CA")
    ca_file = directory / "ca.pem"
    ca_file.write_bytes(trusted.pem())
    return {
        "ca_file": ca_file,
        "good": trusted.server_context(directory, "localhost", "127.0.0.1", "::1"),
        "wrong host name": trusted.server_context(directory, "elsewhere.test"),
        "unknown CA": untrusted.server_context(directory, "localhost", "127.0.0.1"),
    }


def start_ferrostack(tmp_path_factory, name, **env):
    """A ferrostack process of this module's own, started with `env` added to the environment."""
    with pytest.MonkeyPatch.context() as patch:
        for key in ("SSL_CERT_FILE", "SSL_CERT_DIR", "SNS_HTTPS_VERIFY"):
            patch.delenv(key, raising=False)
        for key, value in env.items():
            patch.setenv(key, str(value))
        try:
            return harness.Server(tmp_path_factory.mktemp(name) / "server.log")
        except RuntimeError as err:
            pytest.fail(f"cannot start ferrostack ({name}): {err}")


@pytest.fixture(scope="module")
def verifying(tmp_path_factory, pki):
    """Trusts the test CA, as a user would with SSL_CERT_FILE, and verifies as AWS does."""
    server = start_ferrostack(tmp_path_factory, "verifying", SSL_CERT_FILE=pki["ca_file"])
    yield server
    problem = server.stop()
    assert problem is None, f"{problem}\n{server.log_tail()}"


@pytest.fixture(scope="module")
def not_verifying(tmp_path_factory):
    server = start_ferrostack(tmp_path_factory, "not-verifying", SNS_HTTPS_VERIFY="0")
    yield server
    problem = server.stop()
    assert problem is None, f"{problem}\n{server.log_tail()}"


class TLSServer(http.server.ThreadingHTTPServer):
    """Records each POST (answering with the next of `statuses`, else 200), the SNI name of
    every handshake, and the number of connections; `context` may change between requests."""

    def __init__(self, context, host="127.0.0.1"):
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        super().__init__((host, 0), Recorder)
        self.requests, self.statuses, self.sni, self.connections = [], [], [], 0
        self.lock = threading.Lock()
        self.use(context)

    def use(self, context):
        context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
        self.context = context

    def get_request(self):
        sock, address = self.socket.accept()
        with self.lock:
            self.connections += 1
        try:
            return self.context.wrap_socket(sock, server_side=True), address
        except (OSError, ssl.SSLError):
            sock.close()
            raise

    def handle_error(self, request, client_address):
        pass  # a client that drops the connection is part of some tests


class Recorder(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        with self.server.lock:
            self.server.requests.append((self.path, dict(self.headers), body))
            status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def running(server):
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tls_server(pki):
    with running(TLSServer(pki["good"])) as server:
        yield server


def wait_for(server, count, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with server.lock:
            if len(server.requests) >= count:
                break
        time.sleep(0.02)
    with server.lock:
        return list(server.requests)


@functools.cache
def _clients(endpoint):
    return harness.make_client(endpoint, "sns"), harness.make_client(endpoint, "sqs")


def clients(ferrostack):
    """SNS and SQS clients of one of this module's ferrostack processes (made once: a boto3
    client costs a model load)."""
    return _clients(ferrostack.endpoint)


def url(server, host="127.0.0.1", path="/hook"):
    return f"https://{host}:{server.server_address[1]}{path}"


def subscribe_and_confirm(sns, server, topic, endpoint_url, **attributes):
    """Subscribes; checks the SubscriptionConfirmation POST; confirms by visiting its SubscribeURL."""
    pending = sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=endpoint_url, Attributes=attributes)
    assert pending["SubscriptionArn"] == "pending confirmation"
    [(path, headers, body)] = wait_for(server, 1)
    confirmation = json.loads(body)
    assert path == "/hook"
    assert headers["x-amz-sns-message-type"] == confirmation["Type"] == "SubscriptionConfirmation"
    assert headers["x-amz-sns-topic-arn"] == confirmation["TopicArn"] == topic
    assert confirmation["Token"] in confirmation["SubscribeURL"]
    status, _, answer = harness.http_request("GET", confirmation["SubscribeURL"])
    assert status == 200 and b"<SubscriptionArn>" in answer
    [sub] = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    attrs = sns.get_subscription_attributes(SubscriptionArn=sub["SubscriptionArn"])["Attributes"]
    assert (attrs["PendingConfirmation"], attrs["Protocol"], attrs["Endpoint"]) == ("false", "https", endpoint_url)
    with server.lock:
        server.requests.clear()
        server.sni.clear()
    return sub["SubscriptionArn"]


def test_confirmation_handshake_names_the_host_in_sni(verifying, tls_server):
    sns, _ = clients(verifying)
    topic = sns.create_topic(Name="tls-handshake")["TopicArn"]
    endpoint_url = url(tls_server, host="localhost")
    sns.subscribe(TopicArn=topic, Protocol="https", Endpoint=endpoint_url)
    [(_, headers, body)] = wait_for(tls_server, 1)
    assert tls_server.sni == ["localhost"]
    assert headers["Host"] == f"localhost:{tls_server.server_address[1]}"
    assert headers["User-Agent"] == "Amazon Simple Notification Service Agent"
    # ConfirmSubscription with the token is the other way to confirm.
    token = json.loads(body)["Token"]
    sub = sns.confirm_subscription(TopicArn=topic, Token=token)["SubscriptionArn"]
    assert sns.get_subscription_attributes(SubscriptionArn=sub)["Attributes"]["PendingConfirmation"] == "false"


def test_notifications_over_https(verifying, tls_server):
    sns, _ = clients(verifying)
    topic = sns.create_topic(Name="tls-notify")["TopicArn"]
    sub = subscribe_and_confirm(sns, tls_server, topic, url(tls_server))
    published = sns.publish(
        TopicArn=topic,
        Message="hello over tls",
        Subject="s",
        MessageAttributes={"k": {"DataType": "String", "StringValue": "v"}},
    )
    [(path, headers, body)] = wait_for(tls_server, 1)
    assert path == "/hook"
    assert tls_server.sni == [None]  # an IP address is not sent as a server name
    assert headers["x-amz-sns-message-type"] == "Notification"
    assert headers["x-amz-sns-message-id"] == published["MessageId"]
    assert headers["x-amz-sns-topic-arn"] == topic
    assert headers["x-amz-sns-subscription-arn"] == sub
    assert headers["Content-Type"] == "text/plain; charset=UTF-8"
    assert "x-amz-sns-rawdelivery" not in headers
    doc = json.loads(body)
    assert (doc["Type"], doc["MessageId"], doc["TopicArn"]) == ("Notification", published["MessageId"], topic)
    assert (doc["Message"], doc["Subject"]) == ("hello over tls", "s")
    assert doc["MessageAttributes"] == {"k": {"Type": "String", "Value": "v"}}
    assert {"Timestamp", "SignatureVersion", "Signature", "SigningCertURL"} <= doc.keys()
    assert sub in doc["UnsubscribeURL"]


def test_raw_delivery_over_https(verifying, tls_server):
    sns, _ = clients(verifying)
    topic = sns.create_topic(Name="tls-raw")["TopicArn"]
    sub = subscribe_and_confirm(sns, tls_server, topic, url(tls_server))
    sns.set_subscription_attributes(SubscriptionArn=sub, AttributeName="RawMessageDelivery", AttributeValue="true")
    sns.publish(TopicArn=topic, Message="just this")
    [(_, headers, body)] = wait_for(tls_server, 1)
    assert body == "just this"
    assert headers["x-amz-sns-rawdelivery"] == "true"


def test_failed_posts_are_retried_over_https(verifying, tls_server):
    sns, _ = clients(verifying)
    topic = sns.create_topic(Name="tls-retry")["TopicArn"]
    subscribe_and_confirm(sns, tls_server, topic, url(tls_server))
    tls_server.statuses.extend([503])
    sns.publish(TopicArn=topic, Message="second time lucky")
    requests = wait_for(tls_server, 2)
    assert [json.loads(body)["Message"] for _, _, body in requests] == ["second time lucky"] * 2


# What each failure looks like in the server's log line for the failed delivery.
FAILURES = {
    "unknown CA": "invalid peer certificate: UnknownIssuer",
    "wrong host name": 'certificate not valid for name "127.0.0.1"',
    "endpoint gone": "Connection refused",
}


def test_ipv6_address_endpoints(verifying, pki):
    try:
        server = TLSServer(pki["good"], host="::1")
    except OSError:
        pytest.skip("no IPv6 loopback here")
    with running(server):
        sns, _ = clients(verifying)
        topic = sns.create_topic(Name="tls-ipv6")["TopicArn"]
        subscribe_and_confirm(sns, server, topic, url(server, host="[::1]"))
        sns.publish(TopicArn=topic, Message="over v6")
        [(_, headers, body)] = wait_for(server, 1)
        assert json.loads(body)["Message"] == "over v6"
        assert headers["Host"] == f"[::1]:{server.server_address[1]}"
        assert server.sni == [None]


@pytest.mark.parametrize("failure", FAILURES)
def test_failed_tls_deliveries_go_to_the_dead_letter_queue(verifying, tls_server, pki, failure):
    sns, sqs = clients(verifying)
    name = "tls-dlq-" + failure.replace(" ", "-")  # the ferrostack process is the module's
    topic = sns.create_topic(Name=name)["TopicArn"]
    dlq_url = sqs.create_queue(QueueName=name)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sub = subscribe_and_confirm(
        sns,
        tls_server,
        topic,
        url(tls_server),
        RedrivePolicy=json.dumps({"deadLetterTargetArn": dlq_arn}),
        DeliveryPolicy=json.dumps({"healthyRetryPolicy": {"numRetries": 1}}),
    )
    with tls_server.lock:
        tls_server.connections = 0
    if failure == "endpoint gone":
        tls_server.shutdown()
        tls_server.server_close()
    else:
        tls_server.use(pki[failure])
    published = sns.publish(TopicArn=topic, Message="undeliverable")
    messages = sqs.receive_message(QueueUrl=dlq_url, WaitTimeSeconds=5).get("Messages", [])
    assert len(messages) == 1
    body = json.loads(messages[0]["Body"])
    assert (body["MessageId"], body["Message"]) == (published["MessageId"], "undeliverable")
    assert sub in body["UnsubscribeURL"]
    assert tls_server.requests == []
    if failure != "endpoint gone":
        assert tls_server.connections == 2  # first try and one retry, each refused at the handshake
    [logged] = [line for line in verifying.log_tail(400).splitlines() if sub in line and "delivery failed" in line]
    assert FAILURES[failure] in logged


def test_without_verification_an_untrusted_certificate_is_accepted(not_verifying, tls_server, pki):
    tls_server.use(pki["unknown CA"])
    sns, _ = clients(not_verifying)
    topic = sns.create_topic(Name="tls-self-signed")["TopicArn"]
    subscribe_and_confirm(sns, tls_server, topic, url(tls_server, host="localhost"))
    sns.publish(TopicArn=topic, Message="trusted anyway")
    [(_, headers, body)] = wait_for(tls_server, 1)
    assert json.loads(body)["Message"] == "trusted anyway"
    assert tls_server.sni == ["localhost"]
    log = not_verifying.log_path.read_text(errors="replace")
    assert log.count("SNS_HTTPS_VERIFY=0") == 1, log
