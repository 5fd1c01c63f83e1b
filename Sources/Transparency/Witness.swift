import Foundation
public import Ledger
import LedgerFormat

/// A C2SP tlog-witness witness: cosigns a log's checkpoint only when the log's key signed it and it
/// extends, by a verified consistency proof, the last checkpoint this witness cosigned for that log.
/// What it remembers is a `WitnessState` in the state folder (Ledger): decided on and replaced
/// atomically, durable before the cosignature is returned, refused checkpoints kept as evidence.
public final class Witness: Sendable {
    public let key: WitnessKey
    public let policy: WitnessPolicy
    public let state: WitnessState
    private let clock: @Sendable () -> UInt64

    /// The answer to one add-checkpoint request: an HTTP status, content type and body.
    public struct Answer: Sendable, Equatable {
        public let status: Int
        public let contentType: String
        public let body: String

        package static func refuse(_ status: Int, _ reason: String) -> Answer {
            Answer(status: status, contentType: "text/plain; charset=utf-8", body: reason + "\n")
        }
    }

    /// Largest request body accepted: an old size, 63 proof lines and a checkpoint with signatures.
    public static let maximumRequestBytes = 64 * 1024

    public init(
        key: WitnessKey, policy: WitnessPolicy, stateDirectory: String,
        clock: (@Sendable () -> UInt64)? = nil
    ) throws {
        state = try WitnessState(directory: stateDirectory)
        self.key = key
        self.policy = policy
        self.clock = clock ?? { UInt64(time(nil)) }
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
        guard let logKeys = policy.logs[checkpoint.origin] else {
            return .refuse(404, "this witness does not witness the log '\(checkpoint.origin)'")
        }
        do { _ = try logKeys.openCheckpoint(note) } catch {
            return .refuse(403, "the checkpoint of '\(checkpoint.origin)' is refused: \(error.description)")
        }
        guard oldSize <= checkpoint.size else {
            return .refuse(400, "the old size \(oldSize) is larger than the checkpoint's \(checkpoint.size)")
        }
        guard oldSize > 0 || proof.isEmpty else { return .refuse(400, "a proof from size 0 must be empty") }
        do {
            return try state.update(origin: checkpoint.origin) { known in
                let knownSize = known?.size ?? 0
                guard oldSize == knownSize else {
                    return (.keep, Answer(status: 409, contentType: "text/x.tlog.size", body: "\(knownSize)\n"))
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
                        return (
                            .refuse(reason: reason, request: text),
                            Answer.refuse(oldSize == checkpoint.size ? 409 : 422, reason)
                        )
                    }
                }
                let cosignature = key.cosign(signed, time: clock()).line
                return (
                    .replace(WitnessState.Latest(size: checkpoint.size, rootHash: checkpoint.rootHash, note: note)),
                    Answer(status: 200, contentType: "text/plain; charset=utf-8", body: cosignature)
                )
            }
        } catch {
            return .refuse(500, "the witness could not keep its state: \(error)")
        }
    }
}
