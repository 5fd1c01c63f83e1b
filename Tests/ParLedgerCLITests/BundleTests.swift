import Foundation
@testable import Ledger
import Testing
import TestSupport

/// One demo ledger and its exported bundle, shared by the tamper tests (each works on a copy).
private final class DemoBundle: @unchecked Sendable {
    static let shared = Result { try DemoBundle() }

    let directory: TemporaryDirectory
    var bundle: String { directory.path + "/bundle" }

    init() throws {
        directory = try TemporaryDirectory()
        let demo = try CLI.run(["demo", "--dir", directory.path + "/demo", "--frameworks", Repository.file("schemas/frameworks"), "--quiet"])
        guard demo.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        let export = try CLI.run(["export", bundle, "--with-evidence", "--quiet", "--ledger", directory.path + "/demo/ledger",
                                  "--key", directory.path + "/demo/keys/so-noi-vu-thuong-truc.key"])
        guard export.status == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// A fresh copy of the bundle to tamper with.
    func copy() throws -> (TemporaryDirectory, String) {
        let target = try TemporaryDirectory()
        let path = target.path + "/bundle"
        try FileManager.default.copyItem(atPath: bundle, toPath: path)
        return (target, path)
    }
}

@Suite struct BundleTests {
    private func lines(_ bundle: String) throws -> [String] {
        try String(contentsOfFile: bundle + "/events.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
    }

    private func write(_ lines: [String], to bundle: String) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: bundle + "/events.jsonl"))
    }

    /// What both verifiers (`parledger verify-bundle` and tools/verify_bundle.py) printed, together.
    private struct Verdicts {
        let swift: CLI.Outcome
        let python: CLI.Outcome

        /// Both refused (exit code 1) and both printed `text`.
        func bothRefuse(containing text: String, sourceLocation: SourceLocation = #_sourceLocation) {
            for (name, outcome) in [("verify-bundle", swift), ("verify_bundle.py", python)] {
                #expect(outcome.status == 1, "\(name) exit \(outcome.status): \(outcome.output)\(outcome.error)", sourceLocation: sourceLocation)
                #expect(outcome.output.contains("FAILED: " + text) || outcome.output.contains(text), "\(name): \(outcome.output)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Runs both verifiers on a tampered copy.
    private func verifyTampered(_ tamper: (String) throws -> Void) throws -> Verdicts {
        let (holder, bundle) = try DemoBundle.shared.get().copy()
        return try withExtendedLifetime(holder) {
            try tamper(bundle)
            return Verdicts(swift: try CLI.run(["verify-bundle", bundle, "--quiet"]), python: try CLI.runPythonVerifier(bundle))
        }
    }

    @Test func anExportedBundleVerifiesWithBothVerifiers() throws {
        let bundle = try DemoBundle.shared.get().bundle
        let outcome = try CLI.run(["verify-bundle", bundle, "--quiet"])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.hasSuffix("OK: the bundle verifies\n"))
        #expect(outcome.output.contains("2 publications follow from them: dien-bien-2019, dien-bien-2020"))
        let python = try CLI.runPythonVerifier(bundle)
        #expect(python.status == 0, "\(python.output)\(python.error)")
        #expect(python.output.hasSuffix("OK: the bundle verifies\n"))
        #expect(python.output.contains("indexes, classes and rankings recomputed independently; 2 publications follow from the events"))
    }

    @Test func aChangedPointValueIsNamed() throws {
        var changed = 0
        let outcome = try verifyTampered { bundle in
            var all = try lines(bundle)
            let index = try #require(all.firstIndex { $0.contains("\"type\":\"AppraisalScoreRecorded\"") })
            all[index] = all[index].replacingOccurrences(of: "\"points\":\"", with: "\"points\":\"1")
            changed = index + 1
            try write(all, to: bundle)
        }
        outcome.bothRefuse(containing: "events.jsonl, event \(changed): its contents do not match its stored hash")
    }

    @Test func aDeletedEventIsNamed() throws {
        let outcome = try verifyTampered { bundle in
            var all = try lines(bundle)
            all.remove(at: 99)
            try write(all, to: bundle)
        }
        outcome.bothRefuse(containing: "events.jsonl, event 100: missing: the next event is 101")
    }

    @Test func twoSwappedEventsAreNamed() throws {
        let outcome = try verifyTampered { bundle in
            var all = try lines(bundle)
            all.swapAt(199, 200)
            try write(all, to: bundle)
        }
        outcome.bothRefuse(containing: "events.jsonl, event 200: missing: the next event is 201")
    }

    @Test func aForgedCommandSignatureIsNamedEvenWithARecomputedChain() throws {
        var first = 0
        var forgedCommand = ""
        let outcome = try verifyTampered { bundle in
            var all = try lines(bundle)
            var previous: EventHash?
            forgedCommand = try RecordedEvent(envelope: try JSONParser.parse(all[1_999])).commandID
            first = try #require(try all.firstIndex { try RecordedEvent(envelope: try JSONParser.parse($0)).commandID == forgedCommand })
            for index in first..<all.count {
                var event = try RecordedEvent(envelope: try JSONParser.parse(all[index]))
                var signature = event.signature
                if event.commandID == forgedCommand { signature[5] ^= 0x40 }
                let unsealed = RecordedEvent(
                    sequence: event.sequence, stream: event.stream, streamVersion: event.streamVersion, type: event.type,
                    schemaVersion: event.schemaVersion, payload: event.payload, actor: event.actor, recordedAt: event.recordedAt,
                    commandID: event.commandID, causationID: event.causationID, correlationID: event.correlationID, keyID: event.keyID,
                    signature: signature, previousHash: previous ?? event.previousHash, hash: .genesis
                )
                event = RecordedEvent(
                    sequence: event.sequence, stream: event.stream, streamVersion: event.streamVersion, type: event.type,
                    schemaVersion: event.schemaVersion, payload: event.payload, actor: event.actor, recordedAt: event.recordedAt,
                    commandID: event.commandID, causationID: event.causationID, correlationID: event.correlationID, keyID: event.keyID,
                    signature: signature, previousHash: unsealed.previousHash, hash: EventHash.of(unsealed.canonicalEnvelope())
                )
                previous = event.hash
                all[index] = String(decoding: event.canonicalEnvelope(includingHash: true), as: UTF8.self)
            }
            try write(all, to: bundle)
        }
        outcome.bothRefuse(containing: "events.jsonl, event \(first + 1): command '\(forgedCommand)': the signature")
        #expect(outcome.swift.output.contains("does not verify with key"))
        #expect(outcome.python.output.contains("the signature does not verify"))
    }

    @Test func aForgedCheckpointIsRefused() throws {
        let outcome = try verifyTampered { bundle in
            let note = try String(contentsOfFile: bundle + "/checkpoint.txt", encoding: .utf8)
            var lines = note.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            lines[1] = String((UInt64(lines[1]) ?? 0) + 1)
            try Data(lines.joined(separator: "\n").utf8).write(to: URL(fileURLWithPath: bundle + "/checkpoint.txt"))
        }
        outcome.bothRefuse(containing: "checkpoint.txt: the signature by parledger/dien-bien-demo-2019 does not verify")
    }

    @Test func anEvidenceFileSwappedForAnotherIsNamed() throws {
        var name = ""
        let outcome = try verifyTampered { bundle in
            let files = try FileManager.default.contentsOfDirectory(atPath: bundle + "/evidence").sorted()
            name = try #require(files.first)
            let other = try #require(FileManager.default.contents(atPath: bundle + "/evidence/" + files[1]))
            try other.write(to: URL(fileURLWithPath: bundle + "/evidence/" + name))
        }
        outcome.bothRefuse(containing: "evidence/\(name) (")
        outcome.bothRefuse(containing: "its content hashes to")
    }

    @Test func aPublishedRankingThatDoesNotFollowFromTheEventsIsNamed() throws {
        let outcome = try verifyTampered { bundle in
            let path = bundle + "/results/dien-bien-2019.json"
            let text = try String(contentsOfFile: path, encoding: .utf8)
            try Data(text.replacingOccurrences(of: "\"rank\":1,", with: "\"rank\":2,").utf8).write(to: URL(fileURLWithPath: path))
        }
        outcome.bothRefuse(containing: "results/dien-bien-2019.json: the published results do not follow from the events")
    }
}
