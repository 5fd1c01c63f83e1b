import Foundation
import LMDB
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

@Suite struct LedgerAppendTests {
    @Test func eventsGetGapFreeSequenceNumbersAndEachLinksToThePreviousHash() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.appendScores(5)
        let events = try fixture.ledger.events()
        #expect(events.map(\.sequence) == [1, 2, 3, 4, 5, 6])
        #expect(events[0].previousHash == .genesis)
        for (earlier, later) in zip(events, events.dropFirst()) {
            #expect(later.previousHash == earlier.hash)
        }
        #expect(try fixture.ledger.head().count == 6)
        #expect(try fixture.ledger.head().hash == events[5].hash)
    }

    @Test func theHashIsSHA256OfTheCanonicalEnvelope() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.appendScores(1)
        let event = try #require(try fixture.ledger.event(at: 2))
        #expect(event.hash == EventHash.of(event.canonicalEnvelope()))
        let envelope = try JSONParser.parse(event.canonicalEnvelope(includingHash: true))
        #expect(CanonicalJSON.encode(envelope) == event.canonicalEnvelope(includingHash: true))
        #expect(envelope["hash"]?.stringValue == event.hash.hex)
        #expect(envelope["payload"]?["points"]?.stringValue == "1.25")
        #expect(envelope["keyId"]?.stringValue == fixture.key.publicKey.id)
        #expect(envelope["signature"]?.stringValue == Data(event.signature).base64EncodedString())
    }

    @Test func theEventsRecordTheSignedCommandSoItsSignatureCanBeCheckedFromThemAlone() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let events = try fixture.append("import", [draft("a"), draft("b")]).events
        let message = Command.signingBytes(
            id: events[0].commandID, actor: events[0].actor, correlationID: events[0].correlationID,
            ledgerID: fixture.ledger.id, signedAt: events[0].signedAt, basis: events[0].basis,
            events: events.map { ($0.stream, $0.type, $0.schemaVersion, $0.payload) }
        )
        #expect(fixture.key.publicKey.verifies(events[0].signature, of: message))
        #expect(events.allSatisfy { $0.signature == events[0].signature && $0.keyID == fixture.key.publicKey.id })
    }

    @Test func allEventsOfOneCommandAreAppendedTogetherWithConsecutiveNumbers() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let result = try fixture.append("import", [draft("a"), draft("b"), draft("a")])
        #expect(result.events.map(\.sequence) == [2, 3, 4])
        #expect(result.events.map(\.streamVersion) == [1, 1, 2])
        #expect(
            result.events.allSatisfy {
                $0.commandID == "import" && $0.causationID == "import" && $0.correlationID == "import"
            })
    }

    @Test func repeatingACommandIDReturnsTheFirstEventsAndAppendsNothing() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let first = try fixture.append("cmd-1", [draft()])
        let second = try fixture.append("cmd-1", [draft()])
        #expect(!first.wasAlreadyRecorded)
        #expect(second.wasAlreadyRecorded)
        #expect(second.events == first.events)
        #expect(try fixture.ledger.head().count == 2)
    }

    @Test func reusingACommandIDForDifferentContentIsRefused() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.append("cmd-1", [draft("unit/so-noi-vu/2019", "1.5")])
        #expect(throws: LedgerError.commandIDReused(id: "cmd-1")) {
            try fixture.append("cmd-1", [draft("unit/so-noi-vu/2019", "2")])
        }
        #expect(try fixture.ledger.head().count == 2)
    }

    @Test func wrongExpectedStreamVersionIsRefusedAndAppendsNothing() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.append("c1", [draft("s")], expecting: ["s": .noStream])
        try fixture.append("c2", [draft("s")], expecting: ["s": .exactly(1)])
        #expect(throws: LedgerError.wrongExpectedVersion(stream: "s", expected: .exactly(1), actual: 2)) {
            try fixture.append("c3", [draft("s")], expecting: ["s": .exactly(1)])
        }
        #expect(throws: LedgerError.wrongExpectedVersion(stream: "s", expected: .noStream, actual: 2)) {
            try fixture.append("c4", [draft("s")], expecting: ["s": .noStream])
        }
        #expect(try fixture.ledger.head().count == 3)
        #expect(try fixture.ledger.streamVersion("s") == 2)
    }

    @Test func commandsOfOneBatchSeeTheStreamVersionsOfThoseBeforeThem() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.ledger.append(batch: [
            try fixture.command("b1", [draft("s"), draft("s")], expecting: ["s": .noStream]),
            try fixture.command("b2", [draft("s")], expecting: ["s": .exactly(2)]),
        ])
        #expect(try fixture.ledger.streamVersion("s") == 3)
        #expect(throws: LedgerError.wrongExpectedVersion(stream: "s", expected: .exactly(3), actual: 4)) {
            try fixture.ledger.append(batch: [
                try fixture.command("b3", [draft("s")], expecting: ["s": .exactly(3)]),
                try fixture.command("b4", [draft("s")], expecting: ["s": .exactly(3)]),
            ])
        }
        #expect(try fixture.ledger.streamVersion("s") == 3)
        #expect(try fixture.ledger.verify().isIntact)
    }

    @Test func aBatchIsAllOrNothing() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let good = try fixture.command("good", [draft("s")])
        let stale = try fixture.command("stale", [draft("s")], expecting: ["s": .exactly(5)])
        #expect(throws: LedgerError.self) { try fixture.ledger.append(batch: [good, stale]) }
        #expect(try fixture.ledger.head().count == 1)
        let results = try fixture.ledger.append(batch: (1...50).map { try fixture.command("row-\($0)", [draft("s")]) })
        #expect(results.count == 50)
        #expect(try fixture.ledger.head().count == 51)
    }

    @Test func malformedCommandsAreRefusedWithTheReasonAndAppendNothing() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        let malformed: [(Command, String)] = [
            (try fixture.command("", [draft()]), "command id is empty"),
            (Command(id: "c", actor: "", events: [draft()]), "actor is empty"),
            (try fixture.command("c", []), "has no events"),
            (
                try fixture.command("c", [EventDraft(stream: "s", type: "Bad Type!", payload: .object([:]))]),
                "must use only ASCII letters"
            ),
            (try fixture.command("c", [EventDraft(stream: "", type: "T", payload: .object([:]))]), "stream of event 1"),
            (
                try fixture.command("c", [EventDraft(stream: "s\u{0}x", type: "T", payload: .object([:]))]),
                "control character"
            ),
            (
                try fixture.command("c", [EventDraft(stream: "s", type: "T", schemaVersion: 0, payload: .object([:]))]),
                "schema version"
            ),
            (
                try fixture.command("c", [EventDraft(stream: "s", type: "T", payload: .array([]))]),
                "must be a JSON object"
            ),
        ]
        for (bad, expected) in malformed {
            do {
                try fixture.ledger.append(bad)
                Issue.record("accepted a malformed command (\(expected))")
            } catch let LedgerError.invalidCommand(reason) {
                #expect(reason.contains(expected))
            }
        }
        #expect(try fixture.ledger.head().count == 1)
    }

    @Test func streamNamesAreComparedInNFC() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.append("c1", [draft("đơn vị/Sở Tài chính")])
        try fixture.append("c2", [draft("đơn vị/So\u{031B}\u{0309} Ta\u{0300}i chi\u{0301}nh")])
        #expect(try fixture.ledger.streamVersion("đơn vị/Sở Tài chính") == 2)
        #expect(try fixture.ledger.events(inStream: "đơn vị/Sở Tài chính").map(\.sequence) == [2, 3])
    }

    @Test func eventsOfChosenStreamsAreReadInLedgerOrderWithinTheRange() throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try fixture.append("c1", [draft("cycle/a"), draft("cycle/a/unit/x"), draft("cycle/ab")])
        try fixture.append("c2", [draft("cycle/a/unit/y"), draft("cycle/b"), draft("cycle/a")])
        try fixture.append("c3", [draft("cycle/a/unit/x")])
        func read(after start: UInt64, through end: UInt64) throws -> [UInt64] {
            var found: [UInt64] = []
            try fixture.ledger.projections.read { reader in
                try fixture.ledger.forEachEvent(
                    inStreams: ["cycle/a"], orStreamsBeginningWith: ["cycle/a/unit/"], after: start, through: end,
                    in: reader
                ) { found.append($0.sequence) }
            }
            return found
        }
        // Event 1 is the fixture's; "cycle/ab" and "cycle/b" are other streams.
        #expect(try read(after: 0, through: 100) == [2, 3, 5, 7, 8])
        #expect(try read(after: 3, through: 7) == [5, 7])
    }

    @Test func recordedTimeComesFromTheInjectedClock() throws {
        let directory = try TemporaryDirectory()
        var options = permitAll
        options.clock = ManualClock(start: try #require(Timestamp(iso8601: "2020-01-14T09:30:00Z")))
        let fixture = try Fixture(in: directory, options: options)
        let event = try fixture.append("c", [draft()]).events[0]
        // Each command reads the clock twice: when it is signed, and when it is recorded.
        #expect(event.signedAt?.iso8601 == "2020-01-14T09:30:00.003Z")
        #expect(event.recordedAt.iso8601 == "2020-01-14T09:30:00.004Z")
    }

    @Test func eventsSurviveReopeningTheLedger() throws {
        let directory = try TemporaryDirectory()
        let head = try {
            let fixture = try Fixture(in: directory)
            try fixture.appendScores(10)
            return try fixture.ledger.head()
        }()
        let reopened = try Ledger.open(at: directory.ledgerPath, options: permitAll)
        #expect(try reopened.head() == head)
        #expect(try reopened.verify().isIntact)
    }

    @Test func threadsAppendingAtOnceProduceOneIntactChain() async throws {
        let directory = try TemporaryDirectory()
        let fixture = try Fixture(in: directory)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<50 { try fixture.append("w\(worker)-\(index)", [draft("w\(worker)")]) }
                }
            }
            try await group.waitForAll()
        }
        let report = try fixture.ledger.verify()
        #expect(report.isIntact)
        #expect(report.eventCount == 201)
    }

    @Test func theLedgerGrowsItsMapAsEventsArrive() throws {
        let directory = try TemporaryDirectory()
        var options = permitAll
        options.storage.initialMapSize = 128 << 10
        let fixture = try Fixture(in: directory, options: options)
        let big = String(repeating: "Chỉ số cải cách hành chính ", count: 40)
        try fixture.ledger.append(
            batch: (1...500).map { index in
                try fixture.command(
                    "c\(index)", [EventDraft(stream: "s", type: "T", payload: .object(["text": .text(big)]))])
            })
        #expect(fixture.ledger.environment.mapSize > 128 << 10)
        #expect(try fixture.ledger.verify().eventCount == 501)
    }

    @Test func aFullLedgerRefusesTheWriteAndKeepsWhatItHad() throws {
        let directory = try TemporaryDirectory()
        var options = permitAll
        options.storage.initialMapSize = 128 << 10
        options.storage.maximumMapSize = 256 << 10
        let fixture = try Fixture(in: directory, options: options)
        try fixture.append("small", [draft()])
        let before = try fixture.ledger.head()
        let big = String(repeating: "x", count: 2_000)
        do {
            try fixture.ledger.append(
                batch: (1...500).map {
                    try fixture.command(
                        "c\($0)", [EventDraft(stream: "s", type: "T", payload: .object(["t": .text(big)]))])
                })
            Issue.record("a write beyond the map limit succeeded")
        } catch let error as LedgerError {
            guard case .storage(_, let cause) = error else { throw error }
            #expect(cause == .mapFull)
            #expect(error.kind == .io)
        }
        #expect(try fixture.ledger.head() == before)
        #expect(try fixture.ledger.verify().isIntact)
    }
}

@Suite struct LedgerOpeningTests {
    @Test func openingAMissingDirectoryReportsNoLedger() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: LedgerError.noLedger(path: directory.ledgerPath)) {
            try Ledger.open(at: directory.ledgerPath, options: permitAll)
        }
        #expect(throws: LedgerError.noLedger(path: directory.path)) {
            try Ledger.open(at: directory.path, options: permitAll)
        }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/data.mdb"))
    }

    @Test func creatingTwiceIsRefused() throws {
        let directory = try TemporaryDirectory()
        _ = try Fixture(in: directory)
        #expect(throws: LedgerError.alreadyInitialized(path: directory.ledgerPath)) {
            try Ledger.create(at: directory.ledgerPath, options: permitAll)
        }
    }

    @Test func aDataFileThatIsNotLMDBIsReportedAsNotALedger() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x42, count: 20_000).write(to: URL(fileURLWithPath: directory.path + "/data.mdb"))
        do {
            _ = try Ledger.open(at: directory.path, options: permitAll)
            Issue.record("opened garbage as a ledger")
        } catch let LedgerError.notALedger(_, reason) {
            #expect(reason.contains("not an LMDB environment"))
        }
    }

    @Test func aFileInsteadOfADirectoryIsReportedAsNotALedger() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/file"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: file))
        let expected = LedgerError.notALedger(path: file, reason: "it is a file, not a directory")
        #expect(throws: expected) { try Ledger.open(at: file, options: permitAll) }
        #expect(throws: expected) { try Ledger.create(at: file, options: permitAll) }
    }

    @Test func anLMDBEnvironmentOfAnotherProgramIsNotALedger() throws {
        let directory = try TemporaryDirectory()
        do {
            let environment = try Environment(path: directory.path)
            let other = try environment.database(named: "other")
            try environment.write { try $0.put([1], for: [1], in: other) }
        }
        do {
            _ = try Ledger.open(at: directory.path, options: permitAll)
            Issue.record("opened a foreign LMDB environment as a ledger")
        } catch let LedgerError.notALedger(_, reason) {
            #expect(reason.contains("format marker"))
        }
    }
}
