import Foundation
import PARCore
public import PARIndex
import ZIPFoundation

extension CertifiedBundle {
    /// Writes the bundle of the whole ledger as one zip archive at `path` (which must not exist):
    /// exported into a scratch directory, zipped beside `path` and renamed into place, so a failure
    /// leaves nothing. Unzipped, it is the directory both verifiers take.
    public static func exportArchive(_ scoring: ScoringLedger, to path: String, withEvidence: Bool) throws -> Summary {
        let files = FileManager.default
        guard !files.fileExists(atPath: path) else {
            throw RuleViolation(
                "\(path) already exists; write the archive to a new file",
                vi: "Đã có tệp \(path); hãy ghi bản lưu trữ vào một tệp mới.")
        }
        let scratch = files.temporaryDirectory.appendingPathComponent(
            "parledger-bundle-\(UUID().uuidString.lowercased())")
        defer { try? files.removeItem(at: scratch) }
        let bundle = scratch.appendingPathComponent("bundle")
        let summary = try export(scoring, to: bundle.path, withEvidence: withEvidence)
        let partial = path + ".partial-\(UUID().uuidString.lowercased())"
        do {
            try FileProblem.wrap("writing the bundle archive", path) {
                try files.zipItem(
                    at: bundle, to: URL(fileURLWithPath: partial), shouldKeepParent: true, compressionMethod: .deflate)
                try files.moveItem(atPath: partial, toPath: path)
            }
        } catch {
            try? files.removeItem(atPath: partial)
            throw error
        }
        return summary
    }
}
