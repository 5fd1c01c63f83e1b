"""The bundle's files (FORMAT.md, Files, paths and sizes): expected paths and their size limits, and regular files read
without following links, inside the bundle or given on the command line."""

import hashlib
import os
import re
import stat

from .text import SLUG
from .verdicts import Failure

KIB, MIB = 1024, 1024 * 1024

FILE_ROWS = [  # (pattern, size limit); directories only frameworks, results, evidence
    (re.compile(r"manifest\.json"), 64 * MIB),
    (re.compile(r"checkpoint\.txt"), 64 * KIB),
    (re.compile(r"verifier-key\.txt"), 4 * KIB),
    (re.compile(r"events\.jsonl"), None),
    (re.compile(r"frameworks/[0-9a-f]{64}\.json"), 16 * MIB),
    (re.compile(r"actors\.json"), 64 * MIB),
    (re.compile(r"evidence\.json"), 64 * MIB),
    (re.compile(r"evidence/[0-9a-f]{64}"), 64 * MIB),
    (re.compile(r"results/" + SLUG.pattern + r"\.json"), 16 * MIB),
]
DIRECTORIES = ("frameworks", "results", "evidence")
EVENT_LINE_LIMIT = MIB
RECEIPT_LIMIT = 16 * MIB
POLICY_LIMIT = 64 * KIB


def read_regular(path, limit, code, exit_code):
    """The bytes of a regular file given on the command line; Failure(code) otherwise."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode):
            raise Failure(code, f"{path}: not a regular file", exit_code)
        if info.st_size > limit:
            raise Failure(code, f"{path}: larger than {limit} bytes", exit_code)
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(descriptor, "rb") as handle:
            data = handle.read(limit + 1)
    except OSError as error:
        raise Failure(code, f"{path}: cannot be read ({error.strerror})", exit_code) from None
    if len(data) > limit:
        raise Failure(code, f"{path}: larger than {limit} bytes", exit_code)
    return data


class Bundle:
    """The bundle directory: its regular files by relative path, opened without following links."""

    def __init__(self, path):
        try:
            self.root = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        except OSError as error:
            raise Failure("missing-file", f"{path}: cannot open the bundle directory ({error.strerror})") from None
        self.files = {}
        for name in sorted(os.listdir(self.root), key=os.fsencode):  # by the names' bytes, as the other verifier
            self._entry(self.root, "", name)
        for required in ("manifest.json", "checkpoint.txt", "verifier-key.txt", "events.jsonl", "actors.json", "evidence.json"):
            if required not in self.files:
                raise Failure("missing-file", f"{required} is missing")

    def _entry(self, directory, prefix, name):
        info = os.lstat(name, dir_fd=directory)
        path = prefix + name
        if not (stat.S_ISREG(info.st_mode) or stat.S_ISDIR(info.st_mode)):
            raise Failure("file-type", f"{path}: not a regular file or directory (symlink, FIFO, device or socket)")
        if stat.S_ISDIR(info.st_mode):
            if prefix or name not in DIRECTORIES:
                raise Failure("unexpected-file", f"{path}/: unexpected directory")
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=directory)
            try:
                for child in sorted(os.listdir(sub), key=os.fsencode):
                    self._entry(sub, path + "/", child)
            finally:
                os.close(sub)
            return
        limit = file_limit(path)
        if limit is False:
            raise Failure("unexpected-file", f"{path}: unexpected file")
        if limit is not None and info.st_size > limit:
            raise Failure("file-too-large", f"{path}: {info.st_size} bytes, more than its limit of {limit}")
        self.files[path] = info.st_size

    def open(self, path):
        """A binary file object of a regular file found by the scan, refusing anything else."""
        directory, _, name = path.rpartition("/")
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        parent = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=self.root) if directory else None
        try:
            descriptor = os.open(name, flags, dir_fd=self.root if parent is None else parent)
        except OSError as error:
            raise Failure("missing-file", f"{path}: cannot be opened ({error.strerror})") from None
        finally:
            if parent is not None:
                os.close(parent)
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            os.close(descriptor)
            raise Failure("file-type", f"{path}: not a regular file")
        return os.fdopen(descriptor, "rb")

    def read(self, path):
        limit = file_limit(path)
        with self.open(path) as handle:
            data = handle.read(limit + 1)
        if len(data) > limit:
            raise Failure("file-too-large", f"{path}: more than its limit of {limit} bytes")
        return data

    def digest(self, path):
        """(size, sha256 hex) of a file, read in chunks."""
        hasher, size = hashlib.sha256(), 0
        with self.open(path) as handle:
            while chunk := handle.read(MIB):
                hasher.update(chunk)
                size += len(chunk)
        return size, hasher.hexdigest()


def file_limit(path):
    """The size limit of a bundle path (None: no limit), or False when no row matches it."""
    for pattern, limit in FILE_ROWS:
        if pattern.fullmatch(path):
            return limit
    return False
