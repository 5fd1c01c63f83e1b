import Foundation
import Mustache
import Testing

@testable import WebApp

/// What a template reads from a page's view model, now that each model's stored properties are read
/// once per render: rows and nested models by name, nil as absent (the name then found further up),
/// the model before its shared parts before the header, and values that describe themselves as text.
@Suite struct PageContextTests {
    struct Row {
        let name: String
        let note: String?
    }

    struct Unit {
        let name: String
    }

    struct Amount: CustomStringConvertible {
        let cents: Int
        var description: String { "\(cents / 100),\(String(format: "%02d", cents % 100))" }
    }

    struct Shared {
        let province: String
        let title: String
    }

    struct Model: PageModel {
        let rows: [Row]
        let unit: Unit
        let total: Amount
        let empty: [Row]
        let note: String
        var sharedParts: [Any] { [Shared(province: "Điện Biên", title: "Phần chung")] }
    }

    func render(_ text: String, _ model: Model) throws -> String {
        let header = PageHeader(title: "Tiêu đề", page: "test", signedIn: true, actor: "so-noi-vu")
        let library = MustacheLibrary(templates: ["page": try MustacheTemplate(string: text)])
        return try #require(library.render(PageContext(model: model, header: header), withTemplate: "page"))
    }

    @Test func aTemplateReadsRowsNestedModelsAndFallsBackUpTheContextForAbsentValues() throws {
        let model = Model(
            rows: [Row(name: "Sở Tài chính", note: "đúng hạn"), Row(name: "Sở Y tế", note: nil)],
            unit: Unit(name: "Huyện Mường Nhé"), total: Amount(cents: 8_525), empty: [], note: "chung")
        let text = try render(
            "{{#rows}}[{{name}}: {{note}}]{{/rows}} {{#unit}}{{name}}{{/unit}} {{total}} {{^empty}}none{{/empty}}"
                + " {{province}} {{title}} {{actor}} {{missing}}.",
            model)
        #expect(
            text
                == "[Sở Tài chính: đúng hạn][Sở Y tế: chung] Huyện Mường Nhé 85,25 none Điện Biên Phần chung so-noi-vu ."
        )
    }
}
