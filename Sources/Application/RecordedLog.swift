import Foundation
import Ledger
import LedgerFormat
import PARIndex
import Transparency

/// The events of a verified copy of a published log, appended again into a new ledger in batches of
/// whole commands (a command's events may span two event bundles), each batch one durable write
/// transaction; a refused batch is tried again command by command, so that the refusal names the
/// command and event that broke it.
struct RecordedLog {
    let copy: LogFollower
    let policy: TrustPolicy
    /// About this many events go in one write transaction.
    static let batchSize = 2_048

    func append(into scoring: ScoringLedger, progress: (UInt64, UInt64) -> Void) throws {
        let total = copy.checkpoint?.size ?? 0
        var pending: [RecordedEvent] = []
        try copy.forEachEventBundle { bundle in
            for line in bundle.split(separator: 0x0A) {
                let event = try RecordedEvent(envelope: try JSONParser.parse(Array(line)))
                if event.sequence == 1 { try checkGenesis(event) }
                pending.append(event)
            }
            guard pending.count >= Self.batchSize, let last = pending.last else { return }
            // The last command may go on in the next bundle: it waits for the next batch.
            let end = pending.lastIndex { $0.commandID != last.commandID }.map { $0 + 1 } ?? 0
            try append(Array(pending[..<end]), into: scoring)
            pending.removeFirst(end)
            progress(try scoring.ledger.head().count, total)
        }
        try append(pending, into: scoring)
        progress(total, total)
    }

    /// A policy of another ledger names another first event.
    private func checkGenesis(_ event: RecordedEvent) throws {
        guard event.hash == policy.genesis else {
            throw LedgerRecovery.Problem(
                .integrity,
                "the trust policy is of another ledger: it names the first event \(policy.genesis.hex), the log's is \(event.hash.hex)",
                vi: "Chính sách tin cậy là của một sổ cái khác: sự kiện đầu tiên không khớp; không khôi phục gì.")
        }
    }

    private func append(_ events: [RecordedEvent], into scoring: ScoringLedger) throws {
        guard !events.isEmpty else { return }
        do {
            try scoring.append(recorded: events)
        } catch {
            var command: [RecordedEvent] = []
            for event in events {
                if let first = command.first, first.commandID != event.commandID {
                    try appendOne(command, into: scoring)
                    command.removeAll()
                }
                command.append(event)
            }
            try appendOne(command, into: scoring)
            throw error
        }
    }

    private func appendOne(_ command: [RecordedEvent], into scoring: ScoringLedger) throws {
        do {
            try scoring.append(recorded: command)
        } catch {
            let (first, last) = (command.first?.sequence ?? 0, command.last?.sequence ?? 0)
            let (place, inVietnamese) =
                first == last
                ? ("event \(first)", "sự kiện \(first)") : ("events \(first)–\(last)", "các sự kiện \(first)–\(last)")
            let reason = (error as? any KindedError)?.vietnamese ?? "\(error)"
            throw LedgerRecovery.Problem(
                .integrity,
                "\(place) of the published log (command '\(command.first?.commandID ?? "")') cannot be recorded again: \(error)",
                vi: "Không ghi lại được \(inVietnamese) của nhật ký đã công bố: \(reason)"
            )
        }
    }
}
