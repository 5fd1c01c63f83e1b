import LMDB

/// The first thing `verify` found wrong, named by the sequence number where it shows.
public struct VerificationProblem: Sendable, Hashable, CustomStringConvertible {
    /// What kind of check failed; a bundle verifier reports it as its verdict code (FORMAT.md, Verdicts).
    public enum Kind: String, Sendable {
        /// Sequence numbers, previous-hash links, hashes, stream versions, the order of recorded times.
        case chain
        /// The command's signer, key or signature.
        case signature
        /// The command's basis or signing time (`CommandPlacement`).
        case command
        /// A rule of the authorization policy or of the actors' events.
        case rule
    }

    public let sequence: UInt64
    public let reason: String
    public let kind: Kind

    public init(sequence: UInt64, reason: String, kind: Kind = .chain) {
        self.sequence = sequence
        self.reason = reason
        self.kind = kind
    }

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
    /// position (actors are replayed from their events along the way), every stored Merkle tile
    /// (RFC 9162 hashes, `MerkleTiles`) equal to the one recomputed from the events' hashes, the
    /// stream index complete, the stored actor records equal to the replayed ones, and the recorded
    /// head equal to the last event.
    ///
    /// - Parameter progress: called now and then with (events checked, events expected).
    public func verify(progress: ((UInt64, UInt64) -> Void)? = nil) throws -> VerificationReport {
        try verify(progress: progress, batchSize: 4_096)
    }

    /// `verify(progress:)`, checking signatures and hashes on the other cores in batches of
    /// `batchSize` events.
    func verify(progress: ((UInt64, UInt64) -> Void)?, batchSize: Int) throws -> VerificationReport {
        try storage("verifying the ledger") {
            try environment.read { txn in
                let head = try readHead(txn)
                var walk = ChainWalk(ledgerID: id, batchSize: batchSize)
                var tiles = MerkleTiles.Appender()
                var found: VerificationProblem?
                do {
                    try txn.forEach(in: events) { current in
                        if let problem = try walk.check(
                            key: current.key, record: current.value, sequenceNumber: sequenceNumber)
                        {
                            found = problem
                            return false
                        }
                        if let problem = try checkTiles(
                            &tiles, afterLeaf: walk.checked - 1, eventHash: walk.previous, in: txn)
                        {
                            found = walk.firstDeferredProblem() ?? problem
                            return false
                        }
                        if walk.checked % 65_536 == 0 {
                            txn.releaseMappedPages(whenResidentFilesExceed: Environment.residentFileLimit)
                        }
                        if walk.checked % 10_000 == 0 { progress?(walk.checked, head.count) }
                        return true
                    }
                } catch {
                    // A signature or hash checked on another core, and found bad, came before the failure.
                    guard let problem = walk.firstDeferredProblem() else { throw error }
                    found = problem
                }
                // Every check set aside is done once this is nil: the checks below come after them all.
                if found == nil { found = walk.finishCommand() ?? walk.firstDeferredProblem() }
                func report(_ problem: VerificationProblem?) -> VerificationReport {
                    VerificationReport(eventCount: walk.checked, headHash: walk.previous, problem: problem)
                }
                if let found { return report(found) }
                let count = walk.checked
                if head.count > count {
                    return report(
                        VerificationProblem(
                            sequence: count + 1,
                            reason: "missing: the ledger head records \(head.count) events, only \(count) are stored"))
                }
                if head.count < count || head.hash != walk.previous {
                    return report(
                        VerificationProblem(
                            sequence: count,
                            reason:
                                "the recorded head (\(head.count) events, \(head.hash.hex.prefix(16))…) does not match the last stored event"
                        ))
                }
                for tile in tiles.edgeTiles {
                    if let problem = try compareTile(tile, sequence: count, in: txn) { return report(problem) }
                }
                let indexed = try txn.count(of: streams)
                if indexed != Int(count) {
                    return report(
                        VerificationProblem(
                            sequence: count, reason: "the stream index holds \(indexed) entries for \(count) events"))
                }
                for (stream, version) in walk.streamVersions {
                    let recorded = try streamVersion(stream, in: txn)
                    if recorded != version {
                        return report(
                            VerificationProblem(
                                sequence: count,
                                reason:
                                    "stream '\(stream)' is recorded at version \(recorded) but has \(version) events"))
                    }
                }
                for (id, replayed) in walk.actors where try actorRecord(id, in: txn) != replayed {
                    return report(
                        VerificationProblem(
                            sequence: replayed.lastChangedAt,
                            reason: "the stored record of actor '\(id)' does not match its events"))
                }
                if try txn.count(of: actors) != walk.actors.count {
                    return report(
                        VerificationProblem(
                            sequence: count, reason: "the actors database holds actors that no event enrolled"))
                }
                progress?(count, head.count)
                return report(nil)
            }
        }
    }
}

extension Ledger {
    /// Adds event `index + 1`'s leaf to the tree recomputed from the events, and compares each tile
    /// this fills with the stored one.
    fileprivate func checkTiles(
        _ tiles: inout MerkleTiles.Appender, afterLeaf index: UInt64, eventHash: EventHash, in txn: Transaction
    ) throws -> VerificationProblem? {
        let filled = try tiles.append(MerkleTree.leafHash(eventHash.bytes), index: index) { _, _ in nil }
        guard !filled.isEmpty else { return nil }
        _ = tiles.takeChanges()
        return try filled.lazy.compactMap { try self.compareTile($0, sequence: index + 1, in: txn) }.first
    }

    fileprivate func compareTile(
        _ tile: (level: Int, index: UInt64, hashes: [UInt8]), sequence: UInt64, in txn: Transaction
    ) throws -> VerificationProblem? {
        guard try storedTile(level: tile.level, index: tile.index, in: txn) != tile.hashes else { return nil }
        return VerificationProblem(
            sequence: sequence,
            reason: "the Merkle tile \(tile.level)/\(tile.index) is missing or does not match the events' hashes")
    }
}

/// One pass over the chain, event by event: sequence numbers without gaps, previous-hash links,
/// each hash recomputed, stream versions, recorded times that never go back, and for every command
/// its signature against the key its actor held at that position (actors replayed along the way),
/// its basis and signing time (`CommandPlacement`), and, given a policy, who may record what. Used by
/// `Ledger.verify()` and by verifiers of exported bundles. The Ed25519 verifications, the recomputed
/// hashes and payloads no rule needs run on the other cores (`DeferredChecks`); a problem the walk
/// returns is still the first in its order, and a caller compares its own with `firstDeferredProblem()`.
public struct ChainWalk {
    public let ledgerID: String
    private let policy: (any AuthorizationPolicy)?
    public private(set) var checked: UInt64 = 0
    public private(set) var previous = EventHash.genesis
    private(set) var streamVersions: [String: UInt64] = [:]
    public private(set) var actors: [String: ActorRecord] = [:]
    /// Which actor each key ever enrolled or rotated to belongs to: a key is one actor's only.
    private var keyOwners: [String: String] = [:]
    /// Every event's hash so far: a command's basis names one of them.
    public let hashes: EventHashLog
    private var lastRecordedAt = Timestamp(millisecondsSinceEpoch: Int64.min)
    private var sawSignedCommand = false
    private var command: [RecordedEvent] = []
    /// The events of every command so far, by command id: an id is used once in a whole history
    /// (FORMAT.md, Events), so a command replayed later by the log host is refused.
    public private(set) var commandSequences: [String: ClosedRange<UInt64>] = [:]
    /// The payloads of the command `finishCommand()` last checked, parsed, when it needed them (a
    /// policy, an actor event); empty otherwise. A replay that folds the command in can take them
    /// instead of parsing the payloads again.
    public private(set) var payloadsOfLastCommand: [JSONValue] = []
    /// The Ed25519 verifications and hash recomputations, run on every core while the walk goes on.
    private let deferred: DeferredChecks

    /// - Parameters:
    ///   - batchSize: how many events' worth of signature and hash checks are collected before they
    ///     run on the other cores; memory grows with it.
    ///   - hashes: where the events' hashes are kept (in memory unless given a log in a file).
    public init(
        ledgerID: String, policy: (any AuthorizationPolicy)? = nil, batchSize: Int = 4_096,
        hashes: EventHashLog = EventHashLog()
    ) {
        self.ledgerID = ledgerID
        self.policy = policy
        self.hashes = hashes
        deferred = DeferredChecks(batchSize: batchSize)
    }

    /// Waits for the signature and hash checks set aside so far and returns the first that failed, if
    /// any: a caller that finds a problem of its own calls this first, since whatever this returns was
    /// met before. After a failure, `checked` and `previous` are where the walk stood when it met it.
    public mutating func firstDeferredProblem() -> VerificationProblem? {
        guard let failure = deferred.firstFailure() else { return nil }
        checked = failure.position.checked
        previous = failure.position.previous
        return failure.problem
    }

    /// `problem`, unless a check set aside before it failed: the first problem in the walk's order.
    private mutating func first(_ problem: VerificationProblem?) -> VerificationProblem? {
        guard let problem else { return nil }
        return firstDeferredProblem() ?? problem
    }

    private mutating func setAside(_ check: @escaping @Sendable () -> VerificationProblem?, weight: Int)
        -> VerificationProblem?
    {
        let position = DeferredChecks.Position(checked: checked, previous: previous)
        guard let failure = deferred.add(DeferredChecks.Check(run: check, position: position), weight: weight) else {
            return nil
        }
        checked = failure.position.checked
        previous = failure.position.previous
        return failure.problem
    }

    /// Whether `event` starts a command other than the one being read: the caller may then call
    /// `finishCommand()` before `check(_:)`, to see the previous command's problems first.
    public func startsNewCommand(_ event: RecordedEvent) -> Bool {
        command.first.map { $0.commandID != event.commandID } ?? false
    }

    /// Checks the next stored entry; returns the first problem it shows, if any.
    mutating func check(
        key: [UInt8], record: [UInt8], sequenceNumber: ([UInt8]) throws -> UInt64
    ) throws -> VerificationProblem? {
        let expected = checked + 1
        guard key.count == 8 else {
            return finishCommand()
                ?? first(
                    VerificationProblem(
                        sequence: expected,
                        reason: "a key of \(key.count) bytes is stored where a sequence number belongs"))
        }
        let sequence = try sequenceNumber(key)
        if sequence != expected {
            return first(
                VerificationProblem(sequence: expected, reason: "missing: the next stored event is \(sequence)"))
        }
        let previous = command.last
        switch Result(catching: { () throws(LedgerError) in
            try EventRecord.decode(record, sequence: sequence, previous: previous)
        }) {
        case .success(let decoded):
            return check(decoded)
        case .failure(let error):
            let reason = if case .corruptEvent(_, let why) = error { why } else { error.description }
            return finishCommand()
                ?? first(VerificationProblem(sequence: sequence, reason: "its record cannot be read: \(reason)"))
        }
    }

    /// Checks the next event, already decoded (from the ledger or from an exported bundle).
    public mutating func check(_ event: RecordedEvent) -> VerificationProblem? {
        if let gap = gap(before: event) { return first(gap) }
        if startsNewCommand(event), let problem = finishCommand() {
            return problem
        }
        return first(link(event))
    }

    /// A missing event before `event`: checked first, before the command before it is finished, so
    /// that a line dropped inside a command is named as missing (FORMAT.md, Verdicts).
    public func gap(before event: RecordedEvent) -> VerificationProblem? {
        guard event.sequence != checked + 1 else { return nil }
        return VerificationProblem(sequence: checked + 1, reason: "missing: the next event is \(event.sequence)")
    }

    /// The checks of one event that depend on the events before it; the recomputed hash is set aside.
    private mutating func link(_ event: RecordedEvent) -> VerificationProblem? {
        let sequence = event.sequence
        if sequence != checked + 1 {
            return VerificationProblem(sequence: checked + 1, reason: "missing: the next event is \(sequence)")
        }
        if event.previousHash != previous {
            return VerificationProblem(
                sequence: sequence,
                reason:
                    "its previous-hash link \(event.previousHash.hex.prefix(16))… does not match the hash of event \(sequence - 1) (\(previous.hex.prefix(16))…)"
            )
        }
        if let problem = setAside(
            {
                let computed = EventHash.of(event.canonicalEnvelope())
                guard computed != event.hash else { return nil }
                return VerificationProblem(
                    sequence: sequence,
                    reason:
                        "its contents do not match its stored hash (stored \(event.hash.hex.prefix(16))…, computed \(computed.hex.prefix(16))…)"
                )
            }, weight: 1)
        {
            return problem
        }
        let streamVersion = (streamVersions[event.stream] ?? 0) + 1
        if event.causationID != event.commandID {
            return VerificationProblem(
                sequence: sequence,
                reason:
                    "its causation '\(event.causationID)' is not its command '\(event.commandID)': nobody signs the causation, so it must repeat the signed command id"
            )
        }
        if event.streamVersion != streamVersion {
            return VerificationProblem(
                sequence: sequence,
                reason:
                    "it claims version \(event.streamVersion) of stream '\(event.stream)', expected \(streamVersion)")
        }
        if event.signedAt != nil && event.recordedAt < lastRecordedAt {
            return VerificationProblem(
                sequence: sequence,
                reason:
                    "it is recorded at \(event.recordedAt.iso8601), before the event preceding it (\(lastRecordedAt.iso8601))"
            )
        }
        streamVersions[event.stream] = streamVersion
        previous = event.hash
        lastRecordedAt = event.recordedAt
        checked = sequence
        hashes.append(event.hash)
        command.append(event)
        return nil
    }

    /// Checks the command whose events were just read: its signature, its basis and signing time,
    /// and the policy; then replays its actor events. Call it once more after the last event, then
    /// `firstDeferredProblem()`: the signatures and hashes of the last batch are still being checked.
    public mutating func finishCommand() -> VerificationProblem? {
        first(finishingCommand())
    }

    private mutating func finishingCommand() -> VerificationProblem? {
        payloadsOfLastCommand = []
        guard let first = command.first else { return nil }
        defer { command.removeAll(keepingCapacity: true) }
        func problem(_ reason: String, _ kind: VerificationProblem.Kind, at sequence: UInt64? = nil)
            -> VerificationProblem
        {
            VerificationProblem(
                sequence: sequence ?? first.sequence, reason: "command '\(first.commandID)': \(reason)", kind: kind)
        }
        for event in command.dropFirst()
        where event.actor != first.actor || event.keyID != first.keyID || event.signature != first.signature
            || event.correlationID != first.correlationID || event.signedAt != first.signedAt
            || event.basis != first.basis
        {
            return VerificationProblem(
                sequence: event.sequence,
                reason:
                    "it disagrees with the rest of command '\(first.commandID)' on who signed it, when or on what basis",
                kind: .signature)
        }
        if let earlier = commandSequences[first.commandID] {
            return problem(
                "its id was already used by the command at events \(earlier.lowerBound)–\(earlier.upperBound): a signed command is recorded once, and a copy appended again is a replay",
                .command)
        }
        commandSequences[first.commandID] = first.sequence...(command.last?.sequence ?? first.sequence)
        // Payloads are read here when a policy, a bootstrap enrolment or an actor event needs them;
        // otherwise reading them is set aside like a hash, and `drafts` stays empty.
        var drafts: [EventDraft] = []
        if policy != nil || (actors.isEmpty && command.count == 1)
            || command.contains(where: { ActorEvent.types.contains($0.type) })
        {
            do { drafts = try Self.drafts(of: command) } catch {
                return problem("a payload cannot be read: \(error)", .chain)
            }
            payloadsOfLastCommand = drafts.map(\.payload)
        } else {
            let events = command
            if let failure = setAside(
                {
                    do { for event in events { try JSONParser.validate(event.payload) } } catch {
                        return VerificationProblem(
                            sequence: first.sequence,
                            reason: "command '\(first.commandID)': a payload cannot be read: \(error)", kind: .chain)
                    }
                    return nil
                }, weight: 0)
            {
                return failure
            }
        }
        let signer: ActorRecord
        let key: PublicKey
        do {
            if let known = actors[first.actor] {
                signer = known
            } else if actors.isEmpty, command.count == 1,
                let bootstrap = Ledger.bootstrapSigner(actor: first.actor, events: drafts)
            {
                signer = bootstrap
            } else {
                return problem("it is signed by unknown actor '\(first.actor)'", .signature)
            }
            key = try Ledger.signingKey(
                CommandSignature(keyID: first.keyID, value: first.signature), of: first.commandID, by: signer)
        } catch {
            return problem(Self.reason(error), .signature)
        }
        // The Ed25519 verification is set aside; the checks after it see the command as if it held.
        let (events, ledgerID) = (command, ledgerID)
        let refusal = problem(
            Ledger.signatureDoesNotVerify(of: first.commandID, key: key, by: signer.id), .signature)
        if let failure = setAside(
            {
                let message = Command.signingBytes(
                    id: first.commandID, actor: first.actor, correlationID: first.correlationID, ledgerID: ledgerID,
                    signedAt: first.signedAt, basis: first.basis,
                    events: events.map { ($0.stream, $0.type, $0.schemaVersion, $0.payload) }
                )
                return key.verifies(first.signature, of: message) ? nil : refusal
            }, weight: events.count)
        {
            return failure
        }
        switch (first.signedAt, first.basis) {
        case (let signedAt?, let basis?):
            sawSignedCommand = true
            if let why = CommandPlacement.problem(
                signedAt: signedAt, basis: basis, recordedAt: first.recordedAt, firstSequence: first.sequence,
                hashAt: hashes.hash(at:))
            {
                return problem(why, .command)
            }
        default:
            if sawSignedCommand {
                return problem("it is signed without a time and a basis, after commands that had them", .command)
            }
        }
        do {
            if let policy {
                // Event by event, so that a refusal names the event it is about (FORMAT.md, Verdicts).
                for (event, draft) in zip(command, drafts) {
                    var signed = Command(
                        id: first.commandID, actor: first.actor, events: [draft], correlationID: first.correlationID)
                    signed.signature = CommandSignature(keyID: first.keyID, value: first.signature)
                    do { try policy.authorize(signed, by: signer) } catch {
                        return problem(Self.reason(error), .rule, at: event.sequence)
                    }
                }
            }
            for (event, draft) in zip(command, drafts) where ActorEvent.types.contains(draft.type) {
                let subject = try ActorEvent.subject(of: draft)
                try ActorEvent.checkNameIsDistinct(draft, from: actors.values.map(\.name))
                let updated = try ActorEvent.apply(draft, at: event.sequence, to: actors[subject])
                if let key = updated.currentKey {
                    if let owner = keyOwners[key.id], owner != subject {
                        throw LedgerError.invalidCommand(reason: "key \(key.id) already belongs to '\(owner)'")
                    }
                    keyOwners[key.id] = subject
                }
                actors[subject] = updated
            }
        } catch {
            return problem(Self.reason(error), .rule)
        }
        return nil
    }

    private static func drafts(of events: [RecordedEvent]) throws -> [EventDraft] {
        try events.map { event in
            EventDraft(
                stream: event.stream, type: event.type, schemaVersion: event.schemaVersion,
                payload: try event.payloadValue)
        }
    }

    private static func reason(_ error: any Error) -> String {
        guard let error = error as? LedgerError else { return "\(error)" }
        switch error {
        case .signatureRefused(let why), .invalidCommand(let why), .notPermitted(let why), .outOfPlace(let why):
            return why
        default: return error.description
        }
    }
}
