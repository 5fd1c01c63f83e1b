import Glibc
public import LedgerFormat

/// Every event's hash by sequence number, as a chain walk keeps them (a command's basis names an
/// earlier event by its hash): 32 bytes an event in one buffer, or, given a file, in that file with
/// only the last 65,536 in memory, so that walking a history of any length takes the same memory.
public final class EventHashLog {
    /// How many hashes it holds: those of events 1 … `count`.
    public private(set) var count: UInt64 = 0
    /// The hashes of events `written + 1` … `count`, 32 bytes each.
    private var recent: [UInt8] = []
    /// How many hashes are in the file.
    private var written: UInt64 = 0
    private let descriptor: Int32?
    /// The first write to the file that failed; the hashes it held stay in memory.
    public private(set) var writeFailure: String?
    private static let window = 1 << 16

    /// A log held in memory.
    public init() {
        descriptor = nil
    }

    /// A log kept in the file at `path`, created or emptied (scratch space: the caller removes it).
    public init(file path: String) throws(RegularFile.Problem) {
        let opened = Glibc.open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard opened >= 0 else {
            throw RegularFile.Problem(
                kind: .notRegular, description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        descriptor = opened
        recent.reserveCapacity(32 * Self.window)
    }

    deinit {
        if let descriptor { Glibc.close(descriptor) }
    }

    public func append(_ hash: EventHash) {
        recent.append(contentsOf: hash.bytes)
        count += 1
        guard let descriptor, writeFailure == nil, recent.count >= 32 * Self.window else { return }
        let done = recent.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(32 * written)) }
        guard done == recent.count else {
            writeFailure =
                "cannot write the events' hashes: \(done < 0 ? String(cString: strerror(errno)) : "short write")"
            return
        }
        written = count
        recent.removeAll(keepingCapacity: true)
    }

    /// The hash of event `sequence`, or nil when it holds none.
    public func hash(at sequence: UInt64) -> EventHash? {
        guard sequence >= 1, sequence <= count else { return nil }
        if sequence > written {
            let start = Int(sequence - written - 1) * 32
            return EventHash(unchecked: Array(recent[start..<start + 32]))
        }
        guard let descriptor else { return nil }
        var bytes = [UInt8](repeating: 0, count: 32)
        let done = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 32, off_t(32 * (sequence - 1))) }
        return done == 32 ? EventHash(unchecked: bytes) : nil
    }

    /// The hash of the last event, or nil when it holds none.
    public var last: EventHash? { hash(at: count) }

    /// The RFC 9162 root of the first `size` events (at most `count`), read in order.
    public func root(ofFirst size: UInt64) -> MerkleTree.Hash? {
        guard size <= count else { return nil }
        var frontier = MerkleFrontier()
        var sequence: UInt64 = 1
        while sequence <= min(size, written), let descriptor {
            let batch = Int(min(UInt64(Self.window), min(size, written) - sequence + 1))
            var bytes = [UInt8](repeating: 0, count: 32 * batch)
            let done = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress, $0.count, off_t(32 * (sequence - 1)))
            }
            guard done == bytes.count else { return nil }
            for index in 0..<batch { frontier.append(eventHash: bytes[32 * index..<32 * index + 32]) }
            sequence += UInt64(batch)
        }
        while sequence <= size {
            let start = Int(sequence - written - 1) * 32
            frontier.append(eventHash: recent[start..<start + 32])
            sequence += 1
        }
        return frontier.root
    }
}
