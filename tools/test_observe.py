#!/usr/bin/env python3
"""Observing `parledger serve` as the IT office does (issue 28, item 6), with the real binary.

    tools/test_observe.py [--parledger PATH] [--keep]

Makes the demo ledger, names a witness that cannot be reached (so every receipt's cosignature fails),
leaves in the server's temporary directory (TMPDIR) two bundle archives of other servers, one of a
process that has ended and one of a process still running, and serves the ledger. Then:
 - /healthz answers 200 `ok` and /readyz 200 `ready`, and neither is logged at info level;
 - the archive of the ended process is gone once the server runs, the live one's is kept;
 - after some traffic (pages, API reads, a 404, a command appended, a command refused), /metrics
   has the request histogram by route pattern and status class, the commands appended and refused
   (by kind), the witness failure, the ledger's size and the snapshot's age; a second scrape after
   more traffic shows the counters moved; a scrape through a proxy (X-Forwarded-For) is refused;
 - a request with `X-Request-Id` gets it back, its line in the log carries it, and an API error body
   and an error page carry the request's id; an unsafe id is replaced by the server's own;
 - the bundle download makes the server's own archive in TMPDIR; after SIGTERM the server exits 0
   and none of its archives is left, while the live process's is still there.
Exit 0 on success, 1 on failure (the temporary directory is then kept).
"""

import argparse
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
from web_client import CommandRefused, WebClient  # noqa: E402

CYCLE = "dien-bien-2020"
SECRETARIAT_KEY = "so-noi-vu-thuong-truc.key"
PREFIX = "parledger-serve-"


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)
    print(f"test_observe: ok: {message}")


def run(*args):
    result = subprocess.run([str(arg) for arg in args], capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise Failure(f"{' '.join(map(str, args))}: exit {result.returncode}\n{result.stdout}{result.stderr}")
    return result.stdout


def series(text, name, **labels):
    """The value of the series `name` whose labels include `labels`, or None."""
    for line in text.splitlines():
        if not line.startswith(name + "{") and not line.startswith(name + " "):
            continue
        if all(f'{key}="{value}"' in line for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return None


def archives(tmp, pid=None):
    return sorted(name for name in os.listdir(tmp)
                  if name.startswith(PREFIX) and (pid is None or name.startswith(f"{PREFIX}{pid}-")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parledger", default=str(REPO / ".build/debug/parledger"))
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    parledger = options.parledger
    work = Path(tempfile.mkdtemp(prefix="parledger-observe-"))
    server = live = None
    ok = False
    try:
        make_demo(parledger, work / "demo")
        ledger, keys = work / "demo" / "ledger", work / "demo" / "keys"
        run(parledger, "witness", "keygen", "--name", "thanh-tra-tinh", "--out", work / "witness.key")
        verifier = (work / "witness.key.pub").read_text().strip()
        run(parledger, "witnesses", "add", "--ledger", ledger, "--key", verifier, "--url", "http://127.0.0.1:9")

        tmp = work / "tmp"
        tmp.mkdir()
        ended = subprocess.Popen(["true"])
        ended.wait()
        live = subprocess.Popen(["sleep", "600"])
        (tmp / f"{PREFIX}{ended.pid}-0123456789abcdef.zip").write_bytes(b"left by a killed server")
        (tmp / f"{PREFIX}{live.pid}-fedcba9876543210.zip").write_bytes(b"another server's, still running")

        log_path = work / "serve.log"
        log = open(log_path, "wb")
        server = subprocess.Popen([parledger, "serve", "--ledger", str(ledger), "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=log, env={**os.environ, "TMPDIR": str(tmp)})
        line = server.stdout.readline().decode("utf-8", "replace")
        match = re.search(r"at (http://[^/ ]+)/", line)
        check(match is not None, f"the server says where it listens: {line.strip()}")
        base = match.group(1)

        health = requests.get(base + "/healthz", timeout=30)
        check(health.status_code == 200 and health.text == "ok\n", "/healthz answers 200 ok")
        ready = requests.get(base + "/readyz", timeout=60)
        check(ready.status_code == 200 and ready.text == "ready\n", f"/readyz answers 200 ready ({ready.text.strip()})")

        deadline = time.monotonic() + 30
        while archives(tmp, ended.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        check(not archives(tmp, ended.pid), "the archive of a server no longer running is removed at start")
        check(archives(tmp, live.pid) != [], "the archive of a process still running is kept")

        secretariat = WebClient(base, keys / SECRETARIAT_KEY)
        units = [unit["id"] for unit in secretariat.get(f"/api/cycles/{CYCLE}")["units"]]
        unit = units[0]
        criteria = secretariat.get(f"/api/cycles/{CYCLE}/units/{unit}")["criteria"]
        codes = [c["code"] for c in criteria]
        leaf = next(c for c in criteria if not any(other.startswith(c["code"] + ".") for other in codes))
        correction = {"operation": "correct", "cycle": CYCLE, "unit": unit, "criterion": leaf["code"],
                      "points": leaf["maxPoints"], "decision": "901/QĐ-UBND", "reason": "thử giám sát"}
        for path in ["/", f"/cycles/{CYCLE}", f"/api/cycles/{CYCLE}/units/{units[1]}"]:
            secretariat.http.get(base + path, timeout=60).raise_for_status()
        answer = secretariat.command(correction)
        check(len(answer["events"]) == 1, "a command is appended")
        try:
            secretariat.prepare({**correction, "cycle": "khong-co-ky-nay"})
            raise Failure("a command on a cycle that does not exist was prepared")
        except CommandRefused as refusal:
            check(refusal.status == 404, "a command on a cycle that does not exist is refused")

        first = requests.get(base + "/metrics", timeout=60)
        check(first.status_code == 200 and first.headers["Content-Type"].startswith("text/plain"),
              "/metrics answers a loopback client in Prometheus text")
        text = first.text
        route = f"/api/cycles/{{cycle}}/units/{{unit}}"
        count = series(text, "http_server_request_duration_count", http_route=route, http_response_status_code="2xx")
        check(count is not None and count >= 2, f"the request histogram is labelled by route pattern and status class "
                                                f"({route}, 2xx: {count})")
        check(series(text, "http_server_request_duration_bucket", http_route=route, le="+Inf") is not None,
              "the request histogram has its buckets")
        check(not re.search(rf'http_route="/api/cycles/{CYCLE}', text), "no raw path (with its ids) is a label")
        check(series(text, "parledger_commands_appended_total") == 1, "one command appended is counted")
        check(series(text, "parledger_commands_refused_total", kind="not-found", stage="prepare") == 1,
              "the refused command is counted by its kind and stage")
        check(series(text, "parledger_witness_cosignature_failures_total", witness="thanh-tra-tinh") == 1,
              "the witness's failure to cosign the receipt is counted")
        events = secretariat.get("/api/ledger")["size"]
        check(series(text, "parledger_ledger_events") == events, f"the ledger's size in events ({events})")
        used = series(text, "parledger_ledger_storage_used_bytes")
        check(used is not None and 0 < used <= (ledger / "data.mdb").stat().st_size,
              f"the bytes of the map used ({used:,.0f})")
        age = series(text, "parledger_snapshot_age_seconds")
        check(age is not None and age >= 0, f"the age of the newest snapshot ({age:,.0f} s)")

        secretariat.command({**correction, "decision": "902/QĐ-UBND"})
        for _ in range(3):
            secretariat.http.get(f"{base}/api/cycles/{CYCLE}/units/{units[1]}", timeout=60).raise_for_status()
        # A request's duration is recorded once its answer is written, which the client may see first:
        # scrape again for a few seconds before judging.
        deadline = time.monotonic() + 10
        while True:
            second = requests.get(base + "/metrics", timeout=60).text
            moved = series(second, "http_server_request_duration_count", http_route=route,
                           http_response_status_code="2xx")
            if (moved or 0) >= count + 3 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        check(series(second, "parledger_commands_appended_total") == 2, "the appended counter moved")
        check((moved or 0) >= count + 3, f"the request histogram moved ({count} then {moved})")
        check(series(second, "parledger_ledger_events") == events + 1, "the ledger's size moved")
        proxied = requests.get(base + "/metrics", headers={"X-Forwarded-For": "203.0.113.7"}, timeout=30)
        check(proxied.status_code == 403, "/metrics is refused to a client through a proxy")

        given = requests.get(base + "/api/cycles/khong-co-ky-nay", headers={"X-Request-Id": "phieu-ho-tro-42"},
                             timeout=30)
        check(given.headers.get("X-Request-Id") == "phieu-ho-tro-42", "a short, plain X-Request-Id comes back")
        check(given.json()["error"].get("requestId") == "phieu-ho-tro-42", "the API error body carries the request id")
        unsafe = requests.get(base + "/khong-co-trang-nay", headers={"X-Request-Id": "x" * 65}, timeout=30)
        own = unsafe.headers.get("X-Request-Id", "")
        check(own and own != "x" * 65, f"an over-long X-Request-Id is replaced by the server's own ({own})")
        check(f"<code>{own}</code>" in unsafe.text, "the error page shows the request id")

        bundle = requests.get(f"{base}/cycles/{CYCLE}/bundle", timeout=300)
        check(bundle.status_code == 200, "the bundle is downloaded")
        check(archives(tmp, server.pid) != [], "the server's archive is in its temporary directory")
        server.send_signal(signal.SIGTERM)
        status = server.wait(timeout=60)
        check(status == 0, "the server exits 0 on SIGTERM")
        check(archives(tmp, server.pid) == [], "none of the server's archives is left after SIGTERM")
        check(archives(tmp, live.pid) != [], "the live process's archive is still there")

        log.close()
        lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
        tagged = [line for line in lines if "hb.request.id=phieu-ho-tro-42 " in line and line.endswith("] request")]
        check(len(tagged) == 1 and "status=401" in tagged[0] and "path=/api/cycles/khong-co-ky-nay" in tagged[0]
              and "route=/api/cycles/{cycle}" in tagged[0], f"one request line, with its id, route and status: {tagged}")
        check(not [line for line in lines if "path=/healthz" in line or "path=/readyz" in line
                   or "path=/metrics" in line], "/healthz, /readyz and /metrics are not logged at info level")
        requests_logged = [line for line in lines if line.endswith("] request")]
        check(len(requests_logged) >= 10, f"every other request has its line ({len(requests_logged)})")
        ok = True
        print("test_observe: passed")
        return 0
    except (Failure, requests.RequestException, subprocess.TimeoutExpired) as error:
        print(f"test_observe: FAILED: {error}", file=sys.stderr)
        return 1
    finally:
        for process in (server, live):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait()
        if ok and not options.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"test_observe: files kept in {work}")


if __name__ == "__main__":
    sys.exit(main())
