import LMDB

/// The first thing `verify` found wrong, named by the sequence number where it shows.
public struct VerificationProblem: Sendable, Hashable, CustomStringConvertible {
    public let sequence: UInt64
    public let reason: String

    public var description: String { "event \(sequence): \(reason)" }
}

/// What `verify` found: how many events it checked and the head hash, or the first problem.
public struct VerificationReport: Sendable {
    public let eventCount: UInt64
    public let headHash: EventHash
    public let problem: VerificationProblem?

    public var isIntact: Bool { problem == nil }
}

extension Ledger {
    /// Walks the whole chain in one snapshot: sequence numbers without gaps, each record decodable,
    /// each previous-hash link, each hash recomputed from the event's contents, stream versions
    /// without gaps, the stream index complete, and the recorded head equal to the last event.
    ///
    /// - Parameter progress: called now and then with (events checked, events expected).
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerificationReport {
        try storage("verifying the ledger") {
            try environment.read { txn in
                let head = try readHead(txn)
                var expected: UInt64 = 1
                var previous = EventHash.genesis
                var streamVersions: [String: UInt64] = [:]
                func report(_ problem: VerificationProblem?) -> VerificationReport {
                    VerificationReport(eventCount: expected - 1, headHash: previous, problem: problem)
                }
                let found: VerificationProblem? = try txn.withCursor(on: events) { cursor in
                    var entry = try cursor.first()
                    while let current = entry {
                        guard current.key.count == 8 else {
                            return VerificationProblem(sequence: expected, reason: "a key of \(current.key.count) bytes is stored where a sequence number belongs")
                        }
                        let sequence = try sequenceNumber(current.key)
                        if sequence != expected {
                            return VerificationProblem(sequence: expected, reason: "missing: the next stored event is \(sequence)")
                        }
                        let event: RecordedEvent
                        do {
                            event = try EventRecord.decode(current.value, sequence: sequence)
                        } catch LedgerError.corruptEvent(_, let reason) {
                            return VerificationProblem(sequence: sequence, reason: "its record cannot be read: \(reason)")
                        }
                        if event.previousHash != previous {
                            return VerificationProblem(sequence: sequence, reason: "its previous-hash link \(event.previousHash.hex.prefix(16))… does not match the hash of event \(sequence - 1) (\(previous.hex.prefix(16))…)")
                        }
                        let computed = EventHash.of(event.canonicalEnvelope())
                        if computed != event.hash {
                            return VerificationProblem(sequence: sequence, reason: "its contents do not match its stored hash (stored \(event.hash.hex.prefix(16))…, computed \(computed.hex.prefix(16))…)")
                        }
                        let streamVersion = (streamVersions[event.stream] ?? 0) + 1
                        if event.streamVersion != streamVersion {
                            return VerificationProblem(sequence: sequence, reason: "it claims version \(event.streamVersion) of stream '\(event.stream)', expected \(streamVersion)")
                        }
                        streamVersions[event.stream] = streamVersion
                        previous = event.hash
                        expected += 1
                        if sequence % 10_000 == 0 { progress?(sequence, head.count) }
                        entry = try cursor.next()
                    }
                    return nil
                }
                if let found { return report(found) }
                let count = expected - 1
                if head.count > count {
                    return report(VerificationProblem(sequence: expected, reason: "missing: the ledger head records \(head.count) events, only \(count) are stored"))
                }
                if head.count < count || head.hash != previous {
                    return report(VerificationProblem(sequence: count, reason: "the recorded head (\(head.count) events, \(head.hash.hex.prefix(16))…) does not match the last stored event"))
                }
                let indexed = try txn.count(of: streams)
                if indexed != Int(count) {
                    return report(VerificationProblem(sequence: count, reason: "the stream index holds \(indexed) entries for \(count) events"))
                }
                for (stream, version) in streamVersions {
                    let recorded = try streamVersion(stream, in: txn)
                    if recorded != version {
                        return report(VerificationProblem(sequence: count, reason: "stream '\(stream)' is recorded at version \(recorded) but has \(version) events"))
                    }
                }
                progress?(count, head.count)
                return report(nil)
            }
        }
    }
}
