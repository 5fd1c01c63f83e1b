import Foundation
import PARCore

/// Names of temporary files and directories that carry their owner's pid (`<prefix><pid>-<uuid>`):
/// a process killed before it removed its own leaves them behind, and the pid lets the next one,
/// of any process, remove them.
package enum ProcessOwnedName {
    package static func make(_ prefix: String) -> String {
        "\(prefix)\(getpid())-\(UUID().uuidString)"
    }

    /// Removes the entries of `parent` named with `prefix` whose owning process no longer exists.
    package static func removeAbandoned(in parent: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: parent) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let owner = Int32(name.dropFirst(prefix.count).prefix { $0 != "-" }), owner > 0 else { continue }
            if kill(owner, 0) == -1 && errno == ESRCH {
                try? FileManager.default.removeItem(atPath: (parent as NSString).appendingPathComponent(name))
            }
        }
    }
}
