#!/usr/bin/env python3
"""End-to-end test of transparency beyond one machine (issue 17): two provinces publish their logs as
C2SP tlog-tiles behind a real nginx, two independent witnesses cosign them, a mirror and a monitor
follow one of them, and a fork of that log (same log key, different history) is refused by the
witness, raised by the monitor and failed by every verifier.

    tools/transparency_test.py [--parledger PATH] [--tlogcheck PATH] [--keep]

Every server is a separate process on a free port of 127.0.0.1: nginx (with a configuration written
to the temporary directory: no daemon, its pid, logs and temporary files there too, so it runs as
root or not), two `parledger witness serve`, one `parledger mirror --listen` and one
`parledger monitor`. What it does, in order, asserting each step:
 1. Province 1 (dien-bien) is the demo ledger (`parledger demo`: two published cycles), province 2
    (lai-chau) a small new ledger (init, both frameworks, a cycle opened); each has its own log key
    (`checkpoint verifier-key`) and its own folder `public/<province>/` under nginx's root.
 2. Two witnesses (`witness keygen`: thanhtra.dienbien.gov.vn/witness, moha.gov.vn/witness), each
    `witness serve` with its own state and a witness policy naming both logs.
 3. `witnesses add` both to each ledger; `trust-policy --quorum 2` for each province.
 4. `tiles` publishes each province (exit 0, a checkpoint with both cosignatures, fetched through
    nginx); a copy of province 1's ledger is taken now, for the fork.
 5. tlogcheck (tools/tlogcheck, the Go verifier) checks each province through nginx: exit 0.
 6. A mirror (`mirror URL DIR --listen`) and a monitor (`monitor URL --state S`) follow province 1;
    two more events are appended and `tiles` publishes again; the mirror serves the new checkpoint;
    tlogcheck checks origin and mirror together (one tree the prefix of the other); the monitor is
    still running, with no alert; a `monitor --once` with a second state records this checkpoint.
 6b. Recovery (issue 28 item 4): `restore --from-tiles <mirror URL>` with the trust policy, the evidence
    folder, the witness list and the log key rebuilds province 1 in a new directory; `verify` prints
    the original's head; a signed command is appended on it and `tiles` publishes into province 1's
    folder, cosigned by both witnesses (it extends the log they saw); the mirror and the monitor follow
    it. Refused, leaving no ledger: a tampered event bundle (a copy of the mirror's folder), province
    2's trust policy, province 2's log key, a non-empty target directory. From here on the recovered
    ledger is province 1's.
 7. The fork: the copy from step 4 gets three other events and only witness 1; `tiles` into
    `public/dien-bien-fork/` publishes but exits non-zero with the witness's refusal (HTTP 409 or
    422: the witness cosigned a different tree). `monitor --once` on the fork's URL, with the state
    of step 6, exits 1 with `ALERT [fork]` or `ALERT [quorum]`; then nginx serves the fork in place
    of province 1 and the running monitor exits 1 with such an alert within 15 s; the mirror keeps
    serving the checkpoint it verified.
 8. Certified bundles exported from the real ledger and from the fork: `verify-bundle` and
    tools/verify_bundle.py with the quorum-2 policy accept the real one (exit 0) and fail the fork's
    with `FAILED [quorum]` (exit 1).
 9. tlogcheck on the fork's folder with the quorum-2 policy: exit 1. Province 2 is unaffected: one more
    event, `tiles` exit 0 with both cosignatures, tlogcheck exit 0.
10. Province 2 rotates its log key (README, Log key rotation; a copy of the old key kept as if leaked):
    `log-key rotate` prints the switch size and the handover line, `log-key show` both keys; both
    witnesses restart with the handover in their policy; `trust-policy` adds it; one more event and
    `tiles` is cosigned by both; tlogcheck passes with the new policy and fails with the old;
    `monitor --once` with the old policy alerts; a mirror and a monitor
    with the new policy follow, no alert. A checkpoint signed by the old key past the switch: both
    witnesses answer 403, and served by nginx the running monitor exits 1 with an alert naming the
    retired key. A bundle exported now passes `verify-bundle` and tools/verify_bundle.py with the new
    policy and fails `[log-key]` with the old; a backup restored prints the same trust policy.

Builds parledger (`swift build --product parledger`) when the default binary is missing, and
tlogcheck (tools/tlogcheck/build, into .build/tlogcheck) unless --tlogcheck is given. Needs nginx, Go and golang.org/x/mod (tools/setup installs them).
Takes about 35 s once built (debug build), plus the recovery of step 6b. Exit 0 on success, 1 on failure (with the step and what
went wrong; the temporary directory, with every server's log, is then kept); `--keep` keeps it anyway.
"""

import argparse
import base64
import hashlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROVINCE_1 = "dien-bien"
PROVINCE_2 = "lai-chau"
WITNESSES = ["thanhtra.dienbien.gov.vn/witness", "moha.gov.vn/witness"]
DEMO_SECRETARIAT = "so-noi-vu-thuong-truc"
ALERT_TIMEOUT = 15.0


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def poll(probe, what, timeout=30.0, interval=0.2):
    end = time.time() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.time() > end:
            raise Failure(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url, timeout=10):
    """The body of `url` (bytes) and its headers; None when it cannot be fetched."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.read(), response.headers
    except (OSError, urllib.error.URLError):
        return None


def signature_names(note):
    """The key names of a signed note's signature lines ("— name base64")."""
    _, _, signatures = note.partition("\n\n")
    return [line.split(" ")[1] for line in signatures.splitlines() if line.startswith("\u2014 ")]


def checkpoint_size(note):
    return int(note.split("\n")[1])


def indent(text):
    return "".join(f"      | {line}\n" for line in text.strip().splitlines()) if text.strip() else ""


class Run:
    """The shared state of one run: the work directory, the processes started, the step."""

    def __init__(self, args):
        self.parledger = args.parledger
        self.tlogcheck = args.tlogcheck
        self.build_tlogcheck = args.build_tlogcheck
        self.work = tempfile.mkdtemp(prefix="parledger-transparency-test-")
        self.public = os.path.join(self.work, "public")
        os.makedirs(self.public)
        self.stage = "setup"
        self.processes = []  # (name, Popen, log path)
        self.passed = []

    def note(self, text):
        self.stage = text
        print(f"[{time.strftime('%H:%M:%S')}] {text}", flush=True)

    def ok(self, text):
        self.passed.append(text)
        print(f"    ok: {text}", flush=True)

    def path(self, *parts):
        return os.path.join(self.work, *parts)

    def run(self, program, *args, expect=0, timeout=300):
        """Runs a command to completion; fails unless it exits with `expect` (None: any status)."""
        command = [program, *args]
        try:
            done = subprocess.run(command, capture_output=True, text=True, cwd=self.work, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise Failure(f"{self.show(command)} did not finish within {timeout} s")
        if expect is not None and done.returncode != expect:
            raise Failure(f"{self.show(command)} exited {done.returncode}, not {expect}:\n"
                          f"{indent(done.stdout)}{indent(done.stderr)}")
        return done

    def cli(self, *args, expect=0, timeout=300):
        return self.run(self.parledger, *args, expect=expect, timeout=timeout)

    def show(self, command):
        words = [os.path.basename(command[0])] + [w.replace(self.work + "/", "") for w in command[1:]]
        return " ".join(words)

    def start(self, name, command):
        """Starts a server in its own process group, its output in <work>/logs/<name>.log."""
        os.makedirs(self.path("logs"), exist_ok=True)
        log_path = self.path("logs", f"{name}.log")
        log = open(log_path, "w")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=self.work,
                                   start_new_session=True)
        log.close()
        self.processes.append((name, process, log_path))
        return process

    def output_of(self, name):
        for process_name, _, log_path in self.processes:
            if process_name == name:
                with open(log_path, encoding="utf-8", errors="replace") as log:
                    return log.read()
        return ""

    def wait_port(self, name, process, port, timeout=30.0):
        def up():
            if process.poll() is not None:
                raise Failure(f"{name} exited ({process.returncode}) before answering on port {port}:\n"
                              f"{indent(self.output_of(name))}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return True
            except OSError:
                return False
        poll(up, f"{name} to answer on port {port}", timeout)

    def still_running(self, name, process):
        """True while `process` runs; a Failure with its output once it has exited."""
        if process.poll() is not None:
            raise Failure(f"{name} exited ({process.returncode}):\n{indent(self.output_of(name))}")
        return True

    def stop_one(self, name):
        """Ends the running process `name` (SIGTERM to its group) and returns it with its command."""
        for process_name, process, _ in self.processes:
            if process_name == name and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                process.wait(10)
                return process, process.args
        raise Failure(f"no running process {name}")

    def stop(self):
        """Ends every process this run started: SIGTERM to its group, SIGKILL after 10 s."""
        for _, process, _ in reversed(self.processes):
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for _, process, _ in reversed(self.processes):
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.wait(5)


# ---- the pieces --------------------------------------------------------------------------------------

def nginx_config(run, port):
    """An nginx configuration serving <work>/public on 127.0.0.1:port, everything it writes in <work>/nginx."""
    base = run.path("nginx")
    for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        os.makedirs(os.path.join(base, "nginx-temp", sub), exist_ok=True)
    # As root, nginx's workers would run as nobody, who cannot read the 0700 temporary directory.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    text = f"""{user}daemon off;
worker_processes 1;
pid {base}/nginx.pid;
error_log {base}/error.log warn;
events {{ worker_connections 64; }}
http {{
    types {{
        text/plain txt;
        application/octet-stream bin;
    }}
    default_type application/octet-stream;
    access_log {base}/access.log;
    client_body_temp_path {base}/nginx-temp/client_body;
    proxy_temp_path {base}/nginx-temp/proxy;
    fastcgi_temp_path {base}/nginx-temp/fastcgi;
    uwsgi_temp_path {base}/nginx-temp/uwsgi;
    scgi_temp_path {base}/nginx-temp/scgi;
    server {{
        listen 127.0.0.1:{port};
        root {run.public};
        location ~ /checkpoint$ {{
            types {{ }}
            default_type "text/plain; charset=utf-8";
            add_header Cache-Control "no-store" always;
        }}
    }}
}}
"""
    path = os.path.join(base, "nginx.conf")
    with open(path, "w") as out:
        out.write(text)
    return base, path


def small_ledger(run, ledger, key):
    """A new ledger: init, both Điện Biên frameworks (as the province's tables), one cycle opened."""
    run.cli("init", "--ledger", ledger, "--key-out", key)
    ids = {}
    for kind in ("departments", "districts"):
        done = run.cli("framework", "register", os.path.join(REPO, "schemas", "frameworks", f"dien-bien-2019-{kind}.json"),
                       "--ledger", ledger, "--key", key)
        words = done.stdout.split(" ")
        ids[kind] = words[2] if len(words) > 2 else ""
    cycle = run.path("lai-chau-cycle.json")
    with open(cycle, "w") as out:
        out.write('{"cycle":"lai-chau-2021","name":"Chỉ số CCHC năm 2021","year":2021,'
                  f'"frameworks":{{"department":"{ids["departments"]}","district":"{ids["districts"]}"}},'
                  '"units":[{"id":"so-tai-chinh","name":"Sở Tài chính","kind":"department"},'
                  '{"id":"so-y-te","name":"Sở Y tế","kind":"department"},'
                  '{"id":"huyen-phong-tho","name":"Huyện Phong Thổ","kind":"district"}],'
                  '"selfAssessmentDeadline":"2099-01-14T16:59:59.999Z"}')
    run.cli("cycle", "open", "--file", cycle, "--ledger", ledger, "--key", key)


def append_auditors(run, ledger, key, names):
    """Appends one event per name: the secretariat enrols an auditor."""
    for name in names:
        public = run.path(f"{name}.key")
        if not os.path.exists(public):
            run.cli("keygen", "--out", public)
        run.cli("actor", "add", name, "--name", f"Kiểm toán viên {name}", "--role", "auditor",
                "--public-key", public + ".pub", "--ledger", ledger, "--key", key)


def ledger_size(run, ledger):
    """The ledger's size, from `parledger checkpoint` (only before witnesses are configured: it asks them
    to cosign)."""
    note = run.cli("checkpoint", "--ledger", ledger).stdout
    return checkpoint_size(note)


def read_text(path):
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def served_checkpoint(url):
    got = fetch(url + "checkpoint")
    return got[0].decode("utf-8") if got else None


def alert_lines(text):
    return [line for line in text.splitlines() if line.startswith("ALERT [")]


# ---- the scenario ------------------------------------------------------------------------------------

def head_line(run, ledger):
    """The 'OK: … events, head …' line `parledger verify` prints."""
    done = run.cli("verify", "--ledger", ledger, "--quiet")
    lines = [line for line in done.stdout.splitlines() if line.startswith("OK")]
    check(lines, f"verify on {ledger} printed no OK line:\n{indent(done.stdout)}")
    return lines[0].replace(ledger, "L")


def refuse_restore(run, what, target, *args, expect):
    """`restore --from-tiles …` that must exit `expect` and leave no ledger (nor a half-built one)."""
    done = run.cli("restore", *args, "--ledger", target, "--quiet", expect=expect)
    said = (done.stdout + done.stderr).strip()
    check(not os.path.exists(target), f"the refused restore ({what}) left {target} behind")
    leftovers = [name for name in os.listdir(os.path.dirname(target)) if ".restoring-" in name]
    check(not leftovers, f"the refused restore ({what}) left {leftovers} behind")
    error = next((line for line in said.splitlines() if line.startswith("error:")), said[:200])
    run.ok(f"restore refused {what}: exit {expect}, nothing written: {error[:150]}")


def recover_from_mirror(run, original, secretariat, policy, mirror_url, mirror_dir, published):
    """Issue 28 item 4: province 1's server is lost; its ledger is rebuilt from the mirror's tiles with the
    log key, verifies to the same head, takes a new signed command and publishes a checkpoint that the
    witnesses cosign (it extends the log) and the mirror follows. Wrong inputs are refused, writing nothing.
    Returns the recovered ledger and the checkpoint the mirror then serves."""
    run.note("step 6b: recover province 1 from the mirror's tiles (restore --from-tiles)")
    restored = run.path("recovered", "ledger")
    os.makedirs(os.path.dirname(restored))
    trust = policy[PROVINCE_1]
    common = ("--trust", trust, "--evidence", os.path.join(original, "evidence"),
              "--witnesses", os.path.join(original, "witnesses.txt"))
    started = time.time()
    done = run.cli("restore", "--from-tiles", mirror_url, *common, "--log-key", os.path.join(original, "log.key"),
                   "--ledger", restored, "--quiet")
    said = done.stdout.strip().splitlines()
    check(said and said[0].startswith("OK: rebuilt"), f"restore --from-tiles printed no OK line:\n{indent(done.stdout)}")
    check("missing" not in done.stdout, f"restore --from-tiles lists missing evidence:\n{indent(done.stdout)}")
    run.ok(f"restore --from-tiles {mirror_url} in {time.time() - started:.1f} s: {said[0][:140]}")
    print(indent("\n".join(said[1:])), end="")
    heads = head_line(run, restored), head_line(run, original)
    check(heads[0] == heads[1], f"verify prints another head for the recovered ledger ({heads[0]}) than for the "
                                f"original ({heads[1]})")
    run.ok(f"verify on the recovered ledger prints the original's head: {heads[0][:110]}")

    append_auditors(run, restored, secretariat, ["kiem-toan-sau-khoi-phuc"])
    done = run.cli("tiles", "--ledger", restored, "--out", published)
    note = read_text(os.path.join(published, "checkpoint"))
    size = checkpoint_size(note)
    check(all(name in signature_names(note) for name in WITNESSES),
          f"the recovered ledger's checkpoint lacks a cosignature: {signature_names(note)}")
    run.ok(f"a signed command appended on the recovered ledger; tiles exit 0: {size} events, cosigned by both "
           "witnesses (it extends the log they saw)")
    poll(lambda: served_checkpoint(mirror_url) == note, f"the mirror to serve the checkpoint of {size} events", 30)
    run.ok(f"the mirror follows the recovered ledger's checkpoint ({size} events)")

    target = run.path("recovered", "refused")
    tampered = run.path("tampered-tiles")
    shutil.copytree(mirror_dir, tampered)
    bundle = os.path.join(tampered, "events", "000")
    with open(bundle, "rb") as handle:
        data = handle.read()
    with open(bundle, "wb") as handle:
        handle.write(data.replace(b'"stream":"', b'"stream":"x', 1))
    check(b'"stream":"' in data, f"{bundle} holds no event line to tamper with")
    refuse_restore(run, "a tampered event bundle", target, "--from-tiles", tampered, *common, expect=1)
    refuse_restore(run, "the trust policy of another province", target, "--from-tiles", mirror_url,
                   "--trust", policy[PROVINCE_2], "--evidence", os.path.join(original, "evidence"), expect=1)
    other_key = run.path("lai-chau", "ledger", "log.key")
    refuse_restore(run, "another log's key", target, "--from-tiles", mirror_url, *common, "--log-key", other_key,
                   expect=2)
    os.makedirs(target)
    with open(os.path.join(target, "something"), "w") as out:
        out.write("kept\n")
    done = run.cli("restore", "--from-tiles", mirror_url, *common, "--ledger", target, "--quiet", expect=2)
    check(os.listdir(target) == ["something"], f"the refused restore into a non-empty directory changed it")
    run.ok("restore refused a non-empty target directory: exit 2, the directory unchanged")
    return restored, note


def run_test(run):
    started = time.time()
    province_dir = {PROVINCE_1: run.path("demo", "ledger"), PROVINCE_2: run.path("lai-chau", "ledger")}
    secretariat = {PROVINCE_1: run.path("demo", "keys", f"{DEMO_SECRETARIAT}.key"),
                   PROVINCE_2: run.path("lai-chau", "secretariat.key")}

    run.note("step 1: two provinces, each its own ledger, log key and folder under one nginx root")
    # The demo (10 to 25 s in a debug build) runs while the second province and nginx are set up.
    demo = run.start("demo", [run.parledger, "demo", "--dir", run.path("demo"), "--quiet",
                              "--frameworks", os.path.join(REPO, "schemas", "frameworks")])
    os.makedirs(run.path("lai-chau"))
    small_ledger(run, province_dir[PROVINCE_2], secretariat[PROVINCE_2])
    nginx_port = free_port()
    nginx_base, nginx_conf = nginx_config(run, nginx_port)
    nginx = run.start("nginx", ["nginx", "-p", nginx_base, "-e", os.path.join(nginx_base, "error.log"),
                                "-c", nginx_conf])
    run.wait_port("nginx", nginx, nginx_port)
    origin = f"http://127.0.0.1:{nginx_port}"
    url = {p: f"{origin}/{p}/" for p in (PROVINCE_1, PROVINCE_2)}
    run.ok(f"nginx (pid {nginx.pid}) serves {run.public} on 127.0.0.1:{nginx_port}")
    if run.build_tlogcheck:  # meanwhile too (Go, offline; quick when up to date)
        run.run(os.path.join(REPO, "tools", "tlogcheck", "build"), run.tlogcheck, timeout=300)
    demo_status = demo.wait(240)
    check(demo_status == 0, f"parledger demo exited {demo_status}:\n{indent(run.output_of('demo')[-3000:])}")
    log_key = {}
    for province in (PROVINCE_1, PROVINCE_2):
        log_key[province] = run.cli("checkpoint", "verifier-key", "--ledger", province_dir[province]).stdout.strip()
        check(log_key[province].startswith("parledger/"), f"{province}: odd log verifier key {log_key[province]!r}")
    check(log_key[PROVINCE_1] != log_key[PROVINCE_2], "both provinces have the same log key")
    run.ok(f"{PROVINCE_1}: the demo ledger ({ledger_size(run, province_dir[PROVINCE_1])} events), log key "
           f"{log_key[PROVINCE_1].split('+')[0]}; {PROVINCE_2}: {ledger_size(run, province_dir[PROVINCE_2])} events, "
           f"log key {log_key[PROVINCE_2].split('+')[0]}")

    run.note("step 2: two witnesses, each its own key, state and port, witnessing both logs")
    witness_keys, witness_urls = [], []
    for number, name in enumerate(WITNESSES, 1):
        key = run.path(f"witness-{number}.key")
        run.cli("witness", "keygen", "--name", name, "--out", key)
        check(os.stat(key).st_mode & 0o077 == 0, f"witness keygen wrote {key} readable by others")
        with open(key + ".pub") as handle:
            verifier = handle.read().strip()
        check(verifier.startswith(name + "+") and "\n" not in verifier,
              f"{key}.pub is not one verifier key line named {name}: {verifier!r}")
        witness_keys.append((key, verifier))

    witness_policy = run.path("witness-policy.txt")
    with open(witness_policy, "w") as out:
        out.write("parledger-witness-policy/1\n" + "".join(f"log {log_key[p]}\n" for p in (PROVINCE_1, PROVINCE_2)))
    for number, (key, _) in enumerate(witness_keys, 1):
        port = free_port()
        process = run.start(f"witness-{number}", [
            run.parledger, "witness", "serve", "--key", key, "--state", run.path(f"witness-{number}-state"),
            "--policy", witness_policy, "--host", "127.0.0.1", "--port", str(port)])
        run.wait_port(f"witness-{number}", process, port)
        witness_urls.append(f"http://127.0.0.1:{port}")
        run.ok(f"witness {WITNESSES[number - 1]} (pid {process.pid}) answers on port {port}")

    run.note("step 3: both witnesses configured on each ledger; a quorum-2 trust policy per province")
    policy = {}
    for province in (PROVINCE_1, PROVINCE_2):
        for (_, verifier), witness_url in zip(witness_keys, witness_urls):
            run.cli("witnesses", "add", "--ledger", province_dir[province], "--key", verifier, "--url", witness_url)
        listed = run.cli("witnesses", "list", "--ledger", province_dir[province]).stdout
        for name in WITNESSES:
            check(name in listed, f"witnesses list of {province} does not name {name}:\n{indent(listed)}")
        policy[province] = run.path(f"trust-policy-{province}.txt")
        run.cli("trust-policy", "--ledger", province_dir[province], "--quorum", "2", "--out", policy[province])
        text = read_text(policy[province])
        for _, verifier in witness_keys:
            check(verifier in text, f"{policy[province]} does not name the witness key {verifier}:\n{indent(text)}")
        check(re.search(r"^quorum 2$", text, re.M), f"{policy[province]} has no 'quorum 2' line:\n{indent(text)}")
        run.ok(f"{province}: witnesses list names both; trust-policy-{province}.txt names both with quorum 2")

    run.note("step 4: tiles publishes each province, cosigned by both witnesses, served by nginx")
    served = {}
    for province in (PROVINCE_1, PROVINCE_2):
        folder = os.path.join(run.public, province)
        done = run.cli("tiles", "--ledger", province_dir[province], "--out", folder)
        note = read_text(os.path.join(folder, "checkpoint"))
        names = signature_names(note)
        for name in WITNESSES:
            check(name in names, f"{province}/checkpoint carries no cosignature by {name}; its signatures: {names}")
        got = fetch(url[province] + "checkpoint")
        check(got is not None, f"nginx does not serve {url[province]}checkpoint")
        body, headers = got
        check(body.decode("utf-8") == note, f"nginx serves another {province} checkpoint than the folder holds")
        check("no-store" in (headers.get("Cache-Control") or ""),
              f"nginx serves {province}/checkpoint without Cache-Control: no-store ({dict(headers)})")
        served[province] = note
        run.ok(f"{province}: tiles exit 0, checkpoint of {checkpoint_size(note)} events signed by "
               f"{', '.join(names)}; fetched through nginx ({headers.get('Content-Type')}, no-store)")
        last = done.stdout.strip().splitlines()[-1:] or [""]
        print(f"      | {last[0]}")
    fork_ledger = run.path("fork", "ledger")
    shutil.copytree(province_dir[PROVINCE_1], fork_ledger)
    fork_key = secretariat[PROVINCE_1]
    run.ok(f"copied {PROVINCE_1}'s ledger (its log key too) to fork/ledger, for step 7")

    run.note("step 5: tlogcheck (Go) checks each province through nginx")
    for province in (PROVINCE_1, PROVINCE_2):
        done = run.run(run.tlogcheck, "--policy", policy[province], url[province])
        ok_lines = [line for line in done.stdout.splitlines() if line.startswith("OK:")]
        check(ok_lines, f"tlogcheck printed no OK line for {province}:\n{indent(done.stdout)}")
        run.ok(f"tlogcheck {province}: {ok_lines[-1]}")

    run.note(f"step 6: a mirror and a monitor follow {PROVINCE_1}; more events are published")
    mirror_port = free_port()
    mirror_dir = run.path("mirror")
    mirror = run.start("mirror", [run.parledger, "mirror", url[PROVINCE_1], mirror_dir, "--trust", policy[PROVINCE_1],
                                  "--interval", "1", "--listen", f"127.0.0.1:{mirror_port}"])
    mirror_url = f"http://127.0.0.1:{mirror_port}/"
    run.wait_port("mirror", mirror, mirror_port)
    first_size = checkpoint_size(served[PROVINCE_1])
    poll(lambda: run.still_running("mirror", mirror) and served_checkpoint(mirror_url) == served[PROVINCE_1],
         "the mirror to serve the first checkpoint", 60)
    run.ok(f"mirror (pid {mirror.pid}) serves the checkpoint of {first_size} events on port {mirror_port}")
    monitor = run.start("monitor", [run.parledger, "monitor", url[PROVINCE_1], "--trust", policy[PROVINCE_1],
                                    "--state", run.path("monitor-state"), "--interval", "1"])
    monitor_copy = os.path.join(run.path("monitor-state"), "copy", "checkpoint")

    def monitor_holds(size):
        """The monitor runs and its verified copy (state/copy) has reached `size` entries."""
        run.still_running("monitor", monitor)
        return os.path.exists(monitor_copy) and checkpoint_size(read_text(monitor_copy)) == size
    poll(lambda: monitor_holds(first_size), f"the monitor's copy to reach {first_size} entries", 90)
    check(not alert_lines(run.output_of("monitor")), f"the monitor alerts:\n{indent(run.output_of('monitor'))}")
    run.ok(f"monitor (pid {monitor.pid}) follows {url[PROVINCE_1]}: its verified copy holds {first_size} entries")

    append_auditors(run, province_dir[PROVINCE_1], secretariat[PROVINCE_1], ["kiem-toan-a", "kiem-toan-b"])
    run.cli("tiles", "--ledger", province_dir[PROVINCE_1], "--out", os.path.join(run.public, PROVINCE_1))
    second = read_text(os.path.join(run.public, PROVINCE_1, "checkpoint"))
    second_size = checkpoint_size(second)
    check(second_size == first_size + 2, f"the second checkpoint has {second_size} events, not {first_size} + 2")
    check(all(name in signature_names(second) for name in WITNESSES), "the second checkpoint lacks a cosignature")
    run.ok(f"two events appended, tiles published a checkpoint of {second_size} events cosigned by both witnesses")

    def mirror_caught_up():
        run.still_running("mirror", mirror)
        note = served_checkpoint(mirror_url)
        return note is not None and checkpoint_size(note) == second_size
    poll(mirror_caught_up, f"the mirror to serve the checkpoint of {second_size} events", 30)
    run.ok(f"the mirror serves the new checkpoint ({second_size} events)")
    done = run.run(run.tlogcheck, "--policy", policy[PROVINCE_1], url[PROVINCE_1], mirror_url)
    ok_lines = [line for line in done.stdout.splitlines() if line.startswith("OK:")]
    check(len(ok_lines) >= 2, f"tlogcheck on origin and mirror printed fewer than two OK lines:\n{indent(done.stdout)}")
    run.ok("tlogcheck on origin and mirror together: exit 0")
    poll(lambda: monitor_holds(second_size), f"the monitor's copy to reach {second_size} entries", 60)
    time.sleep(1.5)  # one more round of the monitor (--interval 1)
    run.still_running("monitor", monitor)
    check(not alert_lines(run.output_of("monitor")), f"the monitor alerts:\n{indent(run.output_of('monitor'))}")
    run.ok(f"the monitor's copy holds {second_size} entries; it is still running, no alert")
    once_state = run.path("monitor-state-once")
    run.cli("monitor", url[PROVINCE_1], "--trust", policy[PROVINCE_1], "--state", once_state, "--once")
    run.ok(f"monitor --once with a second state: exit 0 at {second_size} events")

    live_ledger, mirrored = recover_from_mirror(run, province_dir[PROVINCE_1], secretariat[PROVINCE_1], policy,
                                                mirror_url, mirror_dir, os.path.join(run.public, PROVINCE_1))
    mirrored_size = checkpoint_size(mirrored)
    poll(lambda: monitor_holds(mirrored_size), f"the monitor's copy to reach {mirrored_size} entries", 60)
    check(not alert_lines(run.output_of("monitor")), f"the monitor alerts:\n{indent(run.output_of('monitor'))}")
    run.ok(f"the monitor follows the recovered ledger's checkpoint ({mirrored_size} events), no alert")

    run.note("step 7: a fork of province 1 (same log key, other events) is refused and raised")
    append_auditors(run, fork_ledger, fork_key, ["gia-mao-1", "gia-mao-2", "gia-mao-3"])
    run.cli("witnesses", "remove", WITNESSES[1], "--ledger", fork_ledger)
    listed = run.cli("witnesses", "list", "--ledger", fork_ledger).stdout
    check(WITNESSES[0] in listed and WITNESSES[1] not in listed,
          f"the fork's witnesses are not witness 1 alone:\n{indent(listed)}")
    fork_folder = os.path.join(run.public, f"{PROVINCE_1}-fork")
    done = run.cli("tiles", "--ledger", fork_ledger, "--out", fork_folder, expect=None)
    said = done.stdout + done.stderr
    check(done.returncode == 3, f"tiles on the fork exited {done.returncode}, not 3 (a witness refused):\n{indent(said)}")
    check(re.search(r"\b(409|422)\b|rolled back or forked", said),
          f"tiles on the fork does not show the witness's refusal (409 or 422):\n{indent(said)}")
    fork_note = read_text(os.path.join(fork_folder, "checkpoint"))
    check(not any(name in signature_names(fork_note) for name in WITNESSES), "a witness cosigned the fork")
    refusal = [line for line in said.splitlines() if re.search(r"\b(409|422)\b|forked", line)]
    run.ok(f"tiles on the fork exit {done.returncode}, published {checkpoint_size(fork_note)} events uncosigned; "
           f"the refusal: {refusal[0].strip()}")

    done = run.cli("monitor", f"{origin}/{PROVINCE_1}-fork/", "--trust", policy[PROVINCE_1], "--state", once_state,
                   "--once", expect=1)
    alerts = [line for line in alert_lines(done.stdout + done.stderr) if re.match(r"ALERT \[(fork|quorum)\]", line)]
    check(alerts, f"monitor --once on the fork printed no ALERT [fork] or [quorum]:\n{indent(done.stdout + done.stderr)}")
    run.ok(f"monitor --once on the fork's URL with the state of step 6: exit 1, {alerts[0]}")

    # nginx now serves the fork where province 1 was: what a compromised server would show.
    swap = os.path.join(run.public, f".{PROVINCE_1}-swap")
    shutil.copytree(fork_folder, swap)
    os.rename(os.path.join(run.public, PROVINCE_1), os.path.join(run.public, f"{PROVINCE_1}-real"))
    os.rename(swap, os.path.join(run.public, PROVINCE_1))
    check(served_checkpoint(url[PROVINCE_1]) == fork_note, "nginx does not serve the fork in place of province 1")
    try:
        status = monitor.wait(ALERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure(f"the monitor did not exit within {ALERT_TIMEOUT:.0f} s of the fork being served:\n"
                      f"{indent(run.output_of('monitor'))}")
    output = run.output_of("monitor")
    print(indent(output), end="")
    check(status == 1, f"the monitor exited {status}, not 1")
    alerts = [line for line in alert_lines(output) if re.match(r"ALERT \[(fork|quorum)\]", line)]
    check(alerts, "the monitor exited without ALERT [fork] or ALERT [quorum]")
    run.ok(f"the running monitor exit 1 on the served fork: {alerts[0]}")
    # The mirror follows the same URL: it must stop with an alert and keep its verified copy untouched.
    try:
        status = mirror.wait(ALERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure(f"the mirror did not stop within {ALERT_TIMEOUT:.0f} s of the fork being served:\n"
                      f"{indent(run.output_of('mirror'))}")
    alerts = [line for line in alert_lines(run.output_of("mirror")) if re.match(r"ALERT \[(fork|quorum)\]", line)]
    check(status == 1 and alerts, f"the mirror exited {status} without ALERT [fork] or [quorum]:\n"
                                  f"{indent(run.output_of('mirror'))}")
    kept = read_text(os.path.join(mirror_dir, "checkpoint"))
    check(kept == mirrored, f"the mirror's copy no longer holds the checkpoint it verified:\n{indent(kept)}")
    run.ok(f"the mirror exit 1 on the fork ({alerts[0][:60]}…); its copy still holds the {mirrored_size} verified events")

    run.note("step 8: certified bundles of the real ledger and of the fork, against the quorum-2 policy")
    bundles = {}
    for name, ledger in (("real", live_ledger), ("fork", fork_ledger)):
        bundles[name] = run.path(f"bundle-{name}")
        done = run.cli("export", bundles[name], "--ledger", ledger, "--quiet", expect=None)
        check(os.path.isdir(bundles[name]),
              f"export of the {name} ledger wrote no bundle (exit {done.returncode}):\n{indent(done.stdout + done.stderr)}")
        said = (done.stdout + done.stderr).strip()
        if name == "real":
            check(done.returncode == 0, f"export of the real ledger exited {done.returncode}:\n{indent(said)}")
        else:
            print(f"      | export of the fork: exit {done.returncode}")
            print(indent("\n".join(line for line in said.splitlines() if "witness" in line)), end="")
    for name, expected in (("real", 0), ("fork", 1)):
        swift = run.cli("verify-bundle", bundles[name], "--trust", policy[PROVINCE_1], expect=expected)
        python = run.run(sys.executable, os.path.join(REPO, "tools", "verify_bundle.py"), bundles[name],
                         "--trust", policy[PROVINCE_1], expect=expected)
        for verifier, outcome in (("verify-bundle", swift), ("verify_bundle.py", python)):
            lines = outcome.stdout.strip().splitlines()
            if expected == 1:
                check(any(line.startswith("FAILED [quorum]") for line in lines),
                      f"{verifier} on the fork's bundle does not say FAILED [quorum]:\n{indent(outcome.stdout)}")
            verdict = next((l for l in lines if l.startswith(("OK", "FAILED"))), lines[-1] if lines else "")
            run.ok(f"{verifier} {name} bundle: exit {expected}, {verdict[:110]}")

    run.note("step 9: tlogcheck on the fork's folder with the quorum-2 policy; province 2 unaffected")
    done = run.run(run.tlogcheck, "--policy", policy[PROVINCE_1], fork_folder, expect=1)
    failed = [line for line in done.stdout.splitlines() if line.startswith("FAILED")]
    check(failed, f"tlogcheck on the fork printed no FAILED line:\n{indent(done.stdout)}")
    run.ok(f"tlogcheck fork: exit 1, {failed[0]}")
    append_auditors(run, province_dir[PROVINCE_2], secretariat[PROVINCE_2], ["kiem-toan-lai-chau"])
    done = run.cli("tiles", "--ledger", province_dir[PROVINCE_2], "--out", os.path.join(run.public, PROVINCE_2))
    note = read_text(os.path.join(run.public, PROVINCE_2, "checkpoint"))
    check(all(name in signature_names(note) for name in WITNESSES), f"{PROVINCE_2}'s new checkpoint lacks a cosignature")
    done = run.run(run.tlogcheck, "--policy", policy[PROVINCE_2], url[PROVINCE_2])
    run.ok(f"{PROVINCE_2} is unaffected: one more event, tiles exit 0 with both cosignatures, tlogcheck exit 0 "
           f"at {checkpoint_size(note)} events")

    rotation_step(run, province_dir[PROVINCE_2], secretariat[PROVINCE_2], policy[PROVINCE_2], url[PROVINCE_2],
                  witness_policy, witness_urls)
    return time.time() - started


def sign_with_key_file(text, name, key_file):
    """The C2SP signed note of `text` signed under `name` by the Ed25519 key of a parledger key file."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    seed = base64.b64decode(read_text(key_file).split()[1])
    key = Ed25519PrivateKey.from_private_bytes(seed)
    raw = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]
    return text + "\n\u2014 " + name + " " + base64.b64encode(key_hash + key.sign(text.encode())).decode() + "\n"


def post(url, body):
    """(status, body text) of a POST."""
    request = urllib.request.Request(url, data=body.encode(), method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def rotation_step(run, ledger, key, old_policy, url, witness_policy, witness_urls):
    """Step 10 (README, Log key rotation): province 2 hands its log over to a new key."""
    run.note("step 10: province 2 rotates its log key; witnesses, mirror and monitor follow; the retired key is refused")
    leaked = run.path("leaked-log.key")
    shutil.copy(os.path.join(ledger, "log.key"), leaked)
    done = run.cli("log-key", "rotate", "--ledger", ledger)
    lines = done.stdout.splitlines()
    handover = next((line for line in lines if line.startswith("log-handover ")), None)
    switch = re.search(r"Handed the log \S+ over at tree size (\d+)", done.stdout)
    check(handover and switch and re.search(r"hold the old key's checkpoint of size \d+: 2 of 2 cosigned", done.stdout),
          f"log-key rotate did not print the witnesses, the switch size and the handover line:\n{indent(done.stdout)}")
    switch = int(switch.group(1))
    shown = run.cli("log-key", "show", "--ledger", ledger).stdout.splitlines()
    check(len(shown) == 2 and f"tree sizes 0 to {switch}" in shown[0] and "(current)" in shown[1],
          f"log-key show does not list the two keys:\n{indent(chr(10).join(shown))}")
    run.ok(f"log-key rotate: handed over at tree size {switch}; log-key show lists both keys")

    with open(witness_policy, "a") as out:
        out.write(handover + "\n")
    for number in (1, 2):
        name = f"witness-{number}"
        _, command = run.stop_one(name)
        port = int(witness_urls[number - 1].rsplit(":", 1)[1])
        run.wait_port(name, run.start(name, command), port)
    new_policy = run.path("trust-policy-rotated.txt")
    run.cli("trust-policy", "--ledger", ledger, "--quorum", "2", "--out", new_policy)
    old_log_line = next(line for line in read_text(old_policy).splitlines() if line.startswith("log "))
    check(handover in read_text(new_policy).splitlines() and old_log_line in read_text(new_policy).splitlines(),
          f"the new trust policy does not keep the old log line and add the handover:\n{indent(read_text(new_policy))}")
    run.ok("both witnesses restarted with the handover in their policy; trust-policy adds the log-handover line")

    append_auditors(run, ledger, key, ["kiem-toan-xoay-khoa"])
    folder = os.path.join(run.public, PROVINCE_2)
    run.cli("tiles", "--ledger", ledger, "--out", folder)
    note = read_text(os.path.join(folder, "checkpoint"))
    size = checkpoint_size(note)
    check(size > switch and all(name in signature_names(note) for name in WITNESSES),
          f"the checkpoint after the rotation lacks a cosignature: {signature_names(note)}")
    run.ok(f"one more event; tiles exit 0: the new key's checkpoint of {size} events cosigned by both witnesses")
    run.run(run.tlogcheck, "--policy", new_policy, url)
    run.run(run.tlogcheck, "--policy", old_policy, url, expect=1)
    run.ok("tlogcheck through nginx: exit 0 with the new policy, 1 with the old")
    done = run.cli("monitor", url, "--trust", old_policy, "--state", run.path("monitor-old-policy"), "--once", expect=1)
    check(alert_lines(done.stdout + done.stderr), f"monitor with the old policy gave no alert:\n{indent(done.stdout)}")
    run.ok(f"monitor --once with the old policy: exit 1, {alert_lines(done.stdout + done.stderr)[0][:100]}")

    mirror_port = free_port()
    mirror_url = f"http://127.0.0.1:{mirror_port}/"
    mirror = run.start("mirror-2", [run.parledger, "mirror", url, run.path("mirror-2"), "--trust", new_policy,
                                    "--interval", "1", "--listen", f"127.0.0.1:{mirror_port}"])
    monitor = run.start("monitor-2", [run.parledger, "monitor", url, "--trust", new_policy,
                                      "--state", run.path("monitor-2-state"), "--interval", "1"])
    run.wait_port("mirror-2", mirror, mirror_port)
    poll(lambda: run.still_running("mirror-2", mirror) and served_checkpoint(mirror_url) == note,
         "the mirror to serve the new key's checkpoint", 60)
    copy = run.path("monitor-2-state", "copy", "checkpoint")
    poll(lambda: run.still_running("monitor-2", monitor) and os.path.exists(copy) and read_text(copy) == note,
         "the monitor's copy to reach the new key's checkpoint", 60)
    check(not alert_lines(run.output_of("monitor-2")), f"the monitor alerts:\n{indent(run.output_of('monitor-2'))}")
    run.ok(f"mirror and monitor with the new policy hold the new key's checkpoint of {size} events; no alert")

    text = note[:note.index("\n\n") + 1]
    forged = sign_with_key_file(text, text.split("\n")[0], leaked)
    for witness_url in witness_urls:
        status, body = post(witness_url + "/add-checkpoint", f"old {size}\n\n{forged}")
        check(status == 403 and "retired" in body, f"a witness answered {status} to the old key's checkpoint: {body}")
    run.ok(f"both witnesses refuse the retired key's checkpoint of {size} events: 403, {body.strip()[:90]}")
    with open(os.path.join(folder, ".checkpoint-forged"), "w") as out:
        out.write(forged)
    os.rename(os.path.join(folder, ".checkpoint-forged"), os.path.join(folder, "checkpoint"))
    try:
        status = monitor.wait(ALERT_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise Failure(f"the monitor did not alert on the retired key's checkpoint:\n{indent(run.output_of('monitor-2'))}")
    alerts = [line for line in alert_lines(run.output_of("monitor-2")) if "retired" in line]
    check(status == 1 and alerts, f"the monitor exited {status} without an alert naming the retired key")
    run.ok(f"the running monitor exit 1: {alerts[0][:110]}")

    bundle = run.path("bundle-rotated")
    run.cli("export", bundle, "--ledger", ledger, "--quiet")
    for trust, expected in ((new_policy, 0), (old_policy, 1)):
        swift = run.cli("verify-bundle", bundle, "--trust", trust, expect=expected)
        python = run.run(sys.executable, os.path.join(REPO, "tools", "verify_bundle.py"), bundle, "--trust", trust,
                         expect=expected)
        for verifier, outcome in (("verify-bundle", swift), ("verify_bundle.py", python)):
            verdict = next((l for l in outcome.stdout.splitlines() if l.startswith(("OK", "FAILED"))), "")
            check(verdict.startswith("OK" if expected == 0 else "FAILED [log-key]"),
                  f"{verifier} with {os.path.basename(trust)}: {verdict or outcome.stdout}")
            run.ok(f"{verifier} with {os.path.basename(trust)}: exit {expected}, {verdict[:100]}")

    backup, restored = run.path("backup-rotated"), run.path("restored", "ledger")
    run.cli("backup", "--ledger", ledger, "--out", backup, "--quiet")
    run.cli("restore", backup, "--ledger", restored)
    again = run.path("trust-policy-restored.txt")
    run.cli("trust-policy", "--ledger", restored, "--quorum", "2", "--out", again)
    check(read_text(again) == read_text(new_policy), "the restored ledger's trust policy is not the rotated one")
    run.ok("backup and restore keep the log key history: the restored ledger prints the same trust policy")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--parledger", help="the parledger binary (default: .build/debug/parledger, built if missing)")
    parser.add_argument("--tlogcheck", help="the Go verifier (default: .build/tlogcheck, (re)built with "
                                            "tools/tlogcheck/build, quick when up to date)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()
    if args.parledger is None:
        args.parledger = os.path.join(REPO, ".build", "debug", "parledger")
        if not os.access(args.parledger, os.X_OK):
            print("transparency_test: building parledger (swift build --product parledger)", flush=True)
            if subprocess.run(["swift", "build", "--product", "parledger"], cwd=REPO).returncode != 0:
                print("transparency_test: swift build failed", file=sys.stderr)
                return 1
    args.parledger = os.path.abspath(args.parledger)
    args.build_tlogcheck = args.tlogcheck is None
    if args.build_tlogcheck:
        args.tlogcheck = os.path.join(REPO, ".build", "tlogcheck")
    elif not os.access(args.tlogcheck, os.X_OK):
        print(f"transparency_test: no tlogcheck binary at {args.tlogcheck}", file=sys.stderr)
        return 1
    args.tlogcheck = os.path.abspath(args.tlogcheck)
    if not os.access(args.parledger, os.X_OK):
        print(f"transparency_test: no parledger binary at {args.parledger}", file=sys.stderr)
        return 1
    if shutil.which("nginx") is None:
        print("transparency_test: nginx is not installed (tools/setup installs it)", file=sys.stderr)
        return 1
    run = Run(args)
    failed = None
    elapsed = 0.0
    try:
        elapsed = run_test(run)
    except Failure as failure:
        failed = str(failure)
    except Exception as error:  # I/O or a subprocess problem: still a failure of the test, with its step
        failed = f"{type(error).__name__}: {error}"
    finally:
        run.stop()
    if failed:
        print(f"FAILED at '{run.stage}': {failed}", file=sys.stderr)
        print(f"(ledgers, tiles and every server's log kept in {run.work})", file=sys.stderr)
        return 1
    print(f"\nOK: {len(run.passed)} checks passed in {elapsed:.0f} s: two provinces published as tiles through nginx, "
          "cosigned by two witnesses, verified by tlogcheck and mirrored; the fork was refused by the witness, "
          "raised by the monitor and failed by verify-bundle, verify_bundle.py and tlogcheck")
    if args.keep:
        print(f"kept {run.work}")
    else:
        shutil.rmtree(run.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
