import Ledger
import LedgerFormat
public import PARCore
import PARIndex

/// A province as the demo has it: its units, who plays each part, the units its story singles out,
/// the cycles it runs (and which follow the whole scheme), and when each stage of a cycle happens.
/// Điện Biên is the demo's own (QĐ 1026/QĐ-UBND, 2019); An Giang is the second province, its units and
/// calendar from its 2018 plan (schemas/units/an-giang-2018.json), its tables labelled as examples.
public struct DemoProvince: Sendable {
    /// The province's slug, which its cycle ids and ledger id begin with.
    public let key: String
    public let name: String
    /// The files of its departments' and districts' frameworks, in the frameworks directory.
    public let frameworkFiles: [UnitKind: String]
    let departments: [(String, String)]
    let districts: [(String, String)]
    /// The years whose cycles the demo runs, in order; the first has objections and a correction.
    public let years: [Int]
    /// The cycles that follow the whole scheme (scheme 2), by year.
    let wholeScheme: [Int: WholeSchemePlan]
    /// The publication decision of each year's results.
    let decisions: [Int: String]
    /// The window a publication decision may bear, as a month range of the year after the cycle's (nil:
    /// the default, April to June).
    let publicationMonths: ClosedRange<Int>?
    /// The day of the year after the cycle's its results are published, `MM-DD`.
    let publicationDay: String

    /// Gets a deadline extension and submits last.
    public let lateUnit: String
    /// Withdraws its submitted self-assessment to add a document, then submits again.
    let withdrawingUnit: String
    /// Is asked for an explanation during appraisal and answers with a document.
    let explainingUnit: String
    /// Marks criterion 2.1 (drafting legal documents) not applicable, having none to draft.
    let exemptUnit: String
    /// Objects after the first publication to one criterion; accepted, and resolved by a correction.
    let objectingUnit: String
    /// Objects after the first publication to its whole result; rejected.
    let rejectedUnit: String

    /// Every unit of the province's cycles, departments first.
    var units: [CycleUnit] {
        departments.map { CycleUnit(id: $0.0, name: $0.1, kind: .department) }
            + districts.map { CycleUnit(id: $0.0, name: $0.1, kind: .district) }
    }

    /// The cycle id of `year`.
    public func cycle(_ year: Int) -> String { "\(key)-\(year)" }

    /// The id of the accepted objection, which the correction cites.
    var acceptedObjection: String { "kn-\(years[0])-\(objectingUnit)" }

    /// The province by its `key`.
    public static func named(_ key: String) -> DemoProvince? { [dienBien, anGiang].first { $0.key == key } }

    /// Điện Biên's 18 provincial departments and 10 districts, 2019 under scheme 1 as first recorded and
    /// 2020 under the whole scheme, the vice-chairman approving under the chairman's delegation.
    public static let dienBien = DemoProvince(
        key: "dien-bien", name: "Điện Biên",
        frameworkFiles: [.department: "dien-bien-2019-departments.json", .district: "dien-bien-2019-districts.json"],
        departments: [
            ("so-noi-vu", "Sở Nội vụ"), ("so-tu-phap", "Sở Tư pháp"), ("so-ke-hoach-dau-tu", "Sở Kế hoạch và Đầu tư"),
            ("so-tai-chinh", "Sở Tài chính"), ("so-cong-thuong", "Sở Công Thương"),
            ("so-nong-nghiep", "Sở Nông nghiệp và Phát triển nông thôn"),
            ("so-giao-thong-van-tai", "Sở Giao thông vận tải"),
            ("so-xay-dung", "Sở Xây dựng"), ("so-tai-nguyen-moi-truong", "Sở Tài nguyên và Môi trường"),
            ("so-thong-tin-truyen-thong", "Sở Thông tin và Truyền thông"),
            ("so-lao-dong", "Sở Lao động - Thương binh và Xã hội"),
            ("so-van-hoa", "Sở Văn hóa, Thể thao và Du lịch"), ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ"),
            ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo"), ("so-y-te", "Sở Y tế"),
            ("thanh-tra-tinh", "Thanh tra tỉnh"), ("ban-dan-toc", "Ban Dân tộc"), ("so-ngoai-vu", "Sở Ngoại vụ"),
        ],
        districts: [
            ("tp-dien-bien-phu", "Thành phố Điện Biên Phủ"), ("tx-muong-lay", "Thị xã Mường Lay"),
            ("huyen-dien-bien", "Huyện Điện Biên"),
            ("huyen-dien-bien-dong", "Huyện Điện Biên Đông"), ("huyen-muong-ang", "Huyện Mường Ảng"),
            ("huyen-muong-cha", "Huyện Mường Chà"),
            ("huyen-muong-nhe", "Huyện Mường Nhé"), ("huyen-nam-po", "Huyện Nậm Pồ"),
            ("huyen-tua-chua", "Huyện Tủa Chùa"), ("huyen-tuan-giao", "Huyện Tuần Giáo"),
        ],
        years: [2019, 2020],
        wholeScheme: [
            2020: WholeSchemePlan(
                councilDecision: "35/QĐ-UBND", meeting: "phien-1", meetingDate: "2021-02-20",
                delegationDecision: "112/QĐ-UBND")
        ],
        decisions: [2019: "642/QĐ-UBND", 2020: "587/QĐ-UBND"], publicationMonths: nil, publicationDay: "05-29",
        lateUnit: "huyen-muong-nhe", withdrawingUnit: "so-tu-phap", explainingUnit: "so-tai-chinh",
        exemptUnit: "ban-dan-toc", objectingUnit: "so-y-te", rejectedUnit: "huyen-dien-bien")

    /// An Giang's 2018 cycle under the whole scheme: the departments its 2018 plan names and its 11
    /// district-level units, results published in the first half of the next year and approved by the
    /// chairman himself; its tables are examples (another class scale, bonus and penalty points).
    public static let anGiang = DemoProvince(
        key: "an-giang", name: "An Giang",
        frameworkFiles: [
            .department: "an-giang-2018-example-departments.json", .district: "an-giang-2018-example-districts.json",
        ],
        departments: [
            ("so-noi-vu", "Sở Nội vụ"), ("so-tu-phap", "Sở Tư pháp"), ("so-tai-chinh", "Sở Tài chính"),
            ("so-ke-hoach-dau-tu", "Sở Kế hoạch và Đầu tư"),
            ("so-thong-tin-truyen-thong", "Sở Thông tin và Truyền thông"),
            ("so-giao-duc-dao-tao", "Sở Giáo dục và Đào tạo"), ("so-y-te", "Sở Y tế"),
            ("so-khoa-hoc-cong-nghe", "Sở Khoa học và Công nghệ"),
            ("so-tai-nguyen-moi-truong", "Sở Tài nguyên và Môi trường"), ("so-xay-dung", "Sở Xây dựng"),
            ("van-phong-ubnd", "Văn phòng UBND tỉnh"),
        ],
        districts: [
            ("tp-long-xuyen", "Thành phố Long Xuyên"), ("tp-chau-doc", "Thành phố Châu Đốc"),
            ("tx-tan-chau", "Thị xã Tân Châu"), ("huyen-an-phu", "Huyện An Phú"), ("huyen-chau-phu", "Huyện Châu Phú"),
            ("huyen-chau-thanh", "Huyện Châu Thành"), ("huyen-cho-moi", "Huyện Chợ Mới"),
            ("huyen-phu-tan", "Huyện Phú Tân"), ("huyen-thoai-son", "Huyện Thoại Sơn"),
            ("huyen-tinh-bien", "Huyện Tịnh Biên"), ("huyen-tri-ton", "Huyện Tri Tôn"),
        ],
        years: [2018],
        wholeScheme: [
            2018: WholeSchemePlan(
                councilDecision: "3120/QĐ-UBND", meeting: "phien-1", meetingDate: "2019-02-20",
                delegationDecision: nil)
        ],
        decisions: [2018: "1480/QĐ-UBND"], publicationMonths: 1...6, publicationDay: "06-28",
        lateUnit: "huyen-an-phu", withdrawingUnit: "so-tu-phap", explainingUnit: "so-tai-chinh",
        exemptUnit: "van-phong-ubnd", objectingUnit: "so-y-te", rejectedUnit: "huyen-tri-ton")

    /// Who plays each part: the council (its chair appraises fields 4 on and seals, a member fields 1 to
    /// 3, its secretary records meetings and votes under scheme 2), and the province's chairman, who
    /// approves results under scheme 2, and a vice-chairman he may assign to sign in his place.
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

    /// Why the council lowers a self-score, one drawn for each lowered score.
    static let appraisalReasons = [
        "Tài liệu kiểm chứng chưa đầy đủ", "Báo cáo gửi chậm so với quy định",
        "Kết quả thực hiện chưa đạt kế hoạch đề ra",
        "Văn bản ban hành chưa đúng thể thức", "Số liệu không khớp với báo cáo của Sở Nội vụ",
    ]

    // MARK: The calendar

    /// When the ledger is created, before the first cycle opens.
    var ledgerCreated: Timestamp { Self.at("\(years[0])-12-02T01:00:00Z") }

    /// The self-assessment deadline of the cycle scoring `year`: the end of 14 January after it, Vietnam time.
    func selfAssessmentDeadline(_ year: Int) -> Timestamp { Self.at("\(year + 1)-01-14T16:59:59.999Z") }

    /// The late unit's extended deadline in the cycle scoring `year`.
    func extendedDeadline(_ year: Int) -> String { "\(year + 1)-01-31T16:59:59Z" }

    /// The publication date of the cycle scoring `year`.
    func publicationDate(_ year: Int) -> String { "\(year + 1)-\(publicationDay)" }

    /// The dates a publication decision of `year`'s cycle may bear, when not the default.
    func publicationWindow(_ year: Int) -> PAREvents.DateWindow? {
        publicationMonths.map { months in
            let last = [1, 3, 5, 7, 8, 10, 12].contains(months.upperBound) ? 31 : months.upperBound == 2 ? 28 : 30
            return PAREvents.DateWindow(
                from: String(format: "%04d-%02d-01", year + 1, months.lowerBound),
                until: String(format: "%04d-%02d-%02d", year + 1, months.upperBound, last))
        }
    }

    /// When `stage` of the cycle scoring `year` begins; nil for a stage that follows on without a pause
    /// (after publication, only the first year has objections and a correction).
    func start(of stage: CycleStage, year: Int) -> Timestamp? {
        let next = year + 1
        let first = year == years[0]
        switch stage {
        case .opening: return Self.at("\(year)-12-05T02:00:00Z")
        case .selfAssessment: return Self.at("\(next)-01-06T02:00:00Z")
        case .deadlineExtension: return Self.at("\(next)-01-20T02:00:00Z")
        case .appraisal: return Self.at("\(next)-02-20T02:00:00Z")
        case .survey: return Self.at("\(next)-03-25T02:00:00Z")
        case .spotCheck: return Self.at("\(next)-04-10T02:00:00Z")
        case .publication: return Self.at("\(publicationDate(year))T02:00:00Z")
        case .objections: return first ? Self.at(Self.daysAfter(7, publicationDate(year))) : nil
        case .objectionAnswers: return first ? Self.at(Self.daysAfter(14, publicationDate(year))) : nil
        case .correction: return first ? Self.at(Self.daysAfter(18, publicationDate(year))) : nil
        }
    }

    /// 02:00 UTC `days` after the date `YYYY-MM-DD`.
    private static func daysAfter(_ days: Int64, _ date: String) -> String {
        Timestamp(millisecondsSinceEpoch: at("\(date)T02:00:00Z").millisecondsSinceEpoch + days * 86_400_000).iso8601
    }

    /// The moment `iso8601` names; the demo's dates are written correctly, so a wrong one is a bug.
    private static func at(_ iso8601: String) -> Timestamp {
        guard let time = Timestamp(iso8601: iso8601) else { preconditionFailure("malformed demo date \(iso8601)") }
        return time
    }
}
