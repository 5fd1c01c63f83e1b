import LMDB
public import LedgerFormat

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
