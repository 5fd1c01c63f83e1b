import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The words the pages use for the system's terms: roles, stages, kinds of refusal.
enum Vietnamese {
    static func role(_ role: String) -> String {
        Role(rawValue: role)?.vietnamese ?? role
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
