import Foundation
package import Ledger
import LedgerFormat

/// The spot-check: the committed draw, its scores and conclusions.
extension CycleRules {
    package mutating func commitSpotCheckSeed(_ event: RecordedEvent) throws {
        let committed = try payload(PAREvents.SpotCheckSeedCommitted.self, of: event)
        var cycle = try openCycleRecord(event, committed.cycle)
        guard cycle.spotCheckCommitment == nil else {
            throw RuleViolation.stage("the spot-check draw of '\(committed.cycle)' is already committed")
        }
        guard EventHash(hex: committed.commitment) != nil else {
            throw RuleViolation("the commitment is a SHA-256 in 64 lowercase hex digits")
        }
        cycle.spotCheckCommitment = committed.commitment
        putCycle(cycle, event)
    }

    package mutating func drawSpotCheck(_ event: RecordedEvent) throws {
        let drawn = try payload(PAREvents.SpotCheckDrawn.self, of: event)
        var cycle = try openCycleRecord(event, drawn.cycle)
        guard cycle.draws[drawn.kind.rawValue] == nil else {
            throw RuleViolation.stage(
                "the spot-check of \(drawn.kind.plural) in '\(drawn.cycle)' was already drawn; a redraw re-checks it"
            )
        }
        let units = cycle.opened.units.filter { $0.kind == drawn.kind }.map(\.id)
        guard !units.isEmpty else { throw RuleViolation("cycle '\(drawn.cycle)' has no \(drawn.kind.plural)") }
        guard let closure = cycle.appraisalClosed, let closeHash = EventHash(hex: closure.hash) else {
            throw RuleViolation.stage(
                "the spot-check is drawn after the council closes the appraisal of '\(drawn.cycle)'")
        }
        guard let secret = EventHash(hex: drawn.secret),
            SpotCheckDraw.commitment(to: secret.bytes) == cycle.spotCheckCommitment
        else {
            throw RuleViolation(
                "the revealed secret is not the one the steering committee committed to before appraisal")
        }
        guard let frameworkID = cycle.frameworkID(for: drawn.kind),
            let framework = state.framework(frameworkID)
        else {
            throw RuleViolation.notFound("no framework for \(drawn.kind.plural)")
        }
        let seed = SpotCheckDraw.seed(secret: secret.bytes, closedBy: closeHash)
        guard drawn.seed == hexString(seed) else {
            throw RuleViolation(
                "the draw's seed must be SHA-256(secret ‖ hash of the AppraisalClosed event) = \(hexString(seed))")
        }
        let size = SpotCheckDraw.sampleSize(units: units.count, percent: framework.settings.spotCheckPercent)
        guard drawn.algorithm == SpotCheckDraw.algorithm, drawn.sampleSize == size else {
            throw RuleViolation(
                "the draw must use \(SpotCheckDraw.algorithm) with a sample of \(size) (ceil(\(framework.settings.spotCheckPercent)% of \(units.count)))"
            )
        }
        let expected = SpotCheckDraw.draw(seed: seed, units: units, size: size)
        guard drawn.drawn == expected else {
            throw RuleViolation("the drawn units \(drawn.drawn) are not what the seed gives (\(expected))")
        }
        for added in drawn.added {
            guard units.contains(added) else {
                throw RuleViolation("added unit '\(added)' is not a \(drawn.kind.rawValue) of the cycle")
            }
            guard !expected.contains(added) else {
                throw RuleViolation.stage("added unit '\(added)' was already drawn")
            }
        }
        let sample = expected + drawn.added
        cycle.draws[drawn.kind.rawValue] = CycleRecord.DrawRecord(units: sample, sequence: event.sequence)
        putCycle(cycle, event)
        for id in sample {
            guard var record = state.unitRecord(drawn.cycle, id) else { continue }
            record.spotChecked = true
            putUnit(record, drawn.cycle, id)
        }
    }

    /// Refuses a spot-check event for a unit not in the sample, already concluded, or by someone who
    /// self-assessed it.
    package func checkSpotCheckable(_ event: RecordedEvent, _ unit: UnitRecord, _ unitID: String) throws {
        guard unit.spotChecked else { throw RuleViolation.stage("'\(unitID)' is not in the spot-check sample") }
        guard !unit.spotCheckConcluded else { throw RuleViolation.stage("the spot-check of '\(unitID)' is concluded") }
        guard !unit.selfAssessedBy.contains(event.actor) else {
            throw RuleViolation.forbidden("'\(event.actor)' self-assessed \(unitID) and may not spot-check it")
        }
    }

    package mutating func recordSpotCheck(_ event: RecordedEvent) throws {
        let recorded = try payload(PAREvents.SpotCheckScoreRecorded.self, of: event)
        let (_, _, unit, framework) = try context(event, cycle: recorded.cycle, unit: recorded.unit)
        try checkSpotCheckable(event, unit, recorded.unit)
        let criterion = try leaf(recorded.criterion, of: framework, method: .assessed, unit: recorded.unit)
        var score = try applicableScore(recorded.cycle, recorded.unit, criterion.code)
        let appraised = score.appraised?.value ?? .zero
        let reason = recorded.reason?.trimmingWhiteSpace ?? ""
        let value: Points
        switch recorded.decision {
        case "recognise":
            value = appraised
        case "not-recognise":
            value = .zero
        case "raise", "lower":
            guard let text = recorded.points else {
                throw RuleViolation("a spot-check that raises or lowers needs the new points")
            }
            value = try points(text, for: criterion, unit: recorded.unit)
            guard recorded.decision == "raise" ? value > appraised : value < appraised else {
                throw RuleViolation(
                    "\(recorded.unit), criterion \(criterion.code): '\(recorded.decision)' from the appraised \(appraised) cannot give \(value)"
                )
            }
        default:
            throw RuleViolation(
                "a spot-check decision is recognise, not-recognise, raise or lower, not '\(recorded.decision)'")
        }
        if recorded.decision != "recognise" && reason.isEmpty {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): a spot-check that does not recognise the appraisal needs a reason"
            )
        }
        score.spotCheck = mark(event, points: value, reason: reason.isEmpty ? nil : reason, decision: recorded.decision)
        putScore(score, recorded.cycle, recorded.unit, criterion.code)
    }

    package mutating func concludeSpotCheck(_ event: RecordedEvent) throws {
        let step = try payload(PAREvents.SpotCheckConcluded.self, of: event)
        var (_, _, unit, _) = try context(event, cycle: step.cycle, unit: step.unit)
        try checkSpotCheckable(event, unit, step.unit)
        unit.spotCheckConcluded = true
        putUnit(unit, step.cycle, step.unit)
    }
}
