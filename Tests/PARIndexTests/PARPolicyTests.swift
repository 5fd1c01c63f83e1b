import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Scenarios
import TestSupport
import Testing

/// A PAR ledger with one enrolled actor per role; unit officers act for `so-tai-chinh`.
private struct RoleFixture {
    let ledger: Ledger
    var keys: [String: SigningKey] = [:]

    init(in directory: TemporaryDirectory) throws {
        ledger = try Ledger.create(at: directory.ledgerPath, options: LedgerOptions(policy: PARPolicy()))
        let secretariat = SigningKey()
        keys["so-noi-vu"] = secretariat
        try ledger.append(
            try Enrolment.genesis(
                "so-noi-vu", name: "Sở Nội vụ", key: secretariat, commandID: "enrol-so-noi-vu", on: ledger))
        let members: [(String, Role, String?)] = [
            ("can-bo-tai-chinh", .unitOfficer, "so-tai-chinh"),
            ("hoi-dong", .councilMember, nil),
            ("ban-chi-dao", .steeringCommittee, nil),
            ("nha-thau", .surveyContractor, nil),
            ("kiem-toan", .auditor, nil),
        ]
        for (id, role, scope) in members {
            let key = SigningKey()
            keys[id] = key
            try append(
                by: "so-noi-vu", [Enrolment.draft(id, name: id, role: role, scope: scope, publicKey: key.publicKey)])
        }
    }

    @discardableResult
    func append(by actor: String, _ events: [EventDraft]) throws -> AppendResult {
        let key = try #require(keys[actor])
        let command = Command(id: "command-\(try ledger.head().count + 1)", actor: actor, events: events)
        return try ledger.append(try ledger.sign(command, with: key))
    }

    /// The reason the ledger refuses `events` from `actor`, after checking that nothing was appended.
    func refusal(by actor: String, _ events: [EventDraft]) throws -> String? {
        let before = try ledger.head()
        defer { #expect((try? ledger.head()) == before) }
        do {
            try append(by: actor, events)
            return nil
        } catch let LedgerError.notPermitted(reason, _) {
            return reason
        } catch let LedgerError.invalidCommand(reason) {
            return reason
        }
    }
}

private func event(_ type: String, unit: String? = "so-tai-chinh") -> EventDraft {
    var payload: [String: JSONValue] = ["criterion": .string("1.1"), "points": .string("1")]
    if let unit { payload["unit"] = .string(unit) }
    return EventDraft(stream: "2019/\(unit ?? "cycle")", type: type, payload: .object(payload))
}

@Suite struct PARPolicyTests {
    @Test func eachRoleMayRecordExactlyItsOwnWork() throws {
        let directory = try TemporaryDirectory()
        let province = try RoleFixture(in: directory)
        try province.append(by: "so-noi-vu", [event(PAREvents.CycleOpened.type, unit: nil)])
        try province.append(by: "can-bo-tai-chinh", [event(PAREvents.SelfScoreRecorded.type)])
        try province.append(by: "can-bo-tai-chinh", [event(PAREvents.SelfAssessmentSubmitted.type)])
        try province.append(by: "hoi-dong", [event(PAREvents.AppraisalScoreRecorded.type)])
        try province.append(by: "ban-chi-dao", [event(PAREvents.SpotCheckDrawn.type, unit: nil)])
        try province.append(by: "ban-chi-dao", [event(PAREvents.SpotCheckScoreRecorded.type)])
        try province.append(by: "nha-thau", [event(PAREvents.SurveyScoresImported.type, unit: nil)])
        try province.append(by: "so-noi-vu", [event(PAREvents.ResultsPublished.type, unit: nil)])
        #expect(try province.ledger.verify().isIntact)
    }

    @Test func aUnitOfficerActingForAnotherUnitIsRefused() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let reason = try province.refusal(
            by: "can-bo-tai-chinh", [event(PAREvents.SelfScoreRecorded.type, unit: "so-y-te")])
        #expect(reason == "'can-bo-tai-chinh' acts for so-tai-chinh only, not for 'so-y-te' (SelfScoreRecorded)")
    }

    @Test func aUnitOfficerAppraisingIsRefused() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let reason = try province.refusal(by: "can-bo-tai-chinh", [event(PAREvents.AppraisalScoreRecorded.type)])
        #expect(reason?.contains("may not record AppraisalScoreRecorded; that needs the role council-member") == true)
    }

    @Test func aCouncilMemberPublishingIsRefused() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let reason = try province.refusal(by: "hoi-dong", [event(PAREvents.ResultsPublished.type, unit: nil)])
        #expect(
            reason?.contains(
                "'hoi-dong' (council-member) may not record ResultsPublished; that needs the role secretariat") == true)
    }

    @Test func onlyTheSecretariatEnrolsActors() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let enrolment = ActorEvent.enrolment(
            actor: "x", name: "X", grant: RoleGrant(role: "auditor", scope: nil), publicKey: SigningKey().publicKey)
        for actor in ["can-bo-tai-chinh", "hoi-dong", "ban-chi-dao", "nha-thau", "kiem-toan"] {
            let reason = try province.refusal(by: actor, [enrolment])
            #expect(
                reason?.contains("may not record ActorEnrolled; that needs the role secretariat") == true, "\(actor)")
        }
        let suspension = ActorEvent.suspension(of: "so-noi-vu", reason: "x")
        #expect(try province.refusal(by: "hoi-dong", [suspension])?.contains("needs the role secretariat") == true)
    }

    @Test func anAuditorAppendsNothing() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        for type in PAREvents.roles.keys.sorted() + ActorEvent.types.sorted() {
            #expect(try province.refusal(by: "kiem-toan", [event(type)]) != nil, "\(type)")
        }
    }

    @Test func unknownEventTypesAreRefused() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        #expect(
            try province.refusal(by: "so-noi-vu", [event("ScoreQuietlyChanged")])
                == "'ScoreQuietlyChanged' is not an event type of the PAR ledger")
    }

    @Test func rolesMustBePARRolesAndUnitOfficersNeedAUnit() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let key = SigningKey().publicKey
        let unknown = ActorEvent.enrolment(
            actor: "x", name: "X", grant: RoleGrant(role: "mayor", scope: nil), publicKey: key)
        #expect(try province.refusal(by: "so-noi-vu", [unknown])?.hasPrefix("unknown role 'mayor'") == true)
        let unscoped = ActorEvent.enrolment(
            actor: "x", name: "X", grant: RoleGrant(role: "unit-officer", scope: nil), publicKey: key)
        #expect(
            try province.refusal(by: "so-noi-vu", [unscoped]) == "the role unit-officer needs a scope naming its unit")
    }

    @Test func anActorMayRotateItsOwnKeyButNotAnothers() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let reason = try province.refusal(
            by: "hoi-dong", [ActorEvent.rotation(of: "ban-chi-dao", to: SigningKey().publicKey)])
        #expect(reason?.contains("needs the role secretariat") == true)
        let newKey = SigningKey().publicKey
        try province.append(by: "hoi-dong", [ActorEvent.rotation(of: "hoi-dong", to: newKey)])
        #expect(try province.ledger.actor("hoi-dong")?.currentKey == newKey)
    }

    @Test func aGrantedRoleTakesEffectAndARevokedOneStops() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let grant = RoleGrant(role: "council-member", scope: nil)
        try province.append(by: "so-noi-vu", [ActorEvent.role(grant, of: "kiem-toan", granted: true)])
        try province.append(by: "kiem-toan", [event(PAREvents.AppraisalScoreRecorded.type)])
        try province.append(by: "so-noi-vu", [ActorEvent.role(grant, of: "kiem-toan", granted: false)])
        #expect(try province.refusal(by: "kiem-toan", [event(PAREvents.AppraisalScoreRecorded.type)]) != nil)
    }

    @Test func aCouncilMemberWhoHoldsARoleInAUnitMayNotJudgeItEvenWhenAColleagueScoredIt() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let officerThere = RoleGrant(role: "unit-officer", scope: "so-tai-chinh")
        try province.append(by: "so-noi-vu", [ActorEvent.role(officerThere, of: "hoi-dong", granted: true)])
        for type in [
            PAREvents.AppraisalScoreRecorded.type, PAREvents.AppraisalConcluded.type,
            PAREvents.NotApplicableRejected.type, PAREvents.ExplanationRequested.type,
        ] {
            #expect(
                try province.refusal(by: "hoi-dong", [event(type)])
                    == "'hoi-dong' holds the role unit-officer in 'so-tai-chinh' and may not judge that unit (\(type))")
        }
        try province.append(by: "hoi-dong", [event(PAREvents.AppraisalScoreRecorded.type, unit: "so-y-te")])
        try province.append(by: "hoi-dong", [event(PAREvents.SelfScoreRecorded.type)])
    }

    @Test func aSteeringCommitteeMemberWhoHoldsARoleInAUnitMayNotSpotCheckIt() throws {
        let province = try RoleFixture(in: try TemporaryDirectory())
        let officerThere = RoleGrant(role: "unit-officer", scope: "so-tai-chinh")
        try province.append(by: "so-noi-vu", [ActorEvent.role(officerThere, of: "ban-chi-dao", granted: true)])
        for type in [PAREvents.SpotCheckScoreRecorded.type, PAREvents.SpotCheckConcluded.type] {
            #expect(
                try province.refusal(by: "ban-chi-dao", [event(type)])
                    == "'ban-chi-dao' holds the role unit-officer in 'so-tai-chinh' and may not judge that unit (\(type))"
            )
        }
        try province.append(by: "ban-chi-dao", [event(PAREvents.SpotCheckScoreRecorded.type, unit: "so-y-te")])
        try province.append(by: "so-noi-vu", [ActorEvent.role(officerThere, of: "ban-chi-dao", granted: false)])
        try province.append(by: "ban-chi-dao", [event(PAREvents.SpotCheckScoreRecorded.type)])
    }
}
