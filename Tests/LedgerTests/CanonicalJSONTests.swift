import Ledger
import LedgerFormat
import TestSupport
import Testing

@Suite struct CanonicalJSONTests {
    private func canonical(_ value: JSONValue) -> String {
        String(decoding: CanonicalJSON.encode(value), as: UTF8.self)
    }

    @Test func objectMembersAreSortedAndWhitespaceRemoved() throws {
        let value = try JSONParser.parse(#"{ "b": [1, 2, {"z": null, "a": true}], "a": "x" }"#)
        #expect(canonical(value) == #"{"a":"x","b":[1,2,{"a":true,"z":null}]}"#)
    }

    @Test func keysAreOrderedByUTF16CodeUnitsAsRFC8785Requires() {
        // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+E000 although its scalar value is larger.
        let value = JSONValue.object(["\u{E000}": .integer(1), "\u{1F600}": .integer(2), "a": .integer(3)])
        #expect(canonical(value) == "{\"a\":3,\"\u{1F600}\":2,\"\u{E000}\":1}")
    }

    @Test func stringsEscapeOnlyWhatJSONRequires() {
        let value = JSONValue.string("quote \" backslash \\ tab \t newline \n bell \u{07} slash / Sở")
        #expect(canonical(value) == #""quote \" backslash \\ tab \t newline \n bell \u0007 slash / Sở""#)
    }

    @Test func decomposedVietnameseIsNormalisedToNFCSoBothSpellingsHashAlike() throws {
        let decomposed = "So\u{031B}\u{0309} Ta\u{0300}i chi\u{0301}nh"
        let composed = "Sở Tài chính"
        #expect(decomposed.unicodeScalars.count != composed.unicodeScalars.count)
        let parsed = try JSONParser.parse("{\"name\":\"\(decomposed)\"}")
        #expect(CanonicalJSON.encode(parsed) == CanonicalJSON.encode(.object(["name": .text(composed)])))
        #expect(CanonicalJSON.encode(.text(decomposed)) == Array("\"\(composed)\"".utf8))
    }

    @Test func integersAreWrittenInPlainDecimal() throws {
        #expect(canonical(try JSONParser.parse("[0, -7, 9007199254740991]")) == "[0,-7,9007199254740991]")
    }
}

@Suite struct JSONParserTests {
    private func reason(_ text: String) -> JSONParseError? {
        do {
            _ = try JSONParser.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func fractionalNumbersAreRefusedWithAHintToUseDecimalStrings() {
        let error = reason(#"{"points": 1.5}"#)
        #expect(error?.reason.contains("write decimals such as points as strings") == true)
        #expect(error?.column == 12)
    }

    @Test func exponentsAndOutOfRangeIntegersAreRefused() {
        #expect(reason("1e3") != nil)
        #expect(reason("9007199254740992")?.reason.contains("out of range") == true)
    }

    @Test func duplicateKeysAreRefused() {
        #expect(reason(#"{"a":1,"a":2}"#)?.reason == #"duplicate key "a""#)
    }

    @Test func invalidUTF8IsRefusedWithItsByteOffset() {
        let bytes: [UInt8] = Array(#"{"name":"S"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(bytes) }
        do {
            _ = try JSONParser.parse(bytes)
        } catch {
            #expect(error.reason == "the text is not valid UTF-8 (byte offset 10)")
        }
    }

    @Test func loneSurrogateEscapesAreRefusedButPairsAreDecoded() throws {
        #expect(reason(#""\ud800""#)?.reason.contains("lone surrogate") == true)
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("\u{1F600}"))
    }

    @Test func errorsGiveLineAndColumn() {
        let error = reason("{\n  \"a\": 1,\n  \"b\": tru\n}")
        #expect(error?.line == 3)
        #expect(error?.column == 8)
    }

    @Test func trailingDataAndUnterminatedInputAreRefused() {
        #expect(reason("{} {}")?.reason == "unexpected data after the JSON value")
        #expect(reason(#"{"a": "b"#)?.reason == "unterminated string")
        #expect(reason("")?.reason == "unexpected end of input")
    }

    @Test func validatingRefusesWhatParsingRefusesWithTheSameError() throws {
        let documents = [
            #"{"points": 1.5}"#, "1e3", "9007199254740992", #"{"a":1,"a":2}"#, #"[{"a":{"b":[1,{"c":2,"c":3}]}}]"#,
            #""\ud800""#, "{\n  \"a\": 1,\n  \"b\": tru\n}", "{} {}", #"{"a": "b"#, "", "[1,]", #"{"a" 1}"#,
            String(repeating: "[", count: 70) + String(repeating: "]", count: 70),
        ]
        for document in documents {
            #expect(reason(document) != nil, "\(document)")
            #expect(reason(document) == validationError(Array(document.utf8)), "\(document)")
        }
        let accepted = #"{"a":[1,"x",{"b":null,"c":true}],"d":"Việt"}"#
        try JSONParser.validate(Array(accepted.utf8))
        #expect(try JSONParser.parse(accepted)["d"] == .string("Việt"))
    }

    private func validationError(_ bytes: [UInt8]) -> JSONParseError? {
        do {
            try JSONParser.validate(bytes)
            return nil
        } catch {
            return error
        }
    }

    @Test func escapesAreDecoded() throws {
        #expect(try JSONParser.parse(#""a\/b\n\u00e9""#) == .string("a/b\né"))
    }
}

@Suite struct NormalisationTests {
    /// The scalars `String.nfc` passes through without Foundation: each must be in NFC alone, start no
    /// reordering, and compose with no letter before it.
    @Test func scalarsPassedThroughAreStableUnderNFC() {
        let ranges: [ClosedRange<UInt32>] = [0x20...0x2FF, 0x1E00...0x1EFF, 0x2010...0x205F]
        let bases = Array("AaEeIiOoUuYyĂăÂâÊêÔôƠơƯưĐđ".unicodeScalars)
        for value in ranges.joined() {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(scalar.properties.canonicalCombiningClass == .notReordered, "U+\(String(value, radix: 16))")
            let alone = String(scalar)
            #expect(alone.precomposedStringWithCanonicalMapping == alone, "U+\(String(value, radix: 16))")
            for base in bases {
                let pair = String(base) + alone
                #expect(pair.precomposedStringWithCanonicalMapping.unicodeScalars.count == 2)
            }
        }
    }

    @Test func combiningMarksAreComposed() {
        let decomposed = "Vie\u{0323}\u{0302}t Nam"
        #expect(decomposed.nfc == "Việt Nam")
        #expect(decomposed.nfc.unicodeScalars.count == 8)
        #expect("Ω".nfc == "\u{03A9}")
        #expect("\u{2126}".nfc == "\u{03A9}")
    }
}
