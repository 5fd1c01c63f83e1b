#!/usr/bin/env python3
"""The attack corpus of certified bundles (FORMAT.md, format parledger-bundle/2).

Usage:
  tools/bundle_corpus.py make  [--parledger PATH]           regenerate Tests/BundleCorpus
  tools/bundle_corpus.py check [--parledger PATH] [--only ID]  run both verifiers on every case
  tools/bundle_corpus.py add-witness-cases                  rewrite only the witness-* cases, from the committed corpus
  tools/bundle_corpus.py add-log-key-cases                  rewrite only the log-key-* cases, from the committed corpus
  tools/bundle_corpus.py add-event-type-cases               rewrite only the event-type-* cases, from the committed corpus

`make` builds a tiny but complete ledger with the real CLI in a temporary directory (actors for
every role, one of them both unit officer and council and steering-committee member, two tiny
frameworks, one cycle of 8 units with a publication window: the council assigned with its fields and
chair, self-scores with evidence and explanations, a not-applicable mark, submissions, the
steering committee's commitment, appraisal by members in their fields, a rejected not-applicable
claim, seals by the chair, a reopen, the close, the commit-reveal draw, spot-check scores and
conclusions, the survey import, publication inside the window, two corrections), exports it,
writes its trust policy and receipts, and then derives one bundle per case: unsigned edits, forgeries with fresh keys, and insider edits by the holder of
the log key, who re-signs the checkpoint and recomputes hashes, chain, Merkle root and manifest
(signing and hashing written here from FORMAT.md, with the `cryptography` package for Ed25519).
Where a case says an actor signed, the actor's real key of the tiny ledger was used. The private
keys are thrown away with the temporary directory.

`add-witness-cases` derives the witness cases (cosignatures, FORMAT.md §Merkle tree and checkpoint)
from the committed genuine bundle, policy and receipt, with fresh witness keys: a cosignature is a
line added to checkpoint.txt, so no private key of the ledger is needed, and every other case stays
byte for byte as it is. `make` writes the same cases last.

`add-log-key-cases` derives the log key rotation cases (FORMAT.md, Log key rotation) the same way: the ledger's log
key plays the new key of a handover signed by a fresh first key, which alone re-signs what a case needs. `make`
writes them last.

`add-event-type-cases` derives the event-type cases (an event of a type the PAR ledger does not have)
from the committed genuine bundle alone: the command is signed by the secretariat's fresh key in a
forgery of the whole ledger with fresh keys, judged against the forgery's own trust policy, so no
private key of the ledger is needed either. `make` writes them just before the witness cases.

`check` runs `parledger verify-bundle` and `python3 tools/verify_bundle.py` (`--python` names another
interpreter) on every case (60 s
each), compares exit code, `FAILED [<code>]` and, when `expectSeq` is set, `event <seq>` in the
message (or `line <seq>` for a parse failure) with cases.json, prints a Markdown table and
`N passed, M failed`, and exits 1 on any mismatch, crash or time-out.
"""

import argparse
import base64
import concurrent.futures
import copy
import datetime
import functools
import hashlib
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import unicodedata
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Tests", "BundleCorpus")
INPUTS = os.path.join(CORPUS, "inputs")
DEFAULT_PARLEDGER = os.path.join(".build", "debug", "parledger")
TIMEOUT = 60
ZERO = "0" * 64


# ---- primitives, from FORMAT.md ---------------------------------------------------------------

def canonical(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha(data):
    return hashlib.sha256(data).hexdigest()


def b64(data):
    return base64.b64encode(data).decode("ascii")


def crypto():
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives import serialization
    return Ed25519PrivateKey, serialization


def new_key():
    Ed25519PrivateKey, _ = crypto()
    return Ed25519PrivateKey.generate()


def read_key_file(path):
    Ed25519PrivateKey, _ = crypto()
    lines = open(path, encoding="utf-8").read().split()
    if lines[0] != "parledger-ed25519-private-key":
        raise SystemExit(f"{path}: not a parledger key file")
    return Ed25519PrivateKey.from_private_bytes(base64.b64decode(lines[1]))


def raw_public(key):
    _, serialization = crypto()
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(raw):
    return hashlib.sha256(raw).digest()[:16].hex()


def note_verifier_key(name, raw):
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]
    material = b64(b"\x01" + raw)
    return f"{name}+{key_hash.hex()}+{material}"


def sign_note(text, name, key):
    raw = raw_public(key)
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]
    return text + "\n— " + name + " " + b64(key_hash + key.sign(text.encode("utf-8"))) + "\n"


def witness_verifier_key(name, raw):
    """A witness's tlog-cosignature/v1 verifier key (type 0x04) and its key ID."""
    material = b"\x04" + raw
    key_id_bytes = hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]
    return f"{name}+{key_id_bytes.hex()}+{b64(material)}", key_id_bytes


def cosignature_line(note, name, key, timestamp):
    """The signature line of the witness's cosignature of a signed note (str): key ID ‖ time ‖ signature."""
    text = note[:note.rfind("\n\n") + 1]
    message = f"cosignature/v1\ntime {timestamp}\n{text}".encode("utf-8")
    key_id_bytes = witness_verifier_key(name, raw_public(key))[1]
    return "— " + name + " " + b64(key_id_bytes + timestamp.to_bytes(8, "big") + key.sign(message)) + "\n"


def leaf_hash(event_hash_hex):
    return hashlib.sha256(b"\x00" + bytes.fromhex(event_hash_hex)).digest()


def mth(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k << 1 < len(leaves):
        k <<= 1
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def inclusion_path(m, leaves):
    """RFC 9162 §2.1.3.1 PATH(m, D[n])."""
    if len(leaves) <= 1:
        return []
    k = 1
    while k << 1 < len(leaves):
        k <<= 1
    if m < k:
        return inclusion_path(m, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(m - k, leaves[k:]) + [mth(leaves[:k])]


def parse_time(text):
    return datetime.datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)


def format_time(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def shift_time(text, milliseconds):
    return format_time(parse_time(text) + datetime.timedelta(milliseconds=milliseconds))


# ---- the ledger as commands ---------------------------------------------------------------------

ENVELOPE_OWN = ("causation", "payload", "recordedAt", "schemaVersion", "stream", "type")


class Command:
    """A maximal run of events with the same command id, as FORMAT.md defines it."""

    def __init__(self, events):
        first = events[0]
        self.id = first["command"]
        self.actor = first["actor"]
        self.key_id = first["keyId"]
        self.correlation = first["correlation"]
        self.signed_at = first.get("signedAt")
        self.basis = first.get("basis")
        self.signature = first["signature"]
        self.events = [{k: copy.deepcopy(e[k]) for k in ENVELOPE_OWN if k in e} for e in events]
        self.first_prev = first.get("prev")
        self.resign = False        # sign again (with key, else the real key of key_id)
        self.key = None
        self.auto_basis = True     # when re-signing: the head before the command
        self.sign_ledger = None    # sign for another ledger id

    def copy(self):
        return copy.deepcopy(self)

    @property
    def types(self):
        return [e["type"] for e in self.events]


def group_commands(events):
    commands, run = [], []
    for event in events:
        if run and run[0]["command"] != event["command"]:
            commands.append(Command(run))
            run = []
        run.append(event)
    if run:
        commands.append(Command(run))
    return commands


def signing_bytes(command, basis, ledger_id):
    body = {"actor": command.actor, "correlation": command.correlation, "id": command.id,
            "ledger": command.sign_ledger or ledger_id,
            "events": [{"payload": e["payload"], "schemaVersion": e["schemaVersion"], "stream": e["stream"], "type": e["type"]}
                       for e in command.events]}
    if command.signed_at is not None:
        body["signedAt"] = command.signed_at
        body["basis"] = basis
    return canonical(body)


def spot_check_order(seed_hex, units):
    seed = bytes.fromhex(seed_hex)
    return sorted(units, key=lambda unit: hashlib.sha256(seed + unicodedata.normalize("NFC", unit).encode()).digest())


def serialize(commands, ledger_id, keys, redraw=False):
    """The envelopes of `commands` in order: seq, prev, stream versions and hashes recomputed; the
    commands marked `resign` signed again (with the basis they now see unless told otherwise).
    With `redraw`, a re-signed spot-check draw whose seed followed FORMAT.md (SHA-256(secret ‖ the
    AppraisalClosed event's hash)) is drawn again on the new closing hash, and later spot-check
    scores and conclusions follow the drawn units."""
    events, streams, previous = [], {}, ZERO
    cycles, retarget = {}, {}
    for command in commands:
        if command.resign:
            if command.auto_basis:
                command.basis = {"hash": events[-1]["hash"] if events else ZERO, "seq": len(events)}
            if redraw:
                for draft in command.events:
                    payload = draft["payload"]
                    if draft["type"] == "CycleOpened":
                        cycles[payload["cycle"]] = payload
                    if draft["type"] == "SpotCheckDrawn" and len(command.events) == 1:
                        closing = [e["hash"] for e in events if e["type"] == "AppraisalClosed"
                                   and e["payload"]["cycle"] == payload["cycle"]]
                        secret = bytes.fromhex(payload["secret"])
                        units = [u["id"] for u in cycles[payload["cycle"]]["units"] if u["kind"] == payload["kind"]]
                        seed = sha(secret + bytes.fromhex(closing[-1]))
                        drawn = spot_check_order(seed, units)[: payload["sampleSize"]]
                        # keep the sample as a set where the new draw allows; a unit that left the sample hands its
                        # spot-check events to a newly drawn one; the rest of the old sample is added by name
                        sample = payload["drawn"] + payload["added"]
                        entering = [u for u in drawn if u not in sample]
                        leaving = [u for u in sample if u not in drawn][:len(entering)]
                        for old, new in zip(leaving, entering):
                            retarget[(payload["cycle"], old)] = new
                        payload["seed"], payload["drawn"] = seed, drawn
                        payload["added"] = [u for u in sample if u not in drawn and u not in leaving]
                    if draft["type"] in ("SpotCheckScoreRecorded", "SpotCheckConcluded") and (payload["cycle"], payload["unit"]) in retarget:
                        unit = retarget[(payload["cycle"], payload["unit"])]
                        payload["unit"] = unit
                        draft["stream"] = f"cycle/{payload['cycle']}/unit/{unit}"
            key = command.key or keys[command.key_id]
            command.key_id = key_id(raw_public(key))
            command.signature = b64(key.sign(signing_bytes(command, command.basis, ledger_id)))
        for draft in command.events:
            version = streams.get(draft["stream"], 0) + 1
            streams[draft["stream"]] = version
            event = {"actor": command.actor, "command": command.id, "correlation": command.correlation,
                     "keyId": command.key_id, "prev": previous, "seq": len(events) + 1, "signature": command.signature,
                     "streamVersion": version}
            for k in ENVELOPE_OWN:
                if k in draft:
                    event[k] = draft[k]
            if command.signed_at is not None:
                event["signedAt"] = command.signed_at
                event["basis"] = command.basis
            event["hash"] = sha(canonical({k: v for k, v in event.items() if k != "hash"}))
            previous = event["hash"]
            events.append(event)
    return events


def events_bytes(events):
    return b"".join(canonical(e) + b"\n" for e in events)


# ---- bundles as {path: bytes} ------------------------------------------------------------------

def load_tree(directory):
    files = {}
    for base, _, names in os.walk(directory):
        for name in names:
            full = os.path.join(base, name)
            files[os.path.relpath(full, directory).replace(os.sep, "/")] = open(full, "rb").read()
    return files


def save_tree(files, directory):
    for path, data in sorted(files.items()):
        full = os.path.join(directory, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as handle:
            handle.write(data)


def with_evidence(files):
    try:
        return json.loads(files["manifest.json"])["withEvidence"]
    except (KeyError, ValueError, TypeError):
        return any(p.startswith("evidence/") for p in files)


class Ledger:
    """The genuine ledger's bundle, keys and commands, and the insider's tools to reseal a bundle."""

    def __init__(self, files, keys, log_key, manifest_newline):
        self.files = files
        self.keys = keys
        self.log_key = log_key
        self.manifest_newline = manifest_newline
        manifest = json.loads(files["manifest.json"])
        self.ledger_id = manifest["ledgerId"]
        self.origin = f"parledger/{self.ledger_id}"
        self.events = [json.loads(line) for line in files["events.jsonl"].decode().splitlines()]
        self.commands = group_commands(self.events)

    def commands_copy(self):
        return [c.copy() for c in self.commands]

    def index_of(self, predicate, start=0, last=False):
        found = [i for i, c in enumerate(self.commands) if i >= start and predicate(c)]
        if not found:
            raise SystemExit("the genuine ledger lacks a command the corpus needs")
        return found[-1] if last else found[0]

    def first_seq(self, index, commands=None):
        commands = commands or self.commands
        return 1 + sum(len(c.events) for c in commands[:index])

    def build(self, commands, resign_from=None, redraw=False, keys=None):
        if resign_from is not None:
            for command in commands[resign_from:]:
                command.resign = True
        return serialize(commands, self.ledger_id, keys or self.keys, redraw=redraw)

    def seal(self, files, events=None, *, leaf_hashes=None, manifest=None, manifest_edit=None, manifest_bytes=None,
             lines_edit=None, key=None, name=None, ledger_id=None):
        """Rewrite manifest.json and checkpoint.txt the way the log key's holder would."""
        files = dict(files)
        ledger_id = ledger_id or self.ledger_id
        if events is not None:
            files["events.jsonl"] = events_bytes(events)
        if leaf_hashes is None:
            parsed = [json.loads(line) for line in files["events.jsonl"].decode().splitlines()]
            leaf_hashes = [e["hash"] for e in parsed]
            published = {}
            for e in parsed:
                if e["type"] == "ResultsPublished":
                    published.setdefault(e["payload"]["cycle"], e["payload"]["resultsHash"])
        else:
            published = {p["cycle"]: p["resultsHash"] for p in
                         (e["payload"] for e in self.events if e["type"] == "ResultsPublished")}
        root = mth([leaf_hash(h) for h in leaf_hashes])
        if manifest_bytes is None:
            body = manifest or {
                "eventCount": len(leaf_hashes),
                "files": {p: {"sha256": sha(d), "size": len(d)} for p, d in sorted(files.items())
                          if p not in ("manifest.json", "checkpoint.txt")},
                "format": "parledger-bundle/2",
                "genesisHash": leaf_hashes[0] if leaf_hashes else ZERO,
                "headHash": leaf_hashes[-1] if leaf_hashes else ZERO,
                "ledgerId": ledger_id,
                "rootHash": root.hex(),
                "withEvidence": with_evidence(files),
            }
            if manifest_edit:
                body = manifest_edit(body) or body
            manifest_bytes = canonical(body) + (b"\n" if self.manifest_newline else b"")
        files["manifest.json"] = manifest_bytes
        lines = [f"parledger/{ledger_id}", str(len(leaf_hashes)), b64(root)]
        lines += [f"parledger-results {cycle} {digest}" for cycle, digest in sorted(published.items())]
        lines.append(f"parledger-manifest {sha(manifest_bytes)}")
        if lines_edit:
            lines = lines_edit(lines) or lines
        text = "".join(line + "\n" for line in lines)
        files["checkpoint.txt"] = sign_note(text, name or f"parledger/{ledger_id}", key or self.log_key).encode()
        return files

    def receipt(self, events, command_id, key=None, ledger_id=None):
        """The receipt the log gives the signer of `command_id`, right after its events."""
        ledger_id = ledger_id or self.ledger_id
        mine = [e for e in events if e["command"] == command_id]
        size = mine[-1]["seq"]
        leaves = [leaf_hash(e["hash"]) for e in events[:size]]
        # The CLI's receipts carry no parledger-results lines (FORMAT.md leaves them unsaid for receipts).
        lines = [f"parledger/{ledger_id}", str(size), b64(mth(leaves))]
        text = "".join(line + "\n" for line in lines)
        note = sign_note(text, f"parledger/{ledger_id}", key or self.log_key)
        body = {"checkpoint": note, "command": command_id, "format": "parledger-receipt/1", "ledgerId": ledger_id,
                "events": [{"hash": e["hash"], "proof": [p.hex() for p in inclusion_path(e["seq"] - 1, leaves)], "seq": e["seq"]}
                           for e in mine]}
        return canonical(body)

    def policy(self, genesis, log_key, ledger_id=None):
        ledger_id = ledger_id or self.ledger_id
        raw = raw_public(log_key)
        fingerprint = " ".join(key_id(raw)[i:i + 4] for i in range(0, 32, 4))
        return ("parledger-trust-policy/1\n"
                "# ParLedger trust policy: verify a certified bundle of this ledger against it, never against\n"
                f"# a key found in the bundle. Log key fingerprint: {fingerprint}\n"
                f"ledger {ledger_id}\ngenesis {genesis}\nlog {note_verifier_key(f'parledger/{ledger_id}', raw)}\nquorum 0\n").encode()


# ---- make: the tiny ledger with the real CLI ----------------------------------------------------

DEPARTMENTS = [("so-tai-chinh", "Sở Tài chính"), ("so-y-te", "Sở Y tế"), ("so-tu-phap", "Sở Tư pháp"),
               ("so-xay-dung", "Sở Xây dựng")]
DISTRICTS = [("huyen-tuan-giao", "Huyện Tuần Giáo"), ("huyen-muong-cha", "Huyện Mường Chà"),
             ("huyen-muong-nhe", "Huyện Mường Nhé"), ("huyen-dien-bien", "Huyện Điện Biên")]
DEPARTMENT_LEAVES = [("1.1", 35), ("1.2.1", 20), ("1.2.2", 20)]
DISTRICT_LEAVES = [("1.1", 35), ("1.2", 35)]
CYCLE = "tiny-2025"
CHAIR, MEMBER = "hd-thanh-vien-1", "hd-thanh-vien-2"
DUAL, DUAL_UNIT = "kiem-nhiem", "huyen-muong-nhe"
EXTENDED_UNIT, RESCORED_UNIT = "so-xay-dung", "so-tu-phap"


class CLI:
    def __init__(self, parledger, work):
        self.parledger = parledger
        self.work = work
        self.ledger = os.path.join(work, "ledger")
        self.keys = os.path.join(work, "keys")
        self.helps = {}
        os.makedirs(self.keys)

    def help(self, *words):
        if words not in self.helps:
            done = subprocess.run([self.parledger, *words, "--help"], capture_output=True, text=True)
            self.helps[words] = done.stdout + done.stderr
        return self.helps[words]

    def run(self, *args, key=None, receipt=None, ledger=True):
        command = [self.parledger, *args]
        if ledger:
            command += ["--ledger", self.ledger if ledger is True else ledger]
        if key:
            command += ["--key", os.path.join(self.keys, key + ".key")]
        if receipt:
            command += ["--receipt-out", receipt]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.work)
        if done.returncode != 0:
            shown = " ".join(os.path.relpath(a, self.work) if a.startswith(self.work) else a for a in command[1:])
            raise SystemExit(f"parledger {shown} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
        return done.stdout


def build_ledger(cli, evidence_dir):
    """The tiny cycle, command by command, with the real CLI. Returns the receipts kept."""
    receipts = {}
    rdir = os.path.join(cli.work, "receipts")
    os.makedirs(rdir)

    def receipt(name):
        if "--receipt-out" not in cli.help("score", "self"):
            print(f"warning: this parledger has no --receipt-out; receipt {name} not kept", file=sys.stderr)
            return None
        receipts[name] = os.path.join(rdir, name + ".json")
        return receipts[name]

    init_args = ["init", "--key-out", os.path.join(cli.keys, "so-noi-vu.key"), "--actor", "so-noi-vu", "--name", "Sở Nội vụ"]
    if "--ledger-id" in cli.help("init"):
        init_args += ["--ledger-id", "tiny-par-ledger"]
    cli.run(*init_args)
    actors = [("hd-thanh-vien-1", "Nguyễn Văn An (Hội đồng thẩm định)", "council-member", None),
              ("hd-thanh-vien-2", "Trần Thị Bình (Hội đồng thẩm định)", "council-member", None),
              ("bcd-cchc", "Ban Chỉ đạo CCHC tỉnh", "steering-committee", None),
              ("vien-xa-hoi-hoc", "Viện Xã hội học", "survey-contractor", None)]
    actors += [(f"cb-{unit}", f"Cán bộ {name}", "unit-officer", unit) for unit, name in DEPARTMENTS + DISTRICTS]
    # One person holding both roles: officer of huyen-muong-nhe, council member and steering-committee member.
    actors.append((DUAL, "Lò Văn Kiêm (kiêm nhiệm)", "unit-officer", DUAL_UNIT))
    for actor, name, role, scope in actors:
        cli.run("keygen", "--out", os.path.join(cli.keys, actor + ".key"), ledger=False)
        args = ["actor", "add", actor, "--name", name, "--role", role, "--public-key", os.path.join(cli.keys, actor + ".key.pub")]
        if scope:
            args += ["--scope", scope]
        cli.run(*args, key="so-noi-vu", receipt=receipt("actor-add") if actor == "bcd-cchc" else None)
    for role in ("council-member", "steering-committee"):
        cli.run("actor", "grant", DUAL, "--role", role, key="so-noi-vu")
    ids = {}
    for kind, name in (("department", "tiny-departments.json"), ("district", "tiny-districts.json")):
        path = os.path.join(INPUTS, name)
        out = cli.run("framework", "validate", path, ledger=False)
        ids[kind] = re.search(r"id ([0-9a-f]{64})", out).group(1)
        cli.run("framework", "register", path, key="so-noi-vu")
    now = datetime.datetime.now(datetime.timezone.utc)
    deadline = (now + datetime.timedelta(days=3)).replace(hour=16, minute=59, second=59, microsecond=999000)
    window = {"from": (now - datetime.timedelta(days=30)).strftime("%Y-%m-%d"),
              "until": (now + datetime.timedelta(days=60)).strftime("%Y-%m-%d")}
    cycle = {"cycle": CYCLE, "name": "Chỉ số CCHC thu nhỏ (bộ kiểm thử)", "year": now.year,
             "frameworks": ids, "selfAssessmentDeadline": format_time(deadline), "publicationWindow": window,
             "units": [{"id": u, "name": n, "kind": "department"} for u, n in DEPARTMENTS] +
                      [{"id": u, "name": n, "kind": "district"} for u, n in DISTRICTS]}
    cycle_file = os.path.join(cli.work, "cycle.json")
    open(cycle_file, "w", encoding="utf-8").write(json.dumps(cycle, ensure_ascii=False))
    cli.run("cycle", "open", "--file", cycle_file, key="so-noi-vu")
    # The council: the chair appraises every field; the second member field 2 of departments (survey only) and field 1
    # of districts; the person with both roles field 1 of districts.
    cli.run("council", "assign", CYCLE, CHAIR, "--department-fields", "1,2", "--district-fields", "1,2", "--chair", key="so-noi-vu")
    cli.run("council", "assign", CYCLE, MEMBER, "--department-fields", "2", "--district-fields", "1", key="so-noi-vu")
    cli.run("council", "assign", CYCLE, DUAL, "--district-fields", "1", key="so-noi-vu")
    # A deadline extension, then shortened: what a replay of the first would restore.
    for days, reason in ((10, "Lũ quét chia cắt địa bàn"), (5, "Rút ngắn gia hạn: địa bàn đã thông")):
        until = (deadline + datetime.timedelta(days=days)).strftime("%Y-%m-%d")
        cli.run("cycle", "extend", CYCLE, EXTENDED_UNIT, "--until", until, "--reason", reason, key="so-noi-vu")

    def document(name, text):
        path = os.path.join(evidence_dir, name)
        open(path, "w", encoding="utf-8").write(text)
        return path

    # Self-assessment: evidence added first for one unit, cited by --evidence for others, explanations elsewhere.
    plan = document("ke-hoach-cchc-so-tai-chinh.txt", "Kế hoạch CCHC năm của Sở Tài chính (bản chụp).\n")
    cli.run("evidence", "add", plan, "--unit", "so-tai-chinh", key="cb-so-tai-chinh")
    for index, (unit, _) in enumerate(DEPARTMENTS + DISTRICTS):
        leaves = DEPARTMENT_LEAVES if index < len(DEPARTMENTS) else DISTRICT_LEAVES
        for number, (code, maximum) in enumerate(leaves):
            if unit == "so-y-te" and code.startswith("1.2."):
                if code == "1.2.1":
                    cli.run("score", "na", CYCLE, unit, "1.2", "--legal-basis", "Không có đơn vị trực thuộc phải kiểm tra trong năm",
                            key=f"cb-{unit}")
                continue
            points = str(maximum - (index + number) % 4) if (index + number) % 3 else f"{maximum - 3}.5"
            args = ["score", "self", CYCLE, unit, code, points]
            if unit == "so-tai-chinh" and code == "1.1":
                args += ["--evidence", plan]
            elif number == 0 and index % 2 == 0:
                args += ["--evidence", document(f"tlkc-{unit}-{code}.txt", f"Tài liệu kiểm chứng {unit} {code}.\n")]
            else:
                args += ["--explanation", f"Tự chấm {code}: {number + 8}/{number + 10} nhiệm vụ hoàn thành đúng hạn"]
            signer = DUAL if unit == DUAL_UNIT and code == "1.1" else f"cb-{unit}"
            if unit == RESCORED_UNIT and code == "1.1":
                # The officer first scores too high, then corrects its own self-score: what a replay would undo.
                cli.run("score", "self", CYCLE, unit, code, str(maximum), "--explanation", "Tự chấm ban đầu (nhầm)",
                        key=signer)
            cli.run(*args, key=signer, receipt=receipt("self-score") if unit == "so-tu-phap" and code == "1.2.1" else None)
        cli.run("score", "submit", CYCLE, unit, key=f"cb-{unit}")
    # The steering committee commits to the secret of its draw: appraisal opens.
    secret = os.path.join(cli.work, "phuc-tra.secret")
    cli.run("spotcheck", "commit", CYCLE, "--secret-out", secret, key="bcd-cchc")
    # Appraisal: departments only down, districts either way; every adjustment with a reason; members in their fields.
    minutes = document("bien-ban-tham-dinh.txt", "Biên bản thẩm định của Hội đồng.\n")
    cli.run("appraise", CYCLE, "so-tai-chinh", "1.2.2", "10", "--reason", "Chưa công khai đủ thủ tục", "--evidence", minutes,
            key=CHAIR)
    cli.run("appraise", CYCLE, "so-xay-dung", "1.1", "5.5", "--reason", "Kế hoạch ban hành chậm", key=CHAIR)
    cli.run("appraise", CYCLE, "huyen-muong-cha", "1.2", "35", "--reason", "Tỷ lệ hồ sơ trực tuyến cao hơn tự chấm", key=MEMBER)
    cli.run("appraise", CYCLE, "huyen-muong-nhe", "1.2", "12", "--reason", "Hai báo cáo quý nộp muộn", key=MEMBER)
    # The council rejects part of so-y-te's not-applicable claim and appraises it (above the absent self-score).
    cli.run("council", "reject-na", CYCLE, "so-y-te", "1.2.2", "--reason", "Sở có nhiệm vụ công khai thủ tục trong năm", key=CHAIR)
    cli.run("appraise", CYCLE, "so-y-te", "1.2.2", "15", "--reason", "Đã công khai phần lớn thủ tục", key=CHAIR)
    for unit, _ in DEPARTMENTS + DISTRICTS:
        cli.run("appraise", CYCLE, unit, "--conclude", key=CHAIR)
    # The chair reopens one sealed unit, a member adjusts it in their field, the chair seals it again and closes.
    cli.run("council", "reopen", CYCLE, "huyen-tuan-giao", "--reason", "Đơn vị giải trình bổ sung", key=CHAIR)
    cli.run("appraise", CYCLE, "huyen-tuan-giao", "1.1", "30", "--reason", "Giải trình chưa đủ TLKC", key=MEMBER)
    cli.run("appraise", CYCLE, "huyen-tuan-giao", "--conclude", key=CHAIR)
    cli.run("council", "close", CYCLE, key=CHAIR)
    # Spot-check: the draw per kind revealing the secret; the person with both roles' unit added to the districts' sample
    # unless drawn; a recognising score on each sampled unit (so that a re-drawn forgery keeps the results), then its conclusion.
    events = [json.loads(line) for line in cli.run("log", "--json").splitlines()]
    closing = next(e["hash"] for e in reversed(events) if e["type"] == "AppraisalClosed")
    seed = sha(bytes.fromhex(open(secret).read().strip()) + bytes.fromhex(closing))
    for kind in ("department", "district"):
        args = ["spotcheck", "draw", CYCLE, "--kind", kind, "--secret", secret]
        units = [u for u, _ in (DEPARTMENTS if kind == "department" else DISTRICTS)]
        if kind == "district" and DUAL_UNIT not in spot_check_order(seed, units)[:1]:
            args += ["--add", DUAL_UNIT]
        cli.run(*args, key="bcd-cchc")
    draws = [json.loads(line) for line in cli.run("log", "--json").splitlines()]
    draws = [e["payload"] for e in draws if e["type"] == "SpotCheckDrawn"]
    for draw in draws:
        for unit in draw["drawn"] + draw["added"]:
            cli.run("spotcheck", "score", CYCLE, unit, "1.1", "--decision", "recognise", key="bcd-cchc")
            cli.run("spotcheck", "conclude", CYCLE, unit, key="bcd-cchc")
    # Survey, publication (dated today, inside the cycle's publication window), corrections.
    # A role revoked, then granted back: what a replay of the revocation would take away again.
    cli.run("actor", "revoke", "vien-xa-hoi-hoc", "--role", "survey-contractor", key="so-noi-vu")
    cli.run("actor", "grant", "vien-xa-hoi-hoc", "--role", "survey-contractor", key="so-noi-vu")
    survey = os.path.join(cli.work, "dtxhh.csv")
    rows = ["unit,criterion,points"] + [f"{u},2.1,{20 - i}" for i, (u, _) in enumerate(DEPARTMENTS)] + \
           [f"{u},2.1,{25 - i}.5" for i, (u, _) in enumerate(DISTRICTS)]
    open(survey, "w", encoding="utf-8").write("\n".join(rows) + "\n")
    cli.run("survey", "import", CYCLE, survey, "--quiet", key="vien-xa-hoi-hoc")
    cli.run("publish", CYCLE, "--decision", "642/QĐ-UBND", "--date", now.strftime("%Y-%m-%d"), key="so-noi-vu",
            receipt=receipt("publish"))
    cli.run("correct", CYCLE, "so-y-te", "1.1", "9", "--decision", "815/QĐ-UBND", "--reason", "Phúc khảo kế hoạch CCHC",
            key="so-noi-vu", receipt=receipt("correction-1"))
    cli.run("correct", CYCLE, "huyen-dien-bien", "1.2", "18", "--decision", "816/QĐ-UBND", "--reason", "Phúc khảo một cửa",
            key="so-noi-vu", receipt=receipt("correction-2"))
    return receipts


def load_ledger(cli, bundle):
    """The exported bundle as a Ledger holding every private key of the CLI's key directory (by key id) and the
    ledger's log key."""
    keys = {}
    for name in os.listdir(cli.keys):
        if name.endswith(".key"):
            key = read_key_file(os.path.join(cli.keys, name))
            keys[key_id(raw_public(key))] = key
    log_key = read_key_file(os.path.join(cli.ledger, "log.key"))
    files = load_tree(bundle)
    return Ledger(files, keys, log_key, files["manifest.json"].endswith(b"\n"))


def export(cli, out, with_evidence):
    args = ["export", out, "--quiet"]
    if with_evidence:
        args.append("--with-evidence")
    if "--key" in cli.help("export"):
        cli.run(*args, key="so-noi-vu")
    else:
        cli.run(*args)


# ---- the cases -----------------------------------------------------------------------------------

class Corpus:
    def __init__(self):
        self.cases = []
        self.trees = {}

    def add(self, case_id, description, files, exit_code, code, seq=None, trust="genuine", receipt=None, extra=None,
            runtime=None, runtime_path=None, parse_line=False):
        if any(c["id"] == case_id for c in self.cases):
            raise SystemExit(f"duplicate case id {case_id}")
        case = {"id": case_id, "description": description, "expectExit": exit_code, "expectCode": code}
        if seq is not None:
            case["expectSeq"] = seq
        if parse_line:
            case["expectSeqMayBeLine"] = True
        case["trust"] = trust
        if receipt:
            case["receipt"] = receipt
        if runtime:
            case["makeAtRunTime"] = runtime
            case["runTimePath"] = runtime_path
        self.cases.append(case)
        self.trees[case_id] = (files, extra or {})


def forge_with_fresh_keys(g, G, commands, recompute_actors=False):
    """The forger's bundle of `commands`: a fresh key for every actor who signs one and for the log, each command
    signed again by its actor's fresh key (the spot-check drawn again on the new closing hash), actors.json and
    verifier-key.txt following the fresh keys, sealed by the fresh log key. Returns the events, the files and the
    trust policy that names the fresh log key."""
    fresh = {}
    for command in commands:
        fresh.setdefault(command.actor, new_key())
    for command in commands:
        command.key = fresh[command.actor]
        for draft in command.events:
            if draft["type"] == "ActorEnrolled":
                draft["payload"]["publicKey"] = b64(raw_public(fresh.setdefault(draft["payload"]["actor"], new_key())))
    forged_events = g.build(commands, resign_from=0, redraw=True)
    actors_text = G["actors.json"].decode()
    for e in g.events:
        if e["type"] == "ActorEnrolled":
            old = base64.b64decode(e["payload"]["publicKey"])
            new = raw_public(fresh[e["payload"]["actor"]])
            actors_text = actors_text.replace(b64(old), b64(new)).replace(key_id(old), key_id(new))
    if recompute_actors:  # the forgery enrols actors the genuine ledger does not have
        from parverify.actors import ACTOR_EVENTS, Actors
        from parverify.strictjson import canonical as strict_canonical
        actors = Actors()
        for event in forged_events:
            if event["type"] in ACTOR_EVENTS:
                actors.apply(event)
        actors_text = strict_canonical(actors.json()).decode()
    fresh_log = new_key()
    forged_files = dict(G)
    forged_files["actors.json"] = actors_text.encode()
    forged_files["verifier-key.txt"] = (note_verifier_key(g.origin, raw_public(fresh_log)) + "\n").encode()
    forged_files = g.seal(forged_files, forged_events, key=fresh_log)
    return forged_events, forged_files, g.policy(forged_events[0]["hash"], fresh_log)


def make_cases(g, corpus, genuine_noev, receipts, other_policy, genesis):
    # Most cases start from the bundle without evidence files (smaller); the evidence cases from the one with them.
    GE = g.files
    G = genuine_noev
    ev = g.events
    n = len(ev)
    cid = ev[-1]["command"]

    def seq_of(predicate, last=False):
        hits = [e["seq"] for e in ev if predicate(e)]
        return hits[-1] if last else hits[0]

    # --- genuine, trust ---
    corpus.add("genuine", "the genuine bundle with its evidence files, verified against the genuine trust policy", GE, 0, None)
    corpus.add("genuine-no-evidence", "the genuine bundle exported without evidence files (withEvidence false)", genuine_noev, 0, None)
    corpus.add("genuine-no-trust", "the genuine bundle without --trust: every check passes, authenticity not established", G, 4, None,
               trust="none")
    corpus.add("genuine-receipt", "the genuine bundle with the CLI receipt of the first correction", G, 0, None,
               receipt="receipt.json", extra={"receipt.json": receipts["correction-1"]})
    corpus.add("other-ledger-policy", "the genuine bundle checked against the genuine trust policy of another ledger", G, 1,
               "log-key", trust="trust-policy.txt", extra={"trust-policy.txt": other_policy})
    wrong_genesis = genesis.replace(f"genesis {ev[0]['hash']}".encode(), f"genesis {sha(b'another first event')}".encode())
    corpus.add("policy-genesis-mismatch", "the genuine bundle against a policy naming another genesis hash", G, 1, "ledger", seq=1,
               trust="trust-policy.txt", extra={"trust-policy.txt": wrong_genesis})
    policy_lines = genesis.decode().splitlines(keepends=True)
    bad_policies = {
        "policy-unknown-line": ("a trust policy with an unknown line", genesis + b"mirror https://example.org/\n"),
        "policy-repeated-ledger": ("a trust policy with its ledger line twice",
                                   genesis + next(l for l in policy_lines if l.startswith("ledger ")).encode()),
        "policy-log-name": ("a trust policy whose log key is not named parledger/<ledger id>",
                            "".join(l if not l.startswith("log ") else
                                    "log " + note_verifier_key("parledger/another-ledger", raw_public(g.log_key)) + "\n"
                                    for l in policy_lines).encode()),
        "policy-quorum": ("a trust policy asking for a quorum of 1 with no witness",
                          genesis.replace(b"quorum 0", b"quorum 1")),
        "policy-oversized": ("a trust policy over 64 KiB (comment lines)", genesis + b"# " + b"x" * 66000 + b"\n"),
    }
    for case_id, (description, policy) in bad_policies.items():
        corpus.add(case_id, description, G, 2, "trust-policy", trust="trust-policy.txt", extra={"trust-policy.txt": policy})
    corpus.add("policy-missing", "--trust names a file that does not exist", G, 2, "trust-policy", trust="no-such-policy.txt")
    corpus.add("receipt-missing", "--receipt names a file that does not exist", G, 2, "receipt", receipt="no-such-receipt.json")

    # --- forgeries from scratch ---
    forged_events, forged_files, forged_policy = forge_with_fresh_keys(g, G, g.commands_copy())
    corpus.add("forged-fresh-keys", "a bundle forged from scratch: fresh keys for every actor and a fresh log key", forged_files, 1,
               "log-key")
    corpus.add("forged-fresh-keys-other-policy", "the forged bundle against the genuine trust policy of another ledger",
               forged_files, 1, "log-key", trust="trust-policy.txt", extra={"trust-policy.txt": other_policy})
    corpus.add("forged-own-policy", "control: the forged bundle against its own policy verifies (trust comes from outside)",
               forged_files, 0, None, trust="trust-policy.txt", extra={"trust-policy.txt": forged_policy})
    insider_genesis = dict(forged_files, **{"verifier-key.txt": G["verifier-key.txt"]})
    insider_genesis = g.seal(insider_genesis, forged_events)
    corpus.add("insider-new-genesis", "the log key's holder rewrites history from event 1 with fresh actor keys and signs it with "
               "the real log key", insider_genesis, 1, "ledger", seq=1)

    # --- the checkpoint ---
    other_key = new_key()
    corpus.add("checkpoint-other-key", "checkpoint.txt re-signed by another key under the log's name", g.seal(G, key=other_key), 1,
               "log-key")
    unsigned = dict(G)
    unsigned["checkpoint.txt"] = G["checkpoint.txt"].split(b"\n\n")[0] + b"\n"
    corpus.add("checkpoint-unsigned", "checkpoint.txt with its signature lines removed", unsigned, 1, "log-key")
    corpus.add("checkpoint-origin", "the insider signs a checkpoint whose origin names another ledger (key name unchanged)",
               g.seal(G, lines_edit=lambda l: [f"parledger/another-ledger"] + l[1:], name=g.origin), 1, "ledger")
    corpus.add("checkpoint-size", "the insider signs a checkpoint claiming one event fewer (root unchanged)",
               g.seal(G, lines_edit=lambda l: [l[0], str(n - 1)] + l[2:]), 1, "checkpoint")
    corpus.add("checkpoint-results-missing", "the insider signs a checkpoint without the parledger-results line",
               g.seal(G, lines_edit=lambda l: [x for x in l if not x.startswith("parledger-results ")]), 1, "results")
    corpus.add("manifest-not-bound", "the insider signs a checkpoint without the parledger-manifest line",
               g.seal(G, lines_edit=lambda l: [x for x in l if not x.startswith("parledger-manifest ")]), 1, "manifest")
    big = dict(G)
    big["checkpoint.txt"] = G["checkpoint.txt"] + b"\n".join([b"\xe2\x80\x94 pad " + b64(os.urandom(68)).encode()] * 700) + b"\n"
    corpus.add("checkpoint-oversized", "checkpoint.txt over 64 KiB (700 extra signature lines)", big, 1, "file-too-large")

    # --- unsigned edits (nobody re-signs) ---
    def edited(path, transform):
        files = dict(G)
        files[path] = transform(G[path])
        if files[path] == G[path]:
            raise SystemExit(f"corpus: an edit of {path} changed nothing")
        return files

    framework = next(p for p in sorted(G) if p.startswith("frameworks/") and b'"unitKind":"department"' in G[p])
    results = sorted(p for p in G if p.startswith("results/"))[0]
    evidence_file = sorted(p for p in GE if p.startswith("evidence/"))[0]
    corpus.add("edit-framework", "a framework file edited (a maximum raised), nothing re-signed",
               edited(framework, lambda d: d.replace(b'"maxPoints":"20"', b'"maxPoints":"22"', 1)), 1, "manifest")
    results_doc = json.loads(G[results])
    results_doc["units"][0]["points"] = "99.5"
    corpus.add("edit-results", "a results file made up (a unit's points changed)",
               edited(results, lambda d: canonical(results_doc) + (b"\n" if d.endswith(b"\n") else b"")), 1, "manifest")
    corpus.add("edit-evidence-file", "an evidence document changed", dict(GE, **{evidence_file: GE[evidence_file] + b"sua doi\n"}),
               1, "manifest")
    corpus.add("edit-evidence-json", "evidence.json changed (a document renamed)",
               edited("evidence.json", lambda d: d.replace(b".txt", b".pdf", 1)), 1, "manifest")
    corpus.add("edit-actors-json", "actors.json changed (a display name)",
               edited("actors.json", lambda d: d.replace("Viện Xã hội học".encode(), "Viện Khảo sát".encode())), 1, "manifest")
    corpus.add("edit-verifier-key", "verifier-key.txt replaced by another key",
               edited("verifier-key.txt", lambda d: (note_verifier_key(g.origin, raw_public(other_key)) + "\n").encode()), 1,
               "manifest")
    corpus.add("edit-manifest-counts", "manifest.json with a false eventCount, checkpoint not re-signed",
               edited("manifest.json", lambda d: d.replace(f'"eventCount":{n}'.encode(), f'"eventCount":{n + 1}'.encode())), 1,
               "manifest")
    corpus.add("edit-events-unsigned", "events.jsonl edited (a correction's points), nothing re-signed",
               edited("events.jsonl", lambda d: d.replace(b'"points":"9"', b'"points":"10"')), 1, "manifest")
    extra = dict(G)
    extra["notes.txt"] = b"not part of a bundle\n"
    corpus.add("extra-file", "an extra file notes.txt at the top", extra, 1, "unexpected-file")
    extra = dict(GE)
    extra["evidence/" + sha(b"unlisted")] = b"unlisted"
    corpus.add("extra-evidence", "an evidence file with a well-formed name that the manifest does not list", extra, 1,
               "unexpected-file")
    missing = dict(GE)
    del missing[evidence_file]
    corpus.add("missing-evidence", "an evidence file the manifest lists is missing", missing, 1, "missing-file")
    missing = dict(G)
    del missing["verifier-key.txt"]
    corpus.add("missing-verifier-key", "verifier-key.txt is missing", missing, 1, "missing-file")
    missing = dict(G)
    del missing["checkpoint.txt"]
    corpus.add("missing-checkpoint", "checkpoint.txt is missing", missing, 1, "missing-file")
    corpus.add("symlink-actors", "actors.json is a symlink to a copy outside the bundle (made at run time)", G, 1, "file-type",
               runtime="symlink", runtime_path="actors.json")
    corpus.add("fifo-evidence-json", "evidence.json is a FIFO nobody writes to (made at run time; must not hang)", G, 1,
               "file-type", runtime="fifo", runtime_path="evidence.json")
    corpus.add("devzero-events", "events.jsonl is a link to the character device /dev/zero (made at run time)", G, 1,
               "file-type", runtime="devzero", runtime_path="events.jsonl")
    corpus.add("chardev-actors", "actors.json is a character device node (mknod 1,5 when permitted, else a link to /dev/zero; "
               "made at run time)", G, 1, "file-type", runtime="chardev", runtime_path="actors.json")
    corpus.add("directory-actors", "actors.json is an empty directory (made at run time): directories are allowed only as "
               "frameworks, results, evidence, so it is refused by name", G, 1, "unexpected-file",
               runtime="directory", runtime_path="actors.json")
    corpus.add("sparse-evidence", "an evidence file grown to 65 MiB (sparse, made at run time)", GE, 1, "file-too-large",
               runtime="sparse", runtime_path=evidence_file)

    # --- paths in the manifest (manifest re-bound by the insider) ---
    def with_path(bad):
        def edit(body):
            body["files"][bad] = {"sha256": sha(b"x"), "size": 1}
        return g.seal(G, manifest_edit=edit)
    for case_id, bad in (("path-dotdot", "../x"), ("path-absolute", "/actors.json"), ("path-framework-escape", "frameworks/../../x"),
                         ("path-backslash", "frameworks\\" + framework.split("/")[1]), ("path-empty-component", "results//x.json")):
        corpus.add(case_id, f"the manifest lists the path {bad!r} (re-bound and re-signed)", with_path(bad), 1, "path")

    # --- the manifest's own content (re-bound) ---
    corpus.add("manifest-false-count", "the insider binds a manifest whose eventCount is one too many", g.seal(
        G, manifest_edit=lambda b: b.update(eventCount=n + 1)), 1, "manifest")
    corpus.add("manifest-false-size", "the insider binds a manifest listing a wrong size for actors.json", g.seal(
        G, manifest_edit=lambda b: b["files"]["actors.json"].update(size=len(G["actors.json"]) + 1)), 1, "manifest")
    corpus.add("manifest-lists-absent", "the insider binds a manifest listing a file that is not there", g.seal(
        G, manifest_edit=lambda b: b["files"].update({"results/another-cycle.json": {"sha256": sha(b""), "size": 0}})), 1,
        "missing-file")
    corpus.add("manifest-other-ledger", "the insider binds a manifest naming another ledger id", g.seal(
        G, manifest_edit=lambda b: b.update(ledgerId="another-ledger")), 1, "ledger")
    # files the manifest covers, changed by the insider who re-binds the manifest (step 7 of §Verdicts)
    dep_framework = json.loads(G[framework])
    dep_framework["name"] += " (sửa)"
    corpus.add("framework-rebound", "a framework file edited (its name) and re-bound in the manifest by the insider",
               g.seal(dict(G, **{framework: canonical(dep_framework)})), 1, "framework")
    corpus.add("evidence-json-rebound", "evidence.json with a document renamed, re-bound by the insider",
               g.seal(dict(G, **{"evidence.json": G["evidence.json"].replace(b".txt", b".pdf", 1)})), 1, "evidence")
    corpus.add("evidence-file-rebound", "an evidence document changed and re-bound by the insider (its name is no longer its hash)",
               g.seal(dict(GE, **{evidence_file: GE[evidence_file] + b"sua doi\n"})), 1, "evidence")
    corpus.add("evidence-file-dropped-rebound", "withEvidence true, one listed document removed from the bundle and the manifest",
               g.seal({p: d for p, d in GE.items() if p != evidence_file}), 1, "evidence")
    corpus.add("results-rebound", "a results file made up and re-bound by the insider (the checkpoint keeps the attested hash)",
               g.seal(dict(G, **{results: canonical(results_doc) + (b"\n" if G[results].endswith(b"\n") else b"")})), 1, "results")
    corpus.add("actors-rebound", "actors.json with a display name changed, re-bound by the insider",
               g.seal(dict(G, **{"actors.json": G["actors.json"].replace("Viện Xã hội học".encode(), "Viện Khảo sát".encode())})),
               1, "actors")
    manifest_text = G["manifest.json"]
    for case_id, description, data in (
            ("manifest-duplicate-key", "manifest.json with a duplicate member name",
             manifest_text.replace(b'{"eventCount"', f'{{"eventCount":{n},"eventCount"'.encode(), 1)),
            ("manifest-bom", "manifest.json starting with a byte-order mark", b"\xef\xbb\xbf" + manifest_text),
            ("manifest-exponent", "manifest.json with eventCount written 1e400",
             manifest_text.replace(f'"eventCount":{n}'.encode(), b'"eventCount":1e400')),
            ("manifest-deep", "manifest.json nested 100000 arrays deep",
             manifest_text.replace(b'"withEvidence":', b'"deep":' + b"[" * 100000 + b"]" * 100000 + b',"withEvidence":')),
            ("manifest-invalid-utf8", "manifest.json with an invalid UTF-8 byte in the ledger id",
             manifest_text.replace(f'"ledgerId":"{g.ledger_id}'.encode(), f'"ledgerId":"{g.ledger_id}'.encode() + b"\xff")),
    ):
        corpus.add(case_id, description + " (bound and re-signed by the insider)", g.seal(G, manifest_bytes=data), 1, "parse")

    # --- insider edits of the history ---
    leaf_hashes = [e["hash"] for e in ev]

    def reseal_events(events):
        return g.seal(G, events)

    cmds = g.commands
    # drop a command in the middle: an appraisal adjustment
    i = g.index_of(lambda c: c.types == ["AppraisalScoreRecorded"])
    dropped = g.commands_copy()
    del dropped[i]
    events = g.build(dropped)
    corpus.add("drop-command", "the insider drops an appraisal adjustment; the next command's basis names the dropped head",
               reseal_events(events), 1, "command", seq=g.first_seq(i))
    # drop the last command: consistent on its own, caught by the signer's receipt
    dropped = g.commands_copy()[:-1]
    events = g.build(dropped)
    corpus.add("drop-last", "the insider drops the last command (a correction): the bundle alone cannot tell", reseal_events(events),
               0, None)
    corpus.add("drop-last-receipt", "the insider drops the last command; its signer's CLI receipt is checked", reseal_events(events),
               1, "receipt", receipt="receipt.json", extra={"receipt.json": receipts["correction-2"]})
    # reorder two adjacent commands
    i = g.index_of(lambda c: c.types == ["SelfAssessmentSubmitted"])
    swapped = g.commands_copy()
    swapped[i - 1], swapped[i] = swapped[i], swapped[i - 1]
    events = g.build(swapped)
    corpus.add("reorder-commands", "the insider swaps a self-score and the submission after it; the submission lands before its "
               "basis", reseal_events(events), 1, "command", seq=g.first_seq(i - 1))
    # move: two concurrent corrections (same basis), swapped; only the receipt catches it
    concurrent = g.commands_copy()
    last, before = concurrent[-1], concurrent[-2]
    last.resign, last.auto_basis = True, False
    last.basis = copy.deepcopy(before.basis)
    events = g.build(concurrent)
    receipt_before = g.receipt(events, before.id)
    moved = [c.copy() for c in concurrent]
    moved[-1], moved[-2] = moved[-2], moved[-1]
    moved[-1].events[0]["recordedAt"], moved[-2].events[0]["recordedAt"] = \
        concurrent[-1].events[0]["recordedAt"], concurrent[-2].events[0]["recordedAt"]
    moved_events = g.build(moved)
    corpus.add("move-command", "two corrections signed on the same head; the insider swaps them: the bundle alone cannot tell",
               reseal_events(moved_events), 0, None)
    corpus.add("move-command-receipt", "the swapped corrections, with the receipt the log gave the first signer",
               reseal_events(moved_events), 1, "receipt", receipt="receipt.json", extra={"receipt.json": receipt_before})
    corpus.add("move-receipt-control", "control: the unswapped concurrent corrections with the same receipt", reseal_events(events),
               0, None, receipt="receipt.json", extra={"receipt.json": receipt_before})
    # receipts
    corpus.add("receipt-other-key", "a receipt whose checkpoint is signed by another key", G, 1, "receipt", receipt="receipt.json",
               extra={"receipt.json": g.receipt(ev, cid, key=other_key)})
    bad_receipt = json.loads(receipts["correction-1"])
    bad_receipt["events"][0]["hash"] = sha(b"another event")
    corpus.add("receipt-not-json", "a receipt file that is not JSON (a truncated receipt)", G, 2, "receipt", receipt="receipt.json",
               extra={"receipt.json": receipts["correction-1"][:100]})
    corpus.add("receipt-wrong-hash", "a receipt naming its event with another hash", G, 1, "receipt", receipt="receipt.json",
               extra={"receipt.json": canonical(bad_receipt)})
    # times
    i = len(cmds) - 1
    late = g.commands_copy()
    late[i].events[0]["recordedAt"] = shift_time(late[i].signed_at, 16 * 60 * 1000)
    corpus.add("held-back", "the insider records the last command 16 minutes after it was signed",
               reseal_events(g.build(late)), 1, "command", seq=g.first_seq(i))
    back = g.commands_copy()
    for command in back[i:]:
        command.signed_at = shift_time(command.signed_at, 6 * 60 * 1000)
        command.resign = True
    corpus.add("backdated", "recordedAt 6 minutes before signedAt (the actor's later signing time re-signed with its real key)",
               reseal_events(g.build(back)), 1, "command", seq=g.first_seq(i))
    backwards = g.commands_copy()
    backwards[i].events[0]["recordedAt"] = shift_time(ev[g.first_seq(i) - 2]["recordedAt"], -1)
    backwards[i].signed_at = min(backwards[i].signed_at, backwards[i].events[0]["recordedAt"])
    backwards[i].resign = True
    corpus.add("recorded-backwards", "recordedAt one millisecond before the previous event's", reseal_events(g.build(backwards)), 1,
               "chain", seq=g.first_seq(i))
    # signatures
    other = g.commands_copy()
    other[i].sign_ledger, other[i].resign = "another-ledger", True
    corpus.add("signed-for-other-ledger", "the last command signed by the secretariat's real key for another ledger id",
               reseal_events(g.build(other)), 1, "signature", seq=g.first_seq(i))
    forged_payload = g.commands_copy()
    forged_payload[i].events[0]["payload"]["points"] = "5"
    corpus.add("payload-edited", "the insider changes a correction's points and recomputes hash, chain and root",
               reseal_events(g.build(forged_payload)), 1, "signature", seq=g.first_seq(i))
    stranger = g.commands_copy()
    stranger[i].key, stranger[i].resign = new_key(), True
    corpus.add("unknown-key", "the last command signed by a key the secretariat never had", reseal_events(g.build(stranger)), 1,
               "signature", seq=g.first_seq(i))
    chain = [dict(e) for e in ev]
    chain[-1] = dict(chain[-1], payload=dict(chain[-1]["payload"], points="5"))
    corpus.add("hash-not-recomputed", "the insider changes the last event's points without recomputing its hash",
               g.seal(G, chain, leaf_hashes=leaf_hashes), 1, "chain", seq=n)
    version = g.build(g.commands_copy())
    version[-1] = dict(version[-1], streamVersion=version[-1]["streamVersion"] + 1)
    version[-1]["hash"] = sha(canonical({k: v for k, v in version[-1].items() if k != "hash"}))
    corpus.add("stream-version", "the last event claims the wrong version of its stream", g.seal(G, version), 1, "chain", seq=n)

    # --- well-signed commands that break a rule (the right actor's real key) ---
    def inject(case_id, description, at, actor, drafts, code="rule", after_shift_ms=None, times=None, nth=0):
        commands = g.commands_copy()
        previous = commands[at - 1]
        when = times or previous.events[-1]["recordedAt"]
        key = g.keys[g.actor_keys[actor]]
        template = commands[at - 1]
        command_id = str(uuid.uuid5(uuid.NAMESPACE_URL, "parledger-bundle-corpus/" + case_id))
        command = Command([dict(actor=actor, command=command_id, keyId=key_id(raw_public(key)), signedAt=when, basis=None,
                                signature="", prev=None,
                                correlation=command_id if template.correlation == template.id else template.correlation)])
        command.events = []
        for (s, t, p) in drafts:
            draft = dict(recordedAt=when, schemaVersion=1, stream=s, type=t, payload=p)
            if "causation" in template.events[0]:
                draft["causation"] = command_id if template.events[0]["causation"] == template.id else template.events[0]["causation"]
            command.events.append(draft)
        command.key = key
        commands.insert(at, command)
        if after_shift_ms:
            for later in commands[at + 1:]:
                later.signed_at = shift_time(later.signed_at, after_shift_ms)
                for draft in later.events:
                    draft["recordedAt"] = shift_time(draft["recordedAt"], after_shift_ms)
        events = g.build(commands, resign_from=at)
        corpus.add(case_id, description, reseal_events(events), 0 if code is None else 1, code,
                   seq=None if code is None else g.first_seq(at, commands) + nth, parse_line=code == "parse")

    unit_stream = lambda unit: f"cycle/{CYCLE}/unit/{unit}"
    def self_score(unit, code, points, **more):
        payload = {"cycle": CYCLE, "unit": unit, "criterion": code, "points": points, "evidence": [],
                   "explanation": "Tự chấm theo báo cáo năm"}
        payload.update(more)
        return (unit_stream(unit), "SelfScoreRecorded", payload)

    def cmd_index(types, unit=None, last=False):
        return g.index_of(lambda c: c.types[-1] in types and (unit is None or c.events[-1]["payload"].get("unit") == unit), last=last)

    submit_tg = cmd_index(["SelfAssessmentSubmitted"], "huyen-tuan-giao")
    first_submit = cmd_index(["SelfAssessmentSubmitted"])
    inject("officer-other-unit", "a unit officer self-scores another unit (before that unit submits)", first_submit,
           "cb-so-tai-chinh", [self_score("huyen-tuan-giao", "1.1", "10")])
    inject("secretariat-self-score", "the secretariat records a self-score", first_submit, "so-noi-vu",
           [self_score("so-tai-chinh", "1.1", "8")])
    inject("self-score-after-submission", "a unit officer self-scores after the unit's submission", first_submit + 1,
           "cb-so-tai-chinh", [self_score("so-tai-chinh", "1.1", "8")])
    deadline = next(e["payload"]["selfAssessmentDeadline"] for e in ev if e["type"] == "CycleOpened")
    ms_after = int((parse_time(deadline) - parse_time(cmds[submit_tg - 1].events[-1]["recordedAt"])).total_seconds() * 1000) + 60000
    inject("self-score-after-deadline", "a self-score signed and recorded one minute after the deadline (later commands moved on "
           "and re-signed)", submit_tg, "cb-huyen-tuan-giao", [self_score("huyen-tuan-giao", "1.1", "10")],
           after_shift_ms=ms_after + 1000, times=shift_time(deadline, 60000))
    for case_id, description, points_or_code in (
            ("points-over-max", "a self-score of 36 on a criterion worth 35", ("1.1", "36")),
            ("points-three-decimals", "a self-score of 2.125 (three decimals)", ("1.1", "2.125")),
            ("points-comma", "a self-score written \"2,5\" (not the canonical form)", ("1.1", "2,5")),
            ("criterion-unknown", "a self-score on criterion 9.9, not in the framework", ("9.9", "1")),
            ("criterion-survey", "a self-score on the survey criterion 2.1", ("2.1", "5"))):
        inject(case_id, description, submit_tg, "cb-huyen-tuan-giao", [self_score("huyen-tuan-giao", *points_or_code)])
    inject("criterion-parent", "a self-score on the parent criterion 1.2 of a department", first_submit, "cb-so-tai-chinh",
           [self_score("so-tai-chinh", "1.2", "5")])
    inject("self-score-no-evidence", "a self-score with neither evidence nor explanation", submit_tg, "cb-huyen-tuan-giao",
           [(unit_stream("huyen-tuan-giao"), "SelfScoreRecorded",
             {"cycle": CYCLE, "unit": "huyen-tuan-giao", "criterion": "1.1", "points": "10", "evidence": []})])
    commands = g.commands_copy()
    suspend = Command([dict(actor="so-noi-vu", command=str(uuid.uuid5(uuid.NAMESPACE_URL, "parledger-bundle-corpus/suspend")),
                            keyId=g.actor_keys["so-noi-vu"], signedAt=commands[submit_tg - 1].events[-1]["recordedAt"], basis=None,
                            signature="", prev=None, correlation="x", causation="x", schemaVersion=1,
                            recordedAt=commands[submit_tg - 1].events[-1]["recordedAt"], stream="actor/cb-huyen-tuan-giao",
                            type="ActorSuspended", payload={"actor": "cb-huyen-tuan-giao", "reason": "Chuyển công tác"})])
    suspend.correlation = suspend.events[0]["causation"] = suspend.id
    commands.insert(submit_tg, suspend)
    late_score = commands[submit_tg - 1].copy()
    late_score.id = late_score.correlation = str(uuid.uuid5(uuid.NAMESPACE_URL, "parledger-bundle-corpus/suspended-score"))
    late_score.events[0]["causation"] = late_score.id
    late_score.signed_at = late_score.events[0]["recordedAt"] = suspend.signed_at
    commands.insert(submit_tg + 1, late_score)
    assert late_score.actor == "cb-huyen-tuan-giao" and late_score.types == ["SelfScoreRecorded"]
    corpus.add("suspended-actor", "a unit officer signs a self-score after the secretariat suspended it (its real key)",
               reseal_events(g.build(commands, resign_from=submit_tg)), 1, "signature", seq=g.first_seq(submit_tg + 1, commands))
    first_conclude = cmd_index(["AppraisalConcluded"])
    self_points = {}
    for e in ev:
        if e["type"] == "SelfScoreRecorded":
            self_points[(e["payload"]["unit"], e["payload"]["criterion"])] = e["payload"]["points"]
    inject("council-raises-department", "a council member raises a department's self-score (departments: lower only)", first_conclude,
           "hd-thanh-vien-1", [(unit_stream("so-tu-phap"), "AppraisalScoreRecorded",
                                {"cycle": CYCLE, "unit": "so-tu-phap", "criterion": "1.1", "points": "35", "reason": "Đạt đủ"})])
    assert self_points[("so-tu-phap", "1.1")] != "35"
    inject("appraisal-no-reason", "a council member adjusts a district's score without a reason", first_conclude, "hd-thanh-vien-2",
           [(unit_stream("huyen-dien-bien"), "AppraisalScoreRecorded",
             {"cycle": CYCLE, "unit": "huyen-dien-bien", "criterion": "1.2", "points": "1"})])
    draw_index = cmd_index(["SpotCheckDrawn"])
    draw = cmds[draw_index].events[0]["payload"]
    kind_units = [u for u, _ in (DEPARTMENTS if draw["kind"] == "department" else DISTRICTS)]
    for case_id, description, change in (
            ("draw-sample-size", "a spot-check draw of 0 units (10% of 5 needs 1)", dict(sampleSize=0, drawn=[])),
            ("draw-wrong-units", "a spot-check draw naming a unit the re-draw does not give",
             dict(drawn=[next(u for u in kind_units if u not in draw["drawn"])])),
            ("draw-wrong-seed", "a spot-check draw whose seed is chosen, not SHA-256(secret ‖ the closing hash)",
             dict(seed=sha(b"chosen seed")))):
        commands = g.commands_copy()
        commands[draw_index].events[0]["payload"].update(change)
        corpus.add(case_id, description + " (signed by the steering committee's real key)",
                   reseal_events(g.build(commands, resign_from=draw_index)), 1, "rule", seq=g.first_seq(draw_index))
    inject("spot-check-by-council", "a council member records a spot-check score", draw_index + 2, "hd-thanh-vien-1",
           [(unit_stream(draw["drawn"][0]), "SpotCheckScoreRecorded",
             {"cycle": CYCLE, "unit": draw["drawn"][0], "criterion": "1.1", "decision": "recognise"})])
    undrawn = next(u for u in kind_units if u not in draw["drawn"])
    inject("spot-check-undrawn", "a spot-check score on a unit that was not drawn", draw_index + 2, "bcd-cchc",
           [(unit_stream(undrawn), "SpotCheckScoreRecorded",
             {"cycle": CYCLE, "unit": undrawn, "criterion": "1.1", "decision": "not-recognise", "reason": "Thiếu TLKC"})])
    publish_index = cmd_index(["ResultsPublished"])
    commands = g.commands_copy()
    made_up = canonical(results_doc) + (b"\n" if G[results].endswith(b"\n") else b"")
    commands[publish_index].events[0]["payload"]["resultsHash"] = sha(made_up)
    files = dict(G)
    files[results] = made_up
    corpus.add("publication-wrong-hash", "a publication attesting made-up results (results file and checkpoint line agree with it; "
               "signed by the secretariat's real key)", g.seal(files, g.build(commands, resign_from=publish_index)), 1, "rule",
               seq=g.first_seq(publish_index))
    publication = cmds[publish_index].events[0]
    inject("second-publication", "a second publication of the same cycle", publish_index + 1, "so-noi-vu",
           [(publication["stream"], "ResultsPublished", dict(publication["payload"], decision="900/QĐ-UBND"))])
    correction = cmds[-1].events[0]
    inject("correction-before-publication", "a correction recorded before the publication", publish_index, "so-noi-vu",
           [(correction["stream"], "CorrectionRecorded", dict(correction["payload"], points="17"))])
    inject("survey-after-publication", "a survey import after the publication", publish_index + 1, "vien-xa-hoi-hoc",
           [(unit_stream("so-y-te"), "SurveyScoresImported",
             {"cycle": CYCLE, "unit": "so-y-te", "scores": [{"criterion": "2.1", "points": "25"}], "source": sha(b"late survey")})])
    # --- the council as a body, the commit-reveal draw, publication prerequisites (right actor's real key) ---
    appraisal = lambda unit, code, points, **more: (unit_stream(unit), "AppraisalScoreRecorded", dict(
        {"cycle": CYCLE, "unit": unit, "criterion": code, "points": points}, **more))
    commit_index = cmd_index(["SpotCheckSeedCommitted"])
    reopen_index = cmd_index(["AppraisalReopened"])
    close_index = cmd_index(["AppraisalClosed"])
    survey_index = cmd_index(["SurveyScoresImported"])
    spot_conclude = cmd_index(["SpotCheckConcluded"])
    concluded_unit = cmds[spot_conclude].events[0]["payload"]["unit"]
    recognised = self_points[("so-tu-phap", "1.1")]
    inject("council-outside-fields", f"{MEMBER} (fields: departments 2, districts 1) appraises field 1 of a department",
           first_conclude, MEMBER, [appraisal("so-tu-phap", "1.1", recognised)])
    inject("council-member-seals", f"{MEMBER}, a member but not the chair, seals a department's appraisal", first_conclude, MEMBER,
           [(unit_stream("so-tu-phap"), "AppraisalConcluded", {"cycle": CYCLE, "unit": "so-tu-phap"})])
    inject("appraisal-before-commitment", "the chair appraises before the steering committee committed to its draw",
           commit_index, CHAIR, [appraisal("so-tu-phap", "1.1", recognised)])
    inject("second-commitment", "the steering committee commits a second time to a draw of the same cycle", commit_index + 1,
           "bcd-cchc", [(f"cycle/{CYCLE}", "SpotCheckSeedCommitted", {"cycle": CYCLE, "commitment": sha(b"another secret")})])
    inject("appraisal-after-close", "the chair appraises after closing the appraisal", close_index + 1, CHAIR,
           [appraisal("so-tu-phap", "1.1", recognised)])
    inject("self-assessor-appraises", f"{DUAL}, council member and officer of {DUAL_UNIT}, appraises the unit it self-scored",
           first_conclude, DUAL, [appraisal(DUAL_UNIT, "1.1", self_points[(DUAL_UNIT, "1.1")])])
    inject("self-assessor-spot-checks", f"{DUAL}, steering-committee member and officer of {DUAL_UNIT}, spot-checks the unit "
           "it self-scored", draw_index + 2, DUAL,
           [(unit_stream(DUAL_UNIT), "SpotCheckScoreRecorded",
             {"cycle": CYCLE, "unit": DUAL_UNIT, "criterion": "1.1", "decision": "recognise"})])
    inject("na-rejection-outside-fields", f"{MEMBER} (department field 2) rejects so-y-te's not-applicable claim on 1.2.1",
           first_conclude, MEMBER, [(unit_stream("so-y-te"), "NotApplicableRejected",
                                     {"cycle": CYCLE, "unit": "so-y-te", "criterion": "1.2.1", "reason": "Có nhiệm vụ kiểm tra"})])
    inject("reopen-by-member", f"{MEMBER}, not the chair, reopens a sealed district", reopen_index, MEMBER,
           [(unit_stream("huyen-dien-bien"), "AppraisalReopened",
             {"cycle": CYCLE, "unit": "huyen-dien-bien", "reason": "Giải trình bổ sung"})])
    inject("close-with-unsealed-unit", "the chair closes the appraisal while the reopened huyen-tuan-giao is not sealed again",
           reopen_index + 1, CHAIR, [(f"cycle/{CYCLE}", "AppraisalClosed", {"cycle": CYCLE})])
    inject("draw-before-close", "the steering committee draws (revealing its secret) before the appraisal is closed", close_index,
           "bcd-cchc", [(f"cycle/{CYCLE}", "SpotCheckDrawn", copy.deepcopy(draw))])
    closing_hash = next(e["hash"] for e in ev if e["type"] == "AppraisalClosed")
    other_secret = sha(b"not the committed secret")
    other_seed = sha(bytes.fromhex(other_secret) + bytes.fromhex(closing_hash))
    old_seed = ev[g.first_seq(draw_index) - 2]["hash"]
    for case_id, description, change in (
            ("draw-secret-mismatch", "a spot-check draw revealing a secret whose SHA-256 is not the commitment (seed and units "
             "follow from that secret)", dict(secret=other_secret, seed=other_seed,
                                              drawn=spot_check_order(other_seed, kind_units)[:draw["sampleSize"]])),
            ("draw-head-hash-seed", "a spot-check draw seeded the old way, by the hash of the event before it (units follow "
             "from that seed)", dict(seed=old_seed, drawn=spot_check_order(old_seed, kind_units)[:draw["sampleSize"]]))):
        commands = g.commands_copy()
        commands[draw_index].events[0]["payload"].update(change)
        corpus.add(case_id, description + " (signed by the steering committee's real key)",
                   reseal_events(g.build(commands, resign_from=draw_index)), 1, "rule", seq=g.first_seq(draw_index))
    inject("spot-check-after-conclusion", f"a spot-check score on {concluded_unit} after its spot-check was concluded",
           spot_conclude + 1, "bcd-cchc", [(unit_stream(concluded_unit), "SpotCheckScoreRecorded",
                                            {"cycle": CYCLE, "unit": concluded_unit, "criterion": "1.1", "decision": "recognise"})])
    cycle_window = next(e["payload"]["publicationWindow"] for e in ev if e["type"] == "CycleOpened")
    after_window = (datetime.date.fromisoformat(cycle_window["until"]) + datetime.timedelta(days=1)).isoformat()
    commands = g.commands_copy()
    commands[publish_index].events[0]["payload"]["date"] = after_window
    corpus.add("publication-outside-window", f"a publication dated {after_window}, the day after the cycle's publication window "
               f"{cycle_window['from']} to {cycle_window['until']} (the secretariat's real key)",
               reseal_events(g.build(commands, resign_from=publish_index)), 1, "rule", seq=g.first_seq(publish_index))
    commands = g.commands_copy()
    del commands[spot_conclude]
    corpus.add("publication-spot-check-not-concluded", f"the spot-check of {concluded_unit} is never concluded; the publication "
               "(re-signed) is refused", reseal_events(g.build(commands, resign_from=spot_conclude)), 1, "rule",
               seq=g.first_seq(publish_index - 1, commands))
    commands = g.commands_copy()
    dropped_survey = commands[survey_index].events.pop()["payload"]["unit"]
    assert commands[survey_index].events, "the survey import must be one command of several events"
    corpus.add("publication-survey-missing", f"the survey import leaves out {dropped_survey}, a ranked unit; the publication "
               "(re-signed) is refused", reseal_events(g.build(commands, resign_from=survey_index)), 1, "rule",
               seq=g.first_seq(publish_index, commands))
    low = json.loads(G[framework])
    low["name"] += " (phúc tra 5%)"
    low["settings"]["spotCheckPercent"] = "5"
    low_id = sha(canonical(low))
    inject("framework-spot-check-5", "a framework registered with spotCheckPercent 5 (at least 10 is required)", len(cmds),
           "so-noi-vu", [(f"framework/{low_id}", "FrameworkRegistered", {"id": low_id, "framework": low})])

    end = len(cmds)
    cycle_payload = next(e["payload"] for e in ev if e["type"] == "CycleOpened")
    inject("cycle-id-traversal", "a cycle opened with the id ../../x", end, "so-noi-vu",
           [("cycle/../../x", "CycleOpened", dict(cycle_payload, cycle="../../x"))])
    inject("unit-name-cyrillic", "a cycle whose unit name has a Cyrillic о (U+043E)", end, "so-noi-vu",
           [("cycle/tiny-2026", "CycleOpened", dict(cycle_payload, cycle="tiny-2026", units=[
               dict(cycle_payload["units"][0], name="Sở Tài \u0441hính")]))])
    enrol = next(e for e in ev if e["type"] == "ActorEnrolled" and e["actor"] == "so-noi-vu" and e["payload"]["actor"] != "so-noi-vu")
    spare = new_key()
    g.keys[key_id(raw_public(spare))] = spare
    for case_id, description, name in (
            ("actor-name-zero-width", "an actor enrolled with a zero-width space in its name", "Lê Văn\u200bCường"),
            ("actor-name-cyrillic", "an actor enrolled with a Cyrillic look-alike (а, U+0430) in its name", "Lê Văn Cаường"),
            ("actor-name-confusable", "an actor enrolled with a name confusable with another actor's (case only)",
             "BAN CHỈ ĐẠO CCHC TỈNH")):
        payload = dict(enrol["payload"], actor="le-van-cuong", name=name, publicKey=b64(raw_public(spare)))
        payload.pop("scope", None)
        payload["role"] = "council-member"
        inject(case_id, description, end, "so-noi-vu", [("actor/le-van-cuong", "ActorEnrolled", payload)])
    inject("actor-id-not-slug", "an actor enrolled with the id Le_Van", end, "so-noi-vu",
           [("actor/Le_Van", "ActorEnrolled", dict({k: v for k, v in enrol["payload"].items() if k != "scope"}, actor="Le_Van",
                                                    name="Lê Văn Cường", role="council-member", publicKey=b64(raw_public(spare))))])

    # --- events.jsonl parser edge cases (bound and re-signed by the insider; the line is the k-th) ---
    k = seq_of(lambda e: e["type"] == "CycleOpened")
    lines = G["events.jsonl"].split(b"\n")[:-1]

    def with_line(data):
        out = list(lines)
        out[k - 1] = data
        return b"\n".join(out) + b"\n"

    line = lines[k - 1]
    name_nfc = "Sở Tài chính".encode()
    parse_cases = [
        ("jsonl-int-min", "schemaVersion written -9223372036854775808", with_line(line.replace(b'"schemaVersion":1', b'"schemaVersion":-9223372036854775808'))),
        ("jsonl-exponent", "schemaVersion written 1e400", with_line(line.replace(b'"schemaVersion":1', b'"schemaVersion":1e400'))),
        ("jsonl-fraction", "schemaVersion written 1.0", with_line(line.replace(b'"schemaVersion":1', b'"schemaVersion":1.0'))),
        ("jsonl-nan", "schemaVersion written NaN", with_line(line.replace(b'"schemaVersion":1', b'"schemaVersion":NaN'))),
        ("jsonl-deep", "a payload member nested 100000 arrays deep",
         with_line(line.replace(b'"payload":{', b'"payload":{"deep":' + b"[" * 100000 + b"]" * 100000 + b",", 1))),
        ("jsonl-65-deep", "a payload member nested 65 arrays deep (the limit is 64)",
         with_line(line.replace(b'"payload":{', b'"payload":{"deep":' + b"[" * 65 + b"]" * 65 + b",", 1))),
        ("jsonl-invalid-utf8", "an invalid UTF-8 byte inside a unit name", with_line(line.replace(name_nfc, name_nfc + b"\xc3\x28", 1))),
        ("jsonl-duplicate-key", "a duplicate member name (type twice)", with_line(line.replace(b'"type":', b'"type":"CycleOpened","type":', 1))),
        ("jsonl-spaces", "the line with spaces after colons and commas (not canonical)",
         with_line(json.dumps(json.loads(line), sort_keys=True, ensure_ascii=False).encode())),
        ("jsonl-lone-surrogate", "a unit name holding the lone surrogate escape \\ud800",
         with_line(line.replace(name_nfc, b"S\\ud800", 1))),
        ("jsonl-not-nfc", "a unit name in NFD (decomposed), not NFC",
         with_line(line.replace(name_nfc, unicodedata.normalize("NFD", "Sở Tài chính").encode(), 1))),
        ("jsonl-empty-line", "an empty line before event k", b"\n".join(lines[:k - 1] + [b""] + lines[k - 1:]) + b"\n"),
    ]
    for case_id, description, data in parse_cases:
        files = dict(G)
        files["events.jsonl"] = data
        corpus.add(case_id, f"events.jsonl, event {k}: {description} (bound and re-signed by the insider)",
                   g.seal(files, leaf_hashes=leaf_hashes), 1, "parse", seq=k,
                   parse_line=True)
    files = dict(G)
    files["events.jsonl"] = b"\xef\xbb\xbf" + G["events.jsonl"]
    corpus.add("jsonl-bom", "events.jsonl starting with a byte-order mark (bound and re-signed)", g.seal(files, leaf_hashes=leaf_hashes),
               1, "parse", seq=1, parse_line=True)
    files = dict(G)
    files["events.jsonl"] = G["events.jsonl"][:-1]
    corpus.add("jsonl-unterminated", "the last line of events.jsonl without its \\n (bound and re-signed; never dropped)",
               g.seal(files, leaf_hashes=leaf_hashes), 1, "parse", seq=n, parse_line=True)
    long = g.commands_copy()
    long[-1].events[0]["payload"]["reason"] = "Phúc khảo " + "x" * (1024 * 1024 + 10)
    corpus.add("jsonl-long-line", "the last event's line over 1 MiB (a 1 MiB reason, signed by the secretariat's real key)",
               reseal_events(g.build(long, resign_from=len(long) - 1)), 1, "parse", seq=n, parse_line=True)

    trust_round_two_cases(g, corpus, G, receipts, genesis, inject)
    event_type_cases(corpus, G)
    scheme_rule_cases(corpus, G)

    # --- witnesses, then log key rotation (last, so that the add-*-cases commands put them where make does) ---
    witness_cases(corpus, G, genesis, receipts["correction-1"])
    log_key_cases(corpus, G, genesis, receipts["correction-1"])


def trust_round_two_cases(g, corpus, G, receipts, genesis, inject):
    """Replays by the log host, unsigned envelope fields, receipts of another command, and the strict
    grammars both verifiers read alike: checkpoints, signed notes, trust policies, JSON depth, text."""
    cmds, ev = g.commands, g.events

    def replay(case_id, description, original, after):
        commands = g.commands_copy()
        again = commands[original].copy()
        for draft in again.events:  # within 15 minutes of its signing, after the command it undoes
            draft["recordedAt"] = commands[after].events[-1]["recordedAt"]
        commands.insert(after + 1, again)
        corpus.add(case_id, description + " (same command id and signature; rechained and resealed by the log host)",
                   g.seal(G, g.build(commands)), 1, "command", seq=g.first_seq(after + 1, commands))

    first_score = g.index_of(lambda c: c.types == ["SelfScoreRecorded"] and c.events[0]["payload"]["unit"] == RESCORED_UNIT)
    replay("replay-self-score-correction", f"the log host appends {RESCORED_UNIT}'s first, too high self-score of 1.1 again "
           "right after the officer corrected it", first_score, first_score + 1)
    extension = g.index_of(lambda c: c.types == ["DeadlineExtended"])
    replay("replay-extension-restored", "the log host appends the longer deadline extension again after the secretariat "
           "shortened it", extension, extension + 1)
    revocation = g.index_of(lambda c: c.types == ["RoleRevoked"])
    replay("replay-revocation-reapplied", "the log host appends the revocation of the survey contractor's role again after "
           "the role was granted back", revocation, revocation + 1)
    replay("replay-at-end", "the log host appends the first correction again at the end of the log",
           g.index_of(lambda c: c.types == ["CorrectionRecorded"]), len(cmds) - 1)

    rewritten = g.commands_copy()
    rewritten[-1].events[0]["causation"] = "lenh-khac"
    corpus.add("causation-rewritten", "the log host rewrites the last event's causation (signed by nobody) and recomputes "
               "hash, chain and root", g.seal(G, g.build(rewritten)), 1, "chain", seq=len(ev))

    other_command = json.loads(receipts["correction-1"])
    other_command["command"] = cmds[-1].id
    corpus.add("receipt-command-mismatch", "the receipt of the first correction naming the second correction's command",
               G, 1, "receipt", receipt="receipt.json", extra={"receipt.json": canonical(other_command)})
    extra_member = dict(json.loads(receipts["correction-1"]), note="thêm")
    corpus.add("receipt-extra-member", "a receipt with a member FORMAT.md does not list", G, 2, "receipt",
               receipt="receipt.json", extra={"receipt.json": canonical(extra_member)})

    def edit_line(index, change):
        return lambda lines: lines[:index] + [change(lines[index])] + lines[index + 1:]

    def spare_bits(text):  # the same bytes for a lenient decoder, not the canonical encoding
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        last = len(text.rstrip("=")) - 1
        return text[:last] + alphabet[alphabet.index(text[last]) ^ 1] + text[last + 1:]

    for case_id, description, edit in (
            ("checkpoint-size-plus", "the tree size written with a plus sign", edit_line(1, lambda size: "+" + size)),
            ("checkpoint-size-leading-zero", "the tree size written with a leading zero", edit_line(1, lambda size: "0" + size)),
            ("checkpoint-root-padding-bits", "the root's base64 with a spare padding bit set", edit_line(2, spare_bits))):
        corpus.add(case_id, description + " (signed by the log key)", g.seal(G, lines_edit=edit), 1, "checkpoint")
    note = G["checkpoint.txt"].decode()
    text, signature = note[:note.rindex("\n\n") + 2], note[note.rindex("\n\n") + 2:]
    name, blob = signature[2:-1].split(" ")
    stranger = base64.b64encode(bytes(68)).decode()
    for case_id, description, checkpoint, code in (
            ("checkpoint-signature-padding-bits", "the log's signature line with a spare padding bit set",
             f"{text}— {name} {spare_bits(blob)}\n", "log-key"),
            ("checkpoint-signer-name-tab", "a second signature line whose name holds a TAB", f"{note}— other\tname {stranger}\n",
             "log-key"),
            ("checkpoint-signer-name-plus", "a second signature line whose name holds a plus sign",
             f"{note}— other+name {stranger}\n", "log-key"),
            ("checkpoint-signer-name-control", "a second signature line whose name holds U+0001",
             f"{note}— other\x01name {stranger}\n", "log-key"),
            ("checkpoint-signer-name-nbsp", "a second signature line whose name holds a no-break space",
             f"{note}— other\u00a0name {stranger}\n", "log-key"),
            ("checkpoint-unknown-signer", "a second, well-formed signature line by a key nobody trusts (ignored)",
             f"{note}— example.com/other {stranger}\n", None)):
        corpus.add(case_id, description, dict(G, **{"checkpoint.txt": checkpoint.encode()}), 0 if code is None else 1, code)
    corpus.add("checkpoint-signer-name-combining", "a second, well-formed signature line whose name starts with a "
               "combining mark (a separator is a code point, not a character: ignored)",
               dict(G, **{"checkpoint.txt": f"{note}— \u0301example.com/other {stranger}\n".encode()}), 0, None)
    combining = witness_verifier_key("\u0301witness.example/x", raw_public(new_key()))[0]
    corpus.add("policy-witness-name-combining", "a policy whose witness name starts with a combining mark, and a "
               "comment whose '#' is followed by one: a valid policy (quorum 0)", G, 0, None, trust="trust-policy.txt",
               extra={"trust-policy.txt": genesis.replace(b"quorum 0\n", f"#\u0301 ghi chú\nwitness {combining}\nquorum 0\n"
                                                                  .encode())})
    corpus.add("checkpoint-not-utf8", "a second signature line whose name is not UTF-8",
               dict(G, **{"checkpoint.txt": note.encode() + b"\xe2\x80\x94 \xff\xfe " + stranger.encode() + b"\n"}), 1,
               "checkpoint")

    policy = genesis.decode()
    lines = policy.split("\n")
    ledger_line = next(i for i, line in enumerate(lines) if line.startswith("ledger "))
    log_line = next(i for i, line in enumerate(lines) if line.startswith("log "))
    genesis_line = next(i for i, line in enumerate(lines) if line.startswith("genesis "))

    def with_line(index, line):
        return "\n".join(lines[:index] + [line] + lines[index + 1:]).encode()

    name, key_hash, key = lines[log_line][4:].split("+", 2)
    for case_id, description, text in (
            ("policy-leading-space", "a policy item after a space", with_line(ledger_line, " " + lines[ledger_line])),
            ("policy-double-space", "a policy item with two spaces after its keyword",
             with_line(ledger_line, lines[ledger_line].replace(" ", "  ", 1))),
            ("policy-trailing-space", "a policy item with a space after its value", with_line(ledger_line, lines[ledger_line] + " ")),
            ("policy-tab", "a policy item separated by a TAB", with_line(ledger_line, lines[ledger_line].replace(" ", "\t", 1))),
            ("policy-crlf", "a policy whose lines end in CR LF", policy.replace("\n", "\r\n").encode()),
            ("policy-indented-comment", "a comment after spaces", with_line(1, "  " + lines[1])),
            ("policy-comment-after-value", "a comment after a value", with_line(ledger_line, lines[ledger_line] + " # tỉnh")),
            ("policy-uppercase-genesis", "the genesis hash in upper-case hex", with_line(genesis_line, lines[genesis_line].upper()
                                                                                     .replace("GENESIS", "genesis"))),
            ("policy-uppercase-key-hash", "the log key's key hash in upper-case hex",
             with_line(log_line, f"log {name}+{key_hash.upper()}+{key}")),
            ("policy-no-final-newline", "a policy whose last line does not end in a newline", policy.rstrip("\n").encode())):
        if text == genesis:
            raise SystemExit(f"{case_id}: the edit changed nothing")
        corpus.add(case_id, description, G, 2, "trust-policy", trust="trust-policy.txt", extra={"trust-policy.txt": text})

    deep = lambda levels: functools.reduce(lambda inner, _: [inner], range(levels), [])
    survey = g.index_of(lambda c: c.types[0] == "SurveyScoresImported")
    for case_id, levels, code in (("jsonl-64-deep", 61, "signature"), ("jsonl-65-deep-canonical", 62, "parse")):
        commands = g.commands_copy()
        commands[survey].events[0]["payload"]["zz"] = deep(levels)
        corpus.add(case_id, f"a survey payload (canonical) whose deepest array is at level {levels + 3} of the line: "
                   + ("allowed, so the signature is what fails" if code == "signature" else "over the limit of 64"),
                   g.seal(G, g.build(commands)), 1, code, seq=g.first_seq(survey), parse_line=code == "parse")

    objection = lambda reason, ident: [(f"cycle/{CYCLE}/unit/so-y-te", "ObjectionFiled",
                                        {"cycle": CYCLE, "unit": "so-y-te", "objection": ident, "reason": reason})]
    inject("objection-reason-ideographic-space", "an objection whose reason is only U+3000 (White_Space: blank)", len(cmds),
           "cb-so-y-te", objection("\u3000\u3000", "kn-khoang-trang"))
    inject("objection-reason-zero-width", "an objection whose reason is only U+200B (not White_Space: not blank)", len(cmds),
           "cb-so-y-te", objection("\u200b", "kn-khong-rong"), code=None)
    enrolment = lambda actor, name: [(f"actor/{actor}", "ActorEnrolled",
                                      {"actor": actor, "name": name, "role": "auditor", "publicKey": b64(raw_public(new_key()))})]
    inject("actor-name-unicode-15", "an actor named with U+1E030, a letter of Unicode 15 (outside Unicode 14.0)", len(cmds),
           "so-noi-vu", enrolment("kiem-toan-moi", "Kiểm toán \U0001E030"), code="parse")
    inject("actor-name-thai", "an actor named in Thai letters (Unicode 14, outside the names' repertoire)", len(cmds),
           "so-noi-vu", enrolment("kiem-toan-thai", "สมชาย"))
    # What the differential test (tools/differential.py) found the two verifiers reading differently, one case each.
    derived = (("evidence.json", b'[{"name":"a","name":"b"}]', "a duplicate member"),
               ("actors.json", canonical(deep(64)), "arrays nested 65 levels deep"),
               (next(p for p in sorted(G) if p.startswith("results/")), b'{"cycle":', "truncated JSON"))
    for path, data, what in derived:
        case_id = path.split("/")[0].replace(".json", "") + "-not-strict-json"
        corpus.add(case_id, f"{path} holding {what}, bound and re-signed by the insider (strict JSON first)",
                   g.seal(dict(G, **{path: data})), 1, "parse")
    sealed = g.seal(G)
    corpus.add("manifest-not-canonical", "manifest.json with a newline after its canonical JSON, bound and re-signed",
               g.seal(G, manifest_bytes=sealed["manifest.json"].rstrip(b"\n") + b"\n"), 1, "parse")
    for path in ("events.jsonl", "actors.json", "evidence.json"):
        corpus.add(f"unlisted-missing-{path.split('.')[0]}", f"{path} removed and left out of the re-signed manifest",
                   g.seal({p: d for p, d in G.items() if p != path}, leaf_hashes=[e["hash"] for e in ev]), 1,
                   "missing-file")
    for case_id, member, value in (("envelope-stream-version-zero", "streamVersion", 0),
                                   ("envelope-time-without-millis", "recordedAt", ev[-1]["recordedAt"][:19] + "Z"),
                                   ("envelope-year-zero", "recordedAt", "0000" + ev[-1]["recordedAt"][4:])):
        events = [dict(e) for e in ev]
        events[-1][member] = value
        events[-1]["hash"] = sha(canonical({k: v for k, v in events[-1].items() if k != "hash"}))
        corpus.add(case_id, f"the last event's {member} set to {value!r}, hash and root recomputed by the insider",
                   g.seal(G, events), 1, "parse", seq=len(ev), parse_line=True)
    multi = next(c for c in cmds if len(c.events) > 2)
    first = g.first_seq(cmds.index(multi))
    lines = G["events.jsonl"].split(b"\n")
    corpus.add("line-dropped-inside-command", f"event {first + 1}, inside a command of {len(multi.events)} events, left out "
               "(the rest resealed as it is): named missing before the shortened command's signature",
               g.seal(dict(G, **{"events.jsonl": b"\n".join(lines[:first] + lines[first + 1:])})), 1, "chain", seq=first + 1)
    # What the differential test's rules family found (actors' real keys).
    extension = next(c for c in cmds if c.types == ["DeadlineExtended"]).events[0]
    inject("cycle-id-empty", "a deadline extension naming the cycle '' (an id no database can hold)", len(cmds), "so-noi-vu",
           [(extension["stream"], "DeadlineExtended", dict(extension["payload"], cycle=""))])
    loose = enrolment("kiem-toan-khoa", "Kiểm toán Khóa")
    loose[0][2]["publicKey"] = spare_bits(loose[0][2]["publicKey"])
    inject("public-key-not-canonical", "an actor enrolled with its key's base64 holding a spare padding bit", len(cmds),
           "so-noi-vu", loose)
    document = sha(b"Bien ban giai trinh so-y-te")
    inject("second-event-not-permitted", "a unit officer's command of an evidence document and a survey import: the "
           "refusal names the second event", len(cmds), "cb-so-y-te",
           [(f"evidence/{document}", "EvidenceAdded", {"sha256": document, "name": "bien-ban.pdf", "size": 27,
                                                       "unit": "so-y-te"}),
            (f"cycle/{CYCLE}/unit/so-y-te", "SurveyScoresImported",
             {"cycle": CYCLE, "unit": "so-y-te", "scores": [{"criterion": "2.1", "points": "1"}], "source": "x"})], nth=1)
    moved = g.commands_copy()
    moved[0].events[0]["stream"] = f"cycle/{CYCLE}"
    moved_events = g.build(moved, resign_from=0)
    corpus.add("genesis-enrolment-other-stream", "the first enrolment recorded in another stream, signed by its own key "
               "(its rule, not its signature, fails)", g.seal(G, moved_events), 1, "rule", seq=1,
               trust="trust-policy.txt", extra={"trust-policy.txt": g.policy(moved_events[0]["hash"], g.log_key)})
    corpus.add("file-name-not-utf8", "a file whose name is not UTF-8 beside the bundle's files", G, 1, "unexpected-file",
               runtime="not-utf8-name", runtime_path="events.jsonl")
    corpus.add("nested-directory", "a directory inside frameworks/", G, 1, "unexpected-file", runtime="subdirectory",
               runtime_path="frameworks/nested")


EVENT_TYPE_CASES = ("event-type-unknown",)


def event_type_cases(corpus, G):
    """An event of a type the PAR ledger does not have, in a command its secretariat signed: refused `rule` at that
    event. No actor's private key outlives `make`, so the command is appended to the forger's bundle (every actor
    and the log re-keyed, as `forged-own-policy`, which verifies), signed by the secretariat's fresh key and judged
    against the forgery's own policy; the case can so be derived from the committed genuine bundle as well
    (`add-event-type-cases`)."""
    g = Ledger(G, {}, None, G["manifest.json"].endswith(b"\n"))
    commands = g.commands_copy()
    last = commands[-1]
    if last.actor != "so-noi-vu":
        raise SystemExit("the genuine ledger's last command is not the secretariat's")
    archived = last.copy()
    archived.id = str(uuid.uuid5(uuid.NAMESPACE_URL, "parledger-bundle-corpus/event-type-unknown"))
    if last.correlation == last.id:
        archived.correlation = archived.id
    archived.events = [dict(last.events[0], stream=f"cycle/{CYCLE}", type="CycleArchived", payload={"cycle": CYCLE})]
    if "causation" in archived.events[0]:
        archived.events[0]["causation"] = archived.id
    events, files, policy = forge_with_fresh_keys(g, G, commands + [archived])
    corpus.add("event-type-unknown", "a command of the event type CycleArchived, which the PAR ledger does not have, "
               "appended to the forgery with fresh keys and signed by the secretariat's fresh key, against the "
               "forgery's own policy", files, 1, "rule", seq=len(events), trust="trust-policy.txt",
               extra={"trust-policy.txt": policy})


SCHEME_RULE_CASES = ("scheme-2-head-signs", "scheme-2-officer-submits", "scheme-2-head-of-another-unit",
                     "scheme-unknown", "scheme-2-vice-chair-approves", "scheme-2-published-without-approval",
                     "scheme-2-vice-chair-not-delegated", "scheme-2-publication-other-decision",
                     "scheme-2-council-assigned-member-by-member", "scheme-2-meeting-without-quorum",
                     "scheme-2-seal-without-meeting", "scheme-2-reseal-citing-earlier-meeting", "scheme-2-districts-after-2025",
                     "scheme-1-scores-a-commune", "reorganisation-recorded", "reorganisation-unknown-unit",
                     "reorganisation-merged-unit-renamed", "council-member-holds-unit-role", "second-chair", "extension-reason-blank",
                     "exclusion-reason-blank", "correction-decision-blank", "suspension-reason-blank")


def scheme_rule_cases(corpus, G):
    """The rules a careless and a mischievous secretariat and council broke in the scheme round: a council member who
    holds a role in a unit appraises it although a colleague scored it, a second chair, and texts a rule requires
    given as White_Space only. Each wrong command is put into the genuine history where it would otherwise be
    accepted; no actor's private key outlives `make`, so the forger signs the whole history again with fresh keys
    (as `event-type-unknown`) and each case is judged against the forgery's own policy (`add-scheme-rule-cases`
    derives them from the committed genuine bundle)."""
    g = Ledger(G, {}, None, G["manifest.json"].endswith(b"\n"))
    unit_stream = lambda unit: f"cycle/{CYCLE}/unit/{unit}"

    def case(case_id, description, before, inserted, code="rule"):
        commands = g.commands_copy()
        at = g.index_of(before)
        template = commands[at - 1]
        added = []
        for n, (actor, drafts) in enumerate(inserted):
            command = template.copy()
            command.actor = actor
            command.id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"parledger-bundle-corpus/{case_id}/{n}"))
            if template.correlation == template.id:
                command.correlation = command.id
            command.events = []
            for stream, kind, payload in drafts:
                draft = dict(template.events[0], stream=stream, type=kind, payload=payload)
                if "causation" in draft:
                    draft["causation"] = command.id if template.events[0]["causation"] == template.id else draft["causation"]
                command.events.append(draft)
            added.append(command)
        commands[at:at] = added
        events, files, policy = forge_with_fresh_keys(g, G, commands)
        if code is None:
            corpus.add(case_id, description, files, 0, None, trust="trust-policy.txt", extra={"trust-policy.txt": policy})
            return
        corpus.add(case_id, description, files, 1, code, seq=g.first_seq(at + len(added) - 1, commands),
                   trust="trust-policy.txt", extra={"trust-policy.txt": policy})

    def one(template, case_id, name, actor, stream, kind, payload):
        command = template.copy()
        command.actor = actor
        command.id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"parledger-bundle-corpus/{case_id}/{name}"))
        if template.correlation == template.id:
            command.correlation = command.id
        draft = dict(template.events[0], stream=stream, type=kind, payload=payload)
        if "causation" in draft:
            draft["causation"] = command.id if template.events[0]["causation"] == template.id else draft["causation"]
        command.events = [draft]
        return command

    def scheme_two(case_id, description, signer_of, code=None, scheme=2, approval="chair", decision=None,
                   council="body", quorum=None, seal_meeting="phien-1", second_meeting=True, year=2024, communes=()):
        """The genuine history with the cycle opened under `scheme`; enrolled before it a head for every unit, the
        province's chairman (`ct-ubnd`) and a vice-chairman (`pct-ubnd`); each submission signed by `signer_of(unit)`;
        before the publication the results approved by the chairman (`approval` "chair"), by the vice-chairman under
        his delegation ("vice") or without one ("vice-undelegated"), or not at all (None), by the publication's
        decision unless `decision` names another. The cycle's year is `year` (scheme 2 scores districts up to 2024
        only) and the districts `communes` are listed as communes (scored on the districts' framework, named again
        for communes). Judged against the forgery's own policy."""
        commands = g.commands_copy()
        opening = g.index_of(lambda c: c.types == ["CycleOpened"])
        commands[opening].events[0]["payload"]["scheme"] = scheme
        commands[opening].events[0]["payload"]["year"] = year
        frameworks = commands[opening].events[0]["payload"]["frameworks"]
        for unit in commands[opening].events[0]["payload"]["units"]:
            if unit["id"] in communes:
                unit["kind"], frameworks["commune"] = "commune", frameworks["district"]
        template = commands[opening]
        people = [(f"tt-{unit}", f"Thủ trưởng {name}", "unit-head", unit) for unit, name in DEPARTMENTS + DISTRICTS]
        people += [("ct-ubnd", "Chủ tịch UBND tỉnh", "province-chair", None),
                   ("pct-ubnd", "Phó Chủ tịch UBND tỉnh", "province-vice-chair", None),
                   ("tk-hoi-dong", "Thư ký Hội đồng thẩm định", "council-member", None)]
        enrolments = []
        for actor, name, role, scope in people:
            payload = {"actor": actor, "name": name, "role": role, "publicKey": ""}
            if scope is not None:
                payload["scope"] = scope
            enrolments.append(one(template, case_id, f"enrol/{actor}", "so-noi-vu", f"actor/{actor}", "ActorEnrolled",
                                  payload))
        commands[opening:opening] = enrolments
        refused_submission = None
        for command in commands:
            if command.types == ["SelfAssessmentSubmitted"]:
                unit = command.events[0]["payload"]["unit"]
                command.actor = signer_of(unit)
                if refused_submission is None and command.actor != f"tt-{unit}":
                    refused_submission = command
        refused_at = None
        if council == "body":  # the council established by decision, meeting, sealing citing it, reporting
            assigned = [i for i, c in enumerate(commands) if c.types == ["CouncilMemberAssigned"]]
            seats = [{"actor": c.events[0]["payload"]["actor"], "fields": c.events[0]["payload"]["fields"],
                      "position": "chair" if c.events[0]["payload"]["chair"] else "member"}
                     for c in (commands[i] for i in assigned)]
            seats.append({"actor": "tk-hoi-dong", "position": "secretary", "fields": {}})
            establishment = one(commands[assigned[0]], case_id, "establish", "so-noi-vu", f"cycle/{CYCLE}",
                                "CouncilEstablished", {"cycle": CYCLE, "decision": "20/QĐ-UBND", "members": seats,
                                                       "quorumPercent": "50"})
            for i in reversed(assigned):
                del commands[i]
            commands.insert(assigned[0], establishment)
            document = next(e["payload"] for e in g.events if e["type"] == "EvidenceAdded")
            citation = {"name": document["name"], "sha256": document["sha256"]}
            first_seal = next(i for i, c in enumerate(commands) if c.types == ["AppraisalConcluded"])
            attendees = [seat["actor"] for seat in seats][:quorum] if quorum else [seat["actor"] for seat in seats]
            commands.insert(first_seal, one(commands[first_seal], case_id, "meeting", "tk-hoi-dong", f"cycle/{CYCLE}",
                                            "CouncilMeetingHeld", {"cycle": CYCLE, "meeting": "phien-1",
                                                                   "date": "2026-01-10", "attendees": attendees,
                                                                   "minutes": citation}))
            if quorum:
                refused_at = first_seal
            for index, command in enumerate(commands):
                if command.types == ["AppraisalConcluded"]:
                    if seal_meeting is None:
                        refused_at = index if refused_at is None else refused_at
                    else:
                        command.events[0]["payload"]["meeting"] = seal_meeting
            reopened = next((i for i, c in enumerate(commands) if c.types == ["AppraisalReopened"]), None)
            if reopened is not None and seal_meeting is not None and not second_meeting:
                refused_at = next(i for i, c in enumerate(commands) if i > reopened and c.types == ["AppraisalConcluded"])
            if reopened is not None and seal_meeting is not None and second_meeting:  # the re-seal cites a later meeting
                commands.insert(reopened + 1, one(commands[reopened], case_id, "meeting-2", "tk-hoi-dong",
                                                  f"cycle/{CYCLE}", "CouncilMeetingHeld",
                                                  {"cycle": CYCLE, "meeting": "phien-2", "date": "2026-01-20",
                                                   "attendees": attendees, "minutes": citation}))
                for command in commands[reopened + 2:]:
                    if command.types == ["AppraisalConcluded"]:
                        command.events[0]["payload"]["meeting"] = "phien-2"
            closed = next(i for i, c in enumerate(commands) if c.types == ["AppraisalClosed"])
            commands.insert(closed + 1, one(commands[closed], case_id, "report", CHAIR, f"cycle/{CYCLE}",
                                            "CouncilReportSubmitted", {"cycle": CYCLE, "report": citation}))
        elif council == "assigned" and code is not None:
            refused_at = next(i for i, c in enumerate(commands) if c.types == ["CouncilMemberAssigned"])
        publish = next(i for i, c in enumerate(commands) if c.types == ["ResultsPublished"])
        published = commands[publish].events[0]["payload"]
        steps = []
        if approval == "vice":
            steps.append(one(commands[publish], case_id, "delegate", "ct-ubnd", f"cycle/{CYCLE}", "SigningDelegated",
                             {"cycle": CYCLE, "delegate": "pct-ubnd", "decision": "12/QĐ-UBND"}))
        if approval is not None:
            steps.append(one(commands[publish], case_id, "approve", "ct-ubnd" if approval == "chair" else "pct-ubnd",
                             f"cycle/{CYCLE}", "ResultsApproved",
                             dict(published, decision=decision or published["decision"])))
        commands[publish:publish] = steps
        first_refused = next((i for i, c in enumerate(commands) if c is refused_submission), None)
        if first_refused is None and refused_at is not None:
            first_refused = refused_at
        if first_refused is None and (communes or (year > 2024 and scheme == 2)):  # refused as it opens
            first_refused = opening + len(enrolments)
        if first_refused is None and code is not None and scheme in (1, 2):
            first_refused = publish + len(steps) - (1 if approval == "vice-undelegated" else 0)
        events, files, policy = forge_with_fresh_keys(g, G, commands, recompute_actors=True)
        if code is None:
            corpus.add(case_id, description, files, 0, None, trust="trust-policy.txt", extra={"trust-policy.txt": policy})
        else:
            seq = g.first_seq(opening + len(enrolments) if scheme not in (1, 2) else first_refused, commands)
            corpus.add(case_id, description, files, 1, code, seq=seq, trust="trust-policy.txt",
                       extra={"trust-policy.txt": policy})

    scheme_two("scheme-2-head-signs", "the cycle opened under scheme 2, a head (unit-head) enrolled for every unit, "
               "every submission signed by its unit's head, the results approved by the chairman: verifies",
               lambda unit: f"tt-{unit}")
    scheme_two("scheme-2-officer-submits", "the cycle opened under scheme 2 with heads enrolled, but so-y-te's officer "
               "signs its submission", lambda unit: "cb-so-y-te" if unit == "so-y-te" else f"tt-{unit}", code="rule")
    scheme_two("scheme-2-head-of-another-unit", "the cycle opened under scheme 2; the head of so-tai-chinh signs "
               "so-y-te's submission (refused by the roles' scope)",
               lambda unit: "tt-so-tai-chinh" if unit == "so-y-te" else f"tt-{unit}", code="rule")
    scheme_two("scheme-unknown", "the cycle opened under scheme 3, which does not exist", lambda unit: f"tt-{unit}",
               code="rule", scheme=3)
    heads = lambda unit: f"tt-{unit}"
    scheme_two("scheme-2-vice-chair-approves", "scheme 2: the chairman assigns the vice-chairman to sign, who approves "
               "the results (KT. CHỦ TỊCH); the secretariat publishes them: verifies", heads, approval="vice")
    scheme_two("scheme-2-published-without-approval", "scheme 2: the secretariat publishes results nobody approved",
               heads, code="rule", approval=None)
    scheme_two("scheme-2-vice-chair-not-delegated", "scheme 2: the vice-chairman approves the results without the "
               "chairman's delegation", heads, code="rule", approval="vice-undelegated")
    scheme_two("scheme-2-council-assigned-member-by-member", "scheme 2: the secretariat assigns council members one by "
               "one instead of recording the province's decision establishing the council", heads, code="rule",
               council="assigned")
    scheme_two("scheme-2-meeting-without-quorum", "scheme 2: the secretary records a meeting attended by 1 of the "
               "council's 4 members (the decision asks for 50%)", heads, code="rule", quorum=1)
    scheme_two("scheme-2-seal-without-meeting", "scheme 2: the chair seals a unit citing no meeting of the council",
               heads, code="rule", seal_meeting=None)
    scheme_two("scheme-2-reseal-citing-earlier-meeting", "scheme 2: the chair reopens a sealed unit and seals it "
               "again citing the meeting held before the reopening", heads, code="rule", second_meeting=False)
    scheme_two("scheme-2-districts-after-2025", "scheme 2: a cycle of 2025 scores districts, dissolved on 1 July "
               "2025", heads, code="rule", year=2025)
    scheme_two("scheme-1-scores-a-commune", "scheme 1: the cycle lists huyen-dien-bien as a commune (scheme 1 scores "
               "departments and districts only)", heads, code="rule", scheme=1, communes=("huyen-dien-bien",))
    scheme_two("scheme-2-publication-other-decision", "scheme 2: the chairman approves by decision 1/QĐ-UBND, the "
               "secretariat publishes citing another decision", heads, code="rule", decision="1/QĐ-UBND")
    self_points = {(e["payload"]["unit"], e["payload"]["criterion"]): e["payload"]["points"]
                   for e in g.events if e["type"] == "SelfScoreRecorded"}
    first_seal = lambda c: c.types == ["AppraisalConcluded"]
    case("council-member-holds-unit-role", f"the secretariat grants {MEMBER} (district field 1) the officer role of "
         f"huyen-dien-bien, whose own officer scored it; then {MEMBER} appraises huyen-dien-bien 1.2",
         first_seal, [
             ("so-noi-vu", [("actor/" + MEMBER, "RoleGranted", {"actor": MEMBER, "role": "unit-officer",
                                                                "scope": "huyen-dien-bien"})]),
             (MEMBER, [(unit_stream("huyen-dien-bien"), "AppraisalScoreRecorded",
                        {"cycle": CYCLE, "unit": "huyen-dien-bien", "criterion": "1.2",
                         "points": self_points[("huyen-dien-bien", "1.2")], "reason": "Giữ nguyên"})])])
    assigned = next(c for c in g.commands if c.types == ["CouncilMemberAssigned"] and c.events[0]["payload"]["actor"] == MEMBER)
    case("second-chair", f"the secretariat assigns {MEMBER} again as chair while {CHAIR} chairs the council",
         first_seal, [("so-noi-vu", [(assigned.events[0]["stream"], "CouncilMemberAssigned",
                                      dict(assigned.events[0]["payload"], chair=True))])])
    extension = next(c for c in g.commands if c.types == ["DeadlineExtended"]).events[0]
    case("extension-reason-blank", "a deadline extension whose reason is only U+3000 (blank)",
         lambda c: c.types == ["DeadlineExtended"],
         [("so-noi-vu", [(extension["stream"], "DeadlineExtended", dict(extension["payload"], reason="\u3000"))])])
    case("exclusion-reason-blank", "a unit left out of the ranking for a reason of a space and a tab",
         lambda c: c.types == ["ResultsPublished"],
         [("so-noi-vu", [(unit_stream("so-y-te"), "UnitExcludedFromRanking",
                          {"cycle": CYCLE, "unit": "so-y-te", "reason": " \t"})])])
    correction = next(c for c in g.commands if c.types == ["CorrectionRecorded"]).events[0]
    case("correction-decision-blank", "a correction citing the decision '   ' (blank)",
         lambda c: c.types == ["CorrectionRecorded"],
         [("so-noi-vu", [(correction["stream"], "CorrectionRecorded",
                          {k: v for k, v in dict(correction["payload"], decision="   ").items() if k != "objection"})])])
    reorganisation = lambda *changes: ("reorganisations", "UnitsReorganised", {
        "decision": "Nghị quyết 1661/NQ-UBTVQH15", "date": "2025-07-01",
        "changes": [{"change": c, "from": f, "to": t} for c, f, t in changes]})
    publish = lambda c: c.types == ["ResultsPublished"]
    case("reorganisation-recorded", "the secretariat records two districts merged into a new one and a department "
         "renamed, by a cited resolution: verifies", publish,
         [("so-noi-vu", [reorganisation(("merged", ["huyen-muong-cha", "huyen-muong-nhe"], ["huyen-muong-cha-nhe"]),
                                        ("renamed", ["so-y-te"], ["so-y-te-moi"]))])], code=None)
    case("reorganisation-unknown-unit", "a reorganisation dissolves 'huyen-khong-co', which no cycle scored", publish,
         [("so-noi-vu", [reorganisation(("dissolved", ["huyen-khong-co"], []))])])
    case("reorganisation-merged-unit-renamed", "huyen-muong-nhe, merged into another district, is then renamed",
         publish, [("so-noi-vu", [reorganisation(("merged", ["huyen-muong-cha", "huyen-muong-nhe"], ["huyen-moi"]))]),
                   ("so-noi-vu", [reorganisation(("renamed", ["huyen-muong-nhe"], ["huyen-muong-nhe-2"]))])])
    case("suspension-reason-blank", "the secretariat suspends an officer for the reason U+00A0 (blank)",
         lambda c: c.types == ["ResultsPublished"],
         [("so-noi-vu", [("actor/cb-so-y-te", "ActorSuspended", {"actor": "cb-so-y-te", "reason": "\u00a0"})])])


WITNESS_NAMES = ("witness.example/alpha", "witness.example/beta")
WITNESS_CASES = ("witness-cosigned", "witness-one-cosignature", "witness-forged-cosignature", "witness-not-in-policy",
                 "witness-receipt-cosigned", "witness-receipt-not-cosigned", "witness-kelvin-sign", "witness-names-nfc-nfd")


def witness_cases(corpus, G, genesis, receipt):
    """Witnesses cosign the genuine checkpoint (tlog-cosignature/v1). Nobody re-signs anything: a cosignature is
    a line added to checkpoint.txt (which the manifest does not cover), so these cases can be derived from the
    committed corpus as well (`add-witness-cases`). The witness keys are fresh and live only in the policy."""
    alpha, beta, gamma = new_key(), new_key(), new_key()
    now = int(datetime.datetime.now(datetime.timezone.utc).timestamp())
    policy = genesis.replace(b"quorum 0\n", "".join(
        f"witness {witness_verifier_key(name, raw_public(key))[0]}\n" for name, key in zip(WITNESS_NAMES, (alpha, beta))
    ).encode() + b"quorum 2\n")
    if policy == genesis:
        raise SystemExit("the genuine trust policy does not end in 'quorum 0'")
    note = G["checkpoint.txt"].decode("utf-8")

    def cosigned(*lines):
        return dict(G, **{"checkpoint.txt": (note + "".join(lines)).encode("utf-8")})

    by_alpha = cosignature_line(note, WITNESS_NAMES[0], alpha, now)
    by_beta = cosignature_line(note, WITNESS_NAMES[1], beta, now + 1)
    blob = bytearray(base64.b64decode(by_beta.split(" ")[-1]))
    blob[-1] ^= 0x01
    forged = f"— {WITNESS_NAMES[1]} {b64(bytes(blob))}\n"
    stranger = cosignature_line(note, "witness.example/gamma", gamma, now)
    extra = {"trust-policy.txt": policy}
    both = cosigned(by_alpha, by_beta)
    corpus.add("witness-cosigned", "the genuine checkpoint cosigned by the two witnesses of the case's policy (quorum 2)",
               both, 0, None, trust="trust-policy.txt", extra=extra)
    corpus.add("witness-one-cosignature", "the genuine checkpoint cosigned by one of the two witnesses the policy needs",
               cosigned(by_alpha), 1, "quorum", trust="trust-policy.txt", extra=extra)
    corpus.add("witness-forged-cosignature", "a second cosignature with the witness's name and key ID but a wrong signature "
               "(one bit flipped)", cosigned(by_alpha, forged), 1, "quorum", trust="trust-policy.txt", extra=extra)
    corpus.add("witness-not-in-policy", "a second cosignature, valid, by a witness the policy does not name",
               cosigned(by_alpha, stranger), 1, "quorum", trust="trust-policy.txt", extra=extra)
    body = json.loads(receipt)
    body["checkpoint"] += "".join(cosignature_line(body["checkpoint"], name, key, now)
                                  for name, key in zip(WITNESS_NAMES, (alpha, beta)))
    corpus.add("witness-receipt-cosigned", "the cosigned bundle with the CLI receipt of the first correction, its checkpoint "
               "cosigned by both witnesses", both, 0, None, trust="trust-policy.txt", receipt="receipt.json",
               extra=dict(extra, **{"receipt.json": canonical(body)}))
    corpus.add("witness-receipt-not-cosigned", "the cosigned bundle with the CLI receipt of the first correction, its "
               "checkpoint cosigned by no witness", both, 1, "quorum", trust="trust-policy.txt", receipt="receipt.json",
               extra=dict(extra, **{"receipt.json": receipt}))
    # Names are compared byte for byte: a canonically equivalent name is another name (FORMAT.md, Strict text).
    kelvin, acute, decomposed = new_key(), new_key(), new_key()
    k_name = "witness.example/K"
    k_policy = genesis.replace(b"quorum 0\n", f"witness {witness_verifier_key(k_name, raw_public(kelvin))[0]}\nquorum 1\n"
                               .encode())
    kelvin_line = cosignature_line(note, k_name, kelvin, now).replace(k_name, "witness.example/\u212a", 1)
    corpus.add("witness-kelvin-sign", "the witness's valid cosignature under its name written with KELVIN SIGN (U+212A, "
               "canonically equivalent to K): another name, so it does not count", cosigned(kelvin_line), 1, "quorum",
               trust="trust-policy.txt", extra={"trust-policy.txt": k_policy})
    names = ("witness.example/caf\u00e9", "witness.example/cafe\u0301")
    nfd_policy = genesis.replace(b"quorum 0\n", "".join(
        f"witness {witness_verifier_key(name, raw_public(key))[0]}\n" for name, key in zip(names, (acute, decomposed))
    ).encode() + b"quorum 2\n")
    corpus.add("witness-names-nfc-nfd", "two witnesses whose names are the NFC and NFD forms of one text: two names, each "
               "cosigning", cosigned(*(cosignature_line(note, name, key, now) for name, key in zip(names, (acute, decomposed)))),
               0, None, trust="trust-policy.txt", extra={"trust-policy.txt": nfd_policy})


LOG_KEY_CASES = ("log-key-rotated", "log-key-old-key-at-switch", "log-key-old-key-after-switch",
                 "log-key-new-key-before-switch", "log-key-handover-not-by-old-key", "log-key-policy-without-new-key",
                 "log-key-handover-wrong-root", "log-key-rotated-receipt", "log-key-receipt-old-key-after-switch")


def handover_line(origin, old_key, new_vkey, size, root):
    """A trust policy's `log-handover` line: the handover note (FORMAT.md, Log key rotation) signed by old_key."""
    text = f"ParLedger log key handover\n{origin}\n{new_vkey}\n{size}\n{b64(root)}\n"
    return f"log-handover {b64(sign_note(text, origin, old_key).encode('utf-8'))}\n"


def log_key_cases(corpus, G, genesis, receipt):
    """Log key rotation (FORMAT.md, Log key rotation). The ledger's real log key is the *new* key of a rotation from a
    fresh first key, which signs the handover: no private key of the ledger is needed, so these cases are derived from
    the committed corpus as well (`add-log-key-cases`). The old key re-signs the unchanged checkpoint text where a case
    says so."""
    policy_text = genesis.decode("utf-8")
    real = next(line[4:] for line in policy_text.split("\n") if line.startswith("log "))
    origin = real.split("+")[0]
    old, stranger = new_key(), new_key()
    old_vkey = note_verifier_key(origin, raw_public(old))
    note = G["checkpoint.txt"].decode("utf-8")
    text = note[:note.rfind("\n\n") + 1]
    size = int(text.split("\n")[1])
    leaves = [leaf_hash(json.loads(line)["hash"]) for line in G["events.jsonl"].decode("utf-8").splitlines()]
    body = json.loads(receipt)
    receipt_text = body["checkpoint"][:body["checkpoint"].rfind("\n\n") + 1]
    receipt_size = int(receipt_text.split("\n")[1])
    switch = receipt_size - 3

    def policy(*handovers, first=old_vkey):
        return {"trust-policy.txt": policy_text.replace(f"log {real}\n", f"log {first}\n" + "".join(handovers)).encode()}

    rotated = policy(handover_line(origin, old, real, switch, mth(leaves[:switch])))
    by_old = dict(G, **{"checkpoint.txt": sign_note(text, origin, old).encode("utf-8")})
    corpus.add("log-key-rotated", "the genuine bundle against a policy whose first key handed the log over to the real log key "
               "before the bundle's size", G, 0, None, trust="trust-policy.txt", extra=rotated)
    corpus.add("log-key-old-key-at-switch", "the genuine checkpoint signed by the old key, at exactly the handover's size "
               "(the old key signs up to it)", by_old, 0, None, trust="trust-policy.txt",
               extra=policy(handover_line(origin, old, real, size, mth(leaves))))
    corpus.add("log-key-old-key-after-switch", "the genuine checkpoint signed by the old key, past the handover's size",
               by_old, 1, "log-key", trust="trust-policy.txt", extra=rotated)
    corpus.add("log-key-new-key-before-switch", "the genuine checkpoint signed by the new key before the handover's size",
               G, 1, "log-key", trust="trust-policy.txt",
               extra=policy(handover_line(origin, old, real, size + 5, mth(leaves[:switch]))))
    corpus.add("log-key-handover-not-by-old-key", "a handover to the real log key signed by a key that is not the policy's "
               "first key: the policy is refused", G, 2, "trust-policy", trust="trust-policy.txt",
               extra=policy(handover_line(origin, stranger, real, switch, mth(leaves[:switch]))))
    corpus.add("log-key-policy-without-new-key", "a policy naming only the old key, against the bundle the new key signed",
               G, 1, "log-key", trust="trust-policy.txt", extra=policy())
    corpus.add("log-key-handover-wrong-root", "a handover naming another root than the events' at its size",
               G, 1, "log-key", trust="trust-policy.txt",
               extra=policy(handover_line(origin, old, real, switch, mth(leaves[:switch - 1]))))
    corpus.add("log-key-rotated-receipt", "the CLI receipt of the first correction, its checkpoint by the new key past the "
               "handover", G, 0, None, trust="trust-policy.txt", receipt="receipt.json",
               extra=dict(rotated, **{"receipt.json": receipt}))
    body["checkpoint"] = sign_note(receipt_text, origin, old)
    corpus.add("log-key-receipt-old-key-after-switch", "the receipt's checkpoint signed by the old key past the handover",
               G, 1, "receipt", trust="trust-policy.txt", receipt="receipt.json",
               extra=dict(rotated, **{"receipt.json": canonical(body)}))


def save_cases(corpus, saved):
    """Write each case's bundle (or point it at an earlier identical one) and its own files."""
    for case in corpus.cases:
        tree, extra = corpus.trees[case["id"]]
        directory = os.path.join(CORPUS, "cases", case["id"])
        fingerprint = sha(canonical(sorted([p, sha(d)] for p, d in tree.items())))
        if fingerprint in saved:
            # byte for byte the bundle of an earlier case: shared, to keep the corpus small
            case["bundleOf"] = saved[fingerprint]
        else:
            saved[fingerprint] = case["id"]
            save_tree(tree, os.path.join(directory, "bundle"))
        os.makedirs(directory, exist_ok=True)
        for name, data in extra.items():
            open(os.path.join(directory, name), "wb").write(data)


def write_cases_json(cases):
    with open(os.path.join(CORPUS, "cases.json"), "w", encoding="utf-8") as handle:
        json.dump(cases, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def add_derived_cases(name, case_ids, derive, before=()):
    """Derive the cases `case_ids` with `derive(corpus, genuine bundle, policy, receipt)` from the committed genuine
    bundle, policy and receipt, and put them where `make` does: before the first case of `before`, else last. Every
    other case is left as it is."""
    cases = json.load(open(os.path.join(CORPUS, "cases.json"), encoding="utf-8"))
    kept = [c for c in cases if c["id"] not in case_ids]
    if any(c.get("bundleOf") in case_ids for c in kept):
        raise SystemExit(f"a case outside the {name} cases shares the bundle of one of them")
    for case_id in case_ids:
        shutil.rmtree(os.path.join(CORPUS, "cases", case_id), ignore_errors=True)
    base = os.path.join(CORPUS, "cases")
    genuine = load_tree(os.path.join(base, "genuine-no-evidence", "bundle"))
    policy = open(os.path.join(CORPUS, "trust-policy.txt"), "rb").read()
    receipt = open(os.path.join(base, "genuine-receipt", "receipt.json"), "rb").read()
    corpus = Corpus()
    derive(corpus, genuine, policy, receipt)
    save_cases(corpus, {})
    at = next((index for index, case in enumerate(kept) if case["id"] in before), len(kept))
    write_cases_json(kept[:at] + corpus.cases + kept[at:])
    print(f"{len(corpus.cases)} {name} cases written to Tests/BundleCorpus ({len(kept)} other cases kept)")
    return 0


def make(arguments):
    parledger = os.path.abspath(arguments.parledger)
    if not os.access(parledger, os.X_OK):
        raise SystemExit(f"no parledger at {arguments.parledger}")
    work = tempfile.mkdtemp(prefix="bundle-corpus-")
    try:
        cli = CLI(parledger, work)
        evidence_dir = os.path.join(work, "documents")
        os.makedirs(evidence_dir)
        print("building the tiny ledger with the CLI …", file=sys.stderr)
        receipt_paths = build_ledger(cli, evidence_dir)
        with_ev, without_ev = os.path.join(work, "bundle"), os.path.join(work, "bundle-no-evidence")
        export(cli, with_ev, True)
        export(cli, without_ev, False)
        other = os.path.join(work, "other-ledger")
        other_args = ["init", "--key-out", os.path.join(cli.keys, "other.key")]
        if "--ledger-id" in cli.help("init"):
            other_args += ["--ledger-id", "another-ledger"]
        cli.run(*other_args, ledger=other)
        has_policy = "USAGE: parledger trust-policy" in cli.help("trust-policy")
        if has_policy:
            policy = cli.run("trust-policy").encode()
            other_policy = cli.run("trust-policy", ledger=other).encode()
        else:
            print("warning: this parledger has no trust-policy command; the corpus writes the policies itself", file=sys.stderr)
        receipts = {name: open(path, "rb").read() for name, path in receipt_paths.items()}

        g = load_ledger(cli, with_ev)
        files, log_key = g.files, g.log_key
        g.actor_keys = {c.actor: c.key_id for c in g.commands}
        if not has_policy:
            policy = g.policy(g.events[0]["hash"], log_key)
            other_log = read_key_file(os.path.join(other, "log.key")) if os.path.exists(os.path.join(other, "log.key")) else new_key()
            other_policy = g.policy(sha(b"another genesis"), other_log, ledger_id="another-ledger")
        for name in ("self-score", "publish", "correction-1", "correction-2", "actor-add"):
            if name not in receipts:
                command = {"self-score": lambda c: c.types == ["SelfScoreRecorded"] and c.events[0]["payload"]["unit"] == "so-tu-phap",
                           "publish": lambda c: c.types == ["ResultsPublished"], "actor-add": lambda c: c.actor == "so-noi-vu",
                           "correction-1": lambda c: c.types == ["CorrectionRecorded"],
                           "correction-2": lambda c: c.types == ["CorrectionRecorded"]}[name]
                index = g.index_of(command, last=name == "correction-2")
                print(f"warning: receipt {name} written by the corpus, not the CLI", file=sys.stderr)
                receipts[name] = g.receipt(g.events, g.commands[index].id)
        problems = self_test(g, files, load_tree(without_ev), policy, receipts)
        for problem in problems:
            print(f"SELF-TEST: {problem}", file=sys.stderr)

        corpus = Corpus()
        make_cases(g, corpus, load_tree(without_ev), receipts, other_policy, policy)
        if os.path.isdir(os.path.join(CORPUS, "cases")):
            shutil.rmtree(os.path.join(CORPUS, "cases"))
        with open(os.path.join(CORPUS, "trust-policy.txt"), "wb") as handle:
            handle.write(policy)
        save_cases(corpus, {})
        write_cases_json(corpus.cases)
        print(f"{len(corpus.cases)} cases written to Tests/BundleCorpus ({len(g.events)} events in the base bundle)")
        return 1 if problems else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


def self_test(g, files, noev, policy, receipts):
    """The corpus's signing and hashing must reproduce what the CLI wrote, byte for byte."""
    problems = []
    again = g.build(g.commands_copy(), resign_from=0)
    if events_bytes(again) != files["events.jsonl"]:
        bad = next(i for i, (a, b) in enumerate(zip(again, g.events)) if a != b)
        problems.append(f"re-signing the genuine commands does not give the CLI's events.jsonl (first difference at event {bad + 1}: "
                        f"{sorted(k for k in set(again[bad]) | set(g.events[bad]) if again[bad].get(k) != g.events[bad].get(k))})")
    for label, tree in (("with evidence", files), ("without evidence", noev)):
        resealed = g.seal(tree)
        for path in ("manifest.json", "checkpoint.txt"):
            if resealed[path] != tree[path]:
                problems.append(f"{path} ({label}) differs from the CLI's:\n  CLI:    {tree[path][:600]!r}\n  corpus: {resealed[path][:600]!r}")
    mine = g.policy(g.events[0]["hash"], g.log_key)
    strip = lambda text: [l for l in text.decode().splitlines() if l.strip() and not l.startswith("#")]
    if strip(mine) != strip(policy):
        problems.append(f"trust policy differs from the CLI's: {strip(policy)} vs {strip(mine)}")
    for name, data in receipts.items():
        try:
            command = json.loads(data)["command"]
            size = json.loads(data)["events"][-1]["seq"]
        except (ValueError, KeyError, IndexError) as error:
            problems.append(f"receipt {name} unreadable: {error}")
            continue
        mine = g.receipt(g.events[:size], command)
        if mine != data:
            problems.append(f"receipt {name} differs from the CLI's:\n  CLI:    {data[:700]!r}\n  corpus: {mine[:700]!r}")
    return problems


# ---- check -------------------------------------------------------------------------------------------

CRASH_MARKERS = ("Traceback (most recent call last)", "Fatal error", "fatalError", "Program crashed", "Segmentation fault",
                 "Illegal instruction")


def prepare(case, work):
    """The bundle to verify: the committed one, or a copy with the run-time file type made."""
    source = os.path.join(CORPUS, "cases", case.get("bundleOf", case["id"]), "bundle")
    kind = case.get("makeAtRunTime")
    if not kind:
        return source
    bundle = os.path.join(work, "bundle")
    shutil.copytree(source, bundle, symlinks=True)
    target = os.path.join(bundle, *case["runTimePath"].split("/"))
    if kind == "not-utf8-name":
        with open(os.fsencode(target) + b"\xff", "wb") as handle:
            handle.write(b"{}")
        return bundle
    if kind == "subdirectory":
        os.mkdir(target)
        return bundle
    if kind == "sparse":
        with open(target, "r+b") as handle:
            handle.truncate(65 * 1024 * 1024 + 1)
        return bundle
    outside = os.path.join(work, "outside-" + os.path.basename(target))
    shutil.move(target, outside)
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "symlink":
        os.symlink(os.path.relpath(outside, os.path.dirname(target)), target)
    elif kind == "devzero":
        os.symlink("/dev/zero", target)
    elif kind == "chardev":
        try:
            os.mknod(target, 0o644 | stat.S_IFCHR, os.makedev(1, 5))
        except (PermissionError, OSError):
            os.symlink("/dev/zero", target)
    elif kind == "directory":
        os.mkdir(target)
    else:
        raise SystemExit(f"{case['id']}: unknown makeAtRunTime {kind}")
    return bundle


def run_verifier(command):
    try:
        done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, cwd=ROOT, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return {"exit": None, "code": None, "output": "", "crash": "timeout"}
    output = done.stdout.decode("utf-8", "replace") + done.stderr.decode("utf-8", "replace")
    match = re.search(r"FAILED \[([A-Za-z0-9-]+)\]", output)
    crash = None
    if done.returncode < 0 or done.returncode in (132, 133, 134, 136, 139):
        crash = f"signal/exit {done.returncode}"
    elif any(marker in output for marker in CRASH_MARKERS):
        crash = "crash"
    return {"exit": done.returncode, "code": match.group(1) if match else None, "output": output, "crash": crash,
            "message": output[match.start():].splitlines()[0] if match else ""}


def judge(case, result):
    if result["crash"]:
        return False, result["crash"]
    shown = f"{result['exit']} {result['code'] or '-'}"
    ok = result["exit"] == case["expectExit"]
    if case.get("expectCode") is not None and result["code"] != case["expectCode"]:
        ok = False
    if ok and case.get("expectSeq") is not None:
        seq = case["expectSeq"]
        words = "(event|line)" if case.get("expectSeqMayBeLine") else "event"
        if not re.search(rf"\b{words} {seq}\b", result["message"]):
            ok = False
            shown += " (seq?)"
    return ok, shown


def check(arguments):
    parledger = os.path.abspath(arguments.parledger)
    cases = json.load(open(os.path.join(CORPUS, "cases.json"), encoding="utf-8"))
    if arguments.only:
        cases = [c for c in cases if c["id"] in arguments.only.split(",")]
        if not cases:
            raise SystemExit(f"no case {arguments.only}")
    print("| case | expected | Swift | Python |")
    print("|---|---|---|---|")
    passed = failed = 0
    details = []

    def verdicts(case):
        """Both verifiers' verdicts on `case` (its bundle prepared in a folder of its own)."""
        directory = os.path.join(CORPUS, "cases", case["id"])
        work = tempfile.mkdtemp(prefix="bundle-check-")
        try:
            bundle = prepare(case, work)
            options = []
            trust = case.get("trust", "genuine")
            if trust == "genuine":
                options += ["--trust", os.path.join(CORPUS, "trust-policy.txt")]
            elif trust != "none":
                options += ["--trust", os.path.join(directory, trust)]
            if case.get("receipt"):
                options += ["--receipt", os.path.join(directory, case["receipt"])]
            swift = run_verifier([parledger, "verify-bundle", bundle, *options])
            python = run_verifier([arguments.python, os.path.join("tools", "verify_bundle.py"), bundle, *options])
            return swift, python
        finally:
            shutil.rmtree(work, ignore_errors=True)

    # The cases are independent: as many at once as there are cores, the table still in the corpus's order.
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        results = list(pool.map(verdicts, cases))
    for case, (swift, python) in zip(cases, results):
        expected = f"{case['expectExit']} {case.get('expectCode') or '-'}" + (f" @{case['expectSeq']}" if case.get("expectSeq") else "")
        cells = []
        all_ok = True
        for name, result in (("Swift", swift), ("Python", python)):
            ok, shown = judge(case, result)
            all_ok &= ok
            cells.append(shown if ok else f"**{shown}** ✗")
            if not ok or arguments.show:
                lines = result["output"].strip().splitlines()
                said = result.get("message") or (lines[-1] if lines else result["crash"] or "no output")
                details.append(f"{case['id']} [{name}] {'' if ok else '✗ '}{said[:300]}")
        if all_ok and (swift["exit"], swift["code"]) != (python["exit"], python["code"]):
            all_ok = False
        passed += all_ok
        failed += not all_ok
        print(f"| {case['id']} | {expected} | {cells[0]} | {cells[1]} |")
    print()
    print(f"{passed} passed, {failed} failed")
    if details and (arguments.verbose or arguments.show):
        print()
        for line in details:
            print(f"- {line}")
    return 1 if failed else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    sub.add_parser("add-witness-cases")
    sub.add_parser("add-log-key-cases")
    sub.add_parser("add-event-type-cases")
    sub.add_parser("add-scheme-rule-cases")
    for name in ("make", "check"):
        command = sub.add_parser(name)
        command.add_argument("--parledger", default=DEFAULT_PARLEDGER)
        if name == "check":
            command.add_argument("--only", help="a case id, or several separated by commas")
            command.add_argument("--python", default="python3",
                                 help="the interpreter that runs tools/verify_bundle.py (any Python 3.11 or newer)")
            command.add_argument("--verbose", "-v", action="store_true", help="print the first line of each failing verdict")
            command.add_argument("--show", action="store_true", help="print the FAILED line of every verdict")
    arguments = parser.parse_args()
    if arguments.action == "add-witness-cases":
        return add_derived_cases("witness", WITNESS_CASES, witness_cases, before=LOG_KEY_CASES)
    if arguments.action == "add-log-key-cases":
        return add_derived_cases("log-key", LOG_KEY_CASES, log_key_cases)
    if arguments.action == "add-event-type-cases":
        return add_derived_cases("event-type", EVENT_TYPE_CASES,
                                 lambda corpus, genuine, *_: event_type_cases(corpus, genuine), before=WITNESS_CASES)
    if arguments.action == "add-scheme-rule-cases":
        return add_derived_cases("scheme-rule", SCHEME_RULE_CASES,
                                 lambda corpus, genuine, *_: scheme_rule_cases(corpus, genuine), before=WITNESS_CASES)
    if arguments.parledger == DEFAULT_PARLEDGER:
        arguments.parledger = os.path.join(ROOT, DEFAULT_PARLEDGER)
    arguments.parledger = os.path.abspath(arguments.parledger)
    os.chdir(ROOT)
    return make(arguments) if arguments.action == "make" else check(arguments)


if __name__ == "__main__":
    sys.exit(main())
