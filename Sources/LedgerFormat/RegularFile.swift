import Glibc

/// Reading a file named by someone else (a bundle's, a trust policy, a receipt) without following a
/// symlink, blocking on a FIFO or device, or reading more than a stated limit.
public enum RegularFile {
    /// Why a file could not be read.
    public struct Problem: Error, CustomStringConvertible {
        public enum Kind: Sendable {
            /// Missing, unreadable, or not a regular file (a symlink, FIFO, device, directory).
            case notRegular
            /// Larger than the limit.
            case tooLarge
        }

        public let kind: Kind
        public let description: String

        package init(kind: Kind, description: String) {
            (self.kind, self.description) = (kind, description)
        }
    }

    /// Opens `path` for reading after checking that it is a regular file reached without a symlink.
    /// The caller closes the descriptor.
    public static func open(_ path: String, shownAs name: String) throws(Problem) -> Int32 {
        let descriptor = Glibc.open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw Problem(
                kind: .notRegular, description: "\(name) cannot be opened: \(String(cString: strerror(errno)))")
        }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            Glibc.close(descriptor)
            throw Problem(kind: .notRegular, description: "\(name) is not a regular file")
        }
        return descriptor
    }

    /// Calls `body` with each chunk of the file, in order.
    public static func forEachChunk(
        of path: String, shownAs name: String, _ body: (ArraySlice<UInt8>) throws(Problem) -> Void
    ) throws(Problem) {
        let descriptor = try open(path, shownAs: name)
        defer { Glibc.close(descriptor) }
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else {
                throw Problem(
                    kind: .notRegular, description: "\(name) cannot be read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return }
            try body(chunk[0..<count])
        }
    }

    /// The whole file, refused when it holds more than `limit` bytes.
    public static func read(_ path: String, shownAs name: String? = nil, limit: Int) throws(Problem) -> [UInt8] {
        var bytes: [UInt8] = []
        try forEachChunk(of: path, shownAs: name ?? path) { (chunk) throws(Problem) in
            bytes.append(contentsOf: chunk)
            guard bytes.count <= limit else {
                throw Problem(kind: .tooLarge, description: "\(name ?? path) is larger than \(limit) bytes")
            }
        }
        return bytes
    }

    /// Creates `path` with `contents` and `mode`, never overwriting, synced to disk.
    public static func create(_ path: String, mode: UInt32, contents: String) throws(Problem) {
        let descriptor = Glibc.open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode_t(mode))
        guard descriptor >= 0 else {
            throw Problem(kind: .notRegular, description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { Glibc.close(descriptor) }
        fchmod(descriptor, mode_t(mode))
        let bytes = Array(contents.utf8)
        guard Glibc.write(descriptor, bytes, bytes.count) == bytes.count, fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(path)
            throw Problem(kind: .notRegular, description: "cannot write \(path): \(reason)")
        }
    }
}
