#!/usr/bin/env python3
"""Backups taken while the ledger is written, some killed at random moments (issue 28, item 3).

    tools/test_backup.py [--parledger PATH] [--seed N] [--backups N] [--keep]

`parledger demo` writes a ledger (two cycles, thousands of events and evidence files) while this
script runs `parledger backup` on it again and again (12 times unless told); about half of the backups are killed with
SIGKILL after a random delay. Then, for every backup directory:
 - a backup that finished (exit 0, backup.json present) passes `parledger backup verify`, restores
   with `parledger restore` into a new directory, and the restored ledger passes `parledger verify`
   with exactly the event count and head the backup reported;
 - a backup that was killed before it wrote backup.json is refused by `backup verify` and by
   `restore` (exit 1, "did not finish"), and `restore` leaves no ledger behind.
A final backup of the finished ledger restores to the demo's own head. Exit 0 on success, 1 on
failure (the temporary directory is then kept); `--keep` keeps it anyway.
"""

import argparse
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, expect=0):
    result = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if expect is not None and result.returncode != expect:
        raise AssertionError(f"{' '.join(args)}: exit {result.returncode}, expected {expect}\n{result.stdout}{result.stderr}")
    return result


def head_of(verify_output):
    match = re.search(r"OK: (\d+) events, head ([0-9a-f]{64})", verify_output)
    if not match:
        raise AssertionError(f"no head in: {verify_output}")
    return int(match.group(1)), match.group(2)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parledger", default=os.path.join(ROOT, ".build/debug/parledger"))
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--backups", type=int, default=12, help="how many backups to start while the demo writes")
    parser.add_argument("--keep", action="store_true")
    options = parser.parse_args()
    parledger = options.parledger
    rng = random.Random(options.seed)
    print(f"test_backup: seed {options.seed}")
    work = tempfile.mkdtemp(prefix="parledger-backup-test-")
    ok = False
    try:
        ledger = os.path.join(work, "demo", "ledger")
        writer = subprocess.Popen([parledger, "demo", "--dir", os.path.join(work, "demo")],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        while not os.path.exists(os.path.join(ledger, "data.mdb")):
            if writer.poll() is not None:
                raise AssertionError(f"the demo ended before writing its ledger: {writer.stderr.read()}")
            time.sleep(0.05)
        time.sleep(1)
        backups = []
        while writer.poll() is None and len(backups) < options.backups:
            target = os.path.join(work, f"backup-{len(backups):02d}")
            process = subprocess.Popen([parledger, "backup", "--ledger", ledger, "--out", target, "--quiet"],
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            killed = rng.random() < 0.5
            if killed:
                time.sleep(rng.uniform(0.02, 1.5))
                process.send_signal(signal.SIGKILL)
            out, err = process.communicate(timeout=600)
            backups.append((target, process.returncode, out + err, killed))
            time.sleep(rng.uniform(0, 0.5))
        if writer.wait() != 0:
            raise AssertionError(f"the demo failed: {writer.stderr.read()}")
        final = os.path.join(work, "backup-final")
        result = run(parledger, "backup", "--ledger", ledger, "--out", final, "--quiet")
        backups.append((final, 0, result.stdout, False))
        demo_head = head_of(run(parledger, "verify", "--ledger", ledger, "--quiet").stdout)

        finished = unfinished = 0
        for index, (target, code, output, killed) in enumerate(backups):
            manifest_path = os.path.join(target, "backup.json")
            restored = os.path.join(work, f"restored-{index:02d}")
            if os.path.exists(manifest_path):
                manifest = json.load(open(manifest_path))
                if code != 0 and not killed:
                    raise AssertionError(f"{target}: exit {code} but a manifest was written\n{output}")
                run(parledger, "backup", "verify", target)
                run(parledger, "restore", target, "--ledger", restored)
                count, head = head_of(run(parledger, "verify", "--ledger", restored, "--quiet").stdout)
                if (count, head) != (manifest["eventCount"], manifest["headHash"]):
                    raise AssertionError(f"{target}: restored {count} {head}, the backup said "
                                         f"{manifest['eventCount']} {manifest['headHash']}")
                if not killed and f"backed up {count} events, head {head}" not in output:
                    raise AssertionError(f"{target}: the backup printed another head than it restores to:\n{output}")
                finished += 1
                print(f"test_backup: {os.path.basename(target)}: {count} events restored and verified"
                      + (" (killed after its manifest)" if killed else ""))
            else:
                if code == 0:
                    raise AssertionError(f"{target}: exit 0 without a manifest\n{output}")
                if not os.path.exists(target):
                    continue
                refused = run(parledger, "backup", "verify", target, expect=1)
                if "did not finish" not in refused.stderr:
                    raise AssertionError(f"{target}: refused without saying it did not finish:\n{refused.stderr}")
                run(parledger, "restore", target, "--ledger", restored, expect=1)
                if os.path.exists(restored):
                    raise AssertionError(f"{target}: a refused restore left {restored} behind")
                unfinished += 1
                print(f"test_backup: {os.path.basename(target)}: killed before it finished; refused as unfinished")
        final_count, final_head = head_of(run(parledger, "verify", "--ledger",
                                              os.path.join(work, f"restored-{len(backups) - 1:02d}"), "--quiet").stdout)
        if (final_count, final_head) != demo_head:
            raise AssertionError(f"the final backup restored {final_count} {final_head}, the demo ended at {demo_head}")
        if finished < 2:
            raise AssertionError(f"only {finished} backups finished; the test proves little")
        print(f"test_backup: OK: {finished} backups restored to the heads they reported, {unfinished} killed ones "
              f"refused; the last one restores to the demo's head {final_head[:16]}… ({final_count} events)")
        ok = True
    except AssertionError as failure:
        print(f"test_backup: FAILED (seed {options.seed}): {failure}", file=sys.stderr)
    finally:
        if ok and not options.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"test_backup: kept {work}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
