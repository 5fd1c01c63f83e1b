"""The state the rules replay (frameworks, cycles, evidence, publications) and the checks the stages share."""

from ..text import DEADLINE, hundredths, is_blank, is_hex, is_points, parse_time, points_text
from ..verdicts import member, need


class Cycle:
    """One cycle as its events leave it: units, stages, scores, council, spot-check, publication, objections."""

    def __init__(self, opened, units, window):
        self.opened, self.units = opened, units  # units: id -> {"name", "kind"}
        self.window = window  # (from, until): the dates a publication may bear
        self.deadline = parse_time(opened["selfAssessmentDeadline"], DEADLINE)
        self.stage, self.extended, self.excluded, self.checked = {}, {}, {}, set()
        self.scores = {}  # (unit, code) -> {"self", "na", "rejected", "appraised", "spot", "survey", "correction"}
        self.draws, self.published = set(), False
        self.self_assessors = {}  # unit -> set of actor ids
        self.council = {}  # actor -> {"fields": {kind: [codes]}, "chair": bool}
        self.commitment, self.closed = None, None  # closed: (seq, hash) of AppraisalClosed
        self.concluded = set()  # units whose spot-check is concluded
        self.explanations = {}  # (unit, request) -> {"criterion", "seq", "answered": seq or None}
        self.published_date = None  # the publication's decision date, YYYY-MM-DD
        self.objections = {}  # objection id -> {"unit", "seq", "answered": seq or None}
        self.delegations = {}  # vice-chairman -> {"decision", "by"}: who signs the approval in the chairman's place
        self.approval = None  # {"decision", "date", "resultsHash"} once the province approved the results
        self.body = None  # the council as a body (scheme 2): {"seats", "quorum", "meetings", "contests", "report"}


class RuleState:
    """The PAR state the rules need, replayed event by event, and the checks the stages share."""

    def __init__(self):
        self.frameworks, self.cycles, self.evidence, self.published = {}, {}, {}, {}

    def context(self, event, payload, after_publication=False):
        cycle_id, unit_id = member(payload, "cycle", str), member(payload, "unit", str)
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(unit_id in cycle.units, f"unit '{unit_id}' is not part of cycle '{cycle_id}'")
        if after_publication:
            need(cycle.published, f"cycle '{cycle_id}' is not published; change scores through the normal stages")
        else:
            need(not cycle.published, f"cycle '{cycle_id}' is published; only a correction can change it")
        stream = f"cycle/{cycle_id}/unit/{unit_id}"
        need(event["stream"] == stream, f"{event['type']} belongs in the stream '{stream}'")
        framework = self.frameworks[cycle.opened["frameworks"][cycle.units[unit_id]["kind"]]]
        return cycle, unit_id, framework

    def cycle_wide(self, event, cycle_id):
        """The cycle of a cycle-wide event: it exists, the event is in its stream, it is not published."""
        cycle = self.cycles.get(cycle_id)
        need(cycle is not None, f"no cycle '{cycle_id}'")
        need(event["stream"] == f"cycle/{cycle_id}", f"{event['type']} belongs in the stream 'cycle/{cycle_id}'")
        need(not cycle.published, f"cycle '{cycle_id}' is published; only a correction can change it")
        return cycle

    @staticmethod
    def leaf(framework, code, method, unit):
        row = framework.by_code.get(code)
        need(row is not None, f"unknown criterion '{code}' for {unit}")
        need(not row["children"], f"criterion {code} is the sum of its sub-criteria")
        need(method is None or row["method"] == method,
             f"criterion {code} is scored by the survey" if method == "assessed" else f"criterion {code} is not a survey criterion")
        return row

    @staticmethod
    def council_may_give(framework, row, value, score, unit):
        """Where the council may only recognise or lower (appraisal `lower-only`), no higher self-score, and for a
        penalty criterion no smaller deduction, unless it rejected the unit's not-applicable claim."""
        own, code = score.get("self", 0), row["code"]
        if framework.settings["appraisal"] == "adjust" or "rejected" in score:
            return
        if row["adjustment"] == "penalty":
            need(value >= own, f"{unit}, criterion {code}: the council may only recognise or raise the deduction "
                               f"{points_text(own)} the unit declared")
        else:
            need(value <= own, f"{unit}, criterion {code}: the council may only recognise or lower the self-score "
                               f"{points_text(own)}")

    @staticmethod
    def within(row, text, unit):
        """Points in canonical form, at most the leaf's maximum (FORMAT.md: Points; Within)."""
        need(is_points(text), f"{unit}, criterion {row['code']}: the points {text!r} are not written in their one canonical form")
        value = hundredths(text)
        need(value <= row["max"], f"{unit}, criterion {row['code']}: {text} points is more than its maximum of {points_text(row['max'])}")
        return value

    @staticmethod
    def in_self_assessment(cycle, unit, event):
        need(cycle.stage.get(unit, "self-assessment") == "self-assessment", f"'{unit}' has already submitted its self-assessment")
        deadline = cycle.extended.get(unit, cycle.deadline)
        need(parse_time(event["recordedAt"]) <= deadline, f"the self-assessment deadline for '{unit}' has passed")

    def check_cited(self, citations):
        need(isinstance(citations, list), "'evidence' has the wrong type")
        for citation in citations:
            need(isinstance(citation, dict), "an evidence citation must be an object")
            name, digest = member(citation, "name", str), member(citation, "sha256", str)
            need(not is_blank(name) and is_hex(digest, 64), f"evidence '{name}' needs a name and a SHA-256 of 64 hex digits")
            need(digest in self.evidence, f"evidence '{name}' ({digest[:16]}…) was never added")

    @staticmethod
    def applicable(cycle, unit, code):
        score = cycle.scores.setdefault((unit, code), {})
        need("na" not in score, f"{unit}, criterion {code} is marked not applicable")
        return score

    @staticmethod
    def appraisal_open(cycle):
        """Appraisal open: the steering committee's commitment is recorded and the appraisal is not closed."""
        cycle_id = cycle.opened["cycle"]
        need(cycle.commitment is not None, f"appraisal of '{cycle_id}' opens once the steering committee has committed to "
                                           "the secret of its spot-check draw (SpotCheckSeedCommitted)")
        need(cycle.closed is None, f"the appraisal of '{cycle_id}' was closed at event {cycle.closed and cycle.closed[0]}; "
                                   "nothing of it changes now")

    @staticmethod
    def council_check(event, cycle, unit, criterion=None, chair=False):
        """The signer is not a self-assessor of the unit, is on the cycle's council, holds the criterion's field
        for the unit's kind, and (for a chair event) chairs it."""
        actor, kind = event["actor"], cycle.units[unit]["kind"]
        need(actor not in cycle.self_assessors.get(unit, ()), f"'{actor}' self-assessed {unit} and may not appraise it")
        record = cycle.council.get(actor)
        need(record is not None, f"'{actor}' is not a council member of '{cycle.opened['cycle']}'")
        need(not chair or record["chair"], f"only the chair of the council seals, reopens or closes an appraisal; '{actor}' is a member")
        if criterion is not None:
            field = criterion.split(".")[0]
            mine = record["fields"].get(kind, [])
            need(field in mine, f"'{actor}' appraises fields {', '.join(mine) or 'none'} of {kind}s, not field {field} "
                                f"(criterion {criterion})")

    @staticmethod
    def spot_checkable(event, cycle, unit):
        need(unit in cycle.checked, f"'{unit}' is not in the spot-check sample")
        need(unit not in cycle.concluded, f"the spot-check of '{unit}' is concluded")
        need(event["actor"] not in cycle.self_assessors.get(unit, ()), f"'{event['actor']}' self-assessed {unit} and may not spot-check it")

    @staticmethod
    def note_self_assessor(event, cycle, unit):
        cycle.self_assessors.setdefault(unit, set()).add(event["actor"])
