import Application
import PARCore

/// The words of a reminder's mail, in Vietnamese, people and units by name.
enum ReminderMail {
    /// The subject and body for `reminder` of the unit `unitName` in the cycle `cycleName`, to the
    /// officers `names`; `question` is the council's question for an explanation reminder.
    static func text(
        _ reminder: Reminder, unitName: String, cycleName: String, names: [String], question: String? = nil
    ) -> (subject: String, body: String) {
        let greeting = "Kính gửi \(names.isEmpty ? "cán bộ đơn vị" : names.joined(separator: ", ")),"
        let signature =
            "Văn phòng thường trực (Sở Nội vụ)\n(Thư nhắc việc gửi tự động từ ParLedger; xem \"Việc cần làm\" khi đăng nhập.)"
        let subject: String
        let lines: [String]
        switch reminder.kind {
        case .deadline(_, let days):
            let date = reminder.deadline.flatMap { VietnamTime.parts($0)?.date } ?? ""
            subject =
                days == 0
                ? "Nhắc việc: hôm nay là hạn nộp bản tự đánh giá của \(unitName)"
                : "Nhắc việc: còn \(days) ngày đến hạn nộp bản tự đánh giá của \(unitName)"
            lines = [
                "\(unitName) chưa nộp bản tự đánh giá của \(cycleName).",
                "Hạn nộp: \(date)\(days == 0 ? " (hôm nay)" : " (còn \(days) ngày)").",
                "Xin đăng nhập ParLedger, hoàn thành bảng tự đánh giá và nộp trước hạn.",
            ]
        case .explanation:
            subject = "Hội đồng thẩm định yêu cầu \(unitName) giải trình"
            lines =
                ["Hội đồng thẩm định \(cycleName) vừa yêu cầu \(unitName) giải trình."]
                + (question.map { ["Nội dung yêu cầu: \($0)"] } ?? [])
                + ["Xin đăng nhập ParLedger, mở trang của đơn vị, mục giải trình, để trả lời."]
        }
        return (subject, ([greeting, ""] + lines + ["", signature]).joined(separator: "\n"))
    }
}
