import Foundation
package import Ledger
import LedgerFormat

/// The survey, publication with its prerequisites, and corrections after it (citing, when they resolve
/// one, an objection: `CycleRules+Objections`).
extension CycleRules {
    package mutating func importSurvey(_ event: RecordedEvent) throws {
        let imported = try payload(PAREvents.SurveyScoresImported.self, of: event)
        let (_, _, _, framework) = try context(event, cycle: imported.cycle, unit: imported.unit)
        for row in imported.scores {
            let criterion = try leaf(row.criterion, of: framework, method: .survey, unit: imported.unit)
            var score = state.score(imported.cycle, imported.unit, criterion.code)
            score.survey = mark(
                event, points: try points(row.points, for: criterion, unit: imported.unit),
                reason: "survey file \(imported.source.prefix(16))…")
            putScore(score, imported.cycle, imported.unit, criterion.code)
        }
    }

    package mutating func publish(_ event: RecordedEvent) throws {
        let published = try payload(PAREvents.ResultsPublished.self, of: event)
        guard var cycle = state.cycle(published.cycle) else {
            throw RuleViolation.notFound(
                "no cycle '\(published.cycle)'", vi: "Không có kỳ đánh giá '\(published.cycle)'.")
        }
        guard event.stream == PAREvents.cycleStream(published.cycle) else {
            throw RuleViolation(
                "ResultsPublished belongs in the stream '\(PAREvents.cycleStream(published.cycle))'",
                vi: "Sự kiện công bố kết quả không ghi đúng luồng của kỳ \(state.cycleName(published.cycle)).")
        }
        guard cycle.publication == nil else {
            throw RuleViolation.stage(
                "cycle '\(published.cycle)' is already published",
                vi: "Kỳ đánh giá \(cycle.opened.name) đã công bố kết quả.")
        }
        guard !published.decision.trimmingWhiteSpace.isEmpty else {
            throw RuleViolation(
                "a publication cites the decision that publishes the results",
                vi: "Việc công bố phải dẫn quyết định công bố kết quả.")
        }
        let missing = try publicationPrerequisitesMissing(cycle, date: published.date)
        guard missing.isEmpty else {
            throw RuleViolation.stage(
                "cycle '\(published.cycle)' cannot be published yet: " + missing.map(\.reason).joined(separator: "; "),
                vi: "Chưa đủ điều kiện công bố kết quả kỳ \(cycle.opened.name): "
                    + missing.map(\.vietnamese).joined(separator: "; ") + ".")
        }
        try checkPublishesTheApproval(cycle, published)
        let results = try state.results(of: cycle)
        guard results.hash == published.resultsHash else {
            throw RuleViolation(
                "the published results hash \(published.resultsHash.prefix(16))… does not match the results the events give (\(results.hash.prefix(16))…)",
                vi:
                    "Kết quả công bố không khớp với kết quả tính từ các sự kiện trong sổ cái; hãy công bố kết quả hiện tại."
            )
        }
        cycle.publication = CycleRecord.PublicationRecord(
            decision: published.decision, date: published.date,
            resultsHash: published.resultsHash, sequence: event.sequence)
        putCycle(cycle, event)
    }

    /// Everything a publication still lacks, each in English words and in Vietnamese (units by their
    /// names): the date in its window, every appraisal sealed and closed, every kind drawn, every
    /// drawn unit's spot-check concluded, and every ranked unit's survey points.
    package func publicationPrerequisitesMissing(_ cycle: CycleRecord, date: String) throws
        -> [(reason: String, vietnamese: String)]
    {
        var missing: [(reason: String, vietnamese: String)] = []
        let window = cycle.opened.effectivePublicationWindow
        if !window.contains(date) {
            missing.append(
                (
                    "the decision's date '\(date)' is not a date from \(window.from) to \(window.until), the publication window",
                    "ngày quyết định \(VietnameseText.date(date)) không nằm trong thời gian công bố, từ \(VietnameseText.date(window.from)) đến \(VietnameseText.date(window.until))"
                ))
        }
        let cycleID = cycle.opened.cycle
        var unsealed: [String] = []
        var unchecked: [String] = []
        var unsurveyed: [String] = []
        var unsurveyedVietnamese: [String] = []
        for unit in cycle.opened.units {
            guard let record = state.unitRecord(cycleID, unit.id) else { continue }
            if record.stage != .appraised { unsealed.append(unit.id) }
            if record.spotChecked && !record.spotCheckConcluded { unchecked.append(unit.id) }
            guard record.excludedFromRanking == nil, let frameworkID = cycle.frameworkID(for: unit.kind),
                let framework = state.framework(frameworkID)
            else { continue }
            let scores = state.scores(cycleID, unit.id)
            let lacking = framework.leaves.filter { $0.method == .survey && scores[$0.code]?.survey == nil }.map(\.code)
            if !lacking.isEmpty {
                let shown =
                    lacking.prefix(5).joined(separator: ", ") + (lacking.count > 5 ? ", … \(lacking.count) in all" : "")
                unsurveyed.append("\(unit.id) (\(shown))")
                let listed =
                    lacking.prefix(5).joined(separator: ", ")
                    + (lacking.count > 5 ? ", … cả thảy \(lacking.count)" : "")
                unsurveyedVietnamese.append("\(unit.name) (\(listed))")
            }
        }
        if !unsealed.isEmpty {
            missing.append(
                (
                    "appraisal not sealed: \(unsealed.joined(separator: ", "))",
                    "chưa kết thúc thẩm định: \(cycle.unitNames(unsealed))"
                ))
        }
        if cycle.appraisalClosed == nil {
            missing.append(("the council has not closed the appraisal", "Hội đồng chưa khép lại việc thẩm định"))
        }
        for kind in cycle.opened.units.kinds where cycle.draws[kind.rawValue] == nil {
            missing.append(
                (
                    "the spot-check of \(kind.plural) has not been drawn",
                    "chưa bốc thăm phúc tra \(VietnameseText.units(kind))"
                ))
        }
        if !unchecked.isEmpty {
            missing.append(
                (
                    "spot-check not concluded: \(unchecked.joined(separator: ", "))",
                    "chưa kết luận phúc tra: \(cycle.unitNames(unchecked))"
                ))
        }
        if !unsurveyed.isEmpty {
            missing.append(
                (
                    "survey points missing: \(unsurveyed.joined(separator: ", "))",
                    "thiếu điểm điều tra xã hội học: \(unsurveyedVietnamese.joined(separator: ", "))"
                ))
        }
        if cycle.opened.effectiveScheme == .whole && cycle.councilBody?.report == nil {
            missing.append(
                ("the council has not sent its report to the province", "Hội đồng chưa gửi báo cáo lên UBND tỉnh"))
        }
        return missing
    }

    package mutating func correct(_ event: RecordedEvent) throws {
        let corrected = try payload(PAREvents.CorrectionRecorded.self, of: event)
        let (_, _, _, framework) = try context(
            event, cycle: corrected.cycle, unit: corrected.unit, afterPublication: true)
        let criterion = try leaf(corrected.criterion, of: framework, method: nil, unit: corrected.unit)
        guard !corrected.decision.isBlank, !corrected.reason.isBlank else {
            throw RuleViolation(
                "a correction cites the decision that orders it and gives a reason",
                vi: "Đính chính phải dẫn quyết định đính chính và nêu lý do.")
        }
        var score = state.score(corrected.cycle, corrected.unit, criterion.code)
        score.correction = mark(
            event, points: try points(corrected.points, for: criterion, unit: corrected.unit),
            reason: corrected.reason, decision: corrected.decision)
        putScore(score, corrected.cycle, corrected.unit, criterion.code)
        if let objection = corrected.objection {
            try noteCorrection(event, resolving: objection, of: corrected.unit, in: corrected.cycle)
        }
    }
}
