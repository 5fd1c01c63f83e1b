import LedgerFormat
import PARCore
import Testing

@testable import Ledger
@testable import WebApp

/// The pages of a cycle of scheme 2 from their view models: the council shown by names and positions
/// with its quorum and meetings, who signs the province's approval for whom, and the forms each person
/// of the council and of the province is offered, in Vietnamese.
@Suite struct WholeSchemePageTests {
    private static func person(_ id: String, _ name: String, _ role: Role) -> ActorRecord {
        ActorRecord(
            id: id, name: name, grants: [RoleGrant(role: role.rawValue, scope: nil)], currentKey: nil,
            retiredKeys: [:], status: .active, lastChangedAt: 1)
    }

    private let names = ActorNames([
        person("hd-chu-tich", "Lê Minh Châu", .councilMember), person("hd-thu-ky", "Đỗ Thu Trang", .councilMember),
        person("hd-thanh-vien", "Trần Văn Bình", .councilMember),
        person("ubnd-pho-chu-tich", "Lò Văn Muôn", .provinceViceChair),
    ])

    private let established = PAREvents.CouncilEstablished(
        cycle: "dien-bien-2025", decision: "20/QĐ-UBND",
        members: [
            PAREvents.CouncilSeat(
                actor: "hd-chu-tich", position: "chair", fields: ["department": ["1", "2"], "district": ["1"]]),
            PAREvents.CouncilSeat(actor: "hd-thu-ky", position: "secretary", fields: [:]),
            PAREvents.CouncilSeat(actor: "hd-thanh-vien", position: "member", fields: ["department": ["3"]]),
        ], quorumPercent: "66.67")

    private func meeting(_ id: String, _ date: String, _ attendees: [String]) -> PAREvents.CouncilMeetingHeld {
        PAREvents.CouncilMeetingHeld(
            cycle: "dien-bien-2025", meeting: id, date: date, attendees: attendees,
            minutes: EvidenceCitation(name: "biên-bản-\(id).pdf", sha256: String(repeating: "a", count: 64)))
    }

    @Test func theCouncilIsShownByNamesAndPositionsWithItsQuorumRoundedUpAndItsMeetingsInDateOrder() {
        let body = CouncilBodyView(
            established,
            meetings: [
                meeting("phien-2", "2026-03-20", ["hd-chu-tich", "hd-thu-ky", "hd-thanh-vien"]),
                meeting("phien-1", "2026-03-10", ["hd-chu-tich", "hd-thu-ky"]),
            ], names: names)
        #expect(body.quorumPercent == "66,67")
        // 66.67% of 3 members is 2.0001: a meeting of two is short of it.
        #expect(body.quorumCount == 3 && body.memberCount == 3)
        #expect(body.seats.map(\.name) == ["Lê Minh Châu", "Đỗ Thu Trang", "Trần Văn Bình"])
        #expect(body.seats.map(\.position) == ["Chủ tịch Hội đồng", "Thư ký Hội đồng", "Thành viên"])
        #expect(body.seats.map(\.fields) == ["Sở, ban, ngành: 1, 2; UBND cấp huyện: 1", "—", "Sở, ban, ngành: 3"])
        #expect(body.meetings.map(\.meeting) == ["phien-1", "phien-2"])
        #expect(body.meetings[0].label == "phien-1 — 10/03/2026, 2/3 thành viên dự")
        #expect(body.meetings[0].attendees == "Lê Minh Châu, Đỗ Thu Trang")
        #expect(body.meetings[0].attendeeIDs == "hd-chu-tich,hd-thu-ky")
    }

    @Test func theChairmanSignsOnBehalfOfTheCommitteeAndAViceChairmanInHisPlaceUnderTheDelegation() {
        let chairman = SignatureBlock(signer: "Mùa A Sơn", chair: nil, delegation: nil)
        #expect(chairman.capacity == "TM. ỦY BAN NHÂN DÂN" && chairman.title == "CHỦ TỊCH" && chairman.note == nil)
        let vice = SignatureBlock(signer: "Lò Văn Muôn", chair: "Mùa A Sơn", delegation: "15/QĐ-UBND")
        #expect(vice.capacity == "KT. CHỦ TỊCH" && vice.title == "PHÓ CHỦ TỊCH" && vice.name == "Lò Văn Muôn")
        #expect(vice.note == "Ký thay Chủ tịch Mùa A Sơn theo Quyết định giao ký 15/QĐ-UBND")
    }

    @Test func theSecretaryRecordsMeetingsWithTheMembersByNameAndVotesOnlyOnWhatAwaitsAVote() async throws {
        let renderer = try await PageRenderer.load()
        let header = PageHeader(title: "Hàng chờ thẩm định", page: "council", signedIn: true, csrf: "token")
        var model = CouncilQueuePage(
            cycle: "dien-bien-2025", cycleName: "Chỉ số CCHC", units: [], chair: false, closed: false)
        model.councilBody = CouncilBodyView(
            established, meetings: [meeting("phien-1", "2026-03-10", ["hd-chu-tich", "hd-thu-ky", "hd-thanh-vien"])],
            names: names)
        model.secretary = true
        model.votes = [
            VoteForm(
                id: "so-y-te-1.2", unit: "so-y-te", unitName: "Sở Y tế", criterion: "1.2", byName: "Trần Văn Bình",
                reason: "Đã nộp bổ sung", selfPoints: "3", appraisedPoints: "1")
        ]
        let html = renderer.html("council", header: header, model)
        #expect(
            html.contains(#"<input type="checkbox" class="attendee" value="hd-thu-ky"> Đỗ Thu Trang — Thư ký Hội đồng"#)
        )
        #expect(html.contains("cần ít nhất 3/3"))
        #expect(html.contains(#"<option value="phien-1" data-attendees="hd-chu-tich,hd-thu-ky,hd-thanh-vien">"#))
        #expect(html.contains(#"name="bq-so-y-te-1.2-hd-thanh-vien" value="for""#))
        #expect(html.contains("<h3>Sở Y tế — tiêu chí 1.2</h3>"))
        #expect(!html.contains("form-bao-cao"), "only the chair, once the appraisal is closed, sends the report")
        model.secretary = false
        #expect(!renderer.html("council", header: header, model).contains("form-phien-hop"))
    }

    @Test func theApprovalPageShowsTheHashApprovedAndOffersTheFormOnlyToWhoMaySign() async throws {
        let renderer = try await PageRenderer.load()
        let header = PageHeader(title: "Phê duyệt", page: "approval", signedIn: true, csrf: "token")
        let hash = String(repeating: "b", count: 64)
        func page(signature: SignatureBlock?, chair: Bool) -> ApprovalPage {
            ApprovalPage(
                cycle: "dien-bien-2025", cycleName: "Chỉ số CCHC", resultsHash: hash, rows: [], checklist: [],
                windowFrom: "2026-04-01", windowUntil: "2026-06-30", today: "2026-05-29", approval: nil,
                signature: signature, chair: chair,
                viceChairs: names.holding(.provinceViceChair).map { SelectOption(value: $0.id, label: $0.name) },
                delegations: [])
        }
        let vice = SignatureBlock(signer: "Lò Văn Muôn", chair: "Mùa A Sơn", delegation: "15/QĐ-UBND")
        let delegated = renderer.html("approval", header: header, page(signature: vice, chair: false))
        #expect(delegated.contains(#"<code id="ma-bam-ket-qua">\#(hash)</code>"#))
        #expect(delegated.contains(#"<p class="capacity">KT. CHỦ TỊCH</p>"#))
        #expect(delegated.contains(#"<p class="title">PHÓ CHỦ TỊCH</p>"#))
        #expect(delegated.contains(#"<input id="pd-ngay" type="date" required value="2026-05-29">"#))
        #expect(!delegated.contains("form-giao-ky"), "only the chairman delegates")
        let undelegated = renderer.html("approval", header: header, page(signature: nil, chair: false))
        #expect(!undelegated.contains("form-phe-duyet"))
        #expect(undelegated.contains("chưa được Chủ tịch UBND tỉnh giao ký thay"))
        let chairman = renderer.html(
            "approval", header: header,
            page(signature: SignatureBlock(signer: "Mùa A Sơn", chair: nil, delegation: nil), chair: true))
        #expect(chairman.contains(#"<p class="capacity">TM. ỦY BAN NHÂN DÂN</p>"#))
        #expect(chairman.contains(#"<option value="ubnd-pho-chu-tich">Lò Văn Muôn</option>"#))
    }

    @Test func theVotesReasonAndTheDatesOfTheWholeSchemeAreSaidInVietnamese() {
        #expect(Vietnamese.date("2026-03-10") == "10/03/2026")
        #expect(
            Vietnamese.generated("decided by the council's vote at meeting phien-1 (2 for, 1 against): Đã nộp bổ sung")
                == "Hội đồng biểu quyết tại phiên họp phien-1 (2 tán thành, 1 không tán thành): Đã nộp bổ sung")
    }
}
