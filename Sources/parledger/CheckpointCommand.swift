import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Transparency

struct CheckpointCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Signed checkpoints of the event log (C2SP tlog-checkpoint in a C2SP signed note).",
        subcommands: [Create.self, Verify.self, VerifierKey.self],
        defaultSubcommand: Create.self
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a checkpoint of the whole ledger with the log key.",
            discussion: """
                The body: origin (parledger/<ledger id>), tree size, base64 RFC 9162 root hash, then one
                line 'parledger-results <cycle> <sha256>' per published cycle (the hash its publication
                attested). The signature line uses the origin as the key name; the key is the ledger's
                own log key (log.key beside the ledger), which the trust policy names. The witnesses
                configured for the ledger ('parledger witnesses') add their cosignature lines.

                Example:
                  parledger checkpoint --out checkpoint.txt
                """
        )
        @OptionGroup var location: LedgerLocation
        @Option(help: ArgumentHelp("Write the checkpoint here (default: standard output).", valueName: "file")) var out:
            String?

        func run() throws {
            try reportingFailures {
                let scoring = try location.openForReading()
                let (checkpoint, signed) = try scoring.signedCheckpoint()
                let (note, outcomes) = try WitnessClient.cosign(signed, of: scoring.ledger)
                reportMissingCosignatures(outcomes, on: "the checkpoint")
                if let out {
                    try note.write(toFile: out, atomically: true, encoding: .utf8)
                    print("Wrote a checkpoint of \(checkpoint.size) events to \(out)")
                    print("Verifier key: \(try scoring.ledger.logVerifierKey())")
                } else {
                    print(note, terminator: "")
                }
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify any C2SP signed note with an Ed25519 verifier key; show the checkpoint it holds.",
            discussion: """
                With --ledger (or $PARLEDGER_DIR set), also checks that the ledger's tree of that size has
                the checkpoint's root.

                Example:
                  parledger checkpoint verify checkpoint.txt --key "parledger/…+1a2b3c4d+AaBb…"
                """
        )
        @Argument(help: "The signed note.") var file: String
        @Option(name: .customLong("key"), help: "The verifier key (name+hash+base64).") var verifierKey: String
        @Option(name: .customLong("ledger"), help: ArgumentHelp("Also compare with this ledger.", valueName: "dir"))
        var ledgerDirectory: String?

        func run() throws {
            try reportingFailures {
                let key = try NoteVerifierKey(parsing: verifierKey)
                let text = try SignedNote.open(try readText(file), verifier: key)
                guard let checkpoint = try? Checkpoint(parsing: text) else {
                    print("OK: a valid signature by \(key.name); the note is not a checkpoint:")
                    print(text, terminator: "")
                    return
                }
                print("OK: checkpoint signed by \(key.name)")
                print(
                    "origin \(checkpoint.origin), tree size \(checkpoint.size), root \(hexString(checkpoint.rootHash))")
                for line in checkpoint.extensions { print(line) }
                if let ledgerDirectory {
                    let ledger = try ScoringLedger.open(at: ledgerDirectory).ledger
                    let (_, root) = try ledger.treeRoot(size: checkpoint.size)
                    guard root == checkpoint.rootHash, checkpoint.origin == Checkpoint.origin(ledgerID: ledger.id)
                    else {
                        print("MISMATCH: the ledger's tree of \(checkpoint.size) events has root \(hexString(root))")
                        throw ExitStatus.verificationFailed
                    }
                    print("The ledger's tree of \(checkpoint.size) events has this root.")
                }
            }
        }
    }

    struct VerifierKey: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verifier-key",
            abstract: "Print the note verifier key of the ledger's log key, which signs its checkpoints.",
            discussion: "Example:\n  parledger checkpoint verifier-key --ledger dien-bien"
        )
        @OptionGroup var location: LedgerLocation

        func run() throws {
            try reportingFailures {
                print(try location.openForReading().ledger.logVerifierKey())
            }
        }
    }
}
