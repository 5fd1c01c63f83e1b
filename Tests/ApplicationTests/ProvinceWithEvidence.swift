import Foundation
import PARFixtures
import PARIndex

extension Province {
    /// A province whose first department (d01) has self-assessed citing a document that is in the
    /// store, and whose second (d02) cites one that is not: what backups and recoveries copy and miss.
    static func withOneDocumentStored() throws -> Province {
        let p = try Province(departments: 2, districts: 0)
        let store = EvidenceStore(ledger: p.scoring.ledger)
        try FileManager.default.createDirectory(atPath: store.directory, withIntermediateDirectories: true)
        try Data("tài liệu kiểm chứng d01".utf8).write(
            to: URL(fileURLWithPath: store.path(for: Province.evidenceHash("d01"))))
        try p.selfAssessFully("d01")
        return p
    }
}
