#!/usr/bin/env python3
"""Contract test of the JSON API of `parledger serve` against schemas/openapi.yaml.

Makes a demo ledger in a temporary directory (or takes --ledger and --keys), serves it on a free
loopback port, logs in with tools/web_client.py, and runs schemathesis (4.x) against
schemas/openapi.yaml in four passes:

  1. as the secretariat (session cookie and X-CSRF-Token given through the schema's security
     schemes, so that schemathesis can also leave them out), every operation but logging out;
  2. as a unit officer, the same, with fewer examples;
  3. unauthenticated, every operation;
  4. logging out (a session of its own).

Checks: every schemathesis check but `positive_data_acceptance` (the server judges the rules of a
cycle, so most schema-valid intents are refused with 400/404/409 by design). Then a handful of
hand-made malformed requests (truncated JSON, bodies over the limits, invalid UTF-8, wrong content
type, deep nesting, unknown operation, bad CSRF, tampered signature, replay) must get the expected
4xx (never a 5xx), and the server must still be alive and `parledger verify` must pass at the end.
The server is stopped however the run ends. Exits 1 on any failure.

    tools/api_contract.py                       # demo ledger, about 3 minutes on 2 cores
    tools/api_contract.py --max-examples 50     # longer
    tools/api_contract.py --ledger DIR/ledger --keys DIR/keys --no-writes
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tools"))
from demo_ledger import make_demo  # noqa: E402
from web_client import WebClient  # noqa: E402

SCHEMA = REPO / "schemas" / "openapi.yaml"
SECRETARIAT_KEY = "so-noi-vu-thuong-truc.key"
OFFICER_KEY = "can-bo-huyen-muong-nhe.key"
CYCLE, UNIT = "dien-bien-2020", "huyen-muong-nhe"


class Server:
    """`parledger serve` on a free loopback port; stop() ends it (SIGTERM, then SIGKILL)."""

    def __init__(self, parledger, ledger, log_path):
        self.log = open(log_path, "wb")
        self.process = subprocess.Popen(
            # The anonymous run makes hundreds of requests a minute from one address: no visitor limits here.
            [parledger, "serve", "--ledger", str(ledger), "--port", "0", "--page-limit", "0", "--download-limit", "0"],
            stdout=subprocess.PIPE, stderr=self.log)
        line = self.process.stdout.readline().decode("utf-8", "replace")
        match = re.search(r"at (http://[^/ ]+)/", line)
        if not match:
            self.stop()
            raise RuntimeError(f"parledger serve did not start: {line!r} (log: {log_path})")
        self.base = match.group(1)

    def alive(self):
        if self.process.poll() is not None:
            return False
        try:
            return requests.get(self.base + "/api/ledger", timeout=10).status_code == 200
        except requests.RequestException:
            return False

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def schemathesis_command():
    for name in ("schemathesis", "st"):
        path = shutil.which(name)
        if path:
            return [path]
    raise SystemExit("schemathesis is not installed: pip install 'schemathesis>=4,<5'")


def run_schemathesis(label, base, work, args, *, session=None, csrf=None, include=(), exclude=(),
                     max_examples=10, phases=None):
    """One schemathesis run; returns (passed, summary lines)."""
    config = work / f"schemathesis-{label}.toml"
    lines = []
    env = dict(os.environ)
    if session:
        # The security schemes of openapi.yaml: schemathesis sends them where the schema says and
        # can leave them out for its authentication checks.
        lines += ['[auth.openapi.session]', 'api_key = "${PL_SESSION}"', '[auth.openapi.csrf]', 'api_key = "${PL_CSRF}"']
        env["PL_SESSION"], env["PL_CSRF"] = session, csrf
    config.write_text("\n".join(lines) + "\n")
    report = work / f"report-{label}"
    command = schemathesis_command() + [
        "--config-file", str(config), "run", str(SCHEMA), "--url", base,
        "--checks", "all", "--exclude-checks", ",".join(["positive_data_acceptance"] + args.exclude_checks),
        "--max-examples", str(max_examples), "--workers", str(args.workers), "--seed", str(args.seed),
        "--request-timeout", "30", "--no-color", "--report", "junit", "--report-dir", str(report),
    ]
    if phases:
        command += ["--phases", phases]
    for operation in include:
        command += ["--include-operation-id", operation]
    for operation in exclude:
        command += ["--exclude-operation-id", operation]
    started = time.monotonic()
    result = subprocess.run(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.monotonic() - started
    output = result.stdout
    (work / f"schemathesis-{label}.txt").write_text(output)
    summary = output[output.rfind("SUMMARY"):] if "SUMMARY" in output else output[-3000:]
    keep = [line.rstrip() for line in summary.splitlines()
            if re.search(r"Tested:|Selected:|❌|✅|⏭|generated|failures? in|passed in|ST\d{3}|Errors?:", line)]
    ok = result.returncode == 0
    print(f"\n## schemathesis, {label}: {'passed' if ok else 'FAILED'} ({elapsed:.0f} s, exit {result.returncode})")
    for line in keep:
        print("   " + line.strip())
    if not ok:
        details = output[: output.find("SUMMARY")] if "SUMMARY" in output else output
        print(details[-6000:])
        print(f"   full output: {work / f'schemathesis-{label}.txt'}")
    return ok


class Probe:
    """Hand-made requests, each with the statuses it may get."""

    def __init__(self, base):
        self.base = base
        self.failures = []
        self.count = 0

    def expect(self, name, allowed, method, path, session=None, **kwargs):
        self.count += 1
        http = session or requests
        kwargs.setdefault("timeout", 60)
        try:
            response = http.request(method, self.base + path, **kwargs)
        except requests.ConnectionError as error:
            # A server may close the connection of a body over its limit before reading it all.
            if "closed" in allowed:
                print(f"   ok   {name}: connection closed by the server")
                return None
            self.failures.append(f"{name}: {method} {path[:100]}: {error}")
            print(f"   FAIL {name}: {error}")
            return None
        status = response.status_code
        problem = None
        if status >= 500:
            problem = f"server error {status}"
        elif status not in allowed:
            problem = f"status {status}, expected {sorted(s for s in allowed if s != 'closed')}"
        elif path.startswith("/api/") and status >= 400:
            try:
                error = response.json()["error"]
                assert {"kind", "message", "title"} <= set(error) <= {"kind", "message", "title", "detail", "requestId"}
            except (ValueError, KeyError, AssertionError, TypeError):
                problem = f"status {status} without the error JSON: {response.text[:200]!r}"
        for header in ("Content-Security-Policy", "X-Content-Type-Options"):
            if header not in response.headers:
                problem = problem or f"no {header} header"
        if problem:
            self.failures.append(f"{name}: {method} {path[:100]} → {status} {response.text[:300]!r}: {problem}")
            print(f"   FAIL {name}: {problem}: {response.text[:200]!r}")
        else:
            print(f"   ok   {name}: {status}")
        return response


def malformed_requests(base, officer, secretariat, writes):
    print("\n## hand-made malformed requests")
    probe = Probe(base)
    http = secretariat.http
    csrf = {"X-CSRF-Token": secretariat.identity["csrf"]}
    json_type = {**csrf, "Content-Type": "application/json"}
    correct = {"operation": "correct", "cycle": CYCLE, "unit": UNIT, "criterion": "1.1.2", "points": "0.5",
               "decision": "7/QĐ-UBND", "reason": "contract test"}
    good = json.dumps(correct).encode()

    probe.expect("truncated JSON", {400}, "POST", "/api/commands/prepare", http, data=good[: len(good) // 2],
                 headers=json_type)
    probe.expect("empty body", {400}, "POST", "/api/commands/prepare", http, data=b"", headers=json_type)
    probe.expect("JSON array instead of an object", {400}, "POST", "/api/commands/prepare", http, data=b"[]",
                 headers=json_type)
    probe.expect("trailing garbage", {400}, "POST", "/api/commands/prepare", http, data=good + b"}x",
                 headers=json_type)
    probe.expect("JSON body over 4 MiB", {413, "closed"}, "POST", "/api/commands/prepare", http,
                 data=b'{"operation":"' + b"a" * (5 << 20) + b'"}', headers=json_type)
    probe.expect("login body over 4 MiB", {413, 429, "closed"}, "POST", "/api/session",
                 data=b'{"challenge":"' + b"a" * (5 << 20) + b'"}', headers={"Content-Type": "application/json"})
    probe.expect("document over 32 MiB", {413, "closed"}, "POST", "/api/evidence?name=big.pdf", http,
                 data=b"\0" * ((32 << 20) + 1), headers={**csrf, "Content-Type": "application/octet-stream"})
    probe.expect("invalid UTF-8 in a string", {400}, "POST", "/api/commands/prepare", http,
                 data=good.replace(b"contract test", b"contract \xff\xfe test"), headers=json_type)
    probe.expect("lone surrogate escape", {400}, "POST", "/api/commands/prepare", http,
                 data=good.replace(b"contract test", b"\\ud800 test"), headers=json_type)
    probe.expect("NUL byte in the body", {400}, "POST", "/api/commands/prepare", http,
                 data=good.replace(b"contract test", b"con\0tract"), headers=json_type)
    probe.expect("wrong content type (text/plain, valid JSON)", {200, 400, 415}, "POST", "/api/commands/prepare",
                 http, data=good, headers={**csrf, "Content-Type": "text/plain"})
    probe.expect("form-encoded body", {400, 415}, "POST", "/api/commands/prepare", http,
                 data={"operation": "correct"}, headers=csrf)
    probe.expect("nesting 100,000 deep (arrays)", {400}, "POST", "/api/commands/prepare", http,
                 data=b"[" * 100000 + b"]" * 100000, headers=json_type)
    probe.expect("nesting 10,000 deep inside the intent", {400}, "POST", "/api/commands/prepare", http,
                 data=b'{"operation":"open-cycle","cycle":' + b'{"a":' * 10000 + b"1" + b"}" * 10000 + b"}",
                 headers=json_type)
    probe.expect("a decimal number", {400}, "POST", "/api/commands/prepare", http,
                 data=json.dumps({**correct, "points": 0.5}).encode(), headers=json_type)
    probe.expect("an integer beyond 64 bits", {400}, "POST", "/api/commands/prepare", http,
                 data=good[:-1] + b',"x":123456789012345678901234567890}', headers=json_type)
    probe.expect("a duplicated key", {400, 200}, "POST", "/api/commands/prepare", http,
                 data=good[:-1] + b',"operation":"seal"}', headers=json_type)
    probe.expect("unknown operation", {400}, "POST", "/api/commands/prepare", http,
                 json={**correct, "operation": "delete-everything"}, headers=csrf)
    probe.expect("operation of the wrong type", {400}, "POST", "/api/commands/prepare", http,
                 json={**correct, "operation": 7}, headers=csrf)
    probe.expect("register-framework with an empty framework", {400}, "POST", "/api/commands/prepare", http,
                 json={"operation": "register-framework", "framework": {}}, headers=csrf)
    probe.expect("register-framework with a framework that is an array", {400}, "POST", "/api/commands/prepare",
                 http, json={"operation": "register-framework", "framework": []}, headers=csrf)
    probe.expect("open-cycle with an empty cycle", {400}, "POST", "/api/commands/prepare", http,
                 json={"operation": "open-cycle", "cycle": {}}, headers=csrf)
    probe.expect("an empty evidence hash cited", {400, 404}, "POST", "/api/commands/prepare", http,
                 json={"operation": "appraise", "cycle": CYCLE, "unit": UNIT, "criterion": "1.1.2", "points": "0.5",
                       "reason": "contract test", "evidence": [""]}, headers=csrf)
    probe.expect("points not a number", {400}, "POST", "/api/commands/prepare", http,
                 json={**correct, "points": "nhiều"}, headers=csrf)
    probe.expect("10,000 rows of 1 MiB text", {400, 413, "closed"}, "POST", "/api/commands/prepare", http,
                 json={"operation": "self-assessment", "cycle": CYCLE, "unit": UNIT,
                       "rows": [{"criterion": "1.1.1", "points": "0.5", "explanation": "x" * 400}] * 10000},
                 headers=csrf)
    probe.expect("no CSRF token", {403}, "POST", "/api/commands/prepare", http, json=correct)
    probe.expect("bad CSRF token", {403}, "POST", "/api/commands/prepare", http, json=correct,
                 headers={"X-CSRF-Token": "0" * 64})
    probe.expect("the officer's CSRF token on the secretariat's session", {403}, "POST", "/api/commands/prepare",
                 http, json=correct, headers={"X-CSRF-Token": officer.identity["csrf"]})
    probe.expect("no session", {401}, "POST", "/api/commands/prepare", json=correct, headers=csrf)
    probe.expect("unknown session cookie", {401}, "GET", "/api/cycles",
                 cookies={"parledger-session": "deadbeef"})
    probe.expect("login with an unknown challenge", {401, 429}, "POST", "/api/session",
                 json={"challenge": "0" * 64, "publicKey": base64.b64encode(b"\1" * 32).decode(),
                       "signature": base64.b64encode(b"\2" * 64).decode()})
    probe.expect("login with a public key of the wrong length", {400, 401, 429}, "POST", "/api/session",
                 json={"challenge": "0" * 64, "publicKey": "AAAA", "signature": "AAAA"})
    probe.expect("evidence without a name", {400}, "POST", "/api/evidence", http, data=b"%PDF-1.4",
                 headers={**csrf, "Content-Type": "application/octet-stream"})
    probe.expect("evidence named ../../x.pdf", {400}, "POST", "/api/evidence?name=../../x.pdf", http,
                 data=b"%PDF-1.4", headers={**csrf, "Content-Type": "application/octet-stream"})
    probe.expect("evidence named x.exe", {400}, "POST", "/api/evidence?name=x.exe", http, data=b"MZ",
                 headers={**csrf, "Content-Type": "application/octet-stream"})
    probe.expect("empty evidence", {400}, "POST", "/api/evidence?name=x.pdf", http, data=b"",
                 headers={**csrf, "Content-Type": "application/octet-stream"})
    probe.expect("evidence hash with a path", {404}, "GET", "/api/evidence/..%2F..%2Fdata.mdb", http)
    probe.expect("path parameter of 8 KiB", {404, 400, 414, 431, "closed"}, "GET", "/api/cycles/" + "a" * 8192,
                 http)
    probe.expect("percent-encoded NUL in a path", {404, 400}, "GET", "/api/cycles/a%00b/units/c", http)
    probe.expect("ranking of an unknown kind", {400}, "GET", f"/api/cycles/{CYCLE}/ranking?kind=province", http)

    prepared = secretariat.prepare(correct)
    document = prepared["document"]
    signature = base64.b64encode(secretariat.key.sign(document.encode())).decode()
    other = base64.b64encode(officer.key.sign(document.encode())).decode()
    probe.expect("signature not base64", {400}, "POST", "/api/commands", http,
                 json={"document": document, "signature": "***"}, headers=csrf)
    probe.expect("signature of other bytes", {400, 403}, "POST", "/api/commands", http,
                 json={"document": document, "signature": base64.b64encode(
                     secretariat.key.sign(b"something else")).decode()}, headers=csrf)
    probe.expect("document altered after signing", {400, 403}, "POST", "/api/commands", http,
                 json={"document": document.replace('"0.5"', '"0.25"'), "signature": signature}, headers=csrf)
    probe.expect("document signed by another person's key", {400, 403}, "POST", "/api/commands", http,
                 json={"document": document, "signature": other}, headers=csrf)
    probe.expect("the secretariat's document submitted in the officer's session", {400, 403}, "POST",
                 "/api/commands", officer.http, json={"document": document, "signature": signature},
                 headers={"X-CSRF-Token": officer.identity["csrf"]})
    probe.expect("document not JSON", {400}, "POST", "/api/commands", http,
                 json={"document": "not json", "signature": signature}, headers=csrf)
    if writes:
        first = probe.expect("the signed correction", {201}, "POST", "/api/commands", http,
                             json={"document": document, "signature": signature}, headers=csrf)
        again = probe.expect("the same signed correction again", {200}, "POST", "/api/commands", http,
                             json={"document": document, "signature": signature}, headers=csrf)
        if first is not None and again is not None and first.status_code == 201 and again.status_code == 200:
            if again.json().get("alreadyRecorded") is not True or again.json()["events"] != first.json()["events"]:
                probe.failures.append("replay: the second submission did not answer alreadyRecorded with the same events")
        # A unit officer may not correct a published cycle: refused by the rules when the command is
        # prepared, before anyone signs it.
        probe.expect("a correction by a unit officer, before signing", {403}, "POST", "/api/commands/prepare",
                     officer.http, json=correct, headers={"X-CSRF-Token": officer.identity["csrf"]})
    return probe


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parledger", default=".build/debug/parledger",
                        help="the binary (relative paths are from the repository's root)")
    parser.add_argument("--ledger", help="serve this ledger instead of a new demo ledger")
    parser.add_argument("--keys", help="the demo's keys directory (with --ledger)")
    parser.add_argument("--max-examples", type=int, default=20, help="per operation, for the secretariat's pass")
    parser.add_argument("--workers", type=int, default=1,
                        help="schemathesis workers (2 can trip a thread-safety error inside hypothesis on Python 3.11)")
    parser.add_argument("--seed", type=int, default=20201231)
    parser.add_argument("--exclude-checks", default="", help="more schemathesis checks to skip, comma-separated")
    parser.add_argument("--no-writes", action="store_true",
                        help="append nothing (the default appends two commands to the served ledger)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    args.exclude_checks = [c for c in args.exclude_checks.split(",") if c]
    parledger = Path(args.parledger)
    if not parledger.is_absolute():
        parledger = REPO / parledger
    if not parledger.exists():
        raise SystemExit(f"{parledger} does not exist: swift build first")
    if bool(args.ledger) != bool(args.keys):
        raise SystemExit("--ledger and --keys go together")

    work = Path(tempfile.mkdtemp(prefix="parledger-contract-"))
    started = time.monotonic()
    server = None
    results = {}
    try:
        if args.ledger:
            ledger, keys = Path(args.ledger).resolve(), Path(args.keys).resolve()
        else:
            print("making a demo ledger …", flush=True)
            make_demo(parledger, work / "demo")
            ledger, keys = work / "demo" / "ledger", work / "demo" / "keys"
        server = Server(str(parledger), ledger, work / "serve.log")
        print(f"serving {ledger} at {server.base}", flush=True)

        # Every session first: the unauthenticated pass fails logins until the rate limit answers 429.
        secretariat = WebClient(server.base, keys / SECRETARIAT_KEY)
        officer = WebClient(server.base, keys / OFFICER_KEY)
        leaving = WebClient(server.base, keys / SECRETARIAT_KEY)

        def cookie(client):
            return client.http.cookies.get("parledger-session")

        results["secretariat"] = run_schemathesis(
            "secretariat", server.base, work, args, session=cookie(secretariat), csrf=secretariat.identity["csrf"],
            exclude=["logOut"], max_examples=args.max_examples)
        results["unit officer"] = run_schemathesis(
            "unit-officer", server.base, work, args, session=cookie(officer), csrf=officer.identity["csrf"],
            exclude=["logOut"], max_examples=max(2, args.max_examples // 4), phases="examples,fuzzing")
        results["unauthenticated"] = run_schemathesis(
            "unauthenticated", server.base, work, args, max_examples=max(2, args.max_examples // 4),
            phases="examples,coverage,fuzzing")
        results["log out"] = run_schemathesis(
            "log-out", server.base, work, args, session=cookie(leaving), csrf=leaving.identity["csrf"],
            include=["logOut"], max_examples=3, phases="examples,fuzzing")

        probe = malformed_requests(server.base, officer, secretariat, writes=not args.no_writes)
        results["malformed requests"] = not probe.failures

        alive = server.alive()
        results["server alive"] = alive
        server.stop()
        log = (work / "serve.log").read_text(errors="replace")
        failed_requests = [line for line in log.splitlines() if "request failed" in line]
        results["no request failed in the server log"] = not failed_requests
        verify = subprocess.run([str(parledger), "verify", "--ledger", str(ledger)], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        results["parledger verify"] = verify.returncode == 0

        print("\n## summary")
        for name, ok in results.items():
            print(f"   {'ok  ' if ok else 'FAIL'} {name}")
        for failure in probe.failures:
            print(f"   malformed request failure: {failure}")
        for line in failed_requests[:20]:
            print(f"   server log: {line}")
        if not verify.returncode == 0:
            print(verify.stdout[-2000:])
        print(f"   {probe.count} hand-made requests; {time.monotonic() - started:.0f} s in all; "
              f"reports in {work if args.keep or not all(results.values()) else '(removed)'}")
        return 0 if all(results.values()) else 1
    finally:
        if server is not None:
            server.stop()
        if not args.keep and all(results.values()) and results:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
