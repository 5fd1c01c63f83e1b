import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Blocking HTTP requests for the command-line side of transparency (sending checkpoints to
/// witnesses, following a log): one request at a time, the status and the body, within 10 seconds (a
/// witness that does not answer delays the receipt of every command by that much).
enum HTTP {
    struct Response {
        let status: Int
        let contentType: String
        let body: [UInt8]
    }

    /// Why a request got no answer at all.
    struct Unreachable: Error, CustomStringConvertible {
        let description: String
    }

    static func get(_ url: URL, timeout: TimeInterval = 10) throws(Unreachable) -> Response {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.setValue("no-cache", forHTTPHeaderField: "Cache-Control")
        return try send(request)
    }

    static func post(_ url: URL, body: [UInt8], timeout: TimeInterval = 10) throws(Unreachable) -> Response {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue("text/plain; charset=utf-8", forHTTPHeaderField: "Content-Type")
        return try send(request)
    }

    private final class Outcome: @unchecked Sendable {
        var result: Result<Response, Unreachable> = .failure(Unreachable(description: "no answer"))
    }

    private static func send(_ request: URLRequest) throws(Unreachable) -> Response {
        let done = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let target = request.url?.absoluteString ?? "?"
        URLSession.shared.dataTask(with: request) { data, response, error in
            if let http = response as? HTTPURLResponse {
                outcome.result = .success(
                    Response(
                        status: http.statusCode,
                        contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
                        body: Array(data ?? Data())))
            } else {
                outcome.result = .failure(
                    Unreachable(description: "\(target): \(error?.localizedDescription ?? "no HTTP answer")"))
            }
            done.signal()
        }.resume()
        done.wait()
        return try outcome.result.get()
    }
}
