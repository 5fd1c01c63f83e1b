import PARIndex

/// The words the pages use for the system's terms: roles, stages, kinds of refusal.
enum Vietnamese {
    static func role(_ role: String) -> String {
        switch Role(rawValue: role) {
        case .unitOfficer: "Cán bộ đơn vị"
        case .councilMember: "Thành viên Hội đồng thẩm định"
        case .steeringCommittee: "Ban Chỉ đạo cải cách hành chính"
        case .surveyContractor: "Đơn vị điều tra xã hội học"
        case .secretariat: "Văn phòng thường trực (Sở Nội vụ)"
        case .auditor: "Kiểm toán viên"
        case nil: role
        }
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
        kind == UnitKind.district.rawValue ? "UBND cấp huyện" : "Sở, ban, ngành"
    }

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
        default: "Lỗi hệ thống — đã ghi nhật ký"
        }
    }
}
