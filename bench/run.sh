#!/usr/bin/env bash
# ferrostack benchmark: startup time, idle RSS, and for four representative calls the throughput,
# latency and server CPU per request under a fixed loopback load. Prints a markdown report.
#
# Not a test (tests/run does not call it). Env knobs:
#   FERROSTACK_BIN (target/release/ferrostack), FLOOR_BIN (target/release/examples/hyper_floor;
#   the floor row is left out when it is missing), BENCH_DURATION seconds per call (10),
#   BENCH_CONNECTIONS (16), BENCH_THREADS wrk threads (2), BENCH_STARTS startup tries (10),
#   BENCH_ROUNDS (1): rounds of all the load runs, each on freshly started servers; a row
#   then reports its median run and the spread, which tells a change from the machine's
#   swings (steal time on a shared host moves single runs by a quarter).
#   BENCH_INSTRUCTIONS=1 runs the server under valgrind's callgrind and reports the server's
#   user-space instructions per request instead of its CPU time: a count that does not move
#   with the machine's load, for telling small changes apart (needs valgrind; slow).
#   BENCH_PEER=ministack|moto loads that peer (pinned in bench/peers-requirements.txt, installed
#   into BENCH_PEER_VENV, default bench/.peers) with the same calls instead, for a comparison
#   on the same machine on the same day (no floor row, no startup figures).
set -euo pipefail

cd "$(dirname "$0")/.."
BIN=${FERROSTACK_BIN:-target/release/ferrostack}
FLOOR_BIN=${FLOOR_BIN:-target/release/examples/hyper_floor}
DURATION=${BENCH_DURATION:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
THREADS=${BENCH_THREADS:-2}
STARTS=${BENCH_STARTS:-10}
ROUNDS=${BENCH_ROUNDS:-1}
BENCH_DIR=$PWD/bench
PEER=${BENCH_PEER:-}
HEALTH=/_localstack/health

if [ -n "$PEER" ]; then
    case $PEER in
        ministack | moto) ;;
        *) echo "BENCH_PEER is ministack or moto, not $PEER" >&2; exit 1 ;;
    esac
    [ -z "${BENCH_INSTRUCTIONS:-}" ] || { echo "BENCH_INSTRUCTIONS counts ferrostack only" >&2; exit 1; }
    PEER_VENV=${BENCH_PEER_VENV:-$BENCH_DIR/.peers}
    [ -x "$PEER_VENV/bin/pip" ] || python3 -m venv "$PEER_VENV"
    "$PEER_VENV/bin/pip" install -q -r "$BENCH_DIR/peers-requirements.txt"
    [ "$PEER" = moto ] && HEALTH=/moto-api/
    FLOOR_BIN=
else
    if [ -z "${FERROSTACK_BIN:-}" ]; then
        cargo build --release --quiet --bin ferrostack --example hyper_floor
    fi
    [ -x "$BIN" ] || { echo "no binary at $BIN" >&2; exit 1; }
fi
if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk </dev/null >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk </dev/null >/dev/null; }
fi

WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ -z "$PEER" ]; then
    echo "measuring startup ($STARTS starts)..." >&2
    read -r START_MEDIAN START_MIN START_MAX IDLE_RSS < <(python3 "$BENCH_DIR/startup.py" "$BIN" "$STARTS")
fi

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
INSTRUCTIONS=${BENCH_INSTRUCTIONS:-}
RUNNER=()
if [ -n "$INSTRUCTIONS" ]; then
    command -v valgrind >/dev/null || { echo "BENCH_INSTRUCTIONS needs valgrind (apt-get install valgrind)" >&2; exit 1; }
    # Counting starts only around each load run (callgrind_control -i on/off below).
    RUNNER=(valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$WORK/callgrind.out")
fi
# start_server BINARY: runs it (or the peer) on $PORT (under callgrind when counting) and
# waits for it.
start_server() {
    case $PEER in
        ministack) GATEWAY_PORT=$PORT "$PEER_VENV/bin/ministack" >"$WORK/server.log" 2>&1 & ;;
        moto) "$PEER_VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" >"$WORK/server.log" 2>&1 & ;;
        *) GATEWAY_LISTEN=127.0.0.1:$PORT "${RUNNER[@]}" "$1" >"$WORK/server.log" 2>&1 & ;;
    esac
    SERVER_PID=$!
    for _ in $(seq 600); do
        curl -fs "$URL$HEALTH" >/dev/null && break
        sleep 0.05
    done
    curl -fs "$URL$HEALTH" >/dev/null || { echo "server did not come up:" >&2; cat "$WORK/server.log" >&2; exit 1; }
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# The emulator accepts any signature with the test credentials; the credential scope routes the call.
auth() { echo "Authorization: AWS4-HMAC-SHA256 Credential=test/20260101/us-east-1/$1/aws4_request, SignedHeaders=host;x-amz-date, Signature=$(printf '0%.0s' $(seq 64))"; }
DATE_HEADER="X-Amz-Date: 20260101T000000Z"

# setup METHOD PATH BODY HEADER... : one request that must succeed; prints the response body.
setup() {
    local method=$1 path=$2 body=$3; shift 3
    local args=(-sS -X "$method" -o "$WORK/out" -w '%{http_code}' --data-binary "$body")
    for header in "$@"; do args+=(-H "$header"); done
    local code
    code=$(curl "${args[@]}" "$URL$path")
    [[ $code == 2* ]] || { echo "setup $method $path answered $code: $(cat "$WORK/out")" >&2; exit 1; }
    cat "$WORK/out"
}

# utime and stime: fields 14 and 15 of /proc/PID/stat, i.e. 12 and 13 once "pid (comm) " is cut off.
cpu_ticks() { sed 's/^.*) //' "/proc/$SERVER_PID/stat" | awk '{print $12, $13}'; }
CLK_TCK=$(getconf CLK_TCK)

# load NAME METHOD PATH BODY HEADER... : wrk at the configured load, one markdown row.
load() {
    local name=$1 method=$2 path=$3 body=$4; shift 4
    local headers
    headers=$(printf '%s\n' "$@")
    echo "load: $name (${DURATION}s, $CONNECTIONS connections)..." >&2
    local run=(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 5s -s "$BENCH_DIR/request.lua" "$URL")
    export BENCH_METHOD=$method BENCH_PATH=$path BENCH_BODY=$body BENCH_HEADERS=$headers
    local user0 sys0 user1 sys1 result
    if [ -n "$INSTRUCTIONS" ]; then
        # Warm up uncounted, then count exactly the measured run.
        wrk -t1 -c"$CONNECTIONS" -d2s -s "$BENCH_DIR/request.lua" "$URL" >/dev/null
        callgrind_control -z "$SERVER_PID" >/dev/null && callgrind_control -i on "$SERVER_PID" >/dev/null
    fi
    read -r user0 sys0 < <(cpu_ticks)
    result=$("${run[@]}" | grep '^RESULT')
    read -r user1 sys1 < <(cpu_ticks)
    local measure=$((user1 - user0)) kernel=$((sys1 - sys0))
    if [ -n "$INSTRUCTIONS" ]; then
        callgrind_control -i off "$SERVER_PID" >/dev/null
        rm -f "$WORK"/callgrind.out.*
        callgrind_control -d "$SERVER_PID" >/dev/null
        sleep 0.5
        measure=$(cat "$WORK"/callgrind.out.* | awk '/^totals:/ {print $2; exit}')
    fi
    eval "${result#RESULT }"  # requests= duration_us= p50_us= p99_us= non2xx= socket_errors=
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$requests" "$duration_us" "$p50_us" "$p99_us" \
        "$non2xx" "$socket_errors" "$measure" "$kernel" >>"$WORK/runs.tsv"
}

STS_REQUEST=(POST / "Action=GetCallerIdentity&Version=2011-06-15"
    "Content-Type: application/x-www-form-urlencoded; charset=utf-8" "$(auth sts)" "$DATE_HEADER")

FLOOR_ROW="floor: hyper + tokio, fixed answer"
for round in $(seq "$ROUNDS"); do
    [ "$ROUNDS" = 1 ] || echo "round $round of $ROUNDS" >&2
    # The floor: the same runtime and hyper setup answering a fixed body (examples/hyper_floor.rs).
    if [ -n "$FLOOR_BIN" ] && [ -x "$FLOOR_BIN" ]; then
        start_server "$FLOOR_BIN"
        load "$FLOOR_ROW" "${STS_REQUEST[@]}"
        stop_server
    fi

    start_server "$BIN"
    SSM_HEADERS=("Content-Type: application/x-amz-json-1.1" "$(auth ssm)" "$DATE_HEADER")
    setup POST / '{"Name":"/bench/param","Value":"bench-value","Type":"String","Overwrite":true}' \
        "X-Amz-Target: AmazonSSM.PutParameter" "${SSM_HEADERS[@]}" >/dev/null

    SQS_HEADERS=("Content-Type: application/x-amz-json-1.0" "$(auth sqs)" "$DATE_HEADER")
    QUEUE_URL=$(setup POST / '{"QueueName":"bench-queue"}' "X-Amz-Target: AmazonSQS.CreateQueue" "${SQS_HEADERS[@]}" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["QueueUrl"])')

    S3_HEADERS=("$(auth s3)" "$DATE_HEADER" "x-amz-content-sha256: UNSIGNED-PAYLOAD")
    setup PUT /bench-bucket '' "${S3_HEADERS[@]}" >/dev/null
    head -c 1024 /dev/zero | tr '\0' 'x' >"$WORK/object"
    setup PUT /bench-bucket/object-1k "$(cat "$WORK/object")" "${S3_HEADERS[@]}" >/dev/null

    load "STS GetCallerIdentity (query)" "${STS_REQUEST[@]}"
    load "SSM GetParameter (json 1.1)" POST / '{"Name":"/bench/param"}' \
        "X-Amz-Target: AmazonSSM.GetParameter" "${SSM_HEADERS[@]}"
    load "SQS SendMessage (json 1.0)" POST / "{\"QueueUrl\":\"$QUEUE_URL\",\"MessageBody\":\"bench message\"}" \
        "X-Amz-Target: AmazonSQS.SendMessage" "${SQS_HEADERS[@]}"
    load "S3 GetObject 1 KiB (rest-xml)" GET /bench-bucket/object-1k "" "${S3_HEADERS[@]}"

    # Memory of the last round's server, which the report shows.
    LOADED_RSS=$(awk '/^VmRSS:/ {print $2}' "/proc/$SERVER_PID/status")
    PEAK_RSS=$(awk '/^VmHWM:/ {print $2}' "/proc/$SERVER_PID/status")
    stop_server
done

if [ -n "$INSTRUCTIONS" ]; then
    PER_REQUEST="server instructions/req"
    PER_REQUEST_NOTE="Server instructions per request = user-space instructions callgrind counted in the server over the run / requests (kernel work not included); the server ran under valgrind, so req/s, latencies and RSS are valgrind's."
else
    PER_REQUEST="server CPU µs/req (user + kernel)"
    PER_REQUEST_NOTE="Server CPU per request = (utime + stime of the server process over the run) / requests; wrk shares the 2 cores."
    [ -n "$PEER" ] || PER_REQUEST_NOTE+=" The floor row is examples/hyper_floor.rs: the same runtime, allocator and hyper setup answering a fixed body, so a call's CPU over the floor's is what routing, the protocol layer and the handler add."
fi

mib() { awk -v kib="$1" 'BEGIN { printf "%.1f", kib / 1024 }'; }

if [ -n "$PEER" ]; then
    SUBJECT="$PEER $(grep -i "^$PEER" "$BENCH_DIR/peers-requirements.txt" | sed 's/.*==//')"
    METRIC_ROWS=
else
    SUBJECT="ferrostack, commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
    METRIC_ROWS="| startup to first health answer (median of $STARTS) | $START_MEDIAN ms (min $START_MIN, max $START_MAX) |
| idle RSS after startup (median) | $(mib "$IDLE_RSS") MiB ($IDLE_RSS KiB) |
"
fi
METRIC_ROWS+="| RSS after the load runs / peak | $(mib "$LOADED_RSS") MiB / $(mib "$PEAK_RSS") MiB |"

cat <<EOF

## benchmark: $SUBJECT

$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, wrk $THREADS threads / $CONNECTIONS connections / ${DURATION}s per call, $ROUNDS round(s), loopback.

| metric | value |
| --- | --- |
$METRIC_ROWS

$(python3 "$BENCH_DIR/rows.py" "$WORK/runs.tsv" "$CLK_TCK" "$INSTRUCTIONS" "$FLOOR_ROW" "$PER_REQUEST")

$PER_REQUEST_NOTE
EOF
