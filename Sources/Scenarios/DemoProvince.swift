import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// Điện Biên as the demo has it: its 18 provincial departments and 10 districts, who plays each part,
/// the units its story singles out, and when each stage of a cycle happens.
enum DemoProvince {
    static let departments = [
        ("so-noi-vu", "Sở Nội vụ"), ("so-tu-phap", "Sở Tư pháp"), ("so-ke-hoach-dau-tu", "Sở Kế hoạch và Đầu tư"),
        ("so-tai-chinh", "Sở Tài chính"), ("so-cong-thuong", "Sở Công Thương"),
        ("so-nong-nghiep", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("so-giao-thong-van-tai", "Sở Giao thông vận tải"),
        ("so-xay-dung", "Sở Xây dựng"), ("so-tai-nguyen-moi-truong", "Sở Tài nguyên và Môi trường"),
        ("so-thong-tin-truyen-thong", "Sở Thông tin và Truyền thông"),
        ("so-lao-dong", "Sở Lao động - Thương binh và Xã hội"),
        ("so-van-hoa", "Sở Văn hóa, Thể thao và Du lịch"), ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ"),
        ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo"), ("so-y-te", "Sở Y tế"), ("thanh-tra-tinh", "Thanh tra tỉnh"),
        ("ban-dan-toc", "Ban Dân tộc"), ("so-ngoai-vu", "Sở Ngoại vụ"),
    ]
    static let districts = [
        ("tp-dien-bien-phu", "Thành phố Điện Biên Phủ"), ("tx-muong-lay", "Thị xã Mường Lay"),
        ("huyen-dien-bien", "Huyện Điện Biên"),
        ("huyen-dien-bien-dong", "Huyện Điện Biên Đông"), ("huyen-muong-ang", "Huyện Mường Ảng"),
        ("huyen-muong-cha", "Huyện Mường Chà"),
        ("huyen-muong-nhe", "Huyện Mường Nhé"), ("huyen-nam-po", "Huyện Nậm Pồ"), ("huyen-tua-chua", "Huyện Tủa Chùa"),
        ("huyen-tuan-giao", "Huyện Tuần Giáo"),
    ]
    /// Every unit of both cycles, departments first.
    static let units =
        departments.map { CycleUnit(id: $0.0, name: $0.1, kind: .department) }
        + districts.map { CycleUnit(id: $0.0, name: $0.1, kind: .district) }

    /// The council: its chair appraises fields 4 on and seals; a member appraises fields 1 to 3; its
    /// secretary records its meetings and votes (scheme 2). The province's chairman approves results
    /// under scheme 2, here by assigning a vice-chairman to sign in his place.
    static let cast = Cast(
        secretariat: Player("so-noi-vu-thuong-truc", "Sở Nội vụ (thường trực Ban Chỉ đạo CCHC)"),
        council: Council(
            chair: Player("hoi-dong-tham-dinh", "Chủ tịch Hội đồng thẩm định tỉnh"),
            members: [(Player("thanh-vien-hoi-dong", "Thành viên Hội đồng thẩm định tỉnh"), ["1", "2", "3"])],
            secretary: Player("thu-ky-hoi-dong", "Thư ký Hội đồng thẩm định tỉnh")),
        steeringCommittee: Player("ban-chi-dao-cchc", "Ban Chỉ đạo CCHC tỉnh"),
        surveyContractor: Player("nha-thau-dtxhh", "Đơn vị điều tra xã hội học độc lập"),
        auditors: [Player("kiem-toan", "Kiểm toán viên")],
        provinceChair: Player("chu-tich-ubnd", "Chủ tịch UBND tỉnh"),
        provinceViceChair: Player("pho-chu-tich-ubnd", "Phó Chủ tịch UBND tỉnh")
    )

    /// What the 2020 cycle, the demo's cycle of scheme 2, decides beyond scheme 1: the council by
    /// decision, its meeting on the first day of the appraisal, and the vice-chairman signing the approval.
    static let wholeScheme2020 = WholeSchemePlan(
        councilDecision: "35/QĐ-UBND", meeting: "phien-1", meetingDate: "2021-02-20",
        delegationDecision: "112/QĐ-UBND")

    /// Gets a deadline extension and submits last.
    static let lateUnit = "huyen-muong-nhe"
    /// Withdraws its submitted self-assessment to add a document, then submits again.
    static let withdrawingUnit = "so-tu-phap"
    /// Is asked for an explanation during appraisal and answers with a document.
    static let explainingUnit = "so-tai-chinh"
    /// Marks criterion 2.1 (drafting legal documents) not applicable, having none to draft.
    static let exemptUnit = "ban-dan-toc"
    /// Objects after the 2019 publication to one criterion; accepted, and resolved by a correction.
    static let objectingUnit = "so-y-te"
    /// Objects after the 2019 publication to its whole result; rejected.
    static let rejectedUnit = "huyen-dien-bien"
    /// The id of the accepted objection, which the correction cites.
    static let acceptedObjection = "kn-2019-so-y-te"

    /// Why the council lowers a self-score, one drawn for each lowered score.
    static let appraisalReasons = [
        "Tài liệu kiểm chứng chưa đầy đủ", "Báo cáo gửi chậm so với quy định",
        "Kết quả thực hiện chưa đạt kế hoạch đề ra",
        "Văn bản ban hành chưa đúng thể thức", "Số liệu không khớp với báo cáo của Sở Nội vụ",
    ]

    // MARK: The calendar

    /// When the ledger is created, before the 2019 cycle opens.
    static let ledgerCreated = at("2019-12-02T01:00:00Z")

    /// The self-assessment deadline of the cycle scoring `year`: the end of 14 January after it, Vietnam time.
    static func selfAssessmentDeadline(_ year: Int) -> Timestamp { at("\(year + 1)-01-14T16:59:59.999Z") }

    /// The late unit's extended deadline in the cycle scoring `year`.
    static func extendedDeadline(_ year: Int) -> String { "\(year + 1)-01-31T16:59:59Z" }

    /// When `stage` of the cycle scoring `year` begins; nil for a stage that follows on without a pause
    /// (after publication, only 2019 has objections and a correction).
    static func start(of stage: CycleStage, year: Int) -> Timestamp? {
        let next = year + 1
        switch stage {
        case .opening: return at("\(year)-12-05T02:00:00Z")
        case .selfAssessment: return at("\(next)-01-06T02:00:00Z")
        case .deadlineExtension: return at("\(next)-01-20T02:00:00Z")
        case .appraisal: return at("\(next)-02-20T02:00:00Z")
        case .survey: return at("\(next)-03-25T02:00:00Z")
        case .spotCheck: return at("\(next)-04-10T02:00:00Z")
        case .publication: return at("\(next)-05-29T02:00:00Z")
        case .objections: return year == 2019 ? at("\(next)-06-05T02:00:00Z") : nil
        case .objectionAnswers: return year == 2019 ? at("\(next)-06-12T02:00:00Z") : nil
        case .correction: return year == 2019 ? at("\(next)-06-16T02:00:00Z") : nil
        }
    }

    /// The moment `iso8601` names; the demo's dates are written correctly, so a wrong one is a bug.
    private static func at(_ iso8601: String) -> Timestamp {
        guard let time = Timestamp(iso8601: iso8601) else { preconditionFailure("malformed demo date \(iso8601)") }
        return time
    }
}
