import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex
import TestSupport
import Testing

@Suite struct DemoTests {
    @Test func theDemoRunsTwoPublishedCyclesTheSecondOfTheWholeSchemeThatVerifyRebuildAndRepeatExactly() throws {
        let directory = try TemporaryDirectory()
        let frameworks = Repository.file("schemas/frameworks")
        let first = try CLI.run(["demo", "--dir", directory.path + "/one", "--frameworks", frameworks, "--quiet"])
        #expect(first.status == 0, "\(first.error)")
        #expect(first.output.contains("Cycle dien-bien-2019: 28 units"))
        #expect(first.output.contains("Cycle dien-bien-2020: 28 units"))
        #expect(first.output.contains("then corrected so-y-te"))
        #expect(first.output.contains("scheme 2: heads signed the submissions; council established by decision"))
        #expect(first.output.contains("contested by hoi-dong-tham-dinh and changed by vote"))
        #expect(first.output.contains("approved by pho-chu-tich-ubnd (KT. CHỦ TỊCH under decision 112/QĐ-UBND)"))
        #expect(first.output.contains("$ parledger ranking --cycle dien-bien-2020 --kind district"))
        #expect(first.output.contains("2 publications follow from the events: dien-bien-2019, dien-bien-2020"))
        #expect(first.output.contains("OK: the bundle verifies"))
        let python = try CLI.runPythonVerifier(
            directory.path + "/one/bundle", trust: directory.path + "/one/trust-policy.txt")
        #expect(python.status == 0, "\(python.output)\(python.error)")

        let ledger = directory.path + "/one/ledger"
        let scoring = try ScoringLedger.open(at: ledger)
        let report = try scoring.ledger.verify()
        #expect(report.isIntact)
        #expect(report.eventCount > 4_000)
        #expect(first.output.contains("OK: \(report.eventCount) events, head \(report.headHash.hex)"))
        for year in [2019, 2020] {
            let cycle = try #require(try scoring.cycle("dien-bien-\(year)"))
            #expect(cycle.publication != nil)
            #expect(cycle.draws["department"]?.units.count == 2)
            #expect(cycle.draws["district"]?.units.count == 1)
        }
        let scheme2 = try #require(try scoring.cycle("dien-bien-2020"))
        #expect(scheme2.opened.effectiveScheme == .whole)
        #expect(scheme2.approval?.resultsHash == scheme2.publication?.resultsHash)
        #expect(scheme2.councilBody?.contests.values.map(\.carried) == [true])
        let published2020 = try scoring.cycle("dien-bien-2020")?.publication?.resultsHash
        #expect(try scoring.results(cycle: "dien-bien-2020").hash == published2020)
        let before = try scoring.projectionDigest()
        try scoring.rebuild()
        #expect(try scoring.projectionDigest() == before)
        #expect(try scoring.results(cycle: "dien-bien-2020").hash == published2020)

        let second = try CLI.run(["demo", "--dir", directory.path + "/two", "--frameworks", frameworks, "--quiet"])
        #expect(
            second.output.replacingOccurrences(of: directory.path + "/two", with: "DIR")
                == first.output.replacingOccurrences(of: directory.path + "/one", with: "DIR"))
        let unknown = try CLI.run(["demo", "--dir", directory.path + "/three", "--province", "ha-noi"])
        #expect(unknown.status != 0)
        #expect(unknown.error.contains("no demo province 'ha-noi'"))
        let again = try CLI.run(["demo", "--dir", directory.path + "/one", "--frameworks", frameworks])
        #expect(again.status == 2)
        #expect(again.error.contains("already exists"))
    }

    @Test func theSecondProvinceRunsItsOwnCycleOfTheWholeSchemeOnItsOwnTablesAndBothVerifiersAgree() throws {
        let directory = try TemporaryDirectory()
        let outcome = try CLI.run([
            "demo", "--dir", directory.path + "/an-giang", "--province", "an-giang", "--frameworks",
            Repository.file("schemas/frameworks"), "--quiet",
        ])
        #expect(outcome.status == 0, "\(outcome.error)")
        #expect(outcome.output.contains("ParLedger demo: An Giang province, cycle 2018"))
        #expect(outcome.output.contains("approved by chu-tich-ubnd (TM. ỦY BAN NHÂN DÂN)"))
        #expect(outcome.output.contains("OK: the bundle verifies"))
        let python = try CLI.runPythonVerifier(
            directory.path + "/an-giang/bundle", trust: directory.path + "/an-giang/trust-policy.txt")
        #expect(python.status == 0, "\(python.output)\(python.error)")
        let scoring = try ScoringLedger.open(at: directory.path + "/an-giang/ledger")
        let cycle = try #require(try scoring.cycle("an-giang-2018"))
        #expect(cycle.opened.publicationWindow == PAREvents.DateWindow(from: "2019-01-01", until: "2019-06-30"))
        let results = try scoring.results(cycle: "an-giang-2018")
        #expect(Set(results.units.map(\.className)).isSubset(of: ["Xuất sắc", "Tốt", "Khá", "Trung bình", "Yếu"]))
        #expect(results.units.allSatisfy { $0.fields.map(\.adjustment).suffix(2) == [.bonus, .penalty] })
        #expect(results.units.count == 22)
    }
}
