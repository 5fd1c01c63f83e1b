import LMDB
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

/// Changes made beneath the ledger, through raw LMDB, must be caught by `verify`.
@Suite struct TamperTests {
    private func key(_ sequence: UInt64) -> [UInt8] {
        withUnsafeBytes(of: sequence.bigEndian) { Array($0) }
    }

    /// Builds a 10-event ledger, closes it, runs `tamper` on the raw environment, and verifies.
    private func verifyAfter(_ tamper: (WriteTransaction, Database, Database) throws -> Void) throws
        -> VerificationReport
    {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(9) }
        do {
            let environment = try Environment(path: directory.ledgerPath)
            let events = try environment.database(named: Ledger.Layout.events, create: false)
            let meta = try environment.database(named: Ledger.Layout.meta, create: false)
            try environment.write { try tamper($0, events, meta) }
        }
        return try Ledger.open(at: directory.ledgerPath, options: permitAll).verify()
    }

    @Test func anUntouchedLedgerVerifies() throws {
        let report = try verifyAfter { _, _, _ in }
        #expect(report.isIntact)
        #expect(report.eventCount == 10)
    }

    @Test func oneChangedByteInAPayloadIsNamedBySequenceNumber() throws {
        let report = try verifyAfter { txn, events, _ in
            var record = try #require(try txn.value(for: key(5), in: events))
            let position = try #require(record.lastIndex(of: UInt8(ascii: "5")))
            record[position] = UInt8(ascii: "9")
            try txn.put(record, for: key(5), in: events)
        }
        #expect(report.problem?.sequence == 5)
        #expect(report.problem?.reason.contains("do not match its stored hash") == true)
        #expect(report.eventCount == 4)
    }

    @Test func everySingleByteFlipAnywhereInARecordIsDetectedAtThatEvent() throws {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(3) }
        let original: [UInt8] = try {
            let environment = try Environment(path: directory.ledgerPath)
            let events = try environment.database(named: Ledger.Layout.events, create: false)
            return try environment.read { try #require(try $0.value(for: key(3), in: events)) }
        }()
        for position in original.indices {
            do {
                let environment = try Environment(path: directory.ledgerPath)
                let events = try environment.database(named: Ledger.Layout.events, create: false)
                var changed = original
                changed[position] ^= 0x01
                try environment.write { try $0.put(changed, for: key(3), in: events) }
            }
            let problem = try Ledger.open(at: directory.ledgerPath, options: permitAll).verify().problem
            #expect(problem?.sequence == 3, "a flip at byte \(position) was not pinned to event 3")
        }
    }

    @Test func aDeletedEventIsNamed() throws {
        let report = try verifyAfter { txn, events, _ in try txn.delete(key(7), in: events) }
        #expect(report.problem?.sequence == 7)
        #expect(report.problem?.reason.contains("missing") == true)
    }

    @Test func aDeletedLastEventIsNamedThroughTheRecordedHead() throws {
        let report = try verifyAfter { txn, events, _ in try txn.delete(key(10), in: events) }
        #expect(report.problem?.sequence == 10)
        #expect(report.problem?.reason.contains("head records 10 events") == true)
    }

    @Test func twoSwappedEventsAreNamedAtTheFirst() throws {
        let report = try verifyAfter { txn, events, _ in
            let fourth = try #require(try txn.value(for: key(4), in: events))
            let fifth = try #require(try txn.value(for: key(5), in: events))
            try txn.put(fifth, for: key(4), in: events)
            try txn.put(fourth, for: key(5), in: events)
        }
        #expect(report.problem?.sequence == 4)
    }

    @Test func aRewrittenHeadIsDetected() throws {
        let report = try verifyAfter { txn, _, meta in
            try txn.put(key(9) + [UInt8](repeating: 0xAB, count: 32), for: Array("head".utf8), in: meta)
        }
        #expect(report.problem?.sequence == 10)
        #expect(report.problem?.reason.contains("recorded head") == true)
    }

    @Test func aDamagedRecordIsReportedNotCrashedOn() throws {
        let report = try verifyAfter { txn, events, _ in try txn.put([1, 2, 3], for: key(2), in: events) }
        #expect(report.problem?.sequence == 2)
        #expect(report.problem?.reason.contains("cannot be read") == true)
    }

    /// Rewrites event `sequence` with `change` applied, re-links every later event and recomputes
    /// the Merkle tree, as someone with write access to the files could: the hash chain and the tree
    /// are consistent again afterwards, and only the signatures can tell.
    private func rewriteChain(
        _ directory: TemporaryDirectory, from sequence: UInt64, _ change: (RecordedEvent) -> RecordedEvent
    ) throws {
        do {
            let environment = try Environment(path: directory.ledgerPath)
            let events = try environment.database(named: Ledger.Layout.events, create: false)
            let meta = try environment.database(named: Ledger.Layout.meta, create: false)
            try environment.write { txn in
                var previous = try EventRecord.decode(
                    try #require(try txn.value(for: key(sequence - 1), in: events)), sequence: sequence - 1
                ).hash
                var current = sequence
                while let bytes = try txn.value(for: key(current), in: events) {
                    var event = try EventRecord.decode(bytes, sequence: current)
                    if current == sequence { event = change(event) }
                    event = event.relinked(after: previous)
                    try txn.put(EventRecord.encode(event), for: key(current), in: events)
                    previous = event.hash
                    current += 1
                }
                try txn.put(key(current - 1) + previous.bytes, for: Array("head".utf8), in: meta)
            }
        }
        let ledger = try Ledger.open(at: directory.ledgerPath, options: permitAll)
        try ledger.environment.write { try ledger.rewriteMerkleTiles(in: $0) }
    }

    @Test func aForgedSignatureIsNamedEvenWhenTheChainWasRecomputed() throws {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(9) }
        try rewriteChain(directory, from: 6) { event in
            var signature = event.signature
            signature[10] ^= 0xFF
            return event.with(signature: signature)
        }
        let problem = try Ledger.open(at: directory.ledgerPath, options: permitAll).verify().problem
        #expect(problem?.sequence == 6)
        #expect(problem?.reason.contains("does not verify") == true)
    }

    @Test func aChangedPayloadWithARecomputedChainFailsItsSignature() throws {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(9) }
        try rewriteChain(directory, from: 4) { event in
            event.with(
                payload: CanonicalJSON.encode(.object(["criterion": .string("1.1"), "points": .string("9.99")])))
        }
        let problem = try Ledger.open(at: directory.ledgerPath, options: permitAll).verify().problem
        #expect(problem?.sequence == 4)
        #expect(problem?.reason.contains("signature of command 'c3' does not verify") == true)
    }

    /// Rewrites the commands of `sequences` with a flipped signature byte, re-links the chain and
    /// recomputes the Merkle tree; then verifies with signatures checked in batches of `batchSize`.
    private func verifyWithForgedSignatures(at sequences: [UInt64], commands: Int = 20, batchSize: Int) throws
        -> VerificationReport
    {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(commands) }
        for sequence in sequences {
            try rewriteChain(directory, from: sequence) { event in
                var signature = event.signature
                signature[10] ^= 0xFF
                return event.with(signature: signature)
            }
        }
        return try Ledger.open(at: directory.ledgerPath, options: permitAll).verify(
            progress: nil, batchSize: batchSize)
    }

    @Test func ofTwoForgedSignaturesInDifferentBatchesTheFirstIsNamed() throws {
        for batchSize in [1, 2, 3, 4_096] {
            let report = try verifyWithForgedSignatures(at: [16, 5], batchSize: batchSize)
            #expect(report.problem?.sequence == 5, "batches of \(batchSize)")
            #expect(report.problem?.kind == .signature)
            #expect(
                report.problem?.reason.hasPrefix("command 'c4': the signature of command 'c4' does not verify") == true)
            #expect(report.eventCount == 5, "the events before the bad one and the bad one itself were read")
        }
    }

    @Test func ofTwoForgedSignaturesInTheSameBatchTheFirstIsNamed() throws {
        for batchSize in [8, 64, 4_096] {
            let report = try verifyWithForgedSignatures(at: [7, 6], batchSize: batchSize)
            #expect(report.problem?.sequence == 6, "batches of \(batchSize)")
            #expect(
                report.problem?.reason.hasPrefix("command 'c5': the signature of command 'c5' does not verify") == true)
            #expect(report.eventCount == 6)
        }
    }

    @Test func aForgedSignatureIsNamedBeforeALaterMissingEvent() throws {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(19) }
        try rewriteChain(directory, from: 4) { event in
            var signature = event.signature
            signature[0] ^= 0x01
            return event.with(signature: signature)
        }
        do {
            let environment = try Environment(path: directory.ledgerPath)
            let events = try environment.database(named: Ledger.Layout.events, create: false)
            #expect(try environment.write { try $0.delete(key(15), in: events) })
        }
        for batchSize in [1, 4, 4_096] {
            let report = try Ledger.open(at: directory.ledgerPath, options: permitAll).verify(
                progress: nil, batchSize: batchSize)
            #expect(report.problem?.sequence == 4, "batches of \(batchSize)")
            #expect(report.problem?.reason.contains("does not verify") == true)
            #expect(report.eventCount == 4)
        }
    }

    @Test func anEventSignedByAnotherKeyIsNamed() throws {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(5) }
        let intruder = SigningKey()
        try rewriteChain(directory, from: 3) { event in
            let message = Command.signingBytes(
                id: event.commandID, actor: event.actor, correlationID: event.correlationID, ledgerID: "",
                signedAt: event.signedAt, basis: event.basis,
                events: [(event.stream, event.type, event.schemaVersion, event.payload)]
            )
            return event.with(signature: intruder.signature(for: message), keyID: intruder.publicKey.id)
        }
        let problem = try Ledger.open(at: directory.ledgerPath, options: permitAll).verify().problem
        #expect(problem?.sequence == 3)
        #expect(problem?.reason.contains("is not a key of 'so-noi-vu'") == true)
    }
}

extension RecordedEvent {
    func with(payload: [UInt8]? = nil, signature: [UInt8]? = nil, keyID: String? = nil) -> RecordedEvent {
        RecordedEvent(
            sequence: sequence, stream: stream, streamVersion: streamVersion, type: type, schemaVersion: schemaVersion,
            payload: payload ?? self.payload, actor: actor, recordedAt: recordedAt, commandID: commandID,
            causationID: causationID, correlationID: correlationID, keyID: keyID ?? self.keyID,
            signature: signature ?? self.signature, previousHash: previousHash, hash: hash, signedAt: signedAt,
            basis: basis
        )
    }

    func relinked(after previous: EventHash) -> RecordedEvent {
        let unsealed = RecordedEvent(
            sequence: sequence, stream: stream, streamVersion: streamVersion, type: type, schemaVersion: schemaVersion,
            payload: payload, actor: actor, recordedAt: recordedAt, commandID: commandID, causationID: causationID,
            correlationID: correlationID, keyID: keyID, signature: signature, previousHash: previous, hash: .genesis,
            signedAt: signedAt, basis: basis
        )
        return RecordedEvent(
            sequence: sequence, stream: stream, streamVersion: streamVersion, type: type, schemaVersion: schemaVersion,
            payload: payload, actor: actor, recordedAt: recordedAt, commandID: commandID, causationID: causationID,
            correlationID: correlationID, keyID: keyID, signature: signature, previousHash: previous,
            hash: EventHash.of(unsealed.canonicalEnvelope()), signedAt: signedAt, basis: basis
        )
    }
}

@Suite struct ActorTamperTests {
    @Test func anActorRecordRewrittenBeneathTheLedgerIsDetected() throws {
        let directory = try TemporaryDirectory()
        do { try Fixture(in: directory).appendScores(3) }
        do {
            let environment = try Environment(path: directory.ledgerPath)
            let actors = try environment.database(named: Ledger.Layout.actors, create: false)
            try environment.write { txn in
                var record = try ActorRecord(
                    stored: try #require(try txn.value(for: Array(Fixture.actor.utf8), in: actors)))
                record.currentKey = SigningKey().publicKey
                try txn.put(record.stored, for: Array(Fixture.actor.utf8), in: actors)
            }
        }
        let problem = try Ledger.open(at: directory.ledgerPath, options: permitAll).verify().problem
        #expect(problem?.sequence == 1)
        #expect(problem?.reason == "the stored record of actor 'so-noi-vu' does not match its events")
    }
}
