public import LedgerFormat

extension Command {
    /// The command whose recorded events `events` are, as its signer signed it (id, actor,
    /// correlation, signature, signing time, basis and drafts): what a copy of the ledger recorded,
    /// to be appended again when the ledger itself was lost (`Ledger.append(recorded:apply:)`).
    ///
    /// - Throws: `LedgerError.corruptEvent` when `events` is empty, is not one command's, or holds a
    ///   payload that is not JSON.
    public init(recorded events: [RecordedEvent]) throws {
        guard let first = events.first else {
            throw LedgerError.corruptEvent(sequence: 0, reason: "a command has at least one event")
        }
        if let other = events.first(where: {
            $0.commandID != first.commandID || $0.actor != first.actor || $0.correlationID != first.correlationID
                || $0.keyID != first.keyID || $0.signature != first.signature || $0.signedAt != first.signedAt
                || $0.basis != first.basis
        }) {
            throw LedgerError.corruptEvent(
                sequence: other.sequence,
                reason: "it names the command '\(other.commandID)' but differs from that command's first event")
        }
        let drafts = try events.map { event in
            do {
                return EventDraft(
                    stream: event.stream, type: event.type, schemaVersion: event.schemaVersion,
                    payload: try event.payloadValue)
            } catch {
                throw LedgerError.corruptEvent(sequence: event.sequence, reason: "its payload is not JSON: \(error)")
            }
        }
        self.init(id: first.commandID, actor: first.actor, events: drafts, correlationID: first.correlationID)
        signature = first.keyID.isEmpty ? nil : CommandSignature(keyID: first.keyID, value: first.signature)
        signedAt = first.signedAt
        basis = first.basis
    }
}

extension Ledger {
    /// Appends again the events another copy of this ledger recorded (its published log, when the
    /// ledger itself was lost), so that the history is the same byte for byte: each command is rebuilt
    /// from its events (`Command(recorded:)`) and appended through every check of a new command (signer,
    /// key, signature, where it may land, the policy, and whatever `apply` checks), recorded at the time
    /// it was first recorded, and each event must come out with the hash it was recorded with. All of
    /// `events`, which must continue the ledger's head, in one durable write transaction, or none.
    ///
    /// - Throws: `LedgerError.corruptEvent` naming the first event that does not come out as it was
    ///   recorded (or out of order, or whose command id was already used); otherwise what an append throws.
    public func append(
        recorded events: [RecordedEvent], apply: (RecordedEvent, ProjectionWriter) throws -> Void
    ) throws {
        var commands: [[RecordedEvent]] = []
        for event in events {
            if let last = commands.last?.last, last.commandID == event.commandID {
                commands[commands.count - 1].append(event)
            } else {
                commands.append([event])
            }
        }
        guard !commands.isEmpty else { return }
        _ = try append(batch: try commands.map(Command.init(recorded:)), trial: nil, recorded: commands, apply: apply)
    }

    /// Refuses `event` made by appending `expected` again when it is not the recorded one.
    func checkRecorded(_ event: RecordedEvent, against expected: RecordedEvent) throws {
        guard event.sequence == expected.sequence else {
            throw LedgerError.corruptEvent(
                sequence: expected.sequence,
                reason: "it comes after event \(event.sequence - 1), not after \(expected.sequence - 1)")
        }
        guard event.hash == expected.hash else {
            let differences = [
                event.recordedAt == expected.recordedAt ? nil : "recorded at \(event.recordedAt.iso8601)",
                event.previousHash == expected.previousHash ? nil : "after event hash \(event.previousHash.hex)",
                event.streamVersion == expected.streamVersion ? nil : "stream version \(event.streamVersion)",
                event.actor == expected.actor ? nil : "actor '\(event.actor)'",
            ].compactMap { $0 }
            if differences.isEmpty, EventHash.of(expected.canonicalEnvelope()) != expected.hash {
                throw LedgerError.corruptEvent(
                    sequence: expected.sequence, reason: "its recorded fields do not hash to its recorded hash")
            }
            throw LedgerError.corruptEvent(
                sequence: expected.sequence,
                reason:
                    "appended again by its command it hashes to \(event.hash.hex), not to the recorded \(expected.hash.hex)\(differences.isEmpty ? "" : " (" + differences.joined(separator: ", ") + ")")"
            )
        }
    }
}
