import Foundation
import LMDB
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

/// A ledger outlives the version that made it: an older storage revision is read as it is and
/// migrated when opened for writing; a newer one, or a newer format marker, is refused untouched.
@Suite struct StorageRevisionTests {
    private func put(_ value: [UInt8], for key: [UInt8], in path: String) throws {
        let ledger = try Ledger.open(at: path, options: permitAll)
        try ledger.environment.write { try $0.put(value, for: key, in: ledger.meta) }
    }

    private func recordedRevision(_ path: String) throws -> [UInt8]? {
        let ledger = try Ledger.open(at: path, options: readOnly)
        return try ledger.environment.read { try $0.value(for: Ledger.revisionKey, in: ledger.meta) }
    }

    private var readOnly: LedgerOptions {
        var options = permitAll
        options.storage.readOnly = true
        return options
    }

    @Test func aNewLedgerRecordsTheCurrentRevision() throws {
        let directory = try TemporaryDirectory()
        _ = try Fixture(in: directory)
        #expect(try recordedRevision(directory.ledgerPath) == bigEndianBytes(StorageRevision.current))
        #expect(
            try Ledger.open(at: directory.ledgerPath, options: readOnly).storageRevision() == StorageRevision.current)
    }

    @Test func aLedgerOfANewerRevisionIsRefusedReadOnlyOrNotAndLeftAsItIs() throws {
        let directory = try TemporaryDirectory()
        try Fixture(in: directory).appendScores(3)
        try put(bigEndianBytes(StorageRevision.current + 1), for: Ledger.revisionKey, in: directory.ledgerPath)
        let before = try Data(contentsOf: URL(fileURLWithPath: directory.ledgerPath + "/data.mdb"))
        for options in [readOnly, permitAll] {
            #expect {
                try Ledger.open(at: directory.ledgerPath, options: options)
            } throws: { error in
                guard case LedgerError.unreadableFormat(_, let found, let readable, let rebuilds) = error else {
                    return false
                }
                return found == "storage revision \(StorageRevision.current + 1)"
                    && readable == "storage revisions 1 to \(StorageRevision.current)" && !rebuilds
                    && (error as? LedgerError)?.kind == .io
            }
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: directory.ledgerPath + "/data.mdb")) == before)
    }

    @Test func aNewerFormatMarkerIsNamedAndAForeignOneIsNotALedger() throws {
        let directory = try TemporaryDirectory()
        _ = try Fixture(in: directory)
        try put(Array("parledger-ledger/2".utf8), for: Ledger.Layout.formatKey, in: directory.ledgerPath)
        #expect {
            try Ledger.open(at: directory.ledgerPath, options: permitAll)
        } throws: { error in
            guard case LedgerError.unreadableFormat(_, let found, let readable, false) = error else { return false }
            return found == "ledger format parledger-ledger/2" && readable == "parledger-ledger/1"
        }
        let environment = try Environment(path: directory.ledgerPath, options: permitAll.storage)
        let meta = try environment.database(named: Ledger.Layout.meta, create: false)
        try environment.write { try $0.put(Array("something-else/1".utf8), for: Ledger.Layout.formatKey, in: meta) }
        #expect {
            try Ledger.open(at: directory.ledgerPath, options: permitAll)
        } throws: { error in
            if case LedgerError.notALedger = error { return true }
            return false
        }
    }

    @Test func aRevisionOneLedgerIsReadAsItIsAndRecordsTheCurrentRevisionOnceOpenedForWriting() throws {
        let directory = try TemporaryDirectory()
        try FileManager.default.createDirectory(atPath: directory.ledgerPath, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: Repository.file("Tests/Fixtures/ledger-format-1") + "/data.mdb",
            toPath: directory.ledgerPath + "/data.mdb")
        #expect(try Ledger.open(at: directory.ledgerPath, options: readOnly).storageRevision() == 1)
        #expect(try recordedRevision(directory.ledgerPath) == nil, "a read-only open wrote the revision")
        let ledger = try Ledger.open(at: directory.ledgerPath, options: permitAll)
        #expect(try ledger.storageRevision() == StorageRevision.current)
        #expect(try recordedRevision(directory.ledgerPath) == bigEndianBytes(StorageRevision.current))
        #expect(try ledger.verify().isIntact)
    }
}
