import Foundation
import Glibc
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The files a certified bundle may hold (FORMAT.md, Files, paths and sizes), and reading them
/// without ever following a symlink, opening a FIFO or device, leaving the bundle, or reading more
/// than a file's documented limit.
enum BundleFiles {
    static let manifest = "manifest.json"
    static let checkpoint = "checkpoint.txt"
    static let verifierKey = "verifier-key.txt"
    static let events = "events.jsonl"
    static let actors = "actors.json"
    static let evidenceList = "evidence.json"
    static let directories = ["frameworks", "results", "evidence"]
    static let maximumEventLine = 1 << 20

    /// A file or directory of a bundle that breaks the layout, with its verdict code.
    struct Refusal: Error {
        let code: BundleVerdict.Code
        let message: String
    }

    /// The size limit of a bundle path, or nil when the path is not one a bundle may hold.
    static func limit(of path: String) -> Int? {
        switch path {
        case manifest, actors, evidenceList: return 64 << 20
        case checkpoint: return 64 << 10
        case verifierKey: return 4 << 10
        case events: return Int.max
        default: break
        }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 else { return nil }
        switch parts[0] {
        case "frameworks" where parts[1].hasSuffix(".json") && isHex64(String(parts[1].dropLast(5))): return 16 << 20
        case "results" where parts[1].hasSuffix(".json") && Slug.isValid(String(parts[1].dropLast(5))): return 16 << 20
        case "evidence" where isHex64(parts[1]): return 64 << 20
        default: return nil
        }
    }

    static func isHex64(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    /// Every regular file of the bundle with its size, by relative path; refuses any other type of
    /// entry, a name the layout does not allow, and a file over its limit.
    static func inventory(of directory: String) throws(Refusal) -> [String: Int] {
        var info = stat()
        guard lstat(directory, &info) == 0 else {
            throw Refusal(code: .missingFile, message: "\(directory): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw Refusal(code: .fileType, message: "\(directory) is not a directory")
        }
        var found: [String: Int] = [:]
        for entry in try entries(of: Array(directory.utf8)) {
            let name = entry.name
            let kind = try type(of: entry.path, shownAs: name)
            if kind.isDirectory {
                guard directories.contains(name) else {
                    throw Refusal(code: .unexpectedFile, message: "\(name)/ is not part of a bundle")
                }
                for inner in try entries(of: entry.path) {
                    let path = "\(name)/\(inner.name)"
                    let innerKind = try type(of: inner.path, shownAs: path)
                    guard !innerKind.isDirectory else {
                        throw Refusal(code: .unexpectedFile, message: "\(path)/ is a directory where a file belongs")
                    }
                    try admit(path, size: innerKind.size, into: &found)
                }
            } else {
                guard limit(of: name) != nil else {
                    throw Refusal(code: .unexpectedFile, message: "\(name) is not part of a bundle")
                }
                try admit(name, size: kind.size, into: &found)
            }
        }
        for required in [manifest, checkpoint, verifierKey, events, actors, evidenceList] where found[required] == nil {
            throw Refusal(code: .missingFile, message: "\(required) is missing")
        }
        return found
    }

    private static func admit(_ path: String, size: Int, into found: inout [String: Int]) throws(Refusal) {
        guard let limit = limit(of: path) else {
            throw Refusal(code: .unexpectedFile, message: "\(path) is not part of a bundle")
        }
        guard size <= limit else {
            throw Refusal(code: .fileTooLarge, message: "\(path) has \(size) bytes, more than its limit of \(limit)")
        }
        found[path] = size
    }

    /// An entry of a directory: its name as read (a name that is not UTF-8 shows U+FFFD, and so matches
    /// no path a bundle may hold), and the path of its real bytes.
    private struct Entry {
        let name: String
        let path: [UInt8]
    }

    /// The entries of `directory`, in the order of their names' bytes (FORMAT.md, Files, paths and
    /// sizes), as the Python verifier lists them.
    private static func entries(of directory: [UInt8]) throws(Refusal) -> [Entry] {
        let shown = String(decoding: directory, as: UTF8.self)
        guard let stream = opendir(shown) else {
            throw Refusal(code: .fileType, message: "\(shown) cannot be listed: \(String(cString: strerror(errno)))")
        }
        defer { closedir(stream) }
        var names: [[UInt8]] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix(while: { $0 != 0 })) }
            if name != Array(".".utf8) && name != Array("..".utf8) { names.append(name) }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }.map { name in
            Entry(name: String(decoding: name, as: UTF8.self), path: directory + [UInt8(ascii: "/")] + name)
        }
    }

    private static func type(of path: [UInt8], shownAs name: String) throws(Refusal) -> (isDirectory: Bool, size: Int) {
        var info = stat()
        let status = (path + [0]).withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { lstat($0.baseAddress!, &info) }
        }
        guard status == 0 else {
            throw Refusal(code: .fileType, message: "\(name): \(String(cString: strerror(errno)))")
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: return (false, Int(info.st_size))
        case S_IFDIR: return (true, 0)
        case S_IFLNK:
            throw Refusal(code: .fileType, message: "\(name) is a symbolic link; a bundle holds regular files only")
        case S_IFIFO: throw Refusal(code: .fileType, message: "\(name) is a FIFO; a bundle holds regular files only")
        case S_IFCHR, S_IFBLK:
            throw Refusal(code: .fileType, message: "\(name) is a device; a bundle holds regular files only")
        default: throw Refusal(code: .fileType, message: "\(name) is not a regular file")
        }
    }

    static func refusal(_ problem: RegularFile.Problem) -> Refusal {
        Refusal(code: problem.kind == .tooLarge ? .fileTooLarge : .fileType, message: problem.description)
    }

    /// The whole of a small file, at most `limit(of:)` bytes.
    static func read(_ directory: String, _ path: String) throws(Refusal) -> [UInt8] {
        do {
            return try RegularFile.read("\(directory)/\(path)", shownAs: path, limit: limit(of: path) ?? 0)
        } catch {
            throw refusal(error)
        }
    }

    /// SHA-256 and size of a file, read in chunks.
    static func digest(_ directory: String, _ path: String) throws(Refusal) -> (sha256: String, size: Int) {
        var hasher = SHA256Stream()
        var size = 0
        do {
            try RegularFile.forEachChunk(of: "\(directory)/\(path)", shownAs: path) { chunk in
                hasher.update(chunk)
                size += chunk.count
            }
        } catch {
            throw refusal(error)
        }
        return (hasher.finish(), size)
    }
}

/// Compares a bundle file with bytes given in pieces, reading the file in chunks of 1 MiB as the
/// comparison goes: a file of any length is compared in the same memory.
struct ExpectedFile {
    private let descriptor: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    /// False from the first difference on.
    private var matches = true

    init(_ directory: String, _ path: String) throws(BundleFiles.Refusal) {
        self.path = path
        do {
            descriptor = try RegularFile.open("\(directory)/\(path)", shownAs: path)
        } catch {
            throw BundleFiles.refusal(error)
        }
    }

    func close() { Glibc.close(descriptor) }

    /// Compares the next bytes of the file with `expected`.
    mutating func expect(_ expected: [UInt8]) throws(BundleFiles.Refusal) {
        var offset = 0
        while matches, offset < expected.count {
            if start == buffer.count {
                try fill()
                if start == buffer.count {
                    matches = false
                    return
                }
            }
            let count = min(expected.count - offset, buffer.count - start)
            matches = buffer[start..<start + count].elementsEqual(expected[offset..<offset + count])
            start += count
            offset += count
        }
    }

    /// Whether the file held exactly the bytes expected, nothing more.
    mutating func isComplete() throws(BundleFiles.Refusal) -> Bool {
        guard matches else { return false }
        if start == buffer.count { try fill() }
        return start == buffer.count
    }

    private mutating func fill() throws(BundleFiles.Refusal) {
        guard !atEnd else { return }
        buffer = [UInt8](repeating: 0, count: 1 << 20)
        start = 0
        let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
        guard count >= 0 else {
            throw BundleFiles.Refusal(
                code: .fileType, message: "\(path) cannot be read: \(String(cString: strerror(errno)))")
        }
        buffer.removeSubrange(count...)
        atEnd = count == 0
    }
}

/// Reads `events.jsonl` one line at a time, never holding more than one line of at most 1 MiB, and
/// refusing an unterminated last line instead of dropping it.
struct EventLineReader {
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private var start = 0
    private var atEnd = false
    private(set) var lineNumber = 0

    init(directory: String) throws(BundleFiles.Refusal) {
        do {
            descriptor = try RegularFile.open("\(directory)/\(BundleFiles.events)", shownAs: BundleFiles.events)
        } catch {
            throw BundleFiles.refusal(error)
        }
    }

    func close() { Glibc.close(descriptor) }

    /// The next line without its newline, or nil at the end of the file.
    mutating func next() throws(BundleFiles.Refusal) -> ArraySlice<UInt8>? {
        while true {
            if let newline = buffer[start...].firstIndex(of: 0x0A) {
                lineNumber += 1
                let line = buffer[start..<newline]
                start = newline + 1
                guard line.count <= BundleFiles.maximumEventLine else { throw tooLong() }
                guard !line.isEmpty else { throw Self.parse("events.jsonl line \(lineNumber) is empty") }
                return line
            }
            if buffer.count - start > BundleFiles.maximumEventLine {
                lineNumber += 1
                throw tooLong()
            }
            if atEnd {
                guard start == buffer.count else {
                    throw Self.parse("events.jsonl line \(lineNumber + 1) does not end in a newline")
                }
                return nil
            }
            buffer.removeSubrange(0..<start)
            start = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            guard count >= 0 else {
                throw BundleFiles.Refusal(
                    code: .fileType, message: "events.jsonl cannot be read: \(String(cString: strerror(errno)))")
            }
            if count == 0 { atEnd = true } else { buffer.append(contentsOf: chunk[0..<count]) }
        }
    }

    private func tooLong() -> BundleFiles.Refusal {
        Self.parse("events.jsonl line \(lineNumber) is longer than 1 MiB")
    }

    static func parse(_ message: String) -> BundleFiles.Refusal { BundleFiles.Refusal(code: .parse, message: message) }
}
