public import LedgerFormat

extension Receipt {
    /// The receipt of `events` (one command's), with a checkpoint of the whole ledger signed now.
    public static func issue(for events: [RecordedEvent], commandID: String, by ledger: Ledger) throws -> Receipt {
        let (checkpoint, note) = try ledger.signedCheckpoint()
        let entries = try events.map { event in
            Entry(
                sequence: event.sequence, hash: event.hash,
                proof: try ledger.inclusionProof(sequence: event.sequence, size: checkpoint.size).proof)
        }
        return Receipt(ledgerID: ledger.id, commandID: commandID, entries: entries, checkpointNote: note)
    }
}
