"""Strict JSON (FORMAT.md, Strict JSON): parsing, canonical JSON (RFC 8785, integers only) and SHA-256."""

import hashlib
import json
import re
import unicodedata

from .repertoire import REPERTOIRE_RANGES, REPERTOIRE_VERSION
from .verdicts import Failure

MAX_DEPTH = 64
MAX_INTEGER = 2**53 - 1


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


_OUTSIDE_REPERTOIRE = re.compile("[^" + "".join(
    "\\U%08x-\\U%08x" % tuple(int(bound, 16) for bound in pair.split("-"))
    for pair in "".join(REPERTOIRE_RANGES).split()) + "]")


def _check_strings(value):
    if isinstance(value, str):
        outside = _OUTSIDE_REPERTOIRE.search(value)
        if outside:  # also every lone surrogate
            raise ValueError(f"a string holds U+{ord(outside.group()):04X}, not assigned in Unicode "
                             f"{REPERTOIRE_VERSION} (or private use)")
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
