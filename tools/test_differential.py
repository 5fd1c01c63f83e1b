#!/usr/bin/env python3
"""Fast tests of tools/differential.py itself: its mutants are a function of the seed, and both verifiers
agree on the mutants whose verdicts are known. Needs the `bundle-verdicts` executable (`swift build
--product bundle-verdicts`) for the verdict tests, and the `parledger` CLI (`swift build --product parledger`)
for the tests of the `rules` family, which build its tiny ledger (about 5 s); each is skipped without them.

Run: python3 tools/test_differential.py
"""

import os
import random
import shutil
import sys
import tempfile
import unittest
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import differential  # noqa: E402

# Made at import, before unittest turns warnings on: bundle_corpus.load_tree leaves its files to the collector.
INSIDERS = {"first": differential.Insider(7), "again": differential.Insider(7), "other": differential.Insider(8),
            "verdicts": differential.Insider(1)}
WITHOUT_RULES = tuple(family for family in differential.FAMILIES if family != "rules")


def fingerprint(mutant):
    return (mutant.family, mutant.op, mutant.description, sorted(mutant.files.items()), mutant.policy,
            mutant.receipt, mutant.extras)


class Mutations(unittest.TestCase):
    def test_the_same_seed_gives_the_same_mutants(self):
        first, second = INSIDERS["first"], INSIDERS["again"]
        for index in range(60):
            self.assertEqual(fingerprint(differential.generate(first, 7, index, WITHOUT_RULES)),
                             fingerprint(differential.generate(second, 7, index, WITHOUT_RULES)), f"mutant {index}")

    def test_another_seed_gives_other_mutants_and_keys(self):
        first, other = INSIDERS["first"], INSIDERS["other"]
        self.assertNotEqual(first.files["checkpoint.txt"], other.files["checkpoint.txt"])
        self.assertNotEqual([differential.generate(first, 7, i, WITHOUT_RULES).description for i in range(20)],
                            [differential.generate(other, 8, i, WITHOUT_RULES).description for i in range(20)])


class Judging(unittest.TestCase):
    """Mutants of the insider that `make_insider` gives, judged by both verifiers."""

    @classmethod
    def setUpClass(cls):
        cls.insider = cls.make_insider()
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


@unittest.skipUnless(os.path.exists(differential.DEFAULT_VERDICTS), "no .build/debug/bundle-verdicts")
class Verdicts(Judging):
    @staticmethod
    def make_insider():
        return INSIDERS["verdicts"]

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


@unittest.skipUnless(os.path.exists(differential.DEFAULT_VERDICTS), "no .build/debug/bundle-verdicts")
@unittest.skipUnless(os.path.exists(differential.DEFAULT_PARLEDGER), "no .build/debug/parledger")
class Rules(Judging):
    """The `rules` family on a tiny ledger built for these tests."""

    @staticmethod
    def make_insider():
        with warnings.catch_warnings():  # bundle_corpus.load_tree leaves its files to the collector
            warnings.simplefilter("ignore", ResourceWarning)
            return differential.Insider(1, differential.Keyholder.build(differential.DEFAULT_PARLEDGER))

    def test_a_rules_mutant_is_a_function_of_seed_and_index(self):
        for index in range(20):
            self.assertEqual(fingerprint(differential.generate(self.insider, 3, index, ("rules",))),
                             fingerprint(differential.generate(self.insider, 3, index, ("rules",))), f"mutant {index}")

    def test_the_history_signed_again_is_accepted_by_both_with_each_scenario(self):
        holder = self.insider.keyholder
        for index, scenario in enumerate([None] + sorted(differential.SCENARIOS)):
            with self.subTest(scenario=scenario):
                commands, start = holder.ledger.commands_copy(), 0
                if scenario:
                    start, _ = differential.SCENARIOS[scenario][0](holder, commands, random.Random(index))
                events, redrawn = differential.signed_history(holder, commands, start, set())
                mutant = differential.Mutant("unchanged", "signed again", holder.bundle(events), holder.policy_for(events))
                swift, python = self.judge(index, mutant)
                self.assertEqual((swift.exit, python.exit), (0, 0), (swift.line, python.line))
                self.assertEqual(redrawn, scenario != "objection")


if __name__ == "__main__":
    unittest.main()
