import Foundation
public import Ledger

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

    private struct Failure: Error {
        let code: BundleVerdict.Code
        let message: String
    }

    let directory: String
    let policy: TrustPolicy?
    let receipt: Receipt?
    let progress: ((UInt64, UInt64) -> Void)?
    private var checks: [String] = []

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

    /// What a verifier prints and exits with (FORMAT.md, Verdicts), the same for `parledger
    /// verify-bundle` and every other front end that judges bundles from files.
    public struct Judgement: Sendable {
        /// The `ok  …` lines of the checks that passed.
        public let checks: [String]
        /// `FAILED [<code>] …`, `UNTRUSTED: …` or `OK: the bundle verifies`.
        public let verdict: String
        /// The failure's code, when one failed.
        public let code: BundleVerdict.Code?
        /// 0 verified; 1 a check failed; 2 the trust policy or receipt cannot be read; 4 untrusted.
        public let exitCode: Int32
    }

    /// Reads the trust policy and receipt files (when given) and verifies the bundle against them.
    /// - Throws: only what is not the bundle's fault (see `verify`), and nothing for a receipt given
    ///   without a policy: the caller refuses that as a usage error first.
    public static func judge(
        _ directory: String, trustFile: String?, receiptFile: String?, progress: ((UInt64, UInt64) -> Void)? = nil
    ) throws -> Judgement {
        func refusal(_ code: BundleVerdict.Code, _ message: String) -> Judgement {
            Judgement(checks: [], verdict: "FAILED [\(code.rawValue)] \(message)", code: code, exitCode: 2)
        }
        let policy: TrustPolicy?
        let receipt: Receipt?
        do {
            policy = try trustFile.map { path throws(TrustPolicy.Problem) in try TrustPolicy(file: path) }
        } catch {
            return refusal(.trustPolicy, error.description)
        }
        do {
            receipt = try receiptFile.map { path throws(Receipt.Problem) in try Receipt(file: path) }
        } catch {
            return refusal(.receipt, error.description)
        }
        let report = try verify(directory, policy: policy, receipt: receipt, progress: progress)
        if let failure = report.failure {
            return Judgement(
                checks: report.checks, verdict: "FAILED [\(failure.code.rawValue)] \(failure.message)",
                code: failure.code, exitCode: 1)
        }
        if let fingerprint = report.untrustedFingerprint {
            return Judgement(
                checks: report.checks,
                verdict:
                    "UNTRUSTED: authenticity not established (no trust policy given); the log key in this bundle has fingerprint \(fingerprint); compare it with the one the province publishes",
                code: nil, exitCode: 4)
        }
        return Judgement(checks: report.checks, verdict: "OK: the bundle verifies", code: nil, exitCode: 0)
    }

    /// Replays the `events.jsonl` in `directory` alone, as a monitor following a published log does:
    /// the hash chain, every signature, every command in its place, every rule of the cycle, and the
    /// trust policy's genesis.
    /// - Throws: only what is not the log's fault (the scratch storage failing, a bug).
    public static func verifyEvents(in directory: String, policy: TrustPolicy) throws -> Report {
        var verifier = BundleVerifier(directory: directory, policy: policy)
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
        let key: NoteVerifierKey
        if let policy {
            key = policy.log
        } else {
            let bytes = try BundleFiles.read(directory, BundleFiles.verifierKey)
            guard bytes.last == 0x0A, let text = String(validating: bytes.dropLast(), as: UTF8.self) else {
                throw Failure(code: .checkpoint, message: "verifier-key.txt: not a note verifier key and a newline")
            }
            do { key = try NoteVerifierKey(parsing: text) } catch {
                throw Failure(code: .checkpoint, message: "verifier-key.txt: \(error.description)")
            }
        }
        guard let note = String(validating: try BundleFiles.read(directory, BundleFiles.checkpoint), as: UTF8.self)
        else { throw Failure(code: .checkpoint, message: "checkpoint.txt is not UTF-8") }
        let text: String
        do {
            try SignedNote.requireKnownSignatureKinds(note)
            text = try SignedNote.open(note, verifier: key)
        } catch {
            throw Failure(
                code: policy == nil ? .checkpoint : .logKey,
                message:
                    "checkpoint.txt is not signed by the \(policy == nil ? "key in verifier-key.txt" : "trust policy's log key") (\(TrustPolicy.fingerprint(of: key.publicKey))): \(error.description)"
            )
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(parsing: text) } catch {
            throw Failure(code: .checkpoint, message: "checkpoint.txt: \(error.description)")
        }
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

    private struct Manifest {
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
    private func validateStrictJSON(_ path: String) throws {
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

    // MARK: Events

    private struct Replay {
        /// Every event's hash, in a file of the projection's scratch directory.
        let hashes: EventHashLog
        /// The RFC 9162 root of the events.
        let root: MerkleTree.Hash
        /// The events of each command, by command id.
        let commandSequences: [String: ClosedRange<UInt64>]
        let actors: [String: ActorRecord]
        let projection: ScratchProjection
    }

    /// Streams `events.jsonl`: each line parsed strictly, each command's signature, placement and
    /// rules checked when it ends (before the next event's chain), every rule of the cycle replayed.
    /// The walk checks signatures and hashes on the other cores meanwhile: events reach the projection
    /// only once those of their batch have passed, and whatever stops the replay is first compared
    /// with them, so the failure reported is the first in the events' order, as if checked one by one.
    private func replayEvents(ledgerID: String, manifestLedgerID: String? = nil) throws -> Replay {
        var reader = try EventLineReader(directory: directory)
        defer { reader.close() }
        let projection = try ScratchProjection()
        let hashes = try EventHashLog(file: projection.directory + "/event-hashes")
        var walk = ChainWalk(ledgerID: ledgerID, policy: PARPolicy(), hashes: hashes)
        var frontier = MerkleFrontier()
        /// Events of commands that passed the walk's own checks, not yet in the projection, with the
        /// payloads the walk parsed for the policy.
        var pending: [(event: RecordedEvent, payload: JSONValue?)] = []
        var command: [RecordedEvent] = []

        /// Folds the first `count` pending events (all by default) into the projection.
        func applyPending(_ count: Int? = nil) throws {
            let count = count ?? pending.count
            do {
                try projection.apply(Array(pending.prefix(count)))
            } catch let broken as ScratchProjection.Broken {
                throw Failure(code: .rule, message: "event \(broken.sequence): \(broken.reason)")
            }
            pending.removeFirst(count)
        }
        /// Stops at `problem`, or at a signature or hash checked on another core that failed before
        /// it; the events of the commands before it reach the projection first (a rule broken there
        /// came first).
        func fail(_ problem: VerificationProblem) throws -> Never {
            let first = walk.firstDeferredProblem() ?? problem
            // The command holding event `first.sequence` never reaches the projection, nor what follows.
            var before = pending.partitioningIndex { $0.event.sequence >= first.sequence }
            if before < pending.count, pending[before].event.sequence == first.sequence {
                while before > 0, pending[before - 1].event.commandID == pending[before].event.commandID {
                    before -= 1
                }
            }
            try applyPending(before)
            let code: BundleVerdict.Code =
                switch first.kind {
                case .chain: .chain
                case .signature: .signature
                case .command: .command
                case .rule: .rule
                }
            throw Failure(code: code, message: "event \(first.sequence): \(first.reason)")
        }
        /// Stops at `failure`, which names no event, unless a check on another core failed before it.
        func stop(_ failure: any Error, applyingPending: Bool) throws -> Never {
            if let problem = walk.firstDeferredProblem() { try fail(problem) }
            if applyingPending { try applyPending() }
            throw failure
        }
        /// The general reading of a line the quick one (`EventLine`) does not take: strict JSON,
        /// canonical byte for byte, an event envelope; or the failure that names the line.
        func readEvent(_ line: ArraySlice<UInt8>) throws -> RecordedEvent {
            do {
                let value = try JSONParser.parse(Array(line))
                guard CanonicalJSON.encode(value).elementsEqual(line) else {
                    throw Failure(
                        code: .parse, message: "events.jsonl line \(reader.lineNumber) is not canonical JSON in NFC")
                }
                return try RecordedEvent(envelope: value)
            } catch let failure as Failure {
                try stop(failure, applyingPending: true)
            } catch {
                try stop(
                    Failure(code: .parse, message: "events.jsonl line \(reader.lineNumber): \(error)"),
                    applyingPending: true)
            }
        }
        func finishCommand() throws {
            if let problem = walk.finishCommand() { try fail(problem) }
            let payloads = walk.payloadsOfLastCommand
            pending += command.enumerated().map { index, event in
                (event, payloads.count == command.count ? payloads[index] : nil)
            }
            command.removeAll(keepingCapacity: true)
            if pending.count >= 5_000 {
                if let problem = walk.firstDeferredProblem() { try fail(problem) }
                try applyPending()
            }
        }

        while true {
            let line: ArraySlice<UInt8>
            do {
                guard let next = try reader.next() else { break }
                line = next
            } catch {
                try stop(error, applyingPending: false)
            }
            let event = if let quick = EventLine.event(line) { quick } else { try readEvent(line) }
            if let gap = walk.gap(before: event) { try fail(gap) }
            if walk.startsNewCommand(event) { try finishCommand() }
            if let problem = walk.check(event) { try fail(problem) }
            if event.sequence == 1, let policy, event.hash != policy.genesis {
                try stop(
                    Failure(
                        code: .ledger,
                        message:
                            "event 1 has hash \(event.hash.hex), the trust policy names the genesis \(policy.genesis.hex)"
                    ), applyingPending: false)
            }
            if event.sequence == 1, let manifestLedgerID, manifestLedgerID != ledgerID {
                try stop(
                    Failure(
                        code: .ledger,
                        message:
                            "event 1: manifest.json names ledger '\(manifestLedgerID)', the checkpoint '\(ledgerID)'"),
                    applyingPending: false)
            }
            command.append(event)
            frontier.append(eventHash: event.hash.bytes)
            if event.sequence % 10_000 == 0 { progress?(event.sequence, 0) }
        }
        try finishCommand()
        if let problem = walk.firstDeferredProblem() { try fail(problem) }
        try applyPending()
        if let failure = hashes.writeFailure { throw RuleViolation(failure) }
        guard hashes.count > 0 else { throw Failure(code: .ledger, message: "events.jsonl holds no event 1") }
        return Replay(
            hashes: hashes, root: frontier.root, commandSequences: walk.commandSequences, actors: walk.actors,
            projection: projection)
    }

    // MARK: Derived files

    private mutating func checkDerivedFiles(
        _ replay: Replay, present: [String: Int], manifest: Manifest, checkpoint: Checkpoint
    ) throws {
        let frameworks = try replay.projection.frameworkFiles()
        let frameworkFiles = Set(present.keys.filter { $0.hasPrefix("frameworks/") })
        guard frameworkFiles == Set(frameworks.keys.map { "frameworks/\($0).json" }) else {
            throw Failure(
                code: .framework,
                message: "frameworks/ does not hold exactly the \(frameworks.count) registered frameworks")
        }
        for (id, bytes) in frameworks.sorted(by: { $0.key < $1.key })
        where try BundleFiles.read(directory, "frameworks/\(id).json") != bytes {
            throw Failure(code: .framework, message: "frameworks/\(id).json is not the framework the events registered")
        }

        // evidence.json is strict JSON (`parse`), then compared with the documents the events added
        // one document at a time.
        try validateStrictJSON(BundleFiles.evidenceList)
        var list = try ExpectedFile(directory, BundleFiles.evidenceList)
        defer { list.close() }
        var evidenceCount = 0
        /// The documents' sizes by path, when the bundle holds the documents themselves.
        var sizes: [String: Int] = [:]
        try list.expect([UInt8(ascii: "[")])
        try replay.projection.forEachEvidence { item in
            if evidenceCount > 0 { try list.expect([UInt8(ascii: ",")]) }
            try list.expect(CanonicalJSON.encode(CertifiedBundle.evidenceJSON(item)))
            evidenceCount += 1
            if manifest.withEvidence { sizes["evidence/\(item.sha256)"] = item.size }
        }
        try list.expect([UInt8(ascii: "]")])
        guard try list.isComplete() else {
            throw Failure(
                code: .evidence, message: "evidence.json does not list exactly the documents the events added")
        }
        let evidenceFiles = Set(present.keys.filter { $0.hasPrefix("evidence/") })
        guard evidenceFiles == Set(sizes.keys) else {
            throw Failure(
                code: .evidence,
                message: "evidence/ does not hold exactly the \(sizes.count) documents evidence.json lists")
        }
        for path in evidenceFiles.sorted() {
            let digest = try BundleFiles.digest(directory, path)
            guard "evidence/\(digest.sha256)" == path, sizes[path] == digest.size else {
                throw Failure(
                    code: .evidence,
                    message: "\(path): its content hashes to \(digest.sha256) with \(digest.size) bytes")
            }
        }
        checks.append(
            "\(frameworks.count) frameworks and \(evidenceCount) evidence documents\(manifest.withEvidence ? ", each file matching its hash" : " listed (files not included)")"
        )

        let published = try replay.projection.publications()
        let resultFiles = Set(present.keys.filter { $0.hasPrefix("results/") })
        guard resultFiles == Set(published.keys.map { "results/\($0).json" }) else {
            throw Failure(
                code: .results, message: "results/ does not hold exactly the \(published.count) published cycles")
        }
        for (cycle, hash) in published.sorted(by: { $0.key < $1.key }) {
            try validateStrictJSON("results/\(cycle).json")
            guard try BundleFiles.digest(directory, "results/\(cycle).json").sha256 == hash else {
                throw Failure(
                    code: .results,
                    message:
                        "results/\(cycle).json: the published results do not follow from the events (the publication attests \(hash.prefix(16))…)"
                )
            }
        }
        let lines = checkpoint.extensions.filter { $0.hasPrefix("parledger-results ") }
        guard lines == published.sorted(by: { $0.key < $1.key }).map({ "parledger-results \($0.key) \($0.value)" })
        else {
            throw Failure(
                code: .results,
                message: "checkpoint.txt does not carry exactly the results hashes of the published cycles")
        }
        checks.append(
            "\(published.count) publications follow from the events: \(published.keys.sorted().joined(separator: ", "))"
        )

        try validateStrictJSON(BundleFiles.actors)
        guard
            try BundleFiles.read(directory, BundleFiles.actors)
                == CanonicalJSON.encode(.array(replay.actors.keys.sorted().compactMap { replay.actors[$0]?.json }))
        else {
            throw Failure(code: .actors, message: "actors.json does not match the actors the events define")
        }
        checks.append("actors.json matches the actors the events define")
    }
}

extension Array {
    /// The index of the first element for which `isAfter` holds, the elements being ordered so that
    /// it holds for a suffix.
    fileprivate func partitioningIndex(where isAfter: (Element) -> Bool) -> Int {
        var low = 0
        var high = count
        while low < high {
            let middle = (low + high) / 2
            if isAfter(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}

extension JSONValue {
    fileprivate var objectCount: Int {
        if case .object(let members) = self { return members.count }
        return -1
    }
}
