import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct CouncilCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "council",
        abstract: "The appraisal council as a body: members and their fields, N/A rejections, reopening, closing.",
        discussion: """
            The secretariat assigns each council member the fields (top-level criteria) they appraise,
            per kind of unit, and names the chair. Members propose adjustments ('appraise'); the chair
            seals each unit's appraisal ('appraise UNIT --conclude'), reopens a sealed one with a reason,
            and closes the cycle's appraisal once every unit is sealed. Nobody appraises a unit they
            self-assessed or hold a role in.

            In a cycle of scheme 2 the council is a body: the secretariat records the province's decision
            establishing it ('establish': chair, secretary, members, fields, quorum), its secretary
            records each meeting ('meeting') and each vote on a contested appraisal ('contest', 'vote'),
            the chair's seal cites the meeting ('appraise UNIT --conclude --meeting ID'), and the chair
            sends the council's report to the province ('report') before the approval.
            """,
        subcommands: [
            Assign.self, RejectNotApplicable.self, Reopen.self, Close.self, Establish.self, Meeting.self, Contest.self,
            Vote.self, Report.self,
        ]
    )

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Assign a council member the fields they appraise in a cycle (secretariat).",
            discussion: """
                Example:
                  parledger council assign dien-bien-2019 hoi-dong-tham-dinh --department-fields 1,2,3 --district-fields 1 --chair --key so-noi-vu.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The council member's actor id.") var member: String
        @Option(help: "Field codes of the departments' framework, comma-separated.") var departmentFields: String?
        @Option(help: "Field codes of the districts' framework, comma-separated.") var districtFields: String?
        @Flag(help: "The member chairs the council.") var chair = false

        func run() throws {
            try reportingFailures {
                var fields: [UnitKind: [String]] = [:]
                for (kind, list) in [(UnitKind.department, departmentFields), (.district, districtFields)] {
                    guard let list else { continue }
                    fields[kind] = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                }
                guard !fields.isEmpty else {
                    throw InputError(
                        "no fields given", hint: "pass --department-fields and/or --district-fields, e.g. 1,2,3")
                }
                let assignment = AssignCouncilMember(
                    cycle: cycle, actor: member,
                    fields: Dictionary(uniqueKeysWithValues: fields.map { ($0.key.rawValue, $0.value) }), chair: chair)
                _ = try signing.perform(assignment, on: try location.openScoring())
                let described = fields.sorted { $0.key.rawValue < $1.key.rawValue }.map {
                    "\($0.key.plural) \($0.value.joined(separator: ", "))"
                }
                print(
                    "Assigned \(member) to \(described.joined(separator: "; "))\(chair ? " as chair" : "") in \(cycle)")
            }
        }
    }

    struct RejectNotApplicable: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reject-na",
            abstract: "Reject a unit's not-applicable claim: the criterion counts again and is appraised.",
            discussion: """
                Example:
                  parledger council reject-na dien-bien-2019 so-tai-chinh 2.1 --reason "Đơn vị có nhiệm vụ xây dựng VBQPPL" --key council.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Argument(help: "The criterion claimed not applicable.") var criterion: String
        @Option(help: "Why the claim is rejected.") var reason: String

        func run() throws {
            try reportingFailures {
                let rejection = PARCore.RejectNotApplicable(
                    cycle: cycle, unit: unit, criterion: criterion, reason: reason)
                _ = try signing.perform(rejection, on: try location.openScoring())
                print("Rejected the not-applicable claim of \(unit) on \(criterion); appraise it now")
            }
        }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reopen a unit's sealed appraisal, with the reason (the chair, before the appraisal closes).",
            discussion: """
                Example:
                  parledger council reopen dien-bien-2019 so-y-te --reason "Đơn vị bổ sung TLKC theo yêu cầu giải trình" --key chair.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String
        @Argument(help: "The unit id.") var unit: String
        @Option(help: "Why it is reopened.") var reason: String

        func run() throws {
            try reportingFailures {
                _ = try signing.perform(
                    ReopenAppraisal(cycle: cycle, unit: unit, reason: reason), on: try location.openScoring())
                print("Reopened the appraisal of \(unit)")
            }
        }
    }

    struct Close: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the cycle's appraisal once every unit is sealed (the chair); its hash seeds the draw.",
            discussion: """
                Example:
                  parledger council close dien-bien-2019 --key chair.key
                """
        )
        @OptionGroup var location: LedgerLocation
        @OptionGroup var signing: SigningOptions
        @Argument(help: "The cycle id.") var cycle: String

        func run() throws {
            try reportingFailures {
                let result = try signing.perform(CloseAppraisal(cycle: cycle), on: try location.openScoring())
                print(
                    "Closed the appraisal of \(cycle) at event \(result.events[0].sequence) (hash \(result.events[0].hash.hex.prefix(16))…)"
                )
            }
        }
    }
}
