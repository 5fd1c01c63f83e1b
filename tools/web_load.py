#!/usr/bin/env python3
"""A bounded load test of `parledger serve` on loopback.

Makes a demo ledger in a temporary directory, serves it on a free port, and enrols four more
secretariat actors (so that each writer signs with a key of its own). Then, for --duration seconds:

- --readers threads (50), each logged in once as the secretariat, loop over the pages
  (/ket-qua/<cycle>, /van-phong/<cycle>, /) and the API's reads (cycle status, ranking, a random
  unit's scores, the trace of one of its criteria);
- --writers threads (5), each logged in with its own key, loop: prepare, sign (Ed25519) and submit a
  correction of a random criterion of a random unit of the published cycle (CorrectionRecorded,
  which the rules accept after publication).

Every request's latency is recorded; the report gives p50/p95/p99/max for page loads, API reads and
commands (prepare + sign + submit), throughput and errors, as a Markdown table. Then it checks that
nothing was lost: the ledger grew by exactly the events the writers were told were appended, every
returned (sequence, hash) is in the ledger (`parledger log --json`), and `parledger verify` passes.
Exits 1 on any error or loss.

Soak (--soak-minutes N): the same load for N minutes, sampled every --interval seconds: the server's
resident memory (VmRSS and RssAnon of /proc/PID/status) and the p99 latency of the reads (pages and
API reads) and of the commands completed in that interval. The first interval (logins, caches) is
left out; the median of the last quarter of the intervals is compared with the median of the first
quarter: the run fails when VmRSS grew by more than --memory-tolerance (a ratio, 1.5) or a p99 by
more than --latency-tolerance (2.0) — ratios, since a shared machine's noise is large — besides any
error or lost write as above.

    tools/web_load.py                 # 60 s
    tools/web_load.py --smoke         # 10 s
    tools/web_load.py --parledger .build/release/parledger
    tools/web_load.py --soak-minutes 30 --parledger .build/release/parledger
    tools/web_load.py --soak-minutes 2 --interval 10     # what tools/test runs
"""

import argparse
import base64
import json
import random
import re
import shutil
import signal
import subprocess
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
from demo_ledger import make_demo  # noqa: E402
from web_client import KEY_FILE_HEADER, CommandRefused, WebClient  # noqa: E402

CYCLE = "dien-bien-2020"
SECRETARIAT_KEY = "so-noi-vu-thuong-truc.key"


def percentile(values, fraction):
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, int(round(fraction * len(ordered) + 0.5)) - 1))
    return ordered[index]


class Recorder:
    """Latencies (seconds) and errors by kind of request, from every thread."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies = {}
        self.errors = []
        self.appended = []  # (sequence, hash) the writers were told were appended
        self.window = []  # (kind, seconds) completed since the soak's sampler last took them

    def timed(self, kind, call):
        started = time.perf_counter()
        try:
            result = call()
        except Exception as error:  # noqa: BLE001 — every failure is counted and reported
            with self.lock:
                self.errors.append(f"{kind}: {type(error).__name__}: {str(error)[:300]}")
            return None
        elapsed = time.perf_counter() - started
        with self.lock:
            self.latencies.setdefault(kind, []).append(elapsed)
            self.window.append((kind, elapsed))
        return result

    def take_window(self):
        with self.lock:
            window, self.window = self.window, []
        return window


def memory_kib(pid):
    """(VmRSS, RssAnon) of process `pid` in KiB, from /proc/PID/status."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "RssAnon"):
            fields[name] = int(value.split()[0])
    return fields["VmRSS"], fields["RssAnon"]


def sampler(pid, recorder, stop, interval, samples):
    """Every `interval` seconds until `stop`: the server's memory and the p99 of what completed meanwhile."""
    started = time.monotonic()
    while not stop.wait(interval):
        window = recorder.take_window()
        reads = [seconds for kind, seconds in window if kind in ("page", "api read")]
        commands = [seconds for kind, seconds in window if kind == "command"]
        try:
            rss, anon = memory_kib(pid)
        except (OSError, KeyError):
            return  # the server is gone; the run reports it
        samples.append({"at": time.monotonic() - started, "rss": rss, "anon": anon, "reads": len(reads),
                        "read_p99": percentile(reads, 0.99), "commands": len(commands),
                        "command_p99": percentile(commands, 0.99)})


def soak_verdict(samples, memory_tolerance, latency_tolerance):
    """(lines of the report, problems): the first quarter of the intervals against the last, the first left out."""
    usable = samples[1:]
    if len(usable) < 4:
        return [], [f"only {len(usable)} intervals sampled after the first; a soak needs 4 or more"]
    quarter = max(1, len(usable) // 4)
    lines, problems = [], []
    for key, label, tolerance in [("rss", "VmRSS (MiB)", memory_tolerance), ("anon", "RssAnon (MiB)", None),
                                  ("read_p99", "reads p99 (ms)", latency_tolerance),
                                  ("command_p99", "commands p99 (ms)", latency_tolerance)]:
        scale = 1 / 1024 if key in ("rss", "anon") else 1000
        values = [sample[key] for sample in usable if sample[key] == sample[key]]  # NaN: nothing completed
        if len(values) < 2 * quarter:
            problems.append(f"{label}: too few intervals with a value ({len(values)})")
            continue
        first, last = statistics.median(values[:quarter]), statistics.median(values[-quarter:])
        ratio = last / first if first > 0 else float("inf")
        verdict = "" if tolerance is None else (f" (at most {tolerance:g}: " + ("ok)" if ratio <= tolerance else "TOO MUCH)"))
        lines.append(f"{label}: first quarter {first * scale:,.1f}, last quarter {last * scale:,.1f}, "
                     f"ratio {ratio:.2f}{verdict}")
        if tolerance is not None and ratio > tolerance:
            problems.append(f"{label} grew from {first * scale:,.1f} to {last * scale:,.1f} (ratio {ratio:.2f}, "
                            f"tolerance {tolerance:g})")
    return lines, problems


def soak_table(samples):
    rows = ["| at s | VmRSS MiB | RssAnon MiB | reads | reads p99 ms | commands | commands p99 ms |",
            "|---:|---:|---:|---:|---:|---:|---:|"]
    for sample in samples:
        rows.append(f"| {sample['at']:,.0f} | {sample['rss'] / 1024:,.1f} | {sample['anon'] / 1024:,.1f} | "
                    f"{sample['reads']:,} | {sample['read_p99'] * 1000:,.1f} | {sample['commands']:,} | "
                    f"{sample['command_p99'] * 1000:,.1f} |")
    return "\n".join(rows)


def checked(response, *, html=False):
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.method} {response.request.path_url} → {response.status_code} "
                           f"{response.text[:200]}")
    if html and "text/html" not in response.headers.get("Content-Type", ""):
        raise RuntimeError(f"{response.request.path_url}: not a page")
    return response


class Server:
    def __init__(self, parledger, ledger, log_path):
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen([parledger, "serve", "--ledger", str(ledger), "--port", "0",
                                         "--log-level", "notice"], stdout=subprocess.PIPE, stderr=self.log)
        line = self.process.stdout.readline().decode("utf-8", "replace")
        match = re.search(r"at (http://[^/ ]+)/", line)
        if not match:
            self.stop()
            raise RuntimeError(f"parledger serve did not start: {line!r}")
        self.base = match.group(1)

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def enrol_writers(secretariat, keys, count):
    """Enrols `count` more secretariat actors with fresh keys; returns their key files."""
    files = []
    for number in range(1, count + 1):
        key = Ed25519PrivateKey.generate()
        path = keys / f"thu-tai-{number}.key"
        path.write_text(f"{KEY_FILE_HEADER}\n{base64.b64encode(key.private_bytes_raw()).decode()}\n")
        public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        secretariat.command({"operation": "enrol", "actor": f"thu-tai-{number}",
                             "name": f"Văn phòng thử tải {number}", "role": "secretariat",
                             "publicKey": base64.b64encode(public).decode()})
        files.append(path)
    return files


def leaves_by_unit(client, units):
    """(code, maxPoints) of each leaf criterion of each unit."""
    found = {}
    for unit in units:
        criteria = client.get(f"/api/cycles/{CYCLE}/units/{unit}")["criteria"]
        codes = [c["code"] for c in criteria]
        found[unit] = [(c["code"], c["maxPoints"]) for c in criteria
                       if not any(other.startswith(c["code"] + ".") for other in codes)]
    return found


def reader(base, key, recorder, stop, units, leaves, seed):
    rng = random.Random(seed)
    client = recorder.timed("login", lambda: WebClient(base, key))
    if client is None:
        return
    http = client.http
    pages = [f"/ket-qua/{CYCLE}", f"/van-phong/{CYCLE}", "/"]
    while not stop.is_set():
        unit = rng.choice(units)
        criterion = rng.choice(leaves[unit])[0]
        reads = [f"/api/cycles/{CYCLE}/ranking", f"/api/cycles/{CYCLE}/units/{unit}", f"/api/cycles/{CYCLE}",
                 f"/api/cycles/{CYCLE}/units/{unit}/trace?criterion={criterion}"]
        if rng.random() < 0.4:
            path = rng.choice(pages)
            recorder.timed("page", lambda: checked(http.get(base + path, timeout=60), html=True))
        else:
            path = rng.choice(reads)
            recorder.timed("api read", lambda: checked(http.get(base + path, timeout=60)).json())


def writer(base, key, recorder, stop, units, leaves, seed):
    rng = random.Random(seed)
    client = recorder.timed("login", lambda: WebClient(base, key))
    if client is None:
        return
    number = 0
    while not stop.is_set():
        number += 1
        unit = rng.choice(units)
        code, maximum = rng.choice(leaves[unit])
        intent = {"operation": "correct", "cycle": CYCLE, "unit": unit, "criterion": code,
                  "points": rng.choice(["0", maximum]), "decision": f"{100 + number}/QĐ-UBND",
                  "reason": f"thử tải: đính chính lần {number}"}
        answer = recorder.timed("command", lambda: client.command(intent))
        if answer is None:
            continue
        if answer.get("alreadyRecorded") or not answer.get("events"):
            with recorder.lock:
                recorder.errors.append(f"command: unexpected answer {json.dumps(answer)[:300]}")
            continue
        with recorder.lock:
            recorder.appended += [(event["sequence"], event["hash"]) for event in answer["events"]]


def table(recorder, duration):
    rows = ["| requests | count | per second | p50 ms | p95 ms | p99 ms | max ms |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, label in [("page", "page loads (HTML)"), ("api read", "API reads (JSON)"),
                        ("command", "commands (prepare + sign + submit)"), ("login", "logins (challenge + sign + log in)")]:
        values = recorder.latencies.get(kind, [])
        rate = f"{len(values) / duration:,.1f}" if kind != "login" else "–"
        rows.append(f"| {label} | {len(values):,} | {rate} | " + " | ".join(
            f"{percentile(values, q) * 1000:,.1f}" for q in (0.5, 0.95, 0.99)) +
            f" | {max(values, default=float('nan')) * 1000:,.1f} |")
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parledger", default=".build/debug/parledger",
                        help="the binary (relative paths are from the repository's root)")
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--smoke", action="store_true", help="10 seconds")
    parser.add_argument("--soak-minutes", type=float, help="a soak of this many minutes (see above)")
    parser.add_argument("--interval", type=float, help="seconds between soak samples (default: a twelfth "
                        "of the run, 5 to 60)")
    parser.add_argument("--memory-tolerance", type=float, default=1.5,
                        help="the largest ratio of VmRSS, last quarter to first, a soak accepts")
    parser.add_argument("--latency-tolerance", type=float, default=2.0,
                        help="the largest ratio of p99 latency, last quarter to first, a soak accepts")
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--writers", type=int, default=5)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.smoke:
        args.duration = 10
    if args.soak_minutes is not None:
        if args.soak_minutes <= 0:
            raise SystemExit("--soak-minutes is a number of minutes above 0")
        args.duration = args.soak_minutes * 60
        if args.interval is None:
            args.interval = min(60.0, max(5.0, args.duration / 12))
        if args.interval <= 0 or args.duration / args.interval < 5:
            raise SystemExit("--interval must leave 5 or more intervals in the soak")
    parledger = Path(args.parledger)
    if not parledger.is_absolute():
        parledger = REPO / parledger
    if not parledger.exists():
        raise SystemExit(f"{parledger} does not exist: swift build first")

    work = Path(tempfile.mkdtemp(prefix="parledger-load-"))
    server = None
    ok = False
    try:
        print("making a demo ledger …", flush=True)
        make_demo(parledger, work / "demo")
        ledger, keys = work / "demo" / "ledger", work / "demo" / "keys"
        server = Server(str(parledger), ledger, work / "serve.log")
        base = server.base
        secretariat = WebClient(base, keys / SECRETARIAT_KEY)
        writer_keys = [keys / SECRETARIAT_KEY] + enrol_writers(secretariat, keys, args.writers - 1)
        units = [u["id"] for u in secretariat.get(f"/api/cycles/{CYCLE}")["units"]]
        leaves = leaves_by_unit(secretariat, units)
        before = secretariat.get("/api/ledger")
        print(f"serving {ledger} at {base}: {before['size']} events; {args.readers} readers and "
              f"{args.writers} writers for {args.duration:.0f} s", flush=True)

        recorder = Recorder()
        stop = threading.Event()
        threads = [threading.Thread(target=reader, args=(base, keys / SECRETARIAT_KEY, recorder, stop, units,
                                                         leaves, args.seed + n)) for n in range(args.readers)]
        threads += [threading.Thread(target=writer, args=(base, key, recorder, stop, units, leaves,
                                                          args.seed + 1000 + n)) for n, key in enumerate(writer_keys)]
        samples = []
        if args.soak_minutes is not None:
            threads.append(threading.Thread(target=sampler, args=(server.process.pid, recorder, stop,
                                                                   args.interval, samples)))
        started = time.monotonic()
        for thread in threads:
            thread.start()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started

        after = secretariat.get("/api/ledger")
        alive = server.process.poll() is None
        server.stop()
        growth = after["size"] - before["size"]
        appended = sorted(recorder.appended)
        problems = list(recorder.errors)
        if not alive:
            problems.append("the server process died during the run")
        if growth != len(appended):
            problems.append(f"the ledger grew by {growth} events, the writers were told of {len(appended)}")
        if len({seq for seq, _ in appended}) != len(appended):
            problems.append("two appended events were given the same sequence number")
        log = subprocess.run([str(parledger), "log", "--ledger", str(ledger), "--from", str(before["size"] + 1),
                              "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, check=True)
        recorded = {}
        for line in log.stdout.splitlines():
            event = json.loads(line)
            recorded[event["seq"]] = event["hash"]
        missing = [(seq, digest) for seq, digest in appended if recorded.get(seq) != digest]
        if missing:
            problems.append(f"{len(missing)} returned (sequence, hash) pairs are not in the ledger, e.g. {missing[:3]}")
        verify = subprocess.run([str(parledger), "verify", "--ledger", str(ledger), "--quiet"],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if verify.returncode != 0:
            problems.append(f"parledger verify failed: {verify.stdout[-500:]}")

        commands = len(recorder.latencies.get("command", []))
        reads = sum(len(recorder.latencies.get(kind, [])) for kind in ("page", "api read"))
        print()
        print(table(recorder, elapsed))
        print()
        print(f"{elapsed:.1f} s; {reads + commands:,} requests ({(reads + commands * 2) / elapsed:,.0f} HTTP "
              f"requests/s counting prepare and submit apart); {commands:,} commands appended "
              f"{len(appended):,} events ({len(appended) / elapsed:,.1f}/s); ledger {before['size']:,} → "
              f"{after['size']:,} events; errors: {len(recorder.errors)}")
        print(f"lost events: {len(missing) + max(0, len(appended) - growth)}; events of commands whose answer the "
              f"writers did not get (a timeout): {max(0, growth - len(appended))}; every returned (sequence, hash) in the "
              f"ledger: {'yes' if not missing else 'NO'}; parledger verify: "
              f"{'OK' if verify.returncode == 0 else 'FAILED'}")
        if args.soak_minutes is not None:
            lines, soak_problems = soak_verdict(samples, args.memory_tolerance, args.latency_tolerance)
            problems += soak_problems
            print()
            print(soak_table(samples))
            print()
            print(f"soak of {args.soak_minutes:g} minutes, {len(samples)} intervals of {args.interval:g} s "
                  f"(the first left out):")
            for line in lines:
                print(f"  {line}")
        for problem in problems[:20]:
            print(f"PROBLEM: {problem}")
        if len(problems) > 20:
            print(f"… and {len(problems) - 20} more")
        ok = not problems
        print("web_load: OK" if ok else f"web_load: FAILED ({len(problems)} problems)")
        return 0 if ok else 1
    finally:
        if server is not None:
            server.stop()
        if ok and not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"files kept in {work}")


if __name__ == "__main__":
    sys.exit(main())
