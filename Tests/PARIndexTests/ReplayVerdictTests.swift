import Foundation
import Ledger
import LedgerFormat
import PARBundle
import PARCore
import PARIndex
import TestSupport
import Testing

/// A command the log host appended a second time is refused by what a monitor runs on the events it
/// follows (`BundleVerifier.verifyEvents`), not only by the bundle verifier: the corpus's replay cases,
/// each a real command of the tiny ledger appended again with its own signature.
@Suite struct ReplayVerdictTests {
    @Test(arguments: [
        "replay-self-score-correction", "replay-extension-restored", "replay-revocation-reapplied", "replay-at-end",
    ])
    func aMonitorReplayingTheEventsRefusesTheRepeatedCommand(_ name: String) throws {
        let policy = try TrustPolicy(file: Repository.file("Tests/BundleCorpus/trust-policy.txt"))
        let report = try BundleVerifier.verifyEvents(
            in: Repository.file("Tests/BundleCorpus/cases/\(name)/bundle"), policy: policy)
        #expect(report.failure?.code == .command, "\(String(describing: report.failure))")
        #expect(report.failure?.message.contains("already used by the command") == true)
    }

    @Test func theGenuineEventsStillReplay() throws {
        let policy = try TrustPolicy(file: Repository.file("Tests/BundleCorpus/trust-policy.txt"))
        let report = try BundleVerifier.verifyEvents(
            in: Repository.file("Tests/BundleCorpus/cases/genuine-no-evidence/bundle"), policy: policy)
        #expect(report.failure == nil, "\(String(describing: report.failure))")
    }
}
