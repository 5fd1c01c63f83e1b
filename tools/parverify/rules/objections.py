"""The rules after publication: corrections, objections filed within their deadline, and their answers."""

from ..text import DEADLINE, is_blank, is_date, is_slug, parse_time
from ..verdicts import member, need
from .state import RuleState

OBJECTION_DECISIONS = ("accepted", "rejected")
# Objections are filed until the end of the 30th day after the publication's decision date, read in
# Vietnam's time, UTC+07:00 (FORMAT.md, Rules of the cycle: ObjectionFiled).
OBJECTION_DAYS = 30
OBJECTION_ZONE_MILLIS = 7 * 3600 * 1000
DAY_MILLIS = 86_400_000


class ObjectionRules(RuleState):
    """CorrectionRecorded, ObjectionFiled and ObjectionAnswered."""

    def on_CorrectionRecorded(self, event, payload):
        code, text = member(payload, "criterion", str), member(payload, "points", str)
        decision, reason = member(payload, "decision", str), member(payload, "reason", str)
        cycle, unit, framework = self.context(event, payload, after_publication=True)
        row = self.leaf(framework, code, None, unit)
        need(not is_blank(decision) and not is_blank(reason), "a correction cites the decision that orders it and gives a reason")
        objection = member(payload, "objection", str, optional=True)
        value = self.within(row, text, unit)
        if objection is not None:
            self.filed_objection(cycle, unit, objection)
        cycle.scores.setdefault((unit, code), {})["correction"] = value

    @staticmethod
    def objection_deadline(date):
        """The last millisecond an objection may be recorded for results published on `date` (YYYY-MM-DD)."""
        midnight = parse_time(date + "T00:00:00Z", DEADLINE)
        return midnight - OBJECTION_ZONE_MILLIS + (OBJECTION_DAYS + 1) * DAY_MILLIS - 1

    @staticmethod
    def filed_objection(cycle, unit, objection):
        record = cycle.objections.get(objection)
        need(record is not None and record["unit"] == unit,
             f"'{unit}' filed no objection '{objection}' in this cycle")
        return record

    def on_ObjectionFiled(self, event, payload):
        objection, reason = member(payload, "objection", str), member(payload, "reason", str)
        code = member(payload, "criterion", str, optional=True)
        cycle_id = member(payload, "cycle", str)
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(cycle.published, f"cycle '{cycle_id}' is not published yet; objections are filed after its results are published")
        cycle, unit, framework = self.context(event, payload, after_publication=True)
        need(is_date(cycle.published_date), f"the publication of cycle '{cycle_id}' bears no date")
        need(parse_time(event["recordedAt"]) <= self.objection_deadline(cycle.published_date),
             f"objections to cycle '{cycle_id}' were due within {OBJECTION_DAYS} days of the decision date {cycle.published_date}")
        need(is_slug(objection), f"the objection '{objection}' is not a valid id")
        if code is not None:
            self.leaf(framework, code, None, unit)
        need(not is_blank(reason), "an objection needs its reason")
        need(objection not in cycle.objections, f"cycle '{cycle_id}' already has an objection '{objection}'; choose another id")
        cycle.objections[objection] = {"unit": unit, "seq": event["seq"], "answered": None}

    def on_ObjectionAnswered(self, event, payload):
        objection, decision = member(payload, "objection", str), member(payload, "decision", str)
        answer = member(payload, "answer", str)
        cycle, unit, _ = self.context(event, payload, after_publication=True)
        record = self.filed_objection(cycle, unit, objection)
        need(record["answered"] is None,
             f"the objection '{objection}' of '{unit}' was already answered at event {record['answered']}")
        need(decision in OBJECTION_DECISIONS, f"an objection is answered 'accepted' or 'rejected', not '{decision}'")
        need(not is_blank(answer), "an answer to an objection needs its text")
        record["answered"] = event["seq"]
