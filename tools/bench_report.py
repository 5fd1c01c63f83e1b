#!/usr/bin/env python3
"""BENCHMARKS.md and its growth plot, generated from BENCHMARKS.json; and the smoke run's check.

tools/bench writes BENCHMARKS.json after a full run and calls this module to fill the generated
blocks of BENCHMARKS.md (between `<!-- bench:NAME -->` and `<!-- /bench:NAME -->`; everything
outside them is hand-written prose and stays as it is) and to draw the growth plot (SVG, plain
text). `tools/bench --smoke` calls `smoke_verdict` to compare its ratios with the committed ones.

  tools/bench_report.py       regenerate BENCHMARKS.md and docs/images/benchmarks-growth.svg from
                              BENCHMARKS.json (after editing the prose, say)
"""
import argparse
import json
import math
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JSON_PATH = os.path.join(ROOT, "BENCHMARKS.json")
MD_PATH = os.path.join(ROOT, "BENCHMARKS.md")
SVG_PATH = os.path.join(ROOT, "docs", "images", "benchmarks-growth.svg")
BLOCKS = ("results", "targets", "growth")
# A smoke ratio below this share of the committed full run's fails the smoke run.
REGRESSION_SHARE = 0.5
# Flat: the largest figure within 20% of the smallest; linear: the same of the seconds per event.
GROWTH_TOLERANCE = 1.2


# ---- the smoke run's check ----

def regressions(committed, current):
    """Compares the ratios of a smoke run (`current`) with the committed full run's.

    The full run also runs the smoke run and keeps its ratios (`smoke` in BENCHMARKS.json): those
    are the values compared, measured the same way at the same size; a BENCHMARKS.json without them
    gives its full-size ratios. Returns (failures, notes): a failure for each ratio comparable at
    smoke size that fell below half its committed value; a note for each other one (compared, not
    measured now, or no full-run value yet). Both are lists of sentences naming the ratio and its values."""
    failures, notes = [], []
    if not committed:
        return [], ["no committed BENCHMARKS.json: the ratios are reported, not compared"]
    full_size = {t["id"]: t.get("ratio") for t in committed.get("targets", [])}
    smoke = committed.get("smoke")
    previous = {t["id"]: t.get("ratio") for t in smoke["targets"]} if smoke else full_size
    when = committed.get("date", "?")[:10]
    for target in current.get("targets", []):
        if not target.get("smokeComparable"):
            continue
        label = f"{target['name']} / {target['baseline']}"
        ratio, full = target.get("ratio"), previous.get(target["id"])
        if ratio is None:
            notes.append(f"{label}: not measured in this run")
        elif full is None:
            notes.append(f"{label}: ratio {ratio:.2f}; no full-run value to compare with")
        else:
            where = (f" at {smoke['events']:,} events, as here (at {committed['events']:,} events: "
                     f"{ratio_text(full_size.get(target['id']))})") if smoke else ""
            if ratio < REGRESSION_SHARE * full:
                failures.append(f"{label}: ratio {ratio:.2f} is below half the last full run's {full:.2f}{where} "
                                f"(BENCHMARKS.json of {when})")
            else:
                notes.append(f"{label}: ratio {ratio:.2f}; the last full run's {full:.2f}{where}")
    return failures, notes


def ratio_text(ratio):
    return "not measured" if ratio is None else f"{ratio:.2f}"


def best_ratios(documents):
    """One document whose targets carry, for each target, the best ratio any of `documents` measured
    (a smoke run measured twice: a real regression shows in both)."""
    best = dict(documents[0], targets=[dict(t) for t in documents[0]["targets"]])
    for document in documents[1:]:
        others = {t["id"]: t.get("ratio") for t in document["targets"]}
        for target in best["targets"]:
            candidates = [r for r in (target.get("ratio"), others.get(target["id"])) if r is not None]
            target["ratio"] = max(candidates) if candidates else None
    return best


def smoke_reference(document):
    """What the full run keeps of its own smoke run: the size and each target's ratio."""
    return {"events": document["events"], "date": document["date"],
            "targets": [{"id": t["id"], "ratio": t.get("ratio")} for t in document["targets"] if t.get("smokeComparable")]}


def smoke_verdict(committed, current, say):
    """Says (through `say`) what `regressions` found; 1 when a ratio regressed, else 0 (the exit status)."""
    failures, notes = regressions(committed, current)
    for note in notes:
        say(f"bench: smoke: {note}")
    for failure in failures:
        say(f"bench: REGRESSION: {failure}")
    if failures:
        say(f"bench: the smoke run failed: {len(failures)} ratio(s) fell below {REGRESSION_SHARE:g}× the last full run's")
    return 1 if failures else 0


# ---- growth ----

def growth_checks(growth):
    """The flat and linear checks over the growth points: one target dict each (none below two points)."""
    if len(growth) < 2:
        return []
    checks = []

    def spread(name, ident, values, kind):
        values = [v for v in values if v]
        if len(values) < 2:
            return
        value = max(values) / min(values)
        checks.append({"id": ident, "name": name, "value": value, "unit": "max / min", "baseline": None,
                       "baselineValue": None, "ratio": None, "target": f"<= {GROWTH_TOLERANCE} ({kind})",
                       "met": value <= GROWTH_TOLERANCE, "smokeComparable": False})

    spread("append rate across sizes", "growth-append-flat", [g["appendEventsPerSecond"] for g in growth], "flat")
    spread("trace p99 across sizes", "growth-trace-flat", [g["traceP99Ms"] for g in growth], "flat")
    for step in ("append", "rebuild"):
        per_score = [g[f"{step}PeakMiB"] / g["stateScores"] for g in growth if g.get("stateScores") and g.get(f"{step}PeakMiB")]
        if len(per_score) >= 2:
            value = max(per_score) / per_score[0]
            checks.append({"id": f"growth-{step}-memory-state", "name": f"{step} peak memory per criterion score of the "
                           "state, largest over the smallest point's", "value": value, "unit": "ratio", "baseline": None,
                           "baselineValue": None, "ratio": None,
                           "target": f"<= {GROWTH_TOLERANCE} (bounded by the state)",
                           "met": value <= GROWTH_TOLERANCE, "smokeComparable": False})
    spread("rebuild seconds per event across sizes", "growth-rebuild-linear",
           [g["rebuildSeconds"] / g["ledgerEvents"] for g in growth], "linear")
    spread("verify seconds per event across sizes", "growth-verify-linear",
           [g["verifySeconds"] / g["ledgerEvents"] for g in growth], "linear")
    return checks


def growth_svg(growth):
    """Rates and peak memory against ledger size (logarithmic), two panels, as an SVG document."""
    width, height, panel_width = 1000, 380, 450
    series_rate = [("append", "appendEventsPerSecond", "#1f77b4"), ("verify", "verifyEventsPerSecond", "#2ca02c"),
                   ("rebuild", "rebuildEventsPerSecond", "#d62728")]
    series_memory = [("append", "appendPeakMiB", "#1f77b4"), ("verify", "verifyPeakMiB", "#2ca02c"),
                     ("rebuild", "rebuildPeakMiB", "#d62728")]
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">',
             f'<rect width="{width}" height="{height}" fill="white"/>']
    parts += panel(growth, series_rate, "events per second", 60, panel_width)
    parts += panel(growth, series_memory, "peak resident memory, MiB", 60 + panel_width + 40, panel_width)
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def panel(growth, series, title, left, panel_width):
    top, bottom = 40, 320
    right = left + panel_width - 20
    sizes = [g["ledgerEvents"] for g in growth]
    low, high = math.log10(min(sizes)), math.log10(max(sizes))
    span = (high - low) or 1.0
    x = lambda size: left + 20 + (math.log10(size) - low) / span * (right - left - 40)
    peak = max([g.get(key) or 0 for g in growth for _, key, _ in series] + [1])
    ticks = nice_ticks(peak)
    y = lambda value: bottom - value / ticks[-1] * (bottom - top)
    out = [f'<text x="{left}" y="{top - 18}" font-size="14" font-weight="bold">{escape(title)}</text>',
           f'<line x1="{left}" y1="{bottom}" x2="{right}" y2="{bottom}" stroke="#333"/>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{bottom}" stroke="#333"/>']
    for tick in ticks:
        out.append(f'<line x1="{left}" y1="{y(tick):.1f}" x2="{right}" y2="{y(tick):.1f}" stroke="#ddd"/>')
        out.append(f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end">{short(tick)}</text>')
    for size in sizes:
        out.append(f'<text x="{x(size):.1f}" y="{bottom + 18}" text-anchor="middle">{short(size)}</text>')
    out.append(f'<text x="{(left + right) / 2:.1f}" y="{bottom + 40}" text-anchor="middle">'
               f'events in the ledger (logarithmic)</text>')
    for index, (name, key, colour) in enumerate(series):
        points = [(x(g["ledgerEvents"]), y(g[key])) for g in growth if g.get(key) is not None]
        if points:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
            out += [f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3.5" fill="{colour}"/>' for px, py in points]
        legend_x = right - 70 * (len(series) - index)
        out.append(f'<line x1="{legend_x}" y1="{top - 22}" x2="{legend_x + 16}" y2="{top - 22}" stroke="{colour}" '
                   f'stroke-width="2"/>')
        out.append(f'<text x="{legend_x + 20}" y="{top - 18}">{escape(name)}</text>')
    return out


def nice_ticks(peak):
    """0 and four or five round steps up to just above `peak`."""
    raw = peak * 1.1 / 5
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [step * i for i in range(int(math.ceil(peak * 1.1 / step)) + 1)]


def short(value):
    for divisor, suffix in ((1e6, "M"), (1e3, "k")):
        if value >= divisor:
            return f"{value / divisor:.3g}{suffix}"
    return f"{value:g}"


def escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# ---- tables ----

def show(value):
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if value >= 100 else f"{value:.3f}"


def markdown_table(header, lines, align=None):
    """A Markdown table with padded columns (also what tools/bench prints)."""
    lines = [[str(x) for x in line] for line in lines]
    widths = [max(len(x) for x in column) for column in zip(header, *lines)]
    align = align or ["left"] * len(header)
    rule = ["-" * (w + 2) if a == "left" else "-" * (w + 1) + ":" for w, a in zip(widths, align)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |", "|" + "|".join(rule) + "|"]
    out += ["| " + " | ".join(x.ljust(w) if a == "left" else x.rjust(w) for x, w, a in zip(line, widths, align)) + " |"
            for line in lines]
    return out


def show_mib(value):
    return "" if value is None else f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def results_table(rows):
    header = ["workload", "ParLedger", "peak MiB", "baseline", "baseline value", "ratio", "target", "met"]
    lines = [[r["workload"], show(r["parledger"]), show_mib(r["peakRSSMiB"]), r["baseline"] or "", show(r["baselineValue"]),
              f"{r['ratio']:.2f}" if r["ratio"] is not None else "", r["target"] or "", met_text(r["met"])]
             for r in rows]
    return markdown_table(header, lines)


def met_text(met):
    return {True: "yes", False: "NO", None: ""}[met]


def targets_table(targets):
    header = ["target", "value", "baseline", "baseline value", "ratio", "target", "met"]
    lines = [[t["name"], value_text(t), t["baseline"] or "", show(t.get("baselineValue")),
              f"{t['ratio']:.2f}" if t.get("ratio") is not None else "", t["target"], met_text(t["met"])]
             for t in targets]
    return markdown_table(header, lines)


def value_text(target):
    value = target.get("value")
    if value is None:
        return "not measured"
    if target.get("unit") == "max / min":
        return f"{value:.2f}×"
    if target.get("unit") == "MiB":
        anonymous = target.get("anonymousMiB")
        return f"{show_mib(value)} MiB" + (f" ({show_mib(anonymous)} anonymous)" if anonymous else "")
    return f"{show(value)} {target.get('unit') or ''}".strip()


def growth_table(growth):
    header = ["events", "state, criterion scores", "append, events/s", "append peak MiB", "trace p99, ms", "rebuild, s",
              "rebuild peak MiB", "verify, s", "verify, events/s", "verify peak MiB"]
    lines = [[f"{g['ledgerEvents']:,}", show(g.get("stateScores")), show(g["appendEventsPerSecond"]),
              show_mib(g["appendPeakMiB"]),
              f"{g['traceP99Ms']:.3f}", f"{g['rebuildSeconds']:.2f}", show_mib(g.get("rebuildPeakMiB")),
              f"{g['verifySeconds']:.2f}", show(g["verifyEventsPerSecond"]), show_mib(g.get("verifyPeakMiB"))]
             for g in growth]
    return markdown_table(header, lines, align=["right"] * len(header))


# ---- BENCHMARKS.md ----

def blocks(document, svg_link):
    """The text of each generated block."""
    results = [f"`{document['command']}`, {document['date'][:10]}: {describe(document.get('machine', {}))}.", ""]
    results += results_table(document["rows"])
    results += ["", "Ratios are ParLedger's figure over the baseline's (for rebuild: PostgreSQL's time over ours); "
                "every baseline ran in the same run, on the same machine, beside ParLedger."]
    results += [""] + [f"- {note}" for note in document.get("notes", [])] if document.get("notes") else []
    targets = targets_table(document["targets"])
    smoke = document.get("smoke")
    if smoke:
        names = {t["id"]: f"{t['name']} / {t['baseline']}" for t in document["targets"]}
        ratios = "; ".join(f"{names.get(t['id'], t['id'])} {ratio_text(t['ratio'])}" for t in smoke["targets"])
        targets += ["", f"The smoke run of this full run ({smoke['events']:,} events), whose ratios CI's smoke runs must "
                    f"keep above half: {ratios}."]
    growth = document.get("growth") or []
    if len(growth) >= 2:
        growth_text = growth_table(growth) + [
            "", f"Flat: the largest figure within {GROWTH_TOLERANCE:g}× the smallest; linear: the same of the seconds "
            "per event (the checks are in the targets above). Peak memory is the process's maximum resident set, "
            "which includes the pages of the ledger's memory map it touched (the targets' \"anonymous\" figure, "
            "sampled every 50 ms, leaves them out).", "",
            f"![Rates and peak memory against ledger size]({svg_link})"]
    else:
        growth_text = ["This run measured no growth points (`tools/bench --growth SIZES`)."]
    return {"results": results, "targets": targets, "growth": growth_text}


def describe(machine):
    """The machine in one line: processor, cores, memory, kernel, toolchain and libraries."""
    parts = [machine.get("cpu"), f"{machine['cores']} cores" if machine.get("cores") else None,
             f"{machine['memory']} of memory" if machine.get("memory") else None,
             f"Linux {machine['kernel']}" if machine.get("kernel") else None, machine.get("swift"),
             f"LMDB {machine['lmdb']}" if machine.get("lmdb") else None, machine.get("postgres")]
    return ", ".join(part for part in parts if part)


def fill(template, texts):
    """`template` with each generated block's content replaced; refuses a template missing one."""
    for name in BLOCKS:
        pattern = re.compile(rf"(<!-- bench:{name} -->\n).*?(<!-- /bench:{name} -->)", re.S)
        if not pattern.search(template):
            raise ValueError(f"BENCHMARKS.md has no block <!-- bench:{name} --> … <!-- /bench:{name} -->")
        body = "\n".join(texts[name]) + "\n"
        template = pattern.sub(lambda m: m.group(1) + body + m.group(2), template)
    return template


def write_report(document, template_path, md_path, svg_path):
    """Writes the Markdown (the template's prose, the blocks filled) and, with two growth points or more, the plot."""
    with open(template_path, encoding="utf-8") as f:
        template = f.read()
    link = os.path.relpath(svg_path, os.path.dirname(os.path.abspath(md_path)))
    text = fill(template, blocks(document, link))
    if len(document.get("growth") or []) >= 2:
        os.makedirs(os.path.dirname(svg_path), exist_ok=True)
        with open(svg_path, "w", encoding="utf-8") as f:
            f.write(growth_svg(document["growth"]))
    with open(md_path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", default=JSON_PATH)
    parser.add_argument("--md", default=MD_PATH)
    parser.add_argument("--svg", default=SVG_PATH)
    args = parser.parse_args()
    with open(args.json, encoding="utf-8") as f:
        document = json.load(f)
    write_report(document, args.md, args.md, args.svg)
    print(f"bench_report: wrote {os.path.relpath(args.md)}", file=sys.stderr)


if __name__ == "__main__":
    main()
