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
        abstract: "Put a backup back in place, or rebuild a ledger from its published log, as a new ledger directory.",
        discussion: """
            From a backup: checks it as 'parledger backup verify' does, then copies it beside the target and renames it into place.

            From the published log (--from-tiles, the province's own tiles or a mirror's, a URL or a folder), when the server and its backups are lost: the checkpoint must carry the trust policy's log signature and its quorum of witness cosignatures, every entry must be the hash of its event line and the tree must have the checkpoint's root; then every event is recorded again as it was (same hashes, sequence numbers, times and signatures) through every check of a new command and every rule of the cycle, the evidence files the events cite are copied from --evidence (their hashes checked; missing ones are listed) and the witness list from --witnesses (else the evidence folder's witnesses.txt). Give the log's private key (--log-key: the province's offline copy, or a backup made with --include-log-key) so that the next checkpoint extends the log and the witnesses cosign it; without it the ledger can be read and verified but cannot publish until the log key is replaced (README, Operations: log key rotation).

            Either way a restore never overwrites a ledger (the target must not exist, or be an empty directory), and one refused or cut short leaves none.

            Examples:
              parledger restore /srv/backup/2026-12-07 --ledger /var/lib/parledger/ledger
              parledger restore --from-tiles https://mirror.example/dien-bien/ --trust trust-policy.txt --evidence /srv/evidence --log-key log.key --ledger /var/lib/parledger/ledger
            """
    )

    @Argument(help: ArgumentHelp("The backup directory (not with --from-tiles).", valueName: "dir"))
    var directory: String?

    @OptionGroup var location: LedgerLocation

    @Option(
        help: ArgumentHelp("Rebuild from this published log: an http(s) URL prefix or a folder.", valueName: "url|dir"))
    var fromTiles: String?

    @Option(help: ArgumentHelp("The province's trust policy (with --from-tiles).", valueName: "file"))
    var trust: String?

    @Option(help: ArgumentHelp("Where the evidence files survive, by SHA-256 (with --from-tiles).", valueName: "dir"))
    var evidence: String?

    @Option(help: ArgumentHelp("The witness list to keep beside the ledger (with --from-tiles).", valueName: "file"))
    var witnesses: String?

    @Option(help: ArgumentHelp("The log's private key (with --from-tiles).", valueName: "file"))
    var logKey: String?

    @Flag(help: "Do not show progress.")
    var quiet = false

    func validate() throws {
        switch (directory, fromTiles) {
        case (nil, nil): throw ValidationError("give a backup directory, or --from-tiles URL|DIR")
        case (.some, .some): throw ValidationError("give a backup directory or --from-tiles, not both")
        case (.some, nil):
            guard trust == nil, evidence == nil, witnesses == nil, logKey == nil else {
                throw ValidationError("--trust, --evidence, --witnesses and --log-key go with --from-tiles")
            }
        case (nil, .some):
            guard trust != nil, evidence != nil else {
                throw ValidationError("--from-tiles needs --trust and --evidence")
            }
        }
    }

    func run() throws {
        try reportingFailures {
            guard let directory else { return try restoreFromTiles() }
            let manifest = try LedgerBackup.restore(directory, to: location.path)
            print("OK: restored \(manifest.eventCount) events, head \(manifest.headHash), into \(location.path)")
            if !manifest.includesLogKey {
                print("Put the log's private key back as \(location.path)/log.key before the server signs checkpoints.")
            }
        }
    }

    private func restoreFromTiles() throws {
        let request = LedgerRecovery.Request(
            source: fromTiles ?? "", policy: try TrustPolicy(file: trust ?? ""), evidence: evidence ?? "",
            witnesses: witnesses, logKey: try logKey.map { try KeyFile.read($0) }, ledgerPath: location.path)
        let progress = ProgressReporter("recording the events again", quiet: quiet)
        let outcome = try LedgerRecovery.restore(request) { done, total in progress.update(done, of: total) }
        progress.finish()
        print(
            "OK: rebuilt \(outcome.eventCount) events from \(request.source), head \(outcome.headHash), into \(location.path); checkpoint cosigned by \(outcome.cosigners.isEmpty ? "no witness (quorum 0)" : outcome.cosigners.joined(separator: ", "))"
        )
        print("Evidence: \(outcome.evidenceCopied) file(s) copied and checked; witnesses: \(outcome.witnesses)")
        if !outcome.missingEvidence.isEmpty {
            print("warning: \(outcome.missingEvidence.count) evidence file(s) the events cite are missing:")
            for missing in outcome.missingEvidence.prefix(20) {
                print("  \(missing.sha256) (\(missing.name)): \(missing.reason)")
            }
            if outcome.missingEvidence.count > 20 {
                print("  … and \(outcome.missingEvidence.count - 20) more")
            }
        }
        if !outcome.hasLogKey {
            print(
                "warning: no log key: this ledger can be read and verified but cannot publish checkpoints that extend the log until the log key is replaced (see README, Operations: log key rotation)."
            )
        }
    }
}
