import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import Transparency

/// `parledger log-key`: the log's own checkpoint key, its history and its rotation.
struct LogKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log-key",
        abstract: "Show the log key's history, or hand the log over to a new key.",
        subcommands: [Show.self, Rotate.self],
        defaultSubcommand: Show.self
    )

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "List the log's keys and the tree sizes each signs (the default).")

        @OptionGroup var location: LedgerLocation

        func run() throws {
            try reportingFailures {
                let ledger = try location.openForReading().ledger
                let history = LogKeyHistory(
                    first: try ledger.firstLogVerifierKey(), handovers: try ledger.logKeyHandovers())
                for span in history.spans {
                    let sizes =
                        span.through.map { "tree sizes \(span.from) to \($0)" }
                        ?? "tree sizes \(span.from) on (current)"
                    print("\(TrustPolicy.fingerprint(of: span.key.publicKey))  \(sizes)  \(span.key)")
                }
            }
        }
    }

    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Hand the log over from its current key to a new one, at the ledger's current size.",
            discussion: """
                First sends a checkpoint signed by the current key to the ledger's witnesses, so that
                they hold the log up to now. Then, while appends wait, the current key signs a
                handover (FORMAT.md, Log key rotation) naming the new key, the tree size N and its
                root; the handover is kept in log-keys/ beside the ledger and the new key replaces
                log.key (the old private key is gone). Checkpoints of size up to N stay valid under
                the old key; from N on, only the new key signs. Then publish the new trust policy
                ('parledger trust-policy') and give each witness operator the printed log-handover
                line for their witness policy (README, Log key rotation).

                Examples:
                  parledger log-key rotate --ledger /var/lib/parledger/ledger
                  parledger log-key rotate --ledger /var/lib/parledger/ledger --new-key new-log.key
                """
        )

        @OptionGroup var location: LedgerLocation

        @Option(
            help: ArgumentHelp(
                "The new private key ('parledger keygen --out FILE'; default: a new key made here).", valueName: "file")
        )
        var newKey: String?

        func run() throws {
            try reportingFailures {
                let key: SigningKey
                do { key = try newKey.map { path in try KeyFile.read(path) } ?? SigningKey() } catch {
                    throw InputError(
                        "\(error)",
                        hint: "give the new log key as a private key file made by 'parledger keygen --out FILE'")
                }
                let ledger = try location.openScoring().ledger
                let (before, outcomes) = try WitnessClient.cosign(try ledger.signedCheckpoint().note, of: ledger)
                if !outcomes.isEmpty {
                    let size = try Checkpoint(parsing: try SignedNote.split(before).text).size
                    let cosigned = outcomes.filter { $0.cosignature != nil }.count
                    print(
                        "The witnesses hold the old key's checkpoint of size \(size): \(cosigned) of \(outcomes.count) cosigned"
                    )
                    reportMissingCosignatures(outcomes, on: "the old key's last checkpoint")
                }
                let old = try ledger.logVerifierKey()
                let handover = try ledger.rotateLogKey(to: key)
                print("Handed the log \(handover.origin) over at tree size \(handover.size)")
                print(
                    "Old key: \(TrustPolicy.fingerprint(of: old.publicKey)) (signs tree sizes up to \(handover.size))")
                print(
                    "New key: \(TrustPolicy.fingerprint(of: handover.newKey.publicKey)) (signs tree sizes \(handover.size) on)"
                )
                print("Handover kept in \(Ledger.logKeysFolderName)/handover-\(handover.size).txt")
                print("Witness operators add this line to their witness policy, after the log's 'log' line:")
                print("log-handover \(Data(handover.note.utf8).base64EncodedString())")
                print("Publish the new trust policy: parledger trust-policy --out trust-policy.txt")
            }
        }
    }
}
