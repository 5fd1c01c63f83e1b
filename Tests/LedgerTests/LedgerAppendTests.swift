import Foundation
import LMDB
import Ledger
import Testing

@Suite struct LedgerAppendTests {
    @Test func eventsGetGapFreeSequenceNumbersAndEachLinksToThePreviousHash() throws {
        let directory = try TemporaryDirectory()
        let ledger = try ledgerWith(5, in: directory)
        let events = try ledger.events()
        #expect(events.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(events[0].previousHash == .genesis)
        for (earlier, later) in zip(events, events.dropFirst()) {
            #expect(later.previousHash == earlier.hash)
        }
        #expect(try ledger.head().count == 5)
        #expect(try ledger.head().hash == events[4].hash)
    }

    @Test func theHashIsSHA256OfTheCanonicalEnvelope() throws {
        let directory = try TemporaryDirectory()
        let ledger = try ledgerWith(1, in: directory)
        let event = try #require(try ledger.event(at: 1))
        #expect(event.hash == EventHash.of(event.canonicalEnvelope()))
        let envelope = try JSONParser.parse(event.canonicalEnvelope(includingHash: true))
        #expect(CanonicalJSON.encode(envelope) == event.canonicalEnvelope(includingHash: true))
        #expect(envelope["hash"]?.stringValue == event.hash.hex)
        #expect(envelope["payload"]?["points"]?.stringValue == "1.25")
    }

    @Test func allEventsOfOneCommandAreAppendedTogetherWithConsecutiveNumbers() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        let result = try ledger.append(command("import", [draft("a"), draft("b"), draft("a")]))
        #expect(result.events.map(\.sequence) == [1, 2, 3])
        #expect(result.events.map(\.streamVersion) == [1, 1, 2])
        #expect(result.events.allSatisfy { $0.commandID == "import" && $0.causationID == "import" && $0.correlationID == "import" })
    }

    @Test func repeatingACommandIDReturnsTheFirstEventsAndAppendsNothing() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        let first = try ledger.append(command("cmd-1", [draft()]))
        let second = try ledger.append(command("cmd-1", [draft()]))
        #expect(!first.wasAlreadyRecorded)
        #expect(second.wasAlreadyRecorded)
        #expect(second.events == first.events)
        #expect(try ledger.head().count == 1)
    }

    @Test func reusingACommandIDForDifferentContentIsRefused() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        try ledger.append(command("cmd-1", [draft("unit/so-noi-vu/2019", "1.5")]))
        #expect(throws: LedgerError.commandIDReused(id: "cmd-1")) {
            try ledger.append(command("cmd-1", [draft("unit/so-noi-vu/2019", "2")]))
        }
        #expect(try ledger.head().count == 1)
    }

    @Test func wrongExpectedStreamVersionIsRefusedAndAppendsNothing() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        try ledger.append(Command(id: "c1", actor: "a", events: [draft("s")], expectedVersions: ["s": .noStream]))
        try ledger.append(Command(id: "c2", actor: "a", events: [draft("s")], expectedVersions: ["s": .exactly(1)]))
        #expect(throws: LedgerError.wrongExpectedVersion(stream: "s", expected: .exactly(1), actual: 2)) {
            try ledger.append(Command(id: "c3", actor: "a", events: [draft("s")], expectedVersions: ["s": .exactly(1)]))
        }
        #expect(throws: LedgerError.wrongExpectedVersion(stream: "s", expected: .noStream, actual: 2)) {
            try ledger.append(Command(id: "c4", actor: "a", events: [draft("s")], expectedVersions: ["s": .noStream]))
        }
        #expect(try ledger.head().count == 2)
        #expect(try ledger.streamVersion("s") == 2)
    }

    @Test func aBatchIsAllOrNothing() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        let good = command("good", [draft("s")])
        let stale = Command(id: "stale", actor: "a", events: [draft("s")], expectedVersions: ["s": .noStream])
        #expect(throws: LedgerError.self) { try ledger.append(batch: [good, stale]) }
        #expect(try ledger.head().count == 0)
        let results = try ledger.append(batch: (1...50).map { command("row-\($0)", [draft("s")]) })
        #expect(results.count == 50)
        #expect(try ledger.head().count == 50)
    }

    @Test func malformedCommandsAreRefusedWithTheReasonAndAppendNothing() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        let malformed: [(Command, String)] = [
            (command("", [draft()]), "command id is empty"),
            (command("c", actor: "", [draft()]), "actor is empty"),
            (command("c", []), "has no events"),
            (command("c", [EventDraft(stream: "s", type: "Bad Type!", payload: .object([:]))]), "must use only ASCII letters"),
            (command("c", [EventDraft(stream: "", type: "T", payload: .object([:]))]), "stream of event 1"),
            (command("c", [EventDraft(stream: "s\u{0}x", type: "T", payload: .object([:]))]), "control character"),
            (command("c", [EventDraft(stream: "s", type: "T", schemaVersion: 0, payload: .object([:]))]), "schema version"),
            (command("c", [EventDraft(stream: "s", type: "T", payload: .array([]))]), "must be a JSON object"),
        ]
        for (bad, expected) in malformed {
            do {
                try ledger.append(bad)
                Issue.record("accepted a malformed command (\(expected))")
            } catch let LedgerError.invalidCommand(reason) {
                #expect(reason.contains(expected))
            }
        }
        #expect(try ledger.head().count == 0)
    }

    @Test func streamNamesAreComparedInNFC() throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        try ledger.append(command("c1", [draft("đơn vị/Sở Tài chính")]))
        try ledger.append(command("c2", [draft("đơn vị/So\u{031B}\u{0309} Ta\u{0300}i chi\u{0301}nh")]))
        #expect(try ledger.streamVersion("đơn vị/Sở Tài chính") == 2)
        #expect(try ledger.events(inStream: "đơn vị/Sở Tài chính").map(\.sequence) == [1, 2])
    }

    @Test func recordedTimeComesFromTheInjectedClock() throws {
        let directory = try TemporaryDirectory()
        var options = LedgerOptions()
        options.clock = SteppingClock(start: try #require(Timestamp(iso8601: "2020-01-14T09:30:00Z")))
        let ledger = try Ledger.create(at: directory.ledgerPath, options: options)
        let event = try ledger.append(command("c", [draft()])).events[0]
        #expect(event.recordedAt.iso8601 == "2020-01-14T09:30:00.001Z")
    }

    @Test func eventsSurviveReopeningTheLedger() throws {
        let directory = try TemporaryDirectory()
        let head = try ledgerWith(10, in: directory).head()
        let reopened = try Ledger.open(at: directory.ledgerPath)
        #expect(try reopened.head() == head)
        #expect(try reopened.verify().isIntact)
    }

    @Test func threadsAppendingAtOnceProduceOneIntactChain() async throws {
        let directory = try TemporaryDirectory()
        let ledger = try Ledger.create(at: directory.ledgerPath)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<4 {
                group.addTask {
                    for index in 0..<50 { try ledger.append(command("w\(worker)-\(index)", [draft("w\(worker)")])) }
                }
            }
            try await group.waitForAll()
        }
        let report = try ledger.verify()
        #expect(report.isIntact)
        #expect(report.eventCount == 200)
    }

    @Test func theLedgerGrowsItsMapAsEventsArrive() throws {
        let directory = try TemporaryDirectory()
        var options = LedgerOptions()
        options.storage.initialMapSize = 128 << 10
        let ledger = try Ledger.create(at: directory.ledgerPath, options: options)
        let big = String(repeating: "Chỉ số cải cách hành chính ", count: 40)
        try ledger.append(batch: (1...500).map { index in
            command("c\(index)", [EventDraft(stream: "s", type: "T", payload: .object(["text": .text(big)]))])
        })
        #expect(ledger.environment.mapSize > 128 << 10)
        #expect(try ledger.verify().eventCount == 500)
    }

    @Test func aFullLedgerRefusesTheWriteAndKeepsWhatItHad() throws {
        let directory = try TemporaryDirectory()
        var options = LedgerOptions()
        options.storage.initialMapSize = 128 << 10
        options.storage.maximumMapSize = 256 << 10
        let ledger = try Ledger.create(at: directory.ledgerPath, options: options)
        try ledger.append(command("small", [draft()]))
        let before = try ledger.head()
        let big = String(repeating: "x", count: 2_000)
        do {
            try ledger.append(batch: (1...500).map { command("c\($0)", [EventDraft(stream: "s", type: "T", payload: .object(["t": .text(big)]))]) })
            Issue.record("a write beyond the map limit succeeded")
        } catch let error as LedgerError {
            guard case .storage(_, let cause) = error else { throw error }
            #expect(cause == .mapFull)
            #expect(error.hint?.contains("size limit") == true)
        }
        #expect(try ledger.head() == before)
        #expect(try ledger.verify().isIntact)
    }
}

@Suite struct LedgerOpeningTests {
    @Test func openingAMissingDirectoryReportsNoLedger() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: LedgerError.noLedger(path: directory.ledgerPath)) { try Ledger.open(at: directory.ledgerPath) }
        #expect(throws: LedgerError.noLedger(path: directory.path)) { try Ledger.open(at: directory.path) }
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/data.mdb"))
    }

    @Test func creatingTwiceIsRefused() throws {
        let directory = try TemporaryDirectory()
        _ = try ledgerWith(1, in: directory)
        #expect(throws: LedgerError.alreadyInitialized(path: directory.ledgerPath)) {
            try Ledger.create(at: directory.ledgerPath)
        }
    }

    @Test func aDataFileThatIsNotLMDBIsReportedAsNotALedger() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x42, count: 20_000).write(to: URL(fileURLWithPath: directory.path + "/data.mdb"))
        do {
            _ = try Ledger.open(at: directory.path)
            Issue.record("opened garbage as a ledger")
        } catch let LedgerError.notALedger(_, reason) {
            #expect(reason.contains("not an LMDB environment"))
        }
    }

    @Test func aFileInsteadOfADirectoryIsReportedAsNotALedger() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/file"
        try Data("hello".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: LedgerError.notALedger(path: file, reason: "it is a file, not a directory")) { try Ledger.open(at: file) }
        #expect(throws: LedgerError.notALedger(path: file, reason: "it is a file, not a directory")) { try Ledger.create(at: file) }
    }

    @Test func anLMDBEnvironmentOfAnotherProgramIsNotALedger() throws {
        let directory = try TemporaryDirectory()
        do {
            let environment = try Environment(path: directory.path)
            let other = try environment.database(named: "other")
            try environment.write { try $0.put([1], for: [1], in: other) }
        }
        do {
            _ = try Ledger.open(at: directory.path)
            Issue.record("opened a foreign LMDB environment as a ledger")
        } catch let LedgerError.notALedger(_, reason) {
            #expect(reason.contains("format marker"))
        }
    }
}
