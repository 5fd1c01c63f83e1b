"""Actors as the events define them (enrolment, grants, keys, suspension), and who may record what
(FORMAT.md, Actors and keys; Roles)."""

import base64

from .notes import key_id
from .text import decode_base64, display_name_problem, fold, is_slug
from .verdicts import member, need

ROLES = ("unit-officer", "council-member", "steering-committee", "survey-contractor", "secretariat", "auditor")
ACTOR_EVENTS = ("ActorEnrolled", "RoleGranted", "RoleRevoked", "KeyRotated", "KeyRevoked", "ActorSuspended")
ROLE_FOR_TYPE = dict(
    {kind: "secretariat" for kind in ACTOR_EVENTS},
    FrameworkRegistered="secretariat", CycleOpened="secretariat", DeadlineExtended="secretariat",
    UnitExcludedFromRanking="secretariat", ResultsPublished="secretariat", CorrectionRecorded="secretariat",
    SelfScoreRecorded="unit-officer", NotApplicableMarked="unit-officer", SelfAssessmentSubmitted="unit-officer",
    SelfAssessmentWithdrawn="unit-officer", ExplanationGiven="unit-officer", ExplanationRequested="council-member",
    ObjectionFiled="unit-officer", ObjectionAnswered="secretariat",
    CouncilMemberAssigned="secretariat",
    AppraisalScoreRecorded="council-member", NotApplicableRejected="council-member", AppraisalConcluded="council-member",
    AppraisalReopened="council-member", AppraisalClosed="council-member",
    SpotCheckSeedCommitted="steering-committee", SpotCheckDrawn="steering-committee",
    SpotCheckScoreRecorded="steering-committee", SpotCheckConcluded="steering-committee",
    SurveyScoresImported="survey-contractor",
)
EVIDENCE_ROLES = ("unit-officer", "council-member", "steering-committee", "secretariat")


def grant_of(payload):
    role = member(payload, "role", str)
    scope = member(payload, "scope", str, optional=True)
    return {"role": role} if scope is None else {"role": role, "scope": scope}


class Actors:
    """Actors as the events define them; the records actors.json holds."""

    def __init__(self):
        self.records, self.key_owner, self.names = {}, {}, {}

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
        elif kind == "RoleRevoked":
            grant = grant_of(payload)
            need(grant in record["grants"], f"actor '{actor}' does not hold {grant}")
            record["grants"].remove(grant)
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
            need(revoked != "" and reason != "", "KeyRevoked needs a non-empty keyId and reason")
            need(record["key"] is not None and key_id(record["key"]) == revoked, f"key {revoked} is not the current key of '{actor}'")
            record["retired"][revoked] = f"revoked at event {seq}: {reason}"
            record["key"] = None
        else:
            need(member(payload, "reason", str) != "", "ActorSuspended needs a non-empty reason")
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
    need(role != "unit-officer" or member(payload, "scope", str, optional=True) is not None,
         "the role unit-officer needs a scope naming its unit")


def authorize(event, signer, signer_id):
    """Refuses an event its signer's grants (as before the command) do not allow (FORMAT.md, roles table)."""
    kind, payload = event["type"], event["payload"]
    if kind in ("ActorEnrolled", "RoleGranted"):
        check_grant(payload)
    if kind == "KeyRotated" and payload.get("actor") == signer_id:
        return
    roles = EVIDENCE_ROLES if kind == "EvidenceAdded" else (ROLE_FOR_TYPE[kind],) if kind in ROLE_FOR_TYPE else None
    need(roles is not None, f"'{kind}' is not an event type of the PAR ledger")
    grants = [g for g in signer["grants"] if g["role"] in roles]
    need(grants, f"'{signer_id}' may not record {kind}; that needs the role {roles[0]}")
    unit = payload.get("unit") if isinstance(payload.get("unit"), str) else None
    need(any(g.get("scope") is None or g.get("scope") == unit for g in grants),
         f"'{signer_id}' may not record {kind} for {unit or 'all units'} (its grants are scoped)")
