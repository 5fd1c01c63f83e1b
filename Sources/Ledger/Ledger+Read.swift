import LMDB
public import LedgerFormat

/// The ledger's last position: how many events it holds and the hash of the last one.
public struct LedgerHead: Sendable, Hashable {
    public let count: UInt64
    public let hash: EventHash
}

extension Ledger {
    /// The current head (an empty ledger has count 0 and the genesis hash).
    public func head() throws -> LedgerHead {
        try storage("reading the ledger head") { try environment.read { try readHead($0) } }
    }

    /// Up to `limit` events from sequence number `start` on, in order.
    public func events(from start: UInt64 = 1, limit: Int = .max) throws -> [RecordedEvent] {
        var found: [RecordedEvent] = []
        try forEachEvent(from: start) { event in
            found.append(event)
            return found.count < limit
        }
        return found
    }

    /// Calls `body` with each event from `start` on, in order, inside one consistent snapshot,
    /// until `body` returns false.
    public func forEachEvent(from start: UInt64 = 1, _ body: (RecordedEvent) throws -> Bool) throws {
        try storage("reading events") {
            try environment.read { txn in
                var read = 0
                try forEachEvent(from: start, in: txn) { event in
                    read += 1
                    // A long scan lets go of the pages it has read now and then, to stay flat in memory.
                    if read % 65_536 == 0 {
                        txn.releaseMappedPages(whenResidentFilesExceed: Environment.residentFileLimit)
                    }
                    return try body(event)
                }
                if read >= 4_096 { txn.releaseMappedPages(whenResidentFilesExceed: Environment.residentFileLimit) }
            }
        }
    }

    /// Calls `body` with each event from `start` on, in order, as `reader` sees them (a module that
    /// keeps its own databases in `projections` reads the events of its write transaction this way),
    /// until `body` returns false.
    public func forEachEvent(
        from start: UInt64, in reader: ProjectionReader, _ body: (RecordedEvent) throws -> Bool
    ) throws {
        try forEachEvent(from: start, in: reader.transaction, body)
    }

    /// Calls `body` with each event from `start` on, in order, as `txn` sees them, until `body`
    /// returns false.
    func forEachEvent(from start: UInt64, in txn: Transaction, _ body: (RecordedEvent) throws -> Bool) throws {
        var previous: RecordedEvent?
        try txn.forEach(in: events, from: bigEndianBytes(max(start, 1))) { current in
            let event = try EventRecord.decode(
                current.value, sequence: try sequenceNumber(current.key), previous: previous)
            previous = event
            return try body(event)
        }
    }

    /// Calls `body` with each event after `start` through `end` whose stream is one of `streams` or
    /// begins with one of `streamPrefixes`, in ledger order, as `reader` sees them. It reads the
    /// stream index and only those events, so a view of a few streams' past does not decode the rest
    /// of the ledger.
    public func forEachEvent(
        inStreams streams: [String], orStreamsBeginningWith streamPrefixes: [String], after start: UInt64,
        through end: UInt64, in reader: ProjectionReader, _ body: (RecordedEvent) throws -> Void
    ) throws {
        let txn = reader.transaction
        let keyPrefixes = streams.map { Array($0.nfc.utf8) + [0] } + streamPrefixes.map { Array($0.nfc.utf8) }
        var sequences: Set<UInt64> = []
        for keyPrefix in keyPrefixes {
            try txn.forEach(in: self.streams, withPrefix: keyPrefix) { entry in
                let sequence = try sequenceNumber(entry.value)
                if sequence > start, sequence <= end { sequences.insert(sequence) }
                return true
            }
        }
        for sequence in sequences.sorted() {
            guard let bytes = try txn.value(for: bigEndianBytes(sequence), in: events) else {
                throw LedgerError.corruptEvent(sequence: sequence, reason: "indexed in a stream but missing")
            }
            try body(try EventRecord.decode(bytes, sequence: sequence))
        }
    }

    /// The event at `sequence`, or nil.
    public func event(at sequence: UInt64) throws -> RecordedEvent? {
        try storage("reading event \(sequence)") {
            try environment.read { txn in
                try txn.value(for: bigEndianBytes(sequence), in: events).map {
                    try EventRecord.decode($0, sequence: sequence)
                }
            }
        }
    }

    /// The events of one stream, in stream order.
    public func events(inStream stream: String) throws -> [RecordedEvent] {
        let stream = stream.nfc
        return try storage("reading stream '\(stream)'") {
            try environment.read { txn in
                var found: [RecordedEvent] = []
                let prefix = Array(stream.utf8) + [0]
                try txn.forEach(in: streams, withPrefix: prefix) { current in
                    let sequence = try sequenceNumber(current.value)
                    guard let bytes = try txn.value(for: current.value, in: events) else {
                        throw LedgerError.corruptEvent(
                            sequence: sequence, reason: "indexed in stream '\(stream)' but missing")
                    }
                    found.append(try EventRecord.decode(bytes, sequence: sequence))
                    return true
                }
                return found
            }
        }
    }

    /// The version of `stream`'s last event; 0 when the stream has none.
    public func streamVersion(_ stream: String) throws -> UInt64 {
        try storage("reading stream '\(stream)'") { try environment.read { try streamVersion(stream.nfc, in: $0) } }
    }

    func streamVersion(_ stream: String, in txn: Transaction) throws -> UInt64 {
        guard let bytes = try txn.value(for: Array(stream.utf8), in: streamHeads) else { return 0 }
        return try sequenceNumber(bytes)
    }

    /// The head as `reader` sees it (a module built on the ledger reads it in its own transactions).
    public func head(in reader: ProjectionReader) throws -> LedgerHead {
        try readHead(reader.transaction)
    }

    func readHead(_ txn: Transaction) throws -> LedgerHead {
        guard let bytes = try txn.value(for: Layout.headKey, in: meta) else {
            return LedgerHead(count: 0, hash: .genesis)
        }
        var reader = ByteReader(bytes: bytes)
        guard bytes.count == 40, let count = try? reader.integer(UInt64.self),
            let hash = EventHash(bytes: Array(bytes[8...]))
        else {
            throw LedgerError.notALedger(path: path, reason: "its head record is damaged")
        }
        return LedgerHead(count: count, hash: hash)
    }

    func sequenceNumber(_ key: [UInt8]) throws -> UInt64 {
        guard key.count == 8 else {
            throw LedgerError.notALedger(path: path, reason: "a sequence number of \(key.count) bytes is stored")
        }
        return key.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }
}
