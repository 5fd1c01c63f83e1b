import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex
import Transparency

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a certified history that anyone can verify offline (see FORMAT.md).",
        discussion: """
            Writes the events, frameworks, actors, evidence manifest (documents too with
            --with-evidence), published results, the log's verifier key and a manifest of every file
            into OUT (which must not exist), and a checkpoint signed with the ledger's log key that
            binds the manifest. The bundle is written beside OUT and moved into place only when
            complete. The witnesses configured for the ledger ('parledger witnesses') cosign its
            checkpoint. Verify it against the province's trust policy ('parledger trust-policy').

            Example:
              parledger export bundle-2020 --with-evidence
            """
    )
    @OptionGroup var location: LedgerLocation
    @Argument(help: "The bundle directory to create.") var out: String
    @Flag(help: "Include the evidence documents themselves.") var withEvidence = false
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        try reportingFailures {
            let scoring = try location.openForReading()
            let progress = ProgressReporter("exporting", quiet: quiet)
            let summary = try CertifiedBundle.export(
                scoring, to: out, withEvidence: withEvidence, progress: progress.update)
            progress.finish()
            print("Exported \(summary.events) events in \(summary.files) files to \(out)")
            let checkpointPath = out + "/checkpoint.txt"
            let signed = try String(contentsOfFile: checkpointPath, encoding: .utf8)
            let (note, outcomes) = try WitnessClient.cosign(signed, of: scoring.ledger)
            if note != signed { try note.write(toFile: checkpointPath, atomically: true, encoding: .utf8) }
            print(
                "Checkpoint root \(summary.rootHash), log key fingerprint \(TrustPolicy.fingerprint(of: try scoring.ledger.logKey().publicKey))"
            )
            try reportCosignatures(outcomes)
        }
    }
}
