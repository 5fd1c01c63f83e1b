import Foundation
import LMDB
import TestSupport
import Testing

/// What the environment does when its lock files are deleted or its directory cannot be written.
@Suite struct LockFileTests {
    @Test func aWriteBesideADeletedLockFileIsRefusedAndAFreshOpenWritesOn() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        try environment.write { try $0.put([1], for: [1], in: database) }
        try FileManager.default.removeItem(atPath: directory.path + "/" + Environment.lockFileName)
        let reopened = try Environment(path: directory.path)
        let reopenedDatabase = try reopened.database(named: "things")
        try reopened.write { try $0.put([2], for: [2], in: reopenedDatabase) }
        #expect(throws: LMDBError.lockFileReplaced) {
            try environment.write { try $0.put([3], for: [3], in: database) }
        }
        #expect(try reopened.read { try $0.count(of: reopenedDatabase) } == 2)
    }

    @Test func aReadOnlyOpenReadsWithoutWritingAndRefusesWrites() throws {
        let directory = try TemporaryDirectory()
        do {
            let environment = try Environment(path: directory.path)
            let database = try environment.database(named: "things")
            try environment.write { try $0.put([7], for: [7], in: database) }
        }
        var options = EnvironmentOptions()
        options.readOnly = true
        let environment = try Environment(path: directory.path, options: options)
        let database = try environment.database(named: "things", create: false)
        #expect(try environment.read { try $0.value(for: [7], in: database) } == [7])
        #expect(throws: LMDBError.readOnlyFileSystem) {
            try environment.write { try $0.put([8], for: [8], in: database) }
        }
    }
}
