import Foundation
import Ledger
public import LedgerFormat
import PARCore
import PARIndex

/// Verifies a certified bundle (FORMAT.md, Verdicts): its layout, the checkpoint against the trust
/// policy, the manifest that binds every file to it, every event's chain, signature, placement and
/// rules of the cycle, the Merkle root, and every derived file. Stops at the first failure and
/// names it with its verdict code; a receipt, when given, is checked against the bundle last.
public struct BundleVerifier {
    /// What verifying found.
    public struct Report: Sendable {
        /// The checks that passed, in order.
        public let checks: [String]
        /// The first failure, or nil when every check passed.
        public let failure: (code: BundleVerdict.Code, message: String)?
        /// Without a trust policy: the fingerprint of the log key found in the bundle, which a person
        /// compares with the one the province publishes.
        public let untrustedFingerprint: String?
    }

    struct Failure: Error {
        let code: BundleVerdict.Code
        let message: String
    }

    let directory: String
    let policy: TrustPolicy?
    let receipt: Receipt?
    let progress: ((UInt64, UInt64) -> Void)?
    var checks: [String] = []

    public init(
        directory: String, policy: TrustPolicy?, receipt: Receipt? = nil, progress: ((UInt64, UInt64) -> Void)? = nil
    ) {
        self.directory = directory
        self.policy = policy
        self.receipt = receipt
        self.progress = progress
    }

    /// The report of every check on the bundle in `directory`; a bundle that fails a check gives a
    /// report naming the failure.
    /// - Throws: only what is not the bundle's fault (the scratch storage failing, a bug), so that it
    ///   is never reported as a failed verification.
    public static func verify(
        _ directory: String, policy: TrustPolicy?, receipt: Receipt? = nil, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> Report {
        var verifier = BundleVerifier(directory: directory, policy: policy, receipt: receipt, progress: progress)
        do {
            let fingerprint = try verifier.run()
            return Report(
                checks: verifier.checks, failure: nil, untrustedFingerprint: policy == nil ? fingerprint : nil)
        } catch let failure as Failure {
            return Report(checks: verifier.checks, failure: (failure.code, failure.message), untrustedFingerprint: nil)
        } catch let refusal as BundleFiles.Refusal {
            return Report(checks: verifier.checks, failure: (refusal.code, refusal.message), untrustedFingerprint: nil)
        }
    }

    /// Replays the `events.jsonl` in `directory` alone, as a monitor following a published log does:
    /// the hash chain, every signature, every command in its place, every rule of the cycle, and the
    /// trust policy's genesis.
    /// - Throws: only what is not the log's fault (the scratch storage failing, a bug).
    public static func verifyEvents(in directory: String, policy: TrustPolicy) throws -> Report {
        let verifier = BundleVerifier(directory: directory, policy: policy)
        do {
            _ = try verifier.replayEvents(ledgerID: policy.ledgerID)
            return Report(checks: verifier.checks, failure: nil, untrustedFingerprint: nil)
        } catch let failure as Failure {
            return Report(checks: verifier.checks, failure: (failure.code, failure.message), untrustedFingerprint: nil)
        } catch let refusal as BundleFiles.Refusal {
            return Report(checks: verifier.checks, failure: (refusal.code, refusal.message), untrustedFingerprint: nil)
        }
    }

    /// Runs every check; returns the fingerprint of the log key the checkpoint was verified with.
    private mutating func run() throws -> String {
        let present = try BundleFiles.inventory(of: directory)
        checks.append("\(present.count) files, each a regular file within its size limit")

        let (checkpoint, logKey) = try openCheckpoint()
        let manifestBytes = try BundleFiles.read(directory, BundleFiles.manifest)
        let manifest = try readManifest(manifestBytes, checkpoint: checkpoint, present: present)
        checks.append(
            "checkpoint signed by the log key \(TrustPolicy.fingerprint(of: logKey.publicKey))\(policy == nil ? " found in the bundle" : " of the trust policy"); manifest bound to it covers every file"
        )

        let replay = try replayEvents(
            ledgerID: String(checkpoint.origin.dropFirst("parledger/".count)), manifestLedgerID: manifest.ledgerID)
        let count = replay.hashes.count
        checks.append(
            "\(count) events: hash chain intact, every signature valid for the key its actor held, every command in its place, every rule of the cycle re-checked"
        )

        let root = replay.root
        guard checkpoint.size == count, checkpoint.rootHash == root else {
            throw Failure(
                code: .checkpoint,
                message:
                    "checkpoint.txt commits to \(checkpoint.size) events with root \(hexString(checkpoint.rootHash)); the events give \(count) with root \(hexString(root))"
            )
        }
        guard manifest.eventCount == count, manifest.headHash == replay.hashes.last?.hex,
            manifest.genesisHash == replay.hashes.hash(at: 1)?.hex,
            manifest.rootHash == hexString(root)
        else {
            throw Failure(
                code: .manifest,
                message: "manifest.json: its event count, head, genesis or root hash is not what the events give")
        }
        checks.append("RFC 9162 root \(hexString(root)) of \(count) events matches the checkpoint")
        for handover in policy?.handovers ?? [] where handover.size <= count {
            guard replay.hashes.root(ofFirst: handover.size) == handover.rootHash else {
                throw Failure(
                    code: .logKey,
                    message:
                        "the first \(handover.size) events do not have the root the log key handover at that size names"
                )
            }
            checks.append("the log key handover at tree size \(handover.size) names the root of the first events")
        }

        try checkDerivedFiles(replay, present: present, manifest: manifest, checkpoint: checkpoint)

        if let receipt, let policy {
            do {
                try receipt.verify(against: policy, eventCount: count, rootOfFirst: replay.hashes.root(ofFirst:))
            } catch {
                throw Failure(
                    code: error.lacksQuorum ? .quorum : .receipt,
                    message: "receipt of command '\(receipt.commandID)': \(error.description)")
            }
            let sequences = receipt.entries.map(\.sequence)
            guard let span = replay.commandSequences[receipt.commandID], sequences.elementsEqual(span) else {
                throw Failure(
                    code: .receipt,
                    message:
                        "receipt of command '\(receipt.commandID)': its events \(sequences.map(String.init).joined(separator: ", ")) are not the events of that command in the bundle"
                )
            }
            checks.append("the receipt of command '\(receipt.commandID)' holds: its events are still in place")
        }
        return TrustPolicy.fingerprint(of: logKey.publicKey)
    }

    // MARK: Checkpoint and manifest

    private mutating func openCheckpoint() throws -> (Checkpoint, NoteVerifierKey) {
        guard let note = String(validating: try BundleFiles.read(directory, BundleFiles.checkpoint), as: UTF8.self)
        else { throw Failure(code: .checkpoint, message: "checkpoint.txt is not UTF-8") }
        let (checkpoint, key) = try policy.map { policy in try Self.open(note, policy: policy) } ?? openUntrusted(note)
        for (index, line) in checkpoint.extensions.enumerated() {
            let words = line.splitScalars(" ")
            let isResults =
                words.count == 3 && words[0] == "parledger-results" && Slug.isValid(words[1])
                && BundleFiles.isHex64(words[2])
            let isManifest =
                words.count == 2 && words[0] == "parledger-manifest" && BundleFiles.isHex64(words[1])
                && index == checkpoint.extensions.count - 1
            guard isResults || isManifest else {
                throw Failure(
                    code: .checkpoint,
                    message: "checkpoint.txt: '\(line)' is not a results line or, last, the manifest line")
            }
        }
        if let policy, policy.quorum > 0 {
            do {
                let cosigners = try policy.requireQuorum(of: note)
                checks.append(
                    "checkpoint cosigned by \(cosigners.count) witnesses of the trust policy: \(cosigners.joined(separator: ", "))"
                )
            } catch {
                throw Failure(code: .quorum, message: "checkpoint.txt: \(error.description)")
            }
        }
        let prefix = "parledger/"
        guard SignedNote.sameName(checkpoint.origin, key.name), checkpoint.origin.hasPrefix(prefix),
            Slug.isValid(String(checkpoint.origin.dropFirst(prefix.count)))
        else {
            throw Failure(
                code: .ledger,
                message: "checkpoint.txt is for '\(checkpoint.origin)', not for the log key's '\(key.name)'")
        }
        return (checkpoint, key)
    }

    /// The checkpoint and the policy's log key that signs it (FORMAT.md, Log key rotation): refused as
    /// `log-key` when none of the policy's keys signs it or the one that does does not sign its size.
    private static func open(_ note: String, policy: TrustPolicy) throws -> (Checkpoint, NoteVerifierKey) {
        let keys = policy.logKeyHistory.spans.map(\.key)
        let fingerprints = keys.map { TrustPolicy.fingerprint(of: $0.publicKey) }.joined(separator: ", ")
        do { try SignedNote.requireKnownSignatureKinds(note) } catch {
            throw Failure(
                code: .logKey,
                message:
                    "checkpoint.txt is not signed by the trust policy's log key (\(fingerprints)): \(error.description)"
            )
        }
        guard let signed = keys.lazy.compactMap({ try? SignedNote.open(note, verifier: $0) }).first else {
            throw Failure(
                code: .logKey, message: "checkpoint.txt is not signed by the trust policy's log key (\(fingerprints))")
        }
        do { _ = try Checkpoint(parsing: signed) } catch {
            throw Failure(code: .checkpoint, message: "checkpoint.txt: \(error.description)")
        }
        do { return try policy.openCheckpoint(note) } catch {
            throw Failure(code: .logKey, message: "checkpoint.txt: \(error.description)")
        }
    }

    /// The checkpoint signed by the key of `verifier-key.txt`, without a trust policy.
    private func openUntrusted(_ note: String) throws -> (Checkpoint, NoteVerifierKey) {
        let bytes = try BundleFiles.read(directory, BundleFiles.verifierKey)
        guard bytes.last == 0x0A, let text = String(validating: bytes.dropLast(), as: UTF8.self) else {
            throw Failure(code: .checkpoint, message: "verifier-key.txt: not a note verifier key and a newline")
        }
        let key: NoteVerifierKey
        do { key = try NoteVerifierKey(parsing: text) } catch {
            throw Failure(code: .checkpoint, message: "verifier-key.txt: \(error.description)")
        }
        let signed: String
        do {
            try SignedNote.requireKnownSignatureKinds(note)
            signed = try SignedNote.open(note, verifier: key)
        } catch {
            throw Failure(
                code: .checkpoint,
                message:
                    "checkpoint.txt is not signed by the key in verifier-key.txt (\(TrustPolicy.fingerprint(of: key.publicKey))): \(error.description)"
            )
        }
        do { return (try Checkpoint(parsing: signed), key) } catch {
            throw Failure(code: .checkpoint, message: "checkpoint.txt: \(error.description)")
        }
    }

    struct Manifest {
        let ledgerID: String
        let eventCount: UInt64
        let headHash: String
        let genesisHash: String
        let rootHash: String
        let withEvidence: Bool
    }

    private func readManifest(_ bytes: [UInt8], checkpoint: Checkpoint, present: [String: Int]) throws -> Manifest {
        let bound = checkpoint.extensions.filter { $0.hasPrefix("parledger-manifest ") }
        guard bound == ["parledger-manifest \(SHA256Digest.hex(bytes))"] else {
            throw Failure(
                code: .manifest,
                message:
                    "manifest.json is not the manifest the checkpoint signs (its hash is \(SHA256Digest.hex(bytes)))")
        }
        let value = try strictJSON(bytes, BundleFiles.manifest)
        guard value["format"]?.stringValue == CertifiedBundle.format, let ledgerID = value["ledgerId"]?.stringValue,
            let eventCount = value["eventCount"]?.integerValue, eventCount >= 0,
            let headHash = value["headHash"]?.stringValue, let genesisHash = value["genesisHash"]?.stringValue,
            let rootHash = value["rootHash"]?.stringValue, case .bool(let withEvidence)? = value["withEvidence"],
            case .object(let files)? = value["files"], value.objectCount == 8
        else { throw Failure(code: .manifest, message: "manifest.json is not a \(CertifiedBundle.format) manifest") }
        for path in files.keys.sorted() {
            guard BundleFiles.limit(of: path) != nil, path != BundleFiles.manifest, path != BundleFiles.checkpoint
            else {
                throw Failure(
                    code: .path, message: "manifest.json lists '\(path)', which is not a path a bundle may hold")
            }
        }
        let expected = Set(present.keys).subtracting([BundleFiles.manifest, BundleFiles.checkpoint])
        if let missing = Set(files.keys).subtracting(expected).sorted().first {
            throw Failure(code: .missingFile, message: "\(missing) is listed in manifest.json but missing")
        }
        if let extra = expected.subtracting(files.keys).sorted().first {
            throw Failure(code: .unexpectedFile, message: "\(extra) is not listed in manifest.json")
        }
        for (path, listing) in files.sorted(by: { $0.key < $1.key }) {
            guard let sha256 = listing["sha256"]?.stringValue, let size = listing["size"]?.integerValue,
                listing.objectCount == 2
            else {
                throw Failure(
                    code: .manifest, message: "manifest.json: the entry of \(path) is not {\"sha256\", \"size\"}")
            }
            let actual = try BundleFiles.digest(directory, path)
            guard actual.sha256 == sha256, Int64(actual.size) == size else {
                throw Failure(
                    code: .manifest,
                    message:
                        "\(path) does not match manifest.json (listed \(size) bytes, \(sha256.prefix(16))…; found \(actual.size) bytes, \(actual.sha256.prefix(16))…)"
                )
            }
        }
        return Manifest(
            ledgerID: ledgerID, eventCount: UInt64(eventCount), headHash: headHash, genesisHash: genesisHash,
            rootHash: rootHash, withEvidence: withEvidence)
    }

    /// Refuses the file at `path` unless it is strict JSON (FORMAT.md, Strict JSON: `parse`), before
    /// its content is compared with what the events give.
    func validateStrictJSON(_ path: String) throws {
        do { try JSONParser.validateStrict(try BundleFiles.read(directory, path)) } catch let error as JSONParseError {
            throw Failure(code: .parse, message: "\(path): \(error)")
        }
    }

    private func strictJSON(_ bytes: [UInt8], _ path: String) throws -> JSONValue {
        let value: JSONValue
        do { value = try JSONParser.parse(bytes) } catch { throw Failure(code: .parse, message: "\(path): \(error)") }
        guard CanonicalJSON.encode(value) == bytes else {
            throw Failure(code: .parse, message: "\(path) is not canonical JSON in NFC")
        }
        return value
    }
}

extension JSONValue {
    fileprivate var objectCount: Int {
        if case .object(let members) = self { return members.count }
        return -1
    }
}
