import Ledger
import PARCore
import Testing

@testable import WebApp

/// A page rendered from its typed view model: the shared header and the model's fields reach the
/// template, a list in the model is walked (reading the page's fields inside it), and every value is
/// escaped.
@Suite struct PageModelTests {
    @Test func theCouncilQueueShowsItsHeaderItsUnitsAndTheChairsClose() async throws {
        let renderer = try await PageRenderer.load()
        let header = PageHeader(
            title: "Hàng chờ thẩm định", page: "council", signedIn: true, actor: "hoi-dong",
            actorName: "Hội đồng <thẩm định>", csrf: "token", roles: "Thành viên Hội đồng thẩm định")
        var model = CouncilQueuePage(
            cycle: "dien-bien-2019", cycleName: "Chỉ số CCHC năm 2019 (2019)",
            units: [
                QueuedUnit(unit: "so-y-te", name: "Sở Y tế", kind: "Sở, ban, ngành", stage: "Đã nộp", fields: "1, 2")
            ], chair: true, closed: false)
        model.close = Offer(refusal: nil, refused: false)
        let html = renderer.html("council", header: header, model)
        #expect(html.contains("<title>Hàng chờ thẩm định — ParLedger</title>"))
        #expect(html.contains(#"data-page="council" data-csrf="token" data-actor="hoi-dong""#))
        #expect(html.contains("Hội đồng &lt;thẩm định&gt; <small>(Thành viên Hội đồng thẩm định)</small>"))
        #expect(html.contains(#"<a href="/hoi-dong/dien-bien-2019/so-y-te">Sở Y tế</a></th><td>Sở, ban, ngành</td>"#))
        #expect(html.contains(#"<button type="button" id="khep-lai-ky" data-cycle="dien-bien-2019">"#))
        // Refused now: the button disabled, the reason beside it.
        model.close = Offer(refusal: "Còn 1 đơn vị chưa kết thúc thẩm định", refused: true)
        let refused = renderer.html("council", header: header, model)
        #expect(refused.contains(#"id="khep-lai-ky" data-cycle="dien-bien-2019" disabled>"#))
        #expect(refused.contains("<strong>Chưa thể ký lúc này:</strong> Còn 1 đơn vị chưa kết thúc thẩm định"))
    }
}

/// Every event type the ledger records has its Vietnamese name on the pages that list events.
@Suite struct EventNameTests {
    @Test func everyEventTypeHasAVietnameseName() {
        let types = PAREvents.all.map { $0.type } + ActorEvent.types
        #expect(types.filter { Vietnamese.eventNames[$0] == nil } == [])
    }
}
