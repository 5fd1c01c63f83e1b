"""The council as a body (cycles of scheme 2): its establishment by decision, meetings with their quorum, contested
adjustments decided by a recorded vote, the seal citing a meeting, and the report to the province
(Sources/PARCore/CycleRules+CouncilBody.swift)."""

from ..text import hundredths, is_blank, is_date, is_points, is_slug
from ..verdicts import member, need
from .state import RuleState

POSITIONS = ("chair", "secretary", "member")


def citation_of(payload, name):
    citation = member(payload, name, dict)
    member(citation, "name", str), member(citation, "sha256", str)
    return citation


def names(payload, name):
    items = member(payload, name, list)
    need(all(isinstance(item, str) for item in items), f"'{name}' has the wrong type")
    return items


class CouncilBodyRules(RuleState):
    """CouncilEstablished, CouncilMeetingHeld, AdjustmentContested, CouncilVoteRecorded, CouncilReportSubmitted, and
    what AppraisalConcluded must cite in scheme 2."""

    @staticmethod
    def body_of(cycle):
        need(cycle.body is not None, f"the council of '{cycle.opened['cycle']}' has not been established (CouncilEstablished)")
        return cycle.body

    def on_CouncilEstablished(self, event, payload):
        cycle_id, decision = member(payload, "cycle", str), member(payload, "decision", str)
        seats, quorum = member(payload, "members", list), member(payload, "quorumPercent", str)
        for seat in seats:
            need(isinstance(seat, dict), "'members' has the wrong type")
            member(seat, "actor", str), member(seat, "position", str)
            fields = member(seat, "fields", dict)
            need(all(isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in fields.values()),
                 "'fields' has the wrong type")
        cycle = self.cycle_wide(event, cycle_id)
        need(cycle.opened.get("scheme") == 2, f"cycle '{cycle_id}' follows scheme 1, whose council the secretariat "
                                              "assigns member by member (CouncilMemberAssigned)")
        need(cycle.body is None, f"the council of '{cycle_id}' was already established")
        need(not is_blank(decision), "the council is established by a decision; cite it")
        need(seats, "a council has members")
        seen = set()
        for seat in seats:
            actor, position, fields = seat["actor"], seat["position"], seat["fields"]
            need(is_slug(actor), f"council member id '{actor}' is not a slug")
            need(actor not in seen, f"'{actor}' has two seats on the council")
            seen.add(actor)
            need(position in POSITIONS, f"'{actor}' sits as '{position}'; a seat is chair, secretary or member")
            need(position == "secretary" or fields, f"'{actor}' ({position}) is assigned at least one field")
            self.check_fields(cycle, fields)
        for position in ("chair", "secretary"):
            count = sum(1 for seat in seats if seat["position"] == position)
            need(count == 1, f"a council has exactly one {position}, not {count}")
        need(is_points(quorum) and 0 < hundredths(quorum) <= 10000,
             f"the quorum '{quorum}' is a percent of the members, more than 0 and at most 100")
        cycle.body = {"seats": {seat["actor"]: seat for seat in seats}, "quorum": hundredths(quorum), "meetings": {},
                      "held": {}, "contests": {}, "report": None, "reopened": {}}
        for seat in seats:
            if seat["fields"]:
                cycle.council[seat["actor"]] = {"fields": {k: list(v) for k, v in seat["fields"].items()},
                                                "chair": seat["position"] == "chair"}

    @staticmethod
    def seat_holder(body, position):
        return next(actor for actor, seat in body["seats"].items() if seat["position"] == position)

    def on_CouncilMeetingHeld(self, event, payload):
        cycle_id, meeting = member(payload, "cycle", str), member(payload, "meeting", str)
        date, attendees = member(payload, "date", str), names(payload, "attendees")
        minutes = citation_of(payload, "minutes")
        cycle = self.cycle_wide(event, cycle_id)
        body = self.body_of(cycle)
        need(event["actor"] == self.seat_holder(body, "secretary"),
             f"the council's secretary records its meetings; '{event['actor']}' is not the secretary of '{cycle_id}'")
        need(is_slug(meeting), f"the meeting id '{meeting}' is not a slug")
        need(meeting not in body["meetings"], f"meeting '{meeting}' was already recorded")
        need(is_date(date), f"the meeting's date '{date}' is not a date YYYY-MM-DD")
        need(len(set(attendees)) == len(attendees) and all(a in body["seats"] for a in attendees),
             "the attendees are members of the council, each named once")
        need(len(attendees) * 10000 >= body["quorum"] * len(body["seats"]),
             f"{len(attendees)} of the council's {len(body['seats'])} members attended; a meeting needs its quorum")
        self.check_cited([minutes])
        body["meetings"][meeting] = set(attendees)
        body["held"][meeting] = event["seq"]

    def on_AdjustmentContested(self, event, payload):
        code, reason = member(payload, "criterion", str), member(payload, "reason", str)
        cycle, unit, framework = self.context(event, payload)
        body = self.body_of(cycle)
        self.appraisal_open(cycle)
        need(cycle.stage.get(unit, "self-assessment") == "submitted",
             f"the appraisal of '{unit}' is not open to a contest (it is not submitted or is sealed)")
        need(event["actor"] in body["seats"], f"'{event['actor']}' has no seat on the council of '{cycle.opened['cycle']}'")
        need(event["actor"] not in cycle.self_assessors.get(unit, ()), f"'{event['actor']}' self-assessed {unit} and may not judge it")
        self.leaf(framework, code, "assessed", unit)
        need("appraised" in cycle.scores.get((unit, code), {}), f"{unit}, criterion {code} has no appraisal to contest")
        need(not is_blank(reason), "contesting an appraisal needs a reason")
        need(body["contests"].get((unit, code)) != "open", f"{unit}, criterion {code} is already contested")
        body["contests"][(unit, code)] = "open"

    def on_CouncilVoteRecorded(self, event, payload):
        code, meeting = member(payload, "criterion", str), member(payload, "meeting", str)
        text = member(payload, "points", str)
        in_favour, against = names(payload, "inFavour"), names(payload, "against")
        cycle, unit, framework = self.context(event, payload)
        body = self.body_of(cycle)
        need(event["actor"] == self.seat_holder(body, "secretary"),
             f"the council's secretary records its votes; '{event['actor']}' is not the secretary")
        self.appraisal_open(cycle)
        need(cycle.stage.get(unit, "self-assessment") == "submitted",
             f"the appraisal of '{unit}' is not open to a vote (it is not submitted or is sealed)")
        row = self.leaf(framework, code, "assessed", unit)
        need(body["contests"].get((unit, code)) == "open", f"nobody contests {unit}, criterion {code}; there is nothing to vote on")
        need(meeting in body["meetings"], f"no meeting '{meeting}' of the council")
        voters = in_favour + against
        need(len(set(voters)) == len(voters) and all(v in body["meetings"][meeting] for v in voters),
             f"the voters attended meeting '{meeting}', each voting once")
        value = self.within(row, text, unit)
        score = self.applicable(cycle, unit, code)
        self.council_may_give(framework, row, value, score, unit)
        if len(in_favour) > len(against):
            score["appraised"] = value
        body["contests"][(unit, code)] = "decided"

    def on_CouncilReportSubmitted(self, event, payload):
        cycle_id, report = member(payload, "cycle", str), citation_of(payload, "report")
        cycle = self.cycle_wide(event, cycle_id)
        body = self.body_of(cycle)
        need(event["actor"] == self.seat_holder(body, "chair"),
             f"the chair of the council sends its report; '{event['actor']}' is not the chair")
        need(cycle.closed is not None, f"the council reports once it has closed the appraisal of '{cycle_id}'")
        need(body["report"] is None, f"the council of '{cycle_id}' has already sent its report")
        self.check_cited([report])
        body["report"] = report

    def check_seal_cites_the_meeting(self, cycle, unit, meeting):
        if cycle.opened.get("scheme") != 2:
            need(meeting is None, "in a cycle of scheme 1 the chair seals alone; the seal cites no meeting")
            return
        body = self.body_of(cycle)
        need(meeting is not None and meeting in body["meetings"],
             f"the chair seals '{unit}' citing the council's meeting that agreed its results")
        need(body["held"][meeting] > body["reopened"].get(unit, 0),
             f"'{unit}' was reopened after meeting '{meeting}'; the seal cites a meeting held since")
        open_contests = [code for (contested, code), state in body["contests"].items() if contested == unit and state == "open"]
        need(not open_contests, f"criterion {open_contests and open_contests[0]} of '{unit}' is contested; the council votes "
                                "on it before the seal")
