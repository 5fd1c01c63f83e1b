import Ledger
public import LedgerFormat

/// The logs a witness cosigns, each named by its checkpoint key: `parledger-witness-policy/1`, then one
/// `log <verifier key>` line per log (the key's name is the log's origin); `#` starts a comment.
/// A witness answers 404 for any other origin.
public struct WitnessPolicy: Sendable {
    public static let header = "parledger-witness-policy/1"

    /// The log keys by origin.
    public let logs: [String: NoteVerifierKey]

    public init(logs: [NoteVerifierKey]) {
        self.logs = Dictionary(logs.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Why a witness policy was refused.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public init(file path: String) throws(Problem) {
        let bytes: [UInt8]
        do { bytes = try RegularFile.read(path, limit: 1 << 20) } catch {
            throw Problem(description: error.description)
        }
        try self.init(parsing: String(decoding: bytes, as: UTF8.self))
    }

    public init(parsing text: String) throws(Problem) {
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.first == Self.header else {
            throw Problem(description: "the witness policy does not start with '\(Self.header)'")
        }
        var keys: [NoteVerifierKey] = []
        for (number, line) in lines.dropFirst().enumerated() {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 2, parts[0] == "log" else {
                throw Problem(
                    description: "witness policy item \(number + 1) ('\(line)'): expected 'log <verifier key>'")
            }
            let key: NoteVerifierKey
            do { key = try NoteVerifierKey(parsing: parts[1]) } catch {
                throw Problem(description: "witness policy item \(number + 1): \(error.description)")
            }
            guard key.kind == .ed25519 else {
                throw Problem(
                    description: "witness policy item \(number + 1): a log key is an Ed25519 note key (type 0x01)")
            }
            guard !keys.contains(where: { $0.name == key.name }) else {
                throw Problem(description: "witness policy item \(number + 1): a second key for log '\(key.name)'")
            }
            keys.append(key)
        }
        self.init(logs: keys)
    }

    /// The policy's text.
    public var text: String {
        ([Self.header] + logs.keys.sorted().map { "log \(logs[$0]!)" }).map { $0 + "\n" }.joined()
    }
}
