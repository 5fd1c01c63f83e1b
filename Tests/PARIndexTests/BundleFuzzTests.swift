import Foundation
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex
import TestSupport
import Testing

/// Seeded mutation tests of what reads untrusted bytes: the strict JSON parser and the whole bundle
/// verifier. Every mutation must be refused with a verdict (or, for a no-op, pass), never crash or hang.
@Suite struct BundleFuzzTests {
    /// xorshift64*: reproducible pseudo-random numbers for the mutations.
    private struct Mutator {
        var state: UInt64

        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }

        mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

        /// One random edit of `bytes`: a flipped bit, a cut, an insertion of hostile text, or a
        /// duplicated slice.
        mutating func mutate(_ bytes: [UInt8]) -> [UInt8] {
            var out = bytes
            let hostile: [[UInt8]] = [
                Array("-9223372036854775808".utf8), Array("1e400".utf8), Array("-0".utf8), Array("NaN".utf8),
                Array(repeating: UInt8(ascii: "["), count: 5_000), [0xEF, 0xBB, 0xBF], [0xC3, 0x28],
                [0xED, 0xA0, 0x80],
                Array(#"\ud800"#.utf8), Array(#","seq":1,"seq":2"#.utf8), [0x0A], [0x00],
            ]
            switch below(4) {
            case 0 where !out.isEmpty:
                out[below(out.count)] ^= UInt8(1 << below(8))
            case 1 where !out.isEmpty:
                let start = below(out.count)
                out.removeSubrange(start..<min(out.count, start + 1 + below(64)))
            case 2:
                out.insert(contentsOf: hostile[below(hostile.count)], at: below(out.count + 1))
            default:
                guard !out.isEmpty else { return out }
                let start = below(out.count)
                out.insert(contentsOf: out[start..<min(out.count, start + 1 + below(256))], at: below(out.count + 1))
            }
            return out
        }
    }

    private static let corpus = Repository.file("Tests/BundleCorpus")

    @Test func integerExtremesAndHostileDocumentsAreRefusedWithoutCrashing() throws {
        let refused = [
            "-9223372036854775808", "9223372036854775808", "9007199254740992", "-9007199254740992", "-0", "1e400",
            "1.5", "NaN", "[1,]", #"{"a":1,"a":2}"#, "\u{FEFF}{}", #""\ud800""#, String(repeating: "[", count: 100_000),
        ]
        for text in refused {
            #expect(throws: JSONParseError.self, "\(text.prefix(30)) was accepted") { try JSONParser.parse(text) }
        }
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse([UInt8(ascii: "\""), 0xC3, 0x28, UInt8(ascii: "\"")])
        }
        #expect(try JSONParser.parse("9007199254740991") == .integer(9_007_199_254_740_991))
        #expect(try JSONParser.parse("-9007199254740991") == .integer(-9_007_199_254_740_991))
    }

    @Test func fiveThousandMutatedEventLinesParseOrAreRefusedAndRoundTripWhenAccepted() throws {
        let line = try String(contentsOfFile: Self.corpus + "/cases/genuine/bundle/events.jsonl", encoding: .utf8)
            .split(separator: "\n")[20]
        var mutator = Mutator(state: 2019)
        var accepted = 0
        for _ in 0..<5_000 {
            let mutated = mutator.mutate(Array(line.utf8))
            guard let value = try? JSONParser.parse(mutated) else { continue }
            accepted += 1
            #expect(try JSONParser.parse(CanonicalJSON.encode(value)) == value)
            _ = try? RecordedEvent(envelope: value)
        }
        #expect(accepted < 5_000)
    }

    @Test func mutatedBundlesAreRefusedWithAVerdictCode() throws {
        let policy = try TrustPolicy(file: Self.corpus + "/trust-policy.txt")
        let directory = try TemporaryDirectory()
        let bundle = directory.path + "/bundle"
        var mutator = Mutator(state: 7)
        var refused: [String: Int] = [:]
        for round in 0..<60 {
            try? FileManager.default.removeItem(atPath: bundle)
            try FileManager.default.copyItem(atPath: Self.corpus + "/cases/genuine/bundle", toPath: bundle)
            let target = ["events.jsonl", "manifest.json", "checkpoint.txt", "actors.json", "evidence.json"][round % 5]
            let path = bundle + "/" + target
            let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
            let mutated = mutator.mutate(original)
            try Data(mutated).write(to: URL(fileURLWithPath: path))
            let report = try BundleVerifier.verify(bundle, policy: policy)
            if mutated == original {
                #expect(report.failure == nil)
            } else {
                let code = try #require(report.failure?.code, "a mutation of \(target) passed")
                refused[code.rawValue, default: 0] += 1
            }
        }
        #expect(refused.values.reduce(0, +) > 50)
    }
}
