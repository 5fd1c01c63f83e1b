"""The events (FORMAT.md, Events): events.jsonl read line by line, each line a canonical event envelope, and one
pass over them checking the hash chain, commands, signatures, bases and times, roles and the rules of the cycle."""

from .actors import Actors, authorize
from .files import EVENT_LINE_LIMIT
from .merkle import Frontier, leaf_hash
from .notes import key_id, verify_ed25519
from .rules import Rules
from .strictjson import canonical, parse_json, sha256
from .text import decode_base64, is_hex, parse_time
from .verdicts import Failure, RuleBroken

ZERO_HASH = "0" * 64
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
                decode_base64(event["signature"]) is None,
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
        self.actors = Actors()
        self.rules, self.frontier = Rules(self.actors), Frontier()
        self.hashes = bytearray()  # 32 bytes per event, for bases and receipts
        self.streams, self.command = {}, []
        self.commands = {}  # command id -> (first seq, last seq): an id is used once in a history
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
        if event["causation"] != event["command"]:
            raise Failure("chain", f"event {seq}: its causation is not its command (nobody signs the causation)")
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
        if first["command"] in self.commands:
            earlier = self.commands[first["command"]]
            raise Failure("command", f"{where}: its id was already used by the command at events {earlier[0]}–{earlier[1]} (a replay)")
        self.commands[first["command"]] = (first["seq"], command[-1]["seq"])
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
                self.rules.apply(event)
        except RuleBroken as broken:
            raise Failure("rule", f"event {event['seq']} ({event['type']}): {broken}") from None
