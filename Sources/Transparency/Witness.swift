import Foundation
import LMDB
public import Ledger

/// A C2SP tlog-witness witness: cosigns a log's checkpoint only when the log's key signed it and it
/// extends, by a verified consistency proof, the last checkpoint this witness cosigned for that log.
/// That last checkpoint is kept per origin in an LMDB environment in the state folder, checked and
/// replaced in one write transaction (so two requests can never roll the log back), and persisted
/// before the cosignature is returned. Refused checkpoints that the log validly signed are kept too:
/// they may be evidence of a fork.
public final class Witness: Sendable {
    public let key: WitnessKey
    public let policy: WitnessPolicy
    private let environment: Environment
    private let latest: Database
    private let refusals: Database
    private let clock: @Sendable () -> UInt64

    /// The answer to one add-checkpoint request: an HTTP status, content type and body.
    public struct Answer: Sendable, Equatable {
        public let status: Int
        public let contentType: String
        public let body: String

        static func refuse(_ status: Int, _ reason: String) -> Answer {
            Answer(status: status, contentType: "text/plain; charset=utf-8", body: reason + "\n")
        }
    }

    /// The last checkpoint cosigned for one log.
    public struct Latest: Sendable, Equatable {
        public let size: UInt64
        public let rootHash: [UInt8]
        /// The signed note as the log sent it.
        public let note: String
    }

    /// Largest request body accepted: an old size, 63 proof lines and a checkpoint with signatures.
    public static let maximumRequestBytes = 64 * 1024

    public init(
        key: WitnessKey, policy: WitnessPolicy, stateDirectory: String,
        clock: (@Sendable () -> UInt64)? = nil
    ) throws {
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        var options = EnvironmentOptions()
        options.maximumMapSize = 1 << 32
        environment = try Environment(path: stateDirectory, options: options)
        latest = try environment.database(named: "latest")
        refusals = try environment.database(named: "refusals")
        self.key = key
        self.policy = policy
        self.clock = clock ?? { UInt64(time(nil)) }
    }

    /// The last checkpoint cosigned for `origin`, if any.
    public func latest(origin: String) throws -> Latest? {
        try environment.read { txn in try txn.value(for: Array(origin.utf8), in: latest).map(Self.decode) }
    }

    /// The refused but validly signed checkpoints, oldest first: why, and the request.
    public func refused() throws -> [(reason: String, request: String)] {
        var found: [(String, String)] = []
        try environment.read { txn in
            try txn.forEach(in: refusals) { entry in
                let text = String(decoding: entry.value, as: UTF8.self)
                let parts = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                found.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
                return true
            }
        }
        return found
    }

    /// Handles the body of `POST <prefix>/add-checkpoint`.
    public func addCheckpoint(_ body: [UInt8]) -> Answer {
        guard body.count <= Self.maximumRequestBytes, let text = String(validating: body, as: UTF8.self) else {
            return .refuse(400, "the request is not UTF-8 text of at most 64 KiB")
        }
        guard let blank = text.range(of: "\n\n") else {
            return .refuse(400, "the request has no empty line before the checkpoint")
        }
        let head = text[..<blank.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
        let note = String(text[blank.upperBound...])
        guard let first = head.first, first.hasPrefix("old "), let oldSize = UInt64(first.dropFirst(4)),
            String(oldSize) == first.dropFirst(4)
        else {
            return .refuse(400, "the request does not start with 'old <size>'")
        }
        guard head.count - 1 <= 63 else { return .refuse(400, "more than 63 consistency proof lines") }
        var proof: [MerkleTree.Hash] = []
        for line in head.dropFirst() {
            guard let hash = Data(base64Encoded: String(line)), hash.count == 32 else {
                return .refuse(400, "a consistency proof line is not a base64 SHA-256 hash")
            }
            proof.append(Array(hash))
        }
        let checkpoint: Checkpoint
        let signed: String
        do {
            signed = try SignedNote.split(note).text
            checkpoint = try Checkpoint(parsing: signed)
        } catch {
            return .refuse(400, "not a checkpoint: \(error.description)")
        }
        guard let logKey = policy.logs[checkpoint.origin] else {
            return .refuse(404, "this witness does not witness the log '\(checkpoint.origin)'")
        }
        guard (try? SignedNote.open(note, verifier: logKey)) != nil else {
            return .refuse(403, "the checkpoint carries no valid signature by the key of '\(checkpoint.origin)'")
        }
        guard oldSize <= checkpoint.size else {
            return .refuse(400, "the old size \(oldSize) is larger than the checkpoint's \(checkpoint.size)")
        }
        guard oldSize > 0 || proof.isEmpty else { return .refuse(400, "a proof from size 0 must be empty") }
        do {
            return try environment.write { txn in
                let origin = Array(checkpoint.origin.utf8)
                let known = try txn.value(for: origin, in: latest).map(Self.decode)
                let knownSize = known?.size ?? 0
                guard oldSize == knownSize else {
                    return Answer(status: 409, contentType: "text/x.tlog.size", body: "\(knownSize)\n")
                }
                if let known {
                    let consistent =
                        oldSize == checkpoint.size
                        ? known.rootHash == checkpoint.rootHash
                        : MerkleTree.verifyConsistency(
                            oldSize: oldSize, newSize: checkpoint.size, oldRoot: known.rootHash,
                            newRoot: checkpoint.rootHash, proof: proof)
                    guard consistent else {
                        let reason =
                            oldSize == checkpoint.size
                            ? "a different root for the same size \(oldSize) as the checkpoint cosigned before"
                            : "the consistency proof from \(oldSize) to \(checkpoint.size) does not verify against the checkpoint cosigned before"
                        try record(reason: reason, request: text, in: txn)
                        return Answer.refuse(oldSize == checkpoint.size ? 409 : 422, reason)
                    }
                }
                try txn.put(
                    Self.encode(Latest(size: checkpoint.size, rootHash: checkpoint.rootHash, note: note)), for: origin,
                    in: latest)
                return Answer(
                    status: 200, contentType: "text/plain; charset=utf-8", body: key.cosign(signed, time: clock()).line)
            }
        } catch {
            return .refuse(500, "the witness could not keep its state: \(error)")
        }
    }

    private func record(reason: String, request: String, in txn: WriteTransaction) throws {
        let next = UInt64(try txn.count(of: refusals))
        try txn.put(Array((reason + "\n" + request).utf8), for: bigEndian(next), in: refusals)
    }

    private func bigEndian(_ value: UInt64) -> [UInt8] { withUnsafeBytes(of: value.bigEndian) { Array($0) } }

    private static func encode(_ latest: Latest) -> [UInt8] {
        Array("\(latest.size)\n\(Data(latest.rootHash).base64EncodedString())\n\(latest.note)".utf8)
    }

    private static func decode(_ bytes: [UInt8]) -> Latest {
        let text = String(decoding: bytes, as: UTF8.self)
        let parts = text.split(separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        return Latest(
            size: UInt64(parts[0]) ?? 0, rootHash: Array(Data(base64Encoded: String(parts[1])) ?? Data()),
            note: String(parts[2]))
    }
}
