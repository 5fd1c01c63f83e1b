"""Ed25519 keys, note verifier keys, C2SP signed notes, checkpoints and witnesses' cosignatures (tlog-cosignature/v1;
FORMAT.md, Merkle tree and checkpoint)."""

import hashlib
import re

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .text import SLUG, WHITE_SPACE, decode_base64, is_hex


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


def is_key_name(name):
    """A C2SP signed-note key name: non-empty, no White_Space (the explicit list), no '+', no control
    character. Names are compared as strings of code points, which for UTF-8 text is byte for byte."""
    return bool(name) and not any(char in WHITE_SPACE or char == "+" or char < " " for char in name)


def parse_verifier_key(text, kind=1):
    """(name, key hash bytes, raw public key) of `<name>+<8 hex>+<base64(kind ‖ key)>`, or None.

    Kind 0x01 is a note signing key (the log's), 0x04 a tlog-cosignature/v1 key (a witness's)."""
    parts = text.split("+", 2)
    if len(parts) != 3 or not is_key_name(parts[0]) or not is_hex(parts[1], 8):
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
    if not note.endswith("\n") or any(char < " " and char != "\n" for char in note):
        return None
    split = note.rfind("\n\n", 0, len(note) - 1)
    if split < 0:
        return None
    text, signatures = note[:split + 1], []
    for line in note[split + 2:-1].split("\n"):
        fields = line[2:].split(" ") if line.startswith("— ") else []
        blob = decode_base64(fields[1]) if len(fields) == 2 and is_key_name(fields[0]) else None
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


def parse_checkpoint_lines(text):
    """(origin, size, root, extension lines) of a C2SP tlog-checkpoint text, or None: a non-empty
    origin, the size in ASCII decimal without sign or leading zero and below 2^63, the canonical
    base64 of a 32-byte root, then non-empty extension lines."""
    lines = text.split("\n")[:-1]
    if len(lines) < 3 or not lines[0] or not re.fullmatch(r"0|[1-9][0-9]{0,18}", lines[1]) or int(lines[1]) >= 2**63:
        return None
    root = decode_base64(lines[2], 32)
    if root is None or "" in lines[3:]:
        return None
    return lines[0], int(lines[1]), root, lines[3:]


def parse_checkpoint(text):
    """(origin, size, root, results lines, manifest hash) of a bundle checkpoint text, or None."""
    parsed = parse_checkpoint_lines(text)
    if parsed is None:
        return None
    origin, size, root, extensions = parsed
    last = re.fullmatch(r"parledger-manifest ([0-9a-f]{64})", extensions[-1]) if extensions else None
    results = []
    for line in extensions[:-1] if last else extensions:
        match = re.fullmatch(r"parledger-results (" + SLUG.pattern + r") ([0-9a-f]{64})", line)
        if match is None:
            return None
        results.append((match.group(1), match.group(3)))
    return origin, size, root, results, last.group(1) if last else None
