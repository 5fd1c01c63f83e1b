import Foundation
import Hummingbird
import LedgerFormat
import PARCore
import PARDocuments
import PARIndex

/// A unit's whole self-assessment sheet (.xlsx or .csv) uploaded in its page: read and checked by the
/// same code as `parledger score sheet`, answered with every bad row or with the rows one
/// `self-assessment` command would record, for the officer to review and sign in the page. Nothing is
/// recorded here. The sheet's evidence column names documents uploaded for the unit in this session.
struct SheetUpload {
    let scoring: ScoringLedger
    let sessions: SessionStore

    /// Sheets are a few hundred rows; a larger file is not one (as for the CLI).
    static let sizeLimit = 16 << 20

    func register(on router: Router<WebContext>) {
        router.post("api/cycles/:cycle/units/:unit/sheet") { request, context in try await read(request, context) }
    }

    func read(_ request: Request, _ context: WebContext) async throws -> Response {
        guard let session = context.session else { throw WebError.unauthenticated() }
        let cycle = try context.parameters.require("cycle")
        let unit = try context.parameters.require("unit").nfc
        guard let record = try scoring.cycle(cycle) else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "no cycle '\(cycle)'",
                vi: "Không có kỳ đánh giá '\(cycle)'.")
        }
        guard let member = record.unit(unit), let framework = try scoring.frameworks(of: record)[member.kind] else {
            throw WebError(
                status: .notFound, kind: "not-found", message: "no unit '\(unit)' in this cycle",
                vi: "Đơn vị '\(unit)' không thuộc kỳ đánh giá này.")
        }
        var request = request
        let bytes = Array(try await request.collectBody(upTo: Self.sizeLimit).readableBytesView)
        let table: SheetTable
        do {
            table = try SheetTable.read(bytes)
        } catch let error as SheetTable.Unreadable {
            throw WebError(
                status: .badRequest, kind: "invalid-input",
                message: "the sheet cannot be read: \(error)",
                vi: "Không đọc được tệp bảng; hãy lưu bảng dạng .xlsx hoặc CSV (UTF-8).")
        }
        var documents: [String: PAREvents.EvidenceAdded] = [:]
        for added in await sessions.uploads(session: session.token).values where added.unit == unit {
            documents[added.name] = added
        }
        switch SelfAssessmentSheet.read(
            table, unit: unit, framework: framework,
            evidenceProblem: { name in
                documents[name.nfc] == nil
                    ? "tài liệu kiểm chứng '\(name)' chưa được tải lên cùng bảng (chọn tệp có đúng tên này)" : nil
            })
        {
        case .failure(let error):
            return JSONResponse.make(Self.problems(error), status: .unprocessableContent)
        case .success(let sheet):
            return JSONResponse.make(Self.review(sheet, framework: framework, documents: documents))
        }
    }

    /// Every bad row, one per line as a spreadsheet numbers them, in the API's error form.
    static func problems(_ error: SheetError) -> JSONValue {
        .object([
            "error": .object([
                "kind": .string("invalid-input"), "title": .text(Vietnamese.title(ofKind: "invalid-input")),
                "message": .text(error.description),
                "detail": .text(
                    "Bảng có \(error.rows.count) lỗi; chưa ghi gì:\n"
                        + error.rows.map { "Dòng \($0.line): \($0.vi)" }.joined(separator: "\n")),
            ]),
            "problems": .array(
                error.rows.map {
                    .object(["row": .integer(Int64($0.line)), "problem": .text($0.problem), "detail": .text($0.vi)])
                }),
        ])
    }

    /// The rows of the command, and what the officer reviews before signing: each row with its
    /// criterion's title and points in Vietnamese, and the total of the self-scores.
    static func review(
        _ sheet: SelfAssessmentSheet, framework: Framework, documents: [String: PAREvents.EvidenceAdded]
    ) -> JSONValue {
        let rows = sheet.rows { documents[$0.nfc]?.sha256 }
        var total = Points.zero
        for entry in sheet.scores {
            if let text = entry.points, let points = try? Points(parsing: text) { total += points }
        }
        let shown = (sheet.notApplicable + sheet.scores).map { entry in
            var line: [String: JSONValue] = [
                "row": .integer(Int64(entry.row)), "criterion": .string(entry.criterion),
                "title": .text(framework.criteriaByCode[entry.criterion]?.title ?? ""),
                "evidence": .array(entry.evidence.map { .text($0) }),
            ]
            line["points"] = entry.points.map { .string(Vietnamese.number($0)) }
            line["explanation"] = entry.explanation.map(JSONValue.text)
            line["notApplicable"] = entry.legalBasis.map(JSONValue.text)
            return JSONValue.object(line)
        }
        return .object([
            "rows": .array(
                rows.map { row in
                    var member: [String: JSONValue] = ["criterion": .string(row.criterion)]
                    member["points"] = row.points.map(JSONValue.string)
                    member["notApplicable"] = row.notApplicable.map(JSONValue.text)
                    member["explanation"] = row.explanation.map(JSONValue.text)
                    if let evidence = row.evidence, row.notApplicable == nil {
                        member["evidence"] = .array(evidence.map(JSONValue.string))
                    }
                    return .object(member)
                }),
            "review": .array(shown),
            "scores": .integer(Int64(sheet.scores.count)),
            "notApplicable": .integer(Int64(sheet.notApplicable.count)),
            "total": .string(Vietnamese.number(total.description)),
        ])
    }
}
