import Foundation
import Ledger
public import LedgerFormat

/// The logs a witness cosigns, each named by its checkpoint key: `parledger-witness-policy/1`, then one
/// `log <verifier key>` line per log (the key's name is the log's origin) and, for a log whose key was
/// rotated, its `log-handover <base64 handover note>` lines in order (FORMAT.md, Log key rotation);
/// `#` starts a comment. A witness answers 404 for any other origin.
public struct WitnessPolicy: Sendable {
    public static let header = "parledger-witness-policy/1"

    /// The log keys by origin, each with its handovers.
    public let logs: [String: LogKeyHistory]

    public init(logs: [NoteVerifierKey]) {
        self.init(histories: logs.map { LogKeyHistory(first: $0) })
    }

    public init(histories: [LogKeyHistory]) {
        self.logs = Dictionary(histories.map { ($0.first.name, $0) }, uniquingKeysWith: { first, _ in first })
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
        var handovers: [String: [(number: Int, note: String)]] = [:]
        for (number, line) in lines.dropFirst().enumerated() {
            let parts = line.split(separator: " ").map(String.init)
            if parts.count == 2, parts[0] == "log-handover" {
                guard let bytes = CanonicalBase64.decode(parts[1]), let note = String(validating: bytes, as: UTF8.self),
                    let origin = try? SignedNote.split(note).text.split(separator: "\n").dropFirst().first
                else {
                    throw Problem(description: "witness policy item \(number + 1): not the base64 of a handover note")
                }
                handovers[String(origin), default: []].append((number + 1, note))
                continue
            }
            guard parts.count == 2, parts[0] == "log" else {
                throw Problem(
                    description:
                        "witness policy item \(number + 1) ('\(line)'): expected 'log <verifier key>' or 'log-handover <base64>'"
                )
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
        if let stray = handovers.keys.sorted().first(where: { origin in !keys.contains { $0.name == origin } }) {
            throw Problem(description: "a log-handover for '\(stray)', a log this policy has no 'log' line for")
        }
        var histories: [LogKeyHistory] = []
        for key in keys {
            do { histories.append(try LogKeyHistory.checked(from: key, handovers[key.name] ?? [])) } catch {
                throw Problem(description: "witness policy item \(error.description)")
            }
        }
        self.init(histories: histories)
    }

    /// The policy's text.
    public var text: String {
        let lines = logs.keys.sorted().flatMap { origin in
            let history = logs[origin]!
            return ["log \(history.first)"]
                + history.handovers.map { "log-handover \(Data($0.note.utf8).base64EncodedString())" }
        }
        return ([Self.header] + lines).map { $0 + "\n" }.joined()
    }
}
