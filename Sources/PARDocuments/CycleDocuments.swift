import Ledger
import LedgerFormat
import PARCore
public import PARIndex

/// The documents a province issues from a cycle, as workbooks built only from the read models
/// (`RankingReport`, `UnitScoresReport`, `CycleStatus`): the decision's annex (phụ lục), the appraisal
/// council's report on one unit, and the units × criteria sheet. Labels are Vietnamese; points are
/// numbers shown with two decimals; each sheet prints on A4 landscape.
///
/// Each is an `XLSXWorkbook` value: its `bytes()` are the .xlsx file, and the web app prints the same
/// sheets as pages. The same ledger gives the same bytes: the workbook is dated by the publication (or, before it, by the
/// self-assessment deadline), never by the clock.
extension ScoringLedger {
    /// The decision's annex (Phụ lục): one sheet per group of units (Sở, ban, ngành; UBND cấp huyện),
    /// each unit's points per field, total, index, class and rank, in ranking order.
    /// - Throws: `RuleViolation` when there is no such cycle; `XLSXWorkbook.Problem` if it cannot be written.
    public func annex(cycle cycleID: String) throws -> XLSXWorkbook {
        let status = try documentStatus(cycleID)
        let opened = status.record.opened
        var sheets: [XLSXWorkbook.Sheet] = []
        for kind in opened.units.kinds {
            let rows = try ranking(cycle: cycleID, kind: kind).rows
            let fields = rows.first?.result.fields.map { ($0.code, $0.title) } ?? []
            let fieldWidth = 14
            let header =
                ["STT", "Đơn vị"] + fields.map { "\($0.0). \($0.1)" }
                + ["Tổng điểm", "Chỉ số (%)", "Xếp loại", "Xếp hạng"]
            let widths = [5, 36] + fields.map { _ in fieldWidth } + [9, 9, 11, 8]
            var table: [XLSXWorkbook.Row] = [
                .init(.title, [.text(Self.annexTitle(status))], height: 42),
                .init(.note, [.text("\(kind.groupName) — \(opened.name)")], height: 20),
                .init(.header, header.map(XLSXWorkbook.Value.text)),
            ]
            for (offset, row) in rows.enumerated() {
                let result = row.result
                let byCode = Dictionary(uniqueKeysWithValues: result.fields.map { ($0.code, $0.points) })
                let cells: [XLSXWorkbook.Value] =
                    [.integer(offset + 1), .text(result.unit.name)]
                    + fields.map { field in byCode[field.0].map(XLSXWorkbook.Value.points) ?? .empty }
                    + [
                        .points(result.points), .points(result.publishedIndex), .text(result.className),
                        result.rank.map(XLSXWorkbook.Value.integer) ?? .text("Không xếp hạng"),
                    ]
                table.append(.init(.body, cells))
            }
            table.append(.init(.note, [.text(Self.sourceNote(status))], height: 30))
            for line in try signatureBlock(status.record) { table.append(.init(.note, [.text(line)], height: 18)) }
            sheets.append(
                XLSXWorkbook.Sheet(
                    name: XLSXWorkbook.sheetName(kind.groupName), columnWidths: widths, rows: table,
                    frozenRows: 3, frozenColumns: 0, fitToWidth: 1))
        }
        return XLSXWorkbook(
            sheets: sheets, title: "Phụ lục — Kết quả Chỉ số CCHC năm \(opened.year)",
            modified: Self.documentDate(status)
        )
    }

    /// The appraisal council's report on one unit: each criterion whose appraised score differs from
    /// the self-score (or whose not-applicable claim the council refused), with the reason, the evidence
    /// cited, the member and the time in Vietnam; then the council's requests for explanations and the
    /// unit's answers, when there are any.
    /// - Throws: `RuleViolation` when the cycle or the unit is unknown.
    public func councilReport(cycle cycleID: String, unit unitID: String) throws -> XLSXWorkbook {
        let status = try documentStatus(cycleID)
        let opened = status.record.opened
        let report = try unitScores(cycle: cycleID, unit: unitID)
        let unitName = status.record.unit(report.unit)?.name ?? report.unit
        var adjustments: [XLSXWorkbook.Row] = []
        for line in report.lines {
            let score = line.score
            let refusedClaim = score.notApplicableRejected
            guard let appraised = score.appraised ?? refusedClaim else { continue }
            let selfPoints = score.selfScore?.value
            let adjusted = refusedClaim != nil || appraised.value != selfPoints
            guard adjusted else { continue }
            let selfCell: XLSXWorkbook.Value =
                refusedClaim != nil && score.selfScore == nil
                ? .text("Không áp dụng") : selfPoints.map(XLSXWorkbook.Value.points) ?? .empty
            let appraisedCell: XLSXWorkbook.Value =
                score.appraised?.value.map(XLSXWorkbook.Value.points) ?? .text("Không chấp nhận «không áp dụng»")
            adjustments.append(
                .init(
                    .body,
                    [
                        .integer(adjustments.count + 1), .text(line.criterion.code), .text(line.criterion.title),
                        .points(line.criterion.maxPoints), selfCell, appraisedCell, .text(appraised.reason ?? ""),
                        .text((appraised.evidence ?? []).map(\.name).joined(separator: "; ")),
                        .text(appraised.actor), .text(VietnamTime.dateAndTime(appraised.at)),
                        .integer(Int(appraised.sequence)),
                    ]))
        }
        let header = [
            "STT", "Tiêu chí", "Nội dung tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Điểm thẩm định",
            "Lý do điều chỉnh", "Tài liệu kiểm chứng", "Thành viên Hội đồng", "Thời điểm (giờ Việt Nam)",
            "Sự kiện số",
        ]
        let widths = [5, 9, 40, 8, 10, 10, 40, 26, 16, 16, 8]
        var rows: [XLSXWorkbook.Row] = [
            .init(.title, [.text("Báo cáo thẩm định kết quả tự đánh giá Chỉ số CCHC năm \(opened.year)")], height: 30),
            .init(.note, [.text("Đơn vị: \(unitName) (\(report.unit)) — \(opened.name)")], height: 20),
            .init(.note, [.text(Self.resultLine(report.result))], height: 20),
            .init(
                .note,
                [
                    .text(
                        adjustments.isEmpty
                            ? "Hội đồng thẩm định công nhận toàn bộ điểm tự đánh giá của đơn vị."
                            : "Hội đồng thẩm định điều chỉnh \(adjustments.count) tiêu chí:")
                ], height: 20),
            .init(.header, header.map(XLSXWorkbook.Value.text)),
        ]
        rows += adjustments
        rows.append(.init(.note, [.text(Self.sourceNote(status))], height: 30))
        var sheets = [
            XLSXWorkbook.Sheet(name: "Điều chỉnh", columnWidths: widths, rows: rows, frozenRows: 5, fitToWidth: 1)
        ]
        let requests = report.lines.flatMap { line in line.explanations.map { (line.criterion, $0) } }
        if !requests.isEmpty {
            let header = [
                "STT", "Tiêu chí", "Yêu cầu", "Nội dung yêu cầu giải trình", "Người yêu cầu", "Thời điểm yêu cầu",
                "Nội dung giải trình", "Người giải trình", "Thời điểm giải trình", "Tài liệu kiểm chứng",
            ]
            let widths = [5, 9, 10, 40, 16, 16, 40, 16, 16, 26]
            var table: [XLSXWorkbook.Row] = [
                .init(.title, [.text("Yêu cầu giải trình và giải trình của đơn vị")], height: 30),
                .init(.note, [.text("Đơn vị: \(unitName) (\(report.unit)) — \(opened.name)")], height: 20),
                .init(.header, header.map(XLSXWorkbook.Value.text)),
            ]
            for (offset, (criterion, request)) in requests.enumerated() {
                let answer = request.answer
                table.append(
                    .init(
                        .body,
                        [
                            .integer(offset + 1), .text(criterion.code), .text(request.request),
                            .text(request.question),
                            .text(request.askedBy), .text(VietnamTime.dateAndTime(request.askedAt)),
                            .text(answer?.text ?? "Chưa giải trình"), .text(answer?.by ?? ""),
                            .text(answer.map { VietnamTime.dateAndTime($0.at) } ?? ""),
                            .text((answer?.evidence ?? []).map(\.name).joined(separator: "; ")),
                        ]))
            }
            sheets.append(
                XLSXWorkbook.Sheet(name: "Giải trình", columnWidths: widths, rows: table, frozenRows: 3, fitToWidth: 1))
        }
        return XLSXWorkbook(
            sheets: sheets, title: "Báo cáo thẩm định — \(unitName) — năm \(opened.year)",
            modified: Self.documentDate(status)
        )
    }

    /// Units × criteria: one sheet per group, a row per unit (in ranking order), a column per leaf
    /// criterion holding the points that count (KAD where not applicable, empty where none yet), then
    /// the total and the index. The second row gives each criterion's maximum.
    /// - Throws: `RuleViolation` when there is no such cycle.
    public func criteriaSheet(cycle cycleID: String) throws -> XLSXWorkbook {
        let status = try documentStatus(cycleID)
        let opened = status.record.opened
        var sheets: [XLSXWorkbook.Sheet] = []
        for kind in opened.units.kinds {
            let rows = try ranking(cycle: cycleID, kind: kind).rows
            let reports = try rows.map { try unitScores(cycle: cycleID, unit: $0.result.unit.id) }
            let leaves = reports.first?.lines.map(\.criterion) ?? []
            let header = ["STT", "Đơn vị"] + leaves.map(\.code) + ["Tổng điểm", "Chỉ số (%)"]
            let widths = [5, 30] + leaves.map { max(6, $0.code.count + 2) } + [9, 9]
            var table: [XLSXWorkbook.Row] = [
                .init(.title, [.text("Điểm theo tiêu chí — Chỉ số CCHC năm \(opened.year)")], height: 30),
                .init(
                    .note,
                    [
                        .text(
                            "\(kind.groupName) — \(opened.name). Điểm được tính (thẩm định, phúc tra, điều tra xã hội học hoặc đính chính); KAD: không áp dụng."
                        )
                    ], height: 20),
                .init(.header, header.map(XLSXWorkbook.Value.text), height: 20),
                .init(
                    .emphasis,
                    [.empty, .text("Điểm tối đa")] + leaves.map { .points($0.maxPoints) } + [.empty, .empty]),
            ]
            for (offset, (row, report)) in zip(rows, reports).enumerated() {
                let cells: [XLSXWorkbook.Value] = report.lines.map { line in
                    if line.isNotApplicable { return .text("KAD") }
                    return line.effective?.value.map(XLSXWorkbook.Value.points) ?? .empty
                }
                table.append(
                    .init(
                        .body,
                        [.integer(offset + 1), .text(row.result.unit.name)] + cells
                            + [.points(row.result.points), .points(row.result.publishedIndex)]))
            }
            table.append(.init(.note, [.text(Self.sourceNote(status))], height: 30))
            sheets.append(
                XLSXWorkbook.Sheet(
                    name: XLSXWorkbook.sheetName(kind.groupName), columnWidths: widths, rows: table,
                    frozenRows: 4, frozenColumns: 2, repeatedRows: 3...4, fitToWidth: nil))
        }
        return XLSXWorkbook(
            sheets: sheets, title: "Điểm theo tiêu chí — Chỉ số CCHC năm \(opened.year)",
            modified: Self.documentDate(status)
        )
    }

    // MARK: Shared pieces

    /// The cycle's status; lateness (judged at `asOf`) is not used by the documents, so the epoch keeps
    /// them independent of the clock.
    private func documentStatus(_ cycleID: String) throws -> CycleStatus {
        try status(cycle: cycleID, now: Timestamp(millisecondsSinceEpoch: 0))
    }

    /// Who signed the approval of the results and for whom (cycles of scheme 2), as the decision's
    /// signature block prints it: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH" and the chairman, or "KT. CHỦ TỊCH /
    /// PHÓ CHỦ TỊCH", the vice-chairman and the delegation he signed under; nothing before an approval.
    private func signatureBlock(_ record: CycleRecord) throws -> [String] {
        guard let approval = record.approval else { return [] }
        func name(_ actor: String) throws -> String { try ledger.actor(actor)?.name ?? actor }
        let signer = try name(approval.actor)
        guard let chairman = approval.onBehalfOf else {
            return ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", signer]
        }
        return [
            "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", signer,
            "(ký thay Chủ tịch \(try name(chairman)) theo Quyết định số \(approval.delegation ?? ""); phê duyệt bằng Quyết định số \(approval.decision) ngày \(VietnamTime.date(approval.date)), sự kiện số \(approval.sequence))",
        ]
    }

    private static func annexTitle(_ status: CycleStatus) -> String {
        let year = status.record.opened.year
        guard let publication = status.record.publication else {
            return "Kết quả Chỉ số CCHC năm \(year) — (chưa công bố)"
        }
        return
            "Kết quả Chỉ số CCHC năm \(year) — Phụ lục kèm theo Quyết định số \(publication.decision) ngày \(VietnamTime.date(publication.date))"
    }

    private static func sourceNote(_ status: CycleStatus) -> String {
        let cycle = status.record.opened.cycle
        guard let publication = status.record.publication else {
            return "Nguồn: sổ cái ParLedger, chu kỳ \(cycle). Kết quả tạm tính, chưa công bố, còn có thể thay đổi."
        }
        return
            "Nguồn: sổ cái ParLedger, chu kỳ \(cycle); kết quả đã công bố (sự kiện số \(publication.sequence)), mã băm SHA-256 của kết quả: \(publication.resultsHash)."
    }

    private static func resultLine(_ result: UnitResult?) -> String {
        guard let result else { return "Chưa có kết quả." }
        let rank = result.rank.map { "xếp hạng \($0)" } ?? "không xếp hạng"
        return
            "Kết quả: tổng điểm \(result.points.formatted(decimals: 2))/\(result.maxPoints.formatted(decimals: 2)); chỉ số \(result.indexText)%; xếp loại \(result.className); \(rank)."
    }

    /// The workbook's date: the publication's day, else the self-assessment deadline.
    private static func documentDate(_ status: CycleStatus) -> Timestamp {
        let opened = status.record.opened
        if let date = status.record.publication?.date, let day = Timestamp(iso8601: date + "T00:00:00Z") {
            return day
        }
        return Timestamp(iso8601: opened.selfAssessmentDeadline) ?? Timestamp(millisecondsSinceEpoch: 0)
    }
}
