import Foundation
import LMDB
import TestSupport
import Testing

private func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

@Suite struct EnvironmentTests {
    @Test func committedWriteIsVisibleToLaterReads() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        try environment.write { try $0.put(bytes("value"), for: bytes("key"), in: database) }
        let read = try environment.read { try $0.value(for: bytes("key"), in: database) }
        #expect(read == bytes("value"))
    }

    @Test func throwingFromAWriteAbortsEverythingItWrote() throws {
        struct Stop: Error {}
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        #expect(throws: Stop.self) {
            try environment.write { txn in
                try txn.put(bytes("1"), for: bytes("a"), in: database)
                throw Stop()
            }
        }
        #expect(try environment.read { try $0.count(of: database) } == 0)
    }

    @Test func dataPersistsAcrossReopening() throws {
        let directory = try TemporaryDirectory()
        do {
            let environment = try Environment(path: directory.path)
            let database = try environment.database(named: "things")
            try environment.write { try $0.put(bytes("kept"), for: bytes("k"), in: database) }
        }
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things", create: false)
        #expect(try environment.read { try $0.value(for: bytes("k"), in: database) } == bytes("kept"))
    }

    @Test func mapGrowsAndTheWriteIsRetriedWhenTheMapIsFull() throws {
        let directory = try TemporaryDirectory()
        var options = EnvironmentOptions()
        options.initialMapSize = 64 << 10
        let environment = try Environment(path: directory.path, options: options)
        let database = try environment.database(named: "things")
        let before = environment.mapSize
        var attempts = 0
        try environment.write { txn in
            attempts += 1
            for index in 0..<2_000 {
                try txn.put(
                    [UInt8](repeating: 7, count: 1_000), for: bytes(String(format: "%06d", index)), in: database)
            }
        }
        #expect(environment.mapSize > before)
        #expect(attempts > 1)
        #expect(try environment.read { try $0.count(of: database) } == 2_000)
    }

    @Test func writeBeyondTheMapLimitFailsWithMapFullAndLeavesNothing() throws {
        let directory = try TemporaryDirectory()
        var options = EnvironmentOptions()
        options.initialMapSize = 64 << 10
        options.maximumMapSize = 256 << 10
        let environment = try Environment(path: directory.path, options: options)
        let database = try environment.database(named: "things")
        #expect(throws: LMDBError.mapFull) {
            try environment.write { txn in
                for index in 0..<2_000 {
                    try txn.put(
                        [UInt8](repeating: 7, count: 1_000), for: bytes(String(format: "%06d", index)), in: database)
                }
            }
        }
        #expect(try environment.read { try $0.count(of: database) } == 0)
    }

    @Test func appendOptionRefusesAKeyOutOfOrder() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        try environment.write { try $0.put(bytes("x"), for: bytes("b"), in: database, options: .append) }
        #expect(throws: LMDBError.keyExists) {
            try environment.write { try $0.put(bytes("y"), for: bytes("a"), in: database, options: .append) }
        }
    }

    @Test func noOverwriteOptionRefusesAnExistingKey() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        try environment.write { try $0.put(bytes("x"), for: bytes("k"), in: database) }
        #expect(throws: LMDBError.keyExists) {
            try environment.write { try $0.put(bytes("y"), for: bytes("k"), in: database, options: .noOverwrite) }
        }
        #expect(try environment.read { try $0.value(for: bytes("k"), in: database) } == bytes("x"))
    }

    @Test func cursorWalksKeysInOrderAndSeeksToTheNextKey() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        try environment.write { txn in
            for key in ["c", "a", "e"] { try txn.put(bytes(key.uppercased()), for: bytes(key), in: database) }
        }
        let walked: [String] = try environment.read { txn in
            try txn.withCursor(on: database) { cursor in
                var keys: [String] = []
                var entry = try cursor.first()
                while let current = entry {
                    keys.append(String(decoding: current.key, as: UTF8.self))
                    entry = try cursor.next()
                }
                return keys
            }
        }
        #expect(walked == ["a", "c", "e"])
        let sought = try environment.read { txn in try txn.withCursor(on: database) { try $0.seek(atLeast: bytes("b")) }
        }
        #expect(sought?.key == bytes("c"))
        #expect(sought?.value == bytes("C"))
        let last = try environment.read { txn in try txn.withCursor(on: database) { try $0.last() } }
        #expect(last?.key == bytes("e"))
    }

    @Test func forEachVisitsEntriesFromAKeyUntilTheBodyStopsOrThePrefixEnds() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        try environment.write { txn in
            for key in ["b1", "a2", "a1", "c1", "b2"] {
                try txn.put(bytes(key.uppercased()), for: bytes(key), in: database)
            }
        }
        func keys(from start: String? = nil, prefix: String? = nil, upTo limit: Int = .max) throws -> [String] {
            try environment.read { txn in
                var keys: [String] = []
                let body: (Entry) -> Bool = { entry in
                    keys.append(String(decoding: entry.key, as: UTF8.self))
                    return keys.count < limit
                }
                if let prefix {
                    try txn.forEach(in: database, withPrefix: bytes(prefix), while: body)
                } else {
                    try txn.forEach(in: database, from: start.map(bytes), while: body)
                }
                return keys
            }
        }
        #expect(try keys() == ["a1", "a2", "b1", "b2", "c1"])
        #expect(try keys(from: "a3") == ["b1", "b2", "c1"])
        #expect(try keys(from: "d") == [])
        #expect(try keys(upTo: 2) == ["a1", "a2"])
        #expect(try keys(prefix: "b") == ["b1", "b2"])
        #expect(try keys(prefix: "bz") == [])
    }

    @Test func deletingRemovesTheKeyAndReportsWhetherItExisted() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        try environment.write { try $0.put(bytes("x"), for: bytes("k"), in: database) }
        #expect(try environment.write { try $0.delete(bytes("k"), in: database) })
        #expect(try environment.write { try $0.delete(bytes("k"), in: database) } == false)
    }

    @Test func openingAMissingDatabaseWithoutCreateFailsWithNotFound() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        #expect(throws: LMDBError.notFound) { try environment.database(named: "absent", create: false) }
    }

    @Test func openingAFileThatIsNotAnLMDBEnvironmentFailsWithInvalid() throws {
        let directory = try TemporaryDirectory()
        try Data(repeating: 0x41, count: 16_384).write(to: URL(fileURLWithPath: directory.path + "/data.mdb"))
        #expect(throws: LMDBError.invalid) { try Environment(path: directory.path) }
    }

    @Test func openingAMissingDirectoryFailsWithNoSuchFile() throws {
        let directory = try TemporaryDirectory()
        #expect(throws: LMDBError.noSuchFile) { try Environment(path: directory.path + "/absent") }
    }

    @Test func errorsCarryLMDBsCodeAndMessage() throws {
        let directory = try TemporaryDirectory()
        do {
            _ = try Environment(path: directory.path + "/absent")
            Issue.record("opening a missing directory succeeded")
        } catch {
            #expect(error.code == ENOENT)
            #expect(error.message.contains("No such file or directory"))
            #expect(error.message.contains(directory.path))
        }
    }
}

@Suite struct NestedWriteTests {
    @Test func aWriteInsideAnotherWriteOnTheSameThreadIsRefusedNotDeadlocked() throws {
        let directory = try TemporaryDirectory()
        let environment = try Environment(path: directory.path)
        let database = try environment.database(named: "things")
        do {
            try environment.write { txn in
                try txn.put([1], for: [1], in: database)
                _ = try environment.database(named: "other")
            }
            Issue.record("a nested write was accepted")
        } catch let error as LMDBError {
            #expect(error.code == EDEADLK)
            #expect(error.message.contains("inside another on the same thread"))
        }
        #expect(try environment.read { try $0.count(of: database) } == 0)
    }
}
