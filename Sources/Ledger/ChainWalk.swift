import LMDB
public import LedgerFormat

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
        case .signatureRefused(let why), .invalidCommand(let why), .notPermitted(let why, _), .outOfPlace(let why):
            return why
        default: return error.description
        }
    }
}
