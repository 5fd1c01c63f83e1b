"""Units merged, renamed, split or dissolved between cycles (FORMAT.md, UnitsReorganised)."""

from ..text import is_blank, is_date, is_slug
from ..verdicts import member, need
from .state import RuleState

CHANGES = ("merged", "renamed", "split", "dissolved")


def arity_problem(change, before, after):
    """Why the numbers of units before and after do not fit the kind of change, or None."""
    if change not in CHANGES:
        return f"a change is one of {', '.join(CHANGES)}, not '{change}'"
    if change == "merged" and (len(before) < 2 or len(after) != 1):
        return "a merger makes one unit of two or more"
    if change == "renamed" and (len(before) != 1 or len(after) != 1 or before == after):
        return "a renaming gives one unit another id"
    if change == "split" and (len(before) != 1 or len(after) < 2):
        return "a split makes two or more units of one"
    if change == "dissolved" and (not before or after):
        return "a dissolution ends units without successors"
    return None


class ReorganisationRules(RuleState):
    """UnitsReorganised: the map of units, which ids ended and which a change made."""

    def __init__(self):
        super().__init__()
        self.ended, self.made = set(), set()

    def on_UnitsReorganised(self, event, payload):
        decision, date = member(payload, "decision", str), member(payload, "date", str)
        changes = member(payload, "changes", list)
        for change in changes:
            need(isinstance(change, dict), "'changes' has the wrong type")
            member(change, "change", str)
            for key in ("from", "to"):
                need(all(isinstance(u, str) for u in member(change, key, list)), f"'{key}' lists unit ids")
        need(event["stream"] == "reorganisations", "UnitsReorganised belongs in the stream 'reorganisations'")
        need(not is_blank(decision), "a reorganisation cites its decision")
        need(is_date(date), f"the reorganisation's date '{date}' is not a date YYYY-MM-DD")
        need(changes, "a reorganisation lists its changes")
        scored = {unit for cycle in self.cycles.values() for unit in cycle.units}
        ended, made = set(self.ended), set(self.made)
        for change in changes:
            before, after = change["from"], change["to"]
            problem = arity_problem(change["change"], before, after)
            need(problem is None, problem)
            for unit in before + after:
                need(is_slug(unit), f"unit id '{unit}' is not a slug")
            need(len(set(before)) == len(before) and len(set(after)) == len(after),
                 "a change names each unit once before and once after")
            for unit in before:
                need(unit in scored or unit in made,
                     f"unit '{unit}' is in no cycle and no earlier reorganisation; only a unit that exists can change")
                need(unit not in ended, f"unit '{unit}' was already merged, renamed, split or dissolved")
            for unit in after:
                if unit not in before and unit not in ended:
                    need(unit not in scored and unit not in made,
                         f"unit '{unit}' exists; a change makes a new unit or keeps the id of one it changes")
            ended |= set(before)
            ended -= set(after)
            made |= set(after)
        self.ended, self.made = ended, made
