"""The rules of the survey import and publication: survey scores, units left out of the ranking, the results published."""

from ..kinds import UNIT_KINDS
from ..strictjson import canonical, sha256
from ..text import is_blank, is_date
from ..verdicts import member, need
from .state import RuleState


class PublicationRules(RuleState):
    """SurveyScoresImported, UnitExcludedFromRanking and ResultsPublished."""

    def on_SurveyScoresImported(self, event, payload):
        rows = member(payload, "scores", list)
        member(payload, "source", str)
        for row in rows:
            need(isinstance(row, dict), "'scores' has the wrong type")
            member(row, "criterion", str), member(row, "points", str)
        cycle, unit, framework = self.context(event, payload)
        for row in rows:
            leaf = self.leaf(framework, row["criterion"], "survey", unit)
            value = self.within(leaf, row["points"], unit)
            cycle.scores.setdefault((unit, leaf["code"]), {})["survey"] = value

    def on_UnitExcludedFromRanking(self, event, payload):
        reason = member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        need(not is_blank(reason), "leaving a unit out of the ranking needs a reason")
        cycle.excluded[unit] = reason

    def on_ResultsPublished(self, event, payload):
        cycle_id, decision = member(payload, "cycle", str), member(payload, "decision", str)
        date, attested = member(payload, "date", str), member(payload, "resultsHash", str)
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(event["stream"] == f"cycle/{cycle_id}", f"ResultsPublished belongs in the stream 'cycle/{cycle_id}'")
        need(not cycle.published, f"cycle '{cycle_id}' is already published")
        need(not is_blank(decision), "a publication cites the decision that publishes the results")
        missing = self.publication_missing(cycle, date)
        need(not missing, f"cycle '{cycle_id}' cannot be published yet: " + "; ".join(missing))
        self.check_publishes_the_approval(cycle, decision, date, attested)
        computed = sha256(canonical(self.results(cycle_id)))
        need(computed == attested, f"the published results hash {attested[:16]}… does not match the results the events give ({computed[:16]}…)")
        cycle.published = True
        cycle.published_date = date
        self.published[cycle_id] = attested

    def publication_missing(self, cycle, date):
        """Everything a publication still lacks, in the order FORMAT.md lists it (ResultsPublished)."""
        missing = []
        start, until = cycle.window
        if not (is_date(date) and start <= date <= until):
            missing.append(f"the decision's date '{date}' is not a date from {start} to {until}, the publication window")
        unsealed, unchecked, unsurveyed = [], [], []
        for unit, info in cycle.units.items():
            if cycle.stage.get(unit) != "appraised":
                unsealed.append(unit)
            if unit in cycle.checked and unit not in cycle.concluded:
                unchecked.append(unit)
            if unit in cycle.excluded:
                continue
            framework = self.frameworks[cycle.opened["frameworks"][info["kind"]]]
            lacking = [leaf["code"] for leaf in framework.leaves
                       if leaf["method"] == "survey" and "survey" not in cycle.scores.get((unit, leaf["code"]), {})]
            if lacking:
                unsurveyed.append(f"{unit} ({', '.join(lacking)})")
        if unsealed:
            missing.append(f"appraisal not sealed: {', '.join(unsealed)}")
        if cycle.closed is None:
            missing.append("the council has not closed the appraisal")
        for kind in UNIT_KINDS:
            if any(info["kind"] == kind for info in cycle.units.values()) and kind not in cycle.draws:
                missing.append(f"the spot-check of {kind}s has not been drawn")
        if unchecked:
            missing.append(f"spot-check not concluded: {', '.join(unchecked)}")
        if unsurveyed:
            missing.append(f"survey points missing: {', '.join(unsurveyed)}")
        if cycle.opened.get("scheme") == 2 and (cycle.body is None or cycle.body["report"] is None):
            missing.append("the council has not sent its report to the province")
        return missing
