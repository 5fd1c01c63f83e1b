#!/usr/bin/env python3
"""Seeded differential fuzzer of the two certified-bundle verifiers (FORMAT.md, parledger-bundle/2).

Usage:
  python3 tools/differential.py [--seed N] [--mutants N] [--families A,B,…] [--save DIR] [--bundle-verdicts PATH]
                                [--parledger PATH] [--quiet]
  python3 tools/differential.py --replay DIR [--bundle-verdicts PATH]

It plays the insider who holds a log key. From the committed corpus (Tests/BundleCorpus: the genuine
bundle without evidence, its trust policy and the CLI receipt of the first correction) it derives a log
key and witness keys from the seed, re-seals the bundle and the receipt under that log key and writes a
trust policy naming it. Then it makes mutants, each reproducible from (seed, index), in weighted
families: `genuine` (controls), `bytes` (byte and line edits of any file, re-sealed or not), `note`
(the signed notes of the checkpoint and of the receipt: tree size, base64 forms, line endings, control
and invalid UTF-8 bytes, signature lines), `witness` (cosignatures: names in NFC/NFD, KELVIN SIGN,
timestamps, duplicates), `policy` (trust policy spellings), `receipt` (members, types, JSON form,
commands, entries, proofs), `depth` (JSON nested 63, 64, 65 and 100000 levels), `text` (blank and
post-Unicode-14 text in signed payloads and in the unsigned `causation`), `files` (file names,
directories, the manifest's paths and members), `structure` (events and commands dropped, duplicated,
swapped, moved or replayed; envelope members changed), re-sealing what the insider can (event hashes
and chain, Merkle root, manifest, checkpoint and its signature) so that mutants reach the deep checks,
and sometimes deliberately not or half.

Those families hold no actor's key, so an edited payload ends at `signature`. The `rules` family (about a
fifth of the mutants) reaches the rules of the cycle (FORMAT.md §Rules of the cycle): at start-up it builds a
fresh tiny ledger with the real CLI (`--parledger`, by default .build/debug/parledger) as
tools/bundle_corpus.py `make` does, exports it without evidence files and keeps every actor's private key and
the log key in memory for the run. Each of its mutants picks an event type (those of the cycle three times as
often as the actors', frameworks' and evidence's), one event of that type, and edits one thing: a payload
member deleted, made null or of another JSON type, an unknown member added, or given an edge value (points,
criterion codes, ids, dates and times, integers, hashes and keys, enumerations, blank and non-NFC text, arrays
emptied, repeated, reordered); or the event's type or stream changed, the event moved to another unit, its
command copied later with a fresh id or dropped, or nothing changed (a control). The event types the tiny
ledger lacks are made by inserting a scenario, signed by the actors who may record it: an explanation
requested and given, a withdrawal and new submission, an objection answered and corrected. The command and
every later one are signed again by their actors (recordedAt and signedAt kept; an inserted command signed and
recorded when the one before it was), the spot-check draws drawn again when the closing hash changed, actors'
`lastChangedAt` moved with their events, and the bundle sealed with the real log key under the CLI's trust
policy (naming the new genesis when event 1 changed). The verdict is not known beforehand: both verifiers must
agree, as for every family. Its base ledger (keys, times) is new in each run, so a rules mutant is reproducible
from (seed, index) within a run only; a saved case holds the whole bundle and policy and replays without it.
`--families` limits a run to some families (the tiny ledger is built only with `rules`).

Each mutant is a small directory (unchanged files hard-linked from one re-sealed base bundle) judged
by the Python verifier (tools/verify_bundle.py, called in this process) and, concurrently, by the Swift
one (the `bundle-verdicts` test executable: long-running processes reading one job a line; built with
`swift build --product bundle-verdicts` when missing). Both must give the same exit code and the same
code in `FAILED [<code>]`. A verifier that raises, dies or takes more than 20 s on a mutant fails it.
Prints progress every 500 mutants (not with --quiet), a summary per family, every class of disagreement
(family, mutation, both verdicts; for `rules` the mutation is `<edit>:<event type>`) with an example, and last
`N passed, M failed`; exits 1 when M > 0. On 2 cores, 5000 mutants take about three minutes with the debug
Swift build, which is the slower judge, the tiny ledger's build included.

`--save DIR` keeps each failing mutant as DIR/<index>-<family>/ with bundle/, trust-policy.txt,
receipt.json (when used) and case.json (family, mutation, seed, index, both verdicts, the commands
that reproduce it by hand); `--replay DIR` judges saved cases again.
"""

import argparse
import base64
import contextlib
import copy
import datetime
import dataclasses
import decimal
import hashlib
import io
import itertools
import json
import os
import queue
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import typing
import unicodedata
import uuid

TOOLS = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, TOOLS)

import bundle_corpus as bc  # noqa: E402  (a module beside this one)
from parverify import cli as python_verifier  # noqa: E402

ROOT = bc.ROOT
GENUINE_BUNDLE = os.path.join(bc.CORPUS, "cases", "genuine-no-evidence", "bundle")
GENUINE_RECEIPT = os.path.join(bc.CORPUS, "cases", "genuine-receipt", "receipt.json")
DEFAULT_VERDICTS = os.path.join(ROOT, ".build", "debug", "bundle-verdicts")
DEFAULT_PARLEDGER = os.path.join(ROOT, ".build", "debug", "parledger")
TIME_LIMIT = 20          # seconds per verifier per mutant
SWIFT_PROCESSES = 2      # the debug Swift verifier is slower than the Python one: two keep both cores busy
WINDOW = 64              # mutants judged by Python whose Swift verdict is still awaited
PROGRESS_EVERY = 500
WITNESSES = ("witness.example/alpha", "witness.example/Kelvin", "witness.example/café")
COSIGNED_AT = 1764460800  # the cosignatures' timestamp (POSIX seconds)
DASH = "—".encode()


# ---- keys and signed notes ---------------------------------------------------------------------------

def derive_key(seed, label):
    """An Ed25519 key that is a function of the seed and a label."""
    private_key, _ = bc.crypto()
    return private_key.from_private_bytes(hashlib.sha256(f"parledger-differential/{seed}/{label}".encode()).digest())


def note_blob(text, name, key):
    """A note signature (68 bytes): key hash of `name` and the key, Ed25519 signature of the text (bytes)."""
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + bc.raw_public(key)).digest()[:4]
    return key_hash + key.sign(text)


def cosignature_blob(text, name, key, timestamp=COSIGNED_AT, signed_time=None):
    """A tlog-cosignature/v1 (76 bytes) of the note text (bytes) by the witness `name`; the signed time may differ."""
    key_id = bc.witness_verifier_key(name, bc.raw_public(key))[1]
    message = b"cosignature/v1\ntime %d\n" % (timestamp if signed_time is None else signed_time) + text
    return key_id + (timestamp % 2**64).to_bytes(8, "big") + key.sign(message)


def signature_line(name, blob, encoded=None):
    """`— <name> <base64 blob>\\n` (name str or bytes; `encoded` replaces the base64 text)."""
    name = name if isinstance(name, bytes) else name.encode()
    return DASH + b" " + name + b" " + (encoded or bc.b64(blob)).encode() + b"\n"


@dataclasses.dataclass
class Note:
    """A signed note in parts, so that a mutation can change one and keep the others."""
    text: bytes
    signatures: list
    separator: bytes = b"\n"

    @classmethod
    def split(cls, data):
        at = data.rfind(b"\n\n")
        return cls(data[:at + 1], data[at + 2:].splitlines(keepends=True))

    def data(self):
        return self.text + self.separator + b"".join(self.signatures)


def base64_variant(data, kind):
    """`data` in base64 written another way: non-canonical but decodable, or not base64 at all."""
    text = bc.b64(data)
    if kind == "spare-bits":
        padding = text.count("=")
        if not padding:
            return text + "="
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        at = len(text) - padding - 1
        return text[:at] + alphabet[alphabet.index(text[at]) | (1 << 2 * padding) - 1] + text[at + 1:]
    if kind == "no-padding":
        return text.rstrip("=")
    if kind == "url-safe":
        return text.replace("+", "-").replace("/", "_") if ("+" in text or "/" in text) else "-_" + text[2:]
    if kind == "extra-padding":
        return text + "="
    if kind == "inner-space":
        return text[:8] + " " + text[8:]
    return data.hex()


BASE64_KINDS = ("spare-bits", "no-padding", "url-safe", "extra-padding", "inner-space", "hex")


# ---- the insider ---------------------------------------------------------------------------------------

def is_hash(value):
    return isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value) is not None


def insider_view(data):
    """The event hashes and published results the insider reads off events.jsonl, however broken: a line's
    `hash` when it has one, else the SHA-256 of the line."""
    lines = data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()
    hashes, published = [], {}
    for line in lines:
        try:
            event = json.loads(line)
        except (ValueError, RecursionError):
            event = None
        event = event if isinstance(event, dict) else {}
        hashes.append(event["hash"] if is_hash(event.get("hash")) else bc.sha(line))
        payload = event.get("payload")
        if event.get("type") == "ResultsPublished" and isinstance(payload, dict) and \
                isinstance(payload.get("cycle"), str) and isinstance(payload.get("resultsHash"), str):
            published.setdefault(payload["cycle"], payload["resultsHash"])
    return hashes, published


def event_hash(event):
    return bc.sha(bc.canonical({k: v for k, v in event.items() if k != "hash"}))


def rechain(events):
    """The events as the insider appends them: seq, prev, stream versions and hashes recomputed."""
    chained, versions, previous = [], {}, bc.ZERO
    for seq, event in enumerate(events, 1):
        event = dict(event, seq=seq, prev=previous)
        versions[event["stream"]] = event["streamVersion"] = versions.get(event["stream"], 0) + 1
        event["hash"] = previous = event_hash(event)
        chained.append(event)
    return chained


def rehash(events, start, keep_prev=False):
    """The events with the hashes from index `start` on and the prev links after it recomputed."""
    chained = list(events[:start])
    for index, event in enumerate(events[start:], start):
        event = dict(event)
        if chained and not (keep_prev and index == start):
            event["prev"] = chained[-1]["hash"]
        event["hash"] = event_hash(event)
        chained.append(event)
    return chained


def events_with_line(events, index, line):
    """events.jsonl with line `index` replaced by `line` (bytes, the canonical JSON of an event with a `hash`
    member, perhaps beyond what Python objects can hold), its hash taken over its bytes without the hash
    member, and the chain after it recomputed."""
    old = events[index]["hash"].encode()
    new = bc.sha(line.replace(b',"hash":"' + old + b'"', b"")).encode()
    head = dict(events[index], hash=new.decode())
    tail = rehash(events[:index] + [head] + events[index + 1:], index + 1)[index + 1:]
    return bc.events_bytes(events[:index]) + line.replace(old, new) + b"\n" + bc.events_bytes(tail)


def command_runs(events):
    """(start, end) of each command: a maximal run of events with the same `command`."""
    runs, start = [], 0
    for _, run in itertools.groupby(events, key=lambda event: event.get("command")):
        size = len(list(run))
        runs.append((start, start + size))
        start += size
    return runs


class Sealer:
    """The tools of a log key's holder for one ledger: seal a bundle, sign notes."""

    def __init__(self, ledger, key):
        self.ledger, self.key = ledger, key
        self.origin, self.events = ledger.origin, ledger.events

    def seal(self, files, manifest=None):
        """Rewrite manifest.json (unless given) and checkpoint.txt as the log key's holder: the manifest lists
        every file with its size and hash and the events' counts; the signed checkpoint binds it."""
        files = dict(files)
        hashes, published = insider_view(files.get("events.jsonl", b""))
        root = bc.mth([bc.leaf_hash(h) for h in hashes])
        files["manifest.json"] = manifest if manifest is not None else self.manifest(files, hashes, root)
        lines = [self.origin, str(len(hashes)), bc.b64(root)]
        lines += [f"parledger-results {cycle} {digest}" for cycle, digest in sorted(published.items())]
        lines.append(f"parledger-manifest {bc.sha(files['manifest.json'])}")
        files["checkpoint.txt"] = self.sign("".join(line + "\n" for line in lines).encode()).data()
        return files

    def manifest(self, files, hashes, root):
        body = {"eventCount": len(hashes),
                "files": {path: {"sha256": bc.sha(data), "size": len(data)} for path, data in sorted(files.items())
                          if path not in ("manifest.json", "checkpoint.txt")},
                "format": "parledger-bundle/2", "genesisHash": hashes[0] if hashes else bc.ZERO,
                "headHash": hashes[-1] if hashes else bc.ZERO, "ledgerId": self.ledger.ledger_id,
                "rootHash": root.hex(), "withEvidence": bc.with_evidence(files)}
        return bc.canonical(body) + (b"\n" if self.ledger.manifest_newline else b"")

    def sign(self, text):
        """The note of `text` (bytes) signed by the log key."""
        return Note(text, [signature_line(self.origin, note_blob(text, self.origin, self.key))])


class Insider(Sealer):
    """The genuine bundle, policy and receipt re-sealed under a log key derived from the seed, and the tools of
    the log key's holder: seal a bundle, sign and cosign notes, issue receipts, write policies. `keyholder` (a
    Keyholder, for the `rules` family) is None unless given."""

    def __init__(self, seed, keyholder=None):
        genuine = bc.load_tree(GENUINE_BUNDLE)
        key = derive_key(seed, "log")
        super().__init__(bc.Ledger(genuine, {}, key, genuine["manifest.json"].endswith(b"\n")), key)
        self.keyholder = keyholder
        self.witness_keys = {name: derive_key(seed, name) for name in WITNESSES + ("witness.example/gamma",)}
        genuine["verifier-key.txt"] = (bc.note_verifier_key(self.origin, bc.raw_public(self.key)) + "\n").encode()
        self.files = self.seal(genuine)
        with open(GENUINE_RECEIPT, "rb") as handle:
            self.receipt_command = json.loads(handle.read())["command"]
        self.receipt = self.issue_receipt(self.events)
        self.policy = self.policy_text(self.policy_lines())
        self.cosigned_files = dict(self.files, **{"checkpoint.txt": self.cosigned(self.files["checkpoint.txt"])})
        body = json.loads(self.receipt)
        body["checkpoint"] = self.cosigned(body["checkpoint"].encode()).decode()
        self.cosigned_receipt = bc.canonical(body)

    def manifest_body(self):
        return json.loads(self.files["manifest.json"])

    def cosign(self, text, name, line_name=None, key_id_name=None, **times):
        """A witness's cosignature line of the note text, perhaps under another name or key ID."""
        blob = cosignature_blob(text, key_id_name or name, self.witness_keys[name], **times)
        return signature_line(line_name or name, blob)

    def cosigned(self, note):
        """The signed note (bytes) with every witness's valid cosignature."""
        parsed = Note.split(note)
        parsed.signatures += [self.cosign(parsed.text, name) for name in WITNESSES]
        return parsed.data()

    def issue_receipt(self, events, command=None):
        return self.ledger.receipt(events, command or self.receipt_command)

    def witness_key_text(self, name, key_name=None, kind=4):
        raw = bc.raw_public(self.witness_keys[key_name or name])
        if kind == 1:
            return bc.note_verifier_key(name, raw)
        return bc.witness_verifier_key(name, raw)[0]

    def policy_lines(self, witnesses=(), quorum=0):
        """The trust policy's lines (comments included), naming the log key and the given witness key texts."""
        lines = self.ledger.policy(self.events[0]["hash"], self.key).decode().splitlines()
        return lines[:-1] + [f"witness {text}" for text in witnesses] + [f"quorum {quorum}"]

    @staticmethod
    def policy_text(lines):
        return "".join(line + "\n" for line in lines).encode()

    def witness_policy(self, quorum, witnesses=tuple((name, name) for name in WITNESSES)):
        """A policy of witnesses given as (name written in the policy, whose key)."""
        return self.policy_text(self.policy_lines([self.witness_key_text(name, key) for name, key in witnesses], quorum))


@dataclasses.dataclass
class Mutant:
    op: str
    description: str
    files: dict                      # the bundle: path -> bytes
    policy: bytes = None             # None: judged without --trust
    receipt: bytes = None            # None: without --receipt
    extras: list = dataclasses.field(default_factory=list)  # ("dir"|"file", bytes path, bytes data)
    family: str = ""


def base_mutant(insider, op, description, **changes):
    return Mutant(op, description, changes.pop("files", insider.files), changes.pop("policy", insider.policy), **changes)


# ---- byte-wise edits -----------------------------------------------------------------------------------

INTERESTING_BYTES = b"\x00\t\n\r \"\\\x7f\x80\xa0\xc2\xc3\xe2\xef\xff"


def edit_bytes(data, rng, lines=True):
    """One byte-wise (or, with `lines`, line-wise) edit of `data`, and what it was."""
    kinds = ["flip", "insert", "delete", "duplicate"] + (["drop-line", "duplicate-line", "swap-lines", "truncate",
                                                          "final-newline", "crlf-line"] if lines else [])
    kind, at = rng.choice(kinds), rng.randrange(max(len(data), 1))
    if kind == "flip" and data:
        bit = rng.randrange(8)
        return data[:at] + bytes([data[at] ^ 1 << bit]) + data[at + 1:], f"bit {bit} of byte {at} flipped"
    if kind in ("insert", "flip"):  # (nothing to flip in an empty file)
        byte = rng.choice(INTERESTING_BYTES) if rng.random() < 0.7 else rng.randrange(256)
        return data[:at] + bytes([byte]) + data[at:], f"byte 0x{byte:02x} inserted at {at}"
    if kind == "delete":
        return data[:at] + data[at + 1:], f"byte {at} deleted"
    if kind == "duplicate":
        return data[:at] + data[at:at + 1] + data[at:], f"byte {at} duplicated"
    if kind == "truncate":
        return data[:at], f"truncated to {at} bytes"
    if kind == "final-newline":
        return (data[:-1], "final newline removed") if data.endswith(b"\n") else (data + b"\n", "newline appended")
    parts = data.split(b"\n")
    line = rng.randrange(len(parts))
    if kind == "drop-line":
        del parts[line]
    elif kind == "duplicate-line":
        parts.insert(line, parts[line])
    elif kind == "swap-lines":
        line = min(line, len(parts) - 2)
        if line < 0:
            return data + b"\n" + data, "its only line written twice"
        parts[line], parts[line + 1] = parts[line + 1], parts[line]
    else:
        parts[line] += b"\r"
    return b"\n".join(parts), f"{kind} at line {line + 1}"


BYTE_TARGETS = ("checkpoint.txt", "trust-policy.txt", "receipt.json", "manifest.json", "verifier-key.txt",
                "events.jsonl", "actors.json", "evidence.json")


def mutate_bytes(insider, rng):
    """A byte or line edit of one file, the bundle resealed around it or not."""
    target = rng.choice(BYTE_TARGETS)
    if target == "trust-policy.txt":
        policy, what = edit_bytes(insider.policy, rng)
        return base_mutant(insider, target, f"{target}: {what}", policy=policy)
    if target == "receipt.json":
        receipt, what = edit_bytes(insider.receipt, rng)
        return base_mutant(insider, target, f"{target}: {what}", receipt=receipt)
    if target == "checkpoint.txt" and rng.random() < 0.5:
        note = Note.split(insider.files["checkpoint.txt"])
        text, what = edit_bytes(note.text, rng)
        files = dict(insider.files, **{"checkpoint.txt": insider.sign(text).data()})
        return base_mutant(insider, "checkpoint-text", f"checkpoint.txt text: {what}; signed again", files=files)
    if target == "events.jsonl":
        return mutate_event_line(insider, rng)
    data, what = edit_bytes(insider.files[target], rng)
    files = dict(insider.files, **{target: data})
    resealed = target != "checkpoint.txt" and rng.random() < 0.5
    if resealed:
        files = insider.seal(files, manifest=data if target == "manifest.json" else None)
    mutant = base_mutant(insider, target, f"{target}: {what}" + ("; resealed" if resealed else ""), files=files)
    if target == "verifier-key.txt" and rng.random() < 0.5:
        mutant.policy, mutant.description = None, mutant.description + "; judged without --trust"
    return mutant


def mutate_event_line(insider, rng):
    """A byte edit within one line of events.jsonl, or (less often) a line edit of the whole file."""
    data = insider.files["events.jsonl"]
    if rng.random() < 0.2:
        data, what = edit_bytes(data, rng)
        what = f"events.jsonl: {what}"
    else:
        lines = data.split(b"\n")
        index = rng.randrange(len(lines) - 1)
        lines[index], what = edit_bytes(lines[index], rng, lines=False)
        data, what = b"\n".join(lines), f"events.jsonl line {index + 1}: {what}"
    files = dict(insider.files, **{"events.jsonl": data})
    resealed = rng.random() < 0.6
    return base_mutant(insider, "events.jsonl", what + ("; resealed" if resealed else ""),
                       files=insider.seal(files) if resealed else files)


# ---- signed notes: the checkpoint and the receipt's checkpoint ---------------------------------------

SIZE_FORMS = ("+{n}", "0{n}", " {n}", "{n} ", "{n}.0", "-{n}", "", "{m}", "{p}", "0x{h}", "1e2", "{n}\u00a0",
              "99999999999999999999", "18446744073709551615", "18446744073709551616", "9223372036854775807",
              "9223372036854775808", "\uff19\uff13", "\u0669\u0663")
CONTROL_TEXT = ("\t", "\x00", "\x01", "\x1b", "\x7f", "\x0b", "\x0c", "\r", "\u0085", "\u2028", "\u00a0", "\ufeff")
INVALID_UTF8 = (b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf4\x90\x80\x80", b"\xe2\x80")
ODD_NAMES = ("witness.example/x", "a\tb", "a+b", "a\x01b", "a\u00a0b", "cafe\u0301", "caf\u00e9", "\u212aelvin",
             "Kelvin", "", "a b", "\u2014", "parledger/other")


def note_size(note):
    return int(note.text.split(b"\n")[1])


def edit_size(note, rng):
    form = rng.choice(SIZE_FORMS)
    n = note_size(note)
    lines = note.text.split(b"\n")
    lines[1] = form.format(n=n, m=n - 1, p=n + 1, h=f"{n:x}").encode()
    return b"\n".join(lines), f"tree size written {lines[1].decode()!r}"


def edit_root(note, rng):
    kind = rng.choice(BASE64_KINDS)
    lines = note.text.split(b"\n")
    lines[2] = base64_variant(base64.b64decode(lines[2]), kind).encode()
    return b"\n".join(lines), f"root hash in base64 {kind}"


def edit_extension(note, rng):
    lines = note.text.split(b"\n")[:-1]
    extra = rng.choice([b"parledger-extra 1", b"", b" ", b"parledger-manifest " + bc.ZERO.encode(), lines[-1],
                        b"parledger-results tiny-2025 " + bc.ZERO.encode()])
    if len(lines) > 3 and rng.random() < 0.3:
        at = rng.randrange(3, len(lines))
        return b"".join(line + b"\n" for line in lines[:at] + lines[at + 1:]), f"text line {at + 1} removed"
    at = rng.randrange(3, len(lines) + 1)
    lines.insert(at, extra)
    return b"".join(line + b"\n" for line in lines), f"text line {extra!r} inserted at line {at + 1}"


def edit_line_endings(note, rng):
    if rng.random() < 0.5:
        return note.text.replace(b"\n", b"\r\n"), "text lines end in CRLF"
    lines = note.text.split(b"\n")
    at = rng.randrange(len(lines) - 1)
    lines[at] += b"\r"
    return b"\n".join(lines), f"text line {at + 1} ends in CR"


def insert_into_line(note, rng, piece):
    lines = note.text.split(b"\n")
    line = rng.randrange(len(lines) - 1)
    at = rng.randrange(len(lines[line]) + 1)
    lines[line] = lines[line][:at] + piece + lines[line][at:]
    return b"\n".join(lines), f"{piece!r} inserted in text line {line + 1} at {at}"


def edit_control(note, rng):
    return insert_into_line(note, rng, rng.choice(CONTROL_TEXT).encode())


def edit_invalid_utf8(note, rng):
    return insert_into_line(note, rng, rng.choice(INVALID_UTF8))


def edit_origin(note, rng):
    lines = note.text.split(b"\n")
    origin = lines[0].decode()
    lines[0] = rng.choice([origin + " ", origin.upper(), "parledger/other-ledger", origin + "/", " " + origin]).encode()
    return b"\n".join(lines), f"origin written {lines[0].decode()!r}"


NOTE_TEXT_EDITS = {"size": edit_size, "root": edit_root, "extension": edit_extension, "line-endings": edit_line_endings,
                   "control": edit_control, "invalid-utf8": edit_invalid_utf8, "origin": edit_origin}


def log_line(note):
    """The name and blob of the first signature line, the log's."""
    fields = note.signatures[0].rstrip(b"\n").split(b" ")
    return fields[1], base64.b64decode(fields[2])


def edit_signature_base64(note, rng):
    kind = rng.choice(BASE64_KINDS)
    name, blob = log_line(note)
    note.signatures[0] = signature_line(name, blob, base64_variant(blob, kind))
    return f"log signature in base64 {kind}"


def edit_blob_length(note, rng):
    name, blob = log_line(note)
    size = rng.choice([0, 4, 64, 67, 69, 72, 75, 76, 77, 100])
    note.signatures[0] = signature_line(name, (blob + bytes(100))[:size])
    return f"log signature blob cut or padded to {size} bytes"


def edit_unknown_signer(note, rng):
    name = rng.choice(ODD_NAMES)
    blob = rng.randbytes(rng.choice([68, 76]))
    line = signature_line(name.encode(), blob)
    at = rng.choice([0, len(note.signatures)])
    note.signatures.insert(at, line)
    return f"signature line by unknown name {name!r} ({len(blob)} bytes) at position {at + 1}"


def edit_duplicate_signature(note, rng):
    note.signatures.append(note.signatures[0])
    return "log signature line duplicated"


def edit_separator(note, rng):
    note.separator = rng.choice([b"", b"\n\n", b" \n", b"\r\n"])
    return f"blank line before the signatures written {note.separator!r}"


def edit_final_newline(note, rng):
    if rng.random() < 0.5:
        note.signatures[-1] = note.signatures[-1].rstrip(b"\n")
        return "final newline removed"
    note.signatures.append(b"\n")
    return "empty line after the signatures"


def edit_dash(note, rng):
    name, blob = log_line(note)
    prefix = rng.choice([b"- ", DASH + b"  ", DASH + b"\t", "–".encode() + b" ", DASH, b" " + DASH + b" "])
    note.signatures[0] = prefix + name + b" " + bc.b64(blob).encode() + b"\n"
    return f"log signature line starts {prefix!r}"


def edit_signature_crlf(note, rng):
    note.signatures[0] = note.signatures[0].replace(b"\n", b"\r\n")
    return "log signature line ends in CRLF"


def edit_no_signature(note, rng):
    note.signatures = []
    return "no signature line"


NOTE_SIGNATURE_EDITS = {"signature-base64": edit_signature_base64, "blob-length": edit_blob_length,
                        "unknown-signer": edit_unknown_signer, "duplicate-signature": edit_duplicate_signature,
                        "separator": edit_separator, "final-newline": edit_final_newline, "dash": edit_dash,
                        "signature-crlf": edit_signature_crlf, "no-signature": edit_no_signature}


def mutate_note(insider, rng):
    """A text edit (signed again, mostly) or a signature-line edit of the bundle's or the receipt's checkpoint."""
    in_receipt = rng.random() < 0.35
    body = json.loads(insider.receipt)
    note = Note.split(body["checkpoint"].encode() if in_receipt else insider.files["checkpoint.txt"])
    edits = dict(NOTE_TEXT_EDITS, **NOTE_SIGNATURE_EDITS)
    if in_receipt:
        del edits["invalid-utf8"]  # a JSON string cannot hold it
    op, edit = rng.choice(list(edits.items()))
    if op in NOTE_TEXT_EDITS:
        text, what = edit(note, rng)
        resign = rng.random() < 0.85
        note = insider.sign(text) if resign else Note(text, note.signatures)
        what += "; signed again" if resign else "; not signed again"
    else:
        what = edit(note, rng)
    where = "receipt checkpoint" if in_receipt else "checkpoint.txt"
    if not in_receipt:
        files = dict(insider.files, **{"checkpoint.txt": note.data()})
        return base_mutant(insider, op, f"{where}: {what}", files=files, receipt=insider.receipt)
    body["checkpoint"] = note.data().decode()
    return base_mutant(insider, f"receipt-{op}", f"{where}: {what}", receipt=bc.canonical(body))


# ---- witnesses: cosignatures ---------------------------------------------------------------------------

KELVIN = "witness.example/\u212aelvin"
CAFE_NFD = unicodedata.normalize("NFD", "witness.example/café")


class Cosigning(typing.NamedTuple):
    """What a witness edit makes: the policy's quorum, the signature lines to add, what was done, and the
    policy's witnesses as (name written in the policy, whose key)."""
    quorum: int
    lines: list
    what: str
    witnesses: tuple = tuple((name, name) for name in WITNESSES)


def witness_quorum(insider, text, rng):
    signers = rng.sample(WITNESSES, rng.randrange(len(WITNESSES) + 1))
    quorum = rng.randrange(1, 4)
    return Cosigning(quorum, [insider.cosign(text, name) for name in signers], f"{len(signers)} witnesses cosign, quorum {quorum}")


def equivalent_names(insider, text, rng, witness, equivalent):
    """The witness written one way in the policy cosigns under a canonically equivalent name (the other way)."""
    policy_name, line_name = (witness, equivalent) if rng.random() < 0.5 else (equivalent, witness)
    key_id_name = rng.choice([policy_name, line_name])
    line = insider.cosign(text, witness, line_name=line_name, key_id_name=key_id_name)
    names = tuple((policy_name if name == witness else name, name) for name in WITNESSES)
    return Cosigning(1, [line], f"policy names the witness {ascii(policy_name)}, its valid cosignature is by "
                                f"{ascii(line_name)} (key ID over {ascii(key_id_name)}), quorum 1", names)


def witness_kelvin(insider, text, rng):
    return equivalent_names(insider, text, rng, "witness.example/Kelvin", KELVIN)


def witness_nfd(insider, text, rng):
    return equivalent_names(insider, text, rng, "witness.example/café", CAFE_NFD)


def witness_timestamp(insider, text, rng):
    timestamp = rng.choice([0, 2**63 - 1, 2**63, 2**64 - 1])
    signed = timestamp if rng.random() < 0.7 else timestamp + 1
    line = insider.cosign(text, WITNESSES[0], timestamp=timestamp, signed_time=signed)
    return Cosigning(1, [line], f"alpha cosigns with timestamp {timestamp}, signing time {signed}, quorum 1")


def witness_duplicate(insider, text, rng):
    line = insider.cosign(text, WITNESSES[0])
    return Cosigning(2, [line, line], "alpha's cosignature twice, quorum 2")


def witness_wrong_kind(insider, text, rng):
    key = insider.witness_keys[WITNESSES[0]]
    return Cosigning(1, [signature_line(WITNESSES[0], note_blob(text, WITNESSES[0], key))],
                     "alpha signs a 68-byte note signature instead of a cosignature, quorum 1")


def witness_forged(insider, text, rng):
    blob = bytearray(cosignature_blob(text, WITNESSES[0], insider.witness_keys[WITNESSES[0]]))
    blob[rng.randrange(len(blob))] ^= 1 << rng.randrange(8)
    return Cosigning(1, [signature_line(WITNESSES[0], bytes(blob))], "alpha's cosignature with one bit flipped, quorum 1")


def witness_stranger(insider, text, rng):
    return Cosigning(1, [insider.cosign(text, "witness.example/gamma")],
                     "a valid cosignature by a witness not in the policy, quorum 1")


WITNESS_EDITS = {"quorum": witness_quorum, "kelvin": witness_kelvin, "nfd-name": witness_nfd,
                 "timestamp": witness_timestamp, "duplicate": witness_duplicate, "wrong-kind": witness_wrong_kind,
                 "forged": witness_forged, "stranger": witness_stranger}


def mutate_witness(insider, rng):
    """Cosignature lines on the bundle's checkpoint or the receipt's, against a policy of three witnesses."""
    op, edit = rng.choice(list(WITNESS_EDITS.items()))
    in_receipt = rng.random() < 0.3
    body = json.loads(insider.receipt)
    note = Note.split(body["checkpoint"].encode() if in_receipt else insider.files["checkpoint.txt"])
    cosigning = edit(insider, note.text, rng)
    note.signatures = (cosigning.lines + note.signatures) if rng.random() < 0.2 else (note.signatures + cosigning.lines)
    policy = insider.witness_policy(cosigning.quorum, cosigning.witnesses)
    if in_receipt:
        body["checkpoint"] = note.data().decode()
        return base_mutant(insider, f"receipt-{op}", f"receipt checkpoint: {cosigning.what}", files=insider.cosigned_files,
                           policy=policy, receipt=bc.canonical(body))
    files = dict(insider.files, **{"checkpoint.txt": note.data()})
    return base_mutant(insider, op, f"checkpoint.txt: {cosigning.what}", files=files, policy=policy,
                       receipt=insider.cosigned_receipt if rng.random() < 0.3 else None)


# ---- trust policies ------------------------------------------------------------------------------------

WHITESPACE_LINES = (" ", "\t", "\r", "\x0b", "\x0c", "\u00a0", "\u3000", "\u0085", "\u2028", "\x00", "\ufeff")
QUORUM_FORMS = ("01", "+1", " 1", "1 ", "\t1", "\u0661", "0x1", "1.0", "-0", "00", "1_0", "99999999999999999999", "\uff11")


def item_lines(lines):
    return [i for i, line in enumerate(lines) if i > 0 and not line.startswith("#")]


def policy_spaces(insider, lines, rng):
    at = rng.choice(item_lines(lines))
    word, _, value = lines[at].partition(" ")
    lines[at] = rng.choice([" " + lines[at], lines[at] + " ", f"{word}  {value}", f"{word}\t{value}", lines[at] + "\t",
                            f"{word}\u00a0{value}", lines[at] + "\r"])
    return f"item line written {lines[at]!r}"


def policy_comment(insider, lines, rng):
    at = rng.choice(item_lines(lines))
    kind = rng.choice(["indented", "after-value", "bare", "before-header"])
    if kind == "indented":
        lines.insert(at, "  # an indented comment")
    elif kind == "after-value":
        lines[at] += " # a comment after the value"
    elif kind == "bare":
        lines.insert(at, "#")
    else:
        lines.insert(0, "# a comment before the header")
    return f"comment {kind}"


def policy_upper_case(insider, lines, rng):
    at = rng.choice(item_lines(lines))
    word, _, value = lines[at].partition(" ")
    if word == "log" or word == "witness":
        name, key_hash, key = value.split("+", 2)
        value = f"{name}+{key_hash.upper()}+{key}"
    else:
        value = value.upper()
    lines[at] = f"{rng.choice([word, word.upper()])} {value}"
    return f"item line upper-cased: {lines[at][:60]!r}"


def policy_witness_name(insider, lines, rng):
    name = rng.choice([CAFE_NFD, "witness.example/a b", "witness.example/a\tb", "witness.example/a\x01b",
                       "witness.example/a\u00a0b", "witness.example/", "w+x", ""])
    lines.insert(-1, "witness " + insider.witness_key_text(name, key_name="witness.example/gamma"))
    return f"a witness named {name!r} (gamma's key)"


def policy_duplicate(insider, lines, rng):
    at = rng.randrange(len(lines))
    lines.insert(at, lines[at])
    return f"line {at + 1} repeated: {lines[at][:40]!r}"


def policy_unknown(insider, lines, rng):
    extra = rng.choice(["mirror https://example.org", "Ledger x", "log", "quorum", "witness", "ledger", "genesis ",
                        "witness-policy 1", "parledger-trust-policy/1"])
    lines.insert(rng.randrange(1, len(lines) + 1), extra)
    return f"line {extra!r} added"


def policy_quorum(insider, lines, rng):
    form = rng.choice(QUORUM_FORMS)
    lines[-1] = "quorum " + form
    return f"quorum written {form!r}"


def policy_whitespace_line(insider, lines, rng):
    blank = rng.choice(WHITESPACE_LINES)
    lines.insert(rng.randrange(len(lines) + 1), blank)
    return f"a line holding only {blank!r}"


def policy_header(insider, lines, rng):
    lines[0] = rng.choice([" " + lines[0], lines[0] + " ", lines[0].upper(), "parledger-trust-policy/2", lines[0] + "\r",
                           "\ufeff" + lines[0], lines[0] + "\t"])
    return f"header written {lines[0]!r}"


def policy_order(insider, lines, rng):
    numbers = item_lines(lines)
    items = [lines[i] for i in numbers]
    rng.shuffle(items)
    if rng.random() < 0.3:
        lines[:] = items + [lines[0]]
        return "the header after the items"
    lines[:] = [line for i, line in enumerate(lines) if i not in numbers] + items
    return "items in the order " + ", ".join(item.split(" ")[0] for item in items)


def policy_key_kind(insider, lines, rng):
    kind = rng.choice(["witness-note-key", "log-cosignature-key", "witness-log-name", "shared-key", "log-other-name"])
    if kind == "witness-note-key":
        lines.insert(-1, "witness " + insider.witness_key_text(WITNESSES[0], kind=1))
    elif kind == "log-cosignature-key":
        at = next(i for i, line in enumerate(lines) if line.startswith("log "))
        lines[at] = "log " + bc.witness_verifier_key(insider.origin, bc.raw_public(insider.key))[0]
    elif kind == "witness-log-name":
        lines.insert(-1, "witness " + insider.witness_key_text(insider.origin, key_name=WITNESSES[0]))
    elif kind == "shared-key":
        lines.insert(-1, "witness " + insider.witness_key_text("witness.example/twin", key_name=WITNESSES[0]))
    else:
        at = next(i for i, line in enumerate(lines) if line.startswith("log "))
        lines[at] = "log " + bc.note_verifier_key("parledger/other", bc.raw_public(insider.key))
    return kind


LINE_EDITS = {"spaces": policy_spaces, "comment": policy_comment, "upper-case": policy_upper_case,
              "witness-name": policy_witness_name, "duplicate-line": policy_duplicate, "unknown-line": policy_unknown,
              "quorum": policy_quorum, "whitespace-line": policy_whitespace_line, "header": policy_header,
              "order": policy_order, "key-kind": policy_key_kind}


def policy_encoding(text, rng):
    kind = rng.choice(["crlf", "no-final-newline", "bom", "oversized", "at-limit", "empty", "cr-only", "nul"])
    if kind == "crlf":
        return text.replace(b"\n", b"\r\n"), "CRLF line endings"
    if kind == "no-final-newline":
        return text[:-1], "no final newline"
    if kind == "bom":
        return b"\xef\xbb\xbf" + text, "a byte-order mark"
    if kind in ("oversized", "at-limit"):
        size = 64 * 1024 + (1 if kind == "oversized" else 0)
        filler = b"#" + b"x" * (size - len(text) - 2) + b"\n"
        return filler + text, f"{size} bytes with a long comment"
    if kind == "empty":
        return b"", "an empty file"
    if kind == "cr-only":
        return text.replace(b"\n", b"\r"), "CR line endings"
    return text.replace(b"quorum", b"\x00quorum"), "a NUL byte"


def mutate_policy(insider, rng):
    """A trust policy spelled another way, with or without witnesses (the checkpoint then cosigned by all three)."""
    witnessed = rng.random() < 0.4
    names = [insider.witness_key_text(name) for name in WITNESSES] if witnessed else []
    lines = insider.policy_lines(names, rng.randrange(1, 4) if witnessed else 0)
    if rng.random() < 0.8:
        op, edit = rng.choice(list(LINE_EDITS.items()))
        what = edit(insider, lines, rng)
        policy = insider.policy_text(lines)
    else:
        op = "encoding"
        policy, what = policy_encoding(insider.policy_text(lines), rng)
    files = insider.cosigned_files if witnessed else insider.files
    return base_mutant(insider, op, f"trust policy: {what}" + ("; three witnesses, all cosign" if witnessed else ""),
                       files=files, policy=policy)


# ---- receipts ------------------------------------------------------------------------------------------

RECEIPT_MEMBERS = ("checkpoint", "command", "events", "format", "ledgerId")
WRONG_TYPES = (1, None, True, [], {}, "x", 1.5)


def receipt_extra_member(insider, body, rng):
    name = rng.choice(["x", "Command", "proof", "checkpoint2", ""])
    body[name] = rng.choice(WRONG_TYPES[:-1])
    return f"extra member {name!r}"


def receipt_missing_member(insider, body, rng):
    name = rng.choice(RECEIPT_MEMBERS)
    del body[name]
    return f"member {name!r} missing"


def receipt_wrong_type(insider, body, rng):
    name, value = rng.choice(RECEIPT_MEMBERS), rng.choice(WRONG_TYPES)
    body[name] = value
    return f"member {name!r} is {json.dumps(value)}"


def receipt_command(insider, body, rng):
    commands = sorted({e["command"] for e in insider.events} - {body["command"]})
    body["command"] = rng.choice([rng.choice(commands), "00000000-0000-0000-0000-000000000000", "",
                                  body["command"].upper(), body["command"] + " "])
    return f"command changed to {body['command']!r}"


def receipt_entry_seq(insider, body, rng):
    entry = body["events"][0]
    entry["seq"] = rng.choice([entry["seq"] - 1, entry["seq"] + 1, 1, 0, -1, 93, 94, 2**53 - 1, 2**53])
    return f"the event entry moved to seq {entry['seq']} (hash and proof kept)"


def receipt_other_event(insider, body, rng):
    """Another event of the bundle, with its valid inclusion proof in the receipt's tree."""
    size = int(body["checkpoint"].split("\n")[1])
    leaves = [bc.leaf_hash(e["hash"]) for e in insider.events[:size]]
    index = rng.randrange(size)
    entry = {"hash": insider.events[index]["hash"], "seq": index + 1,
             "proof": [p.hex() for p in bc.inclusion_path(index, leaves)]}
    body["events"] = rng.choice([[entry], body["events"] + [entry], [entry] + body["events"]])
    return f"an entry for event {index + 1} (of another command) with its valid proof"


def receipt_entries(insider, body, rng):
    entry = body["events"][0]
    kind = rng.choice(["empty", "duplicate", "extra-member", "no-proof", "seq-string", "hash-upper"])
    if kind == "empty":
        body["events"] = []
    elif kind == "duplicate":
        body["events"].append(dict(entry))
    elif kind == "extra-member":
        entry["x"] = 1
    elif kind == "no-proof":
        del entry["proof"]
    elif kind == "seq-string":
        entry["seq"] = str(entry["seq"])
    else:
        entry["hash"] = entry["hash"].upper()
    return f"event entries: {kind}"


def receipt_proof(insider, body, rng):
    proof = body["events"][0]["proof"]
    kind = rng.choice(["drop-last", "drop-first", "extra", "reversed", "upper-case", "empty", "flip"])
    if kind == "drop-last":
        proof.pop()
    elif kind == "drop-first":
        proof.pop(0)
    elif kind == "extra":
        proof.append(bc.ZERO)
    elif kind == "reversed":
        proof.reverse()
    elif kind == "upper-case":
        proof[0] = proof[0].upper()
    elif kind == "empty":
        proof.clear()
    else:
        proof[-1] = proof[-1][:-1] + ("0" if proof[-1][-1] != "0" else "1")
    return f"proof {kind}"


def receipt_values(insider, body, rng):
    name = rng.choice(["format", "ledgerId"])
    body[name] = rng.choice(["parledger-receipt/2", "other-ledger", body[name].upper(), body[name] + " "])
    return f"{name} changed to {body[name]!r}"


def receipt_reissued(insider, body, rng):
    command = rng.choice(sorted({e["command"] for e in insider.events}))
    body.clear()
    body.update(json.loads(insider.issue_receipt(insider.events, command)))
    return f"a valid receipt re-issued for command {command}"


def receipt_note(insider, body, rng):
    """The receipt's checkpoint signed again over another text: a longer or shorter tree, extension lines."""
    size = int(body["checkpoint"].split("\n")[1])
    kind = rng.choice(["smaller", "larger", "results-line", "manifest-line", "whole-bundle"])
    new = {"smaller": size - 1, "larger": size + 1}.get(kind, size)
    if kind == "whole-bundle":
        note = Note.split(insider.files["checkpoint.txt"])
    else:
        leaves = [bc.leaf_hash(e["hash"]) for e in insider.events[:new]]
        text = f"{insider.origin}\n{new}\n{bc.b64(bc.mth(leaves))}\n"
        text += {"results-line": "parledger-results tiny-2025 " + bc.ZERO + "\n",
                 "manifest-line": "parledger-manifest " + bc.ZERO + "\n"}.get(kind, "")
        note = insider.sign(text.encode())
    body["checkpoint"] = note.data().decode()
    return f"its checkpoint re-signed: {kind}"


RECEIPT_EDITS = {"extra-member": receipt_extra_member, "missing-member": receipt_missing_member,
                 "wrong-type": receipt_wrong_type, "command": receipt_command, "entry-seq": receipt_entry_seq,
                 "other-event": receipt_other_event, "entries": receipt_entries, "proof": receipt_proof,
                 "values": receipt_values, "reissued": receipt_reissued, "note": receipt_note}


def non_canonical(body, rng):
    kind = rng.choice(["spaces", "indented", "unsorted", "ascii-escapes", "trailing-newline", "escaped-slash"])
    if kind == "spaces":
        data = json.dumps(body, sort_keys=True, ensure_ascii=False)
    elif kind == "indented":
        data = json.dumps(body, sort_keys=True, ensure_ascii=False, indent=1)
    elif kind == "unsorted":
        data = json.dumps(dict(reversed(list(body.items()))), separators=(",", ":"), ensure_ascii=False)
    elif kind == "ascii-escapes":
        data = json.dumps(body, sort_keys=True, separators=(",", ":"))
    elif kind == "trailing-newline":
        data = bc.canonical(body).decode() + "\n"
    else:
        data = bc.canonical(body).decode().replace("/", "\\/")
    return data.encode(), f"non-canonical JSON: {kind}"


def mutate_receipt(insider, rng):
    body = json.loads(insider.receipt)
    if rng.random() < 0.15:
        receipt, what = non_canonical(body, rng)
        return base_mutant(insider, "non-canonical", f"receipt: {what}", receipt=receipt)
    op, edit = rng.choice(list(RECEIPT_EDITS.items()))
    what = edit(insider, body, rng)
    return base_mutant(insider, op, f"receipt: {what}", receipt=bc.canonical(body))


# ---- JSON depth ----------------------------------------------------------------------------------------

DEPTHS = (63, 64, 65, 63, 64, 65, 100000)


def nested(levels, rng):
    """A JSON value `levels` deep (bytes): arrays or objects."""
    if rng.random() < 0.5:
        return b"[" * levels + b"]" * levels
    return b'{"a":' * (levels - 1) + b"{}" + b"}" * (levels - 1)


def deep_member(document, levels, rng):
    """`document` (a JSON object or array, bytes) with one more member or element `levels` deep at its end
    (the member `~deep` sorts last, as canonical JSON has it)."""
    close = document.rstrip(b"\n")[-1:]
    head = document.rstrip(b"\n")[:-1]
    return head + (b',"~deep":' if close == b"}" else b",") + nested(levels, rng) + close


def mutate_depth(insider, rng):
    """A JSON document whose deepest value is exactly `depth` levels down (the document itself is level 1)."""
    depth = rng.choice(DEPTHS)
    target = rng.choice(["receipt", "event payload", "manifest.json", "actors.json", "evidence.json",
                         "results/tiny-2025.json"])
    if target == "receipt":
        return base_mutant(insider, target, f"receipt with a member nested to depth {depth}",
                           receipt=deep_member(insider.receipt, depth - 1, rng))
    if target == "event payload":
        index = rng.randrange(len(insider.events))
        line = bc.canonical(insider.events[index])
        start, end = line.index(b'"payload":') + len(b'"payload":'), line.rindex(b',"prev":"')
        line = line[:start] + deep_member(line[start:end], depth - 2, rng) + line[end:]
        files = insider.seal(dict(insider.files, **{"events.jsonl": events_with_line(insider.events, index, line)}))
        return base_mutant(insider, target, f"event {index + 1}'s payload with a member nested to depth {depth}; resealed",
                           files=files)
    if target == "manifest.json":
        manifest = deep_member(insider.files[target], depth - 1, rng)
        return base_mutant(insider, target, f"manifest.json with a member nested to depth {depth}; resealed",
                           files=insider.seal(insider.files, manifest=manifest))
    files = dict(insider.files, **{target: deep_member(insider.files[target], depth - 1, rng)})
    return base_mutant(insider, target, f"{target} with a value nested to depth {depth}; resealed", files=insider.seal(files))


# ---- text: blank and new characters in payloads, anything in the unsigned `causation` ----------------

TEXT_MEMBERS = ("reason", "explanation", "legalBasis", "decision", "source", "name")
BLANK_TEXTS = ("\u200b", "\u00a0", "\u3000", "\ufeff", "\u200b\u00a0", " ", "\u180e", "\u2028", "\u0085", "")
NEW_TEXTS = {"U+1E030 (Unicode 15)": "\U0001e030", "U+10D40 (Unicode 16)": "\U00010d40",
             "U+11F00 (Unicode 15)": "\U00011f00",
             "U+105D2 U+0307 (one U+105C9 in Unicode 16 NFC)": "\U000105d2\u0307",
             "U+16D67 U+16D67 (one U+16D68 in Unicode 16 NFC)": "\U00016d67\U00016d67"}
ODD_TEXTS = {"NFD": unicodedata.normalize("NFD", "Nguyễn"), "KELVIN SIGN": "\u212a", "U+0001": "\x01",
             "U+001F": "\x1f", "U+007F": "\x7f", "quote": '"', "backslash": "\\", "slash": "/", "U+FFFF": "\uffff",
             "U+10FFFF": "\U0010ffff", "emoji": "\U0001f600", "private use": "\ue000", "600 KB": "x" * 600_000,
             "1.1 MB": "x" * 1_100_000}
ESCAPED_TEXTS = {"lone surrogate": b"\\ud800", "reversed surrogates": b"\\udc00\\ud800",
                 "escaped pair": b"\\ud83d\\ude00", "escaped A": b"\\u0041", "escaped NUL": b"\\u0000x"}


def text_sample(rng):
    """(what, text) among blank, post-Unicode-14, odd and escaped texts (escaped ones are JSON bytes)."""
    kind = rng.choice(["blank", "new", "odd", "escaped"])
    if kind == "blank":
        text = rng.choice(BLANK_TEXTS)
        return f"only {text!r}", text
    table = {"new": NEW_TEXTS, "odd": ODD_TEXTS, "escaped": ESCAPED_TEXTS}[kind]
    name = rng.choice(sorted(table))
    return name, table[name]


def with_text(events, index, place, text):
    """events.jsonl with `place(event copy, value)` putting `text` in event `index`, re-chained; bytes texts are
    written into the JSON as they are."""
    event = copy.deepcopy(events[index])
    place(event, "\x00PLACEHOLDER\x00" if isinstance(text, bytes) else text)
    line = bc.canonical(event)
    if isinstance(text, bytes):
        line = line.replace(b"\\u0000PLACEHOLDER\\u0000", text)
    return events_with_line(events, index, line)


def text_causation(insider, rng):
    what, text = text_sample(rng)
    index = rng.randrange(len(insider.events))
    data = with_text(insider.events, index, lambda event, value: event.__setitem__("causation", value), text)
    return data, f"event {index + 1}'s causation (not signed) is {what}"


def text_payload(insider, rng):
    candidates = [(i, name) for i, event in enumerate(insider.events) for name in TEXT_MEMBERS
                  if isinstance(event["payload"].get(name), str)]
    index, name = rng.choice(candidates)
    what, text = text_sample(rng)
    if rng.random() < 0.5 and not isinstance(text, bytes):
        value = insider.events[index]["payload"][name]
        at = rng.randrange(len(value) + 1)
        text, what = value[:at] + text + value[at:], f"{what} inserted at {at}"

    def place(event, value):
        event["payload"][name] = value
    return with_text(insider.events, index, place, text), f"event {index + 1}'s payload {name} is {what}"


def text_unit_name(insider, rng):
    index = next(i for i, event in enumerate(insider.events) if event["type"] == "CycleOpened")
    unit = rng.randrange(len(insider.events[index]["payload"]["units"]))
    what, text = text_sample(rng)
    if isinstance(text, bytes):
        what, text = "NFD", unicodedata.normalize("NFD", insider.events[index]["payload"]["units"][unit]["name"])

    def place(event, value):
        event["payload"]["units"][unit]["name"] = value
    return with_text(insider.events, index, place, text), f"unit {unit + 1}'s name in CycleOpened is {what}"


def text_escaped_line(insider, rng):
    index = rng.randrange(len(insider.events))
    line = json.dumps(insider.events[index], sort_keys=True, separators=(",", ":")).encode()
    return events_with_line(insider.events, index, line), f"event {index + 1} with non-ASCII characters escaped (\\uXXXX)"


TEXT_EDITS = {"causation": text_causation, "payload": text_payload, "unit-name": text_unit_name,
              "escaped-line": text_escaped_line}


def mutate_text(insider, rng):
    """Text in an event, the event hashes and chain recomputed and the bundle resealed (mostly). Payloads are
    signed by actors whose keys the insider lacks, so those mutants mostly end at `signature`."""
    op, edit = rng.choice(list(TEXT_EDITS.items()))
    data, what = edit(insider, rng)
    files = dict(insider.files, **{"events.jsonl": data})
    resealed = rng.random() < 0.9
    return base_mutant(insider, op, what + ("; resealed" if resealed else "; not resealed"),
                       files=insider.seal(files) if resealed else files)


# ---- file names and directories ------------------------------------------------------------------------

def first_framework(insider):
    return next(path for path in sorted(insider.files) if path.startswith("frameworks/"))


def files_invalid_name(insider, rng):
    name = rng.choice([b"\xff", b"caf\xe9.json", b"evidence/\xc3(", b"results/\xed\xa0\x80.json", b"frameworks/\x80.json",
                       b"\xef\xbb\xbfactors.json", b"actors.json\xff"])
    return base_mutant(insider, "invalid-utf8-name", f"an extra file named {name!r}", extras=[("file", name, b"x")])


def files_unicode_name(insider, rng):
    name = rng.choice([unicodedata.normalize("NFD", "café.txt"), "café.txt", "actors.json\u0301", "\u00e9vidence.json",
                       "results/tiny-2025.json\u0301", "frameworks/\u212a.json", "evidence/\u00e9"])
    listed = rng.random() < 0.5
    files = dict(insider.files, **{name: b"x"})
    return base_mutant(insider, "unicode-name", f"an extra file named {name!r}" + ("; listed, resealed" if listed else ""),
                       files=insider.seal(files) if listed else insider.files,
                       extras=[] if listed else [("file", name.encode(), b"x")])


def files_nested(insider, rng):
    extras = rng.choice([[("dir", b"evidence/sub", None)], [("file", b"evidence/sub/x", b"x")],
                         [("dir", b"frameworks/x", None)], [("file", b"frameworks/x/y.json", b"{}")],
                         [("dir", b"results/x", None)], [("dir", b"evidence", None)], [("dir", b"other", None)],
                         [("dir", b"frameworks/x/y", None)]])
    return base_mutant(insider, "nested", f"extra directory entries {[e[1] for e in extras]}", extras=extras)


def files_directory_for_file(insider, rng):
    path = rng.choice(["actors.json", "evidence.json", "verifier-key.txt", "manifest.json", "checkpoint.txt",
                       "events.jsonl", first_framework(insider), "results/tiny-2025.json"])
    files = {p: d for p, d in insider.files.items() if p != path}
    extras = [("dir", path.encode(), None)] + ([("file", path.encode() + b"/x", b"x")] if rng.random() < 0.4 else [])
    return base_mutant(insider, "directory-for-file", f"{path} is a directory" + (" holding a file" if len(extras) > 1 else ""),
                       files=files, extras=extras)


def files_extra_listed(insider, rng):
    data = b"an extra document\n"
    path = rng.choice([f"evidence/{bc.sha(data)}", "results/other-cycle.json", f"frameworks/{bc.sha(data)}.json",
                       "notes.txt", f"evidence/{bc.sha(data).upper()}", "results/Tiny.json", "results/x.json.json"])
    files = dict(insider.files, **{path: data})
    listed = rng.random() < 0.6
    return base_mutant(insider, "extra-file", f"an extra file {path}" + ("; listed, resealed" if listed else "; not listed"),
                       files=insider.seal(files) if listed else files)


def files_missing(insider, rng):
    path = rng.choice(["evidence.json", "actors.json", "verifier-key.txt", "events.jsonl", first_framework(insider),
                       "results/tiny-2025.json", "manifest.json", "checkpoint.txt"])
    files = {p: d for p, d in insider.files.items() if p != path}
    resealed = path not in ("manifest.json", "checkpoint.txt") and rng.random() < 0.5
    return base_mutant(insider, "missing-file", f"{path} removed" + ("; resealed" if resealed else ""),
                       files=insider.seal(files) if resealed else files)


def files_manifest_path(insider, rng):
    body = insider.manifest_body()
    path = rng.choice(sorted(body["files"]))
    spelled = rng.choice(["./" + path, path + "/", "/" + path, "frameworks/../" + path, path.upper(),
                          path.replace("/", "//"), "manifest.json", "checkpoint.txt", path + "\u0301"])
    body["files"][spelled] = body["files"].pop(path) if spelled not in ("manifest.json", "checkpoint.txt") else \
        {"sha256": bc.ZERO, "size": 0}
    return base_mutant(insider, "manifest-path", f"manifest lists {spelled!r} (for {path}); resealed",
                       files=insider.seal(insider.files, manifest=bc.canonical(body)))


MANIFEST_VALUES = {"eventCount": (0, -1, 2**53, "1", None), "genesisHash": (bc.ZERO, "", 1), "headHash": (bc.ZERO, 1),
                   "rootHash": (bc.ZERO, ""), "ledgerId": ("other-ledger", ""), "format": ("parledger-bundle/1", 2),
                   "withEvidence": (True, "false", 0, None)}


def files_manifest_member(insider, rng):
    """A member of the manifest given another value or type, removed, or added; the checkpoint binds it."""
    body = insider.manifest_body()
    kind = rng.choice(["value", "missing", "extra", "entry"])
    if kind == "value":
        member = rng.choice(sorted(MANIFEST_VALUES))
        body[member] = rng.choice(MANIFEST_VALUES[member] + (body[member].upper() if isinstance(body[member], str) else 1,))
        what = f"{member} set to {json.dumps(body[member])}"
    elif kind == "missing":
        member = rng.choice(sorted(body))
        del body[member]
        what = f"no {member}"
    elif kind == "extra":
        body["x"], what = 1, "an extra member"
    else:
        path = rng.choice(sorted(body["files"]))
        entry = body["files"][path]
        change = rng.choice(["size -1", "size string", "sha256 upper-case", "extra member", "no sha256", "size 2^53"])
        entry.update({"size -1": {"size": -1}, "size string": {"size": str(entry["size"])}, "extra member": {"x": 1},
                      "sha256 upper-case": {"sha256": entry["sha256"].upper()}, "size 2^53": {"size": 2**53}}.get(change, {}))
        if change == "no sha256":
            del entry["sha256"]
        what = f"the entry of {path}: {change}"
    return base_mutant(insider, "manifest-member", f"manifest: {what}; resealed",
                       files=insider.seal(insider.files, manifest=bc.canonical(body)))


FILE_EDITS = {"invalid-utf8-name": files_invalid_name, "unicode-name": files_unicode_name, "nested": files_nested,
              "directory-for-file": files_directory_for_file, "extra-file": files_extra_listed,
              "missing-file": files_missing, "manifest-path": files_manifest_path,
              "manifest-member": files_manifest_member}


def mutate_files(insider, rng):
    _, edit = rng.choice(list(FILE_EDITS.items()))
    return edit(insider, rng)


# ---- structure: events and commands moved, dropped, replayed; envelope members changed -----------------

def late(rng, count):
    """An index biased towards the end of the log: moving an event re-chains every later one, and a later
    command whose basis is an event re-chained fails `command` before anything deeper is checked."""
    return rng.randrange(max(count - 12, 0), count) if rng.random() < 0.7 else rng.randrange(count)


def struct_event(events, rng):
    kind = rng.choice(["drop", "duplicate", "swap-adjacent", "swap", "move"])
    i, j = late(rng, len(events)), late(rng, len(events))
    events = list(events)
    if kind == "drop":
        del events[i]
    elif kind == "duplicate":
        events.insert(i + 1, events[i])
    elif kind in ("swap-adjacent", "swap"):
        j = min(i + 1, len(events) - 1) if kind == "swap-adjacent" else j
        events[i], events[j] = events[j], events[i]
    else:
        events.insert(j, events.pop(i))
    return events, f"{kind} event {i + 1}" + (f" and {j + 1}" if kind in ("swap", "swap-adjacent", "move") else "")


def struct_command(events, rng):
    runs = command_runs(events)
    kind = rng.choice(["drop", "duplicate", "swap-adjacent", "swap", "move"])
    i, j = late(rng, len(runs)), late(rng, len(runs))
    if kind == "swap-adjacent":
        j = min(i + 1, len(runs) - 1)
    pieces = [events[start:end] for start, end in runs]
    if kind == "drop":
        del pieces[i]
    elif kind == "duplicate":
        pieces.insert(i + 1, pieces[i])
    elif kind in ("swap", "swap-adjacent"):
        pieces[i], pieces[j] = pieces[j], pieces[i]
    else:
        pieces.insert(j, pieces.pop(i))
    return [event for piece in pieces for event in piece], f"{kind} command {i + 1} (event {runs[i][0] + 1})" + \
        (f" and command {j + 1}" if kind != "drop" and kind != "duplicate" else "")


def struct_replay(events, rng):
    """A copy of an earlier command (same id, signature, signedAt and basis) appended later, recorded within
    15 minutes after its signedAt and not before the event it follows."""
    runs = command_runs(events)
    i = rng.randrange(len(runs))
    after = rng.choice([len(runs) - 1, max(i, late(rng, len(runs)))])
    start, end = runs[i]
    at = runs[after][1]
    signed = bc.parse_time(events[start]["signedAt"])
    previous = bc.parse_time(events[at - 1]["recordedAt"])
    moment = min(max(previous, signed) + datetime.timedelta(milliseconds=rng.randrange(2000)),
                 signed + datetime.timedelta(minutes=15))
    copies = [dict(event, recordedAt=bc.format_time(moment)) for event in events[start:end]]
    where = "at the end" if at == len(events) else f"after event {at}"
    return events[:at] + copies + events[at:], f"replay of command {i + 1} ({events[start]['type']}, events " \
        f"{start + 1}-{end}) {where}, recorded at {bc.format_time(moment)}"


def recorded_at_variant(event, rng):
    if rng.random() < 0.6:
        shift = rng.choice([1, -1, 60_000, -300_000, -300_001, 900_000, 900_001, -1000, 10**7])
        return bc.shift_time(event["signedAt"], shift), f"signedAt {shift:+d} ms"
    text = event["recordedAt"]
    return rng.choice([(text[:19] + "Z", "without milliseconds"), (text[:23] + "0Z", "four decimals"),
                       (text.replace("Z", "z"), "lower-case z"), (text[:23] + "+00:00", "offset +00:00"),
                       (text.replace("T", " "), "space for T"), (text[:4] + "-02-29" + text[10:], "February 29"),
                       (text[:11] + "24:00:00.000Z", "24:00"), (text[:17] + "60.000Z", "leap second"),
                       ("0000" + text[4:], "year 0"), ("+" + text, "plus sign")])


def struct_field(events, rng):
    """One envelope member of one event changed; the hashes from it on recomputed."""
    index = late(rng, len(events))
    event = dict(events[index])
    member = rng.choice(["seq", "prev", "streamVersion", "recordedAt", "causation"])
    if member == "seq":
        event["seq"] = what = rng.choice([event["seq"] + 1, event["seq"] - 1, 0, -1, 2**53 - 1, 2**53, 2**63])
    elif member == "streamVersion":
        event["streamVersion"] = what = rng.choice([event["streamVersion"] + 1, event["streamVersion"] - 1, 0, 2**53])
    elif member == "prev":
        what = rng.choice(["zeros", "hash of event 1", "upper-case"])
        event["prev"] = {"zeros": bc.ZERO, "hash of event 1": events[0]["hash"]}.get(what, event["prev"].upper())
    elif member == "recordedAt":
        event["recordedAt"], what = recorded_at_variant(event, rng)
    else:
        other = rng.choice(events)["command"]
        event["causation"] = what = rng.choice([other, "", event["command"] + "-x", "urn:uuid:" + other])
    events = events[:index] + [event] + events[index + 1:]
    return rehash(events, index, keep_prev=member == "prev"), f"event {index + 1}'s {member} set to {what!r}"


STRUCTURE_EDITS = {"event": struct_event, "command": struct_command, "replay": struct_replay, "field": struct_field}
RESEAL_LEVELS = (("resealed", 70), ("not re-chained", 10), ("not sealed", 10), ("manifest only", 10))


def reseal(insider, events, level, rechained):
    """The bundle with these events, sealed to the given level."""
    files = dict(insider.files, **{"events.jsonl": bc.events_bytes(rechained if level != "not re-chained" else events)})
    if level == "not sealed":
        return files
    sealed = insider.seal(files)
    if level == "manifest only":
        sealed["checkpoint.txt"] = insider.files["checkpoint.txt"]
    return sealed


def mutate_structure(insider, rng):
    op, edit = rng.choice(list(STRUCTURE_EDITS.items()))
    events, what = edit(insider.events, rng)
    rechained = events if op == "field" else rechain(events)
    level = rng.choices([name for name, _ in RESEAL_LEVELS], [weight for _, weight in RESEAL_LEVELS])[0]
    receipt = rng.choice([None, insider.receipt, insider.receipt, "reissued"])
    if receipt == "reissued":
        has_command = any(e["command"] == insider.receipt_command for e in rechained)
        receipt = insider.issue_receipt(rechained) if has_command else insider.receipt
        what += "; receipt re-issued for these events" if has_command else ""
    return base_mutant(insider, op, f"{what}; {level}", files=reseal(insider, events, level, rechained), receipt=receipt)


# ---- rules: the cycle's events edited and signed again by their actors -----------------------------------

class Keyholder(Sealer):
    """A tiny ledger built afresh with the real CLI as tools/bundle_corpus.py `make` builds it, exported without
    evidence files, with every actor's private key and the log key (in memory only, for the run): the insider
    who signs any command as its actor. `policy` is the CLI's trust policy of the ledger."""

    def __init__(self, ledger, policy):
        super().__init__(ledger, ledger.log_key)
        self.files, self.policy = ledger.files, policy
        self.templates = {command.actor: command for command in ledger.commands}  # a command of each actor
        self.secretariat = self.events[0]["actor"]
        self.cycle = next(e["payload"] for e in self.events if e["type"] == "CycleOpened")
        frameworks = {e["payload"]["id"]: e["payload"]["framework"] for e in self.events if e["type"] == "FrameworkRegistered"}
        self.criteria = {unit["id"]: dict(flatten(frameworks[self.cycle["frameworks"][unit["kind"]]]["criteria"]))
                         for unit in self.cycle["units"]}
        self.first_evidence = next(e["payload"]["sha256"] for e in self.events if e["type"] == "EvidenceAdded")
        self.public_keys = [e["payload"]["publicKey"] for e in self.events if e["type"] == "ActorEnrolled"]
        made = {kind for _, kinds in SCENARIOS.values() for kind in kinds}
        in_cycle = {e["type"] for e in self.events if e["stream"].startswith("cycle/")} | made
        self.types = sorted({e["type"] for e in self.events} | made)
        self.type_weights = [CYCLE_WEIGHT if kind in in_cycle else 1 for kind in self.types]

    @classmethod
    def build(cls, parledger):
        """Build the tiny ledger with the CLI `parledger` in a temporary directory, removed with its key files."""
        with tempfile.TemporaryDirectory(prefix="parledger-differential-ledger-") as work:
            cli = bc.CLI(parledger, work)
            documents = os.path.join(work, "documents")
            os.makedirs(documents)
            bc.build_ledger(cli, documents)
            bundle = os.path.join(work, "bundle")
            bc.export(cli, bundle, False)
            return cls(bc.load_ledger(cli, bundle), cli.run("trust-policy").encode())

    @property
    def units(self):
        return [unit["id"] for unit in self.cycle["units"]]

    def leaves(self, unit, method=None):
        return [code for code, c in self.criteria[unit].items() if "children" not in c and method in (None, c["method"])]

    def bundle(self, events):
        """The exported bundle holding these events, sealed with the log key. In actors.json, each actor's
        `lastChangedAt` is the seq of the last event of its stream (moved with the events inserted or dropped
        before it); the other files are as exported."""
        last = {event["stream"]: event["seq"] for event in events}
        actors = json.loads(self.files["actors.json"])
        for actor in actors:
            actor["lastChangedAt"] = last.get(f"actor/{actor['id']}", actor["lastChangedAt"])
        return self.seal(dict(self.files, **{"events.jsonl": bc.events_bytes(events), "actors.json": bc.canonical(actors)}))

    def policy_for(self, events):
        """The CLI's policy, or the same one naming the genesis these events have when it changed."""
        if events and events[0]["hash"] != self.events[0]["hash"]:
            return self.ledger.policy(events[0]["hash"], self.key)
        return self.policy


def flatten(criteria):
    """(code, criterion) of every criterion of a framework, depth first."""
    for criterion in criteria:
        yield criterion["code"], criterion
        yield from flatten(criterion.get("children", []))


def fresh_id(rng):
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def renewed(command, rng, previous):
    """`command` made a new command: a fresh id (its correlation and causation too), signed and recorded at the
    moment the command before it (`previous`) was recorded; it is signed when the history is built."""
    command.id = command.correlation = fresh_id(rng)
    command.signed_at = previous.events[-1]["recordedAt"]
    for draft in command.events:
        draft.update(causation=command.id, recordedAt=command.signed_at)
    return command


def new_command(holder, rng, actor, previous, drafts):
    """A new command of `actor` holding these (type, stream, payload) events, after `previous`."""
    command = holder.templates[actor].copy()
    command.events = [{"payload": payload, "schemaVersion": 1, "stream": stream, "type": kind}
                      for kind, stream, payload in drafts]
    return renewed(command, rng, previous)


def command_index(commands, kind, unit=None):
    return next(i for i, c in enumerate(commands) if kind in c.types and unit in (None, c.events[0]["payload"].get("unit")))


def scenario_explanation(holder, commands, rng):
    """The chair asks a unit for an explanation once appraisal opens; the unit's officer answers."""
    at = command_index(commands, "SpotCheckSeedCommitted") + 1
    unit, cycle = rng.choice(holder.units), holder.cycle["cycle"]
    criterion, request = rng.choice(holder.leaves(unit, "assessed")), f"giai-trinh-{rng.randrange(100)}"
    stream = f"cycle/{cycle}/unit/{unit}"
    asked = new_command(holder, rng, bc.CHAIR, commands[at - 1], [("ExplanationRequested", stream, {
        "criterion": criterion, "cycle": cycle, "question": "Đề nghị giải trình tài liệu kiểm chứng", "request": request,
        "unit": unit})])
    answered = new_command(holder, rng, f"cb-{unit}", asked, [("ExplanationGiven", stream, {
        "answer": "Đơn vị giải trình và bổ sung tài liệu", "cycle": cycle,
        "evidence": rng.choice([[], [holder.first_evidence]]), "request": request, "unit": unit})])
    commands[at:at] = [asked, answered]
    return at, f"{unit} asked to explain {criterion} and answering"


def scenario_withdrawal(holder, commands, rng):
    """A unit takes its submission back and submits again."""
    unit, cycle = rng.choice(holder.units), holder.cycle["cycle"]
    at, stream = command_index(commands, "SelfAssessmentSubmitted", unit) + 1, f"cycle/{cycle}/unit/{unit}"
    withdrawn = new_command(holder, rng, f"cb-{unit}", commands[at - 1], [("SelfAssessmentWithdrawn", stream, {
        "cycle": cycle, "reason": "Bổ sung tài liệu kiểm chứng", "unit": unit})])
    again = new_command(holder, rng, f"cb-{unit}", withdrawn, [("SelfAssessmentSubmitted", stream,
                                                                {"cycle": cycle, "unit": unit})])
    commands[at:at] = [withdrawn, again]
    return at, f"{unit} withdrawing and submitting again"


def scenario_objection(holder, commands, rng):
    """After publication a unit objects; the secretariat answers and corrects, naming the objection."""
    at = command_index(commands, "ResultsPublished") + 1
    unit, cycle = rng.choice(holder.units), holder.cycle["cycle"]
    criterion, objection = rng.choice(holder.leaves(unit)), f"kn-{rng.randrange(100)}"
    stream = f"cycle/{cycle}/unit/{unit}"
    filed = new_command(holder, rng, f"cb-{unit}", commands[at - 1], [("ObjectionFiled", stream, {
        "criterion": criterion, "cycle": cycle, "objection": objection, "reason": "Đề nghị xem xét lại điểm", "unit": unit})])
    answered = new_command(holder, rng, holder.secretariat, filed, [("ObjectionAnswered", stream, {
        "answer": "Chấp nhận kiến nghị", "cycle": cycle, "decision": "accepted", "objection": objection, "unit": unit})])
    corrected = new_command(holder, rng, holder.secretariat, answered, [("CorrectionRecorded", stream, {
        "criterion": criterion, "cycle": cycle, "decision": "901/QĐ-UBND", "objection": objection,
        "points": holder.criteria[unit][criterion]["maxPoints"], "reason": "Chấp nhận kiến nghị", "unit": unit})])
    commands[at:at] = [filed, answered, corrected]
    return at, f"{unit} objecting to {criterion}, answered and corrected"


# scenario: (how it is inserted, the event types only it makes), for the types the tiny ledger lacks
SCENARIOS = {"explanation": (scenario_explanation, ("ExplanationRequested", "ExplanationGiven")),
             "withdrawal": (scenario_withdrawal, ("SelfAssessmentWithdrawn",)),
             "objection": (scenario_objection, ("ObjectionFiled", "ObjectionAnswered"))}
CYCLE_WEIGHT = 3          # an event type of the cycle is picked this many times as often as an actor's or framework's
OTHER_SCENARIO = 0.2      # how often a scenario is inserted besides the one that holds the picked type


def rules_history(holder, rng):
    """The genuine commands (copies) with the scenario that makes the picked event type inserted, and sometimes
    another; the picked type; the index of the first command inserted (the count when none); what was inserted."""
    kind = rng.choices(holder.types, holder.type_weights)[0]
    names = {name for name, (_, made) in SCENARIOS.items() if kind in made}
    if rng.random() < OTHER_SCENARIO:
        names.add(rng.choice(sorted(SCENARIOS)))
    commands, start, inserted = holder.ledger.commands_copy(), None, []
    for name in sorted(names):
        at, what = SCENARIOS[name][0](holder, commands, rng)
        start = at if start is None else min(start, at)
        inserted.append(what)
    return commands, kind, len(commands) if start is None else start, inserted


# ---- rules: one thing of one event's payload ---

def members(value, path=()):
    """(path, value) of every member and element within a JSON value, depth first."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        yield path + (key,), item
        yield from members(item, path + (key,))


def name_of(path):
    """The member name a value is found under: its own, or its array's."""
    return next((key for key in reversed(path) if isinstance(key, str)), "")


def value_at(value, path):
    for key in path:
        value = value[key]
    return value


POINT_MEMBERS = {"points", "maxPoints", "minimumPercent", "provincialCommendationPercent", "fieldMinimumPercent",
                 "anyCommendationPercent", "spotCheckPercent", "assessed", "survey"}
ID_MEMBERS = {"cycle", "unit", "actor", "request", "objection", "previousCycle", "scope", "drawn", "added", "id"}
TIME_MEMBERS = {"selfAssessmentDeadline", "until", "date", "from"}
ENUMS = {"kind": ("department", "district", "Department", "ward", ""),
         "unitKind": ("department", "district", "Department", "ward"),
         "decision": ("recognise", "not-recognise", "raise", "lower", "accepted", "rejected", "Recognise", "recognise ",
                      "642/QĐ-UBND"),
         "role": ("secretariat", "unit-officer", "council-member", "steering-committee", "survey-contractor", "auditor",
                  "Secretariat", "admin", ""),
         "method": ("assessed", "survey", "Assessed", "manual"), "appraisal": ("adjust", "lower-only", "raise-only"),
         "algorithm": ("sha256(seed||unit)-ascending/v1", "sha256(seed||unit)-ascending/v2", "SHA256(seed||unit)-ascending/v1"),
         "format": ("parledger-framework/1", "parledger-framework/2")}
POINT_FORMS = ("0", "00", "1.50", "1.5", "1,5", "-1", "+1", "1e1", "999999", "1000000", "0.001", " 1", "1.", ".5", "0.5",
               "1.05", "0.0", "-0")
CRITERION_FORMS = ("1", "1.0", "01.1", "1.1.1.1.1.1.1", "1.1.1.1.1.1", "9.9", "1000", "1..1", "1.1 ", "")
TEXT_FORMS = ("", " ", "\u3000", "\u200b", "\u00a0x", "x\u200b", "x" * 200, "x" * 201, "x" * 100_000, "\u03a3\u03bf",
              "\u0405\u1edf T\u00e0i ch\u00ednh", "\U0001e030", "a  b", unicodedata.normalize("NFD", "Nguyễn Văn An"))
DATE_FORMS = ("2025-02-29", "2024-02-29", "0000-01-01", "0001-01-01", "9999-12-31", "2025-1-01", "2025-13-01")
TIME_FORMS = ("2025-02-29T00:00:00.000Z", "2024-02-29T12:00:00Z", "0000-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z",
              "9999-12-31T23:59:59.999Z")
EXTRA_NAMES = ("x", "note", "Unit", "points ", "unit2", "")
EXTRA_VALUES = (1, "x", None, True, [], {})


def leaf_max(holder, payload, path):
    """The maximum of the leaf a points member is about: its row's `criterion` in the framework of the payload's
    unit, else the row's own `maxPoints` (a framework's criterion), else "100"."""
    row, unit = value_at(payload, path[:-1]), payload.get("unit")
    row = row if isinstance(row, dict) else {}
    criteria = holder.criteria.get(unit, {}) if isinstance(unit, str) else {}
    criterion = row.get("criterion")
    top = criteria[criterion]["maxPoints"] if isinstance(criterion, str) and criterion in criteria else row.get("maxPoints")
    return top if isinstance(top, str) else "100"


def points_forms(holder, payload, path, value):
    top = leaf_max(holder, payload, path)
    above = str(decimal.Decimal(top) + decimal.Decimal("0.01"))
    return POINT_FORMS + (top, above, value + ("0" if "." in value else ".0"), "0" + value)


def criterion_forms(holder, payload, path, value):
    unit = payload.get("unit")
    criteria = holder.criteria.get(unit) if isinstance(unit, str) else None
    criteria = criteria or holder.criteria[holder.units[0]]
    parents = [code for code, c in criteria.items() if "children" in c]
    leaves = [code for code, c in criteria.items() if "children" not in c]
    survey = [code for code in leaves if criteria[code]["method"] == "survey"]
    return CRITERION_FORMS + tuple(parents + leaves + survey)


def id_forms(holder, payload, path, value):
    return ("no-such-id", value.upper(), value + " ", " " + value, value.replace("-", " "), value + "-x", "", "a" * 65,
            holder.cycle["cycle"], *holder.units, *sorted(holder.templates))


def date_forms(value):
    day = datetime.date.fromisoformat(value)
    shifted = tuple(str(day + datetime.timedelta(days=days)) for days in (-61, -31, -30, -1, 1, 30, 31, 60, 61, 365))
    return DATE_FORMS + shifted + (value + "T00:00:00Z", value.replace("-", "/"), value + " ")


def time_forms(value):
    whole, date = value[:19], value[:10]
    shifted = tuple(bc.shift_time(value, ms) for ms in (-1, 1, -3 * 86_400_000, -30 * 86_400_000, 365 * 86_400_000))
    return TIME_FORMS + shifted + (whole + "Z", whole + ".000Z", value[:23] + "0Z", whole + "+07:00", whole + ".000+00:00",
                                   date + "T23:59:60Z", date + "T24:00:00.000Z", date, value.replace("T", " "), value.lower())


def moment_forms(holder, payload, path, value):
    if re.fullmatch(r"\d{4}-\d\d-\d\d", value):
        return date_forms(value)
    if re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", value):
        return time_forms(value)
    return DATE_FORMS + TIME_FORMS


def hex_forms(holder, payload, path, value):
    if name_of(path) == "publicKey":
        raw = base64.b64decode(value)
        return (*holder.public_keys, bc.b64(raw[:31]), bc.b64(raw + b"\0"), *(base64_variant(raw, kind) for kind in BASE64_KINDS))
    return (value.upper(), value[:-1], value + "0", bc.ZERO, bc.sha(b"another document"), holder.first_evidence,
            holder.events[0]["hash"])


def integer_forms(holder, payload, path, value):
    return (0, -1, 1, value - 1, value + 1, 2**31, 2**53 - 1, 2**53)


def enum_forms(holder, payload, path, value):
    return (not value,) if isinstance(value, bool) else ENUMS[name_of(path)]


def text_forms(holder, payload, path, value):
    return TEXT_FORMS + (unicodedata.normalize("NFD", value), " " + value, value + " ", value.replace(" ", "  ", 1),
                         value.upper(), value.lower(), value + "\u0301")


def array_forms(holder, payload, path, value):
    """Emptied, an element repeated, reversed, one dropped; for an empty array one element; for units, a unit
    with the name of another, or another's id."""
    if not value:
        return [["x"], [holder.first_evidence], [{"name": "x.txt", "sha256": holder.first_evidence}]]
    forms = [[], value + value[:1], value[::-1], value[1:], value[:-1]]
    if name_of(path) in ("drawn", "added"):
        forms += [value + [unit] for unit in holder.units if unit not in value]
    if name_of(path) == "units":
        forms += [value + [dict(value[0], id="so-moi")], value + [dict(value[0], name=value[0]["name"].upper())]]
    return forms


def extra_forms(holder, payload, path, value):
    return [dict(value, **{name: extra}) for name in EXTRA_NAMES for extra in EXTRA_VALUES if name not in value]


def type_forms(holder, payload, path, value):
    """The value as each other JSON type."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    forms = (text, int(value) if isinstance(value, str) and value.isdigit() else 1, True, [value], {"value": value})
    return [form for form in forms if type(form) is not type(value)]


def is_hex_member(path, value):
    return isinstance(value, str) and (name_of(path) == "publicKey" or is_hash(value))


PAYLOAD_EDITS = {  # name: (weight, the values it edits (path, value), their other forms)
    "points": (8, lambda p, v: isinstance(v, str) and name_of(p) in POINT_MEMBERS, points_forms),
    "criterion": (4, lambda p, v: isinstance(v, str) and (name_of(p) in ("criterion", "code") or "fields" in p), criterion_forms),
    "id": (2, lambda p, v: isinstance(v, str) and name_of(p) in ID_MEMBERS and not is_hash(v), id_forms),
    "time": (6, lambda p, v: isinstance(v, str) and name_of(p) in TIME_MEMBERS, moment_forms),
    "integer": (2, lambda p, v: isinstance(v, int) and not isinstance(v, bool), integer_forms),
    "hex": (1, is_hex_member, hex_forms),
    "enum": (2, lambda p, v: isinstance(v, bool) or (isinstance(v, str) and name_of(p) in ENUMS), enum_forms),
    "text": (2, lambda p, v: isinstance(v, str), text_forms),
    "array": (2, lambda p, v: isinstance(v, list), array_forms),
    "extra-member": (1, lambda p, v: isinstance(v, dict), extra_forms),
    "json-type": (2, lambda p, v: True, type_forms),
    "null": (1, lambda p, v: isinstance(p[-1], str), lambda *_: (None,)),
}
DELETE_WEIGHT = 2


def same(one, other):
    """Equal as JSON (True is not 1)."""
    return json.dumps(one, sort_keys=True) == json.dumps(other, sort_keys=True)


def shown(value, limit=60):
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def edit_payload(holder, commands, ci, ei, rng):
    """One member or element of the event's payload deleted, or given another value or type. Each edit of a
    rules mutant gives its name, what it did and the first command to sign again."""
    draft = commands[ci].events[ei]
    found = list(members(draft["payload"]))
    candidates = {name: [(path, value) for path, value in found if applies(path, value)]
                  for name, (_, applies, _) in PAYLOAD_EDITS.items()}
    candidates["extra-member"].append(((), draft["payload"]))
    candidates["delete"] = [(path, value) for path, value in found if isinstance(path[-1], str)]
    names = [name for name in candidates if candidates[name]]
    name = rng.choices(names, [PAYLOAD_EDITS[n][0] if n in PAYLOAD_EDITS else DELETE_WEIGHT for n in names])[0]
    path, value = rng.choice(candidates[name])
    where = ".".join(str(key) for key in path) or "the payload"
    if name == "delete":
        del value_at(draft["payload"], path[:-1])[path[-1]]
        return name, f"{where} deleted", ci
    forms = [form for form in PAYLOAD_EDITS[name][2](holder, draft["payload"], path, value) if not same(form, value)]
    new = copy.deepcopy(rng.choice(forms))
    if path:
        value_at(draft["payload"], path[:-1])[path[-1]] = new
    else:
        draft["payload"] = new
    return name, f"{where} {shown(value, 30)} set to {shown(new)}", ci


# ---- rules: the event's type or stream, the whole command ---

EVENT_TYPES = ("ActorEnrolled", "RoleGranted", "RoleRevoked", "KeyRotated", "KeyRevoked", "ActorSuspended",
               "FrameworkRegistered", "EvidenceAdded", "CycleOpened", "CouncilMemberAssigned", "SpotCheckSeedCommitted",
               "DeadlineExtended", "SelfScoreRecorded", "NotApplicableMarked", "SelfAssessmentSubmitted",
               "SelfAssessmentWithdrawn", "ExplanationRequested", "ExplanationGiven", "AppraisalScoreRecorded",
               "NotApplicableRejected", "AppraisalConcluded", "AppraisalReopened", "AppraisalClosed", "SpotCheckDrawn",
               "SpotCheckScoreRecorded", "SpotCheckConcluded", "SurveyScoresImported", "UnitExcludedFromRanking",
               "ResultsPublished", "CorrectionRecorded", "ObjectionFiled", "ObjectionAnswered")


def edit_event_type(holder, commands, ci, ei, rng):
    draft = commands[ci].events[ei]
    old = draft["type"]
    draft["type"] = rng.choice(EVENT_TYPES + (old[0].lower() + old[1:], old + "V2", old + " ", ""))
    return "event-type", f"type {old} changed to {draft['type']!r}", ci


def edit_stream(holder, commands, ci, ei, rng):
    draft = commands[ci].events[ei]
    old, cycle = draft["stream"], holder.cycle["cycle"]
    draft["stream"] = rng.choice([stream for stream in (
        f"cycle/{cycle}", f"cycle/{cycle}/unit/{rng.choice(holder.units)}", old + "/", old.upper(), f"actor/{commands[ci].actor}",
        f"evidence/{holder.first_evidence}", "", old.replace("cycle/", "cycles/"), old + "/x") if stream != old])
    return "stream", f"stream {old} changed to {draft['stream']!r}", ci


def edit_unit(holder, commands, ci, ei, rng):
    """The event moved to another unit of the cycle: its payload's `unit` and its stream (for an event about no
    unit, its stream changed)."""
    draft = commands[ci].events[ei]
    unit = draft["payload"].get("unit")
    if not isinstance(unit, str) or not draft["stream"].endswith(f"/unit/{unit}"):
        return edit_stream(holder, commands, ci, ei, rng)
    other = rng.choice([u for u in holder.units if u != unit])
    draft["payload"]["unit"], draft["stream"] = other, draft["stream"][:-len(unit)] + other
    return "other-unit", f"moved from unit {unit} to {other} (payload and stream)", ci


def edit_copy(holder, commands, ci, ei, rng):
    """A copy of the command with a fresh id inserted later, signed and recorded when the command before it was."""
    at = rng.randrange(ci + 1, len(commands) + 1)
    commands.insert(at, renewed(commands[ci].copy(), rng, commands[at - 1]))
    return "copy", f"command {ci + 1} copied with a fresh id after command {at}", at


def edit_drop(holder, commands, ci, ei, rng):
    del commands[ci]
    return "drop", f"command {ci + 1} dropped", ci


def edit_nothing(holder, commands, ci, ei, rng):
    return "unchanged", "nothing changed", ci


RULE_EDITS = {"payload": (80, edit_payload), "event-type": (3, edit_event_type), "stream": (3, edit_stream),
              "other-unit": (3, edit_unit), "copy": (4, edit_copy), "drop": (4, edit_drop), "unchanged": (3, edit_nothing)}
# A new closing hash changes the seed of the spot-check draws: they are drawn again (bundle_corpus.serialize's
# redraw), which reads the payloads of these types, unless an edit that can break what it reads touched one.
REDRAWN_FROM = {"CycleOpened", "AppraisalClosed", "SpotCheckDrawn", "SpotCheckScoreRecorded", "SpotCheckConcluded"}
EDITS_OF_WHAT_DRAWS_READ = {"payload", "event-type", "drop"}


def signed_history(holder, commands, start, touched):
    """The events of these commands, the ones from `start` on signed again by their actors; the spot-check draws
    drawn again (and their scores following the drawn units) when the closing hash changed and no type the draw
    reads was `touched`. Whether they were."""
    closing = next((i for i, c in enumerate(commands) if "AppraisalClosed" in c.types), -1)
    redraw = start <= closing and not touched & REDRAWN_FROM
    return holder.ledger.build(commands, resign_from=0 if redraw else start, redraw=redraw), redraw


def mutate_rules(insider, rng):
    """One event of the cycle (or of the actors, a framework, the evidence) edited by the insider who holds every
    actor's key: its command and all later ones signed again, the bundle sealed with the log key."""
    holder = insider.keyholder
    commands, kind, inserted_at, inserted = rules_history(holder, rng)
    ci, ei = rng.choice([(ci, ei) for ci, c in enumerate(commands) for ei, t in enumerate(c.types) if t == kind])
    command, seq = commands[ci], 1 + sum(len(c.events) for c in commands[:ci]) + ei
    before = set(command.types)
    name = rng.choices(list(RULE_EDITS), [weight for weight, _ in RULE_EDITS.values()])[0]
    op, what, start = RULE_EDITS[name][1](holder, commands, ci, ei, rng)
    touched = before | set(command.types) if name in EDITS_OF_WHAT_DRAWS_READ else set()
    events, redrawn = signed_history(holder, commands, min(start, inserted_at), touched)
    description = f"{kind} (event {seq}): {what}" + "".join(f"; with {text}" for text in inserted) + \
        ("; spot-checks drawn again" if redrawn else "")
    return Mutant(f"{op}:{kind}", description, holder.bundle(events), holder.policy_for(events))


# ---- controls ------------------------------------------------------------------------------------------

def mutate_genuine(insider, rng):
    kind = rng.choice(["plain", "with-receipt", "untrusted", "cosigned", "other-receipt"])
    if kind == "untrusted":
        return base_mutant(insider, kind, "the re-sealed genuine bundle without --trust", policy=None)
    if kind == "cosigned":
        return base_mutant(insider, kind, "the genuine bundle and receipt cosigned by the three witnesses, quorum 3",
                           files=insider.cosigned_files, policy=insider.witness_policy(3), receipt=insider.cosigned_receipt)
    if kind == "other-receipt":
        command = rng.choice(sorted({e["command"] for e in insider.events}))
        return base_mutant(insider, kind, f"the genuine bundle with a receipt for command {command}",
                           receipt=insider.issue_receipt(insider.events, command))
    receipt = insider.receipt if kind == "with-receipt" else None
    return base_mutant(insider, kind, f"the re-sealed genuine bundle ({kind})", receipt=receipt)


FAMILIES = {"genuine": (2, mutate_genuine), "bytes": (14, mutate_bytes), "note": (16, mutate_note),
            "witness": (8, mutate_witness), "policy": (12, mutate_policy), "receipt": (10, mutate_receipt),
            "depth": (5, mutate_depth), "text": (9, mutate_text), "files": (8, mutate_files),
            "structure": (16, mutate_structure), "rules": (25, mutate_rules)}
UNTRUSTED_SHARE = 0.04  # mutants of the other families judged without --trust (and so without --receipt)


def generate(insider, seed, index, families=tuple(FAMILIES)):
    """Mutant `index` of the seed among these families: the same seed, index and families always give the same
    mutant (for `rules`, given the same tiny ledger)."""
    rng = random.Random(f"{seed}/{index}")
    family = rng.choices(families, [FAMILIES[family][0] for family in families])[0]
    mutant = FAMILIES[family][1](insider, rng)
    mutant.family = family
    if family not in ("policy", "receipt", "genuine") and mutant.policy is not None and rng.random() < UNTRUSTED_SHARE:
        mutant.policy, mutant.description = None, mutant.description + "; judged without --trust"
    if mutant.policy is None:
        mutant.receipt = None  # a receipt is checked against a trusted key only
    return mutant


# ---- mutant directories --------------------------------------------------------------------------------

class Workspace:
    """Mutant directories under one directory: files the mutant shares with the re-sealed base bundle are hard
    links to it, the others are written."""

    def __init__(self, insider, root):
        self.insider, self.root = insider, root
        self.base = os.path.join(root, "base")
        bc.save_tree(insider.files, os.path.join(self.base, "bundle"))
        for name, data in (("trust-policy.txt", insider.policy), ("receipt.json", insider.receipt)):
            with open(os.path.join(self.base, name), "wb") as handle:
                handle.write(data)

    def make(self, index, mutant):
        """The mutant's directory and its job: {"bundle", "trust", "receipt"} (paths or None)."""
        directory = os.path.join(self.root, f"m{index}")
        bundle = os.path.join(directory, "bundle")
        os.makedirs(bundle)
        for path, data in mutant.files.items():
            self.place(os.path.join(bundle, *path.split("/")), data, self.insider.files.get(path), "bundle/" + path)
        for kind, path, data in mutant.extras:
            target = os.path.join(os.fsencode(bundle), path)
            os.makedirs(target if kind == "dir" else os.path.dirname(target), exist_ok=True)
            if kind == "file":
                with open(target, "wb") as handle:
                    handle.write(data)
        job = {"bundle": bundle, "trust": None, "receipt": None}
        for key, name, data, base in (("trust", "trust-policy.txt", mutant.policy, self.insider.policy),
                                      ("receipt", "receipt.json", mutant.receipt, self.insider.receipt)):
            if data is not None:
                job[key] = os.path.join(directory, name)
                self.place(job[key], data, base, name)
        return directory, job

    def place(self, target, data, base, base_path):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if data is base:
            os.link(os.path.join(self.base, *base_path.split("/")), target)
            return
        with open(target, "wb") as handle:
            handle.write(data)


# ---- the two verifiers -----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class Verdict:
    exit: int = None   # None: the verifier crashed or ran out of time
    line: str = ""

    @property
    def code(self):
        match = re.match(r"FAILED \[([^\]]*)\]", self.line)
        return match.group(1) if match else None

    @property
    def broken(self):
        return self.exit is None

    def shown(self):
        if self.broken:
            return ":".join(self.line.split(":")[:2])
        return f"{self.exit}" + (f" [{self.code}]" if self.code else "")

    def agrees(self, other):
        return not self.broken and not other.broken and (self.exit, self.code) == (other.exit, other.code)


class TimeUp(Exception):
    pass


def _time_up(signum, frame):
    raise TimeUp()


def arguments_of(job):
    arguments = [job["bundle"], "--quiet"]
    for key in ("trust", "receipt"):
        if job[key] is not None:
            arguments += ["--" + key, job[key]]
    return arguments


def python_verdict(job, time_limit=TIME_LIMIT):
    """tools/verify_bundle.py's verdict: its package's main() (parverify.cli) called in this process, stdout captured."""
    output = io.StringIO()
    previous = signal.signal(signal.SIGALRM, _time_up)
    signal.alarm(time_limit)
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(io.StringIO()):
            status = python_verifier.main(arguments_of(job))
    except TimeUp:
        return Verdict(None, f"time-out: more than {time_limit} s")
    except Exception as error:  # noqa: BLE001  (any exception is a crash of the verifier)
        frame = traceback.extract_tb(error.__traceback__)[-1]
        return Verdict(None, f"crash: {type(error).__name__}: {error} (at {os.path.basename(frame.filename)}:{frame.lineno})")
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    lines = output.getvalue().strip().splitlines()
    try:  # as `python3 tools/verify_bundle.py` would print it here
        output.getvalue().encode(sys.__stdout__.encoding, sys.__stdout__.errors)
    except UnicodeEncodeError:
        return Verdict(None, f"crash: UnicodeEncodeError: its verdict cannot be printed: {ascii(lines[-1])[:200]}")
    return Verdict(status, lines[-1] if lines else "")


class SwiftProcess:
    """One `bundle-verdicts` process, restarted after a crash or a time-out."""

    def __init__(self, binary, time_limit):
        self.binary, self.time_limit = binary, time_limit
        self.process, self.buffer, self.stderr = None, b"", None

    def judge(self, job):
        if self.process is None:
            self.start()
        try:
            self.process.stdin.write((json.dumps(job) + "\n").encode())
        except OSError:
            return self.crashed()
        line = self.read_line()
        if line is None:
            return self.crashed()
        if line is TimeUp:
            self.stop()
            return Verdict(None, f"time-out: more than {self.time_limit} s")
        answer = json.loads(line)
        if answer["exit"] == 70:
            return Verdict(None, f"crash: {answer['verdict']}")
        return Verdict(answer["exit"], answer["verdict"])

    def start(self):
        self.stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen([self.binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr,
                                        cwd=ROOT, bufsize=0)
        self.buffer = b""

    def read_line(self):
        """The next line of output, None at its end, TimeUp when none comes in time."""
        deadline = time.monotonic() + self.time_limit
        descriptor = self.process.stdout.fileno()
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([descriptor], [], [], left)[0]:
                return TimeUp
            chunk = os.read(descriptor, 65536)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line

    def crashed(self):
        try:
            status = self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            status = "hung"
        self.stderr.seek(0)
        tail = self.stderr.read().decode("utf-8", "replace").strip().splitlines()[-3:]
        self.stop()
        return Verdict(None, f"crash: bundle-verdicts exited {status}: {' / '.join(tail)[:300]}")

    def stop(self):
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process.stdin.close()
            self.process.stdout.close()
            self.stderr.close()
            self.process = None


class SwiftVerdicts:
    """The Swift verifier as long-running `bundle-verdicts` processes, each fed by its own thread from one
    queue of jobs, one job at a time; verdicts come out of `done` as (key, Verdict)."""

    def __init__(self, binary, processes=SWIFT_PROCESSES, time_limit=TIME_LIMIT):
        self.jobs, self.done = queue.Queue(), queue.Queue()
        self.workers = [SwiftProcess(binary, time_limit) for _ in range(processes)]
        self.threads = [threading.Thread(target=self.serve, args=(worker,), daemon=True) for worker in self.workers]
        for thread in self.threads:
            thread.start()

    def submit(self, key, job):
        self.jobs.put((key, job))

    def serve(self, worker):
        while (item := self.jobs.get()) is not None:
            key, job = item
            self.done.put((key, worker.judge(job)))

    def close(self):
        for _ in self.threads:
            self.jobs.put(None)
        for thread in self.threads:
            thread.join()
        for worker in self.workers:
            worker.stop()


def ensure_built(binary, default=DEFAULT_VERDICTS, product="bundle-verdicts"):
    if os.path.exists(binary):
        return binary
    if binary != default:
        raise SystemExit(f"{binary}: no such file")
    print(f"building {product} (swift build --product {product})…", file=sys.stderr, flush=True)
    subprocess.run(["swift", "build", "--product", product], cwd=ROOT, check=True)
    return binary


# ---- results ---------------------------------------------------------------------------------------------

def printable(text, limit=220):
    text = "".join(c if c.isprintable() else ascii(c)[1:-1] for c in text)
    return text if len(text) <= limit else text[:limit] + "…"


class Tally:
    """Counts per family, and the classes of disagreement: (family, mutation, Swift's and Python's verdicts)."""
    COLUMNS = ("mutants", "accepted", "refused", "disagree", "crash")

    def __init__(self, families=tuple(FAMILIES)):
        self.families = {family: dict.fromkeys(self.COLUMNS, 0) for family in families}
        self.classes = {}
        self.passed = self.failed = 0

    def add(self, index, mutant, swift, python, saved):
        row = self.families.setdefault(mutant.family, dict.fromkeys(self.COLUMNS, 0))
        row["mutants"] += 1
        if swift.agrees(python):
            row["accepted" if swift.exit in (0, 4) else "refused"] += 1
            self.passed += 1
            return True
        row["crash" if swift.broken or python.broken else "disagree"] += 1
        self.failed += 1
        key = (mutant.family, mutant.op, swift.shown(), python.shown())
        if key not in self.classes:
            self.classes[key] = {"count": 0, "index": index, "description": mutant.description, "swift": swift.line,
                                 "python": python.line, "saved": saved}
        self.classes[key]["count"] += 1
        return False

    def print_summary(self):
        print(f"{'family':<10}" + "".join(f"{column:>10}" for column in self.COLUMNS))
        for family, row in self.families.items():
            print(f"{family:<10}" + "".join(f"{row[column]:>10}" for column in self.COLUMNS))
        total = {column: sum(row[column] for row in self.families.values()) for column in self.COLUMNS}
        print(f"{'total':<10}" + "".join(f"{total[column]:>10}" for column in self.COLUMNS))
        if self.classes:
            print(f"\n{len(self.classes)} classes of disagreement or crash (family/mutation: Swift | Python):")
        for (family, op, swift, python), example in sorted(self.classes.items(), key=lambda item: -item[1]["count"]):
            print(f"{example['count']:5d} × {family}/{op}: Swift {swift} | Python {python}")
            print(f"        e.g. #{example['index']}: {printable(example['description'])}"
                  + (f"  [{example['saved']}]" if example["saved"] else ""))
            print(f"        Swift:  {printable(example['swift'])}")
            print(f"        Python: {printable(example['python'])}")


def save_case(save, seed, index, mutant, directory, job, swift, python):
    """The failing mutant as a self-contained case directory; its path."""
    target = os.path.join(save, f"{index:05d}-{mutant.family}")
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(directory, target, symlinks=True)
    case = {"family": mutant.family, "mutation": mutant.op, "description": mutant.description, "seed": seed,
            "index": index, "trust": job["trust"] and "trust-policy.txt", "receipt": job["receipt"] and "receipt.json",
            "swift": dataclasses.asdict(swift), "python": dataclasses.asdict(python),
            "reproduce": [" ".join(["python3 tools/verify_bundle.py"] + case_arguments(target, job)),
                          " ".join([".build/debug/parledger verify-bundle"] + case_arguments(target, job))]}
    with open(os.path.join(target, "case.json"), "w", encoding="utf-8") as handle:
        json.dump(case, handle, indent=2)
        handle.write("\n")
    return target


def case_arguments(target, job):
    arguments = [os.path.join(target, "bundle")]
    if job["trust"]:
        arguments += ["--trust", os.path.join(target, "trust-policy.txt")]
    if job["receipt"]:
        arguments += ["--receipt", os.path.join(target, "receipt.json")]
    return arguments


# ---- runs ------------------------------------------------------------------------------------------------

def fuzz(seed, count, binary, save, quiet, families=tuple(FAMILIES), parledger=DEFAULT_PARLEDGER):
    started = time.monotonic()
    insider = Insider(seed, Keyholder.build(parledger) if "rules" in families else None)
    if insider.keyholder and not quiet:
        print(f"the tiny ledger of the rules family built with {os.path.relpath(parledger, ROOT)} in "
              f"{time.monotonic() - started:.0f} s", flush=True)
    tally, pending = Tally(families), {}
    if save:
        os.makedirs(save, exist_ok=True)

    def settle(index, swift):
        mutant, directory, job, python = pending.pop(index)
        agreed = swift.agrees(python)
        saved = save_case(save, seed, index, mutant, directory, job, swift, python) if save and not agreed else None
        tally.add(index, mutant, swift, python, saved)
        shutil.rmtree(directory)

    with tempfile.TemporaryDirectory(prefix="parledger-differential-") as work:
        workspace, swift = Workspace(insider, work), SwiftVerdicts(binary)
        try:
            for index in range(count):
                mutant = generate(insider, seed, index, families)
                directory, job = workspace.make(index, mutant)
                swift.submit(index, job)
                pending[index] = (mutant, directory, job, python_verdict(job))
                while len(pending) > WINDOW or not swift.done.empty():
                    settle(*swift.done.get())
                if not quiet and (index + 1) % PROGRESS_EVERY == 0:
                    print(f"{index + 1}/{count} mutants made, {tally.passed + tally.failed} judged, {tally.failed} failed, "
                          f"{time.monotonic() - started:.0f} s", flush=True)
            while pending:
                settle(*swift.done.get())
        finally:
            swift.close()
    print(f"seed {seed}: {count} mutants in {time.monotonic() - started:.0f} s")
    tally.print_summary()
    print(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


def replay(directory, binary):
    """Judge the cases a run saved again, with both verifiers."""
    names = sorted(name for name in os.listdir(directory) if os.path.isfile(os.path.join(directory, name, "case.json")))
    swift, passed, failed = SwiftVerdicts(binary, processes=1), 0, 0
    try:
        for name in names:
            case_dir = os.path.join(directory, name)
            with open(os.path.join(case_dir, "case.json"), encoding="utf-8") as handle:
                case = json.load(handle)
            job = {"bundle": os.path.join(case_dir, "bundle"),
                   "trust": case["trust"] and os.path.join(case_dir, case["trust"]),
                   "receipt": case["receipt"] and os.path.join(case_dir, case["receipt"])}
            swift.submit(name, job)
            python = python_verdict(job)
            _, verdict = swift.done.get()
            agreed = verdict.agrees(python)
            passed, failed = passed + agreed, failed + (not agreed)
            print(f"{name}: {'agree' if agreed else 'DISAGREE'}: Swift {verdict.shown()} | Python {python.shown()}"
                  f" ({case['family']}/{case['mutation']})")
    finally:
        swift.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def family_list(text):
    """`--families a,b,c`: those families, in the order of FAMILIES."""
    names = set(text.split(","))
    unknown = sorted(names - set(FAMILIES))
    if unknown:
        raise argparse.ArgumentTypeError(f"no family {', '.join(unknown)} (families: {', '.join(FAMILIES)})")
    return tuple(family for family in FAMILIES if family in names)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Differential fuzzer of the Swift and Python bundle verifiers.")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--mutants", type=int, default=5000)
    parser.add_argument("--families", metavar="A,B,…", type=family_list, default=tuple(FAMILIES),
                        help=f"only these families (default: all of {','.join(FAMILIES)})")
    parser.add_argument("--save", metavar="DIR", help="keep each failing mutant as a case directory in DIR")
    parser.add_argument("--replay", metavar="DIR", help="judge the cases saved in DIR again")
    parser.add_argument("--bundle-verdicts", metavar="PATH", default=DEFAULT_VERDICTS)
    parser.add_argument("--parledger", metavar="PATH", default=DEFAULT_PARLEDGER,
                        help="the CLI that builds the tiny ledger of the rules family")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    arguments = parser.parse_args(argv)
    binary = ensure_built(arguments.bundle_verdicts)
    if arguments.replay:
        return replay(arguments.replay, binary)
    parledger = os.path.abspath(arguments.parledger)
    if "rules" in arguments.families:
        ensure_built(parledger, DEFAULT_PARLEDGER, "parledger")
    return fuzz(arguments.seed, arguments.mutants, binary, arguments.save, arguments.quiet, arguments.families, parledger)


if __name__ == "__main__":
    sys.exit(main())
