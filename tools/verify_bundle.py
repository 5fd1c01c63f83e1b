#!/usr/bin/env python3
"""Independent verifier of ParLedger certified bundles, written from FORMAT.md.

Usage: tools/verify_bundle.py BUNDLE_DIR

Checks the hash chain, every command signature against the key its actor held at that point, the
RFC 9162 Merkle root against the C2SP signed checkpoint, the evidence files, recomputes every
cycle's results (points, indexes, classes, eligibility, ranks) from the events, and checks that each
publication and each results/<cycle>.json follows from them. Prints the checks that passed and the
first bad item; exits 0 when the bundle verifies, 1 when it does not, 2 on usage errors.
Needs Python 3.9+ and the `cryptography` package (Ed25519).
"""

import base64
import hashlib
import json
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Bad(Exception):
    """The first bad item of the bundle."""


def canonical(value):
    """RFC 8785 canonical JSON for the JSON ParLedger writes (integers, strings, BMP keys)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def verify_signature(public_key, signature, message):
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
        return True
    except (InvalidSignature, ValueError):
        return False


# ---- exact points (hundredths of a point) ---------------------------------------------------

def hundredths(text):
    whole, _, fraction = text.partition(".")
    if not whole.isdigit() or (fraction and (not fraction.isdigit() or len(fraction) > 2)):
        raise Bad(f"'{text}' is not a number of points")
    return int(whole) * 100 + int((fraction + "00")[:2])


def points_text(value):
    whole, fraction = divmod(value, 100)
    if fraction == 0:
        return str(whole)
    if fraction % 10 == 0:
        return f"{whole}.{fraction // 10}"
    return f"{whole}.{fraction:02d}"


def at_least(part, whole, percent):
    """part/whole >= percent% (percent in hundredths of a per cent); exact."""
    return whole <= 0 or part * 10000 >= percent * whole


def percent_text(part, whole, decimals):
    if whole <= 0:
        return points_text(0) if decimals == 0 else "0." + "0" * decimals
    unit = {0: 100, 1: 10, 2: 1}[decimals]
    rounded = (2 * part * 10000 + unit * whole) // (2 * unit * whole) * unit
    whole_part, fraction = divmod(rounded, 100)
    if decimals == 0:
        return str(whole_part)
    if decimals == 1:
        return f"{whole_part}.{fraction // 10}"
    return f"{whole_part}.{fraction:02d}"


# ---- actors ----------------------------------------------------------------------------------

def key_id(raw):
    return hashlib.sha256(raw).digest()[:16].hex()


def apply_actor_event(actors, event):
    payload, kind, seq = event["payload"], event["type"], event["seq"]
    actor = payload.get("actor")
    if not actor or event["stream"] != f"actor/{actor}":
        raise Bad(f"event {seq}: malformed {kind}")
    record = actors.get(actor)
    if kind == "ActorEnrolled":
        if record is not None:
            raise Bad(f"event {seq}: actor '{actor}' is already enrolled")
        grant = {"role": payload["role"]}
        if "scope" in payload:
            grant["scope"] = payload["scope"]
        actors[actor] = {"id": actor, "name": payload["name"], "grants": [grant], "key": base64.b64decode(payload["publicKey"]),
                         "retired": {}, "status": "active", "last": seq}
        return
    if record is None:
        raise Bad(f"event {seq}: actor '{actor}' is not enrolled")
    if kind in ("RoleGranted", "RoleRevoked"):
        grant = {"role": payload["role"]}
        if "scope" in payload:
            grant["scope"] = payload["scope"]
        if kind == "RoleGranted":
            record["grants"].append(grant)
            record["grants"].sort(key=lambda g: (g["role"], g.get("scope", "")))
        else:
            record["grants"].remove(grant)
    elif kind == "KeyRotated":
        if record["key"] is not None:
            record["retired"][key_id(record["key"])] = f"rotated out at event {seq}"
        record["key"] = base64.b64decode(payload["publicKey"])
    elif kind == "KeyRevoked":
        record["retired"][payload["keyId"]] = f"revoked at event {seq}: {payload['reason']}"
        record["key"] = None
    elif kind == "ActorSuspended":
        record["status"] = "suspended"
    record["last"] = seq


def actor_json(record):
    value = {"id": record["id"], "name": record["name"], "status": record["status"], "lastChangedAt": record["last"],
             "retiredKeys": record["retired"], "grants": record["grants"]}
    if record["key"] is not None:
        value["currentKey"] = {"id": key_id(record["key"]), "publicKey": base64.b64encode(record["key"]).decode()}
    return value


ACTOR_EVENTS = {"ActorEnrolled", "RoleGranted", "RoleRevoked", "KeyRotated", "KeyRevoked", "ActorSuspended"}


def check_command(command, actors, ledger_id):
    first = command[0]
    for event in command[1:]:
        if any(event[k] != first[k] for k in ("actor", "keyId", "signature", "correlation")):
            raise Bad(f"events.jsonl, event {event['seq']}: it disagrees with the rest of command '{first['command']}' on who signed it")
    message = canonical({"actor": first["actor"], "correlation": first["correlation"], "id": first["command"], "ledger": ledger_id,
                         "events": [{"payload": e["payload"], "schemaVersion": e["schemaVersion"], "stream": e["stream"], "type": e["type"]} for e in command]})
    signer = actors.get(first["actor"])
    if signer is None and not actors and len(command) == 1 and first["type"] == "ActorEnrolled" and first["payload"].get("actor") == first["actor"]:
        signer = {"status": "active", "key": base64.b64decode(first["payload"]["publicKey"]), "retired": {}}
    where = f"events.jsonl, event {first['seq']}: command '{first['command']}'"
    if signer is None:
        raise Bad(f"{where}: signed by unknown actor '{first['actor']}'")
    if signer["status"] != "active":
        raise Bad(f"{where}: actor '{first['actor']}' is suspended")
    if signer["key"] is None or key_id(signer["key"]) != first["keyId"]:
        raise Bad(f"{where}: key {first['keyId']} is not the current key of '{first['actor']}'")
    if not verify_signature(signer["key"], base64.b64decode(first["signature"]), message):
        raise Bad(f"{where}: the signature does not verify")
    for event in command:
        if event["type"] in ACTOR_EVENTS:
            apply_actor_event(actors, event)


# ---- Merkle tree and signed notes (RFC 9162, C2SP) -------------------------------------------

def merkle_root(leaves):
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return leaves[0]
    k = 1
    while k << 1 < len(leaves):
        k <<= 1
    return hashlib.sha256(b"\x01" + merkle_root(leaves[:k]) + merkle_root(leaves[k:])).digest()


def open_note(note, verifier_key):
    name, key_hash, material = verifier_key.split("+", 2)
    raw = base64.b64decode(material)
    if raw[0] != 1 or len(raw) != 33:
        raise Bad("verifier-key.txt is not an Ed25519 note verifier key")
    public_key = raw[1:]
    if hashlib.sha256(name.encode() + b"\n\x01" + public_key).digest()[:4].hex() != key_hash:
        raise Bad("verifier-key.txt: its key hash does not match its key")
    split = note.rfind("\n\n")
    if split < 0:
        raise Bad("checkpoint.txt: not a signed note")
    text = note[: split + 1]
    for line in note[split + 2:].splitlines():
        if not line.startswith("— "):
            raise Bad("checkpoint.txt: malformed signature line")
        signer, blob = line[2:].split(" ")
        blob = base64.b64decode(blob)
        if signer == name and blob[:4].hex() == key_hash and verify_signature(public_key, blob[4:], text.encode()):
            return text, name, public_key
    raise Bad(f"checkpoint.txt: the signature by {name} does not verify")


# ---- scoring ---------------------------------------------------------------------------------

def leaves_of(criterion):
    if "children" in criterion:
        for child in criterion["children"]:
            yield from leaves_of(child)
    else:
        yield criterion


def find(criteria, code):
    for criterion in criteria:
        if criterion["code"] == code:
            return criterion
        found = find(criterion.get("children", []), code)
        if found:
            return found
    return None


class Scoring:
    """The projections FORMAT.md defines, recomputed from the events."""

    def __init__(self):
        self.frameworks, self.cycles, self.marks, self.excluded = {}, {}, {}, {}

    def mark(self, cycle, unit, code):
        return self.marks.setdefault((cycle, unit, code), {})

    def framework_of(self, cycle, unit):
        record = self.cycles[cycle]
        kind = next(u["kind"] for u in record["units"] if u["id"] == unit)
        return self.frameworks[record["frameworks"][kind]]

    def apply(self, event):
        kind, p = event["type"], event["payload"]
        if kind == "FrameworkRegistered":
            self.frameworks[p["id"]] = p["framework"]
        elif kind == "CycleOpened":
            self.cycles[p["cycle"]] = p
        elif kind == "SelfScoreRecorded":
            self.mark(p["cycle"], p["unit"], p["criterion"])["self"] = hundredths(p["points"])
        elif kind == "NotApplicableMarked":
            criterion = find(self.framework_of(p["cycle"], p["unit"])["criteria"], p["criterion"])
            for leaf in leaves_of(criterion):
                if leaf["method"] == "assessed":
                    marks = self.mark(p["cycle"], p["unit"], leaf["code"])
                    marks.pop("self", None)
                    marks["na"] = True
        elif kind == "AppraisalScoreRecorded":
            self.mark(p["cycle"], p["unit"], p["criterion"])["appraised"] = hundredths(p["points"])
        elif kind == "AppraisalConcluded":
            for field in self.framework_of(p["cycle"], p["unit"])["criteria"]:
                for leaf in leaves_of(field):
                    marks = self.mark(p["cycle"], p["unit"], leaf["code"])
                    if leaf["method"] == "assessed" and not marks.get("na") and "appraised" not in marks:
                        marks["appraised"] = marks.get("self", 0)
        elif kind == "SpotCheckScoreRecorded":
            marks = self.mark(p["cycle"], p["unit"], p["criterion"])
            decision = p["decision"]
            marks["spot"] = marks.get("appraised", 0) if decision == "recognise" else 0 if decision == "not-recognise" else hundredths(p["points"])
        elif kind == "SurveyScoresImported":
            for row in p["scores"]:
                self.mark(p["cycle"], p["unit"], row["criterion"])["survey"] = hundredths(row["points"])
        elif kind == "CorrectionRecorded":
            self.mark(p["cycle"], p["unit"], p["criterion"])["correction"] = hundredths(p["points"])
        elif kind == "UnitExcludedFromRanking":
            self.excluded[(p["cycle"], p["unit"])] = p["reason"]

    def results(self, cycle_id):
        cycle = self.cycles[cycle_id]
        computed = []
        for kind in ("department", "district"):
            units = [u for u in cycle["units"] if u["kind"] == kind]
            if not units or kind not in cycle["frameworks"]:
                continue
            framework = self.frameworks[cycle["frameworks"][kind]]
            settings = framework["settings"]
            rows = []
            for unit in units:
                fields = []
                for field in framework["criteria"]:
                    points = maximum = 0
                    for leaf in leaves_of(field):
                        marks = self.marks.get((cycle_id, unit["id"], leaf["code"]), {})
                        if marks.get("na") and "correction" not in marks:
                            continue
                        maximum += hundredths(leaf["maxPoints"])
                        if "correction" in marks:
                            points += marks["correction"]
                        elif leaf["method"] == "survey":
                            points += marks.get("survey", 0)
                        else:
                            points += marks.get("spot", marks.get("appraised", marks.get("self", 0)))
                    fields.append({"code": field["code"], "points": points, "maxPoints": maximum})
                rows.append((unit, fields, sum(f["points"] for f in fields), sum(f["maxPoints"] for f in fields)))
            ranked = [(p, m) for (u, _, p, m) in rows if (cycle_id, u["id"]) not in self.excluded]
            for unit, fields, points, maximum in rows:
                excluded = self.excluded.get((cycle_id, unit["id"]))
                rank = None if excluded is not None else 1 + sum(1 for (p, m) in ranked if p * maximum > points * m)
                class_name = next((band["name"] for band in settings["classes"]
                                   if at_least(points, maximum, hundredths(band["minimumPercent"]))), settings["classes"][-1]["name"])
                provincial = at_least(points, maximum, hundredths(settings["provincialCommendationPercent"])) and all(
                    at_least(f["points"], f["maxPoints"], hundredths(settings["fieldMinimumPercent"])) for f in fields if f["maxPoints"] > 0)
                computed.append({
                    "unit": unit["id"], "name": unit["name"], "kind": kind, "points": points_text(points), "maxPoints": points_text(maximum),
                    "index": percent_text(points, maximum, settings["publishedDecimals"]), "class": class_name, "rank": rank,
                    "excludedFromRanking": excluded,
                    "fields": [{"code": f["code"], "points": points_text(f["points"]), "maxPoints": points_text(f["maxPoints"])} for f in fields],
                    "eligibility": {"provincialCommendation": provincial, "headExcellentRating": provincial,
                                    "anyCommendation": at_least(points, maximum, hundredths(settings["anyCommendationPercent"]))},
                })
        computed.sort(key=lambda r: (r["kind"] != "department", r["rank"] if r["rank"] is not None else sys.maxsize, r["unit"]))
        return {"cycle": cycle_id, "units": computed}


# ---- the bundle --------------------------------------------------------------------------------

def verify(bundle):
    checks = []

    def read(path):
        try:
            with open(os.path.join(bundle, path), "rb") as handle:
                return handle.read()
        except OSError:
            raise Bad(f"{path} is missing")

    def load(path):
        try:
            return json.loads(read(path).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as error:
            raise Bad(f"{path}: {error}")

    manifest = load("manifest.json")
    if manifest.get("format") != "parledger-bundle/1":
        raise Bad("manifest.json is not a parledger-bundle/1 manifest")
    ledger_id = manifest["ledgerId"]

    events, actors, command, streams = [], {}, [], {}
    previous = "0" * 64
    for number, line in enumerate(read("events.jsonl").decode("utf-8").splitlines(), start=1):
        try:
            event = json.loads(line)
        except ValueError as error:
            raise Bad(f"events.jsonl line {number}: {error}")
        seq = event.get("seq")
        expected = len(events) + 1
        if seq != expected:
            raise Bad(f"events.jsonl, event {expected}: missing: the next event is {seq}")
        if command and command[0]["command"] != event["command"]:
            check_command(command, actors, ledger_id)
            command = []
        if event["prev"] != previous:
            raise Bad(f"events.jsonl, event {seq}: its previous-hash link does not match the hash of event {seq - 1}")
        body = {k: v for k, v in event.items() if k != "hash"}
        if sha256(canonical(body)) != event["hash"]:
            raise Bad(f"events.jsonl, event {seq}: its contents do not match its stored hash")
        version = streams.get(event["stream"], 0) + 1
        if event["streamVersion"] != version:
            raise Bad(f"events.jsonl, event {seq}: it claims version {event['streamVersion']} of stream '{event['stream']}', expected {version}")
        streams[event["stream"]] = version
        previous = event["hash"]
        command.append(event)
        events.append(event)
    if command:
        check_command(command, actors, ledger_id)
    checks.append(f"{len(events)} events: hash chain intact, every hash recomputed, every command signature valid for the key its actor held")

    root = merkle_root([hashlib.sha256(b"\x00" + bytes.fromhex(e["hash"])).digest() for e in events])
    text, name, public_key = open_note(read("checkpoint.txt").decode("utf-8"), read("verifier-key.txt").decode("utf-8").strip())
    signers = sorted(a["id"] for a in actors.values()
                     if a["status"] == "active" and a["key"] == public_key and any(g["role"] == "secretariat" for g in a["grants"]))
    if not signers:
        raise Bad("checkpoint.txt: its key is not the current key of an active secretariat actor")
    lines = text.splitlines()
    if lines[0] != f"parledger/{ledger_id}" or lines[1] != str(len(events)) or base64.b64decode(lines[2]) != root:
        raise Bad(f"checkpoint.txt: it commits to {lines[1]} events with root {base64.b64decode(lines[2]).hex()}, "
                  f"the events give {len(events)} with root {root.hex()}")
    checks.append(f"checkpoint signed by {', '.join(signers)} (secretariat): {len(events)} events, RFC 9162 root {root.hex()}")

    registered = {}
    for event in events:
        if event["type"] == "EvidenceAdded":
            registered.setdefault(event["payload"]["sha256"], event["payload"])
    listed = [{"name": p["name"], "sha256": p["sha256"], "size": p["size"], "unit": p.get("unit")} for _, p in sorted(registered.items())]
    if load("evidence.json") != listed:
        raise Bad("evidence.json does not list exactly the documents the events added")
    if manifest.get("withEvidence"):
        for sha in sorted(registered):
            actual = sha256(read(f"evidence/{sha}"))
            if actual != sha:
                raise Bad(f"evidence/{sha} ({registered[sha]['name']}): its content hashes to {actual}")
    checks.append(f"{len(registered)} evidence documents" + (", each file matching its hash" if manifest.get("withEvidence") else " listed"))

    scoring, attested = Scoring(), {}
    for event in events:
        if event["type"] == "ResultsPublished":
            published = event["payload"]
            computed = sha256(canonical(scoring.results(published["cycle"])))
            if computed != published["resultsHash"]:
                raise Bad(f"event {event['seq']}: the publication of {published['cycle']} attests results {published['resultsHash'][:16]}…, "
                          f"the events give {computed[:16]}…")
            attested[published["cycle"]] = computed
        scoring.apply(event)
    for cycle, digest in sorted(attested.items()):
        if sha256(read(f"results/{cycle}.json")) != digest:
            raise Bad(f"results/{cycle}.json: the published results do not follow from the events")
        if f"parledger-results {cycle} {digest}" not in lines[3:]:
            raise Bad(f"checkpoint.txt does not carry the results hash of {cycle}")
    checks.append(f"indexes, classes and rankings recomputed independently; {len(attested)} publications follow from the events: {', '.join(sorted(attested))}")

    if load("actors.json") != [actor_json(actors[k]) for k in sorted(actors)]:
        raise Bad("actors.json does not match the actors the events define")
    for path, digest in sorted(manifest["files"].items()):
        if sha256(read(path)) != digest:
            raise Bad(f"manifest.json: {path} does not match its listed hash")
    checks.append("actors and manifest match")
    return checks


def main(arguments):
    if len(arguments) != 1 or arguments[0] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    checks = []
    try:
        checks = verify(arguments[0])
        for check in checks:
            print(f"ok  {check}")
        print("OK: the bundle verifies")
        return 0
    except Bad as problem:
        print(f"FAILED: {problem}")
        return 1
    except (KeyError, TypeError, ValueError, IndexError) as error:
        print(f"FAILED: the bundle is malformed ({type(error).__name__}: {error})")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
