"""Actors as the events define them (enrolment, grants, keys, suspension), and who may record what
(FORMAT.md, Actors and keys; Roles)."""

import base64

from .notes import key_id
from .text import decode_base64, display_name_problem, fold, is_blank, is_slug
from .verdicts import member, need

ROLES = ("unit-officer", "unit-head", "council-member", "steering-committee", "survey-contractor", "secretariat",
         "province-chair", "province-vice-chair", "auditor")
ACTOR_EVENTS = ("ActorEnrolled", "RoleGranted", "RoleRevoked", "KeyRotated", "KeyRevoked", "ActorSuspended")
# The roles that judge units: nobody who holds a role in a unit appraises or spot-checks it.
JUDGING_ROLES = ("council-member", "steering-committee")
_ONE_ROLE = dict(
    {kind: "secretariat" for kind in ACTOR_EVENTS},
    FrameworkRegistered="secretariat", CycleOpened="secretariat", DeadlineExtended="secretariat",
    UnitExcludedFromRanking="secretariat", ResultsPublished="secretariat", CorrectionRecorded="secretariat",
    SelfScoreRecorded="unit-officer", NotApplicableMarked="unit-officer", ExplanationGiven="unit-officer", ExplanationRequested="council-member",
    ObjectionFiled="unit-officer", ObjectionAnswered="secretariat",
    CouncilMemberAssigned="secretariat", CouncilEstablished="secretariat", CouncilMeetingHeld="council-member",
    AdjustmentContested="council-member", CouncilVoteRecorded="council-member", CouncilReportSubmitted="council-member",
    AppraisalScoreRecorded="council-member", NotApplicableRejected="council-member", AppraisalConcluded="council-member",
    AppraisalReopened="council-member", AppraisalClosed="council-member",
    SpotCheckSeedCommitted="steering-committee", SpotCheckDrawn="steering-committee",
    SpotCheckScoreRecorded="steering-committee", SpotCheckConcluded="steering-committee",
    SurveyScoresImported="survey-contractor", UnitsReorganised="secretariat",
)
EVIDENCE_ROLES = ("unit-officer", "council-member", "steering-committee", "secretariat")
# Every PAR event type with the roles that may record it, the first named in refusals (FORMAT.md, Roles).
ROLES_FOR_TYPE = dict({kind: (role,) for kind, role in _ONE_ROLE.items()}, EvidenceAdded=EVIDENCE_ROLES,
                      SelfAssessmentSubmitted=("unit-officer", "unit-head"),
                      SelfAssessmentWithdrawn=("unit-officer", "unit-head"), SigningDelegated=("province-chair",),
                      ResultsApproved=("province-chair", "province-vice-chair"))
# The roles whose grants name the unit they are limited to.
SCOPED_ROLES = ("unit-officer", "unit-head")


def grant_of(payload):
    role = member(payload, "role", str)
    scope = member(payload, "scope", str, optional=True)
    return {"role": role} if scope is None else {"role": role, "scope": scope}


class Actors:
    """Actors as the events define them; the records actors.json holds."""

    def __init__(self):
        self.records, self.key_owner, self.names = {}, {}, {}
        self.spans = {}  # actor -> [{"role", "scope", "from", "until"}]: who held which role from which event to which

    def holds(self, actor, role, scope, seq):
        """Whether `actor` held `role` limited to `scope` when the event at `seq` was recorded."""
        return any(s["role"] == role and s["scope"] == scope and s["from"] < seq and (s["until"] is None or seq <= s["until"])
                   for s in self.spans.get(actor, ()))

    def note_span(self, actor, grant, seq, granted):
        if granted:
            self.spans.setdefault(actor, []).append({"role": grant["role"], "scope": grant.get("scope"), "from": seq, "until": None})
            return
        for span in reversed(self.spans.get(actor, [])):
            if span["role"] == grant["role"] and span["scope"] == grant.get("scope") and span["until"] is None:
                span["until"] = seq
                return

    def enrolment_signer(self, event):
        """The signer of the first command: the record its own enrolment would make."""
        payload = event["payload"]
        raw = decode_base64(payload.get("publicKey"), 32)
        if raw is None or not isinstance(payload.get("role"), str) or not isinstance(payload.get("scope", ""), (str, type(None))):
            return None
        return {"status": "active", "key": raw, "retired": {}, "grants": [grant_of(payload)]}

    def apply(self, event):
        payload, kind, seq = event["payload"], event["type"], event["seq"]
        actor = member(payload, "actor", str)
        need(event["stream"] == f"actor/{actor}", f"{kind} for '{actor}' belongs in the stream 'actor/{actor}'")
        record = self.records.get(actor)
        if kind == "ActorEnrolled":
            self.enrol(actor, payload, seq, record)
            return
        need(record is not None, f"actor '{actor}' is not enrolled")
        if kind == "RoleGranted":
            grant = grant_of(payload)
            need(grant not in record["grants"], f"actor '{actor}' already holds {grant}")
            record["grants"].append(grant)
            record["grants"].sort(key=lambda g: (g["role"], g.get("scope", "")))
            self.note_span(actor, grant, seq, True)
        elif kind == "RoleRevoked":
            grant = grant_of(payload)
            need(grant in record["grants"], f"actor '{actor}' does not hold {grant}")
            record["grants"].remove(grant)
            self.note_span(actor, grant, seq, False)
        elif kind == "KeyRotated":
            raw = self.new_key(actor, payload)
            need(raw != record["key"] and key_id(raw) not in record["retired"], f"key {key_id(raw)} was already used by '{actor}'")
            if record["key"] is not None:
                record["retired"][key_id(record["key"])] = f"rotated out at event {seq}"
            record["key"] = raw
            self.key_owner[key_id(raw)] = actor
        elif kind == "KeyRevoked":
            revoked = member(payload, "keyId", str)
            reason = member(payload, "reason", str)
            need(not is_blank(revoked) and not is_blank(reason), "KeyRevoked needs a keyId and a reason that are not blank")
            need(record["key"] is not None and key_id(record["key"]) == revoked, f"key {revoked} is not the current key of '{actor}'")
            record["retired"][revoked] = f"revoked at event {seq}: {reason}"
            record["key"] = None
        else:
            need(not is_blank(member(payload, "reason", str)), "ActorSuspended needs a reason that is not blank")
            need(record["status"] == "active", f"actor '{actor}' is already suspended")
            record["status"] = "suspended"
        record["last"] = seq

    def enrol(self, actor, payload, seq, record):
        need(record is None, f"actor '{actor}' is already enrolled")
        need(is_slug(actor), f"actor id '{actor}' is not a slug")
        name = member(payload, "name", str)
        problem = display_name_problem(name)
        need(problem is None, f"the name {name!r} {problem}")
        clash = self.names.get(fold(name))
        need(clash is None, f"the name {name!r} is confusable with the name of actor '{clash}'")
        grant = grant_of(payload)
        raw = self.new_key(actor, payload)
        self.records[actor] = {"id": actor, "name": name, "grants": [grant], "key": raw, "retired": {},
                               "status": "active", "last": seq}
        self.names[fold(name)] = actor
        self.key_owner[key_id(raw)] = actor
        self.note_span(actor, grant, seq, True)

    def new_key(self, actor, payload):
        raw = decode_base64(member(payload, "publicKey", str), 32)
        need(raw is not None, "the publicKey is not the base64 of a 32-byte Ed25519 key")
        owner = self.key_owner.get(key_id(raw))
        need(owner is None or owner == actor, f"key {key_id(raw)} already belongs to '{owner}'")
        return raw

    def json(self):
        def one(record):
            value = {"id": record["id"], "name": record["name"], "status": record["status"], "lastChangedAt": record["last"],
                     "retiredKeys": record["retired"], "grants": record["grants"]}
            if record["key"] is not None:
                value["currentKey"] = {"id": key_id(record["key"]), "publicKey": base64.b64encode(record["key"]).decode()}
            return value
        return [one(self.records[actor]) for actor in sorted(self.records)]


def check_grant(payload):
    role = member(payload, "role", str)
    need(role in ROLES, f"unknown role '{role}'")
    need(role not in SCOPED_ROLES or member(payload, "scope", str, optional=True) is not None,
         f"the role {role} needs a scope naming its unit")


def authorize(event, signer, signer_id):
    """Refuses an event its signer's grants (as before the command) do not allow (FORMAT.md, roles table)."""
    kind, payload = event["type"], event["payload"]
    if kind in ("ActorEnrolled", "RoleGranted"):
        check_grant(payload)
    if kind == "KeyRotated" and payload.get("actor") == signer_id:
        return
    roles = ROLES_FOR_TYPE.get(kind)
    need(roles is not None, f"'{kind}' is not an event type of the PAR ledger")
    grants = [g for g in signer["grants"] if g["role"] in roles]
    need(grants, f"'{signer_id}' may not record {kind}; that needs the role {roles[0]}")
    unit = payload.get("unit") if isinstance(payload.get("unit"), str) else None
    need(any(g.get("scope") is None or g.get("scope") == unit for g in grants),
         f"'{signer_id}' may not record {kind} for {unit or 'all units'} (its grants are scoped)")
    tie = next((g for g in signer["grants"] if unit is not None and g.get("scope") == unit), None)
    need(not (all(role in JUDGING_ROLES for role in roles) and tie is not None),
         f"'{signer_id}' holds the role {tie and tie['role']} in '{unit}' and may not judge that unit ({kind})")
