import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// A whole yearly cycle of 20 departments and 10 districts, with results checked by hand.
@Suite struct FullCycleTests {
    /// Department dNN has its first NN − 1 assessed criteria lowered to 0 by the council (d20 like
    /// d19, for a tie); d05 also marks 2.1 (2 points) not applicable. District hNN has its first
    /// 2 × (NN − 1) lowered; h10 also scores 0 on the citizen-satisfaction survey (8.2, 15 points).
    /// Everything else is at its maximum.
    private func runCycle() throws -> Province {
        let province = try Province()
        for unit in province.units {
            try province.selfAssessFully(unit.id, notApplicable: unit.id == "d05" ? ["2.1"] : [])
        }
        for unit in province.units {
            let number = Int(unit.id.dropFirst()) ?? 0
            let count = unit.kind == .department ? (unit.id == "d20" ? 18 : number - 1) : 2 * (number - 1)
            try province.appraiseLowering(unit.id, count: count, skipping: unit.id == "d05" ? ["2.1.1", "2.1.2"] : [])
        }
        for unit in province.units {
            try province.surveyFully(unit.id, except: unit.id == "h10" ? ["8.2"] : [])
        }
        for kind in [UnitKind.department, .district] {
            for unit in try province.draw(kind) {
                try province.issue(
                    by: "ban-chi-dao", [province.spotCheck(unit, "1.2", "recognise"), province.concludeSpotCheck(unit)])
            }
        }
        try province.issue(by: "so-noi-vu", [try province.publish()])
        return province
    }

    @Test func handCheckedTotalsIndexesClassesAndRanks() throws {
        let province = try runCycle()
        let results = try province.scoring.results(cycle: province.cycle)
        let byUnit = Dictionary(uniqueKeysWithValues: results.units.map { ($0.unit.id, $0) })
        func check(
            _ unit: String, points: String, max: String, index: String, className: String, rank: Int,
            provincial: Bool, any: Bool = true, sourceLocation: SourceLocation = #_sourceLocation
        ) throws {
            let result = try #require(byUnit[unit], sourceLocation: sourceLocation)
            #expect(result.points.description == points, "\(unit) points", sourceLocation: sourceLocation)
            #expect(result.maxPoints.description == max, "\(unit) max", sourceLocation: sourceLocation)
            #expect(result.indexText == index, "\(unit) index", sourceLocation: sourceLocation)
            #expect(result.className == className, "\(unit) class", sourceLocation: sourceLocation)
            #expect(result.rank == rank, "\(unit) rank", sourceLocation: sourceLocation)
            #expect(
                result.eligibility.provincialCommendation == provincial, "\(unit) commendation",
                sourceLocation: sourceLocation)
            #expect(
                result.eligibility.anyCommendation == any, "\(unit) any commendation", sourceLocation: sourceLocation)
        }
        // d01: nothing lowered: 73.5 assessed + 26.5 survey.
        try check("d01", points: "100", max: "100", index: "100.00", className: "Rất tốt", rank: 1, provincial: true)
        // d02: 1.1.1 (1 point) lowered.
        try check("d02", points: "99", max: "100", index: "99.00", className: "Rất tốt", rank: 2, provincial: true)
        // d05: 2.1 not applicable (max 98); 1.1.1 + 1.1.2 + 1.2 + 1.3.1 = 1 + 2 + 3 + 1 = 7 lowered: 91 / 98 = 92.857…%.
        try check("d05", points: "91", max: "98", index: "92.86", className: "Rất tốt", rank: 5, provincial: true)
        // d13: the first 12 assessed criteria are all of field 1's assessed 17.5 points: 82.5%, but
        // field 1 keeps only its 4.5 survey points of 22 (20%), so no provincial commendation.
        try check("d13", points: "82.5", max: "100", index: "82.50", className: "Tốt", rank: 13, provincial: false)
        // d19 and d20: 17.5 + 2.1.1 + 2.1.2 + 2.2.1…2.2.4 = 17.5 + 1 + 1 + 2 = 21.5 lowered: a tie at 78.5.
        try check("d19", points: "78.5", max: "100", index: "78.50", className: "Tốt", rank: 19, provincial: false)
        try check("d20", points: "78.5", max: "100", index: "78.50", className: "Tốt", rank: 19, provincial: false)
        // h01: nothing lowered: 68.5 assessed + 31.5 survey.
        try check("h01", points: "100", max: "100", index: "100.00", className: "Rất tốt", rank: 1, provincial: true)
        // h10: 18 lowered = field 1's 13.5 assessed + 2.1.1 + 2.1.2 + 2.2.1 + 2.2.2 + 2.2.3 + 2.2.4
        // (0.5 + 0.5 + 0.5 + 0.5 + 1 + 0.5 = 3.5) = 17; survey 31.5 − 15 = 16.5; 51.5 + 16.5 = 68.
        try check("h10", points: "68", max: "100", index: "68.00", className: "Trung bình", rank: 10, provincial: false)
        let departmentRanks = results.units.filter { $0.unit.kind == .department }.compactMap(\.rank)
        #expect(departmentRanks == Array(1...19) + [19])
        #expect(try province.scoring.cycle(province.cycle)?.publication?.resultsHash == results.hash)
    }

    @Test func everyPointTracesToTheEventAndActorThatSetIt() throws {
        let province = try runCycle()
        let scores = Dictionary(
            uniqueKeysWithValues: try province.scoring.scores(cycle: province.cycle, unit: "d02").map {
                ($0.0.code, $0.1)
            })
        let lowered = try #require(scores["1.1.1"])
        #expect(lowered.selfScore?.points == "1")
        #expect(lowered.selfScore?.actor == "can-bo-d02")
        #expect(lowered.selfScore?.evidence?.first?.name == "tlkc-d02.pdf")
        #expect(lowered.appraised?.points == "0")
        #expect(lowered.appraised?.actor == "hoi-dong")
        #expect(lowered.appraised?.reason == "Thiếu tài liệu kiểm chứng")
        #expect(lowered.appraised?.decision == "lower")
        let sequence = try #require(lowered.appraised?.sequence)
        let event = try #require(try province.scoring.ledger.event(at: sequence))
        #expect(event.type == PAREvents.AppraisalScoreRecorded.type)
        #expect(event.actor == "hoi-dong")
        let recognised = try #require(scores["1.1.2"])
        #expect(recognised.appraised?.decision == "recognise")
        #expect(recognised.appraised?.reason == "recognised when the appraisal was sealed")
        #expect(try #require(scores["1.8.2"]).survey?.actor == "nha-thau")
    }

    @Test func theSpotCheckSampleIsAtLeastTenPercentAndRedrawsTheSame() throws {
        let province = try runCycle()
        let cycle = try #require(try province.scoring.cycle(province.cycle))
        #expect(cycle.draws["department"]?.units.count == 2)
        #expect(cycle.draws["district"]?.units.count == 1)
        for kind in [UnitKind.department, .district] {
            let (_, recorded, redrawn) = try province.scoring.redraw(cycle: province.cycle, kind: kind)
            #expect(recorded == redrawn)
        }
        #expect(SpotCheckDraw.sampleSize(units: 21, percent: Points(hundredths: 1_000)) == 3)
        #expect(SpotCheckDraw.sampleSize(units: 20, percent: Points(hundredths: 1_000)) == 2)
    }

    @Test func rebuildingFromTheEventsWritesByteIdenticalProjections() throws {
        let province = try runCycle()
        let before = try province.scoring.projectionDigest()
        let resultsBefore = try province.scoring.results(cycle: province.cycle).hash
        try province.scoring.rebuild()
        #expect(try province.scoring.projectionDigest() == before)
        #expect(try province.scoring.results(cycle: province.cycle).hash == resultsBefore)
        #expect(try province.scoring.ledger.verify().isIntact)
    }

    @Test func aRebuildOfEventsThatDoNotVerifyIsRefusedAndLeavesTheProjectionsCurrent() throws {
        let province = try runCycle()
        let scoring = province.scoring
        let before = try scoring.projectionDigest()
        let generation = try scoring.ledger.projections.read { try scoring.generations.generation(in: $0) }
        let target = try #require(try scoring.ledger.events().first { $0.type == "AppraisalScoreRecorded" })
        // Someone with the files changes the points of an appraisal in place, digit for digit.
        let environment = scoring.ledger.environment
        let events = try environment.database(named: Ledger.Layout.events, create: false)
        try environment.write { txn in
            let key = bigEndianBytes(target.sequence)
            var record = try #require(try txn.value(for: key, in: events))
            let marker = Array(#""points":""#.utf8)
            let at = try #require(
                (0...(record.count - marker.count)).first { Array(record[$0..<$0 + marker.count]) == marker })
            record[at + marker.count] =
                record[at + marker.count] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            try txn.put(record, for: key, in: events)
        }
        #expect {
            try scoring.rebuild()
        } throws: { error in
            guard case LedgerError.corruptEvent(let sequence, let reason) = error else { return false }
            return sequence == target.sequence && reason.contains("do not match its stored hash")
                && reason.contains("the projections were not rebuilt")
        }
        #expect(try scoring.ledger.projections.read { try scoring.generations.generation(in: $0) } == generation)
        #expect(try scoring.projectionDigest() == before)
    }

    @Test func afterPublicationOnlyACorrectionChangesAScore() throws {
        let province = try runCycle()
        let refused = try province.refusal(by: "hoi-dong", [province.appraise("d02", "1.1.1", "1")])
        #expect(
            refused?.contains(
                "was published by decision 640/QĐ-UBND; only a correction citing a decision can change it") == true)
        let correction = PAREvents.CorrectionRecorded(
            cycle: province.cycle, unit: "d02", criterion: "1.1.1", points: "1",
            decision: "812/QĐ-UBND", reason: "Phúc khảo: TLKC bổ sung hợp lệ"
        ).draft
        #expect(try province.refusal(by: "hoi-dong", [correction])?.contains("needs the role secretariat") == true)
        try province.issue(by: "so-noi-vu", [correction])
        let results = try province.scoring.results(cycle: province.cycle)
        let d02 = try #require(results.units.first { $0.unit.id == "d02" })
        #expect(d02.indexText == "100.00")
        #expect(d02.rank == 1)
        #expect(results.hash != (try province.scoring.cycle(province.cycle)?.publication?.resultsHash))
    }
}
