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
    /// without gaps, every command's signature checked against the key its actor held at that
    /// position (actors are replayed from their events along the way), every stored Merkle node
    /// (RFC 9162) recomputed from its children, the stream index complete,
    /// the stored actor records equal to the replayed ones, and the recorded head equal to the last
    /// event.
    ///
    /// - Parameter progress: called now and then with (events checked, events expected).
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerificationReport {
        try storage("verifying the ledger") {
            try environment.read { txn in
                let head = try readHead(txn)
                var walk = ChainWalk(ledgerID: id)
                let found: VerificationProblem? = try txn.withCursor(on: events) { cursor in
                    var entry = try cursor.first()
                    while let current = entry {
                        if let problem = try walk.check(key: current.key, record: current.value, sequenceNumber: sequenceNumber) {
                            return problem
                        }
                        if let problem = try checkMerkleNodes(afterLeaf: walk.checked - 1, eventHash: walk.previous, in: txn) {
                            return problem
                        }
                        if walk.checked % 10_000 == 0 { progress?(walk.checked, head.count) }
                        entry = try cursor.next()
                    }
                    return walk.finishCommand()
                }
                func report(_ problem: VerificationProblem?) -> VerificationReport {
                    VerificationReport(eventCount: walk.checked, headHash: walk.previous, problem: problem)
                }
                if let found { return report(found) }
                let count = walk.checked
                if head.count > count {
                    return report(VerificationProblem(sequence: count + 1, reason: "missing: the ledger head records \(head.count) events, only \(count) are stored"))
                }
                if head.count < count || head.hash != walk.previous {
                    return report(VerificationProblem(sequence: count, reason: "the recorded head (\(head.count) events, \(head.hash.hex.prefix(16))…) does not match the last stored event"))
                }
                let indexed = try txn.count(of: streams)
                if indexed != Int(count) {
                    return report(VerificationProblem(sequence: count, reason: "the stream index holds \(indexed) entries for \(count) events"))
                }
                for (stream, version) in walk.streamVersions {
                    let recorded = try streamVersion(stream, in: txn)
                    if recorded != version {
                        return report(VerificationProblem(sequence: count, reason: "stream '\(stream)' is recorded at version \(recorded) but has \(version) events"))
                    }
                }
                for (id, replayed) in walk.actors where try actorRecord(id, in: txn) != replayed {
                    return report(VerificationProblem(sequence: replayed.lastChangedAt, reason: "the stored record of actor '\(id)' does not match its events"))
                }
                if try txn.count(of: actors) != walk.actors.count {
                    return report(VerificationProblem(sequence: count, reason: "the actors database holds actors that no event enrolled"))
                }
                progress?(count, head.count)
                return report(nil)
            }
        }
    }
}

extension Ledger {
    /// Checks the stored Merkle leaf of event `index + 1` and every subtree node it completes.
    fileprivate func checkMerkleNodes(afterLeaf index: UInt64, eventHash: EventHash, in txn: Transaction) throws -> VerificationProblem? {
        func stored(_ level: UInt8, _ position: UInt64) throws -> [UInt8]? {
            try txn.value(for: Self.merkleKey(level: level, index: position), in: merkle)
        }
        var node = MerkleTree.leafHash(eventHash.bytes)
        guard try stored(0, index) == node else {
            return VerificationProblem(sequence: index + 1, reason: "its Merkle leaf is missing or does not match its hash")
        }
        var level: UInt8 = 0
        var position = index
        while position & 1 == 1 {
            guard let left = try stored(level, position - 1) else {
                return VerificationProblem(sequence: index + 1, reason: "the Merkle node \(level)/\(position - 1) is missing")
            }
            node = MerkleTree.nodeHash(left, node)
            level += 1
            position >>= 1
            guard try stored(level, position) == node else {
                return VerificationProblem(sequence: index + 1, reason: "the Merkle node \(level)/\(position) does not match its children")
            }
        }
        return nil
    }
}

/// One pass over the chain, event by event: sequence numbers without gaps, previous-hash links,
/// each hash recomputed, stream versions, and every command's signature checked against the key
/// its actor held at that position (actors replayed along the way). Used by `Ledger.verify()` and by
/// verifiers of exported bundles.
public struct ChainWalk {
    public let ledgerID: String
    public private(set) var checked: UInt64 = 0
    public private(set) var previous = EventHash.genesis
    private(set) var streamVersions: [String: UInt64] = [:]
    public private(set) var actors: [String: ActorRecord] = [:]
    private var command: [RecordedEvent] = []

    public init(ledgerID: String) {
        self.ledgerID = ledgerID
    }

    /// Checks the next stored entry; returns the first problem it shows, if any.
    mutating func check(
        key: [UInt8], record: [UInt8], sequenceNumber: ([UInt8]) throws -> UInt64
    ) throws -> VerificationProblem? {
        let expected = checked + 1
        guard key.count == 8 else {
            return finishCommand() ?? VerificationProblem(sequence: expected, reason: "a key of \(key.count) bytes is stored where a sequence number belongs")
        }
        let sequence = try sequenceNumber(key)
        if sequence != expected {
            return VerificationProblem(sequence: expected, reason: "missing: the next stored event is \(sequence)")
        }
        switch Result(catching: { () throws(LedgerError) in try EventRecord.decode(record, sequence: sequence) }) {
        case .success(let decoded):
            return check(decoded)
        case .failure(let error):
            let reason = if case .corruptEvent(_, let why) = error { why } else { error.description }
            return finishCommand() ?? VerificationProblem(sequence: sequence, reason: "its record cannot be read: \(reason)")
        }
    }

    /// Checks the next event, already decoded (from the ledger or from an exported bundle).
    public mutating func check(_ event: RecordedEvent) -> VerificationProblem? {
        let sequence = event.sequence
        if sequence != checked + 1 {
            return VerificationProblem(sequence: checked + 1, reason: "missing: the next event is \(sequence)")
        }
        if let first = command.first, first.commandID != event.commandID, let problem = finishCommand() {
            return problem
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
        checked = sequence
        command.append(event)
        return nil
    }

    /// Checks the signature of the command whose events were just read, then replays its actor
    /// events; call it once more after the last event.
    public mutating func finishCommand() -> VerificationProblem? {
        guard let first = command.first else { return nil }
        defer { command.removeAll(keepingCapacity: true) }
        for event in command.dropFirst()
        where event.actor != first.actor || event.keyID != first.keyID || event.signature != first.signature
            || event.correlationID != first.correlationID {
            return VerificationProblem(sequence: event.sequence, reason: "it disagrees with the rest of command '\(first.commandID)' on who signed it")
        }
        let message = Command.signingBytes(
            id: first.commandID, actor: first.actor, correlationID: first.correlationID, ledgerID: ledgerID,
            events: command.map { ($0.stream, $0.type, $0.schemaVersion, $0.payload) }
        )
        do {
            let actorEvents = try command.filter { ActorEvent.types.contains($0.type) }.map { event in
                (event.sequence, EventDraft(stream: event.stream, type: event.type, schemaVersion: event.schemaVersion, payload: try event.payloadValue))
            }
            let signer: ActorRecord
            if let known = actors[first.actor] {
                signer = known
            } else if actors.isEmpty, command.count == 1,
                let enrolment = Ledger.bootstrapEnrolment(actor: first.actor, events: actorEvents.map(\.1)) {
                signer = try ActorEvent.apply(enrolment, at: first.sequence, to: nil)
            } else {
                return VerificationProblem(sequence: first.sequence, reason: "command '\(first.commandID)' is signed by unknown actor '\(first.actor)'")
            }
            try Ledger.checkSignature(
                CommandSignature(keyID: first.keyID, value: first.signature), of: first.commandID, message: message, by: signer
            )
            for (sequence, draft) in actorEvents {
                let subject = try ActorEvent.subject(of: draft)
                actors[subject] = try ActorEvent.apply(draft, at: sequence, to: actors[subject])
            }
        } catch let error as LedgerError {
            let reason: String
            switch error {
            case .signatureRefused(let why), .invalidCommand(let why): reason = why
            default: reason = error.description
            }
            return VerificationProblem(sequence: first.sequence, reason: "command '\(first.commandID)': \(reason)")
        } catch {
            return VerificationProblem(sequence: first.sequence, reason: "command '\(first.commandID)': \(error)")
        }
        return nil
    }
}
