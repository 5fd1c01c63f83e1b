import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARIndex

/// `parledger document …`: the documents a province issues from a cycle, written as .xlsx.
struct DocumentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "document",
        abstract: "Write the documents a province issues from a cycle as .xlsx (annex, council report, criteria).",
        discussion: """
            Each document is built from the read models (ranking, unit scores, cycle status), labelled in
            Vietnamese, with points as numbers shown with two decimals, printable on A4 landscape. The same
            ledger gives the same bytes. An existing file is never overwritten.

            Examples:
              parledger document annex dien-bien-2020 --out phu-luc-2020.xlsx
              parledger document council-report dien-bien-2020 so-tai-chinh --out tham-dinh-so-tai-chinh.xlsx
              parledger document criteria dien-bien-2020 --out diem-tieu-chi-2020.xlsx
            """,
        subcommands: [AnnexDocument.self, CouncilReportDocument.self, CriteriaDocument.self]
    )
}

/// The `--out` option of every document, and the one way a document reaches the disk.
struct DocumentOutput: ParsableArguments {
    @Option(help: ArgumentHelp("The .xlsx file to write (must not exist).", valueName: "file")) var out: String

    /// Writes `bytes` to a file beside `out` and links it into place, so that `out` is either absent or
    /// complete, and an existing `out` (even one created meanwhile) is refused and left untouched.
    func write(_ bytes: [UInt8]) throws {
        guard !FileManager.default.fileExists(atPath: out) else {
            throw InputError("\(out) already exists", hint: "choose another --out; documents are never overwritten")
        }
        let directory = (out as NSString).deletingLastPathComponent
        let name = (out as NSString).lastPathComponent
        let partial = ((directory.isEmpty ? "." : directory) as NSString).appendingPathComponent(
            ".\(name).partial-\(getpid())")
        defer { unlink(partial) }
        try FileProblem.wrap("writing the document to", partial) {
            try Data(bytes).write(to: URL(fileURLWithPath: partial))
        }
        guard link(partial, out) == 0 else {
            let code = errno
            if code == EEXIST {
                throw InputError("\(out) already exists", hint: "choose another --out; documents are never overwritten")
            }
            throw FileProblem(operation: "writing the document to", path: out, code: code)
        }
    }
}

struct AnnexDocument: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annex",
        abstract: "The decision's annex (phụ lục): per group, each unit's points per field, total, index, class, rank.",
        discussion: "Example:\n  parledger document annex dien-bien-2020 --out phu-luc-2020.xlsx"
    )
    @OptionGroup var location: LedgerLocation
    @Argument(help: "The cycle id.") var cycle: String
    @OptionGroup var output: DocumentOutput

    func run() throws {
        try reportingFailures {
            try output.write(try documentBytes { try location.openForReading().annex(cycle: cycle).bytes() })
            print("Wrote \(output.out)")
        }
    }
}

struct CouncilReportDocument: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "council-report",
        abstract: "The appraisal council's report on one unit: each adjustment with its reason, evidence and member.",
        discussion:
            "Example:\n  parledger document council-report dien-bien-2020 so-tai-chinh --out tham-dinh-so-tai-chinh.xlsx"
    )
    @OptionGroup var location: LedgerLocation
    @Argument(help: "The cycle id.") var cycle: String
    @Argument(help: "The unit id.") var unit: String
    @OptionGroup var output: DocumentOutput

    func run() throws {
        try reportingFailures {
            try output.write(
                try documentBytes { try location.openForReading().councilReport(cycle: cycle, unit: unit).bytes() })
            print("Wrote \(output.out)")
        }
    }
}

struct CriteriaDocument: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "criteria",
        abstract: "Units × criteria: per group, the points that count for every leaf criterion, total and index.",
        discussion: "Example:\n  parledger document criteria dien-bien-2020 --out diem-tieu-chi-2020.xlsx"
    )
    @OptionGroup var location: LedgerLocation
    @Argument(help: "The cycle id.") var cycle: String
    @OptionGroup var output: DocumentOutput

    func run() throws {
        try reportingFailures {
            try output.write(try documentBytes { try location.openForReading().criteriaSheet(cycle: cycle).bytes() })
            print("Wrote \(output.out)")
        }
    }
}

/// The document's bytes; a workbook the writer refuses is a bug in the document, reported as one.
private func documentBytes(_ build: () throws -> [UInt8]) throws -> [UInt8] {
    do {
        return try build()
    } catch let problem as XLSXWorkbook.Problem {
        throw reportInternalError(problem)
    }
}
