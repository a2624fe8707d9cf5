"""The per-call table of bench/run.sh, from the raw figures of its load runs.

Usage: rows.py RUNS_TSV CLK_TCK INSTRUCTIONS FLOOR_NAME PER_REQUEST_HEADING

Each line of RUNS_TSV is one wrk run: name, requests, duration in µs, p50 and p99 in µs,
non-2xx answers, socket errors, the server's user CPU ticks (or its instruction count when
INSTRUCTIONS is set) and its kernel CPU ticks. A call run in several rounds is reported by
its median run (the lower middle one for an even count), with the spread of all its runs;
with a floor row, each call also shows how much more than the floor it costs.
"""

import sys


def main():
    runs_path, clk_tck, instructions, floor_name, heading = sys.argv[1:]
    clk_tck = int(clk_tck)
    runs = {}
    for line in open(runs_path):
        name, requests, duration_us, p50, p99, non2xx, sock, measure, kernel = line.rstrip("\n").split("\t")
        runs.setdefault(name, []).append(
            dict(
                requests=int(requests),
                seconds=int(duration_us) / 1e6,
                p50=int(p50) / 1000,
                p99=int(p99) / 1000,
                non2xx=int(non2xx),
                sock=int(sock),
                measure=int(measure),
                kernel=int(kernel),
            )
        )

    def per_request(run):
        """Instructions, or µs of (user, kernel) CPU, per request."""
        n = max(run["requests"], 1)
        if instructions:
            return run["measure"] / n, 0.0
        us = lambda ticks: ticks * 1e6 / clk_tck / n
        return us(run["measure"]), us(run["kernel"])

    def total(run):
        return sum(per_request(run))

    medians = {name: sorted(rs, key=total)[(len(rs) - 1) // 2] for name, rs in runs.items()}
    floor = medians.get(floor_name)
    several = any(len(rs) > 1 for rs in runs.values())

    columns = ["call", "req/s", "p50 ms", "p99 ms", heading]
    if several:
        columns.append("spread of runs")
    if floor:
        columns.append("over the floor")
    columns += ["non-2xx", "socket errors"]
    print("| " + " | ".join(columns) + " |")
    print("| --- |" + " ---: |" * (len(columns) - 1))
    for name, rs in runs.items():
        run = medians[name]
        user, kernel = per_request(run)
        if instructions:
            cell = f"{user:,.0f}"
        else:
            cell = f"{user + kernel:.1f} ({user:.1f} + {kernel:.1f})"
        row = [name, f"{run['requests'] / run['seconds']:,.0f}", f"{run['p50']:.2f}", f"{run['p99']:.2f}", cell]
        if several:
            low, high = min(map(total, rs)), max(map(total, rs))
            row.append(f"{low:,.0f}–{high:,.0f} ({len(rs)})" if instructions else f"{low:.1f}–{high:.1f} ({len(rs)})")
        if floor:
            more = total(run) - total(floor)
            row.append("—" if run is floor else (f"{more:+,.0f}" if instructions else f"{more:+.1f}"))
        row += [str(sum(r["non2xx"] for r in rs)), str(sum(r["sock"] for r in rs))]
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
