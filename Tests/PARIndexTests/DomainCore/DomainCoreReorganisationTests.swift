import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// Units merged, renamed, split or dissolved by a cited decision, and the change on the previous
/// cycle following a unit through them.
@Suite struct DomainCoreReorganisationTests {
    static func reorganisation(
        _ changes: [(String, [String], [String])], decision: String = "Nghị quyết 1661/NQ-UBTVQH15",
        date: String = "2025-07-01"
    ) -> PAREvents.UnitsReorganised {
        PAREvents.UnitsReorganised(
            decision: decision, date: date,
            changes: changes.map { PAREvents.UnitChange(change: $0.0, from: $0.1, to: $0.2) })
    }

    @Test func eachKindOfChangeNeedsItsNumberOfUnitsBeforeAndAfter() throws {
        let core = try F()
        for (change, from, to, reason) in [
            ("merged", ["d01"], ["d09"], "a merger makes one unit of two or more"),
            ("renamed", ["d01"], ["d01"], "a renaming gives one unit another id"),
            ("split", ["d01"], ["d09"], "a split makes two or more units of one"),
            ("dissolved", ["h01"], ["h09"], "a dissolution ends units without successors"),
            ("absorbed", ["d01", "d02"], ["d01"], "a change is one of merged, renamed, split, dissolved"),
        ] {
            core.expectRefused(Self.reorganisation([(change, from, to)]), by: F.secretariat, reason)
        }
    }

    @Test func onlyAUnitThatExistsChangesAndOnlyOnce() throws {
        var core = try F()
        core.expectRefused(
            Self.reorganisation([("dissolved", ["huyen-khong-co"], [])]), by: F.secretariat,
            "unit 'huyen-khong-co' is in no cycle and no earlier reorganisation", kind: .notFound)
        try core.record(Self.reorganisation([("merged", ["d01", "d02"], ["d12"])]), by: F.secretariat)
        core.expectRefused(
            Self.reorganisation([("renamed", ["d02"], ["d20"])]), by: F.secretariat,
            "unit 'd02' was already merged, renamed, split or dissolved", kind: .conflict)
        core.expectRefused(
            Self.reorganisation([("merged", ["d12", "h01"], ["d03"])]), by: F.secretariat,
            "unit 'd03' exists; a change makes a new unit or keeps the id of one it changes")
        try core.record(Self.reorganisation([("split", ["d12"], ["d21", "d22"])]), by: F.secretariat)
        #expect(core.state.map.ended == ["d01", "d02", "d12"])
    }

    @Test func aReorganisationCitesItsDecisionAndDateInItsStream() throws {
        let core = try F()
        let merger = [("merged", ["d01", "d02"], ["d12"])]
        core.expectRefused(
            Self.reorganisation(merger, decision: " "), by: F.secretariat, "a reorganisation cites its decision")
        core.expectRefused(
            Self.reorganisation(merger, date: "2025-02-30"), by: F.secretariat,
            "the reorganisation's date '2025-02-30' is not a date YYYY-MM-DD")
        core.expectRefused(
            Self.reorganisation(merger), by: F.secretariat, stream: "cycle/\(F.cycle)",
            "UnitsReorganised belongs in the stream 'reorganisations'")
    }

    @Test func theChangeOnThePreviousCycleFollowsAUnitThroughAMergerARenamingAndASplit() throws {
        var core = try F()
        for (unit, points) in [("d01", "10"), ("d02", "5"), ("d03", "8"), ("h01", "6"), ("h02", "3")] {
            try core.record(F.selfScore(unit, "1.1", points), by: F.officer(unit))
        }
        try core.record(
            Self.reorganisation([
                ("merged", ["d01", "d02"], ["d01"]), ("renamed", ["d03"], ["d30"]), ("split", ["h01"], ["h11", "h12"]),
                ("dissolved", ["h02"], []),
            ]),
            by: F.secretariat)
        let units = [
            CycleUnit(id: "d01", name: "Sở hợp nhất", kind: .department),
            CycleUnit(id: "d30", name: "Sở đổi tên", kind: .department),
            CycleUnit(id: "h11", name: "Huyện tách 1", kind: .district),
            CycleUnit(id: "h12", name: "Huyện tách 2", kind: .district),
        ]
        try core.record(
            F.opening(cycle: "dien-bien-2020", units: units, previousCycle: F.cycle, year: 2020), by: F.secretariat)
        try core.record(
            PAREvents.SelfScoreRecorded(
                cycle: "dien-bien-2020", unit: "d01", criterion: "1.1", points: "9",
                evidence: [F.citation(of: "d01")], explanation: nil),
            by: F.officer("d01"))
        let report = try core.state.ranking(cycle: "dien-bien-2020")
        let changes = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.result.unit.id, $0.change) })
        // d01 and d02 together had 15 of 200 points (7.50%); the merged d01 has 9 of 100.
        #expect(changes["d01"]??.comparedWith?.map(\.id) == ["d01", "d02"])
        #expect(changes["d01"]??.indexPoints == F.points("1.5"))
        #expect(changes["d01"]??.places == nil)
        #expect(changes["d30"]??.comparedWith?.map(\.id) == ["d03"])
        #expect(changes["d30"]??.indexPoints == Points(hundredths: -800))
        #expect(changes["d30"]??.places == 0)
        #expect(changes["h11"]??.comparedWith?.map(\.id) == ["h01"])
        #expect(changes["h12"]??.indexPoints == Points(hundredths: -600))
    }
}
