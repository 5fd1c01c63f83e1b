import Foundation
import LMDB
import Ledger
import LedgerFormat
import TestSupport
import Testing

/// Real processes, real LMDB directories: kills, concurrent writers, tampering, a full disk.
@Suite(.serialized) struct DurabilityTests {
    @Test func killingAWriterAtRandomMomentsLosesNoCommittedEventAndLeavesNoPartialCommand() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        var generator = SystemRandomNumberGenerator()
        var killsAfterCommits = 0
        for round in 1...20 {
            let outputFile = directory.path + "/round-\(round).out"
            let child = try CLI.start(
                [
                    "--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "0",
                    "--events-per-command", "3", "--prefix", "round\(round)",
                ],
                program: "ledger-workload", outputFile: outputFile
            )
            // Kill at a random moment once the writer is committing, however slow its start-up.
            let deadline = Date().addingTimeInterval(20)
            while try CLI.committedSequences(in: outputFile).isEmpty && Date() < deadline && child.isRunning {
                usleep(5_000)
            }
            usleep(UInt32.random(in: 0...250_000, using: &generator))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            #expect(child.terminationReason == .uncaughtSignal)

            let committed = try CLI.committedSequences(in: outputFile)
            if !committed.isEmpty { killsAfterCommits += 1 }
            let verified = try CLI.run(["verify", "--ledger", directory.ledgerPath])
            #expect(verified.status == 0, "round \(round): \(verified.output)")
            let head = try directory.openLedger().head()
            #expect(head.count >= (committed.max() ?? 0), "round \(round): a reported commit is missing")
            #expect((head.count - 1) % 3 == 0, "round \(round): a command was partially recorded")
        }
        #expect(killsAfterCommits == 20, "a kill happened before the writer committed anything")
    }

    @Test func fourProcessesAppendingAtOnceProduceExactlyTheirEventsInOneChain() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        let writers = try (1...4).map { writer in
            try CLI.start(
                [
                    "--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "250",
                    "--prefix", "writer\(writer)",
                    "--initial-map-size", "65536",
                ],
                program: "ledger-workload", outputFile: directory.path + "/writer-\(writer).out"
            )
        }
        var reported: [UInt64] = []
        for (index, writer) in writers.enumerated() {
            writer.waitUntilExit()
            #expect(writer.terminationStatus == 0)
            reported += try CLI.committedSequences(in: directory.path + "/writer-\(index + 1).out")
        }
        #expect(reported.count == 1_000)
        #expect(Set(reported).count == 1_000)
        let ledger = try directory.openLedger()
        let report = try ledger.verify()
        #expect(report.isIntact)
        #expect(report.eventCount == 1_001)
        let commandIDs = Set(try ledger.events(from: 2).map(\.commandID))
        #expect(commandIDs.count == 1_000)
        #expect(Set(reported) == Set(2...1_001))
    }

    @Test func verifyNamesTheTamperedEventAndExitsWith1() throws {
        let directory = try TemporaryDirectory()
        try directory.initLedger()
        #expect(
            try CLI.run(
                ["--ledger", directory.ledgerPath, "--key", directory.secretariatKey, "--commands", "20"],
                program: "ledger-workload"
            ).status == 0)
        do {
            let environment = try Environment(path: directory.ledgerPath)
            let events = try environment.database(named: Ledger.Layout.events, create: false)
            let key = withUnsafeBytes(of: UInt64(12).bigEndian) { Array($0) }
            try environment.write { txn in
                var record = try #require(try txn.value(for: key, in: events))
                record[record.count - 3] ^= 0x20
                try txn.put(record, for: key, in: events)
            }
        }
        let outcome = try CLI.run(["verify", "--ledger", directory.ledgerPath])
        #expect(outcome.status == 1)
        #expect(outcome.output.hasPrefix("FAILED: event 12: its contents do not match its stored hash"))
        #expect(outcome.output.contains("11 events before it are intact."))
    }

    @Test(.enabled(if: getuid() == 0, "mounting a small file system needs root"))
    func aFullDiskRefusesTheWriteClearlyAndKeepsEveryCommittedEvent() throws {
        let directory = try TemporaryDirectory()
        let mountPoint = directory.path + "/small-disk"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: false)
        let mount = Process()
        mount.executableURL = URL(fileURLWithPath: "/bin/mount")
        mount.arguments = ["-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]
        try mount.run()
        mount.waitUntilExit()
        try #require(mount.terminationStatus == 0, "could not mount a small tmpfs")
        defer {
            let unmount = Process()
            unmount.executableURL = URL(fileURLWithPath: "/bin/umount")
            unmount.arguments = [mountPoint]
            try? unmount.run()
            unmount.waitUntilExit()
        }
        let ledger = mountPoint + "/ledger"
        #expect(try CLI.run(["init", "--ledger", ledger, "--key-out", directory.secretariatKey]).status == 0)
        let outputFile = directory.path + "/fill.out"
        let filler = try CLI.start(
            ["--ledger", ledger, "--key", directory.secretariatKey, "--commands", "0", "--events-per-command", "20"],
            program: "ledger-workload", outputFile: outputFile)
        filler.waitUntilExit()
        #expect(filler.terminationStatus != 0)
        let committed = try CLI.committedSequences(in: outputFile)
        #expect(!committed.isEmpty)

        let append = try CLI.run([
            "framework", "register", Repository.file("schemas/frameworks/dien-bien-2019-districts.json"),
            "--ledger", ledger, "--key", directory.secretariatKey,
        ])
        #expect(append.status == 3)
        #expect(append.error.contains("error: appending to the ledger failed"))
        #expect(append.error.contains("hint: the disk is full or failing; nothing was appended"))

        let verified = try CLI.run(["verify", "--ledger", ledger])
        #expect(verified.status == 0)
        #expect(verified.output.hasPrefix("OK: \(committed.max() ?? 0) events"))
    }
}
