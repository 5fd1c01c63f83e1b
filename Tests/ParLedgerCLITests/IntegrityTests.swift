import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex
import TestSupport
import Testing

@testable import parledger

/// How many times the rebuild is killed: a few in CI, at least 20 with PARLEDGER_LONG_TESTS set.
private let killRounds = ProcessInfo.processInfo.environment["PARLEDGER_LONG_TESTS"].map { _ in 24 } ?? 4

/// Rebuilds killed beside writers, lock files deleted under writers, read-only media, full disks,
/// refused commands: the ledger and its projections stay whole and nothing is left behind.
@Suite(.serialized) struct IntegrityTests {
    @Test func killingARebuildWhileTwoProcessesWriteLeavesWholeProjectionsThatStillJudgeCommands() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let temporary = directory.path + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: false)
        let bulk = try CLI.run(
            [
                "--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "80",
                "--events-per-command", "250", "--prefix", "bulk",
            ], program: "ledger-workload")
        try #require(bulk.status == 0, "filling the ledger: \(bulk.error)")
        let running = directory.path + "/writers-running"
        #expect(FileManager.default.createFile(atPath: running, contents: nil))
        let writers = try (1...2).map { writer in
            let script = """
                i=0
                while [ -e "$RUNNING" ]; do
                  i=$((i+1)); echo "Tài liệu $W-$i" > "$DOCS/doc-$W-$i.txt"
                  "$PARLEDGER" evidence add "$DOCS/doc-$W-$i.txt" --ledger "$LEDGER" --key "$KEY" >/dev/null 2>&1
                done
                """
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script]
            process.environment = [
                "RUNNING": running, "W": "\(writer)", "DOCS": directory.path,
                "PARLEDGER": CLI.executable("parledger").path,
                "LEDGER": directory.ledgerPath, "KEY": directory.secretariatKey, "TMPDIR": temporary,
                "PATH": "/usr/bin:/bin",
            ]
            try process.run()
            return process
        }
        var generator = SystemRandomNumberGenerator()
        var killedWhileRunning = 0
        for _ in 1...killRounds {
            let rebuild = try CLI.start(
                ["rebuild", "--quiet", "--ledger", directory.ledgerPath], program: "parledger",
                outputFile: directory.path + "/rebuild.out", environment: ["TMPDIR": temporary])
            usleep(UInt32.random(in: 0...250_000, using: &generator))
            kill(rebuild.processIdentifier, SIGKILL)
            rebuild.waitUntilExit()
            if rebuild.terminationReason == .uncaughtSignal { killedWhileRunning += 1 }
        }
        #expect(killedWhileRunning > 0, "every rebuild had finished before its kill")
        try FileManager.default.removeItem(atPath: running)
        for writer in writers { writer.waitUntilExit() }

        let verified = try CLI.run(["verify", "--ledger", directory.ledgerPath])
        #expect(verified.status == 0, "\(verified.output)")
        let evidence = try CLI.run(["evidence", "list", "--ledger", directory.ledgerPath])
        #expect(evidence.status == 0 && !evidence.output.isEmpty, "no writer got a command through: \(evidence.error)")
        let rebuilt = try CLI.run(
            ["rebuild", "--quiet", "--ledger", directory.ledgerPath], environment: ["TMPDIR": temporary])
        #expect(rebuilt.status == 0, "\(rebuilt.error)")
        #expect(
            rebuilt.output.contains("(identical)"), "the projections differ from a clean rebuild: \(rebuilt.output)")

        let framework = Repository.file("schemas/frameworks/dien-bien-2019-districts.json")
        let again = try CLI.run([
            "framework", "register", framework, "--ledger", directory.ledgerPath, "--key", directory.secretariatKey,
        ])
        #expect(again.status == 2 && again.error.contains("already registered"), "\(again.error)")
        let reopened = try CLI.run([
            "cycle", "open", "--file", directory.path + "/cycle.json", "--ledger", directory.ledgerPath,
            "--key", directory.secretariatKey,
        ])
        #expect(reopened.status == 2 && reopened.error.contains("already open"), "\(reopened.error)")

        #expect(
            try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("parledger-replay-") }
                .isEmpty)
        let scoring = try ScoringLedger.open(at: directory.ledgerPath)
        let store = scoring.ledger.projections
        let generation = try store.read { try scoring.generations.generation(in: $0) }
        for name in ProjectionGenerations.databaseNames(current: generation).aside {
            let database = try store.database(named: name, create: false)
            #expect(try store.read { try $0.count(of: database) } == 0, "\(name) is left over")
        }
    }

    @Test func aLockFileDeletedBetweenTwoWritersLosesNoCommit() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let first = try CLI.start(
            [
                "--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "150", "--prefix",
                "first",
            ],
            program: "ledger-workload", outputFile: directory.path + "/first.out")
        let deadline = Date().addingTimeInterval(20)
        while try CLI.committedSequences(in: directory.path + "/first.out").count < 10 && Date() < deadline {
            usleep(5_000)
        }
        try FileManager.default.removeItem(atPath: directory.ledgerPath + "/lock.mdb")
        let second = try CLI.start(
            [
                "--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "150", "--prefix",
                "second",
            ],
            program: "ledger-workload", outputFile: directory.path + "/second.out")
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(second.terminationStatus == 0)
        let reported =
            try CLI.committedSequences(in: directory.path + "/first.out")
            + CLI.committedSequences(in: directory.path + "/second.out")
        #expect(Set(reported).count == reported.count, "two writers reported the same event")
        let ledger = try directory.openLedger()
        let report = try ledger.verify()
        #expect(report.isIntact)
        #expect(report.eventCount == UInt64(1 + reported.count), "a reported commit is missing")
        #expect(
            first.terminationStatus == 0 || reported.count < 300, "the first writer failed yet reported every commit")
    }

    @Test func aReadOnlyLedgerStillVerifiesListsAndScoresWithAWarning() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let mountPoint = directory.path + "/read-only"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let ledger = mountPoint + "/ledger"
        var mounted: SmallFileSystem?
        if getuid() == 0 {
            mounted = try SmallFileSystem(at: mountPoint, size: "16m")
            try FileManager.default.copyItem(atPath: directory.ledgerPath, toPath: ledger)
            try mounted?.remountReadOnly()
        } else {
            try FileManager.default.copyItem(atPath: directory.ledgerPath, toPath: ledger)
            for name in try FileManager.default.contentsOfDirectory(atPath: ledger) {
                try FileManager.default.setAttributes([.posixPermissions: 0o444], ofItemAtPath: ledger + "/" + name)
            }
            try FileManager.default.setAttributes([.posixPermissions: 0o555], ofItemAtPath: ledger)
        }
        defer {
            mounted?.unmount()
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: ledger)
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: ledger).sorted()
        for arguments in [["verify"], ["log", "--limit", "3"], ["scores", TemporaryDirectory.cycle, "so-tai-chinh"]] {
            let outcome = try CLI.run(arguments + ["--ledger", ledger])
            #expect(outcome.status == 0, "\(arguments[0]): \(outcome.error)")
            #expect(
                outcome.error.hasPrefix("warning: \(ledger) cannot be written"), "\(arguments[0]): \(outcome.error)")
            #expect(outcome.error.split(separator: "\n").count == 1, "\(arguments[0]): \(outcome.error)")
        }
        #expect(try CLI.run(["verify", "--ledger", ledger]).output.hasPrefix("OK: "))
        let write = try CLI.run([
            "framework", "register", Repository.file("schemas/frameworks/dien-bien-2019-districts.json"),
            "--ledger", ledger, "--key", directory.secretariatKey,
        ])
        #expect(write.status == 3, "\(write.error)")
        #expect(write.error.contains(ledger))
        #expect(try FileManager.default.contentsOfDirectory(atPath: ledger).sorted() == before)
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small file system needs root"))
    func anExportOntoAFullDiskExits3NamingThePathAndLeavesNoBundle() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let mountPoint = directory.path + "/small-disk"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let disk = try SmallFileSystem(at: mountPoint, size: "64k")
        defer { disk.unmount() }
        let bundle = mountPoint + "/bundle"
        let outcome = try CLI.run(["export", bundle, "--quiet", "--ledger", directory.ledgerPath])
        #expect(outcome.status == 3, "\(outcome.output) \(outcome.error)")
        #expect(
            outcome.error.hasPrefix("error: writing the bundle \(bundle) failed: No space left on device"),
            "\(outcome.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: mountPoint).isEmpty)
    }

    @Test func aRefusedEvidenceAddLeavesNoFileInTheStore() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let auditorKey = directory.path + "/auditor.key"
        #expect(try CLI.run(["keygen", "--out", auditorKey]).status == 0)
        let enrolled = try CLI.run([
            "actor", "add", "kiem-toan", "--name", "Kiểm toán viên", "--role", "auditor", "--public-key",
            auditorKey + ".pub",
            "--key", directory.secretariatKey, "--ledger", directory.ledgerPath,
        ])
        try #require(enrolled.status == 0, "\(enrolled.error)")
        let document = directory.path + "/bao-cao.txt"
        try Data("Báo cáo quý 4".utf8).write(to: URL(fileURLWithPath: document))
        let refused = try CLI.run([
            "evidence", "add", document, "--unit", "so-tai-chinh", "--key", auditorKey, "--ledger",
            directory.ledgerPath,
        ])
        #expect(refused.status == 2, "\(refused.error)")
        let store = directory.ledgerPath + "/evidence"
        let left = FileManager.default.enumerator(atPath: store)?.compactMap { $0 as? String }.filter { name in
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: store + "/" + name, isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }
        #expect(left ?? [] == [])
        let added = try CLI.run([
            "evidence", "add", document, "--key", directory.secretariatKey, "--ledger", directory.ledgerPath,
        ])
        #expect(added.status == 0, "\(added.error)")
        #expect(
            try CLI.run(["evidence", "check", "--ledger", directory.ledgerPath]).output.hasPrefix("OK: 1 documents"))
    }

    @Test func aViewOfThePastWritesNothingToTheTemporaryDirectoryNorToTheLedger() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let temporary = directory.path + "/tmp"
        try FileManager.default.createDirectory(atPath: temporary, withIntermediateDirectories: true)
        let data = directory.ledgerPath + "/data.mdb"
        let before = try Data(contentsOf: URL(fileURLWithPath: data))
        for view in [
            ["scores", TemporaryDirectory.cycle, "so-y-te", "--at", "3"],
            ["trace", "so-y-te", "--cycle", TemporaryDirectory.cycle],
        ] {
            let outcome = try CLI.run(view + ["--ledger", directory.ledgerPath], environment: ["TMPDIR": temporary])
            #expect(outcome.status == 0 || outcome.status == 2, "\(outcome.error)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: data)) == before, "a view changed the ledger's file")
    }

    @Test func aScratchDirectoryOfADeadProcessIsRemovedByTheNextBundleVerification() throws {
        let directory = try TemporaryDirectory()
        try directory.initCycle()
        let bundle = directory.path + "/bundle"
        #expect(try CLI.run(["export", bundle, "--quiet", "--ledger", directory.ledgerPath]).status == 0)
        let temporary = directory.path + "/tmp"
        let dead = Process()
        dead.executableURL = URL(fileURLWithPath: "/bin/true")
        try dead.run()
        dead.waitUntilExit()
        let abandoned = temporary + "/parledger-replay-\(dead.processIdentifier)-left-by-a-kill"
        try FileManager.default.createDirectory(atPath: abandoned, withIntermediateDirectories: true)
        let outcome = try CLI.run(["verify-bundle", bundle, "--quiet"], environment: ["TMPDIR": temporary])
        // 4: every check passed, but without a trust policy nothing vouches for the log key.
        #expect(outcome.status == 4, "\(outcome.output)\(outcome.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: temporary).isEmpty)
    }

    @Test func anUnexpectedErrorExits70AsABugNotAsAFailedVerification() throws {
        struct Unexpected: Error {}
        #expect(throws: ExitStatus.internalError) { try reportingFailures { throw Unexpected() } }
        #expect(throws: ExitStatus.verificationFailed) { try reportingFailures { throw ExitStatus.verificationFailed } }
        #expect(throws: ExitStatus.unavailable) {
            try reportingFailures { throw FileProblem(operation: "writing the bundle", path: "out", code: ENOSPC) }
        }
    }
}

/// A small tmpfs mounted for one test (needs root), unmounted by `unmount()`.
struct SmallFileSystem {
    let mountPoint: String

    init(at mountPoint: String, size: String) throws {
        self.mountPoint = mountPoint
        try #require(
            Self.mount(["-t", "tmpfs", "-o", "size=\(size)", "tmpfs", mountPoint]) == 0, "could not mount a small tmpfs"
        )
    }

    func remountReadOnly() throws {
        try #require(Self.mount(["-o", "remount,ro", mountPoint]) == 0, "could not remount \(mountPoint) read-only")
    }

    func unmount() {
        let unmount = Process()
        unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
        unmount.arguments = [mountPoint]
        try? unmount.run()
        unmount.waitUntilExit()
    }

    private static func mount(_ arguments: [String]) throws -> Int32 {
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = arguments
        try mount.run()
        mount.waitUntilExit()
        return mount.terminationStatus
    }
}
