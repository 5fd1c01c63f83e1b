"""The rules of appraisal by the council: explanations asked and given, appraisal scores, rejected not-applicable
claims, seals, reopening and the close."""

from ..text import is_blank, is_hex, is_slug, points_text
from ..verdicts import member, need
from .state import RuleState


class AppraisalRules(RuleState):
    """ExplanationRequested, ExplanationGiven, AppraisalScoreRecorded, NotApplicableRejected, AppraisalConcluded,
    AppraisalReopened and AppraisalClosed."""

    @staticmethod
    def under_appraisal(cycle, unit):
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage != "self-assessment", f"'{unit}' has not submitted its self-assessment yet; explanations are asked during appraisal")
        need(stage != "appraised", f"the appraisal of '{unit}' is sealed; the chair reopens it with a reason to change it")

    def on_ExplanationRequested(self, event, payload):
        code, request = member(payload, "criterion", str), member(payload, "request", str)
        question = member(payload, "question", str)
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        self.under_appraisal(cycle, unit)
        self.leaf(framework, code, "assessed", unit)
        self.council_check(event, cycle, unit, criterion=code)
        need(is_slug(request), f"the explanation request '{request}' is not a valid id")
        need(not is_blank(question), "a request for an explanation needs its question")
        need((unit, request) not in cycle.explanations,
             f"'{unit}' was already asked an explanation with the id '{request}'; choose another id")
        cycle.explanations[(unit, request)] = {"criterion": code, "seq": event["seq"], "answered": None}

    def on_ExplanationGiven(self, event, payload):
        request, answer = member(payload, "request", str), member(payload, "answer", str)
        digests = member(payload, "evidence", list)
        need(all(isinstance(digest, str) for digest in digests), "'evidence' has the wrong type")
        cycle, unit, _ = self.context(event, payload)
        self.under_appraisal(cycle, unit)
        record = cycle.explanations.get((unit, request))
        need(record is not None, f"no explanation request '{request}' was made of '{unit}'")
        need(record["answered"] is None,
             f"the explanation request '{request}' of '{unit}' was already answered at event {record['answered']}")
        need(not is_blank(answer), "an explanation needs its answer")
        for digest in digests:
            need(is_hex(digest, 64), f"evidence '{digest}' is not a SHA-256 of 64 hex digits")
            need(digest in self.evidence, f"evidence ({digest[:16]}…) was never added")
        record["answered"] = event["seq"]
        self.note_self_assessor(event, cycle, unit)

    def on_AppraisalScoreRecorded(self, event, payload):
        code, text = member(payload, "criterion", str), member(payload, "points", str)
        reason = member(payload, "reason", str, optional=True) or ""
        citations = member(payload, "evidence", list, optional=True) or []
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage != "self-assessment", f"'{unit}' has not submitted its self-assessment yet; appraisal comes after")
        need(stage != "appraised", f"the appraisal of '{unit}' is sealed; the chair reopens it with a reason to change it")
        row = self.leaf(framework, code, "assessed", unit)
        self.council_check(event, cycle, unit, criterion=code)
        value = self.within(row, text, unit)
        score = self.applicable(cycle, unit, code)
        own = score.get("self", 0)
        self.council_may_give(framework, row, value, score, unit)
        self.check_cited(citations)
        need(value == own or not is_blank(reason), f"{unit}, criterion {code}: adjusting {points_text(own)} to {text} needs a reason")
        score["appraised"] = value

    def on_NotApplicableRejected(self, event, payload):
        code, reason = member(payload, "criterion", str), member(payload, "reason", str)
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage == "submitted", f"the appraisal of '{unit}' is sealed; the chair reopens it with a reason to change it"
             if stage == "appraised" else f"'{unit}' has not submitted its self-assessment yet; appraisal comes after")
        row = framework.by_code.get(code)
        need(row is not None, f"unknown criterion '{code}' for {unit}")
        self.council_check(event, cycle, unit, criterion=code)
        need(not is_blank(reason), "rejecting a not-applicable claim needs a reason")
        claimed = [leaf["code"] for leaf in framework.leaves_under(row)
                   if leaf["method"] == "assessed" and "na" in cycle.scores.get((unit, leaf["code"]), {})]
        need(claimed, f"{unit} claimed nothing under {code} as not applicable")
        for leaf in claimed:
            score = cycle.scores[(unit, leaf)]
            del score["na"]
            score["rejected"] = True

    def on_AppraisalConcluded(self, event, payload):
        meeting = member(payload, "meeting", str, optional=True)
        cycle, unit, framework = self.context(event, payload)
        self.appraisal_open(cycle)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage == "submitted", f"the appraisal of '{unit}' is already sealed" if stage == "appraised"
             else f"'{unit}' has not submitted its self-assessment yet")
        self.council_check(event, cycle, unit, chair=True)
        self.check_seal_cites_the_meeting(cycle, unit, meeting)
        for leaf in framework.leaves:
            score = cycle.scores.setdefault((unit, leaf["code"]), {})
            if leaf["method"] == "assessed" and "na" not in score and "appraised" not in score:
                score["appraised"] = score.get("self", 0)
        cycle.stage[unit] = "appraised"

    def on_AppraisalReopened(self, event, payload):
        reason = member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        self.appraisal_open(cycle)
        need(cycle.stage.get(unit, "self-assessment") == "appraised", f"the appraisal of '{unit}' is not sealed")
        self.council_check(event, cycle, unit, chair=True)
        need(not is_blank(reason), "reopening a sealed appraisal needs a reason")
        cycle.stage[unit] = "submitted"
        if cycle.opened.get("scheme") == 2 and cycle.body is not None:
            cycle.body["reopened"][unit] = event["seq"]

    def on_AppraisalClosed(self, event, payload):
        cycle_id = member(payload, "cycle", str)
        cycle = self.cycle_wide(event, cycle_id)
        self.appraisal_open(cycle)
        need(cycle.council.get(event["actor"], {}).get("chair") is True,
             f"only the chair of the council of '{cycle_id}' closes its appraisal")
        pending = [u for u in cycle.units if cycle.stage.get(u) != "appraised"]
        need(not pending, f"the appraisal is closed once every unit's is sealed; not yet sealed: {', '.join(pending)}")
        cycle.closed = (event["seq"], event["hash"])
