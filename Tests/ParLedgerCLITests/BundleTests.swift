import Foundation
import TestSupport
import Testing

@testable import Ledger
@testable import LedgerFormat

/// One demo ledger, its bundle and trust policy, shared by the tamper tests (each works on a copy).
final class DemoBundle: @unchecked Sendable {
    static let shared = Result { try DemoBundle() }

    let directory: TemporaryDirectory
    var demo: String { directory.path + "/demo" }
    var bundle: String { demo + "/bundle" }
    var trust: String { demo + "/trust-policy.txt" }
    var logKey: String { demo + "/ledger/log.key" }

    init() throws {
        directory = try TemporaryDirectory()
        let run = try CLI.run([
            "demo", "--dir", directory.path + "/demo", "--frameworks", Repository.file("schemas/frameworks"), "--quiet",
        ])
        guard run.status == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// A fresh copy of the bundle to tamper with.
    func copy() throws -> (TemporaryDirectory, String) {
        let target = try TemporaryDirectory()
        let path = target.path + "/bundle"
        try FileManager.default.copyItem(atPath: bundle, toPath: path)
        return (target, path)
    }
}

/// What both verifiers (`parledger verify-bundle` and tools/verify_bundle.py) said of one bundle.
private struct Verdicts {
    let swift: CLI.Outcome
    let python: CLI.Outcome

    /// Both exited with `status` and printed `FAILED [code]` with `text` in the message.
    func both(
        exit status: Int32 = 1, code: String, containing text: String = "",
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        for (name, outcome) in [("verify-bundle", swift), ("verify_bundle.py", python)] {
            #expect(
                outcome.status == status, "\(name) exit \(outcome.status): \(outcome.output)\(outcome.error)",
                sourceLocation: sourceLocation)
            let failed = outcome.output.split(separator: "\n").first { $0.hasPrefix("FAILED [\(code)]") }
            #expect(
                failed.map { text.isEmpty || $0.contains(text) } == true, "\(name): \(outcome.output)",
                sourceLocation: sourceLocation)
        }
    }
}

@Suite struct BundleTests {
    private func verify(_ bundle: String, trust: String?, receipt: String? = nil) throws -> Verdicts {
        let options = (trust.map { ["--trust", $0] } ?? []) + (receipt.map { ["--receipt", $0] } ?? [])
        return Verdicts(
            swift: try CLI.run(["verify-bundle", bundle, "--quiet"] + options),
            python: try CLI.runPythonVerifier(bundle, trust: trust, receipt: receipt))
    }

    /// Runs both verifiers on a tampered copy of the demo bundle.
    private func verifyTampered(_ tamper: (String) throws -> Void) throws -> Verdicts {
        let (holder, bundle) = try DemoBundle.shared.get().copy()
        return try withExtendedLifetime(holder) {
            try tamper(bundle)
            return try verify(bundle, trust: DemoBundle.shared.get().trust)
        }
    }

    private func lines(_ bundle: String) throws -> [String] {
        try String(contentsOfFile: bundle + "/events.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func write(_ lines: [String], to bundle: String) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: bundle + "/events.jsonl"))
    }

    private func resealWithTheLogKey(_ bundle: String) throws {
        try BundleSealer(logKey: DemoBundle.shared.get().logKey).reseal(bundle)
    }

    /// Re-links the chain from line `first` on after `change` edited events (hashes recomputed).
    private func rechain(_ all: inout [String], from first: Int, _ change: (inout RecordedEvent) -> Void = { _ in })
        throws
    {
        var previous = try RecordedEvent(envelope: try JSONParser.parse(all[first - 1])).hash
        for index in first..<all.count {
            var event = try RecordedEvent(envelope: try JSONParser.parse(all[index]))
            change(&event)
            event = event.resealed(after: previous)
            previous = event.hash
            all[index] = String(decoding: event.canonicalEnvelope(includingHash: true), as: UTF8.self)
        }
    }

    @Test func theGenuineBundleVerifiesAgainstTheTrustPolicyWithBothVerifiers() throws {
        let demo = try DemoBundle.shared.get()
        let verdicts = try verify(demo.bundle, trust: demo.trust)
        for outcome in [verdicts.swift, verdicts.python] {
            #expect(outcome.status == 0, "\(outcome.output)\(outcome.error)")
            #expect(outcome.output.hasSuffix("OK: the bundle verifies\n"))
            #expect(outcome.output.contains("2 publications follow from the events: dien-bien-2019, dien-bien-2020"))
        }
    }

    @Test func withoutATrustPolicyBothSayAuthenticityIsNotEstablishedAndShowTheFingerprint() throws {
        let demo = try DemoBundle.shared.get()
        let policy = try TrustPolicy(file: demo.trust)
        let verdicts = try verify(demo.bundle, trust: nil)
        for outcome in [verdicts.swift, verdicts.python] {
            #expect(outcome.status == 4, "\(outcome.output)\(outcome.error)")
            #expect(outcome.output.contains("UNTRUSTED: authenticity not established"))
            #expect(outcome.output.contains(TrustPolicy.fingerprint(of: policy.log.publicKey)))
        }
    }

    @Test func aBundleForgedWithFreshKeysIsRefusedGivenTheRealTrustPolicy() throws {
        let directory = try TemporaryDirectory()
        let forged = try CLI.run([
            "demo", "--dir", directory.path + "/forged", "--seed", "7", "--frameworks",
            Repository.file("schemas/frameworks"), "--quiet",
        ])
        #expect(forged.status == 0, "\(forged.error)")
        try verify(directory.path + "/forged/bundle", trust: DemoBundle.shared.get().trust).both(
            code: "log-key", containing: "checkpoint.txt")
        let selfConsistent = try verify(directory.path + "/forged/bundle", trust: nil)
        #expect(selfConsistent.swift.status == 4 && selfConsistent.python.status == 4)
    }

    @Test func aFileEditedWithoutTheLogKeyIsCaughtByTheManifest() throws {
        try verifyTampered { bundle in
            let path = bundle + "/results/dien-bien-2019.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\"rank\":1,", with: "\"rank\":2,").utf8).write(
                to: URL(fileURLWithPath: path))
        }.both(code: "manifest", containing: "results/dien-bien-2019.json")
    }

    @Test func anExtraFileASymlinkAndAFIFOAreRefusedByNameWithoutHanging() throws {
        try verifyTampered { bundle in
            try Data("x".utf8).write(to: URL(fileURLWithPath: bundle + "/notes.txt"))
        }.both(code: "unexpected-file", containing: "notes.txt")
        try verifyTampered { bundle in
            try FileManager.default.removeItem(atPath: bundle + "/actors.json")
            try FileManager.default.createSymbolicLink(
                atPath: bundle + "/actors.json", withDestinationPath: "/etc/passwd")
        }.both(code: "file-type", containing: "actors.json")
        try verifyTampered { bundle in
            try FileManager.default.removeItem(atPath: bundle + "/actors.json")
            #expect(mkfifo(bundle + "/actors.json", 0o644) == 0)
        }.both(code: "file-type", containing: "actors.json")
    }

    @Test func anInsiderWithTheLogKeyCannotChangeAPointDeleteOrSwapEvents() throws {
        try verifyTampered { bundle in
            var all = try lines(bundle)
            let index = try #require(all.firstIndex { $0.contains("\"type\":\"AppraisalScoreRecorded\"") })
            all[index] = all[index].replacingOccurrences(of: "\"points\":\"", with: "\"points\":\"1")
            try write(all, to: bundle)
            try resealWithTheLogKey(bundle)
        }.both(code: "chain", containing: "its contents do not match")
        try verifyTampered { bundle in
            var all = try lines(bundle)
            all.remove(at: 99)
            try write(all, to: bundle)
            try resealWithTheLogKey(bundle)
        }.both(code: "chain", containing: "event 100")
        try verifyTampered { bundle in
            var all = try lines(bundle)
            all.swapAt(199, 200)
            try write(all, to: bundle)
            try resealWithTheLogKey(bundle)
        }.both(code: "chain", containing: "event 200")
    }

    @Test func anInsiderWhoRechainsAChangedCommandIsCaughtByItsSignerSignature() throws {
        var first = 0
        try verifyTampered { bundle in
            var all = try lines(bundle)
            first = try #require(all.firstIndex { $0.contains("\"type\":\"AppraisalScoreRecorded\"") })
            try rechain(&all, from: first) { event in
                if event.sequence == UInt64(first + 1) {
                    event = event.with(
                        payload: Array(
                            String(decoding: event.payload, as: UTF8.self).replacingOccurrences(
                                of: "\"points\":\"", with: "\"points\":\"1"
                            ).utf8))
                }
            }
            try write(all, to: bundle)
            try resealWithTheLogKey(bundle)
        }.both(code: "signature", containing: "event \(first + 1)")
    }

    /// Forges the signatures of the commands holding lines `targets` (every event of each), re-links
    /// the chain, reseals the bundle, and runs both verifiers; returns their verdicts and the first
    /// event of each forged command.
    private func verifyWithForgedSignatures(atLines targets: [Int]) throws -> (Verdicts, [Int]) {
        var firsts: [Int] = []
        let verdicts = try verifyTampered { bundle in
            var all = try lines(bundle)
            let events = try all.map { try RecordedEvent(envelope: try JSONParser.parse($0)) }
            // A command is a run of events with one command id.
            var forged: [ClosedRange<Int>] = []
            for target in targets {
                var (start, end) = (target, target)
                while start > 0, events[start - 1].commandID == events[target].commandID { start -= 1 }
                while end + 1 < events.count, events[end + 1].commandID == events[target].commandID { end += 1 }
                forged.append(Int(events[start].sequence)...Int(events[end].sequence))
            }
            firsts = forged.map(\.lowerBound)
            try rechain(&all, from: (firsts.min() ?? 1) - 1) { event in
                if forged.contains(where: { $0.contains(Int(event.sequence)) }) {
                    var signature = event.signature
                    signature[7] ^= 0x20
                    event = event.with(signature: signature)
                }
            }
            try write(all, to: bundle)
            try resealWithTheLogKey(bundle)
        }
        return (verdicts, firsts)
    }

    @Test func ofTwoForgedSignaturesInDifferentBatchesTheFirstIsNamedByBothVerifiers() throws {
        // 4,096 events' worth of checks go to the other cores at a time: lines 6,000 and 700 are in
        // different batches.
        let (verdicts, firsts) = try verifyWithForgedSignatures(atLines: [6_000, 700])
        #expect(firsts[1] < firsts[0] - 4_096)
        verdicts.both(code: "signature", containing: "event \(firsts[1]): command")
        verdicts.both(code: "signature", containing: "does not verify")
    }

    @Test func ofTwoForgedSignaturesInTheSameBatchTheFirstIsNamedByBothVerifiers() throws {
        let (verdicts, firsts) = try verifyWithForgedSignatures(atLines: [1_600, 1_500])
        #expect(firsts[1] < firsts[0])
        verdicts.both(code: "signature", containing: "event \(firsts[1]): command")
        verdicts.both(code: "signature", containing: "does not verify")
    }

    @Test func anInsiderWhoBackdatesACommandIsCaughtByItsSigningTime() throws {
        var target = 0
        try verifyTampered { bundle in
            var all = try lines(bundle)
            target = try #require(all.firstIndex { $0.contains("\"type\":\"ResultsPublished\"") })
            let publication = try RecordedEvent(envelope: try JSONParser.parse(all[target]))
            try rechain(&all, from: target) { event in
                if event.commandID == publication.commandID {
                    event = event.recorded(
                        at: Timestamp(millisecondsSinceEpoch: event.recordedAt.millisecondsSinceEpoch + 3_600_000))
                }
            }
            try write(all, to: bundle)
            try resealWithTheLogKey(bundle)
        }.both(code: "command", containing: "15 minutes")
    }

    @Test func anInsiderWhoSwapsEvidenceOrRewritesResultsIsCaught() throws {
        try verifyTampered { bundle in
            let files = try FileManager.default.contentsOfDirectory(atPath: bundle + "/evidence").sorted()
            let other = try #require(FileManager.default.contents(atPath: bundle + "/evidence/" + files[1]))
            try other.write(to: URL(fileURLWithPath: bundle + "/evidence/" + files[0]))
            try resealWithTheLogKey(bundle)
        }.both(code: "evidence", containing: "evidence/")
        try verifyTampered { bundle in
            let path = bundle + "/results/dien-bien-2019.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\"rank\":1,", with: "\"rank\":2,").utf8).write(
                to: URL(fileURLWithPath: path))
            try resealWithTheLogKey(bundle)
        }.both(code: "results", containing: "results/dien-bien-2019.json")
    }

    @Test func aReceiptProvesItsCommandIsInPlaceAndCatchesABundleThatDropsIt() throws {
        let directory = try TemporaryDirectory()
        let ledger = ["--ledger", directory.ledgerPath]
        try directory.initCycle()
        let before = directory.path + "/before"
        #expect(try CLI.run(["export", before, "--quiet"] + ledger).status == 0)
        let receipt = directory.path + "/enrolment.receipt"
        #expect(try CLI.run(["keygen", "--out", directory.path + "/auditor.key"]).status == 0)
        let enrolled = try CLI.run(
            [
                "actor", "add", "kiem-toan", "--name", "Kiểm toán viên", "--role", "auditor",
                "--public-key", directory.path + "/auditor.key.pub", "--key", directory.secretariatKey,
                "--receipt-out", receipt,
            ] + ledger)
        #expect(enrolled.status == 0, "\(enrolled.error)")
        let trust = directory.path + "/trust-policy.txt"
        #expect(try CLI.run(["trust-policy", "--out", trust] + ledger).status == 0)
        let alone = try CLI.run(["receipt", "verify", receipt, "--trust", trust])
        #expect(alone.status == 0, "\(alone.output)\(alone.error)")
        #expect(alone.output.contains("OK: command"))

        let after = directory.path + "/after"
        #expect(try CLI.run(["export", after, "--quiet"] + ledger).status == 0)
        let held = try CLI.run(["receipt", "verify", receipt, "--trust", trust, "--bundle", after])
        #expect(held.status == 0, "\(held.output)\(held.error)")
        let both = try verify(after, trust: trust, receipt: receipt)
        #expect(both.swift.status == 0 && both.python.status == 0, "\(both.swift.output)\(both.python.output)")

        // A genuine, log-signed bundle of the history without the command: only the receipt shows what is missing.
        #expect(try verify(before, trust: trust).swift.status == 0)
        try verify(before, trust: trust, receipt: receipt).both(code: "receipt")
        #expect(try CLI.run(["receipt", "verify", receipt, "--trust", trust, "--bundle", before]).status == 1)
        let garbled = directory.path + "/garbled.receipt"
        try Data("{\"format\":\"parledger-receipt/1\"}".utf8).write(to: URL(fileURLWithPath: garbled))
        let unreadable = try CLI.run(["receipt", "verify", garbled, "--trust", trust])
        #expect(
            unreadable.status == 2 && unreadable.error.contains("not a parledger-receipt/1 receipt"),
            "\(unreadable.error)")
    }
}

/// What an insider holding the log key can do after editing a bundle: list every file in a new
/// manifest and sign a new checkpoint of the edited events with the real log key.
private struct BundleSealer {
    let logKey: String

    func reseal(_ bundle: String) throws {
        let files = FileManager.default
        let lines = try String(contentsOfFile: bundle + "/events.jsonl", encoding: .utf8).split(separator: "\n").map(
            String.init)
        let hashes = try lines.map { try RecordedEvent(envelope: try JSONParser.parse($0)).hash }
        var listed: [String: JSONValue] = [:]
        let paths = try files.subpathsOfDirectory(atPath: bundle).filter { path in
            var isDirectory: ObjCBool = false
            return files.fileExists(atPath: bundle + "/" + path, isDirectory: &isDirectory) && !isDirectory.boolValue
                && path != "manifest.json" && path != "checkpoint.txt"
        }
        for path in paths {
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: bundle + "/" + path)))
            listed[path] = .object(["sha256": .string(EventHash.of(bytes).hex), "size": .integer(Int64(bytes.count))])
        }
        guard
            case .object(var manifest) = try JSONParser.parse(
                Array(try Data(contentsOf: URL(fileURLWithPath: bundle + "/manifest.json"))))
        else {
            throw CocoaError(.fileReadCorruptFile)
        }
        let root = try MerkleTree.hash(
            start: 0, size: UInt64(hashes.count),
            subtree: MerkleTree.inMemory(hashes.map { MerkleTree.leafHash($0.bytes) }))
        manifest["files"] = .object(listed)
        manifest["eventCount"] = .integer(Int64(hashes.count))
        manifest["headHash"] = .string(hashes.last?.hex ?? "")
        manifest["rootHash"] = .string(hexString(root))
        let manifestBytes = CanonicalJSON.encode(.object(manifest))
        try Data(manifestBytes).write(to: URL(fileURLWithPath: bundle + "/manifest.json"))
        let note = try String(contentsOfFile: bundle + "/checkpoint.txt", encoding: .utf8)
        let old = try Checkpoint(parsing: note.components(separatedBy: "\n\n")[0] + "\n")
        let extensions =
            old.extensions.filter { !$0.hasPrefix("parledger-manifest ") } + [
                "parledger-manifest \(EventHash.of(manifestBytes).hex)"
            ]
        let checkpoint = Checkpoint(
            origin: old.origin, size: UInt64(hashes.count), rootHash: root, extensions: extensions)
        let signed = SignedNote.sign(checkpoint.text, name: checkpoint.origin, key: try KeyFile.read(logKey))
        try Data(signed.utf8).write(to: URL(fileURLWithPath: bundle + "/checkpoint.txt"))
    }
}

extension RecordedEvent {
    /// The same event with its hash recomputed after `previous`.
    fileprivate func resealed(after previous: EventHash) -> RecordedEvent {
        func make(_ hash: EventHash) -> RecordedEvent {
            RecordedEvent(
                sequence: sequence, stream: stream, streamVersion: streamVersion, type: type,
                schemaVersion: schemaVersion,
                payload: payload, actor: actor, recordedAt: recordedAt, commandID: commandID, causationID: causationID,
                correlationID: correlationID, keyID: keyID, signature: signature, previousHash: previous, hash: hash,
                signedAt: signedAt, basis: basis
            )
        }
        return make(EventHash.of(make(.genesis).canonicalEnvelope()))
    }

    fileprivate func with(signature: [UInt8]) -> RecordedEvent {
        RecordedEvent(
            sequence: sequence, stream: stream, streamVersion: streamVersion, type: type, schemaVersion: schemaVersion,
            payload: payload, actor: actor, recordedAt: recordedAt, commandID: commandID, causationID: causationID,
            correlationID: correlationID, keyID: keyID, signature: signature, previousHash: previousHash, hash: hash,
            signedAt: signedAt, basis: basis
        )
    }

    fileprivate func with(payload: [UInt8]) -> RecordedEvent {
        RecordedEvent(
            sequence: sequence, stream: stream, streamVersion: streamVersion, type: type, schemaVersion: schemaVersion,
            payload: payload, actor: actor, recordedAt: recordedAt, commandID: commandID, causationID: causationID,
            correlationID: correlationID, keyID: keyID, signature: signature, previousHash: previousHash, hash: hash,
            signedAt: signedAt, basis: basis
        )
    }

    fileprivate func recorded(at time: Timestamp) -> RecordedEvent {
        RecordedEvent(
            sequence: sequence, stream: stream, streamVersion: streamVersion, type: type, schemaVersion: schemaVersion,
            payload: payload, actor: actor, recordedAt: time, commandID: commandID, causationID: causationID,
            correlationID: correlationID, keyID: keyID, signature: signature, previousHash: previousHash, hash: hash,
            signedAt: signedAt, basis: basis
        )
    }
}
