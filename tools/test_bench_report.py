"""Tests of tools/bench_report.py: the smoke run's regression check, the generated blocks of
BENCHMARKS.md, the growth checks and the plot. Run: python3 -m unittest tools/test_bench_report.py"""
import os
import sys
import unittest
import xml.etree.ElementTree as ElementTree

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_report  # noqa: E402


def target(ident, ratio, comparable=True, name="full append, batched", baseline="C: the same LMDB writes"):
    return {"id": ident, "name": name, "value": 1000.0, "unit": "events/s", "baseline": baseline,
            "baselineValue": 2000.0, "ratio": ratio, "target": ">= 0.7", "met": None, "smokeComparable": comparable}


def committed(*targets):
    return {"date": "2026-12-01T10:00:00+00:00", "targets": list(targets)}


def growth_point(events, rate, p99, memory, rebuild, verify, scores=None):
    return {"events": events, "ledgerEvents": events, "stateScores": scores, "appendEventsPerSecond": rate,
            "appendPeakMiB": memory,
            "traceP99Ms": p99, "rebuildSeconds": rebuild, "rebuildEventsPerSecond": events / rebuild,
            "rebuildPeakMiB": memory, "verifySeconds": verify, "verifyEventsPerSecond": events / verify,
            "verifyPeakMiB": memory, "latencyPeakMiB": memory}


class RegressionTests(unittest.TestCase):
    def test_a_ratio_below_half_the_committed_one_fails_naming_both_values(self):
        failures, _ = bench_report.regressions(committed(target("full-append-c", 0.60)),
                                               {"targets": [target("full-append-c", 0.29)]})
        self.assertEqual(len(failures), 1)
        self.assertIn("full append, batched / C: the same LMDB writes", failures[0])
        self.assertIn("0.29", failures[0])
        self.assertIn("0.60", failures[0])
        self.assertIn("2026-12-01", failures[0])

    def test_a_ratio_at_half_or_above_passes(self):
        for ratio in (0.30, 0.45, 0.9):
            failures, notes = bench_report.regressions(committed(target("full-append-c", 0.60)),
                                                       {"targets": [target("full-append-c", ratio)]})
            self.assertEqual(failures, [], ratio)
            self.assertTrue(any(f"{ratio:.2f}" in note for note in notes))

    def test_only_ratios_comparable_at_smoke_size_are_judged(self):
        failures, notes = bench_report.regressions(
            committed(target("rebuild-postgres", 5.0, comparable=False)),
            {"targets": [target("rebuild-postgres", 0.1, comparable=False)]})
        self.assertEqual(failures, [])
        self.assertEqual(notes, [])

    def test_a_ratio_without_a_full_run_value_is_only_reported(self):
        failures, notes = bench_report.regressions(committed(target("durable", None)),
                                                   {"targets": [target("durable", 0.01), target("core-append", 0.02)]})
        self.assertEqual(failures, [])
        self.assertEqual(len(notes), 2)
        self.assertTrue(all("no full-run value" in note for note in notes))

    def test_a_ratio_not_measured_now_is_reported(self):
        failures, notes = bench_report.regressions(committed(target("full-append-postgres", 2.0)),
                                                   {"targets": [target("full-append-postgres", None)]})
        self.assertEqual(failures, [])
        self.assertIn("not measured", notes[0])

    def test_without_a_committed_run_nothing_fails(self):
        failures, notes = bench_report.regressions(None, {"targets": [target("full-append-c", 0.0001)]})
        self.assertEqual(failures, [])
        self.assertIn("no committed BENCHMARKS.json", notes[0])

    def test_every_regression_is_named(self):
        failures, _ = bench_report.regressions(
            committed(target("core-append", 0.5), target("durable", 0.8), target("full-append-sha", 0.3)),
            {"targets": [target("core-append", 0.2), target("durable", 0.79), target("full-append-sha", 0.1)]})
        self.assertEqual(len(failures), 2)


class SmokeReferenceTests(unittest.TestCase):
    """The full run keeps its own smoke run's ratios; CI's smoke runs are compared with those."""

    def full_run(self, full_ratio, smoke_ratio):
        document = dict(committed(target("full-append-c", full_ratio)), events=1_012_265)
        document["smoke"] = bench_report.smoke_reference(
            {"events": 12_280, "date": "2026-12-01T10:30:00+00:00", "targets": [target("full-append-c", smoke_ratio),
                                                                                target("verify-rate", 9.0, False)]})
        return document

    def test_the_smoke_size_ratio_is_the_reference(self):
        full = self.full_run(0.60, 0.20)
        self.assertEqual(full["smoke"]["targets"], [{"id": "full-append-c", "ratio": 0.20}])
        failures, notes = bench_report.regressions(full, {"targets": [target("full-append-c", 0.15)]})
        self.assertEqual(failures, [])  # below half of 0.60, but not of 0.20
        self.assertIn("the last full run's 0.20 at 12,280 events, as here (at 1,012,265 events: 0.60)", notes[0])
        failures, _ = bench_report.regressions(full, {"targets": [target("full-append-c", 0.09)]})
        self.assertIn("ratio 0.09 is below half the last full run's 0.20 at 12,280 events", failures[0])

    def test_a_second_smoke_run_counts_with_the_better_ratio(self):
        first = {"events": 12_000, "targets": [target("durable", 0.30), target("core-append", None)]}
        second = {"events": 12_000, "targets": [target("durable", 0.70), target("core-append", 0.1)]}
        best = bench_report.best_ratios([first, second])
        self.assertEqual([t["ratio"] for t in best["targets"]], [0.70, 0.1])
        self.assertEqual(first["targets"][0]["ratio"], 0.30)


class SmokeVerdictTests(unittest.TestCase):
    def verdict(self, full, smoke):
        said = []
        status = bench_report.smoke_verdict(committed(*full), {"targets": smoke}, said.append)
        return status, "\n".join(said)

    def test_a_regression_fails_the_smoke_run_with_a_clear_message(self):
        status, said = self.verdict([target("durable", 0.84, name="durable one-event command",
                                            baseline="C: same LMDB commit + Ed25519")],
                                    [target("durable", 0.40, name="durable one-event command",
                                            baseline="C: same LMDB commit + Ed25519")])
        self.assertEqual(status, 1)
        self.assertIn("REGRESSION: durable one-event command / C: same LMDB commit + Ed25519: ratio 0.40 is below half "
                      "the last full run's 0.84", said)

    def test_no_regression_passes(self):
        status, said = self.verdict([target("durable", 0.84)], [target("durable", 0.43)])
        self.assertEqual(status, 0)
        self.assertNotIn("REGRESSION", said)


class ReportTests(unittest.TestCase):
    TEMPLATE = ("# Benchmarks\n\nProse before.\n\n<!-- bench:results -->\nold\n<!-- /bench:results -->\n\nProse between.\n\n"
                "<!-- bench:targets -->\nold\n<!-- /bench:targets -->\n\n<!-- bench:growth -->\nold\n"
                "<!-- /bench:growth -->\n\nProse after.\n")

    def test_the_blocks_are_replaced_and_the_prose_kept(self):
        filled = bench_report.fill(self.TEMPLATE, {"results": ["R"], "targets": ["T"], "growth": ["G"]})
        self.assertIn("Prose before.", filled)
        self.assertIn("Prose between.", filled)
        self.assertIn("Prose after.", filled)
        self.assertIn("<!-- bench:results -->\nR\n<!-- /bench:results -->", filled)
        self.assertNotIn("old", filled)
        again = bench_report.fill(filled, {"results": ["R2"], "targets": ["T"], "growth": ["G"]})
        self.assertIn("<!-- bench:results -->\nR2\n<!-- /bench:results -->", again)

    def test_a_template_missing_a_block_is_refused(self):
        with self.assertRaises(ValueError):
            bench_report.fill(self.TEMPLATE.replace("<!-- bench:growth -->", ""), {"results": [], "targets": [], "growth": []})

    def test_flat_and_linear_checks(self):
        growth = [growth_point(100_000, 10_000, 0.10, 100, 1.0, 0.5, scores=40_000),
                  growth_point(1_000_000, 9_000, 0.11, 110, 10.5, 5.0, scores=400_000),
                  growth_point(3_000_000, 7_000, 0.12, 300, 32.0, 15.0, scores=1_200_000)]
        checks = {c["id"]: c for c in bench_report.growth_checks(growth)}
        self.assertFalse(checks["growth-append-flat"]["met"])  # 10,000 / 7,000 > 1.2
        self.assertTrue(checks["growth-trace-flat"]["met"])
        self.assertTrue(checks["growth-append-memory-state"]["met"])  # memory per score falls
        self.assertTrue(checks["growth-rebuild-linear"]["met"])
        self.assertTrue(checks["growth-verify-linear"]["met"])
        self.assertEqual(bench_report.growth_checks(growth[:1]), [])

    def test_memory_growing_faster_than_the_state_fails_its_check(self):
        growth = [growth_point(100_000, 10_000, 0.10, 100, 1.0, 0.5, scores=40_000),
                  growth_point(1_000_000, 9_000, 0.11, 2_000, 10.5, 5.0, scores=400_000)]
        checks = {c["id"]: c for c in bench_report.growth_checks(growth)}
        self.assertFalse(checks["growth-append-memory-state"]["met"])  # 20 × the memory for 10 × the scores
        self.assertNotIn("growth-append-memory-state", {c["id"] for c in bench_report.growth_checks(
            [growth_point(100_000, 10_000, 0.1, 100, 1.0, 0.5), growth_point(1_000_000, 9_000, 0.1, 110, 10.0, 5.0)])})

    def test_the_plot_is_well_formed_svg(self):
        growth = [growth_point(100_000, 10_000, 0.1, 100, 1.0, 0.5), growth_point(1_000_000, 9_000, 0.1, 110, 10.0, 5.0)]
        root = ElementTree.fromstring(bench_report.growth_svg(growth))
        self.assertEqual(root.tag, "{http://www.w3.org/2000/svg}svg")
        self.assertEqual(len(root.findall("{http://www.w3.org/2000/svg}polyline")), 6)


if __name__ == "__main__":
    unittest.main()
