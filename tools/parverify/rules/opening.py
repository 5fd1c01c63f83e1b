"""The rules of opening a cycle: evidence, frameworks, the cycle and its council (FORMAT.md, Rules of the cycle)."""

from ..frameworks import Framework, check_framework
from ..kinds import UNIT_KINDS, kind_problem
from ..strictjson import canonical, sha256
from ..text import DEADLINE, display_name_problem, fold, is_blank, is_date, is_hex, is_slug, parse_time
from ..verdicts import member, need
from .state import Cycle, RuleState


class OpeningRules(RuleState):
    """EvidenceAdded, FrameworkRegistered, CycleOpened and CouncilMemberAssigned."""

    def on_EvidenceAdded(self, event, payload):
        digest, name = member(payload, "sha256", str), member(payload, "name", str)
        size, unit = member(payload, "size", int), member(payload, "unit", str, optional=True)
        need(is_hex(digest, 64) and not is_blank(name) and size >= 0, "evidence needs a name, a size and a SHA-256 of 64 hex digits")
        need(event["stream"] == f"evidence/{digest}", f"EvidenceAdded belongs in the stream 'evidence/{digest}'")
        self.evidence.setdefault(digest, {"name": name, "sha256": digest, "size": size, "unit": unit})

    def on_FrameworkRegistered(self, event, payload):
        identifier = member(payload, "id", str)
        need("framework" in payload, "the payload needs 'framework'")
        rows = check_framework(payload["framework"])
        digest = sha256(canonical(payload["framework"], presorted=True))
        need(digest == identifier, f"the framework's content hash is {digest}, not {identifier}")
        need(identifier not in self.frameworks, f"framework {identifier} is already registered")
        need(event["stream"] == f"framework/{identifier}", f"FrameworkRegistered belongs in the stream 'framework/{identifier}'")
        self.frameworks[identifier] = Framework(payload["framework"], rows)

    def on_CycleOpened(self, event, payload):
        cycle_id, name = member(payload, "cycle", str), member(payload, "name", str)
        year = member(payload, "year", int)
        kinds, units = member(payload, "frameworks", dict), member(payload, "units", list)
        deadline = member(payload, "selfAssessmentDeadline", str)
        previous = member(payload, "previousCycle", str, optional=True)
        scheme = member(payload, "scheme", int, optional=True)
        window = member(payload, "publicationWindow", dict, optional=True)
        if window is not None:
            member(window, "from", str), member(window, "until", str)
        need(all(isinstance(v, str) for v in kinds.values()), "'frameworks' has the wrong type")
        for unit in units:
            need(isinstance(unit, dict), "'units' has the wrong type")
            member(unit, "id", str), member(unit, "name", str)
            need(member(unit, "kind", str) in UNIT_KINDS, f"a unit's kind is one of {', '.join(UNIT_KINDS)}")
        need(event["stream"] == f"cycle/{cycle_id}", f"CycleOpened belongs in the stream 'cycle/{cycle_id}'")
        need(is_slug(cycle_id), f"cycle id '{cycle_id}' is not a slug")
        need(cycle_id not in self.cycles, f"cycle '{cycle_id}' is already open")
        need(parse_time(deadline, DEADLINE) is not None, f"the self-assessment deadline '{deadline}' is not an ISO 8601 UTC time")
        need(not is_blank(name), f"cycle '{cycle_id}' needs a name")
        need(scheme in (None, 1, 2), f"cycle '{cycle_id}' names scheme {scheme}; the schemes are 1 and 2")
        need(units, f"cycle '{cycle_id}' has no units")
        listed, names = {}, {}
        for unit in units:
            need(is_slug(unit["id"]), f"unit id '{unit['id']}' is not a slug")
            problem = display_name_problem(unit["name"])
            need(problem is None, f"the name {unit['name']!r} of unit '{unit['id']}' {problem}")
            need(unit["id"] not in listed, f"unit '{unit['id']}' is listed twice")
            clash = names.get(fold(unit["name"]))
            need(clash is None, f"the name of unit '{unit['id']}' is confusable with the name of unit '{clash}'")
            names[fold(unit["name"])] = unit["id"]
            problem = kind_problem(unit["kind"], year, scheme or 1)
            need(problem is None, f"unit '{unit['id']}': {problem}")
            identifier = kinds.get(unit["kind"])
            need(identifier is not None, f"unit '{unit['id']}' is a {unit['kind']} but the cycle names no framework for that kind")
            need(identifier in self.frameworks, f"framework {identifier} is not registered")
            need(self.frameworks[identifier].kind == unit["kind"], f"framework {identifier} does not score {unit['kind']}s")
            listed[unit["id"]] = {"name": unit["name"], "kind": unit["kind"]}
        if window is not None:
            need(is_date(window["from"]) and is_date(window["until"]) and window["from"] <= window["until"],
                 "the publication window needs two dates YYYY-MM-DD, the first not after the second")
            span = (window["from"], window["until"])
        else:
            span = (f"{year + 1:04d}-04-01", f"{year + 1:04d}-06-30")
        need(previous is None or previous in self.cycles, f"the previous cycle '{previous}' does not exist")
        self.cycles[cycle_id] = Cycle(payload, listed, span)

    def check_fields(self, cycle, fields):
        """Each kind a kind the cycle scores, each list its framework's fields (top-level criteria), each at most once."""
        for kind in sorted(fields):
            identifier = cycle.opened["frameworks"].get(kind) if kind in UNIT_KINDS else None
            need(identifier in self.frameworks, f"cycle '{cycle.opened['cycle']}' scores no {kind}s")
            known = [code for code, _ in self.frameworks[identifier].fields]
            codes = fields[kind]
            need(codes and len(set(codes)) == len(codes) and all(c in known for c in codes),
                 f"the fields of {kind}s are {', '.join(known)}; each at most once, not {codes}")

    def on_CouncilMemberAssigned(self, event, payload):
        cycle_id, actor = member(payload, "cycle", str), member(payload, "actor", str)
        fields, chair = member(payload, "fields", dict), member(payload, "chair", bool)
        need(all(isinstance(codes, list) and all(isinstance(c, str) for c in codes) for codes in fields.values()),
             "'fields' has the wrong type")
        cycle = self.cycle_wide(event, cycle_id)
        need(cycle.opened.get("scheme") != 2, "in a cycle of scheme 2 the province establishes the council as a body by "
                                             "its decision (CouncilEstablished)")
        need(is_slug(actor), f"council member id '{actor}' is not a slug")
        need(fields, "a council member is assigned at least one field")
        self.check_fields(cycle, fields)
        chairs = [other for other, record in cycle.council.items() if record["chair"] and other != actor]
        need(not chair or not chairs, f"'{chairs and chairs[0]}' already chairs the council of '{cycle_id}'; a council has one chair")
        cycle.council[actor] = {"fields": {k: list(v) for k, v in fields.items()}, "chair": chair}
