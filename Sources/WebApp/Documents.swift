import Foundation
import HTTPTypes
import Hummingbird
import Ledger
import LedgerFormat
import PARCore
import PARDocuments
import PARIndex

/// The documents a province issues (PARIndex `CycleDocuments`): each as the .xlsx file and as a page
/// that prints on A4 landscape, both from the same workbook value, at stable links:
/// `/cycles/{cycle}/annex(.xlsx)`, `/cycles/{cycle}/criteria.xlsx`,
/// `/cycles/{cycle}/units/{unit}/council-report(.xlsx)`.
struct Documents {
    let scoring: ScoringLedger
    let renderer: PageRenderer
    let explorer: Explorer

    static let xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    func register(on router: Router<WebContext>) {
        router.get("cycles/:cycle/annex.xlsx") { _, context in
            try await offloaded { try file(context, "phu-luc") { try scoring.annex(cycle: $0) } }
        }
        router.get("cycles/:cycle/criteria.xlsx") { _, context in
            try await offloaded { try file(context, "bang-tieu-chi") { try scoring.criteriaSheet(cycle: $0) } }
        }
        router.get("cycles/:cycle/units/:unit/council-report.xlsx") { _, context in
            let unit = try context.parameters.require("unit")
            return try await offloaded {
                try file(context, "bao-cao-tham-dinh-\(unit)") { try scoring.councilReport(cycle: $0, unit: unit) }
            }
        }
        router.get("cycles/:cycle/annex") { _, context in
            try await offloaded { try page(context, xlsx: "annex.xlsx") { try scoring.annex(cycle: $0) } }
        }
        router.get("cycles/:cycle/units/:unit/council-report") { _, context in
            let unit = try context.parameters.require("unit")
            return try await offloaded {
                try page(context, xlsx: "units/\(unit)/council-report.xlsx") {
                    try scoring.councilReport(cycle: $0, unit: unit)
                }
            }
        }
    }

    func file(_ context: WebContext, _ name: String, _ make: (String) throws -> XLSXWorkbook) throws -> Response {
        try explorer.admit(context)
        let cycle = try context.parameters.require("cycle")
        let bytes = try make(cycle).bytes()
        return Response(
            status: .ok,
            headers: [
                .contentType: Self.xlsxType, .contentDisposition: "attachment; filename=\"\(name)-\(cycle).xlsx\"",
            ],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// The workbook's sheets as tables, with the print stylesheet's A4 landscape pages.
    func page(_ context: WebContext, xlsx: String, _ make: (String) throws -> XLSXWorkbook) throws -> Response {
        try explorer.admit(context)
        let cycle = try context.parameters.require("cycle")
        let workbook = try make(cycle)
        return renderer.render(
            "document", header: try explorer.header(context, title: workbook.title, page: "document"),
            DocumentPage(workbook, download: "/cycles/\(cycle)/\(xlsx)"))
    }
}

/// A document as a page that prints on A4 landscape (`document.mustache`): each sheet of its workbook
/// as a table, and the link to the .xlsx file.
struct DocumentPage: PageModel {
    let download: String
    let sheets: [DocumentSheet]
}

/// A sheet of the workbook.
struct DocumentSheet {
    let name: String
    let rows: [DocumentRow]
}

/// A row of a sheet in its style; a row of one cell spans every column.
struct DocumentRow {
    let style: String
    let isHeader: Bool
    let span: Int
    let cells: [DocumentCell]
}

/// A cell's text, and whether it is a number (aligned right).
struct DocumentCell {
    let text: String
    var number = false
}

extension DocumentPage {
    init(_ workbook: XLSXWorkbook, download: String) {
        self.init(
            download: download,
            sheets: workbook.sheets.map { sheet in
                DocumentSheet(
                    name: sheet.name,
                    rows: sheet.rows.map { row in
                        DocumentRow(
                            style: "\(row.style)", isHeader: row.style == .header,
                            span: row.cells.count == 1 ? sheet.columnCount : 1, cells: row.cells.map(DocumentCell.init))
                    })
            })
    }
}

extension DocumentCell {
    init(_ value: XLSXWorkbook.Value) {
        switch value {
        case .text(let text): self.init(text: text)
        case .points(let points): self.init(text: Vietnamese.number(points.formatted(decimals: 2)), number: true)
        case .integer(let number): self.init(text: String(number), number: true)
        case .empty: self.init(text: "")
        }
    }
}
