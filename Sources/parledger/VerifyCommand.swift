import ArgumentParser
import Ledger
import LedgerFormat

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Walk the hash chain and check every event.",
        discussion: """
            Prints OK with the event count and head hash, or names the first bad event and why
            (exit code 1).

            Example:
              parledger verify --ledger ./dien-bien-2019
            """
    )

    @OptionGroup var location: LedgerLocation

    @Flag(help: "Do not show progress.")
    var quiet = false

    func run() throws {
        try reportingFailures {
            let ledger = try location.openForReading().ledger
            let progress = ProgressReporter("verifying", quiet: quiet)
            let report = try ledger.verify(progress: progress.update)
            progress.finish()
            if let problem = report.problem {
                print("FAILED: \(problem)")
                print("\(report.eventCount) events before it are intact.")
                throw ExitStatus.verificationFailed
            }
            print("OK: \(report.eventCount) events, head \(report.headHash.hex)")
        }
    }
}
