import Foundation

/// A JSON document as the ledger stores it: the subset of JSON that has one canonical form.
///
/// Numbers are integers only (within ±(2^53 − 1), where every JSON implementation agrees);
/// decimals such as points travel as strings ("1.25"), so no binary floating point ever touches them.
/// Strings and object keys are normalised to Unicode NFC when a value is built.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The largest integer magnitude the ledger accepts (2^53 − 1, exact in every JSON reader).
    public static let maximumInteger: Int64 = (1 << 53) - 1

    /// A string value, normalised to NFC.
    public static func text(_ value: String) -> JSONValue { .string(value.nfc) }

    /// The value under `key` when this is an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer, when this is an integer.
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }
}

extension String {
    /// This text in Unicode Normalization Form C, the form the ledger hashes and compares.
    public var nfc: String {
        isNFCByItsScalars ? self : precomposedStringWithCanonicalMapping
    }

    /// Whether every scalar is one that is in NFC whatever surrounds it (NFC_QC=Yes, and composing with
    /// nothing before it): below U+0300 (ASCII, Latin-1, Latin Extended-A/B with đ ơ ư, IPA and spacing
    /// modifiers), Latin Extended Additional (U+1E00–U+1EFF, Vietnamese's precomposed letters) and
    /// General Punctuation after U+200F (dashes, quotes). Such text needs no normalising, which is most of
    /// what the ledger reads; anything else goes through Foundation.
    package var isNFCByItsScalars: Bool {
        let isPlain = { (byte: UInt8) in byte < 0x80 }
        if utf8.withContiguousStorageIfAvailable({ $0.allSatisfy(isPlain) }) ?? utf8.allSatisfy(isPlain) {
            return true
        }
        return unicodeScalars.allSatisfy { scalar in
            scalar.value < 0x300 || (0x1E00...0x1EFF).contains(scalar.value) || (0x2010...0x205F).contains(scalar.value)
        }
    }
}
