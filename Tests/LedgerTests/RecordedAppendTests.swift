import Foundation
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

/// Appending again what another copy of a ledger recorded (a restore from the published log).
@Suite struct RecordedAppendTests {
    /// A ledger with commands of one and of several events, each recorded a second after the last.
    private func original(in directory: TemporaryDirectory) throws -> Fixture {
        var options = LedgerOptions(policy: PermitAll())
        options.clock = ManualClock(start: try #require(Timestamp(iso8601: "2021-03-01T02:00:00Z")), step: 1_000)
        let fixture = try Fixture(in: directory, options: options)
        try fixture.appendScores(3)
        try fixture.append("import", [draft("a"), draft("b"), draft("a")])
        try fixture.append("last", [draft("b", "2.5")])
        return fixture
    }

    private func copy(of ledger: Ledger, at path: String, id: String? = nil) throws -> Ledger {
        var options = LedgerOptions(policy: PermitAll())
        options.newLedgerID = id ?? ledger.id
        return try Ledger.create(at: path, options: options)
    }

    @Test func recordedEventsAppendedAgainKeepTheirHashesTimesAndSignatures() throws {
        let directory = try TemporaryDirectory()
        let original = try original(in: directory).ledger
        let recorded = try original.events()
        let copy = try copy(of: original, at: directory.path + "/copy")
        var applied: [UInt64] = []
        try copy.append(recorded: Array(recorded.prefix(3))) { event, _ in applied.append(event.sequence) }
        try copy.append(recorded: Array(recorded.dropFirst(3))) { event, _ in applied.append(event.sequence) }
        #expect(try copy.events() == recorded)
        #expect(try copy.head() == original.head())
        #expect(try copy.treeRoot().root == original.treeRoot().root)
        #expect(applied == recorded.map(\.sequence))
        #expect(try copy.verify().problem == nil)
    }

    @Test func eventsSignedInFormatOneAreAppendedAgainAsRecordedThoughANewCommandMayNotBe() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.ledgerPath, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Repository.file("Tests/Fixtures/ledger-format-1") + "/data.mdb",
            toPath: directory.ledgerPath + "/data.mdb")
        var readOnly = LedgerOptions(policy: PermitAll())
        readOnly.storage.readOnly = true
        let original = try Ledger.open(at: directory.ledgerPath, options: readOnly)
        let recorded = try original.events()
        #expect(recorded.allSatisfy { $0.signedAt == nil && !$0.signature.isEmpty })
        let restored = try copy(of: original, at: directory.path + "/copy")
        try restored.append(recorded: recorded) { _, _ in }
        #expect(try restored.events() == recorded)
        #expect(try restored.verify().problem == nil)
        let again = try copy(of: original, at: directory.path + "/again")
        #expect(throws: LedgerError.self, "a live append took a command signed without a time") {
            try again.append(try Command(recorded: [recorded[0]]))
        }
    }

    @Test func anEventRecordedAtAnotherTimeIsRefusedAndNothingOfItsBatchIsAppended() throws {
        let directory = try TemporaryDirectory()
        let original = try original(in: directory).ledger
        var recorded = try original.events()
        let moved = recorded[3]
        recorded[3] = RecordedEvent(
            sequence: moved.sequence, stream: moved.stream, streamVersion: moved.streamVersion, type: moved.type,
            schemaVersion: moved.schemaVersion, payload: moved.payload, actor: moved.actor,
            recordedAt: Timestamp(millisecondsSinceEpoch: moved.recordedAt.millisecondsSinceEpoch + 1),
            commandID: moved.commandID, causationID: moved.causationID, correlationID: moved.correlationID,
            keyID: moved.keyID, signature: moved.signature, previousHash: moved.previousHash, hash: moved.hash,
            signedAt: moved.signedAt, basis: moved.basis)
        let copy = try copy(of: original, at: directory.path + "/copy")
        #expect(throws: LedgerError.self) { try copy.append(recorded: recorded) { _, _ in } }
        do {
            try copy.append(recorded: recorded) { _, _ in }
        } catch LedgerError.corruptEvent(let sequence, let reason) {
            #expect(sequence == 4)
            #expect(reason == "its recorded fields do not hash to its recorded hash")
        }
        #expect(try copy.head().count == 0)
    }

    @Test func eventsOfAnotherLedgerOrOutOfOrderAreRefused() throws {
        let directory = try TemporaryDirectory()
        let original = try original(in: directory).ledger
        let recorded = try original.events()
        let stranger = try copy(of: original, at: directory.path + "/stranger", id: "another-ledger")
        #expect(throws: LedgerError.self) { try stranger.append(recorded: recorded) { _, _ in } }
        #expect(try stranger.head().count == 0)
        let copy = try copy(of: original, at: directory.path + "/copy")
        try copy.append(recorded: Array(recorded.prefix(2))) { _, _ in }
        #expect(throws: LedgerError.self) { try copy.append(recorded: Array(recorded.dropFirst(3))) { _, _ in } }
        #expect(throws: LedgerError.self) { try copy.append(recorded: Array(recorded.prefix(2))) { _, _ in } }
        #expect(try copy.head() == LedgerHead(count: 2, hash: recorded[1].hash))
    }
}
