import Foundation
import Glibc

/// Reads and writes private key files: two lines, `parledger-ed25519-private-key` and the base64 of
/// the 32-byte seed; written with mode 0600 and refused when group or others may read them.
/// The matching `.pub` file holds the base64 public key on one line.
public enum KeyFile {
    package static let header = "parledger-ed25519-private-key"

    /// Why a key file was refused.
    public struct Problem: KindedError, Equatable {
        /// What is wrong with the file, for front ends that give advice.
        public enum Reason: Sendable, Equatable {
            case unreadable, readableByOthers, notAPrivateKey, notAPublicKey, alreadyExists, cannotCreate
        }

        public let reason: Reason
        public let path: String
        public let description: String

        public var kind: ErrorKind {
            switch reason {
            case .unreadable, .cannotCreate: .io
            case .readableByOthers: .forbidden
            case .notAPrivateKey, .notAPublicKey: .invalidInput
            case .alreadyExists: .conflict
            }
        }

        public var fields: [String: String] { ["path": path] }

        public var vietnamese: String {
            switch reason {
            case .unreadable: "Không đọc được tệp khoá \(path)."
            case .readableByOthers: "Tệp khoá \(path) để người khác đọc được; hãy chỉ cho chủ tệp đọc (chmod 600)."
            case .notAPrivateKey: "Tệp \(path) không phải là khoá bí mật của ParLedger."
            case .notAPublicKey: "Tệp \(path) không phải là khoá công khai của ParLedger."
            case .alreadyExists: "Đã có tệp \(path); không ghi đè khoá."
            case .cannotCreate: "Không tạo được tệp khoá \(path)."
            }
        }
    }

    /// Writes `key` to `path` (mode 0600, never overwriting) and its public key to `path.pub`.
    public static func write(_ key: SigningKey, to path: String) throws(Problem) {
        try create(path, mode: 0o600, contents: "\(header)\n\(Data(key.seed).base64EncodedString())\n")
        try create(path + ".pub", mode: 0o644, contents: key.publicKey.base64 + "\n")
    }

    /// Reads the private key at `path`, refusing a file that others may read.
    public static func read(_ path: String) throws(Problem) -> SigningKey {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Problem(
                reason: .unreadable, path: path,
                description: "cannot read the key file \(path): \(String(cString: strerror(errno)))")
        }
        let mode = info.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw Problem(
                reason: .readableByOthers, path: path,
                description: "the key file \(path) is readable by others (mode \(String(mode, radix: 8)))")
        }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
        else {
            throw Problem(reason: .unreadable, path: path, description: "cannot read the key file \(path)")
        }
        let lines = text.split(whereSeparator: \.isNewline).map(String.init)
        guard lines.count == 2, lines[0] == header, let seed = Data(base64Encoded: lines[1]),
            let key = SigningKey(seed: Array(seed))
        else {
            throw Problem(
                reason: .notAPrivateKey, path: path, description: "\(path) is not a ParLedger private key file")
        }
        return key
    }

    /// Reads a public key given as a `.pub` file or as base64 text.
    public static func readPublicKey(_ fileOrBase64: String) throws(Problem) -> PublicKey {
        if let data = FileManager.default.contents(atPath: fileOrBase64) {
            guard let key = PublicKey(base64: String(decoding: data, as: UTF8.self)) else {
                throw Problem(
                    reason: .notAPublicKey, path: fileOrBase64,
                    description: "\(fileOrBase64) does not hold a base64 Ed25519 public key")
            }
            return key
        }
        guard let key = PublicKey(base64: fileOrBase64) else {
            throw Problem(
                reason: .notAPublicKey, path: fileOrBase64,
                description: "'\(fileOrBase64)' is neither a readable file nor a base64 Ed25519 public key")
        }
        return key
    }

    private static func create(_ path: String, mode: mode_t, contents: String) throws(Problem) {
        do {
            try RegularFile.create(path, mode: mode, contents: contents)
        } catch {
            throw Problem(
                reason: FileManager.default.fileExists(atPath: path) ? .alreadyExists : .cannotCreate, path: path,
                description: error.description)
        }
    }
}
