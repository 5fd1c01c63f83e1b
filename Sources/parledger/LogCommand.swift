import ArgumentParser
import Ledger

struct LogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "List events in sequence order.",
        discussion: "Example:\n  parledger log --from 100 --limit 20\n  parledger log --json > events.jsonl"
    )

    @OptionGroup var location: LedgerLocation

    @Option(help: "The first sequence number to show.")
    var from: UInt64 = 1

    @Option(help: "Show at most this many events.")
    var limit: Int?

    @Flag(help: "One event per line as canonical JSON (the form the hash covers, plus its hash).")
    var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1.") }
    }

    func run() throws {
        try reportingFailures {
            let ledger = try location.openForReading().ledger
            var shown = 0
            try ledger.forEachEvent(from: from) { event in
                if json {
                    print(String(decoding: event.canonicalEnvelope(includingHash: true), as: UTF8.self))
                } else {
                    print("\(event.sequence)\t\(event.recordedAt)\t\(event.stream) #\(event.streamVersion)\t\(event.type)\tby \(event.actor)\t\(event.hash.hex.prefix(12))")
                    print("\t\(String(decoding: event.payload, as: UTF8.self))")
                }
                shown += 1
                return shown < (limit ?? .max)
            }
            if shown == 0 && !json { print("No events from \(from) on.") }
        }
    }
}
