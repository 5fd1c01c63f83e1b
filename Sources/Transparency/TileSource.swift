import Foundation
import Ledger
import LedgerFormat

/// Where a tiled log is read from: a folder, or an http(s) URL prefix (nginx, a CDN, a mirror).
public struct TileSource: Sendable, CustomStringConvertible {
    private enum Location {
        case folder(String)
        case web(URL)
    }

    private let location: Location

    /// A source from a command-line argument: a URL when it starts with http:// or https://.
    public init(_ argument: String) {
        if argument.hasPrefix("http://") || argument.hasPrefix("https://"),
            let url = URL(string: argument.hasSuffix("/") ? argument : argument + "/")
        {
            location = .web(url)
        } else {
            location = .folder(argument)
        }
    }

    public var description: String {
        switch location {
        case .folder(let path): path
        case .web(let url): url.absoluteString
        }
    }

    /// Why a file of the log could not be read (the source may be down: not evidence of misbehaviour).
    public struct Unavailable: Error, CustomStringConvertible {
        public let description: String
    }

    /// The bytes of `path` under the source, at most `limit` of them.
    public func read(_ path: String, limit: Int = 1 << 24) throws(Unavailable) -> [UInt8] {
        switch location {
        case .folder(let directory):
            do { return try RegularFile.read(directory + "/" + path, shownAs: path, limit: limit) } catch {
                throw Unavailable(description: "\(description): \(error.description)")
            }
        case .web(let prefix):
            guard let url = URL(string: path, relativeTo: prefix) else {
                throw Unavailable(description: "\(path) is not a path under \(prefix)")
            }
            let answer: HTTP.Response
            do { answer = try HTTP.get(url) } catch { throw Unavailable(description: error.description) }
            guard answer.status == 200 else {
                throw Unavailable(description: "\(url.absoluteString): HTTP \(answer.status)")
            }
            guard answer.body.count <= limit else {
                throw Unavailable(description: "\(url.absoluteString): larger than \(limit) bytes")
            }
            return answer.body
        }
    }
}
