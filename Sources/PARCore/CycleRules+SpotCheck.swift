import Foundation
package import Ledger
import LedgerFormat

/// The spot-check: the committed draw, its scores and conclusions.
extension CycleRules {
    package mutating func commitSpotCheckSeed(_ event: RecordedEvent) throws {
        let committed = try payload(PAREvents.SpotCheckSeedCommitted.self, of: event)
        var cycle = try openCycleRecord(event, committed.cycle)
        guard cycle.spotCheckCommitment == nil else {
            throw RuleViolation.stage(
                "the spot-check draw of '\(committed.cycle)' is already committed",
                vi: "Ban Chỉ đạo đã cam kết bí mật bốc thăm phúc tra kỳ \(state.cycleName(committed.cycle)).")
        }
        guard EventHash(hex: committed.commitment) != nil else {
            throw RuleViolation(
                "the commitment is a SHA-256 in 64 lowercase hex digits",
                vi: "Cam kết là mã SHA-256 gồm 64 chữ số thập lục phân viết thường.")
        }
        cycle.spotCheckCommitment = committed.commitment
        putCycle(cycle, event)
    }

    package mutating func drawSpotCheck(_ event: RecordedEvent) throws {
        let drawn = try payload(PAREvents.SpotCheckDrawn.self, of: event)
        var cycle = try openCycleRecord(event, drawn.cycle)
        guard cycle.draws[drawn.kind.rawValue] == nil else {
            throw RuleViolation.stage(
                "the spot-check of \(drawn.kind.plural) in '\(drawn.cycle)' was already drawn; a redraw re-checks it",
                vi:
                    "Đã bốc thăm phúc tra \(VietnameseText.units(drawn.kind)) kỳ \(state.cycleName(drawn.cycle)); bốc thăm lại chỉ để kiểm tra."
            )
        }
        let units = cycle.opened.units.filter { $0.kind == drawn.kind }.map(\.id)
        guard !units.isEmpty else {
            throw RuleViolation(
                "cycle '\(drawn.cycle)' has no \(drawn.kind.plural)",
                vi: "Kỳ \(state.cycleName(drawn.cycle)) không có \(VietnameseText.units(drawn.kind)).")
        }
        guard let closure = cycle.appraisalClosed, let closeHash = EventHash(hex: closure.hash) else {
            throw RuleViolation.stage(
                "the spot-check is drawn after the council closes the appraisal of '\(drawn.cycle)'",
                vi: "Chỉ bốc thăm phúc tra sau khi Hội đồng khép lại việc thẩm định kỳ \(state.cycleName(drawn.cycle))."
            )
        }
        guard let secret = EventHash(hex: drawn.secret),
            SpotCheckDraw.commitment(to: secret.bytes) == cycle.spotCheckCommitment
        else {
            throw RuleViolation(
                "the revealed secret is not the one the steering committee committed to before appraisal",
                vi: "Bí mật được công bố không khớp với bí mật Ban Chỉ đạo đã cam kết trước khi thẩm định.")
        }
        guard let frameworkID = cycle.frameworkID(for: drawn.kind),
            let framework = state.framework(frameworkID)
        else {
            throw RuleViolation.notFound(
                "no framework for \(drawn.kind.plural)",
                vi: "Không có bộ tiêu chí cho \(VietnameseText.units(drawn.kind)).")
        }
        let seed = SpotCheckDraw.seed(secret: secret.bytes, closedBy: closeHash)
        guard drawn.seed == hexString(seed) else {
            throw RuleViolation(
                "the draw's seed must be SHA-256(secret ‖ hash of the AppraisalClosed event) = \(hexString(seed))",
                vi:
                    "Hạt giống bốc thăm phải là SHA-256(bí mật ‖ mã băm của sự kiện khép lại thẩm định) = \(hexString(seed))."
            )
        }
        let size = SpotCheckDraw.sampleSize(units: units.count, percent: framework.settings.spotCheckPercent)
        guard drawn.algorithm == SpotCheckDraw.algorithm, drawn.sampleSize == size else {
            throw RuleViolation(
                "the draw must use \(SpotCheckDraw.algorithm) with a sample of \(size) (ceil(\(framework.settings.spotCheckPercent)% of \(units.count)))",
                vi:
                    "Bốc thăm phải dùng \(SpotCheckDraw.algorithm) với \(size) đơn vị (làm tròn lên \(VietnameseText.number(framework.settings.spotCheckPercent))% của \(units.count))."
            )
        }
        let expected = SpotCheckDraw.draw(seed: seed, units: units, size: size)
        guard drawn.drawn == expected else {
            throw RuleViolation(
                "the drawn units \(drawn.drawn) are not what the seed gives (\(expected))",
                vi:
                    "Các đơn vị bốc được (\(drawn.drawn.map { state.unitName(drawn.cycle, $0) }.joined(separator: ", "))) không đúng với kết quả từ hạt giống (\(expected.map { state.unitName(drawn.cycle, $0) }.joined(separator: ", ")))."
            )
        }
        for added in drawn.added {
            guard units.contains(added) else {
                throw RuleViolation(
                    "added unit '\(added)' is not a \(drawn.kind.rawValue) of the cycle",
                    vi:
                        "Đơn vị bổ sung \(state.unitName(drawn.cycle, added)) không phải \(VietnameseText.units(drawn.kind)) của kỳ."
                )
            }
            guard !expected.contains(added) else {
                throw RuleViolation.stage(
                    "added unit '\(added)' was already drawn",
                    vi: "Đơn vị bổ sung \(state.unitName(drawn.cycle, added)) đã được bốc thăm.")
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
        guard unit.spotChecked else {
            throw RuleViolation.stage(
                "'\(unitID)' is not in the spot-check sample", vi: "\(state.unitName(unitID)) không thuộc mẫu phúc tra."
            )
        }
        guard !unit.spotCheckConcluded else {
            throw RuleViolation.stage(
                "the spot-check of '\(unitID)' is concluded", vi: "Việc phúc tra \(state.unitName(unitID)) đã kết luận."
            )
        }
        guard !unit.selfAssessedBy.contains(event.actor) else {
            throw RuleViolation.forbidden(
                "'\(event.actor)' self-assessed \(unitID) and may not spot-check it",
                vi: "Người đã tự đánh giá \(state.unitName(unitID)) (\(event.actor)) không được phúc tra đơn vị này.",
                actors: [event.actor])
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
                throw RuleViolation(
                    "a spot-check that raises or lowers needs the new points",
                    vi: "Kết quả phúc tra nâng hoặc hạ điểm phải ghi điểm mới.")
            }
            value = try points(text, for: criterion, unit: recorded.unit)
            guard recorded.decision == "raise" ? value > appraised : value < appraised else {
                throw RuleViolation(
                    "\(recorded.unit), criterion \(criterion.code): '\(recorded.decision)' from the appraised \(appraised) cannot give \(value)",
                    vi:
                        "\(state.unitName(recorded.cycle, recorded.unit)), tiêu chí \(criterion.code): quyết định '\(recorded.decision)' từ điểm thẩm định \(VietnameseText.number(appraised)) không thể cho \(VietnameseText.number(value))."
                )
            }
        default:
            throw RuleViolation(
                "a spot-check decision is recognise, not-recognise, raise or lower, not '\(recorded.decision)'",
                vi:
                    "Kết quả phúc tra là công nhận, không công nhận, nâng điểm hoặc hạ điểm, không phải '\(recorded.decision)'."
            )
        }
        if recorded.decision != "recognise" && reason.isEmpty {
            throw RuleViolation(
                "\(recorded.unit), criterion \(criterion.code): a spot-check that does not recognise the appraisal needs a reason",
                vi:
                    "\(state.unitName(recorded.cycle, recorded.unit)), tiêu chí \(criterion.code): kết quả phúc tra không công nhận điểm thẩm định phải nêu lý do."
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
