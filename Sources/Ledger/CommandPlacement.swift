public import LedgerFormat

/// Where a signed command may land (FORMAT.md, Events): after the head its signer saw, and recorded
/// close to the time its signer signed it. The ledger checks this where commands enter and every
/// verifier checks it again, so the log operator can neither move a command before what its signer
/// had seen nor backdate it nor hold it back for long.
public enum CommandPlacement {
    /// How far the ledger's clock may lag behind the signer's: 5 minutes.
    public static let maximumEarlyMilliseconds: Int64 = 5 * 60 * 1000
    /// How long after signing a command may be recorded: 15 minutes.
    public static let maximumDelayMilliseconds: Int64 = 15 * 60 * 1000

    /// Why a command signed at `signedAt` having seen `basis` cannot be recorded at `recordedAt` as
    /// event `firstSequence`, or nil when it can. `hashAt` gives the hash of an earlier event.
    public static func problem(
        signedAt: Timestamp, basis: CommandBasis, recordedAt: Timestamp, firstSequence: UInt64,
        hashAt: (UInt64) throws -> EventHash?
    ) rethrows -> String? {
        guard basis.sequence < firstSequence else {
            return "its signer saw \(basis.sequence) events, but it would land at event \(firstSequence), before them"
        }
        let expected = basis.sequence == 0 ? EventHash.genesis : try hashAt(basis.sequence)
        guard expected == basis.hash else {
            return
                "its basis names event \(basis.sequence) with hash \(basis.hash.hex.prefix(16))…, which is not that event's hash"
        }
        let lag = recordedAt.millisecondsSinceEpoch - signedAt.millisecondsSinceEpoch
        if lag < -maximumEarlyMilliseconds {
            return
                "it is recorded at \(recordedAt.iso8601), more than 5 minutes before it was signed (\(signedAt.iso8601))"
        }
        if lag > maximumDelayMilliseconds {
            return
                "it is recorded at \(recordedAt.iso8601), more than 15 minutes after it was signed (\(signedAt.iso8601))"
        }
        return nil
    }
}
