"""Small text rules (FORMAT.md, Ids and names): slugs, points, names, blank text, hex, base64, times and dates."""

import base64
import datetime
import functools
import re
import unicodedata

SLUG = re.compile(r"[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?")
CODE = re.compile(r"[0-9]{1,3}(\.[0-9]{1,3}){0,5}")
POINTS = re.compile(r"(0|[1-9][0-9]{0,5})(\.[0-9]?[1-9])?")
TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z")
DEADLINE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{3})?Z")
NAME_PUNCTUATION = set(".,-()/&':; ")
# Unicode White_Space: what "blank" means (Swift's .whitespacesAndNewlines).
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


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


# The repertoire of display names (FORMAT.md, Ids and names): ASCII letters and digits, Latin-1 letters,
# Latin Extended-A and -B, combining diacritics, Latin Extended Additional, and the listed punctuation.
# A table, not the interpreter's Unicode data, so that every Python version gives the same verdict.
NAME_RANGES = ((0x30, 0x39), (0x41, 0x5A), (0x61, 0x7A), (0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0x24F), (0x300, 0x36F),
               (0x1E00, 0x1EFF))


def name_allows(char):
    return char in NAME_PUNCTUATION or any(low <= ord(char) <= high for low, high in NAME_RANGES)


def display_name_problem(name):
    if not isinstance(name, str) or not 1 <= len(name) <= 200:
        return "must be 1 to 200 characters"
    for char in name:
        if not name_allows(char):
            return f"holds the character U+{ord(char):04X}"
    if not unicodedata.is_normalized("NFC", name):
        return "is not NFC"
    if name != name.strip(" ") or "  " in name:
        return "has leading, trailing or doubled spaces"
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


def is_date(text):
    """A real calendar date written YYYY-MM-DD (proleptic Gregorian, years 0000 to 9999)."""
    if not isinstance(text, str) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text) is None:
        return False
    year, month, day = int(text[:4]), int(text[5:7]), int(text[8:])
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    return 1 <= month <= 12 and 1 <= day <= days[month - 1]
