import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct RebuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rebuild",
        abstract: "Recompute every projection (scores, cycles, frameworks) from the events.",
        discussion:
            """
            Folds every event into the scoring state in memory, every rule checked, and writes the \
            projections, the score history and the state's snapshots anew. It verifies the events as it \
            reads them (hashes, links, every signature) and that their Merkle root is the root of the \
            log's tree, which its signed checkpoints attest; a ledger that does not verify is not \
            rebuilt. Prints the projections' digest before and after; equal digests mean the rebuild \
            wrote the same bytes.

            Which command proves what: `verify` walks the hash chain and checks every signature (the \
            events are what their signers signed); `rebuild` also replays every rule and recomputes \
            what the read side shows; `verify-bundle` does all of it on an exported bundle against a \
            trust policy, with no ledger.

            Example:
              parledger rebuild
            """
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
