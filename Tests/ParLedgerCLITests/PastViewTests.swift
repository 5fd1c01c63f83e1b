import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import TestSupport
import Testing

/// Views of the past are computed in memory from the nearest snapshot: they match what was
/// published, and they write nothing.
@Suite struct PastViewTests {
    @Test func theDemos2019PublicationViewedAsOfItsDecisionAndAYearLaterMatchesThePublishedResults() throws {
        let demo = try DemoBundle.shared.get()
        let ledgerPath = demo.demo + "/ledger"
        let filesBefore = try FileManager.default.contentsOfDirectory(atPath: ledgerPath).sorted()
        let scoring = try ScoringLedger.open(at: ledgerPath, readOnly: true)
        let cycle = "dien-bien-2019"
        let publication = try #require(try scoring.cycle(cycle)?.publication)
        let published = try Data(contentsOf: URL(fileURLWithPath: demo.bundle + "/results/\(cycle).json"))

        let atDecision = try scoring.state(asOf: publication.sequence).results(cycle: cycle)
        #expect(CanonicalJSON.encode(atDecision.json) == Array(published))
        #expect(atDecision.hash == publication.resultsHash)

        let decisionTime = try #require(try scoring.ledger.event(at: publication.sequence)).recordedAt
        let yearLater = Timestamp(millisecondsSinceEpoch: decisionTime.millisecondsSinceEpoch + 365 * 86_400_000)
        let later = try scoring.lastSequence(atOrBefore: yearLater)
        #expect(later > publication.sequence + 1_000, "the demo goes on for a year after its 2019 decision")
        let viewed = try scoring.state(asOf: later).results(cycle: cycle)
        let replayed = try ProvinceState().evolving(try scoring.ledger.events(from: 1, limit: Int(later)))
        #expect(viewed.hash == (try replayed.results(cycle: cycle).hash))
        // What changed since the decision is exactly what corrections of 2019 recorded by then changed.
        let corrected = Set(
            try scoring.ledger.events(from: publication.sequence + 1, limit: Int(later - publication.sequence))
                .filter { $0.type == PAREvents.CorrectionRecorded.type && $0.stream.hasPrefix("cycle/\(cycle)/") }
                .map { $0.stream.split(separator: "/").last.map(String.init) ?? "" })
        let now = Dictionary(uniqueKeysWithValues: viewed.units.map { ($0.unit.id, $0) })
        for before in atDecision.units where !corrected.contains(before.unit.id) {
            #expect(now[before.unit.id]?.points == before.points, "\(before.unit.id)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: ledgerPath).sorted() == filesBefore)
    }

    @Test func aRankingAsOfThePublicationMakesNoScratchDatabaseAndShowsThePublishedIndexes() throws {
        let demo = try DemoBundle.shared.get()
        let scoring = try ScoringLedger.open(at: demo.demo + "/ledger", readOnly: true)
        let publication = try #require(try scoring.cycle("dien-bien-2019")?.publication)
        let temporary = try TemporaryDirectory()
        let outcome = try CLI.run(
            [
                "ranking", "--cycle", "dien-bien-2019", "--at", String(publication.sequence), "--json", "--ledger",
                demo.demo + "/ledger",
            ], environment: ["TMPDIR": temporary.path])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary.path).isEmpty)
        func indexes(_ json: JSONValue) -> [String: String] {
            Dictionary(
                uniqueKeysWithValues: (json["units"]?.arrayValue ?? []).compactMap { unit in
                    guard let id = unit["unit"]?.stringValue ?? unit["id"]?.stringValue,
                        let index = unit["index"]?.stringValue
                    else { return nil }
                    return (id, index)
                })
        }
        let shown = indexes(try JSONParser.parse(Array(outcome.output.utf8)))
        let published = indexes(
            try JSONParser.parse(
                Array(try Data(contentsOf: URL(fileURLWithPath: demo.bundle + "/results/dien-bien-2019.json")))))
        #expect(!published.isEmpty)
        #expect(shown == published)
    }
}
