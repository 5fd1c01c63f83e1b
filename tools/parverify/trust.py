"""The trust policy (FORMAT.md, Trust comes from outside the bundle): the ledger, its genesis, the log key, the
witnesses and their quorum."""

import re

from .files import POLICY_LIMIT
from .notes import note_signed_by, parse_checkpoint_lines, parse_verifier_key, split_note
from .text import decode_base64, is_hex, is_slug
from .verdicts import Failure


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
    if not text.endswith("\n"):
        refuse("the policy's last line does not end in a newline")
    policy, witnesses, handovers, seen, started = {}, [], [], set(), False
    for number, line in enumerate(text.split("\n")[:-1], start=1):
        where = f"line {number}"
        control = next((char for char in line if char < " " or char == "\x7f"), None)
        if control is not None:
            refuse(f"{where}: the control character U+{ord(control):04X} (items are separated by single spaces)")
        if line == "" or line.startswith("#"):
            continue
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
        elif word == "log-handover":
            note = decode_base64(value)
            try:
                handovers.append((where, note.decode("utf-8")))
            except (AttributeError, UnicodeDecodeError):
                refuse(f"{where}: not the base64 of a UTF-8 signed note")
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
    policy["log_keys"] = handover_chain(policy["log"], handovers, refuse)
    if any(w[2] == span[0][2] for w in witnesses for span in policy["log_keys"][1:]):
        refuse("a witness has the public key of a log key")
    return policy


HANDOVER_TITLE = "ParLedger log key handover"


def parse_handover(note, old_key):
    """(new key, size, root) of a log key handover note signed by old_key (FORMAT.md, Log key rotation), or the
    reason it is refused."""
    split = split_note(note)
    if split is None or not note_signed_by(split[0], split[1], old_key):
        return "the handover is not signed by the key it hands over from"
    lines = split[0].split("\n")[:-1]
    if len(lines) != 5 or lines[0] != HANDOVER_TITLE:
        return "not a log key handover: expected the lines title, origin, new key, size and root"
    if lines[1] != old_key[0]:
        return f"the handover is for {lines[1]!r}, not {old_key[0]!r}"
    new_key = parse_verifier_key(lines[2])
    if new_key is None or new_key[0] != old_key[0]:
        return f"the handover's new key is not an Ed25519 note key named {old_key[0]!r}"
    if new_key[2] == old_key[2]:
        return "the handover hands the log over to the key it comes from"
    size = parse_checkpoint_lines(f"o\n{lines[3]}\n{lines[4]}\n")
    if size is None or size[1] < 1:
        return "the handover's size or root is malformed"
    return new_key, size[1], size[2]


def handover_chain(first, handovers, refuse):
    """The log's keys as [(key, from size, through size or None, root at from or None)], each handover signed by the
    key before it, at a larger size, to a key not used before."""
    spans = [[first, 0, None, None]]
    for where, note in handovers:
        parsed = parse_handover(note, spans[-1][0])
        if isinstance(parsed, str):
            refuse(f"{where}: {parsed} (each log-handover must be signed by the log key before it, in order)")
        new_key, size, root = parsed
        if size <= spans[-1][1]:
            refuse(f"{where}: the handover at size {size} does not come after the one at size {spans[-1][1]}")
        if any(span[0][2] == new_key[2] for span in spans):
            refuse(f"{where}: the handover returns to a key used before")
        spans[-1][2] = size
        spans.append([new_key, size, None, root])
    return [tuple(span) for span in spans]


def key_for_checkpoint(policy, text, signatures, size, root):
    """(key, None) for the policy's log key that signs a checkpoint of this size and root, or (None, reason)."""
    signing = [span for span in policy["log_keys"] if note_signed_by(text, signatures, span[0])]
    for key, start, through, _ in signing:
        if start <= size and (through is None or size <= through):
            if any(span[1] == size and span[3] != root for span in policy["log_keys"][1:]):
                return None, f"the checkpoint of tree size {size} has another root than the log key handover at that size"
            return key, None
    if not signing:
        return None, "no valid signature by the trust policy's log key"
    key, start, through, _ = signing[0]
    reason = f"a log key that takes over only at tree size {start}" if size < start else f"a log key retired after tree size {through}"
    return None, f"the checkpoint of tree size {size} is signed by {reason}"
