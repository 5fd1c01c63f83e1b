#!/usr/bin/env python3
"""Fast tests of tools/differential.py itself: its mutants are a function of the seed, and both verifiers
agree on the two mutants whose verdicts are known. Needs the `bundle-verdicts` executable (`swift build
--product bundle-verdicts`) for the verdict tests, which are skipped without it.

Run: python3 tools/test_differential.py
"""

import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import differential  # noqa: E402

# Made at import, before unittest turns warnings on: bundle_corpus.load_tree leaves its files to the collector.
INSIDERS = {"first": differential.Insider(7), "again": differential.Insider(7), "other": differential.Insider(8),
            "verdicts": differential.Insider(1)}


def fingerprint(mutant):
    return (mutant.family, mutant.op, mutant.description, sorted(mutant.files.items()), mutant.policy,
            mutant.receipt, mutant.extras)


class Mutations(unittest.TestCase):
    def test_the_same_seed_gives_the_same_mutants(self):
        first, second = INSIDERS["first"], INSIDERS["again"]
        for index in range(60):
            self.assertEqual(fingerprint(differential.generate(first, 7, index)),
                             fingerprint(differential.generate(second, 7, index)), f"mutant {index}")

    def test_another_seed_gives_other_mutants_and_keys(self):
        first, other = INSIDERS["first"], INSIDERS["other"]
        self.assertNotEqual(first.files["checkpoint.txt"], other.files["checkpoint.txt"])
        self.assertNotEqual([differential.generate(first, 7, i).description for i in range(20)],
                            [differential.generate(other, 8, i).description for i in range(20)])


@unittest.skipUnless(os.path.exists(differential.DEFAULT_VERDICTS), "no .build/debug/bundle-verdicts")
class Verdicts(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.insider = INSIDERS["verdicts"]
        cls.work = tempfile.mkdtemp(prefix="test-differential-")
        cls.workspace = differential.Workspace(cls.insider, cls.work)
        cls.swift = differential.SwiftVerdicts(differential.DEFAULT_VERDICTS, processes=1)

    @classmethod
    def tearDownClass(cls):
        cls.swift.close()
        shutil.rmtree(cls.work)

    def judge(self, index, mutant):
        _, job = self.workspace.make(index, mutant)
        self.swift.submit(index, job)
        python = differential.python_verdict(job)
        _, swift = self.swift.done.get()
        return swift, python

    def test_the_resealed_genuine_bundle_verifies_with_both(self):
        mutant = differential.base_mutant(self.insider, "plain", "genuine", receipt=self.insider.receipt)
        swift, python = self.judge(0, mutant)
        self.assertEqual((swift.exit, python.exit), (0, 0), (swift.line, python.line))

    def test_a_flipped_byte_in_the_manifest_is_refused_by_both(self):
        manifest = bytearray(self.insider.files["manifest.json"])
        manifest[10] ^= 0x01
        files = dict(self.insider.files, **{"manifest.json": bytes(manifest)})
        swift, python = self.judge(1, differential.base_mutant(self.insider, "manifest.json", "flip", files=files))
        self.assertEqual((swift.exit, swift.code), (1, "manifest"), swift.line)
        self.assertEqual((python.exit, python.code), (1, "manifest"), python.line)


if __name__ == "__main__":
    unittest.main()
