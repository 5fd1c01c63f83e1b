import LMDB
import Ledger
import Testing

/// Changes made beneath the ledger, through raw LMDB, must be caught by `verify`.
@Suite struct TamperTests {
    private func key(_ sequence: UInt64) -> [UInt8] {
        withUnsafeBytes(of: sequence.bigEndian) { Array($0) }
    }

    /// Builds a 10-event ledger, closes it, runs `tamper` on the raw environment, and verifies.
    private func verifyAfter(_ tamper: (WriteTransaction, Database, Database) throws -> Void) throws -> VerificationReport {
        let directory = try TemporaryDirectory()
        do { _ = try ledgerWith(10, in: directory) }
        do {
            let environment = try Environment(path: directory.ledgerPath)
            let events = try environment.database(named: Ledger.Layout.events, create: false)
            let meta = try environment.database(named: Ledger.Layout.meta, create: false)
            try environment.write { try tamper($0, events, meta) }
        }
        return try Ledger.open(at: directory.ledgerPath).verify()
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
        do { _ = try ledgerWith(4, in: directory) }
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
            let problem = try Ledger.open(at: directory.ledgerPath).verify().problem
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
}
