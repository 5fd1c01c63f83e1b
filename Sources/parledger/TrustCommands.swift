import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex
import Transparency

struct TrustPolicyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trust-policy",
        abstract: "Print the trust policy a province publishes for its ledger.",
        discussion: """
            The policy names the ledger, the hash of its first event, the log key that signs its
            checkpoints, the witnesses that cosign them ('parledger witnesses') and how many of
            them must (FORMAT.md). Publish it, with the fingerprint shown in it, through a channel
            other than the bundles themselves (the province's website, the decision's text);
            verifiers check bundles and receipts against it, never against a key found inside them.

            Example:
              parledger trust-policy --ledger dien-bien --out trust-policy.txt
            """
    )
    @OptionGroup var location: LedgerLocation
    @Option(help: ArgumentHelp("Write the policy here (default: standard output).", valueName: "file")) var out: String?
    @Option(
        help: ArgumentHelp(
            "How many of the configured witnesses ('parledger witnesses') must cosign a checkpoint (default: all).",
            valueName: "n"))
    var quorum: Int?

    func run() throws {
        try reportingFailures {
            let ledger = try location.openForReading().ledger
            let policy: TrustPolicy
            do {
                policy = try WitnessConfiguration.trustPolicy(of: ledger, quorum: quorum)
            } catch let problem as WitnessConfiguration.Problem {
                throw InputError(problem.description, hint: "add witnesses with 'parledger witnesses add'")
            }
            if let out {
                try policy.text.write(toFile: out, atomically: true, encoding: .utf8)
                print(
                    "Wrote the trust policy of ledger \(policy.ledgerID) to \(out); log key fingerprint \(TrustPolicy.fingerprint(of: policy.currentLogKey.publicKey))"
                )
            } else {
                print(policy.text, terminator: "")
            }
        }
    }
}

struct ReceiptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "receipt",
        abstract: "Check the receipt of a command you signed (written by --receipt-out).",
        subcommands: [Verify.self]
    )

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that a command's events are still in the log, unchanged and in their place.",
            discussion: """
                Checks that the receipt's checkpoint is signed by the trust policy's log key and that
                each event's inclusion proof leads to its root. With --bundle, also verifies the bundle
                against the same policy and checks that its history extends the one the receipt
                certified, so a dropped, reordered or rewritten command is caught. Exit code 1 when the
                receipt does not hold.

                Example:
                  parledger receipt verify tu-cham-1.1.1.receipt --trust trust-policy.txt --bundle bundle-2020
                """
        )
        @Argument(help: "The receipt file.") var receipt: String
        @Option(help: ArgumentHelp("The trust policy the province publishes.", valueName: "file")) var trust: String
        @Option(help: ArgumentHelp("A certified bundle to check the receipt against.", valueName: "dir")) var bundle:
            String?

        func run() throws {
            try reportingFailures {
                let policy = try TrustPolicy(file: trust)
                let held: Receipt
                do {
                    held = try Receipt(file: receipt)
                } catch let problem as Receipt.Problem {
                    throw InputError(problem.description, hint: "give the receipt file that --receipt-out wrote")
                }
                if let bundle {
                    let report = try BundleVerifier.verify(bundle, policy: policy, receipt: held)
                    for check in report.checks { print("ok  \(check)") }
                    if let failure = report.failure {
                        print("FAILED [\(failure.code.rawValue)] \(failure.message)")
                        throw ExitStatus.verificationFailed
                    }
                } else {
                    let checkpoint = try held.verify(against: policy)
                    print(
                        "ok  the checkpoint of \(checkpoint.size) events is signed by the trusted log key; every inclusion proof holds"
                    )
                }
                let events = held.entries.map { "\($0.sequence)" }.joined(separator: ", ")
                print(
                    "OK: command '\(held.commandID)' (events \(events)) is in the log\(bundle == nil ? " the receipt certifies" : " and in the bundle, in its place")"
                )
            }
        }
    }
}
