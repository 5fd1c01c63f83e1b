import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// One definition of "not blank" (FORMAT.md, Strict text) for every text a rule requires: empty text
/// and text made only of White_Space (spaces, tabs, line breaks, no-break and ideographic spaces) are
/// refused alike, wherever the rule asks for a reason, a decision, a name or a title.
@Suite struct DomainCoreRequiredTextTests {
    static let blanks = ["", " ", "   ", "\t\n", "\u{00A0}", "\u{3000}", "\u{2003}\u{202F}"]

    @Test(arguments: blanks) func aDeadlineExtensionWithABlankReasonIsRefused(blank: String) throws {
        let core = try F()
        core.expectRefused(
            PAREvents.DeadlineExtended(cycle: F.cycle, unit: "d02", until: "2020-01-20T00:00:00Z", reason: blank),
            by: F.secretariat, "an extension needs a reason")
    }

    @Test(arguments: blanks) func leavingAUnitOutOfTheRankingWithABlankReasonIsRefused(blank: String) throws {
        let core = try F()
        core.expectRefused(
            PAREvents.UnitExcludedFromRanking(cycle: F.cycle, unit: "h02", reason: blank), by: F.secretariat,
            "leaving a unit out of the ranking needs a reason")
    }

    @Test(arguments: blanks) func aCorrectionWithABlankDecisionOrReasonIsRefused(blank: String) throws {
        var core = try F()
        try core.publish()
        let expected = "a correction cites the decision that orders it and gives a reason"
        core.expectRefused(F.correction("d01", "1.1", "7", decision: blank), by: F.secretariat, expected)
        core.expectRefused(F.correction("d01", "1.1", "7", reason: blank), by: F.secretariat, expected)
    }

    @Test(arguments: blanks) func aDocumentWithABlankNameIsRefused(blank: String) throws {
        let core = try F()
        let document = PAREvents.EvidenceAdded(
            sha256: F.evidenceHash("d09"), name: blank, size: 1, unit: "d01")
        core.expectRefused(document, by: F.secretariat, "evidence needs a name, a size and a SHA-256 of 64 hex digits")
    }

    @Test(arguments: blanks) func aCitationWithABlankNameIsRefused(blank: String) throws {
        let core = try F()
        let citation = EvidenceCitation(name: blank, sha256: F.evidenceHash("d01"))
        core.expectRefused(
            F.selfScore("d01", "1.1", "10", evidence: [citation]), by: F.officer("d01"), "needs a name and a SHA-256")
    }

    @Test(arguments: blanks) func aCycleWithABlankNameIsRefused(blank: String) throws {
        let core = try F()
        let opening = F.opening(cycle: "dien-bien-2020")
        let blankName = PAREvents.CycleOpened(
            cycle: opening.cycle, name: blank, year: 2020, frameworks: opening.frameworks, units: opening.units,
            selfAssessmentDeadline: "2021-01-14T16:59:59.999Z", previousCycle: nil, publicationWindow: nil)
        core.expectRefused(blankName, by: F.secretariat, "cycle 'dien-bien-2020' needs a name")
    }

    @Test func textWithLettersAmongTheSpacesIsAccepted() throws {
        var core = try F()
        try core.record(
            PAREvents.DeadlineExtended(
                cycle: F.cycle, unit: "d02", until: "2020-01-20T00:00:00Z", reason: "\u{3000}Công văn 12/SNV "),
            by: F.secretariat)
        #expect(core.unit("d02")?.deadlineExtendedUntil == "2020-01-20T00:00:00.000Z")
    }

    @Test(arguments: [" ", "\u{3000}"]) func aFrameworkWithABlankTitleIsRefused(blank: String) throws {
        var json = F.departments.json
        guard case .object(var document) = json, case .array(var fields)? = document["criteria"],
            case .object(var first) = fields[0]
        else {
            Issue.record("unexpected framework JSON")
            return
        }
        first["title"] = .string(blank)
        fields[0] = .object(first)
        document["criteria"] = .array(fields)
        json = .object(document)
        #expect(throws: (any Error).self) { try Framework(json: json) }
    }
}
