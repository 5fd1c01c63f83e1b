public import Foundation
public import Ledger
public import LedgerFormat

/// The witnesses a ledger sends its checkpoints to (the provincial inspectorate, the Ministry of
/// Home Affairs…), kept beside the ledger in `witnesses.txt`: one `witness <verifier key> <URL>`
/// line each, the URL being the witness's submission prefix.
public struct WitnessConfiguration: Sendable {
    public static let fileName = "witnesses.txt"

    /// One witness: its cosignature key and where it answers add-checkpoint.
    public struct Endpoint: Sendable, Hashable {
        public let key: NoteVerifierKey
        public let url: URL

        public init(key: NoteVerifierKey, url: URL) {
            self.key = key
            self.url = url
        }
    }

    public private(set) var witnesses: [Endpoint]
    let path: String

    /// Why the configuration was refused.
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    /// The configuration of the ledger at `ledgerDirectory` (none configured when the file is absent).
    public init(ledgerDirectory: String) throws(Problem) {
        path = (ledgerDirectory as NSString).appendingPathComponent(Self.fileName)
        witnesses = []
        guard FileManager.default.fileExists(atPath: path) else { return }
        let text: String
        do { text = String(decoding: try RegularFile.read(path, limit: 1 << 20), as: UTF8.self) } catch {
            throw Problem(description: error.description)
        }
        for (number, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") {
            let parts = line.split(separator: " ").map(String.init)
            guard parts.count == 3, parts[0] == "witness" else {
                throw Problem(description: "\(Self.fileName) line \(number + 1): expected 'witness <key> <URL>'")
            }
            witnesses.append(try Self.endpoint(key: parts[1], url: parts[2]))
        }
    }

    /// A witness from its verifier key (type 0x04) and the URL of its submission prefix.
    public static func endpoint(key: String, url: String) throws(Problem) -> Endpoint {
        let verifier: NoteVerifierKey
        do { verifier = try NoteVerifierKey(parsing: key) } catch { throw Problem(description: error.description) }
        guard verifier.kind == .cosignature else {
            throw Problem(description: "'\(key)' is not a witness's cosignature key (type 0x04)")
        }
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
            throw Problem(description: "'\(url)' is not an http(s) URL")
        }
        return Endpoint(key: verifier, url: parsed)
    }

    /// Adds or replaces (by name) a witness and saves the file.
    public mutating func add(_ endpoint: Endpoint) throws {
        witnesses.removeAll { $0.key.name == endpoint.key.name }
        witnesses.append(endpoint)
        try save()
    }

    /// Removes the witness named `name` and saves the file; false when there was none.
    public mutating func remove(named name: String) throws -> Bool {
        let before = witnesses.count
        witnesses.removeAll { $0.key.name == name }
        try save()
        return witnesses.count < before
    }

    private func save() throws {
        let text = witnesses.map { "witness \($0.key) \($0.url.absoluteString)\n" }.joined()
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}

/// The log's side of C2SP tlog-witness: sends a signed checkpoint with a consistency proof from the
/// size each witness last cosigned (learnt from its 409 answer), and keeps the cosignatures that
/// verify under that witness's key.
public enum WitnessClient {
    /// What one witness answered.
    public struct Outcome: Sendable {
        public let witness: WitnessConfiguration.Endpoint
        public let cosignature: SignedNote.Signature?
        /// Why there is no cosignature: the witness's refusal or why it could not be reached (without
        /// the witness's name, which `witness` gives).
        public let problem: String?
    }

    /// Sends `note` (whose checkpoint is `checkpoint`) to every witness at once, so that one slow
    /// witness costs its own time limit and no more; `proof(from)` gives the consistency proof from an
    /// older size to the checkpoint's.
    public static func cosign(
        note: String, checkpoint: Checkpoint, witnesses: [WitnessConfiguration.Endpoint],
        proof: @Sendable (UInt64) throws -> [MerkleTree.Hash]
    ) -> [Outcome] {
        let outcomes = Outcomes(count: witnesses.count)
        DispatchQueue.concurrentPerform(iterations: witnesses.count) { index in
            let witness = witnesses[index]
            do {
                outcomes.set(
                    index,
                    Outcome(
                        witness: witness,
                        cosignature: try requestCosignature(
                            note: note, checkpoint: checkpoint, from: witness, proof: proof),
                        problem: nil))
            } catch {
                outcomes.set(index, Outcome(witness: witness, cosignature: nil, problem: "\(error)"))
            }
        }
        return outcomes.all
    }

    /// The witnesses' answers, filled in from several threads, in the witnesses' order.
    private final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var slots: [Outcome?]

        init(count: Int) { slots = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ outcome: Outcome) { lock.withLock { slots[index] = outcome } }

        var all: [Outcome] { lock.withLock { slots.compactMap { $0 } } }
    }

    /// Why a witness gave no cosignature.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    private static func requestCosignature(
        note: String, checkpoint: Checkpoint, from witness: WitnessConfiguration.Endpoint,
        proof: @Sendable (UInt64) throws -> [MerkleTree.Hash]
    ) throws -> SignedNote.Signature {
        let url = witness.url.appendingPathComponent("add-checkpoint")
        var oldSize: UInt64 = 0
        for _ in 0..<2 {
            let hashes = oldSize == 0 ? [] : try proof(oldSize)
            let body = "old \(oldSize)\n" + hashes.map { Data($0).base64EncodedString() + "\n" }.joined() + "\n" + note
            let answer = try HTTP.post(url, body: Array(body.utf8))
            let text = String(decoding: answer.body, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            switch answer.status {
            case 200:
                let signed = try SignedNote.split(note).text
                let lines = try SignedNote.split(signed + "\n" + String(decoding: answer.body, as: UTF8.self))
                guard
                    let valid = lines.signatures.first(where: {
                        Cosignature.verifiedTime(of: $0, text: signed, witness: witness.key) != nil
                    })
                else { throw Refusal(description: "it answered without a valid cosignature") }
                return valid
            case 409 where answer.contentType.hasPrefix("text/x.tlog.size"):
                guard let size = UInt64(text) else { throw Refusal(description: "HTTP 409: \(text)") }
                guard size <= checkpoint.size else {
                    throw Refusal(
                        description:
                            "it has cosigned a tree of \(size) events, larger than this checkpoint's \(checkpoint.size): this log was rolled back or forked"
                    )
                }
                oldSize = size
            default:
                throw Refusal(description: "refused (HTTP \(answer.status)): \(text)")
            }
        }
        throw Refusal(description: "it kept changing the size it last cosigned")
    }
}

extension WitnessConfiguration {
    /// The trust policy a province publishes for `ledger`: its ledger id, genesis and log key, the
    /// witnesses configured beside it, and `quorum` of them (all by default) that must cosign.
    public static func trustPolicy(of ledger: Ledger, quorum: Int? = nil) throws -> TrustPolicy {
        let witnesses = try WitnessConfiguration(ledgerDirectory: ledger.path).witnesses.map(\.key)
        guard (0...witnesses.count).contains(quorum ?? 0) else {
            throw Problem(
                description: "a quorum of \(quorum ?? 0) needs as many witnesses; \(witnesses.count) are configured")
        }
        let base = try ledger.trustPolicy()
        return TrustPolicy(
            ledgerID: base.ledgerID, genesis: base.genesis, log: base.log, handovers: base.handovers,
            witnesses: witnesses,
            quorum: quorum ?? witnesses.count)
    }
}

extension WitnessClient {
    /// `note`, a checkpoint of `ledger` signed by its log key, with the cosignatures of the witnesses
    /// configured beside the ledger attached, and what each witness answered.
    public static func cosign(_ note: String, of ledger: Ledger) throws -> (note: String, outcomes: [Outcome]) {
        let witnesses = try WitnessConfiguration(ledgerDirectory: ledger.path).witnesses
        guard !witnesses.isEmpty else { return (note, []) }
        let checkpoint = try Checkpoint(parsing: try SignedNote.split(note).text)
        let outcomes = cosign(note: note, checkpoint: checkpoint, witnesses: witnesses) { oldSize in
            try ledger.consistencyProof(oldSize: oldSize, newSize: checkpoint.size).proof
        }
        return (try SignedNote.adding(outcomes.compactMap(\.cosignature), to: note), outcomes)
    }
}
