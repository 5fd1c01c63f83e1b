/// A log's keys over its history (FORMAT.md, Log key rotation): the first key and the handovers to
/// the keys after it. The trust policy and a witness's policy both hold one, so that verifiers and
/// witnesses pick the key of a checkpoint by its size the same way.
public struct LogKeyHistory: Sendable, Hashable {
    public let first: NoteVerifierKey
    public let handovers: [LogHandover]

    /// Why a history was refused.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// A history whose handovers were already checked (`checked(from:_:)`).
    public init(first: NoteVerifierKey, handovers: [LogHandover] = []) {
        self.first = first
        self.handovers = handovers
    }

    /// One key of the log and the tree sizes it signs: `from` through `through` (nil: no end yet).
    public struct Span: Sendable, Hashable {
        public let key: NoteVerifierKey
        public let from: UInt64
        public let through: UInt64?
        /// The root the tree has at `from` when a handover named it (nil for the first key).
        public let rootAtFrom: [UInt8]?

        /// Whether this key signs checkpoints of `size`.
        public func covers(_ size: UInt64) -> Bool { size >= from && through.map { size <= $0 } ?? true }
    }

    /// The log's keys in order: the first from size 0, each next one from its handover's size; a key
    /// signs up to and including the size at which the next one takes over.
    public var spans: [Span] {
        let keys = [first] + handovers.map(\.newKey)
        let starts = [UInt64(0)] + handovers.map(\.size)
        return keys.indices.map { index in
            Span(
                key: keys[index], from: starts[index], through: index + 1 < starts.count ? starts[index + 1] : nil,
                rootAtFrom: index == 0 ? nil : handovers[index - 1].rootHash)
        }
    }

    /// The key that signs the log now: the last handover's, else the first.
    public var current: NoteVerifierKey { handovers.last?.newKey ?? first }

    /// The handovers of `notes` checked as one chain from `first`: each signed by the key before it,
    /// for the same origin, to a key not used before, at a size larger than the one before.
    public static func checked(from first: NoteVerifierKey, _ notes: [(number: Int, note: String)]) throws(Problem)
        -> LogKeyHistory
    {
        var chain: [LogHandover] = []
        var current = first
        for (number, note) in notes {
            let handover: LogHandover
            do { handover = try LogHandover(parsing: note, signedBy: current) } catch {
                throw Problem(
                    description:
                        "line \(number): \(error.description) (each log-handover must be signed by the log key before it, in order)"
                )
            }
            guard handover.size > chain.last?.size ?? 0 else {
                throw Problem(
                    description:
                        "line \(number): the handover at size \(handover.size) does not come after the one at size \(chain.last?.size ?? 0)"
                )
            }
            guard !([first] + chain.map(\.newKey)).contains(where: { $0.publicKey == handover.newKey.publicKey }) else {
                throw Problem(description: "line \(number): the handover returns to a key used before")
            }
            chain.append(handover)
            current = handover.newKey
        }
        return LogKeyHistory(first: first, handovers: chain)
    }

    /// The checkpoint of `note` once it carries a valid signature by the log key that signs its size
    /// (and, at a handover's size, has the root the handover names). A note signed by another of the
    /// log's keys is refused by saying which key it is and which sizes that key signs.
    public func openCheckpoint(_ note: String) throws(Problem) -> (checkpoint: Checkpoint, key: NoteVerifierKey) {
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(parsing: try SignedNote.split(note).text) } catch {
            throw Problem(description: error.description)
        }
        let spans = self.spans
        let signing = spans.filter { (try? SignedNote.open(note, verifier: $0.key)) != nil }
        guard let span = signing.first(where: { $0.covers(checkpoint.size) }) else {
            guard let other = signing.first else {
                let keys = spans.map { TrustPolicy.fingerprint(of: $0.key.publicKey) }.joined(separator: ", ")
                throw Problem(description: "no valid signature by the trust policy's log key (\(keys))")
            }
            let fingerprint = TrustPolicy.fingerprint(of: other.key.publicKey)
            let reason =
                checkpoint.size < other.from
                ? "a log key that takes over only at tree size \(other.from)"
                : "a log key retired after tree size \(other.through ?? 0)"
            throw Problem(
                description: "the checkpoint of tree size \(checkpoint.size) is signed by \(reason) (\(fingerprint))")
        }
        for handover in handovers where handover.size == checkpoint.size && handover.rootHash != checkpoint.rootHash {
            throw Problem(
                description:
                    "the checkpoint of tree size \(checkpoint.size) has another root than the log key handover at that size"
            )
        }
        return (checkpoint, span.key)
    }
}

extension TrustPolicy {
    /// The log's keys: the first (`log`) and those its handovers name.
    public var logKeyHistory: LogKeyHistory { LogKeyHistory(first: log, handovers: handovers) }

    /// The key that signs the log now.
    public var currentLogKey: NoteVerifierKey { logKeyHistory.current }

    /// The checkpoint of `note` once the log key that signs its size signs it (`LogKeyHistory`).
    public func openCheckpoint(_ note: String) throws(Problem) -> (checkpoint: Checkpoint, key: NoteVerifierKey) {
        do { return try logKeyHistory.openCheckpoint(note) } catch { throw Problem(description: error.description) }
    }
}
