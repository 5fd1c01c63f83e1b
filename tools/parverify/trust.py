"""The trust policy (FORMAT.md, Trust comes from outside the bundle): the ledger, its genesis, the log key, the
witnesses and their quorum."""

import re

from .files import POLICY_LIMIT
from .notes import parse_verifier_key
from .text import is_hex, is_slug
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
    policy, witnesses, seen, started = {}, [], set(), False
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
