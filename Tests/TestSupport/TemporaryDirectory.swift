import Foundation

/// A fresh directory for one test, removed when the test lets go of it.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("parledger-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Where tests put their ledger.
    public var ledgerPath: String { path + "/ledger" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
