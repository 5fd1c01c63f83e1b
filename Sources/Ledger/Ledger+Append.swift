import LMDB
public import LedgerFormat

extension Ledger {
    /// Appends one command's events in one durable write transaction.
    ///
    /// A command whose id is already recorded appends nothing and returns the events it appended
    /// the first time.
    /// - Throws: `LedgerError` (`.invalidCommand`, `.wrongExpectedVersion`, `.commandIDReused`,
    ///   `.storage`); when it throws, nothing was appended.
    @discardableResult
    public func append(_ command: Command) throws -> AppendResult {
        try append(batch: [command])[0]
    }

    /// Appends many commands in one durable write transaction: all of them or, when any is refused,
    /// none. Used for imports.
    @discardableResult
    public func append(batch commands: [Command]) throws -> [AppendResult] {
        try append(batch: commands) { _, _ in }
    }

    /// Appends many commands in one write transaction, calling `apply` for each newly recorded event
    /// inside that transaction with a `ProjectionWriter` on it, so that a module built on the ledger
    /// keeps its own databases of `projections` in step with the events. When `apply` throws,
    /// nothing is appended; what it throws passes through, and storage failures become
    /// `LedgerError.storage`.
    @discardableResult
    public func append(
        batch commands: [Command],
        apply: (RecordedEvent, ProjectionWriter) throws -> Void
    ) throws -> [AppendResult] {
        try append(batch: commands, trial: nil, recorded: nil, apply: apply)
    }

    /// Judges `command`, not yet signed, as if its signer had signed it with the key `keyID` (their
    /// current key when nil) and appended it now: every check of an append but the signature itself
    /// (the actor, its status and key, the policy, the command's shape, the expected versions, and
    /// whatever `apply` checks of its events), in a write transaction that is then abandoned, so
    /// nothing is written. Returns the events as they would be recorded; throws what the append would.
    /// A page asks this before anyone signs.
    public func trial(
        _ command: Command, keyID: String? = nil, apply: (RecordedEvent, ProjectionWriter) throws -> Void
    ) throws -> [RecordedEvent] {
        var recorded: [RecordedEvent] = []
        do {
            _ = try append(batch: [command], trial: Trial(keyID: keyID), recorded: nil) { event, writer in
                try apply(event, writer)
                recorded.append(event)
            }
        } catch is Trial.Abandoned {
            return recorded
        }
        throw LedgerError.invalidCommand(reason: "the trial of command '\(command.id)' was not abandoned")
    }

    /// How a trial differs from an append: no signature is checked but the key's, and the write
    /// transaction is abandoned at its end (by throwing `Abandoned`).
    struct Trial {
        let keyID: String?
        struct Abandoned: Error {}
    }

    /// The one append: `trial` judges without signatures and writes nothing; `recorded` gives, per
    /// command, the events another copy recorded for it, which its events must come out as (each
    /// command then recorded at its recorded time, instead of now).
    func append(
        batch commands: [Command], trial: Trial?, recorded: [[RecordedEvent]]?,
        apply: (RecordedEvent, ProjectionWriter) throws -> Void
    ) throws -> [AppendResult] {
        for command in commands { try validate(command, signedInFormatOne: recorded != nil) }
        let now = clock.now()
        return try storage("appending to the ledger") {
            try environment.write { txn in
                let writer = ProjectionWriter(txn)
                var head = try readHead(txn)
                let last = try lastRecordedAt(head, txn)
                var recordedAt = recorded == nil ? max(now, last) : last
                var results: [AppendResult] = []
                results.reserveCapacity(commands.count)
                var pending = PendingWrites()
                for (index, command) in commands.enumerated() {
                    let expected = recorded?[index]
                    if let time = expected?.first?.recordedAt { recordedAt = max(time, recordedAt) }
                    let result = try appendOne(
                        command, at: recordedAt, head: &head, pending: &pending, trial: trial, original: expected,
                        txn: txn)
                    if !result.wasAlreadyRecorded {
                        for event in result.events { try apply(event, writer) }
                    }
                    results.append(result)
                }
                try storeTiles(of: &pending.tiles, in: txn)
                for (stream, version) in pending.streamHeads.sorted(by: { $0.key < $1.key }) {
                    try txn.put(bigEndianBytes(version), for: Array(stream.utf8), in: streamHeads)
                }
                var headValue = bigEndianBytes(head.count)
                headValue.append(contentsOf: head.hash.bytes)
                try txn.put(headValue, for: Layout.headKey, in: meta)
                if trial != nil { throw Trial.Abandoned() }
                return results
            }
        }
    }

    private func appendOne(
        _ command: Command, at recordedAt: Timestamp, head: inout LedgerHead, pending: inout PendingWrites,
        trial: Trial?, original: [RecordedEvent]?, txn: WriteTransaction
    ) throws -> AppendResult {
        let commandKey = Array(command.id.utf8)
        let payloads = command.events.map { CanonicalJSON.encode($0.payload) }
        let signingBytes = command.signingBytes(ledgerID: id, payloads: payloads)
        var unsigned = command
        unsigned.signedAt = nil
        unsigned.basis = nil
        // A retry signed again (later, on a newer head) is the same command: the digest leaves both out.
        let digest = EventHash.of(unsigned.signingBytes(ledgerID: id, payloads: payloads))
        if let stored = try txn.value(for: commandKey, in: commands) {
            if let first = original?.first {
                throw LedgerError.corruptEvent(
                    sequence: first.sequence,
                    reason: "its command id '\(command.id)' was already used by an earlier command")
            }
            guard stored.count == 44, Array(stored[12..<44]) == digest.bytes else {
                throw LedgerError.commandIDReused(id: command.id)
            }
            var reader = ByteReader(bytes: stored)
            let first = try reader.integer(UInt64.self)
            let count = try reader.integer(UInt32.self)
            let earlier = try (first..<first + UInt64(count)).map { sequence in
                guard let bytes = try txn.value(for: bigEndianBytes(sequence), in: events) else {
                    throw LedgerError.corruptEvent(
                        sequence: sequence, reason: "recorded for command '\(command.id)' but missing")
                }
                return try EventRecord.decode(bytes, sequence: sequence)
            }
            return AppendResult(events: earlier, wasAlreadyRecorded: true)
        }
        if let outside = UnicodeRepertoire.firstOutside(utf8: signingBytes) {
            throw LedgerError.invalidCommand(reason: "the command holds \(UnicodeRepertoire.describe(outside))")
        }
        let signer =
            if let trial {
                try authenticateUnsigned(command, keyID: trial.keyID, in: txn)
            } else {
                try authenticate(command, signingBytes: signingBytes, next: head.count + 1, in: txn)
            }
        if let signedAt = command.signedAt, let basis = command.basis,
            let problem = try CommandPlacement.problem(
                signedAt: signedAt, basis: basis, recordedAt: recordedAt, firstSequence: head.count + 1,
                hashAt: { try hash(at: $0, txn) })
        {
            throw LedgerError.outOfPlace(reason: problem)
        }
        for (stream, expected) in command.expectedVersions.sorted(by: { $0.key < $1.key }) {
            let actual = try pending.streamHeads[stream] ?? streamVersion(stream, in: txn)
            guard expected.admits(actual) else {
                throw LedgerError.wrongExpectedVersion(stream: stream, expected: expected, actual: actual)
            }
        }
        var recorded: [RecordedEvent] = []
        recorded.reserveCapacity(command.events.count)
        let firstSequence = head.count + 1
        let correlation = command.correlationID
        let signature = command.signature?.value ?? []
        for (draft, payload) in zip(command.events, payloads) {
            let sequence = head.count + 1
            if ActorEvent.types.contains(draft.type) { try applyActorEvent(draft, at: sequence, in: txn) }
            let streamVersion = try (pending.streamHeads[draft.stream] ?? streamVersion(draft.stream, in: txn)) + 1
            let hash = EventHash.of(
                RecordedEvent.envelope(
                    sequence: sequence, stream: draft.stream, streamVersion: streamVersion, type: draft.type,
                    schemaVersion: draft.schemaVersion, payload: payload, actor: signer.id, recordedAt: recordedAt,
                    commandID: command.id, causationID: command.id, correlationID: correlation,
                    keyID: command.signature?.keyID ?? "", signature: signature, previousHash: head.hash, hash: nil,
                    signedAt: command.signedAt, basis: command.basis
                ))
            let event = RecordedEvent(
                sequence: sequence, stream: draft.stream, streamVersion: streamVersion, type: draft.type,
                schemaVersion: draft.schemaVersion, payload: payload, actor: signer.id, recordedAt: recordedAt,
                commandID: command.id, causationID: command.id, correlationID: correlation,
                keyID: command.signature?.keyID ?? "", signature: signature, previousHash: head.hash, hash: hash,
                signedAt: command.signedAt, basis: command.basis
            )
            if let original { try checkRecorded(event, against: original[Int(sequence - firstSequence)]) }
            let sequenceKey = bigEndianBytes(sequence)
            try txn.put(EventRecord.encode(event), for: sequenceKey, in: events, options: .append)
            try txn.put(
                sequenceKey, for: streamIndexKey(draft.stream, streamVersion), in: streams, options: .noOverwrite)
            pending.streamHeads[draft.stream] = streamVersion
            do {
                _ = try pending.tiles.append(MerkleTree.leafHash(hash.bytes), index: sequence - 1) { level, index in
                    try storedTile(level: level, index: index, in: txn)
                }
            } catch let problem as MerkleTiles.TileProblem {
                throw LedgerError.corruptEvent(sequence: sequence, reason: problem.reason)
            }
            head = LedgerHead(count: sequence, hash: hash)
            recorded.append(event)
        }
        var commandValue = bigEndianBytes(firstSequence)
        appendInteger(UInt32(recorded.count), to: &commandValue)
        commandValue.append(contentsOf: digest.bytes)
        try txn.put(commandValue, for: commandKey, in: commands, options: .noOverwrite)
        return AppendResult(events: recorded, wasAlreadyRecorded: false)
    }

    /// Checks the command's shape; a command signed without a time and a basis (signing format 1) only
    /// when `signedInFormatOne` allows it: appended again as recorded by a ledger of that time.
    private func validate(_ command: Command, signedInFormatOne: Bool) throws {
        func refuse(_ reason: String) -> LedgerError { .invalidCommand(reason: reason) }
        try checkIdentifier(command.id, "command id", maximumBytes: 128)
        try checkIdentifier(command.actor, "actor", maximumBytes: 128)
        try checkIdentifier(command.correlationID, "correlation id", maximumBytes: 128)
        guard !command.events.isEmpty else { throw refuse("command '\(command.id)' has no events") }
        guard command.signature == nil || (command.signedAt != nil && command.basis != nil) || signedInFormatOne else {
            throw refuse(
                "command '\(command.id)' is signed without a time and the head its signer saw (signing format 2)")
        }
        for (position, draft) in command.events.enumerated() {
            let place = "event \(position + 1) of command '\(command.id)'"
            try checkIdentifier(draft.stream, "stream of \(place)", maximumBytes: 256)
            try checkIdentifier(draft.type, "type of \(place)", maximumBytes: 128)
            guard draft.type.utf8.allSatisfy({ $0.isTypeNameByte }) else {
                throw refuse("type '\(draft.type)' of \(place) must use only ASCII letters, digits, '.', '-' and '_'")
            }
            guard draft.schemaVersion >= 1 else { throw refuse("schema version of \(place) must be at least 1") }
            guard case .object = draft.payload else { throw refuse("payload of \(place) must be a JSON object") }
        }
        for stream in command.expectedVersions.keys {
            try checkIdentifier(stream, "stream named in an expected version", maximumBytes: 256)
        }
    }

    private func checkIdentifier(_ text: String, _ what: String, maximumBytes: Int) throws {
        guard !text.isEmpty else { throw LedgerError.invalidCommand(reason: "\(what) is empty") }
        guard text.utf8.count <= maximumBytes else {
            throw LedgerError.invalidCommand(reason: "\(what) is longer than \(maximumBytes) bytes")
        }
        let isPlainASCII = text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
        guard isPlainASCII || !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw LedgerError.invalidCommand(reason: "\(what) contains a control character")
        }
    }

    /// `command` signed by `key` for this ledger, now, having seen the ledger's current head.
    public func sign(_ command: Command, with key: SigningKey) throws -> Command {
        let head = try head()
        return key.sign(
            command, forLedger: id, basis: CommandBasis(sequence: head.count, hash: head.hash), at: clock.now())
    }

    /// The hash of event `sequence`, read inside `txn`.
    private func hash(at sequence: UInt64, _ txn: Transaction) throws -> EventHash? {
        guard let bytes = try txn.value(for: bigEndianBytes(sequence), in: events) else { return nil }
        return try EventRecord.decode(bytes, sequence: sequence).hash
    }

    /// When the last event was recorded (the epoch on an empty ledger): recorded times never go back.
    private func lastRecordedAt(_ head: LedgerHead, _ txn: Transaction) throws -> Timestamp {
        guard head.count > 0, let bytes = try txn.value(for: bigEndianBytes(head.count), in: events) else {
            return Timestamp(millisecondsSinceEpoch: 0)
        }
        return try EventRecord.decode(bytes, sequence: head.count).recordedAt
    }

    func streamIndexKey(_ stream: String, _ version: UInt64) -> [UInt8] {
        var key = Array(stream.utf8)
        key.append(0)
        appendInteger(version, to: &key)
        return key
    }
}

/// What one write transaction of appends keeps in memory and writes once, at its end: the Merkle
/// tiles it filled or grew, and the new version of each stream it appended to.
struct PendingWrites {
    var tiles = MerkleTiles.Appender()
    var streamHeads: [String: UInt64] = [:]
}

extension UInt8 {
    fileprivate var isTypeNameByte: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
