import LedgerFormat

/// What an event's payload holds, as a person reads it on the event page: each member under its
/// Vietnamese label, points with a decimal comma, dates dd/mm/yyyy, units and people by name.
enum PayloadLabels {
    static let labels = [
        "accepted": "Chấp nhận", "actor": "Cán bộ", "added": "Bổ sung", "against": "Không tán thành",
        "algorithm": "Thuật toán", "answer": "Trả lời", "attendees": "Người dự họp", "chair": "Chủ trì",
        "change": "Thay đổi", "changes": "Các thay đổi", "commitment": "Cam kết", "criterion": "Tiêu chí",
        "cycle": "Kỳ đánh giá", "date": "Ngày", "decision": "Quyết định", "delegate": "Người được giao",
        "drawn": "Đơn vị được bốc thăm", "evidence": "Tài liệu kiểm chứng", "explanation": "Giải trình",
        "fields": "Lĩnh vực", "framework": "Bộ tiêu chí", "frameworks": "Bộ tiêu chí theo nhóm", "from": "Từ",
        "id": "Mã", "inFavour": "Tán thành", "kind": "Nhóm", "legalBasis": "Căn cứ pháp lý", "meeting": "Phiên họp",
        "members": "Thành viên", "minutes": "Biên bản", "name": "Tên", "objection": "Kiến nghị",
        "points": "Điểm", "position": "Chức danh", "previousCycle": "Kỳ trước", "publicKey": "Khoá công khai",
        "publicationWindow": "Thời hạn công bố", "question": "Câu hỏi", "quorumPercent": "Tỉ lệ tối thiểu (%)",
        "reason": "Lý do", "rejected": "Không chấp nhận", "reorganisations": "Sắp xếp lại", "report": "Báo cáo",
        "request": "Yêu cầu", "resultsHash": "Mã băm kết quả", "role": "Vai trò", "sampleSize": "Cỡ mẫu",
        "scheme": "Quy trình", "scope": "Phạm vi", "scores": "Điểm", "secret": "Bí mật", "seed": "Hạt giống",
        "selfAssessmentDeadline": "Hạn tự đánh giá", "sha256": "Mã băm SHA-256", "size": "Kích thước",
        "source": "Nguồn", "to": "Đến", "unit": "Đơn vị", "units": "Các đơn vị", "until": "Đến ngày",
        "year": "Năm", "type": "Loại", "title": "Tiêu đề", "text": "Nội dung",
    ]
    static let dateKeys: Set = ["date", "until", "selfAssessmentDeadline"]
    static let actorKeys: Set = ["actor", "chair", "delegate"]

    /// The label of `key`, the key itself when it has none.
    static func label(_ key: String) -> String { labels[key] ?? key }

    /// The text of `value` under `key`: names for units and people, dates and points in Vietnamese.
    static func text(_ key: String, _ value: JSONValue, names: NameLookup) -> String {
        switch value {
        case .string(let string):
            if key == "unit" { return names.units[string] ?? string }
            if actorKeys.contains(key) { return names.actors[string] ?? string }
            if dateKeys.contains(key) { return Vietnamese.date(string) }
            if key == "points" || key == "quorumPercent" { return Vietnamese.number(string) }
            if key == "role" { return Vietnamese.role(string) }
            if key == "kind" { return Vietnamese.kind(string) }
            return string
        case .integer(let number): return String(number)
        case .bool(let flag): return flag ? "có" : "không"
        case .null: return "—"
        default: return String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
        }
    }
}
