import Application
import PARCore

/// A line of "Việc cần làm" on the home page: what the person has to do, by when, and where.
struct TodoItem {
    let href: String
    let text: String
    /// The deadline as people write it (dd/mm/yyyy); empty when the cycle sets none.
    let deadline: String
    let hasDeadline: Bool
}

extension TodoItem {
    /// Says `todo` in Vietnamese, units by name, with the page where it is done.
    init(_ todo: Todo, record: CycleRecord) {
        let cycle = todo.cycle
        let unitName = todo.unit.flatMap { record.unit($0)?.name } ?? ""
        let unitPage = "/don-vi/\(cycle)/\(todo.unit ?? "")"
        let (href, text): (String, String) =
            switch todo.kind {
            case .selfAssessment: (unitPage, "Tự đánh giá và nộp bảng của \(unitName)")
            case .signSubmission: (unitPage, "Ký nộp bản tự đánh giá của \(unitName)")
            case .answerExplanations:
                (unitPage + "#giai-trinh", "Trả lời \(todo.count) yêu cầu giải trình của Hội đồng cho \(unitName)")
            case .appraise: ("/hoi-dong/\(cycle)", "Thẩm định \(todo.count) đơn vị đã nộp bản tự đánh giá")
            case .readAnswers: ("/hoi-dong/\(cycle)", "Đọc \(todo.count) câu trả lời giải trình của đơn vị")
            case .closeAppraisal: ("/hoi-dong/\(cycle)", "Mọi đơn vị đã kết thúc thẩm định: khép lại kỳ thẩm định")
            case .commitSpotCheck: ("/ban-chi-dao/\(cycle)", "Tạo và ghi mã cam kết bốc thăm phúc tra")
            case .drawSpotCheck: ("/ban-chi-dao/\(cycle)", "Bốc thăm các đơn vị phúc tra")
            case .spotCheck: ("/ban-chi-dao/\(cycle)", "Phúc tra \(todo.count) đơn vị đã bốc thăm")
            case .importSurvey: ("/dieu-tra/\(cycle)", "Nhập điểm điều tra xã hội học: \(todo.count) đơn vị còn thiếu")
            case .publish: ("/van-phong/\(cycle)", "Kiểm tra danh mục và công bố kết quả")
            case .answerObjections: ("/van-phong/\(cycle)", "Trả lời \(todo.count) kiến nghị của đơn vị")
            }
        let deadline = todo.deadline.map { VietnamTime.parts($0)?.date ?? VietnamTime.date($0) } ?? ""
        self.init(
            href: href, text: "\(text) — \(Vietnamese.cycleName(record))", deadline: deadline,
            hasDeadline: !deadline.isEmpty)
    }
}
