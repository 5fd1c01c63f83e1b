import ArgumentParser
import Foundation
import Ledger
import PARIndex

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Export a certified history that anyone can verify offline (see FORMAT.md).",
        discussion: """
            Writes the events, frameworks, actors, evidence manifest (documents too with
            --with-evidence), published results, the log's verifier key and a manifest of every file
            into OUT (which must not exist), and a checkpoint signed with the ledger's log key that
            binds the manifest. The bundle is written beside OUT and moved into place only when
            complete. Verify it against the province's trust policy ('parledger trust-policy').

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
            let summary = try CertifiedBundle.export(scoring, to: out, withEvidence: withEvidence, progress: progress.update)
            progress.finish()
            print("Exported \(summary.events) events in \(summary.files) files to \(out)")
            print("Checkpoint root \(summary.rootHash), log key fingerprint \(TrustPolicy.fingerprint(of: try scoring.ledger.logKey().publicKey))")
        }
    }
}

struct VerifyBundleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-bundle",
        abstract: "Verify an exported bundle without the ledger, against a trust policy; name the first bad item.",
        discussion: """
            Checks every file of the bundle against the manifest and the manifest against the
            checkpoint signed by the log key the trust policy names, then the hash chain, every
            command's signature, basis and signing time, every rule of the cycle replayed event by
            event, the Merkle root, and every framework, evidence, results and actors file. With
            --receipt, also that the receipt's events are still in their place.

            Prints 'FAILED [code] …' with a code of FORMAT.md (Verdicts). Exit codes: 0 verified
            against the trust policy; 1 a check failed; 4 every check passed but no --trust was
            given, so the bundle's authenticity is not established; 2 the trust policy or receipt
            cannot be read.

            Example:
              parledger verify-bundle bundle-2020 --trust trust-policy.txt
            """
    )
    @Argument(help: "The bundle directory.") var bundle: String
    @Option(help: ArgumentHelp("The trust policy the province publishes.", valueName: "file")) var trust: String?
    @Option(help: ArgumentHelp("A receipt to check against the bundle (needs --trust).", valueName: "file")) var receipt: String?
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        let policy: TrustPolicy?
        let held: Receipt?
        do {
            policy = try trust.map { path throws(TrustPolicy.Problem) in try TrustPolicy(file: path) }
        } catch {
            print("FAILED [\(BundleVerdict.Code.trustPolicy.rawValue)] \(error.description)")
            throw ExitStatus.refused
        }
        do {
            held = try receipt.map { path throws(Receipt.Problem) in try Receipt(file: path) }
        } catch {
            print("FAILED [\(BundleVerdict.Code.receipt.rawValue)] \(error.description)")
            throw ExitStatus.refused
        }
        if held != nil && policy == nil {
            throw ValidationError("--receipt needs --trust: a receipt is checked against the trusted log key")
        }
        let progress = ProgressReporter("verifying", quiet: quiet)
        let report = BundleVerifier.verify(bundle, policy: policy, receipt: held, progress: progress.update)
        progress.finish()
        for check in report.checks { print("ok  \(check)") }
        if let failure = report.failure {
            print("FAILED [\(failure.code.rawValue)] \(failure.message)")
            throw ExitStatus.verificationFailed
        }
        if let fingerprint = report.untrustedFingerprint {
            print("UNTRUSTED: authenticity not established (no trust policy given); the log key in this bundle has fingerprint \(fingerprint); compare it with the one the province publishes")
            throw ExitStatus.untrusted
        }
        print("OK: the bundle verifies")
    }
}
