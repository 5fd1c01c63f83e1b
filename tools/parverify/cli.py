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
and otherwise fine, `UNTRUSTED: …` (exit 4). Needs `cryptography` (Ed25519) and Python 3.11 or newer,
and gives the same verdicts on each: no verdict depends on the interpreter's Unicode tables (display
names use an explicit repertoire, text is limited to the code points assigned in Unicode 14.0, whose
NFC every version computes alike, and White_Space is a list here).
"""

import sys

from .files import POLICY_LIMIT, RECEIPT_LIMIT, read_regular
from .notes import fingerprint
from .trust import parse_trust_policy
from .verdicts import Failure
from .verifier import Verifier, parse_receipt


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
        receipt = None
        if options["--receipt"] is not None:
            path = options["--receipt"]
            receipt = (path, parse_receipt(read_regular(path, RECEIPT_LIMIT, "receipt", 2), path))
        verifier = Verifier(bundle, policy, options["--quiet"])
        verifier.run(receipt)
    except Failure as failure:
        print(f"FAILED [{failure.code}] {failure.message}")
        return failure.exit_code
    if policy is None:
        print("UNTRUSTED: authenticity not established (no trust policy given); the log key in this bundle has fingerprint "
              f"{fingerprint(verifier.key[2])}; compare it with the one the province publishes")
        return 4
    print("OK: the bundle verifies")
    return 0
