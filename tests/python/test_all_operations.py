"""Walk every operation of the served services in botocore's own models with a minimal valid input.

Every operation must get a well-formed answer: a parsed success, or a protocol error with a code
and a 4xx status (501 only for the code NotImplemented). Anything else is a failure: 5xx answers,
error bodies without a parseable code, dropped connections, timeouts.
The per-service table of real vs NotImplemented operations is printed at the end of the run and
written to target/coverage-walk.txt, with the operations the server says do not exist: those are
in botocore's model, so they should answer NotImplemented, but they are well-formed answers and
do not fail the walk.
"""

from collections import Counter

import botocore.session
import pytest
from botocore.config import Config
from botocore.eventstream import EventStream
from botocore.exceptions import ClientError, ParamValidationError
from botocore.response import StreamingBody

import harness
from minimal_input import GeneratorError, minimal_input

# botocore's names for the emulated services: the 21 of the brief, plus DynamoDB Streams.
SERVICES = [
    "s3", "sqs", "sns", "dynamodb", "lambda", "iam", "sts", "secretsmanager", "logs", "ssm", "events",
    "kinesis", "cloudwatch", "ses", "stepfunctions", "apigatewayv2", "ecs", "rds", "elasticache", "glue", "athena",
    "dynamodbstreams",
]

# Short timeouts: ~1,900 calls must finish in well under two minutes even if a few misbehave.
WALK_CONFIG = Config(connect_timeout=2, read_timeout=5)

# Outcome kinds: "ok" and "error" are real behaviour, "notimpl" is the agreed answer for the rest,
# "unknown" means the server denies the operation exists (counted apart, not as real behaviour).
# "broken" (the server's fault) and "harness" (the input generator's) fail the test.
FAILING = ("broken", "harness")
# Codes saying "no such operation": never right for an operation that is in AWS's own model.
UNKNOWN_OPERATION_CODES = {"UnknownOperationException", "UnknownOperation", "InvalidAction"}
RESULTS = {}  # service -> {operation: (kind, detail)}


def call(client, operation):
    """Returns (kind, detail) for one operation."""
    op_model = client.meta.service_model.operation_model(operation)
    try:
        params = minimal_input(op_model)
    except GeneratorError as err:
        return "harness", f"input generator: {err}"
    try:
        drain(client._make_api_call(operation, params))
        return "ok", ""
    except ClientError as err:
        return classify_error(err.response, op_model.http.get("method"))
    except ParamValidationError as err:
        return "harness", f"input generator built an invalid input: {err}"
    except Exception as err:  # noqa: BLE001 - every other exception is a wire-level failure
        return "broken", f"{type(err).__name__}: {err}"


def classify_error(response, method):
    code = response.get("Error", {}).get("Code")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    if not code:
        return "broken", f"HTTP {status} error without an error code"
    if code == "NotImplemented":
        return ("notimpl", "") if status == 501 else ("broken", f"NotImplemented with HTTP {status}, not 501")
    if code == str(status):
        # botocore found no code in the body and used the status. Right for HEAD (no body at all),
        # wrong for anything else: the body must be the protocol's error document.
        if method != "HEAD":
            return "broken", f"HTTP {status} error body without a parseable error code"
        if status == 501:
            return "notimpl", ""
    if code in UNKNOWN_OPERATION_CODES:
        return "unknown", code
    if status is None or status >= 500:
        return "broken", f"HTTP {status}, code {code!r}: {response['Error'].get('Message', '')}"
    return "error", code


def drain(result):
    """Consume streamed parts of a success so that framing errors surface here, not later."""
    for value in result.values():
        if isinstance(value, StreamingBody):
            value.read()
            value.close()
        elif isinstance(value, EventStream):
            # Live streams (SubscribeToShard, StartLiveTail) may run for minutes: the first event is enough.
            next(iter(value), None)
            value.close()


@pytest.mark.parametrize("service", SERVICES)
def test_walk(service, client, server):
    api = client(service, config=WALK_CONFIG)
    outcomes = RESULTS[service] = {}
    for operation in api.meta.service_model.operation_names:
        outcomes[operation] = call(api, operation)
        if outcomes[operation][0] == "broken" and not server.alive():
            pytest.fail(f"ferrostack died during {service}.{operation}:\n{server.log_tail()}")
    failures = [f"{op}: [{kind}] {detail}"[:300] for op, (kind, detail) in outcomes.items() if kind in FAILING]
    if failures:
        summary = f"{len(failures)} of {len(outcomes)} {service} operations failed:\n"
        pytest.fail(summary + "\n".join(failures), pytrace=False)


# (column, width) of the coverage table.
COLUMNS = (
    ("ops", 6), ("real", 7), ("ok", 6), ("error", 7), ("notimpl", 9), ("unknown", 9), ("broken", 8), ("harness", 9)
)


def row(name, counts):
    return f"{name:<16}" + "".join(f"{counts[column]:>{width}}" for column, width in COLUMNS)


def coverage_table():
    header = row("service", {column: column for column, _ in COLUMNS})
    lines = [header, "-" * len(header)]
    totals = Counter()
    for service, outcomes in RESULTS.items():
        counts = Counter(kind for kind, _ in outcomes.values())
        counts["ops"] = len(outcomes)
        counts["real"] = counts["ok"] + counts["error"]
        totals.update(counts)
        lines.append(row(service, counts))
    lines += ["-" * len(header), row("TOTAL", totals)]
    lines.append(
        "real = success or an error other than NotImplemented; unknown = 'no such operation' answers;"
        " broken = 5xx/unparseable/dropped answers; harness = input generator failures"
    )
    unknown = {svc: [op for op, (kind, _) in ops.items() if kind == "unknown"] for svc, ops in RESULTS.items()}
    if any(unknown.values()):
        lines.append("\nOperations in botocore's model that the server says do not exist (should be NotImplemented):")
        lines += [f"  {svc}: {' '.join(ops)}" for svc, ops in unknown.items() if ops]
    return "\n".join(lines)


@pytest.fixture(scope="module", autouse=True)
def _publish_table():
    yield
    if not RESULTS:
        return
    table = coverage_table()
    out = harness.REPO / "target" / "coverage-walk.txt"
    out.parent.mkdir(exist_ok=True)
    out.write_text(table + "\n")
    harness.REPORTS.append((f"operation walk coverage (also in {out.relative_to(harness.REPO)})", table))


def test_walk_covers_every_operation():
    """The walk is only meaningful if botocore's models are what we think they are."""
    session = botocore.session.get_session()
    total = sum(len(session.get_service_model(s).operation_names) for s in SERVICES)
    assert total > 1500, f"only {total} operations in botocore's models: wrong botocore installed?"
