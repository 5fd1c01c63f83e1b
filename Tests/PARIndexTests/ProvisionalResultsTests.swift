import Ledger
import PARCore
import PARFixtures
import PARIndex
import Testing

/// Before publication the ranking is provisional: a unit that never submitted its self-assessment is
/// not ranked on its survey points, and only the roles the scheme gives provisional results to read
/// every unit; a unit's people read their own unit's row.
@Suite struct ProvisionalResultsTests {
    private func province() throws -> Province {
        let p = try Province(departments: 3, districts: 0)
        try p.selfAssessFully("d02")
        try p.surveyFully("d01")
        try p.surveyFully("d02")
        try p.surveyFully("d03")
        return p
    }

    @Test func aUnitThatNeverSelfAssessedIsShownAsSuchAndNotRanked() throws {
        let p = try province()
        let report = try p.scoring.ranking(cycle: p.cycle)
        let byUnit = Dictionary(uniqueKeysWithValues: report.rows.map { ($0.result.unit.id, $0) })
        #expect(byUnit["d02"]?.rank == 1 && byUnit["d02"]?.selfAssessed == true)
        for unit in ["d01", "d03"] {
            #expect(byUnit[unit]?.rank == nil && byUnit[unit]?.selfAssessed == false)
        }
        #expect(report.rows.first?.result.unit.id == "d02", "the ranked unit comes first")
        #expect(report.json["units"]?.arrayValue?.first?["selfAssessed"] == .bool(true))
    }

    @Test func aUnitsPeopleReadOnlyTheirUnitUntilPublication() throws {
        let p = try province()
        let report = try p.scoring.ranking(cycle: p.cycle)
        let officer = [RoleGrant(role: Role.unitOfficer.rawValue, scope: "d02")]
        #expect(report.readable(by: officer, published: false).rows.map(\.result.unit.id) == ["d02"])
        #expect(report.readable(by: officer, published: true).rows.count == 3)
        let contractor = [RoleGrant(role: Role.surveyContractor.rawValue, scope: nil)]
        #expect(report.readable(by: contractor, published: false).rows.isEmpty)
        for role in [Role.secretariat, .councilMember, .steeringCommittee, .provinceChair, .auditor] {
            let grants = officer + [RoleGrant(role: role.rawValue, scope: nil)]
            #expect(report.readable(by: grants, published: false).rows.count == 3, "\(role)")
        }
    }
}
