/// Why a JSON text was refused, and where: line and column are 1-based, counted in characters.
public struct JSONParseError: Error, Equatable, Sendable, CustomStringConvertible {
    public let line: Int
    public let column: Int
    public let reason: String

    public var description: String { "line \(line), column \(column): \(reason)" }
}

/// Reads JSON text into a `JSONValue`, strictly: valid UTF-8 only, no duplicate keys, no trailing
/// data, integers only (a fraction or exponent is refused with a hint to write decimals as strings).
public struct JSONParser {
    private let bytes: [UInt8]
    private var index = 0
    /// False when only checking: strings, arrays and objects are read but not built (keys still are,
    /// to find duplicates), and every value comes back as `.null`.
    private let buildsValues: Bool
    /// True when a string not in NFC is refused rather than normalised (FORMAT.md, Strict JSON).
    private let requiresNFC: Bool

    private init(_ bytes: [UInt8], buildsValues: Bool, requiresNFC: Bool = false) {
        self.bytes = bytes
        self.buildsValues = buildsValues
        self.requiresNFC = requiresNFC
    }

    /// Parses a whole document.
    public static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try parse(bytes, buildingValues: true)
    }

    /// Checks that `bytes` is a document `parse` accepts, without building its value: what a
    /// verifier that only needs to know does.
    public static func validate(_ bytes: [UInt8]) throws(JSONParseError) {
        _ = try parse(bytes, buildingValues: false)
    }

    /// Checks that `bytes` is strict JSON as FORMAT.md defines it for every document of a bundle: what
    /// `validate` checks, and every string already in NFC.
    public static func validateStrict(_ bytes: [UInt8]) throws(JSONParseError) {
        _ = try parse(bytes, buildingValues: false, requiringNFC: true)
    }

    private static func parse(_ bytes: [UInt8], buildingValues: Bool, requiringNFC: Bool = false)
        throws(JSONParseError) -> JSONValue
    {
        if String(validating: bytes, as: UTF8.self) == nil {
            let offset = firstInvalidUTF8Offset(bytes)
            throw location(in: bytes, at: offset, reason: "the text is not valid UTF-8 (byte offset \(offset))")
        }
        var parser = JSONParser(bytes, buildsValues: buildingValues, requiresNFC: requiringNFC)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    /// Parses a whole document given as text.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private static let maximumDepth = 64

    private mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
        guard index < bytes.count else { throw error("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // `depth` containers enclose this one: it is at level depth + 1, and 64 levels are allowed.
            guard depth < Self.maximumDepth else { throw error("nested more than \(Self.maximumDepth) levels deep") }
            return bytes[index] == UInt8(ascii: "{") ? try parseObject(depth: depth) : try parseArray(depth: depth)
        case UInt8(ascii: "\""):
            let text = try parseString()
            return buildsValues ? .string(text.nfc) : .null
        case UInt8(ascii: "t"):
            try expectWord("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectWord("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectWord("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    private mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            index += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw error("expected a string key") }
            let keyStart = index
            let key = try parseString().nfc
            guard members.updateValue(.null, forKey: key) == nil else {
                index = keyStart
                throw error("duplicate key \"\(key)\"")
            }
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw error("expected ':' after a key") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            if buildsValues { members[key] = value }
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            if peek(UInt8(ascii: "}")) {
                index += 1
                return buildsValues ? .object(members) : .null
            }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
        index += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            index += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            let element = try parseValue(depth: depth + 1)
            if buildsValues { elements.append(element) }
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                index += 1
                continue
            }
            if peek(UInt8(ascii: "]")) {
                index += 1
                return buildsValues ? .array(elements) : .null
            }
            throw error("expected ',' or ']' in an array")
        }
    }

    /// A string, refused when it holds a code point outside `UnicodeRepertoire`.
    private mutating func parseString() throws(JSONParseError) -> String {
        index += 1
        let start = index
        var isASCII = true
        // Most strings have no escape: one run of bytes, already known to be valid UTF-8.
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\""):
                index += 1
                let text = String(decoding: bytes[start..<index - 1], as: UTF8.self)
                return isASCII ? text : try inRepertoire(text, at: start)
            case UInt8(ascii: "\\"):
                return try inRepertoire(try parseEscapedString(from: start), at: start)
            case 0x00..<0x20:
                throw error("control character in a string (escape it)")
            case 0x80...:
                isASCII = false
                index += 1
            default:
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func inRepertoire(_ text: String, at start: Int) throws(JSONParseError) -> String {
        if let outside = UnicodeRepertoire.firstOutside(text) {
            index = start
            throw error("the string holds \(UnicodeRepertoire.describe(outside))")
        }
        if requiresNFC && !text.utf8.elementsEqual(text.nfc.utf8) {
            index = start
            throw error("a string is not in Unicode NFC")
        }
        return text
    }

    /// The rest of a string that has an escape at `index`, its first bytes starting at `start`.
    private mutating func parseEscapedString(from start: Int) throws(JSONParseError) -> String {
        var scalars = String.UnicodeScalarView()
        var runStart = start
        func flushRun(_ end: Int) {
            if end > runStart {
                scalars.append(contentsOf: String(decoding: bytes[runStart..<end], as: UTF8.self).unicodeScalars)
            }
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                flushRun(index)
                index += 1
                return String(scalars)
            case UInt8(ascii: "\\"):
                flushRun(index)
                index += 1
                scalars.append(try parseEscape())
                runStart = index
            case 0x00..<0x20:
                throw error("control character in a string (escape it)")
            default:
                index += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseEscape() throws(JSONParseError) -> Unicode.Scalar {
        guard index < bytes.count else { throw error("unterminated escape") }
        let escape = bytes[index]
        index += 1
        switch escape {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let unit = try parseHex4()
            if (0xD800..<0xDC00).contains(unit) {
                guard peek(UInt8(ascii: "\\")), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "u") else {
                    throw error("lone surrogate \\u\(String(unit, radix: 16)) in a string")
                }
                index += 2
                let low = try parseHex4()
                guard (0xDC00..<0xE000).contains(low) else { throw error("invalid surrogate pair in a string") }
                let combined = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                guard let scalar = Unicode.Scalar(combined) else { throw error("invalid surrogate pair in a string") }
                return scalar
            }
            guard let scalar = Unicode.Scalar(UInt32(unit)) else {
                throw error("lone surrogate \\u\(String(unit, radix: 16)) in a string")
            }
            return scalar
        default:
            index -= 1
            throw error("invalid escape '\\\(Character(Unicode.Scalar(escape)))'")
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt16
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt16(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt16(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt16(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value << 4 | digit
            index += 1
        }
        return value
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = index
        if peek(UInt8(ascii: "-")) { index += 1 }
        let digitsStart = index
        while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
        guard index > digitsStart else {
            index = start
            throw error("invalid number")
        }
        if bytes[digitsStart] == UInt8(ascii: "0"), index - digitsStart > 1 {
            index = start
            throw error("leading zeros are not allowed in a number")
        }
        if index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E")].contains(bytes[index]) {
            index = start
            throw error("only integers are allowed; write decimals such as points as strings (\"1.25\")")
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        guard text != "-0" else {
            index = start
            throw error("-0 is not an integer the ledger writes")
        }
        guard let number = Int64(text), number.magnitude <= JSONValue.maximumInteger.magnitude else {
            index = start
            throw error("integer \(text) is out of range (at most ±\(JSONValue.maximumInteger))")
        }
        return .integer(number)
    }

    private mutating func expectWord(_ word: String) throws(JSONParseError) {
        let expected = Array(word.utf8)
        guard index + expected.count <= bytes.count, Array(bytes[index..<index + expected.count]) == expected else {
            throw error("invalid literal (expected \(word))")
        }
        index += expected.count
    }

    private func peek(_ byte: UInt8) -> Bool {
        index < bytes.count && bytes[index] == byte
    }

    private mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }

    private func error(_ reason: String) -> JSONParseError {
        Self.location(in: bytes, at: index, reason: reason)
    }

    private static func location(in bytes: [UInt8], at offset: Int, reason: String) -> JSONParseError {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return JSONParseError(line: line, column: column, reason: reason)
    }

    private static func firstInvalidUTF8Offset(_ bytes: [UInt8]) -> Int {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded): offset += encoded.count
            case .error: return offset
            case .emptyInput: return offset
            }
        }
    }
}
