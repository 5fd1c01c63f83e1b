#!/usr/bin/env python3
"""Independent verifier of ParLedger certified bundles, format parledger-bundle/2 (FORMAT.md).

Usage: python3 tools/verify_bundle.py BUNDLE [--trust POLICY] [--receipt RECEIPT] [--quiet]

In the order of FORMAT.md, Verdicts, stopping at the first failure: the trust policy; the
directory (file types, paths, sizes; nothing is followed, nothing outside the bundle is opened);
the C2SP checkpoint, its signature by the trusted log key and the cosignatures (tlog-cosignature/v1)
of the policy's quorum of witnesses; the manifest bound to the checkpoint, with every file's size
and SHA-256; the events, streamed line by line (strict canonical JSON, the hash chain, stream
versions, clock order, genesis, every command's signature, basis and times, and every rule of the
cycle, roles and scopes replayed event by event); the Merkle root and the manifest's counts; the
frameworks, evidence, results (recomputed with exact integer arithmetic) and actors files; with
--receipt, a signer's receipt (its checkpoint signed by the log key and cosigned by the quorum).

Prints `ok  <check>` per stage, then `OK: the bundle verifies` (exit 0); or
`FAILED [<code>] <message>` (exit 1; 2 for an unreadable trust policy or receipt); without --trust
and otherwise fine, `UNTRUSTED: …` (exit 4). Needs Python 3.11 and `cryptography` (Ed25519).
"""

import base64
import datetime
import functools
import hashlib
import json
import os
import re
import stat
import sys
import unicodedata

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

KIB, MIB = 1024, 1024 * 1024
MAX_DEPTH = 64
MAX_INTEGER = 2**53 - 1
ZERO_HASH = "0" * 64

SLUG = re.compile(r"[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?")
CODE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){0,5}")
POINTS = re.compile(r"(0|[1-9][0-9]{0,5})(\.[0-9]?[1-9])?")
HEX64 = re.compile(r"[0-9a-f]{64}")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
DEADLINE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z")
NAME_PUNCTUATION = set(".,-()/&':; ")
# Unicode White_Space: what "blank" means (Swift's .whitespacesAndNewlines).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"

FILE_ROWS = [  # (pattern, size limit); directories only frameworks, results, evidence
    (re.compile(r"manifest\.json"), 64 * MIB),
    (re.compile(r"checkpoint\.txt"), 64 * KIB),
    (re.compile(r"verifier-key\.txt"), 4 * KIB),
    (re.compile(r"events\.jsonl"), None),
    (re.compile(r"frameworks/[0-9a-f]{64}\.json"), 16 * MIB),
    (re.compile(r"actors\.json"), 64 * MIB),
    (re.compile(r"evidence\.json"), 64 * MIB),
    (re.compile(r"evidence/[0-9a-f]{64}"), 64 * MIB),
    (re.compile(r"results/" + SLUG.pattern + r"\.json"), 16 * MIB),
]
DIRECTORIES = ("frameworks", "results", "evidence")
EVENT_LINE_LIMIT = MIB
RECEIPT_LIMIT = 64 * MIB
POLICY_LIMIT = 64 * KIB


class Failure(Exception):
    """The first failed check: a verdict code of FORMAT.md and a message naming where."""

    def __init__(self, code, message, exit_code=1):
        super().__init__(f"[{code}] {message}")
        self.code, self.message, self.exit_code = code, message, exit_code


# ---- strict JSON (FORMAT.md, Strict JSON) -----------------------------------------------------------

def utf16_key(text):
    return text.encode("utf-16-be", "surrogatepass")


def _object(pairs):
    keys = [key for key, _ in pairs]
    # ASCII names in increasing order (as canonical JSON has them) are distinct and already in
    # UTF-16 order: the dict keeps them as they are.
    if all(key.isascii() for key in keys) and all(a < b for a, b in zip(keys, keys[1:])):
        return dict(pairs)
    if len(set(keys)) != len(keys):
        raise ValueError("duplicate member name")
    return dict(sorted(pairs, key=lambda pair: utf16_key(pair[0])))


def _integer(text):
    if text == "-0" or len(text.lstrip("-")) > 16 or abs(int(text)) > MAX_INTEGER:
        raise ValueError(f"integer {text[:20]} is -0 or out of range")
    return int(text)


def _refuse_float(text):
    raise ValueError(f"number {text[:20]} is not an integer")


def _refuse_constant(text):
    raise ValueError(f"{text} is not JSON")


_DECODER = json.JSONDecoder(object_pairs_hook=_object, parse_int=_integer, parse_float=_refuse_float,
                            parse_constant=_refuse_constant)
_STRING_OR_BRACKET = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def _check_depth(data):
    if data.count(b"[") + data.count(b"{") <= MAX_DEPTH:
        return  # fewer brackets than the limit: nothing can nest deeper
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(data):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            if depth > MAX_DEPTH:
                raise ValueError(f"nested more than {MAX_DEPTH} levels deep")
        elif token in (b"]", b"}"):
            depth -= 1


def _check_strings(value):
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("a string holds a lone surrogate") from None
        if not unicodedata.is_normalized("NFC", value):
            raise ValueError(f"string {value[:40]!r} is not NFC")
    elif isinstance(value, list):
        for item in value:
            _check_strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_strings(key)
            _check_strings(item)


def parse_json(data, where):
    """The value of a strict JSON document (bytes); Failure('parse') for anything else."""
    try:
        if data.startswith(b"\xef\xbb\xbf"):
            raise ValueError("it starts with a byte-order mark")
        text = data.decode("utf-8")
        _check_depth(data)
        value = _DECODER.decode(text)
        if not data.isascii() or b"\\" in data:
            _check_strings(value)  # ASCII text without escapes holds only ASCII strings: NFC, no surrogates
        return value
    except (ValueError, RecursionError) as error:
        raise Failure("parse", f"{where}: not strict JSON: {error}") from None


def _sorted(value):
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value, key=utf16_key)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def canonical(value, presorted=False):
    """RFC 8785 canonical JSON (integers only); `presorted` for values parse_json built."""
    return json.dumps(value if presorted else _sorted(value), separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


# ---- small text rules (FORMAT.md, Ids and names) ----------------------------------------------------

def is_slug(value):
    return isinstance(value, str) and SLUG.fullmatch(value) is not None


def is_points(value):
    return isinstance(value, str) and POINTS.fullmatch(value) is not None


def hundredths(text):
    whole, _, fraction = text.partition(".")
    return int(whole) * 100 + int((fraction + "00")[:2])


def points_text(value):
    whole, fraction = divmod(value, 100)
    if fraction == 0:
        return str(whole)
    return f"{whole}.{fraction // 10}" if fraction % 10 == 0 else f"{whole}.{fraction:02d}"


def is_blank(text):
    return text.strip(WHITE_SPACE) == ""


def display_name_problem(name):
    if not isinstance(name, str) or not 1 <= len(name) <= 200:
        return "must be 1 to 200 characters"
    if name != name.strip(" ") or "  " in name:
        return "has leading, trailing or doubled spaces"
    for char in name:
        if 0x370 <= ord(char) <= 0x3FF or 0x400 <= ord(char) <= 0x52F:
            return f"holds the Greek or Cyrillic character U+{ord(char):04X}"
        category = unicodedata.category(char)
        if not (category[0] in "LM" or category == "Nd" or char in NAME_PUNCTUATION):
            return f"holds the character U+{ord(char):04X}"
    return None


def fold(name):
    return unicodedata.normalize("NFC", name.lower())


HEX = re.compile(r"[0-9a-f]*")


def is_hex(value, length):
    return isinstance(value, str) and len(value) == length and HEX.fullmatch(value) is not None


def parse_time(text, pattern=TIME):
    """Milliseconds since the epoch of an ISO 8601 UTC time, or None."""
    if not isinstance(text, str) or pattern.fullmatch(text) is None:
        return None
    return _milliseconds(text)


@functools.lru_cache(maxsize=1 << 16)
def _milliseconds(text):
    """Milliseconds since the epoch of a time of the form TIME or DEADLINE match; None for no real date."""
    try:
        moment = datetime.datetime(int(text[0:4]), int(text[5:7]), int(text[8:10]), int(text[11:13]), int(text[14:16]),
                                   int(text[17:19]), tzinfo=datetime.timezone.utc)
    except ValueError:
        return None
    millis = int(text[20:23]) if len(text) == 24 else 0
    return (int(moment.timestamp()) * 1000) + millis


def key_id(raw):
    return hashlib.sha256(raw).digest()[:16].hex()


def fingerprint(raw):
    text = key_id(raw)
    return " ".join(text[i:i + 4] for i in range(0, 32, 4))


def verify_ed25519(public_key, signature, message):
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


def decode_base64(text, length=None):
    """Bytes of canonical standard base64 text (of `length` bytes when given), or None."""
    if not isinstance(text, str) or not text.isascii():
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    if base64.b64encode(raw).decode() != text or (length is not None and len(raw) != length):
        return None
    return raw


# ---- note verifier keys, signed notes, checkpoints (C2SP) --------------------------------------------

def parse_verifier_key(text, kind=1):
    """(name, key hash bytes, raw public key) of `<name>+<8 hex>+<base64(kind ‖ key)>`, or None.

    Kind 0x01 is a note signing key (the log's), 0x04 a tlog-cosignature/v1 key (a witness's)."""
    parts = text.split("+", 2)
    if len(parts) != 3 or not parts[0] or not is_hex(parts[1], 8):
        return None
    material = decode_base64(parts[2], 33)
    if material is None or material[0] != kind:
        return None
    name, raw = parts[0], material[1:]
    if hashlib.sha256(name.encode() + b"\n" + material).digest()[:4].hex() != parts[1]:
        return None
    return name, bytes.fromhex(parts[1]), raw


def split_note(note):
    """(text, [(name, blob)]) of a C2SP signed note, or None when malformed.

    A blob is 68 bytes (key hash ‖ Ed25519 signature) or 76 (a cosignature: key ID ‖ 8-byte time ‖ signature)."""
    if not note.endswith("\n"):
        return None
    split = note.rfind("\n\n", 0, len(note) - 1)
    if split < 0:
        return None
    text, signatures = note[:split + 1], []
    for line in note[split + 2:-1].split("\n"):
        fields = line[2:].split(" ") if line.startswith("— ") else []
        blob = decode_base64(fields[1]) if len(fields) == 2 and fields[0] else None
        if blob is None or len(blob) not in (68, 76):
            return None
        signatures.append((fields[0], blob))
    return text, signatures


def note_signed_by(text, signatures, key):
    name, key_hash, raw = key
    return any(signer == name and len(blob) == 68 and blob[:4] == key_hash and verify_ed25519(raw, blob[4:], text.encode())
               for signer, blob in signatures)


def cosigned_by(text, signatures, witness):
    """Whether a signature line is the witness's valid tlog-cosignature/v1 of the note text."""
    name, key_hash, raw = witness
    for signer, blob in signatures:
        if signer != name or len(blob) != 76 or blob[:4] != key_hash:
            continue
        timestamp = int.from_bytes(blob[4:12], "big")
        if timestamp <= 2**63 - 1 and verify_ed25519(raw, blob[12:], f"cosignature/v1\ntime {timestamp}\n{text}".encode()):
            return True
    return False


def quorum_problem(text, signatures, policy, where, what="it"):
    """None when at least the policy's quorum of its witnesses cosign the note text, else the message."""
    quorum = policy["quorum"]
    if quorum == 0:
        return None
    valid = [w[0] for w in policy["witnesses"] if cosigned_by(text, signatures, w)]
    if len(valid) >= quorum:
        return None
    return f"{where}: {len(valid)} of the {quorum} witnesses the policy needs cosign {what} (valid: {', '.join(valid) or 'none'})"


def parse_checkpoint(text):
    """(origin, size, root, results lines, manifest hash) of a bundle checkpoint text, or None."""
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not lines[0] or not re.fullmatch(r"0|[1-9][0-9]{0,19}", lines[1]):
        return None
    root = decode_base64(lines[2], 32)
    last = re.fullmatch(r"parledger-manifest ([0-9a-f]{64})", lines[-1])
    if root is None:
        return None
    results = []
    for line in lines[3:-1] if last else lines[3:]:
        match = re.fullmatch(r"parledger-results (" + SLUG.pattern + r") ([0-9a-f]{64})", line)
        if match is None:
            return None
        results.append((match.group(1), match.group(3)))
    return lines[0], int(lines[1]), root, results, last.group(1) if last else None


# ---- the trust policy -----------------------------------------------------------------------------

def parse_trust_policy(data):
    """The trust policy as a dict; Failure('trust-policy', exit 2) when malformed."""
    def refuse(message):
        raise Failure("trust-policy", message, exit_code=2)
    if len(data) > POLICY_LIMIT:
        refuse("the policy is over 64 KiB")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        refuse("the policy is not UTF-8")
    policy, witnesses, seen, started = {}, [], set(), False
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith("#") or line.strip(" \t") == "":
            continue
        where = f"line {number}"
        if line in seen:
            refuse(f"{where}: repeated line")
        seen.add(line)
        if not started:
            if line != "parledger-trust-policy/1":
                refuse(f"{where}: the first line must be parledger-trust-policy/1")
            started = True
            continue
        word, _, value = line.partition(" ")
        if word in ("ledger", "genesis", "log", "quorum") and word in policy:
            refuse(f"{where}: a second '{word}' line")
        if word == "ledger" and is_slug(value):
            policy["ledger"] = value
        elif word == "genesis" and is_hex(value, 64):
            policy["genesis"] = value
        elif word == "log" and parse_verifier_key(value) is not None:
            policy["log"] = parse_verifier_key(value)
        elif word == "witness":
            witness = parse_verifier_key(value, kind=4)
            if witness is None:
                refuse(f"{where}: not a witness key: witnesses need cosignature (0x04) keys: {value[:80]!r}")
            if any(w[0] == witness[0] for w in witnesses):
                refuse(f"{where}: a second witness named {witness[0]!r}")
            if any(w[2] == witness[2] for w in witnesses):
                # a cosignature does not sign the witness's name: one key under two names would count twice
                refuse(f"{where}: a second witness with the public key of {next(w[0] for w in witnesses if w[2] == witness[2])!r}")
            witnesses.append(witness)
        elif word == "quorum" and re.fullmatch(r"0|[1-9][0-9]{0,5}", value):
            policy["quorum"] = int(value)
        else:
            refuse(f"{where}: not a policy line: {line[:80]!r}")
    for word in ("ledger", "genesis", "log", "quorum"):
        if word not in policy:
            refuse(f"the policy has no '{word}' line")
    if policy["log"][0] != f"parledger/{policy['ledger']}":
        refuse(f"the log key's name is {policy['log'][0]!r}, not 'parledger/{policy['ledger']}'")
    if any(w[0] == policy["log"][0] for w in witnesses):
        refuse(f"a witness has the log key's name {policy['log'][0]!r}")
    if policy["quorum"] > len(witnesses):
        refuse(f"quorum {policy['quorum']} is more than the {len(witnesses)} witnesses")
    policy["witnesses"] = witnesses
    return policy


# ---- files ----------------------------------------------------------------------------------------

def read_regular(path, limit, code, exit_code):
    """The bytes of a regular file given on the command line; Failure(code) otherwise."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise Failure(code, f"{path}: not a regular file", exit_code)
        if info.st_size > limit:
            raise Failure(code, f"{path}: larger than {limit} bytes", exit_code)
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise Failure(code, f"{path}: cannot be read ({error.strerror})", exit_code) from None
    if len(data) > limit:
        raise Failure(code, f"{path}: larger than {limit} bytes", exit_code)
    return data


class Bundle:
    """The bundle directory: its regular files by relative path, opened without following links."""

    def __init__(self, path):
        try:
            self.root = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as error:
            raise Failure("missing-file", f"{path}: cannot open the bundle directory ({error.strerror})") from None
        self.files = {}
        for name in sorted(os.listdir(self.root)):
            self._entry(self.root, "", name)
        for required in ("manifest.json", "checkpoint.txt", "verifier-key.txt"):
            if required not in self.files:
                raise Failure("missing-file", f"{required} is missing")

    def _entry(self, directory, prefix, name):
        info = os.lstat(name, dir_fd=directory)
        path = prefix + name
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise Failure("file-type", f"{path}: not a regular file or directory (symlink, FIFO, device or socket)")
        if stat.S_ISDIR(info.st_mode):
            if prefix or name not in DIRECTORIES:
                raise Failure("unexpected-file", f"{path}/: unexpected directory")
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=directory)
            try:
                for child in sorted(os.listdir(sub)):
                    self._entry(sub, path + "/", child)
            finally:
                os.close(sub)
            return
        limit = file_limit(path)
        if limit is False:
            raise Failure("unexpected-file", f"{path}: unexpected file")
        if limit is not None and info.st_size > limit:
            raise Failure("file-too-large", f"{path}: {info.st_size} bytes, more than its limit of {limit}")
        self.files[path] = info.st_size

    def open(self, path):
        """A binary file object of a regular file found by the scan, refusing anything else."""
        directory, _, name = path.rpartition("/")
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        parent = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self.root) if directory else None
        try:
            descriptor = os.open(name, flags, dir_fd=self.root if parent is None else parent)
        except OSError as error:
            raise Failure("missing-file", f"{path}: cannot be opened ({error.strerror})") from None
        finally:
            if parent is not None:
                os.close(parent)
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            os.close(descriptor)
            raise Failure("file-type", f"{path}: not a regular file")
        return os.fdopen(descriptor, "rb")

    def read(self, path):
        limit = file_limit(path)
        with self.open(path) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise Failure("file-too-large", f"{path}: more than its limit of {limit} bytes")
        return data

    def digest(self, path):
        """(size, sha256 hex) of a file, read in chunks."""
        hasher, size = hashlib.sha256(), 0
        with self.open(path) as handle:
            while chunk := handle.read(MIB):
                hasher.update(chunk)
                size += len(chunk)
        return size, hasher.hexdigest()


def file_limit(path):
    """The size limit of a bundle path (None: no limit), or False when no row matches it."""
    for pattern, limit in FILE_ROWS:
        if pattern.fullmatch(path):
            return limit
    return False


# ---- Merkle tree (RFC 9162) -----------------------------------------------------------------------

def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def leaf_hash(event_hash):
    return hashlib.sha256(b"\x00" + event_hash).digest()


class Frontier:
    """The RFC 9162 root of leaves appended one at a time, keeping only the complete subtrees."""

    def __init__(self):
        self.stack, self.size = [], 0

    def append(self, leaf):
        self.stack.append(leaf)
        self.size += 1
        size = self.size
        while size % 2 == 0:
            right = self.stack.pop()
            self.stack.append(node_hash(self.stack.pop(), right))
            size //= 2

    def root(self):
        if not self.stack:
            return hashlib.sha256(b"").digest()
        root = self.stack[-1]
        for left in reversed(self.stack[:-1]):
            root = node_hash(left, root)
        return root


def root_from_inclusion(index, size, leaf, proof):
    """The root an RFC 9162 inclusion proof leads to (section 2.1.3.2), or None."""
    if index >= size:
        return None
    fn, sn, node = index, size - 1, leaf
    for sibling in proof:
        if sn == 0:
            return None
        if fn % 2 == 1 or fn == sn:
            node = node_hash(sibling, node)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn, sn = fn >> 1, sn >> 1
        else:
            node = node_hash(node, sibling)
        fn, sn = fn >> 1, sn >> 1
    return node if sn == 0 else None


# ---- actors ---------------------------------------------------------------------------------------

ROLES = ("unit-officer", "council-member", "steering-committee", "survey-contractor", "secretariat", "auditor")
ACTOR_EVENTS = ("ActorEnrolled", "RoleGranted", "RoleRevoked", "KeyRotated", "KeyRevoked", "ActorSuspended")
ROLE_FOR_TYPE = dict(
    {kind: "secretariat" for kind in ACTOR_EVENTS},
    FrameworkRegistered="secretariat", CycleOpened="secretariat", DeadlineExtended="secretariat",
    UnitExcludedFromRanking="secretariat", ResultsPublished="secretariat", CorrectionRecorded="secretariat",
    SelfScoreRecorded="unit-officer", NotApplicableMarked="unit-officer", SelfAssessmentSubmitted="unit-officer",
    SelfAssessmentWithdrawn="unit-officer", ExplanationGiven="unit-officer", ExplanationRequested="council-member",
    ObjectionFiled="unit-officer", ObjectionAnswered="secretariat",
    CouncilMemberAssigned="secretariat",
    AppraisalScoreRecorded="council-member", NotApplicableRejected="council-member", AppraisalConcluded="council-member",
    AppraisalReopened="council-member", AppraisalClosed="council-member",
    SpotCheckSeedCommitted="steering-committee", SpotCheckDrawn="steering-committee",
    SpotCheckScoreRecorded="steering-committee", SpotCheckConcluded="steering-committee",
    SurveyScoresImported="survey-contractor",
)
EVIDENCE_ROLES = ("unit-officer", "council-member", "steering-committee", "secretariat")


class RuleBroken(Exception):
    """An event breaks a rule of the cycle (FORMAT.md, Rules of the cycle)."""


def need(condition, reason):
    if not condition:
        raise RuleBroken(reason)


def member(payload, name, kind, optional=False):
    """A payload member of JSON type `kind` (str, int, list, dict, bool); None when optional and absent or null."""
    value = payload.get(name)
    if value is None and optional:
        return None
    need(value is not None, f"the payload needs '{name}'")
    need(isinstance(value, kind) and not (kind is int and isinstance(value, bool)), f"'{name}' has the wrong type")
    return value


def grant_of(payload):
    role = member(payload, "role", str)
    scope = member(payload, "scope", str, optional=True)
    return {"role": role} if scope is None else {"role": role, "scope": scope}


class Actors:
    """Actors as the events define them; the records actors.json holds."""

    def __init__(self):
        self.records, self.key_owner, self.names = {}, {}, {}

    def enrolment_signer(self, event):
        """The signer of the first command: the record its own enrolment would make."""
        payload = event["payload"]
        raw = decode_base64(payload.get("publicKey"), 32)
        if raw is None or not isinstance(payload.get("role"), str):
            return None
        return {"status": "active", "key": raw, "retired": {}, "grants": [grant_of(payload)]}

    def apply(self, event):
        payload, kind, seq = event["payload"], event["type"], event["seq"]
        actor = member(payload, "actor", str)
        need(event["stream"] == f"actor/{actor}", f"{kind} for '{actor}' belongs in the stream 'actor/{actor}'")
        record = self.records.get(actor)
        if kind == "ActorEnrolled":
            self.enrol(actor, payload, seq, record)
            return
        need(record is not None, f"actor '{actor}' is not enrolled")
        if kind == "RoleGranted":
            grant = grant_of(payload)
            need(grant not in record["grants"], f"actor '{actor}' already holds {grant}")
            record["grants"].append(grant)
            record["grants"].sort(key=lambda g: (g["role"], g.get("scope", "")))
        elif kind == "RoleRevoked":
            grant = grant_of(payload)
            need(grant in record["grants"], f"actor '{actor}' does not hold {grant}")
            record["grants"].remove(grant)
        elif kind == "KeyRotated":
            raw = self.new_key(actor, payload)
            need(raw != record["key"] and key_id(raw) not in record["retired"], f"key {key_id(raw)} was already used by '{actor}'")
            if record["key"] is not None:
                record["retired"][key_id(record["key"])] = f"rotated out at event {seq}"
            record["key"] = raw
            self.key_owner[key_id(raw)] = actor
        elif kind == "KeyRevoked":
            revoked = member(payload, "keyId", str)
            reason = member(payload, "reason", str)
            need(revoked != "" and reason != "", "KeyRevoked needs a non-empty keyId and reason")
            need(record["key"] is not None and key_id(record["key"]) == revoked, f"key {revoked} is not the current key of '{actor}'")
            record["retired"][revoked] = f"revoked at event {seq}: {reason}"
            record["key"] = None
        else:
            need(member(payload, "reason", str) != "", "ActorSuspended needs a non-empty reason")
            need(record["status"] == "active", f"actor '{actor}' is already suspended")
            record["status"] = "suspended"
        record["last"] = seq

    def enrol(self, actor, payload, seq, record):
        need(record is None, f"actor '{actor}' is already enrolled")
        need(is_slug(actor), f"actor id '{actor}' is not a slug")
        name = member(payload, "name", str)
        problem = display_name_problem(name)
        need(problem is None, f"the name {name!r} {problem}")
        clash = self.names.get(fold(name))
        need(clash is None, f"the name {name!r} is confusable with the name of actor '{clash}'")
        grant = grant_of(payload)
        raw = self.new_key(actor, payload)
        self.records[actor] = {"id": actor, "name": name, "grants": [grant], "key": raw, "retired": {},
                               "status": "active", "last": seq}
        self.names[fold(name)] = actor
        self.key_owner[key_id(raw)] = actor

    def new_key(self, actor, payload):
        raw = decode_base64(member(payload, "publicKey", str), 32)
        need(raw is not None, "the publicKey is not the base64 of a 32-byte Ed25519 key")
        owner = self.key_owner.get(key_id(raw))
        need(owner is None or owner == actor, f"key {key_id(raw)} already belongs to '{owner}'")
        return raw

    def json(self):
        def one(record):
            value = {"id": record["id"], "name": record["name"], "status": record["status"], "lastChangedAt": record["last"],
                     "retiredKeys": record["retired"], "grants": record["grants"]}
            if record["key"] is not None:
                value["currentKey"] = {"id": key_id(record["key"]), "publicKey": base64.b64encode(record["key"]).decode()}
            return value
        return [one(self.records[actor]) for actor in sorted(self.records)]


def check_grant(payload):
    role = member(payload, "role", str)
    need(role in ROLES, f"unknown role '{role}'")
    need(role != "unit-officer" or member(payload, "scope", str, optional=True) is not None,
         "the role unit-officer needs a scope naming its unit")


def authorize(event, signer, signer_id):
    """Refuses an event its signer's grants (as before the command) do not allow (FORMAT.md, roles table)."""
    kind, payload = event["type"], event["payload"]
    if kind in ("ActorEnrolled", "RoleGranted"):
        check_grant(payload)
    if kind == "KeyRotated" and payload.get("actor") == signer_id:
        return
    roles = EVIDENCE_ROLES if kind == "EvidenceAdded" else (ROLE_FOR_TYPE[kind],) if kind in ROLE_FOR_TYPE else None
    need(roles is not None, f"'{kind}' is not an event type of the PAR ledger")
    grants = [g for g in signer["grants"] if g["role"] in roles]
    need(grants, f"'{signer_id}' may not record {kind}; that needs the role {roles[0]}")
    unit = payload.get("unit") if isinstance(payload.get("unit"), str) else None
    need(any(g.get("scope") is None or g.get("scope") == unit for g in grants),
         f"'{signer_id}' may not record {kind} for {unit or 'all units'} (its grants are scoped)")


# ---- frameworks -----------------------------------------------------------------------------------

FRAMEWORK_MEMBERS = {"format", "name", "unitKind", "source", "stated", "settings", "criteria"}
SETTINGS_MEMBERS = {"classes", "provincialCommendationPercent", "fieldMinimumPercent", "anyCommendationPercent",
                    "appraisal", "spotCheckPercent", "publishedDecimals"}
PERCENTS = ("provincialCommendationPercent", "fieldMinimumPercent", "anyCommendationPercent", "spotCheckPercent")


def exact_object(value, members, where):
    need(isinstance(value, dict) and set(value) == set(members), f"{where} must have exactly the members {sorted(members)}")


def nonempty(value, where):
    need(isinstance(value, str) and value != "", f"{where} must be a non-empty string")


def points_of(value, where):
    need(is_points(value), f"{where} must be points in canonical form")
    return hundredths(value)


def check_framework(document):
    """The leaves of a valid framework document in its normal form; RuleBroken naming the defect."""
    exact_object(document, FRAMEWORK_MEMBERS, "the framework")
    need(document["format"] == "parledger-framework/1", "the framework's format must be parledger-framework/1")
    need(document["unitKind"] in ("department", "district"), "unitKind must be department or district")
    nonempty(document["name"], "name")
    nonempty(document["source"], "source")
    exact_object(document["stated"], {"assessed", "survey"}, "stated")
    stated = {k: points_of(document["stated"][k], f"stated.{k}") for k in ("assessed", "survey")}
    check_settings(document["settings"])
    need(isinstance(document["criteria"], list), "criteria must be an array")
    rows = []
    for index, field in enumerate(document["criteria"]):
        collect_rows(field, f"criteria[{index}]", None, rows)
    check_rows(rows, stated)
    return rows


def check_settings(settings):
    exact_object(settings, SETTINGS_MEMBERS, "settings")
    classes = settings["classes"]
    need(isinstance(classes, list) and classes, "settings.classes must list at least one class")
    bands = []
    for index, band in enumerate(classes):
        exact_object(band, {"name", "minimumPercent"}, f"settings.classes[{index}]")
        nonempty(band["name"], f"settings.classes[{index}].name")
        bands.append(points_of(band["minimumPercent"], f"settings.classes[{index}].minimumPercent"))
    need(bands == sorted(bands, reverse=True) and bands[-1] == 0, "classes must go from the highest band down to one starting at 0%")
    need(settings["appraisal"] in ("adjust", "lower-only"), "settings.appraisal must be adjust or lower-only")
    need(settings["publishedDecimals"] in (0, 1, 2) and not isinstance(settings["publishedDecimals"], bool),
         "settings.publishedDecimals must be 0, 1 or 2")
    for name in PERCENTS:
        points_of(settings[name], f"settings.{name}")
    need(1000 <= hundredths(settings["spotCheckPercent"]) <= 10000,
         f"the spot-check covers at least 10% of units (and at most 100%), not {settings['spotCheckPercent']}%")


def collect_rows(criterion, where, parent, rows):
    need(isinstance(criterion, dict), f"{where} must be an object")
    allowed = {"code", "title", "maxPoints", "method", "children"}
    need({"code", "title", "maxPoints"} <= set(criterion) <= allowed, f"{where} has members other than {sorted(allowed)}")
    code = criterion["code"]
    need(isinstance(code, str) and CODE.fullmatch(code) and all(p[0] != "0" for p in code.split(".")),
         f"{where}.code {code!r} is not a criterion code (numbers from 1, without leading zeros, joined by dots)")
    nonempty(criterion["title"], f"{where}.title")
    maximum = points_of(criterion["maxPoints"], f"{where}.maxPoints")
    children = criterion.get("children")
    need(children is None or (isinstance(children, list) and children), f"{where}.children must be a non-empty array")
    method = criterion.get("method")
    if children is None:
        need(method in ("assessed", "survey"), f"{code}: a leaf needs a method (assessed or survey)")
    else:
        need(method is None, f"{code}: only leaves have a method")
    need(parent is None or code.startswith(parent + "."), f"{code}: stands under {parent} but its code does not start with {parent}.")
    row = {"code": code, "max": maximum, "method": method, "children": [], "parent": parent}
    rows.append(row)
    for index, child in enumerate(children or []):
        row["children"].append(len(rows))
        collect_rows(child, f"{where}.children[{index}]", code, rows)


def check_rows(rows, stated):
    previous, seen = None, set()
    for row in rows:
        numbers = [int(part) for part in row["code"].split(".")]
        need(row["code"] not in seen, f"{row['code']}: duplicate code")
        seen.add(row["code"])
        need(numbers in successors(previous), f"{row['code']}: out of order after {previous}")
        previous = numbers
        need(row["max"] > 0, f"{row['code']}: its maximum must be more than 0")
        if row["children"]:
            total = sum(rows[i]["max"] for i in row["children"])
            need(total == row["max"], f"{row['code']}: maximum {points_text(row['max'])} but its children add up to {points_text(total)}")
    fields = sum(row["max"] for row in rows if row["parent"] is None)
    need(fields == 10000, f"the fields add up to {points_text(fields)}, not 100")
    leaves = [row for row in rows if not row["children"]]
    survey = sum(row["max"] for row in leaves if row["method"] == "survey")
    assessed = sum(row["max"] for row in leaves if row["method"] == "assessed")
    need((assessed, survey) == (stated["assessed"], stated["survey"]),
         f"the leaves give {points_text(assessed)} assessed + {points_text(survey)} survey points; "
         f"the document states {points_text(stated['assessed'])} + {points_text(stated['survey'])}")


def successors(previous):
    if previous is None:
        return [[1]]
    allowed = [previous + [1]]
    for depth in range(len(previous), 0, -1):
        allowed.append(previous[:depth - 1] + [previous[depth - 1] + 1])
    return allowed


class Framework:
    """A registered framework: criteria by code, leaves in order, fields and settings."""

    def __init__(self, document, rows):
        self.kind = document["unitKind"]
        self.settings = document["settings"]
        self.by_code = {row["code"]: row for row in rows}
        self.rows = rows
        self.leaves = [row for row in rows if not row["children"]]
        self.fields = [(row["code"], self.leaves_under(row)) for row in rows if row["parent"] is None]

    def leaves_under(self, row):
        if not row["children"]:
            return [row]
        return [leaf for i in row["children"] for leaf in self.leaves_under(self.rows[i])]


# ---- the rules of the cycle -----------------------------------------------------------------------

DECISIONS = ("recognise", "not-recognise", "raise", "lower")
OBJECTION_DECISIONS = ("accepted", "rejected")
# Objections are filed until the end of the 30th day after the publication's decision date, read in
# Vietnam's time, UTC+07:00 (FORMAT.md, Rules of the cycle: ObjectionFiled).
OBJECTION_DAYS = 30
OBJECTION_ZONE_MILLIS = 7 * 3600 * 1000
DAY_MILLIS = 86_400_000
SPOT_CHECK_ALGORITHM = "sha256(seed||unit)-ascending/v1"


class Cycle:
    def __init__(self, opened, units, window):
        self.opened, self.units = opened, units  # units: id -> {"name", "kind"}
        self.window = window  # (from, until): the dates a publication may bear
        self.deadline = parse_time(opened["selfAssessmentDeadline"], DEADLINE)
        self.stage, self.extended, self.excluded, self.checked = {}, {}, {}, set()
        self.scores = {}  # (unit, code) -> {"self", "na", "rejected", "appraised", "spot", "survey", "correction"}
        self.draws, self.published = set(), False
        self.self_assessors = {}  # unit -> set of actor ids
        self.council = {}  # actor -> {"fields": {kind: [codes]}, "chair": bool}
        self.commitment, self.closed = None, None  # closed: (seq, hash) of AppraisalClosed
        self.concluded = set()  # units whose spot-check is concluded
        self.explanations = {}  # (unit, request) -> {"criterion", "seq", "answered": seq or None}
        self.published_date = None  # the publication's decision date, YYYY-MM-DD
        self.objections = {}  # objection id -> {"unit", "seq", "answered": seq or None}


def is_date(text):
    """A real calendar date written YYYY-MM-DD (proleptic Gregorian, years 0000 to 9999)."""
    if not isinstance(text, str) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is None:
        return False
    year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= month <= 12 and 1 <= day <= days[month - 1]


class Rules:
    """The PAR state the rules need, replayed event by event, and the results it gives."""

    def __init__(self):
        self.frameworks, self.cycles, self.evidence, self.published = {}, {}, {}, {}

    def apply(self, event):
        handler = getattr(self, "on_" + event["type"], None)
        if handler is not None:
            handler(event, event["payload"])

    # -- helpers
    def context(self, event, payload, after_publication=False):
        cycle_id, unit_id = member(payload, "cycle", str), member(payload, "unit", str)
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(unit_id in cycle.units, f"unit '{unit_id}' is not part of cycle '{cycle_id}'")
        if after_publication:
            need(cycle.published, f"cycle '{cycle_id}' is not published; change scores through the normal stages")
        else:
            need(not cycle.published, f"cycle '{cycle_id}' is published; only a correction can change it")
        stream = f"cycle/{cycle_id}/unit/{unit_id}"
        need(event["stream"] == stream, f"{event['type']} belongs in the stream '{stream}'")
        framework = self.frameworks[cycle.opened["frameworks"][cycle.units[unit_id]["kind"]]]
        return cycle, unit_id, framework

    def cycle_wide(self, event, cycle_id):
        """The cycle of a cycle-wide event: it exists, the event is in its stream, it is not published."""
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(event["stream"] == f"cycle/{cycle_id}", f"{event['type']} belongs in the stream 'cycle/{cycle_id}'")
        need(not cycle.published, f"cycle '{cycle_id}' is published; only a correction can change it")
        return cycle

    @staticmethod
    def leaf(framework, code, method, unit):
        row = framework.by_code.get(code)
        need(row is not None, f"unknown criterion '{code}' for {unit}")
        need(not row["children"], f"criterion {code} is the sum of its sub-criteria")
        need(method is None or row["method"] == method,
             f"criterion {code} is scored by the survey" if method == "assessed" else f"criterion {code} is not a survey criterion")
        return row

    @staticmethod
    def within(row, text, unit):
        """Points in canonical form, at most the leaf's maximum (FORMAT.md: Points; Within)."""
        need(is_points(text), f"{unit}, criterion {row['code']}: the points {text!r} are not written in their one canonical form")
        value = hundredths(text)
        need(value <= row["max"], f"{unit}, criterion {row['code']}: {text} points is more than its maximum of {points_text(row['max'])}")
        return value

    @staticmethod
    def in_self_assessment(cycle, unit, event):
        need(cycle.stage.get(unit, "self-assessment") == "self-assessment", f"'{unit}' has already submitted its self-assessment")
        deadline = cycle.extended.get(unit, cycle.deadline)
        need(parse_time(event["recordedAt"]) <= deadline, f"the self-assessment deadline for '{unit}' has passed")

    def check_cited(self, citations):
        need(isinstance(citations, list), "'evidence' has the wrong type")
        for citation in citations:
            need(isinstance(citation, dict), "an evidence citation must be an object")
            name, digest = member(citation, "name", str), member(citation, "sha256", str)
            need(name != "" and is_hex(digest, 64), f"evidence '{name}' needs a name and a SHA-256 of 64 hex digits")
            need(digest in self.evidence, f"evidence '{name}' ({digest[:16]}…) was never added")

    @staticmethod
    def applicable(cycle, unit, code):
        score = cycle.scores.setdefault((unit, code), {})
        need("na" not in score, f"{unit}, criterion {code} is marked not applicable")
        return score

    @staticmethod
    def appraisal_open(cycle):
        """Appraisal open: the steering committee's commitment is recorded and the appraisal is not closed."""
        cycle_id = cycle.opened["cycle"]
        need(cycle.commitment is not None, f"appraisal of '{cycle_id}' opens once the steering committee has committed to "
                                           "the secret of its spot-check draw (SpotCheckSeedCommitted)")
        need(cycle.closed is None, f"the appraisal of '{cycle_id}' was closed at event {cycle.closed and cycle.closed[0]}; "
                                   "nothing of it changes now")

    @staticmethod
    def council_check(event, cycle, unit, criterion=None, chair=False):
        """The signer is not a self-assessor of the unit, is on the cycle's council, holds the criterion's field
        for the unit's kind, and (for a chair event) chairs it."""
        actor, kind = event["actor"], cycle.units[unit]["kind"]
        need(actor not in cycle.self_assessors.get(unit, ()), f"'{actor}' self-assessed {unit} and may not appraise it")
        record = cycle.council.get(actor)
        need(record is not None, f"'{actor}' is not a council member of '{cycle.opened['cycle']}'")
        need(not chair or record["chair"], f"only the chair of the council seals, reopens or closes an appraisal; '{actor}' is a member")
        if criterion is not None:
            field = criterion.split(".")[0]
            mine = record["fields"].get(kind, [])
            need(field in mine, f"'{actor}' appraises fields {', '.join(mine) or 'none'} of {kind}s, not field {field} "
                                f"(criterion {criterion})")

    @staticmethod
    def spot_checkable(event, cycle, unit):
        need(unit in cycle.checked, f"'{unit}' is not in the spot-check sample")
        need(unit not in cycle.concluded, f"the spot-check of '{unit}' is concluded")
        need(event["actor"] not in cycle.self_assessors.get(unit, ()), f"'{event['actor']}' self-assessed {unit} and may not spot-check it")

    @staticmethod
    def note_self_assessor(event, cycle, unit):
        cycle.self_assessors.setdefault(unit, set()).add(event["actor"])

    # -- events
    def on_EvidenceAdded(self, event, payload):
        digest, name = member(payload, "sha256", str), member(payload, "name", str)
        size, unit = member(payload, "size", int), member(payload, "unit", str, optional=True)
        need(is_hex(digest, 64) and name != "" and size >= 0, "evidence needs a name, a size and a SHA-256 of 64 hex digits")
        need(event["stream"] == f"evidence/{digest}", f"EvidenceAdded belongs in the stream 'evidence/{digest}'")
        self.evidence.setdefault(digest, {"name": name, "sha256": digest, "size": size, "unit": unit})

    def on_FrameworkRegistered(self, event, payload):
        identifier = member(payload, "id", str)
        need("framework" in payload, "the payload needs 'framework'")
        rows = check_framework(payload["framework"])
        digest = sha256(canonical(payload["framework"], presorted=True))
        need(digest == identifier, f"the framework's content hash is {digest}, not {identifier}")
        need(identifier not in self.frameworks, f"framework {identifier} is already registered")
        need(event["stream"] == f"framework/{identifier}", f"FrameworkRegistered belongs in the stream 'framework/{identifier}'")
        self.frameworks[identifier] = Framework(payload["framework"], rows)

    def on_CycleOpened(self, event, payload):
        cycle_id, _name = member(payload, "cycle", str), member(payload, "name", str)
        year = member(payload, "year", int)
        kinds, units = member(payload, "frameworks", dict), member(payload, "units", list)
        deadline = member(payload, "selfAssessmentDeadline", str)
        previous = member(payload, "previousCycle", str, optional=True)
        window = member(payload, "publicationWindow", dict, optional=True)
        if window is not None:
            member(window, "from", str), member(window, "until", str)
        need(all(isinstance(v, str) for v in kinds.values()), "'frameworks' has the wrong type")
        for unit in units:
            need(isinstance(unit, dict), "'units' has the wrong type")
            member(unit, "id", str), member(unit, "name", str)
            need(member(unit, "kind", str) in ("department", "district"), "a unit's kind is department or district")
        need(event["stream"] == f"cycle/{cycle_id}", f"CycleOpened belongs in the stream 'cycle/{cycle_id}'")
        need(is_slug(cycle_id), f"cycle id '{cycle_id}' is not a slug")
        need(cycle_id not in self.cycles, f"cycle '{cycle_id}' is already open")
        need(parse_time(deadline, DEADLINE) is not None, f"the self-assessment deadline '{deadline}' is not an ISO 8601 UTC time")
        need(units, f"cycle '{cycle_id}' has no units")
        listed, names = {}, {}
        for unit in units:
            need(is_slug(unit["id"]), f"unit id '{unit['id']}' is not a slug")
            problem = display_name_problem(unit["name"])
            need(problem is None, f"the name {unit['name']!r} of unit '{unit['id']}' {problem}")
            need(unit["id"] not in listed, f"unit '{unit['id']}' is listed twice")
            clash = names.get(fold(unit["name"]))
            need(clash is None, f"the name of unit '{unit['id']}' is confusable with the name of unit '{clash}'")
            names[fold(unit["name"])] = unit["id"]
            identifier = kinds.get(unit["kind"])
            need(identifier is not None, f"unit '{unit['id']}' is a {unit['kind']} but the cycle names no framework for that kind")
            need(identifier in self.frameworks, f"framework {identifier} is not registered")
            need(self.frameworks[identifier].kind == unit["kind"], f"framework {identifier} does not score {unit['kind']}s")
            listed[unit["id"]] = {"name": unit["name"], "kind": unit["kind"]}
        if window is not None:
            need(is_date(window["from"]) and is_date(window["until"]) and window["from"] <= window["until"],
                 "the publication window needs two dates YYYY-MM-DD, the first not after the second")
            span = (window["from"], window["until"])
        else:
            span = (f"{year + 1:04d}-04-01", f"{year + 1:04d}-06-30")
        need(previous is None or previous in self.cycles, f"the previous cycle '{previous}' does not exist")
        self.cycles[cycle_id] = Cycle(payload, listed, span)

    def on_CouncilMemberAssigned(self, event, payload):
        cycle_id, actor = member(payload, "cycle", str), member(payload, "actor", str)
        fields, chair = member(payload, "fields", dict), member(payload, "chair", bool)
        need(all(isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in fields.values()),
             "'fields' has the wrong type")
        cycle = self.cycle_wide(event, cycle_id)
        need(is_slug(actor), f"council member id '{actor}' is not a slug")
        need(fields, "a council member is assigned at least one field")
        for kind in sorted(fields):
            identifier = cycle.opened["frameworks"].get(kind) if kind in ("department", "district") else None
            need(identifier in self.frameworks, f"cycle '{cycle_id}' scores no {kind}s")
            known = [code for code, _ in self.frameworks[identifier].fields]
            codes = fields[kind]
            need(codes and len(set(codes)) == len(codes) and all(c in known for c in codes),
                 f"the fields of {kind}s are {', '.join(known)}; each at most once, not {codes}")
        cycle.council[actor] = {"fields": {k: list(v) for k, v in fields.items()}, "chair": chair}

    def on_SpotCheckSeedCommitted(self, event, payload):
        cycle_id, commitment = member(payload, "cycle", str), member(payload, "commitment", str)
        cycle = self.cycle_wide(event, cycle_id)
        need(cycle.commitment is None, f"the spot-check draw of '{cycle_id}' is already committed")
        need(is_hex(commitment, 64), "the commitment is a SHA-256 in 64 lowercase hex digits")
        cycle.commitment = commitment

    def on_DeadlineExtended(self, event, payload):
        until, reason = member(payload, "until", str), member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        moment = parse_time(until, DEADLINE)
        need(moment is not None and moment > cycle.deadline, "an extension must be an ISO 8601 UTC time after the deadline")
        need(reason != "", "an extension needs a reason")
        cycle.extended[unit] = moment

    def on_SelfScoreRecorded(self, event, payload):
        code, text = member(payload, "criterion", str), member(payload, "points", str)
        citations = member(payload, "evidence", list)
        explanation = member(payload, "explanation", str, optional=True) or ""
        cycle, unit, framework = self.context(event, payload)
        self.in_self_assessment(cycle, unit, event)
        row = self.leaf(framework, code, "assessed", unit)
        value = self.within(row, text, unit)
        need(citations or not is_blank(explanation), f"{unit}, criterion {code}: a self-score needs evidence or a written explanation")
        self.check_cited(citations)
        self.applicable(cycle, unit, code)["self"] = value
        self.note_self_assessor(event, cycle, unit)

    def on_NotApplicableMarked(self, event, payload):
        code, basis = member(payload, "criterion", str), member(payload, "legalBasis", str)
        cycle, unit, framework = self.context(event, payload)
        self.in_self_assessment(cycle, unit, event)
        row = framework.by_code.get(code)
        need(row is not None, f"unknown criterion '{code}' for {unit}")
        need(not is_blank(basis), "a not-applicable mark needs its legal basis")
        leaves = [leaf for leaf in framework.leaves_under(row) if leaf["method"] == "assessed"]
        need(leaves, f"criterion {code} is scored by the survey, not by the unit")
        for leaf in leaves:
            score = cycle.scores.setdefault((unit, leaf["code"]), {})
            score.pop("self", None)
            score["na"] = True
        self.note_self_assessor(event, cycle, unit)

    def on_SelfAssessmentSubmitted(self, event, payload):
        cycle, unit, framework = self.context(event, payload)
        self.in_self_assessment(cycle, unit, event)
        missing = [leaf["code"] for leaf in framework.leaves if leaf["method"] == "assessed"
                   and not ({"self", "na"} & set(cycle.scores.get((unit, leaf["code"]), {})))]
        need(not missing, f"'{unit}' cannot submit: {len(missing)} criteria are neither scored nor marked not applicable ({', '.join(missing[:8])})")
        cycle.stage[unit] = "submitted"
        self.note_self_assessor(event, cycle, unit)

    def on_SelfAssessmentWithdrawn(self, event, payload):
        reason = member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage != "self-assessment", f"'{unit}' has not submitted its self-assessment; there is nothing to withdraw")
        need(stage != "appraised", f"the appraisal of '{unit}' is sealed; a self-assessment is withdrawn only before "
                                   "the council records anything")
        deadline = cycle.extended.get(unit, cycle.deadline)
        need(parse_time(event["recordedAt"]) <= deadline, f"the self-assessment deadline for '{unit}' has passed")
        need(not is_blank(reason), "withdrawing a self-assessment needs a reason")
        for (scored, code), score in sorted(cycle.scores.items()):
            need(scored != unit or not ({"appraised", "rejected"} & set(score)),
                 f"the council already recorded criterion {code} of '{unit}'; a self-assessment under appraisal cannot be withdrawn")
        asked = [request for (asked_of, request) in cycle.explanations if asked_of == unit]
        need(not asked, f"the council already asked '{unit}' for an explanation ('{asked[0] if asked else ''}'); "
                        "a self-assessment under appraisal cannot be withdrawn")
        cycle.stage[unit] = "self-assessment"
        self.note_self_assessor(event, cycle, unit)

    @staticmethod
    def under_appraisal(cycle, unit):
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage != "self-assessment", f"'{unit}' has not submitted its self-assessment yet; explanations are asked during appraisal")
        need(stage != "appraised", f"the appraisal of '{unit}' is sealed; the chair reopens it with a reason to change it")

    def on_ExplanationRequested(self, event, payload):
        code, request = member(payload, "criterion", str), member(payload, "request", str)
        question = member(payload, "question", str)
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        self.under_appraisal(cycle, unit)
        self.leaf(framework, code, "assessed", unit)
        self.council_check(event, cycle, unit, criterion=code)
        need(is_slug(request), f"the explanation request '{request}' is not a valid id")
        need(not is_blank(question), "a request for an explanation needs its question")
        need((unit, request) not in cycle.explanations,
             f"'{unit}' was already asked an explanation with the id '{request}'; choose another id")
        cycle.explanations[(unit, request)] = {"criterion": code, "seq": event["seq"], "answered": None}

    def on_ExplanationGiven(self, event, payload):
        request, answer = member(payload, "request", str), member(payload, "answer", str)
        digests = member(payload, "evidence", list)
        need(all(isinstance(digest, str) for digest in digests), "'evidence' has the wrong type")
        cycle, unit, _ = self.context(event, payload)
        self.under_appraisal(cycle, unit)
        record = cycle.explanations.get((unit, request))
        need(record is not None, f"no explanation request '{request}' was made of '{unit}'")
        need(record["answered"] is None,
             f"the explanation request '{request}' of '{unit}' was already answered at event {record['answered']}")
        need(not is_blank(answer), "an explanation needs its answer")
        for digest in digests:
            need(is_hex(digest, 64), f"evidence '{digest}' is not a SHA-256 of 64 hex digits")
            need(digest in self.evidence, f"evidence ({digest[:16]}…) was never added")
        record["answered"] = event["seq"]
        self.note_self_assessor(event, cycle, unit)

    def on_AppraisalScoreRecorded(self, event, payload):
        code, text = member(payload, "criterion", str), member(payload, "points", str)
        reason = member(payload, "reason", str, optional=True) or ""
        citations = member(payload, "evidence", list, optional=True) or []
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage != "self-assessment", f"'{unit}' has not submitted its self-assessment yet; appraisal comes after")
        need(stage != "appraised", f"the appraisal of '{unit}' is sealed; the chair reopens it with a reason to change it")
        row = self.leaf(framework, code, "assessed", unit)
        self.council_check(event, cycle, unit, criterion=code)
        value = self.within(row, text, unit)
        score = self.applicable(cycle, unit, code)
        own = score.get("self", 0)
        need(framework.settings["appraisal"] == "adjust" or value <= own or "rejected" in score,
             f"{unit}, criterion {code}: the council may only recognise or lower the self-score {points_text(own)}")
        self.check_cited(citations)
        need(value == own or not is_blank(reason), f"{unit}, criterion {code}: adjusting {points_text(own)} to {text} needs a reason")
        score["appraised"] = value

    def on_NotApplicableRejected(self, event, payload):
        code, reason = member(payload, "criterion", str), member(payload, "reason", str)
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage == "submitted", f"the appraisal of '{unit}' is sealed; the chair reopens it with a reason to change it"
             if stage == "appraised" else f"'{unit}' has not submitted its self-assessment yet; appraisal comes after")
        row = framework.by_code.get(code)
        need(row is not None, f"unknown criterion '{code}' for {unit}")
        self.council_check(event, cycle, unit, criterion=code)
        need(not is_blank(reason), "rejecting a not-applicable claim needs a reason")
        claimed = [leaf["code"] for leaf in framework.leaves_under(row)
                   if leaf["method"] == "assessed" and "na" in cycle.scores.get((unit, leaf["code"]), {})]
        need(claimed, f"{unit} claimed nothing under {code} as not applicable")
        for leaf in claimed:
            score = cycle.scores[(unit, leaf)]
            del score["na"]
            score["rejected"] = True

    def on_AppraisalConcluded(self, event, payload):
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage == "submitted", f"the appraisal of '{unit}' is already sealed" if stage == "appraised"
             else f"'{unit}' has not submitted its self-assessment yet")
        self.council_check(event, cycle, unit, chair=True)
        for leaf in framework.leaves:
            score = cycle.scores.setdefault((unit, leaf["code"]), {})
            if leaf["method"] == "assessed" and "na" not in score and "appraised" not in score:
                score["appraised"] = score.get("self", 0)
        cycle.stage[unit] = "appraised"

    def on_AppraisalReopened(self, event, payload):
        reason = member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        self.appraisal_open(cycle)
        need(cycle.stage.get(unit, "self-assessment") == "appraised", f"the appraisal of '{unit}' is not sealed")
        self.council_check(event, cycle, unit, chair=True)
        need(not is_blank(reason), "reopening a sealed appraisal needs a reason")
        cycle.stage[unit] = "submitted"

    def on_AppraisalClosed(self, event, payload):
        cycle_id = member(payload, "cycle", str)
        cycle = self.cycle_wide(event, cycle_id)
        self.appraisal_open(cycle)
        need(cycle.council.get(event["actor"], {}).get("chair") is True,
             f"only the chair of the council of '{cycle_id}' closes its appraisal")
        pending = [u for u in cycle.units if cycle.stage.get(u) != "appraised"]
        need(not pending, f"the appraisal is closed once every unit's is sealed; not yet sealed: {', '.join(pending)}")
        cycle.closed = (event["seq"], event["hash"])

    def on_SpotCheckDrawn(self, event, payload):
        cycle_id, kind = member(payload, "cycle", str), member(payload, "kind", str)
        need(kind in ("department", "district"), "'kind' is department or district")
        secret, seed = member(payload, "secret", str), member(payload, "seed", str)
        algorithm, size = member(payload, "algorithm", str), member(payload, "sampleSize", int)
        drawn, added = member(payload, "drawn", list), member(payload, "added", list)
        need(all(isinstance(u, str) for u in drawn + added), "'drawn' and 'added' list unit ids")
        cycle = self.cycle_wide(event, cycle_id)
        need(kind not in cycle.draws, f"the spot-check of {kind}s in '{cycle_id}' was already drawn")
        units = [u for u, info in cycle.units.items() if info["kind"] == kind]
        need(units, f"cycle '{cycle_id}' has no {kind}s")
        need(cycle.closed is not None, f"the spot-check is drawn after the council closes the appraisal of '{cycle_id}'")
        need(is_hex(secret, 64) and sha256(bytes.fromhex(secret)) == cycle.commitment,
             "the revealed secret is not the one the steering committee committed to before appraisal")
        expected_seed = sha256(bytes.fromhex(secret) + bytes.fromhex(cycle.closed[1]))
        need(seed == expected_seed, f"the draw's seed must be SHA-256(secret ‖ hash of the AppraisalClosed event) = {expected_seed}")
        percent = hundredths(self.frameworks[cycle.opened["frameworks"][kind]].settings["spotCheckPercent"])
        expected_size = (len(units) * percent + 9999) // 10000
        need(algorithm == SPOT_CHECK_ALGORITHM and size == expected_size,
             f"the draw must use {SPOT_CHECK_ALGORITHM} with a sample of {expected_size}")
        seed_bytes = bytes.fromhex(expected_seed)
        expected = sorted(units, key=lambda u: hashlib.sha256(seed_bytes + u.encode()).digest())[:expected_size]
        need(drawn == expected, f"the drawn units {drawn} are not what the seed gives ({expected})")
        for unit in added:
            need(unit in units, f"added unit '{unit}' is not a {kind} of the cycle")
            need(unit not in expected, f"added unit '{unit}' was already drawn")
        cycle.draws.add(kind)
        cycle.checked.update(expected + added)

    def on_SpotCheckScoreRecorded(self, event, payload):
        code, decision = member(payload, "criterion", str), member(payload, "decision", str)
        text = member(payload, "points", str, optional=True)
        reason = member(payload, "reason", str, optional=True) or ""
        cycle, unit, framework = self.context(event, payload)
        self.spot_checkable(event, cycle, unit)
        row = self.leaf(framework, code, "assessed", unit)
        score = self.applicable(cycle, unit, code)
        appraised = score.get("appraised", 0)
        if decision == "recognise":
            value = appraised
        elif decision == "not-recognise":
            value = 0
        elif decision in ("raise", "lower"):
            need(text is not None, "a spot-check that raises or lowers needs the new points")
            value = self.within(row, text, unit)
            need(value > appraised if decision == "raise" else value < appraised,
                 f"{unit}, criterion {code}: '{decision}' from the appraised {points_text(appraised)} cannot give {text}")
        else:
            raise RuleBroken(f"a spot-check decision is recognise, not-recognise, raise or lower, not '{decision}'")
        need(decision == "recognise" or not is_blank(reason), f"{unit}, criterion {code}: a spot-check that does not recognise the appraisal needs a reason")
        score["spot"] = value

    def on_SpotCheckConcluded(self, event, payload):
        cycle, unit, _ = self.context(event, payload)
        self.spot_checkable(event, cycle, unit)
        cycle.concluded.add(unit)

    def on_SurveyScoresImported(self, event, payload):
        rows = member(payload, "scores", list)
        member(payload, "source", str)
        for row in rows:
            need(isinstance(row, dict), "'scores' has the wrong type")
            member(row, "criterion", str), member(row, "points", str)
        cycle, unit, framework = self.context(event, payload)
        for row in rows:
            leaf = self.leaf(framework, row["criterion"], "survey", unit)
            value = self.within(leaf, row["points"], unit)
            cycle.scores.setdefault((unit, leaf["code"]), {})["survey"] = value

    def on_UnitExcludedFromRanking(self, event, payload):
        reason = member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        need(reason != "", "leaving a unit out of the ranking needs a reason")
        cycle.excluded[unit] = reason

    def on_ResultsPublished(self, event, payload):
        cycle_id, decision = member(payload, "cycle", str), member(payload, "decision", str)
        date, attested = member(payload, "date", str), member(payload, "resultsHash", str)
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(event["stream"] == f"cycle/{cycle_id}", f"ResultsPublished belongs in the stream 'cycle/{cycle_id}'")
        need(not cycle.published, f"cycle '{cycle_id}' is already published")
        need(not is_blank(decision), "a publication cites the decision that publishes the results")
        missing = self.publication_missing(cycle, date)
        need(not missing, f"cycle '{cycle_id}' cannot be published yet: " + "; ".join(missing))
        computed = sha256(canonical(self.results(cycle_id)))
        need(computed == attested, f"the published results hash {attested[:16]}… does not match the results the events give ({computed[:16]}…)")
        cycle.published = True
        cycle.published_date = date
        self.published[cycle_id] = attested

    def publication_missing(self, cycle, date):
        """Everything a publication still lacks, in the order FORMAT.md lists it (ResultsPublished)."""
        missing = []
        start, until = cycle.window
        if not (is_date(date) and start <= date <= until):
            missing.append(f"the decision's date '{date}' is not a date from {start} to {until}, the publication window")
        unsealed, unchecked, unsurveyed = [], [], []
        for unit, info in cycle.units.items():
            if cycle.stage.get(unit) != "appraised":
                unsealed.append(unit)
            if unit in cycle.checked and unit not in cycle.concluded:
                unchecked.append(unit)
            if unit in cycle.excluded:
                continue
            framework = self.frameworks[cycle.opened["frameworks"][info["kind"]]]
            lacking = [leaf["code"] for leaf in framework.leaves
                       if leaf["method"] == "survey" and "survey" not in cycle.scores.get((unit, leaf["code"]), {})]
            if lacking:
                unsurveyed.append(f"{unit} ({', '.join(lacking)})")
        if unsealed:
            missing.append(f"appraisal not sealed: {', '.join(unsealed)}")
        if cycle.closed is None:
            missing.append("the council has not closed the appraisal")
        for kind in ("department", "district"):
            if any(info["kind"] == kind for info in cycle.units.values()) and kind not in cycle.draws:
                missing.append(f"the spot-check of {kind}s has not been drawn")
        if unchecked:
            missing.append(f"spot-check not concluded: {', '.join(unchecked)}")
        if unsurveyed:
            missing.append(f"survey points missing: {', '.join(unsurveyed)}")
        return missing

    def on_CorrectionRecorded(self, event, payload):
        code, text = member(payload, "criterion", str), member(payload, "points", str)
        decision, reason = member(payload, "decision", str), member(payload, "reason", str)
        cycle, unit, framework = self.context(event, payload, after_publication=True)
        row = self.leaf(framework, code, None, unit)
        need(decision != "" and reason != "", "a correction cites the decision that orders it and gives a reason")
        objection = member(payload, "objection", str, optional=True)
        value = self.within(row, text, unit)
        if objection is not None:
            self.filed_objection(cycle, unit, objection)
        cycle.scores.setdefault((unit, code), {})["correction"] = value

    @staticmethod
    def objection_deadline(date):
        """The last millisecond an objection may be recorded for results published on `date` (YYYY-MM-DD)."""
        midnight = parse_time(date + "T00:00:00Z", DEADLINE)
        return midnight - OBJECTION_ZONE_MILLIS + (OBJECTION_DAYS + 1) * DAY_MILLIS - 1

    @staticmethod
    def filed_objection(cycle, unit, objection):
        record = cycle.objections.get(objection)
        need(record is not None and record["unit"] == unit,
             f"'{unit}' filed no objection '{objection}' in this cycle")
        return record

    def on_ObjectionFiled(self, event, payload):
        objection, reason = member(payload, "objection", str), member(payload, "reason", str)
        code = member(payload, "criterion", str, optional=True)
        cycle_id = member(payload, "cycle", str)
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(cycle.published, f"cycle '{cycle_id}' is not published yet; objections are filed after its results are published")
        cycle, unit, framework = self.context(event, payload, after_publication=True)
        need(is_date(cycle.published_date), f"the publication of cycle '{cycle_id}' bears no date")
        need(parse_time(event["recordedAt"]) <= self.objection_deadline(cycle.published_date),
             f"objections to cycle '{cycle_id}' were due within {OBJECTION_DAYS} days of the decision date {cycle.published_date}")
        need(is_slug(objection), f"the objection '{objection}' is not a valid id")
        if code is not None:
            self.leaf(framework, code, None, unit)
        need(not is_blank(reason), "an objection needs its reason")
        need(objection not in cycle.objections, f"cycle '{cycle_id}' already has an objection '{objection}'; choose another id")
        cycle.objections[objection] = {"unit": unit, "seq": event["seq"], "answered": None}

    def on_ObjectionAnswered(self, event, payload):
        objection, decision = member(payload, "objection", str), member(payload, "decision", str)
        answer = member(payload, "answer", str)
        cycle, unit, _ = self.context(event, payload, after_publication=True)
        record = self.filed_objection(cycle, unit, objection)
        need(record["answered"] is None,
             f"the objection '{objection}' of '{unit}' was already answered at event {record['answered']}")
        need(decision in OBJECTION_DECISIONS, f"an objection is answered 'accepted' or 'rejected', not '{decision}'")
        need(not is_blank(answer), "an answer to an objection needs its text")
        record["answered"] = event["seq"]

    # -- results (FORMAT.md, Scores, results and publication)
    def results(self, cycle_id):
        cycle, computed = self.cycles[cycle_id], []
        for kind in ("department", "district"):
            units = [u for u, info in cycle.units.items() if info["kind"] == kind]
            if not units:
                continue
            framework = self.frameworks[cycle.opened["frameworks"][kind]]
            rows = [(unit, self.unit_fields(cycle, unit, framework)) for unit in units]
            totals = {unit: (sum(f[1] for f in fields), sum(f[2] for f in fields)) for unit, fields in rows}
            ranked = [totals[u] for u in units if u not in cycle.excluded]
            for unit, fields in rows:
                computed.append(self.unit_result(cycle, unit, kind, fields, totals[unit], ranked, framework.settings))
        computed.sort(key=lambda r: (r["kind"] != "department", r["rank"] if r["rank"] is not None else sys.maxsize, r["unit"]))
        return {"cycle": cycle_id, "units": computed}

    @staticmethod
    def unit_fields(cycle, unit, framework):
        fields = []
        for code, leaves in framework.fields:
            points = maximum = 0
            for leaf in leaves:
                score = cycle.scores.get((unit, leaf["code"]), {})
                if "na" in score and "correction" not in score:
                    continue
                maximum += leaf["max"]
                if "correction" in score:
                    points += score["correction"]
                elif leaf["method"] == "survey":
                    points += score.get("survey", 0)
                else:
                    points += score.get("spot", score.get("appraised", score.get("self", 0)))
            fields.append((code, points, maximum))
        return fields

    @staticmethod
    def unit_result(cycle, unit, kind, fields, total, ranked, settings):
        points, maximum = total
        excluded = cycle.excluded.get(unit)
        rank = None if excluded is not None else 1 + sum(1 for p, m in ranked if p * maximum > points * m)
        band = next((b["name"] for b in settings["classes"] if reaches(points, maximum, b["minimumPercent"])), settings["classes"][-1]["name"])
        provincial = reaches(points, maximum, settings["provincialCommendationPercent"]) and all(
            reaches(p, m, settings["fieldMinimumPercent"]) for _, p, m in fields if m > 0)
        return {
            "unit": unit, "name": cycle.units[unit]["name"], "kind": kind, "points": points_text(points),
            "maxPoints": points_text(maximum), "index": percent_text(points, maximum, settings["publishedDecimals"]),
            "class": band, "rank": rank, "excludedFromRanking": excluded,
            "fields": [{"code": c, "points": points_text(p), "maxPoints": points_text(m)} for c, p, m in fields],
            "eligibility": {"provincialCommendation": provincial, "headExcellentRating": provincial,
                            "anyCommendation": reaches(points, maximum, settings["anyCommendationPercent"])},
        }


def reaches(part, whole, percent):
    """part/whole >= percent% (percent as canonical points), exactly; true when whole is 0."""
    return whole <= 0 or part * 10000 >= hundredths(percent) * whole


def percent_text(part, whole, decimals):
    """part/whole in per cent, rounded half-up to `decimals` (0 to 2) decimals, exactly."""
    step = {0: 100, 1: 10, 2: 1}[decimals]
    rounded = 0 if whole <= 0 else (2 * part * 10000 + step * whole) // (2 * step * whole) * step
    whole_part, fraction = divmod(rounded, 100)
    return str(whole_part) if decimals == 0 else f"{whole_part}.{fraction // 10}" if decimals == 1 else f"{whole_part}.{fraction:02d}"


# ---- events ---------------------------------------------------------------------------------------

ENVELOPE_V1 = {"actor": str, "causation": str, "command": str, "correlation": str, "hash": str, "keyId": str,
               "payload": dict, "prev": str, "recordedAt": str, "schemaVersion": int, "seq": int,
               "signature": str, "stream": str, "streamVersion": int, "type": str}
ENVELOPE_V2 = dict(ENVELOPE_V1, basis=dict, signedAt=str)
SIGNED_TOGETHER = ("actor", "keyId", "signature", "correlation", "signedAt", "basis")


def read_event_lines(handle):
    """(line number, bytes without its newline) of each line of events.jsonl, read with a bounded readline."""
    number = 0
    while True:
        line = handle.readline(EVENT_LINE_LIMIT + 2)
        if not line:
            return
        number += 1
        where = f"events.jsonl line {number}"
        if not line.endswith(b"\n"):
            if len(line) > EVENT_LINE_LIMIT:
                raise Failure("parse", f"{where}: longer than 1 MiB")
            raise Failure("parse", f"{where}: the last line does not end in a newline")
        if len(line) > EVENT_LINE_LIMIT + 1:
            raise Failure("parse", f"{where}: longer than 1 MiB")
        if line == b"\n":
            raise Failure("parse", f"{where}: empty line")
        yield number, line[:-1]


def parse_event(line, number):
    """The event object of one line: strict, canonical, with the members of a v1 or v2 envelope."""
    where = f"events.jsonl line {number}"
    event = parse_json(line, where)
    if not isinstance(event, dict):
        raise Failure("parse", f"{where}: not a JSON object")
    if canonical(event, presorted=True) != line:
        raise Failure("parse", f"{where}: not byte for byte the canonical JSON of its object")
    shape = ENVELOPE_V2 if "signedAt" in event or "basis" in event else ENVELOPE_V1
    if set(event) != set(shape) or any(not isinstance(event[k], t) or isinstance(event[k], bool) for k, t in shape.items()):
        raise Failure("parse", f"{where}: not an event envelope (members {sorted(shape)} with their types)")
    problems = [not is_hex(event["hash"], 64), not is_hex(event["prev"], 64), parse_time(event["recordedAt"]) is None,
                event["seq"] < 1, event["streamVersion"] < 1, event["schemaVersion"] < 1]
    if shape is ENVELOPE_V2:
        basis = event["basis"]
        problems += [parse_time(event["signedAt"]) is None, set(basis) != {"hash", "seq"}, not is_hex(basis.get("hash"), 64),
                     not isinstance(basis.get("seq"), int) or isinstance(basis.get("seq"), bool) or basis.get("seq", -1) < 0]
    if any(problems):
        raise Failure("parse", f"{where}: a member of the envelope is malformed")
    return event


def without_hash(line):
    """The canonical JSON of an event line's object without its `hash`: the line, which parse_event
    found to be canonical, less its `,"hash":"<64 hex>"` member. That member is the first `,"hash":"`
    of the line: only actor, basis (whose own hash follows a `{`), causation, command and correlation
    come before it, and a quote inside a string is escaped."""
    at = line.find(b',"hash":"')
    return line[:at] + line[at + 74:]


def signing_bytes(command, ledger_id):
    # Built with its members in canonical order; the events' payloads and bases, as parse_json made
    # them, already have theirs.
    first = command[0]
    message = {"actor": first["actor"]}
    if "signedAt" in first:
        message["basis"] = first["basis"]
    message["correlation"] = first["correlation"]
    message["events"] = [{"payload": e["payload"], "schemaVersion": e["schemaVersion"], "stream": e["stream"], "type": e["type"]}
                         for e in command]
    message["id"], message["ledger"] = first["command"], ledger_id
    if "signedAt" in first:
        message["signedAt"] = first["signedAt"]
    return canonical(message, presorted=True)


class EventWalk:
    """One pass over events.jsonl: chain, commands, signatures, basis and times, rules."""

    def __init__(self, ledger_id, genesis, manifest_ledger):
        self.ledger_id, self.genesis, self.manifest_ledger = ledger_id, genesis, manifest_ledger
        self.actors, self.rules, self.frontier = Actors(), Rules(), Frontier()
        self.hashes = bytearray()  # 32 bytes per event, for bases and receipts
        self.streams, self.command = {}, []
        self.previous, self.last_time, self.signed_since = ZERO_HASH, None, None

    def add(self, event, line):
        seq = event["seq"]
        expected = self.frontier.size + 1
        if seq != expected:
            raise Failure("chain", f"event {expected}: missing (the line holds event {seq})")
        if self.command and self.command[0]["command"] != event["command"]:
            self.finish_command()
        self.check_chain(event, line)
        self.command.append(event)

    def check_chain(self, event, line):
        seq = event["seq"]
        if event["prev"] != self.previous:
            raise Failure("chain", f"event {seq}: its prev does not match the hash of event {seq - 1}")
        if sha256(without_hash(line)) != event["hash"]:
            raise Failure("chain", f"event {seq}: its contents do not match its hash")
        version = self.streams.get(event["stream"], 0) + 1
        if event["streamVersion"] != version:
            raise Failure("chain", f"event {seq}: version {event['streamVersion']} of stream '{event['stream']}', expected {version}")
        moment = parse_time(event["recordedAt"])
        if "signedAt" in event and self.last_time is not None and moment < self.last_time:
            raise Failure("chain", f"event {seq}: recordedAt {event['recordedAt']} is before the previous event's")
        if "signedAt" in event:
            self.signed_since = self.signed_since or seq
        elif self.signed_since is not None:
            raise Failure("command", f"event {seq}: no signedAt and basis after event {self.signed_since} had them")
        if seq == 1:
            self.check_genesis(event)
        self.streams[event["stream"]] = version
        self.previous, self.last_time = event["hash"], moment
        self.hashes += bytes.fromhex(event["hash"])
        self.frontier.append(leaf_hash(bytes.fromhex(event["hash"])))

    def check_genesis(self, event):
        if self.genesis is not None and event["hash"] != self.genesis:
            raise Failure("ledger", f"event 1: its hash {event['hash']} is not the trust policy's genesis {self.genesis}")
        if self.manifest_ledger != self.ledger_id:
            raise Failure("ledger", f"event 1: manifest.json names ledger {self.manifest_ledger!r}, the checkpoint {self.ledger_id!r}")

    def finish_command(self):
        command, self.command = self.command, []
        if not command:
            return
        first = command[0]
        where = f"event {first['seq']}: command '{first['command']}'"
        for event in command[1:]:
            if any(event.get(k) != first.get(k) for k in SIGNED_TOGETHER):
                raise Failure("signature", f"event {event['seq']}: it disagrees with the rest of command '{first['command']}' on who signed it")
        signer = self.check_signature(command, where)
        self.check_basis_and_times(command, where)
        self.check_rules(command, signer)

    def check_signature(self, command, where):
        first = command[0]
        if first["seq"] == 1:
            bootstrap = len(command) == 1 and first["type"] == "ActorEnrolled" and first["payload"].get("actor") == first["actor"]
            signer = self.actors.enrolment_signer(first) if bootstrap else None
            if signer is None:
                raise Failure("signature", f"{where}: the first command must be one ActorEnrolled of its own signer")
        else:
            signer = self.actors.records.get(first["actor"])
        if signer is None:
            raise Failure("signature", f"{where}: signed by unknown actor '{first['actor']}'")
        if signer["status"] != "active":
            raise Failure("signature", f"{where}: actor '{first['actor']}' is suspended")
        if signer["key"] is None or key_id(signer["key"]) != first["keyId"]:
            raise Failure("signature", f"{where}: key {first['keyId']} is not the current key of '{first['actor']}'")
        signature = decode_base64(first["signature"], 64)
        if signature is None or not verify_ed25519(signer["key"], signature, signing_bytes(command, self.ledger_id)):
            raise Failure("signature", f"{where}: the signature does not verify")
        return signer

    def check_basis_and_times(self, command, where):
        first = command[0]
        if "signedAt" not in first:
            return
        basis = first["basis"]
        if basis["seq"] >= first["seq"]:
            raise Failure("command", f"{where}: its basis {basis['seq']} is not before its first event")
        seen = ZERO_HASH if basis["seq"] == 0 else self.hashes[32 * (basis["seq"] - 1):32 * basis["seq"]].hex()
        if basis["hash"] != seen:
            raise Failure("command", f"{where}: its basis hash is not the hash of event {basis['seq']}")
        signed = parse_time(first["signedAt"])
        for event in command:
            if not signed - 5 * 60_000 <= parse_time(event["recordedAt"]) <= signed + 15 * 60_000:
                raise Failure("command", f"event {event['seq']}: recorded at {event['recordedAt']}, more than 5 minutes before "
                                         f"or 15 minutes after its signing at {first['signedAt']}")

    def check_rules(self, command, signer):
        event = None
        try:
            for event in command:
                authorize(event, signer, command[0]["actor"])
            for event in command:
                (self.actors if event["type"] in ACTOR_EVENTS else self.rules).apply(event)
        except RuleBroken as broken:
            raise Failure("rule", f"event {event['seq']} ({event['type']}): {broken}") from None


# ---- the verifier ---------------------------------------------------------------------------------

class Verifier:
    def __init__(self, path, policy, quiet):
        self.path, self.policy, self.quiet = path, policy, quiet

    def ok(self, check):
        if not self.quiet:
            print(f"ok  {check}")

    def run(self, receipt_path):
        self.bundle = Bundle(self.path)
        self.ok(f"{len(self.bundle.files)} files, every one a regular file at an expected path within its size limit")
        self.check_checkpoint()
        self.check_manifest()
        self.walk_events()
        self.check_counts()
        self.check_frameworks()
        self.check_evidence()
        self.check_results()
        self.check_actors()
        if receipt_path is not None:
            self.check_receipt(receipt_path)

    def open_checkpoint(self, data, key, code):
        try:
            note = data.decode("utf-8")
        except UnicodeDecodeError:
            raise Failure("checkpoint", "checkpoint.txt: not UTF-8") from None
        split = split_note(note)
        if not split or not note_signed_by(split[0], split[1], key):
            raise Failure(code, f"checkpoint.txt: no valid signature by the log key {key[0]}")
        parsed = parse_checkpoint(split[0])
        if not parsed:
            raise Failure("checkpoint", "checkpoint.txt: not a C2SP bundle checkpoint")
        return split, parsed

    def check_checkpoint(self):
        data = self.bundle.read("checkpoint.txt")
        if self.policy is not None:
            self.key = self.policy["log"]
            split, parsed = self.open_checkpoint(data, self.key, "log-key")
            problem = quorum_problem(split[0], split[1], self.policy, "checkpoint.txt")
            if problem:
                raise Failure("quorum", problem)
        else:
            text = self.bundle.read("verifier-key.txt")
            key = parse_verifier_key(text[:-1].decode("utf-8", "replace")) if text.endswith(b"\n") else None
            if key is None:
                raise Failure("checkpoint", "verifier-key.txt: not a note verifier key and a newline")
            self.key = key
            split, parsed = self.open_checkpoint(data, key, "checkpoint")
        origin, self.size, self.root, self.results_lines, self.manifest_hash = parsed
        if not origin.startswith("parledger/") or not is_slug(origin[len("parledger/"):]) or origin != self.key[0]:
            raise Failure("ledger", f"checkpoint.txt: its origin {origin!r} is not the log key's name {self.key[0]!r}")
        self.ledger_id = origin[len("parledger/"):]
        self.ok(f"checkpoint signed by the log key {fingerprint(self.key[2])}: {self.size} events of ledger {self.ledger_id}")

    def check_manifest(self):
        data = self.bundle.read("manifest.json")
        if self.manifest_hash is None or sha256(data) != self.manifest_hash:
            raise Failure("manifest", "manifest.json: its hash is not the one on the checkpoint's parledger-manifest line")
        manifest = parse_json(data, "manifest.json")
        members = {"eventCount": int, "files": dict, "format": str, "genesisHash": str, "headHash": str,
                   "ledgerId": str, "rootHash": str, "withEvidence": bool}
        if not isinstance(manifest, dict) or set(manifest) != set(members) or any(
                not isinstance(manifest[k], t) or (t is int and isinstance(manifest[k], bool)) for k, t in members.items()):
            raise Failure("manifest", f"manifest.json: not a manifest (members {sorted(members)} with their types)")
        if manifest["format"] != "parledger-bundle/2":
            raise Failure("manifest", f"manifest.json: format {manifest['format']!r}, not parledger-bundle/2")
        files = manifest["files"]
        for path in sorted(files):
            if path in ("manifest.json", "checkpoint.txt") or file_limit(path) is False:
                raise Failure("path", f"manifest.json: {path!r} is not a path of a bundle file")
            entry = files[path]
            if not (isinstance(entry, dict) and set(entry) == {"sha256", "size"} and is_hex(entry["sha256"], 64)
                    and isinstance(entry["size"], int) and not isinstance(entry["size"], bool) and entry["size"] >= 0):
                raise Failure("manifest", f"manifest.json: the entry of {path} is not {{sha256, size}}")
        present = set(self.bundle.files) - {"manifest.json", "checkpoint.txt"}
        for path in sorted(set(files) - present):
            raise Failure("missing-file", f"{path} is listed in manifest.json but missing")
        for path in sorted(present - set(files)):
            raise Failure("unexpected-file", f"{path} is not listed in manifest.json")
        for path in sorted(files):
            if self.bundle.files[path] != files[path]["size"]:
                raise Failure("manifest", f"{path}: {self.bundle.files[path]} bytes, manifest.json says {files[path]['size']}")
            size, digest = self.bundle.digest(path)
            if size != files[path]["size"] or digest != files[path]["sha256"]:
                raise Failure("manifest", f"{path}: its SHA-256 or size does not match manifest.json")
        self.manifest = manifest
        self.ok(f"manifest bound to the checkpoint; {len(files)} files, each with its size and SHA-256")

    def walk_events(self):
        walk = EventWalk(self.ledger_id, self.policy["genesis"] if self.policy else None, self.manifest["ledgerId"])
        with self.bundle.open("events.jsonl") as handle:
            for number, line in read_event_lines(handle):
                walk.add(parse_event(line, number), line)
        walk.finish_command()
        if walk.frontier.size == 0:
            raise Failure("ledger", "events.jsonl: no event 1")
        self.walk = walk
        self.ok(f"{walk.frontier.size} events: canonical lines, hash chain, stream versions, clock order, genesis, "
                f"every command's signature, basis and times, every role and rule of the cycle")

    def check_counts(self):
        walk, manifest = self.walk, self.manifest
        root = walk.frontier.root()
        if walk.frontier.size != self.size or root != self.root:
            raise Failure("checkpoint", f"checkpoint.txt: {self.size} events with root {self.root.hex()}; "
                                        f"the events give {walk.frontier.size} with root {root.hex()}")
        given = {"eventCount": walk.frontier.size, "headHash": walk.previous, "genesisHash": walk.hashes[:32].hex(), "rootHash": root.hex()}
        for name, value in given.items():
            if manifest[name] != value:
                raise Failure("manifest", f"manifest.json: {name} {manifest[name]!r}, the events give {value!r}")
        self.ok(f"RFC 9162 root {root.hex()} of {walk.frontier.size} events matches the checkpoint and the manifest")

    def present(self, directory):
        return sorted(path for path in self.bundle.files if path.startswith(directory + "/"))

    def check_frameworks(self):
        registered = self.walk.rules.frameworks
        expected = sorted(f"frameworks/{identifier}.json" for identifier in registered)
        if self.present("frameworks") != expected:
            raise Failure("framework", "frameworks/ does not hold exactly the registered frameworks")
        for path in expected:
            if sha256(self.bundle.read(path)) != path[len("frameworks/"):-len(".json")]:
                raise Failure("framework", f"{path}: its content is not the framework registered under that id")
        self.ok(f"{len(expected)} frameworks, exactly the registered ones")

    def check_evidence(self):
        documents = [self.walk.rules.evidence[digest] for digest in sorted(self.walk.rules.evidence)]
        data = self.bundle.read("evidence.json")
        parse_json(data, "evidence.json")
        if data != canonical(documents):
            raise Failure("evidence", "evidence.json does not list exactly the documents the events added")
        expected = [f"evidence/{d['sha256']}" for d in documents] if self.manifest["withEvidence"] else []
        if self.present("evidence") != expected:
            raise Failure("evidence", "evidence/ does not hold exactly the documents evidence.json lists"
                          if expected else "evidence/ holds files but the manifest's withEvidence is false")
        for document, path in zip(documents, expected):
            size, digest = self.bundle.digest(path)
            if digest != document["sha256"] or size != document["size"]:
                raise Failure("evidence", f"{path} ({document['name']}): its content does not have that hash and size")
        self.ok(f"{len(documents)} evidence documents" + (", each file matching its hash and size" if expected else " listed"))

    def check_results(self):
        published = self.walk.rules.published
        if self.present("results") != sorted(f"results/{cycle}.json" for cycle in published):
            raise Failure("results", "results/ does not hold exactly the published cycles")
        for cycle in sorted(published):
            data = self.bundle.read(f"results/{cycle}.json")
            parse_json(data, f"results/{cycle}.json")
            if sha256(data) != published[cycle]:
                raise Failure("results", f"results/{cycle}.json: not the results its publication attested")
        if self.results_lines != sorted(published.items()):
            raise Failure("results", "checkpoint.txt: its parledger-results lines are not exactly the published cycles and hashes")
        self.ok(f"results recomputed exactly; {len(published)} publications follow from the events: {', '.join(sorted(published))}")

    def check_actors(self):
        data = self.bundle.read("actors.json")
        parse_json(data, "actors.json")
        if data != canonical(self.walk.actors.json()):
            raise Failure("actors", "actors.json does not match the actors the events define")
        self.ok(f"{len(self.walk.actors.records)} actors match their events")

    def check_receipt(self, path):
        data = read_regular(path, RECEIPT_LIMIT, "receipt", 2)
        try:
            receipt = parse_json(data, path)
        except Failure as failure:
            raise Failure("receipt", failure.message, 2) from None
        members = {"checkpoint", "command", "events", "format", "ledgerId"}
        if not isinstance(receipt, dict) or set(receipt) != members or receipt["format"] != "parledger-receipt/1" \
                or not isinstance(receipt["checkpoint"], str) or not isinstance(receipt["command"], str) or not isinstance(receipt["events"], list) or not receipt["events"] \
                or canonical(receipt) != data:
            raise Failure("receipt", f"{path}: not a parledger-receipt/1", 2)
        if receipt["ledgerId"] != self.ledger_id:
            raise Failure("receipt", f"{path}: ledger {receipt['ledgerId']!r}, the bundle's is {self.ledger_id!r}")
        split = split_note(receipt["checkpoint"])
        lines = split[0].split("\n")[:-1] if split else []
        root = decode_base64(lines[2], 32) if len(lines) >= 3 else None
        if root is None or lines[0] != f"parledger/{self.ledger_id}" or not re.fullmatch(r"0|[1-9][0-9]{0,19}", lines[1]):
            raise Failure("receipt", f"{path}: its checkpoint is not a C2SP checkpoint of this ledger")
        if not note_signed_by(split[0], split[1], self.key):
            raise Failure("receipt", f"{path}: its checkpoint is not signed by the log key")
        problem = quorum_problem(split[0], split[1], self.policy, path, "its checkpoint") if self.policy else None
        if problem:
            raise Failure("quorum", problem)
        size = int(lines[1])
        for entry in receipt["events"]:
            self.check_receipt_event(path, entry, size, root)
        if size > self.walk.frontier.size or prefix_root(self.walk.hashes, size) != root:
            raise Failure("receipt", f"{path}: the bundle's first {size} events do not have the receipt's root")
        self.ok(f"receipt of command {receipt['command']!r}: its {len(receipt['events'])} events are in the bundle where it says")

    def check_receipt_event(self, path, entry, size, root):
        ok = isinstance(entry, dict) and set(entry) == {"hash", "proof", "seq"} and is_hex(entry["hash"], 64) \
            and isinstance(entry["seq"], int) and entry["seq"] >= 1 and isinstance(entry["proof"], list) \
            and all(is_hex(p, 64) for p in entry["proof"])
        if not ok:
            raise Failure("receipt", f"{path}: malformed event entry", 2)
        seq, leaf = entry["seq"], leaf_hash(bytes.fromhex(entry["hash"]))
        if root_from_inclusion(seq - 1, size, leaf, [bytes.fromhex(p) for p in entry["proof"]]) != root:
            raise Failure("receipt", f"{path}: the inclusion proof of event {seq} does not lead to its checkpoint's root")
        if seq > self.walk.frontier.size or self.walk.hashes[32 * (seq - 1):32 * seq].hex() != entry["hash"]:
            raise Failure("receipt", f"{path}: event {seq} of the bundle is not the receipt's event {entry['hash'][:16]}…")


def prefix_root(hashes, size):
    """The RFC 9162 root of the first `size` events, from their 32-byte hashes."""
    frontier = Frontier()
    for index in range(size):
        frontier.append(leaf_hash(bytes(hashes[32 * index:32 * index + 32])))
    return frontier.root()


def parse_arguments(arguments):
    options, positional, index = {"--trust": None, "--receipt": None, "--quiet": False}, [], 0
    while index < len(arguments):
        argument = arguments[index]
        if argument == "--quiet":
            options["--quiet"] = True
        elif argument in ("--trust", "--receipt") and index + 1 < len(arguments):
            options[argument] = arguments[index + 1]
            index += 1
        elif argument.startswith("-") and argument != "-":
            return None
        else:
            positional.append(argument)
        index += 1
    return (positional[0], options) if len(positional) == 1 else None


def main(arguments):
    parsed = parse_arguments(arguments)
    if parsed is None:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    bundle, options = parsed
    verifier = None
    try:
        policy = None
        if options["--trust"] is not None:
            policy = parse_trust_policy(read_regular(options["--trust"], POLICY_LIMIT, "trust-policy", 2))
        verifier = Verifier(bundle, policy, options["--quiet"])
        verifier.run(options["--receipt"])
    except Failure as failure:
        print(f"FAILED [{failure.code}] {failure.message}")
        return failure.exit_code
    if policy is None:
        print("UNTRUSTED: authenticity not established (no trust policy given); the log key in this bundle has fingerprint "
              f"{fingerprint(verifier.key[2])}; compare it with the one the province publishes")
        return 4
    print("OK: the bundle verifies")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
