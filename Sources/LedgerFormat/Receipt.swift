import Foundation

/// What a signer keeps of an accepted command (FORMAT.md, Receipts): the sequence numbers and hashes
/// of its events, a checkpoint signed by the log key right after it was appended, and an inclusion
/// proof of each event in that checkpoint's tree. Whoever holds it can later prove that the event is
/// still in the log, unchanged and in its place, so the log operator cannot quietly drop, reorder or
/// rewrite it.
public struct Receipt: Sendable, Hashable {
    public static let format = "parledger-receipt/1"
    public static let maximumBytes = 16 * 1024 * 1024

    /// One event of the command, with its inclusion proof.
    public struct Entry: Sendable, Hashable {
        public let sequence: UInt64
        public let hash: EventHash
        public let proof: [MerkleTree.Hash]

        package init(sequence: UInt64, hash: EventHash, proof: [MerkleTree.Hash]) {
            (self.sequence, self.hash, self.proof) = (sequence, hash, proof)
        }
    }

    public let ledgerID: String
    public let commandID: String
    public let entries: [Entry]
    /// The signed note of the checkpoint.
    public let checkpointNote: String

    /// Why a receipt does not hold.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
        /// Whether the only thing wrong is that too few of the policy's witnesses cosign.
        public var lacksQuorum = false
    }

    /// The same receipt with `note`, the same checkpoint with more signatures (witnesses' cosignatures).
    public func withCheckpointNote(_ note: String) -> Receipt {
        Receipt(ledgerID: ledgerID, commandID: commandID, entries: entries, checkpointNote: note)
    }

    public var json: JSONValue {
        .object([
            "format": .string(Self.format), "ledgerId": .string(ledgerID), "command": .string(commandID),
            "checkpoint": .string(checkpointNote),
            "events": .array(
                entries.map { entry in
                    .object([
                        "seq": .integer(Int64(entry.sequence)), "hash": .string(entry.hash.hex),
                        "proof": .array(entry.proof.map { .string(hexString($0)) }),
                    ])
                }),
        ])
    }

    /// Reads the receipt file at `path` (a regular file of at most 16 MiB).
    public init(file path: String) throws(Problem) {
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(path, limit: Self.maximumBytes) } catch {
            throw Problem(description: error.description)
        }
        try self.init(parsing: bytes)
    }

    /// Reads a receipt from its canonical JSON.
    public init(parsing bytes: [UInt8]) throws(Problem) {
        guard bytes.count <= Self.maximumBytes else { throw Problem(description: "the receipt is larger than 16 MiB") }
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch {
            throw Problem(description: "the receipt is not strict JSON: \(error)")
        }
        guard CanonicalJSON.encode(value) == bytes else {
            throw Problem(description: "the receipt is not canonical JSON")
        }
        guard case .object(let members) = value,
            Set(members.keys) == ["checkpoint", "command", "events", "format", "ledgerId"],
            value["format"]?.stringValue == Self.format, let ledgerID = value["ledgerId"]?.stringValue,
            let commandID = value["command"]?.stringValue, let note = value["checkpoint"]?.stringValue,
            let events = value["events"]?.arrayValue, !events.isEmpty
        else { throw Problem(description: "the receipt is not a \(Self.format) receipt") }
        var entries: [Entry] = []
        for event in events {
            guard case .object(let members) = event, Set(members.keys) == ["hash", "proof", "seq"],
                let sequence = event["seq"]?.integerValue, sequence >= 1,
                let hash = event["hash"]?.stringValue.flatMap(EventHash.init(hex:)),
                let proof = event["proof"]?.arrayValue?.map({ $0.stringValue.flatMap(EventHash.init(hex:))?.bytes }),
                !proof.contains(where: { $0 == nil }), proof.count <= 64
            else { throw Problem(description: "the receipt has a malformed event entry") }
            entries.append(Entry(sequence: UInt64(sequence), hash: hash, proof: proof.compactMap { $0 }))
        }
        self.init(ledgerID: ledgerID, commandID: commandID, entries: entries, checkpointNote: note)
    }

    package init(ledgerID: String, commandID: String, entries: [Entry], checkpointNote: String) {
        self.ledgerID = ledgerID
        self.commandID = commandID
        self.entries = entries
        self.checkpointNote = checkpointNote
    }

    /// The checkpoint, once its signature by the trusted log key, the policy's quorum of witness
    /// cosignatures and every inclusion proof are checked.
    public func verify(against policy: TrustPolicy) throws(Problem) -> Checkpoint {
        guard ledgerID == policy.ledgerID else {
            throw Problem(
                description: "the receipt is for ledger '\(ledgerID)', the trust policy for '\(policy.ledgerID)'")
        }
        let checkpoint: Checkpoint
        do {
            try SignedNote.requireKnownSignatureKinds(checkpointNote)
        } catch {
            throw Problem(description: "the receipt's checkpoint: \(error.description)")
        }
        do { checkpoint = try policy.openCheckpoint(checkpointNote).checkpoint } catch {
            throw Problem(
                description: "the receipt's checkpoint is not signed by the trusted log key: \(error.description)")
        }
        guard checkpoint.origin == Checkpoint.origin(ledgerID: ledgerID) else {
            throw Problem(description: "the receipt's checkpoint is for '\(checkpoint.origin)'")
        }
        do { _ = try policy.requireQuorum(of: checkpointNote) } catch {
            throw Problem(description: "the receipt's checkpoint: \(error.description)", lacksQuorum: true)
        }
        for entry in entries {
            guard entry.sequence <= checkpoint.size,
                MerkleTree.verifyInclusion(
                    leafHash: MerkleTree.leafHash(entry.hash.bytes), index: entry.sequence - 1,
                    size: checkpoint.size, proof: entry.proof, root: checkpoint.rootHash)
            else {
                throw Problem(
                    description:
                        "event \(entry.sequence) (\(entry.hash.hex.prefix(16))…) is not in the tree the receipt's checkpoint signs"
                )
            }
        }
        return checkpoint
    }

    /// Checks that a log of `eventCount` events, whose first `size` events have the root
    /// `rootOfFirst(size)`, still holds this receipt's history: at least its tree size and the same
    /// root at that size, so each event of the receipt is still in its place.
    public func verify(
        against policy: TrustPolicy, eventCount: UInt64, rootOfFirst: (UInt64) -> MerkleTree.Hash?
    ) throws(Problem) {
        let checkpoint = try verify(against: policy)
        guard eventCount >= checkpoint.size else {
            throw Problem(
                description:
                    "the log holds \(eventCount) events, fewer than the \(checkpoint.size) the receipt's checkpoint certified"
            )
        }
        guard rootOfFirst(checkpoint.size) == checkpoint.rootHash else {
            throw Problem(
                description:
                    "the log's first \(checkpoint.size) events do not have the root the receipt's checkpoint certified: its history was rewritten, or command '\(commandID)' was dropped or moved"
            )
        }
    }
}
