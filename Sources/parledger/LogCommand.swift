import ArgumentParser
import Ledger
import LedgerFormat
import PARCore
import PARIndex

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List events in sequence order, optionally only those of a unit, cycle, actor, type or time span.",
        discussion: """
            Filters combine (an event is shown when it matches all of them) with --from, --limit and
            --json; --limit counts the events shown. Times are shown in the province's time zone
            (UTC+07:00), --json keeps the recorded ISO 8601 UTC time. --since and --until take
            \(ProvinceTime.grammar); a date means the start of that day for --since and its end for
            --until, Vietnam time.

            Example:
              parledger log --from 100 --limit 20
              parledger log --cycle dien-bien-2019 --unit so-tai-chinh --type AppraisalScoreRecorded
              parledger log --actor chu-tich-hd --since 2020-02-01 --until 2020-02-29
              parledger log --json > events.jsonl
            """
    )

    /// Every event type a PAR ledger records, for --type.
    static let eventTypes = EventFilter.eventTypes

    @OptionGroup var location: LedgerLocation

    @Option(help: "The first sequence number to show.")
    var from: UInt64 = 1

    @Option(help: "Show at most this many events.")
    var limit: Int?

    @Option(help: "Only events about this unit (their payload's unit).")
    var unit: String?

    @Option(help: "Only events signed by this actor.")
    var actor: String?

    @Option(help: "Only events signed by actors holding this role, e.g. council-member.")
    var role: String?

    @Option(help: "Only events about this criterion (their payload's criterion), e.g. 1.1.1.")
    var criterion: String?

    @Option(help: ArgumentHelp("Only events of this type (repeatable), e.g. SelfScoreRecorded.", valueName: "type"))
    var type: [String] = []

    @Option(help: "Only events of this cycle (its stream and its units' streams).")
    var cycle: String?

    @Option(help: ArgumentHelp("Only events recorded at or after this time.", valueName: "time"))
    var since: String?

    @Option(help: ArgumentHelp("Only events recorded at or before this time.", valueName: "time"))
    var until: String?

    @Flag(help: "One event per line as canonical JSON (the form the hash covers, plus its hash).")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
        for name in type where !Self.eventTypes.contains(name) {
            throw ValidationError(
                "--type '\(name)' is not an event type; the types are: \(Self.eventTypes.joined(separator: ", ")).")
        }
    }

    func run() throws {
        try reportingFailures {
            var filter = EventFilter()
            (filter.cycle, filter.unit, filter.criterion, filter.actor, filter.role) = (
                cycle, unit, criterion, actor, role
            )
            filter.types = type
            filter.since = try since.map { try ProvinceTime.parse($0, option: "--since", bareDate: .start) }
            filter.until = try until.map { try ProvinceTime.parse($0, option: "--until", bareDate: .end) }
            let scoring = try location.openForReading()
            var shown = 0
            try scoring.forEachEvent(matching: filter, from: from) { event in
                if json {
                    print(String(decoding: event.canonicalEnvelope(includingHash: true), as: UTF8.self))
                } else {
                    print(
                        "\(event.sequence)\t\(ProvinceTime.show(event.recordedAt))\t\(event.stream) #\(event.streamVersion)\t\(event.type)\tby \(event.actor)\t\(event.hash.hex.prefix(12))"
                    )
                    print("\t\(String(decoding: event.payload, as: UTF8.self))")
                }
                shown += 1
                return shown < (limit ?? .max)
            }
            let filtered = !filter.isEmpty
            if shown == 0 && !json {
                print(filtered ? "No event from \(from) on matches the filters." : "No events from \(from) on.")
            }
        }
    }
}
