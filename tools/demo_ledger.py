"""The demo ledger the test scripts start from, made once per `tools/test` run.

`parledger demo` takes a minute or more in a debug build, and several of tools/test's scripts start
from the same demo (tools/api_contract.py, tools/test_documents.py, tools/test_observe.py,
tools/web_load.py). When `PARLEDGER_DEMO_CACHE` names a folder (tools/test sets it), the first script
makes the demo there and each copies it; the copy is made again when another binary, or the same
binary rebuilt, asks for it, or on another day in Vietnam (the demo opens this year's cycle today).
Without the variable each script makes its own, as before. A copy leaves out LMDB's lock file and the
writers' lock: no process of the cache's ever has them open.
"""

import datetime
import json
import os
import shutil
import subprocess

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LEFT_OUT = shutil.ignore_patterns("lock.mdb", "writers.lock")


def _maker(parledger):
    """What the demo depends on: the binary (by path, size and time) and the day in Vietnam."""
    info = os.stat(parledger)
    today = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(hours=7)).date()
    return {"parledger": os.path.abspath(parledger), "size": info.st_size, "mtime_ns": info.st_mtime_ns,
            "day": today.isoformat()}


def make_demo(parledger, directory, quiet=True):
    """Makes the demo (ledger, keys, bundle, tiles) in `directory`, which must not exist."""
    parledger, directory = str(parledger), str(directory)
    cache = os.environ.get("PARLEDGER_DEMO_CACHE")
    if not cache:
        _run_demo(parledger, directory, quiet)
        return
    demo, stamp = os.path.join(cache, "demo"), os.path.join(cache, "made-by.json")
    maker = _maker(parledger)
    try:
        with open(stamp) as file:
            fresh = json.load(file) == maker
    except (OSError, ValueError):
        fresh = False
    if not fresh:
        shutil.rmtree(demo, ignore_errors=True)
        if os.path.exists(stamp):
            os.remove(stamp)
        os.makedirs(cache, exist_ok=True)
        _run_demo(parledger, demo, quiet)
        with open(stamp, "w") as file:
            json.dump(maker, file)
    shutil.copytree(demo, directory, ignore=LEFT_OUT)


def _run_demo(parledger, directory, quiet):
    subprocess.run([parledger, "demo", "--dir", directory] + (["--quiet"] if quiet else []), check=True,
                   cwd=REPO, stdout=subprocess.DEVNULL if quiet else None)
