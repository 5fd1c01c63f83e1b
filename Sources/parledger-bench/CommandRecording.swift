import Foundation
import Glibc
import Ledger
import LedgerFormat

/// The signed commands of an `append` run, batch by batch, as `core` appends them again: each
/// batch with the time its events were recorded at and whether it was timed, each command as its
/// canonical signing bytes (`SignedCommandDocument`) with its key id and signature.
///
/// A text frame around the documents: a header line `parledger-bench-commands/1 LEDGER-ID`; per
/// batch a line `batch MILLISECONDS TIMED COMMANDS`, then per command three lines (key id,
/// signature in base64, the document's length) and the document followed by a newline; at the end
/// `end EVENTS HEAD-HASH`, the ledger's head, which the replay must reach.
enum CommandRecording {
    static let format = "parledger-bench-commands/1"

    struct Batch {
        let recordedAt: Timestamp
        let timed: Bool
        let commands: [Command]
    }

    final class Writer {
        private let file: UnsafeMutablePointer<FILE>
        private let ledgerID: String

        init(path: String, ledgerID: String) throws {
            guard let file = fopen(path, "wb") else { throw RecordingError("cannot create \(path)") }
            self.file = file
            self.ledgerID = ledgerID
            line("\(format) \(ledgerID)")
        }

        deinit { fclose(file) }

        func write(_ commands: [Command], recordedAt: Timestamp, timed: Bool) {
            line("batch \(recordedAt.millisecondsSinceEpoch) \(timed ? 1 : 0) \(commands.count)")
            for command in commands {
                let document = command.signingBytes(ledgerID: ledgerID)
                line(command.signature?.keyID ?? "")
                line(Data(command.signature?.value ?? []).base64EncodedString())
                line(String(document.count))
                document.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, file) }
                line("")
            }
        }

        func finish(head: LedgerHead) {
            line("end \(head.count) \(head.hash.hex)")
            fflush(file)
        }

        private func line(_ text: String) {
            fputs(text + "\n", file)
        }
    }

    final class Reader {
        private let file: UnsafeMutablePointer<FILE>
        let ledgerID: String
        /// The head the recorded ledger reached, once `next()` has returned nil.
        private(set) var head: (count: UInt64, hash: String)?

        init(path: String) throws {
            guard let file = fopen(path, "rb") else { throw RecordingError("cannot read \(path)") }
            self.file = file
            let header = try Self.line(of: file).split(separator: " ")
            guard header.count == 2, header[0] == CommandRecording.format else {
                fclose(file)
                throw RecordingError("\(path) is not a recording of parledger-bench append --record-commands")
            }
            ledgerID = String(header[1])
        }

        deinit { fclose(file) }

        /// The next batch, or nil after the last one.
        func next() throws -> Batch? {
            let fields = try line().split(separator: " ")
            if fields.count == 3, fields[0] == "end", let count = UInt64(fields[1]) {
                head = (count, String(fields[2]))
                return nil
            }
            guard fields.count == 4, fields[0] == "batch", let milliseconds = Int64(fields[1]),
                let count = Int(fields[3])
            else { throw RecordingError("a batch line of the recording is malformed") }
            let commands = try (0..<count).map { _ in
                let keyID = try line()
                guard let signature = Data(base64Encoded: try line()), let length = Int(try line()) else {
                    throw RecordingError("a command of the recording is malformed")
                }
                var document = [UInt8](repeating: 0, count: length)
                guard fread(&document, 1, length, file) == length, try line().isEmpty else {
                    throw RecordingError("the recording ends inside a command")
                }
                return try SignedCommandDocument.command(
                    from: document, ledgerID: ledgerID, keyID: keyID, signature: Array(signature))
            }
            return Batch(
                recordedAt: Timestamp(millisecondsSinceEpoch: milliseconds), timed: fields[2] == "1",
                commands: commands)
        }

        private func line() throws -> String { try Self.line(of: file) }

        private static func line(of file: UnsafeMutablePointer<FILE>) throws -> String {
            var buffer: UnsafeMutablePointer<CChar>?
            var capacity = 0
            defer { free(buffer) }
            let length = getline(&buffer, &capacity, file)
            guard length > 0, let buffer else { throw RecordingError("the recording ends early") }
            return String(decoding: UnsafeRawBufferPointer(start: buffer, count: length - 1), as: UTF8.self)
        }
    }
}

struct RecordingError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A clock that says what it is told: `core` sets it to each batch's recorded time, so that the
/// replayed events are the recorded ones, hashes and all, and every command's basis holds.
final class ReplayClock: LedgerClock, @unchecked Sendable {
    var time = Timestamp(millisecondsSinceEpoch: 0)

    func now() -> Timestamp { time }
}
