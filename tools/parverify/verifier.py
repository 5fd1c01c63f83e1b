"""The verifier: the checks of a bundle in the order of FORMAT.md, Verdicts, stopping at the first failure, and the
signer's receipt it may check last."""

from .files import Bundle, file_limit
from .merkle import leaf_hash, prefix_root, root_from_inclusion
from .notes import (fingerprint, note_signed_by, parse_checkpoint, parse_checkpoint_lines, parse_verifier_key,
                    quorum_problem, split_note)
from .strictjson import canonical, parse_json, sha256
from .text import is_hex, is_slug
from .trust import key_for_checkpoint
from .verdicts import Failure
from .walk import EventWalk, parse_event, read_event_lines


class Verifier:
    """One verification of a bundle: its checks in order, each printed as `ok  <check>` unless quiet."""

    def __init__(self, path, policy, quiet):
        self.path, self.policy, self.quiet = path, policy, quiet

    def ok(self, check):
        if not self.quiet:
            print(f"ok  {check}")

    def run(self, receipt=None):
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
        if receipt is not None:
            self.check_receipt(*receipt)

    def open_checkpoint(self, data, keys, code):
        try:
            note = data.decode("utf-8")
        except UnicodeDecodeError:
            raise Failure("checkpoint", "checkpoint.txt: not UTF-8") from None
        split = split_note(note)
        if not split or not any(note_signed_by(split[0], split[1], key) for key in keys):
            raise Failure(code, f"checkpoint.txt: no valid signature by the log key {keys[0][0]}")
        parsed = parse_checkpoint(split[0])
        if not parsed:
            raise Failure("checkpoint", "checkpoint.txt: not a C2SP bundle checkpoint")
        return split, parsed

    def check_checkpoint(self):
        data = self.bundle.read("checkpoint.txt")
        if self.policy is not None:
            split, parsed = self.open_checkpoint(data, [span[0] for span in self.policy["log_keys"]], "log-key")
            self.key, reason = key_for_checkpoint(self.policy, split[0], split[1], parsed[1], parsed[2])
            if self.key is None:
                raise Failure("log-key", f"checkpoint.txt: {reason}")
            problem = quorum_problem(split[0], split[1], self.policy, "checkpoint.txt")
            if problem:
                raise Failure("quorum", problem)
        else:
            text = self.bundle.read("verifier-key.txt")
            try:
                key = parse_verifier_key(text[:-1].decode("utf-8")) if text.endswith(b"\n") else None
            except UnicodeDecodeError:
                key = None
            if key is None:
                raise Failure("checkpoint", "verifier-key.txt: not a note verifier key and a newline")
            self.key = key
            split, parsed = self.open_checkpoint(data, [key], "checkpoint")
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
        if canonical(manifest, presorted=True) != data:
            raise Failure("parse", "manifest.json: not byte for byte the canonical JSON of its object")
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
        for _, start, _, handover_root in (self.policy or {}).get("log_keys", [])[1:]:
            if start <= walk.frontier.size:
                if prefix_root(walk.hashes, start) != handover_root:
                    raise Failure("log-key", f"the first {start} events do not have the root the log key handover at that size names")
                self.ok(f"the log key handover at tree size {start} names the root of the first events")

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

    def check_receipt(self, path, receipt):
        if receipt["ledgerId"] != self.ledger_id:
            raise Failure("receipt", f"{path}: ledger {receipt['ledgerId']!r}, the bundle's is {self.ledger_id!r}")
        split = split_note(receipt["checkpoint"])
        parsed = parse_checkpoint_lines(split[0]) if split else None
        if parsed is None or parsed[0] != f"parledger/{self.ledger_id}":
            raise Failure("receipt", f"{path}: its checkpoint is not a C2SP checkpoint of this ledger")
        size, root = parsed[1], parsed[2]
        if self.policy is not None:
            key, reason = key_for_checkpoint(self.policy, split[0], split[1], size, root)
            if key is None:
                raise Failure("receipt", f"{path}: its checkpoint is not signed by the trusted log key: {reason}")
        elif not note_signed_by(split[0], split[1], self.key):
            raise Failure("receipt", f"{path}: its checkpoint is not signed by the log key")
        problem = quorum_problem(split[0], split[1], self.policy, path, "its checkpoint") if self.policy else None
        if problem:
            raise Failure("quorum", problem)
        for entry in receipt["events"]:
            self.check_receipt_event(path, entry, size, root)
        if size > self.walk.frontier.size or prefix_root(self.walk.hashes, size) != root:
            raise Failure("receipt", f"{path}: the bundle's first {size} events do not have the receipt's root")
        span = self.walk.commands.get(receipt["command"])
        if span is None or [entry["seq"] for entry in receipt["events"]] != list(range(span[0], span[1] + 1)):
            raise Failure("receipt", f"{path}: its events are not the events of command {receipt['command']!r} in the bundle")
        self.ok(f"receipt of command {receipt['command']!r}: its {len(receipt['events'])} events are in the bundle where it says")

    def check_receipt_event(self, path, entry, size, root):
        seq, leaf = entry["seq"], leaf_hash(bytes.fromhex(entry["hash"]))
        if root_from_inclusion(seq - 1, size, leaf, [bytes.fromhex(p) for p in entry["proof"]]) != root:
            raise Failure("receipt", f"{path}: the inclusion proof of event {seq} does not lead to its checkpoint's root")
        if seq > self.walk.frontier.size or self.walk.hashes[32 * (seq - 1):32 * seq].hex() != entry["hash"]:
            raise Failure("receipt", f"{path}: event {seq} of the bundle is not the receipt's event {entry['hash'][:16]}…")


def parse_receipt(data, path):
    """A receipt of exactly the members FORMAT.md lists; Failure('receipt', exit 2) for anything else.
    Read before the bundle, as a trust policy is: a receipt that cannot be read is the caller's mistake."""
    try:
        receipt = parse_json(data, path)
    except Failure as failure:
        raise Failure("receipt", failure.message, 2) from None
    members = {"checkpoint": str, "command": str, "events": list, "format": str, "ledgerId": str}
    if not isinstance(receipt, dict) or set(receipt) != set(members) or canonical(receipt) != data \
            or any(not isinstance(receipt[name], kind) for name, kind in members.items()) \
            or receipt["format"] != "parledger-receipt/1" or not receipt["events"]:
        raise Failure("receipt", f"{path}: not a parledger-receipt/1 (exactly the members {sorted(members)})", 2)
    for entry in receipt["events"]:
        if not (isinstance(entry, dict) and set(entry) == {"hash", "proof", "seq"} and is_hex(entry["hash"], 64)
                and isinstance(entry["seq"], int) and not isinstance(entry["seq"], bool) and entry["seq"] >= 1
                and isinstance(entry["proof"], list) and len(entry["proof"]) <= 64
                and all(is_hex(p, 64) for p in entry["proof"])):
            raise Failure("receipt", f"{path}: malformed event entry (exactly hash, proof and seq)", 2)
    return receipt
