import Application
import Ledger
import LedgerFormat
import PARCore
import PARFixtures
import PARIndex
import TestSupport
import Testing

/// The application service: an operation decoded from a page's JSON is the CLI's operation; a trial
/// says, before anyone signs, what an append would say, and writes nothing; what it allows appends.
@Suite struct ScoringServiceTests {
    @Test func aTrialRefusesWhatTheAppendWouldRefuseAndWritesNothing() throws {
        let p = try Province(departments: 2, districts: 0)
        try p.selfAssessFully("d01")
        let service = ScoringService(p.scoring)
        let before = try p.scoring.ledger.head()
        let stateBefore = try p.scoring.state().scoreCount
        // A council member appraising outside their fields, an officer of another unit, a seal before
        // any appraisal of a unit that has not submitted: each refused with the append's reason.
        let outsideFields = RecordAppraisal(
            cycle: p.cycle, unit: "d01", criterion: "2.1.1", points: "0", reason: "Thiếu tài liệu")
        #expect(service.refusal(of: outsideFields, by: "thanh-vien")?.contains("not field 2") == true)
        let otherUnit = WithdrawSelfAssessment(cycle: p.cycle, unit: "d01", reason: "Bổ sung")
        #expect(service.refusal(of: otherUnit, by: p.officer("d02"))?.contains("acts for d02 only") == true)
        #expect(service.refusal(of: SealUnit(cycle: p.cycle, unit: "d02"), by: "hoi-dong") != nil)
        #expect(try p.scoring.ledger.head() == before)
        #expect(try p.scoring.state().scoreCount == stateBefore)
        // The same refusals as appending the same events.
        let appended = try p.refusal(
            by: "thanh-vien",
            try service.command(for: outsideFields, by: "thanh-vien").events)
        #expect(appended == service.refusal(of: outsideFields, by: "thanh-vien"))
    }

    @Test func whatATrialAllowsIsAppendedWithTheSameEventsOnceSigned() throws {
        let p = try Province(departments: 1, districts: 0)
        try p.selfAssessFully("d01")
        let service = ScoringService(p.scoring)
        let withdraw = WithdrawSelfAssessment(cycle: p.cycle, unit: "d01", reason: "Bổ sung tài liệu 2.3")
        #expect(service.refusal(of: withdraw, by: p.officer("d01")) == nil)
        let tried = try service.trial(try service.command(for: withdraw, by: p.officer("d01")))
        let key = try #require(p.keys[p.officer("d01")])
        let appended = try service.perform(withdraw, signedWith: key)
        #expect(appended.events.map(\.type) == tried.map(\.type))
        #expect(appended.events.map(\.payload) == tried.map(\.payload))
        #expect(try p.scoring.unitRecord(cycle: p.cycle, unit: "d01")?.stage == .selfAssessment)
        // Withdrawn, it may not be withdrawn again: the trial now says so.
        #expect(service.refusal(of: withdraw, by: p.officer("d01")) != nil)
    }

    @Test func aTrialByASuspendedActorOrAnUnknownOneIsRefused() throws {
        let p = try Province(departments: 1, districts: 0)
        let service = ScoringService(p.scoring)
        let close = CloseAppraisal(cycle: p.cycle)
        #expect(service.refusal(of: close, by: "nobody")?.contains("unknown actor 'nobody'") == true)
        try p.issue(by: "so-noi-vu", [ActorEvent.suspension(of: "hoi-dong", reason: "nghỉ hưu")])
        #expect(service.refusal(of: close, by: "hoi-dong")?.contains("suspended") == true)
    }

    @Test func aPageRequestDecodesToTheOperationTheCLIBuilds() throws {
        let request: JSONValue = .object([
            "operation": .string("appraise"), "cycle": .string("dien-bien-2019"), "unit": .string("d01"),
            "criterion": .string("1.1"), "points": .string("0,5"), "reason": .string("Thiếu"),
            "evidence": .array([]),
        ])
        let decoded = try #require(try PAROperations.decode(request) as? RecordAppraisal)
        let built = RecordAppraisal(
            cycle: "dien-bien-2019", unit: "d01", criterion: "1.1", points: "0,5", reason: "Thiếu", evidence: [])
        #expect(
            [decoded.cycle, decoded.unit, decoded.criterion, decoded.points, decoded.reason]
                == [built.cycle, built.unit, built.criterion, built.points, built.reason])
    }

    @Test func theOpenAPIDescriptionNamesEveryOperationAndNoOther() throws {
        let text = try String(contentsOfFile: Repository.file("schemas/openapi.yaml"), encoding: .utf8)
        let described = Set(
            text.split(separator: "\n").compactMap { line in
                line.wholeMatch(of: #/ +operation: \{const: ([a-z-]+)\}/#).map { String($0.1) }
            })
        #expect(described == Set(PAROperations.all.map { $0.name }))
    }

    @Test func aMalformedRequestIsRefusedNamingTheMember() {
        func refusal(_ members: [String: JSONValue]) -> String? {
            do {
                _ = try PAROperations.decode(.object(members))
                return nil
            } catch let violation as RuleViolation {
                return violation.reason
            } catch {
                return "\(error)"
            }
        }
        #expect(refusal(["operation": .string("launch")])?.contains("unknown operation 'launch'") == true)
        #expect(refusal([:])?.contains("'operation'") == true)
        #expect(
            refusal(["operation": .string("seal"), "cycle": .string("c")])?.contains("member 'unit' is missing") == true
        )
        #expect(
            refusal(["operation": .string("seal"), "cycle": .integer(1), "unit": .string("u")])?
                .contains("member 'cycle' must be a string") == true)
        #expect(
            refusal([
                "operation": .string("self-assessment"), "cycle": .string("c"), "unit": .string("u"),
                "rows": .array([.object(["points": .string("1")])]),
            ])?.contains("member 'rows.[0].criterion' is missing") == true)
    }
}
