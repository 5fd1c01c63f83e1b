#!/usr/bin/env python3
"""Anonymous readers of `parledger serve` on a large ledger, measured with wrk.

Serves LEDGER (a benchmark ledger, e.g. the 1,000,000-event one tools/bench appends) with the given
parledger, waits until the server has made its bundle archive (its own start-up work), then runs wrk
with --connections concurrent connections (50) and no think time, twice, for --duration seconds each:

- public: the public page of every published cycle (/cycles/<cycle>), computed once per publication
  and ledger head;
- unit-as-of: a unit's scores as of an event (/api/explorer/cycles/<cycle>/units/<unit>?through=N),
  for --views random (cycle, unit, event) picks, each event between the cycle's opening and the head.

Prints one JSON object: per run the requests per second, latency p50/p90/p99/max in seconds, the
count of failed (non-2xx) or broken requests and of those still unanswered after 120 s; exits 1 when
any request failed.

    tools/web_bench.py --ledger bench-results/ledger --parledger .build/release/parledger
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

WRK_SCRIPT = """
local paths = {}
for line in io.lines(os.getenv("PATHS_FILE")) do paths[#paths + 1] = line end
local index = 0
request = function()
  index = index % #paths + 1
  return wrk.format("GET", paths[index])
end
"""


def events_of_type(parledger, ledger, event_type):
    out = subprocess.run([parledger, "log", "--ledger", ledger, "--type", event_type, "--json"],
                         check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def head_of(parledger, ledger):
    out = subprocess.run([parledger, "verify", "--ledger", ledger, "--quiet"], check=True, capture_output=True,
                         text=True).stdout
    return int(re.search(r"OK: (\d+) events", out).group(1))


def seconds(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]


def run_wrk(base, paths, connections, duration, work):
    paths_file = os.path.join(work, "paths.txt")
    script = os.path.join(work, "paths.lua")
    Path(paths_file).write_text("\n".join(paths) + "\n")
    Path(script).write_text(WRK_SCRIPT)
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "120s", "--latency", "-s",
                          script, base],
                         check=True, capture_output=True, text=True, env={**os.environ, "PATHS_FILE": paths_file},
                         timeout=duration + 120).stdout
    percentiles = {int(p): seconds(v) for p, v in re.findall(r"^\s+(\d+)%\s+(\S+)\s*$", out, re.M)}
    maximum = re.search(r"Latency\s+\S+\s+\S+\s+(\S+)", out).group(1)
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    broken = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if percentiles.get(99) is None:
        sys.stderr.write(out)
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "requestsPerSecond": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50Seconds": percentiles.get(50), "p90Seconds": percentiles.get(90), "p99Seconds": percentiles.get(99),
        "maxSeconds": seconds(maximum), "failed": failed + (sum(map(int, broken.groups()[:3])) if broken else 0),
        "timedOut": int(broken.group(4)) if broken else 0,
    }


def serve(parledger, ledger, log):
    """`parledger serve` on a free port of loopback, and its address once it listens."""
    # wrk is one address hammering on purpose: no visitor limits here.
    process = subprocess.Popen([parledger, "serve", "--ledger", ledger, "--port", "0", "--log-level", "error",
                                "--page-limit", "0", "--download-limit", "0"],
                               stdout=subprocess.PIPE, stderr=log)
    address = re.search(r"at (http://[^/ ]+)/", process.stdout.readline().decode("utf-8", "replace"))
    if not address:
        process.kill()
        sys.exit("web_bench: parledger serve did not start")
    return process, address.group(1)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--parledger", default=".build/release/parledger")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=20)
    parser.add_argument("--views", type=int, default=2_000, help="distinct (cycle, unit, event) views asked for")
    args = parser.parse_args()

    opened = [event for event in events_of_type(args.parledger, args.ledger, "CycleOpened")]
    published = {event["payload"]["cycle"] for event in events_of_type(args.parledger, args.ledger, "ResultsPublished")}
    head = head_of(args.parledger, args.ledger)
    if not published:
        sys.exit("web_bench: the ledger has no published cycle")
    picks = random.Random(7)
    views = []
    for _ in range(args.views):
        event = picks.choice(opened)
        unit = picks.choice(event["payload"]["units"])["id"]
        views.append(f"/api/explorer/cycles/{event['payload']['cycle']}/units/{unit}"
                     f"?through={picks.randint(event['seq'], head)}")
    public = [f"/cycles/{cycle}" for cycle in sorted(published)]

    with tempfile.TemporaryDirectory(prefix="parledger-web-bench-") as work, \
            open(os.path.join(work, "serve.log"), "wb") as log:
        process, base = serve(args.parledger, args.ledger, log)
        try:
            started = time.monotonic()
            # The server makes its bundle archive when it starts; readers are measured once it is made.
            urllib.request.urlopen(base + f"/cycles/{sorted(published)[0]}/bundle", timeout=1800).read()
            warm = time.monotonic() - started
            for path in public:  # the first visit computes each public page, later ones read it
                urllib.request.urlopen(base + path, timeout=600).read()
            results = {
                "events": head, "connections": args.connections, "durationSeconds": args.duration,
                "startupSeconds": round(warm, 3), "views": len(views), "publicPages": len(public),
                "public": run_wrk(base, public, args.connections, args.duration, work),
                "unitAsOf": run_wrk(base, views, args.connections, args.duration, work),
            }
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
    print(json.dumps(results, sort_keys=True))
    if results["public"]["failed"] or results["unitAsOf"]["failed"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
