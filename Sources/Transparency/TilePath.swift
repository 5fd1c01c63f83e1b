/// The paths of a tiled log's static files, C2SP tlog-tiles: `checkpoint`, hash tiles
/// `tile/<L>/<N>[.p/<W>]`, entry bundles `tile/entries/<N>[.p/<W>]`, and ParLedger's own `events/<N>`
/// bundles (the same events as canonical JSON lines, which tlog-tiles lets a log serve at another
/// path). One place knows this layout; writers, readers and servers use it.
public enum TilePath {
    public static let checkpoint = "checkpoint"

    /// What a tile path holds.
    public enum Kind: Sendable, Hashable {
        case hashes(level: Int)
        case entries
        case events
    }

    /// The path of tile `index` of `kind`, partial when `width` is below 256.
    public static func path(_ kind: Kind, index: UInt64, width: Int = 256) -> String {
        let prefix =
            switch kind {
            case .hashes(let level): "tile/\(level)/"
            case .entries: "tile/entries/"
            case .events: "events/"
            }
        return prefix + encode(index) + (width < 256 ? ".p/\(width)" : "")
    }

    /// `index` in zero-padded groups of three digits, every group but the last prefixed with `x`.
    static func encode(_ index: UInt64) -> String {
        var groups: [String] = []
        var rest = index
        repeat {
            let group = String(rest % 1000)
            groups.insert(String(repeating: "0", count: 3 - group.count) + group, at: 0)
            rest /= 1000
        } while rest > 0
        return groups.enumerated().map { $0.offset < groups.count - 1 ? "x" + $0.element : $0.element }
            .joined(separator: "/")
    }

    /// Every tile a tree of `size` entries is published as: for each kind, the full tiles whose index
    /// is at least the one holding entry `from` at that level, then the partial tile, if any.
    public static func tiles(size: UInt64, from: UInt64 = 0) -> [(kind: Kind, index: UInt64, width: Int)] {
        var tiles: [(Kind, UInt64, Int)] = []
        var level = 0
        while size >> (8 * UInt64(level)) > 0 {
            let hashes = size >> (8 * UInt64(level))
            let first = (from >> (8 * UInt64(level))) >> 8
            let kinds: [Kind] = level == 0 ? [.hashes(level: 0), .entries, .events] : [.hashes(level: level)]
            for kind in kinds {
                for index in stride(from: first, to: hashes >> 8, by: 1) { tiles.append((kind, index, 256)) }
                if hashes & 0xFF > 0 { tiles.append((kind, hashes >> 8, Int(hashes & 0xFF))) }
            }
            level += 1
        }
        return tiles
    }

    /// Whether `path` is a relative path this layout could name (for servers that map it to a file).
    public static func isServable(_ path: String) -> Bool {
        path == checkpoint
            || (path.hasPrefix("tile/") || path.hasPrefix("events/"))
                && path.unicodeScalars.allSatisfy {
                    ("0"..."9").contains($0) || "/.pxtileensvr".unicodeScalars.contains($0)
                }
                && !path.contains("..") && !path.contains("//")
    }
}
