import Foundation
import TestSupport
import Testing

/// The README's walkthrough ("A cycle, command by command") runs as written, so that it cannot drift
/// from the commands: every `sh` block of that section is run by bash, in a fresh directory holding a
/// link to `schemas/`, with the built `parledger` on PATH; any command that fails stops it.
@Suite struct ReadmeTests {
    /// The `sh` blocks of the README's section `heading`, in order.
    static func shellBlocks(under heading: String) throws -> [String] {
        let readme = try String(contentsOfFile: Repository.file("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "\n## \(heading)\n"), "README.md has no section '\(heading)'")
        let rest = readme[start.upperBound...]
        let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
        var blocks: [String] = []
        var current: [Substring]? = nil
        for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
            if current == nil, line == "```sh" {
                current = []
            } else if current != nil, line == "```" {
                blocks.append((current ?? []).joined(separator: "\n"))
                current = nil
            } else {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test func theWalkthroughRunsAsWritten() throws {
        let blocks = try Self.shellBlocks(under: "A cycle, command by command")
        try #require(!blocks.isEmpty)
        let walkthrough = blocks.joined(separator: "\n")
        for step in [
            "council assign", "spotcheck commit dien-bien-2019 --secret-out", "council close",
            "spotcheck draw dien-bien-2019 --kind department --secret",
            "spotcheck conclude", "score sheet", "score withdraw", "appraise ask", "score explain", "survey import",
            "publish", "correct", "objection file", "objection answer", "--objection kn-1", "objection list",
            "verify-bundle",
        ] {
            #expect(walkthrough.contains(step), "the walkthrough no longer shows '\(step)'")
        }
        let directory = try TemporaryDirectory()
        try FileManager.default.createSymbolicLink(
            atPath: directory.path + "/schemas", withDestinationPath: Repository.file("schemas"))
        let script = directory.path + "/walkthrough.sh"
        try Data(("cd \"$(dirname \"$0\")\"\n" + walkthrough + "\n").utf8).write(to: URL(fileURLWithPath: script))
        let path = CLI.productsDirectory.path + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        let outcome = try CLI.run(
            ["-euo", "pipefail", "-x", script],
            environment: ["PATH": path, "PARLEDGER_KEY": "", "PARLEDGER_UTC_OFFSET": ""],
            executable: URL(fileURLWithPath: "/bin/bash"))
        let failedCommand = outcome.error.split(separator: "\n").last { $0.hasPrefix("+ ") } ?? "?"
        try #require(outcome.status == 0, "the walkthrough stopped at: \(failedCommand)\n\(outcome.error.suffix(1500))")
        for expected in [
            "Opened cycle 'dien-bien-2019' (Chỉ số CCHC năm 2019) with 2 units; self-assessment deadline 2099-01-14T23:59:59.999+07:00",
            "Recorded the sheet of so-tai-chinh: 72 self-scores, 1 not-applicable marks, 4 evidence documents",
            "Recorded the sheet of huyen-muong-nhe: 75 self-scores", "submitted for appraisal",
            "huyen-muong-nhe\tdistrict\tsubmitted\tHuyện Mường Nhé\tdeadline extended to 2099-01-31T23:59:59.999+07:00",
            "Closed the appraisal of dien-bien-2019", "Imported 55 survey scores for 2 units",
            "CONFIRMED: the seed gives the recorded units",
            "Concluded the spot-check of huyen-muong-nhe",
            "Withdrew the self-assessment of so-tai-chinh", "Answered request gt-1 of so-tai-chinh",
            "Explanation gt-1 on 1.2, asked by thanh-vien-hd at ",
            "Published 'dien-bien-2019' by decision 642/QĐ-UBND of 2099-05-29",
            "Filed objection kn-1 of so-tai-chinh on 3.2.1", "Answered objection kn-2 of huyen-muong-nhe: rejected",
            "Corrected 3.2.1 of so-tai-chinh to 3 by decision 816/QĐ-UBND, resolving objection kn-1",
            "objections until 2099-06-28T23:59:59.999+07:00", "  corrected by event ",
            "Corrected 1.1.1 of so-tai-chinh to 0.5 by decision 815/QĐ-UBND", "\tCorrectionRecorded\tby so-noi-vu\t",
            "thanh-vien-hd (council-member)\tappraisal\t2.5 → 2\tMột báo cáo quý trễ hạn", "(identical)",
            "OK: the bundle verifies",
            "is in the log and in the bundle, in its place",
        ] {
            #expect(outcome.output.contains(expected), "the walkthrough no longer prints '\(expected)'")
        }
    }
}
