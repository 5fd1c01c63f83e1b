import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The state a bundle verifier folds from events that arrive in order, every rule of the cycle
/// checked against the state before each (`ProvinceState.evolve`), with a scratch directory (removed
/// with it) for the files the verifier keeps beside it; no database is made.
final class VerifierState {
    /// The scratch directory, removed with this; a verifier keeps files of its own there.
    let directory: String
    private(set) var state = ProvinceState()

    init() throws {
        directory = try ScratchDirectory.make()
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// An event that breaks a rule of the cycle.
    struct Broken: Error {
        let sequence: UInt64
        let reason: String
    }

    /// Folds `events` in, every rule checked against the state before each; an event's payload,
    /// when given, is the one already parsed from it.
    /// - Throws: `Broken` naming the first event that breaks a rule.
    func apply(_ events: [(event: RecordedEvent, payload: JSONValue?)]) throws {
        for (event, payload) in events {
            do {
                try state.evolve(event, payload: payload)
            } catch let violation as RuleViolation {
                throw Broken(sequence: event.sequence, reason: violation.reason)
            }
        }
    }

    /// Every registered framework's canonical JSON, by id.
    func frameworkFiles() -> [String: [UInt8]] {
        state.frameworks.mapValues { CanonicalJSON.encode($0.json) }
    }

    /// Calls `body` with every document added, in sha256 order, one at a time.
    func forEachEvidence(_ body: (PAREvents.EvidenceAdded) throws -> Void) throws {
        for sha256 in state.evidence.keys.sorted() {
            try body(try StateCoding.decodeEvidence(state.evidence[sha256]!))
        }
    }

    /// Every published cycle's attested results hash, by cycle.
    func publications() -> [String: String] {
        state.cycles.compactMapValues { $0.record.publication?.resultsHash }
    }
}
