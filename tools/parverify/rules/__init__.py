"""The rules of the PAR ledger (FORMAT.md, Rules of the cycle), one module per stage, and EVENT_HANDLERS: the table of
every event type the product writes and its handler. An event of a type the table does not list breaks a rule."""

from ..results import Results
from ..verdicts import RuleBroken
from .appraisal import AppraisalRules
from .approval import ApprovalRules
from .council_body import CouncilBodyRules
from .objections import ObjectionRules
from .opening import OpeningRules
from .publication import PublicationRules
from .reorganisation import ReorganisationRules
from .self_assessment import SelfAssessmentRules
from .spot_check import SpotCheckRules


class Rules(OpeningRules, SelfAssessmentRules, AppraisalRules, CouncilBodyRules, SpotCheckRules, ApprovalRules,
            PublicationRules, ObjectionRules, ReorganisationRules, Results):
    """The PAR state the rules need, replayed event by event through EVENT_HANDLERS, and the results it gives;
    actor events go to the actors' records (parverify.actors.Actors)."""

    def __init__(self, actors):
        super().__init__()
        self.actors = actors

    def apply(self, event):
        handler = EVENT_HANDLERS.get(event["type"])
        if handler is None:
            raise RuleBroken(f"'{event['type']}' is not an event type of the PAR ledger")
        handler(self, event, event["payload"])

    def on_actor_event(self, event, payload):
        self.actors.apply(event)


EVENT_HANDLERS = {
    # actors (Sources/Ledger/Identity/Actor.swift): their records, which sign and hold the grants
    "ActorEnrolled": Rules.on_actor_event,
    "RoleGranted": Rules.on_actor_event,
    "RoleRevoked": Rules.on_actor_event,
    "KeyRotated": Rules.on_actor_event,
    "KeyRevoked": Rules.on_actor_event,
    "ActorSuspended": Rules.on_actor_event,
    # opening and the council
    "EvidenceAdded": Rules.on_EvidenceAdded,
    "FrameworkRegistered": Rules.on_FrameworkRegistered,
    "CycleOpened": Rules.on_CycleOpened,
    "CouncilMemberAssigned": Rules.on_CouncilMemberAssigned,
    # self-assessment
    "DeadlineExtended": Rules.on_DeadlineExtended,
    "SelfScoreRecorded": Rules.on_SelfScoreRecorded,
    "NotApplicableMarked": Rules.on_NotApplicableMarked,
    "SelfAssessmentSubmitted": Rules.on_SelfAssessmentSubmitted,
    "SelfAssessmentWithdrawn": Rules.on_SelfAssessmentWithdrawn,
    # appraisal and explanations
    "ExplanationRequested": Rules.on_ExplanationRequested,
    "ExplanationGiven": Rules.on_ExplanationGiven,
    "AppraisalScoreRecorded": Rules.on_AppraisalScoreRecorded,
    "NotApplicableRejected": Rules.on_NotApplicableRejected,
    "AppraisalConcluded": Rules.on_AppraisalConcluded,
    "AppraisalReopened": Rules.on_AppraisalReopened,
    "AppraisalClosed": Rules.on_AppraisalClosed,
    # the spot-check
    "SpotCheckSeedCommitted": Rules.on_SpotCheckSeedCommitted,
    "SpotCheckDrawn": Rules.on_SpotCheckDrawn,
    "SpotCheckScoreRecorded": Rules.on_SpotCheckScoreRecorded,
    "SpotCheckConcluded": Rules.on_SpotCheckConcluded,
    # the council as a body (scheme 2)
    "CouncilEstablished": Rules.on_CouncilEstablished,
    "CouncilMeetingHeld": Rules.on_CouncilMeetingHeld,
    "AdjustmentContested": Rules.on_AdjustmentContested,
    "CouncilVoteRecorded": Rules.on_CouncilVoteRecorded,
    "CouncilReportSubmitted": Rules.on_CouncilReportSubmitted,
    # who decides: the approval and its delegation
    "SigningDelegated": Rules.on_SigningDelegated,
    "ResultsApproved": Rules.on_ResultsApproved,
    # the survey and publication
    "SurveyScoresImported": Rules.on_SurveyScoresImported,
    "UnitExcludedFromRanking": Rules.on_UnitExcludedFromRanking,
    "ResultsPublished": Rules.on_ResultsPublished,
    # objections and corrections
    "CorrectionRecorded": Rules.on_CorrectionRecorded,
    "ObjectionFiled": Rules.on_ObjectionFiled,
    "ObjectionAnswered": Rules.on_ObjectionAnswered,
    # the map of units
    "UnitsReorganised": Rules.on_UnitsReorganised,
}
