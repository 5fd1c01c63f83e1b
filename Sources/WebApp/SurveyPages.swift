import Foundation
import Hummingbird
import PARCore
import PARIndex

/// The survey contractor's page (`survey.mustache`): the rows the survey file must hold for this
/// cycle (each unit by name and id, each of its survey criteria), what is already imported for each
/// unit and what is still missing, and the template file to fill in.
struct SurveyPage: PageModel {
    let cycle: String
    let cycleName: String
    let units: [SurveyUnit]
    let expectedRows: Int
    let importedRows: Int
    let complete: Bool
}

/// One unit's survey criteria and what the ledger holds for them.
struct SurveyUnit {
    let unit: String
    let name: String
    let criteria: [SurveyCriterion]
    /// The sum of its imported survey points, with a decimal comma.
    let total: String
    let missing: String
    let isComplete: Bool
    /// The criterion codes, comma-separated, for the page's check of a file before it is signed.
    let codes: String
}

/// A survey criterion of a unit, with its imported points when there are some.
struct SurveyCriterion {
    let code: String
    let title: String
    let maxPoints: String
    /// Its imported points with a decimal comma; empty (and `imported` false) before the import.
    let points: String
    let imported: Bool
}

extension SurveyPage {
    /// The expected rows of `record`, read from each unit's framework and scores.
    init(_ record: CycleRecord, scoring: ScoringLedger) throws {
        var units: [SurveyUnit] = []
        for unit in record.opened.units {
            let lines = try scoring.unitScores(cycle: record.opened.cycle, unit: unit.id).lines.filter {
                $0.criterion.isLeaf && $0.criterion.method == .survey
            }
            var total = Points.zero
            var criteria: [SurveyCriterion] = []
            for line in lines {
                let points = line.score.survey?.points
                if let text = points, let value = try? Points(parsing: text) { total += value }
                criteria.append(
                    SurveyCriterion(
                        code: line.criterion.code, title: line.criterion.title,
                        maxPoints: Vietnamese.number(line.criterion.maxPoints.description),
                        points: points.map(Vietnamese.number) ?? "", imported: points != nil))
            }
            units.append(
                SurveyUnit(
                    unit: unit.id, name: unit.name, criteria: criteria, total: Vietnamese.number(total.description),
                    missing: criteria.filter { !$0.imported }.map(\.code).joined(separator: ", "),
                    isComplete: criteria.allSatisfy(\.imported), codes: criteria.map(\.code).joined(separator: ",")))
        }
        let expected = units.reduce(0) { $0 + $1.criteria.count }
        let imported = units.reduce(0) { $0 + $1.criteria.count(where: \.imported) }
        self.init(
            cycle: record.opened.cycle, cycleName: Vietnamese.cycleName(record), units: units,
            expectedRows: expected, importedRows: imported, complete: expected == imported)
    }

    /// The file the contractor fills in: the header the import reads, then one row per unit and survey
    /// criterion with its points left empty (UTF-8 with a BOM, so that spreadsheets read the accents).
    var templateCSV: [UInt8] {
        var text = "unit,criterion,points\r\n"
        for unit in units {
            for criterion in unit.criteria { text += "\(unit.unit),\(criterion.code),\r\n" }
        }
        return [0xEF, 0xBB, 0xBF] + Array(text.utf8)
    }

    /// The template as a download.
    var templateResponse: Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"dieu-tra-\(cycle)-mau.csv\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: templateCSV)))
    }
}
