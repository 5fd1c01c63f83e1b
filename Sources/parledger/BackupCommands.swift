import Application
import ArgumentParser
import Foundation
import LedgerFormat

struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up a ledger while it is in use, or check a backup.",
        discussion: """
            A backup is a directory: the event log copied through LMDB at one moment (compacted) while \
            people go on working, every file beside it (evidence, witnesses.txt, the log's public key) \
            and backup.json, written last, with the head of the copy and each file's SHA-256. A backup \
            cut short has no backup.json and is never taken for a whole one. The log's private key \
            (log.key) is copied only with --include-log-key: keep such a backup as safely as the key.

            Examples:
              parledger backup --ledger /var/lib/parledger/ledger --out /srv/backup/2026-12-07
              parledger backup verify /srv/backup/2026-12-07
              parledger restore /srv/backup/2026-12-07 --ledger /var/lib/parledger/restored
            """,
        subcommands: [Create.self, Verify.self],
        defaultSubcommand: Create.self
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Back the ledger up into a new directory (the default).")

        @OptionGroup var location: LedgerLocation

        @Option(help: ArgumentHelp("The new backup directory (must not exist, or be empty).", valueName: "dir"))
        var out: String

        @Flag(help: "Also copy the log's private key (log.key).")
        var includeLogKey = false

        @Flag(help: "Do not show progress.")
        var quiet = false

        func run() throws {
            try reportingFailures {
                let scoring = try location.openForReading()
                var copied: UInt64 = 0
                let progress = ProgressReporter("copying files", quiet: quiet)
                let manifest = try LedgerBackup.create(of: scoring, into: out, includingLogKey: includeLogKey) { _ in
                    copied += 1
                    progress.update(copied, of: 0)
                }
                progress.finish()
                print(
                    "OK: backed up \(manifest.eventCount) events, head \(manifest.headHash), \(manifest.files.count) files into \(out)"
                )
                if !manifest.missingEvidence.isEmpty {
                    print(
                        "warning: the ledger's own store lacks \(manifest.missingEvidence.count) evidence file(s) its log cites: \(manifest.missingEvidence.prefix(3).joined(separator: ", "))"
                    )
                }
                if !manifest.includesLogKey {
                    print("The log's private key is not in it: keep log.key apart, or back up with --include-log-key.")
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check a backup: its files, its log's hash chain to the head it records, its evidence.")

        @Argument(help: ArgumentHelp("The backup directory.", valueName: "dir"))
        var directory: String

        func run() throws {
            try reportingFailures {
                let manifest = try LedgerBackup.verify(directory)
                print(
                    "OK: the backup of \(manifest.ledgerID) taken at \(manifest.createdAt) holds \(manifest.eventCount) events, head \(manifest.headHash); its \(manifest.files.count) files match"
                )
            }
        }
    }
}

struct RestoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Put a backup back in place as a new ledger directory.",
        discussion: """
            Checks the backup as 'parledger backup verify' does, then copies it beside the target and \
            renames it into place: a restore never overwrites a ledger, and one cut short leaves none.

            Example:
              parledger restore /srv/backup/2026-12-07 --ledger /var/lib/parledger/ledger
            """
    )

    @Argument(help: ArgumentHelp("The backup directory.", valueName: "dir"))
    var directory: String

    @OptionGroup var location: LedgerLocation

    func run() throws {
        try reportingFailures {
            let manifest = try LedgerBackup.restore(directory, to: location.path)
            print("OK: restored \(manifest.eventCount) events, head \(manifest.headHash), into \(location.path)")
            if !manifest.includesLogKey {
                print("Put the log's private key back as \(location.path)/log.key before the server signs checkpoints.")
            }
        }
    }
}
