import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "RFC 9162 inclusion and consistency proofs over the event log.",
        subcommands: [Inclusion.self, Consistency.self]
    )

    struct Inclusion: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that event SEQ is in the tree of SIZE events (default: all).",
            discussion:
                "The leaf is SHA-256(0x00 ‖ the event's hash); leaf index = SEQ − 1.\n\nExample:\n  parledger prove inclusion 2147 --json"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The event's sequence number.") var sequence: UInt64
        @Option(help: "The tree size (default: the whole ledger).") var size: UInt64?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let report = try location.openForReading().ledger.inclusionProofReport(sequence: sequence, size: size)
                if json {
                    print(String(decoding: CanonicalJSON.encode(report.json), as: UTF8.self))
                    return
                }
                print("Event \(sequence) (leaf \(sequence - 1)) in the tree of \(report.treeSize) events")
                print("leaf \(hexString(report.leafHash))\nroot \(hexString(report.rootHash))")
                for (index, hash) in report.proof.enumerated() { print("  \(index + 1). \(hexString(hash))") }
                print(report.verifies ? "The proof verifies (RFC 9162 §2.1.3.2)." : "The proof does NOT verify.")
            }
        }
    }

    struct Consistency: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Prove that the tree of OLD events is a prefix of the tree of NEW events (default: all).",
            discussion: "Example:\n  parledger prove consistency 2400 --json"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The older tree size.") var oldSize: UInt64
        @Argument(help: "The newer tree size (default: the whole ledger).") var newSize: UInt64?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let report = try location.openForReading().ledger.consistencyProofReport(
                    oldSize: oldSize, newSize: newSize)
                if json {
                    print(String(decoding: CanonicalJSON.encode(report.json), as: UTF8.self))
                    return
                }
                print(
                    "Tree of \(oldSize) events (root \(hexString(report.oldRootHash))) within the tree of \(report.newSize) (root \(hexString(report.newRootHash)))"
                )
                for (index, hash) in report.proof.enumerated() { print("  \(index + 1). \(hexString(hash))") }
                print(report.verifies ? "The proof verifies (RFC 9162 §2.1.4.2)." : "The proof does NOT verify.")
            }
        }
    }
}
