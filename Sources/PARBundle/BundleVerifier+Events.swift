import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// Step 5 of FORMAT.md's Verdicts: the events, line by line, through the chain walk every verifier
/// shares, and every rule of the cycle through `VerifierState`, in memory.
extension BundleVerifier {
    struct Replay {
        /// Every event's hash, in a file of the verifier's scratch directory.
        let hashes: EventHashLog
        /// The RFC 9162 root of the events.
        let root: MerkleTree.Hash
        /// The events of each command, by command id.
        let commandSequences: [String: ClosedRange<UInt64>]
        let actors: [String: ActorRecord]
        let projection: VerifierState
    }

    /// Streams `events.jsonl`: each line parsed strictly, each command's signature, placement and
    /// rules checked when it ends (before the next event's chain), every rule of the cycle replayed.
    /// The walk checks signatures and hashes on the other cores meanwhile: events reach the projection
    /// only once those of their batch have passed, and whatever stops the replay is first compared
    /// with them, so the failure reported is the first in the events' order, as if checked one by one.
    func replayEvents(ledgerID: String, manifestLedgerID: String? = nil) throws -> Replay {
        var reader = try EventLineReader(directory: directory)
        defer { reader.close() }
        let projection = try VerifierState()
        let hashes = try EventHashLog(file: projection.directory + "/event-hashes")
        var walk = ChainWalk(ledgerID: ledgerID, policy: PARPolicy(), hashes: hashes)
        var frontier = MerkleFrontier()
        /// Events of commands that passed the walk's own checks, not yet in the projection, with the
        /// payloads the walk parsed for the policy.
        var pending: [(event: RecordedEvent, payload: JSONValue?)] = []
        var command: [RecordedEvent] = []

        /// Folds the first `count` pending events (all by default) into the projection.
        func applyPending(_ count: Int? = nil) throws {
            let count = count ?? pending.count
            do {
                try projection.apply(Array(pending.prefix(count)))
            } catch let broken as VerifierState.Broken {
                throw Failure(code: .rule, message: "event \(broken.sequence): \(broken.reason)")
            }
            pending.removeFirst(count)
        }
        /// Stops at `problem`, or at a signature or hash checked on another core that failed before
        /// it; the events of the commands before it reach the projection first (a rule broken there
        /// came first).
        func fail(_ problem: VerificationProblem) throws -> Never {
            let first = walk.firstDeferredProblem() ?? problem
            // The command holding event `first.sequence` never reaches the projection, nor what follows.
            var before = pending.partitioningIndex { $0.event.sequence >= first.sequence }
            if before < pending.count, pending[before].event.sequence == first.sequence {
                while before > 0, pending[before - 1].event.commandID == pending[before].event.commandID {
                    before -= 1
                }
            }
            try applyPending(before)
            let code: BundleVerdict.Code =
                switch first.kind {
                case .chain: .chain
                case .signature: .signature
                case .command: .command
                case .rule: .rule
                }
            throw Failure(code: code, message: "event \(first.sequence): \(first.reason)")
        }
        /// Stops at `failure`, which names no event, unless a check on another core failed before it.
        func stop(_ failure: any Error, applyingPending: Bool) throws -> Never {
            if let problem = walk.firstDeferredProblem() { try fail(problem) }
            if applyingPending { try applyPending() }
            throw failure
        }
        /// The general reading of a line the quick one (`EventLine`) does not take: strict JSON,
        /// canonical byte for byte, an event envelope; or the failure that names the line.
        func readEvent(_ line: ArraySlice<UInt8>) throws -> RecordedEvent {
            do {
                let value = try JSONParser.parse(Array(line))
                guard CanonicalJSON.encode(value).elementsEqual(line) else {
                    throw Failure(
                        code: .parse, message: "events.jsonl line \(reader.lineNumber) is not canonical JSON in NFC")
                }
                return try RecordedEvent(envelope: value)
            } catch let failure as Failure {
                try stop(failure, applyingPending: true)
            } catch {
                try stop(
                    Failure(code: .parse, message: "events.jsonl line \(reader.lineNumber): \(error)"),
                    applyingPending: true)
            }
        }
        func finishCommand() throws {
            if let problem = walk.finishCommand() { try fail(problem) }
            let payloads = walk.payloadsOfLastCommand
            pending += command.enumerated().map { index, event in
                (event, payloads.count == command.count ? payloads[index] : nil)
            }
            command.removeAll(keepingCapacity: true)
            if pending.count >= 5_000 {
                if let problem = walk.firstDeferredProblem() { try fail(problem) }
                try applyPending()
            }
        }

        while true {
            let line: ArraySlice<UInt8>
            do {
                guard let next = try reader.next() else { break }
                line = next
            } catch {
                try stop(error, applyingPending: false)
            }
            let event = if let quick = EventLine.event(line) { quick } else { try readEvent(line) }
            if let gap = walk.gap(before: event) { try fail(gap) }
            if walk.startsNewCommand(event) { try finishCommand() }
            if let problem = walk.check(event) { try fail(problem) }
            if event.sequence == 1, let policy, event.hash != policy.genesis {
                try stop(
                    Failure(
                        code: .ledger,
                        message:
                            "event 1 has hash \(event.hash.hex), the trust policy names the genesis \(policy.genesis.hex)"
                    ), applyingPending: false)
            }
            if event.sequence == 1, let manifestLedgerID, manifestLedgerID != ledgerID {
                try stop(
                    Failure(
                        code: .ledger,
                        message:
                            "event 1: manifest.json names ledger '\(manifestLedgerID)', the checkpoint '\(ledgerID)'"),
                    applyingPending: false)
            }
            command.append(event)
            frontier.append(eventHash: event.hash.bytes)
            if event.sequence % 10_000 == 0 { progress?(event.sequence, 0) }
        }
        try finishCommand()
        if let problem = walk.firstDeferredProblem() { try fail(problem) }
        try applyPending()
        if let failure = hashes.writeFailure {
            throw RuleViolation(failure, vi: "Không ghi được dữ liệu tạm khi kiểm tra gói: \(failure).")
        }
        guard hashes.count > 0 else { throw Failure(code: .ledger, message: "events.jsonl holds no event 1") }
        return Replay(
            hashes: hashes, root: frontier.root, commandSequences: walk.commandSequences, actors: walk.actors,
            projection: projection)
    }
}

extension Array {
    /// The index of the first element for which `isAfter` holds, the elements being ordered so that
    /// it holds for a suffix.
    fileprivate func partitioningIndex(where isAfter: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
