"""Session fixtures: one ferrostack process for the whole run, boto3/CLI helpers aimed at it.

FERROSTACK_ENDPOINT=http://host:port runs the tests against an already running server instead
(handy while developing; reset and shutdown checks then apply to that server's lifetime as is).
"""

import os

import pytest

import harness

harness.hermetic_aws_environment()

# The server whose log tail the terminal summary prints when the run failed.
_server_for_summary = None


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    global _server_for_summary
    external = os.environ.get("FERROSTACK_ENDPOINT")
    if external:
        yield _External(external.rstrip("/"))
        return
    log_path = tmp_path_factory.mktemp("ferrostack") / "server.log"
    try:
        srv = harness.Server(log_path)
    except RuntimeError as err:
        tail = log_path.read_text(errors="replace")[-4000:] if log_path.exists() else ""
        pytest.exit(f"cannot start ferrostack: {err}\n--- server log ({log_path}) ---\n{tail}", returncode=1)
    _server_for_summary = srv
    yield srv
    problem = srv.stop()
    if problem:
        pytest.fail(f"{problem}\n--- server log tail ---\n{srv.log_tail()}")


class _External:
    """Stands in for harness.Server when the tests target a server someone else started."""

    def __init__(self, endpoint):
        self.endpoint = endpoint

    def alive(self):
        return True

    def log_tail(self, lines=60):
        return "(external server: no log)"

    reset = harness.Server.reset


@pytest.fixture(scope="session")
def endpoint(server):
    return server.endpoint


@pytest.fixture(autouse=True, scope="module")
def _reset_between_modules(server):
    """Each test module starts from an empty emulator, whatever ran before it."""
    server.reset()
    yield


@pytest.fixture(scope="session")
def client(endpoint):
    """client('sqs', config=Config(...), session=..., **boto3_kwargs) -> boto3 client at the emulator."""

    def make(service_name, **kwargs):
        return harness.make_client(endpoint, service_name, **kwargs)

    return make


@pytest.fixture(scope="session")
def protocol_client(endpoint):
    """protocol_client('cloudwatch', 'query') -> a client forced onto one wire protocol."""

    def make(service_name, protocol, **kwargs):
        session = harness.session_with_model(service_name, harness.force_protocol(protocol))
        return harness.make_client(endpoint, service_name, session=session, **kwargs)

    return make


@pytest.fixture(scope="session")
def sqs_query_client(endpoint):
    """SQS as SDKs spoke it before the JSON protocol: form-encoded Action=... with XML answers."""
    session = harness.session_with_model("sqs", harness.legacy_sqs_query_model)
    return harness.make_client(endpoint, "sqs", session=session)


@pytest.fixture(scope="session")
def aws_cli(endpoint):
    """aws_cli('sqs', 'create-queue', '--queue-name', 'q') -> parsed JSON output of the AWS CLI v1."""

    def run(*args, **kwargs):
        return harness.aws_cli(endpoint, *args, **kwargs)

    return run


def pytest_terminal_summary(terminalreporter, exitstatus):
    for title, text in harness.REPORTS:
        terminalreporter.write_sep("=", title)
        terminalreporter.write_line(text)
    if exitstatus != 0 and _server_for_summary is not None:
        terminalreporter.write_sep("=", f"ferrostack log tail ({_server_for_summary.log_path})")
        terminalreporter.write_line(_server_for_summary.log_tail())
