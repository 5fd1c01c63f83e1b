import Foundation

/// The repository's own files (frameworks, source documents), found from this file's location.
public enum Repository {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The absolute path of `path`, relative to the repository's root.
    public static func file(_ path: String) -> String { root.appendingPathComponent(path).path }
}
