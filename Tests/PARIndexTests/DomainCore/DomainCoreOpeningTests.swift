import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// Frameworks, evidence, opening a cycle, the council's assignments, deadline extensions and exclusions,
/// judged by the pure core.
@Suite struct DomainCoreOpeningTests {
    // MARK: Frameworks

    @Test func aValidFrameworkIsRegisteredUnderItsContentHash() throws {
        var core = try F()
        let framework = F.framework(kind: .department, name: "Bảng khác")
        let changes = try core.record(PAREvents.FrameworkRegistered(framework: framework), by: F.secretariat)
        #expect(changes == [.framework(framework.id)])
        #expect(core.state.framework(framework.id) == framework)
    }

    @Test func aFrameworkRegisteredTwiceIsRefused() throws {
        let core = try F()
        core.expectRefused(
            PAREvents.FrameworkRegistered(framework: F.departments), by: F.secretariat,
            "framework \(F.departments.id) is already registered", kind: .conflict)
    }

    @Test func aMalformedFrameworkDocumentIsRefused() throws {
        let core = try F()
        let document = JSONValue.object(["format": .string("bảng-tính/9"), "name": .string("?")])
        core.expectRefused(
            PAREvents.FrameworkRegistered(id: "abc", framework: document), by: F.secretariat,
            "the framework is malformed: format: must be \"parledger-framework/1\"", kind: .invalidInput)
    }

    @Test func aTableWhoseTotalIsNotOneHundredIsRegisteredAndItsIndexIsPointsOverItsMaximum() throws {
        var core = try F()
        let ninety = F.framework(kind: .department, name: "Bảng 90 điểm", fieldTwo: F.points("50"))
        try core.record(PAREvents.FrameworkRegistered(framework: ninety), by: F.secretariat)
        let opening = F.opening(
            cycle: "bang-90", units: [CycleUnit(id: "d01", name: "Sở số 1", kind: .department)],
            frameworks: [UnitKind.department.rawValue: ninety.id])
        try core.record(opening, by: F.secretariat)
        let result = try #require(try core.state.results(cycle: "bang-90").units.first)
        #expect(result.maxPoints == F.points("90"))
        #expect(result.points == .zero)
    }

    @Test func aCriterionsGuidanceIsPartOfItsFrameworkAndBlankGuidanceIsRefused() throws {
        var core = try F()
        let plain = F.framework(kind: .department, name: "Bảng có hướng dẫn")
        guard case .object(var document) = plain.json, case .array(var fields)? = document["criteria"],
            case .object(var first) = fields[0], case .array(var children)? = first["children"],
            case .object(var leaf) = children[0]
        else {
            Issue.record("unexpected framework JSON")
            return
        }
        leaf["guidance"] = .string("Ban hành đủ kế hoạch: 10 điểm; ban hành muộn: 5 điểm; không ban hành: 0 điểm")
        children[0] = .object(leaf)
        first["children"] = .array(children)
        fields[0] = .object(first)
        document["criteria"] = .array(fields)
        let guided = try Framework(json: .object(document))
        #expect(guided.criteriaByCode["1.1"]?.guidance?.hasPrefix("Ban hành đủ kế hoạch: 10 điểm") == true)
        #expect(guided.id != plain.id)
        try core.record(PAREvents.FrameworkRegistered(framework: guided), by: F.secretariat)
        #expect(
            core.state.framework(guided.id)?.criteriaByCode["1.1"]?.guidance == guided.criteriaByCode["1.1"]?.guidance)
        leaf["guidance"] = .string("\u{3000} ")
        children[0] = .object(leaf)
        first["children"] = .array(children)
        fields[0] = .object(first)
        document["criteria"] = .array(fields)
        #expect(throws: FrameworkFormatError.self) { try Framework(json: .object(document)) }
    }

    @Test func aFrameworkWhoseFieldsDoNotAddUpToItsStatedTotalIsRefused() throws {
        let core = try F()
        let ninety = F.framework(kind: .department, name: "Bảng lệch", fieldTwo: F.points("50"))
        let claimsHundred = Framework(
            name: ninety.name, unitKind: .department, source: ninety.source, statedAssessed: F.points("75"),
            statedSurvey: ninety.statedSurvey, settings: ninety.settings, fields: ninety.fields)
        core.expectRefused(
            PAREvents.FrameworkRegistered(framework: claimsHundred), by: F.secretariat,
            "total: the fields add up to 90, not the stated total 100")
    }

    @Test func aFrameworkRegisteredUnderAnotherIdIsRefused() throws {
        let core = try F()
        let framework = F.framework(kind: .district, name: "Bảng khác")
        let wrongID = String(repeating: "ab", count: 32)
        core.expectRefused(
            PAREvents.FrameworkRegistered(id: wrongID, framework: framework.json), by: F.secretariat,
            stream: "framework/\(wrongID)", "the framework's content hash is \(framework.id), not \(wrongID)")
    }

    @Test func aFrameworkDocumentWithMembersBeyondAFrameworksIsRefused() throws {
        let core = try F()
        let framework = F.framework(kind: .district, name: "Bảng khác")
        guard case .object(var members) = framework.json else {
            Issue.record("a framework's JSON is an object")
            return
        }
        members["ghiChu"] = .string("thêm")
        core.expectRefused(
            PAREvents.FrameworkRegistered(id: framework.id, framework: .object(members)), by: F.secretariat,
            "the framework is not written in its normal form")
    }

    @Test func aFrameworkOutsideItsOwnStreamIsRefused() throws {
        let core = try F()
        let framework = F.framework(kind: .district, name: "Bảng khác")
        core.expectRefused(
            PAREvents.FrameworkRegistered(framework: framework), by: F.secretariat, stream: "framework/khac",
            "FrameworkRegistered belongs in the stream 'framework/\(framework.id)'")
    }

    // MARK: Evidence

    @Test func evidenceAddedInItsOwnStreamIsKeptByItsHash() throws {
        var core = try F()
        let document = PAREvents.EvidenceAdded(
            sha256: EventHash.of(Array("báo cáo".utf8)).hex, name: "bao-cao.pdf", size: 12, unit: "d01")
        let changes = try core.record(document, by: F.officer("d01"))
        #expect(changes == [.evidence(document.sha256)])
        #expect(core.state.evidence[document.sha256] == CanonicalJSON.encode(document.json))
    }

    @Test func evidenceAddedTwiceKeepsTheFirstRecordAndChangesNothing() throws {
        var core = try F()
        let first = core.state.evidence[F.evidenceHash("d01")]
        let again = PAREvents.EvidenceAdded(sha256: F.evidenceHash("d01"), name: "ten-khac.pdf", size: 1, unit: "d01")
        let changes = try core.record(again, by: F.officer("d01"))
        #expect(changes.isEmpty)
        #expect(core.state.evidence[F.evidenceHash("d01")] == first)
    }

    @Test func evidenceInAStreamOtherThanItsHashIsRefused() throws {
        let core = try F()
        let document = F.document(of: "d01")
        core.expectRefused(
            document, by: F.officer("d01"), stream: "evidence/\(F.evidenceHash("d02"))",
            "EvidenceAdded belongs in the stream 'evidence/\(document.sha256)'")
    }

    @Test func evidenceWithoutAValidHashOrNameIsRefused() throws {
        let core = try F()
        core.expectRefused(
            PAREvents.EvidenceAdded(sha256: "1234", name: "a.pdf", size: 1, unit: nil), by: F.secretariat,
            "evidence needs a name, a size and a SHA-256 of 64 hex digits")
        core.expectRefused(
            PAREvents.EvidenceAdded(sha256: F.evidenceHash("x"), name: "", size: 1, unit: nil), by: F.secretariat,
            "evidence needs a name, a size and a SHA-256 of 64 hex digits")
    }

    // MARK: Opening a cycle

    @Test func anOpenedCycleHoldsItsUnitsAtSelfAssessment() throws {
        var core = try F(commitDraw: false)
        let opened = F.opening(cycle: "dien-bien-2020", previousCycle: F.cycle)
        let changes = try core.record(opened, by: F.secretariat)
        let record = try #require(core.state.cycle("dien-bien-2020"))
        #expect(record.opened == opened)
        #expect(record.openedBy == F.secretariat)
        #expect(record.openedAt == core.state.sequence)
        #expect(record.council.isEmpty && record.spotCheckCommitment == nil && record.publication == nil)
        let units = try #require(core.state.cycles["dien-bien-2020"]?.units)
        #expect(Set(units.keys) == Set(F.units.map(\.id)))
        #expect(units.values.allSatisfy { $0.record == UnitRecord() && $0.scores.isEmpty })
        #expect(changes.first == .cycle("dien-bien-2020"))
        #expect(changes.count == 1 + F.units.count)
    }

    @Test func aCycleOpenedTwiceIsRefused() throws {
        let core = try F()
        core.expectRefused(F.opening(), by: F.secretariat, "cycle 'dien-bien-2019' is already open", kind: .conflict)
    }

    @Test func aCycleWithNoUnitsIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "trong", units: []), by: F.secretariat, "cycle 'trong' has no units")
    }

    @Test func aUnitListedTwiceIsRefused() throws {
        let core = try F()
        let units = [
            CycleUnit(id: "d01", name: "Sở Nội vụ", kind: .department),
            CycleUnit(id: "d01", name: "Sở Tài chính", kind: .department),
        ]
        core.expectRefused(F.opening(cycle: "lap", units: units), by: F.secretariat, "unit 'd01' is listed twice")
    }

    @Test func unitsWhoseNamesDifferOnlyInCaseAreRefused() throws {
        let core = try F()
        let units = [
            CycleUnit(id: "d01", name: "Sở Nội vụ", kind: .department),
            CycleUnit(id: "d02", name: "SỞ NỘI VỤ", kind: .department),
        ]
        core.expectRefused(
            F.opening(cycle: "giong", units: units), by: F.secretariat,
            "the name of unit 'd02' is confusable with the name of unit 'd01'")
    }

    @Test func aUnitWithAnInvalidIdIsRefused() throws {
        let core = try F()
        let units = [CycleUnit(id: "Sở-01", name: "Sở Nội vụ", kind: .department)]
        core.expectRefused(
            F.opening(cycle: "sai-id", units: units), by: F.secretariat, "the unit 'Sở-01' is not a valid id")
    }

    @Test func aCycleWithAnInvalidIdIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "Điện Biên"), by: F.secretariat, "the cycle 'Điện Biên' is not a valid id")
    }

    @Test func aCycleNamingAnUnregisteredFrameworkIsRefused() throws {
        let core = try F()
        let unknown = String(repeating: "0", count: 64)
        core.expectRefused(
            F.opening(cycle: "moi", frameworks: ["department": unknown, "district": F.districts.id]),
            by: F.secretariat, "framework \(unknown) is not registered; register it first", kind: .notFound)
    }

    @Test func aCycleNamingNoFrameworkForAUnitsKindIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "moi", frameworks: ["department": F.departments.id]), by: F.secretariat,
            "unit 'h01' is a district but the cycle names no framework for that kind", kind: .notFound)
    }

    @Test func aCycleScoringAKindOnAnotherKindsFrameworkIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "moi", frameworks: ["department": F.districts.id, "district": F.districts.id]),
            by: F.secretariat, "framework \(F.districts.id) scores districts, not departments")
    }

    @Test func aCycleWhoseDeadlineIsNotAnISOTimeIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "moi", deadline: "15/01/2020"), by: F.secretariat,
            "the self-assessment deadline '15/01/2020' is not an ISO 8601 UTC time")
    }

    @Test func aPublicationWindowEndingBeforeItStartsIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(
                cycle: "moi", publicationWindow: PAREvents.DateWindow(from: "2020-06-30", until: "2020-04-01")),
            by: F.secretariat, "the publication window needs two dates YYYY-MM-DD, the first not after the second")
    }

    @Test func aCycleComparedWithAnUnknownPreviousCycleIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "moi", previousCycle: "dien-bien-2018"), by: F.secretariat,
            "the previous cycle 'dien-bien-2018' does not exist", kind: .notFound)
    }

    @Test func aCycleOpenedOutsideItsOwnStreamIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.opening(cycle: "moi"), by: F.secretariat, stream: "cycle/khac",
            "CycleOpened for 'moi' belongs in the stream 'cycle/moi'")
    }

    // MARK: The council's members

    @Test func aCouncilMemberIsAssignedFieldsPerUnitKind() throws {
        var core = try F()
        let assigned = F.assignment("uy-vien", fields: [.department: ["2"]], chair: false)
        let changes = try core.record(assigned, by: F.secretariat)
        #expect(core.cycleRecord?.council["uy-vien"] == assigned)
        #expect(core.state.cycles[F.cycle]?.version == core.state.sequence)
        #expect(changes == [.cycle(F.cycle)])
    }

    @Test func aCouncilMemberWithNoFieldIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.assignment("uy-vien", fields: [:], chair: false), by: F.secretariat,
            "a council member is assigned at least one field")
    }

    @Test func aCouncilMemberAssignedAFieldTheTableLacksIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.assignment("uy-vien", fields: [.department: ["1", "3"]], chair: false), by: F.secretariat,
            "the fields of departments are 1, 2; each at most once")
        core.expectRefused(
            F.assignment("uy-vien", fields: [.district: ["1", "1"]], chair: false), by: F.secretariat,
            "the fields of districts are 1, 2; each at most once")
    }

    @Test func aCouncilMemberForAKindTheCycleDoesNotScoreIsRefused() throws {
        let core = try F()
        let assigned = PAREvents.CouncilMemberAssigned(
            cycle: F.cycle, actor: "uy-vien", fieldsByKind: ["commune": ["1"]], chair: false)
        core.expectRefused(assigned, by: F.secretariat, "cycle 'dien-bien-2019' scores no communes")
    }

    @Test func aCouncilMemberWithAnInvalidIdIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.assignment("Ủy viên", fields: [.department: ["1"]], chair: false), by: F.secretariat,
            "the council member 'Ủy viên' is not a valid id")
    }

    @Test func aCouncilMemberAssignedInAUnitStreamIsRefused() throws {
        let core = try F()
        core.expectRefused(
            F.assignment("uy-vien", fields: [.department: ["1"]], chair: false), by: F.secretariat,
            stream: PAREvents.unitStream(F.cycle, "d01"),
            "CouncilMemberAssigned belongs in the stream 'cycle/dien-bien-2019'")
    }

    // MARK: Deadline extensions and exclusions

    @Test func aDeadlineExtensionIsKeptForItsUnitOnly() throws {
        var core = try F()
        let extended = PAREvents.DeadlineExtended(
            cycle: F.cycle, unit: "d02", until: "2020-01-20T16:59:59.999Z", reason: "Công văn 12/SNV")
        let changes = try core.record(extended, by: F.secretariat)
        #expect(core.unit("d02")?.deadlineExtendedUntil == "2020-01-20T16:59:59.999Z")
        #expect(core.unit("d01")?.deadlineExtendedUntil == nil)
        #expect(changes == [.unit(cycle: F.cycle, unit: "d02")])
    }

    @Test func anExtensionNotAfterTheDeadlineIsRefused() throws {
        let core = try F()
        core.expectRefused(
            PAREvents.DeadlineExtended(cycle: F.cycle, unit: "d02", until: "2020-01-10T00:00:00Z", reason: "lý do"),
            by: F.secretariat, "an extension must be an ISO 8601 UTC time after the deadline \(F.deadline)")
        core.expectRefused(
            PAREvents.DeadlineExtended(cycle: F.cycle, unit: "d02", until: "ngày mai", reason: "lý do"),
            by: F.secretariat, "an extension must be an ISO 8601 UTC time after the deadline")
    }

    @Test func anExtensionWithoutAReasonIsRefused() throws {
        let core = try F()
        core.expectRefused(
            PAREvents.DeadlineExtended(cycle: F.cycle, unit: "d02", until: "2020-01-20T00:00:00Z", reason: ""),
            by: F.secretariat, "an extension needs a reason")
    }

    @Test func anExtensionForAUnitOutsideTheCycleIsRefused() throws {
        let core = try F()
        core.expectRefused(
            PAREvents.DeadlineExtended(cycle: F.cycle, unit: "d09", until: "2020-01-20T00:00:00Z", reason: "lý do"),
            by: F.secretariat, "unit 'd09' is not part of cycle 'dien-bien-2019'", kind: .notFound)
    }

    @Test func aUnitLeftOutOfTheRankingKeepsTheReason() throws {
        var core = try F()
        try core.record(
            PAREvents.UnitExcludedFromRanking(cycle: F.cycle, unit: "h02", reason: "mới thành lập"),
            by: F.secretariat)
        #expect(core.unit("h02")?.excludedFromRanking == "mới thành lập")
    }

    @Test func leavingAUnitOutOfTheRankingWithoutAReasonIsRefused() throws {
        let core = try F()
        core.expectRefused(
            PAREvents.UnitExcludedFromRanking(cycle: F.cycle, unit: "h02", reason: ""), by: F.secretariat,
            "leaving a unit out of the ranking needs a reason")
    }
}
