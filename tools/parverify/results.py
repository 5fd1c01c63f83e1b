"""The results of a cycle (FORMAT.md, Scores, results and publication): points per field, the index in per cent,
classes, eligibility and rank, with exact integer arithmetic."""

import sys

from .kinds import UNIT_KINDS
from .text import hundredths, points_text


class Results:
    """The results the rules' state gives for a cycle; a part of the rules (parverify.rules.Rules)."""

    def results(self, cycle_id):
        cycle, computed = self.cycles[cycle_id], []
        for kind in UNIT_KINDS:
            units = [u for u, info in cycle.units.items() if info["kind"] == kind]
            if not units:
                continue
            framework = self.frameworks[cycle.opened["frameworks"][kind]]
            rows = [(unit, self.unit_fields(cycle, unit, framework)) for unit in units]
            totals = {unit: (self.total(fields, framework), sum(m for c, _, m in fields if framework.adjustment[c] is None))
                      for unit, fields in rows}
            ranked = [totals[u] for u in units if u not in cycle.excluded]
            for unit, fields in rows:
                computed.append(self.unit_result(cycle, unit, kind, fields, totals[unit], ranked, framework))
        computed.sort(key=lambda r: (UNIT_KINDS.index(r["kind"]), r["rank"] if r["rank"] is not None else sys.maxsize, r["unit"]))
        return {"cycle": cycle_id, "units": computed}

    @staticmethod
    def unit_fields(cycle, unit, framework):
        fields = []
        for code, leaves in framework.fields:
            points = maximum = 0
            for leaf in leaves:
                score = cycle.scores.get((unit, leaf["code"]), {})
                if "na" in score and "correction" not in score:
                    continue
                maximum += leaf["max"]
                if "correction" in score:
                    points += score["correction"]
                elif leaf["method"] == "survey":
                    points += score.get("survey", 0)
                else:
                    points += score.get("spot", score.get("appraised", score.get("self", 0)))
            fields.append((code, points, maximum))
        return fields

    @staticmethod
    def total(fields, framework):
        """The fields counted in the maximum, plus the bonus fields, minus the penalty fields, never below 0."""
        signed = sum(-p if framework.adjustment[c] == "penalty" else p for c, p, _ in fields)
        return max(signed, 0)

    @staticmethod
    def unit_result(cycle, unit, kind, fields, total, ranked, framework):
        settings = framework.settings
        points, maximum = total
        excluded = cycle.excluded.get(unit)
        rank = None if excluded is not None else 1 + sum(1 for p, m in ranked if p * maximum > points * m)
        band = next((b["name"] for b in settings["classes"] if reaches(points, maximum, b["minimumPercent"])), settings["classes"][-1]["name"])
        provincial = reaches(points, maximum, settings["provincialCommendationPercent"]) and all(
            reaches(p, m, settings["fieldMinimumPercent"]) for c, p, m in fields if m > 0 and framework.adjustment[c] is None)
        return {
            "unit": unit, "name": cycle.units[unit]["name"], "kind": kind, "points": points_text(points),
            "maxPoints": points_text(maximum), "index": percent_text(points, maximum, settings["publishedDecimals"]),
            "class": band, "rank": rank, "excludedFromRanking": excluded,
            "fields": [dict({"code": c, "points": points_text(p), "maxPoints": points_text(m)},
                            **({"adjustment": framework.adjustment[c]} if framework.adjustment[c] else {}))
                       for c, p, m in fields],
            "eligibility": {"provincialCommendation": provincial, "headExcellentRating": provincial,
                            "anyCommendation": reaches(points, maximum, settings["anyCommendationPercent"])},
        }


def reaches(part, whole, percent):
    """part/whole >= percent% (percent as canonical points), exactly; true when whole is 0."""
    return whole <= 0 or part * 10000 >= hundredths(percent) * whole


def percent_text(part, whole, decimals):
    """part/whole in per cent, rounded half-up to `decimals` (0 to 2) decimals, exactly."""
    step = {0: 100, 1: 10, 2: 1}[decimals]
    rounded = 0 if whole <= 0 else (2 * part * 10000 + step * whole) // (2 * step * whole) * step
    whole_part, fraction = divmod(rounded, 100)
    return str(whole_part) if decimals == 0 else f"{whole_part}.{fraction // 10}" if decimals == 1 else f"{whole_part}.{fraction:02d}"
