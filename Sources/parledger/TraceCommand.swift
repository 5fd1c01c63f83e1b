import ArgumentParser
import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The `--at SEQ|TIME` option of the read commands: the state as of that event, computed in memory
/// from the nearest snapshot.
struct AtOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "Show the state as of this event number or time (computed from the nearest snapshot and the events after it): \(ProvinceTime.grammar); a date means the end of that day, Vietnam time.",
            valueName: "seq|time"))
    var at: String?

    func validate() throws {
        if let at, UInt64(at) == nil, Timestamp(typed: at, zone: ProvinceTime.zone, bareDate: .end) == nil {
            throw ValidationError("--at takes an event number or \(ProvinceTime.grammar).")
        }
    }

    /// The live projections, or the state as of `--at`.
    func reader(_ scoring: ScoringLedger) throws -> any ProjectionReading {
        guard let sequence = try sequence(scoring) else { return scoring }
        return try scoring.state(asOf: sequence)
    }

    func sequence(_ scoring: ScoringLedger) throws -> UInt64? {
        guard let at else { return nil }
        if let number = UInt64(at) { return number }
        return try scoring.lastSequence(atOrBefore: try ProvinceTime.parse(at, option: "--at", bareDate: .end))
    }
}

struct TraceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "trace",
        abstract:
            "Every event that changed a unit's score on one criterion (or its total): who, when, old → new, why, evidence.",
        discussion: """
            With CRITERION the trace reads the criterion's score history (an index written with the
            events). Without it the trace follows the unit's points, applicable maximum and index,
            computed in memory from the state before the cycle opened and the events after it.

            Example:
              parledger trace so-noi-vu 3.3.1 --cycle dien-bien-2019
              parledger trace so-noi-vu --cycle dien-bien-2019 --at 2020-03-01T00:00:00Z --json
            """
    )
    @OptionGroup var location: LedgerLocation
    @Argument(help: "The unit id.") var unit: String
    @Argument(help: "The criterion code.") var criterion: String?
    @Option(help: "The cycle id.") var cycle: String
    @OptionGroup var at: AtOption
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try reportingFailures {
            let scoring = try location.openForReading()
            let report = try scoring.traceReport(
                cycle: cycle, unit: unit, criterion: criterion, through: try at.sequence(scoring))
            let (entries, roles) = (report.entries, report.roles)
            if json {
                print(String(decoding: CanonicalJSON.encode(report.json), as: UTF8.self))
                return
            }
            print(
                "Trace of \(unit)\(criterion.map { " criterion \($0)" } ?? " (points / applicable maximum)") in \(cycle)"
            )
            print(
                ["seq", "time", "actor (role)", "stage", "old → new", "reason", "evidence", "event hash"].joined(
                    separator: "\t"))
            for entry in entries {
                print(
                    [
                        String(entry.event.sequence), ProvinceTime.show(entry.event.recordedAt),
                        "\(entry.event.actor) (\(roles[entry.event.actor] ?? ""))",
                        entry.stage, "\(entry.before) → \(entry.after)", entry.reason ?? "",
                        entry.evidence.map { "\($0.name) \($0.sha256.prefix(12))…" }.joined(separator: "; "),
                        String(entry.event.hash.hex.prefix(16)) + "…",
                    ].joined(separator: "\t"))
            }
            if entries.isEmpty { print("No event changed it.") }
        }
    }
}
