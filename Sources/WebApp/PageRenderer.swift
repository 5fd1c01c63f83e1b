import Foundation
import HTTPTypes
import Hummingbird
import Mustache
import PARCore
import PARIndex

/// Renders the Vietnamese pages from `Templates/` (every value HTML-escaped by swift-mustache), each
/// from its header and its typed view model.
struct PageRenderer: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> PageRenderer {
        guard let directory = Bundle.module.resourceURL?.appendingPathComponent("Templates").path else {
            throw WebError(
                status: .internalServerError, kind: "bug", message: "the page templates are missing",
                vi: "Thiếu mẫu trang của ứng dụng; hãy báo quản trị viên.")
        }
        return PageRenderer(library: try await MustacheLibrary(directory: directory))
    }

    func render(
        _ template: String, header: PageHeader, _ model: any PageModel, status: HTTPResponse.Status = .ok
    ) -> Response {
        Self.response(html(template, header: header, model), status: status)
    }

    /// The page `template` with `header` and `model`, as text.
    func html(_ template: String, header: PageHeader, _ model: any PageModel) -> String {
        library.render(PageContext(model: model, header: header), withTemplate: template)
            ?? "<!doctype html><title>Lỗi</title><p>Lỗi mẫu trang.</p>"
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }

    func errorPage(_ refusal: WebError, session: SessionStore.Session?, requestID: String) -> Response {
        let header = PageHeader(title: Vietnamese.title(ofKind: refusal.kind), page: nil, signedIn: session != nil)
        return render(
            "error", header: header, ErrorPage(refusal, signedIn: session != nil, requestID: requestID),
            status: refusal.status)
    }
}

/// The view model of one page: Mustache reads its stored properties by name, and an optional holding
/// nil as absent (its section is not shown; the name is looked up in the enclosing context).
protocol PageModel {
    /// Parts the page shares with other pages whose properties its template reads as its own (a unit's
    /// heading), after the page's own.
    var sharedParts: [Any] { get }
}

extension PageModel {
    var sharedParts: [Any] { [] }
}

/// What `header.mustache` shows on every page: the title, which page it is for the page script, and
/// who is logged in.
struct PageHeader {
    let title: String
    /// The template's name (`data-page`); nil on the error page, which no script serves.
    let page: String?
    let signedIn: Bool
    var actor: String?
    var actorName: String?
    var csrf: String?
    /// The viewer's roles in one line; nil on the pages of the explorer, which do not show them.
    var roles: String?
}

/// A page's view model and its header as one Mustache context: a name is read from the model's own
/// properties, then from its shared parts, then from the header, the first that holds a value. The model
/// comes first: a page's own field wins over the header's (the event page's `actor` is its signer).
struct PageContext: MustacheParent {
    private let parts: [StoredProperties]

    init(model: any PageModel, header: PageHeader) {
        parts = ([model] + model.sharedParts + [header]).map(StoredProperties.init(of:))
    }

    func child(named name: String) -> Any? {
        for part in parts {
            if let value = part.child(named: name) { return value }
        }
        return nil
    }
}

/// A view model's stored properties by name, read once. Mustache would otherwise reflect the whole
/// struct (every field, with its type looked up) for each name it reads, and again on the way up the
/// context stack from every row of a table: on the busiest pages that was most of the server's time.
/// An optional holding nil is absent (its section is not shown; the name is looked up further up).
struct StoredProperties: MustacheParent {
    private let values: [String: Any]

    init(of object: Any) {
        var values: [String: Any] = [:]
        for child in Mirror(reflecting: object).children {
            guard let label = child.label else { continue }
            let value = Mirror(reflecting: child.value)
            if value.displayStyle != .optional {
                values[label] = child.value
            } else if let wrapped = value.children.first?.value {
                values[label] = wrapped
            }
        }
        self.values = values
    }

    func child(named name: String) -> Any? { values[name].map(Self.readable) }

    /// `value` as a template reads it: a view model (a struct that does not describe itself as text) by
    /// its stored properties, an array of them each so; anything else as it is.
    static func readable(_ value: Any) -> Any {
        if value is String || value is Bool || value is Int || value is any MustacheParent { return value }
        if let array = value as? [Any], array.contains(where: isViewModel) { return array.map(readable) }
        return isViewModel(value) ? StoredProperties(of: value) : value
    }

    private static func isViewModel(_ value: Any) -> Bool {
        !(value is any CustomStringConvertible) && !(value is any MustacheParent) && !(value is MustacheLambda)
            && Mirror(reflecting: value).displayStyle == .struct
    }
}

/// The page of a refusal (`error.mustache`): what happened, what to do, and the way on (home, the
/// published results, the login for a page that needs one).
struct ErrorPage: PageModel {
    let message: String
    let advice: String
    let login: Bool
    /// The request's id (`RequestLog`), which a person quotes to the IT office to find it in the log.
    let requestID: String

    init(_ refusal: WebError, signedIn: Bool, requestID: String) {
        self.requestID = requestID
        message =
            switch refusal.status.code {
            case 429: "Có quá nhiều yêu cầu từ máy của bạn trong thời gian ngắn."
            case 500...: "Máy chủ gặp lỗi khi xử lý yêu cầu; lỗi đã được ghi lại để quản trị viên xem xét."
            default: refusal.vi
            }
        advice =
            switch refusal.status.code {
            case 401: "Hãy đăng nhập bằng khoá của bạn rồi mở lại trang này. Kết quả đã công bố thì ai cũng xem được."
            case 403: "Nếu bạn cần quyền này, hãy liên hệ Văn phòng thường trực (Sở Nội vụ)."
            case 404: "Địa chỉ có thể đã gõ sai hoặc trang đã đổi chỗ. Hãy bắt đầu lại từ trang chủ."
            case 429:
                refusal.retryAfter.map { "Hãy chờ khoảng \(Self.wait($0)) rồi thử lại." }
                    ?? "Hãy chờ một lúc rồi thử lại."
            case 500...: "Hãy thử lại sau ít phút. Nếu lỗi lặp lại, hãy báo Văn phòng thường trực."
            default: "Hãy quay lại trang trước, kiểm tra lại rồi thử lần nữa."
            }
        login = refusal.status.code == 401 && !signedIn
    }

    /// A wait of `seconds` in words: "30 giây", "2 phút".
    static func wait(_ seconds: Int) -> String {
        seconds < 60 ? "\(seconds) giây" : "\((seconds + 59) / 60) phút"
    }
}

/// The login page (`login.mustache`): which ledger the key signs in to.
struct LoginPage: PageModel {
    let ledger: String
}

/// A link to an evidence document, by its hash, under its name.
struct DocumentLink {
    let name: String
    let sha256: String
}

extension DocumentLink {
    init(_ citation: EvidenceCitation) {
        self.init(name: citation.name, sha256: citation.sha256)
    }
}

/// One choice of a `<select>`: its value, its label and whether it is the one chosen.
struct SelectOption {
    let value: String
    let label: String
    var selected = false
}

extension String {
    /// The text, nil when it is empty: Mustache shows a section for any text present, an empty one too.
    var nonEmpty: String? { isEmpty ? nil : self }
}
