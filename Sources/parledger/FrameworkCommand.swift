import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARIndex

struct FrameworkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "framework",
        abstract: "Import, check and register criteria frameworks (the scoring tables).",
        subcommands: [Import.self, Validate.self, Register.self, List.self, Show.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Read Bảng 1 or Bảng 2 from a decision's text and write it as a framework.",
            discussion: """
                Every defect of the printed table (duplicate or out-of-order codes, parents that are not
                the sum of their children, survey marks on parents, a total or split that differs from
                the text) is listed with its code and source line, and the table is refused (exit 2).
                --corrections applies documented fixes, by source line, before checking.

                Example:
                  parledger framework import schemas/sources/dien-bien-qd-1026-2019.txt --table 1 --out departments.json
                """
        )
        @Argument(help: "The decision's text (UTF-8).") var file: String
        @Option(help: "Which table: 1 (departments) or 2 (districts).") var table: Int
        @Option(help: ArgumentHelp("A JSON file of documented corrections.", valueName: "file")) var corrections:
            String?
        @Option(help: ArgumentHelp("Write the framework here (default: standard output).", valueName: "file")) var out:
            String?

        func validate() throws {
            guard table == 1 || table == 2 else { throw ValidationError("--table must be 1 or 2.") }
        }

        func run() throws {
            try reportingFailures {
                let text = try readText(file)
                var fixes: [SeedTableImporter.Correction] = []
                if let corrections {
                    fixes = try SeedTableImporter.corrections(from: try readJSON(corrections))
                }
                switch try SeedTableImporter.importTable(table, from: text, corrections: fixes) {
                case .refused(let defects):
                    throw InputError(
                        "Bảng \(table) of \(file) has \(defects.count) defects and was not imported:\n"
                            + defects.map { "  \($0)" }.joined(separator: "\n"),
                        hint: "correct the table, or apply documented corrections with --corrections FILE"
                    )
                case .framework(let framework):
                    let json = prettyJSON(framework.json)
                    if let out {
                        try json.write(toFile: out, atomically: true, encoding: .utf8)
                        print(
                            "Wrote \(framework.name) (\(framework.leaves.count) scored criteria, id \(framework.id)) to \(out)"
                        )
                    } else {
                        print(json, terminator: "")
                    }
                }
            }
        }
    }

    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a framework JSON file.",
            discussion: "Example:\n  parledger framework validate schemas/frameworks/dien-bien-2019-districts.json"
        )
        @Argument(help: "The framework JSON file.") var file: String

        func run() throws {
            try reportingFailures {
                let framework = try loadFramework(file)
                print(
                    "OK: \(framework.name): \(framework.fields.count) fields, \(framework.leaves.count) scored criteria, id \(framework.id)"
                )
            }
        }
    }

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a framework in the ledger (secretariat); cycles then name it by id.",
            discussion:
                "Example:\n  parledger framework register schemas/frameworks/dien-bien-2019-departments.json --key so-noi-vu.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The framework JSON file.") var file: String

        func run() throws {
            try reportingFailures {
                let framework = try loadFramework(file)
                let scoring = try location.openScoring()
                let result = try signing.perform(RegisterFramework(framework: framework.json), on: scoring)
                let note = result.wasAlreadyRecorded ? " (already registered)" : ""
                print("Registered framework \(framework.id) (\(framework.name))\(note)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the frameworks registered in the ledger.",
            discussion: "Example:\n  parledger framework list --json"
        )
        @OptionGroup var location: LedgerLocation
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let frameworks = try location.openForReading().frameworks()
                if json {
                    let list = frameworks.map {
                        JSONValue.object([
                            "id": .string($0.id), "name": .string($0.name), "unitKind": .string($0.unitKind.rawValue),
                        ])
                    }
                    print(String(decoding: CanonicalJSON.encode(.array(list)), as: UTF8.self))
                    return
                }
                for framework in frameworks {
                    print("\(framework.id)\t\(framework.unitKind.rawValue)\t\(framework.name)")
                }
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a registered framework's criteria.",
            discussion: "Example:\n  parledger framework show 3f2a… --json"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The framework id (or a unique prefix of it).") var id: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let matches = try location.openForReading().frameworks().filter { $0.id.hasPrefix(id) }
                guard matches.count == 1, let framework = matches.first else {
                    throw InputError(
                        matches.isEmpty
                            ? "no framework \(id) in this ledger" : "\(id) names \(matches.count) frameworks",
                        hint: "'parledger framework list' shows their ids")
                }
                if json {
                    print(prettyJSON(framework.json), terminator: "")
                    return
                }
                print(
                    "\(framework.name)\n\(framework.source)\nunits: \(framework.unitKind.rawValue), id \(framework.id)")
                for criterion in framework.fields.flatMap(\.allCriteria) {
                    let depth = criterion.code.split(separator: ".").count - 1
                    let method = criterion.method == .survey ? "  [ĐTXHH]" : ""
                    print(
                        "\(String(repeating: "  ", count: depth))\(criterion.code)  \(criterion.maxPoints)  \(criterion.title)\(method)"
                    )
                }
            }
        }
    }
}
