import Foundation
import PARCore
import PARIndex

/// Where a bundle verifier keeps the events' hashes while it reads a bundle:
/// `parledger-replay-<pid>-<uuid>` in the temporary directory, removed by its owner when done.
enum ScratchDirectory {
    static let prefix = "parledger-replay-"

    /// A new, empty scratch directory of this process, made after removing those of dead processes.
    static func make() throws -> String {
        let temporary = FileManager.default.temporaryDirectory.path
        ProcessOwnedName.removeAbandoned(in: temporary, prefix: prefix)
        let directory = (temporary as NSString).appendingPathComponent(ProcessOwnedName.make(prefix))
        try FileProblem.wrap("creating the replay's scratch directory", directory) {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        return directory
    }
}
