import Foundation
import Glibc

/// Progress of long work on standard error: shown only on a terminal and never with `--quiet`.
struct ProgressReporter {
    let label: String
    let isEnabled: Bool

    init(_ label: String, quiet: Bool) {
        self.label = label
        self.isEnabled = !quiet && isatty(STDERR_FILENO) == 1
    }

    /// Shows `done` of `total`, or `done` alone when the total is not known (0).
    func update(_ done: UInt64, of total: UInt64) {
        guard isEnabled else { return }
        let text = total == 0 ? "\r\(label) \(done)" : "\r\(label) \(done)/\(total) (\(done * 100 / total)%)"
        FileHandle.standardError.write(Data(text.utf8))
    }

    func finish() {
        guard isEnabled else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
