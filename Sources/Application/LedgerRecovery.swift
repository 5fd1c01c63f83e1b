import Foundation
import Ledger
public import LedgerFormat
import PARIndex
import Transparency

/// A province's ledger rebuilt from its published log (its own tiles, or a mirror's copy) when the
/// server and its backups are lost: the checkpoint verified against the trust policy (log key, the
/// witnesses' quorum), every entry against its event line and the tree against the checkpoint's root
/// (`LogFollower`), then every event appended again exactly as it was recorded, with every check of
/// a new command and every rule (`ScoringLedger.append(recorded:)`), the evidence files the events
/// cite copied from a folder where they survive, and the witness list. Built beside the target and
/// renamed at the end: a refused or interrupted recovery leaves no ledger.
public enum LedgerRecovery {
    /// What to recover from, and into where.
    public struct Request: Sendable {
        /// The published log: an http(s) URL prefix or a folder (`TileSource`).
        public let source: String
        public let policy: TrustPolicy
        /// A folder holding the evidence files by their SHA-256, as `<sha256>` or `evidence/<sha256>`
        /// (an old ledger directory, a backup's `ledger/`, or the evidence folder itself).
        public let evidence: String
        /// The witness list (`witnesses.txt`) to keep beside the ledger; when nil, the evidence
        /// folder's own `witnesses.txt`, if it has one.
        public let witnesses: String?
        /// The log's private key; when nil the ledger cannot sign checkpoints that extend the log.
        public let logKey: SigningKey?
        /// The new ledger directory: it must not exist, or be empty.
        public let ledgerPath: String

        public init(
            source: String, policy: TrustPolicy, evidence: String, witnesses: String?, logKey: SigningKey?,
            ledgerPath: String
        ) {
            self.source = source
            self.policy = policy
            self.evidence = evidence
            self.witnesses = witnesses
            self.logKey = logKey
            self.ledgerPath = ledgerPath
        }
    }

    /// What a recovery rebuilt.
    public struct Outcome: Sendable {
        public let eventCount: UInt64
        public let headHash: String
        /// The witnesses whose cosignatures of the checkpoint count toward the policy's quorum.
        public let cosigners: [String]
        public let evidenceCopied: Int
        /// Evidence the events cite that the folder lacks (or holds with another hash): sha256 and why.
        public let missingEvidence: [(sha256: String, name: String, reason: String)]
        public let witnesses: Int
        public let hasLogKey: Bool
    }

    /// Why nothing was recovered.
    public struct Problem: KindedError {
        public let kind: ErrorKind
        public let description: String
        public let vietnamese: String

        init(_ kind: ErrorKind, _ description: String, vi: String) {
            self.kind = kind
            self.description = description
            self.vietnamese = vi
        }
    }

    /// Rebuilds the ledger `request` names; `progress` is told the events appended of those to append.
    public static func restore(_ request: Request, progress: (UInt64, UInt64) -> Void = { _, _ in }) throws
        -> Outcome
    {
        let target = request.ledgerPath.hasSuffix("/") ? String(request.ledgerPath.dropLast()) : request.ledgerPath
        try checkTarget(target)
        try checkLogKey(request.logKey, policy: request.policy)
        let staging = target + ".restoring-\(getpid())"
        let files = FileManager.default
        try? files.removeItem(atPath: staging)
        defer { try? files.removeItem(atPath: staging) }
        let ledgerPath = staging + "/ledger"
        try files.createDirectory(atPath: staging, withIntermediateDirectories: true)
        let copy = try verifiedCopy(of: request, in: staging + "/log")
        let scoring = try ScoringLedger.create(
            at: ledgerPath, ledgerID: request.policy.ledgerID, logKey: request.logKey ?? SigningKey())
        if request.logKey == nil {
            // The log's public key stays, without the key: nothing signs as the log with another key.
            let keyPath = ledgerPath + "/" + Ledger.logKeyFileName
            try files.removeItem(atPath: keyPath)
            try StoredFile.writeAtomically(
                Data((request.policy.logKeyHistory.current.publicKey.base64 + "\n").utf8), to: keyPath + ".pub")
        }
        try scoring.ledger.adoptLogKeyHistory(request.policy.logKeyHistory)
        try RecordedLog(copy: copy, policy: request.policy).append(into: scoring, progress: progress)
        let head = try scoring.ledger.head()
        guard let checkpoint = copy.checkpoint, head.count == checkpoint.size,
            try scoring.ledger.treeRoot(size: nil).root == checkpoint.rootHash
        else {
            throw Problem(
                .integrity, "the rebuilt ledger's tree is not the checkpoint's",
                vi: "Cây Merkle của sổ cái dựng lại không khớp với điểm kiểm (checkpoint); không khôi phục gì.")
        }
        let (copied, missing) = try copyEvidence(cited: scoring, from: request.evidence)
        let witnesses = try copyWitnesses(request, policy: request.policy, into: ledgerPath)
        let cosigners = (try? request.policy.requireQuorum(of: copy.note ?? "")) ?? []
        if files.fileExists(atPath: target) { try files.removeItem(atPath: target) }
        guard rename(ledgerPath, target) == 0 else {
            let reason = String(cString: strerror(errno))
            throw Problem(
                .io, "cannot move the recovered ledger to \(target): \(reason)",
                vi: "Không chuyển được sổ cái đã khôi phục vào \(target): \(reason).")
        }
        return Outcome(
            eventCount: head.count, headHash: head.hash.hex, cosigners: cosigners, evidenceCopied: copied,
            missingEvidence: missing, witnesses: witnesses, hasLogKey: request.logKey != nil)
    }

    /// Refuses a target that holds anything: a recovery never overwrites a ledger.
    private static func checkTarget(_ target: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: target, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue, (try? FileManager.default.contentsOfDirectory(atPath: target))?.isEmpty == true
        else {
            throw Problem(
                .conflict, "\(target) exists and is not an empty directory; recover into a new directory",
                vi: "\(target) đã có và không phải thư mục trống; hãy khôi phục vào một thư mục mới.")
        }
    }

    /// Refuses a log key that is not the one the trust policy names last (after its handovers).
    private static func checkLogKey(_ key: SigningKey?, policy: TrustPolicy) throws {
        let current = policy.logKeyHistory.current.publicKey
        guard let key, key.publicKey != current else { return }
        throw Problem(
            .forbidden,
            "the log key given is not the trust policy's current log key (fingerprint \(TrustPolicy.fingerprint(of: key.publicKey)), the policy names \(TrustPolicy.fingerprint(of: current)))",
            vi: "Khóa nhật ký được cung cấp không phải khóa mà chính sách tin cậy công bố; không khôi phục gì.")
    }

    /// The published log copied into `directory` once verified: signature, quorum, entries, tiles.
    private static func verifiedCopy(of request: Request, in directory: String) throws -> LogFollower {
        var follower = try LogFollower(
            source: TileSource(request.source), policy: request.policy, copyDirectory: directory)
        do {
            _ = try follower.step()
        } catch let alert as LogFollower.Alert {
            throw Problem(
                .integrity, "the published log does not verify against the trust policy: \(alert.description)",
                vi: "Nhật ký đã công bố không khớp với chính sách tin cậy (\(alert.kind.rawValue)); không khôi phục gì."
            )
        } catch let unavailable as TileSource.Unavailable {
            throw Problem(
                .io, "cannot read the published log: \(unavailable.description)",
                vi: "Không đọc được nhật ký đã công bố: \(unavailable.description).")
        }
        guard (follower.checkpoint?.size ?? 0) > 0 else {
            throw Problem(
                .notFound, "\(request.source) publishes no event", vi: "\(request.source) chưa công bố sự kiện nào.")
        }
        return follower
    }

    /// Copies into the rebuilt ledger's store every evidence file its events cite that `folder` holds
    /// with the right hash; returns how many, and those missing (or damaged) with why.
    private static func copyEvidence(cited scoring: ScoringLedger, from folder: String) throws -> (
        Int, [(sha256: String, name: String, reason: String)]
    ) {
        let store = EvidenceStore(ledger: scoring.ledger)
        var copied = 0
        var missing: [(sha256: String, name: String, reason: String)] = []
        for evidence in try scoring.evidence() {
            let candidates = [folder + "/" + evidence.sha256, folder + "/evidence/" + evidence.sha256]
            guard let source = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
                missing.append((evidence.sha256, evidence.name, "not in \(folder)"))
                continue
            }
            let file = try StoredFile.copy(source, to: store.path(for: evidence.sha256), as: evidence.sha256)
            if file.sha256 == evidence.sha256 {
                copied += 1
            } else {
                try FileManager.default.removeItem(atPath: store.path(for: evidence.sha256))
                missing.append((evidence.sha256, evidence.name, "\(source) hashes to \(file.sha256)"))
            }
        }
        return (copied, missing)
    }

    /// Copies the witness list into the ledger, refusing one that names a witness the policy does not.
    private static func copyWitnesses(_ request: Request, policy: TrustPolicy, into ledgerPath: String) throws -> Int {
        let source = request.witnesses ?? request.evidence + "/" + WitnessConfiguration.fileName
        guard request.witnesses != nil || FileManager.default.fileExists(atPath: source) else { return 0 }
        _ = try StoredFile.copy(source, to: ledgerPath + "/" + WitnessConfiguration.fileName, as: source)
        let configuration: WitnessConfiguration
        do { configuration = try WitnessConfiguration(ledgerDirectory: ledgerPath) } catch {
            throw Problem(
                .invalidInput, "\(source): \(error.description)",
                vi: "Danh sách nhân chứng \(source) không đọc được: \(error.description).")
        }
        let known = Set(policy.witnesses.map(\.publicKey))
        if let stranger = configuration.witnesses.first(where: { !known.contains($0.key.publicKey) }) {
            throw Problem(
                .invalidInput, "\(source) names the witness \(stranger.key.name), which the trust policy does not name",
                vi: "Danh sách nhân chứng \(source) có nhân chứng \(stranger.key.name) mà chính sách tin cậy không nêu."
            )
        }
        return configuration.witnesses.count
    }
}
