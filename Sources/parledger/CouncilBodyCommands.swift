import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The council as a body, in cycles of scheme 2: its establishment by decision, meetings, contests,
/// votes and its report to the province.
extension CouncilCommand {
    struct Establish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the province's decision establishing a cycle's council (secretariat; scheme 2).",
            discussion: """
                The file: {"decision":"20/QĐ-UBND","quorumPercent":"50","members":[
                  {"actor":"hd-chu-tich","position":"chair","fields":{"department":["1","2"],"district":["1"]}},
                  {"actor":"hd-thu-ky","position":"secretary","fields":{}},
                  {"actor":"hd-thanh-vien","position":"member","fields":{"department":["3"]}}]}
                One chair and one secretary; every other seat is a member. A meeting needs at least
                quorumPercent of the members.

                Example:
                  parledger council establish dien-bien-2025 --file hoi-dong.json --key so-noi-vu.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Option(help: ArgumentHelp("The decision and the seats (JSON).", valueName: "file")) var file: String

        func run() throws {
            try reportingFailures {
                let document = try readJSON(file)
                let reader: PayloadReader
                let established: PAREvents.CouncilEstablished
                do {
                    guard case .object(var members) = document else {
                        throw RuleViolation(
                            "the file is not a JSON object", vi: "Tệp không phải là một đối tượng JSON.")
                    }
                    members["cycle"] = .string(cycle)
                    reader = try PayloadReader(.object(members), type: "the council file")
                    established = try PAREvents.CouncilEstablished(payload: reader)
                } catch let problem as RuleViolation {
                    throw InputError("\(file) does not describe a council: \(problem.reason)")
                }
                let operation = EstablishCouncil(
                    cycle: cycle, decision: established.decision,
                    members: established.members.map {
                        EstablishCouncil.Seat(actor: $0.actor, position: $0.position, fields: $0.fields)
                    }, quorumPercent: established.quorumPercent)
                let result = try signing.perform(operation, on: try location.openScoring())
                print(
                    "Established the council of \(cycle) by decision \(established.decision): \(established.members.count) seats, quorum \(established.quorumPercent)% (event \(result.events[0].sequence))"
                )
            }
        }
    }

    struct Meeting: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a council meeting with its attendees and minutes (the council's secretary).",
            discussion: """
                Example:
                  parledger council meeting dien-bien-2025 phien-1 --date 2026-03-10 --attendees hd-chu-tich,hd-thu-ky,hd-thanh-vien --minutes bien-ban-1.pdf --key thu-ky.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The meeting's id (a slug).") var meeting: String
        @Option(help: "The meeting's date (YYYY-MM-DD).") var date: String
        @Option(help: "The members who attended, comma-separated.") var attendees: String
        @Option(help: ArgumentHelp("The minutes (biên bản), stored as evidence.", valueName: "file")) var minutes:
            String

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                let present = attendees.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                let result = try withEvidence([minutes], unit: nil, in: scoring) { attached in
                    try signing.perform(
                        RecordMeeting(
                            cycle: cycle, meeting: meeting, date: date, attendees: present,
                            minutes: attached.first?.sha256 ?? ""), on: scoring, attached: attached)
                }
                print(
                    "Recorded meeting \(meeting) of \(date): \(present.count) members present (event \(result.events.last?.sequence ?? 0))"
                )
            }
        }
    }

    struct Contest: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Contest the appraisal of a criterion, for the council to vote on (a council member).",
            discussion: """
                Example:
                  parledger council contest dien-bien-2025 so-y-te 1.2 --reason "Minh chứng đã đủ" --key thanh-vien.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion whose appraisal is contested.") var criterion: String
        @Option(help: "Why.") var reason: String

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(
                    ContestAdjustment(cycle: cycle, unit: unit, criterion: criterion, reason: reason),
                    on: try location.openScoring())
                print("Contested the appraisal of \(unit), criterion \(criterion); the council votes on it")
            }
        }
    }

    struct Vote: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the council's vote on a contested criterion at a meeting (the council's secretary).",
            discussion: """
                A majority of the votes cast for the proposed points sets the appraisal to them; otherwise
                the appraisal stands. Either way the contest is decided.

                Example:
                  parledger council vote dien-bien-2025 so-y-te 1.2 --meeting phien-1 --points 1.5 --for hd-chu-tich,hd-thanh-vien --against hd-thu-ky --key thu-ky.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The contested criterion.") var criterion: String
        @Option(help: "The meeting at which the council voted.") var meeting: String
        @Option(help: "The points proposed.") var points: String
        @Option(name: .customLong("for"), help: "The members who voted for, comma-separated.") var inFavour: String = ""
        @Option(help: "The members who voted against, comma-separated.") var against: String = ""

        func run() throws {
            try reportingFailures {
                func names(_ list: String) -> [String] {
                    list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                }
                let vote = RecordVote(
                    cycle: cycle, unit: unit, criterion: criterion, meeting: meeting, points: points,
                    inFavour: names(inFavour), against: names(against))
                let scoring = try location.openScoring()
                _ = try signing.perform(vote, on: scoring)
                let carried = vote.inFavour.count > vote.against.count
                print(
                    "Recorded the vote on \(unit), criterion \(criterion) at \(meeting): \(vote.inFavour.count) for, \(vote.against.count) against; "
                        + (carried ? "the appraisal is now \(points)" : "the appraisal stands"))
            }
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send the council's scoring report to the province (the chair, after the appraisal is closed).",
            discussion: """
                Example:
                  parledger council report dien-bien-2025 --report bao-cao-tham-dinh.pdf --key chu-tich-hd.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Option(help: ArgumentHelp("The report, stored as evidence.", valueName: "file")) var report: String

        func run() throws {
            try reportingFailures {
                let scoring = try location.openScoring()
                _ = try withEvidence([report], unit: nil, in: scoring) { attached in
                    try signing.perform(
                        SubmitCouncilReport(cycle: cycle, report: attached.first?.sha256 ?? ""), on: scoring,
                        attached: attached)
                }
                print("Sent the council's report on \(cycle) to the province")
            }
        }
    }
}
