import Foundation
import Ledger
import LedgerFormat
import PARCore
import PARIndex

/// The quick reading of one line of `events.jsonl`, for lines in the form the ledger writes: the
/// members of the envelope in canonical order with plain ASCII strings, and a payload that is
/// canonical JSON without escapes. Such a line is byte for byte the canonical JSON of its object,
/// and its event is read straight from the bytes, without building a JSON value and encoding it
/// again. Any other line gives nil, and the verifier reads it the general way (`JSONParser`,
/// `CanonicalJSON`, `RecordedEvent(envelope:)`), which accepts it or says what is wrong with it: the
/// quick reading never accepts a line the general one refuses, and gives the same event.
enum EventLine {
    static func event(_ line: ArraySlice<UInt8>) -> RecordedEvent? {
        var cursor = Cursor(bytes: line, index: line.startIndex)
        return cursor.envelope()
    }

    private struct Cursor {
        let bytes: ArraySlice<UInt8>
        var index: Int

        mutating func envelope() -> RecordedEvent? {
            guard expect("{\"actor\":"), let actor = plainString() else { return nil }
            var basis: CommandBasis?
            if expect(",\"basis\":{\"hash\":") {
                guard let hash = hash(), expect(",\"seq\":"), let sequence = integer(), expect("}") else { return nil }
                basis = CommandBasis(sequence: UInt64(sequence), hash: hash)
            }
            guard expect(",\"causation\":"), let causation = plainString(),
                expect(",\"command\":"), let command = plainString(),
                expect(",\"correlation\":"), let correlation = plainString(),
                expect(",\"hash\":"), let hash = hash(),
                expect(",\"keyId\":"), let keyID = plainString(),
                expect(",\"payload\":"), index < bytes.endIndex, bytes[index] == UInt8(ascii: "{")
            else { return nil }
            let payloadStart = index
            guard value(depth: 1) else { return nil }
            let payload = Array(bytes[payloadStart..<index])
            guard expect(",\"prev\":"), let previous = self.hash(),
                expect(",\"recordedAt\":"), let recordedText = plainString(),
                expect(",\"schemaVersion\":"), let schemaVersion = integer(),
                expect(",\"seq\":"), let sequence = integer(),
                expect(",\"signature\":"), let signatureText = plainString()
            else { return nil }
            var signedAt: Timestamp?
            if expect(",\"signedAt\":") {
                guard let text = plainString(), let time = Timestamp(eventTime: text) else { return nil }
                signedAt = time
            }
            guard (signedAt == nil) == (basis == nil),
                expect(",\"stream\":"), let stream = plainString(),
                expect(",\"streamVersion\":"), let streamVersion = integer(),
                expect(",\"type\":"), let type = plainString(),
                expect("}"), index == bytes.endIndex,
                let recordedAt = Timestamp(eventTime: recordedText), sequence >= 1, streamVersion >= 1,
                schemaVersion >= 1,
                let signature = CanonicalBase64.decode(signatureText)
            else { return nil }
            return RecordedEvent(
                sequence: UInt64(sequence), stream: stream, streamVersion: UInt64(streamVersion), type: type,
                schemaVersion: Int(schemaVersion), payload: payload, actor: actor, recordedAt: recordedAt,
                commandID: command, causationID: causation, correlationID: correlation, keyID: keyID,
                signature: signature, previousHash: previous, hash: hash, signedAt: signedAt, basis: basis)
        }

        /// Consumes `text` when the bytes at the cursor are exactly it.
        mutating func expect(_ text: StaticString) -> Bool {
            let count = text.utf8CodeUnitCount
            guard bytes.endIndex - index >= count else { return false }
            let matches = UnsafeBufferPointer(start: text.utf8Start, count: count).elementsEqual(
                bytes[index..<index + count])
            if matches { index += count }
            return matches
        }

        /// A string of printable ASCII without escapes.
        mutating func plainString() -> String? {
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            while end < bytes.endIndex {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") { break }
                guard byte >= 0x20, byte < 0x7F, byte != UInt8(ascii: "\\") else { return nil }
                end += 1
            }
            guard end < bytes.endIndex else { return nil }
            index = end + 1
            return String(decoding: bytes[start..<end], as: UTF8.self)
        }

        /// 64 lowercase hex digits in a string.
        mutating func hash() -> EventHash? {
            guard bytes.endIndex - index >= 66, bytes[index] == UInt8(ascii: "\""),
                bytes[index + 65] == UInt8(ascii: "\""),
                bytes[index + 1..<index + 65].allSatisfy({ (48...57).contains($0) || (97...102).contains($0) })
            else { return nil }
            defer { index += 66 }
            return EventHash(hex: String(decoding: bytes[index + 1..<index + 65], as: UTF8.self))
        }

        /// A non-negative integer written canonically, at most 2^53 − 1.
        mutating func integer() -> Int64? {
            let start = index
            guard let value = number(), value >= 0 else {
                index = start
                return nil
            }
            return value
        }

        /// An integer as canonical JSON writes it: no leading zero, no `-0`, no fraction or exponent,
        /// within ±(2^53 − 1).
        mutating func number() -> Int64? {
            let start = index
            if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") { index += 1 }
            let digits = index
            while index < bytes.endIndex, (48...57).contains(bytes[index]) { index += 1 }
            let count = index - digits
            guard count >= 1, count <= 16, count == 1 || bytes[digits] != UInt8(ascii: "0") else { return nil }
            if index < bytes.endIndex, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index])
            {
                return nil
            }
            var magnitude: Int64 = 0
            for byte in bytes[digits..<index] { magnitude = magnitude * 10 + Int64(byte - 48) }
            guard magnitude <= JSONValue.maximumInteger else { return nil }
            let negative = digits > start
            guard !(negative && magnitude == 0) else { return nil }
            return negative ? -magnitude : magnitude
        }

        /// Consumes one value in canonical form: members in increasing order of their (ASCII) names,
        /// strings without escapes or control characters and in NFC, integers as `number()` reads them.
        mutating func value(depth: Int) -> Bool {
            guard depth < 32, index < bytes.endIndex else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                index += 1
                if index < bytes.endIndex, bytes[index] == UInt8(ascii: "}") {
                    index += 1
                    return true
                }
                var previous: ArraySlice<UInt8>?
                while true {
                    let keyStart = index + 1
                    guard let isASCII = string(), isASCII else { return false }
                    let key = bytes[keyStart..<index - 1]
                    if let previous, !previous.lexicographicallyPrecedes(key) { return false }
                    previous = key
                    guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else { return false }
                    index += 1
                    guard value(depth: depth + 1), index < bytes.endIndex else { return false }
                    index += 1
                    if bytes[index - 1] == UInt8(ascii: "}") { return true }
                    guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
                }
            case UInt8(ascii: "["):
                index += 1
                if index < bytes.endIndex, bytes[index] == UInt8(ascii: "]") {
                    index += 1
                    return true
                }
                while true {
                    guard value(depth: depth + 1), index < bytes.endIndex else { return false }
                    index += 1
                    if bytes[index - 1] == UInt8(ascii: "]") { return true }
                    guard bytes[index - 1] == UInt8(ascii: ",") else { return false }
                }
            case UInt8(ascii: "\""): return string() != nil
            case UInt8(ascii: "t"): return expect("true")
            case UInt8(ascii: "f"): return expect("false")
            case UInt8(ascii: "n"): return expect("null")
            default: return number() != nil
            }
        }

        /// Consumes a string without escapes or control characters, valid UTF-8 in NFC and in
        /// `UnicodeRepertoire`; whether it is
        /// all ASCII, or nil when it is not such a string.
        mutating func string() -> Bool? {
            guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else { return nil }
            let start = index + 1
            var end = start
            var isASCII = true
            while end < bytes.endIndex {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") { break }
                guard byte >= 0x20, byte != UInt8(ascii: "\\") else { return nil }
                if byte >= 0x80 { isASCII = false }
                end += 1
            }
            guard end < bytes.endIndex else { return nil }
            if !isASCII {
                guard let text = String(validating: bytes[start..<end], as: UTF8.self),
                    UnicodeRepertoire.firstOutside(text) == nil, text.nfc.utf8.elementsEqual(bytes[start..<end])
                else { return nil }
            }
            index = end + 1
            return isASCII
        }
    }
}
