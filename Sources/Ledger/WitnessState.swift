import Foundation
import LMDB
public import LedgerFormat

/// What a witness remembers of each log it cosigns, in an LMDB environment of its own: the last
/// checkpoint it cosigned per origin, decided on and replaced in one write transaction (so two
/// requests can never roll a log back), durable before the caller answers; and the checkpoints it
/// refused though their log signed them, kept as evidence of a fork.
public final class WitnessState: Sendable {
    /// The last checkpoint cosigned for one log.
    public struct Latest: Sendable, Equatable {
        public let size: UInt64
        public let rootHash: [UInt8]
        /// The signed note as the log sent it.
        public let note: String

        public init(size: UInt64, rootHash: [UInt8], note: String) {
            self.size = size
            self.rootHash = rootHash
            self.note = note
        }
    }

    /// What to do with a log's state, decided from what it holds.
    public enum Decision: Sendable {
        case keep
        case replace(Latest)
        /// Keep the state, and record why this request was refused, with the request.
        case refuse(reason: String, request: String)
    }

    private let environment: Environment
    private let latest: Database
    private let refusals: Database

    /// The format of the witness's state, kept in its `meta` database (absent in states made before
    /// it, which are of this format): a witness never reads a state of another format.
    public static let format = "parledger-witness-state/1"
    private static let formatKey = Array("format".utf8)

    /// A state written in another format than this version's, by a newer version.
    public struct OtherFormat: KindedError {
        public let directory: String
        public let found: String
        public var kind: ErrorKind { .io }
        public var description: String {
            "the witness state in \(directory) is in the format \(found), and this version reads \(WitnessState.format): run the version that wrote it, or a newer one"
        }
        public var vietnamese: String {
            "Trạng thái nhân chứng tại \(directory) ở định dạng \(found), phiên bản này đọc \(WitnessState.format): hãy dùng phiên bản đã ghi hoặc mới hơn."
        }
    }

    public init(directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var options = EnvironmentOptions()
        options.maximumMapSize = 1 << 32
        environment = try Environment(path: directory, options: options)
        latest = try environment.database(named: "latest")
        refusals = try environment.database(named: "refusals")
        let meta = try environment.database(named: "meta")
        let format = Array(Self.format.utf8)
        let found = try environment.read { try $0.value(for: Self.formatKey, in: meta) }
        guard found == nil || found == format else {
            throw OtherFormat(directory: directory, found: String(decoding: found ?? [], as: UTF8.self))
        }
        if found == nil { try environment.write { try $0.put(format, for: Self.formatKey, in: meta) } }
    }

    /// The last checkpoint cosigned for `origin`, if any.
    public func latest(origin: String) throws -> Latest? {
        try environment.read { txn in try txn.value(for: Array(origin.utf8), in: latest).map(Self.decode) }
    }

    /// Runs `decide` on what is held for `origin` and carries out its decision in the same durable
    /// write transaction; returns what `decide` returned beside it.
    public func update<T>(origin: String, _ decide: (Latest?) throws -> (Decision, T)) throws -> T {
        try environment.write { txn in
            let key = Array(origin.utf8)
            let (decision, result) = try decide(try txn.value(for: key, in: latest).map(Self.decode))
            switch decision {
            case .keep: break
            case .replace(let new): try txn.put(Self.encode(new), for: key, in: latest)
            case .refuse(let reason, let request):
                let next = withUnsafeBytes(of: UInt64(try txn.count(of: refusals)).bigEndian) { Array($0) }
                try txn.put(Array((reason + "\n" + request).utf8), for: next, in: refusals)
            }
            return result
        }
    }

    /// The refused checkpoints, oldest first: why, and the request.
    public func refused() throws -> [(reason: String, request: String)] {
        var found: [(String, String)] = []
        try environment.read { txn in
            try txn.forEach(in: refusals) { entry in
                let parts = String(decoding: entry.value, as: UTF8.self)
                    .split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
                found.append((String(parts[0]), parts.count > 1 ? String(parts[1]) : ""))
                return true
            }
        }
        return found
    }

    private static func encode(_ latest: Latest) -> [UInt8] {
        Array("\(latest.size)\n\(Data(latest.rootHash).base64EncodedString())\n\(latest.note)".utf8)
    }

    private static func decode(_ bytes: [UInt8]) -> Latest {
        let parts = String(decoding: bytes, as: UTF8.self).split(
            separator: "\n", maxSplits: 2, omittingEmptySubsequences: false)
        return Latest(
            size: UInt64(parts[0]) ?? 0, rootHash: Array(Data(base64Encoded: String(parts[1])) ?? Data()),
            note: parts.count > 2 ? String(parts[2]) : "")
    }
}
