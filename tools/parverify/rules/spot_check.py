"""The rules of the spot-check: the steering committee's commitment, the commit-reveal draw, scores and conclusions."""

import hashlib

from ..kinds import UNIT_KINDS
from ..strictjson import sha256
from ..text import hundredths, is_blank, is_hex, points_text
from ..verdicts import RuleBroken, member, need
from .state import RuleState

SPOT_CHECK_ALGORITHM = "sha256(seed||unit)-ascending/v1"


class SpotCheckRules(RuleState):
    """SpotCheckSeedCommitted, SpotCheckDrawn, SpotCheckScoreRecorded and SpotCheckConcluded."""

    def on_SpotCheckSeedCommitted(self, event, payload):
        cycle_id, commitment = member(payload, "cycle", str), member(payload, "commitment", str)
        cycle = self.cycle_wide(event, cycle_id)
        need(cycle.commitment is None, f"the spot-check draw of '{cycle_id}' is already committed")
        need(is_hex(commitment, 64), "the commitment is a SHA-256 in 64 lowercase hex digits")
        cycle.commitment = commitment

    def on_SpotCheckDrawn(self, event, payload):
        cycle_id, kind = member(payload, "cycle", str), member(payload, "kind", str)
        need(kind in UNIT_KINDS, f"'kind' is one of {', '.join(UNIT_KINDS)}")
        secret, seed = member(payload, "secret", str), member(payload, "seed", str)
        algorithm, size = member(payload, "algorithm", str), member(payload, "sampleSize", int)
        drawn, added = member(payload, "drawn", list), member(payload, "added", list)
        need(all(isinstance(u, str) for u in drawn + added), "'drawn' and 'added' list unit ids")
        cycle = self.cycle_wide(event, cycle_id)
        need(kind not in cycle.draws, f"the spot-check of {kind}s in '{cycle_id}' was already drawn")
        units = [u for u, info in cycle.units.items() if info["kind"] == kind]
        need(units, f"cycle '{cycle_id}' has no {kind}s")
        need(cycle.closed is not None, f"the spot-check is drawn after the council closes the appraisal of '{cycle_id}'")
        need(is_hex(secret, 64) and sha256(bytes.fromhex(secret)) == cycle.commitment,
             "the revealed secret is not the one the steering committee committed to before appraisal")
        expected_seed = sha256(bytes.fromhex(secret) + bytes.fromhex(cycle.closed[1]))
        need(seed == expected_seed, f"the draw's seed must be SHA-256(secret ‖ hash of the AppraisalClosed event) = {expected_seed}")
        percent = hundredths(self.frameworks[cycle.opened["frameworks"][kind]].settings["spotCheckPercent"])
        expected_size = (len(units) * percent + 9999) // 10000
        need(algorithm == SPOT_CHECK_ALGORITHM and size == expected_size,
             f"the draw must use {SPOT_CHECK_ALGORITHM} with a sample of {expected_size}")
        seed_bytes = bytes.fromhex(expected_seed)
        expected = sorted(units, key=lambda u: hashlib.sha256(seed_bytes + u.encode()).digest())[:expected_size]
        need(drawn == expected, f"the drawn units {drawn} are not what the seed gives ({expected})")
        for unit in added:
            need(unit in units, f"added unit '{unit}' is not a {kind} of the cycle")
            need(unit not in expected, f"added unit '{unit}' was already drawn")
        cycle.draws.add(kind)
        cycle.checked.update(expected + added)

    def on_SpotCheckScoreRecorded(self, event, payload):
        code, decision = member(payload, "criterion", str), member(payload, "decision", str)
        text = member(payload, "points", str, optional=True)
        reason = member(payload, "reason", str, optional=True) or ""
        cycle, unit, framework = self.context(event, payload)
        self.spot_checkable(event, cycle, unit)
        row = self.leaf(framework, code, "assessed", unit)
        score = self.applicable(cycle, unit, code)
        appraised = score.get("appraised", 0)
        if decision == "recognise":
            value = appraised
        elif decision == "not-recognise":
            value = 0
        elif decision in ("raise", "lower"):
            need(text is not None, "a spot-check that raises or lowers needs the new points")
            value = self.within(row, text, unit)
            need(value > appraised if decision == "raise" else value < appraised,
                 f"{unit}, criterion {code}: '{decision}' from the appraised {points_text(appraised)} cannot give {text}")
        else:
            raise RuleBroken(f"a spot-check decision is recognise, not-recognise, raise or lower, not '{decision}'")
        need(decision == "recognise" or not is_blank(reason), f"{unit}, criterion {code}: a spot-check that does not recognise the appraisal needs a reason")
        score["spot"] = value

    def on_SpotCheckConcluded(self, event, payload):
        cycle, unit, _ = self.context(event, payload)
        self.spot_checkable(event, cycle, unit)
        cycle.concluded.add(unit)
