import Foundation

/// A file the outside world would not let us read or write (disk full, permission denied, read-only
/// medium, missing, not a regular file), with what was being done and the path: the CLI reports it
/// in one line and exits 3.
public struct FileProblem: Error, CustomStringConvertible {
    /// What was being done, e.g. "writing the bundle".
    public let operation: String
    public let path: String
    /// The system's `errno` value, when known.
    public let code: Int32?

    public init(operation: String, path: String, code: Int32?) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String {
        "\(operation) \(path) failed: " + (code.map { String(cString: strerror($0)) } ?? "the system refused it")
    }

    /// The `errno` value behind a Foundation file error, when it has one.
    public static func systemCode(of error: any Error) -> Int32? {
        if let posix = error as? POSIXError { return posix.code.rawValue }
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let underlying, underlying.domain == NSPOSIXErrorDomain { return Int32(underlying.code) }
        if (error as NSError).domain == NSPOSIXErrorDomain { return Int32((error as NSError).code) }
        switch (error as? CocoaError)?.code {
        case .fileWriteOutOfSpace?: return ENOSPC
        case .fileWriteNoPermission?, .fileReadNoPermission?: return EACCES
        case .fileWriteVolumeReadOnly?: return EROFS
        case .fileNoSuchFile?, .fileReadNoSuchFile?: return ENOENT
        default: return nil
        }
    }

    /// Runs `body`, turning the Foundation file errors it throws into a `FileProblem` about `path`.
    public static func wrap<T>(_ operation: String, _ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as CocoaError where error.isFileError {
            throw FileProblem(operation: operation, path: path, code: systemCode(of: error))
        } catch  where !(error is FileProblem) && systemCode(of: error) != nil {
            throw FileProblem(operation: operation, path: path, code: systemCode(of: error))
        }
    }
}
