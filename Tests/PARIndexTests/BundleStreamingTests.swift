import Foundation
import Ledger
import LedgerFormat
import PARFixtures
import TestSupport
import Testing

@testable import PARBundle
@testable import PARCore
@testable import PARIndex

/// What lets export and verify-bundle stream: the published results read from the score history
/// instead of a replay per cycle, and event lines read straight from their bytes.
@Suite struct BundleStreamingTests {
    @Test func theResultsAPublicationAttestedComeFromTheScoreHistoryOrWithoutItFromOneReplay() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.publishCycle()
        try p.issue(by: "so-noi-vu", [p.correct("d01", "1.2", "0")])
        let attested = try #require(try p.scoring.cycle(p.cycle)?.publication?.resultsHash)
        // The correction changed the results: those published are not the current ones.
        #expect(try p.scoring.results(cycle: p.cycle).hash != attested)

        let fromHistory = try #require(try PublishedResults.bytes(of: p.scoring, cycles: p.scoring.cycles())[p.cycle])
        #expect(SHA256Digest.hex(fromHistory) == attested)

        // Projections without a score history (written before it existed) give them by a replay.
        let history = try p.scoring.read { _, projector in projector.historyDB }
        try p.scoring.ledger.projections.write { try $0.removeAll(from: history) }
        let replayed = try #require(try PublishedResults.bytes(of: p.scoring, cycles: p.scoring.cycles())[p.cycle])
        #expect(replayed == fromHistory)
    }

    private static let genuine = Repository.file("Tests/BundleCorpus/cases/genuine/bundle/events.jsonl")

    /// The general reading of a line: strict JSON, canonical, an event envelope.
    private func generalReading(_ line: [UInt8]) -> RecordedEvent? {
        guard let value = try? JSONParser.parse(line), CanonicalJSON.encode(value) == line else { return nil }
        return try? RecordedEvent(envelope: value)
    }

    @Test func everyLineTheLedgerWroteIsReadQuicklyAsTheGeneralReadingReadsIt() throws {
        let lines = try String(contentsOfFile: Self.genuine, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 50)
        for (number, line) in lines.enumerated() {
            let bytes = Array(line.utf8)
            let quick = EventLine.event(bytes[...])
            #expect(quick != nil, "line \(number + 1) is not read quickly")
            #expect(quick == generalReading(bytes), "line \(number + 1)")
        }
    }

    @Test func aMutatedLineIsReadQuicklyOnlyWhenTheGeneralReadingAcceptsItAsTheSameEvent() throws {
        let lines = try String(contentsOfFile: Self.genuine, encoding: .utf8).split(separator: "\n")
        var state: UInt64 = 2026
        func next(_ bound: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 2_685_821_657_736_338_717) % UInt64(max(bound, 1)))
        }
        let hostile: [[UInt8]] = [
            Array(#"\u00e9"#.utf8), Array("e\u{301}".utf8), Array("-0".utf8), Array("01".utf8), Array("1.0".utf8),
            Array(#","a":1"#.utf8), Array(" ".utf8), [0xC3, 0x28], [0x7F], [0x09], Array("9007199254740992".utf8),
        ]
        var quick = 0
        for _ in 0..<5_000 {
            var bytes = Array(lines[next(lines.count)].utf8)
            switch next(3) {
            case 0: bytes[next(bytes.count)] ^= UInt8(1 << next(8))
            case 1: bytes.insert(contentsOf: hostile[next(hostile.count)], at: next(bytes.count + 1))
            default:
                let start = next(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + next(8)))
            }
            guard let event = EventLine.event(bytes[...]) else { continue }
            quick += 1
            #expect(event == generalReading(bytes), "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(quick > 0)
    }
}
