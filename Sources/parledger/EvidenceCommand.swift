import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct EvidenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evidence",
        abstract: "Evidence documents (tài liệu kiểm chứng), stored by SHA-256 beside the ledger.",
        subcommands: [Add.self, List.self, Check.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Store documents and record who added them (one signed command).",
            discussion:
                "Unit officers name their unit with --unit.\n\nExample:\n  parledger evidence add ke-hoach-cchc-2019.pdf bao-cao-quy-4.pdf --unit so-tai-chinh --key officer.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The documents.") var files: [String]
        @Option(help: "The unit the documents are about.") var unit: String?

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                let staged = try EvidenceStore(ledger: scoring.ledger).stage(files, unit: unit)
                _ = try signing.perform(AddEvidence(), on: scoring, attached: staged.added)
                try staged.keep()
                for item in staged.added { print("\(item.sha256)  \(item.name) (\(item.size) bytes)") }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the documents added to the ledger.",
            discussion: "Example:\n  parledger evidence list --json")
        @OptionGroup var location: LedgerLocation
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let items = try location.openForReading().evidence()
                if json {
                    let value: JSONValue = .array(
                        items.map {
                            .object([
                                "sha256": .string($0.sha256), "name": .string($0.name),
                                "size": .integer(Int64($0.size)),
                                "unit": $0.unit.map(JSONValue.string) ?? .null,
                            ])
                        })
                    print(String(decoding: CanonicalJSON.encode(value), as: UTF8.self))
                    return
                }
                for item in items { print("\(item.sha256)\t\(item.size)\t\(item.unit ?? "-")\t\(item.name)") }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-hash every stored document against the hash the ledger recorded.",
            discussion: "Example:\n  parledger evidence check")
        @OptionGroup var location: LedgerLocation

        func run() throws {
            try reportingFailures {
                let scoring = try location.openForReading()
                let store = EvidenceStore(ledger: scoring.ledger)
                let items = try scoring.evidence()
                let problems = items.compactMap { item in
                    store.check(item.sha256).map { "\(item.name) (\(item.sha256)): \($0)" }
                }
                for problem in problems { print("FAILED: \(problem)") }
                if !problems.isEmpty { throw ExitStatus.verificationFailed }
                print("OK: \(items.count) documents match their recorded hashes")
            }
        }
    }
}

/// Stages `files` in the evidence store, runs `issue` with the documents they are (the command
/// records them, and its operation cites them by hash), and keeps the files only when it returns
/// (the command committed).
func withEvidence<T>(
    _ files: [String], unit: String?, in scoring: ScoringLedger, _ issue: ([PAREvents.EvidenceAdded]) throws -> T
) throws -> T {
    let staged = try EvidenceStore(ledger: scoring.ledger).stage(files, unit: unit)
    let result = try issue(staged.added)
    try staged.keep()
    return result
}
