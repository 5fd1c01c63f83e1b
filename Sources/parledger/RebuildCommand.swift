import ArgumentParser
import Foundation
import Ledger
import PARIndex

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recompute every projection (scores, cycles, frameworks) from the events.",
        discussion:
            "Verifies the events as it reads them (hashes, links, every signature); a ledger that does not verify is not rebuilt. Prints the projections' digest before and after; equal digests mean the rebuild wrote the same bytes.\n\nExample:\n  parledger rebuild"
    )
    @OptionGroup var location: LedgerLocation
    @Flag(help: "Do not show progress.") var quiet = false

    func run() throws {
        try reportingFailures {
            let scoring = try location.openScoring()
            let before = try scoring.projectionDigest()
            let progress = ProgressReporter("rebuilding", quiet: quiet)
            try scoring.rebuild(progress: progress.update)
            progress.finish()
            let after = try scoring.projectionDigest()
            print("Rebuilt the projections from \(try scoring.ledger.head().count) events")
            print("Digest before: \(before)")
            print(
                "Digest after:  \(after)\(before == after ? " (identical)" : " (changed: the projections had drifted from the events)")"
            )
        }
    }
}
