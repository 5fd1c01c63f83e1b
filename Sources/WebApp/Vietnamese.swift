import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The words the pages use for the system's terms: roles, stages, kinds of refusal.
enum Vietnamese {
    static func role(_ role: String) -> String {
        switch Role(rawValue: role) {
        case .unitOfficer: "Cán bộ đơn vị"
        case .unitHead: "Thủ trưởng đơn vị"
        case .councilMember: "Thành viên Hội đồng thẩm định"
        case .steeringCommittee: "Ban Chỉ đạo cải cách hành chính"
        case .surveyContractor: "Đơn vị điều tra xã hội học"
        case .secretariat: "Văn phòng thường trực (Sở Nội vụ)"
        case .provinceChair: "Chủ tịch UBND tỉnh"
        case .provinceViceChair: "Phó Chủ tịch UBND tỉnh"
        case .auditor: "Kiểm toán viên"
        case nil: role
        }
    }

    /// A person's roles in one line, units by name when `unitNames` knows them: "Cán bộ đơn vị — Sở Y tế;
    /// Kiểm toán viên".
    static func roles(_ grants: [RoleGrant], unitNames: [String: String] = [:]) -> String {
        grants.map { role($0.role) + ($0.scope.map { " — \(unitNames[$0] ?? $0)" } ?? "") }.joined(separator: "; ")
    }

    static func stage(_ stage: String) -> String {
        switch stage {
        case "self-assessment": "Đang tự đánh giá"
        case "submitted": "Đã nộp, chờ thẩm định"
        case "appraised": "Đã thẩm định xong"
        default: stage
        }
    }

    static func kind(_ kind: String) -> String {
        UnitKind(rawValue: kind)?.groupName ?? kind
    }

    /// The units of the previous cycle a change compares with, when they are not the unit itself.
    static func comparedWith(_ change: RankingReport.Change) -> String? {
        change.comparedWith.map { "so với " + $0.map(\.name).joined(separator: " + ") }
    }

    /// How pages name a cycle: "Chỉ số CCHC năm 2019 (2019)".
    static func cycleName(_ cycle: CycleRecord) -> String {
        "\(cycle.opened.name) (\(cycle.opened.year))"
    }

    /// Where a cycle stands, from what its record holds: published, approved, spot-checking, appraisal
    /// closed, or still scoring.
    static func cycleStage(_ cycle: CycleRecord) -> String {
        if cycle.publication != nil { return "Đã công bố kết quả" }
        if cycle.approval != nil { return "Đã phê duyệt, chờ công bố" }
        if !cycle.draws.isEmpty { return "Đang phúc tra" }
        if cycle.appraisalClosed != nil { return "Đã khép lại thẩm định" }
        return "Đang tự đánh giá và thẩm định"
    }

    /// A stored ISO 8601 time as people in the province read it: "16:59 ngày 14/01/2020".
    static func time(_ iso8601: String) -> String {
        VietnamTime.parts(iso8601).map { "\($0.clock) ngày \($0.date)" } ?? iso8601
    }

    /// A date YYYY-MM-DD as people write it: "10/03/2020"; any other text as it is.
    static func date(_ ymd: String) -> String {
        guard let match = ymd.wholeMatch(of: #/(\d{4})-(\d{2})-(\d{2})/#) else { return ymd }
        return "\(match.3)/\(match.2)/\(match.1)"
    }

    /// A seat on a council of scheme 2 (`chair`, `secretary`, `member`) as its decision names it.
    static func position(_ position: String) -> String {
        switch position {
        case "chair": "Chủ tịch Hội đồng"
        case "secretary": "Thư ký Hội đồng"
        case "member": "Thành viên"
        default: position
        }
    }

    /// Today's date in the province, YYYY-MM-DD.
    static func today(_ now: Timestamp) -> String {
        String(now.local(in: .vietnam).prefix(10))
    }

    /// Points or an index as people write them in Vietnam: a decimal comma ("17,5").
    static func number(_ text: String) -> String {
        text.replacingOccurrences(of: ".", with: ",")
    }

    /// Texts the library writes into marks on its own, in Vietnamese; any other text as it is.
    static func generated(_ text: String) -> String {
        if let match = text.firstMatch(
            of: #/^decided by the council's vote at meeting (\S+) \((\d+) for, (\d+) against\): /#)
        {
            return "Hội đồng biểu quyết tại phiên họp \(match.1) (\(match.2) tán thành, \(match.3) không tán thành): "
                + text[match.range.upperBound...]
        }
        return generatedTexts[text] ?? text
    }

    /// Why a unit is not eligible for a commendation (CycleResults), in Vietnamese.
    static func eligibility(_ reason: String) -> String {
        if let match = reason.firstMatch(of: #/^index below (\S+)%: no commendation at any level$/#) {
            return "chỉ số dưới \(match.1)%: không đủ điều kiện khen thưởng ở bất kỳ cấp nào"
        }
        if let match = reason.firstMatch(of: #/^index below (\S+)%$/#) {
            return "chỉ số dưới \(match.1)%"
        }
        if let match = reason.firstMatch(of: #/^field (\S+) below (\S+)% of its maximum$/#) {
            return "lĩnh vực \(match.1) dưới \(match.2)% điểm tối đa"
        }
        return reason
    }

    static let generatedTexts = [
        "recognised when the appraisal was sealed": "Công nhận khi kết thúc thẩm định",
        "recognise": "Công nhận", "not-recognise": "Không công nhận", "raise": "Nâng điểm", "lower": "Hạ điểm",
    ]

    /// The most frequent refusals of the rules, said in Vietnamese; nil for the others, which pages
    /// show under their Vietnamese title with the rule's own words.
    static func refusal(_ message: String) -> String? {
        for (pattern, template) in refusalPatterns {
            guard let match = message.firstMatch(of: pattern) else { continue }
            var text = template
            for (index, capture) in match.output.dropFirst().enumerated() {
                text = text.replacingOccurrences(of: "$\(index + 1)", with: capture.substring.map(String.init) ?? "")
            }
            return text
        }
        return nil
    }

    nonisolated(unsafe) static let refusalPatterns: [(Regex<AnyRegexOutput>, String)] = [
        (
            try! Regex(
                #"'([^']+)' appraises fields ([^ ]+(?:, [^ ]+)*) of \w+s, not field (\S+) \(criterion ([^)]+)\)"#),
            "Tiêu chí $4 thuộc lĩnh vực $3, không nằm trong lĩnh vực bạn được phân công ($2); sổ cái không ghi gì."
        ),
        (
            try! Regex(
                #"criterion ([^:]+): the council may only recognise or lower a department's self-score \(([^)]+)\), not raise it to (\S+)"#
            ),
            "Tiêu chí $1: Hội đồng chỉ được giữ nguyên hoặc hạ điểm tự đánh giá ($2) của sở, ban, ngành, không được nâng lên $3."
        ),
        (
            try! Regex(#"criterion ([^:]+): (\S+) points is more than its maximum of (\S+)"#),
            "Tiêu chí $1: $2 điểm vượt điểm tối đa $3."
        ),
        (
            try! Regex(#"the self-assessment deadline for '([^']+)' passed"#),
            "Đã quá hạn tự đánh giá của $1; Văn phòng thường trực có thể gia hạn."
        ),
        (
            try! Regex(#"'([^']+)' has already submitted its self-assessment"#),
            "$1 đã nộp bản tự đánh giá; hãy rút lại trước khi sửa."
        ),
        (
            try! Regex(#"self-assessed (\S+) and may not (?:appraise|spot-check) it"#),
            "Người đã tự đánh giá $1 không được thẩm định hay phúc tra đơn vị này."
        ),
        (
            try! Regex(#"only the chair of the council"#),
            "Chỉ Chủ tịch Hội đồng được kết thúc, mở lại hoặc khép lại việc thẩm định."
        ),
        (try! Regex(#"cannot be published yet: (.*)"#), "Chưa đủ điều kiện công bố: $1"),
        (try! Regex(#"cannot be approved yet: (.*)"#), "Chưa đủ điều kiện phê duyệt: $1"),
        (
            try! Regex(#"the head of '([^']+)' \(unit-head\) signs its self-assessment's"#),
            "Kỳ này theo quy trình 2: thủ trưởng của $1 ký nộp hoặc rút bản tự đánh giá; cán bộ đơn vị chuẩn bị bảng."
        ),
        (
            try! Regex(#"(\d+) of the council's (\d+) members attended; a meeting needs (\S+)% of them"#),
            "Mới có $1/$2 thành viên dự họp; phiên họp cần ít nhất $3% thành viên Hội đồng."
        ),
        (
            try! Regex(#"criterion (\S+) of '([^']+)' is contested"#),
            "Tiêu chí $1 của $2 đang được đề nghị xem xét lại; Hội đồng biểu quyết trước khi kết thúc thẩm định."
        ),
        (
            try! Regex(#"the chair seals '([^']+)' citing the council's meeting"#),
            "Chủ tịch Hội đồng kết thúc thẩm định $1 khi dẫn phiên họp Hội đồng đã thống nhất kết quả."
        ),
        (
            try! Regex(#"only in the chairman's place, under his delegation"#),
            "Phó Chủ tịch chỉ phê duyệt khi được Chủ tịch UBND tỉnh giao ký thay (KT. CHỦ TỊCH)."
        ),
        (
            try! Regex(#"the province has not approved the results"#),
            "UBND tỉnh chưa phê duyệt kết quả; Văn phòng thường trực chỉ công bố kết quả đã được phê duyệt."
        ),
        (
            try! Regex(#"but the province approved decision (\S+) of (\S+) \(event"#),
            "Phải công bố đúng quyết định đã phê duyệt: số $1 ngày $2."
        ),
        (try! Regex(#"needs the role ([a-z-]+)"#), "Thao tác này cần vai trò $1."),
    ]

    /// What an event type records, in words.
    static func event(_ type: String) -> String {
        eventNames[type] ?? type
    }

    static let eventNames = [
        "SelfScoreRecorded": "Ghi điểm tự đánh giá", "NotApplicableMarked": "Đánh dấu không áp dụng",
        "SelfAssessmentSubmitted": "Nộp bản tự đánh giá", "SelfAssessmentWithdrawn": "Rút lại bản tự đánh giá",
        "ExplanationRequested": "Yêu cầu giải trình", "ExplanationGiven": "Trả lời giải trình",
        "AppraisalScoreRecorded": "Ghi điểm thẩm định", "NotApplicableRejected": "Không chấp nhận “không áp dụng”",
        "AppraisalConcluded": "Kết thúc thẩm định đơn vị", "AppraisalReopened": "Mở lại thẩm định",
        "AppraisalClosed": "Khép lại thẩm định của kỳ", "SpotCheckSeedCommitted": "Cam kết bí mật bốc thăm",
        "SpotCheckDrawn": "Bốc thăm phúc tra", "SpotCheckScoreRecorded": "Ghi kết quả phúc tra",
        "SpotCheckConcluded": "Kết luận phúc tra", "SurveyScoresImported": "Nhập điểm điều tra xã hội học",
        "FrameworkRegistered": "Đăng ký bộ tiêu chí", "CycleOpened": "Mở kỳ đánh giá",
        "CouncilMemberAssigned": "Phân công thành viên Hội đồng", "DeadlineExtended": "Gia hạn tự đánh giá",
        "UnitExcludedFromRanking": "Không xếp hạng đơn vị", "ResultsPublished": "Công bố kết quả",
        "CorrectionRecorded": "Đính chính", "EvidenceAdded": "Lưu tài liệu kiểm chứng",
        "ActorEnrolled": "Ghi danh cán bộ", "RoleGranted": "Giao vai trò", "RoleRevoked": "Thu hồi vai trò",
        "KeyRotated": "Thay khoá", "KeyRevoked": "Thu hồi khoá", "ActorSuspended": "Tạm dừng cán bộ",
        "ObjectionFiled": "Gửi kiến nghị", "ObjectionAnswered": "Trả lời kiến nghị",
        "SigningDelegated": "Giao ký thay Chủ tịch", "ResultsApproved": "Phê duyệt kết quả",
        "CouncilEstablished": "Thành lập Hội đồng thẩm định", "CouncilMeetingHeld": "Họp Hội đồng thẩm định",
        "AdjustmentContested": "Đề nghị Hội đồng xem xét lại điểm", "CouncilVoteRecorded": "Biểu quyết của Hội đồng",
        "CouncilReportSubmitted": "Báo cáo kết quả thẩm định", "UnitsReorganised": "Sắp xếp lại đơn vị",
    ]

    /// The headline of a refusal, by its kind; the detail follows it.
    static func title(ofKind kind: String) -> String {
        switch kind {
        case "invalid-input": "Dữ liệu chưa hợp lệ"
        case "forbidden": "Không được phép"
        case "conflict": "Chưa đúng giai đoạn hoặc đã có thao tác khác"
        case "not-found": "Không tìm thấy"
        case "integrity": "Sổ cái không toàn vẹn — hãy báo quản trị viên"
        case "io": "Lỗi lưu trữ — hãy thử lại hoặc báo quản trị viên"
        case "unauthenticated": "Bạn chưa đăng nhập"
        case "csrf": "Phiên làm việc không khớp — hãy tải lại trang"
        case "rate-limited": "Đăng nhập sai quá nhiều lần — hãy chờ rồi thử lại"
        case "too-large": "Tệp quá lớn"
        case "method-not-allowed": "Đường dẫn này không nhận phương thức đó"
        default: "Lỗi hệ thống — đã ghi nhật ký"
        }
    }
}
