"""Who decides (cycles of scheme 2): the chairman's delegation of the approval's signature to a vice-chairman, the
province's approval of the results, and the publication bound to it (Sources/PARCore/CycleRules+Approval.swift)."""

from ..strictjson import canonical, sha256
from ..text import is_blank
from ..verdicts import member, need
from .state import RuleState


class ApprovalRules(RuleState):
    """SigningDelegated and ResultsApproved, and what ResultsPublished must cite in scheme 2."""

    @staticmethod
    def approval_in_scheme(cycle):
        need(cycle.opened.get("scheme") == 2, f"cycle '{cycle.opened['cycle']}' follows scheme 1, whose results the "
                                              "secretariat publishes without a recorded approval")

    def on_SigningDelegated(self, event, payload):
        cycle_id, delegate = member(payload, "cycle", str), member(payload, "delegate", str)
        decision = member(payload, "decision", str)
        cycle = self.cycle_wide(event, cycle_id)
        self.approval_in_scheme(cycle)
        need(cycle.approval is None or cycle.approval["resultsHash"] != sha256(canonical(self.results(cycle_id))),
             f"the results of '{cycle_id}' were approved and have not changed since; there is nothing left to sign")
        need(not is_blank(decision), "a delegation cites the decision that assigns the signing")
        need(self.actors.holds(delegate, "province-vice-chair", None, event["seq"]),
             f"'{delegate}' is not a vice-chairman of the province (province-vice-chair)")
        cycle.delegations[delegate] = {"decision": decision, "by": event["actor"]}

    def on_ResultsApproved(self, event, payload):
        cycle_id, decision = member(payload, "cycle", str), member(payload, "decision", str)
        date, attested = member(payload, "date", str), member(payload, "resultsHash", str)
        cycle = self.cycle_wide(event, cycle_id)
        self.approval_in_scheme(cycle)
        need(cycle.approval is None or cycle.approval["resultsHash"] != sha256(canonical(self.results(cycle_id))),
             f"the results of '{cycle_id}' were already approved and have not changed since")
        need(not is_blank(decision), "an approval cites the decision that approves the results")
        missing = self.publication_missing(cycle, date)
        need(not missing, f"the results of '{cycle_id}' cannot be approved yet: " + "; ".join(missing))
        computed = sha256(canonical(self.results(cycle_id)))
        need(computed == attested, f"the approved results hash {attested[:16]}… does not match the results the events "
                                   f"give ({computed[:16]}…)")
        actor, seq = event["actor"], event["seq"]
        if not self.actors.holds(actor, "province-chair", None, seq):
            need(actor in cycle.delegations and self.actors.holds(actor, "province-vice-chair", None, seq),
                 f"a vice-chairman approves the results of '{cycle_id}' only in the chairman's place, under his "
                 f"delegation (SigningDelegated); '{actor}' has none")
        cycle.approval = {"decision": decision, "date": date, "resultsHash": attested}

    def check_publishes_the_approval(self, cycle, decision, date, attested):
        if cycle.opened.get("scheme") != 2:
            return
        approval = cycle.approval
        need(approval is not None, f"the province has not approved the results of '{cycle.opened['cycle']}' "
                                   "(ResultsApproved)")
        need(approval == {"decision": decision, "date": date, "resultsHash": attested},
             f"the publication cites decision {decision} of {date}, but the province approved decision "
             f"{approval['decision']} of {approval['date']}")
