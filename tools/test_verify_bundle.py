"""Tests of tools/verify_bundle.py (the package tools/parverify): a seeded mutation fuzz of the strict JSON
parser and the event-line reader, the trust-policy parser, the canonical points rule, the table of event
handlers, and whole bundles built here by hand, with and without the witnesses' cosignatures
(tlog-cosignature/v1) the policy's quorum needs.

Run: python3 -m unittest tools/test_verify_bundle.py
"""

import base64
import contextlib
import hashlib
import io
import os
import random
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402
from parverify import cli  # noqa: E402
from parverify.actors import ROLES_FOR_TYPE, Actors  # noqa: E402
from parverify.merkle import leaf_hash, node_hash  # noqa: E402
from parverify.notes import fingerprint, key_id  # noqa: E402
from parverify.repertoire import REPERTOIRE_RANGES  # noqa: E402
from parverify.results import percent_text  # noqa: E402
from parverify.rules import EVENT_HANDLERS, Rules  # noqa: E402
from parverify.rules.spot_check import SPOT_CHECK_ALGORITHM  # noqa: E402
from parverify.strictjson import canonical, parse_json, sha256  # noqa: E402
from parverify.text import display_name_problem, hundredths, is_blank, is_points, points_text  # noqa: E402
from parverify.trust import parse_trust_policy  # noqa: E402
from parverify.verdicts import Failure, RuleBroken  # noqa: E402
from parverify.walk import ZERO_HASH, parse_event, read_event_lines  # noqa: E402

LEDGER = "test-ledger"


def private_key(name):
    return Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())


def raw_public(key):
    return key.public_key().public_bytes_raw()


def vkey(name, key):
    raw = raw_public(key)
    key_hash = hashlib.sha256(name.encode() + b"\n\x01" + raw).digest()[:4]
    material = base64.b64encode(b"\x01" + raw).decode()
    return f"{name}+{key_hash.hex()}+{material}", key_hash


def sign_note(text, name, key):
    _, key_hash = vkey(name, key)
    return text + "\n— " + name + " " + base64.b64encode(key_hash + key.sign(text.encode())).decode() + "\n"


def witness_vkey(name, key):
    """The tlog-cosignature/v1 verifier key of a witness (type 0x04) and its key ID."""
    material = b"\x04" + raw_public(key)
    key_id = hashlib.sha256(name.encode() + b"\n" + material).digest()[:4]
    return f"{name}+{key_id.hex()}+{base64.b64encode(material).decode()}", key_id


def cosignature(text, name, key, timestamp=1700000000, key_id=None, message=None):
    """The signature line of the witness's cosignature of a note text (another key ID or message when given)."""
    key_id = key_id or witness_vkey(name, key)[1]
    message = message if message is not None else f"cosignature/v1\ntime {timestamp}\n{text}".encode()
    return "— " + name + " " + base64.b64encode(key_id + timestamp.to_bytes(8, "big") + key.sign(message)).decode() + "\n"


def note_text(note):
    """The text a C2SP signed note's signatures cover: its lines before the blank line."""
    return note[:note.rfind("\n\n") + 1]


def mth(leaves):
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def inclusion_path(index, leaves):
    if len(leaves) == 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if index < k:
        return inclusion_path(index, leaves[:k]) + [mth(leaves[k:])]
    return inclusion_path(index - k, leaves[k:]) + [mth(leaves[:k])]


FRAMEWORK = {
    "format": "parledger-framework/1", "name": "Test table", "unitKind": "department", "source": "hand-made",
    "stated": {"assessed": "60", "survey": "40"},
    "settings": {"classes": [{"name": "Tốt", "minimumPercent": "70"}, {"name": "Kém", "minimumPercent": "0"}],
                 "provincialCommendationPercent": "70", "fieldMinimumPercent": "50", "anyCommendationPercent": "50",
                 "appraisal": "lower-only", "spotCheckPercent": "10", "publishedDecimals": 2},
    "criteria": [
        {"code": "1", "title": "Field one", "maxPoints": "60", "children": [
            {"code": "1.1", "title": "A", "maxPoints": "40", "method": "assessed"},
            {"code": "1.2", "title": "B", "maxPoints": "20", "method": "assessed"}]},
        {"code": "2", "title": "Survey", "maxPoints": "40", "method": "survey"},
    ],
}
FRAMEWORK_ID = sha256(canonical(FRAMEWORK))
DOCUMENT = "Báo cáo CCHC năm 2019".encode()
DOCUMENT_SHA = sha256(DOCUMENT)


class BundleBuilder:
    """Appends signed v2 commands, replays them with the verifier's rules, and exports a bundle."""

    def __init__(self, window=None):
        self.window = window  # the cycle's publicationWindow, when it has one
        self.events, self.hashes, self.log = [], [], private_key("log")
        self.time = 1575248400000  # 2019-12-02T01:00:00Z
        self.actors = Actors()
        self.rules, self.commands = Rules(self.actors), 0
        self.results = {}

    def stamp(self):
        seconds, millis = divmod(self.time, 1000)
        return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{millis:03d}Z"

    def issue(self, actor, drafts, check=True):
        self.time += 1000
        self.commands += 1
        key = private_key(actor)
        head = len(self.events)
        basis = {"hash": self.events[-1]["hash"] if self.events else ZERO_HASH, "seq": head}
        signed_at, command = self.stamp(), f"cmd-{self.commands}"
        message = canonical({"actor": actor, "basis": basis, "correlation": command, "id": command, "ledger": LEDGER,
                             "signedAt": signed_at, "events": [dict(d, schemaVersion=1) for d in drafts]})
        signature = base64.b64encode(key.sign(message)).decode()
        recorded = []
        for draft in drafts:
            stream = draft["stream"]
            event = {"actor": actor, "basis": basis, "causation": command, "command": command, "correlation": command,
                     "keyId": key_id(raw_public(key)), "payload": draft["payload"],
                     "prev": self.events[-1]["hash"] if self.events else ZERO_HASH, "recordedAt": signed_at,
                     "schemaVersion": 1, "seq": len(self.events) + 1, "signature": signature, "signedAt": signed_at,
                     "stream": stream, "streamVersion": sum(1 for e in self.events if e["stream"] == stream) + 1,
                     "type": draft["type"]}
            event["hash"] = sha256(canonical(event))
            self.events.append(event)
            recorded.append(event)
        for event in recorded:
            try:
                self.rules.apply(parse_json(canonical(event), "built"))
            except RuleBroken:
                if check:
                    raise
        return recorded

    def enrol(self, actor, name, role, scope=None):
        payload = {"actor": actor, "name": name, "role": role, "publicKey": base64.b64encode(raw_public(private_key(actor))).decode()}
        if scope:
            payload["scope"] = scope
        return {"stream": f"actor/{actor}", "type": "ActorEnrolled", "payload": payload}

    STEPS = ("setup", "self", "commit", "appraise", "close", "draw", "spot", "survey", "publish", "correct")

    def cycle(self, until=None):
        """The whole cycle, or its steps before `until` (one of STEPS)."""
        for step in self.STEPS:
            if step == until:
                return self
            getattr(self, "step_" + step)()
        return self

    @staticmethod
    def unit(u, t, p):
        return {"stream": f"cycle/c2019/unit/{u}", "type": t, "payload": dict(p, cycle="c2019", unit=u)}

    @staticmethod
    def cycle_event(t, p):
        return {"stream": "cycle/c2019", "type": t, "payload": dict(p, cycle="c2019")}

    def step_setup(self):
        self.issue("sec", [self.enrol("sec", "Sở Nội vụ thường trực", "secretariat")])
        self.issue("sec", [self.enrol("officer-a", "Cán bộ A", "unit-officer", "unit-a"),
                           self.enrol("officer-b", "Cán bộ B", "unit-officer", "unit-b"),
                           self.enrol("council", "Hội đồng thẩm định", "council-member"),
                           self.enrol("member", "Thành viên hội đồng", "council-member"),
                           self.enrol("steering", "Ban Chỉ đạo", "steering-committee"),
                           self.enrol("survey", "Đơn vị khảo sát", "survey-contractor")])
        self.issue("sec", [{"stream": f"framework/{FRAMEWORK_ID}", "type": "FrameworkRegistered",
                            "payload": {"id": FRAMEWORK_ID, "framework": FRAMEWORK}}])
        self.issue("sec", [{"stream": "cycle/c2019", "type": "CycleOpened", "payload": {
            "cycle": "c2019", "name": "Chỉ số CCHC 2019", "year": 2019, "frameworks": {"department": FRAMEWORK_ID},
            "units": [{"id": "unit-a", "name": "Sở Tư pháp", "kind": "department"},
                      {"id": "unit-b", "name": "Sở Y tế", "kind": "department"}],
            "selfAssessmentDeadline": "2020-01-15T00:00:00Z", **({"publicationWindow": self.window} if self.window else {})}}])
        # The chair holds every field; the member field 2 only (the survey field: nothing to appraise there).
        self.issue("sec", [self.cycle_event("CouncilMemberAssigned", {"actor": "council", "fields": {"department": ["1", "2"]},
                                                                       "chair": True}),
                           self.cycle_event("CouncilMemberAssigned", {"actor": "member", "fields": {"department": ["2"]},
                                                                       "chair": False})])

    def step_self(self):
        unit = self.unit
        self.issue("officer-a", [
            {"stream": f"evidence/{DOCUMENT_SHA}", "type": "EvidenceAdded",
             "payload": {"sha256": DOCUMENT_SHA, "name": "bao-cao.pdf", "size": len(DOCUMENT), "unit": "unit-a"}},
            unit("unit-a", "SelfScoreRecorded", {"criterion": "1.1", "points": "30", "evidence": [{"name": "bao-cao.pdf", "sha256": DOCUMENT_SHA}]}),
            unit("unit-a", "SelfScoreRecorded", {"criterion": "1.2", "points": "17.5", "evidence": [], "explanation": "Tự tính"}),
            unit("unit-a", "SelfAssessmentSubmitted", {})])
        self.issue("officer-b", [
            unit("unit-b", "SelfScoreRecorded", {"criterion": "1.1", "points": "35.25", "evidence": [], "explanation": "Tự tính"}),
            unit("unit-b", "NotApplicableMarked", {"criterion": "1.2", "legalBasis": "Quyết định 1026"}),
            unit("unit-b", "SelfAssessmentSubmitted", {})])

    SECRET = hashlib.sha256(b"the steering committee's secret").digest()

    def step_commit(self):
        self.issue("steering", [self.cycle_event("SpotCheckSeedCommitted", {"commitment": hashlib.sha256(self.SECRET).hexdigest()})])

    def step_appraise(self):
        unit = self.unit
        self.issue("council", [
            unit("unit-a", "AppraisalScoreRecorded", {"criterion": "1.1", "points": "25", "reason": "Thiếu tài liệu"}),
            unit("unit-a", "AppraisalConcluded", {})])
        self.issue("council", [unit("unit-a", "AppraisalReopened", {"reason": "Giải trình bổ sung"})])
        self.issue("council", [
            unit("unit-b", "NotApplicableRejected", {"criterion": "1", "reason": "Đơn vị có nhiệm vụ kiểm tra"}),
            unit("unit-b", "AppraisalScoreRecorded", {"criterion": "1.2", "points": "15", "reason": "Bổ sung sau giải trình"}),
            unit("unit-a", "AppraisalConcluded", {}), unit("unit-b", "AppraisalConcluded", {})])

    def step_close(self):
        self.closing = self.issue("council", [self.cycle_event("AppraisalClosed", {})])[-1]["hash"]

    def draw(self, secret=None, closing=None):
        """The SpotCheckDrawn draft FORMAT.md asks for (the secret and closing hash may be given)."""
        secret = secret or self.SECRET
        seed = hashlib.sha256(secret + bytes.fromhex(closing or self.closing)).hexdigest()
        drawn = sorted(["unit-a", "unit-b"], key=lambda u: hashlib.sha256(bytes.fromhex(seed) + u.encode()).digest())[:1]
        return self.cycle_event("SpotCheckDrawn", {"kind": "department", "secret": secret.hex(), "seed": seed,
                                                   "algorithm": SPOT_CHECK_ALGORITHM, "sampleSize": 1, "drawn": drawn,
                                                   "added": []})

    def step_draw(self):
        draft = self.draw()
        self.drawn = draft["payload"]["drawn"][0]
        self.issue("steering", [draft])

    def step_spot(self):
        self.issue("steering", [self.unit(self.drawn, "SpotCheckScoreRecorded", {"criterion": "1.1", "decision": "lower",
                                                                                  "points": "20", "reason": "Phúc tra"}),
                                self.unit(self.drawn, "SpotCheckConcluded", {})])

    def step_survey(self):
        self.issue("survey", [self.unit(u, "SurveyScoresImported", {"scores": [{"criterion": "2", "points": "30.5"}], "source": "f" * 64})
                              for u in ("unit-a", "unit-b")])

    def publication(self, date="2020-04-01"):
        results = sha256(canonical(self.rules.results("c2019")))
        return self.cycle_event("ResultsPublished", {"decision": "QĐ 1/2020", "date": date, "resultsHash": results})

    def step_publish(self):
        self.issue("sec", [self.publication()])
        self.results = {"c2019": canonical(self.rules.results("c2019"))}

    def step_correct(self):
        self.issue("sec", [self.unit("unit-b", "CorrectionRecorded", {"criterion": "2", "points": "31", "decision": "QĐ 2/2020",
                                                                       "reason": "Kiến nghị"})])

    def export(self, directory):
        files = {"events.jsonl": b"".join(canonical(e) + b"\n" for e in self.events),
                 f"frameworks/{FRAMEWORK_ID}.json": canonical(FRAMEWORK),
                 "actors.json": canonical(self.actors.json()),
                 "evidence.json": canonical([self.rules.evidence[d] for d in sorted(self.rules.evidence)]),
                 f"evidence/{DOCUMENT_SHA}": DOCUMENT,
                 "verifier-key.txt": (vkey(f"parledger/{LEDGER}", self.log)[0] + "\n").encode()}
        files.update({f"results/{cycle}.json": data for cycle, data in self.results.items()})
        leaves = [leaf_hash(bytes.fromhex(e["hash"])) for e in self.events]
        manifest = canonical({"eventCount": len(self.events), "format": "parledger-bundle/2", "genesisHash": self.events[0]["hash"],
                              "headHash": self.events[-1]["hash"], "ledgerId": LEDGER, "rootHash": mth(leaves).hex(),
                              "withEvidence": True,
                              "files": {p: {"sha256": sha256(d), "size": len(d)} for p, d in files.items()}})
        text = f"parledger/{LEDGER}\n{len(self.events)}\n{base64.b64encode(mth(leaves)).decode()}\n"
        text += "".join(f"parledger-results {c} {sha256(d)}\n" for c, d in sorted(self.results.items()))
        text += f"parledger-manifest {sha256(manifest)}\n"
        files["manifest.json"], files["checkpoint.txt"] = manifest, sign_note(text, f"parledger/{LEDGER}", self.log).encode()
        for path, data in files.items():
            os.makedirs(os.path.join(directory, os.path.dirname(path)), exist_ok=True)
            with open(os.path.join(directory, path), "wb") as handle:
                handle.write(data)
        return directory

    def policy(self):
        return (f"# test\nparledger-trust-policy/1\nledger {LEDGER}\ngenesis {self.events[0]['hash']}\n"
                f"log {vkey(f'parledger/{LEDGER}', self.log)[0]}\nquorum 0\n")

    def receipt(self, seqs=None, command=None):
        """The receipt of `command` (its events, or those of `seqs`), or of the command of `seqs`."""
        command = command or self.events[seqs[0] - 1]["command"]
        seqs = seqs or [e["seq"] for e in self.events if e["command"] == command]
        leaves = [leaf_hash(bytes.fromhex(e["hash"])) for e in self.events]
        text = f"parledger/{LEDGER}\n{len(leaves)}\n{base64.b64encode(mth(leaves)).decode()}\n"
        return canonical({"checkpoint": sign_note(text, f"parledger/{LEDGER}", self.log), "command": command,
                          "format": "parledger-receipt/1", "ledgerId": LEDGER,
                          "events": [{"hash": self.events[s - 1]["hash"], "seq": s,
                                      "proof": [p.hex() for p in inclusion_path(s - 1, leaves)]} for s in seqs]})


def run(arguments):
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        code = cli.main(arguments)
    return code, output.getvalue()


class BundleTests(unittest.TestCase):
    def setUp(self):
        self.temporary = tempfile.TemporaryDirectory()
        self.addCleanup(self.temporary.cleanup)
        self.builder = BundleBuilder().cycle()

    def export(self, builder=None):
        directory = os.path.join(self.temporary.name, f"bundle-{len(os.listdir(self.temporary.name))}")
        (builder or self.builder).export(directory)
        policy = os.path.join(self.temporary.name, f"policy-{len(os.listdir(self.temporary.name))}.txt")
        with open(policy, "w") as handle:
            handle.write((builder or self.builder).policy())
        return directory, policy

    def assertFails(self, arguments, code, exit_code=1):
        status, output = run(arguments)
        self.assertEqual(status, exit_code, output)
        self.assertIn(f"FAILED [{code}]", output)

    def test_valid_bundle_verifies(self):
        bundle, policy = self.export()
        status, output = run([bundle, "--trust", policy])
        self.assertEqual(status, 0, output)
        self.assertTrue(output.endswith("OK: the bundle verifies\n"))

    def test_without_policy_untrusted(self):
        bundle, _ = self.export()
        status, output = run([bundle])
        self.assertEqual(status, 4, output)
        self.assertIn("UNTRUSTED: authenticity not established", output)
        self.assertIn(fingerprint(raw_public(self.builder.log)), output)

    def test_receipt(self):
        bundle, policy = self.export()
        receipt = os.path.join(self.temporary.name, "receipt.json")
        with open(receipt, "wb") as handle:
            handle.write(self.builder.receipt(command="cmd-2"))
        self.assertEqual(run([bundle, "--trust", policy, "--receipt", receipt])[0], 0)
        with open(receipt, "wb") as handle:  # two of the command's events only
            handle.write(self.builder.receipt([2, 3]))
        self.assertFails([bundle, "--trust", policy, "--receipt", receipt], "receipt")
        with open(receipt, "wb") as handle:  # the events of cmd-2 under the id of cmd-1
            handle.write(self.builder.receipt([e["seq"] for e in self.builder.events if e["command"] == "cmd-2"],
                                              command="cmd-1"))
        self.assertFails([bundle, "--trust", policy, "--receipt", receipt], "receipt")
        forged = self.builder.receipt([2])
        with open(receipt, "wb") as handle:
            handle.write(forged.replace(b'"seq":2', b'"seq":3'))
        self.assertFails([bundle, "--trust", policy, "--receipt", receipt], "receipt")
        self.assertFails([bundle, "--trust", policy, "--receipt", receipt + ".missing"], "receipt", 2)

    def test_fifo_and_symlink_refused(self):
        bundle, policy = self.export()
        os.mkfifo(os.path.join(bundle, "results", "x.json"))
        self.assertFails([bundle, "--trust", policy], "file-type")
        os.remove(os.path.join(bundle, "results", "x.json"))
        os.symlink("../../outside", os.path.join(bundle, "results", "x.json"))
        self.assertFails([bundle, "--trust", policy], "file-type")

    def test_unexpected_and_missing_files(self):
        bundle, policy = self.export()
        with open(os.path.join(bundle, "notes.txt"), "w") as handle:
            handle.write("x")
        self.assertFails([bundle, "--trust", policy], "unexpected-file")
        os.remove(os.path.join(bundle, "notes.txt"))
        os.remove(os.path.join(bundle, "actors.json"))
        self.assertFails([bundle, "--trust", policy], "missing-file")

    def test_wrong_log_key_and_genesis(self):
        bundle, policy = self.export()
        other = BundleBuilder()
        other.log = private_key("another log")
        with open(policy, "w") as handle:
            handle.write(self.builder.policy().replace(vkey(f"parledger/{LEDGER}", self.builder.log)[0],
                                                       vkey(f"parledger/{LEDGER}", other.log)[0]))
        self.assertFails([bundle, "--trust", policy], "log-key")
        with open(policy, "w") as handle:
            handle.write(self.builder.policy().replace(self.builder.events[0]["hash"], "a" * 64))
        self.assertFails([bundle, "--trust", policy], "ledger")

    def test_tampered_file_caught_by_manifest(self):
        bundle, policy = self.export()
        with open(os.path.join(bundle, "actors.json"), "ab") as handle:
            handle.write(b" ")
        self.assertFails([bundle, "--trust", policy], "manifest")

    def test_rules(self):
        unit_b = lambda t, p: {"stream": "cycle/c2019/unit/unit-b", "type": t, "payload": dict(p, cycle="c2019", unit="unit-b")}  # noqa: E731
        cases = [
            ("officer-a", [unit_b("SelfScoreRecorded", {"criterion": "1.1", "points": "1", "evidence": [], "explanation": "x"})]),
            ("sec", [unit_b("CorrectionRecorded", {"criterion": "1.1", "points": "2,5", "decision": "d", "reason": "r"})]),
            ("sec", [unit_b("CorrectionRecorded", {"criterion": "1.1", "points": "41", "decision": "d", "reason": "r"})]),
            ("sec", [self.builder.enrol("new-actor", "sở tư pháp", "auditor"), self.builder.enrol("other", "Sở  Y tế", "auditor")]),
            ("sec", [self.builder.enrol("x", "Сергей", "auditor")]),
            ("council", [unit_b("AppraisalConcluded", {})]),
        ]
        for actor, drafts in cases:
            builder = BundleBuilder().cycle()
            builder.issue(actor, drafts, check=False)
            bundle, policy = self.export(builder)
            with self.subTest(drafts=drafts):
                self.assertFails([bundle, "--trust", policy], "rule")

    def test_unknown_event_type_refused(self):
        builder = BundleBuilder().cycle(until="publish")
        self.assertRefused(builder, "sec", [BundleBuilder.cycle_event("CycleArchived", {})],
                           "(CycleArchived): 'CycleArchived' is not an event type of the PAR ledger")

    def assertCasesRefused(self, cases, late):
        """Each case (name, the cycle's first step left out, commands before, actor, drafts, fragment)
        is refused; a command before that is "late" moves the clock to `late` instead."""
        for name, until, before, actor, drafts, fragment in cases:
            with self.subTest(name):
                builder = BundleBuilder().cycle(until=until)
                for step in before:
                    if step == "late":
                        builder.time = late
                    else:
                        builder.issue(*step)
                self.assertRefused(builder, actor, drafts, fragment)

    def assertRefused(self, builder, actor, drafts, *fragments):
        """One command appended to `builder` breaks a rule: FAILED [rule] naming its first event and each fragment."""
        seq = len(builder.events) + 1
        builder.issue(actor, drafts, check=False)
        bundle, policy = self.export(builder)
        status, output = run([bundle, "--trust", policy])
        self.assertEqual(status, 1, output)
        self.assertIn(f"FAILED [rule] event {seq} ", output)
        for fragment in fragments:
            self.assertIn(fragment, output)

    def test_cycle_rules(self):
        B, unit, cycle_event = BundleBuilder, BundleBuilder.unit, BundleBuilder.cycle_event
        appraise = lambda u, code, points, **more: unit(u, "AppraisalScoreRecorded", dict({"criterion": code, "points": points}, **more))  # noqa: E731
        cases = [
            ("member outside its fields", "appraise", "member", [appraise("unit-a", "1.1", "30")], "appraises fields 2"),
            ("a member seals", "appraise", "member", [unit("unit-a", "AppraisalConcluded", {})], "only the chair"),
            ("a member reopens", "close", "member", [unit("unit-a", "AppraisalReopened", {"reason": "r"})], "only the chair"),
            ("appraisal before the commitment", "commit", "council", [appraise("unit-a", "1.1", "30")], "opens once"),
            ("appraisal after the close", "draw", "council", [appraise("unit-a", "1.1", "30")], "was closed at event"),
            ("N/A rejected outside the fields", "appraise", "member",
             [unit("unit-b", "NotApplicableRejected", {"criterion": "1.2", "reason": "r"})], "appraises fields 2"),
            ("N/A rejected where none was claimed", "appraise", "council",
             [unit("unit-a", "NotApplicableRejected", {"criterion": "1", "reason": "r"})], "claimed nothing"),
            ("close with unsealed units", "appraise", "council", [cycle_event("AppraisalClosed", {})], "not yet sealed: unit-a, unit-b"),
            ("close by a member", "close", "member", [cycle_event("AppraisalClosed", {})], "only the chair"),
            ("second commitment", "appraise", "steering", [cycle_event("SpotCheckSeedCommitted", {"commitment": "a" * 64})],
             "already committed"),
            ("spot-check score after its conclusion", "survey", "steering", None, "is concluded"),
            ("publication outside its window", "publish", "sec", "2020-07-01", "publication window"),
            ("publication on a date that does not exist", "publish", "sec", "2020-04-31", "publication window"),
        ]
        for name, until, actor, drafts, fragment in cases:
            with self.subTest(name):
                builder = B().cycle(until=until)
                if drafts is None:
                    drafts = [unit(builder.drawn, "SpotCheckScoreRecorded", {"criterion": "1.1", "decision": "recognise"})]
                elif isinstance(drafts, str):
                    drafts = [builder.publication(date=drafts)]
                self.assertRefused(builder, actor, drafts, fragment)

    def test_withdrawal_and_explanations_in_a_cycle_that_verifies(self):
        unit = BundleBuilder.unit
        builder = BundleBuilder().cycle(until="appraise")
        builder.issue("officer-a", [unit("unit-a", "SelfAssessmentWithdrawn", {"reason": "Bổ sung tài liệu"})])
        builder.issue("officer-a", [unit("unit-a", "SelfScoreRecorded", {"criterion": "1.1", "points": "30",
                                                                          "evidence": [], "explanation": "Tính lại"}),
                                    unit("unit-a", "SelfAssessmentSubmitted", {})])
        builder.issue("council", [unit("unit-a", "ExplanationRequested", {"criterion": "1.1", "request": "gt-1",
                                                                           "question": "Báo cáo gửi ngày nào?"})])
        builder.issue("officer-a", [unit("unit-a", "ExplanationGiven", {"request": "gt-1", "answer": "Ngày 10/12/2019",
                                                                         "evidence": [DOCUMENT_SHA]})])
        for step in BundleBuilder.STEPS[BundleBuilder.STEPS.index("appraise"):]:
            getattr(builder, "step_" + step)()
        bundle, policy = self.export(builder)
        status, output = run([bundle, "--trust", policy])
        self.assertEqual(status, 0, output)

    def test_withdrawal_and_explanation_rules(self):
        unit = BundleBuilder.unit
        withdraw = unit("unit-a", "SelfAssessmentWithdrawn", {"reason": "Bổ sung"})
        ask = lambda code="1.1", request="gt-1", question="Vì sao?": unit(  # noqa: E731
            "unit-a", "ExplanationRequested", {"criterion": code, "request": request, "question": question})
        answer = lambda request="gt-1", evidence=(DOCUMENT_SHA,), text="Giải trình": unit(  # noqa: E731
            "unit-a", "ExplanationGiven", {"request": request, "answer": text, "evidence": list(evidence)})
        appraise = unit("unit-a", "AppraisalScoreRecorded", {"criterion": "1.1", "points": "25", "reason": "Thiếu"})
        seal = unit("unit-a", "AppraisalConcluded", {})
        late = 1579046400000  # 2020-01-15T00:00:00Z
        cases = [  # name, first step left out, commands before, actor, drafts, fragment
            ("withdrawal by a council member", "appraise", [], "council", [withdraw], "needs the role unit-officer"),
            ("withdrawal by another unit's officer", "appraise", [], "officer-b", [withdraw], "its grants are scoped"),
            ("withdrawal before submission", "self", [], "officer-a", [withdraw], "has not submitted"),
            ("withdrawal after the deadline", "appraise", ["late"], "officer-a", [withdraw], "deadline for 'unit-a'"),
            ("withdrawal after an appraisal", "appraise", [("council", [appraise])], "officer-a", [withdraw],
             "the council already recorded criterion 1.1"),
            ("withdrawal after a request", "appraise", [("council", [ask()])], "officer-a", [withdraw], "already asked"),
            ("withdrawal after the seal", "appraise", [("council", [seal])], "officer-a", [withdraw], "is sealed"),
            ("withdrawal without a reason", "appraise", [], "officer-a",
             [unit("unit-a", "SelfAssessmentWithdrawn", {"reason": " "})], "needs a reason"),
            ("request by an officer", "appraise", [], "officer-a", [ask()], "needs the role council-member"),
            ("request outside the member's fields", "appraise", [], "member", [ask()], "appraises fields 2"),
            ("request before the commitment", "commit", [], "council", [ask()], "opens once"),
            ("request of a withdrawn unit", "appraise", [("officer-a", [withdraw])], "council", [ask()], "has not submitted"),
            ("request after the seal", "appraise", [("council", [seal])], "council", [ask()], "is sealed"),
            ("request with a bad id", "appraise", [], "council", [ask(request="GT 1")], "not a valid id"),
            ("request without a question", "appraise", [], "council", [ask(question="")], "needs its question"),
            ("request on a parent criterion", "appraise", [], "council", [ask(code="1")], "sum of its sub-criteria"),
            ("request id used twice", "appraise", [("council", [ask()])], "council", [ask(code="1.2")], "already asked"),
            ("answer by the council", "appraise", [("council", [ask()])], "council", [answer()], "needs the role unit-officer"),
            ("answer to an unknown request", "appraise", [("council", [ask()])], "officer-a", [answer("gt-2")],
             "no explanation request 'gt-2'"),
            ("answer given twice", "appraise", [("council", [ask()]), ("officer-a", [answer()])], "officer-a", [answer()],
             "already answered"),
            ("answer citing a document never added", "appraise", [("council", [ask()])], "officer-a",
             [answer(evidence=("b" * 64,))], "never added"),
            ("answer without text", "appraise", [("council", [ask()])], "officer-a", [answer(text="")], "needs its answer"),
            ("answer after the seal", "appraise", [("council", [ask(), seal])], "officer-a", [answer()], "is sealed"),
        ]
        self.assertCasesRefused(cases, late)

    def test_objections_in_a_cycle_that_verifies(self):
        unit = BundleBuilder.unit
        builder = BundleBuilder().cycle(until="correct")
        builder.time = 1588352399000 - 2000  # the second filing is stamped 2020-05-01T16:59:59Z, the last second allowed
        builder.issue("officer-b", [unit("unit-b", "ObjectionFiled", {"objection": "kn-1", "criterion": "2",
                                                                      "reason": "Điểm khảo sát chưa đúng"})])
        builder.issue("officer-a", [unit("unit-a", "ObjectionFiled", {"objection": "kn-2", "reason": "Xếp hạng chưa đúng"})])
        builder.issue("sec", [unit("unit-b", "ObjectionAnswered", {"objection": "kn-1", "decision": "accepted",
                                                                   "answer": "Chấp nhận"}),
                              unit("unit-a", "ObjectionAnswered", {"objection": "kn-2", "decision": "rejected",
                                                                   "answer": "Không có căn cứ"})])
        builder.issue("sec", [unit("unit-b", "CorrectionRecorded", {"criterion": "2", "points": "31", "decision": "QĐ 2/2020",
                                                                    "reason": "Kiến nghị", "objection": "kn-1"})])
        builder.step_correct()  # a correction citing no objection, as before objections existed
        bundle, policy = self.export(builder)
        status, output = run([bundle, "--trust", policy])
        self.assertEqual(status, 0, output)

    def test_objection_rules(self):
        unit = BundleBuilder.unit
        file = lambda u="unit-a", objection="kn-1", reason="Chưa đúng", **more: unit(  # noqa: E731
            u, "ObjectionFiled", dict({"objection": objection, "reason": reason}, **more))
        answer = lambda objection="kn-1", decision="accepted", text="Chấp nhận", u="unit-a": unit(  # noqa: E731
            u, "ObjectionAnswered", {"objection": objection, "decision": decision, "answer": text})
        correct = lambda objection: unit("unit-a", "CorrectionRecorded", {  # noqa: E731
            "criterion": "1.1", "points": "40", "decision": "QĐ 2/2020", "reason": "Kiến nghị", "objection": objection})
        late = 1588352400000 - 1000  # the command is stamped 2020-05-01T17:00:00Z, 2020-05-02 in Vietnam
        filed = ("officer-a", [file()])
        cases = [  # name, first step left out, commands before, actor, drafts, fragment
            ("objection before publication", "publish", [], "officer-a", [file()], "is not published yet"),
            ("objection after the 30 days", "correct", ["late"], "officer-a", [file()], "were due within 30 days"),
            ("objection by the secretariat", "correct", [], "sec", [file()], "needs the role unit-officer"),
            ("objection for another unit", "correct", [], "officer-b", [file()], "its grants are scoped"),
            ("objection with a bad id", "correct", [], "officer-a", [file(objection="KN 1")], "not a valid id"),
            ("objection without a reason", "correct", [], "officer-a", [file(reason=" ")], "needs its reason"),
            ("objection on an unknown criterion", "correct", [], "officer-a", [file(criterion="9.9")], "unknown criterion"),
            ("objection on a parent criterion", "correct", [], "officer-a", [file(criterion="1")], "sum of its sub-criteria"),
            ("objection id used twice in the cycle", "correct", [filed], "officer-b", [file("unit-b")],
             "already has an objection 'kn-1'"),
            ("answer by the unit", "correct", [filed], "officer-a", [answer()], "needs the role secretariat"),
            ("answer to an unknown objection", "correct", [filed], "sec", [answer("kn-9")], "filed no objection 'kn-9'"),
            ("answer naming another unit", "correct", [filed], "sec", [answer(u="unit-b")], "filed no objection 'kn-1'"),
            ("answer with an unknown decision", "correct", [filed], "sec", [answer(decision="partly")],
             "'accepted' or 'rejected'"),
            ("answer without text", "correct", [filed], "sec", [answer(text="")], "needs its text"),
            ("answer given twice", "correct", [filed, ("sec", [answer()])], "sec", [answer(decision="rejected")],
             "already answered"),
            ("correction citing an unknown objection", "correct", [filed], "sec", [correct("kn-9")],
             "filed no objection 'kn-9'"),
        ]
        self.assertCasesRefused(cases, late)

    def test_draw_rules(self):
        builder = BundleBuilder().cycle(until="close")
        self.assertRefused(builder, "steering", [builder.draw(closing=builder.events[-1]["hash"])], "after the council closes")
        builder = BundleBuilder().cycle(until="draw")
        self.assertRefused(builder, "steering", [builder.draw(secret=b"\x01" * 32)], "revealed secret")
        builder = BundleBuilder().cycle(until="draw")
        old = builder.draw()  # the seed of format 1: the hash of the event before the draw
        old["payload"]["seed"] = builder.events[-1]["hash"]
        old["payload"]["drawn"] = sorted(["unit-a", "unit-b"], key=lambda u: hashlib.sha256(
            bytes.fromhex(old["payload"]["seed"]) + u.encode()).digest())[:1]
        self.assertRefused(builder, "steering", [old], "SHA-256(secret ‖ hash of the AppraisalClosed event)")

    def test_who_holds_a_role_in_a_unit_or_self_assessed_it_may_not_appraise_it(self):
        def officer_on_the_council(still_officer):
            builder = BundleBuilder().cycle(until="appraise")
            events = [{"stream": "actor/officer-a", "type": "RoleGranted",
                       "payload": {"actor": "officer-a", "role": "council-member"}},
                      BundleBuilder.cycle_event("CouncilMemberAssigned", {"actor": "officer-a", "chair": False,
                                                                          "fields": {"department": ["1"]}})]
            if not still_officer:
                events.append({"stream": "actor/officer-a", "type": "RoleRevoked",
                               "payload": {"actor": "officer-a", "role": "unit-officer", "scope": "unit-a"}})
            builder.issue("sec", events)
            return builder
        appraisal = BundleBuilder.unit("unit-a", "AppraisalScoreRecorded", {"criterion": "1.1", "points": "30"})
        self.assertRefused(officer_on_the_council(True), "officer-a", [appraisal],
                           "'officer-a' holds the role unit-officer in 'unit-a' and may not judge that unit")
        self.assertRefused(officer_on_the_council(False), "officer-a", [appraisal],
                           "self-assessed unit-a and may not appraise it")

    def test_publication_prerequisites_listed_together(self):
        builder = BundleBuilder().cycle(until="close")
        self.assertRefused(builder, "sec", [builder.publication(date="2021-01-01")],
                           "the decision's date '2021-01-01' is not a date from 2020-04-01 to 2020-06-30",
                           "; the council has not closed the appraisal; the spot-check of departments has not been drawn; "
                           "survey points missing: unit-a (2), unit-b (2)")
        builder = BundleBuilder().cycle(until="spot")
        builder.issue("steering", [builder.unit(builder.drawn, "SpotCheckScoreRecorded", {"criterion": "1.1", "decision": "recognise"})])
        builder.step_survey()
        self.assertRefused(builder, "sec", [builder.publication()], f"cannot be published yet: spot-check not concluded: {builder.drawn}")

    def test_publication_window_of_the_cycle(self):
        builder = BundleBuilder().cycle(until="publish")
        opened = next(e["payload"] for e in builder.events if e["type"] == "CycleOpened")
        opened = dict(opened, cycle="c2020", year=2020, publicationWindow={"from": "2021-05-01", "until": "2021-04-30"})
        self.assertRefused(builder, "sec", [{"stream": "cycle/c2020", "type": "CycleOpened", "payload": opened}], "publication window")
        builder = BundleBuilder(window={"from": "2020-03-01", "until": "2020-03-31"}).cycle(until="publish")
        self.assertRefused(builder, "sec", [builder.publication(date="2020-04-01")], "not a date from 2020-03-01 to 2020-03-31")
        builder = BundleBuilder(window={"from": "2020-03-01", "until": "2020-03-31"}).cycle(until="publish")
        builder.issue("sec", [builder.publication(date="2020-03-31")])
        builder.results = {"c2019": canonical(builder.rules.results("c2019"))}
        bundle, policy = self.export(builder)
        self.assertEqual(run([bundle, "--trust", policy])[0], 0)

    def test_multi_fault_names_the_first_rule_of_the_projector(self):
        # outside the member's fields and over the maximum: the council check comes before "within"
        builder = BundleBuilder().cycle(until="appraise")
        self.assertRefused(builder, "member", [BundleBuilder.unit("unit-a", "AppraisalScoreRecorded", {"criterion": "1.1",
                                                                                                      "points": "99"})],
                           "appraises fields 2")
        # a member seals a unit that is not submitted: the stage comes before the council check
        builder = BundleBuilder().cycle(until="self")
        builder.step_commit()
        self.assertRefused(builder, "member", [BundleBuilder.unit("unit-a", "AppraisalConcluded", {})], "has not submitted")

    def test_spot_check_percent_below_ten(self):
        low = dict(FRAMEWORK, name="Low spot-check", settings=dict(FRAMEWORK["settings"], spotCheckPercent="5"))
        identifier = sha256(canonical(low))
        builder = BundleBuilder().cycle(until="self")
        self.assertRefused(builder, "sec", [{"stream": f"framework/{identifier}", "type": "FrameworkRegistered",
                                             "payload": {"id": identifier, "framework": low}}], "at least 10%")

    def test_a_table_of_another_total_is_registered_and_one_off_its_stated_total_refused(self):
        criteria = [dict(FRAMEWORK["criteria"][0], maxPoints="60"), dict(FRAMEWORK["criteria"][1], maxPoints="90")]
        nine_fifty = dict(FRAMEWORK, name="Bảng 150 điểm", stated={"assessed": "60", "survey": "90"}, criteria=criteria)
        from parverify.frameworks import check_framework
        guided = dict(nine_fifty, criteria=[dict(criteria[0], guidance="Đủ: 60 điểm; thiếu một báo cáo: 30 điểm"),
                                            criteria[1]])
        check_framework(guided)
        with self.assertRaises(RuleBroken):
            check_framework(dict(nine_fifty, criteria=[dict(criteria[0], guidance="\u3000"), criteria[1]]))
        rows = check_framework(nine_fifty)
        self.assertEqual([(row["code"], row["max"]) for row in rows], [("1", 6000), ("1.1", 4000), ("1.2", 2000),
                                                                       ("2", 9000)])
        off = dict(nine_fifty, name="Bảng lệch", stated={"assessed": "60", "survey": "40"})
        identifier = sha256(canonical(off))
        builder = BundleBuilder().cycle(until="self")
        self.assertRefused(builder, "sec", [{"stream": f"framework/{identifier}", "type": "FrameworkRegistered",
                                             "payload": {"id": identifier, "framework": off}}],
                           "the fields add up to 150, not the stated total 100")

    def test_bonus_and_penalty_fields_stand_outside_the_maximum(self):
        from parverify.frameworks import Framework, check_framework
        from parverify.results import Results
        bonus = {"code": "3", "title": "Điểm thưởng", "maxPoints": "5", "children": [
            {"code": "3.1", "title": "Sáng kiến", "maxPoints": "5", "method": "assessed", "adjustment": "bonus"}]}
        penalty = {"code": "4", "title": "Điểm trừ", "maxPoints": "4", "children": [
            {"code": "4.1", "title": "Phản ánh đúng", "maxPoints": "2", "method": "assessed", "adjustment": "penalty"},
            {"code": "4.2", "title": "Chậm báo cáo", "maxPoints": "2", "method": "assessed", "adjustment": "penalty"}]}
        document = dict(FRAMEWORK, criteria=FRAMEWORK["criteria"] + [bonus, penalty])
        framework = Framework(document, check_framework(document))
        self.assertEqual(framework.adjustment, {"1": None, "2": None, "3": "bonus", "4": "penalty"})
        fields = [("1", 5000, 6000), ("2", 3000, 4000), ("3", 250, 500), ("4", 150, 400)]
        self.assertEqual(Results.total(fields, framework), 8100)
        self.assertEqual(Results.total([("1", 100, 6000), ("4", 400, 400)], framework), 0)
        mixed = dict(penalty, children=[penalty["children"][0], dict(penalty["children"][1], adjustment=None)])
        mixed["children"][1].pop("adjustment")
        with self.assertRaisesRegex(RuleBroken, "the leaves of a field are all bonus, all penalty or neither"):
            check_framework(dict(FRAMEWORK, criteria=FRAMEWORK["criteria"] + [bonus, mixed]))
        surveyed = dict(bonus, children=[dict(bonus["children"][0], method="survey")])
        with self.assertRaisesRegex(RuleBroken, "a bonus criterion is a leaf scored by the unit and the council"):
            check_framework(dict(FRAMEWORK, criteria=FRAMEWORK["criteria"] + [surveyed]))


class TrustPolicyTests(unittest.TestCase):
    def setUp(self):
        self.good = BundleBuilder().cycle().policy()

    def test_good_policy(self):
        policy = parse_trust_policy(self.good.encode())
        self.assertEqual(policy["ledger"], LEDGER)
        self.assertEqual(policy["quorum"], 0)

    def test_bad_policies(self):
        lines = self.good.split("\n")
        bad = [
            self.good.replace("parledger-trust-policy/1", "parledger-trust-policy/2"),
            self.good + "ledger other\n",
            self.good + "quorum 0\n",
            self.good + "quorum 1\n",
            self.good.replace("quorum 0", "quorum 1"),
            self.good.replace("quorum 0\n", ""),
            self.good.replace(f"ledger {LEDGER}", "ledger Bad_Id"),
            self.good.replace("genesis ", "genesis  "),
            self.good.replace(f"ledger {LEDGER}", "ledger other-ledger"),  # log key name no longer matches
            "\n".join(lines[:2] + ["unknown line"] + lines[2:]),
            self.good.replace("\n", "\r\n"),
            self.good + "#" * (64 * 1024),
        ]
        for text in bad:
            with self.subTest(text=text[:200]):
                with self.assertRaises(Failure) as caught:
                    parse_trust_policy(text.encode())
                self.assertEqual((caught.exception.code, caught.exception.exit_code), ("trust-policy", 2))
        with self.assertRaises(Failure):
            parse_trust_policy(b"\xff" + self.good.encode())

    def assertPolicyRefused(self, text, fragment):
        with self.assertRaises(Failure) as caught:
            parse_trust_policy(text.encode())
        self.assertEqual((caught.exception.code, caught.exception.exit_code), ("trust-policy", 2))
        self.assertIn(fragment, caught.exception.message)

    def test_witness_policy(self):
        builder = BundleBuilder()
        builder.events = [{"hash": "a" * 64}]
        policy = parse_trust_policy(witness_policy(builder).encode())
        self.assertEqual([w[0] for w in policy["witnesses"]], list(WITNESSES))
        self.assertEqual(policy["quorum"], 2)

    def test_witness_key_of_type_1_refused(self):
        builder = BundleBuilder()
        builder.events = [{"hash": "a" * 64}]
        plain = vkey(WITNESSES[0], private_key(WITNESSES[0]))[0]
        self.assertPolicyRefused(witness_policy(builder, quorum=1, lines=[f"witness {plain}\n"]),
                                 "witnesses need cosignature (0x04) keys")
        wrong_id = witness_vkey(WITNESSES[0], private_key(WITNESSES[0]))[0].replace("+", "+0", 1)[:-1]
        self.assertPolicyRefused(witness_policy(builder, quorum=0, lines=[f"witness {wrong_id}\n"]), "(0x04) keys")

    def test_duplicate_witness_names_refused(self):
        builder = BundleBuilder()
        builder.events = [{"hash": "a" * 64}]
        name = WITNESSES[0]
        lines = [f"witness {witness_vkey(name, private_key(k))[0]}\n" for k in ("one", "two")]
        self.assertPolicyRefused(witness_policy(builder, quorum=1, lines=lines), f"a second witness named {name!r}")

    def test_one_key_under_two_witness_names_refused(self):
        # the cosigned message does not hold the witness's name: one signature could be relabelled and count twice
        builder = BundleBuilder()
        builder.events = [{"hash": "a" * 64}]
        lines = [f"witness {witness_vkey(name, private_key('one key'))[0]}\n" for name in WITNESSES]
        self.assertPolicyRefused(witness_policy(builder, quorum=2, lines=lines), f"the public key of {WITNESSES[0]!r}")

    def test_witness_named_as_the_log_refused(self):
        builder = BundleBuilder()
        builder.events = [{"hash": "a" * 64}]
        line = f"witness {witness_vkey(f'parledger/{LEDGER}', private_key('w'))[0]}\n"
        self.assertPolicyRefused(witness_policy(builder, quorum=1, lines=[line]), "a witness has the log key's name")


WITNESSES = ("witness.example/alpha", "witness.example/beta")


def witness_policy(builder, names=WITNESSES, quorum=2, lines=None):
    """The builder's policy with a witness line per name and the quorum (or with these `lines` instead)."""
    lines = lines if lines is not None else [f"witness {witness_vkey(n, private_key(n))[0]}\n" for n in names]
    return builder.policy().replace("quorum 0\n", "".join(lines) + f"quorum {quorum}\n")


class CosignatureTests(unittest.TestCase):
    """Witnesses cosign the checkpoint (tlog-cosignature/v1); a bundle without the policy's quorum fails."""

    @classmethod
    def setUpClass(cls):
        cls.temporary = tempfile.TemporaryDirectory()
        cls.builder = BundleBuilder().cycle()
        cls.bundle = cls.builder.export(os.path.join(cls.temporary.name, "bundle"))
        with open(os.path.join(cls.bundle, "checkpoint.txt"), encoding="utf-8") as handle:
            cls.note = handle.read()
        cls.text = note_text(cls.note)
        cls.alpha, cls.beta = (private_key(name) for name in WITNESSES)

    @classmethod
    def tearDownClass(cls):
        cls.temporary.cleanup()

    def verify(self, lines, policy=None, receipt=None):
        """The verdict on the bundle whose checkpoint carries these extra signature lines."""
        with open(os.path.join(self.bundle, "checkpoint.txt"), "w", encoding="utf-8") as handle:
            handle.write(self.note + "".join(lines))
        path = os.path.join(self.temporary.name, "policy.txt")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(policy if policy is not None else witness_policy(self.builder))
        arguments = [self.bundle, "--trust", path]
        if receipt is not None:
            arguments += ["--receipt", os.path.join(self.temporary.name, "receipt.json")]
            with open(arguments[-1], "wb") as handle:
                handle.write(receipt)
        return run(arguments)

    def assertQuorumFails(self, lines, valid, where="checkpoint.txt", receipt=None):
        status, output = self.verify(lines, receipt=receipt)
        self.assertEqual(status, 1, output)
        self.assertIn(f"FAILED [quorum] {where}: {len(valid)} of the 2 witnesses the policy needs cosign", output)
        self.assertIn(f"(valid: {', '.join(valid) or 'none'})", output)

    def cosign(self, name, text=None, **more):
        return cosignature(text or self.text, name, private_key(name), **more)

    def test_two_of_two_cosignatures_pass(self):
        status, output = self.verify([self.cosign(WITNESSES[1], timestamp=1700000001), self.cosign(WITNESSES[0])])
        self.assertEqual(status, 0, output)

    def test_one_cosignature_of_two_needed_fails_quorum(self):
        self.assertQuorumFails([self.cosign(WITNESSES[0])], [WITNESSES[0]])
        self.assertQuorumFails([], [])

    def test_quorum_one_of_two_passes_with_one(self):
        status, output = self.verify([self.cosign(WITNESSES[1])], policy=witness_policy(self.builder, quorum=1))
        self.assertEqual(status, 0, output)

    def test_cosignature_by_the_right_name_and_another_key_not_counted(self):
        other = private_key("another witness key")
        forged = cosignature(self.text, WITNESSES[1], other)  # its own key ID
        mimic = cosignature(self.text, WITNESSES[1], other, key_id=witness_vkey(WITNESSES[1], self.beta)[1])
        self.assertQuorumFails([self.cosign(WITNESSES[0]), forged, mimic], [WITNESSES[0]])
        # beta's valid cosignature under alpha's name and key ID counts for neither
        swapped = cosignature(self.text, WITNESSES[0], self.beta, key_id=witness_vkey(WITNESSES[0], self.alpha)[1])
        self.assertQuorumFails([swapped], [])

    def test_plain_note_signature_by_the_witness_key_not_counted(self):
        plain = sign_note(self.text, WITNESSES[1], self.beta).split("\n")[-2] + "\n"  # 68 bytes, type 0x01 key hash
        over_text = self.cosign(WITNESSES[1], message=self.text.encode())  # 72 bytes, the 0x01 message
        self.assertQuorumFails([self.cosign(WITNESSES[0]), plain, over_text], [WITNESSES[0]])

    def test_cosignature_over_another_body_not_counted(self):
        lines = self.text.split("\n")
        other_size = "\n".join([lines[0], str(int(lines[1]) - 1)] + lines[2:])
        self.assertQuorumFails([self.cosign(WITNESSES[0]), self.cosign(WITNESSES[1], text=other_size)], [WITNESSES[0]])
        # the time is part of what is signed, and must be at most 2^63 - 1
        signed = self.cosign(WITNESSES[1], timestamp=5)
        blob = bytearray(base64.b64decode(signed.split(" ")[-1]))
        blob[4:12] = (6).to_bytes(8, "big")
        moved = f"— {WITNESSES[1]} {base64.b64encode(bytes(blob)).decode()}\n"
        self.assertQuorumFails([self.cosign(WITNESSES[0]), moved, self.cosign(WITNESSES[1], timestamp=2**63)], [WITNESSES[0]])

    def test_same_witness_twice_counts_once(self):
        alpha = WITNESSES[0]
        self.assertQuorumFails([self.cosign(alpha), self.cosign(alpha, timestamp=1700000999)], [alpha])

    def test_unknown_witness_ignored(self):
        stranger = "witness.example/gamma"
        self.assertQuorumFails([self.cosign(WITNESSES[0]), self.cosign(stranger)], [WITNESSES[0]])

    def test_malformed_signature_line_refused_as_before(self):
        blob = base64.b64encode(b"\x00" * 70).decode()
        status, output = self.verify([self.cosign(WITNESSES[0]), self.cosign(WITNESSES[1]), f"— {WITNESSES[1]} {blob}\n"])
        self.assertEqual(status, 1, output)
        self.assertIn("FAILED [log-key]", output)

    def test_log_signature_checked_before_the_quorum(self):
        status, output = self.verify([], policy=witness_policy(self.builder).replace(
            vkey(f"parledger/{LEDGER}", self.builder.log)[0], vkey(f"parledger/{LEDGER}", private_key("another log"))[0]))
        self.assertIn("FAILED [log-key]", output)

    def cosigned_receipt(self, *names):
        receipt = parse_json(self.builder.receipt(command="cmd-2"), "receipt")
        receipt["checkpoint"] += "".join(self.cosign(n, text=note_text(receipt["checkpoint"])) for n in names)
        return canonical(receipt)

    def test_receipt_with_quorum_passes(self):
        both = [self.cosign(n) for n in WITNESSES]
        status, output = self.verify(both, receipt=self.cosigned_receipt(*WITNESSES))
        self.assertEqual(status, 0, output)
        self.assertIn("ok  receipt of command", output)

    def test_receipt_without_quorum_fails(self):
        both = [self.cosign(n) for n in WITNESSES]
        for names in ((), (WITNESSES[1],)):
            with self.subTest(names=names):
                path = os.path.join(self.temporary.name, "receipt.json")
                self.assertQuorumFails(both, list(names), where=path, receipt=self.cosigned_receipt(*names))
        # the bundle's cosignatures do not cover the receipt's checkpoint, another text
        status, output = self.verify(both, receipt=self.cosigned_receipt())
        self.assertIn(f"FAILED [quorum] {path}: 0 of the 2 witnesses the policy needs cosign its checkpoint", output)


class EventHandlerTests(unittest.TestCase):
    """The rules dispatch by an explicit table: every event type the product writes has a handler, any other is refused."""

    def test_unknown_event_type_refused_by_the_rules(self):
        event = {"type": "CycleArchived", "stream": "cycle/c2019", "seq": 1, "payload": {"cycle": "c2019"}}
        with self.assertRaises(RuleBroken) as caught:
            Rules(Actors()).apply(event)
        self.assertEqual(str(caught.exception), "'CycleArchived' is not an event type of the PAR ledger")

    def test_every_listed_type_has_a_handler_and_roles(self):
        for kind, handler in EVENT_HANDLERS.items():
            with self.subTest(kind):
                self.assertIs(getattr(Rules, handler.__name__), handler)
        self.assertEqual(set(EVENT_HANDLERS), set(ROLES_FOR_TYPE))

    def test_the_table_lists_every_event_type_the_product_writes(self):
        import pathlib
        import re
        sources = pathlib.Path(__file__).resolve().parent.parent / "Sources"
        par = [name for path in sorted((sources / "PARCore" / "Events").glob("*.swift"))
               for name in re.findall(r'static let type = "(\w+)"', path.read_text(encoding="utf-8"))]
        actors = re.findall(r'public static let \w+ = "(\w+)"',
                            (sources / "Ledger" / "Identity" / "Actor.swift").read_text(encoding="utf-8"))
        self.assertEqual((len(par), len(actors)), (34, 6))
        self.assertEqual(set(EVENT_HANDLERS), set(par) | set(actors))


class PointsTests(unittest.TestCase):
    def test_canonical_points(self):
        for text in ("0", "2", "10", "2.5", "0.75", "0.05", "999999", "999999.99", "1.01"):
            self.assertTrue(is_points(text), text)
        for text in ("", "00", "01", "2.50", "2.0", "0.0", ".5", "5.", "2,5", " 1.5", "1.5 ", "-1", "+1", "1e2",
                     "1000000", "1.234", "١", "1.5\n", 1, None):
            self.assertFalse(is_points(text), repr(text))

    def test_exact_arithmetic(self):
        self.assertEqual(hundredths("0.05"), 5)
        self.assertEqual(points_text(1250), "12.5")
        self.assertEqual(percent_text(2, 3, 2), "66.67")
        self.assertEqual(percent_text(1, 8, 1), "12.5")
        self.assertEqual(percent_text(1, 200, 0), "1")  # 0.5% rounds half up
        self.assertEqual(percent_text(0, 0, 2), "0.00")


class FuzzTests(unittest.TestCase):
    """Mutations must parse or raise Failure: never another exception, a hang, or a slow parse."""

    SEED, ROUNDS, BUDGET = 2019, 2500, 2.0

    @classmethod
    def setUpClass(cls):
        builder = BundleBuilder().cycle()
        cls.line = canonical(builder.events[4])
        directory = tempfile.mkdtemp()
        builder.export(directory)
        with open(os.path.join(directory, "manifest.json"), "rb") as handle:
            cls.manifest = handle.read()

    def mutate(self, rng, data):
        choice = rng.randrange(10) if data else 8
        position = rng.randrange(len(data) + 1)
        if choice == 0:
            flipped = bytearray(data)
            flipped[min(position, len(data) - 1)] ^= 1 << rng.randrange(8)
            return bytes(flipped)
        if choice == 1:
            return data[:position]
        if choice == 2:
            depth = rng.choice([63, 64, 65, 1000, 200000])
            return data[:position] + b"[" * depth + b"1" + b"]" * depth + data[position:]
        if choice == 3:
            return data[:position] + rng.choice([b"1e400", b"12345678901234567890", b"9" * 5000, b"-0", b"1.0", b"NaN",
                                                 b"Infinity", b"9007199254740992", b"-9007199254740991"]) + data[position:]
        if choice == 4:
            return b"\xef\xbb\xbf" + data
        if choice == 5:
            return data[:position] + rng.choice([b"\xff", b"\xc0\x80", b"\xed\xa0\x80", b"\xe2\x82", b'"\\ud800"']) + data[position:]
        if choice == 6:
            return data.replace(b'{"', b'{"actor":"x","', 1)
        if choice == 7:
            return data[:position] + rng.choice([b'"e\xcc\x81"', b"\x00", b"\n", b" ", b'"\\u0000"']) + data[position:]
        if choice == 8:
            return data[:position] + bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8))) + data[position:]
        return data[position:]

    def check(self, function, data):
        started = time.monotonic()
        try:
            function(data)
        except Failure:
            pass
        self.assertLess(time.monotonic() - started, self.BUDGET, data[:80])

    def test_parse_json_fuzz(self):
        rng = random.Random(self.SEED)
        for source in (self.line, self.manifest):
            for _ in range(self.ROUNDS):
                data = source
                for _ in range(rng.randrange(1, 4)):
                    data = self.mutate(rng, data)
                self.check(lambda d: parse_json(d, "fuzz"), data)

    def test_event_line_reader_fuzz(self):
        rng = random.Random(self.SEED + 1)

        def read_all(data):
            for number, line in read_event_lines(io.BufferedReader(io.BytesIO(data))):
                parse_event(line, number)

        for _ in range(self.ROUNDS):
            data = self.line + b"\n"
            for _ in range(rng.randrange(1, 4)):
                data = self.mutate(rng, data)
            self.check(read_all, data)

    def test_valid_line_parses(self):
        event = parse_event(self.line, 1)
        self.assertEqual(canonical(event, presorted=True), self.line)
        with self.assertRaises(Failure):
            parse_event(self.line.replace(b'{"actor"', b'{ "actor"'), 1)

    def test_endless_line_is_bounded(self):
        class Endless(io.RawIOBase):
            def readable(self):
                return True

            def readinto(self, buffer):
                buffer[:] = b"a" * len(buffer)
                return len(buffer)

        started = time.monotonic()
        with self.assertRaises(Failure) as caught:
            list(read_event_lines(io.BufferedReader(Endless())))
        self.assertIn("longer than 1 MiB", caught.exception.message)
        self.assertLess(time.monotonic() - started, self.BUDGET)

    def test_unterminated_and_empty_lines(self):
        for data in (self.line, self.line + b"\n\n", b"\n" + self.line + b"\n"):
            with self.assertRaises(Failure):
                list(read_event_lines(io.BufferedReader(io.BytesIO(data))))


class MachineIndependenceTests(unittest.TestCase):
    """No verdict may depend on the interpreter's Unicode tables (FORMAT.md, Strict JSON and Strict text)."""

    def ranges(self):
        return [tuple(int(bound, 16) for bound in pair.split("-")) for pair in "".join(REPERTOIRE_RANGES).split()]

    def test_the_repertoire_is_assigned_in_this_interpreter_and_the_same_table_as_the_ledgers(self):
        import pathlib
        import re
        import unicodedata
        ranges = self.ranges()
        for low, high in ranges:
            for code in (low, high, (low + high) // 2):
                self.assertNotIn(unicodedata.category(chr(code)), ("Cn", "Cs", "Co"), f"U+{code:04X}")
        swift = pathlib.Path(__file__).resolve().parent.parent / "Sources" / "LedgerFormat" / "UnicodeRepertoire+Table.swift"
        pairs = re.findall(r"0x([0-9A-F]+)\.\.\.0x([0-9A-F]+)", swift.read_text(encoding="utf-8"))
        self.assertEqual([(int(low, 16), int(high, 16)) for low, high in pairs], ranges)

    def test_a_letter_newer_than_unicode_14_is_refused_by_the_table_not_by_the_interpreter(self):
        # U+1E030, U+1FAE8 (Unicode 15) and U+10EFD (15.1) are unknown to Python 3.11 and assigned in 3.13:
        # the verdict is the same on both, because the table decides.
        for letter in ("\U0001E030", "\U00010EFD", "\U0001FAE8"):
            with self.assertRaises(Failure) as raised:
                parse_json(canonical({"name": "Kiểm toán " + letter}), "test")
            self.assertEqual(raised.exception.code, "parse")
            self.assertIsNotNone(display_name_problem("Kiểm toán " + letter))
        self.assertIsNone(display_name_problem("Nguyễn Thị Hồng Nhung (Sở Nội vụ)"))
        self.assertIsNotNone(display_name_problem("สมชาย"))
        self.assertEqual(parse_json(canonical({"a": "Điện Biên ☺"}), "test"), {"a": "Điện Biên ☺"})

    def test_blank_is_the_listed_white_space_only(self):
        self.assertTrue(is_blank("\u3000\u00a0 \n"))
        self.assertFalse(is_blank("\u200b"))
        self.assertFalse(is_blank("\ufeff"))


if __name__ == "__main__":
    unittest.main()
