import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct CycleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cycle",
        abstract: "Open and inspect yearly scoring cycles (secretariat).",
        subcommands: [Open.self, Show.self, Extend.self, Exclude.self]
    )

    struct Open: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a cycle from a JSON file: id, name, year, frameworks, units, deadline.",
            discussion: """
                The file: {"cycle":"dien-bien-2019","name":"Chỉ số CCHC năm 2019","year":2019,
                "frameworks":{"department":"<id>","district":"<id>"} (a framework per kind of unit
                the cycle scores: department, district, commune, branch, office; scheme 1 scores
                departments and districts, scheme 2 every kind of its year, districts and their
                offices up to 2024),
                "units":[{"id":"so-tai-chinh","name":"Sở Tài chính","kind":"department"}, …],
                "selfAssessmentDeadline":"2020-01-14" (default: end of 14 January of the next year,
                Vietnam time; \(ProvinceTime.grammar), a date meaning the end of that day in the
                province), "previousCycle":"dien-bien-2018" (optional),
                "publicationWindow":{"from":"2020-04-01","until":"2020-06-30"} (optional; default: Q2
                of the next year), "scheme":2 (optional; the version of the scheme's rules: 2, the
                unit's head (role unit-head) signs its submission and withdrawal; 1 or absent, the
                rules of the cycles recorded before, the officer submits)}

                Example:
                  parledger cycle open --file cycle-2019.json --key so-noi-vu.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Option(help: ArgumentHelp("The cycle description (JSON).", valueName: "file")) var file: String

        func run() throws {
            try reportingFailures {
                let json = try readJSON(file)
                guard let year = json["year"]?.integerValue else {
                    throw InputError("\(file): 'year' must be an integer")
                }
                var document = json
                if case .object(var members) = json {
                    let typed = members["selfAssessmentDeadline"]?.stringValue ?? "\(year + 1)-01-14"
                    let deadline = try ProvinceTime.parse(
                        typed, option: "\(file): selfAssessmentDeadline", bareDate: .end)
                    members["selfAssessmentDeadline"] = .string(deadline.iso8601)
                    document = .object(members)
                }
                let opened: PAREvents.CycleOpened
                do {
                    opened = try PAREvents.CycleOpened(payload: try PayloadReader(document, type: "the cycle file"))
                } catch {
                    throw InputError(
                        "\(file) does not describe a cycle: \((error as? RuleViolation)?.reason ?? "\(error)")",
                        hint: "see 'parledger cycle open --help' for the fields")
                }
                let scoring = try location.openScoring()
                _ = try signing.perform(OpenCycle(opened), on: scoring)
                let window = opened.effectivePublicationWindow
                print(
                    "Opened cycle '\(opened.cycle)' (\(opened.name)) with \(opened.units.count) units; self-assessment deadline \(ProvinceTime.show(iso8601: opened.selfAssessmentDeadline)); publication from \(window.from) to \(window.until)"
                )
            }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a cycle: frameworks, deadline, council, draw, each unit's stage, publication.",
            discussion: "Example:\n  parledger cycle show dien-bien-2019"
        )
        @OptionGroup var location: LedgerLocation
        @Argument(help: "The cycle id.") var cycle: String
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            try reportingFailures {
                let status = try location.openScoring().status(cycle: cycle, now: SystemClock().now())
                let (record, window) = (status.record, status.publicationWindow)
                if json {
                    print(String(decoding: CanonicalJSON.encode(status.json), as: UTF8.self))
                    return
                }
                print(
                    "Cycle \(record.opened.cycle): \(record.opened.name) (\(record.opened.year)), opened by \(record.openedBy) at event \(record.openedAt)"
                )
                for (kind, id) in record.opened.frameworks.sorted(by: { $0.key < $1.key }) {
                    print("Framework for \(kind)s: \(id)")
                }
                print(
                    "Self-assessment deadline: \(ProvinceTime.show(iso8601: record.opened.selfAssessmentDeadline)); publication window \(window.from) to \(window.until)"
                )
                print(
                    record.opened.effectiveScheme == .whole
                        ? "Scheme 2: the unit's head signs its submission; the council decides as a body; the province approves before publication"
                        : "Scheme 1: the officer submits; the council is assigned member by member; publication without a recorded approval"
                )
                if let body = record.councilBody {
                    let meetings = body.meetings.values.sorted { $0.sequence < $1.sequence }.map {
                        "\($0.held.meeting) of \($0.held.date) (\($0.held.attendees.count) present)"
                    }
                    let open = body.contests.values.filter { $0.decidedAt == nil }.count
                    print(
                        "Council established by decision \(body.established.decision) (event \(body.sequence)): chair \(body.chair ?? "-"), secretary \(body.secretary ?? "-"), quorum \(body.established.quorumPercent)%; meetings: \(meetings.isEmpty ? "none yet" : meetings.joined(separator: ", ")); \(body.contests.count) contested, \(open) awaiting a vote; report \(body.report.map { "sent (\($0.name))" } ?? "not sent yet")"
                    )
                }
                for member in record.council.keys.sorted().compactMap({ record.council[$0] }) {
                    let fields = member.fields.sorted { $0.key < $1.key }.map {
                        "\($0.key)s \($0.value.joined(separator: ","))"
                    }.joined(separator: "; ")
                    print("Council: \(member.actor)\(member.chair ? " (chair)" : "") — \(fields)")
                }
                print(
                    "Spot-check draw: \(record.spotCheckCommitment.map { "committed (\($0.prefix(16))…)" } ?? "not committed yet")"
                        + (record.appraisalClosed.map { "; appraisal closed at event \($0.sequence)" } ?? ""))
                for (delegate, delegation) in record.delegations.sorted(by: { $0.key < $1.key }) {
                    print(
                        "Signing delegated to \(delegate) by \(delegation.by) under decision \(delegation.decision) (event \(delegation.sequence))"
                    )
                }
                if let approval = record.approval {
                    print(
                        "Approved by decision \(approval.decision) of \(approval.date) (event \(approval.sequence)), signed \(approval.signedAs) by \(approval.actor)\(approval.onBehalfOf.map { " for \($0)" } ?? ""), results \(approval.resultsHash)"
                    )
                }
                if let publication = record.publication {
                    print(
                        "Published by decision \(publication.decision) of \(publication.date) (event \(publication.sequence)), results \(publication.resultsHash)"
                    )
                }
                let counts = status.counts
                print(
                    "Progress: \(counts.selfAssessment) in self-assessment (\(counts.late) late), \(counts.submitted) submitted, \(counts.sealed) sealed"
                )
                for progress in status.units {
                    let (unit, state) = (progress.unit, progress.record)
                    let spotCheck =
                        state.spotChecked ? (state.spotCheckConcluded ? "spot-checked" : "drawn for spot-check") : nil
                    let extended = state.deadlineExtendedUntil.map {
                        "deadline extended to \(ProvinceTime.show(iso8601: $0))"
                    }
                    let flags = [
                        progress.isLate ? "late" : nil, extended, spotCheck,
                        progress.surveyComplete ? nil : "survey incomplete",
                        state.excludedFromRanking.map { "not ranked: \($0)" },
                    ].compactMap { $0 }
                    print(
                        "  \(unit.id)\t\(unit.kind.rawValue)\t\(state.stage.rawValue)\t\(unit.name)\(flags.isEmpty ? "" : "\t" + flags.joined(separator: ", "))"
                    )
                }
            }
        }
    }

    struct Extend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Extend one unit's self-assessment deadline.",
            discussion: """
                --until takes \(ProvinceTime.grammar); a date means the end of that day, Vietnam time.

                Example:
                  parledger cycle extend dien-bien-2019 huyen-muong-nhe --until 2020-01-31 --reason "lũ quét" --key so-noi-vu.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Option(help: "The new deadline: a date (its end, Vietnam time) or a time with its offset.") var until: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            try reportingFailures {
                let deadline = try ProvinceTime.parse(until, option: "--until", bareDate: .end)
                let extending = ExtendDeadline(cycle: cycle, unit: unit, until: deadline.iso8601, reason: reason)
                _ = try signing.perform(extending, on: try location.openScoring())
                print("Extended the self-assessment deadline of '\(unit)' to \(ProvinceTime.show(deadline))")
            }
        }
    }

    struct Exclude: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Score a unit but leave it out of the ranking, with the reason.",
            discussion:
                "Example:\n  parledger cycle exclude dien-bien-2019 so-ngoai-vu --reason \"thành lập trong năm\" --key so-noi-vu.key"
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(
                    ExcludeFromRanking(cycle: cycle, unit: unit, reason: reason), on: try location.openScoring())
                print("'\(unit)' is scored but not ranked in '\(cycle)'")
            }
        }
    }
}
