public import ArgumentParser
import Foundation
import Ledger
public import PARIndex

extension UnitKind: ExpressibleByArgument {}

struct SpotCheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spotcheck",
        abstract: "The steering committee's spot-check (phúc tra) of at least 10% of units, after appraisal.",
        discussion: """
            The draw orders the units of a kind by SHA-256(seed ‖ unit id), where the seed is the
            ledger head hash at the moment of the draw, and takes the first ceil(10% of the units);
            anyone can re-run it ('spotcheck redraw') and get the same units.
            """,
        subcommands: [Draw.self, Score.self, Redraw.self]
    )

    struct Draw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draw the spot-check sample of one kind of unit (after every appraisal is concluded).",
            discussion: "Example:\n  parledger spotcheck draw dien-bien-2019 --kind district --add huyen-muong-nhe --key committee.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Option(help: "department or district.") var kind: UnitKind
        @Option(name: .customLong("add"), help: "A unit the committee adds by name (repeatable).") var added: [String] = []

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                let draft = try scoring.spotCheckDraw(cycle: cycle, kind: kind, adding: added)
                let result = try signing.issue([draft], to: scoring)
                let drawn = draft.payload["drawn"]?.arrayValue?.compactMap(\.stringValue) ?? []
                print("Drew \(drawn.joined(separator: ", ")) (seed \(result.events[0].previousHash.hex.prefix(16))…, event \(result.events[0].sequence))\(added.isEmpty ? "" : "; added \(added.joined(separator: ", "))")")
            }
        }
    }

    struct Score: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the spot-check of one criterion: recognise, not-recognise, raise or lower.",
            discussion: "Example:\n  parledger spotcheck score dien-bien-2019 huyen-muong-cha 3.2 --decision lower --points 0.5 --reason \"Không có TLKC\" --key committee.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion code.") var criterion: String
        @Option(help: "recognise, not-recognise, raise or lower.") var decision: String
        @Option(help: "The new points (with raise or lower).") var points: String?
        @Option(help: "Why (required unless recognised).") var reason: String?

        func run() throws {
            try reportingFailures {
                let payload = PARPayload.SpotCheckScoreRecorded(cycle: cycle, unit: unit, criterion: criterion, decision: decision, points: try points.map(canonicalPoints), reason: reason)
                _ = try signing.issue([PAREvents.draft(PAREventType.spotCheckScoreRecorded, PAREvents.unitStream(cycle, unit), payload)], to: try location.openScoring())
                print("Spot-check of \(criterion) for \(unit): \(decision)\(points.map { " to \($0)" } ?? "")")
            }
        }
    }

    struct Redraw: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-run a recorded draw from its recorded seed and confirm it gives the same units.",
            discussion: "Example:\n  parledger spotcheck redraw dien-bien-2019 --kind department"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The cycle id.") var cycle: String
        @Option(help: "department or district.") var kind: UnitKind
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let (event, recorded, redrawn) = try location.openScoring().redraw(cycle: cycle, kind: kind)
                if json {
                    let value: JSONValue = .object(["event": .integer(Int64(event.sequence)), "seed": .string(event.previousHash.hex),
                                                    "recorded": .array(recorded.map(JSONValue.string)), "redrawn": .array(redrawn.map(JSONValue.string)),
                                                    "confirmed": .bool(recorded == redrawn)])
                    print(String(decoding: CanonicalJSON.encode(value), as: UTF8.self))
                } else {
                    print("Draw at event \(event.sequence), seed \(event.previousHash.hex)")
                    print("Recorded: \(recorded.joined(separator: ", "))")
                    print("Redrawn:  \(redrawn.joined(separator: ", "))")
                    print(recorded == redrawn ? "CONFIRMED: the seed gives the recorded units" : "MISMATCH: the recorded draw does not follow from its seed")
                }
                if recorded != redrawn { throw ExitStatus.verificationFailed }
            }
        }
    }
}

struct SurveyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survey",
        abstract: "Survey (ĐTXHH) scores from the independent contractor.",
        subcommands: [Import.self]
    )

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import survey scores from CSV (unit,criterion,points) as one signed command.",
            discussion: """
                UTF-8 with or without BOM; points with a decimal dot, or a decimal comma in quotes ("1,5").
                One bad row and nothing is imported; every bad row is listed with its line number.

                Example:
                  parledger survey import dien-bien-2019 dtxhh-2019.csv --key contractor.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The CSV file.") var file: String
        @Flag(help: "Do not show progress.") var quiet = false

        func run() throws {
            try reportingFailures {
                guard let data = FileManager.default.contents(atPath: file) else { throw InputError("cannot read \(file)", hint: "check the path") }
                let scoring = try location.openScoring()
                guard let record = try scoring.cycle(cycle) else { throw RuleViolation("no cycle '\(cycle)'") }
                let rows: [String: [PARPayload.SurveyScore]]
                switch SurveyImport.read(Array(data), cycle: record, frameworks: try scoring.frameworks(of: record)) {
                case .failure(let error): throw InputError("\(file): \(error)", hint: "correct the rows and import the whole file again")
                case .success(let value): rows = value
                }
                let source = EventHash.of(Array(data)).hex
                let drafts = rows.keys.sorted().map { unit in
                    PAREvents.draft(PAREventType.surveyScoresImported, PAREvents.unitStream(cycle, unit),
                                    PARPayload.SurveyScoresImported(cycle: cycle, unit: unit, scores: rows[unit] ?? [], source: source))
                }
                let result = try signing.issue(drafts, to: scoring)
                let count = rows.values.map(\.count).reduce(0, +)
                print("Imported \(count) survey scores for \(rows.count) units (events \(result.events.first?.sequence ?? 0)–\(result.events.last?.sequence ?? 0)), file \(source.prefix(16))…")
            }
        }
    }
}
