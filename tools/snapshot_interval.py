#!/usr/bin/env python3
"""How often to store a snapshot of the state: what each interval costs the append and the disk, and
what it gives views of the past. For each interval, appends the same synthetic cycles
(`parledger-bench append --snapshot-interval N`), then times views of a random unit of a random cycle
as of a random event (`parledger-bench views`). Prints a Markdown table; BENCHMARKS.md keeps the one
that chose `ScoringLedger.defaultSnapshotInterval`.

    tools/snapshot_interval.py                      # 200,000 events, intervals 10k … 1M
    tools/snapshot_interval.py --events 100000 --intervals 25000,100000
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_json(command):
    return json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])


def allocated_mib(directory):
    return sum(os.stat(os.path.join(directory, name)).st_blocks * 512 for name in os.listdir(directory)) / 2**20


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=200_000)
    parser.add_argument("--intervals", default="10000,25000,50000,100000,1000000")
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--bench", default=os.path.join(ROOT, ".build/release/parledger-bench"))
    args = parser.parse_args()
    if not os.path.exists(args.bench):
        sys.exit(f"snapshot_interval: build it first: swift build -c release --product parledger-bench")
    rows = []
    with tempfile.TemporaryDirectory(prefix="parledger-snapshots-") as work:
        for interval in [int(value) for value in args.intervals.split(",")]:
            ledger = os.path.join(work, f"ledger-{interval}")
            append = run_json([args.bench, "append", "--ledger", ledger, "--events", str(args.events), "--quiet",
                               "--snapshot-interval", str(interval),
                               "--frameworks", os.path.join(ROOT, "schemas/frameworks")])
            views = run_json([args.bench, "views", "--ledger", ledger, "--samples", str(args.samples)])
            rows.append((interval, append["events"] / append["seconds"], allocated_mib(ledger),
                         views["viewP50Seconds"] * 1e3, views["viewP99Seconds"] * 1e3))
            shutil.rmtree(ledger)
    print(f"| snapshot every | append, events/s | ledger on disk, MiB | view p50, ms | view p99, ms |")
    print("|---:|---:|---:|---:|---:|")
    for interval, rate, mib, p50, p99 in rows:
        print(f"| {interval:,} events | {rate:,.0f} | {mib:,.0f} | {p50:,.1f} | {p99:,.1f} |")


if __name__ == "__main__":
    main()
