import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex

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
    @Option(help: ArgumentHelp("A receipt to check against the bundle (needs --trust).", valueName: "file"))
    var receipt: String?
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        if receipt != nil && trust == nil {
            throw ValidationError("--receipt needs --trust: a receipt is checked against the trusted log key")
        }
        let progress = ProgressReporter("verifying", quiet: quiet)
        let judgement = try reportingFailures {
            try BundleVerifier.judge(bundle, trustFile: trust, receiptFile: receipt, progress: progress.update)
        }
        progress.finish()
        for check in judgement.checks { print("ok  \(check)") }
        print(judgement.verdict)
        if judgement.exitCode != 0 { throw ExitCode(judgement.exitCode) }
    }
}
