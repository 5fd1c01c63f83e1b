import Foundation
import Ledger

/// A fresh directory per test, removed afterwards.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var ledgerPath: String { path + "/ledger" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A clock that returns a fixed time, one millisecond later at each reading.
final class SteppingClock: LedgerClock, @unchecked Sendable {
    private let lock = NSLock()
    private var current: Int64

    init(start: Timestamp) {
        current = start.millisecondsSinceEpoch
    }

    func now() -> Timestamp {
        lock.lock()
        defer { lock.unlock() }
        current += 1
        return Timestamp(millisecondsSinceEpoch: current)
    }
}

func draft(_ stream: String = "unit/so-noi-vu/2019", _ points: String = "1.5", criterion: String = "1.1") -> EventDraft {
    EventDraft(stream: stream, type: "SelfScoreRecorded", payload: .object(["criterion": .text(criterion), "points": .text(points)]))
}

func command(_ id: String, actor: String = "so-noi-vu", _ events: [EventDraft]) -> Command {
    Command(id: id, actor: actor, events: events)
}

/// A ledger with `count` single-event commands in it.
func ledgerWith(_ count: Int, in directory: TemporaryDirectory) throws -> Ledger {
    let ledger = try Ledger.create(at: directory.ledgerPath)
    for index in 1...count {
        try ledger.append(command("c\(index)", [draft("unit/\(index % 3)", "\(index).25")]))
    }
    return ledger
}
