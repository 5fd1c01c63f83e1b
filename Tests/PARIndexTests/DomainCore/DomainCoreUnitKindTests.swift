import Ledger
import LedgerFormat
import PARCore
import PARIndex
import Testing

private typealias F = DomainCoreFixture

/// The kinds of unit a cycle declares: which a scheme and a year allow, and each ranked in its own group.
@Suite struct DomainCoreUnitKindTests {
    /// Registers a framework for each of `kinds` and returns the cycle's `frameworks` member.
    private static func register(_ kinds: [UnitKind], in core: inout F) throws -> [String: String] {
        var frameworks: [String: String] = [:]
        for kind in kinds {
            let framework = F.framework(kind: kind, name: "Bảng thử nghiệm \(kind.groupName)")
            if core.state.framework(framework.id) == nil {
                try core.record(PAREvents.FrameworkRegistered(framework: framework), by: F.secretariat)
            }
            frameworks[kind.rawValue] = framework.id
        }
        return frameworks
    }

    @Test func schemeOneScoresDepartmentsAndDistrictsOnly() throws {
        var core = try F()
        let frameworks = try Self.register([.department, .commune], in: &core)
        let units = [
            CycleUnit(id: "so-a", name: "Sở A", kind: .department), CycleUnit(id: "xa-a", name: "Xã A", kind: .commune),
        ]
        core.expectRefused(
            F.opening(cycle: "xa-2026", units: units, frameworks: frameworks, year: 2026), by: F.secretariat,
            "unit 'xa-a': scheme 1 scores departments and districts only; a cycle scoring communes follows scheme 2")
    }

    @Test func aCycleFrom2025HasNoDistrictsAndNoDistrictOffices() throws {
        var core = try F()
        let frameworks = try Self.register([.department, .district, .office], in: &core)
        for kind in [UnitKind.district, .office] {
            let units = [CycleUnit(id: "don-vi-a", name: "Đơn vị A", kind: kind)]
            core.expectRefused(
                F.opening(cycle: "ban-do-moi", units: units, frameworks: frameworks, scheme: 2, year: 2025),
                by: F.secretariat,
                "districts were dissolved on 1 July 2025: a cycle of 2025 has no \(kind.rawValue)s")
        }
        let before = [CycleUnit(id: "huyen-a", name: "Huyện A", kind: .district)]
        try core.record(
            F.opening(cycle: "ban-do-cu", units: before, frameworks: frameworks, scheme: 2, year: 2024),
            by: F.secretariat)
    }

    @Test func eachDeclaredKindIsRankedInItsOwnGroupInTheOrderOfTheKinds() throws {
        var core = try F()
        let frameworks = try Self.register([.department, .commune, .branch], in: &core)
        let units = [
            CycleUnit(id: "xa-a", name: "Xã A", kind: .commune),
            CycleUnit(id: "nganh-a", name: "Kho bạc Nhà nước khu vực A", kind: .branch),
            CycleUnit(id: "so-a", name: "Sở A", kind: .department),
            CycleUnit(id: "phuong-b", name: "Phường B", kind: .commune),
        ]
        try core.record(
            F.opening(cycle: "ban-do-2026", units: units, frameworks: frameworks, scheme: 2, year: 2026),
            by: F.secretariat)
        let results = try core.state.results(cycle: "ban-do-2026")
        #expect(results.units.map(\.unit.kind) == [.department, .commune, .commune, .branch])
        #expect(results.units.map(\.rank) == [1, 1, 1, 1])
        #expect(UnitKind.commune.groupName == "UBND cấp xã")
    }

    @Test func aFrameworkForOneKindCannotScoreAnother() throws {
        var core = try F()
        let frameworks = try Self.register([.commune], in: &core)
        let units = [CycleUnit(id: "nganh-a", name: "Cục Thuế A", kind: .branch)]
        core.expectRefused(
            F.opening(
                cycle: "sai-bang", units: units, frameworks: ["branch": frameworks["commune"] ?? ""], scheme: 2,
                year: 2026),
            by: F.secretariat, "scores communes, not branches")
    }
}
