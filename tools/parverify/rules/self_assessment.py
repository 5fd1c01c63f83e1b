"""The rules of self-assessment: deadline extensions, self-scores, not-applicable marks, submission and withdrawal."""

from ..text import DEADLINE, is_blank, parse_time
from ..verdicts import member, need
from .state import RuleState


class SelfAssessmentRules(RuleState):
    """DeadlineExtended, SelfScoreRecorded, NotApplicableMarked, SelfAssessmentSubmitted and SelfAssessmentWithdrawn."""

    def on_DeadlineExtended(self, event, payload):
        until, reason = member(payload, "until", str), member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        moment = parse_time(until, DEADLINE)
        need(moment is not None and moment > cycle.deadline, "an extension must be an ISO 8601 UTC time after the deadline")
        need(not is_blank(reason), "an extension needs a reason")
        cycle.extended[unit] = moment

    def on_SelfScoreRecorded(self, event, payload):
        code, text = member(payload, "criterion", str), member(payload, "points", str)
        citations = member(payload, "evidence", list)
        explanation = member(payload, "explanation", str, optional=True) or ""
        cycle, unit, framework = self.context(event, payload)
        self.in_self_assessment(cycle, unit, event)
        row = self.leaf(framework, code, "assessed", unit)
        value = self.within(row, text, unit)
        need(citations or not is_blank(explanation), f"{unit}, criterion {code}: a self-score needs evidence or a written explanation")
        self.check_cited(citations)
        self.applicable(cycle, unit, code)["self"] = value
        self.note_self_assessor(event, cycle, unit)

    def on_NotApplicableMarked(self, event, payload):
        code, basis = member(payload, "criterion", str), member(payload, "legalBasis", str)
        cycle, unit, framework = self.context(event, payload)
        self.in_self_assessment(cycle, unit, event)
        row = framework.by_code.get(code)
        need(row is not None, f"unknown criterion '{code}' for {unit}")
        need(not is_blank(basis), "a not-applicable mark needs its legal basis")
        leaves = [leaf for leaf in framework.leaves_under(row) if leaf["method"] == "assessed"]
        need(leaves, f"criterion {code} is scored by the survey, not by the unit")
        for leaf in leaves:
            score = cycle.scores.setdefault((unit, leaf["code"]), {})
            score.pop("self", None)
            score["na"] = True
        self.note_self_assessor(event, cycle, unit)

    def on_SelfAssessmentSubmitted(self, event, payload):
        cycle, unit, framework = self.context(event, payload)
        self.in_self_assessment(cycle, unit, event)
        self.check_signer(event, cycle, unit, "submission")
        missing = [leaf["code"] for leaf in framework.leaves if leaf["method"] == "assessed"
                   and not ({"self", "na"} & set(cycle.scores.get((unit, leaf["code"]), {})))]
        need(not missing, f"'{unit}' cannot submit: {len(missing)} criteria are neither scored nor marked not applicable ({', '.join(missing[:8])})")
        cycle.stage[unit] = "submitted"
        self.note_self_assessor(event, cycle, unit)

    def check_signer(self, event, cycle, unit, step):
        """The unit's head signs its submission and withdrawal in a cycle of scheme 2 (officers prepare the sheet);
        in scheme 1 either of the unit's roles signs (the policy)."""
        need(cycle.opened.get("scheme") != 2 or self.actors.holds(event["actor"], "unit-head", unit, event["seq"]),
             f"the head of '{unit}' (unit-head) signs its self-assessment's {step}; '{event['actor']}' is not its head")

    def on_SelfAssessmentWithdrawn(self, event, payload):
        reason = member(payload, "reason", str)
        cycle, unit, _ = self.context(event, payload)
        stage = cycle.stage.get(unit, "self-assessment")
        need(stage != "self-assessment", f"'{unit}' has not submitted its self-assessment; there is nothing to withdraw")
        need(stage != "appraised", f"the appraisal of '{unit}' is sealed; a self-assessment is withdrawn only before "
                                   "the council records anything")
        deadline = cycle.extended.get(unit, cycle.deadline)
        need(parse_time(event["recordedAt"]) <= deadline, f"the self-assessment deadline for '{unit}' has passed")
        self.check_signer(event, cycle, unit, "withdrawal")
        need(not is_blank(reason), "withdrawing a self-assessment needs a reason")
        for (scored, code), score in sorted(cycle.scores.items()):
            need(scored != unit or not ({"appraised", "rejected"} & set(score)),
                 f"the council already recorded criterion {code} of '{unit}'; a self-assessment under appraisal cannot be withdrawn")
        asked = [request for (asked_of, request) in cycle.explanations if asked_of == unit]
        need(not asked, f"the council already asked '{unit}' for an explanation ('{asked[0] if asked else ''}'); "
                        "a self-assessment under appraisal cannot be withdrawn")
        cycle.stage[unit] = "self-assessment"
        self.note_self_assessor(event, cycle, unit)
