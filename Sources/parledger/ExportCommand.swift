import ArgumentParser
import Foundation
import Ledger
import PARIndex

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a certified history that anyone can verify offline (see FORMAT.md).",
        discussion: """
            Signs a fresh checkpoint with the secretariat's key and writes the events, frameworks,
            actors, evidence manifest (documents too with --with-evidence), published results,
            checkpoint and verifier key into OUT (which must not exist).

            Example:
              parledger export bundle-2020 --with-evidence --key so-noi-vu.key
            """
    )
    @OptionGroup var location: LedgerLocation
    @OptionGroup var signing: SigningOptions
    @Argument(help: "The bundle directory to create.") var out: String
    @Flag(help: "Include the evidence documents themselves.") var withEvidence = false
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        try reportingFailures {
            let scoring = try location.openScoring()
            let key = try signing.loadKey()
            guard let signer = try scoring.ledger.actor(owning: key.publicKey), signer.status == .active,
                signer.currentKey == key.publicKey, signer.holds(Role.secretariat.rawValue)
            else {
                throw InputError("a bundle's checkpoint is signed with the current key of an active secretariat actor", hint: "use the secretariat's key (--key)")
            }
            let note = try scoring.signedCheckpoint(key: key)
            let verifier = NoteVerifierKey(name: Checkpoint.origin(ledgerID: scoring.ledger.id), publicKey: key.publicKey).description
            let progress = ProgressReporter("exporting", quiet: quiet)
            let summary = try CertifiedBundle.export(scoring, to: out, checkpoint: note, verifierKey: verifier,
                                                     withEvidence: withEvidence, progress: progress.update)
            progress.finish()
            print("Exported \(summary.events) events in \(summary.files) files to \(out)")
            print("Checkpoint root \(summary.rootHash), verifier key \(verifier)")
        }
    }
}

struct VerifyBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-bundle",
        abstract: "Verify an exported bundle without the ledger; name the first bad item.",
        discussion: """
            Checks the hash chain, every command signature, the Merkle root against the signed
            checkpoint, the evidence files, and recomputes every projection from the events to check
            that each publication's results follow from them. Exit code 1 when anything fails.

            Example:
              parledger verify-bundle bundle-2020
            """
    )
    @Argument(help: "The bundle directory.") var bundle: String
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        try reportingFailures {
            let progress = ProgressReporter("verifying", quiet: quiet)
            let report = try CertifiedBundle.verify(bundle, progress: progress.update)
            progress.finish()
            for check in report.checks { print("ok  \(check)") }
            if let problem = report.problem {
                print("FAILED: \(problem)")
                throw ExitStatus.verificationFailed
            }
            print("OK: the bundle verifies")
        }
    }
}
